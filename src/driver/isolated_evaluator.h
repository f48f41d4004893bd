// -ct-isolation process: an ir::Evaluator that runs compile-time code in a forked worker.
//
// The worker is forked at the first evaluation of a compilation, so it starts with a copy of the
// module, the inner evaluator (the ctjit or the interpreter) and everything else the compiler
// holds. From then on the compiler sends it, with each evaluation, the functions and globals
// that are new or changed since the last one (ir/serialize.h), and the worker keeps its own
// module, JIT code and compile-time statics. Results, strings and failures come back over the
// channel. Whatever compile-time code does to its process (wild writes into the heap or the
// stack, a hang, being killed), the compiler survives and reports it as a failure of the
// evaluation that was running. After a worker died, the next evaluation forks a fresh one (the
// compilation has already failed; statics that the dead worker changed are lost with it).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/evaluator.h"
#include "platform/worker.h"

namespace thrustc::driver {

class IsolatedEvaluator : public ir::Evaluator {
 public:
  // `inner` runs in the worker; `time_limit_seconds` is the -ct-timeout the inner evaluator
  // enforces (0: none), after which (plus a grace period) an unresponsive worker is killed.
  // `report` runs in the worker when Report() is called (e.g. print the ctjit's statistics).
  // With `sandbox` the worker enters platform/sandbox.h before it runs anything (-ct-sandbox).
  IsolatedEvaluator(ir::Evaluator& inner, double time_limit_seconds, std::function<void()> report, bool sandbox);
  ~IsolatedEvaluator() override;

  std::optional<ir::EvalFailure> Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t out_size) override;
  std::optional<std::string> ReadCString(uint64_t address) override;
  // Runs `report` in the worker, if one is running, and waits for it.
  void Report();
  // How many worker processes this compilation started.
  uint32_t WorkersStarted() const { return started_; }

 private:
  // What was last sent of a function or global: a piece that changes (a declared function
  // lowered, a static's initial bytes written) is sent again. The frontend only appends to the
  // module, fills declared functions and replaces initial bytes; it never edits them in place.
  struct Sent {
    size_t a = 0, b = 0;
    const void* data = nullptr;
    friend bool operator==(const Sent&, const Sent&) = default;
  };
  static Sent FunctionState(const ir::Function& f);
  static Sent GlobalState(const ir::Global& g);
  bool StartWorker(const ir::Module& module, ir::EvalFailure& failure);
  std::vector<uint8_t> Delta(const ir::Module& module);
  void Remember(const ir::Module& module);
  ir::EvalFailure WorkerLost(platform::ReceiveStatus why);

  ir::Evaluator& inner_;
  double time_limit_;
  std::function<void()> report_;
  bool sandbox_;
  platform::Worker worker_;
  const ir::Module* module_ = nullptr;
  size_t sent_aggs_ = 0;
  std::vector<Sent> sent_functions_, sent_globals_;
  uint32_t started_ = 0;
};

}  // namespace thrustc::driver
