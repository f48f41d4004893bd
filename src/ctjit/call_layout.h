// Where each argument and result of a call lives (registers or the stack), as a target's calling
// convention lays it out (x64/abi_x64.cpp, a64/abi_a64.cpp) and the shared call lowering
// (isel_calls.cpp) places them. Physical register numbers are the target's.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace thrustc::ctjit {

// One register's share of a value: the register and which bytes of the value it carries.
struct RegPiece {
  uint32_t reg;     // physical register
  uint32_t offset;  // byte offset in the aggregate (0 for scalars)
  uint8_t size;     // bytes carried: 1..8
};

struct ArgLoc {
  std::vector<RegPiece> pieces;  // empty: passed on the stack
  bool on_stack = false;
  bool by_reference = false;     // a pointer to a caller-made copy (AArch64: aggregates over 16 bytes)
  uint32_t stack_offset = 0;     // from the stack pointer at the call
  uint32_t size = 0;             // bytes of the value (8 for a by-reference pointer)
};

struct CallLayout {
  std::vector<ArgLoc> args;
  std::vector<RegPiece> ret;     // result registers (empty for void and results in memory)
  bool sret = false;             // result in memory: its address in the target's IselTarget::sret_reg
  uint32_t stack_bytes = 0;      // outgoing stack area, 16-byte aligned
  uint32_t fp_regs_used = 0;     // FP argument registers used (x86-64 passes it in AL to variadic callees)
  bool supported = true;
  std::string problem;
};

}  // namespace thrustc::ctjit
