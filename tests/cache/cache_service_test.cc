// The cache service as a real process on a real LMDB store, over gRPC:
// every RPC of proto/cache.proto, the checks on entries going in and out,
// a store it refuses, and dbtctl's cache commands.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "common/cache/preload_image.h"
#include "common/cache/tb_entry.h"
#include "gtest/gtest.h"
#include "proto/cache.grpc.pb.h"
#include "services/cache/store/lmdb_store.h"
#include "services/cache/store/preload_files.h"
#include "tests/services/process_util.h"

namespace dbt {
namespace {

using testing::Child;
using testing::Runfile;
using testing::RunProcess;
using testing::TempDir;

cache::TbEntry MakeEntry(uint64_t pc, uint64_t hash) {
  cache::TbEntry e;
  e.key.abi = 1;
  e.key.build = 42;
  e.key.pc = pc;
  e.key.guest_size = 4;
  e.key.hash = ContentHash{hash, ~hash};
  e.guest_insns = 1;
  e.ranges = {{pc, 4}};
  e.code.assign(32, 0xc3);
  e.pc_map = {{0, pc}};
  return e;
}

std::string ProgramKey(uint64_t h) {
  cache::ProgramKey p;
  p.abi = 1;
  p.build = 42;
  p.file_hash = ContentHash{h, h};
  return cache::EncodeProgramKey(p);
}

class CacheServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(store_dir()); }
  void TearDown() override { Stop(); }

  std::string store_dir() const { return dir_.path() + "/store"; }
  std::string socket() const { return dir_.path() + "/cache.sock"; }

  void Start(const std::string& store) {
    child_ = testing::Spawn(
        {Runfile("services/cache/cache"), "--socket=" + socket(), "--cache=" + store, "--v=1"},
        dir_.path() + "/cache.log");
    for (int i = 0; i < 500 && !testing::PathExists(socket()); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(testing::PathExists(socket())) << testing::ReadFile(dir_.path() + "/cache.log");
    // A channel of its own (no subchannel shared with the previous server's
    // channel, which would hand out a dead connection).
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channel_ =
        grpc::CreateCustomChannel("unix:" + socket(), grpc::InsecureChannelCredentials(), args);
    // The socket file exists a moment before the server accepts on it.
    ASSERT_TRUE(
        channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)))
        << testing::ReadFile(dir_.path() + "/cache.log");
    stub_ = v1::Cache::NewStub(channel_);
  }
  void Stop() {
    stub_.reset();
    channel_.reset();
    if (child_.pid > 0) {
      kill(child_.pid, SIGTERM);
      const int status = testing::WaitFor(child_.pid, 10000);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << testing::ReadFile(dir_.path() + "/cache.log");
      child_.pid = -1;
    }
  }

  v1::CacheStoreResponse Store(const std::vector<std::string>& entries,
                               const std::string& program) {
    grpc::ClientContext ctx;
    v1::CacheStoreRequest request;
    for (const std::string& e : entries) request.add_entries(e);
    request.set_program(program);
    v1::CacheStoreResponse response;
    grpc::Status s = stub_->Store(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
  v1::CacheLookupResponse Lookup(const std::vector<std::string>& keys) {
    grpc::ClientContext ctx;
    v1::CacheLookupRequest request;
    for (const std::string& k : keys) request.add_keys(k);
    v1::CacheLookupResponse response;
    grpc::Status s = stub_->Lookup(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
  v1::CacheStats Stats() {
    grpc::ClientContext ctx;
    v1::CacheStats stats;
    EXPECT_TRUE(stub_->Stats(&ctx, v1::CacheStatsRequest(), &stats).ok());
    return stats;
  }
  std::vector<std::string> LoadProgram(const std::string& program, uint64_t since,
                                       v1::LoadProgramChunk* last) {
    grpc::ClientContext ctx;
    v1::LoadProgramRequest request;
    request.set_program(program);
    request.set_since(since);
    auto reader = stub_->LoadProgram(&ctx, request);
    std::vector<std::string> entries;
    v1::LoadProgramChunk chunk;
    while (reader->Read(&chunk)) {
      for (const std::string& e : chunk.entries()) entries.push_back(e);
      *last = chunk;
    }
    EXPECT_TRUE(reader->Finish().ok());
    return entries;
  }

  TempDir dir_;
  Child child_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Cache::Stub> stub_;
};

TEST_F(CacheServiceTest, StoreLookupAndStats) {
  const cache::TbEntry a = MakeEntry(0x1000, 1), b = MakeEntry(0x2000, 2);
  v1::CacheStoreResponse r =
      Store({cache::EncodeTbEntry(a), cache::EncodeTbEntry(b), "not an entry"}, ProgramKey(7));
  EXPECT_EQ(r.stored(), 2u);
  EXPECT_EQ(r.rejected(), 1u);
  const std::string ka = cache::EncodeTbKey(a.key);
  const std::string absent = cache::EncodeTbKey(MakeEntry(0x3000, 3).key);
  v1::CacheLookupResponse l = Lookup({ka, absent});
  ASSERT_EQ(l.entries_size(), 2);
  EXPECT_EQ(l.entries(0), cache::EncodeTbEntry(a));
  EXPECT_EQ(l.entries(1), "");
  v1::CacheStats s = Stats();
  EXPECT_EQ(s.entries(), 2u);
  EXPECT_EQ(s.programs(), 1u);
  EXPECT_EQ(s.hits(), 1u);
  EXPECT_EQ(s.misses(), 1u);
  EXPECT_EQ(s.stored(), 2u);
  EXPECT_EQ(s.backend(), "lmdb");
  EXPECT_TRUE(s.writable());
  EXPECT_EQ(s.store_path(), store_dir());
  EXPECT_EQ(s.bytes(), cache::EncodeTbEntry(a).size() + cache::EncodeTbEntry(b).size());
}

TEST_F(CacheServiceTest, ProgramIndexAndBulkLoad) {
  std::vector<std::string> entries;
  for (int i = 0; i < 1200; ++i)
    entries.push_back(cache::EncodeTbEntry(MakeEntry(0x10000 + 4 * i, i)));
  Store(entries, ProgramKey(9));
  v1::LoadProgramChunk last;
  std::vector<std::string> loaded = LoadProgram(ProgramKey(9), 0, &last);
  EXPECT_EQ(loaded, entries);  // in index order, across several chunks
  EXPECT_EQ(last.version(), 1200u);
  EXPECT_EQ(last.missing(), 0u);
  // Since a version: only what came after.
  Store({cache::EncodeTbEntry(MakeEntry(0x90000, 99))}, ProgramKey(9));
  loaded = LoadProgram(ProgramKey(9), 1200, &last);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(last.version(), 1201u);

  grpc::ClientContext ctx;
  v1::PutProgramIndexRequest put;
  put.set_program(ProgramKey(10));
  put.add_keys(cache::EncodeTbKey(MakeEntry(0x10000, 0).key));
  put.add_keys(cache::EncodeTbKey(MakeEntry(0x10000, 0).key));
  put.add_keys(cache::EncodeTbKey(MakeEntry(0x55000, 5).key));  // not stored
  v1::PutProgramIndexResponse put_r;
  ASSERT_TRUE(stub_->PutProgramIndex(&ctx, put, &put_r).ok());
  EXPECT_EQ(put_r.version(), 2u);
  grpc::ClientContext ctx2;
  v1::ProgramIndexRequest get;
  get.set_program(ProgramKey(10));
  v1::ProgramIndexResponse index;
  ASSERT_TRUE(stub_->GetProgramIndex(&ctx2, get, &index).ok());
  EXPECT_EQ(index.keys_size(), 2);
  loaded = LoadProgram(ProgramKey(10), 0, &last);
  EXPECT_EQ(loaded.size(), 1u);
  EXPECT_EQ(last.missing(), 1u);

  grpc::ClientContext ctx3;
  get.set_program("short");
  grpc::Status bad = stub_->GetProgramIndex(&ctx3, get, &index);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// An entry damaged in the store (written behind the service's back, as a
// bad disk or another program would) is never handed out: Lookup and
// LoadProgram drop it and count it; Verify finds the rest.
TEST_F(CacheServiceTest, DamagedEntriesAreDroppedAndCounted) {
  const cache::TbEntry a = MakeEntry(0x1000, 1), b = MakeEntry(0x2000, 2), c = MakeEntry(0x3000, 3);
  Store({cache::EncodeTbEntry(a), cache::EncodeTbEntry(b), cache::EncodeTbEntry(c)}, ProgramKey(1));
  {
    cache::LmdbStoreOptions options;
    options.dir = store_dir();
    auto store = cache::OpenLmdbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    std::string bad_a = cache::EncodeTbEntry(a);
    bad_a[bad_a.size() / 2] ^= 1;
    std::string c_under_b = cache::EncodeTbEntry(c);  // well-formed, wrong key
    ASSERT_TRUE((*store)->Sweep([](std::string_view, std::string_view) { return false; }).ok());
    ASSERT_TRUE((*store)
                    ->Put({{cache::EncodeTbKey(a.key), bad_a},
                           {cache::EncodeTbKey(b.key), c_under_b},
                           {cache::EncodeTbKey(c.key), cache::EncodeTbEntry(c)}},
                          "")
                    .ok());
  }
  v1::CacheLookupResponse l = Lookup({cache::EncodeTbKey(a.key)});
  EXPECT_EQ(l.entries(0), "");
  EXPECT_EQ(l.rejected(), 1u);
  v1::LoadProgramChunk last;
  std::vector<std::string> loaded = LoadProgram(ProgramKey(1), 0, &last);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0], cache::EncodeTbEntry(c));
  EXPECT_EQ(last.rejected(), 1u);  // b's (a was deleted by the Lookup)
  grpc::ClientContext ctx;
  v1::CacheVerifyResponse v;
  ASSERT_TRUE(stub_->Verify(&ctx, v1::CacheVerifyRequest(), &v).ok());
  EXPECT_EQ(v.checked(), 1u);
  EXPECT_EQ(v.removed(), 0u);
  EXPECT_EQ(Stats().rejected_corrupt(), 2u);
}

TEST_F(CacheServiceTest, EvictAndClear) {
  std::vector<std::string> entries;
  for (int i = 0; i < 10; ++i)
    entries.push_back(cache::EncodeTbEntry(MakeEntry(0x1000 + 4 * i, i)));
  Store(entries, ProgramKey(2));
  const uint64_t one = entries[0].size();
  grpc::ClientContext ctx;
  v1::CacheEvictRequest evict;
  evict.set_target_bytes(one * 4);
  v1::CacheEvictResponse er;
  ASSERT_TRUE(stub_->Evict(&ctx, evict, &er).ok());
  EXPECT_EQ(er.evicted(), 6u);
  EXPECT_EQ(er.bytes(), one * 4);
  grpc::ClientContext ctx2;
  v1::CacheClearResponse cr;
  ASSERT_TRUE(stub_->Clear(&ctx2, v1::CacheClearRequest(), &cr).ok());
  EXPECT_EQ(cr.entries_removed(), 4u);
  EXPECT_EQ(Stats().entries(), 0u);
}

// Preload images beside the store: counted by Stats, a damaged one removed
// by Verify (a whole one kept), all of them removed by Clear.
TEST_F(CacheServiceTest, PreloadImagesAreVerifiedCountedAndCleared) {
  Store({cache::EncodeTbEntry(MakeEntry(0x1000, 1))}, ProgramKey(5));
  auto key_of = [](uint64_t h) {
    const std::string k = ProgramKey(h);
    return *cache::DecodeProgramKey(cache::AsBytes(k));
  };
  cache::PreloadImageWriter good(key_of(5));
  good.Add(MakeEntry(0x1000, 1));
  ASSERT_TRUE(cache::WritePreloadFile(store_dir(), key_of(5), good.Finish()).ok());
  cache::PreloadImageWriter bad(key_of(6));
  bad.Add(MakeEntry(0x2000, 2));
  std::string damaged = bad.Finish();
  damaged[damaged.size() - 20] ^= 1;
  ASSERT_TRUE(cache::WritePreloadFile(store_dir(), key_of(6), damaged).ok());
  EXPECT_EQ(Stats().preload_images(), 2u);
  EXPECT_GT(Stats().preload_bytes(), 0u);
  grpc::ClientContext ctx;
  v1::CacheVerifyResponse v;
  ASSERT_TRUE(stub_->Verify(&ctx, v1::CacheVerifyRequest(), &v).ok());
  EXPECT_EQ(v.images_checked(), 2u);
  EXPECT_EQ(v.images_removed(), 1u);
  EXPECT_TRUE(cache::ReadPreloadFile(store_dir(), key_of(5)).ok());
  EXPECT_EQ(cache::ReadPreloadFile(store_dir(), key_of(6)).status().code(),
            absl::StatusCode::kNotFound);
  grpc::ClientContext ctx2;
  v1::CacheClearResponse cr;
  ASSERT_TRUE(stub_->Clear(&ctx2, v1::CacheClearRequest(), &cr).ok());
  EXPECT_EQ(Stats().preload_images(), 0u);
}

TEST_F(CacheServiceTest, DbtctlCacheCommands) {
  Store({cache::EncodeTbEntry(MakeEntry(0x1000, 1))}, ProgramKey(3));
  const std::string dbtctl = Runfile("clients/dbtctl");
  testing::RunResult r = RunProcess({dbtctl, "--dir=" + dir_.path(), "cache", "stats"});
  EXPECT_EQ(r.wait_status, 0) << r.output;
  EXPECT_NE(r.output.find("entries:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("backend:"), std::string::npos) << r.output;
  r = RunProcess({dbtctl, "--connect=unix:" + socket(), "cache", "verify"});
  EXPECT_EQ(r.wait_status, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"((^|\n)checked:\s+1\n)"))) << r.output;
  r = RunProcess({dbtctl, "--dir=" + dir_.path(), "cache", "evict", "0"});
  EXPECT_EQ(r.wait_status, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"((^|\n)evicted:\s+1\n)"))) << r.output;
  r = RunProcess({dbtctl, "--dir=" + dir_.path(), "cache", "clear"});
  EXPECT_EQ(r.wait_status, 0) << r.output;
  r = RunProcess({dbtctl, "--dir=" + dir_.path(), "cache", "evict", "lots"});
  EXPECT_EQ(WEXITSTATUS(r.wait_status), 2) << r.output;
  r = RunProcess({dbtctl, "--dir=" + dir_.path(), "cache", "frobnicate"});
  EXPECT_EQ(WEXITSTATUS(r.wait_status), 2) << r.output;
}

// A store others can write is refused: the service runs, and every RPC
// says why.
TEST_F(CacheServiceTest, OpenStoreIsRefusedWithTheReason) {
  Stop();
  const std::string open_dir = dir_.path() + "/open";
  ASSERT_EQ(mkdir(open_dir.c_str(), 0777), 0);
  ASSERT_EQ(chmod(open_dir.c_str(), 0777), 0);
  Start(open_dir);
  grpc::ClientContext ctx;
  v1::CacheStats stats;
  grpc::Status s = stub_->Stats(&ctx, v1::CacheStatsRequest(), &stats);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("can be written by other users"), std::string::npos)
      << s.error_message();
  EXPECT_FALSE(testing::PathExists(open_dir + "/data.mdb"));
}

}  // namespace
}  // namespace dbt
