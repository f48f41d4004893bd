// ctjit tests on real machine code: calls to C both ways (variadic, structs by value, sret,
// callbacks through qsort), globals across runs, every failure kind (trap, crash, time limit,
// memory limit, missing symbol), and the instruction selection as seen in -print ctjit-asm.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

#include "ctjit/jit.h"
#include "jit_fixture.h"

namespace {

using namespace thrustc;
using ctjit::testing::Parse;
using ctjit::testing::Syms;

int64_t CallI(const ir::Module& m, const std::string& name, std::vector<uint64_t> args = {},
              ctjit::JitOptions options = {}) {
  ctjit::Jit jit(Syms(), options);
  uint64_t r = 0;
  auto failure = jit.Call(m, m.FindFunction(name), args, r);
  INFO((failure ? failure->message : std::string()));
  REQUIRE(!failure);
  return int64_t(r);
}

std::optional<ir::EvalFailure> CallFail(const ir::Module& m, const std::string& name, ctjit::JitOptions options = {}) {
  ctjit::Jit jit(Syms(), options);
  uint64_t r = 0;
  return jit.Call(m, m.FindFunction(name), {}, r);
}

// The -print ctjit-asm listing of a module's function `name` (and what it calls).
std::string Listing(const ir::Module& m, const std::string& name) {
  return ctjit::testing::CaptureListing([&](const ctjit::JitOptions& options) {
    ctjit::Jit jit(Syms(), options);
    uint64_t r = 0;
    std::vector<uint64_t> args(m.functions[m.FindFunction(name)].sig.params.size(), 1);
    jit.Call(m, m.FindFunction(name), args, r);
  });
}

const char* kCLib = R"(
type %DivT = { i32 @0, i32 @4 } size 8 align 4
type %Vec = { f64 @0, f64 @8 } size 16 align 8
type %Big = { i64 @0, i64 @8, i64 @16 } size 24 align 8
extern fn @snprintf(ptr, i64, ptr, ...) -> i32
extern fn @strlen(ptr) -> i64
extern fn @atoi(ptr) -> i32
extern fn @malloc(i64) -> ptr
extern fn @free(ptr) -> void
extern fn @qsort(ptr, i64, i64, ptr) -> void
extern fn @div(i32, i32) -> agg %DivT
extern fn @no_such_function_anywhere(i32) -> i32
global @fmt size 12 align 1 = bytes "%d|%.2f|%s\00"
global @word size 3 align 1 = bytes "ok\00"
global @num size 5 align 1 = bytes "-123\00"
global @nums size 16 align 4 = bytes x"05000000010000000400000002000000"
global @buf size 64 align 8 mut = zero
global @counter size 8 align 8 mut = zero
)";

std::string WithLib(const std::string& body) { return std::string(kCLib) + body; }

}  // namespace

TEST_CASE("variadic snprintf with mixed int and double arguments sets AL and formats") {
  ir::Module m = Parse(WithLib(R"(
fn @main() -> i32 {
bb0:
  %0:ptr = global_addr @buf
  %1:i64 = iconst 64
  %2:ptr = global_addr @fmt
  %3:i32 = iconst 42
  %4:f64 = fconst 3.14159
  %5:ptr = global_addr @word
  %6:i32 = call @snprintf(%0: ptr, %1: i64, %2: ptr, ... %3: i32, %4: f64, %5: ptr)
  ret %6
}
fn @first_byte() -> i8 {
bb0:
  %0:ptr = global_addr @buf
  %1:i8 = load %0
  ret %1
}
)"));
  ctjit::Jit jit(Syms());
  uint64_t r = 0;
  REQUIRE(!jit.Call(m, m.FindFunction("main"), {}, r));
  CHECK(r == 10);  // "42|3.14|ok"
  REQUIRE(!jit.Call(m, m.FindFunction("first_byte"), {}, r));
  CHECK(r == '4');
  std::string text = Listing(m, "main");
  INFO(text);
#if defined(__x86_64__)
  CHECK(text.find("mov eax, 1") != std::string::npos);  // AL: one vector register used
#elif defined(__aarch64__)
  CHECK(text.find(" d0") != std::string::npos);  // AAPCS64 on Linux: the double in d0, as unnamed
#endif
}

TEST_CASE("strlen, atoi and malloc are called through dlsym") {
  ir::Module m = Parse(WithLib(R"(
fn @len() -> i64 {
bb0:
  %0:ptr = global_addr @word
  %1:i64 = call @strlen(%0: ptr)
  ret %1
}
fn @num() -> i32 {
bb0:
  %0:ptr = global_addr @num
  %1:i32 = call @atoi(%0: ptr)
  ret %1
}
fn @heap() -> i64 {
bb0:
  %0:i64 = iconst 800
  %1:ptr = call @malloc(%0: i64)
  %2:i64 = iconst 99
  %3:ptr = ptroffset %1, 792
  store i64 %2, %3
  %4:i64 = load %3
  call @free(%1: ptr)
  ret %4
}
)"));
  CHECK(CallI(m, "len") == 2);
  CHECK(CallI(m, "num") == -123);
  CHECK(CallI(m, "heap") == 99);
}

TEST_CASE("qsort calls a jitted comparator, div returns div_t by value") {
  ir::Module m = Parse(WithLib(R"(
fn @cmp(%0: ptr, %1: ptr) -> i32 {
bb0:
  %2:i32 = load %0
  %3:i32 = load %1
  %4:i32 = sub %2, %3
  ret %4
}
fn @sorted() -> i32 {
bb0:
  %0:ptr = global_addr @nums
  %1:i64 = iconst 4
  %2:ptr = func_addr @cmp
  call @qsort(%0: ptr, %1: i64, %1: i64, %2: ptr)
  %3:i32 = load %0
  %4:ptr = ptroffset %0, 12
  %5:i32 = load %4
  %6:i32 = iconst 10
  %7:i32 = mul %3, %6
  %8:i32 = add %7, %5
  ret %8
}
fn @divmod() -> i32 {
  slot $0 size 8 align 4 "r"
bb0:
  %0:ptr = slot_addr $0
  %1:i32 = iconst 47
  %2:i32 = iconst 5
  call @div(%1: i32, %2: i32) -> agg %DivT into %0
  %3:i32 = load %0
  %4:ptr = ptroffset %0, 4
  %5:i32 = load %4
  %6:i32 = iconst 100
  %7:i32 = mul %3, %6
  %8:i32 = add %7, %5
  ret %8
}
)"));
  CHECK(CallI(m, "sorted") == 15);    // 1 first, 5 last
  CHECK(CallI(m, "divmod") == 902);   // 9 rem 2
}

TEST_CASE("structs of doubles by value both ways, sret, and eight arguments") {
  ir::Module m = Parse(WithLib(R"(
fn @scale(%0: agg %Vec, %1: f64) -> agg %Vec {
  slot $0 size 16 align 8 "out"
bb0:
  %2:ptr = slot_addr $0
  %3:f64 = load %0
  %4:f64 = fmul %3, %1
  store f64 %4, %2
  %5:ptr = ptroffset %0, 8
  %6:f64 = load %5
  %7:f64 = fmul %6, %1
  %8:ptr = ptroffset %2, 8
  store f64 %7, %8
  ret %2
}
fn @use_scale() -> i64 {
  slot $0 size 16 align 8 "v"
  slot $1 size 16 align 8 "w"
bb0:
  %0:ptr = slot_addr $0
  %1:f64 = fconst 1.5
  store f64 %1, %0
  %2:ptr = ptroffset %0, 8
  %3:f64 = fconst 2.25
  store f64 %3, %2
  %4:ptr = slot_addr $1
  %5:f64 = fconst 4.0
  call @scale(%0: agg %Vec, %5: f64) -> agg %Vec into %4
  %6:f64 = load %4
  %7:ptr = ptroffset %4, 8
  %8:f64 = load %7
  %9:f64 = fadd %6, %8
  %10:i64 = fptosi %9
  ret %10
}
fn @big(%0: i64) -> agg %Big {
  slot $0 size 24 align 8 "b"
bb0:
  %1:ptr = slot_addr $0
  store i64 %0, %1
  %2:ptr = ptroffset %1, 16
  store i64 %0, %2
  ret %1
}
fn @use_big() -> i64 {
  slot $0 size 24 align 8 "b"
bb0:
  %0:ptr = slot_addr $0
  %1:i64 = iconst 21
  call @big(%1: i64) -> agg %Big into %0
  %2:i64 = load %0
  %3:ptr = ptroffset %0, 16
  %4:i64 = load %3
  %5:i64 = add %2, %4
  ret %5
}
fn @eight(%0: i64, %1: i64, %2: i64, %3: i64, %4: i64, %5: i64, %6: i64, %7: i64) -> i64 {
bb0:
  %8:i64 = sub %0, %7
  %9:i64 = mul %6, %8
  ret %9
}
fn @use_eight() -> i64 {
bb0:
  %0:i64 = iconst 1
  %1:i64 = iconst 10
  %2:i64 = iconst 3
  %3:i64 = call @eight(%1: i64, %0: i64, %0: i64, %0: i64, %0: i64, %0: i64, %2: i64, %0: i64)
  ret %3
}
)"));
  CHECK(CallI(m, "use_scale") == 15);  // 6 + 9
  CHECK(CallI(m, "use_big") == 42);
  CHECK(CallI(m, "use_eight") == 27);
  std::string asm_text = Listing(m, "use_eight");
  INFO(asm_text);
  std::string scale_text = Listing(m, "use_scale");
  std::string big_text = Listing(m, "use_big");
  INFO(scale_text);
  INFO(big_text);
#if defined(__x86_64__)
  CHECK(asm_text.find("qword ptr [rsp") != std::string::npos);  // the 7th and 8th arguments on the stack
  CHECK(scale_text.find("movsd xmm0") != std::string::npos);     // the struct travels in xmm0:xmm1
  CHECK(big_text.find("mov rax, rdi") != std::string::npos);     // sret pointer echoed in rax
#elif defined(__aarch64__)
  CHECK(asm_text.find("x7") != std::string::npos);  // all eight arguments in x0..x7
  CHECK(scale_text.find(" d1") != std::string::npos);  // a homogeneous aggregate of doubles in d0:d1
  CHECK(big_text.find("x8") != std::string::npos);     // the result's address in x8
#endif
}

TEST_CASE("globals persist across Run calls") {
  ir::Module m = Parse(WithLib(R"(
fn @bump(%0: ptr) -> void {
bb0:
  %1:ptr = global_addr @counter
  %2:i64 = load %1
  %3:i64 = iconst 1
  %4:i64 = add %2, %3
  store i64 %4, %1
  store i64 %4, %0
  ret
}
)"));
  ctjit::Jit jit(Syms());
  int64_t out = 0;
  REQUIRE(!jit.Run(m, m.FindFunction("bump"), &out, sizeof out));
  CHECK(out == 1);
  REQUIRE(!jit.Run(m, m.FindFunction("bump"), &out, sizeof out));
  CHECK(out == 2);
  CHECK(m.globals[m.FindGlobal("counter")].bytes.empty());  // the module itself is never written
}

TEST_CASE("crashes, time limits, memory limits and missing symbols are failures") {
  ir::Module m = Parse(WithLib(R"(
fn @crash() -> i64 {
bb0:
  %0:ptr = iconst 0
  %1:i64 = call @strlen(%0: ptr)
  ret %1
}
fn @forever() -> i32 {
bb0:
  br bb1
bb1:
  br bb1
}
fn @hog() -> i32 {
bb0:
  %0:i64 = iconst 100000000
  %1:ptr = call @malloc(%0: i64)
  %2:i32 = iconst 0
  ret %2
}
fn @missing() -> i32 {
bb0:
  %0:i32 = iconst 1
  %1:i32 = call @no_such_function_anywhere(%0: i32)
  ret %1
}
fn @trap() -> i32 {
bb0:
  trap unreachable
}
)"));
  auto crash = CallFail(m, "crash");
  REQUIRE(crash);
  CHECK(crash->kind == ir::EvalFailure::Kind::Crash);
  CHECK(crash->message == "segmentation fault");
  ctjit::JitOptions limited;
  limited.ct_time_limit_seconds = 0.2;
  auto timeout = CallFail(m, "forever", limited);
  REQUIRE(timeout);
  INFO(timeout->message);
  CHECK(timeout->kind == ir::EvalFailure::Kind::Timeout);
  CHECK(timeout->function == "forever");
  ctjit::JitOptions small;
  small.ct_memory_limit_bytes = 1 << 20;
  small.compile_time = true;  // malloc resolves to the counting wrapper
  auto hog = CallFail(m, "hog", small);
  REQUIRE(hog);
  CHECK(hog->kind == ir::EvalFailure::Kind::MemoryLimit);
  auto missing = CallFail(m, "missing");
  REQUIRE(missing);
  CHECK(missing->kind == ir::EvalFailure::Kind::MissingSymbol);
  CHECK(missing->message.find("no_such_function_anywhere") != std::string::npos);
  auto trap = CallFail(m, "trap");
  REQUIRE(trap);
  CHECK(trap->kind == ir::EvalFailure::Kind::Trap);
  CHECK(trap->message == "reached unreachable code");
  // The Jit is still usable after every failure.
  CHECK(CallI(m, "hog") == 0);
}

// Loop-free code is stopped by the poll at function entry, which shares one compare with the
// stack check: a time-out there must not be reported as a stack overflow, nor the reverse.
TEST_CASE("recursion without loops times out, unbounded recursion is a stack overflow") {
  ir::Module m = Parse(R"(
fn @fib(%0: i64) -> i64 {
bb0:
  %1:i64 = iconst 2
  %2:i8 = icmp slt i64 %0, %1
  condbr %2, bb1, bb2
bb1:
  ret %0
bb2:
  %3:i64 = iconst 1
  %4:i64 = sub %0, %3
  %5:i64 = call @fib(%4: i64)
  %6:i64 = sub %4, %3
  %7:i64 = call @fib(%6: i64)
  %8:i64 = add %5, %7
  ret %8
}
fn @slow() -> i64 {
bb0:
  %0:i64 = iconst 90
  %1:i64 = call @fib(%0: i64)
  ret %1
}
fn @down(%0: i64) -> i64 {
bb0:
  %1:i64 = iconst 1
  %2:i64 = add %0, %1
  %3:i64 = call @down(%2: i64)
  %4:i64 = add %3, %1
  ret %4
}
fn @deep() -> i64 {
bb0:
  %0:i64 = iconst 0
  %1:i64 = call @down(%0: i64)
  ret %1
}
)");
  CHECK(CallI(m, "fib", {20}) == 6765);
  ctjit::JitOptions limited;
  limited.ct_time_limit_seconds = 0.2;
  auto timeout = CallFail(m, "slow", limited);
  REQUIRE(timeout);
  INFO(timeout->message);
  CHECK(timeout->kind == ir::EvalFailure::Kind::Timeout);
  CHECK(timeout->function == "fib");
  auto overflow = CallFail(m, "deep", limited);
  REQUIRE(overflow);
  CHECK(overflow->kind != ir::EvalFailure::Kind::Timeout);
  CHECK(overflow->message.find("stack overflow") != std::string::npos);
  CHECK(overflow->function == "down");
}

TEST_CASE("instruction selection: add of two i32 params, compare fused with the branch") {
  ir::Module m = Parse(R"(
fn @add(%0: i32, %1: i32) -> i32 {
bb0:
  %2:i32 = add %0, %1
  ret %2
}
fn @max(%0: i64, %1: i64) -> i64 {
bb0:
  %2:i8 = icmp slt i64 %0, %1
  condbr %2, bb1, bb2
bb1:
  ret %1
bb2:
  ret %0
}
)");
  std::string add = Listing(m, "add");
  std::string max = Listing(m, "max");
  INFO(add);
  INFO(max);
  CHECK(add.find("ret") != std::string::npos);
#if defined(__x86_64__)
  CHECK(add.find("add e") != std::string::npos);
  CHECK(max.find("cmp r") != std::string::npos);
  CHECK(max.find("jge") != std::string::npos);
  CHECK(max.find("setl") == std::string::npos);  // no 0/1 materialized for the branch
#elif defined(__aarch64__)
  CHECK(add.find("add w") != std::string::npos);
  CHECK(max.find("cmp x") != std::string::npos);
  CHECK(max.find("b.ge") != std::string::npos);
  CHECK(max.find("cset") == std::string::npos);  // no 0/1 materialized for the branch
#endif
}

TEST_CASE("rematerialized constants and over-aligned slots") {
  ir::Module m = Parse(R"(
fn @negk() -> i64 {
bb0:
  %0:i64 = iconst 5
  %1:i64 = neg %0
  %2:i8 = iconst 1
  condbr %2, bb1, bb2
bb1:
  ret %1
bb2:
  ret %0
}
fn @aligned() -> i64 {
  slot $0 size 64 align 64 "v"
bb0:
  %0:ptr = slot_addr $0
  %1:i64 = ptrtoint %0
  %2:i64 = iconst 63
  %3:i64 = and %1, %2
  %4:ptr = ptroffset %0, 56
  store i64 %2, %4
  %5:i64 = load %4
  %6:i64 = add %3, %5
  ret %6
}
)");
  CHECK(CallI(m, "negk") == -5);
  CHECK(CallI(m, "aligned") == 63);  // address aligned (low bits 0) and the slot usable
}
