// Runtime of the compile-time JIT (runtime.h): what generated code calls back into. A trap stub
// passes its site number; the site says which trap (or the time limit) and where, and the
// failure is recorded before jumping back to the crash guard around the evaluation.
#include "ctjit/runtime.h"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "platform/crash_guard.h"

namespace thrustc::ctjit {

namespace {
thread_local RuntimeContext* tl_context = nullptr;

void Fail(ir::EvalFailure::Kind kind, std::string message, const TrapSite* site) {
  RuntimeContext* ctx = tl_context;
  ir::EvalFailure f;
  f.kind = kind;
  f.message = std::move(message);
  if (site && kind == ir::EvalFailure::Kind::Trap) f.trap = site->kind;
  if (site && ctx->module && site->function < ctx->module->functions.size()) {
    const ir::Function& fn = ctx->module->functions[site->function];
    f.function = fn.name;
    if (site->loc != ir::kNoLoc) f.loc = SourceLoc{fn.loc_file, site->loc};
  }
  ctx->failure = std::move(f);
  platform::EscapeGuard();
}

// Heap limit check; fails the evaluation (never returns) when the limit is passed.
void Account(void* p) {
  RuntimeContext* ctx = tl_context;
  if (!p || !ctx || !ctx->memory_limit) return;
  ctx->memory_used += malloc_usable_size(p);
  if (ctx->memory_used > ctx->memory_limit) {
    std::free(p);
    Fail(ir::EvalFailure::Kind::MemoryLimit,
         "compile-time code allocated more than the memory limit of " + std::to_string(ctx->memory_limit) + " bytes",
         nullptr);
  }
}

void Unaccount(void* p) {
  RuntimeContext* ctx = tl_context;
  if (p && ctx && ctx->memory_limit) ctx->memory_used -= std::min<uint64_t>(ctx->memory_used, malloc_usable_size(p));
}
}  // namespace

RuntimeContext* SetRuntimeContext(RuntimeContext* ctx) {
  RuntimeContext* old = tl_context;
  tl_context = ctx;
  return old;
}

void RuntimeTrap(uint32_t site_index) {
  RuntimeContext* ctx = tl_context;
  if (!ctx || !ctx->sites || site_index >= ctx->sites->size()) std::abort();  // no evaluation: a JIT bug
  const TrapSite& site = (*ctx->sites)[site_index];
  bool timed_out = ctx->timeout_flag && *ctx->timeout_flag;
  if (site.timeout || (site.stack_overflow && timed_out)) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", ctx->time_limit_seconds);
    Fail(ir::EvalFailure::Kind::Timeout,
         std::string("compile-time evaluation ran past the time limit of ") + limit + " s", &site);
  }
  if (site.stack_overflow) Fail(ir::EvalFailure::Kind::Crash, "stack overflow", &site);
  Fail(ir::EvalFailure::Kind::Trap, std::string(ir::TrapKindName(site.kind)), &site);
  std::abort();
}

void* AccountedMalloc(size_t size) {
  void* p = std::malloc(size);
  Account(p);
  return p;
}

void* AccountedCalloc(size_t count, size_t size) {
  void* p = std::calloc(count, size);
  Account(p);
  return p;
}

void* AccountedRealloc(void* p, size_t size) {
  Unaccount(p);
  void* q = std::realloc(p, size);
  Account(q);
  return q;
}

void AccountedFree(void* p) {
  Unaccount(p);
  std::free(p);
}

}  // namespace thrustc::ctjit
