// Module-level lowering: Thrust IR globals (with their compile-time-computed bytes and pointer
// relocations) become LLVM constants, functions become declarations with C ABI signatures, then
// each function body is lowered. Compile-time-only functions are never emitted.
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/GlobalVariable.h>

#include "aot/lower.h"

namespace thrustc::aot {

llvm::Type* ScalarType(ir::Type t, llvm::LLVMContext& ctx) {
  switch (t) {
    case ir::Type::Void: return llvm::Type::getVoidTy(ctx);
    case ir::Type::I8: return llvm::Type::getInt8Ty(ctx);
    case ir::Type::I16: return llvm::Type::getInt16Ty(ctx);
    case ir::Type::I32: return llvm::Type::getInt32Ty(ctx);
    case ir::Type::I64: return llvm::Type::getInt64Ty(ctx);
    case ir::Type::F32: return llvm::Type::getFloatTy(ctx);
    case ir::Type::F64: return llvm::Type::getDoubleTy(ctx);
    case ir::Type::Ptr: return llvm::PointerType::getUnqual(ctx);
  }
  return nullptr;
}

llvm::FunctionType* AbiFunctionType(const CallAbi& abi, size_t fixed, bool variadic, llvm::LLVMContext& ctx) {
  llvm::Type* ptr = llvm::PointerType::getUnqual(ctx);
  std::vector<llvm::Type*> params;
  if (abi.ret.kind == PassKind::Sret) params.push_back(ptr);
  for (size_t i = 0; i < fixed; ++i) {
    const ArgAbi& a = abi.args[i];
    switch (a.kind) {
      case PassKind::Direct: params.push_back(a.coerce); break;
      case PassKind::Coerce:
        if (a.flatten) {
          for (llvm::Type* part : llvm::cast<llvm::StructType>(a.coerce)->elements()) params.push_back(part);
        } else {
          params.push_back(a.coerce);
        }
        break;
      case PassKind::Byval:
      case PassKind::IndirectCopy:
      case PassKind::Sret: params.push_back(ptr); break;
      case PassKind::Ignore: break;
    }
  }
  llvm::Type* ret = llvm::Type::getVoidTy(ctx);
  if (abi.ret.kind == PassKind::Direct || abi.ret.kind == PassKind::Coerce) ret = abi.ret.coerce;
  return llvm::FunctionType::get(ret, params, variadic);
}

llvm::AttributeList AbiAttributes(const ir::Module& m, const CallAbi& abi, const std::vector<ir::AbiType>& args,
                                  const ir::AbiType& ret, llvm::LLVMContext& ctx) {
  std::vector<llvm::AttributeSet> params;
  if (abi.ret.kind == PassKind::Sret) {
    llvm::AttrBuilder ab(ctx);
    ab.addStructRetAttr(llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), m.aggs[ret.agg].size));
    ab.addAlignmentAttr(abi.ret.align);
    ab.addAttribute(llvm::Attribute::NoAlias);
    params.push_back(llvm::AttributeSet::get(ctx, ab));
  }
  for (size_t i = 0; i < abi.args.size(); ++i) {
    const ArgAbi& a = abi.args[i];
    if (a.kind == PassKind::Ignore) continue;
    size_t count = a.kind == PassKind::Coerce && a.flatten
                       ? llvm::cast<llvm::StructType>(a.coerce)->getNumElements() : 1;
    llvm::AttrBuilder ab(ctx);
    if (a.kind == PassKind::Byval) {
      ab.addByValAttr(llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), m.aggs[args[i].agg].size));
      ab.addAlignmentAttr(a.align);
    }
    for (size_t k = 0; k < count; ++k) params.push_back(llvm::AttributeSet::get(ctx, ab));
  }
  return llvm::AttributeList::get(ctx, llvm::AttributeSet(), llvm::AttributeSet(), params);
}

namespace {

llvm::GlobalValue::LinkageTypes LinkageOf(ir::Linkage l) {
  return l == ir::Linkage::Internal ? llvm::GlobalValue::InternalLinkage : llvm::GlobalValue::ExternalLinkage;
}

void DeclareFunctions(ModuleLowering& m) {
  for (const ir::Function& f : m.ir.functions) {
    m.function_abis.push_back(m.Classify(f.sig.ret, f.sig.params));
    if (f.compiletime) {
      m.functions.push_back(nullptr);
      continue;
    }
    const CallAbi& abi = m.function_abis.back();
    llvm::FunctionType* type = AbiFunctionType(abi, abi.args.size(), f.sig.variadic, m.ctx);
    llvm::Function* fn = llvm::Function::Create(type, LinkageOf(f.linkage), f.name, m.mod);
    fn->setAttributes(AbiAttributes(m.ir, abi, f.sig.params, f.sig.ret, m.ctx));
    if (!f.IsExternal()) {
      // As clang does for C: no exceptions unwind through Thrust code; frame pointers kept off.
      fn->addFnAttr(llvm::Attribute::NoUnwind);
      fn->addFnAttr("no-trapping-math", "true");
    }
    m.functions.push_back(fn);
  }
}

void DeclareGlobals(ModuleLowering& m) {
  llvm::Type* i8 = llvm::Type::getInt8Ty(m.ctx);
  for (const ir::Global& g : m.ir.globals) {
    bool external = g.linkage == ir::Linkage::External;
    auto* gv = new llvm::GlobalVariable(m.mod, llvm::ArrayType::get(i8, g.size), !g.is_mutable && !external,
                                        LinkageOf(g.linkage), nullptr, g.name);
    gv->setAlignment(llvm::Align(g.align));
    m.globals.push_back(gv);
  }
}

llvm::Constant* Bytes(llvm::LLVMContext& ctx, const ir::Global& g, uint32_t begin, uint32_t end) {
  if (g.bytes.empty())
    return llvm::ConstantAggregateZero::get(llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), end - begin));
  return llvm::ConstantDataArray::get(ctx, llvm::ArrayRef<uint8_t>(g.bytes.data() + begin, end - begin));
}

// A global's initial contents: its bytes, with a pointer constant at each relocation, as a
// packed struct so every piece sits at its exact offset.
bool DefineGlobal(ModuleLowering& m, ir::GlobalId id) {
  const ir::Global& g = m.ir.globals[id];
  llvm::GlobalVariable* gv = m.globals[id];
  if (g.relocs.empty()) {
    gv->setInitializer(Bytes(m.ctx, g, 0, g.size));
    return true;
  }
  std::vector<ir::Reloc> relocs = g.relocs;
  std::sort(relocs.begin(), relocs.end(), [](const ir::Reloc& a, const ir::Reloc& b) { return a.offset < b.offset; });
  std::vector<llvm::Constant*> pieces;
  uint32_t at = 0;
  for (const ir::Reloc& r : relocs) {
    if (r.offset > at) pieces.push_back(Bytes(m.ctx, g, at, r.offset));
    llvm::Constant* target = r.to_function ? static_cast<llvm::Constant*>(m.functions[r.target])
                                           : static_cast<llvm::Constant*>(m.globals[r.target]);
    if (!target) {
      // A table of compile-time functions only compile-time code can use: never called at run time.
      target = llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(m.ctx));
    } else if (r.addend != 0) {
      target = llvm::ConstantExpr::getGetElementPtr(llvm::Type::getInt8Ty(m.ctx), target,
                                                    llvm::ConstantInt::get(llvm::Type::getInt64Ty(m.ctx), r.addend));
    }
    pieces.push_back(target);
    at = r.offset + 8;
  }
  if (at < g.size) pieces.push_back(Bytes(m.ctx, g, at, g.size));
  llvm::Constant* init = llvm::ConstantStruct::getAnon(m.ctx, pieces, /*Packed=*/true);
  // The value type changes from [size x i8] to the packed struct: make a new global and replace.
  auto* replacement = new llvm::GlobalVariable(m.mod, init->getType(), gv->isConstant(), gv->getLinkage(), init);
  replacement->setAlignment(gv->getAlign());
  replacement->takeName(gv);
  gv->replaceAllUsesWith(replacement);
  gv->eraseFromParent();
  m.globals[id] = replacement;
  return true;
}
}  // namespace

bool LowerModule(const ir::Module& module, AbiTarget abi, llvm::Module& out, std::string* error) {
  ModuleLowering m{module, out.getContext(), out, abi, {}, {}, {}, {}};
  DeclareFunctions(m);
  DeclareGlobals(m);
  for (ir::GlobalId g = 0; g < module.globals.size(); ++g)
    if (module.globals[g].linkage != ir::Linkage::External && !DefineGlobal(m, g)) break;
  for (ir::FuncId f = 0; f < module.functions.size() && m.error.empty(); ++f) {
    if (!m.functions[f] || module.functions[f].IsExternal()) continue;
    FunctionLowerer lowerer(m, f);
    lowerer.Lower();
  }
  if (!m.error.empty()) {
    *error = m.error;
    return false;
  }
  return true;
}

}  // namespace thrustc::aot
