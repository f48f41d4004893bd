// Time guard for compile-time code (-ct-timeout): a one-shot deadline that sets a flag. The
// ctjit's generated code polls the flag at loop back-edges and function entries and leaves with a
// Timeout failure once it is set, so nothing here interrupts or unwinds running code.
#pragma once
#include <atomic>
#include <cstdint>

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
  int64_t due_ns_ = 0;   // steady_clock time since epoch at which the flag is set
  void* timer_ = nullptr;  // the POSIX timer (timer_t) where one is used
  bool owns_timer_ = false;       // a nested Deadline's own timer, deleted with it
  Deadline* volatile own_cell_ = nullptr;  // what that timer's signal fires
  friend class Watchdog;
  friend struct TimerSignal;
};

}  // namespace thrustc::platform
