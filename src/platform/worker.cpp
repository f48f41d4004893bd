// Worker processes (worker.h): fork, a socket pair, length-prefixed messages, reaping.
#include "platform/worker.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>

#if defined(__unix__) || defined(__APPLE__)
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace thrustc::platform {

#if defined(__unix__) || defined(__APPLE__)

namespace {

#if defined(MSG_NOSIGNAL)
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;
#endif

bool SendAll(int fd, const void* data, size_t size) {
  auto* p = static_cast<const uint8_t*>(data);
  while (size) {
    ssize_t n = send(fd, p, size, kSendFlags);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n, size -= size_t(n);
  }
  return true;
}

bool ReceiveAll(int fd, void* data, size_t size) {
  auto* p = static_cast<uint8_t*>(data);
  while (size) {
    ssize_t n = recv(fd, p, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n, size -= size_t(n);
  }
  return true;
}

// Waits until `fd` is readable; false when the time ran out.
bool WaitReadable(int fd, double timeout_seconds) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_seconds));
  for (;;) {
    int ms = -1;
    if (timeout_seconds > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      ms = int(left > 1 << 30 ? 1 << 30 : left);
    }
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return true;  // let the read report the error
  }
}

std::string SignalText(int sig) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
  if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
#endif
  return "signal " + std::to_string(sig);
}

}  // namespace

bool Channel::Send(uint8_t tag, const std::vector<uint8_t>& payload) {
  uint8_t header[9];
  header[0] = tag;
  uint64_t size = payload.size();
  std::memcpy(header + 1, &size, sizeof size);
  return SendAll(fd_, header, sizeof header) && SendAll(fd_, payload.data(), payload.size());
}

ReceiveStatus Channel::Receive(Message& out, double timeout_seconds) {
  if (!WaitReadable(fd_, timeout_seconds)) return ReceiveStatus::TimedOut;
  uint8_t header[9];
  if (!ReceiveAll(fd_, header, sizeof header)) return ReceiveStatus::Closed;
  uint64_t size;
  std::memcpy(&size, header + 1, sizeof size);
  out.tag = header[0];
  out.payload.resize(size);
  if (!ReceiveAll(fd_, out.payload.data(), size)) return ReceiveStatus::Closed;
  return ReceiveStatus::Ok;
}

bool Worker::Start(const std::function<void(Channel&)>& body, std::string* error) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    if (error) *error = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  std::fflush(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    if (error) *error = std::string("fork: ") + std::strerror(errno);
    close(fds[0]), close(fds[1]);
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // the parent died before the line above
#endif
    (void)parent;
    Channel to_parent(fds[1]);
    body(to_parent);
    EndWorker(0);
  }
  close(fds[1]);
  pid_ = pid;
  channel_ = Channel(fds[0]);
  return true;
}

std::string Worker::Reap(bool kill_first) {
  if (pid_ <= 0) return "was not running";
  if (kill_first) kill(pid_, SIGKILL);
  int status = 0;
  pid_t r;
  do r = waitpid(pid_, &status, 0);
  while (r < 0 && errno == EINTR);
  close(channel_.Fd());
  channel_ = Channel();
  pid_ = -1;
  if (r < 0) return std::string("could not be reaped: ") + std::strerror(errno);
  if (WIFSIGNALED(status)) return "was killed by " + SignalText(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

void Worker::Stop() {
  if (pid_ > 0) Reap(true);
}

void EndWorker(int status) {
  std::fflush(nullptr);
  _exit(status);
}

#else

bool Channel::Send(uint8_t, const std::vector<uint8_t>&) { return false; }
ReceiveStatus Channel::Receive(Message&, double) { return ReceiveStatus::Closed; }
bool Worker::Start(const std::function<void(Channel&)>&, std::string* error) {
  if (error) *error = "worker processes are not supported on this system";
  return false;
}
std::string Worker::Reap(bool) { return "was not running"; }
void Worker::Stop() {}
void EndWorker(int status) { std::_Exit(status); }

#endif

}  // namespace thrustc::platform
