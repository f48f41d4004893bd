// Crash guard: runs compile-time code so that a native fault inside it (SIGSEGV, SIGBUS, SIGILL,
// SIGFPE, SIGABRT), also inside a C function it called, returns to the caller instead of killing
// thrustc. Used by the interpreter (and later the ctjit) around every evaluation.
#pragma once
#include <string_view>

namespace thrustc::platform {

// RunGuarded's result when `fn` returned normally.
constexpr int kGuardOk = 0;
// RunGuarded's result when code inside called EscapeGuard (e.g. a trap inside a callback).
constexpr int kGuardEscaped = -1;

// Calls fn(ctx). Returns kGuardOk, kGuardEscaped, or the number of the signal that ended it.
// Guards nest; the innermost one of the calling thread receives faults and escapes. Code
// escaped from loses its frames without unwinding: keep them free of destructors that matter.
int RunGuarded(void (*fn)(void*), void* ctx);

// Jumps back to the innermost RunGuarded of this thread, which returns kGuardEscaped.
// Must only be called while a guard is active (InGuard()).
[[noreturn]] void EscapeGuard();
bool InGuard();

// "segmentation fault", "bus error", "illegal instruction", "floating-point exception", "abort".
std::string_view DescribeSignal(int signal);

}  // namespace thrustc::platform
