// An ir::Evaluator decorator that measures compile-time evaluation for -ftime-report, and flushes
// what compile-time code printed so it appears in order with thrustc's own messages.
#pragma once
#include <chrono>
#include <cstdio>

#include "ir/evaluator.h"

namespace thrustc::driver {

class TimedEvaluator : public ir::Evaluator {
 public:
  explicit TimedEvaluator(ir::Evaluator& inner) : inner_(inner) {}

  std::optional<ir::EvalFailure> Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t out_size) override {
    auto start = std::chrono::steady_clock::now();
    std::optional<ir::EvalFailure> result = inner_.Run(module, thunk, out, out_size);
    std::fflush(stdout);
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++runs_;
    return result;
  }
  std::optional<std::string> ReadCString(uint64_t address) override { return inner_.ReadCString(address); }

  double Seconds() const { return seconds_; }
  uint64_t Runs() const { return runs_; }

 private:
  ir::Evaluator& inner_;
  double seconds_ = 0;
  uint64_t runs_ = 0;
};

}  // namespace thrustc::driver
