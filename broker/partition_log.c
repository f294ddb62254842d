/* A partition's log: segments, appends, reads, recovery and shutdown. */
#include "partition_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

#define SET_ERR(...)                                                                               \
    do {                                                                                           \
        if (errstr && errstr_size)                                                                 \
            snprintf(errstr, errstr_size, __VA_ARGS__);                                            \
    } while (0)

#define LOGGER "broker-log"

void broker_log_config_defaults(broker_log_config_t *conf)
{
    conf->segment_bytes = 1073741824;
    conf->segment_ms = 7LL * 24 * 3600 * 1000;
    conf->segment_index_bytes = 10 * 1024 * 1024;
    conf->index_interval_bytes = 4096;
    conf->retention_ms = 7LL * 24 * 3600 * 1000;
    conf->retention_bytes = -1;
    conf->cleanup_policy = BROKER_CLEANUP_DELETE;
    conf->flush_messages = INT64_MAX;
    conf->flush_ms = INT64_MAX;
    conf->max_message_bytes = 1048588;
    conf->delete_retention_ms = 24LL * 3600 * 1000;
    conf->min_cleanable_dirty_ratio = 0.5;
    conf->cleaner_dedupe_buffer_size = 128LL * 1024 * 1024;
}

/* Index files hold 32-bit positions, so a segment never grows past 2 GiB. */
static int64_t conf_segment_bytes(const broker_log_config_t *conf)
{
    if (conf->segment_bytes <= 0 || conf->segment_bytes > INT32_MAX)
        return INT32_MAX;
    return conf->segment_bytes;
}

static size_t conf_index_bytes(const broker_log_config_t *conf)
{
    if (conf->segment_index_bytes < 4 * BROKER_TIME_INDEX_ENTRY)
        return 4 * BROKER_TIME_INDEX_ENTRY;
    return (size_t)conf->segment_index_bytes;
}

void broker_log_update_time_prefix_locked(broker_log_t *log, size_t from)
{
    int64_t max = from > 0 ? log->segments[from - 1]->max_timestamp_prefix : -1;
    for (size_t i = from; i < log->nsegments; i++) {
        if (log->segments[i]->max_timestamp > max)
            max = log->segments[i]->max_timestamp;
        log->segments[i]->max_timestamp_prefix = max;
    }
}

static void log_push_segment(broker_log_t *log, broker_segment_t *seg)
{
    mem_grow((void **)&log->segments, &log->segments_cap, log->nsegments + 1,
             sizeof *log->segments);
    log->segments[log->nsegments++] = seg;
}

/* The index of the segment holding offset: the last one whose base offset
 * is <= offset (0 when offset is below every base). Caller holds the lock. */
static size_t log_floor_segment(const broker_log_t *log, int64_t offset)
{
    size_t lo = 0, hi = log->nsegments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (log->segments[mid]->base_offset <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : lo - 1;
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* "00000000000000000042.log" -> 42 and ".log"; false for other names. */
static bool parse_segment_name(const char *name, int64_t *base, const char **ext)
{
    for (int i = 0; i < 20; i++)
        if (name[i] < '0' || name[i] > '9')
            return false;
    if (name[20] != '.')
        return false;
    char digits[21];
    memcpy(digits, name, 20);
    digits[20] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(digits, &end, 10);
    if (errno || v < 0)
        return false;
    *base = v;
    *ext = name + 20;
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void log_free(broker_log_t *log)
{
    for (size_t i = 0; i < log->nsegments; i++)
        broker_segment_destroy(log->segments[i]);
    free(log->segments);
    if (log->dir_fd >= 0)
        close(log->dir_fd);
    pthread_mutex_destroy(&log->lock);
    free(log->dir);
    free(log->name);
    free(log->deleted_dir);
    free(log);
}

/* Lists the segment base offsets of the directory and removes what an
 * interrupted compaction or deletion left behind. */
static int log_scan_dir(broker_log_t *log, int64_t **bases, size_t *nbases, char *errstr,
                        size_t errstr_size)
{
    DIR *d = fdopendir(dup(log->dir_fd));
    if (!d) {
        SET_ERR("cannot list %s: %s", log->dir, strerror(errno));
        return -1;
    }
    int64_t *logs = NULL, *idx = NULL;
    size_t nlogs = 0, caplogs = 0, nidx = 0, capidx = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int64_t base;
        const char *ext;
        if (de->d_name[0] == '.' && strcmp(de->d_name, BROKER_LOG_CLEAN_SHUTDOWN_FILE) != 0)
            continue;
        if (ends_with(de->d_name, ".cleaned")) {
            unlinkat(log->dir_fd, de->d_name, 0);
            continue;
        }
        if (!parse_segment_name(de->d_name, &base, &ext))
            continue;
        if (strcmp(ext, ".log") == 0) {
            mem_grow((void **)&logs, &caplogs, nlogs + 1, sizeof *logs);
            logs[nlogs++] = base;
        } else if (strcmp(ext, ".index") == 0 || strcmp(ext, ".timeindex") == 0) {
            mem_grow((void **)&idx, &capidx, nidx + 1, sizeof *idx);
            idx[nidx++] = base;
        }
    }
    closedir(d);
    if (nlogs)
        qsort(logs, nlogs, sizeof *logs, cmp_int64);
    /* Indexes without a log: a deletion stopped between its unlinks. */
    for (size_t i = 0; i < nidx; i++) {
        if (nlogs && bsearch(&idx[i], logs, nlogs, sizeof *logs, cmp_int64))
            continue;
        char name[64];
        snprintf(name, sizeof name, "%020" PRId64 ".index", idx[i]);
        unlinkat(log->dir_fd, name, 0);
        snprintf(name, sizeof name, "%020" PRId64 ".timeindex", idx[i]);
        unlinkat(log->dir_fd, name, 0);
    }
    free(idx);
    *bases = logs;
    *nbases = nlogs;
    return 0;
}

broker_log_t *broker_log_open(const char *log_dir, const char *topic, int32_t partition,
                              const broker_log_config_t *conf, int64_t now_ms, char *errstr,
                              size_t errstr_size)
{
    char path[4096];
    int64_t *bases = NULL;
    size_t nbases = 0;
    broker_log_t *log = mem_calloc(1, sizeof *log);
    log->dir_fd = -1;
    atomic_init(&log->refs, 1);
    pthread_mutex_init(&log->lock, NULL);
    log->conf = *conf;
    log->last_flush_ms = now_ms;

    if (mkdir(log_dir, 0755) != 0 && errno != EEXIST) {
        SET_ERR("cannot create log directory %s: %s", log_dir, strerror(errno));
        goto err;
    }
    snprintf(path, sizeof path, "%s-%" PRId32, topic, partition);
    log->name = mem_strdup(path);
    snprintf(path, sizeof path, "%s/%s-%" PRId32, log_dir, topic, partition);
    log->dir = mem_strdup(path);
    if (mkdir(log->dir, 0755) != 0 && errno != EEXIST) {
        SET_ERR("cannot create partition directory %s: %s", log->dir, strerror(errno));
        goto err;
    }
    log->dir_fd = open(log->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (log->dir_fd < 0) {
        SET_ERR("cannot open partition directory %s: %s", log->dir, strerror(errno));
        goto err;
    }
    if (log_scan_dir(log, &bases, &nbases, errstr, errstr_size) != 0)
        goto err;
    bool clean = faccessat(log->dir_fd, BROKER_LOG_CLEAN_SHUTDOWN_FILE, F_OK, 0) == 0;
    if (nbases == 0) {
        bases = mem_alloc(sizeof *bases);
        bases[nbases++] = 0;
        clean = true; /* nothing to recover */
    }

    for (size_t i = 0; i < nbases; i++) {
        bool active = i == nbases - 1;
        broker_segment_t *seg = broker_segment_open(
            log->dir, bases[i], active, false, conf_index_bytes(conf), now_ms, errstr, errstr_size);
        if (!seg)
            goto err;
        log_push_segment(log, seg);
        int rc = (active && !clean)
                     ? 1
                     : broker_segment_load(seg, conf->index_interval_bytes, errstr, errstr_size);
        if (rc < 0)
            goto err;
        if (rc == 1) {
            if (active && !clean)
                log_info(log->name, LOGGER,
                         "No clean-shutdown marker: checking the %" PRId64
                         " bytes of the active segment %s.log",
                         seg->size, seg->path);
            if (broker_segment_recover(seg, conf->index_interval_bytes, conf_index_bytes(conf),
                                       errstr, errstr_size) < 0)
                goto err;
        }
        if (i > 0 && log->segments[i - 1]->next_offset > seg->base_offset)
            log_warn(log->name, LOGGER,
                     "Segment %s.log ends at offset %" PRId64
                     ", past the base offset of the next segment %" PRId64,
                     log->segments[i - 1]->path, log->segments[i - 1]->next_offset - 1,
                     seg->base_offset);
    }
    free(bases);
    bases = NULL;
    log->active = log->segments[log->nsegments - 1];
    log->next_offset = log->active->next_offset;
    log->log_start_offset = log->segments[0]->base_offset;
    log->cleaner_checkpoint = log->log_start_offset;
    broker_log_update_time_prefix_locked(log, 0);

    /* From here a crash must lead to a recovery: drop the marker, durably. */
    if (unlinkat(log->dir_fd, BROKER_LOG_CLEAN_SHUTDOWN_FILE, 0) == 0)
        fsync(log->dir_fd);
    log_debug(log->name, LOGGER, "Opened log with %zu segments, offsets %" PRId64 "..%" PRId64,
              log->nsegments, log->log_start_offset, log->next_offset);
    return log;

err:
    free(bases);
    log_free(log);
    return NULL;
}

broker_log_t *broker_log_ref(broker_log_t *log)
{
    atomic_fetch_add_explicit(&log->refs, 1, memory_order_relaxed);
    return log;
}

void broker_log_unref(broker_log_t *log)
{
    if (!log)
        return;
    if (atomic_fetch_sub_explicit(&log->refs, 1, memory_order_acq_rel) == 1)
        log_free(log);
}

/* Takes the segments out of a log being closed or deleted. */
static broker_segment_t **log_detach_segments(broker_log_t *log, size_t *n)
{
    pthread_mutex_lock(&log->lock);
    broker_segment_t **segs = log->segments;
    *n = log->nsegments;
    log->segments = NULL;
    log->nsegments = 0;
    log->segments_cap = 0;
    log->active = NULL;
    log->closed = true;
    pthread_mutex_unlock(&log->lock);
    return segs;
}

void broker_log_close(broker_log_t *log)
{
    if (!log)
        return;
    int flushed = broker_log_flush(log, 0);
    size_t n;
    broker_segment_t **segs = log_detach_segments(log, &n);
    for (size_t i = 0; i < n; i++)
        broker_segment_destroy(segs[i]); /* trims the active segment's indexes */
    free(segs);
    if (flushed != 0) {
        log_error(log->name, LOGGER,
                  "Cannot flush the log at shutdown; it will be recovered at "
                  "the next start");
    } else {
        /* The marker tells the next start that every batch and index was
         * written out whole. */
        int fd = openat(log->dir_fd, BROKER_LOG_CLEAN_SHUTDOWN_FILE,
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            close(fd);
            fsync(log->dir_fd);
        } else {
            log_warn(log->name, LOGGER, "Cannot write the clean-shutdown marker: %s",
                     strerror(errno));
        }
    }
    broker_log_unref(log);
}

/* Removes every file of a directory, then the directory. */
static int remove_dir(const char *path)
{
    int rc = 0;
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int dfd = dirfd(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (unlinkat(dfd, de->d_name, 0) != 0 && errno != ENOENT) {
            log_warn(NULL, LOGGER, "Cannot delete %s/%s: %s", path, de->d_name, strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    /* A compaction still writing here removes its file and the directory
     * when it notices the log is gone. */
    if (rmdir(path) != 0 && errno != ENOENT && errno != ENOTEMPTY) {
        log_warn(NULL, LOGGER, "Cannot delete %s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int broker_log_delete(broker_log_t *log)
{
    char path[4096];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(path, sizeof path, "%s.%016llx-delete", log->dir,
             (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec);
    pthread_mutex_lock(&log->lock);
    log->deleted = true;
    pthread_mutex_unlock(&log->lock);
    size_t n;
    broker_segment_t **segs = log_detach_segments(log, &n);
    for (size_t i = 0; i < n; i++)
        broker_segment_destroy(segs[i]);
    free(segs);
    const char *where = log->dir;
    if (rename(log->dir, path) == 0) {
        pthread_mutex_lock(&log->lock);
        log->deleted_dir = mem_strdup(path);
        pthread_mutex_unlock(&log->lock);
        where = path;
    } else {
        log_warn(log->name, LOGGER, "Cannot rename %s for deletion: %s", log->dir, strerror(errno));
    }
    int rc = remove_dir(where);
    log_info(log->name, LOGGER, "Deleted log directory %s", log->dir);
    broker_log_unref(log);
    return rc;
}

int broker_log_remove_deleted_dirs(const char *log_dir)
{
    DIR *d = opendir(log_dir);
    if (!d)
        return 0;
    int removed = 0;
    struct dirent *de;
    char path[4096];
    while ((de = readdir(d)) != NULL) {
        if (!ends_with(de->d_name, "-delete") || strchr(de->d_name, '.') == NULL)
            continue;
        snprintf(path, sizeof path, "%s/%s", log_dir, de->d_name);
        if (remove_dir(path) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

void broker_log_set_config(broker_log_t *log, const broker_log_config_t *conf)
{
    pthread_mutex_lock(&log->lock);
    log->conf = *conf;
    pthread_mutex_unlock(&log->lock);
}

/* Whether the next batch must go to a new segment (Kafka's shouldRoll). */
static bool log_should_roll(const broker_log_t *log, const broker_segment_t *seg,
                            const broker_batch_header_t *hdr, int64_t now_ms)
{
    if (seg->size == 0)
        return false;
    if (seg->size > conf_segment_bytes(&log->conf) - (int64_t)broker_batch_size(hdr))
        return true;
    if (broker_segment_index_full(seg))
        return true;
    if (log->next_offset + hdr->last_offset_delta - seg->base_offset > INT32_MAX)
        return true;
    /* Kafka measures the age of a segment by record time when it has one
     * (the incoming batch's max timestamp against the first batch's). */
    int64_t waited = seg->rolling_timestamp >= 0 ? hdr->max_timestamp - seg->rolling_timestamp
                                                 : now_ms - seg->created_ms;
    return log->conf.segment_ms >= 0 && waited > log->conf.segment_ms;
}

/* Starts a new active segment at the log end offset. Network thread. */
static int log_roll(broker_log_t *log, int64_t now_ms)
{
    char errstr[512];
    broker_segment_t *old = log->active;
    broker_segment_t *seg =
        broker_segment_open(log->dir, log->next_offset, true, true, conf_index_bytes(&log->conf),
                            now_ms, errstr, sizeof errstr);
    if (!seg) {
        log_error(log->name, LOGGER, "Cannot roll to a new segment: %s", errstr);
        return -1;
    }
    /* The old segment is still the active one to the background thread
     * until it is published below, so its indexes can change unlocked. */
    broker_segment_deactivate(old);
    pthread_mutex_lock(&log->lock);
    log_push_segment(log, seg);
    log->active = seg;
    log->flush_pending = true;
    log->dir_dirty = true;
    broker_log_update_time_prefix_locked(log, log->nsegments - 1);
    pthread_mutex_unlock(&log->lock);
    log_debug(log->name, LOGGER, "Rolled to new segment %s.log at offset %" PRId64, seg->path,
              seg->base_offset);
    return 0;
}

kafka_error_t broker_log_append(broker_log_t *log, uint8_t *batch, size_t len, int64_t now_ms,
                                broker_log_append_result_t *res)
{
    broker_batch_header_t hdr;
    if (broker_batch_header_read(batch, len, &hdr) != 0 || hdr.batch_length < 0 ||
        broker_batch_size(&hdr) != len || hdr.last_offset_delta < 0)
        return KAFKA_ERR_CORRUPT_MESSAGE;
    if (log->closed || !log->active)
        return KAFKA_ERR_KAFKA_STORAGE_ERROR;
    if (log_should_roll(log, log->active, &hdr, now_ms) && log_roll(log, now_ms) != 0)
        return KAFKA_ERR_KAFKA_STORAGE_ERROR;

    broker_segment_t *seg = log->active;
    hdr.base_offset = log->next_offset;
    hdr.partition_leader_epoch = log->leader_epoch;
    broker_batch_set_base_offset(batch, hdr.base_offset);
    broker_batch_set_partition_leader_epoch(batch, hdr.partition_leader_epoch);
    if (broker_segment_write(seg, batch, len) != 0) {
        log_error(log->name, LOGGER, "Cannot append %zu bytes to %s.log: %s", len, seg->path,
                  strerror(errno));
        return KAFKA_ERR_KAFKA_STORAGE_ERROR;
    }

    pthread_mutex_lock(&log->lock);
    broker_segment_commit(seg, &hdr, len, log->conf.index_interval_bytes);
    if (seg->max_timestamp > seg->max_timestamp_prefix)
        seg->max_timestamp_prefix = seg->max_timestamp;
    log->next_offset = broker_batch_last_offset(&hdr) + 1;
    log->unflushed_messages += hdr.records_count > 0 ? hdr.records_count : 0;
    if (res) {
        res->base_offset = hdr.base_offset;
        res->last_offset = broker_batch_last_offset(&hdr);
        res->log_start_offset = log->log_start_offset;
    }
    pthread_mutex_unlock(&log->lock);
    return KAFKA_ERR_NONE;
}

static void read_add_slice(broker_log_read_t *out, broker_segment_t *seg, int64_t pos, int64_t len)
{
    broker_log_slice_t *s = &out->slices[out->nslices++];
    s->file = broker_log_file_ref(seg->file);
    s->fd = seg->file->fd;
    s->position = pos;
    s->length = len;
    out->bytes += len;
}

kafka_error_t broker_log_read(broker_log_t *log, int64_t fetch_offset, int64_t max_bytes,
                              bool min_one_batch, broker_log_read_t *out)
{
    kafka_error_t err = KAFKA_ERR_NONE;
    out->nslices = 0;
    out->bytes = 0;
    pthread_mutex_lock(&log->lock);
    out->high_watermark = log->next_offset;
    out->log_start_offset = log->log_start_offset;
    if (log->closed) {
        err = KAFKA_ERR_KAFKA_STORAGE_ERROR;
        goto done;
    }
    if (fetch_offset < log->log_start_offset || fetch_offset > log->next_offset) {
        err = KAFKA_ERR_OFFSET_OUT_OF_RANGE;
        goto done;
    }
    if (fetch_offset == log->next_offset)
        goto done;

    int64_t budget = max_bytes;
    for (size_t i = log_floor_segment(log, fetch_offset); i < log->nsegments; i++) {
        broker_segment_t *seg = log->segments[i];
        int64_t pos = 0, end, first_size;
        if (seg->next_offset <= fetch_offset)
            continue; /* ends before it (compaction can leave gaps) */
        if (seg->base_offset < fetch_offset) {
            broker_batch_header_t hdr;
            int rc = broker_segment_find_offset(seg, fetch_offset, &pos, &hdr);
            if (rc < 0) {
                err = KAFKA_ERR_KAFKA_STORAGE_ERROR;
                break;
            }
            if (rc == 0)
                continue;
        }
        if (pos >= seg->size)
            continue;
        if (broker_segment_read_end(seg, pos, budget, &end, &first_size) != 0) {
            err = KAFKA_ERR_KAFKA_STORAGE_ERROR;
            break;
        }
        if (end == pos) {
            if (out->bytes > 0 || !min_one_batch || first_size <= 0)
                break;
            end = pos + first_size;
        }
        read_add_slice(out, seg, pos, end - pos);
        budget -= end - pos;
        if (end < seg->size || budget <= 0 || out->nslices == BROKER_LOG_READ_MAX_SLICES)
            break;
    }
done:
    pthread_mutex_unlock(&log->lock);
    if (err == KAFKA_ERR_KAFKA_STORAGE_ERROR && !log->closed)
        log_error(log->name, LOGGER, "Cannot read at offset %" PRId64, fetch_offset);
    return err;
}

void broker_log_read_release(broker_log_read_t *rd)
{
    for (int i = 0; i < rd->nslices; i++)
        broker_log_file_unref(rd->slices[i].file);
    rd->nslices = 0;
    rd->bytes = 0;
}

int64_t broker_log_start_offset(broker_log_t *log)
{
    pthread_mutex_lock(&log->lock);
    int64_t v = log->log_start_offset;
    pthread_mutex_unlock(&log->lock);
    return v;
}

int64_t broker_log_end_offset(broker_log_t *log)
{
    pthread_mutex_lock(&log->lock);
    int64_t v = log->next_offset;
    pthread_mutex_unlock(&log->lock);
    return v;
}

/* pread of exactly len bytes; 0 or -1. */
static int read_full(int fd, uint8_t *buf, size_t len, int64_t pos)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, pos + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

kafka_error_t broker_log_offset_for_timestamp(broker_log_t *log, int64_t timestamp, int64_t *offset,
                                              int64_t *found_timestamp)
{
    broker_batch_header_t hdr;
    broker_log_file_t *file = NULL;
    int64_t pos = 0;
    *offset = -1;
    *found_timestamp = -1;
    pthread_mutex_lock(&log->lock);
    if (timestamp == BROKER_LOG_LATEST_TIMESTAMP || timestamp == BROKER_LOG_EARLIEST_TIMESTAMP) {
        *offset =
            timestamp == BROKER_LOG_LATEST_TIMESTAMP ? log->next_offset : log->log_start_offset;
        pthread_mutex_unlock(&log->lock);
        return KAFKA_ERR_NONE;
    }
    /* The prefix maxima increase, so the first segment holding a timestamp
     * >= the target is a binary search away. */
    size_t lo = 0, hi = log->nsegments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (log->segments[mid]->max_timestamp_prefix >= timestamp)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (size_t i = lo; i < log->nsegments; i++) {
        int rc = broker_segment_find_timestamp(log->segments[i], timestamp, &pos, &hdr);
        if (rc < 0) {
            pthread_mutex_unlock(&log->lock);
            return KAFKA_ERR_KAFKA_STORAGE_ERROR;
        }
        if (rc == 1) {
            file = broker_log_file_ref(log->segments[i]->file);
            break;
        }
    }
    pthread_mutex_unlock(&log->lock);
    if (!file)
        return KAFKA_ERR_NONE;

    *offset = hdr.base_offset;
    *found_timestamp = hdr.max_timestamp;
    if (broker_batch_compression(&hdr) == BROKER_COMPRESSION_NONE &&
        !broker_batch_is_log_append_time(&hdr)) {
        /* Uncompressed: the exact record, read outside the lock. */
        size_t size = broker_batch_size(&hdr);
        uint8_t *buf = mem_alloc(size);
        broker_record_iter_t it;
        broker_record_t rec;
        char why[200];
        if (read_full(file->fd, buf, size, pos) == 0 &&
            broker_record_iter_init(&it, buf, size, &hdr) == KAFKA_ERR_NONE) {
            while (broker_record_iter_next(&it, &rec, why, sizeof why) == 1) {
                if (rec.timestamp >= timestamp) {
                    *offset = rec.offset;
                    *found_timestamp = rec.timestamp;
                    break;
                }
            }
        }
        free(buf);
    }
    broker_log_file_unref(file);
    return KAFKA_ERR_NONE;
}

int broker_log_flush(broker_log_t *log, int64_t now_ms)
{
    broker_log_file_t *stack_files[8];
    broker_log_file_t **files = stack_files;
    size_t nfiles = 0;
    pthread_mutex_lock(&log->lock);
    if (log->nsegments > sizeof stack_files / sizeof stack_files[0])
        files = mem_alloc(log->nsegments * sizeof *files);
    for (size_t i = 0; i < log->nsegments; i++) {
        if (log->segments[i]->dirty) {
            files[nfiles++] = broker_log_file_ref(log->segments[i]->file);
            log->segments[i]->dirty = false;
        }
    }
    bool dir = log->dir_dirty;
    log->dir_dirty = false;
    log->flush_pending = false;
    int64_t flushed = log->unflushed_messages;
    pthread_mutex_unlock(&log->lock);

    int rc = 0, saved = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (rc == 0 && fdatasync(files[i]->fd) != 0) {
            rc = -1;
            saved = errno;
        }
        broker_log_file_unref(files[i]);
    }
    if (rc == 0 && dir && fsync(log->dir_fd) != 0) {
        rc = -1;
        saved = errno;
    }
    pthread_mutex_lock(&log->lock);
    if (rc == 0) {
        log->unflushed_messages -= flushed;
        log->last_flush_ms = now_ms;
    } else if (log->active) {
        log->active->dirty = true;
        log->flush_pending = true;
        log->dir_dirty |= dir;
        for (size_t i = 0; i < log->nsegments; i++)
            log->segments[i]->dirty = true;
    }
    pthread_mutex_unlock(&log->lock);
    if (files != stack_files)
        free(files);
    if (rc != 0) {
        log_error(log->name, LOGGER, "fdatasync failed: %s", strerror(saved));
        errno = saved;
    }
    return rc;
}

int broker_log_for_each_batch(broker_log_t *log, int64_t from_offset, broker_log_batch_cb cb,
                              void *opaque)
{
    int64_t cur = from_offset;
    for (;;) {
        broker_batch_header_t hdr;
        int64_t pos = 0, limit, next_base = -1;
        pthread_mutex_lock(&log->lock);
        if (log->closed || log->nsegments == 0 || cur >= log->next_offset) {
            pthread_mutex_unlock(&log->lock);
            return 0;
        }
        if (cur < log->log_start_offset)
            cur = log->log_start_offset;
        size_t i = log_floor_segment(log, cur);
        broker_segment_t *seg = log->segments[i];
        if (i + 1 < log->nsegments)
            next_base = log->segments[i + 1]->base_offset;
        int rc = broker_segment_find_offset(seg, cur, &pos, &hdr);
        if (rc < 0) {
            pthread_mutex_unlock(&log->lock);
            return -1;
        }
        if (rc == 0) {
            pthread_mutex_unlock(&log->lock);
            if (next_base < 0)
                return 0;
            cur = next_base;
            continue;
        }
        broker_log_file_t *file = broker_log_file_ref(seg->file);
        limit = seg->size;
        pthread_mutex_unlock(&log->lock);

        broker_batch_reader_t r;
        const uint8_t *batch;
        int stop = 0;
        broker_batch_reader_init(&r, file->fd, pos, limit, NULL, 256 * 1024);
        while (!stop && (rc = broker_batch_reader_batch(&r, &batch, &hdr)) == 1) {
            stop = cb(batch, broker_batch_size(&hdr), &hdr, opaque);
            cur = broker_batch_last_offset(&hdr) + 1;
            broker_batch_reader_advance(&r, &hdr);
        }
        if (rc < 0)
            log_error(log->name, LOGGER, "Cannot read the log: %s", r.errstr);
        broker_batch_reader_free(&r);
        broker_log_file_unref(file);
        if (rc < 0)
            return -1;
        if (stop || next_base < 0)
            return 0;
        if (cur < next_base)
            cur = next_base;
    }
}

int64_t broker_log_size(broker_log_t *log)
{
    int64_t size = 0;
    pthread_mutex_lock(&log->lock);
    for (size_t i = 0; i < log->nsegments; i++)
        size += log->segments[i]->size;
    pthread_mutex_unlock(&log->lock);
    return size;
}

size_t broker_log_segment_count(broker_log_t *log)
{
    pthread_mutex_lock(&log->lock);
    size_t n = log->nsegments;
    pthread_mutex_unlock(&log->lock);
    return n;
}
