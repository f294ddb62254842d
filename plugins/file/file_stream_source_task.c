/*
 * FileStreamSourceTask: follows a file (or the standard input) like
 * `tail -F` and emits one record per line, with Kafka's value schema
 * (STRING, required), no key, the source partition {"filename": <file>}
 * and the offset {"position": <byte position after the line>}.
 *
 * Memory stays constant whatever the file's size: bytes are read into one
 * bounded buffer and each line is copied out as its record is made. A line
 * longer than the buffer grows it, up to FILE_SOURCE_LINE_MAX; a line
 * longer than that is emitted in pieces of at most that many bytes (cut at
 * a UTF-8 character boundary, with a warning), so nothing is lost and the
 * positions stay exact. The buffer shrinks back once the long line is gone.
 *
 * Lines end with "\n", "\r\n" or a lone "\r", as in Kafka; a "\r" that is
 * the last byte read waits for the next byte to tell which. A last line
 * without its terminator is not emitted until the terminator arrives (the
 * writer may be in the middle of it), except when the file is replaced or
 * truncated: then it is emitted as it stands, because nothing will complete
 * it. Bytes that are not UTF-8 become U+FFFD, as Java's decoder does.
 *
 * At the end of the file, poll waits up to FILE_SOURCE_EOF_WAIT_MS for more
 * (woken early by stop(), by inotify events about the file, or by input on
 * stdin), reads once more, and returns what it found, possibly nothing.
 * A file that does not exist yet is waited for (logged once). A file that
 * shrinks below what was read (truncated) is read again from the start,
 * and a file replaced by another one under its name (rotated) is finished
 * and then the new one read from the start, each with a warning.
 *
 * Standard input is read when `file` is unset or empty; as in Kafka its
 * records carry no source partition or offset, since a position in it
 * cannot be resumed.
 *
 * Threads: poll, start and destroy run on the task's thread; stop may run
 * on any thread at any time between start and destroy.
 */
#include "file_connectors.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The buffer's usual size: 64 KiB is a few hundred typical lines a read. */
#define FILE_SOURCE_BUF_INITIAL (64 * 1024)

/* The longest line emitted whole, and so the most the buffer grows to. */
#define FILE_SOURCE_LINE_MAX (8 * 1024 * 1024)

/* Line bytes one poll returns at most, whatever batch.size says, so a huge
 * batch.size cannot make a poll hold a large part of the file. */
#define FILE_SOURCE_POLL_BYTES (8 * 1024 * 1024)

/* How long a poll at the end of the file waits for more before returning. */
#define FILE_SOURCE_EOF_WAIT_MS 500

typedef struct file_source_task {
    sluice_ctx_t *ctx;
    char *filename; /* NULL: standard input */
    char *topic;
    int32_t batch_size;
    sluice_value_t *partition;    /* {"filename": …}, shared by every record; NULL for stdin */
    sluice_value_t *position_key; /* "position", shared by every record's offset */

    int fd;       /* -1 until the file is opened; STDIN_FILENO for stdin */
    bool regular; /* fd is a regular file: it has a size and can seek */
    dev_t dev;    /* the open file's identity, to notice a replaced file */
    ino_t ino;
    bool stdin_eof;      /* the last read of stdin found its end */
    bool missing_logged; /* "waiting for the file" said once */
    bool resume_pending; /* resume_position applies when the file is first opened */
    int64_t resume_position;

    char *buf;  /* bytes read, not yet emitted: buf[start, end) */
    size_t cap; /* FILE_SOURCE_BUF_INITIAL .. FILE_SOURCE_LINE_MAX */
    size_t start;
    size_t end;
    int64_t position; /* the file position of buf[start] */
    bool cutting;     /* a line longer than FILE_SOURCE_LINE_MAX is being cut */

    int wake[2];    /* stop() writes to wake[1]; waits watch wake[0] */
    int inotify_fd; /* -1 when inotify is unavailable: waits just sleep */
    int watch;      /* the watch on the file's directory, or -1 */
    char *dir;      /* the file's directory and name, for the watch */
    const char *base;
    atomic_bool stopping;
} file_source_task_t;

static const char *file_source_name(const file_source_task_t *t)
{
    return t->filename ? t->filename : "stdin";
}

static int64_t file_source_clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- waiting ---------------------------------------------------------------- */

/* Adds the watch on the file's directory when it is missing (the directory
 * may not exist yet); without it waits fall back to sleeping. */
static void file_source_watch(file_source_task_t *t)
{
    if (t->inotify_fd < 0 || t->watch >= 0)
        return;
    t->watch = inotify_add_watch(t->inotify_fd, t->dir,
                                 IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                     IN_ONLYDIR);
}

/* Reads every pending inotify event; true when one may concern the file
 * (its name, a lost watch, or an overflowed queue). */
static bool file_source_drain_events(file_source_task_t *t)
{
    if (t->inotify_fd < 0)
        return false;
    bool relevant = false;
    _Alignas(struct inotify_event) char events[4096];
    for (;;) {
        ssize_t n = read(t->inotify_fd, events, sizeof events);
        if (n <= 0)
            break;
        for (size_t off = 0; off + sizeof(struct inotify_event) <= (size_t)n;) {
            struct inotify_event ev;
            memcpy(&ev, events + off, sizeof ev);
            const char *name = events + off + sizeof ev;
            if (ev.mask & IN_Q_OVERFLOW) {
                relevant = true;
            } else if (ev.mask & IN_IGNORED) {
                if (ev.wd == t->watch)
                    t->watch = -1;
                relevant = true;
            } else if (ev.len && strncmp(name, t->base, ev.len) == 0) {
                relevant = true;
            }
            off += sizeof ev + ev.len;
        }
    }
    return relevant;
}

/* Waits up to ms for something worth reading again, or for stop(). */
static void file_source_wait(file_source_task_t *t, int ms)
{
    int64_t deadline = file_source_clock_ms(CLOCK_MONOTONIC) + ms;
    for (;;) {
        if (atomic_load(&t->stopping))
            return;
        file_source_watch(t);
        struct pollfd fds[3];
        nfds_t n = 0;
        int events_at = -1, stdin_at = -1;
        fds[n++] = (struct pollfd){.fd = t->wake[0], .events = POLLIN};
        if (t->watch >= 0) {
            events_at = (int)n;
            fds[n++] = (struct pollfd){.fd = t->inotify_fd, .events = POLLIN};
        }
        /* After the end of stdin a pipe stays readable (hung up): sleep instead. */
        if (!t->filename && !t->stdin_eof) {
            stdin_at = (int)n;
            fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        }
        int64_t left = deadline - file_source_clock_ms(CLOCK_MONOTONIC);
        if (left <= 0)
            return;
        int r = poll(fds, n, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || fds[0].revents)
            return;
        if (stdin_at >= 0 && fds[stdin_at].revents)
            return;
        if (events_at >= 0 && fds[events_at].revents && file_source_drain_events(t))
            return;
        /* only events about other files in the directory: keep waiting */
    }
}

/* ---- the file ---------------------------------------------------------------- */

/*
 * Opens the file and applies the stored position the first time. Returns 1
 * when open, 0 when it does not exist yet, -1 with errstr.
 */
static int file_source_open(file_source_task_t *t, char *errstr, size_t errstr_size)
{
    int fd = open(t->filename, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            if (!t->missing_logged)
                sluice_log(t->ctx, SLUICE_LOG_WARN,
                           "Couldn't find file %s for FileStreamSourceTask, waiting for it "
                           "to be created",
                           t->filename);
            t->missing_logged = true;
            return 0;
        }
        snprintf(errstr, errstr_size, "Couldn't open file %s for reading: %s", t->filename,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) < 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "it is a directory";
    if (why) {
        snprintf(errstr, errstr_size, "Couldn't read file %s: %s", t->filename, why);
        close(fd);
        return -1;
    }
    t->fd = fd;
    t->regular = S_ISREG(st.st_mode);
    t->dev = st.st_dev;
    t->ino = st.st_ino;
    t->position = 0;
    t->start = t->end = 0;
    t->cutting = false;
    if (t->missing_logged)
        sluice_log(t->ctx, SLUICE_LOG_INFO, "Found file %s", t->filename);
    t->missing_logged = false;

    if (t->resume_pending) {
        t->resume_pending = false;
        int64_t want = t->resume_position;
        if (!t->regular) {
            sluice_log(t->ctx, SLUICE_LOG_INFO,
                       "Ignoring the stored position %" PRId64 ": %s is not a regular file", want,
                       t->filename);
        } else if (want > (int64_t)st.st_size) {
            sluice_log(t->ctx, SLUICE_LOG_WARN,
                       "The stored position %" PRId64 " is past the end of %s (%" PRId64
                       " bytes): the file was truncated or replaced; reading it from the start",
                       want, t->filename, (int64_t)st.st_size);
        } else if (lseek(fd, (off_t)want, SEEK_SET) < 0) {
            snprintf(errstr, errstr_size, "Couldn't seek to position %" PRId64 " in %s: %s", want,
                     t->filename, strerror(errno));
            close(fd);
            t->fd = -1;
            return -1;
        } else {
            t->position = want;
            sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Resuming %s at position %" PRId64, t->filename,
                       want);
        }
    }
    sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Opened %s for reading", t->filename);
    return 1;
}

/*
 * Reads more bytes after buf[end], making room first. Returns the number
 * read, 0 when none are available now, or -1 with errstr.
 */
static ssize_t file_source_fill(file_source_task_t *t, char *errstr, size_t errstr_size)
{
    size_t pending = t->end - t->start;
    if (t->start > 0) {
        memmove(t->buf, t->buf + t->start, pending);
        t->start = 0;
        t->end = pending;
    }
    if (t->cap > FILE_SOURCE_BUF_INITIAL && pending <= FILE_SOURCE_BUF_INITIAL / 2) {
        t->cap = FILE_SOURCE_BUF_INITIAL;
        t->buf = file_realloc(t->buf, t->cap);
    } else if (pending == t->cap) {
        /* A full buffer without a line: next_line cuts at FILE_SOURCE_LINE_MAX,
         * so a full buffer here is always below it. */
        size_t grown = t->cap * 2 > FILE_SOURCE_LINE_MAX ? FILE_SOURCE_LINE_MAX : t->cap * 2;
        if (grown == t->cap)
            return 0;
        sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Increased buffer from %zu to %zu", t->cap, grown);
        t->cap = grown;
        t->buf = file_realloc(t->buf, t->cap);
    }
    if (!t->filename) {
        /* Never block in read: stdin may be a terminal or a quiet pipe. */
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            return 0;
    }
    for (;;) {
        ssize_t n = read(t->fd, t->buf + t->end, t->cap - t->end);
        if (n > 0) {
            t->end += (size_t)n;
            t->stdin_eof = false;
            return n;
        }
        if (n == 0) {
            t->stdin_eof = !t->filename;
            return 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        snprintf(errstr, errstr_size, "Error reading %s: %s", file_source_name(t), strerror(errno));
        return -1;
    }
}

/*
 * Finds the next line in buf[start, end). Returns true with *len the bytes
 * of the line and *used those plus its terminator; false when more bytes
 * are needed.
 */
static bool file_source_next_line(file_source_task_t *t, size_t *len, size_t *used)
{
    const char *p = t->buf + t->start;
    size_t n = t->end - t->start;
    const char *nl = memchr(p, '\n', n);
    size_t limit = nl ? (size_t)(nl - p) : n;
    const char *cr = memchr(p, '\r', limit);
    if (cr) {
        size_t i = (size_t)(cr - p);
        if (i + 1 < n) {
            *len = i;
            *used = i + (p[i + 1] == '\n' ? 2 : 1);
            t->cutting = false;
            return true;
        }
        limit = i; /* a "\r" last: wait for the byte after it */
    } else if (nl) {
        *len = *used = limit;
        *used += 1;
        t->cutting = false;
        return true;
    }
    if (n < FILE_SOURCE_LINE_MAX)
        return false;
    /* Too long to hold whole: emit a piece, not splitting a UTF-8 character.
     * The last character starts at the last byte that is not a continuation
     * byte; if it needs more bytes than the piece has, it goes to the next. */
    size_t cut = limit, lead = limit;
    while (lead > 0 && limit - lead < 4 && ((unsigned char)p[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead > 1) {
        unsigned char b = (unsigned char)p[lead - 1];
        size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        if (need > limit - (lead - 1))
            cut = lead - 1;
    }
    if (!t->cutting)
        sluice_log(t->ctx, SLUICE_LOG_WARN,
                   "The line at position %" PRId64 " of %s is longer than %d bytes: it is "
                   "emitted in pieces of at most that size",
                   t->position, file_source_name(t), FILE_SOURCE_LINE_MAX);
    t->cutting = true;
    *len = *used = cut;
    return true;
}

/* Adds the record for one line, which ends at position. */
static void file_source_emit(file_source_task_t *t, sluice_records_t *out, const char *line,
                             size_t len, int64_t position, int64_t now_ms)
{
    sluice_record_t *record = sluice_record_new(t->topic);
    sluice_value_t *value;
    if (file_utf8_valid(line, len)) {
        value = sluice_value_string(line, len);
    } else {
        size_t fixed_len;
        char *fixed = file_utf8_repair(line, len, &fixed_len);
        value = sluice_value_string_take(fixed, fixed_len);
    }
    sluice_record_set_value(record, sluice_schema_of(SLUICE_TYPE_STRING, false), value);
    sluice_record_set_timestamp(record, now_ms);
    if (t->partition) {
        /* References, not copies: a line costs four allocations in all
         * (record, value, offset map, position). */
        sluice_record_set_source_partition(record, sluice_value_ref(t->partition));
        sluice_value_t *offset = sluice_value_map_new_sized(1);
        sluice_value_map_put(offset, sluice_value_ref(t->position_key),
                             sluice_value_int64(position));
        sluice_record_set_source_offset(record, offset);
    }
    sluice_records_add(out, record);
}

/* Emits what is left of a file that will not grow any more as its last
 * line (without a trailing "\r"). Returns the number of records added. */
static size_t file_source_emit_rest(file_source_task_t *t, sluice_records_t *out, int64_t now_ms)
{
    size_t n = t->end - t->start;
    if (n == 0)
        return 0;
    const char *p = t->buf + t->start;
    t->position += (int64_t)n;
    file_source_emit(t, out, p, p[n - 1] == '\r' ? n - 1 : n, t->position, now_ms);
    t->start = t->end = 0;
    return 1;
}

/*
 * At the end of the file: notices a file truncated below what was read, or
 * replaced under its name. Returns true when reading should start over; the
 * unfinished last line of the old content is emitted first (*emitted counts it).
 */
static bool file_source_check_replaced(file_source_task_t *t, sluice_records_t *out, int64_t now_ms,
                                       size_t *emitted)
{
    if (!t->filename || !t->regular || t->fd < 0)
        return false;
    struct stat st;
    int64_t read_end = t->position + (int64_t)(t->end - t->start);
    if (fstat(t->fd, &st) == 0 && (int64_t)st.st_size < read_end) {
        sluice_log(t->ctx, SLUICE_LOG_WARN,
                   "File %s was truncated (%" PRId64 " bytes, %" PRId64
                   " were read): reading it again from the start",
                   t->filename, (int64_t)st.st_size, read_end);
        *emitted += file_source_emit_rest(t, out, now_ms);
        if (lseek(t->fd, 0, SEEK_SET) < 0) {
            close(t->fd);
            t->fd = -1; /* reopened by the next attempt */
        }
        t->position = 0;
        t->start = t->end = 0;
        t->cutting = false;
        return true;
    }
    if (stat(t->filename, &st) == 0 && (st.st_dev != t->dev || st.st_ino != t->ino)) {
        /* The old file has been read to its end, so nothing of it is lost. */
        sluice_log(t->ctx, SLUICE_LOG_WARN,
                   "File %s was replaced by a new file (rotated): reading the new file from "
                   "the start",
                   t->filename);
        *emitted += file_source_emit_rest(t, out, now_ms);
        close(t->fd);
        t->fd = -1;
        return true;
    }
    return false;
}

/*
 * Emits the complete lines available now, reading as needed, until the
 * batch is full or no more bytes come. Returns 0, or -1 with errstr.
 */
static int file_source_read_lines(file_source_task_t *t, sluice_records_t *out, int64_t now_ms,
                                  size_t *emitted, size_t *bytes, char *errstr, size_t errstr_size)
{
    size_t batch = (size_t)t->batch_size;
    for (;;) {
        size_t len, used;
        while (*emitted < batch && *bytes < FILE_SOURCE_POLL_BYTES &&
               file_source_next_line(t, &len, &used)) {
            const char *line = t->buf + t->start;
            t->start += used;
            t->position += (int64_t)used;
            file_source_emit(t, out, line, len, t->position, now_ms);
            *emitted += 1;
            *bytes += len;
        }
        if (*emitted >= batch || *bytes >= FILE_SOURCE_POLL_BYTES)
            return 0;
        ssize_t n = file_source_fill(t, errstr, errstr_size);
        if (n <= 0)
            return (int)n;
    }
}

/* ---- task ops ---------------------------------------------------------------- */

static void file_source_destroy(void *self)
{
    file_source_task_t *t = self;
    if (!t)
        return;
    if (t->filename && t->fd >= 0)
        close(t->fd);
    if (t->inotify_fd >= 0)
        close(t->inotify_fd);
    for (int i = 0; i < 2; i++)
        if (t->wake[i] >= 0)
            close(t->wake[i]);
    sluice_value_destroy(t->partition);
    sluice_value_destroy(t->position_key);
    free(t->filename);
    free(t->topic);
    free(t->dir);
    free(t->buf);
    free(t);
}

/* Takes the stored offset's position. Returns 0, or -1 with errstr. */
static int file_source_take_offset(file_source_task_t *t, const sluice_value_t *offset,
                                   char *errstr, size_t errstr_size)
{
    if (sluice_value_type(offset) != SLUICE_TYPE_MAP) {
        snprintf(errstr, errstr_size, "The stored offset for %s is a %s, not a map", t->filename,
                 sluice_type_name(sluice_value_type(offset)));
        return -1;
    }
    const sluice_value_t *pos = sluice_value_map_get_str(offset, FILE_POSITION_FIELD);
    if (!pos)
        return 0; /* as Kafka: a null position starts at the beginning */
    int64_t position;
    switch (sluice_value_type(pos)) {
    case SLUICE_TYPE_INT8: position = sluice_value_get_int8(pos); break;
    case SLUICE_TYPE_INT16: position = sluice_value_get_int16(pos); break;
    case SLUICE_TYPE_INT32: position = sluice_value_get_int32(pos); break;
    case SLUICE_TYPE_INT64: position = sluice_value_get_int64(pos); break;
    default:
        snprintf(errstr, errstr_size,
                 "Offset position is the incorrect type: the stored '%s' for %s is a %s, not "
                 "an int64",
                 FILE_POSITION_FIELD, t->filename, sluice_type_name(sluice_value_type(pos)));
        return -1;
    }
    if (position < 0) {
        snprintf(errstr, errstr_size, "The stored '%s' for %s is negative (%" PRId64 ")",
                 FILE_POSITION_FIELD, t->filename, position);
        return -1;
    }
    sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Found previous offset %" PRId64 " for %s", position,
               t->filename);
    t->resume_pending = true;
    t->resume_position = position;
    return 0;
}

static sluice_result_t file_source_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                         void **self, char *errstr, size_t errstr_size)
{
    file_source_task_t *t = file_calloc(1, sizeof(*t));
    t->ctx = ctx;
    t->fd = -1;
    t->inotify_fd = -1;
    t->watch = -1;
    t->wake[0] = t->wake[1] = -1;
    atomic_init(&t->stopping, false);
    const char *file = sluice_config_get_string(config, FILE_CONFIG);
    if (file && file[0])
        t->filename = file_strdup(file);
    t->topic = file_strdup(sluice_config_get_string(config, FILE_TOPIC_CONFIG));
    t->batch_size = sluice_config_get_int(config, FILE_BATCH_SIZE_CONFIG);
    if (t->batch_size < 1)
        t->batch_size = 1;
    t->cap = FILE_SOURCE_BUF_INITIAL;
    t->buf = file_alloc(t->cap);

    if (pipe2(t->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        snprintf(errstr, errstr_size, "Couldn't create the task's wake-up pipe: %s",
                 strerror(errno));
        goto fail;
    }
    if (!t->filename) {
        t->fd = STDIN_FILENO;
        *self = t;
        return SLUICE_OK;
    }

    t->partition = sluice_value_map_new();
    sluice_value_map_put_str(t->partition, FILE_FILENAME_FIELD, sluice_value_cstring(t->filename));
    t->position_key = sluice_value_cstring(FILE_POSITION_FIELD);

    const char *slash = strrchr(t->filename, '/');
    if (!slash) {
        t->dir = file_strdup(".");
        t->base = t->filename;
    } else {
        size_t dir_len = slash == t->filename ? 1 : (size_t)(slash - t->filename);
        t->dir = file_alloc(dir_len + 1);
        memcpy(t->dir, t->filename, dir_len);
        t->dir[dir_len] = '\0';
        t->base = slash + 1;
    }
    t->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (t->inotify_fd < 0)
        sluice_log(ctx, SLUICE_LOG_DEBUG,
                   "inotify is unavailable (%s): new lines are noticed within %d ms",
                   strerror(errno), FILE_SOURCE_EOF_WAIT_MS);

    sluice_value_t *offset = sluice_ctx_offset(ctx, t->partition);
    if (offset) {
        int r = file_source_take_offset(t, offset, errstr, errstr_size);
        sluice_value_destroy(offset);
        if (r < 0)
            goto fail;
    }
    *self = t;
    return SLUICE_OK;

fail:
    file_source_destroy(t);
    return SLUICE_FATAL;
}

static sluice_result_t file_source_poll(void *self, sluice_records_t *out, char *errstr,
                                        size_t errstr_size)
{
    file_source_task_t *t = self;
    size_t emitted = 0, bytes = 0;
    int restarts = 0;
    bool waited = false;
    for (;;) {
        /* Kafka stamps each record with the time it was read. */
        int64_t now_ms = file_source_clock_ms(CLOCK_REALTIME);
        if (t->fd < 0 && file_source_open(t, errstr, errstr_size) < 0)
            return SLUICE_FATAL;
        if (t->fd >= 0) {
            /* Events so far are about bytes this read will see. */
            file_source_drain_events(t);
            if (file_source_read_lines(t, out, now_ms, &emitted, &bytes, errstr, errstr_size) < 0)
                return SLUICE_FATAL;
            if (emitted > 0)
                return SLUICE_OK;
            /* Bounded: a file replaced over and over must not hold the poll. */
            if (restarts < 3 && file_source_check_replaced(t, out, now_ms, &emitted)) {
                restarts++;
                continue;
            }
        }
        if (waited || atomic_load(&t->stopping))
            return SLUICE_OK;
        file_source_wait(t, FILE_SOURCE_EOF_WAIT_MS);
        waited = true;
    }
}

/* Any thread: makes the current and every later wait return at once. */
static void file_source_stop(void *self)
{
    file_source_task_t *t = self;
    atomic_store(&t->stopping, true);
    char byte = 1;
    if (write(t->wake[1], &byte, 1) < 0) {
        /* the pipe is full: a wake-up is pending already */
    }
}

const sluice_source_task_ops_t file_stream_source_task_ops = {
    .struct_size = sizeof(sluice_source_task_ops_t),
    .start = file_source_start,
    .poll = file_source_poll,
    .stop = file_source_stop,
    .destroy = file_source_destroy,
};
