// The wrappers of ct_natives.h: counted heap functions and refused process exits.
#include "platform/ct_natives.h"

#include <algorithm>
#include <cstdarg>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <unistd.h>

namespace thrustc::platform {

namespace {
thread_local CompileTimeNatives* tl_natives = nullptr;

// The message of a stop, formatted without the heap: the stop leaves through siglongjmp, which
// runs no destructors, so a std::string alive at that point would leak.
thread_local char tl_message[160];

[[noreturn]] void Stop(NativeStop why) {
  CompileTimeNatives* n = tl_natives;
  n->stop(n->owner, why, tl_message);
  std::abort();  // a stop that returned: an executor bug
}

// ---- the heap ----

// Every live block that compile-time code allocated, with the evaluator that owns it: the
// evaluator frees what is left when it ends (ReleaseCompileTimeHeap), and only these blocks are
// counted when freed (a block a C library allocated, e.g. by strdup, is freed uncounted).
struct Block {
  void* owner;
  uint64_t size;
};
std::mutex g_blocks_mutex;
std::unordered_map<void*, Block>& Blocks() {
  static auto* blocks = new std::unordered_map<void*, Block>;  // outlives every evaluator
  return *blocks;
}

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
  if (!p || !n) return p;
  uint64_t size = BlockSize(p, requested);
  if (n->memory_limit && n->memory_used + size > n->memory_limit) {
    std::free(p);
    std::snprintf(tl_message, sizeof tl_message, "allocated more than the memory limit of %s",
                  DescribeMemoryLimit(n->memory_limit).c_str());
    Stop(NativeStop::MemoryLimit);
  }
  n->memory_used += size;
  std::lock_guard<std::mutex> lock(g_blocks_mutex);
  Blocks()[p] = {n->owner, size};
  return p;
}

// Forgets a block before it is freed or moved; false when it is not one of ours.
bool Unaccount(void* p) {
  if (!p) return false;
  uint64_t size;
  {
    std::lock_guard<std::mutex> lock(g_blocks_mutex);
    auto it = Blocks().find(p);
    if (it == Blocks().end()) return false;
    size = it->second.size;
    Blocks().erase(it);
  }
  if (CompileTimeNatives* n = tl_natives) n->memory_used -= std::min(n->memory_used, size);
  return true;
}

void* CountedMalloc(size_t size) { return Account(std::malloc(size), size); }
void* CountedCalloc(size_t count, size_t size) { return Account(std::calloc(count, size), count * size); }
void* CountedAlignedAlloc(size_t align, size_t size) { return Account(std::aligned_alloc(align, size), size); }

void* CountedRealloc(void* p, size_t size) {
  bool ours = Unaccount(p);
  void* q = std::realloc(p, size);
  if (!q && p && size) {  // failed: `p` is still allocated
    if (ours) Account(p, 0);
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

void SignalName(int sig, char* out, size_t size) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
  if (const char* abbrev = sigabbrev_np(sig)) {
    std::snprintf(out, size, "SIG%s", abbrev);
    return;
  }
#endif
  std::snprintf(out, size, "%d", sig);
}

// Stops the evaluation with "called `<what>`", `what` formatted like printf.
[[noreturn]] __attribute__((format(printf, 1, 2))) void Refuse(const char* format, ...) {
  char call[120];
  va_list args;
  va_start(args, format);
  std::vsnprintf(call, sizeof call, format, args);
  va_end(args);
  std::snprintf(tl_message, sizeof tl_message, "called `%s`", call);
  Stop(NativeStop::ProcessExit);
}

void GuardedExit(int status) {
  if (!tl_natives) std::exit(status);
  Refuse("exit(%d)", status);
}
void GuardedUnderscoreExit(int status) {
  if (!tl_natives) _exit(status);
  Refuse("_exit(%d)", status);
}
void GuardedCapitalExit(int status) {
  if (!tl_natives) std::_Exit(status);
  Refuse("_Exit(%d)", status);
}
void GuardedQuickExit(int status) {
  if (!tl_natives) std::quick_exit(status);
  Refuse("quick_exit(%d)", status);
}
void GuardedAbort() {
  if (!tl_natives) std::abort();
  Refuse("abort()");
}
int GuardedRaise(int sig) {
  if (!tl_natives) return std::raise(sig);
  char name[32];
  SignalName(sig, name, sizeof name);
  Refuse("raise(%s)", name);
}

// kill(2) that reaches thrustc itself: its pid, its process group, or every process it may signal.
bool HitsThisProcess(pid_t pid) { return pid == getpid() || pid == 0 || pid == -1 || pid == -getpgrp(); }

int GuardedKill(pid_t pid, int sig) {
  if (!tl_natives || sig == 0 || !HitsThisProcess(pid)) return kill(pid, sig);
  char name[32], target[32];
  SignalName(sig, name, sizeof name);
  if (pid == getpid()) std::snprintf(target, sizeof target, "getpid()");
  else std::snprintf(target, sizeof target, "%d", int(pid));
  Refuse("kill(%s, %s)", target, name);
}
int GuardedKillpg(pid_t group, int sig) {
  if (!tl_natives || sig == 0 || (group != 0 && group != getpgrp())) return killpg(group, sig);
  char name[32];
  SignalName(sig, name, sizeof name);
  Refuse("killpg(%d, %s)", int(group), name);
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

void ReleaseCompileTimeHeap(void* owner) {
  std::lock_guard<std::mutex> lock(g_blocks_mutex);
  for (auto it = Blocks().begin(); it != Blocks().end();) {
    if (it->second.owner == owner) {
      std::free(it->first);
      it = Blocks().erase(it);
    } else {
      ++it;
    }
  }
}

std::string DescribeMemoryLimit(uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace thrustc::platform
