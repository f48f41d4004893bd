// Per-function lowering of the op families: constants, integer and float arithmetic, compares,
// conversions, memory, atomics and terminators. Blocks are lowered in reverse postorder, so every
// register is defined before its uses (IR registers are SSA and dominate their uses); unreachable
// blocks are dropped. Traps an AOT binary leaves undefined (division, bounds) emit plain LLVM operations.
#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

#include "aot/lower.h"

namespace thrustc::aot {

FunctionLowerer::FunctionLowerer(ModuleLowering& m, ir::FuncId id)
    : m_(m), f_(m.ir.functions[id]), out_(m.functions[id]), abi_(m.function_abis[id]), b_(m.ctx) {}

void FunctionLowerer::Fail(std::string message) {
  if (!failed_) m_.error = "function '" + f_.name + "': " + message;
  failed_ = true;
}

std::vector<ir::BlockId> FunctionLowerer::ReversePostorder() const {
  std::vector<ir::BlockId> post;
  std::vector<uint8_t> seen(f_.blocks.size(), 0);
  std::vector<std::pair<ir::BlockId, int>> stack{{0, 0}};
  seen[0] = 1;
  while (!stack.empty()) {
    auto& [block, next] = stack.back();
    const ir::Inst& term = f_.blocks[block].insts.back();
    uint32_t succs[2] = {term.a, term.b};
    int count = term.op == ir::Op::Br ? 1 : 0;
    if (term.op == ir::Op::CondBr) succs[0] = term.b, succs[1] = term.c, count = 2;
    if (next < count) {
      uint32_t s = succs[next++];
      if (!seen[s]) {
        seen[s] = 1;
        stack.push_back({s, 0});
      }
      continue;
    }
    post.push_back(block);
    stack.pop_back();
  }
  return {post.rbegin(), post.rend()};
}

bool FunctionLowerer::Lower() {
  regs_.assign(f_.reg_types.size(), nullptr);
  blocks_.assign(f_.blocks.size(), nullptr);
  alloca_block_ = llvm::BasicBlock::Create(m_.ctx, "entry", out_);
  std::vector<ir::BlockId> order = ReversePostorder();
  std::vector<uint8_t> reachable(f_.blocks.size(), 0);
  for (ir::BlockId b : order) reachable[b] = 1;
  for (ir::BlockId b = 0; b < f_.blocks.size(); ++b)  // in source order, for readable LLVM IR
    if (reachable[b]) blocks_[b] = llvm::BasicBlock::Create(m_.ctx, f_.blocks[b].name, out_);
  b_.SetInsertPoint(alloca_block_);
  for (const ir::Slot& s : f_.slots) slots_.push_back(EntryAlloca(s.size, s.align));
  BindParams();
  for (ir::BlockId b : order) {
    b_.SetInsertPoint(blocks_[b]);
    for (const ir::Inst& inst : f_.blocks[b].insts) LowerInst(inst);
    if (failed_) return false;
  }
  b_.SetInsertPoint(alloca_block_);
  b_.CreateBr(blocks_[0]);
  return true;
}

void FunctionLowerer::LowerInst(const ir::Inst& inst) {
  llvm::Value* v = nullptr;
  switch (ir::OpFamilyOf(inst.op)) {
    case ir::OpFamily::Const: v = LowerConst(inst); break;
    case ir::OpFamily::IntBinary: v = LowerIntBinary(inst); break;
    case ir::OpFamily::FloatBinary: v = LowerFloatBinary(inst); break;
    case ir::OpFamily::Unary: v = LowerUnary(inst); break;
    case ir::OpFamily::Compare: v = LowerCompare(inst); break;
    case ir::OpFamily::Convert: v = LowerConvert(inst); break;
    case ir::OpFamily::Memory: v = LowerMemory(inst); break;
    case ir::OpFamily::Atomic: v = LowerAtomic(inst); break;
    case ir::OpFamily::Check: break;  // bounds checks: undefined behaviour in an AOT binary (5.3)
    case ir::OpFamily::Call: v = LowerCall(inst); break;
    case ir::OpFamily::Terminator: LowerTerminator(inst); break;
  }
  if (inst.dst != ir::kNoReg && inst.dst < regs_.size()) regs_[inst.dst] = v;
}

llvm::Value* FunctionLowerer::LowerConst(const ir::Inst& inst) {
  switch (inst.op) {
    case ir::Op::IConst:
      if (inst.type == ir::Type::Ptr) {
        llvm::Constant* i = llvm::ConstantInt::get(b_.getInt64Ty(), uint64_t(inst.imm));
        return inst.imm == 0 ? static_cast<llvm::Constant*>(llvm::ConstantPointerNull::get(b_.getPtrTy()))
                             : llvm::ConstantExpr::getIntToPtr(i, b_.getPtrTy());
      }
      return llvm::ConstantInt::get(T(inst.type), uint64_t(inst.imm), /*IsSigned=*/false);
    case ir::Op::FConst: return llvm::ConstantFP::get(T(inst.type), inst.FImm());
    case ir::Op::GlobalAddr: return m_.globals[inst.a];
    case ir::Op::FuncAddr:
      if (!m_.functions[inst.a]) Fail("takes the address of compile-time-only function '" +
                                      m_.ir.functions[inst.a].name + "'");
      return m_.functions[inst.a];
    case ir::Op::SlotAddr: return slots_[inst.a];
    default: return nullptr;
  }
}

llvm::Value* FunctionLowerer::LowerIntBinary(const ir::Inst& inst) {
  llvm::Value *x = Reg(inst.a), *y = Reg(inst.b);
  switch (inst.op) {
    case ir::Op::Add: return b_.CreateAdd(x, y);
    case ir::Op::Sub: return b_.CreateSub(x, y);
    case ir::Op::Mul: return b_.CreateMul(x, y);
    case ir::Op::SDiv: return b_.CreateSDiv(x, y);
    case ir::Op::UDiv: return b_.CreateUDiv(x, y);
    case ir::Op::SRem: return b_.CreateSRem(x, y);
    case ir::Op::URem: return b_.CreateURem(x, y);
    case ir::Op::And: return b_.CreateAnd(x, y);
    case ir::Op::Or: return b_.CreateOr(x, y);
    case ir::Op::Xor: return b_.CreateXor(x, y);
    default: return LowerShift(inst);
  }
}

// Shifts by >= the width are defined in Thrust (0, or the sign for ashr), poison in LLVM: a
// select for shl/lshr and a clamp for ashr. Constant amounts below the width fold to one shift.
llvm::Value* FunctionLowerer::LowerShift(const ir::Inst& inst) {
  llvm::Value *x = Reg(inst.a), *amount = Reg(inst.b);
  uint64_t bits = x->getType()->getIntegerBitWidth();
  llvm::Value* width = llvm::ConstantInt::get(x->getType(), bits);
  if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(amount); c && c->getZExtValue() < bits) {
    if (inst.op == ir::Op::Shl) return b_.CreateShl(x, amount);
    return inst.op == ir::Op::LShr ? b_.CreateLShr(x, amount) : b_.CreateAShr(x, amount);
  }
  if (inst.op == ir::Op::AShr) {
    llvm::Value* top = llvm::ConstantInt::get(x->getType(), bits - 1);
    return b_.CreateAShr(x, b_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, amount, top));
  }
  // The shift is poison when out of range, but select never yields its unchosen operand.
  llvm::Value* in_range = b_.CreateICmpULT(amount, width);
  llvm::Value* shifted = inst.op == ir::Op::Shl ? b_.CreateShl(x, amount) : b_.CreateLShr(x, amount);
  return b_.CreateSelect(in_range, shifted, llvm::ConstantInt::get(x->getType(), 0));
}

llvm::Value* FunctionLowerer::LowerFloatBinary(const ir::Inst& inst) {
  llvm::Value *x = Reg(inst.a), *y = Reg(inst.b);
  switch (inst.op) {
    case ir::Op::FAdd: return b_.CreateFAdd(x, y);
    case ir::Op::FSub: return b_.CreateFSub(x, y);
    case ir::Op::FMul: return b_.CreateFMul(x, y);
    case ir::Op::FDiv: return b_.CreateFDiv(x, y);
    default: return b_.CreateFRem(x, y);
  }
}

llvm::Value* FunctionLowerer::LowerUnary(const ir::Inst& inst) {
  llvm::Value* x = Reg(inst.a);
  if (inst.op == ir::Op::Neg) return b_.CreateNeg(x);
  if (inst.op == ir::Op::Not) return b_.CreateNot(x);
  return b_.CreateFNeg(x);
}

llvm::Value* FunctionLowerer::LowerCompare(const ir::Inst& inst) {
  using P = llvm::CmpInst::Predicate;
  static constexpr P kPreds[] = {P::ICMP_EQ,  P::ICMP_NE,  P::ICMP_SLT, P::ICMP_SLE, P::ICMP_SGT, P::ICMP_SGE,
                                 P::ICMP_ULT, P::ICMP_ULE, P::ICMP_UGT, P::ICMP_UGE, P::FCMP_OEQ, P::FCMP_UNE,
                                 P::FCMP_OLT, P::FCMP_OLE, P::FCMP_OGT, P::FCMP_OGE};
  P pred = kPreds[size_t(inst.pred)];
  llvm::Value* bit = inst.op == ir::Op::ICmp ? b_.CreateICmp(pred, Reg(inst.a), Reg(inst.b))
                                             : b_.CreateFCmp(pred, Reg(inst.a), Reg(inst.b));
  return b_.CreateZExt(bit, b_.getInt8Ty());
}

llvm::Value* FunctionLowerer::LowerConvert(const ir::Inst& inst) {
  using C = llvm::Instruction::CastOps;
  C op = C::BitCast;
  switch (inst.op) {
    case ir::Op::SExt: op = C::SExt; break;
    case ir::Op::ZExt: op = C::ZExt; break;
    case ir::Op::Trunc: op = C::Trunc; break;
    case ir::Op::SIToFP: op = C::SIToFP; break;
    case ir::Op::UIToFP: op = C::UIToFP; break;
    case ir::Op::FPToSI: op = C::FPToSI; break;  // out of range: undefined in an AOT binary
    case ir::Op::FPToUI: op = C::FPToUI; break;
    case ir::Op::FPExt: op = C::FPExt; break;
    case ir::Op::FPTrunc: op = C::FPTrunc; break;
    case ir::Op::PtrToInt: op = C::PtrToInt; break;
    case ir::Op::IntToPtr: op = C::IntToPtr; break;
    default: break;
  }
  return b_.CreateCast(op, Reg(inst.a), T(inst.type));
}

llvm::Value* FunctionLowerer::LowerMemory(const ir::Inst& inst) {
  switch (inst.op) {
    // Thrust IR promises no alignment for a plain access (docs/ir.md: a field of a @packed
    // struct is one), so LLVM is told none; its InferAlignment pass recovers what slots and
    // globals guarantee.
    case ir::Op::Load: return b_.CreateAlignedLoad(T(inst.type), Reg(inst.a), llvm::Align(1));
    case ir::Op::Store:
      b_.CreateAlignedStore(Reg(inst.a), Reg(inst.b), llvm::Align(1));
      return nullptr;
    case ir::Op::PtrAdd: {
      // Indexing by the element type, as clang does: an inbounds GEP's scaling cannot overflow,
      // which an explicit multiply would hide from LLVM's loop and address analyses.
      llvm::Type* element = inst.imm == 1 || inst.imm == 2 || inst.imm == 4 || inst.imm == 8
                                ? static_cast<llvm::Type*>(b_.getIntNTy(unsigned(inst.imm) * 8))
                                : llvm::ArrayType::get(b_.getInt8Ty(), uint64_t(inst.imm));
      return b_.CreateInBoundsGEP(element, Reg(inst.a), Reg(inst.b));
    }
    case ir::Op::PtrOffset:
      if (inst.imm == 0) return Reg(inst.a);
      return b_.CreateInBoundsGEP(b_.getInt8Ty(), Reg(inst.a), b_.getInt64(inst.imm));
    case ir::Op::Copy:
      b_.CreateMemCpy(Reg(inst.a), llvm::MaybeAlign(1), Reg(inst.b), llvm::MaybeAlign(1), uint64_t(inst.imm));
      return nullptr;
    case ir::Op::Zero:
      b_.CreateMemSet(Reg(inst.a), b_.getInt8(0), uint64_t(inst.imm), llvm::MaybeAlign(1));
      return nullptr;
    default: return nullptr;
  }
}

// Atomic ops at the natural alignment of their type; cmpxchg yields only the old value (the IR's
// success flag is `old == expected`, which LLVM folds with the pair's second field).
llvm::Value* FunctionLowerer::LowerAtomic(const ir::Inst& inst) {
  using O = llvm::AtomicOrdering;
  static constexpr O kOrders[] = {O::Monotonic, O::Acquire, O::Release, O::AcquireRelease,
                                  O::SequentiallyConsistent};
  ir::AtomicInfo info = ir::AtomicInfoOf(inst);
  O order = kOrders[size_t(info.order)];
  llvm::Align align(std::max<uint32_t>(ir::TypeSize(inst.type), 1));  // a fence has no type
  switch (inst.op) {
    case ir::Op::AtomicLoad: {
      llvm::LoadInst* load = b_.CreateAlignedLoad(T(inst.type), Reg(inst.a), align);
      load->setAtomic(order);
      return load;
    }
    case ir::Op::AtomicStore:
      b_.CreateAlignedStore(Reg(inst.a), Reg(inst.b), align)->setAtomic(order);
      return nullptr;
    case ir::Op::AtomicRmw: {
      using B = llvm::AtomicRMWInst::BinOp;
      static constexpr B kOps[] = {B::Xchg, B::Add, B::Sub, B::And, B::Nand, B::Or,
                                   B::Xor, B::Max, B::Min, B::UMax, B::UMin};
      return b_.CreateAtomicRMW(kOps[size_t(info.rmw)], Reg(inst.a), Reg(inst.b), align, order);
    }
    case ir::Op::CmpXchg: {
      llvm::Value* pair = b_.CreateAtomicCmpXchg(Reg(inst.a), Reg(inst.b), Reg(inst.c), align, order,
                                                 kOrders[size_t(info.failure)]);
      return b_.CreateExtractValue(pair, 0);
    }
    default:  // Fence
      b_.CreateFence(order);
      return nullptr;
  }
}

void FunctionLowerer::LowerTerminator(const ir::Inst& inst) {
  switch (inst.op) {
    case ir::Op::Br: b_.CreateBr(blocks_[inst.a]); return;
    case ir::Op::CondBr:
      b_.CreateCondBr(b_.CreateICmpNE(Reg(inst.a), b_.getInt8(0)), blocks_[inst.b], blocks_[inst.c]);
      return;
    case ir::Op::Ret: LowerRet(inst); return;
    default:  // Trap: every trap kind is llvm.trap in an AOT binary
      b_.CreateIntrinsic(llvm::Intrinsic::trap, {}, {});
      b_.CreateUnreachable();
      return;
  }
}

}  // namespace thrustc::aot
