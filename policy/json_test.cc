#include "policy/json.h"

#include <cmath>

#include <gtest/gtest.h>

namespace septum::policy {
namespace {

TEST(JsonTest, EscapesAndCommas) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.String("q\"b\\n\n\x01");
  w.Key("list");
  w.BeginArray();
  w.Number(1);
  w.Bool(false);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(w.Take(), R"({"a":"q\"b\\n\n\u0001","list":[1,false,null,{}]})");
}

TEST(JsonTest, FixedDecimals) {
  JsonWriter w;
  w.BeginArray();
  w.Fixed(0.25, 3);
  w.Fixed(1.0, 4);
  w.Fixed(12.3456, 2);
  w.Fixed(std::nan(""), 3);
  w.Fixed(HUGE_VAL, 3);
  w.EndArray();
  EXPECT_EQ(w.Take(), "[0.250,1.0000,12.35,null,null]");
}

// The readable style: spaces after keys and commas, kLines containers one element per line,
// indented by how many kLines containers enclose it; inline containers stay on their line.
TEST(JsonTest, ReadableLayout) {
  using Layout = JsonWriter::Layout;
  JsonWriter w(JsonWriter::Style::kReadable);
  w.BeginObject(Layout::kLines);
  w.Key("name");
  w.String("x");
  w.Key("inline");
  w.BeginObject();
  w.Key("a");
  w.Number(1);
  w.Key("b");
  w.BeginArray();
  w.Bool(true);
  w.Null();
  w.EndArray();
  w.EndObject();
  w.Key("list");
  w.BeginArray(Layout::kLines);
  w.BeginObject();
  w.Key("i");
  w.Number(0);
  w.EndObject();
  w.Number(7);
  w.EndArray();
  w.Key("empty");
  w.BeginArray(Layout::kLines);
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(w.Take(), R"({
  "name": "x",
  "inline": {"a": 1, "b": [true, null]},
  "list": [
    {"i": 0},
    7
  ],
  "empty": []
})");
}

// kLines means nothing in the compact style.
TEST(JsonTest, CompactIgnoresLines) {
  JsonWriter w;
  w.BeginObject(JsonWriter::Layout::kLines);
  w.Key("a");
  w.BeginArray(JsonWriter::Layout::kLines);
  w.Number(1);
  w.Number(2);
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(w.Take(), R"({"a":[1,2]})");
}

TEST(JsonTest, Utf8PassesThrough) { EXPECT_EQ(JsonEscape("é→"), "\"é→\""); }

}  // namespace
}  // namespace septum::policy
