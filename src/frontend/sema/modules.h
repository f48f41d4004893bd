// What the driver tells the checker about the module graph (13): which file each import item
// loaded. The checker builds namespaces, `only` names, visibility and link names from it and
// reports self-imports and cycles; the driver has already reported files it could not load.
#pragma once
#include <cstdint>
#include <vector>

#include "frontend/syntax/ast.h"

namespace thrustc::frontend {

constexpr uint32_t kNoModule = UINT32_MAX;

struct ModuleInput {
  struct Import {
    uint32_t file;    // the importing file (an index into the checker's files)
    NodeId item;      // its ImportItem
    uint32_t target;  // the imported file, or kNoModule when it could not be loaded
  };
  std::vector<Import> imports;
  uint32_t roots = 0;  // files[0, roots) were given on the command line
};

}  // namespace thrustc::frontend
