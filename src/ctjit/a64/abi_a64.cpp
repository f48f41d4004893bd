// AAPCS64 classification (abi_a64.h): scalars go to the next of x0-x7 or v0-v7, then to 8-byte
// stack slots. A homogeneous floating-point aggregate (HFA) takes one v register per member when
// enough are left (else the stack, and no later float goes in a register); other aggregates of at
// most 16 bytes take one or two x registers (an even pair when 16-byte aligned) or the stack;
// larger ones are copied by the caller and passed by reference. Results: x0/v0, an HFA in v0-v3,
// up to 16 bytes in x0:x1, otherwise memory whose address the caller puts in x8.
#include "ctjit/a64/abi_a64.h"

#include <algorithm>

#include "ctjit/a64/regs_a64.h"

namespace thrustc::ctjit::a64 {

namespace {

uint32_t AlignUp(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

struct RegState {
  uint32_t gp = 0, fp = 0;
  uint32_t stack = 0;
};

void PutOnStack(ArgLoc& loc, RegState& regs, uint32_t size, uint32_t align) {
  loc.pieces.clear();
  loc.on_stack = true;
  regs.stack = AlignUp(regs.stack, std::max<uint32_t>(8, std::min<uint32_t>(align, 16)));
  loc.stack_offset = regs.stack;
  regs.stack += AlignUp(size, 8);
}

// Registers for one aggregate (by value, or its pointer when by reference), or the stack.
void AssignAgg(const ir::AggType& agg, RegState& regs, ArgLoc& loc) {
  uint32_t count = 0;
  ir::Type hfa = HfaType(agg, count);
  if (hfa != ir::Type::Void) {
    if (regs.fp + count <= 8) {
      uint8_t member = uint8_t(ir::TypeSize(hfa));
      for (uint32_t i = 0; i < count; ++i) loc.pieces.push_back({Vreg(regs.fp++), i * member, member});
      return;
    }
    regs.fp = 8;
    return PutOnStack(loc, regs, agg.size, agg.align);
  }
  if (agg.size > 16) {
    loc.by_reference = true;
    if (regs.gp < 8) return void(loc.pieces.push_back({kArgGp[regs.gp++], 0, 8}));
    return PutOnStack(loc, regs, 8, 8);
  }
  uint32_t words = (agg.size + 7) / 8;
  if (agg.align >= 16 && regs.gp % 2) ++regs.gp;
  if (regs.gp + words <= 8) {
    for (uint32_t i = 0; i < words; ++i)
      loc.pieces.push_back({kArgGp[regs.gp++], 8 * i, uint8_t(std::min<uint32_t>(8, agg.size - 8 * i))});
    return;
  }
  regs.gp = 8;
  PutOnStack(loc, regs, agg.size, agg.align);
}

}  // namespace

ir::Type HfaType(const ir::AggType& agg, uint32_t& count) {
  count = uint32_t(agg.leaves.size());
  if (count == 0 || count > 4) return ir::Type::Void;
  ir::Type t = agg.leaves[0].type;
  if (!ir::IsFloat(t)) return ir::Type::Void;
  uint32_t size = ir::TypeSize(t);
  for (uint32_t i = 0; i < count; ++i)
    if (agg.leaves[i].type != t || agg.leaves[i].offset != i * size) return ir::Type::Void;
  return agg.size == count * size ? t : ir::Type::Void;
}

CallLayout LayOutCall(const ir::Module& m, const std::vector<ir::AbiType>& params, const ir::AbiType& ret,
                      bool variadic, uint32_t fixed_count) {
  CallLayout out;
  if (ret.IsAgg()) {
    const ir::AggType& agg = m.aggs[ret.agg];
    uint32_t count = 0;
    ir::Type hfa = HfaType(agg, count);
    if (hfa != ir::Type::Void) {
      uint8_t member = uint8_t(ir::TypeSize(hfa));
      for (uint32_t i = 0; i < count; ++i) out.ret.push_back({Vreg(i), i * member, member});
    } else if (agg.size <= 16) {
      for (uint32_t i = 0; i < (agg.size + 7) / 8; ++i)
        out.ret.push_back({kArgGp[i], 8 * i, uint8_t(std::min<uint32_t>(8, agg.size - 8 * i))});
    } else {
      out.sret = true;  // x8 is not an argument register, so nothing else moves
    }
  } else if (ret.scalar != ir::Type::Void) {
    uint8_t size = uint8_t(ir::TypeSize(ret.scalar));
    out.ret.push_back({ir::IsFloat(ret.scalar) ? Vreg(0) : uint32_t(kX0), 0, size});
  }
  RegState regs;
  for (size_t i = 0; i < params.size(); ++i) {
    const ir::AbiType& p = params[i];
    ArgLoc loc;
    const ir::AggType* agg = p.IsAgg() ? &m.aggs[p.agg] : nullptr;
    loc.size = agg ? agg->size : ir::TypeSize(p.scalar);
#if defined(__APPLE__)
    // Apple arm64: every variadic argument goes on the stack, each in its own 8-byte slot.
    if (variadic && i >= fixed_count) {
      if (agg && agg->size > 16) loc.by_reference = true, loc.size = 8;
      PutOnStack(loc, regs, loc.by_reference ? 8 : loc.size, 8);
      out.args.push_back(std::move(loc));
      continue;
    }
#else
    (void)variadic, (void)fixed_count;  // Linux passes variadic arguments like named ones
#endif
    if (agg) {
      AssignAgg(*agg, regs, loc);
      if (agg->align > 16) {
        out.supported = false;
        out.problem = "not supported yet: passing the over-aligned aggregate `" + agg->name + "` by value";
      }
    } else if (ir::IsFloat(p.scalar)) {
      if (regs.fp < 8) loc.pieces.push_back({Vreg(regs.fp++), 0, uint8_t(loc.size)});
      else PutOnStack(loc, regs, 8, 8);
    } else {
      if (regs.gp < 8) loc.pieces.push_back({kArgGp[regs.gp++], 0, uint8_t(loc.size)});
      else PutOnStack(loc, regs, 8, 8);
    }
    out.args.push_back(std::move(loc));
  }
  out.stack_bytes = AlignUp(regs.stack, 16);
  return out;
}

}  // namespace thrustc::ctjit::a64
