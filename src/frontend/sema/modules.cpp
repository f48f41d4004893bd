// Modules (13): each parsed file is a module with its own top-level names. Imports give it
// namespaces (`m::x`, re-exported through the imported module's own namespaces), `only` names,
// and (for 0.1 programs) unqualified names through a plain import with W0902. Visibility is
// `@public`; link names of an imported module's public items are module-qualified.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "frontend/sema/sema_impl.h"

namespace thrustc::frontend {
namespace {

// "lib/geo.thrust" → "geo"; "collections/vector" (a std module) → "vector".
std::string_view Stem(std::string_view path) {
  size_t slash = path.find_last_of('/');
  if (slash != path.npos) path.remove_prefix(slash + 1);
  size_t dot = path.find_last_of('.');
  return dot == path.npos || dot == 0 ? path : path.substr(0, dot);
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(uint8_t(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(uint8_t(c)) || c == '_')) return false;
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (size_t i; (i = path.find("::")) != path.npos; path.remove_prefix(i + 2)) parts.push_back(path.substr(0, i));
  parts.push_back(path);
  return parts;
}

std::string JoinPath(const std::vector<std::string_view>& parts, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) (s += i > from ? "::" : "") += parts[i];
  return s;
}
}  // namespace

void Sema::BuildModules() {
  // importC namespaces (11): the alias, else the header's stem (`local/geometry.h` → `geometry`).
  for (uint32_t file = 0; file < in_.files.size(); ++file) {
    const Ast& ast = *in_.files[file];
    for (NodeId item : ast.items) {
      const Node& node = ast[item];
      if (node.kind != NodeKind::ImportCItem) continue;
      const ImportDecl* d = node.b ? &ast.imports[node.b - 1] : nullptr;
      std::string ns = d && d->has_alias ? std::string(Str(d->alias)) : std::string(Stem(ast.strings[node.a]));
      if (!(d && d->has_alias) && !IsIdentifier(ns)) {
        Error(DiagKind::InvalidImport, ast.Range(item), "the header name `" + ns + "` is no identifier, so it cannot be a " +
                                                            "namespace: import it `as` a name");
        continue;
      }
      NameId header = names_->Intern(ast.strings[node.a]);
      auto [prev, inserted] = files_[file].c_namespaces.emplace(names_->Intern(ns), header);
      if (!inserted && prev->second != header)
        Error(DiagKind::NamespaceClash, ast.Range(item), "namespace `" + ns + "` is already given to another C header; " +
                                                             "import one of them `as` another name");
    }
  }
  // Namespaces and `only` names, file by file.
  for (const ModuleInput::Import& imp : in_.modules.imports) {
    FileInfo& f = files_[imp.file];
    const Ast& ast = *f.ast;
    const Node& node = ast[imp.item];
    const ImportDecl& d = ast.imports[node.b - 1];
    SourceRange r = ast.Range(imp.item);
    std::string_view stem = Stem(ast.strings[node.a]);
    if (imp.target == imp.file) {
      Error(DiagKind::SelfImport, r, "a file cannot import itself");
      continue;
    }
    if (d.has_only) {
      if (imp.target == kNoModule) continue;  // reported by the driver
      f.only_stems.emplace(names_->Intern(stem), imp.target);
      FileInfo& m = files_[imp.target];
      for (uint32_t i = 0; i < d.only.count; ++i) {
        NodeId nm = ast.List(d.only, i);
        NameId name = ast[nm].a;
        SourceRange nr = ast.Range(nm);
        auto it = m.top.find(name);
        if (it == m.top.end()) {
          Error(DiagKind::UndefinedName, nr, "module " + ImportSpelling(ast, imp.item) + " has no `" + std::string(Str(name)) + "`");
          continue;
        }
        const Symbol& sym = syms_[it->second];
        if (!sym.is_public) {
          auto& e = Error(DiagKind::PrivateItem, nr, "`" + std::string(Str(name)) + "` is private to its module; only `@public` items can be imported");
          in_.diags->AddNote(e, TokRange(sym.file, sym.tok), "declared here");
          continue;
        }
        auto [prev, inserted] = f.only_names.emplace(name, it->second);
        if (!inserted && prev->second != it->second) {
          auto& e = Error(DiagKind::ImportClash, nr, "`" + std::string(Str(name)) + "` is already imported from another module");
          in_.diags->AddNote(e, TokRange(syms_[prev->second].file, syms_[prev->second].tok), "the other `" + std::string(Str(name)) + "`");
        } else if (f.top.count(name)) {
          auto& e = Error(DiagKind::ImportClash, nr, "`" + std::string(Str(name)) + "` is imported, but this file declares it too");
          in_.diags->AddNote(e, TokRange(imp.file, syms_[f.top[name]].tok), "declared here");
        }
      }
      continue;
    }
    std::string ns = d.has_alias ? std::string(Str(d.alias)) : std::string(stem);
    if (files_[imp.file].c_namespaces.count(names_->Intern(ns))) {
      Error(DiagKind::NamespaceClash, r, "namespace `" + ns + "` is already given to a C header; import one of them `as` another name");
      continue;
    }
    if (!d.has_alias && !IsIdentifier(ns)) {
      Error(DiagKind::InvalidImport, r, "the file name `" + ns + "` is no identifier, so it cannot be a namespace: " +
                                            "import it `as` a name");
      continue;
    }
    NameId id = names_->Intern(ns);
    auto [prev, inserted] = f.namespaces.emplace(id, imp.target);
    if (!inserted && prev->second != imp.target && prev->second != kNoModule && imp.target != kNoModule) {
      Error(DiagKind::NamespaceClash, r, "namespace `" + ns + "` is already given to another imported file; import one of them `as` another name");
      continue;
    }
    if (!d.has_alias && imp.target != kNoModule) f.plain_imports.push_back(imp.target);
  }
  // Cycles: a depth-first walk over the import edges, each cycle reported once at the import
  // that closes it, listing its files.
  std::vector<std::vector<const ModuleInput::Import*>> edges(in_.files.size());
  for (const ModuleInput::Import& imp : in_.modules.imports)
    if (imp.target != kNoModule && imp.target != imp.file) edges[imp.file].push_back(&imp);
  std::vector<uint8_t> state(in_.files.size(), 0);  // 0 new, 1 on the stack, 2 done
  std::vector<const ModuleInput::Import*> stack;
  auto file_name = [&](uint32_t f) { return std::string(in_.sources->File(in_.files[f]->file).path); };
  auto visit = [&](auto&& self, uint32_t f) -> void {
    state[f] = 1;
    for (const ModuleInput::Import* e : edges[f]) {
      if (state[e->target] == 1) {  // back to a file on the path: e->target ... f e->target
        size_t k = 0;
        while (k < stack.size() && stack[k]->file != e->target) ++k;
        std::string cycle = file_name(e->target);
        for (size_t i = k; i < stack.size(); ++i) cycle += " -> " + file_name(stack[i]->target);
        cycle += " -> " + file_name(e->target);
        Error(DiagKind::ImportCycle, in_.files[f]->Range(e->item), "import cycle: " + cycle);
        continue;
      }
      if (state[e->target] == 0) {
        stack.push_back(e);
        self(self, e->target);
        stack.pop_back();
      }
    }
    state[f] = 2;
  };
  for (uint32_t f = 0; f < in_.files.size(); ++f)
    if (state[f] == 0) visit(visit, f);
}

uint32_t Sema::LookupGlobal(uint32_t file, NameId name, const SourceRange* use) {
  uint32_t origin = files_[file].origin;
  const FileInfo& f = files_[origin];
  if (auto it = f.top.find(name); it != f.top.end()) return it->second;
  if (auto it = f.only_names.find(name); it != f.only_names.end()) return it->second;
  if (auto it = public_syms_.find(name); it != public_syms_.end()) {
    WarnUnqualifiedC(origin, it->second, use);
    return it->second;
  }
  std::string_view text = Str(name);
  if (text.find("::") != text.npos) return ResolvePath(origin, text, nullptr);
  return f.plain_imports.empty() ? UINT32_MAX : LegacyImport(origin, name, use);
}

// `a::b::x` in `file`: the longest prefix that is a namespace of the file, then the rest in the
// module it names (whose own namespaces are re-exported), down to an item. With `report`,
// explains a failure there (nothing for a namespace whose file failed to load: reported).
uint32_t Sema::ResolvePath(uint32_t file, std::string_view path, const SourceRange* report) {
  std::vector<std::string_view> parts = SplitPath(path);
  uint32_t mod = file;
  std::string via;  // the namespaces walked so far, for messages
  for (size_t i = 0; i + 1 < parts.size();) {
    size_t j = parts.size() - 1;
    uint32_t target = kNoModule;
    bool found = false;
    for (; j > i; --j) {
      NameId id = names_->Find(JoinPath(parts, i, j));
      if (id == NameTable::kNoName) continue;
      if (j + 1 == parts.size()) {  // `h::x` of an importC namespace
        auto c = files_[mod].c_namespaces.find(id);
        if (c != files_[mod].c_namespaces.end()) {
          uint32_t s = LookupCName(parts.back());
          NameId last = names_->Find(parts.back());
          if (s == UINT32_MAX && report && last != NameTable::kNoName && ReportCSkipped(last, *report)) return s;
          if (s == UINT32_MAX && report)
            Error(DiagKind::UndefinedName, *report, "C header `" + std::string(Str(c->second)) + "` declares no `" +
                                                        std::string(parts.back()) + "` that thrustc could import");
          return s;
        }
      }
      auto it = files_[mod].namespaces.find(id);
      if (it == files_[mod].namespaces.end()) continue;
      target = it->second;
      found = true;
      break;
    }
    if (!found) {
      if (!report) return UINT32_MAX;
      std::string first(parts[i]);
      NameId first_id = names_->Find(first);
      if (mod == file && first_id != NameTable::kNoName && files_[mod].only_stems.count(first_id))
        Error(DiagKind::UnknownNamespace, *report, "`" + first + "` is no namespace here: its file is imported with `only`, " +
                                                       "which brings names in unqualified");
      else if (mod == file)
        Error(DiagKind::UnknownNamespace, *report, "unknown namespace `" + first + "` in `" + std::string(path) +
                                                       "`; import a module first (`import \"" + first + ".thrust\";`)");
      else
        Error(DiagKind::UnknownNamespace, *report, "module `" + via + "` has no namespace `" + first + "`");
      return UINT32_MAX;
    }
    if (target == kNoModule) return UINT32_MAX;  // its import failed, and said so
    via = JoinPath(parts, 0, j);
    mod = target;
    i = j;
  }
  NameId name = names_->Find(parts.back());
  auto it = name == NameTable::kNoName ? files_[mod].top.end() : files_[mod].top.find(name);
  if (it == files_[mod].top.end()) {
    if (report) Error(DiagKind::UndefinedName, *report, "module `" + via + "` has no `" + std::string(parts.back()) + "`");
    return UINT32_MAX;
  }
  if (!syms_[it->second].is_public && mod != file) {
    if (report) {
      auto& e = Error(DiagKind::PrivateItem, *report, "`" + std::string(path) + "` is private to its module; only `@public` items " +
                                                          "can be used from another file");
      in_.diags->AddNote(e, TokRange(syms_[it->second].file, syms_[it->second].tok), "declared here");
    }
    return UINT32_MAX;
  }
  return it->second;
}

// 0.1 programs: a name no module declares unqualified, found as a public item of exactly one
// plainly imported file (17: kept with W0902).
uint32_t Sema::LegacyImport(uint32_t file, NameId name, const SourceRange* use) {
  uint32_t found = UINT32_MAX, from = 0, count = 0;
  for (uint32_t t : files_[file].plain_imports) {
    auto it = files_[t].top.find(name);
    if (it == files_[t].top.end() || !syms_[it->second].is_public || it->second == found) continue;
    found = it->second, from = t, ++count;
  }
  if (count != 1) return UINT32_MAX;
  if (use && legacy_warned_.emplace(file, name).second) {
    std::string ns;
    for (const auto& [id, target] : files_[file].namespaces)
      if (target == from) ns = std::string(Str(id));
    Error(DiagKind::UnqualifiedImport, *use, "`" + std::string(Str(name)) + "` comes from an imported module: write `" + ns +
                                                 "::" + std::string(Str(name)) + "`, or import it with `only { " +
                                                 std::string(Str(name)) + " }`");
  }
  return found;
}

// `h::name` of an importC namespace. A declaration that several headers share is recorded with
// the first that brought it in, so any imported C declaration of that name is taken.
uint32_t Sema::LookupCName(std::string_view name) const {
  NameId id = names_->Find(name);
  if (id == NameTable::kNoName) return UINT32_MAX;
  auto it = public_syms_.find(id);
  return it == public_syms_.end() ? UINT32_MAX : it->second;
}

// A C declaration named without its header's namespace: kept for 0.1 programs (17, W0903), once
// per file and name.
void Sema::WarnUnqualifiedC(uint32_t file, uint32_t sym, const SourceRange* use) {
  if (!use || syms_[sym].file != kCFile || !legacy_warned_.emplace(file, syms_[sym].name).second) return;
  auto h = c_header_of_.find(sym);
  if (h == c_header_of_.end()) return;
  std::string header(Str(h->second)), ns;
  for (const auto& [id, hdr] : files_[file].c_namespaces)
    if (hdr == h->second) ns = std::string(Str(id));
  if (ns.empty()) ns = std::string(Stem(header));
  std::string name(Str(syms_[sym].name));
  Error(DiagKind::UnqualifiedCName, *use, "`" + name + "` comes from C header `" + header + "`: write `" + ns + "::" + name + "`");
}

// Explains a name LookupGlobal did not find, when modules are the reason: a `m::x` that failed,
// or a name that several plainly imported modules export. False when there is nothing to add.
bool Sema::ReportUnresolved(uint32_t file, NameId name, SourceRange use) {
  uint32_t origin = files_[file].origin;
  std::string_view text = Str(name);
  if (text.find("::") != text.npos) {
    ResolvePath(origin, text, &use);
    return true;
  }
  std::vector<std::string> from;
  for (const auto& [ns, target] : files_[origin].namespaces) {
    if (target == kNoModule) continue;
    auto it = files_[target].top.find(name);
    if (it != files_[target].top.end() && syms_[it->second].is_public) from.push_back(std::string(Str(ns)));
  }
  if (from.size() < 2) return false;
  std::sort(from.begin(), from.end());
  std::string q(text), which;
  for (size_t i = 0; i < from.size(); ++i) which += (i ? " or `" : "`") + from[i] + "::" + q + "`";
  Error(DiagKind::UndefinedName, use, "`" + q + "` is exported by several imported modules; write " + which);
  return true;
}

std::string Sema::LinkName(const Symbol& sym) const {
  if (!sym.extern_name.empty()) return sym.extern_name;  // a static defined under `@extern("sym")`
  std::string plain(Str(sym.name));
  if (!sym.is_public || sym.file == kCFile) return plain;
  const FileInfo& f = files_[files_[sym.file].origin];
  if (!f.imported) return plain;
  return std::string(Stem(in_.sources->File(f.ast->file).path)) + "::" + plain;
}

}  // namespace thrustc::frontend
