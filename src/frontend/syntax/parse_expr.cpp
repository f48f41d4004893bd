// Parser, expressions (section 5): precedence climbing over the C-like table of section 5.1,
// prefix and postfix operators, primaries, literals and the sizeOf/alignOf/halloc builtins whose
// argument may be a type.
#include <algorithm>
#include <charconv>

#include "frontend/syntax/parser_impl.h"
#include "frontend/syntax/builtins.h"

namespace thrustc::frontend {

namespace {

constexpr int kComparisonPrec = 4;

// Binding power of a binary operator (section 5.1 levels 2-10); 0 = not a binary operator.
int BinaryPrec(TokenKind k) {
  switch (k) {
    case TokenKind::PipePipe: case TokenKind::KwOr: return 2;
    case TokenKind::AmpAmp: case TokenKind::KwAnd: return 3;
    case TokenKind::EqEq: case TokenKind::NotEq: case TokenKind::Less:
    case TokenKind::LessEq: case TokenKind::Greater: case TokenKind::GreaterEq: return 4;
    case TokenKind::Pipe: return 5;
    case TokenKind::Caret: return 6;
    case TokenKind::Amp: return 7;
    case TokenKind::Shl: case TokenKind::Shr: return 8;
    case TokenKind::Plus: case TokenKind::Minus: return 9;
    case TokenKind::Star: case TokenKind::Slash: case TokenKind::Percent: return 10;
    default: return 0;
  }
}

bool IsAssignOp(TokenKind k) {
  switch (k) {
    case TokenKind::Assign: case TokenKind::PlusAssign: case TokenKind::MinusAssign:
    case TokenKind::StarAssign: case TokenKind::SlashAssign: case TokenKind::PercentAssign:
    case TokenKind::AmpAssign: case TokenKind::PipeAssign: case TokenKind::CaretAssign:
    case TokenKind::ShlAssign: case TokenKind::ShrAssign: return true;
    default: return false;
  }
}

// Names that can only be a type, so `sizeOf(u8)` parses its argument as a type node. The
// unsupported wide types are included so the checker can reject them with a type error.
bool IsPrimitiveTypeName(std::string_view s) {
  static constexpr std::string_view kNames[] = {
      "s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64", "ssize", "usize", "f32",
      "f64", "bool", "char", "void", "ptr", "u128", "s128", "f80", "f128", "fppc_128"};
  for (std::string_view n : kNames)
    if (n == s) return true;
  return false;
}

// Builtins whose arguments may be types (builtins.def: families Type, TypeQuery and Variadic).
bool IsTypeBuiltin(std::string_view s) {
  const BuiltinInfo* b = FindBuiltin(s);
  return b && (b->family == BuiltinFamily::Type || b->family == BuiltinFamily::TypeQuery ||
               b->family == BuiltinFamily::Variadic);
}

}  // namespace

// expr = binary [ assign_op expr ]                   (level 1, right-associative)
NodeId Parser::ParseExpr() {
  DepthGuard guard(*this);
  if (!guard.ok) return AddError();
  NodeId lhs = ParseBinary(2);
  if (!IsAssignOp(Peek())) return lhs;
  TokenId op = Advance();
  // 5.3: the target of `op=` is a name, a field, an index or an arrow expression.
  const Node& target = ast_.nodes[lhs];
  bool parenthesised = op > 0 && tokens_.kinds[op - 1] == TokenKind::RParen && target.kind != NodeKind::Call;
  bool plain_deref = target.kind == NodeKind::Deref && target.op != uint8_t(TokenKind::Arrow);
  if (tokens_.kinds[op] != TokenKind::Assign && (parenthesised || plain_deref))
    diags_.Report(DiagKind::InvalidCompoundTarget, tokens_.Range(op),
                  std::string("the target of `") + std::string(Text(op)) + "` cannot be " +
                      (parenthesised ? "parenthesised" : "a `deref`") +
                      ": write `x " + std::string(Text(op)) + " v` or `p->[0] " + std::string(Text(op)) + " v`");
  NodeId rhs = ParseExpr();
  return Add(NodeKind::Assign, op, lhs, rhs, 0, uint8_t(tokens_.kinds[op]));
}

// binary = cast { binary_op cast }                   (levels 2-10 by precedence climbing;
//                                                    comparisons do not chain)
NodeId Parser::ParseBinary(int min_prec) {
  NodeId lhs = ParseCast();
  bool lhs_is_comparison = false;
  for (;;) {  // a chain is a loop and a left spine, not nesting: any length (see CheckBinaryChain)
    TokenKind k = Peek();
    int prec = BinaryPrec(k);
    if (prec == 0 || prec < min_prec || panic_ || bail_) break;
    TokenId op = Advance();
    if (prec == kComparisonPrec && lhs_is_comparison && !panic_ && !bail_)
      diags_.Report(DiagKind::ChainedComparison, tokens_.Range(op),
                    "comparisons cannot be chained; write `a < b and b < c`");
    NodeId rhs = ParseBinary(prec + 1);
    TokenKind node_op = k == TokenKind::KwAnd ? TokenKind::AmpAmp
                        : k == TokenKind::KwOr ? TokenKind::PipePipe
                                               : k;
    lhs = Add(NodeKind::Binary, op, lhs, rhs, 0, uint8_t(node_op));
    lhs_is_comparison = prec == kComparisonPrec;
  }
  return lhs;
}

// cast = unary { "as" type }                          (level 11)
NodeId Parser::ParseCast() {
  NodeId expr = ParseUnary();
  uint32_t chain = 0;
  while (!panic_ && At(TokenKind::KwAs) && ExtendChain(&chain)) {
    TokenId tok = Advance();
    NodeId type = ParseType();
    expr = Add(NodeKind::Cast, tok, expr, type);
  }
  EndChain(chain);
  return expr;
}

// unary = ( "-" | "!" | "~" | "++" | "--" | "ref" | "deref" | "load" ) unary | postfix   (level 12)
// `load e` (5.3) is the value stored in the place `e`: `a->[i]` for `a[i]`, `s->f` for `s.f`,
// the operand itself for a variable or `deref p`.
NodeId Parser::ParseUnary() {
  TokenKind k = Peek();
  bool prefix = k == TokenKind::Minus || k == TokenKind::Bang || k == TokenKind::Tilde ||
                k == TokenKind::PlusPlus || k == TokenKind::MinusMinus ||
                k == TokenKind::KwRef || k == TokenKind::KwDeref || k == TokenKind::KwLoad;
  if (!prefix) return ParsePostfix(ParsePrimary());
  DepthGuard guard(*this);
  if (!guard.ok) return AddError();
  TokenId op = Advance();
  NodeId operand = ParseUnary();
  if (k == TokenKind::KwRef) return Add(NodeKind::Ref, op, operand);
  if (k == TokenKind::KwDeref) return Add(NodeKind::Deref, op, operand);
  if (k == TokenKind::KwLoad) {
    NodeKind ok = ast_.nodes[operand].kind;
    if (ok == NodeKind::Field || ok == NodeKind::Index) return Add(NodeKind::Deref, op, operand, 0, 0, uint8_t(TokenKind::Arrow));
    return operand;
  }
  return Add(NodeKind::Unary, op, operand, 0, 0, uint8_t(k));
}

// postfix = primary { "(" expr_list ")" | "[" expr "]" | "." IDENT | "->" IDENT | "->" "[" expr "]"
//                   | "++" | "--" }                                                   (level 13)
// `e->f` and `e->[i]` are Deref nodes (op Arrow) over `e.f` / `e[i]` (5.3); the checker reads
// `E->M` on an enum as the 0.1 spelling of `E=>M`.
NodeId Parser::ParsePostfix(NodeId base) {
  uint32_t chain = 0;
  while (!panic_) {
    TokenId tok = pos_;
    TokenKind k = Peek();
    bool postfix = k == TokenKind::LParen || k == TokenKind::LBracket || k == TokenKind::Dot ||
                   k == TokenKind::Arrow || k == TokenKind::PlusPlus || k == TokenKind::MinusMinus;
    if (!postfix || !ExtendChain(&chain)) break;
    if (Accept(TokenKind::LParen)) {
      uint32_t count = 0;
      uint32_t start = ParseExprList(TokenKind::RParen, &count);
      base = Add(NodeKind::Call, tok, base, start, count);
    } else if (Accept(TokenKind::LBracket)) {
      NodeId index = ParseExpr();
      Expect(TokenKind::RBracket);
      base = Add(NodeKind::Index, tok, base, index);
    } else if (Accept(TokenKind::Dot)) {
      TokenId name;
      if (!ExpectIdentifier(&name, "a field name after `.`")) break;
      base = Add(NodeKind::Field, name, base, InternTok(name));
    } else if (Accept(TokenKind::Arrow)) {
      NodeId place;
      if (Accept(TokenKind::LBracket)) {
        NodeId index = ParseExpr();
        Expect(TokenKind::RBracket);
        place = Add(NodeKind::Index, tok, base, index);
      } else {
        TokenId name;
        if (!ExpectIdentifier(&name, "a field name or `[` after `->`")) break;
        place = Add(NodeKind::Field, name, base, InternTok(name));
      }
      base = Add(NodeKind::Deref, tok, place, 0, 0, uint8_t(TokenKind::Arrow));
    } else {  // ++ or --
      Advance();
      base = Add(NodeKind::Postfix, tok, base, 0, 0, uint8_t(tokens_.kinds[tok]));
    }
  }
  EndChain(chain);
  return base;
}

// expr_list = [ expr { "," expr } [ "," ] ] close      (returns the list start)
uint32_t Parser::ParseExprList(TokenKind close, uint32_t* count) {
  size_t mark = Mark();
  while (!panic_ && !At(close) && !At(TokenKind::Eof)) {
    scratch_.push_back(ParseExpr());
    if (!Accept(TokenKind::Comma)) break;
  }
  if (!panic_) Expect(close);
  ListRef list = Commit(mark);
  *count = list.count;
  return list.start;
}

// primary = literal | IDENT | IDENT "->" IDENT | builtin_call | "(" expr ")"
//         | "new" IDENT "{" [ IDENT ":" expr { "," IDENT ":" expr } [ "," ] ] "}"
//         | "fixed" "[" expr_list | "[" expr_list
NodeId Parser::ParsePrimary() {
  switch (Peek()) {
    case TokenKind::IntLiteral: case TokenKind::FloatLiteral: case TokenKind::CharLiteral:
    case TokenKind::StringLiteral: case TokenKind::KwTrue: case TokenKind::KwFalse:
    case TokenKind::KwNullptr:
      return ParseLiteral();
    case TokenKind::Identifier: return ParseIdentifierExpr();
    case TokenKind::LParen: {
      Advance();
      NodeId inner = ParseExpr();  // parentheses have no node of their own
      if (!panic_) Expect(TokenKind::RParen);
      return inner;
    }
    case TokenKind::KwNew: return ParseStructLit();
    case TokenKind::Error:  // reported by the lexer: skip the rest of the statement quietly
      panic_ = true;
      return Add(NodeKind::ErrorNode, Advance());
    case TokenKind::KwFixed: {
      TokenId tok = Advance();
      if (!Expect(TokenKind::LBracket)) return AddError();
      uint32_t count = 0;
      uint32_t start = ParseExprList(TokenKind::RBracket, &count);
      return Add(NodeKind::FixedArrayLit, tok, 0, start, count);
    }
    case TokenKind::LBracket: {
      TokenId tok = Advance();
      uint32_t count = 0;
      uint32_t start = ParseExprList(TokenKind::RBracket, &count);
      return Add(NodeKind::ArrayLit, tok, 0, start, count);
    }
    default:
      if (IsReservedWord(Peek())) {
        TokenId tok = Advance();
        ReportReserved(tok);
        return Add(NodeKind::ErrorNode, tok);
      }
      ErrorExpected("an expression");
      return AddError();
  }
}

// ident_expr = IDENT "=>" IDENT                           (EnumAccess)
//            | IDENT type_args                           (GenericName: `f[T]`, see TypeArgsFollow)
//            | ( "sizeOf" | "alignOf" | "halloc" ) "(" ( type | expr ) { "," ... } ")"
//            | IDENT                                     (Name)
NodeId Parser::ParseIdentifierExpr() {
  TokenId tok = Advance();
  bool qualified = At(TokenKind::ColonColon) && Peek(1) == TokenKind::Identifier;
  NameId name = ParsePathRest(tok);  // `m::f`, `m::E=>V`: one name, resolved by the checker (13)
  if (qualified) {
    if (At(TokenKind::FatArrow)) {
      Advance();
      TokenId member;
      if (!ExpectIdentifier(&member, "an enum member name after `=>`")) return AddError();
      return Add(NodeKind::EnumAccess, member, name, InternTok(member));
    }
    if (At(TokenKind::LBracket) && TypeArgsFollow({})) {
      ListRef args = ParseTypeArgs();
      return Add(NodeKind::GenericName, tok, name, args.start, args.count);
    }
    return Add(NodeKind::Name, tok, name);
  }
  if (At(TokenKind::FatArrow)) {
    Advance();
    TokenId member;
    if (!ExpectIdentifier(&member, "an enum member name after `=>`")) return AddError();
    return Add(NodeKind::EnumAccess, member, name, InternTok(member));
  }
  if (At(TokenKind::LBracket) && Text(tok) == "native") {  // native[e, ...] (15.2)
    Advance();
    uint32_t count = 0;
    uint32_t start = ParseExprList(TokenKind::RBracket, &count);
    return Add(NodeKind::FixedArrayLit, tok, 0, start, count, 1);
  }
  NodeId callee = Add(NodeKind::Name, tok, name);
  if (At(TokenKind::LBracket) && TypeArgsFollow(Text(tok))) {
    ListRef args = ParseTypeArgs();
    return Add(NodeKind::GenericName, tok, name, args.start, args.count);
  }
  if (!IsTypeBuiltin(Text(tok)) || !At(TokenKind::LParen)) return callee;
  TokenId paren = Advance();
  size_t mark = Mark();
  while (!panic_ && !At(TokenKind::RParen) && !At(TokenKind::Eof)) {
    scratch_.push_back(StartsTypeOnly() ? ParseType() : ParseExpr());
    if (!Accept(TokenKind::Comma)) break;
  }
  if (!panic_) Expect(TokenKind::RParen);
  ListRef args = Commit(mark);
  return Add(NodeKind::Call, paren, callee, args.start, args.count);
}

// Whether the builtin argument at the cursor can only be a type (see IsPrimitiveTypeName); a
// bare name stays an expression and the checker decides whether it names a struct or a value.
bool Parser::StartsTypeOnly() const {
  if (At(TokenKind::KwConst)) return true;
  if (!At(TokenKind::Identifier)) return false;
  std::string_view s = Text(pos_);
  if ((s == "ptr" || s == "array" || s == "Fn" || s == "NativeVector") && Peek(1) == TokenKind::LBracket) return true;
  if (Peek(1) == TokenKind::LBracket && type_names_.count(s)) return true;  // Box[s32]
  return IsPrimitiveTypeName(s) || std::find(scope_type_params_.begin(), scope_type_params_.end(), s) != scope_type_params_.end();
}

bool Parser::IsKnownTypeName(std::string_view s) const {
  return IsPrimitiveTypeName(s) || type_names_.count(s) ||
         std::find(scope_type_params_.begin(), scope_type_params_.end(), s) != scope_type_params_.end();
}

// At `[` after the name `callee` in an expression: does a list of type arguments follow (a generic
// instance, `f[s32](x)`, `id[T]`), rather than an index (`table[i](x)`)? The brackets must hold
// only what types are made of, and either the file declares `callee` as generic, or the
// instance is called and its arguments are unmistakably types (several, a constructed type, or
// a name the file declares as a type or type parameter).
bool Parser::TypeArgsFollow(std::string_view callee) const {
  uint32_t depth = 0, top_commas = 0, idents = 0, tokens = 0;
  TokenId t = pos_;
  for (;; ++t) {
    if (t >= tokens_.size()) return false;
    TokenKind k = tokens_.kinds[t];
    if (k == TokenKind::LBracket) ++depth;
    else if (k == TokenKind::RBracket) {
      if (--depth == 0) break;
    } else if (k == TokenKind::Comma) top_commas += depth == 1;
    else if (k == TokenKind::Identifier) ++idents;
    else if (k == TokenKind::IntLiteral) {
      if (depth < 2) return false;  // only an array length may be a number
    } else if (k != TokenKind::Semicolon && k != TokenKind::KwConst && k != TokenKind::Arrow &&
               k != TokenKind::ColonColon) {
      return false;
    }
    ++tokens;
  }
  if (generic_names_.count(callee)) return true;
  if (t + 1 >= tokens_.size() || tokens_.kinds[t + 1] != TokenKind::LParen) return false;
  if (top_commas > 0 || tokens != 2 || idents != 1) return true;
  return IsKnownTypeName(Text(pos_ + 1));
}

// struct_lit = "new" IDENT [ type_args ] "{" [ IDENT ":" expr { "," IDENT ":" expr } [ "," ] ] "}"
NodeId Parser::ParseStructLit() {
  Advance();  // new
  TokenId name_tok;
  if (!ExpectIdentifier(&name_tok, "a struct name after `new`")) return AddError();
  NameId name = ParsePathRest(name_tok);  // `new m::Vec { ... }`
  NodeId type = Add(NodeKind::TypeName, name_tok, name);
  if (At(TokenKind::LBracket)) {
    ListRef args = ParseTypeArgs();
    type = Add(NodeKind::TypeInst, name_tok, name, args.start, args.count);
  }
  if (!Expect(TokenKind::LBrace)) return AddError();
  size_t mark = Mark();
  while (!panic_ && !At(TokenKind::RBrace) && !At(TokenKind::Eof)) {
    TokenId field;
    if (!ExpectIdentifier(&field, "a field name")) break;
    Expect(TokenKind::Colon);
    NodeId value = ParseExpr();
    scratch_.push_back(Add(NodeKind::FieldInit, field, InternTok(field), value));
    if (!Accept(TokenKind::Comma)) break;
  }
  if (!panic_) Expect(TokenKind::RBrace, "`,` or `}`");
  ListRef inits = Commit(mark);
  return Add(NodeKind::StructLit, name_tok, type, inits.start, inits.count);
}

// literal = INT | FLOAT | CHAR | STRING | "true" | "false" | "nullptr"
// The lexer has validated the spelling; decoding here is lenient so bad literals that were
// already reported do not produce a second diagnostic.
NodeId Parser::ParseLiteral() {
  TokenId tok = pos_;
  std::string_view s = Text(tok);
  switch (Peek()) {
    case TokenKind::IntLiteral: {
      Advance();
      unsigned base = 10;
      size_t i = 0;
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, i = 2;
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) base = 2, i = 2;
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) base = 8, i = 2;
      uint64_t value = 0;
      for (; i < s.size(); ++i) {
        unsigned d = DigitValue(s[i]);
        if (d < base) value = value * base + d;  // wraps only for reported IntegerTooLarge
      }
      ast_.ints.push_back(value);
      return Add(NodeKind::IntLit, tok, uint32_t(ast_.ints.size() - 1));
    }
    case TokenKind::FloatLiteral: {
      Advance();
      std::string digits;
      digits.reserve(s.size());
      for (char c : s)
        if (c != '_') digits += c;
      double value = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
      ast_.floats.push_back(value);
      return Add(NodeKind::FloatLit, tok, uint32_t(ast_.floats.size() - 1));
    }
    case TokenKind::CharLiteral: {
      Advance();
      uint8_t value = s.size() > 1 ? uint8_t(s[1]) : 0;
      if (s.size() > 2 && s[1] == '\\' && DecodeEscape(s.data() + 1, s.data() + s.size(), &value) == 0)
        value = 0;
      return Add(NodeKind::CharLit, tok, value);
    }
    case TokenKind::StringLiteral: Advance(); return Add(NodeKind::StringLit, tok, AddString(tok));
    case TokenKind::KwTrue: Advance(); return Add(NodeKind::BoolLit, tok, 1);
    case TokenKind::KwFalse: Advance(); return Add(NodeKind::BoolLit, tok, 0);
    case TokenKind::KwNullptr: Advance(); return Add(NodeKind::NullLit, tok);
    default: ErrorExpected("a literal"); return AddError();
  }
}

uint32_t Parser::AddString(TokenId t) {
  std::string_view s = Text(t);
  const char* p = s.data() + 1;
  const char* end = s.data() + s.size();
  if (s.size() >= 2 && s.back() == '"') --end;  // an unterminated string has no closing quote
  std::string value;
  value.reserve(size_t(end - p));
  while (p < end) {
    const char* q = p;
    while (q < end && *q != '\\') ++q;
    value.append(p, size_t(q - p));
    if (q >= end) break;
    uint8_t byte = 0;
    size_t used = DecodeEscape(q, end, &byte);
    if (used == 0) {  // reported by the lexer; keep the escaped byte
      p = q + 1;
      continue;
    }
    value += char(byte);
    p = q + used;
  }
  ast_.strings.push_back(std::move(value));
  return uint32_t(ast_.strings.size() - 1);
}

}  // namespace thrustc::frontend
