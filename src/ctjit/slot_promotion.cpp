// Slot promotion (target-independent): lowering puts every Thrust variable in a stack slot; a
// slot whose address is only ever the address operand of loads and stores of one scalar type
// can live in a virtual register instead. Instruction selection then turns those loads and
// stores into register copies, which is most of what makes generated loops fast.
#include "ctjit/mir.h"

namespace thrustc::ctjit {

namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr ir::Type kRejected = ir::Type::Void;

// Records that slot `s` is accessed as `t`; a second type or a size mismatch rejects it.
void NoteAccess(const ir::Function& fn, std::vector<ir::Type>& type, std::vector<bool>& rejected, uint32_t s,
                ir::Type t) {
  if (rejected[s]) return;
  if (ir::TypeSize(t) != fn.slots[s].size || (type[s] != kRejected && type[s] != t)) {
    rejected[s] = true;
    return;
  }
  type[s] = t;
}

// Any operand use of a slot address other than as a load/store address lets it escape.
void RejectOperand(const SlotPromotion& p, std::vector<bool>& rejected, uint32_t reg) {
  if (reg < p.reg_slot.size() && p.reg_slot[reg] != kNone) rejected[p.reg_slot[reg]] = true;
}

}  // namespace

void PromoteSlots(const ir::Function& fn, SlotPromotion& out) {
  out.slot_type.assign(fn.slots.size(), kRejected);
  out.reg_slot.assign(fn.reg_types.size(), kNone);
  std::vector<bool>& rejected = out.rejected;
  rejected.assign(fn.slots.size(), false);
  for (const ir::Block& b : fn.blocks)
    for (const ir::Inst& in : b.insts)
      if (in.op == ir::Op::SlotAddr && in.dst < out.reg_slot.size() && in.a < fn.slots.size())
        out.reg_slot[in.dst] = in.a;
  for (const ir::Block& b : fn.blocks) {
    for (const ir::Inst& in : b.insts) {
      switch (in.op) {
        case ir::Op::SlotAddr: case ir::Op::IConst: case ir::Op::FConst: case ir::Op::GlobalAddr:
        case ir::Op::FuncAddr: case ir::Op::Br: case ir::Op::Trap: case ir::Op::Fence:
          break;
        case ir::Op::AtomicLoad: case ir::Op::AtomicStore: case ir::Op::AtomicRmw: case ir::Op::CmpXchg:
          // An atomic access keeps its slot in memory (it is the point of the access).
          RejectOperand(out, rejected, in.a);
          if (in.op != ir::Op::AtomicLoad) RejectOperand(out, rejected, in.b);
          if (in.op == ir::Op::CmpXchg) RejectOperand(out, rejected, in.c);
          break;
        case ir::Op::Load:
          if (out.reg_slot[in.a] != kNone) NoteAccess(fn, out.slot_type, rejected, out.reg_slot[in.a], in.type);
          break;
        case ir::Op::Store:
          RejectOperand(out, rejected, in.a);
          if (out.reg_slot[in.b] != kNone) NoteAccess(fn, out.slot_type, rejected, out.reg_slot[in.b], in.type);
          break;
        case ir::Op::Call: case ir::Op::CallIndirect: {
          if (in.op == ir::Op::CallIndirect) RejectOperand(out, rejected, in.a);
          const ir::CallInfo& call = fn.calls[size_t(in.imm)];
          for (ir::Reg r : call.args) RejectOperand(out, rejected, r);
          if (call.ret_dest != ir::kNoReg) RejectOperand(out, rejected, call.ret_dest);
          break;
        }
        case ir::Op::Ret:
          if (in.a != ir::kNoReg) RejectOperand(out, rejected, in.a);
          break;
        case ir::Op::CondBr:
          RejectOperand(out, rejected, in.a);
          break;
        default:
          RejectOperand(out, rejected, in.a);
          if (ir::OpFamilyOf(in.op) == ir::OpFamily::IntBinary || ir::OpFamilyOf(in.op) == ir::OpFamily::FloatBinary ||
              in.op == ir::Op::ICmp || in.op == ir::Op::FCmp || in.op == ir::Op::PtrAdd || in.op == ir::Op::Copy)
            RejectOperand(out, rejected, in.b);
          break;
      }
    }
  }
  for (size_t s = 0; s < fn.slots.size(); ++s)
    if (rejected[s]) out.slot_type[s] = kRejected;
  for (uint32_t& s : out.reg_slot)
    if (s != kNone && out.slot_type[s] == kRejected) s = kNone;
}

}  // namespace thrustc::ctjit
