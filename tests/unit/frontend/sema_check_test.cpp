// Unit tests for checking and lowering (src/frontend/check_and_lower.h) on whole programs, without an
// evaluator: literal typing and ranges, folding, scopes, return analysis, and the shape of the
// IR that lowering produces (externals, variadic calls, bounds checks, slots).
#include <doctest/doctest.h>

#include <string>

#include "frontend/check_and_lower.h"
#include "frontend/syntax/lexer.h"
#include "frontend/syntax/parser.h"

using namespace thrustc;
using namespace thrustc::frontend;

namespace {

struct Run {
  SourceManager sources;
  DiagnosticEngine diags{sources};
  NameTable names;
  TokenList tokens;
  Ast ast;
  ir::Module module;
  bool ok = false;
  explicit Run(std::string text) {
    FileId f = sources.AddBuffer("test.thrust", std::move(text));
    tokens = Lex(f, sources.File(f).text, diags);
    ast = Parse(tokens, sources.File(f).text, names, diags);
    REQUIRE(!diags.HasErrors());
    CheckAndLowerInput in{{&ast}, &names, &sources, &diags, nullptr};
    ok = CheckAndLower(in, module);
  }
  size_t Count(DiagKind kind) const {
    size_t n = 0;
    for (const Diagnostic& d : diags.All()) n += d.kind == kind;
    return n;
  }
  std::string FirstMessage() const { return diags.All().empty() ? "" : diags.All()[0].message; }
  const ir::Function* Fn(std::string_view name) const {
    ir::FuncId f = module.FindFunction(name);
    return f == UINT32_MAX ? nullptr : &module.functions[f];
  }
  size_t CountOps(std::string_view fn, ir::Op op) const {
    size_t n = 0;
    for (const ir::Block& b : Fn(fn)->blocks)
      for (const ir::Inst& i : b.insts) n += i.op == op;
    return n;
  }
  bool HasIConst(std::string_view fn, int64_t v) const {
    for (const ir::Block& b : Fn(fn)->blocks)
      for (const ir::Inst& i : b.insts)
        if (i.op == ir::Op::IConst && i.imm == v) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("literals take their type from context and are range checked") {
  Run ok("fn main() s32 @public { var b: u8 = 255; var c: s8 = -128; return 0; }");
  CHECK(ok.ok);
  Run bad("fn main() s32 @public { var b: u8 = 300; return 0; }");
  CHECK(!bad.ok);
  CHECK(bad.Count(DiagKind::LiteralOutOfRange) == 1);
  CHECK(bad.FirstMessage() == "300 does not fit in `u8`");
  Run neg("fn main() s32 @public { var b: u32 = -1; return 0; }");
  CHECK(neg.Count(DiagKind::LiteralOutOfRange) == 1);
}

TEST_CASE("type errors name both types") {
  Run r("fn main() s32 @public { var f: bool = true; var n: s32 = f; return n; }");
  CHECK(r.Count(DiagKind::TypeMismatch) == 1);
  CHECK(r.FirstMessage() == "expected `s32`, found `bool`");
  Run narrow("fn main() s32 @public { var a: s64 = 1; var b: s32 = a; return b; }");
  CHECK(narrow.Count(DiagKind::TypeMismatch) == 1);
  Run widen("fn main() s32 @public { var a: s16 = 1; var b: s64 = a; return 0; }");
  CHECK(widen.ok);
}

TEST_CASE("constant arithmetic folds in the checker") {
  Run r("const A: s32 = 6; const B: s32 = A * 7; fn main() s32 @public { return B; }");
  REQUIRE(r.ok);
  CHECK(r.HasIConst("main", 42));
  CHECK(r.CountOps("main", ir::Op::Mul) == 0);
  Run size("struct P { a: u8, b: u32, c: u16, } fn main() s32 @public { return sizeOf(P) as s32; }");
  REQUIRE(size.ok);
  CHECK(size.HasIConst("main", 12));
  Run packed("struct P @packed { a: u8, b: u32, c: u16, } fn main() s32 @public { return sizeOf(P) as s32; }");
  REQUIRE(packed.ok);
  CHECK(packed.HasIConst("main", 7));
}

TEST_CASE("enum members are typed constants, implicit ones count up") {
  Run r("enum E { A: u8 = 5; B: u8; } fn main() s32 @public { return E->B as s32; }");
  REQUIRE(r.ok);
  CHECK(r.HasIConst("main", 6));
}

TEST_CASE("shadowing in an inner block is allowed, redeclaring in the same block is not") {
  Run ok("fn main() s32 @public { var x: s32 = 1; { var x: s32 = 2; } return x; }");
  CHECK(ok.ok);
  Run bad("fn main() s32 @public { var x: s32 = 1; var x: s32 = 2; return x; }");
  CHECK(bad.Count(DiagKind::Redeclaration) == 1);
}

TEST_CASE("forward references at top level") {
  Run r("fn main() s32 @public { return twice(LIMIT); } fn twice(n: s32) s32 { return n * 2; } const LIMIT: s32 = 4;");
  CHECK(r.ok);
}

TEST_CASE("all-paths return analysis") {
  Run ok("fn f(n: s32) s32 { if n > 0 { return 1; } else { return 2; } } fn main() s32 @public { return f(1); }");
  CHECK(ok.ok);
  Run loop("fn f() s32 { loop { } } fn main() s32 @public { return f(); }");
  CHECK(loop.ok);
  Run bad("fn f(n: s32) s32 { if n > 0 { return 1; } } fn main() s32 @public { return f(1); }");
  CHECK(bad.Count(DiagKind::MissingReturn) == 1);
  Run brk("fn f() s32 { loop { break; } } fn main() s32 @public { return f(); }");
  CHECK(brk.Count(DiagKind::MissingReturn) == 1);
}

TEST_CASE("conditions must be bool, deref of untyped ptr is an error") {
  Run cond("fn main() s32 @public { var n: s32 = 1; while n { } return 0; }");
  CHECK(cond.Count(DiagKind::ConditionNotBool) == 1);
  Run deref("fn main() s32 @public { var p: ptr = nullptr; var n: s32 = deref p; return n; }");
  CHECK(deref.Count(DiagKind::DerefUntypedPointer) == 1);
}

TEST_CASE("fixed-array indexing: constant out of range is an error, variable index is bounds checked") {
  Run bad("fn main() s32 @public { var a: array[s32; 3]; return deref a[3]; }");
  CHECK(bad.Count(DiagKind::IndexOutOfRange) == 1);
  Run dyn("fn get(i: s32) s32 { var a: array[s32; 3]; return deref a[i]; } fn main() s32 @public { return get(1); }");
  REQUIRE(dyn.ok);
  CHECK(dyn.CountOps("get", ir::Op::BoundsCheck) == 1);
  Run cst("fn main() s32 @public { var a: array[s32; 3]; return deref a[2]; }");
  REQUIRE(cst.ok);
  CHECK(cst.CountOps("main", ir::Op::BoundsCheck) == 0);
}

TEST_CASE("extern prototypes become one External function per symbol, variadic args promoted") {
  Run r(R"(fn print(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;
fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;
fn main() s32 @public { var c: u8 = 7; var f: f32 = 1.5; print("%d %f\n", c, f); printf("x"); return 0; })");
  REQUIRE(r.ok);
  const ir::Function* printf_fn = r.Fn("printf");
  REQUIRE(printf_fn);
  CHECK(printf_fn->IsExternal());
  CHECK(printf_fn->sig.variadic);
  const ir::Function* main_fn = r.Fn("main");
  CHECK(main_fn->linkage == ir::Linkage::Public);
  REQUIRE(main_fn->calls.size() == 2);
  const ir::CallInfo& call = main_fn->calls[0];
  CHECK(call.variadic);
  CHECK(call.fixed_count == 1);
  REQUIRE(call.arg_types.size() == 3);
  CHECK(call.arg_types[1].scalar == ir::Type::I32);  // u8 -> u32
  CHECK(call.arg_types[2].scalar == ir::Type::F64);  // f32 -> f64
  size_t externals = 0;
  for (const ir::Function& f : r.module.functions) externals += f.IsExternal();
  CHECK(externals == 1);
}

TEST_CASE("attributes: unknown warns, duplicates and misplaced ones are errors") {
  Run unknown("fn main() s32 @public @speedy { return 0; }");
  CHECK(unknown.ok);
  CHECK(unknown.Count(DiagKind::UnknownAttribute) == 1);
  Run dup("fn main() s32 @public @public { return 0; }");
  CHECK(dup.Count(DiagKind::DuplicateAttribute) == 1);
  Run body("fn f() @extern(\"f\") { } fn main() s32 @public { return 0; }");
  CHECK(body.Count(DiagKind::InvalidAttribute) == 1);
  Run variadic("fn f(n: s32) @arbitraryArgs { } fn main() s32 @public { return 0; }");
  CHECK(variadic.ok);
  CHECK(variadic.Count(DiagKind::HiddenArgCount) == 1);
  Run no_count("fn f(n: s32) @noArgCount { } fn main() s32 @public { return 0; }");
  CHECK(no_count.Count(DiagKind::InvalidAttribute) == 1);
}

TEST_CASE("main signatures") {
  CHECK(Run("fn main() s32 @public { return 0; }").ok);
  CHECK(Run("fn main(argc: s32, argv: ptr[array[char]]) s32 @public { return argc; }").ok);
  CHECK(Run("fn main() u8 @public { return 0; }").Count(DiagKind::InvalidMain) == 1);
}

TEST_CASE("pointer arithmetic scales by the element size, ptr - ptr is ssize") {
  Run r(R"(fn diff(a: ptr[s64], b: ptr[s64]) ssize { return a - b; }
fn step(p: ptr[s32]) ptr[s32] { return p + 3; }
fn main() s32 @public { return 0; })");
  REQUIRE(r.ok);
  bool scaled = false;
  for (const ir::Block& b : r.Fn("step")->blocks)
    for (const ir::Inst& i : b.insts) scaled |= i.op == ir::Op::PtrAdd && i.imm == 4;
  CHECK(scaled);
  CHECK(r.CountOps("diff", ir::Op::SDiv) == 1);
}

TEST_CASE("&& and || short-circuit through blocks") {
  Run r("fn f(a: bool, b: bool) bool { return a && b; } fn main() s32 @public { return 0; }");
  REQUIRE(r.ok);
  CHECK(r.Fn("f")->blocks.size() >= 3);
  CHECK(r.CountOps("f", ir::Op::CondBr) == 1);
}

TEST_CASE("compile-time evaluation without an evaluator is reported, not crashed") {
  Run r("fn f() s32 { return 3; } const X: s32 = f(); fn main() s32 @public { return X; }");
  CHECK(!r.ok);
  CHECK(r.Count(DiagKind::NotSupported) == 1);
}
