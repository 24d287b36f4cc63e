// policy/resolve.cc — see resolve.h.
#include "policy/resolve.h"

#include <algorithm>
#include <filesystem>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace septum::policy {

Span ToSpan(const Loc& loc) { return Span{loc.line, loc.column, loc.length, loc.offset}; }
Loc ToLoc(const Span& s) { return Loc{s.offset, s.line, s.column, s.length}; }

namespace {

std::string Hex(uint64_t v) { return HexString(v); }

class Resolver {
 public:
  Resolver(const SourceFile& source, Diagnostics* diags) : source_(source), diags_(diags) {}

  System Run(const ast::System& sys) {
    out_.name = sys.name.text;
    out_.source_path = source_.path();
    out_.where = ToSpan(sys.loc);
    DeclareNames(sys);
    ResolvePlatform(sys);
    ResolveKernelMemory(sys);
    for (const ast::Device& d : sys.devices) ResolveDevice(d);
    for (size_t i = 0; i < sys.domains.size(); ++i) ResolveDomain(sys.domains[i], domain_index_[i]);
    ResolveConsole(sys);
    for (size_t i = 0; i < sys.channels.size(); ++i) ResolveChannel(sys.channels[i]);
    ResolveSchedule(sys);
    CheckControlConsistency();
    CheckDma();
    for (const ast::Assert& a : sys.asserts) ResolveAssert(a);
    return std::move(out_);
  }

 private:
  // ---- helpers ----
  Diagnostic& Error(Code code, const Loc& loc, std::string message) {
    return diags_->Error(code, loc, std::move(message));
  }

  // A 4 KiB-aligned, non-empty range that does not pass 2^64 (or `limit`); else reports and
  // returns a size-0 range. `what` names it in messages ("memory `ram`").
  Range CheckedRange(const std::string& what, const ast::Integer& at, const ast::Size& size, uint64_t limit,
                     const char* address_kind) {
    if (!at.ok || !size.ok) return Range{};  // reported by the lexer or parser
    bool ok = CheckedSize(what, size);
    if (at.value % kPageSize != 0) {
      Error(Code::kMisaligned, at.loc, absl::StrCat("the ", address_kind, " address ", Hex(at.value), " of ", what,
                                                    " is not a multiple of 4 KiB"))
          .Help(absl::StrCat("use ", Hex(at.value & ~(kPageSize - 1)), " or ",
                             Hex((at.value | (kPageSize - 1)) + 1)));
      ok = false;
    }
    if (ok && at.value != 0 && size.bytes > ~uint64_t{0} - at.value + 1) {  // base + size > 2^64
      Error(Code::kRangeWraps, SourceFile::Span(at.loc, size.loc),
            absl::StrCat(what, " at ", Hex(at.value), " with size ", Hex(size.bytes),
                         " passes the end of the 64-bit address space"))
          .Help("lower the address or the size");
      ok = false;
    } else if (ok && (at.value > limit || size.bytes > limit - at.value)) {
      Error(Code::kOutOfRange, at.loc,
            absl::StrCat(what, " ends beyond the ", address_kind, " address limit ", Hex(limit)))
          .Help(limit == kMaxGuestAddress ? "guest-physical addresses are limited to 48 bits (4-level nested paging)"
                                          : "host-physical addresses are limited to 52 bits (MAXPHYADDR)");
      ok = false;
    }
    return ok ? Range{at.value, size.bytes} : Range{};
  }

  bool CheckedSize(const std::string& what, const ast::Size& size) {
    if (!size.ok) return false;
    if (size.bytes == 0) {
      Error(Code::kZero, size.loc, absl::StrCat("the size of ", what, " is zero")).Help("give a size of at least 4KiB");
      return false;
    }
    if (size.bytes % kPageSize != 0) {
      Error(Code::kMisaligned, size.loc,
            absl::StrCat("the size of ", what, " (", size.bytes, " bytes) is not a multiple of 4 KiB"))
          .Help(absl::StrCat("use ", ((size.bytes + kPageSize - 1) / kPageSize) * 4, "KiB"));
      return false;
    }
    return true;
  }

  bool CheckedAlignment(const std::string& what, const ast::Integer& addr, const char* kind) {
    if (!addr.ok) return false;
    if (addr.value % kPageSize == 0) return true;
    Error(Code::kMisaligned, addr.loc,
          absl::StrCat("the ", kind, " address ", Hex(addr.value), " of ", what, " is not a multiple of 4 KiB"))
        .Help(absl::StrCat("use ", Hex(addr.value & ~(kPageSize - 1)), " or ", Hex((addr.value | (kPageSize - 1)) + 1)));
    return false;
  }

  // One of `choices`, or E0203 with the choices listed.
  int Choice(const ast::Name& value, absl::string_view what, const std::vector<absl::string_view>& choices,
             Code code = Code::kUnknownValue) {
    for (size_t i = 0; i < choices.size(); ++i) {
      if (value.text == choices[i]) return static_cast<int>(i);
    }
    std::string list;
    for (size_t i = 0; i < choices.size(); ++i) absl::StrAppend(&list, i ? ", " : "", "`", choices[i], "`");
    Error(code, value.loc, absl::StrCat("unknown ", what, " `", value.text, "`"))
        .Help(absl::StrCat("expected one of ", list));
    return -1;
  }

  void Missing(const Loc& where, const std::string& what, const std::string& example) {
    Error(Code::kMissingOption, where, what).Help(example);
  }

  // ---- names ----
  void DeclareNames(const ast::System& sys) {
    auto declare = [&](const ast::Name& name, const char* kind) {
      auto [it, inserted] = names_.try_emplace(name.text, NameEntry{kind, name.loc});
      if (!inserted) {
        Error(Code::kDuplicateName, name.loc,
              absl::string_view(kind) == it->second.kind
                  ? absl::StrCat(kind, " `", name.text, "` is declared twice")
                  : absl::StrCat(kind, " name `", name.text, "` is already used by a ", it->second.kind))
            .AddNote(it->second.loc, absl::StrCat("the ", it->second.kind, " `", name.text, "` is declared here"))
            .Help("domains, devices and channels share one namespace: rename one of them");
        return false;
      }
      return true;
    };
    for (const ast::Device& d : sys.devices) {
      if (!declare(d.name, "device")) continue;
      device_by_name_[d.name.text] = static_cast<uint32_t>(out_.devices.size());
      Device dev;
      dev.name = d.name.text;
      dev.where = ToSpan(d.loc);
      out_.devices.push_back(dev);
    }
    for (const ast::Domain& d : sys.domains) {
      uint32_t index = kNoIndex;
      if (d.name.text == "kernel" || d.name.text == "idle") {
        reserved_.insert(d.name.text);
        Error(Code::kReservedName, d.name.loc, absl::StrCat("`", d.name.text, "` cannot name a domain"))
            .Help(d.name.text == "kernel" ? "`kernel` stands for the separation kernel itself; choose another name"
                                          : "`idle` marks an idle slot in the schedule; choose another name");
      } else if (declare(d.name, "domain")) {
        index = static_cast<uint32_t>(out_.domains.size());
        domain_by_name_[d.name.text] = index;
        Domain dom;
        dom.name = d.name.text;
        dom.where = ToSpan(d.loc);
        out_.domains.push_back(dom);
      }
      domain_index_.push_back(index);
    }
    for (const ast::Channel& c : sys.channels) declare(c.name, "channel");
  }

  uint32_t LookupDomain(const ast::Name& name, const std::string& context) {
    auto it = domain_by_name_.find(name.text);
    if (it != domain_by_name_.end()) return it->second;
    if (reserved_.contains(name.text)) return kNoIndex;  // declared as a domain: reported there
    Diagnostic& d = Error(Code::kUndeclaredDomain, name.loc, absl::StrCat("no domain named `", name.text, "`", context));
    if (name.text == "kernel") {
      d.Help("the kernel is not a domain");
    } else {
      d.Help(Suggest(name.text, domain_by_name_, "declare it with `domain NAME { ... }`"));
    }
    return kNoIndex;
  }

  uint32_t LookupDevice(const ast::Name& name) {
    auto it = device_by_name_.find(name.text);
    if (it != device_by_name_.end()) return it->second;
    Error(Code::kUndeclaredDevice, name.loc, absl::StrCat("no device named `", name.text, "`"))
        .Help(Suggest(name.text, device_by_name_, "declare it with `device NAME { ... }`"));
    return kNoIndex;
  }

  static std::string Suggest(const std::string& name, const absl::flat_hash_map<std::string, uint32_t>& known,
                             const std::string& fallback) {
    std::string best;
    for (const auto& [candidate, index] : known) {
      (void)index;
      if (candidate.size() + 2 < name.size() || name.size() + 2 < candidate.size()) continue;
      // cheap similarity: same length +-2 and shares a 3-letter prefix or differs by case
      if (candidate.substr(0, 3) == name.substr(0, 3) && (best.empty() || candidate < best)) best = candidate;
    }
    return best.empty() ? fallback : absl::StrCat("did you mean `", best, "`?");
  }

  // ---- platform and kernel ----
  void ResolvePlatform(const ast::System& sys) {
    if (!sys.platform) {
      Missing(sys.name.loc, absl::StrCat("system `", sys.name.text, "` has no platform"),
              "add `platform { cpus N; memory at ADDRESS size SIZE; }`");
      return;
    }
    const ast::Platform& p = *sys.platform;
    out_.platform.where = ToSpan(p.loc);
    if (!p.cpus) {
      Missing(p.loc, "the platform does not say how many CPUs it has", "add `cpus N;`");
    } else if (p.cpus->value == 0 || p.cpus->value > 256) {
      Error(Code::kOutOfRange, p.cpus->loc, absl::StrCat("a platform has 1 to 256 CPUs, not ", p.cpus->value))
          .Help("give the number of CPUs the machine has, e.g. `cpus 2;`");
    } else {
      out_.platform.cpus = static_cast<uint32_t>(p.cpus->value);
    }
    if (p.memory.empty()) {
      Missing(p.loc, "the platform has no RAM", "add `memory at 0x0 size 512MiB;` (one line per bank)");
    }
    for (const ast::Memory& m : p.memory) {
      if (!m.at || !m.size) {
        Missing(m.loc, "platform memory needs `at` and `size`", "e.g. `memory at 0x0 size 512MiB;`");
        continue;
      }
      const Range r = CheckedRange("platform memory", *m.at, *m.size, kMaxHostAddress, "host-physical");
      if (r.size) out_.platform.ram.push_back(RamBank{r, ToSpan(m.loc)});
    }
    if (p.iommu) {
      const int kind = Choice(*p.iommu, "IOMMU kind", {"none", "amd-vi", "vt-d"});
      if (kind >= 0) out_.platform.iommu = static_cast<Iommu>(kind);
    }
  }

  void ResolveKernelMemory(const ast::System& sys) {
    if (!sys.kernel) {
      Missing(sys.name.loc, absl::StrCat("system `", sys.name.text, "` has no kernel item"),
              "add `kernel { memory at 0x100000 size 8MiB; }`: the kernel's own memory");
      return;
    }
    const ast::Kernel& k = *sys.kernel;
    out_.kernel.where = ToSpan(k.loc);
    if (!k.memory || !k.memory->at || !k.memory->size) {
      Missing(k.memory ? k.memory->loc : k.loc, "the kernel's memory needs `at` and `size`",
              "e.g. `memory at 0x100000 size 8MiB;`");
      return;
    }
    out_.kernel.memory = CheckedRange("kernel memory", *k.memory->at, *k.memory->size, kMaxHostAddress, "host-physical");
    out_.kernel.memory_where = ToSpan(k.memory->loc);
  }

  void ResolveConsole(const ast::System& sys) {
    if (!sys.kernel || !sys.kernel->console) return;
    const ast::Name& name = *sys.kernel->console;
    const uint32_t dev = LookupDevice(name);
    if (dev == kNoIndex) return;
    out_.kernel.console = dev;  // the kernel's claim, kept even when a domain claimed it first
    Claim(dev, Owner{Owner::Kind::kKernel, kNoIndex, ToSpan(name.loc)}, name.loc);
  }

  // ---- devices ----
  void ResolveDevice(const ast::Device& d) {
    auto it = device_by_name_.find(d.name.text);
    if (it == device_by_name_.end() || out_.devices[it->second].where.offset != d.loc.offset) return;  // duplicate
    Device& dev = out_.devices[it->second];
    const std::string what = absl::StrCat("device `", d.name.text, "`");
    for (const ast::IoRange& io : d.io) {
      bool ok = true;
      for (const ast::Integer* port : {&io.first, &io.last}) {
        if (port->value > 0xffff) {
          Error(Code::kOutOfRange, port->loc, absl::StrCat("I/O port ", Hex(port->value), " is above 0xffff"))
              .Help("x86 I/O ports are 0x0 to 0xffff");
          ok = false;
        }
      }
      if (ok && io.first.value > io.last.value) {
        Error(Code::kReversedRange, io.loc,
              absl::StrCat("I/O range ", Hex(io.first.value), " .. ", Hex(io.last.value), " ends before it starts"))
            .Help(absl::StrCat("write `io ", Hex(io.last.value), " .. ", Hex(io.first.value), ";`"));
        ok = false;
      }
      if (ok) dev.ports.push_back(PortRange{static_cast<uint32_t>(io.first.value), static_cast<uint32_t>(io.last.value), ToSpan(io.loc)});
    }
    for (const ast::Integer& irq : d.irqs) {
      if (irq.value > 255) {
        Error(Code::kOutOfRange, irq.loc, absl::StrCat("IRQ ", irq.value, " is above 255"))
            .Help("IRQs are global system interrupts 0 to 255");
        continue;
      }
      dev.irqs.push_back(Irq{static_cast<uint32_t>(irq.value), ToSpan(irq.loc)});
    }
    for (size_t i = 0; i < d.pci.size(); ++i) {
      const ast::Pci& p = d.pci[i];
      if (i > 0) {
        Error(Code::kDuplicateOption, p.loc, absl::StrCat(what, " has a second PCI address"))
            .AddNote(d.pci[0].loc, "the first is here")
            .Help("a device has one PCI function; declare another device for another function");
        continue;
      }
      if (p.device > 0x1f || p.function > 7) {
        Error(Code::kOutOfRange, p.loc,
              absl::StrFormat("PCI address %02x:%02x.%x is out of range", p.bus, p.device, p.function))
            .Help("the device number is at most 1f and the function at most 7");
        continue;
      }
      dev.pci = PciBdf{p.bus, p.device, p.function, ToSpan(p.loc)};
    }
    for (const ast::Memory& m : d.mmio) {
      if (!m.at || !m.size) {
        Missing(m.loc, absl::StrCat("MMIO of ", what, " needs `at` and `size`"), "e.g. `mmio at 0xfea00000 size 1MiB;`");
        continue;
      }
      const Range r = CheckedRange(absl::StrCat("MMIO of ", what), *m.at, *m.size, kMaxHostAddress, "host-physical");
      if (r.size) dev.mmio.push_back(Mmio{r, ToSpan(m.loc)});
    }
    if (d.dma) {
      dev.dma = true;
      if (d.pci.empty()) {
        Error(Code::kDmaWithoutPci, *d.dma, absl::StrCat(what, " does DMA but has no PCI address"))
            .Help("the IOMMU confines a device by its PCI address: add `pci BB:DD.F;`");
      }
      dma_devices_.push_back({it->second, *d.dma});
    }
  }

  // Records that `who` owns device `dev`; a second owner is E0505 / E0506.
  void Claim(uint32_t dev, const Owner& who, const Loc& at) {
    Device& d = out_.devices[dev];
    if (d.owner.kind == Owner::Kind::kNone) {
      d.owner = who;
      return;
    }
    auto owner_name = [&](const Owner& o) {
      return o.kind == Owner::Kind::kKernel ? std::string("the kernel (its console)")
                                            : absl::StrCat("domain `", out_.domains[o.domain].name, "`");
    };
    if (d.owner.kind == who.kind && d.owner.domain == who.domain) {
      Error(Code::kListedTwice, at, absl::StrCat("device `", d.name, "` is claimed twice by ", owner_name(who)))
          .AddNote(ToLoc(d.owner.where), "first claimed here");
      return;
    }
    const bool kernel_involved = d.owner.kind == Owner::Kind::kKernel || who.kind == Owner::Kind::kKernel;
    Error(kernel_involved ? Code::kDeviceKernelAndDomain : Code::kDeviceTwoOwners, at,
          absl::StrCat("device `", d.name, "` is claimed by ", owner_name(who), " but already owned by ",
                       owner_name(d.owner)))
        .AddNote(ToLoc(d.owner.where), absl::StrCat(owner_name(d.owner), " claims it here"))
        .Help(kernel_involved ? "the kernel's console device belongs to the kernel alone: give the domain another device"
                              : "device ownership is exclusive: remove it from one of the domains");
  }

  // ---- domains ----
  void ResolveDomain(const ast::Domain& d, uint32_t index) {
    if (index == kNoIndex) return;  // reserved or duplicate name: reported already
    Domain& dom = out_.domains[index];
    const std::string what = absl::StrCat("domain `", d.name.text, "`");
    if (!d.type) {
      Missing(d.name.loc, absl::StrCat(what, " has no type"), "add `type pv;` or `type hvm;`");
    } else {
      const int t = Choice(*d.type, "domain type", {"pv", "hvm"});
      if (t >= 0) dom.type = static_cast<DomainType>(t);
    }
    if (!d.image) {
      Missing(d.name.loc, absl::StrCat(what, " has no image"), "add `image \"guests/NAME.elf\";` (relative to the policy file)");
    } else if (d.image->text.empty()) {
      Error(Code::kUnknownValue, d.image->loc, absl::StrCat("the image path of ", what, " is empty"));
    } else {
      dom.image = d.image->text;
      const std::filesystem::path base = std::filesystem::path(source_.path()).parent_path();
      dom.image_path = (base / d.image->text).lexically_normal().string();
    }
    if (!d.cpus) {
      Missing(d.name.loc, absl::StrCat(what, " has no CPUs"), "add `cpus 0;` (a list of the platform's CPUs)");
    } else {
      dom.cpus_where = ToSpan(d.cpus->loc);
      for (const ast::Integer& c : d.cpus->items) {
        if (out_.platform.cpus != 0 && c.value >= out_.platform.cpus) {
          Error(Code::kCpuOutOfRange, c.loc,
                absl::StrCat("CPU ", c.value, " does not exist: the platform has ", out_.platform.cpus, " CPUs (0 to ",
                             out_.platform.cpus - 1, ")"))
              .Help("use one of the platform's CPUs, or raise `cpus` in `platform`");
          continue;
        }
        if (std::find(dom.cpus.begin(), dom.cpus.end(), c.value) != dom.cpus.end()) {
          Error(Code::kListedTwice, c.loc, absl::StrCat("CPU ", c.value, " is listed twice")).Help("list each CPU once");
          continue;
        }
        dom.cpus.push_back(static_cast<uint32_t>(c.value));
      }
      std::sort(dom.cpus.begin(), dom.cpus.end());
    }
    if (d.memory.empty()) {
      Missing(d.name.loc, absl::StrCat(what, " has no memory"), "add e.g. `memory ram size 16MiB rwx;`");
    }
    absl::flat_hash_map<std::string, Loc> region_names;
    for (const ast::Memory& m : d.memory) ResolveRegion(m, index, what, &region_names);
    for (const ast::List<ast::Name>& list : d.devices) {
      for (const ast::Name& n : list.items) {
        const uint32_t dev = LookupDevice(n);
        if (dev == kNoIndex) continue;
        Claim(dev, Owner{Owner::Kind::kDomain, index, ToSpan(n.loc)}, n.loc);
        // Every claim stays in the model (Device::owner is the first), so the proofs see a
        // second owner even though it is reported here too.
        if (std::find(dom.devices.begin(), dom.devices.end(), dev) == dom.devices.end()) dom.devices.push_back(dev);
      }
    }
    for (const ast::List<ast::Name>& list : d.hypercalls) {
      if (!dom.hypercalls_where.line) dom.hypercalls_where = ToSpan(list.loc);
      for (const ast::Name& n : list.items) {
        const int g = Choice(n, "hypercall group", {"console", "yield", "time", "channel", "control"});
        if (g < 0) continue;
        const uint8_t bit = static_cast<uint8_t>(1u << g);
        if (dom.hypercalls & bit) {
          Error(Code::kListedTwice, n.loc, absl::StrCat("hypercall group `", n.text, "` is listed twice"))
              .Help("list each group once");
        }
        dom.hypercalls |= bit;
      }
    }
    for (const ast::Control& c : d.control) ResolveControl(c, index);
    for (const ast::Name& l : d.labels) {
      auto clash = names_.find(l.text);
      if (clash != names_.end()) {
        Error(Code::kDuplicateName, l.loc, absl::StrCat("label `", l.text, "` has the name of a ", clash->second.kind))
            .AddNote(clash->second.loc, absl::StrCat("the ", clash->second.kind, " `", l.text, "` is declared here"))
            .Help("assertions name domains and labels alike: give the label another name");
        continue;
      }
      if (std::find(dom.labels.begin(), dom.labels.end(), l.text) == dom.labels.end()) dom.labels.push_back(l.text);
    }
    if (d.on_fault) {
      const int a = Choice(*d.on_fault, "fault action", {"stop", "restart"});
      if (a >= 0) dom.on_fault = static_cast<FaultAction>(a);
    }
    if (d.boot) {
      const int b = Choice(*d.boot, "boot setting", {"yes", "no"});
      if (b >= 0) dom.boot = b == 0;
    }
    control_lines_.push_back({index, d.control.empty() ? Loc{} : d.control.front().loc});
  }

  void ResolveRegion(const ast::Memory& m, uint32_t domain, const std::string& owner,
                     absl::flat_hash_map<std::string, Loc>* names) {
    const std::string what = absl::StrCat("memory `", m.name->text, "` of ", owner);
    auto [it, inserted] = names->try_emplace(m.name->text, m.name->loc);
    if (!inserted) {
      Error(Code::kDuplicateName, m.name->loc, absl::StrCat(owner, " has two memory regions named `", m.name->text, "`"))
          .AddNote(it->second, "the first is declared here")
          .Help("region names are unique within a domain: rename one");
      return;
    }
    Region r;
    r.name = m.name->text;
    r.domain = domain;
    r.where = ToSpan(m.loc);
    if (!m.perms) {
      Missing(m.loc, absl::StrCat(what, " has no permissions"), "end the line with `r`, `rw`, `rx` or `rwx`");
    } else {
      const int p = Choice(*m.perms, "permission set", {"r", "rw", "rx", "rwx"}, Code::kBadPermissions);
      static constexpr uint8_t kPerms[] = {kRead, kRead | kWrite, kRead | kExec, kRead | kWrite | kExec};
      if (p >= 0) r.perms = kPerms[p];
    }
    if (!m.size) {
      Missing(m.loc, absl::StrCat(what, " has no size"), "add e.g. `size 16MiB`");
    } else if (m.at) {
      r.host = CheckedRange(what, *m.at, *m.size, kMaxHostAddress, "host-physical");
    } else if (CheckedSize(what, *m.size)) {
      r.host = Range{0, m.size->bytes};
      r.host_placed = true;
    }
    if (m.map) {
      if (r.host.size) {
        const Range g = CheckedRange(what, *m.map, ast::Size{r.host.size, m.size->loc}, kMaxGuestAddress, "guest-physical");
        if (!g.size) r.host.size = 0;
        r.guest = g.base;
      } else {
        CheckedAlignment(what, *m.map, "guest-physical");
      }
    } else {
      r.guest_placed = true;
    }
    out_.domains[domain].regions.push_back(static_cast<uint32_t>(out_.regions.size()));
    out_.regions.push_back(r);
  }

  void ResolveControl(const ast::Control& c, uint32_t holder) {
    uint8_t rights = 0;
    for (const ast::Name& n : c.rights) {
      const int r = Choice(n, "right", {"start", "stop", "pause", "resume", "query"});
      if (r < 0) continue;
      const uint8_t bit = static_cast<uint8_t>(1u << r);
      if (rights & bit) {
        Error(Code::kListedTwice, n.loc, absl::StrCat("right `", n.text, "` is listed twice")).Help("list each right once");
      }
      rights |= bit;
    }
    absl::flat_hash_set<std::string> targets_seen;
    for (const ast::Name& t : c.targets) {
      if (!targets_seen.insert(t.text).second) {
        Error(Code::kListedTwice, t.loc, absl::StrCat("`", t.text, "` is listed twice")).Help("list each target once");
        continue;
      }
      // Rights over the kernel or over oneself are reported, and kept in the model (target
      // kKernelTarget / the holder itself) so the proofs see them too.
      uint32_t target;
      if (t.text == "kernel") {
        Error(Code::kRightOverKernel, t.loc, "a domain cannot hold rights over the kernel")
            .Help("rights name domains only; remove `kernel`");
        target = kKernelTarget;
      } else {
        target = LookupDomain(t, " to hold rights over");
        if (target == kNoIndex) continue;
        if (target == holder) {
          Error(Code::kRightOverSelf, t.loc, absl::StrCat("domain `", t.text, "` cannot hold rights over itself"))
              .Help("remove it from its own `control` line");
        }
      }
      if (rights == 0) continue;
      // Several lines for one target merge.
      auto existing = std::find_if(out_.grants.begin(), out_.grants.end(),
                                   [&](const ControlGrant& g) { return g.holder == holder && g.target == target; });
      if (existing != out_.grants.end()) {
        existing->rights |= rights;
      } else {
        out_.grants.push_back(ControlGrant{holder, target, rights, ToSpan(c.loc)});
      }
    }
  }

  void CheckControlConsistency() {
    for (const Domain& d : out_.domains) {
      if (d.boot) continue;
      const uint32_t index = static_cast<uint32_t>(&d - out_.domains.data());
      const bool startable = std::any_of(out_.grants.begin(), out_.grants.end(), [&](const ControlGrant& g) {
        return g.target == index && (g.rights & kRightStart);
      });
      if (!startable) {
        diags_->Warning(Code::kNeverStarted, ToLoc(d.where),
                        absl::StrCat("domain `", d.name, "` does not start at boot and no domain may start it"))
            .Help(absl::StrCat("give a control domain `control ", d.name, " : start;`, or remove `boot no;`"));
      }
    }
    for (const auto& [domain, first_control] : control_lines_) {
      const Domain& d = out_.domains[domain];
      const bool has_group = d.hypercalls & kHcControl;
      if (has_group && !first_control.valid()) {
        Error(Code::kControlWithoutLines, ToLoc(d.hypercalls_where),
              absl::StrCat("domain `", d.name, "` may make control hypercalls but holds no rights"))
            .Help("add `control TARGET : RIGHT, ...;` or remove `control` from its hypercalls");
      } else if (!has_group && first_control.valid()) {
        Diagnostic& e = Error(Code::kLinesWithoutControl, first_control,
                              absl::StrCat("domain `", d.name, "` holds control rights but may not make control hypercalls"));
        if (d.hypercalls_where.line) e.AddNote(ToLoc(d.hypercalls_where), "its hypercall groups are listed here");
        e.Help("add `control` to its `hypercalls` line, or remove the `control` lines");
      }
    }
  }

  // ---- channels ----
  void ResolveChannel(const ast::Channel& c) {
    auto it = names_.find(c.name.text);
    if (it == names_.end() || it->second.loc.offset != c.name.loc.offset) return;  // duplicate name
    Channel ch;
    ch.name = c.name.text;
    ch.where = ToSpan(c.loc);
    ch.notify = c.notify.has_value();
    const std::string what = absl::StrCat("channel `", c.name.text, "`");
    bool ok = true;
    if (!c.size) {
      Missing(c.name.loc, absl::StrCat(what, " has no size"), "add e.g. `size 4KiB;`");
      ok = false;
    }
    for (const auto& [end, role, perms] :
         {std::tuple{&c.writer, "writer", static_cast<uint8_t>(kRead | kWrite)}, std::tuple{&c.reader, "reader", static_cast<uint8_t>(kRead)}}) {
      ChannelEnd& e = absl::string_view(role) == "writer" ? ch.writer : ch.reader;
      e.perms = perms;
      if (!*end) {
        Missing(c.name.loc, absl::StrCat(what, " has no ", role), absl::StrCat("add `", role, " DOMAIN;`"));
        ok = false;
        continue;
      }
      e.where = ToSpan((*end)->loc);
      e.domain = LookupDomain((*end)->domain, absl::StrCat(" to be the ", role, " of ", what));
      if (e.domain == kNoIndex) ok = false;
      if ((*end)->map) {
        e.guest = (*end)->map->value;
        if (c.size && c.size->ok && c.size->bytes && c.size->bytes % kPageSize == 0) {
          const Range g = CheckedRange(absl::StrCat("the ", role, "'s mapping of ", what), *(*end)->map, *c.size,
                                       kMaxGuestAddress, "guest-physical");
          if (!g.size) ok = false;
        } else {
          CheckedAlignment(absl::StrCat("the ", role, "'s mapping of ", what), *(*end)->map, "guest-physical");
        }
      } else {
        e.guest_placed = true;
      }
    }
    if (ok && ch.writer.domain == ch.reader.domain) {
      Error(Code::kSameEndpoints, ToLoc(ch.reader.where), absl::StrCat(what, " has the same domain at both ends"))
          .AddNote(ToLoc(ch.writer.where), "the writer is here")
          .Help("a channel connects two different domains; use a memory region for a domain's own buffer");
      ok = false;
    }
    if (c.size) {
      if (c.at) {
        ch.host = CheckedRange(what, *c.at, *c.size, kMaxHostAddress, "host-physical");
      } else if (CheckedSize(what, *c.size)) {
        ch.host = Range{0, c.size->bytes};
        ch.host_placed = true;
      }
    }
    if (!ok) ch.host.size = 0;
    out_.channels.push_back(ch);
  }

  // ---- schedule ----
  void ResolveSchedule(const ast::System& sys) {
    if (!sys.schedule) {
      if (!out_.domains.empty()) {
        Error(Code::kNoSchedule, sys.name.loc, absl::StrCat("system `", sys.name.text, "` has domains but no schedule"))
            .Help("add `schedule { major 10ms; cpu 0 { DOMAIN 10ms; } }`: a domain runs only in its slots");
      }
      return;
    }
    const ast::Schedule& s = *sys.schedule;
    Schedule& out = out_.schedule;
    out.where = ToSpan(s.loc);
    if (!s.major) {
      Missing(s.loc, "the schedule has no major frame", "add `major 10ms;`");
    } else if (!s.major->ok) {
      // reported by the parser
    } else if (s.major->micros == 0) {
      Error(Code::kZero, s.major->loc, "the major frame is zero").Help("give it a length, e.g. `major 10ms;`");
    } else {
      out.major_micros = s.major->micros;
    }
    std::vector<bool> scheduled(out_.domains.size(), false);
    absl::flat_hash_map<uint64_t, Loc> planned;
    for (const ast::CpuPlan& p : s.cpus) {
      // A plan that is dropped (no such CPU, CPU planned twice) still names its domains, so
      // they are not also reported as never scheduled.
      auto mark_scheduled = [&] {
        for (const ast::Slot& sl : p.slots) {
          auto found = domain_by_name_.find(sl.domain.text);
          if (found != domain_by_name_.end()) scheduled[found->second] = true;
        }
      };
      if (out_.platform.cpus != 0 && p.cpu.value >= out_.platform.cpus) {
        Error(Code::kCpuOutOfRange, p.cpu.loc,
              absl::StrCat("CPU ", p.cpu.value, " does not exist: the platform has ", out_.platform.cpus, " CPUs"))
            .Help(absl::StrCat("CPUs are numbered 0 to ", out_.platform.cpus - 1, "; raise `cpus` in `platform` if the machine has more"));
        mark_scheduled();
        continue;
      }
      auto [it, inserted] = planned.try_emplace(p.cpu.value, p.loc);
      if (!inserted) {
        Error(Code::kCpuPlanTwice, p.loc, absl::StrCat("CPU ", p.cpu.value, " has two plans"))
            .AddNote(it->second, "the first plan is here")
            .Help("merge the slots into one `cpu` block");
        mark_scheduled();
        continue;
      }
      CpuPlan plan;
      plan.cpu = static_cast<uint32_t>(p.cpu.value);
      plan.where = ToSpan(p.loc);
      uint64_t sum = 0;
      bool sum_ok = true;
      bool overflow = false;
      for (const ast::Slot& sl : p.slots) {
        Slot slot;
        slot.micros = sl.duration.micros;
        slot.where = ToSpan(sl.loc);
        if (!sl.duration.ok) {
          sum_ok = false;  // reported by the parser
        } else if (sl.duration.micros == 0) {
          Error(Code::kZero, sl.duration.loc, "a slot of zero length").Help("remove the slot or give it a length");
          sum_ok = false;
        }
        if (sl.domain.text != "idle") {
          slot.domain = LookupDomain(sl.domain, absl::StrCat(" to schedule on CPU ", plan.cpu));
          if (slot.domain == kNoIndex) {
            sum_ok = false;
          } else {
            scheduled[slot.domain] = true;
            const Domain& d = out_.domains[slot.domain];
            if (!std::binary_search(d.cpus.begin(), d.cpus.end(), plan.cpu) && !d.cpus.empty()) {
              Error(Code::kScheduleCpu, sl.domain.loc,
                    absl::StrCat("domain `", d.name, "` is scheduled on CPU ", plan.cpu, ", which is not among its cpus"))
                  .AddNote(ToLoc(d.cpus_where.line ? d.cpus_where : d.where), absl::StrCat("`", d.name, "` runs on CPUs ", CpuList(d.cpus)))
                  .Help(absl::StrCat("add ", plan.cpu, " to its `cpus`, or schedule it on one of its CPUs"));
            }
          }
        }
        if (__builtin_add_overflow(sum, slot.micros, &sum)) overflow = true;
        plan.slots.push_back(slot);
      }
      if (sum_ok && overflow) {
        Error(Code::kScheduleSum, p.loc, absl::StrCat("the plan of CPU ", plan.cpu, " sums to more than 2^64 microseconds"))
            .AddNote(s.major->loc, "the major frame is set here")
            .Help(absl::StrCat("the slots must sum to the major frame of ", DurationString(out.major_micros)));
      } else if (sum_ok && out.major_micros && sum != out.major_micros) {
        Diagnostic& e = Error(Code::kScheduleSum, p.loc,
                              absl::StrCat("the plan of CPU ", plan.cpu, " sums to ", DurationString(sum), ", not the major frame of ",
                                           DurationString(out.major_micros)))
                            .AddNote(s.major->loc, "the major frame is set here");
        if (sum < out.major_micros) {
          e.Help(absl::StrCat("add `idle ", DurationString(out.major_micros - sum), ";` or lengthen a slot"));
        } else {
          e.Help(absl::StrCat("shorten the slots by ", DurationString(sum - out.major_micros)));
        }
      }
      out.plans.push_back(plan);
    }
    std::sort(out.plans.begin(), out.plans.end(), [](const CpuPlan& a, const CpuPlan& b) { return a.cpu < b.cpu; });
    for (uint32_t i = 0; i < out_.domains.size(); ++i) {
      if (scheduled[i]) continue;
      const Domain& d = out_.domains[i];
      if (d.boot) {
        Error(Code::kBootNotScheduled, ToLoc(d.where), absl::StrCat("domain `", d.name, "` starts at boot but is never scheduled"))
            .AddNote(s.loc, "the schedule is here")
            .Help(absl::StrCat("give `", d.name, "` a slot on one of its CPUs"));
      } else {
        diags_->Warning(Code::kNeverRuns, ToLoc(d.where),
                        absl::StrCat("domain `", d.name, "` is never scheduled: even when started it cannot run"))
            .Help(absl::StrCat("give `", d.name, "` a slot on one of its CPUs"));
      }
    }
  }

  static std::string CpuList(const std::vector<uint32_t>& cpus) {
    std::string s;
    for (size_t i = 0; i < cpus.size(); ++i) absl::StrAppend(&s, i ? ", " : "", cpus[i]);
    return s.empty() ? "(none)" : s;
  }

  // ---- assertions ----
  void ResolveAssert(const ast::Assert& a) {
    Assertion out;
    out.kind = a.kind == ast::Assert::Kind::kNoFlow ? Assertion::Kind::kNoFlow : Assertion::Kind::kIsolated;
    out.where = ToSpan(a.loc);
    out.from_name = a.from.text;
    bool ok = ResolveFlowEnd(a.from, &out.from);
    if (a.to) {
      out.to_name = a.to->text;
      ok = ResolveFlowEnd(*a.to, &out.to) && ok;
    }
    if (ok) out_.assertions.push_back(out);
  }

  bool ResolveFlowEnd(const ast::Name& name, std::vector<uint32_t>* out) {
    *out = out_.DomainsNamed(name.text);
    if (!out->empty()) return true;
    Error(Code::kUndeclaredFlowEnd, name.loc, absl::StrCat("`", name.text, "` is neither a domain nor a label"))
        .Help(Suggest(name.text, domain_by_name_, "assertions name domains, or labels given with `label NAME;`"));
    return false;
  }

  struct NameEntry {
    const char* kind;
    Loc loc;
  };

  const SourceFile& source_;
  Diagnostics* diags_;
  System out_;
  absl::flat_hash_map<std::string, NameEntry> names_;
  absl::flat_hash_map<std::string, uint32_t> domain_by_name_;
  absl::flat_hash_set<std::string> reserved_;  // reserved names declared as domains (reported once)
  absl::flat_hash_map<std::string, uint32_t> device_by_name_;
  std::vector<uint32_t> domain_index_;  // per ast domain: model index or kNoIndex
  std::vector<std::pair<uint32_t, Loc>> control_lines_;
  std::vector<std::pair<uint32_t, Loc>> dma_devices_;

 public:
  // Reports DMA devices on a platform without an IOMMU (needs the whole system resolved).
  void CheckDma() {
    if (out_.platform.iommu != Iommu::kNone) return;
    for (const auto& [dev, loc] : dma_devices_) {
      Error(Code::kDmaWithoutIommu, loc,
            absl::StrCat("device `", out_.devices[dev].name, "` does DMA but the platform has no IOMMU to confine it"))
          .AddNote(ToLoc(out_.platform.where), "the platform is declared here")
          .Help("add `iommu amd-vi;` or `iommu vt-d;` to the platform, or remove `dma`");
    }
  }
};

}  // namespace

std::optional<System> Resolve(const ast::File& file, const SourceFile& source, Diagnostics* diags) {
  if (!file.system) return std::nullopt;
  Resolver r(source, diags);
  return r.Run(*file.system);
}

}  // namespace septum::policy
