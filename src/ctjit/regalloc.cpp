// Register allocation (target-independent): linear scan over the live intervals from
// liveness.cpp (Poletto & Sarkar). A register is given only if it is free and not pinned by a
// fixed range (call arguments, results, clobbers) anywhere in the interval, so values that live
// across calls end up in callee-saved registers or, when none is left, in stack slots.
#include <algorithm>
#include <array>

#include "ctjit/mir.h"

namespace thrustc::ctjit {

namespace {

// Does any fixed range of a physical register intersect [start, end]? (Ranges are disjoint.)
bool Conflicts(std::span<const FixedRange> ranges, uint32_t start, uint32_t end) {
  auto it = std::lower_bound(ranges.begin(), ranges.end(), start,
                             [](const FixedRange& r, uint32_t s) { return r.end < s; });
  for (; it != ranges.end() && it->start <= end; ++it)
    if (it->end >= start) return true;
  return false;
}

class LinearScan {
 public:
  LinearScan(const MFunction& f, const Liveness& live, const TargetRegs& t, Allocation& out)
      : f_(f), live_(live), target_(t), out_(out) {
    owner_.fill(-1);
  }

  void Run() {
    out_.reg.assign(f_.vreg_class.size(), Allocation::kUnassigned);
    out_.spill_slot.assign(f_.vreg_class.size(), -1);
    for (size_t i = 0; i < live_.intervals.size(); ++i) {
      const Interval& cur = live_.intervals[i];
      Expire(cur.start);
      int32_t r = PickFree(cur);
      if (r < 0) r = Steal(cur);
      if (r < 0) {
        Spill(cur.vreg);
        continue;
      }
      Assign(int32_t(i), r);
    }
  }

 private:
  bool Usable(uint32_t p, const Interval& cur) const {
    return owner_[p] < 0 && !Conflicts(live_.Fixed(p), cur.start, cur.end);
  }

  const std::vector<uint32_t>& ClassRegs(VReg v) const {
    return f_.vreg_class[v] == RegClass::Gp ? target_.allocatable_gp : target_.allocatable_fp;
  }

  int32_t PickFree(const Interval& cur) const {
    const std::vector<uint32_t>& regs = ClassRegs(cur.vreg);
    if (cur.hint != kNoVReg) {
      int32_t h = IsPhys(cur.hint) ? int32_t(PhysOf(cur.hint)) : out_.reg[cur.hint];
      if (h >= 0 && std::find(regs.begin(), regs.end(), uint32_t(h)) != regs.end() && Usable(uint32_t(h), cur))
        return h;
    }
    for (uint32_t p : regs)
      if (Usable(p, cur)) return int32_t(p);
    return -1;
  }

  // Takes the register of the active interval that ends last, when it ends after `cur`.
  int32_t Steal(const Interval& cur) {
    int32_t best = -1;
    for (size_t k = 0; k < active_.size(); ++k) {
      const Interval& x = live_.intervals[size_t(active_[k])];
      if (f_.vreg_class[x.vreg] != f_.vreg_class[cur.vreg] || x.end <= cur.end) continue;
      if (Conflicts(live_.Fixed(uint32_t(out_.reg[x.vreg])), cur.start, cur.end)) continue;
      if (best < 0 || x.end > live_.intervals[size_t(active_[size_t(best)])].end) best = int32_t(k);
    }
    if (best < 0) return -1;
    const Interval& victim = live_.intervals[size_t(active_[size_t(best)])];
    int32_t r = out_.reg[victim.vreg];
    owner_[size_t(r)] = -1;
    out_.reg[victim.vreg] = Allocation::kUnassigned;
    Spill(victim.vreg);
    active_.erase(active_.begin() + best);
    return r;
  }

  void Spill(VReg v) {
    out_.spill_bytes += 8;
    out_.spill_slot[v] = int32_t(out_.spill_bytes);
  }

  void Assign(int32_t interval, int32_t r) {
    const Interval& cur = live_.intervals[size_t(interval)];
    out_.reg[cur.vreg] = r;
    owner_[size_t(r)] = interval;
    active_.push_back(interval);
    if (target_.callee_saved_mask & (1u << r)) out_.used_callee_saved |= 1u << r;
  }

  void Expire(uint32_t pos) {
    size_t keep = 0;
    for (int32_t idx : active_) {
      const Interval& x = live_.intervals[size_t(idx)];
      if (x.end < pos) owner_[size_t(out_.reg[x.vreg])] = -1;
      else active_[keep++] = idx;
    }
    active_.resize(keep);
  }

  const MFunction& f_;
  const Liveness& live_;
  const TargetRegs& target_;
  Allocation& out_;
  std::array<int32_t, 32> owner_;  // physical register -> interval index holding it (masks are 32 bits)
  std::vector<int32_t>& active_ = out_.active;
};

}  // namespace

void AllocateRegisters(const MFunction& f, const Liveness& live, const TargetRegs& target, Allocation& out) {
  out.spill_bytes = 0;
  out.used_callee_saved = 0;
  out.active.clear();
  LinearScan(f, live, target, out).Run();
}

}  // namespace thrustc::ctjit
