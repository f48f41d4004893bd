// A forked worker process and the message channel to it (an AF_UNIX stream socket pair). The
// compile-time worker of -ct-isolation process is built on this; it knows nothing of IR.
// POSIX only: on other systems Start fails with a reason.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace thrustc::platform {

// One framed message: a tag byte and a payload.
struct Message {
  uint8_t tag = 0;
  std::vector<uint8_t> payload;
};

enum class ReceiveStatus : uint8_t { Ok, Closed, TimedOut };

// One end of the channel. Sending never raises SIGPIPE: a peer that is gone makes Send false.
class Channel {
 public:
  explicit Channel(int fd = -1) : fd_(fd) {}
  bool Send(uint8_t tag, const std::vector<uint8_t>& payload);
  // Waits at most `timeout_seconds` (<= 0: forever) for the first byte of the next message.
  ReceiveStatus Receive(Message& out, double timeout_seconds);
  int Fd() const { return fd_; }

 private:
  int fd_;
};

class Worker {
 public:
  Worker() = default;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() { Stop(); }

  // Forks. The child runs `body` with its end of the channel and then ends with _exit(0) (it
  // never returns into the caller's code); it dies with the parent. Flushes stdio first so
  // buffered output is not written twice.
  bool Start(const std::function<void(Channel&)>& body, std::string* error);
  bool Running() const { return pid_ > 0; }
  Channel& ToWorker() { return channel_; }
  // Kills (SIGKILL) a running worker and reaps it.
  void Stop();
  // After the channel closed or timed out: reaps the worker (killing it first when `kill`) and
  // says how it ended, e.g. "was killed by SIGSEGV" or "exited with status 1".
  std::string Reap(bool kill);
  int Pid() const { return pid_; }

 private:
  int pid_ = -1;
  Channel channel_;
};

// The body of a worker uses this to fail without unwinding into the parent's code.
[[noreturn]] void EndWorker(int status);

}  // namespace thrustc::platform
