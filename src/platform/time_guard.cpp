// Time guard (see time_guard.h): one watchdog thread, started on first use and shared by every
// Deadline, sleeps on a condition variable until the earliest armed deadline and then sets its
// flag.
//
// Why a watchdog thread rather than a timer signal (timer_create/setitimer): a signal would also
// land in whatever C function compile-time code happens to be in, making its system calls fail
// with EINTR and changing what the program observes; it needs a process-wide handler that must
// cooperate with the crash guard's; and it has no Windows equivalent. The thread touches nothing
// but the flag byte. It is started once (tens of microseconds) and detached, so arming a deadline
// afterwards costs one lock and one notify, which keeps the first call of a small compile-time
// function inside its 20 µs budget. The shared state is deliberately leaked so no static
// destructor runs while the detached thread may still use it at exit.
#include "platform/time_guard.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace thrustc::platform {

namespace {

// Beyond this (about 31 years) a deadline is treated as "never": it keeps the nanosecond
// arithmetic far from overflow.
constexpr double kNeverSeconds = 1e9;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class Watchdog {
 public:
  static Watchdog& Get() {
    static Watchdog* instance = new Watchdog;  // leaked on purpose, see the file comment
    return *instance;
  }

  void Arm(Deadline* d) {
    std::lock_guard lock(mutex_);
    if (!started_) {
      std::thread([this] { Run(); }).detach();
      started_ = true;
    }
    armed_.push_back(d);
    wake_.notify_one();
  }

  // After this returns the watchdog holds no pointer to `d` and will not write its flag: firing
  // happens under the same lock.
  void Disarm(Deadline* d) {
    std::lock_guard lock(mutex_);
    auto it = std::find(armed_.begin(), armed_.end(), d);
    if (it != armed_.end()) armed_.erase(it);
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (armed_.empty()) {
        wake_.wait(lock);
        continue;
      }
      int64_t earliest = armed_.front()->due_ns_;
      for (const Deadline* d : armed_) earliest = std::min(earliest, d->due_ns_);
      if (NowNs() < earliest) {
        auto until = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(earliest));
        wake_.wait_until(lock, until);  // also woken by Arm, to recompute the earliest
        continue;
      }
      FireDue();
    }
  }

  void FireDue() {
    const int64_t now = NowNs();
    auto due = [now](const Deadline* d) { return d->due_ns_ <= now; };
    for (Deadline* d : armed_) {
      if (!due(d)) continue;
      *d->flag_ = 1;
      d->fired_.store(true, std::memory_order_release);
    }
    armed_.erase(std::remove_if(armed_.begin(), armed_.end(), due), armed_.end());
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Deadline*> armed_;
  bool started_ = false;
};

Deadline::Deadline(double seconds, volatile uint8_t* flag) : flag_(flag) {
  // `!(seconds > 0)` also rejects NaN.
  if (!(seconds > 0) || !flag || seconds >= kNeverSeconds) return;
  due_ns_ = NowNs() + static_cast<int64_t>(seconds * 1e9);
  armed_ = true;
  Watchdog::Get().Arm(this);
}

Deadline::~Deadline() {
  if (armed_) Watchdog::Get().Disarm(this);
}

}  // namespace thrustc::platform
