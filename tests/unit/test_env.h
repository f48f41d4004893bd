// What kind of build and machine this test binary runs in, for the few tests that depend on it.
// Every skip based on these is visible: doctest counts and lists skipped test cases.
#pragma once
#include <ctime>

// Built with a sanitizer: sanitized code runs several times slower.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define THRUSTC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define THRUSTC_SANITIZED 1
#endif
#endif
#ifndef THRUSTC_SANITIZED
#define THRUSTC_SANITIZED 0
#endif
constexpr bool kSanitizedBuild = THRUSTC_SANITIZED;

// Run under a user-mode emulator (tests/CMakeLists.txt defines this in a cross build): the
// AArch64 build's tests run under qemu-user 7.2, where code runs 5-50x slower and a dynamically
// linked program hangs as soon as it starts a thread, and a child forked by a test binary spins
// forever, so tests needing a second thread or a fork are skipped there. thrustc itself starts
// no thread (see src/platform/time_guard.cpp); its last-resort stop, which those forked tests
// cover natively, is also checked under qemu through thrustc itself (tests/cli.py).
#ifndef THRUSTC_TEST_UNDER_EMULATOR
#define THRUSTC_TEST_UNDER_EMULATOR 0
#endif
constexpr bool kUnderEmulator = THRUSTC_TEST_UNDER_EMULATOR;

// Throughput floors measure nothing useful in either case.
constexpr bool kNoThroughputFloors = kSanitizedBuild || kUnderEmulator;

// CPU seconds this thread has used (user + system): what throughput floors and cost bounds time,
// so that other load on a shared machine (a parallel ctest, a build) does not count.
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}
