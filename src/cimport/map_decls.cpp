// importC: maps the top-level C declarations of the translation unit (functions, structs,
// unions, enums, typedefs) and their types to frontend::CDecls per section 11. Whatever cannot be
// imported is kept with a reason, so the checker can say why where it is used.
#include "cimport/importer.h"

namespace thrustc::cimport {

using frontend::CType;
using Kind = frontend::CType::Kind;

namespace {
bool IsSizeName(const std::string& n) { return n == "size_t"; }
bool IsSSizeName(const std::string& n) { return n == "ssize_t" || n == "ptrdiff_t"; }

// size_t and ssize_t/ptrdiff_t keep their Thrust spelling (usize/ssize): look through the
// typedef chain for their names before going canonical.
int SizeTypedef(CXType t) {
  for (int guard = 0; guard < 16; ++guard) {
    if (t.kind == CXType_Elaborated) t = clang_Type_getNamedType(t);
    if (t.kind != CXType_Typedef) return 0;
    std::string name = TakeString(clang_getTypedefName(t));
    if (IsSizeName(name)) return 1;
    if (IsSSizeName(name)) return 2;
    t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
  }
  return 0;
}

CType IntType(uint8_t bits, bool is_signed) {
  CType c;
  c.kind = Kind::Int, c.bits = bits, c.is_signed = is_signed;
  return c;
}

// Scalars by canonical kind; `ok` false for kinds section 11 does not map.
CType ScalarType(CXTypeKind k, bool& ok, std::string& why) {
  ok = true;
  CType c;
  switch (k) {
    case CXType_Void: c.kind = Kind::Void; return c;
    case CXType_Bool: c.kind = Kind::Bool; return c;
    case CXType_Char_S: case CXType_Char_U: c.kind = Kind::Char; return c;
    case CXType_SChar: return IntType(8, true);
    case CXType_UChar: return IntType(8, false);
    case CXType_Short: return IntType(16, true);
    case CXType_UShort: return IntType(16, false);
    case CXType_Int: return IntType(32, true);
    case CXType_UInt: return IntType(32, false);
    case CXType_Long: case CXType_LongLong: return IntType(64, true);
    case CXType_ULong: case CXType_ULongLong: return IntType(64, false);
    case CXType_Float: c.kind = Kind::Float, c.bits = 32; return c;
    case CXType_Double: c.kind = Kind::Float, c.bits = 64; return c;
    case CXType_LongDouble: why = "uses `long double`"; break;
    case CXType_Int128: case CXType_UInt128: why = "uses a 128-bit integer"; break;
    case CXType_Float128: case CXType_Float16: case CXType_Half: why = "uses an unsupported float type"; break;
    case CXType_Complex: why = "uses a complex type"; break;
    case CXType_Vector: case CXType_ExtVector: why = "uses a vector type"; break;
    case CXType_Atomic: why = "uses an atomic type"; break;
    default: why = "uses a C type Thrust cannot express"; break;
  }
  ok = false;
  return c;
}
}  // namespace

uint32_t Importer::InternType(const CType& t) {
  // The key is the type's fields as raw bytes: formatting numbers here was a visible part of the
  // mapping time (every parameter of every function interns its type).
  std::string key;
  key.reserve(32 + 4 * t.params.size());
  auto put = [&key](auto v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(uint8_t(t.kind)), put(t.bits), put(uint8_t(t.is_signed | t.is_const << 1 | t.is_size << 2 | t.variadic << 3));
  put(t.elem), put(t.length), put(t.record), put(t.ret);
  for (uint32_t p : t.params) put(p);
  auto [it, fresh] = type_keys_.emplace(std::move(key), uint32_t(out_.types.size()));
  if (fresh) out_.types.push_back(t);
  return it->second;
}

uint32_t Importer::MapType(CXType t, std::string& why) {
  if (int size = SizeTypedef(t)) {
    CType c = IntType(64, size == 2);
    c.is_size = true;
    return InternType(c);
  }
  CXType canon = clang_getCanonicalType(t);
  switch (canon.kind) {
    case CXType_Pointer: {
      CXType pointee = clang_getPointeeType(canon);
      CXType pointee_canon = clang_getCanonicalType(pointee);
      if (pointee_canon.kind == CXType_FunctionProto || pointee_canon.kind == CXType_FunctionNoProto)
        return MapType(pointee, why);  // a Thrust Fn type is already a pointer
      CType c;
      c.kind = Kind::Pointer;
      c.is_const = clang_isConstQualifiedType(pointee_canon);
      if (pointee_canon.kind != CXType_Void) {
        c.elem = MapType(pointee, why);
        // A pointer to something Thrust cannot express is still a pointer: keep it untyped.
        if (c.elem == UINT32_MAX) why.clear();
      }
      return InternType(c);
    }
    case CXType_ConstantArray: {
      CType c;
      c.kind = Kind::Array;
      c.elem = MapType(clang_getArrayElementType(canon), why);
      if (c.elem == UINT32_MAX) return UINT32_MAX;
      c.length = uint64_t(clang_getArraySize(canon));
      return InternType(c);
    }
    case CXType_IncompleteArray: why = "has a flexible array member"; return UINT32_MAX;
    case CXType_FunctionProto:
    case CXType_FunctionNoProto: {
      CType c;
      c.kind = Kind::Function;
      CXType ret = clang_getResultType(canon);
      if (clang_getCanonicalType(ret).kind != CXType_Void) c.ret = MapType(ret, why);
      if (!why.empty()) return UINT32_MAX;
      int n = clang_getNumArgTypes(canon);
      for (int i = 0; i < n; ++i) {
        uint32_t p = MapType(clang_getArgType(canon, unsigned(i)), why);
        if (p == UINT32_MAX) return UINT32_MAX;
        c.params.push_back(p);
      }
      c.variadic = canon.kind == CXType_FunctionProto && clang_isFunctionTypeVariadic(canon);
      return InternType(c);
    }
    case CXType_Record: {
      CType c;
      c.record = MapRecord(canon);
      c.kind = out_.records[c.record].opaque ? Kind::Opaque : Kind::Struct;
      return InternType(c);
    }
    case CXType_Enum: return MapType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(canon)), why);
    default: {
      bool ok = false;
      CType c = ScalarType(canon.kind, ok, why);
      return ok ? InternType(c) : UINT32_MAX;
    }
  }
}

uint32_t Importer::MapRecord(CXType t) {
  CXCursor decl = clang_getTypeDeclaration(t);
  std::string usr = TakeString(clang_getCursorUSR(decl));
  if (auto it = records_by_usr_.find(usr); it != records_by_usr_.end()) return it->second;
  uint32_t index = uint32_t(out_.records.size());
  records_by_usr_.emplace(usr, index);
  out_.records.emplace_back();
  FillRecord(index, decl, t);
  return index;
}

namespace {
struct FieldScan {
  Importer* self;
  uint32_t record;
  CXType record_type;
  uint64_t natural_end = 0, natural_align = 1;
};

CXChildVisitResult VisitField(CXCursor c, CXCursor, CXClientData data) {
  auto* scan = static_cast<FieldScan*>(data);
  frontend::CRecord& rec = scan->self->out_.records[scan->record];
  CXCursorKind kind = clang_getCursorKind(c);
  if (kind == CXCursor_PackedAttr) rec.packed = true;
  if (kind != CXCursor_FieldDecl || rec.opaque) return CXChildVisit_Continue;
  auto fail = [&](std::string why) {
    frontend::CRecord& r = scan->self->out_.records[scan->record];
    r.opaque = true;
    r.opaque_reason = std::move(why);
  };
  if (clang_Cursor_isBitField(c)) {
    fail("uses a bit-field");
    return CXChildVisit_Continue;
  }
  std::string name = TakeString(clang_getCursorSpelling(c));
  CXType ft = clang_getCursorType(c);
  if (name.empty() || clang_Cursor_isAnonymousRecordDecl(clang_getTypeDeclaration(clang_getCanonicalType(ft)))) {
    fail("has an anonymous member");
    return CXChildVisit_Continue;
  }
  std::string why;
  uint32_t type = scan->self->MapType(ft, why);
  if (type == UINT32_MAX) {
    fail(why.empty() ? "has a field of a type Thrust cannot express" : why);
    return CXChildVisit_Continue;
  }
  uint64_t offset = uint64_t(clang_Cursor_getOffsetOfField(c)) / 8;
  uint64_t align = uint64_t(clang_Type_getAlignOf(ft));
  uint64_t natural = (scan->natural_end + align - 1) / align * align;
  frontend::CRecord& r = scan->self->out_.records[scan->record];  // MapType may have grown records
  if (!r.packed && offset != natural) {
    fail("has an alignment attribute on a field");
    return CXChildVisit_Continue;
  }
  scan->natural_end = offset + uint64_t(clang_Type_getSizeOf(ft));
  scan->natural_align = std::max(scan->natural_align, align);
  r.fields.push_back({name, type, offset});
  return CXChildVisit_Continue;
}
}  // namespace

void Importer::FillRecord(uint32_t index, CXCursor decl, CXType t) {
  {
    frontend::CRecord& rec = out_.records[index];
    std::string name = TakeString(clang_getCursorSpelling(decl));
    if (!clang_Cursor_isAnonymous(decl) && name.find(' ') == std::string::npos) rec.name = name;
    rec.loc = LocationOf(decl);
    if (clang_getCursorKind(decl) == CXCursor_UnionDecl) {
      rec.opaque = true, rec.opaque_reason = "is a union";
    }
    long long size = clang_Type_getSizeOf(t);
    if (size < 0) {
      rec.opaque = true, rec.opaque_reason = "is an incomplete type";
      return;
    }
    rec.size = uint64_t(size);
    rec.align = uint64_t(clang_Type_getAlignOf(t));
  }
  // Packed first: the attribute is a child that may follow the fields.
  clang_visitChildren(decl, [](CXCursor c, CXCursor, CXClientData d) {
    if (clang_getCursorKind(c) == CXCursor_PackedAttr) *static_cast<bool*>(d) = true;
    return CXChildVisit_Continue;
  }, &out_.records[index].packed);
  FieldScan scan{this, index, t};
  clang_visitChildren(decl, VisitField, &scan);
  frontend::CRecord& rec = out_.records[index];
  if (!rec.opaque && !rec.packed && rec.align != scan.natural_align) {
    rec.opaque = true, rec.opaque_reason = "has an alignment attribute";
  }
  if (rec.opaque) rec.fields.clear();
}

void Importer::ImportFunction(CXCursor c) {
  std::string name = TakeString(clang_getCursorSpelling(c));
  if (!ordinary_names_.insert(name).second) return;  // a redeclaration: the first one stands
  frontend::CFunction f;
  f.name = name;
  f.loc = LocationOf(c);
  if (clang_Cursor_getStorageClass(c) == CX_SC_Static) f.skip_reason = "is a `static` function (no symbol to call)";
  CXType type = clang_getCursorType(c);
  std::string why;
  // The cursor's own result and parameter types keep their typedef sugar (size_t stays usize).
  CXType ret = clang_getCursorResultType(c);
  if (clang_getCanonicalType(ret).kind != CXType_Void) f.ret = MapType(ret, why);
  int n = clang_getNumArgTypes(type);
  for (int i = 0; i < n && why.empty(); ++i) {
    CXCursor arg = clang_Cursor_getArgument(c, unsigned(i));
    CXType at = clang_Cursor_isNull(arg) ? clang_getArgType(type, unsigned(i)) : clang_getCursorType(arg);
    f.params.push_back(MapType(at, why));
  }
  f.variadic = type.kind == CXType_FunctionProto && clang_isFunctionTypeVariadic(type);
  if (f.skip_reason.empty() && !why.empty()) f.skip_reason = why;
  if (f.skip_reason.empty()) {
    auto by_value_opaque = [&](uint32_t t) {
      return t != UINT32_MAX && out_.types[t].kind == Kind::Opaque;
    };
    bool opaque = by_value_opaque(f.ret);
    for (uint32_t p : f.params) opaque |= by_value_opaque(p);
    if (opaque) f.skip_reason = "passes an opaque struct or union by value";
  }
  out_.functions.push_back(std::move(f));
}

void Importer::ImportTypedef(CXCursor c) {
  std::string name = TakeString(clang_getCursorSpelling(c));
  if (!ordinary_names_.insert(name).second) return;
  CXType under = clang_getTypedefDeclUnderlyingType(c);
  CXType canon = clang_getCanonicalType(under);
  std::string why;
  uint32_t type = MapType(under, why);
  if (type == UINT32_MAX) {
    out_.skipped.push_back({name, why, LocationOf(c)});
    return;
  }
  typedef_types_[name] = type;
  if (canon.kind == CXType_Record) {
    frontend::CRecord& rec = out_.records[out_.types[type].record];
    if (rec.name.empty()) {  // `typedef struct { ... } div_t;` names the struct
      rec.name = name;
      return;
    }
    if (rec.name == name) return;  // `typedef struct foo foo;`
  }
  out_.typedefs.push_back({name, type, LocationOf(c)});
}

void Importer::ImportEnum(CXCursor c) {
  std::string why;
  uint32_t type = MapType(clang_getEnumDeclIntegerType(c), why);
  bool is_unsigned = type != UINT32_MAX && !out_.types[type].is_signed;
  struct Ctx {
    Importer* self;
    uint32_t type;
    bool is_unsigned;
  } ctx{this, type, is_unsigned};
  clang_visitChildren(c, [](CXCursor m, CXCursor, CXClientData d) {
    auto* ctx = static_cast<Ctx*>(d);
    if (clang_getCursorKind(m) != CXCursor_EnumConstantDecl) return CXChildVisit_Continue;
    frontend::CConstant k;
    k.name = TakeString(clang_getCursorSpelling(m));
    if (!ctx->self->ordinary_names_.insert(k.name).second) return CXChildVisit_Continue;
    k.type = ctx->type;
    k.int_value = ctx->is_unsigned ? int64_t(clang_getEnumConstantDeclUnsignedValue(m))
                                   : clang_getEnumConstantDeclValue(m);
    k.loc = ctx->self->LocationOf(m);
    ctx->self->out_.constants.push_back(std::move(k));
    return CXChildVisit_Continue;
  }, &ctx);
  std::string name = TakeString(clang_getCursorSpelling(c));
  if (type != UINT32_MAX && !clang_Cursor_isAnonymous(c) && name.find(' ') == std::string::npos &&
      ordinary_names_.insert(name).second)
    out_.typedefs.push_back({name, type, LocationOf(c)});  // `enum color` is its integer type
}

void Importer::ImportVisit(CXCursor c) {
  switch (clang_getCursorKind(c)) {
    case CXCursor_FunctionDecl: ImportFunction(c); break;
    case CXCursor_TypedefDecl: ImportTypedef(c); break;
    case CXCursor_EnumDecl: ImportEnum(c); break;
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
      if (clang_isCursorDefinition(c) || clang_Type_getSizeOf(clang_getCursorType(c)) < 0)
        MapRecord(clang_getCursorType(c));
      break;
    case CXCursor_VarDecl: {
      std::string name = TakeString(clang_getCursorSpelling(c));
      if (ordinary_names_.insert(name).second)
        out_.skipped.push_back({name, "is a C variable (importing variables is not supported yet)", LocationOf(c)});
      break;
    }
    default: break;
  }
}

void Importer::ImportDeclarations() {
  clang_visitChildren(clang_getTranslationUnitCursor(tu_), [](CXCursor c, CXCursor, CXClientData d) {
    static_cast<Importer*>(d)->ImportVisit(c);
    return CXChildVisit_Continue;
  }, this);
}

}  // namespace thrustc::cimport
