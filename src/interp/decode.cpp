// Decoding: turns one ir::Function into the interpreter's flat, pre-resolved form (decoded.h),
// once per function, so the dispatch loop never looks at blocks, types or the module.
#include <cmath>
#include <algorithm>
#include <cstring>

#include "interp/decoded.h"
#include "ir/call_values.h"

namespace thrustc::interp {

namespace {

using ir::Inst;
using ir::Op;
using ir::Type;

using ir::FloatBits;

uint8_t ShiftFor(Type t) { return ir::IsInt(t) ? uint8_t(64 - TypeBits(t)) : 0; }

DOp IntBinaryOp(Op op) {
  switch (op) {
    case Op::Add: return DOp::Add;
    case Op::Sub: return DOp::Sub;
    case Op::Mul: return DOp::Mul;
    case Op::SDiv: return DOp::SDiv;
    case Op::UDiv: return DOp::UDiv;
    case Op::SRem: return DOp::SRem;
    case Op::URem: return DOp::URem;
    case Op::And: return DOp::And;
    case Op::Or: return DOp::Or;
    case Op::Xor: return DOp::Xor;
    case Op::Shl: return DOp::Shl;
    case Op::LShr: return DOp::LShr;
    default: return DOp::AShr;
  }
}

DOp FloatBinaryOp(Op op, Type t) {
  static constexpr DOp k32[] = {DOp::FAdd32, DOp::FSub32, DOp::FMul32, DOp::FDiv32, DOp::FRem32};
  static constexpr DOp k64[] = {DOp::FAdd64, DOp::FSub64, DOp::FMul64, DOp::FDiv64, DOp::FRem64};
  size_t i = size_t(op) - size_t(Op::FAdd);
  return t == Type::F32 ? k32[i] : k64[i];
}

bool DecodeCompare(const Inst& in, DInst& d, std::string& error) {
  if (in.op == Op::FCmp) {
    if (in.pred < ir::Pred::Oeq) {
      error = "fcmp with an integer predicate";
      return false;
    }
    d.op = in.type == Type::F32 ? DOp::FCmp32 : DOp::FCmp64;
    d.pred = uint8_t(in.pred);
    return true;
  }
  if (in.pred > ir::Pred::Uge) {
    error = "icmp with a float predicate";
    return false;
  }
  d.op = DOp(uint8_t(DOp::ICmpEq) + uint8_t(in.pred));
  return true;
}

bool DecodeConvert(const Inst& in, Type from, DInst& d, std::string& error) {
  Type to = in.type;
  d.sh = ShiftFor(to);
  switch (in.op) {
    case Op::SExt: case Op::Trunc: case Op::PtrToInt: case Op::IntToPtr:
      d.op = DOp::Norm;
      return true;
    case Op::ZExt:
      d.op = DOp::ZExt;
      d.bits = TypeBits(from);
      return true;
    case Op::SIToFP: d.op = to == Type::F32 ? DOp::SIToF32 : DOp::SIToF64; return true;
    case Op::UIToFP:
      d.op = to == Type::F32 ? DOp::UIToF32 : DOp::UIToF64;
      d.bits = TypeBits(from);
      return true;
    case Op::FPToSI:
    case Op::FPToUI:
      d.bits = TypeBits(to);
      if (in.op == Op::FPToSI) d.op = from == Type::F32 ? DOp::F32ToSI : DOp::F64ToSI;
      else d.op = from == Type::F32 ? DOp::F32ToUI : DOp::F64ToUI;
      return true;
    case Op::FPExt: d.op = DOp::FPExt; return true;
    case Op::FPTrunc: d.op = DOp::FPTrunc; return true;
    default:
      error = "unknown conversion";
      return false;
  }
}

bool DecodeMemory(const Inst& in, DInst& d) {
  switch (in.op) {
    case Op::Load:
      switch (in.type) {
        case Type::I8: d.op = DOp::Load8; break;
        case Type::I16: d.op = DOp::Load16; break;
        case Type::I32: d.op = DOp::Load32; break;
        case Type::F32: d.op = DOp::LoadF32; break;
        default: d.op = DOp::Load64; break;
      }
      return true;
    case Op::Store:
      switch (ir::TypeSize(in.type)) {
        case 1: d.op = DOp::Store8; break;
        case 2: d.op = DOp::Store16; break;
        case 4: d.op = DOp::Store32; break;
        default: d.op = DOp::Store64; break;
      }
      return true;
    case Op::PtrAdd: d.op = DOp::PtrAdd; return true;
    case Op::PtrOffset: d.op = DOp::PtrOffset; return true;
    case Op::Copy: d.op = DOp::Copy; return true;
    case Op::Zero: d.op = DOp::Zero; return true;
    default: return false;
  }
}

// Decodes one instruction; block operands are block ids here and become instruction indices later.
bool DecodeInst(const ir::Function& fn, const Inst& in, const std::vector<uint32_t>& slot_offset,
                DInst& d, std::string& error) {
  d.dst = in.dst;
  d.a = in.a;
  d.b = in.b;
  d.c = in.c;
  d.imm = in.imm;
  d.sh = ShiftFor(in.type);
  d.bits = ir::IsInt(in.type) ? TypeBits(in.type) : 64;
  switch (ir::OpFamilyOf(in.op)) {
    case ir::OpFamily::Const:
      switch (in.op) {
        case Op::IConst: d.op = DOp::Imm; d.imm = int64_t(Normalize(uint64_t(in.imm), d.sh)); break;
        case Op::FConst: d.op = DOp::Imm; d.imm = int64_t(FloatBits(in.type, in.FImm())); break;
        case Op::GlobalAddr: d.op = DOp::GlobalAddr; break;
        case Op::FuncAddr: d.op = DOp::FuncAddr; break;
        default:
          d.op = DOp::SlotAddr;
          if (in.a >= slot_offset.size()) {
            error = "slot_addr of a slot that does not exist";
            return false;
          }
          d.imm = slot_offset[in.a];
          break;
      }
      return true;
    case ir::OpFamily::IntBinary: d.op = IntBinaryOp(in.op); return true;
    case ir::OpFamily::FloatBinary: d.op = FloatBinaryOp(in.op, in.type); return true;
    case ir::OpFamily::Unary:
      if (in.op == Op::FNeg) d.op = in.type == Type::F32 ? DOp::FNeg32 : DOp::FNeg64;
      else d.op = in.op == Op::Neg ? DOp::Neg : DOp::Not;
      return true;
    case ir::OpFamily::Compare: return DecodeCompare(in, d, error);
    case ir::OpFamily::Convert:
      if (in.a >= fn.reg_types.size()) {
        error = "conversion of a register that does not exist";
        return false;
      }
      return DecodeConvert(in, fn.reg_types[in.a], d, error);
    case ir::OpFamily::Memory: return DecodeMemory(in, d);
    case ir::OpFamily::Atomic:
      switch (in.op) {
        case Op::AtomicLoad: d.op = DOp::AtomicLoad; break;
        case Op::AtomicStore: d.op = DOp::AtomicStore; break;
        case Op::AtomicRmw: d.op = DOp::AtomicRmw; break;
        case Op::CmpXchg: d.op = DOp::CmpXchg; break;
        default: d.op = DOp::Fence; break;
      }
      return true;
    case ir::OpFamily::Check: d.op = DOp::BoundsCheck; return true;
    case ir::OpFamily::Call:
      d.op = in.op == Op::Call ? DOp::Call : DOp::CallIndirect;
      d.b = uint32_t(in.imm);  // the call-site index
      if (d.b >= fn.calls.size()) {
        error = "call without call information";
        return false;
      }
      return true;
    case ir::OpFamily::Terminator:
      switch (in.op) {
        case Op::Br: d.op = DOp::Br; break;
        case Op::CondBr: d.op = DOp::CondBr; break;
        case Op::Ret: d.op = DOp::Ret; break;
        default: d.op = DOp::Trap; break;
      }
      return true;
  }
  error = "unknown operation";
  return false;
}

uint64_t AlignUp(uint64_t v, uint64_t align) { return (v + align - 1) / align * align; }

// No stack holds a frame this large; its function reports a stack overflow when called.
constexpr uint64_t kMaxFrameBytes = 1ull << 30;

// Frame: registers (8 bytes each), then the slots, then copies of by-value aggregate parameters.
void LayOutFrame(const ir::Module& module, const ir::Function& fn, DFunc& d,
                 std::vector<uint32_t>& slot_offset) {
  uint64_t offset = d.reg_count * 8;
  auto place = [&](uint32_t size, uint32_t align) {
    d.frame_align = std::max(d.frame_align, align);
    offset = AlignUp(offset, align);
    uint64_t at = offset;
    offset += size;
    return offset > kMaxFrameBytes ? 0 : uint32_t(at);  // a frame too large never runs
  };
  for (const ir::Slot& slot : fn.slots) slot_offset.push_back(place(slot.size, slot.align ? slot.align : 1));
  for (size_t i = 0; i < fn.sig.params.size(); ++i) {
    const ir::AbiType& p = fn.sig.params[i];
    if (!p.IsAgg()) {
      d.param_types.push_back(p.scalar);
      d.param_copy_offset.push_back(kNoCopy);
      d.param_copy_size.push_back(0);
      continue;
    }
    const ir::AggType& agg = module.aggs[p.agg];
    d.param_types.push_back(Type::Ptr);
    d.param_copy_offset.push_back(place(agg.size, agg.align ? agg.align : 1));
    d.param_copy_size.push_back(agg.size);
  }
  // Never 0: recursion must use stack. Too large: more than any interpreter stack (PushFrame).
  d.frame_size = offset > kMaxFrameBytes ? UINT32_MAX : std::max<uint32_t>(uint32_t(AlignUp(offset, 16)), 16);
}

}  // namespace

std::unique_ptr<DFunc> DecodeFunction(const ir::Module& module, ir::FuncId f, std::string& error) {
  const ir::Function& fn = module.functions[f];
  auto d = std::make_unique<DFunc>();
  d->id = f;
  d->reg_count = uint32_t(fn.reg_types.size());
  d->params = fn.params;
  d->ret = fn.sig.ret;
  if (fn.sig.ret.IsAgg()) d->ret_size = module.aggs[fn.sig.ret.agg].size;
  if (fn.params.size() != fn.sig.params.size()) {
    error = "parameter registers do not match the signature";
    return nullptr;
  }
  std::vector<uint32_t> slot_offset;
  LayOutFrame(module, fn, *d, slot_offset);

  std::vector<uint32_t> block_start;
  for (const ir::Block& block : fn.blocks) {
    block_start.push_back(uint32_t(d->code.size()));
    for (const Inst& in : block.insts) {
      DInst di{};
      if (!DecodeInst(fn, in, slot_offset, di, error)) return nullptr;
      d->code.push_back(di);
      d->locs.push_back(fn.InstLoc(in));
    }
  }
  for (DInst& di : d->code) {
    uint32_t* targets[2] = {nullptr, nullptr};
    if (di.op == DOp::Br) targets[0] = &di.a;
    if (di.op == DOp::CondBr) targets[0] = &di.b, targets[1] = &di.c;
    for (uint32_t* t : targets) {
      if (!t) continue;
      if (*t >= block_start.size()) {
        error = "branch to a block that does not exist";
        return nullptr;
      }
      *t = block_start[*t];
    }
  }
  if (d->code.empty() || ir::OpFamilyOf(fn.blocks.back().insts.empty() ? ir::Op::IConst
                                                                         : fn.blocks.back().insts.back().op) !=
                             ir::OpFamily::Terminator) {
    error = "function does not end in a terminator";
    return nullptr;
  }
  for (const ir::CallInfo& call : fn.calls) {
    d->calls.push_back({call.args, call.arg_types, call.ret, call.variadic, call.fixed_count, call.ret_dest, nullptr});
  }
  return d;
}

}  // namespace thrustc::interp
