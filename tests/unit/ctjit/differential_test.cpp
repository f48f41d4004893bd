// Differential tests of the ctjit against the interpreter (the oracle): every `; run:` function
// of tests/ir/*.tir, and a generated matrix of every integer, compare, float and conversion op
// at every width over edge values, with constant operands too (immediate folding).
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ctjit/jit.h"
#include "interp/interpreter.h"
#include "ir/ir_parser.h"

namespace {

using namespace thrustc;

struct Outcome {
  bool failed = false;
  std::string message;
  uint64_t value = 0;
};

Outcome Run(ir::Evaluator& e, bool jit, const ir::Module& m, ir::FuncId f, const std::vector<uint64_t>& args) {
  Outcome o;
  auto failure = jit ? static_cast<ctjit::Jit&>(e).Call(m, f, args, o.value)
                     : static_cast<interp::Interpreter&>(e).Call(m, f, args, o.value);
  if (failure) o.failed = true, o.message = failure->message, o.value = 0;
  return o;
}

ir::Module Parse(const std::string& text) {
  ir::Module m;
  ir::ParseError error;
  bool ok = ir::ParseModule(text, m, error);
  INFO(error.message << " at line " << error.line << "\n" << text);
  REQUIRE(ok);
  return m;
}

platform::Symbols& Syms() {
  static platform::Symbols symbols;
  return symbols;
}

// One interpreter and one JIT per module, reused for every comparison on it as a compilation
// reuses its JIT (each function is compiled once, on its first call). A JIT per comparison would
// map and unmap a code region half a million times, which under qemu-user (the AArch64 suite)
// grows the emulator's page tables without bound.
struct Executors {
  interp::Interpreter in{Syms()};
  ctjit::Jit jit{Syms()};
};

// Runs f(args) on both executors and checks they agree.
void Compare(Executors& ex, const ir::Module& m, const std::string& fname, const std::vector<uint64_t>& args) {
  interp::Interpreter& in = ex.in;
  ctjit::Jit& jit = ex.jit;
  ir::FuncId f = m.FindFunction(fname);
  INFO("function @" << fname);
  REQUIRE(f != UINT32_MAX);
  Outcome a = Run(in, false, m, f, args), b = Run(jit, true, m, f, args);
  std::string arg_text;
  for (uint64_t x : args) arg_text += std::to_string(int64_t(x)) + " ";
  INFO(fname << "(" << arg_text << ") interp: " << a.message << " " << int64_t(a.value) << " jit: " << b.message << " "
             << int64_t(b.value));
  CHECK(a.failed == b.failed);
  CHECK(a.message == b.message);
  CHECK(a.value == b.value);
}

const char* kIntTypes[] = {"i8", "i16", "i32", "i64"};
const int64_t kEdges[] = {0, 1, -1, 2, 3, 7, -7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 100, 127, -128, 255, 32767,
                          -32768, 65535, 2147483647, -2147483647 - 1, INT64_MAX, INT64_MIN, 0x123456789abcdefLL};

uint64_t Norm(int64_t v, int bits) {
  return bits == 64 ? uint64_t(v) : uint64_t(int64_t(uint64_t(v) << (64 - bits)) >> (64 - bits));
}

}  // namespace

TEST_CASE("every run function of tests/ir gives the interpreter's result on the jit") {
  auto dir = std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "ir";
  int files = 0, runs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".tir") continue;
    std::ifstream in(entry.path());
    std::stringstream buf;
    buf << in.rdbuf();
    ir::Module m = Parse(buf.str());
    Executors ex;
    ++files;
    std::istringstream lines(buf.str());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("; run: @", 0) != 0) continue;
      std::string name = line.substr(8, line.find('(') - 8);
      std::string inner = line.substr(line.find('(') + 1, line.find(')') - line.find('(') - 1);
      ir::FuncId f = m.FindFunction(name);
      REQUIRE(f != UINT32_MAX);
      std::vector<uint64_t> args;
      std::stringstream ss(inner);
      size_t i = 0;
      for (std::string tok; std::getline(ss, tok, ','); ++i) {
        ir::Type t = m.functions[f].sig.params[i].scalar;
        if (t == ir::Type::F64) {
          double d = std::strtod(tok.c_str(), nullptr);
          args.push_back(std::bit_cast<uint64_t>(d));
        } else if (t == ir::Type::F32) {
          float fl = float(std::strtod(tok.c_str(), nullptr));
          args.push_back(std::bit_cast<uint32_t>(fl));
        } else {
          args.push_back(uint64_t(std::strtoll(tok.c_str(), nullptr, 0)));
        }
      }
      Compare(ex, m, name, args);
      ++runs;
    }
  }
  CHECK(files >= 8);
  CHECK(runs >= 40);
}

TEST_CASE("integer ops at every width agree with the interpreter, register and constant operands") {
  const char* ops[] = {"add", "sub", "mul", "sdiv", "udiv", "srem", "urem", "and", "or", "xor", "shl", "lshr", "ashr"};
  for (int ti = 0; ti < 4; ++ti) {
    std::string t = kIntTypes[ti];
    int bits = 8 << ti;
    std::string text;
    for (const char* op : ops) {
      text += "fn @" + std::string(op) + "(%0: " + t + ", %1: " + t + ") -> " + t + " {\nbb0:\n  %2:" + t + " = " + op +
              " %0, %1\n  ret %2\n}\n";
      for (int64_t k : {int64_t(1), int64_t(-1), int64_t(bits == 8 ? 3 : 7), int64_t(bits - 1), int64_t(bits), int64_t(0)}) {
        std::string kn = k < 0 ? "m" + std::to_string(-k) : std::to_string(k);
        text += "fn @" + std::string(op) + "_k" + kn + "(%0: " + t + ") -> " + t + " {\nbb0:\n  %1:" + t + " = iconst " +
                std::to_string(k) + "\n  %2:" + t + " = " + op + " %0, %1\n  ret %2\n}\n";
      }
    }
    ir::Module m = Parse(text);
    Executors ex;
    for (const char* op : ops) {
      for (int64_t x : kEdges) {
        for (int64_t y : kEdges) Compare(ex, m, op, {Norm(x, bits), Norm(y, bits)});
        for (const char* kn : {"1", "m1", bits == 8 ? "3" : "7", "0"}) Compare(ex, m, std::string(op) + "_k" + kn, {Norm(x, bits)});
        Compare(ex, m, std::string(op) + "_k" + std::to_string(bits - 1), {Norm(x, bits)});
        Compare(ex, m, std::string(op) + "_k" + std::to_string(bits), {Norm(x, bits)});
      }
    }
  }
}

TEST_CASE("integer compares, unary ops and conversions agree with the interpreter") {
  const char* preds[] = {"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
  for (int ti = 0; ti < 4; ++ti) {
    std::string t = kIntTypes[ti];
    int bits = 8 << ti;
    std::string text;
    for (const char* p : preds) {
      text += "fn @" + std::string(p) + "(%0: " + t + ", %1: " + t + ") -> i8 {\nbb0:\n  %2:i8 = icmp " + p + " " + t +
              " %0, %1\n  ret %2\n}\n";
      // Fused with a branch.
      text += "fn @br_" + std::string(p) + "(%0: " + t + ", %1: " + t + ") -> i32 {\nbb0:\n  %2:i8 = icmp " + p + " " +
              t + " %0, %1\n  condbr %2, bb1, bb2\nbb1:\n  %3:i32 = iconst 10\n  ret %3\nbb2:\n  %4:i32 = iconst 20\n  ret %4\n}\n";
    }
    text += "fn @neg(%0: " + t + ") -> " + t + " {\nbb0:\n  %1:" + t + " = neg %0\n  ret %1\n}\n";
    text += "fn @not(%0: " + t + ") -> " + t + " {\nbb0:\n  %1:" + t + " = not %0\n  ret %1\n}\n";
    for (const char* to : kIntTypes) {
      for (const char* conv : {"sext", "zext", "trunc"}) {
        int to_bits = std::string(to) == "i8" ? 8 : std::string(to) == "i16" ? 16 : std::string(to) == "i32" ? 32 : 64;
        if ((std::string(conv) == "trunc") != (to_bits < bits) || to_bits == bits) continue;
        text += "fn @" + std::string(conv) + "_" + to + "(%0: " + t + ") -> " + to + " {\nbb0:\n  %1:" + to + " = " + conv +
                " %0\n  ret %1\n}\n";
      }
    }
    for (const char* fty : {"f32", "f64"}) {
      text += "fn @sitofp_" + std::string(fty) + "(%0: " + t + ") -> " + fty + " {\nbb0:\n  %1:" + fty + " = sitofp %0\n  ret %1\n}\n";
      text += "fn @uitofp_" + std::string(fty) + "(%0: " + t + ") -> " + fty + " {\nbb0:\n  %1:" + fty + " = uitofp %0\n  ret %1\n}\n";
    }
    ir::Module m = Parse(text);
    Executors ex;
    for (int64_t x : kEdges) {
      for (const char* p : preds)
        for (int64_t y : kEdges) {
          Compare(ex, m, p, {Norm(x, bits), Norm(y, bits)});
          Compare(ex, m, std::string("br_") + p, {Norm(x, bits), Norm(y, bits)});
        }
      Compare(ex, m, "neg", {Norm(x, bits)});
      Compare(ex, m, "not", {Norm(x, bits)});
      for (const ir::Function& fn : m.functions)
        if (fn.name.find("ext_") != std::string::npos || fn.name.find("trunc_") == 0 || fn.name.find("tofp") != std::string::npos)
          Compare(ex, m, fn.name, {Norm(x, bits)});
    }
  }
}

TEST_CASE("float arithmetic, compares and float-to-int conversions agree with the interpreter") {
  const double kValues[] = {0.0, -0.0, 1.5, -2.5, 3.75, 1e10, -1e10, 127.9, 128.0, -128.5, 255.9, 256.0, 32767.5,
                            65535.9, 2147483647.0, 2147483648.0, -2147483649.0, 4294967295.0, 9.2e18, 9.3e18,
                            1.8e19, 1.9e19, -9.223372036854775808e18, 1e300, -1e300, NAN, INFINITY, -INFINITY};
  const char* bin[] = {"fadd", "fsub", "fmul", "fdiv", "frem"};
  const char* preds[] = {"oeq", "une", "olt", "ole", "ogt", "oge"};
  for (const char* t : {"f32", "f64"}) {
    bool f32 = std::string(t) == "f32";
    std::string text;
    for (const char* op : bin)
      text += "fn @" + std::string(op) + "(%0: " + t + ", %1: " + t + ") -> " + t + " {\nbb0:\n  %2:" + t + " = " + op +
              " %0, %1\n  ret %2\n}\n";
    for (const char* p : preds) {
      text += "fn @" + std::string(p) + "(%0: " + t + ", %1: " + t + ") -> i8 {\nbb0:\n  %2:i8 = fcmp " + p + " " + t +
              " %0, %1\n  ret %2\n}\n";
      text += "fn @br_" + std::string(p) + "(%0: " + t + ", %1: " + t + ") -> i32 {\nbb0:\n  %2:i8 = fcmp " + p + " " +
              t + " %0, %1\n  condbr %2, bb1, bb2\nbb1:\n  %3:i32 = iconst 1\n  ret %3\nbb2:\n  %4:i32 = iconst 2\n  ret %4\n}\n";
    }
    text += "fn @fneg(%0: " + std::string(t) + ") -> " + t + " {\nbb0:\n  %1:" + t + " = fneg %0\n  ret %1\n}\n";
    text += std::string("fn @conv(%0: ") + t + ") -> " + (f32 ? "f64" : "f32") + " {\nbb0:\n  %1:" + (f32 ? "f64" : "f32") +
            " = " + (f32 ? "fpext" : "fptrunc") + " %0\n  ret %1\n}\n";
    for (const char* it : kIntTypes)
      for (const char* conv : {"fptosi", "fptoui"})
        text += "fn @" + std::string(conv) + "_" + it + "(%0: " + t + ") -> " + it + " {\nbb0:\n  %1:" + it + " = " + conv +
                " %0\n  ret %1\n}\n";
    ir::Module m = Parse(text);
    Executors ex;
    auto bits = [&](double v) {
      return f32 ? uint64_t(std::bit_cast<uint32_t>(float(v))) : std::bit_cast<uint64_t>(v);
    };
    for (double x : kValues) {
      for (double y : kValues) {
        for (const char* op : bin) Compare(ex, m, op, {bits(x), bits(y)});
        for (const char* p : preds) Compare(ex, m, p, {bits(x), bits(y)}), Compare(ex, m, std::string("br_") + p, {bits(x), bits(y)});
      }
      Compare(ex, m, "fneg", {bits(x)});
      Compare(ex, m, "conv", {bits(x)});
      for (const char* it : kIntTypes)
        for (const char* conv : {"fptosi", "fptoui"}) Compare(ex, m, std::string(conv) + "_" + it, {bits(x)});
    }
  }
}
