// Parser core: TokenList -> Ast, the second phase of the frontend. This file holds the entry
// point, the token cursor, error reporting and recovery; the grammar itself is split by concern
// into parse_decl.cpp, parse_stmt.cpp, parse_expr.cpp and parse_type.cpp.
#include "frontend/syntax/parser.h"

#include "frontend/syntax/parser_impl.h"

namespace thrustc::frontend {

Parser::Parser(const TokenList& tokens, std::string_view text, NameTable& names,
               DiagnosticEngine& diags)
    : tokens_(tokens), text_(text), names_(names), diags_(diags) {
  ast_.file = tokens.file;
  ast_.tokens = &tokens;
  // Roughly one node per token and one list entry per four; avoids regrowth on real programs.
  ast_.nodes.reserve(tokens.size() + 1);
  ast_.lists.reserve(tokens.size() / 4 + 8);
  scratch_.reserve(256);
  name_cache_.resize(kNameCacheSize);
}

NameId Parser::InternTok(TokenId t) {
  std::string_view s = Text(t);
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : s) h = (h ^ uint8_t(c)) * 16777619u;
  NameCacheSlot& slot = name_cache_[h & (kNameCacheSize - 1)];
  if (slot.len == s.size() && slot.text && std::string_view(slot.text, slot.len) == s) return slot.id;
  NameId id = names_.Intern(s);
  slot = {s.data(), uint32_t(s.size()), id};
  return id;
}

// file = { item | ";" } EOF
Ast Parser::Run() {
  ScanGenericNames();
  while (!At(TokenKind::Eof)) {
    if (Accept(TokenKind::Semicolon)) continue;
    TokenId start = pos_;
    NodeId item = ParseItem();
    if (item != kNoNode) ast_.items.push_back(item);
    if (panic_) SyncItem();
    if (pos_ == start) Advance();  // always make progress
  }
  return std::move(ast_);
}

// Before parsing: which names the file declares as generics (`fn f [`, `struct S [`, `type A [`)
// and as types, so a call `f[T](x)` parses as an instantiation (see TypeArgsFollow).
void Parser::ScanGenericNames() {
  for (TokenId t = 0; t + 1 < tokens_.size(); ++t) {
    TokenKind k = tokens_.kinds[t];
    if (k != TokenKind::KwFn && k != TokenKind::KwStruct && k != TokenKind::KwType && k != TokenKind::KwEnum) continue;
    if (tokens_.kinds[t + 1] != TokenKind::Identifier) continue;
    std::string_view name = Text(t + 1);
    if (k != TokenKind::KwFn) type_names_.insert(name);
    if (t + 2 < tokens_.size() && tokens_.kinds[t + 2] == TokenKind::LBracket) generic_names_.insert(name);
  }
}

ListRef Parser::Commit(size_t mark) {
  ListRef r{uint32_t(ast_.lists.size()), uint32_t(scratch_.size() - mark)};
  ast_.lists.insert(ast_.lists.end(), scratch_.begin() + std::ptrdiff_t(mark), scratch_.end());
  scratch_.resize(mark);
  return r;
}

namespace {
// How a found token is named in "expected X, found Y".
std::string Describe(TokenKind kind, std::string_view text) {
  if (kind == TokenKind::Eof) return "end of file";
  if (text.size() > 24) return std::string(TokenKindName(kind));
  return "`" + std::string(text) + "`";
}
}  // namespace

void Parser::ErrorAt(TokenId t, std::string message) {
  if (panic_ || bail_) return;
  panic_ = true;
  // An Error token was reported by the lexer; so was whatever swallowed the text up to Eof
  // (an unterminated string or comment). Complaining about them again would be a cascade.
  TokenKind found = tokens_.kinds[t];
  if (found == TokenKind::Error) return;
  if (found == TokenKind::Eof && t > 0 && tokens_.kinds[t - 1] == TokenKind::Error) return;
  diags_.Report(DiagKind::UnexpectedToken, tokens_.Range(t), std::move(message));
}

void Parser::ErrorExpected(std::string_view what) {
  ErrorAt(pos_, "expected " + std::string(what) + ", found " + Describe(Peek(), Text(pos_)));
}

bool Parser::Expect(TokenKind k, std::string_view what) {
  if (Accept(k)) return true;
  if (!what.empty()) {
    ErrorExpected(what);
  } else {
    ErrorExpected("`" + std::string(TokenKindName(k)) + "`");
  }
  return false;
}

bool Parser::ExpectIdentifier(TokenId* tok, std::string_view what) {
  *tok = pos_;
  if (Accept(TokenKind::Identifier)) return true;
  if (IsReservedWord(Peek())) {  // `var load: s32`: say the word is reserved, then go on
    ReportReserved(Advance());
    return true;
  }
  ErrorExpected(what);
  return false;
}


// Reserved words are their own diagnostic, not an UnexpectedToken, and do not start panic mode:
// the parser treats the word as an erroneous operand and carries on.
void Parser::ReportReserved(TokenId t) {
  if (bail_ || panic_) return;
  diags_.Report(DiagKind::ReservedKeyword, tokens_.Range(t),
                "`" + std::string(Text(t)) + "` is reserved and not supported");
}

// Skips to a likely statement boundary: past a `;`, or before a `}` or a statement keyword,
// stepping over balanced `{ ... }` groups so a broken nested block is skipped whole.
void Parser::SyncStatement() {
  uint32_t braces = 0;
  for (;; Advance()) {
    TokenKind k = Peek();
    if (k == TokenKind::Eof) break;
    if (k == TokenKind::LBrace) ++braces;
    if (k == TokenKind::RBrace) {
      if (braces == 0) break;
      --braces;
      continue;
    }
    if (braces > 0) continue;
    if (k == TokenKind::Semicolon) {
      Advance();
      break;
    }
    bool statement_start = k == TokenKind::KwVar || k == TokenKind::KwConst ||
                           k == TokenKind::KwStatic || k == TokenKind::KwIf ||
                           k == TokenKind::KwWhile || k == TokenKind::KwFor ||
                           k == TokenKind::KwLoop || k == TokenKind::KwReturn ||
                           k == TokenKind::KwBreak || k == TokenKind::KwContinue ||
                           k == TokenKind::KwDefer || k == TokenKind::KwFn;
    if (statement_start) break;
  }
  panic_ = false;
}

// Skips to the next top-level item keyword outside any braces.
void Parser::SyncItem() {
  uint32_t braces = 0;
  for (;; Advance()) {
    TokenKind k = Peek();
    if (k == TokenKind::Eof) break;
    if (k == TokenKind::LBrace) ++braces;
    if (k == TokenKind::RBrace && braces > 0) --braces;
    if (braces > 0) continue;
    bool item_start = k == TokenKind::KwFn || k == TokenKind::KwStruct ||
                      k == TokenKind::KwEnum || k == TokenKind::KwType ||
                      k == TokenKind::KwImport || k == TokenKind::KwImportC || k == TokenKind::KwDirective ||
                      k == TokenKind::KwVar || k == TokenKind::KwConst ||
                      k == TokenKind::KwStatic;
    if (item_start) break;
  }
  panic_ = false;
}

// The nesting limit protects the native stack: past it, report once and stop parsing the file
// (jump to Eof) rather than try to resynchronise inside a pathological construct.
bool Parser::EnterDepth() {
  ++depth_;
  if (depth_ <= kMaxDepth && depth_ + chain_depth_ <= kMaxTreeDepth) return !bail_;
  ReportTooDeep();
  return false;
}

// Counts one more operator of a left-associative chain; false once the tree would be too deep.
bool Parser::ExtendChain(uint32_t* chain) {
  ++*chain;
  ++chain_depth_;
  if (depth_ + chain_depth_ <= kMaxTreeDepth) return !bail_;
  ReportTooDeep();
  return false;
}

void Parser::ReportTooDeep() {
  if (!bail_) {
    std::string why = depth_ > kMaxDepth
                          ? "nesting is too deep (more than " + std::to_string(kMaxDepth) +
                                " levels of expressions, blocks or types)"
                          : "expression is too deep (more than " + std::to_string(kMaxTreeDepth) +
                                " levels including chained calls and casts); split it";
    diags_.Report(DiagKind::NestingTooDeep, tokens_.Range(pos_), std::move(why));
    bail_ = true;
  }
  pos_ = TokenId(tokens_.size() - 1);
}

Ast Parse(const TokenList& tokens, std::string_view text, NameTable& names, DiagnosticEngine& diags) {
  return Parser(tokens, text, names, diags).Run();
}

}  // namespace thrustc::frontend
