// The IR text printer: the exact text of each op family, of declarations and of labels.
#include <doctest/doctest.h>

#include "ir/printer.h"

namespace thrustc::ir {

Module BuildEveryOpModule();  // round_trip_test.cpp

namespace {

bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

// A module with one function `f(%0: i32, %1: i32) -> i32` whose entry block `body` fills.
template <typename Body>
std::string PrintWith(Body body) {
  Module m;
  Function f;
  f.name = "f";
  f.sig.params = {{Type::I32}, {Type::I32}};
  f.sig.ret = {Type::I32};
  m.functions.push_back(f);
  Builder b(m, 0);
  b.Fn().params = {b.NewReg(Type::I32), b.NewReg(Type::I32)};
  b.SetBlock(b.NewBlock());
  body(b);
  return PrintFunction(m, 0);
}

}  // namespace

TEST_CASE("a small function prints exactly") {
  std::string text = PrintWith([](Builder& b) {
    SlotId s = b.NewSlot(4, 4, "x");
    Reg sum = b.Binary(Op::Add, Type::I32, 0, 1);
    b.Store(Type::I32, sum, b.SlotAddr(s));
    b.Ret(sum);
  });
  CHECK(text ==
        "fn @f(%0: i32, %1: i32) -> i32 {\n"
        "  slot $0 size 4 align 4 \"x\"\n"
        "bb0:\n"
        "  %2:i32 = add %0, %1\n"
        "  %3:ptr = slot_addr $0\n"
        "  store i32 %2, %3\n"
        "  ret %2\n"
        "}\n");
}

TEST_CASE("each op family has its printed form") {
  std::string t = Print(BuildEveryOpModule());
  // Const
  CHECK(HasLine(t, "  %0:i32 = iconst 7"));
  CHECK(HasLine(t, "  %1:i32 = iconst -3"));
  CHECK(HasLine(t, "  %15:f64 = fconst 1.5"));
  CHECK(HasLine(t, "  %16:f64 = fconst 0.1"));
  CHECK(HasLine(t, "  %40:ptr = global_addr @counter"));
  CHECK(HasLine(t, "  %46:ptr = func_addr @printf"));
  CHECK(HasLine(t, "  %37:ptr = slot_addr $0"));
  // IntBinary, FloatBinary, Unary
  CHECK(HasLine(t, "  %5:i32 = sdiv %0, %1"));
  CHECK(HasLine(t, "  %14:i32 = ashr %0, %1"));
  CHECK(HasLine(t, "  %21:f64 = frem %15, %16"));
  CHECK(HasLine(t, "  %23:i32 = not %0"));
  CHECK(HasLine(t, "  %24:f64 = fneg %15"));
  // Compare: predicate, then the operand type
  CHECK(HasLine(t, "  %25:i8 = icmp slt i32 %0, %1"));
  CHECK(HasLine(t, "  %26:i8 = fcmp olt f64 %15, %16"));
  // Convert
  CHECK(HasLine(t, "  %27:i64 = sext %0"));
  CHECK(HasLine(t, "  %29:i8 = trunc %0"));
  CHECK(HasLine(t, "  %35:f64 = fpext %34"));
  CHECK(HasLine(t, "  %39:ptr = inttoptr %38"));
  // Memory and Check
  CHECK(HasLine(t, "  store i32 %0, %37"));
  CHECK(HasLine(t, "  %42:i32 = load %37"));
  CHECK(HasLine(t, "  %43:ptr = ptradd %37, %27 * 4"));
  CHECK(HasLine(t, "  %44:ptr = ptroffset %37, -8"));
  CHECK(HasLine(t, "  zero %37, 16"));
  CHECK(HasLine(t, "  copy %39, %37, 16"));
  CHECK(HasLine(t, "  boundscheck %27, 10"));
  // Call: aggregate return into a pointer, variadic marker, indirect
  CHECK(HasLine(t, "  call @make(%15: f64, %16: f64) -> agg %Point into %37"));
  CHECK(HasLine(t, "  %45:i32 = call @printf(%41: ptr, ... %0: i32)"));
  CHECK(HasLine(t, "  %47:i32 = call_indirect %46(%41: ptr, ...)"));
  // Atomic: orderings (cmpxchg: success, then failure), the rmw operation, address first
  CHECK(HasLine(t, "  %48:i32 = atomic_load acquire %37"));
  CHECK(HasLine(t, "  atomic_store i32 release %48, %37"));
  CHECK(HasLine(t, "  %49:i32 = atomic_rmw umax acq_rel %37, %1"));
  CHECK(HasLine(t, "  %50:i32 = cmpxchg seq_cst acquire %37, %49, %0"));
  CHECK(HasLine(t, "  fence seq_cst"));
  // Terminators; named blocks keep their names
  CHECK(HasLine(t, "  condbr %25, then, bb2"));
  CHECK(HasLine(t, "then:"));
  CHECK(HasLine(t, "  br done"));
  CHECK(HasLine(t, "  trap unreachable"));
  CHECK(HasLine(t, "  ret %45"));
}

TEST_CASE("declarations print types, globals, relocations and signatures") {
  std::string t = Print(BuildEveryOpModule());
  CHECK(HasLine(t, "type %Point = { f64 @0, f64 @8 } size 16 align 8"));
  CHECK(HasLine(t, "global @counter size 8 align 8 mut public = zero"));
  CHECK(HasLine(t, "global @msg size 6 align 1 = bytes \"hello\\00\""));
  CHECK(HasLine(t, "global @table size 16 align 8 = bytes x\"00000000000000000000000000000000\" "
                   "relocs { 0: @msg + 2, 8: fn @main }"));
  CHECK(HasLine(t, "extern fn @printf(ptr, ...) -> i32"));
  CHECK(HasLine(t, "fn @make(%0: f64, %1: f64) -> agg %Point {"));
  CHECK(HasLine(t, "fn @main() -> i32 public {"));
}

TEST_CASE("every trap kind has a word") {
  const char* words[] = {"div_by_zero", "div_overflow", "bounds", "unreachable", "float_to_int"};
  for (int k = 0; k <= int(TrapKind::FloatToInt); ++k) {
    std::string t = PrintWith([&](Builder& b) { b.Trap(TrapKind(k)); });
    CHECK(t.find(std::string("  trap ") + words[k] + "\n") != std::string::npos);
  }
}

TEST_CASE("labels: duplicate, reserved and unusable block names still give unique labels") {
  std::string t = PrintWith([](Builder& b) {
    BlockId a = b.NewBlock("loop"), c = b.NewBlock("loop"), d = b.NewBlock("bb1"), e = b.NewBlock("has space");
    b.Br(a);
    for (BlockId x : {a, c, d}) {
      b.SetBlock(x);
      b.Br(e);
    }
    b.SetBlock(e);
    b.Ret(0);
  });
  CHECK(HasLine(t, "loop:"));
  CHECK(HasLine(t, "loop.2:"));
  CHECK(HasLine(t, "bb3:"));  // "bb1" is reserved for block 1
  CHECK(HasLine(t, "bb4:"));
}

TEST_CASE("names that are not bare words are quoted") {
  Module m;
  Global g;
  g.name = "a b\"c";
  g.size = 1;
  m.globals.push_back(g);
  m.aggs.push_back({"[4]i32", 16, 4, {}});
  std::string t = Print(m);
  CHECK(HasLine(t, "global @\"a b\\\"c\" size 1 align 1 = zero"));
  CHECK(HasLine(t, "type %\"[4]i32\" = { } size 16 align 4"));
}

TEST_CASE("special float constants") {
  auto fconst = [](double v) {
    Module m;
    Function f;
    f.name = "f";
    f.sig.ret = {Type::F64};
    m.functions.push_back(f);
    Builder b(m, 0);
    b.SetBlock(b.NewBlock());
    b.Ret(b.FConst(Type::F64, v));
    return PrintFunction(m, 0);
  };
  CHECK(fconst(__builtin_inf()).find("fconst inf\n") != std::string::npos);
  CHECK(fconst(-__builtin_inf()).find("fconst -inf\n") != std::string::npos);
  CHECK(fconst(__builtin_nan("")).find("fconst nan 0x7ff8000000000000\n") != std::string::npos);
  CHECK(fconst(-0.0).find("fconst -0\n") != std::string::npos);
  CHECK(fconst(1e300).find("fconst 1e+300\n") != std::string::npos);
}

}  // namespace thrustc::ir
