// x86-64 instruction selection: Thrust IR -> MIR (regs_x64.h opcodes over virtual registers).
// Integer values of 8, 16 and 32 bits live in the low bits of a register (upper bits undefined),
// so most ops use 32-bit instructions and only division, right shifts, conversions and compares
// look at the width. Constants and addresses are rematerialized at each use (immediates and
// [base + index*scale + disp] operands), compares feeding a branch are fused with it, and
// promoted slots (slot_promotion.cpp) become plain virtual registers.

#include "ctjit/x64/isel_x64.h"

namespace thrustc::ctjit::x64 {

namespace {

Cond IntCond(ir::Pred p) {
  switch (p) {
    case ir::Pred::Eq: return Cond::Eq;
    case ir::Pred::Ne: return Cond::Ne;
    case ir::Pred::Slt: return Cond::Lt;
    case ir::Pred::Sle: return Cond::Le;
    case ir::Pred::Sgt: return Cond::Gt;
    case ir::Pred::Sge: return Cond::Ge;
    case ir::Pred::Ult: return Cond::B;
    case ir::Pred::Ule: return Cond::Be;
    case ir::Pred::Ugt: return Cond::A;
    default: return Cond::Ae;
  }
}

}  // namespace

bool SelectInstructions(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch,
                        std::string& error) {
  out.Clear();
  return Isel(m, id, env, out, scratch).Run(error);
}

// Emits the flag-setting compare of an icmp/fcmp and says which condition holds when true.
uint8_t Isel::LowerCompare(const ir::Inst& in) {
  ir::Pred p = in.pred;
  Cond cond;
  ir::Reg a = in.a, b = in.b;
  if (in.op == ir::Op::FCmp) {
    if (p == ir::Pred::Olt || p == ir::Pred::Ole) std::swap(a, b);
    VReg va = Value(a), vb = Value(b);
    MInst& c = Emit(kFCmp, uint8_t(ir::TypeSize(in.type)));
    c.a = va, c.b = vb;
    switch (p) {
      case ir::Pred::Oeq: cond = Cond::FEq; break;
      case ir::Pred::Une: cond = Cond::FNe; break;
      case ir::Pred::Ogt: case ir::Pred::Olt: cond = Cond::A; break;
      default: cond = Cond::Ae; break;
    }
    return uint8_t(cond);
  }
  int64_t k;
  if (ConstInt(a, k) && !ConstInt(b, k)) std::swap(a, b), p = SwapPred(p);
  uint8_t size = uint8_t(ir::TypeSize(in.type));
  MInst c;
  c.op = kCmp;
  c.size = size;
  c.a = Value(a);
  if (ConstInt(b, k) && FitsInt32(k)) c.imm = k;
  else c.b = Value(b);
  c.ir_inst = cur_inst_;
  out_.insts.push_back(c);
  return uint8_t(IntCond(p));
}

void Isel::LowerIntBinary(const ir::Inst& in) {
  static constexpr AluKind kKinds[] = {kAdd, kSub, kImul};
  AluKind kind;
  switch (in.op) {
    case ir::Op::Add: case ir::Op::Sub: case ir::Op::Mul:
      kind = kKinds[uint32_t(in.op) - uint32_t(ir::Op::Add)];
      break;
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
  if (ConstInt(b, k) && FitsInt32(k)) mi.imm = k;
  else mi.b = Value(b);
  mi.ir_inst = cur_inst_;
  out_.insts.push_back(mi);
}

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
  uint8_t size = OpSize(in.type);
  Move(Phys(kRax), a);
  MInst& split = Emit(kSignSplit, size);
  split.dst = Phys(kRdx), split.a = Phys(kRax), split.cond = is_signed;
  MInst& div = Emit(kDiv, size);
  div.b = b, div.cond = is_signed;
  div.use_mask = div.def_mask = div.clobber_mask = (1u << kRax) | (1u << kRdx);
  Move(in.dst, Phys(rem ? kRdx : kRax));
}

void Isel::LowerShift(const ir::Inst& in) {
  ShiftKind kind = in.op == ir::Op::Shl ? kShl : in.op == ir::Op::LShr ? kShr : kSar;
  uint32_t width = ir::TypeSize(in.type), bits = width * 8;
  uint8_t size = OpSize(in.type);
  VReg a = Value(in.a);
  if (width < 4 && kind != kShl) a = Extend(a, width, kind == kSar);
  int64_t k;
  if (ConstInt(in.b, k)) {
    uint64_t amount = bits == 64 ? uint64_t(k) : uint64_t(k) & ((uint64_t(1) << bits) - 1);
    if (amount >= bits && kind != kSar) {
      MInst& z = Emit(kMovImm, 4);
      z.dst = in.dst;
      return;
    }
    MInst& s = Emit(kShiftImm, size);
    s.cond = kind, s.dst = in.dst, s.a = a, s.imm = int64_t(std::min<uint64_t>(amount, bits - 1));
    return;
  }
  // The count as an unsigned value of the type's width, then clamped: x86 masks counts itself.
  VReg amount = Value(in.b);
  if (width < 8) amount = Extend(amount, width, false);
  if (kind == kSar) {
    MInst& cmp = Emit(kCmp);
    cmp.a = amount, cmp.imm = bits - 1;
    VReg clamped = NewGp();
    MInst& cm = Emit(kCMovImm);
    cm.dst = clamped, cm.a = amount, cm.cond = uint8_t(Cond::A), cm.imm = bits - 1;
    Move(Phys(kRcx), clamped);
    MInst& s = Emit(kShiftCl, size);
    s.cond = kind, s.dst = in.dst, s.a = a, s.b = Phys(kRcx);
    return;
  }
  Move(Phys(kRcx), amount);
  VReg shifted = NewGp();
  MInst& s = Emit(kShiftCl, size);
  s.cond = kind, s.dst = shifted, s.a = a, s.b = Phys(kRcx);
  MInst& cmp2 = Emit(kCmp);
  cmp2.a = amount, cmp2.imm = bits;
  MInst& cm = Emit(kCMovImm);
  cm.dst = in.dst, cm.a = shifted, cm.cond = uint8_t(Cond::Ae), cm.imm = 0;
}

// x86-64 is TSO: aligned loads and stores are atomic, loads are not reordered with loads nor
// stores with stores, so every atomic load and every store up to release is a plain mov; a seq_cst
// store is xchg (a full barrier). xchg, add and sub are one lock xchg / lock xadd; the other
// read-modify-writes loop on lock cmpxchg, which wants the old value in rax, as cmpxchg does.
void Isel::LowerAtomic(const ir::Inst& in) {
  ir::AtomicInfo info = ir::AtomicInfoOf(in);
  uint8_t size = uint8_t(ir::TypeSize(in.type));
  constexpr uint32_t kRaxMask = 1u << kRax;
  switch (in.op) {
    case ir::Op::AtomicLoad: {
      VReg p = Value(in.a);
      MInst& ld = Emit(kLoad, size);
      ld.dst = in.dst, ld.a = p, ld.cond = 1;
      return;
    }
    case ir::Op::AtomicStore: {
      VReg v = Value(in.a), p = Value(in.b);
      MInst& st = Emit(info.order == ir::AtomicOrder::SeqCst ? kAtomicRmw : kStore, size);
      st.cond = uint8_t(ir::RmwOp::Xchg), st.a = p, st.b = v;
      return;
    }
    case ir::Op::AtomicRmw: {
      VReg p = Value(in.a), v = Value(in.b);
      if (info.rmw == ir::RmwOp::Xchg || info.rmw == ir::RmwOp::Add || info.rmw == ir::RmwOp::Sub) {
        MInst& x = Emit(kAtomicRmw, size);
        x.cond = uint8_t(info.rmw), x.dst = in.dst, x.a = p, x.b = v;
        return;
      }
      MInst& ld = Emit(kLoad, size);
      ld.dst = Phys(kRax), ld.a = p, ld.cond = 1;
      MInst& x = Emit(kAtomicRmw, size);
      x.cond = uint8_t(info.rmw), x.a = p, x.b = v;
      x.use_mask = x.def_mask = x.clobber_mask = kRaxMask;
      return Move(in.dst, Phys(kRax));
    }
    case ir::Op::CmpXchg: {
      VReg p = Value(in.a), expected = Value(in.b), desired = Value(in.c);
      Move(Phys(kRax), expected);
      MInst& x = Emit(kCmpXchg, size);
      x.a = p, x.b = desired;
      x.use_mask = x.def_mask = x.clobber_mask = kRaxMask;
      return Move(in.dst, Phys(kRax));
    }
    default:  // fence: only seq_cst orders a store before a later load; the others need no code
      if (info.order == ir::AtomicOrder::SeqCst) Emit(kFence);
      return;
  }
}

}  // namespace thrustc::ctjit::x64

namespace thrustc::ctjit::x64 {

TargetRegs MakeTargetRegs() {
  TargetRegs t;
  // Caller-saved first: short-lived values take them; values live across calls cannot (the
  // calls' clobber ranges forbid it) and fall through to the callee-saved ones.
  t.allocatable_gp = {kRax, kRcx, kRdx, kRsi, kRdi, kR8, kR9, kRbx, kR12, kR13, kR14, kR15};
  for (uint32_t i = 0; i < 14; ++i) t.allocatable_fp.push_back(Xmm(i));
  t.callee_saved_mask = kCalleeSavedMask;
  t.phys_count = kPhysCount;
  return t;
}

}  // namespace thrustc::ctjit::x64
