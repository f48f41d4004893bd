// Defaults for the sanitizer runtimes when thrustc is built with them (presets asan-ubsan and
// fuzz); an ordinary build compiles nothing here. ASAN_OPTIONS set by a user still come after
// these and win.
//
// intercept_tls_get_addr=0: LeakSanitizer's exit-time scan walks the dynamic TLS blocks it saw
// handed out through __tls_get_addr; with the LLVM plugin dlopen'ed (it has dynamic TLS), gcc 12's
// runtime on glibc 2.36 records a bogus block (`DTLS 6 at 0x72f-0x3000001831`) and its tracer
// dies reading it ("Tracer caught signal 11", exit 1 after a successful compile). Without the
// interception, dynamic TLS blocks are still found: glibc allocates them with the intercepted
// malloc and the thread's DTV, reachable from its static TLS, points to them.

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define THRUSTC_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define THRUSTC_ASAN 1
#endif

#ifdef THRUSTC_ASAN
extern "C" const char* __asan_default_options() { return "intercept_tls_get_addr=0"; }
#endif
