// Time guard for compile-time code (-ct-timeout): a one-shot deadline that sets a flag. The
// ctjit's generated code polls the flag at loop back-edges and function entries and leaves with a
// Timeout failure once it is set, so nothing here interrupts or unwinds running code.
#pragma once
#include <atomic>
#include <cstdint>

namespace thrustc::platform {

// Arms a one-shot timer: after `seconds`, *flag becomes 1 (set by a watchdog thread with a single
// byte store, so generated code can poll it with a plain load). Destruction disarms it; once the
// destructor has returned, *flag is never written again. Deadlines on different threads are
// independent; the JIT arms one per thread at a time.
class Deadline {
 public:
  Deadline(double seconds, volatile uint8_t* flag);  // seconds <= 0 (or NaN): never fires
  ~Deadline();                                       // disarms
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool Fired() const { return fired_.load(std::memory_order_acquire); }

 private:
  volatile uint8_t* flag_;
  std::atomic<bool> fired_{false};
  bool armed_ = false;
  int64_t due_ns_ = 0;  // steady_clock time since epoch at which the flag is set
  friend class Watchdog;
};

}  // namespace thrustc::platform
