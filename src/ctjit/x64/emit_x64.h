// x86-64 encoding (emit_x64.cpp, the only file that spells asmjit's x86 API): turns allocated
// MIR into machine code for a batch of functions, then places the batch in executable memory.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ctjit/codegen.h"
#include "ctjit/mir.h"

namespace thrustc::ctjit::x64 {

class Emitter {
 public:
  // `listing` collects the assembly with bytes and IR comments (-print ctjit-asm) when non-null.
  Emitter(const ir::Module& m, CodegenEnv& env, std::string* listing);
  ~Emitter();
  // Appends one function; `batch_index[f]` must give each batch function's order of addition.
  bool AddFunction(ir::FuncId id, const MFunction& f, const Allocation& alloc, std::string& error);
  // Assembles, relocates and copies the batch into `memory`, then makes it executable.
  bool Place(platform::ExecMemory& memory, PlacedCode& out, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A native trampoline: invoke(fn, gp[6], fp[8], result[2]) loads the argument registers, calls
// fn and stores rax and xmm0, so scalar functions of any signature can be called from C++.
using InvokeFn = void (*)(const void* fn, const uint64_t* gp, const uint64_t* fp, uint64_t* result);
InvokeFn BuildInvokeThunk(platform::ExecMemory& memory, std::string& error);

}  // namespace thrustc::ctjit::x64
