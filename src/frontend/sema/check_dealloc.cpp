// `@dealloc` and `@deallocator` (4.1): which function a `var x @dealloc: T` calls when its block
// exits (with `ref x`, or with `x` for `@dealloc(f)` when f takes a T), including instances of
// generic deallocators (`fn drop[T](p: ptr[Box[T]])` for `Box[s32]`). Lowering emits the call as
// a defer registered right after the declaration.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

// `@deallocator` needs exactly one pointer parameter and no result.
void Sema::CheckDeallocatorSignature(uint32_t fn) {
  const Symbol& s = syms_[fn];
  auto params = types_.FnParams(s.type);
  bool ok = params.size() == 1 && types_[s.type].elem == kVoid && types_.IsPointerLike(params[0]);
  if (!ok)
    Error(DiagKind::InvalidAttribute, TokRange(s.file, s.tok),
          "a `@deallocator` takes exactly one pointer parameter and returns nothing, e.g. `fn free(p: ptr[T]) void`");
}

// Whether function `fn` (signed) can deallocate a variable of type t: it takes ptr[t] (by
// address), or, with by_value set on entry, a value t converts to.
bool Sema::DeallocatorTakes(uint32_t fn, TypeId var_type, bool* by_value) {
  if (!EnsureSignature(fn)) return false;
  auto params = types_.FnParams(syms_[fn].type);
  if (params.size() != 1) return false;
  TypeId p = types_.Unqual(params[0]);
  if (types_.Kind(p) == TypeKind::PtrTo && types_.Unqual(types_[p].elem) == types_.Unqual(var_type)) {
    *by_value = false;
    return true;
  }
  if (*by_value && ConvertsImplicitly(types_, var_type, params[0])) return true;
  *by_value = false;
  return false;
}

bool Sema::ResolveDeallocator(FnCtx& fc, Symbol& var, SourceRange where) {
  TypeId t = var.type;
  TypeId want = types_.PtrTo(types_.Unqual(t));
  // The instance of generic deallocator g that takes `want`, or UINT32_MAX.
  auto instance_for = [&](uint32_t g) -> uint32_t {
    const FnDecl& d = AstOf(syms_[g].file).fns[syms_[g].decl];
    if (d.params.count != 1) return UINT32_MAX;
    std::vector<TypeId> bound(d.type_params.count, kErrorType);
    std::vector<uint8_t> literal(d.type_params.count, 0);
    std::vector<NodeId> by(d.type_params.count, kNoNode);
    NodeId pattern = AstOf(syms_[g].file).params[d.params.start].type;
    uint32_t errors = in_.diags->ErrorCount();
    if (!Unify(syms_[g].file, d.type_params, pattern, want, bound, literal, by, kNoNode, fc.file) ||
        in_.diags->ErrorCount() != errors)
      return UINT32_MAX;
    for (TypeId b : bound)
      if (b == kErrorType) return UINT32_MAX;
    uint32_t inst = Instantiate(g, bound, fc.file, where);
    bool by_value = false;
    return inst != UINT32_MAX && DeallocatorTakes(inst, t, &by_value) && !by_value ? inst : UINT32_MAX;
  };
  std::string tq = TypeStr(t);
  if (var.dealloc_name) {  // @dealloc(f)
    NameId name = AstOf(fc.file)[var.dealloc_name].a;
    std::string q = "`" + std::string(Str(name)) + "`";
    uint32_t f = LookupGlobal(fc.file, name);
    if (f == UINT32_MAX || syms_[f].kind != SymKind::Func) {
      Error(DiagKind::NoDeallocator, NodeRange(fc.file, var.dealloc_name),
            f == UINT32_MAX ? "unknown function " + q : q + " is not a function");
      return false;
    }
    bool by_value = true;
    uint32_t fn = syms_[f].generic ? instance_for(f) : DeallocatorTakes(f, t, &by_value) ? f : UINT32_MAX;
    if (fn == UINT32_MAX) {
      auto& d = Error(DiagKind::NoDeallocator, NodeRange(fc.file, var.dealloc_name),
                      q + " cannot deallocate a " + tq + ": it must take `ptr[" + types_.Print(t, *names_) + "]` or a " + tq);
      in_.diags->AddNote(d, TokRange(syms_[f].file, syms_[f].tok), "declared here");
      return false;
    }
    var.dealloc_fn = fn;
    var.dealloc_by_value = by_value;
    return true;
  }
  std::vector<uint32_t> found;
  for (uint32_t s = 0; s < syms_.size(); ++s) {
    const Symbol& cand = syms_[s];
    if (cand.kind != SymKind::Func || !cand.deallocator || cand.file == kCFile || !files_[cand.file].instance.empty())
      continue;
    bool by_value = false;
    uint32_t fn = cand.generic ? instance_for(s) : DeallocatorTakes(s, t, &by_value) ? s : UINT32_MAX;
    if (fn != UINT32_MAX) found.push_back(fn);
  }
  if (found.size() == 1) {
    var.dealloc_fn = found[0];
    return true;
  }
  auto& d = Error(DiagKind::NoDeallocator, where,
                  found.empty() ? "no `@deallocator` takes `ptr[" + types_.Print(t, *names_) + "]`; declare one or name it: `@dealloc(f)`"
                                : std::to_string(found.size()) + " `@deallocator` functions take `ptr[" + types_.Print(t, *names_) +
                                      "]`; name the one to call: `@dealloc(f)`");
  for (uint32_t fn : found) in_.diags->AddNote(d, TokRange(syms_[fn].file, syms_[fn].tok), "candidate");
  return false;
}

}  // namespace thrustc::frontend
