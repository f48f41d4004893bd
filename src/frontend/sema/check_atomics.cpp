// Atomics (contract 15.1): atomic variables are declared with an ordering word; the builtins of
// builtins.def's AtomicRmw and AtomicCas families operate on them.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

namespace {
// Orderings a destination or a compare-and-swap may use (not atomicNone or atomicFree).
bool IsOrdering(Modifier m) {
  return m == Modifier::AtomicRelax || m == Modifier::AtomicGrab || m == Modifier::AtomicDrop ||
         m == Modifier::AtomicSync || m == Modifier::AtomicStrict;
}
}  // namespace

// An atomic variable holds an integer (the IR's atomic operations are integer operations).
bool Sema::CheckAtomicType(const Symbol& sym, TypeId t) {
  if (sym.atomic == Modifier::AtomicNone || types_.IsInt(types_.Unqual(t))) return true;
  Error(DiagKind::InvalidAtomic, TokRange(sym.file, sym.tok),
        "atomic variable `" + std::string(Str(sym.name)) + "` must have an integer type, not " + TypeStr(t));
  return false;
}

// The first argument of an atomic builtin: a variable declared with an ordering word. Returns
// its ordering, or AtomicNone after an error.
Modifier Sema::AtomicDestination(FnCtx& fc, NodeId dst, std::string_view builtin) {
  const Ast& ast = AstOf(fc.file);
  TypeId t = CheckExpr(fc, dst);
  if (t == kErrorType) return Modifier::AtomicNone;
  uint32_t ref = Info(fc.file).refs[dst];
  const Symbol* sym = ast[dst].kind == NodeKind::Name && ref ? &RefSymbol(fc, ref) : nullptr;
  if (!sym || (sym->kind != SymKind::Var && sym->kind != SymKind::Static) || !IsOrdering(sym->atomic)) {
    auto& d = Error(DiagKind::InvalidAtomic, NodeRange(fc.file, dst),
                    "the destination of `" + std::string(builtin) +
                        "` must be an atomic variable (declared with an ordering word such as `atomicRelax`)");
    if (sym && sym->atomic != Modifier::AtomicNone)
      in_.diags->AddNote(d, TokRange(sym->file, sym->tok),
                         "declared `" + std::string(ModifierSpelling(sym->atomic)) + "`, which is not an ordering");
    return Modifier::AtomicNone;
  }
  if (sym->kind == SymKind::Static && !sym->is_mut) {
    auto& d = Error(DiagKind::AssignToConst, NodeRange(fc.file, dst),
                    "`" + std::string(builtin) + "` writes its destination, a read-only static; declare it `static mut`");
    in_.diags->AddNote(d, TokRange(sym->file, sym->tok), "declared here");
    return Modifier::AtomicNone;
  }
  return sym->atomic;
}

TypeId Sema::CheckAtomicBuiltin(FnCtx& fc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  std::string_view name = kBuiltinInfo[int(which)].name;
  NodeId dst = ast.ListAt(node.b, 0);
  if (AtomicDestination(fc, dst, name) == Modifier::AtomicNone) return kErrorType;
  TypeId t = types_.Unqual(Info(fc.file).types[dst]);
  if (which != Builtin::AtomicCompareAndSwap) return CheckValue(fc, ast.ListAt(node.b, 1), t) == kErrorType ? kErrorType : t;

  bool ok = true;
  NodeId expected = ast.ListAt(node.b, 1);
  TypeId te = CheckExpr(fc, expected);
  if (te != kErrorType && (!IsPlace(fc, expected) || ast[expected].kind != NodeKind::Name || types_.Unqual(te) != t)) {
    Error(DiagKind::InvalidAtomic, NodeRange(fc.file, expected),
          "the expected value of `atomicCompareAndSwap` must be a variable of the destination's type " + TypeStr(t) +
              " (it receives the current value when the swap fails)");
    ok = false;
  }
  ok &= CheckValue(fc, ast.ListAt(node.b, 2), t) != kErrorType;
  Modifier order[2] = {Modifier::AtomicNone, Modifier::AtomicNone};
  for (uint32_t i = 0; i < 2; ++i) {
    NodeId w = ast.ListAt(node.b, 3 + i);
    if (ast[w].kind != NodeKind::Name || !LookUpModifier(Str(ast[w].a), &order[i]) || !IsOrdering(order[i])) {
      Error(DiagKind::InvalidAtomic, NodeRange(fc.file, w),
            std::string(i ? "the failure" : "the success") +
                " ordering must be one of `atomicRelax`, `atomicGrab`, `atomicDrop`, `atomicSync`, `atomicStrict`");
      return kErrorType;
    }
  }
  // C11 and LLVM: a failure is a load (no release half) and no stronger than the success.
  Modifier s = order[0], f = order[1];
  bool acquires = s == Modifier::AtomicGrab || s == Modifier::AtomicSync || s == Modifier::AtomicStrict;
  if (f == Modifier::AtomicDrop || f == Modifier::AtomicSync || (f == Modifier::AtomicGrab && !acquires) ||
      (f == Modifier::AtomicStrict && s != Modifier::AtomicStrict)) {
    Error(DiagKind::InvalidAtomic, NodeRange(fc.file, ast.ListAt(node.b, 4)),
          "failure ordering `" + std::string(ModifierSpelling(f)) + "` is not allowed with success ordering `" +
              std::string(ModifierSpelling(s)) + "`: a failure only loads (not `atomicDrop` or `atomicSync`) and is "
              "no stronger than the success");
    return kErrorType;
  }
  return ok ? kBool : kErrorType;
}

}  // namespace thrustc::frontend
