// Whether this test binary is built with a sanitizer: throughput floors measure nothing useful
// there (sanitized code runs several times slower), so those tests are skipped, visibly.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define THRUSTC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define THRUSTC_SANITIZED 1
#endif
#endif
#ifndef THRUSTC_SANITIZED
#define THRUSTC_SANITIZED 0
#endif

constexpr bool kSanitizedBuild = THRUSTC_SANITIZED;
