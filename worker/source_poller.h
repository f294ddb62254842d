/*
 * Poll-ahead for a source task: a second thread that calls the plugin's
 * poll and hands the batches to the task thread through a short queue (the
 * records of small polls gathered into larger batches), so
 * reading the next batch (a database result, a file) overlaps converting
 * and producing the previous one. Kafka's WorkerSourceTask does both on one
 * thread; the records, their order and the offsets committed are the same,
 * only the two halves run at once.
 *
 * The plugin's callbacks of one instance are called from one thread at a
 * time (include/sluice/plugin.h), and commit/commit_record run on the task
 * thread: a task whose plugin has either is not given a poller (the caller
 * checks source_poller_eligible).
 *
 * The poller stops polling while the task's target is paused or once the
 * queue is full, and ends when the task stops, the poll fails, or
 * source_poller_destroy asks it to. Records left in the queue are dropped
 * unsent: their offsets were never committed, so a restart polls them again.
 */
#ifndef WORKER_SOURCE_POLLER_H
#define WORKER_SOURCE_POLLER_H

#include <stdbool.h>
#include <stddef.h>

#include <sluice/record.h>

#include "task.h"

typedef struct source_poller source_poller_t;

/* The pause after a poll that asked to be retried, on whichever thread polls. */
#define SOURCE_POLL_RETRY_MS 100

/*
 * Polls task's plugin once into batch (emptied first). Returns 0 (records
 * or none), 1 when the poll asked to be retried (logged; batch is empty),
 * or -1 with Kafka's trace in errstr. The thread that polls the plugin.
 */
int source_poll_once(task_t *task, sluice_records_t *batch, char *errstr, size_t errstr_size);

/* True when task's plugin may be polled on a thread of its own. */
bool source_poller_eligible(const task_t *task);

/*
 * Starts polling task's plugin on a new thread, keeping at most depth
 * (>= 1) batches ready. Returns NULL with errstr when the thread cannot be
 * created. Task thread only.
 */
source_poller_t *source_poller_new(task_t *task, size_t depth, char *errstr, size_t errstr_size);

/*
 * Takes the oldest ready batch, waiting up to wait_ms for one (after a
 * millisecond of waiting, the records gathered so far count as one). Returns 1
 * with *out (the caller owns it: hand it back with source_poller_recycle),
 * 0 when none came in time or the task is stopping, or -1 once the plugin's
 * poll failed, with Kafka's trace in errstr (every batch polled before the
 * failure has been taken by then). Task thread only.
 */
int source_poller_take(source_poller_t *poller, sluice_records_t **out, int wait_ms, char *errstr,
                       size_t errstr_size);

/* Gives a batch back for reuse; the poll thread frees its records before it
 * polls into it again (or at destroy). */
void source_poller_recycle(source_poller_t *poller, sluice_records_t *batch);

/* Wakes a take that waits (the task is stopping). Any thread; NULL does nothing. */
void source_poller_wakeup(source_poller_t *poller);

/*
 * Stops the poller (a poll in progress finishes first: the plugin's stop
 * op, called by task_request_stop, cuts it short), joins its thread and
 * frees it with every batch still queued. NULL does nothing.
 */
void source_poller_destroy(source_poller_t *poller);

#endif
