// Diagnostics: recording, sorting and rendering with source line and caret.
#include "support/diagnostics.h"

#include <algorithm>

namespace thrustc {

namespace {
enum class Group : uint8_t { None, On, Wall };
struct KindInfo {
  std::string_view name;
  Severity severity;
  std::string_view code = {};
  Group group = Group::None;
};
constexpr KindInfo kKinds[] = {
#define THRUSTC_DIAG(name, severity) {#name, Severity::severity},
#include "support/diagnostics.def"
#undef THRUSTC_DIAG
#define THRUSTC_WARNING(name, code, group) {#name, Severity::Warning, code, Group::group},
#include "support/warnings.def"
#undef THRUSTC_WARNING
};
constexpr size_t kMaxShownLine = 160;  // longer source lines are cut around the caret
}  // namespace

std::string_view DiagKindName(DiagKind kind) { return kKinds[size_t(kind)].name; }
Severity DiagKindSeverity(DiagKind kind) { return kKinds[size_t(kind)].severity; }
std::string_view WarningCode(DiagKind kind) { return kKinds[size_t(kind)].code; }

bool IsWarningCode(std::string_view code) {
  for (const KindInfo& k : kKinds)
    if (!k.code.empty() && k.code == code) return true;
  return false;
}

std::vector<std::string> SplitWarningCodes(std::string_view list) {
  std::vector<std::string> codes;
  std::string cur;
  for (size_t i = 0; i <= list.size(); ++i) {
    char c = i < list.size() ? list[i] : ';';
    if (c == ';' || c == ',') {
      if (!cur.empty()) codes.push_back(cur);
      cur.clear();
    } else if (c != ' ' && c != '\t') {
      cur += c;
    }
  }
  return codes;
}

bool DiagnosticEngine::Suppressed(DiagKind kind, SourceRange range) const {
  const KindInfo& k = kKinds[size_t(kind)];
  if (k.code.empty()) return false;
  if (policy_.none || (k.group == Group::Wall && !policy_.all)) return true;
  if (policy_.disabled.count(std::string(k.code))) return true;
  if (!range.begin.Valid()) return false;
  FileId f = range.begin.file;
  if (file_all_disabled_.count(f)) return true;
  auto it = file_disabled_.find(f);
  return it != file_disabled_.end() && it->second.count(std::string(k.code));
}

void DiagnosticEngine::DisableWarningsInFile(FileId file, const std::vector<std::string>& codes) {
  for (const std::string& c : codes) file_disabled_[file].insert(c);
  Withdraw(file);
}

void DiagnosticEngine::DisableAllWarningsInFile(FileId file) {
  file_all_disabled_.insert(file);
  Withdraw(file);
}

// Drops the warnings of `file` that its directives now disable (also those -Werror made errors).
void DiagnosticEngine::Withdraw(FileId file) {
  std::erase_if(diags_, [&](const Diagnostic& d) {
    if (!d.range.begin.Valid() || d.range.begin.file != file || !Suppressed(d.kind, d.range)) return false;
    if (d.severity == Severity::Error) --error_count_;
    return true;
  });
}

Diagnostic& DiagnosticEngine::Report(DiagKind kind, SourceRange range, std::string message) {
  Severity sev = DiagKindSeverity(kind);
  if (sev == Severity::Warning) {
    if (Suppressed(kind, range)) return dropped_ = {}, dropped_;
    if (policy_.as_errors) sev = Severity::Error;
  }
  if (sev == Severity::Error) {
    if (error_count_ >= error_limit_) {
      if (error_count_ == error_limit_) {
        ++error_count_;
        diags_.push_back({DiagKind::TooManyErrors, Severity::Error, {},
                          "too many errors; stopping after " + std::to_string(error_limit_),
                          {}, UINT32_MAX});
      }
      dropped_ = {};
      return dropped_;
    }
    ++error_count_;
  }
  diags_.push_back({kind, sev, range, std::move(message), {}, next_order_++});
  return diags_.back();
}

void DiagnosticEngine::RenderLocated(std::string& out, SourceRange range, std::string_view label,
                                     std::string_view message, std::string_view kind) const {
  const char* bold = color_ ? "\033[1m" : "";
  const char* reset = color_ ? "\033[0m" : "";
  const char* label_color = "";
  if (color_) label_color = label == "error" ? "\033[1;31m" : label == "warning" ? "\033[1;35m" : "\033[1;36m";
  if (range.begin.Valid()) {
    LineCol lc = sources_.Position(range.begin);
    out += bold + sources_.File(range.begin.file).path + ":" + std::to_string(lc.line) + ":" +
           std::to_string(lc.col) + ": " + reset;
  } else {
    out += std::string(bold) + "thrustc: " + reset;
  }
  out += std::string(label_color) + std::string(label) + ":" + reset + " " + std::string(message);
  if (!kind.empty()) out += " [" + std::string(kind) + "]";
  out += "\n";
  if (!range.begin.Valid()) return;
  std::string_view line = sources_.LineText(range.begin);
  size_t col = sources_.Position(range.begin).col - 1;
  size_t first = 0;
  if (line.size() > kMaxShownLine) {  // show a window around the caret
    first = col > kMaxShownLine / 2 ? col - kMaxShownLine / 2 : 0;
    line = line.substr(first, kMaxShownLine);
  }
  out.append(line);
  out += "\n";
  std::string caret;
  for (size_t i = first; i < col && i - first < line.size(); ++i)
    caret += line[i - first] == '\t' ? '\t' : ' ';
  caret += '^';
  size_t width = std::min<size_t>(range.length, line.size() > col - first ? line.size() - (col - first) : 1);
  for (size_t i = 1; i < width; ++i) caret += '~';
  out += std::string(color_ ? "\033[1;32m" : "") + caret + reset + "\n";
}

std::string DiagnosticEngine::Render(const Diagnostic& d) const {
  std::string out;
  std::string_view label = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  std::string kind(DiagKindName(d.kind));
  if (!WarningCode(d.kind).empty()) kind += " " + std::string(WarningCode(d.kind));
  RenderLocated(out, d.range, label, d.message, kind);
  for (const DiagNote& n : d.notes) RenderLocated(out, n.range, "note", n.message, "");
  return out;
}

void DiagnosticEngine::Flush(FILE* out) {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    bool av = a.range.begin.Valid(), bv = b.range.begin.Valid();
    if (av != bv) return av;  // located diagnostics first, then whole-program ones
    if (a.range.begin.file != b.range.begin.file) return a.range.begin.file < b.range.begin.file;
    if (a.range.begin.offset != b.range.begin.offset) return a.range.begin.offset < b.range.begin.offset;
    return a.order < b.order;
  });
  for (const Diagnostic& d : diags_) std::fputs(Render(d).c_str(), out);
  diags_.clear();
}

}  // namespace thrustc
