// What both encoders (x64/emit_x64.cpp, a64/emit_a64.cpp) do the same way around asmjit's
// target-neutral CodeHolder: labels of the batch's functions and of per-function trap stubs,
// placing assembled code in executable memory, and the -print ctjit-asm listing. Only ctjit's
// emitters include this (asmjit is private to the folder); the instruction spellings stay in each
// target's emitter.
#pragma once
#include <asmjit/core.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ctjit/codegen.h"

namespace thrustc::ctjit {

// The label of batch function `id`, created at its first mention (a call may come before it).
asmjit::Label FunctionLabel(asmjit::BaseEmitter& as, std::unordered_map<ir::FuncId, asmjit::Label>& labels,
                            ir::FuncId id);
// The label of the out-of-line stub that reports trap site `site`; one stub per site.
asmjit::Label StubLabel(asmjit::BaseEmitter& as, std::vector<std::pair<uint32_t, asmjit::Label>>& stubs,
                        uint32_t site);
// Flattens, links and relocates the batch into `memory`, then makes it executable; `order` holds
// each function's label in the order of addition.
bool PlaceBatch(asmjit::CodeHolder& code, const std::vector<asmjit::Label>& order, platform::ExecMemory& memory,
                PlacedCode& out, std::string& error);
// Copies a small self-contained routine (a thunk) into executable memory; null on failure.
void* PlaceThunk(asmjit::CodeHolder& code, platform::ExecMemory& memory, std::string& error);

// The -print ctjit-asm listing, the same on every target: each line prefixed by its offset in the
// batch, asmjit's text of each instruction with its bytes behind, and the function's IR as
// comments (its header, each block's label, and each IR instruction before the code it became).
// With a null `out` every member does nothing, so an emitter calls them unconditionally.
class Listing {
 public:
  Listing(std::string* out, const asmjit::BaseAssembler& as) : out_(out), logger_(as) {}
  // Logs what is emitted into `code` (call before attaching the assembler).
  void Attach(asmjit::CodeHolder& code);
  // Before the function's label: splits its IR text and comments its header.
  void BeginFunction(asmjit::BaseEmitter& as, const ir::Module& module, ir::FuncId id);
  // After block `b`'s label: its IR label.
  void BeginBlock(asmjit::BaseEmitter& as, uint32_t b);
  // Before the code of `in`: the IR text of every instruction up to `in`'s not shown yet.
  void BeforeInst(asmjit::BaseEmitter& as, const MInst& in);
  // Appends what was logged so far to `out`.
  void Flush();

 private:
  // Prefixes every line with the assembler's offset: asmjit logs an instruction before
  // advancing past it, so the current offset is where the instruction starts.
  class OffsetLogger : public asmjit::Logger {
   public:
    explicit OffsetLogger(const asmjit::BaseAssembler& as) : as_(as) {}
    asmjit::Error _log(const char* data, size_t size) noexcept override;
    std::string text;

   private:
    const asmjit::BaseAssembler& as_;
    bool at_line_start_ = true;
  };

  std::string* out_;
  OffsetLogger logger_;
  std::string header_;
  std::vector<std::string> block_labels_, inst_lines_;
  uint32_t last_shown_ = 0;  // IR instructions 1..last_shown_ of the function are shown
};

}  // namespace thrustc::ctjit
