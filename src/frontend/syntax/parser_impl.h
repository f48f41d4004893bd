// Private to the syntax library: the Parser class shared by parse_*.cpp, and the literal helpers
// that the lexer (which validates literals) and the parser (which decodes them) both use.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "frontend/syntax/ast.h"
#include "support/diagnostics.h"

namespace thrustc::frontend {

// 0-35 for [0-9a-zA-Z], 99 otherwise.
inline unsigned DigitValue(char c) {
  if (c >= '0' && c <= '9') return unsigned(c - '0');
  if (c >= 'a' && c <= 'z') return unsigned(c - 'a' + 10);
  if (c >= 'A' && c <= 'Z') return unsigned(c - 'A' + 10);
  return 99;
}

// Decodes the escape starting at p[0] == '\\'; returns the bytes consumed, or 0 if invalid.
inline size_t DecodeEscape(const char* p, const char* end, uint8_t* out) {
  if (p + 1 >= end) return 0;
  switch (p[1]) {
    case 'n': *out = '\n'; return 2;
    case 't': *out = '\t'; return 2;
    case 'r': *out = '\r'; return 2;
    case '\\': *out = '\\'; return 2;
    case '0': *out = 0; return 2;
    case '\'': *out = '\''; return 2;
    case '"': *out = '"'; return 2;
    case 'x': {
      if (end - p < 4) return 0;
      unsigned hi = DigitValue(p[2]), lo = DigitValue(p[3]);
      if (hi >= 16 || lo >= 16) return 0;
      *out = uint8_t(hi * 16 + lo);
      return 4;
    }
    default: return 0;
  }
}

inline bool IsReservedWord(TokenKind k) {
  switch (k) {
#define THRUSTC_TOKEN(name, text)
#define THRUSTC_RESERVED(name, text) case TokenKind::name:
#include "frontend/syntax/token.def"
    return true;
    default:
      return false;
  }
}

class Parser {
 public:
  Parser(const TokenList& tokens, std::string_view text, NameTable& names, DiagnosticEngine& diags);
  Ast Run();

 private:
  friend struct DepthGuard;
  static constexpr uint32_t kMaxDepth = 256;
  // Postfix and cast chains (`f()()`, `a.b[1].c`, `x as A as B`) do not recurse here but build a
  // tree as deep as the chain is long, which later phases walk recursively: so every link of an
  // open chain counts toward this bound on the depth of the finished tree. Binary operator
  // chains do not count: every phase walks their left spine in a loop (CheckBinaryChain).
  static constexpr uint32_t kMaxTreeDepth = 4096;

  // Token cursor (parser.cpp).
  TokenKind Peek(uint32_t ahead = 0) const {
    size_t i = size_t(pos_) + ahead;
    return i < tokens_.size() ? tokens_.kinds[i] : TokenKind::Eof;
  }
  bool At(TokenKind k) const { return Peek() == k; }
  TokenId Advance() { return At(TokenKind::Eof) ? pos_ : pos_++; }
  bool Accept(TokenKind k) {
    if (!At(k)) return false;
    ++pos_;
    return true;
  }
  bool Expect(TokenKind k, std::string_view what = {});
  std::string_view Text(TokenId t) const {
    return text_.substr(tokens_.offsets[t], tokens_.Length(t));
  }
  NameId InternTok(TokenId t);
  bool ExpectIdentifier(TokenId* tok, std::string_view what);

  // Errors and recovery (parser.cpp).
  void ErrorAt(TokenId t, std::string message);
  void ErrorExpected(std::string_view what);
  void ReportReserved(TokenId t);
  void SyncStatement();
  void SyncItem();
  bool EnterDepth();
  void LeaveDepth() { --depth_; }
  bool ExtendChain(uint32_t* chain);
  void EndChain(uint32_t chain) { chain_depth_ -= chain; }
  void ReportTooDeep();

  // Nodes and lists.
  NodeId Add(NodeKind kind, TokenId tok, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0,
             uint8_t op = 0) {
    ast_.nodes.push_back(Node{kind, op, 0, tok, a, b, c});
    return NodeId(ast_.nodes.size() - 1);
  }
  NodeId AddError() { return Add(NodeKind::ErrorNode, pos_); }
  // Children collect on a scratch stack, then move into Ast::lists as one contiguous run.
  size_t Mark() const { return scratch_.size(); }
  ListRef Commit(size_t mark);

  // Declarations (parse_decl.cpp).
  NodeId ParseItem();
  NodeId ParseFn();
  NodeId ParseVarDecl();
  NodeId ParseForAction();
  void ParseModifiers(VarDecl& var);
  NodeId ParseStruct();
  NodeId ParseEnum();
  NodeId ParseTypeAlias();
  ListRef ParseTypeParams();
  void MarkUsedTypeParams(ListRef params, TokenId from);
  void ScanGenericNames();
  NodeId ParseImport();
  bool ParseModulePath(std::string* spelled);
  NameId ParsePathRest(TokenId first);
  bool AtAttribute(std::string_view text) const { return At(TokenKind::Attribute) && Text(pos_) == text; }
  NodeId ParseCtIf(bool top_level);
  NodeId ParseCtIfRest(TokenId tok, bool top_level);
  NodeId ParseCtBranch(bool top_level);
  ListRef ParseAttrs();

  // Statements (parse_stmt.cpp).
  NodeId ParseBlock();
  NodeId ParseStatement();
  NodeId ParseBody();
  NodeId ParseIf();
  NodeId ParseWhile();
  NodeId ParseFor();
  NodeId ParseSimpleStmt(NodeKind kind, uint32_t all = 0);
  NodeId ParseReturn();
  NodeId ParseDefer();
  NodeId ParseExprStmt();

  // Expressions (parse_expr.cpp).
  NodeId ParseExpr();
  NodeId ParseBinary(int min_prec);
  NodeId ParseCast();
  NodeId ParseUnary();
  NodeId ParsePostfix(NodeId base);
  NodeId ParsePrimary();
  NodeId ParseIdentifierExpr();
  NodeId ParseStructLit();
  NodeId ParseLiteral();
  uint32_t AddString(TokenId t);  // decodes a string token into Ast::strings
  uint32_t ParseExprList(TokenKind close, uint32_t* count);
  bool StartsTypeOnly() const;
  bool TypeArgsFollow(std::string_view callee) const;
  bool IsKnownTypeName(std::string_view s) const;

  // Types (parse_type.cpp).
  NodeId ParseType();
  NodeId ParseTypeConstructor(TokenId name_tok);
  NodeId ParseFnType(TokenId fn_tok);
  ListRef ParseTypeArgs();  // "[" type { "," type } "]"

  const TokenList& tokens_;
  std::string_view text_;
  NameTable& names_;
  DiagnosticEngine& diags_;
  Ast ast_;
  std::vector<uint32_t> scratch_;
  // A direct-mapped cache in front of NameTable::Intern (std::hash over a node-based map):
  // identifiers repeat constantly, so most lookups end here. Entries point into the source text.
  struct NameCacheSlot {
    const char* text = nullptr;
    uint32_t len = 0;
    NameId id = 0;
  };
  static constexpr uint32_t kNameCacheSize = 4096;
  std::vector<NameCacheSlot> name_cache_;
  // Generics (12): the names this file declares as generic functions, structs or aliases, and as
  // types; the type parameters of the declaration being parsed. They tell `f[T](x)` (a generic
  // call) from `a[i](x)` (a call of an indexed function value).
  std::unordered_set<std::string_view> generic_names_, type_names_;
  std::vector<std::string_view> scope_type_params_;
  TokenId pos_ = 0;
  uint32_t depth_ = 0;
  uint32_t chain_depth_ = 0;  // operators in the chains currently open (see kMaxTreeDepth)
  bool panic_ = false;  // an error was reported; further ones wait for the next sync point
  bool bail_ = false;   // nesting limit hit: stop parsing and suppress everything after
};

}  // namespace thrustc::frontend

namespace thrustc::frontend {

// Counts one level of recursion (a nested expression, block, statement or type) for the
// duration of a Parse* call; `ok` is false once the nesting limit is exceeded.
struct DepthGuard {
  explicit DepthGuard(Parser& p) : parser(p), ok(p.EnterDepth()) {}
  ~DepthGuard() { parser.LeaveDepth(); }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  Parser& parser;
  bool ok;
};

}  // namespace thrustc::frontend
