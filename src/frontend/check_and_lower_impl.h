// The check-and-lower driver's state, shared by check_and_lower.cpp (the order of declarations)
// and consteval.cpp (compile-time evaluation through the ir::Evaluator). It sits on top of the
// checker (sema/) and lowering (lower/): a body the checker finishes is lowered at once, and a
// value the checker needs at compile time is lowered into a thunk and run.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "frontend/check_and_lower.h"
#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

class CheckAndLowerDriver final : public Lowerer {
 public:
  CheckAndLowerDriver(const CheckAndLowerInput& in, ir::Module& m);
  bool Run();

  // --- what the checker asks of the driver
  void FunctionChecked(uint32_t sym, FnCtx& fc) override { LowerFunction(sym, fc); }
  std::optional<ConstVal> EvalNode(FnCtx& fc, NodeId n, TypeId type, SourceRange site,
                                   const std::string& what, SourceRange decl) override;

  // --- compile-time evaluation (consteval.cpp)
  bool EnsureClosure(ir::FuncId root, SourceRange site);
  std::optional<ConstVal> ConstFromBytes(TypeId type, const uint8_t* bytes, SourceRange site,
                                         const std::string& what);
  bool CheckNoPointers(TypeId type, const uint8_t* bytes, std::string path, SourceRange site,
                       const std::string& what);
  void ReportEvalFailure(const ir::EvalFailure& f, SourceRange site, const std::string& what,
                         SourceRange decl);

  // --- state
  ir::Evaluator* evaluator_;  // runs compile-time code (may be null: evaluation is then refused)
  std::vector<uint32_t> visit_epoch_;
  uint32_t epoch_ = 0;
  uint32_t thunk_count_ = 0;
};

}  // namespace thrustc::frontend
