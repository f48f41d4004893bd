// Compile-time evaluation (section 10): lowers a thunk `fn (out: ptr) -> void` for an expression,
// makes sure its whole dependency closure (functions, statics with their initializers) is in the
// module, runs it through the ir::Evaluator and turns the bytes it wrote into a constant.
// Dependency order comes from working on demand (the checker reports cycles: check_globals.cpp).
#include <cstring>

#include "frontend/check_and_lower_impl.h"

namespace thrustc::frontend {

std::optional<ConstVal> CheckAndLowerDriver::EvalNode(FnCtx& fc, NodeId n, TypeId type, SourceRange site,
                                                      const std::string& what, SourceRange decl) {
  if (!evaluator_) {
    Error(DiagKind::NotSupported, site, "compile-time evaluation of " + what + " needs an evaluator");
    return std::nullopt;
  }
  ir::Function fn;
  fn.name = "__ct." + std::to_string(thunk_count_++);
  fn.compiletime = true;
  fn.sig.params = {ir::AbiType{ir::Type::Ptr}};
  fn.loc = site.begin;
  ir::FuncId id = ir::FuncId(mod_.functions.size());
  mod_.functions.push_back(std::move(fn));
  func_sym_.push_back(UINT32_MAX);
  func_callees_.emplace_back();
  func_statics_.emplace_back();
  {
    LowerCtx lc(fc, mod_, id, &inst_pool_);
    lc.addrs.assign(fc.locals.size(), ir::kNoReg);
    lc.b.SetBlock(lc.b.NewBlock("entry"));
    lc.b.SetLoc(site.begin);
    ir::Reg out = lc.b.NewReg(ir::Type::Ptr);
    mod_.functions[id].params.push_back(out);
    ir::Reg v = LowerAs(lc, n, type);
    if (types_.IsAggregate(type)) lc.b.Copy(out, v, int64_t(types_.SizeOf(type)));
    else if (type != kVoid) lc.b.Store(IrType(types_, type), v, out);
    lc.b.Ret();
    lc.b.Finish();
  }
  if (!EnsureClosure(id, site)) return std::nullopt;
  uint64_t size = types_.SizeOf(type);
  std::vector<uint64_t> buffer(size / 8 + 2, 0);
  auto failure = evaluator_->Run(mod_, id, buffer.data(), buffer.size() * sizeof buffer[0]);
  if (failure) {
    ReportEvalFailure(*failure, site, what, decl.begin.Valid() ? decl : site);
    return std::nullopt;
  }
  if (type == kVoid) return ConstVal{kVoid};
  return ConstFromBytes(type, reinterpret_cast<const uint8_t*>(buffer.data()), site, what);
}

bool CheckAndLowerDriver::EnsureClosure(ir::FuncId root, SourceRange site) {
  ++epoch_;
  std::vector<ir::FuncId> work{root};
  while (!work.empty()) {
    ir::FuncId f = work.back();
    work.pop_back();
    std::vector<ir::FuncId> callees = func_callees_[f];
    std::vector<uint32_t> statics = func_statics_[f];
    for (uint32_t s : statics)
      if (!EnsureStaticInit(s, site)) return false;
    for (ir::FuncId c : callees) {
      if (visit_epoch_.size() <= c) visit_epoch_.resize(mod_.functions.size() + 1, 0);
      if (visit_epoch_[c] == epoch_) continue;
      visit_epoch_[c] = epoch_;
      uint32_t s = func_sym_[c];
      if (s != UINT32_MAX && !EnsureFunctionChecked(s, site)) return false;
      work.push_back(c);
    }
  }
  return true;
}

static uint64_t ReadBits(const uint8_t* p, uint64_t size) {
  uint64_t v = 0;
  std::memcpy(&v, p, size);
  return v;
}

std::optional<ConstVal> CheckAndLowerDriver::ConstFromBytes(TypeId type, const uint8_t* bytes,
                                                            SourceRange site, const std::string& what) {
  TypeId t = types_.Unqual(type);
  ConstVal v{type};
  if (types_.IsInt(t) || t == kBool) {
    v.i = __int128(ReadBits(bytes, types_.SizeOf(t)));
    return Normalize(v);
  }
  if (t == kF32) {
    float f;
    std::memcpy(&f, bytes, 4);
    v.f = f;
    return v;
  }
  if (t == kF64) {
    std::memcpy(&v.f, bytes, 8);
    return v;
  }
  if (types_.IsPointerLike(t)) {
    uint64_t addr = ReadBits(bytes, 8);
    if (addr == 0) return v;
    if (types_.IsStringLike(t)) {
      auto s = evaluator_->ReadCString(addr);
      if (s) {
        v.global = StringGlobal(*s);
        return v;
      }
    }
    Error(DiagKind::ResultHasPointer, site,
          "the result of " + what + " is a pointer (" + TypeStr(type) +
              "); compile-time results cannot contain pointers (only strings are copied out)");
    return std::nullopt;
  }
  if (!CheckNoPointers(t, bytes, "", site, what)) return std::nullopt;
  uint64_t size = types_.SizeOf(t);
  v.global = BytesGlobal(std::vector<uint8_t>(bytes, bytes + size), types_.AlignOf(t), ".const.");
  return v;
}

bool CheckAndLowerDriver::CheckNoPointers(TypeId type, const uint8_t* bytes, std::string path,
                                          SourceRange site, const std::string& what) {
  TypeId t = types_.Unqual(type);
  if (types_.IsPointerLike(t)) {
    if (ReadBits(bytes, 8) == 0) return true;
    Error(DiagKind::ResultHasPointer, site,
          path + " is a pointer; compile-time results cannot contain pointers (in the result of " + what + ")");
    return false;
  }
  if (types_.Kind(t) == TypeKind::FixedArray || types_.Kind(t) == TypeKind::Vector) {
    TypeId elem = types_[t].elem;
    uint64_t es = types_.SizeOf(elem);
    for (uint64_t i = 0; i < types_[t].count; ++i)
      if (!CheckNoPointers(elem, bytes + i * es, "element " + std::to_string(i) + " of " + (path.empty() ? "the array" : path),
                           site, what))
        return false;
    return true;
  }
  if (types_.Kind(t) == TypeKind::Struct) {
    const StructInfo& s = types_.Struct(t);
    std::string owner = "`" + std::string(Str(s.name)) + "`";
    for (const FieldInfo& f : s.fields) {
      std::string p = "field `" + std::string(Str(f.name)) + "` of " + (path.empty() ? owner : path);
      if (!CheckNoPointers(f.type, bytes + f.offset, p, site, what)) return false;
    }
  }
  return true;
}

void CheckAndLowerDriver::ReportEvalFailure(const ir::EvalFailure& f, SourceRange site,
                                            const std::string& what, SourceRange decl) {
  using K = ir::EvalFailure::Kind;
  std::string where = f.function.empty() || f.function.rfind("__ct.", 0) == 0 ? "the compile-time expression"
                                                                             : "function `" + f.function + "`";
  DiagKind kind = DiagKind::CompileTimeCrash;
  std::string msg;
  switch (f.kind) {
    case K::Trap:
      kind = DiagKind::CompileTimeTrap;
      msg = "compile-time code trapped in " + where + ": " + f.message;
      break;
    case K::MissingSymbol:
      kind = DiagKind::MissingSymbol;
      msg = f.message + " (called from " + where + ")";
      break;
    case K::Timeout:
      kind = DiagKind::CompileTimeTimeout;
      msg = f.message + " in " + where + " (raise it with -ct-timeout SECONDS)";
      break;
    case K::MemoryLimit:
      kind = DiagKind::CompileTimeMemoryLimit;
      msg = "compile-time code in " + where + " " + f.message + " (raise it with -ct-memory MIB)";
      break;
    case K::ProcessExit:
      kind = DiagKind::CompileTimeExit;
      msg = "compile-time code in " + where + " " + f.message +
            ", which would end the compiler; compile-time code cannot exit the process";
      break;
    default: msg = "compile-time code crashed in " + where + ": " + f.message; break;
  }
  auto& d = Error(kind, site, msg);
  bool in_thunk = f.function.rfind("__ct.", 0) == 0;
  if (f.loc.Valid() && !in_thunk) in_.diags->AddNote(d, {f.loc, 1}, "in " + where + " here");
  in_.diags->AddNote(d, decl, "during compile-time evaluation of " + what);
}

}  // namespace thrustc::frontend
