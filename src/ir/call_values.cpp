// Raw call values shared by the executors (call_values.h).
#include "ir/call_values.h"

#include <cstring>

namespace thrustc::ir {

uint64_t FloatBits(Type t, double v) {
  if (t == Type::F32) {
    float f = float(v);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return bits;
  }
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  return bits;
}

std::optional<std::string> BuildEntryArgs(const Signature& sig, const std::vector<std::string>& args, EntryArgs& out) {
  out.storage.clear();
  out.argv.clear();
  out.values.clear();
  if (sig.params.empty()) return std::nullopt;
  if (sig.params.size() != 2) return "`main` must take () or (i32, ptr)";
  for (const std::string& a : args) {
    out.storage.emplace_back(a.begin(), a.end());
    out.storage.back().push_back('\0');
  }
  for (auto& a : out.storage) out.argv.push_back(a.data());
  out.argv.push_back(nullptr);
  out.values = {uint64_t(int64_t(int32_t(args.size()))), uint64_t(uintptr_t(out.argv.data()))};
  return std::nullopt;
}

}  // namespace thrustc::ir
