// The target-independent half of call lowering (isel_common.h): incoming parameters, calls out
// (to Thrust functions, C functions, function pointers and runtime helpers) and returns, over the
// CallLayout the target's calling convention gives (x64/abi_x64.cpp, a64/abi_a64.cpp). Arguments
// are placed in their fixed registers just before the call, so those registers are pinned only
// briefly; everything live across the call sits in callee-saved registers or the frame.
#include <algorithm>

#include "ctjit/isel_common.h"

namespace thrustc::ctjit {

namespace {

// Bytes a piece of an aggregate moves between memory and its register.
uint8_t FpSize(uint8_t size) { return size <= 4 ? 4 : 8; }
uint8_t LoadSize(uint8_t size) { return size == 1 || size == 2 || size == 4 ? size : 8; }

}  // namespace

void IselBase::LowerParams() {
  own_layout_ = LayOutCall(fn_.sig.params, fn_.sig.ret, fn_.sig.variadic, uint32_t(fn_.sig.params.size()));
  if (!own_layout_.supported) error_ = own_layout_.problem;
  if (own_layout_.sret) {
    sret_ptr_ = NewGp();
    Move(sret_ptr_, Phys(target_.sret_reg));
  }
  VReg frame = Phys(target_.frame_reg);
  for (size_t i = 0; i < fn_.params.size() && i < own_layout_.args.size(); ++i) {
    ir::Reg r = fn_.params[i];
    const ArgLoc& loc = own_layout_.args[i];
    const ir::AbiType& t = fn_.sig.params[i];
    // Scalars and by-reference aggregates (the caller's copy is ours) arrive as one value.
    if (!t.IsAgg() || loc.by_reference) {
      if (!loc.on_stack) {
        Move(r, Phys(loc.pieces[0].reg));
        continue;
      }
      MInst& ld = Emit(target_.load, loc.by_reference ? 8 : uint8_t(ir::TypeSize(t.scalar)));
      ld.dst = r, ld.a = frame, ld.disp = int32_t(16 + loc.stack_offset), ld.cond = 1;
      continue;
    }
    MInst lea;
    lea.op = target_.lea;
    lea.dst = r, lea.a = frame, lea.aux = 1;
    if (loc.on_stack) {
      lea.disp = int32_t(16 + loc.stack_offset);  // the caller's copy belongs to us
    } else {
      const ir::AggType& agg = m_.aggs[t.agg];
      lea.disp = AllocFrame((agg.size + 7) / 8 * 8, std::max<uint32_t>(agg.align, 8));
      for (const RegPiece& p : loc.pieces) {
        MInst& st = Emit(target_.store, IsFpReg(p.reg) ? FpSize(p.size) : 8);
        st.a = frame, st.disp = lea.disp + int32_t(p.offset), st.b = Phys(p.reg);
      }
    }
    lea.ir_inst = cur_inst_;
    out_.insts.push_back(lea);
  }
}

// An aggregate copy: inline up to 256 bytes, memcpy beyond.
void IselBase::CopyAgg(VReg dst, VReg src, uint32_t size) {
  if (size > 256) {
    VReg n = NewGp();
    MInst& k = Emit(target_.mov_imm);
    k.dst = n, k.imm = size;
    return CallHelper(Helper::Memcpy, {dst, src, n}, kNoVReg, 0);
  }
  MInst& cp = Emit(target_.copy);
  cp.a = dst, cp.b = src, cp.imm = size;
}

void IselBase::PassArgs(const CallLayout& layout, const ir::CallInfo& call, uint32_t& use_mask) {
  std::vector<VReg> vals;
  for (ir::Reg r : call.args) vals.push_back(Value(r));
  // A by-reference aggregate: a copy in our frame, passed by its address.
  for (size_t i = 0; i < vals.size(); ++i) {
    if (!layout.args[i].by_reference) continue;
    const ir::AggType& agg = m_.aggs[call.arg_types[i].agg];
    VReg copy = Materialize({Phys(target_.frame_reg), kNoVReg, 1, AllocFrame(agg.size, std::min<uint32_t>(agg.align, 16))});
    CopyAgg(copy, vals[i], agg.size);
    vals[i] = copy;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    const ArgLoc& loc = layout.args[i];
    if (!loc.on_stack) continue;
    bool agg = call.arg_types[i].IsAgg() && !loc.by_reference;
    uint8_t size = loc.by_reference ? 8 : agg ? 8 : uint8_t(ir::TypeSize(call.arg_types[i].scalar));
    MInst& mi = Emit(agg ? target_.copy : target_.store, size);
    mi.a = Phys(target_.stack_reg), mi.disp = int32_t(loc.stack_offset);
    mi.b = vals[i];
    if (agg) mi.imm = loc.size;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    const ArgLoc& loc = layout.args[i];
    bool agg = call.arg_types[i].IsAgg() && !loc.by_reference;
    for (const RegPiece& p : loc.pieces) {
      use_mask |= 1u << p.reg;
      if (!agg) {
        ir::Type t = call.arg_types[i].scalar;
        VReg v = vals[i];
        // C wants small integers widened to 32 bits.
        if (!loc.by_reference && ir::IsInt(t) && ir::TypeSize(t) < 4) v = Extend(v, ir::TypeSize(t), true);
        Move(Phys(p.reg), v);
        continue;
      }
      MInst& ld = Emit(target_.load, IsFpReg(p.reg) ? FpSize(p.size) : LoadSize(p.size));
      ld.dst = Phys(p.reg), ld.a = vals[i], ld.disp = int32_t(p.offset);
    }
  }
}

void IselBase::TakeResult(const CallLayout& layout, const ir::CallInfo& call, ir::Reg dst) {
  if (layout.ret.empty()) return;
  if (!call.ret.IsAgg()) {
    if (dst != ir::kNoReg) Move(dst, Phys(layout.ret[0].reg));
    return;
  }
  if (call.ret_dest == ir::kNoReg) return;
  Addr ad = AddressOf(call.ret_dest);
  for (const RegPiece& p : layout.ret) {
    if (IsFpReg(p.reg) || p.size == 8 || p.size == 4 || p.size == 2 || p.size == 1) {
      MInst& st = Emit(target_.store, IsFpReg(p.reg) ? FpSize(p.size) : p.size);
      st.a = ad.base, st.c = ad.index, st.aux = ad.scale, st.disp = int32_t(ad.disp + p.offset), st.b = Phys(p.reg);
      continue;
    }
    // An odd-sized tail (3, 5, 6, 7 bytes): store it piecewise so no neighbouring byte changes.
    VReg t = NewGp();
    Move(t, Phys(p.reg));
    uint32_t done = 0;
    for (uint8_t chunk : {4, 2, 1}) {
      if (p.size - done < chunk) continue;
      MInst& st = Emit(target_.store, chunk);
      st.a = ad.base, st.c = ad.index, st.aux = ad.scale, st.disp = int32_t(ad.disp + p.offset + done), st.b = t;
      MInst& sh = Emit(target_.shift_imm);
      sh.cond = target_.shift_right, sh.dst = t, sh.a = t, sh.imm = chunk * 8;
      done += chunk;
    }
  }
}

void IselBase::LowerCall(const ir::Inst& in) {
  const ir::CallInfo& call = fn_.calls[size_t(in.imm)];
  CallLayout layout = LayOutCall(call.arg_types, call.ret, call.variadic, call.fixed_count);
  if (!layout.supported) {
    error_ = layout.problem;
    return;
  }
  VReg callee = in.op == ir::Op::CallIndirect ? Value(in.a) : kNoVReg;
  uint32_t use_mask = 0;
  PassArgs(layout, call, use_mask);
  if (layout.sret) {
    VReg dest;
    if (call.ret_dest != ir::kNoReg) {
      dest = Value(call.ret_dest);
    } else {
      const ir::AggType& agg = m_.aggs[call.ret.agg];
      dest = Materialize({Phys(target_.frame_reg), kNoVReg, 1, AllocFrame(agg.size, std::min<uint32_t>(agg.align, 16))});
    }
    Move(Phys(target_.sret_reg), dest);
    use_mask |= 1u << target_.sret_reg;
  }
  if (call.variadic && target_.fp_count_reg != IselTarget::kNone) {
    MInst& k = Emit(target_.mov_imm, 4);
    k.dst = Phys(target_.fp_count_reg), k.imm = layout.fp_regs_used;
    use_mask |= 1u << target_.fp_count_reg;
  }
  out_.outgoing_bytes = std::max(out_.outgoing_bytes, layout.stack_bytes);
  MInst& c = Emit(in.op == ir::Op::CallIndirect ? target_.call_ind : target_.call);
  c.a = callee;
  if (in.op == ir::Op::Call) {
    uint64_t addr = env_.FunctionAddress(in.a);
    c.cond = addr != 0;
    c.imm = int64_t(addr);
    c.aux = in.a;
  }
  c.use_mask = use_mask, c.def_mask = target_.result_mask, c.clobber_mask = target_.caller_saved_mask;
  TakeResult(layout, call, in.dst);
}

void IselBase::LowerRet(const ir::Inst& in) {
  uint32_t use_mask = 0;
  const ir::AbiType& ret = fn_.sig.ret;
  if (in.a != ir::kNoReg && ret.IsAgg()) {
    VReg v = Value(in.a);
    if (own_layout_.sret) {
      CopyAgg(sret_ptr_, v, m_.aggs[ret.agg].size);
      if (target_.sret_echo_reg != IselTarget::kNone) {
        Move(Phys(target_.sret_echo_reg), sret_ptr_);
        use_mask = 1u << target_.sret_echo_reg;
      }
    } else {
      for (const RegPiece& p : own_layout_.ret) {
        MInst& ld = Emit(target_.load, IsFpReg(p.reg) ? FpSize(p.size) : LoadSize(p.size));
        ld.dst = Phys(p.reg), ld.a = v, ld.disp = int32_t(p.offset);
        use_mask |= 1u << p.reg;
      }
    }
  } else if (in.a != ir::kNoReg && !own_layout_.ret.empty()) {
    Move(Phys(own_layout_.ret[0].reg), Value(in.a));
    use_mask = 1u << own_layout_.ret[0].reg;
  }
  Emit(target_.ret).use_mask = use_mask;
}

void IselBase::CallHelper(Helper h, std::vector<VReg> args, VReg fp_result, uint8_t fp_size) {
  uint32_t use_mask = 0, gp = 0, fp = 0;
  for (VReg v : args) {
    uint32_t reg = out_.vreg_class[v] == RegClass::Fp ? target_.first_fp_reg + fp++ : target_.arg_gp[gp++];
    Move(Phys(reg), v, fp_size ? fp_size : 8);
    use_mask |= 1u << reg;
  }
  MInst& c = Emit(target_.call);
  c.cond = 1;
  c.imm = int64_t(env_.HelperAddress(h));
  c.use_mask = use_mask, c.def_mask = target_.result_mask, c.clobber_mask = target_.caller_saved_mask;
  if (fp_result != kNoVReg) Move(fp_result, Phys(target_.first_fp_reg));
}

}  // namespace thrustc::ctjit
