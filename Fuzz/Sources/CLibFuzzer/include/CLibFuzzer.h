#ifndef TESSEL_CLIBFUZZER_H
#define TESSEL_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`): parses libFuzzer flags from
/// argc/argv and fuzzes `callback`. Declared here because SwiftPM gives an executable target its
/// own `main`, so libFuzzer's `main` is not used.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
