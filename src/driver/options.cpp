// Command-line parsing: one table (options.def) drives recognition and --help.
#include "driver/options.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace thrustc::driver {

namespace {
enum class OptionId {
#define THRUSTC_OPTION(id, spelling, arg, help) id,
#include "driver/options.def"
#undef THRUSTC_OPTION
};
enum class Arg { None, Value };
struct OptionInfo {
  OptionId id;
  std::string_view spelling;
  Arg arg;
  std::string_view help;
};
constexpr OptionInfo kOptions[] = {
#define THRUSTC_OPTION(id, spelling, arg, help) {OptionId::id, spelling, Arg::arg, help},
#include "driver/options.def"
#undef THRUSTC_OPTION
};

const OptionInfo* FindOption(std::string_view word) {
  for (const OptionInfo& o : kOptions)
    if (o.spelling == word) return &o;
  return nullptr;
}

// An option that takes one of two words: stores it in `out`, or says what it takes.
bool SetChoice(std::string& out, const std::string& value, const char* option, const char* a, const char* b,
               std::string& error) {
  if (value != a && value != b) {
    error = std::string(option) + " takes " + a + " or " + b + ", not '" + value + "'";
    return false;
  }
  out = value;
  return true;
}

bool SetMode(Options& out, Mode mode, std::string_view word, std::string& error) {
  if (out.mode != Mode::Compile && out.mode != mode) {
    error = "'" + std::string(word) + "' cannot be combined with another mode option";
    return false;
  }
  out.mode = mode;
  return true;
}

bool ApplyPrint(Options& out, const std::string& what, std::string& error) {
  if (what == "tokens") return SetMode(out, Mode::PrintTokens, "-print", error);
  if (what == "ast") return SetMode(out, Mode::PrintAst, "-print", error);
  if (what == "thrust-ir") return SetMode(out, Mode::PrintIr, "-print", error);
  if (what == "llvm-ir" || what == "asm") {
    out.artifact = what;
    return SetMode(out, Mode::PrintArtifact, "-print", error);
  }
  if (what == "ctjit-asm") {
    out.print_ctjit_asm = true;
    return true;
  }
  error = "-print takes tokens, ast, thrust-ir or ctjit-asm, or llvm-ir or asm, not '" + what + "'";
  return false;
}

bool Apply(Options& out, OptionId id, const std::string& value, std::string& error) {
  switch (id) {
    case OptionId::Help:
    case OptionId::HelpShort: out.mode = Mode::Help; return true;
    case OptionId::Version: out.mode = Mode::Version; return true;
    case OptionId::Interp: return SetMode(out, Mode::Interp, "-interp", error);
    case OptionId::Jit: return SetMode(out, Mode::Jit, "-jit", error);
    case OptionId::Check: return SetMode(out, Mode::Check, "-check", error);
    case OptionId::Print: return ApplyPrint(out, value, error);
    case OptionId::Emit:
      if (value == "thrust-ir") return SetMode(out, Mode::EmitIr, "-emit", error);
      if (value != "llvm-ir" && value != "llvm-bc" && value != "asm" && value != "obj") {
        error = "-emit takes thrust-ir, llvm-ir, llvm-bc, asm or obj, not '" + value + "'";
        return false;
      }
      out.artifact = value;
      return SetMode(out, Mode::EmitArtifact, "-emit", error);
    case OptionId::CompileOnly: out.artifact = "obj"; return SetMode(out, Mode::EmitArtifact, "-c", error);
    case OptionId::AsmOnly: out.artifact = "asm"; return SetMode(out, Mode::EmitArtifact, "-S", error);
    case OptionId::O0: out.opt_level = 0; return true;
    case OptionId::O1: out.opt_level = 1; return true;
    case OptionId::O2: out.opt_level = 2; return true;
    case OptionId::O3: out.opt_level = 3; return true;
    case OptionId::Opt:
      if (value.size() != 2 || value[0] != 'O' || value[1] < '0' || value[1] > '3') {
        error = "-opt takes O0, O1, O2 or O3, not '" + value + "'";
        return false;
      }
      out.opt_level = uint8_t(value[1] - '0');
      return true;
    case OptionId::Library: out.libraries.push_back(value); return true;
    case OptionId::LibraryDir: out.library_dirs.push_back(value); return true;
    case OptionId::TargetTriple: out.target_triple = value; return true;
    case OptionId::Output: out.output = value; return true;
    case OptionId::RunIr:
      out.inputs.push_back(value);
      return SetMode(out, Mode::RunIr, "-run-ir", error);
    case OptionId::CtBackend: return SetChoice(out.ct_backend, value, "-ct-backend", "interp", "jit", error);
    case OptionId::CtTimeout: {
      char* end = nullptr;
      double v = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(v >= 0)) {
        error = "-ct-timeout takes a number of seconds, not '" + value + "'";
        return false;
      }
      out.ct_timeout_seconds = v;
      return true;
    }
    case OptionId::JitEntry: out.jit_entry = value; return true;
    case OptionId::CtIsolation:
      return SetChoice(out.ct_isolation, value, "-ct-isolation", "in-process", "process", error);
    case OptionId::CtMemory: {
      char* end = nullptr;
      unsigned long long v = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || value[0] == '-') {
        error = "-ct-memory takes a number of MiB, not '" + value + "'";
        return false;
      }
      out.ct_memory_mib = v;
      return true;
    }
    case OptionId::CtjitMemory: return SetChoice(out.ctjit_memory, value, "-ctjit-memory", "wx", "rwx", error);
    case OptionId::CtjitTrace: out.ctjit_trace = true; return true;
    case OptionId::CtjitStats: out.ctjit_stats = true; return true;
    case OptionId::CtSandbox: out.ct_sandbox = true; return true;
    case OptionId::JitLibc: out.jit_libc = value; return true;
    case OptionId::JitLink: out.jit_link.push_back(value); return true;
    case OptionId::TimeReport: out.time_report = true; return true;
    case OptionId::NoWarnings:
    case OptionId::DisableAllWarnings: out.warnings.none = true; return true;
    case OptionId::AllWarnings: out.warnings.all = true; return true;
    case OptionId::WarningsAsErrors: out.warnings.as_errors = true; return true;
    case OptionId::DisableWarnings:
      for (std::string& code : SplitWarningCodes(value)) out.warnings.disabled.insert(std::move(code));
      return true;
    case OptionId::IncludeDir: out.include_dirs.push_back(value); return true;
    case OptionId::Define: out.defines.push_back(value); return true;
    case OptionId::NoCimportCache: out.cimport_cache = false; return true;
    case OptionId::StdDir: out.std_dir = value; return true;
    case OptionId::StdVersion: out.std_version = value; return true;
    case OptionId::Start:
    case OptionId::End: return true;  // handled by the caller
  }
  return true;
}
}  // namespace

bool ParseOptions(int argc, char** argv, Options& out, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "-start") {  // everything up to -end (or the end) belongs to the program
      for (++i; i < argc && std::strcmp(argv[i], "-end") != 0; ++i) out.program_args.push_back(argv[i]);
      continue;
    }
    const OptionInfo* opt = FindOption(word);
    std::string joined_value;  // --long=value
    bool joined = false;
    if (!opt && word.starts_with("--") && word.find('=') != std::string_view::npos) {
      size_t eq = word.find('=');
      opt = FindOption(word.substr(0, eq));
      if (opt && opt->arg != Arg::Value) {
        error = "'" + std::string(word.substr(0, eq)) + "' takes no value";
        return false;
      }
      if (opt) joined_value = std::string(word.substr(eq + 1)), joined = true;
    }
    if (!opt) {
      if (word.size() > 1 && word[0] == '-') {
        error = "unknown option '" + std::string(word) + "' (see --help)";
        return false;
      }
      out.inputs.emplace_back(word);
      continue;
    }
    std::string value = joined_value;
    if (opt->arg == Arg::Value && !joined) {
      if (i + 1 >= argc) {
        error = "'" + std::string(word) + "' needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (!Apply(out, opt->id, value, error)) return false;
  }
  // `-print ctjit-asm` on its own shows the code compile-time evaluation compiles.
  if (out.print_ctjit_asm && out.mode == Mode::Compile) out.mode = Mode::Check;
  if (out.mode != Mode::Help && out.mode != Mode::Version && out.inputs.empty()) {
    error = "no input files (see --help)";
    return false;
  }
  return true;
}

std::string HelpText() {
  std::string text =
      "usage: thrustc [options] file.thrust...\n"
      "       thrustc -interp prog.thrust [-start args... -end]\n\n"
      "Compiles Thrust programs; compile-time code (const/static initializers, @compiletime calls)\n"
      "runs during compilation.\n\noptions:\n";
  for (const OptionInfo& o : kOptions) {
    std::string left = "  " + std::string(o.spelling) + (o.arg == Arg::Value ? " <value>" : "");
    if (left.size() < 24) left.resize(24, ' ');
    text += left + " " + std::string(o.help) + "\n";
  }
  text += "\nexit status: 0 success, 1 errors in the program, 2 bad command line or unreadable input,\n"
          "70 internal error; when running a program: main's return value (128+N if it dies by signal N).\n";
  return text;
}

}  // namespace thrustc::driver
