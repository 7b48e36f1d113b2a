// Measures the chaining choice (bench/chaining/chain_ring.h): the cost of a
// chained TB exit done three ways, and the cost of one link patch done five
// ways. Prints a markdown table; `bash bench/chaining.sh` builds and runs it.
//
//   chain_bench [--blocks=64,1024,4096] [--exits=50000000] [--reps=5]
// (the patch timings use the first ring size)
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "bench/chaining/chain_ring.h"
#include "common/codegen/jump_patch.h"

namespace dbt::bench {
namespace {

struct Options {
  std::vector<int> ring_sizes = {64, 1024, 4096};  // blocks, for the exit timings
  int blocks = 64;                                 // for the patch timings
  uint64_t exits = 50'000'000;
  int reps = 5;
};

double NowNs() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count());
}

// Best of `reps` timings of fn(), in ns per `per` operations.
double BestNsPer(int reps, double per, const std::function<void()>& fn) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const double t0 = NowNs();
    fn();
    best = std::min(best, (NowNs() - t0) / per);
  }
  return best;
}

std::unique_ptr<ChainRing> MustBuild(ChainKind kind, int blocks) {
  auto ring = ChainRing::Build(kind, blocks);
  if (!ring.ok()) {
    fprintf(stderr, "chain_bench: %s\n", std::string(ring.status().message()).c_str());
    exit(1);
  }
  return std::move(*ring);
}

void MeasureExits(const Options& o, int blocks) {
  const uint64_t laps = std::max<uint64_t>(1, o.exits / blocks);
  for (ChainKind kind : {ChainKind::kDirect, ChainKind::kIndirect, ChainKind::kDispatcher}) {
    std::unique_ptr<ChainRing> ring = MustBuild(kind, blocks);
    ring->LinkAll();
    RingState state;
    // The dispatcher is ~10x slower per exit: fewer laps keep the time sane.
    const uint64_t n = kind == ChainKind::kDispatcher ? std::max<uint64_t>(1, laps / 10) : laps;
    uint64_t returns = 0;
    const double ns = BestNsPer(o.reps, static_cast<double>(n * blocks),
                                [&] { returns = ring->Run(state, n); });
    printf("| %d | %s | %.2f | %.3g |\n", blocks, ChainKindName(kind), ns,
           static_cast<double>(returns) / static_cast<double>(n * blocks));
  }
}

// Keeps a second thread executing generated code (another ring, same
// address space) while patches are timed: an mprotect then has to shoot
// down that CPU's TLB.
class BusyThread {
 public:
  explicit BusyThread(int blocks) : ring_(MustBuild(ChainKind::kDirect, blocks)) {
    ring_->LinkAll();
    thread_ = std::thread([this] { ring_->Run(state_, ~uint64_t{0} >> 1); });
  }
  ~BusyThread() {
    __atomic_store_n(&state_.exit_request, 1, __ATOMIC_RELEASE);
    thread_.join();
  }

 private:
  std::unique_ptr<ChainRing> ring_;
  RingState state_;
  std::thread thread_;
};

void MeasurePatches(const Options& o) {
  const int patches_per_rep = 200'000;
  std::unique_ptr<ChainRing> direct = MustBuild(ChainKind::kDirect, o.blocks);
  std::unique_ptr<ChainRing> indirect = MustBuild(ChainKind::kIndirect, o.blocks);
  const codegen::CodeGenBuffer& cgb = direct->buffer();
  const long page = sysconf(_SC_PAGESIZE);
  // The single-view design: one mapping of the buffer, flipped RX -> RW -> RX
  // around each patch (never W+X).
  void* single = mmap(nullptr, cgb.size(), PROT_READ | PROT_EXEC, MAP_SHARED, cgb.fd(), 0);
  if (single == MAP_FAILED) {
    perror("chain_bench: mmap");
    exit(1);
  }
  auto* single_bytes = static_cast<uint8_t*>(single);

  auto alternate = [&](ChainRing& ring) {
    return [&ring, o, patches_per_rep] {
      for (int i = 0; i < patches_per_rep; ++i) {
        const int b = i % o.blocks;
        if ((i / o.blocks) % 2 == 0) ring.Link(b); else ring.Unlink(b);
      }
    };
  };
  auto rel32 = [&](int i) {
    const int b = i % o.blocks;
    const size_t target = (i / o.blocks) % 2 == 0 ? direct->entry((b + 1) % o.blocks)
                                                   : direct->jump_field(b) + 4;
    return static_cast<int32_t>(static_cast<int64_t>(target) -
                                static_cast<int64_t>(direct->jump_field(b) + 4));
  };
  auto pwrite_patch = [&] {
    for (int i = 0; i < patches_per_rep; ++i) {
      const int32_t rel = rel32(i);
      if (pwrite(cgb.fd(), &rel, 4, static_cast<off_t>(direct->jump_field(i % o.blocks))) != 4) {
        perror("chain_bench: pwrite");
        exit(1);
      }
    }
  };
  auto flip_patch = [&] {
    for (int i = 0; i < patches_per_rep / 10; ++i) {
      const size_t field = direct->jump_field(i % o.blocks);
      uint8_t* page_start = single_bytes + field / page * page;
      if (mprotect(page_start, page, PROT_READ | PROT_WRITE) != 0) exit(1);
      __atomic_store_n(reinterpret_cast<uint32_t*>(single_bytes + field),
                       static_cast<uint32_t>(rel32(i)), __ATOMIC_RELEASE);
      if (mprotect(page_start, page, PROT_READ | PROT_EXEC) != 0) exit(1);
    }
  };
  printf("\n| link patch | ns per patch, other CPU idle | ns per patch, other CPU running generated code |\n"
         "|---|---|---|\n");
  struct Row {
    const char* name;
    std::function<void()> fn;
    double per;
  } rows[] = {
      {"4-byte store via the RW alias (dbt)", alternate(*direct), patches_per_rep},
      {"8-byte store to a data-page slot", alternate(*indirect), patches_per_rep},
      {"pwrite of the rel32 field to the memfd", pwrite_patch, patches_per_rep},
      {"mprotect RX->RW, store, mprotect RW->RX", flip_patch, patches_per_rep / 10.0},
  };
  for (const Row& row : rows) {
    const double idle = BestNsPer(o.reps, row.per, row.fn);
    double busy;
    {
      BusyThread other(o.blocks);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      busy = BestNsPer(o.reps, row.per, row.fn);
    }
    printf("| %s | %.1f | %.1f |\n", row.name, idle, busy);
  }
  munmap(single, cgb.size());
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--blocks=", 0) == 0) {
      o.ring_sizes.clear();
      for (const char* p = a.c_str() + 9; *p != 0;) {
        char* end;
        o.ring_sizes.push_back(static_cast<int>(strtol(p, &end, 10)));
        if (end == p) break;
        p = *end == ',' ? end + 1 : end;
      }
      o.blocks = o.ring_sizes.front();
    }
    else if (a.rfind("--exits=", 0) == 0) o.exits = strtoull(a.c_str() + 8, nullptr, 10);
    else if (a.rfind("--reps=", 0) == 0) o.reps = atoi(a.c_str() + 7);
    else {
      fprintf(stderr, "usage: chain_bench [--blocks=64,1024,4096] [--exits=50000000] [--reps=5]\n");
      exit(2);
    }
  }
  bool sizes_ok = !o.ring_sizes.empty();
  for (int b : o.ring_sizes) sizes_ok = sizes_ok && b >= 1 && b <= 4096;
  if (!sizes_ok || o.reps < 1 || o.exits < 1) {
    fprintf(stderr, "chain_bench: --blocks 1..4096, --reps >= 1, --exits >= 1\n");
    exit(2);
  }
  return o;
}

}  // namespace
}  // namespace dbt::bench

int main(int argc, char** argv) {
  const dbt::bench::Options o = dbt::bench::ParseArgs(argc, argv);
  printf("%llu chained exits per timing, best of %d\n\n",
         static_cast<unsigned long long>(o.exits), o.reps);
  printf("| blocks in the ring | exit | ns per block (exit included) | returns to C++ per block |\n"
         "|---|---|---|---|\n");
  for (int blocks : o.ring_sizes) dbt::bench::MeasureExits(o, blocks);
  dbt::bench::MeasurePatches(o);
  return 0;
}
