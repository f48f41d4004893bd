// The type table: interning, C layout of structs and arrays, printing, and the implicit/explicit
// conversion rules of the language page (section 6). Pure data; no diagnostics here.
#include "frontend/sema/types.h"

#include <algorithm>
#include <cstring>

namespace thrustc::frontend {

namespace {
constexpr std::string_view kPrimitiveNames[] = {
    "<error>", "void", "bool", "char", "s8", "s16", "s32", "s64", "ssize", "u8", "u16", "u32",
    "u64", "usize", "f32", "f64", "{integer}", "{float}", "nullptr", "ptr"};
}  // namespace

TypeTable::TypeTable() {
  for (uint32_t i = 0; i < kPrimitiveCount; ++i) types_.push_back({TypeKind(i)});
}

TypeId TypeTable::Intern(TypeInfo info) {
  char key[17];
  key[0] = char(info.kind);
  std::memcpy(key + 1, &info.elem, 4);
  std::memcpy(key + 5, &info.count, 8);
  std::memcpy(key + 13, &info.index, 4);
  auto [it, inserted] = interned_.try_emplace(std::string(key, sizeof key), TypeId(types_.size()));
  if (inserted) types_.push_back(info);
  return it->second;
}

TypeId TypeTable::Const(TypeId inner) {
  if (Kind(inner) == TypeKind::Const || inner == kErrorType) return inner;
  return Intern({TypeKind::Const, inner, 0, 0});
}

TypeId TypeTable::Fn(std::span<const TypeId> params, TypeId ret) {
  // Function types are rare: look for an equal one among the existing ones by parameter list.
  std::string key = "F";
  key.append(reinterpret_cast<const char*>(&ret), 4);
  for (TypeId p : params) key.append(reinterpret_cast<const char*>(&p), 4);
  auto it = interned_.find(key);
  if (it != interned_.end()) return it->second;
  TypeId id = TypeId(types_.size());
  types_.push_back({TypeKind::Fn, ret, params.size(), uint32_t(fn_params_.size())});
  fn_params_.insert(fn_params_.end(), params.begin(), params.end());
  interned_.emplace(std::move(key), id);
  return id;
}

TypeId TypeTable::NewStruct(NameId name, uint32_t file, uint32_t decl) {
  StructInfo info;
  info.name = name;
  info.file = file;
  info.decl = decl;
  structs_.push_back(std::move(info));
  types_.push_back({TypeKind::Struct, 0, 0, uint32_t(structs_.size() - 1)});
  return TypeId(types_.size() - 1);
}

void TypeTable::LayOut(StructInfo& s) const {
  uint64_t offset = 0;
  uint32_t align = 1;
  for (FieldInfo& f : s.fields) {
    uint32_t a = s.packed ? 1 : AlignOf(f.type);
    offset = (offset + a - 1) / a * a;
    f.offset = offset;
    offset += SizeOf(f.type);
    if (a > align) align = a;
  }
  s.align = align;
  s.size = (offset + align - 1) / align * align;
  s.state = LayoutState::Done;
}

uint64_t TypeTable::SizeOf(TypeId t) const {
  const TypeInfo& info = types_[t];
  switch (info.kind) {
    case TypeKind::Error: case TypeKind::Void: return 0;
    case TypeKind::Bool: case TypeKind::Char: case TypeKind::S8: case TypeKind::U8: return 1;
    case TypeKind::S16: case TypeKind::U16: return 2;
    case TypeKind::S32: case TypeKind::U32: case TypeKind::F32: case TypeKind::IntLit: return 4;
    case TypeKind::FixedArray: return info.count * SizeOf(info.elem);
    case TypeKind::Vector: {  // LLVM's <N x T>: a power of two bytes (docs/language.md)
      uint64_t bytes = info.count * SizeOf(info.elem), size = 1;
      while (size < bytes) size *= 2;
      return size;
    }
    case TypeKind::Const: return SizeOf(info.elem);
    case TypeKind::Struct: return structs_[info.index].size;
    default: return 8;
  }
}

uint32_t TypeTable::AlignOf(TypeId t) const {
  const TypeInfo& info = types_[t];
  switch (info.kind) {
    case TypeKind::Error: case TypeKind::Void: return 1;
    case TypeKind::FixedArray: case TypeKind::Const: return AlignOf(info.elem);
    case TypeKind::Struct: return structs_[info.index].align;
    case TypeKind::Vector: return uint32_t(std::min<uint64_t>(SizeOf(t), 16));
    default: return uint32_t(SizeOf(t));
  }
}

std::string TypeTable::Print(TypeId t, const NameTable& names) const {
  const TypeInfo& info = types_[t];
  switch (info.kind) {
    case TypeKind::PtrTo: return "ptr[" + Print(info.elem, names) + "]";
    case TypeKind::Slice: return "array[" + Print(info.elem, names) + "]";
    case TypeKind::FixedArray:
      return "array[" + Print(info.elem, names) + "; " + std::to_string(info.count) + "]";
    case TypeKind::Const: return "const " + Print(info.elem, names);
    case TypeKind::Vector: return "NativeVector[" + Print(info.elem, names) + "; " + std::to_string(info.count) + "]";
    case TypeKind::Struct: {
      const StructInfo& st = structs_[info.index];
      std::string s(names.Str(st.name));
      if (st.generic == UINT32_MAX) return s;
      for (size_t i = 0; i < st.type_args.size(); ++i) s += (i ? ", " : "[") + Print(st.type_args[i], names);
      return s + "]";
    }
    case TypeKind::Fn: {
      std::string s = "Fn[";
      auto params = FnParams(t);
      for (size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + Print(params[i], names);
      return s + "] -> " + Print(info.elem, names);
    }
    default: return std::string(kPrimitiveNames[size_t(info.kind)]);
  }
}

bool TypeTable::IsInt(TypeId t) const { return t >= kChar && t <= kUSize; }
bool TypeTable::IsSigned(TypeId t) const { return t >= kS8 && t <= kSSize; }

uint32_t TypeTable::IntBits(TypeId t) const { return uint32_t(SizeOf(t) * 8); }

bool TypeTable::IsPointerLike(TypeId t) const {
  switch (Kind(Unqual(t))) {
    case TypeKind::Ptr: case TypeKind::PtrTo: case TypeKind::Slice: case TypeKind::Fn:
    case TypeKind::Null: return true;
    default: return false;
  }
}

bool TypeTable::IsAggregate(TypeId t) const {
  TypeKind k = Kind(Unqual(t));
  return k == TypeKind::Struct || k == TypeKind::FixedArray || k == TypeKind::Vector;
}

bool TypeTable::IsStringLike(TypeId t) const {
  TypeId u = Unqual(t);
  TypeKind k = Kind(u);
  return (k == TypeKind::Slice || k == TypeKind::PtrTo) && Unqual(types_[u].elem) == kChar;
}

bool ConvertsImplicitly(const TypeTable& types, TypeId from, TypeId to) {
  if (from == to || from == kErrorType || to == kErrorType) return true;
  if (types.Kind(to) == TypeKind::Const) return ConvertsImplicitly(types, types.Unqual(from), types.Unqual(to));
  if (types.Kind(from) == TypeKind::Const) {
    TypeId inner = types.Unqual(from);
    // Reading a const scalar or aggregate copies it; a const pointer view only widens to `ptr`.
    if (!types.IsPointerLike(inner)) return ConvertsImplicitly(types, inner, to);
    return to == kPtr;
  }
  if (from == kIntLit) return types.IsInt(to) || types.IsFloat(to);
  if (from == kFloatLit) return types.IsFloat(to);
  if (types.IsInt(from) && types.IsInt(to)) {
    uint32_t fb = types.IntBits(from), tb = types.IntBits(to);
    bool fs = types.IsSigned(from), ts = types.IsSigned(to);
    if (fs == ts) return tb >= fb;  // same width: s64<->ssize, u64<->usize, u8<->char
    if (!fs && ts) return tb > fb;
    return false;
  }
  if (from == kF32 && to == kF64) return true;
  TypeKind fk = types.Kind(from), tk = types.Kind(to);
  if (to == kPtr) return types.IsPointerLike(from);
  if (from == kNull) return types.IsPointerLike(to);
  if ((fk == TypeKind::Slice && tk == TypeKind::PtrTo) || (fk == TypeKind::PtrTo && tk == TypeKind::Slice))
    return types[from].elem == types[to].elem;
  return false;
}

bool CastAllowed(const TypeTable& types, TypeId from, TypeId to) {
  if (ConvertsImplicitly(types, from, to)) return true;
  from = types.Unqual(from);
  to = types.Unqual(to);
  if (from == to) return true;
  bool from_num = types.IsNumeric(from) || from == kIntLit || from == kFloatLit;
  bool to_num = types.IsNumeric(to);
  if (from_num && to_num) return true;
  bool from_int = types.IsInt(from) || from == kIntLit;
  if (from_int && types.IsPointerLike(to)) return true;
  if (types.IsPointerLike(from) && types.IsInt(to)) return true;
  if (types.IsPointerLike(from) && types.IsPointerLike(to)) return true;
  if (from == kBool && types.IsInt(to)) return true;
  return false;
}

TypeId CommonIntType(const TypeTable& types, TypeId a, TypeId b) {
  a = types.Unqual(a);
  b = types.Unqual(b);
  uint32_t ab = types.IntBits(a), bb = types.IntBits(b);
  if (ab != bb) return ab > bb ? a : b;
  if (types.IsSigned(a) != types.IsSigned(b)) return types.IsSigned(a) ? a : b;
  return a;
}

bool IntFits(const TypeTable& types, TypeId t, __int128 v) {
  t = types.Unqual(t);
  if (types.IsFloat(t)) return true;
  uint32_t bits = types.IntBits(t);
  if (types.IsSigned(t)) {
    __int128 lo = -(__int128(1) << (bits - 1)), hi = (__int128(1) << (bits - 1)) - 1;
    return v >= lo && v <= hi;
  }
  return v >= 0 && v <= (__int128(1) << bits) - 1;
}

}  // namespace thrustc::frontend
