// Runtime of the compile-time JIT (runtime.h): what generated code calls back into. A trap stub
// passes its site number; the site says which trap (or the time limit) and where, and the
// failure is recorded before jumping back to the crash guard around the evaluation.
#include "ctjit/runtime.h"

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

void RuntimeFail(ir::EvalFailure::Kind kind, std::string message, uint32_t function) {
  RuntimeContext* ctx = tl_context;
  if (!ctx) std::abort();  // no evaluation: a JIT bug
  ir::EvalFailure f;
  f.kind = kind;
  f.message = std::move(message);
  if (ctx->module && function < ctx->module->functions.size()) f.function = ctx->module->functions[function].name;
  ctx->failure = std::move(f);
  platform::EscapeGuard();
}

}  // namespace thrustc::ctjit
