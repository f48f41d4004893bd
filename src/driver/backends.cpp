// Loading the plugins on first use; each is opened at most once per process.
#include "driver/backends.h"

#include "platform/plugin.h"

namespace thrustc::driver {

namespace {
// Opens lib<name>.so beside the executable and calls its entry; caches the result (or failure).
template <typename Api, typename Entry>
const Api* LoadOnce(const char* file, const char* entry_name, const char* what, std::string* error) {
  static platform::Plugin plugin;
  static const Api* api = nullptr;
  static std::string failure;
  static bool tried = false;
  if (!tried) {
    tried = true;
    std::string path = platform::ExecutableDir() + "/" + file;
    std::string why;
    if (!plugin.Open(path, &why)) {
      failure = std::string(what) + " is not available in this build (" + why + ")";
    } else if (auto entry = reinterpret_cast<Entry>(plugin.Find(entry_name))) {
      api = entry();
    } else {
      failure = std::string("'") + path + "' does not export " + entry_name;
    }
  }
  if (!api) *error = failure;
  return api;
}
}  // namespace

const aot::PluginApi* AotBackend(std::string* error) {
  return LoadOnce<aot::PluginApi, aot::PluginEntry>("libthrustc-aot.so", aot::kPluginEntry,
                                                    "the LLVM backend", error);
}

const cimport::PluginApi* CImporter(std::string* error) {
  return LoadOnce<cimport::PluginApi, cimport::PluginEntry>("libthrustc-cimport.so", cimport::kPluginEntry,
                                                            "importC (libclang)", error);
}

}  // namespace thrustc::driver
