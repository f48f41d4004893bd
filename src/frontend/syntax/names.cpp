// Display names of token and node kinds and modifier words, generated from token.def, node.def and
// modifiers.def. Used by diagnostics ("expected `;`"), the parser and the -print dumps.
#include "frontend/syntax/ast.h"

namespace thrustc::frontend {

namespace {
constexpr std::string_view kTokenSpellings[] = {
#define THRUSTC_TOKEN(name, text) text,
#include "frontend/syntax/token.def"
};
constexpr std::string_view kNodeNames[] = {
#define THRUSTC_NODE(name) #name,
#include "frontend/syntax/node.def"
#undef THRUSTC_NODE
};
struct ModifierInfo {
  std::string_view text;
  ModifierFamily family;
};
constexpr ModifierInfo kModifiers[] = {
#define THRUSTC_MODIFIER(name, text, family) {text, ModifierFamily::family},
#include "frontend/syntax/modifiers.def"
#undef THRUSTC_MODIFIER
};
}  // namespace

ModifierFamily FamilyOf(Modifier m) { return kModifiers[size_t(m)].family; }
std::string_view ModifierSpelling(Modifier m) { return kModifiers[size_t(m)].text; }
bool LookUpModifier(std::string_view word, Modifier* out) {
  for (size_t i = 0; i < std::size(kModifiers); ++i)
    if (kModifiers[i].text == word) return *out = Modifier(i), true;
  return false;
}

std::string_view TokenKindName(TokenKind kind) { return kTokenSpellings[size_t(kind)]; }
std::string_view NodeKindName(NodeKind kind) { return kNodeNames[size_t(kind)]; }

}  // namespace thrustc::frontend
