#include "services/executor/runtime/initial_stack.h"

#include <elf.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dbt::executor {

uint64_t ChooseStackSize() {
  uint64_t size = kDefaultStackSize;
  struct rlimit lim;
  if (getrlimit(RLIMIT_STACK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur > size) {
    size = lim.rlim_cur;
  }
  return PageUp(std::min(size, kMaxStackSize));
}

absl::StatusOr<InitialStack> BuildInitialStack(GuestMemory& mem, const LoadedImage& image,
                                               const StackSpec& spec) {
  constexpr int kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20;
  InitialStack out;
  out.stack_low = spec.stack_top - spec.stack_size;
  int prot = PROT_READ | PROT_WRITE | (image.exec_stack ? PROT_EXEC : 0);
  int64_t r = mem.Mmap(out.stack_low, spec.stack_size, prot,
                       kMapPrivate | kMapFixed | kMapAnonymous, -1, 0, "[stack]");
  if (r < 0) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot map the stack: ", strerror(-r)));
  }

  // Strings first, from the top; exec refuses argument lists larger than a
  // quarter of the stack (E2BIG), and so do we.
  uint64_t strings_size = spec.execfn.size() + 1;
  for (const auto& s : spec.argv) strings_size += s.size() + 1;
  for (const auto& s : spec.envp) strings_size += s.size() + 1;
  const uint64_t pointer_words = 1 + spec.argv.size() + 1 + spec.envp.size() + 1 + 2 * 17;
  if (strings_size + pointer_words * 8 + 64 > spec.stack_size / 4) {
    return absl::InvalidArgumentError("argument list too long");
  }
  uint64_t p = spec.stack_top - 8;
  auto push_string = [&](const std::string& s) {
    p -= s.size() + 1;
    memcpy(mem.Host(p), s.c_str(), s.size() + 1);
    return p;
  };
  out.execfn = push_string(spec.execfn);
  std::vector<uint64_t> envp_addrs(spec.envp.size());
  for (size_t i = spec.envp.size(); i-- > 0;) envp_addrs[i] = push_string(spec.envp[i]);
  std::vector<uint64_t> argv_addrs(spec.argv.size());
  for (size_t i = spec.argv.size(); i-- > 0;) argv_addrs[i] = push_string(spec.argv[i]);

  p &= ~uint64_t{15};
  p -= 16;
  out.random = p;
  memcpy(mem.Host(p), spec.random.data(), 16);

  // ORDER: qemu-riscv64's auxv order (linux-user/elfload.c create_elf_tables).
  out.auxv_entries = {
      {AT_PHDR, image.phdr_addr},
      {AT_PHENT, image.phent},
      {AT_PHNUM, image.phnum},
      {AT_PAGESZ, kGuestPageSize},
      {AT_BASE, spec.interp_base},
      {AT_FLAGS, 0},
      {AT_ENTRY, image.entry},
      {AT_UID, getuid()},
      {AT_EUID, geteuid()},
      {AT_GID, getgid()},
      {AT_EGID, getegid()},
      {AT_HWCAP, kRiscvHwcap},
      {AT_CLKTCK, 100},
      {AT_RANDOM, out.random},
      {AT_SECURE, 0},
      {AT_EXECFN, out.execfn},
  };
  std::vector<uint64_t> words;
  words.push_back(spec.argv.size());
  for (uint64_t a : argv_addrs) words.push_back(a);
  words.push_back(0);
  for (uint64_t a : envp_addrs) words.push_back(a);
  words.push_back(0);
  for (const auto& [type, value] : out.auxv_entries) {
    words.push_back(type);
    words.push_back(value);
  }
  words.push_back(AT_NULL);
  words.push_back(0);

  out.sp = (p - words.size() * 8) & ~uint64_t{15};
  memcpy(mem.Host(out.sp), words.data(), words.size() * 8);
  out.argv = out.sp + 8;
  out.envp = out.argv + (spec.argv.size() + 1) * 8;
  out.auxv = out.envp + (spec.envp.size() + 1) * 8;
  return out;
}

}  // namespace dbt::executor
