// Executable memory for the compile-time JIT: the only place in thrustc that maps, protects and
// flushes code pages (mmap/mprotect on Linux, MAP_JIT + pthread_jit_write_protect_np on macOS,
// VirtualAlloc/VirtualProtect/FlushInstructionCache on Windows).
//
// Default policy is W^X: a region is mapped read-write, code is copied in, then the region is
// switched to read-execute (and the instruction cache flushed over exactly the bytes written)
// before the first call; no page is ever writable and executable at once. The Rwx policy maps one
// read-write-execute region, as the classic mmap tutorial does, for teaching and measuring.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace thrustc::platform {

enum class ExecPolicy : uint8_t { WriteXorExecute, Rwx };

// One step of the mechanics, reported to a trace callback (-ctjit-trace).
struct ExecEvent {
  enum class Kind : uint8_t { Map, Protect, FlushICache, Unmap } kind;
  uintptr_t address = 0;
  size_t size = 0;
  std::string protection;  // "rw-", "r-x", "rwx"
  double seconds = 0;      // how long the system call took
};

class ExecMemory {
 public:
  explicit ExecMemory(ExecPolicy policy = ExecPolicy::WriteXorExecute);
  ~ExecMemory();  // unmaps everything
  ExecMemory(const ExecMemory&) = delete;
  ExecMemory& operator=(const ExecMemory&) = delete;

  void SetTrace(std::function<void(const ExecEvent&)> trace) { trace_ = std::move(trace); }
  ExecPolicy Policy() const { return policy_; }

  // Reserves `size` bytes of writable memory for code about to be written, at an address where
  // the code can reach earlier code with 32-bit relative jumps when possible (the region is carved
  // from one large reservation). Returns nullptr with `error` set when the OS refuses.
  uint8_t* AllocateWritable(size_t size, std::string* error);
  // Makes [address, address+size) executable (W^X: read-execute, after flushing the instruction
  // cache over exactly those bytes). Under Rwx only the flush happens. False with `error` on refusal.
  bool MakeExecutable(uint8_t* address, size_t size, std::string* error);

  // Every region currently mapped and its protection, for tests and -ctjit-stats.
  struct Region {
    uintptr_t address;
    size_t size;
    std::string protection;
  };
  std::vector<Region> Regions() const;
  size_t BytesMapped() const;

 private:
  ExecPolicy policy_;
  std::function<void(const ExecEvent&)> trace_;
  struct Impl;
  Impl* impl_;
};

// Flushes the instruction cache over [address, address+size): required on AArch64 after writing
// code, a no-op on x86-64 (whose caches are coherent).
void FlushInstructionCache(void* address, size_t size);

}  // namespace thrustc::platform
