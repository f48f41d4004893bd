// System V x86-64 C ABI (AMD64 psABI 3.2.3) as clang implements it: aggregates up to 16 bytes are
// classified per eightbyte (INTEGER or SSE) and coerced to registers while enough registers are
// left; larger or misaligned ones go in memory (byval arguments, sret returns).
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>

#include "aot/abi.h"

namespace thrustc::aot {

namespace {
constexpr int kIntRegs = 6, kSseRegs = 8;

enum class Class : uint8_t { None, Integer, Sse };

struct Eightbytes {
  bool memory = false;
  Class cls[2] = {Class::None, Class::None};
  int count = 0;  // eightbytes the aggregate spans
};

Eightbytes ClassifyAgg(const ir::AggType& agg) {
  Eightbytes e;
  if (agg.size > 16) {
    e.memory = true;
    return e;
  }
  e.count = int((agg.size + 7) / 8);
  for (const ir::AggType::Leaf& leaf : agg.leaves) {
    uint32_t size = ir::TypeSize(leaf.type);
    if (leaf.offset % size != 0) {  // a packed, misaligned field: the psABI puts it in memory
      e.memory = true;
      return e;
    }
    Class& c = e.cls[leaf.offset / 8];
    c = ir::IsFloat(leaf.type) && c != Class::Integer ? Class::Sse : Class::Integer;
  }
  return e;
}

// The register type of eightbyte `index`: clang's GetINTEGERTypeAtOffset / GetSSETypeAtOffset.
llvm::Type* PartType(const ir::AggType& agg, Class cls, int index, llvm::LLVMContext& ctx) {
  uint32_t begin = uint32_t(index) * 8, bytes = std::min<uint32_t>(8, agg.size - begin);
  if (cls == Class::Integer) return llvm::IntegerType::get(ctx, bytes * 8);
  int floats = 0;
  bool has_double = false;
  for (const ir::AggType::Leaf& leaf : agg.leaves) {
    if (leaf.offset < begin || leaf.offset >= begin + 8) continue;
    if (leaf.type == ir::Type::F64) has_double = true;
    else ++floats;
  }
  if (has_double) return llvm::Type::getDoubleTy(ctx);
  if (floats >= 2) return llvm::FixedVectorType::get(llvm::Type::getFloatTy(ctx), 2);
  return llvm::Type::getFloatTy(ctx);
}

struct Needs {
  int ints = 0, sses = 0;
};

ArgAbi CoerceAgg(const ir::AggType& agg, const Eightbytes& e, llvm::LLVMContext& ctx, Needs* needs) {
  std::vector<llvm::Type*> parts;
  for (int i = 0; i < e.count; ++i) {
    if (e.cls[i] == Class::None) continue;
    parts.push_back(PartType(agg, e.cls[i], i, ctx));
    (e.cls[i] == Class::Integer ? needs->ints : needs->sses) += 1;
  }
  ArgAbi abi;
  abi.kind = PassKind::Coerce;
  abi.align = agg.align;
  if (parts.size() == 1) {
    abi.coerce = parts[0];
  } else {
    abi.coerce = llvm::StructType::get(ctx, parts);
    abi.flatten = true;
  }
  return abi;
}

ArgAbi Memory(const ir::AggType& agg, PassKind kind) {
  ArgAbi abi;
  abi.kind = kind;
  abi.align = std::max<uint32_t>(agg.align, 8);
  return abi;
}

ArgAbi Scalar(ir::Type t, llvm::LLVMContext& ctx) {
  ArgAbi abi;
  abi.coerce = ScalarType(t, ctx);
  return abi;
}

ArgAbi ClassifyReturn(const ir::Module& m, const ir::AbiType& ret, llvm::LLVMContext& ctx) {
  if (!ret.IsAgg()) return Scalar(ret.scalar, ctx);
  const ir::AggType& agg = m.aggs[ret.agg];
  if (agg.size == 0) return ArgAbi{PassKind::Ignore};
  Eightbytes e = ClassifyAgg(agg);
  if (e.memory) return Memory(agg, PassKind::Sret);
  Needs unused;
  ArgAbi abi = CoerceAgg(agg, e, ctx, &unused);
  abi.flatten = false;  // a returned struct stays one value
  return abi;
}
}  // namespace

CallAbi ClassifyX64(const ir::Module& m, const ir::AbiType& ret, const std::vector<ir::AbiType>& args,
                    llvm::LLVMContext& ctx) {
  CallAbi call;
  call.ret = ClassifyReturn(m, ret, ctx);
  int free_ints = kIntRegs - (call.ret.kind == PassKind::Sret ? 1 : 0), free_sses = kSseRegs;
  for (const ir::AbiType& arg : args) {
    if (!arg.IsAgg()) {
      (ir::IsFloat(arg.scalar) ? free_sses : free_ints) -= 1;
      call.args.push_back(Scalar(arg.scalar, ctx));
      continue;
    }
    const ir::AggType& agg = m.aggs[arg.agg];
    if (agg.size == 0) {
      call.args.push_back(ArgAbi{PassKind::Ignore});
      continue;
    }
    Eightbytes e = ClassifyAgg(agg);
    Needs needs;
    ArgAbi abi = e.memory ? ArgAbi{} : CoerceAgg(agg, e, ctx, &needs);
    // An aggregate goes in registers only as a whole: when they run out it goes in memory.
    if (e.memory || needs.ints > free_ints || needs.sses > free_sses) {
      call.args.push_back(Memory(agg, PassKind::Byval));
      continue;
    }
    free_ints -= needs.ints;
    free_sses -= needs.sses;
    call.args.push_back(abi);
  }
  return call;
}

}  // namespace thrustc::aot
