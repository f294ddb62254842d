#include "atomic_file.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Syncs the directory holding path, so that the rename itself survives a
 * crash. */
static int sync_dir(const char *path)
{
    char *dir = mem_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int atomic_file_replace(const char *path, const void *data, size_t len, mode_t mode,
                        const char *what, char *errstr, size_t errstr_size)
{
    /* One fixed name: a temporary file a crash left behind is simply
     * overwritten by the next write. */
    static const char suffix[] = ".tmp";
    size_t plen = strlen(path);
    char *tmp = mem_alloc(plen + sizeof suffix);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, suffix, sizeof suffix);
    const char *step = "create";
    bool created = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        goto fail;
    created = true;
    step = "chmod"; /* a leftover temporary file keeps its old mode */
    if (fchmod(fd, mode) < 0)
        goto fail;
    step = "write";
    if (write_all(fd, data, len) < 0)
        goto fail;
    step = "fsync";
    if (fsync(fd) < 0)
        goto fail;
    step = "close";
    int rc = close(fd);
    fd = -1;
    if (rc < 0)
        goto fail;
    step = "rename";
    if (rename(tmp, path) < 0)
        goto fail;
    free(tmp);
    if (sync_dir(path) < 0) {
        snprintf(errstr, errstr_size, "cannot fsync the directory of %s %s: %s", what, path,
                 strerror(errno));
        return -1;
    }
    return 0;

fail:
    snprintf(errstr, errstr_size, "cannot %s %s to replace %s %s: %s", step, tmp, what, path,
             strerror(errno));
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp);
    free(tmp);
    return -1;
}
