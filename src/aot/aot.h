// The ahead-of-time backend: Thrust IR → LLVM IR (LLVM 19) → optimised object code, linked into
// an executable with the system C compiler driver. The only folder that includes LLVM headers.
// Compile-time results arrive as IR constants; `compiletime` functions never reach the output.
#pragma once
#include <string>
#include <vector>

#include "ir/ir.h"

namespace thrustc::aot {

enum class OptLevel : uint8_t { O0, O1, O2, O3 };
enum class Artifact : uint8_t { LlvmIr, LlvmBc, Asm, Obj };

struct AotOptions {
  OptLevel opt = OptLevel::O0;
  std::string target_triple;  // empty: the host
  bool verify = true;         // run LLVM's verifier on the lowered module
};

// Time spent in each part, for -ftime-report.
struct AotTimes {
  double lower_seconds = 0, optimize_seconds = 0, codegen_seconds = 0;
};

// Lowers, optimises and writes one artifact to `path` (atomically: a failure leaves no file).
// False with `error` set on failure (unknown target, verifier failure, write error).
bool EmitArtifact(const ir::Module& module, const AotOptions& options, Artifact kind,
                  const std::string& path, std::string* error, AotTimes* times = nullptr);

// Lowers and optimises, then returns the artifact as text (LlvmIr or Asm) for -print.
bool PrintArtifact(const ir::Module& module, const AotOptions& options, Artifact kind, std::string* out,
                   std::string* error, AotTimes* times = nullptr);

struct LinkOptions {
  std::vector<std::string> objects;  // object files to link
  std::string output;                // the executable
  std::vector<std::string> libraries;     // -l NAME
  std::vector<std::string> library_dirs;  // -L DIR
  std::vector<std::string> extra;         // upstream's -start … -end linker arguments
  std::string target_triple;              // empty: host `cc`; aarch64-linux-gnu: the cross compiler
};

// Links with the system C compiler driver. False with `error` holding the linker's own message.
bool Link(const LinkOptions& options, std::string* error);

}  // namespace thrustc::aot
