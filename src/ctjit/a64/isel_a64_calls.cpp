// AArch64 instruction selection, the AAPCS64 side: incoming parameters, calls out (to Thrust
// functions, C functions, function pointers and runtime helpers) and returns. Arguments are
// placed in their fixed registers just before the call, so those registers are pinned only
// briefly; everything live across the call sits in callee-saved registers or the frame.
#include <algorithm>

#include "ctjit/a64/isel_a64.h"

namespace thrustc::ctjit::a64 {

namespace {

// x0, x1 and v0-v3 can carry results (an HFA of four members uses all of v0-v3).
constexpr uint32_t kResultMask = (1u << kX0) | (1u << kX1) | (0xFu << kV0);

uint8_t LoadSize(uint8_t size) { return size == 1 || size == 2 || size == 4 ? size : 8; }
uint8_t VecSize(uint8_t size) { return size <= 4 ? 4 : 8; }

}  // namespace

void Isel::LowerParams() {
  own_layout_ = LayOutCall(m_, fn_.sig.params, fn_.sig.ret, fn_.sig.variadic, uint32_t(fn_.sig.params.size()));
  if (!own_layout_.supported) error_ = own_layout_.problem;
  if (own_layout_.sret) {
    sret_ptr_ = NewGp();
    Move(sret_ptr_, Phys(kX8));
  }
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
      MInst& ld = Emit(kLoad, loc.by_reference ? 8 : uint8_t(ir::TypeSize(t.scalar)));
      ld.dst = r, ld.a = Phys(kFp), ld.disp = int32_t(16 + loc.stack_offset), ld.cond = 1;
      continue;
    }
    MInst lea;
    lea.op = kLea;
    lea.dst = r, lea.a = Phys(kFp), lea.aux = 1;
    if (loc.on_stack) {
      lea.disp = int32_t(16 + loc.stack_offset);  // the caller's copy belongs to us
    } else {
      const ir::AggType& agg = m_.aggs[t.agg];
      lea.disp = AllocFrame((agg.size + 7) / 8 * 8, std::max<uint32_t>(agg.align, 8));
      for (const RegPiece& p : loc.pieces) {
        MInst& st = Emit(kStore, IsVec(p.reg) ? VecSize(p.size) : 8);
        st.a = Phys(kFp), st.disp = lea.disp + int32_t(p.offset), st.b = Phys(p.reg);
      }
    }
    lea.ir_inst = cur_inst_;
    out_.insts.push_back(lea);
  }
}

void Isel::PassArgs(const CallLayout& layout, const ir::CallInfo& call, uint32_t& use_mask) {
  std::vector<VReg> vals;
  for (ir::Reg r : call.args) vals.push_back(Value(r));
  // Aggregates over 16 bytes: a copy in our frame, passed by its address.
  for (size_t i = 0; i < vals.size(); ++i) {
    if (!layout.args[i].by_reference) continue;
    const ir::AggType& agg = m_.aggs[call.arg_types[i].agg];
    VReg copy = Materialize({Phys(kFp), kNoVReg, 1, AllocFrame(agg.size, std::min<uint32_t>(agg.align, 16))});
    if (agg.size > 256) {
      VReg size = NewGp();
      MInst& k = Emit(kMovImm);
      k.dst = size, k.imm = agg.size;
      CallHelper(Helper::Memcpy, {copy, vals[i], size}, kNoVReg, 0);
    } else {
      MInst& cp = Emit(kCopy);
      cp.a = copy, cp.b = vals[i], cp.imm = agg.size;
    }
    vals[i] = copy;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    const ArgLoc& loc = layout.args[i];
    if (!loc.on_stack) continue;
    bool agg = call.arg_types[i].IsAgg() && !loc.by_reference;
    uint8_t size = loc.by_reference ? 8 : agg ? 8 : uint8_t(ir::TypeSize(call.arg_types[i].scalar));
    MInst& mi = Emit(agg ? kCopy : kStore, size);
    mi.a = Phys(kSp), mi.disp = int32_t(loc.stack_offset);
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
        if (!loc.by_reference && ir::IsInt(t) && ir::TypeSize(t) < 4) v = Extend(v, ir::TypeSize(t), true);
        Move(Phys(p.reg), v);
        continue;
      }
      MInst& ld = Emit(kLoad, IsVec(p.reg) ? VecSize(p.size) : LoadSize(p.size));
      ld.dst = Phys(p.reg), ld.a = vals[i], ld.disp = int32_t(p.offset);
    }
  }
}

void Isel::TakeResult(const CallLayout& layout, const ir::CallInfo& call, ir::Reg dst) {
  if (layout.ret.empty()) return;
  if (!call.ret.IsAgg()) {
    if (dst != ir::kNoReg) Move(dst, Phys(layout.ret[0].reg));
    return;
  }
  if (call.ret_dest == ir::kNoReg) return;
  Addr ad = AddressOf(call.ret_dest);
  for (const RegPiece& p : layout.ret) {
    if (IsVec(p.reg) || p.size == 8 || p.size == 4 || p.size == 2 || p.size == 1) {
      MInst& st = Emit(kStore, IsVec(p.reg) ? VecSize(p.size) : p.size);
      st.a = ad.base, st.c = ad.index, st.aux = ad.scale, st.disp = int32_t(ad.disp + p.offset), st.b = Phys(p.reg);
      continue;
    }
    // An odd-sized tail (3, 5, 6, 7 bytes): store it piecewise so no neighbouring byte changes.
    VReg t = NewGp();
    Move(t, Phys(p.reg));
    uint32_t done = 0;
    for (uint8_t chunk : {4, 2, 1}) {
      if (p.size - done < chunk) continue;
      MInst& st = Emit(kStore, chunk);
      st.a = ad.base, st.c = ad.index, st.aux = ad.scale, st.disp = int32_t(ad.disp + p.offset + done), st.b = t;
      MInst& sh = Emit(kShiftImm);
      sh.cond = kLsr, sh.dst = t, sh.a = t, sh.imm = chunk * 8;
      done += chunk;
    }
  }
}

void Isel::LowerCall(const ir::Inst& in) {
  const ir::CallInfo& call = fn_.calls[size_t(in.imm)];
  CallLayout layout = LayOutCall(m_, call.arg_types, call.ret, call.variadic, call.fixed_count);
  if (!layout.supported) {
    error_ = layout.problem;
    return;
  }
  VReg target = in.op == ir::Op::CallIndirect ? Value(in.a) : kNoVReg;
  uint32_t use_mask = 0;
  PassArgs(layout, call, use_mask);
  if (layout.sret) {
    VReg dest;
    if (call.ret_dest != ir::kNoReg) {
      dest = Value(call.ret_dest);
    } else {
      const ir::AggType& agg = m_.aggs[call.ret.agg];
      dest = Materialize({Phys(kFp), kNoVReg, 1, AllocFrame(agg.size, std::min<uint32_t>(agg.align, 16))});
    }
    Move(Phys(kX8), dest);
    use_mask |= 1u << kX8;
  }
  out_.outgoing_bytes = std::max(out_.outgoing_bytes, layout.stack_bytes);
  MInst& c = Emit(in.op == ir::Op::CallIndirect ? kCallInd : kCall);
  c.a = target;
  if (in.op == ir::Op::Call) {
    uint64_t addr = env_.FunctionAddress(in.a);
    c.cond = addr != 0;
    c.imm = int64_t(addr);
    c.aux = in.a;
  }
  c.use_mask = use_mask, c.def_mask = kResultMask, c.clobber_mask = kCallerSavedMask;
  TakeResult(layout, call, in.dst);
}

void Isel::LowerRet(const ir::Inst& in) {
  uint32_t use_mask = 0;
  const ir::AbiType& ret = fn_.sig.ret;
  if (in.a != ir::kNoReg && ret.IsAgg()) {
    VReg v = Value(in.a);
    const ir::AggType& agg = m_.aggs[ret.agg];
    if (own_layout_.sret) {
      if (agg.size > 256) {
        VReg size = NewGp();
        MInst& k = Emit(kMovImm);
        k.dst = size, k.imm = agg.size;
        CallHelper(Helper::Memcpy, {sret_ptr_, v, size}, kNoVReg, 0);
      } else {
        MInst& cp = Emit(kCopy);
        cp.a = sret_ptr_, cp.b = v, cp.imm = agg.size;
      }
    } else {
      for (const RegPiece& p : own_layout_.ret) {
        MInst& ld = Emit(kLoad, IsVec(p.reg) ? VecSize(p.size) : LoadSize(p.size));
        ld.dst = Phys(p.reg), ld.a = v, ld.disp = int32_t(p.offset);
        use_mask |= 1u << p.reg;
      }
    }
  } else if (in.a != ir::kNoReg && !own_layout_.ret.empty()) {
    Move(Phys(own_layout_.ret[0].reg), Value(in.a));
    use_mask = 1u << own_layout_.ret[0].reg;
  }
  Emit(kRet).use_mask = use_mask;
}

void Isel::CallHelper(Helper h, std::vector<VReg> args, VReg fp_result, uint8_t fp_size) {
  uint32_t use_mask = 0, gp = 0, fp = 0;
  for (VReg v : args) {
    uint32_t reg = out_.vreg_class[v] == RegClass::Fp ? Vreg(fp++) : kArgGp[gp++];
    Move(Phys(reg), v, fp_size ? fp_size : 8);
    use_mask |= 1u << reg;
  }
  MInst& c = Emit(kCall);
  c.cond = 1;
  c.imm = int64_t(env_.HelperAddress(h));
  c.use_mask = use_mask, c.def_mask = kResultMask, c.clobber_mask = kCallerSavedMask;
  if (fp_result != kNoVReg) Move(fp_result, Phys(Vreg(0)));
}

}  // namespace thrustc::ctjit::a64
