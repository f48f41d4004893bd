// Unit tests of the call values every executor shares (ir/call_values.h): float bit patterns and
// the argc/argv of an entry function.
#include <doctest/doctest.h>

#include <cstring>

#include "ir/call_values.h"

using namespace thrustc;

TEST_CASE("FloatBits gives the register bits of f32 and f64") {
  CHECK(ir::FloatBits(ir::Type::F32, 1.0) == 0x3f800000u);
  CHECK(ir::FloatBits(ir::Type::F64, 1.0) == 0x3ff0000000000000ull);
  CHECK(ir::FloatBits(ir::Type::F32, -2.5) == 0xc0200000u);
}

TEST_CASE("BuildEntryArgs: writable argv for (i32, ptr), nothing for (), an error otherwise") {
  ir::Signature with_args;
  with_args.params = {ir::AbiType{}, ir::AbiType{}};
  with_args.params[0].scalar = ir::Type::I32;
  with_args.params[1].scalar = ir::Type::Ptr;
  ir::EntryArgs args;
  REQUIRE_FALSE(ir::BuildEntryArgs(with_args, {"prog", "x,y"}, args));
  REQUIRE(args.values.size() == 2);
  CHECK(args.values[0] == 2);
  auto** argv = reinterpret_cast<char**>(uintptr_t(args.values[1]));
  CHECK(std::strcmp(argv[0], "prog") == 0);
  CHECK(std::strcmp(argv[1], "x,y") == 0);
  CHECK(argv[2] == nullptr);
  argv[1][1] = '\0';  // writable, as strtok needs
  CHECK(std::strcmp(argv[1], "x") == 0);

  ir::Signature none;
  REQUIRE_FALSE(ir::BuildEntryArgs(none, {"prog"}, args));
  CHECK(args.values.empty());

  ir::Signature odd;
  odd.params.resize(1);
  auto error = ir::BuildEntryArgs(odd, {"prog"}, args);
  REQUIRE(error);
  CHECK(error->find("must take () or (i32, ptr)") != std::string::npos);
}
