// AAPCS64 (the Linux variant, and Apple's variadic rule behind its #if) for the compile-time JIT:
// where each argument and result of a call lives, from the IR's AbiTypes. Used by instruction
// selection in both directions: Thrust calling C (and Thrust) and C calling Thrust.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace thrustc::ctjit::a64 {

// One register's share of a value: the register and which bytes of the value it carries.
struct RegPiece {
  uint32_t reg;     // physical register (regs_a64.h)
  uint32_t offset;  // byte offset in the aggregate (0 for scalars)
  uint8_t size;     // bytes carried: 1..8
};

struct ArgLoc {
  std::vector<RegPiece> pieces;  // empty: passed on the stack
  bool on_stack = false;
  bool by_reference = false;     // an aggregate over 16 bytes: a pointer to a caller-made copy
  uint32_t stack_offset = 0;     // from the stack pointer at the call
  uint32_t size = 0;             // bytes of the value (8 for a by-reference pointer)
};

struct CallLayout {
  std::vector<ArgLoc> args;
  std::vector<RegPiece> ret;     // result registers (empty for void and indirect results)
  bool sret = false;             // result in memory: its address in x8
  uint32_t stack_bytes = 0;      // outgoing stack area, 16-byte aligned
  bool supported = true;
  std::string problem;
};

// `fixed_count` matters only for variadic calls (Apple puts every variadic argument on the stack).
CallLayout LayOutCall(const ir::Module& m, const std::vector<ir::AbiType>& params, const ir::AbiType& ret,
                      bool variadic = false, uint32_t fixed_count = 0);

// A homogeneous floating-point aggregate: 1-4 leaves of one float type, each at its natural
// place. Returns the leaf type and count, or Void.
ir::Type HfaType(const ir::AggType& agg, uint32_t& count);

}  // namespace thrustc::ctjit::a64
