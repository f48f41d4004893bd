// What both encoders (x64/emit_x64.cpp, a64/emit_a64.cpp) do the same way around asmjit's
// target-neutral CodeHolder: the emitter's state and its walk over a function's blocks
// (EmitterBase), labels of the batch's functions and of per-function trap stubs, placing
// assembled code in executable memory, and the -print ctjit-asm listing. Only ctjit's emitters
// include this (asmjit is private to the folder); the instruction spellings stay in each target's
// emitter.
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
// The out-of-line stubs of one function that report trap sites, in order of first mention.
struct TrapStubs {
  std::vector<std::pair<uint32_t, asmjit::Label>> list;  // (site, label)
  std::unordered_map<uint32_t, size_t> index;            // site -> position in list
  size_t size() const { return list.size(); }
  const std::pair<uint32_t, asmjit::Label>& operator[](size_t i) const { return list[i]; }
  void clear() { list.clear(), index.clear(); }
};
// The label of the stub that reports trap site `site`; one stub per site.
asmjit::Label StubLabel(asmjit::BaseEmitter& as, TrapStubs& stubs, uint32_t site);
// Flattens, links and relocates the batch into `memory`, then makes it executable; `order` holds
// each function's label in the order of addition.
bool PlaceBatch(asmjit::CodeHolder& code, const std::vector<asmjit::Label>& order, platform::ExecMemory& memory,
                PlacedCode& out, std::string& error);
// Copies a small self-contained routine (a thunk) into executable memory; null on failure.
void* PlaceThunk(asmjit::CodeHolder& code, platform::ExecMemory& memory, std::string& error);

inline uint32_t AlignUp(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

// The moves of an inline copy or zeroing of `size` bytes, as move(offset, bytes): 16, 8 and 4
// bytes at a time, then a 4-byte tail overlapping bytes already written with the same values;
// below 4 bytes, 2 and 1.
template <class Move>
void ForEachInlineMove(uint32_t size, Move move) {
  uint32_t off = 0;
  if (size < 4) {
    if (size >= 2) move(0, 2), off = 2;
    if (off < size) move(off, 1);
    return;
  }
  for (uint32_t n : {16u, 8u, 4u}) {
    while (size - off >= n) move(off, n), off += n;
  }
  if (off < size) move(size - 4, 4);
}

// Collects asmjit's first encoding error (an operand combination it refused).
class ErrorCollector : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override;
  std::string first;
};

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

// The state both emitters keep for a batch and the function being emitted, and the walk over
// its blocks. `Assembler` is the target's asmjit assembler; the target's Emitter::Impl derives
// from this and emits the prologue, each MIR instruction and the out-of-line stubs.
template <class Assembler>
struct EmitterBase {
  // `target` names the encoding in errors ("x64", "a64").
  EmitterBase(const ir::Module& m, CodegenEnv& e, std::string* listing_out, const asmjit::Environment& environment,
              const char* target)
      : module(m), env(e), listing(listing_out, as), target_name(target) {
    code.init(environment);
    listing.Attach(code);
    code.attach(&as);
  }
  virtual ~EmitterBase() = default;

  // Appends one function (the batch's functions call each other by label); false with asmjit's
  // first encoding error.
  bool AddFunction(ir::FuncId id, const MFunction& fn, const Allocation& allocation, std::string& error);
  // Assembles, relocates and copies the batch into `memory`, then makes it executable.
  bool Place(platform::ExecMemory& memory, PlacedCode& out, std::string& error) {
    if (!PlaceBatch(code, order, memory, out, error)) return false;
    listing.Flush();
    return true;
  }

  asmjit::Label FuncLabel(ir::FuncId id) { return FunctionLabel(as, func_labels, id); }
  asmjit::Label Stub(uint32_t site) { return StubLabel(as, stubs, site); }
  // Where a virtual register lives: a physical register (>= 0) or a spill slot (-1).
  int32_t RegOf(VReg v) const { return IsPhys(v) ? int32_t(PhysOf(v)) : alloc->reg[v]; }

  virtual void EmitPrologue() = 0;
  virtual void EmitInst(const MInst& in) = 0;
  virtual void EmitStubs() = 0;  // after the function's code: the stubs its traps and polls jump to

  const ir::Module& module;
  CodegenEnv& env;
  asmjit::CodeHolder code;
  Assembler as;
  Listing listing;  // -print ctjit-asm (does nothing when not asked for)
  const char* target_name;
  std::unordered_map<ir::FuncId, asmjit::Label> func_labels;
  std::vector<asmjit::Label> order;  // each function's label, in the order of addition

  // Per function being emitted.
  const MFunction* f = nullptr;
  const Allocation* alloc = nullptr;
  ir::FuncId cur_func = 0;
  std::vector<asmjit::Label> blocks;
  TrapStubs stubs;
  uint32_t next_block = 0;  // the block laid out after the current one (a jump there is dropped)
};

template <class Assembler>
bool EmitterBase<Assembler>::AddFunction(ir::FuncId id, const MFunction& fn, const Allocation& allocation,
                                         std::string& error) {
  f = &fn;
  alloc = &allocation;
  cur_func = id;
  order.push_back(FuncLabel(id));
  blocks.clear();
  stubs.clear();
  ErrorCollector errors;
  code.setErrorHandler(&errors);
  for (size_t b = 0; b < f->blocks.size(); ++b) blocks.push_back(as.newLabel());
  as.align(asmjit::AlignMode::kCode, 16);
  listing.BeginFunction(as, module, id);
  as.bind(FuncLabel(id));
  EmitPrologue();
  for (uint32_t b = 0; b < f->blocks.size(); ++b) {
    as.bind(blocks[b]);
    listing.BeginBlock(as, b);
    next_block = b + 1;
    for (uint32_t i = f->blocks[b].begin; i < f->blocks[b].end; ++i) {
      listing.BeforeInst(as, f->insts[i]);
      EmitInst(f->insts[i]);
    }
  }
  EmitStubs();
  code.resetErrorHandler();
  if (!errors.first.empty())
    error = std::string(target_name) + " encoding of `" + module.functions[id].name + "`: " + errors.first;
  return error.empty();
}

}  // namespace thrustc::ctjit
