// make_test_images POLICY — writes minimal test images (test_images.h) at the paths the policy
// names, so CLI tests can run `septum compile` with images. A test tool, not a guest builder.
#include <iostream>

#include "policy/frontend.h"
#include "tools/compiler/testing/test_images.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_test_images FILE.policy\n";
    return 2;
  }
  const septum::policy::CheckOutcome out = septum::policy::CheckPolicyFile(argv[1]);
  if (!out.model) {
    std::cerr << "make_test_images: the policy does not resolve\n";
    return 1;
  }
  if (!septum::compiler::testing::WriteTestImages(*out.model)) {
    std::cerr << "make_test_images: cannot write an image\n";
    return 2;
  }
  return 0;
}
