// AArch64 instruction selection: Thrust IR -> MIR (regs_a64.h opcodes over virtual registers).
// Integer values of 8, 16 and 32 bits live in the low bits of a register (upper bits undefined),
// so most ops use 32-bit (w) instructions; division, right shifts, conversions and compares of
// 8/16-bit values extend first. Constants and addresses are rematerialized at each use (the
// emitter picks immediate forms or a scratch register), compares feeding a branch are fused with
// it, and promoted slots (slot_promotion.cpp) become plain virtual registers.
#include "ctjit/a64/isel_a64.h"

#include <algorithm>

namespace thrustc::ctjit::a64 {

namespace {

bool IsSignedPred(ir::Pred p) {
  return p == ir::Pred::Slt || p == ir::Pred::Sle || p == ir::Pred::Sgt || p == ir::Pred::Sge;
}

Cond IntCond(ir::Pred p) {
  switch (p) {
    case ir::Pred::Eq: return Cond::Eq;
    case ir::Pred::Ne: return Cond::Ne;
    case ir::Pred::Slt: return Cond::Lt;
    case ir::Pred::Sle: return Cond::Le;
    case ir::Pred::Sgt: return Cond::Gt;
    case ir::Pred::Sge: return Cond::Ge;
    case ir::Pred::Ult: return Cond::Lo;
    case ir::Pred::Ule: return Cond::Ls;
    case ir::Pred::Ugt: return Cond::Hi;
    default: return Cond::Hs;
  }
}

// After fcmp an unordered result sets C and V, so these conditions are false for NaN except Ne.
Cond FloatCond(ir::Pred p) {
  switch (p) {
    case ir::Pred::Oeq: return Cond::Eq;
    case ir::Pred::Une: return Cond::Ne;
    case ir::Pred::Olt: return Cond::Mi;
    case ir::Pred::Ole: return Cond::Ls;
    case ir::Pred::Ogt: return Cond::Gt;
    default: return Cond::Ge;
  }
}

}  // namespace

bool SelectInstructions(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch,
                        std::string& error) {
  out.Clear();
  return Isel(m, id, env, out, scratch).Run(error);
}

// Emits the flag-setting compare of an icmp/fcmp and says which condition holds when true.
// 8- and 16-bit operands are extended (as the predicate's signedness says) to 32 bits first.
uint8_t Isel::LowerCompare(const ir::Inst& in) {
  ir::Pred p = in.pred;
  ir::Reg a = in.a, b = in.b;
  if (in.op == ir::Op::FCmp) {
    VReg va = Value(a), vb = Value(b);
    MInst& c = Emit(kFCmp, uint8_t(ir::TypeSize(in.type)));
    c.a = va, c.b = vb;
    return uint8_t(FloatCond(p));
  }
  int64_t k;
  if (ConstInt(a, k) && !ConstInt(b, k)) std::swap(a, b), p = SwapPred(p);
  uint32_t width = ir::TypeSize(in.type);
  bool is_signed = IsSignedPred(p);
  MInst c;
  c.op = kCmp;
  c.size = width < 4 ? 4 : uint8_t(width);
  c.a = Value(a);
  if (width < 4) c.a = Extend(c.a, width, is_signed);
  if (ConstInt(b, k)) {
    c.imm = width < 4 && !is_signed ? int64_t(uint64_t(k) & ((uint64_t(1) << (width * 8)) - 1)) : k;
  } else {
    c.b = Value(b);
    if (width < 4) c.b = Extend(c.b, width, is_signed);
  }
  c.ir_inst = cur_inst_;
  out_.insts.push_back(c);
  return uint8_t(IntCond(p));
}

void Isel::LowerIntBinary(const ir::Inst& in) {
  AluKind kind;
  switch (in.op) {
    case ir::Op::Add: kind = kAdd; break;
    case ir::Op::Sub: kind = kSub; break;
    case ir::Op::Mul: kind = kMul; break;
    case ir::Op::And: kind = kAnd; break;
    case ir::Op::Or: kind = kOr; break;
    default: kind = kXor; break;
  }
  ir::Reg a = in.a, b = in.b;
  int64_t k;
  if (kind != kSub && ConstInt(a, k) && !ConstInt(b, k)) std::swap(a, b);
  MInst mi;
  mi.op = kAlu;
  mi.size = OpSize(in.type);
  mi.cond = kind;
  mi.dst = in.dst;
  mi.a = Value(a);
  if (ConstInt(b, k)) mi.imm = k;
  else mi.b = Value(b);
  mi.ir_inst = cur_inst_;
  out_.insts.push_back(mi);
}

// sdiv/udiv do not trap (x / 0 is 0, MIN / -1 is MIN), so the interpreter's traps are explicit.
void Isel::LowerDivRem(const ir::Inst& in) {
  bool is_signed = in.op == ir::Op::SDiv || in.op == ir::Op::SRem;
  bool rem = in.op == ir::Op::SRem || in.op == ir::Op::URem;
  uint8_t width = uint8_t(ir::TypeSize(in.type));
  VReg a = Value(in.a), b = Value(in.b);
  int64_t k;
  bool safe = ConstInt(in.b, k) && k != 0 && (!is_signed || k != -1);
  if (!safe) {
    MInst& chk = Emit(kDivCheck, width);
    chk.a = a, chk.b = b, chk.cond = is_signed;
    chk.aux = env_.AddTrapSite({false, false, ir::TrapKind::DivByZero, id_, in.loc});
    chk.imm = is_signed ? env_.AddTrapSite({false, false, ir::TrapKind::DivOverflow, id_, in.loc}) : 0;
  }
  if (width < 4) a = Extend(a, width, is_signed), b = Extend(b, width, is_signed);
  MInst& div = Emit(kDiv, OpSize(in.type));
  div.dst = in.dst, div.a = a, div.b = b;
  div.cond = uint8_t(is_signed) | (rem ? kDivRemainder : 0);
}

void Isel::LowerShift(const ir::Inst& in) {
  ShiftKind kind = in.op == ir::Op::Shl ? kLsl : in.op == ir::Op::LShr ? kLsr : kAsr;
  uint32_t width = ir::TypeSize(in.type), bits = width * 8;
  uint8_t size = OpSize(in.type);
  VReg a = Value(in.a);
  if (width < 4 && kind != kLsl) a = Extend(a, width, kind == kAsr);
  int64_t k;
  if (ConstInt(in.b, k)) {
    uint64_t amount = bits == 64 ? uint64_t(k) : uint64_t(k) & ((uint64_t(1) << bits) - 1);
    if (amount >= bits && kind != kAsr) {
      MInst& z = Emit(kMovImm, 4);
      z.dst = in.dst;
      return;
    }
    MInst& s = Emit(kShiftImm, size);
    s.cond = kind, s.dst = in.dst, s.a = a, s.imm = int64_t(std::min<uint64_t>(amount, bits - 1));
    return;
  }
  // The count as an unsigned value of the type's width; the hardware takes it modulo 32 or 64,
  // so counts >= the width are handled here: 0 for lsl/lsr, width - 1 for asr.
  VReg amount = Value(in.b);
  if (width < 8) amount = Extend(amount, width, false);
  if (kind == kAsr) {
    MInst& cmp = Emit(kCmp);
    cmp.a = amount, cmp.imm = bits - 1;
    VReg clamped = NewGp();
    MInst& cs = Emit(kCSelImm);
    cs.dst = clamped, cs.a = amount, cs.cond = uint8_t(Cond::Hi), cs.imm = bits - 1;
    MInst& s = Emit(kShiftReg, size);
    s.cond = kind, s.dst = in.dst, s.a = a, s.b = clamped;
    return;
  }
  VReg shifted = NewGp();
  MInst& s = Emit(kShiftReg, size);
  s.cond = kind, s.dst = shifted, s.a = a, s.b = amount;
  MInst& cmp2 = Emit(kCmp);
  cmp2.a = amount, cmp2.imm = bits;
  MInst& cs = Emit(kCSelImm);
  cs.dst = in.dst, cs.a = shifted, cs.cond = uint8_t(Cond::Hs), cs.imm = 0;
}

// Without LSE (qemu and older cores): relaxed loads and stores are plain ldr/str, stronger ones
// ldar/stlr (which together are sequentially consistent); read-modify-write and compare-and-swap
// are ldxr/stxr loops, with the acquire and release halves of their ordering.
void Isel::LowerAtomic(const ir::Inst& in) {
  ir::AtomicInfo info = ir::AtomicInfoOf(in);
  uint8_t size = uint8_t(ir::TypeSize(in.type));
  bool relaxed = info.order == ir::AtomicOrder::Relaxed;
  auto bits = [](bool acquire, bool release) { return (acquire ? kAcquire : 0u) | (release ? kRelease : 0u); };
  switch (in.op) {
    case ir::Op::AtomicLoad: {
      VReg p = Value(in.a);
      MInst& ld = Emit(relaxed ? kLoad : kAtomicLoad, size);
      ld.dst = in.dst, ld.a = p;
      return;
    }
    case ir::Op::AtomicStore: {
      VReg v = Value(in.a), p = Value(in.b);
      MInst& st = Emit(relaxed ? kStore : kAtomicStore, size);
      st.a = p, st.b = v;
      return;
    }
    case ir::Op::AtomicRmw: {
      VReg p = Value(in.a), v = Value(in.b);
      MInst& x = Emit(kAtomicRmw, size);
      x.cond = uint8_t(info.rmw), x.dst = in.dst, x.a = p, x.b = v;
      x.aux = bits(ir::HasAcquire(info.order), ir::HasRelease(info.order));
      return;
    }
    case ir::Op::CmpXchg: {
      VReg p = Value(in.a), expected = Value(in.b), desired = Value(in.c);
      MInst& x = Emit(kCmpXchg, size);
      x.dst = in.dst, x.a = p, x.b = expected, x.c = desired;
      x.aux = bits(ir::HasAcquire(info.order) || ir::HasAcquire(info.failure), ir::HasRelease(info.order));
      return;
    }
    default:
      Emit(kFence).cond = info.order == ir::AtomicOrder::Acquire;
      return;
  }
}

TargetRegs MakeTargetRegs() {
  TargetRegs t;
  // Caller-saved first: short-lived values take them; values live across calls cannot (the
  // calls' clobber ranges forbid it) and fall through to the callee-saved ones.
  t.allocatable_gp = {kX0, kX1, kX2, kX3, kX4, kX5, kX6, kX7, kX8, kX19, kX20, kX21, kX22, kX23};
  for (uint32_t i = 0; i < 16; ++i) t.allocatable_fp.push_back(Vreg(i));
  t.callee_saved_mask = kCalleeSavedMask;
  t.phys_count = kPhysCount;
  return t;
}

}  // namespace thrustc::ctjit::a64
