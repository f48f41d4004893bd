// The C ABI as clang does it, checked on the LLVM IR of small modules: System V x86-64 (eightbyte
// classification, registers vs byval, sret, register exhaustion) and AAPCS64 (HFAs, [2 x i64],
// indirect copies), definitions and calls alike, variadic calls included.
#include "aot_test_util.h"

using namespace aot_test;

namespace {

// An external C function and a Thrust definition taking and returning aggregate %T, and a call
// from Thrust to the C one.
std::string Module(const std::string& type) {
  return "type %T = " + type + R"(
extern fn @c_fn(agg %T) -> agg %T
fn @thrust_fn(%0: agg %T) -> agg %T public {
  slot $0 size 64 align 16
bb0:
  %1:ptr = slot_addr $0
  call @c_fn(%0: agg %T) -> agg %T into %1
  ret %1
}
)";
}

}  // namespace

TEST_CASE("x86-64: two INTEGER eightbytes travel in registers, flattened, returned as a pair") {
  std::string ll = LlvmIr(Module("{ i64 @0, ptr @8 } size 16 align 8"));
  CheckInOrder(ll, {"declare { i64, i64 } @c_fn(i64, i64)", "define { i64, i64 } @thrust_fn(i64 %0, i64 %1)",
                    "call { i64, i64 } @c_fn(i64", "ret { i64, i64 }"});
}

TEST_CASE("x86-64: SSE eightbytes, <2 x float> for two floats, and a partial last eightbyte") {
  CheckInOrder(LlvmIr(Module("{ f64 @0, f64 @8 } size 16 align 8")),
               {"define { double, double } @thrust_fn(double %0, double %1)"});
  CheckInOrder(LlvmIr(Module("{ f32 @0, f32 @4, f32 @8 } size 12 align 4")),
               {"define { <2 x float>, float } @thrust_fn(<2 x float> %0, float %1)"});
  CheckInOrder(LlvmIr(Module("{ i32 @0, f32 @4, i32 @8 } size 12 align 4")),
               {"define { i64, i32 } @thrust_fn(i64 %0, i32 %1)"});
  CheckInOrder(LlvmIr(Module("{ f64 @0, i32 @8 } size 16 align 8")),
               {"define { double, i64 } @thrust_fn(double %0, i64 %1)"});
  CheckInOrder(LlvmIr(Module("{ i8 @0, i8 @1, i8 @2 } size 3 align 1")), {"define i24 @thrust_fn(i24 %0)"});
}

TEST_CASE("x86-64: larger than 16 bytes goes in memory: byval arguments, sret returns") {
  std::string ll = LlvmIr(Module("{ i64 @0, i64 @8, i64 @16 } size 24 align 8"));
  CheckInOrder(ll, {"declare void @c_fn(ptr noalias sret([24 x i8]) align 8, ptr byval([24 x i8]) align 8)",
                    "define void @thrust_fn(ptr noalias sret([24 x i8]) align 8 %0, ptr byval([24 x i8]) align 8 %1)",
                    "call void @c_fn(ptr noalias sret([24 x i8]) align 8", "ptr byval([24 x i8]) align 8"});
}

TEST_CASE("x86-64: a packed, misaligned field puts the aggregate in memory") {
  CheckInOrder(LlvmIr(Module("{ i8 @0, i32 @1 } size 5 align 1")),
               {"define void @thrust_fn(ptr noalias sret([5 x i8]) align 8 %0, ptr byval([5 x i8]) align 8 %1)"});
}

TEST_CASE("x86-64: an aggregate that no longer fits in the free registers goes byval as a whole") {
  std::string ll = LlvmIr(R"(
type %Pair = { i64 @0, i64 @8 } size 16 align 8
extern fn @take(i64, i64, i64, i64, i64, agg %Pair, agg %Pair) -> void
)");
  // Five integers leave one register: the first pair would need two, so both pairs go in memory.
  CheckInOrder(ll, {"declare void @take(i64, i64, i64, i64, i64, ptr byval([16 x i8]) align 8, ptr byval([16 x i8]) align 8)"});
  std::string fits = LlvmIr(R"(
type %Pair = { i64 @0, i64 @8 } size 16 align 8
extern fn @take(i64, i64, i64, i64, agg %Pair, agg %Pair) -> void
)");
  CheckInOrder(fits, {"declare void @take(i64, i64, i64, i64, i64, i64, ptr byval([16 x i8]) align 8)"});
}

TEST_CASE("x86-64: variadic calls classify their extra arguments the same way") {
  std::string ll = LlvmIr(R"(
type %P = { f64 @0, f64 @8 } size 16 align 8
type %Big = { i64 @0, i64 @8, i64 @16 } size 24 align 8
extern fn @vf(ptr, ...) -> i32
fn @f(%0: ptr, %1: agg %P, %2: agg %Big, %3: f64) -> i32 public {
bb0:
  %4:i32 = call @vf(%0: ptr, ... %1: agg %P, %2: agg %Big, %3: f64)
  ret %4
}
)");
  CheckInOrder(ll, {"declare i32 @vf(ptr, ...)", "call i32 (ptr, ...) @vf(ptr %0, double", "double",
                    "ptr byval([24 x i8]) align 8", "double %"});
}

TEST_CASE("x86-64: indirect calls through a pointer use the call site's signature") {
  std::string ll = LlvmIr(R"(
type %P = { i32 @0, i32 @4 } size 8 align 4
fn @f(%0: ptr, %1: agg %P) -> agg %P public {
  slot $0 size 8 align 4
bb0:
  %2:ptr = slot_addr $0
  call_indirect %0(%1: agg %P) -> agg %P into %2
  ret %2
}
)");
  CheckInOrder(ll, {"define i64 @f(ptr %0, i64 %1)", "call i64 %0(i64"});
}

TEST_CASE("aarch64: homogeneous float aggregates travel as [N x float|double]") {
  const std::string a64 = "aarch64-linux-gnu";
  CheckInOrder(LlvmIr(Module("{ f32 @0, f32 @4, f32 @8, f32 @12 } size 16 align 4"), a64),
               {"define [4 x float] @thrust_fn([4 x float] %0)", "call [4 x float] @c_fn([4 x float]"});
  CheckInOrder(LlvmIr(Module("{ f64 @0, f64 @8, f64 @16 } size 24 align 8"), a64),
               {"define [3 x double] @thrust_fn([3 x double] %0)"});
  // Mixed float types, or more than four members, are not HFAs.
  CheckInOrder(LlvmIr(Module("{ f32 @0, f64 @8 } size 16 align 8"), a64), {"define [2 x i64] @thrust_fn([2 x i64] %0)"});
  CheckInOrder(LlvmIr(Module("{ f32 @0, f32 @4, f32 @8, f32 @12, f32 @16 } size 20 align 4"), a64),
               {"define void @thrust_fn(ptr noalias sret([20 x i8]) align 8 %0, ptr %1)"});
}

TEST_CASE("aarch64: small aggregates as i64 / [2 x i64], larger through a copy, sret in x8") {
  const std::string a64 = "aarch64-linux-gnu";
  CheckInOrder(LlvmIr(Module("{ i32 @0, i32 @4 } size 8 align 4"), a64), {"define i64 @thrust_fn(i64 %0)"});
  CheckInOrder(LlvmIr(Module("{ i32 @0, i32 @4, i32 @8 } size 12 align 4"), a64),
               {"define [2 x i64] @thrust_fn([2 x i64] %0)"});
  std::string big = LlvmIr(Module("{ i64 @0, i64 @8, i64 @16 } size 24 align 8"), a64);
  // A plain pointer, no byval: the caller makes the copy (AAPCS64 B.4).
  CheckInOrder(big, {"declare void @c_fn(ptr noalias sret([24 x i8]) align 8, ptr)",
                     "define void @thrust_fn(ptr noalias sret([24 x i8]) align 8 %0, ptr %1)", "llvm.memcpy",
                     "call void @c_fn(ptr noalias sret([24 x i8]) align 8"});
  CHECK(big.find("byval") == std::string::npos);
}

TEST_CASE("aarch64: variadic aggregates follow the same rules on Linux") {
  std::string ll = LlvmIr(R"(
type %H = { f64 @0, f64 @8 } size 16 align 8
extern fn @vf(ptr, ...) -> i32
fn @f(%0: ptr, %1: agg %H) -> i32 public {
bb0:
  %2:i32 = call @vf(%0: ptr, ... %1: agg %H)
  ret %2
}
)", "aarch64-linux-gnu");
  CheckInOrder(ll, {"call i32 (ptr, ...) @vf(ptr %0, [2 x double]"});
}
