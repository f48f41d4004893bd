// Constant folding in the checker: the fast path of section 10 (most constants are literals or
// simple arithmetic on other constants). String and aggregate constants live in read-only globals
// that lower/ makes (lower_globals.cpp). Anything that cannot be folded here runs through the
// evaluator.
#include <cmath>

#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

ConstVal Sema::Normalize(ConstVal v) const {
  TypeId t = types_.Unqual(v.type);
  if (types_.IsInt(t)) {
    uint32_t bits = types_.IntBits(t);
    unsigned __int128 mask = (unsigned __int128)(~uint64_t(0)) >> (64 - bits);
    unsigned __int128 u = (unsigned __int128)v.i & mask;
    if (types_.IsSigned(t) && ((u >> (bits - 1)) & 1)) v.i = (__int128)u - ((__int128)1 << bits);
    else v.i = (__int128)u;
  } else if (t == kBool) {
    v.i = v.i != 0;
  } else if (t == kF32) {
    v.f = double(float(v.f));
  }
  return v;
}

static bool IsCompare(uint8_t op) {
  auto k = TokenKind(op);
  return k == TokenKind::EqEq || k == TokenKind::NotEq || k == TokenKind::Less ||
         k == TokenKind::LessEq || k == TokenKind::Greater || k == TokenKind::GreaterEq;
}

template <typename T>
static bool Compare(TokenKind k, T x, T y) {
  switch (k) {
    case TokenKind::EqEq: return x == y;
    case TokenKind::NotEq: return x != y;
    case TokenKind::Less: return x < y;
    case TokenKind::LessEq: return x <= y;
    case TokenKind::Greater: return x > y;
    default: return x >= y;
  }
}

std::optional<ConstVal> Sema::FoldBinary(uint8_t op, const ConstVal& a, const ConstVal& b, TypeId operand,
                                         TypeId result) {
  auto k = TokenKind(op);
  if (a.global != UINT32_MAX || b.global != UINT32_MAX) return std::nullopt;
  operand = types_.Unqual(operand);
  ConstVal r{result};
  if (types_.IsFloat(operand) || operand == kFloatLit) {
    double x = a.type == kIntLit ? double(a.i) : types_.IsInt(types_.Unqual(a.type)) ? double(a.i) : a.f;
    double y = b.type == kIntLit ? double(b.i) : types_.IsInt(types_.Unqual(b.type)) ? double(b.i) : b.f;
    if (IsCompare(op)) return ConstVal{kBool, Compare(k, x, y)};
    switch (k) {
      case TokenKind::Plus: r.f = x + y; break;
      case TokenKind::Minus: r.f = x - y; break;
      case TokenKind::Star: r.f = x * y; break;
      case TokenKind::Slash: r.f = x / y; break;
      case TokenKind::Percent: r.f = std::fmod(x, y); break;
      default: return std::nullopt;
    }
    return Normalize(r);
  }
  __int128 x = a.i, y = b.i;
  if (IsCompare(op)) return ConstVal{kBool, Compare(k, x, y)};
  bool untyped = operand == kIntLit;
  uint32_t bits = untyped ? 64 : types_.IntBits(operand);
  bool is_signed = untyped || types_.IsSigned(operand);
  switch (k) {
    case TokenKind::Plus: r.i = x + y; break;
    case TokenKind::Minus: r.i = x - y; break;
    case TokenKind::Star:
      // Typed operands wrap at their width (Normalize truncates), so the product modulo 2^128 is
      // enough: two u64 values near 2^64 overflow even 128 bits. Untyped ones reach 2^64 too,
      // and a product past 128 bits is no constant.
      if (!untyped) r.i = (__int128)((unsigned __int128)x * (unsigned __int128)y);
      else if (__builtin_mul_overflow(x, y, &r.i)) return std::nullopt;
      break;
    case TokenKind::Slash:
    case TokenKind::Percent:
      if (y == 0) return std::nullopt;  // left to run time (or the evaluator): it traps there
      if (!untyped && is_signed && y == -1 && x == -(__int128(1) << (bits - 1))) return std::nullopt;
      r.i = k == TokenKind::Slash ? x / y : x % y;
      break;
    case TokenKind::Amp: r.i = x & y; break;
    case TokenKind::Pipe: r.i = x | y; break;
    case TokenKind::Caret: r.i = x ^ y; break;
    case TokenKind::AmpAmp: r.i = x && y; break;
    case TokenKind::PipePipe: r.i = x || y; break;
    case TokenKind::Shl:
      if (y < 0 || y >= bits) r.i = 0;
      else r.i = (__int128)((unsigned __int128)x << int(y));
      break;
    case TokenKind::Shr:
      if (y < 0 || y >= bits) r.i = is_signed && x < 0 ? -1 : 0;
      else r.i = x >> int(y);
      break;
    default: return std::nullopt;
  }
  if (untyped && (r.i > (__int128(1) << 64) || r.i < -(__int128(1) << 64))) return std::nullopt;
  return Normalize(r);
}

std::optional<ConstVal> Sema::FoldUnary(uint8_t op, const ConstVal& a) {
  if (a.global != UINT32_MAX) return std::nullopt;
  ConstVal r = a;
  TypeId t = types_.Unqual(a.type);
  switch (TokenKind(op)) {
    case TokenKind::Minus:
      if (types_.IsFloat(t) || t == kFloatLit) r.f = -a.f;
      else r.i = -a.i;
      break;
    case TokenKind::Tilde: r.i = ~a.i; break;
    case TokenKind::Bang: r.i = !a.i; break;
    default: return std::nullopt;
  }
  return Normalize(r);
}

std::optional<ConstVal> Sema::FoldCast(const ConstVal& a, TypeId to) {
  TypeId from = types_.Unqual(a.type), t = types_.Unqual(to);
  ConstVal r = a;
  r.type = to;
  if (from == t) return r;
  bool from_int = types_.IsInt(from) || from == kIntLit || from == kBool;
  bool from_float = types_.IsFloat(from) || from == kFloatLit;
  if (types_.IsFloat(t)) {
    if (from_int) r.f = double(a.i);
    else if (!from_float) return std::nullopt;
    return Normalize(r);
  }
  if (types_.IsInt(t)) {
    if (from_float) {
      double v = std::trunc(a.f);
      if (!(v > -1.8e19 && v < 1.9e19)) return std::nullopt;  // traps when evaluated
      r.i = __int128(v);
      if (!IntFits(types_, t, r.i)) return std::nullopt;
      return Normalize(r);
    }
    if (!from_int || a.global != UINT32_MAX) return std::nullopt;
    return Normalize(r);
  }
  if (types_.IsPointerLike(t)) {
    if (from == kNull || (from_int && a.i == 0)) return ConstVal{to, 0};
    if (types_.IsPointerLike(from)) return r;  // strings keep their global
  }
  return std::nullopt;
}

}  // namespace thrustc::frontend
