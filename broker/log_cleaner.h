/*
 * The background thread's work on a partition log: retention (deleting
 * whole old segments), the flush policy (when to fdatasync) and compaction
 * of closed segments for cleanup.policy=compact.
 *
 * Every function here runs on the BACKGROUND thread, concurrently with the
 * network thread appending to and reading from the same log: they take
 * log->lock only to look at or change the segment list, and do their reading,
 * writing and syncing outside it. The caller holds a reference on the log
 * (broker_log_ref) for the duration of a call; a log closed or deleted
 * meanwhile makes the call stop at its next step and leave the files alone.
 */
#ifndef BROKER_LOG_CLEANER_H
#define BROKER_LOG_CLEANER_H

#include <stdbool.h>
#include <stdint.h>

#include "partition_log.h"

/*
 * Retention for cleanup.policy=delete: deletes, oldest first, the closed
 * segments whose largest timestamp (the file's mtime when it has none) is
 * more than retention.ms before now_ms, and those that must go to bring the
 * log under retention.bytes, as Kafka does; never the active segment. The
 * log start offset moves to the first remaining segment's base offset.
 * Returns how many segments were deleted.
 */
int broker_cleaner_retention(broker_log_t *log, int64_t now_ms);

/*
 * Whether the flush policy asks for an fdatasync now: flush.messages
 * records appended since the last flush, flush.ms elapsed with something
 * unflushed, or a roll left a closed segment unsynced (Kafka flushes a
 * segment when it rolls). Follow with broker_log_flush().
 */
bool broker_cleaner_flush_due(broker_log_t *log, int64_t now_ms);

/* How long the background thread may sleep before the flush policy of this
 * log is due: 0 when due now, -1 when nothing is waiting for a flush. */
int64_t broker_cleaner_flush_wait_ms(broker_log_t *log, int64_t now_ms);

/* Whether a compacted log has enough new data in closed segments: the
 * "dirty" bytes (closed segments compaction has not seen) over all closed
 * bytes reach min.cleanable.dirty.ratio. */
bool broker_cleaner_compaction_due(broker_log_t *log);

typedef struct broker_cleaner_stats {
    int segments_rewritten;
    int64_t records_removed;
    int64_t tombstones_removed;
    int64_t bytes_before; /* of the segments rewritten */
    int64_t bytes_after;
} broker_cleaner_stats_t;

/*
 * Compacts the closed segments of a cleanup.policy=compact log: keeps the
 * latest record of each key and drops tombstones (null values) whose
 * timestamp is more than delete.retention.ms before now_ms. A segment with
 * something to drop is rewritten into "<base>.log.cleaned", synced, and
 * renamed over the old file under the log's lock, so a reader holding the old
 * file keeps reading valid bytes and a crash leaves either file whole. The
 * key map is capped by log.cleaner.dedupe.buffer.size; what does not fit
 * waits for the next run. stats may be NULL. Returns 0, or -1 on an I/O
 * error (logged; the log is left as it was).
 */
int broker_cleaner_compact(broker_log_t *log, int64_t now_ms, broker_cleaner_stats_t *stats);

#endif
