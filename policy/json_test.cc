#include "policy/json.h"

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

TEST(JsonTest, Utf8PassesThrough) { EXPECT_EQ(JsonEscape("é→"), "\"é→\""); }

}  // namespace
}  // namespace septum::policy
