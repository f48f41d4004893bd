// The frontend's type table: every Thrust type interned once behind a 32-bit TypeId, with C
// layout (size, alignment, field offsets) and the conversion rules of section 6. Used by the
// checker and by lowering (lower/ maps these types to IR types).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontend/syntax/ast.h"

namespace thrustc::frontend {

using TypeId = uint32_t;

// The first kinds (up to Ptr) are primitives whose TypeId equals the kind's value.
enum class TypeKind : uint8_t {
  Error, Void, Bool, Char, S8, S16, S32, S64, SSize, U8, U16, U32, U64, USize, F32, F64,
  IntLit, FloatLit, Null, Ptr,
  PtrTo, FixedArray, Slice, Const, Fn, Struct,
  Vector,  // NativeVector[T; N] (15.2): elem, count
};

constexpr TypeId kErrorType = 0, kVoid = 1, kBool = 2, kChar = 3, kS8 = 4, kS16 = 5, kS32 = 6,
                 kS64 = 7, kSSize = 8, kU8 = 9, kU16 = 10, kU32 = 11, kU64 = 12, kUSize = 13,
                 kF32 = 14, kF64 = 15, kIntLit = 16, kFloatLit = 17, kNull = 18, kPtr = 19;
constexpr uint32_t kPrimitiveCount = 20;

struct TypeInfo {
  TypeKind kind;
  TypeId elem = 0;     // PtrTo, Slice, Const, FixedArray: element; Fn: return type
  uint64_t count = 0;  // FixedArray: length; Fn: parameter count
  uint32_t index = 0;  // Fn: start in the parameter pool; Struct: index into structs
};

struct FieldInfo {
  NameId name;
  TokenId tok;
  TypeId type;
  uint64_t offset = 0;
};

enum class LayoutState : uint8_t { None, InProgress, Done };

struct StructInfo {
  NameId name;
  uint32_t file;
  uint32_t decl;  // index into that file's Ast::structs
  bool packed = false;
  LayoutState state = LayoutState::None;
  std::vector<FieldInfo> fields;
  uint64_t size = 0;
  uint32_t align = 1;
  uint32_t agg = UINT32_MAX;  // ir::AggId once built
  uint32_t c_record = UINT32_MAX;  // imported from C (importC): index into CDecls::records
  bool c_opaque = false;          // imported opaquely: usable through pointers only
  uint32_t generic = UINT32_MAX;  // an instance (12): the generic struct's symbol
  std::vector<TypeId> type_args;  // and its type arguments
};

class TypeTable {
 public:
  TypeTable();
  const TypeInfo& operator[](TypeId t) const { return types_[t]; }
  TypeKind Kind(TypeId t) const { return types_[t].kind; }

  TypeId PtrTo(TypeId elem) { return Intern({TypeKind::PtrTo, elem, 0, 0}); }
  TypeId Slice(TypeId elem) { return Intern({TypeKind::Slice, elem, 0, 0}); }
  TypeId Const(TypeId inner);
  TypeId FixedArray(TypeId elem, uint64_t n) { return Intern({TypeKind::FixedArray, elem, n, 0}); }
  TypeId Vector(TypeId elem, uint64_t n) { return Intern({TypeKind::Vector, elem, n, 0}); }
  TypeId Fn(std::span<const TypeId> params, TypeId ret);
  TypeId NewStruct(NameId name, uint32_t file, uint32_t decl);

  StructInfo& Struct(TypeId t) { return structs_[types_[t].index]; }
  const StructInfo& Struct(TypeId t) const { return structs_[types_[t].index]; }
  // A copy: checking an argument may instantiate a generic and so add function types, which
  // moves the storage a view would point into (a use-after-free found by the ASan smoke run).
  std::vector<TypeId> FnParams(TypeId t) const {
    const TypeId* p = fn_params_.data() + types_[t].index;
    return {p, p + types_[t].count};
  }

  // Fills offsets, size and alignment of a struct whose field types are set.
  void LayOut(StructInfo& s) const;
  uint64_t SizeOf(TypeId t) const;
  uint32_t AlignOf(TypeId t) const;

  std::string Print(TypeId t, const NameTable& names) const;

  TypeId Unqual(TypeId t) const { return Kind(t) == TypeKind::Const ? types_[t].elem : t; }
  bool IsInt(TypeId t) const;  // char and every sized integer (not literals)
  bool IsSigned(TypeId t) const;
  bool IsFloat(TypeId t) const { return t == kF32 || t == kF64; }
  bool IsNumeric(TypeId t) const { return IsInt(t) || IsFloat(t); }
  uint32_t IntBits(TypeId t) const;
  bool IsPointerLike(TypeId t) const;  // ptr, ptr[T], array[T], Fn, nullptr
  bool IsAggregate(TypeId t) const;    // struct, fixed array or native vector
  bool IsStringLike(TypeId t) const;   // array[char], ptr[char] (const or not)

 private:
  TypeId Intern(TypeInfo info);
  std::vector<TypeInfo> types_;
  std::vector<StructInfo> structs_;
  std::vector<TypeId> fn_params_;
  std::unordered_map<std::string, TypeId> interned_;
};

// Section 6: conversions without `as` (string literals are handled by the checker).
bool ConvertsImplicitly(const TypeTable& types, TypeId from, TypeId to);
// Section 6: conversions with `as`.
bool CastAllowed(const TypeTable& types, TypeId from, TypeId to);
// Section 5.4: the common type of two integer types (wider; at equal width the signed one).
TypeId CommonIntType(const TypeTable& types, TypeId a, TypeId b);
// Does an (untyped) integer literal value fit in an integer type?
bool IntFits(const TypeTable& types, TypeId t, __int128 value);

}  // namespace thrustc::frontend
