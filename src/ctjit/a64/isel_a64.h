// AArch64 instruction selection (IR -> MIR), internal to a64/: one Isel per function, built on
// the shared IselBase (isel_common.h: IR walk, dispatch by op family, analysis,
// rematerialization, calls over a CallLayout). The target's arithmetic and compare ops are in
// isel_a64.cpp; its calling convention (AAPCS64) is abi_a64.cpp and the registers below.
#pragma once
#include <string>
#include <vector>

#include "ctjit/codegen.h"
#include "ctjit/isel_common.h"
#include "ctjit/mir.h"
#include "ctjit/a64/abi_a64.h"
#include "ctjit/a64/regs_a64.h"

namespace thrustc::ctjit::a64 {

// Lowers one IR function to MIR. False with `error` ("not supported yet: ...") when it cannot.
// `scratch` is working storage the caller keeps across the functions of a batch.
bool SelectInstructions(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch,
                        std::string& error);

// What the shared half of instruction selection (isel_common.cpp, isel_calls.cpp) emits on this
// target.
inline constexpr IselTarget kIselTarget = {
    .mov = kMov, .mov_imm = kMovImm, .lea = kLea, .alu = kAlu, .ext = kExt, .poll = kPoll,
    .unary = kUnary, .fconst = kFConst, .falu = kFAlu, .fneg = kFNeg,
    .cvt_if = kCvtIF, .cvt_u64f = kCvtU64F, .cvt_ff = kCvtFF, .cvt_fi = kCvtFI,
    .cmp = kCmp, .test = kTest, .set_cc = kSetCC, .jcc = kJcc, .jmp = kJmp, .trap_if = kTrapIf, .trap = kTrap,
    .load = kLoad, .store = kStore, .copy = kCopy, .zero = kZero,
    .shift_imm = kShiftImm, .call = kCall, .call_ind = kCallInd, .ret = kRet,
    .alu_and = kAnd, .alu_mul = kMul, .unary_neg = kNeg, .unary_not = kNot, .shift_right = kLsr,
    .cond_ne = uint8_t(Cond::Ne), .cond_uge = uint8_t(Cond::Hs), .set_cc_size = 4, .store_imm32 = false,
    .frame_reg = kFp, .save_area_bytes = kSaveAreaBytes, .max_scale = 16,
    .stack_reg = kSp, .first_fp_reg = kV0, .arg_gp = kArgGp, .sret_reg = kX8,
    .sret_echo_reg = IselTarget::kNone, .fp_count_reg = IselTarget::kNone,
    // results in x0, x1 and v0-v3 (an HFA of four members uses all of v0-v3)
    .result_mask = (1u << kX0) | (1u << kX1) | (0xFu << kV0),
    .caller_saved_mask = kCallerSavedMask};

class Isel : public IselBase {
 public:
  Isel(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch)
      : IselBase(m, id, env, out, scratch, kIselTarget) {}

 private:
  // isel_a64.cpp
  void LowerIntBinary(const ir::Inst& in) override;
  void LowerDivRem(const ir::Inst& in) override;
  void LowerShift(const ir::Inst& in) override;
  uint8_t LowerCompare(const ir::Inst& in) override;
  void LowerAtomic(const ir::Inst& in) override;

  CallLayout LayOutCall(const std::vector<ir::AbiType>& params, const ir::AbiType& ret, bool variadic,
                        uint32_t fixed_count) override {
    return a64::LayOutCall(m_, params, ret, variadic, fixed_count);
  }
};

}  // namespace thrustc::ctjit::a64
