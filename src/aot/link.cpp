// Linking with the system C compiler driver (`cc`, or `aarch64-linux-gnu-gcc` for that target):
// objects, -L directories, upstream's -start … -end arguments, -l libraries and libm. The linker
// writes a temporary file that is renamed into place only on success, so no partial executable.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "aot/aot.h"

extern char** environ;

namespace thrustc::aot {

namespace {
std::string DriverFor(const std::string& triple) {
  if (triple.rfind("aarch64", 0) == 0) return "aarch64-linux-gnu-gcc";
  return "cc";
}

// Runs argv[0] (searched in PATH), collecting its stdout and stderr. Returns its exit status, or
// -1 with `output` explaining why it could not run.
int RunCollecting(const std::vector<std::string>& args, std::string* output) {
  int fds[2];
  if (pipe(fds) != 0) {
    *output = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    *output = "cannot run '" + args[0] + "': " + std::strerror(rc);
    return -1;
  }
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output->append(buffer, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

bool Link(const LinkOptions& options, std::string* error) {
  std::string temp = options.output + ".tmp-XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) {
    *error = "cannot write '" + options.output + "': " + std::strerror(errno);
    return false;
  }
  close(fd);
  std::vector<std::string> args{DriverFor(options.target_triple), "-o", temp};
  args.insert(args.end(), options.objects.begin(), options.objects.end());
  for (const std::string& dir : options.library_dirs) args.push_back("-L" + dir);
  args.insert(args.end(), options.extra.begin(), options.extra.end());
  for (const std::string& lib : options.libraries) args.push_back("-l" + lib);
  args.push_back("-lm");  // Thrust programs call <math.h> functions like any C program
  std::string output;
  int status = RunCollecting(args, &output);
  if (status == 0 && std::rename(temp.c_str(), options.output.c_str()) == 0) {
    if (!output.empty()) std::fputs(output.c_str(), stderr);  // linker warnings
    return true;
  }
  std::remove(temp.c_str());
  while (!output.empty() && output.back() == '\n') output.pop_back();
  if (status == 0) *error = "cannot write '" + options.output + "': " + std::strerror(errno);
  else if (status < 0) *error = output;
  else *error = "linking failed (" + args[0] + " exited with status " + std::to_string(status) + "):\n" + output;
  return false;
}

}  // namespace thrustc::aot
