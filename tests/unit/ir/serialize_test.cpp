// The binary form of ir/serialize.h: every piece of a module read back equals what was written
// (the printed text and the fields the text form does not show: source locations), and a
// truncated message fails cleanly instead of reading past its end.
#include <doctest/doctest.h>

#include "ir/printer.h"
#include "ir/serialize.h"

namespace thrustc::ir {

Module BuildEveryOpModule();  // round_trip_test.cpp

namespace {

std::vector<uint8_t> WriteAll(const Module& m) {
  ByteWriter w;
  w.U32(uint32_t(m.aggs.size()));
  for (const AggType& a : m.aggs) w.Agg(a);
  w.U32(uint32_t(m.functions.size()));
  for (const Function& f : m.functions) w.Fn(f);
  w.U32(uint32_t(m.globals.size()));
  for (const Global& g : m.globals) w.Gl(g);
  return std::move(w.Bytes());
}

bool ReadAll(const std::vector<uint8_t>& bytes, size_t size, Module& out) {
  ByteReader r(bytes.data(), size);
  for (uint32_t n = r.U32(); n && !r.Failed(); --n) out.aggs.push_back(r.Agg());
  for (uint32_t n = r.U32(); n && !r.Failed(); --n) out.functions.push_back(r.Fn());
  for (uint32_t n = r.U32(); n && !r.Failed(); --n) out.globals.push_back(r.Gl());
  return !r.Failed() && r.AtEnd();
}

Module WithLocations() {
  Module m = BuildEveryOpModule();
  for (Function& f : m.functions) {
    f.loc = SourceLoc{3, 41};
    f.loc_file = 3;
    uint32_t offset = 0;
    for (Block& b : f.blocks)
      for (Inst& i : b.insts) i.loc = offset++;
  }
  return m;
}

}  // namespace

TEST_CASE("a module written and read back prints the same and keeps its source locations") {
  Module m = WithLocations();
  REQUIRE(!m.functions.empty());
  std::vector<uint8_t> bytes = WriteAll(m);
  Module back;
  REQUIRE(ReadAll(bytes, bytes.size(), back));
  CHECK(Print(back) == Print(m));
  REQUIRE(back.functions.size() == m.functions.size());
  for (size_t f = 0; f < m.functions.size(); ++f) {
    CHECK(back.functions[f].loc == m.functions[f].loc);
    CHECK(back.functions[f].loc_file == m.functions[f].loc_file);
    CHECK(back.functions[f].compiletime == m.functions[f].compiletime);
    for (size_t b = 0; b < m.functions[f].blocks.size(); ++b)
      for (size_t i = 0; i < m.functions[f].blocks[b].insts.size(); ++i)
        CHECK(back.functions[f].blocks[b].insts[i].loc == m.functions[f].blocks[b].insts[i].loc);
  }
  for (size_t g = 0; g < m.globals.size(); ++g) {
    CHECK(back.globals[g].bytes == m.globals[g].bytes);
    CHECK(back.globals[g].is_mutable == m.globals[g].is_mutable);
  }
}

TEST_CASE("every truncation of a message is a clean failure") {
  std::vector<uint8_t> bytes = WriteAll(WithLocations());
  for (size_t size = 0; size < bytes.size(); size += 1 + size / 16) {
    Module back;
    CHECK_FALSE(ReadAll(bytes, size, back));
  }
}

TEST_CASE("a count larger than the rest of the message is refused before allocating") {
  ByteWriter w;
  w.U32(0xffffffffu);  // a string of 4 G characters, with nothing after it
  ByteReader r(w.Bytes().data(), w.Bytes().size());
  CHECK(r.Str().empty());
  CHECK(r.Failed());
}

}  // namespace thrustc::ir
