// The dispatch loop of the interpreter: runs decoded functions (decoded.h) on the
// interpreter-owned stack. Thrust-to-Thrust calls push a Frame instead of recursing in C++, so
// deep Thrust recursion costs interpreter stack, not native stack; C calls go to ffi_calls.cpp.
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "interp/state.h"

namespace thrustc::interp {

namespace {

using ir::EvalFailure;
using ir::TrapKind;

// An op's outcome: continue, or trap with this kind.
constexpr int kNoTrap = -1;

inline float F32(uint64_t v) { return std::bit_cast<float>(uint32_t(v)); }
inline double F64(uint64_t v) { return std::bit_cast<double>(v); }
inline uint64_t Bits(float f) { return std::bit_cast<uint32_t>(f); }
inline uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }
inline int64_t MinOf(uint8_t bits) { return int64_t(~uint64_t(0) << (bits - 1)); }

template <typename T>
inline uint64_t LoadAs(uint64_t addr) {
  T v;
  std::memcpy(&v, reinterpret_cast<const void*>(addr), sizeof(T));
  if constexpr (std::is_signed_v<T>) return uint64_t(int64_t(v));
  else return uint64_t(v);
}

template <typename T>
inline void StoreAs(uint64_t addr, uint64_t v) {
  T t = T(v);
  std::memcpy(reinterpret_cast<void*>(addr), &t, sizeof(T));
}

// Signed and unsigned division and remainder, with the traps every executor reports.
inline int DivRem(const DInst& in, uint64_t* r) {
  uint64_t x = r[in.a], y = r[in.b];
  if (in.op == DOp::SDiv || in.op == DOp::SRem) {
    int64_t sx = int64_t(x), sy = int64_t(y);
    if (sy == 0) return int(TrapKind::DivByZero);
    if (sy == -1 && sx == MinOf(in.bits)) return int(TrapKind::DivOverflow);
    r[in.dst] = Normalize(uint64_t(in.op == DOp::SDiv ? sx / sy : sx % sy), in.sh);
    return kNoTrap;
  }
  uint64_t m = Mask(in.bits);
  x &= m, y &= m;
  if (y == 0) return int(TrapKind::DivByZero);
  r[in.dst] = Normalize(in.op == DOp::UDiv ? x / y : x % y, in.sh);
  return kNoTrap;
}

// Shifts by >= the width give 0 (shl, lshr) or the sign (ashr), in every executor.
inline uint64_t Shift(const DInst& in, uint64_t x, uint64_t amount) {
  amount &= Mask(in.bits);
  if (in.op == DOp::AShr) return uint64_t(int64_t(x) >> (amount >= in.bits ? 63 : amount));
  if (amount >= in.bits) return 0;
  if (in.op == DOp::Shl) return Normalize(x << amount, in.sh);
  return Normalize((x & Mask(in.bits)) >> amount, in.sh);
}

inline uint64_t FloatCompare(uint8_t pred, double x, double y) {
  switch (ir::Pred(pred)) {
    case ir::Pred::Oeq: return x == y;
    case ir::Pred::Une: return !(x == y);
    case ir::Pred::Olt: return x < y;
    case ir::Pred::Ole: return x <= y;
    case ir::Pred::Ogt: return x > y;
    default: return x >= y;
  }
}

// fptosi / fptoui: C truncation, but NaN and out-of-range values trap.
inline int FloatToInt(const DInst& in, double v, bool is_signed, uint64_t& out) {
  double t = std::trunc(v);
  if (is_signed) {
    double hi = std::ldexp(1.0, in.bits - 1);
    if (!(t >= -hi && t < hi)) return int(TrapKind::FloatToInt);
    out = Normalize(uint64_t(int64_t(t)), in.sh);
  } else {
    if (!(t >= 0 && t < std::ldexp(1.0, in.bits))) return int(TrapKind::FloatToInt);
    out = Normalize(uint64_t(t), in.sh);
  }
  return kNoTrap;
}

// Integer, float, compare and conversion ops that need no state. Returns kNoTrap or a trap.
inline int ExecPure(const DInst& in, uint64_t* r) {
  uint64_t a = r[in.a], b = r[in.b];
  uint64_t& d = r[in.dst];
  switch (in.op) {
    case DOp::FAdd32: d = Bits(F32(a) + F32(b)); break;
    case DOp::FSub32: d = Bits(F32(a) - F32(b)); break;
    case DOp::FMul32: d = Bits(F32(a) * F32(b)); break;
    case DOp::FDiv32: d = Bits(F32(a) / F32(b)); break;
    case DOp::FRem32: d = Bits(std::fmod(F32(a), F32(b))); break;
    case DOp::FAdd64: d = Bits(F64(a) + F64(b)); break;
    case DOp::FSub64: d = Bits(F64(a) - F64(b)); break;
    case DOp::FMul64: d = Bits(F64(a) * F64(b)); break;
    case DOp::FDiv64: d = Bits(F64(a) / F64(b)); break;
    case DOp::FRem64: d = Bits(std::fmod(F64(a), F64(b))); break;
    case DOp::FNeg32: d = a ^ 0x80000000u; break;
    case DOp::FNeg64: d = a ^ (uint64_t(1) << 63); break;
    case DOp::FCmp32: d = FloatCompare(in.pred, F32(a), F32(b)); break;
    case DOp::FCmp64: d = FloatCompare(in.pred, F64(a), F64(b)); break;
    case DOp::ZExt: d = Normalize(a & Mask(in.bits), in.sh); break;
    case DOp::SIToF32: d = Bits(float(int64_t(a))); break;
    case DOp::SIToF64: d = Bits(double(int64_t(a))); break;
    case DOp::UIToF32: d = Bits(float(a & Mask(in.bits))); break;
    case DOp::UIToF64: d = Bits(double(a & Mask(in.bits))); break;
    case DOp::F32ToSI: return FloatToInt(in, F32(a), true, d);
    case DOp::F64ToSI: return FloatToInt(in, F64(a), true, d);
    case DOp::F32ToUI: return FloatToInt(in, F32(a), false, d);
    case DOp::F64ToUI: return FloatToInt(in, F64(a), false, d);
    case DOp::FPExt: d = Bits(double(F32(a))); break;
    case DOp::FPTrunc: d = Bits(float(F64(a))); break;
    case DOp::SDiv: case DOp::UDiv: case DOp::SRem: case DOp::URem: return DivRem(in, r);
    case DOp::Shl: case DOp::LShr: case DOp::AShr: d = Shift(in, a, b); break;
    default: return int(TrapKind::Unreachable);  // not a pure op: a decoder bug
  }
  return kNoTrap;
}

inline void ExecMemory(const DInst& in, uint64_t* r) {
  switch (in.op) {
    case DOp::Load8: r[in.dst] = LoadAs<int8_t>(r[in.a]); break;
    case DOp::Load16: r[in.dst] = LoadAs<int16_t>(r[in.a]); break;
    case DOp::Load32: r[in.dst] = LoadAs<int32_t>(r[in.a]); break;
    case DOp::LoadF32: r[in.dst] = LoadAs<uint32_t>(r[in.a]); break;
    case DOp::Load64: r[in.dst] = LoadAs<uint64_t>(r[in.a]); break;
    case DOp::Store8: StoreAs<uint8_t>(r[in.b], r[in.a]); break;
    case DOp::Store16: StoreAs<uint16_t>(r[in.b], r[in.a]); break;
    case DOp::Store32: StoreAs<uint32_t>(r[in.b], r[in.a]); break;
    case DOp::Store64: StoreAs<uint64_t>(r[in.b], r[in.a]); break;
    case DOp::Copy:
      std::memcpy(reinterpret_cast<void*>(r[in.a]), reinterpret_cast<const void*>(r[in.b]), size_t(in.imm));
      break;
    default:  // Zero
      std::memset(reinterpret_cast<void*>(r[in.a]), 0, size_t(in.imm));
      break;
  }
}

// The atomic ops on host memory with the host's atomic builtins, so that they stay atomic when C
// code or another thread touches the same memory. `T` is the signed type of the access width.
constexpr int kHostOrder[] = {__ATOMIC_RELAXED, __ATOMIC_ACQUIRE, __ATOMIC_RELEASE, __ATOMIC_ACQ_REL,
                              __ATOMIC_SEQ_CST};

// The new value of atomic_rmw: the reference semantics of each operation (wrapping arithmetic).
template <typename T>
T ApplyRmw(ir::RmwOp op, T old, T v) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
    case ir::RmwOp::Xchg: return v;
    case ir::RmwOp::Add: return T(U(old) + U(v));
    case ir::RmwOp::Sub: return T(U(old) - U(v));
    case ir::RmwOp::And: return T(old & v);
    case ir::RmwOp::Nand: return T(~(old & v));
    case ir::RmwOp::Or: return T(old | v);
    case ir::RmwOp::Xor: return T(old ^ v);
    case ir::RmwOp::SMax: return old > v ? old : v;
    case ir::RmwOp::SMin: return old < v ? old : v;
    case ir::RmwOp::UMax: return U(old) > U(v) ? old : v;
    default: return U(old) < U(v) ? old : v;  // UMin
  }
}

template <typename T>
void ExecAtomicAs(const DInst& in, uint64_t* r) {
  ir::AtomicInfo info = ir::AtomicInfo::FromImm(in.imm);
  int order = kHostOrder[size_t(info.order)];
  switch (in.op) {
    case DOp::AtomicLoad:
      r[in.dst] = uint64_t(int64_t(__atomic_load_n(reinterpret_cast<T*>(r[in.a]), order)));
      return;
    case DOp::AtomicStore: __atomic_store_n(reinterpret_cast<T*>(r[in.b]), T(r[in.a]), order); return;
    case DOp::AtomicRmw: {
      T* p = reinterpret_cast<T*>(r[in.a]);
      T old = __atomic_load_n(p, __ATOMIC_RELAXED);
      while (!__atomic_compare_exchange_n(p, &old, ApplyRmw(info.rmw, old, T(r[in.b])), true, order, __ATOMIC_RELAXED)) {
      }
      r[in.dst] = uint64_t(int64_t(old));
      return;
    }
    default: {  // CmpXchg: `expected` receives the old value either way
      T expected = T(r[in.b]);
      __atomic_compare_exchange_n(reinterpret_cast<T*>(r[in.a]), &expected, T(r[in.c]), false, order,
                                  kHostOrder[size_t(info.failure)]);
      r[in.dst] = uint64_t(int64_t(expected));
      return;
    }
  }
}

void ExecAtomic(const DInst& in, uint64_t* r) {
  if (in.op == DOp::Fence) return __atomic_thread_fence(kHostOrder[size_t(ir::AtomicInfo::FromImm(in.imm).order)]);
  switch (in.bits) {
    case 8: return ExecAtomicAs<int8_t>(in, r);
    case 16: return ExecAtomicAs<int16_t>(in, r);
    case 32: return ExecAtomicAs<int32_t>(in, r);
    default: return ExecAtomicAs<int64_t>(in, r);
  }
}

// Pushes a frame for `callee` and passes the arguments (aggregates are copied into the frame,
// since the callee owns its by-value parameters). Returns the new registers, or nullptr on
// stack overflow (failure set).
uint64_t* PushFrame(State& s, const DFunc* callee, const uint64_t* args, uint32_t ret_pc, uint32_t dst,
                    uint64_t ret_dest) {
  uintptr_t base = (uintptr_t(s.sp) + callee->frame_align - 1) & ~uintptr_t(callee->frame_align - 1);
  if (base + callee->frame_size > uintptr_t(s.stack_end)) {
    SetFailure(s, EvalFailure::Kind::Crash, "stack overflow", callee->id, -1);
    return nullptr;
  }
  auto* regs = reinterpret_cast<uint64_t*>(base);
  for (size_t i = 0; i < callee->params.size(); ++i) {
    uint64_t v = args[i];
    if (callee->param_copy_size[i]) {
      uint8_t* copy = reinterpret_cast<uint8_t*>(base) + callee->param_copy_offset[i];
      std::memcpy(copy, reinterpret_cast<const void*>(v), callee->param_copy_size[i]);
      v = uint64_t(copy);
    }
    regs[callee->params[i]] = v;
  }
  s.frames.push_back({callee, regs, s.sp, ret_pc, dst, ret_dest});
  s.sp = reinterpret_cast<uint8_t*>(base + callee->frame_size);
  return regs;
}

// Gathers a call site's arguments from the caller's registers into `out` (the callee's order).
bool GatherArgs(State& s, const DFunc* caller, const DCall& call, const DFunc* callee, const uint64_t* r,
                uint64_t* out, uint32_t pc) {
  if (call.args.size() != callee->params.size() || call.args.size() > 64) {
    SetFailure(s, EvalFailure::Kind::Internal, "call with the wrong number of arguments", caller->id, pc);
    return false;
  }
  for (size_t i = 0; i < call.args.size(); ++i) out[i] = r[call.args[i]];
  return true;
}

// The function an address refers to when it is one of our closures (else UINT32_MAX).
ir::FuncId ClosureTarget(State& s, uint64_t addr) {
  auto it = s.closure_funcs.find(addr);
  return it == s.closure_funcs.end() ? UINT32_MAX : it->second;
}

}  // namespace

void SetFailure(State& s, EvalFailure::Kind kind, std::string message, ir::FuncId fn, int64_t pc) {
  EvalFailure f;
  f.kind = kind;
  f.message = std::move(message);
  if (s.module && fn < s.module->functions.size()) f.function = s.module->functions[fn].name;
  if (pc >= 0 && fn < s.funcs.size() && s.funcs[fn] && size_t(pc) < s.funcs[fn]->locs.size())
    f.loc = s.funcs[fn]->locs[size_t(pc)];
  s.failure = std::move(f);
}

const DFunc* GetFunc(State& s, ir::FuncId f) {
  if (f >= s.funcs.size() || s.module->functions[f].IsExternal()) {
    SetFailure(s, EvalFailure::Kind::Internal, "call of a function that has no body", f, -1);
    return nullptr;
  }
  if (!s.funcs[f]) {
    std::string error;
    s.funcs[f] = DecodeFunction(*s.module, f, error);
    if (!s.funcs[f]) {
      SetFailure(s, EvalFailure::Kind::Internal, "cannot interpret: " + error, f, -1);
      return nullptr;
    }
  }
  return s.funcs[f].get();
}

bool Execute(State& s, ir::FuncId f, const uint64_t* args, uint64_t* result, void* agg_ret) {
  const DFunc* fn = GetFunc(s, f);
  if (!fn) return false;
  const size_t entry_depth = s.frames.size();
  uint64_t* r = PushFrame(s, fn, args, 0, ir::kNoReg, uint64_t(agg_ret));
  if (!r) return false;
  const DInst* code = fn->code.data();
  uint32_t pc = 0;
  int trap = kNoTrap;
  uint64_t call_args[64];
  for (;;) {
    const DInst& in = code[pc++];
    switch (in.op) {
      case DOp::Imm: r[in.dst] = uint64_t(in.imm); break;
      case DOp::SlotAddr: r[in.dst] = uint64_t(r) + uint64_t(in.imm); break;
      case DOp::Add: r[in.dst] = Normalize(r[in.a] + r[in.b], in.sh); break;
      case DOp::Sub: r[in.dst] = Normalize(r[in.a] - r[in.b], in.sh); break;
      case DOp::Mul: r[in.dst] = Normalize(r[in.a] * r[in.b], in.sh); break;
      case DOp::And: r[in.dst] = r[in.a] & r[in.b]; break;
      case DOp::Or: r[in.dst] = r[in.a] | r[in.b]; break;
      case DOp::Xor: r[in.dst] = r[in.a] ^ r[in.b]; break;
      case DOp::Neg: r[in.dst] = Normalize(0 - r[in.a], in.sh); break;
      case DOp::Not: r[in.dst] = ~r[in.a]; break;
      case DOp::ICmpEq: r[in.dst] = r[in.a] == r[in.b]; break;
      case DOp::ICmpNe: r[in.dst] = r[in.a] != r[in.b]; break;
      case DOp::ICmpSlt: r[in.dst] = int64_t(r[in.a]) < int64_t(r[in.b]); break;
      case DOp::ICmpSle: r[in.dst] = int64_t(r[in.a]) <= int64_t(r[in.b]); break;
      case DOp::ICmpSgt: r[in.dst] = int64_t(r[in.a]) > int64_t(r[in.b]); break;
      case DOp::ICmpSge: r[in.dst] = int64_t(r[in.a]) >= int64_t(r[in.b]); break;
      // Sign-extension keeps the unsigned order of every width, so 64-bit compares suffice.
      case DOp::ICmpUlt: r[in.dst] = r[in.a] < r[in.b]; break;
      case DOp::ICmpUle: r[in.dst] = r[in.a] <= r[in.b]; break;
      case DOp::ICmpUgt: r[in.dst] = r[in.a] > r[in.b]; break;
      case DOp::ICmpUge: r[in.dst] = r[in.a] >= r[in.b]; break;
      case DOp::Norm: r[in.dst] = Normalize(r[in.a], in.sh); break;
      case DOp::PtrAdd: r[in.dst] = r[in.a] + r[in.b] * uint64_t(in.imm); break;
      case DOp::PtrOffset: r[in.dst] = r[in.a] + uint64_t(in.imm); break;
      case DOp::Load8: case DOp::Load16: case DOp::Load32: case DOp::LoadF32: case DOp::Load64:
      case DOp::Store8: case DOp::Store16: case DOp::Store32: case DOp::Store64:
      case DOp::Copy: case DOp::Zero:
        ExecMemory(in, r);
        break;
      case DOp::AtomicLoad: case DOp::AtomicStore: case DOp::AtomicRmw: case DOp::CmpXchg: case DOp::Fence:
        ExecAtomic(in, r);
        break;
      case DOp::BoundsCheck:
        if (r[in.a] >= uint64_t(in.imm)) trap = int(TrapKind::Bounds);
        break;
      case DOp::Br:
        pc = in.a;
        if (--s.ticks == 0 && !CheckDeadline(s, fn->id, pc)) return false;
        break;
      case DOp::CondBr:
        pc = r[in.a] ? in.b : in.c;
        if (--s.ticks == 0 && !CheckDeadline(s, fn->id, pc)) return false;
        break;
      case DOp::Trap: trap = int(in.imm); break;
      case DOp::GlobalAddr: {
        uint8_t* g = in.a < s.globals.size() && s.globals[in.a] ? s.globals[in.a] : MaterializeGlobal(s, in.a, fn->id, pc - 1);
        if (!g) return false;
        r[in.dst] = uint64_t(g);
        break;
      }
      case DOp::FuncAddr: {
        void* p = FunctionAddress(s, in.a, fn->id, pc - 1);
        if (!p) return false;
        r[in.dst] = uint64_t(p);
        break;
      }
      case DOp::Call:
      case DOp::CallIndirect: {
        const DCall& call = fn->calls[in.b];
        ir::FuncId target = in.op == DOp::Call ? in.a : ClosureTarget(s, r[in.a]);
        void* native = nullptr;
        if (in.op == DOp::CallIndirect && target == UINT32_MAX) {
          native = reinterpret_cast<void*>(r[in.a]);
        } else if (s.module->functions[target].IsExternal()) {
          native = FunctionAddress(s, target, fn->id, pc - 1);
          if (!native) return false;
        }
        if (native) {
          if (!CallNative(s, native, call, r, in.dst, fn->id, pc - 1)) return false;
          break;
        }
        if (--s.ticks == 0 && !CheckDeadline(s, fn->id, pc - 1)) return false;
        const DFunc* callee = GetFunc(s, target);
        if (!callee || !GatherArgs(s, fn, call, callee, r, call_args, pc - 1)) return false;
        uint64_t ret_dest = call.ret_dest == ir::kNoReg ? 0 : r[call.ret_dest];
        r = PushFrame(s, callee, call_args, pc, in.dst, ret_dest);
        if (!r) return false;
        fn = callee;
        code = fn->code.data();
        pc = 0;
        break;
      }
      case DOp::Ret: {
        uint64_t v = in.a == ir::kNoReg ? 0 : r[in.a];
        Frame top = s.frames.back();
        s.frames.pop_back();
        s.sp = top.saved_sp;
        if (top.fn->ret_size && top.ret_dest)
          std::memcpy(reinterpret_cast<void*>(top.ret_dest), reinterpret_cast<const void*>(v), top.fn->ret_size);
        if (s.frames.size() == entry_depth) {
          if (result) *result = v;
          return true;
        }
        const Frame& caller = s.frames.back();
        fn = caller.fn;
        code = fn->code.data();
        r = caller.regs;
        pc = top.ret_pc;
        if (top.dst != ir::kNoReg) r[top.dst] = v;
        break;
      }
      default:
        trap = ExecPure(in, r);
        break;
    }
    if (trap != kNoTrap) [[unlikely]] {
      SetFailure(s, EvalFailure::Kind::Trap, std::string(ir::TrapKindName(TrapKind(trap))), fn->id, pc - 1);
      s.failure->trap = TrapKind(trap);
      return false;
    }
  }
}

}  // namespace thrustc::interp
