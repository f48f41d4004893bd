// x86-64 target description of the compile-time JIT: physical register numbers (GP 0-15 as the
// hardware numbers them, XMM 16-31), the MIR opcodes that instruction selection produces and the
// emitter encodes, condition codes, and the register classes the allocator may use.
#pragma once
#include <cstdint>

#include "ctjit/mir.h"

namespace thrustc::ctjit::x64 {

enum PhysReg : uint32_t {
  kRax = 0, kRcx, kRdx, kRbx, kRsp, kRbp, kRsi, kRdi, kR8, kR9, kR10, kR11, kR12, kR13, kR14, kR15,
  kXmm0 = 16,
};
constexpr uint32_t kPhysCount = 32;
inline uint32_t Xmm(uint32_t i) { return kXmm0 + i; }
inline bool IsXmm(uint32_t p) { return p >= kXmm0; }

// Scratch registers the emitter uses for spilled operands and expansions; never allocated.
constexpr uint32_t kScratchGp = kR11, kScratchGp2 = kR10;
constexpr uint32_t kScratchFp = kXmm0 + 15, kScratchFp2 = kXmm0 + 14;

constexpr uint32_t kCallerSavedMask = (1u << kRax) | (1u << kRcx) | (1u << kRdx) | (1u << kRsi) | (1u << kRdi) |
                                      (1u << kR8) | (1u << kR9) | (1u << kR10) | (1u << kR11) | 0xFFFF0000u;
constexpr uint32_t kCalleeSavedMask = (1u << kRbx) | (1u << kR12) | (1u << kR13) | (1u << kR14) | (1u << kR15);
constexpr uint32_t kCalleeSavedOrder[] = {kRbx, kR12, kR13, kR14, kR15};
// Locals start below a fixed save area for the callee-saved registers, so slot offsets are
// known before register allocation decides which of them are used.
constexpr int32_t kSaveAreaBytes = 40;

inline constexpr uint32_t kArgGp[] = {kRdi, kRsi, kRdx, kRcx, kR8, kR9};

enum class Cond : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, B, Be, A, Ae, P, Np,
                            FEq, FNe };  // FEq: equal and ordered; FNe: not equal or unordered

// MIR opcodes (MInst::op). Operands: dst, a, b, c; see each line.
enum Op : uint16_t {
  kMov,        // dst = a (GP or XMM)
  kMovImm,     // dst = imm (size 4 zero-extends, 8 full)
  kLea,        // dst = a + c * aux + disp
  kAlu,        // dst = a <cond:AluKind> (b or imm when b == kNoVReg), size 4/8
  kUnary,      // dst = <cond:UnaryKind> a
  kShiftImm,   // dst = a <cond:ShiftKind> imm
  kShiftCl,    // dst = a <cond:ShiftKind> cl (b = rcx), count < width guaranteed by isel
  kExt,        // dst(64) = extend a from `aux` bytes, cond = 1 signed
  kCmp,        // flags = a - (b or imm), size
  kTest,       // flags = a & a, size
  kSetCC,      // dst(8) = cond
  kCMovImm,    // dst = cond ? imm : a  (via scratch)
  kJcc,        // if cond goto block aux else block imm
  kJmp,        // goto block aux
  kLoad,       // dst = [a + c * aux + disp], size, cond = 1 sign-extend
  kStore,      // [a + c * aux + disp] = b (or imm when b == kNoVReg), size
  kSignSplit,  // rdx = sign of rax (cond = 1) or 0
  kDiv,        // rax, rdx = rdx:rax / b, cond = 1 signed
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
  kFCmp,       // flags = ucomis a, b
  kFNeg,       // dst = -a
  kFConst,     // dst = bits imm
  kCvtIF,      // dst(fp size) = (signed 64) a
  kCvtU64F,    // dst(fp size) = (unsigned 64) a
  kCvtFF,      // dst(size) = a (other float size)
  kCvtFI,      // dst = trunc a (fp `size`), result bits = aux>>8, signed = cond, trap site = imm
  kAtomicRmw,  // dst = old [a], [a] = old <cond:ir::RmwOp> b. xchg/add/sub: lock xchg/xadd (no dst:
               // a seq_cst store); the others loop on lock cmpxchg with the old value in rax (pinned)
  kCmpXchg,    // lock cmpxchg [a], b: rax holds the expected value, then the old one (pinned)
  kFence,      // mfence
  kOpCount
};

enum AluKind : uint8_t { kAdd, kSub, kAnd, kOr, kXor, kImul };
enum UnaryKind : uint8_t { kNeg, kNot };
enum ShiftKind : uint8_t { kShl, kShr, kSar };
enum FAluKind : uint8_t { kFAdd, kFSub, kFMul, kFDiv };

TargetRegs MakeTargetRegs();

}  // namespace thrustc::ctjit::x64
