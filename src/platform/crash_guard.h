// Crash guard: runs compile-time code so that a native fault inside it (SIGSEGV, SIGBUS, SIGILL,
// SIGFPE, SIGABRT), also inside a C function it called, returns to the caller instead of killing
// thrustc. Used by the interpreter and the ctjit around every evaluation; the ctjit maps the
// faulting pc (LastFault) back to the function it compiled.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace thrustc::platform {

// RunGuarded's result when `fn` returned normally.
constexpr int kGuardOk = 0;
// RunGuarded's result when code inside called EscapeGuard (e.g. a trap inside a callback).
constexpr int kGuardEscaped = -1;

// Calls fn(ctx). Returns kGuardOk, kGuardEscaped, or the number of the signal that ended it.
// Guards nest; the innermost one of the calling thread receives faults and escapes. Code
// escaped from loses its frames without unwinding: keep them free of destructors that matter.
// The outermost guard checks that the signal handlers are ours (one system call; all of them are
// installed again if someone replaced them) and leaves them installed; the alternate signal stack
// is set up once per thread; entering a guard saves no signal mask.
int RunGuarded(void (*fn)(void*), void* ctx);

// Jumps back to the innermost RunGuarded of this thread, which returns kGuardEscaped.
// Must only be called while a guard is active (InGuard()).
[[noreturn]] void EscapeGuard();
bool InGuard();

// The machine state at the last fault a guard of this thread caught (all 0 when unknown: before
// any fault, or on a platform whose context layout is not spelled out here).
struct FaultContext {
  uintptr_t pc = 0;  // the faulting instruction (for abort: inside the C library's raise)
  uintptr_t sp = 0;
  uintptr_t fp = 0;  // rbp on x86-64, x29 on AArch64
};
FaultContext LastFault();

// "segmentation fault", "bus error", "illegal instruction", "floating-point exception", "abort".
std::string_view DescribeSignal(int signal);

// Copies the NUL-terminated string at `address` into `out` under a guard: false (and `out`
// unspecified) when reading it faults. For strings that compile-time code produced.
bool ReadCStringGuarded(uintptr_t address, std::string& out);

}  // namespace thrustc::platform
