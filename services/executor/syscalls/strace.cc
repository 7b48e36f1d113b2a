#include "services/executor/syscalls/strace.h"

#include <string.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/executor/runtime/guest_signal_abi.h"
#include "services/executor/syscalls/open_flags.h"

namespace dbt::executor {
namespace {

struct FlagName {
  uint64_t bit;
  const char* name;
};

std::string JoinFlags(uint64_t flags, const FlagName* names, size_t n, std::string first) {
  std::string out = std::move(first);
  for (size_t i = 0; i < n; ++i) {
    if ((flags & names[i].bit) == names[i].bit && names[i].bit != 0) {
      if (!out.empty()) out += '|';
      out += names[i].name;
      flags &= ~names[i].bit;
    }
  }
  if (flags != 0) {
    if (!out.empty()) out += '|';
    absl::StrAppendFormat(&out, "%#x", flags);
  }
  return out;
}

std::string Pointer(uint64_t v) { return v == 0 ? "NULL" : absl::StrFormat("0x%x", v); }
std::string Address(uint64_t v) { return v == 0 ? "NULL" : absl::StrFormat("0x%016x", v); }

}  // namespace

std::string FormatOpenFlags(uint64_t flags) {
  static const FlagName kNames[] = {
      {kGuestOCreat, "O_CREAT"},         {kGuestOExcl, "O_EXCL"},
      {kGuestONoctty, "O_NOCTTY"},       {kGuestOTrunc, "O_TRUNC"},
      {kGuestOAppend, "O_APPEND"},       {kGuestONonblock, "O_NONBLOCK"},
      {kGuestOSync, "O_SYNC"},           {kGuestODsync, "O_DSYNC"},
      {kGuestOAsync, "FASYNC"},          {kGuestODirect, "O_DIRECT"},
      {kGuestOLargefile, "O_LARGEFILE"}, {kGuestOTmpfile, "O_TMPFILE"},
      {kGuestODirectory, "O_DIRECTORY"}, {kGuestONofollow, "O_NOFOLLOW"},
      {kGuestONoatime, "O_NOATIME"},     {kGuestOCloexec, "O_CLOEXEC"},
      {kGuestOPath, "O_PATH"},
  };
  const char* mode = (flags & 3) == 0   ? "O_RDONLY"
                     : (flags & 3) == 1 ? "O_WRONLY"
                     : (flags & 3) == 2 ? "O_RDWR"
                                        : "O_ACCMODE";
  return JoinFlags(flags & ~uint64_t{3}, kNames, std::size(kNames), mode);
}

std::string FormatMmapProt(uint64_t prot) {
  static const FlagName kNames[] = {{1, "PROT_READ"},
                                    {2, "PROT_WRITE"},
                                    {4, "PROT_EXEC"},
                                    {0x01000000, "PROT_GROWSDOWN"},
                                    {0x02000000, "PROT_GROWSUP"}};
  if (prot == 0) return "PROT_NONE";
  return JoinFlags(prot, kNames, std::size(kNames), "");
}

std::string FormatMmapFlags(uint64_t flags) {
  static const FlagName kNames[] = {
      {0x03, "MAP_SHARED_VALIDATE"}, {0x01, "MAP_SHARED"},
      {0x02, "MAP_PRIVATE"},         {0x10, "MAP_FIXED"},
      {0x20, "MAP_ANONYMOUS"},       {0x100, "MAP_GROWSDOWN"},
      {0x800, "MAP_DENYWRITE"},      {0x1000, "MAP_EXECUTABLE"},
      {0x2000, "MAP_LOCKED"},        {0x4000, "MAP_NORESERVE"},
      {0x8000, "MAP_POPULATE"},      {0x10000, "MAP_NONBLOCK"},
      {0x20000, "MAP_STACK"},        {0x40000, "MAP_HUGETLB"},
      {0x80000, "MAP_SYNC"},         {0x100000, "MAP_FIXED_NOREPLACE"}};
  return JoinFlags(flags, kNames, std::size(kNames), "");
}

std::string FormatSyscallCall(GuestProcess& proc, const SyscallDesc& desc,
                              const SyscallArgs& args) {
  std::string out = absl::StrCat(desc.name, "(");
  const char* f = desc.strace_format;
  for (int i = 0; f[i] != '\0' && i < 6; ++i) {
    const uint64_t v = args.a[i];
    // open's mode means something only when the file may be created.
    if (f[i] == 'o' && i > 0 && f[i - 1] == 'O' && !(args.a[i - 1] & kGuestOCreat) &&
        (args.a[i - 1] & kGuestOTmpfile) != kGuestOTmpfile) {
      break;
    }
    if (i > 0) out += ',';
    switch (f[i]) {
      case 'd':
        absl::StrAppend(&out, static_cast<int32_t>(v));
        break;
      case 'l':
        absl::StrAppend(&out, static_cast<int64_t>(v));
        break;
      case 'u':
        absl::StrAppend(&out, v);
        break;
      case 'x':
        absl::StrAppendFormat(&out, "%#x", v);
        break;
      case 'p':
        out += Pointer(v);
        break;
      case 'a':
        out += Address(v);
        break;
      case 's': {
        std::optional<std::string> s = proc.memory.ReadString(v);
        out += s ? absl::StrCat("\"", *s, "\"") : Pointer(v);
        break;
      }
      case 'A': {  // NULL-terminated string array (execve's argv), as qemu prints it
        std::string list = "{";
        bool ok = v != 0;
        for (uint64_t at = v, n = 0; ok; at += 8, ++n) {
          uint64_t ptr = 0;
          if (n == 64) {
            list += "...";
            break;
          }
          ok = proc.memory.CopyFromGuest(&ptr, at, sizeof ptr);
          if (!ok) break;
          if (ptr == 0) {
            list += "NULL";
            break;
          }
          std::optional<std::string> str = proc.memory.ReadString(ptr);
          list += str ? absl::StrCat("\"", *str, "\",") : absl::StrCat(Pointer(ptr), ",");
        }
        out += ok ? list + "}" : Pointer(v);
        break;
      }
      case 'f':
        if (static_cast<int32_t>(v) == -100) {
          out += "AT_FDCWD";
        } else {
          absl::StrAppend(&out, static_cast<int32_t>(v));
        }
        break;
      case 'o':
        absl::StrAppendFormat(&out, "%#o", v);
        break;
      case 'O':
        out += FormatOpenFlags(v);
        break;
      case 'P':
        out += FormatMmapProt(v);
        break;
      case 'M':
        out += FormatMmapFlags(v);
        break;
      case 'S': {
        int sig = static_cast<int32_t>(v);
        out += sig >= 1 && sig <= kGuestNsig ? GuestSignalName(sig) : absl::StrCat(sig);
        break;
      }
      default:
        absl::StrAppendFormat(&out, "%#x", v);
    }
  }
  out += ')';
  return out;
}

std::string FormatSyscallResult(const SyscallDesc& desc, int64_t result) {
  if (result < 0 && result >= -4095) {
    return absl::StrFormat(" = -1 errno=%d (%s)", -result, strerror(static_cast<int>(-result)));
  }
  if (desc.flags & kSysRetAddr) return absl::StrFormat(" = 0x%016x", result);
  return absl::StrCat(" = ", result);
}

}  // namespace dbt::executor
