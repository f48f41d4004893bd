// The compile-time worker of isolated_evaluator.h: the compiler's side (Run, ReadCString,
// Report) and the worker's loop, with the messages between them:
//   compiler -> worker   'R' run: module delta, thunk, result size   'S' string at an address
//                        'P' run the report
//   worker -> compiler   'O' result bytes   'F' failure   'C' string   'A' report done
//                        'H' (first) started, and entered the sandbox with -ct-sandbox, or why not
#include "driver/isolated_evaluator.h"

#include <cstdio>
#include <cstring>

#include "ir/serialize.h"
#include "platform/sandbox.h"
#include "platform/time_guard.h"

namespace thrustc::driver {

namespace {

using platform::Channel;
using platform::Message;
using platform::ReceiveStatus;

constexpr double kHelloSeconds = 5;

void WriteFailure(ir::ByteWriter& w, const ir::EvalFailure& f) {
  w.U8(uint8_t(f.kind));
  w.U8(uint8_t(f.trap));
  w.Str(f.message);
  w.Str(f.function);
  w.U32(f.loc.file);
  w.U32(f.loc.offset);
}

ir::EvalFailure ReadFailure(ir::ByteReader& r) {
  ir::EvalFailure f;
  f.kind = ir::EvalFailure::Kind(r.U8());
  f.trap = ir::TrapKind(r.U8());
  f.message = r.Str();
  f.function = r.Str();
  f.loc.file = r.U32();
  f.loc.offset = r.U32();
  return f;
}

// Applies what Delta() wrote to the worker's own module.
bool ApplyDelta(ir::ByteReader& r, ir::Module& m) {
  uint32_t aggs = r.U32();
  while (!r.Failed() && m.aggs.size() < aggs) m.aggs.push_back(r.Agg());
  m.functions.resize(r.U32());
  for (uint32_t n = r.U32(); n && !r.Failed(); --n) {
    uint32_t id = r.U32();
    if (id >= m.functions.size()) return false;
    m.functions[id] = r.Fn();
  }
  m.globals.resize(r.U32());
  for (uint32_t n = r.U32(); n && !r.Failed(); --n) {
    uint32_t id = r.U32();
    if (id >= m.globals.size()) return false;
    m.globals[id] = r.Gl();
  }
  return !r.Failed();
}

void Reply(Channel& ch, uint8_t tag, std::vector<uint8_t> payload) {
  std::fflush(nullptr);  // what compile-time code printed comes before the compiler's next words
  if (!ch.Send(tag, payload)) platform::EndWorker(0);
}

// The worker: serves requests until the compiler closes the channel. `module` is the worker's
// copy of the compiler's module (the same address in the forked process), which it keeps up to
// date from the deltas.
void Serve(Channel& ch, ir::Evaluator& inner, ir::Module& module, const std::function<void()>& report) {
  for (;;) {
    Message m;
    if (ch.Receive(m, 0) != ReceiveStatus::Ok) platform::EndWorker(0);
    ir::ByteReader r(m.payload.data(), m.payload.size());
    ir::ByteWriter w;
    if (m.tag == 'R') {
      if (!ApplyDelta(r, module)) platform::EndWorker(3);
      ir::FuncId thunk = r.U32();
      std::vector<uint8_t> out(r.U64());
      if (r.Failed()) platform::EndWorker(3);
      if (auto failure = inner.Run(module, thunk, out.data(), out.size())) {
        WriteFailure(w, *failure);
        Reply(ch, 'F', std::move(w.Bytes()));
      } else {
        Reply(ch, 'O', std::move(out));
      }
    } else if (m.tag == 'S') {
      std::optional<std::string> s = inner.ReadCString(r.U64());
      w.U8(s.has_value());
      w.Str(s.value_or(""));
      Reply(ch, 'C', std::move(w.Bytes()));
    } else if (m.tag == 'P') {
      if (report) report();
      Reply(ch, 'A', {});
    } else {
      platform::EndWorker(3);
    }
  }
}

}  // namespace

IsolatedEvaluator::Sent IsolatedEvaluator::FunctionState(const ir::Function& f) {
  return {f.blocks.size(), f.reg_types.size(), f.blocks.empty() ? nullptr : f.blocks[0].insts.data()};
}

IsolatedEvaluator::Sent IsolatedEvaluator::GlobalState(const ir::Global& g) {
  return {g.bytes.size(), g.relocs.size(), g.bytes.data()};
}

IsolatedEvaluator::IsolatedEvaluator(ir::Evaluator& inner, double time_limit_seconds, std::function<void()> report,
                                     bool sandbox)
    : inner_(inner), time_limit_(time_limit_seconds), report_(std::move(report)), sandbox_(sandbox) {}

IsolatedEvaluator::~IsolatedEvaluator() { worker_.Stop(); }

void IsolatedEvaluator::Remember(const ir::Module& module) {
  sent_aggs_ = module.aggs.size();
  sent_functions_.resize(module.functions.size());
  for (size_t i = 0; i < module.functions.size(); ++i) sent_functions_[i] = FunctionState(module.functions[i]);
  sent_globals_.resize(module.globals.size());
  for (size_t i = 0; i < module.globals.size(); ++i) sent_globals_[i] = GlobalState(module.globals[i]);
}

std::vector<uint8_t> IsolatedEvaluator::Delta(const ir::Module& module) {
  ir::ByteWriter w;
  w.U32(uint32_t(module.aggs.size()));
  for (size_t i = sent_aggs_; i < module.aggs.size(); ++i) w.Agg(module.aggs[i]);
  sent_aggs_ = module.aggs.size();
  auto pieces = [&](const auto& items, std::vector<Sent>& sent, auto state, auto write) {
    w.U32(uint32_t(items.size()));
    std::vector<uint32_t> changed;
    sent.resize(items.size(), Sent{SIZE_MAX, SIZE_MAX, nullptr});  // new pieces are always sent
    for (size_t i = 0; i < items.size(); ++i) {
      Sent now = state(items[i]);
      if (sent[i] == now) continue;
      sent[i] = now;
      changed.push_back(uint32_t(i));
    }
    w.U32(uint32_t(changed.size()));
    for (uint32_t id : changed) {
      w.U32(id);
      write(items[id]);
    }
  };
  pieces(module.functions, sent_functions_, FunctionState, [&](const ir::Function& f) { w.Fn(f); });
  pieces(module.globals, sent_globals_, GlobalState, [&](const ir::Global& g) { w.Gl(g); });
  return std::move(w.Bytes());
}

bool IsolatedEvaluator::StartWorker(const ir::Module& module, ir::EvalFailure& failure) {
  worker_.Stop();
  // The forked worker owns its copy of the module: it is the compiler's module at this moment.
  auto* copy = const_cast<ir::Module*>(&module);
  std::string error;
  bool sandbox = sandbox_;
  auto body = [&](Channel& ch) {
    std::string why;
    bool entered = !sandbox || platform::EnterSandbox(&why);
    Reply(ch, 'H', std::vector<uint8_t>(why.begin(), why.end()));
    if (!entered) platform::EndWorker(4);
    Serve(ch, inner_, *copy, report_);
  };
  if (!worker_.Start(body, &error)) {
    failure.kind = ir::EvalFailure::Kind::Internal;
    failure.message = "cannot start the compile-time worker process: " + error;
    return false;
  }
  ++started_;
  // A worker that does not say hello in time never started (qemu-user 7.2 hangs forked children).
  Message hello;
  if (worker_.ToWorker().Receive(hello, kHelloSeconds) != ReceiveStatus::Ok) {
    failure.kind = ir::EvalFailure::Kind::Internal;
    failure.message = "cannot start the compile-time worker process (-ct-isolation process): it did not answer "
                      "within " + std::to_string(int(kHelloSeconds)) + " s";
    worker_.Stop();
    return false;
  }
  if (!hello.payload.empty()) {
    failure.kind = ir::EvalFailure::Kind::Internal;
    failure.message = "cannot enter the sandbox (-ct-sandbox): " + std::string(hello.payload.begin(), hello.payload.end());
    worker_.Stop();
    return false;
  }
  module_ = &module;
  Remember(module);
  return true;
}

ir::EvalFailure IsolatedEvaluator::WorkerLost(ReceiveStatus why) {
  ir::EvalFailure f;
  bool hung = why == ReceiveStatus::TimedOut;
  std::string end = worker_.Reap(hung);
  if (hung) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", time_limit_);
    f.kind = ir::EvalFailure::Kind::Timeout;
    f.message = std::string("compile-time evaluation ran past the time limit of ") + limit +
                " s; its worker process did not answer and was killed";
  } else {
    f.kind = ir::EvalFailure::Kind::Crash;
    f.message = "the worker process running it " + end + " (-ct-isolation process)";
  }
  return f;
}

std::optional<ir::EvalFailure> IsolatedEvaluator::Run(const ir::Module& module, ir::FuncId thunk, void* out,
                                                      size_t out_size) {
  ir::EvalFailure failure;
  if ((!worker_.Running() || module_ != &module) && !StartWorker(module, failure)) return failure;
  std::vector<uint8_t> request = Delta(module);  // empty right after a start: the fork copied it all
  ir::ByteWriter tail;
  tail.U32(thunk);
  tail.U64(out_size);
  request.insert(request.end(), tail.Bytes().begin(), tail.Bytes().end());
  std::fflush(nullptr);
  Message reply;
  ReceiveStatus status = ReceiveStatus::Closed;
  // Code that runs past the limit is stopped by the worker's own guards within milliseconds; a
  // worker that has not answered a second after the limit is hung (blocked in C, its stack
  // smashed) and is killed, before its own last resort would end it with a message of its own.
  double wait = time_limit_ > 0 ? time_limit_ + platform::kBlockedGraceSeconds / 2 : 0;
  if (worker_.ToWorker().Send('R', request)) status = worker_.ToWorker().Receive(reply, wait);
  if (status != ReceiveStatus::Ok) return WorkerLost(status);
  if (reply.tag == 'F') {
    ir::ByteReader r(reply.payload.data(), reply.payload.size());
    return ReadFailure(r);
  }
  std::memcpy(out, reply.payload.data(), std::min(out_size, reply.payload.size()));
  return std::nullopt;
}

std::optional<std::string> IsolatedEvaluator::ReadCString(uint64_t address) {
  if (!worker_.Running()) return std::nullopt;
  ir::ByteWriter w;
  w.U64(address);
  Message reply;
  if (!worker_.ToWorker().Send('S', w.Bytes()) || worker_.ToWorker().Receive(reply, 10) != ReceiveStatus::Ok ||
      reply.tag != 'C') {
    WorkerLost(ReceiveStatus::Closed);
    return std::nullopt;
  }
  ir::ByteReader r(reply.payload.data(), reply.payload.size());
  bool present = r.U8();
  std::string s = r.Str();
  if (!present || r.Failed()) return std::nullopt;
  return s;
}

void IsolatedEvaluator::Report() {
  if (!worker_.Running()) return;
  Message reply;
  if (worker_.ToWorker().Send('P', {})) worker_.ToWorker().Receive(reply, 10);
}

}  // namespace thrustc::driver
