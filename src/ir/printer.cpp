// The Thrust IR text printer: Module -> the line-oriented text form that ir_parser.cpp reads back
// (`-print thrust-ir`, IR tests). The grammar and its invariants are described in docs/ir.md.
// Output is built by appending to one string, so printing is linear in the size of the module.
#include "ir/printer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace thrustc::ir {

namespace {

// Words for TrapKind in the text form; ir_parser.cpp holds the same table (round trip tests
// fail if the two disagree).
constexpr std::string_view kTrapWords[] = {"div_by_zero", "div_overflow", "bounds", "unreachable",
                                           "float_to_int"};

bool IsBareNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

// A bare name: non-empty, only [A-Za-z0-9_.$], not starting with a digit (so `%3` stays a register).
bool IsBareName(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!IsBareNameChar(c)) return false;
  return true;
}

bool IsLabelName(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
    return false;
  for (char c : s)
    if (!IsBareNameChar(c) || c == '$') return false;
  return true;
}

// "bb" followed by digits is reserved for unnamed blocks.
bool LooksLikeBlockNumber(std::string_view s) {
  if (s.size() < 3 || s.substr(0, 2) != "bb") return false;
  for (char c : s.substr(2))
    if (c < '0' || c > '9') return false;
  return true;
}

class Printer {
 public:
  explicit Printer(const Module& m) : m_(m) { NameAggregates(); }

  std::string Take() { return std::move(out_); }

  void PrintModule() {
    for (AggId i = 0; i < m_.aggs.size(); ++i) PrintAgg(i);
    if (!m_.aggs.empty()) Put('\n');
    for (const Global& g : m_.globals) PrintGlobal(g);
    if (!m_.globals.empty()) Put('\n');
    for (FuncId f = 0; f < m_.functions.size(); ++f) {
      if (f > 0 && !m_.functions[f].IsExternal()) Put('\n');
      PrintFunc(f);
    }
  }

  void PrintFunc(FuncId id) {
    const Function& f = m_.functions[id];
    if (f.IsExternal()) Put("extern ");
    Put("fn ");
    PutSymbol(f.name);
    PrintParams(f);
    Put(" -> ");
    PutAbi(f.sig.ret);
    if (f.linkage == Linkage::Public) Put(" public");
    if (f.compiletime) Put(" compiletime");
    if (f.IsExternal()) {
      Put('\n');
      return;
    }
    Put(" {\n");
    for (SlotId s = 0; s < f.slots.size(); ++s) PrintSlot(s, f.slots[s]);
    NameBlocks(f);
    for (BlockId b = 0; b < f.blocks.size(); ++b) {
      Put(labels_[b]);
      Put(":\n");
      for (const Inst& inst : f.blocks[b].insts) PrintInst(f, inst);
    }
    Put("}\n");
  }

 private:
  void Put(std::string_view s) { out_.append(s); }
  void Put(char c) { out_.push_back(c); }
  void PutInt(int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void PutReg(Reg r) {
    Put('%');
    PutInt(r);
  }
  void PutType(Type t) { Put(TypeName(t)); }

  // A name after a sigil: bare when possible, else a quoted string with \HH escapes.
  void PutName(std::string_view name) {
    if (IsBareName(name)) {
      Put(name);
      return;
    }
    PutQuoted(name);
  }
  void PutSymbol(std::string_view name) {
    Put('@');
    PutName(name);
  }

  void PutQuoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    Put('"');
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        Put('\\');
        Put(char(c));
      } else if (c >= 0x20 && c < 0x7f) {
        Put(char(c));
      } else {
        Put('\\');
        Put(kHex[c >> 4]);
        Put(kHex[c & 15]);
      }
    }
    Put('"');
  }

  // Aggregate references must be unique; duplicate or empty names get a suffix (`.N`, N = id),
  // which parses back as the name itself, so the text stays stable.
  void NameAggregates() {
    std::unordered_map<std::string_view, uint32_t> count;
    for (const AggType& a : m_.aggs) ++count[a.name];
    agg_names_.reserve(m_.aggs.size());
    for (AggId i = 0; i < m_.aggs.size(); ++i) {
      const std::string& name = m_.aggs[i].name;
      if (!name.empty() && count[name] == 1)
        agg_names_.push_back(name);
      else
        agg_names_.push_back(name + (name.empty() ? "agg." : ".") + std::to_string(i));
    }
  }

  void PutAggRef(AggId a) {
    Put('%');
    if (a < agg_names_.size())
      PutName(agg_names_[a]);
    else
      Put("<bad-agg>");  // only for invalid modules; the verifier reports it
  }

  void PutAbi(const AbiType& t) {
    if (t.IsAgg()) {
      Put("agg ");
      PutAggRef(t.agg);
    } else {
      PutType(t.scalar);
    }
  }

  void PutFuncRef(FuncId f) {
    if (f < m_.functions.size())
      PutSymbol(m_.functions[f].name);
    else
      Put("@<bad-function>");
  }
  void PutGlobalRef(GlobalId g) {
    if (g < m_.globals.size())
      PutSymbol(m_.globals[g].name);
    else
      Put("@<bad-global>");
  }
  void PutBlockRef(BlockId b) {
    if (b < labels_.size())
      Put(labels_[b]);
    else
      Put("<bad-block>");
  }

  void PrintAgg(AggId id) {
    const AggType& a = m_.aggs[id];
    Put("type ");
    PutAggRef(id);
    Put(" = {");
    for (size_t i = 0; i < a.leaves.size(); ++i) {
      Put(i ? ", " : " ");
      PutType(a.leaves[i].type);
      Put(" @");
      PutInt(a.leaves[i].offset);
    }
    Put(" } size ");
    PutInt(a.size);
    Put(" align ");
    PutInt(a.align);
    Put('\n');
  }

  void PrintGlobal(const Global& g) {
    if (g.linkage == Linkage::External) Put("extern ");
    Put("global ");
    PutSymbol(g.name);
    Put(" size ");
    PutInt(g.size);
    Put(" align ");
    PutInt(g.align);
    if (g.is_mutable) Put(" mut");
    if (g.linkage == Linkage::Public) Put(" public");
    if (g.linkage != Linkage::External) {
      Put(" = ");
      PrintBytes(g.bytes);
      PrintRelocs(g.relocs);
    }
    Put('\n');
  }

  // Text when the bytes are mostly printable (strings), hex otherwise (tables, floats).
  void PrintBytes(const std::vector<uint8_t>& bytes) {
    if (bytes.empty()) {
      Put("zero");
      return;
    }
    size_t odd = 0;  // bytes that need an escape, not counting newlines, tabs and a final NUL
    for (size_t i = 0; i < bytes.size(); ++i) {
      uint8_t c = bytes[i];
      bool plain = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || (c == 0 && i + 1 == bytes.size());
      if (!plain) ++odd;
    }
    Put("bytes ");
    if (odd * 4 <= bytes.size()) {
      PutQuoted(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    Put("x\"");
    for (uint8_t c : bytes) {
      Put(kHex[c >> 4]);
      Put(kHex[c & 15]);
    }
    Put('"');
  }

  void PutAddend(int64_t addend) {
    if (addend == 0) return;
    uint64_t magnitude = addend < 0 ? 0 - uint64_t(addend) : uint64_t(addend);
    Put(addend < 0 ? " - " : " + ");
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, magnitude);
    out_.append(buf, r.ptr);
  }

  void PrintRelocs(const std::vector<Reloc>& relocs) {
    if (relocs.empty()) return;
    Put(" relocs {");
    for (size_t i = 0; i < relocs.size(); ++i) {
      const Reloc& r = relocs[i];
      Put(i ? ", " : " ");
      PutInt(r.offset);
      Put(": ");
      if (r.to_function) {
        Put("fn ");
        PutFuncRef(r.target);
      } else {
        PutGlobalRef(r.target);
      }
      PutAddend(r.addend);
    }
    Put(" }");
  }

  void PrintParams(const Function& f) {
    Put('(');
    for (size_t i = 0; i < f.sig.params.size(); ++i) {
      if (i) Put(", ");
      if (!f.IsExternal() && i < f.params.size()) {
        PutReg(f.params[i]);
        Put(": ");
      }
      PutAbi(f.sig.params[i]);
    }
    if (f.sig.variadic) Put(f.sig.params.empty() ? "..." : ", ...");
    Put(')');
  }

  void PrintSlot(SlotId id, const Slot& s) {
    Put("  slot $");
    PutInt(id);
    Put(" size ");
    PutInt(s.size);
    Put(" align ");
    PutInt(s.align);
    if (!s.name.empty()) {
      Put(' ');
      PutQuoted(s.name);
    }
    Put('\n');
  }

  // A block's label is its name when that is a usable, unique label, else `bbN`; duplicated
  // names get `.N` (N = block index) unless that is taken too.
  void NameBlocks(const Function& f) {
    labels_.clear();
    labels_.reserve(f.blocks.size());
    std::unordered_set<std::string_view> names;
    for (const Block& b : f.blocks)
      if (IsLabelName(b.name) && !LooksLikeBlockNumber(b.name)) names.insert(b.name);
    std::unordered_set<std::string> used;
    for (BlockId i = 0; i < f.blocks.size(); ++i) {
      const std::string& name = f.blocks[i].name;
      std::string label = "bb" + std::to_string(i);
      if (names.count(name)) {
        if (!used.count(name)) {
          label = name;
        } else {
          std::string suffixed = name + "." + std::to_string(i);
          if (!names.count(suffixed) && !used.count(suffixed)) label = suffixed;
        }
      }
      used.insert(label);
      labels_.push_back(std::move(label));
    }
  }

  void PrintInst(const Function& f, const Inst& inst);
  void PrintCall(const Function& f, const Inst& inst);
  void PrintAtomic(const Inst& inst);
  void PutFloat(double v);
  void PutDst(const Function& f, Reg r) {
    PutReg(r);
    Put(':');
    PutType(r < f.reg_types.size() ? f.reg_types[r] : Type::Void);
    Put(" = ");
  }

  const Module& m_;
  std::string out_;
  std::vector<std::string> agg_names_;
  std::vector<std::string> labels_;
};

// Shortest decimal that reads back to the same double; NaN keeps its exact bit pattern.
void Printer::PutFloat(double v) {
  if (std::isnan(v)) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, bits, 16);
    Put("nan 0x");
    out_.append(buf, r.ptr);
    return;
  }
  if (std::isinf(v)) {
    Put(v < 0 ? "-inf" : "inf");
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void Printer::PrintCall(const Function& f, const Inst& inst) {
  const CallInfo* info = inst.imm >= 0 && uint64_t(inst.imm) < f.calls.size() ? &f.calls[inst.imm] : nullptr;
  if (inst.op == Op::Call) {
    PutFuncRef(inst.a);
  } else {
    PutReg(inst.a);
  }
  if (!info) {
    Put("(<bad-call>)");
    return;
  }
  Put('(');
  for (size_t i = 0; i < info->args.size(); ++i) {
    if (i) Put(", ");
    if (info->variadic && i == info->fixed_count) Put("... ");
    PutReg(info->args[i]);
    Put(": ");
    PutAbi(i < info->arg_types.size() ? info->arg_types[i] : AbiType{});
  }
  if (info->variadic && info->fixed_count >= info->args.size()) Put(info->args.empty() ? "..." : ", ...");
  Put(')');
  if (info->ret.IsAgg()) {
    Put(" -> ");
    PutAbi(info->ret);
    Put(" into ");
    PutReg(info->ret_dest);
  }
}

// atomic_load seq_cst %p | atomic_store i32 seq_cst %v, %p | atomic_rmw add seq_cst %p, %v |
// cmpxchg acq_rel acquire %p, %expected, %new | fence seq_cst
void Printer::PrintAtomic(const Inst& inst) {
  AtomicInfo info = AtomicInfoOf(inst);
  Put(' ');
  if (inst.op == Op::AtomicStore) {
    PutType(inst.type);
    Put(' ');
  }
  if (inst.op == Op::AtomicRmw) {
    Put(RmwOpName(info.rmw));
    Put(' ');
  }
  Put(AtomicOrderName(info.order));
  if (inst.op == Op::CmpXchg) {
    Put(' ');
    Put(AtomicOrderName(info.failure));
  }
  if (inst.op == Op::Fence) return;
  Put(' ');
  PutReg(inst.a);
  if (inst.op == Op::AtomicLoad) return;
  Put(", ");
  PutReg(inst.b);
  if (inst.op != Op::CmpXchg) return;
  Put(", ");
  PutReg(inst.c);
}

void Printer::PrintInst(const Function& f, const Inst& inst) {
  Put("  ");
  if (inst.dst != kNoReg) PutDst(f, inst.dst);
  Put(OpName(inst.op));
  switch (inst.op) {
    case Op::IConst: Put(' '); PutInt(inst.imm); break;
    case Op::FConst: Put(' '); PutFloat(inst.FImm()); break;
    case Op::GlobalAddr: Put(' '); PutGlobalRef(inst.a); break;
    case Op::FuncAddr: Put(' '); PutFuncRef(inst.a); break;
    case Op::SlotAddr: Put(" $"); PutInt(inst.a); break;
    case Op::ICmp:
    case Op::FCmp:
      Put(' ');
      Put(PredName(inst.pred));
      Put(' ');
      PutType(inst.type);
      Put(' ');
      PutReg(inst.a);
      Put(", ");
      PutReg(inst.b);
      break;
    case Op::Store: Put(' '); PutType(inst.type); Put(' '); PutReg(inst.a); Put(", "); PutReg(inst.b); break;
    case Op::PtrAdd:
      Put(' '); PutReg(inst.a); Put(", "); PutReg(inst.b); Put(" * "); PutInt(inst.imm);
      break;
    case Op::PtrOffset:
    case Op::Zero:
    case Op::BoundsCheck: Put(' '); PutReg(inst.a); Put(", "); PutInt(inst.imm); break;
    case Op::Copy: Put(' '); PutReg(inst.a); Put(", "); PutReg(inst.b); Put(", "); PutInt(inst.imm); break;
    case Op::AtomicLoad:
    case Op::AtomicStore:
    case Op::AtomicRmw:
    case Op::CmpXchg:
    case Op::Fence: PrintAtomic(inst); break;
    case Op::Call:
    case Op::CallIndirect: Put(' '); PrintCall(f, inst); break;
    case Op::Br: Put(' '); PutBlockRef(inst.a); break;
    case Op::CondBr:
      Put(' '); PutReg(inst.a); Put(", "); PutBlockRef(inst.b); Put(", "); PutBlockRef(inst.c);
      break;
    case Op::Ret:
      if (inst.a != kNoReg) { Put(' '); PutReg(inst.a); }
      break;
    case Op::Trap:
      Put(' ');
      if (inst.imm >= 0 && size_t(inst.imm) < std::size(kTrapWords))
        Put(kTrapWords[inst.imm]);
      else
        Put("<bad-trap-kind>");
      break;
    default:
      // The remaining families take register operands only: binary ops two, unary ops,
      // conversions and loads one.
      switch (OpFamilyOf(inst.op)) {
        case OpFamily::IntBinary:
        case OpFamily::FloatBinary: Put(' '); PutReg(inst.a); Put(", "); PutReg(inst.b); break;
        default: Put(' '); PutReg(inst.a); break;
      }
  }
  Put('\n');
}

}  // namespace

std::string Print(const Module& module) {
  Printer p(module);
  p.PrintModule();
  return p.Take();
}

std::string PrintFunction(const Module& module, FuncId f) {
  Printer p(module);
  if (f < module.functions.size()) p.PrintFunc(f);
  return p.Take();
}

}  // namespace thrustc::ir
