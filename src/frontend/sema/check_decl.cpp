// Declarations: collecting the top-level symbols of every file (visibility, redeclarations,
// attributes), function signatures and `main`, and the on-demand entry point that checks a
// function once everything it needs is known (the driver lowers it then).
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

namespace {
struct AttrSpec {
  std::string_view name;
  uint32_t bit;
};
constexpr AttrSpec kAttrs[] = {
    {"public", kAttrPublic},       {"extern", kAttrExtern},   {"arbitraryArgs", kAttrArbitraryArgs},
    {"convention", kAttrConvention}, {"compiletime", kAttrCompiletime}, {"inline", kAttrHint},
    {"alwaysInline", kAttrHint},   {"noInline", kAttrHint},   {"hot", kAttrHint},
    {"minSize", kAttrHint},        {"noUnwind", kAttrHint},   {"packed", kAttrPacked},
    {"align", kAttrAlign},         {"noArgCount", kAttrNoArgCount}, {"dealloc", kAttrDealloc},
    {"deallocator", kAttrDeallocator}};
constexpr uint32_t kFnAttrs = kAttrPublic | kAttrExtern | kAttrArbitraryArgs | kAttrConvention |
                              kAttrCompiletime | kAttrHint | kAttrNoArgCount | kAttrDeallocator;
constexpr uint32_t kVarAttrs = kAttrPublic | kAttrAlign;
constexpr uint32_t kStaticAttrs = kAttrPublic | kAttrAlign | kAttrExtern;
constexpr uint32_t kStructAttrs = kAttrPublic | kAttrPacked;
constexpr uint32_t kEnumAttrs = kAttrPublic;
constexpr uint32_t kAliasAttrs = kAttrPublic;
}  // namespace

void Sema::CheckAttributes(uint32_t file, ListRef attrs, uint32_t allowed, Symbol& sym) {
  const Ast& ast = AstOf(file);
  std::vector<uint32_t> seen;  // indices into ast.attrs
  for (uint32_t i = 0; i < attrs.count; ++i) {
    const Attr& at = ast.attrs[attrs.start + i];
    std::string_view name = Str(at.name);
    SourceRange r = TokRange(file, at.tok);
    const AttrSpec* spec = nullptr;
    for (const AttrSpec& s : kAttrs)
      if (s.name == name) spec = &s;
    if (name == "cuda") {
      Error(DiagKind::NotSupported, r, "`@cuda` is not supported: thrustc targets CPUs only (15.3)");
      continue;
    }
    if (!spec) {
      Error(DiagKind::UnknownAttribute, r, "unknown attribute `@" + std::string(name) + "` is ignored");
      continue;
    }
    bool dup = false;
    for (uint32_t j : seen) {
      if (ast.attrs[j].name != at.name) continue;
      auto& d = Error(DiagKind::DuplicateAttribute, r, "attribute `@" + std::string(name) + "` is repeated");
      in_.diags->AddNote(d, TokRange(file, ast.attrs[j].tok), "first given here");
      dup = true;
    }
    if (dup) continue;
    seen.push_back(attrs.start + i);
    if (!(spec->bit & allowed)) {
      Error(DiagKind::InvalidAttribute, r, "attribute `@" + std::string(name) + "` cannot be used here");
      continue;
    }
    const Node* arg = at.arg ? &ast[at.arg] : nullptr;
    switch (spec->bit) {
      case kAttrPublic: sym.is_public = true; break;
      case kAttrCompiletime: sym.compiletime = true; break;
      case kAttrArbitraryArgs: sym.variadic = true; break;
      case kAttrNoArgCount: sym.no_arg_count = true; break;
      case kAttrDeallocator: sym.deallocator = true; break;
      case kAttrDealloc:
        sym.dealloc = true;
        if (arg && arg->kind == NodeKind::Name) sym.dealloc_name = at.arg;
        else if (arg) Error(DiagKind::InvalidAttribute, r, "`@dealloc` takes the name of a function: `@dealloc(freeIt)`");
        break;
      case kAttrPacked: sym.packed = true; break;
      case kAttrExtern:
        sym.is_extern = true;
        if (arg && arg->kind == NodeKind::StringLit && ast.strings[arg->a].empty()) {
          Error(DiagKind::InvalidAttribute, r, "`@extern` needs a symbol name, not an empty string");
          sym.extern_name = std::string(Str(sym.name));
        } else if (arg && arg->kind == NodeKind::StringLit) {
          sym.extern_name = ast.strings[arg->a];
        } else {
          sym.extern_name = std::string(Str(sym.name));
          if (arg) Error(DiagKind::InvalidAttribute, r, "`@extern` takes the symbol name as a string");
        }
        break;
      case kAttrConvention:
        if (!arg || arg->kind != NodeKind::StringLit)
          Error(DiagKind::InvalidAttribute, r, "`@convention` takes a string, e.g. `@convention(\"C\")`");
        else if (ast.strings[arg->a] != "C")
          Error(DiagKind::UnknownConvention, r,
                "unknown calling convention `" + ast.strings[arg->a] + "`; the C convention is used");
        break;
      case kAttrAlign: {
        uint64_t v = arg && arg->kind == NodeKind::IntLit ? ast.ints[arg->a] : 0;
        if (v == 0 || (v & (v - 1)) != 0 || v > 4096)
          Error(DiagKind::InvalidAttribute, r, "`@align` takes a power of two up to 4096");
        else
          sym.align = uint32_t(v);
        break;
      }
      default: break;
    }
  }
}

// Every file is a module with its own top-level names (13): a name is declared once per file.
static void DeclareIn(Sema& s, uint32_t file, uint32_t idx) {
  Symbol& sym = s.syms_[idx];
  auto [it, inserted] = s.files_[file].top.emplace(sym.name, idx);
  if (inserted) return;
  uint32_t prev = it->second;
  auto& d = s.Error(DiagKind::Redeclaration, s.TokRange(file, sym.tok),
                    "`" + std::string(s.Str(sym.name)) + "` is already declared");
  s.in_.diags->AddNote(d, s.TokRange(s.syms_[prev].file, s.syms_[prev].tok), "previous declaration here");
}

static void CollectFn(Sema& s, uint32_t file, uint32_t index) {
  const Ast& ast = s.AstOf(file);
  const FnDecl& d = ast.fns[index];
  Symbol sym{SymKind::Func};
  sym.file = file;
  sym.decl = index;
  sym.name = d.name;
  sym.tok = d.name_tok;
  s.CheckAttributes(file, d.attrs, kFnAttrs, sym);
  SourceRange r = s.TokRange(file, d.name_tok);
  std::string name(s.Str(d.name));
  if (!d.body && !sym.is_extern)
    s.Error(DiagKind::MissingBody, r, "function `" + name + "` has no body; a prototype needs `@extern(\"symbol\")`");
  if (d.body && sym.is_extern) {
    s.Error(DiagKind::InvalidAttribute, r, "`@extern` function `" + name + "` cannot have a body");
    sym.is_extern = false;
  }
  if (d.type_params.count) {
    sym.generic = true;
    s.CheckTypeParams(file, d.type_params, "function `" + name + "`");
    if (sym.is_extern) {
      s.Error(DiagKind::InvalidAttribute, r, "generic function `" + name + "` needs a body; it cannot be `@extern`");
      sym.is_extern = false;
    }
  }
  if (sym.no_arg_count && (!sym.variadic || !d.body)) {
    s.Error(DiagKind::InvalidAttribute, r, "`@noArgCount` applies to a variadic function with a body (`@arbitraryArgs`)");
    sym.no_arg_count = false;
  }
  if (d.body && sym.variadic && !sym.no_arg_count)
    s.Error(DiagKind::HiddenArgCount, r,
            "variadic function `" + name + "` receives a hidden argument count before its parameters; "
            "C callers must pass it, or mark the function `@noArgCount`");
  if (!d.body && !sym.is_extern) sym.is_extern = true, sym.extern_name = name;
  if (sym.is_extern || d.name == s.main_name_) sym.is_public = true;
  if (!sym.is_extern && !sym.generic) sym.ir = s.DeclareFunction(sym, uint32_t(s.syms_.size()));
  s.syms_.push_back(std::move(sym));
  DeclareIn(s, file, uint32_t(s.syms_.size() - 1));
}

void Sema::CollectFile(uint32_t file) {
  for (NodeId item : AstOf(file).items) CollectItem(file, item, false);
}

// The member list of enum declaration d, for its symbol.
void Sema::AddEnumMembers(uint32_t file, const EnumDecl& d, Symbol& sym) {
  const Ast& ast = AstOf(file);
  sym.value = uint32_t(enum_members_.size());
  auto& members = enum_members_.emplace_back();
  for (uint32_t i = 0; i < d.members.count; ++i) {
    const EnumMemberDecl& m = ast.members[d.members.start + i];
    bool dup = false;
    for (auto& e : members) dup |= e.name == m.name;
    if (dup) Error(DiagKind::Redeclaration, TokRange(file, m.tok), "enum member `" + std::string(Str(m.name)) + "` is already declared");
    members.push_back({m.name, m.tok, d.members.start + i});
  }
}

// One top-level item (in_ct_if: from the kept branch of an `@if` chain, 10.6).
void Sema::CollectItem(uint32_t file, NodeId item, bool in_ct_if) {
  const Ast& ast = AstOf(file);
  {
    const Node& node = ast[item];
    Symbol sym{SymKind::Struct};
    sym.file = file;
    switch (node.kind) {
      case NodeKind::FnItem: CollectFn(*this, file, node.a); return;
      case NodeKind::CtIf:
      case NodeKind::ExprStmt:  // `staticAssert(...)`: after every declaration is known
        ct_items_.push_back({file, item});
        return;
      case NodeKind::VarItem: {
        const VarDecl& v = ast.vars[node.a];
        sym.decl = node.a, sym.name = v.name, sym.tok = v.name_tok, sym.init = v.init;
        sym.is_mut = v.is_mut;
        if (v.storage == Storage::Var) {
          Error(DiagKind::NotSupported, TokRange(file, v.name_tok),
                "top-level `var` is not supported; use `static mut`");
          return;
        }
        sym.kind = v.storage == Storage::Const ? SymKind::Const : SymKind::Static;
        if (!CheckModifiers(file, v, false, sym)) sym.broken = true;
        CheckAttributes(file, v.attrs, sym.kind == SymKind::Const ? kVarAttrs : kStaticAttrs, sym);
        if (sym.is_extern && v.init) sym.is_extern = false, sym.is_public = true;  // defines `sym` (9)
        break;
      }
      case NodeKind::StructItem: {
        const StructDecl& d = ast.structs[node.a];
        sym.decl = node.a, sym.name = d.name, sym.tok = d.name_tok;
        CheckAttributes(file, d.attrs, kStructAttrs, sym);
        if (d.type_params.count) {  // its instances are made on use
          sym.generic = true;
          CheckTypeParams(file, d.type_params, "struct `" + std::string(Str(d.name)) + "`");
          break;
        }
        sym.type = types_.NewStruct(d.name, file, node.a);
        types_.Struct(sym.type).packed = sym.packed;
        break;
      }
      case NodeKind::EnumItem: {
        const EnumDecl& d = ast.enums[node.a];
        sym.kind = SymKind::Enum;
        sym.decl = node.a, sym.name = d.name, sym.tok = d.name_tok;
        CheckAttributes(file, d.attrs, kEnumAttrs, sym);
        AddEnumMembers(file, d, sym);
        break;
      }
      case NodeKind::TypeAliasItem:
        sym.kind = SymKind::Alias;
        sym.decl = item, sym.name = node.a, sym.tok = node.tok;
        CheckAttributes(file, ast.aliases[node.c - 1].attrs, kAliasAttrs, sym);
        if (ast.aliases[node.c - 1].type_params.count) {
          sym.generic = true;
          CheckTypeParams(file, ast.aliases[node.c - 1].type_params, "type alias `" + std::string(Str(node.a)) + "`");
        }
        break;
      case NodeKind::ImportItem: case NodeKind::ImportCItem: case NodeKind::DirectiveItem:
        if (in_ct_if) {
          Error(DiagKind::NotSupported, NodeRange(file, item),
                "imports and directives inside `@if` are not supported yet; they apply to every build");
          return;
        }
        if (node.kind == NodeKind::ImportCItem && !in_.c_decls)  // the driver imported the header before checking
          Error(DiagKind::NotSupported, NodeRange(file, item), "`importC` needs the driver's C import step");
        return;  // imports and directives are handled by the driver
      default: return;
    }
    syms_.push_back(std::move(sym));
    DeclareIn(*this, file, uint32_t(syms_.size() - 1));
  }
}

bool Sema::EnsureSignature(uint32_t s) {
  if (syms_[s].type != kErrorType) return true;
  if (syms_[s].file == kCFile) return EnsureCSignature(s);
  uint32_t file = syms_[s].file;
  InstanceScope scope(*this, file);
  const FnDecl& d = AstOf(file).fns[syms_[s].decl];
  std::vector<TypeId> params;
  bool ok = true;
  for (uint32_t i = 0; i < d.params.count; ++i) {
    const Param& p = AstOf(file).params[d.params.start + i];
    TypeId t = ResolveType(nullptr, file, p.type);
    if (t == kVoid) {
      Error(DiagKind::TypeMismatch, NodeRange(file, p.type), "a parameter cannot have type `void`");
      t = kErrorType;
    }
    ok &= t != kErrorType && EnsureStructLayout(t, NodeRange(file, p.type));
    params.push_back(t);
  }
  TypeId ret = d.ret_type ? ResolveType(nullptr, file, d.ret_type) : kVoid;
  ok &= ret != kErrorType && EnsureStructLayout(ret, NodeRange(file, d.ret_type ? d.ret_type : 0));
  Symbol& sym = syms_[s];
  sym.type = types_.Fn(params, ret);
  if (!ok) sym.broken = true;
  DeclareSignature(sym);
  if (sym.deallocator) CheckDeallocatorSignature(s);
  if (sym.name == main_name_) CheckMain(s);
  return ok;
}

void Sema::CheckMain(uint32_t s) {
  Symbol& sym = syms_[s];
  auto params = types_.FnParams(sym.type);
  bool ok = types_[sym.type].elem == kS32 && !sym.is_extern && !sym.compiletime;
  if (params.size() == 2) {
    TypeId argv = params[1];
    ok &= params[0] == kS32 && types_.Kind(argv) == TypeKind::PtrTo &&
          types_.Kind(types_[argv].elem) == TypeKind::Slice && types_[types_[argv].elem].elem == kChar;
  } else {
    ok &= params.empty();
  }
  if (!ok)
    Error(DiagKind::InvalidMain, TokRange(sym.file, sym.tok),
          "`main` must be `fn main() s32` or `fn main(argc: s32, argv: ptr[array[char]]) s32`");
}

bool Sema::EnsureFunctionChecked(uint32_t s, SourceRange use) {
  Symbol& sym = syms_[s];
  if (sym.is_extern || sym.state == EvalState::Done) return !sym.broken;
  if (!PushFrame(sym.state, "function `" + std::string(Str(sym.name)) + "`", TokRange(sym.file, sym.tok), use))
    return false;
  CheckFunction(s);
  PopFrame(syms_[s].state);
  return !syms_[s].broken;
}

void Sema::CheckFunction(uint32_t s) {
  // A body checked on demand from inside a constant initializer is ordinary run-time code.
  uint32_t saved_depth = const_depth_;
  const_depth_ = 0;
  uint32_t errors = in_.diags->ErrorCount();
  InstanceScope scope(*this, syms_[s].file);
  FnCtx fc;
  fc.file = syms_[s].file;
  fc.fn_sym = s;
  fc.compiletime = syms_[s].compiletime;
  fc.broken = !EnsureSignature(s) || syms_[s].broken;
  TypeId fn_type = syms_[s].type;
  fc.ret = types_[fn_type].elem;
  const Ast& ast = AstOf(fc.file);
  const FnDecl& d = ast.fns[syms_[s].decl];
  auto param_types = types_.FnParams(fn_type);
  fc.scope_marks.push_back(0);
  for (uint32_t i = 0; i < d.params.count; ++i) {
    const Param& p = ast.params[d.params.start + i];
    Symbol local{SymKind::Param};
    local.file = fc.file, local.name = p.name, local.tok = p.tok, local.type = param_types[i];
    DeclareLocal(fc, std::move(local));
  }
  bool returns = CheckBlock(fc, d.body, false);
  if (!returns && fc.ret != kVoid && fc.ret != kErrorType) {
    auto& diag = Error(DiagKind::MissingReturn, TokRange(fc.file, d.name_tok),
                       "function `" + std::string(Str(d.name)) + "` does not return a value on every path");
    in_.diags->AddNote(diag, NodeRange(fc.file, d.body), "control reaches the end of this body");
  }
  if (in_.diags->ErrorCount() != errors) fc.broken = true;
  syms_[s].broken = fc.broken;
  if (!fc.broken) FunctionChecked(s, fc);
  const_depth_ = saved_depth;
}

// Modifier words (3.2): `volatile` is accepted (not yet honoured by the optimisers, see
// docs/language.md); an ordering word makes the variable atomic (15.1; one word at most);
// thread-local statics are not supported yet; thread words on a local are ignored with a warning.
bool Sema::CheckModifiers(uint32_t file, const VarDecl& v, bool local, Symbol& sym) {
  bool ok = true;
  for (uint32_t i = 0; i < 32; ++i) {
    if (!(v.modifiers >> i & 1)) continue;
    Modifier m = Modifier(i);
    std::string word = "`" + std::string(ModifierSpelling(m)) + "`";
    switch (FamilyOf(m)) {
      case ModifierFamily::Volatile: break;
      case ModifierFamily::Atomic:
        if (v.storage == Storage::Const) {
          Error(DiagKind::InvalidAtomic, TokRange(file, v.modifier_tok), "a constant cannot be atomic (" + word + ")");
          ok = false;
        } else if (sym.atomic != Modifier::AtomicNone) {
          Error(DiagKind::InvalidAtomic, TokRange(file, v.modifier_tok), "a variable has one atomic ordering at most");
          ok = false;
        }
        sym.atomic = m;
        break;
      case ModifierFamily::Thread:
        if (local) {
          Error(DiagKind::IgnoredModifier, TokRange(file, v.modifier_tok),
                word + " applies to statics; on a local variable it is ignored");
        } else {
          Error(DiagKind::NotSupported, TokRange(file, v.modifier_tok),
                "thread-local statics (" + word + ") are not supported yet");
          ok = false;
        }
        break;
    }
  }
  return ok;
}

}  // namespace thrustc::frontend
