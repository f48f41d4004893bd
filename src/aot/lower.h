// Lowering Thrust IR to LLVM IR: the state shared by the module-level pass (lower_module.cpp:
// globals, declarations) and the per-function lowering (lower_function.cpp: the op families;
// lower_call.cpp: parameters, calls and returns through the C ABI of abi.h).
#pragma once
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <memory>
#include <string>
#include <vector>

#include "aot/abi.h"
#include "ir/ir.h"

namespace thrustc::aot {

struct ModuleLowering {
  const ir::Module& ir;
  llvm::LLVMContext& ctx;
  llvm::Module& mod;
  AbiTarget abi;
  std::vector<llvm::Function*> functions;      // nullptr for compile-time-only functions
  std::vector<CallAbi> function_abis;          // per function, for its definition and direct calls
  std::vector<llvm::GlobalVariable*> globals;
  std::string error;                           // the first failure

  CallAbi Classify(const ir::AbiType& ret, const std::vector<ir::AbiType>& args) {
    return ClassifyCall(abi, ir, ret, args, ctx);
  }
};

// The LLVM function type for a classified signature; `fixed` is how many of `abi.args` are named
// parameters (the rest are variadic arguments of one call site).
llvm::FunctionType* AbiFunctionType(const CallAbi& abi, size_t fixed, bool variadic, llvm::LLVMContext& ctx);
// Parameter attributes (sret, byval, alignment) for the classified arguments, on a function or call.
llvm::AttributeList AbiAttributes(const ir::Module& m, const CallAbi& abi, const std::vector<ir::AbiType>& args,
                                  const ir::AbiType& ret, llvm::LLVMContext& ctx);

// Lowers one IR module into `out` (whose data layout and triple are already set). False with
// `error` set when something cannot be lowered.
bool LowerModule(const ir::Module& module, AbiTarget abi, llvm::Module& out, std::string* error);

class FunctionLowerer {
 public:
  FunctionLowerer(ModuleLowering& m, ir::FuncId id);
  bool Lower();

 private:
  // lower_function.cpp
  std::vector<ir::BlockId> ReversePostorder() const;
  void LowerInst(const ir::Inst& inst);
  llvm::Value* LowerConst(const ir::Inst& inst);
  llvm::Value* LowerIntBinary(const ir::Inst& inst);
  llvm::Value* LowerShift(const ir::Inst& inst);
  llvm::Value* LowerFloatBinary(const ir::Inst& inst);
  llvm::Value* LowerUnary(const ir::Inst& inst);
  llvm::Value* LowerCompare(const ir::Inst& inst);
  llvm::Value* LowerConvert(const ir::Inst& inst);
  llvm::Value* LowerMemory(const ir::Inst& inst);
  llvm::Value* LowerAtomic(const ir::Inst& inst);
  void LowerTerminator(const ir::Inst& inst);
  void Fail(std::string message);
  // lower_call.cpp
  void BindParams();
  llvm::Value* LowerCall(const ir::Inst& inst);
  void LowerRet(const ir::Inst& inst);
  llvm::AllocaInst* EntryAlloca(uint32_t size, uint32_t align);
  llvm::AllocaInst* CoerceTemp(const ir::AggType& agg, llvm::Type* coerce);
  void PushAggArg(const ArgAbi& abi, const ir::AggType& agg, llvm::Value* ptr, std::vector<llvm::Value*>& out);

  llvm::Value* Reg(ir::Reg r) const { return regs_[r]; }
  llvm::Type* T(ir::Type t) const { return ScalarType(t, m_.ctx); }

  ModuleLowering& m_;
  const ir::Function& f_;
  llvm::Function* out_;
  const CallAbi& abi_;
  llvm::IRBuilder<> b_;
  llvm::BasicBlock* alloca_block_ = nullptr;  // the LLVM entry: every alloca, then a branch
  std::vector<llvm::Value*> regs_;
  std::vector<llvm::BasicBlock*> blocks_;
  std::vector<llvm::AllocaInst*> slots_;
  llvm::Value* sret_ = nullptr;  // the hidden return pointer, with an sret return
  bool failed_ = false;
};

}  // namespace thrustc::aot
