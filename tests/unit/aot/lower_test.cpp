// Lowering of every op family to LLVM IR, checked on the LLVM text and by LLVM's verifier at -O0
// and -O2; compile-time-only functions never reach the output; artifacts and failures.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "aot_test_util.h"

using namespace aot_test;

namespace {

const char* kEveryOp = R"(
type %P = { i32 @0, i32 @4 } size 8 align 4
global @g size 16 align 8 mut public = bytes x"01000000000000000200000000000000"
global @table size 16 align 8 = zero relocs { 0: fn @ops, 8: @g + 4 }
extern fn @printf(ptr, ...) -> i32

fn @ops(%0: i32, %1: i32, %2: f64, %3: ptr) -> i32 public {
  slot $0 size 8 align 8 "x"
bb0:
  %4:i32 = add %0, %1
  %5:i32 = sub %4, %1
  %6:i32 = mul %5, %0
  %7:i32 = sdiv %6, %1
  %8:i32 = udiv %7, %1
  %9:i32 = srem %8, %1
  %10:i32 = urem %9, %1
  %11:i32 = and %10, %0
  %12:i32 = or %11, %0
  %13:i32 = xor %12, %0
  %14:i32 = shl %13, %1
  %15:i32 = lshr %14, %1
  %16:i32 = ashr %15, %1
  %17:f64 = fadd %2, %2
  %18:f64 = fsub %17, %2
  %19:f64 = fmul %18, %2
  %20:f64 = fdiv %19, %2
  %21:f64 = frem %20, %2
  %22:f64 = fneg %21
  %23:i32 = neg %16
  %24:i32 = not %23
  %25:i8 = icmp slt i32 %24, %0
  %26:i8 = fcmp olt f64 %22, %2
  %27:i64 = sext %24
  %28:i64 = zext %24
  %29:i16 = trunc %24
  %30:f64 = sitofp %24
  %31:f32 = uitofp %24
  %32:i32 = fptosi %30
  %33:i32 = fptoui %30
  %34:f64 = fpext %31
  %35:f32 = fptrunc %34
  %36:i64 = ptrtoint %3
  %37:ptr = inttoptr %36
  %38:ptr = slot_addr $0
  store i64 %27, %38
  %39:i64 = load %38
  %40:ptr = ptradd %37, %39 * 4
  %41:ptr = ptroffset %40, 8
  %42:ptr = global_addr @g
  copy %38, %42, 8
  zero %38, 8
  boundscheck %28, 10
  %45:i32 = atomic_load acquire %38
  atomic_store i32 release %45, %38
  %46:i32 = atomic_rmw smin acq_rel %38, %0
  %47:i32 = cmpxchg seq_cst acquire %38, %46, %1
  fence seq_cst
  %43:ptr = func_addr @ops
  %44:i32 = call @printf(%42: ptr, ... %30: f64)
  condbr %25, bb1, bb2
bb1:
  ret %44
bb2:
  trap unreachable
}
)";

}  // namespace

TEST_CASE("every op lowers and verifies at -O0, with the operations the semantics need") {
  std::string ll = LlvmIr(kEveryOp);
  CheckInOrder(ll, {"@g = global [16 x i8]", "@table = internal constant <{ ptr, ptr }> <{ ptr @ops, ptr getelementptr (i8, ptr @g, i64 4) }>",
                    "define i32 @ops(i32 %0, i32 %1, double %2, ptr %3)", "add i32", "sub i32", "mul i32",
                    "sdiv i32", "udiv i32", "srem i32", "urem i32", "and i32", "or i32", "xor i32"});
  // Shifts by >= the width are defined: a select for shl/lshr, a clamp for ashr.
  CheckInOrder(ll, {"icmp ult i32 %1, 32", "shl i32", "select i1", "icmp ult i32 %1, 32", "lshr i32", "select i1",
                    "@llvm.umin.i32(i32 %1, i32 31)", "ashr i32"});
  CheckInOrder(ll, {"fadd double", "fsub double", "fmul double", "fdiv double", "frem double", "fneg double",
                    "sub i32 0", "xor i32 %", "icmp slt i32", "zext i1", "fcmp olt double", "sext i32",
                    "zext i32", "trunc i32", "sitofp i32", "uitofp i32", "fptosi double", "fptoui double",
                    "fpext float", "fptrunc double", "ptrtoint ptr", "inttoptr i64", "store i64",
                    "load i64", "getelementptr inbounds i32, ptr %", "getelementptr inbounds i8, ptr %",
                    "llvm.memcpy", "llvm.memset", "call i32 (ptr, ...) @printf(ptr @g, double",
                    "icmp ne i8", "ret i32", "call void @llvm.trap()", "unreachable"});
  CheckInOrder(ll, {"load atomic i32, ptr %", "acquire, align 4", "store atomic i32 %", "release, align 4",
                    "atomicrmw min ptr %", "acq_rel, align 4", "cmpxchg ptr %", "seq_cst acquire, align 4",
                    "extractvalue { i32, i1 }", "fence seq_cst"});
  // Bounds checks emit nothing in an AOT binary (undefined behaviour there, section 5.3).
  CHECK(ll.find("icmp ult i64 %") == std::string::npos);
}

TEST_CASE("every op lowers and verifies at -O2 for both targets") {
  for (const char* triple : {"x86_64-linux-gnu", "aarch64-linux-gnu"}) {
    std::string ll = LlvmIr(kEveryOp, triple, aot::OptLevel::O2);
    CHECK(ll.find("i32 @ops(") != std::string::npos);
    CHECK(ll.find(std::string("target triple = \"") + (triple[0] == 'x' ? "x86_64" : "aarch64")) != std::string::npos);
  }
}

TEST_CASE("registers defined in a block that comes later in the function are lowered first") {
  std::string ll = LlvmIr(R"(
fn @f(%0: i32) -> i32 public {
bb0:
  br bb2
bb1:
  %2:i32 = add %1, %1
  ret %2
bb2:
  %1:i32 = add %0, %0
  br bb1
bb3:
  trap unreachable
}
)");
  // Blocks keep their source order in the output; the verifier accepted the definitions.
  CheckInOrder(ll, {"define i32 @f", "add i32 %", "ret i32", "add i32 %0, %0", "br label"});
  CHECK(ll.find("llvm.trap") == std::string::npos);  // the unreachable block is dropped
}

TEST_CASE("constant shifts below the width are one instruction") {
  std::string ll = LlvmIr(R"(
fn @f(%0: i64) -> i64 public {
bb0:
  %1:i64 = iconst 3
  %2:i64 = shl %0, %1
  ret %2
}
)");
  CheckInOrder(ll, {"shl i64 %0, 3", "ret i64"});
  CHECK(ll.find("select") == std::string::npos);
}

TEST_CASE("compile-time-only functions never reach the output") {
  std::string text = R"(
global @result size 8 align 8 = bytes x"2a00000000000000"
fn @square_at_compile_time(%0: i64) -> i64 compiletime {
bb0:
  %1:i64 = mul %0, %0
  ret %1
}
fn @main() -> i32 public {
bb0:
  %0:ptr = global_addr @result
  %1:i64 = load %0
  %2:i32 = trunc %1
  ret %2
}
)";
  std::string ll = LlvmIr(text, "x86_64-linux-gnu", aot::OptLevel::O2);
  CHECK(ll.find("square_at_compile_time") == std::string::npos);
  CheckInOrder(ll, {"define", "i32 @main()", "ret i32 42"});  // the compile-time result, folded
  std::string asm_text, error;
  aot::AotOptions options;
  REQUIRE(aot::PrintArtifact(Parse(text), options, aot::Artifact::Asm, &asm_text, &error));
  CHECK(asm_text.find("main:") != std::string::npos);
  CHECK(asm_text.find("square_at_compile_time") == std::string::npos);
}

TEST_CASE("a run-time call of a compile-time-only function is an error, not a crash") {
  ir::Module m = Parse(R"(
fn @ct() -> i32 compiletime {
bb0:
  %0:i32 = iconst 1
  ret %0
}
fn @main() -> i32 public {
bb0:
  %0:i32 = call @ct()
  ret %0
}
)");
  std::string out, error;
  CHECK_FALSE(aot::PrintArtifact(m, {}, aot::Artifact::LlvmIr, &out, &error));
  CHECK(error.find("compile-time-only function 'ct'") != std::string::npos);
}

TEST_CASE("artifacts are written whole, a failure leaves no file") {
  namespace fs = std::filesystem;
  ir::Module m = Parse("fn @main() -> i32 public {\nbb0:\n  %0:i32 = iconst 7\n  ret %0\n}\n");
  fs::path dir = fs::temp_directory_path() / ("thrustc_aot_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string error;
  aot::AotOptions options;
  for (auto [kind, name] : {std::pair{aot::Artifact::Obj, "m.o"}, {aot::Artifact::Asm, "m.s"},
                            {aot::Artifact::LlvmBc, "m.bc"}, {aot::Artifact::LlvmIr, "m.ll"}}) {
    CHECK(aot::EmitArtifact(m, options, kind, (dir / name).string(), &error));
    CHECK(fs::file_size(dir / name) > 0);
  }
  std::ifstream bc(dir / "m.bc", std::ios::binary);
  char magic[2] = {};
  bc.read(magic, 2);
  CHECK((magic[0] == 'B' && magic[1] == 'C'));
  // Link the object into an executable and run it.
  aot::LinkOptions link;
  link.objects = {(dir / "m.o").string()};
  link.output = (dir / "m.exe").string();
  REQUIRE(aot::Link(link, &error));
  int status = std::system((dir / "m.exe").string().c_str());
  CHECK(WEXITSTATUS(status) == 7);
  // Failures: an unknown target, a missing library; neither leaves an output file behind.
  options.target_triple = "sparc-sun-solaris";
  CHECK_FALSE(aot::EmitArtifact(m, options, aot::Artifact::Obj, (dir / "bad.o").string(), &error));
  CHECK(error.find("not supported") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "bad.o"));
  link.output = (dir / "bad.exe").string();
  link.libraries = {"thrustc_no_such_library"};
  CHECK_FALSE(aot::Link(link, &error));
  CHECK(error.find("thrustc_no_such_library") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "bad.exe"));
  size_t leftovers = 0;
  for (const auto& e : fs::directory_iterator(dir)) leftovers += e.path().string().find(".tmp-") != std::string::npos;
  CHECK(leftovers == 0);
  fs::remove_all(dir);
}
