// Atomic output files, and the exit status of failed program runs.
#include "driver/output_file.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace thrustc::driver {

bool WriteOutputFile(const std::string& path, const std::string& contents, std::string& error) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

int RunFailureExitStatus(const ir::EvalFailure& failure) {
  const std::string& m = failure.message;
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  if (failure.kind == ir::EvalFailure::Kind::Crash) {
    if (has("segmentation")) return 128 + SIGSEGV;
    if (has("bus")) return 128 + SIGBUS;
    if (has("illegal")) return 128 + SIGILL;
    if (has("floating")) return 128 + SIGFPE;
  }
  return 128 + SIGABRT;  // traps, stack overflow, abort: like a C program that called abort()
}

}  // namespace thrustc::driver
