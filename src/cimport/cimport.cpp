// importC entry point: includes every requested header in one synthetic C file, parses it with
// libclang (system include paths as clang finds them, clang's resource headers, -I and -D), turns
// header errors into diagnostics at the header's file and line, and maps what it declares.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cimport/cache.h"
#include "cimport/importer.h"

namespace thrustc::cimport {

namespace {
constexpr const char* kResourceDir = "/usr/lib/llvm-19/lib/clang/19";

std::string MainFileText(const std::vector<ImportRequest>& requests) {
  std::string text;
  for (const ImportRequest& r : requests) text += "#include \"" + r.header + "\"\n";
  return text;
}

// The folders of the files that hold importC items: `importC "x.h";` finds x.h next to the
// importing file first, as `import "x.thrust";` does.
std::vector<std::string> ImportingDirs(const std::vector<ImportRequest>& requests, const SourceManager* sources) {
  std::vector<std::string> dirs;
  if (!sources) return dirs;
  for (const ImportRequest& r : requests) {
    if (!r.where.begin.Valid() || r.where.begin.file >= sources->FileCount()) continue;
    std::string dir = std::filesystem::path(sources->File(r.where.begin.file).path).parent_path().string();
    if (dir.empty()) dir = ".";
    bool seen = false;
    for (const std::string& d : dirs) seen |= d == dir;
    if (!seen) dirs.push_back(dir);
  }
  return dirs;
}

// The -iquote folders (where the importing files live), then every -I folder, in search order.
std::vector<std::string> SearchDirs(const std::vector<ImportRequest>& requests, const ImportOptions& o) {
  std::vector<std::string> dirs = ImportingDirs(requests, o.sources);
  dirs.insert(dirs.end(), o.include_dirs.begin(), o.include_dirs.end());
  return dirs;
}

std::vector<std::string> ClangArguments(const std::vector<ImportRequest>& requests, const ImportOptions& o) {
  std::vector<std::string> args = {"-x", "c", "-std=gnu17", "-resource-dir", kResourceDir,
                                   "-fno-spell-checking", "-ferror-limit=20", "-fno-builtin"};
  for (const std::string& d : ImportingDirs(requests, o.sources)) args.insert(args.end(), {"-iquote", d});
  for (const std::string& d : o.include_dirs) args.push_back("-I" + d);
  for (const std::string& d : o.defines) args.push_back("-D" + d);
  return args;
}

double MillisecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

void PrintTimes(const CacheStats& s) {
  if (!std::getenv("THRUSTC_CIMPORT_TIMES")) return;
  if (s.hit)
    std::fprintf(stderr, "cimport: cache hit, load %.2f ms (%u files checked)\n", s.cache_ms, s.files_checked);
  else
    std::fprintf(stderr, "cimport: cache miss (%s), parse %.2f ms, map %.2f ms, cache %s %.2f ms\n",
                 s.miss_reason.c_str(), s.parse_ms, s.map_ms, s.written ? "write" : "not written", s.cache_ms);
}
}  // namespace

SourceLoc Importer::Register(CXFile file, uint32_t offset) {
  if (!options_.sources || !file) return {};
  auto it = file_ids_.find(file);
  if (it == file_ids_.end()) {
    std::string path = TakeString(clang_getFileName(file));
    FileId id = UINT32_MAX;
    std::error_code ec;
    for (FileId f = 0; f < options_.sources->FileCount() && id == UINT32_MAX; ++f)
      if (std::filesystem::equivalent(options_.sources->File(f).path, path, ec)) id = f;
    if (id == UINT32_MAX) {
      size_t size = 0;
      const char* text = clang_getFileContents(tu_, file, &size);
      id = options_.sources->AddBuffer(path, text ? std::string(text, size) : std::string());
    }
    it = file_ids_.emplace(file, id).first;
  }
  return {it->second, offset};
}

frontend::CLocation Importer::LocationOf(CXCursor c) {
  CXFile file = nullptr;
  unsigned line = 0, col = 0, offset = 0;
  clang_getSpellingLocation(clang_getCursorLocation(c), &file, &line, &col, &offset);
  frontend::CLocation loc;
  if (!file) return loc;
  auto name = file_names_.find(file);  // one CXString per file, not per declaration
  if (name == file_names_.end()) name = file_names_.emplace(file, TakeString(clang_getFileName(file))).first;
  loc.file = name->second;
  loc.line = line, loc.col = col;
  loc.src = Register(file, offset);
  if (auto it = file_headers_.find(file); it != file_headers_.end()) loc.header = it->second;
  return loc;
}

void Importer::AttributeFiles() {
  clang_getInclusions(
      tu_,
      [](CXFile included, CXSourceLocation* stack, unsigned depth, CXClientData data) {
        auto* self = static_cast<Importer*>(data);
        if (depth == 0) return;
        unsigned line = 0;
        clang_getSpellingLocation(stack[depth - 1], nullptr, &line, nullptr, nullptr);
        uint32_t request = line ? line - 1 : 0;
        if (request >= self->requests_.size()) request = 0;
        self->file_headers_.emplace(included, request);  // the first inclusion decides
      },
      this);
}

// Errors in headers are the user's problem and are reported at the header's file and line; a
// header that cannot be found is reported at its importC item.
bool Importer::ReportClangDiagnostics() {
  bool ok = true;
  unsigned n = clang_getNumDiagnostics(tu_);
  for (unsigned i = 0; i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu_, i);
    CXDiagnosticSeverity severity = clang_getDiagnosticSeverity(d);
    if (severity < CXDiagnostic_Error) {
      clang_disposeDiagnostic(d);
      continue;
    }
    ok = false;
    std::string message = TakeString(clang_getDiagnosticSpelling(d));
    CXFile file = nullptr;
    unsigned line = 0, offset = 0;
    clang_getSpellingLocation(clang_getDiagnosticLocation(d), &file, &line, nullptr, &offset);
    std::string path = file ? TakeString(clang_getFileName(file)) : "";
    if (!file || path == kMainFile) {
      const ImportRequest& r = requests_[line >= 1 && line <= requests_.size() ? line - 1 : 0];
      if (message.find("file not found") != std::string::npos)
        diags_.Report(DiagKind::ImportNotFound, r.where,
                      "cannot find C header `" + r.header + "` on the include path (add a folder with -I)");
      else
        diags_.Report(DiagKind::CHeaderError, r.where, "in C header `" + r.header + "`: " + message);
    } else {
      SourceLoc at = Register(file, offset);
      auto& diag = diags_.Report(DiagKind::CHeaderError, {at, 1}, message);
      if (!at.Valid()) diag.message = path + ":" + std::to_string(line) + ": " + message;
      uint32_t request = file_headers_.count(file) ? file_headers_[file] : 0;
      diags_.AddNote(diag, requests_[request].where, "in C header `" + requests_[request].header + "` imported here");
    }
    clang_disposeDiagnostic(d);
  }
  return ok;
}

namespace {
// Parses the requests with libclang and maps them; on success with no diagnostics at all (so
// that a cache hit never has to replay any), stores the result under `cache_dir`.
bool ParseAndMap(const std::vector<ImportRequest>& requests, const ImportOptions& options, frontend::CDecls& out,
                 DiagnosticEngine& diags, const std::string& cache_dir, const std::string& key, CacheStats& stats) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> args = ClangArguments(requests, options);
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::string text = MainFileText(requests);
  CXUnsavedFile main_file{kMainFile, text.c_str(), static_cast<unsigned long>(text.size())};
  CXIndex index = clang_createIndex(/*excludeDeclarationsFromPCH=*/0, /*displayDiagnostics=*/0);
  CXTranslationUnit tu = nullptr;
  unsigned flags = CXTranslationUnit_SkipFunctionBodies | CXTranslationUnit_DetailedPreprocessingRecord |
                   CXTranslationUnit_KeepGoing;
  CXErrorCode err = clang_parseTranslationUnit2(index, kMainFile, argv.data(), int(argv.size()), &main_file, 1,
                                                flags, &tu);
  if (err != CXError_Success || !tu) {
    diags.Report(DiagKind::CHeaderError, requests.front().where,
                 "libclang could not parse the imported C headers (error " + std::to_string(int(err)) + ")");
    clang_disposeIndex(index);
    return false;
  }
  stats.parse_ms = MillisecondsSince(t0);
  auto t1 = std::chrono::steady_clock::now();
  size_t diags_before = diags.All().size();
  Importer importer(tu, requests, options, out, diags);
  importer.AttributeFiles();
  bool ok = importer.ReportClangDiagnostics();
  if (ok) {
    importer.ImportDeclarations();
    importer.ImportMacros();
  }
  stats.map_ms = MillisecondsSince(t1);
  auto t2 = std::chrono::steady_clock::now();
  if (ok && !cache_dir.empty() && diags.All().size() == diags_before)
    stats.written = SaveCachedImport(cache_dir, key, tu, SearchDirs(requests, options), requests, options, out);
  stats.cache_ms = MillisecondsSince(t2);
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(index);
  return ok;
}
}  // namespace

bool ImportHeaders(const std::vector<ImportRequest>& requests, const ImportOptions& options,
                   frontend::CDecls& out, DiagnosticEngine& diags) {
  if (requests.empty()) return true;
  CacheStats local;
  CacheStats& stats = options.stats ? *options.stats : local;
  stats = CacheStats{};
  for (const ImportRequest& r : requests) out.headers.push_back(r.header);
  std::string cache_dir = CacheDirectory(options);
  std::string key;
  if (cache_dir.empty()) {
    stats.miss_reason = "off";
  } else {
    auto t0 = std::chrono::steady_clock::now();
    key = CacheKeyText(requests, ClangArguments(requests, options), SearchDirs(requests, options));
    stats.hit = LoadCachedImport(cache_dir, key, requests, options, out, stats);
    stats.cache_ms = MillisecondsSince(t0);
    if (stats.hit) {
      PrintTimes(stats);
      return true;
    }
  }
  bool ok = ParseAndMap(requests, options, out, diags, cache_dir, key, stats);
  PrintTimes(stats);
  return ok;
}

}  // namespace thrustc::cimport
