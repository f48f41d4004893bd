// The wrappers of ct_natives.h: counted heap functions and refused process exits.
#include "platform/ct_natives.h"

#include <csignal>
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <unistd.h>

namespace thrustc::platform {

namespace {
thread_local CompileTimeNatives* tl_natives = nullptr;

[[noreturn]] void Stop(NativeStop why, const std::string& message) {
  CompileTimeNatives* n = tl_natives;
  n->stop(n->owner, why, message);
  std::abort();  // a stop that returned: an executor bug
}

// ---- the heap ----

uint64_t BlockSize(void* p, size_t requested) {
#if defined(__GLIBC__)
  (void)requested;
  return malloc_usable_size(p);
#else
  return requested;
#endif
}

// Counts a fresh block; over the limit it is freed again and the evaluation stops.
void* Account(void* p, size_t requested) {
  CompileTimeNatives* n = tl_natives;
  if (!p || !n || !n->memory_limit) return p;
  n->memory_used += BlockSize(p, requested);
  if (n->memory_used <= n->memory_limit) return p;
  n->memory_used -= BlockSize(p, requested);
  std::free(p);
  Stop(NativeStop::MemoryLimit, "allocated more than the memory limit of " + DescribeMemoryLimit(n->memory_limit));
}

void Unaccount(void* p) {
  CompileTimeNatives* n = tl_natives;
  if (!p || !n || !n->memory_limit) return;
  n->memory_used -= std::min<uint64_t>(n->memory_used, BlockSize(p, 0));
}

void* CountedMalloc(size_t size) { return Account(std::malloc(size), size); }
void* CountedCalloc(size_t count, size_t size) { return Account(std::calloc(count, size), count * size); }
void* CountedAlignedAlloc(size_t align, size_t size) { return Account(std::aligned_alloc(align, size), size); }

void* CountedRealloc(void* p, size_t size) {
  // Counted before the call: a failed realloc leaves `p` allocated, and it is counted again.
  uint64_t old = p ? BlockSize(p, 0) : 0;
  Unaccount(p);
  void* q = std::realloc(p, size);
  if (!q && p && size) {
    if (tl_natives && tl_natives->memory_limit) tl_natives->memory_used += old;
    return nullptr;
  }
  return Account(q, size);
}

void CountedFree(void* p) {
  Unaccount(p);
  std::free(p);
}

int CountedPosixMemalign(void** out, size_t align, size_t size) {
  int error = posix_memalign(out, align, size);
  if (error == 0) Account(*out, size);
  return error;
}

// ---- ways out of the process ----

std::string SignalName(int sig) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
  if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
#endif
  return std::to_string(sig);
}

[[noreturn]] void Refuse(const std::string& call) {
  Stop(NativeStop::ProcessExit, "called `" + call + "`");
}

void GuardedExit(int status) {
  if (!tl_natives) std::exit(status);
  Refuse("exit(" + std::to_string(status) + ")");
}
void GuardedUnderscoreExit(int status) {
  if (!tl_natives) _exit(status);
  Refuse("_exit(" + std::to_string(status) + ")");
}
void GuardedCapitalExit(int status) {
  if (!tl_natives) std::_Exit(status);
  Refuse("_Exit(" + std::to_string(status) + ")");
}
void GuardedQuickExit(int status) {
  if (!tl_natives) std::quick_exit(status);
  Refuse("quick_exit(" + std::to_string(status) + ")");
}
void GuardedAbort() {
  if (!tl_natives) std::abort();
  Refuse("abort()");
}
int GuardedRaise(int sig) {
  if (!tl_natives) return std::raise(sig);
  Refuse("raise(" + SignalName(sig) + ")");
}

// kill(2) that reaches thrustc itself: its pid, its process group, or every process it may signal.
bool HitsThisProcess(pid_t pid) { return pid == getpid() || pid == 0 || pid == -1 || pid == -getpgrp(); }

int GuardedKill(pid_t pid, int sig) {
  if (!tl_natives || sig == 0 || !HitsThisProcess(pid)) return kill(pid, sig);
  Refuse("kill(" + (pid == getpid() ? std::string("getpid()") : std::to_string(pid)) + ", " + SignalName(sig) + ")");
}
int GuardedKillpg(pid_t group, int sig) {
  if (!tl_natives || sig == 0 || (group != 0 && group != getpgrp())) return killpg(group, sig);
  Refuse("killpg(" + std::to_string(group) + ", " + SignalName(sig) + ")");
}

// exit called where no wrapper sees it (inside a C library): the compilation must still fail.
void ExitDuringEvaluation() {
  if (!tl_natives) return;
  static const char kMessage[] =
      "thrustc: error: a C function called by compile-time code ended the process (exit); stopping "
      "[CompileTimeExit]\n";
  ssize_t ignored = write(2, kMessage, sizeof kMessage - 1);
  (void)ignored;
  _exit(1);
}

struct Replacement {
  std::string_view name;
  void* address;
};

const Replacement kReplacements[] = {
    {"malloc", reinterpret_cast<void*>(&CountedMalloc)},
    {"calloc", reinterpret_cast<void*>(&CountedCalloc)},
    {"realloc", reinterpret_cast<void*>(&CountedRealloc)},
    {"free", reinterpret_cast<void*>(&CountedFree)},
    {"aligned_alloc", reinterpret_cast<void*>(&CountedAlignedAlloc)},
    {"posix_memalign", reinterpret_cast<void*>(&CountedPosixMemalign)},
    {"exit", reinterpret_cast<void*>(&GuardedExit)},
    {"_exit", reinterpret_cast<void*>(&GuardedUnderscoreExit)},
    {"_Exit", reinterpret_cast<void*>(&GuardedCapitalExit)},
    {"quick_exit", reinterpret_cast<void*>(&GuardedQuickExit)},
    {"abort", reinterpret_cast<void*>(&GuardedAbort)},
    {"raise", reinterpret_cast<void*>(&GuardedRaise)},
    {"kill", reinterpret_cast<void*>(&GuardedKill)},
    {"killpg", reinterpret_cast<void*>(&GuardedKillpg)},
};
}  // namespace

CompileTimeNatives* EnterCompileTimeNatives(CompileTimeNatives* natives) {
  static const bool registered = [] {
    std::atexit(&ExitDuringEvaluation);
    std::at_quick_exit(&ExitDuringEvaluation);
    return true;
  }();
  (void)registered;
  CompileTimeNatives* old = tl_natives;
  tl_natives = natives;
  return old;
}

void* CompileTimeReplacement(std::string_view name) {
  for (const Replacement& r : kReplacements)
    if (r.name == name) return r.address;
  return nullptr;
}

std::string DescribeMemoryLimit(uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace thrustc::platform
