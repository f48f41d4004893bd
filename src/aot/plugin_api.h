// The AOT backend as a plugin (libthrustc-aot.so): the driver loads it only when a compilation
// writes LLVM output, so the compile-time path never pays for relocating libLLVM at start-up.
#pragma once
#include "aot/aot.h"

namespace thrustc::aot {

struct PluginApi {
  bool (*emit_artifact)(const ir::Module&, const AotOptions&, Artifact, const std::string&, std::string*,
                        AotTimes*);
  bool (*print_artifact)(const ir::Module&, const AotOptions&, Artifact, std::string*, std::string*, AotTimes*);
  bool (*link)(const LinkOptions&, std::string*);
};

// The one symbol the plugin exports.
constexpr const char* kPluginEntry = "thrustc_aot_plugin";
using PluginEntry = const PluginApi* (*)();

}  // namespace thrustc::aot
