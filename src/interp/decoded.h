// The interpreter's private, pre-resolved form of an IR function: one flat instruction array
// (block targets are instruction indices), operands are register indices, types are folded into
// the opcode, and the frame layout (registers, slots, copies of by-value parameters) is fixed.
// Built once per function by DecodeFunction and executed by the loop in execute.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace thrustc::interp {

// Decoded opcodes. Integer ops carry the shift that re-normalizes their result: every integer
// register holds its value sign-extended from its type's width to 64 bits (f32 registers hold
// the float's bits in the low 32 bits, zero above).
enum class DOp : uint8_t {
  Imm, GlobalAddr, FuncAddr, SlotAddr,
  Add, Sub, Mul, SDiv, UDiv, SRem, URem, And, Or, Xor, Shl, LShr, AShr,
  FAdd32, FSub32, FMul32, FDiv32, FRem32, FAdd64, FSub64, FMul64, FDiv64, FRem64,
  Neg, Not, FNeg32, FNeg64,
  ICmpEq, ICmpNe, ICmpSlt, ICmpSle, ICmpSgt, ICmpSge, ICmpUlt, ICmpUle, ICmpUgt, ICmpUge,
  FCmp32, FCmp64,
  Norm,        // dst = sign-extend(a) from the destination width (sext, trunc, ptr<->int)
  ZExt,        // dst = a & mask(source width), then normalized
  SIToF32, SIToF64, UIToF32, UIToF64,
  F32ToSI, F64ToSI, F32ToUI, F64ToUI,  // with range checks (trap FloatToInt)
  FPExt, FPTrunc,
  Load8, Load16, Load32, Load64, LoadF32, Store8, Store16, Store32, Store64,
  PtrAdd, PtrOffset, Copy, Zero, BoundsCheck,
  AtomicLoad, AtomicStore, AtomicRmw, CmpXchg, Fence,  // bits = width, imm = ir::AtomicInfo
  Call, CallIndirect,
  Br, CondBr, Ret, Trap,
};

struct DInst {
  DOp op;
  uint8_t sh = 0;    // 64 - width of the result (integer ops), for re-normalizing
  uint8_t bits = 64; // width of the operands (integer ops, conversions' source or destination)
  uint8_t pred = 0;  // ir::Pred for FCmp
  uint32_t dst = 0, a = 0, b = 0, c = 0;
  int64_t imm = 0;
};

struct FfiSignature;  // libffi call interface of one call site (ffi_calls.cpp)

struct DCall {
  std::vector<ir::Reg> args;
  std::vector<ir::AbiType> arg_types;
  ir::AbiType ret;
  bool variadic = false;
  uint32_t fixed_count = 0;
  ir::Reg ret_dest = ir::kNoReg;
  mutable std::shared_ptr<FfiSignature> ffi;  // built on the first native call through this site
};

struct DFunc {
  ir::FuncId id = 0;
  std::vector<DInst> code;
  std::vector<SourceLoc> locs;  // per instruction, for trap reports
  uint32_t reg_count = 0;
  uint32_t frame_size = 0;   // registers, then slots, then by-value parameter copies
  uint32_t frame_align = 16;
  std::vector<ir::Reg> params;
  std::vector<ir::Type> param_types;       // Ptr for aggregates
  std::vector<uint32_t> param_copy_offset; // frame offset of an aggregate parameter's copy
  std::vector<uint32_t> param_copy_size;   // 0 for scalars
  ir::AbiType ret;
  uint32_t ret_size = 0;  // aggregate return size
  std::vector<DCall> calls;
};

constexpr uint32_t kNoCopy = UINT32_MAX;

// Decodes function `f` of `module`. Returns nullptr and sets `error` for IR it cannot run.
std::unique_ptr<DFunc> DecodeFunction(const ir::Module& module, ir::FuncId f, std::string& error);

// Helpers shared by the decoder and the executor.
inline uint8_t TypeBits(ir::Type t) { return uint8_t(ir::TypeSize(t) * 8); }
inline uint64_t Normalize(uint64_t v, uint8_t sh) { return uint64_t(int64_t(v << sh) >> sh); }
inline uint64_t Mask(uint8_t bits) { return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1; }

}  // namespace thrustc::interp
