// The IR verifier: valid modules pass; each invariant has a test that breaks it and checks the
// message (with its "function 'f', bbN, inst M" position).
#include <doctest/doctest.h>

#include "ir/ir_parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace thrustc::ir {

Module BuildEveryOpModule();  // round_trip_test.cpp

namespace {

Module ParseOrDie(const std::string& text) {
  Module m;
  ParseError e;
  REQUIRE_MESSAGE(ParseModule(text, m, e), e.line, ":", e.col, ": ", e.message);
  return m;
}

std::string Problems(const Module& m) {
  std::string out;
  for (const auto& p : Verify(m)) out += p + "\n";
  return out;
}

// Verifies `body` as the blocks of `fn @f(%0: i32, %1: f64, %2: ptr) -> i32`.
std::string ProblemsIn(const std::string& body, const std::string& prelude = "") {
  return Problems(ParseOrDie(prelude + "fn @f(%0: i32, %1: f64, %2: ptr) -> i32 {\n" + body + "}\n"));
}

bool Has(const std::string& problems, const std::string& message) {
  bool found = problems.find(message) != std::string::npos;
  if (!found) MESSAGE("problems were:\n", problems);
  return found;
}

}  // namespace

TEST_CASE("valid modules have no problems") {
  CHECK(Problems(BuildEveryOpModule()) == "");
  CHECK(ProblemsIn("bb0:\n  ret %0\n") == "");
  // A definition in a dominating block reaches a use two blocks down, through a loop.
  CHECK(ProblemsIn("bb0:\n  %3:i8 = iconst 1\n  br bb1\nbb1:\n  condbr %3, bb1, bb2\nbb2:\n  ret %0\n") == "");
  // Uses in unreachable blocks only need a definition somewhere.
  CHECK(ProblemsIn("bb0:\n  ret %0\nbb1:\n  %3:i32 = add %4, %0\n  ret %3\nbb2:\n  %4:i32 = iconst 1\n  ret %4\n") == "");
}

TEST_CASE("block shape") {
  CHECK(Has(ProblemsIn("bb0:\n  ret %0\nbb1:\n"), "function 'f', bb1: block is empty"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = add %0, %0\n"), "function 'f', bb0: block does not end in a terminator"));
  CHECK(Has(ProblemsIn("bb0:\n  ret %0\n  ret %0\n"), "function 'f', bb0, inst 0: terminator 'ret' in the middle of the block"));
}

TEST_CASE("registers are defined once, before every use") {
  Module m = ParseOrDie("fn @f(%0: i32) -> i32 {\nbb0:\n  %1:i32 = add %0, %0\n  ret %1\n}\n");
  m.functions[0].blocks[0].insts[0].dst = 0;
  CHECK(Has(Problems(m), "function 'f', bb0, inst 0: %0 is defined more than once"));

  m = ParseOrDie("fn @f(%0: i32) -> i32 {\nbb0:\n  %1:i32 = add %0, %0\n  ret %1\n}\n");
  m.functions[0].blocks[0].insts[1].a = 5;
  CHECK(Has(Problems(m), "function 'f', bb0, inst 1: uses %5, which is never defined"));

  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = add %4, %0\n  %4:i32 = iconst 1\n  ret %3\n"),
            "function 'f', bb0, inst 0: uses %4, whose definition (in bb0) does not dominate this use"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i8 = iconst 1\n  condbr %3, bb1, bb2\nbb1:\n  %4:i32 = iconst 1\n  br bb2\n"
                       "bb2:\n  ret %4\n"),
            "function 'f', bb2, inst 0: uses %4, whose definition (in bb1) does not dominate this use"));
}

TEST_CASE("operand types match the op") {
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = add %0, %1\n  ret %3\n"), "inst 0: operand %1 is f64, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:f64 = add %1, %1\n  ret %0\n"), "inst 0: 'add' needs an integer type"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = fadd %0, %0\n  ret %0\n"), "inst 0: 'fadd' needs a float type"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = neg %1\n  ret %0\n"), "inst 0: operand %1 is f64, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = icmp slt i32 %0, %0\n  ret %0\n"), "inst 0: result %3 is i32, expected i8"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i8 = icmp olt i32 %0, %0\n  ret %0\n"), "inst 0: 'icmp' needs an integer predicate"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i8 = fcmp slt f64 %1, %1\n  ret %0\n"), "inst 0: 'fcmp' needs a float predicate"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i8 = sext %0\n  ret %0\n"), "inst 0: 'sext' cannot convert i32 to i8"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = fptosi %0\n  ret %0\n"), "inst 0: 'fptosi' cannot convert i32 to i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = ptrtoint %2\n  ret %0\n"), "inst 0: 'ptrtoint' cannot convert ptr to i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = load %0\n  ret %3\n"), "inst 0: address %0 is i32, expected ptr"));
  CHECK(Has(ProblemsIn("bb0:\n  store i32 %1, %2\n  ret %0\n"), "inst 0: stored value %1 is f64, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:ptr = ptradd %2, %0 * 4\n  ret %0\n"), "inst 0: index %0 is i32, expected i64"));
  CHECK(Has(ProblemsIn("bb0:\n  copy %2, %0, 8\n  ret %0\n"), "inst 0: source %0 is i32, expected ptr"));
  CHECK(Has(ProblemsIn("bb0:\n  boundscheck %0, 8\n  ret %0\n"), "inst 0: index %0 is i32, expected i64"));
  CHECK(Has(ProblemsIn("bb0:\n  condbr %0, bb1, bb1\nbb1:\n  ret %0\n"), "inst 0: condition %0 is i32, expected i8"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:ptr = iconst 1\n  ret %3\n"), "inst 1: return value %3 is ptr, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  ret\n"), "inst 0: returns no value from a function that returns one"));
  CHECK(Has(Problems(ParseOrDie("fn @g() -> void {\nbb0:\n  %0:i32 = iconst 1\n  ret %0\n}\n")),
            "function 'g', bb0, inst 1: returns a value from a void function"));
  CHECK(Has(Problems(ParseOrDie("type %P = { i64 @0 } size 8 align 8\nfn @g() -> agg %P {\nbb0:\n"
                                "  %0:i64 = iconst 1\n  ret %0\n}\n")),
            "inst 1: return value %0 is i64, expected ptr"));
}

TEST_CASE("atomic ops: integer types, ptr addresses, the orderings LLVM allows") {
  // fn @f(%0: i32, %1: f64, %2: ptr)
  CHECK(ProblemsIn("bb0:\n  %3:i32 = atomic_load seq_cst %2\n  atomic_store i32 release %3, %2\n"
                   "  %4:i32 = atomic_rmw nand relaxed %2, %0\n  %5:i32 = cmpxchg release relaxed %2, %4, %0\n"
                   "  fence acquire\n  ret %5\n") == "");
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = atomic_load seq_cst %0\n  ret %3\n"), "inst 0: address %0 is i32, expected ptr"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:f64 = atomic_load seq_cst %2\n  ret %0\n"), "inst 0: 'atomic_load' needs an integer type"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:ptr = atomic_rmw xchg seq_cst %2, %2\n  ret %0\n"),
            "inst 0: 'atomic_rmw' needs an integer type"));
  CHECK(Has(ProblemsIn("bb0:\n  atomic_store i32 seq_cst %1, %2\n  ret %0\n"), "inst 0: stored value %1 is f64, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = atomic_rmw add seq_cst %2, %1\n  ret %0\n"), "inst 0: operand %1 is f64, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = cmpxchg seq_cst seq_cst %2, %1, %0\n  ret %0\n"),
            "inst 0: expected value %1 is f64, expected i32"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = atomic_load release %2\n  ret %0\n"), "inst 0: 'atomic_load' cannot be release or acq_rel"));
  CHECK(Has(ProblemsIn("bb0:\n  atomic_store i32 acquire %0, %2\n  ret %0\n"), "inst 0: 'atomic_store' cannot be acquire or acq_rel"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = cmpxchg seq_cst acq_rel %2, %0, %0\n  ret %0\n"),
            "inst 0: 'cmpxchg' failure ordering cannot be release or acq_rel"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = cmpxchg release acquire %2, %0, %0\n  ret %0\n"),
            "inst 0: 'cmpxchg' failure ordering is stronger than its success ordering"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = cmpxchg acq_rel seq_cst %2, %0, %0\n  ret %0\n"),
            "inst 0: 'cmpxchg' failure ordering is stronger than its success ordering"));
  CHECK(Has(ProblemsIn("bb0:\n  fence relaxed\n  ret %0\n"), "inst 0: 'fence' cannot be relaxed"));
  // An ordering or rmw operation out of range, or bits an op does not use.
  Module m = ParseOrDie("fn @f(%0: ptr) -> i32 {\nbb0:\n  %1:i32 = atomic_load seq_cst %0\n  ret %1\n}\n");
  m.functions[0].blocks[0].insts[0].imm = 9;
  CHECK(Has(Problems(m), "inst 0: 'atomic_load' has an invalid ordering or operation (imm 9)"));
  m.functions[0].blocks[0].insts[0].imm = AtomicInfo{.order = AtomicOrder::SeqCst, .rmw = RmwOp::Add}.Imm();
  CHECK(Has(Problems(m), "inst 0: 'atomic_load' has an invalid ordering or operation"));
}

TEST_CASE("ids are in range") {
  Module m = BuildEveryOpModule();
  Function& main_fn = m.functions[2];
  auto& insts = main_fn.blocks[0].insts;
  auto find = [&](Op op) -> Inst& {
    for (Inst& i : insts)
      if (i.op == op) return i;
    FAIL("op not found");
    return insts[0];
  };
  find(Op::SlotAddr).a = 9;
  find(Op::GlobalAddr).a = 9;
  find(Op::FuncAddr).a = 9;
  find(Op::Call).imm = 9;
  main_fn.blocks[1].insts[0].a = 9;  // br
  std::string p = Problems(m);
  CHECK(Has(p, "function 'main', bb0, inst 37: 'slot_addr' refers to an id that is out of range"));
  CHECK(Has(p, "inst 40: 'global_addr' refers to an id that is out of range"));
  CHECK(Has(p, "'func_addr' refers to an id that is out of range"));
  CHECK(Has(p, "call info 9 is out of range"));
  CHECK(Has(p, "function 'main', bb1, inst 0: branch target bb9 does not exist"));

  Module a = BuildEveryOpModule();
  a.functions[1].sig.ret.agg = 7;
  CHECK(Has(Problems(a), "function 'make': the return type names aggregate 7, which does not exist"));
}

TEST_CASE("calls match the callee's signature") {
  const std::string prelude = "extern fn @printf(ptr, ...) -> i32\nextern fn @two(i32, f64) -> i32\n";
  CHECK(ProblemsIn("bb0:\n  %3:i32 = call @printf(%2: ptr, ... %0: i32, %1: f64)\n  ret %3\n", prelude) == "");
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = call @two(%0: i32)\n  ret %3\n", prelude),
            "inst 0: call to 'two' passes 1 arguments, expected 2"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = call @printf(...)\n  ret %3\n", prelude),
            "inst 0: call to 'printf' passes 0 arguments, expected at least 1"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = call @two(%0: i32, %0: i32)\n  ret %3\n", prelude),
            "inst 0: call to 'two': argument 1 has the wrong type"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = call @two(%0: i32, %0: f64)\n  ret %3\n", prelude),
            "inst 0: argument %0 is i32, expected f64"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i64 = call @two(%0: i32, %1: f64)\n  ret %0\n", prelude),
            "inst 0: call to 'two': return type differs from the callee's"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = call @printf(%2: ptr)\n  ret %3\n", prelude),
            "inst 0: call to 'printf': variadic flag differs from the callee's"));
  CHECK(Has(ProblemsIn("bb0:\n  %3:i32 = call_indirect %0(%0: i32)\n  ret %3\n", prelude),
            "inst 0: callee %0 is i32, expected ptr"));
}

TEST_CASE("call results: scalar in a register, aggregate into a pointer") {
  const std::string prelude = "type %P = { i64 @0 } size 8 align 8\nextern fn @mk() -> agg %P\nextern fn @v() -> void\n";
  CHECK(ProblemsIn("bb0:\n  call @mk() -> agg %P into %2\n  ret %0\n", prelude) == "");
  CHECK(Has(ProblemsIn("bb0:\n  call @mk() -> agg %P into %0\n  ret %0\n", prelude),
            "inst 0: return destination %0 is i32, expected ptr"));
  Module m = ParseOrDie(prelude + "fn @f(%0: ptr) -> void {\nbb0:\n  call @mk() -> agg %P into %0\n  call @v()\n  ret\n}\n");
  m.functions[2].calls[0].ret_dest = kNoReg;
  m.functions[2].blocks[0].insts[1].dst = 0;
  std::string p = Problems(m);
  CHECK(Has(p, "function 'f', bb0, inst 0: a call returning an aggregate needs a destination pointer"));
  CHECK(Has(p, "function 'f', bb0, inst 1: a call returning void or an aggregate has a result register"));
  m.functions[2].calls[1].args = {0};
  CHECK(Has(Problems(m), "inst 1: call has 1 arguments but 0 argument types"));
}

TEST_CASE("function-level invariants") {
  Module m = ParseOrDie("fn @f(%0: i32) -> void {\nbb0:\n  ret\n}\nextern fn @e() -> void\n");
  m.functions[0].params.clear();
  m.functions[1].blocks.push_back(m.functions[0].blocks[0]);
  std::string p = Problems(m);
  CHECK(Has(p, "function 'f': has 0 parameter registers for 1 parameters"));
  CHECK(Has(p, "function 'e': an external function has no blocks"));

  m = ParseOrDie("fn @f(%0: i32) -> void {\nbb0:\n  ret\n}\n");
  m.functions[0].reg_types[0] = Type::F32;
  CHECK(Has(Problems(m), "function 'f': parameter register %0 is f32, expected i32"));
  m.functions[0].blocks.clear();
  CHECK(Has(Problems(m), "function 'f': a defined function needs at least one block"));
}

TEST_CASE("module-level invariants: symbols, globals, types") {
  Module m = BuildEveryOpModule();
  m.functions[1].name = "msg";
  m.globals[1].bytes.push_back(0);
  m.globals[2].relocs[1].offset = 12;
  m.aggs[0].align = 3;
  m.aggs.push_back({"Bad", 4, 4, {{Type::I64, 0}}});
  std::string p = Problems(m);
  CHECK(Has(p, "module: symbol 'msg' is defined 2 times"));
  CHECK(Has(p, "global 'msg': has 7 initial bytes but size 6"));
  CHECK(Has(p, "global 'table': relocation at offset 12 lies outside the global"));
  CHECK(Has(p, "type %Point: alignment 3 is not a power of two"));
  CHECK(Has(p, "type %Bad: leaf at offset 0 lies outside the size"));
}

}  // namespace thrustc::ir

namespace thrustc::ir {

TEST_CASE("damaged modules give problems, never crashes, in the verifier and the printer") {
  Module base = BuildEveryOpModule();
  const Function& main_fn = base.functions[2];
  size_t damaged = 0;
  for (size_t b = 0; b < main_fn.blocks.size(); ++b) {
    for (size_t i = 0; i < main_fn.blocks[b].insts.size(); ++i) {
      for (int field = 0; field < 6; ++field) {
        Module m = base;
        Inst& inst = m.functions[2].blocks[b].insts[i];
        switch (field) {
          case 0: inst.a = 9999; break;
          case 1: inst.b = 9999; break;
          case 2: inst.c = 9999; break;
          case 3: inst.dst = inst.dst == kNoReg ? 0 : kNoReg; break;
          case 4: inst.imm = -1; break;
          case 5: inst.type = Type::Void; break;
        }
        std::vector<std::string> problems = Verify(m);
        Print(m);
        if (!problems.empty()) ++damaged;
      }
    }
  }
  CHECK(damaged > 150);  // most single-field damage is caught
  Module m = base;
  m.functions[2].reg_types.resize(3);
  CHECK(!Verify(m).empty());
  Print(m);
}

}  // namespace thrustc::ir
