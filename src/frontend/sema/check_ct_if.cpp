// Compile-time conditionals (10.6): `@if` / `@elif` / `@else` chains at top level and in bodies.
// Conditions are compile-time `bool`s, folded by the checker or run by the compile-time
// evaluator; exactly the first true branch is kept and checked, the others are never resolved.
// Top-level chains and `staticAssert`s are handled once every other declaration is collected.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

std::optional<bool> Sema::EvalCtCondition(FnCtx& fc, NodeId cond, const std::string& what) {
  uint32_t errors = in_.diags->ErrorCount();
  ++const_depth_;
  TypeId t = CheckExpr(fc, cond, kBool);
  --const_depth_;
  if (t == kErrorType || in_.diags->ErrorCount() != errors) return std::nullopt;
  if (types_.Unqual(t) != kBool) {
    Error(DiagKind::ConditionNotBool, ExprRange(fc.file, cond), what + " must be `bool`, found " + TypeStr(t));
    return std::nullopt;
  }
  std::optional<ConstVal> v;
  if (const ConstVal* c = NodeConst(fc.file, cond)) v = *c;
  else v = EvalNode(fc, cond, kBool, ExprRange(fc.file, cond), what);
  if (!v) return std::nullopt;
  return v->i != 0;
}

// The kept branch of the chain at n (kNoNode after an error, reported).
NodeId Sema::ChooseCtBranch(FnCtx& fc, NodeId n) {
  const Ast& ast = AstOf(fc.file);
  NodeId first = n;
  for (;;) {
    const Node& node = ast[n];
    if (!node.a) return kNoNode;  // a parse error, reported
    std::optional<bool> v = EvalCtCondition(fc, node.a, "an `@if` condition");
    if (!v) {
      fc.broken = true;
      return kNoNode;
    }
    if (*v) return node.b;
    if (node.c && ast[node.c].kind == NodeKind::CtIf) {
      n = node.c;
      continue;
    }
    if (node.c) return node.c;
    Error(DiagKind::NoCtIfBranch, NodeRange(fc.file, first),
          "no condition of this `@if` chain is true and it has no `@else`");
    fc.broken = true;
    return kNoNode;
  }
}

// Top-level `@if` chains (their kept declarations join the program; a kept chain may hold more)
// and `staticAssert(...)` items, in source order.
void Sema::CollectTopLevelLater() {
  for (size_t i = 0; i < ct_items_.size(); ++i) {
    auto [file, item] = ct_items_[i];
    const Ast& ast = AstOf(file);
    FnCtx fc;
    fc.file = file;
    if (ast[item].kind == NodeKind::ExprStmt) {
      CheckExpr(fc, ast[item].a);
      continue;
    }
    NodeId kept = ChooseCtBranch(fc, item);
    Info(file).refs[item] = kept;
    if (!kept) continue;
    if (ast[kept].kind != NodeKind::Block) {
      CollectItem(file, kept, true);
      continue;
    }
    for (uint32_t k = 0; k < ast[kept].c; ++k) CollectItem(file, ast.ListAt(ast[kept].b, k), true);
  }
}

}  // namespace thrustc::frontend
