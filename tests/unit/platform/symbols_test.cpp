// Unit tests of platform::Symbols (dlopen/dlsym search order) and the crash guard.
#include <doctest/doctest.h>

#include <cstdint>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include "platform/crash_guard.h"
#include "platform/symbols.h"

using namespace thrustc::platform;

TEST_CASE("finds printf in the C library and sqrt in the math library") {
  Symbols symbols;
  void* p = symbols.Find("printf");
  REQUIRE(p != nullptr);
  void* s = symbols.Find("sqrt");
  REQUIRE(s != nullptr);
  auto sqrt_fn = reinterpret_cast<double (*)(double)>(s);
  CHECK(sqrt_fn(49.0) == 7.0);
  auto libs = symbols.SearchedLibraries();
  REQUIRE(libs.size() >= 2);
  CHECK(libs[0] == "libc.so.6");
  CHECK(libs[1] == "libm.so.6");
}

TEST_CASE("a missing name gives nullptr, a bad library path gives an error") {
  Symbols symbols;
  CHECK(symbols.Find("thrust_surely_not_a_symbol") == nullptr);
  std::string error;
  CHECK_FALSE(symbols.AddLibrary("/nonexistent/libnothing.so", &error));
  CHECK(error.find("libnothing") != std::string::npos);
  CHECK(symbols.SearchedLibraries().size() == 2);
}

TEST_CASE("AddLibrary appends, SetLibc replaces the first library") {
  Symbols symbols;
  std::string error;
  REQUIRE(symbols.AddLibrary("libm.so.6", &error));
  CHECK(symbols.SearchedLibraries().size() == 3);
  REQUIRE(symbols.SetLibc("libc.so.6", &error));
  CHECK(symbols.SearchedLibraries()[0] == "libc.so.6");
  CHECK(symbols.SearchedLibraries().size() == 3);
  CHECK(symbols.Find("strlen") != nullptr);
}

namespace {
void Normal(void* ctx) { *static_cast<int*>(ctx) = 42; }
void Segfault(void*) {
  // An unmapped address that is not null, so UBSan builds fault instead of reporting a null store.
  volatile uintptr_t address = 64;  // volatile: the compiler cannot see the bad store coming
  *reinterpret_cast<volatile int*>(address) = 1;
}
void Aborts(void*) { std::abort(); }
void Escapes(void* ctx) {
  *static_cast<int*>(ctx) = 1;
  EscapeGuard();
}
void Nested(void* ctx) { *static_cast<int*>(ctx) = RunGuarded(Segfault, nullptr); }
}  // namespace

TEST_CASE("the crash guard turns faults and escapes into return codes") {
  int value = 0;
  CHECK(RunGuarded(Normal, &value) == kGuardOk);
  CHECK(value == 42);
  CHECK_FALSE(InGuard());
  int code = RunGuarded(Segfault, nullptr);
  CHECK(code == SIGSEGV);
  CHECK(DescribeSignal(code) == "segmentation fault");
  CHECK(RunGuarded(Segfault, nullptr) == SIGSEGV);  // and again: the signal was unblocked
  CHECK(RunGuarded(Aborts, nullptr) == SIGABRT);
  CHECK(RunGuarded(Escapes, &value) == kGuardEscaped);
  CHECK(value == 1);
  CHECK(RunGuarded(Nested, &value) == kGuardOk);  // the inner guard caught it
  CHECK(value == SIGSEGV);
  CHECK_FALSE(InGuard());
}
