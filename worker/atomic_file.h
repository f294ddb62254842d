/*
 * Replacing a file so that a crash leaves either the old or the new content,
 * never a mix: the data goes to a temporary file beside it, which is
 * fsync'ed and renamed over the file, then the directory is fsync'ed so the
 * rename itself survives. The offset store and the connector store write
 * this way.
 */
#ifndef WORKER_ATOMIC_FILE_H
#define WORKER_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replaces path with len bytes of data through "<path>.tmp", the new file
 * having mode (e.g. 0600 for a file that may hold passwords). what names the file in errors
 * ("offset file", "connector store"). Returns 0, or -1 with errstr naming
 * the step, the file and the reason; on failure the file is unchanged and
 * no temporary file is left behind. Concurrent calls for the same path must
 * be serialised by the caller (the last rename wins).
 */
int atomic_file_replace(const char *path, const void *data, size_t len, mode_t mode,
                        const char *what, char *errstr, size_t errstr_size);

#endif
