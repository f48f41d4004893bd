// The IR globals behind the checker's declarations and constants: statics (top-level and inside
// functions) with their initial bytes, one read-only global per distinct string literal, and the
// bytes of aggregate constants. The checker refers to each by its id (Symbol::ir, ConstVal::global).
#include <algorithm>
#include <cstring>

#include "frontend/lower/lowerer.h"

namespace thrustc::frontend {

uint32_t Lowerer::DeclareStatic(const Symbol& sym) {
  TypeId t = sym.type;
  ir::Global g;
  g.name = sym.is_extern ? sym.extern_name : LinkName(sym);
  if (!sym.is_extern && mod_.FindGlobal(g.name) != UINT32_MAX)
    g.name += "." + std::to_string(mod_.globals.size());
  g.size = uint32_t(types_.SizeOf(t));
  g.align = std::max(types_.AlignOf(t), sym.align);
  g.is_mutable = sym.is_mut;
  g.linkage = sym.is_extern   ? ir::Linkage::External
              : sym.is_public ? ir::Linkage::Public
                              : ir::Linkage::Internal;
  mod_.globals.push_back(std::move(g));
  return uint32_t(mod_.globals.size() - 1);
}

uint32_t Lowerer::DeclareLocalStatic(const FnCtx& fc, const Symbol& sym) {
  TypeId t = sym.type;
  ir::Global g;
  std::string fn_name = fc.fn_sym != UINT32_MAX ? std::string(Str(syms_[fc.fn_sym].name)) : "";
  g.name = fn_name + "." + std::string(Str(sym.name)) + "." + std::to_string(mod_.globals.size());
  g.size = uint32_t(types_.SizeOf(t));
  g.align = std::max(types_.AlignOf(t), sym.align);
  g.is_mutable = sym.is_mut;
  mod_.globals.push_back(std::move(g));
  return uint32_t(mod_.globals.size() - 1);
}

// Writes a constant into a global's initial bytes (strings become a relocation to their global).
void Lowerer::InitGlobal(uint32_t g, const ConstVal& v) {
  uint32_t size = mod_.globals[g].size;
  std::vector<uint8_t> bytes(size, 0);
  if (!ConstToBytes(v, bytes.data())) {
    mod_.globals[g].relocs.push_back({0, false, v.global, 0});
  }
  mod_.globals[g].bytes = std::move(bytes);
}

uint32_t Lowerer::StringGlobal(const std::string& s) {
  auto [it, inserted] = string_globals_.try_emplace(s, uint32_t(mod_.globals.size()));
  if (!inserted) return it->second;
  ir::Global g;
  g.name = ".str." + std::to_string(string_globals_.size() - 1);
  g.size = uint32_t(s.size() + 1);
  g.align = 1;
  g.bytes.assign(s.begin(), s.end());
  g.bytes.push_back(0);
  mod_.globals.push_back(std::move(g));
  return it->second;
}

uint32_t Lowerer::BytesGlobal(const std::vector<uint8_t>& bytes, uint32_t align, std::string prefix) {
  ir::Global g;
  g.name = prefix + std::to_string(const_global_count_++);
  g.size = uint32_t(bytes.size());
  g.align = align;
  g.bytes = bytes;
  mod_.globals.push_back(std::move(g));
  return uint32_t(mod_.globals.size() - 1);
}

bool Lowerer::ConstToBytes(const ConstVal& v, uint8_t* out) {
  TypeId t = types_.Unqual(v.type);
  uint64_t size = types_.SizeOf(t);
  if (v.global != UINT32_MAX) {
    if (!types_.IsAggregate(t)) return false;  // a pointer to a global: needs a relocation
    const auto& bytes = mod_.globals[v.global].bytes;
    if (bytes.empty()) std::memset(out, 0, size);
    else std::memcpy(out, bytes.data(), size);
    return true;
  }
  if (t == kF32) {
    float f = float(v.f);
    std::memcpy(out, &f, 4);
  } else if (t == kF64) {
    std::memcpy(out, &v.f, 8);
  } else {
    uint64_t bits = uint64_t(v.i);
    std::memcpy(out, &bits, size);  // little-endian hosts and targets only
  }
  return true;
}

}  // namespace thrustc::frontend
