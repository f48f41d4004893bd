// x86-64 instruction selection (IR -> MIR), internal to x64/: one Isel per function, built on
// the shared IselBase (isel_common.h: IR walk, dispatch by op family, analysis,
// rematerialization). The target's arithmetic and compare ops are in
// isel_x64.cpp; calls, parameters and returns (the System V side) in isel_x64_calls.cpp.
#pragma once
#include <string>
#include <vector>

#include "ctjit/codegen.h"
#include "ctjit/isel_common.h"
#include "ctjit/mir.h"
#include "ctjit/x64/abi_x64.h"
#include "ctjit/x64/regs_x64.h"

namespace thrustc::ctjit::x64 {

// Lowers one IR function to MIR. False with `error` ("not supported yet: ...") when it cannot.
// `scratch` is working storage the caller keeps across the functions of a batch.
bool SelectInstructions(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch,
                        std::string& error);

// What the shared half of instruction selection (isel_common.cpp) emits on this target.
inline constexpr IselTarget kIselTarget = {
    .mov = kMov, .mov_imm = kMovImm, .lea = kLea, .alu = kAlu, .ext = kExt, .poll = kPoll,
    .unary = kUnary, .fconst = kFConst, .falu = kFAlu, .fneg = kFNeg,
    .cvt_if = kCvtIF, .cvt_u64f = kCvtU64F, .cvt_ff = kCvtFF, .cvt_fi = kCvtFI,
    .cmp = kCmp, .test = kTest, .set_cc = kSetCC, .jcc = kJcc, .jmp = kJmp, .trap_if = kTrapIf, .trap = kTrap,
    .load = kLoad, .store = kStore, .copy = kCopy, .zero = kZero,
    .alu_and = kAnd, .alu_mul = kImul, .unary_neg = kNeg, .unary_not = kNot,
    .cond_ne = uint8_t(Cond::Ne), .cond_uge = uint8_t(Cond::Ae), .set_cc_size = 1, .store_imm32 = true,
    .frame_reg = kRbp, .save_area_bytes = kSaveAreaBytes, .max_scale = 8};

class Isel : public IselBase {
 public:
  Isel(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, IselScratch& scratch)
      : IselBase(m, id, env, out, scratch, kIselTarget) {}

 private:
  // isel_x64.cpp
  void LowerIntBinary(const ir::Inst& in) override;
  void LowerDivRem(const ir::Inst& in) override;
  void LowerShift(const ir::Inst& in) override;
  uint8_t LowerCompare(const ir::Inst& in) override;

  // isel_x64_calls.cpp
  void LowerParams() override;
  void LowerCall(const ir::Inst& in) override;
  void LowerRet(const ir::Inst& in) override;
  void PassArgs(const CallLayout& layout, const ir::CallInfo& call, uint32_t& use_mask);
  void TakeResult(const CallLayout& layout, const ir::CallInfo& call, ir::Reg dst);
  void CallHelper(Helper h, std::vector<VReg> args, VReg fp_result, uint8_t fp_size) override;


  VReg sret_ptr_ = kNoVReg;            // incoming hidden result pointer
  CallLayout own_layout_;              // this function's parameters and result
  int32_t scratch_ret_disp_ = 0;       // frame buffer for discarded aggregate results
};

}  // namespace thrustc::ctjit::x64
