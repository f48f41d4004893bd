// tir_run: runs the `; run:` lines of a Thrust IR text file (tests/ir/*.tir) on one executor.
//   tir_run --executor interp FILE.tir
// Each line `; run: @f(1, -2, 0.5) == 3` calls @f and compares its result; `; run: @f(0) traps
// division by zero` expects a failure with that message. Parses with ir::ParseModule, verifies
// with ir::Verify, prints one line per run line, exits 1 on any mismatch or error. Executors
// plug in through MakeExecutor: "interp" and the ctjit's "jit".
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ctjit/jit.h"
#include "interp/interpreter.h"
#include "ir/call_values.h"
#include "ir/ir.h"
#include "ir/ir_parser.h"
#include "ir/verifier.h"
#include "platform/symbols.h"

namespace {

using namespace thrustc;

// What tir_run needs of an executor: call one function with raw scalar arguments.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual std::optional<ir::EvalFailure> Call(const ir::Module& m, ir::FuncId f, const std::vector<uint64_t>& args,
                                              uint64_t& result) = 0;
};

class InterpExecutor : public Executor {
 public:
  std::optional<ir::EvalFailure> Call(const ir::Module& m, ir::FuncId f, const std::vector<uint64_t>& args,
                                      uint64_t& result) override {
    return interp_.Call(m, f, args, result);
  }

 private:
  platform::Symbols symbols_;
  interp::Interpreter interp_{symbols_};
};

class JitExecutor : public Executor {
 public:
  std::optional<ir::EvalFailure> Call(const ir::Module& m, ir::FuncId f, const std::vector<uint64_t>& args,
                                      uint64_t& result) override {
    return jit_.Call(m, f, args, result);
  }

 private:
  platform::Symbols symbols_;
  ctjit::Jit jit_{symbols_};
};

std::unique_ptr<Executor> MakeExecutor(const std::string& name) {
  if (name == "interp") return std::make_unique<InterpExecutor>();
  if (name == "jit") return std::make_unique<JitExecutor>();
  return nullptr;
}

// A literal of a run line: an integer, or a float when it has a '.', 'e', "inf" or "nan".
struct Literal {
  bool is_float = false;
  int64_t i = 0;
  double f = 0;
  std::string text;
};

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

bool ParseLiteral(const std::string& text, Literal& out) {
  out.text = text;
  if (text.empty()) return false;
  bool floaty = text.find_first_of(".eE") != std::string::npos || text.find("inf") != std::string::npos ||
                text.find("nan") != std::string::npos;
  char* end = nullptr;
  if (floaty) {
    out.is_float = true;
    out.f = std::strtod(text.c_str(), &end);
  } else if (text[0] == '-') {
    out.i = std::strtoll(text.c_str(), &end, 0);
  } else {
    out.i = int64_t(std::strtoull(text.c_str(), &end, 0));
  }
  return end && *end == '\0';
}

struct RunLine {
  std::string function;
  std::vector<Literal> args;
  bool expects_trap = false;
  Literal expected;
  std::string trap_words;
};

// Parses the text after "; run:"; returns an error message or "".
std::string ParseRunLine(const std::string& text, RunLine& out) {
  std::string s = Trim(text);
  size_t open = s.find('('), close = s.find(')');
  if (s.empty() || s[0] != '@' || open == std::string::npos || close == std::string::npos || close < open)
    return "expected `@name(args) == value` or `@name(args) traps <message>`";
  out.function = s.substr(1, open - 1);
  std::stringstream args(s.substr(open + 1, close - open - 1));
  for (std::string arg; std::getline(args, arg, ',');) {
    Literal lit;
    if (!ParseLiteral(Trim(arg), lit)) return "bad argument `" + Trim(arg) + "`";
    out.args.push_back(lit);
  }
  std::string rest = Trim(s.substr(close + 1));
  if (rest.rfind("==", 0) == 0) {
    if (!ParseLiteral(Trim(rest.substr(2)), out.expected)) return "bad expected value `" + Trim(rest.substr(2)) + "`";
    return "";
  }
  if (rest.rfind("traps", 0) == 0) {
    out.expects_trap = true;
    out.trap_words = Trim(rest.substr(5));
    return out.trap_words.empty() ? "`traps` needs the trap's message" : "";
  }
  return "expected `== value` or `traps <message>` after the call";
}

using ir::FloatBits;

double BitsToFloat(ir::Type t, uint64_t v) {
  if (t == ir::Type::F32) {
    float f;
    uint32_t bits = uint32_t(v);
    std::memcpy(&f, &bits, 4);
    return f;
  }
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}

int64_t SignExtend(ir::Type t, uint64_t v) {
  unsigned sh = 64 - ir::TypeSize(t) * 8;
  return sh >= 64 ? 0 : int64_t(v << sh) >> sh;
}

std::string Describe(const ir::EvalFailure& f) {
  std::string s = f.message;
  if (!f.function.empty()) s += " in @" + f.function;
  return s;
}

std::string FormatResult(ir::Type t, uint64_t raw) {
  if (ir::IsFloat(t)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", BitsToFloat(t, raw));
    return buf;
  }
  return t == ir::Type::Void ? "void" : std::to_string(SignExtend(t, raw));
}

// Runs one line; returns "" when it passed, else what went wrong.
std::string Check(Executor& exec, const ir::Module& m, const RunLine& run) {
  ir::FuncId f = m.FindFunction(run.function);
  if (f == UINT32_MAX) return "no function @" + run.function;
  const ir::Signature& sig = m.functions[f].sig;
  if (sig.params.size() != run.args.size()) return "wrong number of arguments";
  std::vector<uint64_t> args;
  for (size_t i = 0; i < run.args.size(); ++i) {
    ir::Type t = sig.params[i].scalar;
    if (sig.params[i].IsAgg()) return "aggregate parameters are not supported in run lines";
    if (run.args[i].is_float != ir::IsFloat(t))
      return "argument " + std::to_string(i + 1) + " `" + run.args[i].text + "` does not fit type " +
             std::string(ir::TypeName(t));
    args.push_back(run.args[i].is_float ? FloatBits(t, run.args[i].f) : uint64_t(run.args[i].i));
  }
  uint64_t raw = 0;
  auto failure = exec.Call(m, f, args, raw);
  if (run.expects_trap) {
    if (!failure) return "expected a trap (" + run.trap_words + "), got " + FormatResult(sig.ret.scalar, raw);
    if (failure->message != run.trap_words) return "expected trap `" + run.trap_words + "`, got " + Describe(*failure);
    return "";
  }
  if (failure) return "failed: " + Describe(*failure);
  ir::Type t = sig.ret.scalar;
  if (ir::IsFloat(t)) {
    if (!run.expected.is_float) return "expected value must be a float";
    double got = BitsToFloat(t, raw), want = run.expected.f;
    if (t == ir::Type::F32) want = float(want);
    bool same = (std::isnan(got) && std::isnan(want)) || got == want;
    return same ? "" : "expected " + run.expected.text + ", got " + FormatResult(t, raw);
  }
  if (run.expected.is_float) return "expected value must be an integer";
  bool same = SignExtend(t == ir::Type::Ptr ? ir::Type::I64 : t, raw) ==
              SignExtend(t == ir::Type::Ptr ? ir::Type::I64 : t, uint64_t(run.expected.i));
  return same ? "" : "expected " + run.expected.text + ", got " + FormatResult(t, raw);
}

int RunFile(Executor& exec, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tir_run: cannot read %s\n", path.c_str());
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  ir::Module m;
  ir::ParseError error;
  if (!ir::ParseModule(text, m, error)) {
    std::fprintf(stderr, "%s:%u:%u: parse error: %s\n", path.c_str(), error.line, error.col, error.message.c_str());
    return 1;
  }
  auto problems = ir::Verify(m);
  for (const std::string& p : problems) std::fprintf(stderr, "%s: verify: %s\n", path.c_str(), p.c_str());
  if (!problems.empty()) return 1;

  std::istringstream lines(text);
  int line_no = 0, runs = 0, failed = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    std::string t = Trim(line);
    if (t.rfind("; run:", 0) != 0) continue;
    ++runs;
    RunLine run;
    std::string problem = ParseRunLine(t.substr(6), run);
    if (problem.empty()) problem = Check(exec, m, run);
    std::fflush(stdout);  // the program's own output comes before the verdict
    if (problem.empty()) {
      std::printf("ok   %s:%d: %s\n", path.c_str(), line_no, Trim(t.substr(6)).c_str());
    } else {
      ++failed;
      std::printf("FAIL %s:%d: %s: %s\n", path.c_str(), line_no, Trim(t.substr(6)).c_str(), problem.c_str());
    }
  }
  std::printf("%d run lines, %d passed, %d failed\n", runs, runs - failed, failed);
  if (runs == 0) std::fprintf(stderr, "%s: no `; run:` lines: this file tests nothing\n", path.c_str());
  return failed || runs == 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string executor = "interp";
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--executor" && i + 1 < argc) executor = argv[++i];
    else if (a.rfind("--executor=", 0) == 0) executor = a.substr(11);
    else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: tir_run [--executor interp|jit] FILE.tir...\n");
    return 2;
  }
  auto exec = MakeExecutor(executor);
  if (!exec) {
    std::fprintf(stderr, "tir_run: executor `%s` is not supported yet (available: interp, jit)\n", executor.c_str());
    return 1;
  }
  int status = 0;
  for (const std::string& f : files) status |= RunFile(*exec, f);
  return status;
}
