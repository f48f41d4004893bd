// Parser, statements (section 4 of the language): blocks, local declarations, if/elif/else,
// while, for, loop, break, continue, return, defer, unreachable, expression statements.
#include "frontend/syntax/parser_impl.h"

namespace thrustc::frontend {

// block = "{" { statement | ";" } "}"
NodeId Parser::ParseBlock() {
  DepthGuard guard(*this);
  if (!guard.ok) return AddError();
  TokenId open = pos_;
  if (!Expect(TokenKind::LBrace)) return AddError();
  size_t mark = Mark();
  while (!At(TokenKind::RBrace) && !At(TokenKind::Eof)) {
    if (Accept(TokenKind::Semicolon)) continue;  // empty statement
    TokenId start = pos_;
    NodeId stmt = ParseStatement();
    if (stmt != kNoNode) scratch_.push_back(stmt);
    if (panic_) SyncStatement();
    if (pos_ == start && !At(TokenKind::RBrace)) Advance();  // always make progress
  }
  Expect(TokenKind::RBrace);
  ListRef list = Commit(mark);
  return Add(NodeKind::Block, open, 0, list.start, list.count);
}

// statement = block | var_decl | if_stmt | while_stmt | for_stmt | "loop" body
//           | "break" ";" | "continue" ";" | "unreachable" ";" | return_stmt | defer_stmt
//           | expr ";"
NodeId Parser::ParseStatement() {
  DepthGuard guard(*this);
  if (!guard.ok) return AddError();
  switch (Peek()) {
    case TokenKind::LBrace: return ParseBlock();
    case TokenKind::KwVar:
    case TokenKind::KwConst:
    case TokenKind::KwStatic: return ParseVarDecl();
    case TokenKind::KwIf: return ParseIf();
    case TokenKind::KwWhile: return ParseWhile();
    case TokenKind::KwFor: return ParseFor();
    case TokenKind::KwLoop: {
      TokenId tok = Advance();
      NodeId body = ParseBody();
      return Add(NodeKind::Loop, tok, body);
    }
    case TokenKind::KwBreak: return ParseSimpleStmt(NodeKind::Break);
    case TokenKind::KwContinue: return ParseSimpleStmt(NodeKind::Continue);
    case TokenKind::KwBreakAll: return ParseSimpleStmt(NodeKind::Break, 1);
    case TokenKind::KwContinueAll: return ParseSimpleStmt(NodeKind::Continue, 1);
    case TokenKind::KwUnreachable: return ParseSimpleStmt(NodeKind::Unreachable);
    case TokenKind::KwReturn: return ParseReturn();
    case TokenKind::KwDefer: return ParseDefer();
    case TokenKind::Attribute:
      if (AtAttribute("@if")) return ParseCtIf(false);
      return ParseExprStmt();
    case TokenKind::KwStruct: return ParseStruct();  // local types (3.1)
    case TokenKind::KwEnum: return ParseEnum();
    case TokenKind::KwType: return ParseTypeAlias();
    case TokenKind::KwFn:
    case TokenKind::KwImport:
    case TokenKind::KwImportC:
    case TokenKind::KwDirective:
      ErrorAt(pos_, "`" + std::string(Text(pos_)) + "` declarations are allowed only at the top level");
      Advance();
      return kNoNode;
    default: return ParseExprStmt();
  }
}

// body = block | statement      (a single statement is accepted after if/elif/else/while/loop)
NodeId Parser::ParseBody() {
  if (At(TokenKind::LBrace)) return ParseBlock();
  return ParseStatement();
}

// if_stmt = "if" expr body { ( "elif" | "else" "if" ) expr body } [ "else" body ]
// An elif chain is built iteratively (each If's else branch is the next If), so a long chain
// does not recurse.
NodeId Parser::ParseIf() {
  TokenId tok = Advance();
  NodeId cond = ParseExpr();
  NodeId then = panic_ ? AddError() : ParseBody();
  NodeId first = Add(NodeKind::If, tok, cond, then);
  NodeId last = first;
  while (!panic_) {
    TokenId branch_tok = pos_;
    bool elif = Accept(TokenKind::KwElif);
    if (!elif && At(TokenKind::KwElse) && Peek(1) == TokenKind::KwIf) {
      Advance();
      branch_tok = Advance();
      elif = true;
    }
    if (elif) {
      NodeId branch_cond = ParseExpr();
      NodeId branch_body = panic_ ? AddError() : ParseBody();
      NodeId branch = Add(NodeKind::If, branch_tok, branch_cond, branch_body);
      ast_.nodes[last].c = branch;
      last = branch;
      continue;
    }
    if (Accept(TokenKind::KwElse)) {
      NodeId else_body = ParseBody();
      ast_.nodes[last].c = else_body;
    }
    break;
  }
  return first;
}

// while_stmt = "while" expr body
// while_stmt = "while" expr body | "while" var_decl expr ";" body      (the second is a For
//              without an action: the variable is scoped to the loop)
NodeId Parser::ParseWhile() {
  TokenId tok = Advance();
  if (At(TokenKind::KwVar)) {
    size_t mark = Mark();
    scratch_.push_back(ParseVarDecl());
    scratch_.push_back(panic_ ? AddError() : ParseExpr());
    if (!panic_) Expect(TokenKind::Semicolon, "`;` after the loop condition");
    scratch_.push_back(kNoNode);
    scratch_.push_back(panic_ ? AddError() : ParseBody());
    ListRef parts = Commit(mark);
    return Add(NodeKind::For, tok, parts.start);
  }
  NodeId cond = ParseExpr();
  NodeId body = panic_ ? AddError() : ParseBody();
  return Add(NodeKind::While, tok, cond, body);
}

// for_stmt = "for" block                                            (an infinite loop: Loop)
//          | "for" ( var_decl | [ expr ] ";" ) [ expr ] ";" [ action ] block
// action   = block | statement | expr          (section 4: any statement; `for a; b; c {`, an
//                                               expression without its `;`, is accepted too)
// After the condition a block followed by another block is the action and the body; a single
// block is the body.
NodeId Parser::ParseFor() {
  TokenId tok = Advance();
  if (At(TokenKind::LBrace)) {
    NodeId body = ParseBlock();
    return Add(NodeKind::Loop, tok, body);
  }
  NodeId init = kNoNode, cond = kNoNode, step = kNoNode;
  if (At(TokenKind::KwVar) || At(TokenKind::KwConst) || At(TokenKind::KwStatic)) {
    init = ParseVarDecl();
  } else if (!Accept(TokenKind::Semicolon)) {
    init = ParseExpr();
    if (!panic_) Expect(TokenKind::Semicolon);
  }
  if (!panic_ && !At(TokenKind::Semicolon)) cond = ParseExpr();
  if (!panic_) Expect(TokenKind::Semicolon);
  NodeId body = kNoNode;
  if (!panic_ && At(TokenKind::LBrace)) {
    NodeId first = ParseBlock();
    if (!panic_ && At(TokenKind::LBrace)) step = first;
    else body = first;
  } else if (!panic_ && !Accept(TokenKind::Semicolon)) {
    step = ParseForAction();
  }
  if (!body) body = panic_ ? AddError() : ParseBlock();
  size_t mark = Mark();
  scratch_.insert(scratch_.end(), {init, cond, step, body});
  ListRef parts = Commit(mark);
  return Add(NodeKind::For, tok, parts.start);
}

// A statement as a for loop's action; an expression statement may leave out its `;`.
NodeId Parser::ParseForAction() {
  switch (Peek()) {
    case TokenKind::KwVar: case TokenKind::KwConst: case TokenKind::KwStatic: case TokenKind::KwIf:
    case TokenKind::KwFor: case TokenKind::KwWhile: case TokenKind::KwLoop: case TokenKind::KwBreak:
    case TokenKind::KwContinue: case TokenKind::KwReturn: case TokenKind::KwDefer:
    case TokenKind::KwBreakAll: case TokenKind::KwContinueAll:
    case TokenKind::KwUnreachable:
      return ParseStatement();
    default: {
      TokenId tok = pos_;
      NodeId expr = ParseExpr();
      if (!panic_ && !Accept(TokenKind::Semicolon) && !At(TokenKind::LBrace)) Expect(TokenKind::Semicolon);
      return Add(NodeKind::ExprStmt, tok, expr);
    }
  }
}

// simple_stmt = ( "break" | "continue" | "breakall" | "continueall" | "unreachable" ) ";"
NodeId Parser::ParseSimpleStmt(NodeKind kind, uint32_t all) {
  TokenId tok = Advance();
  Expect(TokenKind::Semicolon);
  return Add(kind, tok, all);
}

// return_stmt = "return" [ expr ] ";"
NodeId Parser::ParseReturn() {
  TokenId tok = Advance();
  NodeId value = At(TokenKind::Semicolon) ? kNoNode : ParseExpr();
  if (!panic_) Expect(TokenKind::Semicolon);
  return Add(NodeKind::Return, tok, value);
}

// defer_stmt = "defer" statement
NodeId Parser::ParseDefer() {
  TokenId tok = Advance();
  NodeId stmt = ParseStatement();
  return Add(NodeKind::Defer, tok, stmt);
}

// expr_stmt = expr ";"
NodeId Parser::ParseExprStmt() {
  TokenId tok = pos_;
  NodeId expr = ParseExpr();
  if (!panic_) Expect(TokenKind::Semicolon);
  return Add(NodeKind::ExprStmt, tok, expr);
}

}  // namespace thrustc::frontend
