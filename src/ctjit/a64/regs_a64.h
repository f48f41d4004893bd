// AArch64 target description of the compile-time JIT: physical register numbers, the MIR opcodes
// that instruction selection (isel_a64.cpp) produces and the emitter (emit_a64.cpp) encodes,
// condition codes, and the registers the allocator may use. MIR masks are 32 bits wide, so only
// the registers the allocator or the ABI needs get a number; scratch registers have none.
#pragma once
#include <cstdint>

#include "ctjit/mir.h"

namespace thrustc::ctjit::a64 {

// GP 0-15: x0-x8 (arguments, x8 = indirect result), x19-x23 (callee-saved), the frame pointer
// x29 and sp. FP 16-31: v0-v15 (v8-v15 callee-saved in their low 64 bits).
enum PhysReg : uint32_t {
  kX0 = 0, kX1, kX2, kX3, kX4, kX5, kX6, kX7, kX8,
  kX19, kX20, kX21, kX22, kX23,
  kFp, kSp,
  kV0 = 16,
};
constexpr uint32_t kPhysCount = 32;
inline uint32_t Vreg(uint32_t i) { return kV0 + i; }
inline bool IsVec(uint32_t p) { return p >= kV0; }
// The hardware number of a GP or vector physical register.
inline uint32_t HwId(uint32_t p) {
  if (p <= kX8) return p;
  if (p <= kX23) return 19 + (p - kX19);
  if (p == kFp) return 29;
  if (p == kSp) return 31;
  return p - kV0;
}

// Scratch registers the emitter uses for spilled operands and expansions; never allocated.
// x9-x15 are caller-saved and unnumbered, so they are free for the emitter too.
constexpr uint32_t kScratchX = 16, kScratchX2 = 17, kScratchX3 = 9, kScratchX4 = 10;
constexpr uint32_t kScratchV = 16, kScratchV2 = 17;

constexpr uint32_t kCallerSavedMask = 0x1FFu | 0x00FF0000u;  // x0-x8, v0-v7
constexpr uint32_t kCalleeSavedMask = (1u << kX19) | (1u << kX20) | (1u << kX21) | (1u << kX22) |
                                      (1u << kX23) | 0xFF000000u;  // and v8-v15
// Locals start below a fixed save area for the callee-saved registers (x19-x23, d8-d15), so
// slot offsets are known before register allocation decides which of them are used.
constexpr int32_t kSaveAreaBytes = 104;

inline constexpr uint32_t kArgGp[] = {kX0, kX1, kX2, kX3, kX4, kX5, kX6, kX7};

enum class Cond : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Lo, Ls, Hi, Hs, Mi, Vs };

// MIR opcodes (MInst::op). Operands: dst, a, b, c; see each line. Sizes are 4 (w registers) or
// 8 (x registers) for integer ops and 4 (s) or 8 (d) for float ops.
enum Op : uint16_t {
  kMov,        // dst = a (GP or vector)
  kMovImm,     // dst = imm (cond = 1: address of batch function aux)
  kLea,        // dst = a + (c << log2 aux) + disp
  kAlu,        // dst = a <cond:AluKind> (b, or imm when b == kNoVReg)
  kUnary,      // dst = <cond:UnaryKind> a
  kShiftImm,   // dst = a <cond:ShiftKind> imm
  kShiftReg,   // dst = a <cond:ShiftKind> b (count < width guaranteed by isel)
  kExt,        // dst(64) = extend a from `aux` bytes, cond = 1 signed
  kCmp,        // flags = a - (b or imm), size
  kTest,       // flags = a & (width mask of size bytes)
  kSetCC,      // dst = cond ? 1 : 0
  kCSelImm,    // dst = cond ? imm : a
  kJcc,        // if cond goto block aux else block imm
  kJmp,        // goto block aux
  kLoad,       // dst = [a + (c << log2 aux) + disp], size (sub-word loads sign-extend)
  kStore,      // [a + (c << log2 aux) + disp] = b (or imm when b == kNoVReg), size
  kDiv,        // dst = a / b, cond = 1 signed; cond bit 2: remainder (a - (a / b) * b)
  kDivCheck,   // traps: b == 0 (site aux); signed (cond = 1) a == MIN && b == -1 (site imm)
  kTrapIf,     // if cond trap at site aux
  kTrap,       // trap at site aux
  kPoll,       // deadline poll: timeout at site aux; cond = 1: stack limit too (site imm)
  kCall,       // call function aux (cond 0: in this batch; 1: absolute address imm)
  kCallInd,    // call a
  kRet,        // epilogue and ret
  kCopy,       // memcpy([a + disp], [b], imm) inline
  kZero,       // memset([a + disp], 0, imm) inline
  kFAlu,       // dst = a <cond:FAluKind> b, size 4/8
  kFCmp,       // flags = fcmp a, b
  kFNeg,       // dst = -a
  kFConst,     // dst = bits imm
  kCvtIF,      // dst(fp size) = (signed 64) a
  kCvtU64F,    // dst(fp size) = (unsigned 64) a
  kCvtFF,      // dst(size) = a (other float size)
  kCvtFI,      // dst = trunc a (fp `size`), result bits = aux, signed = cond, trap site = imm
  kAtomicLoad,   // dst = [a] with ldar (acquire), size (sub-word loads sign-extend)
  kAtomicStore,  // [a] = b with stlr (release), size
  kAtomicRmw,    // dst = old [a], [a] = old <cond:ir::RmwOp> b: exclusive loop, aux = AtomicBits
  kCmpXchg,      // dst = old [a]; if old == b then [a] = c: exclusive loop, aux = AtomicBits
  kFence,        // dmb ish (cond = 1: dmb ishld, an acquire fence)
  kOpCount
};

enum AluKind : uint8_t { kAdd, kSub, kAnd, kOr, kXor, kMul };
enum UnaryKind : uint8_t { kNeg, kNot };
enum ShiftKind : uint8_t { kLsl, kLsr, kAsr };
enum FAluKind : uint8_t { kFAdd, kFSub, kFMul, kFDiv };
constexpr uint8_t kDivRemainder = 4;
// MInst::aux of the exclusive loops: ldaxr instead of ldxr, stlxr instead of stxr.
enum AtomicBits : uint32_t { kAcquire = 1, kRelease = 2 };

TargetRegs MakeTargetRegs();

}  // namespace thrustc::ctjit::a64
