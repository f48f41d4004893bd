// AAPCS64 (the Arm 64-bit procedure call standard) as clang implements it for Linux: homogeneous
// floating-point aggregates travel in SIMD registers as [N x float|double], other aggregates up to
// 16 bytes as i64 / [2 x i64], larger ones through a pointer to a caller-made copy (sret in x8 when
// returned). Variadic arguments follow the same rules on Linux, so no special case here.
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>

#include "aot/abi.h"

namespace thrustc::aot {

namespace {
// 1 to 4 leaves of one float type filling the aggregate exactly: a homogeneous FP aggregate.
bool IsHfa(const ir::AggType& agg) {
  if (agg.leaves.empty() || agg.leaves.size() > 4) return false;
  ir::Type t = agg.leaves[0].type;
  if (!ir::IsFloat(t)) return false;
  for (size_t i = 0; i < agg.leaves.size(); ++i)
    if (agg.leaves[i].type != t || agg.leaves[i].offset != i * ir::TypeSize(t)) return false;
  return agg.size == agg.leaves.size() * ir::TypeSize(t);
}

ArgAbi ClassifyAgg(const ir::AggType& agg, bool is_return, llvm::LLVMContext& ctx) {
  ArgAbi abi;
  abi.align = agg.align;
  if (agg.size == 0) {
    abi.kind = PassKind::Ignore;
    return abi;
  }
  if (IsHfa(agg)) {
    abi.kind = PassKind::Coerce;
    abi.coerce = llvm::ArrayType::get(ScalarType(agg.leaves[0].type, ctx), agg.leaves.size());
    return abi;
  }
  if (agg.size > 16) {
    abi.kind = is_return ? PassKind::Sret : PassKind::IndirectCopy;
    abi.align = std::max<uint32_t>(agg.align, 8);
    return abi;
  }
  abi.kind = PassKind::Coerce;
  llvm::Type* i64 = llvm::Type::getInt64Ty(ctx);
  abi.coerce = agg.size <= 8 ? i64 : static_cast<llvm::Type*>(llvm::ArrayType::get(i64, 2));
  return abi;
}

ArgAbi Classify(const ir::Module& m, const ir::AbiType& t, bool is_return, llvm::LLVMContext& ctx) {
  if (t.IsAgg()) return ClassifyAgg(m.aggs[t.agg], is_return, ctx);
  ArgAbi abi;
  abi.coerce = ScalarType(t.scalar, ctx);
  return abi;
}
}  // namespace

CallAbi ClassifyA64(const ir::Module& m, const ir::AbiType& ret, const std::vector<ir::AbiType>& args,
                    llvm::LLVMContext& ctx) {
  CallAbi call;
  call.ret = Classify(m, ret, true, ctx);
  for (const ir::AbiType& arg : args) call.args.push_back(Classify(m, arg, false, ctx));
  return call;
}

}  // namespace thrustc::aot
