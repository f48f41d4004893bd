// Declarations imported from C headers (`importC "stdio.h";`, section 11), in frontend terms.
// src/cimport/ fills this with libclang before any checking; the checker declares them like the
// program's own declarations (the program's own declaration of a name wins, with a warning).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "support/source.h"

namespace thrustc::frontend {

// A C type mapped per section 11. Types refer to each other by index into CDecls::types.
struct CType {
  enum class Kind : uint8_t {
    Void, Bool, Char, Int, Float, Pointer, Array, Function, Struct, Opaque
  } kind = Kind::Void;
  uint8_t bits = 0;          // Int: 8/16/32/64; Float: 32/64
  bool is_signed = false;    // Int
  bool is_const = false;     // the pointee of a Pointer is const (`const char*` → const array[char])
  bool is_size = false;      // size_t → usize, ssize_t/ptrdiff_t → ssize
  uint32_t elem = UINT32_MAX;  // Pointer/Array: pointee/element (UINT32_MAX for void*)
  uint64_t length = 0;       // Array
  uint32_t record = UINT32_MAX;  // Struct/Opaque: index into CDecls::records
  std::vector<uint32_t> params;  // Function (for function pointers): parameter types
  uint32_t ret = UINT32_MAX;     // Function: return type (UINT32_MAX = void)
  bool variadic = false;
};

struct CLocation {
  std::string file;
  uint32_t line = 0, col = 0;
  SourceLoc src;  // the same place in the SourceManager, when the header was registered there
  uint32_t header = 0;  // index into CDecls::headers: the importC request that brought it in
};

struct CRecord {
  std::string name;
  bool opaque = false;            // union, bit-field, flexible array, incomplete: pointer-only
  std::string opaque_reason;      // "uses a bit-field", "is a union", ...
  struct Field {
    std::string name;
    uint32_t type;
    uint64_t offset;              // bytes, from clang's record layout
  };
  std::vector<Field> fields;
  uint64_t size = 0, align = 1;   // from clang's record layout (checked against ours)
  bool packed = false;            // __attribute__((packed))
  CLocation loc;
};

struct CFunction {
  std::string name;
  std::vector<uint32_t> params;
  uint32_t ret = UINT32_MAX;      // UINT32_MAX = void
  bool variadic = false;
  std::string skip_reason;        // non-empty: not importable (reported only where used)
  CLocation loc;
};

struct CConstant {                // enum constants and object-like macros
  std::string name;
  enum class Kind : uint8_t { Int, Float, String } kind = Kind::Int;
  uint32_t type = UINT32_MAX;     // Int/Float: the C type of the value
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;
  CLocation loc;
};

struct CTypedef {
  std::string name;
  uint32_t type;
  CLocation loc;
};

struct CSkipped {                 // declarations seen but not importable
  std::string name;
  std::string reason;
  CLocation loc;
};

struct CDecls {
  std::vector<CType> types;
  std::vector<CRecord> records;
  std::vector<CFunction> functions;
  std::vector<CConstant> constants;
  std::vector<CTypedef> typedefs;
  std::vector<CSkipped> skipped;
  // Which header each import request came from, for "`x` from `bar.h`" messages.
  std::vector<std::string> headers;
};

}  // namespace thrustc::frontend
