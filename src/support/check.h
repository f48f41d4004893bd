// Always-on invariant checks (architecture.md, "thrustc has a bug"): a broken invariant stops the
// compiler with file:line, the message, and exit status 70, instead of crashing or looping later.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace thrustc {

[[noreturn]] inline void InternalError(const char* file, int line, const char* what) {
  std::fprintf(stderr, "thrustc: internal error (%s:%d): %s\n", file, line, what);
  std::fflush(stderr);
  std::_Exit(70);
}

}  // namespace thrustc

#define THRUSTC_CHECK(cond, what) \
  do {                            \
    if (!(cond)) ::thrustc::InternalError(__FILE__, __LINE__, what); \
  } while (0)
