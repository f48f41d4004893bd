// Display names of token and node kinds, generated from token.def and node.def. Used by
// diagnostics ("expected `;`") and by the -print tokens / -print ast dumps.
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
}  // namespace

std::string_view TokenKindName(TokenKind kind) { return kTokenSpellings[size_t(kind)]; }
std::string_view NodeKindName(NodeKind kind) { return kNodeNames[size_t(kind)]; }

}  // namespace thrustc::frontend
