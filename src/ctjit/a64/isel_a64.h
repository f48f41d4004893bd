// AArch64 instruction selection (IR -> MIR), internal to a64/: one Isel per function. The
// arithmetic, memory and control-flow ops are in isel_a64.cpp; calls, parameters and returns
// (the AAPCS64 side) in isel_a64_calls.cpp.
#pragma once
#include <string>
#include <vector>

#include "ctjit/codegen.h"
#include "ctjit/mir.h"
#include "ctjit/a64/abi_a64.h"
#include "ctjit/a64/regs_a64.h"

namespace thrustc::ctjit::a64 {

// Lowers one IR function to MIR. False with `error` ("not supported yet: ...") when it cannot.
bool SelectInstructions(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out, std::string& error);

class Isel {
 public:
  Isel(const ir::Module& m, ir::FuncId id, CodegenEnv& env, MFunction& out)
      : m_(m), fn_(m.functions[id]), id_(id), env_(env), out_(out) {}
  bool Run(std::string& error);

 private:
  struct Addr {
    VReg base = kNoVReg;
    VReg index = kNoVReg;
    uint32_t scale = 1;
    int64_t disp = 0;
  };

  // isel_a64.cpp
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
  void LowerInst(const ir::Inst& in);
  void LowerIntBinary(const ir::Inst& in);
  void LowerDivRem(const ir::Inst& in);
  void LowerShift(const ir::Inst& in);
  void LowerCompare(const ir::Inst& in, Cond& cond);
  void LowerConvert(const ir::Inst& in);
  void LowerMemory(const ir::Inst& in);
  void LowerCondBr(const ir::Inst& in, const ir::Inst* fused);
  void PollIfBackEdge(uint32_t target);

  // isel_a64_calls.cpp
  void LowerParams();
  void LowerCall(const ir::Inst& in);
  void LowerRet(const ir::Inst& in);
  void PassArgs(const CallLayout& layout, const ir::CallInfo& call, uint32_t& use_mask);
  void TakeResult(const CallLayout& layout, const ir::CallInfo& call, ir::Reg dst);
  void CallHelper(Helper h, std::vector<VReg> args, VReg fp_result, uint8_t fp_size);

  const ir::Module& m_;
  const ir::Function& fn_;
  ir::FuncId id_;
  CodegenEnv& env_;
  MFunction& out_;
  std::string error_;

  std::vector<const ir::Inst*> def_;   // defining instruction of each IR register (null: parameter)
  std::vector<uint32_t> use_count_;
  SlotPromotion promo_;
  std::vector<VReg> slot_vreg_;        // promoted slot -> its virtual register
  std::vector<int32_t> slot_disp_;     // memory slot -> offset from the frame pointer (x29)
  uint32_t frame_end_ = 0;             // bytes of locals below the save area
  uint32_t cur_block_ = 0;
  uint32_t cur_inst_ = 0;              // running IR instruction number (for listings)
  VReg sret_ptr_ = kNoVReg;            // incoming hidden result pointer
  CallLayout own_layout_;              // this function's parameters and result
  int32_t scratch_ret_disp_ = 0;       // frame buffer for discarded aggregate results
  int32_t AllocFrame(uint32_t size, uint32_t align);  // x29-relative offset of new frame bytes
};

}  // namespace thrustc::ctjit::a64
