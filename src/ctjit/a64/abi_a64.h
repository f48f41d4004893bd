// AAPCS64 (the Linux variant, and Apple's variadic rule behind its #if) for the compile-time JIT:
// where each argument and result of a call lives, from the IR's AbiTypes. Used by instruction
// selection in both directions: Thrust calling C (and Thrust) and C calling Thrust. A result in
// memory has its address passed in x8.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ctjit/call_layout.h"
#include "ir/ir.h"

namespace thrustc::ctjit::a64 {

// `fixed_count` matters only for variadic calls (Apple puts every variadic argument on the stack).
CallLayout LayOutCall(const ir::Module& m, const std::vector<ir::AbiType>& params, const ir::AbiType& ret,
                      bool variadic = false, uint32_t fixed_count = 0);

// A homogeneous floating-point aggregate: 1-4 leaves of one float type, each at its natural
// place. Returns the leaf type and count, or Void.
ir::Type HfaType(const ir::AggType& agg, uint32_t& count);

}  // namespace thrustc::ctjit::a64
