// Dynamic symbols: looks C functions and data up by name in the C library, the math library and
// the libraries added with -jit-link, in that order. The only file of thrustc that calls
// dlopen/dlsym (LoadLibraryA/GetProcAddress on Windows).
#include "platform/symbols.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace thrustc::platform {

namespace {

#ifdef _WIN32
constexpr const char* kDefaultLibc = "ucrtbase.dll";
constexpr const char* kDefaultLibm = nullptr;  // the math functions live in the C runtime

void* OpenLibrary(const std::string& path, std::string* error) {
  HMODULE h = LoadLibraryA(path.c_str());
  if (!h && error) *error = "cannot load '" + path + "' (error " + std::to_string(GetLastError()) + ")";
  return reinterpret_cast<void*>(h);
}
void* LookUp(void* handle, const std::string& name) {
  return reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(handle), name.c_str()));
}
void CloseLibrary(void* handle) { FreeLibrary(reinterpret_cast<HMODULE>(handle)); }
#else
#ifdef __APPLE__
constexpr const char* kDefaultLibc = "libSystem.dylib";
constexpr const char* kDefaultLibm = nullptr;  // libSystem holds libm too
#else
constexpr const char* kDefaultLibc = "libc.so.6";
constexpr const char* kDefaultLibm = "libm.so.6";
#endif

void* OpenLibrary(const std::string& path, std::string* error) {
  // RTLD_GLOBAL is not wanted: each library is searched explicitly, in order.
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h && error) {
    const char* why = dlerror();
    *error = why ? why : "cannot load '" + path + "'";
  }
  return h;
}
void* LookUp(void* handle, const std::string& name) { return dlsym(handle, name.c_str()); }
void CloseLibrary(void* handle) { dlclose(handle); }
#endif

}  // namespace

Symbols::Symbols() {
  // The C library thrustc itself runs with is already loaded, so this cannot fail in practice;
  // a failure leaves the entry out and Find reports every symbol as missing.
  if (void* h = OpenLibrary(kDefaultLibc, nullptr)) libs_.push_back({kDefaultLibc, h});
  if (kDefaultLibm) {
    if (void* h = OpenLibrary(kDefaultLibm, nullptr)) libs_.push_back({kDefaultLibm, h});
  }
}

Symbols::~Symbols() {
  for (Lib& lib : libs_) CloseLibrary(lib.handle);
}

bool Symbols::SetLibc(const std::string& path, std::string* error) {
  void* h = OpenLibrary(path, error);
  if (!h) return false;
  // The constructor put the C library first; a second SetLibc replaces the first one's choice.
  if (!libs_.empty()) {
    CloseLibrary(libs_.front().handle);
    libs_.front() = {path, h};
  } else {
    libs_.push_back({path, h});
  }
  return true;
}

bool Symbols::AddLibrary(const std::string& path, std::string* error) {
  void* h = OpenLibrary(path, error);
  if (!h) return false;
  libs_.push_back({path, h});
  return true;
}

void* Symbols::Find(const std::string& name) {
  for (const Lib& lib : libs_) {
    if (void* p = LookUp(lib.handle, name)) return p;
  }
  return nullptr;
}

std::vector<std::string> Symbols::SearchedLibraries() const {
  std::vector<std::string> names;
  for (const Lib& lib : libs_) names.push_back(lib.name);
  return names;
}

}  // namespace thrustc::platform
