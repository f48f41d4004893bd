// Lowering: checked, monomorphic declarations -> Thrust IR. A Lowerer is the checker (sema/) with
// the IR side added: it makes the IR functions and globals the checker declares (by id), lowers
// one checked function body at a time (lower_decl.cpp, lower_stmt.cpp, lower_expr.cpp,
// lower_call.cpp) and maps frontend types to IR types (lower_globals.cpp holds the globals).
#pragma once
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontend/sema/sema_impl.h"
#include "ir/ir.h"

namespace thrustc::frontend {

// The scalar IR type of a frontend type (Ptr for aggregates: they travel by address).
ir::Type IrType(const TypeTable& types, TypeId t);

// Lowering state for one IR function.
struct LowerCtx {
  LowerCtx(FnCtx& f, ir::Module& m, ir::FuncId id, ir::InstPool* pool) : fc(f), b(m, id, pool), func(id) {}
  FnCtx& fc;
  ir::Builder b;
  ir::FuncId func;
  std::vector<ir::Reg> addrs;  // per local of fc: its slot's address (aggregate params: the pointer)
  struct Loop {
    ir::BlockId brk, cont;
    size_t defer_depth;
  };
  std::vector<Loop> loops;
  std::vector<NodeId> defers;       // pending deferred statements, innermost last
  std::vector<size_t> defer_marks;  // per open block
  // A variadic function (7.4): the hidden count, the extras' slots and its own va_list.
  ir::Reg va_count = ir::kNoReg, va_extras = ir::kNoReg, va_list = ir::kNoReg;
};

class Lowerer : public Sema {
 public:
  Lowerer(const CheckInput& in, ir::Module& m) : Sema(in), mod_(m) {}

  // --- the IR side of what the checker declares (lower_decl.cpp, lower_globals.cpp)
  uint32_t DeclareFunction(const Symbol& sym, uint32_t index) override;
  void DeclareSignature(Symbol& sym) override;
  uint32_t DeclareStatic(const Symbol& sym) override;
  uint32_t DeclareLocalStatic(const FnCtx& fc, const Symbol& sym) override;
  void InitGlobal(uint32_t global, const ConstVal& v) override;
  uint32_t StringGlobal(const std::string& s) override;
  uint32_t BytesGlobal(const std::vector<uint8_t>& bytes, uint32_t align, std::string prefix) override;
  bool ConstToBytes(const ConstVal& v, uint8_t* out);  // false: a pointer to a global (a relocation)

  // --- lowering (lower_decl.cpp, lower_stmt.cpp, lower_expr.cpp, lower_call.cpp)
  void LowerFunction(uint32_t sym, FnCtx& fc);
  ir::AbiType AbiOf(TypeId t);
  ir::AggId AggOf(TypeId t);
  ir::Signature SignatureOf(TypeId fn_type, bool variadic);
  ir::FuncId ExternFunction(const std::string& symbol, const ir::Signature& sig);
  void LowerStmt(LowerCtx& lc, NodeId n);
  void LowerBlock(LowerCtx& lc, NodeId n);
  void LowerLocalDecl(LowerCtx& lc, NodeId n);
  void LowerDeallocCall(LowerCtx& lc, NodeId n);
  void LowerIf(LowerCtx& lc, NodeId n);
  void LowerLoop(LowerCtx& lc, NodeId cond, NodeId body, NodeId step);
  void LowerReturn(LowerCtx& lc, NodeId n);
  void RunDefers(LowerCtx& lc, size_t down_to);
  void StartDeadBlock(LowerCtx& lc);
  ir::Reg LowerExpr(LowerCtx& lc, NodeId n);
  ir::Reg LowerAs(LowerCtx& lc, NodeId n, TypeId target);
  ir::Reg LowerAddr(LowerCtx& lc, NodeId n);
  ir::Reg LowerConst(LowerCtx& lc, const ConstVal& v);
  ir::Reg LowerBinaryChain(LowerCtx& lc, NodeId n);
  ir::Reg LowerBinary(LowerCtx& lc, NodeId n, const ir::Reg* lowered_lhs);
  ir::Reg LowerArith(LowerCtx& lc, uint8_t op, TypeId t, ir::Reg a, ir::Reg b, TypeId rhs_type);
  ir::Reg LowerCompare(LowerCtx& lc, uint8_t op, TypeId t, ir::Reg a, ir::Reg b);
  ir::Reg LowerLogical(LowerCtx& lc, NodeId n, const ir::Reg* lowered_lhs);
  ir::Reg LowerAssign(LowerCtx& lc, NodeId n);
  ir::Reg LowerUnary(LowerCtx& lc, NodeId n);
  ir::Reg LowerIncDec(LowerCtx& lc, NodeId operand, bool inc, bool postfix);
  ir::Reg LowerIndex(LowerCtx& lc, NodeId n, bool want_address = false);
  ir::Reg LowerField(LowerCtx& lc, NodeId n, bool want_address = false);
  ir::Reg LowerCall(LowerCtx& lc, NodeId n);
  ir::Reg LowerBuiltin(LowerCtx& lc, NodeId n, Builtin which);
  ir::Reg LowerAggregateLit(LowerCtx& lc, NodeId n);
  ir::Reg LowerName(LowerCtx& lc, NodeId n);
  ir::Reg Convert(LowerCtx& lc, ir::Reg v, TypeId from, TypeId to);
  void StoreValue(LowerCtx& lc, TypeId t, ir::Reg value, ir::Reg addr);
  ir::Reg LoadValue(LowerCtx& lc, TypeId t, ir::Reg addr);
  // Loads and stores of a place: atomic ones for a variable declared with an ordering word.
  Modifier AtomicOfPlace(LowerCtx& lc, NodeId place);
  ir::Reg LoadPlace(LowerCtx& lc, NodeId place, TypeId t, ir::Reg addr);
  void StorePlace(LowerCtx& lc, NodeId place, TypeId t, ir::Reg value, ir::Reg addr);
  ir::Reg LowerAtomicBuiltin(LowerCtx& lc, NodeId n, Builtin which);
  // --- variadic Thrust functions (lower_variadic.cpp)
  bool TargetIsAarch64() const;
  ir::Signature VariadicSignatureOf(const Symbol& sym);
  void InitVaList(LowerCtx& lc, ir::Reg list, ir::Reg slots);
  void LowerVariadicEntry(LowerCtx& lc, const Symbol& sym, const std::function<void()>& declared);
  ir::Reg LowerVariadicCall(LowerCtx& lc, NodeId n, const Symbol& sym);
  ir::Reg ReadVaArg(LowerCtx& lc, ir::Reg list, TypeId t);
  ir::Reg LowerVariadicBuiltin(LowerCtx& lc, NodeId n, Builtin which);
  ir::Reg LocalAddr(LowerCtx& lc, uint32_t local);
  ir::Reg TempSlot(LowerCtx& lc, TypeId t);
  void NoteCallee(ir::FuncId caller, ir::FuncId callee);
  void NoteStatic(ir::FuncId fn, uint32_t sym);


  // --- state
  ir::Module& mod_;
  std::unordered_map<std::string, uint32_t> string_globals_;
  std::unordered_map<std::string, ir::FuncId> externs_;
  std::unordered_map<TypeId, ir::AggId> array_aggs_;
  std::unordered_map<std::string, uint32_t> used_fn_names_;
  std::vector<uint32_t> func_sym_;                       // FuncId -> symbol (UINT32_MAX: none)
  std::vector<std::vector<ir::FuncId>> func_callees_;    // per FuncId
  std::vector<std::vector<uint32_t>> func_statics_;      // per FuncId: static symbols used
  ir::InstPool inst_pool_;  // staging vectors reused by every function's Builder
  uint32_t const_global_count_ = 0;
};

}  // namespace thrustc::frontend
