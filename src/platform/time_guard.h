// Time guard for compile-time code (-ct-timeout): a one-shot deadline that sets a flag. The
// ctjit's generated code polls the flag at loop back-edges and function entries and leaves with a
// Timeout failure once it is set, so nothing here interrupts or unwinds running code.
#pragma once
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace thrustc::platform {

// Arms a one-shot timer: after `seconds`, *flag becomes 1 (a single byte store, so generated code
// can poll it with a plain load). Destruction disarms it; once the destructor has returned, *flag
// is never written again. A Deadline belongs to the thread that made it and must be destroyed
// there; Deadlines on different threads, or nested on one, are independent.
//
// On Linux the timer is a POSIX timer whose signal is directed at the arming thread, so thrustc
// starts no thread of its own (see time_guard.cpp for why that matters); elsewhere a watchdog
// thread sets the flag.
class Deadline {
 public:
  Deadline(double seconds, volatile uint8_t* flag);  // seconds <= 0 (or NaN): never fires
  ~Deadline();                                       // disarms
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool Fired() const { return fired_.load(std::memory_order_acquire); }
  // The system refused the timer (out of timers or signal queue entries): this Deadline will never
  // fire, and the caller must not run time-limited code under it.
  bool Failed() const { return failed_; }

 private:
  void Fire();  // sets *flag_ and fired_: a byte store and a lock-free atomic, signal-safe
  void Release(void* timer);

  volatile uint8_t* flag_;
  std::atomic<bool> fired_{false};
  bool armed_ = false;
  bool failed_ = false;
  int64_t due_ns_ = 0;   // the watchdog's: steady_clock time since epoch at which the flag is set
  void* timer_ = nullptr;  // the POSIX timer (timer_t) where one is used
  bool owns_timer_ = false;       // a nested Deadline's own timer, deleted with it
  Deadline* volatile own_cell_ = nullptr;  // what that timer's signal fires
  friend class Watchdog;
  friend struct TimerSignal;
};

// The last resort against compile-time code blocked in a system call that the Deadline's signal
// does not end (one Linux restarts, such as `read` on a terminal): after `seconds`, stop(arg) runs
// in a signal handler on this thread, interrupting even a blocking call. `stop` must be
// async-signal-safe and must end the process (write(2) then _exit). Destruction disarms it. Linux
// only so far; elsewhere it never fires.
// How long compile-time code may stay blocked past its time limit before the executors stop the
// process with a LastResort.
constexpr double kBlockedGraceSeconds = 2.0;

class LastResort {
 public:
  using Stop = void (*)(void* arg);
  LastResort(double seconds, Stop stop, void* arg);  // seconds <= 0 (or NaN): never fires
  ~LastResort();
  LastResort(const LastResort&) = delete;
  LastResort& operator=(const LastResort&) = delete;

 private:
  Stop stop_;
  void* arg_;
  void* timer_ = nullptr;  // the POSIX timer (timer_t)
  bool armed_ = false;
  friend struct TimerSignal;
};

// For a LastResort's stop: writes the pieces to stderr and ends the process with `status`,
// running no destructors or atexit handlers. Async-signal-safe.
[[noreturn]] void StopProcess(std::initializer_list<std::string_view> pieces, int status);

}  // namespace thrustc::platform
