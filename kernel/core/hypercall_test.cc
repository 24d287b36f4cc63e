// Hypercalls: a call runs only when its group is granted; every guest buffer is checked through
// the caller's own nested tables before anything moves; console output arrives as sanitized
// lines of bounded length; refusals are counted and change nothing else.
#include "kernel/core/hypercall.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "kernel/abi/version.h"
#include "kernel/core/guest_memory_testing.h"

namespace septum {
namespace {

using hypercall::Number;
using Lines = std::vector<std::pair<std::string, std::string>>;  // (domain, line)

void Collect(void* context, StringView domain, StringView line) {
  static_cast<Lines*>(context)->emplace_back(std::string(domain.data(), domain.size()),
                                             std::string(line.data(), line.size()));
}

// Guest-physical layout of the caller: three pages, then nothing.
constexpr uint64_t kWritable = 0x10000;  // read-write
constexpr uint64_t kReadOnly = 0x11000;  // read-only, right after it
constexpr uint64_t kOther = 0x20000;     // read-write, elsewhere
constexpr uint64_t kUnmapped = 0x12000;

class HypercallTest : public ::testing::Test {
 protected:
  HypercallTest() {
    g_.Map(kWritable, writable_, paging::kRead | paging::kWrite);
    g_.Map(kReadOnly, read_only_, paging::kRead);
    g_.Map(kOther, other_, paging::kRead | paging::kWrite);
    std::memcpy(record_.name, "alpha", 5);
    record_.index = 2;
    record_.hypercalls = tables::kAllHypercallGroups;
    record_.npt_root = g_.root();
    record_.ept_root = 0xdead000;  // not this platform's format: must not be used
    env_.console = ConsoleSink{Collect, &lines_};
    env_.clock = TscClock{1000, 10};          // 10 TSC counts per microsecond
    env_.tsc = 1000 + 1234567;                // 123456.7 us after the start
    env_.restarts = 3;
    env_.slot_end_ns = 123456700 + 77000;     // 77 ticks of 1 us left
  }

  HypercallResult Call(Number number, uint64_t arg0 = 0, uint64_t arg1 = 0) {
    return CallRaw(static_cast<uint64_t>(number), arg0, arg1);
  }
  HypercallResult CallRaw(uint64_t number, uint64_t arg0, uint64_t arg1) {
    return HandleHypercall(Context(), HypercallArgs{number, arg0, arg1, 0}, env_, console_, counters_);
  }
  DomainContext Context() const { return MakeDomainContext(record_, g_.memory(), paging::Format::kNpt); }
  // Writes guest bytes straight into host memory (read-only pages included).
  void Poke(uint64_t host, const std::string& bytes) { std::memcpy(g_.Bytes(host), bytes.data(), bytes.size()); }
  HypercallResult Write(const std::string& text) {
    Poke(other_, text);
    return Call(Number::kConsoleWrite, kOther, text.size());
  }
  std::vector<uint8_t> HostBytes(uint64_t host, size_t size) {
    return std::vector<uint8_t>(g_.Bytes(host), g_.Bytes(host) + size);
  }

  FakeGuestMemory g_{paging::Format::kNpt, 32};
  const uint64_t writable_ = g_.NewPage(), read_only_ = g_.NewPage(), other_ = g_.NewPage();
  tables::DomainRecord record_{};
  HypercallEnvironment env_;
  ConsoleLines console_;
  DomainCounters counters_;
  Lines lines_;
};

TEST_F(HypercallTest, EachGroupIsDeniedWithoutItsBitAndCounted) {
  for (const Number n : {Number::kConsoleWrite, Number::kYield, Number::kTime, Number::kSelfInfo}) {
    record_.hypercalls = tables::kAllHypercallGroups & ~hypercall::GroupOf(n);
    Poke(other_, "x\n");
    const HypercallResult r = Call(n, kOther, n == Number::kConsoleWrite ? 2 : sizeof(hypercall::SelfInfo));
    EXPECT_EQ(r.status, Status::kDenied) << static_cast<int>(n);
    EXPECT_EQ(r.value, 0u);
    EXPECT_FALSE(r.yielded);
  }
  EXPECT_EQ(counters_.hypercalls, 4u);
  EXPECT_EQ(counters_.denied, 4u);
  EXPECT_TRUE(lines_.empty());
  EXPECT_EQ(HostBytes(other_, 2), (std::vector<uint8_t>{'x', '\n'}));  // self_info wrote nothing
}

TEST_F(HypercallTest, UnknownNumbersAreUnsupportedAndCounted) {
  for (const uint64_t n : {uint64_t{0}, uint64_t{5}, ~uint64_t{0}}) {
    const HypercallResult r = CallRaw(n, 0, 0);
    EXPECT_EQ(r.status, Status::kUnsupported);
    EXPECT_EQ(r.value, 0u);
  }
  EXPECT_EQ(counters_.denied, 3u);
}

TEST_F(HypercallTest, TimeAndYield) {
  HypercallResult r = Call(Number::kTime);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, 123456700u);
  EXPECT_FALSE(r.yielded);
  r = Call(Number::kYield);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, 0u);
  EXPECT_TRUE(r.yielded);
  EXPECT_EQ(counters_.hypercalls, 2u);
  EXPECT_EQ(counters_.denied + counters_.failed, 0u);
}

TEST_F(HypercallTest, ConsoleWriteInsideTheCallersMemory) {
  const HypercallResult r = Write("hello\n");
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, 6u);
  EXPECT_EQ(lines_, (Lines{{"alpha", "hello"}}));
}

TEST_F(HypercallTest, ConsoleWriteFromAReadOnlyPageAndAcrossPages) {
  const std::string text(0x300, 'r');  // longer than one stack chunk, across two pages
  Poke(writable_ + 0x1000 - 0x100, text.substr(0, 0x100));
  Poke(read_only_, text.substr(0x100) + "\n");
  const HypercallResult r = Call(Number::kConsoleWrite, kReadOnly - 0x100, text.size() + 1);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, text.size() + 1);
  ASSERT_EQ(lines_.size(), 5u);  // 768 characters: 4 full lines of 160 and 128
  EXPECT_EQ(lines_[4].second, std::string(0x300 - 4 * ConsoleLines::kCapacity, 'r'));
}

TEST_F(HypercallTest, ConsoleWriteRefusesBadBuffers) {
  const uint64_t max = hypercall::kMaxConsoleWrite;
  EXPECT_EQ(Call(Number::kConsoleWrite, kUnmapped - 0x10, 0x20).status, Status::kOutOfRange);  // leaves its memory
  EXPECT_EQ(Call(Number::kConsoleWrite, 0xfffffffffffffff0, 0x20).status, Status::kOutOfRange);  // wraps 2^64
  EXPECT_EQ(Call(Number::kConsoleWrite, kWritable, max + 1).status, Status::kOutOfRange);
  EXPECT_EQ(Call(Number::kConsoleWrite, kWritable, ~uint64_t{0}).status, Status::kOutOfRange);
  EXPECT_EQ(Call(Number::kConsoleWrite, kUnmapped, 1).status, Status::kOutOfRange);
  EXPECT_EQ(counters_.failed, 5u);
  EXPECT_EQ(counters_.denied, 0u);
  EXPECT_TRUE(lines_.empty());
  EXPECT_EQ(console_.pending(), 0u);
  EXPECT_EQ(Call(Number::kConsoleWrite, kWritable, max).status, Status::kOk);  // the longest allowed
}

TEST_F(HypercallTest, ConsoleWriteOfNothing) {
  const HypercallResult r = Call(Number::kConsoleWrite, 0xfffffffffffffff0, 0);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, 0u);
  EXPECT_TRUE(lines_.empty());
}

TEST_F(HypercallTest, LinesSplitAtNewlinesAcrossCalls) {
  ASSERT_EQ(Write("one\ntwo\n\npar").status, Status::kOk);
  EXPECT_EQ(lines_, (Lines{{"alpha", "one"}, {"alpha", "two"}, {"alpha", ""}}));
  ASSERT_EQ(Write("tial\r\nrest").status, Status::kOk);
  EXPECT_EQ(lines_.back().second, "partial");
  console_.Flush(DomainName(record_), env_.console);
  EXPECT_EQ(lines_.back().second, "rest");
  EXPECT_EQ(lines_.size(), 5u);
}

TEST_F(HypercallTest, LongLinesSplitAtCapacity) {
  const std::string full(ConsoleLines::kCapacity, 'a');
  ASSERT_EQ(Write(full + "\n").status, Status::kOk);  // exactly full: still one line
  ASSERT_EQ(Write(full + "bb\n").status, Status::kOk);
  EXPECT_EQ(lines_, (Lines{{"alpha", full}, {"alpha", full}, {"alpha", "bb"}}));
}

TEST_F(HypercallTest, ControlBytesAreSanitized) {
  ASSERT_EQ(Write("\x1b[2Jhi\x07\t\x80\xff~\n").status, Status::kOk);
  EXPECT_EQ(lines_, (Lines{{"alpha", "?[2Jhi????~"}}));
}

TEST_F(HypercallTest, SelfInfo) {
  const HypercallResult r = Call(Number::kSelfInfo, kOther + 8, 4096);  // a larger size is fine
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.value, sizeof(hypercall::SelfInfo));
  hypercall::SelfInfo info;
  std::memcpy(&info, g_.Bytes(other_) + 8, sizeof(info));
  EXPECT_STREQ(reinterpret_cast<const char*>(info.name), "alpha");
  EXPECT_EQ(info.domain, 2u);
  EXPECT_EQ(info.abi_version, kAbiVersion);
  EXPECT_EQ(info.hypercalls, tables::kAllHypercallGroups);
  EXPECT_EQ(info.restarts, 3u);
  EXPECT_EQ(info.slot_ticks_left, 77u);
}

TEST_F(HypercallTest, SelfInfoRefusals) {
  const size_t size = sizeof(hypercall::SelfInfo);
  EXPECT_EQ(Call(Number::kSelfInfo, kOther, size - 1).status, Status::kInvalidArgument);
  EXPECT_EQ(Call(Number::kSelfInfo, kReadOnly, size).status, Status::kDenied);
  EXPECT_EQ(Call(Number::kSelfInfo, kReadOnly - 8, size).status, Status::kDenied);  // half writable
  EXPECT_EQ(Call(Number::kSelfInfo, kOther + 0x1000 - 8, size).status, Status::kOutOfRange);  // half mapped
  EXPECT_EQ(counters_.failed, 4u);
  // Decoding alone refuses them (Perform is never reached with an unchecked buffer).
  EXPECT_EQ(DecodeSelfInfo(Context(), HypercallArgs{4, kReadOnly, size, 0}).status(), Status::kDenied);
  EXPECT_TRUE(DecodeSelfInfo(Context(), HypercallArgs{4, kOther, size, 0}).ok());
  EXPECT_EQ(HostBytes(writable_ + 0x1000 - 8, 8), std::vector<uint8_t>(8, 0));
  EXPECT_EQ(HostBytes(read_only_, 0x1000), std::vector<uint8_t>(0x1000, 0));
  EXPECT_EQ(HostBytes(other_, 0x1000), std::vector<uint8_t>(0x1000, 0));
}

TEST(HypercallContextTest, FormatPicksTheRoot) {
  FakeGuestMemory g(paging::Format::kEpt, 8);
  const uint64_t page = g.NewPage();
  g.Map(0x1000, page, paging::kRead);
  tables::DomainRecord record{};
  record.hypercalls = tables::kGroupConsole;
  record.npt_root = 0xdead000;
  record.ept_root = g.root();
  const DomainContext ctx = MakeDomainContext(record, g.memory(), paging::Format::kEpt);
  EXPECT_EQ(ctx.root, g.root());
  EXPECT_TRUE(DecodeConsoleWrite(ctx, HypercallArgs{1, 0x1000, 16, 0}).ok());
  EXPECT_EQ(DecodeConsoleWrite(ctx, HypercallArgs{1, 0x2000, 16, 0}).status(), Status::kOutOfRange);
  EXPECT_EQ(DomainName(record), StringView(""));
  std::memset(record.name, 'n', sizeof(record.name));  // no NUL: all 32 bytes
  EXPECT_EQ(DomainName(record).size(), 32u);
}

}  // namespace
}  // namespace septum
