// ctjit tests of what a person sees: a crash names the function it happened in (in generated
// code by the faulting pc, in a C function or abort by the function that called out), and the
// -print ctjit-asm listing shows each IR instruction before the code it became, with offsets.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "ctjit/jit.h"
#include "jit_fixture.h"

namespace {

using namespace thrustc;
using ctjit::testing::Parse;
using ctjit::testing::Syms;

const char* kCrashes = R"(
extern fn @strlen(ptr) -> i64
extern fn @abort() -> void
fn @poke(%0: i64) -> i32 {
bb0:
  %1:ptr = inttoptr %0
  %2:i32 = iconst 42
  store i32 %2, %1
  ret %2
}
fn @measure(%0: ptr) -> i64 {
bb0:
  %1:i64 = call @strlen(%0: ptr)
  ret %1
}
fn @giveUp() -> i32 {
bb0:
  call @abort()
  %0:i32 = iconst 0
  ret %0
}
fn @outerPoke() -> i32 {
bb0:
  %0:i64 = iconst 16
  %1:i32 = call @poke(%0: i64)
  ret %1
}
fn @outerMeasure() -> i64 {
bb0:
  %0:i64 = iconst 5
  %1:i64 = call @measure(%0: i64)
  %2:ptr = iconst 0
  %3:i64 = call @measure(%2: ptr)
  ret %3
}
fn @outerGiveUp() -> i32 {
bb0:
  %0:i32 = call @giveUp()
  ret %0
}
)";

std::optional<ir::EvalFailure> Fail(ctjit::Jit& jit, const ir::Module& m, const std::string& name) {
  uint64_t r = 0;
  return jit.Call(m, m.FindFunction(name), {}, r);
}

}  // namespace

TEST_CASE("a crash names the function it happened in, also inside C and for abort") {
  ir::Module m = Parse(kCrashes);
  ctjit::Jit jit(Syms());
  auto in_jit = Fail(jit, m, "outerPoke");
  REQUIRE(in_jit);
  CHECK(in_jit->kind == ir::EvalFailure::Kind::Crash);
  CHECK(in_jit->message == "segmentation fault");
  CHECK(in_jit->function == "poke");
  auto in_c = Fail(jit, m, "outerMeasure");
  REQUIRE(in_c);
  CHECK(in_c->message == "segmentation fault");
  CHECK(in_c->function == "measure");
  auto aborted = Fail(jit, m, "outerGiveUp");
  REQUIRE(aborted);
  CHECK(aborted->message == "abort");
  CHECK(aborted->function == "giveUp");
  // Code compiled by earlier runs is found too: the same crash again, now from the cache.
  auto again = Fail(jit, m, "outerPoke");
  REQUIRE(again);
  CHECK(again->function == "poke");
}

TEST_CASE("-print ctjit-asm shows each IR instruction before its code, with offsets and bytes") {
  ir::Module m = Parse(R"(
fn @add(%0: i32, %1: i32) -> i32 {
bb0:
  %2:i32 = add %0, %1
  ret %2
}
)");
  std::string text = ctjit::testing::CaptureListing([&](const ctjit::JitOptions& options) {
    ctjit::Jit jit(Syms(), options);
    uint64_t r = 0;
    REQUIRE_FALSE(jit.Call(m, m.FindFunction("add"), {1, 2}, r));
    CHECK(r == 3);
  });
  INFO(text);
  size_t header = text.find("; fn @add(%0: i32, %1: i32) -> i32 {");
  size_t ir_add = text.find(";   %2:i32 = add %0, %1");
#if defined(__x86_64__)
  size_t asm_add = text.find("add e", ir_add);
  const char* first_bytes = "; 55";  // push rbp
#elif defined(__aarch64__)
  size_t asm_add = text.find("add w", ir_add);
  const char* first_bytes = "; FD7BBFA9";  // stp x29, x30, [sp, -16]!
#else
#error "no listing spellings for this target"
#endif
  size_t ir_ret = text.find(";   ret %2");
  REQUIRE(header != std::string::npos);
  REQUIRE(ir_add != std::string::npos);
  REQUIRE(asm_add != std::string::npos);
  REQUIRE(ir_ret != std::string::npos);
  CHECK(header < ir_add);
  CHECK(asm_add < ir_ret);  // the add's code comes between its IR line and the next one
  CHECK(text.find("ir #") == std::string::npos);
  CHECK(text.find("\n000000  ") != std::string::npos);  // offsets in front of every line
  CHECK(text.find(first_bytes) != std::string::npos);   // and the bytes behind (the prologue's first)
}
