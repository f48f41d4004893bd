// Command-line parsing for thrustc: the option table is options.def; the result is Options.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace thrustc::driver {

enum class Mode { Compile, Check, Interp, Jit, PrintTokens, PrintAst, PrintIr, EmitIr, RunIr, Help, Version };

struct Options {
  Mode mode = Mode::Compile;
  std::vector<std::string> inputs;
  std::vector<std::string> program_args;  // between -start and -end
  std::string output;
  std::string ct_backend = "jit";
  double ct_timeout_seconds = 10;
  uint64_t ct_memory_mib = 4096;
  std::string jit_entry = "main";
  std::string ctjit_memory = "wx";
  bool print_ctjit_asm = false;
  bool ctjit_trace = false;
  bool ctjit_stats = false;
  std::string jit_libc;
  std::vector<std::string> jit_link;
  bool time_report = false;
};

// Parses argv; on a bad command line returns false with `error` set (exit status 2).
bool ParseOptions(int argc, char** argv, Options& out, std::string& error);
std::string HelpText();

}  // namespace thrustc::driver
