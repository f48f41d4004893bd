// Unit tests of the interpreter: control flow, recursion (and its stack budget), stack slots and
// memory ops, Thrust-to-Thrust aggregates by value, globals persisting across runs, module growth,
// RunMain's argv, and a speed check of the dispatch loop.
#include <chrono>
#include <cstring>

#include "interp/interpreter.h"
#include "ir_fixture.h"
#include "platform/symbols.h"
#include "../test_env.h"

using namespace thrustc;
using namespace thrustc::interp::test;
using ir::EvalFailure;

namespace {

// fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), on i64.
ir::FuncId AddFib(ir::Module& m) {
  Builder b = AddFunction(m, "fib", {Abi(Type::I64)}, Abi(Type::I64));
  ir::FuncId self = ir::FuncId(m.functions.size() - 1);
  Reg n = Param(b, 0);
  auto small = b.NewBlock("small"), big = b.NewBlock("big");
  b.CondBr(b.Cmp(Op::ICmp, ir::Pred::Slt, Type::I64, n, b.IConst(Type::I64, 2)), small, big);
  b.SetBlock(small);
  b.Ret(n);
  b.SetBlock(big);
  Reg n1 = b.Binary(Op::Sub, Type::I64, n, b.IConst(Type::I64, 1));
  Reg n2 = b.Binary(Op::Sub, Type::I64, n, b.IConst(Type::I64, 2));
  Reg f1 = b.Call(self, CallOf(m, self, {n1}));
  Reg f2 = b.Call(self, CallOf(m, self, {n2}));
  b.Ret(b.Binary(Op::Add, Type::I64, f1, f2));
  return self;
}

// sum(n) = 0 + 1 + ... + (n-1) with a loop variable in a stack slot.
ir::FuncId AddLoopSum(ir::Module& m) {
  Builder b = AddFunction(m, "sum", {Abi(Type::I64)}, Abi(Type::I64));
  Reg i_addr = b.SlotAddr(b.NewSlot(8, 8, "i"));
  Reg acc_addr = b.SlotAddr(b.NewSlot(8, 8, "acc"));
  b.Store(Type::I64, b.IConst(Type::I64, 0), i_addr);
  b.Store(Type::I64, b.IConst(Type::I64, 0), acc_addr);
  auto head = b.NewBlock("head"), body = b.NewBlock("body"), done = b.NewBlock("done");
  b.Br(head);
  b.SetBlock(head);
  Reg i = b.Load(Type::I64, i_addr);
  b.CondBr(b.Cmp(Op::ICmp, ir::Pred::Slt, Type::I64, i, Param(b, 0)), body, done);
  b.SetBlock(body);
  b.Store(Type::I64, b.Binary(Op::Add, Type::I64, b.Load(Type::I64, acc_addr), i), acc_addr);
  b.Store(Type::I64, b.Binary(Op::Add, Type::I64, i, b.IConst(Type::I64, 1)), i_addr);
  b.Br(head);
  b.SetBlock(done);
  b.Ret(b.Load(Type::I64, acc_addr));
  return ir::FuncId(m.functions.size() - 1);
}

}  // namespace

TEST_CASE("recursion and loops") {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols);
  ir::Module m;
  auto fib = AddFib(m);
  auto sum = AddLoopSum(m);
  uint64_t r = 0;
  REQUIRE_FALSE(interp.Call(m, fib, {20}, r));
  CHECK(r == 6765);
  REQUIRE_FALSE(interp.Call(m, sum, {1000}, r));
  CHECK(r == 499500);
}

TEST_CASE("deep recursion is a stack overflow failure, and the interpreter still works after") {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols, {.max_stack_bytes = 1 << 20});
  ir::Module m;
  Builder b = AddFunction(m, "forever", {Abi(Type::I64)}, Abi(Type::I64));
  Reg next = b.Binary(Op::Add, Type::I64, Param(b, 0), b.IConst(Type::I64, 1));
  b.Ret(b.Call(0, CallOf(m, 0, {next})));
  auto fib = AddFib(m);
  uint64_t r = 0;
  auto failure = interp.Call(m, 0, {0}, r);
  REQUIRE(failure);
  CHECK(failure->kind == EvalFailure::Kind::Crash);
  CHECK(failure->message == "stack overflow");
  CHECK(failure->function == "forever");
  REQUIRE_FALSE(interp.Call(m, fib, {10}, r));
  CHECK(r == 55);
}

TEST_CASE("loads and stores of every width, ptradd, copy and zero") {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols);
  ir::Module m;
  // f(x: i64) stores x as i8/i16/i32/i64/f32 into a 32-byte slot array, copies it, zeroes one
  // byte and returns a checksum of the loaded values.
  Builder b = AddFunction(m, "mem", {Abi(Type::I64)}, Abi(Type::I64));
  Reg x = Param(b, 0);
  Reg buf = b.SlotAddr(b.NewSlot(32, 16, "buf"));
  Reg copy = b.SlotAddr(b.NewSlot(32, 16, "copy"));
  b.Store(Type::I8, b.Convert(Op::Trunc, Type::I8, x), buf);
  b.Store(Type::I16, b.Convert(Op::Trunc, Type::I16, x), b.PtrOffset(buf, 2));
  b.Store(Type::I32, b.Convert(Op::Trunc, Type::I32, x), b.PtrOffset(buf, 4));
  b.Store(Type::I64, x, b.PtrAdd(buf, b.IConst(Type::I64, 1), 8));
  b.Store(Type::F32, b.FConst(Type::F32, 2.5), b.PtrOffset(buf, 16));
  b.Copy(copy, buf, 32);
  b.Zero(b.PtrOffset(buf, 0), 1);
  Reg l8 = b.Convert(Op::SExt, Type::I64, b.Load(Type::I8, copy));
  Reg l16 = b.Convert(Op::SExt, Type::I64, b.Load(Type::I16, b.PtrOffset(copy, 2)));
  Reg l32 = b.Convert(Op::SExt, Type::I64, b.Load(Type::I32, b.PtrOffset(copy, 4)));
  Reg l64 = b.Load(Type::I64, b.PtrOffset(copy, 8));
  Reg lf = b.Convert(Op::FPToSI, Type::I64, b.Binary(Op::FMul, Type::F32, b.Load(Type::F32, b.PtrOffset(copy, 16)),
                                                          b.FConst(Type::F32, 2.0)));
  Reg zeroed = b.Convert(Op::SExt, Type::I64, b.Load(Type::I8, buf));
  Reg sum = b.Binary(Op::Add, Type::I64, l8, l16);
  sum = b.Binary(Op::Add, Type::I64, sum, l32);
  sum = b.Binary(Op::Add, Type::I64, sum, l64);
  sum = b.Binary(Op::Add, Type::I64, sum, lf);
  b.Ret(b.Binary(Op::Add, Type::I64, sum, zeroed));
  uint64_t r = 0;
  REQUIRE_FALSE(interp.Call(m, 0, {uint64_t(-1)}, r));
  CHECK(int64_t(r) == -1 - 1 - 1 - 1 + 5 + 0);
  REQUIRE_FALSE(interp.Call(m, 0, {0x1'0000'8081}, r));
  // i8 0x81 = -127, i16 0x8081 = -32639, i32 0x8081 = 32897, i64 as given.
  CHECK(int64_t(r) == -127 - 32639 + 32897 + 0x1'0000'8081 + 5);
}

TEST_CASE("aggregates by value between Thrust functions: the callee owns its copy") {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols);
  ir::Module m;
  m.aggs.push_back({"Pair", 16, 8, {{Type::I64, 0}, {Type::I64, 8}}});
  // bump(p: Pair) -> Pair: p.a += 100 in its own copy; returns that copy.
  Builder c = AddFunction(m, "bump", {AggAbi(0)}, AggAbi(0));
  Reg p = Param(c, 0);
  c.Store(Type::I64, c.Binary(Op::Add, Type::I64, c.Load(Type::I64, p), c.IConst(Type::I64, 100)), p);
  c.Ret(p);
  // main(x) -> i64: q = {x, 2}; r = bump(q); return q.a * 1000 + r.a + r.b
  Builder b = AddFunction(m, "caller", {Abi(Type::I64)}, Abi(Type::I64));
  Reg q = b.SlotAddr(b.NewSlot(16, 8, "q"));
  Reg res = b.SlotAddr(b.NewSlot(16, 8, "r"));
  b.Store(Type::I64, Param(b, 0), q);
  b.Store(Type::I64, b.IConst(Type::I64, 2), b.PtrOffset(q, 8));
  ir::CallInfo info = CallOf(m, 0, {q});
  info.ret_dest = res;
  b.Call(0, info);
  Reg qa = b.Load(Type::I64, q);
  Reg sum = b.Binary(Op::Add, Type::I64, b.Load(Type::I64, res), b.Load(Type::I64, b.PtrOffset(res, 8)));
  b.Ret(b.Binary(Op::Add, Type::I64, b.Binary(Op::Mul, Type::I64, qa, b.IConst(Type::I64, 1000)), sum));
  uint64_t r = 0;
  REQUIRE_FALSE(interp.Call(m, 1, {7}, r));
  CHECK(r == 7000 + 107 + 2);
}

TEST_CASE("globals: initial bytes, relocations, values kept across runs, a growing module") {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols);
  ir::Module m;
  ir::Global counter;
  counter.name = "counter", counter.size = 4, counter.align = 4, counter.bytes = {5, 0, 0, 0};
  counter.is_mutable = true;
  m.globals.push_back(counter);
  ir::Global ref;
  ref.name = "ref", ref.size = 8, ref.align = 8, ref.relocs = {{0, false, 0, 0}};
  m.globals.push_back(ref);
  // thunk(out): counter = *ref + 1; *out = counter (i32)
  Builder b = AddFunction(m, "thunk", {Abi(Type::Ptr)}, Abi(Type::Void));
  Reg via = b.Load(Type::Ptr, b.GlobalAddr(1));
  Reg next = b.Binary(Op::Add, Type::I32, b.Load(Type::I32, via), b.IConst(Type::I32, 1));
  b.Store(Type::I32, next, b.GlobalAddr(0));
  b.Store(Type::I32, next, Param(b, 0));
  b.Ret();
  int32_t out = 0;
  REQUIRE_FALSE(interp.Run(m, 0, &out, sizeof out));
  CHECK(out == 6);
  REQUIRE_FALSE(interp.Run(m, 0, &out, sizeof out));
  CHECK(out == 7);
  // The module grows: a new global and a new thunk reading the old global.
  ir::Global later;
  later.name = "later", later.size = 4, later.align = 4, later.bytes = {100, 0, 0, 0};
  m.globals.push_back(later);
  Builder t = AddFunction(m, "thunk2", {Abi(Type::Ptr)}, Abi(Type::Void));
  Reg v = t.Binary(Op::Add, Type::I32, t.Load(Type::I32, t.GlobalAddr(0)), t.Load(Type::I32, t.GlobalAddr(2)));
  t.Store(Type::I32, v, Param(t, 0));
  t.Ret();
  REQUIRE_FALSE(interp.Run(m, 1, &out, sizeof out));
  CHECK(out == 107);
}

TEST_CASE("RunMain passes a real argc/argv and returns main's result") {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols);
  ir::Module m;
  // main(argc, argv) = argc * 100 + argv[1][0]
  Builder b = AddFunction(m, "main", {Abi(Type::I32), Abi(Type::Ptr)}, Abi(Type::I32));
  Reg argv1 = b.Load(Type::Ptr, b.PtrOffset(Param(b, 1), 8));
  Reg c = b.Convert(Op::ZExt, Type::I32, b.Load(Type::I8, argv1));
  b.Ret(b.Binary(Op::Add, Type::I32, b.Binary(Op::Mul, Type::I32, Param(b, 0), b.IConst(Type::I32, 100)), c));
  int exit_code = -1;
  REQUIRE_FALSE(interp.RunMain(m, 0, {"prog", "A", "b"}, exit_code));
  CHECK(exit_code == 300 + 'A');
}

TEST_CASE("speed: a tight loop runs at tens of millions of IR instructions per second" *
          doctest::skip(kNoThroughputFloors)) {
  platform::Symbols symbols;
  interp::Interpreter interp(symbols);
  ir::Module m;
  // count(n): i = 0; while (i < n) i = i + 1 — 3 IR instructions per iteration, in registers
  // through a slot-free phi-less form: the loop variable lives in a slot (load/add/store/cmp/br).
  auto sum = AddLoopSum(m);
  const uint64_t n = 5'000'000;
  uint64_t r = 0;
  auto start = std::chrono::steady_clock::now();
  REQUIRE_FALSE(interp.Call(m, sum, {n}, r));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r == n * (n - 1) / 2);
  double per_second = double(n) * 9 / seconds;  // 9 instructions per iteration (head + body)
  MESSAGE("interpreter speed: " << per_second / 1e6 << "M IR instructions/s");
  CHECK(per_second > 20e6);
}
