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

using Scratch = Liveness::Scratch;

bool GetBit(const uint64_t* w, uint32_t i) { return (w[i / 64] >> (i % 64)) & 1; }
void SetBit(uint64_t* w, uint32_t i) { w[i / 64] |= uint64_t(1) << (i % 64); }

template <typename F>
void ForEachUse(const MInst& in, F&& f) {
  if (in.a != kNoVReg) f(in.a);
  if (in.b != kNoVReg) f(in.b);
  if (in.c != kNoVReg) f(in.c);
}

// Finds the values used in more than one block and numbers them densely (s.home: vreg -> number
// or kNotSeen; s.globals: number -> vreg). Returns how many there are.
uint32_t FindGlobals(const MFunction& f, Scratch& s) {
  std::vector<uint32_t>& home = s.home;
  home.assign(f.vreg_class.size(), kNotSeen);
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
  s.globals.clear();
  for (VReg v = 0; v < home.size(); ++v) {
    if (home[v] != kManyBlocks) {
      home[v] = kNotSeen;
      continue;
    }
    home[v] = uint32_t(s.globals.size());
    s.globals.push_back(v);
  }
  return uint32_t(s.globals.size());
}

// Block-level live-in/live-out of the cross-block values: s.live_in/s.live_out hold `words`
// 64-bit words per block.
void SolveDataflow(const MFunction& f, Scratch& s, size_t words) {
  size_t nb = f.blocks.size();
  const std::vector<uint32_t>& gidx = s.home;
  for (std::vector<uint64_t>* v : {&s.gen, &s.kill, &s.live_in, &s.live_out}) v->assign(nb * words, 0);
  for (size_t b = 0; b < nb; ++b) {
    uint64_t* gen = &s.gen[b * words];
    uint64_t* kill = &s.kill[b * words];
    for (uint32_t i = f.blocks[b].begin; i < f.blocks[b].end; ++i) {
      const MInst& in = f.insts[i];
      ForEachUse(in, [&](VReg v) {
        if (!IsPhys(v) && gidx[v] != kNotSeen && !GetBit(kill, gidx[v])) SetBit(gen, gidx[v]);
      });
      if (in.dst != kNoVReg && !IsPhys(in.dst) && gidx[in.dst] != kNotSeen) SetBit(kill, gidx[in.dst]);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t b = nb; b-- > 0;) {
      for (size_t w = 0; w < words; ++w) {
        uint64_t out = 0;
        for (uint32_t succ : f.blocks[b].Succs()) out |= s.live_in[succ * words + w];
        uint64_t in = s.gen[b * words + w] | (out & ~s.kill[b * words + w]);
        if (out != s.live_out[b * words + w] || in != s.live_in[b * words + w]) changed = true;
        s.live_out[b * words + w] = out;
        s.live_in[b * words + w] = in;
      }
    }
  }
}

// Widens the intervals of cross-block values to the blocks they are live into or out of.
void ExtendAcrossBlocks(const MFunction& f, Scratch& s, size_t words) {
  for (size_t b = 0; b < f.blocks.size(); ++b) {
    const MBlock& blk = f.blocks[b];
    if (blk.begin == blk.end) continue;
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t m = s.live_in[b * words + w]; m; m &= m - 1) {
        VReg v = s.globals[w * 64 + __builtin_ctzll(m)];
        s.start[v] = std::min(s.start[v], 2 * blk.begin);
      }
      for (uint64_t m = s.live_out[b * words + w]; m; m &= m - 1) {
        VReg v = s.globals[w * 64 + __builtin_ctzll(m)];
        s.end[v] = std::max(s.end[v], 2 * blk.end - 1);
      }
    }
  }
}

// Every (register, range) in which a physical register is pinned or clobbered, in MIR order.
void CollectPinned(const MFunction& f, uint32_t phys_count, Scratch& s) {
  s.pinned.clear();
  std::vector<uint32_t>& last_def = s.last_def;
  for (const MBlock& blk : f.blocks) {
    last_def.assign(phys_count, 2 * blk.begin);
    for (uint32_t i = blk.begin; i < blk.end; ++i) {
      const MInst& in = f.insts[i];
      auto use = [&](uint32_t p) { s.pinned.push_back({p, {last_def[p], 2 * i}}); };
      auto clobber = [&](uint32_t p) { s.pinned.push_back({p, {2 * i + 1, 2 * i + 1}}); };
      ForEachUse(in, [&](VReg v) {
        if (IsPhys(v)) use(PhysOf(v));
      });
      for (uint32_t m = in.use_mask; m; m &= m - 1) use(uint32_t(__builtin_ctz(m)));
      for (uint32_t m = in.clobber_mask; m; m &= m - 1) clobber(uint32_t(__builtin_ctz(m)));
      for (uint32_t m = in.def_mask; m; m &= m - 1) last_def[__builtin_ctz(m)] = 2 * i + 1;
      if (in.dst != kNoVReg && IsPhys(in.dst)) {
        last_def[PhysOf(in.dst)] = 2 * i + 1;
        clobber(PhysOf(in.dst));
      }
    }
  }
}

// Groups the pinned ranges by register (a counting sort), then sorts and merges each group, so
// both starts and ends increase (the allocator binary-searches them).
void ComputeFixedRanges(const MFunction& f, uint32_t phys_count, Liveness& out) {
  Scratch& s = out.scratch;
  CollectPinned(f, phys_count, s);
  std::vector<uint32_t>& begin = out.fixed_begin;
  begin.assign(phys_count + 1, 0);
  for (const auto& [p, r] : s.pinned) ++begin[p + 1];
  for (uint32_t p = 0; p < phys_count; ++p) begin[p + 1] += begin[p];
  out.fixed.resize(s.pinned.size());
  std::vector<uint32_t>& next = s.first;  // reused: where the next range of each register goes
  next.assign(begin.begin(), begin.end() - 1);
  for (const auto& [p, r] : s.pinned) out.fixed[next[p]++] = r;
  auto by_start = [](const FixedRange& x, const FixedRange& y) {
    return x.start != y.start ? x.start < y.start : x.end < y.end;
  };
  uint32_t n = 0;
  for (uint32_t p = 0; p < phys_count; ++p) {
    auto first = out.fixed.begin() + begin[p], last = out.fixed.begin() + begin[p + 1];
    if (!std::is_sorted(first, last, by_start)) std::sort(first, last, by_start);
    begin[p] = n;
    for (auto it = first; it != last; ++it) {
      if (n > begin[p] && it->start <= out.fixed[n - 1].end + 1) out.fixed[n - 1].end = std::max(out.fixed[n - 1].end, it->end);
      else out.fixed[n++] = *it;
    }
  }
  begin[phys_count] = n;
  out.fixed.resize(n);
}

// Intervals sorted by start with a counting sort over the positions: linear, where a comparison
// sort was the largest cost of big functions.
void SortIntervals(const MFunction& f, Liveness& out) {
  Scratch& s = out.scratch;
  size_t nv = f.vreg_class.size();
  size_t positions = 2 * f.insts.size() + 2;
  std::vector<uint32_t>& first = s.first;
  first.assign(positions + 1, 0);
  for (VReg v = 0; v < nv; ++v)
    if (s.start[v] != UINT32_MAX) ++first[s.start[v] + 1];
  for (size_t p = 1; p <= positions; ++p) first[p] += first[p - 1];
  out.intervals.resize(first[positions]);
  for (VReg v = 0; v < nv; ++v)
    if (s.start[v] != UINT32_MAX) out.intervals[first[s.start[v]]++] = {v, s.start[v], s.end[v], s.hint[v]};
}

}  // namespace

void ComputeLiveness(const MFunction& f, uint32_t phys_count, uint16_t move_op, Liveness& out) {
  Scratch& s = out.scratch;
  size_t nv = f.vreg_class.size();
  s.start.assign(nv, UINT32_MAX);
  s.end.assign(nv, 0);
  s.hint.assign(nv, kNoVReg);
  for (uint32_t i = 0; i < f.insts.size(); ++i) {
    const MInst& in = f.insts[i];
    ForEachUse(in, [&](VReg v) {
      if (IsPhys(v)) return;
      s.start[v] = std::min(s.start[v], 2 * i);
      s.end[v] = std::max(s.end[v], 2 * i);
    });
    if (in.dst != kNoVReg && !IsPhys(in.dst)) {
      s.start[in.dst] = std::min(s.start[in.dst], 2 * i + 1);
      s.end[in.dst] = std::max(s.end[in.dst], 2 * i + 1);
    }
    if (in.op == move_op && in.dst != kNoVReg && in.a != kNoVReg) {
      if (!IsPhys(in.dst)) s.hint[in.dst] = in.a;
      if (!IsPhys(in.a) && s.hint[in.a] == kNoVReg) s.hint[in.a] = in.dst;
    }
  }
  if (uint32_t count = FindGlobals(f, s)) {
    size_t words = (count + 63) / 64;
    SolveDataflow(f, s, words);
    ExtendAcrossBlocks(f, s, words);
  }
  SortIntervals(f, out);
  ComputeFixedRanges(f, phys_count, out);
}

}  // namespace thrustc::ctjit
