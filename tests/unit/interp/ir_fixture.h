// Test helpers for the interpreter's unit tests: build small IR functions with ir::Builder and
// run them through one Interpreter.
#pragma once
#include <doctest/doctest.h>

#include <bit>
#include <string>
#include <vector>

#include "interp/interpreter.h"
#include "ir/ir.h"

namespace thrustc::interp::test {

using ir::Builder;
using ir::Op;
using ir::Reg;
using ir::Type;

inline ir::AbiType Abi(Type t) {
  ir::AbiType a;
  a.scalar = t;
  return a;
}
inline ir::AbiType AggAbi(ir::AggId id) {
  ir::AbiType a;
  a.agg = id;
  return a;
}

// Adds a function with scalar parameters; returns a builder positioned in its entry block.
inline Builder AddFunction(ir::Module& m, const std::string& name, std::vector<ir::AbiType> params, ir::AbiType ret) {
  ir::Function f;
  f.name = name;
  f.sig.params = params;
  f.sig.ret = ret;
  m.functions.push_back(std::move(f));
  Builder b(m, ir::FuncId(m.functions.size() - 1));
  for (const ir::AbiType& p : params) b.Fn().params.push_back(b.NewReg(p.IsAgg() ? Type::Ptr : p.scalar));
  b.SetBlock(b.NewBlock("entry"));
  return b;
}

inline ir::FuncId AddExternal(ir::Module& m, const std::string& name, std::vector<ir::AbiType> params,
                              ir::AbiType ret, bool variadic = false) {
  ir::Function f;
  f.name = name;
  f.sig.params = params;
  f.sig.ret = ret;
  f.sig.variadic = variadic;
  f.linkage = ir::Linkage::External;
  m.functions.push_back(std::move(f));
  return ir::FuncId(m.functions.size() - 1);
}

inline Reg Param(Builder& b, size_t i) { return b.Fn().params[i]; }

// A call site passing `args` with the callee's parameter types (plus `extra` variadic types).
inline ir::CallInfo CallOf(const ir::Module& m, ir::FuncId callee, std::vector<Reg> args,
                           std::vector<ir::AbiType> extra = {}) {
  const ir::Signature& sig = m.functions[callee].sig;
  ir::CallInfo c;
  c.args = std::move(args);
  c.arg_types = sig.params;
  c.arg_types.insert(c.arg_types.end(), extra.begin(), extra.end());
  c.ret = sig.ret;
  c.variadic = sig.variadic;
  c.fixed_count = uint32_t(sig.params.size());
  return c;
}

inline uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }
inline uint64_t Bits(float f) { return std::bit_cast<uint32_t>(f); }
inline double AsF64(uint64_t v) { return std::bit_cast<double>(v); }
inline float AsF32(uint64_t v) { return std::bit_cast<float>(uint32_t(v)); }

}  // namespace thrustc::interp::test
