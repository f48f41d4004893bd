// Statements (section 4): block scopes with shadowing, local declarations, conditions, loops,
// break/continue, returns, and the all-paths return analysis (each Check returns whether control
// can fall out of the statement).
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

uint32_t Sema::LookupLocal(const FnCtx& fc, NameId name) const {
  for (size_t i = fc.scope.size(); i-- > 0;)
    if (fc.locals[fc.scope[i]].name == name) return fc.scope[i];
  return UINT32_MAX;
}

uint32_t Sema::DeclareLocal(FnCtx& fc, Symbol sym) {
  uint32_t start = fc.scope_marks.empty() ? 0 : fc.scope_marks.back();
  for (size_t i = start; i < fc.scope.size(); ++i) {
    const Symbol& prev = fc.locals[fc.scope[i]];
    if (prev.name != sym.name) continue;
    auto& d = Error(DiagKind::Redeclaration, TokRange(fc.file, sym.tok),
                    "`" + std::string(Str(sym.name)) + "` is already declared in this block");
    in_.diags->AddNote(d, TokRange(fc.file, prev.tok), "previous declaration here");
    fc.broken = true;
    break;
  }
  fc.locals.push_back(std::move(sym));
  uint32_t idx = uint32_t(fc.locals.size() - 1);
  fc.scope.push_back(idx);
  return idx;
}

bool Sema::CheckBlock(FnCtx& fc, NodeId n, bool new_scope) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  if (node.kind != NodeKind::Block) return CheckScoped(fc, n);
  if (new_scope) fc.scope_marks.push_back(uint32_t(fc.scope.size()));
  bool term = false;
  for (uint32_t i = 0; i < node.c; ++i) term |= CheckStmt(fc, ast.ListAt(node.b, i));
  if (new_scope) {
    fc.scope.resize(fc.scope_marks.back());
    fc.scope_marks.pop_back();
  }
  return term;
}

bool Sema::CheckScoped(FnCtx& fc, NodeId n) {
  if (AstOf(fc.file)[n].kind == NodeKind::Block) return CheckBlock(fc, n, true);
  fc.scope_marks.push_back(uint32_t(fc.scope.size()));
  bool term = CheckStmt(fc, n);
  fc.scope.resize(fc.scope_marks.back());
  fc.scope_marks.pop_back();
  return term;
}

void Sema::CheckCondition(FnCtx& fc, NodeId n) {
  TypeId t = CheckExpr(fc, n, kBool);
  if (t == kErrorType || types_.Unqual(t) == kBool) return;
  Error(DiagKind::ConditionNotBool, NodeRange(fc.file, n), "condition must be `bool`, found " + TypeStr(t));
  fc.broken = true;
}

static bool IsConstTrue(Sema& s, uint32_t file, NodeId cond) {
  if (!cond) return true;
  const ConstVal* c = s.NodeConst(file, cond);
  return c && c->type == kBool && c->i != 0;
}

// Checks a loop body; returns whether the loop has a `break` of its own.
static bool CheckLoopBody(Sema& s, FnCtx& fc, NodeId body, NodeId step) {
  ++fc.loop_depth;
  fc.loop_breaks.push_back(false);
  s.CheckScoped(fc, body);
  if (step) s.CheckScoped(fc, step);  // a statement; a `var` in it is scoped to it
  bool broke = fc.loop_breaks.back();
  fc.loop_breaks.pop_back();
  --fc.loop_depth;
  return broke;
}

bool Sema::CheckStmt(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  switch (node.kind) {
    case NodeKind::Block: return CheckBlock(fc, n, true);
    case NodeKind::VarItem: CheckLocalDecl(fc, n); return false;
    case NodeKind::CtIf: {  // the kept branch: a block, or one statement spliced into this block
      NodeId kept = ChooseCtBranch(fc, n);
      Info(fc.file).refs[n] = kept;
      if (!kept) return false;
      return ast[kept].kind == NodeKind::Block ? CheckBlock(fc, kept, true) : CheckStmt(fc, kept);
    }
    case NodeKind::If: {
      CheckCondition(fc, node.a);
      bool t1 = CheckScoped(fc, node.b);
      bool t2 = node.c ? CheckScoped(fc, node.c) : false;
      return t1 && t2;
    }
    case NodeKind::While: {
      CheckCondition(fc, node.a);
      bool broke = CheckLoopBody(*this, fc, node.b, kNoNode);
      return IsConstTrue(*this, fc.file, node.a) && !broke;
    }
    case NodeKind::For: {
      NodeId init = ast.ListAt(node.a, 0), cond = ast.ListAt(node.a, 1);
      NodeId step = ast.ListAt(node.a, 2), body = ast.ListAt(node.a, 3);
      fc.scope_marks.push_back(uint32_t(fc.scope.size()));
      if (init) {
        if (ast[init].kind == NodeKind::VarItem) CheckLocalDecl(fc, init);
        else if (ast[init].kind == NodeKind::Assign) Info(fc.file).types[init] = CheckAssign(fc, init);
        else CheckExpr(fc, init);
      }
      if (cond) CheckCondition(fc, cond);
      bool broke = CheckLoopBody(*this, fc, body, step);
      fc.scope.resize(fc.scope_marks.back());
      fc.scope_marks.pop_back();
      return IsConstTrue(*this, fc.file, cond) && !broke;
    }
    case NodeKind::Loop: return !CheckLoopBody(*this, fc, node.a, kNoNode);
    case NodeKind::Break:
    case NodeKind::Continue:
      if (fc.loop_depth == 0) {
        std::string word = node.kind == NodeKind::Break ? "break" : "continue";
        Error(DiagKind::BreakOutsideLoop, NodeRange(fc.file, n), "`" + word + (node.a ? "all" : "") + "` outside of a loop");
        fc.broken = true;
      } else if (node.kind == NodeKind::Break) {
        if (node.a) fc.loop_breaks.front() = true;  // breakall leaves the outermost loop
        else fc.loop_breaks.back() = true;
      }
      return true;
    case NodeKind::Return:
      if (node.a && fc.ret == kVoid) {
        Error(DiagKind::ReturnValueMismatch, NodeRange(fc.file, node.a), "this function returns `void`, but a value is returned");
        CheckExpr(fc, node.a);
        fc.broken = true;
      } else if (!node.a && fc.ret != kVoid && fc.ret != kErrorType) {
        Error(DiagKind::ReturnValueMismatch, NodeRange(fc.file, n), "missing return value; the function returns " + TypeStr(fc.ret));
        fc.broken = true;
      } else if (node.a) {
        CheckValue(fc, node.a, fc.ret);
      }
      return true;
    case NodeKind::Defer: CheckScoped(fc, node.a); return false;
    case NodeKind::ExprStmt: {
      if (ast[node.a].kind == NodeKind::Assign) {  // assignment is a statement (5.3)
        Info(fc.file).types[node.a] = CheckAssign(fc, node.a);
        return false;
      }
      TypeId t = CheckExpr(fc, node.a);
      if (t == kIntLit || t == kFloatLit) DefaultLiteralType(fc, node.a);
      return false;
    }
    case NodeKind::Unreachable: return true;
    case NodeKind::ErrorNode: fc.broken = true; return false;
    case NodeKind::StructItem: case NodeKind::EnumItem: case NodeKind::TypeAliasItem:
      CheckLocalType(fc, n);
      return false;
    case NodeKind::FnItem:
      Error(DiagKind::NotSupported, NodeRange(fc.file, n), "local functions are not supported");
      fc.broken = true;
      return false;
    default: CheckExpr(fc, n); return false;
  }
}

// A struct, enum or alias declared in a body (3.1): visible in the rest of the block; its fields
// and aliased type may name the block's earlier local types. A local enum's members live in a
// symbol of its own that no scope lists (their values see top-level names only).
void Sema::CheckLocalType(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  Symbol sym{SymKind::Struct};
  sym.file = fc.file;
  bool generic = false;
  ListRef attrs{};
  switch (node.kind) {
    case NodeKind::StructItem: {
      const StructDecl& d = ast.structs[node.a];
      sym.name = d.name, sym.tok = d.name_tok, sym.decl = node.a, attrs = d.attrs;
      generic = d.type_params.count;
      break;
    }
    case NodeKind::EnumItem: {
      const EnumDecl& d = ast.enums[node.a];
      sym.kind = SymKind::Enum, sym.name = d.name, sym.tok = d.name_tok, attrs = d.attrs;
      break;
    }
    default:
      sym.kind = SymKind::Alias, sym.name = node.a, sym.tok = node.tok, sym.decl = n;
      generic = ast.aliases[node.c - 1].type_params.count;
      attrs = ast.aliases[node.c - 1].attrs;
      break;
  }
  SourceRange where = TokRange(fc.file, sym.tok);
  if (generic) {
    Error(DiagKind::NotSupported, where, "local generic types are not supported yet; declare it at top level");
    fc.broken = true;
    return;
  }
  CheckAttributes(fc.file, attrs, node.kind == NodeKind::StructItem ? uint32_t(kAttrPacked) : 0u, sym);
  if (node.kind == NodeKind::StructItem) {
    sym.type = types_.NewStruct(sym.name, fc.file, node.a);
    types_.Struct(sym.type).packed = sym.packed;
    if (!EnsureStructLayout(sym.type, where, &fc)) fc.broken = true;
  } else if (node.kind == NodeKind::TypeAliasItem) {
    sym.type = ResolveType(&fc, fc.file, node.b);
    sym.state = EvalState::Done;
    if (sym.type == kErrorType) fc.broken = true;
  } else {
    Symbol hidden = sym;
    hidden.decl = node.a;
    AddEnumMembers(fc.file, ast.enums[node.a], hidden);
    uint32_t g = uint32_t(syms_.size());
    syms_.push_back(std::move(hidden));
    for (uint32_t m = 0; m < enum_members_[syms_[g].value].size(); ++m)
      if (!EnsureEnumMember(g, m, where)) fc.broken = true;
    sym.decl = g;
  }
  Info(fc.file).refs[n] = kLocalRef | DeclareLocal(fc, std::move(sym));
}

void Sema::CheckLocalDecl(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  const VarDecl& v = ast.vars[ast[n].a];
  Symbol sym{v.storage == Storage::Var ? SymKind::Var : v.storage == Storage::Const ? SymKind::Const : SymKind::Static};
  sym.file = fc.file, sym.name = v.name, sym.tok = v.name_tok, sym.init = v.init, sym.is_mut = v.is_mut;
  CheckAttributes(fc.file, v.attrs, uint32_t(kAttrAlign) | (v.storage == Storage::Var ? uint32_t(kAttrDealloc) : 0u), sym);
  if (!CheckModifiers(fc.file, v, true, sym)) fc.broken = true;
  TypeId t = v.type ? ResolveType(&fc, fc.file, v.type) : InferLocalType(fc, v);
  if (t != kErrorType && !EnsureStructLayout(t, NodeRange(fc.file, v.type ? v.type : v.init))) t = kErrorType;
  if (t == kVoid && v.type) {
    Error(DiagKind::TypeMismatch, NodeRange(fc.file, v.type), "a variable cannot have type `void`");
    t = kErrorType;
  }
  if (t != kErrorType && !CheckAtomicType(sym, t)) t = kErrorType;
  if (t == kErrorType) fc.broken = true;
  sym.type = t;
  auto what = [&] { return "constant `" + std::string(Str(v.name)) + "`"; };
  if (sym.kind == SymKind::Var) {
    if (v.init) {
      if (v.type) CheckValue(fc, v.init, t);
      const Node& init = ast[v.init];
      TypeKind k = types_.Kind(types_.Unqual(t));
      if (k == TypeKind::Slice && init.kind == NodeKind::StringLit) sym.literal_bytes = ast.strings[init.a].size() + 1;
      if (k == TypeKind::Slice && init.kind == NodeKind::ArrayLit)
        sym.literal_bytes = init.c * types_.SizeOf(types_[types_.Unqual(t)].elem);
    }
  } else if (sym.kind == SymKind::Const) {
    if (!v.init) {
      Error(DiagKind::NotConstant, TokRange(fc.file, v.name_tok), what() + " needs a value");
    } else if (t != kErrorType) {
      if (auto c = EvalInitializer(fc, v.init, t, what(), TokRange(fc.file, v.name_tok))) sym.value = AddConst(*c);
    }
    if (sym.value == UINT32_MAX) fc.broken = true;
  } else if (t != kErrorType) {
    sym.ir = DeclareLocalStatic(fc, sym);
    if (!InitStatic(fc, sym, "static `" + std::string(Str(v.name)) + "`")) fc.broken = true;
  }
  if (sym.dealloc && t != kErrorType && !ResolveDeallocator(fc, sym, TokRange(fc.file, v.name_tok))) fc.broken = true;
  uint32_t idx = DeclareLocal(fc, std::move(sym));
  Info(fc.file).refs[n] = kLocalRef | idx;
}

// `var x := e` (3.2): the type of `e`, with untyped literals at their default types (s32, else
// s64 or u64; f64), a string literal as `array[char]`, and a top-level `const` dropped (the
// variable is a copy). `nullptr` and void calls have no type to give.
TypeId Sema::InferLocalType(FnCtx& fc, const VarDecl& v) {
  TypeId t = CheckExpr(fc, v.init);
  if (t == kIntLit || t == kFloatLit) return DefaultLiteralType(fc, v.init);
  std::string name = "`" + std::string(Str(v.name)) + "`";
  if (t == kNull || t == kVoid) {
    Error(DiagKind::CannotInferType, NodeRange(fc.file, v.init),
          "cannot infer the type of " + name + " from " + (t == kNull ? "`nullptr`" : "a call that returns nothing") +
              "; write its type: `var " + std::string(Str(v.name)) + ": T = ...`");
    return kErrorType;
  }
  if (t == kErrorType) return t;
  TypeId u = types_.Unqual(t);
  if (u != t) Coerce(fc, v.init, u);
  return u;
}

}  // namespace thrustc::frontend
