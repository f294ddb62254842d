/*
 * A partition's log: <log.dirs>/<topic>-<partition>/, a list of segments
 * ordered by base offset whose last one is active (log_segment.h).
 *
 * Threads (see docs/ARCHITECTURE.md):
 *  - the NETWORK thread owns the log: open, append, read, offset lookups,
 *    close and delete. Only it writes the active segment or rolls.
 *  - the BACKGROUND thread flushes (fdatasync), applies retention and
 *    compacts closed segments (log_cleaner.h).
 * What both touch -- the segment list, a segment's file and indexes once it
 * is closed, the log start offset, the counters -- is guarded by log->lock,
 * held only for in-memory work and a few header reads, never for fsync or
 * for reading whole segments. The network thread writes the batch bytes
 * without the lock (nobody else writes the active file) and takes it to
 * publish them.
 *
 * Fetch is zero-copy: broker_log_read() hands out (fd, position, length)
 * slices of whole batches for sendfile(2), each holding a reference on its
 * file so that retention or compaction may replace or delete the segment
 * while the response is still being sent.
 *
 * Producer state (idempotence) is not kept here: the caller reads producerId,
 * producerEpoch and baseSequence from the batch header (record_batch.h),
 * learns the assigned offsets from the append result, and rebuilds its
 * state at start with broker_log_for_each_batch().
 */
#ifndef BROKER_PARTITION_LOG_H
#define BROKER_PARTITION_LOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kafka_error.h"
#include "log_segment.h"
#include "record_batch.h"

/* cleanup.policy, as flags because Kafka accepts "compact,delete". */
#define BROKER_CLEANUP_DELETE 0x1
#define BROKER_CLEANUP_COMPACT 0x2

/*
 * The log settings of one topic, with Kafka's topic-level names; the broker
 * config code fills them from log.* broker settings and per-topic overrides.
 * INT64_MAX means "never" where Kafka uses Long.MAX_VALUE; a negative
 * segment.ms or flush.ms means never too.
 */
typedef struct broker_log_config {
    int64_t segment_bytes;              /* segment.bytes / log.segment.bytes: 1 GiB */
    int64_t segment_ms;                 /* segment.ms / log.roll.ms|hours: 168 h */
    int64_t segment_index_bytes;        /* segment.index.bytes / log.index.size.max.bytes: 10 MiB */
    int32_t index_interval_bytes;       /* index.interval.bytes / log.index.interval.bytes: 4096 */
    int64_t retention_ms;               /* retention.ms / log.retention.ms|minutes|hours: 168 h;
                                         * -1 = unlimited */
    int64_t retention_bytes;            /* retention.bytes / log.retention.bytes: -1 = unlimited */
    int cleanup_policy;                 /* cleanup.policy: delete */
    int64_t flush_messages;             /* flush.messages / log.flush.interval.messages: never */
    int64_t flush_ms;                   /* flush.ms / log.flush.interval.ms: never */
    int32_t max_message_bytes;          /* max.message.bytes / message.max.bytes: 1048588 */
    int64_t delete_retention_ms;        /* delete.retention.ms: 24 h */
    double min_cleanable_dirty_ratio;   /* min.cleanable.dirty.ratio: 0.5 */
    int64_t cleaner_dedupe_buffer_size; /* log.cleaner.dedupe.buffer.size: 128 MiB, a cap:
                                         * the key map grows only as keys need */
} broker_log_config_t;

/* Fills conf with Kafka's defaults. */
void broker_log_config_defaults(broker_log_config_t *conf);

/* ListOffsets' special timestamps. */
#define BROKER_LOG_LATEST_TIMESTAMP (-1)
#define BROKER_LOG_EARLIEST_TIMESTAMP (-2)

typedef struct broker_log {
    char *dir;  /* <log.dirs>/<topic>-<partition> */
    char *name; /* "<topic>-<partition>", the context of its log lines */
    int dir_fd; /* the directory, for fsync and *at() calls */
    atomic_int refs;
    pthread_mutex_t lock;
    /* Guarded by lock (the network thread may read what only it writes
     * without it, as noted). */
    broker_log_config_t conf;
    broker_segment_t **segments; /* by base offset; the last is the active one */
    size_t nsegments;
    size_t segments_cap;
    broker_segment_t *active; /* written by the network thread under lock */
    int64_t log_start_offset;
    int64_t next_offset; /* log end offset = high watermark on one node */
    int64_t unflushed_messages;
    int64_t last_flush_ms;
    int64_t cleaner_checkpoint; /* compaction has seen everything below */
    int32_t leader_epoch;       /* written into every appended batch */
    bool flush_pending;         /* a roll left a closed segment to fdatasync */
    bool dir_dirty;             /* a segment file was created since the last flush */
    bool closed;
    bool deleted;
    char *deleted_dir; /* where broker_log_delete() moved the directory */
} broker_log_t;

/*
 * Opens (creating when missing) the log of topic/partition under log_dir
 * with a copy of conf. Without the clean-shutdown marker the active segment
 * is recovered: every batch is checked (length, CRC-32C) and a torn or
 * corrupt tail is truncated and logged. Missing or damaged indexes are
 * rebuilt either way. Returns the log with one reference, or NULL with
 * errstr set. Network thread (or before the threads start).
 */
broker_log_t *broker_log_open(const char *log_dir, const char *topic, int32_t partition,
                              const broker_log_config_t *conf, int64_t now_ms, char *errstr,
                              size_t errstr_size);

/* Takes a reference (the background thread does, while it works on the
 * log). Any thread. */
broker_log_t *broker_log_ref(broker_log_t *log);

/* Drops a reference; the last one frees the log, which must be closed or
 * deleted by then. NULL does nothing. Any thread. */
void broker_log_unref(broker_log_t *log);

/*
 * Clean shutdown: fdatasyncs what is not yet on disk, trims the indexes,
 * writes the clean-shutdown marker and drops the caller's reference.
 * Background work in progress on the log stops at its next step. NULL does
 * nothing. Network thread.
 */
void broker_log_close(broker_log_t *log);

/*
 * Topic deletion: moves the directory aside (<dir>.<hex>-delete, as Kafka
 * does), removes every file and the directory, and drops the caller's
 * reference. Fetch slices already handed out stay readable. Returns 0, or -1
 * when something could not be removed (logged). Network thread.
 */
int broker_log_delete(broker_log_t *log);

/* Replaces the configuration (AlterConfigs). Network thread. */
void broker_log_set_config(broker_log_t *log, const broker_log_config_t *conf);

/* What an append assigned. */
typedef struct broker_log_append_result {
    int64_t base_offset; /* the Produce response's base_offset */
    int64_t last_offset;
    int64_t log_start_offset;
} broker_log_append_result_t;

/*
 * Appends one batch that broker_batch_validate() accepted (len = its size).
 * Rolls first if the active segment is at segment.bytes, past segment.ms,
 * its index is full or the offsets would overflow it; assigns offsets by
 * rewriting baseOffset (and partitionLeaderEpoch) in batch -- the caller's
 * buffer is modified -- and writes it with pwrite(2): on KAFKA_ERR_NONE the
 * batch is in the file and survives a kill -9 of the process (durability
 * against power loss is the flush policy's). Returns KAFKA_ERR_NONE,
 * KAFKA_ERR_CORRUPT_MESSAGE when len does not frame one batch, or
 * KAFKA_ERR_KAFKA_STORAGE_ERROR when the disk refused (logged; nothing
 * partial is left). Network thread.
 */
kafka_error_t broker_log_append(broker_log_t *log, uint8_t *batch, size_t len, int64_t now_ms,
                                broker_log_append_result_t *res);

/* A run of whole batches in one segment file, for sendfile(2). */
typedef struct broker_log_slice {
    broker_log_file_t *file; /* a reference, released by broker_log_read_release() */
    int fd;                  /* file->fd */
    int64_t position;
    int64_t length;
} broker_log_slice_t;

#define BROKER_LOG_READ_MAX_SLICES 16

typedef struct broker_log_read {
    broker_log_slice_t slices[BROKER_LOG_READ_MAX_SLICES];
    int nslices;
    int64_t bytes;            /* sum of the slice lengths */
    int64_t high_watermark;   /* the log end offset when read */
    int64_t log_start_offset; /* when read */
} broker_log_read_t;

/*
 * Fetch: whole batches starting with the one that contains fetch_offset (it
 * may start before it: clients skip what they did not ask for), crossing
 * segments, at most max_bytes -- except that with min_one_batch a first
 * batch larger than max_bytes is returned alone (Kafka's minOneMessage).
 * Fills *out (nslices 0 at the log end) and returns KAFKA_ERR_NONE,
 * KAFKA_ERR_OFFSET_OUT_OF_RANGE when fetch_offset is below the log start
 * or above the log end, or KAFKA_ERR_KAFKA_STORAGE_ERROR. The caller
 * releases *out with broker_log_read_release() once the bytes are sent,
 * whatever the result. Network thread.
 */
kafka_error_t broker_log_read(broker_log_t *log, int64_t fetch_offset, int64_t max_bytes,
                              bool min_one_batch, broker_log_read_t *out);

/* Drops the file references of a read. Any thread. */
void broker_log_read_release(broker_log_read_t *rd);

/* The log start offset (ListOffsets earliest, Fetch log_start_offset). Any
 * thread. */
int64_t broker_log_start_offset(broker_log_t *log);

/* The log end offset (ListOffsets latest, the high watermark). Any thread. */
int64_t broker_log_end_offset(broker_log_t *log);

/*
 * ListOffsets: timestamp -1 gives the log end offset, -2 the log start
 * offset (both with *found_timestamp -1); otherwise the first offset whose
 * record timestamp is >= timestamp, found through the time index. In an
 * uncompressed batch that is the exact record; in a compressed batch,
 * which the broker never decompresses, it is the batch's first offset and
 * its maxTimestamp. *offset = -1 and *found_timestamp = -1 when no record is
 * that recent. Returns KAFKA_ERR_NONE or KAFKA_ERR_KAFKA_STORAGE_ERROR.
 * Network thread.
 */
kafka_error_t broker_log_offset_for_timestamp(broker_log_t *log, int64_t timestamp, int64_t *offset,
                                              int64_t *found_timestamp);

/*
 * fdatasyncs every segment written since the last flush (and the directory
 * after a roll), outside the lock. Returns 0, or -1 with errno set (the data
 * stays marked unflushed). Background thread normally; the network thread
 * may call it for flush.messages=1 semantics.
 */
int broker_log_flush(broker_log_t *log, int64_t now_ms);

/*
 * Calls cb for every batch from the one containing from_offset to the log
 * end as of the call, with the whole batch bytes (valid during the call).
 * cb returns 0 to go on, anything else to stop. For loading state at
 * start: committed offsets from __consumer_offsets, producer ids and
 * sequences. Returns 0, or -1 on an I/O error or bad framing (logged).
 * Network thread.
 */
typedef int (*broker_log_batch_cb)(const uint8_t *batch, size_t len,
                                   const broker_batch_header_t *hdr, void *opaque);
int broker_log_for_each_batch(broker_log_t *log, int64_t from_offset, broker_log_batch_cb cb,
                              void *opaque);

/* Total bytes of all segments, and how many segments there are. Any
 * thread. */
int64_t broker_log_size(broker_log_t *log);
size_t broker_log_segment_count(broker_log_t *log);

/*
 * Removes "<name>-delete" directories a deletion interrupted by a crash left
 * in log_dir. Returns how many were removed. Before the threads start.
 */
int broker_log_remove_deleted_dirs(const char *log_dir);

/* Internal to the storage files (log_cleaner.c): recomputes the segments'
 * max_timestamp_prefix from index from on. Caller holds log->lock. */
void broker_log_update_time_prefix_locked(broker_log_t *log, size_t from);

/* The name of the clean-shutdown marker file in a partition directory. */
#define BROKER_LOG_CLEAN_SHUTDOWN_FILE ".kafka_cleanshutdown"

#endif
