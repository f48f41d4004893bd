// Plugins: parts of thrustc that pull in big libraries (the LLVM backend, libclang) are shared
// objects loaded only when a compilation needs them, so the compile-time path starts without
// relocating LLVM. This file finds and opens them (dlopen/dlsym; LoadLibrary on Windows).
#pragma once
#include <string>

namespace thrustc::platform {

// The folder holding the running executable ("" when the OS does not say).
std::string ExecutableDir();

class Plugin {
 public:
  Plugin() = default;
  ~Plugin();  // plugins stay loaded for the life of the process; this only drops the handle
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // Opens `path`; false with `error` naming the file and the loader's reason.
  bool Open(const std::string& path, std::string* error);
  // The address of an exported symbol, or nullptr.
  void* Find(const char* name) const;

 private:
  void* handle_ = nullptr;
};

}  // namespace thrustc::platform
