/* Retention, flush policy and compaction of partition logs. */
#include "log_cleaner.h"

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

#define LOGGER "broker-cleaner"

/* ---- retention ---- */

/* Kafka's segment.largestTimestamp: the max record timestamp, or the file's
 * last modification when no batch carries one. */
static int64_t segment_largest_timestamp(const broker_segment_t *seg)
{
    if (seg->max_timestamp >= 0)
        return seg->max_timestamp;
    struct stat st;
    if (fstat(seg->file->fd, &st) != 0)
        return -1;
    return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

int broker_cleaner_retention(broker_log_t *log, int64_t now_ms)
{
    broker_segment_t *stack_removed[16];
    broker_segment_t **removed = stack_removed;
    size_t k_time = 0, k_size = 0, k;
    pthread_mutex_lock(&log->lock);
    if (log->closed || !(log->conf.cleanup_policy & BROKER_CLEANUP_DELETE) || log->nsegments < 2) {
        pthread_mutex_unlock(&log->lock);
        return 0;
    }
    size_t nclosed = log->nsegments - 1;
    if (log->conf.retention_ms >= 0) {
        while (k_time < nclosed) {
            int64_t ts = segment_largest_timestamp(log->segments[k_time]);
            if (ts < 0 || now_ms - ts <= log->conf.retention_ms)
                break;
            k_time++;
        }
    }
    if (log->conf.retention_bytes >= 0) {
        int64_t total = 0;
        for (size_t i = 0; i < log->nsegments; i++)
            total += log->segments[i]->size;
        int64_t diff = total - log->conf.retention_bytes;
        while (k_size < nclosed && diff - log->segments[k_size]->size >= 0) {
            diff -= log->segments[k_size]->size;
            k_size++;
        }
    }
    k = k_time > k_size ? k_time : k_size;
    if (k == 0) {
        pthread_mutex_unlock(&log->lock);
        return 0;
    }
    if (k > sizeof stack_removed / sizeof stack_removed[0])
        removed = mem_alloc(k * sizeof *removed);
    memcpy(removed, log->segments, k * sizeof *removed);
    memmove(log->segments, log->segments + k, (log->nsegments - k) * sizeof *log->segments);
    log->nsegments -= k;
    int64_t old_start = log->log_start_offset;
    if (log->segments[0]->base_offset > log->log_start_offset)
        log->log_start_offset = log->segments[0]->base_offset;
    if (log->cleaner_checkpoint < log->log_start_offset)
        log->cleaner_checkpoint = log->log_start_offset;
    int64_t new_start = log->log_start_offset;
    broker_log_update_time_prefix_locked(log, 0);
    pthread_mutex_unlock(&log->lock);

    /* Out of the list, the segments belong to this thread; a fetch still
     * sending from one holds its own reference on the file. */
    for (size_t i = 0; i < k; i++) {
        broker_segment_t *seg = removed[i];
        log_info(log->name, LOGGER,
                 "Deleting segment %s.log (offsets %" PRId64 "..%" PRId64 ", %" PRId64
                 " bytes) by retention.%s",
                 seg->path, seg->base_offset, seg->next_offset - 1, seg->size,
                 i < k_time ? "ms" : "bytes");
        broker_segment_unlink(seg);
        broker_segment_destroy(seg);
    }
    fsync(log->dir_fd);
    log_info(log->name, LOGGER, "Log start offset moved from %" PRId64 " to %" PRId64, old_start,
             new_start);
    if (removed != stack_removed)
        free(removed);
    return (int)k;
}

/* ---- flush policy ---- */

bool broker_cleaner_flush_due(broker_log_t *log, int64_t now_ms)
{
    return broker_cleaner_flush_wait_ms(log, now_ms) == 0;
}

int64_t broker_cleaner_flush_wait_ms(broker_log_t *log, int64_t now_ms)
{
    int64_t wait = -1;
    pthread_mutex_lock(&log->lock);
    if (log->closed) {
        wait = -1;
    } else if (log->flush_pending || (log->unflushed_messages > 0 &&
                                      log->unflushed_messages >= log->conf.flush_messages)) {
        wait = 0;
    } else if (log->unflushed_messages > 0 && log->conf.flush_ms != INT64_MAX &&
               log->conf.flush_ms >= 0) {
        wait = log->last_flush_ms + log->conf.flush_ms - now_ms;
        if (wait < 0)
            wait = 0;
    }
    pthread_mutex_unlock(&log->lock);
    return wait;
}

/* ---- compaction ---- */

bool broker_cleaner_compaction_due(broker_log_t *log)
{
    int64_t total = 0, dirty = 0;
    pthread_mutex_lock(&log->lock);
    bool compact = !log->closed && (log->conf.cleanup_policy & BROKER_CLEANUP_COMPACT);
    double ratio = log->conf.min_cleanable_dirty_ratio;
    for (size_t i = 0; compact && i + 1 < log->nsegments; i++) {
        total += log->segments[i]->size;
        if (log->segments[i]->base_offset >= log->cleaner_checkpoint)
            dirty += log->segments[i]->size;
    }
    pthread_mutex_unlock(&log->lock);
    return compact && dirty > 0 && (double)dirty >= ratio * (double)total;
}

/*
 * The key -> latest offset map. Keys are copied into an arena (not hashed
 * down to a digest as Kafka does) so two keys can never be mistaken for one
 * another -- __consumer_offsets holds every group's keys. Its memory is
 * capped: a put that would pass the cap fails and the run covers less.
 */
typedef struct key_slot {
    uint64_t hash;
    int64_t offset; /* -1: empty */
    uint32_t key_off;
    uint32_t key_len;
} key_slot_t;

typedef struct key_map {
    key_slot_t *slots;
    size_t cap; /* a power of two */
    size_t count;
    uint8_t *arena;
    size_t arena_len;
    size_t arena_cap;
    size_t limit;
} key_map_t;

static uint64_t key_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static size_t key_map_bytes(size_t cap, size_t arena_cap)
{
    return cap * sizeof(key_slot_t) + arena_cap;
}

static void key_map_init(key_map_t *m, int64_t limit)
{
    memset(m, 0, sizeof *m);
    if (limit < 1024 * 1024)
        limit = 1024 * 1024;
    if (limit > (int64_t)UINT32_MAX)
        limit = UINT32_MAX;
    m->limit = (size_t)limit;
    m->cap = 1024;
    m->slots = mem_alloc(m->cap * sizeof *m->slots);
    for (size_t i = 0; i < m->cap; i++)
        m->slots[i].offset = -1;
}

static void key_map_free(key_map_t *m)
{
    free(m->slots);
    free(m->arena);
}

static key_slot_t *key_map_find(const key_map_t *m, const uint8_t *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        key_slot_t *s = &m->slots[i];
        if (s->offset < 0)
            return s;
        if (s->hash == h && s->key_len == len && memcmp(m->arena + s->key_off, key, len) == 0)
            return s;
    }
}

/* The latest offset recorded for key, or -1. */
static int64_t key_map_get(const key_map_t *m, const uint8_t *key, size_t len)
{
    return key_map_find(m, key, len, key_hash(key, len))->offset;
}

/* Records offset as the latest of key. 0, or -1 when the cap is reached. */
static int key_map_put(key_map_t *m, const uint8_t *key, size_t len, int64_t offset)
{
    uint64_t h = key_hash(key, len);
    key_slot_t *s = key_map_find(m, key, len, h);
    if (s->offset >= 0) {
        s->offset = offset;
        return 0;
    }
    if ((m->count + 1) * 2 > m->cap) {
        size_t ncap = m->cap * 2;
        if (key_map_bytes(ncap, m->arena_cap) > m->limit)
            return -1;
        key_slot_t *old = m->slots;
        size_t ocap = m->cap;
        m->slots = mem_alloc(ncap * sizeof *m->slots);
        m->cap = ncap;
        for (size_t i = 0; i < ncap; i++)
            m->slots[i].offset = -1;
        for (size_t i = 0; i < ocap; i++) {
            if (old[i].offset < 0)
                continue;
            size_t j = old[i].hash & (ncap - 1);
            while (m->slots[j].offset >= 0)
                j = (j + 1) & (ncap - 1);
            m->slots[j] = old[i];
        }
        free(old);
        s = key_map_find(m, key, len, h);
    }
    if (m->arena_len + len > m->arena_cap) {
        size_t ncap = m->arena_cap ? m->arena_cap * 2 : 64 * 1024;
        while (ncap < m->arena_len + len)
            ncap *= 2;
        if (key_map_bytes(m->cap, ncap) > m->limit)
            return -1;
        m->arena = mem_realloc(m->arena, ncap);
        m->arena_cap = ncap;
    }
    if (len)
        memcpy(m->arena + m->arena_len, key, len);
    s->hash = h;
    s->offset = offset;
    s->key_off = (uint32_t)m->arena_len;
    s->key_len = (uint32_t)len;
    m->arena_len += len;
    m->count++;
    return 0;
}

/* A closed segment as it was when the run started. */
typedef struct snap_segment {
    int64_t base_offset;
    int64_t size;
    broker_log_file_t *file;
    char path[4096]; /* "<dir>/<base>" */
} snap_segment_t;

/* Maps the keys of the uncompressed batches of one segment. Returns 0 when
 * the whole segment fit, 1 when the cap was reached part way, -1 on error. */
static int map_segment(broker_log_t *log, const snap_segment_t *ss, key_map_t *map,
                       bool *saw_compressed)
{
    broker_batch_reader_t r;
    broker_batch_header_t hdr;
    const uint8_t *batch;
    int rc, result = 0;
    char why[256];
    broker_batch_reader_init(&r, ss->file->fd, 0, ss->size, NULL, 1024 * 1024);
    while (result == 0 && (rc = broker_batch_reader_batch(&r, &batch, &hdr)) == 1) {
        if (broker_batch_compression(&hdr) != BROKER_COMPRESSION_NONE) {
            *saw_compressed = true;
        } else if (!broker_batch_is_control(&hdr)) {
            broker_record_iter_t it;
            broker_record_t rec;
            int rr;
            broker_record_iter_init(&it, batch, broker_batch_size(&hdr), &hdr);
            while ((rr = broker_record_iter_next(&it, &rec, why, sizeof why)) == 1) {
                if (rec.key_len >= 0 &&
                    key_map_put(map, rec.key, (size_t)rec.key_len, rec.offset) != 0) {
                    result = 1;
                    break;
                }
            }
            if (rr < 0) {
                log_error(log->name, LOGGER,
                          "Cannot compact: batch at byte %" PRId64 " of %s.log: %s", r.pos,
                          ss->path, why);
                result = -1;
            }
        }
        broker_batch_reader_advance(&r, &hdr);
    }
    if (rc < 0) {
        log_error(log->name, LOGGER, "Cannot compact: %s.log: %s", ss->path, r.errstr);
        result = -1;
    }
    broker_batch_reader_free(&r);
    return result;
}

/* Only needs to know whether the clean part holds compressed batches. */
static int scan_compressed(broker_log_t *log, const snap_segment_t *ss, bool *saw_compressed)
{
    uint8_t buf[8192];
    broker_batch_reader_t r;
    broker_batch_header_t hdr;
    int rc;
    broker_batch_reader_init(&r, ss->file->fd, 0, ss->size, buf, sizeof buf);
    while (!*saw_compressed && (rc = broker_batch_reader_header(&r, &hdr)) == 1) {
        if (broker_batch_compression(&hdr) != BROKER_COMPRESSION_NONE)
            *saw_compressed = true;
        broker_batch_reader_advance(&r, &hdr);
    }
    if (rc < 0)
        log_error(log->name, LOGGER, "Cannot compact: %s.log: %s", ss->path, r.errstr);
    broker_batch_reader_free(&r);
    return rc < 0 ? -1 : 0;
}

/* The rewritten segment being produced: bytes are written lazily, from the
 * first batch that changes, so an unchanged segment costs only reads. */
typedef struct seg_writer {
    int fd; /* -1 until the first change */
    int64_t pos;
    uint8_t *buf;
    size_t len;
    size_t cap;
    /* Index entries in file format, built with the append-time rule. */
    uint8_t *oidx;
    size_t oidx_len, oidx_cap;
    uint8_t *tidx;
    size_t tidx_len, tidx_cap;
    int64_t bytes_since_index;
    int64_t max_ts;
    int64_t offset_of_max_ts;
    int64_t last_tidx_ts;
} seg_writer_t;

static int writer_flush(seg_writer_t *w)
{
    size_t done = 0;
    while (done < w->len) {
        ssize_t n = write(w->fd, w->buf + done, w->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    w->len = 0;
    return 0;
}

static int writer_put(seg_writer_t *w, const uint8_t *data, size_t len)
{
    if (w->len + len > w->cap && writer_flush(w) != 0)
        return -1;
    if (len > w->cap) {
        w->len = len;
        uint8_t *saved = w->buf;
        w->buf = (uint8_t *)data;
        int rc = writer_flush(w);
        w->buf = saved;
        return rc;
    }
    memcpy(w->buf + w->len, data, len);
    w->len += len;
    return 0;
}

static void append_entry(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *e, size_t n)
{
    mem_grow((void **)buf, cap, *len + n, 1);
    memcpy(*buf + *len, e, n);
    *len += n;
}

/* Accounts one output batch at w->pos (whether written yet or not). */
static void writer_account(seg_writer_t *w, const broker_batch_header_t *hdr, int64_t base,
                           int32_t index_interval)
{
    int64_t last = broker_batch_last_offset(hdr);
    if (hdr->max_timestamp > w->max_ts) {
        w->max_ts = hdr->max_timestamp;
        w->offset_of_max_ts = last;
    }
    if (w->bytes_since_index > index_interval && last - base <= INT32_MAX && w->pos <= INT32_MAX) {
        uint8_t e[12];
        broker_put_be32(e, (int32_t)(last - base));
        broker_put_be32(e + 4, (int32_t)w->pos);
        append_entry(&w->oidx, &w->oidx_len, &w->oidx_cap, e, 8);
        if (w->max_ts >= 0 && w->max_ts > w->last_tidx_ts) {
            broker_put_be64(e, w->max_ts);
            broker_put_be32(e + 8, (int32_t)(w->offset_of_max_ts - base));
            append_entry(&w->tidx, &w->tidx_len, &w->tidx_cap, e, 12);
            w->last_tidx_ts = w->max_ts;
        }
        w->bytes_since_index = 0;
    }
    w->bytes_since_index += (int64_t)broker_batch_size(hdr);
    w->pos += (int64_t)broker_batch_size(hdr);
}

static int write_file_at(int dir_fd, const char *name, const uint8_t *data, size_t len)
{
    int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return close(fd);
}

/* Copies the first len bytes of the old file into the new one (the batches
 * before the first change). */
static int copy_prefix(int from, seg_writer_t *w, int64_t len)
{
    int64_t done = 0;
    while (done < len) {
        size_t want = (size_t)(len - done) < w->cap ? (size_t)(len - done) : w->cap;
        ssize_t n = pread(from, w->buf, want, done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        w->len = (size_t)n;
        if (writer_flush(w) != 0)
            return -1;
        done += n;
    }
    return 0;
}

typedef struct clean_ctx {
    broker_log_t *log;
    const key_map_t *map;
    int64_t tombstone_horizon; /* tombstones older than this may go */
    bool keep_tombstones;      /* compressed batches may hide older values */
    int32_t index_interval;
    broker_cleaner_stats_t stats;
} clean_ctx_t;

/*
 * Decides one uncompressed batch: *out and *out_len is the batch to write (the
 * original, or a rebuilt one in rebuilt), or out_len 0 to drop it all.
 * Returns whether anything changed.
 */
static bool clean_batch(clean_ctx_t *cc, const uint8_t *batch, const broker_batch_header_t *hdr,
                        uint8_t **rebuilt, size_t *rebuilt_cap, const uint8_t **out,
                        size_t *out_len)
{
    size_t size = broker_batch_size(hdr);
    broker_record_iter_t it;
    broker_record_t rec;
    char why[200];
    int rr, kept = 0, total = 0;
    int64_t removed_tombstones = 0, max_ts = -1;
    size_t len = BROKER_BATCH_HEADER_SIZE;
    *out = batch;
    *out_len = size;
    mem_grow((void **)rebuilt, rebuilt_cap, size, 1);
    broker_record_iter_init(&it, batch, size, hdr);
    while ((rr = broker_record_iter_next(&it, &rec, why, sizeof why)) == 1) {
        total++;
        bool keep = false;
        if (rec.key_len >= 0) {
            int64_t latest = key_map_get(cc->map, rec.key, (size_t)rec.key_len);
            keep = latest <= rec.offset; /* -1: not in the map, nothing newer seen */
            if (keep && rec.value_len < 0 && !cc->keep_tombstones) {
                int64_t ts =
                    broker_batch_is_log_append_time(hdr) ? hdr->max_timestamp : rec.timestamp;
                if (ts < cc->tombstone_horizon) {
                    keep = false;
                    removed_tombstones++;
                }
            }
        }
        /* A record without a key has no place in a compacted log (Kafka's
         * cleaner drops it too). */
        if (!keep)
            continue;
        memcpy(*rebuilt + len, rec.raw, rec.raw_len);
        len += rec.raw_len;
        kept++;
        if (rec.timestamp > max_ts)
            max_ts = rec.timestamp;
    }
    if (rr < 0) {
        log_warn(cc->log->name, LOGGER,
                 "Keeping undecodable batch at offset %" PRId64 " as it is: %s", hdr->base_offset,
                 why);
        return false;
    }
    if (kept == total)
        return false;
    cc->stats.records_removed += total - kept;
    cc->stats.tombstones_removed += removed_tombstones;
    if (kept == 0) {
        *out_len = 0;
        return true;
    }
    /* The same baseOffset, baseTimestamp and lastOffsetDelta (as Kafka keeps
     * the last offset for producer state), so the copied records' deltas
     * stay right; the count, length, max timestamp and CRC are new. */
    memcpy(*rebuilt, batch, BROKER_BATCH_HEADER_SIZE);
    broker_put_be32(*rebuilt + 8, (int32_t)(len - BROKER_BATCH_LOG_OVERHEAD));
    broker_put_be32(*rebuilt + 57, kept);
    if (!broker_batch_is_log_append_time(hdr))
        broker_put_be64(*rebuilt + 35, max_ts);
    broker_batch_update_crc(*rebuilt, len);
    *out = *rebuilt;
    *out_len = len;
    return true;
}

/* Rewrites one segment. Returns 0 (swapped in, or nothing to change), -1
 * on error. */
static int clean_segment(clean_ctx_t *cc, const snap_segment_t *ss)
{
    broker_log_t *log = cc->log;
    char name_log[64], name_idx[64], name_tidx[64], tmp_log[80], tmp_idx[80], tmp_tidx[80];
    char path[4200], errstr[512];
    seg_writer_t w = {.fd = -1, .max_ts = -1, .last_tidx_ts = -1};
    broker_batch_reader_t r;
    broker_batch_header_t hdr;
    const uint8_t *batch, *out;
    size_t out_len, rebuilt_cap = 0;
    uint8_t *rebuilt = NULL;
    int rc, result = -1;
    broker_index_t new_oidx = {.fd = -1}, new_tidx = {.fd = -1};
    broker_log_file_t *new_file = NULL;

    snprintf(name_log, sizeof name_log, "%020" PRId64 ".log", ss->base_offset);
    snprintf(name_idx, sizeof name_idx, "%020" PRId64 ".index", ss->base_offset);
    snprintf(name_tidx, sizeof name_tidx, "%020" PRId64 ".timeindex", ss->base_offset);
    snprintf(tmp_log, sizeof tmp_log, "%s.cleaned", name_log);
    snprintf(tmp_idx, sizeof tmp_idx, "%s.cleaned", name_idx);
    snprintf(tmp_tidx, sizeof tmp_tidx, "%s.cleaned", name_tidx);
    w.cap = 256 * 1024;
    w.buf = mem_alloc(w.cap);
    broker_cleaner_stats_t before = cc->stats;

    broker_batch_reader_init(&r, ss->file->fd, 0, ss->size, NULL, 1024 * 1024);
    while ((rc = broker_batch_reader_batch(&r, &batch, &hdr)) == 1) {
        bool changed = false;
        out = batch;
        out_len = broker_batch_size(&hdr);
        /* Compressed batches are kept untouched: rewriting them would mean
         * decompressing and recompressing, which the broker never does. */
        if (broker_batch_compression(&hdr) == BROKER_COMPRESSION_NONE &&
            !broker_batch_is_control(&hdr))
            changed = clean_batch(cc, batch, &hdr, &rebuilt, &rebuilt_cap, &out, &out_len);
        if (changed && w.fd < 0) {
            w.fd = openat(log->dir_fd, tmp_log, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (w.fd < 0) {
                log_error(log->name, LOGGER, "Cannot create %s/%s: %s", log->dir, tmp_log,
                          strerror(errno));
                goto done;
            }
            if (copy_prefix(ss->file->fd, &w, w.pos) != 0)
                goto io_error;
        }
        if (out_len > 0) {
            broker_batch_header_t ohdr;
            broker_batch_header_read(out, out_len, &ohdr);
            if (w.fd >= 0 && writer_put(&w, out, out_len) != 0)
                goto io_error;
            writer_account(&w, &ohdr, ss->base_offset, cc->index_interval);
        }
        broker_batch_reader_advance(&r, &hdr);
    }
    if (rc < 0) {
        log_error(log->name, LOGGER, "Cannot compact %s.log: %s", ss->path, r.errstr);
        goto done;
    }
    if (w.fd < 0) {
        result = 0; /* nothing to drop here */
        goto done;
    }
    if (w.max_ts >= 0 && w.max_ts > w.last_tidx_ts) {
        uint8_t e[12];
        broker_put_be64(e, w.max_ts);
        broker_put_be32(e + 8, (int32_t)(w.offset_of_max_ts - ss->base_offset));
        append_entry(&w.tidx, &w.tidx_len, &w.tidx_cap, e, 12);
    }
    if (writer_flush(&w) != 0 || fdatasync(w.fd) != 0)
        goto io_error;
    if (write_file_at(log->dir_fd, tmp_idx, w.oidx, w.oidx_len) != 0 ||
        write_file_at(log->dir_fd, tmp_tidx, w.tidx, w.tidx_len) != 0)
        goto io_error;
    snprintf(path, sizeof path, "%s/%s", log->dir, tmp_idx);
    if (broker_index_open(&new_oidx, path, BROKER_OFFSET_INDEX_ENTRY, ss->base_offset, 0, errstr,
                          sizeof errstr) != 0)
        goto index_error;
    snprintf(path, sizeof path, "%s/%s", log->dir, tmp_tidx);
    if (broker_index_open(&new_tidx, path, BROKER_TIME_INDEX_ENTRY, ss->base_offset, 0, errstr,
                          sizeof errstr) != 0)
        goto index_error;
    new_file = broker_log_file_new(w.fd);
    w.fd = -1;

    /* The swap. The old index files go first and the new ones come last, so
     * a crash in between leaves a log without indexes, which the next start
     * rebuilds, rather than indexes that describe the other file. */
    pthread_mutex_lock(&log->lock);
    broker_segment_t *seg = NULL;
    for (size_t i = 0; !log->closed && i + 1 < log->nsegments; i++)
        if (log->segments[i]->base_offset == ss->base_offset && log->segments[i]->file == ss->file)
            seg = log->segments[i];
    if (!seg) {
        pthread_mutex_unlock(&log->lock);
        result = 0; /* deleted or closed meanwhile */
        goto done;
    }
    unlinkat(log->dir_fd, name_idx, 0);
    unlinkat(log->dir_fd, name_tidx, 0);
    if (renameat(log->dir_fd, tmp_log, log->dir_fd, name_log) != 0) {
        int e = errno;
        pthread_mutex_unlock(&log->lock);
        log_error(log->name, LOGGER, "Cannot rename %s over %s: %s", tmp_log, name_log,
                  strerror(e));
        goto done;
    }
    renameat(log->dir_fd, tmp_idx, log->dir_fd, name_idx);
    renameat(log->dir_fd, tmp_tidx, log->dir_fd, name_tidx);
    snprintf(path, sizeof path, "%s.index", seg->path);
    broker_index_set_path(&new_oidx, path);
    snprintf(path, sizeof path, "%s.timeindex", seg->path);
    broker_index_set_path(&new_tidx, path);
    broker_index_t old_oidx = seg->offset_index, old_tidx = seg->time_index;
    broker_log_file_t *old_file = seg->file;
    seg->offset_index = new_oidx;
    seg->time_index = new_tidx;
    seg->file = new_file;
    seg->size = w.pos;
    seg->max_timestamp = w.max_ts;
    seg->offset_of_max_timestamp = w.max_ts >= 0 ? w.offset_of_max_ts : seg->base_offset;
    seg->dirty = false;
    pthread_mutex_unlock(&log->lock);
    new_file = NULL;
    new_oidx.path = NULL; /* now the segment's */
    new_tidx.path = NULL;
    broker_index_close(&old_oidx);
    broker_index_close(&old_tidx);
    broker_log_file_unref(old_file);

    cc->stats.segments_rewritten++;
    cc->stats.bytes_before += ss->size;
    cc->stats.bytes_after += w.pos;
    log_info(log->name, LOGGER,
             "Compacted segment %s.log: %" PRId64 " -> %" PRId64 " bytes, %" PRId64
             " records removed (%" PRId64 " tombstones)",
             ss->path, ss->size, w.pos, cc->stats.records_removed - before.records_removed,
             cc->stats.tombstones_removed - before.tombstones_removed);
    result = 0;
    goto done;

index_error:
    log_error(log->name, LOGGER, "Cannot compact %s.log: %s", ss->path, errstr);
    goto done;
io_error:
    log_error(log->name, LOGGER, "Cannot write %s/%s: %s", log->dir, tmp_log, strerror(errno));
done:
    broker_batch_reader_free(&r);
    if (result != 0 || new_oidx.path || w.fd >= 0 || new_file) {
        /* Nothing was swapped: the temporary files go. */
        unlinkat(log->dir_fd, tmp_log, 0);
        unlinkat(log->dir_fd, tmp_idx, 0);
        unlinkat(log->dir_fd, tmp_tidx, 0);
    }
    if (result != 0)
        cc->stats = before;
    broker_index_close(&new_oidx);
    broker_index_close(&new_tidx);
    broker_log_file_unref(new_file);
    if (w.fd >= 0)
        close(w.fd);
    free(w.buf);
    free(w.oidx);
    free(w.tidx);
    free(rebuilt);
    return result;
}

int broker_cleaner_compact(broker_log_t *log, int64_t now_ms, broker_cleaner_stats_t *stats)
{
    snap_segment_t *snap = NULL;
    size_t n = 0, dirty = 0;
    int result = 0;
    broker_log_config_t conf;

    pthread_mutex_lock(&log->lock);
    if (log->closed || !(log->conf.cleanup_policy & BROKER_CLEANUP_COMPACT) || log->nsegments < 2) {
        pthread_mutex_unlock(&log->lock);
        if (stats)
            memset(stats, 0, sizeof *stats);
        return 0;
    }
    conf = log->conf;
    n = log->nsegments - 1;
    snap = mem_calloc(n, sizeof *snap);
    int64_t end_offset = log->segments[n]->base_offset;
    for (size_t i = 0; i < n; i++) {
        snap[i].base_offset = log->segments[i]->base_offset;
        snap[i].size = log->segments[i]->size;
        snap[i].file = broker_log_file_ref(log->segments[i]->file);
        snprintf(snap[i].path, sizeof snap[i].path, "%s", log->segments[i]->path);
    }
    while (dirty < n && snap[dirty].base_offset < log->cleaner_checkpoint)
        dirty++;
    pthread_mutex_unlock(&log->lock);

    /* The map covers the dirty part: segments compaction has not seen. The
     * clean part before it needs only the records that newer ones supersede
     * removed, which the map tells as well. */
    key_map_t map;
    bool saw_compressed = false;
    size_t mapped = dirty;
    key_map_init(&map, conf.cleaner_dedupe_buffer_size);
    for (; mapped < n; mapped++) {
        int rc = map_segment(log, &snap[mapped], &map, &saw_compressed);
        if (rc < 0) {
            result = -1;
            goto out;
        }
        if (rc == 1)
            break; /* the cap: this segment's newer records still count */
    }
    if (mapped < n && mapped == dirty) {
        log_warn(log->name, LOGGER,
                 "Cannot compact: the keys of segment %s.log do not fit in "
                 "log.cleaner.dedupe.buffer.size %" PRId64,
                 snap[mapped].path, conf.cleaner_dedupe_buffer_size);
        goto out;
    }
    if (mapped > 0)
        end_offset = mapped < n ? snap[mapped].base_offset : end_offset;
    for (size_t i = 0; i < dirty && !saw_compressed; i++)
        if (scan_compressed(log, &snap[i], &saw_compressed) != 0) {
            result = -1;
            goto out;
        }
    if (saw_compressed)
        log_debug(log->name, LOGGER,
                  "Compressed batches are present: keeping tombstones, since older values in "
                  "compressed batches are never removed");

    clean_ctx_t cc = {.log = log,
                      .map = &map,
                      .tombstone_horizon = now_ms - conf.delete_retention_ms,
                      .keep_tombstones = saw_compressed,
                      .index_interval = conf.index_interval_bytes};
    for (size_t i = 0; i < mapped; i++) {
        if (clean_segment(&cc, &snap[i]) != 0) {
            result = -1;
            break;
        }
    }
    if (result == 0) {
        pthread_mutex_lock(&log->lock);
        if (!log->closed) {
            if (log->cleaner_checkpoint < end_offset)
                log->cleaner_checkpoint = end_offset;
            broker_log_update_time_prefix_locked(log, 0);
        } else if (log->deleted && log->deleted_dir) {
            /* broker_log_delete() ran while this was writing here. */
            rmdir(log->deleted_dir);
        }
        pthread_mutex_unlock(&log->lock);
        fsync(log->dir_fd);
    }
    if (stats)
        *stats = cc.stats;
    key_map_free(&map);
    for (size_t i = 0; i < n; i++)
        broker_log_file_unref(snap[i].file);
    free(snap);
    return result;

out:
    if (stats)
        memset(stats, 0, sizeof *stats);
    key_map_free(&map);
    for (size_t i = 0; i < n; i++)
        broker_log_file_unref(snap[i].file);
    free(snap);
    return result;
}
