// Unit tests of platform::Deadline: the flag is set after the time, not before, never when the
// deadline is destroyed first or given no time, independently on several threads and nested on
// one; on Linux without starting a thread, and cutting a sleeping system call short.
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <limits>
#include <thread>
#include <vector>

#include "../test_env.h"
#include "platform/time_guard.h"

using namespace thrustc::platform;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Polls the flag as generated code does at a loop back-edge; gives up after `limit` seconds.
double SpinUntilSet(volatile uint8_t* flag, double limit) {
  auto start = Clock::now();
  while (*flag == 0 && SecondsSince(start) < limit) {
  }
  return SecondsSince(start);
}

}  // namespace

TEST_CASE("a deadline of 0.05 s sets the flag after about 0.05 s") {
  volatile uint8_t flag = 0;
  // Measured from before arming: the flag may never be set earlier than 0.05 s after that, while
  // the scheduler may delay this thread arbitrarily between arming and polling.
  auto armed = Clock::now();
  Deadline deadline(0.05, &flag);
  SpinUntilSet(&flag, 5.0);
  double waited = SecondsSince(armed);
  CHECK(flag == 1);
  CHECK(deadline.Fired());
  CHECK(waited >= 0.049);
  CHECK(waited < 2.0);
}

TEST_CASE("a deadline destroyed before its time never sets the flag") {
  volatile uint8_t flag = 0;
  {
    Deadline deadline(0.05, &flag);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CHECK_FALSE(deadline.Fired());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  CHECK(flag == 0);
}

TEST_CASE("zero, negative and NaN seconds never fire") {
  volatile uint8_t flags[3] = {0, 0, 0};
  Deadline zero(0, &flags[0]);
  Deadline negative(-1, &flags[1]);
  Deadline nan(std::numeric_limits<double>::quiet_NaN(), &flags[2]);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 3; ++i) CHECK(flags[i] == 0);
  CHECK_FALSE(zero.Fired());
  CHECK_FALSE(negative.Fired());
  CHECK_FALSE(nan.Fired());
}

TEST_CASE("a later deadline armed first does not delay an earlier one armed after it") {
  volatile uint8_t late_flag = 0, early_flag = 0;
  Deadline late(10.0, &late_flag);
  auto start = Clock::now();
  Deadline early(0.03, &early_flag);
  SpinUntilSet(&early_flag, 5.0);
  CHECK(early_flag == 1);
  CHECK(SecondsSince(start) < 1.0);
  CHECK(late_flag == 0);
  CHECK_FALSE(late.Fired());
}

TEST_CASE("deadlines on several threads fire independently" * doctest::skip(kUnderEmulator)) {
  constexpr int kThreads = 4;
  volatile uint8_t flags[kThreads] = {};
  bool fired[kThreads] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([i, &flags, &fired] {
      // Odd threads disarm early; even ones wait for their flag.
      Deadline d(0.02 * (i + 1), &flags[i]);
      if (i % 2 == 0) SpinUntilSet(&flags[i], 5.0);
      fired[i] = d.Fired();
    });
  }
  for (auto& t : threads) t.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  for (int i = 0; i < kThreads; ++i) {
    INFO("thread " << i);
    CHECK(fired[i] == (i % 2 == 0));
    CHECK(flags[i] == (i % 2 == 0 ? 1 : 0));
  }
}

TEST_CASE("nested deadlines on one thread are independent") {
  volatile uint8_t outer_flag = 0, inner_flag = 0;
  Deadline outer(0.08, &outer_flag);
  {
    Deadline inner(0.02, &inner_flag);
    SpinUntilSet(&inner_flag, 5.0);
    CHECK(inner.Fired());
    CHECK(outer_flag == 0);
  }
  SpinUntilSet(&outer_flag, 5.0);
  CHECK(outer.Fired());
}

TEST_CASE("arming a deadline is cheap") {
  volatile uint8_t flag = 0;
  { Deadline warm(1.0, &flag); }  // one-time set-up (the signal handler, or the watchdog thread)
  constexpr int kRounds = 1000;
  // This thread's CPU time (arming is a system call or two), so that other load on the machine
  // does not count; a sanitizer build gets four times the budget.
  double start = ThreadCpuSeconds();
  for (int i = 0; i < kRounds; ++i) Deadline d(1.0, &flag);
  double per_round = (ThreadCpuSeconds() - start) / kRounds;
  constexpr double kSlowdown = kSanitizedBuild ? 4 : 1;
  // The budget for a whole first call is 20 µs.
  CHECK(per_round < 20e-6 * kSlowdown);
  CHECK(flag == 0);
}

#if defined(__linux__)
namespace {
size_t ThreadCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}
}  // namespace

// No thread of thrustc's own: under qemu-user 7.2 (the AArch64 tests) a thread hangs the program.
TEST_CASE("on Linux a deadline starts no thread, armed or fired") {
  size_t before = ThreadCount();
  volatile uint8_t flag = 0;
  Deadline d(0.01, &flag);
  SpinUntilSet(&flag, 5.0);
  CHECK(d.Fired());
  CHECK(ThreadCount() == before);
}

// The signal interrupts a sleep in a C function compile-time code called (it returns EINTR with
// time left), so a blocked call cannot outlive the time limit by long.
TEST_CASE("on Linux a sleeping system call ends at the deadline") {
  volatile uint8_t flag = 0;
  auto start = Clock::now();
  Deadline d(0.03, &flag);
  timespec two_seconds = {2, 0}, left = {};
  int rc = nanosleep(&two_seconds, &left);
  CHECK(rc == -1);
  CHECK(flag == 1);
  CHECK(SecondsSince(start) < 1.5);
}
#endif

#if defined(__linux__)
#include <sys/wait.h>
#include <unistd.h>

namespace {
void StopWithThree(void*) { StopProcess({"stopped by the last resort\n"}, 3); }
}  // namespace

// A read that nothing will ever satisfy, in a child process: the LastResort ends it.
TEST_CASE("on Linux a last resort stops a process blocked in a system call" * doctest::skip(kUnderEmulator)) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    LastResort last(0.05, &StopWithThree, nullptr);
    char c;
    ssize_t n = read(fds[0], &c, 1);  // the parent keeps the write end open and writes nothing
    _exit(n < 0 ? 4 : 5);
  }
  auto start = Clock::now();
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  close(fds[0]);
  close(fds[1]);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(SecondsSince(start) < 5.0);
}

TEST_CASE("on Linux a last resort destroyed before its time never fires" * doctest::skip(kUnderEmulator)) {
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    { LastResort last(0.05, &StopWithThree, nullptr); }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 3 if the stop had run
}
#endif
