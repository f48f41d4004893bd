// Plugins: dlopen/dlsym (LoadLibrary/GetProcAddress on Windows) and the executable's folder.
#include "platform/plugin.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#endif

namespace thrustc::platform {

std::string ExecutableDir() {
#ifdef _WIN32
  char buf[MAX_PATH];
  DWORD n = GetModuleFileNameA(nullptr, buf, sizeof buf);
  std::string path(buf, n);
#elif defined(__linux__)
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, size_t(n));
#else
  std::string path;  // TODO(macOS): _NSGetExecutablePath; plugins are then looked up on the search path
#endif
  size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

Plugin::~Plugin() = default;

bool Plugin::Open(const std::string& path, std::string* error) {
#ifdef _WIN32
  handle_ = LoadLibraryA(path.c_str());
  if (!handle_) *error = "cannot load '" + path + "' (error " + std::to_string(GetLastError()) + ")";
#else
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = dlerror();
    *error = why ? why : "cannot load '" + path + "'";
  }
#endif
  return handle_ != nullptr;
}

void* Plugin::Find(const char* name) const {
  if (!handle_) return nullptr;
#ifdef _WIN32
  return reinterpret_cast<void*>(GetProcAddress(static_cast<HMODULE>(handle_), name));
#else
  return dlsym(handle_, name);
#endif
}

}  // namespace thrustc::platform
