// The checker's shared helpers and its start: sets up the side tables, collects every top-level
// declaration of every file (and importC's) and gives every function its signature. The
// check-and-lower driver (src/frontend/check_and_lower.cpp) then checks them in source order.
#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {

namespace {
constexpr std::string_view kPrimitiveSpellings[] = {
    "", "void", "bool", "char", "s8", "s16", "s32", "s64", "ssize", "u8", "u16", "u32", "u64",
    "usize", "f32", "f64", "", "", "", "ptr"};
constexpr std::string_view kUnsupported[] = {"u128", "s128", "f80", "f128", "fppc_128", "addr"};
}  // namespace

Sema::Sema(const CheckInput& in) : in_(in), names_(in.names) {}

// Inside an instance of a generic, every diagnostic names the chain of instances that led to it,
// innermost first (the first eight).
Diagnostic& Sema::Error(DiagKind kind, SourceRange r, std::string msg) {
  Diagnostic& d = in_.diags->Report(kind, r, std::move(msg));
  uint32_t file = instance_stack_.empty() ? UINT32_MAX : instance_stack_.back();
  for (uint32_t notes = 0; file != UINT32_MAX && !files_[file].instance.empty() && notes < 8; ++notes) {
    const FileInfo& f = files_[file];
    std::string name = f.instance.size() <= 120 ? f.instance : f.instance.substr(0, 100) + "...";
    in_.diags->AddNote(d, f.requested, "in the instance `" + name + "` requested here");
    file = f.parent;
  }
  return d;
}

SourceRange Sema::ExprRange(uint32_t file, NodeId n) const {
  const Ast& ast = *files_[file].ast;
  for (;;) {
    const Node& node = ast[n];
    switch (node.kind) {
      case NodeKind::Call: case NodeKind::Binary: case NodeKind::Assign: case NodeKind::Index:
      case NodeKind::Field: case NodeKind::Cast: case NodeKind::Postfix:
        if (node.a) {
          n = node.a;
          continue;
        }
        return ast.Range(n);
      default: return ast.Range(n);
    }
  }
}

void Sema::Collect() {
  std::vector<TypeId> prim;
  for (uint32_t i = 0; i < kPrimitiveCount; ++i) {
    if (kPrimitiveSpellings[i].empty()) continue;
    NameId id = names_->Intern(kPrimitiveSpellings[i]);
    if (prim.size() <= id) prim.resize(id + 1, 0);
    prim[id] = i + 1;
  }
  for (auto s : kUnsupported) {
    NameId id = names_->Intern(s);
    if (prim.size() <= id) prim.resize(id + 1, 0);
    prim[id] = UINT32_MAX;
  }
  prim_names_ = std::move(prim);
  for (size_t i = 0; i < std::size(kBuiltinInfo); ++i) builtin_names_.emplace(names_->Intern(kBuiltinInfo[i].name), Builtin(i));
  main_name_ = names_->Intern("main");
  cstring_name_ = names_->Intern("CString");

  files_.resize(in_.files.size());
  size_t total_nodes = 0;
  for (const Ast* a : in_.files) total_nodes += a->nodes.size();
  consts_.reserve(total_nodes / 4 + 16);  // literals are about a quarter of all nodes
  for (uint32_t f = 0; f < files_.size(); ++f) {
    FileInfo& info = files_[f];
    info.ast = in_.files[f];
    info.origin = f;
    size_t n = info.ast->nodes.size();
    info.types.assign(n, kErrorType);
    info.refs.assign(n, 0);
    info.consts.assign(n, 0);
  }
  for (const ModuleInput::Import& imp : in_.modules.imports)  // link names depend on it (13)
    if (imp.target != kNoModule && imp.target != imp.file) files_[imp.target].imported = true;
  for (uint32_t f = 0; f < files_.size(); ++f) CollectFile(f);
  BuildModules();                      // namespaces, `only` names, cycles (13)
  if (in_.c_decls) DeclareCImports();  // imported C declarations get their signatures on use
  CollectTopLevelLater();              // `@if` chains and staticAsserts at top level
  for (uint32_t s = 0; s < syms_.size(); ++s)
    if (syms_[s].kind == SymKind::Func && syms_[s].file != kCFile && !syms_[s].generic) EnsureSignature(s);
}

}  // namespace thrustc::frontend
