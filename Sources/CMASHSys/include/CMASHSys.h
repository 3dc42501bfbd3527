#ifndef CMASHSYS_H
#define CMASHSYS_H
/* Linux calls Swift's Glibc module does not expose. */
int mashd_syncfs(int fd);
int mashd_unix_connect(const char *path, int flags);
#endif
