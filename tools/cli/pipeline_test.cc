// tools/cli/pipeline_test.cc — the pipeline's steps and where each one stops: a file that
// cannot be read, a rejected policy, a missing image, and the whole way to a validated blob
// with and without images.
#include "tools/cli/pipeline.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tools/compiler/testing/test_images.h"

namespace septum::cli {
namespace {

namespace fs = std::filesystem;

// A copy of the demo policy in a fresh folder (its images, if asked, next to it).
std::string DemoCopy(const std::string& name, bool with_images) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file("policy/examples/demo.policy", dir / "demo.policy");
  const std::string path = (dir / "demo.policy").string();
  if (with_images) {
    absl::StatusOr<policy::CheckOutcome> out = ReadPolicy(path);
    EXPECT_TRUE(out.ok() && out->accepted());
    EXPECT_TRUE(compiler::testing::WriteTestImages(*out->system));
  }
  return path;
}

TEST(PipelineTest, UnreadableFile) {
  const absl::StatusOr<Checked> c = CheckAndProve("no/such.policy");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("no/such.policy"), absl::string_view::npos) << c.status();
  EXPECT_FALSE(ReadPolicy("no/such.policy").ok());
}

TEST(PipelineTest, RejectedPolicyIsNotProvenAccepted) {
  // A front-end error that is not an isolation property: the proofs do not run.
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = (fs::path(tmp ? tmp : "/tmp") / "bad.policy").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("system x {\n  platform { cpus 0; }\n}\n", f);
    std::fclose(f);
  }
  const absl::StatusOr<Checked> c = CheckAndProve(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->accepted());
  EXPECT_FALSE(c->proved);
  EXPECT_EQ(c->MakeReport().proofs, nullptr);
}

TEST(PipelineTest, AcceptedAndCompiledWithImages) {
  const absl::StatusOr<Checked> c = CheckAndProve(DemoCopy("with", /*with_images=*/true));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->accepted());
  EXPECT_TRUE(c->proved);
  EXPECT_EQ(c->obligations.size(), 9u);
  const Compiled t = CompileProven(*c->outcome.system, /*with_images=*/true);
  ASSERT_TRUE(t.ok()) << t.status;
  EXPECT_EQ(t.images.size(), c->outcome.system->domains.size());
  EXPECT_FALSE(t.blob.empty());
  EXPECT_TRUE(t.validation.ok());
  EXPECT_EQ(t.validation.results.size(), 7u);
  EXPECT_EQ(t.coverage(), 1.0);
}

TEST(PipelineTest, WithoutImages) {
  const absl::StatusOr<Checked> c = CheckAndProve(DemoCopy("without", /*with_images=*/false));
  ASSERT_TRUE(c.ok() && c->accepted());
  const Compiled t = CompileProven(*c->outcome.system, /*with_images=*/false);
  ASSERT_TRUE(t.ok()) << t.status;
  EXPECT_TRUE(t.images.empty());
  EXPECT_TRUE(t.validation.ok());
  EXPECT_EQ(t.coverage(), 1.0);
}

TEST(PipelineTest, MissingImageStopsBeforeTheBlob) {
  const absl::StatusOr<Checked> c = CheckAndProve(DemoCopy("missing", /*with_images=*/false));
  ASSERT_TRUE(c.ok() && c->accepted());
  const Compiled t = CompileProven(*c->outcome.system, /*with_images=*/true);
  EXPECT_EQ(t.failure, Compiled::Failure::kImage);
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(t.failed_domain, 0u);  // the first domain's image is the first one missing
  EXPECT_EQ(t.status.code(), absl::StatusCode::kNotFound) << t.status;
  EXPECT_TRUE(t.images.empty());
  EXPECT_TRUE(t.blob.empty());
  EXPECT_TRUE(t.validation.results.empty());
}

}  // namespace
}  // namespace septum::cli
