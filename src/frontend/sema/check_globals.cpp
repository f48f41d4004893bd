// Values of constants, statics and enum members: each initializer is checked in a constant
// context, folded when it is simple, and otherwise evaluated at compile time; statics get their
// initial value in their global (lower/ writes its bytes). Everything is on demand, with cycle
// detection: the stack of what is being evaluated, reported whole when a cycle closes.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

bool Sema::PushFrame(EvalState& state, std::string what, SourceRange decl, SourceRange use) {
  if (state == EvalState::InProgress) {
    size_t start = 0;
    for (size_t i = 0; i < eval_stack_.size(); ++i)
      if (eval_stack_[i].what == what) start = i;
    std::string cycle;
    for (size_t i = start; i < eval_stack_.size(); ++i) cycle += eval_stack_[i].what + " -> ";
    auto& d = Error(DiagKind::ConstantCycle, use, "cycle in compile-time evaluation: " + cycle + what);
    for (size_t i = start; i < eval_stack_.size(); ++i) {
      std::string next = i + 1 < eval_stack_.size() ? eval_stack_[i + 1].what : what;
      in_.diags->AddNote(d, eval_stack_[i].range, eval_stack_[i].what + " needs " + next);
    }
    return false;
  }
  state = EvalState::InProgress;
  eval_stack_.push_back({std::move(what), decl});
  return true;
}

void Sema::PopFrame(EvalState& state) {
  state = EvalState::Done;
  eval_stack_.pop_back();
}

std::optional<ConstVal> Sema::EvalInitializer(FnCtx& fc, NodeId init, TypeId type, std::string what,
                                              SourceRange decl_range) {
  uint32_t errors = in_.diags->ErrorCount();
  bool was_broken = fc.broken;
  fc.broken = false;
  ++const_depth_;
  CheckValue(fc, init, type);
  --const_depth_;
  // A broken initializer (one naming a constant whose own evaluation failed, reported there) is
  // never lowered or evaluated, and neither is a function that holds it.
  if (in_.diags->ErrorCount() != errors || type == kErrorType || fc.broken) {
    fc.broken = fc.broken || was_broken;
    return std::nullopt;
  }
  fc.broken = was_broken;
  if (const ConstVal* c = NodeConst(fc.file, init)) {
    if (auto v = FoldCast(*c, type)) return v;
  }
  return EvalNode(fc, init, type, ExprRange(fc.file, init), what, decl_range);
}

bool Sema::EnsureConst(uint32_t s, SourceRange use) {
  if (syms_[s].state == EvalState::Done) return syms_[s].value != UINT32_MAX;
  std::string what = "constant `" + std::string(Str(syms_[s].name)) + "`";
  if (!PushFrame(syms_[s].state, what, TokRange(syms_[s].file, syms_[s].tok), use)) return false;
  TypeId t = EnsureSymbolType(s);
  FnCtx fc;
  fc.file = syms_[s].file;
  NodeId init = syms_[s].init;
  if (!init) {
    Error(DiagKind::NotConstant, TokRange(fc.file, syms_[s].tok), what + " needs a value");
  } else if (t != kErrorType) {
    if (auto v = EvalInitializer(fc, init, t, what, TokRange(fc.file, syms_[s].tok)))
      syms_[s].value = AddConst(*v);
  }
  PopFrame(syms_[s].state);
  return syms_[s].value != UINT32_MAX;
}

bool Sema::InitStatic(FnCtx& fc, Symbol& sym, std::string what) {
  if (sym.is_extern || sym.type == kErrorType) return !sym.broken;
  if (!sym.init) return true;
  FnCtx scratch;
  scratch.file = sym.file;
  uint32_t g = sym.ir;
  NodeId init = sym.init;
  TypeId t = sym.type;
  auto v = EvalInitializer(fc.file == sym.file ? fc : scratch, init, t, what, TokRange(sym.file, sym.tok));
  if (!v) return false;
  InitGlobal(g, *v);
  return true;
}

bool Sema::EnsureStaticInit(uint32_t s, SourceRange use) {
  if (syms_[s].state == EvalState::Done) return !syms_[s].broken;
  std::string what = "static `" + std::string(Str(syms_[s].name)) + "`";
  if (!PushFrame(syms_[s].state, what, TokRange(syms_[s].file, syms_[s].tok), use)) return false;
  EnsureSymbolType(s);
  FnCtx fc;
  fc.file = syms_[s].file;
  Symbol copy = syms_[s];  // InitStatic may grow syms_? no, but keep the reference short-lived
  bool ok = InitStatic(fc, copy, what);
  if (!ok) syms_[s].broken = true;
  PopFrame(syms_[s].state);
  return ok;
}

bool Sema::EnsureEnumMember(uint32_t es, uint32_t m, SourceRange use) {
  uint32_t list = syms_[es].value;
  uint32_t file = syms_[es].file;
  EnumMember& mem = enum_members_[list][m];
  if (mem.state == EvalState::Done) return mem.value != UINT32_MAX;
  std::string what = "enum member `" + std::string(Str(syms_[es].name)) + "->" + std::string(Str(mem.name)) + "`";
  if (!PushFrame(mem.state, what, TokRange(file, mem.tok), use)) return false;
  const EnumMemberDecl& d = AstOf(file).members[mem.decl];
  TypeId t = ResolveType(nullptr, file, d.type);
  enum_members_[list][m].type = t;
  std::optional<ConstVal> v;
  if (t != kErrorType && !types_.IsInt(types_.Unqual(t)) && types_.Unqual(t) != kBool &&
      !types_.IsFloat(types_.Unqual(t))) {
    Error(DiagKind::TypeMismatch, NodeRange(file, d.type), "enum members must have a scalar type, found " + TypeStr(t));
  } else if (t != kErrorType && d.value) {
    FnCtx fc;
    fc.file = file;
    v = EvalInitializer(fc, d.value, t, what, TokRange(file, mem.tok));
  } else if (t != kErrorType && m == 0) {
    v = ConstVal{t, 0};
  } else if (t != kErrorType) {
    if (EnsureEnumMember(es, m - 1, use)) {
      const ConstVal& prev = consts_[enum_members_[list][m - 1].value];
      if (auto c = FoldCast(prev, t)) {
        c->i += 1;
        c->f += 1;
        v = Normalize(*c);
      }
    }
    if (!v) Error(DiagKind::NotConstant, TokRange(file, mem.tok), what + " needs an explicit value");
  }
  if (v) enum_members_[list][m].value = AddConst(*v);
  PopFrame(enum_members_[list][m].state);
  return enum_members_[list][m].value != UINT32_MAX;
}

}  // namespace thrustc::frontend
