// importC: object-like macros whose value is an integer, float or string literal after expansion
// (section 11) become constants. The macro's tokens are expanded through the other object-like
// macros (clang's predefined ones included: INT_MAX is __INT_MAX__) and folded by a small C
// constant-expression evaluator; anything else (pointers, calls, statements) is skipped.
#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "cimport/importer.h"

namespace thrustc::cimport {

namespace {
struct MacroDef {
  std::vector<std::string> tokens;  // the replacement list
  CXCursor cursor;
};

struct Value {
  enum class Kind { Int, Float, String } kind = Kind::Int;
  __int128 i = 0;
  double f = 0;
  uint8_t bits = 32;  // Int: 32/64; Float: 32/64
  bool is_signed = true;
  std::string s;
};

Value IntValue(__int128 v, uint8_t bits, bool is_signed) {
  Value r;
  r.bits = bits, r.is_signed = is_signed;
  __int128 m = bits == 64 ? (is_signed ? __int128(int64_t(v)) : __int128(uint64_t(v)))
                          : (is_signed ? __int128(int32_t(v)) : __int128(uint32_t(v)));
  r.i = m;
  return r;
}

std::optional<Value> ParseNumber(const std::string& t) {
  if (t.empty() || !(std::isdigit(uint8_t(t[0])) || t[0] == '.')) return std::nullopt;
  bool hex = t.size() > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
  bool is_float = !hex && t.find_first_of(".eE") != std::string::npos;
  if (is_float || (hex && t.find_first_of("pP") != std::string::npos)) {
    char* end = nullptr;
    Value v;
    v.kind = Value::Kind::Float;
    v.f = std::strtod(t.c_str(), &end);
    std::string suffix(end);
    if (suffix == "f" || suffix == "F") v.bits = 32, v.f = float(v.f);
    else if (suffix.empty()) v.bits = 64;
    else return std::nullopt;  // long double
    return v;
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long u = std::strtoull(t.c_str(), &end, 0);
  if (errno) return std::nullopt;
  std::string suffix(end);
  bool is_unsigned = suffix.find_first_of("uU") != std::string::npos;
  bool is_long = suffix.find_first_of("lL") != std::string::npos;
  for (char c : suffix)
    if (!std::strchr("uUlL", c)) return std::nullopt;
  uint8_t bits = is_long || u > (is_unsigned || hex || t[0] == '0' ? 0xFFFFFFFFull : 0x7FFFFFFFull) ? 64 : 32;
  if (!is_unsigned && bits == 32 && u > 0x7FFFFFFF) is_unsigned = true;  // hex/octal: unsigned int
  if (!is_unsigned && bits == 64 && u > 0x7FFFFFFFFFFFFFFFull) is_unsigned = true;
  return IntValue(__int128(u), bits, !is_unsigned);
}

// A recursive-descent evaluator over the fully expanded tokens.
class Eval {
 public:
  Eval(const std::vector<std::string>& toks, const std::unordered_map<std::string, uint32_t>& typedefs,
       const frontend::CDecls& decls)
      : t_(toks), typedefs_(typedefs), decls_(decls) {}
  std::optional<Value> Run() {
    auto v = Ternary();
    if (!v || pos_ != t_.size()) return std::nullopt;
    return v;
  }

 private:
  bool Peek(const char* s) const { return pos_ < t_.size() && t_[pos_] == s; }
  bool Eat(const char* s) { return Peek(s) ? (++pos_, true) : false; }
  std::optional<Value> Ternary() {
    auto c = Binary(0);
    if (!c || !Eat("?")) return c;
    auto a = Ternary();
    if (!a || !Eat(":")) return std::nullopt;
    auto b = Ternary();
    if (!b || c->kind != Value::Kind::Int) return std::nullopt;
    return c->i ? a : b;
  }
  static int Prec(const std::string& op) {
    static const char* levels[][5] = {{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="},
                                      {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}};
    for (int l = 0; l < 10; ++l)
      for (const char* o : levels[l])
        if (o && op == o) return l + 1;
    return 0;
  }
  std::optional<Value> Binary(int min) {
    auto lhs = Unary();
    while (lhs && pos_ < t_.size()) {
      std::string op = t_[pos_];
      int p = Prec(op);
      if (!p || p <= min) break;
      ++pos_;
      auto rhs = Binary(p);
      if (!rhs) return std::nullopt;
      lhs = Apply(op, *lhs, *rhs);
    }
    return lhs;
  }
  static std::optional<Value> Apply(const std::string& op, Value a, Value b);
  std::optional<Value> Unary() {
    if (Eat("-")) return Negate(Unary());
    if (Eat("+")) return Unary();
    if (Eat("~")) {
      auto v = Unary();
      if (!v || v->kind != Value::Kind::Int) return std::nullopt;
      return IntValue(~v->i, v->bits, v->is_signed);
    }
    if (Eat("!")) {
      auto v = Unary();
      if (!v || v->kind == Value::Kind::String) return std::nullopt;
      return IntValue(v->kind == Value::Kind::Int ? !v->i : !v->f, 32, true);
    }
    if (Peek("(")) {
      if (auto cast = CastType()) {
        auto v = Unary();
        return v ? Convert(*v, *cast) : std::nullopt;
      }
      ++pos_;
      auto v = Ternary();
      if (!v || !Eat(")")) return std::nullopt;
      return v;
    }
    return Primary();
  }
  static std::optional<Value> Negate(std::optional<Value> v) {
    if (!v || v->kind == Value::Kind::String) return std::nullopt;
    if (v->kind == Value::Kind::Float) v->f = -v->f;
    else *v = IntValue(-v->i, v->bits, v->is_signed);
    return v;
  }
  // `(type)` of an integer or float type: C keywords or a typedef of one.
  std::optional<frontend::CType> CastType() {
    size_t p = pos_ + 1;
    std::vector<std::string> words;
    while (p < t_.size() && t_[p] != ")") words.push_back(t_[p++]);
    if (p >= t_.size() || words.empty()) return std::nullopt;
    frontend::CType c;
    c.kind = frontend::CType::Kind::Int, c.bits = 32, c.is_signed = true;
    if (words.size() == 1 && typedefs_.count(words[0])) {
      c = decls_.types[typedefs_.at(words[0])];
      if (c.kind != frontend::CType::Kind::Int && c.kind != frontend::CType::Kind::Float &&
          c.kind != frontend::CType::Kind::Char)
        return std::nullopt;
    } else {
      int longs = 0;
      for (const std::string& w : words) {
        if (w == "unsigned") c.is_signed = false;
        else if (w == "long") c.bits = 64, ++longs;
        else if (w == "short") c.bits = 16;
        else if (w == "char") c.bits = 8;
        else if (w == "double") c.kind = frontend::CType::Kind::Float, c.bits = 64;
        else if (w == "float") c.kind = frontend::CType::Kind::Float, c.bits = 32;
        else if (w != "signed" && w != "int" && w != "const") return std::nullopt;
      }
      if (c.kind == frontend::CType::Kind::Float && longs) return std::nullopt;
    }
    pos_ = p + 1;
    return c;
  }
  static std::optional<Value> Convert(Value v, const frontend::CType& c) {
    if (v.kind == Value::Kind::String) return std::nullopt;
    if (c.kind == frontend::CType::Kind::Float) {
      Value r;
      r.kind = Value::Kind::Float, r.bits = c.bits;
      r.f = v.kind == Value::Kind::Float ? v.f : double(v.i);
      return r;
    }
    __int128 i = v.kind == Value::Kind::Float ? __int128(v.f) : v.i;
    uint8_t bits = c.kind == frontend::CType::Kind::Char ? 8 : c.bits;
    bool is_signed = c.kind == frontend::CType::Kind::Char || c.is_signed;
    if (bits < 32) {  // narrow casts truncate, then promote to int
      i = is_signed ? (bits == 8 ? __int128(int8_t(i)) : __int128(int16_t(i)))
                    : (bits == 8 ? __int128(uint8_t(i)) : __int128(uint16_t(i)));
      return IntValue(i, 32, true);
    }
    return IntValue(i, bits, is_signed);
  }
  std::optional<Value> Primary() {
    if (pos_ >= t_.size()) return std::nullopt;
    const std::string& tok = t_[pos_++];
    if (tok[0] == '"') {
      Value v;
      v.kind = Value::Kind::String;
      v.s = Unquote(tok);
      while (pos_ < t_.size() && t_[pos_][0] == '"') v.s += Unquote(t_[pos_++]);
      return v;
    }
    if (tok[0] == '\'' && tok.size() == 3) return IntValue(tok[1], 32, true);
    return ParseNumber(tok);
  }
  static std::string Unquote(const std::string& tok) {
    std::string out;
    for (size_t i = 1; i + 1 < tok.size(); ++i) {
      char c = tok[i];
      if (c == '\\' && i + 2 < tok.size()) {
        char e = tok[++i];
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
      }
      out += c;
    }
    return out;
  }

  const std::vector<std::string>& t_;
  const std::unordered_map<std::string, uint32_t>& typedefs_;
  const frontend::CDecls& decls_;
  size_t pos_ = 0;
};

std::optional<Value> Eval::Apply(const std::string& op, Value a, Value b) {
  if (a.kind == Value::Kind::String || b.kind == Value::Kind::String) return std::nullopt;
  bool cmp = op == "==" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=";
  if (a.kind == Value::Kind::Float || b.kind == Value::Kind::Float) {
    double x = a.kind == Value::Kind::Float ? a.f : double(a.i), y = b.kind == Value::Kind::Float ? b.f : double(b.i);
    Value r;
    r.kind = Value::Kind::Float, r.bits = 64;
    if (op == "+") r.f = x + y;
    else if (op == "-") r.f = x - y;
    else if (op == "*") r.f = x * y;
    else if (op == "/") r.f = x / y;
    else if (cmp) return IntValue(op == "==" ? x == y : op == "!=" ? x != y : op == "<" ? x < y : op == ">" ? x > y
                                  : op == "<=" ? x <= y : x >= y, 32, true);
    else return std::nullopt;
    return r;
  }
  uint8_t bits = std::max(a.bits, b.bits);
  bool is_signed = (a.bits == bits ? a.is_signed : true) && (b.bits == bits ? b.is_signed : true);
  __int128 x = a.i, y = b.i, r = 0;
  if (op == "<<" || op == ">>") {
    if (y < 0 || y >= a.bits) return std::nullopt;
    return IntValue(op == "<<" ? x << int(y) : x >> int(y), a.bits, a.is_signed);
  }
  if (op == "+") r = x + y;
  else if (op == "-") r = x - y;
  else if (op == "*") r = x * y;
  else if (op == "/" || op == "%") {
    if (y == 0) return std::nullopt;
    r = op == "/" ? x / y : x % y;
  } else if (op == "&") r = x & y;
  else if (op == "|") r = x | y;
  else if (op == "^") r = x ^ y;
  else if (op == "&&") return IntValue(x && y, 32, true);
  else if (op == "||") return IntValue(x || y, 32, true);
  else if (cmp) return IntValue(op == "==" ? x == y : op == "!=" ? x != y : op == "<" ? x < y : op == ">" ? x > y
                                : op == "<=" ? x <= y : x >= y, 32, true);
  return IntValue(r, bits, is_signed);
}

// Replaces every object-like macro (not one being expanded) and enum constant by its value.
// False for what cannot be a constant: function-like macro calls, unknown identifiers.
bool Expand(const std::vector<std::string>& tokens, const std::unordered_map<std::string, MacroDef>& macros,
            const std::unordered_map<std::string, int64_t>& enums,
            const std::unordered_map<std::string, uint32_t>& typedefs, std::vector<std::string>& active,
            std::vector<std::string>& out, int depth) {
  if (depth > 32) return false;
  for (const std::string& tok : tokens) {
    bool ident = std::isalpha(uint8_t(tok[0])) || tok[0] == '_';
    if (!ident) {
      out.push_back(tok);
      continue;
    }
    if (std::find(active.begin(), active.end(), tok) == active.end()) {
      if (auto m = macros.find(tok); m != macros.end()) {
        if (clang_Cursor_isMacroFunctionLike(m->second.cursor)) return false;
        active.push_back(tok);
        bool ok = Expand(m->second.tokens, macros, enums, typedefs, active, out, depth + 1);
        active.pop_back();
        if (!ok) return false;
        continue;
      }
    }
    if (auto e = enums.find(tok); e != enums.end()) {
      out.push_back(std::to_string(e->second));
      continue;
    }
    static const char* kTypeWords[] = {"unsigned", "signed", "int", "long", "short", "char", "float", "double", "const"};
    bool type_word = typedefs.count(tok) > 0;
    for (const char* w : kTypeWords) type_word |= tok == w;
    if (!type_word) return false;
    out.push_back(tok);
  }
  return true;
}
}  // namespace

void Importer::ImportMacros() {
  std::unordered_map<std::string, MacroDef> macros;
  std::vector<std::string> order;  // exported macros, first definitions in order
  std::unordered_map<std::string, frontend::CLocation> first_loc;
  CXCursor root = clang_getTranslationUnitCursor(tu_);
  struct Ctx {
    Importer* self;
    std::unordered_map<std::string, MacroDef>* macros;
    std::vector<std::string>* order;
    std::unordered_map<std::string, frontend::CLocation>* first_loc;
  } ctx{this, &macros, &order, &first_loc};
  clang_visitChildren(root, [](CXCursor c, CXCursor, CXClientData d) {
    auto* ctx = static_cast<Ctx*>(d);
    if (clang_getCursorKind(c) != CXCursor_MacroDefinition || clang_Cursor_isMacroFunctionLike(c) ||
        clang_Cursor_isMacroBuiltin(c))
      return CXChildVisit_Continue;
    CXToken* toks = nullptr;
    unsigned n = 0;
    clang_tokenize(ctx->self->tu_, clang_getCursorExtent(c), &toks, &n);
    MacroDef def{{}, c};
    for (unsigned i = 1; i < n; ++i) def.tokens.push_back(TakeString(clang_getTokenSpelling(ctx->self->tu_, toks[i])));
    clang_disposeTokens(ctx->self->tu_, toks, n);
    std::string name = TakeString(clang_getCursorSpelling(c));
    CXFile file = nullptr;
    clang_getSpellingLocation(clang_getCursorLocation(c), &file, nullptr, nullptr, nullptr);
    bool exported = file && ctx->self->file_headers_.count(file);
    auto it = ctx->macros->find(name);
    if (it != ctx->macros->end()) {
      // Between two headers the first import wins; a header redefining its own macro is C.
      if (exported && ctx->first_loc->count(name) && it->second.tokens != def.tokens &&
          ctx->self->file_headers_[file] != (*ctx->first_loc)[name].header)
        ctx->self->ReportMacroClash(name, (*ctx->first_loc)[name], ctx->self->LocationOf(c));
      return CXChildVisit_Continue;  // the first definition wins
    }
    ctx->macros->emplace(name, std::move(def));
    if (exported && !ctx->self->ordinary_names_.count(name)) {
      ctx->order->push_back(name);
      (*ctx->first_loc)[name] = ctx->self->LocationOf(c);
    }
    return CXChildVisit_Continue;
  }, &ctx);

  std::unordered_map<std::string, int64_t> enum_values;
  for (const frontend::CConstant& k : out_.constants) enum_values[k.name] = k.int_value;
  for (const std::string& name : order) {
    std::vector<std::string> expanded;
    std::vector<std::string> active{name};
    bool ok = Expand(macros.at(name).tokens, macros, enum_values, typedef_types_, active, expanded, 0);
    if (!ok || expanded.empty()) continue;
    std::optional<Value> v = Eval(expanded, typedef_types_, out_).Run();
    if (!v) continue;
    frontend::CConstant k;
    k.name = name;
    k.loc = first_loc[name];
    if (v->kind == Value::Kind::String) {
      k.kind = frontend::CConstant::Kind::String;
      k.string_value = v->s;
    } else if (v->kind == Value::Kind::Float) {
      frontend::CType t;
      t.kind = frontend::CType::Kind::Float, t.bits = v->bits;
      k.kind = frontend::CConstant::Kind::Float, k.float_value = v->f, k.type = InternType(t);
    } else {
      frontend::CType t;
      t.kind = frontend::CType::Kind::Int, t.bits = v->bits, t.is_signed = v->is_signed;
      k.int_value = int64_t(v->i), k.type = InternType(t);
    }
    ordinary_names_.insert(name);
    out_.constants.push_back(std::move(k));
  }
}

void Importer::ReportMacroClash(const std::string& name, const frontend::CLocation& first,
                                const frontend::CLocation& second) {
  const std::string& a = out_.headers[first.header];
  const std::string& b = out_.headers[second.header];
  auto& d = diags_.Report(DiagKind::CImportClash, requests_[second.header].where,
                          "`" + name + "` from `" + b + "` clashes with `" + name + "` from `" + a +
                              "`; the first import wins");
  diags_.AddNote(d, {first.src, 1}, "`" + name + "` used from here (" + first.file + ":" + std::to_string(first.line) + ")");
  diags_.AddNote(d, {second.src, 1}, "ignored definition here (" + second.file + ":" + std::to_string(second.line) + ")");
}

}  // namespace thrustc::cimport
