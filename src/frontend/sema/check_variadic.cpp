// The extra arguments of a Thrust variadic function (7.4; builtins.def, family Variadic): where
// the builtins may appear and what they take. lower/lower_variadic.cpp says how the extras travel.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

TypeId Sema::CheckVariadicBuiltin(FnCtx& fc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  std::string q = "`" + std::string(kBuiltinInfo[int(which)].name) + "`";
  const Symbol* fn = fc.fn_sym == UINT32_MAX ? nullptr : &syms_[fc.fn_sym];
  if (!fn || !IsThrustVariadic(*fn)) {
    Error(DiagKind::InvalidVariadicUse, NodeRange(fc.file, node.a),
          q + " reads the extra arguments of a variadic function: use it in a function marked `@arbitraryArgs`");
    return kErrorType;
  }
  auto list_arg = [&](uint32_t i) {
    NodeId arg = ast.ListAt(node.b, i);
    TypeId t = CheckExpr(fc, arg);
    if (t == kErrorType) return false;
    if (!types_.IsPointerLike(t)) {
      Error(DiagKind::TypeMismatch, ExprRange(fc.file, arg), q + " takes an argument list (`ptr`), found " + TypeStr(t));
      return false;
    }
    return Coerce(fc, arg, kPtr);
  };
  auto read_type = [&](uint32_t i) -> TypeId {
    NodeId arg = ast.ListAt(node.b, i);
    TypeId t = TypeOrExprOfArg(fc, arg, nullptr);
    if (t == kErrorType) return kErrorType;
    TypeId u = types_.Unqual(t);
    bool scalar = types_.IsNumeric(u) || u == kBool || u == kChar || types_.Kind(u) == TypeKind::PtrTo || u == kPtr;
    if (!scalar) {
      Error(DiagKind::InvalidVariadicUse, NodeRange(fc.file, arg),
            q + " reads integers, floats, `bool`, `char` and pointers, not " + TypeStr(t) +
                (types_.Kind(u) == TypeKind::Slice ? "; read a string as `ptr[char]`" : ""));
      return kErrorType;
    }
    Info(fc.file).types[arg] = u;
    return u;
  };
  switch (which) {
    case Builtin::ArbitraryArg: return read_type(0);
    case Builtin::ArbitraryArgFrom: {
      bool ok = list_arg(0);
      TypeId t = read_type(1);
      return ok ? t : kErrorType;
    }
    case Builtin::ArbitraryArgs: case Builtin::ArbitraryArgsStart: return kPtr;
    case Builtin::ArbitraryArgsCopy: return list_arg(0) ? kPtr : kErrorType;
    case Builtin::ArbitraryArgsEnd: return list_arg(0) ? kVoid : kErrorType;
    case Builtin::ArbitraryArgsCount:
      if (fn->no_arg_count) {
        auto& d = Error(DiagKind::InvalidVariadicUse, NodeRange(fc.file, node.a),
                        q + " needs the hidden count, which a `@noArgCount` function does not receive");
        in_.diags->AddNote(d, TokRange(fn->file, fn->tok), "declared here");
        return kErrorType;
      }
      return kUSize;
    default: return kErrorType;
  }
}

}  // namespace thrustc::frontend
