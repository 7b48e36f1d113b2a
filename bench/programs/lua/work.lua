-- work.lua: a few seconds of interpreter work (1-3 s natively): allocation
-- of many small tables (binary trees), floating-point loops (n-body,
-- spectral norm), integer and array loops (sieve, fannkuch), string building
-- and patterns (a word-frequency count over generated text, a report built
-- with string.format and table.concat). Each part prints a result line;
-- the output is deterministic (no pairs() order, no clock, IEEE-exact
-- arithmetic only: + - * / and sqrt).
--
-- Usage: lua work.lua [SCALE]   (SCALE multiplies the work; default 1)

local scale = tonumber(arg and arg[1]) or 1

-- binary trees: allocate, check and drop many small trees
local function bottom_up(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { bottom_up(depth), bottom_up(depth) }
end
local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end
do
  local max_depth = 16
  local long_lived = bottom_up(max_depth)
  local total = 0
  for depth = 4, max_depth, 2 do
    local iters = (1 << (max_depth - depth + 4)) * scale // 4
    local c = 0
    for _ = 1, iters do c = c + check(bottom_up(depth)) end
    total = total + c
  end
  print(string.format("binarytrees: long-lived %d, total %d", check(long_lived), total))
end

-- n-body: the Jovian planets around the sun
do
  local PI, DAYS = math.pi, 365.24
  local SOLAR_MASS = 4 * PI * PI
  local bodies = {
    { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, mass = SOLAR_MASS },
    { x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
      vx = 1.66007664274403694e-03 * DAYS, vy = 7.69901118419740425e-03 * DAYS,
      vz = -6.90460016972063023e-05 * DAYS, mass = 9.54791938424326609e-04 * SOLAR_MASS },
    { x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
      vx = -2.76742510726862411e-03 * DAYS, vy = 4.99852801234917238e-03 * DAYS,
      vz = 2.30417297573763929e-05 * DAYS, mass = 2.85885980666130812e-04 * SOLAR_MASS },
    { x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
      vx = 2.96460137564761618e-03 * DAYS, vy = 2.37847173959480950e-03 * DAYS,
      vz = -2.96589568540237556e-05 * DAYS, mass = 4.36624404335156298e-05 * SOLAR_MASS },
    { x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
      vx = 2.68067772490389322e-03 * DAYS, vy = 1.62824170038242295e-03 * DAYS,
      vz = -9.51592254519715870e-05 * DAYS, mass = 5.15138902046611451e-05 * SOLAR_MASS },
  }
  local n = #bodies
  local function energy()
    local e = 0
    for i = 1, n do
      local b = bodies[i]
      e = e + 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
      for j = i + 1, n do
        local b2 = bodies[j]
        local dx, dy, dz = b.x - b2.x, b.y - b2.y, b.z - b2.z
        e = e - b.mass * b2.mass / math.sqrt(dx * dx + dy * dy + dz * dz)
      end
    end
    return e
  end
  local px, py, pz = 0, 0, 0
  for i = 1, n do
    local b = bodies[i]
    px, py, pz = px + b.vx * b.mass, py + b.vy * b.mass, pz + b.vz * b.mass
  end
  local sun = bodies[1]
  sun.vx, sun.vy, sun.vz = -px / SOLAR_MASS, -py / SOLAR_MASS, -pz / SOLAR_MASS
  local before = energy()
  local sqrt = math.sqrt
  for _ = 1, 250000 * scale do
    local dt = 0.01
    for i = 1, n do
      local bi = bodies[i]
      local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
      local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
      for j = i + 1, n do
        local bj = bodies[j]
        local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = dt / (d2 * sqrt(d2))
        local bm = bj.mass * mag
        bivx, bivy, bivz = bivx - dx * bm, bivy - dy * bm, bivz - dz * bm
        bm = bimass * mag
        bj.vx, bj.vy, bj.vz = bj.vx + dx * bm, bj.vy + dy * bm, bj.vz + dz * bm
      end
      bi.vx, bi.vy, bi.vz = bivx, bivy, bivz
      bi.x, bi.y, bi.z = bix + dt * bivx, biy + dt * bivy, biz + dt * bivz
    end
  end
  print(string.format("nbody: energy %.9f -> %.9f", before, energy()))
end

-- spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2+i+1)
do
  local N = 300 * scale
  local function A(i, j)
    local ij = i + j - 1
    return 1.0 / (ij * (ij - 1) * 0.5 + i)
  end
  local function Av(x, y)
    for i = 1, N do
      local a = 0
      for j = 1, N do a = a + x[j] * A(i, j) end
      y[i] = a
    end
  end
  local function Atv(x, y)
    for i = 1, N do
      local a = 0
      for j = 1, N do a = a + x[j] * A(j, i) end
      y[i] = a
    end
  end
  local function AtAv(x, y, t) Av(x, t); Atv(t, y) end
  local u, v, t = {}, {}, {}
  for i = 1, N do u[i] = 1 end
  for _ = 1, 10 do AtAv(u, v, t); AtAv(v, u, t) end
  local vBv, vv = 0, 0
  for i = 1, N do
    local ui, vi = u[i], v[i]
    vBv, vv = vBv + ui * vi, vv + vi * vi
  end
  print(string.format("spectralnorm: %.9f", math.sqrt(vBv / vv)))
end

-- sieve of Eratosthenes and fannkuch: integer loops over arrays
do
  local limit = 2000000 * scale
  local composite = {}
  for i = 1, limit do composite[i] = false end
  local count, last = 0, 0
  for i = 2, limit do
    if not composite[i] then
      count, last = count + 1, i
      for k = i * i, limit, i do composite[k] = true end
    end
  end
  print(string.format("sieve: %d primes up to %d, the last %d", count, limit, last))

  local function fannkuch(n)
    local perm, perm1, cnt = {}, {}, {}
    local maxflips, checksum, r, nperm = 0, 0, n, 0
    for i = 0, n - 1 do perm1[i] = i end
    while true do
      while r ~= 1 do cnt[r - 1] = r; r = r - 1 end
      for i = 0, n - 1 do perm[i] = perm1[i] end
      local flips = 0
      local k = perm[0]
      while k ~= 0 do
        local i, j = 0, k
        while i < j do perm[i], perm[j] = perm[j], perm[i]; i, j = i + 1, j - 1 end
        flips = flips + 1
        k = perm[0]
      end
      if flips > maxflips then maxflips = flips end
      checksum = checksum + (nperm % 2 == 0 and flips or -flips)
      while true do
        if r == n then return checksum, maxflips end
        local p0 = perm1[0]
        for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
        perm1[r] = p0
        cnt[r] = cnt[r] - 1
        if cnt[r] > 0 then break end
        r = r + 1
      end
      nperm = nperm + 1
    end
  end
  local c, m = fannkuch(9)
  print(string.format("fannkuch(9): checksum %d, max flips %d", c, m))
end

-- words: generate text, count word frequencies, build a report
do
  local seed = 12345
  local function rand(n) -- a 31-bit LCG, the same everywhere
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n + 1
  end
  local syll = { "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "an", "el", "or", "ix", "qu", "th", "st" }
  local vocab = {}
  for i = 1, 3000 do
    local parts = {}
    for k = 1, 1 + i % 4 do parts[k] = syll[rand(#syll)] end
    vocab[i] = table.concat(parts)
  end
  local sentences = {}
  for s = 1, 40000 * scale do
    local words = {}
    for w = 1, 4 + rand(8) do
      -- skewed choice: frequent words are frequent
      words[w] = vocab[rand(rand(rand(#vocab)))]
    end
    words[1] = words[1]:sub(1, 1):upper() .. words[1]:sub(2)
    sentences[s] = table.concat(words, " ") .. (rand(5) == 1 and "!" or ".")
  end
  local text = table.concat(sentences, " ")
  local freq, total = {}, 0
  for w in text:gmatch("%a+") do
    w = w:lower()
    freq[w] = (freq[w] or 0) + 1
    total = total + 1
  end
  local list = {}
  for w, c in pairs(freq) do list[#list + 1] = { w = w, c = c } end
  table.sort(list, function(a, b) if a.c ~= b.c then return a.c > b.c end return a.w < b.w end)
  local top = {}
  for i = 1, 8 do top[i] = list[i].w .. "=" .. list[i].c end
  local exclaims = select(2, text:gsub("!", "!"))
  local caps = select(2, text:gsub("%f[%a]%u", ""))
  print(string.format("words: %d bytes, %d words, %d distinct, %d exclamations, %d capitals",
    #text, total, #list, exclaims, caps))
  print("words: top " .. table.concat(top, " "))

  local report = {}
  for i, e in ipairs(list) do
    report[i] = string.format("%5d %-16s %6d %7.3f%%", i, e.w, e.c, 100 * e.c / total)
  end
  local body = table.concat(report, "\n")
  local h = 0
  for k = 1, #body, 7 do h = (h * 31 + body:byte(k)) & 0xffffffff end
  local rewritten = body:gsub("(%d+)%.(%d+)%%", "%2/%1")
  print(string.format("report: %d lines, %d bytes, hash %08x, rewritten %d bytes",
    #report, #body, h, #rewritten))
end
