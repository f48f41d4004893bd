// Crash guard (see crash_guard.h): fault handlers on an alternate signal stack that record the
// faulting context and siglongjmp back to the innermost active guard of the faulting thread.
// The outermost guard of a thread (re)installs the handlers, since other code (a test harness,
// a crash reporter) may have replaced them meanwhile, and leaves them there: a fault outside every
// guard goes to the action that was there before ours. POSIX only; on Windows guarded code runs unguarded until the
// structured-exception version exists.
#include "platform/crash_guard.h"

#include <csetjmp>
#include <csignal>
#include <cstdlib>

#ifndef _WIN32
#include <ucontext.h>
#endif

namespace thrustc::platform {

#ifdef _WIN32

// TODO: Windows: use __try/__except (vectored exception handler) around fn and read the pc from
// the CONTEXT record. Until then a fault in compile-time code ends thrustc as it would unguarded.
int RunGuarded(void (*fn)(void*), void* ctx) {
  fn(ctx);
  return kGuardOk;
}
void EscapeGuard() { std::abort(); }
bool InGuard() { return false; }
FaultContext LastFault() { return {}; }

#else

namespace {

constexpr int kGuardedSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
constexpr int kGuardedCount = sizeof(kGuardedSignals) / sizeof(kGuardedSignals[0]);
// Big enough for the handler plus the libc frames a fault may happen in.
constexpr size_t kAltStackSize = 256 * 1024;

struct GuardFrame {
  // No signal mask is saved: handlers run with SA_NODEFER, so jumping out of one leaves the
  // mask as it was, and sigsetjmp(.., 0) needs no system call.
  sigjmp_buf jump;
  GuardFrame* outer;
};

// This thread's alternate signal stack (ours, freed when the thread ends) or the one it had.
struct AltStack {
  void* memory = nullptr;
  bool ready = false;
  ~AltStack() {
    if (!memory) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
    std::free(memory);
  }
};

thread_local GuardFrame* tl_innermost = nullptr;
thread_local AltStack tl_alt_stack;
thread_local FaultContext tl_last_fault;
struct sigaction g_previous[kGuardedCount];

FaultContext ContextOf(void* uc_raw) {
  FaultContext out;
  if (!uc_raw) return out;
  [[maybe_unused]] auto* uc = static_cast<ucontext_t*>(uc_raw);
#if defined(__linux__) && defined(__x86_64__)
  out.pc = uintptr_t(uc->uc_mcontext.gregs[REG_RIP]);
  out.sp = uintptr_t(uc->uc_mcontext.gregs[REG_RSP]);
  out.fp = uintptr_t(uc->uc_mcontext.gregs[REG_RBP]);
#elif defined(__linux__) && defined(__aarch64__)
  out.pc = uintptr_t(uc->uc_mcontext.pc);
  out.sp = uintptr_t(uc->uc_mcontext.sp);
  out.fp = uintptr_t(uc->uc_mcontext.regs[29]);
#elif defined(__APPLE__) && defined(__x86_64__)
  out.pc = uintptr_t(uc->uc_mcontext->__ss.__rip);
  out.sp = uintptr_t(uc->uc_mcontext->__ss.__rsp);
  out.fp = uintptr_t(uc->uc_mcontext->__ss.__rbp);
#elif defined(__APPLE__) && defined(__aarch64__)
  out.pc = uintptr_t(arm_thread_state64_get_pc(uc->uc_mcontext->__ss));
  out.sp = uintptr_t(arm_thread_state64_get_sp(uc->uc_mcontext->__ss));
  out.fp = uintptr_t(arm_thread_state64_get_fp(uc->uc_mcontext->__ss));
#elif defined(__FreeBSD__) && defined(__x86_64__)
  out.pc = uintptr_t(uc->uc_mcontext.mc_rip);
  out.sp = uintptr_t(uc->uc_mcontext.mc_rsp);
  out.fp = uintptr_t(uc->uc_mcontext.mc_rbp);
#endif
  return out;
}

void HandleFault(int signal, siginfo_t*, void* uc) {
  if (GuardFrame* frame = tl_innermost) {
    tl_last_fault = ContextOf(uc);
    siglongjmp(frame->jump, signal);
  }
  // A fault outside every guard (another thread, or thrustc itself): give the signal back to
  // the action from before; returning re-executes the faulting instruction (or abort re-raises)
  // and the process ends the usual way.
  for (int i = 0; i < kGuardedCount; ++i)
    if (kGuardedSignals[i] == signal) sigaction(signal, &g_previous[i], nullptr);
}

bool IsOurs(const struct sigaction& a) { return (a.sa_flags & SA_SIGINFO) && a.sa_sigaction == HandleFault; }

// One system call when ours are still in place (whoever replaces one replaces SIGSEGV's too),
// one per signal otherwise; restoring them after the guard is not needed.
void InstallHandlers() {
  struct sigaction current {};
  if (sigaction(SIGSEGV, nullptr, &current) == 0 && IsOurs(current)) return;
  struct sigaction act {};
  act.sa_sigaction = HandleFault;
  act.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&act.sa_mask);
  for (int i = 0; i < kGuardedCount; ++i) {
    struct sigaction old {};
    sigaction(kGuardedSignals[i], &act, &old);
    if (!IsOurs(old)) g_previous[i] = old;
  }
}

// Once per thread: an alternate stack, so a stack overflow in guarded code can still be handled.
void PrepareThread() {
  tl_alt_stack.ready = true;
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) && current.ss_size >= kAltStackSize)
    return;  // the thread has a big enough one already (e.g. from a sanitizer runtime)
  tl_alt_stack.memory = std::malloc(kAltStackSize);
  if (!tl_alt_stack.memory) return;
  stack_t ss{};
  ss.ss_sp = tl_alt_stack.memory;
  ss.ss_size = kAltStackSize;
  ss.ss_flags = 0;
  sigaltstack(&ss, nullptr);
}

}  // namespace

int RunGuarded(void (*fn)(void*), void* ctx) {
  if (!tl_alt_stack.ready) PrepareThread();
  GuardFrame frame;
  frame.outer = tl_innermost;
  if (!frame.outer) InstallHandlers();
  tl_innermost = &frame;
  int code = sigsetjmp(frame.jump, 0);
  if (code == 0) fn(ctx);
  tl_innermost = frame.outer;
  return code;
}

void EscapeGuard() { siglongjmp(tl_innermost->jump, kGuardEscaped); }

bool InGuard() { return tl_innermost != nullptr; }

FaultContext LastFault() { return tl_last_fault; }

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

namespace {
struct CStringRead {
  uintptr_t address;
  std::string* out;
};
void ReadCString(void* ctx) {
  auto* read = static_cast<CStringRead*>(ctx);
  read->out->assign(reinterpret_cast<const char*>(read->address));
}
}  // namespace

bool ReadCStringGuarded(uintptr_t address, std::string& out) {
  if (address == 0) return false;
  CStringRead read{address, &out};
  return RunGuarded(ReadCString, &read) == kGuardOk;
}

}  // namespace thrustc::platform
