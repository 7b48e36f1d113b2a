// What the cache keeps is the translator's own copy of the code it emitted,
// and an entry placed again (any buffer, any offset) is the same TB.
#include "services/translator/cache/entry_convert.h"

#include <cstring>
#include <span>
#include <vector>

#include "gtest/gtest.h"
#include "services/translator/frontend/riscv/guest_code_source.h"

namespace dbt::translator {
namespace {

// addi a0,a0,1 ; beq a0,a1,+8 ; addi a0,a0,2 ; ret (two exits: a slot each)
const uint32_t kCode[] = {0x00150513, 0x00b50463, 0x00250513, 0x00008067};

absl::StatusOr<TbTranslation> Translate(codegen::CodeGenBuffer& buffer,
                                        std::vector<uint8_t>* copy) {
  std::vector<uint8_t> bytes(sizeof kCode);
  std::memcpy(bytes.data(), kCode, sizeof kCode);
  static std::vector<uint8_t> keep;
  keep = bytes;
  frontend::riscv::BufferCodeSource source(0x10000, std::span<const uint8_t>(keep));
  return TranslateTb(source, 0x10000, 0, buffer, {}, copy);
}

TEST(EntryConvertTest, TheCopyIsWhatWasEmittedWhateverTheBufferSaysLater) {
  auto buffer = codegen::CodeGenBuffer::Create({1 << 20, 0});
  ASSERT_TRUE(buffer.ok());
  std::vector<uint8_t> copy;
  absl::StatusOr<TbTranslation> t = Translate(**buffer, &copy);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(copy.size(), t->code.code_size);
  uint8_t* placed = (*buffer)->rw_at(t->code.code_offset);
  EXPECT_EQ(0, std::memcmp(placed, copy.data(), copy.size()));
  const std::vector<uint8_t> emitted = copy;
  // An executor writes into the buffer through its patch alias (a link, or
  // anything a compromised one likes): the entry does not change.
  std::memset(placed, 0xcc, t->code.code_size);
  EXPECT_EQ(copy, emitted);
  const cache::TbEntry entry = ToEntry(*t, copy, /*build=*/7);
  const std::string encoded = cache::EncodeTbEntry(entry);
  absl::StatusOr<cache::TbEntry> back = cache::DecodeTbEntry(encoded, &entry.key);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->code, emitted);
  EXPECT_EQ(back->key.pc, 0x10000u);
  EXPECT_EQ(back->key.guest_size, 8u);  // the TB ends at the beq
  EXPECT_EQ(back->key.hash, t->hash);
  EXPECT_EQ(back->key.build, 7u);
  // Both exits are slots, each unlinked (pointing at its own exit path).
  EXPECT_TRUE(back->slots[0].used);
  EXPECT_TRUE(back->slots[1].used);
}

TEST(EntryConvertTest, AnEntryPlacedElsewhereIsTheSameTb) {
  auto first = codegen::CodeGenBuffer::Create({1 << 20, 0});
  auto second = codegen::CodeGenBuffer::Create({1 << 20, 0});
  ASSERT_TRUE(first.ok() && second.ok());
  std::vector<uint8_t> copy;
  absl::StatusOr<TbTranslation> t = Translate(**first, &copy);
  ASSERT_TRUE(t.ok());
  const cache::TbEntry entry = ToEntry(*t, copy, 1);
  (*second)->Commit(4096 + 48);  // somewhere else than the original
  absl::StatusOr<TbTranslation> again = InstallEntry(entry, **second);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(again->code.code_offset, t->code.code_offset);
  EXPECT_EQ(0, std::memcmp((*second)->rw_at(again->code.code_offset), copy.data(), copy.size()));
  EXPECT_EQ(again->guest_pc, t->guest_pc);
  EXPECT_EQ(again->guest_size, t->guest_size);
  EXPECT_EQ(again->hash, t->hash);
  EXPECT_EQ(again->code.code_size, t->code.code_size);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(again->code.slots[i].jump_field, t->code.slots[i].jump_field);
    EXPECT_EQ(again->code.slots[i].unlinked_target, t->code.slots[i].unlinked_target);
  }
  ASSERT_EQ(again->code.pc_map.size(), t->code.pc_map.size());
  // A full buffer: ResourceExhausted, as for a translation.
  auto tiny = codegen::CodeGenBuffer::Create({1 << 20, 0});
  ASSERT_TRUE(tiny.ok());
  while ((*tiny)->NextRegion()) {
  }
  (*tiny)->Commit((*tiny)->FreeSpan().size);
  EXPECT_EQ(InstallEntry(entry, **tiny).status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace dbt::translator
