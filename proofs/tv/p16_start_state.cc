// proofs/tv/p16_start_state.cc — P16: every PV domain's start block lies inside one of its
// writable RAM regions at that region's host address, clear of its image's segments, and the
// blocks tile the start-state section; the start-info page equals the one derived from the
// policy here, byte for byte; the guest page tables identity-map exactly the domain's ranges
// with the policy's access and use every page of the block. HVM domains have no block.
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kernel/abi/start_info.h"
#include "kernel/abi/version.h"
#include "proofs/tv/validator.h"

namespace septum::tv {

const TvEntry kStartStateEntry = {
    TvObligation::kStartState,
    {"P16-start-state", "Every PV domain's start block lies in one of its writable RAM regions, clear of its image; its start info (identity, ranges, control targets and rights) equals the policy's facts and its guest page tables identity-map exactly the domain's ranges with the policy's access; HVM domains have none.", "Xen PVH start info; seL4 bootinfo"}};

namespace {

// The expected start info of canonical domain `c`, derived from the policy here.
start::StartInfo WantStartInfo(const policy::System& s, const Expected& want, uint32_t c, const tables::DomainRecord& rec) {
  const uint32_t d = want.order[c];
  start::StartInfo info{};
  std::memcpy(info.magic, start::kMagic, sizeof(info.magic));
  info.abi_version = kAbiVersion;
  info.domain = c;
  std::memcpy(info.name, s.domains[d].name.data(), std::min<size_t>(s.domains[d].name.size(), 31));
  info.start_guest = rec.start_guest;
  info.page_table_root = rec.start_guest + paging::kPageSize;
  info.block_pages = static_cast<uint32_t>(rec.start_pages);
  std::vector<start::Region> regions;
  auto add = [&](uint64_t guest, uint64_t size, uint8_t access, uint8_t kind, uint32_t channel, const std::string& name) {
    start::Region x{};
    x.guest = guest;
    x.size = size;
    x.access = access;
    x.kind = kind;
    x.channel = channel;
    std::memcpy(x.name, name.data(), std::min<size_t>(name.size(), 31));
    regions.push_back(x);
  };
  for (uint32_t r : s.domains[d].regions) {
    const policy::Region& reg = s.regions[r];
    if (reg.host.size) add(reg.guest, reg.host.size, reg.perms, start::kRam, 0xffffffffu, reg.name);
  }
  std::vector<const policy::Channel*> channels;
  for (const policy::Channel& ch : s.channels) channels.push_back(&ch);
  std::sort(channels.begin(), channels.end(), [](const policy::Channel* a, const policy::Channel* b) { return a->name < b->name; });
  for (uint32_t i = 0; i < channels.size(); ++i) {
    const policy::Channel& ch = *channels[i];
    if (!ch.host.size) continue;
    if (ch.writer.domain == d) add(ch.writer.guest, ch.host.size, paging::kRead | paging::kWrite, start::kChannelWriter, i, ch.name);
    if (ch.reader.domain == d) add(ch.reader.guest, ch.host.size, paging::kRead, start::kChannelReader, i, ch.name);
  }
  for (uint32_t dev : s.domains[d].devices) {
    const policy::Device& device = s.devices[dev];
    if (device.owner.kind != policy::Owner::Kind::kDomain || device.owner.domain != d) continue;
    for (const policy::Mmio& mm : device.mmio) add(mm.range.base, mm.range.size, paging::kRead | paging::kWrite, start::kMmio, 0xffffffffu, device.name);
  }
  std::stable_sort(regions.begin(), regions.end(), [](const start::Region& a, const start::Region& b) { return a.guest < b.guest; });
  info.region_count = static_cast<uint32_t>(regions.size());
  for (size_t i = 0; i < regions.size() && i < start::kMaxRegions; ++i) info.regions[i] = regions[i];
  // The domains it may control, by target index, with the rights of its `control` lines.
  std::map<uint32_t, uint32_t> rights;
  for (const policy::ControlGrant& g : s.grants) {
    if (g.holder == d && g.target < want.rank.size() && g.rights) rights[want.rank[g.target]] |= AbiRights(g.rights);
  }
  for (const auto& [target, bits] : rights) {
    if (info.control_count == start::kMaxControls) break;
    start::Control& ctl = info.controls[info.control_count++];
    ctl.target = target;
    ctl.rights = bits;
    const std::string& name = s.domains[want.order[target]].name;
    std::memcpy(ctl.name, name.data(), std::min<size_t>(name.size(), 31));
  }
  return info;
}

}  // namespace

void Validator::StartState(ObligationResult* r) {
  const tables::SectionEntry* sec = reader_.Section(tables::SectionKind::kStartState);
  const uint64_t sec_base = reader_.header().load_address + sec->offset;
  uint64_t used = 0;
  for (uint32_t c = 0; c < records_.size(); ++c) {
    const tables::DomainRecord& rec = records_[c];
    const policy::Domain& dom = s_.domains[want_.order[c]];
    auto fail = [&](const std::string& what) { Fail(r, absl::StrFormat("the start block of `%s`: %s", dom.name, what), dom.where, dom.name); };
    if (dom.type != policy::DomainType::kPv) {
      if (rec.start_block || rec.start_guest || rec.start_host || rec.start_pages) fail("an HVM domain has one");
      continue;
    }
    // Where: page aligned, inside the start-state section, the blocks tiling it in domain order.
    if (rec.start_pages < 2 || rec.start_pages > sec->size / paging::kPageSize || rec.start_block != sec_base + used ||
        rec.start_guest % paging::kPageSize) {
      fail("it is not where the start-state section says (misplaced, unaligned, too small or overlapping another)");
      continue;
    }
    const uint64_t bytes = rec.start_pages * paging::kPageSize;
    used += bytes;
    // Inside one writable RAM region of the domain, at the host address that region gives.
    bool home = false;
    for (uint32_t i : dom.regions) {
      const policy::Region& reg = s_.regions[i];
      home = home || ((reg.perms & policy::kWrite) && reg.host.size >= bytes && rec.start_guest >= reg.guest &&
                      rec.start_guest - reg.guest <= reg.host.size - bytes && rec.start_host == reg.host.base + (rec.start_guest - reg.guest));
    }
    if (!home) fail(absl::StrFormat("guest-physical [%#x, +%d) is not inside one writable memory region at its host address", rec.start_guest, bytes));
    if (images_) {
      for (const ImageSegment& sg : (*images_)[want_.order[c]].segments) {
        if (sg.guest < rec.start_guest + bytes && rec.start_guest < sg.guest + sg.mem_size) {
          fail(absl::StrFormat("the image segment at guest-physical %#x overlaps it: the kernel would overwrite the image", sg.guest));
        }
      }
    }
    const absl::Span<const uint8_t> block = reader_.At(rec.start_block, bytes);
    if (block.empty()) {
      fail("it is not inside the blob");
      continue;
    }
    // The start-info page, byte for byte, zero after the record.
    std::vector<uint8_t> want_page(paging::kPageSize, 0);
    const start::StartInfo info = WantStartInfo(s_, want_, c, rec);
    std::memcpy(want_page.data(), &info, sizeof(info));
    if (info.region_count > start::kMaxRegions) fail("the policy gives the domain more ranges than the start info holds");
    if (std::memcmp(block.data(), want_page.data(), want_page.size()) != 0) {
      size_t at = 0;
      while (block[at] == want_page[at]) ++at;
      fail(absl::StrFormat("byte %d of the start-info page is %#x, the policy gives %#x", at, block[at], want_page[at]));
    }
    reader_.Cover(rec.start_block, paging::kPageSize);
    // The guest page tables: walked as long-mode tables placed at their guest-physical
    // address; they must identity-map exactly the domain's ranges and use every page.
    absl::StatusOr<Walk> w = WalkToRuns(paging::Format::kNpt, block.subspan(paging::kPageSize), info.page_table_root);
    if (!w.ok()) {
      fail(absl::StrCat("the guest page tables are malformed: ", w.status().message()));
      continue;
    }
    if (w->table_pages.size() != rec.start_pages - 1) {
      fail(absl::StrFormat("%d of its %d page-table pages are reached from the root", w->table_pages.size(), rec.start_pages - 1));
    }
    for (uint64_t page : w->table_pages) reader_.Cover(rec.start_block + (page - rec.start_guest), paging::kPageSize);
    std::vector<Item> identity = want_.maps[c];
    for (Item& it : identity) it.offset = 0;
    const std::vector<Item> have = FromRuns(w->runs);
    if (std::optional<uint64_t> gva = Differ(r, have, identity)) {
      fail(absl::StrFormat("at guest-virtual %#x the guest page tables say %s, the identity map of the policy says %s", *gva, Say(have, *gva),
                           Say(identity, *gva)));
    }
  }
  if (used != sec->size) Fail(r, absl::StrFormat("the start-state section holds %d bytes, the PV domains' blocks %d", sec->size, used));
}

}  // namespace septum::tv
