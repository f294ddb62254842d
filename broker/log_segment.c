/* A log segment: its file, its indexes, and the scans over its batches. */
#include "log_segment.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

#define SET_ERR(...)                                                                               \
    do {                                                                                           \
        if (errstr && errstr_size)                                                                 \
            snprintf(errstr, errstr_size, __VA_ARGS__);                                            \
    } while (0)

/* Header scans read this much at a time: a few batches' worth, so walking
 * from an index entry to the batch wanted is one or two reads. */
#define SCAN_CHUNK 8192
/* Recovery reads whole batches to check their CRC. */
#define RECOVER_CHUNK (1024 * 1024)

/* ---- reference-counted file ---- */

broker_log_file_t *broker_log_file_new(int fd)
{
    broker_log_file_t *file = mem_alloc(sizeof *file);
    atomic_init(&file->refs, 1);
    file->fd = fd;
    return file;
}

broker_log_file_t *broker_log_file_ref(broker_log_file_t *file)
{
    atomic_fetch_add_explicit(&file->refs, 1, memory_order_relaxed);
    return file;
}

void broker_log_file_unref(broker_log_file_t *file)
{
    if (!file)
        return;
    if (atomic_fetch_sub_explicit(&file->refs, 1, memory_order_acq_rel) == 1) {
        close(file->fd);
        free(file);
    }
}

/* ---- batch reader ---- */

void broker_batch_reader_init(broker_batch_reader_t *r, int fd, int64_t pos, int64_t limit,
                              uint8_t *buf, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->pos = pos;
    r->limit = limit;
    r->cap = cap;
    if (buf) {
        r->buf = buf;
    } else {
        r->buf = mem_alloc(cap);
        r->owned = true;
    }
}

void broker_batch_reader_free(broker_batch_reader_t *r)
{
    if (r->owned)
        free(r->buf);
    r->buf = NULL;
    r->owned = false;
}

/* Makes [pos, pos + need) available in the buffer; pos + need <= limit. */
static int reader_fill(broker_batch_reader_t *r, int64_t pos, size_t need)
{
    if (pos >= r->buf_off && pos + (int64_t)need <= r->buf_off + (int64_t)r->buf_len)
        return 0;
    if (need > r->cap) {
        size_t cap = r->cap * 2 > need ? r->cap * 2 : need;
        if (r->owned) {
            r->buf = mem_realloc(r->buf, cap);
        } else {
            r->buf = mem_alloc(cap);
            r->owned = true;
        }
        r->cap = cap;
    }
    size_t want = r->cap;
    if ((int64_t)want > r->limit - pos)
        want = (size_t)(r->limit - pos);
    size_t got = 0;
    r->buf_len = 0;
    while (got < want) {
        ssize_t n = pread(r->fd, r->buf + got, want - got, pos + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(r->errstr, sizeof r->errstr, "read at byte %" PRId64 " failed: %s",
                     pos + (int64_t)got, strerror(errno));
            r->io_error = true;
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    r->buf_off = pos;
    r->buf_len = got;
    if (got < need) {
        snprintf(r->errstr, sizeof r->errstr,
                 "file ends at byte %" PRId64 ", before the %zu bytes wanted at %" PRId64,
                 pos + (int64_t)got, need, pos);
        return -1;
    }
    return 0;
}

int broker_batch_reader_header(broker_batch_reader_t *r, broker_batch_header_t *hdr)
{
    if (r->pos >= r->limit)
        return 0;
    int64_t left = r->limit - r->pos;
    if (left < BROKER_BATCH_HEADER_SIZE) {
        snprintf(r->errstr, sizeof r->errstr,
                 "%" PRId64 " bytes at byte %" PRId64 " are too few for a batch header", left,
                 r->pos);
        return -1;
    }
    if (reader_fill(r, r->pos, BROKER_BATCH_HEADER_SIZE) != 0)
        return -1;
    broker_batch_header_read(r->buf + (r->pos - r->buf_off), BROKER_BATCH_HEADER_SIZE, hdr);
    if (hdr->magic != 2) {
        snprintf(r->errstr, sizeof r->errstr, "batch at byte %" PRId64 " has magic %d", r->pos,
                 hdr->magic);
        return -1;
    }
    if (hdr->batch_length < BROKER_BATCH_HEADER_SIZE - BROKER_BATCH_LOG_OVERHEAD ||
        (int64_t)broker_batch_size(hdr) > left) {
        snprintf(r->errstr, sizeof r->errstr,
                 "batch at byte %" PRId64 " has length %" PRId32 " but %" PRId64 " bytes remain",
                 r->pos, hdr->batch_length, left - BROKER_BATCH_LOG_OVERHEAD);
        return -1;
    }
    return 1;
}

int broker_batch_reader_batch(broker_batch_reader_t *r, const uint8_t **batch,
                              broker_batch_header_t *hdr)
{
    int rc = broker_batch_reader_header(r, hdr);
    if (rc != 1)
        return rc;
    if (reader_fill(r, r->pos, broker_batch_size(hdr)) != 0)
        return -1;
    *batch = r->buf + (r->pos - r->buf_off);
    return 1;
}

/* ---- segment ---- */

void broker_segment_filename(char *out, size_t size, const char *dir, int64_t base_offset,
                             const char *ext)
{
    snprintf(out, size, "%s/%020" PRId64 "%s", dir, base_offset, ext);
}

static int segment_open_indexes(broker_segment_t *seg, size_t index_max_bytes, char *errstr,
                                size_t errstr_size)
{
    char path[4096];
    size_t max = seg->active ? index_max_bytes : 0;
    snprintf(path, sizeof path, "%s.index", seg->path);
    if (broker_index_open(&seg->offset_index, path, BROKER_OFFSET_INDEX_ENTRY, seg->base_offset,
                          max, errstr, errstr_size) != 0)
        return -1;
    snprintf(path, sizeof path, "%s.timeindex", seg->path);
    if (broker_index_open(&seg->time_index, path, BROKER_TIME_INDEX_ENTRY, seg->base_offset, max,
                          errstr, errstr_size) != 0)
        return -1;
    return 0;
}

broker_segment_t *broker_segment_open(const char *dir, int64_t base_offset, bool active,
                                      bool truncate, size_t index_max_bytes, int64_t now_ms,
                                      char *errstr, size_t errstr_size)
{
    char path[4096];
    broker_segment_t *seg = mem_calloc(1, sizeof *seg);
    seg->offset_index.fd = -1;
    seg->time_index.fd = -1;
    seg->base_offset = base_offset;
    seg->next_offset = base_offset;
    seg->max_timestamp = -1;
    seg->offset_of_max_timestamp = base_offset;
    seg->max_timestamp_prefix = -1;
    seg->rolling_timestamp = -1;
    seg->created_ms = now_ms;
    seg->active = active;
    broker_segment_filename(path, sizeof path, dir, base_offset, "");
    seg->path = mem_strdup(path);

    broker_segment_filename(path, sizeof path, dir, base_offset, ".log");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd < 0) {
        SET_ERR("cannot open segment %s: %s", path, strerror(errno));
        goto err;
    }
    seg->file = broker_log_file_new(fd);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        SET_ERR("cannot stat segment %s: %s", path, strerror(errno));
        goto err;
    }
    seg->size = st.st_size;
    if (truncate) {
        /* A fresh segment: stale index files of the same name describe
         * nothing any more. */
        char ipath[4096];
        snprintf(ipath, sizeof ipath, "%s.index", seg->path);
        unlink(ipath);
        snprintf(ipath, sizeof ipath, "%s.timeindex", seg->path);
        unlink(ipath);
    }
    if (segment_open_indexes(seg, index_max_bytes, errstr, errstr_size) != 0)
        goto err;
    return seg;

err:
    broker_segment_destroy(seg);
    return NULL;
}

void broker_segment_destroy(broker_segment_t *seg)
{
    if (!seg)
        return;
    broker_index_close(&seg->offset_index);
    broker_index_close(&seg->time_index);
    broker_log_file_unref(seg->file);
    free(seg->path);
    free(seg);
}

void broker_segment_unlink(const broker_segment_t *seg)
{
    static const char *const exts[] = {".log", ".index", ".timeindex"};
    char path[4096];
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        snprintf(path, sizeof path, "%s%s", seg->path, exts[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            log_warn(NULL, "broker-log", "Cannot delete %s: %s", path, strerror(errno));
    }
}

/* Records one batch in the in-memory state and, by Kafka's rule (more than
 * index_interval bytes since the last entry), in the indexes. */
static void segment_account(broker_segment_t *seg, const broker_batch_header_t *hdr,
                            int64_t position, int32_t index_interval)
{
    int64_t last = broker_batch_last_offset(hdr);
    if (position == 0)
        seg->rolling_timestamp = hdr->max_timestamp;
    if (hdr->max_timestamp > seg->max_timestamp) {
        seg->max_timestamp = hdr->max_timestamp;
        seg->offset_of_max_timestamp = last;
    }
    if (seg->bytes_since_index > index_interval) {
        if (broker_offset_index_append(&seg->offset_index, last, position) == 0)
            seg->last_index_position = position;
        if (seg->max_timestamp >= 0)
            broker_time_index_append(&seg->time_index, seg->max_timestamp,
                                     seg->offset_of_max_timestamp);
        seg->bytes_since_index = 0;
    }
    seg->bytes_since_index += (int64_t)broker_batch_size(hdr);
    seg->next_offset = last + 1;
}

int broker_segment_load(broker_segment_t *seg, int32_t index_interval, char *errstr,
                        size_t errstr_size)
{
    char why[512];
    broker_batch_header_t hdr;
    uint8_t buf[SCAN_CHUNK];
    broker_batch_reader_t r;
    int64_t last_off = seg->base_offset - 1, pos = 0, ts, ts_off;
    int rc;

    if (seg->size == 0) {
        if (seg->offset_index.entries || seg->time_index.entries) {
            broker_index_truncate(&seg->offset_index, 0);
            broker_index_truncate(&seg->time_index, 0);
        }
        return 0;
    }
    if (seg->offset_index.created || seg->time_index.created) {
        log_info(NULL, "broker-log", "Index files of segment %s.log are missing; rebuilding them",
                 seg->path);
        return 1;
    }
    if (broker_offset_index_check(&seg->offset_index, why, sizeof why) != 0 ||
        broker_time_index_check(&seg->time_index, why, sizeof why) != 0)
        goto rebuild;
    if (seg->offset_index.entries > 0) {
        broker_offset_index_entry(&seg->offset_index, seg->offset_index.entries - 1, &last_off,
                                  &pos);
        broker_batch_reader_init(&r, seg->file->fd, pos, seg->size, buf, sizeof buf);
        rc = broker_batch_reader_header(&r, &hdr);
        broker_batch_reader_free(&r);
        if (rc < 0 && !r.errstr[0])
            snprintf(r.errstr, sizeof r.errstr, "it is past the end of the log");
        if (rc != 1 || broker_batch_last_offset(&hdr) != last_off) {
            snprintf(why, sizeof why,
                     "its last entry (offset %" PRId64 ", position %" PRId64
                     ") does not name a batch: %s",
                     last_off, pos, rc == 1 ? "offsets differ" : r.errstr);
            goto rebuild;
        }
    }

    /* Walk from the last entry to the end, replaying the indexing rule: a
     * batch that should have been indexed but was not means a stale index. */
    seg->bytes_since_index = 0;
    seg->last_index_position = pos;
    broker_batch_reader_init(&r, seg->file->fd, pos, seg->size, buf, sizeof buf);
    while ((rc = broker_batch_reader_header(&r, &hdr)) == 1) {
        if (r.pos > pos && seg->bytes_since_index > index_interval) {
            broker_batch_reader_free(&r);
            snprintf(why, sizeof why, "the batch at byte %" PRId64 " has no entry", r.pos);
            goto rebuild;
        }
        if (broker_batch_last_offset(&hdr) <= last_off && r.pos > pos) {
            broker_batch_reader_free(&r);
            snprintf(why, sizeof why, "offsets go backwards at byte %" PRId64, r.pos);
            goto rebuild;
        }
        last_off = broker_batch_last_offset(&hdr);
        if (hdr.max_timestamp > seg->max_timestamp) {
            seg->max_timestamp = hdr.max_timestamp;
            seg->offset_of_max_timestamp = last_off;
        }
        seg->bytes_since_index += (int64_t)broker_batch_size(&hdr);
        broker_batch_reader_advance(&r, &hdr);
    }
    broker_batch_reader_free(&r);
    if (rc < 0) {
        snprintf(why, sizeof why, "the log does not frame: %s", r.errstr);
        goto rebuild;
    }
    seg->next_offset = last_off + 1;
    if (broker_time_index_last(&seg->time_index, &ts, &ts_off)) {
        if (ts_off > last_off) {
            snprintf(why, sizeof why, "the time index names offset %" PRId64 " past the end",
                     ts_off);
            goto rebuild;
        }
        if (ts > seg->max_timestamp) {
            seg->max_timestamp = ts;
            seg->offset_of_max_timestamp = ts_off;
        }
    }
    broker_batch_reader_init(&r, seg->file->fd, 0, seg->size, buf, sizeof buf);
    if (broker_batch_reader_header(&r, &hdr) == 1)
        seg->rolling_timestamp = hdr.max_timestamp;
    broker_batch_reader_free(&r);
    (void)errstr;
    (void)errstr_size;
    return 0;

rebuild:
    log_warn(NULL, "broker-log", "Index of segment %s.log is damaged (%s); rebuilding it",
             seg->path, why);
    return 1;
}

int64_t broker_segment_recover(broker_segment_t *seg, int32_t index_interval,
                               size_t index_max_bytes, char *errstr, size_t errstr_size)
{
    broker_batch_reader_t r;
    broker_batch_header_t hdr;
    const uint8_t *batch;
    char why[256] = "";
    int64_t batches = 0, prev_last = seg->base_offset - 1;
    int rc;

    if (broker_index_reset(&seg->offset_index, index_max_bytes) != 0 ||
        broker_index_reset(&seg->time_index, index_max_bytes) != 0) {
        SET_ERR("cannot rebuild the indexes of %s.log: %s", seg->path, strerror(errno));
        return -1;
    }
    seg->next_offset = seg->base_offset;
    seg->max_timestamp = -1;
    seg->offset_of_max_timestamp = seg->base_offset;
    seg->rolling_timestamp = -1;
    seg->bytes_since_index = 0;
    seg->last_index_position = 0;

    broker_batch_reader_init(&r, seg->file->fd, 0, seg->size, NULL, RECOVER_CHUNK);
    while ((rc = broker_batch_reader_batch(&r, &batch, &hdr)) == 1) {
        if (broker_batch_check_stored(batch, broker_batch_size(&hdr), &hdr, why, sizeof why)) {
            rc = -1;
            break;
        }
        if (hdr.base_offset <= prev_last ||
            broker_batch_last_offset(&hdr) - seg->base_offset > INT32_MAX) {
            snprintf(why, sizeof why,
                     "batch offsets %" PRId64 "..%" PRId64 " do not follow offset %" PRId64
                     " in a segment based at %" PRId64,
                     hdr.base_offset, broker_batch_last_offset(&hdr), prev_last, seg->base_offset);
            rc = -1;
            break;
        }
        prev_last = broker_batch_last_offset(&hdr);
        segment_account(seg, &hdr, r.pos, index_interval);
        batches++;
        broker_batch_reader_advance(&r, &hdr);
    }
    int64_t valid = r.pos;
    if (rc < 0 && !why[0])
        snprintf(why, sizeof why, "%s", r.errstr);
    broker_batch_reader_free(&r);
    if (rc < 0 && r.io_error) {
        /* A disk that fails to read says nothing about the bytes: keep them. */
        SET_ERR("cannot recover %s.log: %s", seg->path, why);
        return -1;
    }

    int64_t truncated = seg->size - valid;
    if (truncated > 0) {
        log_warn(NULL, "broker-log",
                 "Truncated %" PRId64 " bytes at the end of segment %s.log during recovery "
                 "(kept %" PRId64 " bytes in %" PRId64 " batches up to offset %" PRId64 "): %s",
                 truncated, seg->path, valid, batches, seg->next_offset - 1, why);
        if (ftruncate(seg->file->fd, valid) != 0) {
            SET_ERR("cannot truncate %s.log to %" PRId64 " bytes: %s", seg->path, valid,
                    strerror(errno));
            return -1;
        }
        seg->size = valid;
    }
    if (seg->max_timestamp >= 0)
        broker_time_index_append(&seg->time_index, seg->max_timestamp,
                                 seg->offset_of_max_timestamp);
    if (!seg->active) {
        if (broker_index_trim(&seg->offset_index) != 0 ||
            broker_index_trim(&seg->time_index) != 0) {
            SET_ERR("cannot trim the indexes of %s.log: %s", seg->path, strerror(errno));
            return -1;
        }
    }
    seg->offset_index.created = false;
    seg->time_index.created = false;
    return truncated;
}

int broker_segment_write(broker_segment_t *seg, const uint8_t *batch, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(seg->file->fd, batch + done, len - done, seg->size + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int saved = n < 0 ? errno : ENOSPC;
            /* Leave no partial batch behind for the next append to follow. */
            if (done > 0 && ftruncate(seg->file->fd, seg->size) != 0)
                log_error(NULL, "broker-log", "Cannot cut back %s.log after a failed write: %s",
                          seg->path, strerror(errno));
            errno = saved;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

void broker_segment_commit(broker_segment_t *seg, const broker_batch_header_t *hdr, size_t len,
                           int32_t index_interval)
{
    (void)len;
    segment_account(seg, hdr, seg->size, index_interval);
    seg->size += (int64_t)broker_batch_size(hdr);
    seg->dirty = true;
}

bool broker_segment_index_full(const broker_segment_t *seg)
{
    return broker_index_is_full(&seg->offset_index) || broker_index_is_full(&seg->time_index);
}

void broker_segment_deactivate(broker_segment_t *seg)
{
    if (!seg->active)
        return;
    if (seg->max_timestamp >= 0)
        broker_time_index_append(&seg->time_index, seg->max_timestamp,
                                 seg->offset_of_max_timestamp);
    if (broker_index_trim(&seg->offset_index) != 0 || broker_index_trim(&seg->time_index) != 0)
        log_warn(NULL, "broker-log", "Cannot trim the indexes of %s.log: %s", seg->path,
                 strerror(errno));
    seg->active = false;
}

/* Scans headers from position for the first batch satisfying the test. */
static int segment_scan(const broker_segment_t *seg, int64_t position, bool by_time, int64_t target,
                        int64_t *found, broker_batch_header_t *hdr)
{
    uint8_t buf[SCAN_CHUNK];
    broker_batch_reader_t r;
    int rc;
    broker_batch_reader_init(&r, seg->file->fd, position, seg->size, buf, sizeof buf);
    while ((rc = broker_batch_reader_header(&r, hdr)) == 1) {
        if (by_time ? hdr->max_timestamp >= target : broker_batch_last_offset(hdr) >= target) {
            *found = r.pos;
            break;
        }
        broker_batch_reader_advance(&r, hdr);
    }
    if (rc < 0)
        log_error(NULL, "broker-log", "Segment %s.log: %s", seg->path, r.errstr);
    broker_batch_reader_free(&r);
    return rc;
}

int broker_segment_find_offset(const broker_segment_t *seg, int64_t target, int64_t *position,
                               broker_batch_header_t *hdr)
{
    int64_t off, pos;
    broker_offset_index_lookup(&seg->offset_index, target, &off, &pos);
    return segment_scan(seg, pos, false, target, position, hdr);
}

int broker_segment_find_timestamp(const broker_segment_t *seg, int64_t target, int64_t *position,
                                  broker_batch_header_t *hdr)
{
    int64_t ts, off = seg->base_offset, pos = 0;
    if (broker_time_index_lookup(&seg->time_index, target, &ts, &off))
        broker_offset_index_lookup(&seg->offset_index, off, &off, &pos);
    return segment_scan(seg, pos, true, target, position, hdr);
}

int broker_segment_read_end(const broker_segment_t *seg, int64_t start, int64_t budget,
                            int64_t *end, int64_t *first_size)
{
    uint8_t buf[SCAN_CHUNK];
    broker_batch_reader_t r;
    broker_batch_header_t hdr;
    int64_t off, pos, limit = start + budget;
    int rc;
    *first_size = 0;
    if (seg->size - start <= budget) {
        *end = seg->size;
        return 0;
    }
    broker_offset_index_lookup_position(&seg->offset_index, limit, &off, &pos);
    if (pos < start)
        pos = start;
    broker_batch_reader_init(&r, seg->file->fd, pos, seg->size, buf, sizeof buf);
    while ((rc = broker_batch_reader_header(&r, &hdr)) == 1) {
        if (r.pos == start)
            *first_size = (int64_t)broker_batch_size(&hdr);
        if (r.pos + (int64_t)broker_batch_size(&hdr) > limit)
            break;
        broker_batch_reader_advance(&r, &hdr);
    }
    if (rc < 0)
        log_error(NULL, "broker-log", "Segment %s.log: %s", seg->path, r.errstr);
    *end = r.pos;
    broker_batch_reader_free(&r);
    return rc < 0 ? -1 : 0;
}
