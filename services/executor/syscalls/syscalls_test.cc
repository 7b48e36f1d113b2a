// Syscalls through DoSyscall on a guest process with real guest memory
// (signals are not mirrored onto this test process).
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/executor/syscalls/guest_stat.h"
#include "services/executor/syscalls/open_flags.h"
#include "services/executor/syscalls/strace.h"
#include "services/executor/syscalls/syscall_table.h"

namespace dbt::executor {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr uint64_t kData = 0x100000;      // 16 pages, read-write.
constexpr uint64_t kReadOnly = 0x200000;  // One page, read-only.
constexpr uint64_t kPc = 0x10000;

// riscv64 syscall numbers (asm-generic/unistd.h).
enum : uint64_t {
  kNrGetcwd = 17,
  kNrDup = 23,
  kNrFcntl = 25,
  kNrIoctl = 29,
  kNrOpenat = 56,
  kNrClose = 57,
  kNrPipe2 = 59,
  kNrGetdents64 = 61,
  kNrRead = 63,
  kNrWrite = 64,
  kNrReadv = 65,
  kNrWritev = 66,
  kNrReadlinkat = 78,
  kNrNewfstatat = 79,
  kNrFstat = 80,
  kNrExitGroup = 94,
  kNrFutex = 98,
  kNrClockGettime = 113,
  kNrKill = 129,
  kNrSigaltstack = 132,
  kNrRtSigaction = 134,
  kNrRtSigprocmask = 135,
  kNrRtSigreturn = 139,
  kNrUname = 160,
  kNrGetpid = 172,
  kNrGettid = 178,
  kNrBrk = 214,
  kNrExecve = 221,
  kNrMunmap = 215,
  kNrClone = 220,
  kNrMmap = 222,
  kNrPrlimit64 = 261,
  kNrGetrandom = 278,
};

class SyscallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_ = std::move(*GuestMemory::Create(uint64_t{1} << 30));
    ASSERT_EQ(mem_->Mmap(kData, 16 * 4096, PROT_READ | PROT_WRITE, 0x32, -1, 0),
              static_cast<int64_t>(kData));
    ASSERT_EQ(mem_->Mmap(kReadOnly, 4096, PROT_READ, 0x32, -1, 0), static_cast<int64_t>(kReadOnly));
    mem_->InitBrk(0x400000);
    env_ = std::make_unique<GuestEnv>();
    proc_ = std::make_unique<GuestProcess>(*mem_, *env_, false);
    proc_->exe_path = "/guest/prog";
    dir_ = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/scXXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
  }

  int64_t Call(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
               uint64_t a4 = 0, uint64_t a5 = 0) {
    riscv::CpuState& cpu = env_->cpu;
    cpu.pc = kPc;
    cpu.x[17] = nr;
    uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
    for (int i = 0; i < 6; ++i) cpu.x[10 + i] = a[i];
    DoSyscall(*proc_);
    return static_cast<int64_t>(cpu.x[10]);
  }
  uint64_t Str(uint64_t addr, const std::string& s) {
    memcpy(mem_->Host(addr), s.c_str(), s.size() + 1);
    return addr;
  }
  template <typename T>
  T Get(uint64_t addr) {
    T v;
    memcpy(&v, mem_->Host(addr), sizeof(T));
    return v;
  }
  template <typename T>
  void Put(uint64_t addr, const T& v) {
    memcpy(mem_->Host(addr), &v, sizeof(T));
  }
  std::string TempFile(const std::string& contents) {
    std::string path = dir_ + "/f" + std::to_string(files_++);
    int fd = open(path.c_str(), O_CREAT | O_WRONLY, 0640);
    EXPECT_EQ(write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
    close(fd);
    return path;
  }

  std::unique_ptr<GuestMemory> mem_;
  std::unique_ptr<GuestEnv> env_;
  std::unique_ptr<GuestProcess> proc_;
  std::string dir_;
  int files_ = 0;
};

TEST_F(SyscallsTest, ResultGoesToA0AndPcStepsOverTheEcall) {
  EXPECT_EQ(Call(kNrGetpid), getpid());
  EXPECT_EQ(env_->cpu.pc, kPc + 4);
  EXPECT_EQ(Call(kNrGettid), gettid());
}

TEST_F(SyscallsTest, UnknownSyscallIsEnosysAndSaysSoUnderStrace) {
  char* buf = nullptr;
  size_t len = 0;
  proc_->strace = open_memstream(&buf, &len);
  EXPECT_EQ(Call(400), -ENOSYS);
  EXPECT_EQ(Call(219), -ENOSYS);  // keyctl: not emulated yet.
  EXPECT_EQ(env_->cpu.pc, kPc + 4);
  fclose(proc_->strace);
  const std::string pid = std::to_string(getpid());
  EXPECT_EQ(std::string(buf), pid + " Unknown syscall 400\n" + pid + " Unknown syscall 219\n");
  free(buf);
}

TEST_F(SyscallsTest, StraceLineInQemuFormat) {
  char* buf = nullptr;
  size_t len = 0;
  proc_->strace = open_memstream(&buf, &len);
  int fd = open("/dev/null", O_WRONLY);
  EXPECT_EQ(Call(kNrWrite, fd, kData, 5), 5);
  EXPECT_EQ(Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, dir_ + "/missing"), 0),
            -ENOENT);
  int64_t created = Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, dir_ + "/new"),
                         O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(created, 0);
  close(static_cast<int>(created));
  EXPECT_EQ(Call(kNrBrk, 0), 0x400000);
  Call(kNrExitGroup, 3);
  fclose(proc_->strace);
  close(fd);
  const std::string p = std::to_string(getpid()) + " ";
  std::string text(buf);
  free(buf);
  EXPECT_THAT(text, HasSubstr(p + "write(" + std::to_string(fd) + ",0x100000,5) = 5\n"));
  EXPECT_THAT(text, HasSubstr(p + "openat(AT_FDCWD,\"" + dir_ +
                              "/missing\",O_RDONLY) = -1 errno=2 (No such file or directory)\n"));
  EXPECT_THAT(text, HasSubstr(p + "openat(AT_FDCWD,\"" + dir_ +
                              "/new\",O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0644) = "));
  EXPECT_THAT(text, HasSubstr(p + "brk(NULL) = 0x0000000000400000\n"));
  EXPECT_THAT(text, HasSubstr(p + "exit_group(3)\n"));
}

// A successful execve replaces the process (tests/guest/exec_test runs host
// programs); here the failures, which must leave the caller running.
TEST_F(SyscallsTest, ExecveFailuresReturnAndStraceShowsArgv) {
  char* buf = nullptr;
  size_t len = 0;
  proc_->strace = open_memstream(&buf, &len);
  const uint64_t argv = kData + 0x800;
  Put<uint64_t>(argv, Str(kData + 0x100, "prog"));
  Put<uint64_t>(argv + 8, Str(kData + 0x200, "arg one"));
  Put<uint64_t>(argv + 16, 0);
  EXPECT_EQ(Call(kNrExecve, Str(kData, dir_ + "/missing"), argv, 0), -ENOENT);
  EXPECT_EQ(env_->cpu.pc, kPc + 4);
  EXPECT_EQ(Call(kNrExecve, 8, argv, 0), -EFAULT);  // unreadable path
  Put<uint64_t>(argv + 8, 8);                          // unreadable argv[1]
  EXPECT_EQ(Call(kNrExecve, Str(kData, "/bin/true"), argv, 0), -EFAULT);
  EXPECT_EQ(Call(kNrExecve, Str(kData, "/bin/true"), argv, 8), -EFAULT);  // unreadable envp
  EXPECT_EQ(Call(kNrExecve, Str(kData, TempFile("not a program")), 0, 0), -EACCES);  // mode 0640
  fclose(proc_->strace);
  std::string text(buf);
  free(buf);
  EXPECT_THAT(text, HasSubstr("execve(\"" + dir_ + "/missing\",{\"prog\",\"arg one\",NULL}) = -1 "
                              "errno=2 (No such file or directory)\n"));
}

TEST_F(SyscallsTest, SymbolicFlags) {
  EXPECT_EQ(FormatOpenFlags(0), "O_RDONLY");
  EXPECT_EQ(FormatOpenFlags(kGuestOSync | 2), "O_RDWR|O_SYNC");
  EXPECT_EQ(FormatOpenFlags(kGuestODsync | 1), "O_WRONLY|O_DSYNC");
  EXPECT_EQ(FormatOpenFlags(kGuestODirectory | kGuestONofollow | 0x80000000),
            "O_RDONLY|O_DIRECTORY|O_NOFOLLOW|0x80000000");
  EXPECT_EQ(FormatMmapProt(0), "PROT_NONE");
  EXPECT_EQ(FormatMmapProt(7), "PROT_READ|PROT_WRITE|PROT_EXEC");
  EXPECT_EQ(FormatMmapFlags(0x22), "MAP_PRIVATE|MAP_ANONYMOUS");
  EXPECT_EQ(FormatMmapFlags(0x100012), "MAP_PRIVATE|MAP_FIXED|MAP_FIXED_NOREPLACE");
}

// asm-generic/fcntl.h, as riscv64 uses it (octal).
TEST_F(SyscallsTest, OpenFlagValuesAndTranslation) {
  EXPECT_EQ(kGuestOCreat, 0100u);
  EXPECT_EQ(kGuestOExcl, 0200u);
  EXPECT_EQ(kGuestONoctty, 0400u);
  EXPECT_EQ(kGuestOTrunc, 01000u);
  EXPECT_EQ(kGuestOAppend, 02000u);
  EXPECT_EQ(kGuestONonblock, 04000u);
  EXPECT_EQ(kGuestODsync, 010000u);
  EXPECT_EQ(kGuestODirect, 040000u);
  EXPECT_EQ(kGuestOLargefile, 0100000u);
  EXPECT_EQ(kGuestODirectory, 0200000u);
  EXPECT_EQ(kGuestONofollow, 0400000u);
  EXPECT_EQ(kGuestONoatime, 01000000u);
  EXPECT_EQ(kGuestOCloexec, 02000000u);
  EXPECT_EQ(kGuestOSync, 04010000u);
  EXPECT_EQ(kGuestOPath, 010000000u);
  EXPECT_EQ(kGuestOTmpfile, 020200000u);
  // Each to the host's flag of the same meaning.
  EXPECT_EQ(OpenFlagsToHost(kGuestODirectory), O_DIRECTORY);
  EXPECT_EQ(OpenFlagsToHost(kGuestONofollow), O_NOFOLLOW);
  EXPECT_EQ(OpenFlagsToHost(kGuestODirect), O_DIRECT);
  EXPECT_EQ(OpenFlagsToHost(kGuestOLargefile), 0100000);  // The kernel's bit.
  EXPECT_EQ(OpenFlagsToHost(kGuestOCloexec | kGuestOCreat | 2), O_CLOEXEC | O_CREAT | O_RDWR);
  EXPECT_EQ(OpenFlagsToHost(kGuestOSync), O_SYNC);
  EXPECT_EQ(OpenFlagsToHost(kGuestOTmpfile | 2), O_TMPFILE | O_RDWR);
  // Round trips.
  const uint64_t bits[] = {kGuestOCreat,   kGuestOExcl,      kGuestONoctty,    kGuestOTrunc,
                           kGuestOAppend,  kGuestONonblock,  kGuestODsync,     kGuestOAsync,
                           kGuestODirect,  kGuestOLargefile, kGuestODirectory, kGuestONofollow,
                           kGuestONoatime, kGuestOCloexec,   kGuestOPath};
  for (uint64_t b : bits) {
    for (uint64_t mode = 0; mode < 3; ++mode) {
      EXPECT_EQ(OpenFlagsToGuest(OpenFlagsToHost(b | mode)), b | mode) << std::oct << b;
    }
  }
}

// asm-generic/stat.h offsets: st_dev 0, st_ino 8, st_mode 16, st_nlink 20,
// st_uid 24, st_gid 28, st_rdev 32, st_size 48, st_blksize 56, st_blocks
// 64, st_atime 72 (+80 nsec), st_mtime 88 (+96), st_ctime 104 (+112).
TEST_F(SyscallsTest, StatTranslationLayout) {
  struct stat host = {};
  host.st_dev = 0x1111;
  host.st_ino = 0x2222;
  host.st_mode = 0100644;
  host.st_nlink = 3;
  host.st_uid = 1000;
  host.st_gid = 1001;
  host.st_rdev = 0x3333;
  host.st_size = 0x123456789;
  host.st_blksize = 4096;
  host.st_blocks = 77;
  host.st_atim = {1000, 1};
  host.st_mtim = {2000, 2};
  host.st_ctim = {3000, 3};
  GuestStat g = StatToGuest(host);
  uint8_t raw[128];
  memcpy(raw, &g, sizeof(raw));
  auto at64 = [&](int off) {
    uint64_t v;
    memcpy(&v, raw + off, 8);
    return v;
  };
  auto at32 = [&](int off) {
    uint32_t v;
    memcpy(&v, raw + off, 4);
    return v;
  };
  EXPECT_EQ(at64(0), 0x1111u);
  EXPECT_EQ(at64(8), 0x2222u);
  EXPECT_EQ(at32(16), 0100644u);
  EXPECT_EQ(at32(20), 3u);
  EXPECT_EQ(at32(24), 1000u);
  EXPECT_EQ(at32(28), 1001u);
  EXPECT_EQ(at64(32), 0x3333u);
  EXPECT_EQ(at64(40), 0u);
  EXPECT_EQ(at64(48), 0x123456789u);
  EXPECT_EQ(at32(56), 4096u);
  EXPECT_EQ(at64(64), 77u);
  EXPECT_EQ(at64(72), 1000u);
  EXPECT_EQ(at64(80), 1u);
  EXPECT_EQ(at64(88), 2000u);
  EXPECT_EQ(at64(96), 2u);
  EXPECT_EQ(at64(104), 3000u);
  EXPECT_EQ(at64(112), 3u);
}

TEST_F(SyscallsTest, FstatAndNewfstatatWriteTheRiscvLayout) {
  std::string path = TempFile(std::string(123, 'x'));
  chmod(path.c_str(), 0640);
  struct stat host;
  ASSERT_EQ(stat(path.c_str(), &host), 0);
  uint64_t buf = kData + 0x1000;
  EXPECT_EQ(Call(kNrNewfstatat, static_cast<uint64_t>(-100), Str(kData, path), buf, 0), 0);
  EXPECT_EQ(Get<int64_t>(buf + 48), 123);
  EXPECT_EQ(Get<uint32_t>(buf + 16), 0100640u);
  EXPECT_EQ(Get<uint64_t>(buf + 8), host.st_ino);
  EXPECT_EQ(Get<int64_t>(buf + 88), host.st_mtim.tv_sec);
  int fd = open(path.c_str(), O_RDONLY);
  memset(mem_->Host(buf), 0, 128);
  EXPECT_EQ(Call(kNrFstat, fd, buf), 0);
  EXPECT_EQ(Get<int64_t>(buf + 48), 123);
  // The buffer must be writable guest memory.
  EXPECT_EQ(Call(kNrFstat, fd, kReadOnly), -EFAULT);
  EXPECT_EQ(Call(kNrFstat, fd, 0x300000), -EFAULT);
  EXPECT_EQ(Call(kNrFstat, 9999, buf), -EBADF);
  close(fd);
}

TEST_F(SyscallsTest, BadGuestPointersAreEfault) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  EXPECT_EQ(Call(kNrWrite, p[1], 0x300000, 4), -EFAULT);           // Unmapped.
  EXPECT_EQ(Call(kNrWrite, p[1], uint64_t{1} << 40, 4), -EFAULT);  // Outside the space.
  EXPECT_EQ(Call(kNrWrite, p[1], kData, 4), 4);
  EXPECT_EQ(Call(kNrRead, p[0], kReadOnly, 4), -EFAULT);  // Not writable.
  EXPECT_EQ(Call(kNrRead, p[0], kData + 100, 4), 4);
  EXPECT_EQ(Call(kNrOpenat, static_cast<uint64_t>(-100), 0x300000, 0), -EFAULT);
  close(p[0]);
  close(p[1]);
}

TEST_F(SyscallsTest, ReadvWritevTranslateIovecs) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  Str(kData + 0x100, "abc");
  Str(kData + 0x200, "defg");
  uint64_t iov[4] = {kData + 0x100, 3, kData + 0x200, 4};
  Put(kData, iov);
  EXPECT_EQ(Call(kNrWritev, p[1], kData, 2), 7);
  uint64_t riov[4] = {kData + 0x300, 2, kData + 0x400, 5};
  Put(kData + 0x40, riov);
  EXPECT_EQ(Call(kNrReadv, p[0], kData + 0x40, 2), 7);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem_->Host(kData + 0x300)), 2), "ab");
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem_->Host(kData + 0x400)), 5), "cdefg");
  uint64_t bad[2] = {0x300000, 1};
  Put(kData + 0x80, bad);
  EXPECT_EQ(Call(kNrWritev, p[1], kData + 0x80, 1), -EFAULT);
  EXPECT_EQ(Call(kNrWritev, p[1], kData, 1025), -EINVAL);  // > IOV_MAX.
  close(p[0]);
  close(p[1]);
}

TEST_F(SyscallsTest, ProcSelfExeIsTheGuestProgram) {
  uint64_t path = Str(kData, "/proc/self/exe");
  EXPECT_EQ(Call(kNrReadlinkat, static_cast<uint64_t>(-100), path, kData + 0x100, 64), 11);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem_->Host(kData + 0x100)), 11), "/guest/prog");
  // Truncated without a NUL, like readlink(2).
  EXPECT_EQ(Call(kNrReadlinkat, static_cast<uint64_t>(-100), path, kData + 0x200, 4), 4);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem_->Host(kData + 0x200)), 4), "/gue");
  Str(kData, "/proc/" + std::to_string(getpid()) + "/exe");
  EXPECT_EQ(Call(kNrReadlinkat, static_cast<uint64_t>(-100), kData, kData + 0x100, 64), 11);
}

TEST_F(SyscallsTest, ProcSelfMapsDescribesTheGuest) {
  int64_t fd = Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, "/proc/self/maps"), 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(Call(kNrRead, fd, kData + 0x1000, 4096), static_cast<int64_t>(mem_->DumpMaps().size()));
  EXPECT_EQ(
      std::string(reinterpret_cast<char*>(mem_->Host(kData + 0x1000)), mem_->DumpMaps().size()),
      mem_->DumpMaps());
  EXPECT_THAT(mem_->DumpMaps(), HasSubstr("00100000-00110000 rw-p"));
  EXPECT_EQ(fcntl(static_cast<int>(fd), F_GETFD), 0);  // No O_CLOEXEC asked.
  Call(kNrClose, fd);
  EXPECT_EQ(Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, "/proc/self/maps"), O_RDWR),
            -EACCES);
}

// /proc/cpuinfo: one RISC-V hart per host CPU, the ISA dbt implements.
TEST_F(SyscallsTest, ProcCpuinfoDescribesRiscvHarts) {
  int64_t fd = Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, "/proc/cpuinfo"), 0);
  ASSERT_GE(fd, 0);
  const int64_t n = Call(kNrRead, fd, kData + 0x1000, 8192);
  ASSERT_GT(n, 0);
  const std::string text(reinterpret_cast<char*>(mem_->Host(kData + 0x1000)), n);
  EXPECT_THAT(text, HasSubstr("processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\n"));
  EXPECT_THAT(text, HasSubstr("mmu\t\t: sv39\n"));
  EXPECT_THAT(text, Not(HasSubstr("vendor_id")));
  size_t harts = 0;
  for (size_t at = text.find("hart\t"); at != std::string::npos; at = text.find("hart\t", at + 1)) {
    ++harts;
  }
  EXPECT_EQ(harts, static_cast<size_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  Call(kNrClose, fd);
  EXPECT_EQ(Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, "/proc/cpuinfo"), O_WRONLY),
            -EACCES);
}

TEST_F(SyscallsTest, OpenatFlagsReachTheHost) {
  std::string path = TempFile("data");
  EXPECT_EQ(Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, path), kGuestODirectory),
            -ENOTDIR);
  int64_t fd = Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, path),
                    2 | kGuestOAppend | kGuestOCloexec);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fcntl(static_cast<int>(fd), F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(Call(kNrFcntl, fd, F_GETFL) & (3 | kGuestOAppend), 2 | kGuestOAppend);
  EXPECT_EQ(Call(kNrFcntl, fd, F_SETFL, kGuestONonblock), 0);
  EXPECT_TRUE(fcntl(static_cast<int>(fd), F_GETFL) & O_NONBLOCK);
  EXPECT_EQ(Call(kNrFcntl, fd, 12345), -EINVAL);
  Call(kNrClose, fd);
}

TEST_F(SyscallsTest, GetdentsAndGetcwd) {
  TempFile("x");
  int64_t fd = Call(kNrOpenat, static_cast<uint64_t>(-100), Str(kData, dir_), kGuestODirectory);
  ASSERT_GE(fd, 0);
  int64_t n = Call(kNrGetdents64, fd, kData + 0x1000, 4096);
  ASSERT_GT(n, 0);
  // struct linux_dirent64: d_ino 8, d_off 8, d_reclen 2, d_type 1, d_name.
  std::vector<std::string> names;
  for (int64_t off = 0; off < n;) {
    uint16_t reclen = Get<uint16_t>(kData + 0x1000 + off + 16);
    names.push_back(reinterpret_cast<char*>(mem_->Host(kData + 0x1000 + off + 19)));
    off += reclen;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "f0"}));
  Call(kNrClose, fd);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(Call(kNrGetcwd, kData, 4096), static_cast<int64_t>(strlen(cwd) + 1));
  EXPECT_STREQ(reinterpret_cast<char*>(mem_->Host(kData)), cwd);
  EXPECT_EQ(Call(kNrGetcwd, kData, 1), -ERANGE);
}

TEST_F(SyscallsTest, Ioctl) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  write(p[1], "12345", 5);
  EXPECT_EQ(Call(kNrIoctl, p[0], 0x541B /*FIONREAD*/, kData), 0);
  EXPECT_EQ(Get<int32_t>(kData), 5);
  EXPECT_EQ(Call(kNrIoctl, p[0], 0x5413 /*TIOCGWINSZ*/, kData), -ENOTTY);  // Not a tty.
  EXPECT_EQ(Call(kNrIoctl, p[0], 0x1234, kData), -ENOTTY);                 // Not emulated.
  EXPECT_EQ(Call(kNrIoctl, p[0], 0x541B, 0x300000), -EFAULT);
  close(p[0]);
  close(p[1]);
}

TEST_F(SyscallsTest, MemorySyscalls) {
  int64_t a = Call(kNrMmap, 0, 8192, PROT_READ | PROT_WRITE, 0x22, static_cast<uint64_t>(-1), 0);
  ASSERT_GT(a, 0);
  EXPECT_TRUE(mem_->CanWrite(a, 8192));
  EXPECT_EQ(Call(kNrMunmap, a, 8192), 0);
  EXPECT_FALSE(mem_->CanRead(a, 1));
  EXPECT_EQ(Call(kNrBrk, 0), 0x400000);
  EXPECT_EQ(Call(kNrBrk, 0x401234), 0x401234);
  EXPECT_TRUE(mem_->CanWrite(0x401000, 0x234));
}

TEST_F(SyscallsTest, RtSigactionUsesTheRiscvLayout) {
  // struct sigaction: handler, flags, mask (no sa_restorer on riscv64).
  uint64_t act[3] = {0x12340, 0x10000004 /*SA_RESTART|SA_SIGINFO*/, 1u << 11};
  Put(kData, act);
  EXPECT_EQ(Call(kNrRtSigaction, 10, kData, 0, 8), 0);
  EXPECT_EQ(proc_->signals.action(10).handler, 0x12340u);
  EXPECT_EQ(proc_->signals.action(10).flags, 0x10000004u);
  EXPECT_EQ(proc_->signals.action(10).mask, 1u << 11);
  EXPECT_EQ(Call(kNrRtSigaction, 10, 0, kData + 0x100, 8), 0);
  EXPECT_EQ(Get<uint64_t>(kData + 0x100), 0x12340u);
  EXPECT_EQ(Get<uint64_t>(kData + 0x108), 0x10000004u);
  EXPECT_EQ(Call(kNrRtSigaction, 10, kData, 0, 16), -EINVAL);  // sigsetsize
  EXPECT_EQ(Call(kNrRtSigaction, 9, kData, 0, 8), -EINVAL);    // SIGKILL
  EXPECT_EQ(Call(kNrRtSigaction, 10, 0x300000, 0, 8), -EFAULT);
}

TEST_F(SyscallsTest, SigprocmaskAndKillSelf) {
  Put<uint64_t>(kData, 1u << 9);  // SIGUSR1 (10) is bit 9.
  EXPECT_EQ(Call(kNrRtSigprocmask, 0 /*SIG_BLOCK*/, kData, kData + 8, 8), 0);
  EXPECT_EQ(Get<uint64_t>(kData + 8), 0u);
  EXPECT_EQ(proc_->signals.blocked(), 1u << 9);
  EXPECT_EQ(Call(kNrKill, getpid(), 10), 0);
  EXPECT_EQ(proc_->signals.Pending(), 1u << 9);
  EXPECT_EQ(Call(kNrKill, getpid(), 65), -EINVAL);
  EXPECT_EQ(Call(kNrKill, getpid(), 0), 0);  // Probe.
}

TEST_F(SyscallsTest, SigaltstackLayout) {
  uint64_t ss[3] = {0x108000, 0, 0x4000};  // ss_sp, ss_flags (+pad), ss_size
  Put(kData, ss);
  EXPECT_EQ(Call(kNrSigaltstack, kData, kData + 0x40), 0);
  EXPECT_EQ(Get<int32_t>(kData + 0x48), 2);  // The old one: SS_DISABLE.
  EXPECT_EQ(Call(kNrSigaltstack, 0, kData + 0x40), 0);
  EXPECT_EQ(Get<uint64_t>(kData + 0x40), 0x108000u);
  EXPECT_EQ(Get<uint64_t>(kData + 0x50), 0x4000u);
}

TEST_F(SyscallsTest, ExitGroupEndsTheProcess) {
  env_->cpu.pc = kPc;
  Call(kNrExitGroup, 0x1ff);
  ASSERT_TRUE(proc_->exit);
  EXPECT_EQ(*proc_->exit, (GuestExit{false, 0xff}));
}

TEST_F(SyscallsTest, RtSigreturnFromGarbageIsSigsegv) {
  env_->cpu.x[2] = 0x300000;
  Call(kNrRtSigreturn);
  auto forced = proc_->signals.Dequeue();
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->si_signo, 11);
}

TEST_F(SyscallsTest, UnameSaysRiscv64) {
  EXPECT_EQ(Call(kNrUname, kData), 0);
  EXPECT_STREQ(reinterpret_cast<char*>(mem_->Host(kData + 4 * 65)), "riscv64");
  EXPECT_STREQ(reinterpret_cast<char*>(mem_->Host(kData)), "Linux");
}

TEST_F(SyscallsTest, SmallPassThroughs) {
  memset(mem_->Host(kData), 0, 64);
  EXPECT_EQ(Call(kNrGetrandom, kData, 64, 0), 64);
  int zeros = 0;
  for (int i = 0; i < 64; ++i) zeros += mem_->Host(kData)[i] == 0;
  EXPECT_LT(zeros, 16);
  EXPECT_EQ(Call(kNrClockGettime, CLOCK_REALTIME, kData), 0);
  EXPECT_GT(Get<int64_t>(kData), 1600000000);
  EXPECT_EQ(Call(kNrPipe2, kData, kGuestOCloexec), 0);
  int fds[2];
  memcpy(fds, mem_->Host(kData), 8);
  EXPECT_EQ(fcntl(fds[0], F_GETFD), FD_CLOEXEC);
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(Call(kNrPipe2, kReadOnly, 0), -EFAULT);
  int64_t efd = Call(19 /*eventfd2*/, 3, kGuestOCloexec);
  ASSERT_GE(efd, 0);
  EXPECT_EQ(Call(kNrRead, efd, kData, 8), 8);
  EXPECT_EQ(Get<uint64_t>(kData), 3u);
  Call(kNrClose, efd);
  int64_t mfd = Call(279 /*memfd_create*/, Str(kData, "guest"), 1 /*MFD_CLOEXEC*/);
  ASSERT_GE(mfd, 0);
  EXPECT_EQ(Call(kNrWrite, mfd, kData, 5), 5);
  EXPECT_EQ(fcntl(static_cast<int>(mfd), F_GETFD), FD_CLOEXEC);
  Call(kNrClose, mfd);
  // A thread must share what a host thread shares (VM, FS, FILES, SIGHAND,
  // THREAD, SYSVSEM), as qemu requires: here FS and FILES are missing.
  EXPECT_EQ(Call(kNrClone, 0x100 | 0x800 | 0x10000, 0, 0, 0, 0), -EINVAL);
  // Memory shared without a thread (CLONE_VM alone) has no host equivalent.
  EXPECT_EQ(Call(kNrClone, 0x100 | 17, 0, 0, 0, 0), -EINVAL);
  // A task with no thread group (this fixture) cannot start threads.
  EXPECT_EQ(Call(kNrClone, 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000, 0, 0, 0, 0), -ENOSYS);
}

// A guest setting RLIMIT_AS or RLIMIT_STACK must not shrink dbt's own.
TEST_F(SyscallsTest, AddressSpaceLimitsAreNotApplied) {
  struct rlimit before;
  getrlimit(RLIMIT_AS, &before);
  uint64_t lim[2] = {1 << 20, 1 << 20};
  Put(kData, lim);
  EXPECT_EQ(Call(kNrPrlimit64, 0, RLIMIT_AS, kData, kData + 16), 0);
  struct rlimit after;
  getrlimit(RLIMIT_AS, &after);
  EXPECT_EQ(after.rlim_cur, before.rlim_cur);
  EXPECT_EQ(Get<uint64_t>(kData + 16), before.rlim_cur);
  // Others are applied.
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  uint64_t lower[2] = {nofile.rlim_cur - 1, nofile.rlim_max};
  Put(kData, lower);
  EXPECT_EQ(Call(kNrPrlimit64, 0, RLIMIT_NOFILE, kData, 0), 0);
  struct rlimit now;
  getrlimit(RLIMIT_NOFILE, &now);
  EXPECT_EQ(now.rlim_cur, nofile.rlim_cur - 1);
  setrlimit(RLIMIT_NOFILE, &nofile);
}

TEST_F(SyscallsTest, Futex) {
  Put<uint32_t>(kData, 5);
  // FUTEX_WAIT with a stale value: EAGAIN at once. FUTEX_PRIVATE_FLAG = 128.
  EXPECT_EQ(Call(kNrFutex, kData, 0 | 128, 4, 0), -EAGAIN);
  EXPECT_EQ(Call(kNrFutex, kData, 1 | 128, 1), 0);  // FUTEX_WAKE: nobody waits.
  EXPECT_EQ(Call(kNrFutex, kData + 2, 1 | 128, 1), -EINVAL);
  // A wait that times out.
  uint64_t ts[2] = {0, 1000000};
  Put(kData + 16, ts);
  EXPECT_EQ(Call(kNrFutex, kData, 0 | 128, 5, kData + 16), -ETIMEDOUT);
}

}  // namespace
}  // namespace dbt::executor
