// libFuzzer target: the ELF loader (services/executor/runtime/elf_loader.h)
// on arbitrary files, as a program (at kPieLoadBias when position-
// independent) and as a dynamic loader (at kInterpLoadBias), into a fresh
// guest address space each time; and ClassifyElf, which execve uses. It
// must never crash or read out of bounds (ASan); whatever it accepts must
// lie inside the guest space.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/executor/runtime/elf_loader.h"
#include "services/executor/runtime/guest_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("elf", 0);
  if (fd < 0) abort();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  (void)dbt::executor::ClassifyElf(path);
  for (const uint64_t base : {dbt::executor::kPieLoadBias, dbt::executor::kInterpLoadBias}) {
    auto memory = dbt::executor::GuestMemory::Create();
    if (!memory.ok()) abort();
    const uint64_t limit = dbt::executor::kStackTop - dbt::executor::kDefaultStackSize;
    auto image = dbt::executor::LoadElf(path, **memory, limit, base);
    if (image.ok() && (image->start < dbt::executor::kGuestPageSize || image->end > limit ||
                       image->start > image->end)) {
      abort();
    }
  }
  return 0;
}
