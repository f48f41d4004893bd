// Liveness (target-independent): live intervals of the MIR's virtual registers for the linear
// scan allocator, and the ranges in which physical registers are pinned (call arguments and
// results, division and shift operands) or clobbered (calls). Values that cross blocks are
// followed backwards from their uses, one at a time, over just the blocks they are live in.
#include <algorithm>

#include "ctjit/mir.h"

namespace thrustc::ctjit {

namespace {

constexpr uint32_t kNotSeen = UINT32_MAX;
constexpr uint32_t kManyBlocks = UINT32_MAX - 1;

using Scratch = Liveness::Scratch;

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

// Every block's upward-exposed uses (gen) and definitions (kill) of the cross-block values, as
// (value, block) pairs grouped by value: s.gen_begin[g] .. s.gen_begin[g + 1] indexes s.gen_blocks,
// and the same for kill.
void CollectGenKill(const MFunction& f, Scratch& s, uint32_t count) {
  const std::vector<uint32_t>& gidx = s.home;
  s.pairs_gen.clear();
  s.pairs_kill.clear();
  s.killed_in.assign(count, kNotSeen);
  s.used_in.assign(count, kNotSeen);
  for (uint32_t b = 0; b < f.blocks.size(); ++b) {
    for (uint32_t i = f.blocks[b].begin; i < f.blocks[b].end; ++i) {
      const MInst& in = f.insts[i];
      ForEachUse(in, [&](VReg v) {
        if (IsPhys(v) || gidx[v] == kNotSeen) return;
        uint32_t g = gidx[v];
        if (s.killed_in[g] == b || s.used_in[g] == b) return;
        s.used_in[g] = b;
        s.pairs_gen.push_back({g, b});
      });
      if (in.dst == kNoVReg || IsPhys(in.dst) || gidx[in.dst] == kNotSeen) continue;
      uint32_t g = gidx[in.dst];
      if (s.killed_in[g] == b) continue;
      s.killed_in[g] = b;
      s.pairs_kill.push_back({g, b});
    }
  }
  auto group = [count](const std::vector<std::pair<uint32_t, uint32_t>>& pairs, std::vector<uint32_t>& begin,
                       std::vector<uint32_t>& blocks) {
    begin.assign(count + 1, 0);
    for (const auto& [g, b] : pairs) ++begin[g + 1];
    for (uint32_t g = 0; g < count; ++g) begin[g + 1] += begin[g];
    blocks.resize(pairs.size());
    std::vector<uint32_t> next(begin.begin(), begin.end() - 1);
    for (const auto& [g, b] : pairs) blocks[next[g]++] = b;
  };
  group(s.pairs_gen, s.gen_begin, s.gen_blocks);
  group(s.pairs_kill, s.kill_begin, s.kill_blocks);
}

// Every block's predecessors: s.preds[s.pred_begin[b] .. s.pred_begin[b + 1]).
void CollectPreds(const MFunction& f, Scratch& s) {
  size_t nb = f.blocks.size();
  s.pred_begin.assign(nb + 1, 0);
  for (const MBlock& blk : f.blocks)
    for (uint32_t succ : blk.Succs()) ++s.pred_begin[succ + 1];
  for (size_t b = 0; b < nb; ++b) s.pred_begin[b + 1] += s.pred_begin[b];
  s.preds.resize(s.pred_begin[nb]);
  std::vector<uint32_t> next(s.pred_begin.begin(), s.pred_begin.end() - 1);
  for (uint32_t b = 0; b < nb; ++b)
    for (uint32_t succ : f.blocks[b].Succs()) s.preds[next[succ]++] = b;
}

// Widens the interval of each cross-block value to the blocks it is live into or out of. One
// value at a time, walking backwards from the blocks that use it before any definition until a
// block that defines it: the work is the size of the value's live region, so a function of
// 400,000 blocks and 200,000 such values costs what it holds, not their product (a dense
// blocks x values dataflow needed 24 GB for it).
void ExtendAcrossBlocks(const MFunction& f, Scratch& s, uint32_t count) {
  size_t nb = f.blocks.size();
  s.kill_mark.assign(nb, kNotSeen);
  s.in_mark.assign(nb, kNotSeen);
  std::vector<uint32_t>& work = s.work;
  for (uint32_t g = 0; g < count; ++g) {
    VReg v = s.globals[g];
    for (uint32_t k = s.kill_begin[g]; k < s.kill_begin[g + 1]; ++k) s.kill_mark[s.kill_blocks[k]] = g;
    auto live_in = [&](uint32_t b) {
      if (s.in_mark[b] == g) return;
      s.in_mark[b] = g;
      if (f.blocks[b].begin != f.blocks[b].end) s.start[v] = std::min(s.start[v], 2 * f.blocks[b].begin);
      work.push_back(b);
    };
    work.clear();
    for (uint32_t k = s.gen_begin[g]; k < s.gen_begin[g + 1]; ++k) live_in(s.gen_blocks[k]);
    while (!work.empty()) {
      uint32_t b = work.back();
      work.pop_back();
      for (uint32_t k = s.pred_begin[b]; k < s.pred_begin[b + 1]; ++k) {
        uint32_t p = s.preds[k];
        const MBlock& blk = f.blocks[p];
        if (blk.begin != blk.end) s.end[v] = std::max(s.end[v], 2 * blk.end - 1);
        if (s.kill_mark[p] != g) live_in(p);
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
    CollectGenKill(f, s, count);
    CollectPreds(f, s);
    ExtendAcrossBlocks(f, s, count);
  }
  SortIntervals(f, out);
  ComputeFixedRanges(f, phys_count, out);
}

}  // namespace thrustc::ctjit
