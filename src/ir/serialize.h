// A compact binary form of IR pieces (aggregate types, functions, globals), for sending a module
// to another process (the compile-time worker of -ct-isolation process). Every field is kept,
// source locations included, so a piece read back is equal to the one written. Not a file
// format: both ends are the same thrustc binary.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace thrustc::ir {

class ByteWriter {
 public:
  void U8(uint8_t v) { bytes_.push_back(v); }
  void U32(uint32_t v) { Raw(&v, sizeof v); }
  void U64(uint64_t v) { Raw(&v, sizeof v); }
  void Str(const std::string& s);
  void Raw(const void* data, size_t size);
  void Agg(const AggType& a);
  void Fn(const Function& f);
  void Gl(const Global& g);
  std::vector<uint8_t>& Bytes() { return bytes_; }

 private:
  void Abi(const AbiType& t);
  void Sig(const Signature& s);
  void Loc(SourceLoc l);
  std::vector<uint8_t> bytes_;
};

// Reads what a ByteWriter wrote; every read past the end (a truncated or foreign message) sets
// Failed() and yields zeros instead of reading out of bounds.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  uint8_t U8();
  uint32_t U32();
  uint64_t U64();
  std::string Str();
  bool Raw(void* out, size_t size);
  AggType Agg();
  Function Fn();
  Global Gl();
  bool Failed() const { return failed_; }
  bool AtEnd() const { return p_ == end_; }

 private:
  AbiType Abi();
  Signature Sig();
  SourceLoc Loc();
  // A count that cannot exceed what is left when every element takes at least `min_bytes`.
  uint32_t Count(size_t min_bytes);
  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
};

}  // namespace thrustc::ir
