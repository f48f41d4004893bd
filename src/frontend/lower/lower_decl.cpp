// Lowering of declarations: each function the checker collects gets its ir::Function (and its
// signature once its type is known), a checked function body is lowered into it (parameters in
// stack slots, aggregate parameters by address), frontend types become IR and ABI types
// (aggregates flattened into leaves from the frontend's own layout), and `@extern` prototypes
// become External functions.
#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

void Lowerer::NoteCallee(ir::FuncId caller, ir::FuncId callee) {
  auto& v = func_callees_[caller];
  if (v.empty() || v.back() != callee) v.push_back(callee);
}

void Lowerer::NoteStatic(ir::FuncId fn, uint32_t sym) {
  auto& v = func_statics_[fn];
  if (v.empty() || v.back() != sym) v.push_back(sym);
}

ir::Type IrType(const TypeTable& types, TypeId t) {
  t = types.Unqual(t);
  switch (types.Kind(t)) {
    case TypeKind::Void: case TypeKind::Error: return ir::Type::Void;
    case TypeKind::F32: return ir::Type::F32;
    case TypeKind::F64: case TypeKind::FloatLit: return ir::Type::F64;
    case TypeKind::IntLit: return ir::Type::I32;
    default: break;
  }
  if (types.IsInt(t) || t == kBool) {
    switch (types.SizeOf(t)) {
      case 1: return ir::Type::I8;
      case 2: return ir::Type::I16;
      case 4: return ir::Type::I32;
      default: return ir::Type::I64;
    }
  }
  return ir::Type::Ptr;
}

static void FlattenLeaves(const TypeTable& types, TypeId t, uint32_t base, std::vector<ir::AggType::Leaf>& out) {
  t = types.Unqual(t);
  if (types.Kind(t) == TypeKind::Struct) {
    for (const FieldInfo& f : types.Struct(t).fields) FlattenLeaves(types, f.type, base + uint32_t(f.offset), out);
  } else if (types.Kind(t) == TypeKind::FixedArray || types.Kind(t) == TypeKind::Vector) {
    uint32_t es = uint32_t(types.SizeOf(types[t].elem));
    for (uint64_t i = 0; i < types[t].count; ++i) FlattenLeaves(types, types[t].elem, base + uint32_t(i) * es, out);
  } else {
    out.push_back({IrType(types, t), base});
  }
}

ir::AggId Lowerer::AggOf(TypeId t) {
  t = types_.Unqual(t);
  bool is_struct = types_.Kind(t) == TypeKind::Struct;
  if (is_struct && types_.Struct(t).agg != UINT32_MAX) return types_.Struct(t).agg;
  if (!is_struct)
    if (auto it = array_aggs_.find(t); it != array_aggs_.end()) return it->second;
  ir::AggType agg;
  agg.name = types_.Print(t, *names_);
  agg.size = uint32_t(types_.SizeOf(t));
  agg.align = types_.AlignOf(t);
  // Large aggregates always travel in memory; their leaves would only cost space.
  if (agg.size <= 4096) FlattenLeaves(types_, t, 0, agg.leaves);
  ir::AggId id = ir::AggId(mod_.aggs.size());
  mod_.aggs.push_back(std::move(agg));
  if (is_struct) types_.Struct(t).agg = id;
  else array_aggs_.emplace(t, id);
  return id;
}

ir::AbiType Lowerer::AbiOf(TypeId t) {
  if (types_.IsAggregate(t)) return ir::AbiType{ir::Type::Void, AggOf(t)};
  return ir::AbiType{IrType(types_, t)};
}

ir::Signature Lowerer::SignatureOf(TypeId fn_type, bool variadic) {
  ir::Signature sig;
  for (TypeId p : types_.FnParams(fn_type)) sig.params.push_back(AbiOf(p));
  sig.ret = AbiOf(types_[fn_type].elem);
  sig.variadic = variadic;
  return sig;
}

ir::FuncId Lowerer::ExternFunction(const std::string& symbol, const ir::Signature& sig) {
  auto [it, inserted] = externs_.try_emplace(symbol, ir::FuncId(mod_.functions.size()));
  if (!inserted) return it->second;
  ir::Function fn;
  fn.name = symbol;
  fn.sig = sig;
  fn.linkage = ir::Linkage::External;
  mod_.functions.push_back(std::move(fn));
  func_sym_.push_back(UINT32_MAX);
  func_callees_.emplace_back();
  func_statics_.emplace_back();
  return it->second;
}

uint32_t Lowerer::DeclareFunction(const Symbol& sym, uint32_t index) {
  const std::string& instance = Info(sym.file).instance;  // a generic's instance: `wrap[s32]`
  std::string name = instance.empty() ? LinkName(sym) : instance;  // `m::f` for a module's (13)
  ir::Function fn;
  uint32_t& uses = used_fn_names_[name];
  fn.name = uses++ ? name + "." + std::to_string(uses - 1) : name;
  fn.linkage = sym.is_public ? ir::Linkage::Public : ir::Linkage::Internal;
  fn.compiletime = sym.compiletime;
  fn.loc = AstOf(sym.file).tokens->Loc(sym.tok);
  ir::FuncId id = ir::FuncId(mod_.functions.size());
  mod_.functions.push_back(std::move(fn));
  func_sym_.push_back(index);
  func_callees_.emplace_back();
  func_statics_.emplace_back();
  return id;
}

void Lowerer::DeclareSignature(Symbol& sym) {
  ir::Signature sig = SignatureOf(sym.type, sym.variadic);
  if (sym.is_extern) sym.ir = ExternFunction(sym.extern_name, sig);
  else mod_.functions[sym.ir].sig = IsThrustVariadic(sym) ? VariadicSignatureOf(sym) : sig;
}

ir::Reg Lowerer::LocalAddr(LowerCtx& lc, uint32_t local) { return lc.addrs[local]; }

ir::Reg Lowerer::TempSlot(LowerCtx& lc, TypeId t) {
  return lc.b.NewSlotAddr(uint32_t(types_.SizeOf(t)), types_.AlignOf(t));
}

void Lowerer::StoreValue(LowerCtx& lc, TypeId t, ir::Reg value, ir::Reg addr) {
  if (types_.IsAggregate(t)) {
    if (types_.SizeOf(t)) lc.b.Copy(addr, value, int64_t(types_.SizeOf(t)));
    return;
  }
  lc.b.Store(IrType(types_, t), value, addr);
}

ir::Reg Lowerer::LoadValue(LowerCtx& lc, TypeId t, ir::Reg addr) {
  if (types_.IsAggregate(t)) return addr;  // aggregates travel by address
  return lc.b.Load(IrType(types_, t), addr);
}

void Lowerer::LowerFunction(uint32_t s, FnCtx& fc) {
  ir::FuncId id = syms_[s].ir;
  const Ast& ast = AstOf(fc.file);
  const FnDecl& d = ast.fns[syms_[s].decl];
  LowerCtx lc(fc, mod_, id, &inst_pool_);
  lc.addrs.assign(fc.locals.size(), ir::kNoReg);
  lc.b.SetBlock(lc.b.NewBlock("entry"));
  lc.b.SetLoc(ast.tokens->Loc(d.name_tok));
  auto declared = [&] {  // the declared parameters, each stored in its slot
    for (uint32_t i = 0; i < d.params.count; ++i) {
      const Symbol& p = fc.locals[i];
      if (types_.IsAggregate(p.type)) {
        ir::Reg r = lc.b.NewReg(ir::Type::Ptr);
        mod_.functions[id].params.push_back(r);
        lc.addrs[i] = r;  // the callee's own copy
        continue;
      }
      ir::Reg r = lc.b.NewReg(IrType(types_, p.type));
      mod_.functions[id].params.push_back(r);
      lc.addrs[i] =
          lc.b.NewSlotAddr(uint32_t(types_.SizeOf(p.type)), types_.AlignOf(p.type), std::string(Str(p.name)));
      lc.b.Store(IrType(types_, p.type), r, lc.addrs[i]);
    }
  };
  if (IsThrustVariadic(syms_[s])) LowerVariadicEntry(lc, syms_[s], declared);
  else declared();
  LowerBlock(lc, d.body);
  if (!lc.b.Terminated()) {
    if (fc.ret == kVoid) lc.b.Ret();
    else lc.b.Trap(ir::TrapKind::Unreachable);  // the checker proved this is never reached
  }
  lc.b.Finish();
}

}  // namespace thrustc::frontend
