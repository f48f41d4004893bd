// Liveness (target-independent): live intervals of the MIR's virtual registers for the linear
// scan allocator, and the ranges in which physical registers are pinned (call arguments and
// results, division and shift operands) or clobbered (calls). Values that cross blocks get
// block-level dataflow over bitsets of just those values, so the cost stays linear in practice.
#include <algorithm>

#include "ctjit/mir.h"

namespace thrustc::ctjit {

namespace {

constexpr uint32_t kNotSeen = UINT32_MAX;
constexpr uint32_t kManyBlocks = UINT32_MAX - 1;

struct Bits {
  std::vector<uint64_t> w;
  void Resize(size_t n) { w.assign((n + 63) / 64, 0); }
  void Set(uint32_t i) { w[i / 64] |= uint64_t(1) << (i % 64); }
  bool Get(uint32_t i) const { return (w[i / 64] >> (i % 64)) & 1; }
};

template <typename F>
void ForEachUse(const MInst& in, F&& f) {
  if (in.a != kNoVReg) f(in.a);
  if (in.b != kNoVReg) f(in.b);
  if (in.c != kNoVReg) f(in.c);
}

// Finds the values used in more than one block and numbers them densely.
std::vector<uint32_t> FindGlobals(const MFunction& f, uint32_t& count) {
  std::vector<uint32_t> home(f.vreg_class.size(), kNotSeen);
  for (uint32_t b = 0; b < f.blocks.size(); ++b) {
    for (uint32_t i = f.blocks[b].begin; i < f.blocks[b].end; ++i) {
      auto note = [&](VReg v) {
        if (IsPhys(v)) return;
        if (home[v] == kNotSeen) home[v] = b;
        else if (home[v] != b) home[v] = kManyBlocks;
      };
      ForEachUse(f.insts[i], note);
      if (f.insts[i].dst != kNoVReg) note(f.insts[i].dst);
    }
  }
  count = 0;
  for (uint32_t& h : home) h = h == kManyBlocks ? count++ : kNotSeen;
  return home;
}

// Block-level live-in/live-out of the cross-block values.
void SolveDataflow(const MFunction& f, const std::vector<uint32_t>& gidx, uint32_t count, std::vector<Bits>& live_in,
                   std::vector<Bits>& live_out) {
  size_t nb = f.blocks.size();
  std::vector<Bits> gen(nb), kill(nb);
  live_in.assign(nb, {});
  live_out.assign(nb, {});
  for (size_t b = 0; b < nb; ++b) {
    gen[b].Resize(count), kill[b].Resize(count), live_in[b].Resize(count), live_out[b].Resize(count);
    for (uint32_t i = f.blocks[b].begin; i < f.blocks[b].end; ++i) {
      const MInst& in = f.insts[i];
      ForEachUse(in, [&](VReg v) {
        if (!IsPhys(v) && gidx[v] != kNotSeen && !kill[b].Get(gidx[v])) gen[b].Set(gidx[v]);
      });
      if (in.dst != kNoVReg && !IsPhys(in.dst) && gidx[in.dst] != kNotSeen) kill[b].Set(gidx[in.dst]);
    }
  }
  size_t words = (count + 63) / 64;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t b = nb; b-- > 0;) {
      for (size_t w = 0; w < words; ++w) {
        uint64_t out = 0;
        for (uint32_t s : f.blocks[b].succs) out |= live_in[s].w[w];
        uint64_t in = gen[b].w[w] | (out & ~kill[b].w[w]);
        if (out != live_out[b].w[w] || in != live_in[b].w[w]) changed = true;
        live_out[b].w[w] = out;
        live_in[b].w[w] = in;
      }
    }
  }
}

void ComputeFixedRanges(const MFunction& f, uint32_t phys_count, Liveness& out) {
  out.fixed.assign(phys_count, {});
  std::vector<uint32_t> last_def(phys_count, 0);
  for (const MBlock& blk : f.blocks) {
    for (uint32_t p = 0; p < phys_count; ++p) last_def[p] = 2 * blk.begin;
    for (uint32_t i = blk.begin; i < blk.end; ++i) {
      const MInst& in = f.insts[i];
      auto use = [&](uint32_t p) { out.fixed[p].push_back({last_def[p], 2 * i}); };
      ForEachUse(in, [&](VReg v) {
        if (IsPhys(v)) use(PhysOf(v));
      });
      for (uint32_t m = in.use_mask; m; m &= m - 1) use(uint32_t(__builtin_ctz(m)));
      for (uint32_t m = in.clobber_mask; m; m &= m - 1) out.fixed[__builtin_ctz(m)].push_back({2 * i + 1, 2 * i + 1});
      for (uint32_t m = in.def_mask; m; m &= m - 1) last_def[__builtin_ctz(m)] = 2 * i + 1;
      if (in.dst != kNoVReg && IsPhys(in.dst)) {
        last_def[PhysOf(in.dst)] = 2 * i + 1;
        out.fixed[PhysOf(in.dst)].push_back({2 * i + 1, 2 * i + 1});
      }
    }
  }
  // Sorted and merged, so both starts and ends increase (the allocator binary-searches them).
  for (auto& ranges : out.fixed) {
    std::sort(ranges.begin(), ranges.end());
    size_t n = 0;
    for (const auto& r : ranges) {
      if (n && r.first <= ranges[n - 1].second + 1) ranges[n - 1].second = std::max(ranges[n - 1].second, r.second);
      else ranges[n++] = r;
    }
    ranges.resize(n);
  }
}

}  // namespace

void ComputeLiveness(const MFunction& f, uint32_t phys_count, uint16_t move_op, Liveness& out) {
  size_t nv = f.vreg_class.size();
  std::vector<uint32_t> start(nv, UINT32_MAX), end(nv, 0);
  std::vector<VReg> hint(nv, kNoVReg);
  for (uint32_t i = 0; i < f.insts.size(); ++i) {
    const MInst& in = f.insts[i];
    ForEachUse(in, [&](VReg v) {
      if (IsPhys(v)) return;
      start[v] = std::min(start[v], 2 * i);
      end[v] = std::max(end[v], 2 * i);
    });
    if (in.dst != kNoVReg && !IsPhys(in.dst)) {
      start[in.dst] = std::min(start[in.dst], 2 * i + 1);
      end[in.dst] = std::max(end[in.dst], 2 * i + 1);
    }
    if (in.op == move_op && in.dst != kNoVReg && in.a != kNoVReg) {
      if (!IsPhys(in.dst)) hint[in.dst] = in.a;
      if (!IsPhys(in.a) && hint[in.a] == kNoVReg) hint[in.a] = in.dst;
    }
  }
  uint32_t count = 0;
  std::vector<uint32_t> gidx = FindGlobals(f, count);
  if (count) {
    std::vector<Bits> live_in, live_out;
    SolveDataflow(f, gidx, count, live_in, live_out);
    std::vector<VReg> globals(count);
    for (VReg v = 0; v < nv; ++v)
      if (gidx[v] != kNotSeen) globals[gidx[v]] = v;
    for (size_t b = 0; b < f.blocks.size(); ++b) {
      const MBlock& blk = f.blocks[b];
      if (blk.begin == blk.end) continue;
      for (size_t w = 0; w < live_in[b].w.size(); ++w) {
        for (uint64_t m = live_in[b].w[w]; m; m &= m - 1) {
          VReg v = globals[w * 64 + __builtin_ctzll(m)];
          start[v] = std::min(start[v], 2 * blk.begin);
        }
        for (uint64_t m = live_out[b].w[w]; m; m &= m - 1) {
          VReg v = globals[w * 64 + __builtin_ctzll(m)];
          end[v] = std::max(end[v], 2 * blk.end - 1);
        }
      }
    }
  }
  // Sorted by start with a counting sort over the positions: linear, where a comparison sort
  // was the largest cost of big functions.
  size_t positions = 2 * f.insts.size() + 2;
  std::vector<uint32_t> first(positions + 1, 0);
  for (VReg v = 0; v < nv; ++v)
    if (start[v] != UINT32_MAX) ++first[start[v] + 1];
  for (size_t p = 1; p <= positions; ++p) first[p] += first[p - 1];
  out.intervals.resize(first[positions]);
  for (VReg v = 0; v < nv; ++v)
    if (start[v] != UINT32_MAX) out.intervals[first[start[v]]++] = {v, start[v], end[v], hint[v]};
  ComputeFixedRanges(f, phys_count, out);
}

}  // namespace thrustc::ctjit
