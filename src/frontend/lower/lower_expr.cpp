// Lowering of expressions: constants, names (loads from slots and globals), operators with their
// conversions, places (addresses for indexing, fields, deref), short-circuit logic through a
// slot, increments that yield the new value. Aggregates are represented by their address.
#include "frontend/lower/lowerer.h"
#include "support/check.h"

namespace thrustc::frontend {

namespace {
bool IsIntLike(const TypeTable& types, TypeId t) { return types.IsInt(t) || t == kBool; }
}  // namespace

ir::Reg Lowerer::LowerConst(LowerCtx& lc, const ConstVal& v) {
  TypeId t = types_.Unqual(v.type);
  if (t == kVoid) return ir::kNoReg;
  if (v.global != UINT32_MAX) return lc.b.GlobalAddr(v.global);
  if (types_.IsFloat(t) || t == kFloatLit) return lc.b.FConst(t == kF32 ? ir::Type::F32 : ir::Type::F64, v.f);
  if (types_.IsPointerLike(t)) return lc.b.Convert(ir::Op::IntToPtr, ir::Type::Ptr, lc.b.IConst(ir::Type::I64, int64_t(v.i)));
  return lc.b.IConst(IrType(types_, t), int64_t(v.i));
}

ir::Reg Lowerer::Convert(LowerCtx& lc, ir::Reg v, TypeId from, TypeId to) {
  TypeId f = types_.Unqual(from), t = types_.Unqual(to);
  if (f == t || v == ir::kNoReg || types_.IsAggregate(t) || t == kVoid) return v;
  ir::Builder& b = lc.b;
  ir::Type fi = IrType(types_, f), ti = IrType(types_, t);
  bool f_int = IsIntLike(types_, f), t_int = types_.IsInt(t);
  bool f_signed = types_.IsSigned(f);
  if (f_int && t_int) {
    if (ir::TypeSize(fi) == ir::TypeSize(ti)) return v;
    if (ir::TypeSize(fi) > ir::TypeSize(ti)) return b.Convert(ir::Op::Trunc, ti, v);
    return b.Convert(f_signed ? ir::Op::SExt : ir::Op::ZExt, ti, v);
  }
  if (f_int && types_.IsFloat(t)) return b.Convert(f_signed ? ir::Op::SIToFP : ir::Op::UIToFP, ti, v);
  if (types_.IsFloat(f) && t_int) return b.Convert(types_.IsSigned(t) ? ir::Op::FPToSI : ir::Op::FPToUI, ti, v);
  if (types_.IsFloat(f) && types_.IsFloat(t)) {
    if (fi == ti) return v;
    return b.Convert(fi == ir::Type::F32 ? ir::Op::FPExt : ir::Op::FPTrunc, ti, v);
  }
  if (f_int && types_.IsPointerLike(t)) {
    if (fi != ir::Type::I64) v = b.Convert(f_signed ? ir::Op::SExt : ir::Op::ZExt, ir::Type::I64, v);
    return b.Convert(ir::Op::IntToPtr, ir::Type::Ptr, v);
  }
  if (types_.IsPointerLike(f) && t_int) {
    v = b.Convert(ir::Op::PtrToInt, ir::Type::I64, v);
    if (ti != ir::Type::I64) v = b.Convert(ir::Op::Trunc, ti, v);
    return v;
  }
  return v;  // pointer to pointer, T to const T
}

ir::Reg Lowerer::LowerAs(LowerCtx& lc, NodeId n, TypeId target) {
  return Convert(lc, LowerExpr(lc, n), Info(lc.fc.file).types[n], target);
}

ir::Reg Lowerer::LowerExpr(LowerCtx& lc, NodeId n) {
  FileInfo& info = Info(lc.fc.file);
  if (info.consts[n]) return LowerConst(lc, consts_[info.consts[n] - 1]);
  const Node& node = AstOf(lc.fc.file)[n];
  switch (node.kind) {
    case NodeKind::Name: case NodeKind::GenericName: return LowerName(lc, n);
    case NodeKind::Binary: return LowerBinaryChain(lc, n);
    case NodeKind::Assign: return LowerAssign(lc, n);
    case NodeKind::Unary: return LowerUnary(lc, n);
    case NodeKind::Postfix: return LowerIncDec(lc, node.a, TokenKind(node.op) == TokenKind::PlusPlus, true);
    case NodeKind::Ref: return LowerAddr(lc, node.a);
    case NodeKind::Deref:
      if (info.refs[n] == kArrowValue) return LowerExpr(lc, node.a);  // `e->f` on a struct value
      return LoadValue(lc, info.types[n], LowerExpr(lc, node.a));
    case NodeKind::Cast: return LowerAs(lc, node.a, info.types[n]);
    case NodeKind::Call: return LowerCall(lc, n);
    case NodeKind::Index: return LowerIndex(lc, n);
    case NodeKind::Field: return LowerField(lc, n);
    case NodeKind::StructLit: case NodeKind::FixedArrayLit: case NodeKind::ArrayLit:
      return LowerAggregateLit(lc, n);
    default:
      // The checker rejects everything else before lowering starts.
      lc.b.Trap(ir::TrapKind::Unreachable);
      StartDeadBlock(lc);
      return ir::kNoReg;
  }
}

ir::Reg Lowerer::LowerAddr(LowerCtx& lc, NodeId n) {
  FileInfo& info = Info(lc.fc.file);
  const Node& node = AstOf(lc.fc.file)[n];
  if (node.kind == NodeKind::Name && info.refs[n]) {
    uint32_t ref = info.refs[n];
    const Symbol& s = RefSymbol(lc.fc, ref);
    if (s.kind == SymKind::Static) {
      if (!(ref & kLocalRef)) NoteStatic(lc.func, ref - 1);
      return lc.b.GlobalAddr(s.ir);
    }
    if (ref & kLocalRef) return LocalAddr(lc, ref & ~kLocalRef);
  }
  if (node.kind == NodeKind::Deref)
    return Info(lc.fc.file).refs[n] == kArrowValue ? LowerAddr(lc, node.a) : LowerExpr(lc, node.a);
  if (node.kind == NodeKind::Field) return LowerField(lc, n, true);
  if (node.kind == NodeKind::Index) return LowerIndex(lc, n, true);
  return LowerExpr(lc, n);  // indexing and fields yield addresses; aggregate values are addresses
}

ir::Reg Lowerer::LowerName(LowerCtx& lc, NodeId n) {
  uint32_t ref = Info(lc.fc.file).refs[n];
  const Symbol& s = RefSymbol(lc.fc, ref);
  if (s.kind == SymKind::Func) {
    if (!s.is_extern) NoteCallee(lc.func, s.ir);
    return lc.b.FuncAddr(s.ir);
  }
  // A constant reaches lowering only with its value (the checker marks users of a failed one
  // broken); without it, LowerAddr would come back here.
  THRUSTC_CHECK(s.kind != SymKind::Const, "a constant without a value reached lowering");
  TypeId t = s.type;
  return LoadPlace(lc, n, t, LowerAddr(lc, n));
}

static uint64_t ElemSize(const TypeTable& types, TypeId ptr_type) {
  TypeId u = types.Unqual(ptr_type);
  TypeKind k = types.Kind(u);
  return k == TypeKind::PtrTo || k == TypeKind::Slice ? types.SizeOf(types[u].elem) : 1;
}

ir::Reg Lowerer::LowerArith(LowerCtx& lc, uint8_t op, TypeId t, ir::Reg a, ir::Reg b, TypeId rhs_type) {
  (void)rhs_type;
  t = types_.Unqual(t);
  ir::Type it = IrType(types_, t);
  if (types_.IsFloat(t)) {
    static const std::pair<TokenKind, ir::Op> kOps[] = {{TokenKind::Plus, ir::Op::FAdd}, {TokenKind::Minus, ir::Op::FSub},
                                                        {TokenKind::Star, ir::Op::FMul}, {TokenKind::Slash, ir::Op::FDiv},
                                                        {TokenKind::Percent, ir::Op::FRem}};
    for (auto [k, o] : kOps)
      if (TokenKind(op) == k) return lc.b.Binary(o, it, a, b);
  }
  bool s = types_.IsSigned(t);
  ir::Op o = ir::Op::Add;
  switch (TokenKind(op)) {
    case TokenKind::Plus: o = ir::Op::Add; break;
    case TokenKind::Minus: o = ir::Op::Sub; break;
    case TokenKind::Star: o = ir::Op::Mul; break;
    case TokenKind::Slash: o = s ? ir::Op::SDiv : ir::Op::UDiv; break;
    case TokenKind::Percent: o = s ? ir::Op::SRem : ir::Op::URem; break;
    case TokenKind::Amp: o = ir::Op::And; break;
    case TokenKind::Pipe: o = ir::Op::Or; break;
    case TokenKind::Caret: o = ir::Op::Xor; break;
    case TokenKind::Shl: o = ir::Op::Shl; break;
    case TokenKind::Shr: o = s ? ir::Op::AShr : ir::Op::LShr; break;
    default: break;
  }
  return lc.b.Binary(o, it, a, b);
}

ir::Reg Lowerer::LowerCompare(LowerCtx& lc, uint8_t op, TypeId t, ir::Reg a, ir::Reg b) {
  t = types_.Unqual(t);
  auto k = TokenKind(op);
  if (types_.IsFloat(t)) {
    ir::Pred p = k == TokenKind::EqEq ? ir::Pred::Oeq : k == TokenKind::NotEq ? ir::Pred::Une
               : k == TokenKind::Less ? ir::Pred::Olt : k == TokenKind::LessEq ? ir::Pred::Ole
               : k == TokenKind::Greater ? ir::Pred::Ogt : ir::Pred::Oge;
    return lc.b.Cmp(ir::Op::FCmp, p, IrType(types_, t), a, b);
  }
  ir::Type it = IrType(types_, t);
  if (it == ir::Type::Ptr) {
    a = lc.b.Convert(ir::Op::PtrToInt, ir::Type::I64, a);
    b = lc.b.Convert(ir::Op::PtrToInt, ir::Type::I64, b);
    it = ir::Type::I64;
  }
  bool s = types_.IsSigned(t);
  ir::Pred p = k == TokenKind::EqEq ? ir::Pred::Eq : k == TokenKind::NotEq ? ir::Pred::Ne
             : k == TokenKind::Less ? (s ? ir::Pred::Slt : ir::Pred::Ult)
             : k == TokenKind::LessEq ? (s ? ir::Pred::Sle : ir::Pred::Ule)
             : k == TokenKind::Greater ? (s ? ir::Pred::Sgt : ir::Pred::Ugt)
                                       : (s ? ir::Pred::Sge : ir::Pred::Uge);
  return lc.b.Cmp(ir::Op::ICmp, p, it, a, b);
}

ir::Reg Lowerer::LowerLogical(LowerCtx& lc, NodeId n, const ir::Reg* lowered_lhs) {
  const Node& node = AstOf(lc.fc.file)[n];
  ir::Reg slot = lc.b.NewSlotAddr(1, 1);
  ir::Reg lhs = lowered_lhs ? *lowered_lhs : LowerExpr(lc, node.a);
  lc.b.Store(ir::Type::I8, lhs, slot);
  ir::BlockId rhs_b = lc.b.NewBlock(), join = lc.b.NewBlock();
  if (TokenKind(node.op) == TokenKind::AmpAmp) lc.b.CondBr(lhs, rhs_b, join);
  else lc.b.CondBr(lhs, join, rhs_b);
  lc.b.SetBlock(rhs_b);
  ir::Reg rhs = LowerExpr(lc, node.b);
  lc.b.Store(ir::Type::I8, rhs, slot);
  lc.b.Br(join);
  lc.b.SetBlock(join);
  return lc.b.Load(ir::Type::I8, slot);
}

static bool IsCmp(TokenKind k) {
  return k == TokenKind::EqEq || k == TokenKind::NotEq || k == TokenKind::Less || k == TokenKind::LessEq ||
         k == TokenKind::Greater || k == TokenKind::GreaterEq;
}

// Left spines of operators are lowered bottom-up in a loop, as the checker checks them
// (CheckBinaryChain); the spine stops at a folded constant, which lowers without recursion.
ir::Reg Lowerer::LowerBinaryChain(LowerCtx& lc, NodeId n) {
  const Ast& ast = AstOf(lc.fc.file);
  const FileInfo& info = Info(lc.fc.file);
  std::vector<NodeId> spine{n};
  for (NodeId m = ast[n].a; ast[m].kind == NodeKind::Binary && !info.consts[m]; m = ast[m].a) spine.push_back(m);
  ir::Reg r = LowerBinary(lc, spine.back(), nullptr);
  for (size_t i = spine.size() - 1; i-- > 0;) r = LowerBinary(lc, spine[i], &r);
  return r;
}

// `lowered_lhs`: the left operand's value when the chain loop has lowered it already. The left
// operand is always evaluated first.
ir::Reg Lowerer::LowerBinary(LowerCtx& lc, NodeId n, const ir::Reg* lowered_lhs) {
  const Node& node = AstOf(lc.fc.file)[n];
  auto op = TokenKind(node.op);
  if (op == TokenKind::AmpAmp || op == TokenKind::PipePipe) return LowerLogical(lc, n, lowered_lhs);
  FileInfo& info = Info(lc.fc.file);
  auto lhs = [&]() { return lowered_lhs ? *lowered_lhs : LowerExpr(lc, node.a); };
  TypeId ta = info.types[node.a], tb = info.types[node.b];
  TypeId ua = types_.Unqual(ta), ub = types_.Unqual(tb);
  bool pa = types_.IsPointerLike(ua), pb = types_.IsPointerLike(ub);
  if (!IsCmp(op) && (pa || pb)) {
    if (pa && pb) {  // ptr - ptr: the element distance
      ir::Reg a = lc.b.Convert(ir::Op::PtrToInt, ir::Type::I64, lhs());
      ir::Reg b = lc.b.Convert(ir::Op::PtrToInt, ir::Type::I64, LowerExpr(lc, node.b));
      ir::Reg d = lc.b.Binary(ir::Op::Sub, ir::Type::I64, a, b);
      uint64_t size = ElemSize(types_, ua);
      if (size > 1) d = lc.b.Binary(ir::Op::SDiv, ir::Type::I64, d, lc.b.IConst(ir::Type::I64, int64_t(size)));
      return d;
    }
    ir::Reg base, idx;
    if (pa) {
      base = lhs();
      idx = LowerAs(lc, node.b, kS64);
    } else {
      idx = Convert(lc, lhs(), ta, kS64);
      base = LowerExpr(lc, node.b);
    }
    if (op == TokenKind::Minus) idx = lc.b.Unary(ir::Op::Neg, ir::Type::I64, idx);
    return lc.b.PtrAdd(base, idx, int64_t(ElemSize(types_, pa ? ua : ub)));
  }
  TypeId operand = ua;
  if (types_.IsInt(ua) && types_.IsInt(ub)) operand = CommonIntType(types_, ua, ub);
  else if (types_.IsFloat(ua) && types_.IsFloat(ub)) operand = ua == ub ? ua : kF64;
  else if (pa && pb) operand = kPtr;
  ir::Reg a = Convert(lc, lhs(), ta, operand);
  ir::Reg b = LowerAs(lc, node.b, operand);
  if (IsCmp(op)) return LowerCompare(lc, node.op, operand, a, b);
  return LowerArith(lc, node.op, operand, a, b, ub);
}

// The type stored at a place expression (the element for indexing and field addresses).
static TypeId StoredType(const Sema& s, const FileInfo& info, const Ast& ast, NodeId n) {
  TypeId t = info.types[n];
  NodeKind k = ast[n].kind;
  bool address = (k == NodeKind::Index && info.refs[n] != kIndexValue) || (k == NodeKind::Field && !(info.refs[n] & kFieldByValue));
  return address ? s.types_[s.types_.Unqual(t)].elem : t;
}

ir::Reg Lowerer::LowerAssign(LowerCtx& lc, NodeId n) {
  const Node& node = AstOf(lc.fc.file)[n];
  FileInfo& info = Info(lc.fc.file);
  TypeId pt = StoredType(*this, info, AstOf(lc.fc.file), node.a);
  auto op = TokenKind(node.op);
  if (op == TokenKind::Assign) {
    ir::Reg v = LowerAs(lc, node.b, pt);
    StorePlace(lc, node.a, pt, v, LowerAddr(lc, node.a));
    return v;
  }
  ir::Reg addr = LowerAddr(lc, node.a);
  ir::Reg cur = LoadPlace(lc, node.a, pt, addr);
  ir::Reg result;
  if (types_.IsPointerLike(pt)) {
    ir::Reg idx = LowerAs(lc, node.b, kS64);
    if (op == TokenKind::MinusAssign) idx = lc.b.Unary(ir::Op::Neg, ir::Type::I64, idx);
    result = lc.b.PtrAdd(cur, idx, int64_t(ElemSize(types_, pt)));
  } else {
    static const std::pair<TokenKind, TokenKind> kBase[] = {
        {TokenKind::PlusAssign, TokenKind::Plus},   {TokenKind::MinusAssign, TokenKind::Minus},
        {TokenKind::StarAssign, TokenKind::Star},   {TokenKind::SlashAssign, TokenKind::Slash},
        {TokenKind::PercentAssign, TokenKind::Percent}, {TokenKind::AmpAssign, TokenKind::Amp},
        {TokenKind::PipeAssign, TokenKind::Pipe},   {TokenKind::CaretAssign, TokenKind::Caret},
        {TokenKind::ShlAssign, TokenKind::Shl},     {TokenKind::ShrAssign, TokenKind::Shr}};
    TokenKind base = TokenKind::Plus;
    for (auto [c, b] : kBase)
      if (c == op) base = b;
    ir::Reg rhs = LowerAs(lc, node.b, pt);
    result = LowerArith(lc, uint8_t(base), pt, cur, rhs, info.types[node.b]);
  }
  StorePlace(lc, node.a, pt, result, addr);
  return result;
}

ir::Reg Lowerer::LowerUnary(LowerCtx& lc, NodeId n) {
  const Node& node = AstOf(lc.fc.file)[n];
  auto op = TokenKind(node.op);
  if (op == TokenKind::PlusPlus || op == TokenKind::MinusMinus) return LowerIncDec(lc, node.a, op == TokenKind::PlusPlus, false);
  if (Info(lc.fc.file).refs[n] == kNotPointer)
    return LowerCompare(lc, uint8_t(TokenKind::EqEq), kPtr, LowerAs(lc, node.a, kPtr), LowerConst(lc, ConstVal{kNull, 0}));
  TypeId t = types_.Unqual(Info(lc.fc.file).types[n]);
  ir::Reg v = LowerAs(lc, node.a, t);
  ir::Type it = IrType(types_, t);
  if (op == TokenKind::Minus) return lc.b.Unary(types_.IsFloat(t) ? ir::Op::FNeg : ir::Op::Neg, it, v);
  if (op == TokenKind::Tilde) return lc.b.Unary(ir::Op::Not, it, v);
  return lc.b.Binary(ir::Op::Xor, ir::Type::I8, v, lc.b.IConst(ir::Type::I8, 1));
}

// `x++` / `x--` (postfix) yield the old value, `++x` / `--x` the new one (5.3).
ir::Reg Lowerer::LowerIncDec(LowerCtx& lc, NodeId operand, bool inc, bool postfix) {
  TypeId pt = StoredType(*this, Info(lc.fc.file), AstOf(lc.fc.file), operand);
  TypeId u = types_.Unqual(pt);
  ir::Reg addr = LowerAddr(lc, operand);
  ir::Reg cur = LoadPlace(lc, operand, u, addr);
  ir::Type it = IrType(types_, u);
  ir::Reg result;
  if (types_.IsPointerLike(u)) {
    result = lc.b.PtrAdd(cur, lc.b.IConst(ir::Type::I64, inc ? 1 : -1), int64_t(ElemSize(types_, u)));
  } else if (types_.IsFloat(u)) {
    result = lc.b.Binary(inc ? ir::Op::FAdd : ir::Op::FSub, it, cur, lc.b.FConst(it, 1.0));
  } else {
    result = lc.b.Binary(inc ? ir::Op::Add : ir::Op::Sub, it, cur, lc.b.IConst(it, 1));
  }
  StorePlace(lc, operand, u, result, addr);
  return postfix ? cur : result;
}

// The element's address; a NativeVector's element (kIndexValue) is loaded unless the address is
// wanted (a place being written).
ir::Reg Lowerer::LowerIndex(LowerCtx& lc, NodeId n, bool want_address) {
  const Node& node = AstOf(lc.fc.file)[n];
  FileInfo& info = Info(lc.fc.file);
  TypeId u = types_.Unqual(info.types[node.a]);
  if (info.refs[n] == kIndexValue) {
    TypeId elem = types_[u].elem;
    uint64_t es = types_.SizeOf(elem);
    ir::Reg base = LowerAddr(lc, node.a);
    ir::Reg addr;
    if (const ConstVal* c = NodeConst(lc.fc.file, node.b)) {
      addr = lc.b.PtrOffset(base, int64_t(c->i) * int64_t(es));
    } else {
      ir::Reg idx = LowerAs(lc, node.b, types_.IsSigned(types_.Unqual(info.types[node.b])) ? kS64 : kU64);
      lc.b.BoundsCheck(idx, int64_t(types_[u].count));
      addr = lc.b.PtrAdd(base, idx, int64_t(es));
    }
    return want_address ? addr : lc.b.Load(IrType(types_, elem), addr);
  }
  TypeId elem = types_[types_.Unqual(info.types[n])].elem;
  uint64_t length = 0;
  ir::Reg base;
  if (types_.Kind(u) == TypeKind::FixedArray) {
    base = LowerAddr(lc, node.a);
    length = types_[u].count;
  } else {
    base = LowerExpr(lc, node.a);
    if (types_.Kind(u) == TypeKind::PtrTo && types_.Kind(types_.Unqual(types_[u].elem)) == TypeKind::FixedArray)
      length = types_[types_.Unqual(types_[u].elem)].count;
  }
  uint64_t es = types_.SizeOf(elem);
  if (const ConstVal* c = NodeConst(lc.fc.file, node.b)) return lc.b.PtrOffset(base, int64_t(c->i) * int64_t(es));
  ir::Reg idx = LowerAs(lc, node.b, types_.IsSigned(types_.Unqual(info.types[node.b])) ? kS64 : kU64);
  if (length) lc.b.BoundsCheck(idx, int64_t(length));
  return lc.b.PtrAdd(base, idx, int64_t(es));
}

ir::Reg Lowerer::LowerField(LowerCtx& lc, NodeId n, bool want_address) {
  const Node& node = AstOf(lc.fc.file)[n];
  FileInfo& info = Info(lc.fc.file);
  uint32_t ref = info.refs[n];
  bool by_value = (ref & kFieldByValue) && !want_address;
  uint32_t idx = ref & ~(kFieldByValue | kFieldOfPlace);
  TypeId bt = types_.Unqual(info.types[node.a]);
  ir::Reg base;
  TypeId st = bt;
  if (types_.Kind(bt) == TypeKind::Struct) {
    base = LowerAddr(lc, node.a);
  } else {
    base = LowerExpr(lc, node.a);
    st = types_.Unqual(types_[bt].elem);
  }
  const FieldInfo& f = types_.Struct(st).fields[idx];
  ir::Reg addr = f.offset ? lc.b.PtrOffset(base, int64_t(f.offset)) : base;
  return by_value ? LoadValue(lc, f.type, addr) : addr;
}

}  // namespace thrustc::frontend
