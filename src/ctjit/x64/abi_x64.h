// System V AMD64 calling convention for the compile-time JIT: where each argument and result of
// a call lives (registers or stack), from the IR's AbiTypes. Used by instruction selection for
// both directions: Thrust calling C (and Thrust) and C calling Thrust (incoming parameters). A result
// in memory has its address passed in rdi and handed back in rax.
#pragma once
#include <cstdint>
#include <vector>

#include "ctjit/call_layout.h"
#include "ir/ir.h"

namespace thrustc::ctjit::x64 {

CallLayout LayOutCall(const ir::Module& m, const std::vector<ir::AbiType>& params, const ir::AbiType& ret);

}  // namespace thrustc::ctjit::x64
