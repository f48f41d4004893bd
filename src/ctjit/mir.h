// Machine IR of the compile-time JIT: target opcodes over virtual registers, between instruction
// selection (x64/isel_x64.cpp) and encoding (x64/emit_x64.cpp). Unlike IR registers, a virtual
// register may be assigned more than once (a promoted stack slot is one). Target-independent:
// liveness.cpp, regalloc.cpp and slot_promotion.cpp work on it through a TargetRegs description.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "ir/ir.h"

namespace thrustc::ctjit {

using VReg = uint32_t;
constexpr VReg kNoVReg = UINT32_MAX;
// Physical register p appears in MIR as kPhysBase + p (fixed operands: call arguments, results,
// division and shift registers). Physical numbers are the target's (regs_x64.h).
constexpr VReg kPhysBase = 0xFFFFFF00u;
inline bool IsPhys(VReg v) { return v >= kPhysBase && v != kNoVReg; }
inline VReg Phys(uint32_t p) { return kPhysBase + p; }
inline uint32_t PhysOf(VReg v) { return v - kPhysBase; }

enum class RegClass : uint8_t { Gp, Fp };

// One machine instruction. `op` and `cond` are target opcodes; `a`, `b` and `c` are uses, `dst`
// the definition. Masks name physical registers used, defined or clobbered implicitly (calls).
struct MInst {
  uint16_t op = 0;
  uint8_t size = 8;   // operand size in bytes
  uint8_t cond = 0;   // condition code or a sub-operation
  VReg dst = kNoVReg;
  VReg a = kNoVReg, b = kNoVReg, c = kNoVReg;
  int64_t imm = 0;
  int32_t disp = 0;
  uint32_t aux = 0;        // block, function, trap site or call target index
  uint32_t use_mask = 0;   // physical registers read (call arguments)
  uint32_t def_mask = 0;   // physical registers written (call results)
  uint32_t clobber_mask = 0;
  uint32_t ir_inst = UINT32_MAX;  // the IR instruction it came from (for -print ctjit-asm)
};

struct MBlock {
  uint32_t begin = 0, end = 0;  // instruction range
  // A block ends in ret (no successor), br (one) or condbr (two): a fixed pair, no allocation.
  uint32_t succ[2] = {};
  uint32_t succ_count = 0;
  std::span<const uint32_t> Succs() const { return {succ, succ_count}; }
};

// The largest frame generated code lays out: far beyond any stack it runs on (jit.cpp's budget).
constexpr uint32_t kMaxFrameBytes = 1u << 30;

struct MFunction {
  std::vector<MInst> insts;
  std::vector<MBlock> blocks;
  std::vector<RegClass> vreg_class;
  uint32_t frame_bytes = 0;     // locals (slots, spill area comes after)
  uint32_t outgoing_bytes = 0;  // stack area for outgoing call arguments
  // Locals past kMaxFrameBytes: no stack holds them, so the function's entry goes straight to its
  // stack-overflow report (and no slot offset has to fit a displacement).
  bool frame_too_large = false;
  // Empties the function for the next one, keeping the vectors' memory (one MFunction serves a
  // whole batch, so small functions cost no allocations).
  void Clear() {
    insts.clear();
    blocks.clear();
    vreg_class.clear();
    frame_bytes = outgoing_bytes = 0;
    frame_too_large = false;
  }
  VReg NewVReg(RegClass c) {
    vreg_class.push_back(c);
    return VReg(vreg_class.size() - 1);
  }
};

// What the register allocator needs to know of a target.
struct TargetRegs {
  std::vector<uint32_t> allocatable_gp;  // in order of preference
  std::vector<uint32_t> allocatable_fp;
  uint32_t callee_saved_mask = 0;
  uint32_t phys_count = 32;
};

// A live interval: one range [start, end] of positions (instruction i uses at 2i, defines at 2i+1).
struct Interval {
  VReg vreg;
  uint32_t start, end;
  VReg hint = kNoVReg;  // a vreg this one is copied from or to (same register preferred)
};

// [start, end] positions in which a physical register holds a fixed value or is clobbered.
struct FixedRange {
  uint32_t start, end;
};

struct Liveness {
  std::vector<Interval> intervals;  // sorted by start
  // The fixed ranges of every physical register in one flat array, grouped by register, each
  // group sorted and merged (so starts and ends both increase): register p's are
  // fixed[fixed_begin[p] .. fixed_begin[p + 1]).
  std::vector<FixedRange> fixed;
  std::vector<uint32_t> fixed_begin;
  std::span<const FixedRange> Fixed(uint32_t p) const {
    return {fixed.data() + fixed_begin[p], fixed.data() + fixed_begin[p + 1]};
  }
  // ComputeLiveness's working storage, kept so that the next function reuses its memory.
  struct Scratch {
    std::vector<uint32_t> start, end, home, first, last_def;
    std::vector<std::pair<uint32_t, FixedRange>> pinned;  // (register, range) as found
    std::vector<VReg> hint, globals;
    // Cross-block values (liveness.cpp): gen/kill blocks grouped per value, predecessors per block,
    // and per-block marks of the value being walked.
    std::vector<std::pair<uint32_t, uint32_t>> pairs_gen, pairs_kill;
    std::vector<uint32_t> killed_in, used_in, gen_begin, gen_blocks, kill_begin, kill_blocks;
    std::vector<uint32_t> pred_begin, preds, kill_mark, in_mark, work;
  } scratch;
};

// Where each virtual register lives after allocation.
struct Allocation {
  static constexpr int32_t kUnassigned = -1;
  std::vector<int32_t> reg;         // physical register, or kUnassigned when spilled
  std::vector<int32_t> spill_slot;  // frame offset below the locals (bytes), for spilled vregs
  uint32_t spill_bytes = 0;
  uint32_t used_callee_saved = 0;   // mask of callee-saved registers to save and restore
  std::vector<int32_t> active;      // working storage of the allocator, reused by the next function
};

// liveness.cpp: live intervals over the MIR (block-level dataflow for values crossing blocks).
// `is_move` tells which opcodes are plain register copies (for allocation hints).
void ComputeLiveness(const MFunction& f, uint32_t phys_count, uint16_t move_op, Liveness& out);
// regalloc.cpp: linear scan over the intervals; spills to stack slots.
void AllocateRegisters(const MFunction& f, const Liveness& live, const TargetRegs& target, Allocation& out);

// slot_promotion.cpp: which slots of an IR function can live in a register: every use of their
// address is the address operand of a load or store of one scalar type as wide as the slot.
struct SlotPromotion {
  std::vector<ir::Type> slot_type;   // Void = stays in memory
  std::vector<uint32_t> reg_slot;    // IR reg -> promoted slot whose address it is, or UINT32_MAX
  std::vector<bool> rejected;        // working storage: slots seen escaping
};
void PromoteSlots(const ir::Function& fn, SlotPromotion& out);

}  // namespace thrustc::ctjit
