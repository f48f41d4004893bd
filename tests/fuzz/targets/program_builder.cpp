// BuildProgram (program_builder.h): fuzz bytes → a Thrust IR module made only of what both the
// interpreter and the ctjit define the same way. Integer buffers only ever hold integers and
// float data lives apart, so no NaN payload reaches an integer; every slot is zeroed before use;
// function i calls only functions after it, and loops spend a fuel global that the entry resets.
#include "program_builder.h"

#include <bit>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace thrustc::fuzz {

namespace {

using ir::Reg;
using ir::Type;

constexpr uint32_t kBufferBytes = 64;       // every integer buffer and the float buffer
constexpr int64_t kFuel = 256;              // loop iterations per call of the entry, in total
constexpr int kMaxStatements = 600;         // per module
constexpr int kMaxDepth = 4, kMaxLoopDepth = 2;
constexpr Type kInts[] = {Type::I8, Type::I16, Type::I32, Type::I64};
constexpr Type kScalars[] = {Type::I8, Type::I16, Type::I32, Type::I64, Type::F32, Type::F64};

// The fuzz bytes as choices; past the end every choice is 0 (which ends regions and bodies).
class Choices {
 public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t Below(size_t n) {
    if (n <= 1) return 0;
    uint32_t v = Byte();
    if (n > 256) v |= uint32_t(Byte()) << 8;
    return uint32_t(v % n);
  }
  bool OneIn(uint32_t n) { return Below(n) == 1; }  // false once the bytes run out
  uint64_t Word() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(Byte()) << (8 * i);
    return v;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

int64_t SignExtend(Type t, uint64_t v) {
  unsigned sh = 64 - ir::TypeSize(t) * 8;
  return sh == 0 ? int64_t(v) : int64_t(v << sh) >> sh;
}

int64_t IntValue(Choices& in) {
  static const int64_t kValues[] = {0, 1, -1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256,
                                    -128, -129, 32767, -32768, 65535, 0x7fffffff, -0x7fffffffLL - 1, 0xffffffffLL,
                                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
  uint32_t pick = in.Below(std::size(kValues) + 4);
  return pick < std::size(kValues) ? kValues[pick] : int64_t(in.Word());
}

double FloatValue(Choices& in, Type t) {
  static const double kValues[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.5, 3.0, 255.9, -0.99, 1e10, 1e-10, 1e300,
                                   -1e300, 2147483648.0, 4294967296.0, 9223372036854775808.0,
                                   -9223372036854775808.0, 18446744073709551616.0, 5e-324, 3.4028234663852886e38,
                                   INFINITY, -INFINITY, NAN};
  uint32_t pick = in.Below(std::size(kValues) + 4);
  double d;
  if (pick < std::size(kValues)) {
    d = kValues[pick];
  } else if (t == Type::F32) {
    d = std::bit_cast<float>(uint32_t(in.Word()));
  } else {
    d = std::bit_cast<double>(in.Word());
  }
  // An f32 constant is one that f32 can hold, as lowering writes them (the cast rounds to it).
  return t == Type::F32 ? double(float(d)) : d;
}

// Six aggregates that the calling conventions classify differently (INTEGER, SSE, mixed, MEMORY).
void AddAggregates(ir::Module& m) {
  auto add = [&](const char* name, uint32_t size, uint32_t align, std::vector<ir::AggType::Leaf> leaves) {
    m.aggs.push_back({name, size, align, std::move(leaves)});
  };
  add("IntF64", 16, 8, {{Type::I32, 0}, {Type::F64, 8}});
  add("Bytes", 8, 4, {{Type::I8, 0}, {Type::I8, 1}, {Type::I16, 2}, {Type::I32, 4}});
  add("TwoF32", 8, 4, {{Type::F32, 0}, {Type::F32, 4}});
  add("ThreeI64", 24, 8, {{Type::I64, 0}, {Type::I64, 8}, {Type::I64, 16}});
  add("F64I64", 16, 8, {{Type::F64, 0}, {Type::I64, 8}});
  add("Mixed12", 12, 4, {{Type::I16, 0}, {Type::F32, 4}, {Type::I8, 8}});
}

ir::AbiType ChooseAbiType(Choices& in, bool scalar_only, bool allow_void) {
  uint32_t kinds = scalar_only ? 6 : 9;
  uint32_t k = in.Below(kinds + (allow_void ? 1 : 0));
  if (k < 6) return {kScalars[k], ir::kNoAgg};
  if (k == 6 && !scalar_only) return {Type::Ptr, ir::kNoAgg};
  if (k < 9 && !scalar_only) return {Type::Void, ir::AggId(in.Below(6))};
  return {Type::Void, ir::kNoAgg};  // the void return
}

// A pointer to one integer buffer of kBufferBytes; `own` when it is (derived from) the current
// function's own buffer, which copies need to tell apart from the others.
struct Buffer {
  Reg addr;
  bool own;
};

struct ModuleState {
  ir::Module& m;
  Choices& in;
  ir::GlobalId fuel, mem;
  int statements_left = kMaxStatements;
};

// Builds the body of one function; the signatures of all of them exist already.
class FunctionBuilder {
 public:
  FunctionBuilder(ModuleState& s, ir::FuncId id) : s_(s), in_(s.in), id_(id), b_(s.m, id) {}
  void Build();

 private:
  struct Var {
    Type type;
    ir::SlotId slot;
    Reg addr;
  };
  struct Scope {
    size_t pools[8];
    size_t buffers;
  };

  ir::Function& Fn() { return s_.m.functions[id_]; }
  Scope Save() const;
  void Restore(const Scope& scope);
  Reg Keep(Reg r) {
    pools_[size_t(Fn().reg_types[r])].push_back(r);
    return r;
  }
  Reg Get(Type t);
  Reg Const(Type t);
  Reg ToI64(Reg r);
  Reg AvoidKnownFinding(Reg index);
  Reg ZeroedSlot(uint32_t size, uint32_t align);
  Reg SlotAddrOf(const Var& v) { return in_.OneIn(4) ? b_.SlotAddr(v.slot) : v.addr; }
  Reg FuelAddr() { return b_.GlobalAddr(s_.fuel); }
  bool Terminated() { return b_.Terminated(); }

  void Region(int depth, int loop_depth);  // ends when a choice says so, or after ret/trap
  bool Statement(int depth, int loop_depth);  // false: the region ends here
  void IntBinary();
  void FloatBinary();
  void UnaryOp();
  void Compare();
  void Convert();
  void BufferAccess();
  void CopyOrZero();
  void If(int depth, int loop_depth);
  void Loop(int depth, int loop_depth);
  void Break();
  void CallOther(bool indirect);
  void AggregateLeaf();
  void PointerRoundTrip();
  Reg FillAggregate(ir::AggId agg);
  void EmitReturn();

  ModuleState& s_;
  Choices& in_;
  ir::FuncId id_;
  ir::Builder b_;
  std::vector<Reg> pools_[8];  // registers usable here, by type (dominance: scoped by Region)
  std::vector<Buffer> buffers_;
  Reg own_buffer_ = ir::kNoReg, float_buffer_ = ir::kNoReg;
  std::vector<Var> vars_;
  std::vector<std::pair<Reg, ir::AggId>> agg_params_;
  std::vector<ir::BlockId> loop_exits_;
  std::vector<std::pair<Reg, int64_t>> i64_consts_;  // the i64 constants made so far, with their values
};

FunctionBuilder::Scope FunctionBuilder::Save() const {
  Scope s;
  for (size_t i = 0; i < 8; ++i) s.pools[i] = pools_[i].size();
  s.buffers = buffers_.size();
  return s;
}

void FunctionBuilder::Restore(const Scope& scope) {
  for (size_t i = 0; i < 8; ++i) pools_[i].resize(scope.pools[i]);
  buffers_.resize(scope.buffers);
}

Reg FunctionBuilder::Const(Type t) {
  if (ir::IsFloat(t)) return b_.FConst(t, FloatValue(in_, t));
  int64_t v = IntValue(in_);
  // Mostly the canonical (sign-extended) immediate, as lowering writes it; now and then the raw one.
  Reg r = b_.IConst(t, in_.OneIn(16) ? v : SignExtend(t, uint64_t(v)));
  if (t == Type::I64) i64_consts_.emplace_back(r, v);
  return r;
}

// Known finding (README.md, "Known findings"): the ctjit folds a constant ptradd index times its
// scale in int64 arithmetic that overflows for indexes beyond ±2^59, which UBSan reports at
// once; it would end most runs. Such an index, guarded by a boundscheck that traps anyway, is
// replaced by a small constant unless THRUSTC_FUZZ_KNOWN_FINDINGS is set.
Reg FunctionBuilder::AvoidKnownFinding(Reg index) {
  static const bool keep = std::getenv("THRUSTC_FUZZ_KNOWN_FINDINGS") != nullptr;
  if (keep) return index;
  for (const auto& [reg, value] : i64_consts_)
    if (reg == index && (value > (int64_t(1) << 40) || value < -(int64_t(1) << 40)))
      return b_.IConst(Type::I64, value & 127);
  return index;
}

Reg FunctionBuilder::Get(Type t) {
  std::vector<Reg>& pool = pools_[size_t(t)];
  if (!pool.empty() && in_.Below(4) != 0) return pool[in_.Below(pool.size())];
  return Keep(Const(t));
}

Reg FunctionBuilder::ToI64(Reg r) {
  Type t = Fn().reg_types[r];
  if (t == Type::I64) return r;
  return b_.Convert(in_.Below(2) ? ir::Op::ZExt : ir::Op::SExt, Type::I64, r);
}

Reg FunctionBuilder::ZeroedSlot(uint32_t size, uint32_t align) {
  Reg addr = b_.SlotAddr(b_.NewSlot(size, align));
  b_.Zero(addr, size);
  return addr;
}

void FunctionBuilder::IntBinary() {
  static const ir::Op kOps[] = {ir::Op::Add, ir::Op::Sub, ir::Op::Mul, ir::Op::SDiv, ir::Op::UDiv,
                                ir::Op::SRem, ir::Op::URem, ir::Op::And, ir::Op::Or, ir::Op::Xor,
                                ir::Op::Shl, ir::Op::LShr, ir::Op::AShr};
  ir::Op op = kOps[in_.Below(std::size(kOps))];
  Type t = kInts[in_.Below(4)];
  Reg a = Get(t), b = Get(t);
  // Zeroed buffers make 0 a common value: half the divisions get a divisor that is never 0, so
  // that fewer runs end at their first division.
  bool divides = op == ir::Op::SDiv || op == ir::Op::UDiv || op == ir::Op::SRem || op == ir::Op::URem;
  if (divides && in_.Below(2)) b = b_.Binary(ir::Op::Or, t, b, b_.IConst(t, 1));
  Keep(b_.Binary(op, t, a, b));
}

void FunctionBuilder::FloatBinary() {
  static const ir::Op kOps[] = {ir::Op::FAdd, ir::Op::FSub, ir::Op::FMul, ir::Op::FDiv, ir::Op::FRem};
  ir::Op op = kOps[in_.Below(std::size(kOps))];
  Type t = in_.Below(2) ? Type::F64 : Type::F32;
  Reg a = Get(t), b = Get(t);
  Keep(b_.Binary(op, t, a, b));
}

void FunctionBuilder::UnaryOp() {
  uint32_t k = in_.Below(3);
  if (k == 2) {
    Type t = in_.Below(2) ? Type::F64 : Type::F32;
    Keep(b_.Unary(ir::Op::FNeg, t, Get(t)));
    return;
  }
  Type t = kInts[in_.Below(4)];
  Keep(b_.Unary(k ? ir::Op::Not : ir::Op::Neg, t, Get(t)));
}

void FunctionBuilder::Compare() {
  if (in_.Below(3) == 0) {
    static const ir::Pred kPreds[] = {ir::Pred::Oeq, ir::Pred::Une, ir::Pred::Olt,
                                      ir::Pred::Ole, ir::Pred::Ogt, ir::Pred::Oge};
    Type t = in_.Below(2) ? Type::F64 : Type::F32;
    Reg a = Get(t), b = Get(t);
    ir::Pred pred = kPreds[in_.Below(6)];
    Keep(b_.Cmp(ir::Op::FCmp, pred, t, a, b));
    return;
  }
  Type t = kInts[in_.Below(4)];
  Reg a = Get(t), b = Get(t);
  ir::Pred pred = ir::Pred(in_.Below(10));  // Eq .. Uge
  Keep(b_.Cmp(ir::Op::ICmp, pred, t, a, b));
}

void FunctionBuilder::Convert() {
  switch (in_.Below(8)) {
    case 0: case 1: case 2: {  // between integer widths
      Type from = kInts[in_.Below(4)], to = kInts[in_.Below(4)];
      if (from == to) return;
      Reg a = Get(from);
      ir::Op op = ir::TypeSize(to) < ir::TypeSize(from) ? ir::Op::Trunc : in_.Below(2) ? ir::Op::ZExt : ir::Op::SExt;
      Keep(b_.Convert(op, to, a));
      return;
    }
    case 3: case 4: {  // integer → float
      Type from = kInts[in_.Below(4)], to = in_.Below(2) ? Type::F64 : Type::F32;
      Reg a = Get(from);
      Keep(b_.Convert(in_.Below(2) ? ir::Op::UIToFP : ir::Op::SIToFP, to, a));
      return;
    }
    case 5: {  // float → integer: NaN and out-of-range values trap (so it is the rarer kind)
      Type from = in_.Below(2) ? Type::F64 : Type::F32, to = kInts[in_.Below(4)];
      Reg a = Get(from);
      Keep(b_.Convert(in_.Below(2) ? ir::Op::FPToUI : ir::Op::FPToSI, to, a));
      return;
    }
    default: {
      bool widen = in_.Below(2);
      Reg a = Get(widen ? Type::F32 : Type::F64);
      Keep(b_.Convert(widen ? ir::Op::FPExt : ir::Op::FPTrunc, widen ? Type::F64 : Type::F32, a));
      return;
    }
  }
}

// A load or store in one of the buffers: at a constant offset (maybe unaligned), at a masked
// index, or at an index checked by boundscheck, which traps on one index in count + 1 when the
// index is first reduced (urem count + 1) and on most raw ones.
void FunctionBuilder::BufferAccess() {
  bool floats = in_.Below(4) == 0;
  Type t = floats ? (in_.Below(2) ? Type::F64 : Type::F32) : kInts[in_.Below(4)];
  Reg base = floats ? float_buffer_ : buffers_[in_.Below(buffers_.size())].addr;
  uint32_t size = ir::TypeSize(t), count = kBufferBytes / size;
  Reg p;
  switch (in_.Below(3)) {
    case 0: p = b_.PtrOffset(base, in_.Below(kBufferBytes - size + 1)); break;
    case 1: {
      Reg index = ToI64(Get(kInts[in_.Below(4)]));
      Reg masked = b_.Binary(ir::Op::And, Type::I64, index, b_.IConst(Type::I64, count - 1));
      p = b_.PtrAdd(base, masked, size);
      break;
    }
    default: {
      Reg index = ToI64(Get(kInts[in_.Below(4)]));
      index = AvoidKnownFinding(index);
      if (in_.Below(4)) index = b_.Binary(ir::Op::URem, Type::I64, index, b_.IConst(Type::I64, count + 1));
      b_.BoundsCheck(index, count);
      p = b_.PtrAdd(base, index, size);
      break;
    }
  }
  if (in_.Below(2)) Keep(b_.Load(t, p));
  else b_.Store(t, Get(t), p);
}

// copy between the function's own buffer and another one (never overlapping), or zero a range.
void FunctionBuilder::CopyOrZero() {
  uint32_t length = 1 + in_.Below(kBufferBytes);
  if (in_.Below(3) == 0) {
    const Buffer& target = buffers_[in_.Below(buffers_.size())];
    b_.Zero(b_.PtrOffset(target.addr, in_.Below(kBufferBytes - length + 1)), length);
    return;
  }
  std::vector<Reg> others;
  for (const Buffer& buf : buffers_)
    if (!buf.own) others.push_back(buf.addr);
  if (others.empty()) return;
  Reg other = others[in_.Below(others.size())];
  Reg dst = own_buffer_, src = other;
  if (in_.Below(2)) std::swap(dst, src);
  Reg d = b_.PtrOffset(dst, in_.Below(kBufferBytes - length + 1));
  Reg s = b_.PtrOffset(src, in_.Below(kBufferBytes - length + 1));
  b_.Copy(d, s, length);
}

void FunctionBuilder::If(int depth, int loop_depth) {
  Reg cond;
  if (in_.Below(2)) {
    cond = Get(Type::I8);
  } else {
    ir::Pred pred = ir::Pred(in_.Below(10));
    Reg a = Get(Type::I32), b = Get(Type::I32);
    cond = b_.Cmp(ir::Op::ICmp, pred, Type::I32, a, b);
  }
  bool has_else = in_.Below(2);
  ir::BlockId then_block = b_.NewBlock(), else_block = has_else ? b_.NewBlock() : 0, join = b_.NewBlock();
  b_.CondBr(cond, then_block, has_else ? else_block : join);
  Scope scope = Save();
  b_.SetBlock(then_block);
  Region(depth + 1, loop_depth);
  if (!Terminated()) b_.Br(join);
  Restore(scope);
  if (has_else) {
    b_.SetBlock(else_block);
    Region(depth + 1, loop_depth);
    if (!Terminated()) b_.Br(join);
    Restore(scope);
  }
  b_.SetBlock(join);  // unreachable when both arms returned: still a block that needs an end
}

// for (i = 0; i < trip && fuel > 0; ++i) { --fuel; body }, tested at the top or (do-while) at
// the bottom; `trip` is a constant or a register masked to 0..15.
void FunctionBuilder::Loop(int depth, int loop_depth) {
  Reg counter = ZeroedSlot(4, 4);
  Reg trip = in_.Below(2) ? b_.IConst(Type::I32, in_.Below(17))
                          : b_.Binary(ir::Op::And, Type::I32, Get(Type::I32), b_.IConst(Type::I32, 15));
  bool top_tested = in_.Below(3) != 0;
  ir::BlockId header = top_tested ? b_.NewBlock() : 0, body = b_.NewBlock(), exit = b_.NewBlock();
  b_.Br(top_tested ? header : body);
  auto test = [&](ir::BlockId taken) {
    Reg i = b_.Load(Type::I32, counter);
    Reg more = b_.Cmp(ir::Op::ICmp, ir::Pred::Ult, Type::I32, i, trip);
    Reg fuel = b_.Load(Type::I64, FuelAddr());
    Reg left = b_.Cmp(ir::Op::ICmp, ir::Pred::Sgt, Type::I64, fuel, b_.IConst(Type::I64, 0));
    b_.CondBr(b_.Binary(ir::Op::And, Type::I8, more, left), taken, exit);
  };
  if (top_tested) {
    b_.SetBlock(header);
    test(body);
  }
  Scope scope = Save();
  b_.SetBlock(body);
  Reg fuel_addr = FuelAddr();
  b_.Store(Type::I64, b_.Binary(ir::Op::Sub, Type::I64, b_.Load(Type::I64, fuel_addr), b_.IConst(Type::I64, 1)),
           fuel_addr);
  loop_exits_.push_back(exit);
  Region(depth + 1, loop_depth + 1);
  loop_exits_.pop_back();
  if (!Terminated()) {
    b_.Store(Type::I32, b_.Binary(ir::Op::Add, Type::I32, b_.Load(Type::I32, counter), b_.IConst(Type::I32, 1)),
             counter);
    if (top_tested) b_.Br(header);
    else test(body);
  }
  Restore(scope);
  b_.SetBlock(exit);
}

void FunctionBuilder::Break() {
  ir::BlockId rest = b_.NewBlock();
  b_.CondBr(Get(Type::I8), loop_exits_.back(), rest);
  b_.SetBlock(rest);
}

Reg FunctionBuilder::FillAggregate(ir::AggId agg) {
  const ir::AggType& a = s_.m.aggs[agg];
  Reg addr = ZeroedSlot(a.size, a.align);
  for (const ir::AggType::Leaf& leaf : a.leaves) b_.Store(leaf.type, Get(leaf.type), b_.PtrOffset(addr, leaf.offset));
  return addr;
}

// A call of a later function (so the call graph has no cycles), directly or through its address.
void FunctionBuilder::CallOther(bool indirect) {
  size_t count = s_.m.functions.size() - 1;  // the last function is `observe`
  if (id_ + 1 >= count) return;
  ir::FuncId callee = ir::FuncId(id_ + 1 + in_.Below(count - id_ - 1));
  ir::Signature sig = s_.m.functions[callee].sig;
  ir::CallInfo info;
  for (const ir::AbiType& p : sig.params) {
    if (p.IsAgg()) info.args.push_back(FillAggregate(p.agg));
    else if (p.scalar == Type::Ptr) info.args.push_back(buffers_[in_.Below(buffers_.size())].addr);
    else info.args.push_back(Get(p.scalar));
  }
  info.arg_types = sig.params;
  info.ret = sig.ret;
  info.fixed_count = uint32_t(sig.params.size());
  if (sig.ret.IsAgg()) {
    const ir::AggType& a = s_.m.aggs[sig.ret.agg];
    info.ret_dest = ZeroedSlot(a.size, a.align);
  }
  Reg dest = info.ret_dest;
  Reg r = indirect ? b_.CallIndirect(b_.FuncAddr(callee), std::move(info)) : b_.Call(callee, std::move(info));
  if (r != ir::kNoReg) Keep(r);
  if (sig.ret.IsAgg())
    for (const ir::AggType::Leaf& leaf : s_.m.aggs[sig.ret.agg].leaves)
      if (in_.Below(2)) Keep(b_.Load(leaf.type, b_.PtrOffset(dest, leaf.offset)));
}

// Reads or writes a leaf of an aggregate parameter (the callee's own copy).
void FunctionBuilder::AggregateLeaf() {
  if (agg_params_.empty()) return IntBinary();
  auto [addr, agg] = agg_params_[in_.Below(agg_params_.size())];
  const ir::AggType::Leaf& leaf = s_.m.aggs[agg].leaves[in_.Below(s_.m.aggs[agg].leaves.size())];
  Reg p = b_.PtrOffset(addr, leaf.offset);
  if (in_.Below(3)) Keep(b_.Load(leaf.type, p));
  else b_.Store(leaf.type, Get(leaf.type), p);
}

// inttoptr(ptrtoint(p)): the same buffer through an address that went through an integer.
void FunctionBuilder::PointerRoundTrip() {
  const Buffer buf = buffers_[in_.Below(buffers_.size())];
  Reg i = b_.Convert(ir::Op::PtrToInt, Type::I64, buf.addr);
  buffers_.push_back({b_.Convert(ir::Op::IntToPtr, Type::Ptr, i), buf.own});
}

void FunctionBuilder::EmitReturn() {
  const ir::AbiType& ret = Fn().sig.ret;
  if (ret.IsAgg()) b_.Ret(FillAggregate(ret.agg));
  else if (ret.scalar == Type::Void) b_.Ret();
  else b_.Ret(Get(ret.scalar));
}

bool FunctionBuilder::Statement(int depth, int loop_depth) {
  switch (in_.Below(22)) {
    case 0: return false;  // also what every choice is once the bytes run out
    case 1: case 2: IntBinary(); break;
    case 3: FloatBinary(); break;
    case 4: Keep(Const(kScalars[in_.Below(6)])); break;
    case 5: UnaryOp(); break;
    case 6: Compare(); break;
    case 7: case 8: Convert(); break;
    case 9: case 10: {
      if (vars_.empty()) break;
      const Var& v = vars_[in_.Below(vars_.size())];
      if (in_.Below(2)) Keep(b_.Load(v.type, SlotAddrOf(v)));
      else b_.Store(v.type, Get(v.type), SlotAddrOf(v));
      break;
    }
    case 11: case 12: BufferAccess(); break;
    case 13: CopyOrZero(); break;
    case 14: if (depth < kMaxDepth) If(depth, loop_depth); break;
    case 15: if (depth < kMaxDepth && loop_depth < kMaxLoopDepth) Loop(depth, loop_depth); break;
    case 16: CallOther(false); break;
    case 17: CallOther(true); break;
    case 18: AggregateLeaf(); break;
    case 19:
      if (depth == 0) break;
      if (in_.OneIn(8)) b_.Trap(ir::TrapKind::Unreachable);
      else EmitReturn();
      return false;
    case 20: PointerRoundTrip(); break;
    default: if (!loop_exits_.empty()) Break(); break;
  }
  return true;
}

void FunctionBuilder::Region(int depth, int loop_depth) {
  while (s_.statements_left > 0) {
    --s_.statements_left;
    if (!Statement(depth, loop_depth)) return;
  }
}

void FunctionBuilder::Build() {
  b_.SetBlock(b_.NewBlock("entry"));
  own_buffer_ = ZeroedSlot(kBufferBytes, 8);
  float_buffer_ = ZeroedSlot(kBufferBytes, 8);
  buffers_.push_back({own_buffer_, true});
  buffers_.push_back({b_.GlobalAddr(s_.mem), false});
  if (id_ == 0) b_.Store(Type::I64, b_.IConst(Type::I64, kFuel), FuelAddr());
  const ir::Function& fn = Fn();
  for (size_t i = 0; i < fn.sig.params.size(); ++i) {
    Reg r = fn.params[i];
    if (fn.sig.params[i].IsAgg()) agg_params_.push_back({r, fn.sig.params[i].agg});
    else if (fn.sig.params[i].scalar == Type::Ptr) buffers_.push_back({r, false});
    else Keep(r);
  }
  for (uint32_t n = in_.Below(6); n > 0; --n) {
    Type t = kScalars[in_.Below(6)];
    Reg addr = ZeroedSlot(8, 8);
    vars_.push_back({t, ir::SlotId(Fn().slots.size() - 1), addr});
    b_.Store(t, Get(t), addr);
  }
  Region(0, 0);
  if (!Terminated()) EmitReturn();
  b_.Finish();
}

// Each function's signature: the entry's fit Jit::Call (scalars; 6 integer, 8 float registers).
void AddFunctions(ir::Module& m, Choices& in) {
  uint32_t count = 1 + in.Below(4);
  for (uint32_t f = 0; f < count; ++f) {
    ir::Function fn;
    fn.name = f == 0 ? "entry" : "f" + std::to_string(f);
    bool entry = f == 0;
    uint32_t ints = 0, floats = 0;
    for (uint32_t n = in.Below(entry ? 7 : 10); n > 0; --n) {
      ir::AbiType t = ChooseAbiType(in, entry, false);
      bool is_float = ir::IsFloat(t.scalar);
      if (entry && (is_float ? floats >= 8 : ints >= 6)) continue;
      (is_float ? floats : ints)++;
      fn.sig.params.push_back(t);
    }
    fn.sig.ret = ChooseAbiType(in, entry, !entry);
    m.functions.push_back(std::move(fn));
  }
  for (ir::Function& fn : m.functions)
    for (const ir::AbiType& p : fn.sig.params) {
      fn.params.push_back(Reg(fn.reg_types.size()));
      fn.reg_types.push_back(p.IsAgg() ? Type::Ptr : p.scalar);
    }
}

// observe() -> i64: the eight words of @mem, mixed so that every bit of each counts.
void AddObserve(ir::Module& m, ir::GlobalId mem) {
  ir::Function fn;
  fn.name = "observe";
  fn.sig.ret = {Type::I64, ir::kNoAgg};
  m.functions.push_back(std::move(fn));
  ir::Builder b(m, ir::FuncId(m.functions.size() - 1));
  b.SetBlock(b.NewBlock("entry"));
  Reg base = b.GlobalAddr(mem), sum = b.IConst(Type::I64, 0);
  for (uint32_t off = 0; off < kBufferBytes; off += 8) {
    Reg word = b.Load(Type::I64, b.PtrOffset(base, off));
    sum = b.Binary(ir::Op::Add, Type::I64, b.Binary(ir::Op::Mul, Type::I64, sum, b.IConst(Type::I64, 31)), word);
  }
  b.Ret(sum);
  b.Finish();
}

std::vector<uint64_t> ChooseArgs(Choices& in, const ir::Signature& sig) {
  std::vector<uint64_t> args;
  for (const ir::AbiType& p : sig.params) {
    if (p.scalar == Type::F32) args.push_back(std::bit_cast<uint32_t>(float(FloatValue(in, Type::F32))));
    else if (p.scalar == Type::F64) args.push_back(std::bit_cast<uint64_t>(FloatValue(in, Type::F64)));
    else args.push_back(uint64_t(SignExtend(p.scalar, uint64_t(IntValue(in)))));
  }
  return args;
}

}  // namespace

Program BuildProgram(const uint8_t* data, size_t size) {
  Program p;
  ir::Module& m = p.module;
  Choices in(data, size);
  AddAggregates(m);
  ir::Global fuel{.name = "fuel", .size = 8, .align = 8, .is_mutable = true};
  ir::Global mem{.name = "mem", .size = kBufferBytes, .align = 8, .is_mutable = true};
  for (uint32_t i = 0; i < kBufferBytes; ++i) mem.bytes.push_back(uint8_t(i * 37 + 11));
  m.globals = {fuel, mem};
  AddFunctions(m, in);
  size_t bodies = m.functions.size();
  AddObserve(m, 1);
  p.observe = ir::FuncId(m.functions.size() - 1);
  for (int set = 0; set < 2; ++set) p.arg_sets.push_back(ChooseArgs(in, m.functions[0].sig));
  ModuleState state{m, in, 0, 1};
  for (size_t f = 0; f < bodies; ++f) FunctionBuilder(state, ir::FuncId(f)).Build();
  return p;
}

}  // namespace thrustc::fuzz
