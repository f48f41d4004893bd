// AArch64 encoding (emit_a64.cpp, the only file that spells asmjit's a64 API): turns allocated
// MIR into machine code for a batch of functions, then places the batch in executable memory.
// It assembles on any host (the encoding tests run on x86-64); only running the code needs one.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ctjit/codegen.h"
#include "ctjit/mir.h"

namespace thrustc::ctjit::a64 {

class Emitter {
 public:
  // `listing` collects the assembly with bytes and IR comments (-print ctjit-asm) when non-null.
  Emitter(const ir::Module& m, CodegenEnv& env, std::string* listing);
  ~Emitter();
  // Appends one function (functions of the batch call each other by label).
  bool AddFunction(ir::FuncId id, const MFunction& f, const Allocation& alloc, std::string& error);
  // Assembles, relocates and copies the batch into `memory`, then makes it executable (which
  // flushes the instruction cache over exactly those bytes).
  bool Place(platform::ExecMemory& memory, PlacedCode& out, std::string& error);
  // Assembles the batch as if placed at `base` without running it (encoding tests on any host).
  bool Assemble(uint64_t base, std::vector<uint8_t>& bytes, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A native trampoline: invoke(fn, gp[6], fp[8], result[2]) loads x0-x5 and d0-d7, calls fn and
// stores x0 and d0, so scalar functions of any signature can be called from C++.
using InvokeFn = void (*)(const void* fn, const uint64_t* gp, const uint64_t* fp, uint64_t* result);
InvokeFn BuildInvokeThunk(platform::ExecMemory& memory, std::string& error);

}  // namespace thrustc::ctjit::a64
