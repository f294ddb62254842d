/*
 * The sink kind of a connector task (Kafka's WorkerSinkTask): a consumer in
 * the group connect-<connector> reads the connector's topics, each message
 * goes through the header, key and value converters and the transform
 * chain, and the records are handed to the plugin's put in batches. The
 * offset after the last record put is committed to the group every
 * offset.flush.interval.ms, after the plugin's flush (or pre_commit) said
 * everything put so far is durable: at-least-once delivery.
 *
 * The loop (one turn of sink_run):
 *   1. follow the herder's target state (pause or resume every assigned
 *      partition, state PAUSED or RUNNING);
 *   2. commit when the interval has passed or the plugin asked for it;
 *   3. apply the seeks the plugin asked for;
 *   4. poll: move what librdkafka has fetched into the task's own queue
 *      (the FIFO) and convert up to max.poll.records of it into a batch;
 *   5. put the batch, unless paused. A put that asks to be retried keeps the
 *      batch, pauses every partition and is tried again after a backoff,
 *      while the loop still polls so the group membership and rebalances
 *      are served (Kafka's pausedForRedelivery).
 *
 * Flow control: librdkafka (2.0.x) stops fetching a partition once its queue
 * holds queued.min.messages or queued.max.messages.kbytes, and its fetcher
 * then sleeps up to a hard-coded second before it looks again, even if the
 * queue was emptied right away (librdkafka issues #2879, #4275). So the loop
 * empties librdkafka's queue at every turn into the FIFO, and pauses the
 * assigned partitions itself when the FIFO reaches those same limits,
 * resuming them once it is down to half. A pause leaves librdkafka nothing
 * queued to drop (what it still fetches is dropped and fetched again from
 * the offset after the last message taken); the resume wakes its fetcher at
 * once. Memory stays near twice the limits plus one fetch response.
 *
 * The partitions are also paused whenever the target is paused or a batch
 * waits for redelivery; messages that were in flight stay in the FIFO until
 * the loop takes records again, so nothing is lost or reordered.
 *
 * Rebalances are served from inside the poll, on the task thread: assigned
 * partitions are opened (the plugin's open) before they are assigned, so a
 * seek the plugin makes in open becomes the starting offset of the
 * assignment (librdkafka refuses seeks on partitions whose fetch has not
 * started); revoked partitions are committed, closed and forgotten, with
 * their records dropped from a batch that waits for redelivery.
 *
 * Threads: everything runs on the task thread except the ctx hooks (seek,
 * request_commit) and wakeup, which any thread may call; they reach the
 * kind's state through task->kind under task->lock, which fini clears
 * before anything is freed.
 */
#include "clock.h"
#include "task.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "record_list.h"

#define SINK_LOGGER "WorkerSinkTask"

/* Kafka's consumer default for max.poll.records. */
#define SINK_MAX_POLL_RECORDS_DEFAULT 500

/* The longest a poll blocks, so state changes and commits are served promptly
 * even if a wakeup is missed. */
#define SINK_POLL_TIMEOUT_MS 500

/* sink_nudge_join: how many subscribes, the first this long after the
 * error, each later one twice as long after the previous one. */
#define SINK_NUDGES 6
#define SINK_NUDGE_FIRST_MS 20

/* The most messages one consume call moves into the FIFO. */
#define SINK_DRAIN_CHUNK 1024

/* How long a seek may take before it is given up. */
#define SINK_SEEK_TIMEOUT_MS 5000

/* The class Kafka names for consumer failures (consumer.getClass()). */
#define SINK_CONSUMER_CLASS "org.apache.kafka.clients.consumer.KafkaConsumer"

#define SINK_CONNECT_EXCEPTION "org.apache.kafka.connect.errors.ConnectException"

/* One assigned partition. Offsets are Kafka offsets, -1 when unknown. */
typedef struct sink_partition {
    char *topic;
    int32_t partition;
    bool opened;        /* the plugin's open was called for it */
    int64_t current;    /* the next offset to commit: last record put + 1 */
    int64_t committed;  /* the last committed offset, or where consuming started */
    int64_t batch_next; /* the offset after the last message of the batch not yet put */
    int64_t fetched;    /* the offset after the last message moved into the FIFO */
    bool topic_noted;   /* a record of it was consumed since the active topics were reset */
} sink_partition_t;

/* A seek waiting for the next turn of the loop. */
typedef struct sink_seek {
    char *topic;
    int32_t partition;
    int64_t offset;
    bool from_task; /* asked by the plugin (Kafka's rewind), not by the runtime */
} sink_seek_t;

typedef struct sink {
    task_t *task;
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue; /* the consumer queue (the main queue is forwarded to it) */
    size_t max_poll_records;
    rd_kafka_message_t **msgs; /* what one consume call returns (SINK_DRAIN_CHUNK) */

    /* The FIFO: messages taken off librdkafka's queue and not yet
     * converted, in fifo[fifo_head, fifo_head + fifo_count), with the bytes
     * of their keys and values. Fetching is paused at either limit. */
    rd_kafka_message_t **fifo;
    size_t fifo_cap, fifo_head, fifo_count;
    size_t fifo_bytes;
    size_t fifo_max_msgs, fifo_max_bytes;
    bool flow_paused; /* the FIFO is full: fetching is paused until it is half empty */

    sink_partition_t *parts;
    size_t nparts, parts_cap;
    size_t last_part; /* lookup cache: messages come in runs per partition */

    /* The batch converted but not put yet, with the partitions' batch_next. */
    sluice_records_t *batch;
    bool held;
    bool paused_for_retry;
    int64_t retry_at;
    int64_t retry_backoff_ms;

    bool target_paused; /* what the loop follows (task_target_paused) */
    bool parts_paused;  /* whether the assigned partitions are to be paused */
    bool closing;       /* fini has begun: rebalances no longer reach the plugin */
    int64_t next_commit;
    rd_kafka_topic_partition_list_t *subscription;
    unsigned topics_epoch; /* task_topics_epoch the partitions' topic_noted belong to */
    bool rebalanced;       /* a rebalance callback has run */
    int nudges;            /* sink_nudge_join: subscribes made, -1 before it is armed */
    int64_t nudge_at;      /* when the next one is due */
    atomic_bool commit_requested;

    pthread_mutex_t seek_lock; /* guards seeks */
    sink_seek_t *seeks;
    size_t nseeks, seeks_cap;

    /* A failure found inside a rebalance callback, raised by the loop. */
    bool failed;
    char failure[2048];

    error_handler_header_t *hdrs; /* scratch for error_handler_record_t */
    size_t hdrs_cap;
} sink_t;

/* ---- partitions -------------------------------------------------------------- */

static sink_partition_t *sink_part_find(sink_t *st, const char *topic, int32_t partition)
{
    if (st->last_part < st->nparts) {
        sink_partition_t *p = &st->parts[st->last_part];
        if (p->partition == partition && strcmp(p->topic, topic) == 0)
            return p;
    }
    for (size_t i = 0; i < st->nparts; i++) {
        sink_partition_t *p = &st->parts[i];
        if (p->partition == partition && strcmp(p->topic, topic) == 0) {
            st->last_part = i;
            return p;
        }
    }
    return NULL;
}

static sink_partition_t *sink_part_add(sink_t *st, const char *topic, int32_t partition)
{
    sink_partition_t *p = sink_part_find(st, topic, partition);
    if (p)
        return p;
    mem_grow((void **)&st->parts, &st->parts_cap, st->nparts + 1, sizeof *st->parts);
    p = &st->parts[st->nparts++];
    p->topic = mem_strdup(topic);
    p->partition = partition;
    p->opened = false;
    p->topic_noted = false;
    p->current = p->committed = p->batch_next = p->fetched = -1;
    return p;
}

static void sink_part_remove(sink_t *st, const char *topic, int32_t partition)
{
    sink_partition_t *p = sink_part_find(st, topic, partition);
    if (!p)
        return;
    free(p->topic);
    *p = st->parts[--st->nparts];
    st->last_part = 0;
}

/* ---- failures and pausing ----------------------------------------------------------- */

/* Records a failure found where it cannot be returned (a rebalance
 * callback); the loop fails the task with it. The first one wins. */
static void sink_fail(sink_t *st, const char *fmt, ...) SLUICE_PRINTF(2, 3);
static void sink_fail(sink_t *st, const char *fmt, ...)
{
    if (st->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->failure, sizeof st->failure, fmt, ap);
    va_end(ap);
    st->failed = true;
}

/*
 * After a resume: librdkafka's fetcher may sleep up to a second before it
 * sees it, but a seek wakes it at once. Seeking each resumed partition to
 * the offset after the last message taken from it changes nothing else: the
 * pause already dropped whatever librdkafka held beyond that offset and
 * would fetch from there anyway. Partitions nothing was taken from yet are
 * left alone (librdkafka is still looking up where they start).
 */
static void sink_wake_fetcher(sink_t *st, const rd_kafka_topic_partition_list_t *resumed)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(resumed->cnt);
    for (int i = 0; i < resumed->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &resumed->elems[i];
        sink_partition_t *p = sink_part_find(st, tp->topic, tp->partition);
        if (p && p->fetched >= 0)
            rd_kafka_topic_partition_list_add(list, p->topic, p->partition)->offset = p->fetched;
    }
    if (list->cnt > 0) {
        rd_kafka_error_t *error = rd_kafka_seek_partitions(st->rk, list, SINK_SEEK_TIMEOUT_MS);
        if (error) {
            log_debug(st->task->name, SINK_LOGGER, "Could not restart fetching: %s",
                      rd_kafka_error_string(error));
            rd_kafka_error_destroy(error);
        }
    }
    rd_kafka_topic_partition_list_destroy(list);
}

/* Pauses or resumes every assigned partition so that they are paused exactly
 * while the target is paused, a batch waits for redelivery or the FIFO is
 * full. */
static void sink_sync_pause(sink_t *st)
{
    bool want = st->target_paused || st->paused_for_retry || st->flow_paused;
    if (want == st->parts_paused)
        return;
    st->parts_paused = want;
    rd_kafka_topic_partition_list_t *assigned = NULL;
    rd_kafka_resp_err_t err = rd_kafka_assignment(st->rk, &assigned);
    if (!err && assigned->cnt > 0)
        err = want ? rd_kafka_pause_partitions(st->rk, assigned)
                   : rd_kafka_resume_partitions(st->rk, assigned);
    if (err)
        log_warn(st->task->name, SINK_LOGGER, "Could not %s the assigned partitions: %s",
                 want ? "pause" : "resume", rd_kafka_err2str(err));
    if (!err && !want && assigned->cnt > 0)
        sink_wake_fetcher(st, assigned);
    if (assigned)
        rd_kafka_topic_partition_list_destroy(assigned);
}

/* ---- the FIFO ------------------------------------------------------------------- */

static size_t sink_msg_bytes(const rd_kafka_message_t *msg)
{
    return msg->len + (msg->key ? msg->key_len : 0);
}

/* Makes room for n more messages at the FIFO's tail. */
static void sink_fifo_reserve(sink_t *st, size_t n)
{
    if (st->fifo_head + st->fifo_count + n <= st->fifo_cap)
        return;
    if (st->fifo_head > 0) {
        memmove(st->fifo, st->fifo + st->fifo_head, st->fifo_count * sizeof *st->fifo);
        st->fifo_head = 0;
    }
    mem_grow((void **)&st->fifo, &st->fifo_cap, st->fifo_count + n, sizeof *st->fifo);
}

static void sink_fifo_push(sink_t *st, rd_kafka_message_t *msg)
{
    st->fifo[st->fifo_head + st->fifo_count++] = msg;
    st->fifo_bytes += sink_msg_bytes(msg);
}

/* Takes the oldest message (the FIFO must not be empty); the caller
 * destroys it. */
static rd_kafka_message_t *sink_fifo_pop(sink_t *st)
{
    rd_kafka_message_t *msg = st->fifo[st->fifo_head++];
    st->fifo_bytes -= sink_msg_bytes(msg);
    if (--st->fifo_count == 0)
        st->fifo_head = 0;
    return msg;
}

/* Destroys the messages of topic-partition (every message when topic is
 * NULL), keeping the order of the others. */
static void sink_fifo_drop(sink_t *st, const char *topic, int32_t partition)
{
    size_t kept = 0;
    for (size_t i = 0; i < st->fifo_count; i++) {
        rd_kafka_message_t *msg = st->fifo[st->fifo_head + i];
        if (!topic ||
            (msg->partition == partition && strcmp(rd_kafka_topic_name(msg->rkt), topic) == 0)) {
            st->fifo_bytes -= sink_msg_bytes(msg);
            rd_kafka_message_destroy(msg);
        } else {
            st->fifo[st->fifo_head + kept++] = msg;
        }
    }
    st->fifo_count = kept;
    if (kept == 0)
        st->fifo_head = 0;
}

/* Pauses fetching when the FIFO is full and resumes it once the FIFO is
 * down to half, so that a resume finds room for a few fetches. */
static void sink_flow_update(sink_t *st)
{
    bool full = st->fifo_count >= st->fifo_max_msgs || st->fifo_bytes >= st->fifo_max_bytes;
    bool low = st->fifo_count <= st->fifo_max_msgs / 2 && st->fifo_bytes <= st->fifo_max_bytes / 2;
    if (st->flow_paused ? !low : !full)
        return;
    st->flow_paused = !st->flow_paused;
    sink_sync_pause(st);
}

/* ---- seeks ---------------------------------------------------------------------- */

static void sink_seek_push(sink_t *st, const char *topic, int32_t partition, int64_t offset,
                           bool from_task)
{
    pthread_mutex_lock(&st->seek_lock);
    mem_grow((void **)&st->seeks, &st->seeks_cap, st->nseeks + 1, sizeof *st->seeks);
    st->seeks[st->nseeks++] = (sink_seek_t){
        .topic = mem_strdup(topic),
        .partition = partition,
        .offset = offset,
        .from_task = from_task,
    };
    pthread_mutex_unlock(&st->seek_lock);
}

/*
 * Applies the queued seeks to the assigned partitions. A seek the plugin
 * asked for also becomes the partition's current and last committed offset,
 * as Kafka's rewind does. Task thread.
 */
static void sink_apply_seeks(sink_t *st)
{
    pthread_mutex_lock(&st->seek_lock);
    sink_seek_t *seeks = st->seeks;
    size_t n = st->nseeks;
    st->seeks = NULL;
    st->nseeks = st->seeks_cap = 0;
    pthread_mutex_unlock(&st->seek_lock);
    if (n == 0) {
        free(seeks);
        return;
    }

    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++) {
        sink_seek_t *s = &seeks[i];
        if (!sink_part_find(st, s->topic, s->partition)) {
            log_warn(st->task->name, SINK_LOGGER,
                     "Ignoring a seek of %s-%" PRId32 " to offset %" PRId64
                     ": the partition is not assigned to this task",
                     s->topic, s->partition, s->offset);
            continue;
        }
        rd_kafka_topic_partition_t *tp =
            rd_kafka_topic_partition_list_find(list, s->topic, s->partition);
        if (!tp)
            tp = rd_kafka_topic_partition_list_add(list, s->topic, s->partition);
        /* A later seek of the same partition wins; a runtime rewind never
         * moves past a seek the plugin made. */
        if (s->from_task || tp->offset == RD_KAFKA_OFFSET_INVALID || s->offset < tp->offset)
            tp->offset = s->offset;
        if (s->from_task)
            tp->opaque = (void *)1;
    }
    if (list->cnt > 0) {
        rd_kafka_error_t *error = rd_kafka_seek_partitions(st->rk, list, SINK_SEEK_TIMEOUT_MS);
        rd_kafka_resp_err_t all_err = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (error) {
            all_err = rd_kafka_error_code(error);
            rd_kafka_error_destroy(error);
        }
        for (int i = 0; i < list->cnt; i++) {
            rd_kafka_topic_partition_t *tp = &list->elems[i];
            sink_partition_t *p = sink_part_find(st, tp->topic, tp->partition);
            if (!tp->err)
                tp->err = all_err;
            if (tp->err && !tp->opaque) {
                /* Messages after offset were dropped for this seek: going
                 * on would lose them. */
                sink_fail(st,
                          SINK_CONNECT_EXCEPTION ": could not rewind %s-%" PRId32
                                                 " to offset %" PRId64 ": %s",
                          tp->topic, tp->partition, tp->offset, rd_kafka_err2str(tp->err));
                continue;
            }
            if (tp->err) {
                log_error(st->task->name, SINK_LOGGER,
                          "Could not seek %s-%" PRId32 " to offset %" PRId64 ": %s", tp->topic,
                          tp->partition, tp->offset, rd_kafka_err2str(tp->err));
                continue;
            }
            log_debug(st->task->name, SINK_LOGGER, "Rewound %s-%" PRId32 " to offset %" PRId64,
                      tp->topic, tp->partition, tp->offset);
            sink_fifo_drop(st, tp->topic, tp->partition);
            p->fetched = -1;
            if (tp->opaque)
                p->current = p->committed = tp->offset;
        }
    }
    rd_kafka_topic_partition_list_destroy(list);
    for (size_t i = 0; i < n; i++)
        free(seeks[i].topic);
    free(seeks);
}

/* ---- offset commits ------------------------------------------------------------------ */

/*
 * Kafka's commitOffsets: asks the plugin to make everything put durable
 * (pre_commit, else flush) and commits what it allows to the group,
 * synchronously. A failed flush rewinds the partitions to their last
 * committed offsets (unless closing), so the records are delivered again;
 * a failed commit is logged and tried again at the next interval.
 */
static void sink_commit(sink_t *st, bool closing)
{
    task_t *task = st->task;
    const sluice_sink_task_ops_t *ops = task->cls->sink_task;
    if (!task->self)
        return;
    size_t n = 0;
    sluice_topic_partition_t *tps = mem_calloc(st->nparts + 1, sizeof *tps);
    sink_partition_t **owners = mem_calloc(st->nparts + 1, sizeof *owners);
    for (size_t i = 0; i < st->nparts; i++) {
        if (st->parts[i].current < 0)
            continue;
        owners[n] = &st->parts[i];
        tps[n++] = (sluice_topic_partition_t){
            .topic = st->parts[i].topic,
            .partition = st->parts[i].partition,
            .offset = st->parts[i].current,
        };
    }
    if (n == 0)
        goto out;

    char msg[1024] = "";
    sluice_result_t r = SLUICE_OK;
    if (ops->pre_commit)
        r = ops->pre_commit(task->self, tps, n, msg, sizeof msg);
    else if (ops->flush)
        r = ops->flush(task->self, tps, n, msg, sizeof msg);
    if (r != SLUICE_OK) {
        if (closing) {
            log_warn(task->name, SINK_LOGGER, "Offset commit failed during close: %s",
                     msg[0] ? msg : sluice_result_name(r));
            goto out;
        }
        log_error(task->name, SINK_LOGGER,
                  "Offset commit failed, rewinding to last committed offsets: %s",
                  msg[0] ? msg : sluice_result_name(r));
        for (size_t i = 0; i < n; i++) {
            sink_partition_t *p = owners[i];
            if (p->committed >= 0 && p->current != p->committed) {
                sink_seek_push(st, p->topic, p->partition, p->committed, false);
                p->current = p->committed;
            }
        }
        goto out;
    }

    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++) {
        sink_partition_t *p = owners[i];
        int64_t offset = tps[i].offset;
        if (offset < 0)
            continue; /* the plugin skipped it */
        if (offset > p->current) {
            log_warn(task->name, SINK_LOGGER,
                     "Ignoring invalid task provided offset %s-%" PRId32 "/%" PRId64
                     " -- not yet consumed, taskOffset=%" PRId64 " currentOffset=%" PRId64,
                     p->topic, p->partition, offset, offset, p->current);
            continue;
        }
        if (offset == p->committed)
            continue;
        rd_kafka_topic_partition_list_add(list, p->topic, p->partition)->offset = offset;
    }
    if (list->cnt == 0) {
        log_debug(task->name, SINK_LOGGER, "Skipping offset commit, no change since last commit");
    } else {
        rd_kafka_resp_err_t err = rd_kafka_commit(st->rk, list, 0);
        int ok = 0;
        for (int i = 0; i < list->cnt; i++) {
            rd_kafka_topic_partition_t *tp = &list->elems[i];
            if (err || tp->err) {
                log_error(task->name, SINK_LOGGER,
                          "Commit of offset %" PRId64 " for %s-%" PRId32 " failed: %s", tp->offset,
                          tp->topic, tp->partition, rd_kafka_err2str(tp->err ? tp->err : err));
                continue;
            }
            sink_partition_t *p = sink_part_find(st, tp->topic, tp->partition);
            if (p)
                p->committed = tp->offset;
            ok++;
        }
        if (ok > 0) {
            atomic_fetch_add(&task->n_commits, 1);
            log_debug(task->name, SINK_LOGGER, "Committed offsets of %d partition(s)", ok);
        }
    }
    rd_kafka_topic_partition_list_destroy(list);
out:
    free(tps);
    free(owners);
}

/* ---- rebalances ------------------------------------------------------------------------- */

/* The plugin's open or close for the partitions of list (offsets -1).
 * Returns the plugin's result with its message in msg. */
static sluice_result_t sink_open_close(sink_t *st, const rd_kafka_topic_partition_list_t *list,
                                       bool open, char *msg, size_t msg_size)
{
    task_t *task = st->task;
    const sluice_sink_task_ops_t *ops = task->cls->sink_task;
    sluice_result_t (*fn)(void *, const sluice_topic_partition_t *, size_t, char *, size_t) =
        open ? ops->open : ops->close;
    if (!fn || !task->self || list->cnt == 0)
        return SLUICE_OK;
    sluice_topic_partition_t *tps = mem_calloc((size_t)list->cnt, sizeof *tps);
    for (int i = 0; i < list->cnt; i++)
        tps[i] = (sluice_topic_partition_t){
            .topic = list->elems[i].topic,
            .partition = list->elems[i].partition,
            .offset = -1,
        };
    sluice_result_t r = fn(task->self, tps, (size_t)list->cnt, msg, msg_size);
    free(tps);
    return r;
}

/*
 * Partitions assigned: track and open them, and turn the seeks the plugin
 * made in open into the assignment's starting offsets.
 */
static void sink_partitions_assigned(sink_t *st, rd_kafka_topic_partition_list_t *list)
{
    task_t *task = st->task;
    for (int i = 0; i < list->cnt; i++)
        sink_part_add(st, list->elems[i].topic, list->elems[i].partition);
    char msg[1024] = "";
    sluice_result_t r = sink_open_close(st, list, true, msg, sizeof msg);
    if (r != SLUICE_OK) {
        sink_fail(st, SINK_CONNECT_EXCEPTION ": %s failed to open partitions: %s", task->cls->name,
                  msg[0] ? msg : sluice_result_name(r));
        return;
    }
    for (int i = 0; i < list->cnt; i++) {
        sink_partition_t *p = sink_part_find(st, list->elems[i].topic, list->elems[i].partition);
        p->opened = true;
    }

    pthread_mutex_lock(&st->seek_lock);
    size_t kept = 0;
    for (size_t i = 0; i < st->nseeks; i++) {
        sink_seek_t *s = &st->seeks[i];
        rd_kafka_topic_partition_t *tp =
            rd_kafka_topic_partition_list_find(list, s->topic, s->partition);
        if (!tp) {
            st->seeks[kept++] = *s;
            continue;
        }
        tp->offset = s->offset;
        if (s->from_task) {
            sink_partition_t *p = sink_part_find(st, s->topic, s->partition);
            p->current = p->committed = s->offset;
        }
        free(s->topic);
    }
    st->nseeks = kept;
    pthread_mutex_unlock(&st->seek_lock);
}

/* Drops the records of the batch that came from a partition of list. */
static void sink_batch_drop_partitions(sink_t *st, const rd_kafka_topic_partition_list_t *list)
{
    size_t n = sluice_records_count(st->batch);
    bool any = false;
    for (size_t i = 0; i < n && !any; i++) {
        const sluice_record_t *rec = sluice_records_at(st->batch, i);
        any = rd_kafka_topic_partition_list_find(list, sluice_record_original_topic(rec),
                                                 sluice_record_original_partition(rec)) != NULL;
    }
    if (!any)
        return;
    /* The list has no remove: rebuild it from copies of the records kept
     * (rare: a rebalance while a batch waits for redelivery). */
    sluice_records_t *kept = records_new();
    for (size_t i = 0; i < n; i++) {
        const sluice_record_t *rec = sluice_records_at(st->batch, i);
        if (!rd_kafka_topic_partition_list_find(list, sluice_record_original_topic(rec),
                                                sluice_record_original_partition(rec)))
            sluice_records_add(kept, sluice_record_copy(rec));
    }
    records_destroy(st->batch);
    st->batch = kept;
}

/*
 * Partitions revoked (or lost): commit what was put (unless lost, when
 * another member may own them already), close them, forget them and their
 * records waiting for redelivery.
 */
static void sink_partitions_revoked(sink_t *st, const rd_kafka_topic_partition_list_t *list,
                                    bool lost)
{
    task_t *task = st->task;
    if (!lost)
        sink_commit(st, true);
    rd_kafka_topic_partition_list_t *opened = rd_kafka_topic_partition_list_new(list->cnt);
    for (int i = 0; i < list->cnt; i++) {
        sink_partition_t *p = sink_part_find(st, list->elems[i].topic, list->elems[i].partition);
        if (p && p->opened)
            rd_kafka_topic_partition_list_add(opened, p->topic, p->partition);
    }
    char msg[1024] = "";
    sluice_result_t r = sink_open_close(st, opened, false, msg, sizeof msg);
    rd_kafka_topic_partition_list_destroy(opened);
    if (r != SLUICE_OK)
        sink_fail(st, SINK_CONNECT_EXCEPTION ": %s failed to close partitions: %s", task->cls->name,
                  msg[0] ? msg : sluice_result_name(r));

    sink_batch_drop_partitions(st, list);
    for (int i = 0; i < list->cnt; i++) {
        sink_fifo_drop(st, list->elems[i].topic, list->elems[i].partition);
        sink_part_remove(st, list->elems[i].topic, list->elems[i].partition);
    }
    bool pending = sluice_records_count(st->batch) > 0;
    for (size_t i = 0; i < st->nparts && !pending; i++)
        pending = st->parts[i].batch_next >= 0;
    if (!pending && st->held) {
        st->held = false;
        st->paused_for_retry = false;
    }
}

static void sink_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t *list, void *opaque)
{
    sink_t *st = opaque;
    task_t *task = st->task;
    bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    st->rebalanced = true;
    rd_kafka_error_t *error = NULL;
    rd_kafka_resp_err_t aerr = RD_KAFKA_RESP_ERR_NO_ERROR;

    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        log_info(task->name, SINK_LOGGER, "%d partition(s) assigned", list->cnt);
        if (!st->closing)
            sink_partitions_assigned(st, list);
        if (cooperative)
            error = rd_kafka_incremental_assign(rk, list);
        else
            aerr = rd_kafka_assign(rk, list);
        /* Partitions that join while everything is paused are paused too. */
        if (!error && !aerr && st->parts_paused && list->cnt > 0)
            rd_kafka_pause_partitions(rk, list);
    } else {
        bool lost = err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk);
        if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
            log_error(task->name, SINK_LOGGER, "Rebalance failed: %s", rd_kafka_err2str(err));
        else
            log_info(task->name, SINK_LOGGER, "%d partition(s) %s", list ? list->cnt : 0,
                     lost ? "lost" : "revoked");
        if (!st->closing && list)
            sink_partitions_revoked(st, list, lost);
        if (cooperative && err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
            error = rd_kafka_incremental_unassign(rk, list);
        else
            aerr = rd_kafka_assign(rk, NULL);
    }
    if (error) {
        if (!st->closing)
            sink_fail(st, SINK_CONNECT_EXCEPTION ": could not change the assignment: %s",
                      rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    } else if (aerr && !st->closing) {
        sink_fail(st, SINK_CONNECT_EXCEPTION ": could not change the assignment: %s",
                  rd_kafka_err2str(aerr));
    }
}

/* ---- converting messages ----------------------------------------------------------------- */

typedef struct sink_headers_arg {
    task_t *task;
    const char *topic;
    rd_kafka_headers_t *in;
    sluice_headers_t *out;
} sink_headers_arg_t;

/* The HEADER_CONVERTER step: every header of the message, in order. */
static sluice_result_t sink_convert_headers(void *arg, char *errstr, size_t errstr_size)
{
    sink_headers_arg_t *a = arg;
    task_converter_t *hc = &a->task->header_converter;
    sluice_headers_clear(a->out); /* a retry starts over */
    size_t n = rd_kafka_header_cnt(a->in);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        const void *data;
        size_t size;
        if (rd_kafka_header_get_all(a->in, i, &name, &data, &size))
            break;
        const sluice_schema_t *schema = NULL;
        sluice_value_t *value = NULL;
        sluice_result_t r = hc->cls->header_converter->to_header(
            hc->self, a->topic, name, data, size, &schema, &value, errstr, errstr_size);
        if (r != SLUICE_OK)
            return r;
        sluice_headers_add(a->out, name, schema, value);
        sluice_schema_unref(schema);
    }
    return SLUICE_OK;
}

/*
 * The TRANSFORMATION step for the stage that failed: the first call reports
 * that failure, a retry runs that stage alone again.
 */
typedef struct sink_chain_arg {
    transform_chain_t *chain;
    sluice_record_t *record;
    size_t stage;
    bool first;
    sluice_result_t first_result;
    const char *first_msg;
} sink_chain_arg_t;

static sluice_result_t sink_chain_stage(void *arg, char *errstr, size_t errstr_size)
{
    sink_chain_arg_t *a = arg;
    if (a->first) {
        a->first = false;
        snprintf(errstr, errstr_size, "%s", a->first_msg);
        return a->first_result;
    }
    return transform_chain_apply_stage(a->chain, a->stage, a->record, errstr, errstr_size);
}

/*
 * Runs the chain on record. The stages run unguarded while they succeed
 * (the common case); a failing stage is handed to the error handler with
 * its own class, which it names in the log, the trace and the DLQ, and
 * the later stages continue once it passes.
 */
static error_handler_outcome_t sink_transform(task_t *task, sluice_record_t *record,
                                              const error_handler_record_t *er, char *why,
                                              size_t why_size)
{
    size_t from = 0;
    for (;;) {
        sluice_result_t r = transform_chain_apply_from(task->chain, from, record, why, why_size);
        if (r == SLUICE_OK)
            return ERROR_HANDLER_OK;
        if (r == SLUICE_DROP)
            return ERROR_HANDLER_DROP;
        int failed = transform_chain_failed_stage(task->chain);
        if (failed < 0)
            failed = (int)from;
        char first_msg[2048];
        snprintf(first_msg, sizeof first_msg, "%s", why);
        sink_chain_arg_t ca = {
            .chain = task->chain,
            .record = record,
            .stage = (size_t)failed,
            .first = true,
            .first_result = r,
            .first_msg = first_msg,
        };
        error_handler_outcome_t outcome =
            error_handler_execute(task->errors, ERROR_HANDLER_STAGE_TRANSFORMATION,
                                  transform_chain_class_at(task->chain, ca.stage), sink_chain_stage,
                                  &ca, er, why, why_size);
        if (outcome != ERROR_HANDLER_OK)
            return outcome;
        from = ca.stage + 1;
    }
}

/* The message's headers, or NULL. Looked up once per message: librdkafka
 * parses them anew at every call when the record has none (it allocates). */
static rd_kafka_headers_t *sink_msg_headers(const rd_kafka_message_t *msg)
{
    rd_kafka_headers_t *hdrs = NULL;
    if (rd_kafka_message_headers(msg, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return NULL;
    return hdrs;
}

/* The record a step works on, for the error log and the dead letter queue;
 * hdrs are the message's (sink_msg_headers). */
static void sink_error_record(sink_t *st, const rd_kafka_message_t *msg, rd_kafka_headers_t *hdrs,
                              error_handler_record_t *er)
{
    memset(er, 0, sizeof *er);
    er->topic = msg->rkt ? rd_kafka_topic_name(msg->rkt) : NULL;
    er->partition = msg->partition;
    er->offset = msg->offset;
    er->timestamp = rd_kafka_message_timestamp(msg, NULL);
    if (er->timestamp < 0)
        er->timestamp = -1;
    er->key = msg->key;
    er->key_len = msg->key ? msg->key_len : 0;
    er->value = msg->payload;
    er->value_len = msg->payload ? msg->len : 0;
    if (!hdrs)
        return;
    size_t n = rd_kafka_header_cnt(hdrs);
    mem_grow((void **)&st->hdrs, &st->hdrs_cap, n, sizeof *st->hdrs);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        error_handler_header_t *h = &st->hdrs[count];
        if (rd_kafka_header_get_all(hdrs, i, &h->key, &h->value, &h->value_len) == 0)
            count++;
    }
    er->headers = st->hdrs;
    er->header_count = count;
}

/*
 * Converts one message into a record and runs the chain (Kafka's
 * convertAndTransformRecord), adding the result to the batch. A record
 * dropped by a transform or skipped by the error handler still counts as
 * consumed. Returns 0, or -1 with the task's trace in errstr.
 */
static int sink_convert(sink_t *st, const rd_kafka_message_t *msg, char *errstr, size_t errstr_size)
{
    task_t *task = st->task;
    const char *topic = rd_kafka_topic_name(msg->rkt);
    rd_kafka_headers_t *hdrs = sink_msg_headers(msg);
    error_handler_record_t er;
    sink_error_record(st, msg, hdrs, &er);
    char why[2048];
    why[0] = '\0';
    error_handler_outcome_t outcome;

    sluice_record_t *record = sluice_record_new(topic);
    sluice_headers_t *headers = sluice_record_headers(record);

    /* Headers first, so the key and value converters see them (our
     * converters take Connect headers, Kafka's the raw ones). */
    if (hdrs && rd_kafka_header_cnt(hdrs) > 0) {
        sink_headers_arg_t ha = {.task = task, .topic = topic, .in = hdrs, .out = headers};
        outcome = error_handler_execute(task->errors, ERROR_HANDLER_STAGE_HEADER_CONVERTER,
                                        task->header_converter.cls->name, sink_convert_headers, &ha,
                                        &er, why, sizeof why);
        if (outcome != ERROR_HANDLER_OK)
            goto not_ok;
    }

    task_convert_arg_t ka = {
        .task = task,
        .converter = &task->key_converter,
        .is_key = true,
        .topic = topic,
        .headers = headers,
        .data = msg->key,
        .len = msg->key ? msg->key_len : 0,
    };
    outcome = error_handler_execute(task->errors, ERROR_HANDLER_STAGE_KEY_CONVERTER,
                                    task->key_converter.cls->name, task_to_connect, &ka, &er, why,
                                    sizeof why);
    if (outcome != ERROR_HANDLER_OK)
        goto not_ok;
    sluice_record_set_key(record, ka.schema_out, ka.value_out);
    sluice_schema_unref(ka.schema_out);

    task_convert_arg_t va = {
        .task = task,
        .converter = &task->value_converter,
        .is_key = false,
        .topic = topic,
        .headers = headers,
        .data = msg->payload,
        .len = msg->payload ? msg->len : 0,
    };
    outcome = error_handler_execute(task->errors, ERROR_HANDLER_STAGE_VALUE_CONVERTER,
                                    task->value_converter.cls->name, task_to_connect, &va, &er, why,
                                    sizeof why);
    if (outcome != ERROR_HANDLER_OK)
        goto not_ok;
    sluice_record_set_value(record, va.schema_out, va.value_out);
    sluice_schema_unref(va.schema_out);

    rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    int64_t ts = rd_kafka_message_timestamp(msg, &tstype);
    sluice_record_set_partition(record, msg->partition);
    sluice_record_set_kafka_offset(record, msg->offset);
    sluice_record_set_timestamp(record, ts >= 0 ? ts : -1);
    sluice_record_set_timestamp_type(
        record, tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? SLUICE_TIMESTAMP_CREATE_TIME
                : tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? SLUICE_TIMESTAMP_LOG_APPEND_TIME
                                                               : SLUICE_TIMESTAMP_NONE);
    /* Without transforms nothing can change the topic, partition or offset,
     * which then are the originals (sluice_record_original_topic falls back
     * to them): no copy of the topic per record. */
    if (transform_chain_count(task->chain) > 0)
        record_set_original(record, topic, msg->partition, msg->offset);

    outcome = sink_transform(task, record, &er, why, sizeof why);
    if (outcome != ERROR_HANDLER_OK)
        goto not_ok;
    sluice_records_add(st->batch, record);
    return 0;

not_ok:
    sluice_record_destroy(record);
    if (outcome == ERROR_HANDLER_FAIL) {
        snprintf(errstr, errstr_size, "%s", why);
        return -1;
    }
    if (outcome == ERROR_HANDLER_SKIP)
        log_debug(task->name, SINK_LOGGER,
                  "Skipped record %s-%" PRId32 "@%" PRId64 " (errors.tolerance=all): %s", topic,
                  msg->partition, msg->offset, why);
    return 0;
}

/* ---- consumer errors --------------------------------------------------------------------- */

/* Errors the client recovers from by itself: logged, not raised. */
static bool sink_error_is_transient(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
    case RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND:
    case RD_KAFKA_RESP_ERR_INVALID_FETCH_SESSION_EPOCH: return true;
    default: return false;
    }
}

typedef struct sink_consume_error {
    const char *message;
} sink_consume_error_t;

/* The KAFKA_CONSUME step for a consumer error: it has already failed. */
static sluice_result_t sink_consume_failed(void *arg, char *errstr, size_t errstr_size)
{
    sink_consume_error_t *a = arg;
    snprintf(errstr, errstr_size, "%s", a->message);
    return SLUICE_FATAL;
}

/* A consumer error: transient ones are logged, the others fail the task
 * through the error handler. Returns 0, or -1 with the trace in errstr. */
static int sink_consumer_error(sink_t *st, const rd_kafka_message_t *msg, char *errstr,
                               size_t errstr_size)
{
    task_t *task = st->task;
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
        return 0;
    char fatal[512];
    rd_kafka_resp_err_t fatal_err = rd_kafka_fatal_error(st->rk, fatal, sizeof fatal);
    const char *text = rd_kafka_message_errstr(msg);
    if (!fatal_err && (msg->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                       msg->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)) {
        /* A sink often starts before anything wrote its topic: nothing is
         * wrong, it is consumed once it exists. */
        log_info(task->name, SINK_LOGGER, "Waiting for the topic to exist: %s", text);
        return 0;
    }
    if (!fatal_err && sink_error_is_transient(msg->err)) {
        log_warn(task->name, SINK_LOGGER, "Consumer error (retrying): %s", text);
        return 0;
    }
    char message[1024];
    if (fatal_err)
        snprintf(message, sizeof message, "Fatal consumer error: %s: %s",
                 rd_kafka_err2name(fatal_err), fatal);
    else if (msg->rkt)
        snprintf(message, sizeof message, "Consuming %s-%" PRId32 " failed: %s: %s",
                 rd_kafka_topic_name(msg->rkt), msg->partition, rd_kafka_err2name(msg->err), text);
    else
        snprintf(message, sizeof message, "Consumer error: %s: %s", rd_kafka_err2name(msg->err),
                 text);
    error_handler_record_t er;
    error_handler_record_t *record = NULL;
    if (msg->rkt && msg->offset >= 0) {
        sink_error_record(st, msg, sink_msg_headers(msg), &er);
        record = &er;
    }
    sink_consume_error_t arg = {.message = message};
    char why[2048];
    error_handler_outcome_t outcome =
        error_handler_execute(task->errors, ERROR_HANDLER_STAGE_KAFKA_CONSUME, SINK_CONSUMER_CLASS,
                              sink_consume_failed, &arg, record, why, sizeof why);
    if (outcome == ERROR_HANDLER_FAIL) {
        snprintf(errstr, errstr_size, "%s", why);
        return -1;
    }
    return 0;
}

/* ---- joining ------------------------------------------------------------------------- */

/*
 * A subscribed topic did not exist when the consumer first looked (a sink
 * started along with the source that creates it): librdkafka tries to join
 * the group again only once a second. Subscribing again makes it look at
 * once; a few times, backing off, until the first rebalance, then
 * librdkafka's own pace takes over. Before any rebalance the member is in
 * no group yet, so nobody else is disturbed.
 */
static void sink_nudge_join(sink_t *st, int64_t now)
{
    if (st->rebalanced || st->nudges < 0 || st->nudges >= SINK_NUDGES || now < st->nudge_at)
        return;
    rd_kafka_resp_err_t err = rd_kafka_subscribe(st->rk, st->subscription);
    if (err)
        log_debug(st->task->name, SINK_LOGGER, "Could not subscribe again: %s",
                  rd_kafka_err2str(err));
    st->nudges++;
    st->nudge_at = now + (SINK_NUDGE_FIRST_MS << st->nudges);
}

/* A consumer error said a subscribed topic does not exist (yet). */
static void sink_arm_nudge(sink_t *st, rd_kafka_resp_err_t err)
{
    if (st->rebalanced || st->nudges >= 0 ||
        (err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && err != RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC))
        return;
    st->nudges = 0;
    st->nudge_at = clock_monotonic_ms() + SINK_NUDGE_FIRST_MS;
}

/* ---- the loop ----------------------------------------------------------------------------- */

/*
 * Moves every message librdkafka has fetched into the FIFO, first waiting
 * up to timeout_ms for one when there is none. Rebalance callbacks run
 * inside, so a message is kept only when its partition is still assigned
 * once the call returns (a revoked partition's messages that the call took
 * before the revocation are dropped; should the same call also see it
 * assigned again, which takes a group round trip, they stay, and the new
 * assignment's records from the committed offset on follow them: at least
 * once). Consumer errors are handled here. Returns 0, or -1 with the trace
 * in errstr.
 */
static int sink_drain(sink_t *st, int timeout_ms, char *errstr, size_t errstr_size)
{
    task_t *task = st->task;
    int rc = 0;
    for (bool first = true; rc == 0; first = false) {
        /* Waiting, librdkafka returns only once it has all it was asked
         * for: wait for one, then take the rest of what is there. */
        size_t want = first && timeout_ms > 0 ? 1 : SINK_DRAIN_CHUNK;
        ssize_t n = rd_kafka_consume_batch_queue(st->queue, first ? timeout_ms : 0, st->msgs, want);
        if (n <= 0)
            break;
        sink_fifo_reserve(st, (size_t)n);
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *msg = st->msgs[i];
            if (msg->err) {
                sink_arm_nudge(st, msg->err);
                if (rc == 0)
                    rc = sink_consumer_error(st, msg, errstr, errstr_size);
                rd_kafka_message_destroy(msg);
                continue;
            }
            sink_partition_t *p = sink_part_find(st, rd_kafka_topic_name(msg->rkt), msg->partition);
            if (!p) {
                /* Not (or no longer) assigned: its owner reads it from the
                 * committed offset. */
                log_debug(task->name, SINK_LOGGER,
                          "Dropped a message of %s-%" PRId32 ", which is not assigned",
                          rd_kafka_topic_name(msg->rkt), msg->partition);
                rd_kafka_message_destroy(msg);
                continue;
            }
            p->fetched = msg->offset + 1;
            sink_fifo_push(st, msg);
        }
        if ((size_t)n < want)
            break;
    }
    return rc;
}

/*
 * Drains librdkafka's queue into the FIFO (waiting up to timeout_ms when
 * there is nothing to convert) and, unless a batch is held or the task is
 * paused, converts up to max_poll_records messages from the FIFO into the
 * batch, as Kafka's poll returns what it has fetched. Returns 0, or -1 with
 * the trace in errstr.
 */
static int sink_poll(sink_t *st, int timeout_ms, char *errstr, size_t errstr_size)
{
    task_t *task = st->task;
    bool accept = !st->held && !st->target_paused;
    int rc = sink_drain(st, accept && st->fifo_count > 0 ? 0 : timeout_ms, errstr, errstr_size);
    /* Checked before taking anything: once librdkafka held its limit, the
     * FIFO now holds at least as much, and fetching is paused (else the
     * fetcher would sleep). */
    sink_flow_update(st);
    accept = accept && !st->held && !st->target_paused && !st->failed;
    size_t n = accept && rc == 0 ? st->fifo_count : 0;
    if (n > st->max_poll_records)
        n = st->max_poll_records;
    /* Taken now, so that fetching resumes before these are converted and
     * put. */
    rd_kafka_message_t **batch = st->msgs;
    for (size_t i = 0; i < n; i++)
        batch[i] = sink_fifo_pop(st);
    sink_flow_update(st);

    /* The active topics were reset (checked once per poll, after the wait,
     * so that what arrived meanwhile is reported): every partition's topic
     * is reported again with its next record. */
    if (task_topics_epoch(task) != st->topics_epoch) {
        st->topics_epoch = task_topics_epoch(task);
        for (size_t i = 0; i < st->nparts; i++)
            st->parts[i].topic_noted = false;
    }
    uint64_t consumed = 0;
    for (size_t i = 0; i < n; i++) {
        rd_kafka_message_t *msg = batch[i];
        if (rc == 0) {
            sink_partition_t *p = sink_part_find(st, rd_kafka_topic_name(msg->rkt), msg->partition);
            if (!p) { /* cannot happen: a revoked partition leaves the FIFO */
                rd_kafka_message_destroy(msg);
                continue;
            }
            if (p->committed < 0)
                p->committed = msg->offset; /* where consuming started */
            if (!p->topic_noted) {
                p->topic_noted = true;
                task_topic_used(task, p->topic);
            }
            consumed++;
            rc = sink_convert(st, msg, errstr, errstr_size);
            p->batch_next = msg->offset + 1;
            st->held = true;
        }
        rd_kafka_message_destroy(msg);
    }
    if (consumed)
        atomic_fetch_add(&task->n_records, consumed);
    return rc;
}

typedef struct sink_put_arg {
    task_t *task;
    sluice_records_t *batch;
    bool retry;
    char retry_msg[1024];
} sink_put_arg_t;

/* The TASK_PUT step. A put asking to be retried is not the handler's to
 * retry: the loop redelivers the batch while it keeps polling. */
static sluice_result_t sink_put(void *arg, char *errstr, size_t errstr_size)
{
    sink_put_arg_t *a = arg;
    sluice_result_t r = a->task->cls->sink_task->put(a->task->self, a->batch, errstr, errstr_size);
    if (r == SLUICE_RETRY) {
        a->retry = true;
        snprintf(a->retry_msg, sizeof a->retry_msg, "%s", errstr);
        return SLUICE_OK;
    }
    return r == SLUICE_DROP ? SLUICE_OK : r;
}

/* Puts the batch (Kafka's deliverMessages). Returns 0 (delivered, or kept
 * for a retry), or -1 with the trace in errstr. */
static int sink_deliver(sink_t *st, char *errstr, size_t errstr_size)
{
    task_t *task = st->task;
    sink_put_arg_t arg = {.task = task, .batch = st->batch};
    char why[2048] = "";
    size_t count = sluice_records_count(st->batch);
    error_handler_outcome_t outcome =
        error_handler_execute(task->errors, ERROR_HANDLER_STAGE_TASK_PUT, task->cls->name, sink_put,
                              &arg, NULL, why, sizeof why);
    if (outcome == ERROR_HANDLER_FAIL) {
        snprintf(errstr, errstr_size, "%s", why);
        return -1;
    }
    if (arg.retry) {
        int64_t cap = task->errors_config.retry_delay_max_ms;
        if (cap < ERROR_HANDLER_RETRY_DELAY_MIN_MS)
            cap = ERROR_HANDLER_RETRY_DELAY_MIN_MS;
        st->retry_backoff_ms =
            st->retry_backoff_ms <= 0 ? ERROR_HANDLER_RETRY_DELAY_MIN_MS : st->retry_backoff_ms * 2;
        if (st->retry_backoff_ms > cap)
            st->retry_backoff_ms = cap;
        log_warn(task->name, SINK_LOGGER,
                 "RetriableException from SinkTask: %s; delivering the %zu record(s) again in "
                 "%" PRId64 " ms",
                 arg.retry_msg[0] ? arg.retry_msg : "put asked to be retried", count,
                 st->retry_backoff_ms);
        st->retry_at = clock_monotonic_ms() + st->retry_backoff_ms;
        st->paused_for_retry = true;
        sink_sync_pause(st);
        return 0;
    }
    for (size_t i = 0; i < st->nparts; i++) {
        sink_partition_t *p = &st->parts[i];
        if (p->batch_next >= 0) {
            p->current = p->batch_next;
            p->batch_next = -1;
        }
    }
    if (count)
        atomic_fetch_add(&task->n_written, count);
    records_clear(st->batch);
    st->held = false;
    st->retry_backoff_ms = 0;
    st->retry_at = 0;
    if (st->paused_for_retry) {
        st->paused_for_retry = false;
        sink_sync_pause(st);
    }
    return 0;
}

/* Follows the herder's target state: pauses (and asks for a commit, as
 * Kafka does) or resumes. */
static void sink_follow_target(sink_t *st)
{
    task_t *task = st->task;
    bool want = task_target_paused(task);
    if (want == st->target_paused)
        return;
    st->target_paused = want;
    sink_sync_pause(st);
    if (want)
        atomic_store(&st->commit_requested, true);
    task_set_state(task, want ? WORKER_STATE_PAUSED : WORKER_STATE_RUNNING);
}

static int sink_run(task_t *task, char *errstr, size_t errstr_size)
{
    sink_t *st = task->kind;
    int64_t interval = task->offset_flush_interval_ms > 0 ? task->offset_flush_interval_ms : 1;
    st->next_commit = clock_monotonic_ms() + interval;
    while (!task_stopping(task)) {
        if (st->failed)
            goto failed;
        sink_follow_target(st);

        int64_t now = clock_monotonic_ms();
        if (atomic_exchange(&st->commit_requested, false) || now >= st->next_commit) {
            sink_commit(st, false);
            st->next_commit = now + interval;
        }
        sink_apply_seeks(st);
        if (st->failed)
            goto failed;

        sink_nudge_join(st, now);
        int64_t timeout = st->next_commit - now;
        if (!st->rebalanced && st->nudges >= 0 && st->nudges < SINK_NUDGES &&
            st->nudge_at - now < timeout)
            timeout = st->nudge_at - now;
        if (st->paused_for_retry && st->retry_at - now < timeout)
            timeout = st->retry_at - now;
        if (timeout > SINK_POLL_TIMEOUT_MS)
            timeout = SINK_POLL_TIMEOUT_MS;
        if (timeout < 0 || (st->held && !st->paused_for_retry && !st->target_paused))
            timeout = 0;
        if (sink_poll(st, (int)timeout, errstr, errstr_size))
            return -1;
        if (st->failed)
            goto failed;
        if (task_stopping(task))
            break;

        /* Kafka puts after every poll, an empty batch included, so a sink
         * can do time-based work; never while paused. */
        if (!st->target_paused && !task_target_paused(task) &&
            (!st->paused_for_retry || clock_monotonic_ms() >= st->retry_at)) {
            if (sink_deliver(st, errstr, errstr_size))
                return -1;
        }
    }
    return 0;

failed:
    snprintf(errstr, errstr_size, "%s", st->failure);
    return -1;
}

/* ---- setup and teardown ------------------------------------------------------------------- */

/* consumer.override.max.poll.records (when the override policy lets
 * connectors set consumer settings), else the worker's
 * consumer.max.poll.records, else Kafka's 500. librdkafka has no such
 * setting: the loop applies it. */
static size_t sink_max_poll_records(task_t *task)
{
    const char *policy = sluice_config_get_string(worker_config_values(task->wc),
                                                  "connector.client.config.override.policy");
    const char *key = "consumer.override.max.poll.records";
    const char *text = NULL;
    if (!policy || strcasecmp(policy, "All") == 0)
        text = sluice_strmap_get(connector_config_props(task->cc), key);
    if (!text) {
        key = "consumer.max.poll.records";
        text = sluice_strmap_get(worker_config_props(task->wc), key);
    }
    if (!text)
        return SINK_MAX_POLL_RECORDS_DEFAULT;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || v < 1 || v > 1000000) {
        log_warn(task->name, SINK_LOGGER,
                 "Ignoring %s=%s: not a number from 1 to 1000000; using %d", key, text,
                 SINK_MAX_POLL_RECORDS_DEFAULT);
        return SINK_MAX_POLL_RECORDS_DEFAULT;
    }
    return (size_t)v;
}

static void sink_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    sink_t *st = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char fatal[512];
        rd_kafka_resp_err_t ferr = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
        sink_fail(st, SINK_CONNECT_EXCEPTION ": Fatal consumer error: %s: %s",
                  rd_kafka_err2name(ferr), fatal);
        return;
    }
    log_warn(st->task->name, SINK_LOGGER, "Consumer: %s: %s",
             rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static void sink_free(sink_t *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nparts; i++)
        free(st->parts[i].topic);
    free(st->parts);
    for (size_t i = 0; i < st->nseeks; i++)
        free(st->seeks[i].topic);
    free(st->seeks);
    pthread_mutex_destroy(&st->seek_lock);
    records_destroy(st->batch);
    free(st->msgs);
    free(st->fifo);
    if (st->subscription)
        rd_kafka_topic_partition_list_destroy(st->subscription);
    free(st->hdrs);
    free(st);
}

static int sink_init(task_t *task, char *errstr, size_t errstr_size)
{
    sink_t *st = mem_calloc(1, sizeof *st);
    st->task = task;
    pthread_mutex_init(&st->seek_lock, NULL);
    atomic_init(&st->commit_requested, false);
    st->batch = records_new();
    st->nudges = -1;
    st->max_poll_records = sink_max_poll_records(task);
    st->msgs = mem_calloc(st->max_poll_records > SINK_DRAIN_CHUNK ? st->max_poll_records
                                                                  : SINK_DRAIN_CHUNK,
                          sizeof *st->msgs);

    size_t len = strlen(task->connector) + 64;
    char *group_id = mem_alloc(len);
    char *client_id = mem_alloc(len);
    snprintf(group_id, len, "connect-%s", task->connector);
    snprintf(client_id, len, "connector-consumer-%s-%d", task->connector, (int)task->id);
    const char *forced[] = {
        "group.id",
        group_id,
        "client.id",
        client_id,
        "enable.auto.commit",
        "false",
        "enable.auto.offset.store",
        "false",
        NULL,
    };
    /* auto.offset.reset=earliest, Connect's default for sink consumers, is
     * among client_config's consumer defaults, under the user's settings. */
    rd_kafka_conf_t *conf =
        task_client_conf(task, CLIENT_CONSUMER, NULL, forced, errstr, errstr_size);
    free(group_id);
    free(client_id);
    if (!conf)
        goto fail;
    /* The FIFO holds at most what librdkafka's queue would: fetching then
     * pauses before librdkafka stops it on its own. */
    st->fifo_max_msgs = (size_t)client_config_conf_int(conf, "queued.min.messages", 100000);
    st->fifo_max_bytes =
        (size_t)client_config_conf_int(conf, "queued.max.messages.kbytes", 65536) * 1024;
    rd_kafka_conf_set_rebalance_cb(conf, sink_rebalance_cb);
    rd_kafka_conf_set_error_cb(conf, sink_error_cb);
    rd_kafka_conf_set_opaque(conf, st);
    char why[512];
    st->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (!st->rk) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errstr_size, "Failed to create consumer: %s", why);
        goto fail;
    }
    rd_kafka_poll_set_consumer(st->rk);
    st->queue = rd_kafka_queue_get_consumer(st->rk);

    pthread_mutex_lock(&task->lock);
    task->kind = st;
    pthread_mutex_unlock(&task->lock);
    return 0;

fail:
    sink_free(st);
    return -1;
}

/* Kafka matches topics.regex against the whole topic name; librdkafka
 * takes a subscription starting with '^' as a regex matched anywhere. */
static char *sink_regex_subscription(const char *regex)
{
    size_t len = strlen(regex);
    const char *body = regex;
    if (len > 0 && body[0] == '^') {
        body++;
        len--;
    }
    if (len > 0 && body[len - 1] == '$' && (len < 2 || body[len - 2] != '\\'))
        len--;
    char *out = mem_alloc(len + 5);
    snprintf(out, len + 5, "^(%.*s)$", (int)len, body);
    return out;
}

static int sink_started(task_t *task, char *errstr, size_t errstr_size)
{
    sink_t *st = task->kind;
    const sluice_config_t *values = connector_config_values(task->cc);
    const char *const *topics = NULL;
    size_t ntopics = sluice_config_get_list(values, "topics", &topics);
    const char *regex = sluice_config_get_string(values, "topics.regex");
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    char *pattern = NULL;
    if (ntopics > 0) {
        for (size_t i = 0; i < ntopics; i++)
            rd_kafka_topic_partition_list_add(list, topics[i], RD_KAFKA_PARTITION_UA);
    } else if (regex && *regex) {
        pattern = sink_regex_subscription(regex);
        rd_kafka_topic_partition_list_add(list, pattern, RD_KAFKA_PARTITION_UA);
    }
    if (list->cnt == 0) {
        rd_kafka_topic_partition_list_destroy(list);
        snprintf(errstr, errstr_size, "Must configure one of topics or topics.regex");
        return -1;
    }
    rd_kafka_resp_err_t err = rd_kafka_subscribe(st->rk, list);
    st->subscription = list;
    if (err) {
        snprintf(errstr, errstr_size, "Could not subscribe to %s: %s",
                 pattern ? pattern : "the topics", rd_kafka_err2str(err));
        free(pattern);
        return -1;
    }
    if (pattern)
        log_info(task->name, SINK_LOGGER, "Subscribed to topics matching %s", pattern);
    else
        log_info(task->name, SINK_LOGGER, "Subscribed to %zu topic(s)", ntopics);
    free(pattern);
    return 0;
}

static void sink_fini(task_t *task, bool failed)
{
    sink_t *st = task->kind;
    if (!st)
        return;
    /* Kafka's closeAllPartitions: commit what was put, then close. */
    if (!failed && !st->failed)
        sink_commit(st, true);
    rd_kafka_topic_partition_list_t *opened = rd_kafka_topic_partition_list_new((int)st->nparts);
    for (size_t i = 0; i < st->nparts; i++)
        if (st->parts[i].opened)
            rd_kafka_topic_partition_list_add(opened, st->parts[i].topic, st->parts[i].partition);
    char msg[1024] = "";
    sluice_result_t r = sink_open_close(st, opened, false, msg, sizeof msg);
    if (r != SLUICE_OK)
        log_warn(task->name, SINK_LOGGER, "%s failed to close partitions: %s", task->cls->name,
                 msg[0] ? msg : sluice_result_name(r));
    rd_kafka_topic_partition_list_destroy(opened);

    /* From here rebalance callbacks (served by the close) only unassign,
     * and the other threads no longer reach the state. The client cannot
     * be destroyed while a message it returned is alive. */
    st->closing = true;
    sink_fifo_drop(st, NULL, 0);
    pthread_mutex_lock(&task->lock);
    task->kind = NULL;
    pthread_mutex_unlock(&task->lock);
    rd_kafka_resp_err_t err = rd_kafka_consumer_close(st->rk);
    if (err)
        log_warn(task->name, SINK_LOGGER, "Closing the consumer: %s", rd_kafka_err2str(err));
    rd_kafka_queue_destroy(st->queue);
    rd_kafka_destroy(st->rk);
    sink_free(st);
}

/* ---- hooks from other threads ------------------------------------------------------------- */

static void sink_wakeup(task_t *task)
{
    pthread_mutex_lock(&task->lock);
    sink_t *st = task->kind;
    if (st)
        rd_kafka_queue_yield(st->queue);
    pthread_mutex_unlock(&task->lock);
}

static void sink_ctx_seek(void *owner, const char *topic, int32_t partition, int64_t offset)
{
    task_t *task = owner;
    if (!topic || offset < 0) {
        log_warn(task->name, SINK_LOGGER, "Ignoring a seek of %s-%" PRId32 " to offset %" PRId64,
                 topic ? topic : "(null)", partition, offset);
        return;
    }
    pthread_mutex_lock(&task->lock);
    sink_t *st = task->kind;
    if (st)
        sink_seek_push(st, topic, partition, offset, true);
    pthread_mutex_unlock(&task->lock);
}

static void sink_ctx_request_commit(void *owner)
{
    task_t *task = owner;
    pthread_mutex_lock(&task->lock);
    sink_t *st = task->kind;
    if (st) {
        atomic_store(&st->commit_requested, true);
        rd_kafka_queue_yield(st->queue);
    }
    pthread_mutex_unlock(&task->lock);
}

static const ctx_hooks_t sink_hooks = {
    .seek = sink_ctx_seek,
    .request_commit = sink_ctx_request_commit,
};

const task_kind_ops_t sink_task_ops = {
    .hooks = &sink_hooks,
    .init = sink_init,
    .started = sink_started,
    .run = sink_run,
    .wakeup = sink_wakeup,
    .fini = sink_fini,
};
