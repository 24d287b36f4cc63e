// kernel/core/system_testing.h — test only: a System of a few domains on the host, each with its
// own CPU idling in its slot (so a kick for domain d reaches CPU d), and the machine hooks
// recorded: CPUs kicked, I/O APIC lines masked and unmasked.
#ifndef SEPTUM_KERNEL_CORE_SYSTEM_TESTING_H_
#define SEPTUM_KERNEL_CORE_SYSTEM_TESTING_H_

#include <memory>
#include <utility>
#include <vector>

#include "kernel/core/system.h"

namespace septum {

struct TestSystem {
  // `count` domains (records indexed 0..count-1, every hypercall group, runnable), the nested
  // tables' root and memory of each `memory` / `root` (format NPT).
  explicit TestSystem(uint32_t count, PhysicalMemory memory = {}, uint64_t root = 0)
      : records(count), domains(count), cpus(count), system(std::make_unique<System>()) {
    for (uint32_t i = 0; i < count; ++i) {
      records[i].index = i;
      records[i].hypercalls = tables::kAllHypercallGroups;
      records[i].npt_root = root;
      cpus[i].index = i;
      cpus[i].idle_in = i;
    }
    system->hooks.kick = [](void* context, uint32_t cpu) { static_cast<TestSystem*>(context)->kicked.push_back(cpu); };
    system->hooks.mask_irq = [](void* context, uint32_t gsi, bool masked) {
      static_cast<TestSystem*>(context)->masks.emplace_back(gsi, masked);
    };
    system->hooks.context = this;
    for (uint32_t i = 0; i < count; ++i) {
      domains[i].record = &records[i];
      domains[i].ctx = MakeDomainContext(records[i], memory, paging::Format::kNpt);
      domains[i].status = DomainStatus::kRunnable;
    }
    Bind();
  }

  // Points the system at the vectors (again, after a test changed them).
  void Bind() {
    system->domains = Span<Domain>(domains.data(), domains.size());
    system->cpus = Span<Cpu>(cpus.data(), cpus.size());
    system->rights = Span<const tables::ControlRight>(rights.data(), rights.size());
    system->channels = Span<const tables::ChannelRecord>(channels.data(), channels.size());
    doorbells.resize(channels.size());
    system->doorbells = Span<uint64_t>(doorbells.data(), doorbells.size());
    system->routes = Span<const tables::IrqRoute>(routes.data(), routes.size());
  }

  std::vector<tables::DomainRecord> records;
  std::vector<Domain> domains;
  std::vector<Cpu> cpus;
  std::vector<tables::ControlRight> rights;
  std::vector<tables::ChannelRecord> channels;
  std::vector<uint64_t> doorbells;
  std::vector<tables::IrqRoute> routes;
  std::unique_ptr<System> system;
  std::vector<uint32_t> kicked;                  // CPUs, in order
  std::vector<std::pair<uint32_t, bool>> masks;  // (GSI, masked), in order
};

}  // namespace septum

#endif  // SEPTUM_KERNEL_CORE_SYSTEM_TESTING_H_
