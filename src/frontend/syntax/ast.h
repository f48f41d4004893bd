// The abstract syntax tree, stored data-oriented: tokens and nodes live in flat vectors addressed
// by 32-bit ids, variable-length children in one shared `lists` vector, and declarations in side
// tables with named fields. Produced by the parser, annotated by the checker, read by lowering.
#pragma once
#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "support/source.h"

namespace thrustc::frontend {

enum class TokenKind : uint8_t {
#define THRUSTC_TOKEN(name, text) name,
#include "frontend/syntax/token.def"
};
std::string_view TokenKindName(TokenKind kind);  // the spelling, e.g. "+=" or "identifier"

using TokenId = uint32_t;

// The tokens of one file, struct-of-arrays. Token i spans [offsets[i], offsets[i] + Length(i)).
// Lengths take one byte each: nearly every token is shorter than 255 bytes, and the few longer
// ones (long string literals) are listed in `long_lengths`, in token order.
struct TokenList {
  static constexpr uint8_t kLongLength = 255;
  FileId file = 0;
  std::vector<TokenKind> kinds;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> short_lengths;  // kLongLength: look the token up in long_lengths
  std::vector<std::pair<TokenId, uint32_t>> long_lengths;
  size_t size() const { return kinds.size(); }
  void Push(TokenKind kind, uint32_t offset, uint32_t length) {
    kinds.push_back(kind);
    offsets.push_back(offset);
    short_lengths.push_back(uint8_t(length < kLongLength ? length : kLongLength));
    if (length >= kLongLength) long_lengths.push_back({TokenId(kinds.size() - 1), length});
  }
  uint32_t Length(TokenId t) const {
    if (short_lengths[t] != kLongLength) return short_lengths[t];
    auto it = std::lower_bound(long_lengths.begin(), long_lengths.end(), std::pair<TokenId, uint32_t>{t, 0});
    return it->second;
  }
  SourceLoc Loc(TokenId t) const { return {file, offsets[t]}; }
  SourceRange Range(TokenId t) const {
    uint32_t length = Length(t);
    return {{file, offsets[t]}, length ? length : 1};
  }
  // From the identifier t over every `:: IDENT` after it: the whole of `m::f` (13).
  SourceRange PathRange(TokenId t) const {
    TokenId last = t;
    while (last + 2 < size() && kinds[last + 1] == TokenKind::ColonColon && kinds[last + 2] == TokenKind::Identifier)
      last += 2;
    if (last == t) return Range(t);
    return {{file, offsets[t]}, offsets[last] + Length(last) - offsets[t]};
  }
};

using NameId = uint32_t;

// Interned identifiers, shared by every file of one compilation.
class NameTable {
 public:
  NameId Intern(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    storage_.emplace_back(s);
    NameId id = NameId(names_.size());
    names_.push_back(storage_.back());
    ids_.emplace(names_.back(), id);
    return id;
  }
  std::string_view Str(NameId id) const { return names_[id]; }
  // The id of `s` if it was interned, else kNoName (never interns).
  static constexpr NameId kNoName = UINT32_MAX;
  NameId Find(std::string_view s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? kNoName : it->second;
  }
  size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> storage_;
  std::vector<std::string_view> names_;
  std::unordered_map<std::string_view, NameId> ids_;
};

enum class NodeKind : uint8_t {
#define THRUSTC_NODE(name) name,
#include "frontend/syntax/node.def"
#undef THRUSTC_NODE
};
std::string_view NodeKindName(NodeKind kind);

using NodeId = uint32_t;
constexpr NodeId kNoNode = 0;

// One node: 20 bytes. Field meanings per kind are listed in node.def.
struct Node {
  NodeKind kind;
  uint8_t op = 0;      // a TokenKind for operators
  uint16_t flags = 0;  // unused by the parser; free for later phases
  TokenId tok = 0;
  uint32_t a = 0, b = 0, c = 0;
};

struct ListRef {
  uint32_t start = 0, count = 0;
};

struct Attr {
  NameId name;       // without the '@'
  TokenId tok;       // the attribute token
  NodeId arg;        // the literal argument of @extern("sym") / @align(8) / @convention("C"), or 0
};

enum class Storage : uint8_t { Var, Const, Static };

// Modifier words of a declaration (modifiers.def).
enum class Modifier : uint8_t {
#define THRUSTC_MODIFIER(name, text, family) name,
#include "frontend/syntax/modifiers.def"
#undef THRUSTC_MODIFIER
};
enum class ModifierFamily : uint8_t { Volatile, Atomic, Thread };
ModifierFamily FamilyOf(Modifier m);
std::string_view ModifierSpelling(Modifier m);
// The modifier spelled `word`, if it is one.
bool LookUpModifier(std::string_view word, Modifier* out);

// A type parameter of a generic function, struct or alias (12): `fn f[T, U](...)`.
struct TypeParam {
  NameId name;
  TokenId tok;
  bool used;  // named anywhere in the declaration after the parameter list (else W0032)
};

struct FnDecl {
  NameId name;
  TokenId name_tok;
  ListRef type_params;  // into Ast::type_params; empty for a non-generic function
  ListRef params;    // into Ast::params
  NodeId ret_type;   // 0 = void
  ListRef attrs;     // into Ast::attrs
  NodeId body;       // a Block, or 0 for a prototype
};

struct Param {
  NameId name;
  TokenId tok;
  NodeId type;
};

struct VarDecl {
  NameId name;
  TokenId name_tok;
  Storage storage;
  bool is_mut;       // `static mut`
  NodeId type;       // 0 = inferred from the initializer (`var x := e`)
  NodeId init;       // 0 = none
  ListRef attrs;     // before the `:` and after the type, in source order
  uint32_t modifiers = 0;         // bit (1 << Modifier) for each modifier word
  TokenId modifier_tok = 0;       // the first modifier word, for diagnostics
  bool Has(Modifier m) const { return modifiers >> uint32_t(m) & 1; }
};

struct StructDecl {
  NameId name;
  TokenId name_tok;
  ListRef type_params;  // into Ast::type_params
  ListRef fields;    // into Ast::fields
  ListRef attrs;
};

struct FieldDecl {
  NameId name;
  TokenId tok;
  NodeId type;
};

struct EnumDecl {
  NameId name;
  TokenId name_tok;
  ListRef members;   // into Ast::members
  ListRef attrs;
};

struct EnumMemberDecl {
  NameId name;
  TokenId tok;
  NodeId type;
  NodeId value;      // 0 = previous member + 1 (first: 0)
};

// `type A [T] @public = ...;` beyond its name and type.
struct AliasDecl {
  ListRef type_params;  // into Ast::type_params; empty unless generic
  ListRef attrs;
};

// What an import says beyond its path (13, 11): `import "f" as a::b;`, `import "f" only { x, y };`,
// `import std::a::b ...;`, `importC "h.h" as c;`. An ImportItem or ImportCItem whose `b` is 0 has
// none of it.
struct ImportDecl {
  bool is_std = false;  // `import std::a::b`: the path string is `a/b` (the part after `std::`)
  bool has_only = false;
  bool has_alias = false;
  NameId alias = 0;     // `as a::b`, interned as "a::b"
  TokenId alias_tok = 0;
  ListRef only;         // Name nodes of `only { ... }`
};

struct Ast;
// An import item's module as written: `"lib/geo.thrust"` (quoted) or `std::collections::vector`.
std::string ImportSpelling(const Ast& ast, NodeId item);

// One parsed file.
struct Ast {
  FileId file = 0;
  const TokenList* tokens = nullptr;
  std::vector<Node> nodes{Node{NodeKind::ErrorNode}};  // nodes[0] is the kNoNode placeholder
  std::vector<uint32_t> lists;
  std::vector<uint64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
  std::vector<NodeId> items;  // top-level declarations in source order

  std::vector<FnDecl> fns;
  std::vector<Param> params;
  std::vector<VarDecl> vars;
  std::vector<StructDecl> structs;
  std::vector<FieldDecl> fields;
  std::vector<EnumDecl> enums;
  std::vector<EnumMemberDecl> members;
  std::vector<Attr> attrs;
  std::vector<TypeParam> type_params;
  std::vector<AliasDecl> aliases;          // TypeAliasItem::c - 1 indexes this
  std::vector<ImportDecl> imports;         // ImportItem / ImportCItem::b - 1 indexes this

  const Node& operator[](NodeId id) const { return nodes[id]; }
  uint32_t List(ListRef r, uint32_t i) const { return lists[r.start + i]; }
  uint32_t ListAt(uint32_t start, uint32_t i) const { return lists[start + i]; }
  SourceRange Range(NodeId id) const {
    const Node& n = nodes[id];
    bool named = n.kind == NodeKind::Name || n.kind == NodeKind::TypeName || n.kind == NodeKind::TypeInst ||
                 n.kind == NodeKind::GenericName;
    return named ? tokens->PathRange(n.tok) : tokens->Range(n.tok);
  }
  SourceLoc Loc(NodeId id) const { return tokens->Loc(nodes[id].tok); }
};

}  // namespace thrustc::frontend
