#ifndef AVIARY_FILE_SYNC_H
#define AVIARY_FILE_SYNC_H

/// Flushes every dirty page of the filesystem holding `fd` with one call (Linux syncfs(2)); elsewhere
/// falls back to sync(2). Returns 0 on success, -1 with errno set on failure.
int aviary_syncfs(int fd);

#endif
