// The facts of section 8.1 (builtins.def, family Fact): constants about the compiler, the target,
// the host and the source location, answered by the checker; and the static checks of 10.7
// (family Assert): `staticAssert`, `compileError`, `compileWarning`, which leave no code.
#include "frontend/sema/sema_impl.h"

#ifndef THRUSTC_VERSION
#define THRUSTC_VERSION "0.0.0"
#endif

namespace thrustc::frontend {

namespace {
#if defined(__x86_64__)
constexpr std::string_view kHostArch = "x86_64";
#elif defined(__aarch64__)
constexpr std::string_view kHostArch = "aarch64";
#else
constexpr std::string_view kHostArch = "unknown";
#endif
#if defined(__linux__)
constexpr std::string_view kHostOs = "linux";
#elif defined(__APPLE__)
constexpr std::string_view kHostOs = "macos";
#elif defined(_WIN32)
constexpr std::string_view kHostOs = "windows";
#else
constexpr std::string_view kHostOs = "unknown";
#endif

// The parts of a target triple `arch-vendor-os[-abi]` (a missing vendor is allowed: `aarch64-linux-gnu`).
struct Triple {
  std::string arch, vendor, os, abi;
};
Triple SplitTriple(const std::string& triple) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= triple.size(); ++i)
    if (i == triple.size() || triple[i] == '-') parts.push_back(triple.substr(start, i - start)), start = i + 1;
  Triple t;
  t.arch = parts.empty() ? "" : parts[0];
  size_t os = parts.size() >= 3 && parts[1] != "linux" ? 2 : 1;
  if (os == 2) t.vendor = parts[1];
  if (os < parts.size()) t.os = parts[os];
  if (os + 1 < parts.size()) t.abi = parts[os + 1];
  if (t.vendor.empty()) t.vendor = "unknown";
  return t;
}
bool Has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

std::string Sema::TargetTripleText() const {
  if (!in_.facts.target_triple.empty()) return in_.facts.target_triple;
  return std::string(kHostArch) + (kHostOs == "linux" ? "-pc-linux-gnu" : kHostOs == "macos" ? "-apple-darwin" : "-unknown-" + std::string(kHostOs));
}

// The value of a fact builtin (node n is the call; the argument of `hasFeature` is checked).
std::optional<ConstVal> Sema::FactValue(FnCtx& fc, NodeId n, Builtin which) {
  Triple t = SplitTriple(TargetTripleText());
  const std::string& a = t.arch;
  bool x8664 = a == "x86_64", aarch64 = a == "aarch64" || a == "arm64";
  bool linux_os = Has(t.os, "linux"), darwin = Has(t.os, "darwin") || Has(t.os, "macos"), windows = Has(t.os, "windows");
  bool bsd = Has(t.os, "bsd"), wasm = a.rfind("wasm", 0) == 0;
  bool bits64 = x8664 || aarch64 || a == "riscv64" || a == "ppc64" || a == "ppc64le" || a == "mips64" ||
                a == "s390x" || a == "loongarch64" || a == "wasm64";
  bool big = a == "ppc64" || a == "ppc" || a == "s390x" || a == "mips64";
  auto b = [](bool v) { return ConstVal{kBool, __int128(v)}; };
  auto str = [&](std::string_view s) {
    uint32_t g = StringGlobal(std::string(s));
    fact_strings_.emplace(g, std::string(s));
    return ConstVal{types_.Const(types_.Slice(kChar)), 0, 0, g};
  };
  auto size = [](uint64_t v) { return ConstVal{kUSize, __int128(v)}; };
  const Ast& ast = AstOf(fc.file);
  switch (which) {
    case Builtin::CompilerVersion: return str(THRUSTC_VERSION);
    case Builtin::DebugBuild: return b(in_.facts.debug_build);
    case Builtin::File: return str(in_.sources->File(ast.file).path);
    case Builtin::FileLine: return ConstVal{kU32, __int128(in_.sources->Position(ast.Loc(n)).line)};
    case Builtin::CurrentFuncName:
      return str(fc.fn_sym == UINT32_MAX ? std::string_view() : files_[fc.file].instance.empty()
                                                                     ? Str(syms_[fc.fn_sym].name)
                                                                     : std::string_view(files_[fc.file].instance));
    case Builtin::TargetOS: return str(darwin ? "macos" : t.os);
    case Builtin::TargetArch: return str(a);
    case Builtin::TargetVendor: return str(t.vendor);
    case Builtin::TargetAbi: return str(t.abi);
    case Builtin::TargetTriple: return str(TargetTripleText());
    case Builtin::TargetCPU: return str("generic");
    case Builtin::TargetCpuFeatures: return str("");
    case Builtin::HasFeature: {
      NodeId arg = ast.ListAt(ast[n].b, 0);
      TypeId ty = CheckExpr(fc, arg);
      if (ty == kErrorType) return std::nullopt;
      if (ast[arg].kind != NodeKind::StringLit) {
        Error(DiagKind::NotConstant, NodeRange(fc.file, arg), "`hasFeature` takes a string literal, e.g. `hasFeature(\"sse2\")`");
        return std::nullopt;
      }
      const std::string& f = ast.strings[ast[arg].a];
      // The baseline features every CPU of the architecture has; thrustc targets the baseline.
      bool v = (x8664 && (f == "sse" || f == "sse2" || f == "fxsr" || f == "mmx" || f == "x87" || f == "cx8")) ||
               (aarch64 && (f == "neon" || f == "fp-armv8" || f == "fp"));
      return b(v);
    }
    case Builtin::PointerWidth: case Builtin::IsizeWidth: case Builtin::UsizeWidth: return size(bits64 ? 64 : 32);
    case Builtin::PointerAlign: return size(bits64 ? 8 : 4);
    case Builtin::MaxAlignment: return size(16);
    case Builtin::HostOsName: return str(kHostOs);
    case Builtin::HostArch: return str(kHostArch);
    case Builtin::HostEndian: return str("little");
    case Builtin::HostName: return str(in_.facts.host_name);
    case Builtin::CurrentTimestamp: return size(in_.facts.timestamp);
    case Builtin::ProcessorCount: return size(in_.facts.processor_count);
    case Builtin::IsLinux: return b(linux_os);
    case Builtin::IsWindows: return b(windows);
    case Builtin::IsDarwin: case Builtin::IsApple: return b(darwin || Has(t.vendor, "apple"));
    case Builtin::IsAix: return b(Has(t.os, "aix"));
    case Builtin::IsUnix: return b(linux_os || darwin || bsd || Has(t.os, "solaris") || Has(t.os, "aix") || Has(t.os, "haiku"));
    case Builtin::IsBSD: return b(bsd);
    case Builtin::IsFreeBSD: return b(Has(t.os, "freebsd"));
    case Builtin::IsNetBSD: return b(Has(t.os, "netbsd"));
    case Builtin::IsOpenBSD: return b(Has(t.os, "openbsd"));
    case Builtin::IsAndroid: return b(Has(t.abi, "android"));
    case Builtin::IsIOS: return b(Has(t.os, "ios"));
    case Builtin::IsSolaris: return b(Has(t.os, "solaris"));
    case Builtin::IsHaiku: return b(Has(t.os, "haiku"));
    case Builtin::Is64Bit: return b(bits64);
    case Builtin::Is32Bit: return b(!bits64);
    case Builtin::IsBigEndian: return b(big);
    case Builtin::IsLittleEndian: return b(!big);
    case Builtin::IsX86: return b(x8664 || a == "i386" || a == "i686" || a == "x86");
    case Builtin::IsX8664: return b(x8664);
    case Builtin::IsArm: return b(a.rfind("arm", 0) == 0 && a != "arm64");
    case Builtin::IsAarch64: return b(aarch64);
    case Builtin::IsRiscv64: return b(a == "riscv64");
    case Builtin::IsPpc: return b(a == "ppc" || a == "powerpc");
    case Builtin::IsPpc64: return b(a == "ppc64" || a == "ppc64le");
    case Builtin::IsMips64: return b(a == "mips64" || a == "mips64el");
    case Builtin::IsSystemz: return b(a == "s390x");
    case Builtin::IsLoongarch64: return b(a == "loongarch64");
    case Builtin::IsWasm: return b(wasm);
    case Builtin::IsWasm32: return b(a == "wasm32");
    case Builtin::IsWasm64: return b(a == "wasm64");
    case Builtin::IsElf: return b(!darwin && !windows && !wasm);
    case Builtin::IsMachO: return b(darwin);
    case Builtin::IsCoff: return b(windows);
    case Builtin::HasPosixThreads: return b(!windows && !wasm);
    case Builtin::HasSysvAbi: return b(x8664 && !windows);
    default: return std::nullopt;
  }
}

TypeId Sema::CheckFact(FnCtx& fc, NodeId n, Builtin which) {
  std::optional<ConstVal> v = FactValue(fc, n, which);
  if (!v) return kErrorType;
  SetNodeConst(fc.file, n, *v);
  return v->type;
}

// The text argument of compileError/compileWarning/staticAssert: a string literal.
static const std::string* MessageOf(Sema& s, FnCtx& fc, NodeId arg, std::string_view builtin) {
  const Ast& ast = s.AstOf(fc.file);
  if (ast[arg].kind == NodeKind::StringLit) return &ast.strings[ast[arg].a];
  s.Error(DiagKind::NotConstant, s.NodeRange(fc.file, arg), "`" + std::string(builtin) + "` takes its text as a string literal");
  return nullptr;
}

// staticAssert(c, "text"): c is evaluated now (10.7); compileError/compileWarning report where the
// checker reaches them. None of them has a value or leaves code.
TypeId Sema::CheckAssertBuiltin(FnCtx& fc, NodeId n, Builtin which) {
  const Ast& ast = AstOf(fc.file);
  const Node& node = ast[n];
  SourceRange where = ExprRange(fc.file, n);
  if (which == Builtin::CompileError || which == Builtin::CompileWarning) {
    const std::string* text = MessageOf(*this, fc, ast.ListAt(node.b, 0), which == Builtin::CompileError ? "compileError" : "compileWarning");
    if (!text) return kErrorType;
    Error(which == Builtin::CompileError ? DiagKind::CompileError : DiagKind::CompileWarning, where, *text);
    return which == Builtin::CompileError ? kErrorType : kVoid;
  }
  NodeId cond = ast.ListAt(node.b, 0);
  const std::string* text = MessageOf(*this, fc, ast.ListAt(node.b, 1), "staticAssert");
  std::optional<bool> v = EvalCtCondition(fc, cond, "the `staticAssert` condition");
  if (!v || !text) return kErrorType;
  if (!*v) {
    Error(DiagKind::StaticAssertFailed, where, "static assertion failed: " + *text);
    return kErrorType;
  }
  return kVoid;
}

}  // namespace thrustc::frontend
