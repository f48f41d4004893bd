// The AOT entry points of aot.h: lower → verify → optimise → write LLVM IR, bitcode, assembly or
// an object file. Output files are written beside their destination and renamed into place, so a
// failure never leaves a partial file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "aot/aot.h"
#include "aot/lower.h"
#include "aot/pipeline.h"

namespace thrustc::aot {

namespace {
double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Lowers, verifies and optimises `module` for the target of `options`.
std::unique_ptr<llvm::Module> Build(const ir::Module& module, const AotOptions& options, llvm::LLVMContext& ctx,
                                    Target& target, std::string* error, AotTimes& times) {
  auto start = std::chrono::steady_clock::now();
  if (!MakeTarget(options.target_triple, options.opt, &target, error)) return nullptr;
  auto out = std::make_unique<llvm::Module>("thrust", ctx);
  out->setTargetTriple(target.triple);
  out->setDataLayout(target.machine->createDataLayout());
  out->setPICLevel(llvm::PICLevel::BigPIC);
  out->setPIELevel(llvm::PIELevel::Large);
  if (!LowerModule(module, target.abi, *out, error)) return nullptr;
  if (options.verify) {
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (llvm::verifyModule(*out, &os)) {
      *error = "internal error: the lowered LLVM module does not verify:\n" + problems;
      return nullptr;
    }
  }
  times.lower_seconds += SecondsSince(start);
  start = std::chrono::steady_clock::now();
  Optimize(*out, *target.machine, options.opt);
  times.optimize_seconds += SecondsSince(start);
  return out;
}

bool Generate(llvm::Module& module, Target& target, Artifact kind, llvm::SmallVectorImpl<char>& bytes,
              std::string* error) {
  llvm::raw_svector_ostream os(bytes);
  if (kind == Artifact::LlvmIr) {
    module.print(os, nullptr);
    return true;
  }
  if (kind == Artifact::LlvmBc) {
    llvm::WriteBitcodeToFile(module, os);
    return true;
  }
  llvm::legacy::PassManager pm;
  auto type = kind == Artifact::Asm ? llvm::CodeGenFileType::AssemblyFile : llvm::CodeGenFileType::ObjectFile;
  if (target.machine->addPassesToEmitFile(pm, os, nullptr, type)) {
    *error = "the target cannot emit this kind of file";
    return false;
  }
  pm.run(module);
  return true;
}

bool WriteAtomically(const std::string& path, llvm::ArrayRef<char> bytes, std::string* error) {
  std::string temp = path + ".tmp-XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) {
    *error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += size_t(n);
  }
  bool ok = done == bytes.size();
  ok = close(fd) == 0 && ok;
  // mkstemp makes the file 0600; outputs get the usual 0644 (less the umask).
  mode_t mask = umask(0);
  umask(mask);
  if (ok) ok = chmod(temp.c_str(), 0666 & ~mask) == 0 && std::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok) {
    *error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temp.c_str());
  }
  return ok;
}
}  // namespace

bool EmitArtifact(const ir::Module& module, const AotOptions& options, Artifact kind, const std::string& path,
                  std::string* error, AotTimes* times) {
  AotTimes local;
  AotTimes& t = times ? *times : local;
  llvm::LLVMContext ctx;
  Target target;
  std::unique_ptr<llvm::Module> out = Build(module, options, ctx, target, error, t);
  if (!out) return false;
  auto start = std::chrono::steady_clock::now();
  llvm::SmallVector<char, 0> bytes;
  bool ok = Generate(*out, target, kind, bytes, error) && WriteAtomically(path, bytes, error);
  t.codegen_seconds += SecondsSince(start);
  return ok;
}

bool PrintArtifact(const ir::Module& module, const AotOptions& options, Artifact kind, std::string* text,
                   std::string* error, AotTimes* times) {
  AotTimes local;
  AotTimes& t = times ? *times : local;
  llvm::LLVMContext ctx;
  Target target;
  std::unique_ptr<llvm::Module> out = Build(module, options, ctx, target, error, t);
  if (!out) return false;
  auto start = std::chrono::steady_clock::now();
  llvm::SmallVector<char, 0> bytes;
  bool ok = Generate(*out, target, kind, bytes, error);
  text->assign(bytes.begin(), bytes.end());
  t.codegen_seconds += SecondsSince(start);
  return ok;
}

}  // namespace thrustc::aot
