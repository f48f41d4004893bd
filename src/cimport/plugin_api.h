// The C importer as a plugin (libthrustc-cimport.so): loaded only by compilations that contain an
// `importC`, so other compilations never pay for relocating libclang and libLLVM at start-up.
#pragma once
#include "cimport/cimport.h"

namespace thrustc::cimport {

struct PluginApi {
  bool (*import_headers)(const std::vector<ImportRequest>&, const ImportOptions&, frontend::CDecls&,
                         DiagnosticEngine&);
};

// The one symbol the plugin exports.
constexpr const char* kPluginEntry = "thrustc_cimport_plugin";
using PluginEntry = const PluginApi* (*)();

}  // namespace thrustc::cimport
