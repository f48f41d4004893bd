// The target-neutral asmjit bookkeeping of the two encoders (emit_common.h): function and stub
// labels, and copying assembled code into executable memory.
#include "ctjit/emit_common.h"

namespace thrustc::ctjit {

using namespace asmjit;

Label FunctionLabel(BaseEmitter& as, std::unordered_map<ir::FuncId, Label>& labels, ir::FuncId id) {
  auto it = labels.find(id);
  if (it != labels.end()) return it->second;
  Label l = as.newLabel();
  labels.emplace(id, l);
  return l;
}

Label StubLabel(BaseEmitter& as, std::vector<std::pair<uint32_t, Label>>& stubs, uint32_t site) {
  for (auto& s : stubs)
    if (s.first == site) return s.second;
  stubs.push_back({site, as.newLabel()});
  return stubs.back().second;
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

}  // namespace thrustc::ctjit
