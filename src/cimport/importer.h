// importC internals: one Importer walks one libclang translation unit (every requested header
// included in order) and fills frontend::CDecls. Shared by cimport.cpp (parsing, diagnostics,
// files), map_decls.cpp (declarations and types) and macros.cpp (constant macros).
#pragma once
#include <clang-c/Index.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cimport/cimport.h"

namespace thrustc::cimport {

// RAII for CXString.
inline std::string TakeString(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

class Importer {
 public:
  Importer(CXTranslationUnit tu, const std::vector<ImportRequest>& requests, const ImportOptions& options,
           frontend::CDecls& out, DiagnosticEngine& diags)
      : tu_(tu), requests_(requests), options_(options), out_(out), diags_(diags) {}

  bool ReportClangDiagnostics();   // cimport.cpp
  void AttributeFiles();           // cimport.cpp: which request brought each file in
  void ImportDeclarations();       // map_decls.cpp
  void ImportMacros();             // macros.cpp
  void ReportMacroClash(const std::string& name, const frontend::CLocation& first,
                        const frontend::CLocation& second);

  frontend::CLocation LocationOf(CXCursor c);  // cimport.cpp
  SourceLoc Register(CXFile file, uint32_t offset);

  // map_decls.cpp: UINT32_MAX with `why` set when the type cannot be imported.
  uint32_t MapType(CXType t, std::string& why);
  uint32_t InternType(const frontend::CType& t);
  uint32_t MapRecord(CXType t);
  void FillRecord(uint32_t index, CXCursor decl, CXType t);
  void ImportFunction(CXCursor c);
  void ImportTypedef(CXCursor c);
  void ImportEnum(CXCursor c);
  void ImportVisit(CXCursor c);

  CXTranslationUnit tu_;
  const std::vector<ImportRequest>& requests_;
  const ImportOptions& options_;
  frontend::CDecls& out_;
  DiagnosticEngine& diags_;
  std::unordered_map<std::string, uint32_t> type_keys_;
  std::unordered_map<std::string, uint32_t> records_by_usr_;
  std::unordered_map<CXFile, FileId> file_ids_;
  std::unordered_map<CXFile, std::string> file_names_;
  std::unordered_map<CXFile, uint32_t> file_headers_;  // file -> request index
  std::unordered_set<std::string> ordinary_names_;     // functions, typedefs, constants seen
  std::unordered_map<std::string, uint32_t> typedef_types_;  // for casts in macros
};

constexpr const char* kMainFile = "/thrustc-importc/imports.c";

}  // namespace thrustc::cimport
