// Crash guard (see crash_guard.h): fault handlers on an alternate signal stack that siglongjmp
// back to the innermost active guard of the faulting thread. POSIX only; on Windows guarded
// code runs unguarded until the structured-exception version exists.
#include "platform/crash_guard.h"

#include <csetjmp>
#include <csignal>
#include <cstdlib>

namespace thrustc::platform {

#ifdef _WIN32

// TODO: Windows: use __try/__except (vectored exception handler) around fn. Until then a
// fault in compile-time code ends thrustc as it would without a guard.
int RunGuarded(void (*fn)(void*), void* ctx) {
  fn(ctx);
  return kGuardOk;
}
void EscapeGuard() { std::abort(); }
bool InGuard() { return false; }

#else

namespace {

constexpr int kGuardedSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
constexpr int kGuardedCount = sizeof(kGuardedSignals) / sizeof(kGuardedSignals[0]);
// Big enough for the handler plus the libc frames a fault may happen in.
constexpr size_t kAltStackSize = 256 * 1024;

struct GuardFrame {
  sigjmp_buf jump;
  GuardFrame* outer;
};

struct SavedState {
  struct sigaction actions[kGuardedCount];
  stack_t alt_stack;
  bool had_alt_stack;
};

thread_local GuardFrame* tl_innermost = nullptr;
thread_local void* tl_alt_stack_memory = nullptr;
thread_local SavedState tl_saved;

void HandleFault(int signal, siginfo_t*, void*) {
  if (GuardFrame* frame = tl_innermost) siglongjmp(frame->jump, signal);
  // A fault outside any guard (another thread, or after the guard ended): restore the default
  // action; returning re-executes the faulting instruction (or abort re-raises) and the process
  // ends the usual way.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(signal, &dfl, nullptr);
}

void InstallHandlers() {
  if (!tl_alt_stack_memory) tl_alt_stack_memory = std::malloc(kAltStackSize);
  stack_t ss{};
  ss.ss_sp = tl_alt_stack_memory;
  ss.ss_size = kAltStackSize;
  ss.ss_flags = 0;
  tl_saved.had_alt_stack = sigaltstack(&ss, &tl_saved.alt_stack) == 0;
  struct sigaction act {};
  act.sa_sigaction = HandleFault;
  act.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&act.sa_mask);
  for (int i = 0; i < kGuardedCount; ++i) sigaction(kGuardedSignals[i], &act, &tl_saved.actions[i]);
}

void RestoreHandlers() {
  for (int i = 0; i < kGuardedCount; ++i) sigaction(kGuardedSignals[i], &tl_saved.actions[i], nullptr);
  if (tl_saved.had_alt_stack) sigaltstack(&tl_saved.alt_stack, nullptr);
}

}  // namespace

int RunGuarded(void (*fn)(void*), void* ctx) {
  GuardFrame frame;
  frame.outer = tl_innermost;
  const bool outermost = frame.outer == nullptr;
  if (outermost) InstallHandlers();
  tl_innermost = &frame;
  // savemask = 1: the signal being handled is blocked inside the handler; jumping back restores
  // the mask saved here, so the next fault is delivered again.
  int code = sigsetjmp(frame.jump, 1);
  if (code == 0) fn(ctx);
  tl_innermost = frame.outer;
  if (outermost) RestoreHandlers();
  return code;
}

void EscapeGuard() { siglongjmp(tl_innermost->jump, kGuardEscaped); }

bool InGuard() { return tl_innermost != nullptr; }

#endif

std::string_view DescribeSignal(int signal) {
  switch (signal) {
    case SIGSEGV: return "segmentation fault";
#ifdef SIGBUS
    case SIGBUS: return "bus error";
#endif
    case SIGILL: return "illegal instruction";
    case SIGFPE: return "floating-point exception";
    case SIGABRT: return "abort";
    default: return "fatal signal";
  }
}

}  // namespace thrustc::platform
