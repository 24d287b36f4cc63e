// policy/ast.h — the syntax tree of a policy file, exactly as written.
//
// Every node carries the location of its source text. Nothing here is resolved or checked
// beyond syntax: names are strings, values are as written (with their units applied). The
// resolver (resolve.h) turns this into the system model.
#ifndef SEPTUM_POLICY_AST_H_
#define SEPTUM_POLICY_AST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/source.h"

namespace septum::policy::ast {

struct Name {
  std::string text;
  Loc loc;
};

// Values carry `ok = false` when the lexer or parser already reported them as unusable
// (overflow, missing unit): later phases skip them without a second report.
struct Integer {
  uint64_t value = 0;
  Loc loc;
  bool ok = true;
};

// A size in bytes: an integer with an optional unit B, KiB, MiB, GiB (applied).
struct Size {
  uint64_t bytes = 0;
  Loc loc;
  bool ok = true;
};

// A duration in microseconds: an integer with a unit us, ms or s (applied).
struct Duration {
  uint64_t micros = 0;
  Loc loc;
  bool ok = true;
};

struct Pci {
  uint32_t bus = 0, device = 0, function = 0;
  Loc loc;
};

// `memory [NAME] [size S] [at A] [map G] [PERMS];` — used by platform, kernel and domains.
// Device MMIO (`mmio at A size S;`) uses the same node without name, map or perms.
struct Memory {
  Loc loc;  // the whole statement
  std::optional<Name> name;
  std::optional<Size> size;
  std::optional<Integer> at;
  std::optional<Integer> map;
  std::optional<Name> perms;
};

struct Platform {
  Loc loc;
  std::optional<Integer> cpus;
  std::vector<Memory> memory;
  std::optional<Name> iommu;
};

struct Kernel {
  Loc loc;
  std::optional<Memory> memory;
  std::optional<Name> console;
};

struct IoRange {
  Loc loc;
  Integer first, last;
};

struct Device {
  Loc loc;
  Name name;
  std::vector<IoRange> io;
  std::vector<Integer> irqs;
  std::vector<Pci> pci;
  std::vector<Memory> mmio;
  std::optional<Loc> dma;
};

struct Control {
  Loc loc;
  std::vector<Name> targets;
  std::vector<Name> rights;
};

// A list option with its statement location (e.g. `cpus 0, 1;`).
template <typename T>
struct List {
  Loc loc;
  std::vector<T> items;
};

struct Domain {
  Loc loc;
  Name name;
  std::optional<Name> type;
  std::optional<Name> image;  // text = the string's value
  std::optional<List<Integer>> cpus;
  std::vector<Memory> memory;
  std::vector<List<Name>> devices;
  std::vector<List<Name>> hypercalls;
  std::vector<Control> control;
  std::vector<Name> labels;
  std::optional<Name> on_fault;
  std::optional<Name> boot;
};

struct Endpoint {
  Loc loc;
  Name domain;
  std::optional<Integer> map;
};

struct Channel {
  Loc loc;
  Name name;
  std::optional<Endpoint> writer;
  std::optional<Endpoint> reader;
  std::optional<Size> size;
  std::optional<Integer> at;
  std::optional<Loc> notify;
};

struct Slot {
  Loc loc;
  Name domain;  // or `idle`
  Duration duration;
};

struct CpuPlan {
  Loc loc;
  Integer cpu;
  std::vector<Slot> slots;
};

struct Schedule {
  Loc loc;
  std::optional<Duration> major;
  std::vector<CpuPlan> cpus;
};

struct Assert {
  enum class Kind { kNoFlow, kIsolated };
  Loc loc;
  Kind kind = Kind::kNoFlow;
  Name from;
  std::optional<Name> to;
};

struct System {
  Loc loc;
  Name name;
  std::optional<Platform> platform;
  std::optional<Kernel> kernel;
  std::vector<Device> devices;
  std::vector<Domain> domains;
  std::vector<Channel> channels;
  std::optional<Schedule> schedule;
  std::vector<Assert> asserts;
};

struct File {
  std::optional<System> system;
};

}  // namespace septum::policy::ast

#endif  // SEPTUM_POLICY_AST_H_
