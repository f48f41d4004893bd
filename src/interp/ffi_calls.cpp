// Calls between interpreted Thrust code and native C code, both ways, through libffi: call
// interfaces built from IR call sites (aggregates by value as ffi struct types built from their
// leaves), and closures that give each Thrust function a real native entry point.
#include <ffi.h>

#include <algorithm>
#include <memory>

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
  std::unique_ptr<uint8_t[]> token;  // the address when there is no closure (see ClosureFor)
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

// libffi lays a struct out from its elements, which cannot express packed fields, nested padding
// or over-alignment. So an aggregate is described by elements that only steer libffi's ABI
// classification, with the aggregate's own size and alignment preset (libffi computes a layout
// only for types whose size is 0, and copies `size` bytes): register-passed aggregates move as
// raw bytes per eightbyte on both targets, so only each eightbyte's class has to match the ABI
// (the same rule as the ctjit's abi_x64/abi_a64).

// A homogeneous float aggregate: 1-4 leaves of one float type, contiguous. Its leaves are its
// elements (AArch64 passes it in v registers, x86-64 classifies its eightbytes SSE).
bool IsHfa(const ir::AggType& agg) {
  if (agg.leaves.empty() || agg.leaves.size() > 4 || !ir::IsFloat(agg.leaves[0].type)) return false;
  uint32_t size = ir::TypeSize(agg.leaves[0].type);
  for (size_t i = 0; i < agg.leaves.size(); ++i)
    if (agg.leaves[i].type != agg.leaves[0].type || agg.leaves[i].offset != i * size) return false;
  return agg.size == agg.leaves.size() * size;
}

#if defined(__x86_64__)
bool HasMisalignedLeaf(const ir::AggType& agg) {
  for (const ir::AggType::Leaf& leaf : agg.leaves)
    if (leaf.offset % ir::TypeSize(leaf.type) != 0) return true;
  return false;
}

// A nested element that makes x86-64 libffi classify the whole aggregate MEMORY (a member over
// 32 bytes), for aggregates that System V passes on the stack: over 16 bytes, or misaligned.
ffi_type* MemoryClassMarker() {
  static ffi_type* elements[] = {&ffi_type_uint8, nullptr};
  static ffi_type marker = {64, 1, FFI_TYPE_STRUCT, elements};
  return &marker;
}
#endif

// One element per eightbyte: `double` where every leaf in it is a float (or none is), so it goes
// in an SSE register on x86-64; `uint64` otherwise.
void EightbyteElements(const ir::AggType& agg, std::vector<ffi_type*>& out) {
  uint32_t count = (agg.size + 7) / 8;
  for (uint32_t i = 0; i < count; ++i) {
    bool integer = false;
    for (const ir::AggType::Leaf& leaf : agg.leaves)
      if (leaf.offset / 8 == i && !ir::IsFloat(leaf.type)) integer = true;
    out.push_back(integer ? &ffi_type_uint64 : &ffi_type_double);
  }
}

void DescribeAggregate(const ir::AggType& agg, std::vector<ffi_type*>& out) {
  if (agg.size == 0) return;
  if (IsHfa(agg)) {
    for (const ir::AggType::Leaf& leaf : agg.leaves) out.push_back(ScalarFfiType(leaf.type));
    return;
  }
#if defined(__x86_64__)
  if (agg.size > 16 || HasMisalignedLeaf(agg)) return void(out.push_back(MemoryClassMarker()));
#else
  if (agg.size > 16) return void(out.push_back(&ffi_type_uint64));  // passed by reference
#endif
  EightbyteElements(agg, out);
}

// The libffi type of `t`; nullptr with `error` for aggregates libffi cannot describe.
ffi_type* FfiTypeOf(State& s, const ir::AbiType& t, std::string& error) {
  if (!t.IsAgg()) return ScalarFfiType(t.scalar);
  const ir::AggType& agg = s.module->aggs[t.agg];
  FfiAggType*& cached = s.ffi_aggs[t.agg];
  if (!cached) {
    cached = new FfiAggType;
    DescribeAggregate(agg, cached->elements);
    cached->elements.push_back(nullptr);
    cached->type.size = agg.size;
    cached->type.alignment = uint16_t(agg.align);
    cached->type.type = FFI_TYPE_STRUCT;
    cached->type.elements = cached->elements.data();
  }
  if (cached->elements.size() == 1) {
    error = "not supported yet: passing the empty aggregate `" + agg.name + "` to or from C";
    return nullptr;
  }
  return &cached->type;
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
  return true;
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
  s.native_caller = caller;
  ffi_call(&call.ffi->cif, FFI_FN(target), rvalue, values);
  if (call.ret.IsAgg()) {
    if (dest && rvalue != dest) std::memcpy(dest, small, agg_size);
  } else if (dst != ir::kNoReg && call.ret.scalar != Type::Void) {
    regs[dst] = ScalarResult(small, call.ret.scalar);
  }
  return true;
}

// The address of a Thrust function: a libffi closure, so that C code can call it, and the key by
// which the interpreter recognises its own functions in indirect calls. When no closure can be
// made (a signature libffi cannot describe), the address is a unique token that only Thrust-to-
// Thrust calls use; C calling it faults like a call of any non-code address.
void* ClosureFor(State& s, ir::FuncId f) {
  if (s.closures[f]) return s.closures[f]->code;
  const ir::Function& fn = s.module->functions[f];
  auto* c = new Closure;
  c->state = &s;
  c->func = f;
  std::string error;
  if (fn.sig.variadic) error = "variadic";
  if (error.empty() && PrepareCif(s, c->cif, c->arg_types, fn.sig.params, fn.sig.ret, false, 0, error)) {
    c->closure = static_cast<ffi_closure*>(ffi_closure_alloc(sizeof(ffi_closure), &c->code));
    if (!c->closure || ffi_prep_closure_loc(c->closure, &c->cif, EnterClosure, c, c->code) != FFI_OK) {
      if (c->closure) ffi_closure_free(c->closure);
      c->closure = nullptr;
      error = "no libffi closure";
    }
  }
  if (!error.empty()) {
    c->token = std::make_unique<uint8_t[]>(16);
    c->code = c->token.get();
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
