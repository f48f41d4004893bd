// Parameters, calls and returns through the platform C ABI (abi.h): aggregates passed by value are
// coerced into registers through a temporary, passed byval or as a pointer to a copy, and returned
// in registers or through sret, exactly as clang does for the same C signature, so Thrust and C
// call each other in both directions.
#include <llvm/IR/Constants.h>

#include "aot/lower.h"

namespace thrustc::aot {

// Stack memory in the entry block, where LLVM's SROA and mem2reg expect it.
llvm::AllocaInst* FunctionLowerer::EntryAlloca(uint32_t size, uint32_t align) {
  llvm::IRBuilder<> entry(alloca_block_);
  llvm::AllocaInst* a = entry.CreateAlloca(llvm::ArrayType::get(entry.getInt8Ty(), std::max<uint32_t>(size, 1)));
  a->setAlignment(llvm::Align(std::max<uint32_t>(align, 1)));
  return a;
}

// Room for both the aggregate and its register form, which may be larger (a 12-byte struct is
// { i64, i32 }, 16 bytes), so loading or storing the register form never leaves the temporary.
llvm::AllocaInst* FunctionLowerer::CoerceTemp(const ir::AggType& agg, llvm::Type* coerce) {
  const llvm::DataLayout& dl = m_.mod.getDataLayout();
  uint32_t size = std::max<uint32_t>(agg.size, uint32_t(dl.getTypeAllocSize(coerce)));
  uint32_t align = std::max<uint32_t>(agg.align, uint32_t(dl.getABITypeAlign(coerce).value()));
  return EntryAlloca(size, align);
}

void FunctionLowerer::BindParams() {
  unsigned next = 0;
  if (abi_.ret.kind == PassKind::Sret) sret_ = out_->getArg(next++);
  for (size_t i = 0; i < f_.params.size(); ++i) {
    const ArgAbi& a = abi_.args[i];
    ir::Reg r = f_.params[i];
    if (a.kind == PassKind::Direct || a.kind == PassKind::Byval || a.kind == PassKind::IndirectCopy) {
      regs_[r] = out_->getArg(next++);  // byval and indirect copies already belong to the callee
      continue;
    }
    const ir::AggType& agg = m_.ir.aggs[f_.sig.params[i].agg];
    if (a.kind == PassKind::Ignore) {
      regs_[r] = EntryAlloca(1, agg.align);
      continue;
    }
    llvm::AllocaInst* temp = CoerceTemp(agg, a.coerce);
    if (a.flatten) {
      auto* st = llvm::cast<llvm::StructType>(a.coerce);
      for (unsigned k = 0; k < st->getNumElements(); ++k)
        b_.CreateStore(out_->getArg(next++), b_.CreateStructGEP(st, temp, k));
    } else {
      b_.CreateStore(out_->getArg(next++), temp);
    }
    regs_[r] = temp;
  }
}

void FunctionLowerer::PushAggArg(const ArgAbi& abi, const ir::AggType& agg, llvm::Value* ptr,
                                 std::vector<llvm::Value*>& out) {
  switch (abi.kind) {
    // An aggregate operand's address may be under-aligned (a field of a @packed struct), and
    // LLVM's copy for a byval argument assumes the byval alignment for both sides: every
    // aggregate goes through an aligned temporary (at -O2 MemCpyOpt folds the copies).
    case PassKind::Byval:
    case PassKind::IndirectCopy: {
      llvm::AllocaInst* copy = EntryAlloca(agg.size, abi.align);
      b_.CreateMemCpy(copy, copy->getAlign(), ptr, llvm::MaybeAlign(1), agg.size);
      out.push_back(copy);
      return;
    }
    case PassKind::Coerce: {
      llvm::AllocaInst* temp = CoerceTemp(agg, abi.coerce);
      b_.CreateMemCpy(temp, temp->getAlign(), ptr, llvm::MaybeAlign(1), agg.size);
      if (!abi.flatten) {
        out.push_back(b_.CreateLoad(abi.coerce, temp));
        return;
      }
      auto* st = llvm::cast<llvm::StructType>(abi.coerce);
      for (unsigned k = 0; k < st->getNumElements(); ++k)
        out.push_back(b_.CreateLoad(st->getElementType(k), b_.CreateStructGEP(st, temp, k)));
      return;
    }
    default: return;  // Ignore
  }
}

llvm::Value* FunctionLowerer::LowerCall(const ir::Inst& inst) {
  const ir::CallInfo& info = f_.calls[size_t(inst.imm)];
  CallAbi abi = m_.Classify(info.ret, info.arg_types);
  size_t fixed = info.variadic ? info.fixed_count : info.args.size();
  llvm::FunctionType* type = nullptr;
  llvm::Value* callee = nullptr;
  if (inst.op == ir::Op::Call) {
    llvm::Function* fn = m_.functions[inst.a];
    if (!fn) {
      Fail("calls compile-time-only function '" + m_.ir.functions[inst.a].name + "' at run time");
      return nullptr;
    }
    type = fn->getFunctionType();
    callee = fn;
  } else {
    type = AbiFunctionType(abi, fixed, info.variadic, m_.ctx);
    callee = Reg(inst.a);
  }
  std::vector<llvm::Value*> args;
  llvm::AllocaInst* ret_temp = nullptr;
  const ir::AggType* ret_agg = info.ret.IsAgg() ? &m_.ir.aggs[info.ret.agg] : nullptr;
  if (abi.ret.kind == PassKind::Sret) {
    ret_temp = EntryAlloca(ret_agg->size, abi.ret.align);
    args.push_back(ret_temp);
  }
  for (size_t i = 0; i < info.args.size(); ++i) {
    if (info.arg_types[i].IsAgg()) PushAggArg(abi.args[i], m_.ir.aggs[info.arg_types[i].agg], Reg(info.args[i]), args);
    else args.push_back(Reg(info.args[i]));
  }
  llvm::CallInst* call = b_.CreateCall(type, callee, args);
  call->setAttributes(AbiAttributes(m_.ir, abi, info.arg_types, info.ret, m_.ctx));
  if (!ret_agg) return type->getReturnType()->isVoidTy() ? nullptr : call;
  llvm::Value* dest = Reg(info.ret_dest);
  if (abi.ret.kind == PassKind::Coerce) {
    ret_temp = CoerceTemp(*ret_agg, abi.ret.coerce);
    b_.CreateStore(call, ret_temp);
  }
  if (ret_temp) b_.CreateMemCpy(dest, llvm::MaybeAlign(1), ret_temp, ret_temp->getAlign(), ret_agg->size);
  return nullptr;
}

void FunctionLowerer::LowerRet(const ir::Inst& inst) {
  switch (abi_.ret.kind) {
    case PassKind::Direct:
      if (f_.sig.ret.scalar == ir::Type::Void) b_.CreateRetVoid();
      else b_.CreateRet(Reg(inst.a));
      return;
    case PassKind::Sret: {
      const ir::AggType& agg = m_.ir.aggs[f_.sig.ret.agg];
      b_.CreateMemCpy(sret_, llvm::MaybeAlign(abi_.ret.align), Reg(inst.a), llvm::MaybeAlign(1), agg.size);
      b_.CreateRetVoid();
      return;
    }
    case PassKind::Coerce: {
      const ir::AggType& agg = m_.ir.aggs[f_.sig.ret.agg];
      llvm::AllocaInst* temp = CoerceTemp(agg, abi_.ret.coerce);
      b_.CreateMemCpy(temp, temp->getAlign(), Reg(inst.a), llvm::MaybeAlign(1), agg.size);
      b_.CreateRet(b_.CreateLoad(abi_.ret.coerce, temp));
      return;
    }
    default: b_.CreateRetVoid(); return;
  }
}

}  // namespace thrustc::aot
