// Generics (section 12): type parameters, instances of generic functions, structs and aliases,
// inference of type arguments from call arguments and struct literal fields, and the cache that
// makes `f[s32]` one function per program. An instance is checked as an instance file: the
// generic's Ast with annotations of its own and the type arguments bound to the parameters, so
// the rest of the checker and lowering see an ordinary, fully typed declaration.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

namespace {
std::string_view GenericKindWord(SymKind k) {
  return k == SymKind::Func ? "function" : k == SymKind::Struct ? "struct" : "type alias";
}
}  // namespace

ListRef Sema::TypeParamsOf(const Symbol& sym) const {
  const Ast& ast = AstOf(sym.file);
  switch (sym.kind) {
    case SymKind::Func: return ast.fns[sym.decl].type_params;
    case SymKind::Struct: return ast.structs[sym.decl].type_params;
    case SymKind::Alias: {
      const Node& n = ast[sym.decl];
      return ast.aliases[n.c - 1].type_params;
    }
    default: return {};
  }
}

// A parameter declared twice is an error; one never named after the list is warning W0032.
void Sema::CheckTypeParams(uint32_t file, ListRef params, std::string_view what) {
  const Ast& ast = AstOf(file);
  for (uint32_t i = 0; i < params.count; ++i) {
    const TypeParam& p = ast.type_params[params.start + i];
    std::string q = "type parameter `" + std::string(Str(p.name)) + "` of " + std::string(what);
    bool dup = false;
    for (uint32_t j = 0; j < i && !dup; ++j) {
      const TypeParam& prev = ast.type_params[params.start + j];
      if (prev.name != p.name) continue;
      auto& d = Error(DiagKind::Redeclaration, TokRange(file, p.tok), q + " is declared twice");
      in_.diags->AddNote(d, TokRange(file, prev.tok), "first declared here");
      dup = true;
    }
    if (!dup && !p.used) Error(DiagKind::UnusedTypeParameter, TokRange(file, p.tok), q + " is never used");
  }
}

std::string Sema::InstanceName(uint32_t g, const std::vector<TypeId>& args) const {
  std::string s(Str(syms_[g].name));
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "[") + types_.Print(args[i], *names_);
  return s + "]";
}

bool Sema::CheckTypeArgCount(uint32_t g, size_t given, SourceRange where) {
  const Symbol& gs = syms_[g];
  ListRef params = TypeParamsOf(gs);
  if (given == params.count) return true;
  std::string name(Str(gs.name));
  std::string msg;
  if (given == 0) {
    std::string list;
    for (uint32_t i = 0; i < params.count; ++i)
      list += (i ? ", " : "") + std::string(Str(AstOf(gs.file).type_params[params.start + i].name));
    msg = "generic " + std::string(GenericKindWord(gs.kind)) + " `" + name + "` needs its type arguments: `" +
          name + "[" + list + "]`";
  } else {
    msg = "`" + name + "` takes " + std::to_string(params.count) + " type argument" + (params.count == 1 ? "" : "s") +
          ", but " + std::to_string(given) + (given == 1 ? " was" : " were") + " given";
  }
  auto& d = Error(DiagKind::TypeArgumentCount, where, msg);
  in_.diags->AddNote(d, TokRange(gs.file, gs.tok), "declared here");
  return false;
}

uint32_t Sema::NewInstanceFile(uint32_t g, const std::vector<TypeId>& args, uint32_t from_file, SourceRange site) {
  const Symbol& gs = syms_[g];
  FileInfo info;
  info.ast = files_[gs.file].ast;
  info.origin = files_[gs.file].origin;
  ListRef params = TypeParamsOf(gs);
  for (uint32_t i = 0; i < params.count; ++i) info.type_args.push_back({info.ast->type_params[params.start + i].name, args[i]});
  info.depth = (from_file == kCFile ? 0 : files_[from_file].depth) + 1;
  info.instance = InstanceName(g, args);
  info.requested = site;
  info.parent = from_file;
  size_t n = info.ast->nodes.size();
  info.types.assign(n, kErrorType);
  info.refs.assign(n, 0);
  info.consts.assign(n, 0);
  files_.push_back(std::move(info));
  return uint32_t(files_.size() - 1);
}

// The instance of generic `g` for `args` (as many as it has parameters): a function symbol
// index, or a struct's or alias's TypeId (kErrorType when it failed); UINT32_MAX when nesting
// exceeds the limit. Made once per program and cached.
uint32_t Sema::Instantiate(uint32_t g, const std::vector<TypeId>& args, uint32_t from_file, SourceRange site) {
  auto key = std::make_pair(g, args);
  if (auto it = instances_.find(key); it != instances_.end()) return it->second;
  uint32_t depth = (from_file == kCFile ? 0 : files_[from_file].depth) + 1;
  if (depth > kMaxInstanceDepth) {
    std::string name(Str(syms_[g].name));
    auto& d = Error(DiagKind::InstantiationTooDeep, site,
                    "instances of `" + name + "` nest more than " + std::to_string(kMaxInstanceDepth) +
                        " deep; does it instantiate itself with ever larger types?");
    uint32_t outer = from_file;
    while (files_[outer].parent != UINT32_MAX && !files_[files_[outer].parent].instance.empty()) outer = files_[outer].parent;
    in_.diags->AddNote(d, files_[outer].requested, "the outermost instance, `" + files_[outer].instance + "`, is requested here");
    return UINT32_MAX;
  }
  uint32_t file = NewInstanceFile(g, args, from_file, site);
  const Symbol& gs = syms_[g];
  switch (gs.kind) {
    case SymKind::Func: {
      Symbol inst = gs;
      inst.generic = false;
      inst.file = file;
      inst.is_public = false;  // instances are never exported symbols
      inst.type = kErrorType;
      uint32_t index = uint32_t(syms_.size());
      inst.ir = DeclareFunction(inst, index);
      syms_.push_back(std::move(inst));
      instances_[key] = index;
      EnsureSignature(index);  // its body is checked by the driver, after the declarations before it
      return index;
    }
    case SymKind::Struct: {
      TypeId t = types_.NewStruct(gs.name, file, gs.decl);
      StructInfo& info = types_.Struct(t);
      info.packed = gs.packed;
      info.generic = g;
      info.type_args = args;
      instances_[key] = t;
      return t;
    }
    default: {  // Alias
      instances_[key] = kErrorType;  // while it resolves: an alias of itself is an error
      InstanceScope scope(*this, file);
      TypeId t = ResolveType(nullptr, file, AstOf(file)[gs.decl].b);
      instances_[key] = t;
      return t;
    }
  }
}

bool Sema::ResolveTypeArgs(FnCtx* fc, uint32_t file, uint32_t start, uint32_t count, std::vector<TypeId>* out) {
  bool ok = true;
  for (uint32_t i = 0; i < count; ++i) {
    TypeId t = ResolveType(fc, file, AstOf(file).ListAt(start, i));
    ok &= t != kErrorType;
    out->push_back(t);
  }
  return ok;
}

// `Box[s32]` in a type position.
TypeId Sema::ResolveTypeInst(FnCtx* fc, uint32_t file, NodeId n) {
  const Node& node = AstOf(file)[n];
  std::string q = "`" + std::string(Str(node.a)) + "`";
  SourceRange use = NodeRange(file, n);
  uint32_t s = LookupGlobal(file, node.a, &use);
  if (s == UINT32_MAX) {
    if (ReportUnresolved(file, node.a, use)) return kErrorType;
    Error(DiagKind::UndefinedName, use, "unknown type " + q);
    return kErrorType;
  }
  const Symbol& sym = syms_[s];
  if (!sym.generic || (sym.kind != SymKind::Struct && sym.kind != SymKind::Alias)) {
    bool is_type = sym.kind == SymKind::Struct || sym.kind == SymKind::Alias || sym.kind == SymKind::Enum;
    auto& d = Error(is_type ? DiagKind::TypeArgumentCount : DiagKind::NotAType, NodeRange(file, n),
                    is_type ? q + " is not generic; it takes no type arguments" : q + " is not a type");
    in_.diags->AddNote(d, TokRange(sym.file, sym.tok), "declared here");
    return kErrorType;
  }
  std::vector<TypeId> args;
  if (!ResolveTypeArgs(fc, file, node.b, node.c, &args)) return kErrorType;
  if (!CheckTypeArgCount(s, args.size(), NodeRange(file, n))) return kErrorType;
  uint32_t t = Instantiate(s, args, file, NodeRange(file, n));
  return t == UINT32_MAX ? kErrorType : t;
}

// Matches the parameter type `pattern` (a type node of the generic's file) against the type of
// an argument, binding the type parameters it mentions (12: through ptr, arrays, struct
// instances and Fn). Literals only note that a parameter may take the literal default. Two
// typed arguments binding one parameter differently are an error; explicit arguments
// (bound_by == kNoNode) are never rebound: the argument's conversion decides.
bool Sema::Unify(uint32_t gfile, ListRef params, NodeId pattern, TypeId actual, std::vector<TypeId>& bound,
                 std::vector<uint8_t>& literal, std::vector<NodeId>& bound_by, NodeId arg, uint32_t arg_file) {
  if (pattern == kNoNode || actual == kErrorType) return true;
  const Ast& ast = AstOf(gfile);
  const Node& p = ast[pattern];
  auto recurse = [&](NodeId sub, TypeId t) { return Unify(gfile, params, sub, t, bound, literal, bound_by, arg, arg_file); };
  TypeId u = types_.Unqual(actual);
  TypeKind k = types_.Kind(u);
  switch (p.kind) {
    case NodeKind::TypeName:
      for (uint32_t i = 0; i < params.count; ++i) {
        if (ast.type_params[params.start + i].name != p.a) continue;
        if (actual == kIntLit || actual == kFloatLit) {
          literal[i] |= actual == kFloatLit ? 2 : 1;
          return true;
        }
        if (actual == kNull) return true;
        if (bound[i] == kErrorType) {
          bound[i] = actual;
          bound_by[i] = arg;
          return true;
        }
        if (bound[i] == actual || bound_by[i] == kNoNode) return true;
        auto& d = Error(DiagKind::TypeInference, ExprRange(arg_file, arg),
                        "conflicting types for type parameter `" + std::string(Str(p.a)) + "`: " + TypeStr(actual) +
                            " here, " + TypeStr(bound[i]) + " before");
        in_.diags->AddNote(d, ExprRange(arg_file, bound_by[i]), "`" + std::string(Str(p.a)) + "` is " + TypeStr(bound[i]) + " from here");
        return false;
      }
      return true;
    case NodeKind::TypePtr: return k == TypeKind::PtrTo ? recurse(p.a, types_[u].elem) : true;
    case NodeKind::TypeArray:
      if ((p.b && k == TypeKind::FixedArray) || (!p.b && k == TypeKind::Slice)) return recurse(p.a, types_[u].elem);
      return true;
    case NodeKind::TypeConst: return recurse(p.a, u);
    case NodeKind::TypeInst: {
      if (k != TypeKind::Struct) return true;
      const StructInfo& s = types_.Struct(u);
      if (s.generic == UINT32_MAX || syms_[s.generic].name != p.a) return true;
      std::vector<TypeId> args = s.type_args;
      bool ok = true;
      for (uint32_t i = 0; i < p.c && i < args.size(); ++i) ok &= recurse(ast.ListAt(p.b, i), args[i]);
      return ok;
    }
    case NodeKind::TypeFn: {
      if (k != TypeKind::Fn || types_[u].count != p.b) return true;
      std::vector<TypeId> fn_params = types_.FnParams(u);
      TypeId ret = types_[u].elem;
      bool ok = true;
      for (uint32_t i = 0; i < p.b; ++i) ok &= recurse(ast.ListAt(p.a, i), fn_params[i]);
      return ok && (p.c ? recurse(p.c, ret) : true);
    }
    default: return true;
  }
}

// Parameters bound by literals only take the literal default (6.1); one bound by nothing is an error.
bool Sema::FinishInference(uint32_t g, std::vector<TypeId>& bound, const std::vector<uint8_t>& literal,
                           SourceRange where) {
  const Symbol& gs = syms_[g];
  ListRef params = TypeParamsOf(gs);
  bool ok = true;
  for (uint32_t i = 0; i < params.count; ++i) {
    if (bound[i] != kErrorType) continue;
    if (literal[i]) {
      bound[i] = literal[i] & 2 ? kF64 : kS32;
      continue;
    }
    std::string name(Str(gs.name)), param(Str(AstOf(gs.file).type_params[params.start + i].name));
    auto& d = Error(DiagKind::TypeInference, where,
                    "cannot infer type parameter `" + param + "` of `" + name + "`; give it explicitly: `" + name + "[...]`");
    in_.diags->AddNote(d, TokRange(gs.file, gs.tok), "declared here");
    ok = false;
  }
  return ok;
}

// A call of generic function `g`, with the type arguments of `explicit_args` (a GenericName
// callee, or kNoNode) and the rest inferred from the arguments; then an ordinary direct call of
// the instance.
TypeId Sema::CheckGenericCall(FnCtx& fc, NodeId n, uint32_t g, NodeId explicit_args) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  uint32_t gfile = syms_[g].file;
  const FnDecl& d = AstOf(gfile).fns[syms_[g].decl];
  ListRef params = d.type_params;
  std::vector<TypeId> bound(params.count, kErrorType);
  std::vector<uint8_t> literal(params.count, 0);
  std::vector<NodeId> bound_by(params.count, kNoNode);
  auto check_args_alone = [&] {
    for (uint32_t i = 0; i < node.c; ++i) CheckExpr(fc, ArgValue(ast, ast.ListAt(node.b, i)));
    fc.broken = true;
    return kErrorType;
  };
  uint32_t given = 0;
  if (explicit_args) {
    const Node& e = ast[explicit_args];
    std::vector<TypeId> args;
    if (!ResolveTypeArgs(&fc, fc.file, e.b, e.c, &args)) return check_args_alone();
    if (e.c > params.count) {
      CheckTypeArgCount(g, e.c, NodeRange(fc.file, explicit_args));
      return check_args_alone();
    }
    for (uint32_t i = 0; i < e.c; ++i) bound[i] = args[i];
    given = e.c;
  }
  bool infer = given < params.count;
  std::string name(Str(syms_[g].name));
  for (uint32_t i = 0; infer && i < node.c; ++i)
    if (IsNamedArg(ast, ast.ListAt(node.b, i))) {
      Error(DiagKind::NotSupported, NodeRange(fc.file, ast[ast.ListAt(node.b, i)].a),
            "named arguments to a generic function whose type arguments are inferred are not supported yet; "
            "give the type arguments: `" + name + "[...]`");
      return check_args_alone();
    }
  if (infer) {
    if (node.c != d.params.count) {
      Error(DiagKind::ArgumentCount, NodeRange(fc.file, n),
            "`" + name + "` takes " + std::to_string(d.params.count) + " argument" + (d.params.count == 1 ? "" : "s") +
                ", but " + std::to_string(node.c) + (node.c == 1 ? " was" : " were") + " given");
      return check_args_alone();
    }
    bool ok = true;
    for (uint32_t i = 0; i < node.c; ++i) {
      NodeId arg = ast.ListAt(node.b, i);
      TypeId t = CheckExpr(fc, arg);
      ok &= t != kErrorType;
      if (ok) ok &= Unify(gfile, params, AstOf(gfile).params[d.params.start + i].type, t, bound, literal, bound_by, arg, fc.file);
    }
    if (!ok || !FinishInference(g, bound, literal, ExprRange(fc.file, n))) {
      fc.broken = true;
      return kErrorType;
    }
  }
  uint32_t inst = Instantiate(g, bound, fc.file, ExprRange(fc.file, n));
  if (inst == UINT32_MAX || syms_[inst].type == kErrorType) {
    if (!infer) return check_args_alone();  // inferring checked the arguments already
    fc.broken = true;
    return kErrorType;
  }
  FileInfo& info = Info(fc.file);
  info.refs[node.a] = inst + 1;
  info.refs[n] = inst + 1;
  TypeId fn_type = syms_[inst].type;
  info.types[node.a] = fn_type;
  if (syms_[inst].broken) fc.broken = true;
  if (!infer) return CheckArgs(fc, n, fn_type, false, name, &syms_[inst]);
  auto types = types_.FnParams(fn_type);
  std::vector<TypeId> param_types(types.begin(), types.end());
  for (uint32_t i = 0; i < node.c; ++i) Coerce(fc, ast.ListAt(node.b, i), param_types[i]);
  return types_[fn_type].elem;
}

// `f[s32]` as a value (a function's address): every type argument is given.
TypeId Sema::CheckGenericName(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  std::string q = "`" + std::string(Str(node.a)) + "`";
  SourceRange use = NodeRange(fc.file, n);
  uint32_t g = LookupGlobal(fc.file, node.a, &use);
  if (g == UINT32_MAX && ReportUnresolved(fc.file, node.a, use)) return kErrorType;
  if (g == UINT32_MAX || syms_[g].kind != SymKind::Func || !syms_[g].generic) {
    auto& d = Error(g == UINT32_MAX ? DiagKind::UndefinedName : DiagKind::TypeArgumentCount, NodeRange(fc.file, n),
                    g == UINT32_MAX ? "unknown name " + q : q + " is not a generic function; it takes no type arguments");
    if (g != UINT32_MAX) in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), "declared here");
    return kErrorType;
  }
  std::vector<TypeId> args;
  if (!ResolveTypeArgs(&fc, fc.file, node.b, node.c, &args)) return kErrorType;
  if (!CheckTypeArgCount(g, args.size(), NodeRange(fc.file, n))) return kErrorType;
  uint32_t inst = Instantiate(g, args, fc.file, NodeRange(fc.file, n));
  if (inst == UINT32_MAX) return kErrorType;
  Info(fc.file).refs[n] = inst + 1;
  return syms_[inst].type;
}

// `new Box { value: x }` (node lit) for generic struct `g`: the instance the expected type
// names, or the one the field values give (12); in that case the values are checked here, without
// a target, and *prechecked says so.
TypeId Sema::InferStructInstance(FnCtx& fc, NodeId lit, uint32_t g, TypeId expected, bool* prechecked) {
  TypeId ue = types_.Unqual(expected);
  if (expected != kErrorType && types_.Kind(ue) == TypeKind::Struct && types_.Struct(ue).generic == g) return ue;
  *prechecked = true;
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[lit];
  uint32_t gfile = syms_[g].file;
  const Ast& gast = AstOf(gfile);
  const StructDecl& d = gast.structs[syms_[g].decl];
  ListRef params = d.type_params;
  std::vector<TypeId> bound(params.count, kErrorType);
  std::vector<uint8_t> literal(params.count, 0);
  std::vector<NodeId> bound_by(params.count, kNoNode);
  bool ok = true;
  for (uint32_t i = 0; i < node.c; ++i) {
    const Node& fi = ast[ast.ListAt(node.b, i)];
    TypeId t = CheckExpr(fc, fi.b);
    ok &= t != kErrorType;
    for (uint32_t f = 0; ok && f < d.fields.count; ++f) {
      const FieldDecl& field = gast.fields[d.fields.start + f];
      if (field.name == fi.a) ok &= Unify(gfile, params, field.type, t, bound, literal, bound_by, fi.b, fc.file);
    }
  }
  if (!ok || !FinishInference(g, bound, literal, NodeRange(fc.file, lit))) return kErrorType;
  uint32_t t = Instantiate(g, bound, fc.file, NodeRange(fc.file, lit));
  return t == UINT32_MAX ? kErrorType : t;
}

}  // namespace thrustc::frontend
