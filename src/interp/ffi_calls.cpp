// Calls between interpreted Thrust code and native C code, both ways, through libffi: call
// interfaces built from IR call sites (aggregates by value as ffi struct types built from their
// leaves), and closures that give each Thrust function a real native entry point.
#include <ffi.h>

#include <algorithm>

#include <cstdio>
#include <cstring>

#include "interp/state.h"
#include "platform/crash_guard.h"

namespace thrustc::interp {

using ir::EvalFailure;
using ir::Type;

struct FfiAggType {
  ffi_type type{};
  std::vector<ffi_type*> elements;
};

struct FfiSignature {
  ffi_cif cif{};
  std::vector<ffi_type*> arg_types;
};

struct Closure {
  ffi_closure* closure = nullptr;
  void* code = nullptr;
  ffi_cif cif{};
  std::vector<ffi_type*> arg_types;
  State* state = nullptr;
  ir::FuncId func = 0;
};

namespace {

constexpr size_t kMaxNativeArgs = 64;

ffi_type* ScalarFfiType(Type t) {
  switch (t) {
    case Type::Void: return &ffi_type_void;
    case Type::I8: return &ffi_type_sint8;
    case Type::I16: return &ffi_type_sint16;
    case Type::I32: return &ffi_type_sint32;
    case Type::I64: return &ffi_type_sint64;
    case Type::F32: return &ffi_type_float;
    case Type::F64: return &ffi_type_double;
    case Type::Ptr: return &ffi_type_pointer;
  }
  return &ffi_type_void;
}

ffi_type* ScalarOfSize(uint32_t size) {
  switch (size) {
    case 1: return &ffi_type_uint8;
    case 2: return &ffi_type_uint16;
    case 4: return &ffi_type_uint32;
    default: return &ffi_type_uint64;
  }
}

uint32_t RoundUp(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

// Elements whose libffi layout is exactly the aggregate's C layout: every leaf at its own offset,
// explicit byte padding where nested structs left gaps, and tail padding. Used only for aggregates
// passed in memory (over 16 bytes), where layout is all that matters: in a register-sized
// aggregate, padding elements would change how its eightbytes are classified.
bool BuildMemoryElements(const ir::AggType& agg, std::vector<ffi_type*>& out) {
  if (agg.leaves.empty()) {  // large aggregates are not flattened: fill them with aligned words
    uint32_t word = agg.align >= 8 ? 8 : agg.align;
    if (agg.size % word != 0) return false;
    out.assign(agg.size / word, ScalarOfSize(word));
    return true;
  }
  uint32_t at = 0, max_align = 1;
  for (const ir::AggType::Leaf& leaf : agg.leaves) {
    uint32_t size = ir::TypeSize(leaf.type);
    if (leaf.offset % size != 0 || leaf.offset < at) return false;  // packed
    while (RoundUp(at, size) < leaf.offset) {
      out.push_back(&ffi_type_uint8);
      ++at;
    }
    out.push_back(ScalarFfiType(leaf.type));
    at = leaf.offset + size;
    max_align = std::max(max_align, size);
  }
  if (agg.align != max_align) return false;  // over-aligned
  while (RoundUp(at, max_align) < agg.size) {
    out.push_back(&ffi_type_uint8);
    ++at;
  }
  return RoundUp(at, max_align) == agg.size;
}

// The libffi type of `t`; nullptr with `error` for aggregates libffi cannot describe.
ffi_type* FfiTypeOf(State& s, const ir::AbiType& t, std::string& error) {
  if (!t.IsAgg()) return ScalarFfiType(t.scalar);
  const ir::AggType& agg = s.module->aggs[t.agg];
  FfiAggType*& cached = s.ffi_aggs[t.agg];
  if (!cached) {
    cached = new FfiAggType;
    bool in_memory = agg.size > 16;
    if (in_memory) {
      if (!BuildMemoryElements(agg, cached->elements)) cached->elements.clear();
    } else {
      for (const ir::AggType::Leaf& leaf : agg.leaves) cached->elements.push_back(ScalarFfiType(leaf.type));
    }
    cached->elements.push_back(nullptr);
    cached->type.type = FFI_TYPE_STRUCT;
    cached->type.elements = cached->elements.data();
  }
  if (cached->elements.size() == 1) {
    error = "not supported yet: passing the aggregate `" + agg.name + "` (empty, packed or over-aligned) to or from C";
    return nullptr;
  }
  return &cached->type;
}

// libffi lays structs out itself from the leaves; a packed or over-aligned aggregate would come
// out differently, and passing it would silently move fields.
bool CheckAggLayouts(State& s, const std::vector<ir::AbiType>& types, const ir::AbiType& ret, std::string& error) {
  auto check = [&](const ir::AbiType& t) {
    if (!t.IsAgg()) return true;
    const ir::AggType& agg = s.module->aggs[t.agg];
    if (s.ffi_aggs[t.agg]->type.size == agg.size && s.ffi_aggs[t.agg]->type.alignment == agg.align) return true;
    error = "not supported yet: C calls with the packed or over-aligned aggregate `" + agg.name + "`";
    return false;
  };
  for (const ir::AbiType& t : types)
    if (!check(t)) return false;
  return check(ret);
}

bool PrepareCif(State& s, ffi_cif& cif, std::vector<ffi_type*>& arg_types, const std::vector<ir::AbiType>& args,
                const ir::AbiType& ret, bool variadic, uint32_t fixed_count, std::string& error) {
  if (args.size() > kMaxNativeArgs) {
    error = "not supported yet: native calls with more than 64 arguments";
    return false;
  }
  for (const ir::AbiType& t : args) {
    ffi_type* ft = FfiTypeOf(s, t, error);
    if (!ft) return false;
    arg_types.push_back(ft);
  }
  ffi_type* rtype = FfiTypeOf(s, ret, error);
  if (!rtype) return false;
  ffi_status status =
      variadic ? ffi_prep_cif_var(&cif, FFI_DEFAULT_ABI, fixed_count, unsigned(args.size()), rtype, arg_types.data())
               : ffi_prep_cif(&cif, FFI_DEFAULT_ABI, unsigned(args.size()), rtype, arg_types.data());
  if (status != FFI_OK) {
    error = "libffi cannot build this C call interface (status " + std::to_string(int(status)) + ")";
    return false;
  }
  return CheckAggLayouts(s, args, ret, error);
}

uint64_t ReadScalar(const void* p, Type t) {
  switch (t) {
    case Type::I8: { int8_t v; std::memcpy(&v, p, 1); return uint64_t(int64_t(v)); }
    case Type::I16: { int16_t v; std::memcpy(&v, p, 2); return uint64_t(int64_t(v)); }
    case Type::I32: { int32_t v; std::memcpy(&v, p, 4); return uint64_t(int64_t(v)); }
    case Type::F32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
    default: { uint64_t v; std::memcpy(&v, p, 8); return v; }
  }
}

// A native call's result: libffi widens small integers to a full ffi_arg; we re-normalize.
uint64_t ScalarResult(const uint64_t* raw, Type t) {
  if (t == Type::F32) return raw[0] & 0xffffffffu;
  if (ir::IsInt(t)) return Normalize(raw[0], uint8_t(64 - TypeBits(t)));
  return raw[0];
}

// Writes a closure's scalar result the way libffi expects: integers widened to ffi_arg.
void WriteClosureResult(void* ret, Type t, uint64_t v) {
  if (t == Type::Void) return;
  if (t == Type::F32) {
    uint32_t bits = uint32_t(v);
    std::memcpy(ret, &bits, 4);
    return;
  }
  if (ir::IsInt(t)) {
    ffi_arg wide = ffi_arg(int64_t(v));
    std::memcpy(ret, &wide, sizeof wide);
    return;
  }
  std::memcpy(ret, &v, 8);
}

struct ClosureCall {
  Closure* closure;
  void* ret;
  void** args;
  bool ok;
};

void RunClosure(void* ctx) {
  auto* call = static_cast<ClosureCall*>(ctx);
  State& s = *call->closure->state;
  ir::FuncId f = call->closure->func;
  const DFunc* fn = GetFunc(s, f);
  if (!fn) return;
  uint64_t argv[kMaxNativeArgs];
  for (size_t i = 0; i < fn->params.size() && i < kMaxNativeArgs; ++i) {
    // An aggregate arrives as a pointer to the caller's value; Execute copies it into the frame.
    argv[i] = fn->param_copy_size[i] ? uint64_t(call->args[i]) : ReadScalar(call->args[i], fn->param_types[i]);
  }
  uint64_t result = 0;
  if (!Execute(s, f, argv, &result, call->ret)) return;
  if (!fn->ret.IsAgg()) WriteClosureResult(call->ret, fn->ret.scalar, result);
  call->ok = true;
}

// C code called a Thrust function through its closure.
void EnterClosure(ffi_cif*, void* ret, void** args, void* user) {
  ClosureCall call{static_cast<Closure*>(user), ret, args, false};
  if (platform::InGuard()) {
    RunClosure(&call);
    // A failure cannot return through the C frames in between: jump back to the evaluation.
    if (!call.ok) platform::EscapeGuard();
    return;
  }
  // Called outside any evaluation (e.g. a function pointer kept by C and called later).
  int code = platform::RunGuarded(RunClosure, &call);
  if (code != platform::kGuardOk || !call.ok) {
    State& s = *call.closure->state;
    std::fprintf(stderr, "thrustc: error: compile-time function called from C failed: %s\n",
                 code > 0 ? std::string(platform::DescribeSignal(code)).c_str()
                          : (s.failure ? s.failure->message.c_str() : "unknown failure"));
  }
}

}  // namespace

bool CallNative(State& s, void* target, const DCall& call, uint64_t* regs, uint32_t dst, ir::FuncId caller,
                uint32_t pc) {
  if (!call.ffi) {
    auto sig = std::make_shared<FfiSignature>();
    std::string error;
    if (!PrepareCif(s, sig->cif, sig->arg_types, call.arg_types, call.ret, call.variadic, call.fixed_count, error)) {
      SetFailure(s, EvalFailure::Kind::Internal, error, caller, pc);
      return false;
    }
    call.ffi = std::move(sig);
  }
  void* values[kMaxNativeArgs];
  for (size_t i = 0; i < call.args.size(); ++i) {
    uint64_t& reg = regs[call.args[i]];
    // Aggregates are ptr registers to the value; scalars are read from the low bytes (little-endian).
    values[i] = call.arg_types[i].IsAgg() ? reinterpret_cast<void*>(reg) : static_cast<void*>(&reg);
  }
  alignas(16) uint64_t small[8] = {};
  void* rvalue = small;
  uint32_t agg_size = call.ret.IsAgg() ? s.module->aggs[call.ret.agg].size : 0;
  void* dest = call.ret.IsAgg() && call.ret_dest != ir::kNoReg ? reinterpret_cast<void*>(regs[call.ret_dest]) : nullptr;
  if (agg_size > sizeof small) {
    if (!dest) {
      SetFailure(s, EvalFailure::Kind::Internal, "large aggregate C result without a destination", caller, pc);
      return false;
    }
    rvalue = dest;
  }
  ffi_call(&call.ffi->cif, FFI_FN(target), rvalue, values);
  if (call.ret.IsAgg()) {
    if (dest && rvalue != dest) std::memcpy(dest, small, agg_size);
  } else if (dst != ir::kNoReg && call.ret.scalar != Type::Void) {
    regs[dst] = ScalarResult(small, call.ret.scalar);
  }
  return true;
}

void* ClosureFor(State& s, ir::FuncId f) {
  if (s.closures[f]) return s.closures[f]->code;
  const ir::Function& fn = s.module->functions[f];
  auto* c = new Closure;
  c->state = &s;
  c->func = f;
  std::string error;
  if (fn.sig.variadic) error = "not supported yet: the address of a variadic Thrust function";
  if (error.empty() && PrepareCif(s, c->cif, c->arg_types, fn.sig.params, fn.sig.ret, false, 0, error)) {
    c->closure = static_cast<ffi_closure*>(ffi_closure_alloc(sizeof(ffi_closure), &c->code));
    if (!c->closure || ffi_prep_closure_loc(c->closure, &c->cif, EnterClosure, c, c->code) != FFI_OK)
      error = "cannot create a native entry point (libffi closure)";
  }
  if (!error.empty()) {
    DestroyClosure(c);
    SetFailure(s, EvalFailure::Kind::Internal, error, f, -1);
    return nullptr;
  }
  s.closures[f] = c;
  s.closure_funcs[uint64_t(c->code)] = f;
  return c->code;
}

void DestroyClosure(Closure* c) {
  if (c->closure) ffi_closure_free(c->closure);
  delete c;
}

void DestroyFfiAgg(FfiAggType* t) { delete t; }

}  // namespace thrustc::interp
