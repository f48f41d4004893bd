// AArch64 instruction selection: Thrust IR -> MIR (regs_a64.h opcodes over virtual registers).
// Integer values of 8, 16 and 32 bits live in the low bits of a register (upper bits undefined),
// so most ops use 32-bit (w) instructions; division, right shifts, conversions and compares of
// 8/16-bit values extend first. Constants and addresses are rematerialized at each use (the
// emitter picks immediate forms or a scratch register), compares feeding a branch are fused with
// it, and promoted slots (slot_promotion.cpp) become plain virtual registers.
#include "ctjit/a64/isel_a64.h"

#include <algorithm>
#include <cstring>

namespace thrustc::ctjit::a64 {

namespace {

bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
uint8_t OpSize(ir::Type t) { return ir::TypeSize(t) <= 4 ? 4 : 8; }
int64_t Normalize(int64_t v, ir::Type t) {
  uint32_t bits = ir::TypeSize(t) * 8;
  if (bits == 0 || bits >= 64) return v;
  return int64_t(uint64_t(v) << (64 - bits)) >> (64 - bits);
}

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

// The predicate with its operands swapped (a < b  ==  b > a).
ir::Pred SwapPred(ir::Pred p) {
  switch (p) {
    case ir::Pred::Slt: return ir::Pred::Sgt;
    case ir::Pred::Sle: return ir::Pred::Sge;
    case ir::Pred::Sgt: return ir::Pred::Slt;
    case ir::Pred::Sge: return ir::Pred::Sle;
    case ir::Pred::Ult: return ir::Pred::Ugt;
    case ir::Pred::Ule: return ir::Pred::Uge;
    case ir::Pred::Ugt: return ir::Pred::Ult;
    case ir::Pred::Uge: return ir::Pred::Ule;
    default: return p;
  }
}

}  // namespace

bool SelectInstructions(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, std::string& error) {
  out = MFunction{};
  return Isel(m, id, env, out).Run(error);
}

MInst& Isel::Emit(uint16_t op, uint8_t size) {
  MInst& in = out_.insts.emplace_back();
  in.op = op;
  in.size = size;
  in.ir_inst = cur_inst_;
  return in;
}

int32_t Isel::AllocFrame(uint32_t size, uint32_t align) {
  align = std::max<uint32_t>(align, 1);
  uint32_t end = (kSaveAreaBytes + frame_end_ + size + align - 1) / align * align;
  frame_end_ = end - kSaveAreaBytes;
  return -int32_t(end);
}

void Isel::Analyze() {
  size_t nregs = fn_.reg_types.size();
  def_.assign(nregs, nullptr);
  use_count_.assign(nregs, 0);
  for (size_t r = 0; r < nregs; ++r) out_.NewVReg(ir::IsFloat(fn_.reg_types[r]) ? RegClass::Fp : RegClass::Gp);
  auto use = [&](uint32_t r) {
    if (r < nregs) ++use_count_[r];
  };
  for (const ir::Block& b : fn_.blocks) {
    for (const ir::Inst& in : b.insts) {
      if (in.dst != ir::kNoReg && in.dst < nregs) def_[in.dst] = &in;
      if (in.op == ir::Op::Call || in.op == ir::Op::CallIndirect) {
        const ir::CallInfo& call = fn_.calls[size_t(in.imm)];
        for (ir::Reg r : call.args) use(r);
        if (call.ret_dest != ir::kNoReg) use(call.ret_dest);
        if (in.op == ir::Op::CallIndirect) use(in.a);
        continue;
      }
      if (in.op == ir::Op::Br || in.op == ir::Op::Trap || ir::OpFamilyOf(in.op) == ir::OpFamily::Const) continue;
      if (in.op != ir::Op::Ret || in.a != ir::kNoReg) use(in.a);
      if (in.op != ir::Op::CondBr) use(in.b);
    }
  }
  PromoteSlots(fn_, promo_);
  slot_vreg_.assign(fn_.slots.size(), kNoVReg);
  slot_disp_.assign(fn_.slots.size(), 0);
  for (size_t s = 0; s < fn_.slots.size(); ++s) {
    if (promo_.slot_type[s] != ir::Type::Void) {
      slot_vreg_[s] = out_.NewVReg(ir::IsFloat(promo_.slot_type[s]) ? RegClass::Fp : RegClass::Gp);
      continue;
    }
    uint32_t align = fn_.slots[s].align, size = std::max<uint32_t>(fn_.slots[s].size, 1);
    // x29 is only 16-byte aligned: an over-aligned slot gets room to be aligned at run time.
    slot_disp_[s] = align > 16 ? AllocFrame(size + align, 16) : AllocFrame(size, align);
  }
}

bool Isel::IsLazy(ir::Reg r) const {
  const ir::Inst* d = r < def_.size() ? def_[r] : nullptr;
  if (!d) return false;
  switch (d->op) {
    case ir::Op::IConst: case ir::Op::SlotAddr: case ir::Op::GlobalAddr: case ir::Op::FuncAddr:
    case ir::Op::PtrOffset: case ir::Op::PtrAdd:
      return true;
    default:
      return false;
  }
}

bool Isel::ConstInt(ir::Reg r, int64_t& v) const {
  const ir::Inst* d = r < def_.size() ? def_[r] : nullptr;
  if (!d || d->op != ir::Op::IConst) return false;
  v = Normalize(d->imm, d->type);
  return true;
}

void Isel::Move(VReg dst, VReg src, uint8_t size) {
  MInst& in = Emit(kMov, size);
  in.dst = dst;
  in.a = src;
}

VReg Isel::Extend(VReg v, uint32_t from_bytes, bool is_signed) {
  VReg t = NewGp();
  MInst& in = Emit(kExt);
  in.dst = t;
  in.a = v;
  in.aux = from_bytes;
  in.cond = is_signed;
  return t;
}

VReg Isel::Materialize(const Addr& a) {
  if (a.index == kNoVReg && a.disp == 0 && !IsPhys(a.base)) return a.base;
  VReg v = NewGp();
  MInst& in = Emit(kLea);
  in.dst = v;
  in.a = a.base;
  in.c = a.index;
  in.aux = a.scale;
  in.disp = int32_t(a.disp);
  return v;
}

// The register holding IR register `r`, rematerializing constants and addresses at this use.
VReg Isel::Value(ir::Reg r) {
  if (!IsLazy(r)) return r;
  const ir::Inst& d = *def_[r];
  switch (d.op) {
    case ir::Op::IConst: {
      VReg v = NewGp();
      MInst& in = Emit(kMovImm, OpSize(d.type));
      in.dst = v;
      in.imm = Normalize(d.imm, d.type);
      return v;
    }
    case ir::Op::GlobalAddr: {
      VReg v = NewGp();
      MInst& in = Emit(kMovImm);
      in.dst = v;
      in.imm = int64_t(env_.GlobalAddress(d.a));
      return v;
    }
    case ir::Op::FuncAddr: {
      VReg v = NewGp();
      MInst& in = Emit(kMovImm);
      in.dst = v;
      uint64_t addr = env_.FunctionAddress(d.a);
      in.imm = int64_t(addr);
      if (!addr) in.cond = 1, in.aux = d.a;  // the address of a function of this batch
      return v;
    }
    case ir::Op::SlotAddr:
      if (fn_.slots[d.a].align > 16) {
        VReg v = Materialize({Phys(kFp), kNoVReg, 1, slot_disp_[d.a] + int64_t(fn_.slots[d.a].align) - 1});
        MInst& mask = Emit(kAlu);
        mask.cond = kAnd, mask.dst = v, mask.a = v, mask.imm = -int64_t(fn_.slots[d.a].align);
        return v;
      }
      return Materialize(AddressOf(r));
    default:
      return Materialize(AddressOf(r));
  }
}

// An addressing mode for the pointer in `r`: frame slots, offsets and scaled indexes fold in;
// the emitter splits what one AArch64 addressing mode cannot hold.
Isel::Addr Isel::AddressOf(ir::Reg r, int depth) {
  Addr out;
  const ir::Inst* d = r < def_.size() ? def_[r] : nullptr;
  if (!d || depth > 8) {
    out.base = Value(r);
    return out;
  }
  if (d->op == ir::Op::SlotAddr && d->a < slot_disp_.size() && fn_.slots[d->a].align > 16) {
    out.base = Value(r);
    return out;
  }
  if (d->op == ir::Op::SlotAddr && d->a < slot_disp_.size() && promo_.slot_type[d->a] == ir::Type::Void) {
    out.base = Phys(kFp);
    out.disp = slot_disp_[d->a];
    return out;
  }
  if (d->op == ir::Op::PtrOffset) {
    out = AddressOf(d->a, depth + 1);
    if (FitsInt32(out.disp + d->imm)) {
      out.disp += d->imm;
      return out;
    }
    out.base = Materialize(out);
    out.index = kNoVReg, out.scale = 1, out.disp = d->imm;
    if (!FitsInt32(out.disp)) {
      VReg off = NewGp();
      MInst& mi = Emit(kMovImm);
      mi.dst = off;
      mi.imm = d->imm;
      out.index = off, out.disp = 0;
    }
    return out;
  }
  if (d->op == ir::Op::PtrAdd) {
    out = AddressOf(d->a, depth + 1);
    int64_t c;
    if (ConstInt(d->b, c) && FitsInt32(c * d->imm) && FitsInt32(out.disp + c * d->imm)) {
      out.disp += c * d->imm;
      return out;
    }
    bool scalable = d->imm > 0 && (d->imm & (d->imm - 1)) == 0 && d->imm <= 16;
    if (out.index != kNoVReg) out.base = Materialize(out), out.index = kNoVReg, out.disp = 0;
    VReg idx = Value(d->b);
    uint32_t scale = uint32_t(d->imm);
    if (!scalable) {
      VReg t = NewGp();
      MInst& mul = Emit(kAlu);
      mul.cond = kMul, mul.dst = t, mul.a = idx, mul.imm = d->imm;
      idx = t, scale = 1;
    }
    out.index = idx;
    out.scale = scale;
    return out;
  }
  out.base = Value(r);
  return out;
}

// Loops poll the time-out flag on their back-edge; a time-out is reported where the loop resumes
// (the first instruction of the target), the place the interpreter names too.
void Isel::PollIfBackEdge(uint32_t target) {
  if (target > cur_block_) return;
  const std::vector<ir::Inst>& insts = fn_.blocks[target].insts;
  uint32_t loc = insts.empty() ? ir::kNoLoc : insts[0].loc;
  Emit(kPoll).aux = env_.AddTrapSite({true, false, ir::TrapKind::Unreachable, id_, loc});
}

bool Isel::Run(std::string& error) {
  if (fn_.blocks.empty()) {
    error = "function `" + fn_.name + "` has no body";
    return false;
  }
  Analyze();
  out_.blocks.resize(fn_.blocks.size());
  for (uint32_t b = 0; b < fn_.blocks.size(); ++b) {
    cur_block_ = b;
    out_.blocks[b].begin = uint32_t(out_.insts.size());
    if (b == 0) {
      LowerParams();
      MInst& poll = Emit(kPoll);
      poll.aux = env_.AddTrapSite({true, false, ir::TrapKind::Unreachable, id_, ir::kNoLoc});
      poll.cond = 1;  // and the stack limit
      poll.imm = env_.AddTrapSite({false, true, ir::TrapKind::Unreachable, id_, ir::kNoLoc});
    }
    LowerBlock(b);
    out_.blocks[b].end = uint32_t(out_.insts.size());
    if (!error_.empty()) break;
  }
  out_.frame_bytes = frame_end_;
  error = error_;
  return error.empty();
}

void Isel::LowerBlock(uint32_t b) {
  const std::vector<ir::Inst>& insts = fn_.blocks[b].insts;
  MBlock& mb = out_.blocks[b];
  for (size_t i = 0; i < insts.size(); ++i) {
    const ir::Inst& in = insts[i];
    ++cur_inst_;
    // A compare whose only use is the branch right after it becomes cmp + b.cond.
    bool fusable = (in.op == ir::Op::ICmp || in.op == ir::Op::FCmp) && i + 2 == insts.size() &&
                   insts[i + 1].op == ir::Op::CondBr && insts[i + 1].a == in.dst && use_count_[in.dst] == 1;
    if (fusable) {
      ++cur_inst_;
      LowerCondBr(insts[i + 1], &in);
      mb.succs = {insts[i + 1].b, insts[i + 1].c};
      return;
    }
    if (in.op == ir::Op::Br) mb.succs = {in.a};
    if (in.op == ir::Op::CondBr) mb.succs = {in.b, in.c};
    LowerInst(in);
    if (ir::OpFamilyOf(in.op) == ir::OpFamily::Terminator) return;
  }
}

void Isel::LowerCondBr(const ir::Inst& in, const ir::Inst* fused) {
  PollIfBackEdge(std::min(in.b, in.c));
  Cond cond = Cond::Ne;
  if (fused) {
    LowerCompare(*fused, cond);
  } else {
    VReg v = Value(in.a);  // before Emit: rematerializing appends instructions
    Emit(kTest, uint8_t(ir::TypeSize(fn_.reg_types[in.a]))).a = v;
  }
  MInst& j = Emit(kJcc);
  j.cond = uint8_t(cond);
  j.aux = in.b;
  j.imm = in.c;
}

// Emits the flag-setting compare of an icmp/fcmp and says which condition holds when true.
// 8- and 16-bit operands are extended (as the predicate's signedness says) to 32 bits first.
void Isel::LowerCompare(const ir::Inst& in, Cond& cond) {
  ir::Pred p = in.pred;
  ir::Reg a = in.a, b = in.b;
  if (in.op == ir::Op::FCmp) {
    VReg va = Value(a), vb = Value(b);
    MInst& c = Emit(kFCmp, uint8_t(ir::TypeSize(in.type)));
    c.a = va, c.b = vb;
    cond = FloatCond(p);
    return;
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
  cond = IntCond(p);
}

void Isel::LowerInst(const ir::Inst& in) {
  switch (ir::OpFamilyOf(in.op)) {
    case ir::OpFamily::Const:
      if (in.op == ir::Op::FConst) {
        MInst& c = Emit(kFConst, uint8_t(ir::TypeSize(in.type)));
        c.dst = in.dst;
        if (in.type == ir::Type::F32) {
          float f = float(in.FImm());
          uint32_t bits;
          std::memcpy(&bits, &f, 4);
          c.imm = bits;
        } else {
          c.imm = in.imm;
        }
      }
      return;  // the others are rematerialized where they are used
    case ir::OpFamily::IntBinary:
      if (in.op == ir::Op::SDiv || in.op == ir::Op::UDiv || in.op == ir::Op::SRem || in.op == ir::Op::URem)
        return LowerDivRem(in);
      if (in.op == ir::Op::Shl || in.op == ir::Op::LShr || in.op == ir::Op::AShr) return LowerShift(in);
      return LowerIntBinary(in);
    case ir::OpFamily::FloatBinary: {
      if (in.op == ir::Op::FRem) {
        VReg args[2] = {Value(in.a), Value(in.b)};
        return CallHelper(in.type == ir::Type::F32 ? Helper::Fmodf : Helper::Fmod, {args[0], args[1]}, in.dst,
                          uint8_t(ir::TypeSize(in.type)));
      }
      VReg va = Value(in.a), vb = Value(in.b);
      MInst& f = Emit(kFAlu, uint8_t(ir::TypeSize(in.type)));
      f.cond = uint8_t(uint32_t(in.op) - uint32_t(ir::Op::FAdd));
      f.dst = in.dst, f.a = va, f.b = vb;
      return;
    }
    case ir::OpFamily::Unary: {
      VReg va = Value(in.a);
      bool f = in.op == ir::Op::FNeg;
      MInst& u = Emit(f ? kFNeg : kUnary, f ? uint8_t(ir::TypeSize(in.type)) : OpSize(in.type));
      u.cond = in.op == ir::Op::Not ? kNot : kNeg;
      u.dst = in.dst, u.a = va;
      return;
    }
    case ir::OpFamily::Compare: {
      Cond cond;
      LowerCompare(in, cond);
      MInst& s = Emit(kSetCC, 4);
      s.dst = in.dst;
      s.cond = uint8_t(cond);
      return;
    }
    case ir::OpFamily::Convert: return LowerConvert(in);
    case ir::OpFamily::Memory: return LowerMemory(in);
    case ir::OpFamily::Check: {
      MInst c;
      c.op = kCmp;
      c.a = Value(in.a);
      c.imm = in.imm;
      c.ir_inst = cur_inst_;
      out_.insts.push_back(c);
      MInst& t = Emit(kTrapIf);
      t.cond = uint8_t(Cond::Hs);
      t.aux = env_.AddTrapSite({false, false, ir::TrapKind::Bounds, id_, in.loc});
      return;
    }
    case ir::OpFamily::Call: return LowerCall(in);
    case ir::OpFamily::Terminator:
      switch (in.op) {
        case ir::Op::Br:
          PollIfBackEdge(in.a);
          Emit(kJmp).aux = in.a;
          return;
        case ir::Op::CondBr: return LowerCondBr(in, nullptr);
        case ir::Op::Ret: return LowerRet(in);
        default:
          Emit(kTrap).aux = env_.AddTrapSite({false, false, ir::TrapKind(in.imm), id_, in.loc});
          return;
      }
  }
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

void Isel::LowerConvert(const ir::Inst& in) {
  ir::Type from = fn_.reg_types[in.a], to = in.type;
  uint32_t fw = ir::TypeSize(from), tw = ir::TypeSize(to);
  VReg a = Value(in.a);
  auto ext_into = [&](bool is_signed) {
    MInst& e = Emit(kExt);
    e.dst = in.dst, e.a = a, e.aux = fw, e.cond = is_signed;
  };
  switch (in.op) {
    case ir::Op::SExt: return fw >= 8 ? Move(in.dst, a) : ext_into(true);
    case ir::Op::ZExt: return fw >= 8 ? Move(in.dst, a) : ext_into(false);
    case ir::Op::IntToPtr: return fw >= 8 ? Move(in.dst, a) : ext_into(true);
    case ir::Op::Trunc: case ir::Op::PtrToInt: return Move(in.dst, a);
    case ir::Op::SIToFP: case ir::Op::UIToFP: {
      bool is_signed = in.op == ir::Op::SIToFP;
      if (fw < 8) a = Extend(a, fw, is_signed);
      MInst& c = Emit(is_signed || fw < 8 ? kCvtIF : kCvtU64F, uint8_t(tw));
      c.dst = in.dst, c.a = a;
      return;
    }
    case ir::Op::FPExt: case ir::Op::FPTrunc: {
      MInst& c = Emit(kCvtFF, uint8_t(tw));
      c.dst = in.dst, c.a = a;
      return;
    }
    default: {
      MInst& c = Emit(kCvtFI, uint8_t(fw));
      c.dst = in.dst, c.a = a, c.cond = in.op == ir::Op::FPToSI;
      c.aux = tw * 8;
      c.imm = env_.AddTrapSite({false, false, ir::TrapKind::FloatToInt, id_, in.loc});
      return;
    }
  }
}

void Isel::LowerMemory(const ir::Inst& in) {
  switch (in.op) {
    case ir::Op::Load: case ir::Op::Store: {
      ir::Reg ptr = in.op == ir::Op::Load ? in.a : in.b;
      uint32_t slot = ptr < promo_.reg_slot.size() ? promo_.reg_slot[ptr] : UINT32_MAX;
      if (slot != UINT32_MAX) {
        if (in.op == ir::Op::Load) return Move(in.dst, slot_vreg_[slot]);
        int64_t k;
        if (ConstInt(in.a, k)) {
          MInst& c = Emit(kMovImm, OpSize(in.type));
          c.dst = slot_vreg_[slot], c.imm = k;
          return;
        }
        return Move(slot_vreg_[slot], Value(in.a));
      }
      VReg value = kNoVReg;
      int64_t k = 0;
      bool imm = in.op == ir::Op::Store && !ir::IsFloat(in.type) && ConstInt(in.a, k);
      if (in.op == ir::Op::Store && !imm) value = Value(in.a);
      Addr ad = AddressOf(ptr);
      MInst& mi = Emit(in.op == ir::Op::Load ? kLoad : kStore, uint8_t(ir::TypeSize(in.type)));
      mi.a = ad.base, mi.c = ad.index, mi.aux = ad.scale, mi.disp = int32_t(ad.disp);
      if (in.op == ir::Op::Load) mi.dst = in.dst, mi.cond = 1;
      else mi.b = value, mi.imm = k;
      return;
    }
    case ir::Op::PtrAdd: case ir::Op::PtrOffset:
      return;  // folded into the addresses that use them, or rematerialized as an add
    default: {
      bool copy = in.op == ir::Op::Copy;
      VReg dst = Value(in.a), src = copy ? Value(in.b) : kNoVReg;
      if (in.imm > 256) {
        VReg size = NewGp();
        MInst& k = Emit(kMovImm);
        k.dst = size, k.imm = in.imm;
        if (copy) return CallHelper(Helper::Memcpy, {dst, src, size}, kNoVReg, 0);
        VReg zero = NewGp();
        Emit(kMovImm, 4).dst = zero;
        return CallHelper(Helper::Memset, {dst, zero, size}, kNoVReg, 0);
      }
      MInst& mi = Emit(copy ? kCopy : kZero);
      mi.a = dst, mi.b = src, mi.imm = in.imm;
      return;
    }
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
