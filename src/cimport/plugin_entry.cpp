// The exported entry point of libthrustc-cimport.so: a table of the importer's functions.
#include "cimport/plugin_api.h"

namespace {
const thrustc::cimport::PluginApi kApi = {
    [](const std::vector<thrustc::cimport::ImportRequest>& requests, const thrustc::cimport::ImportOptions& options,
       thrustc::frontend::CDecls& out, thrustc::DiagnosticEngine& diags) {
      return thrustc::cimport::ImportHeaders(requests, options, out, diags);
    },
};
}  // namespace

extern "C" __attribute__((visibility("default"))) const thrustc::cimport::PluginApi* thrustc_cimport_plugin() {
  return &kApi;
}
