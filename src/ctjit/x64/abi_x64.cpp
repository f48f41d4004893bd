// System V AMD64 classification (abi_x64.h): scalars go to the next INTEGER (rdi, rsi, rdx, rcx,
// r8, r9) or SSE (xmm0-7) register; an aggregate of at most 16 bytes is split into eightbytes,
// each SSE when all its leaves are floats and INTEGER otherwise, and goes in registers only when
// all its eightbytes fit; larger or misaligned aggregates are MEMORY (copied onto the stack).
#include <string>

#include "ctjit/x64/abi_x64.h"
#include "ctjit/x64/regs_x64.h"

namespace thrustc::ctjit::x64 {

namespace {

enum class Class : uint8_t { None, Integer, Sse, Memory };

uint32_t AlignUp(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

// Classifies the (at most two) eightbytes of an aggregate; Memory when it cannot go in registers.
Class ClassifyAgg(const ir::AggType& agg, Class out[2]) {
  out[0] = out[1] = Class::None;
  if (agg.size > 16 || agg.size == 0) return Class::Memory;
  for (const ir::AggType::Leaf& leaf : agg.leaves) {
    uint32_t size = ir::TypeSize(leaf.type);
    if (size == 0 || leaf.offset % size != 0) return Class::Memory;  // packed: not in registers
    Class& c = out[leaf.offset / 8];
    if (ir::IsFloat(leaf.type)) {
      if (c == Class::None) c = Class::Sse;
    } else {
      c = Class::Integer;
    }
  }
  for (uint32_t i = 0; i < (agg.size + 7) / 8; ++i)
    if (out[i] == Class::None) out[i] = Class::Sse;  // padding only: any class works
  return Class::None;
}

struct RegState {
  uint32_t gp = 0, fp = 0;
};

// Assigns registers to the eightbytes of an aggregate, or returns false (it then goes on the stack).
bool AssignAggRegs(const ir::AggType& agg, RegState& regs, std::vector<RegPiece>& pieces, uint32_t max_gp,
                   uint32_t max_fp, const uint32_t* gp_regs, const uint32_t* fp_regs) {
  Class cls[2];
  if (ClassifyAgg(agg, cls) == Class::Memory) return false;
  uint32_t count = (agg.size + 7) / 8, need_gp = 0, need_fp = 0;
  for (uint32_t i = 0; i < count; ++i) (cls[i] == Class::Integer ? need_gp : need_fp)++;
  if (regs.gp + need_gp > max_gp || regs.fp + need_fp > max_fp) return false;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t size = uint8_t(std::min<uint32_t>(8, agg.size - 8 * i));
    uint32_t reg = cls[i] == Class::Integer ? gp_regs[regs.gp++] : fp_regs[regs.fp++];
    pieces.push_back({reg, 8 * i, size});
  }
  return true;
}

constexpr uint32_t kArgFp[] = {kXmm0, kXmm0 + 1, kXmm0 + 2, kXmm0 + 3, kXmm0 + 4, kXmm0 + 5, kXmm0 + 6, kXmm0 + 7};
constexpr uint32_t kRetGp[] = {kRax, kRdx};
constexpr uint32_t kRetFp[] = {kXmm0, kXmm0 + 1};

}  // namespace

CallLayout LayOutCall(const ir::Module& m, const std::vector<ir::AbiType>& params, const ir::AbiType& ret) {
  CallLayout out;
  RegState regs;
  if (ret.IsAgg()) {
    RegState ret_regs;
    if (!AssignAggRegs(m.aggs[ret.agg], ret_regs, out.ret, 2, 2, kRetGp, kRetFp)) {
      out.ret.clear();
      out.sret = true;
      regs.gp = 1;  // rdi carries the result's address
    }
  } else if (ret.scalar != ir::Type::Void) {
    uint8_t size = uint8_t(ir::TypeSize(ret.scalar));
    out.ret.push_back({ir::IsFloat(ret.scalar) ? uint32_t(kXmm0) : uint32_t(kRax), 0, size});
  }
  uint32_t stack = 0;
  for (const ir::AbiType& p : params) {
    ArgLoc loc;
    if (p.IsAgg()) {
      const ir::AggType& agg = m.aggs[p.agg];
      loc.size = agg.size;
      if (!AssignAggRegs(agg, regs, loc.pieces, 6, 8, kArgGp, kArgFp)) {
        loc.pieces.clear();
        loc.on_stack = true;
        stack = AlignUp(stack, std::max<uint32_t>(8, agg.align));
        loc.stack_offset = stack;
        stack += AlignUp(agg.size, 8);
      }
    } else {
      loc.size = ir::TypeSize(p.scalar);
      bool fp = ir::IsFloat(p.scalar);
      if (fp && regs.fp < 8) loc.pieces.push_back({kArgFp[regs.fp++], 0, uint8_t(loc.size)});
      else if (!fp && regs.gp < 6) loc.pieces.push_back({kArgGp[regs.gp++], 0, uint8_t(loc.size)});
      else {
        loc.on_stack = true;
        loc.stack_offset = stack;
        stack += 8;
      }
    }
    if (p.IsAgg() && m.aggs[p.agg].align > 16) {
      out.supported = false;
      out.problem = "not supported yet: passing the over-aligned aggregate `" + m.aggs[p.agg].name + "` by value";
    }
    out.args.push_back(std::move(loc));
  }
  out.stack_bytes = AlignUp(stack, 16);
  out.fp_regs_used = regs.fp;
  return out;
}

}  // namespace thrustc::ctjit::x64
