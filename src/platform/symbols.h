// Dynamic symbols: finds C functions and data by name in the C library, the math library and any
// library given with -jit-link, in that order (dlopen/dlsym; LoadLibrary/GetProcAddress on
// Windows). The only place in thrustc that looks symbols up.
#pragma once
#include <string>
#include <vector>

namespace thrustc::platform {

class Symbols {
 public:
  Symbols();
  ~Symbols();
  Symbols(const Symbols&) = delete;
  Symbols& operator=(const Symbols&) = delete;

  // Replaces the C library searched (default: the one thrustc itself runs with).
  bool SetLibc(const std::string& path, std::string* error);
  // Adds a library searched after the C and math libraries.
  bool AddLibrary(const std::string& path, std::string* error);

  // Returns the address of `name`, or nullptr when no library has it.
  void* Find(const std::string& name);
  // The libraries searched, in order, for "not found" diagnostics.
  std::vector<std::string> SearchedLibraries() const;

 private:
  struct Lib {
    std::string name;
    void* handle;
  };
  std::vector<Lib> libs_;
};

}  // namespace thrustc::platform
