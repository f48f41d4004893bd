// The IR text parser: what it builds, its errors (line, column, message) and its robustness
// against truncated input.
#include <doctest/doctest.h>

#include <chrono>

#include "ir/ir_parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace thrustc::ir {

Module BuildEveryOpModule();  // round_trip_test.cpp

namespace {

// "line:col: message", or "" when the text parses.
std::string ParseErrorOf(std::string_view text) {
  Module m;
  ParseError e;
  if (ParseModule(text, m, e)) return "";
  return std::to_string(e.line) + ":" + std::to_string(e.col) + ": " + e.message;
}

const char kLoop[] = R"(; a comment line
extern fn @abs(i32) -> i32

fn @count(%0: i64) -> i64 public compiletime {
  slot $0 size 8 align 8 "i"
entry:
  %1:ptr = slot_addr $0   ; trailing comment
  %2:i64 = iconst 0x10
  store i64 %2, %1
  br head
head:
  %3:i64 = load %1
  %4:i8 = icmp ult i64 %3, %0
  condbr %4, body, bb3
body:
  %5:i64 = iconst 1
  %6:i64 = add %3, %5
  store i64 %6, %1
  br head
bb3:
  ret %3
}
)";

}  // namespace

TEST_CASE("parses a function with a loop into the expected structure") {
  Module m;
  ParseError e;
  REQUIRE_MESSAGE(ParseModule(kLoop, m, e), e.line, ":", e.col, ": ", e.message);
  REQUIRE(m.functions.size() == 2);
  CHECK(m.functions[0].IsExternal());
  CHECK(m.functions[0].sig.params.size() == 1);
  const Function& f = m.functions[1];
  CHECK(f.name == "count");
  CHECK(f.linkage == Linkage::Public);
  CHECK(f.compiletime);
  CHECK(f.params == std::vector<Reg>{0});
  REQUIRE(f.slots.size() == 1);
  CHECK(f.slots[0].name == "i");
  REQUIRE(f.blocks.size() == 4);
  CHECK(f.blocks[0].name == "entry");
  CHECK(f.blocks[3].name == "");  // `bb3` is the unnamed form
  CHECK(f.blocks[0].insts[1].imm == 16);
  const Inst& cmp = f.blocks[1].insts[1];
  CHECK(cmp.op == Op::ICmp);
  CHECK(cmp.pred == Pred::Ult);
  CHECK(cmp.type == Type::I64);
  CHECK(f.reg_types[4] == Type::I8);
  const Inst& br = f.blocks[1].insts[2];
  CHECK(br.op == Op::CondBr);
  CHECK(br.b == 2);
  CHECK(br.c == 3);
  CHECK(Verify(m).empty());
}

TEST_CASE("forward references to functions, globals and blocks resolve") {
  const char* text =
      "global @p size 8 align 8 = bytes x\"0000000000000000\" relocs { 0: fn @later - 4 }\n"
      "fn @first() -> ptr {\nbb0:\n  br bb1\nbb1:\n  %0:ptr = func_addr @later\n  ret %0\n}\n"
      "fn @later() -> void {\nbb0:\n  ret\n}\n";
  Module m;
  ParseError e;
  REQUIRE(ParseModule(text, m, e));
  CHECK(m.globals[0].relocs[0].to_function);
  CHECK(m.globals[0].relocs[0].target == 1);
  CHECK(m.globals[0].relocs[0].addend == -4);
  CHECK(m.functions[0].blocks[1].insts[0].a == 1);
  CHECK(Verify(m).empty());
}

TEST_CASE("errors carry line, column and a clear message") {
  auto fn = [](const std::string& body) { return "fn @f(%0: i32) -> i32 {\nbb0:\n" + body + "}\n"; };
  CHECK(ParseErrorOf(fn("  %1:i32 = frobnicate %0\n  ret %1\n")) == "3:12: unknown operation 'frobnicate'");
  CHECK(ParseErrorOf(fn("  ret %7\n")) == "3:7: undefined register %7");
  CHECK(ParseErrorOf(fn("  br nowhere\n")) == "3:6: undefined label 'nowhere'");
  CHECK(ParseErrorOf(fn("  %1:i32 = call @g(%0: i32)\n  ret %1\n")) == "3:17: undefined function @g");
  CHECK(ParseErrorOf(fn("  %1:ptr = global_addr @g\n  ret %0\n")) == "3:24: undefined global @g");
  CHECK(ParseErrorOf(fn("  %1:ptr = slot_addr $0\n  ret %0\n")) == "3:22: undefined slot $0");
  CHECK(ParseErrorOf(fn("  %0:i32 = iconst 1\n  ret %0\n")) == "3:3: register %0 is defined twice");
  CHECK(ParseErrorOf(fn("  add %0, %0\n  ret %0\n")) == "3:3: 'add' needs a result register ('%N:type = ...')");
  CHECK(ParseErrorOf(fn("  %1:i32 = store i32 %0, %0\n  ret %0\n")) == "3:3: 'store' produces no value");
  CHECK(ParseErrorOf(fn("  %1:i32 = add %0 %0\n  ret %1\n")) == "3:19: expected ',', found '%0'");
  CHECK(ParseErrorOf(fn("  %1:i32 = icmp lt i32 %0, %0\n  ret %1\n")) ==
        "3:17: expected a predicate like 'slt' or 'olt', found 'lt'");
  CHECK(ParseErrorOf(fn("  trap oops\n")) ==
        "3:8: expected a trap kind (div_by_zero, div_overflow, bounds, unreachable, float_to_int), found 'oops'");
  CHECK(ParseErrorOf(fn("  %1:i32 = atomic_load strong %0\n  ret %1\n")) ==
        "3:24: expected an ordering (relaxed, acquire, release, acq_rel, seq_cst), found 'strong'");
  CHECK(ParseErrorOf(fn("  %1:i32 = atomic_rmw mul seq_cst %0, %0\n  ret %1\n")) ==
        "3:23: expected an rmw operation (xchg, add, sub, and, nand, or, xor, smax, smin, umax, umin), found 'mul'");
  CHECK(ParseErrorOf(fn("  %1:i32 = cmpxchg seq_cst %0, %0, %0\n  ret %1\n")) ==
        "3:28: expected an ordering (relaxed, acquire, release, acq_rel, seq_cst), found '%0'");
  CHECK(ParseErrorOf(fn("  %1:i32 = fence seq_cst\n  ret %0\n")) == "3:3: 'fence' produces no value");
  CHECK(ParseErrorOf("fn @f() -> void {\nbb1:\n  ret\n}\n") ==
        "2:1: label 'bb1' must be block 1 but is block 0 (name the block, or renumber)");
  CHECK(ParseErrorOf("fn @f() -> agg %P {\n") == "1:16: undefined aggregate type %P");
  CHECK(ParseErrorOf("fn @f() -> void\nfn @f() -> void\n") == "2:4: redefinition of 'f'");
  CHECK(ParseErrorOf("global @s size 2 align 1 = bytes \"ab\n") == "1:37: unterminated string");
  CHECK(ParseErrorOf("global @s size 2 align 1 = bytes \"a\\q\"\n") == "1:36: invalid escape in string (use \\\\, \\\" or \\HH)");
  CHECK(ParseErrorOf("fn @f() -> void {\nbb0:\n  ret\n") == "4:1: expected '}' at the end of the function, found end of file");
  CHECK(ParseErrorOf("func @f() -> void\n") == "1:1: expected 'type', 'global', 'extern' or 'fn', found 'func'");
  CHECK(ParseErrorOf("fn @f() -> void {\nbb0:\n  ret\n  ret\n}\nbb0:\n") ==
        "6:1: expected 'type', 'global', 'extern' or 'fn', found 'bb0'");
  CHECK(ParseErrorOf("fn @f(%99999999: i32) -> void\n") == "1:7: register number too large");
  CHECK(ParseErrorOf("type Point = { } size 0 align 1\n") == "1:6: expected a type name like %Point, found 'Point'");
  CHECK(ParseErrorOf("extern global 5 size 1 align 1\n") == "1:15: expected a global name like @counter, found '5'");
  CHECK(ParseErrorOf("fn main() -> void\n") == "1:4: expected a function name like @main, found 'main'");
}

TEST_CASE("truncating valid text anywhere gives an error or a module, never a crash") {
  std::string text = Print(BuildEveryOpModule()) + kLoop;
  size_t parsed = 0, failed = 0;
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Module m;
    ParseError e;
    if (ParseModule(std::string_view(text).substr(0, cut), m, e)) {
      ++parsed;
      Verify(m);  // truncated modules may be invalid; the verifier must cope
      Print(m);
    } else {
      ++failed;
      CHECK(e.line >= 1);
      CHECK(!e.message.empty());
    }
  }
  CHECK(parsed > 0);
  CHECK(failed > 0);
}

TEST_CASE("deleting any one line gives an error or a module, never a crash") {
  std::string text = Print(BuildEveryOpModule()) + kLoop;
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  size_t invalid = 0;
  for (size_t l = 0; l + 1 < starts.size(); ++l) {
    std::string damaged = text.substr(0, starts[l]) + text.substr(starts[l + 1]);
    Module m;
    ParseError e;
    if (!ParseModule(damaged, m, e) || !Verify(m).empty()) ++invalid;
    Print(m);
  }
  CHECK(invalid > starts.size() / 4);  // many deletions (defs, terminators, labels) break it
}

TEST_CASE("large modules print and parse in linear time") {
  auto build = [](int n) {
    Module m;
    Function f;
    f.name = "big";
    f.sig.ret = {Type::I64};
    m.functions.push_back(f);
    Builder b(m, 0);
    b.SetBlock(b.NewBlock());
    Reg acc = b.IConst(Type::I64, 1);
    for (int i = 0; i < n; ++i) acc = b.Binary(Op::Add, Type::I64, acc, acc);
    b.Ret(acc);
    return m;
  };
  auto seconds = [&](int n) {
    Module m = build(n);
    auto start = std::chrono::steady_clock::now();
    std::string text = Print(m);
    Module parsed;
    ParseError e;
    CHECK(ParseModule(text, parsed, e));
    CHECK(Print(parsed) == text);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double small = seconds(20000), large = seconds(200000);
  // Ten times the work: a quadratic implementation would take ~100x; allow generous noise.
  CHECK(large < small * 40 + 0.5);
}

}  // namespace thrustc::ir
