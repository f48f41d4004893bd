// Thrust IR core: names of types, ops and predicates, module lookup, and the builder.
#include "ir/ir.h"

namespace thrustc::ir {

namespace {
constexpr std::string_view kOpNames[] = {
#define THRUSTC_IR_OP(name, text, family) text,
#include "ir/ops.def"
#undef THRUSTC_IR_OP
};
}  // namespace

std::string_view TypeName(Type t) {
  static constexpr std::string_view kNames[] = {"void", "i8", "i16", "i32", "i64", "f32", "f64", "ptr"};
  return kNames[size_t(t)];
}

uint32_t TypeSize(Type t) {
  static constexpr uint32_t kSizes[] = {0, 1, 2, 4, 8, 4, 8, 8};
  return kSizes[size_t(t)];
}

std::string_view OpName(Op op) { return kOpNames[size_t(op)]; }

std::string_view PredName(Pred p) {
  static constexpr std::string_view kNames[] = {"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule",
                                                "ugt", "uge", "oeq", "une", "olt", "ole", "ogt", "oge"};
  return kNames[size_t(p)];
}

std::string_view AtomicOrderName(AtomicOrder o) {
  static constexpr std::string_view kNames[] = {"relaxed", "acquire", "release", "acq_rel", "seq_cst"};
  return size_t(o) < std::size(kNames) ? kNames[size_t(o)] : "<bad-order>";
}

std::string_view RmwOpName(RmwOp op) {
  static constexpr std::string_view kNames[] = {"xchg", "add", "sub", "and", "nand", "or",
                                                "xor", "smax", "smin", "umax", "umin"};
  return size_t(op) < std::size(kNames) ? kNames[size_t(op)] : "<bad-rmw>";
}

std::string_view TrapKindName(TrapKind k) {
  static constexpr std::string_view kNames[] = {"division by zero", "division overflow",
                                                "index out of bounds", "reached unreachable code",
                                                "float to integer conversion out of range"};
  return kNames[size_t(k)];
}

FuncId Module::FindFunction(std::string_view name) const {
  for (size_t i = 0; i < functions.size(); ++i)
    if (functions[i].name == name) return FuncId(i);
  return UINT32_MAX;
}

GlobalId Module::FindGlobal(std::string_view name) const {
  for (size_t i = 0; i < globals.size(); ++i)
    if (globals[i].name == name) return GlobalId(i);
  return UINT32_MAX;
}

BlockId Builder::NewBlock(std::string name) {
  Fn().blocks.push_back({std::move(name), {}});
  if (pool_) {
    staged_.emplace_back();
    if (!pool_->empty()) {
      staged_.back().swap(pool_->back());
      pool_->pop_back();
    }
  }
  return BlockId(Fn().blocks.size() - 1);
}

bool Builder::Terminated() {
  auto& insts = Insts(block_);
  return !insts.empty() && OpFamilyOf(insts.back().op) == OpFamily::Terminator;
}

void Builder::SetLoc(SourceLoc loc) {
  Function& fn = Fn();
  if (loc.Valid() && fn.loc_file == UINT32_MAX) fn.loc_file = loc.file;
  // Lowering never mixes files within one function; a location elsewhere would be unrepresentable,
  // so it is dropped rather than attributed to the wrong file.
  loc_ = loc.Valid() && loc.file == fn.loc_file ? loc.offset : kNoLoc;
}

Inst& Builder::Append(Inst inst) {
  if (inst.loc == kNoLoc) inst.loc = loc_;
  auto& insts = Insts(block_);
  insts.push_back(inst);
  return insts.back();
}

Reg Builder::IConst(Type t, int64_t v) {
  Reg r = NewReg(t);
  Append({.op = Op::IConst, .type = t, .dst = r, .imm = v});
  return r;
}

Reg Builder::FConst(Type t, double v) {
  Reg r = NewReg(t);
  Inst inst{.op = Op::FConst, .type = t, .dst = r};
  inst.SetFImm(v);
  Append(inst);
  return r;
}

Reg Builder::GlobalAddr(GlobalId g) {
  Reg r = NewReg(Type::Ptr);
  Append({.op = Op::GlobalAddr, .type = Type::Ptr, .dst = r, .a = g});
  return r;
}

Reg Builder::FuncAddr(FuncId f) {
  Reg r = NewReg(Type::Ptr);
  Append({.op = Op::FuncAddr, .type = Type::Ptr, .dst = r, .a = f});
  return r;
}

Reg Builder::SlotAddr(SlotId s) {
  Reg r = NewReg(Type::Ptr);
  Append({.op = Op::SlotAddr, .type = Type::Ptr, .dst = r, .a = s});
  return r;
}

Reg Builder::NewSlotAddr(uint32_t size, uint32_t align, std::string name) {
  SlotId s = NewSlot(size, align, std::move(name));
  Reg r = NewReg(Type::Ptr);
  entry_addrs_.push_back({.op = Op::SlotAddr, .type = Type::Ptr, .dst = r, .a = s, .loc = loc_});
  return r;
}

void Builder::Finish() {
  Function& fn = Fn();
  if (pool_) {
    for (size_t b = 0; b < staged_.size(); ++b) {
      std::vector<Inst>& out = fn.blocks[b].insts;
      out.reserve((b == 0 ? entry_addrs_.size() : 0) + staged_[b].size());
      if (b == 0) out.insert(out.end(), entry_addrs_.begin(), entry_addrs_.end());
      out.insert(out.end(), staged_[b].begin(), staged_[b].end());
      staged_[b].clear();
      pool_->push_back(std::move(staged_[b]));
    }
    staged_.clear();
  } else {
    auto& entry = fn.blocks[0].insts;
    entry.insert(entry.begin(), entry_addrs_.begin(), entry_addrs_.end());
    for (Block& block : fn.blocks) block.insts.shrink_to_fit();
  }
  entry_addrs_.clear();
  fn.blocks.shrink_to_fit();
  fn.reg_types.shrink_to_fit();
  fn.slots.shrink_to_fit();
}

Reg Builder::Binary(Op op, Type t, Reg a, Reg b) {
  Reg r = NewReg(t);
  Append({.op = op, .type = t, .dst = r, .a = a, .b = b});
  return r;
}

Reg Builder::Unary(Op op, Type t, Reg a) {
  Reg r = NewReg(t);
  Append({.op = op, .type = t, .dst = r, .a = a});
  return r;
}

Reg Builder::Cmp(Op op, Pred p, Type operand_type, Reg a, Reg b) {
  Reg r = NewReg(Type::I8);
  Append({.op = op, .type = operand_type, .pred = p, .dst = r, .a = a, .b = b});
  return r;
}

Reg Builder::Convert(Op op, Type to, Reg a) {
  Reg r = NewReg(to);
  Append({.op = op, .type = to, .dst = r, .a = a});
  return r;
}

Reg Builder::Load(Type t, Reg ptr) {
  Reg r = NewReg(t);
  Append({.op = Op::Load, .type = t, .dst = r, .a = ptr});
  return r;
}

void Builder::Store(Type t, Reg value, Reg ptr) { Append({.op = Op::Store, .type = t, .a = value, .b = ptr}); }

Reg Builder::PtrAdd(Reg base, Reg index_i64, int64_t scale) {
  Reg r = NewReg(Type::Ptr);
  Append({.op = Op::PtrAdd, .type = Type::Ptr, .dst = r, .a = base, .b = index_i64, .imm = scale});
  return r;
}

Reg Builder::PtrOffset(Reg base, int64_t offset) {
  Reg r = NewReg(Type::Ptr);
  Append({.op = Op::PtrOffset, .type = Type::Ptr, .dst = r, .a = base, .imm = offset});
  return r;
}

void Builder::Copy(Reg dst, Reg src, int64_t size) { Append({.op = Op::Copy, .a = dst, .b = src, .imm = size}); }
void Builder::Zero(Reg dst, int64_t size) { Append({.op = Op::Zero, .a = dst, .imm = size}); }
void Builder::BoundsCheck(Reg index_i64, int64_t length) {
  Append({.op = Op::BoundsCheck, .type = Type::I64, .a = index_i64, .imm = length});
}

Reg Builder::AtomicLoad(Type t, AtomicOrder order, Reg ptr) {
  Reg r = NewReg(t);
  Append({.op = Op::AtomicLoad, .type = t, .dst = r, .a = ptr, .imm = AtomicInfo{.order = order}.Imm()});
  return r;
}

void Builder::AtomicStore(Type t, AtomicOrder order, Reg value, Reg ptr) {
  Append({.op = Op::AtomicStore, .type = t, .a = value, .b = ptr, .imm = AtomicInfo{.order = order}.Imm()});
}

Reg Builder::AtomicRmw(RmwOp op, Type t, AtomicOrder order, Reg ptr, Reg value) {
  Reg r = NewReg(t);
  Append({.op = Op::AtomicRmw, .type = t, .dst = r, .a = ptr, .b = value,
          .imm = AtomicInfo{.order = order, .rmw = op}.Imm()});
  return r;
}

Reg Builder::CmpXchg(Type t, AtomicOrder success, AtomicOrder failure, Reg ptr, Reg expected, Reg desired) {
  Reg r = NewReg(t);
  Append({.op = Op::CmpXchg, .type = t, .dst = r, .a = ptr, .b = expected, .c = desired,
          .imm = AtomicInfo{.order = success, .failure = failure}.Imm()});
  return r;
}

void Builder::Fence(AtomicOrder order) {
  Append({.op = Op::Fence, .a = kNoReg, .b = kNoReg, .imm = AtomicInfo{.order = order}.Imm()});
}

static Reg CallResult(Builder& b, const CallInfo& info) {
  return info.ret.IsAgg() || info.ret.scalar == Type::Void ? kNoReg : b.NewReg(info.ret.scalar);
}

Reg Builder::Call(FuncId callee, CallInfo info) {
  Reg r = CallResult(*this, info);
  Fn().calls.push_back(std::move(info));
  Append({.op = Op::Call, .type = r == kNoReg ? Type::Void : Fn().reg_types[r], .dst = r, .a = callee,
          .imm = int64_t(Fn().calls.size() - 1)});
  return r;
}

Reg Builder::CallIndirect(Reg fn_ptr, CallInfo info) {
  Reg r = CallResult(*this, info);
  Fn().calls.push_back(std::move(info));
  Append({.op = Op::CallIndirect, .type = r == kNoReg ? Type::Void : Fn().reg_types[r], .dst = r,
          .a = fn_ptr, .imm = int64_t(Fn().calls.size() - 1)});
  return r;
}

void Builder::Br(BlockId target) { Append({.op = Op::Br, .a = target}); }
void Builder::CondBr(Reg cond, BlockId t, BlockId e) { Append({.op = Op::CondBr, .a = cond, .b = t, .c = e}); }
void Builder::Ret(Reg value) { Append({.op = Op::Ret, .a = value}); }
void Builder::Trap(TrapKind kind) { Append({.op = Op::Trap, .imm = int64_t(kind)}); }

}  // namespace thrustc::ir
