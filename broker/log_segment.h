/*
 * One log segment: <dir>/<20-digit base offset>.log holding record batches
 * exactly as produced (baseOffset and partitionLeaderEpoch rewritten), with
 * its .index and .timeindex (log_index.h).
 *
 * A segment is either the partition's active segment, which the network
 * thread appends to, or closed and immutable (until compaction replaces its
 * file). partition_log.c owns the segments and says which thread may touch
 * which; the functions here take no locks.
 *
 * The file descriptor lives in a reference-counted broker_log_file_t, so a
 * fetch can hold a file for sendfile(2) after the segment was deleted by
 * retention or its file replaced by compaction: the old bytes stay readable
 * until the last reference goes.
 */
#ifndef BROKER_LOG_SEGMENT_H
#define BROKER_LOG_SEGMENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_index.h"
#include "record_batch.h"

typedef struct broker_log_file {
    atomic_int refs;
    int fd;
} broker_log_file_t;

/* Wraps fd (owned from now on) with one reference. */
broker_log_file_t *broker_log_file_new(int fd);

/* Adds a reference and returns file. Any thread. */
broker_log_file_t *broker_log_file_ref(broker_log_file_t *file);

/* Drops a reference; the last one closes the fd. NULL does nothing. Any
 * thread. */
void broker_log_file_unref(broker_log_file_t *file);

typedef struct broker_segment {
    int64_t base_offset;
    int64_t next_offset;   /* last offset of the last batch + 1; base_offset when empty */
    int64_t size;          /* bytes of whole batches in the file */
    int64_t max_timestamp; /* largest batch maxTimestamp, -1 when none */
    int64_t offset_of_max_timestamp;
    int64_t max_timestamp_prefix; /* max over this and earlier segments (partition_log) */
    int64_t rolling_timestamp;    /* the first batch's maxTimestamp, -1 when none */
    int64_t created_ms;
    int64_t bytes_since_index; /* log bytes since the last offset index entry */
    int64_t last_index_position;
    broker_log_file_t *file;
    broker_index_t offset_index;
    broker_index_t time_index;
    bool active;
    bool dirty; /* holds bytes not yet fdatasync'ed */
    char *path; /* "<dir>/<20 digits>", without extension */
} broker_segment_t;

/* Writes "<dir>/<base offset in 20 digits><ext>" into out. */
void broker_segment_filename(char *out, size_t size, const char *dir, int64_t base_offset,
                             const char *ext);

/*
 * Opens the segment with base_offset in dir: its .log (created empty when
 * missing, or when truncate is set: a roll to a fresh base offset) and its
 * indexes, read-write with index_max_bytes preallocated when active,
 * read-only otherwise. Nothing is scanned yet: call broker_segment_load()
 * or broker_segment_recover(). Returns the segment (free with
 * broker_segment_destroy) or NULL with errstr set.
 */
broker_segment_t *broker_segment_open(const char *dir, int64_t base_offset, bool active,
                                      bool truncate, size_t index_max_bytes, int64_t now_ms,
                                      char *errstr, size_t errstr_size);

/*
 * The fast path after a clean shutdown: checks both indexes (present,
 * well-formed, the last offset entry pointing at the batch it names), then
 * reads the batch headers after the last index entry to learn next_offset
 * and the max timestamp. Returns 0, 1 when the indexes are missing, damaged
 * or incomplete or the tail does not frame (run broker_segment_recover), or
 * -1 on an I/O error (errstr set).
 */
int broker_segment_load(broker_segment_t *seg, int32_t index_interval, char *errstr,
                        size_t errstr_size);

/*
 * Reads every batch, checking framing, magic, CRC-32C and that offsets
 * increase, rebuilds both indexes from them and truncates the file after the
 * last good batch, logging how many bytes it dropped. A closed segment's
 * indexes are trimmed again afterwards. Returns the bytes truncated (>= 0)
 * or -1 on an I/O error (errstr set).
 */
int64_t broker_segment_recover(broker_segment_t *seg, int32_t index_interval,
                               size_t index_max_bytes, char *errstr, size_t errstr_size);

/*
 * Writes len bytes at the end of the active segment with pwrite(2): when it
 * returns 0 the bytes are in the file (page cache), so they survive the
 * process being killed. The segment's size is not changed yet (see commit).
 * On failure the file is cut back and -1 returned with errno set.
 */
int broker_segment_write(broker_segment_t *seg, const uint8_t *batch, size_t len);

/* Accounts for the batch just written (hdr with its assigned base offset):
 * size, next offset, timestamps and, every index_interval bytes, an index
 * entry. */
void broker_segment_commit(broker_segment_t *seg, const broker_batch_header_t *hdr, size_t len,
                           int32_t index_interval);

/* Whether either index has no room for another entry (the segment must
 * roll). */
bool broker_segment_index_full(const broker_segment_t *seg);

/* The active segment becomes closed: a last time-index entry with its max
 * timestamp (as Kafka does), indexes trimmed and mapped read-only. */
void broker_segment_deactivate(broker_segment_t *seg);

/* Closes the indexes (trimming a writable one), drops the file reference
 * and frees seg. NULL does nothing. */
void broker_segment_destroy(broker_segment_t *seg);

/* Removes the segment's .log, .index and .timeindex files (the .log first,
 * so a crash leaves at worst orphan indexes, which opening removes). */
void broker_segment_unlink(const broker_segment_t *seg);

/*
 * Finds the first batch whose last offset is >= target: index lookup, then a
 * forward scan of headers. Returns 1 with *position and *hdr set, 0 when no
 * batch of the segment reaches target, -1 on I/O error or bad framing.
 */
int broker_segment_find_offset(const broker_segment_t *seg, int64_t target, int64_t *position,
                               broker_batch_header_t *hdr);

/* Finds the first batch whose maxTimestamp is >= target through the time
 * index. Same returns as broker_segment_find_offset. */
int broker_segment_find_timestamp(const broker_segment_t *seg, int64_t target, int64_t *position,
                                  broker_batch_header_t *hdr);

/*
 * The end of the whole batches that start at start (a batch boundary) and
 * fit in budget bytes: *end is in [start, size]; == start when the first
 * batch alone is larger than budget (*first_size then tells its size).
 * Uses the index to jump near start + budget. Returns 0 or -1.
 */
int broker_segment_read_end(const broker_segment_t *seg, int64_t start, int64_t budget,
                            int64_t *end, int64_t *first_size);

/*
 * Sequential reading of the batches of a file, chunk by chunk.
 */
typedef struct broker_batch_reader {
    int fd;
    int64_t pos;   /* where the next batch starts */
    int64_t limit; /* end of the data */
    uint8_t *buf;
    size_t cap;
    bool owned; /* buf was allocated by the reader */
    int64_t buf_off;
    size_t buf_len;
    bool io_error;    /* the last -1 was a failed read, not bad bytes */
    char errstr[200]; /* why the last call returned -1 */
} broker_batch_reader_t;

/* Reads [pos, limit) of fd through buf (cap bytes; NULL: the reader
 * allocates cap). */
void broker_batch_reader_init(broker_batch_reader_t *r, int fd, int64_t pos, int64_t limit,
                              uint8_t *buf, size_t cap);
void broker_batch_reader_free(broker_batch_reader_t *r);

/* The header of the batch at r->pos: 1 (framing checked: magic 2, a length
 * that ends within limit), 0 at limit, -1 on bad framing, a torn tail or an
 * I/O error (r->errstr; r->io_error tells the last apart). Does not
 * advance. */
int broker_batch_reader_header(broker_batch_reader_t *r, broker_batch_header_t *hdr);

/* The whole batch at r->pos in *batch (valid until the next call); same
 * returns. Does not advance. */
int broker_batch_reader_batch(broker_batch_reader_t *r, const uint8_t **batch,
                              broker_batch_header_t *hdr);

/* Moves past the batch whose header was just read. */
static inline void broker_batch_reader_advance(broker_batch_reader_t *r,
                                               const broker_batch_header_t *hdr)
{
    r->pos += (int64_t)broker_batch_size(hdr);
}

#endif
