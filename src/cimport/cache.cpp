// importC cache: finds, validates, loads and atomically writes cache entries (format in
// cache_codec.h). An entry holds its full key text, the stat and content hash of every file the
// translation unit included, which -iquote/-I candidates for each request existed, and the CDecls.
// Nothing in an entry is trusted before its length, checksum, key and every file check out.
#include "cimport/cache.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unordered_map>

#include "cimport/cache_codec.h"
#include "cimport/importer.h"

namespace thrustc::cimport {

namespace {
constexpr char kMagic[8] = {'T', 'H', 'R', 'C', 'I', 'M', 'P', '\n'};
// Bump when the entry layout or the meaning of anything mapped changes.
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = sizeof(kMagic) + 4 + 4 + 8 + 8;
// A file modified this close to the save may share its mtime with a later edit: always re-hash it.
constexpr int64_t kRacyNanoseconds = 2'000'000'000;

struct FileStat {
  bool exists = false;
  uint64_t size = 0, inode = 0, device = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStat&) const = default;
};

FileStat StatFile(const std::string& path) {
  struct stat st;
  FileStat s;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return s;
  s.exists = true;
  s.size = uint64_t(st.st_size), s.inode = uint64_t(st.st_ino), s.device = uint64_t(st.st_dev);
  s.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return s;
}

bool ReadWholeFile(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) {
    out.resize(size_t(st.st_size));
    size_t got = 0;
    while (ok && got < out.size()) {
      ssize_t n = ::read(fd, out.data() + got, out.size() - got);
      if (n <= 0) ok = false;
      else got += size_t(n);
    }
  }
  ::close(fd);
  return ok;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string EntryPath(const std::string& dir, const std::string& key) {
  return dir + "/cimport-" + Hex(HashBytes(key.data(), key.size())) + ".bin";
}

// For each request that names a header relative to the search path, the -iquote/-I candidates:
// a header appearing in an earlier folder would shadow the one the entry was built from.
std::vector<std::string> ProbePaths(const std::vector<ImportRequest>& requests, const std::vector<std::string>& dirs) {
  std::vector<std::string> probes;
  for (const ImportRequest& r : requests) {
    if (!r.header.empty() && r.header[0] == '/') continue;
    for (const std::string& d : dirs) probes.push_back(d + "/" + r.header);
  }
  return probes;
}

// The file holding this code (thrustc, or the importC plugin when it is one): rebuilding it may
// change the mapping, so its identity is part of the key.
std::string MapperIdentity() {
  Dl_info info{};
  std::string path;
  if (::dladdr(reinterpret_cast<void*>(&MapperIdentity), &info) && info.dli_fname) path = info.dli_fname;
  std::error_code ec;
  if (path.empty() || path.find('/') == std::string::npos)
    path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  FileStat s = StatFile(path);
  return path + " " + std::to_string(s.size) + " " + std::to_string(s.mtime_ns);
}
}  // namespace

std::string CacheKeyText(const std::vector<ImportRequest>& requests, const std::vector<std::string>& clang_args,
                         const std::vector<std::string>& search_dirs) {
  std::string key = "thrustc importC cache " + std::to_string(kFormatVersion) + "\n";
  key += "mapper " + MapperIdentity() + "\n";
  key += "libclang " + TakeString(clang_getClangVersion()) + "\n";
  for (const std::string& a : clang_args) key += "arg " + a + "\n";
  bool relative = false;
  for (const std::string& d : search_dirs) relative |= d.empty() || d[0] != '/';
  for (const char* var : {"CPATH", "C_INCLUDE_PATH"})
    if (const char* v = std::getenv(var)) key += std::string("env ") + var + "=" + v + "\n";
  if (relative) {  // relative folders (and the file names clang reports) depend on the cwd
    std::error_code ec;
    key += "cwd " + std::filesystem::current_path(ec).string() + "\n";
  }
  for (const ImportRequest& r : requests) key += "request " + r.header + "\n";
  return key;
}

std::string CacheDirectory(const ImportOptions& options) {
  if (!options.use_cache) return "";
  if (const char* off = std::getenv("THRUSTC_NO_CACHE"); off && *off && std::string(off) != "0") return "";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') return std::string(xdg) + "/thrustc";
  if (const char* home = std::getenv("HOME"); home && home[0] == '/') return std::string(home) + "/.cache/thrustc";
  return "";
}

namespace {
// The entry's files, probes and location table, checked against the disk. On success `contents`
// holds whatever had to be read (reused when registering headers).
class EntryValidator {
 public:
  EntryValidator(ByteReader& r, CacheStats& stats) : r_(r), stats_(stats) {}

  bool CheckIncludedFiles() {
    uint32_t n = r_.GetCount(33);
    for (uint32_t i = 0; i < n && r_.Ok(); ++i) {
      std::string path = r_.GetString();
      FileStat want;
      want.exists = true;
      want.size = r_.Get<uint64_t>(), want.inode = r_.Get<uint64_t>(), want.device = r_.Get<uint64_t>();
      want.mtime_ns = r_.Get<int64_t>();
      uint64_t hash = r_.Get<uint64_t>();
      bool racy = r_.Get<uint8_t>() != 0;
      if (!r_.Ok()) return false;
      ++stats_.files_checked;
      FileStat now = StatFile(path);
      if (now == want && !racy) continue;
      // Touched (or too recent to trust its mtime): the contents decide.
      std::string& text = contents_[path];
      if (!now.exists || now.size != want.size || !ReadWholeFile(path, text) ||
          HashBytes(text.data(), text.size()) != hash) {
        stats_.miss_reason = "header changed: " + path;
        return false;
      }
    }
    return r_.Ok();
  }

  bool CheckProbes() {
    uint32_t n = r_.GetCount(5);
    for (uint32_t i = 0; i < n && r_.Ok(); ++i) {
      std::string path = r_.GetString();
      bool existed = r_.Get<uint8_t>() != 0;
      if (r_.Ok() && StatFile(path).exists != existed) {
        stats_.miss_reason = "include path changed: " + path;
        return false;
      }
    }
    return r_.Ok();
  }

  // Registers every header a location points into; a header already known is reused.
  bool RegisterFiles(SourceManager* sources, std::vector<std::string>& paths, std::vector<FileId>& ids,
                     std::vector<uint32_t>& sizes) {
    uint32_t n = r_.GetCount(4);
    for (uint32_t i = 0; i < n && r_.Ok(); ++i) paths.push_back(r_.GetString());
    ids.assign(paths.size(), UINT32_MAX);
    sizes.assign(paths.size(), 0);
    if (!r_.Ok() || !sources) return r_.Ok();
    for (size_t i = 0; i < paths.size(); ++i) {
      for (FileId f = 0; f < sources->FileCount() && ids[i] == UINT32_MAX; ++f)
        if (sources->File(f).path == paths[i]) ids[i] = f;
      if (ids[i] == UINT32_MAX) {
        auto it = contents_.find(paths[i]);
        std::string text;
        if (it != contents_.end()) text = std::move(it->second);
        else if (!ReadWholeFile(paths[i], text)) continue;
        ids[i] = sources->AddBuffer(paths[i], std::move(text));
      }
      sizes[i] = uint32_t(sources->File(ids[i]).text.size());
    }
    return true;
  }

 private:
  ByteReader& r_;
  CacheStats& stats_;
  std::unordered_map<std::string, std::string> contents_;
};
}  // namespace

bool LoadCachedImport(const std::string& dir, const std::string& key, const std::vector<ImportRequest>& requests,
                      const ImportOptions& options, frontend::CDecls& out, CacheStats& stats) {
  std::string bytes;
  if (!ReadWholeFile(EntryPath(dir, key), bytes)) {
    stats.miss_reason = "no entry";
    return false;
  }
  ByteReader header(bytes.data(), bytes.size());
  char magic[sizeof kMagic];
  for (char& c : magic) c = header.Get<char>();
  uint32_t version = header.Get<uint32_t>();
  header.Get<uint32_t>();
  uint64_t size = header.Get<uint64_t>();
  uint64_t hash = header.Get<uint64_t>();
  const char* payload = bytes.data() + std::min(bytes.size(), kHeaderSize);
  if (!header.Ok() || std::memcmp(magic, kMagic, sizeof kMagic) != 0 || version != kFormatVersion ||
      size != bytes.size() - kHeaderSize || HashBytes(payload, size) != hash) {
    stats.miss_reason = "corrupt entry";
    return false;
  }
  ByteReader r(payload, size);
  if (r.GetString() != key) {
    stats.miss_reason = "different key";
    return false;
  }
  EntryValidator check(r, stats);
  if (!check.CheckIncludedFiles() || !check.CheckProbes()) {
    if (stats.miss_reason.empty()) stats.miss_reason = "corrupt entry";
    return false;
  }
  std::vector<std::string> paths;
  std::vector<FileId> ids;
  std::vector<uint32_t> sizes;
  frontend::CDecls decls;
  if (!check.RegisterFiles(options.sources, paths, ids, sizes) ||
      !DecodeDecls(r, paths, ids, sizes, uint32_t(requests.size()), decls)) {
    stats.miss_reason = "corrupt entry";
    return false;
  }
  decls.headers = std::move(out.headers);
  out = std::move(decls);
  return true;
}

namespace {
struct Included {
  std::string path;
  FileStat stat;
  uint64_t hash = 0;
};

// Every file the translation unit included, with the hash of the text clang parsed. False when a
// file on disk no longer holds that text (edited during the parse): such an entry would lie.
bool CollectIncluded(CXTranslationUnit tu, std::vector<Included>& out) {
  std::vector<CXFile> files;
  clang_getInclusions(
      tu, [](CXFile f, CXSourceLocation*, unsigned, CXClientData d) { static_cast<std::vector<CXFile>*>(d)->push_back(f); },
      &files);
  std::unordered_map<std::string, bool> seen;
  for (CXFile f : files) {
    std::string path = TakeString(clang_getFileName(f));
    if (path == kMainFile || !seen.emplace(path, true).second) continue;
    size_t size = 0;
    const char* text = clang_getFileContents(tu, f, &size);
    Included inc{path, StatFile(path), text ? HashBytes(text, size) : 0};
    std::string disk;
    if (!text || !inc.stat.exists || !ReadWholeFile(path, disk) || HashBytes(disk.data(), disk.size()) != inc.hash)
      return false;
    out.push_back(std::move(inc));
  }
  return true;
}

bool WriteAtomically(const std::string& dir, const std::string& path, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok &= std::fclose(f) == 0;
  // rename() replaces the old entry in one step: a concurrent reader sees the old or the new file.
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}
}  // namespace

bool SaveCachedImport(const std::string& dir, const std::string& key, CXTranslationUnit tu,
                      const std::vector<std::string>& search_dirs, const std::vector<ImportRequest>& requests,
                      const ImportOptions& options, const frontend::CDecls& decls) {
  std::vector<Included> included;
  if (!CollectIncluded(tu, included)) return false;
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  ByteWriter w;
  w.PutString(key);
  w.Put(uint32_t(included.size()));
  for (const Included& inc : included) {
    w.PutString(inc.path);
    w.Put(inc.stat.size), w.Put(inc.stat.inode), w.Put(inc.stat.device), w.Put(inc.stat.mtime_ns);
    w.Put(inc.hash);
    w.Put(uint8_t(now - inc.stat.mtime_ns < kRacyNanoseconds));
  }
  std::vector<std::string> probes = ProbePaths(requests, search_dirs);
  w.Put(uint32_t(probes.size()));
  for (const std::string& p : probes) {
    w.PutString(p);
    w.Put(uint8_t(StatFile(p).exists));
  }
  LocationFiles files;
  ByteWriter body;
  EncodeDecls(decls, options.sources, files, body);
  w.Put(uint32_t(files.paths.size()));
  for (const std::string& p : files.paths) w.PutString(p);
  w.Bytes() += body.Bytes();

  ByteWriter entry;
  entry.Bytes().append(kMagic, sizeof kMagic);
  entry.Put(kFormatVersion);
  entry.Put(uint32_t(0));
  entry.Put(uint64_t(w.Bytes().size()));
  entry.Put(HashBytes(w.Bytes().data(), w.Bytes().size()));
  entry.Bytes() += w.Bytes();
  return WriteAtomically(dir, EntryPath(dir, key), entry.Bytes());
}

}  // namespace thrustc::cimport
