// Thrust IR: the typed, target-independent three-address code that the interpreter, the
// compile-time JIT and the LLVM backend all consume. Virtual registers are assigned exactly once;
// mutable variables and aggregates live in stack slots. Operations are listed in ops.def.
#pragma once
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/source.h"

namespace thrustc::ir {

enum class Type : uint8_t { Void, I8, I16, I32, I64, F32, F64, Ptr };
std::string_view TypeName(Type t);  // "i32", "ptr", ...
uint32_t TypeSize(Type t);          // bytes (Void: 0)
inline bool IsInt(Type t) { return t >= Type::I8 && t <= Type::I64; }
inline bool IsFloat(Type t) { return t == Type::F32 || t == Type::F64; }

enum class Op : uint8_t {
#define THRUSTC_IR_OP(name, text, family) name,
#include "ir/ops.def"
#undef THRUSTC_IR_OP
};
enum class OpFamily : uint8_t {
  Const, IntBinary, FloatBinary, Unary, Compare, Convert, Memory, Atomic, Check, Call, Terminator
};
std::string_view OpName(Op op);
// Inline: the verifier, the interpreter's decoder and the builder ask this for every instruction.
inline constexpr OpFamily kOpFamilies[] = {
#define THRUSTC_IR_OP(name, text, family) OpFamily::family,
#include "ir/ops.def"
#undef THRUSTC_IR_OP
};
inline OpFamily OpFamilyOf(Op op) { return kOpFamilies[size_t(op)]; }
constexpr uint32_t kOpCount = 0
#define THRUSTC_IR_OP(name, text, family) +1
#include "ir/ops.def"
#undef THRUSTC_IR_OP
    ;

// Comparison predicates: integer ones for ICmp, ordered float ones (and Une for !=) for FCmp.
enum class Pred : uint8_t { Eq, Ne, Slt, Sle, Sgt, Sge, Ult, Ule, Ugt, Uge, Oeq, Une, Olt, Ole, Ogt, Oge };
std::string_view PredName(Pred p);

// Memory orderings of the atomic ops, weakest first (Relaxed is LLVM's monotonic).
enum class AtomicOrder : uint8_t { Relaxed, Acquire, Release, AcqRel, SeqCst };
std::string_view AtomicOrderName(AtomicOrder o);  // "relaxed", "acquire", "release", "acq_rel", "seq_cst"
inline bool HasAcquire(AtomicOrder o) { return o == AtomicOrder::Acquire || o >= AtomicOrder::AcqRel; }
inline bool HasRelease(AtomicOrder o) { return o >= AtomicOrder::Release; }

// The operation of atomic_rmw; the result is always the old value.
enum class RmwOp : uint8_t { Xchg, Add, Sub, And, Nand, Or, Xor, SMax, SMin, UMax, UMin };
std::string_view RmwOpName(RmwOp op);  // "xchg", "add", ..., "umin"

// What an atomic op's `imm` holds: its ordering (bits 0-7), cmpxchg's failure ordering (8-15)
// and atomic_rmw's operation (16-23); AtomicInfoOf(inst) reads them back.
struct AtomicInfo {
  AtomicOrder order = AtomicOrder::SeqCst;
  AtomicOrder failure = AtomicOrder::Relaxed;
  RmwOp rmw = RmwOp::Xchg;
  int64_t Imm() const { return int64_t(order) | int64_t(failure) << 8 | int64_t(rmw) << 16; }
  static AtomicInfo FromImm(int64_t imm) {
    return {AtomicOrder(imm & 0xFF), AtomicOrder((imm >> 8) & 0xFF), RmwOp((imm >> 16) & 0xFF)};
  }
};

enum class TrapKind : uint8_t { DivByZero, DivOverflow, Bounds, Unreachable, FloatToInt };
std::string_view TrapKindName(TrapKind k);  // "division by zero", ...

using Reg = uint32_t;
using BlockId = uint32_t;
using FuncId = uint32_t;
using GlobalId = uint32_t;
using SlotId = uint32_t;
using AggId = uint32_t;
constexpr Reg kNoReg = UINT32_MAX;
constexpr AggId kNoAgg = UINT32_MAX;
constexpr uint32_t kNoLoc = UINT32_MAX;  // Inst::loc when the instruction has no source location

// An aggregate (struct or fixed array) as the C ABI sees it: size, alignment and the flattened
// scalar leaves with their byte offsets (arrays are expanded element by element).
struct AggType {
  std::string name;
  uint32_t size = 0;
  uint32_t align = 1;
  struct Leaf {
    Type type;
    uint32_t offset;
  };
  std::vector<Leaf> leaves;
};

// A parameter or return type at a call boundary: a scalar, or an aggregate passed by value.
// Inside a function an aggregate parameter is a `ptr` register to the callee's own copy.
struct AbiType {
  Type scalar = Type::Void;
  AggId agg = kNoAgg;
  bool IsAgg() const { return agg != kNoAgg; }
  friend bool operator==(const AbiType&, const AbiType&) = default;
};

struct Signature {
  std::vector<AbiType> params;
  AbiType ret;
  bool variadic = false;
  friend bool operator==(const Signature&, const Signature&) = default;
};

// 32 bytes: a large program lowers to millions of these, so the f64 constant of FConst shares
// the `imm` bits and the source location is an offset into the function's `loc_file`.
struct Inst {
  Op op;
  Type type = Type::Void;
  Pred pred = Pred::Eq;
  Reg dst = kNoReg;
  uint32_t a = 0, b = 0, c = 0;
  uint32_t loc = kNoLoc;  // byte offset in Function::loc_file (for trap diagnostics), or kNoLoc
  int64_t imm = 0;
  double FImm() const { return std::bit_cast<double>(imm); }
  void SetFImm(double v) { imm = std::bit_cast<int64_t>(v); }
};
static_assert(sizeof(Inst) == 32);

inline AtomicInfo AtomicInfoOf(const Inst& inst) { return AtomicInfo::FromImm(inst.imm); }

// Arguments of one call site. For a variadic callee, `args` beyond the signature's fixed
// parameters carry their own (already promoted) types in `arg_types`.
struct CallInfo {
  std::vector<Reg> args;
  std::vector<AbiType> arg_types;  // one per argument (aggregates are passed as ptr registers)
  AbiType ret;
  bool variadic = false;
  uint32_t fixed_count = 0;        // number of non-variadic arguments
  Reg ret_dest = kNoReg;           // aggregate return: ptr register where the result is written
};

struct Block {
  std::string name;  // label in the text form (optional; "bbN" when empty)
  std::vector<Inst> insts;
};

struct Slot {
  uint32_t size = 0;
  uint32_t align = 1;
  std::string name;  // for reading the text form only
};

enum class Linkage : uint8_t { Internal, Public, External };

struct Function {
  std::string name;       // the symbol for External functions
  Signature sig;
  Linkage linkage = Linkage::Internal;
  bool compiletime = false;  // only runs at compile time; never emitted by the AOT backend
  std::vector<Reg> params;   // one register per signature parameter
  std::vector<Type> reg_types;
  std::vector<Slot> slots;
  std::vector<Block> blocks;  // blocks[0] is the entry
  std::vector<CallInfo> calls;
  SourceLoc loc;
  FileId loc_file = UINT32_MAX;  // the file every Inst::loc of this function points into
  bool IsExternal() const { return linkage == Linkage::External; }
  SourceLoc InstLoc(const Inst& inst) const {
    return inst.loc == kNoLoc ? SourceLoc{} : SourceLoc{loc_file, inst.loc};
  }
};

struct Reloc {
  uint32_t offset;    // where in the global's bytes the pointer is stored
  bool to_function;   // target is a function (else a global)
  uint32_t target;    // FuncId or GlobalId
  int64_t addend = 0;
};

struct Global {
  std::string name;
  uint32_t size = 0;
  uint32_t align = 1;
  std::vector<uint8_t> bytes;  // initial contents (size bytes; empty = all zero)
  std::vector<Reloc> relocs;   // pointers inside the initial contents
  bool is_mutable = false;
  Linkage linkage = Linkage::Internal;  // External: defined in C, `bytes` unused
};

struct Module {
  std::vector<AggType> aggs;
  std::vector<Function> functions;
  std::vector<Global> globals;

  FuncId FindFunction(std::string_view name) const;  // UINT32_MAX if absent
  GlobalId FindGlobal(std::string_view name) const;
};

// Spare instruction vectors that builders stage blocks in, kept from one function to the next so
// lowering a large program neither regrows a vector per block nor leaves doubling slack behind.
using InstPool = std::vector<std::vector<Inst>>;

// Builds one function. Lowering creates blocks, switches between them and appends instructions.
// With an InstPool, blocks are staged in pooled vectors and copied out at their exact size by
// Finish(); without one, instructions go straight into the function.
class Builder {
 public:
  Builder(Module& m, FuncId f, InstPool* pool = nullptr) : module_(m), func_id_(f), pool_(pool) {}
  Function& Fn() { return module_.functions[func_id_]; }
  Module& Mod() { return module_; }

  Reg NewReg(Type t) {
    Fn().reg_types.push_back(t);
    return Reg(Fn().reg_types.size() - 1);
  }
  BlockId NewBlock(std::string name = {});
  SlotId NewSlot(uint32_t size, uint32_t align, std::string name = {}) {
    Fn().slots.push_back({size, align, std::move(name)});
    return SlotId(Fn().slots.size() - 1);
  }
  // A new slot whose address is computed once, at the top of the entry block (which dominates
  // every use), so each load or store reuses the register instead of a slot_addr of its own.
  // Finish() must run once the function is complete.
  Reg NewSlotAddr(uint32_t size, uint32_t align, std::string name = {});
  // Puts the slot addresses at the top of the entry block, moves staged blocks into the function
  // and trims its vectors (the module keeps every function alive, so slack would add up).
  void Finish();
  void SetBlock(BlockId b) { block_ = b; }
  BlockId CurrentBlock() const { return block_; }
  bool Terminated();  // does the current block end in a terminator?
  void SetLoc(SourceLoc loc);

  Inst& Append(Inst inst);
  Reg IConst(Type t, int64_t v);
  Reg FConst(Type t, double v);
  Reg GlobalAddr(GlobalId g);
  Reg FuncAddr(FuncId f);
  Reg SlotAddr(SlotId s);
  Reg Binary(Op op, Type t, Reg a, Reg b);
  Reg Unary(Op op, Type t, Reg a);
  Reg Cmp(Op op, Pred p, Type operand_type, Reg a, Reg b);
  Reg Convert(Op op, Type to, Reg a);
  Reg Load(Type t, Reg ptr);
  void Store(Type t, Reg value, Reg ptr);
  Reg PtrAdd(Reg base, Reg index_i64, int64_t scale);
  Reg PtrOffset(Reg base, int64_t offset);
  void Copy(Reg dst, Reg src, int64_t size);
  void Zero(Reg dst, int64_t size);
  void BoundsCheck(Reg index_i64, int64_t length);
  Reg AtomicLoad(Type t, AtomicOrder order, Reg ptr);
  void AtomicStore(Type t, AtomicOrder order, Reg value, Reg ptr);
  Reg AtomicRmw(RmwOp op, Type t, AtomicOrder order, Reg ptr, Reg value);  // the old value
  // The old value; the exchange happened exactly when it equals `expected`.
  Reg CmpXchg(Type t, AtomicOrder success, AtomicOrder failure, Reg ptr, Reg expected, Reg desired);
  void Fence(AtomicOrder order);
  // Returns the result register (kNoReg for void and aggregate returns).
  Reg Call(FuncId callee, CallInfo info);
  Reg CallIndirect(Reg fn_ptr, CallInfo info);
  void Br(BlockId target);
  void CondBr(Reg cond, BlockId then_block, BlockId else_block);
  void Ret(Reg value = kNoReg);
  void Trap(TrapKind kind);

 private:
  Module& module_;
  FuncId func_id_;
  BlockId block_ = 0;
  uint32_t loc_ = kNoLoc;  // offset in Fn().loc_file
  std::vector<Inst> entry_addrs_;  // slot_addr instructions for the top of blocks[0]
  InstPool* pool_;
  InstPool staged_;  // with a pool: the instructions of each block so far

  std::vector<Inst>& Insts(BlockId b) { return pool_ ? staged_[b] : Fn().blocks[b].insts; }
};

}  // namespace thrustc::ir
