// The target-independent half of instruction selection (IR -> MIR), shared by x64/ and a64/:
// the IR walk (blocks, fused compare + branch, back-edge polls), the dispatch of each IR
// instruction by op family, the per-function analysis (IR register uses, promoted slots, frame
// layout), the rematerialization of constants and addresses, and calls, parameters and returns
// over the target's CallLayout (isel_calls.cpp). Each target's Isel derives from IselBase and
// lowers the op families whose MIR differs (integer arithmetic, shifts, division, compares,
// atomics).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ctjit/call_layout.h"
#include "ctjit/codegen.h"
#include "ctjit/mir.h"

namespace thrustc::ctjit {

inline bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
// Integer ops of up to 32 bits use 32-bit instructions.
inline uint8_t OpSize(ir::Type t) { return ir::TypeSize(t) <= 4 ? 4 : 8; }
// An integer constant sign-extended from its type's width to 64 bits.
int64_t Normalize(int64_t v, ir::Type t);
// The predicate with its operands swapped (a < b  ==  b > a).
ir::Pred SwapPred(ir::Pred p);

// The target's spellings of what the shared code emits: MIR opcodes, their sub-operations and
// condition codes, the frame pointer, the frame and addressing-mode limits, and the registers of
// its calling convention that a CallLayout does not name.
struct IselTarget {
  static constexpr uint32_t kNone = UINT32_MAX;  // a register the target does not have
  uint16_t mov, mov_imm, lea, alu, ext, poll;
  uint16_t unary, fconst, falu, fneg, cvt_if, cvt_u64f, cvt_ff, cvt_fi;
  uint16_t cmp, test, set_cc, jcc, jmp, trap_if, trap;
  uint16_t load, store, copy, zero, shift_imm, call, call_ind, ret;
  uint8_t alu_and, alu_mul, unary_neg, unary_not, shift_right;  // shift_right: logical
  uint8_t cond_ne, cond_uge;  // "not equal" (a bool's test), "unsigned >=" (a bounds check)
  uint8_t set_cc_size;       // width of the register kSetCC writes
  bool store_imm32;          // a stored constant must fit a sign-extended 32-bit immediate
  uint32_t frame_reg;        // physical register that slot offsets are relative to
  int32_t save_area_bytes;   // callee-saved save area between the frame pointer and the locals
  int64_t max_scale;         // largest power-of-two index scale an address may carry
  uint32_t stack_reg;        // outgoing stack arguments are stored relative to it
  uint32_t first_fp_reg;     // FP registers are numbered from here; FP arguments and results start here
  const uint32_t* arg_gp;    // GP argument registers in order (runtime helpers take up to three)
  uint32_t sret_reg;         // the address of a result in memory goes in here
  uint32_t sret_echo_reg;    // ... and comes back in here (x86-64: rax), or kNone
  uint32_t fp_count_reg;     // a variadic call gets the number of FP argument registers here (x86-64: al), or kNone
  uint32_t result_mask, caller_saved_mask;  // registers a call may define, and may clobber
};

// The per-function analysis of instruction selection, owned by the caller and reused for every
// function of a batch, so a small function costs no allocations.
struct IselScratch {
  std::vector<const ir::Inst*> def;   // defining instruction of each IR register (null: parameter)
  std::vector<uint32_t> use_count;
  SlotPromotion promo;
  std::vector<VReg> slot_vreg;        // promoted slot -> its virtual register
  std::vector<int32_t> slot_disp;     // memory slot -> offset from the frame pointer
};

class IselBase {
 public:
  IselBase(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch,
           const IselTarget& target)
      : m_(m), fn_(m.functions[id]), id_(id), env_(env), out_(out), target_(target), def_(scratch.def),
        use_count_(scratch.use_count), promo_(scratch.promo), slot_vreg_(scratch.slot_vreg),
        slot_disp_(scratch.slot_disp) {}
  virtual ~IselBase() = default;
  bool Run(std::string& error);

 protected:
  struct Addr {
    VReg base = kNoVReg;
    VReg index = kNoVReg;
    uint32_t scale = 1;
    int64_t disp = 0;
  };

  // The target's lowering, called by Run and LowerInst.
  virtual CallLayout LayOutCall(const std::vector<ir::AbiType>& params, const ir::AbiType& ret, bool variadic,
                                uint32_t fixed_count) = 0;
  virtual void LowerIntBinary(const ir::Inst& in) = 0;  // add .. xor, mul (not division or shifts)
  virtual void LowerDivRem(const ir::Inst& in) = 0;
  virtual void LowerShift(const ir::Inst& in) = 0;
  // Emits the flag-setting compare of an icmp/fcmp; returns the target's condition code that
  // holds when the predicate is true.
  virtual uint8_t LowerCompare(const ir::Inst& in) = 0;
  // atomic_load, atomic_store, atomic_rmw, cmpxchg and fence, with the target's barriers.
  virtual void LowerAtomic(const ir::Inst& in) = 0;

  void LowerInst(const ir::Inst& in);
  void LowerCondBr(const ir::Inst& in, const ir::Inst* fused);
  void LowerConvert(const ir::Inst& in);
  void LowerMemory(const ir::Inst& in);
  void LowerBoundsCheck(const ir::Inst& in);

  // isel_calls.cpp
  void LowerParams();
  void LowerCall(const ir::Inst& in);
  void LowerRet(const ir::Inst& in);
  void PassArgs(const CallLayout& layout, const ir::CallInfo& call, uint32_t& use_mask);
  void TakeResult(const CallLayout& layout, const ir::CallInfo& call, ir::Reg dst);
  void CopyAgg(VReg dst, VReg src, uint32_t size);
  // A call of a runtime helper (fmod, memcpy, ...) under the target's calling convention.
  void CallHelper(Helper h, std::vector<VReg> args, VReg fp_result, uint8_t fp_size);
  bool IsFpReg(uint32_t p) const { return p >= target_.first_fp_reg; }

  void Analyze();
  MInst& Emit(uint16_t op, uint8_t size = 8);
  VReg NewGp() { return out_.NewVReg(RegClass::Gp); }
  VReg NewFp() { return out_.NewVReg(RegClass::Fp); }
  bool IsLazy(ir::Reg r) const;
  bool ConstInt(ir::Reg r, int64_t& v) const;
  VReg Value(ir::Reg r);
  VReg Materialize(const Addr& a);
  Addr AddressOf(ir::Reg r, int depth = 0);
  void Move(VReg dst, VReg src, uint8_t size = 8);
  VReg Extend(VReg v, uint32_t from_bytes, bool is_signed);
  void LowerBlock(uint32_t b);
  void PollIfBackEdge(uint32_t target);
  int32_t AllocFrame(uint32_t size, uint32_t align);  // frame-pointer-relative offset of new frame bytes

  const ir::Module& m_;
  const ir::Function& fn_;
  ir::FuncId id_;
  CodegenEnv& env_;
  MFunction& out_;
  const IselTarget& target_;
  std::string error_;

  // The analysis (IselScratch's fields).
  std::vector<const ir::Inst*>& def_;
  std::vector<uint32_t>& use_count_;
  SlotPromotion& promo_;
  std::vector<VReg>& slot_vreg_;
  std::vector<int32_t>& slot_disp_;
  uint32_t frame_end_ = 0;             // bytes of locals below the save area
  uint32_t cur_block_ = 0;
  uint32_t cur_inst_ = 0;              // running IR instruction number (for listings)
  CallLayout own_layout_;              // this function's parameters and result
  VReg sret_ptr_ = kNoVReg;            // incoming address of a result in memory
};

}  // namespace thrustc::ctjit
