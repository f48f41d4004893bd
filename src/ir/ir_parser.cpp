// The Thrust IR text parser: the text form written by printer.cpp (or by hand, in tests/ir/*.tir)
// -> Module. Used by `thrustc -run-ir`, the tir_run tool and IR tests. The grammar is in
// docs/ir.md. A lexer turns the text into tokens once; a pre-scan assigns ids to every type,
// global and function so references may point forward; then one recursive-descent pass fills in.
#include "ir/ir_parser.h"

#include <charconv>
#include <cstring>
#include <unordered_map>

namespace thrustc::ir {

namespace {

// Same words as printer.cpp.
constexpr std::string_view kTrapWords[] = {"div_by_zero", "div_overflow", "bounds", "unreachable",
                                           "float_to_int"};
constexpr uint32_t kMaxRegs = 1u << 24;  // guards against a typo allocating gigabytes

enum class Tok : uint8_t {
  End, Newline, Word, Number, Reg, AggName, Symbol, SlotRef, String, HexString, Punct, Arrow, Ellipsis
};

struct Token {
  Tok kind;
  char punct = 0;          // for Punct
  std::string_view text;   // raw text (Word, Number, Reg/SlotRef digits)
  std::string value;       // decoded name or string contents
  uint32_t line, col;
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits the text into tokens; `;` starts a comment that runs to the end of the line.
class Lexer {
 public:
  Lexer(std::string_view text, ParseError& error) : text_(text), error_(error) {}

  bool Run(std::vector<Token>& out) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        Advance(1);
      } else if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '\n') {
        out.push_back(Make(Tok::Newline));
        ++line_;
        line_start_ = ++pos_;
      } else if (!LexOne(out)) {
        return false;
      }
    }
    out.push_back(Make(Tok::End));
    return true;
  }

 private:
  Token Make(Tok kind) { return Token{kind, 0, {}, {}, line_, uint32_t(pos_ - line_start_ + 1)}; }
  void Advance(size_t n) { pos_ += n; }
  char Peek(size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool Fail(std::string message) {
    error_ = {line_, uint32_t(pos_ - line_start_ + 1), std::move(message)};
    return false;
  }

  bool LexOne(std::vector<Token>& out) {
    char c = text_[pos_];
    Token t = Make(Tok::Punct);
    size_t start = pos_;
    if (c == 'x' && Peek(1) == '"') {
      t.kind = Tok::HexString;
      Advance(1);
      if (!LexQuoted(t.value)) return false;
    } else if (IsAlpha(c)) {
      t.kind = Tok::Word;
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    } else if (IsDigit(c) || (c == '-' && IsDigit(Peek(1)))) {
      t.kind = Tok::Number;
      LexNumber();
    } else if (c == '%' || c == '@') {
      if (!LexSigilName(t)) return false;
    } else if (c == '$') {
      t.kind = Tok::SlotRef;
      Advance(1);
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      if (pos_ == start + 1) return Fail("expected a slot number after '$'");
      start += 1;
    } else if (c == '"') {
      t.kind = Tok::String;
      if (!LexQuoted(t.value)) return false;
    } else if (c == '-' && Peek(1) == '>') {
      t.kind = Tok::Arrow;
      Advance(2);
    } else if (c == '.' && Peek(1) == '.' && Peek(2) == '.') {
      t.kind = Tok::Ellipsis;
      Advance(3);
    } else if (std::strchr("(){},:=*+-", c) != nullptr) {
      t.punct = c;
      Advance(1);
    } else {
      return Fail(std::string("unexpected character '") + c + "'");
    }
    t.text = text_.substr(start, pos_ - start);
    out.push_back(std::move(t));
    return true;
  }

  // Integers (decimal or 0x hex) and float literals (decimal with exponent, hex floats).
  void LexNumber() {
    bool hex = text_.substr(pos_, 2) == "0x" || text_.substr(pos_, 3) == "-0x";
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      char prev = text_[pos_ - 1];
      bool exponent_sign = (c == '+' || c == '-') &&
                           (hex ? (prev == 'p' || prev == 'P') : (prev == 'e' || prev == 'E'));
      if (!IsNameChar(c) && !exponent_sign) break;
      ++pos_;
    }
  }

  // `%3` is a register; `%Name` / `%"name"` an aggregate; `@name` / `@"name"` a symbol.
  bool LexSigilName(Token& t) {
    char sigil = text_[pos_];
    Advance(1);
    if (Peek(0) == '"') {
      t.kind = sigil == '%' ? Tok::AggName : Tok::Symbol;
      return LexQuoted(t.value);
    }
    size_t start = pos_;
    bool digits = true;
    for (; pos_ < text_.size() && IsNameChar(text_[pos_]); ++pos_)
      if (!IsDigit(text_[pos_])) digits = false;
    if (pos_ == start) return Fail(std::string("expected a name after '") + sigil + "'");
    t.value.assign(text_.substr(start, pos_ - start));
    t.kind = sigil == '@' ? Tok::Symbol : digits ? Tok::Reg : Tok::AggName;
    return true;
  }

  // A quoted string with escapes \\, \" and \HH (two hex digits).
  bool LexQuoted(std::string& out) {
    Advance(1);
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_];
      if (c == '\n') return Fail("unterminated string");
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      char n = Peek(1);
      if (n == '\\' || n == '"') {
        out.push_back(n);
        pos_ += 2;
      } else if (HexValue(n) >= 0 && HexValue(Peek(2)) >= 0) {
        out.push_back(char(HexValue(n) * 16 + HexValue(Peek(2))));
        pos_ += 3;
      } else {
        return Fail("invalid escape in string (use \\\\, \\\" or \\HH)");
      }
    }
    if (pos_ >= text_.size()) return Fail("unterminated string");
    ++pos_;
    return true;
  }

  std::string_view text_;
  ParseError& error_;
  size_t pos_ = 0, line_start_ = 0;
  uint32_t line_ = 1;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, Module& m, ParseError& error)
      : toks_(std::move(tokens)), m_(m), error_(error) {
#define THRUSTC_IR_OP(name, text, family) ops_.emplace(text, Op::name);
#include "ir/ops.def"
#undef THRUSTC_IR_OP
  }

  bool ParseModule() {
    if (!DeclareItems()) return false;
    SkipNewlines();
    while (Cur().kind != Tok::End) {
      if (!ParseItem()) return false;
      SkipNewlines();
    }
    return true;
  }

 private:
  // ---- token helpers ----
  const Token& Cur() const { return toks_[pos_]; }
  const Token& At(size_t i) const { return toks_[std::min(i, toks_.size() - 1)]; }
  void Next() {
    if (Cur().kind != Tok::End) ++pos_;
  }
  bool IsPunct(char c) const { return Cur().kind == Tok::Punct && Cur().punct == c; }
  bool IsWord(std::string_view w) const { return Cur().kind == Tok::Word && Cur().text == w; }
  void SkipNewlines() {
    while (Cur().kind == Tok::Newline) Next();
  }
  bool FailAt(const Token& t, std::string message) {
    error_ = {t.line, t.col, std::move(message)};
    return false;
  }
  bool Fail(std::string message) { return FailAt(Cur(), std::move(message)); }
  std::string Describe(const Token& t) const {
    switch (t.kind) {
      case Tok::End: return "end of file";
      case Tok::Newline: return "end of line";
      case Tok::String: case Tok::HexString: return "a string";
      default: return "'" + std::string(t.text) + "'";
    }
  }
  bool Expected(std::string_view what) { return Fail("expected " + std::string(what) + ", found " + Describe(Cur())); }
  bool ExpectPunct(char c) {
    if (!IsPunct(c)) return Expected(std::string("'") + c + "'");
    Next();
    return true;
  }
  bool ExpectWord(std::string_view w) {
    if (!IsWord(w)) return Expected("'" + std::string(w) + "'");
    Next();
    return true;
  }
  bool ExpectEndOfLine() {
    if (Cur().kind != Tok::Newline && Cur().kind != Tok::End) return Expected("end of line");
    SkipNewlines();
    return true;
  }

  bool ParseInt(int64_t& out);
  bool ParseU32(uint32_t& out);
  bool ParseSizeAlign(uint32_t& size, uint32_t& align) {
    return ExpectWord("size") && ParseU32(size) && ExpectWord("align") && ParseU32(align);
  }
  bool ParseFloat(double& out);
  bool ParseScalarType(Type& out, bool allow_void);
  bool ParseAbiType(AbiType& out, bool allow_void);

  // ---- module level ----
  bool DeclareItems();
  bool Declare(size_t name_tok, std::unordered_map<std::string, uint32_t>& names, uint32_t id);
  bool ParseItem();
  bool ParseAgg();
  bool ParseGlobal(bool external);
  bool ParseBytes(Global& g);
  bool ParseRelocs(Global& g);
  bool ParseFunction(bool external);
  bool ParseSignature(Function& f, bool external);
  bool LookupFunction(FuncId& out);
  bool LookupGlobal(GlobalId& out);

  // ---- function bodies ----
  bool ParseBody(Function& f);
  bool DeclareLabels(Function& f);
  bool ParseSlot(Function& f);
  bool ParseInst(Function& f);
  bool ParseOperands(Function& f, Inst& inst);
  bool ParseCall(Function& f, Inst& inst);
  bool ParseAtomic(Inst& inst);
  template <typename Enum, size_t N>
  bool ParseNamed(std::string_view (*name)(Enum), Enum& out, const char* what);
  bool ParseCallArgs(Function& f, CallInfo& info);
  bool DefineReg(Function& f, const Token& t, Reg r, Type type);
  bool ParseRegNumber(Reg& out);
  bool UseReg(Reg& out);
  bool ParseBlockRef(BlockId& out);
  bool CheckRegsDefined();

  std::vector<Token> toks_;
  size_t pos_ = 0;
  Module& m_;
  ParseError& error_;
  std::unordered_map<std::string_view, Op> ops_;
  std::unordered_map<std::string, AggId> agg_ids_;
  std::unordered_map<std::string, GlobalId> global_ids_;
  std::unordered_map<std::string, FuncId> func_ids_;
  uint32_t next_agg_ = 0, next_global_ = 0, next_func_ = 0;
  // Per function: labels, which registers are defined, uses not yet seen defined.
  std::unordered_map<std::string, BlockId> labels_;
  BlockId block_ = UINT32_MAX;
  std::vector<bool> defined_;
  std::vector<std::pair<Reg, size_t>> pending_uses_;  // register, token index of the use
};

bool Parser::ParseInt(int64_t& out) {
  if (Cur().kind != Tok::Number) return Expected("an integer");
  std::string_view s = Cur().text;
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t magnitude = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return Fail("invalid integer " + Describe(Cur()));
  if (negative && magnitude > uint64_t(INT64_MAX) + 1) return Fail("integer out of range");
  out = negative ? int64_t(0 - magnitude) : int64_t(magnitude);  // values up to 2^64-1 wrap
  Next();
  return true;
}

bool Parser::ParseU32(uint32_t& out) {
  const Token& t = Cur();
  int64_t v;
  if (!ParseInt(v)) return false;
  if (v < 0 || v > int64_t(UINT32_MAX)) return FailAt(t, "expected a number from 0 to 4294967295");
  out = uint32_t(v);
  return true;
}

// Decimal or hex floats, `inf`, `-inf`, and `nan 0xBITS` (the exact bit pattern of the double).
bool Parser::ParseFloat(double& out) {
  bool negative = IsPunct('-');
  if (negative) Next();
  if (IsWord("inf")) {
    out = negative ? -__builtin_inf() : __builtin_inf();
    Next();
    return true;
  }
  if (IsWord("nan") && !negative) {
    Next();
    int64_t bits;
    if (!ParseInt(bits)) return false;
    std::memcpy(&out, &bits, sizeof out);
    return true;
  }
  if (Cur().kind != Tok::Number) return Expected("a float constant");
  std::string_view s = Cur().text;
  bool hex = s.find("0x") != std::string_view::npos || s.find("0X") != std::string_view::npos;
  std::string_view digits = s;
  bool minus = !digits.empty() && digits[0] == '-';
  if (minus) digits.remove_prefix(1);
  if (hex) digits.remove_prefix(2);
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), out,
                           hex ? std::chars_format::hex : std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return Fail("invalid float constant " + Describe(Cur()));
  if (minus != negative) out = -out;
  Next();
  return true;
}

bool Parser::ParseScalarType(Type& out, bool allow_void) {
  if (Cur().kind == Tok::Word) {
    for (uint8_t t = allow_void ? 0 : 1; t <= uint8_t(Type::Ptr); ++t) {
      if (Cur().text == TypeName(Type(t))) {
        out = Type(t);
        Next();
        return true;
      }
    }
  }
  return Expected(allow_void ? "a type" : "a value type (i8, i16, i32, i64, f32, f64, ptr)");
}

bool Parser::ParseAbiType(AbiType& out, bool allow_void) {
  out = AbiType{};
  if (!IsWord("agg")) return ParseScalarType(out.scalar, allow_void);
  Next();
  if (Cur().kind != Tok::AggName) return Expected("an aggregate name like %Point");
  auto it = agg_ids_.find(Cur().value);
  if (it == agg_ids_.end()) return Fail("undefined aggregate type %" + Cur().value);
  out.agg = it->second;
  Next();
  return true;
}

// Assigns ids to every type, global and function in text order, so references may point forward.
// Only lines at brace depth 0 are declarations.
bool Parser::DeclareItems() {
  int depth = 0;
  bool line_start = true;
  for (size_t i = 0; i < toks_.size(); ++i) {
    const Token& t = toks_[i];
    if (t.kind == Tok::Punct && t.punct == '{') ++depth;
    if (t.kind == Tok::Punct && t.punct == '}') --depth;
    bool at_start = line_start;
    line_start = t.kind == Tok::Newline;
    if (depth != 0 || !at_start || t.kind != Tok::Word) continue;
    size_t k = i + 1;
    if (t.text == "extern" && At(k).kind == Tok::Word) ++k;
    std::string_view what = t.text == "extern" ? At(i + 1).text : t.text;
    if (what == "type" && At(k).kind == Tok::AggName) {
      if (!Declare(k, agg_ids_, uint32_t(m_.aggs.size()))) return false;
      m_.aggs.emplace_back().name = At(k).value;
    } else if (what == "global" && At(k).kind == Tok::Symbol) {
      if (!Declare(k, global_ids_, uint32_t(m_.globals.size()))) return false;
      m_.globals.emplace_back().name = At(k).value;
    } else if (what == "fn" && At(k).kind == Tok::Symbol) {
      if (!Declare(k, func_ids_, uint32_t(m_.functions.size()))) return false;
      m_.functions.emplace_back().name = At(k).value;
    }
  }
  return true;
}

bool Parser::Declare(size_t name_tok, std::unordered_map<std::string, uint32_t>& names, uint32_t id) {
  const Token& t = At(name_tok);
  if (!names.emplace(t.value, id).second) return FailAt(t, "redefinition of '" + t.value + "'");
  return true;
}

// item := type-decl | ['extern'] global-decl | ['extern'] function
bool Parser::ParseItem() {
  if (IsWord("type")) return ParseAgg();
  bool external = IsWord("extern");
  if (external) Next();
  if (IsWord("global")) return ParseGlobal(external);
  if (IsWord("fn")) return ParseFunction(external);
  return Expected(external ? "'fn' or 'global' after 'extern'" : "'type', 'global', 'extern' or 'fn'");
}

// type-decl := 'type' %Name '=' '{' [type '@' offset {',' type '@' offset}] '}' 'size' N 'align' N
bool Parser::ParseAgg() {
  Next();
  if (Cur().kind != Tok::AggName || next_agg_ >= m_.aggs.size()) return Expected("a type name like %Point");
  AggType& a = m_.aggs[next_agg_++];
  Next();  // the name, recorded by DeclareItems
  if (!ExpectPunct('=') || !ExpectPunct('{')) return false;
  while (!IsPunct('}')) {
    if (!a.leaves.empty() && !ExpectPunct(',')) return false;
    AggType::Leaf leaf{};
    if (!ParseScalarType(leaf.type, false)) return false;
    if (Cur().kind != Tok::Symbol) return Expected("'@offset'");
    auto r = std::from_chars(Cur().value.data(), Cur().value.data() + Cur().value.size(), leaf.offset);
    if (r.ec != std::errc() || r.ptr != Cur().value.data() + Cur().value.size()) return Expected("'@offset'");
    Next();
    a.leaves.push_back(leaf);
  }
  Next();
  if (!ParseSizeAlign(a.size, a.align)) return false;
  return ExpectEndOfLine();
}

// global-decl := 'global' @name 'size' N 'align' N ['mut'] ['public']
//                ['=' ('zero' | 'bytes' string | 'bytes' x"hex") ['relocs' '{' reloc {',' reloc} '}']]
bool Parser::ParseGlobal(bool external) {
  Next();
  if (Cur().kind != Tok::Symbol || next_global_ >= m_.globals.size()) return Expected("a global name like @counter");
  Global& g = m_.globals[next_global_++];
  Next();
  if (!ParseSizeAlign(g.size, g.align)) return false;
  if (IsWord("mut")) {
    g.is_mutable = true;
    Next();
  }
  g.linkage = external ? Linkage::External : Linkage::Internal;
  if (!external && IsWord("public")) {
    g.linkage = Linkage::Public;
    Next();
  }
  if (!external) {
    if (!ExpectPunct('=') || !ParseBytes(g)) return false;
    if (IsWord("relocs") && !ParseRelocs(g)) return false;
  }
  return ExpectEndOfLine();
}

bool Parser::ParseBytes(Global& g) {
  if (IsWord("zero")) {
    Next();
    return true;
  }
  if (!ExpectWord("bytes")) return false;
  if (Cur().kind == Tok::String) {
    g.bytes.assign(Cur().value.begin(), Cur().value.end());
  } else if (Cur().kind == Tok::HexString) {
    const std::string& hex = Cur().value;
    if (hex.size() % 2 != 0) return Fail("hex bytes need an even number of digits");
    g.bytes.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
      int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
      if (hi < 0 || lo < 0) return Fail("invalid hex digit in bytes");
      g.bytes.push_back(uint8_t(hi * 16 + lo));
    }
  } else {
    return Expected("a string or x\"hex\" after 'bytes'");
  }
  if (g.bytes.empty()) return Fail("empty bytes: write 'zero' for an all-zero global");
  Next();
  return true;
}

// reloc := offset ':' (@global | 'fn' @function) [('+' | '-') N]
bool Parser::ParseRelocs(Global& g) {
  Next();
  if (!ExpectPunct('{')) return false;
  while (!IsPunct('}')) {
    if (!g.relocs.empty() && !ExpectPunct(',')) return false;
    Reloc r{};
    if (!ParseU32(r.offset) || !ExpectPunct(':')) return false;
    r.to_function = IsWord("fn");
    if (r.to_function) Next();
    if (!(r.to_function ? LookupFunction(r.target) : LookupGlobal(r.target))) return false;
    if (IsPunct('+') || IsPunct('-')) {
      bool minus = IsPunct('-');
      Next();
      if (!ParseInt(r.addend)) return false;
      if (minus) r.addend = int64_t(0 - uint64_t(r.addend));
    }
    g.relocs.push_back(r);
  }
  Next();
  return true;
}

bool Parser::LookupFunction(FuncId& out) {
  if (Cur().kind != Tok::Symbol) return Expected("a function name like @main");
  auto it = func_ids_.find(Cur().value);
  if (it == func_ids_.end()) return Fail("undefined function @" + Cur().value);
  out = it->second;
  Next();
  return true;
}

bool Parser::LookupGlobal(GlobalId& out) {
  if (Cur().kind != Tok::Symbol) return Expected("a global name like @counter");
  auto it = global_ids_.find(Cur().value);
  if (it == global_ids_.end()) return Fail("undefined global @" + Cur().value);
  out = it->second;
  Next();
  return true;
}

// function := ['extern'] 'fn' @name '(' params ')' '->' ret-type ['public'] ['compiletime'] [body]
bool Parser::ParseFunction(bool external) {
  Next();
  if (Cur().kind != Tok::Symbol || next_func_ >= m_.functions.size()) return Expected("a function name like @main");
  Function& f = m_.functions[next_func_++];
  Next();
  f.linkage = external ? Linkage::External : Linkage::Internal;
  defined_.clear();
  pending_uses_.clear();
  if (!ParseSignature(f, external)) return false;
  if (!external && IsWord("public")) {
    f.linkage = Linkage::Public;
    Next();
  }
  if (IsWord("compiletime")) {
    f.compiletime = true;
    Next();
  }
  if (external) return ExpectEndOfLine();
  return ParseBody(f);
}

// params := [param {',' param}] [',' '...'];  param := [%reg ':'] abi-type
bool Parser::ParseSignature(Function& f, bool external) {
  if (!ExpectPunct('(')) return false;
  while (!IsPunct(')')) {
    if (!f.sig.params.empty() && !ExpectPunct(',')) return false;
    if (Cur().kind == Tok::Ellipsis) {
      f.sig.variadic = true;
      Next();
      if (!IsPunct(')')) return Expected("')' after '...'");
      break;
    }
    if (Cur().kind == Tok::Reg && !external) {
      const Token& reg_tok = Cur();
      Reg r;
      if (!ParseRegNumber(r) || !ExpectPunct(':')) return false;
      AbiType t;
      if (!ParseAbiType(t, false) || !DefineReg(f, reg_tok, r, t.IsAgg() ? Type::Ptr : t.scalar)) return false;
      f.params.push_back(r);
      f.sig.params.push_back(t);
      continue;
    }
    if (!external) return Expected("a parameter like '%0: i32'");
    f.sig.params.emplace_back();
    if (!ParseAbiType(f.sig.params.back(), false)) return false;
  }
  Next();
  if (Cur().kind != Tok::Arrow) return Expected("'->' and the return type");
  Next();
  return ParseAbiType(f.sig.ret, true);
}

// body := '{' NL {slot NL} {label ':' NL {inst NL}} '}'
bool Parser::ParseBody(Function& f) {
  if (!ExpectPunct('{') || !ExpectEndOfLine() || !DeclareLabels(f)) return false;
  while (IsWord("slot"))
    if (!ParseSlot(f)) return false;
  block_ = UINT32_MAX;
  while (!IsPunct('}')) {
    if (Cur().kind == Tok::End) return Expected("'}' at the end of the function");
    if (Cur().kind == Tok::Word && At(pos_ + 1).kind == Tok::Punct && At(pos_ + 1).punct == ':') {
      block_ = block_ == UINT32_MAX ? 0 : block_ + 1;
      Next();
      Next();
      if (!ExpectEndOfLine()) return false;
      continue;
    }
    if (block_ == UINT32_MAX) return Expected("a block label like 'bb0:'");
    if (!ParseInst(f)) return false;
  }
  Next();
  if (!CheckRegsDefined()) return false;
  return ExpectEndOfLine();
}

// Finds the function's labels (a word then ':' at the start of a line) before its instructions,
// so branches may jump forward. `bbN` must be the N-th block; other labels become block names.
bool Parser::DeclareLabels(Function& f) {
  labels_.clear();
  for (size_t i = pos_; toks_[i].kind != Tok::End && !(toks_[i].kind == Tok::Punct && toks_[i].punct == '}'); ++i) {
    const Token& t = toks_[i];
    bool at_start = toks_[i - 1].kind == Tok::Newline;
    if (!at_start || t.kind != Tok::Word || !(At(i + 1).kind == Tok::Punct && At(i + 1).punct == ':')) continue;
    BlockId id = BlockId(f.blocks.size());
    if (!labels_.emplace(std::string(t.text), id).second) return FailAt(t, "duplicate label '" + std::string(t.text) + "'");
    bool numbered = t.text.size() > 2 && t.text.substr(0, 2) == "bb" &&
                    t.text.find_first_not_of("0123456789", 2) == std::string_view::npos;
    if (numbered && t.text != "bb" + std::to_string(id))
      return FailAt(t, "label '" + std::string(t.text) + "' must be block " + std::string(t.text.substr(2)) +
                           " but is block " + std::to_string(id) + " (name the block, or renumber)");
    f.blocks.emplace_back().name = numbered ? std::string() : std::string(t.text);
  }
  return true;
}

// slot := 'slot' $N 'size' N 'align' N [string]
bool Parser::ParseSlot(Function& f) {
  Next();
  if (Cur().kind != Tok::SlotRef) return Expected("a slot like $0");
  if (Cur().text != std::to_string(f.slots.size()))
    return Fail("slots must be numbered in order: expected $" + std::to_string(f.slots.size()));
  Next();
  Slot& s = f.slots.emplace_back();
  if (!ParseSizeAlign(s.size, s.align)) return false;
  if (Cur().kind == Tok::String) {
    s.name = Cur().value;
    Next();
  }
  return ExpectEndOfLine();
}

bool Parser::ParseRegNumber(Reg& out) {
  if (Cur().kind != Tok::Reg) return Expected("a register like %0");
  uint64_t v = 0;
  auto r = std::from_chars(Cur().value.data(), Cur().value.data() + Cur().value.size(), v);
  if (r.ec != std::errc() || v >= kMaxRegs) return Fail("register number too large");
  out = Reg(v);
  Next();
  return true;
}

bool Parser::DefineReg(Function& f, const Token& t, Reg r, Type type) {
  if (r >= f.reg_types.size()) {
    f.reg_types.resize(r + 1, Type::Void);
    defined_.resize(r + 1, false);
  }
  if (defined_[r]) return FailAt(t, "register %" + std::to_string(r) + " is defined twice");
  defined_[r] = true;
  f.reg_types[r] = type;
  return true;
}

bool Parser::UseReg(Reg& out) {
  size_t tok = pos_;
  if (!ParseRegNumber(out)) return false;
  if (out >= defined_.size() || !defined_[out]) pending_uses_.emplace_back(out, tok);
  return true;
}

bool Parser::CheckRegsDefined() {
  for (auto [r, tok] : pending_uses_)
    if (r >= defined_.size() || !defined_[r]) return FailAt(toks_[tok], "undefined register %" + std::to_string(r));
  return true;
}

bool Parser::ParseBlockRef(BlockId& out) {
  if (Cur().kind != Tok::Word) return Expected("a block label");
  auto it = labels_.find(std::string(Cur().text));
  if (it == labels_.end()) return Fail("undefined label '" + std::string(Cur().text) + "'");
  out = it->second;
  Next();
  return true;
}

// Ops that always produce a value; Call and CallIndirect produce one when they return a scalar.
bool HasResult(Op op) {
  switch (OpFamilyOf(op)) {
    case OpFamily::Const: case OpFamily::IntBinary: case OpFamily::FloatBinary: case OpFamily::Unary:
    case OpFamily::Compare: case OpFamily::Convert: return true;
    case OpFamily::Memory: return op == Op::Load || op == Op::PtrAdd || op == Op::PtrOffset;
    case OpFamily::Atomic: return op != Op::AtomicStore && op != Op::Fence;
    default: return false;
  }
}

// inst := [%reg ':' type '='] opname operands
bool Parser::ParseInst(Function& f) {
  Reg dst = kNoReg;
  Type dst_type = Type::Void;
  const Token& dst_tok = Cur();
  if (Cur().kind == Tok::Reg) {
    if (!ParseRegNumber(dst) || !ExpectPunct(':') || !ParseScalarType(dst_type, false) || !ExpectPunct('='))
      return false;
    if (!DefineReg(f, dst_tok, dst, dst_type)) return false;
  }
  if (Cur().kind != Tok::Word) return Expected("an operation");
  auto it = ops_.find(Cur().text);
  if (it == ops_.end()) return Fail("unknown operation '" + std::string(Cur().text) + "'");
  Inst inst;
  inst.op = it->second;
  inst.type = dst_type;
  inst.dst = dst;
  bool is_call = OpFamilyOf(inst.op) == OpFamily::Call;
  if (!is_call && HasResult(inst.op) != (dst != kNoReg))
    return FailAt(dst_tok, dst == kNoReg ? "'" + std::string(Cur().text) + "' needs a result register ('%N:type = ...')"
                                         : "'" + std::string(Cur().text) + "' produces no value");
  Next();
  if (!ParseOperands(f, inst)) return false;
  f.blocks[block_].insts.push_back(inst);
  return ExpectEndOfLine();
}


// Operands by op; the forms mirror Printer::PrintInst (see docs/ir.md).
bool Parser::ParseOperands(Function& f, Inst& inst) {
  auto comma = [&] { return ExpectPunct(','); };
  switch (inst.op) {
    case Op::IConst: return ParseInt(inst.imm);
    case Op::FConst: {
      double v = 0;
      if (!ParseFloat(v)) return false;
      inst.SetFImm(v);
      return true;
    }
    case Op::GlobalAddr: return LookupGlobal(inst.a);
    case Op::FuncAddr: return LookupFunction(inst.a);
    case Op::SlotAddr: {
      if (Cur().kind != Tok::SlotRef) return Expected("a slot like $0");
      uint32_t s = 0;
      std::from_chars(Cur().text.data(), Cur().text.data() + Cur().text.size(), s);
      if (s >= f.slots.size()) return Fail("undefined slot $" + std::string(Cur().text));
      inst.a = s;
      Next();
      return true;
    }
    case Op::ICmp:
    case Op::FCmp: {
      bool found = false;
      for (uint8_t p = 0; p <= uint8_t(Pred::Oge) && !found; ++p)
        if (Cur().kind == Tok::Word && Cur().text == PredName(Pred(p))) inst.pred = Pred(p), found = true;
      if (!found) return Expected("a predicate like 'slt' or 'olt'");
      Next();
      return ParseScalarType(inst.type, false) && UseReg(inst.a) && comma() && UseReg(inst.b);
    }
    case Op::Store:
      return ParseScalarType(inst.type, false) && UseReg(inst.a) && comma() && UseReg(inst.b);
    case Op::PtrAdd:
      return UseReg(inst.a) && comma() && UseReg(inst.b) && ExpectPunct('*') && ParseInt(inst.imm);
    case Op::PtrOffset:
    case Op::Zero: return UseReg(inst.a) && comma() && ParseInt(inst.imm);
    case Op::BoundsCheck: inst.type = Type::I64; return UseReg(inst.a) && comma() && ParseInt(inst.imm);
    case Op::Copy: return UseReg(inst.a) && comma() && UseReg(inst.b) && comma() && ParseInt(inst.imm);
    case Op::AtomicLoad:
    case Op::AtomicStore:
    case Op::AtomicRmw:
    case Op::CmpXchg:
    case Op::Fence: return ParseAtomic(inst);
    case Op::Call:
    case Op::CallIndirect: return ParseCall(f, inst);
    case Op::Br: return ParseBlockRef(inst.a);
    case Op::CondBr: return UseReg(inst.a) && comma() && ParseBlockRef(inst.b) && comma() && ParseBlockRef(inst.c);
    case Op::Ret:
      inst.a = kNoReg;
      return Cur().kind == Tok::Reg ? UseReg(inst.a) : true;
    case Op::Trap:
      for (size_t k = 0; k < std::size(kTrapWords); ++k) {
        if (IsWord(kTrapWords[k])) {
          inst.imm = int64_t(k);
          Next();
          return true;
        }
      }
      return Expected("a trap kind (div_by_zero, div_overflow, bounds, unreachable, float_to_int)");
    default:
      switch (OpFamilyOf(inst.op)) {
        case OpFamily::IntBinary:
        case OpFamily::FloatBinary: return UseReg(inst.a) && comma() && UseReg(inst.b);
        default: return UseReg(inst.a);  // unary ops, conversions, load
      }
  }
}

// A word of a table of names (orderings, rmw operations), as its index.
template <typename Enum, size_t N>
bool Parser::ParseNamed(std::string_view (*name)(Enum), Enum& out, const char* what) {
  for (size_t i = 0; i < N; ++i) {
    if (IsWord(name(Enum(i)))) {
      out = Enum(i);
      Next();
      return true;
    }
  }
  return Expected(what);
}

// atomic_load <order> %p | atomic_store <type> <order> %v, %p | atomic_rmw <rmw> <order> %p, %v |
// cmpxchg <success> <failure> %p, %expected, %new | fence <order>
bool Parser::ParseAtomic(Inst& inst) {
  constexpr size_t kOrders = size_t(AtomicOrder::SeqCst) + 1, kRmws = size_t(RmwOp::UMin) + 1;
  constexpr const char* kOrderWords = "an ordering (relaxed, acquire, release, acq_rel, seq_cst)";
  auto comma = [&] { return ExpectPunct(','); };
  AtomicInfo info;
  if (inst.op == Op::AtomicStore && !ParseScalarType(inst.type, false)) return false;
  if (inst.op == Op::AtomicRmw &&
      !ParseNamed<RmwOp, kRmws>(RmwOpName, info.rmw, "an rmw operation (xchg, add, sub, and, nand, or, xor, "
                                                     "smax, smin, umax, umin)"))
    return false;
  if (!ParseNamed<AtomicOrder, kOrders>(AtomicOrderName, info.order, kOrderWords)) return false;
  if (inst.op == Op::CmpXchg && !ParseNamed<AtomicOrder, kOrders>(AtomicOrderName, info.failure, kOrderWords))
    return false;
  inst.imm = info.Imm();
  switch (inst.op) {
    case Op::AtomicLoad: return UseReg(inst.a);
    case Op::CmpXchg: return UseReg(inst.a) && comma() && UseReg(inst.b) && comma() && UseReg(inst.c);
    case Op::Fence: inst.a = inst.b = kNoReg; return true;
    default: return UseReg(inst.a) && comma() && UseReg(inst.b);  // store: value, address; rmw: address, value
  }
}

// call := 'call' @f '(' args ')' ['->' 'agg' %T 'into' %reg]   (call_indirect: %reg instead of @f)
bool Parser::ParseCall(Function& f, Inst& inst) {
  const Token& op_tok = At(pos_ - 1);
  if (inst.op == Op::Call ? !LookupFunction(inst.a) : !UseReg(inst.a)) return false;
  CallInfo info;
  if (!ParseCallArgs(f, info)) return false;
  if (Cur().kind == Tok::Arrow) {
    Next();
    if (!IsWord("agg")) return Expected("'agg' (only aggregate returns are written after '->')");
    if (!ParseAbiType(info.ret, false) || !ExpectWord("into") || !UseReg(info.ret_dest)) return false;
    if (inst.dst != kNoReg) return FailAt(op_tok, "a call returning an aggregate writes it 'into' a pointer, not a register");
  } else {
    info.ret.scalar = inst.dst == kNoReg ? Type::Void : inst.type;
  }
  inst.type = inst.dst == kNoReg ? Type::Void : inst.type;
  inst.imm = int64_t(f.calls.size());
  f.calls.push_back(std::move(info));
  return true;
}

// args := [arg {',' arg}] with '...' before the first variadic argument (or last, when none)
bool Parser::ParseCallArgs(Function& f, CallInfo& info) {
  if (!ExpectPunct('(')) return false;
  bool need_comma = false;
  while (!IsPunct(')')) {
    if (need_comma && !ExpectPunct(',')) return false;
    need_comma = true;
    if (Cur().kind == Tok::Ellipsis) {
      if (info.variadic) return Fail("'...' appears twice");
      info.variadic = true;
      info.fixed_count = uint32_t(info.args.size());
      Next();
      if (IsPunct(')')) break;
    }
    Reg r;
    AbiType t;
    if (!UseReg(r) || !ExpectPunct(':') || !ParseAbiType(t, false)) return false;
    info.args.push_back(r);
    info.arg_types.push_back(t);
  }
  Next();
  if (!info.variadic) info.fixed_count = uint32_t(info.args.size());
  return true;
}

}  // namespace

bool ParseModule(std::string_view text, Module& out, ParseError& error) {
  out = Module{};
  error = ParseError{};
  std::vector<Token> tokens;
  if (!Lexer(text, error).Run(tokens)) return false;
  return Parser(std::move(tokens), out, error).ParseModule();
}

}  // namespace thrustc::ir
