// A C entry point into Debian's libre2 (RE2, the engine Envoy's google_re2 regexes use), so Swift
// can check a regex the way Envoy will compile it.
#ifndef LOGBOOK_CRE2_SHIM_H
#define LOGBOOK_CRE2_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Compiles the `length` bytes at `pattern` with RE2 (no logging; Latin-1 when `latin1` is
/// non-zero, else UTF-8) and returns 0 when it compiles, else RE2's error code (> 0).
/// On success `*program_size` receives RE2::ProgramSize(), else -1. On failure `error` receives
/// RE2's description of the code (e.g. "invalid perl operator") and `error_arg` the offending
/// part of the pattern, each NUL-terminated and cut to its capacity - 1 bytes.
int logbook_re2_check(
    const char *pattern, size_t length, int latin1, int64_t *program_size,
    char *error, size_t error_capacity, char *error_arg, size_t error_arg_capacity);

#ifdef __cplusplus
}
#endif

#endif
