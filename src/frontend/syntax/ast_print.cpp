// `-print ast`: renders a parsed file as an indented tree, one node a line, with declaration
// side tables (params, fields, members, attributes, storage) shown on their item's line and
// types written inline in source syntax. Read by humans and by the golden tests.
#include <charconv>
#include <cstdio>

#include "frontend/syntax/parser.h"

namespace thrustc::frontend {

namespace {

void AppendQuoted(std::string& out, std::string_view s, char quote) {
  out += quote;
  for (char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      case '\0': out += "\\0"; break;
      default:
        if (c == quote) {
          out += '\\';
          out += c;
        } else if (uint8_t(c) < 0x20 || uint8_t(c) >= 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02X", unsigned(uint8_t(c)));
          out += hex;
        } else {
          out += c;
        }
    }
  }
  out += quote;
}

std::string FloatText(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep floats visibly floats
  return s;
}

class AstPrinter {
 public:
  AstPrinter(const Ast& ast, const NameTable& names) : ast_(ast), names_(names) {}
  std::string Run() {
    for (NodeId item : ast_.items) PrintNode(item, 0);
    return std::move(out_);
  }

 private:
  std::string_view Name(NameId id) const { return names_.Str(id); }
  const Node& N(NodeId id) const { return ast_.nodes[id]; }
  void Line(int indent, std::string_view text) {
    out_.append(size_t(indent) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }
  std::string TypeText(NodeId id) const;
  std::string InlineExpr(NodeId id, int depth = 0) const;
  // Binary chains may be any length (the parser loops over them); the printer recurses, so it
  // stops at this depth and says so.
  static constexpr int kMaxPrintDepth = 2000;
  std::string AttrsText(ListRef attrs) const;
  std::string TypeArgsText(uint32_t start, uint32_t count) const;
  std::string TypeParamsText(ListRef params) const;
  void PrintNode(NodeId id, int indent);
  void PrintItem(NodeId id, int indent);
  void PrintList(uint32_t start, uint32_t count, int indent) {
    for (uint32_t i = 0; i < count; ++i) PrintNode(ast_.ListAt(start, i), indent);
  }
  void PrintOptional(NodeId id, int indent) {
    if (id == kNoNode) Line(indent, "<none>");
    else PrintNode(id, indent);
  }

  const Ast& ast_;
  const NameTable& names_;
  std::string out_;
};

std::string AstPrinter::TypeText(NodeId id) const {
  if (id == kNoNode) return "void";
  const Node& n = N(id);
  switch (n.kind) {
    case NodeKind::TypeName: return std::string(Name(n.a));
    case NodeKind::TypePtr: return "ptr[" + TypeText(n.a) + (n.b ? ", " + InlineExpr(n.b) : std::string()) + "]";
    case NodeKind::TypeConst: return "const " + TypeText(n.a);
    case NodeKind::TypeArray:
      return (n.op ? "NativeVector[" : "array[") + TypeText(n.a) + (n.b ? "; " + InlineExpr(n.b) : std::string()) +
             (n.c ? ", " + InlineExpr(n.c) : std::string()) + "]";
    case NodeKind::TypeInst: return std::string(Name(n.a)) + TypeArgsText(n.b, n.c);
    case NodeKind::TypeFn: {
      std::string s = "Fn[";
      for (uint32_t i = 0; i < n.b; ++i) s += (i ? ", " : "") + TypeText(ast_.ListAt(n.a, i));
      return s + "]" + (n.c ? " -> " + TypeText(n.c) : std::string());
    }
    default: return "<" + std::string(NodeKindName(n.kind)) + ">";
  }
}

// Expressions inside one line (array lengths, attribute arguments), fully parenthesised.
std::string AstPrinter::InlineExpr(NodeId id, int depth) const {
  if (depth > kMaxPrintDepth) return "<deeper levels elided>";
  const Node& n = N(id);
  std::string s;
  switch (n.kind) {
    case NodeKind::IntLit: return std::to_string(ast_.ints[n.a]);
    case NodeKind::FloatLit: return FloatText(ast_.floats[n.a]);
    case NodeKind::CharLit: AppendQuoted(s, std::string(1, char(n.a)), '\''); return s;
    case NodeKind::StringLit: AppendQuoted(s, ast_.strings[n.a], '"'); return s;
    case NodeKind::BoolLit: return n.a ? "true" : "false";
    case NodeKind::NullLit: return "nullptr";
    case NodeKind::Name: return std::string(Name(n.a));
    case NodeKind::GenericName: return std::string(Name(n.a)) + TypeArgsText(n.b, n.c);
    case NodeKind::EnumAccess: return std::string(Name(n.a)) + "=>" + std::string(Name(n.b));
    case NodeKind::Binary:
      return "(" + InlineExpr(n.a, depth + 1) + " " + std::string(TokenKindName(TokenKind(n.op))) + " " +
             InlineExpr(n.b, depth + 1) + ")";
    case NodeKind::Unary: return std::string(TokenKindName(TokenKind(n.op))) + InlineExpr(n.a, depth + 1);
    case NodeKind::Cast: return "(" + InlineExpr(n.a, depth + 1) + " as " + TypeText(n.b) + ")";
    case NodeKind::Call: {
      s = InlineExpr(n.a, depth + 1) + "(";
      for (uint32_t i = 0; i < n.c; ++i) {
        NodeId arg = ast_.ListAt(n.b, i);
        bool is_type = N(arg).kind >= NodeKind::TypeName && N(arg).kind <= NodeKind::TypeFn;
        s += (i ? ", " : "") + (is_type ? TypeText(arg) : InlineExpr(arg, depth + 1));
      }
      return s + ")";
    }
    default: return "<" + std::string(NodeKindName(n.kind)) + ">";
  }
}

std::string AstPrinter::TypeArgsText(uint32_t start, uint32_t count) const {
  std::string s = "[";
  for (uint32_t i = 0; i < count; ++i) s += (i ? ", " : "") + TypeText(ast_.ListAt(start, i));
  return s + "]";
}

std::string AstPrinter::TypeParamsText(ListRef params) const {
  if (!params.count) return "";
  std::string s = "[";
  for (uint32_t i = 0; i < params.count; ++i) s += (i ? ", " : "") + std::string(Name(ast_.type_params[params.start + i].name));
  return s + "]";
}

std::string AstPrinter::AttrsText(ListRef attrs) const {
  std::string s;
  for (uint32_t i = 0; i < attrs.count; ++i) {
    const Attr& a = ast_.attrs[attrs.start + i];
    s += " @" + std::string(Name(a.name));
    if (a.arg != kNoNode) s += "(" + InlineExpr(a.arg) + ")";
  }
  return s;
}

void AstPrinter::PrintItem(NodeId id, int indent) {
  const Node& n = N(id);
  switch (n.kind) {
    case NodeKind::FnItem: {
      const FnDecl& fn = ast_.fns[n.a];
      std::string s = "FnItem " + std::string(Name(fn.name)) + TypeParamsText(fn.type_params) + "(";
      for (uint32_t i = 0; i < fn.params.count; ++i) {
        const Param& p = ast_.params[fn.params.start + i];
        s += (i ? ", " : "") + std::string(Name(p.name)) + ": " + TypeText(p.type);
      }
      s += ")";
      if (fn.ret_type != kNoNode) s += " -> " + TypeText(fn.ret_type);
      s += AttrsText(fn.attrs);
      if (fn.body == kNoNode) s += " (prototype)";
      Line(indent, s);
      if (fn.body != kNoNode) PrintNode(fn.body, indent + 1);
      return;
    }
    case NodeKind::VarItem: {
      const VarDecl& v = ast_.vars[n.a];
      const char* storage = v.storage == Storage::Var     ? "var"
                            : v.storage == Storage::Const ? "const"
                                                          : (v.is_mut ? "static mut" : "static");
      Line(indent, "VarItem " + std::string(storage) + " " + std::string(Name(v.name)) + ": " +
                       TypeText(v.type) + AttrsText(v.attrs));
      if (v.init != kNoNode) PrintNode(v.init, indent + 1);
      return;
    }
    case NodeKind::StructItem: {
      const StructDecl& d = ast_.structs[n.a];
      Line(indent, "StructItem " + std::string(Name(d.name)) + TypeParamsText(d.type_params) + AttrsText(d.attrs));
      for (uint32_t i = 0; i < d.fields.count; ++i) {
        const FieldDecl& f = ast_.fields[d.fields.start + i];
        Line(indent + 1, "Field " + std::string(Name(f.name)) + ": " + TypeText(f.type));
      }
      return;
    }
    case NodeKind::EnumItem: {
      const EnumDecl& d = ast_.enums[n.a];
      Line(indent, "EnumItem " + std::string(Name(d.name)) + AttrsText(d.attrs));
      for (uint32_t i = 0; i < d.members.count; ++i) {
        const EnumMemberDecl& m = ast_.members[d.members.start + i];
        Line(indent + 1, "Member " + std::string(Name(m.name)) + ": " + TypeText(m.type));
        if (m.value != kNoNode) PrintNode(m.value, indent + 2);
      }
      return;
    }
    case NodeKind::TypeAliasItem:
      Line(indent, "TypeAliasItem " + std::string(Name(n.a)) + TypeParamsText(ast_.aliases[n.c - 1].type_params) +
                       AttrsText(ast_.aliases[n.c - 1].attrs) + " = " + TypeText(n.b));
      return;
    default: {  // ImportItem, ImportCItem, DirectiveItem
      std::string s = std::string(NodeKindName(n.kind)) + " ";
      const ImportDecl* d = n.kind != NodeKind::DirectiveItem && n.b ? &ast_.imports[n.b - 1] : nullptr;
      if (d) s += ImportSpelling(ast_, id);
      else AppendQuoted(s, ast_.strings[n.a], '"');
      if (d && d->has_alias) s += " as " + std::string(Name(d->alias));
      if (d && d->has_only) {
        s += " only {";
        for (uint32_t i = 0; i < d->only.count; ++i)
          s += (i ? ", " : " ") + std::string(Name(N(ast_.List(d->only, i)).a));
        s += " }";
      }
      Line(indent, s);
    }
  }
}

void AstPrinter::PrintNode(NodeId id, int indent) {
  if (indent > kMaxPrintDepth) return Line(indent, "<deeper levels elided>");
  const Node& n = N(id);
  std::string head(NodeKindName(n.kind));
  std::string_view op = TokenKindName(TokenKind(n.op));
  switch (n.kind) {
    case NodeKind::FnItem: case NodeKind::VarItem: case NodeKind::StructItem:
    case NodeKind::EnumItem: case NodeKind::TypeAliasItem: case NodeKind::ImportItem:
    case NodeKind::ImportCItem: case NodeKind::DirectiveItem:
      return PrintItem(id, indent);
    case NodeKind::TypeName: case NodeKind::TypePtr: case NodeKind::TypeArray:
    case NodeKind::TypeConst: case NodeKind::TypeInst: case NodeKind::TypeFn:
      return Line(indent, head + " " + TypeText(id));
    case NodeKind::IntLit: case NodeKind::FloatLit: case NodeKind::CharLit:
    case NodeKind::StringLit: case NodeKind::BoolLit: case NodeKind::Name:
    case NodeKind::GenericName: case NodeKind::EnumAccess:
      return Line(indent, head + " " + InlineExpr(id));
    case NodeKind::Binary: case NodeKind::Assign:
      Line(indent, head + " " + std::string(op));
      PrintNode(n.a, indent + 1);
      return PrintNode(n.b, indent + 1);
    case NodeKind::Unary: case NodeKind::Postfix:
      Line(indent, head + " " + std::string(op));
      return PrintNode(n.a, indent + 1);
    case NodeKind::Cast:
      Line(indent, "Cast as " + TypeText(n.b));
      return PrintNode(n.a, indent + 1);
    case NodeKind::Field:
      Line(indent, "Field ." + std::string(Name(n.b)));
      return PrintNode(n.a, indent + 1);
    case NodeKind::StructLit:
      Line(indent, "StructLit " + TypeText(n.a));
      return PrintList(n.b, n.c, indent + 1);
    case NodeKind::FieldInit:
      Line(indent, "FieldInit " + std::string(Name(n.a)));
      return PrintNode(n.b, indent + 1);
    case NodeKind::Call:
      Line(indent, head);
      PrintNode(n.a, indent + 1);
      return PrintList(n.b, n.c, indent + 1);
    case NodeKind::FixedArrayLit: case NodeKind::ArrayLit: case NodeKind::Block:
      Line(indent, head);
      return PrintList(n.b, n.c, indent + 1);
    case NodeKind::For:
      Line(indent, head);
      for (uint32_t i = 0; i < 4; ++i) PrintOptional(ast_.ListAt(n.a, i), indent + 1);
      return;
    default:  // a, b, c are child nodes or 0 (If, While, Loop, Return, Defer, Ref, ...)
      Line(indent, head);
      for (NodeId child : {n.a, n.b, n.c})
        if (child != kNoNode) PrintNode(child, indent + 1);
  }
}

}  // namespace

std::string PrintAst(const Ast& ast, const NameTable& names) {
  return AstPrinter(ast, names).Run();
}

std::string ImportSpelling(const Ast& ast, NodeId item) {
  const Node& n = ast[item];
  if (!n.b || !ast.imports[n.b - 1].is_std) {
    std::string s;
    AppendQuoted(s, ast.strings[n.a], '"');
    return s;
  }
  std::string s = "std::" + ast.strings[n.a];
  for (size_t i; (i = s.find('/')) != s.npos;) s.replace(i, 1, "::");
  return s;
}

}  // namespace thrustc::frontend
