// The IR verifier: structural and type invariants of a Module (docs/ir.md lists them). Runs after
// lowering (a failure there is a compiler bug) and after parsing IR text. Reports every problem
// it finds as "function 'f', bb2, inst 3: message" (block and instruction indices count from 0).
#include "ir/verifier.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace thrustc::ir {

namespace {

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
bool IsValueType(Type t) { return t != Type::Void; }
std::string RegText(Reg r) { return "%" + std::to_string(r); }

// Ops that produce a value in `dst`; calls produce one exactly when they return a scalar.
bool HasResult(Op op) {
  switch (OpFamilyOf(op)) {
    case OpFamily::Const: case OpFamily::IntBinary: case OpFamily::FloatBinary: case OpFamily::Unary:
    case OpFamily::Compare: case OpFamily::Convert: return true;
    case OpFamily::Memory: return op == Op::Load || op == Op::PtrAdd || op == Op::PtrOffset;
    case OpFamily::Atomic: return op != Op::AtomicStore && op != Op::Fence;
    default: return false;
  }
}

// Dominator tree of a function's CFG (Cooper, Harvey and Kennedy's iterative algorithm), with
// pre/post numbers so "a dominates b" is O(1). Unreachable blocks have no number. One object is
// reused for every function of a module, and edges live in flat arrays (a block has at most two
// successors), so verifying a large module does not allocate per block.
class Dominators {
 public:
  void Compute(const Function& f) {
    size_t n = f.blocks.size();
    succs_.assign(n, {kNone, kNone});
    for (BlockId b = 0; b < n; ++b) {
      if (f.blocks[b].insts.empty()) continue;
      const Inst& t = f.blocks[b].insts.back();
      if (t.op == Op::Br && t.a < n) succs_[b][0] = t.a;
      if (t.op == Op::CondBr) {
        if (t.b < n) succs_[b][0] = t.b;
        if (t.c < n) succs_[b][1] = t.c;
      }
    }
    ComputeOrder(n);
    ComputeIdoms(n);
    NumberTree(n);
  }
  bool Reachable(BlockId b) const { return pre_[b] != kNone; }
  bool Dominates(BlockId a, BlockId b) const {
    return Reachable(a) && Reachable(b) && pre_[a] <= pre_[b] && post_[b] <= post_[a];
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Successor i of b, or kNone.
  BlockId Succ(BlockId b, size_t i) const { return i < 2 ? succs_[b][i] : kNone; }

  void ComputeOrder(size_t n) {  // reverse post-order from the entry, iteratively
    rpo_index_.assign(n, kNone);
    rpo_.clear();
    if (n == 0) return;
    seen_.assign(n, 0);
    stack_.assign(1, {0, 0});
    seen_[0] = 1;
    while (!stack_.empty()) {
      auto& [b, i] = stack_.back();
      if (i < 2) {
        BlockId s = Succ(b, i++);
        if (s != kNone && !seen_[s]) {
          seen_[s] = 1;
          stack_.push_back({s, 0});
        }
      } else {
        rpo_.push_back(b);  // post-order for now
        stack_.pop_back();
      }
    }
    std::reverse(rpo_.begin(), rpo_.end());
    for (uint32_t i = 0; i < rpo_.size(); ++i) rpo_index_[rpo_[i]] = i;
  }

  // Fills start/list with the edges (from, to) as a compressed adjacency list indexed by `to`.
  static void BuildAdjacency(size_t n, const std::vector<std::pair<BlockId, BlockId>>& edges,
                             std::vector<uint32_t>& start, std::vector<BlockId>& list) {
    start.assign(n + 1, 0);
    for (auto [from, to] : edges) ++start[to + 1];
    for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    list.resize(edges.size());
    std::vector<uint32_t>& fill = start;  // bumped per edge, then shifted back below
    for (auto [from, to] : edges) list[fill[to]++] = from;
    for (size_t i = n; i > 0; --i) start[i] = start[i - 1];
    start[0] = 0;
  }

  void ComputeIdoms(size_t n) {
    idom_.assign(n, kNone);
    if (rpo_.empty()) return;
    edges_.clear();
    for (BlockId b : rpo_)
      for (size_t i = 0; i < 2; ++i)
        if (BlockId s = Succ(b, i); s != kNone) edges_.push_back({b, s});
    BuildAdjacency(n, edges_, pred_start_, preds_);
    idom_[0] = 0;
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 1; i < rpo_.size(); ++i) {
        BlockId b = rpo_[i], best = kNone;
        for (uint32_t k = pred_start_[b]; k < pred_start_[b + 1]; ++k) {
          BlockId p = preds_[k];
          if (idom_[p] != kNone) best = best == kNone ? p : Intersect(p, best);
        }
        if (best != idom_[b]) idom_[b] = best, changed = true;
      }
    }
  }
  BlockId Intersect(BlockId a, BlockId b) const {
    while (a != b) {
      while (rpo_index_[a] > rpo_index_[b]) a = idom_[a];
      while (rpo_index_[b] > rpo_index_[a]) b = idom_[b];
    }
    return a;
  }

  void NumberTree(size_t n) {
    pre_.assign(n, kNone);
    post_.assign(n, kNone);
    if (rpo_.empty()) return;
    edges_.clear();
    for (BlockId b : rpo_)
      if (b != 0) edges_.push_back({b, idom_[b]});  // listed under the parent, in RPO order
    BuildAdjacency(n, edges_, kid_start_, kids_);
    uint32_t clock = 0;
    stack_.assign(1, {0, 0});
    pre_[0] = clock++;
    while (!stack_.empty()) {
      auto& [b, i] = stack_.back();
      if (kid_start_[b] + i < kid_start_[b + 1]) {
        BlockId k = kids_[kid_start_[b] + i++];
        pre_[k] = clock++;
        stack_.push_back({k, 0});
      } else {
        post_[b] = clock++;
        stack_.pop_back();
      }
    }
  }

  std::vector<std::array<BlockId, 2>> succs_;
  std::vector<BlockId> rpo_, preds_, kids_;
  std::vector<uint32_t> rpo_index_, idom_, pre_, post_, pred_start_, kid_start_;
  std::vector<uint8_t> seen_;
  std::vector<std::pair<BlockId, size_t>> stack_;
  std::vector<std::pair<BlockId, BlockId>> edges_;
};

class Verifier {
 public:
  Verifier(const Module& m, std::vector<std::string>& out) : m_(m), out_(out) {}

  void Run() {
    for (AggId a = 0; a < m_.aggs.size(); ++a) VerifyAgg(a);
    VerifySymbols();
    for (const Global& g : m_.globals) VerifyGlobal(g);
    for (FuncId f = 0; f < m_.functions.size(); ++f) VerifyFunction(m_.functions[f]);
  }

 private:
  void Report(const std::string& where, const std::string& message) { out_.push_back(where + ": " + message); }
  void Error(const std::string& message) {
    std::string where = "function '" + f_->name + "'";
    if (block_ != kNoBlock) where += ", bb" + std::to_string(block_);
    if (inst_ != kNoInst) where += ", inst " + std::to_string(inst_);
    Report(where, message);
  }

  void VerifyAgg(AggId id);
  void VerifySymbols();
  void VerifyGlobal(const Global& g);
  bool CheckAbi(const AbiType& t, bool allow_void, const std::string& what);
  void VerifyFunction(const Function& f);
  void VerifyParams();
  void VerifyShape();
  void CollectDefs();
  void VerifyInsts(const Dominators& dom);
  void VerifyInst(const Inst& inst);
  void VerifyUses(const Inst& inst, const Dominators& dom);
  void UseAt(Reg r, const Dominators& dom);
  bool CheckReg(Reg r, Type expected, const char* what);
  Type RegType(Reg r) const { return r < f_->reg_types.size() ? f_->reg_types[r] : Type::Void; }
  void CheckResult(const Inst& inst, Type expected);
  void CheckConvert(const Inst& inst);
  void CheckMemory(const Inst& inst);
  void CheckAtomic(const Inst& inst);
  void CheckCall(const Inst& inst);
  void CheckCallArgs(const CallInfo& info);
  void CheckTerminator(const Inst& inst);

  static constexpr BlockId kNoBlock = UINT32_MAX;
  static constexpr size_t kNoInst = SIZE_MAX;
  const Module& m_;
  std::vector<std::string>& out_;
  const Function* f_ = nullptr;
  BlockId block_ = kNoBlock;
  size_t inst_ = kNoInst;
  // Where each register is defined: block and instruction index (params: entry, -1).
  std::vector<BlockId> def_block_;
  std::vector<int64_t> def_index_;
  Dominators dom_;  // reused for every function
};

void Verifier::VerifyAgg(AggId id) {
  const AggType& a = m_.aggs[id];
  std::string where = "type %" + a.name;
  if (!IsPowerOfTwo(a.align)) Report(where, "alignment " + std::to_string(a.align) + " is not a power of two");
  else if (a.size % a.align != 0) Report(where, "size is not a multiple of the alignment");
  for (const AggType::Leaf& leaf : a.leaves) {
    if (!IsValueType(leaf.type)) Report(where, "a leaf has type void");
    else if (uint64_t(leaf.offset) + TypeSize(leaf.type) > a.size)
      Report(where, "leaf at offset " + std::to_string(leaf.offset) + " lies outside the size");
  }
}

// Functions and globals are symbols of one object file: names are non-empty and distinct.
void Verifier::VerifySymbols() {
  std::unordered_map<std::string_view, int> seen;
  for (const Function& f : m_.functions) ++seen[f.name];
  for (const Global& g : m_.globals) ++seen[g.name];
  for (auto& [name, count] : seen) {
    if (name.empty()) Report("module", "a function or global has an empty name");
    else if (count > 1) Report("module", "symbol '" + std::string(name) + "' is defined " + std::to_string(count) + " times");
  }
}

void Verifier::VerifyGlobal(const Global& g) {
  std::string where = "global '" + g.name + "'";
  if (!IsPowerOfTwo(g.align)) Report(where, "alignment " + std::to_string(g.align) + " is not a power of two");
  if (g.linkage == Linkage::External) {
    if (!g.bytes.empty() || !g.relocs.empty()) Report(where, "an external global has no initial contents");
    return;
  }
  if (!g.bytes.empty() && g.bytes.size() != g.size)
    Report(where, "has " + std::to_string(g.bytes.size()) + " initial bytes but size " + std::to_string(g.size));
  for (const Reloc& r : g.relocs) {
    if (uint64_t(r.offset) + 8 > g.size) Report(where, "relocation at offset " + std::to_string(r.offset) + " lies outside the global");
    size_t limit = r.to_function ? m_.functions.size() : m_.globals.size();
    if (r.target >= limit) Report(where, "relocation target " + std::to_string(r.target) + " is out of range");
  }
}

bool Verifier::CheckAbi(const AbiType& t, bool allow_void, const std::string& what) {
  if (t.IsAgg()) {
    if (t.agg < m_.aggs.size()) return true;
    Error(what + " names aggregate " + std::to_string(t.agg) + ", which does not exist");
    return false;
  }
  if (t.scalar == Type::Void && !allow_void) {
    Error(what + " has type void");
    return false;
  }
  return true;
}

void Verifier::VerifyFunction(const Function& f) {
  f_ = &f;
  block_ = kNoBlock;
  inst_ = kNoInst;
  for (size_t i = 0; i < f.sig.params.size(); ++i) CheckAbi(f.sig.params[i], false, "parameter " + std::to_string(i));
  CheckAbi(f.sig.ret, true, "the return type");
  if (f.IsExternal()) {
    if (!f.blocks.empty()) Error("an external function has no blocks");
    return;
  }
  if (f.blocks.empty()) {
    Error("a defined function needs at least one block");
    return;
  }
  VerifyParams();
  VerifyShape();
  CollectDefs();
  dom_.Compute(f);
  VerifyInsts(dom_);
}

void Verifier::VerifyParams() {
  if (f_->params.size() != f_->sig.params.size()) {
    Error("has " + std::to_string(f_->params.size()) + " parameter registers for " +
          std::to_string(f_->sig.params.size()) + " parameters");
    return;
  }
  for (size_t i = 0; i < f_->params.size(); ++i) {
    const AbiType& t = f_->sig.params[i];
    CheckReg(f_->params[i], t.IsAgg() ? Type::Ptr : t.scalar, "parameter register");
  }
}

// Every block is non-empty and ends in its only terminator.
void Verifier::VerifyShape() {
  for (block_ = 0; block_ < f_->blocks.size(); ++block_) {
    const auto& insts = f_->blocks[block_].insts;
    if (insts.empty()) Error("block is empty");
    else if (OpFamilyOf(insts.back().op) != OpFamily::Terminator) Error("block does not end in a terminator");
    for (size_t i = 0; i + 1 < insts.size(); ++i)
      if (OpFamilyOf(insts[i].op) == OpFamily::Terminator) {
        inst_ = i;
        Error("terminator '" + std::string(OpName(insts[i].op)) + "' in the middle of the block");
        inst_ = kNoInst;
      }
  }
  block_ = kNoBlock;
}

// Every register is defined exactly once: by a parameter or by one instruction.
void Verifier::CollectDefs() {
  size_t n = f_->reg_types.size();
  def_block_.assign(n, kNoBlock);
  def_index_.assign(n, 0);
  auto define = [&](Reg r, BlockId b, int64_t i) {
    if (r >= n) return Error("defines " + RegText(r) + ", beyond the function's " + std::to_string(n) + " registers");
    if (def_block_[r] != kNoBlock) return Error(RegText(r) + " is defined more than once");
    def_block_[r] = b;
    def_index_[r] = i;
  };
  for (Reg p : f_->params) define(p, 0, -1);
  for (block_ = 0; block_ < f_->blocks.size(); ++block_) {
    const auto& insts = f_->blocks[block_].insts;
    for (inst_ = 0; inst_ < insts.size(); ++inst_)
      if (insts[inst_].dst != kNoReg) define(insts[inst_].dst, block_, int64_t(inst_));
  }
  block_ = kNoBlock;
  inst_ = kNoInst;
}

void Verifier::VerifyInsts(const Dominators& dom) {
  for (block_ = 0; block_ < f_->blocks.size(); ++block_) {
    const auto& insts = f_->blocks[block_].insts;
    for (inst_ = 0; inst_ < insts.size(); ++inst_) {
      VerifyUses(insts[inst_], dom);
      VerifyInst(insts[inst_]);
    }
  }
  block_ = kNoBlock;
  inst_ = kNoInst;
}

// A use must be dominated by the definition: earlier in the same block, or in a dominating block.
// Uses in unreachable blocks only need a definition somewhere.
void Verifier::UseAt(Reg r, const Dominators& dom) {
  if (r >= def_block_.size() || def_block_[r] == kNoBlock) return Error("uses " + RegText(r) + ", which is never defined");
  BlockId d = def_block_[r];
  if (!dom.Reachable(block_)) return;
  bool ok = d == block_ ? def_index_[r] < int64_t(inst_) : dom.Dominates(d, block_);
  if (!ok) Error("uses " + RegText(r) + ", whose definition (in bb" + std::to_string(d) + ") does not dominate this use");
}

void Verifier::VerifyUses(const Inst& inst, const Dominators& dom) {
  auto call_uses = [&](int64_t index) {
    if (index < 0 || uint64_t(index) >= f_->calls.size()) return;
    const CallInfo& info = f_->calls[index];
    for (Reg r : info.args) UseAt(r, dom);
    if (info.ret_dest != kNoReg) UseAt(info.ret_dest, dom);
  };
  switch (OpFamilyOf(inst.op)) {
    case OpFamily::Const: return;
    case OpFamily::IntBinary: case OpFamily::FloatBinary: case OpFamily::Compare:
      UseAt(inst.a, dom);
      return UseAt(inst.b, dom);
    case OpFamily::Unary: case OpFamily::Convert: case OpFamily::Check: return UseAt(inst.a, dom);
    case OpFamily::Memory:
      UseAt(inst.a, dom);
      if (inst.op == Op::Store || inst.op == Op::PtrAdd || inst.op == Op::Copy) UseAt(inst.b, dom);
      return;
    case OpFamily::Atomic:
      if (inst.op == Op::Fence) return;
      UseAt(inst.a, dom);
      if (inst.op != Op::AtomicLoad) UseAt(inst.b, dom);
      if (inst.op == Op::CmpXchg) UseAt(inst.c, dom);
      return;
    case OpFamily::Call:
      if (inst.op == Op::CallIndirect) UseAt(inst.a, dom);
      return call_uses(inst.imm);
    case OpFamily::Terminator:
      if (inst.op == Op::CondBr || (inst.op == Op::Ret && inst.a != kNoReg)) UseAt(inst.a, dom);
      return;
  }
}

bool Verifier::CheckReg(Reg r, Type expected, const char* what) {
  if (r >= f_->reg_types.size()) {
    Error(std::string(what) + " " + RegText(r) + " is out of range");
    return false;
  }
  if (f_->reg_types[r] == expected) return true;
  Error(std::string(what) + " " + RegText(r) + " is " + std::string(TypeName(f_->reg_types[r])) + ", expected " +
        std::string(TypeName(expected)));
  return false;
}

void Verifier::CheckResult(const Inst& inst, Type expected) {
  if (inst.dst == kNoReg) return Error("'" + std::string(OpName(inst.op)) + "' needs a result register");
  CheckReg(inst.dst, expected, "result");
}

void Verifier::VerifyInst(const Inst& inst) {
  Op op = inst.op;
  if (!HasResult(op) && OpFamilyOf(op) != OpFamily::Call && inst.dst != kNoReg)
    Error("'" + std::string(OpName(op)) + "' produces no value but has a result register");
  auto want = [&](bool ok, const char* message) {
    if (!ok) Error("'" + std::string(OpName(op)) + "' " + message);
    return ok;
  };
  switch (OpFamilyOf(op)) {
    case OpFamily::Const:
      if (op == Op::IConst) want(IsInt(inst.type) || inst.type == Type::Ptr, "needs an integer or ptr type");
      else if (op == Op::FConst) want(IsFloat(inst.type), "needs a float type");
      else if (want(inst.type == Type::Ptr, "has type ptr"))
        want(inst.a < (op == Op::GlobalAddr ? m_.globals.size() : op == Op::FuncAddr ? m_.functions.size() : f_->slots.size()),
             "refers to an id that is out of range");
      return CheckResult(inst, inst.type);
    case OpFamily::IntBinary:
    case OpFamily::FloatBinary:
      if (!want(OpFamilyOf(op) == OpFamily::IntBinary ? IsInt(inst.type) : IsFloat(inst.type),
                OpFamilyOf(op) == OpFamily::IntBinary ? "needs an integer type" : "needs a float type"))
        return;
      CheckReg(inst.a, inst.type, "operand");
      CheckReg(inst.b, inst.type, "operand");
      return CheckResult(inst, inst.type);
    case OpFamily::Unary:
      if (!want(op == Op::FNeg ? IsFloat(inst.type) : IsInt(inst.type), op == Op::FNeg ? "needs a float type" : "needs an integer type"))
        return;
      CheckReg(inst.a, inst.type, "operand");
      return CheckResult(inst, inst.type);
    case OpFamily::Compare:
      if (op == Op::ICmp) {
        want(IsInt(inst.type) || inst.type == Type::Ptr, "compares integers or pointers");
        want(inst.pred <= Pred::Uge, "needs an integer predicate (eq ne slt sle sgt sge ult ule ugt uge)");
      } else {
        want(IsFloat(inst.type), "compares floats");
        want(inst.pred >= Pred::Oeq, "needs a float predicate (oeq une olt ole ogt oge)");
      }
      CheckReg(inst.a, inst.type, "operand");
      CheckReg(inst.b, inst.type, "operand");
      return CheckResult(inst, Type::I8);
    case OpFamily::Convert: return CheckConvert(inst);
    case OpFamily::Memory: return CheckMemory(inst);
    case OpFamily::Atomic: return CheckAtomic(inst);
    case OpFamily::Check:
      CheckReg(inst.a, Type::I64, "index");
      want(inst.imm >= 0, "needs a non-negative length");
      return;
    case OpFamily::Call: return CheckCall(inst);
    case OpFamily::Terminator: return CheckTerminator(inst);
  }
}

void Verifier::CheckConvert(const Inst& inst) {
  if (inst.a >= f_->reg_types.size()) return Error("operand " + RegText(inst.a) + " is out of range");
  Type from = RegType(inst.a), to = inst.type;
  uint32_t fs = TypeSize(from), ts = TypeSize(to);
  bool ok = false;
  switch (inst.op) {
    case Op::SExt: case Op::ZExt: ok = IsInt(from) && IsInt(to) && fs < ts; break;
    case Op::Trunc: ok = IsInt(from) && IsInt(to) && fs > ts; break;
    case Op::SIToFP: case Op::UIToFP: ok = IsInt(from) && IsFloat(to); break;
    case Op::FPToSI: case Op::FPToUI: ok = IsFloat(from) && IsInt(to); break;
    case Op::FPExt: ok = from == Type::F32 && to == Type::F64; break;
    case Op::FPTrunc: ok = from == Type::F64 && to == Type::F32; break;
    case Op::PtrToInt: ok = from == Type::Ptr && to == Type::I64; break;
    case Op::IntToPtr: ok = from == Type::I64 && to == Type::Ptr; break;
    default: break;
  }
  if (!ok)
    Error("'" + std::string(OpName(inst.op)) + "' cannot convert " + std::string(TypeName(from)) + " to " +
          std::string(TypeName(to)));
  CheckResult(inst, to);
}

void Verifier::CheckMemory(const Inst& inst) {
  switch (inst.op) {
    case Op::Load:
      if (!IsValueType(inst.type)) Error("'load' needs a value type");
      CheckReg(inst.a, Type::Ptr, "address");
      return CheckResult(inst, inst.type);
    case Op::Store:
      if (!IsValueType(inst.type)) Error("'store' needs a value type");
      CheckReg(inst.a, inst.type, "stored value");
      CheckReg(inst.b, Type::Ptr, "address");
      return;
    case Op::PtrAdd:
      CheckReg(inst.a, Type::Ptr, "base");
      CheckReg(inst.b, Type::I64, "index");
      return CheckResult(inst, Type::Ptr);
    case Op::PtrOffset:
      CheckReg(inst.a, Type::Ptr, "base");
      return CheckResult(inst, Type::Ptr);
    case Op::Copy:
      CheckReg(inst.b, Type::Ptr, "source");
      [[fallthrough]];
    case Op::Zero:
      CheckReg(inst.a, Type::Ptr, "destination");
      if (inst.imm < 0) Error("'" + std::string(OpName(inst.op)) + "' needs a non-negative size");
      return;
    default: return;
  }
}

// Orderings as LLVM allows them: loads do not release, stores do not acquire, a cmpxchg's failure
// ordering is a load's and no stronger than its success ordering, fences are not relaxed.
void Verifier::CheckAtomic(const Inst& inst) {
  std::string op = "'" + std::string(OpName(inst.op)) + "'";
  AtomicInfo info = AtomicInfoOf(inst);
  bool stray = (inst.op != Op::CmpXchg && info.failure != AtomicOrder::Relaxed) ||
               (inst.op != Op::AtomicRmw && info.rmw != RmwOp::Xchg);
  if (inst.imm != info.Imm() || info.order > AtomicOrder::SeqCst || info.failure > AtomicOrder::SeqCst ||
      info.rmw > RmwOp::UMin || stray)
    return Error(op + " has an invalid ordering or operation (imm " + std::to_string(inst.imm) + ")");
  if (inst.op == Op::Fence) {
    if (info.order == AtomicOrder::Relaxed) Error("'fence' cannot be relaxed");
    return;
  }
  if (!IsInt(inst.type)) return Error(op + " needs an integer type");
  auto releases_only = [](AtomicOrder o) { return o == AtomicOrder::Release || o == AtomicOrder::AcqRel; };
  bool acquires_only = info.order == AtomicOrder::Acquire || info.order == AtomicOrder::AcqRel;
  if (inst.op == Op::AtomicLoad && releases_only(info.order)) Error("'atomic_load' cannot be release or acq_rel");
  if (inst.op == Op::AtomicStore && acquires_only) Error("'atomic_store' cannot be acquire or acq_rel");
  if (inst.op == Op::CmpXchg) {
    if (releases_only(info.failure)) Error("'cmpxchg' failure ordering cannot be release or acq_rel");
    else if ((info.failure == AtomicOrder::SeqCst && info.order != AtomicOrder::SeqCst) ||
             (info.failure == AtomicOrder::Acquire && !HasAcquire(info.order)))
      Error("'cmpxchg' failure ordering is stronger than its success ordering");
  }
  if (inst.op == Op::AtomicStore) {
    CheckReg(inst.a, inst.type, "stored value");
    CheckReg(inst.b, Type::Ptr, "address");
    return;
  }
  CheckReg(inst.a, Type::Ptr, "address");
  if (inst.op == Op::AtomicRmw) CheckReg(inst.b, inst.type, "operand");
  if (inst.op == Op::CmpXchg) {
    CheckReg(inst.b, inst.type, "expected value");
    CheckReg(inst.c, inst.type, "new value");
  }
  CheckResult(inst, inst.type);
}

// The call site's own description: arguments typed, result register matching the return type.
void Verifier::CheckCallArgs(const CallInfo& info) {
  if (info.arg_types.size() != info.args.size()) return Error("call has " + std::to_string(info.args.size()) +
                                                              " arguments but " + std::to_string(info.arg_types.size()) + " argument types");
  for (size_t i = 0; i < info.args.size(); ++i) {
    const AbiType& t = info.arg_types[i];
    if (CheckAbi(t, false, "argument " + std::to_string(i)))
      CheckReg(info.args[i], t.IsAgg() ? Type::Ptr : t.scalar, "argument");
  }
  if (info.variadic && info.fixed_count > info.args.size()) Error("call has fewer arguments than its fixed count");
  CheckAbi(info.ret, true, "the call's return type");
  if (info.ret.IsAgg()) {
    if (info.ret_dest == kNoReg) Error("a call returning an aggregate needs a destination pointer");
    else CheckReg(info.ret_dest, Type::Ptr, "return destination");
  } else if (info.ret_dest != kNoReg) {
    Error("a call returning a scalar has a return destination");
  }
}

void Verifier::CheckCall(const Inst& inst) {
  if (inst.imm < 0 || uint64_t(inst.imm) >= f_->calls.size())
    return Error("call info " + std::to_string(inst.imm) + " is out of range");
  const CallInfo& info = f_->calls[inst.imm];
  CheckCallArgs(info);
  bool scalar_result = !info.ret.IsAgg() && info.ret.scalar != Type::Void;
  if (scalar_result) {
    CheckResult(inst, info.ret.scalar);
    if (inst.type != info.ret.scalar) Error("call's type differs from its return type");
  } else if (inst.dst != kNoReg) {
    Error("a call returning void or an aggregate has a result register");
  }
  if (inst.op == Op::CallIndirect) {
    CheckReg(inst.a, Type::Ptr, "callee");
    return;
  }
  if (inst.a >= m_.functions.size()) return Error("callee " + std::to_string(inst.a) + " is out of range");
  const Function& callee = m_.functions[inst.a];
  const Signature& sig = callee.sig;
  std::string who = "call to '" + callee.name + "'";
  size_t fixed = sig.params.size();
  if (sig.variadic ? info.args.size() < fixed : info.args.size() != fixed)
    Error(who + " passes " + std::to_string(info.args.size()) + " arguments, expected " +
          (sig.variadic ? "at least " : "") + std::to_string(fixed));
  if (info.variadic != sig.variadic) Error(who + ": variadic flag differs from the callee's");
  else if (sig.variadic && info.fixed_count != fixed) Error(who + ": fixed argument count differs from the callee's");
  for (size_t i = 0; i < fixed && i < info.arg_types.size(); ++i)
    if (!(info.arg_types[i] == sig.params[i])) Error(who + ": argument " + std::to_string(i) + " has the wrong type");
  if (!(info.ret == sig.ret)) Error(who + ": return type differs from the callee's");
}

void Verifier::CheckTerminator(const Inst& inst) {
  size_t n = f_->blocks.size();
  switch (inst.op) {
    case Op::Br:
      if (inst.a >= n) Error("branch target bb" + std::to_string(inst.a) + " does not exist");
      return;
    case Op::CondBr:
      CheckReg(inst.a, Type::I8, "condition");
      if (inst.b >= n || inst.c >= n) Error("branch target does not exist");
      return;
    case Op::Ret: {
      const AbiType& ret = f_->sig.ret;
      if (!ret.IsAgg() && ret.scalar == Type::Void) {
        if (inst.a != kNoReg) Error("returns a value from a void function");
      } else if (inst.a == kNoReg) {
        Error("returns no value from a function that returns one");
      } else {
        CheckReg(inst.a, ret.IsAgg() ? Type::Ptr : ret.scalar, "return value");
      }
      return;
    }
    case Op::Trap:
      if (inst.imm < 0 || inst.imm > int64_t(TrapKind::FloatToInt)) Error("unknown trap kind " + std::to_string(inst.imm));
      return;
    default: return;
  }
}

}  // namespace

std::vector<std::string> Verify(const Module& module) {
  std::vector<std::string> problems;
  Verifier(module, problems).Run();
  return problems;
}

}  // namespace thrustc::ir
