// The builtin functions of section 8, from builtins.def: their ids, names, arities and families.
// The parser asks which builtins take types; the checker and the lowering dispatch on families.
#pragma once
#include <cstdint>
#include <string_view>

namespace thrustc::frontend {

enum class Builtin : uint8_t {
#define THRUSTC_BUILTIN(id, name, arity, family) id,
#include "frontend/syntax/builtins.def"
#undef THRUSTC_BUILTIN
};
enum class BuiltinFamily : uint8_t { Type, Memory, AtomicRmw, AtomicCas, TypeQuery, Fact, Assert, Variadic };
struct BuiltinInfo {
  std::string_view name;
  uint32_t arity;
  BuiltinFamily family;
};
inline constexpr BuiltinInfo kBuiltinInfo[] = {
#define THRUSTC_BUILTIN(id, name, arity, family) {name, arity, BuiltinFamily::family},
#include "frontend/syntax/builtins.def"
#undef THRUSTC_BUILTIN
};

// The builtin spelled `name`, if there is one.
inline const BuiltinInfo* FindBuiltin(std::string_view name) {
  for (const BuiltinInfo& b : kBuiltinInfo)
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace thrustc::frontend
