// Expressions (sections 5 and 6): literals and their context types, names, operators with the
// common-type rules, assignment to places, casts, and the implicit conversions of section 6.
// Each checked node gets its type (and, when constant, its value) in the file's side tables.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

namespace {
bool IsCompareOp(TokenKind k) {
  return k == TokenKind::EqEq || k == TokenKind::NotEq || k == TokenKind::Less || k == TokenKind::LessEq ||
         k == TokenKind::Greater || k == TokenKind::GreaterEq;
}
bool IsUntyped(TypeId t) { return t == kIntLit || t == kFloatLit; }
}  // namespace

std::string IntText(__int128 v) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? (unsigned __int128)(-v) : (unsigned __int128)v;
  std::string s;
  do {
    s.insert(s.begin(), char('0' + int(u % 10)));
    u /= 10;
  } while (u);
  return neg ? "-" + s : s;
}

TypeId Sema::CheckExpr(FnCtx& fc, NodeId n, TypeId expected) {
  TypeId t = CheckExprInner(fc, n, expected);
  Info(fc.file).types[n] = t;
  if (t == kErrorType) fc.broken = true;
  return t;
}

TypeId Sema::CheckValue(FnCtx& fc, NodeId n, TypeId target) {
  TypeId t = CheckExpr(fc, n, target);
  if (t == kErrorType) return kErrorType;
  return Coerce(fc, n, target) ? target : kErrorType;
}

TypeId Sema::DefaultLiteralType(FnCtx& fc, NodeId n) {
  TypeId t = Info(fc.file).types[n];
  if (t == kFloatLit) {
    Coerce(fc, n, kF64);
    return kF64;
  }
  if (t != kIntLit) return t;
  const ConstVal* c = NodeConst(fc.file, n);
  TypeId d = !c || IntFits(types_, kS32, c->i) ? kS32 : IntFits(types_, kS64, c->i) ? kS64 : kU64;
  Coerce(fc, n, d);
  return d;
}

void Sema::ReplaceLiteralConst(uint32_t file, NodeId n, const ConstVal& v) {
  switch (AstOf(file)[n].kind) {
    case NodeKind::IntLit: case NodeKind::FloatLit: case NodeKind::CharLit: case NodeKind::BoolLit:
    case NodeKind::NullLit:
      consts_[files_[file].consts[n] - 1] = v;
      return;
    default: SetNodeConst(file, n, v);  // may share its entry with a named constant
  }
}

// 6.1: literals, enum members, constants from C macros and integer-valued builtins, combined by
// arithmetic, bitwise operators and `as`. Named Thrust constants keep their declared type.
bool Sema::IsIntConstExpr(FnCtx& fc, NodeId n, uint32_t depth) {
  if (depth > 64) return false;
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(fc.file);
  switch (node.kind) {
    case NodeKind::IntLit: case NodeKind::EnumAccess: return true;
    case NodeKind::Name: {
      uint32_t ref = info.refs[n];
      return ref && !(ref & kLocalRef) && syms_[ref - 1].file == kCFile && syms_[ref - 1].kind == SymKind::Const;
    }
    case NodeKind::Call: {
      uint32_t ref = info.refs[n];
      if (!(ref & kBuiltinRef)) return false;
      BuiltinFamily f = kBuiltinInfo[ref & ~kBuiltinRef].family;
      return (f == BuiltinFamily::Type || f == BuiltinFamily::TypeQuery || f == BuiltinFamily::Fact) &&
             types_.IsInt(types_.Unqual(info.types[n]));
    }
    case NodeKind::Unary:
      return (TokenKind(node.op) == TokenKind::Minus || TokenKind(node.op) == TokenKind::Tilde) &&
             IsIntConstExpr(fc, node.a, depth + 1);
    case NodeKind::Cast: return IsIntConstExpr(fc, node.a, depth + 1);
    case NodeKind::Binary: {
      switch (TokenKind(node.op)) {
        case TokenKind::Plus: case TokenKind::Minus: case TokenKind::Star: case TokenKind::Slash:
        case TokenKind::Percent: case TokenKind::Amp: case TokenKind::Pipe: case TokenKind::Caret:
        case TokenKind::Shl: case TokenKind::Shr:
          return IsIntConstExpr(fc, node.a, depth + 1) && IsIntConstExpr(fc, node.b, depth + 1);
        default: return false;
      }
    }
    default: return false;
  }
}

bool Sema::Coerce(FnCtx& fc, NodeId n, TypeId target) {
  FileInfo& info = Info(fc.file);
  TypeId from = info.types[n];
  if (from == kErrorType || target == kErrorType) return true;
  TypeId u = types_.Unqual(target);
  const Ast& ast = AstOf(fc.file);
  if (IsUntyped(from) && info.consts[n]) {
    ConstVal v = consts_[info.consts[n] - 1];
    if (from == kIntLit && types_.IsInt(u)) {
      if (!IntFits(types_, u, v.i)) {
        Error(DiagKind::LiteralOutOfRange, ExprRange(fc.file, n), IntText(v.i) + " does not fit in " + TypeStr(target));
        fc.broken = true;
        return false;
      }
      v.type = target;
      ReplaceLiteralConst(fc.file, n, v);
      info.types[n] = target;
      return true;
    }
    if (types_.IsFloat(u)) {
      if (from == kIntLit) v.f = double(v.i);
      v.type = target;
      ReplaceLiteralConst(fc.file, n, Normalize(v));
      info.types[n] = target;
      return true;
    }
  }
  if (ast[n].kind == NodeKind::StringLit && from == types_.Const(types_.Slice(kChar))) {
    const std::string& s = ast.strings[ast[n].a];
    if (types_.IsStringLike(u) || u == kPtr) {
      ConstVal v = consts_[info.consts[n] - 1];
      v.type = target;
      SetNodeConst(fc.file, n, v);
      info.types[n] = target;
      return true;
    }
    if (types_.Kind(u) == TypeKind::FixedArray && types_.Unqual(types_[u].elem) == kChar) {
      if (types_[u].count < s.size() + 1) {
        Error(DiagKind::TypeMismatch, NodeRange(fc.file, n),
              "a string of " + std::to_string(s.size() + 1) + " bytes does not fit in " + TypeStr(target));
        fc.broken = true;
        return false;
      }
      std::vector<uint8_t> bytes(types_[u].count, 0);
      std::copy(s.begin(), s.end(), bytes.begin());
      SetNodeConst(fc.file, n, ConstVal{target, 0, 0, BytesGlobal(bytes, 1, ".const.")});
      info.types[n] = target;
      return true;
    }
  }
  if (IsUntyped(from) && !info.consts[n] && (types_.IsNumeric(u))) {
    info.types[n] = from == kIntLit ? kS32 : kF64;  // an unfoldable literal expression (e.g. 1 / 0)
    from = info.types[n];
  }
  if (ConvertsImplicitly(types_, from, target)) return true;
  if (types_.IsInt(types_.Unqual(from)) && types_.IsInt(u) && info.consts[n] && IsIntConstExpr(fc, n, 0)) {
    ConstVal v = consts_[info.consts[n] - 1];
    if (IntFits(types_, u, v.i)) {  // an integer constant expression that fits (6.1)
      v.type = target;
      SetNodeConst(fc.file, n, v);
      info.types[n] = target;
      return true;
    }
    Error(DiagKind::LiteralOutOfRange, ExprRange(fc.file, n), IntText(v.i) + " does not fit in " + TypeStr(target));
    fc.broken = true;
    return false;
  }
  Error(DiagKind::TypeMismatch, ExprRange(fc.file, n), "expected " + TypeStr(target) + ", found " + TypeStr(from));
  fc.broken = true;
  return false;
}

TypeId Sema::CheckExprInner(FnCtx& fc, NodeId n, TypeId expected) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  switch (node.kind) {
    case NodeKind::IntLit: SetNodeConst(fc.file, n, ConstVal{kIntLit, __int128(ast.ints[node.a])}); return kIntLit;
    case NodeKind::FloatLit: SetNodeConst(fc.file, n, ConstVal{kFloatLit, 0, ast.floats[node.a]}); return kFloatLit;
    case NodeKind::CharLit: SetNodeConst(fc.file, n, ConstVal{kChar, __int128(node.a)}); return kChar;
    case NodeKind::BoolLit: SetNodeConst(fc.file, n, ConstVal{kBool, __int128(node.a != 0)}); return kBool;
    case NodeKind::NullLit: SetNodeConst(fc.file, n, ConstVal{kNull, 0}); return kNull;
    case NodeKind::StringLit: {
      TypeId t = types_.Const(types_.Slice(kChar));
      SetNodeConst(fc.file, n, ConstVal{t, 0, 0, StringGlobal(ast.strings[node.a])});
      return t;
    }
    case NodeKind::Name: return CheckName(fc, n);
    case NodeKind::Binary: return CheckBinaryChain(fc, n);
    case NodeKind::Assign: {  // only a statement may assign: the value would be none (5.3)
      auto& d = Error(DiagKind::AssignmentValue, NodeRange(fc.file, n), "an assignment yields no value");
      in_.diags->AddNote(d, ExprRange(fc.file, node.a), "assign in a statement of its own, then use the variable");
      CheckAssign(fc, n);
      return kErrorType;
    }
    case NodeKind::Unary: return CheckUnary(fc, n, expected);
    case NodeKind::Postfix: return CheckIncDec(fc, node.a);
    case NodeKind::Ref: return CheckRef(fc, n);
    case NodeKind::Deref: return CheckDeref(fc, n);
    case NodeKind::Cast: return CheckCast(fc, n);
    case NodeKind::Call: return CheckCall(fc, n);
    case NodeKind::Index: return CheckIndex(fc, n);
    case NodeKind::Field: return CheckField(fc, n);
    case NodeKind::EnumAccess: return CheckEnumAccess(fc, n);
    case NodeKind::StructLit: return CheckStructLit(fc, n, expected);
    case NodeKind::GenericName: return CheckGenericName(fc, n);
    case NodeKind::FixedArrayLit:
      return node.op ? CheckVectorLit(fc, n, expected) : CheckArrayLit(fc, n, expected, true);
    case NodeKind::ArrayLit: return CheckArrayLit(fc, n, expected, false);
    case NodeKind::ErrorNode: return kErrorType;
    case NodeKind::TypeName: case NodeKind::TypePtr: case NodeKind::TypeArray: case NodeKind::TypeConst:
    case NodeKind::TypeFn: case NodeKind::TypeInst:
      Error(DiagKind::NotAValue, NodeRange(fc.file, n), "expected a value, found a type");
      return kErrorType;
    default:
      Error(DiagKind::NotAValue, NodeRange(fc.file, n), "expected an expression");
      return kErrorType;
  }
}

TypeId Sema::CheckName(FnCtx& fc, NodeId n) {
  FileInfo& info = Info(fc.file);
  NameId name = AstOf(fc.file)[n].a;
  SourceRange r = NodeRange(fc.file, n);
  auto quoted = [&] { return "`" + std::string(Str(name)) + "`"; };
  uint32_t l = LookupLocal(fc, name);
  if (l != UINT32_MAX) {
    const Symbol& s = fc.locals[l];
    info.refs[n] = kLocalRef | l;
    if (s.kind == SymKind::Struct || s.kind == SymKind::Alias || s.kind == SymKind::Enum) {
      auto& d = Error(DiagKind::NotAValue, r, quoted() + " is a type, not a value");
      in_.diags->AddNote(d, TokRange(fc.file, s.tok), "declared here");
      return kErrorType;
    }
    if (const_depth_ > 0 && (s.kind == SymKind::Var || s.kind == SymKind::Param)) {
      auto& d = Error(DiagKind::NotConstant, r, quoted() + " is a run-time variable; it cannot be used in a compile-time expression");
      in_.diags->AddNote(d, TokRange(fc.file, s.tok), "declared here");
      return kErrorType;
    }
    if (s.kind == SymKind::Const) {
      if (s.value == UINT32_MAX) {  // its failure was reported at its declaration
        fc.broken = true;
        return kErrorType;
      }
      info.consts[n] = s.value + 1;
    }
    return s.type;
  }
  uint32_t g = LookupGlobal(fc.file, name, &r);
  if (g == UINT32_MAX) {
    if (builtin_names_.count(name)) {
      Error(DiagKind::NotAValue, r, "builtin " + quoted() + " can only be called");
      return kErrorType;
    }
    if (ReportUnresolved(fc.file, name, r)) return kErrorType;
    if (ReportCSkipped(name, r)) return kErrorType;
    Error(DiagKind::UndefinedName, r, "unknown name " + quoted());
    return kErrorType;
  }
  info.refs[n] = g + 1;
  switch (syms_[g].kind) {
    case SymKind::Const:
      if (!EnsureConst(g, r)) {  // its failure was reported at its declaration
        fc.broken = true;
        return kErrorType;
      }
      info.consts[n] = syms_[g].value + 1;
      return syms_[g].type;
    case SymKind::Static: return EnsureSymbolType(g);
    case SymKind::Func: {
      if (syms_[g].generic) {
        auto& d = Error(DiagKind::TypeArgumentCount, r, "generic function " + quoted() + " needs its type arguments here: " +
                                                            "`" + std::string(Str(name)) + "[...]`");
        in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), "declared here");
        return kErrorType;
      }
      EnsureSignature(g);
      if (IsThrustVariadic(syms_[g])) {
        auto& d = Error(DiagKind::NotSupported, r, "variadic function " + quoted() + " cannot be used as a value yet; call it");
        in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), "declared here");
        return kErrorType;
      }
      if (syms_[g].compiletime && const_depth_ == 0 && !fc.compiletime) {
        auto& d = Error(DiagKind::CompileTimeOnly, r,
                        quoted() + " is a `@compiletime` function; its address cannot be taken in run-time code");
        in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), "declared here");
        return kErrorType;
      }
      return syms_[g].type;
    }
    default: {
      auto& d = Error(DiagKind::NotAValue, r, quoted() + " is a type, not a value");
      in_.diags->AddNote(d, TokRange(syms_[g].file, syms_[g].tok), "declared here");
      return kErrorType;
    }
  }
}

// The type both operands of a binary operator are converted to (after literal coercion).
static TypeId OperandType(const TypeTable& types, TypeId a, TypeId b) {
  a = types.Unqual(a), b = types.Unqual(b);
  if (types.IsInt(a) && types.IsInt(b)) return CommonIntType(types, a, b);
  if (types.IsFloat(a) && types.IsFloat(b)) return a == b ? a : kF64;
  return a;
}

// Indexing and field access yield addresses (section 5.3), which surprises C programmers: when
// such an operand reaches arithmetic, say how to read the value.
void Sema::NoteAddressYielding(Diagnostic& d, FnCtx& fc, NodeId operand) {
  NodeKind k = AstOf(fc.file)[operand].kind;
  if (k != NodeKind::Field && k != NodeKind::Index) return;
  if (k == NodeKind::Field && (Info(fc.file).refs[operand] & kFieldByValue)) return;
  in_.diags->AddNote(d, NodeRange(fc.file, operand),
                     std::string(k == NodeKind::Field ? "field access" : "indexing") +
                         " yields the address of the element; read its value with `deref`");
}

// A chain of left-associative operators (`a + b - c ...`, as generated code writes by the
// hundred thousand) is a left spine of Binary nodes: it is checked bottom-up in a loop, so its
// length costs no native stack. Only the right operands (real nesting) recurse.
TypeId Sema::CheckBinaryChain(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  std::vector<NodeId> spine{n};
  for (NodeId m = ast[n].a; ast[m].kind == NodeKind::Binary; m = ast[m].a) spine.push_back(m);
  TypeId t = CheckBinary(fc, spine.back(), nullptr);
  for (size_t i = spine.size() - 1; i-- > 0;) {
    Info(fc.file).types[spine[i + 1]] = t;
    if (t == kErrorType) fc.broken = true;
    t = CheckBinary(fc, spine[i], &t);
  }
  return t;
}

// `checked_lhs`: the left operand's type when the chain loop has checked it already.
TypeId Sema::CheckBinary(FnCtx& fc, NodeId n, const TypeId* checked_lhs) {
  const Node& node = AstOf(fc.file)[n];
  auto op = TokenKind(node.op);
  auto lhs_value = [&](TypeId target) {
    if (!checked_lhs) return CheckValue(fc, node.a, target);
    if (*checked_lhs == kErrorType) return kErrorType;
    return Coerce(fc, node.a, target) ? target : kErrorType;
  };
  if (op == TokenKind::AmpAmp || op == TokenKind::PipePipe) {
    TypeId a = lhs_value(kBool), b = CheckValue(fc, node.b, kBool);
    if (a == kErrorType || b == kErrorType) return kErrorType;
    const ConstVal *ca = NodeConst(fc.file, node.a), *cb = NodeConst(fc.file, node.b);
    if (ca && cb)
      if (auto v = FoldBinary(node.op, *ca, *cb, kBool, kBool)) SetNodeConst(fc.file, n, *v);
    return kBool;
  }
  TypeId ta = checked_lhs ? *checked_lhs : CheckExpr(fc, node.a), tb = CheckExpr(fc, node.b);
  if (ta == kErrorType || tb == kErrorType) return kErrorType;
  bool cmp = IsCompareOp(op);
  if (IsUntyped(ta) && IsUntyped(tb)) {
    TypeId operand = ta == kFloatLit || tb == kFloatLit ? kFloatLit : kIntLit;
    bool int_only = op == TokenKind::Amp || op == TokenKind::Pipe || op == TokenKind::Caret ||
                    op == TokenKind::Shl || op == TokenKind::Shr;
    if (!(operand == kFloatLit && int_only)) {
      if (auto v = FoldBinary(node.op, *NodeConst(fc.file, node.a), *NodeConst(fc.file, node.b), operand,
                              cmp ? kBool : operand)) {
        SetNodeConst(fc.file, n, *v);
        return v->type;
      }
    }
    ta = DefaultLiteralType(fc, node.a);
    tb = DefaultLiteralType(fc, node.b);
  }
  TypeId ua = types_.Unqual(ta), ub = types_.Unqual(tb);
  auto settle = [&](NodeId lit, TypeId& t, TypeId other) {
    if (!IsUntyped(t)) return;
    if (types_.IsNumeric(other)) t = Coerce(fc, lit, other) ? other : kErrorType;
    else if (types_.IsPointerLike(other) && t == kIntLit) t = Coerce(fc, lit, kS64) ? kS64 : kErrorType;
    else t = DefaultLiteralType(fc, lit);
  };
  settle(node.a, ua, ub);
  settle(node.b, ub, ua);
  if (ua == kErrorType || ub == kErrorType) return kErrorType;
  ta = Info(fc.file).types[node.a], tb = Info(fc.file).types[node.b];
  ua = types_.Unqual(ta), ub = types_.Unqual(tb);
  auto bad = [&]() {
    Diagnostic& d = Error(DiagKind::InvalidOperands, NodeRange(fc.file, n),
                          "cannot apply `" + std::string(TokenKindName(op)) + "` to " + TypeStr(ta) + " and " +
                              TypeStr(tb));
    NoteAddressYielding(d, fc, node.a);
    NoteAddressYielding(d, fc, node.b);
    return kErrorType;
  };
  bool ints = types_.IsInt(ua) && types_.IsInt(ub);
  bool floats = types_.IsFloat(ua) && types_.IsFloat(ub);
  bool ptr_a = types_.IsPointerLike(ua), ptr_b = types_.IsPointerLike(ub);
  TypeId result;
  if (cmp) {
    bool ok = ints || floats || (ptr_a && ptr_b) ||
              (ua == kBool && ub == kBool && (op == TokenKind::EqEq || op == TokenKind::NotEq));
    if (!ok) return bad();
    result = kBool;
  } else if ((op == TokenKind::Plus || op == TokenKind::Minus) && ptr_a && types_.IsInt(ub)) {
    if (ua == kNull || types_.Kind(ua) == TypeKind::Fn) return bad();
    result = ta;
  } else if (op == TokenKind::Plus && types_.IsInt(ua) && ptr_b) {
    if (ub == kNull || types_.Kind(ub) == TypeKind::Fn) return bad();
    result = tb;
  } else if (op == TokenKind::Minus && ptr_a && ptr_b) {
    TypeKind ka = types_.Kind(ua), kb = types_.Kind(ub);
    bool typed = (ka == TypeKind::PtrTo || ka == TypeKind::Slice) && (kb == TypeKind::PtrTo || kb == TypeKind::Slice);
    if (!(typed && types_[ua].elem == types_[ub].elem) && !(ua == kPtr && ub == kPtr)) return bad();
    result = kSSize;
  } else if (ints) {
    result = OperandType(types_, ua, ub);
  } else if (floats) {
    bool int_only = op == TokenKind::Amp || op == TokenKind::Pipe || op == TokenKind::Caret ||
                    op == TokenKind::Shl || op == TokenKind::Shr;
    if (int_only) return bad();
    result = OperandType(types_, ua, ub);
  } else {
    return bad();
  }
  const ConstVal *ca = NodeConst(fc.file, node.a), *cb = NodeConst(fc.file, node.b);
  if (ca && cb && (ints || floats)) {
    TypeId operand = OperandType(types_, ua, ub);
    auto xa = FoldCast(*ca, operand), xb = FoldCast(*cb, operand);
    if (xa && xb)
      if (auto v = FoldBinary(node.op, *xa, *xb, operand, result)) SetNodeConst(fc.file, n, *v);
  }
  return result;
}

bool Sema::IsPlace(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  FileInfo& info = Info(fc.file);
  switch (node.kind) {
    case NodeKind::Name: {
      uint32_t ref = info.refs[n];
      if (!ref) return false;
      SymKind k = RefSymbol(fc, ref).kind;
      return k == SymKind::Var || k == SymKind::Param || k == SymKind::Static;
    }
    case NodeKind::Deref:  // a pass-through over a field value is that field's place, if any
      if (info.refs[n] == kArrowValue) return IsPlace(fc, node.a);
      return !info.consts[n];
    case NodeKind::Index: return true;
    case NodeKind::Field: return !(info.refs[n] & kFieldByValue) || (info.refs[n] & kFieldOfPlace);
    default: return false;
  }
}

TypeId Sema::PlaceType(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  FileInfo& info = Info(fc.file);
  TypeId t = info.types[n];
  if (t == kErrorType) return kErrorType;
  if (node.kind == NodeKind::Name && info.refs[n]) {
    const Symbol& s = RefSymbol(fc, info.refs[n]);
    auto q = [&] { return "`" + std::string(Str(s.name)) + "`"; };
    if (s.kind == SymKind::Const) {
      Error(DiagKind::AssignToConst, NodeRange(fc.file, n), "cannot assign to constant " + q());
      return kErrorType;
    }
    if (s.kind == SymKind::Static && !s.is_mut) {
      auto& d = Error(DiagKind::AssignToConst, NodeRange(fc.file, n), q() + " is a read-only static; declare it `static mut`");
      in_.diags->AddNote(d, TokRange(s.file, s.tok), "declared here");
      return kErrorType;
    }
  }
  if (!IsPlace(fc, n)) {
    Error(DiagKind::NotAPlace, ExprRange(fc.file, n), "this expression is not a place that can be assigned");
    return kErrorType;
  }
  bool address = (node.kind == NodeKind::Index && info.refs[n] != kIndexValue) ||
                 (node.kind == NodeKind::Field && !(info.refs[n] & kFieldByValue));
  TypeId stored = address ? types_[types_.Unqual(t)].elem : t;
  if (types_.Kind(stored) == TypeKind::Const) {
    Error(DiagKind::AssignToConst, NodeRange(fc.file, n), "cannot assign through a read-only view of type " + TypeStr(stored));
    return kErrorType;
  }
  return stored;
}

static TokenKind CompoundBase(TokenKind k) {
  switch (k) {
    case TokenKind::PlusAssign: return TokenKind::Plus;
    case TokenKind::MinusAssign: return TokenKind::Minus;
    case TokenKind::StarAssign: return TokenKind::Star;
    case TokenKind::SlashAssign: return TokenKind::Slash;
    case TokenKind::PercentAssign: return TokenKind::Percent;
    case TokenKind::AmpAssign: return TokenKind::Amp;
    case TokenKind::PipeAssign: return TokenKind::Pipe;
    case TokenKind::CaretAssign: return TokenKind::Caret;
    case TokenKind::ShlAssign: return TokenKind::Shl;
    case TokenKind::ShrAssign: return TokenKind::Shr;
    default: return TokenKind::Assign;
  }
}

// `x = x++` stores the old value back: it has no effect (W0022).
void Sema::WarnSelfAssignment(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  const Node& rhs = ast[node.b];
  if (ast[node.a].kind != NodeKind::Name || rhs.kind != NodeKind::Postfix || ast[rhs.a].kind != NodeKind::Name) return;
  FileInfo& info = Info(fc.file);
  if (!info.refs[node.a] || info.refs[node.a] != info.refs[rhs.a]) return;
  std::string name(Str(ast[node.a].a)), op(TokenKindName(TokenKind(rhs.op)));
  Error(DiagKind::SelfAssignment, NodeRange(fc.file, n),
        "`" + name + " = " + name + op + "` has no effect: `" + name + op + "` yields the old value, which is stored back; write `" +
            name + op + ";`");
}

TypeId Sema::CheckAssign(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  if (CheckExpr(fc, node.a) == kErrorType) {
    CheckExpr(fc, node.b);
    return kErrorType;
  }
  TypeId pt = PlaceType(fc, node.a);
  if (pt == kErrorType) {
    fc.broken = true;
    CheckExpr(fc, node.b);
    return kVoid;
  }
  TokenKind base = CompoundBase(TokenKind(node.op));
  if (base == TokenKind::Assign) {
    CheckValue(fc, node.b, pt);
    WarnSelfAssignment(fc, n);
    return kVoid;
  }
  bool shift = base == TokenKind::Shl || base == TokenKind::Shr;
  bool ptr_step = types_.IsPointerLike(pt) && (base == TokenKind::Plus || base == TokenKind::Minus);
  if (shift || ptr_step) {
    TypeId t = CheckExpr(fc, node.b);
    if (t == kIntLit) t = Coerce(fc, node.b, ptr_step ? kS64 : pt) ? (ptr_step ? kS64 : pt) : kErrorType;
    if (t == kErrorType) return kVoid;
    if (!types_.IsInt(types_.Unqual(t)) || (shift && !types_.IsInt(pt)) ||
        (ptr_step && (pt == kNull || types_.Kind(pt) == TypeKind::Fn))) {
      Error(DiagKind::InvalidOperands, NodeRange(fc.file, n),
            "cannot apply `" + std::string(TokenKindName(TokenKind(node.op))) + "` to " + TypeStr(pt) + " and " + TypeStr(t));
      fc.broken = true;
    }
    return pt;
  }
  bool int_only = base == TokenKind::Amp || base == TokenKind::Pipe || base == TokenKind::Caret;
  if (!(types_.IsInt(pt) || (types_.IsFloat(pt) && !int_only))) {
    Error(DiagKind::InvalidOperands, NodeRange(fc.file, n),
          "cannot apply `" + std::string(TokenKindName(TokenKind(node.op))) + "` to a place of type " + TypeStr(pt));
    fc.broken = true;
    CheckExpr(fc, node.b);
    return kVoid;
  }
  CheckValue(fc, node.b, pt);
  return pt;
}

TypeId Sema::CheckUnary(FnCtx& fc, NodeId n, TypeId expected) {
  const Node& node = AstOf(fc.file)[n];
  auto op = TokenKind(node.op);
  if (op == TokenKind::PlusPlus || op == TokenKind::MinusMinus) return CheckIncDec(fc, node.a);
  if (op == TokenKind::Bang) {  // `!p` on a pointer-like value is `p == nullptr` (5.3)
    TypeId operand = CheckExpr(fc, node.a, kBool);
    if (operand == kErrorType) return kErrorType;
    if (types_.IsPointerLike(operand)) {
      Info(fc.file).refs[n] = kNotPointer;
      if (const ConstVal* c = NodeConst(fc.file, node.a); c && types_.Unqual(operand) == kNull)
        SetNodeConst(fc.file, n, ConstVal{kBool, 1});
      return kBool;
    }
    if (!Coerce(fc, node.a, kBool)) return kErrorType;
  }
  TypeId t = op == TokenKind::Bang ? Info(fc.file).types[node.a] : CheckExpr(fc, node.a, expected);
  if (t == kErrorType) return kErrorType;
  TypeId u = types_.Unqual(t);
  bool ok = op == TokenKind::Minus ? (types_.IsNumeric(u) || IsUntyped(u))
            : op == TokenKind::Tilde ? (types_.IsInt(u) || u == kIntLit)
                                     : u == kBool;
  if (!ok) {
    Error(DiagKind::InvalidOperands, NodeRange(fc.file, n),
          "cannot apply `" + std::string(TokenKindName(op)) + "` to " + TypeStr(t));
    return kErrorType;
  }
  if (const ConstVal* c = NodeConst(fc.file, node.a))
    if (auto v = FoldUnary(node.op, *c)) SetNodeConst(fc.file, n, *v);
  return u;
}

TypeId Sema::CheckIncDec(FnCtx& fc, NodeId operand) {
  if (CheckExpr(fc, operand) == kErrorType) return kErrorType;
  TypeId pt = PlaceType(fc, operand);
  if (pt == kErrorType) return kErrorType;
  TypeKind k = types_.Kind(pt);
  if (!types_.IsNumeric(pt) && k != TypeKind::PtrTo && k != TypeKind::Slice) {
    Error(DiagKind::InvalidOperands, NodeRange(fc.file, operand), "cannot increment or decrement a value of type " + TypeStr(pt));
    return kErrorType;
  }
  return pt;
}

TypeId Sema::CheckCast(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  TypeId target = ResolveType(&fc, fc.file, node.b);
  if (target != kErrorType && !EnsureStructLayout(target, NodeRange(fc.file, node.b))) target = kErrorType;
  TypeId t = CheckExpr(fc, node.a, target);
  if (t == kErrorType || target == kErrorType) return kErrorType;
  TypeId u = types_.Unqual(target);
  if (t == kIntLit) {
    const ConstVal* c = NodeConst(fc.file, node.a);
    bool fits = c && ((types_.IsInt(u) && IntFits(types_, u, c->i)) || types_.IsFloat(u));
    t = fits ? (Coerce(fc, node.a, u), u) : DefaultLiteralType(fc, node.a);
  } else if (t == kFloatLit) {
    t = types_.IsFloat(u) ? (Coerce(fc, node.a, u), u) : DefaultLiteralType(fc, node.a);
  }
  if (!CastAllowed(types_, t, target)) {
    Error(DiagKind::InvalidCast, NodeRange(fc.file, n), "cannot convert " + TypeStr(t) + " to " + TypeStr(target));
    return kErrorType;
  }
  if (const ConstVal* c = NodeConst(fc.file, node.a))
    if (auto v = FoldCast(*c, target)) SetNodeConst(fc.file, n, *v);
  return target;
}

TypeId Sema::CheckRef(FnCtx& fc, NodeId n) {
  NodeId a = AstOf(fc.file)[n].a;
  TypeId t = CheckExpr(fc, a);
  if (t == kErrorType) return kErrorType;
  NodeKind k = AstOf(fc.file)[a].kind;
  if (!IsPlace(fc, a)) {
    Error(DiagKind::NotAPlace, NodeRange(fc.file, a), "`ref` needs a place (a variable, `deref p`, an index or a field)");
    return kErrorType;
  }
  if (k == NodeKind::Index && Info(fc.file).refs[a] == kIndexValue) {
    Error(DiagKind::NotAPlace, NodeRange(fc.file, a), "the elements of a `NativeVector` have no address (15.2)");
    return kErrorType;
  }
  bool field_value = k == NodeKind::Field && (Info(fc.file).refs[a] & kFieldByValue);
  if (k == NodeKind::Index || (k == NodeKind::Field && !field_value)) return t;  // already the address
  return types_.PtrTo(t);
}

// `E->M` with E an enum (no local of that name): the 0.1 spelling of `E=>M`.
bool Sema::IsEnumArrow(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  const Node& field = ast[ast[n].a];
  if (field.kind != NodeKind::Field || ast[field.a].kind != NodeKind::Name) return false;
  NameId name = ast[field.a].a;
  if (uint32_t l = LookupLocal(fc, name); l != UINT32_MAX) return fc.locals[l].kind == SymKind::Enum;
  uint32_t g = LookupGlobal(fc.file, name);
  return g != UINT32_MAX && syms_[g].kind == SymKind::Enum;
}

// `e->f` and `e->[i]` (5.3): the field or element itself. Where `e.f` is an address that is
// `deref e.f`; where it is already the field's value (e a parameter, a call result, ...) it is
// that value.
TypeId Sema::CheckArrow(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  NodeId a = ast[n].a;
  if (IsEnumArrow(fc, n)) {
    const Node& field = ast[a];
    Error(DiagKind::OldEnumArrow, NodeRange(fc.file, field.a),
          "`" + std::string(Str(ast[field.a].a)) + "->" + std::string(Str(field.b)) +
              "` is the 0.1 spelling of an enum member; write `" + std::string(Str(ast[field.a].a)) + "=>" +
              std::string(Str(field.b)) + "`");
    return CheckEnumMember(fc, n, ast[field.a].a, field.b);
  }
  TypeId t = CheckExpr(fc, a);
  if (t == kErrorType) return kErrorType;
  if (ast[a].kind == NodeKind::Field && (Info(fc.file).refs[a] & kFieldByValue)) {
    Info(fc.file).refs[n] = kArrowValue;
    return t;
  }
  TypeId elem = types_[types_.Unqual(t)].elem;  // Field and Index yield ptr[T]
  if (!EnsureStructLayout(elem, NodeRange(fc.file, n))) return kErrorType;
  return elem;
}

TypeId Sema::CheckDeref(FnCtx& fc, NodeId n) {
  if (AstOf(fc.file)[n].op == uint8_t(TokenKind::Arrow)) return CheckArrow(fc, n);
  NodeId a = AstOf(fc.file)[n].a;
  TypeId t = CheckExpr(fc, a);
  if (t == kErrorType) return kErrorType;
  // 0.1 read every field as an address: `deref p.f` where `p.f` already is the value (W0904).
  if (AstOf(fc.file)[a].kind == NodeKind::Field && (Info(fc.file).refs[a] & kFieldByValue)) {
    Error(DiagKind::OldDerefField, NodeRange(fc.file, n),
          "`" + std::string(Str(AstOf(fc.file)[a].b)) + "` of a struct value (a parameter, a call result, ...) "
          "already is the field's value: drop the `deref` (0.1 spelling)");
    Info(fc.file).refs[n] = kArrowValue;
    return t;
  }
  TypeId u = types_.Unqual(t);
  TypeKind k = types_.Kind(u);
  if (k == TypeKind::PtrTo || k == TypeKind::Slice) {
    TypeId elem = types_[u].elem;
    if (!EnsureStructLayout(elem, NodeRange(fc.file, n))) return kErrorType;
    return elem;
  }
  if (u == kPtr) {
    Error(DiagKind::DerefUntypedPointer, NodeRange(fc.file, n),
          "cannot `deref` an untyped `ptr`; cast it to `ptr[T]` first");
    return kErrorType;
  }
  Error(DiagKind::InvalidOperands, NodeRange(fc.file, n), "cannot `deref` a value of type " + TypeStr(t));
  return kErrorType;
}

TypeId Sema::CheckIndex(FnCtx& fc, NodeId n) {
  const Node& node = AstOf(fc.file)[n];
  TypeId tb = CheckExpr(fc, node.a);
  TypeId ti = CheckExpr(fc, node.b);
  if (ti == kIntLit) ti = Coerce(fc, node.b, kS64) ? kS64 : kErrorType;
  if (tb == kErrorType || ti == kErrorType) return kErrorType;
  if (!types_.IsInt(types_.Unqual(ti))) {
    Error(DiagKind::TypeMismatch, NodeRange(fc.file, node.b), "an index must be an integer, found " + TypeStr(ti));
    return kErrorType;
  }
  TypeId u = types_.Unqual(tb);
  bool read_only = types_.Kind(tb) == TypeKind::Const;
  TypeId elem = kErrorType;
  uint64_t length = 0;
  switch (types_.Kind(u)) {
    case TypeKind::FixedArray: elem = types_[u].elem, length = types_[u].count; break;
    case TypeKind::Vector: {  // an element is a value (15.2); as a place, it is written in place
      elem = types_[u].elem, length = types_[u].count;
      if (const ConstVal* c = NodeConst(fc.file, node.b); c && (c->i < 0 || c->i >= __int128(length))) {
        Error(DiagKind::IndexOutOfRange, NodeRange(fc.file, node.b),
              "index " + IntText(c->i) + " is out of range for " + TypeStr(u));
        return kErrorType;
      }
      Info(fc.file).refs[n] = kIndexValue;
      return read_only ? types_.Const(elem) : elem;
    }
    case TypeKind::Slice: elem = types_[u].elem; break;
    case TypeKind::PtrTo: {
      TypeId inner = types_[u].elem;
      if (types_.Kind(types_.Unqual(inner)) == TypeKind::FixedArray) {
        read_only |= types_.Kind(inner) == TypeKind::Const;
        elem = types_[types_.Unqual(inner)].elem, length = types_[types_.Unqual(inner)].count;
      } else {
        elem = inner;
      }
      break;
    }
    default:
      Error(DiagKind::NotIndexable, NodeRange(fc.file, n),
            "cannot index a value of type " + TypeStr(tb) + (u == kPtr ? "; cast it to `ptr[T]` first" : ""));
      return kErrorType;
  }
  if (!EnsureStructLayout(elem, NodeRange(fc.file, n))) return kErrorType;
  if (length) {
    if (const ConstVal* c = NodeConst(fc.file, node.b); c && (c->i < 0 || c->i >= __int128(length))) {
      Error(DiagKind::IndexOutOfRange, NodeRange(fc.file, node.b),
            "index " + IntText(c->i) + " is out of range for " + TypeStr(types_.FixedArray(elem, length)));
      return kErrorType;
    }
  }
  return types_.PtrTo(read_only ? types_.Const(elem) : elem);
}

}  // namespace thrustc::frontend
