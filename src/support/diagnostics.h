// Diagnostics: every phase reports problems in the user's program here. Kinds come from
// diagnostics.def; output is `file:line:col: error: message [Kind]`, the source line, and a caret.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "support/source.h"

namespace thrustc {

enum class Severity : uint8_t { Error, Warning, Note };

// Errors and notes (diagnostics.def), then warnings (warnings.def).
enum class DiagKind : uint16_t {
#define THRUSTC_DIAG(name, severity) name,
#include "support/diagnostics.def"
#undef THRUSTC_DIAG
#define THRUSTC_WARNING(name, code, group) name,
#include "support/warnings.def"
#undef THRUSTC_WARNING
};

std::string_view DiagKindName(DiagKind kind);
Severity DiagKindSeverity(DiagKind kind);
std::string_view WarningCode(DiagKind kind);  // "W0001"; empty for errors and notes
bool IsWarningCode(std::string_view code);    // a code of warnings.def

// Which warnings are reported, from the command line (-w, -Wall, -Werror, --disable-warnings).
// Directives (section 14) add per-file exceptions through the engine.
struct WarningPolicy {
  bool none = false;        // -w, --disable-all-warnings
  bool all = false;         // -Wall: also the warnings of group Wall
  bool as_errors = false;   // -Werror
  std::unordered_set<std::string> disabled;  // codes
};
// Codes from a --disable-warnings list: separated by `;` or `,`, blanks ignored.
std::vector<std::string> SplitWarningCodes(std::string_view list);

struct DiagNote {
  SourceRange range;  // may be invalid: a note without a location
  std::string message;
};

struct Diagnostic {
  DiagKind kind;
  Severity severity;
  SourceRange range;  // may be invalid for whole-program problems
  std::string message;
  std::vector<DiagNote> notes;
  uint32_t order = 0;  // report order, to keep sorting stable
};

class DiagnosticEngine {
 public:
  explicit DiagnosticEngine(const SourceManager& sources) : sources_(sources) {}

  // Records a diagnostic; the returned reference stays valid until the next Report.
  Diagnostic& Report(DiagKind kind, SourceRange range, std::string message);
  void AddNote(Diagnostic& d, SourceRange range, std::string message) {
    d.notes.push_back({range, std::move(message)});
  }

  bool HasErrors() const { return error_count_ > 0; }
  uint32_t ErrorCount() const { return error_count_; }
  const std::vector<Diagnostic>& All() const { return diags_; }

  // Sorts by file and position (stable) and writes everything reported so far to `out`.
  void Flush(FILE* out);
  std::string Render(const Diagnostic& d) const;  // without colour
  void SetColor(bool on) { color_ = on; }
  // After this many errors further ones are dropped and one TooManyErrors is added.
  void SetErrorLimit(uint32_t n) { error_limit_ = n; }

  void SetWarningPolicy(WarningPolicy policy) { policy_ = std::move(policy); }
  // A file's own exceptions (its directives); warnings already reported in it are withdrawn.
  void DisableWarningsInFile(FileId file, const std::vector<std::string>& codes);
  void DisableAllWarningsInFile(FileId file);
  bool Suppressed(DiagKind kind, SourceRange range) const;

 private:
  void RenderLocated(std::string& out, SourceRange range, std::string_view label,
                     std::string_view message, std::string_view kind) const;
  void Withdraw(FileId file);
  const SourceManager& sources_;
  WarningPolicy policy_;
  std::unordered_map<FileId, std::unordered_set<std::string>> file_disabled_;
  std::unordered_set<FileId> file_all_disabled_;
  std::vector<Diagnostic> diags_;
  Diagnostic dropped_{};
  uint32_t error_count_ = 0;
  uint32_t error_limit_ = 200;
  uint32_t next_order_ = 0;
  bool color_ = false;
};

}  // namespace thrustc
