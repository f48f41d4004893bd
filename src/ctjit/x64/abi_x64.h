// System V AMD64 calling convention for the compile-time JIT: where each argument and result of
// a call lives (registers or stack), from the IR's AbiTypes. Used by instruction selection for
// both directions: Thrust calling C (and Thrust) and C calling Thrust (incoming parameters).
#pragma once
#include <cstdint>
#include <vector>

#include "ir/ir.h"

namespace thrustc::ctjit::x64 {

// One eightbyte (or scalar) of a value in a register: the register and which bytes it carries.
struct RegPiece {
  uint32_t reg;     // physical register (regs_x64.h)
  uint32_t offset;  // byte offset in the aggregate (0 for scalars)
  uint8_t size;     // bytes carried: 1..8
};

struct ArgLoc {
  std::vector<RegPiece> pieces;  // empty: passed on the stack
  bool on_stack = false;
  uint32_t stack_offset = 0;     // from the stack pointer at the call
  uint32_t size = 0;             // bytes of the value
};

struct CallLayout {
  std::vector<ArgLoc> args;
  std::vector<RegPiece> ret;     // result registers (empty for void and sret)
  bool sret = false;             // result in memory: hidden pointer in rdi, echoed in rax
  uint32_t stack_bytes = 0;      // outgoing stack area, 16-byte aligned
  uint32_t fp_regs_used = 0;     // for AL in variadic calls
  bool supported = true;
  std::string problem;
};

CallLayout LayOutCall(const ir::Module& m, const std::vector<ir::AbiType>& params, const ir::AbiType& ret);

}  // namespace thrustc::ctjit::x64
