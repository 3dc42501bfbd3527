#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "CMASHSys.h"

/* syncfs(2): flush every dirty page of the filesystem holding fd, one call for a batch of
   outbox files instead of one fsync per file. */
int mashd_syncfs(int fd) { return syncfs(fd); }

/* A Unix stream socket connected to path: the client's connect and the daemon's probe of a
   socket path share it, so the sockaddr_un handling is written once. flags go to socket(2)
   (SOCK_NONBLOCK to probe without waiting). Returns the descriptor, or -1 with errno set
   (ENAMETOOLONG for a path that does not fit) and nothing left open. */
int mashd_unix_connect(const char *path, int flags) {
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}
