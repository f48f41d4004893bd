// fuzz_ir: the Thrust IR text parser and the verifier (src/ir/) on arbitrary bytes. Parsing must
// give a module or an error, never a crash; a parsed module is verified; a module the verifier
// accepts must round-trip through the printer exactly (docs/ir.md: Print(Parse(Print(m))) == Print(m)).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "ir/ir.h"
#include "ir/ir_parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

using namespace thrustc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ir::Module module;
  ir::ParseError error;
  if (!ir::ParseModule(text, module, error)) return 0;
  if (!ir::Verify(module).empty()) return 0;
  std::string printed = ir::Print(module);
  ir::Module again;
  ir::ParseError again_error;
  if (!ir::ParseModule(printed, again, again_error)) {
    std::fprintf(stderr, "fuzz_ir: the printed module does not parse (%u:%u: %s):\n%s\n", again_error.line,
                 again_error.col, again_error.message.c_str(), printed.c_str());
    __builtin_trap();
  }
  std::string reprinted = ir::Print(again);
  if (reprinted != printed) {
    std::fprintf(stderr, "fuzz_ir: the round trip changed the module:\n--- printed\n%s\n--- reprinted\n%s\n",
                 printed.c_str(), reprinted.c_str());
    __builtin_trap();
  }
  if (!ir::Verify(again).empty()) {
    std::fprintf(stderr, "fuzz_ir: the re-read module no longer verifies:\n%s\n", printed.c_str());
    __builtin_trap();
  }
  return 0;
}
