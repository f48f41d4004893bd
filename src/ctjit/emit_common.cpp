// The target-neutral asmjit bookkeeping of the two encoders (emit_common.h): function and stub
// labels, encoding errors, copying assembled code into executable memory, and the -print
// ctjit-asm listing. (EmitterBase, a template over the assembler, is all in the header.)
#include "ctjit/emit_common.h"

#include <cstdio>
#include <cstring>

#include "ir/printer.h"

namespace thrustc::ctjit {

using namespace asmjit;

Label FunctionLabel(BaseEmitter& as, std::unordered_map<ir::FuncId, Label>& labels, ir::FuncId id) {
  auto it = labels.find(id);
  if (it != labels.end()) return it->second;
  Label l = as.newLabel();
  labels.emplace(id, l);
  return l;
}

Label StubLabel(BaseEmitter& as, TrapStubs& stubs, uint32_t site) {
  auto [it, added] = stubs.index.try_emplace(site, stubs.list.size());
  if (added) stubs.list.push_back({site, as.newLabel()});
  return stubs.list[it->second].second;
}

bool PlaceBatch(CodeHolder& code, const std::vector<Label>& order, platform::ExecMemory& memory, PlacedCode& out,
                std::string& error) {
  if (Error e = code.flatten(); e != kErrorOk) return error = DebugUtils::errorAsString(e), false;
  if (Error e = code.resolveUnresolvedLinks(); e != kErrorOk) return error = DebugUtils::errorAsString(e), false;
  size_t estimate = code.codeSize();
  uint8_t* p = memory.AllocateWritable(estimate, &error);
  if (!p) return false;
  if (Error e = code.relocateToBase(uint64_t(uintptr_t(p))); e != kErrorOk)
    return error = std::string("relocation failed: ") + DebugUtils::errorAsString(e), false;
  size_t size = code.codeSize();
  code.copyFlattenedData(p, estimate, CopySectionFlags::kPadTargetBuffer);
  if (!memory.MakeExecutable(p, estimate, &error)) return false;
  out.base = p;
  out.size = size;
  for (const Label& l : order) out.offsets.push_back(uint32_t(code.labelOffsetFromBase(l)));
  return true;
}

void* PlaceThunk(CodeHolder& code, platform::ExecMemory& memory, std::string& error) {
  size_t size = code.codeSize();
  uint8_t* p = memory.AllocateWritable(size, &error);
  if (!p) return nullptr;
  code.relocateToBase(uint64_t(uintptr_t(p)));
  code.copyFlattenedData(p, size, CopySectionFlags::kPadTargetBuffer);
  if (!memory.MakeExecutable(p, size, &error)) return nullptr;
  return p;
}

void ErrorCollector::handleError(Error err, const char* message, BaseEmitter*) {
  if (first.empty()) first = std::string(DebugUtils::errorAsString(err)) + ": " + message;
}

// asmjit may log one line in pieces; empty lines are dropped.
Error Listing::OffsetLogger::_log(const char* data, size_t size) noexcept {
  if (size == SIZE_MAX) size = std::strlen(data);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      if (!at_line_start_) text += '\n';
      at_line_start_ = true;
      continue;
    }
    if (at_line_start_) {
      char offset[16];
      std::snprintf(offset, sizeof offset, "%06zx  ", as_.offset());
      text += offset;
      at_line_start_ = false;
    }
    text += data[i];
  }
  return kErrorOk;
}

void Listing::Attach(CodeHolder& code) {
  if (!out_) return;
  logger_.addFlags(FormatFlags::kMachineCode);
  code.setLogger(&logger_);
}

// ir::PrintFunction writes the header, then the slots and each instruction on its own
// two-space-indented line, and each block's label unindented with a trailing `:`.
void Listing::BeginFunction(BaseEmitter& as, const ir::Module& module, ir::FuncId id) {
  if (!out_) return;
  header_.clear();
  block_labels_.clear();
  inst_lines_.clear();
  last_shown_ = 0;
  std::string text = ir::PrintFunction(module, id);
  size_t slots = module.functions[id].slots.size();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (header_.empty()) header_ = "; " + line;
    else if (line.rfind("  ", 0) == 0 && slots > 0) --slots;  // a slot line
    else if (line.rfind("  ", 0) == 0) inst_lines_.push_back(";   " + line.substr(2));
    else if (!line.empty() && line.back() == ':') block_labels_.push_back("; " + line);
  }
  as.comment(header_.c_str());
}

void Listing::BeginBlock(BaseEmitter& as, uint32_t b) {
  if (out_ && b < block_labels_.size()) as.comment(block_labels_[b].c_str());
}

// MIR instructions carry the 1-based number of their IR instruction in block order. Those that
// emitted nothing of their own (rematerialized constants, a compare fused into its branch) appear
// just before the code that consumed them.
void Listing::BeforeInst(BaseEmitter& as, const MInst& in) {
  if (!out_ || in.ir_inst == UINT32_MAX || in.ir_inst <= last_shown_) return;
  for (uint32_t k = last_shown_ + 1; k <= in.ir_inst && k <= inst_lines_.size(); ++k)
    as.comment(inst_lines_[k - 1].c_str());
  last_shown_ = in.ir_inst;
}

void Listing::Flush() {
  if (!out_) return;
  *out_ += logger_.text;
  logger_.text.clear();
}

}  // namespace thrustc::ctjit
