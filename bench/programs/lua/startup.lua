-- startup.lua: a short, translation-heavy run. It touches much of the Lua
-- interpreter and of its standard libraries once or a few times each (strings,
-- patterns, tables, math, coroutines, closures, errors, load, os, io, utf8,
-- integers and floats, string.pack, metatables, goto, to-be-closed variables)
-- and prints one line per part plus a checksum of everything it printed.
-- Deterministic: no addresses, no pairs() order, no clock or local time, no
-- NaN sign, transcendental results rounded. Runs in a few ms natively.
--
-- Usage: lua startup.lua

local lines = {}
local function say(name, ...)
  local parts = table.pack(...)
  for i = 1, parts.n do parts[i] = tostring(parts[i]) end
  lines[#lines + 1] = name .. ": " .. table.concat(parts, " ")
  print(lines[#lines])
end
-- A position-free error message ("file:line: msg" -> "msg").
local function msg(e) return (tostring(e):gsub("^[^:]*:%d+: ", "")) end

-- string.format
say("format",
  string.format("%d|%5d|%-5d|%+d|%05d|%x|%X|%o|%c", 42, 42, 42, 42, 42, 255, 255, 8, 65),
  string.format("%.3f|%10.2f|%e|%g|%g|%a", math.pi, -2.5, 12345.678, 1e20, 0.1, 1.0),
  string.format("%s|%10s|%-4s|%q|%q|%q|%%", "x", "right", "l", "a\"b\t\0c", 1 / 3, math.mininteger))

-- patterns: find, match, gsub, gmatch
do
  local s = "The quick brown fox jumps over the lazy dog; 3 foxes, 12 dogs (and [nested (parens)])"
  local a, b = s:find("quick")
  local c = s:find("o", 1, true)
  local w = {}
  for word in s:gmatch("%a+") do w[#w + 1] = word:lower() end
  local nums = {}
  for k, v in s:gmatch("(%d+) (%a+)") do nums[#nums + 1] = v .. "=" .. k end
  local swapped = ("hello world from lua"):gsub("(%w+) (%w+)", "%2 %1")
  local caps, n = s:gsub("%f[%a]%a", string.upper)
  local vowels = s:gsub("[aeiou]", { a = "4", e = "3", o = "0" })
  say("patterns", a, b, c, #w, w[4], table.concat(nums, ","), swapped, n, caps:sub(1, 19),
    vowels:sub(1, 20), s:match("%b()"), s:match("()fox()"), ("  trim  "):match("^%s*(.-)%s*$"),
    ("key = value"):match("^(%w+)%s*=%s*(%w+)$"), ("a,b,,c"):gsub(",", ";"),
    ("x"):rep(3, "-"), ("abc"):reverse(), ("MiXeD"):upper() .. ("MiXeD"):lower(),
    ("%d"):format(7), ("bytes"):byte(1, -1), string.char(72, 105), #("\u{48}\65\x42"))
end

-- tables
do
  local t = {}
  for i = 1, 50 do t[i] = (i * 37) % 101 end
  table.sort(t)
  local d = { "pear", "apple", "fig", "banana", "kiwi", "cherry" }
  table.sort(d, function(x, y) if #x ~= #y then return #x < #y end return x < y end)
  table.insert(d, 1, "first")
  table.insert(d, "last")
  local removed = table.remove(d, 2)
  local m = table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1, {})
  local p = table.pack(10, nil, 30)
  local keys = {}
  for k in pairs({ x = 1, y = 2, z = 3, [1] = "one" }) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  local sum = 0
  for _, v in ipairs(t) do sum = sum + v end
  say("tables", t[1], t[25], t[50], sum, table.concat(d, ","), removed, table.concat(m, ","),
    p.n, select("#", table.unpack(p, 1, p.n)), table.concat(keys, ""), #t, select(-1, 1, 2, 3))
end

-- math, integers and floats
do
  math.randomseed(42)
  local r = {}
  for i = 1, 5 do r[i] = math.random(1, 1000) end
  local f = math.random()
  local nan = 0 / 0
  say("math", math.floor(-3.5), math.ceil(-3.5), math.abs(math.mininteger + 1), math.max(3, 9.5, -1),
    math.min(3, 9.5, -1), math.fmod(-7, 3), math.fmod(7.5, 2), select(2, math.modf(-3.25)),
    math.sqrt(2), string.format("%.10f %.10f %.10f", math.sin(1), math.cos(1), math.tan(0.5)),
    string.format("%.10f %.10f %.10f", math.exp(1), math.log(100, 10), math.log(8, 2)),
    string.format("%.10f %.10f", math.atan(1, 2), math.asin(0.5)), math.tointeger(3.0), math.tointeger(3.5),
    math.type(1), math.type(1.0), math.type("1"), math.ult(1, -1), math.huge, -math.huge, nan ~= nan,
    math.pi, table.concat(r, ","), f >= 0 and f < 1)
  say("arith", 7 // 2, -7 // 2, 7 % -3, -7 % 3, 7.0 // 2, 2 ^ 10, 2 ^ 0.5, 1 / 0 > math.maxinteger,
    math.maxinteger + 1 == math.mininteger, math.maxinteger * 2, 5 & 3, 5 | 3, 5 ~ 3, ~5, 1 << 62, 1 << 64,
    -1 >> 60, 3 == 3.0, 1 < 1.5, "10" + 5, "3" * "4", 10 .. 20, 2 ^ 53 + 1, 1e15, 1e16, 123456789012,
    -0.0, 0.1 + 0.2, 100 // 1e308, tonumber("0x1p4"), tonumber("  12  "), tonumber("z", 36),
    tonumber("1e2"), tonumber("0x7fffffffffffffff"), tostring(2 ^ 63) , math.tointeger(2 ^ 62))
end

-- closures and upvalues
do
  local function counter(step)
    local n = 0
    return function() n = n + step; return n end, function() return n end
  end
  local inc, get = counter(3)
  for _ = 1, 4 do inc() end
  local fs = {}
  for i = 1, 5 do fs[i] = function() return i * i end end
  local acc = 0
  for i = 1, 5 do acc = acc + fs[i]() end
  local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
  local function va(...) return select("#", ...), ... end
  say("closures", get(), acc, fib(20), va(1, nil, 3))
end

-- coroutines
do
  local gen = coroutine.wrap(function(n)
    for i = 1, n do coroutine.yield(i * i) end
    return "done"
  end)
  local got = {}
  got[1] = gen(4)
  for i = 2, 5 do got[i] = gen() end
  local co = coroutine.create(function(a, b)
    local c = coroutine.yield(a + b)
    local ok, e = pcall(function() coroutine.yield("in pcall") ; error("boom") end)
    return c * 2, ok, msg(e)
  end)
  local r1 = { coroutine.resume(co, 1, 2) }
  local r2 = { coroutine.resume(co, 10) }
  local r3 = { coroutine.resume(co) }
  local dead = coroutine.status(co)
  local r4 = { coroutine.resume(co) }
  local co2 = coroutine.create(function() coroutine.yield() end)
  coroutine.resume(co2)
  say("coroutines", table.concat(got, ","), r1[2], r2[2], r3[2], r3[3], r3[4], dead, r4[1], msg(r4[2]),
    coroutine.isyieldable(), coroutine.status(co2), coroutine.close(co2), coroutine.status(co2),
    select(2, coroutine.running()))
end

-- errors
do
  local ok1, e1 = pcall(error, { code = 7 })
  local ok2, e2 = pcall(function() local x = nil; return x.field end)
  local ok3, e3 = pcall(function() error("level0", 0) end)
  local ok4, e4 = xpcall(function() return 1 + {} end, function(m) return "handled: " .. msg(m) end)
  local ok5, e5 = pcall(string.rep)
  local ok6, e6 = pcall(function() return #nil end)
  local ok7, e7 = pcall(setmetatable, 1, {})
  local ok8, e8 = pcall(function() return ("x"):bad() end)
  local ok9, e9 = pcall(function() local t = setmetatable({}, { __index = function(_, k) error("no " .. k, 2) end }); return t.key end)
  say("errors", ok1, e1.code, ok2, msg(e2), ok3, e3, ok4, e4, ok5, msg(e5), ok6, msg(e6), ok7, msg(e7),
    msg(e8), msg(e9), select("#", pcall(error)))
end

-- load, string.dump, environments
do
  local f = load("local a, b = ... ; return a * b + x", "=chunk", "t", { x = 100 })
  local parts, i = { "return ", "1 + ", "2 * ", "3" }, 0
  local g = load(function() i = i + 1; return parts[i] end)
  local bad, err = load("return +", "=bad")
  local dumped = load(string.dump(function(n) local s = 0; for k = 1, n do s = s + k end; return s end), "d", "b")
  local env = {}
  local setter = load("y = 5; z = y * 2", "setter", "t", env)
  setter()
  local sum = load("local s = 0 for i = 1, 100 do s = s + i end return s")()
  say("load", f(6, 7), g(), bad, err, dumped(100), env.y, env.z, sum, rawequal(env, env), rawlen({ 1, 2 }),
    rawget(setmetatable({}, { __index = function() return 1 end }), "k"), type(_ENV), _VERSION)
end

-- metatables
do
  local V = {}
  V.__index = V
  local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
  V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
  V.__mul = function(a, k) return vec(a.x * k, a.y * k) end
  V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
  V.__lt = function(a, b) return a:len2() < b:len2() end
  V.__le = function(a, b) return a:len2() <= b:len2() end
  V.__len = function(a) return a:len2() end
  V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
  V.__concat = function(a, b) return tostring(a) .. tostring(b) end
  V.__call = function(a, k) return a[k] end
  V.__unm = function(a) return vec(-a.x, -a.y) end
  function V:len2() return self.x * self.x + self.y * self.y end
  local a, b = vec(1, 2), vec(3, 4)
  local log = {}
  local proxy = setmetatable({}, { __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end })
  proxy.one = 1; proxy.two = 2; proxy.one = 11
  local closed = {}
  do
    local c1 <close> = setmetatable({}, { __close = function() closed[#closed + 1] = "c1" end })
    local c2 <close> = setmetatable({}, { __close = function() closed[#closed + 1] = "c2" end })
    local k <const> = 3
    closed[#closed + 1] = "body" .. k
  end
  local gced = {}
  do setmetatable({}, { __gc = function() gced[1] = "finalized" end }) end
  collectgarbage()
  collectgarbage()
  say("meta", tostring(a + b), tostring(a * 3), a == vec(1, 2), a < b, b <= a, #b, a .. b, a("x"), tostring(-a),
    table.concat(log, ","), proxy.one, table.concat(closed, ","), gced[1], getmetatable("").__index == string)
end

-- utf8
do
  local s = utf8.char(72, 233, 0x4e2d, 0x1f600, 33)
  local cps = {}
  for p, c in utf8.codes(s) do cps[#cps + 1] = p .. ":" .. c end
  say("utf8", #s, utf8.len(s), utf8.codepoint(s, 1, -1), table.concat(cps, " "), utf8.offset(s, 3),
    utf8.offset(s, -1), utf8.len("\xff"), s:match(utf8.charpattern .. "$") == "!", select("#", s:gsub(utf8.charpattern, "")))
end

-- string.pack / unpack
do
  local p = string.pack("<i4 >I2 z s1 d f j n B", -2, 0x1234, "zero", "len", 1.5, 0.25, math.mininteger, 2 ^ -3, 255)
  local vals = table.pack(string.unpack("<i4 >I2 z s1 d f j n B", p))
  local hex = p:sub(1, 6):gsub(".", function(c) return string.format("%02x", c:byte()) end)
  say("pack", #p, hex, table.concat(vals, ",", 1, vals.n - 1), vals[vals.n], string.packsize("i4 i8 !8 d"),
    string.unpack("<I3", "\1\2\3"), string.unpack(">i2", "\255\254"), string.pack(">I4", 0xdeadbeef):byte(1, -1))
end

-- os and io (fixed times, UTC; a temporary file)
do
  local t = 1700000000
  local u = os.date("!*t", t)
  local noon = os.time({ year = 2024, month = 7, day = 15, hour = 12 })
  local rt = os.date("*t", noon)
  local name = os.tmpname()
  local fh = assert(io.open(name, "w"))
  fh:write("line one\n", 42, " ", 3.5, "\nline three\n")
  fh:close()
  local rows = {}
  for l in io.lines(name) do rows[#rows + 1] = l end
  fh = assert(io.open(name, "r"))
  local n1, n2 = fh:read("l", "n")
  local size = fh:seek("end")
  fh:close()
  os.remove(name)
  say("os", os.date("!%Y-%m-%d %H:%M:%S %A %j", t), u.year, u.month, u.day, u.hour, u.wday, u.yday, u.isdst,
    rt.year, rt.month, rt.day, rt.hour, os.difftime(t + 90, t), type(os.clock()), type(os.time()),
    os.getenv("DBT_SURELY_UNSET_VARIABLE"), #rows, rows[3], n1, n2, size,
    io.type(fh), io.type(io.stdout), select(2, io.open("/nonexistent/dir/file")) ~= nil)
end

-- goto, numeric loops, strings built up
do
  local i, s = 1, 0
  ::top::
  s = s + i
  i = i + 1
  if i <= 10 then goto top end
  local down = {}
  for k = 10, 1, -3 do down[#down + 1] = k end
  local fl = {}
  for x = 0, 1, 0.25 do fl[#fl + 1] = x end
  local buf = {}
  for k = 1, 200 do buf[#buf + 1] = string.format("%03d", k * 7 % 1000) end
  local big = table.concat(buf)
  say("loops", s, table.concat(down, ","), table.concat(fl, ","), #big, big:sub(-12), select("#", big:byte(1, 10)))
end

-- checksum of everything printed (FNV-1a, 32 bits)
local h = 0x811c9dc5
for _, l in ipairs(lines) do
  for k = 1, #l do h = ((h ~ l:byte(k)) * 0x01000193) & 0xffffffff end
end
print(string.format("checksum: %08x over %d lines", h, #lines))
