// Unit tests of platform::CompileTimeReplacement and its wrappers: outside an evaluation they are
// the C functions they replace; inside one the heap is counted against the limit and the ways out
// of the process stop the evaluation through the executor's `stop` instead of ending thrustc.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "platform/ct_natives.h"

using namespace thrustc::platform;

namespace {

// What a stop reported; thrown so that the test gets control back (an executor leaves its crash
// guard instead).
struct Stopped {
  NativeStop why;
  std::string message;
};

void ThrowStop(void*, NativeStop why, const char* message) { throw Stopped{why, message}; }

template <typename Fn>
Fn* Wrapper(const char* name) {
  return reinterpret_cast<Fn*>(CompileTimeReplacement(name));
}

// Enters a context for the lifetime of the object.
struct Evaluation {
  CompileTimeNatives natives;
  CompileTimeNatives* outer;
  explicit Evaluation(uint64_t limit) : natives{limit, 0, &ThrowStop, this} {
    outer = EnterCompileTimeNatives(&natives);
  }
  ~Evaluation() {
    EnterCompileTimeNatives(outer);
    ReleaseCompileTimeHeap(this);
  }
};

}  // namespace

TEST_CASE("only the heap and the ways out of the process are replaced") {
  for (const char* name : {"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "exit", "_exit",
                           "_Exit", "quick_exit", "abort", "raise", "kill", "killpg"})
    CHECK_MESSAGE(CompileTimeReplacement(name) != nullptr, name);
  for (const char* name : {"printf", "strlen", "memcpy", "qsort", "getpid", "sleep", ""})
    CHECK_MESSAGE(CompileTimeReplacement(name) == nullptr, name);
}

TEST_CASE("outside an evaluation the wrappers are the C functions") {
  auto* m = Wrapper<void*(size_t)>("malloc");
  auto* f = Wrapper<void(void*)>("free");
  void* p = m(1 << 20);
  REQUIRE(p != nullptr);
  f(p);
  CHECK(Wrapper<int(pid_t, int)>("kill")(getpid(), 0) == 0);  // signal 0 only checks
}

TEST_CASE("the heap of an evaluation is counted and the limit stops it") {
  auto* m = Wrapper<void*(size_t)>("malloc");
  auto* r = Wrapper<void*(void*, size_t)>("realloc");
  auto* f = Wrapper<void(void*)>("free");
  Evaluation e(1 << 20);
  void* p = m(1000);
  REQUIRE(p != nullptr);
  CHECK(e.natives.memory_used >= 1000);
  p = r(p, 100000);
  REQUIRE(p != nullptr);
  CHECK(e.natives.memory_used >= 100000);
  CHECK(e.natives.memory_used < 200000);
  f(p);
  CHECK(e.natives.memory_used == 0);
  try {
    m(2 << 20);
    FAIL("the allocation past the limit returned");
  } catch (const Stopped& s) {
    CHECK(s.why == NativeStop::MemoryLimit);
    CHECK(s.message == "allocated more than the memory limit of 1 MiB");
  }
  CHECK(e.natives.memory_used == 0);  // the refused block is not counted (and was freed)
}

TEST_CASE("exits, aborts and signals to thrustc itself are refused inside an evaluation") {
  Evaluation e(0);
  auto refused = [](auto call) -> std::string {
    try {
      call();
    } catch (const Stopped& s) {
      CHECK(s.why == NativeStop::ProcessExit);
      return s.message;
    }
    return "returned";
  };
  CHECK(refused([] { Wrapper<void(int)>("exit")(0); }) == "called `exit(0)`");
  CHECK(refused([] { Wrapper<void(int)>("_exit")(3); }) == "called `_exit(3)`");
  CHECK(refused([] { Wrapper<void(int)>("quick_exit")(4); }) == "called `quick_exit(4)`");
  CHECK(refused([] { Wrapper<void()>("abort")(); }) == "called `abort()`");
  CHECK(refused([] { Wrapper<int(int)>("raise")(SIGTERM); }) == "called `raise(SIGTERM)`");
  CHECK(refused([] { Wrapper<int(pid_t, int)>("kill")(getpid(), SIGKILL); }) == "called `kill(getpid(), SIGKILL)`");
  CHECK(refused([] { Wrapper<int(pid_t, int)>("kill")(0, SIGTERM); }) == "called `kill(0, SIGTERM)`");
  // Signal 0 sends nothing, and other processes may be signalled.
  CHECK(Wrapper<int(pid_t, int)>("kill")(getpid(), 0) == 0);
}

TEST_CASE("blocks still held when the evaluator ends are freed, and foreign blocks are freed uncounted") {
  auto* m = Wrapper<void*(size_t)>("malloc");
  auto* f = Wrapper<void(void*)>("free");
  {
    Evaluation e(0);
    m(100);  // kept: released with the evaluation (LeakSanitizer sees no leak)
    void* foreign = std::malloc(64);  // as a C library would allocate it
    uint64_t before = e.natives.memory_used;
    f(foreign);
    CHECK(e.natives.memory_used == before);
  }
}

TEST_CASE("the limit is described in MiB when it is whole MiB") {
  CHECK(DescribeMemoryLimit(64ull << 20) == "64 MiB");
  CHECK(DescribeMemoryLimit(1000) == "1000 bytes");
}
