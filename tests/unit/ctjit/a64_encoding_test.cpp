// Encoding tests of the AArch64 backend that run on any host: small IR functions go through
// a64 instruction selection, register allocation and asmjit's a64 assembler (which works on
// x86-64 too), and the assembly text and machine words are checked. Nothing here is executed.
#include <doctest/doctest.h>

#include <cctype>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ctjit/a64/emit_a64.h"
#include "ctjit/a64/isel_a64.h"
#include "ir/ir_parser.h"

namespace {

using namespace thrustc;

// Fixed addresses stand in for globals, helpers and the deadline flag.
class FakeEnv : public ctjit::CodegenEnv {
 public:
  explicit FakeEnv(const ir::Module& m) : module(m) {}
  uint64_t GlobalAddress(ir::GlobalId g) override { return 0x1234560000ull + g * 0x100; }
  // C functions sit at made-up addresses; functions of the batch are called by label (0).
  uint64_t FunctionAddress(ir::FuncId f) override {
    return module.functions[f].IsExternal() ? 0xC00000ull + f * 0x10 : 0;
  }
  uint32_t AddTrapSite(const ctjit::TrapSite& site) override {
    sites.push_back(site);
    return uint32_t(sites.size() - 1);
  }
  uint64_t HelperAddress(ctjit::Helper h) override { return 0xAB0000ull + uint64_t(h) * 0x10; }
  uint64_t DeadlineFlagAddress() override { return 0xFEED0000ull; }
  const ir::Module& module;
  std::vector<ctjit::TrapSite> sites;
};

struct Assembled {
  std::string text;
  std::vector<uint8_t> bytes;
  std::string error;
};

// Assembles every function of `ir_text` as one batch; the listing is the -print ctjit-asm text.
Assembled Assemble(const std::string& ir_text) {
  ir::Module m;
  ir::ParseError perr;
  bool parsed = ir::ParseModule(ir_text, m, perr);
  INFO(perr.message << " at line " << perr.line);
  REQUIRE(parsed);
  FakeEnv env(m);
  Assembled out;
  ctjit::a64::Emitter emitter(m, env, &out.text);
  const ctjit::TargetRegs regs = ctjit::a64::MakeTargetRegs();
  // One set of working storage for the whole batch, as the Jit keeps it.
  ctjit::IselScratch scratch;
  ctjit::MFunction mf;
  ctjit::Liveness live;
  ctjit::Allocation alloc;
  for (ir::FuncId f = 0; f < m.functions.size(); ++f) {
    if (m.functions[f].IsExternal()) continue;
    if (!ctjit::a64::SelectInstructions(m, f, env, mf, scratch, out.error)) return out;
    ctjit::ComputeLiveness(mf, ctjit::a64::kPhysCount, ctjit::a64::kMov, live);
    ctjit::AllocateRegisters(mf, live, regs, alloc);
    if (!emitter.AddFunction(f, mf, alloc, out.error)) return out;
  }
  emitter.Assemble(0x100000, out.bytes, out.error);
  return out;
}

bool Has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

// The 32-bit word at each position of the code, for checking exact encodings.
bool HasWord(const std::vector<uint8_t>& bytes, uint32_t word) {
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    uint32_t w;
    std::memcpy(&w, &bytes[i], 4);
    if (w == word) return true;
  }
  return false;
}

TEST_CASE("a64: i32 add in w registers, frame set up and torn down, poll of the deadline flag") {
  Assembled a = Assemble(R"(
fn @add(%0: i32, %1: i32) -> i32 {
bb0:
  %2:i32 = add %0, %1
  ret %2
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "add w0, w0, w1"));
  CHECK(HasWord(a.bytes, 0x0B010000u));  // add w0, w0, w1
  CHECK(Has(a.text, "stp x29, x30, [sp, -16]!"));
  CHECK(HasWord(a.bytes, 0xA9BF7BFDu));  // stp x29, x30, [sp, #-16]!
  CHECK(HasWord(a.bytes, 0xD65F03C0u));  // ret
  // The flags at 0xFEED0000: the time-out byte is loaded and tested, the stack limit compared with sp.
  CHECK(Has(a.text, "movz x16, 65261, 16"));
  CHECK(Has(a.text, "ldrb w17, [x16, 7]"));  // the time-out flag: top byte of the limit
  CHECK(Has(a.text, "cbnz w17"));
  CHECK(Has(a.text, "ldr x17, [x16]"));
  CHECK(a.bytes.size() % 4 == 0);
}

TEST_CASE("a64: compare fused with the branch, no cset, cset when the value is used") {
  Assembled a = Assemble(R"(
fn @max(%0: i64, %1: i64) -> i64 {
bb0:
  %2:i8 = icmp slt i64 %0, %1
  condbr %2, bb1, bb2
bb1:
  ret %1
bb2:
  ret %0
}
fn @below(%0: i32, %1: i32) -> i8 {
bb0:
  %2:i8 = icmp ult i32 %0, %1
  ret %2
}
fn @small(%0: i8) -> i8 {
bb0:
  %1:i8 = iconst -1
  %2:i8 = icmp ugt i8 %0, %1
  ret %2
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "cmp x"));
  CHECK(Has(a.text, "b.ge"));
  CHECK(Has(a.text, "cmp w0, w1"));
  CHECK(HasWord(a.bytes, 0x1A9F27E0u));  // cset w0, lo (csinc w0, wzr, wzr, hs)
  // An i8 unsigned compare zero-extends its operand and the constant -1 becomes 255.
  CHECK(Has(a.text, "uxtb"));
  CHECK(Has(a.text, ", 255"));
}

TEST_CASE("a64: checked division traps on zero and MIN / -1, remainder with msub") {
  Assembled a = Assemble(R"(
fn @div(%0: i32, %1: i32) -> i32 {
bb0:
  %2:i32 = sdiv %0, %1
  ret %2
}
fn @urem(%0: i64, %1: i64) -> i64 {
bb0:
  %2:i64 = urem %0, %1
  ret %2
}
fn @byseven(%0: i64) -> i64 {
bb0:
  %1:i64 = iconst 7
  %2:i64 = udiv %0, %1
  ret %2
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "cbz w1"));
  CHECK(Has(a.text, "cmn w1, 1"));
  CHECK(Has(a.text, "negs w16, w0"));
  CHECK(Has(a.text, "b.vs"));
  CHECK(Has(a.text, "sdiv w0, w0, w1"));
  CHECK(Has(a.text, "cbz x1"));
  CHECK(Has(a.text, "udiv x9, x0, x1"));
  CHECK(Has(a.text, "msub x0, x9, x1, x0"));
  CHECK(HasWord(a.bytes, 0x1AC10C00u));  // sdiv w0, w0, w1
}

TEST_CASE("a64: 64-bit constants with movz/movk, logical immediates, scaled index addressing") {
  Assembled a = Assemble(R"(
fn @big() -> i64 {
bb0:
  %0:i64 = iconst 81985529216486895
  ret %0
}
fn @minus() -> i64 {
bb0:
  %0:i64 = iconst -2
  ret %0
}
fn @mask(%0: i64) -> i64 {
bb0:
  %1:i64 = iconst 255
  %2:i64 = and %0, %1
  ret %2
}
fn @elem(%0: ptr, %1: i64) -> i32 {
bb0:
  %2:ptr = ptradd %0, %1 * 4
  %3:i32 = load %2
  ret %3
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  // 0x0123456789ABCDEF: four halfwords.
  CHECK(Has(a.text, "movz x0, 52719"));
  CHECK(Has(a.text, "movk x0, 35243, 16"));
  CHECK(Has(a.text, "movk x0, 17767, 32"));
  CHECK(Has(a.text, "movk x0, 291, 48"));
  CHECK(Has(a.text, "movn x0, 1"));
  CHECK(Has(a.text, "and x0, x0, 255"));
  CHECK(Has(a.text, "ldr w0, [x0, x1 lsl 2]"));
}

TEST_CASE("a64: float arithmetic at f32 and f64, fcmp conditions, checked float-to-int") {
  Assembled a = Assemble(R"(
fn @fadd(%0: f32, %1: f32) -> f32 {
bb0:
  %2:f32 = fadd %0, %1
  ret %2
}
fn @lt(%0: f64, %1: f64) -> i8 {
bb0:
  %2:i8 = fcmp olt f64 %0, %1
  ret %2
}
fn @toint(%0: f64) -> i32 {
bb0:
  %1:i32 = fptosi %0
  ret %1
}
fn @widen(%0: f32) -> f64 {
bb0:
  %1:f64 = fpext %0
  ret %1
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "fadd s0, s0, s1"));
  CHECK(HasWord(a.bytes, 0x1E212800u));  // fadd s0, s0, s1
  CHECK(Has(a.text, "fcmp d0, d1"));
  CHECK(HasWord(a.bytes, 0x1A9F57E0u));  // cset w0, mi: ordered less than, false when unordered
  CHECK(Has(a.text, "fcmp d0, d0"));     // NaN check before the conversion
  CHECK(Has(a.text, "fcvtzs x16, d0"));
  CHECK(Has(a.text, "sxtw x17, w16"));
  CHECK(Has(a.text, "fcvt d0, s0"));
}

TEST_CASE("a64: AAPCS64 calls: HFA in v registers, small struct in x0:x1, large by reference, sret in x8") {
  Assembled a = Assemble(R"(
type %Vec2 = { f64 @0, f64 @8 } size 16 align 8
type %Pair = { i32 @0, i64 @8 } size 16 align 8
type %Big = { i64 @0, i64 @8, i64 @16 } size 24 align 8
extern fn @takes_hfa(agg %Vec2) -> f64
extern fn @takes_pair(agg %Pair) -> i64
extern fn @takes_big(agg %Big) -> i64
extern fn @makes_big() -> agg %Big

fn @caller() -> i64 {
  slot $0 size 16 align 8 "v"
  slot $1 size 16 align 8 "p"
  slot $2 size 24 align 8 "b"
bb0:
  %0:ptr = slot_addr $0
  %1:ptr = slot_addr $1
  %2:ptr = slot_addr $2
  %3:f64 = call @takes_hfa(%0: agg %Vec2)
  %4:i64 = call @takes_pair(%1: agg %Pair)
  %5:i64 = call @takes_big(%2: agg %Big)
  call @makes_big() -> agg %Big into %2
  %6:i64 = add %4, %5
  ret %6
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "ldr d0, [x0]"));
  CHECK(Has(a.text, "ldr d1, [x0, 8]"));
  CHECK(Has(a.text, "ldr x0, [x1]"));
  CHECK(Has(a.text, "ldr x1, [x1, 8]"));
  CHECK(Has(a.text, "blr x16"));
  CHECK(Has(a.text, "str q16, [x1]"));
  // The 24-byte struct is copied into the caller's frame and its address passed in x0; the
  // result of @makes_big goes to memory whose address is in x8.
  CHECK(Has(a.text, "sub x8, x29, 160"));
}

TEST_CASE("a64: variadic call passes variadic doubles in v registers on Linux") {
  Assembled a = Assemble(R"(
extern fn @printf(ptr, ...) -> i32
fn @show(%0: ptr, %1: f64, %2: i32) -> i32 {
bb0:
  %3:i32 = call @printf(%0: ptr, ... %1: f64, %2: i32)
  ret %3
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
#if defined(__APPLE__)
  CHECK(Has(a.text, "[sp"));
#else
  CHECK(!Has(a.text, "str d0, [sp"));
  CHECK(Has(a.text, "w1"));
#endif
}

TEST_CASE("a64: shifts clamp counts at the width, bounds checks trap unsigned >= length") {
  Assembled a = Assemble(R"(
fn @shl(%0: i32, %1: i32) -> i32 {
bb0:
  %2:i32 = shl %0, %1
  ret %2
}
fn @sar(%0: i64, %1: i64) -> i64 {
bb0:
  %2:i64 = ashr %0, %1
  ret %2
}
fn @check(%0: i64) -> i64 {
bb0:
  boundscheck %0, 10
  ret %0
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "lsl w"));
  CHECK(Has(a.text, "cmp x1, 32"));
  CHECK(Has(a.text, "csel"));
  CHECK(Has(a.text, "cmp x1, 63"));
  CHECK(Has(a.text, "asr x0, x0, x"));
  CHECK(Has(a.text, "cmp x0, 10"));
  CHECK(Has(a.text, "b.cs"));
}

// The same -print ctjit-asm format as on x86-64 (emit_common.cpp), checked on every host.
TEST_CASE("a64: the listing shows IR before its code, blocks, offsets and bytes") {
  Assembled a = Assemble(R"(
fn @pick(%0: i32, %1: i32) -> i32 {
bb0:
  %2:i32 = add %0, %1
  %3:i8 = icmp slt i32 %2, %1
  condbr %3, bb1, bb2
bb1:
  ret %2
bb2:
  ret %0
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  // Every line starts with its offset: six hex digits and two spaces.
  std::istringstream lines(a.text);
  size_t count = 0, without_offset = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    bool ok = line.size() > 8 && line.compare(6, 2, "  ") == 0;
    for (size_t i = 0; ok && i < 6; ++i) ok = std::isxdigit(uint8_t(line[i])) != 0;
    without_offset += !ok;
  }
  CHECK(count > 10);
  CHECK(without_offset == 0);
  // The IR header, the block labels and each IR instruction, in order, before the code it became;
  // the compare fused into the branch appears with it.
  size_t header = a.text.find("000000  ; fn @pick(%0: i32, %1: i32) -> i32 {");
  size_t bb0 = a.text.find("; bb0:"), bb1 = a.text.find("; bb1:"), bb2 = a.text.find("; bb2:");
  size_t ir_add = a.text.find(";   %2:i32 = add %0, %1");
  size_t asm_add = a.text.find("add w0, w2, w1", ir_add);
  size_t ir_cmp = a.text.find(";   %3:i8 = icmp slt i32 %2, %1");
  size_t ir_br = a.text.find(";   condbr %3, bb1, bb2");
  size_t asm_cmp = a.text.find("cmp w0, w1", ir_br);
  size_t ir_ret = a.text.find(";   ret %2");
  REQUIRE(header != std::string::npos);
  REQUIRE(asm_add != std::string::npos);
  REQUIRE(asm_cmp != std::string::npos);
  REQUIRE(ir_ret != std::string::npos);
  CHECK(header < bb0);
  CHECK(bb0 < ir_add);
  CHECK(asm_add < ir_cmp);
  CHECK(ir_cmp < ir_br);
  CHECK(asm_cmp < bb1);
  CHECK(bb1 < ir_ret);
  CHECK(ir_ret < bb2);
  CHECK_FALSE(Has(a.text, "ir #"));
  // The bytes behind each instruction (as stored: little-endian words), at 4-byte offsets.
  CHECK(Has(a.text, "000000  stp x29, x30, [sp, -16]!"));
  CHECK(Has(a.text, "; FD7BBFA9\n000004  mov x29, sp"));
  CHECK(Has(a.text, "add w0, w2, w1                              ; 4000010B"));
}

// Atomics without LSE: ldar/stlr, exclusive loops with the acquire/release halves of the ordering.
TEST_CASE("a64: atomics: ldar/stlr, ldxr/stxr loops per ordering, cmpxchg exits on a mismatch") {
  Assembled a = Assemble(R"(
fn @atomics(%0: ptr, %1: i32, %2: i8, %3: i64) -> i32 {
bb0:
  %4:i32 = atomic_load seq_cst %0
  %5:i32 = atomic_load relaxed %0
  atomic_store i32 release %1, %0
  atomic_store i8 relaxed %2, %0
  %6:i32 = atomic_rmw add seq_cst %0, %1
  %7:i8 = atomic_rmw smax relaxed %0, %2
  %8:i64 = atomic_rmw nand acquire %0, %3
  %9:i16 = atomic_load acquire %0
  %10:i32 = cmpxchg release relaxed %0, %4, %5
  fence acquire
  fence seq_cst
  %11:i32 = add %10, %6
  %12:i64 = atomic_rmw xchg seq_cst %0, %3
  ret %11
}
)");
  INFO(a.text);
  REQUIRE(a.error == "");
  CHECK(Has(a.text, "ldar w"));
  CHECK(Has(a.text, "ldarh w"));
  CHECK(Has(a.text, "stlr w"));
  CHECK(Has(a.text, "strb w"));     // a relaxed store is a plain one
  CHECK(Has(a.text, "ldaxr w9"));   // seq_cst add: acquire and release halves
  CHECK(Has(a.text, "stlxr w11, w10"));
  CHECK(Has(a.text, "ldxrb w9"));   // relaxed smax on i8: no barriers, both sides sign-extended
  CHECK(Has(a.text, "sxtb w12, w9"));
  CHECK(Has(a.text, "stxrb w11, w10"));
  CHECK(Has(a.text, "ldaxr x9"));   // acquire nand on i64: and, then not
  CHECK(Has(a.text, "mvn x10, x10"));
  CHECK(Has(a.text, "stxr w11, x10"));
  CHECK(Has(a.text, "cbnz w11"));
  CHECK(Has(a.text, "stlxr w11"));  // cmpxchg release: stlxr after the compare
  CHECK(Has(a.text, "dmb 9"));      // acquire fence: ishld
  CHECK(Has(a.text, "dmb 11"));     // seq_cst fence: ish
  bool stlr = false, stllr = false, stlxr64 = false;
  for (size_t i = 0; i + 4 <= a.bytes.size(); i += 4) {
    uint32_t w;
    std::memcpy(&w, &a.bytes[i], 4);
    stlr |= (w & 0x3FFFFC00u) == 0x089FFC00u;   // STLR{B,H} Wt, [Xn]
    stllr |= (w & 0x3FFFFC00u) == 0x089F7C00u;  // STLLR (what asmjit's stlr() method encodes)
    stlxr64 |= (w & 0xFFE0FC00u) == 0xC800FC00u && (w >> 16 & 31) == 11;  // STLXR W11, Xt, [Xn]
  }
  CHECK(stlr);
  CHECK_FALSE(stllr);
  CHECK(stlxr64);  // the seq_cst xchg on i64 (this asmjit rejects the form; it is emitted as a word)
}
