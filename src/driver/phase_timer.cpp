// Per-phase wall-clock times for -ftime-report.
#include "driver/phase_timer.h"

#include "platform/process_info.h"

namespace thrustc::driver {

void PhaseTimer::Begin(std::string name) {
  End();
  current_ = std::move(name);
  start_ = Clock::now();
  running_ = true;
}

void PhaseTimer::End() {
  if (!running_) return;
  double s = std::chrono::duration<double>(Clock::now() - start_).count();
  for (Phase& p : phases_)
    if (p.name == current_) {
      p.seconds += s;
      running_ = false;
      return;
    }
  phases_.push_back({current_, s, {}});
  running_ = false;
}

void PhaseTimer::Split(const std::string& from, const std::string& name, double seconds, std::string note) {
  End();
  if (seconds <= 0) return;
  for (Phase& p : phases_)
    if (p.name == from) p.seconds -= seconds;
  phases_.push_back({name, seconds, std::move(note)});
}

void PhaseTimer::Report(FILE* out, uint64_t lines) const {
  double total = 0, frontend = 0;
  for (const Phase& p : phases_) {
    total += p.seconds;
    if (p.name == "lex" || p.name == "parse" || p.name == "check+lower") frontend += p.seconds;
  }
  std::fprintf(out, "===== thrustc time report =====\n");
  for (const Phase& p : phases_)
    std::fprintf(out, "  %-16s %10.3f ms  %5.1f%%  %s\n", p.name.c_str(), p.seconds * 1e3,
                 total > 0 ? 100 * p.seconds / total : 0, p.note.c_str());
  std::fprintf(out, "  %-16s %10.3f ms\n", "total", total * 1e3);
  if (lines > 0 && frontend > 0)
    std::fprintf(out, "  frontend: %llu lines, %.0f lines/s (lex+parse+check+lower, without compile-time runs)\n",
                 (unsigned long long)lines, lines / frontend);
  uint64_t rss = platform::PeakResidentBytes();
  std::fprintf(out, "  peak memory: %.1f MiB", rss / 1048576.0);
  if (lines > 0) std::fprintf(out, " (%.0f bytes per source line)", double(rss) / lines);
  std::fprintf(out, "\n");
}

}  // namespace thrustc::driver
