// What the compile-time facts of section 8.1 need from outside the frontend: the target, the
// host machine and the compiler (filled by the driver; the checker answers the builtins).
#pragma once
#include <cstdint>
#include <string>

namespace thrustc::frontend {

struct CompileFacts {
  std::string target_triple;  // empty: the host's (the machine thrustc was built for)
  std::string host_name;
  uint64_t processor_count = 1;
  uint64_t timestamp = 0;     // seconds since 1970 when compilation started
  bool debug_build = false;
};

}  // namespace thrustc::frontend
