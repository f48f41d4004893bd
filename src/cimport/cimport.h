// importC: parses C headers with libclang and maps their declarations per section 11 of the
// language page into frontend::CDecls. The only folder that includes libclang.
#pragma once
#include <string>
#include <vector>

#include "frontend/sema/c_decls.h"
#include "support/diagnostics.h"

namespace thrustc::cimport {

struct ImportRequest {
  std::string header;  // as written in `importC "header.h";`
  SourceRange where;   // the importC item, for diagnostics
};

// What one ImportHeaders call did with the cache (for tests and THRUSTC_CIMPORT_TIMES).
struct CacheStats {
  bool hit = false;          // the declarations came from the cache; libclang did not run
  bool written = false;      // a fresh entry was stored after parsing
  std::string miss_reason;   // why the cache was not used: "off", "no entry", "header changed", ...
  uint32_t files_checked = 0;
  double parse_ms = 0, map_ms = 0, cache_ms = 0;  // cache_ms: loading or saving the entry
};

struct ImportOptions {
  std::vector<std::string> include_dirs;  // -I DIR
  std::vector<std::string> defines;       // -D NAME[=VALUE]
  // When set, headers holding imported declarations (or errors) are registered here so that
  // diagnostics and notes can point into them (CLocation::src).
  SourceManager* sources = nullptr;
  // The persistent cache of imported declarations (docs/cimport.md); also off with
  // THRUSTC_NO_CACHE=1 in the environment.
  bool use_cache = true;
  CacheStats* stats = nullptr;  // filled when set
};

// Imports every requested header into `out`. Errors in a header become diagnostics with the
// header's file and line; a header that cannot be found is an error at the importC item.
// Returns false when errors were reported.
bool ImportHeaders(const std::vector<ImportRequest>& requests, const ImportOptions& options,
                   frontend::CDecls& out, DiagnosticEngine& diags);

}  // namespace thrustc::cimport
