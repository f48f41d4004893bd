// Unit tests of small aggregates (at most 16 bytes) crossing the C boundary by value, both ways,
// in the layouts that libffi cannot lay out itself: nested padding, packed with misaligned fields,
// packed with aligned floats, over-aligned; each in registers and, behind enough scalar arguments
// to use up the argument registers, on the stack; and C calling a Thrust function that takes and
// returns one (a closure). The C side is C++ compiled with the platform ABI.
#include <cstdint>
#include <cstring>

#include "interp/interpreter.h"
#include "ir_fixture.h"
#include "platform/symbols.h"

using namespace thrustc;
using namespace thrustc::interp::test;

namespace {

struct InnerPad {
  uint32_t a;
  uint8_t b;
};
struct NestedPad {  // 12 bytes: i32 @0, i8 @4, i8 @8
  InnerPad in;
  uint8_t c;
};
struct __attribute__((packed)) PackedMis {  // 7 bytes: i8 @0, i32 @1, i16 @5
  uint8_t a;
  int32_t b;
  uint16_t c;
};
struct __attribute__((packed)) PackedFloats {  // 9 bytes: f32 @0, f32 @4, i8 @8
  float x;
  float y;
  uint8_t t;
};
struct alignas(16) OverAligned {  // 16 bytes, 16-aligned: i64 @0
  int64_t v;
};
static_assert(sizeof(NestedPad) == 12 && sizeof(PackedMis) == 7 && sizeof(PackedFloats) == 9 &&
              sizeof(OverAligned) == 16 && alignof(OverAligned) == 16);

// Integer fields grow by k, float fields double: every byte of the result depends on the input.
void Twist(NestedPad& p, int64_t k) { p.in.a += uint32_t(k), p.in.b += uint8_t(k), p.c += uint8_t(2 * k); }
void Twist(PackedMis& p, int64_t k) { p.a += uint8_t(k), p.b -= int32_t(k * 1000), p.c += uint16_t(k); }
void Twist(PackedFloats& p, int64_t k) { p.x *= 2, p.y *= -2, p.t += uint8_t(k); }
void Twist(OverAligned& p, int64_t k) { p.v = p.v * 10 + k; }

template <class T>
T TwistReg(T p, int64_t k) {
  Twist(p, k);
  return p;
}
template <class T>
T TwistStack(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, double, double, double, double, double,
             double, double, double, T p, int64_t k) {
  Twist(p, k);
  return p;
}
template <class T>
T CallThrust(T (*f)(T, int64_t), T p) {
  return f(p, 3);
}

struct Leaf {
  Type type;
  uint32_t offset;
  double value;
};

struct Layout {
  ir::AggType agg;
  std::vector<Leaf> init;  // the test value, leaf by leaf
};

Layout LayoutOf(const NestedPad*) {
  return {{"NestedPad", 12, 4, {{Type::I32, 0}, {Type::I8, 4}, {Type::I8, 8}}},
          {{Type::I32, 0, 70000}, {Type::I8, 4, 9}, {Type::I8, 8, 20}}};
}
Layout LayoutOf(const PackedMis*) {
  return {{"PackedMis", 7, 1, {{Type::I8, 0}, {Type::I32, 1}, {Type::I16, 5}}},
          {{Type::I8, 0, 5}, {Type::I32, 1, -123456}, {Type::I16, 5, 4000}}};
}
Layout LayoutOf(const PackedFloats*) {
  return {{"PackedFloats", 9, 1, {{Type::F32, 0}, {Type::F32, 4}, {Type::I8, 8}}},
          {{Type::F32, 0, 1.25}, {Type::F32, 4, -3.5}, {Type::I8, 8, 7}}};
}
Layout LayoutOf(const OverAligned*) {
  return {{"OverAligned", 16, 16, {{Type::I64, 0}}}, {{Type::I64, 0, 4321}}};
}

template <class T>
T Initial() {
  Layout l = LayoutOf(static_cast<const T*>(nullptr));
  alignas(16) uint8_t bytes[sizeof(T)] = {};
  for (const Leaf& leaf : l.init) {
    if (leaf.type == Type::F32) {
      float f = float(leaf.value);
      std::memcpy(bytes + leaf.offset, &f, 4);
    } else {
      int64_t v = int64_t(leaf.value);
      std::memcpy(bytes + leaf.offset, &v, ir::TypeSize(leaf.type));
    }
  }
  T t;
  std::memcpy(&t, bytes, sizeof(T));
  return t;
}

Reg StoreInitial(Builder& b, const Layout& l) {
  Reg a = b.SlotAddr(b.NewSlot(l.agg.size, l.agg.align, "arg"));
  for (const Leaf& leaf : l.init) {
    Reg at = b.PtrOffset(a, leaf.offset);
    Reg v = leaf.type == Type::F32 ? b.FConst(Type::F32, leaf.value) : b.IConst(leaf.type, int64_t(leaf.value));
    b.Store(leaf.type, v, at);
  }
  return a;
}

struct Fixture {
  platform::Symbols symbols;
  interp::Interpreter interp{symbols};
  ir::Module m;
};

// run(fn, out): *out = fn(<scalars if on_stack>, value, 3), through call_indirect to C.
template <class T>
T CallC(bool on_stack) {
  Fixture fx;
  Layout l = LayoutOf(static_cast<const T*>(nullptr));
  fx.m.aggs.push_back(l.agg);
  Builder b = AddFunction(fx.m, "run", {Abi(Type::Ptr), Abi(Type::Ptr)}, Abi(Type::Void));
  Reg a = StoreInitial(b, l);
  ir::CallInfo call;
  if (on_stack) {
    for (int i = 0; i < 6; ++i) call.args.push_back(b.IConst(Type::I64, i)), call.arg_types.push_back(Abi(Type::I64));
    for (int i = 0; i < 8; ++i) call.args.push_back(b.FConst(Type::F64, i)), call.arg_types.push_back(Abi(Type::F64));
  }
  call.args.push_back(a);
  call.arg_types.push_back(AggAbi(0));
  call.args.push_back(b.IConst(Type::I64, 3));
  call.arg_types.push_back(Abi(Type::I64));
  call.ret = AggAbi(0);
  call.ret_dest = Param(b, 1);
  call.fixed_count = uint32_t(call.args.size());
  b.CallIndirect(Param(b, 0), call);
  b.Ret();
  alignas(16) T out{};
  void* fn = on_stack ? reinterpret_cast<void*>(&TwistStack<T>) : reinterpret_cast<void*>(&TwistReg<T>);
  uint64_t result = 0;
  auto failed = fx.interp.Call(fx.m, fx.m.FindFunction("run"), {uint64_t(uintptr_t(fn)), uint64_t(uintptr_t(&out))}, result);
  INFO((failed ? failed->message : std::string()));
  REQUIRE_FALSE(failed.has_value());
  return out;
}

// A Thrust function twist(p, k) built from the layout, handed to C (CallThrust) as a closure.
template <class T>
T CallFromC() {
  Fixture fx;
  Layout l = LayoutOf(static_cast<const T*>(nullptr));
  fx.m.aggs.push_back(l.agg);
  {
    Builder t = AddFunction(fx.m, "twist", {AggAbi(0), Abi(Type::I64)}, AggAbi(0));
    Reg r = t.SlotAddr(t.NewSlot(l.agg.size, l.agg.align, "r"));
    t.Copy(r, Param(t, 0), l.agg.size);
    for (const Leaf& leaf : l.init) {
      if (leaf.type == Type::F32) continue;  // integer leaves only (see AddToIntLeaves)
      Reg at = t.PtrOffset(r, leaf.offset);
      Reg k = leaf.type == Type::I64 ? Param(t, 1) : t.Convert(Op::Trunc, leaf.type, Param(t, 1));
      t.Store(leaf.type, t.Binary(Op::Add, leaf.type, t.Load(leaf.type, at), k), at);
    }
    t.Ret(r);
  }
  ir::FuncId twist = ir::FuncId(fx.m.functions.size() - 1);
  Builder b = AddFunction(fx.m, "run", {Abi(Type::Ptr), Abi(Type::Ptr)}, Abi(Type::Void));
  Reg a = StoreInitial(b, l);
  ir::CallInfo call;
  call.args = {b.FuncAddr(twist), a};
  call.arg_types = {Abi(Type::Ptr), AggAbi(0)};
  call.ret = AggAbi(0);
  call.ret_dest = Param(b, 1);
  call.fixed_count = 2;
  b.CallIndirect(Param(b, 0), call);
  b.Ret();
  alignas(16) T out{};
  uint64_t result = 0;
  auto failed = fx.interp.Call(fx.m, fx.m.FindFunction("run"),
                               {uint64_t(uintptr_t(&CallThrust<T>)), uint64_t(uintptr_t(&out))}, result);
  INFO((failed ? failed->message : std::string()));
  REQUIRE_FALSE(failed.has_value());
  return out;
}

// What the Thrust twist of CallFromC does: every integer leaf grows by k (wrapping).
template <class T>
void AddToIntLeaves(T& t, int64_t k) {
  Layout l = LayoutOf(static_cast<const T*>(nullptr));
  alignas(16) uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &t, sizeof(T));
  for (const Leaf& leaf : l.init) {
    if (leaf.type == Type::F32) continue;
    uint64_t v = 0;
    uint32_t size = ir::TypeSize(leaf.type);
    std::memcpy(&v, bytes + leaf.offset, size);
    v += uint64_t(k);
    std::memcpy(bytes + leaf.offset, &v, size);
  }
  std::memcpy(&t, bytes, sizeof(T));
}

// Compares the fields only: padding bytes carry no value across a call.
template <class T>
bool SameBytes(const T& a, const T& b) {
  Layout l = LayoutOf(static_cast<const T*>(nullptr));
  const auto* pa = reinterpret_cast<const uint8_t*>(&a);
  const auto* pb = reinterpret_cast<const uint8_t*>(&b);
  for (const Leaf& leaf : l.init)
    if (std::memcmp(pa + leaf.offset, pb + leaf.offset, ir::TypeSize(leaf.type)) != 0) return false;
  return true;
}

}  // namespace

TEST_CASE_TEMPLATE("a C call takes and returns a small aggregate by value, in registers and on the stack", T,
                   NestedPad, PackedMis, PackedFloats, OverAligned) {
  T expected = TwistReg(Initial<T>(), 3);
  T in_regs = CallC<T>(false);
  CHECK(SameBytes(in_regs, expected));
  T on_stack = CallC<T>(true);
  CHECK(SameBytes(on_stack, expected));
}

TEST_CASE_TEMPLATE("C calls a Thrust function that takes and returns a small aggregate by value", T, NestedPad,
                   PackedMis, PackedFloats, OverAligned) {
  T expected = Initial<T>();
  AddToIntLeaves(expected, 3);
  T got = CallFromC<T>();
  CHECK(SameBytes(got, expected));
}
