// Optimisation with LLVM's new pass manager: the same default per-module pipelines clang uses
// for -O1..-O3, with the target's cost model so vectorisation and unrolling match clang's.
#include <llvm/Passes/PassBuilder.h>

#include "aot/pipeline.h"

namespace thrustc::aot {

void Optimize(llvm::Module& module, llvm::TargetMachine& machine, OptLevel level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  // clang enables these from -O2 on (and loop interleaving with them).
  tuning.LoopVectorization = level >= OptLevel::O2;
  tuning.SLPVectorization = level >= OptLevel::O2;
  tuning.LoopInterleaving = level >= OptLevel::O2;
  llvm::PassBuilder pb(&machine, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel ol = llvm::OptimizationLevel::O0;
  switch (level) {
    case OptLevel::O0: break;
    case OptLevel::O1: ol = llvm::OptimizationLevel::O1; break;
    case OptLevel::O2: ol = llvm::OptimizationLevel::O2; break;
    case OptLevel::O3: ol = llvm::OptimizationLevel::O3; break;
  }
  llvm::ModulePassManager mpm =
      level == OptLevel::O0 ? pb.buildO0DefaultPipeline(ol) : pb.buildPerModuleDefaultPipeline(ol);
  mpm.run(module, mam);
}

}  // namespace thrustc::aot
