/*
 * offset_tracker: which source offsets a source task may commit (Kafka's
 * SubmittedRecords).
 *
 * A source offset is committable only once its record and every earlier
 * record of the same source partition have been acknowledged by the
 * producer. The task loop adds each polled record in poll order and passes
 * the returned handle to the producer as the message opaque; the delivery
 * report callback acks (or fails) the handle, in any order, from
 * librdkafka's thread; at each offset flush the task takes the committable
 * offsets and puts them into the offset store.
 *
 * Partitions are independent: an unacknowledged record holds back only its
 * own partition. A failed delivery holds its partition back for good (the
 * record was not written, so no later offset may be committed over it);
 * restarting the task replays from the last committed offset.
 *
 * Memory: one small record per record in flight, queued per partition.
 * Each add first takes the acknowledged records off the head of its
 * partition's queue, keeping only the newest offset of that run for the
 * next commit, so a task runs in memory bounded by its in-flight window
 * even with a long offset.flush.interval.ms. add and ack are O(1)
 * amortised; committable is linear in the records it commits plus the
 * partitions with records in flight.
 *
 * Threads: add, committable, pending and the stats may run concurrently
 * from any threads (one mutex); ack and fail take no lock and may run from
 * any thread, concurrently with everything but destroy.
 */
#ifndef WORKER_OFFSET_TRACKER_H
#define WORKER_OFFSET_TRACKER_H

#include <stddef.h>
#include <sluice/value.h>

#include "offset_store.h"

typedef struct offset_tracker offset_tracker_t;

/* One added record; valid from add until committable has committed it (or
 * destroy), so it must be acked or failed exactly once. */
typedef struct offset_tracker_record offset_tracker_record_t;

/* An empty tracker; destroy with offset_tracker_destroy(). */
offset_tracker_t *offset_tracker_new(void);

/* Frees the tracker and every record still in it; outstanding handles
 * become invalid, so stop the producer's callbacks first. NULL does nothing. */
void offset_tracker_destroy(offset_tracker_t *tracker);

/*
 * Registers the next polled record: partition is borrowed (copied when it is
 * new to the tracker, or referenced when it is shared, see sluice_value_ref),
 * offset is taken (NULL is Kafka's null offset, which
 * commits as a tombstone). A record with a NULL partition carries no offset
 * to commit; it is tracked only so that its handle can be acked like any
 * other. Returns the handle to ack or fail.
 */
offset_tracker_record_t *offset_tracker_add(offset_tracker_t *tracker,
                                            const sluice_value_t *partition,
                                            sluice_value_t *offset);

/* The record was written: its offset may be committed once every earlier
 * record of its partition is acknowledged. */
void offset_tracker_ack(offset_tracker_record_t *record);

/* The record could not be written: its partition's offset stays before it. */
void offset_tracker_fail(offset_tracker_record_t *record);

/*
 * Takes the committable offsets: for each partition whose oldest records are
 * acknowledged, the offset of the last record of that unbroken run, and
 * forgets those records (their handles become invalid). *entries gets a new
 * array (NULL when there is nothing to commit) of (partition, offset) that
 * the caller owns and frees with offset_store_entries_free(); a NULL offset
 * there is a tombstone. Returns the number of entries.
 */
size_t offset_tracker_committable(offset_tracker_t *tracker, offset_store_entry_t **entries);

/* Records added but not yet committed (in flight, acked behind a gap, or
 * failed). */
size_t offset_tracker_pending(offset_tracker_t *tracker);

/* True when some record has failed and blocks its partition. */
bool offset_tracker_has_failed(offset_tracker_t *tracker);

/* Record structures allocated (pending plus the free list), for memory
 * checks. */
size_t offset_tracker_allocated(offset_tracker_t *tracker);

#endif
