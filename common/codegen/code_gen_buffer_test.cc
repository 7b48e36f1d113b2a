#include "common/codegen/code_gen_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xbyak/xbyak.h>

#include "common/codegen/jump_patch.h"

namespace dbt::codegen {
namespace {

struct MapsLine {
  uint64_t start, end;
  std::string perms, path;
};

std::vector<MapsLine> ReadMaps() {
  std::vector<MapsLine> lines;
  std::ifstream in("/proc/self/maps");
  std::string line;
  while (std::getline(in, line)) {
    MapsLine m;
    char perms[8] = {};
    char path[512] = {};
    unsigned long long s, e;
    if (sscanf(line.c_str(), "%llx-%llx %7s %*s %*s %*s %511[^\n]", &s, &e, perms, path) < 3) {
      continue;
    }
    m.start = s;
    m.end = e;
    m.perms = perms;
    m.path = path;
    lines.push_back(m);
  }
  return lines;
}

std::unique_ptr<CodeGenBuffer> SmallBuffer() {
  auto buffer = CodeGenBuffer::Create({.size = 1 << 20, .region_size = 64 << 10});
  EXPECT_TRUE(buffer.ok()) << buffer.status();
  return std::move(*buffer);
}

// Writes a tiny TB at the cursor by hand: x2 = x1 + guest_base; then
// returns its start | kTbExitNoChain through the epilogue, as a translated
// TB would. Returns its offset.
size_t WriteTestTb(CodeGenBuffer& buffer) {
  using namespace Xbyak::util;
  CodeSpan span = buffer.FreeSpan();
  Xbyak::CodeGenerator gen(span.size, buffer.rw_at(span.offset));
  Xbyak::Label start;
  gen.L(start);
  gen.mov(rax, gen.qword[rbp + offsetof(GuestEnv, cpu.x) + 8]);
  gen.add(rax, r14);
  gen.mov(gen.qword[rbp + offsetof(GuestEnv, cpu.x) + 16], rax);
  gen.lea(rax, gen.ptr[rip + start + static_cast<int>(kTbExitNoChain)]);
  gen.jmp(gen.qword[rbp + offsetof(GuestEnv, epilogue)]);
  buffer.Commit(gen.getSize());
  return span.offset;
}

TEST(CodeGenBufferTest, TwoViewsOfOneMemfdAndNothingWritableAndExecutable) {
  auto buffer = SmallBuffer();
  ASSERT_NE(buffer->rw(), nullptr);
  ASSERT_NE(reinterpret_cast<const void*>(buffer->rw()), buffer->rx());
  bool saw_rw = false, saw_rx = false;
  for (const MapsLine& m : ReadMaps()) {
    EXPECT_FALSE(m.perms[0] == 'r' && m.perms[1] == 'w' && m.perms[2] == 'x')
        << "rwx mapping: " << m.path;
    if (m.path.find("memfd:dbt-code-gen-buffer") == std::string::npos) continue;
    if (m.start == reinterpret_cast<uint64_t>(buffer->rw())) {
      EXPECT_EQ(m.perms, "rw-s");
      saw_rw = true;
    }
    if (m.start == reinterpret_cast<uint64_t>(buffer->rx())) {
      EXPECT_EQ(m.perms, "r-xs");
      saw_rx = true;
    }
  }
  EXPECT_TRUE(saw_rw);
  EXPECT_TRUE(saw_rx);
  // A byte written through one view is read through the other.
  CodeSpan span = buffer->FreeSpan();
  buffer->rw_at(span.offset)[0] = 0xab;
  EXPECT_EQ(buffer->rx_at(span.offset)[0], 0xab);
}

TEST(CodeGenBufferTest, GuardPagesAfterEachRegion) {
  auto buffer = SmallBuffer();
  uint64_t rx_guard =
      reinterpret_cast<uint64_t>(buffer->rx_at(buffer->region_start(0))) + buffer->region_size();
  bool found = false;
  for (const MapsLine& m : ReadMaps()) {
    if (m.start == rx_guard) {
      EXPECT_EQ(m.perms, "---s");
      EXPECT_EQ(m.end - m.start, static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(CodeGenBufferTest, EntersGeneratedCodeThroughThePrologue) {
  auto buffer = SmallBuffer();
  size_t tb = WriteTestTb(*buffer);
  auto env = std::make_unique<GuestEnv>();
  env->guest_base = 0x1000;
  env->epilogue = buffer->epilogue_address();
  env->cpu.x[1] = 0x234;
  uint64_t ret = buffer->EnterGeneratedCode(env.get(), buffer->rx_at(tb));
  EXPECT_EQ(env->cpu.x[2], 0x1234u);
  EXPECT_EQ(ret, reinterpret_cast<uint64_t>(buffer->rx_at(tb)) | kTbExitNoChain);
  EXPECT_EQ(tb % 16, 0u);
}

TEST(CodeGenBufferTest, AttachedReadExecuteViewRunsTheSameCode) {
  auto buffer = SmallBuffer();
  size_t tb = WriteTestTb(*buffer);
  auto attached = CodeGenBuffer::Attach(dup(buffer->fd()), buffer->size(), buffer->region_size(),
                                        CodeGenBuffer::Views::kReadExecute);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_EQ((*attached)->rw(), nullptr);
  auto env = std::make_unique<GuestEnv>();
  env->epilogue = (*attached)->epilogue_address();
  env->cpu.x[1] = 7;
  uint64_t ret = (*attached)->EnterGeneratedCode(env.get(), (*attached)->rx_at(tb));
  EXPECT_EQ(env->cpu.x[2], 7u);
  EXPECT_EQ(ret, reinterpret_cast<uint64_t>((*attached)->rx_at(tb)) | kTbExitNoChain);
}

TEST(CodeGenBufferTest, FillsRegionsThenReportsFullAndFlushes) {
  auto buffer = SmallBuffer();
  // 1 MiB with 64 KiB regions and a guard page each: (1 MiB - 8 KiB) / 68 KiB.
  EXPECT_EQ(buffer->num_regions(), (1024 - 8) / 68);
  int regions_seen = 1;
  size_t allocated = 0;
  for (;;) {
    CodeSpan span = buffer->FreeSpan();
    EXPECT_EQ(span.offset % 16, 0u);
    if (span.size < 1000) {
      if (!buffer->NextRegion()) break;
      ++regions_seen;
      continue;
    }
    buffer->Commit(1000);  // rounds to 1008
    allocated += 1008;
  }
  EXPECT_EQ(regions_seen, buffer->num_regions());
  EXPECT_EQ(buffer->bytes_used(), allocated);
  buffer->Flush();
  EXPECT_EQ(buffer->flush_count(), 1u);
  EXPECT_EQ(buffer->bytes_used(), 0u);
  EXPECT_EQ(buffer->FreeSpan().offset, buffer->region_start(0));
  // And it is usable again.
  size_t tb = WriteTestTb(*buffer);
  auto env = std::make_unique<GuestEnv>();
  env->epilogue = buffer->epilogue_address();
  env->cpu.x[1] = 9;
  buffer->EnterGeneratedCode(env.get(), buffer->rx_at(tb));
  EXPECT_EQ(env->cpu.x[2], 9u);
}

// A second writer continues where the first stopped (the translator after
// the executor placed a preload image): same region, same cursor.
TEST(CodeGenBufferTest, SkipToContinuesWhereAnotherWriterStopped) {
  auto first = SmallBuffer();
  auto second = SmallBuffer();
  const std::vector<uint8_t> code(40000, 0x90);
  // Two regions' worth: the cursor ends in region 1.
  ASSERT_TRUE(first->Place(code.data(), code.size()).ok());
  ASSERT_TRUE(first->Place(code.data(), code.size()).ok());
  ASSERT_TRUE(second->SkipTo(first->cursor()).ok());
  EXPECT_EQ(second->cursor(), first->cursor());
  EXPECT_EQ(second->FreeSpan().size, first->FreeSpan().size);
  absl::StatusOr<size_t> a = first->Place(code.data(), 100);
  absl::StatusOr<size_t> b = second->Place(code.data(), 100);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  // Not backwards, not into a guard page, not past the end.
  EXPECT_FALSE(second->SkipTo(second->region_start(0)).ok());
  EXPECT_FALSE(second->SkipTo(second->region_start(2) - 100).ok());
  EXPECT_FALSE(second->SkipTo(second->size() + 4096).ok());
  EXPECT_EQ(second->cursor(), *b + 112);
}

TEST(CodeGenBufferTest, PatchJumpRetargetsAnAlignedRel32) {
  using namespace Xbyak::util;
  auto buffer = SmallBuffer();
  CodeSpan span = buffer->FreeSpan();
  // jmp rel32 at offset 3 (field at 4), then two exits: A sets x3 = 1,
  // B (at +32) sets x3 = 2.
  uint8_t* p = buffer->rw_at(span.offset);
  Xbyak::CodeGenerator gen(256, p);
  Xbyak::Label start;
  gen.L(start);
  gen.nop(3);
  gen.db(0xe9);
  gen.dd(0);  // falls through to A
  gen.mov(gen.qword[rbp + offsetof(GuestEnv, cpu.x) + 24], 1);
  gen.lea(rax, gen.ptr[rip + start]);
  gen.jmp(gen.qword[rbp + offsetof(GuestEnv, epilogue)]);
  while (gen.getSize() < 64) gen.int3();
  gen.mov(gen.qword[rbp + offsetof(GuestEnv, cpu.x) + 24], 2);
  gen.lea(rax, gen.ptr[rip + start]);
  gen.jmp(gen.qword[rbp + offsetof(GuestEnv, epilogue)]);
  buffer->Commit(gen.getSize());

  auto env = std::make_unique<GuestEnv>();
  env->epilogue = buffer->epilogue_address();
  size_t field = span.offset + 4;
  EXPECT_EQ(JumpTarget(*buffer, field), span.offset + 8);
  buffer->EnterGeneratedCode(env.get(), buffer->rx_at(span.offset));
  EXPECT_EQ(env->cpu.x[3], 1u);
  PatchJump(*buffer, field, span.offset + 64);
  EXPECT_EQ(JumpTarget(*buffer, field), span.offset + 64);
  buffer->EnterGeneratedCode(env.get(), buffer->rx_at(span.offset));
  EXPECT_EQ(env->cpu.x[3], 2u);
  PatchJump(*buffer, field, span.offset + 8);
  buffer->EnterGeneratedCode(env.get(), buffer->rx_at(span.offset));
  EXPECT_EQ(env->cpu.x[3], 1u);
}

TEST(CodeGenBufferTest, DefaultSizeIsAnEighthOfMemoryClamped) {
  size_t phys = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  size_t expected = phys / 8;
  if (expected < (1u << 20)) expected = 1u << 20;
  if (expected > (1u << 30)) expected = 1u << 30;
  EXPECT_EQ(DefaultCodeGenBufferSize(), expected);
}

TEST(CodeGenBufferTest, AttachedReadWriteViewHasNoExecutableMapping) {
  auto buffer = SmallBuffer();
  auto attached = CodeGenBuffer::Attach(dup(buffer->fd()), buffer->size(), buffer->region_size(),
                                        CodeGenBuffer::Views::kReadWrite);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_EQ((*attached)->rx(), nullptr);
  // Bytes written through the other process's view land in the same memfd.
  const size_t offset = (*attached)->region_start(0);
  (*attached)->rw_at(offset)[0] = 0xc3;
  EXPECT_EQ(buffer->rx_at(offset)[0], 0xc3);
}

TEST(CodeGenBufferTest, AttachRefusesAnUnsealedOrMisSizedFd) {
  auto buffer = SmallBuffer();
  // Wrong size claimed.
  auto wrong = CodeGenBuffer::Attach(dup(buffer->fd()), buffer->size() + 4096,
                                     buffer->region_size(), CodeGenBuffer::Views::kReadWrite);
  EXPECT_TRUE(absl::IsInvalidArgument(wrong.status())) << wrong.status();
  // A memfd that could still shrink under the mapping.
  int fd = memfd_create("unsealed", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(buffer->size())), 0);
  auto unsealed = CodeGenBuffer::Attach(fd, buffer->size(), buffer->region_size(),
                                        CodeGenBuffer::Views::kReadWrite);
  EXPECT_TRUE(absl::IsInvalidArgument(unsealed.status())) << unsealed.status();
}

}  // namespace
}  // namespace dbt::codegen
