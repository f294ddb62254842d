/*
 * FileStreamSinkTask: appends each record's value as one line to a file
 * opened for appending (created when missing), or to the standard output.
 *
 * put copies lines into a small write buffer, writes it out whenever the
 * next line would not fit (so memory stays bounded whatever the batch) and
 * at the end of every put.
 * Every write holds whole lines only (a line longer than the buffer is
 * written with its newline in one writev), so several tasks appending to
 * one file never interleave inside a line. flush writes the buffer out and
 * then fdatasync()s the file (and, once, the directory of a file this task
 * created), returning SLUICE_OK only when the data is on disk: Kafka's sink
 * merely flushes its stream, so a crash could lose lines whose offsets were
 * already committed.
 *
 * Threads: every callback runs on the task's thread.
 */
#include "file_connectors.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* The write buffer: enough lines per write(2) to make writing cheap. */
#define FILE_SINK_BUF_SIZE (64 * 1024)

/* The text of one non-string value is formatted in a scratch buffer; one
 * that grew past this for a huge value is freed rather than kept. */
#define FILE_SINK_SCRATCH_KEEP (1024 * 1024)

typedef struct file_sink_task {
    sluice_ctx_t *ctx;
    char *filename; /* NULL: standard output */
    int fd;
    bool sync_dir; /* this task created the file: its directory entry needs an fsync */
    char *buf;     /* lines not yet written: buf[0, len) */
    size_t len;
    sluice_buf_t *text; /* scratch for values that are not strings */
} file_sink_task_t;

static const char *file_sink_name(const file_sink_task_t *t)
{
    return t->filename ? t->filename : "stdout";
}

/* Writes every byte of iov[0, count) (the iovs are consumed). Returns 0,
 * or -1 with errstr. */
static int file_sink_writev(file_sink_task_t *t, struct iovec *iov, int count, char *errstr,
                            size_t errstr_size)
{
    while (count > 0) {
        ssize_t n = writev(t->fd, iov, count);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* stdout may be a non-blocking pipe that is full */
                struct pollfd pfd = {.fd = t->fd, .events = POLLOUT};
                poll(&pfd, 1, 1000);
                continue;
            }
            snprintf(errstr, errstr_size, "Couldn't write to %s: %s", file_sink_name(t),
                     strerror(errno));
            return -1;
        }
        size_t done = (size_t)n;
        while (count > 0 && done >= iov->iov_len) {
            done -= iov->iov_len;
            iov++;
            count--;
        }
        if (count > 0) {
            iov->iov_base = (char *)iov->iov_base + done;
            iov->iov_len -= done;
        }
    }
    return 0;
}

/* Writes out the buffered lines. Returns 0, or -1 with errstr. */
static int file_sink_write_out(file_sink_task_t *t, char *errstr, size_t errstr_size)
{
    if (t->len == 0)
        return 0;
    struct iovec iov = {.iov_base = t->buf, .iov_len = t->len};
    t->len = 0; /* even on failure: the task fails, and the lines are redelivered */
    return file_sink_writev(t, &iov, 1, errstr, errstr_size);
}

static void file_sink_destroy(void *self)
{
    file_sink_task_t *t = self;
    if (!t)
        return;
    if (t->fd >= 0) {
        char errstr[256];
        if (file_sink_write_out(t, errstr, sizeof errstr) < 0)
            sluice_log(t->ctx, SLUICE_LOG_ERROR, "%s", errstr);
        if (t->filename)
            close(t->fd);
    }
    sluice_buf_destroy(t->text);
    free(t->filename);
    free(t->buf);
    free(t);
}

/* Opens filename for appending; creating it when missing. Returns the fd
 * (and *created), or -1 with errno. */
static int file_sink_open(const char *filename, bool *created)
{
    /* O_NONBLOCK only so that opening a FIFO without a reader fails instead
     * of hanging; it is cleared again below. */
    int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK;
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = open(filename, flags | O_CREAT | O_EXCL, 0666);
        *created = fd >= 0;
        if (fd < 0 && errno == EEXIST)
            fd = open(filename, flags);
        if (fd < 0 && errno == ENOENT)
            continue; /* deleted between the two opens */
        if (fd >= 0)
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        return fd;
    }
    return -1;
}

static sluice_result_t file_sink_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                       void **self, char *errstr, size_t errstr_size)
{
    file_sink_task_t *t = file_calloc(1, sizeof(*t));
    t->ctx = ctx;
    t->fd = -1;
    const char *file = sluice_config_get_string(config, FILE_CONFIG);
    if (file && file[0]) {
        t->filename = file_strdup(file);
        t->fd = file_sink_open(t->filename, &t->sync_dir);
        if (t->fd < 0) {
            snprintf(errstr, errstr_size,
                     "Couldn't find or create file '%s' for FileStreamSinkTask: %s", file,
                     strerror(errno));
            file_sink_destroy(t);
            return SLUICE_FATAL;
        }
    } else {
        t->fd = STDOUT_FILENO;
    }
    t->buf = file_alloc(FILE_SINK_BUF_SIZE);
    t->text = sluice_buf_new();
    sluice_log(ctx, SLUICE_LOG_DEBUG, "Writing to %s", file_sink_name(t));
    *self = t;
    return SLUICE_OK;
}

static sluice_result_t file_sink_put(void *self, const sluice_records_t *records, char *errstr,
                                     size_t errstr_size)
{
    file_sink_task_t *t = self;
    bool trace = sluice_log_enabled(t->ctx, SLUICE_LOG_TRACE);
    size_t count = sluice_records_count(records);
    for (size_t i = 0; i < count; i++) {
        const sluice_record_t *record = sluice_records_at(records, i);
        const sluice_value_t *value = sluice_record_value(record);
        const char *line;
        size_t len;
        if (value && sluice_value_type(value) == SLUICE_TYPE_STRING) {
            line = sluice_value_get_string(value, &len);
        } else {
            sluice_buf_reset(t->text);
            sluice_value_to_text(sluice_record_value_schema(record), value, t->text);
            line = sluice_buf_data(t->text);
            len = sluice_buf_len(t->text);
        }
        if (trace)
            sluice_log(t->ctx, SLUICE_LOG_TRACE, "Writing line to %s: %.*s", file_sink_name(t),
                       (int)(len > 1024 ? 1024 : len), line);
        if (t->len + len + 1 > FILE_SINK_BUF_SIZE &&
            file_sink_write_out(t, errstr, errstr_size) < 0)
            return SLUICE_FATAL;
        if (len + 1 <= FILE_SINK_BUF_SIZE) {
            memcpy(t->buf + t->len, line, len);
            t->buf[t->len + len] = '\n';
            t->len += len + 1;
        } else {
            struct iovec iov[2] = {{.iov_base = (void *)line, .iov_len = len},
                                   {.iov_base = "\n", .iov_len = 1}};
            if (file_sink_writev(t, iov, 2, errstr, errstr_size) < 0)
                return SLUICE_FATAL;
        }
        if (sluice_buf_len(t->text) > FILE_SINK_SCRATCH_KEEP) {
            sluice_buf_destroy(t->text);
            t->text = sluice_buf_new();
        }
    }
    /* Each batch reaches the file when put returns, as Kafka's sink writes
     * through its stream: a reader of the file sees records as they come,
     * not at the next offset commit. */
    if (t->len && file_sink_write_out(t, errstr, errstr_size) < 0)
        return SLUICE_FATAL;
    return SLUICE_OK;
}

/* fdatasync, where the descriptor supports it (a pipe or a terminal does not). */
static int file_sink_sync(int fd)
{
    if (fdatasync(fd) == 0 || errno == EINVAL || errno == EROFS || errno == ENOTSUP)
        return 0;
    return -1;
}

static sluice_result_t file_sink_flush(void *self, const sluice_topic_partition_t *offsets,
                                       size_t count, char *errstr, size_t errstr_size)
{
    (void)offsets;
    (void)count;
    file_sink_task_t *t = self;
    sluice_log(t->ctx, SLUICE_LOG_TRACE, "Flushing output stream for %s", file_sink_name(t));
    if (file_sink_write_out(t, errstr, errstr_size) < 0)
        return SLUICE_FATAL;
    if (file_sink_sync(t->fd) < 0) {
        snprintf(errstr, errstr_size, "Couldn't sync %s to disk: %s", file_sink_name(t),
                 strerror(errno));
        return SLUICE_FATAL;
    }
    if (t->sync_dir) {
        /* A new file's name is durable only once its directory is synced. */
        const char *slash = strrchr(t->filename, '/');
        char *dir = slash ? file_strdup(t->filename) : file_strdup(".");
        if (slash)
            dir[slash == t->filename ? 1 : slash - t->filename] = '\0';
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r = dfd >= 0 ? file_sink_sync(dfd) : -1;
        if (r < 0)
            snprintf(errstr, errstr_size, "Couldn't sync the directory %s of %s to disk: %s", dir,
                     t->filename, strerror(errno));
        if (dfd >= 0)
            close(dfd);
        free(dir);
        if (r < 0)
            return SLUICE_FATAL;
        t->sync_dir = false;
    }
    return SLUICE_OK;
}

const sluice_sink_task_ops_t file_stream_sink_task_ops = {
    .struct_size = sizeof(sluice_sink_task_ops_t),
    .start = file_sink_start,
    .put = file_sink_put,
    .flush = file_sink_flush,
    .destroy = file_sink_destroy,
};
