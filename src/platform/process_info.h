// Process statistics for -ftime-report and benchmarks: peak resident memory.
#pragma once
#include <cstdint>

namespace thrustc::platform {

// Peak resident set size of this process so far, in bytes (0 where the OS does not say).
uint64_t PeakResidentBytes();

}  // namespace thrustc::platform
