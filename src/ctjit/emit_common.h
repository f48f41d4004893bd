// What both encoders (x64/emit_x64.cpp, a64/emit_a64.cpp) do the same way around asmjit's
// target-neutral CodeHolder: labels of the batch's functions and of per-function trap stubs, and
// placing assembled code in executable memory. Only ctjit's emitters include this (asmjit is
// private to the folder); the instruction spellings stay in each target's emitter.
#pragma once
#include <asmjit/core.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ctjit/codegen.h"

namespace thrustc::ctjit {

// The label of batch function `id`, created at its first mention (a call may come before it).
asmjit::Label FunctionLabel(asmjit::BaseEmitter& as, std::unordered_map<ir::FuncId, asmjit::Label>& labels,
                            ir::FuncId id);
// The label of the out-of-line stub that reports trap site `site`; one stub per site.
asmjit::Label StubLabel(asmjit::BaseEmitter& as, std::vector<std::pair<uint32_t, asmjit::Label>>& stubs,
                        uint32_t site);
// Flattens, links and relocates the batch into `memory`, then makes it executable; `order` holds
// each function's label in the order of addition.
bool PlaceBatch(asmjit::CodeHolder& code, const std::vector<asmjit::Label>& order, platform::ExecMemory& memory,
                PlacedCode& out, std::string& error);
// Copies a small self-contained routine (a thunk) into executable memory; null on failure.
void* PlaceThunk(asmjit::CodeHolder& code, platform::ExecMemory& memory, std::string& error);

}  // namespace thrustc::ctjit
