// Unit tests of the interpreter's semantics: every op family, every trap, control flow,
// recursion, stack slots, globals that persist across runs, and a module that grows.
#include <chrono>
#include <climits>
#include <cmath>
#include <limits>

#include "interp/interpreter.h"
#include "ir_fixture.h"
#include "platform/symbols.h"

using namespace thrustc;
using namespace thrustc::interp::test;
using ir::EvalFailure;

namespace {

struct Fixture {
  platform::Symbols symbols;
  interp::Interpreter interp{symbols};
  ir::Module m;

  // Calls `f` and requires success; returns the raw result.
  uint64_t Run(ir::FuncId f, std::vector<uint64_t> args) {
    uint64_t result = 0;
    auto failure = interp.Call(m, f, args, result);
    if (failure) FAIL("unexpected failure: " << failure->message);
    return result;
  }
  EvalFailure Fail(ir::FuncId f, std::vector<uint64_t> args) {
    uint64_t result = 0;
    auto failure = interp.Call(m, f, args, result);
    REQUIRE(failure.has_value());
    return *failure;
  }
};

// f(a, b) = a op b, all of type t.
ir::FuncId Binary(ir::Module& m, Op op, Type t) {
  Builder b = AddFunction(m, std::string(ir::OpName(op)) + "_" + std::string(ir::TypeName(t)), {Abi(t), Abi(t)}, Abi(t));
  b.Ret(b.Binary(op, t, Param(b, 0), Param(b, 1)));
  return ir::FuncId(m.functions.size() - 1);
}

ir::FuncId Convert(ir::Module& m, Op op, Type from, Type to) {
  Builder b = AddFunction(m, "conv", {Abi(from)}, Abi(to));
  b.Ret(b.Convert(op, to, Param(b, 0)));
  return ir::FuncId(m.functions.size() - 1);
}

int64_t I(uint64_t v) { return int64_t(v); }
uint64_t U(int64_t v) { return uint64_t(v); }

}  // namespace

TEST_CASE("integer arithmetic wraps at the type's width") {
  Fixture fx;
  auto add32 = Binary(fx.m, Op::Add, Type::I32);
  auto mul8 = Binary(fx.m, Op::Mul, Type::I8);
  auto sub16 = Binary(fx.m, Op::Sub, Type::I16);
  auto add64 = Binary(fx.m, Op::Add, Type::I64);
  CHECK(I(fx.Run(add32, {INT32_MAX, 1})) == INT32_MIN);
  CHECK(I(fx.Run(mul8, {16, 16})) == 0);
  CHECK(I(fx.Run(mul8, {U(-3), 5})) == -15);
  CHECK(I(fx.Run(sub16, {U(INT16_MIN), 1})) == INT16_MAX);
  CHECK(fx.Run(add64, {UINT64_MAX, 2}) == 1);
  // Arguments are normalized to the parameter's width: 0x1_0000_0005 as i32 is 5.
  CHECK(I(fx.Run(add32, {0x100000005ull, 1})) == 6);
}

TEST_CASE("division and remainder, signed and unsigned") {
  Fixture fx;
  auto sdiv = Binary(fx.m, Op::SDiv, Type::I32);
  auto srem = Binary(fx.m, Op::SRem, Type::I32);
  auto udiv = Binary(fx.m, Op::UDiv, Type::I32);
  auto urem = Binary(fx.m, Op::URem, Type::I8);
  CHECK(I(fx.Run(sdiv, {U(-7), 2})) == -3);
  CHECK(I(fx.Run(srem, {U(-7), 2})) == -1);
  CHECK(I(fx.Run(udiv, {U(-1), 2})) == 0x7fffffff);
  CHECK(I(fx.Run(urem, {U(-1), 10})) == 5);  // 255 % 10
}

TEST_CASE("bitwise ops and shifts, including shifts by >= the width") {
  Fixture fx;
  auto shl = Binary(fx.m, Op::Shl, Type::I32);
  auto lshr = Binary(fx.m, Op::LShr, Type::I32);
  auto ashr = Binary(fx.m, Op::AShr, Type::I32);
  auto shl8 = Binary(fx.m, Op::Shl, Type::I8);
  auto band = Binary(fx.m, Op::And, Type::I64);
  auto bor = Binary(fx.m, Op::Or, Type::I16);
  auto bxor = Binary(fx.m, Op::Xor, Type::I32);
  CHECK(I(fx.Run(shl, {1, 31})) == INT32_MIN);
  CHECK(I(fx.Run(shl, {1, 32})) == 0);
  CHECK(I(fx.Run(shl, {1, 200})) == 0);
  CHECK(I(fx.Run(lshr, {U(-1), 28})) == 0xf);
  CHECK(I(fx.Run(lshr, {U(-1), 32})) == 0);
  CHECK(I(fx.Run(ashr, {U(-16), 2})) == -4);
  CHECK(I(fx.Run(ashr, {U(-16), 40})) == -1);
  CHECK(I(fx.Run(ashr, {16, 40})) == 0);
  CHECK(I(fx.Run(shl8, {0x41, 1})) == -126);  // 0x82 as i8
  CHECK(fx.Run(band, {0xff00, 0x0ff0}) == 0x0f00);
  CHECK(I(fx.Run(bor, {0x8000, 1})) == -32767);
  CHECK(I(fx.Run(bxor, {0xff, 0x0f})) == 0xf0);
}

TEST_CASE("unary ops") {
  Fixture fx;
  Builder b = AddFunction(fx.m, "neg", {Abi(Type::I32)}, Abi(Type::I32));
  b.Ret(b.Unary(Op::Neg, Type::I32, Param(b, 0)));
  Builder c = AddFunction(fx.m, "not", {Abi(Type::I8)}, Abi(Type::I8));
  c.Ret(c.Unary(Op::Not, Type::I8, Param(c, 0)));
  Builder d = AddFunction(fx.m, "fneg", {Abi(Type::F64)}, Abi(Type::F64));
  d.Ret(d.Unary(Op::FNeg, Type::F64, Param(d, 0)));
  CHECK(I(fx.Run(0, {5})) == -5);
  CHECK(I(fx.Run(0, {U(INT32_MIN)})) == INT32_MIN);
  CHECK(I(fx.Run(1, {0x0f})) == -16);
  CHECK(AsF64(fx.Run(2, {Bits(1.5)})) == -1.5);
}

TEST_CASE("float arithmetic: f32 in f32, frem is fmod") {
  Fixture fx;
  auto fadd32 = Binary(fx.m, Op::FAdd, Type::F32);
  auto fmul64 = Binary(fx.m, Op::FMul, Type::F64);
  auto fdiv64 = Binary(fx.m, Op::FDiv, Type::F64);
  auto frem64 = Binary(fx.m, Op::FRem, Type::F64);
  auto frem32 = Binary(fx.m, Op::FRem, Type::F32);
  auto fsub32 = Binary(fx.m, Op::FSub, Type::F32);
  // 2^24 + 1 is not representable in f32; computing in f64 would give 16777217.
  CHECK(AsF32(fx.Run(fadd32, {Bits(16777216.0f), Bits(1.0f)})) == 16777216.0f);
  CHECK(AsF64(fx.Run(fmul64, {Bits(1.5), Bits(-4.0)})) == -6.0);
  CHECK(std::isinf(AsF64(fx.Run(fdiv64, {Bits(1.0), Bits(0.0)}))));
  CHECK(AsF64(fx.Run(frem64, {Bits(-7.5), Bits(2.0)})) == std::fmod(-7.5, 2.0));
  CHECK(AsF32(fx.Run(frem32, {Bits(7.5f), Bits(2.0f)})) == 1.5f);
  CHECK(AsF32(fx.Run(fsub32, {Bits(0.5f), Bits(0.25f)})) == 0.25f);
}

TEST_CASE("integer and float comparisons") {
  Fixture fx;
  auto cmp = [&](Op op, ir::Pred p, Type t) {
    Builder b = AddFunction(fx.m, "cmp", {Abi(t), Abi(t)}, Abi(Type::I8));
    b.Ret(b.Cmp(op, p, t, Param(b, 0), Param(b, 1)));
    return ir::FuncId(fx.m.functions.size() - 1);
  };
  auto slt8 = cmp(Op::ICmp, ir::Pred::Slt, Type::I8);
  auto ult8 = cmp(Op::ICmp, ir::Pred::Ult, Type::I8);
  auto uge32 = cmp(Op::ICmp, ir::Pred::Uge, Type::I32);
  auto eq64 = cmp(Op::ICmp, ir::Pred::Eq, Type::I64);
  auto sge16 = cmp(Op::ICmp, ir::Pred::Sge, Type::I16);
  auto oeq = cmp(Op::FCmp, ir::Pred::Oeq, Type::F64);
  auto une = cmp(Op::FCmp, ir::Pred::Une, Type::F64);
  auto olt32 = cmp(Op::FCmp, ir::Pred::Olt, Type::F32);
  double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(fx.Run(slt8, {U(-1), 1}) == 1);
  CHECK(fx.Run(ult8, {U(-1), 1}) == 0);  // 255 < 1 is false
  CHECK(fx.Run(uge32, {0x80000000u, 0x7fffffffu}) == 1);
  CHECK(fx.Run(eq64, {42, 42}) == 1);
  CHECK(fx.Run(sge16, {U(-2), U(-3)}) == 1);
  CHECK(fx.Run(oeq, {Bits(nan), Bits(nan)}) == 0);
  CHECK(fx.Run(une, {Bits(nan), Bits(1.0)}) == 1);
  CHECK(fx.Run(une, {Bits(1.0), Bits(1.0)}) == 0);
  CHECK(fx.Run(olt32, {Bits(-1.0f), Bits(0.5f)}) == 1);
}

TEST_CASE("conversions") {
  Fixture fx;
  auto sext = Convert(fx.m, Op::SExt, Type::I8, Type::I64);
  auto zext = Convert(fx.m, Op::ZExt, Type::I8, Type::I32);
  auto trunc = Convert(fx.m, Op::Trunc, Type::I64, Type::I16);
  auto sitofp = Convert(fx.m, Op::SIToFP, Type::I32, Type::F64);
  auto uitofp = Convert(fx.m, Op::UIToFP, Type::I32, Type::F64);
  auto fptosi = Convert(fx.m, Op::FPToSI, Type::F64, Type::I32);
  auto fptoui = Convert(fx.m, Op::FPToUI, Type::F32, Type::I8);
  auto fpext = Convert(fx.m, Op::FPExt, Type::F32, Type::F64);
  auto fptrunc = Convert(fx.m, Op::FPTrunc, Type::F64, Type::F32);
  auto p2i = Convert(fx.m, Op::PtrToInt, Type::Ptr, Type::I64);
  auto fptosi64 = Convert(fx.m, Op::FPToSI, Type::F64, Type::I64);
  CHECK(I(fx.Run(sext, {0x80})) == -128);
  CHECK(I(fx.Run(zext, {0x80})) == 128);
  CHECK(I(fx.Run(zext, {U(-1)})) == 255);
  CHECK(I(fx.Run(trunc, {0x12345678})) == 0x5678);
  CHECK(I(fx.Run(trunc, {0x18000})) == -32768);
  CHECK(AsF64(fx.Run(sitofp, {U(-3)})) == -3.0);
  CHECK(AsF64(fx.Run(uitofp, {U(-1)})) == 4294967295.0);
  CHECK(I(fx.Run(fptosi, {Bits(-2.9)})) == -2);
  CHECK(I(fx.Run(fptosi, {Bits(2147483647.9)})) == INT32_MAX);
  CHECK(I(fx.Run(fptoui, {Bits(255.5f)})) == -1);  // 255 in an i8 register
  CHECK(I(fx.Run(fptoui, {Bits(-0.5f)})) == 0);
  CHECK(AsF64(fx.Run(fpext, {Bits(0.25f)})) == 0.25);
  CHECK(AsF32(fx.Run(fptrunc, {Bits(1.0 / 3.0)})) == float(1.0 / 3.0));
  CHECK(fx.Run(p2i, {0xdeadbeef}) == 0xdeadbeef);
  CHECK(I(fx.Run(fptosi64, {Bits(-9223372036854775808.0)})) == INT64_MIN);
}

TEST_CASE("every trap is reported with its kind, message, function and location") {
  Fixture fx;
  auto sdiv32 = Binary(fx.m, Op::SDiv, Type::I32);
  auto srem64 = Binary(fx.m, Op::SRem, Type::I64);
  auto udiv8 = Binary(fx.m, Op::UDiv, Type::I8);
  auto urem16 = Binary(fx.m, Op::URem, Type::I16);
  auto fptosi = Convert(fx.m, Op::FPToSI, Type::F64, Type::I32);
  auto fptoui = Convert(fx.m, Op::FPToUI, Type::F64, Type::I64);
  auto fptosi8 = Convert(fx.m, Op::FPToSI, Type::F32, Type::I8);
  Builder bc = AddFunction(fx.m, "index", {Abi(Type::I64)}, Abi(Type::Void));
  bc.SetLoc(SourceLoc{7, 42});
  bc.BoundsCheck(Param(bc, 0), 4);
  bc.Ret();
  auto index = ir::FuncId(fx.m.functions.size() - 1);
  Builder tr = AddFunction(fx.m, "never", {}, Abi(Type::Void));
  tr.Trap(ir::TrapKind::Unreachable);
  auto never = ir::FuncId(fx.m.functions.size() - 1);

  auto expect = [&](ir::FuncId f, std::vector<uint64_t> args, ir::TrapKind kind) {
    EvalFailure e = fx.Fail(f, args);
    CHECK(e.kind == EvalFailure::Kind::Trap);
    CHECK(e.trap == kind);
    CHECK(e.message == ir::TrapKindName(kind));
    CHECK(e.function == fx.m.functions[f].name);
  };
  expect(sdiv32, {1, 0}, ir::TrapKind::DivByZero);
  expect(sdiv32, {U(INT32_MIN), U(-1)}, ir::TrapKind::DivOverflow);
  expect(srem64, {U(INT64_MIN), U(-1)}, ir::TrapKind::DivOverflow);
  expect(srem64, {5, 0}, ir::TrapKind::DivByZero);
  expect(udiv8, {5, 256}, ir::TrapKind::DivByZero);  // 256 is 0 as i8
  expect(urem16, {5, 0}, ir::TrapKind::DivByZero);
  expect(fptosi, {Bits(std::nan(""))}, ir::TrapKind::FloatToInt);
  expect(fptosi, {Bits(2147483648.0)}, ir::TrapKind::FloatToInt);
  expect(fptoui, {Bits(-1.0)}, ir::TrapKind::FloatToInt);
  expect(fptoui, {Bits(18446744073709551616.0)}, ir::TrapKind::FloatToInt);
  expect(fptosi8, {Bits(128.0f)}, ir::TrapKind::FloatToInt);
  expect(index, {4}, ir::TrapKind::Bounds);
  expect(index, {U(-1)}, ir::TrapKind::Bounds);
  expect(never, {}, ir::TrapKind::Unreachable);
  // Not traps: the same ops just inside the valid range.
  CHECK(I(fx.Run(sdiv32, {U(INT32_MIN), 1})) == INT32_MIN);
  fx.Run(index, {3});
  EvalFailure e = fx.Fail(index, {9});
  CHECK(e.loc.file == 7);
  CHECK(e.loc.offset == 42);
}
