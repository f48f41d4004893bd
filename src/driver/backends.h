// The plugins the driver loads on demand: the LLVM backend (libthrustc-aot.so) and the C importer
// (libthrustc-cimport.so), found beside the thrustc executable. A build without them (the
// AArch64 cross build of the compile-time path) reports their absence clearly when asked for.
#pragma once
#include <string>

#include "aot/plugin_api.h"
#include "cimport/plugin_api.h"

namespace thrustc::driver {

// The backend's functions, or nullptr with `error` saying what is missing.
const aot::PluginApi* AotBackend(std::string* error);
const cimport::PluginApi* CImporter(std::string* error);

}  // namespace thrustc::driver
