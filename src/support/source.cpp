// Source buffers: loading files and mapping byte offsets to lines and columns.
#include "support/source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace thrustc {

FileId SourceManager::Load(const std::string& path, std::string* error) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot open '" + path + "': " + std::strerror(errno);
    return UINT32_MAX;
  }
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) {
    *error = "cannot read '" + path + "'";
    return UINT32_MAX;
  }
  return AddBuffer(path, std::move(text));
}

FileId SourceManager::AddBuffer(std::string path, std::string text) {
  auto f = std::make_unique<SourceFile>();
  f->path = std::move(path);
  f->text = std::move(text);
  files_.push_back(std::move(f));
  return FileId(files_.size() - 1);
}

void SourceManager::ComputeLines(SourceFile& f) const {
  if (!f.line_starts.empty()) return;
  f.line_starts.push_back(0);
  for (uint32_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
}

LineCol SourceManager::Position(SourceLoc loc) const {
  SourceFile& f = *files_[loc.file];
  ComputeLines(f);
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), loc.offset);
  uint32_t line = uint32_t(it - f.line_starts.begin());
  return {line, loc.offset - f.line_starts[line - 1] + 1};
}

std::string_view SourceManager::LineText(SourceLoc loc) const {
  const SourceFile& f = *files_[loc.file];
  LineCol lc = Position(loc);
  uint32_t start = f.line_starts[lc.line - 1];
  uint32_t end = start;
  while (end < f.text.size() && f.text[end] != '\n') ++end;
  std::string_view line(f.text.data() + start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace thrustc
