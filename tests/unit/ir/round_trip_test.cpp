// Round trip of the IR text form: a Builder-made module that uses every op in ops.def, and every
// tests/ir/*.tir file, must parse, verify and print back to exactly the same text.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ir/ir_parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace thrustc::ir {

Global MakeGlobal(std::string name, uint32_t size, uint32_t align, std::vector<uint8_t> bytes) {
  Global g;
  g.name = std::move(name);
  g.size = size;
  g.align = align;
  g.bytes = std::move(bytes);
  return g;
}

Function MakeFunction(std::string name, Signature sig, Linkage linkage) {
  Function f;
  f.name = std::move(name);
  f.sig = std::move(sig);
  f.linkage = linkage;
  return f;
}

CallInfo MakeCall(std::vector<Reg> args, std::vector<AbiType> types, AbiType ret, bool variadic,
                  uint32_t fixed_count, Reg ret_dest) {
  CallInfo c;
  c.args = std::move(args);
  c.arg_types = std::move(types);
  c.ret = ret;
  c.variadic = variadic;
  c.fixed_count = fixed_count;
  c.ret_dest = ret_dest;
  return c;
}

// Shared with the other IR unit tests: a valid module that uses every op at least once.
Module BuildEveryOpModule() {
  Module m;
  m.aggs.push_back({"Point", 16, 8, {{Type::F64, 0}, {Type::F64, 8}}});
  m.globals.push_back(MakeGlobal("counter", 8, 8, {}));
  m.globals.back().is_mutable = true;
  m.globals.back().linkage = Linkage::Public;
  m.globals.push_back(MakeGlobal("msg", 6, 1, {'h', 'e', 'l', 'l', 'o', 0}));
  m.functions.push_back(MakeFunction("printf", {{{Type::Ptr}}, {Type::I32}, true}, Linkage::External));
  m.functions.push_back(MakeFunction("make", {{{Type::F64}, {Type::F64}}, {Type::Void, 0}, false}, Linkage::Internal));
  m.functions.push_back(MakeFunction("main", {{}, {Type::I32}, false}, Linkage::Public));
  m.globals.push_back(MakeGlobal("table", 16, 8, std::vector<uint8_t>(16, 0)));
  m.globals.back().relocs = {{0, false, 1, 2}, {8, true, 2, 0}};

  {  // make(x, y) -> Point: fills a slot and returns its address
    Builder b(m, 1);
    Reg x = b.NewReg(Type::F64), y = b.NewReg(Type::F64);
    b.Fn().params = {x, y};
    SlotId s = b.NewSlot(16, 8, "result");
    b.SetBlock(b.NewBlock());
    Reg p = b.SlotAddr(s);
    b.Store(Type::F64, x, p);
    b.Store(Type::F64, y, b.PtrOffset(p, 8));
    b.Ret(p);
  }
  Builder b(m, 2);
  SlotId slot = b.NewSlot(16, 8, "pt");
  BlockId entry = b.NewBlock(), then_block = b.NewBlock("then"), else_block = b.NewBlock(), done = b.NewBlock("done");
  b.SetBlock(entry);
  Reg i1 = b.IConst(Type::I32, 7), i2 = b.IConst(Type::I32, -3);
  for (Op op : {Op::Add, Op::Sub, Op::Mul, Op::SDiv, Op::UDiv, Op::SRem, Op::URem, Op::And, Op::Or, Op::Xor,
                Op::Shl, Op::LShr, Op::AShr})
    b.Binary(op, Type::I32, i1, i2);
  Reg f1 = b.FConst(Type::F64, 1.5), f2 = b.FConst(Type::F64, 0.1);
  for (Op op : {Op::FAdd, Op::FSub, Op::FMul, Op::FDiv, Op::FRem}) b.Binary(op, Type::F64, f1, f2);
  b.Unary(Op::Neg, Type::I32, i1);
  b.Unary(Op::Not, Type::I32, i1);
  b.Unary(Op::FNeg, Type::F64, f1);
  Reg cond = b.Cmp(Op::ICmp, Pred::Slt, Type::I32, i1, i2);
  b.Cmp(Op::FCmp, Pred::Olt, Type::F64, f1, f2);
  Reg wide = b.Convert(Op::SExt, Type::I64, i1);
  b.Convert(Op::ZExt, Type::I64, i1);
  b.Convert(Op::Trunc, Type::I8, i1);
  b.Convert(Op::SIToFP, Type::F64, i1);
  b.Convert(Op::UIToFP, Type::F32, i1);
  b.Convert(Op::FPToSI, Type::I32, f1);
  b.Convert(Op::FPToUI, Type::I64, f1);
  b.Convert(Op::FPExt, Type::F64, b.FConst(Type::F32, 0.25));
  b.Convert(Op::FPTrunc, Type::F32, f1);
  Reg p = b.SlotAddr(slot);
  Reg addr = b.Convert(Op::PtrToInt, Type::I64, p);
  Reg q = b.Convert(Op::IntToPtr, Type::Ptr, addr);
  b.GlobalAddr(0);
  Reg msg = b.GlobalAddr(1);
  b.Store(Type::I32, i1, p);
  b.Load(Type::I32, p);
  b.PtrAdd(p, wide, 4);
  b.PtrOffset(p, -8);
  b.Zero(p, 16);
  b.Copy(q, p, 16);
  b.BoundsCheck(wide, 10);
  b.Call(1, MakeCall({f1, f2}, {{Type::F64}, {Type::F64}}, {Type::Void, 0}, false, 2, p));
  Reg printed = b.Call(0, MakeCall({msg, i1}, {{Type::Ptr}, {Type::I32}}, {Type::I32}, true, 1, kNoReg));
  Reg fp = b.FuncAddr(0);
  b.CallIndirect(fp, MakeCall({msg}, {{Type::Ptr}}, {Type::I32}, true, 1, kNoReg));
  Reg old = b.AtomicLoad(Type::I32, AtomicOrder::Acquire, p);
  b.AtomicStore(Type::I32, AtomicOrder::Release, old, p);
  Reg prev = b.AtomicRmw(RmwOp::UMax, Type::I32, AtomicOrder::AcqRel, p, i2);
  b.CmpXchg(Type::I32, AtomicOrder::SeqCst, AtomicOrder::Acquire, p, prev, i1);
  b.Fence(AtomicOrder::SeqCst);
  b.CondBr(cond, then_block, else_block);
  b.SetBlock(then_block);
  b.Br(done);
  b.SetBlock(else_block);
  b.Trap(TrapKind::Unreachable);
  b.SetBlock(done);
  b.Ret(printed);
  return m;
}

namespace {

std::string Reprint(const std::string& text, std::string* error = nullptr) {
  Module m;
  ParseError e;
  if (!ParseModule(text, m, e)) {
    if (error) *error = std::to_string(e.line) + ":" + std::to_string(e.col) + ": " + e.message;
    return {};
  }
  return Print(m);
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("the every-op module covers every op in ops.def") {
  Module m = BuildEveryOpModule();
  std::set<Op> used;
  for (const Function& f : m.functions)
    for (const Block& b : f.blocks)
      for (const Inst& i : b.insts) used.insert(i.op);
#define THRUSTC_IR_OP(name, text, family) CHECK_MESSAGE(used.count(Op::name) == 1, "op not covered: " text);
#include "ir/ops.def"
#undef THRUSTC_IR_OP
  CHECK(used.size() == kOpCount);
}

TEST_CASE("the every-op module verifies and round-trips exactly") {
  Module m = BuildEveryOpModule();
  CHECK(Join(Verify(m)) == "");
  std::string text = Print(m);
  std::string error;
  std::string again = Reprint(text, &error);
  CHECK(error == "");
  CHECK(again == text);
  // Every op's mnemonic appears in the text.
#define THRUSTC_IR_OP(name, mnemonic, family) CHECK_MESSAGE(text.find(" " mnemonic) != std::string::npos, mnemonic);
#include "ir/ops.def"
#undef THRUSTC_IR_OP
  Module parsed;
  ParseError e;
  REQUIRE(ParseModule(text, parsed, e));
  CHECK(Join(Verify(parsed)) == "");
  // The parsed module keeps the structure, not just the text.
  REQUIRE(parsed.functions.size() == m.functions.size());
  CHECK(parsed.functions[2].calls.size() == 3);
  CHECK(parsed.functions[2].calls[1].variadic);
  CHECK(parsed.functions[2].calls[1].fixed_count == 1);
  CHECK(parsed.functions[2].blocks[1].name == "then");
  CHECK(parsed.functions[2].blocks[2].name == "");
  CHECK(parsed.globals[2].relocs.size() == 2);
  CHECK(parsed.globals[2].relocs[0].addend == 2);
}

TEST_CASE("float constants round-trip bit for bit") {
  for (double v : {0.1, -0.0, 1e300, 5e-324, 3.0, -2.5e-10, 1.0 / 3.0, __builtin_inf(), -__builtin_inf(),
                   __builtin_nan(""), -__builtin_nan("0x123")}) {
    Module m;
    m.functions.push_back(MakeFunction("f", {{}, {Type::F64}, false}, Linkage::Internal));
    Builder b(m, 0);
    b.SetBlock(b.NewBlock());
    b.Ret(b.FConst(Type::F64, v));
    Module parsed;
    ParseError e;
    REQUIRE(ParseModule(Print(m), parsed, e));
    double got = parsed.functions[0].blocks[0].insts[0].FImm();
    CHECK(std::memcmp(&got, &v, sizeof v) == 0);
  }
}

TEST_CASE("every tests/ir/*.tir file parses, verifies and round-trips") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(THRUSTC_IR_TEST_DIR)) {
    if (entry.path().extension() != ".tir") continue;
    ++count;
    CAPTURE(entry.path().string());
    std::ifstream in(entry.path());
    std::stringstream buffer;
    buffer << in.rdbuf();
    Module m;
    ParseError e;
    bool ok = ParseModule(buffer.str(), m, e);
    CHECK_MESSAGE(ok, e.line, ":", e.col, ": ", e.message);
    if (!ok) continue;
    CHECK(Join(Verify(m)) == "");
    std::string once = Print(m);
    CHECK(Reprint(once) == once);
  }
  CHECK(count >= 6);
}

}  // namespace thrustc::ir
