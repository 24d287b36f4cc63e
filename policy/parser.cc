// policy/parser.cc — see parser.h.
#include "policy/parser.h"

#include <algorithm>
#include <functional>
#include <optional>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "policy/lexer.h"

namespace septum::policy {
namespace {

struct Unit {
  absl::string_view name;
  uint64_t factor;
};
constexpr Unit kSizeUnits[] = {{"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}};
constexpr Unit kDurationUnits[] = {{"us", 1}, {"ms", 1000}, {"s", 1000000}};
// Words that are meant as units but are not ours (compared without case): reported instead of
// misread as the next option.
constexpr absl::string_view kUnitLookalikes[] = {"b", "k", "kb", "kib", "m", "mb", "mib", "g", "gb", "gib", "t",
                                                 "tb", "tib", "byte", "bytes", "kbyte", "mbyte", "gbyte",
                                                 "ns", "us", "ms", "s", "sec", "secs", "msec", "usec", "min", "h"};

const Unit* FindUnit(absl::string_view word, const Unit* begin, const Unit* end) {
  for (const Unit* u = begin; u != end; ++u) {
    if (u->name == word) return u;
  }
  return nullptr;
}
const Unit* SizeUnit(absl::string_view w) { return FindUnit(w, std::begin(kSizeUnits), std::end(kSizeUnits)); }
const Unit* DurationUnit(absl::string_view w) { return FindUnit(w, std::begin(kDurationUnits), std::end(kDurationUnits)); }
bool IsUnitLookalike(absl::string_view w) {
  const std::string lower = absl::AsciiStrToLower(w);
  return std::find(std::begin(kUnitLookalikes), std::end(kUnitLookalikes), lower) != std::end(kUnitLookalikes);
}

// Edit distance for "did you mean" hints (short words only).
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Quoted(const std::vector<absl::string_view>& words) {
  std::vector<std::string> q;
  for (auto w : words) q.push_back(absl::StrCat("`", w, "`"));
  return absl::StrJoin(q, ", ");
}

class Parser {
 public:
  Parser(const SourceFile& file, Diagnostics* diags) : file_(file), diags_(diags), lexer_(file, diags) {}

  ast::File ParseFile() {
    ast::File out;
    while (!diags_->full()) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kEof) break;
      if (t.kind == TokenKind::kIdent && t.text == "system") {
        if (out.system) {
          diags_->Error(Code::kSystemCount, t.loc, "a second `system` in one policy file")
              .AddNote(out.system->loc, "the first system is here")
              .Help("put each system in its own policy file");
          Take();
          SkipStatement();
          continue;
        }
        out.system = ParseSystem();
        continue;
      }
      diags_->Error(Code::kExpected, t.loc,
                    absl::StrCat(out.system ? "expected end of file after the system, found "
                                            : "expected `system NAME { ... }`, found ",
                                 Describe(t)))
          .Help(out.system ? "every item belongs inside the system's braces"
                           : "a policy file starts with `system NAME {`");
      if (t.kind == TokenKind::kRBrace) {
        Take();  // a stray `}` at the top level: SkipStatement would stop in front of it
      } else {
        SkipStatement();
      }
    }
    if (!out.system && !diags_->has_errors()) {
      diags_->Error(Code::kSystemCount, Loc{}, "the policy file declares no system")
          .Help("a policy file holds one `system NAME { ... }`");
    }
    return out;
  }

 private:
  // ---- tokens ----
  const Token& Peek() {
    if (pending_) {
      lookahead_ = *pending_;
      pending_.reset();
      peeked_ = true;
    }
    if (!peeked_) {
      lookahead_ = lexer_.Next();
      peeked_ = true;
    }
    return lookahead_;
  }
  Token Take() {
    Peek();
    peeked_ = false;
    last_ = lookahead_;
    return lookahead_;
  }
  bool AtKind(TokenKind k) { return Peek().kind == k; }
  bool AtWord(absl::string_view w) { return Peek().kind == TokenKind::kIdent && Peek().text == w; }

  // Takes a token of kind k, or reports "expected WHAT, found X" and returns nullopt.
  std::optional<Token> Expect(TokenKind k, absl::string_view what) {
    if (AtKind(k)) return Take();
    const Token& t = Peek();
    Diagnostic& d = diags_->Error(Code::kExpected, t.loc, absl::StrCat("expected ", what, ", found ", Describe(t)));
    if (k == TokenKind::kSemicolon) {
      d.AddNote(last_.loc, "the statement before it ends here").Help("end each statement with `;`");
    }
    return std::nullopt;
  }
  bool ExpectSemicolon(absl::string_view after) {
    if (AtKind(TokenKind::kSemicolon)) {
      Take();
      return true;
    }
    const Token& t = Peek();
    if (t.loc.line > last_.loc.line && (t.kind == TokenKind::kIdent || t.kind == TokenKind::kRBrace)) {
      // The statement ended at the end of its line: report the missing `;` and go on as if it
      // were there, so the next line's statement is read as written.
      diags_->Error(Code::kExpected, last_.loc, absl::StrCat("missing `;` after ", after))
          .Help("end each statement with `;`");
      return true;
    }
    return Expect(TokenKind::kSemicolon, absl::StrCat("`;` after ", after)).has_value();
  }
  bool ExpectWord(absl::string_view word) {
    if (AtWord(word)) {
      Take();
      return true;
    }
    const Token& t = Peek();
    diags_->Error(Code::kExpected, t.loc, absl::StrCat("expected `", word, "`, found ", Describe(t)));
    return false;
  }

  // Recovery: skip to after the next `;` at this level, past one balanced `{...}`, or to the
  // `}` that closes the enclosing block.
  void SkipStatement() {
    int depth = 0;
    while (true) {
      const Token& t = Peek();
      switch (t.kind) {
        case TokenKind::kEof:
          return;
        case TokenKind::kLBrace:
          ++depth;
          Take();
          break;
        case TokenKind::kRBrace:
          if (depth == 0) return;
          Take();
          if (--depth == 0) return;
          break;
        case TokenKind::kSemicolon:
          Take();
          if (depth == 0) return;
          break;
        default:
          Take();
      }
    }
  }

  // `{ statement* }`; `statement` is called with the statement's first token peeked and
  // returns false on a syntax error (then the rest of the statement is skipped).
  void ParseBlock(absl::string_view block, const std::vector<absl::string_view>& options,
                  const std::function<bool(const Token&)>& statement) {
    const std::optional<Token> open = Expect(TokenKind::kLBrace, absl::StrCat("`{` to open ", block));
    if (!open) {
      SkipStatement();
      return;
    }
    while (!diags_->full()) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kRBrace) {
        Take();
        return;
      }
      if (t.kind == TokenKind::kEof) {
        diags_->Error(Code::kUnclosedBlock, open->loc, absl::StrCat(block, " is not closed"))
            .Help("add the matching `}`");
        return;
      }
      if (t.kind != TokenKind::kIdent) {
        diags_->Error(Code::kExpected, t.loc, absl::StrCat("expected an option of ", block, ", found ", Describe(t)))
            .Help(absl::StrCat("options here: ", Quoted(options)));
        SkipStatement();
        continue;
      }
      if (std::find(options.begin(), options.end(), t.text) == options.end()) {
        static const std::vector<absl::string_view> kItems = {"platform", "kernel", "device", "domain",
                                                             "channel", "schedule", "assert"};
        if (block != "the system" && std::find(kItems.begin(), kItems.end(), t.text) != kItems.end() &&
            t.loc.line > open->loc.line) {
          // `domain` inside a device: the device's `}` is missing. End the block here.
          diags_->Error(Code::kUnclosedBlock, open->loc, absl::StrCat(block, " is not closed"))
              .AddNote(t.loc, absl::StrCat("`", t.text, "` starts a new item here"))
              .Help("add the matching `}` before it");
          return;
        }
        UnknownOption(t, block, options);
        SkipStatement();
        continue;
      }
      const Token keyword = Take();
      if (!statement(keyword)) SkipStatement();
    }
  }

  void UnknownOption(const Token& t, absl::string_view block, const std::vector<absl::string_view>& options) {
    Diagnostic& d = diags_->Error(Code::kUnknownItem, t.loc,
                                  absl::StrCat(block == "the system" ? "unknown item `" : "unknown option `", t.text,
                                               "` in ", block));
    absl::string_view best;
    size_t best_distance = 3;
    for (auto o : options) {
      const size_t dist = EditDistance(t.text, o);
      if (dist < best_distance) {
        best_distance = dist;
        best = o;
      }
    }
    if (!best.empty()) {
      d.Help(absl::StrCat("did you mean `", best, "`? ", block == "the system" ? "items" : "options", " here: ",
                          Quoted(options)));
    } else {
      d.Help(absl::StrCat(block == "the system" ? "items" : "options", " here: ", Quoted(options)));
    }
  }

  // Reports a scalar option given twice; returns true if it was.
  template <typename T>
  bool Duplicate(const std::optional<T>& existing, const Token& keyword, absl::string_view block) {
    if (!existing) return false;
    diags_->Error(Code::kDuplicateOption, keyword.loc, absl::StrCat("`", keyword.text, "` given twice in ", block))
        .AddNote(LocOf(*existing), "first given here")
        .Help("keep one of them");
    return true;
  }
  template <typename T>
  static Loc LocOf(const T& node) { return node.loc; }
  static Loc LocOf(const Loc& loc) { return loc; }

  // ---- values ----
  std::optional<ast::Name> ParseName(absl::string_view what) {
    const std::optional<Token> t = Expect(TokenKind::kIdent, what);
    if (!t) return std::nullopt;
    return ast::Name{t->text, t->loc};
  }

  // A plain number (address, port, IRQ, CPU): a unit after it is an error.
  std::optional<ast::Integer> ParseInteger(absl::string_view what) {
    const std::optional<Token> t = Expect(TokenKind::kInteger, what);
    if (!t) return std::nullopt;
    ast::Integer out{t->value, t->loc, t->ok};
    if (AtKind(TokenKind::kIdent) && (SizeUnit(Peek().text) || DurationUnit(Peek().text) || IsUnitLookalike(Peek().text))) {
      const bool address = absl::StrContains(what, "address");
      diags_->Error(Code::kWrongUnit, Peek().loc, absl::StrCat(what, " takes no unit"))
          .Help(address ? "write the address in bytes, e.g. `0x1000000` for 16 MiB" : "write the plain number");
      Take();
      out.ok = false;
    }
    return out;
  }

  std::optional<ast::Size> ParseSize(absl::string_view what) {
    const std::optional<Token> t = Expect(TokenKind::kInteger, what);
    if (!t) return std::nullopt;
    ast::Size size{t->value, t->loc, t->ok};
    if (AtKind(TokenKind::kIdent)) {
      const Token& u = Peek();
      if (const Unit* unit = SizeUnit(u.text)) {
        if (__builtin_mul_overflow(t->value, unit->factor, &size.bytes)) {
          diags_->Error(Code::kIntegerOverflow, SourceFile::Span(t->loc, u.loc), "size does not fit in 64 bits")
              .Help("the largest size is just under 16 EiB; check the number and the unit");
          size.ok = false;
        }
        size.loc = SourceFile::Span(t->loc, u.loc);
        Take();
      } else if (DurationUnit(u.text)) {
        diags_->Error(Code::kWrongUnit, u.loc, absl::StrCat("`", u.text, "` is a unit of time, not of size"))
            .Help("sizes take `B`, `KiB`, `MiB` or `GiB`");
        Take();
        size.ok = false;
      } else if (IsUnitLookalike(u.text)) {
        diags_->Error(Code::kWrongUnit, u.loc, absl::StrCat("unknown size unit `", u.text, "`"))
            .Help("sizes take `B`, `KiB`, `MiB` or `GiB` (powers of 1024)");
        Take();
        size.ok = false;
      }
    }
    return size;
  }

  std::optional<ast::Duration> ParseDuration(absl::string_view what) {
    const std::optional<Token> t = Expect(TokenKind::kInteger, what);
    if (!t) return std::nullopt;
    ast::Duration d{0, t->loc, false};
    const Token& u = Peek();
    const Unit* unit = u.kind == TokenKind::kIdent ? DurationUnit(u.text) : nullptr;
    if (!unit) {
      if (u.kind == TokenKind::kIdent && (SizeUnit(u.text) || IsUnitLookalike(u.text))) {
        diags_->Error(Code::kWrongUnit, u.loc, absl::StrCat("`", u.text, "` is not a unit of time"))
            .Help("durations take `us`, `ms` or `s`");
        Take();
      } else {
        diags_->Error(Code::kWrongUnit, t->loc, absl::StrCat(what, " needs a unit"))
            .Help(absl::StrCat("write e.g. `", t->text, "ms`; durations take `us`, `ms` or `s`"));
      }
      return d;
    }
    if (__builtin_mul_overflow(t->value, unit->factor, &d.micros)) {
      diags_->Error(Code::kIntegerOverflow, SourceFile::Span(t->loc, u.loc), "duration does not fit in 64 bits")
          .Help("durations are counted in microseconds; check the number and the unit");
    } else {
      d.ok = t->ok;
    }
    d.loc = SourceFile::Span(t->loc, u.loc);
    Take();
    return d;
  }

  // NAME {, NAME} — at least one.
  template <typename T>
  bool ParseCommaList(std::vector<T>* out, const std::function<std::optional<T>()>& element) {
    while (true) {
      std::optional<T> e = element();
      if (!e) return false;
      out->push_back(*e);
      if (!AtKind(TokenKind::kComma)) return true;
      Take();
    }
  }
  bool ParseNameList(std::vector<ast::Name>* out, absl::string_view what) {
    return ParseCommaList<ast::Name>(out, [&] { return ParseName(what); });
  }

  Loc StatementLoc(const Token& keyword) const { return SourceFile::Span(keyword.loc, last_.loc); }

  // Options of a memory statement, in any order, up to `;`.
  static bool LooksLikePermissions(const std::string& w) {
    return !w.empty() && w.size() <= 3 && w.find_first_not_of("rwx") == std::string::npos;
  }

  bool ParseMemoryOptions(ast::Memory* m, const Token& keyword, absl::string_view block, bool domain_form) {
    while (!AtKind(TokenKind::kSemicolon)) {
      const uint32_t last_line = last_.loc.line;
      const Loc previous_end = last_.loc;
      const Token& t = Peek();
      if (t.kind != TokenKind::kIdent) {
        diags_->Error(Code::kExpected, t.loc,
                      absl::StrCat("expected ", domain_form ? "`size`, `at`, `map` or permissions" : "`at` or `size`",
                                   ", found ", Describe(t)))
            .Help(domain_form ? "e.g. `memory ram size 16MiB at 0x1000000 map 0x0 rwx;`"
                              : "e.g. `memory at 0x0 size 512MiB;`");
        return false;
      }
      const Token word = Take();
      if (word.text == "size") {
        if (Duplicate(m->size, word, block)) return false;
        m->size = ParseSize("a size");
        if (!m->size) return false;
      } else if (word.text == "at") {
        if (Duplicate(m->at, word, block)) return false;
        m->at = ParseInteger("a host-physical address");
        if (!m->at) return false;
      } else if (domain_form && word.text == "map") {
        if (Duplicate(m->map, word, block)) return false;
        m->map = ParseInteger("a guest-physical address");
        if (!m->map) return false;
      } else if (domain_form && (!LooksLikePermissions(word.text) || m->perms) && word.loc.line > last_line) {
        // A keyword on the next line: this statement lacks its `;`.
        diags_->Error(Code::kExpected, m->perms ? m->perms->loc : previous_end, "missing `;` after the memory statement")
            .Help("end each statement with `;`");
        pending_ = word;
        m->loc = SourceFile::Span(keyword.loc, previous_end);
        return true;
      } else if (domain_form) {
        if (m->perms) {
          diags_->Error(Code::kDuplicateOption, word.loc, "permissions given twice")
              .AddNote(m->perms->loc, "first given here");
          return false;
        }
        m->perms = ast::Name{word.text, word.loc};
      } else {
        diags_->Error(Code::kUnknownItem, word.loc, absl::StrCat("`", word.text, "` is not an option of ", block))
            .Help("here memory takes `at ADDRESS` and `size SIZE`");
        return false;
      }
    }
    Take();  // ;
    m->loc = StatementLoc(keyword);
    return true;
  }

  // ---- items ----
  std::optional<ast::System> ParseSystem() {
    const Token keyword = Take();
    ast::System sys;
    std::optional<ast::Name> name = ParseName("the system's name");
    if (!name) {
      SkipStatement();
      return std::nullopt;
    }
    sys.name = *name;
    sys.loc = StatementLoc(keyword);
    ParseBlock("the system", {"platform", "kernel", "device", "domain", "channel", "schedule", "assert"},
               [&](const Token& kw) { return SystemItem(&sys, kw); });
    return sys;
  }

  bool SystemItem(ast::System* sys, const Token& kw) {
    if (kw.text == "platform") {
      if (Duplicate(sys->platform, kw, "the system")) return false;
      sys->platform = ParsePlatform(kw);
      return true;
    }
    if (kw.text == "kernel") {
      if (Duplicate(sys->kernel, kw, "the system")) return false;
      sys->kernel = ParseKernel(kw);
      return true;
    }
    if (kw.text == "schedule") {
      if (Duplicate(sys->schedule, kw, "the system")) return false;
      sys->schedule = ParseSchedule(kw);
      return true;
    }
    if (kw.text == "assert") return ParseAssert(sys, kw);
    // Named items: device / domain / channel NAME { ... }
    std::optional<ast::Name> name = ParseName(absl::StrCat("the ", kw.text, "'s name"));
    if (!name) return false;
    if (kw.text == "device") {
      ast::Device d;
      d.name = *name;
      d.loc = StatementLoc(kw);
      ParseBlock(absl::StrCat("device `", name->text, "`"), {"io", "irq", "pci", "mmio", "dma"},
                 [&](const Token& k) { return DeviceOption(&d, k); });
      sys->devices.push_back(std::move(d));
    } else if (kw.text == "domain") {
      ast::Domain d;
      d.name = *name;
      d.loc = StatementLoc(kw);
      ParseBlock(absl::StrCat("domain `", name->text, "`"),
                 {"type", "image", "cpus", "memory", "device", "hypercalls", "control", "label", "on", "boot"},
                 [&](const Token& k) { return DomainOption(&d, k); });
      sys->domains.push_back(std::move(d));
    } else {
      ast::Channel c;
      c.name = *name;
      c.loc = StatementLoc(kw);
      ParseBlock(absl::StrCat("channel `", name->text, "`"), {"writer", "reader", "size", "notify", "at"},
                 [&](const Token& k) { return ChannelOption(&c, k); });
      sys->channels.push_back(std::move(c));
    }
    return true;
  }

  ast::Platform ParsePlatform(const Token& kw) {
    ast::Platform p;
    p.loc = kw.loc;
    ParseBlock("platform", {"cpus", "memory", "iommu"}, [&](const Token& k) {
      if (k.text == "cpus") {
        if (Duplicate(p.cpus, k, "platform")) return false;
        p.cpus = ParseInteger("the number of CPUs");
        return p.cpus && ExpectSemicolon("`cpus N`");
      }
      if (k.text == "memory") {
        ast::Memory m;
        if (!ParseMemoryOptions(&m, k, "platform memory", false)) return false;
        p.memory.push_back(m);
        return true;
      }
      if (Duplicate(p.iommu, k, "platform")) return false;
      p.iommu = ParseName("an IOMMU kind (`none`, `amd-vi` or `vt-d`)");
      return p.iommu && ExpectSemicolon("`iommu KIND`");
    });
    return p;
  }

  ast::Kernel ParseKernel(const Token& kw) {
    ast::Kernel k;
    k.loc = kw.loc;
    ParseBlock("kernel", {"memory", "console"}, [&](const Token& t) {
      if (t.text == "memory") {
        if (Duplicate(k.memory, t, "kernel")) return false;
        ast::Memory m;
        if (!ParseMemoryOptions(&m, t, "kernel memory", false)) return false;
        k.memory = m;
        return true;
      }
      if (Duplicate(k.console, t, "kernel")) return false;
      k.console = ParseName("the console device's name");
      return k.console && ExpectSemicolon("`console DEVICE`");
    });
    return k;
  }

  bool DeviceOption(ast::Device* d, const Token& k) {
    if (k.text == "io") {
      ast::IoRange r;
      std::optional<ast::Integer> first = ParseInteger("the first I/O port");
      if (!first || !Expect(TokenKind::kDotDot, "`..` between the first and last port")) return false;
      std::optional<ast::Integer> last = ParseInteger("the last I/O port");
      if (!last) return false;
      r.first = *first;
      r.last = *last;
      r.loc = SourceFile::Span(first->loc, last->loc);
      d->io.push_back(r);
      return ExpectSemicolon("`io FIRST .. LAST`");
    }
    if (k.text == "irq") {
      std::optional<ast::Integer> irq = ParseInteger("an IRQ number");
      if (!irq) return false;
      d->irqs.push_back(*irq);
      return ExpectSemicolon("`irq N`");
    }
    if (k.text == "pci") {
      std::optional<PciAddress> pci = lexer_.NextPciAddress();  // nothing is peeked after `pci`
      if (!pci) return false;
      d->pci.push_back(ast::Pci{pci->bus, pci->device, pci->function, pci->loc});
      last_.loc = pci->loc;
      return ExpectSemicolon("the PCI address");
    }
    if (k.text == "mmio") {
      ast::Memory m;
      if (!ParseMemoryOptions(&m, k, "device MMIO", false)) return false;
      d->mmio.push_back(m);
      return true;
    }
    // dma
    if (Duplicate(d->dma, k, absl::StrCat("device `", d->name.text, "`"))) return false;
    d->dma = k.loc;
    return ExpectSemicolon("`dma`");
  }

  bool DomainOption(ast::Domain* d, const Token& k) {
    const std::string block = absl::StrCat("domain `", d->name.text, "`");
    if (k.text == "type") {
      if (Duplicate(d->type, k, block)) return false;
      d->type = ParseName("a domain type (`pv` or `hvm`)");
      return d->type && ExpectSemicolon("`type KIND`");
    }
    if (k.text == "image") {
      if (Duplicate(d->image, k, block)) return false;
      std::optional<Token> s = Expect(TokenKind::kString, "the image path as a string, e.g. \"guests/dom0.elf\"");
      if (!s) return false;
      d->image = ast::Name{s->text, s->loc};
      return ExpectSemicolon("the image path");
    }
    if (k.text == "cpus") {
      if (Duplicate(d->cpus, k, block)) return false;
      ast::List<ast::Integer> list;
      if (!ParseCommaList<ast::Integer>(&list.items, [&] { return ParseInteger("a CPU number"); })) return false;
      list.loc = StatementLoc(k);
      d->cpus = list;
      return ExpectSemicolon("the CPU list");
    }
    if (k.text == "memory") {
      ast::Memory m;
      m.name = ParseName("the region's name");
      if (!m.name) return false;
      if (!ParseMemoryOptions(&m, k, "domain memory", true)) return false;
      d->memory.push_back(m);
      return true;
    }
    if (k.text == "device" || k.text == "hypercalls") {
      ast::List<ast::Name> list;
      if (!ParseNameList(&list.items, k.text == "device" ? "a device name" : "a hypercall group")) return false;
      list.loc = StatementLoc(k);
      (k.text == "device" ? d->devices : d->hypercalls).push_back(list);
      return ExpectSemicolon(k.text == "device" ? "the device list" : "the hypercall groups");
    }
    if (k.text == "control") {
      ast::Control c;
      if (!ParseNameList(&c.targets, "a domain name")) return false;
      if (!Expect(TokenKind::kColon, "`:` between the target domains and the rights")) return false;
      if (!ParseNameList(&c.rights, "a right (`start`, `stop`, `pause`, `resume`, `query`)")) return false;
      c.loc = StatementLoc(k);
      d->control.push_back(c);
      return ExpectSemicolon("the rights");
    }
    if (k.text == "label") {
      std::optional<ast::Name> label = ParseName("a label");
      if (!label) return false;
      d->labels.push_back(*label);
      return ExpectSemicolon("the label");
    }
    if (k.text == "on") {
      if (!ExpectWord("fault")) return false;
      Token on_fault = k;
      on_fault.text = "on fault";
      if (Duplicate(d->on_fault, on_fault, block)) return false;
      d->on_fault = ParseName("a fault action (`stop` or `restart`)");
      return d->on_fault && ExpectSemicolon("`on fault ACTION`");
    }
    // boot
    if (Duplicate(d->boot, k, block)) return false;
    d->boot = ParseName("`yes` or `no`");
    return d->boot && ExpectSemicolon("`boot yes|no`");
  }

  bool ChannelOption(ast::Channel* c, const Token& k) {
    const std::string block = absl::StrCat("channel `", c->name.text, "`");
    if (k.text == "writer" || k.text == "reader") {
      std::optional<ast::Endpoint>& slot = k.text == "writer" ? c->writer : c->reader;
      if (Duplicate(slot, k, block)) return false;
      ast::Endpoint e;
      std::optional<ast::Name> domain = ParseName("a domain name");
      if (!domain) return false;
      e.domain = *domain;
      if (AtWord("map")) {
        Take();
        e.map = ParseInteger("a guest-physical address");
        if (!e.map) return false;
      }
      e.loc = StatementLoc(k);
      slot = e;
      return ExpectSemicolon(absl::StrCat("the ", k.text));
    }
    if (k.text == "size") {
      if (Duplicate(c->size, k, block)) return false;
      c->size = ParseSize("the channel's size");
      return c->size && ExpectSemicolon("the size");
    }
    if (k.text == "at") {
      if (Duplicate(c->at, k, block)) return false;
      c->at = ParseInteger("a host-physical address");
      return c->at && ExpectSemicolon("the address");
    }
    // notify
    if (Duplicate(c->notify, k, block)) return false;
    c->notify = k.loc;
    return ExpectSemicolon("`notify`");
  }

  ast::Schedule ParseSchedule(const Token& kw) {
    ast::Schedule s;
    s.loc = kw.loc;
    ParseBlock("the schedule", {"major", "cpu"}, [&](const Token& k) {
      if (k.text == "major") {
        if (Duplicate(s.major, k, "the schedule")) return false;
        s.major = ParseDuration("the major frame");
        return s.major && ExpectSemicolon("the major frame");
      }
      ast::CpuPlan plan;
      std::optional<ast::Integer> cpu = ParseInteger("a CPU number");
      if (!cpu) return false;
      plan.cpu = *cpu;
      plan.loc = StatementLoc(k);
      const std::optional<Token> open = Expect(TokenKind::kLBrace, "`{` to open the CPU's plan");
      if (!open) return false;
      while (!diags_->full()) {
        const Token& t = Peek();
        if (t.kind == TokenKind::kRBrace) {
          Take();
          break;
        }
        if (t.kind == TokenKind::kEof) {
          diags_->Error(Code::kUnclosedBlock, open->loc, "the CPU's plan is not closed").Help("add the matching `}`");
          break;
        }
        ast::Slot slot;
        std::optional<ast::Name> who = ParseName("a domain name or `idle`");
        std::optional<ast::Duration> how_long;
        if (who) how_long = ParseDuration("the slot's length");
        if (!who || !how_long || !ExpectSemicolon("the slot")) {
          SkipStatement();
          continue;
        }
        slot.domain = *who;
        slot.duration = *how_long;
        slot.loc = SourceFile::Span(who->loc, how_long->loc);
        plan.slots.push_back(slot);
      }
      s.cpus.push_back(plan);
      return true;
    });
    return s;
  }

  bool ParseAssert(ast::System* sys, const Token& kw) {
    ast::Assert a;
    if (AtWord("isolated")) {
      Take();
      a.kind = ast::Assert::Kind::kIsolated;
      std::optional<ast::Name> who = ParseName("a domain or label");
      if (!who) return false;
      a.from = *who;
    } else if (AtWord("no")) {
      Take();
      if (!ExpectWord("flow")) return false;
      std::optional<ast::Name> from = ParseName("a domain or label");
      if (!from || !Expect(TokenKind::kArrow, "`->`")) return false;
      std::optional<ast::Name> to = ParseName("a domain or label");
      if (!to) return false;
      a.from = *from;
      a.to = *to;
    } else {
      const Token& t = Peek();
      diags_->Error(Code::kExpected, t.loc, absl::StrCat("expected `no flow` or `isolated` after `assert`, found ", Describe(t)))
          .Help("write `assert no flow A -> B;` or `assert isolated A;`");
      return false;
    }
    a.loc = StatementLoc(kw);
    if (!ExpectSemicolon("the assertion")) return false;
    sys->asserts.push_back(a);
    return true;
  }

  const SourceFile& file_;
  Diagnostics* diags_;
  Lexer lexer_;
  Token lookahead_;
  Token last_;
  bool peeked_ = false;
  std::optional<Token> pending_;  // a token taken too early, to be read again
};

}  // namespace

ast::File Parse(const SourceFile& file, Diagnostics* diags) { return Parser(file, diags).ParseFile(); }

}  // namespace septum::policy
