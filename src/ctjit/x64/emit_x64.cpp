// x86-64 encoding: allocated MIR -> asmjit x86::Assembler -> bytes in our executable memory.
// The only file that spells asmjit's x86-64 API. Spilled operands go through the scratch
// registers r11/r10 and xmm15/xmm14 (never allocated); traps and time-out polls jump to small
// out-of-line stubs that call the runtime with the trap site's number.
#include "ctjit/x64/emit_x64.h"

#include <asmjit/x86.h>

#include <algorithm>
#include <bit>
#include <unordered_map>

#include "ctjit/emit_common.h"
#include "ctjit/x64/regs_x64.h"

namespace thrustc::ctjit::x64 {

namespace {

using namespace asmjit;

x86::Gp Gp(uint32_t p, uint32_t size) {
  switch (size) {
    case 1: return x86::gpb(p);
    case 2: return x86::gpw(p);
    case 4: return x86::gpd(p);
    default: return x86::gpq(p);
  }
}
x86::Xmm Xm(uint32_t p) { return x86::xmm(p - kXmm0); }

x86::CondCode CC(Cond c) {
  switch (c) {
    case Cond::Eq: return x86::CondCode::kE;
    case Cond::Ne: return x86::CondCode::kNE;
    case Cond::Lt: return x86::CondCode::kL;
    case Cond::Le: return x86::CondCode::kLE;
    case Cond::Gt: return x86::CondCode::kG;
    case Cond::Ge: return x86::CondCode::kGE;
    case Cond::B: return x86::CondCode::kB;
    case Cond::Be: return x86::CondCode::kBE;
    case Cond::A: return x86::CondCode::kA;
    case Cond::Ae: return x86::CondCode::kAE;
    case Cond::P: return x86::CondCode::kP;
    default: return x86::CondCode::kNP;
  }
}

}  // namespace

struct Emitter::Impl : EmitterBase<x86::Assembler> {
  Impl(const ir::Module& m, CodegenEnv& e, std::string* l) : EmitterBase(m, e, l, Environment::host(), "x64") {}

  // Entry polls that failed their one compare: time-out (flag in r11 set) or stack overflow.
  struct PollStub {
    uint32_t timeout_site, stack_site;
    Label label;
  };
  std::vector<PollStub> poll_stubs;
  int32_t spill_base = 0;  // rbp-relative offset of the spill slots
  uint32_t saved_mask = 0;

  x86::Mem SpillMem(VReg v, uint32_t size) const {
    return x86::ptr(x86::rbp, spill_base - alloc->spill_slot[v], size);
  }

  // A GP use: its register, loading a spilled value into `scratch` first.
  uint32_t UseGp(VReg v, uint32_t scratch) {
    int32_t r = RegOf(v);
    if (r >= 0) return uint32_t(r);
    as.mov(x86::gpq(scratch), SpillMem(v, 8));
    return scratch;
  }
  uint32_t UseFp(VReg v, uint32_t scratch) {
    int32_t r = RegOf(v);
    if (r >= 0) return uint32_t(r);
    as.movsd(Xm(scratch), SpillMem(v, 8));
    return scratch;
  }
  uint32_t DefReg(VReg v, uint32_t scratch) {
    int32_t r = RegOf(v);
    return r >= 0 ? uint32_t(r) : scratch;
  }
  void FinishDef(VReg v, uint32_t reg) {
    if (RegOf(v) >= 0) return;
    if (IsXmm(reg)) as.movsd(SpillMem(v, 8), Xm(reg));
    else as.mov(SpillMem(v, 8), x86::gpq(reg));
  }

  x86::Mem Address(const MInst& in, uint32_t size, uint32_t base_scratch, uint32_t index_scratch) {
    uint32_t base = UseGp(in.a, base_scratch);
    if (in.c == kNoVReg) return x86::ptr(x86::gpq(base), in.disp, size);
    uint32_t index = UseGp(in.c, index_scratch);
    uint32_t shift = in.aux == 8 ? 3 : in.aux == 4 ? 2 : in.aux == 2 ? 1 : 0;
    return x86::ptr(x86::gpq(base), x86::gpq(index), shift, in.disp, size);
  }

  void EmitPrologue() override;
  void EmitEpilogue();
  void EmitInst(const MInst& in) override;
  void EmitMove(const MInst& in);
  void EmitAlu(const MInst& in);
  void EmitLoadStore(const MInst& in);
  void EmitCopyZero(const MInst& in);
  void EmitFloat(const MInst& in);
  void EmitFloatToInt(const MInst& in);
  void EmitBranch(const MInst& in);
  void EmitChecks(const MInst& in);
  void EmitAtomic(const MInst& in);
  void EmitStubs() override;
  // Before a call that may leave generated code: which function calls out, so a crash inside C
  // is reported in it (CodegenEnv::DeadlineFlagAddress() + 16).
  void NoteCallingOut() {
    as.mov(x86::r11, Imm(env.DeadlineFlagAddress() + 16));
    as.mov(x86::dword_ptr(x86::r11), Imm(cur_func));
  }
};

void Emitter::Impl::EmitPrologue() {
  uint32_t total = AlignUp(uint32_t(kSaveAreaBytes) + AlignUp(f->frame_bytes, 8) + alloc->spill_bytes + f->outgoing_bytes, 16);
  spill_base = -(kSaveAreaBytes + int32_t(AlignUp(f->frame_bytes, 8)));
  saved_mask = alloc->used_callee_saved;
  as.push(x86::rbp);
  as.mov(x86::rbp, x86::rsp);
  as.sub(x86::rsp, int32_t(total));
  int32_t slot = 0;
  for (uint32_t r : kCalleeSavedOrder) {
    slot -= 8;
    if (saved_mask & (1u << r)) as.mov(x86::ptr(x86::rbp, slot), x86::gpq(r));
  }
}

void Emitter::Impl::EmitEpilogue() {
  int32_t slot = 0;
  for (uint32_t r : kCalleeSavedOrder) {
    slot -= 8;
    if (saved_mask & (1u << r)) as.mov(x86::gpq(r), x86::ptr(x86::rbp, slot));
  }
  as.leave();
  as.ret();
}

void Emitter::Impl::EmitMove(const MInst& in) {
  bool fp = IsPhys(in.dst) ? IsXmm(PhysOf(in.dst)) : f->vreg_class[in.dst] == RegClass::Fp;
  int32_t d = RegOf(in.dst), s = RegOf(in.a);
  if (d >= 0 && d == s) return;
  if (fp) {
    uint32_t src = UseFp(in.a, kScratchFp);
    if (d >= 0) as.movaps(Xm(uint32_t(d)), Xm(src));
    else as.movsd(SpillMem(in.dst, 8), Xm(src));
    return;
  }
  uint32_t src = UseGp(in.a, kScratchGp);
  if (d >= 0) as.mov(x86::gpq(uint32_t(d)), x86::gpq(src));
  else as.mov(SpillMem(in.dst, 8), x86::gpq(src));
}

void Emitter::Impl::EmitAlu(const MInst& in) {
  uint32_t size = in.size;
  uint32_t d = DefReg(in.dst, kScratchGp);
  if (in.op == kMovImm) {
    if (in.cond == 1) as.lea(x86::gpq(d), x86::ptr(FuncLabel(in.aux)));
    else if (in.imm == 0) as.xor_(x86::gpd(d), x86::gpd(d));
    else if (size == 4 || (in.imm > 0 && in.imm <= int64_t(UINT32_MAX))) as.mov(x86::gpd(d), Imm(uint32_t(in.imm)));
    else as.mov(x86::gpq(d), Imm(in.imm));
    return FinishDef(in.dst, d);
  }
  uint32_t a = UseGp(in.a, kScratchGp);
  switch (in.op) {
    case kLea: {
      x86::Mem m = Address(in, 8, kScratchGp, kScratchGp2);
      as.lea(x86::gpq(d), m);
      return FinishDef(in.dst, d);
    }
    case kUnary:
      if (d != a) as.mov(x86::gpq(d), x86::gpq(a));
      if (in.cond == kNeg) as.neg(Gp(d, size));
      else as.not_(Gp(d, size));
      return FinishDef(in.dst, d);
    case kShiftImm: case kShiftCl: {
      uint32_t t = in.op == kShiftCl && d == kRcx ? kScratchGp : d;
      if (t != a) as.mov(x86::gpq(t), x86::gpq(a));
      if (in.op == kShiftImm) {
        Imm k(in.imm);
        if (in.cond == kShl) as.shl(Gp(t, size), k);
        else if (in.cond == kShr) as.shr(Gp(t, size), k);
        else as.sar(Gp(t, size), k);
      } else {
        if (in.cond == kShl) as.shl(Gp(t, size), x86::cl);
        else if (in.cond == kShr) as.shr(Gp(t, size), x86::cl);
        else as.sar(Gp(t, size), x86::cl);
      }
      if (t != d) as.mov(x86::gpq(d), x86::gpq(t));
      return FinishDef(in.dst, d);
    }
    case kExt:
      if (in.cond) {
        if (in.aux == 4) as.movsxd(x86::gpq(d), x86::gpd(a));
        else as.movsx(x86::gpq(d), Gp(a, in.aux));
      } else {
        if (in.aux == 4) as.mov(x86::gpd(d), x86::gpd(a));
        else as.movzx(x86::gpd(d), Gp(a, in.aux));
      }
      return FinishDef(in.dst, d);
    case kCMovImm:
      if (d != a) as.mov(x86::gpq(d), x86::gpq(a));
      as.mov(x86::gpq(kScratchGp2), Imm(in.imm));
      as.cmov(CC(Cond(in.cond)), x86::gpq(d), x86::gpq(kScratchGp2));
      return FinishDef(in.dst, d);
    default: break;
  }
  // kAlu: dst = a op (b | imm), two-address.
  bool has_b = in.b != kNoVReg;
  uint32_t b = has_b ? UseGp(in.b, kScratchGp2) : 0;
  auto op = [&](uint32_t x) {
    x86::Gp X = Gp(x, size);
    if (!has_b && in.cond == kImul) return void(as.imul(X, X, Imm(in.imm)));
    Imm k(in.imm);
    x86::Gp B = Gp(b, size);
    switch (in.cond) {
      case kAdd: has_b ? as.add(X, B) : as.add(X, k); break;
      case kSub: has_b ? as.sub(X, B) : as.sub(X, k); break;
      case kAnd: has_b ? as.and_(X, B) : as.and_(X, k); break;
      case kOr: has_b ? as.or_(X, B) : as.or_(X, k); break;
      case kXor: has_b ? as.xor_(X, B) : as.xor_(X, k); break;
      default: as.imul(X, B); break;
    }
  };
  if (has_b && d == b && d != a) {
    if (in.cond == kSub) {
      as.mov(x86::gpq(kScratchGp), x86::gpq(a));
      op(kScratchGp);
      as.mov(x86::gpq(d), x86::gpq(kScratchGp));
    } else {
      b = a;  // commutative: d op= a
      op(d);
    }
    return FinishDef(in.dst, d);
  }
  if (d != a) as.mov(x86::gpq(d), x86::gpq(a));
  op(d);
  FinishDef(in.dst, d);
}

void Emitter::Impl::EmitLoadStore(const MInst& in) {
  uint32_t size = in.size;
  if (in.op == kLoad) {
    bool fp = IsPhys(in.dst) ? IsXmm(PhysOf(in.dst)) : f->vreg_class[in.dst] == RegClass::Fp;
    x86::Mem m = Address(in, size, kScratchGp, kScratchGp2);
    if (fp) {
      uint32_t d = DefReg(in.dst, kScratchFp);
      if (size == 4) as.movss(Xm(d), m);
      else as.movsd(Xm(d), m);
      return FinishDef(in.dst, d);
    }
    uint32_t d = DefReg(in.dst, kScratchGp);
    if (size == 1 || size == 2) as.movsx(x86::gpd(d), m);
    else as.mov(Gp(d, size), m);
    return FinishDef(in.dst, d);
  }
  // Store: the value needs a register only when it is spilled; then the address must leave one.
  x86::Mem m;
  bool value_spilled = in.b != kNoVReg && RegOf(in.b) < 0;
  if (value_spilled && in.c != kNoVReg) {
    as.lea(x86::gpq(kScratchGp), Address(in, size, kScratchGp, kScratchGp2));
    m = x86::ptr(x86::gpq(kScratchGp), 0, size);
  } else {
    m = Address(in, size, kScratchGp, kScratchGp2);
  }
  if (in.b == kNoVReg) {
    as.mov(m, Imm(in.imm));
    return;
  }
  bool fp = IsPhys(in.b) ? IsXmm(PhysOf(in.b)) : f->vreg_class[in.b] == RegClass::Fp;
  if (fp) {
    uint32_t v = UseFp(in.b, kScratchFp);
    if (size == 4) as.movss(m, Xm(v));
    else as.movsd(m, Xm(v));
    return;
  }
  uint32_t v = UseGp(in.b, kScratchGp2);
  as.mov(m, Gp(v, size));
}

// Inline memcpy/memset: 16-, 8- and 4-byte moves through xmm15, odd tails overlapping.
void Emitter::Impl::EmitCopyZero(const MInst& in) {
  uint32_t size = uint32_t(in.imm);
  if (size == 0) return;
  uint32_t dst = UseGp(in.a, kScratchGp2);
  uint32_t src = in.op == kCopy ? UseGp(in.b, kScratchGp) : 0;
  bool copy = in.op == kCopy;
  x86::Xmm t = Xm(kScratchFp);
  if (!copy) as.xorps(t, t);
  auto move = [&](uint32_t off, uint32_t n) {
    x86::Mem d = x86::ptr(x86::gpq(dst), in.disp + int32_t(off), n);
    if (!copy) {
      if (n == 16) as.movups(d, t);
      else if (n == 8) as.movsd(d, t);
      else if (n == 4) as.movss(d, t);
      else as.mov(d, Imm(0));
      return;
    }
    x86::Mem s = x86::ptr(x86::gpq(src), int32_t(off), n);
    if (n == 16) as.movups(t, s), as.movups(d, t);
    else if (n == 8) as.movsd(t, s), as.movsd(d, t);
    else if (n == 4) as.movss(t, s), as.movss(d, t);
    else {
      // 1-3 byte copies: a GP register is needed; reload the source pointer if it lives in r11.
      as.movzx(x86::gpd(kScratchGp), s);
      as.mov(d, Gp(kScratchGp, n));
      if (src == kScratchGp && RegOf(in.b) < 0) as.mov(x86::gpq(kScratchGp), SpillMem(in.b, 8));
    }
  };
  ForEachInlineMove(size, move);
}

void Emitter::Impl::EmitFloat(const MInst& in) {
  bool dbl = in.size == 8;
  switch (in.op) {
    case kFConst: {
      uint32_t d = DefReg(in.dst, kScratchFp);
      if (in.imm == 0) {
        as.xorps(Xm(d), Xm(d));
      } else {
        as.mov(x86::gpq(kScratchGp), Imm(in.imm));
        as.movq(Xm(d), x86::gpq(kScratchGp));
      }
      return FinishDef(in.dst, d);
    }
    case kFCmp: {
      uint32_t a = UseFp(in.a, kScratchFp), b = UseFp(in.b, kScratchFp2);
      if (dbl) as.ucomisd(Xm(a), Xm(b));
      else as.ucomiss(Xm(a), Xm(b));
      return;
    }
    case kCvtIF: case kCvtU64F: {
      uint32_t a = UseGp(in.a, kScratchGp);
      uint32_t d = DefReg(in.dst, kScratchFp);
      auto cvt = [&](uint32_t src) {
        as.xorps(Xm(d), Xm(d));
        if (dbl) as.cvtsi2sd(Xm(d), x86::gpq(src));
        else as.cvtsi2ss(Xm(d), x86::gpq(src));
      };
      if (in.op == kCvtIF) {
        cvt(a);
        return FinishDef(in.dst, d);
      }
      Label big = as.newLabel(), done = as.newLabel();
      as.test(x86::gpq(a), x86::gpq(a));
      as.js(big);
      cvt(a);
      as.jmp(done);
      as.bind(big);
      // Halve (keeping the low bit so rounding is right), convert, double.
      as.mov(x86::gpq(kScratchGp2), x86::gpq(a));
      as.and_(x86::gpd(kScratchGp2), 1);
      if (a != kScratchGp) as.mov(x86::gpq(kScratchGp), x86::gpq(a));
      as.shr(x86::gpq(kScratchGp), 1);
      as.or_(x86::gpq(kScratchGp), x86::gpq(kScratchGp2));
      cvt(kScratchGp);
      if (dbl) as.addsd(Xm(d), Xm(d));
      else as.addss(Xm(d), Xm(d));
      as.bind(done);
      return FinishDef(in.dst, d);
    }
    case kCvtFF: {
      uint32_t a = UseFp(in.a, kScratchFp), d = DefReg(in.dst, kScratchFp);
      if (dbl) as.cvtss2sd(Xm(d), Xm(a));
      else as.cvtsd2ss(Xm(d), Xm(a));
      return FinishDef(in.dst, d);
    }
    default: break;
  }
  uint32_t a = UseFp(in.a, kScratchFp);
  uint32_t d = DefReg(in.dst, kScratchFp);
  if (in.op == kFNeg) {
    as.mov(x86::gpq(kScratchGp), Imm(dbl ? int64_t(uint64_t(1) << 63) : int64_t(0x80000000u)));
    as.movq(Xm(kScratchFp2), x86::gpq(kScratchGp));
    if (d != a) as.movaps(Xm(d), Xm(a));
    as.xorps(Xm(d), Xm(kScratchFp2));
    return FinishDef(in.dst, d);
  }
  uint32_t b = UseFp(in.b, kScratchFp2);
  uint32_t t = (d == b && d != a) ? kScratchFp : d;
  if (t != a) as.movaps(Xm(t), Xm(a));
  switch (in.cond) {
    case kFAdd: dbl ? as.addsd(Xm(t), Xm(b)) : as.addss(Xm(t), Xm(b)); break;
    case kFSub: dbl ? as.subsd(Xm(t), Xm(b)) : as.subss(Xm(t), Xm(b)); break;
    case kFMul: dbl ? as.mulsd(Xm(t), Xm(b)) : as.mulss(Xm(t), Xm(b)); break;
    default: dbl ? as.divsd(Xm(t), Xm(b)) : as.divss(Xm(t), Xm(b)); break;
  }
  if (t != d) as.movaps(Xm(d), Xm(t));
  FinishDef(in.dst, d);
}

// fptosi / fptoui with the interpreter's range check: NaN and out-of-range values trap.
void Emitter::Impl::EmitFloatToInt(const MInst& in) {
  bool dbl = in.size == 8, is_signed = in.cond == 1;
  uint32_t bits = in.aux;
  Label trap = Stub(uint32_t(in.imm)), done = as.newLabel();
  uint32_t a = UseFp(in.a, kScratchFp);
  x86::Gp r = x86::r11, t = x86::r10;
  auto cvt = [&](uint32_t src) {
    if (dbl) as.cvttsd2si(r, Xm(src));
    else as.cvttss2si(r, Xm(src));
  };
  auto load_const = [&](double v) {  // into xmm14
    if (dbl) as.mov(t, Imm(std::bit_cast<int64_t>(v)));
    else as.mov(t, Imm(int64_t(std::bit_cast<uint32_t>(float(v)))));
    as.movq(Xm(kScratchFp2), t);
  };
  if (is_signed) {
    cvt(a);
    if (bits < 64) {
      if (bits == 32) as.movsxd(t, r.r32());
      else as.movsx(t, Gp(kR11, bits / 8));
      as.cmp(t, r);
      as.jne(trap);
    } else {
      // 0x8000000000000000 is also the "invalid" answer: valid only for exactly -2^63.
      as.mov(t, Imm(int64_t(INT64_MIN)));
      as.cmp(r, t);
      as.jne(done);
      load_const(-9223372036854775808.0);
      dbl ? as.ucomisd(Xm(a), Xm(kScratchFp2)) : as.ucomiss(Xm(a), Xm(kScratchFp2));
      as.jne(trap);
      as.jp(trap);
    }
  } else if (bits < 64) {
    cvt(a);
    as.test(r, r);
    as.js(trap);
    as.mov(t, r);
    as.shr(t, bits);
    as.jnz(trap);
  } else {
    Label big = as.newLabel();
    load_const(9223372036854775808.0);
    dbl ? as.ucomisd(Xm(a), Xm(kScratchFp2)) : as.ucomiss(Xm(a), Xm(kScratchFp2));
    as.jae(big);
    cvt(a);
    as.test(r, r);
    as.js(trap);
    as.jmp(done);
    as.bind(big);
    if (a != kScratchFp) as.movaps(Xm(kScratchFp), Xm(a));
    dbl ? as.subsd(Xm(kScratchFp), Xm(kScratchFp2)) : as.subss(Xm(kScratchFp), Xm(kScratchFp2));
    cvt(kScratchFp);
    as.test(r, r);
    as.js(trap);
    as.btc(r, 63);
  }
  as.bind(done);
  int32_t d = RegOf(in.dst);
  if (d >= 0) as.mov(x86::gpq(uint32_t(d)), r);
  else as.mov(SpillMem(in.dst, 8), r);
}

void Emitter::Impl::EmitBranch(const MInst& in) {
  if (in.op == kJmp) {
    if (in.aux != next_block) as.jmp(blocks[in.aux]);
    return;
  }
  Label yes = blocks[in.aux], no = blocks[uint32_t(in.imm)];
  Cond c = Cond(in.cond);
  if (c == Cond::FEq) {
    as.jp(no);
    as.je(yes);
  } else if (c == Cond::FNe) {
    as.jp(yes);
    as.jne(yes);
  } else if (in.aux == next_block) {
    as.j(x86::negateCond(CC(c)), no);
    return;
  } else {
    as.j(CC(c), yes);
  }
  if (uint32_t(in.imm) != next_block) as.jmp(no);
}

void Emitter::Impl::EmitChecks(const MInst& in) {
  switch (in.op) {
    case kTrapIf: as.j(CC(Cond(in.cond)), Stub(in.aux)); return;
    case kTrap: as.jmp(Stub(in.aux)); return;
    case kPoll:
      as.mov(x86::r11, Imm(env.DeadlineFlagAddress()));
      if (in.cond && f->frame_too_large) return void(as.jmp(Stub(uint32_t(in.imm))));
      if (in.cond) {  // function entry: one compare catches a time-out too (see codegen.h)
        poll_stubs.push_back({in.aux, uint32_t(in.imm), as.newLabel()});
        as.cmp(x86::rsp, x86::ptr(x86::r11));
        as.jb(poll_stubs.back().label);
        return;
      }
      as.cmp(x86::byte_ptr(x86::r11, 7), 0);
      as.jne(Stub(in.aux));
      return;
    default: {  // kDivCheck
      uint32_t b = UseGp(in.b, kScratchGp2);
      as.test(Gp(b, in.size), Gp(b, in.size));
      as.je(Stub(in.aux));
      if (!in.cond) return;
      Label ok = as.newLabel();
      as.cmp(Gp(b, in.size), -1);
      as.jne(ok);
      uint32_t a = UseGp(in.a, kScratchGp);
      if (a != kScratchGp) as.mov(x86::r11, x86::gpq(a));
      as.neg(Gp(kScratchGp, in.size));  // overflows exactly for the minimum
      as.jo(Stub(uint32_t(in.imm)));
      as.bind(ok);
      return;
    }
  }
}

// Atomic read-modify-writes and compare-and-swap on [a] (isel pinned rax where it is used): the
// new value is computed in r11; the address uses r10 when spilled, the operand its spill slot.
void Emitter::Impl::EmitAtomic(const MInst& in) {
  uint32_t size = in.size;
  if (in.op == kFence) return void(as.mfence());
  x86::Mem m = x86::ptr(x86::gpq(UseGp(in.a, kScratchGp2)), 0, size);
  x86::Gp t = Gp(kScratchGp, size);
  if (in.op == kCmpXchg) {
    uint32_t desired = UseGp(in.b, kScratchGp);
    return void(as.lock().cmpxchg(m, Gp(desired, size), Gp(kRax, size)));
  }
  auto op = ir::RmwOp(in.cond);
  if (op == ir::RmwOp::Xchg || op == ir::RmwOp::Add || op == ir::RmwOp::Sub) {
    uint32_t v = UseGp(in.b, kScratchGp);
    if (v != kScratchGp) as.mov(x86::r11, x86::gpq(v));
    if (op == ir::RmwOp::Sub) as.neg(t);
    if (op == ir::RmwOp::Xchg) as.xchg(m, t);  // implicitly locked
    else as.lock().xadd(m, t);
    if (in.dst == kNoVReg) return;  // a seq_cst store
    uint32_t d = DefReg(in.dst, kScratchGp);
    if (d != kScratchGp) as.mov(x86::gpq(d), x86::r11);
    return FinishDef(in.dst, d);
  }
  // rax = the old value; r11 = old op b; lock cmpxchg stores r11 if [a] still holds rax, else
  // reloads rax, and the loop computes again.
  int32_t b = RegOf(in.b);
  uint32_t wide = std::max<uint32_t>(size, 4);  // cmov has no byte form
  auto operand = [&](uint32_t sz) -> x86::Mem { return SpillMem(in.b, sz); };
  Label loop = as.newLabel();
  as.bind(loop);
  as.mov(x86::r11, x86::rax);
  switch (op) {
    case ir::RmwOp::And: case ir::RmwOp::Nand:
      b >= 0 ? as.and_(t, Gp(uint32_t(b), size)) : as.and_(t, operand(size));
      if (op == ir::RmwOp::Nand) as.not_(t);
      break;
    case ir::RmwOp::Or: b >= 0 ? as.or_(t, Gp(uint32_t(b), size)) : as.or_(t, operand(size)); break;
    case ir::RmwOp::Xor: b >= 0 ? as.xor_(t, Gp(uint32_t(b), size)) : as.xor_(t, operand(size)); break;
    default: {  // max/min: take b when old is on the wrong side of it
      b >= 0 ? as.cmp(t, Gp(uint32_t(b), size)) : as.cmp(t, operand(size));
      x86::CondCode cc = op == ir::RmwOp::SMax   ? x86::CondCode::kL
                         : op == ir::RmwOp::SMin ? x86::CondCode::kG
                         : op == ir::RmwOp::UMax ? x86::CondCode::kB
                                                 : x86::CondCode::kA;
      x86::Gp tw = Gp(kScratchGp, wide);
      b >= 0 ? as.cmov(cc, tw, Gp(uint32_t(b), wide)) : as.cmov(cc, tw, operand(wide));
      break;
    }
  }
  as.lock().cmpxchg(m, t, Gp(kRax, size));
  as.jne(loop);
}

void Emitter::Impl::EmitInst(const MInst& in) {
  switch (in.op) {
    case kMov: return EmitMove(in);
    case kMovImm: case kLea: case kAlu: case kUnary: case kShiftImm: case kShiftCl: case kExt: case kCMovImm:
      return EmitAlu(in);
    case kCmp: {
      uint32_t a = UseGp(in.a, kScratchGp);
      if (in.b == kNoVReg) as.cmp(Gp(a, in.size), Imm(in.imm));
      else as.cmp(Gp(a, in.size), Gp(UseGp(in.b, kScratchGp2), in.size));
      return;
    }
    case kTest: {
      uint32_t a = UseGp(in.a, kScratchGp);
      as.test(Gp(a, in.size), Gp(a, in.size));
      return;
    }
    case kSetCC: {
      uint32_t d = DefReg(in.dst, kScratchGp2);
      Cond c = Cond(in.cond);
      if (c == Cond::FEq || c == Cond::FNe) {
        as.set(c == Cond::FEq ? x86::CondCode::kNP : x86::CondCode::kP, x86::r11b);
        as.set(c == Cond::FEq ? x86::CondCode::kE : x86::CondCode::kNE, x86::gpb(d));
        if (c == Cond::FEq) as.and_(x86::gpb(d), x86::r11b);
        else as.or_(x86::gpb(d), x86::r11b);
      } else {
        as.set(CC(c), x86::gpb(d));
      }
      as.movzx(x86::gpd(d), x86::gpb(d));
      return FinishDef(in.dst, d);
    }
    case kJcc: case kJmp: return EmitBranch(in);
    case kLoad: case kStore: return EmitLoadStore(in);
    case kSignSplit:
      if (!in.cond) as.xor_(x86::edx, x86::edx);
      else if (in.size == 8) as.cqo(x86::rdx, x86::rax);
      else as.cdq(x86::edx, x86::eax);
      return;
    case kDiv: {
      int32_t r = RegOf(in.b);
      x86::Gp hi = Gp(kRdx, in.size), lo = Gp(kRax, in.size);
      if (r >= 0) in.cond ? as.idiv(hi, lo, Gp(uint32_t(r), in.size)) : as.div(hi, lo, Gp(uint32_t(r), in.size));
      else in.cond ? as.idiv(hi, lo, SpillMem(in.b, in.size)) : as.div(hi, lo, SpillMem(in.b, in.size));
      return;
    }
    case kDivCheck: case kTrapIf: case kTrap: case kPoll: return EmitChecks(in);
    case kCall:
      if (!in.cond) return void(as.call(FuncLabel(in.aux)));
      NoteCallingOut();
      as.call(Imm(in.imm));
      return;
    case kCallInd: {
      uint32_t target = UseGp(in.a, kScratchGp2);
      NoteCallingOut();
      as.call(x86::gpq(target));
      return;
    }
    case kRet: return EmitEpilogue();
    case kCopy: case kZero: return EmitCopyZero(in);
    case kCvtFI: return EmitFloatToInt(in);
    case kAtomicRmw: case kCmpXchg: case kFence: return EmitAtomic(in);
    default: return EmitFloat(in);
  }
}

void Emitter::Impl::EmitStubs() {
  for (const PollStub& p : poll_stubs) {  // r11 still holds the flags' address
    as.bind(p.label);
    as.cmp(x86::byte_ptr(x86::r11, 7), 0);
    as.jne(Stub(p.timeout_site));
    as.jmp(Stub(p.stack_site));
  }
  for (size_t i = 0; i < stubs.size(); ++i) {  // Stub() may not add more here
    as.bind(stubs[i].second);
    // The helper never returns. It runs on the frame's base: a frame too large for the stack has
    // already moved rsp past its end (that is what the entry poll caught).
    as.mov(x86::rsp, x86::rbp);
    as.mov(x86::edi, Imm(stubs[i].first));
    as.call(Imm(env.HelperAddress(Helper::Trap)));
    as.int3();
  }
  poll_stubs.clear();  // for the next function
}

Emitter::Emitter(const ir::Module& m, CodegenEnv& env, std::string* listing)
    : impl_(std::make_unique<Impl>(m, env, listing)) {}
Emitter::~Emitter() = default;

bool Emitter::AddFunction(ir::FuncId id, const MFunction& f, const Allocation& alloc, std::string& error) {
  return impl_->AddFunction(id, f, alloc, error);
}

bool Emitter::Place(platform::ExecMemory& memory, PlacedCode& out, std::string& error) {
  return impl_->Place(memory, out, error);
}

InvokeFn BuildInvokeThunk(platform::ExecMemory& memory, std::string& error) {
  CodeHolder code;
  code.init(Environment::host());
  x86::Assembler as(&code);
  // invoke(fn = rdi, gp = rsi, fp = rdx, result = rcx)
  as.push(x86::rbp);
  as.mov(x86::rbp, x86::rsp);
  as.push(x86::rbx);
  as.push(x86::r12);
  as.mov(x86::rbx, x86::rdi);
  as.mov(x86::r12, x86::rcx);
  as.mov(x86::r11, x86::rsi);
  for (int i = 0; i < 8; ++i) as.movsd(x86::xmm(uint32_t(i)), x86::ptr(x86::rdx, i * 8));
  for (int i = 5; i >= 0; --i) as.mov(x86::gpq(kArgGp[i]), x86::ptr(x86::r11, i * 8));
  as.mov(x86::eax, 8);
  as.call(x86::rbx);
  as.mov(x86::ptr(x86::r12), x86::rax);
  as.movsd(x86::ptr(x86::r12, 8), x86::xmm0);
  as.pop(x86::r12);
  as.pop(x86::rbx);
  as.pop(x86::rbp);
  as.ret();
  return reinterpret_cast<InvokeFn>(PlaceThunk(code, memory, error));
}

}  // namespace thrustc::ctjit::x64
