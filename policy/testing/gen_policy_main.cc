// gen_policy — prints a generated policy: gen_policy DOMAINS [REGIONS [CPUS]].
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "policy/testing/generate.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: gen_policy DOMAINS [REGIONS [CPUS]]\n";
    return 2;
  }
  septum::policy::testing::GenerateOptions o;
  o.domains = static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10));
  if (argc > 2) o.regions = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
  if (argc > 3) o.cpus = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
  if (o.domains == 0 || o.domains > 100000 || o.cpus == 0 || o.cpus > 256) {
    std::cerr << "gen_policy: DOMAINS must be 1..100000 and CPUS 1..256\n";
    return 2;
  }
  std::cout << septum::policy::testing::GeneratePolicy(o);
  return 0;
}
