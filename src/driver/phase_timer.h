// Per-phase wall-clock times for -ftime-report.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace thrustc::driver {

class PhaseTimer {
 public:
  // Starts timing `name`; the previous phase (if any) ends now.
  void Begin(std::string name);
  void End();
  // Moves `seconds` spent inside phase `from` into a phase of its own (`name`), e.g. compile-time
  // evaluation measured inside check+lower.
  void Split(const std::string& from, const std::string& name, double seconds, std::string note);
  // Writes the table to `out`; `lines` (source lines compiled) adds a lines/s figure.
  void Report(FILE* out, uint64_t lines) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Phase {
    std::string name;
    double seconds;
    std::string note;
  };
  std::vector<Phase> phases_;
  std::string current_;
  Clock::time_point start_;
  bool running_ = false;
};

}  // namespace thrustc::driver
