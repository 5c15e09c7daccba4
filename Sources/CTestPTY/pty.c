#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE
#include "ctestpty.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int tessel_open_pty(char *name, size_t name_length, unsigned short rows, unsigned short cols) {
  int fd = posix_openpt(O_RDWR | O_NOCTTY);
  if (fd < 0) return -1;
  if (grantpt(fd) != 0 || unlockpt(fd) != 0) { close(fd); return -1; }
  const char *n = ptsname(fd);
  if (n == NULL || strlen(n) + 1 > name_length) { close(fd); return -1; }
  strcpy(name, n);
  struct winsize ws = { rows, cols, 0, 0 };
  ioctl(fd, TIOCSWINSZ, &ws);
  return fd;
}
