// Unit tests of platform::ExecMemory: W^X proven from /proc/self/maps after every step, a real
// function written, made executable and called, the Rwx policy, and the trace events.
#include <doctest/doctest.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "platform/crash_guard.h"
#include "platform/exec_memory.h"

using namespace thrustc::platform;

namespace {

struct MapsLine {
  uintptr_t begin;
  uintptr_t end;
  std::string perms;  // "rwxp"
};

std::vector<MapsLine> ReadMaps() {
  std::vector<MapsLine> out;
  std::ifstream in("/proc/self/maps");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    auto dash = range.find('-');
    out.push_back({std::stoull(range.substr(0, dash), nullptr, 16),
                   std::stoull(range.substr(dash + 1), nullptr, 16), perms});
  }
  return out;
}

// The maps lines overlapping [begin, end).
std::vector<MapsLine> MapsOverlapping(uintptr_t begin, uintptr_t end) {
  std::vector<MapsLine> out;
  for (const MapsLine& m : ReadMaps()) {
    if (m.begin < end && begin < m.end) out.push_back(m);
  }
  return out;
}

// The kernel's view of one byte's protection, as "rw-" / "r-x" / "rwx".
std::string KernelProtection(uintptr_t address) {
  auto lines = MapsOverlapping(address, address + 1);
  REQUIRE(lines.size() == 1);
  return lines[0].perms.substr(0, 3);
}

// The W^X invariant: over the span of everything this ExecMemory handed out (plus one page
// either side), no mapping is both writable and executable, and each region's protection is the
// one the kernel reports.
void CheckNoWritableExecutable(const ExecMemory& mem) {
  auto regions = mem.Regions();
  REQUIRE(!regions.empty());
  uintptr_t lo = regions[0].address, hi = regions[0].address + regions[0].size;
  for (const auto& r : regions) {
    lo = std::min(lo, r.address);
    hi = std::max(hi, r.address + r.size);
    CHECK(KernelProtection(r.address) == r.protection);
    CHECK(KernelProtection(r.address + r.size - 1) == r.protection);
  }
  for (const MapsLine& m : MapsOverlapping(lo - 4096, hi + 4096)) {
    INFO("mapping " << std::hex << m.begin << "-" << m.end << " " << m.perms);
    CHECK_FALSE((m.perms[1] == 'w' && m.perms[2] == 'x'));
  }
}

// A function returning 42, in the host's machine code.
std::vector<uint8_t> Return42Code() {
#if defined(__x86_64__)
  return {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3};  // mov eax, 42; ret
#elif defined(__aarch64__)
  std::vector<uint8_t> code(8);
  const uint32_t words[] = {0x52800540, 0xD65F03C0};  // mov w0, #42; ret
  std::memcpy(code.data(), words, sizeof words);
  return code;
#else
  return {};
#endif
}

int CallCode(const uint8_t* code) {
  using Fn = int (*)();
  Fn fn;
  static_assert(sizeof fn == sizeof code);
  std::memcpy(&fn, &code, sizeof fn);
  return fn();
}

void WriteByte(void* ctx) { *static_cast<volatile uint8_t*>(ctx) = 0x90; }

}  // namespace

TEST_CASE("W^X: no mapping is writable and executable after any step, the code runs") {
  auto code = Return42Code();
  if (code.empty()) return;  // no machine code for this host in the test
  ExecMemory mem;
  CHECK(mem.Policy() == ExecPolicy::WriteXorExecute);
  std::string error;
  std::vector<uint8_t*> functions;
  for (int i = 0; i < 5; ++i) {
    uint8_t* p = mem.AllocateWritable(code.size(), &error);
    REQUIRE_MESSAGE(p != nullptr, error);
    CHECK(KernelProtection(reinterpret_cast<uintptr_t>(p)) == "rw-");
    CheckNoWritableExecutable(mem);
    std::memcpy(p, code.data(), code.size());
    REQUIRE_MESSAGE(mem.MakeExecutable(p, code.size(), &error), error);
    CHECK(KernelProtection(reinterpret_cast<uintptr_t>(p)) == "r-x");
    CheckNoWritableExecutable(mem);
    CHECK(CallCode(p) == 42);
    functions.push_back(p);
  }
  // Every earlier batch still runs and stays read-execute after later batches were written.
  for (uint8_t* p : functions) CHECK(CallCode(p) == 42);
  CHECK(mem.Regions().size() == 5);
  for (const auto& r : mem.Regions()) CHECK(r.protection == "r-x");
}

TEST_CASE("W^X: executable code cannot be written (the write faults)") {
  auto code = Return42Code();
  if (code.empty()) return;
  ExecMemory mem;
  std::string error;
  uint8_t* p = mem.AllocateWritable(code.size(), &error);
  REQUIRE(p != nullptr);
  std::memcpy(p, code.data(), code.size());
  REQUIRE(mem.MakeExecutable(p, code.size(), &error));
  CHECK(RunGuarded(WriteByte, p) == SIGSEGV);
  CHECK(CallCode(p) == 42);  // unchanged
}

TEST_CASE("W^X: chunks are page-aligned, distinct, and within rel32 reach of each other") {
  ExecMemory mem;
  std::string error;
  std::vector<uintptr_t> addresses;
  for (size_t size : {1u, 4096u, 4097u, 100000u, 16u}) {
    uint8_t* p = mem.AllocateWritable(size, &error);
    REQUIRE_MESSAGE(p != nullptr, error);
    addresses.push_back(reinterpret_cast<uintptr_t>(p));
  }
  auto regions = mem.Regions();
  REQUIRE(regions.size() == 5);
  CHECK(regions[0].size == 4096);
  CHECK(regions[1].size == 4096);
  CHECK(regions[2].size == 8192);
  CHECK(regions[3].size == 102400);
  CHECK(mem.BytesMapped() == 4096 + 4096 + 8192 + 102400 + 4096);
  for (size_t i = 0; i < addresses.size(); ++i) {
    CHECK(addresses[i] % 4096 == 0);
    CHECK(regions[i].address == addresses[i]);
    for (size_t j = 0; j < i; ++j) {
      // Each chunk begins after the previous one ends: no page is shared between batches.
      CHECK(addresses[i] >= regions[j].address + regions[j].size);
      uintptr_t span = addresses[i] + regions[i].size - addresses[j];
      CHECK(span < (uintptr_t{1} << 31));
    }
  }
}

TEST_CASE("MakeExecutable rejects memory it did not allocate, zero-size allocation is an error") {
  ExecMemory mem;
  std::string error;
  uint8_t local[16] = {};
  CHECK_FALSE(mem.MakeExecutable(local, sizeof local, &error));
  CHECK(error.find("not allocated by this ExecMemory") != std::string::npos);
  uint8_t* p = mem.AllocateWritable(100, &error);
  REQUIRE(p != nullptr);
  error.clear();
  CHECK_FALSE(mem.MakeExecutable(p, 5000, &error));  // runs past the 4096-byte chunk
  CHECK(!error.empty());
  error.clear();
  CHECK(mem.AllocateWritable(0, &error) == nullptr);
  CHECK(error.find("0 bytes") != std::string::npos);
}

TEST_CASE("trace: Map, Protect and FlushICache events with their sizes and protections") {
  // Declared first: ~ExecMemory still reports Unmap events to the trace.
  std::vector<ExecEvent> events;
  ExecMemory mem;
  mem.SetTrace([&](const ExecEvent& e) { events.push_back(e); });
  std::string error;
  uint8_t* p = mem.AllocateWritable(100, &error);
  REQUIRE(p != nullptr);
  REQUIRE(mem.MakeExecutable(p, 100, &error));
  using K = ExecEvent::Kind;
  REQUIRE(events.size() == 4);
  CHECK(events[0].kind == K::Map);
  CHECK(events[0].size == (size_t{1} << 30));
  CHECK(events[0].protection == "---");
  CHECK(events[0].address == reinterpret_cast<uintptr_t>(p));
  CHECK(events[1].kind == K::Protect);
  CHECK(events[1].size == 4096);
  CHECK(events[1].protection == "rw-");
  CHECK(events[2].kind == K::FlushICache);
  CHECK(events[2].size == 100);  // exactly the bytes written
  CHECK(events[2].address == reinterpret_cast<uintptr_t>(p));
  CHECK(events[3].kind == K::Protect);
  CHECK(events[3].size == 4096);
  CHECK(events[3].protection == "r-x");
  for (const auto& e : events) CHECK(e.seconds >= 0);
  // A second batch reuses the reservation: no new Map.
  events.clear();
  REQUIRE(mem.AllocateWritable(5000, &error) != nullptr);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == K::Protect);
  CHECK(events[0].size == 8192);
  CHECK(events[0].address == reinterpret_cast<uintptr_t>(p) + 4096);
}

TEST_CASE("trace: destruction unmaps the reservation") {
  std::vector<ExecEvent> events;
  {
    ExecMemory mem;
    mem.SetTrace([&](const ExecEvent& e) { events.push_back(e); });
    std::string error;
    REQUIRE(mem.AllocateWritable(10, &error) != nullptr);
  }
  REQUIRE(events.size() == 3);
  CHECK(events[2].kind == ExecEvent::Kind::Unmap);
  CHECK(events[2].address == events[0].address);
  CHECK(events[2].size == events[0].size);
  CHECK(MapsOverlapping(events[0].address, events[0].address + 1).empty());
}

TEST_CASE("Rwx: one read-write-execute mapping, shared by batches, and the code runs") {
  auto code = Return42Code();
  if (code.empty()) return;
  // Declared first: ~ExecMemory still reports Unmap events to the trace.
  std::vector<ExecEvent> events;
  ExecMemory mem(ExecPolicy::Rwx);
  mem.SetTrace([&](const ExecEvent& e) { events.push_back(e); });
  std::string error;
  uint8_t* p = mem.AllocateWritable(code.size(), &error);
  if (!p) {
    // A system that forbids RWX mappings (SELinux execmem, PaX): the error must say so plainly.
    CHECK(error.find("read-write-execute") != std::string::npos);
    CHECK(error.find("rwx") != std::string::npos);
    MESSAGE("RWX mappings refused here: " << error);
    return;
  }
  CHECK(KernelProtection(reinterpret_cast<uintptr_t>(p)) == "rwx");
  std::memcpy(p, code.data(), code.size());
  REQUIRE(mem.MakeExecutable(p, code.size(), &error));
  CHECK(CallCode(p) == 42);
  // Still writable after being made executable: the code can be patched in place.
  uint8_t* q = mem.AllocateWritable(code.size(), &error);
  REQUIRE(q != nullptr);
  CHECK(q == p + 16);  // packed, 16-byte aligned, in the same mapping
  std::memcpy(q, code.data(), code.size());
  q[1] = 7;  // mov eax, 7 / mov w0, #...: only checked on x86-64 below
  REQUIRE(mem.MakeExecutable(q, code.size(), &error));
#if defined(__x86_64__)
  CHECK(CallCode(q) == 7);
#endif
  using K = ExecEvent::Kind;
  REQUIRE(events.size() == 3);  // one Map, then only flushes: no mprotect under Rwx
  CHECK(events[0].kind == K::Map);
  CHECK(events[0].protection == "rwx");
  CHECK(events[1].kind == K::FlushICache);
  CHECK(events[1].size == code.size());
  CHECK(events[2].kind == K::FlushICache);
  auto regions = mem.Regions();
  REQUIRE(regions.size() == 1);
  CHECK(regions[0].protection == "rwx");
  CHECK(regions[0].address == reinterpret_cast<uintptr_t>(p));
  CHECK(regions[0].size == 4096);
}
