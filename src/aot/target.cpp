// Target selection: the host triple by default, aarch64-linux-gnu for cross-compilation. Code is
// position independent (Debian's cc links PIE executables), with clang's default CPUs.
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <mutex>

#include "aot/pipeline.h"

namespace thrustc::aot {

bool MakeTarget(const std::string& triple, OptLevel opt, Target* out, std::string* error) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
  });
  out->triple = llvm::Triple::normalize(triple.empty() ? llvm::sys::getDefaultTargetTriple() : triple);
  llvm::Triple t(out->triple);
  const char* cpu = nullptr;
  if (t.getArch() == llvm::Triple::x86_64) {
    out->abi = AbiTarget::X64SysV;
    cpu = "x86-64";
  } else if (t.getArch() == llvm::Triple::aarch64) {
    out->abi = AbiTarget::Aapcs64;
    cpu = "generic";
  } else {
    *error = "target '" + out->triple + "' is not supported yet (x86_64 and aarch64 are)";
    return false;
  }
  std::string lookup_error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(out->triple, lookup_error);
  if (!target) {
    *error = "target '" + out->triple + "': " + lookup_error;
    return false;
  }
  llvm::CodeGenOptLevel level = llvm::CodeGenOptLevel::None;
  if (opt == OptLevel::O1) level = llvm::CodeGenOptLevel::Less;
  if (opt == OptLevel::O2) level = llvm::CodeGenOptLevel::Default;
  if (opt == OptLevel::O3) level = llvm::CodeGenOptLevel::Aggressive;
  llvm::TargetOptions options;
  out->machine.reset(target->createTargetMachine(out->triple, cpu, "", options, llvm::Reloc::PIC_,
                                                 std::nullopt, level));
  if (!out->machine) {
    *error = "cannot create a target machine for '" + out->triple + "'";
    return false;
  }
  return true;
}

}  // namespace thrustc::aot
