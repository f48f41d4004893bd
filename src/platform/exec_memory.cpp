// Executable memory for the compile-time JIT (see exec_memory.h): one large reservation per
// ExecMemory, carved into page-aligned chunks, one per batch of code, so all JIT code stays within
// rel32 reach. The OS layer at the top is the only code in thrustc that maps, protects and
// flushes code pages; the policy logic below it is the same on every OS.
#include "platform/exec_memory.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__APPLE__)
#include <libkern/OSCacheControl.h>
#include <pthread.h>
#endif

namespace thrustc::platform {

namespace {

// 1 GiB of address space (not memory: untouched pages cost nothing) keeps every chunk of one
// reservation within ±2 GiB of every other, so generated code can call earlier code with rel32.
constexpr size_t kReserveSize = size_t{1} << 30;
// Reservations smaller than this are not worth retrying when the address space is limited.
constexpr size_t kMinReserveSize = size_t{16} << 20;
// Under Rwx, code of successive batches shares pages; keep each batch 16-byte aligned.
constexpr size_t kRwxAlign = 16;

enum class Prot : uint8_t { None, ReadWrite, ReadExecute, ReadWriteExecute };

const char* ProtName(Prot p) {
  switch (p) {
    case Prot::None: return "---";
    case Prot::ReadWrite: return "rw-";
    case Prot::ReadExecute: return "r-x";
    case Prot::ReadWriteExecute: return "rwx";
  }
  return "???";
}

size_t RoundUp(size_t n, size_t align) { return (n + align - 1) / align * align; }

// ---------------------------------------------------------------------------------------------
// OS layer: map, protect, unmap, each returning false/nullptr with a message naming the call.

#if defined(_WIN32)

size_t PageSize() {
  SYSTEM_INFO info;
  GetSystemInfo(&info);
  return info.dwPageSize;
}

std::string LastError(const char* call) {
  return std::string(call) + " failed with error " + std::to_string(GetLastError());
}

DWORD ToWindows(Prot p) {
  switch (p) {
    case Prot::None: return PAGE_NOACCESS;
    case Prot::ReadWrite: return PAGE_READWRITE;
    case Prot::ReadExecute: return PAGE_EXECUTE_READ;
    case Prot::ReadWriteExecute: return PAGE_EXECUTE_READWRITE;
  }
  return PAGE_NOACCESS;
}

// A None mapping only reserves address space; anything else is committed at once.
void* OsMap(size_t size, Prot prot, std::string* error) {
  DWORD type = prot == Prot::None ? MEM_RESERVE : (MEM_RESERVE | MEM_COMMIT);
  void* p = VirtualAlloc(nullptr, size, type, ToWindows(prot));
  if (!p) *error = LastError("VirtualAlloc");
  return p;
}

// Making reserved pages read-write commits them; later changes are plain VirtualProtect.
bool OsProtect(void* address, size_t size, Prot prot, std::string* error) {
  if (prot == Prot::ReadWrite) {
    if (VirtualAlloc(address, size, MEM_COMMIT, PAGE_READWRITE)) return true;
    *error = LastError("VirtualAlloc(MEM_COMMIT)");
    return false;
  }
  DWORD old = 0;
  if (VirtualProtect(address, size, ToWindows(prot), &old)) return true;
  *error = LastError("VirtualProtect");
  return false;
}

void OsUnmap(void* address, size_t) { VirtualFree(address, 0, MEM_RELEASE); }

#else  // POSIX

size_t PageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

std::string LastError(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

int ToPosix(Prot p) {
  switch (p) {
    case Prot::None: return PROT_NONE;
    case Prot::ReadWrite: return PROT_READ | PROT_WRITE;
    case Prot::ReadExecute: return PROT_READ | PROT_EXEC;
    case Prot::ReadWriteExecute: return PROT_READ | PROT_WRITE | PROT_EXEC;
  }
  return PROT_NONE;
}

#if defined(__APPLE__)

// macOS (hardened runtime, and always on Apple silicon) forbids flipping ordinary pages to
// executable. W^X there is per thread instead of per page: the reservation is MAP_JIT and RWX,
// and pthread_jit_write_protect_np switches this thread's view of all MAP_JIT pages between
// writable and executable, so no page is both at once for the thread that writes the code.
void* OsMap(size_t size, Prot prot, std::string* error) {
  int flags = MAP_PRIVATE | MAP_ANON;
  int posix_prot = ToPosix(prot);
  if (prot == Prot::None) {
    flags |= MAP_JIT;
    posix_prot = PROT_READ | PROT_WRITE | PROT_EXEC;
  }
  void* p = mmap(nullptr, size, posix_prot, flags, -1, 0);
  if (p == MAP_FAILED) {
    *error = LastError(prot == Prot::None ? "mmap(MAP_JIT)" : "mmap");
    return nullptr;
  }
  if (prot == Prot::None) pthread_jit_write_protect_np(1);
  return p;
}

bool OsProtect(void*, size_t, Prot prot, std::string*) {
  pthread_jit_write_protect_np(prot == Prot::ReadWrite ? 0 : 1);
  return true;
}

#else  // Linux and other POSIX systems

void* OsMap(size_t size, Prot prot, std::string* error) {
  int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_NORESERVE
  // A reservation is address space, not a swap commitment: pages count once they are touched.
  flags |= MAP_NORESERVE;
#endif
  void* p = mmap(nullptr, size, ToPosix(prot), flags, -1, 0);
  if (p != MAP_FAILED) return p;
  *error = LastError("mmap");
  return nullptr;
}

bool OsProtect(void* address, size_t size, Prot prot, std::string* error) {
  if (mprotect(address, size, ToPosix(prot)) == 0) return true;
  *error = LastError("mprotect");
  return false;
}

#endif  // __APPLE__

void OsUnmap(void* address, size_t size) { munmap(address, size); }

#endif  // _WIN32

std::string Hex(uintptr_t address) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(address));
  return buf;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void FlushInstructionCache(void* address, size_t size) {
#if defined(_WIN32)
  ::FlushInstructionCache(GetCurrentProcess(), address, size);
#elif defined(__APPLE__)
  sys_icache_invalidate(address, size);
#elif defined(__x86_64__) || defined(__i386__)
  // x86 keeps instruction and data caches coherent; a serialising jump before the first call
  // (which the call itself is) is all the hardware needs.
  (void)address;
  (void)size;
#else
  char* begin = static_cast<char*>(address);
  __builtin___clear_cache(begin, begin + size);
#endif
}

// ---------------------------------------------------------------------------------------------
// Policy logic.

struct ExecMemory::Impl {
  struct Reservation {
    uintptr_t base;
    size_t size;
    size_t used;  // bytes handed out from the start
  };
  // One batch of code under W^X: its own pages, writable until MakeExecutable, then never again.
  struct Chunk {
    uintptr_t address;
    size_t size;  // whole pages
    Prot prot;
  };

  ExecPolicy policy;
  size_t page_size = PageSize();
  std::vector<Reservation> reservations;
  std::vector<Chunk> chunks;
  const std::function<void(const ExecEvent&)>* trace;

  void Report(ExecEvent::Kind kind, uintptr_t address, size_t size, const char* protection,
              double seconds) const {
    if (!*trace) return;
    ExecEvent event{};
    event.kind = kind;
    event.address = address;
    event.size = size;
    event.protection = protection;
    event.seconds = seconds;
    (*trace)(event);
  }

  Reservation* Reserve(size_t at_least, std::string* error);
  Reservation* FindRoom(size_t size, size_t align);
  Chunk* FindChunk(uintptr_t address);
  const Reservation* FindReservation(uintptr_t address) const;
};

// Maps a new reservation: PROT_NONE address space under W^X, one RWX mapping under Rwx. When the
// address space is limited (ulimit -v), smaller reservations are tried; code in different
// reservations may then be out of rel32 reach, which the JIT must check (it has the addresses).
ExecMemory::Impl::Reservation* ExecMemory::Impl::Reserve(size_t at_least, std::string* error) {
  const Prot prot = policy == ExecPolicy::Rwx ? Prot::ReadWriteExecute : Prot::None;
  size_t size = std::max(kReserveSize, RoundUp(at_least, page_size));
  for (;;) {
    std::string os_error;
    auto start = std::chrono::steady_clock::now();
    void* p = OsMap(size, prot, &os_error);
    double seconds = SecondsSince(start);
    if (p) {
      auto base = reinterpret_cast<uintptr_t>(p);
      Report(ExecEvent::Kind::Map, base, size, ProtName(prot), seconds);
      reservations.push_back({base, size, 0});
      return &reservations.back();
    }
    size_t smaller = RoundUp(size / 4, page_size);
    if (prot == Prot::None && smaller >= std::max(kMinReserveSize, at_least)) {
      size = smaller;
      continue;
    }
    if (policy == ExecPolicy::Rwx) {
      *error = "the operating system refused a read-write-execute mapping of " +
               std::to_string(size) + " bytes (-ctjit-memory rwx): " + os_error +
               "; the default W^X policy does not need one";
    } else {
      *error = "cannot reserve " + std::to_string(size) +
               " bytes of address space for compile-time code: " + os_error;
    }
    return nullptr;
  }
}

ExecMemory::Impl::Reservation* ExecMemory::Impl::FindRoom(size_t size, size_t align) {
  if (reservations.empty()) return nullptr;
  // Only the newest reservation is filled: older ones are full or were too small.
  Reservation& r = reservations.back();
  size_t offset = RoundUp(r.used, align);
  if (offset > r.size || r.size - offset < size) return nullptr;
  r.used = offset;
  return &r;
}

ExecMemory::Impl::Chunk* ExecMemory::Impl::FindChunk(uintptr_t address) {
  // Newest first: MakeExecutable almost always follows the matching AllocateWritable.
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) {
    if (address >= it->address && address - it->address < it->size) return &*it;
  }
  return nullptr;
}

const ExecMemory::Impl::Reservation* ExecMemory::Impl::FindReservation(uintptr_t address) const {
  for (const Reservation& r : reservations) {
    if (address >= r.base && address - r.base < r.used) return &r;
  }
  return nullptr;
}

ExecMemory::ExecMemory(ExecPolicy policy) : policy_(policy), impl_(new Impl) {
  impl_->policy = policy;
  impl_->trace = &trace_;
}

ExecMemory::~ExecMemory() {
  for (const Impl::Reservation& r : impl_->reservations) {
    auto start = std::chrono::steady_clock::now();
    OsUnmap(reinterpret_cast<void*>(r.base), r.size);
    impl_->Report(ExecEvent::Kind::Unmap, r.base, r.size, "", SecondsSince(start));
  }
  delete impl_;
}

uint8_t* ExecMemory::AllocateWritable(size_t size, std::string* error) {
  if (size == 0) {
    *error = "cannot allocate 0 bytes of executable memory";
    return nullptr;
  }
  if (policy_ == ExecPolicy::Rwx) {
    // The whole mapping is already read-write-execute: allocation is a pointer bump.
    Impl::Reservation* r = impl_->FindRoom(size, kRwxAlign);
    if (!r && !(r = impl_->Reserve(size, error))) return nullptr;
    uintptr_t address = r->base + r->used;
    r->used += size;
    return reinterpret_cast<uint8_t*>(address);
  }
  const size_t chunk_size = RoundUp(size, impl_->page_size);
  Impl::Reservation* r = impl_->FindRoom(chunk_size, impl_->page_size);
  if (!r && !(r = impl_->Reserve(chunk_size, error))) return nullptr;
  uintptr_t address = r->base + r->used;
  std::string os_error;
  auto start = std::chrono::steady_clock::now();
  bool ok = OsProtect(reinterpret_cast<void*>(address), chunk_size, Prot::ReadWrite, &os_error);
  double seconds = SecondsSince(start);
  if (!ok) {
    *error = "cannot make " + std::to_string(chunk_size) + " bytes of compile-time code memory at " +
             Hex(address) + " writable: " + os_error;
    return nullptr;
  }
  impl_->Report(ExecEvent::Kind::Protect, address, chunk_size, ProtName(Prot::ReadWrite), seconds);
  r->used += chunk_size;
  impl_->chunks.push_back({address, chunk_size, Prot::ReadWrite});
  return reinterpret_cast<uint8_t*>(address);
}

bool ExecMemory::MakeExecutable(uint8_t* address, size_t size, std::string* error) {
  const auto begin = reinterpret_cast<uintptr_t>(address);
  // Under W^X the bytes must lie inside one chunk; under Rwx inside the used part of a mapping.
  Impl::Chunk* chunk = nullptr;
  bool inside = false;
  if (policy_ == ExecPolicy::Rwx) {
    const Impl::Reservation* r = impl_->FindReservation(begin);
    inside = r && size <= r->base + r->used - begin;
  } else {
    chunk = impl_->FindChunk(begin);
    inside = chunk && size <= chunk->address + chunk->size - begin;
  }
  if (!inside) {
    *error = "MakeExecutable: " + std::to_string(size) +
             " bytes at the given address were not allocated by this ExecMemory";
    return false;
  }
  auto start = std::chrono::steady_clock::now();
  FlushInstructionCache(address, size);
  impl_->Report(ExecEvent::Kind::FlushICache, begin, size, "", SecondsSince(start));
  if (!chunk || chunk->prot == Prot::ReadExecute) return true;
  // The whole chunk flips, not only the pages holding `size` bytes: its tail is never handed
  // out again, and a chunk is either all writable or all executable, which keeps Regions() exact.
  std::string os_error;
  start = std::chrono::steady_clock::now();
  bool ok = OsProtect(reinterpret_cast<void*>(chunk->address), chunk->size, Prot::ReadExecute,
                      &os_error);
  double seconds = SecondsSince(start);
  if (!ok) {
    *error = "cannot make " + std::to_string(chunk->size) +
             " bytes of compile-time code executable: " + os_error;
    return false;
  }
  impl_->Report(ExecEvent::Kind::Protect, chunk->address, chunk->size, ProtName(Prot::ReadExecute),
                seconds);
  chunk->prot = Prot::ReadExecute;
  return true;
}

// Under W^X each chunk is one region (the untouched rest of the reservation is inaccessible
// address space, not memory, and is left out); under Rwx each mapping is one region, counted up
// to the last page in use.
std::vector<ExecMemory::Region> ExecMemory::Regions() const {
  std::vector<Region> out;
  if (policy_ == ExecPolicy::Rwx) {
    for (const Impl::Reservation& r : impl_->reservations) {
      if (r.used) out.push_back({r.base, RoundUp(r.used, impl_->page_size), "rwx"});
    }
    return out;
  }
  for (const Impl::Chunk& c : impl_->chunks) out.push_back({c.address, c.size, ProtName(c.prot)});
  return out;
}

size_t ExecMemory::BytesMapped() const {
  size_t total = 0;
  for (const Region& r : Regions()) total += r.size;
  return total;
}

}  // namespace thrustc::platform
