// The LLVM side of the AOT pipeline after lowering: the target machine for a triple (target.cpp)
// and the new pass manager's default optimisation pipelines (optimize.cpp). Used by emit.cpp.
#pragma once
#include <llvm/Target/TargetMachine.h>

#include <memory>
#include <string>

#include "aot/abi.h"
#include "aot/aot.h"

namespace thrustc::aot {

struct Target {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string triple;  // normalised
  AbiTarget abi = AbiTarget::X64SysV;
};

// The target machine for `triple` (empty: the host). False with `error` for unsupported targets.
bool MakeTarget(const std::string& triple, OptLevel opt, Target* out, std::string* error);

// Runs LLVM's default pipeline for `level` (O0: only what correctness needs, e.g. always-inline).
void Optimize(llvm::Module& module, llvm::TargetMachine& machine, OptLevel level);

}  // namespace thrustc::aot
