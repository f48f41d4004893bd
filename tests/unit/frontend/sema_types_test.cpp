// Unit tests for the frontend type table (src/frontend/sema/types.cpp): C layout of structs and
// arrays (natural alignment, padding, tail padding, @packed), the implicit and explicit
// conversion rules of section 6, common integer types and literal ranges, and the IR types
// lowering gives them (src/frontend/lower/lower_decl.cpp).
#include <doctest/doctest.h>

#include "frontend/lower/lowerer.h"
#include "frontend/sema/types.h"

using namespace thrustc;
using namespace thrustc::frontend;

namespace {

TypeId MakeStruct(TypeTable& types, std::initializer_list<TypeId> fields, bool packed = false) {
  TypeId t = types.NewStruct(0, 0, 0);
  StructInfo& s = types.Struct(t);
  s.packed = packed;
  for (TypeId f : fields) s.fields.push_back({0, 0, f});
  types.LayOut(s);
  return t;
}

}  // namespace

TEST_CASE("primitive sizes and alignments follow LP64") {
  TypeTable t;
  CHECK(t.SizeOf(kS8) == 1);
  CHECK(t.SizeOf(kU16) == 2);
  CHECK(t.SizeOf(kS32) == 4);
  CHECK(t.SizeOf(kU64) == 8);
  CHECK(t.SizeOf(kSSize) == 8);
  CHECK(t.SizeOf(kUSize) == 8);
  CHECK(t.SizeOf(kF32) == 4);
  CHECK(t.SizeOf(kBool) == 1);
  CHECK(t.SizeOf(kChar) == 1);
  CHECK(t.SizeOf(kPtr) == 8);
  CHECK(t.SizeOf(t.PtrTo(kS8)) == 8);
  CHECK(t.SizeOf(t.Slice(kChar)) == 8);
  CHECK(t.AlignOf(kF64) == 8);
  CHECK(t.SizeOf(t.Const(kS16)) == 2);
}

TEST_CASE("struct layout pads fields to natural alignment and adds tail padding") {
  TypeTable t;
  TypeId s = MakeStruct(t, {kU8, kU32, kU16});
  const StructInfo& info = t.Struct(s);
  CHECK(info.fields[0].offset == 0);
  CHECK(info.fields[1].offset == 4);
  CHECK(info.fields[2].offset == 8);
  CHECK(t.SizeOf(s) == 12);
  CHECK(t.AlignOf(s) == 4);

  TypeId d = MakeStruct(t, {kU8, kF64});
  CHECK(t.Struct(d).fields[1].offset == 8);
  CHECK(t.SizeOf(d) == 16);
  CHECK(t.AlignOf(d) == 8);
}

TEST_CASE("@packed removes all padding") {
  TypeTable t;
  TypeId s = MakeStruct(t, {kU8, kU32, kU16}, true);
  CHECK(t.Struct(s).fields[1].offset == 1);
  CHECK(t.Struct(s).fields[2].offset == 5);
  CHECK(t.SizeOf(s) == 7);
  CHECK(t.AlignOf(s) == 1);
}

TEST_CASE("nested structs and fixed arrays use the element layout") {
  TypeTable t;
  TypeId inner = MakeStruct(t, {kU8, kU16});  // size 4, align 2
  TypeId arr = t.FixedArray(inner, 3);
  CHECK(t.SizeOf(arr) == 12);
  CHECK(t.AlignOf(arr) == 2);
  TypeId outer = MakeStruct(t, {kChar, arr, kS64});
  CHECK(t.Struct(outer).fields[1].offset == 2);
  CHECK(t.Struct(outer).fields[2].offset == 16);
  CHECK(t.SizeOf(outer) == 24);
  CHECK(t.SizeOf(t.FixedArray(kS32, 0)) == 0);
}

TEST_CASE("types are interned") {
  TypeTable t;
  CHECK(t.PtrTo(kS32) == t.PtrTo(kS32));
  CHECK(t.PtrTo(kS32) != t.PtrTo(kU32));
  CHECK(t.FixedArray(kS32, 4) != t.FixedArray(kS32, 5));
  CHECK(t.Const(t.Const(kS32)) == t.Const(kS32));
  TypeId params[] = {kS32, kF64};
  CHECK(t.Fn(params, kBool) == t.Fn(params, kBool));
  CHECK(t.Fn(params, kBool) != t.Fn(params, kVoid));
}

TEST_CASE("types print as the language spells them") {
  NameTable names;
  TypeTable t;
  CHECK(t.Print(t.Const(t.Slice(kChar)), names) == "const array[char]");
  CHECK(t.Print(t.PtrTo(t.FixedArray(kU32, 10)), names) == "ptr[array[u32; 10]]");
  TypeId params[] = {kS32, kPtr};
  CHECK(t.Print(t.Fn(params, kVoid), names) == "Fn[s32, ptr] -> void");
}

TEST_CASE("implicit integer conversions only widen without losing values") {
  TypeTable t;
  CHECK(ConvertsImplicitly(t, kS8, kS32));
  CHECK(ConvertsImplicitly(t, kU8, kS16));
  CHECK(ConvertsImplicitly(t, kU32, kS64));
  CHECK(ConvertsImplicitly(t, kU32, kU64));
  CHECK(ConvertsImplicitly(t, kS64, kSSize));
  CHECK(!ConvertsImplicitly(t, kS32, kS8));
  CHECK(!ConvertsImplicitly(t, kS8, kU16));
  CHECK(!ConvertsImplicitly(t, kU32, kS32));
  CHECK(!ConvertsImplicitly(t, kS32, kU64));
  CHECK(!ConvertsImplicitly(t, kBool, kS32));
  CHECK(!ConvertsImplicitly(t, kS32, kBool));
  CHECK(!ConvertsImplicitly(t, kS32, kF64));
}

TEST_CASE("implicit float, pointer and const conversions") {
  TypeTable t;
  CHECK(ConvertsImplicitly(t, kF32, kF64));
  CHECK(!ConvertsImplicitly(t, kF64, kF32));
  CHECK(ConvertsImplicitly(t, t.PtrTo(kS32), kPtr));
  CHECK(ConvertsImplicitly(t, t.Slice(kS32), kPtr));
  CHECK(ConvertsImplicitly(t, kNull, t.PtrTo(kS32)));
  CHECK(ConvertsImplicitly(t, t.Slice(kS32), t.PtrTo(kS32)));
  CHECK(ConvertsImplicitly(t, t.PtrTo(kS32), t.Slice(kS32)));
  CHECK(!ConvertsImplicitly(t, t.PtrTo(kS32), t.Slice(kU32)));
  CHECK(!ConvertsImplicitly(t, kPtr, t.PtrTo(kS32)));
  CHECK(ConvertsImplicitly(t, kS32, t.Const(kS32)));
  CHECK(ConvertsImplicitly(t, t.Slice(kChar), t.Const(t.Slice(kChar))));
  CHECK(!ConvertsImplicitly(t, t.Const(t.Slice(kChar)), t.Slice(kChar)));
  CHECK(ConvertsImplicitly(t, t.Const(kS32), kS64));
  CHECK(ConvertsImplicitly(t, kIntLit, kU8));
  CHECK(ConvertsImplicitly(t, kIntLit, kF32));
  CHECK(!ConvertsImplicitly(t, kFloatLit, kS32));
}

TEST_CASE("explicit casts") {
  TypeTable t;
  CHECK(CastAllowed(t, kF64, kS32));
  CHECK(CastAllowed(t, kS64, kU8));
  CHECK(CastAllowed(t, kBool, kU32));
  CHECK(!CastAllowed(t, kS32, kBool));
  CHECK(CastAllowed(t, kPtr, kU64));
  CHECK(CastAllowed(t, kU64, t.PtrTo(kS8)));
  CHECK(CastAllowed(t, t.PtrTo(kS8), t.PtrTo(t.PtrTo(kChar))));
  CHECK(CastAllowed(t, t.Const(t.Slice(kChar)), t.Slice(kChar)));
  CHECK(!CastAllowed(t, kF64, kPtr));
  TypeId s = t.NewStruct(0, 0, 0);
  CHECK(!CastAllowed(t, s, kS32));
}

TEST_CASE("common integer type: the wider one, at equal width the signed one") {
  TypeTable t;
  CHECK(CommonIntType(t, kS32, kU32) == kS32);
  CHECK(CommonIntType(t, kU32, kS32) == kS32);
  CHECK(CommonIntType(t, kU8, kS16) == kS16);
  CHECK(CommonIntType(t, kU64, kS32) == kU64);
  CHECK(CommonIntType(t, kS64, kU64) == kS64);
  CHECK(CommonIntType(t, kChar, kS32) == kS32);
}

TEST_CASE("literal ranges") {
  TypeTable t;
  CHECK(IntFits(t, kU8, 255));
  CHECK(!IntFits(t, kU8, 300));
  CHECK(!IntFits(t, kU8, -1));
  CHECK(IntFits(t, kS8, -128));
  CHECK(!IntFits(t, kS8, 128));
  CHECK(IntFits(t, kU64, (__int128(1) << 64) - 1));
  CHECK(!IntFits(t, kS64, (__int128(1) << 63)));
  CHECK(IntFits(t, kChar, 200));
}

TEST_CASE("IR types of frontend types") {
  TypeTable t;
  CHECK(IrType(t, kBool) == ir::Type::I8);
  CHECK(IrType(t, kU16) == ir::Type::I16);
  CHECK(IrType(t, kUSize) == ir::Type::I64);
  CHECK(IrType(t, kF32) == ir::Type::F32);
  CHECK(IrType(t, t.Slice(kChar)) == ir::Type::Ptr);
  CHECK(IrType(t, t.Const(kS32)) == ir::Type::I32);
}
