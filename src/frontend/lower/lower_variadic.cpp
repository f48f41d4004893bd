// Thrust variadic functions (7.4) in the IR, as plain functions: the callee takes the hidden
// count (a usize, unless `@noArgCount`), its declared parameters, then a pointer to the extra
// arguments, which the caller stores in 8-byte slots (C's promotions, integers widened to 64
// bits, floats as f64) exactly as C passes arguments on the stack. At entry the callee builds the
// platform `va_list` over those slots (x86-64 System V: register areas exhausted; AAPCS64:
// offsets 0), so `arbitraryArgs()` can go to `vprintf`, and reads advance that list as C does.
// No executor learns anything: it is all loads, stores and pointer steps.
#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

namespace {
constexpr uint32_t kVaListSize = 32;
}  // namespace

bool Lowerer::TargetIsAarch64() const {
  std::string t = TargetTripleText();
  return t.rfind("aarch64", 0) == 0 || t.rfind("arm64", 0) == 0;
}

ir::Signature Lowerer::VariadicSignatureOf(const Symbol& sym) {
  ir::Signature sig = SignatureOf(sym.type, false);
  if (!sym.no_arg_count) sig.params.insert(sig.params.begin(), ir::AbiType{ir::Type::I64});
  sig.params.push_back(ir::AbiType{ir::Type::Ptr});
  return sig;
}

// Fills the va_list at `list` so that it reads from `slots` onwards.
void Lowerer::InitVaList(LowerCtx& lc, ir::Reg list, ir::Reg slots) {
  ir::Builder& b = lc.b;
  auto at = [&](int64_t offset) { return b.PtrAdd(list, b.IConst(ir::Type::I64, offset), 1); };
  if (TargetIsAarch64()) {  // { stack, gr_top, vr_top, gr_offs = 0, vr_offs = 0 }
    b.Store(ir::Type::Ptr, slots, list);
    b.Store(ir::Type::Ptr, slots, at(8));
    b.Store(ir::Type::Ptr, slots, at(16));
    b.Store(ir::Type::I32, b.IConst(ir::Type::I32, 0), at(24));
    b.Store(ir::Type::I32, b.IConst(ir::Type::I32, 0), at(28));
  } else {  // { gp_offset = 48, fp_offset = 176, overflow_arg_area, reg_save_area }
    b.Store(ir::Type::I32, b.IConst(ir::Type::I32, 48), list);
    b.Store(ir::Type::I32, b.IConst(ir::Type::I32, 176), at(4));
    b.Store(ir::Type::Ptr, slots, at(8));
    b.Store(ir::Type::Ptr, slots, at(16));
  }
}

// The entry of a variadic function: the hidden parameters around the declared ones (`declared`
// lowers those) and the function's own list.
void Lowerer::LowerVariadicEntry(LowerCtx& lc, const Symbol& sym, const std::function<void()>& declared) {
  std::vector<ir::Reg>& params = mod_.functions[lc.func].params;
  if (!sym.no_arg_count) {
    lc.va_count = lc.b.NewReg(ir::Type::I64);
    params.push_back(lc.va_count);
  }
  declared();
  lc.va_extras = lc.b.NewReg(ir::Type::Ptr);
  params.push_back(lc.va_extras);
  lc.va_list = lc.b.NewSlotAddr(kVaListSize, 8, "va_list");
  InitVaList(lc, lc.va_list, lc.va_extras);
}

// A call of variadic `sym`: count, declared arguments, then the extras in a buffer of slots.
ir::Reg Lowerer::LowerVariadicCall(LowerCtx& lc, NodeId n, const Symbol& sym) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(lc.fc.file);
  auto params = types_.FnParams(sym.type);
  std::vector<TypeId> param_types(params.begin(), params.end());
  uint32_t fixed = uint32_t(param_types.size()), extras = node.c - fixed;
  ir::Reg buffer = lc.b.NewSlotAddr(8 * std::max(extras, 1u), 8, "varargs");
  ir::CallInfo call;
  if (!sym.no_arg_count) {
    call.args.push_back(lc.b.IConst(ir::Type::I64, extras));
    call.arg_types.push_back(ir::AbiType{ir::Type::I64});
  }
  for (uint32_t i = 0; i < node.c; ++i) {
    NodeId arg = ast.ListAt(node.b, i);
    if (i < fixed) {
      call.args.push_back(LowerAs(lc, arg, param_types[i]));
      call.arg_types.push_back(AbiOf(param_types[i]));
      continue;
    }
    TypeId t = types_.Unqual(PromoteVariadic(types_, info.types[arg]));
    ir::Reg slot = lc.b.PtrAdd(buffer, lc.b.IConst(ir::Type::I64, i - fixed), 8);
    ir::Reg v = LowerAs(lc, arg, t);
    if (types_.IsFloat(t)) lc.b.Store(ir::Type::F64, Convert(lc, v, t, kF64), slot);
    else if (types_.IsInt(t)) lc.b.Store(ir::Type::I64, Convert(lc, v, t, types_.IsSigned(t) ? kS64 : kU64), slot);
    else lc.b.Store(ir::Type::Ptr, v, slot);  // pointers (aggregates were rejected by C's rules: by address)
  }
  call.args.push_back(buffer);
  call.arg_types.push_back(ir::AbiType{ir::Type::Ptr});
  TypeId ret = types_[sym.type].elem;
  call.ret = AbiOf(ret);
  call.fixed_count = uint32_t(call.args.size());
  if (types_.IsAggregate(ret)) call.ret_dest = TempSlot(lc, ret);
  ir::Reg dest = call.ret_dest;
  NoteCallee(lc.func, sym.ir);
  ir::Reg r = lc.b.Call(sym.ir, std::move(call));
  return types_.IsAggregate(ret) ? dest : r;
}

// Reads the next extra argument of type t from the list at `list` and advances it.
ir::Reg Lowerer::ReadVaArg(LowerCtx& lc, ir::Reg list, TypeId t) {
  ir::Builder& b = lc.b;
  ir::Reg cursor_at = TargetIsAarch64() ? list : b.PtrAdd(list, b.IConst(ir::Type::I64, 8), 1);
  ir::Reg cursor = b.Load(ir::Type::Ptr, cursor_at);
  b.Store(ir::Type::Ptr, b.PtrAdd(cursor, b.IConst(ir::Type::I64, 1), 8), cursor_at);
  if (t == kF32) return Convert(lc, b.Load(ir::Type::F64, cursor), kF64, kF32);  // promoted to f64
  return b.Load(IrType(types_, t), cursor);  // the low bytes of the slot (little-endian targets)
}

ir::Reg Lowerer::LowerVariadicBuiltin(LowerCtx& lc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(lc.fc.file);
  const Node& node = ast[n];
  FileInfo& info = Info(lc.fc.file);
  auto arg = [&](uint32_t i) { return ast.ListAt(node.b, i); };
  switch (which) {
    case Builtin::ArbitraryArg: return ReadVaArg(lc, lc.va_list, info.types[arg(0)]);
    case Builtin::ArbitraryArgFrom: return ReadVaArg(lc, LowerAs(lc, arg(0), kPtr), info.types[arg(1)]);
    case Builtin::ArbitraryArgs: return lc.va_list;
    case Builtin::ArbitraryArgsStart: {
      ir::Reg list = lc.b.NewSlotAddr(kVaListSize, 8, "va_list");
      InitVaList(lc, list, lc.va_extras);
      return list;
    }
    case Builtin::ArbitraryArgsCopy: {
      ir::Reg list = lc.b.NewSlotAddr(kVaListSize, 8, "va_list");
      lc.b.Copy(list, LowerAs(lc, arg(0), kPtr), kVaListSize);
      return list;
    }
    case Builtin::ArbitraryArgsEnd: LowerAs(lc, arg(0), kPtr); return ir::kNoReg;
    case Builtin::ArbitraryArgsCount: return lc.va_count;
    default: return ir::kNoReg;
  }
}

}  // namespace thrustc::frontend
