// Parser, types (section 2): names (primitives are plain TypeName nodes; the checker gives them
// meaning), `ptr[T]`, `array[T; N]`, `array[T]`, `const T`, `Fn[T1, T2] -> R` and generic
// instances `Box[s32]`.
#include "frontend/syntax/parser_impl.h"

namespace thrustc::frontend {

// type = "const" type | IDENT [ "[" ... ]          (see ParseTypeConstructor)
NodeId Parser::ParseType() {
  DepthGuard guard(*this);
  if (!guard.ok) return AddError();
  TokenId tok = pos_;
  if (Accept(TokenKind::KwConst)) {
    NodeId inner = ParseType();
    return Add(NodeKind::TypeConst, tok, inner);
  }
  // `addr` lexes as a reserved word, but as a type it is one of the unsupported wide/address
  // types that the checker rejects with a type error, like `u128`.
  if (At(TokenKind::KwAddr)) return Add(NodeKind::TypeName, Advance(), InternTok(tok));
  if (IsReservedWord(Peek())) {
    ReportReserved(Advance());
    return Add(NodeKind::ErrorNode, tok);
  }
  if (!At(TokenKind::Identifier)) {
    ErrorExpected("a type");
    return AddError();
  }
  Advance();
  if (At(TokenKind::ColonColon) && Peek(1) == TokenKind::Identifier) {  // `m::Vec`, `m::Box[s32]` (13)
    NameId name = ParsePathRest(tok);
    if (!At(TokenKind::LBracket)) return Add(NodeKind::TypeName, tok, name);
    ListRef args = ParseTypeArgs();
    return Add(NodeKind::TypeInst, tok, name, args.start, args.count);
  }
  if (At(TokenKind::LBracket)) return ParseTypeConstructor(tok);
  return Add(NodeKind::TypeName, tok, InternTok(tok));
}

// type_ctor = "ptr" "[" type [ "," expr ] "]" | "array" "[" type [ ";" expr ] [ "," expr ] "]" | fn_type
//             (the `, A` is an address space, 15.3)
//           | "NativeVector" "[" type ";" expr "]"
//           | IDENT type_args                                  (a generic instance, 12)
NodeId Parser::ParseTypeConstructor(TokenId name_tok) {
  std::string_view name = Text(name_tok);
  if (name == "Fn") return ParseFnType(name_tok);
  if (name == "NativeVector") {  // NativeVector[T; N]
    Advance();  // [
    NodeId elem = ParseType();
    NodeId length = kNoNode;
    if (!panic_ && Expect(TokenKind::Semicolon, "`;` and the element count")) length = ParseExpr();
    if (!panic_) Expect(TokenKind::RBracket);
    return Add(NodeKind::TypeArray, name_tok, elem, length, 0, 1);
  }
  if (name != "ptr" && name != "array") {
    ListRef args = ParseTypeArgs();
    return Add(NodeKind::TypeInst, name_tok, InternTok(name_tok), args.start, args.count);
  }
  Advance();  // [
  NodeId elem = ParseType();
  NodeId result;
  if (name == "ptr") {
    NodeId space = !panic_ && Accept(TokenKind::Comma) ? ParseExpr() : kNoNode;
    result = Add(NodeKind::TypePtr, name_tok, elem, space);
  } else {
    NodeId length = kNoNode;
    if (!panic_ && Accept(TokenKind::Semicolon)) length = ParseExpr();
    NodeId space = !panic_ && Accept(TokenKind::Comma) ? ParseExpr() : kNoNode;
    result = Add(NodeKind::TypeArray, name_tok, elem, length, space);
  }
  if (!panic_) Expect(TokenKind::RBracket);
  return result;
}

// type_args = "[" type { "," type } [ "," ] "]"
ListRef Parser::ParseTypeArgs() {
  Advance();  // [
  size_t mark = Mark();
  while (!panic_ && !At(TokenKind::RBracket) && !At(TokenKind::Eof)) {
    scratch_.push_back(ParseType());
    if (!Accept(TokenKind::Comma)) break;
  }
  if (!panic_) Expect(TokenKind::RBracket, "`,` or `]`");
  return Commit(mark);
}

// fn_type = "Fn" "[" [ type { "," type } [ "," ] ] "]" [ "->" type ]
NodeId Parser::ParseFnType(TokenId fn_tok) {
  ListRef params = ParseTypeArgs();
  NodeId ret = kNoNode;
  if (!panic_ && Accept(TokenKind::Arrow)) ret = ParseType();
  return Add(NodeKind::TypeFn, fn_tok, params.start, params.count, ret);
}

}  // namespace thrustc::frontend
