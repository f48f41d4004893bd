// Type expressions: resolving type nodes to TypeIds (primitives, aliases, structs, pointers,
// arrays with constant lengths, function types), struct layout with recursion detection, and
// the declared types of global symbols.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

TypeId Sema::ResolveTypeName(FnCtx* fc, uint32_t file, NodeId n) {
  NameId name = AstOf(file)[n].a;
  for (auto& [param, type] : files_[file].type_args)
    if (param == name) return type;
  if (name < prim_names_.size() && prim_names_[name]) {
    if (prim_names_[name] != UINT32_MAX) return prim_names_[name] - 1;
    Error(DiagKind::UnsupportedType, NodeRange(file, n), "type `" + std::string(Str(name)) + "` is not supported");
    return kErrorType;
  }
  if (uint32_t l = fc ? LookupLocal(*fc, name) : UINT32_MAX; l != UINT32_MAX) {
    const Symbol& local = fc->locals[l];
    if (local.kind == SymKind::Struct || local.kind == SymKind::Alias) return local.type;
    Error(DiagKind::NotAType, NodeRange(file, n), "`" + std::string(Str(name)) + "` is not a type");
    return kErrorType;
  }
  SourceRange use = NodeRange(file, n);
  uint32_t s = LookupGlobal(file, name, &use);
  if (s == UINT32_MAX && name == cstring_name_) return types_.Slice(kChar);  // predeclared (2)
  if (s == UINT32_MAX) {
    if (ReportUnresolved(file, name, use)) return kErrorType;
    if (ReportCSkipped(name, use)) return kErrorType;
    Error(DiagKind::UndefinedName, NodeRange(file, n), "unknown type `" + std::string(Str(name)) + "`");
    return kErrorType;
  }
  if (syms_[s].generic && (syms_[s].kind == SymKind::Struct || syms_[s].kind == SymKind::Alias)) {
    CheckTypeArgCount(s, 0, NodeRange(file, n));
    return kErrorType;
  }
  if (syms_[s].kind == SymKind::Struct) return syms_[s].type;
  if (syms_[s].kind == SymKind::Alias) return EnsureSymbolType(s);
  auto& d = Error(DiagKind::NotAType, NodeRange(file, n), "`" + std::string(Str(name)) + "` is not a type");
  in_.diags->AddNote(d, TokRange(syms_[s].file, syms_[s].tok), "declared here");
  return kErrorType;
}

static TypeId ResolveArrayLength(Sema& s, FnCtx* outer, uint32_t file, NodeId expr, TypeId elem) {
  FnCtx scratch;
  scratch.file = file;
  FnCtx& fc = outer ? *outer : scratch;
  uint32_t errors = s.in_.diags->ErrorCount();
  ++s.const_depth_;
  TypeId t = s.CheckExpr(fc, expr);
  --s.const_depth_;
  if (t == kIntLit) {
    s.Coerce(fc, expr, kUSize);
    t = kUSize;
  }
  if (t == kErrorType || s.in_.diags->ErrorCount() != errors) return kErrorType;
  if (!s.types_.IsInt(s.types_.Unqual(t))) {
    s.Error(DiagKind::TypeMismatch, s.NodeRange(file, expr),
            "an array length must be an integer, found " + s.TypeStr(t));
    return kErrorType;
  }
  std::optional<ConstVal> v;
  if (const ConstVal* c = s.NodeConst(file, expr)) v = *c;
  else v = s.EvalNode(fc, expr, t, s.ExprRange(file, expr), "an array length");
  if (!v) return kErrorType;
  if (v->i < 0) {
    s.Error(DiagKind::TypeMismatch, s.NodeRange(file, expr), "array length " + IntText(v->i) + " is negative");
    return kErrorType;
  }
  if (v->i > UINT32_MAX) {  // section 2: N fits in u32
    s.Error(DiagKind::TypeTooLarge, s.NodeRange(file, expr),
            "array length " + IntText(v->i) + " does not fit in `u32` (at most 4294967295 elements)");
    return kErrorType;
  }
  TypeId array = s.types_.FixedArray(elem, uint64_t(v->i));
  bool sized = s.types_.Kind(s.types_.Unqual(elem)) != TypeKind::Struct ||
               s.types_.Struct(s.types_.Unqual(elem)).state == LayoutState::Done;
  if (sized && !s.CheckObjectSize(array, s.NodeRange(file, expr))) return kErrorType;
  return array;
}

// `ptr[T, A]`, `array[T, A]` (15.3): address space 0 is the plain type; no other is supported.
bool Sema::CheckAddressSpace(FnCtx* outer, uint32_t file, NodeId expr) {
  if (expr == kNoNode) return true;
  FnCtx scratch;
  scratch.file = file;
  FnCtx& fc = outer ? *outer : scratch;
  ++const_depth_;
  TypeId t = CheckExpr(fc, expr);
  --const_depth_;
  if (t == kErrorType) return false;
  const ConstVal* c = NodeConst(file, expr);
  if (!c || !(t == kIntLit || types_.IsInt(types_.Unqual(t)))) {
    Error(DiagKind::NotConstant, NodeRange(file, expr), "an address space is an integer constant");
    return false;
  }
  if (c->i == 0) return true;
  Error(DiagKind::NotSupported, NodeRange(file, expr),
        "address space " + IntText(c->i) + " is not supported on target " + TargetTripleText());
  return false;
}

TypeId Sema::ResolveType(FnCtx* fc, uint32_t file, NodeId n) {
  if (n == kNoNode) return kErrorType;
  const Node& node = AstOf(file)[n];
  TypeId t = kErrorType;
  if ((node.kind == NodeKind::TypePtr && !CheckAddressSpace(fc, file, node.b)) ||
      (node.kind == NodeKind::TypeArray && !CheckAddressSpace(fc, file, node.c))) {
    files_[file].types[n] = kErrorType;
    return kErrorType;
  }
  switch (node.kind) {
    case NodeKind::TypeName: t = ResolveTypeName(fc, file, n); break;
    case NodeKind::TypeInst: t = ResolveTypeInst(fc, file, n); break;
    case NodeKind::TypePtr: {
      TypeId elem = ResolveType(fc, file, node.a);
      t = elem == kErrorType ? kErrorType : elem == kVoid ? kPtr : types_.PtrTo(elem);
      break;
    }
    case NodeKind::TypeArray: {
      TypeId elem = ResolveType(fc, file, node.a);
      if (elem == kErrorType) break;
      if (elem == kVoid) {
        Error(DiagKind::TypeMismatch, NodeRange(file, n), "array elements cannot have type `void`");
        break;
      }
      if (node.op) {  // NativeVector[T; N] (15.2)
        TypeId u = types_.Unqual(elem);
        if (!types_.IsNumeric(u) && u != kBool) {
          Error(DiagKind::TypeMismatch, NodeRange(file, node.a),
                "a `NativeVector` holds integers, floats or `bool`, not " + TypeStr(elem));
          break;
        }
        TypeId array = node.b ? ResolveArrayLength(*this, fc, file, node.b, u) : kErrorType;
        if (array == kErrorType) break;
        if (types_[array].count == 0) {
          Error(DiagKind::TypeMismatch, NodeRange(file, node.b), "a `NativeVector` has at least one element");
          break;
        }
        t = types_.Vector(u, types_[array].count);
        break;
      }
      if (!node.b) { t = types_.Slice(elem); break; }
      if (!EnsureStructLayout(elem, NodeRange(file, node.a))) break;
      t = ResolveArrayLength(*this, fc, file, node.b, elem);
      break;
    }
    case NodeKind::TypeConst: {
      TypeId inner = ResolveType(fc, file, node.a);
      t = inner == kErrorType ? kErrorType : types_.Const(inner);
      break;
    }
    case NodeKind::TypeFn: {
      std::vector<TypeId> params;
      bool ok = true;
      for (uint32_t i = 0; i < node.b; ++i) {
        TypeId p = ResolveType(fc, file, AstOf(file).ListAt(node.a, i));
        ok &= p != kErrorType;
        params.push_back(p);
      }
      TypeId ret = node.c ? ResolveType(fc, file, node.c) : kVoid;
      if (ok && ret != kErrorType) t = types_.Fn(params, ret);
      break;
    }
    case NodeKind::ErrorNode: break;
    default: Error(DiagKind::NotAType, NodeRange(file, n), "expected a type"); break;
  }
  files_[file].types[n] = t;
  return t;
}

bool Sema::EnsureStructLayout(TypeId t, SourceRange use, FnCtx* local_fc) {
  TypeKind k = types_.Kind(t);
  if (k == TypeKind::Const || k == TypeKind::FixedArray) return EnsureStructLayout(types_[t].elem, use);
  if (k != TypeKind::Struct) return true;
  StructInfo& info = types_.Struct(t);
  if (info.c_opaque) {
    ReportCOpaqueUse(info, use);
    return false;
  }
  if (info.state == LayoutState::Done) return true;
  std::string name(Str(info.name));
  if (info.state == LayoutState::InProgress) {
    auto& d = Error(DiagKind::RecursiveType, use, "struct `" + name + "` contains itself by value");
    in_.diags->AddNote(d, StructDeclRange(info),
                       "`" + name + "` declared here; use `ptr[" + name + "]` for a link");
    return false;
  }
  info.state = LayoutState::InProgress;
  uint32_t file = info.file;
  InstanceScope scope(*this, file);
  const Ast& ast = AstOf(file);
  const StructDecl d = ast.structs[info.decl];
  std::vector<FieldInfo> fields;
  bool ok = true;
  for (uint32_t i = 0; i < d.fields.count; ++i) {
    const FieldDecl& f = ast.fields[d.fields.start + i];
    for (auto& prev : fields)
      if (prev.name == f.name) {
        auto& diag = Error(DiagKind::Redeclaration, TokRange(file, f.tok),
                           "field `" + std::string(Str(f.name)) + "` is already declared");
        in_.diags->AddNote(diag, TokRange(file, prev.tok), "previous declaration here");
      }
    TypeId ft = ResolveType(local_fc, file, f.type);
    if (ft == kVoid) {
      Error(DiagKind::TypeMismatch, NodeRange(file, f.type), "a field cannot have type `void`");
      ft = kErrorType;
    }
    if (ft != kErrorType && !EnsureStructLayout(ft, TokRange(file, f.tok))) ft = kErrorType;
    ok &= ft != kErrorType;
    fields.push_back({f.name, f.tok, ft});
  }
  StructInfo& again = types_.Struct(t);  // the table may have grown
  again.fields = std::move(fields);
  types_.LayOut(again);
  return ok && CheckObjectSize(t, StructDeclRange(types_.Struct(t)));
}

// One object (a variable, a field, an element) is at most 4 GiB - 1 bytes: sizes and offsets are
// 32-bit in Thrust IR, as they are in every executor's frames (docs/language.md).
bool Sema::CheckObjectSize(TypeId t, SourceRange where) {
  uint64_t size = types_.SizeOf(t);
  if (size <= kMaxObjectBytes) return true;
  Error(DiagKind::TypeTooLarge, where,
        TypeStr(t) + " is " + std::to_string(size) + " bytes; one object may be at most " +
            std::to_string(kMaxObjectBytes) + " bytes");
  return false;
}

TypeId Sema::EnsureSymbolType(uint32_t s) {
  Symbol& sym = syms_[s];
  switch (sym.kind) {
    case SymKind::Struct:
      EnsureStructLayout(sym.type, TokRange(sym.file, sym.tok));
      return sym.type;
    case SymKind::Func: EnsureSignature(s); return syms_[s].type;
    case SymKind::Alias: {
      if (sym.state == EvalState::Done) return sym.type;
      if (sym.state == EvalState::InProgress) {
        Error(DiagKind::RecursiveType, TokRange(sym.file, sym.tok),
              "type alias `" + std::string(Str(sym.name)) + "` refers to itself");
        return kErrorType;
      }
      sym.state = EvalState::InProgress;
      TypeId t = ResolveType(nullptr, sym.file, AstOf(sym.file)[sym.decl].b);
      syms_[s].type = t;
      syms_[s].state = EvalState::Done;
      return t;
    }
    case SymKind::Const:
    case SymKind::Static: {
      if (sym.type != kErrorType || sym.broken) return sym.type;
      const VarDecl& v = AstOf(sym.file).vars[sym.decl];
      TypeId t = ResolveType(nullptr, sym.file, v.type);
      if (t != kErrorType && !EnsureStructLayout(t, NodeRange(sym.file, v.type))) t = kErrorType;
      if (t == kVoid) {
        Error(DiagKind::TypeMismatch, NodeRange(sym.file, v.type), "a variable cannot have type `void`");
        t = kErrorType;
      }
      if (t != kErrorType && !CheckAtomicType(syms_[s], t)) t = kErrorType;
      Symbol& again = syms_[s];
      again.type = t;
      if (t == kErrorType) again.broken = true;
      if (again.kind == SymKind::Static && t != kErrorType) again.ir = DeclareStatic(again);
      return t;
    }
    default: return sym.type;
  }
}

}  // namespace thrustc::frontend
