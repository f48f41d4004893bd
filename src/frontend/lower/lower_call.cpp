// Lowering of calls (direct, external, indirect, variadic with C promotions, aggregates by value
// per the ABI types), of the builtins that call C (halloc, memcpy, memmove, memset), and of
// struct and array literals built in hidden stack slots.
#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

ir::Reg Lowerer::LowerCall(LowerCtx& lc, NodeId n) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(lc.fc.file);
  uint32_t ref = info.refs[n];
  if (ref & kBuiltinRef) return LowerBuiltin(lc, n, Builtin(ref & ~kBuiltinRef));
  TypeId fn_type;
  bool variadic = false;
  ir::FuncId callee = UINT32_MAX;
  ir::Reg target = ir::kNoReg;
  if (ref) {
    const Symbol& s = syms_[ref - 1];
    if (IsThrustVariadic(s)) return LowerVariadicCall(lc, n, s);
    fn_type = s.type;
    variadic = s.variadic;
    callee = s.ir;
    if (!s.is_extern) NoteCallee(lc.func, callee);
  } else {
    target = LowerExpr(lc, node.a);
    fn_type = types_.Unqual(info.types[node.a]);
  }
  auto params = types_.FnParams(fn_type);
  std::vector<TypeId> param_types(params.begin(), params.end());
  TypeId ret = types_[fn_type].elem;
  ir::CallInfo call;
  call.args.resize(node.c);
  call.arg_types.resize(node.c);
  for (uint32_t i = 0; i < node.c; ++i) {  // in source order; a named one goes to its parameter
    NodeId arg = ast.ListAt(node.b, i);
    uint32_t slot = IsNamedArg(ast, arg) ? info.refs[arg] - 1 : i;
    TypeId t = slot < param_types.size() ? param_types[slot] : PromoteVariadic(types_, info.types[arg]);
    call.args[slot] = LowerAs(lc, ArgValue(ast, arg), t);
    call.arg_types[slot] = AbiOf(t);
  }
  call.ret = AbiOf(ret);
  call.variadic = variadic;
  call.fixed_count = uint32_t(param_types.size());
  if (types_.IsAggregate(ret)) call.ret_dest = TempSlot(lc, ret);
  ir::Reg dest = call.ret_dest;
  ir::Reg r = callee != UINT32_MAX ? lc.b.Call(callee, std::move(call)) : lc.b.CallIndirect(target, std::move(call));
  return types_.IsAggregate(ret) ? dest : r;
}

ir::Reg Lowerer::LowerBuiltin(LowerCtx& lc, NodeId n, Builtin which) {
  BuiltinFamily family = kBuiltinInfo[int(which)].family;
  if (family == BuiltinFamily::AtomicRmw || family == BuiltinFamily::AtomicCas) return LowerAtomicBuiltin(lc, n, which);
  if (family == BuiltinFamily::Assert) return ir::kNoReg;  // checked by the checker; no code (10.7)
  if (family == BuiltinFamily::Variadic) return LowerVariadicBuiltin(lc, n, which);
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(lc.fc.file);
  using ir::Type;
  auto abi = [](Type t) { return ir::AbiType{t}; };
  ir::CallInfo call;
  call.ret = abi(Type::Ptr);
  ir::Signature sig;
  sig.ret = abi(Type::Ptr);
  std::string symbol;
  if (which == Builtin::HAlloc) {
    TypeId elem = types_[types_.Unqual(info.types[n])].elem;
    symbol = "calloc";
    sig.params = {abi(Type::I64), abi(Type::I64)};
    call.args = {lc.b.IConst(Type::I64, 1), lc.b.IConst(Type::I64, int64_t(std::max<uint64_t>(types_.SizeOf(elem), 1)))};
  } else {
    symbol = which == Builtin::MemCpy ? "memcpy" : which == Builtin::MemMove ? "memmove" : "memset";
    Type second = which == Builtin::MemSet ? Type::I32 : Type::Ptr;
    sig.params = {abi(Type::Ptr), abi(second), abi(Type::I64)};
    call.args.push_back(LowerExpr(lc, ast.ListAt(node.b, 0)));
    call.args.push_back(LowerAs(lc, ast.ListAt(node.b, 1), which == Builtin::MemSet ? kS32 : kPtr));
    call.args.push_back(LowerAs(lc, ast.ListAt(node.b, 2), kUSize));
  }
  call.arg_types = sig.params;
  call.fixed_count = uint32_t(sig.params.size());
  return lc.b.Call(ExternFunction(symbol, sig), std::move(call));
}

ir::Reg Lowerer::LowerAggregateLit(LowerCtx& lc, NodeId n) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(lc.fc.file);
  TypeId t = types_.Unqual(info.types[n]);
  if (node.kind == NodeKind::StructLit) {
    ir::Reg base = TempSlot(lc, t);
    if (types_.SizeOf(t)) lc.b.Zero(base, int64_t(types_.SizeOf(t)));  // padding is deterministic
    for (uint32_t i = 0; i < node.c; ++i) {
      NodeId init = ast.ListAt(node.b, i);
      const FieldInfo& f = types_.Struct(t).fields[info.refs[init]];
      TypeId ft = f.type;
      int64_t offset = int64_t(f.offset);
      ir::Reg v = LowerAs(lc, ast[init].b, ft);
      StoreValue(lc, ft, v, offset ? lc.b.PtrOffset(base, offset) : base);
    }
    return base;
  }
  TypeId elem = types_[t].elem;
  TypeId storage = node.kind == NodeKind::ArrayLit ? types_.FixedArray(elem, node.c) : t;
  ir::Reg base = TempSlot(lc, storage);
  uint64_t es = types_.SizeOf(elem);
  if (types_.SizeOf(storage) > es * node.c) lc.b.Zero(base, int64_t(types_.SizeOf(storage)));  // a vector's padding
  for (uint32_t i = 0; i < node.c; ++i) {
    ir::Reg v = LowerAs(lc, ast.ListAt(node.b, i), elem);
    StoreValue(lc, elem, v, i ? lc.b.PtrOffset(base, int64_t(i * es)) : base);
  }
  return base;
}

}  // namespace thrustc::frontend
