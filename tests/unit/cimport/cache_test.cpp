// Unit tests of the importC cache: a second import of the same headers comes from the cache with
// the same declarations; an edited header, a shadowing header, other flags, a damaged entry or
// THRUSTC_NO_CACHE make it parse again. Works on a project-owned header in a temp dir, with
// XDG_CACHE_HOME pointed at that dir so the user's real cache is never read or written.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cimport/cimport.h"

using namespace thrustc;
using namespace thrustc::frontend;
namespace fs = std::filesystem;

namespace {
// Every importC test in this binary (import_test.cpp too) runs with a cache of its own in a temp
// dir, whatever the environment says: a test must never read or write the user's cache.
struct ProcessCache {
  fs::path dir = fs::temp_directory_path() / ("thrustc-cimport-tests-" + std::to_string(::getpid()));
  ProcessCache() { ::setenv("XDG_CACHE_HOME", dir.c_str(), 1); }
  ~ProcessCache() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};
const ProcessCache kProcessCache;

// A temp dir holding include/ and cache/, the cache dir active while it lives.
struct CacheSandbox {
  fs::path root;
  std::string old_xdg;
  bool had_xdg = false;
  CacheSandbox() {
    root = fs::temp_directory_path() / ("thrustc-cimport-cache-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "include");
    fs::create_directories(root / "early");
    if (const char* x = std::getenv("XDG_CACHE_HOME")) had_xdg = true, old_xdg = x;
    ::setenv("XDG_CACHE_HOME", (root / "cache").c_str(), 1);
    ::unsetenv("THRUSTC_NO_CACHE");
  }
  ~CacheSandbox() {
    if (had_xdg) ::setenv("XDG_CACHE_HOME", old_xdg.c_str(), 1);
    else ::unsetenv("XDG_CACHE_HOME");
    fs::remove_all(root);
  }
  void Write(const std::string& rel, const std::string& text) const { std::ofstream(root / rel) << text; }
  std::vector<fs::path> Entries() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(root / "cache" / "thrustc")) out.push_back(e.path());
    return out;
  }
};

std::string Header(int value) {
  std::ostringstream s;
  s << "#ifndef CACHED_H\n#define CACHED_H\n"
    << "struct pair { int a; double b; };\n"
    << "#define CACHED_VALUE " << value << "\n"
    << "int cached_add(int x, int y);\n"
    << "typedef struct pair pair_t;\n#endif\n";
  return s.str();
}

struct Import {
  SourceManager sources;
  DiagnosticEngine diags{sources};
  CDecls decls;
  cimport::CacheStats stats;
  bool ok = false;
  Import(const CacheSandbox& box, std::vector<std::string> defines = {}, bool use_cache = true,
         std::vector<std::string> dirs = {}) {
    if (dirs.empty()) dirs = {(box.root / "include").string()};
    cimport::ImportOptions options{dirs, std::move(defines), &sources, use_cache, &stats};
    ok = cimport::ImportHeaders({{"cached.h", {}}}, options, decls, diags);
  }
  const CConstant* Constant(const std::string& name) const {
    for (const CConstant& k : decls.constants)
      if (k.name == name) return &k;
    return nullptr;
  }
  int64_t Value() const { return Constant("CACHED_VALUE") ? Constant("CACHED_VALUE")->int_value : -1; }
};
}  // namespace

TEST_CASE("the second import comes from the cache, with the same declarations") {
  CacheSandbox box;
  box.Write("include/cached.h", Header(1));
  Import first(box);
  REQUIRE(first.ok);
  CHECK(!first.stats.hit);
  CHECK(first.stats.miss_reason == "no entry");
  CHECK(first.stats.written);
  CHECK(box.Entries().size() == 1);
  Import second(box);
  REQUIRE(second.ok);
  CHECK(second.stats.hit);
  CHECK(second.stats.files_checked >= 1);
  CHECK(second.Value() == 1);
  REQUIRE(second.decls.functions.size() == first.decls.functions.size());
  REQUIRE(second.decls.records.size() == first.decls.records.size());
  CHECK(second.decls.types.size() == first.decls.types.size());
  CHECK(second.decls.constants.size() == first.decls.constants.size());
  CHECK(second.decls.headers == std::vector<std::string>{"cached.h"});
  const CFunction* add = nullptr;
  for (const CFunction& f : second.decls.functions) add = f.name == "cached_add" ? &f : add;
  REQUIRE(add);
  CHECK(add->params.size() == 2);
  CHECK(add->loc.line == 5);
  // Locations still point into the header's text for notes.
  REQUIRE(add->loc.src.Valid());
  CHECK(second.sources.LineText(add->loc.src) == "int cached_add(int x, int y);");
  const CRecord& pair = second.decls.records.at(0);
  CHECK(pair.name == "pair");
  CHECK(pair.size == 16);
  REQUIRE(pair.fields.size() == 2);
  CHECK(pair.fields[1].offset == 8);
  CHECK(second.decls.types.at(pair.fields[1].type).kind == CType::Kind::Float);
}

TEST_CASE("an edited header is parsed again, touching it without a change is not") {
  CacheSandbox box;
  box.Write("include/cached.h", Header(1));
  CHECK(Import(box).Value() == 1);
  fs::last_write_time(box.root / "include/cached.h", fs::file_time_type::clock::now() + std::chrono::seconds(5));
  Import touched(box);
  CHECK(touched.stats.hit);
  box.Write("include/cached.h", Header(2));  // same size, new contents
  Import edited(box);
  CHECK(!edited.stats.hit);
  CHECK(edited.stats.miss_reason.find("header changed") == 0);
  CHECK(edited.Value() == 2);
  Import again(box);
  CHECK(again.stats.hit);
  CHECK(again.Value() == 2);
}

TEST_CASE("a header that would now shadow the imported one is noticed") {
  CacheSandbox box;
  box.Write("include/cached.h", Header(1));
  std::vector<std::string> dirs = {(box.root / "early").string(), (box.root / "include").string()};
  CHECK(Import(box, {}, true, dirs).Value() == 1);
  CHECK(Import(box, {}, true, dirs).stats.hit);
  box.Write("early/cached.h", Header(7));
  Import shadowed(box, {}, true, dirs);
  CHECK(!shadowed.stats.hit);
  CHECK(shadowed.stats.miss_reason.find("include path changed") == 0);
  CHECK(shadowed.Value() == 7);
}

TEST_CASE("flags are part of the key") {
  CacheSandbox box;
  box.Write("include/cached.h", Header(1));
  Import plain(box);
  Import defined(box, {"EXTRA=1"});
  CHECK(!defined.stats.hit);
  CHECK(defined.stats.miss_reason == "no entry");
  CHECK(Import(box).stats.hit);
  CHECK(Import(box, {"EXTRA=1"}).stats.hit);
  CHECK(box.Entries().size() == 2);
}

TEST_CASE("a damaged entry is never trusted") {
  CacheSandbox box;
  box.Write("include/cached.h", Header(3));
  Import warm(box);
  fs::path entry = box.Entries().at(0);
  std::string bytes;
  {
    std::ifstream in(entry, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(bytes.size() > 64);
  SUBCASE("a flipped byte") { bytes[bytes.size() / 2] ^= 0x40; }
  SUBCASE("truncated") { bytes.resize(bytes.size() - 9); }
  SUBCASE("only the header") { bytes.resize(20); }
  std::ofstream(entry, std::ios::binary | std::ios::trunc) << bytes;
  Import damaged(box);
  CHECK(damaged.ok);
  CHECK(!damaged.stats.hit);
  CHECK(damaged.stats.miss_reason == "corrupt entry");
  CHECK(damaged.Value() == 3);
  CHECK(damaged.stats.written);  // replaced by a good entry
  CHECK(Import(box).stats.hit);
}

TEST_CASE("THRUSTC_NO_CACHE and use_cache=false turn the cache off") {
  CacheSandbox box;
  box.Write("include/cached.h", Header(1));
  Import warm(box);
  Import off(box, {}, /*use_cache=*/false);
  CHECK(!off.stats.hit);
  CHECK(off.stats.miss_reason == "off");
  ::setenv("THRUSTC_NO_CACHE", "1", 1);
  Import env_off(box);
  ::unsetenv("THRUSTC_NO_CACHE");
  CHECK(!env_off.stats.hit);
  CHECK(env_off.stats.miss_reason == "off");
  CHECK(env_off.Value() == 1);
}

TEST_CASE("a header with errors is never cached") {
  CacheSandbox box;
  box.Write("include/cached.h", "int broken(;\n");
  Import first(box);
  CHECK(!first.ok);
  CHECK(!first.stats.written);
  Import second(box);
  CHECK(!second.ok);
  CHECK(!second.stats.hit);
  CHECK(!second.diags.All().empty());
}
