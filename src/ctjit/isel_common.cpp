// The target-independent half of instruction selection (isel_common.h): the IR walk and the
// dispatch by op family, the per-function analysis and the rematerialization of constants and
// addresses at each use, in the MIR opcodes the target names in its IselTarget.
#include "ctjit/isel_common.h"

#include <algorithm>
#include <cstring>

namespace thrustc::ctjit {

namespace {

// The bits of a float constant at its own width (an f32 constant is stored as a double).
int64_t FloatBits(const ir::Inst& in) {
  if (in.type != ir::Type::F32) return in.imm;
  float f = float(in.FImm());
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

}  // namespace

int64_t Normalize(int64_t v, ir::Type t) {
  uint32_t bits = ir::TypeSize(t) * 8;
  if (bits == 0 || bits >= 64) return v;
  return int64_t(uint64_t(v) << (64 - bits)) >> (64 - bits);
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

MInst& IselBase::Emit(uint16_t op, uint8_t size) {
  MInst& in = out_.insts.emplace_back();
  in.op = op;
  in.size = size;
  in.ir_inst = cur_inst_;
  return in;
}

int32_t IselBase::AllocFrame(uint32_t size, uint32_t align) {
  align = std::max<uint32_t>(align, 1);
  if (uint64_t(frame_end_) + size + align > kMaxFrameBytes) {
    out_.frame_too_large = true;  // never runs: every slot may share one offset
    return -int32_t(target_.save_area_bytes + 16);
  }
  uint32_t end = (target_.save_area_bytes + frame_end_ + size + align - 1) / align * align;
  frame_end_ = end - target_.save_area_bytes;
  return -int32_t(end);
}

void IselBase::Analyze() {
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
      if (in.op == ir::Op::Br || in.op == ir::Op::Trap || in.op == ir::Op::Fence ||
          ir::OpFamilyOf(in.op) == ir::OpFamily::Const)
        continue;
      if (in.op != ir::Op::Ret || in.a != ir::kNoReg) use(in.a);
      if (in.op != ir::Op::CondBr) use(in.b);
      if (in.op == ir::Op::CmpXchg) use(in.c);
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
    // The frame pointer is only 16-byte aligned: an over-aligned slot gets room to be aligned at run time.
    slot_disp_[s] = align > 16 ? AllocFrame(size + align, 16) : AllocFrame(size, align);
  }
}

bool IselBase::IsLazy(ir::Reg r) const {
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

bool IselBase::ConstInt(ir::Reg r, int64_t& v) const {
  const ir::Inst* d = r < def_.size() ? def_[r] : nullptr;
  if (!d || d->op != ir::Op::IConst) return false;
  v = Normalize(d->imm, d->type);
  return true;
}

void IselBase::Move(VReg dst, VReg src, uint8_t size) {
  MInst& in = Emit(target_.mov, size);
  in.dst = dst;
  in.a = src;
}

VReg IselBase::Extend(VReg v, uint32_t from_bytes, bool is_signed) {
  VReg t = NewGp();
  MInst& in = Emit(target_.ext);
  in.dst = t;
  in.a = v;
  in.aux = from_bytes;
  in.cond = is_signed;
  return t;
}

VReg IselBase::Materialize(const Addr& a) {
  if (a.index == kNoVReg && a.disp == 0 && !IsPhys(a.base)) return a.base;
  VReg v = NewGp();
  MInst& in = Emit(target_.lea);
  in.dst = v;
  in.a = a.base;
  in.c = a.index;
  in.aux = a.scale;
  in.disp = int32_t(a.disp);
  return v;
}

// The register holding IR register `r`, rematerializing constants and addresses at this use.
VReg IselBase::Value(ir::Reg r) {
  if (!IsLazy(r)) return r;
  const ir::Inst& d = *def_[r];
  switch (d.op) {
    case ir::Op::IConst: {
      VReg v = NewGp();
      MInst& in = Emit(target_.mov_imm, OpSize(d.type));
      in.dst = v;
      in.imm = Normalize(d.imm, d.type);
      return v;
    }
    case ir::Op::GlobalAddr: {
      VReg v = NewGp();
      MInst& in = Emit(target_.mov_imm);
      in.dst = v;
      in.imm = int64_t(env_.GlobalAddress(d.a));
      return v;
    }
    case ir::Op::FuncAddr: {
      VReg v = NewGp();
      MInst& in = Emit(target_.mov_imm);
      in.dst = v;
      uint64_t addr = env_.FunctionAddress(d.a);
      in.imm = int64_t(addr);
      if (!addr) in.cond = 1, in.aux = d.a;  // the address of a function of this batch
      return v;
    }
    case ir::Op::SlotAddr:
      if (fn_.slots[d.a].align > 16) {
        VReg v = Materialize({Phys(target_.frame_reg), kNoVReg, 1, slot_disp_[d.a] + int64_t(fn_.slots[d.a].align) - 1});
        MInst& mask = Emit(target_.alu);
        mask.cond = target_.alu_and, mask.dst = v, mask.a = v, mask.imm = -int64_t(fn_.slots[d.a].align);
        return v;
      }
      return Materialize(AddressOf(r));
    default:
      return Materialize(AddressOf(r));
  }
}

// An addressing mode for the pointer in `r`: frame slots, offsets and scaled indexes fold in
// (a target's emitter splits what one of its addressing modes cannot hold).
IselBase::Addr IselBase::AddressOf(ir::Reg r, int depth) {
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
    out.base = Phys(target_.frame_reg);
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
      MInst& mi = Emit(target_.mov_imm);
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
    bool scalable = d->imm > 0 && (d->imm & (d->imm - 1)) == 0 && d->imm <= target_.max_scale;
    if (out.index != kNoVReg) out.base = Materialize(out), out.index = kNoVReg, out.disp = 0;
    VReg idx = Value(d->b);
    uint32_t scale = uint32_t(d->imm);
    if (!scalable) {
      VReg t = NewGp();
      MInst& mul = Emit(target_.alu);
      mul.cond = target_.alu_mul, mul.dst = t, mul.a = idx, mul.imm = d->imm;
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
void IselBase::PollIfBackEdge(uint32_t target) {
  if (target > cur_block_) return;
  const std::vector<ir::Inst>& insts = fn_.blocks[target].insts;
  uint32_t loc = insts.empty() ? ir::kNoLoc : insts[0].loc;
  Emit(target_.poll).aux = env_.AddTrapSite({true, false, ir::TrapKind::Unreachable, id_, loc});
}

bool IselBase::Run(std::string& error) {
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
      MInst& poll = Emit(target_.poll);
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

void IselBase::LowerBlock(uint32_t b) {
  const std::vector<ir::Inst>& insts = fn_.blocks[b].insts;
  MBlock& mb = out_.blocks[b];
  for (size_t i = 0; i < insts.size(); ++i) {
    const ir::Inst& in = insts[i];
    ++cur_inst_;
    // A compare whose only use is the branch right after it becomes compare + conditional branch.
    bool fusable = (in.op == ir::Op::ICmp || in.op == ir::Op::FCmp) && i + 2 == insts.size() &&
                   insts[i + 1].op == ir::Op::CondBr && insts[i + 1].a == in.dst && use_count_[in.dst] == 1;
    if (fusable) {
      ++cur_inst_;
      LowerCondBr(insts[i + 1], &in);
      mb.succ[0] = insts[i + 1].b, mb.succ[1] = insts[i + 1].c, mb.succ_count = 2;
      return;
    }
    if (in.op == ir::Op::Br) mb.succ[0] = in.a, mb.succ_count = 1;
    if (in.op == ir::Op::CondBr) mb.succ[0] = in.b, mb.succ[1] = in.c, mb.succ_count = 2;
    LowerInst(in);
    if (ir::OpFamilyOf(in.op) == ir::OpFamily::Terminator) return;
  }
}

// One IR instruction: the op families whose MIR is the same on every target are emitted here,
// the others go to the target's Lower* functions.
void IselBase::LowerInst(const ir::Inst& in) {
  const IselTarget& t = target_;
  switch (ir::OpFamilyOf(in.op)) {
    case ir::OpFamily::Const:
      if (in.op == ir::Op::FConst) {
        MInst& c = Emit(t.fconst, uint8_t(ir::TypeSize(in.type)));
        c.dst = in.dst, c.imm = FloatBits(in);
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
      MInst& f = Emit(t.falu, uint8_t(ir::TypeSize(in.type)));
      f.cond = uint8_t(uint32_t(in.op) - uint32_t(ir::Op::FAdd));  // FAluKind follows the IR's order
      f.dst = in.dst, f.a = va, f.b = vb;
      return;
    }
    case ir::OpFamily::Unary: {
      VReg va = Value(in.a);
      bool f = in.op == ir::Op::FNeg;
      MInst& u = Emit(f ? t.fneg : t.unary, f ? uint8_t(ir::TypeSize(in.type)) : OpSize(in.type));
      u.cond = in.op == ir::Op::Not ? t.unary_not : t.unary_neg;
      u.dst = in.dst, u.a = va;
      return;
    }
    case ir::OpFamily::Compare: {
      uint8_t cond = LowerCompare(in);
      MInst& s = Emit(t.set_cc, t.set_cc_size);
      s.dst = in.dst, s.cond = cond;
      return;
    }
    case ir::OpFamily::Convert: return LowerConvert(in);
    case ir::OpFamily::Memory: return LowerMemory(in);
    case ir::OpFamily::Atomic: return LowerAtomic(in);
    case ir::OpFamily::Check: return LowerBoundsCheck(in);
    case ir::OpFamily::Call: return LowerCall(in);
    case ir::OpFamily::Terminator:
      switch (in.op) {
        case ir::Op::Br:
          PollIfBackEdge(in.a);
          Emit(t.jmp).aux = in.a;
          return;
        case ir::Op::CondBr: return LowerCondBr(in, nullptr);
        case ir::Op::Ret: return LowerRet(in);
        default:
          Emit(t.trap).aux = env_.AddTrapSite({false, false, ir::TrapKind(in.imm), id_, in.loc});
          return;
      }
  }
}

// A conditional branch on a bool (tested against zero) or on the compare fused into it.
void IselBase::LowerCondBr(const ir::Inst& in, const ir::Inst* fused) {
  PollIfBackEdge(std::min(in.b, in.c));
  uint8_t cond = target_.cond_ne;
  if (fused) {
    cond = LowerCompare(*fused);
  } else {
    VReg v = Value(in.a);  // before Emit: rematerializing appends instructions
    Emit(target_.test, uint8_t(ir::TypeSize(fn_.reg_types[in.a]))).a = v;
  }
  MInst& j = Emit(target_.jcc);
  j.cond = cond;
  j.aux = in.b;
  j.imm = in.c;
}

// Integer widening is an extension (or a move from 64 bits), narrowing a move of the low bits;
// float conversions are the target's, float-to-int with a trap site for NaN and out of range.
void IselBase::LowerConvert(const ir::Inst& in) {
  ir::Type from = fn_.reg_types[in.a], to = in.type;
  uint32_t fw = ir::TypeSize(from), tw = ir::TypeSize(to);
  VReg a = Value(in.a);
  auto ext_into = [&](bool is_signed) {
    MInst& e = Emit(target_.ext);
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
      MInst& c = Emit(is_signed || fw < 8 ? target_.cvt_if : target_.cvt_u64f, uint8_t(tw));
      c.dst = in.dst, c.a = a;
      return;
    }
    case ir::Op::FPExt: case ir::Op::FPTrunc: {
      MInst& c = Emit(target_.cvt_ff, uint8_t(tw));
      c.dst = in.dst, c.a = a;
      return;
    }
    default: {
      MInst& c = Emit(target_.cvt_fi, uint8_t(fw));
      c.dst = in.dst, c.a = a, c.cond = in.op == ir::Op::FPToSI;
      c.aux = tw * 8;
      c.imm = env_.AddTrapSite({false, false, ir::TrapKind::FloatToInt, id_, in.loc});
      return;
    }
  }
}

// Loads and stores (of a promoted slot: moves of its register), addresses (folded into their
// uses), and copies and zeroing: inline up to 256 bytes, memcpy/memset beyond.
void IselBase::LowerMemory(const ir::Inst& in) {
  switch (in.op) {
    case ir::Op::Load: case ir::Op::Store: {
      ir::Reg ptr = in.op == ir::Op::Load ? in.a : in.b;
      uint32_t slot = ptr < promo_.reg_slot.size() ? promo_.reg_slot[ptr] : UINT32_MAX;
      if (slot != UINT32_MAX) {
        if (in.op == ir::Op::Load) return Move(in.dst, slot_vreg_[slot]);
        int64_t k;
        if (ConstInt(in.a, k)) {
          MInst& c = Emit(target_.mov_imm, OpSize(in.type));
          c.dst = slot_vreg_[slot], c.imm = k;
          return;
        }
        return Move(slot_vreg_[slot], Value(in.a));
      }
      VReg value = kNoVReg;
      int64_t k = 0;
      bool imm = in.op == ir::Op::Store && !ir::IsFloat(in.type) && ConstInt(in.a, k) && (!target_.store_imm32 || FitsInt32(k));
      if (in.op == ir::Op::Store && !imm) value = Value(in.a);
      Addr ad = AddressOf(ptr);
      MInst& mi = Emit(in.op == ir::Op::Load ? target_.load : target_.store, uint8_t(ir::TypeSize(in.type)));
      mi.a = ad.base, mi.c = ad.index, mi.aux = ad.scale, mi.disp = int32_t(ad.disp);
      if (in.op == ir::Op::Load) mi.dst = in.dst, mi.cond = 1;
      else mi.b = value, mi.imm = k;
      return;
    }
    case ir::Op::PtrAdd: case ir::Op::PtrOffset:
      return;  // folded into the addresses that use them, or rematerialized
    default: {
      bool copy = in.op == ir::Op::Copy;
      VReg dst = Value(in.a), src = copy ? Value(in.b) : kNoVReg;
      if (in.imm > 256) {
        VReg size = NewGp();
        MInst& k = Emit(target_.mov_imm);
        k.dst = size, k.imm = in.imm;
        if (copy) return CallHelper(Helper::Memcpy, {dst, src, size}, kNoVReg, 0);
        VReg zero = NewGp();
        Emit(target_.mov_imm, 4).dst = zero;
        return CallHelper(Helper::Memset, {dst, zero, size}, kNoVReg, 0);
      }
      MInst& mi = Emit(copy ? target_.copy : target_.zero);
      mi.a = dst, mi.b = src, mi.imm = in.imm;
      return;
    }
  }
}

// index >= length (unsigned) traps. A length beyond 32 bits is compared from a register (x86-64
// compares with 32-bit immediates only; AArch64 would load it into a scratch register anyway).
void IselBase::LowerBoundsCheck(const ir::Inst& in) {
  MInst c;
  c.op = target_.cmp;
  c.a = Value(in.a);
  if (FitsInt32(in.imm)) {
    c.imm = in.imm;
  } else {
    c.b = NewGp();
    MInst& k = Emit(target_.mov_imm);
    k.dst = c.b, k.imm = in.imm;
  }
  c.ir_inst = cur_inst_;
  out_.insts.push_back(c);
  MInst& t = Emit(target_.trap_if);
  t.cond = target_.cond_uge;
  t.aux = env_.AddTrapSite({false, false, ir::TrapKind::Bounds, id_, in.loc});
}

}  // namespace thrustc::ctjit
