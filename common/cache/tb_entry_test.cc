#include "common/cache/tb_entry.h"

#include <cstring>

#include "gtest/gtest.h"

namespace dbt::cache {
namespace {

// A well-formed entry: 40 bytes of "code" whose slot 0 is a jmp rel32 at
// offset 10 pointing at offset 30 (its exit path), as the backend emits.
TbEntry GoodEntry() {
  TbEntry e;
  e.key.abi = 7;
  e.key.build = 0x1234;
  e.key.flags = 0;
  e.key.pc = 0x10000;
  e.key.guest_size = 8;
  e.key.hash = ContentHash{11, 22};
  e.guest_insns = 2;
  e.ranges = {{0x10000, 8}};
  e.code.assign(40, 0x90);
  e.code[9] = 0xe9;
  const int32_t rel = 30 - (10 + 4);
  std::memcpy(e.code.data() + 10, &rel, 4);
  e.slots[0] = {true, 10, 30};
  e.ops_before = 9;
  e.ops_after = 5;
  e.pc_map = {{0, 0x10000}, {20, 0x10004}};
  return e;
}

std::string Reason(const std::string& bytes, const TbKey* key = nullptr) {
  absl::StatusOr<TbEntry> e = DecodeTbEntry(bytes, key);
  if (e.ok()) return "accepted";
  EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss) << e.status();
  return std::string(e.status().message());
}

TEST(TbEntryTest, RoundTrips) {
  const TbEntry in = GoodEntry();
  const std::string bytes = EncodeTbEntry(in);
  absl::StatusOr<TbEntry> out = DecodeTbEntry(bytes, &in.key);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->key, in.key);
  EXPECT_EQ(out->code, in.code);
  EXPECT_EQ(out->guest_insns, 2u);
  ASSERT_EQ(out->ranges.size(), 1u);
  EXPECT_EQ(out->ranges[0].size, 8u);
  EXPECT_TRUE(out->slots[0].used);
  EXPECT_EQ(out->slots[0].jump_field, 10u);
  EXPECT_EQ(out->slots[0].unlinked_target, 30u);
  EXPECT_FALSE(out->slots[1].used);
  ASSERT_EQ(out->pc_map.size(), 2u);
  EXPECT_EQ(out->pc_map[1].host_offset, 20u);
  EXPECT_EQ(out->pc_map[1].guest_pc, 0x10004u);
  EXPECT_EQ(out->ops_before, 9u);
}

TEST(TbEntryTest, KeysRoundTripAtFixedSizes) {
  const TbKey key = GoodEntry().key;
  const std::string k = EncodeTbKey(key);
  EXPECT_EQ(k.size(), kTbKeyBytes);
  absl::StatusOr<TbKey> back = DecodeTbKey(AsBytes(k));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, key);
  ProgramKey p;
  p.abi = 3;
  p.build = 99;
  p.file_hash = {5, 6};
  const std::string pk = EncodeProgramKey(p);
  EXPECT_EQ(pk.size(), kProgramKeyBytes);
  absl::StatusOr<ProgramKey> pback = DecodeProgramKey(AsBytes(pk));
  ASSERT_TRUE(pback.ok());
  EXPECT_EQ(*pback, p);
  EXPECT_FALSE(DecodeTbKey(AsBytes(k.substr(1))).ok());
  EXPECT_FALSE(DecodeProgramKey(AsBytes(pk + "x")).ok());
}

TEST(TbEntryTest, EveryFlippedBitIsRejected) {
  const std::string good = EncodeTbEntry(GoodEntry());
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      ASSERT_NE(Reason(bad), "accepted") << "byte " << i << " bit " << bit;
    }
  }
}

TEST(TbEntryTest, EveryTruncationIsRejected) {
  const std::string good = EncodeTbEntry(GoodEntry());
  for (size_t n = 0; n < good.size(); ++n) {
    ASSERT_NE(Reason(good.substr(0, n)), "accepted") << n;
  }
  EXPECT_NE(Reason(good + "x"), "accepted");
}

TEST(TbEntryTest, AnotherKeyIsRejected) {
  const TbEntry e = GoodEntry();
  const std::string bytes = EncodeTbEntry(e);
  for (int field = 0; field < 6; ++field) {
    TbKey other = e.key;
    switch (field) {
      case 0:
        other.abi += 1;
        break;
      case 1:
        other.build += 1;
        break;
      case 2:
        other.flags = 1;
        break;
      case 3:
        other.pc += 2;
        break;
      case 4:
        other.guest_size += 2;
        break;
      case 5:
        other.hash.hi += 1;
        break;
    }
    EXPECT_NE(Reason(bytes, &other).find("key"), std::string::npos) << field;
  }
}

// Entries with a valid checksum (a buggy or hostile writer) whose
// structure is wrong: each is refused, with the field named.
TEST(TbEntryTest, MalformedStructureIsRejected) {
  struct Case {
    const char* name;
    void (*mutate)(TbEntry&);
    const char* expect;
  };
  const Case cases[] = {
      {"foreign ISA", [](TbEntry& e) { e.key.isa = 2; }, "key.isa"},
      {"odd pc", [](TbEntry& e) { e.key.pc = 0x10001; }, "key.pc"},
      {"no insns", [](TbEntry& e) { e.guest_insns = 0; }, "guest_insns"},
      {"too many insns", [](TbEntry& e) { e.guest_insns = 5; }, "guest_insns"},
      {"no ranges", [](TbEntry& e) { e.ranges.clear(); }, "ranges"},
      {"gap in ranges",
       [](TbEntry& e) {
         e.ranges = {{0x10000, 4}, {0x10006, 2}};
       },
       "range"},
      {"ranges short",
       [](TbEntry& e) {
         e.ranges = {{0x10000, 6}};
       },
       "ranges"},
      {"no code", [](TbEntry& e) { e.code.clear(); }, "code"},
      {"slot past code", [](TbEntry& e) { e.slots[0].jump_field = 38; }, "slot"},
      {"slot target past code", [](TbEntry& e) { e.slots[0].unlinked_target = 40; }, "slot"},
      {"slot linked elsewhere", [](TbEntry& e) { e.slots[0].unlinked_target = 31; }, "slot target"},
      {"pc map past code", [](TbEntry& e) { e.pc_map[1].host_offset = 40; }, "pc_map"},
      {"pc map descending",
       [](TbEntry& e) {
         e.pc_map = {{20, 0x10000}, {0, 0x10004}};
       },
       "pc_map"},
      {"pc map outside TB", [](TbEntry& e) { e.pc_map[1].guest_pc = 0x10008; }, "pc_map"},
      {"pc map longer than TB",
       [](TbEntry& e) {
         e.pc_map.push_back({30, 0x10006});
       },
       "pc_map"},
      {"relocation",
       [](TbEntry& e) {
         e.relocations.push_back({1, 4, 0});
       },
       "relocation kind"},
  };
  for (const Case& c : cases) {
    TbEntry e = GoodEntry();
    c.mutate(e);
    const std::string reason = Reason(EncodeTbEntry(e));
    EXPECT_NE(reason.find(c.expect), std::string::npos) << c.name << ": " << reason;
  }
}

TEST(TbEntryTest, IntegrityCheckCatchesDamageAndForeignKeysOnly) {
  const TbEntry e = GoodEntry();
  const std::string good = EncodeTbEntry(e);
  EXPECT_TRUE(CheckTbEntryIntegrity(AsBytes(good), &e.key).ok());
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_FALSE(CheckTbEntryIntegrity(AsBytes(bad), &e.key).ok()) << i;
  }
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(CheckTbEntryIntegrity(AsBytes(good.substr(0, n)), &e.key).ok()) << n;
  }
  TbKey other = e.key;
  other.pc += 2;
  EXPECT_FALSE(CheckTbEntryIntegrity(AsBytes(good), &other).ok());
  // A well-sealed entry with a bad structure passes this half: DecodeTbEntry
  // is what refuses it (and what the translator runs before loading).
  TbEntry malformed = GoodEntry();
  malformed.slots[0].unlinked_target = 31;
  const std::string sealed = EncodeTbEntry(malformed);
  EXPECT_TRUE(CheckTbEntryIntegrity(AsBytes(sealed), &malformed.key).ok());
  EXPECT_FALSE(DecodeTbEntry(sealed, &malformed.key).ok());
}

TEST(TbEntryTest, OtherFormatVersionIsRejected) {
  std::string bytes = EncodeTbEntry(GoodEntry());
  const uint32_t version = kEntryFormatVersion + 1;
  std::memcpy(bytes.data() + 4, &version, 4);
  EXPECT_NE(Reason(bytes).find("format version"), std::string::npos);
}

}  // namespace
}  // namespace dbt::cache
