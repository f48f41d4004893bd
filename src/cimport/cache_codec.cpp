// importC cache: frontend::CDecls to bytes and back (the payload of a cache entry, cache.cpp).
// Decoding checks every count against the bytes left and every index against its table, because
// the checker indexes CDecls without checks and a cache file is only as good as the disk.
#include "cimport/cache_codec.h"

#include <unordered_map>

namespace thrustc::cimport {

using frontend::CType;

uint64_t HashBytes(const void* data, size_t size, uint64_t seed) {
  // FNV-1a over 8-byte words (then the tail): fast enough to hash a header set in well under a
  // millisecond, and only used to notice changes, not against an adversary.
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = seed;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h ^ size;
}

namespace {
constexpr uint32_t kNone = UINT32_MAX;

class Encoder {
 public:
  Encoder(const SourceManager* sources, LocationFiles& files, ByteWriter& w) : sources_(sources), files_(files), w_(w) {}

  void Location(const frontend::CLocation& loc) {
    w_.Put(loc.file.empty() ? kNone : PathIndex(loc.file));
    w_.Put(loc.line);
    w_.Put(loc.col);
    bool has_src = loc.src.Valid() && sources_ && loc.src.file < sources_->FileCount();
    w_.Put(has_src ? PathIndex(sources_->File(loc.src.file).path) : kNone);
    w_.Put(loc.src.offset);
    w_.Put(loc.header);
  }
  void Indices(const std::vector<uint32_t>& v) {
    w_.Put(uint32_t(v.size()));
    for (uint32_t x : v) w_.Put(x);
  }
  void Type(const CType& t) {
    w_.Put(uint8_t(t.kind));
    w_.Put(t.bits);
    w_.Put(uint8_t(t.is_signed | t.is_const << 1 | t.is_size << 2 | t.variadic << 3));
    w_.Put(t.elem);
    w_.Put(t.length);
    w_.Put(t.record);
    w_.Put(t.ret);
    Indices(t.params);
  }
  void Record(const frontend::CRecord& r) {
    w_.PutString(r.name);
    w_.Put(uint8_t(r.opaque | r.packed << 1));
    w_.PutString(r.opaque_reason);
    w_.Put(uint32_t(r.fields.size()));
    for (const auto& f : r.fields) {
      w_.PutString(f.name);
      w_.Put(f.type);
      w_.Put(f.offset);
    }
    w_.Put(r.size);
    w_.Put(r.align);
    Location(r.loc);
  }
  void Function(const frontend::CFunction& f) {
    w_.PutString(f.name);
    Indices(f.params);
    w_.Put(f.ret);
    w_.Put(uint8_t(f.variadic));
    w_.PutString(f.skip_reason);
    Location(f.loc);
  }
  void Constant(const frontend::CConstant& k) {
    w_.PutString(k.name);
    w_.Put(uint8_t(k.kind));
    w_.Put(k.type);
    w_.Put(k.int_value);
    w_.Put(k.float_value);
    w_.PutString(k.string_value);
    Location(k.loc);
  }

 private:
  uint32_t PathIndex(const std::string& path) {
    auto [it, fresh] = index_.emplace(path, uint32_t(files_.paths.size()));
    if (fresh) files_.paths.push_back(path);
    return it->second;
  }
  const SourceManager* sources_;
  LocationFiles& files_;
  ByteWriter& w_;
  std::unordered_map<std::string, uint32_t> index_;
};

class Decoder {
 public:
  Decoder(ByteReader& r, const std::vector<std::string>& paths, const std::vector<FileId>& ids,
          const std::vector<uint32_t>& sizes, uint32_t header_count)
      : r_(r), paths_(paths), ids_(ids), sizes_(sizes), header_count_(header_count) {}

  bool Decode(frontend::CDecls& out) {
    out.types.resize(r_.GetCount(20));
    for (CType& t : out.types) Type(t);
    out.records.resize(r_.GetCount(40));
    for (auto& rec : out.records) Record(rec);
    out.functions.resize(r_.GetCount(30));
    for (auto& f : out.functions) Function(f);
    out.constants.resize(r_.GetCount(40));
    for (auto& k : out.constants) Constant(k);
    out.typedefs.resize(r_.GetCount(30));
    for (auto& t : out.typedefs) {
      t.name = r_.GetString();
      t.type = r_.Get<uint32_t>();
      Location(t.loc);
    }
    out.skipped.resize(r_.GetCount(30));
    for (auto& s : out.skipped) {
      s.name = r_.GetString();
      s.reason = r_.GetString();
      Location(s.loc);
    }
    return r_.Ok() && r_.AtEnd() && Check(out);
  }

 private:
  void Location(frontend::CLocation& loc) {
    uint32_t file = r_.Get<uint32_t>();
    loc.line = r_.Get<uint32_t>();
    loc.col = r_.Get<uint32_t>();
    uint32_t src = r_.Get<uint32_t>();
    uint32_t offset = r_.Get<uint32_t>();
    loc.header = r_.Get<uint32_t>();
    ok_ &= loc.header < header_count_ && (file == kNone || file < paths_.size()) && (src == kNone || src < paths_.size());
    if (!ok_ || !r_.Ok()) return;
    if (file != kNone) loc.file = paths_[file];
    // A header that could not be registered again only loses its source line in notes.
    if (src != kNone && ids_[src] != UINT32_MAX) {
      ok_ &= offset <= sizes_[src];
      loc.src = {ids_[src], offset};
    }
  }
  void Indices(std::vector<uint32_t>& v) {
    v.resize(r_.GetCount(4));
    for (uint32_t& x : v) x = r_.Get<uint32_t>();
  }
  void Type(CType& t) {
    uint8_t kind = r_.Get<uint8_t>();
    ok_ &= kind <= uint8_t(CType::Kind::Opaque);
    t.kind = CType::Kind(kind);
    t.bits = r_.Get<uint8_t>();
    uint8_t flags = r_.Get<uint8_t>();
    t.is_signed = flags & 1, t.is_const = flags & 2, t.is_size = flags & 4, t.variadic = flags & 8;
    t.elem = r_.Get<uint32_t>();
    t.length = r_.Get<uint64_t>();
    t.record = r_.Get<uint32_t>();
    t.ret = r_.Get<uint32_t>();
    Indices(t.params);
  }
  void Record(frontend::CRecord& rec) {
    rec.name = r_.GetString();
    uint8_t flags = r_.Get<uint8_t>();
    rec.opaque = flags & 1, rec.packed = flags & 2;
    rec.opaque_reason = r_.GetString();
    rec.fields.resize(r_.GetCount(16));
    for (auto& f : rec.fields) {
      f.name = r_.GetString();
      f.type = r_.Get<uint32_t>();
      f.offset = r_.Get<uint64_t>();
    }
    rec.size = r_.Get<uint64_t>();
    rec.align = r_.Get<uint64_t>();
    Location(rec.loc);
  }
  void Function(frontend::CFunction& f) {
    f.name = r_.GetString();
    Indices(f.params);
    f.ret = r_.Get<uint32_t>();
    f.variadic = r_.Get<uint8_t>() != 0;
    f.skip_reason = r_.GetString();
    Location(f.loc);
  }
  void Constant(frontend::CConstant& k) {
    k.name = r_.GetString();
    uint8_t kind = r_.Get<uint8_t>();
    ok_ &= kind <= uint8_t(frontend::CConstant::Kind::String);
    k.kind = frontend::CConstant::Kind(kind);
    k.type = r_.Get<uint32_t>();
    k.int_value = r_.Get<int64_t>();
    k.float_value = r_.Get<double>();
    k.string_value = r_.GetString();
    Location(k.loc);
  }

  // Every cross-reference in range (UINT32_MAX is "none" wherever the importer may leave it so).
  bool Check(const frontend::CDecls& d) const {
    size_t nt = d.types.size(), nr = d.records.size();
    auto type_ok = [&](uint32_t t) { return t == kNone || t < nt; };
    bool ok = ok_;
    for (const CType& t : d.types) {
      ok &= type_ok(t.elem) && type_ok(t.ret);
      for (uint32_t p : t.params) ok &= type_ok(p);
      bool has_record = t.kind == CType::Kind::Struct || t.kind == CType::Kind::Opaque;
      ok &= has_record ? t.record < nr : t.record == kNone;
    }
    for (const auto& r : d.records)
      for (const auto& f : r.fields) ok &= f.type < nt;
    for (const auto& f : d.functions) {
      ok &= type_ok(f.ret);
      for (uint32_t p : f.params) ok &= type_ok(p);
    }
    for (const auto& k : d.constants) ok &= type_ok(k.type);
    for (const auto& t : d.typedefs) ok &= t.type < nt;
    return ok;
  }

  ByteReader& r_;
  const std::vector<std::string>& paths_;
  const std::vector<FileId>& ids_;
  const std::vector<uint32_t>& sizes_;
  uint32_t header_count_;
  bool ok_ = true;
};
}  // namespace

void EncodeDecls(const frontend::CDecls& d, const SourceManager* sources, LocationFiles& files, ByteWriter& w) {
  Encoder e(sources, files, w);
  w.Put(uint32_t(d.types.size()));
  for (const CType& t : d.types) e.Type(t);
  w.Put(uint32_t(d.records.size()));
  for (const auto& r : d.records) e.Record(r);
  w.Put(uint32_t(d.functions.size()));
  for (const auto& f : d.functions) e.Function(f);
  w.Put(uint32_t(d.constants.size()));
  for (const auto& k : d.constants) e.Constant(k);
  w.Put(uint32_t(d.typedefs.size()));
  for (const auto& t : d.typedefs) {
    w.PutString(t.name);
    w.Put(t.type);
    e.Location(t.loc);
  }
  w.Put(uint32_t(d.skipped.size()));
  for (const auto& s : d.skipped) {
    w.PutString(s.name);
    w.PutString(s.reason);
    e.Location(s.loc);
  }
}

bool DecodeDecls(ByteReader& r, const std::vector<std::string>& paths, const std::vector<FileId>& file_ids,
                 const std::vector<uint32_t>& file_sizes, uint32_t header_count, frontend::CDecls& out) {
  return Decoder(r, paths, file_ids, file_sizes, header_count).Decode(out);
}

}  // namespace thrustc::cimport
