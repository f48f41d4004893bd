// Diagnostics: every phase reports problems in the user's program here. Kinds come from
// diagnostics.def; output is `file:line:col: error: message [Kind]`, the source line, and a caret.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "support/source.h"

namespace thrustc {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagKind : uint16_t {
#define THRUSTC_DIAG(name, severity) name,
#include "support/diagnostics.def"
#undef THRUSTC_DIAG
};

std::string_view DiagKindName(DiagKind kind);
Severity DiagKindSeverity(DiagKind kind);

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

 private:
  void RenderLocated(std::string& out, SourceRange range, std::string_view label,
                     std::string_view message, std::string_view kind) const;
  const SourceManager& sources_;
  std::vector<Diagnostic> diags_;
  Diagnostic dropped_{};
  uint32_t error_count_ = 0;
  uint32_t error_limit_ = 200;
  uint32_t next_order_ = 0;
  bool color_ = false;
};

}  // namespace thrustc
