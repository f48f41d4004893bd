// The seam between the Jit (jit.cpp: code cache, globals, trap sites) and a target backend
// (x64/ now, a64/ later): what instruction selection and encoding ask of the compilation, and
// the entry points a target provides.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ctjit/mir.h"
#include "ir/ir.h"
#include "platform/exec_memory.h"

namespace thrustc::ctjit {

// Where a trap or a time-out poll happened, for the failure the runtime reports.
struct TrapSite {
  bool timeout = false;
  bool stack_overflow = false;
  ir::TrapKind kind = ir::TrapKind::Unreachable;
  ir::FuncId function = 0;
  uint32_t loc = ir::kNoLoc;
};

enum class Helper : uint8_t { Trap, Memcpy, Memset, Fmod, Fmodf };

class CodegenEnv {
 public:
  virtual ~CodegenEnv() = default;
  virtual uint64_t GlobalAddress(ir::GlobalId g) = 0;
  // The native address of a function, or 0 when it is compiled in the current batch.
  virtual uint64_t FunctionAddress(ir::FuncId f) = 0;
  virtual uint32_t AddTrapSite(const TrapSite& site) = 0;
  virtual uint64_t HelperAddress(Helper h) = 0;
  // The run flags: the 8 bytes here hold the lowest stack address code may use, and their top
  // byte (at +7, always 0 in a real address) is the time-out flag, so one unsigned compare of the
  // stack pointer with them catches both a time-out and a stack overflow; code stores its FuncId
  // in the 4 bytes at +16 before each call that may leave generated code.
  virtual uint64_t DeadlineFlagAddress() = 0;
};

// One assembled batch of functions, placed in executable memory.
struct PlacedCode {
  uint8_t* base = nullptr;
  size_t size = 0;
  std::vector<uint32_t> offsets;  // per function, in the order they were added
};

}  // namespace thrustc::ctjit
