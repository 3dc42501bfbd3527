#define _GNU_SOURCE
#include <unistd.h>
#include "CMASHSys.h"

/* syncfs(2): flush every dirty page of the filesystem holding fd, one call for a batch of
   outbox files instead of one fsync per file. */
int mashd_syncfs(int fd) { return syncfs(fd); }
