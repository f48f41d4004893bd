// Process statistics: peak resident memory from getrusage (GetProcessMemoryInfo on Windows).
#include "platform/process_info.h"

#ifdef _WIN32
#include <windows.h>
#include <psapi.h>
#else
#include <sys/resource.h>
#endif

namespace thrustc::platform {

uint64_t PeakResidentBytes() {
#ifdef _WIN32
  PROCESS_MEMORY_COUNTERS pmc;
  if (GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc)) return pmc.PeakWorkingSetSize;
  return 0;
#else
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#ifdef __APPLE__
  return uint64_t(usage.ru_maxrss);  // bytes on macOS
#else
  return uint64_t(usage.ru_maxrss) * 1024;  // kilobytes on Linux
#endif
#endif
}

}  // namespace thrustc::platform
