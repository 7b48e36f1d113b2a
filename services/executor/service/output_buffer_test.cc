#include "services/executor/service/output_buffer.h"

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

using std::chrono::milliseconds;
constexpr auto kOut = v1::OutputChunk::STDOUT;
constexpr auto kErr = v1::OutputChunk::STDERR;

std::string Join(const OutputBuffer::Batch& batch) {
  std::string s;
  for (const auto& c : batch.chunks) s += (c.stream == kOut ? "o:" : "e:") + *c.data + ";";
  return s;
}

TEST(OutputBufferTest, ReplaysEveryChunkInOrderToEachReader) {
  OutputBuffer buffer;
  buffer.Append(kOut, "one");
  buffer.Append(kErr, "two");
  buffer.Append(kOut, "three");
  for (int reader = 0; reader < 2; ++reader) {
    OutputBuffer::Cursor cursor = 0;
    OutputBuffer::Batch batch = buffer.Next(&cursor, milliseconds(0));
    EXPECT_EQ(Join(batch), "o:one;e:two;o:three;");
    EXPECT_FALSE(batch.finished);
    EXPECT_EQ(cursor, 3u);
  }
}

TEST(OutputBufferTest, EmptyDataIsNotAChunk) {
  OutputBuffer buffer;
  buffer.Append(kOut, "");
  OutputBuffer::Cursor cursor = 0;
  EXPECT_TRUE(buffer.Next(&cursor, milliseconds(0)).chunks.empty());
  EXPECT_EQ(cursor, 0u);
}

TEST(OutputBufferTest, FinishedOnlyOnceTheReaderHasEveryChunk) {
  OutputBuffer buffer;
  buffer.Append(kOut, "aaaa");
  buffer.Append(kOut, "bbbb");
  buffer.Finish({.exit_status = 3, .term_signal = 0});
  OutputBuffer::Cursor cursor = 0;
  // Batches of at most about 1 byte: one chunk each.
  OutputBuffer::Batch first = buffer.Next(&cursor, milliseconds(0), 1);
  EXPECT_EQ(Join(first), "o:aaaa;");
  EXPECT_FALSE(first.finished);
  OutputBuffer::Batch second = buffer.Next(&cursor, milliseconds(0), 1);
  EXPECT_EQ(Join(second), "o:bbbb;");
  ASSERT_TRUE(second.finished);
  EXPECT_EQ(second.exit.exit_status, 3);
  EXPECT_EQ(second.exit.term_signal, 0);
  OutputBuffer::Batch again = buffer.Next(&cursor, milliseconds(0));
  EXPECT_TRUE(again.chunks.empty());
  EXPECT_TRUE(again.finished);
}

TEST(OutputBufferTest, DropsTheOldestChunksBeyondTheLimit) {
  OutputBuffer buffer(10);
  OutputBuffer::Cursor early = 0;  // has read nothing yet
  buffer.Append(kOut, "aaaa");
  buffer.Append(kErr, "bbbb");
  EXPECT_EQ(buffer.bytes_kept(), 8u);
  buffer.Append(kOut, "cccc");  // 12 > 10: "aaaa" goes
  EXPECT_EQ(buffer.bytes_kept(), 8u);
  EXPECT_EQ(Join(buffer.Next(&early, milliseconds(0))), "e:bbbb;o:cccc;");
  EXPECT_EQ(early, 3u);  // chunk numbers keep counting from the first ever
}

TEST(OutputBufferTest, KeepsTheNewestChunkEvenWhenItAloneIsOverTheLimit) {
  OutputBuffer buffer(4);
  buffer.Append(kOut, "ab");
  buffer.Append(kOut, "0123456789");
  EXPECT_EQ(buffer.bytes_kept(), 10u);
  OutputBuffer::Cursor cursor = 0;
  EXPECT_EQ(Join(buffer.Next(&cursor, milliseconds(0))), "o:0123456789;");
}

TEST(OutputBufferTest, ReaderWithMissedChunksContinuesFromTheOldestKept) {
  OutputBuffer buffer(6);
  buffer.Append(kOut, "111");
  OutputBuffer::Cursor cursor = 0;
  EXPECT_EQ(Join(buffer.Next(&cursor, milliseconds(0))), "o:111;");
  buffer.Append(kOut, "222");
  buffer.Append(kOut, "333");  // drops "111" (read)
  buffer.Append(kOut, "444");  // drops "222" (unread)
  EXPECT_EQ(Join(buffer.Next(&cursor, milliseconds(0))), "o:333;o:444;");
}

TEST(OutputBufferTest, WaitTimesOutEmptyAndUnfinished) {
  OutputBuffer buffer;
  OutputBuffer::Cursor cursor = 0;
  const auto start = std::chrono::steady_clock::now();
  OutputBuffer::Batch batch = buffer.Next(&cursor, milliseconds(50));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(50));
  EXPECT_TRUE(batch.chunks.empty());
  EXPECT_FALSE(batch.finished);
}

TEST(OutputBufferTest, WaitingReaderWakesOnAppendAndOnFinish) {
  OutputBuffer buffer;
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    buffer.Append(kErr, "late");
    std::this_thread::sleep_for(milliseconds(20));
    buffer.Finish({.exit_status = 0, .term_signal = 9});
  });
  OutputBuffer::Cursor cursor = 0;
  const auto start = std::chrono::steady_clock::now();
  OutputBuffer::Batch batch = buffer.Next(&cursor, std::chrono::seconds(30));
  EXPECT_EQ(Join(batch), "e:late;");
  OutputBuffer::Batch last = buffer.Next(&cursor, std::chrono::seconds(30));
  EXPECT_TRUE(last.finished);
  EXPECT_EQ(last.exit.term_signal, 9);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  writer.join();
}

}  // namespace
}  // namespace dbt::executor
