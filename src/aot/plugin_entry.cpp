// The exported entry point of libthrustc-aot.so: a table of the backend's functions.
#include "aot/plugin_api.h"

namespace {
const thrustc::aot::PluginApi kApi = {
    [](const thrustc::ir::Module& m, const thrustc::aot::AotOptions& o, thrustc::aot::Artifact k,
       const std::string& path, std::string* error, thrustc::aot::AotTimes* times) {
      return thrustc::aot::EmitArtifact(m, o, k, path, error, times);
    },
    [](const thrustc::ir::Module& m, const thrustc::aot::AotOptions& o, thrustc::aot::Artifact k, std::string* out,
       std::string* error, thrustc::aot::AotTimes* times) {
      return thrustc::aot::PrintArtifact(m, o, k, out, error, times);
    },
    [](const thrustc::aot::LinkOptions& o, std::string* error) { return thrustc::aot::Link(o, error); },
};
}  // namespace

extern "C" __attribute__((visibility("default"))) const thrustc::aot::PluginApi* thrustc_aot_plugin() {
  return &kApi;
}
