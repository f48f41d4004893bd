// The platform C ABI for calls between Thrust and C, decided the way clang decides it: how each
// parameter and the return value of a signature travel (direct, coerced to registers, byval,
// through a caller-made copy, sret). Used by lower_call.cpp; abi_x64.cpp and abi_a64.cpp decide.
#pragma once
#include <vector>

#include "ir/ir.h"

namespace llvm {
class LLVMContext;
class Type;
}  // namespace llvm

namespace thrustc::aot {

enum class PassKind : uint8_t {
  Direct,        // a scalar, as its own LLVM type
  Coerce,        // an aggregate loaded as `coerce` (flattened into several arguments if `flatten`)
  Byval,         // an aggregate in memory: `ptr byval([size x i8]) align N` (x86-64)
  IndirectCopy,  // an aggregate as a plain pointer to a copy the caller made (AArch64 > 16 bytes)
  Sret,          // a return value written through a hidden first `ptr sret` argument
  Ignore,        // an empty aggregate: nothing is passed
};

struct ArgAbi {
  PassKind kind = PassKind::Direct;
  llvm::Type* coerce = nullptr;  // Direct: the scalar type; Coerce: the register type
  bool flatten = false;          // Coerce with a struct type: one LLVM argument per element
  uint32_t align = 1;            // Byval / Sret: the memory's alignment
};

struct CallAbi {
  ArgAbi ret;
  std::vector<ArgAbi> args;
};

enum class AbiTarget : uint8_t { X64SysV, Aapcs64 };

CallAbi ClassifyX64(const ir::Module& m, const ir::AbiType& ret, const std::vector<ir::AbiType>& args,
                    llvm::LLVMContext& ctx);
CallAbi ClassifyA64(const ir::Module& m, const ir::AbiType& ret, const std::vector<ir::AbiType>& args,
                    llvm::LLVMContext& ctx);

// The LLVM type of a Thrust scalar type (Void: void).
llvm::Type* ScalarType(ir::Type t, llvm::LLVMContext& ctx);

inline CallAbi ClassifyCall(AbiTarget target, const ir::Module& m, const ir::AbiType& ret,
                            const std::vector<ir::AbiType>& args, llvm::LLVMContext& ctx) {
  return target == AbiTarget::X64SysV ? ClassifyX64(m, ret, args, ctx) : ClassifyA64(m, ret, args, ctx);
}

}  // namespace thrustc::aot
