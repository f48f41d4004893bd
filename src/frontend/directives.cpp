// Directives: one table of the flags a `directive` may carry, each with what it does.
#include "frontend/directives.h"

#include <filesystem>
#include <string_view>

namespace thrustc::frontend {

namespace {
namespace fs = std::filesystem;

enum class Effect {
  DisableWarnings,     // --disable-warnings=W0005;W0020
  DisableAllWarnings,  // --disable-all-warnings
  CInclude,            // --import-c-include=DIR
  CDefine,             // --import-c-define=NAME[=V]
  NotYet,              // accepted; not supported yet: a note says it is ignored
  Codegen,             // accepted; code generation is per compilation: a note says it is ignored
  Mode,                // -mode stable|unstable: every feature is always available
};
struct Flag {
  std::string_view name;
  Effect effect;
  bool prefix = false;  // also every flag that starts with `name` (--disable-*, -dbg...)
};
constexpr Flag kFlags[] = {
    {"--disable-warnings", Effect::DisableWarnings},
    {"--disable-all-warnings", Effect::DisableAllWarnings},
    {"--import-c-include", Effect::CInclude},
    {"--import-c-define", Effect::CDefine},
    {"--import-c-system-include", Effect::NotYet},
    {"--import-c-undef", Effect::NotYet},
    {"--import-c-std", Effect::NotYet},
    {"--import-c-target", Effect::NotYet},
    {"--import-c-sysroot", Effect::NotYet},
    {"--import-c-arg", Effect::NotYet},
    {"--import-c-scope", Effect::NotYet},
    {"-mode", Effect::Mode},
    {"-opt", Effect::Codegen},
    {"-dbg", Effect::Codegen, true},
    {"-reloc-model", Effect::Codegen},
    {"-code-model", Effect::Codegen},
    {"--sanitizer", Effect::Codegen},
    {"--opt-passes", Effect::Codegen},
    {"--disable-", Effect::Codegen, true},
    {"-target", Effect::Codegen},
    {"-cpu", Effect::Codegen},
    {"-cpu-features", Effect::Codegen},
};

const Flag* FindFlag(std::string_view name) {
  for (const Flag& f : kFlags)
    if (f.name == name) return &f;
  for (const Flag& f : kFlags)
    if (f.prefix && name.starts_with(f.name)) return &f;
  return nullptr;
}

// A relative directory: against the working directory if it exists there, else the file's.
std::string ResolveDir(const std::string& dir, const std::string& file_path) {
  fs::path p(dir);
  if (p.is_absolute()) return dir;
  std::error_code ec;
  if (fs::is_directory(p, ec)) return dir;
  return (fs::path(file_path).parent_path() / p).string();
}

void Apply(std::string_view text, SourceRange where, FileId file, const SourceManager& sources,
           DiagnosticEngine& diags, DirectiveEffects& out) {
  size_t split = text.find_first_of("=:");
  std::string_view name = text.substr(0, split);
  std::string value = split == std::string_view::npos ? "" : std::string(text.substr(split + 1));
  const Flag* flag = text.starts_with("-") ? FindFlag(name) : nullptr;
  if (!flag) {
    diags.Report(DiagKind::InvalidDirective, where,
                 "`" + std::string(text) + "` is not a flag a directive accepts (see the language page, section 14)");
    return;
  }
  bool needs_value = flag->effect == Effect::DisableWarnings || flag->effect == Effect::CInclude ||
                     flag->effect == Effect::CDefine;
  if (needs_value && value.empty()) {
    diags.Report(DiagKind::InvalidDirective, where, "`" + std::string(name) + "` needs a value: `" +
                                                       std::string(name) + "=...`");
    return;
  }
  switch (flag->effect) {
    case Effect::DisableWarnings: return diags.DisableWarningsInFile(file, SplitWarningCodes(value));
    case Effect::DisableAllWarnings: return diags.DisableAllWarningsInFile(file);
    case Effect::CInclude: return out.c_include_dirs.push_back(ResolveDir(value, sources.File(file).path));
    case Effect::CDefine: return out.c_defines.push_back(value);
    case Effect::NotYet:
      diags.Report(DiagKind::IgnoredDirective, where, "`" + std::string(name) + "` is not supported yet; ignored");
      return;
    case Effect::Codegen:
      diags.Report(DiagKind::IgnoredDirective, where,
                   "`" + std::string(name) + "` is ignored: thrustc sets code generation per compilation, "
                   "on the command line");
      return;
    case Effect::Mode: return;
  }
}
}  // namespace

void ApplyDirectives(const Ast& ast, const SourceManager& sources, DiagnosticEngine& diags, DirectiveEffects& out) {
  for (NodeId item : ast.items)
    if (ast[item].kind == NodeKind::DirectiveItem)
      Apply(ast.strings[ast[item].a], ast.Range(item), ast.file, sources, diags, out);
}

}  // namespace thrustc::frontend
