// importC cache: the mapped CDecls of one set of import requests, stored on disk under
// $XDG_CACHE_HOME/thrustc/ (else ~/.cache/thrustc/) so that a later compilation importing the same
// headers with the same flags skips libclang. An entry is trusted only after every file the
// translation unit included is re-checked (stat, then contents when the stat differs).
#pragma once
#include <clang-c/Index.h>

#include <string>
#include <vector>

#include "cimport/cimport.h"

namespace thrustc::cimport {

// Everything that decides what a parse produces, except the included files (which are only known
// after the parse and are validated separately): the requests, clang's arguments, the libclang
// version, thrustc itself (the mapping code) and the environment clang reads.
// `search_dirs` are the -iquote and -I folders (relative ones put the working directory in the key).
std::string CacheKeyText(const std::vector<ImportRequest>& requests, const std::vector<std::string>& clang_args,
                         const std::vector<std::string>& search_dirs);

// The cache directory, or "" when caching is off (THRUSTC_NO_CACHE=1, options.use_cache false,
// or no usable XDG_CACHE_HOME/HOME).
std::string CacheDirectory(const ImportOptions& options);

// Fills `out` from a valid entry for `key`, registering the headers its locations point into with
// options.sources. False (and `out` untouched) when there is no entry, it is stale or corrupt.
bool LoadCachedImport(const std::string& dir, const std::string& key, const std::vector<ImportRequest>& requests,
                      const ImportOptions& options, frontend::CDecls& out, CacheStats& stats);

// Writes `decls` for `key` atomically (temp file + rename), with the stat and content hash of every
// file `tu` included. Skipped when a file changed while it was being parsed. False on failure.
bool SaveCachedImport(const std::string& dir, const std::string& key, CXTranslationUnit tu,
                      const std::vector<std::string>& search_dirs, const std::vector<ImportRequest>& requests,
                      const ImportOptions& options, const frontend::CDecls& decls);

}  // namespace thrustc::cimport
