// Time guard (see time_guard.h). Two mechanisms, one contract:
//
// Linux: a POSIX timer (timer_create on CLOCK_MONOTONIC; one per thread, reused, plus one per
// nested Deadline). Its expiry sends a real-time signal to the arming thread only
// (SIGEV_THREAD_ID), naming the Deadline to fire; the handler sets the flag byte and nothing else. thrustc therefore never starts a thread of its
// own. That matters beyond tidiness: Debian 12's qemu-user (7.2), which runs the AArch64 build's
// tests, hangs a dynamically linked program as soon as it creates a thread.
// Because the signal goes to the arming thread, the destructor (on that thread) needs no lock: a
// signal that became due before the timer was disarmed is taken by this thread on its way back
// from that system call, so the handler has finished before the destructor's next instruction. The handler is installed with SA_RESTART, so a C
// function that compile-time code is in when the time runs out sees its system call restarted,
// except for the few calls Linux never restarts (sleeps, poll/select), which return EINTR: that
// lets a blocked `sleep` end at the time limit instead of outliving it.
//
// Elsewhere (macOS, Windows): one watchdog thread, started on first use and shared by every
// Deadline, sleeps on a condition variable until the earliest armed deadline and then sets its
// flag under the lock that Disarm takes. Its shared state is leaked on purpose so no static
// destructor runs while the detached thread may still use it at exit.
#include "platform/time_guard.h"

#include <chrono>

#include <cstdlib>
#if defined(__linux__) || defined(__APPLE__)
#include <unistd.h>
#endif

#if defined(__linux__)
#include <signal.h>
#include <time.h>

#include <type_traits>
#else
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace thrustc::platform {

namespace {

// Beyond this (about 31 years) a deadline is treated as "never": it keeps the nanosecond
// arithmetic far from overflow.
constexpr double kNeverSeconds = 1e9;

}  // namespace

void StopProcess(std::initializer_list<std::string_view> pieces, int status) {
#if defined(__linux__) || defined(__APPLE__)
  for (std::string_view piece : pieces) {
    while (!piece.empty()) {
      ssize_t n = write(2, piece.data(), piece.size());
      if (n <= 0) break;
      piece.remove_prefix(size_t(n));
    }
  }
  _exit(status);
#else
  (void)pieces;
  std::_Exit(status);
#endif
}

void Deadline::Fire() {
  *flag_ = 1;
  fired_.store(true, std::memory_order_release);
}

#if defined(__linux__)

static_assert(std::is_same_v<timer_t, void*>, "Deadline::timer_ stores a timer_t");

// Every Deadline timer's signal carries the address of a cell naming the Deadline to fire (null:
// none); a LastResort timer's signal, a second signal number, carries the LastResort.
using FireCell = Deadline* volatile;

struct TimerSignal {
  // Real-time signals low in the range: qemu-user keeps the top of the range for itself.
  static int FireNumber() { return SIGRTMIN + 2; }
  static int StopNumber() { return SIGRTMIN + 3; }

  static void HandleFire(int, siginfo_t* info, void*) {
    if (info->si_code != SI_TIMER) return;
    if (Deadline* d = *static_cast<FireCell*>(info->si_value.sival_ptr)) d->Fire();
  }

  static void HandleStop(int, siginfo_t* info, void*) {
    if (info->si_code != SI_TIMER) return;
    auto* r = static_cast<LastResort*>(info->si_value.sival_ptr);
    r->stop_(r->arg_);
  }

  static bool Install(int signo, void (*handler)(int, siginfo_t*, void*)) {
    struct sigaction action = {};
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, nullptr) == 0;
  }

  static bool InstallOnce() {
    static const bool installed = Install(FireNumber(), HandleFire) && Install(StopNumber(), HandleStop);
    return installed;
  }

  // A timer whose signal `signo` goes to the calling thread and carries `value`.
  static bool Create(int signo, void* value, timer_t* timer) {
    if (!InstallOnce()) return false;
    sigevent event = {};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = signo;
    event.sigev_value.sival_ptr = value;
    event._sigev_un._tid = gettid();  // sigev_notify_thread_id; glibc 2.36 lacks that name
    return timer_create(CLOCK_MONOTONIC, &event, timer) == 0;
  }
  static bool Create(FireCell* cell, timer_t* timer) {
    return Create(FireNumber(), const_cast<Deadline**>(cell), timer);
  }

  // seconds == 0 disarms. When disarming returns, a signal that was already due has been handled:
  // it targets this thread, which takes pending signals on its way back from the system call.
  static bool Set(timer_t timer, double seconds) {
    itimerspec when = {};
    when.it_value.tv_sec = static_cast<time_t>(seconds);
    when.it_value.tv_nsec = static_cast<long>((seconds - double(when.it_value.tv_sec)) * 1e9);
    if (seconds > 0 && when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0) when.it_value.tv_nsec = 1;
    return timer_settime(timer, 0, &when, nullptr) == 0;
  }
};

LastResort::LastResort(double seconds, Stop stop, void* arg) : stop_(stop), arg_(arg) {
  if (!(seconds > 0) || !stop || seconds >= kNeverSeconds) return;
  timer_t timer;
  if (!TimerSignal::Create(TimerSignal::StopNumber(), this, &timer)) return;
  timer_ = timer;
  armed_ = true;
  if (!TimerSignal::Set(timer, seconds)) {
    timer_delete(timer);
    armed_ = false;
  }
}

LastResort::~LastResort() {
  if (armed_) timer_delete(static_cast<timer_t>(timer_));
}

// The outermost Deadline of a thread reuses the thread's timer (created once): arming and
// disarming are then one system call each. A Deadline nested inside another gets its own timer.
struct ThreadTimer {
  timer_t timer = nullptr;
  bool created = false;
  FireCell active = nullptr;
  ~ThreadTimer() {
    if (created) timer_delete(timer);
  }
};
thread_local ThreadTimer t_timer;

Deadline::Deadline(double seconds, volatile uint8_t* flag) : flag_(flag) {
  // `!(seconds > 0)` also rejects NaN.
  if (!(seconds > 0) || !flag || seconds >= kNeverSeconds) return;
  // A timer_t is an id, and 0 is a valid one: whether there is a timer is kept apart.
  timer_t timer;
  bool have_timer;
  if (t_timer.active == nullptr) {
    if (!t_timer.created) t_timer.created = TimerSignal::Create(&t_timer.active, &t_timer.timer);
    have_timer = t_timer.created;
    timer = t_timer.timer;
    if (have_timer) t_timer.active = this;
  } else {
    own_cell_ = this;
    have_timer = owns_timer_ = TimerSignal::Create(&own_cell_, &timer);
  }
  if (!have_timer) {
    failed_ = true;
    return;
  }
  timer_ = timer;
  armed_ = TimerSignal::Set(timer, seconds);
  if (!armed_) Release(timer);
  failed_ = !armed_;
}

void Deadline::Release(void* timer) {
  TimerSignal::Set(static_cast<timer_t>(timer), 0);
  if (owns_timer_) timer_delete(static_cast<timer_t>(timer));
  else t_timer.active = nullptr;
}

Deadline::~Deadline() {
  if (armed_) Release(timer_);
}

#else  // a watchdog thread

namespace {
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
    for (Deadline* d : armed_)
      if (due(d)) d->Fire();
    armed_.erase(std::remove_if(armed_.begin(), armed_.end(), due), armed_.end());
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Deadline*> armed_;
  bool started_ = false;
};

Deadline::Deadline(double seconds, volatile uint8_t* flag) : flag_(flag) {
  if (!(seconds > 0) || !flag || seconds >= kNeverSeconds) return;
  due_ns_ = NowNs() + static_cast<int64_t>(seconds * 1e9);
  armed_ = true;
  Watchdog::Get().Arm(this);
}

Deadline::~Deadline() {
  if (armed_) Watchdog::Get().Disarm(this);
}

// Not built here: a LastResort does nothing on other systems yet (see time_guard.h).
LastResort::LastResort(double, Stop stop, void* arg) : stop_(stop), arg_(arg) {}
LastResort::~LastResort() = default;

#endif

}  // namespace thrustc::platform
