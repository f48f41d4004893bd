// C functions that compile-time code does not call as themselves. Both executors bind these
// names, when compile-time code calls them or takes their address, to the wrappers here instead
// of the C library's symbols:
// - the C heap (malloc, calloc, realloc, free, aligned_alloc, posix_memalign): counted against
//   -ct-memory, so both evaluators enforce one limit the same way;
// - the ways out of the compiler's own process (exit, _exit, _Exit, quick_exit, abort, raise,
//   and kill of thrustc's own process or group): refused, because compile-time code that ends the
//   compiler would end the compilation without a diagnostic or an output file.
// A refused call stops the evaluation through the executor's `stop` (which records the failure
// and leaves the crash guard). A process exit that C code makes from inside a library, where no
// wrapper sees it, is caught by an atexit handler that reports it and exits 1.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace thrustc::platform {

enum class NativeStop : uint8_t {
  MemoryLimit,  // the heap of compile-time code would pass the limit
  ProcessExit,  // compile-time code called exit, abort, raise, ...
};

// The compile-time evaluation running on this thread, as the wrappers see it.
struct CompileTimeNatives {
  uint64_t memory_limit = 0;  // bytes; 0 = unlimited
  uint64_t memory_used = 0;   // by blocks this evaluation allocated and has not freed
  // Records why compile-time code stops and leaves the evaluation; must not return.
  void (*stop)(void* owner, NativeStop why, const char* message) = nullptr;
  void* owner = nullptr;  // the evaluator: it owns the blocks allocated in its evaluations
};

// Makes `natives` the context of this thread's compile-time evaluation (nullptr: none, so the
// wrappers behave like the functions they replace); returns the previous one.
CompileTimeNatives* EnterCompileTimeNatives(CompileTimeNatives* natives);

// Enters `natives` for the lifetime of the scope and then restores the previous context; with
// nullptr (code that is not compile-time code) it changes nothing.
class CompileTimeNativesScope {
 public:
  explicit CompileTimeNativesScope(CompileTimeNatives* natives)
      : active_(natives != nullptr), outer_(active_ ? EnterCompileTimeNatives(natives) : nullptr) {}
  ~CompileTimeNativesScope() {
    if (active_) EnterCompileTimeNatives(outer_);
  }
  CompileTimeNativesScope(const CompileTimeNativesScope&) = delete;
  CompileTimeNativesScope& operator=(const CompileTimeNativesScope&) = delete;

 private:
  bool active_;
  CompileTimeNatives* outer_;
};

// The wrapper that compile-time code calls instead of the C function `name`; nullptr when it
// calls the real function.
void* CompileTimeReplacement(std::string_view name);

// Frees every block that compile-time code of `owner` allocated and did not free: evaluators
// call it when they end (compile-time statics may point into these blocks until then).
void ReleaseCompileTimeHeap(void* owner);

// "64 MiB" for whole MiB, else "N bytes": the limit as diagnostics print it.
std::string DescribeMemoryLimit(uint64_t bytes);

}  // namespace thrustc::platform
