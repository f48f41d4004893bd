// Calls (section 7), builtins (section 8), compile-time calls of `@compiletime` functions
// (section 10.1), and the aggregate expressions: field access, enum members, struct and array
// literals.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

TypeId Sema::PromoteVariadic(const TypeTable& types, TypeId t) {
  TypeId u = types.Unqual(t);
  if (u == kF32) return kF64;
  if (u == kBool || u == kChar) return kS32;
  if (types.IsInt(u) && types.IntBits(u) < 32) return types.IsSigned(u) ? kS32 : kU32;
  return t;
}

bool Sema::IsNamedArg(const Ast& ast, NodeId arg) {
  const Node& a = ast[arg];
  return a.kind == NodeKind::Assign && TokenKind(a.op) == TokenKind::Assign && ast[a.a].kind == NodeKind::Name;
}

NodeId Sema::ArgValue(const Ast& ast, NodeId arg) { return IsNamedArg(ast, arg) ? ast[arg].b : arg; }

// A call with named arguments (7.2) to the Thrust function `sym`: positional ones first, then
// `name = e` in any order. Each named argument's node records its parameter index + 1 in refs.
TypeId Sema::CheckNamedArgs(FnCtx& fc, NodeId n, TypeId fn_type, const Symbol* sym, std::string_view callee) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  auto params = types_.FnParams(fn_type);
  std::vector<TypeId> param_types(params.begin(), params.end());
  TypeId ret = types_[fn_type].elem;
  std::string q = callee.empty() ? std::string("this function") : "`" + std::string(callee) + "`";
  auto fail = [&] {
    for (uint32_t i = 0; i < node.c; ++i) CheckExpr(fc, ArgValue(ast, ast.ListAt(node.b, i)));
    fc.broken = true;
    return ret;
  };
  if (!sym || sym->file == kCFile || sym->variadic) {
    NodeId first = kNoNode;
    for (uint32_t i = 0; i < node.c && !first; ++i)
      if (IsNamedArg(ast, ast.ListAt(node.b, i))) first = ast.ListAt(node.b, i);
    Error(DiagKind::NamedArgument, NodeRange(fc.file, ast[first].a),
          std::string("named arguments need a Thrust function with declared parameters; ") +
              (sym && sym->variadic ? q + " is variadic" : !sym ? "this is a call through a function value" : q + " is imported from C"));
    return fail();
  }
  const Ast& decl_ast = AstOf(sym->file);
  const FnDecl& d = decl_ast.fns[sym->decl];
  std::vector<NodeId> given(param_types.size(), kNoNode);
  bool ok = true, named_seen = false;
  for (uint32_t i = 0; i < node.c; ++i) {
    NodeId arg = ast.ListAt(node.b, i);
    if (!IsNamedArg(ast, arg)) {
      if (named_seen) {
        Error(DiagKind::NamedArgument, ExprRange(fc.file, arg), "a positional argument cannot follow a named one");
        ok = false;
      } else if (i < given.size()) {
        given[i] = arg;
      }
      continue;
    }
    named_seen = true;
    NameId name = ast[ast[arg].a].a;
    uint32_t idx = UINT32_MAX;
    for (uint32_t p = 0; p < d.params.count; ++p)
      if (decl_ast.params[d.params.start + p].name == name) idx = p;
    std::string nq = "`" + std::string(Str(name)) + "`";
    if (idx == UINT32_MAX) {
      std::string list;
      for (uint32_t p = 0; p < d.params.count; ++p)
        list += (p ? ", `" : "`") + std::string(Str(decl_ast.params[d.params.start + p].name)) + "`";
      auto& diag = Error(DiagKind::NamedArgument, NodeRange(fc.file, ast[arg].a),
                         q + " has no parameter " + nq + (list.empty() ? "" : "; its parameters are " + list));
      in_.diags->AddNote(diag, TokRange(sym->file, sym->tok), "declared here");
      ok = false;
      continue;
    }
    if (given[idx]) {
      auto& diag = Error(DiagKind::NamedArgument, NodeRange(fc.file, ast[arg].a), "parameter " + nq + " is given twice");
      in_.diags->AddNote(diag, ExprRange(fc.file, given[idx]), "first given here");
      ok = false;
      continue;
    }
    given[idx] = arg;
    Info(fc.file).refs[arg] = idx + 1;
  }
  if (node.c > param_types.size() && !named_seen) ok = false;
  for (uint32_t p = 0; ok && p < given.size(); ++p) {
    if (given[p]) continue;
    Error(DiagKind::ArgumentCount, NodeRange(fc.file, n),
          q + " is missing its argument `" + std::string(Str(decl_ast.params[d.params.start + p].name)) + "`");
    ok = false;
  }
  if (!ok) return fail();
  for (uint32_t p = 0; p < given.size(); ++p) {
    NodeId value = ArgValue(ast, given[p]);
    CheckValue(fc, value, param_types[p]);
    if (value != given[p]) Info(fc.file).types[given[p]] = param_types[p];
  }
  return ret;
}

TypeId Sema::CheckArgs(FnCtx& fc, NodeId n, TypeId fn_type, bool variadic, std::string_view callee,
                       const Symbol* sym) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  for (uint32_t i = 0; i < node.c; ++i)
    if (IsNamedArg(ast, ast.ListAt(node.b, i))) return CheckNamedArgs(fc, n, fn_type, sym, callee);
  auto params = types_.FnParams(fn_type);
  TypeId ret = types_[fn_type].elem;
  if (node.c < params.size() || (!variadic && node.c > params.size())) {
    Error(DiagKind::ArgumentCount, NodeRange(fc.file, n),
          (callee.empty() ? std::string("this function") : "`" + std::string(callee) + "`") + " takes " + (variadic ? "at least " : "") + std::to_string(params.size()) +
              " argument" + (params.size() == 1 ? "" : "s") + ", but " + std::to_string(node.c) +
              (node.c == 1 ? " was" : " were") + " given");
    for (uint32_t i = 0; i < node.c; ++i) CheckExpr(fc, ast.ListAt(node.b, i));
    fc.broken = true;
    return ret;
  }
  for (uint32_t i = 0; i < node.c; ++i) {
    NodeId arg = ast.ListAt(node.b, i);
    if (i < params.size()) {
      CheckValue(fc, arg, params[i]);
      continue;
    }
    TypeId t = CheckExpr(fc, arg);
    if (t == kIntLit || t == kFloatLit) t = DefaultLiteralType(fc, arg);
    if (t == kVoid) {
      Error(DiagKind::TypeMismatch, NodeRange(fc.file, arg), "a `void` value cannot be passed");
      fc.broken = true;
    }
  }
  return ret;
}

bool Sema::HasVectorInSignature(TypeId fn_type) const {
  bool vector = types_.Kind(types_.Unqual(types_[fn_type].elem)) == TypeKind::Vector;
  for (TypeId p : types_.FnParams(fn_type)) vector |= types_.Kind(types_.Unqual(p)) == TypeKind::Vector;
  return vector;
}

TypeId Sema::CheckCall(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(fc.file);
  NodeId callee = node.a;
  if (ast[callee].kind == NodeKind::GenericName) {
    SourceRange use = NodeRange(fc.file, callee);
    uint32_t g = LookupGlobal(fc.file, ast[callee].a, &use);
    if (g != UINT32_MAX && syms_[g].kind == SymKind::Func && syms_[g].generic)
      return FinishDirectCall(fc, n, CheckGenericCall(fc, n, g, callee));
  }
  if (ast[callee].kind == NodeKind::Name && LookupLocal(fc, ast[callee].a) == UINT32_MAX) {
    NameId name = ast[callee].a;
    SourceRange use = NodeRange(fc.file, callee);
    uint32_t g = LookupGlobal(fc.file, name, &use);
    if (g == UINT32_MAX) {
      if (auto it = builtin_names_.find(name); it != builtin_names_.end()) {
        info.refs[n] = kBuiltinRef | uint32_t(it->second);
        return CheckBuiltin(fc, n, it->second);
      }
    } else if (syms_[g].kind == SymKind::Func && syms_[g].generic) {
      return FinishDirectCall(fc, n, CheckGenericCall(fc, n, g, kNoNode));
    } else if (syms_[g].kind == SymKind::Func) {
      info.refs[callee] = g + 1;
      info.refs[n] = g + 1;
      EnsureSignature(g);
      const Symbol& sym = syms_[g];
      info.types[callee] = sym.type;
      if (sym.is_extern && HasVectorInSignature(sym.type)) {  // C passes vectors in vector registers
        auto& d = Error(DiagKind::NotSupported, NodeRange(fc.file, callee),
                        "calling a C function with `NativeVector` in its signature is not supported yet");
        in_.diags->AddNote(d, TokRange(sym.file, sym.tok), "declared here");
        for (uint32_t i = 0; i < node.c; ++i) CheckExpr(fc, ArgValue(ast, ast.ListAt(node.b, i)));
        fc.broken = true;
        return kErrorType;
      }
      return FinishDirectCall(fc, n, CheckArgs(fc, n, sym.type, sym.variadic, Str(name), &sym));
    }
  }
  TypeId t = CheckExpr(fc, callee);
  if (t == kErrorType) return kErrorType;
  if (types_.Kind(types_.Unqual(t)) != TypeKind::Fn) {
    Error(DiagKind::NotCallable, NodeRange(fc.file, callee), "a value of type " + TypeStr(t) + " cannot be called");
    return kErrorType;
  }
  return CheckArgs(fc, n, types_.Unqual(t), false, "");
}

// After a direct call's arguments are checked (its callee symbol is on the Call node): a call of a
// `@compiletime` function in run-time code runs now, and its result replaces it.
TypeId Sema::FinishDirectCall(FnCtx& fc, NodeId n, TypeId ret) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(fc.file);
  if (ret == kErrorType || !info.refs[n]) return ret;
  uint32_t g = info.refs[n] - 1;
  auto q = [&] { return "`" + std::string(Str(syms_[g].name)) + "`"; };
  if (!syms_[g].compiletime || const_depth_ > 0 || fc.compiletime) return ret;
  // A call of a @compiletime function in run-time code runs now; its result replaces it.
  bool all_const = true;
  for (uint32_t i = 0; i < node.c; ++i) {
    NodeId arg = ArgValue(ast, ast.ListAt(node.b, i));
    if (NodeConst(fc.file, arg) || info.types[arg] == kErrorType) continue;
    auto& d = Error(DiagKind::NotConstant, NodeRange(fc.file, arg),
                    "argument " + std::to_string(i + 1) + " of compile-time function " + q() +
                        " is not a compile-time constant");
    in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), q() + " is declared `@compiletime` here");
    all_const = false;
  }
  if (!all_const || fc.broken) {
    fc.broken = true;
    return ret;
  }
  ++const_depth_;
  auto v = EvalNode(fc, n, ret, ExprRange(fc.file, n), "the call of " + q());
  --const_depth_;
  if (!v) return kErrorType;
  SetNodeConst(fc.file, n, *v);
  return ret;
}

TypeId Sema::TypeOrExprOfArg(FnCtx& fc, NodeId arg, uint64_t* literal_bytes) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[arg];
  bool named = node.kind == NodeKind::TypeName || node.kind == NodeKind::Name;
  if (named && !(node.a < prim_names_.size() && prim_names_[node.a])) {
    uint32_t l = LookupLocal(fc, node.a);
    if (l != UINT32_MAX) {
      if (literal_bytes) *literal_bytes = fc.locals[l].literal_bytes;
      return fc.locals[l].type;
    }
    uint32_t g = LookupGlobal(fc.file, node.a);
    if (g != UINT32_MAX && (syms_[g].kind == SymKind::Const || syms_[g].kind == SymKind::Static ||
                            syms_[g].kind == SymKind::Func))
      return EnsureSymbolType(g);
    if (node.kind == NodeKind::Name) return ResolveTypeName(&fc, fc.file, arg);
  }
  switch (node.kind) {
    case NodeKind::TypeName: case NodeKind::TypePtr: case NodeKind::TypeArray: case NodeKind::TypeConst:
    case NodeKind::TypeFn: case NodeKind::TypeInst: return ResolveType(&fc, fc.file, arg);
    default: break;
  }
  TypeId t = CheckExpr(fc, arg);  // only its type matters: the operand is never evaluated
  if (t == kIntLit || t == kFloatLit) t = DefaultLiteralType(fc, arg);
  return t;
}

TypeId Sema::CheckBuiltin(FnCtx& fc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  const BuiltinInfo& b = kBuiltinInfo[int(which)];
  std::string q = "`" + std::string(b.name) + "`";
  if (node.c != b.arity) {
    Error(DiagKind::ArgumentCount, NodeRange(fc.file, n),
          q + " takes " + std::to_string(b.arity) + " argument" + (b.arity == 1 ? "" : "s") +
              ", but " + std::to_string(node.c) + (node.c == 1 ? " was" : " were") + " given");
    return kErrorType;
  }
  if (b.family == BuiltinFamily::AtomicRmw || b.family == BuiltinFamily::AtomicCas) return CheckAtomicBuiltin(fc, n, which);
  if (b.family == BuiltinFamily::TypeQuery) return CheckTypeQuery(fc, n, which);
  if (b.family == BuiltinFamily::Fact) return CheckFact(fc, n, which);
  if (b.family == BuiltinFamily::Assert) return CheckAssertBuiltin(fc, n, which);
  if (b.family == BuiltinFamily::Variadic) return CheckVariadicBuiltin(fc, n, which);
  NodeId a0 = ast.ListAt(node.b, 0);
  if (which == Builtin::SizeOf || which == Builtin::AlignOf || which == Builtin::HAlloc) {
    uint64_t literal_bytes = 0;
    TypeId t = TypeOrExprOfArg(fc, a0, which == Builtin::SizeOf ? &literal_bytes : nullptr);
    if (t == kErrorType || !EnsureStructLayout(t, NodeRange(fc.file, a0))) return kErrorType;
    if (t == kVoid) {
      Error(DiagKind::TypeMismatch, NodeRange(fc.file, a0), q + " needs a type with a size, found `void`");
      return kErrorType;
    }
    Info(fc.file).types[a0] = t;
    if (which == Builtin::HAlloc) return types_.PtrTo(types_.Unqual(t));
    uint64_t v = which == Builtin::SizeOf ? (literal_bytes ? literal_bytes : types_.SizeOf(t)) : types_.AlignOf(t);
    TypeId rt = which == Builtin::SizeOf ? kUSize : kU32;  // alignOf is u32 (8.1)
    SetNodeConst(fc.file, n, ConstVal{rt, __int128(v)});
    return rt;
  }
  bool ok = true;
  for (uint32_t i = 0; i < 3; ++i) {
    NodeId arg = ast.ListAt(node.b, i);
    TypeId t = CheckExpr(fc, arg);
    if (t == kIntLit) t = Coerce(fc, arg, i == 1 ? kS32 : kUSize) ? (i == 1 ? kS32 : kUSize) : kErrorType;
    if (t == kErrorType) {
      ok = false;
      continue;
    }
    bool want_ptr = i == 0 || (i == 1 && which != Builtin::MemSet);
    if (want_ptr ? !types_.IsPointerLike(t) : !types_.IsInt(types_.Unqual(t))) {
      Error(DiagKind::TypeMismatch, NodeRange(fc.file, arg),
            "argument " + std::to_string(i + 1) + " of " + q + " must be " + (want_ptr ? "a pointer" : "an integer") +
                ", found " + TypeStr(t));
      ok = false;
    }
  }
  return ok ? kPtr : kErrorType;
}

// The address rule (5.3): `e.f` is the field's address when `e` is a variable declared with
// `var`, `const` or `static` (also parenthesised) or itself an address-yielding `e.g` / `e[i]`;
// on any other struct value (a parameter, a call result, `deref p`, `e->g`) it is the field.
bool Sema::YieldsFieldAddress(FnCtx& fc, NodeId base) {
  const Node& b = AstOf(fc.file)[base];
  FileInfo& info = Info(fc.file);
  switch (b.kind) {
    case NodeKind::Name: {
      if (!info.refs[base]) return false;
      SymKind k = RefSymbol(fc, info.refs[base]).kind;
      return k == SymKind::Var || k == SymKind::Const || k == SymKind::Static;
    }
    case NodeKind::Index: return true;
    case NodeKind::Field: return !(info.refs[base] & kFieldByValue);
    default: return false;
  }
}

TypeId Sema::CheckField(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  TypeId tb = CheckExpr(fc, node.a);
  if (tb == kErrorType) return kErrorType;
  TypeId u = types_.Unqual(tb);
  bool read_only = types_.Kind(tb) == TypeKind::Const;
  bool by_value = false, of_place = false;
  TypeId st = kErrorType;
  if (types_.Kind(u) == TypeKind::Struct) {
    st = u;
    by_value = !YieldsFieldAddress(fc, node.a);
    of_place = by_value && IsPlace(fc, node.a);
  } else if (types_.Kind(u) == TypeKind::PtrTo && types_.Kind(types_.Unqual(types_[u].elem)) == TypeKind::Struct) {
    st = types_.Unqual(types_[u].elem);
    read_only |= types_.Kind(types_[u].elem) == TypeKind::Const;
  } else {
    Error(DiagKind::UnknownField, NodeRange(fc.file, n),
          "a value of type " + TypeStr(tb) + " has no field `" + std::string(Str(node.b)) + "`");
    return kErrorType;
  }
  if (!EnsureStructLayout(st, NodeRange(fc.file, n))) return kErrorType;
  const StructInfo& s = types_.Struct(st);
  for (uint32_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].name != node.b) continue;
    Info(fc.file).refs[n] = i | (by_value ? kFieldByValue : 0) | (of_place ? kFieldOfPlace : 0);
    TypeId ft = read_only ? types_.Const(s.fields[i].type) : s.fields[i].type;
    return by_value ? ft : types_.PtrTo(ft);
  }
  auto& d = Error(DiagKind::UnknownField, NodeRange(fc.file, n),
                  "struct `" + std::string(Str(s.name)) + "` has no field `" + std::string(Str(node.b)) + "`");
  in_.diags->AddNote(d, StructDeclRange(s), "declared here");
  return kErrorType;
}

TypeId Sema::CheckEnumAccess(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  return CheckEnumMember(fc, n, node.a, node.b);
}

// `E=>M` (node n): the member's constant, recorded on n.
TypeId Sema::CheckEnumMember(FnCtx& fc, NodeId n, NameId enum_name, NameId member) {
  SourceRange use = NodeRange(fc.file, n);
  uint32_t g = LookupGlobal(fc.file, enum_name, &use);
  if (uint32_t l = LookupLocal(fc, enum_name); l != UINT32_MAX)
    g = fc.locals[l].kind == SymKind::Enum ? fc.locals[l].decl : UINT32_MAX;
  std::string q = "`" + std::string(Str(enum_name)) + "`";
  if (g == UINT32_MAX && ReportUnresolved(fc.file, enum_name, use)) return kErrorType;
  if (g == UINT32_MAX || syms_[g].kind != SymKind::Enum) {
    Error(g == UINT32_MAX ? DiagKind::UndefinedName : DiagKind::NotAType, NodeRange(fc.file, n),
          g == UINT32_MAX ? "unknown enum " + q : q + " is not an enum");
    return kErrorType;
  }
  auto& members = enum_members_[syms_[g].value];
  for (uint32_t m = 0; m < members.size(); ++m) {
    if (members[m].name != member) continue;
    if (!EnsureEnumMember(g, m, NodeRange(fc.file, n))) return kErrorType;
    Info(fc.file).consts[n] = enum_members_[syms_[g].value][m].value + 1;
    return enum_members_[syms_[g].value][m].type;
  }
  auto& d = Error(DiagKind::UnknownEnumMember, NodeRange(fc.file, n),
                  "enum " + q + " has no member `" + std::string(Str(member)) + "`");
  in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), "declared here");
  return kErrorType;
}

// `new S { ... }`: S names a struct, an alias of one, a type parameter bound to one, or an
// instance (`new Box[s32] { ... }`, or `new Box { ... }` with its arguments inferred, 12).
TypeId Sema::CheckStructLit(FnCtx& fc, NodeId n, TypeId expected) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  const Node& tn = ast[node.a];
  auto check_values = [&] {
    for (uint32_t i = 0; i < node.c; ++i) CheckExpr(fc, ast[ast.ListAt(node.b, i)].b);
    return kErrorType;
  };
  TypeId st = kErrorType;
  bool prechecked = false;  // the field values were checked while inferring the instance
  std::string shown(Str(tn.a));
  if (tn.kind == NodeKind::TypeInst) {
    st = types_.Unqual(ResolveType(&fc, fc.file, node.a));
    if (st == kErrorType) return check_values();
  } else {
    SourceRange use = NodeRange(fc.file, n);
    uint32_t g = LookupGlobal(fc.file, tn.a, &use);
    bool param = false;
    for (auto& [name, type] : Info(fc.file).type_args)
      if (name == tn.a) st = types_.Unqual(type), param = true;
    if (uint32_t l = LookupLocal(fc, tn.a); l != UINT32_MAX) {  // a local struct or alias (3.1), or not a type
      const Symbol& local = fc.locals[l];
      bool type = local.kind == SymKind::Struct || local.kind == SymKind::Alias;
      st = type ? types_.Unqual(local.type) : kErrorType;
      param = true;
    }
    const Symbol* gs = param || g == UINT32_MAX ? nullptr : &syms_[g];
    if (gs && gs->kind == SymKind::Struct && gs->generic) {
      st = InferStructInstance(fc, n, g, expected, &prechecked);
      if (st == kErrorType) return kErrorType;
    } else if (gs && (gs->kind == SymKind::Struct || gs->kind == SymKind::Alias) && !gs->generic) {
      st = types_.Unqual(EnsureSymbolType(g));
    }
    if (g == UINT32_MAX && !param && ReportUnresolved(fc.file, tn.a, use)) return check_values();
    if (st == kErrorType || types_.Kind(st) != TypeKind::Struct) {
      Error(g == UINT32_MAX && !param ? DiagKind::UndefinedName : DiagKind::NotAType, NodeRange(fc.file, n),
            "`" + shown + "` is not a struct");
      return check_values();
    }
  }
  if (types_.Kind(st) != TypeKind::Struct) {
    Error(DiagKind::NotAType, NodeRange(fc.file, n), TypeStr(st) + " is not a struct");
    return check_values();
  }
  if (!EnsureStructLayout(st, NodeRange(fc.file, n))) return prechecked ? kErrorType : check_values();
  std::vector<NodeId> given(types_.Struct(st).fields.size(), kNoNode);
  bool ok = true;
  for (uint32_t i = 0; i < node.c; ++i) {
    NodeId init = ast.ListAt(node.b, i);
    const Node& fi = ast[init];
    const StructInfo& s = types_.Struct(st);
    uint32_t idx = UINT32_MAX;
    for (uint32_t f = 0; f < s.fields.size(); ++f)
      if (s.fields[f].name == fi.a) idx = f;
    std::string fq = "`" + std::string(Str(fi.a)) + "`";
    if (idx == UINT32_MAX) {
      Error(DiagKind::UnknownField, NodeRange(fc.file, init), TypeStr(st) + " has no field " + fq);
      if (!prechecked) CheckExpr(fc, fi.b);
      ok = false;
      continue;
    }
    if (given[idx]) {
      auto& d = Error(DiagKind::DuplicateField, NodeRange(fc.file, init), "field " + fq + " is given twice");
      in_.diags->AddNote(d, NodeRange(fc.file, given[idx]), "first given here");
      ok = false;
    }
    given[idx] = init;
    Info(fc.file).refs[init] = idx;
    if (prechecked) Coerce(fc, fi.b, s.fields[idx].type);
    else CheckValue(fc, fi.b, s.fields[idx].type);
  }
  const StructInfo& s = types_.Struct(st);
  for (uint32_t f = 0; f < s.fields.size() && ok; ++f) {  // after a misspelled or repeated field, only that
    if (given[f]) continue;
    Error(DiagKind::MissingField, NodeRange(fc.file, n),
          "missing field `" + std::string(Str(s.fields[f].name)) + "` in " + TypeStr(st) + " literal");
    ok = false;
  }
  return ok ? st : kErrorType;
}

// `native[e, ...]` (15.2): exactly N elements of the expected vector type, else a vector of the
// elements' type.
TypeId Sema::CheckVectorLit(FnCtx& fc, NodeId n, TypeId expected) {
  const Node& node = AstOf(fc.file)[n];
  TypeId ue = types_.Unqual(expected);
  TypeId as_array = kErrorType;
  if (types_.Kind(ue) == TypeKind::Vector) {
    if (types_[ue].count != node.c) {
      Error(DiagKind::TypeMismatch, NodeRange(fc.file, n),
            TypeStr(ue) + " needs " + std::to_string(types_[ue].count) + " elements, but " + std::to_string(node.c) +
                (node.c == 1 ? " was" : " were") + " given");
      return kErrorType;
    }
    as_array = types_.FixedArray(types_[ue].elem, node.c);
  }
  TypeId t = CheckArrayLit(fc, n, as_array, true);
  if (t == kErrorType) return kErrorType;
  TypeId elem = types_.Unqual(types_[t].elem);
  if (!types_.IsNumeric(elem) && elem != kBool) {
    Error(DiagKind::TypeMismatch, NodeRange(fc.file, n), "a `NativeVector` holds integers, floats or `bool`, not " + TypeStr(elem));
    return kErrorType;
  }
  if (node.c == 0) return kErrorType;  // reported by CheckArrayLit
  return types_.Vector(elem, node.c);
}

TypeId Sema::CheckArrayLit(FnCtx& fc, NodeId n, TypeId expected, bool fixed) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  TypeId ue = types_.Unqual(expected);
  TypeKind ek = types_.Kind(ue);
  TypeId elem = kErrorType;
  if (fixed && ek == TypeKind::FixedArray) elem = types_[ue].elem;
  if (!fixed && (ek == TypeKind::Slice || ek == TypeKind::PtrTo)) elem = types_[ue].elem;
  uint32_t first = 0;
  if (elem == kErrorType) {
    if (node.c == 0) {
      Error(DiagKind::TypeMismatch, NodeRange(fc.file, n), "cannot tell the element type of an empty array literal");
      return kErrorType;
    }
    NodeId a0 = ast.ListAt(node.b, 0);
    TypeId t = CheckExpr(fc, a0);
    if (t == kIntLit || t == kFloatLit) t = DefaultLiteralType(fc, a0);
    if (t == kErrorType) return kErrorType;
    elem = types_.Kind(t) == TypeKind::Const && !types_.IsPointerLike(t) ? types_.Unqual(t) : t;
    Coerce(fc, a0, elem);
    first = 1;
  }
  bool ok = true;
  for (uint32_t i = first; i < node.c; ++i) ok &= CheckValue(fc, ast.ListAt(node.b, i), elem) != kErrorType;
  if (!ok) return kErrorType;
  return fixed ? types_.FixedArray(elem, node.c) : types_.Slice(elem);
}

}  // namespace thrustc::frontend
