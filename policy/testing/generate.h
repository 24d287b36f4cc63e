// policy/testing/generate.h — generated, accepted policies of any size (for benchmarks and
// scale tests; the proofs' benchmarks use the same generator).
//
// The system: `cpus` CPUs, two RAM banks, a control domain d0 that may start and stop the next
// 15 domains, `regions` regions per domain (the first placed by the compiler, the others at
// fixed addresses in the second bank, mapped at fixed guest addresses), a channel from every
// even domain to the next odd one, a device with an I/O range for every domain (and an IRQ,
// 32..223, for the first 192: the IRQs a domain can be sent), a schedule giving every domain 100 us on its CPU, and `assert no flow` from
// each odd domain back to its writer (true: readers have no outgoing flows). Kernel memory grows
// with the domain count so the compiled tables blob fits in it. Every size is accepted by the
// front end and compiles (generate_test).
#ifndef SEPTUM_POLICY_TESTING_GENERATE_H_
#define SEPTUM_POLICY_TESTING_GENERATE_H_

#include <cstdint>
#include <string>

namespace septum::policy::testing {

struct GenerateOptions {
  uint32_t domains = 16;
  uint32_t regions = 4;  // per domain, at least 1
  uint32_t cpus = 4;
};

std::string GeneratePolicy(const GenerateOptions& options);

}  // namespace septum::policy::testing

#endif  // SEPTUM_POLICY_TESTING_GENERATE_H_
