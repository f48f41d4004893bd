// Lexer: source text -> TokenList, the first phase of the frontend. One pass, a switch on the
// first byte of each token, no allocation per token. Literal values are not stored here: the
// parser decodes them from the token text; the lexer only validates them and reports errors.
#include "frontend/syntax/lexer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "frontend/syntax/parser_impl.h"

namespace thrustc::frontend {

namespace {

// Character classes, one table lookup per byte.
enum : uint8_t { kIdStart = 1, kIdCont = 2, kDigit = 4, kSpace = 8, kPunct = 16 };

struct CharTable {
  uint8_t cls[256] = {};
  constexpr CharTable() {
    for (int c = 'a'; c <= 'z'; ++c) cls[c] = kIdStart | kIdCont;
    for (int c = 'A'; c <= 'Z'; ++c) cls[c] = kIdStart | kIdCont;
    cls[int('_')] = kIdStart | kIdCont;
    for (int c = '0'; c <= '9'; ++c) cls[c] = kIdCont | kDigit;
    cls[int(' ')] = cls[int('\t')] = cls[int('\r')] = cls[int('\n')] = kSpace;
    for (const char* p = "()[]{},;:.-@+*/%&|^~!<>='\""; *p; ++p) cls[uint8_t(*p)] = kPunct;
  }
};
constexpr CharTable kChars;

inline bool IsIdCont(char c) { return kChars.cls[uint8_t(c)] & kIdCont; }
inline bool IsIdStart(char c) { return kChars.cls[uint8_t(c)] & kIdStart; }
inline bool IsDigit(char c) { return kChars.cls[uint8_t(c)] & kDigit; }
// A byte that may begin some token or whitespace; everything else is a stray byte.
inline bool IsValidStart(char c) { return kChars.cls[uint8_t(c)] != 0; }

// Keywords and reserved words: an open-addressing table built once from token.def.
class KeywordTable {
 public:
  KeywordTable() {
#define THRUSTC_TOKEN(name, text)
#define THRUSTC_KEYWORD(name, text) Insert(text, TokenKind::name);
#include "frontend/syntax/token.def"
  }
  TokenKind Find(const char* s, size_t n) const {
    if (n < 2 || n > 11) return TokenKind::Identifier;
    for (uint32_t h = Hash(s, n);; h = (h + 1) & kMask) {
      const Slot& slot = slots_[h];
      if (slot.len == 0) return TokenKind::Identifier;
      if (slot.len == n && Same(slot.text, s, n)) return slot.kind;
    }
  }

 private:
  static constexpr uint32_t kMask = 255;
  struct Slot {
    const char* text = nullptr;
    uint8_t len = 0;
    TokenKind kind = TokenKind::Identifier;
  };
  // A byte loop: keywords are short, and a libc memcmp call costs more than the compare.
  static bool Same(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  static uint32_t Hash(const char* s, size_t n) {
    return (uint32_t(uint8_t(s[0])) * 31u + uint32_t(uint8_t(s[1])) * 7u +
            uint32_t(uint8_t(s[n - 1])) * 3u + uint32_t(n) * 17u) & kMask;
  }
  void Insert(const char* text, TokenKind kind) {
    size_t n = std::strlen(text);
    uint32_t h = Hash(text, n);
    while (slots_[h].len != 0) h = (h + 1) & kMask;
    slots_[h] = {text, uint8_t(n), kind};
  }
  Slot slots_[kMask + 1];
};

class Lexer {
 public:
  Lexer(FileId file, std::string_view text, DiagnosticEngine& diags)
      : text_(text), p_(text.data()), end_(text.data() + text.size()), diags_(diags) {
    out_.file = file;
    // Ordinary code has a token per 3-4 bytes; a generous guess only reserves address space,
    // while regrowing at the end would copy every token and briefly hold both copies.
    size_t guess = text.size() / 2 + 16;
    out_.kinds.reserve(guess);
    out_.offsets.reserve(guess);
    out_.short_lengths.reserve(guess);
  }
  TokenList Run();

 private:
  uint32_t Off(const char* p) const { return uint32_t(p - text_.data()); }
  void Emit(TokenKind kind, const char* start) {
    out_.Push(kind, Off(start), uint32_t(p_ - start));
  }
  void Error(DiagKind kind, const char* at, size_t len, std::string msg) {
    diags_.Report(kind, {{out_.file, Off(at)}, uint32_t(len ? len : 1)}, std::move(msg));
  }
  void LexToken();
  void LexIdentifier(const char* start);
  void LexNumber(const char* start);
  void LexRadixNumber(const char* start, unsigned base);
  void LexChar(const char* start);
  void LexString(const char* start);
  void LexLineComment();
  void LexBlockComment(const char* start);
  void LexStrayBytes(const char* start);
  void LexPunct(const char* start);
  void CheckEscapes(const char* from, const char* to);

  std::string_view text_;
  const char* p_;
  const char* end_;
  DiagnosticEngine& diags_;
  TokenList out_;
};

const KeywordTable& Keywords() {
  static const KeywordTable table;
  return table;
}

TokenList Lexer::Run() {
  while (p_ < end_) LexToken();
  out_.Push(TokenKind::Eof, Off(end_), 0);
  return std::move(out_);
}

void Lexer::LexToken() {
  const char* start = p_;
  char c = *p_;
  switch (c) {
    case ' ': case '\t': case '\r': case '\n':
      ++p_;
      return;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return LexNumber(start);
    case '\'':
      return LexChar(start);
    case '"':
      return LexString(start);
    case '@':
      ++p_;
      if (p_ < end_ && IsIdStart(*p_)) {
        while (p_ < end_ && IsIdCont(*p_)) ++p_;
        return Emit(TokenKind::Attribute, start);
      }
      return Emit(TokenKind::At, start);
    case '/':
      if (p_ + 1 < end_ && p_[1] == '/') return LexLineComment();
      if (p_ + 1 < end_ && p_[1] == '*') return LexBlockComment(start);
      return LexPunct(start);
    default:
      if (IsIdStart(c)) return LexIdentifier(start);
      if (!IsValidStart(c)) return LexStrayBytes(start);
      return LexPunct(start);
  }
}

void Lexer::LexIdentifier(const char* start) {
  while (p_ < end_ && IsIdCont(*p_)) ++p_;
  Emit(Keywords().Find(start, size_t(p_ - start)), start);
}

// Operators with longest match: one switch on the first byte, then peeks at the next ones.
void Lexer::LexPunct(const char* start) {
  char c = *p_++;
  char n = p_ < end_ ? *p_ : '\0';
  auto two = [&](char second, TokenKind yes, TokenKind no) {
    if (p_ < end_ && *p_ == second) {
      ++p_;
      return Emit(yes, start);
    }
    Emit(no, start);
  };
  switch (c) {
    case '(': return Emit(TokenKind::LParen, start);
    case ')': return Emit(TokenKind::RParen, start);
    case '[': return Emit(TokenKind::LBracket, start);
    case ']': return Emit(TokenKind::RBracket, start);
    case '{': return Emit(TokenKind::LBrace, start);
    case '}': return Emit(TokenKind::RBrace, start);
    case ',': return Emit(TokenKind::Comma, start);
    case ';': return Emit(TokenKind::Semicolon, start);
    case '.': return Emit(TokenKind::Dot, start);
    case '~': return Emit(TokenKind::Tilde, start);
    case ':': return two(':', TokenKind::ColonColon, TokenKind::Colon);
    case '*': return two('=', TokenKind::StarAssign, TokenKind::Star);
    case '/': return two('=', TokenKind::SlashAssign, TokenKind::Slash);
    case '%': return two('=', TokenKind::PercentAssign, TokenKind::Percent);
    case '^': return two('=', TokenKind::CaretAssign, TokenKind::Caret);
    case '!': return two('=', TokenKind::NotEq, TokenKind::Bang);
    case '=':
      if (n == '>') return ++p_, Emit(TokenKind::FatArrow, start);
      return two('=', TokenKind::EqEq, TokenKind::Assign);
    case '+':
      if (n == '+') return ++p_, Emit(TokenKind::PlusPlus, start);
      return two('=', TokenKind::PlusAssign, TokenKind::Plus);
    case '-':
      if (n == '-') return ++p_, Emit(TokenKind::MinusMinus, start);
      if (n == '>') return ++p_, Emit(TokenKind::Arrow, start);
      return two('=', TokenKind::MinusAssign, TokenKind::Minus);
    case '&':
      if (n == '&') return ++p_, Emit(TokenKind::AmpAmp, start);
      return two('=', TokenKind::AmpAssign, TokenKind::Amp);
    case '|':
      if (n == '|') return ++p_, Emit(TokenKind::PipePipe, start);
      return two('=', TokenKind::PipeAssign, TokenKind::Pipe);
    case '<':
      if (n == '<') {
        ++p_;
        return two('=', TokenKind::ShlAssign, TokenKind::Shl);
      }
      return two('=', TokenKind::LessEq, TokenKind::Less);
    case '>':
      if (n == '>') {
        ++p_;
        return two('=', TokenKind::ShrAssign, TokenKind::Shr);
      }
      return two('=', TokenKind::GreaterEq, TokenKind::Greater);
    default:
      --p_;
      return LexStrayBytes(start);
  }
}

// One diagnostic for a whole run of bytes that cannot start a token (`$`, `#`, UTF-8 outside
// strings and comments, control characters), so a pasted emoji gives one error, not four.
void Lexer::LexStrayBytes(const char* start) {
  bool printable = true;
  while (p_ < end_ && !IsValidStart(*p_)) {
    if (uint8_t(*p_) < 0x21 || uint8_t(*p_) > 0x7e) printable = false;
    ++p_;
  }
  size_t len = size_t(p_ - start);
  std::string msg;
  if (printable && len <= 16) {
    msg = std::string(len == 1 ? "invalid character `" : "invalid characters `") +
          std::string(start, len) + "`";
  } else {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", unsigned(uint8_t(*start)));
    msg = "invalid byte " + std::string(hex) + " in source" +
          (len > 1 ? " (and " + std::to_string(len - 1) + " more)" : std::string()) +
          "; non-ASCII text is allowed only in strings and comments";
  }
  Error(DiagKind::InvalidCharacter, start, len, std::move(msg));
  Emit(TokenKind::Error, start);  // lets the parser stay quiet about what was already reported
}

void Lexer::LexLineComment() {
  const void* nl = std::memchr(p_, '\n', size_t(end_ - p_));
  p_ = nl ? static_cast<const char*>(nl) + 1 : end_;
}

void Lexer::LexBlockComment(const char* start) {
  p_ += 2;
  while (p_ < end_) {
    const void* star = std::memchr(p_, '*', size_t(end_ - p_));
    if (!star) break;
    p_ = static_cast<const char*>(star) + 1;
    if (p_ < end_ && *p_ == '/') {
      ++p_;
      return;
    }
  }
  p_ = end_;
  Error(DiagKind::UnterminatedComment, start, 2, "unterminated `/*` comment");
  Emit(TokenKind::Error, start);  // the comment swallowed the rest of the file
}

}  // namespace

TokenList Lex(FileId file, std::string_view text, DiagnosticEngine& diags) {
  return Lexer(file, text, diags).Run();
}

// Literal scanning lives in the second half of this file to keep the token loop readable.
namespace {

void Lexer::LexNumber(const char* start) {
  if (*p_ == '0' && p_ + 1 < end_) {
    char r = p_[1];
    if (r == 'x' || r == 'X') return LexRadixNumber(start, 16);
    if (r == 'b' || r == 'B') return LexRadixNumber(start, 2);
    if (r == 'o' || r == 'O') return LexRadixNumber(start, 8);
  }
  bool overflow = false;
  uint64_t value = 0;
  for (; p_ < end_ && (IsDigit(*p_) || *p_ == '_'); ++p_) {
    if (*p_ == '_') continue;
    overflow |= __builtin_mul_overflow(value, 10u, &value);
    overflow |= __builtin_add_overflow(value, uint64_t(*p_ - '0'), &value);
  }
  bool is_float = false;
  if (p_ + 1 < end_ && *p_ == '.' && IsDigit(p_[1])) {
    is_float = true;
    for (++p_; p_ < end_ && (IsDigit(*p_) || *p_ == '_'); ++p_) {}
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    const char* e = p_ + 1;
    if (e < end_ && (*e == '+' || *e == '-')) ++e;
    if (e < end_ && IsDigit(*e)) {
      is_float = true;
      for (p_ = e; p_ < end_ && IsDigit(*p_); ++p_) {}
    }
  }
  if (p_ < end_ && IsIdCont(*p_)) {  // `12ab`, `1.5f`, `1e`: no suffixes exist
    while (p_ < end_ && IsIdCont(*p_)) ++p_;
    Error(DiagKind::InvalidNumber, start, size_t(p_ - start),
          "invalid number `" + std::string(start, size_t(p_ - start)) + "`");
    return Emit(is_float ? TokenKind::FloatLiteral : TokenKind::IntLiteral, start);
  }
  if (overflow && !is_float)
    Error(DiagKind::IntegerTooLarge, start, size_t(p_ - start),
          "integer literal `" + std::string(start, size_t(p_ - start)) +
              "` does not fit in 64 bits");
  Emit(is_float ? TokenKind::FloatLiteral : TokenKind::IntLiteral, start);
}

void Lexer::LexRadixNumber(const char* start, unsigned base) {
  p_ += 2;
  bool overflow = false, bad = false, any = false;
  uint64_t value = 0;
  for (; p_ < end_ && IsIdCont(*p_); ++p_) {
    if (*p_ == '_') {
      bad |= !any;  // a separator needs a digit before it
      continue;
    }
    unsigned d = DigitValue(*p_);
    if (d >= base) {
      bad = true;
      continue;
    }
    any = true;
    overflow |= __builtin_mul_overflow(value, uint64_t(base), &value);
    overflow |= __builtin_add_overflow(value, uint64_t(d), &value);
  }
  std::string spelled(start, size_t(p_ - start));
  if (bad || !any)
    Error(DiagKind::InvalidNumber, start, spelled.size(), "invalid number `" + spelled + "`");
  else if (overflow)
    Error(DiagKind::IntegerTooLarge, start, spelled.size(),
          "integer literal `" + spelled + "` does not fit in 64 bits");
  Emit(TokenKind::IntLiteral, start);
}

// Reports every invalid escape between `from` and `to` (the inside of a char or string literal).
void Lexer::CheckEscapes(const char* from, const char* to) {
  for (const char* q = from; q < to; ++q) {
    if (*q != '\\') continue;
    uint8_t byte;
    size_t used = DecodeEscape(q, to, &byte);
    if (used == 0) {
      size_t len = q + 1 < to ? 2 : 1;
      Error(DiagKind::InvalidEscape, q, len,
            "invalid escape sequence `" + std::string(q, len) + "`");
      used = len;
    }
    q += used - 1;
  }
}

void Lexer::LexChar(const char* start) {
  ++p_;
  // Find the closing quote on this line; a backslash protects the next byte.
  while (p_ < end_ && *p_ != '\'' && *p_ != '\n') {
    bool escape = *p_ == '\\' && p_ + 1 < end_ && p_[1] != '\n';
    p_ += escape ? 2 : 1;
  }
  if (p_ >= end_ || *p_ != '\'') {
    Error(DiagKind::UnterminatedChar, start, size_t(p_ - start), "unterminated char literal");
    // Keep only the quote and one (possibly escaped) byte, so `'a;` still ends its statement.
    p_ = std::min(p_, start + (start + 1 < end_ && start[1] == '\\' ? 3 : 2));
    return Emit(TokenKind::CharLiteral, start);
  }
  const char* body = start + 1;
  const char* body_end = p_++;
  CheckEscapes(body, body_end);
  size_t units = 0;
  for (const char* q = body; q < body_end; ++units) {
    uint8_t byte;
    size_t used = *q == '\\' ? DecodeEscape(q, body_end, &byte) : 1;
    q += used ? used : (q + 1 < body_end ? 2 : 1);
  }
  if (units != 1)
    Error(DiagKind::InvalidCharLiteral, start, size_t(p_ - start),
          units == 0 ? "empty char literal" : "a char literal holds exactly one byte; use a string for text");
  Emit(TokenKind::CharLiteral, start);
}

void Lexer::LexString(const char* start) {
  ++p_;
  bool has_escape = false;
  while (p_ < end_) {
    const char* q = p_;
    while (q < end_ && *q != '"' && *q != '\\') ++q;
    p_ = q;
    if (p_ >= end_) break;
    if (*p_ == '"') {
      ++p_;
      if (has_escape) CheckEscapes(start + 1, p_ - 1);
      return Emit(TokenKind::StringLiteral, start);
    }
    has_escape = true;
    p_ += p_ + 1 < end_ ? 2 : 1;
  }
  if (has_escape) CheckEscapes(start + 1, p_);
  Error(DiagKind::UnterminatedString, start, 1, "unterminated string literal");
  Emit(TokenKind::Error, start);  // the string swallowed the rest of the file
}

// The enumerator names (`KwFn`), for `-print tokens`.
constexpr std::string_view kTokenEnumNames[] = {
#define THRUSTC_TOKEN(name, text) #name,
#include "frontend/syntax/token.def"
};

void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (uint8_t(c) < 0x20 || uint8_t(c) >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", unsigned(uint8_t(c)));
      out += hex;
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string PrintTokens(const TokenList& tokens, std::string_view text, const SourceManager&) {
  std::string out;
  out.reserve(tokens.size() * 24);
  uint32_t line = 1, line_start = 0, scanned = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    uint32_t off = tokens.offsets[i];
    for (; scanned < off && scanned < text.size(); ++scanned) {
      if (text[scanned] == '\n') ++line, line_start = scanned + 1;
    }
    out += std::to_string(line) + ":" + std::to_string(off - line_start + 1) + " ";
    out += kTokenEnumNames[size_t(tokens.kinds[i])];
    out += " '";
    AppendEscaped(out, text.substr(std::min<size_t>(off, text.size()), tokens.Length(TokenId(i))));
    out += "'\n";
  }
  return out;
}

}  // namespace thrustc::frontend
