// thrustc's entry point: parse the command line, then hand over to Compile().
#include <cstdio>
#include <string>

#include "driver/compile.h"
#include "driver/options.h"

int main(int argc, char** argv) {
  using namespace thrustc::driver;
  Options options;
  std::string error;
  if (!ParseOptions(argc, argv, options, error)) {
    std::fprintf(stderr, "thrustc: error: %s\n", error.c_str());
    return 2;
  }
  switch (options.mode) {
    case Mode::Help: std::fputs(HelpText().c_str(), stdout); return 0;
    case Mode::Version: std::printf("thrustc 0.1.0 (Thrust language, compile-time code runs natively)\n"); return 0;
    case Mode::RunIr: return RunIrFile(options);
    default: return Compile(options);
  }
}
