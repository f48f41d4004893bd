// Source buffers and locations. Every later phase refers to source text through a SourceLoc
// (file id + byte offset); line and column are computed only when a diagnostic is printed.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace thrustc {

using FileId = uint32_t;

struct SourceLoc {
  FileId file = UINT32_MAX;
  uint32_t offset = 0;
  bool Valid() const { return file != UINT32_MAX; }
  friend bool operator==(SourceLoc, SourceLoc) = default;
};

// A half-open byte range in one file, for carets with `~~~` underlines.
struct SourceRange {
  SourceLoc begin;
  uint32_t length = 1;
};

struct SourceFile {
  std::string path;
  std::string text;
  std::vector<uint32_t> line_starts;  // computed on first use
};

struct LineCol {
  uint32_t line = 0;  // 1-based
  uint32_t col = 0;   // 1-based, in bytes
};

class SourceManager {
 public:
  // Reads a file; returns an empty optional-like result (UINT32_MAX) with `error` set on failure.
  FileId Load(const std::string& path, std::string* error);
  FileId AddBuffer(std::string path, std::string text);
  const SourceFile& File(FileId id) const { return *files_[id]; }
  size_t FileCount() const { return files_.size(); }
  LineCol Position(SourceLoc loc) const;
  std::string_view LineText(SourceLoc loc) const;  // the whole line holding loc, without '\n'

 private:
  void ComputeLines(SourceFile& f) const;
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace thrustc
