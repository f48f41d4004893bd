// Unit tests for source locations and diagnostic rendering (src/support/).
#include <doctest/doctest.h>

#include "support/diagnostics.h"

using namespace thrustc;

TEST_CASE("line and column of an offset") {
  SourceManager sm;
  FileId f = sm.AddBuffer("a.thrust", "ab\ncde\n\nf");
  CHECK(sm.Position({f, 0}).line == 1);
  CHECK(sm.Position({f, 4}).line == 2);
  CHECK(sm.Position({f, 4}).col == 2);
  CHECK(sm.Position({f, 8}).line == 4);
  CHECK(sm.LineText({f, 5}) == "cde");
}

TEST_CASE("a diagnostic renders as file:line:col, message, kind, source line and caret") {
  SourceManager sm;
  FileId f = sm.AddBuffer("x.thrust", "var a: s32 = true;\n");
  DiagnosticEngine d(sm);
  d.Report(DiagKind::TypeMismatch, {{f, 13}, 4}, "expected `s32`, found `bool`");
  CHECK(d.HasErrors());
  CHECK(d.Render(d.All()[0]) ==
        "x.thrust:1:14: error: expected `s32`, found `bool` [TypeMismatch]\n"
        "var a: s32 = true;\n"
        "             ^~~~\n");
}

TEST_CASE("notes follow their diagnostic with their own location") {
  SourceManager sm;
  FileId f = sm.AddBuffer("n.thrust", "fn f() {}\nfn f() {}\n");
  DiagnosticEngine d(sm);
  Diagnostic& diag = d.Report(DiagKind::Redeclaration, {{f, 13}, 1}, "`f` is declared twice");
  d.AddNote(diag, {{f, 3}, 1}, "first declared here");
  std::string out = d.Render(d.All()[0]);
  CHECK(out.find("n.thrust:2:4: error: `f` is declared twice [Redeclaration]") == 0);
  CHECK(out.find("n.thrust:1:4: note: first declared here\n") != std::string::npos);
}

TEST_CASE("warnings do not count as errors and kinds have stable names") {
  SourceManager sm;
  FileId f = sm.AddBuffer("w.thrust", "x");
  DiagnosticEngine d(sm);
  d.Report(DiagKind::UnknownAttribute, {{f, 0}, 1}, "unknown attribute `@foo`");
  CHECK_FALSE(d.HasErrors());
  CHECK(DiagKindName(DiagKind::UnknownAttribute) == "UnknownAttribute");
  CHECK(DiagKindSeverity(DiagKind::UnknownAttribute) == Severity::Warning);
}

TEST_CASE("diagnostics are sorted by position when flushed") {
  SourceManager sm;
  FileId f = sm.AddBuffer("s.thrust", "aaaa\nbbbb\n");
  DiagnosticEngine d(sm);
  d.Report(DiagKind::UndefinedName, {{f, 6}, 1}, "second");
  d.Report(DiagKind::UndefinedName, {{f, 1}, 1}, "first");
  FILE* tmp = std::tmpfile();
  d.Flush(tmp);
  std::rewind(tmp);
  char buf[512] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, tmp);
  std::fclose(tmp);
  std::string out(buf, n);
  CHECK(out.find("first") < out.find("second"));
}

TEST_CASE("the error limit stops a flood with one TooManyErrors") {
  SourceManager sm;
  FileId f = sm.AddBuffer("f.thrust", std::string(100, '$'));
  DiagnosticEngine d(sm);
  d.SetErrorLimit(3);
  for (int i = 0; i < 10; ++i) d.Report(DiagKind::InvalidCharacter, {{f, uint32_t(i)}, 1}, "bad");
  CHECK(d.All().size() == 4);
  CHECK(d.All().back().kind == DiagKind::TooManyErrors);
}

TEST_CASE("a very long source line is shown as a window around the caret") {
  SourceManager sm;
  std::string line(100000, 'x');
  FileId f = sm.AddBuffer("l.thrust", line);
  DiagnosticEngine d(sm);
  d.Report(DiagKind::InvalidCharacter, {{f, 50000}, 1}, "bad");
  std::string out = d.Render(d.All()[0]);
  CHECK(out.size() < 600);
  CHECK(out.find("l.thrust:1:50001:") == 0);
}
