// The type queries and predicates of section 8.1 (builtins.def, family TypeQuery): each folds to
// a constant at check time, so they work in constant initializers, array lengths and code alike.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

TypeId Sema::CheckTypeQuery(FnCtx& fc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  NodeId a0 = ast.ListAt(node.b, 0);
  std::optional<ConstVal> v;
  if (which == Builtin::StringLength) {
    TypeId t = CheckExpr(fc, a0);
    if (t == kErrorType) return kErrorType;
    NodeId lit = a0;
    if (ast[a0].kind == NodeKind::Name && Info(fc.file).refs[a0] && !(Info(fc.file).refs[a0] & kLocalRef)) {
      const Symbol& s = RefSymbol(fc, Info(fc.file).refs[a0]);
      if (s.kind == SymKind::Const && s.file == fc.file) lit = s.init;
    }
    const ConstVal* c = NodeConst(fc.file, a0);
    auto fact = c ? fact_strings_.find(c->global) : fact_strings_.end();
    if (fact != fact_strings_.end()) {
      v = ConstVal{kUSize, __int128(fact->second.size())};
    } else if (!lit || ast[lit].kind != NodeKind::StringLit) {
      Error(DiagKind::NotConstant, NodeRange(fc.file, a0),
            "`stringLength` takes a constant string (a string literal or a constant initialised with one)");
      return kErrorType;
    } else {
      v = ConstVal{kUSize, __int128(ast.strings[ast[lit].a].size())};
    }
  } else {
    TypeId t = TypeOrExprOfArg(fc, a0, nullptr);
    if (t == kErrorType) return kErrorType;
    Info(fc.file).types[a0] = t;
    v = TypeQueryValue(fc, n, which, t);
    if (!v) return kErrorType;
  }
  SetNodeConst(fc.file, n, *v);
  return v->type;
}

std::optional<ConstVal> Sema::TypeQueryValue(FnCtx& fc, NodeId n, Builtin which, TypeId t) {
  const Ast& ast = AstOf(fc.file);
  TypeId u = types_.Unqual(t);
  TypeKind k = types_.Kind(u);
  std::string q = "`" + std::string(kBuiltinInfo[int(which)].name) + "`";
  auto sized = [&]() -> bool {
    if (u == kVoid || !EnsureStructLayout(u, NodeRange(fc.file, n))) {
      if (u == kVoid) Error(DiagKind::TypeMismatch, NodeRange(fc.file, n), q + " needs a type with a size, found `void`");
      return false;
    }
    return true;
  };
  auto count = [](uint64_t v) { return ConstVal{kUSize, __int128(v)}; };
  auto u64 = [](uint64_t v) { return ConstVal{kU64, __int128(v)}; };
  auto flag = [](bool b) { return ConstVal{kBool, __int128(b)}; };
  bool is_int = types_.IsInt(u) && u != kChar;
  switch (which) {
    case Builtin::AbiSizeOf: case Builtin::BitSizeOf:
      if (!sized()) return std::nullopt;
      return u64(types_.SizeOf(u));
    case Builtin::AbiAlignOf:
      if (!sized()) return std::nullopt;
      return ConstVal{kU32, __int128(types_.AlignOf(u))};
    case Builtin::TypeWidth:
      if (!sized()) return std::nullopt;
      if (u == kBool) return count(1);
      return count(types_.SizeOf(u) * 8);
    case Builtin::FieldCount:
    case Builtin::FixedArraySize: {
      bool ok = which == Builtin::FieldCount ? k == TypeKind::Struct : k == TypeKind::FixedArray;
      if (!ok) {
        Error(DiagKind::TypeMismatch, NodeRange(fc.file, n),
              q + " takes a " + (which == Builtin::FieldCount ? "struct" : "fixed array") + " type, not " + TypeStr(t));
        return std::nullopt;
      }
      if (k == TypeKind::Struct) {
        if (!EnsureStructLayout(u, NodeRange(fc.file, n))) return std::nullopt;
        return count(types_.Struct(u).fields.size());
      }
      return count(types_[u].count);
    }
    case Builtin::IsFixedArrayOfSize: {
      NodeId a1 = ast.ListAt(ast[n].b, 1);
      TypeId tn = CheckExpr(fc, a1);
      const ConstVal* c = NodeConst(fc.file, a1);
      if (tn == kErrorType) return std::nullopt;
      if (!c || !(tn == kIntLit || types_.IsInt(types_.Unqual(tn)))) {
        Error(DiagKind::NotConstant, NodeRange(fc.file, a1), q + " takes a constant integer size");
        return std::nullopt;
      }
      if (tn == kIntLit) DefaultLiteralType(fc, a1);
      return flag(k == TypeKind::FixedArray && __int128(types_[u].count) == c->i);
    }
    case Builtin::IsSameType: {
      NodeId a1 = ast.ListAt(ast[n].b, 1);
      TypeId t2 = TypeOrExprOfArg(fc, a1, nullptr);
      if (t2 == kErrorType) return std::nullopt;
      Info(fc.file).types[a1] = t2;
      return flag(u == types_.Unqual(t2));
    }
    case Builtin::IsPtrLike: return flag(types_.IsPointerLike(u) && u != kNull);
    case Builtin::IsSigned: return flag(is_int && types_.IsSigned(u));
    case Builtin::IsUnsigned: return flag(is_int && !types_.IsSigned(u));
    case Builtin::IsInteger: return flag(is_int);
    case Builtin::IsFloat: return flag(types_.IsFloat(u));
    case Builtin::IsBool: return flag(u == kBool);
    case Builtin::IsChar: return flag(u == kChar);
    case Builtin::IsPointer: return flag(u == kPtr || k == TypeKind::PtrTo);
    case Builtin::IsArray: return flag(k == TypeKind::Slice || k == TypeKind::FixedArray);
    case Builtin::IsFixedArray: return flag(k == TypeKind::FixedArray);
    case Builtin::IsStruct: return flag(k == TypeKind::Struct);
    case Builtin::IsVoid: return flag(u == kVoid);
    case Builtin::IsConst: return flag(types_.Kind(t) == TypeKind::Const);
    case Builtin::IsNumeric: return flag(types_.IsNumeric(u) || u == kBool);
    case Builtin::IsFunction: return flag(k == TypeKind::Fn);
    default: return std::nullopt;
  }
}

}  // namespace thrustc::frontend
