// The structured input of fuzz_ctjit: fuzz bytes read as a stream of choices that build a Thrust IR
// module through ir::Builder (functions with scalar, pointer and aggregate parameters, arithmetic of
// every width, compares, branches, loops bounded by a shared fuel counter, stack slots, in-range
// loads and stores, calls to later functions), plus the arguments to call its entry with.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ir/ir.h"

namespace thrustc::fuzz {

struct Program {
  ir::Module module;
  ir::FuncId entry = 0;    // scalar parameters only (at most 6 integer and 8 float ones)
  ir::FuncId observe = 0;  // () -> i64: a checksum of the mutable global the program writes
  // Each set holds entry's arguments as raw bit patterns (integers sign-extended to 64 bits,
  // f32 as its 32 bits), for Interpreter::Call and Jit::Call.
  std::vector<std::vector<uint64_t>> arg_sets;
};

// Builds the module the bytes choose. Every choice has a fallback once the bytes run out, so any
// input builds a complete module; each loop iteration spends fuel, so every run is short.
Program BuildProgram(const uint8_t* data, size_t size);

}  // namespace thrustc::fuzz
