// Lowering of statements: blocks with their deferred statements (run at every exit in reverse
// order), local variables in stack slots (zeroed without initializer), if/elif/else, the three
// loop forms, break/continue/return.
#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

void Lowerer::RunDefers(LowerCtx& lc, size_t down_to) {
  // Other exits of the same scopes still need these statements, so the list is left as it is;
  // LowerBlock restores it after any defers nested inside the deferred code.
  for (size_t i = lc.defers.size(); i > down_to; --i) {
    NodeId d = lc.defers[i - 1];
    if (AstOf(lc.fc.file)[d].kind == NodeKind::VarItem) LowerDeallocCall(lc, d);  // `@dealloc` (4.1)
    else LowerBlock(lc, d);
    if (lc.b.Terminated()) return;
  }
}

void Lowerer::StartDeadBlock(LowerCtx& lc) { lc.b.SetBlock(lc.b.NewBlock()); }

void Lowerer::LowerBlock(LowerCtx& lc, NodeId n) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  size_t mark = lc.defers.size();
  if (node.kind == NodeKind::Block) {
    for (uint32_t i = 0; i < node.c && !lc.b.Terminated(); ++i) LowerStmt(lc, ast.ListAt(node.b, i));
  } else if (n != kNoNode) {
    LowerStmt(lc, n);
  }
  if (!lc.b.Terminated()) RunDefers(lc, mark);
  lc.defers.resize(mark);
}

void Lowerer::LowerLocalDecl(LowerCtx& lc, NodeId n) {
  uint32_t idx = Info(lc.fc.file).refs[n] & ~kLocalRef;
  const Symbol& sym = lc.fc.locals[idx];
  if (sym.kind != SymKind::Var) return;  // constants are folded, statics are globals
  TypeId t = sym.type;
  uint32_t align = std::max(types_.AlignOf(t), sym.align);
  lc.addrs[idx] = lc.b.NewSlotAddr(uint32_t(types_.SizeOf(t)), align, std::string(Str(sym.name)));
  if (sym.init) {
    ir::Reg v = LowerAs(lc, sym.init, t);
    StoreValue(lc, t, v, lc.addrs[idx]);
  } else if (types_.SizeOf(t)) {
    lc.b.Zero(lc.addrs[idx], int64_t(types_.SizeOf(t)));
  }
  if (sym.dealloc_fn != UINT32_MAX) lc.defers.push_back(n);  // its deallocator runs at block exit
}

// The deallocator call of `var x @dealloc` (node n): f(ref x), or f(x) for a by-value one.
void Lowerer::LowerDeallocCall(LowerCtx& lc, NodeId n) {
  const Symbol& var = lc.fc.locals[Info(lc.fc.file).refs[n] & ~kLocalRef];
  const Symbol& fn = syms_[var.dealloc_fn];
  TypeId param = types_.FnParams(fn.type)[0];
  ir::Reg addr = lc.addrs[Info(lc.fc.file).refs[n] & ~kLocalRef];
  ir::Reg arg = var.dealloc_by_value ? Convert(lc, LoadValue(lc, var.type, addr), var.type, param) : addr;
  ir::CallInfo call;
  call.args.push_back(arg);
  call.arg_types.push_back(AbiOf(param));
  call.ret = AbiOf(kVoid);
  call.fixed_count = 1;
  if (!fn.is_extern) NoteCallee(lc.func, fn.ir);
  lc.b.Call(fn.ir, std::move(call));
}

void Lowerer::LowerIf(LowerCtx& lc, NodeId n) {
  const Node& node = AstOf(lc.fc.file)[n];
  ir::Reg cond = LowerExpr(lc, node.a);
  ir::BlockId then_b = lc.b.NewBlock();
  ir::BlockId else_b = node.c ? lc.b.NewBlock() : 0;
  ir::BlockId join = lc.b.NewBlock();
  lc.b.CondBr(cond, then_b, node.c ? else_b : join);
  lc.b.SetBlock(then_b);
  LowerBlock(lc, node.b);
  if (!lc.b.Terminated()) lc.b.Br(join);
  if (node.c) {
    lc.b.SetBlock(else_b);
    LowerBlock(lc, node.c);
    if (!lc.b.Terminated()) lc.b.Br(join);
  }
  lc.b.SetBlock(join);
}

void Lowerer::LowerLoop(LowerCtx& lc, NodeId cond, NodeId body, NodeId step) {
  ir::BlockId header = lc.b.NewBlock();
  ir::BlockId body_b = lc.b.NewBlock();
  ir::BlockId step_b = step ? lc.b.NewBlock() : header;
  ir::BlockId exit = lc.b.NewBlock();
  lc.b.Br(header);
  lc.b.SetBlock(header);
  if (cond) lc.b.CondBr(LowerExpr(lc, cond), body_b, exit);
  else lc.b.Br(body_b);
  lc.b.SetBlock(body_b);
  lc.loops.push_back({exit, step_b, lc.defers.size()});
  LowerBlock(lc, body);
  lc.loops.pop_back();
  if (!lc.b.Terminated()) lc.b.Br(step_b);
  if (step) {  // the action: `break` leaves the loop, `continue` tests the condition again
    lc.b.SetBlock(step_b);
    lc.loops.push_back({exit, header, lc.defers.size()});
    LowerBlock(lc, step);
    lc.loops.pop_back();
    if (!lc.b.Terminated()) lc.b.Br(header);
  }
  lc.b.SetBlock(exit);
}

void Lowerer::LowerReturn(LowerCtx& lc, NodeId n) {
  const Node& node = AstOf(lc.fc.file)[n];
  if (!node.a) {
    RunDefers(lc, 0);
    if (!lc.b.Terminated()) lc.b.Ret();
    return;
  }
  ir::Reg v = LowerAs(lc, node.a, lc.fc.ret);
  if (types_.IsAggregate(lc.fc.ret) && !lc.defers.empty()) {
    // Deferred code may change the variable the value lives in: return a copy.
    ir::Reg copy = TempSlot(lc, lc.fc.ret);
    StoreValue(lc, lc.fc.ret, v, copy);
    v = copy;
  }
  RunDefers(lc, 0);
  if (!lc.b.Terminated()) lc.b.Ret(v);
}

void Lowerer::LowerStmt(LowerCtx& lc, NodeId n) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  lc.b.SetLoc(ast.Loc(n));
  switch (node.kind) {
    case NodeKind::Block: LowerBlock(lc, n); break;
    case NodeKind::VarItem: LowerLocalDecl(lc, n); break;
    case NodeKind::StructItem: case NodeKind::EnumItem: case NodeKind::TypeAliasItem: break;  // types only
    case NodeKind::CtIf:  // the branch the checker kept (10.6)
      if (Info(lc.fc.file).refs[n]) LowerStmt(lc, Info(lc.fc.file).refs[n]);
      break;
    case NodeKind::If: LowerIf(lc, n); break;
    case NodeKind::While: LowerLoop(lc, node.a, node.b, kNoNode); break;
    case NodeKind::Loop: LowerLoop(lc, kNoNode, node.a, kNoNode); break;
    case NodeKind::For: {
      NodeId init = ast.ListAt(node.a, 0);
      size_t mark = lc.defers.size();
      if (init) {
        if (ast[init].kind == NodeKind::VarItem) LowerLocalDecl(lc, init);
        else LowerExpr(lc, init);
      }
      LowerLoop(lc, ast.ListAt(node.a, 1), ast.ListAt(node.a, 3), ast.ListAt(node.a, 2));
      lc.defers.resize(mark);
      break;
    }
    case NodeKind::Break:
    case NodeKind::Continue: {
      LowerCtx::Loop loop = node.a ? lc.loops.front() : lc.loops.back();  // breakall/continueall: the outermost
      RunDefers(lc, loop.defer_depth);
      if (!lc.b.Terminated()) lc.b.Br(node.kind == NodeKind::Break ? loop.brk : loop.cont);
      break;
    }
    case NodeKind::Return: LowerReturn(lc, n); break;
    case NodeKind::Defer: lc.defers.push_back(node.a); break;
    case NodeKind::ExprStmt: LowerExpr(lc, node.a); break;
    case NodeKind::Unreachable: lc.b.Trap(ir::TrapKind::Unreachable); break;
    default: LowerExpr(lc, n); break;
  }
}

}  // namespace thrustc::frontend
