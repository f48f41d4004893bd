// importC cache: the byte format of a cache entry's payload. ByteWriter/ByteReader are
// little-endian and bounds-checked (a reader that runs off the end just fails), and
// EncodeDecls/DecodeDecls turn frontend::CDecls into bytes and back, with every index checked on
// the way in so a damaged entry can never hand the checker an out-of-range type or record.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "frontend/sema/c_decls.h"

namespace thrustc::cimport {

uint64_t HashBytes(const void* data, size_t size, uint64_t seed = 0xcbf29ce484222325ull);

class ByteWriter {
 public:
  template <typename T>
  void Put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    bytes_.append(b, sizeof(T));
  }
  void PutString(const std::string& s) {
    Put(uint32_t(s.size()));
    bytes_ += s;
  }
  std::string& Bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  ByteReader(const char* data, size_t size) : p_(data), end_(data + size) {}
  template <typename T>
  T Get() {
    T v{};
    if (size_t(end_ - p_) < sizeof(T)) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  std::string GetString() {
    uint32_t n = Get<uint32_t>();
    if (!ok_ || size_t(end_ - p_) < n) {
      ok_ = false;
      return {};
    }
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  // A element count, refused when even `min_bytes` per element cannot fit in what is left.
  uint32_t GetCount(size_t min_bytes) {
    uint32_t n = Get<uint32_t>();
    if (ok_ && uint64_t(n) * min_bytes > uint64_t(end_ - p_)) ok_ = false;
    return ok_ ? n : 0;
  }
  bool Ok() const { return ok_; }
  bool AtEnd() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

// Locations are written with their file as an index into `files` (paths), so each header path is
// stored once; src is re-created on load by registering the file with the SourceManager.
struct LocationFiles {
  std::vector<std::string> paths;  // CLocation::file and the SourceManager path of CLocation::src
};

void EncodeDecls(const frontend::CDecls& decls, const SourceManager* sources, LocationFiles& files, ByteWriter& w);

// `file_ids[i]` is the SourceManager id for files.paths[i] (UINT32_MAX: none). False when the
// bytes are damaged or refer to anything out of range; `out` is then unspecified.
bool DecodeDecls(ByteReader& r, const std::vector<std::string>& paths, const std::vector<FileId>& file_ids,
                 const std::vector<uint32_t>& file_sizes, uint32_t header_count, frontend::CDecls& out);

}  // namespace thrustc::cimport
