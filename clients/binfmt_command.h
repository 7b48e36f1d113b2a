// `dbt binfmt install|uninstall|status`: registers dbt with binfmt_misc, so
// that a riscv64 ELF executed on this host (./prog, a shell's PATH lookup,
// any execve) runs under dbt, as Debian's qemu-user-binfmt does for qemu.
//
// The entry "dbt-riscv64" matches riscv64 ELF executables (ET_EXEC and
// ET_DYN, qemu's magic and mask) and names as interpreter a symlink to this
// dbt binary, "dbt-binfmt-riscv64" (by default next to the binary,
// --link-dir=DIR elsewhere): dbt started under that name is the binfmt
// handler and runs `dbt run -0 ARGV0 -- PROG ARGS`.
// Flags: P (preserve argv[0]: the program sees the argv[0] it was given),
// F (the kernel opens the interpreter at registration: it works in
// containers and chroots that do not have the path). Not C/O: dbt never
// runs setuid programs with their owner's credentials.
//
// --dir=DIR: the binfmt_misc mount (default /proc/sys/fs/binfmt_misc;
// since Linux 6.7 a user namespace can mount its own, which the tests do).
#ifndef DBT_CLIENTS_BINFMT_COMMAND_H_
#define DBT_CLIENTS_BINFMT_COMMAND_H_

#include <string>
#include <vector>

namespace dbt {

inline constexpr char kBinfmtName[] = "dbt-riscv64";
inline constexpr char kBinfmtHandlerName[] = "dbt-binfmt-riscv64";

int BinfmtCommand(const std::vector<std::string>& args);

// dbt started as the binfmt handler (argv[0]'s base name is
// kBinfmtHandlerName): argv = {handler, PROG, ARGV0, ARGS...}.
int BinfmtHandler(int argc, char** argv);

}  // namespace dbt

#endif  // DBT_CLIENTS_BINFMT_COMMAND_H_
