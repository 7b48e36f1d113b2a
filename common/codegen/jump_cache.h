// Where generated code looks up an indirect-jump target in
// GuestEnv::jump_cache (lookup_and_goto_ptr): the entry at
// JumpCacheIndex(guest_pc). The executor fills entries with the same
// function. Guest pcs are at least 2-byte aligned (RISC-V C), so bit 0 is
// dropped. Changing this changes kTranslatorAbi.
#ifndef DBT_COMMON_CODEGEN_JUMP_CACHE_H_
#define DBT_COMMON_CODEGEN_JUMP_CACHE_H_

#include <cstdint>

#include "common/jit_abi.h"

namespace dbt::codegen {

inline constexpr uint32_t JumpCacheIndex(uint64_t guest_pc) {
  return static_cast<uint32_t>(guest_pc >> 1) & ((1u << kJumpCacheBits) - 1);
}

}  // namespace dbt::codegen

#endif  // DBT_COMMON_CODEGEN_JUMP_CACHE_H_
