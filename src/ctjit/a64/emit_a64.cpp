// AArch64 encoding: allocated MIR -> asmjit aj::Assembler -> bytes in our executable memory.
// The only file that spells asmjit's a64 API. Spilled operands, large immediates and addresses
// that one addressing mode cannot hold go through the unallocated scratch registers x16, x17,
// x9-x11 and v16/v17; traps and time-out polls branch to small out-of-line stubs that call the
// runtime with the trap site's number.
#include "ctjit/a64/emit_a64.h"

#include <asmjit/arm.h>
#include <asmjit/arm/a64assembler.h>
#include <asmjit/arm/a64utils.h>

#include <bit>
#include <unordered_map>

#include "ctjit/emit_common.h"
#include "ctjit/a64/regs_a64.h"

namespace thrustc::ctjit::a64 {

namespace {

using namespace asmjit;
namespace aj = asmjit::a64;
using aj::Mem;
using asmjit::arm::CondCode;
using asmjit::arm::negateCond;

constexpr uint32_t kSpHw = 31, kFpHw = 29, kOffScratch = 10, kOffScratch2 = 11;
constexpr uint32_t kAtomicTmp = 12, kAtomicTmp2 = 13;  // extended operands of atomic compares

aj::GpX X(uint32_t hw) { return hw == kSpHw ? aj::sp : aj::x(hw); }
aj::GpW W(uint32_t hw) { return hw == kSpHw ? aj::wsp : aj::w(hw); }
aj::Gp R(uint32_t hw, uint32_t size) { return size == 8 ? aj::Gp(X(hw)) : aj::Gp(W(hw)); }
aj::Vec V(uint32_t hw, uint32_t size) {
  if (size == 16) return aj::VecV(hw);
  return size == 8 ? aj::Vec(aj::d(hw)) : aj::Vec(aj::s(hw));
}

CondCode CC(Cond c) {
  switch (c) {
    case Cond::Eq: return CondCode::kEQ;
    case Cond::Ne: return CondCode::kNE;
    case Cond::Lt: return CondCode::kLT;
    case Cond::Le: return CondCode::kLE;
    case Cond::Gt: return CondCode::kGT;
    case Cond::Ge: return CondCode::kGE;
    case Cond::Lo: return CondCode::kLO;
    case Cond::Ls: return CondCode::kLS;
    case Cond::Hi: return CondCode::kHI;
    case Cond::Hs: return CondCode::kHS;
    case Cond::Mi: return CondCode::kMI;
    default: return CondCode::kVS;
  }
}

uint32_t Log2(uint32_t v) { return v <= 1 ? 0 : uint32_t(std::countr_zero(v)); }

}  // namespace

// Whether a function's code may span more than b.cond's +-1 MiB: a bound of 32 instructions per
// MIR instruction (the longest sequences, calls and checks, stay well under it) plus inline copies.
bool MayExceedBranchReach(const MFunction& f) {
  constexpr uint64_t kReach = 1u << 20, kInstBytes = 32 * 4;
  uint64_t bytes = 0;
  for (const MInst& in : f.insts) {
    bytes += kInstBytes;
    if (in.op == kCopy || in.op == kZero) bytes += uint64_t(uint32_t(in.imm)) / 4 * 4 + 64;
  }
  return bytes >= kReach / 2;
}

struct Emitter::Impl : EmitterBase<aj::Assembler> {
  Impl(const ir::Module& m, CodegenEnv& e, std::string* l)
      : EmitterBase(m, e, l, Environment(Arch::kAArch64), "a64") {}

  int32_t spill_base = 0;   // sp-relative offset of spill slot 0
  uint32_t frame_total = 0;
  uint32_t saved_mask = 0;
  // b.cond, cbz and cbnz reach +-1 MiB. In a function that may be larger, each jumps over an
  // unconditional `b` (+-128 MiB) instead: one instruction more per branch, in huge functions only.
  bool far_branches = false;

  // Conditional branches to `target`, in the reach the function needs.
  void BranchIf(CondCode c, Label target) {
    if (!far_branches) return void(as.b(c, target));
    Label skip = as.newLabel();
    as.b(negateCond(c), skip);
    as.b(target);
    as.bind(skip);
  }
  void BranchIfZero(const aj::Gp& r, Label target, bool zero = true) {
    if (!far_branches) return void(zero ? as.cbz(r, target) : as.cbnz(r, target));
    Label skip = as.newLabel();
    zero ? as.cbnz(r, skip) : as.cbz(r, skip);
    as.b(target);
    as.bind(skip);
  }
  void BranchIfNonZero(const aj::Gp& r, Label target) { BranchIfZero(r, target, false); }

  // movz/movn + movk: the fewest halfword moves for any 64-bit (or 32-bit) constant.
  void MovImm(uint32_t hw, int64_t value, bool wide) {
    uint64_t v = wide ? uint64_t(value) : uint64_t(uint32_t(value));
    uint32_t parts = wide ? 4 : 2;
    aj::Gp d = wide ? aj::Gp(X(hw)) : aj::Gp(W(hw));
    uint32_t zeros = 0, ones = 0;
    for (uint32_t i = 0; i < parts; ++i) {
      uint32_t h = uint32_t(v >> (16 * i)) & 0xFFFF;
      zeros += h == 0, ones += h == 0xFFFF;
    }
    bool inverted = ones > zeros;
    uint32_t skip = inverted ? 0xFFFF : 0;
    bool first = true;
    for (uint32_t i = 0; i < parts; ++i) {
      uint32_t h = uint32_t(v >> (16 * i)) & 0xFFFF;
      if (h == skip) continue;
      if (first) inverted ? as.movn(d, Imm(~h & 0xFFFF), aj::lsl(16 * i)) : as.movz(d, Imm(h), aj::lsl(16 * i));
      else as.movk(d, Imm(h), aj::lsl(16 * i));
      first = false;
    }
    if (first) inverted ? as.movn(d, Imm(0)) : as.movz(d, Imm(0));
  }

  // [base + disp] for an access of `size` bytes; a displacement no immediate form holds goes
  // through `scratch` as a register offset.
  Mem MemAt(uint32_t base_hw, int64_t disp, uint32_t size, uint32_t scratch) {
    bool unscaled = disp >= -256 && disp <= 255;
    bool scaled = disp >= 0 && disp % size == 0 && disp / size < 4096;
    if (unscaled || scaled) return aj::ptr(X(base_hw), int32_t(disp));
    MovImm(scratch, disp, true);
    return aj::ptr(X(base_hw), X(scratch));
  }

  Mem SpillMem(VReg v) { return MemAt(kSpHw, spill_base + alloc->spill_slot[v] - 8, 8, kOffScratch); }
  bool IsFp(VReg v) const { return IsPhys(v) ? IsVec(PhysOf(v)) : f->vreg_class[v] == RegClass::Fp; }

  // A use: the hardware register holding it, loading a spilled value into `scratch` first.
  uint32_t UseGp(VReg v, uint32_t scratch) {
    int32_t r = RegOf(v);
    if (r >= 0) return HwId(uint32_t(r));
    as.ldr(X(scratch), SpillMem(v));
    return scratch;
  }
  uint32_t UseFp(VReg v, uint32_t scratch) {
    int32_t r = RegOf(v);
    if (r >= 0) return HwId(uint32_t(r));
    as.ldr(aj::d(scratch), SpillMem(v));
    return scratch;
  }
  uint32_t DefReg(VReg v, uint32_t scratch) {
    int32_t r = RegOf(v);
    return r >= 0 ? HwId(uint32_t(r)) : scratch;
  }
  void FinishDef(VReg v, uint32_t hw) {
    if (RegOf(v) >= 0) return;
    if (IsFp(v)) as.str(aj::d(hw), SpillMem(v));
    else as.str(X(hw), SpillMem(v));
  }

  // The address of a load or store: base + (index << log2 scale) + disp, split as needed.
  Mem Address(const MInst& in, uint32_t size) {
    uint32_t base = UseGp(in.a, kScratchX);
    if (in.c == kNoVReg) return MemAt(base, in.disp, size, kScratchX2);
    uint32_t index = UseGp(in.c, kScratchX2), shift = Log2(in.aux);
    if (in.disp == 0 && (shift == 0 || shift == Log2(size)) && base != kSpHw)
      return aj::ptr(X(base), X(index), aj::lsl(shift));
    as.add(X(kScratchX), X(base), X(index), aj::lsl(shift));
    return MemAt(kScratchX, in.disp, size, kScratchX2);
  }

  // dst = src + value, for any value (sp allowed on both sides).
  void AddImm(uint32_t dst, uint32_t src, int64_t value, uint32_t scratch) {
    if (value >= 0 && value < 4096) {
      if (value || dst != src) as.add(X(dst), X(src), Imm(value));
    } else if (value < 0 && value > -4096) {
      as.sub(X(dst), X(src), Imm(-value));
    } else {
      MovImm(scratch, value, true);
      if (src == kSpHw) as.add(X(dst), X(src), X(scratch), aj::uxtx(0));
      else as.add(X(dst), X(src), X(scratch));
    }
  }

  // Before a call that may leave generated code: which function calls out, so a crash inside C
  // is reported in it (CodegenEnv::DeadlineFlagAddress() + 16). Uses x17 and x9 only.
  void NoteCallingOut() {
    MovImm(kScratchX2, int64_t(env.DeadlineFlagAddress() + 16), true);
    MovImm(kScratchX3, cur_func, false);
    as.str(aj::w(kScratchX3), aj::ptr(aj::x(kScratchX2)));
  }

  void EmitPrologue() override;
  void EmitEpilogue();
  void EmitInst(const MInst& in) override;
  void EmitMove(const MInst& in);
  void EmitAlu(const MInst& in);
  void EmitAluOp(const MInst& in, uint32_t d, uint32_t a);
  void EmitCompare(const MInst& in);
  void EmitLoadStore(const MInst& in);
  void EmitCopyZero(const MInst& in);
  void EmitFloat(const MInst& in);
  void EmitFloatToInt(const MInst& in);
  void EmitBranch(const MInst& in);
  void EmitChecks(const MInst& in);
  void EmitDivCheck(const MInst& in);
  void EmitAtomic(const MInst& in);
  void EmitRmwStep(const MInst& in, uint32_t old_hw, uint32_t v, uint32_t next_hw);
  void EmitStubs() override;
};

// Frame: x29/x30 pair at [x29], then the save area (x19-x23, d8-d15), locals, spill slots, and
// the outgoing argument area at sp. Spill slots are addressed from sp so offsets stay small.
void Emitter::Impl::EmitPrologue() {
  far_branches = MayExceedBranchReach(*f);
  uint32_t locals = AlignUp(f->frame_bytes, 8);
  frame_total = AlignUp(uint32_t(kSaveAreaBytes) + locals + alloc->spill_bytes + f->outgoing_bytes, 16);
  spill_base = int32_t(frame_total) - kSaveAreaBytes - int32_t(locals) - int32_t(alloc->spill_bytes);
  saved_mask = alloc->used_callee_saved;
  as.stp(aj::x29, aj::x30, aj::ptr_pre(aj::sp, -16));
  as.mov(aj::x29, aj::sp);
  if (frame_total < 4096) {
    as.sub(aj::sp, aj::sp, Imm(frame_total));
  } else {
    MovImm(kScratchX, frame_total, true);
    as.sub(aj::x16, aj::x29, aj::x16);
    as.mov(aj::sp, aj::x16);
  }
  int32_t slot = 0;
  for (uint32_t p = 0; p < kPhysCount; ++p) {
    bool gp = p >= kX19 && p <= kX23, fp = p >= Vreg(8);
    if (!gp && !fp) continue;
    slot -= 8;
    if (!(saved_mask & (1u << p))) continue;
    if (gp) as.stur(X(HwId(p)), aj::ptr(aj::x29, slot));
    else as.stur(aj::d(HwId(p)), aj::ptr(aj::x29, slot));
  }
}

void Emitter::Impl::EmitEpilogue() {
  int32_t slot = 0;
  for (uint32_t p = 0; p < kPhysCount; ++p) {
    bool gp = p >= kX19 && p <= kX23, fp = p >= Vreg(8);
    if (!gp && !fp) continue;
    slot -= 8;
    if (!(saved_mask & (1u << p))) continue;
    if (gp) as.ldur(X(HwId(p)), aj::ptr(aj::x29, slot));
    else as.ldur(aj::d(HwId(p)), aj::ptr(aj::x29, slot));
  }
  as.mov(aj::sp, aj::x29);
  as.ldp(aj::x29, aj::x30, aj::ptr_post(aj::sp, 16));
  as.ret(aj::x30);
}

void Emitter::Impl::EmitMove(const MInst& in) {
  int32_t d = RegOf(in.dst), s = RegOf(in.a);
  if (d >= 0 && d == s) return;
  if (IsFp(in.dst)) {
    uint32_t src = UseFp(in.a, kScratchV);
    if (d >= 0) as.fmov(aj::d(HwId(uint32_t(d))), aj::d(src));
    else as.str(aj::d(src), SpillMem(in.dst));
    return;
  }
  uint32_t src = UseGp(in.a, kScratchX);
  if (d >= 0) as.mov(X(HwId(uint32_t(d))), X(src));
  else as.str(X(src), SpillMem(in.dst));
}

// kAlu with a register or immediate second operand; immediates no instruction form holds go
// through x17.
void Emitter::Impl::EmitAluOp(const MInst& in, uint32_t d, uint32_t a) {
  uint32_t size = in.size;
  aj::Gp D = R(d, size), A = R(a, size);
  bool has_b = in.b != kNoVReg;
  int64_t k = size == 8 ? in.imm : int64_t(int32_t(in.imm));
  uint64_t bits = size == 8 ? uint64_t(in.imm) : uint64_t(uint32_t(in.imm));
  if (!has_b) {
    bool neg = in.cond == kSub ? true : false;
    int64_t add = neg ? -k : k;  // add and sub both as "add add"
    if ((in.cond == kAdd || in.cond == kSub) && add > -4096 && add < 4096) {
      if (add >= 0) as.add(D, A, Imm(add));
      else as.sub(D, A, Imm(-add));
      return;
    }
    bool logical = in.cond == kAnd || in.cond == kOr || in.cond == kXor;
    if (logical && aj::Utils::isLogicalImm(bits, size * 8)) {
      if (in.cond == kAnd) as.and_(D, A, Imm(bits));
      else if (in.cond == kOr) as.orr(D, A, Imm(bits));
      else as.eor(D, A, Imm(bits));
      return;
    }
    MovImm(kScratchX2, int64_t(bits), size == 8);
  }
  aj::Gp B = has_b ? R(UseGp(in.b, kScratchX2), size) : R(kScratchX2, size);
  switch (in.cond) {
    case kAdd: as.add(D, A, B); break;
    case kSub: as.sub(D, A, B); break;
    case kAnd: as.and_(D, A, B); break;
    case kOr: as.orr(D, A, B); break;
    case kXor: as.eor(D, A, B); break;
    default: as.mul(D, A, B); break;
  }
}

void Emitter::Impl::EmitAlu(const MInst& in) {
  uint32_t size = in.size;
  uint32_t d = DefReg(in.dst, kScratchX);
  if (in.op == kMovImm) {
    if (in.cond == 1) as.adr(X(d), FuncLabel(in.aux));
    else MovImm(d, in.imm, size == 8);
    return FinishDef(in.dst, d);
  }
  uint32_t a = UseGp(in.a, kScratchX);
  switch (in.op) {
    case kLea: {
      uint32_t t = a;
      if (in.c != kNoVReg) {
        uint32_t index = UseGp(in.c, kScratchX2);
        as.add(X(d), X(a), X(index), aj::lsl(Log2(in.aux)));
        t = d;
      }
      AddImm(d, t, in.disp, kScratchX2);
      return FinishDef(in.dst, d);
    }
    case kUnary:
      if (in.cond == kNeg) as.neg(R(d, size), R(a, size));
      else as.mvn(R(d, size), R(a, size));
      return FinishDef(in.dst, d);
    case kShiftImm: case kShiftReg: {
      aj::Gp D = R(d, size), A = R(a, size);
      if (in.op == kShiftImm) {
        Imm k(in.imm);
        if (in.cond == kLsl) as.lsl(D, A, k);
        else if (in.cond == kLsr) as.lsr(D, A, k);
        else as.asr(D, A, k);
      } else {
        aj::Gp B = R(UseGp(in.b, kScratchX2), size);
        if (in.cond == kLsl) as.lsl(D, A, B);
        else if (in.cond == kLsr) as.lsr(D, A, B);
        else as.asr(D, A, B);
      }
      return FinishDef(in.dst, d);
    }
    case kExt:
      if (in.cond) {
        if (in.aux == 4) as.sxtw(X(d), W(a));
        else if (in.aux == 2) as.sxth(X(d), W(a));
        else as.sxtb(X(d), W(a));
      } else {
        if (in.aux == 4) as.mov(W(d), W(a));
        else if (in.aux == 2) as.uxth(W(d), W(a));
        else as.uxtb(W(d), W(a));
      }
      return FinishDef(in.dst, d);
    case kCSelImm: {
      aj::GpX k = aj::xzr;
      if (in.imm) MovImm(kScratchX2, in.imm, true), k = aj::x17;
      as.csel(X(d), k, X(a), Imm(uint32_t(CC(Cond(in.cond)))));
      return FinishDef(in.dst, d);
    }
    default: break;
  }
  EmitAluOp(in, d, a);
  FinishDef(in.dst, d);
}

void Emitter::Impl::EmitCompare(const MInst& in) {
  uint32_t size = in.size;
  aj::Gp A = R(UseGp(in.a, kScratchX), size);
  if (in.op == kTest) {
    if (size >= 4) as.tst(A, A);
    else as.tst(aj::Gp(A), Imm(size == 1 ? 0xFF : 0xFFFF));
    return;
  }
  if (in.b != kNoVReg) return void(as.cmp(A, R(UseGp(in.b, kScratchX2), size)));
  int64_t k = size == 8 ? in.imm : int64_t(int32_t(in.imm));
  if (k >= 0 && k < 4096) return void(as.cmp(A, Imm(k)));
  if (k < 0 && k > -4096) return void(as.cmn(A, Imm(-k)));
  MovImm(kScratchX2, k, size == 8);
  as.cmp(A, R(kScratchX2, size));
}

void Emitter::Impl::EmitLoadStore(const MInst& in) {
  uint32_t size = in.size;
  if (in.op == kLoad) {
    Mem m = Address(in, size);
    if (IsFp(in.dst)) {
      uint32_t d = DefReg(in.dst, kScratchV);
      as.ldr(V(d, size), m);
      return FinishDef(in.dst, d);
    }
    uint32_t d = DefReg(in.dst, kScratchX);
    if (size == 1) as.ldrsb(aj::w(d), m);
    else if (size == 2) as.ldrsh(aj::w(d), m);
    else as.ldr(R(d, size), m);
    return FinishDef(in.dst, d);
  }
  // The value goes through x9 / v17 when it is spilled or an immediate (the address uses x16/x17).
  if (in.b != kNoVReg && IsFp(in.b)) {
    uint32_t v = UseFp(in.b, kScratchV2);
    return void(as.str(V(v, size), Address(in, size)));
  }
  uint32_t v;
  if (in.b == kNoVReg) {
    v = in.imm == 0 ? 31 : kScratchX3;
    if (in.imm) MovImm(v, in.imm, size == 8);
  } else {
    v = UseGp(in.b, kScratchX3);
  }
  aj::Gp val = v == 31 ? (size == 8 ? aj::Gp(aj::xzr) : aj::Gp(aj::wzr)) : R(v, size);
  Mem m = Address(in, size);
  if (size == 1) as.strb(aj::Gp(val.isGpX() ? aj::Gp(W(v == 31 ? 31 : v)) : val), m);
  else if (size == 2) as.strh(aj::Gp(val.isGpX() ? aj::Gp(W(v)) : val), m);
  else as.str(val, m);
}

// Inline memcpy/memset: 16-byte moves through q16, then 8, 4, 2, 1 (x9 for data); odd tails of
// four bytes or more overlap bytes already written with the same values.
void Emitter::Impl::EmitCopyZero(const MInst& in) {
  uint32_t size = uint32_t(in.imm);
  if (size == 0) return;
  bool copy = in.op == kCopy;
  uint32_t dst = UseGp(in.a, kScratchX);
  uint32_t src = copy ? UseGp(in.b, kScratchX2) : 0;
  if (!copy) as.movi(aj::VecV(kScratchV).b16(), Imm(0));
  auto move = [&](uint32_t off, uint32_t n) {
    Mem d = MemAt(dst, int64_t(in.disp) + off, n, kOffScratch);
    if (n == 16) {
      if (copy) as.ldr(aj::VecV(kScratchV), MemAt(src, off, n, kOffScratch2));
      return void(as.str(aj::VecV(kScratchV), d));
    }
    aj::Gp t = n == 8 ? aj::Gp(aj::x9) : aj::Gp(aj::w9);
    if (!copy) t = n == 8 ? aj::Gp(aj::xzr) : aj::Gp(aj::wzr);
    if (copy) {
      Mem s = MemAt(src, off, n, kOffScratch2);
      if (n == 1) as.ldrb(t, s);
      else if (n == 2) as.ldrh(t, s);
      else as.ldr(t, s);
    }
    if (n == 1) as.strb(t, d);
    else if (n == 2) as.strh(t, d);
    else as.str(t, d);
  };
  ForEachInlineMove(size, move);
}

void Emitter::Impl::EmitFloat(const MInst& in) {
  uint32_t size = in.size;
  switch (in.op) {
    case kFConst: {
      uint32_t d = DefReg(in.dst, kScratchV);
      if (in.imm == 0) {
        as.fmov(V(d, size), size == 8 ? aj::Gp(aj::xzr) : aj::Gp(aj::wzr));
      } else {
        MovImm(kScratchX, in.imm, size == 8);
        as.fmov(V(d, size), R(kScratchX, size));
      }
      return FinishDef(in.dst, d);
    }
    case kFCmp: {
      uint32_t a = UseFp(in.a, kScratchV), b = UseFp(in.b, kScratchV2);
      return void(as.fcmp(V(a, size), V(b, size)));
    }
    case kCvtIF: case kCvtU64F: {
      uint32_t a = UseGp(in.a, kScratchX), d = DefReg(in.dst, kScratchV);
      if (in.op == kCvtIF) as.scvtf(V(d, size), X(a));
      else as.ucvtf(V(d, size), X(a));
      return FinishDef(in.dst, d);
    }
    case kCvtFF: {
      uint32_t a = UseFp(in.a, kScratchV), d = DefReg(in.dst, kScratchV);
      as.fcvt(V(d, size), V(a, size == 8 ? 4 : 8));
      return FinishDef(in.dst, d);
    }
    default: break;
  }
  uint32_t a = UseFp(in.a, kScratchV), d = DefReg(in.dst, kScratchV);
  if (in.op == kFNeg) {
    as.fneg(V(d, size), V(a, size));
    return FinishDef(in.dst, d);
  }
  uint32_t b = UseFp(in.b, kScratchV2);
  aj::Vec D = V(d, size), A = V(a, size), B = V(b, size);
  switch (in.cond) {
    case kFAdd: as.fadd(D, A, B); break;
    case kFSub: as.fsub(D, A, B); break;
    case kFMul: as.fmul(D, A, B); break;
    default: as.fdiv(D, A, B); break;
  }
  FinishDef(in.dst, d);
}

// fptosi / fptoui with the interpreter's range check. fcvtzs/fcvtzu saturate and map NaN to 0,
// so NaN is caught by an unordered compare and out-of-range values by what saturation leaves.
void Emitter::Impl::EmitFloatToInt(const MInst& in) {
  uint32_t size = in.size, bits = in.aux;
  bool is_signed = in.cond == 1;
  Label trap = Stub(uint32_t(in.imm));
  uint32_t a = UseFp(in.a, kScratchV);
  aj::Vec A = V(a, size);
  aj::GpX r = aj::x16, t = aj::x17;
  as.fcmp(A, A);
  BranchIf(CondCode::kVS, trap);
  if (bits < 64) {
    // Convert at 64 bits (saturating far outside any narrower range), then check the range.
    as.fcvtzs(r, A);
    if (is_signed) {
      if (bits == 32) as.sxtw(t, aj::w16);
      else if (bits == 16) as.sxth(t, aj::w16);
      else as.sxtb(t, aj::w16);
      as.cmp(t, r);
      BranchIf(CondCode::kNE, trap);
    } else {
      as.lsr(t, r, Imm(bits));
      BranchIfNonZero(t, trap);
    }
  } else if (is_signed) {
    // INT64_MAX only comes from saturation; INT64_MIN is valid only for exactly -2^63.
    Label done = as.newLabel();
    as.fcvtzs(r, A);
    as.adds(t, r, Imm(1));
    BranchIf(CondCode::kVS, trap);
    as.subs(t, r, Imm(1));
    as.b(CondCode::kVC, done);
    as.scvtf(V(kScratchV2, size), r);
    as.fcmp(A, V(kScratchV2, size));
    BranchIf(CondCode::kNE, trap);
    as.bind(done);
  } else {
    // Valid when -1 < x < 2^64: at or below -1 (or NaN) traps; 2^64 - 1 only from saturation.
    as.fmov(V(kScratchV2, size), -1.0);
    as.fcmp(A, V(kScratchV2, size));
    BranchIf(CondCode::kLE, trap);
    as.fcvtzu(r, A);
    as.cmn(r, Imm(1));
    BranchIf(CondCode::kEQ, trap);
  }
  int32_t d = RegOf(in.dst);
  if (d >= 0) as.mov(X(HwId(uint32_t(d))), r);
  else as.str(r, SpillMem(in.dst));
}

void Emitter::Impl::EmitBranch(const MInst& in) {
  if (in.op == kJmp) {
    if (in.aux != next_block) as.b(blocks[in.aux]);
    return;
  }
  Label yes = blocks[in.aux], no = blocks[uint32_t(in.imm)];
  CondCode c = CC(Cond(in.cond));
  if (in.aux == next_block) return void(BranchIf(negateCond(c), no));
  BranchIf(c, yes);
  if (uint32_t(in.imm) != next_block) as.b(no);
}

// Division traps: b == 0, and for signed division MIN / -1 (compared at the operands' width).
void Emitter::Impl::EmitDivCheck(const MInst& in) {
  uint32_t width = in.size;
  uint32_t b = UseGp(in.b, kScratchX2);
  if (width == 8) BranchIfZero(aj::x(b), Stub(in.aux));
  else if (width == 4) BranchIfZero(aj::w(b), Stub(in.aux));
  else as.tst(aj::w(b), Imm(width == 1 ? 0xFF : 0xFFFF)), BranchIf(CondCode::kEQ, Stub(in.aux));
  if (!in.cond) return;
  Label ok = as.newLabel();
  if (width == 8) as.cmn(aj::x(b), Imm(1));
  else if (width == 4) as.cmn(aj::w(b), Imm(1));
  else width == 1 ? as.sxtb(aj::w17, aj::w(b)) : as.sxth(aj::w17, aj::w(b)), as.cmn(aj::w17, Imm(1));
  as.b(CondCode::kNE, ok);
  uint32_t a = UseGp(in.a, kScratchX);
  if (width == 8) as.negs(aj::x16, aj::x(a));  // overflows exactly for the minimum
  else if (width == 4) as.negs(aj::w16, aj::w(a));
  else {
    as.lsl(aj::w16, aj::w(a), Imm(32 - width * 8));  // the value in the top bits: MIN overflows
    as.negs(aj::w16, aj::w16);
  }
  BranchIf(CondCode::kVS, Stub(uint32_t(in.imm)));
  as.bind(ok);
}

void Emitter::Impl::EmitChecks(const MInst& in) {
  switch (in.op) {
    case kTrapIf: BranchIf(CC(Cond(in.cond)), Stub(in.aux)); return;
    case kTrap: as.b(Stub(in.aux)); return;
    case kPoll:
      if (in.cond && f->frame_too_large) return void(as.b(Stub(uint32_t(in.imm))));
      MovImm(kScratchX, int64_t(env.DeadlineFlagAddress()), true);
      as.ldrb(aj::w17, aj::ptr(aj::x16, 7));
      BranchIfNonZero(aj::w17, Stub(in.aux));
      if (in.cond) {
        as.ldr(aj::x17, aj::ptr(aj::x16));
        as.mov(aj::x9, aj::sp);
        as.cmp(aj::x9, aj::x17);
        BranchIf(CondCode::kLO, Stub(uint32_t(in.imm)));
      }
      return;
    default: return EmitDivCheck(in);
  }
}

namespace {

// Exclusive-access loads and stores of `size` bytes, and ldar/stlr. Emitted by instruction id:
// this asmjit's `stlr`/`stlrb`/`stlrh` methods encode STLLR (a store-LORelease) instead.
InstId ExclusiveLoad(uint32_t size, bool acquire) {
  if (size == 1) return acquire ? aj::Inst::kIdLdaxrb : aj::Inst::kIdLdxrb;
  if (size == 2) return acquire ? aj::Inst::kIdLdaxrh : aj::Inst::kIdLdxrh;
  return acquire ? aj::Inst::kIdLdaxr : aj::Inst::kIdLdxr;
}
// STLXR Ws, Xt, [Xn]: this asmjit rejects its 64-bit form, so it is emitted as its encoding.
uint32_t Stlxr64(uint32_t status, uint32_t value, uint32_t base) {
  return 0xC800FC00u | status << 16 | base << 5 | value;
}
InstId ExclusiveStore(uint32_t size, bool release) {
  if (size == 1) return release ? aj::Inst::kIdStlxrb : aj::Inst::kIdStxrb;
  if (size == 2) return release ? aj::Inst::kIdStlxrh : aj::Inst::kIdStxrh;
  return release ? aj::Inst::kIdStlxr : aj::Inst::kIdStxr;
}
InstId AcquireLoad(uint32_t size) {
  return size == 1 ? aj::Inst::kIdLdarb : size == 2 ? aj::Inst::kIdLdarh : aj::Inst::kIdLdar;
}
InstId ReleaseStore(uint32_t size) {
  return size == 1 ? aj::Inst::kIdStlrb : size == 2 ? aj::Inst::kIdStlrh : aj::Inst::kIdStlr;
}

}  // namespace

// One step of an atomic_rmw loop: w/x `next_hw` = old <op> v (the old value is zero-extended from
// a sub-word size by ldxrb/ldxrh; min and max extend both sides as their signedness says).
void Emitter::Impl::EmitRmwStep(const MInst& in, uint32_t old_hw, uint32_t v, uint32_t next_hw) {
  uint32_t size = in.size, rsize = size == 8 ? 8 : 4;
  aj::Gp next = R(next_hw, rsize), old = R(old_hw, rsize), val = R(v, rsize);
  auto op = ir::RmwOp(in.cond);
  switch (op) {
    case ir::RmwOp::Xchg: as.mov(next, val); return;
    case ir::RmwOp::Add: as.add(next, old, val); return;
    case ir::RmwOp::Sub: as.sub(next, old, val); return;
    case ir::RmwOp::And: as.and_(next, old, val); return;
    case ir::RmwOp::Nand: as.and_(next, old, val), as.mvn(next, next); return;
    case ir::RmwOp::Or: as.orr(next, old, val); return;
    case ir::RmwOp::Xor: as.eor(next, old, val); return;
    default: break;
  }
  bool is_signed = op == ir::RmwOp::SMax || op == ir::RmwOp::SMin;
  aj::Gp x = old, y = val;
  if (size < 4) {
    auto extend = [&](aj::Gp dst, uint32_t src) {
      if (size == 1) is_signed ? as.sxtb(dst, W(src)) : as.uxtb(dst, W(src));
      else is_signed ? as.sxth(dst, W(src)) : as.uxth(dst, W(src));
    };
    x = aj::w(kAtomicTmp), y = aj::w(kAtomicTmp2);
    extend(x, old_hw);
    extend(y, v);
  }
  as.cmp(x, y);
  CondCode keep_old = op == ir::RmwOp::SMax   ? CondCode::kGT
                      : op == ir::RmwOp::SMin ? CondCode::kLT
                      : op == ir::RmwOp::UMax ? CondCode::kHI
                                              : CondCode::kLO;
  as.csel(next, old, val, Imm(uint32_t(keep_old)));
}

// Atomics without LSE. Exclusive loops keep the old value in x9, the new one in x10 and the
// store's status in w11; a spilled address comes in x16, operands in x17 and x10.
void Emitter::Impl::EmitAtomic(const MInst& in) {
  uint32_t size = in.size, rsize = size == 8 ? 8 : 4;
  constexpr uint32_t kOld = kScratchX3, kNext = kScratchX4, kStatus = kOffScratch2;
  if (in.op == kFence) return void(as.dmb(Imm(in.cond ? 0x9 : 0xB)));  // ishld : ish
  uint32_t base = UseGp(in.a, kScratchX);
  Mem m = aj::ptr(X(base));
  auto store_exclusive = [&](bool release, uint32_t value) {
    if (size == 8 && release) return void(as.embedUInt32(Stlxr64(kStatus, value, base)));
    as.emit(ExclusiveStore(size, release), aj::w(kStatus), R(value, rsize), m);
  };
  if (in.op == kAtomicStore) {
    uint32_t v = UseGp(in.b, kScratchX2);
    return void(as.emit(ReleaseStore(size), R(v, rsize), m));
  }
  uint32_t d = DefReg(in.dst, kOld);
  if (in.op == kAtomicLoad) {
    as.emit(AcquireLoad(size), R(d, rsize), m);
  } else {
    bool acquire = in.aux & kAcquire, release = in.aux & kRelease;
    uint32_t b = UseGp(in.b, kScratchX2);
    Label loop = as.newLabel(), done = as.newLabel();
    if (in.op == kCmpXchg) {
      uint32_t desired = UseGp(in.c, kScratchX4);
      uint32_t expected = b;
      if (size < 4) {  // compare with the zero-extended value ldxrb/ldxrh give
        expected = kAtomicTmp;
        size == 1 ? as.uxtb(aj::w(expected), W(b)) : as.uxth(aj::w(expected), W(b));
      }
      as.bind(loop);
      as.emit(ExclusiveLoad(size, acquire), R(kOld, rsize), m);
      as.cmp(R(kOld, rsize), R(expected, rsize));
      as.b(CondCode::kNE, done);
      store_exclusive(release, desired);
    } else {
      as.bind(loop);
      as.emit(ExclusiveLoad(size, acquire), R(kOld, rsize), m);
      EmitRmwStep(in, kOld, b, kNext);
      store_exclusive(release, kNext);
    }
    as.cbnz(aj::w(kStatus), loop);
    as.bind(done);
    if (d != kOld) as.mov(X(d), X(kOld));
  }
  // Sub-word values are kept sign-extended to 32 bits, as kLoad leaves them.
  if (size == 1) as.sxtb(aj::w(d), aj::w(d));
  else if (size == 2) as.sxth(aj::w(d), aj::w(d));
  FinishDef(in.dst, d);
}

void Emitter::Impl::EmitInst(const MInst& in) {
  switch (in.op) {
    case kMov: return EmitMove(in);
    case kMovImm: case kLea: case kAlu: case kUnary: case kShiftImm: case kShiftReg: case kExt: case kCSelImm:
      return EmitAlu(in);
    case kCmp: case kTest: return EmitCompare(in);
    case kSetCC: {
      uint32_t d = DefReg(in.dst, kScratchX);
      as.cset(aj::w(d), Imm(uint32_t(CC(Cond(in.cond)))));
      return FinishDef(in.dst, d);
    }
    case kJcc: case kJmp: return EmitBranch(in);
    case kLoad: case kStore: return EmitLoadStore(in);
    case kDiv: {
      uint32_t size = in.size;
      uint32_t a = UseGp(in.a, kScratchX), b = UseGp(in.b, kScratchX2), d = DefReg(in.dst, kScratchX);
      bool is_signed = in.cond & 1, rem = in.cond & kDivRemainder;
      uint32_t q = rem ? kScratchX3 : d;
      if (is_signed) as.sdiv(R(q, size), R(a, size), R(b, size));
      else as.udiv(R(q, size), R(a, size), R(b, size));
      if (rem) as.msub(R(d, size), R(q, size), R(b, size), R(a, size));
      return FinishDef(in.dst, d);
    }
    case kDivCheck: case kTrapIf: case kTrap: case kPoll: return EmitChecks(in);
    case kCall:
      if (in.cond) {
        NoteCallingOut();
        MovImm(kScratchX, in.imm, true);
        as.blr(aj::x16);
      } else {
        as.bl(FuncLabel(in.aux));
      }
      return;
    case kCallInd: {
      uint32_t target = UseGp(in.a, kScratchX);
      NoteCallingOut();
      as.blr(X(target));
      return;
    }
    case kRet: return EmitEpilogue();
    case kCopy: case kZero: return EmitCopyZero(in);
    case kCvtFI: return EmitFloatToInt(in);
    case kAtomicLoad: case kAtomicStore: case kAtomicRmw: case kCmpXchg: case kFence: return EmitAtomic(in);
    default: return EmitFloat(in);
  }
}

void Emitter::Impl::EmitStubs() {
  for (size_t i = 0; i < stubs.size(); ++i) {  // Stub() may not add more here
    as.bind(stubs[i].second);
    // The helper never returns; it runs on the frame's base (see the x64 emitter).
    as.mov(aj::sp, aj::x29);
    MovImm(0, stubs[i].first, false);
    MovImm(kScratchX, int64_t(env.HelperAddress(Helper::Trap)), true);
    as.blr(aj::x16);
    as.brk(Imm(0));
  }
}

Emitter::Emitter(const ir::Module& m, CodegenEnv& env, std::string* listing)
    : impl_(std::make_unique<Impl>(m, env, listing)) {}
Emitter::~Emitter() = default;

bool Emitter::AddFunction(ir::FuncId id, const MFunction& f, const Allocation& alloc, std::string& error) {
  return impl_->AddFunction(id, f, alloc, error);
}

bool Emitter::Assemble(uint64_t base, std::vector<uint8_t>& bytes, std::string& error) {
  CodeHolder& code = impl_->code;
  if (Error e = code.flatten(); e != kErrorOk) return error = DebugUtils::errorAsString(e), false;
  if (Error e = code.resolveUnresolvedLinks(); e != kErrorOk) return error = DebugUtils::errorAsString(e), false;
  if (Error e = code.relocateToBase(base); e != kErrorOk) return error = DebugUtils::errorAsString(e), false;
  bytes.assign(code.codeSize(), 0);
  code.copyFlattenedData(bytes.data(), bytes.size(), CopySectionFlags::kPadTargetBuffer);
  impl_->listing.Flush();
  return true;
}

bool Emitter::Place(platform::ExecMemory& memory, PlacedCode& out, std::string& error) {
  return impl_->Place(memory, out, error);
}

InvokeFn BuildInvokeThunk(platform::ExecMemory& memory, std::string& error) {
  CodeHolder code;
  code.init(Environment(Arch::kAArch64));
  aj::Assembler as(&code);
  // invoke(fn = x0, gp = x1, fp = x2, result = x3); x19 keeps `result` across the call.
  as.stp(aj::x29, aj::x30, aj::ptr_pre(aj::sp, -32));
  as.mov(aj::x29, aj::sp);
  as.str(aj::x19, aj::ptr(aj::sp, 16));
  as.mov(aj::x9, aj::x0);
  as.mov(aj::x19, aj::x3);
  as.mov(aj::x10, aj::x1);
  for (uint32_t i = 0; i < 8; ++i) as.ldr(aj::d(i), aj::ptr(aj::x2, int32_t(i * 8)));
  for (uint32_t i = 0; i < 6; ++i) as.ldr(aj::x(i), aj::ptr(aj::x10, int32_t(i * 8)));
  as.blr(aj::x9);
  as.str(aj::x0, aj::ptr(aj::x19));
  as.str(aj::d0, aj::ptr(aj::x19, 8));
  as.ldr(aj::x19, aj::ptr(aj::sp, 16));
  as.ldp(aj::x29, aj::x30, aj::ptr_post(aj::sp, 32));
  as.ret(aj::x30);
  return reinterpret_cast<InvokeFn>(PlaceThunk(code, memory, error));
}

}  // namespace thrustc::ctjit::a64
