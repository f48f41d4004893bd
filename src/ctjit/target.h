// The ctjit's native target, chosen by the host architecture: `target::` names the backend whose
// code this process can run (x64/ on x86-64, a64/ on AArch64). Both backends compile everywhere
// (the AArch64 encoding tests run on x86-64); only the one named here is used by jit.cpp.
#pragma once

#if defined(__aarch64__)
#include "ctjit/a64/emit_a64.h"
#include "ctjit/a64/isel_a64.h"
namespace thrustc::ctjit {
namespace target = a64;
inline constexpr const char* kTargetName = "aarch64";
}  // namespace thrustc::ctjit
#else
#include "ctjit/x64/emit_x64.h"
#include "ctjit/x64/isel_x64.h"
namespace thrustc::ctjit {
namespace target = x64;
inline constexpr const char* kTargetName = "x86-64";
}  // namespace thrustc::ctjit
#endif
