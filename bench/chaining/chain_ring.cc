#include "bench/chaining/chain_ring.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/codegen/jump_patch.h"
#include "xbyak/xbyak.h"

namespace dbt::bench {
namespace {

constexpr size_t kBufferBytes = 4 << 20;
constexpr size_t kRegionBytes = 1 << 20;

// A read-write data page within rel32 reach of `near` (after or before it).
uint64_t* MapSlotsNear(const uint8_t* near, size_t near_size, size_t bytes) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (const uint8_t* hint : {near + near_size + page, near - bytes - page}) {
    void* p = mmap(const_cast<uint8_t*>(hint), bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != MAP_FAILED) return static_cast<uint64_t*>(p);
  }
  return nullptr;
}

}  // namespace

const char* ChainKindName(ChainKind kind) {
  switch (kind) {
    case ChainKind::kDirect: return "direct jmp rel32, patched via RW alias";
    case ChainKind::kIndirect: return "jmp [rip+slot], slot in a RW data page";
    case ChainKind::kDispatcher: return "no chaining: return to a C++ dispatcher";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<ChainRing>> ChainRing::Build(ChainKind kind, int blocks) {
  if (blocks < 1 || blocks > 4096) return absl::InvalidArgumentError("1..4096 blocks");
  std::unique_ptr<ChainRing> ring(new ChainRing());
  ring->kind_ = kind;
  auto buffer = codegen::CodeGenBuffer::Create({kBufferBytes, kRegionBytes});
  if (!buffer.ok()) return buffer.status();
  ring->buffer_ = std::move(*buffer);
  const codegen::CodeGenBuffer& cgb = *ring->buffer_;
  if (kind == ChainKind::kIndirect) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    ring->slots_bytes_ = (blocks * sizeof(uint64_t) + page - 1) / page * page;
    ring->slots_ = MapSlotsNear(cgb.rx(), cgb.size(), ring->slots_bytes_);
    if (ring->slots_ == nullptr) {
      return absl::InternalError(absl::StrCat("no slot page near the code: ", strerror(errno)));
    }
  }

  const size_t base = cgb.FreeSpan().offset;  // 16-aligned
  Xbyak::CodeGenerator as(kRegionBytes);
  ring->entry_.resize(blocks);
  ring->jump_field_.assign(blocks, 0);
  ring->unlinked_.resize(blocks);
  for (int i = 0; i < blocks; ++i) {
    while (as.getSize() % 16 != 0) as.int3();
    ring->entry_[i] = base + as.getSize();
    Xbyak::Label bail, cont;
    as.cmp(as.dword[as.rdi + offsetof(RingState, exit_request)], 0);
    as.jne(bail, as.T_NEAR);
    as.mov(as.rax, as.qword[as.rdi + offsetof(RingState, guest_reg)]);
    as.add(as.rax, i + 1);
    as.mov(as.qword[as.rdi + offsetof(RingState, guest_reg)], as.rax);
    if (i == blocks - 1) {
      as.dec(as.qword[as.rdi + offsetof(RingState, laps_left)]);
      as.jnz(cont, as.T_NEAR);
      as.mov(as.rax, kRingDone);
      as.ret();
      as.L(cont);
    }
    if (kind == ChainKind::kDirect) {
      while ((as.getSize() + 1) % 4 != 0) as.nop(1);
      as.db(0xe9);
      ring->jump_field_[i] = base + as.getSize();
      as.dd(0);  // to the next instruction: the unlinked path
    } else if (kind == ChainKind::kIndirect) {
      as.db(0xff);
      as.db(0x25);
      const uint64_t next_insn = reinterpret_cast<uint64_t>(cgb.rx_at(base + as.getSize() + 4));
      const int64_t disp = static_cast<int64_t>(reinterpret_cast<uint64_t>(&ring->slots_[i]) -
                                                next_insn);
      if (disp != static_cast<int32_t>(disp)) return absl::InternalError("slot out of reach");
      as.dd(static_cast<uint32_t>(static_cast<int32_t>(disp)));
    }
    ring->unlinked_[i] = base + as.getSize();
    as.mov(as.eax, (i + 1) % blocks);
    as.ret();
    as.L(bail);
    as.mov(as.eax, i);
    as.ret();
  }
  as.ready();
  if (as.getSize() > ring->buffer_->FreeSpan().size) return absl::InternalError("ring too big");
  memcpy(ring->buffer_->rw_at(base), as.getCode(), as.getSize());
  ring->buffer_->Commit(as.getSize());
  for (int i = 0; i < blocks; ++i) ring->lookup_[GuestPc(i)] = static_cast<size_t>(i);
  ring->UnlinkAll();
  return ring;
}

ChainRing::~ChainRing() {
  if (slots_ != nullptr) munmap(slots_, slots_bytes_);
}

void ChainRing::Link(int block) {
  const int next = (block + 1) % blocks();
  if (kind_ == ChainKind::kDirect) {
    codegen::PatchJump(*buffer_, jump_field_[block], entry_[next]);
  } else if (kind_ == ChainKind::kIndirect) {
    __atomic_store_n(&slots_[block], reinterpret_cast<uint64_t>(buffer_->rx_at(entry_[next])),
                     __ATOMIC_RELEASE);
  }
}

void ChainRing::Unlink(int block) {
  if (kind_ == ChainKind::kDirect) {
    codegen::PatchJump(*buffer_, jump_field_[block], unlinked_[block]);
  } else if (kind_ == ChainKind::kIndirect) {
    __atomic_store_n(&slots_[block], reinterpret_cast<uint64_t>(buffer_->rx_at(unlinked_[block])),
                     __ATOMIC_RELEASE);
  }
}

void ChainRing::LinkAll() {
  for (int i = 0; i < blocks(); ++i) Link(i);
}

void ChainRing::UnlinkAll() {
  for (int i = 0; i < blocks(); ++i) Unlink(i);
}

uint64_t ChainRing::Run(RingState& state, uint64_t laps) const {
  using BlockFn = uint64_t (*)(RingState*);
  state.laps_left = laps;
  uint64_t returns = 0;
  uint64_t next = 0;
  while (true) {
    auto fn = reinterpret_cast<BlockFn>(const_cast<uint8_t*>(buffer_->rx_at(entry_[next])));
    next = fn(&state);
    ++returns;
    if (next == kRingDone || state.exit_request != 0) return returns;
    // As a dispatcher does: find the block by its guest pc.
    next = lookup_.at(GuestPc(static_cast<int>(next)));
  }
}

}  // namespace dbt::bench
