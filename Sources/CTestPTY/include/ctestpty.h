#ifndef TESSEL_CTESTPTY_H
#define TESSEL_CTESTPTY_H
#include <stddef.h>

/// Opens a pseudo-terminal of `rows` x `cols`; writes the subsidiary's path to `name`.
/// Returns the controlling side's file descriptor, or -1. Used by the REPL's end-to-end test.
int tessel_open_pty(char *name, size_t name_length, unsigned short rows, unsigned short cols);
#endif
