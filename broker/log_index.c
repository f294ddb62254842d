/* The offset and time indexes of a segment, memory-mapped. */
#include "log_index.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "record_batch.h"

#define SET_ERR(...)                                                                               \
    do {                                                                                           \
        if (errstr && errstr_size)                                                                 \
            snprintf(errstr, errstr_size, __VA_ARGS__);                                            \
    } while (0)

/* Maps the first bytes of the file (0: nothing). */
static int index_map(broker_index_t *idx, size_t bytes, bool writable)
{
    if (idx->map)
        munmap(idx->map, idx->map_bytes);
    idx->map = NULL;
    idx->map_bytes = 0;
    idx->writable = writable;
    if (bytes == 0)
        return 0;
    void *m =
        mmap(NULL, bytes, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, idx->fd, 0);
    if (m == MAP_FAILED)
        return -1;
    idx->map = m;
    idx->map_bytes = bytes;
    return 0;
}

static int index_make_writable(broker_index_t *idx, size_t max_bytes)
{
    size_t bytes = max_bytes - max_bytes % idx->entry_size;
    if (bytes < idx->entries * idx->entry_size)
        bytes = idx->entries * idx->entry_size;
    if (bytes == 0)
        bytes = idx->entry_size;
    if (ftruncate(idx->fd, (off_t)bytes) != 0)
        return -1;
    if (index_map(idx, bytes, true) != 0)
        return -1;
    idx->max_entries = bytes / idx->entry_size;
    return 0;
}

int broker_index_open(broker_index_t *idx, const char *path, size_t entry_size, int64_t base_offset,
                      size_t max_bytes, char *errstr, size_t errstr_size)
{
    memset(idx, 0, sizeof *idx);
    idx->fd = -1;
    idx->entry_size = entry_size;
    idx->base_offset = base_offset;
    idx->created = access(path, F_OK) != 0;
    idx->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (idx->fd < 0) {
        SET_ERR("cannot open index %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(idx->fd, &st) != 0) {
        SET_ERR("cannot stat index %s: %s", path, strerror(errno));
        goto err;
    }
    idx->path = mem_strdup(path);
    idx->misaligned = (size_t)st.st_size % entry_size != 0;
    idx->entries = (size_t)st.st_size / entry_size;
    idx->max_entries = idx->entries;
    if (max_bytes > 0) {
        if (index_make_writable(idx, max_bytes) != 0) {
            SET_ERR("cannot preallocate and map index %s: %s", path, strerror(errno));
            goto err;
        }
    } else if (index_map(idx, idx->entries * entry_size, false) != 0) {
        SET_ERR("cannot map index %s: %s", path, strerror(errno));
        goto err;
    }
    return 0;

err:
    close(idx->fd);
    free(idx->path);
    memset(idx, 0, sizeof *idx);
    idx->fd = -1;
    return -1;
}

int broker_index_trim(broker_index_t *idx)
{
    size_t bytes = idx->entries * idx->entry_size;
    if (idx->map)
        munmap(idx->map, idx->map_bytes);
    idx->map = NULL;
    idx->map_bytes = 0;
    if (ftruncate(idx->fd, (off_t)bytes) != 0)
        return -1;
    idx->misaligned = false;
    idx->max_entries = idx->entries;
    return index_map(idx, bytes, false);
}

void broker_index_close(broker_index_t *idx)
{
    if (!idx->path)
        return;
    if (idx->writable)
        broker_index_trim(idx);
    if (idx->map)
        munmap(idx->map, idx->map_bytes);
    if (idx->fd >= 0)
        close(idx->fd);
    free(idx->path);
    memset(idx, 0, sizeof *idx);
    idx->fd = -1;
}

int broker_index_reset(broker_index_t *idx, size_t max_bytes)
{
    idx->entries = 0;
    idx->misaligned = false;
    if (!idx->writable && index_make_writable(idx, max_bytes) != 0)
        return -1;
    return 0;
}

void broker_index_truncate(broker_index_t *idx, size_t n)
{
    if (n < idx->entries)
        idx->entries = n;
}

void broker_index_set_path(broker_index_t *idx, const char *path)
{
    free(idx->path);
    idx->path = mem_strdup(path);
}

/* ---- offset index ---- */

void broker_offset_index_entry(const broker_index_t *idx, size_t i, int64_t *offset,
                               int64_t *position)
{
    const uint8_t *e = idx->map + i * BROKER_OFFSET_INDEX_ENTRY;
    *offset = idx->base_offset + (uint32_t)broker_be32(e);
    *position = (uint32_t)broker_be32(e + 4);
}

int broker_offset_index_append(broker_index_t *idx, int64_t offset, int64_t position)
{
    if (!idx->writable || broker_index_is_full(idx))
        return -1;
    int64_t rel = offset - idx->base_offset;
    if (rel < 0 || rel > INT32_MAX || position < 0 || position > INT32_MAX)
        return -1;
    if (idx->entries > 0) {
        int64_t last_off, last_pos;
        broker_offset_index_entry(idx, idx->entries - 1, &last_off, &last_pos);
        if (offset <= last_off || position <= last_pos)
            return -1;
    }
    uint8_t *e = idx->map + idx->entries * BROKER_OFFSET_INDEX_ENTRY;
    broker_put_be32(e, (int32_t)rel);
    broker_put_be32(e + 4, (int32_t)position);
    idx->entries++;
    return 0;
}

void broker_offset_index_lookup(const broker_index_t *idx, int64_t target, int64_t *offset,
                                int64_t *position)
{
    size_t lo = 0, hi = idx->entries; /* answer: the last entry in [0, lo) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t o, p;
        broker_offset_index_entry(idx, mid, &o, &p);
        if (o <= target)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        *offset = idx->base_offset;
        *position = 0;
        return;
    }
    broker_offset_index_entry(idx, lo - 1, offset, position);
}

void broker_offset_index_lookup_position(const broker_index_t *idx, int64_t max_position,
                                         int64_t *offset, int64_t *position)
{
    size_t lo = 0, hi = idx->entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t o, p;
        broker_offset_index_entry(idx, mid, &o, &p);
        if (p <= max_position)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        *offset = idx->base_offset;
        *position = 0;
        return;
    }
    broker_offset_index_entry(idx, lo - 1, offset, position);
}

int broker_offset_index_check(const broker_index_t *idx, char *errstr, size_t errstr_size)
{
    if (idx->misaligned) {
        SET_ERR("index %s: size is not a multiple of %d bytes", idx->path,
                BROKER_OFFSET_INDEX_ENTRY);
        return -1;
    }
    int64_t prev_off = idx->base_offset - 1, prev_pos = 0;
    for (size_t i = 0; i < idx->entries; i++) {
        int64_t o, p;
        broker_offset_index_entry(idx, i, &o, &p);
        if (o <= prev_off || p <= prev_pos || p > INT32_MAX) {
            SET_ERR("index %s: entry %zu (offset %" PRId64 ", position %" PRId64
                    ") does not follow the previous one",
                    idx->path, i, o, p);
            return -1;
        }
        prev_off = o;
        prev_pos = p;
    }
    return 0;
}

/* ---- time index ---- */

void broker_time_index_entry(const broker_index_t *idx, size_t i, int64_t *timestamp,
                             int64_t *offset)
{
    const uint8_t *e = idx->map + i * BROKER_TIME_INDEX_ENTRY;
    *timestamp = broker_be64(e);
    *offset = idx->base_offset + (uint32_t)broker_be32(e + 8);
}

bool broker_time_index_last(const broker_index_t *idx, int64_t *timestamp, int64_t *offset)
{
    if (idx->entries == 0)
        return false;
    broker_time_index_entry(idx, idx->entries - 1, timestamp, offset);
    return true;
}

int broker_time_index_append(broker_index_t *idx, int64_t timestamp, int64_t offset)
{
    int64_t last_ts, last_off;
    if (broker_time_index_last(idx, &last_ts, &last_off)) {
        if (timestamp <= last_ts)
            return 0;
        if (offset < last_off)
            return -1;
    }
    int64_t rel = offset - idx->base_offset;
    if (!idx->writable || broker_index_is_full(idx) || rel < 0 || rel > INT32_MAX)
        return -1;
    uint8_t *e = idx->map + idx->entries * BROKER_TIME_INDEX_ENTRY;
    broker_put_be64(e, timestamp);
    broker_put_be32(e + 8, (int32_t)rel);
    idx->entries++;
    return 1;
}

bool broker_time_index_lookup(const broker_index_t *idx, int64_t target, int64_t *timestamp,
                              int64_t *offset)
{
    size_t lo = 0, hi = idx->entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t t, o;
        broker_time_index_entry(idx, mid, &t, &o);
        if (t < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    broker_time_index_entry(idx, lo - 1, timestamp, offset);
    return true;
}

int broker_time_index_check(const broker_index_t *idx, char *errstr, size_t errstr_size)
{
    if (idx->misaligned) {
        SET_ERR("time index %s: size is not a multiple of %d bytes", idx->path,
                BROKER_TIME_INDEX_ENTRY);
        return -1;
    }
    int64_t prev_ts = INT64_MIN, prev_off = idx->base_offset;
    for (size_t i = 0; i < idx->entries; i++) {
        int64_t t, o;
        broker_time_index_entry(idx, i, &t, &o);
        if ((i > 0 && t <= prev_ts) || o < prev_off) {
            SET_ERR("time index %s: entry %zu (timestamp %" PRId64 ", offset %" PRId64
                    ") does not follow the previous one",
                    idx->path, i, t, o);
            return -1;
        }
        prev_ts = t;
        prev_off = o;
    }
    return 0;
}
