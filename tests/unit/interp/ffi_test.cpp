// Unit tests of calls between interpreted code and C: libc functions, a variadic call, a struct
// returned by value, qsort calling a Thrust comparator through a closure, missing symbols, and
// native crashes (also inside C) and traps inside callbacks coming back as failures.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "interp/interpreter.h"
#include "ir/ir_parser.h"
#include "ir_fixture.h"
#include "platform/symbols.h"

using namespace thrustc;
using namespace thrustc::interp::test;
using ir::EvalFailure;

namespace {

ir::GlobalId AddString(ir::Module& m, const std::string& name, const std::string& text) {
  ir::Global g;
  g.name = name;
  g.size = uint32_t(text.size() + 1);
  g.bytes.assign(text.begin(), text.end());
  g.bytes.push_back(0);
  m.globals.push_back(g);
  return ir::GlobalId(m.globals.size() - 1);
}

struct Fixture {
  platform::Symbols symbols;
  interp::Interpreter interp{symbols};
  ir::Module m;
};

}  // namespace

TEST_CASE("calls strlen, atoi, malloc/free and printf from libc") {
  Fixture fx;
  auto strlen_fn = AddExternal(fx.m, "strlen", {Abi(Type::Ptr)}, Abi(Type::I64));
  auto atoi_fn = AddExternal(fx.m, "atoi", {Abi(Type::Ptr)}, Abi(Type::I32));
  auto malloc_fn = AddExternal(fx.m, "malloc", {Abi(Type::I64)}, Abi(Type::Ptr));
  auto free_fn = AddExternal(fx.m, "free", {Abi(Type::Ptr)}, Abi(Type::Void));
  auto printf_fn = AddExternal(fx.m, "printf", {Abi(Type::Ptr)}, Abi(Type::I32), true);
  auto hello = AddString(fx.m, "hello", "hello, thrust");
  auto num = AddString(fx.m, "num", "-1234");
  auto fmt = AddString(fx.m, "fmt", "[interp printf %d]\n");
  // f() = strlen(hello) * 100000 + atoi(num) + heap round trip (malloc, store 7, load, free) + printf count
  Builder b = AddFunction(fx.m, "f", {}, Abi(Type::I64));
  Reg h = b.GlobalAddr(hello);
  Reg len = b.Call(strlen_fn, CallOf(fx.m, strlen_fn, {h}));
  Reg n = b.Convert(Op::SExt, Type::I64, b.Call(atoi_fn, CallOf(fx.m, atoi_fn, {b.GlobalAddr(num)})));
  Reg p = b.Call(malloc_fn, CallOf(fx.m, malloc_fn, {b.IConst(Type::I64, 16)}));
  b.Store(Type::I64, b.IConst(Type::I64, 7), p);
  Reg seven = b.Load(Type::I64, p);
  b.Call(free_fn, CallOf(fx.m, free_fn, {p}));
  Reg printed = b.Call(printf_fn, CallOf(fx.m, printf_fn, {b.GlobalAddr(fmt), b.IConst(Type::I32, 42)}, {Abi(Type::I32)}));
  Reg r = b.Binary(Op::Mul, Type::I64, len, b.IConst(Type::I64, 100000));
  r = b.Binary(Op::Add, Type::I64, r, n);
  r = b.Binary(Op::Add, Type::I64, r, b.Binary(Op::Mul, Type::I64, seven, b.IConst(Type::I64, 1000000000)));
  r = b.Binary(Op::Add, Type::I64, r, b.Binary(Op::Mul, Type::I64, b.Convert(Op::SExt, Type::I64, printed),
                                               b.IConst(Type::I64, 100000000000)));
  b.Ret(r);
  uint64_t result = 0;
  auto failure = fx.interp.Call(fx.m, ir::FuncId(fx.m.functions.size() - 1), {}, result);
  REQUIRE_FALSE(failure);
  std::fflush(stdout);
  int64_t expected = 13 * 100000 - 1234 + 7 * 1000000000ll + int64_t(std::strlen("[interp printf 42]\n")) * 100000000000ll;
  CHECK(int64_t(result) == expected);
}

TEST_CASE("variadic call with mixed int, double and pointer arguments (snprintf)") {
  Fixture fx;
  auto snprintf_fn =
      AddExternal(fx.m, "snprintf", {Abi(Type::Ptr), Abi(Type::I64), Abi(Type::Ptr)}, Abi(Type::I32), true);
  auto fmt = AddString(fx.m, "fmt", "%d|%.3f|%s|%lld|%g");
  auto word = AddString(fx.m, "word", "ok");
  Builder b = AddFunction(fx.m, "thunk", {Abi(Type::Ptr)}, Abi(Type::Void));
  std::vector<Reg> args = {Param(b, 0), b.IConst(Type::I64, 64), b.GlobalAddr(fmt), b.IConst(Type::I32, -17),
                           b.FConst(Type::F64, 2.5), b.GlobalAddr(word), b.IConst(Type::I64, 1ll << 40),
                           b.FConst(Type::F64, 0.125)};
  b.Call(snprintf_fn, CallOf(fx.m, snprintf_fn, args,
                             {Abi(Type::I32), Abi(Type::F64), Abi(Type::Ptr), Abi(Type::I64), Abi(Type::F64)}));
  b.Ret();
  char buffer[64] = {};
  REQUIRE_FALSE(fx.interp.Run(fx.m, ir::FuncId(fx.m.functions.size() - 1), buffer, sizeof buffer));
  CHECK(std::string(buffer) == "-17|2.500|ok|1099511627776|0.125");
}

TEST_CASE("math library: sqrt and powf (f32 arguments and result)") {
  Fixture fx;
  auto sqrt_fn = AddExternal(fx.m, "sqrt", {Abi(Type::F64)}, Abi(Type::F64));
  auto powf_fn = AddExternal(fx.m, "powf", {Abi(Type::F32), Abi(Type::F32)}, Abi(Type::F32));
  Builder b = AddFunction(fx.m, "f", {Abi(Type::F64)}, Abi(Type::F64));
  Reg s = b.Call(sqrt_fn, CallOf(fx.m, sqrt_fn, {Param(b, 0)}));
  Reg p = b.Call(powf_fn, CallOf(fx.m, powf_fn, {b.FConst(Type::F32, 2.0), b.FConst(Type::F32, 10.0)}));
  b.Ret(b.Binary(Op::FAdd, Type::F64, s, b.Convert(Op::FPExt, Type::F64, p)));
  uint64_t r = 0;
  REQUIRE_FALSE(fx.interp.Call(fx.m, ir::FuncId(fx.m.functions.size() - 1), {Bits(81.0)}, r));
  CHECK(AsF64(r) == 9.0 + 1024.0);
}

TEST_CASE("a C function returning a struct by value: div() gives div_t") {
  Fixture fx;
  fx.m.aggs.push_back({"div_t", 8, 4, {{Type::I32, 0}, {Type::I32, 4}}});
  auto div_fn = AddExternal(fx.m, "div", {Abi(Type::I32), Abi(Type::I32)}, AggAbi(0));
  Builder b = AddFunction(fx.m, "f", {Abi(Type::I32), Abi(Type::I32)}, Abi(Type::I32));
  Reg out = b.SlotAddr(b.NewSlot(8, 4, "qr"));
  ir::CallInfo call = CallOf(fx.m, div_fn, {Param(b, 0), Param(b, 1)});
  call.ret_dest = out;
  b.Call(div_fn, call);
  Reg quot = b.Load(Type::I32, out);
  Reg rem = b.Load(Type::I32, b.PtrOffset(out, 4));
  b.Ret(b.Binary(Op::Add, Type::I32, b.Binary(Op::Mul, Type::I32, quot, b.IConst(Type::I32, 100)), rem));
  uint64_t r = 0;
  REQUIRE_FALSE(fx.interp.Call(fx.m, ir::FuncId(fx.m.functions.size() - 1), {17, 5}, r));
  CHECK(int64_t(r) == 302);
  REQUIRE_FALSE(fx.interp.Call(fx.m, ir::FuncId(fx.m.functions.size() - 1), {uint64_t(-17), 5}, r));
  CHECK(int64_t(r) == -302);
}

namespace {
// cmp(a: ptr, b: ptr) -> i32 = sign(*a - *b) on i32, descending when `descending`.
ir::FuncId AddComparator(ir::Module& m, bool trap_on_equal = false) {
  Builder b = AddFunction(m, "cmp", {Abi(Type::Ptr), Abi(Type::Ptr)}, Abi(Type::I32));
  Reg x = b.Load(Type::I32, Param(b, 0));
  Reg y = b.Load(Type::I32, Param(b, 1));
  if (trap_on_equal) {
    auto ok = b.NewBlock("ok");
    auto bad = b.NewBlock("bad");
    b.CondBr(b.Cmp(Op::ICmp, ir::Pred::Eq, Type::I32, x, y), bad, ok);
    b.SetBlock(bad);
    b.Trap(ir::TrapKind::Unreachable);
    b.SetBlock(ok);
  }
  Reg gt = b.Convert(Op::ZExt, Type::I32, b.Cmp(Op::ICmp, ir::Pred::Sgt, Type::I32, x, y));
  Reg lt = b.Convert(Op::ZExt, Type::I32, b.Cmp(Op::ICmp, ir::Pred::Slt, Type::I32, x, y));
  b.Ret(b.Binary(Op::Sub, Type::I32, gt, lt));
  return ir::FuncId(m.functions.size() - 1);
}

// thunk(out: ptr to 6 i32) copies a global array there after qsort with `cmp`.
ir::FuncId AddQsortThunk(ir::Module& m, ir::FuncId cmp, std::vector<int32_t> values) {
  auto qsort_fn =
      AddExternal(m, "qsort", {Abi(Type::Ptr), Abi(Type::I64), Abi(Type::I64), Abi(Type::Ptr)}, Abi(Type::Void));
  ir::Global arr;
  arr.name = "arr", arr.size = uint32_t(values.size() * 4), arr.align = 4, arr.is_mutable = true;
  arr.bytes.resize(arr.size);
  std::memcpy(arr.bytes.data(), values.data(), arr.size);
  m.globals.push_back(arr);
  Builder b = AddFunction(m, "sort_thunk", {Abi(Type::Ptr)}, Abi(Type::Void));
  Reg base = b.GlobalAddr(ir::GlobalId(m.globals.size() - 1));
  b.Call(qsort_fn, CallOf(m, qsort_fn, {base, b.IConst(Type::I64, int64_t(values.size())), b.IConst(Type::I64, 4),
                                         b.FuncAddr(cmp)}));
  b.Copy(Param(b, 0), base, int64_t(values.size() * 4));
  b.Ret();
  return ir::FuncId(m.functions.size() - 1);
}
}  // namespace

TEST_CASE("qsort calls a Thrust comparator through a native closure") {
  Fixture fx;
  auto cmp = AddComparator(fx.m);
  auto thunk = AddQsortThunk(fx.m, cmp, {5, -3, 9, 0, 9, 1});
  int32_t out[6] = {};
  REQUIRE_FALSE(fx.interp.Run(fx.m, thunk, out, sizeof out));
  CHECK(std::vector<int32_t>(out, out + 6) == std::vector<int32_t>{-3, 0, 1, 5, 9, 9});

  // The closure is a real C function pointer: calling it natively runs the Thrust code.
  Builder b = AddFunction(fx.m, "get", {Abi(Type::Ptr)}, Abi(Type::Void));
  b.Store(Type::Ptr, b.FuncAddr(cmp), Param(b, 0));
  b.Ret();
  int (*native)(const void*, const void*) = nullptr;
  REQUIRE_FALSE(fx.interp.Run(fx.m, ir::FuncId(fx.m.functions.size() - 1), &native, sizeof native));
  REQUIRE(reinterpret_cast<void*>(native) != nullptr);
  int32_t two = 2, three = 3;
  CHECK(native(&three, &two) == 1);
  CHECK(native(&two, &three) == -1);
}

TEST_CASE("call_indirect: through a closure address is interpreted, through a C address is native") {
  Fixture fx;
  auto cmp = AddComparator(fx.m);
  auto abs_fn = AddExternal(fx.m, "labs", {Abi(Type::I64)}, Abi(Type::I64));
  Builder b = AddFunction(fx.m, "f", {Abi(Type::I64)}, Abi(Type::I64));
  Reg x = b.SlotAddr(b.NewSlot(4, 4, "x"));
  Reg y = b.SlotAddr(b.NewSlot(4, 4, "y"));
  b.Store(Type::I32, b.IConst(Type::I32, 1), x);
  b.Store(Type::I32, b.IConst(Type::I32, 8), y);
  Reg c = b.CallIndirect(b.FuncAddr(cmp), CallOf(fx.m, cmp, {x, y}));
  Reg a = b.CallIndirect(b.FuncAddr(abs_fn), CallOf(fx.m, abs_fn, {Param(b, 0)}));
  b.Ret(b.Binary(Op::Add, Type::I64, a, b.Convert(Op::SExt, Type::I64, c)));
  uint64_t r = 0;
  REQUIRE_FALSE(fx.interp.Call(fx.m, ir::FuncId(fx.m.functions.size() - 1), {uint64_t(-50)}, r));
  CHECK(int64_t(r) == 49);
}

TEST_CASE("a trap inside a comparator called by qsort comes back as a failure") {
  Fixture fx;
  auto cmp = AddComparator(fx.m, /*trap_on_equal=*/true);
  auto thunk = AddQsortThunk(fx.m, cmp, {4, 4, 1});
  int32_t out[3] = {};
  auto failure = fx.interp.Run(fx.m, thunk, out, sizeof out);
  REQUIRE(failure);
  CHECK(failure->kind == EvalFailure::Kind::Trap);
  CHECK(failure->trap == ir::TrapKind::Unreachable);
  CHECK(failure->function == "cmp");
  // And the interpreter keeps working afterwards.
  auto ok_cmp = AddComparator(fx.m);
  auto thunk2 = AddQsortThunk(fx.m, ok_cmp, {3, 2, 1});
  REQUIRE_FALSE(fx.interp.Run(fx.m, thunk2, out, sizeof out));
  CHECK(out[0] == 1);
}

TEST_CASE("a segmentation fault inside a C call (strlen(NULL)) is a Crash failure") {
  Fixture fx;
  auto strlen_fn = AddExternal(fx.m, "strlen", {Abi(Type::Ptr)}, Abi(Type::I64));
  Builder b = AddFunction(fx.m, "crashy", {}, Abi(Type::I64));
  b.Ret(b.Call(strlen_fn, CallOf(fx.m, strlen_fn, {b.IConst(Type::Ptr, 0)})));
  uint64_t r = 0;
  auto failure = fx.interp.Call(fx.m, 1, {}, r);
  REQUIRE(failure);
  CHECK(failure->kind == EvalFailure::Kind::Crash);
  CHECK(failure->message == "segmentation fault");
  CHECK(failure->function == "crashy");
  // A second crash is caught too (the signal is unblocked again after the first).
  failure = fx.interp.Call(fx.m, 1, {}, r);
  REQUIRE(failure);
  CHECK(failure->message == "segmentation fault");
}

TEST_CASE("a load through a bad pointer in interpreted code and abort() in C are Crash failures") {
  Fixture fx;
  Builder b = AddFunction(fx.m, "deref", {Abi(Type::Ptr)}, Abi(Type::I64));
  b.Ret(b.Load(Type::I64, Param(b, 0)));
  auto abort_fn = AddExternal(fx.m, "abort", {}, Abi(Type::Void));
  Builder c = AddFunction(fx.m, "aborts", {}, Abi(Type::Void));
  c.Call(abort_fn, CallOf(fx.m, abort_fn, {}));
  c.Ret();
  uint64_t r = 0;
  auto failure = fx.interp.Call(fx.m, 0, {8}, r);
  REQUIRE(failure);
  CHECK(failure->kind == EvalFailure::Kind::Crash);
  CHECK(failure->message == "segmentation fault");
  failure = fx.interp.Call(fx.m, 2, {}, r);
  REQUIRE(failure);
  CHECK(failure->kind == EvalFailure::Kind::Crash);
  CHECK(failure->message == "abort");
}

TEST_CASE("a missing C symbol names the symbol and the libraries searched") {
  Fixture fx;
  auto missing = AddExternal(fx.m, "thrust_no_such_function", {}, Abi(Type::I32));
  Builder b = AddFunction(fx.m, "user", {}, Abi(Type::I32));
  b.SetLoc(SourceLoc{3, 10});
  b.Ret(b.Call(missing, CallOf(fx.m, missing, {})));
  uint64_t r = 0;
  auto failure = fx.interp.Call(fx.m, 1, {}, r);
  REQUIRE(failure);
  CHECK(failure->kind == EvalFailure::Kind::MissingSymbol);
  CHECK(failure->message.find("thrust_no_such_function") != std::string::npos);
  CHECK(failure->message.find("libc.so.6") != std::string::npos);
  CHECK(failure->function == "user");
  CHECK(failure->loc.offset == 10);
}

TEST_CASE("ReadCString reads compile-time strings and refuses bad addresses") {
  Fixture fx;
  std::string text = "from compile time";
  CHECK(fx.interp.ReadCString(uint64_t(text.c_str())) == text);
  CHECK_FALSE(fx.interp.ReadCString(0));
  CHECK_FALSE(fx.interp.ReadCString(16));
}

// A C function taking, by value, a struct whose nested member leaves padding inside it:
// struct Outer { struct { double d; char c; } inner; char tag; int32_t values[4]; } (40 bytes).
// Flattened leaves alone would let libffi pack `tag` right after `c`; the call must still see
// C's layout.
namespace {
struct InnerC {
  double d;
  char c;
};
struct OuterC {
  InnerC inner;
  char tag;
  int32_t values[4];
};
extern "C" double SumOuter(OuterC o) {
  return o.inner.d + o.inner.c + o.tag * 100 + o.values[0] + o.values[3] * 1000;
}
}  // namespace

TEST_CASE("a C call receives a large struct with nested padding in C's layout") {
  static_assert(sizeof(OuterC) == 40 && offsetof(OuterC, tag) == 16 && offsetof(OuterC, values) == 20);
  const char* text = R"(
type %Outer = { f64 @0, i8 @8, i8 @16, i32 @20, i32 @24, i32 @28, i32 @32 } size 40 align 8
fn @main(%0: ptr) -> f64 {
  slot $0 size 40 align 8 "o"
bb0:
  %1:ptr = slot_addr $0
  %2:f64 = fconst 1.5
  store f64 %2, %1
  %3:ptr = ptroffset %1, 8
  %4:i8 = iconst 2
  store i8 %4, %3
  %5:ptr = ptroffset %1, 16
  %6:i8 = iconst 3
  store i8 %6, %5
  %7:ptr = ptroffset %1, 20
  %8:i32 = iconst 4
  store i32 %8, %7
  %9:ptr = ptroffset %1, 32
  %10:i32 = iconst 5
  store i32 %10, %9
  %11:f64 = call_indirect %0(%1: agg %Outer)
  ret %11
}
)";
  Fixture fx;
  ir::ParseError error;
  REQUIRE_MESSAGE(ir::ParseModule(text, fx.m, error), error.message);
  uint64_t result = 0;
  std::vector<uint64_t> args{uint64_t(reinterpret_cast<uintptr_t>(&SumOuter))};
  std::optional<ir::EvalFailure> failed = fx.interp.Call(fx.m, fx.m.FindFunction("main"), args, result);
  INFO((failed ? failed->message : std::string()));
  REQUIRE_FALSE(failed.has_value());
  double got;
  std::memcpy(&got, &result, 8);
  CHECK(got == 1.5 + 2 + 300 + 4 + 5000);
}
