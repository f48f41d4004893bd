// The binary form of serialize.h: little-endian host words (both ends are one binary), counts
// before vectors, fields in declaration order.
#include "ir/serialize.h"

#include <cstring>

namespace thrustc::ir {

void ByteWriter::Raw(const void* data, size_t size) {
  auto* p = static_cast<const uint8_t*>(data);
  bytes_.insert(bytes_.end(), p, p + size);
}

void ByteWriter::Str(const std::string& s) {
  U32(uint32_t(s.size()));
  Raw(s.data(), s.size());
}

void ByteWriter::Abi(const AbiType& t) {
  U8(uint8_t(t.scalar));
  U32(t.agg);
}

void ByteWriter::Sig(const Signature& s) {
  U32(uint32_t(s.params.size()));
  for (const AbiType& p : s.params) Abi(p);
  Abi(s.ret);
  U8(s.variadic);
}

void ByteWriter::Loc(SourceLoc l) {
  U32(l.file);
  U32(l.offset);
}

void ByteWriter::Agg(const AggType& a) {
  Str(a.name);
  U32(a.size);
  U32(a.align);
  U32(uint32_t(a.leaves.size()));
  for (const AggType::Leaf& l : a.leaves) {
    U8(uint8_t(l.type));
    U32(l.offset);
  }
}

void ByteWriter::Fn(const Function& f) {
  Str(f.name);
  Sig(f.sig);
  U8(uint8_t(f.linkage));
  U8(f.compiletime);
  U32(uint32_t(f.params.size()));
  Raw(f.params.data(), f.params.size() * sizeof(Reg));
  U32(uint32_t(f.reg_types.size()));
  Raw(f.reg_types.data(), f.reg_types.size() * sizeof(Type));
  U32(uint32_t(f.slots.size()));
  for (const Slot& s : f.slots) {
    U32(s.size);
    U32(s.align);
    Str(s.name);
  }
  U32(uint32_t(f.blocks.size()));
  for (const Block& b : f.blocks) {
    Str(b.name);
    U32(uint32_t(b.insts.size()));
    Raw(b.insts.data(), b.insts.size() * sizeof(Inst));  // 32 bytes of plain data each
  }
  U32(uint32_t(f.calls.size()));
  for (const CallInfo& c : f.calls) {
    U32(uint32_t(c.args.size()));
    Raw(c.args.data(), c.args.size() * sizeof(Reg));
    U32(uint32_t(c.arg_types.size()));
    for (const AbiType& t : c.arg_types) Abi(t);
    Abi(c.ret);
    U8(c.variadic);
    U32(c.fixed_count);
    U32(c.ret_dest);
  }
  Loc(f.loc);
  U32(f.loc_file);
}

void ByteWriter::Gl(const Global& g) {
  Str(g.name);
  U32(g.size);
  U32(g.align);
  U32(uint32_t(g.bytes.size()));
  Raw(g.bytes.data(), g.bytes.size());
  U32(uint32_t(g.relocs.size()));
  for (const Reloc& r : g.relocs) {
    U32(r.offset);
    U8(r.to_function);
    U32(r.target);
    U64(uint64_t(r.addend));
  }
  U8(g.is_mutable);
  U8(uint8_t(g.linkage));
}

bool ByteReader::Raw(void* out, size_t size) {
  if (failed_ || size_t(end_ - p_) < size) {
    failed_ = true;
    if (size) std::memset(out, 0, size);
    return false;
  }
  if (size) std::memcpy(out, p_, size);
  p_ += size;
  return true;
}

uint8_t ByteReader::U8() {
  uint8_t v;
  Raw(&v, sizeof v);
  return v;
}

uint32_t ByteReader::U32() {
  uint32_t v;
  Raw(&v, sizeof v);
  return v;
}

uint64_t ByteReader::U64() {
  uint64_t v;
  Raw(&v, sizeof v);
  return v;
}

uint32_t ByteReader::Count(size_t min_bytes) {
  uint32_t n = U32();
  if (failed_ || (min_bytes && n > size_t(end_ - p_) / min_bytes)) {
    failed_ = true;
    return 0;
  }
  return n;
}

std::string ByteReader::Str() {
  std::string s(Count(1), '\0');
  Raw(s.data(), s.size());
  return s;
}

AbiType ByteReader::Abi() {
  AbiType t;
  t.scalar = Type(U8());
  t.agg = U32();
  return t;
}

Signature ByteReader::Sig() {
  Signature s;
  s.params.resize(Count(5));
  for (AbiType& p : s.params) p = Abi();
  s.ret = Abi();
  s.variadic = U8();
  return s;
}

SourceLoc ByteReader::Loc() {
  SourceLoc l;
  l.file = U32();
  l.offset = U32();
  return l;
}

AggType ByteReader::Agg() {
  AggType a;
  a.name = Str();
  a.size = U32();
  a.align = U32();
  a.leaves.resize(Count(5));
  for (AggType::Leaf& l : a.leaves) {
    l.type = Type(U8());
    l.offset = U32();
  }
  return a;
}

Function ByteReader::Fn() {
  Function f;
  f.name = Str();
  f.sig = Sig();
  f.linkage = Linkage(U8());
  f.compiletime = U8();
  f.params.resize(Count(sizeof(Reg)));
  Raw(f.params.data(), f.params.size() * sizeof(Reg));
  f.reg_types.resize(Count(sizeof(Type)));
  Raw(f.reg_types.data(), f.reg_types.size() * sizeof(Type));
  f.slots.resize(Count(12));
  for (Slot& s : f.slots) {
    s.size = U32();
    s.align = U32();
    s.name = Str();
  }
  f.blocks.resize(Count(8));
  for (Block& b : f.blocks) {
    b.name = Str();
    b.insts.resize(Count(sizeof(Inst)));
    Raw(b.insts.data(), b.insts.size() * sizeof(Inst));
  }
  f.calls.resize(Count(22));
  for (CallInfo& c : f.calls) {
    c.args.resize(Count(sizeof(Reg)));
    Raw(c.args.data(), c.args.size() * sizeof(Reg));
    c.arg_types.resize(Count(5));
    for (AbiType& t : c.arg_types) t = Abi();
    c.ret = Abi();
    c.variadic = U8();
    c.fixed_count = U32();
    c.ret_dest = U32();
  }
  f.loc = Loc();
  f.loc_file = U32();
  return f;
}

Global ByteReader::Gl() {
  Global g;
  g.name = Str();
  g.size = U32();
  g.align = U32();
  g.bytes.resize(Count(1));
  Raw(g.bytes.data(), g.bytes.size());
  g.relocs.resize(Count(17));
  for (Reloc& r : g.relocs) {
    r.offset = U32();
    r.to_function = U8();
    r.target = U32();
    r.addend = int64_t(U64());
  }
  g.is_mutable = U8();
  g.linkage = Linkage(U8());
  return g;
}

}  // namespace thrustc::ir
