// Microbenchmark of the ctjit's first call of a small function (issue 3: under 20 µs for compile,
// map, protect and call), split into where the time goes: a Jit's one-time set-up (address-space
// reservation, invoke thunk, crash-guard thread set-up), then per function compile + map +
// protect, then the guarded call itself, with and without a time limit armed.
// Usage: ctjit_first_call [iterations]   (prints the median of each measurement in µs)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "ctjit/jit.h"
#include "ir/ir_parser.h"

namespace {

using namespace thrustc;
using Clock = std::chrono::steady_clock;

const char* kSmall = R"(
fn @square(%0: i32) -> i32 {
bb0:
  %1:i32 = mul %0, %0
  ret %1
}
)";

double Micros(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bool CallOnce(ctjit::Jit& jit, const ir::Module& m) {
  uint64_t r = 0;
  auto failure = jit.Call(m, 0, {7}, r);
  if (failure || r != 49) {
    std::fprintf(stderr, "call failed: %s\n", failure ? failure->message.c_str() : "wrong result");
    return false;
  }
  return true;
}

// Each iteration gives the Jit a module it has not seen, so its function is compiled, mapped
// and protected again; `fresh_jit` also pays the Jit's one-time set-up each time.
bool Measure(const char* label, bool fresh_jit, double time_limit, int iterations, platform::Symbols& symbols) {
  ir::Module proto;
  ir::ParseError error;
  if (!ir::ParseModule(kSmall, proto, error)) return std::fprintf(stderr, "%s\n", error.message.c_str()), false;
  ctjit::JitOptions options;
  options.ct_time_limit_seconds = time_limit;
  std::vector<double> first, again;
  auto jit = std::make_unique<ctjit::Jit>(symbols, options);
  std::vector<std::unique_ptr<ir::Module>> modules;  // alive while the Jit may refer to them
  for (int i = 0; i < iterations; ++i) {
    if (fresh_jit) jit = std::make_unique<ctjit::Jit>(symbols, options);
    modules.push_back(std::make_unique<ir::Module>(proto));
    auto t0 = Clock::now();
    if (!CallOnce(*jit, *modules.back())) return false;
    auto t1 = Clock::now();
    if (!CallOnce(*jit, *modules.back())) return false;
    auto t2 = Clock::now();
    first.push_back(Micros(t0, t1));
    again.push_back(Micros(t1, t2));
  }
  std::printf("%-44s first call %7.2f us   cached call %6.2f us\n", label, Median(first), Median(again));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  if (iterations < 1) iterations = 1;
  platform::Symbols symbols;
  bool ok = Measure("new Jit each time (one-time set-up included)", true, 0, iterations, symbols) &&
            Measure("same Jit, new function", false, 0, iterations, symbols) &&
            Measure("same Jit, new function, 10 s time limit", false, 10, iterations, symbols);
  return ok ? 0 : 1;
}
