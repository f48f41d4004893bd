// Parser, declarations: top-level items (fn, var/const/static, struct, enum, type, import,
// importC) and attributes. Local var/const/static declarations reuse ParseVarDecl.
#include "frontend/syntax/parser_impl.h"

namespace thrustc::frontend {

// item = fn_item | var_decl | struct_item | enum_item | type_alias | import_item
NodeId Parser::ParseItem() {
  switch (Peek()) {
    case TokenKind::KwFn: return ParseFn();
    case TokenKind::KwVar:
    case TokenKind::KwConst:
    case TokenKind::KwStatic: return ParseVarDecl();
    case TokenKind::KwStruct: return ParseStruct();
    case TokenKind::KwEnum: return ParseEnum();
    case TokenKind::KwType: return ParseTypeAlias();
    case TokenKind::KwImport:
    case TokenKind::KwImportC:
    case TokenKind::KwDirective: return ParseImport();
    case TokenKind::Attribute:
      if (AtAttribute("@if")) return ParseCtIf(true);
      [[fallthrough]];
    case TokenKind::Identifier:
      if (At(TokenKind::Identifier) && Text(pos_) == "staticAssert") return ParseExprStmt();  // 10.7
      [[fallthrough]];
    default:
      if (IsReservedWord(Peek())) {
        ReportReserved(Advance());
        panic_ = true;  // skip the rest of whatever the reserved word started
        return kNoNode;
      }
      ErrorExpected("a declaration (`fn`, `const`, `static`, `struct`, `enum`, `type`, `import`, `directive`)");
      return kNoNode;
  }
}

// attrs = { ATTRIBUTE [ "(" ( literal | IDENT ) ")" ] }       (a name: `@dealloc(freeBox)`)
ListRef Parser::ParseAttrs() {
  uint32_t start = uint32_t(ast_.attrs.size());
  while (At(TokenKind::Attribute)) {
    TokenId tok = Advance();
    NameId name = names_.Intern(Text(tok).substr(1));
    NodeId arg = kNoNode;
    if (Accept(TokenKind::LParen)) {
      if (At(TokenKind::Identifier)) {
        TokenId name_tok = Advance();
        arg = Add(NodeKind::Name, name_tok, InternTok(name_tok));
      } else {
        arg = ParseLiteral();
      }
      Expect(TokenKind::RParen);
    }
    ast_.attrs.push_back({name, tok, arg});
  }
  return {start, uint32_t(ast_.attrs.size()) - start};
}

// type_params = "[" IDENT { "," IDENT } [ "," ] "]"         (12; the checker rejects duplicates)
ListRef Parser::ParseTypeParams() {
  uint32_t start = uint32_t(ast_.type_params.size());
  if (!Accept(TokenKind::LBracket)) return {start, 0};
  while (!panic_ && !At(TokenKind::RBracket) && !At(TokenKind::Eof)) {
    TypeParam p{};
    if (!ExpectIdentifier(&p.tok, "a type parameter name")) break;
    p.name = InternTok(p.tok);
    ast_.type_params.push_back(p);
    scope_type_params_.push_back(Text(p.tok));
    if (!Accept(TokenKind::Comma)) break;
  }
  if (!panic_) Expect(TokenKind::RBracket, "`,` or `]`");
  return {start, uint32_t(ast_.type_params.size()) - start};
}

// A type parameter is used when its name appears anywhere in the declaration after the list.
void Parser::MarkUsedTypeParams(ListRef params, TokenId from) {
  for (uint32_t i = 0; i < params.count; ++i) {
    TypeParam& p = ast_.type_params[params.start + i];
    std::string_view name = Text(p.tok);
    for (TokenId t = from; t < pos_ && !p.used; ++t)
      p.used = tokens_.kinds[t] == TokenKind::Identifier && Text(t) == name;
  }
  scope_type_params_.clear();
}

// fn_item = "fn" IDENT [ type_params ] "(" [ param { "," param } [","] ] ")" [ type ] attrs
//           ( block | ";" )
// param   = IDENT ":" type
NodeId Parser::ParseFn() {
  Advance();  // fn
  FnDecl fn{};
  if (!ExpectIdentifier(&fn.name_tok, "a function name")) return kNoNode;
  fn.name = InternTok(fn.name_tok);
  fn.type_params = ParseTypeParams();
  TokenId after_params = pos_;
  Expect(TokenKind::LParen);
  uint32_t param_start = uint32_t(ast_.params.size());
  while (!panic_ && !At(TokenKind::RParen) && !At(TokenKind::Eof)) {
    Param param{};
    if (!ExpectIdentifier(&param.tok, "a parameter name")) break;
    param.name = InternTok(param.tok);
    Expect(TokenKind::Colon);
    param.type = ParseType();
    ast_.params.push_back(param);
    if (!Accept(TokenKind::Comma)) break;
  }
  fn.params = {param_start, uint32_t(ast_.params.size()) - param_start};
  Expect(TokenKind::RParen);
  if (!panic_ && !At(TokenKind::Attribute) && !At(TokenKind::LBrace) && !At(TokenKind::Semicolon))
    fn.ret_type = ParseType();
  fn.attrs = ParseAttrs();
  if (!panic_ && !Accept(TokenKind::Semicolon)) {
    if (At(TokenKind::LBrace)) {
      fn.body = ParseBlock();
    } else {
      ErrorExpected("`{` or `;`");
    }
  }
  MarkUsedTypeParams(fn.type_params, after_params);
  ast_.fns.push_back(fn);
  return Add(NodeKind::FnItem, fn.name_tok, uint32_t(ast_.fns.size() - 1));
}

// var_decl = ( "var" | "const" | "static" [ "mut" ] ) { MODIFIER } IDENT attrs
//            ( ":" type attrs | ":" (only `var`, then "=" is required) ) [ "=" expr ] ";"
// `var x := e` takes its type from `e`; `:=` is the `:` of an absent type followed by `=`.
NodeId Parser::ParseVarDecl() {
  TokenKind kw = Peek();
  Advance();
  VarDecl var{};
  var.storage = kw == TokenKind::KwVar     ? Storage::Var
                : kw == TokenKind::KwConst ? Storage::Const
                                           : Storage::Static;
  if (kw == TokenKind::KwStatic) var.is_mut = Accept(TokenKind::KwMut);
  ParseModifiers(var);
  if (!ExpectIdentifier(&var.name_tok, "a variable name")) return kNoNode;
  var.name = InternTok(var.name_tok);
  uint32_t attr_start = uint32_t(ast_.attrs.size());
  ParseAttrs();
  if (Expect(TokenKind::Colon, "`:` and a type, or `:=` and a value")) {
    if (At(TokenKind::Assign) && var.storage != Storage::Var) {
      ErrorAt(pos_, std::string(var.storage == Storage::Const ? "a constant" : "a static") +
                        " needs its type: write `name: T = value` (only `var` infers it with `:=`)");
      panic_ = true;
    } else if (!At(TokenKind::Assign)) {
      var.type = ParseType();
    }
  }
  ParseAttrs();
  var.attrs = {attr_start, uint32_t(ast_.attrs.size()) - attr_start};
  if (!panic_ && Accept(TokenKind::Assign)) var.init = ParseExpr();
  if (!panic_ && !var.type && !var.init) ErrorExpected("`=` and a value (`var x := value;`)");
  if (!panic_) Expect(TokenKind::Semicolon);
  ast_.vars.push_back(var);
  return Add(NodeKind::VarItem, var.name_tok, uint32_t(ast_.vars.size() - 1));
}

// Modifier words stand before the name; one that is also the name (`var volatile: s32`) is the
// name: a word is a modifier only when another identifier follows it.
void Parser::ParseModifiers(VarDecl& var) {
  Modifier m;
  while (At(TokenKind::Identifier) && Peek(1) == TokenKind::Identifier && LookUpModifier(Text(pos_), &m)) {
    if (!var.modifiers) var.modifier_tok = pos_;
    if (var.Has(m)) ErrorAt(pos_, "modifier `" + std::string(ModifierSpelling(m)) + "` is written twice");
    var.modifiers |= 1u << uint32_t(m);
    Advance();
  }
}

// struct_item = "struct" IDENT [ type_params ] attrs "{" [ field { ( "," | ";" ) field } [ "," | ";" ] ] "}"
// field       = IDENT ":" type
NodeId Parser::ParseStruct() {
  Advance();  // struct
  StructDecl decl{};
  if (!ExpectIdentifier(&decl.name_tok, "a struct name")) return kNoNode;
  decl.name = InternTok(decl.name_tok);
  decl.type_params = ParseTypeParams();
  TokenId after_params = pos_;
  decl.attrs = ParseAttrs();
  uint32_t start = uint32_t(ast_.fields.size());
  if (Expect(TokenKind::LBrace)) {
    while (!panic_ && !At(TokenKind::RBrace) && !At(TokenKind::Eof)) {
      FieldDecl field{};
      if (!ExpectIdentifier(&field.tok, "a field name")) break;
      field.name = InternTok(field.tok);
      Expect(TokenKind::Colon);
      field.type = ParseType();
      ast_.fields.push_back(field);
      if (!Accept(TokenKind::Comma) && !Accept(TokenKind::Semicolon)) break;
    }
    Expect(TokenKind::RBrace, "`,` or `}`");
  }
  decl.fields = {start, uint32_t(ast_.fields.size()) - start};
  MarkUsedTypeParams(decl.type_params, after_params);
  ast_.structs.push_back(decl);
  return Add(NodeKind::StructItem, decl.name_tok, uint32_t(ast_.structs.size() - 1));
}

// enum_item = "enum" IDENT attrs "{" { member ( ";" | "," ) } [ member ] "}"
// member    = IDENT ":" type [ "=" expr ]
NodeId Parser::ParseEnum() {
  Advance();  // enum
  EnumDecl decl{};
  if (!ExpectIdentifier(&decl.name_tok, "an enum name")) return kNoNode;
  decl.name = InternTok(decl.name_tok);
  decl.attrs = ParseAttrs();
  uint32_t start = uint32_t(ast_.members.size());
  if (Expect(TokenKind::LBrace)) {
    while (!panic_ && !At(TokenKind::RBrace) && !At(TokenKind::Eof)) {
      EnumMemberDecl member{};
      if (!ExpectIdentifier(&member.tok, "an enum member name")) break;
      member.name = InternTok(member.tok);
      if (Expect(TokenKind::Colon, "`:` and the member's type")) member.type = ParseType();
      if (!panic_ && Accept(TokenKind::Assign)) member.value = ParseExpr();
      ast_.members.push_back(member);
      if (!Accept(TokenKind::Semicolon) && !Accept(TokenKind::Comma)) break;
    }
    Expect(TokenKind::RBrace, "`;` or `}`");
  }
  decl.members = {start, uint32_t(ast_.members.size()) - start};
  ast_.enums.push_back(decl);
  return Add(NodeKind::EnumItem, decl.name_tok, uint32_t(ast_.enums.size() - 1));
}

// type_alias = "type" IDENT [ type_params ] "=" type ";"
NodeId Parser::ParseTypeAlias() {
  Advance();  // type
  TokenId name_tok;
  if (!ExpectIdentifier(&name_tok, "a type name")) return kNoNode;
  ListRef params = ParseTypeParams();
  ListRef attrs = ParseAttrs();  // `type A @public = ...;`
  TokenId after_params = pos_;
  NodeId type = kNoNode;
  if (Expect(TokenKind::Assign)) type = ParseType();
  if (!panic_) Expect(TokenKind::Semicolon);
  MarkUsedTypeParams(params, after_params);
  ast_.aliases.push_back({params, attrs});
  return Add(NodeKind::TypeAliasItem, name_tok, InternTok(name_tok), type, uint32_t(ast_.aliases.size()));
}

// ct_if  = "@if" "(" expr ")" branch { ( "@elif" | "@else" "if" ) "(" expr ")" branch } [ "@else" branch ]
// branch = "{" { item | statement } "}" | item | statement       (items at top level, else statements)
NodeId Parser::ParseCtIf(bool top_level) { return ParseCtIfRest(Advance(), top_level); }

NodeId Parser::ParseCtIfRest(TokenId tok, bool top_level) {
  NodeId cond = kNoNode, then = kNoNode, rest = kNoNode;
  if (Expect(TokenKind::LParen, "`(` and the condition")) {
    cond = ParseExpr();
    if (!panic_) Expect(TokenKind::RParen);
  }
  if (!panic_) then = ParseCtBranch(top_level);
  if (!panic_ && AtAttribute("@elif")) {
    rest = ParseCtIfRest(Advance(), top_level);
  } else if (!panic_ && AtAttribute("@else")) {
    TokenId else_tok = Advance();
    rest = Accept(TokenKind::KwIf) ? ParseCtIfRest(else_tok, top_level) : ParseCtBranch(top_level);
  }
  return Add(NodeKind::CtIf, tok, cond, then, rest);
}

NodeId Parser::ParseCtBranch(bool top_level) {
  if (!top_level) return At(TokenKind::LBrace) ? ParseBlock() : ParseStatement();
  if (!At(TokenKind::LBrace)) return ParseItem();
  TokenId open = Advance();
  size_t mark = Mark();
  while (!panic_ && !At(TokenKind::RBrace) && !At(TokenKind::Eof)) {
    if (Accept(TokenKind::Semicolon)) continue;
    NodeId item = ParseItem();
    if (item != kNoNode) scratch_.push_back(item);
  }
  if (!panic_) Expect(TokenKind::RBrace, "a declaration or `}`");
  ListRef items = Commit(mark);
  return Add(NodeKind::Block, open, 0, items.start, items.count);
}

// import_item = "import" ( STRING | "std" "::" IDENT { "::" IDENT } ) [ import_tail ] ";"
//             | "importC" STRING [ "as" path ] ";" | "directive" STRING ";"
// import_tail = "as" path | "only" "{" IDENT { "," IDENT } [ "," ] "}"          (13, 11)
NodeId Parser::ParseImport() {
  TokenId kw = Advance();
  TokenKind k = tokens_.kinds[kw];
  NodeKind kind = k == TokenKind::KwImport    ? NodeKind::ImportItem
                  : k == TokenKind::KwImportC ? NodeKind::ImportCItem
                                              : NodeKind::DirectiveItem;
  TokenId path_tok = pos_;
  ImportDecl decl;
  uint32_t index;
  if (kind == NodeKind::ImportItem && At(TokenKind::Identifier)) {  // import std::a::b
    decl.is_std = Text(pos_) == "std";
    std::string spelled;
    if (!ParseModulePath(&spelled)) return kNoNode;
    index = uint32_t(ast_.strings.size());
    ast_.strings.push_back(std::move(spelled));
  } else {
    if (!Expect(TokenKind::StringLiteral, k == TokenKind::KwDirective ? "a string with the flag" : "a string with the path"))
      return kNoNode;
    index = AddString(path_tok);
  }
  if (kind != NodeKind::DirectiveItem && At(TokenKind::KwAs)) {
    Advance();
    TokenId alias_tok = pos_;
    if (!ExpectIdentifier(&alias_tok, "a namespace name after `as`")) return kNoNode;
    decl.has_alias = true;
    decl.alias = ParsePathRest(alias_tok);
    decl.alias_tok = alias_tok;
  } else if (kind == NodeKind::ImportItem && At(TokenKind::KwOnly)) {
    Advance();
    decl.has_only = true;
    if (!Expect(TokenKind::LBrace, "`{` and the names to import")) return kNoNode;
    size_t mark = Mark();
    while (!panic_ && !At(TokenKind::RBrace) && !At(TokenKind::Eof)) {
      TokenId name;
      if (!ExpectIdentifier(&name, "a name to import")) break;
      scratch_.push_back(Add(NodeKind::Name, name, InternTok(name)));
      if (!Accept(TokenKind::Comma)) break;
    }
    decl.only = Commit(mark);
    if (!panic_) Expect(TokenKind::RBrace, "`,` or `}`");
  }
  Expect(TokenKind::Semicolon);
  uint32_t extra = 0;
  if (kind != NodeKind::DirectiveItem) {
    ast_.imports.push_back(decl);
    extra = uint32_t(ast_.imports.size());
  }
  return Add(kind, path_tok, index, extra);
}

// `std::a::b` (or any other identifier path, which the checker rejects) after `import`: the parts
// after the first, joined with '/' when the first is `std`, else the whole path with "::".
bool Parser::ParseModulePath(std::string* spelled) {
  TokenId first = Advance();
  bool is_std = Text(first) == "std";
  std::string out = is_std ? "" : std::string(Text(first));
  bool any = false;
  while (At(TokenKind::ColonColon)) {
    Advance();
    TokenId part;
    if (!ExpectIdentifier(&part, "a module name after `::`")) return false;
    if (!out.empty()) out += is_std ? "/" : "::";
    out += Text(part);
    any = true;
  }
  if (is_std && !any) {
    ErrorAt(first, "expected a module after `std::`, e.g. `import std::io;`");
    return false;
  }
  *spelled = is_std ? out : "::" + out;  // a leading "::" marks a path that is not std's
  return true;
}

// After the identifier `first` has been read: `{ "::" IDENT }`, the whole path interned as one
// name ("m::f", "shapes::geo::Shape"), which the checker resolves through the namespaces (13).
NameId Parser::ParsePathRest(TokenId first) {
  if (!(At(TokenKind::ColonColon) && Peek(1) == TokenKind::Identifier)) return InternTok(first);
  std::string path(Text(first));
  while (At(TokenKind::ColonColon) && Peek(1) == TokenKind::Identifier) {
    Advance();
    path += "::";
    path += Text(Advance());
  }
  return names_.Intern(path);
}

}  // namespace thrustc::frontend
