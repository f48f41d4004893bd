// Unit tests of the crash guard's fault context (LastFault), its repeatability after aborts (the
// handlers stay installed, no signal stays blocked) and the guarded C-string read.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "../test_env.h"
#include "platform/crash_guard.h"

using namespace thrustc::platform;

namespace {
// Kept out of line so its code lies between the two marker functions' addresses.
[[gnu::noinline]] void StoreToBadAddress(void*) {
  volatile uintptr_t address = 64;
  *reinterpret_cast<volatile int*>(address) = 7;
}
void CallAbort(void*) { std::abort(); }
}  // namespace

TEST_CASE("LastFault gives the pc of the faulting instruction and the stack pointer") {
  char here;
  CHECK(RunGuarded(StoreToBadAddress, nullptr) == SIGSEGV);
  FaultContext f = LastFault();
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
  auto begin = reinterpret_cast<uintptr_t>(&StoreToBadAddress);
  CHECK(f.pc >= begin);
  CHECK(f.pc < begin + 256);  // inside the small function, not in the guard or the handler
  CHECK(f.sp != 0);
  CHECK(f.sp < reinterpret_cast<uintptr_t>(&here));  // below this frame: on the guarded stack
#endif
}

TEST_CASE("faults and aborts are caught again and again") {
  for (int i = 0; i < 3; ++i) {
    CHECK(RunGuarded(CallAbort, nullptr) == SIGABRT);
    CHECK(RunGuarded(StoreToBadAddress, nullptr) == SIGSEGV);
  }
  CHECK_FALSE(InGuard());
}

TEST_CASE("a fault is caught on another thread too" * doctest::skip(kUnderEmulator)) {
  int code = 0;
  std::thread([&code] { code = RunGuarded(StoreToBadAddress, nullptr); }).join();
  CHECK(code == SIGSEGV);
}

TEST_CASE("ReadCStringGuarded reads a string and refuses a bad address") {
  static const char kText[] = "hello";
  std::string out;
  CHECK(ReadCStringGuarded(reinterpret_cast<uintptr_t>(kText), out));
  CHECK(out == "hello");
  CHECK_FALSE(ReadCStringGuarded(0, out));
  CHECK_FALSE(ReadCStringGuarded(64, out));
}
