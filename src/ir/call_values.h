// Raw values that executors (the interpreter, the ctjit, tir_run) hand to IR functions: a float
// as the bit pattern a register holds, and C-style argc/argv for an entry like `main`. Shared so
// every executor passes the same bits; no OS involved.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace thrustc::ir {

// `v` as the raw bits of type `t` (F32: the float's 32 bits, zero-extended; otherwise F64).
uint64_t FloatBits(Type t, double v);

// The arguments of an entry function: () or (argc: i32, argv: ptr). argv points into `storage`,
// real writable NUL-terminated strings (C code may modify them, as strtok does), ending in null.
struct EntryArgs {
  std::vector<std::vector<char>> storage;
  std::vector<char*> argv;
  std::vector<uint64_t> values;  // the raw arguments: empty, or {argc, argv}
};

// Fills `out` for `sig`; an error message when the signature is neither () nor (i32, ptr).
std::optional<std::string> BuildEntryArgs(const Signature& sig, const std::vector<std::string>& args, EntryArgs& out);

}  // namespace thrustc::ir
