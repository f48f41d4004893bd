// importC in the checker: declares what src/cimport/ read from C headers (CDecls) as Thrust
// declarations — functions as `@extern` prototypes (variadic ones `@arbitraryArgs`), structs with
// their C layout checked against clang's, enum constants and macros as constants, typedefs as
// aliases. Runs after the program's own declarations are collected: on a name clash the program's
// declaration wins, with a warning. Skipped C declarations are reported only where used.
#include <cstdio>
#include <cstdlib>

#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

namespace {
std::string HeaderOf(const CDecls& c, const CLocation& loc) {
  return loc.header < c.headers.size() ? c.headers[loc.header] : loc.file;
}

std::string FileLine(const CLocation& loc) { return loc.file + ":" + std::to_string(loc.line); }
}  // namespace

TypeId Sema::CTypeToThrust(uint32_t index) {
  if (index == UINT32_MAX) return kVoid;
  if (c_types_[index] != kErrorType) return c_types_[index];
  const CType& c = in_.c_decls->types[index];
  TypeId t = kErrorType;
  switch (c.kind) {
    case CType::Kind::Void: t = kVoid; break;
    case CType::Kind::Bool: t = kBool; break;
    case CType::Kind::Char: t = kChar; break;
    case CType::Kind::Int: {
      if (c.is_size) {
        t = c.is_signed ? kSSize : kUSize;
        break;
      }
      static constexpr TypeId kSigned[] = {kS8, kS16, kS32, kS64}, kUnsigned[] = {kU8, kU16, kU32, kU64};
      int i = c.bits == 8 ? 0 : c.bits == 16 ? 1 : c.bits == 32 ? 2 : 3;
      t = c.is_signed ? kSigned[i] : kUnsigned[i];
      break;
    }
    case CType::Kind::Float: t = c.bits == 32 ? kF32 : kF64; break;
    case CType::Kind::Pointer:
      if (c.elem == UINT32_MAX) t = kPtr;
      else if (in_.c_decls->types[c.elem].kind == CType::Kind::Char)
        t = c.is_const ? types_.Const(types_.Slice(kChar)) : types_.Slice(kChar);  // C strings
      else t = types_.PtrTo(CTypeToThrust(c.elem));
      break;
    case CType::Kind::Array: t = types_.FixedArray(CTypeToThrust(c.elem), c.length); break;
    case CType::Kind::Function: {
      std::vector<TypeId> params;
      for (uint32_t p : c.params) params.push_back(CTypeToThrust(p));
      t = types_.Fn(params, CTypeToThrust(c.ret));
      break;
    }
    case CType::Kind::Struct:
    case CType::Kind::Opaque: t = c_record_types_[c.record]; break;
  }
  c_types_[index] = t;
  return t;
}

bool Sema::EnsureCSignature(uint32_t s) {
  const CFunction& f = in_.c_decls->functions[syms_[s].decl];
  std::vector<TypeId> params;
  for (uint32_t p : f.params) params.push_back(CTypeToThrust(p));
  Symbol& sym = syms_[s];
  sym.type = types_.Fn(params, CTypeToThrust(f.ret));
  DeclareSignature(sym);  // an external function
  return true;
}

bool Sema::ReportCSkipped(NameId name, SourceRange use) {
  auto it = c_skipped_.find(name);
  if (it == c_skipped_.end()) return false;
  const CSkip& skip = it->second;
  auto& d = Error(DiagKind::CImportSkipped, use,
                  "`" + std::string(Str(name)) + "` from `" + in_.c_decls->headers[skip.header] + "` " + skip.reason +
                      "; it was not imported");
  in_.diags->AddNote(d, skip.where, "declared here in C (" + skip.file_line + ")");
  return true;
}

void Sema::ReportCOpaqueUse(const StructInfo& s, SourceRange use) {
  const CRecord& rec = in_.c_decls->records[s.c_record];
  auto& d = Error(DiagKind::CImportSkipped, use,
                  "`" + rec.name + "` from `" + HeaderOf(*in_.c_decls, rec.loc) + "` " + rec.opaque_reason +
                      "; it can be used through a pointer only");
  in_.diags->AddNote(d, c_ranges_[s.decl], "declared here in C (" + FileLine(rec.loc) + ")");
}

std::string CompareCLayout(const CRecord& rec, const StructInfo& info) {
  if (info.size != rec.size) return "size " + std::to_string(info.size) + ", clang says " + std::to_string(rec.size);
  if (info.align != rec.align)
    return "alignment " + std::to_string(info.align) + ", clang says " + std::to_string(rec.align);
  if (info.fields.size() != rec.fields.size()) return "a different number of fields";
  for (size_t i = 0; i < rec.fields.size(); ++i)
    if (info.fields[i].offset != rec.fields[i].offset)
      return "field `" + rec.fields[i].name + "` at offset " + std::to_string(info.fields[i].offset) +
             ", clang says " + std::to_string(rec.fields[i].offset);
  return "";
}

namespace {
// Lays out one imported struct (its by-value members first) and compares every number with
// clang's record layout. A difference means our mapping of C types is wrong: an internal error.
void LayOutCRecord(Sema& s, uint32_t r, std::vector<uint8_t>& done) {
  if (done[r]) return;
  done[r] = 1;
  const CDecls& c = *s.in_.c_decls;
  const CRecord& rec = c.records[r];
  TypeId t = s.c_record_types_[r];
  if (rec.opaque) return;
  std::vector<FieldInfo> fields;
  for (const CRecord::Field& f : rec.fields) {
    TypeId ft = s.CTypeToThrust(f.type);
    TypeId base = ft;
    while (s.types_.Kind(base) == TypeKind::FixedArray) base = s.types_[base].elem;
    if (s.types_.Kind(base) == TypeKind::Struct) {
      uint32_t inner = s.types_.Struct(base).c_record;
      if (inner != UINT32_MAX) LayOutCRecord(s, inner, done);
    }
    fields.push_back({s.names_->Intern(f.name), s.types_.Struct(t).decl, ft, 0});
  }
  StructInfo& info = s.types_.Struct(t);
  info.fields = std::move(fields);
  info.packed = rec.packed;
  s.types_.LayOut(info);
  std::string problem = CompareCLayout(rec, info);
  if (problem.empty()) return;
  // Our mapping of C types disagrees with clang: a thrustc bug, never silent corruption.
  std::fprintf(stderr, "thrustc: internal error (%s:%d): imported struct `%s` (%s:%u): %s\n", __FILE__, __LINE__,
               rec.name.c_str(), rec.loc.file.c_str(), rec.loc.line, problem.c_str());
  std::abort();
}

bool IsTaken(const Sema& s, NameId name, uint32_t* prev) {
  if (auto it = s.public_syms_.find(name); it != s.public_syms_.end()) return *prev = it->second, true;
  for (const FileInfo& f : s.files_)
    if (auto it = f.top.find(name); it != f.top.end()) return *prev = it->second, true;
  return false;
}
}  // namespace

void Sema::DeclareCImports() {
  const CDecls& c = *in_.c_decls;
  c_types_.assign(c.types.size(), kErrorType);
  auto range_of = [&](const CLocation& loc) {
    c_ranges_.push_back({loc.src, 1});
    return uint32_t(c_ranges_.size() - 1);
  };
  // Structs first: every C type may refer to them, and pointers may make them recursive.
  for (const CRecord& rec : c.records) {
    TypeId t = types_.NewStruct(names_->Intern(rec.name.empty() ? "(anonymous C struct)" : rec.name), kCFile,
                                range_of(rec.loc));
    StructInfo& info = types_.Struct(t);
    info.c_record = uint32_t(c_record_types_.size());
    info.c_opaque = rec.opaque;
    if (rec.opaque) info.size = rec.size, info.align = uint32_t(rec.align), info.state = LayoutState::Done;
    c_record_types_.push_back(t);
  }
  std::vector<uint8_t> done(c.records.size(), 0);
  for (uint32_t r = 0; r < c.records.size(); ++r) LayOutCRecord(*this, r, done);

  // Declares `name` unless the program (or an earlier import) has it: the program's wins.
  auto declare = [&](const std::string& name, const CLocation& loc, Symbol sym) {
    NameId id = names_->Intern(name);
    if (builtin_names_.count(id) || (id < prim_names_.size() && prim_names_[id])) return;
    uint32_t prev = UINT32_MAX;
    if (IsTaken(*this, id, &prev)) {
      if (syms_[prev].file == kCFile) return;  // a C tag and a C name: the ordinary name stands
      auto& d = in_.diags->Report(DiagKind::CImportClash, TokRange(syms_[prev].file, syms_[prev].tok),
                                  "`" + name + "` is also declared by C header `" + HeaderOf(c, loc) +
                                      "`; the program's declaration is used");
      in_.diags->AddNote(d, {loc.src, 1}, "the C declaration (" + FileLine(loc) + ")");
      return;
    }
    sym.name = id;
    sym.file = kCFile;
    sym.is_public = true;
    sym.tok = range_of(loc);
    syms_.push_back(std::move(sym));
    public_syms_.emplace(id, uint32_t(syms_.size() - 1));
    if (loc.header < c.headers.size()) c_header_of_.emplace(uint32_t(syms_.size() - 1), names_->Intern(c.headers[loc.header]));
  };
  auto skip = [&](const std::string& name, const std::string& reason, const CLocation& loc) {
    c_skipped_.emplace(names_->Intern(name), CSkip{reason, loc.header, {loc.src, 1}, FileLine(loc)});
  };
  for (uint32_t i = 0; i < c.functions.size(); ++i) {
    const CFunction& f = c.functions[i];
    if (!f.skip_reason.empty()) {
      skip(f.name, f.skip_reason, f.loc);
      continue;
    }
    Symbol sym{SymKind::Func};
    sym.decl = i, sym.is_extern = true, sym.extern_name = f.name, sym.variadic = f.variadic;
    sym.state = EvalState::Done;
    declare(f.name, f.loc, std::move(sym));
  }
  for (const CConstant& k : c.constants) {
    Symbol sym{SymKind::Const};
    sym.state = EvalState::Done;
    if (k.kind == CConstant::Kind::String) {
      sym.type = types_.Const(types_.Slice(kChar));
      sym.value = AddConst(ConstVal{sym.type, 0, 0, StringGlobal(k.string_value)});
    } else {
      sym.type = CTypeToThrust(k.type);
      sym.value = AddConst(k.kind == CConstant::Kind::Int ? ConstVal{sym.type, k.int_value}
                                                          : ConstVal{sym.type, 0, k.float_value});
    }
    declare(k.name, k.loc, std::move(sym));
  }
  for (const CTypedef& td : c.typedefs) {
    Symbol sym{SymKind::Alias};
    sym.state = EvalState::Done;
    sym.type = CTypeToThrust(td.type);
    declare(td.name, td.loc, std::move(sym));
  }
  for (uint32_t r = 0; r < c.records.size(); ++r) {
    if (c.records[r].name.empty()) continue;
    Symbol sym{SymKind::Struct};
    sym.state = EvalState::Done;
    sym.type = c_record_types_[r];
    declare(c.records[r].name, c.records[r].loc, std::move(sym));
  }
  for (const CSkipped& s : c.skipped) skip(s.name, s.reason, s.loc);
}

}  // namespace thrustc::frontend
