#include "services/executor/runtime/elf_loader.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

using ::testing::HasSubstr;

std::string Runfile(const std::string& rel) {
  return std::string(getenv("TEST_SRCDIR")) + "/dbt/" + rel;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A hand-built ELF file: header, program headers at 64, payload bytes.
struct ElfFile {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(0x3000, 0);
  Elf64_Ehdr eh = {};
  std::vector<Elf64_Phdr> ph;

  ElfFile() {
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = kEmRiscv;
    eh.e_version = EV_CURRENT;
    eh.e_entry = 0x10100;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    // Text: file [0, 0x1200) at 0x10000, r-x. Data: file [0x2000, 0x2100)
    // at 0x22000 with 0x3000 bytes of memory (bss), rw-.
    ph.push_back(Phdr(PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1200, 0x1200));
    ph.push_back(Phdr(PT_LOAD, PF_R | PF_W, 0x2000, 0x22000, 0x100, 0x3000));
    ph.push_back(Phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0));
    for (size_t i = 0x1000; i < 0x1200; ++i) bytes[i] = 0x11;
    // The data page's bytes past p_filesz are not the segment's: they must
    // not show through.
    for (size_t i = 0x2000; i < 0x3000; ++i) bytes[i] = 0xaa;
  }
  static Elf64_Phdr Phdr(uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                         uint64_t filesz, uint64_t memsz) {
    Elf64_Phdr p = {};
    p.p_type = type;
    p.p_flags = flags;
    p.p_offset = off;
    p.p_vaddr = p.p_paddr = vaddr;
    p.p_filesz = filesz;
    p.p_memsz = memsz;
    p.p_align = 0x1000;
    return p;
  }
  std::string Write() {
    eh.e_phnum = ph.size();
    memcpy(bytes.data(), &eh, sizeof(eh));
    const size_t ph_bytes = ph.size() * sizeof(Elf64_Phdr);
    if (!ph.empty() && eh.e_phoff + ph_bytes <= bytes.size()) {
      memcpy(bytes.data() + eh.e_phoff, ph.data(), ph_bytes);
    }
    return WriteBytes(bytes);
  }
  static std::string WriteBytes(const std::vector<uint8_t>& data) {
    std::string dir = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
    std::string path = dir + "/elfXXXXXX";
    int fd = mkstemp(path.data());
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    close(fd);
    return path;
  }
};

class ElfLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = GuestMemory::Create();
    ASSERT_TRUE(m.ok());
    mem_ = std::move(*m);
  }
  absl::StatusOr<LoadedImage> Load(const std::string& path) {
    return LoadElf(path, *mem_, kStackTop - kDefaultStackSize);
  }
  std::string ErrorOf(ElfFile& f) {
    auto r = Load(f.Write());
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : std::string(r.status().message());
  }
  std::unique_ptr<GuestMemory> mem_;
};

TEST_F(ElfLoaderTest, LoadsSegmentsLikeLinux) {
  ElfFile f;
  auto image = Load(f.Write());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->entry, 0x10100u);
  EXPECT_EQ(image->load_bias, 0u);
  EXPECT_EQ(image->phdr_addr, 0x10040u);  // e_phoff inside the first segment.
  EXPECT_EQ(image->phnum, 3);
  EXPECT_EQ(image->phent, sizeof(Elf64_Phdr));
  EXPECT_EQ(image->start, 0x10000u);
  EXPECT_EQ(image->end, 0x25000u);
  EXPECT_EQ(image->brk_start, 0x25000u);
  EXPECT_FALSE(image->exec_stack);
  // Text: the file bytes, read+exec, not writable.
  EXPECT_EQ(mem_->Host(0x11000)[0], 0x11);
  EXPECT_EQ(memcmp(mem_->Host(0x10000), ELFMAG, SELFMAG), 0);
  EXPECT_TRUE(mem_->IsExecutable(0x10000));
  EXPECT_FALSE(mem_->CanWrite(0x10000, 1));
  // Data: file bytes, then zeros to the end of the page, then bss pages.
  EXPECT_EQ(mem_->Host(0x22000)[0], 0xaa);
  EXPECT_EQ(mem_->Host(0x220ff)[0], 0xaa);
  for (uint64_t a = 0x22100; a < 0x25000; ++a) ASSERT_EQ(mem_->Host(a)[0], 0) << std::hex << a;
  EXPECT_TRUE(mem_->CanWrite(0x22000, 0x3000));
  EXPECT_FALSE(mem_->IsExecutable(0x22000));
  EXPECT_FALSE(mem_->CanRead(0x25000, 1));
}

TEST_F(ElfLoaderTest, ExecutableStackFromGnuStack) {
  ElfFile f;
  f.ph[2].p_flags = PF_R | PF_W | PF_X;
  auto image = Load(f.Write());
  ASSERT_TRUE(image.ok());
  EXPECT_TRUE(image->exec_stack);
}

TEST_F(ElfLoaderTest, PtPhdrWins) {
  ElfFile f;
  f.ph.push_back(ElfFile::Phdr(PT_PHDR, PF_R, 0x40, 0x10040, 0xa8, 0xa8));
  f.ph.back().p_vaddr = 0x10080;  // Deliberately not where the file puts them.
  auto image = Load(f.Write());
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->phdr_addr, 0x10080u);
}

TEST_F(ElfLoaderTest, ReadOnlySegmentWithBssGetsZeroedTail) {
  ElfFile f;
  f.ph[1].p_flags = PF_R;
  auto image = Load(f.Write());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(mem_->Host(0x220ff)[0], 0xaa);
  EXPECT_EQ(mem_->Host(0x22100)[0], 0);
  EXPECT_FALSE(mem_->CanWrite(0x22000, 1));  // Protection restored after zeroing.
}

TEST_F(ElfLoaderTest, MisalignedOffsetIsCopied) {
  ElfFile f;
  // p_offset % page != p_vaddr % page: cannot be a file mapping.
  f.ph[1] = ElfFile::Phdr(PT_LOAD, PF_R | PF_W, 0x2010, 0x22000, 0x100, 0x200);
  f.bytes[0x2010] = 0x77;
  auto image = Load(f.Write());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(mem_->Host(0x22000)[0], 0x77);
  EXPECT_EQ(mem_->Host(0x22100)[0], 0);
}

TEST_F(ElfLoaderTest, BssOnlySegmentSharingAPage) {
  ElfFile f;
  f.ph[1].p_memsz = 0x100;  // Data ends at 0x22100...
  f.ph.insert(f.ph.begin() + 2, ElfFile::Phdr(PT_LOAD, PF_R | PF_W, 0, 0x22100, 0, 0x2000));
  auto image = Load(f.Write());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(mem_->Host(0x220ff)[0], 0xaa);  // ...and keeps its bytes.
  EXPECT_EQ(mem_->Host(0x22100)[0], 0);
  EXPECT_TRUE(mem_->CanWrite(0x22000, 0x2100));
  EXPECT_EQ(image->brk_start, 0x25000u);
}

TEST_F(ElfLoaderTest, NotElf) {
  EXPECT_EQ(Load(ElfFile::WriteBytes({})).status().message(), "not an ELF file");
  EXPECT_EQ(Load(ElfFile::WriteBytes({'#', '!', '/', 'b', 'i', 'n'})).status().message(),
            "not an ELF file");
  EXPECT_EQ(Load(ElfFile::WriteBytes({0x7f, 'E', 'L', 'F', 2, 1})).status().message(),
            "truncated ELF header");
}

TEST_F(ElfLoaderTest, HeaderChecks) {
  {
    ElfFile f;
    f.eh.e_ident[EI_CLASS] = ELFCLASS32;
    EXPECT_THAT(ErrorOf(f), HasSubstr("not a 64-bit ELF file"));
  }
  {
    ElfFile f;
    f.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    EXPECT_EQ(ErrorOf(f), "not a little-endian ELF file");
  }
  {
    ElfFile f;
    f.eh.e_ident[EI_VERSION] = 0;
    EXPECT_EQ(ErrorOf(f), "unsupported ELF version");
  }
  {
    ElfFile f;
    f.eh.e_machine = EM_X86_64;
    EXPECT_EQ(ErrorOf(f), "not a RISC-V program (e_machine 62, expected 243)");
  }
  {
    ElfFile f;
    f.eh.e_type = ET_REL;
    EXPECT_EQ(ErrorOf(f), "not an executable (e_type 1)");
  }
  {
    ElfFile f;
    f.eh.e_phentsize = 32;
    EXPECT_EQ(ErrorOf(f), "bad program header size 32");
  }
  {
    ElfFile f;
    f.ph.clear();
    EXPECT_EQ(ErrorOf(f), "no program headers");
  }
  {
    ElfFile f;
    f.eh.e_phoff = 0x3000 - 100;  // The table runs past the end of the file.
    EXPECT_EQ(ErrorOf(f), "truncated program headers");
  }
}

// PT_INTERP is reported (the runner loads the loader), checked first.
TEST_F(ElfLoaderTest, TheDynamicLoadersPathIsReported) {
  const std::string ld = "/lib/ld-linux-riscv64-lp64d.so.1";
  {
    ElfFile f;
    memcpy(f.bytes.data() + 0x200, ld.c_str(), ld.size() + 1);
    f.ph.insert(f.ph.begin(),
                ElfFile::Phdr(PT_INTERP, PF_R, 0x200, 0x10200, ld.size() + 1, ld.size() + 1));
    auto image = Load(f.Write());
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_EQ(image->interp, ld);
    EXPECT_FALSE(image->position_independent);
  }
  {
    ElfFile f;  // not NUL-terminated
    memcpy(f.bytes.data() + 0x200, ld.c_str(), ld.size());
    f.bytes[0x200 + ld.size()] = 'x';
    f.ph.insert(f.ph.begin(),
                ElfFile::Phdr(PT_INTERP, PF_R, 0x200, 0x10200, ld.size() + 1, ld.size() + 1));
    EXPECT_EQ(ErrorOf(f), "bad PT_INTERP (the dynamic loader's path)");
  }
  {
    ElfFile f;  // past the end of the file
    f.ph.insert(f.ph.begin(), ElfFile::Phdr(PT_INTERP, PF_R, 0x2ff0, 0x10200, 0x100, 0x100));
    EXPECT_EQ(ErrorOf(f), "bad PT_INTERP (the dynamic loader's path)");
  }
}

// An ET_DYN file goes where the caller says (the loader's fixed base).
TEST_F(ElfLoaderTest, PositionIndependentFilesGoToTheGivenBase) {
  ElfFile f;
  f.eh.e_type = ET_DYN;
  f.ph[0].p_vaddr = 0;
  f.ph[1].p_vaddr = 0x12000;
  f.eh.e_entry = 0x100;
  auto image = LoadElf(f.Write(), *mem_, kStackTop - kDefaultStackSize, kInterpLoadBias);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_TRUE(image->position_independent);
  EXPECT_EQ(image->load_bias, kInterpLoadBias);
  EXPECT_EQ(image->entry, kInterpLoadBias + 0x100);
  EXPECT_EQ(mem_->Host(kInterpLoadBias + 0x1000)[0], 0x11);
}

TEST_F(ElfLoaderTest, SegmentChecks) {
  {
    ElfFile f;
    f.ph[1].p_filesz = 0x4000;
    EXPECT_THAT(ErrorOf(f), HasSubstr("segment 1: file size 0x4000 larger than memory size"));
  }
  {
    ElfFile f;
    f.ph[1].p_filesz = 0x1001;  // 0x2000 + 0x1001 > 0x3000 bytes of file.
    EXPECT_THAT(ErrorOf(f), HasSubstr("truncated segment 1"));
  }
  {
    ElfFile f;
    f.ph[1].p_offset = ~uint64_t{0} - 8;  // Offset + size overflows.
    EXPECT_THAT(ErrorOf(f), HasSubstr("truncated segment 1"));
  }
  {
    ElfFile f;
    f.ph[1].p_vaddr = 0x11000;  // Inside the text segment [0x10000, 0x11200).
    EXPECT_EQ(ErrorOf(f), "segments 0 and 1 overlap");
  }
  {
    ElfFile f;
    f.ph[0].p_vaddr = 0;  // Page 0 is never mapped.
    EXPECT_THAT(ErrorOf(f), HasSubstr("segment 0 (0x0..0x1200) is outside the guest address"));
  }
  {
    ElfFile f;
    f.ph[1].p_vaddr = uint64_t{1} << 40;
    EXPECT_THAT(ErrorOf(f), HasSubstr("segment 1 (0x10000000000..0x10000003000) is outside"));
  }
  {
    ElfFile f;
    f.ph[1].p_vaddr = ~uint64_t{0} - 0x1000;  // Wraps around.
    EXPECT_THAT(ErrorOf(f), HasSubstr("segment 1"));
  }
  {
    ElfFile f;
    f.ph[0].p_align = 0x3000;
    EXPECT_EQ(ErrorOf(f), "segment 0: alignment 0x3000 is not a power of two");
  }
  {
    ElfFile f;
    f.ph[0].p_type = PT_NOTE;
    f.ph[1].p_type = PT_NOTE;
    EXPECT_EQ(ErrorOf(f), "no loadable segments");
  }
}

TEST_F(ElfLoaderTest, FileProblems) {
  auto r = Load("/nonexistent/prog");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "No such file or directory");
  EXPECT_EQ(Load("/tmp").status().message(), "is a directory");
  EXPECT_EQ(Load("/dev/null").status().message(), "not a regular file");
}

// The real thing: a static glibc program from the cross compiler. Every
// PT_LOAD must hold the file's bytes, then zeros up to p_memsz.
TEST_F(ElfLoaderTest, RealStaticBinary) {
  const std::string path = Runfile("services/executor/runtime/testdata/hello");
  std::vector<uint8_t> file = ReadFile(path);
  ASSERT_GT(file.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  memcpy(&eh, file.data(), sizeof(eh));
  auto image = Load(path);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->entry, eh.e_entry);
  EXPECT_EQ(image->load_bias, 0u);
  int loads = 0;
  uint64_t end = 0;
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    memcpy(&ph, file.data() + eh.e_phoff + i * sizeof(ph), sizeof(ph));
    if (ph.p_type != PT_LOAD) continue;
    ++loads;
    EXPECT_EQ(memcmp(mem_->Host(ph.p_vaddr), file.data() + ph.p_offset, ph.p_filesz), 0);
    for (uint64_t a = ph.p_vaddr + ph.p_filesz; a < ph.p_vaddr + ph.p_memsz; ++a) {
      ASSERT_EQ(mem_->Host(a)[0], 0);
    }
    EXPECT_EQ(mem_->IsExecutable(ph.p_vaddr), (ph.p_flags & PF_X) != 0);
    EXPECT_EQ(mem_->CanWrite(ph.p_vaddr, 1), (ph.p_flags & PF_W) != 0);
    end = std::max(end, ph.p_vaddr + ph.p_memsz);
  }
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(image->brk_start, PageUp(end));
  // AT_PHDR: the program headers' bytes, as loaded.
  EXPECT_EQ(memcmp(mem_->Host(image->phdr_addr), file.data() + eh.e_phoff,
                   eh.e_phnum * sizeof(Elf64_Phdr)),
            0);
}

TEST_F(ElfLoaderTest, StaticPieLoadsAtTheBias) {
  const std::string path = Runfile("services/executor/runtime/testdata/pie_exit");
  std::vector<uint8_t> file = ReadFile(path);
  Elf64_Ehdr eh;
  memcpy(&eh, file.data(), sizeof(eh));
  ASSERT_EQ(eh.e_type, ET_DYN);
  auto image = Load(path);
  ASSERT_TRUE(image.ok()) << image.status();
  // Its first segment is linked at 0, so the bias is the whole base.
  EXPECT_EQ(image->load_bias, kPieLoadBias);
  EXPECT_EQ(image->entry, kPieLoadBias + eh.e_entry);
  EXPECT_EQ(memcmp(mem_->Host(kPieLoadBias), ELFMAG, SELFMAG), 0);
  EXPECT_EQ(image->phdr_addr, kPieLoadBias + eh.e_phoff);
}

}  // namespace
}  // namespace dbt::executor
