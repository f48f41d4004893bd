// The pipeline: load → lex → parse (+ imports) → check, evaluate compile-time code, lower to IR →
// verify → print / emit / run. Compile() reads top to bottom as the list of phases.
#include "driver/compile.h"


#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "aot/aot.h"
#include "driver/backends.h"
#include "driver/isolated_evaluator.h"
#include "driver/output_file.h"
#include "driver/phase_timer.h"
#include "driver/timed_evaluator.h"
#include "cimport/cimport.h"
#include "frontend/check_and_lower.h"
#include "frontend/directives.h"
#include "frontend/syntax/lexer.h"
#include "frontend/syntax/parser.h"
#include "ctjit/jit.h"
#include "interp/interpreter.h"
#include "ir/ir_parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "platform/plugin.h"
#include "platform/symbols.h"
#include "support/diagnostics.h"

namespace thrustc::driver {

namespace {
namespace fs = std::filesystem;

constexpr int kExitOk = 0, kExitProgramError = 1, kExitUsage = 2, kExitInternal = 70;

// Everything one compilation owns.
struct Compilation {
  explicit Compilation(const Options& o) : options(o), diags(sources) {
    diags.SetColor(isatty(STDERR_FILENO) && !std::getenv("NO_COLOR"));
    diags.SetWarningPolicy(o.warnings);
  }
  const Options& options;
  SourceManager sources;
  DiagnosticEngine diags;
  frontend::NameTable names;
  std::deque<frontend::TokenList> tokens;  // deques: addresses stay stable as files are added
  std::deque<frontend::Ast> asts;
  std::vector<std::string> loaded_paths;   // canonical paths, to load each import once
  frontend::DirectiveEffects directives;   // what the files' `directive`s add
  frontend::ModuleInput modules;           // what each import item loaded
  ir::Module module;
  PhaseTimer timer;
  uint64_t lines = 0;
};

int FlushDiagnostics(Compilation& c) {
  c.diags.Flush(stderr);
  return c.diags.HasErrors() ? kExitProgramError : kExitOk;
}

std::string CanonicalPath(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

// Lexes and parses one file; queues nothing (imports are found by ParseWithImports).
void LexAndParse(Compilation& c, FileId file) {
  const SourceFile& src = c.sources.File(file);
  c.lines += std::count(src.text.begin(), src.text.end(), '\n') + 1;
  c.timer.Begin("lex");
  c.tokens.push_back(frontend::Lex(file, src.text, c.diags));
  if (c.options.mode == Mode::PrintTokens) return;
  c.timer.Begin("parse");
  c.asts.push_back(frontend::Parse(c.tokens.back(), src.text, c.names, c.diags));
}

// Loads a file unless it is loaded already; returns its index (into c.asts), or kNoModule with
// `error` set when it cannot be read.
uint32_t LoadFile(Compilation& c, const std::string& path, std::string& error) {
  std::string canonical = CanonicalPath(path);
  auto it = std::find(c.loaded_paths.begin(), c.loaded_paths.end(), canonical);
  if (it != c.loaded_paths.end()) return uint32_t(it - c.loaded_paths.begin());
  FileId id = c.sources.Load(path, &error);
  if (id == UINT32_MAX) return frontend::kNoModule;
  c.loaded_paths.push_back(canonical);
  LexAndParse(c, id);
  return uint32_t(c.loaded_paths.size() - 1);
}

// The standard library's version directory: <root>/v<version>, the root from -std or the one
// installed with thrustc (share/thrustc/std beside the binary, else the source tree's lib/std),
// the version from -std-version or the newest there. Empty with `error` set when there is none.
std::string StdVersionDir(const Options& o, std::string& error) {
  std::vector<fs::path> roots;
  if (!o.std_dir.empty()) {
    roots.push_back(o.std_dir);
  } else {
    std::string exe_dir = platform::ExecutableDir();
    if (!exe_dir.empty()) roots.push_back(fs::path(exe_dir).parent_path() / "share" / "thrustc" / "std");
    roots.push_back(THRUSTC_SOURCE_STD_DIR);
  }
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    if (!o.std_version.empty()) {
      fs::path dir = root / ("v" + o.std_version);
      if (fs::is_directory(dir, ec)) return dir.string();
      error = "standard library version " + o.std_version + " is not installed in " + root.string();
      return "";
    }
    std::string best;
    std::vector<int> best_parts;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      std::string name = entry.path().filename().string();
      if (name.size() < 2 || name[0] != 'v' || !entry.is_directory()) continue;
      std::vector<int> parts;
      std::stringstream ss(name.substr(1));
      for (std::string part; std::getline(ss, part, '.');) parts.push_back(std::atoi(part.c_str()));
      if (best.empty() || parts > best_parts) best = entry.path().string(), best_parts = parts;
    }
    if (!best.empty()) return best;
  }
  error = o.std_dir.empty() ? "no standard library is installed with thrustc (use -std DIR)"
                            : "no standard library version in " + o.std_dir;
  return "";
}

// Where an import item points: a path relative to the importing file, or a std module.
// Reports what cannot be imported and returns an empty path.
std::string ImportPath(Compilation& c, const frontend::Ast& ast, frontend::NodeId item, const fs::path& dir) {
  const frontend::Node& n = ast[item];
  const std::string& spelled = ast.strings[n.a];
  const frontend::ImportDecl& d = ast.imports[n.b - 1];
  if (!d.is_std && !spelled.empty() && spelled.rfind("::", 0) == 0) {
    std::string file = spelled.substr(2);
    for (size_t i; (i = file.find("::")) != file.npos;) file.replace(i, 2, "/");
    c.diags.Report(DiagKind::InvalidImport, ast.Range(item),
                   "`import " + spelled.substr(2) + "` names no module: import a file (`import \"" + file +
                       ".thrust\";`) or the standard library (`import std::...;`)");
    return "";
  }
  if (!d.is_std) {
    std::string ext = fs::path(spelled).extension().string();
    if (ext != ".thrust" && ext != ".tht") {
      c.diags.Report(DiagKind::InvalidImport, ast.Range(item),
                     "cannot import `" + spelled + "`: a module's file name ends in `.thrust` or `.tht`");
      return "";
    }
    return (dir / spelled).string();
  }
  std::string error;
  std::string root = StdVersionDir(c.options, error);
  if (root.empty()) {
    c.diags.Report(DiagKind::StdModuleMissing, ast.Range(item), "cannot import std module: " + error);
    return "";
  }
  fs::path file = fs::path(root) / (spelled + ".thrust");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    std::string name = spelled;
    for (size_t i; (i = name.find('/')) != name.npos;) name.replace(i, 1, "::");
    c.diags.Report(DiagKind::StdModuleMissing, ast.Range(item),
                   "std module `" + name + "` is not available in thrustc yet");
    return "";
  }
  return file.string();
}

// `import "x.thrust";` loads x relative to the importing file, transitively; `import std::a::b;`
// loads a/b.thrust of the standard library. Each file loads once; every import item's file is
// recorded for the checker (c.modules).
void LoadImports(Compilation& c) {
  c.modules.roots = uint32_t(c.asts.size());
  for (size_t i = 0; i < c.asts.size(); ++i) {
    const frontend::Ast& ast = c.asts[i];
    fs::path dir = fs::path(c.sources.File(ast.file).path).parent_path();
    frontend::ApplyDirectives(ast, c.sources, c.diags, c.directives);
    for (frontend::NodeId item : ast.items) {
      if (ast[item].kind != frontend::NodeKind::ImportItem) continue;
      uint32_t target = frontend::kNoModule;
      std::string path = ImportPath(c, ast, item, dir);
      std::string error;
      if (!path.empty()) {
        target = LoadFile(c, path, error);
        if (target == frontend::kNoModule)
          c.diags.Report(DiagKind::ImportNotFound, ast.Range(item), "cannot import: " + error);
      }
      c.modules.imports.push_back({uint32_t(i), item, target});
    }
  }
}

bool LoadInputs(Compilation& c) {
  for (const std::string& input : c.options.inputs) {
    std::string error;
    if (LoadFile(c, input, error) == frontend::kNoModule) {
      std::fprintf(stderr, "thrustc: error: %s\n", error.c_str());
      return false;
    }
  }
  return true;
}

int PrintTokens(Compilation& c) {
  for (const frontend::TokenList& t : c.tokens)
    std::fputs(frontend::PrintTokens(t, c.sources.File(t.file).text, c.sources).c_str(), stdout);
  return FlushDiagnostics(c);
}

int PrintAst(Compilation& c) {
  for (const frontend::Ast& a : c.asts) std::fputs(frontend::PrintAst(a, c.names).c_str(), stdout);
  return FlushDiagnostics(c);
}

// The evaluator for compile-time code, chosen by -ct-backend, and the symbols it calls into.
struct Evaluation {
  platform::Symbols symbols;
  std::unique_ptr<interp::Interpreter> interpreter;
  std::unique_ptr<ctjit::Jit> jit;
  std::unique_ptr<IsolatedEvaluator> isolated;  // -ct-isolation process: runs the one above
  ir::Evaluator* evaluator = nullptr;
};

void PrintCtjitStats(ctjit::Jit& jit) {
  std::fprintf(stderr, "===== ctjit statistics (compile-time code) =====\n");
  jit.Stats().Print(stderr);
}

ctjit::JitOptions MakeJitOptions(const Options& o, bool compile_time) {
  ctjit::JitOptions j;
  j.memory = o.ctjit_memory == "rwx" ? platform::ExecPolicy::Rwx : platform::ExecPolicy::WriteXorExecute;
  if (compile_time) {
    j.ct_time_limit_seconds = o.ct_timeout_seconds;
    j.ct_memory_limit_bytes = o.ct_memory_mib << 20;
    j.compile_time = true;
  }
  j.trace = o.ctjit_trace ? stderr : nullptr;
  j.print_asm = o.print_ctjit_asm ? stdout : nullptr;
  return j;
}

bool SetUpEvaluation(const Options& o, Evaluation& e) {
  std::string error;
  if (!o.jit_libc.empty() && !e.symbols.SetLibc(o.jit_libc, &error)) {
    std::fprintf(stderr, "thrustc: error: -jit-libc: %s\n", error.c_str());
    return false;
  }
  for (const std::string& lib : o.jit_link)
    if (!e.symbols.AddLibrary(lib, &error)) {
      std::fprintf(stderr, "thrustc: error: -jit-link: %s\n", error.c_str());
      return false;
    }
  if (o.ct_backend == "jit") {
    e.jit = std::make_unique<ctjit::Jit>(e.symbols, MakeJitOptions(o, true));
    e.evaluator = e.jit.get();
  } else {
    interp::InterpOptions ct_options;
    ct_options.ct_time_limit_seconds = o.ct_timeout_seconds;
    ct_options.ct_memory_limit_bytes = o.ct_memory_mib << 20;
    ct_options.compile_time = true;
    e.interpreter = std::make_unique<interp::Interpreter>(e.symbols, ct_options);
    e.evaluator = e.interpreter.get();
  }
  if (o.ct_isolation == "process" || o.ct_sandbox) {
    ctjit::Jit* jit = o.ctjit_stats ? e.jit.get() : nullptr;
    auto report = [jit] {
      if (jit) PrintCtjitStats(*jit);
    };
    e.isolated = std::make_unique<IsolatedEvaluator>(*e.evaluator, o.ct_timeout_seconds, report, o.ct_sandbox);
    e.evaluator = e.isolated.get();
  }
  return true;
}

bool VerifyModule(Compilation& c) {
  c.timer.Begin("verify");
  std::vector<std::string> problems = ir::Verify(c.module);
  if (problems.empty()) return true;
  std::fprintf(stderr, "thrustc: internal error: lowering produced invalid IR:\n");
  for (size_t i = 0; i < problems.size() && i < 20; ++i) std::fprintf(stderr, "  %s\n", problems[i].c_str());
  return false;
}

std::string DefaultOutput(const Compilation& c, const char* extension) {
  fs::path p = fs::path(c.options.inputs.front()).filename();
  p.replace_extension(extension);
  return p.string();
}

int EmitIr(Compilation& c) {
  std::string path = c.options.output.empty() ? DefaultOutput(c, ".tir") : c.options.output;
  std::string error;
  if (!WriteOutputFile(path, ir::Print(c.module), error)) {
    std::fprintf(stderr, "thrustc: error: %s\n", error.c_str());
    return kExitUsage;
  }
  return kExitOk;
}

// Reports a failure of a running program (-interp) and returns the exit status for it.
int ReportRunFailure(Compilation& c, const ir::EvalFailure& f) {
  bool trap = f.kind == ir::EvalFailure::Kind::Trap;
  std::string message = (trap ? "program trapped: " : "program failed: ") + f.message +
                        (f.function.empty() ? "" : " in `" + f.function + "`");
  c.diags.Report(trap ? DiagKind::RunTrap : DiagKind::RunCrash, {f.loc, 1}, message);
  c.diags.Flush(stderr);
  return RunFailureExitStatus(f);
}

// Runs the program's entry on a fresh executor: the program starts from the statics' initial
// values, never from what compile-time code left in its own copies (section 10.2).
int RunMain(Compilation& c, Evaluation& e, bool native) {
  const std::string& entry = native ? c.options.jit_entry : std::string("main");
  ir::FuncId main_fn = c.module.FindFunction(entry);
  if (main_fn == UINT32_MAX || c.module.functions[main_fn].IsExternal()) {
    std::fprintf(stderr, "thrustc: error: the program has no `%s` function to run\n", entry.c_str());
    return kExitProgramError;
  }
  c.timer.Begin("run");
  std::vector<std::string> args{c.options.inputs.front()};
  args.insert(args.end(), c.options.program_args.begin(), c.options.program_args.end());
  int exit_code = 0;
  std::optional<ir::EvalFailure> failure;
  if (native) {
    ctjit::Jit runner(e.symbols, MakeJitOptions(c.options, false));
    failure = runner.RunMain(c.module, main_fn, args, exit_code);
    if (c.options.ctjit_stats) {
      std::fprintf(stderr, "===== ctjit statistics (-jit run) =====\n");
      runner.Stats().Print(stderr);
    }
  } else {
    interp::Interpreter runner(e.symbols);
    failure = runner.RunMain(c.module, main_fn, args, exit_code);
  }
  std::fflush(stdout);
  if (failure) return ReportRunFailure(c, *failure);
  return exit_code;
}

int Finish(Compilation& c, int status) {
  c.timer.End();
  if (c.options.time_report) c.timer.Report(stderr, c.lines);
  return status;
}

int AotError(const std::string& error) {
  std::fprintf(stderr, "thrustc: error: %s\n", error.c_str());
  return kExitProgramError;
}

// The AOT backend (src/aot): options, the artifact kinds, and -ftime-report phases for its parts.
aot::AotOptions AotOptionsOf(const Options& o) {
  aot::AotOptions a;
  a.opt = aot::OptLevel(o.opt_level);
  a.target_triple = o.target_triple;
  return a;
}

aot::Artifact ArtifactOf(const std::string& name) {
  if (name == "llvm-ir") return aot::Artifact::LlvmIr;
  if (name == "llvm-bc") return aot::Artifact::LlvmBc;
  if (name == "asm") return aot::Artifact::Asm;
  return aot::Artifact::Obj;
}

// Runs one AOT step timed as "aot lower", then splits optimisation and code generation out of it.
template <typename Step>
bool TimedAot(Compilation& c, Step step) {
  aot::AotTimes times;
  c.timer.Begin("aot lower");
  bool ok = step(&times);
  c.timer.Split("aot lower", "aot optimize", times.optimize_seconds, "LLVM -O" + std::to_string(c.options.opt_level));
  c.timer.Split("aot lower", "aot codegen", times.codegen_seconds, "");
  return ok;
}

int EmitArtifact(Compilation& c) {
  static const char* kExtensions[] = {".ll", ".bc", ".s", ".o"};
  aot::Artifact kind = ArtifactOf(c.options.artifact);
  std::string path = c.options.output.empty() ? DefaultOutput(c, kExtensions[int(kind)]) : c.options.output;
  std::string error;
  c.timer.Begin("aot load");  // opening the plugin relocates libLLVM: worth seeing
  const aot::PluginApi* aot = AotBackend(&error);
  if (!aot) return AotError(error);
  bool ok = TimedAot(c, [&](aot::AotTimes* t) {
    return aot->emit_artifact(c.module, AotOptionsOf(c.options), kind, path, &error, t);
  });
  return ok ? kExitOk : AotError(error);
}

int PrintArtifact(Compilation& c) {
  std::string text, error;
  c.timer.Begin("aot load");  // opening the plugin relocates libLLVM: worth seeing
  const aot::PluginApi* aot = AotBackend(&error);
  if (!aot) return AotError(error);
  bool ok = TimedAot(c, [&](aot::AotTimes* t) {
    return aot->print_artifact(c.module, AotOptionsOf(c.options), ArtifactOf(c.options.artifact), &text, &error, t);
  });
  if (!ok) return AotError(error);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

// The default: one object for the whole program (every input is in the module), linked with cc.
int BuildExecutable(Compilation& c) {
  std::string error;
  c.timer.Begin("aot load");  // opening the plugin relocates libLLVM: worth seeing
  const aot::PluginApi* aot = AotBackend(&error);
  if (!aot) return AotError(error);
  std::string object = (fs::temp_directory_path() / "thrustc-XXXXXX.o").string();
  int fd = mkstemps(object.data(), 2);
  if (fd < 0) return AotError("cannot create a temporary object file: " + std::string(std::strerror(errno)));
  close(fd);
  bool ok = TimedAot(c, [&](aot::AotTimes* t) {
    return aot->emit_artifact(c.module, AotOptionsOf(c.options), aot::Artifact::Obj, object, &error, t);
  });
  if (ok) {
    c.timer.Begin("aot link");
    aot::LinkOptions link;
    link.objects = {object};
    link.output = c.options.output.empty() ? "a.out" : c.options.output;
    link.libraries = c.options.libraries;
    link.library_dirs = c.options.library_dirs;
    link.extra = c.options.program_args;  // -start … -end: linker arguments when compiling
    link.target_triple = c.options.target_triple;
    ok = aot->link(link, &error);
  }
  std::remove(object.c_str());
  return ok ? kExitOk : AotError(error);
}
}  // namespace

// importC: every `importC "h";` item of every parsed file, in order, through libclang (section 11).
bool ImportC(Compilation& c, frontend::CDecls& out) {
  std::vector<cimport::ImportRequest> requests;
  for (const frontend::Ast& a : c.asts)
    for (frontend::NodeId item : a.items)
      if (a[item].kind == frontend::NodeKind::ImportCItem) requests.push_back({a.strings[a[item].a], a.Range(item)});
  if (requests.empty()) return true;
  c.timer.Begin("importC");
  std::string error;
  const cimport::PluginApi* importer = CImporter(&error);  // timed as part of importC
  if (!importer) {
    c.diags.Report(DiagKind::CHeaderError, requests.front().where, error);
    return false;
  }
  cimport::ImportOptions options{c.options.include_dirs, c.options.defines, &c.sources, c.options.cimport_cache};
  for (const std::string& dir : c.directives.c_include_dirs) options.include_dirs.push_back(dir);
  for (const std::string& def : c.directives.c_defines) options.defines.push_back(def);
  return importer->import_headers(requests, options, out, c.diags);
}

// What the compile-time facts of section 8.1 say about the target, the host and this compiler.
static frontend::CompileFacts CompileFactsOf(const Options& options) {
  frontend::CompileFacts f;
  f.target_triple = options.target_triple;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) f.host_name = host;
  f.processor_count = std::max(1u, std::thread::hardware_concurrency());
  f.timestamp = uint64_t(std::time(nullptr));
  return f;
}

int Compile(const Options& options) {
  Compilation c(options);
  c.timer.Begin("load");
  if (!LoadInputs(c)) return kExitUsage;                          // read every input file
  if (options.mode == Mode::PrintTokens) return PrintTokens(c);   // lex
  LoadImports(c);                                                 // parse, following imports
  if (options.mode == Mode::PrintAst) return PrintAst(c);
  if (c.diags.HasErrors()) return Finish(c, FlushDiagnostics(c));

  Evaluation eval;                                                // compile-time evaluator
  if (!SetUpEvaluation(options, eval)) return kExitUsage;
  frontend::CDecls c_decls;                                       // importC: C headers
  if (!ImportC(c, c_decls)) return Finish(c, FlushDiagnostics(c));
  c.timer.Begin("check+lower");                                   // check, run compile-time code,
  std::vector<const frontend::Ast*> files;                        // lower to Thrust IR
  for (const frontend::Ast& a : c.asts) files.push_back(&a);
  TimedEvaluator evaluator(*eval.evaluator);
  frontend::CheckAndLowerInput input{files, &c.names, &c.sources, &c.diags, &evaluator, &c_decls};
  input.facts = CompileFactsOf(options);
  input.modules = c.modules;
  bool ok = frontend::CheckAndLower(input, c.module);
  c.timer.Split("check+lower", "ct-eval", evaluator.Seconds(),
                std::to_string(evaluator.Runs()) + " compile-time evaluations (" + options.ct_backend +
                    (eval.isolated ? ", " + std::to_string(eval.isolated->WorkersStarted()) + " worker process(es)" : "") +
                    ")");
  if (!ok || c.diags.HasErrors()) return Finish(c, FlushDiagnostics(c));
  FlushDiagnostics(c);                                            // warnings
  if (options.ctjit_stats && eval.isolated) eval.isolated->Report();  // the JIT's figures are the worker's
  else if (options.ctjit_stats && eval.jit) PrintCtjitStats(*eval.jit);
  if (!VerifyModule(c)) return Finish(c, kExitInternal);          // verify the IR

  switch (options.mode) {                                         // what to do with it
    case Mode::PrintIr: std::fputs(ir::Print(c.module).c_str(), stdout); return Finish(c, kExitOk);
    case Mode::EmitIr: return Finish(c, EmitIr(c));
    case Mode::Check: return Finish(c, kExitOk);
    case Mode::Interp: return Finish(c, RunMain(c, eval, false));
    case Mode::Jit: return Finish(c, RunMain(c, eval, true));
    case Mode::EmitArtifact: return Finish(c, EmitArtifact(c));
    case Mode::PrintArtifact: return Finish(c, PrintArtifact(c));
    default: return Finish(c, BuildExecutable(c));
  }
}

int RunIrFile(const Options& options) {
  Compilation c(options);
  std::string error;
  FileId file = c.sources.Load(options.inputs.front(), &error);
  if (file == UINT32_MAX) {
    std::fprintf(stderr, "thrustc: error: %s\n", error.c_str());
    return kExitUsage;
  }
  ir::ParseError perr;
  if (!ir::ParseModule(c.sources.File(file).text, c.module, perr)) {
    std::fprintf(stderr, "%s:%u:%u: error: %s\n", options.inputs.front().c_str(), perr.line, perr.col,
                 perr.message.c_str());
    return kExitProgramError;
  }
  std::vector<std::string> problems = ir::Verify(c.module);
  if (!problems.empty()) {
    for (const std::string& p : problems) std::fprintf(stderr, "%s: error: %s\n", options.inputs.front().c_str(), p.c_str());
    return kExitProgramError;
  }
  Evaluation eval;
  if (!SetUpEvaluation(options, eval)) return kExitUsage;
  return RunMain(c, eval, false);
}

}  // namespace thrustc::driver
