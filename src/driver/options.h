// Command-line parsing for thrustc: the option table is options.def; the result is Options.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "support/diagnostics.h"

namespace thrustc::driver {

enum class Mode { Compile, Check, Interp, Jit, PrintTokens, PrintAst, PrintIr, EmitIr, RunIr, Help, Version,
                  EmitArtifact, PrintArtifact };  // AOT: -emit llvm-ir|llvm-bc|asm|obj, -c, -S; -print llvm-ir|asm

struct Options {
  Mode mode = Mode::Compile;
  std::vector<std::string> inputs;
  std::vector<std::string> program_args;  // between -start and -end (linker arguments when compiling)
  std::string output;
  std::string ct_backend = "jit";
  double ct_timeout_seconds = 10;
  uint64_t ct_memory_mib = 4096;
  std::string ct_isolation = "in-process";  // or "process" (docs/ctjit-isolation.md)
  bool ct_sandbox = false;                  // -ct-sandbox: the worker runs under seccomp
  std::string jit_entry = "main";
  std::string ctjit_memory = "wx";
  bool print_ctjit_asm = false;
  bool ctjit_trace = false;
  bool ctjit_stats = false;
  std::string jit_libc;
  std::vector<std::string> jit_link;
  bool time_report = false;
  WarningPolicy warnings;  // -w, -Wall, -Werror, --disable-warnings
  std::vector<std::string> include_dirs;  // -I DIR (importC)
  std::vector<std::string> defines;       // -D NAME[=VALUE] (importC)
  bool cimport_cache = true;              // -no-cimport-cache turns the importC cache off
  std::string std_dir;                    // -std DIR: the standard library's root (13)
  std::string std_version;                // -std-version X.Y.Z
  // The AOT backend.
  uint8_t opt_level = 0;             // -O0..-O3, -opt O0..O3
  std::string artifact;              // with EmitArtifact / PrintArtifact: llvm-ir, llvm-bc, asm or obj
  std::vector<std::string> libraries;     // -l
  std::vector<std::string> library_dirs;  // -L
  std::string target_triple;
};

// Parses argv; on a bad command line returns false with `error` set (exit status 2).
bool ParseOptions(int argc, char** argv, Options& out, std::string& error);
std::string HelpText();

}  // namespace thrustc::driver
