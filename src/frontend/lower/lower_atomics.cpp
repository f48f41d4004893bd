// Atomics (contract 15.1) to the IR's atomic ops: plain reads and writes of atomic variables and
// the atomic builtins.
#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

namespace {
// A builtin's ordering word as an IR ordering (atomicFree, unordered in LLVM, is kept relaxed).
ir::AtomicOrder OrderOf(Modifier m) {
  switch (m) {
    case Modifier::AtomicGrab: return ir::AtomicOrder::Acquire;
    case Modifier::AtomicDrop: return ir::AtomicOrder::Release;
    case Modifier::AtomicSync: return ir::AtomicOrder::AcqRel;
    case Modifier::AtomicStrict: return ir::AtomicOrder::SeqCst;
    default: return ir::AtomicOrder::Relaxed;
  }
}
// Plain reads acquire for atomicGrab and atomicSync; writes release for atomicDrop and atomicSync.
ir::AtomicOrder ReadOrder(Modifier m) {
  if (m == Modifier::AtomicStrict) return ir::AtomicOrder::SeqCst;
  return m == Modifier::AtomicGrab || m == Modifier::AtomicSync ? ir::AtomicOrder::Acquire : ir::AtomicOrder::Relaxed;
}
ir::AtomicOrder WriteOrder(Modifier m) {
  if (m == Modifier::AtomicStrict) return ir::AtomicOrder::SeqCst;
  return m == Modifier::AtomicDrop || m == Modifier::AtomicSync ? ir::AtomicOrder::Release : ir::AtomicOrder::Relaxed;
}
ir::RmwOp RmwOf(Builtin b) {
  switch (b) {
    case Builtin::AtomicAdd: return ir::RmwOp::Add;
    case Builtin::AtomicSubtract: return ir::RmwOp::Sub;
    case Builtin::AtomicAnd: return ir::RmwOp::And;
    case Builtin::AtomicNand: return ir::RmwOp::Nand;
    case Builtin::AtomicOr: return ir::RmwOp::Or;
    case Builtin::AtomicXor: return ir::RmwOp::Xor;
    case Builtin::AtomicSignedMaximum: return ir::RmwOp::SMax;
    case Builtin::AtomicSignedMinimum: return ir::RmwOp::SMin;
    case Builtin::AtomicUnsignedMaximum: return ir::RmwOp::UMax;
    case Builtin::AtomicUnsignedMinimum: return ir::RmwOp::UMin;
    default: return ir::RmwOp::Xchg;  // atomicStore exchanges
  }
}
}  // namespace

// The ordering word of the variable a place names, or AtomicNone.
Modifier Lowerer::AtomicOfPlace(LowerCtx& lc, NodeId place) {
  uint32_t ref = Info(lc.fc.file).refs[place];
  if (AstOf(lc.fc.file)[place].kind != NodeKind::Name || !ref) return Modifier::AtomicNone;
  const Symbol& s = RefSymbol(lc.fc, ref);
  return s.kind == SymKind::Var || s.kind == SymKind::Static ? s.atomic : Modifier::AtomicNone;
}

ir::Reg Lowerer::LoadPlace(LowerCtx& lc, NodeId place, TypeId t, ir::Reg addr) {
  Modifier m = AtomicOfPlace(lc, place);
  if (m == Modifier::AtomicNone) return LoadValue(lc, t, addr);
  return lc.b.AtomicLoad(IrType(types_, types_.Unqual(t)), ReadOrder(m), addr);
}

void Lowerer::StorePlace(LowerCtx& lc, NodeId place, TypeId t, ir::Reg value, ir::Reg addr) {
  Modifier m = AtomicOfPlace(lc, place);
  if (m == Modifier::AtomicNone) return StoreValue(lc, t, value, addr);
  lc.b.AtomicStore(IrType(types_, types_.Unqual(t)), WriteOrder(m), value, addr);
}

ir::Reg Lowerer::LowerAtomicBuiltin(LowerCtx& lc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  NodeId dst = ast.ListAt(node.b, 0);
  TypeId t = types_.Unqual(Info(lc.fc.file).types[dst]);
  ir::Type it = IrType(types_, t);
  ir::AtomicOrder order = OrderOf(AtomicOfPlace(lc, dst));
  ir::Reg addr = LowerAddr(lc, dst);
  if (which != Builtin::AtomicCompareAndSwap)
    return lc.b.AtomicRmw(RmwOf(which), it, order, addr, LowerAs(lc, ast.ListAt(node.b, 1), t));
  NodeId expected = ast.ListAt(node.b, 1);
  ir::Reg expected_addr = LowerAddr(lc, expected);
  ir::Reg want = LoadValue(lc, t, expected_addr);
  ir::Reg desired = LowerAs(lc, ast.ListAt(node.b, 2), t);
  Modifier success = Modifier::AtomicNone, failure = Modifier::AtomicNone;
  LookUpModifier(Str(ast[ast.ListAt(node.b, 3)].a), &success);
  LookUpModifier(Str(ast[ast.ListAt(node.b, 4)].a), &failure);
  ir::Reg old = lc.b.CmpXchg(it, OrderOf(success), OrderOf(failure), addr, want, desired);
  StoreValue(lc, t, old, expected_addr);  // equal to `want` when the swap happened (C11)
  return LowerCompare(lc, uint8_t(TokenKind::EqEq), t, old, want);
}

}  // namespace thrustc::frontend
