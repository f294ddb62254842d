/*
 * In-process appends to the embedded broker (worker/local_broker.h).
 *
 * Any thread queues a job on b->local_head under b->local_lock and, when the
 * queue was empty, posts one wake-up to the network thread, which takes the
 * whole queue at once: one lock and at most one eventfd write per batch.
 * The queue, not the loop's own post list, holds the jobs because the loop
 * drops posted work it never ran (broker_loop_destroy), while every accepted
 * append must get its done call: broker_local_close takes what is left once
 * the loop has ended. A job leaves the queue under the lock exactly once,
 * either to run or to be refused, so done runs exactly once.
 */
#include "local_append.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker_internal.h"
#include "log.h"
#include "mem.h"
#include "record_batch.h"

#define STOPPING_MESSAGE "the broker is stopping"

typedef struct local_job {
    struct local_job *next; /* first: tests count the queue through it */
    bool query;             /* a partitions() call waiting on local_cond; else an append */
    int32_t partition;
    /* an append (owned by the job) */
    sluice_buf_t *batch;
    size_t count;
    local_broker_done_fn done;
    void *opaque;
    /* a query (the job is on the caller's stack), guarded by local_lock */
    bool answered;
    int32_t partitions;
    const char *query_topic;
    char topic[]; /* an append's topic (a query's is query_topic) */
} local_job_t;

/* The topic's partition count now, or -1. Network thread (or the
 * controlling thread once the network thread is gone). */
static int32_t topic_partitions(broker_t *b, const char *topic)
{
    broker_topic_t *t = b->topics ? broker_topics_find(b->topics, topic) : NULL;
    return t ? t->partition_count : -1;
}

static void query_answer(broker_t *b, local_job_t *job, int32_t partitions)
{
    pthread_mutex_lock(&b->local_lock);
    job->partitions = partitions;
    job->answered = true;
    pthread_cond_broadcast(&b->local_cond);
    pthread_mutex_unlock(&b->local_lock);
    /* job may be gone now: its caller has returned */
}

static void append_finish(local_job_t *job, int16_t error, const char *message, int64_t base_offset,
                          int32_t partitions)
{
    job->done(job->opaque, error, message, base_offset, partitions);
    sluice_buf_destroy(job->batch);
    free(job);
}

/* Runs one append on the network thread. */
static void append_run(broker_t *b, local_job_t *job, int64_t now_ms)
{
    uint8_t *data = (uint8_t *)sluice_buf_data(job->batch);
    size_t len = sluice_buf_len(job->batch);
    char err[256] = "";
    int64_t base_offset = -1, log_start_offset;
    kafka_error_t ec;
    broker_batch_header_t hdr;
    /* The writer's own count must match the batch: a mismatch is a bug in
     * the batch writer that no Produce request can have. */
    if (broker_batch_header_read(data, len, &hdr) == 0 && hdr.magic == 2 &&
        (size_t)hdr.records_count != job->count) {
        ec = KAFKA_ERR_INVALID_RECORD;
        snprintf(err, sizeof err, "the batch holds %d records, not the %zu announced",
                 hdr.records_count, job->count);
    } else {
        ec = broker_append_partition(b, job->topic, job->partition, data, len, now_ms, &base_offset,
                                     &log_start_offset, err, sizeof err);
    }
    if (ec != KAFKA_ERR_NONE)
        log_debug(NULL, "broker", "In-process append to %s-%d refused with %s: %s", job->topic,
                  job->partition, kafka_error_name((int16_t)ec), err);
    append_finish(job, (int16_t)ec, ec == KAFKA_ERR_NONE ? "" : err, base_offset,
                  topic_partitions(b, job->topic));
}

/* The loop's post: runs every queued job, in queueing order. */
static void local_run(broker_loop_t *loop, void *arg)
{
    (void)loop;
    broker_t *b = arg;
    pthread_mutex_lock(&b->local_lock);
    local_job_t *job = b->local_head;
    b->local_head = b->local_tail = NULL;
    pthread_mutex_unlock(&b->local_lock);
    int64_t now_ms = broker_now_ms();
    while (job) {
        local_job_t *next = job->next; /* read first: answering a query ends its job */
        if (job->query)
            query_answer(b, job, topic_partitions(b, job->query_topic));
        else
            append_run(b, job, now_ms);
        job = next;
    }
}

/*
 * Queues job unless the broker is closed: returns 0, or -1. The wake-up is
 * posted under the lock, so broker_local_close (which takes it) cannot let
 * the broker be freed between the queueing and the post.
 */
static int local_queue(broker_t *b, local_job_t *job)
{
    pthread_mutex_lock(&b->local_lock);
    if (!b->local_open) {
        pthread_mutex_unlock(&b->local_lock);
        return -1;
    }
    job->next = NULL;
    bool was_empty = !b->local_head;
    if (b->local_tail)
        b->local_tail->next = job;
    else
        b->local_head = job;
    b->local_tail = job;
    if (was_empty)
        broker_loop_post(b->loop, local_run, b);
    pthread_mutex_unlock(&b->local_lock);
    return 0;
}

void broker_local_open(broker_t *b)
{
    pthread_mutex_lock(&b->local_lock);
    b->local_open = true;
    pthread_mutex_unlock(&b->local_lock);
}

void broker_local_close(broker_t *b)
{
    pthread_mutex_lock(&b->local_lock);
    b->local_open = false;
    local_job_t *job = b->local_head;
    b->local_head = b->local_tail = NULL;
    pthread_mutex_unlock(&b->local_lock);
    size_t refused = 0;
    while (job) {
        local_job_t *next = job->next;
        if (job->query) {
            query_answer(b, job, -1);
        } else {
            append_finish(job, KAFKA_ERR_NOT_LEADER_OR_FOLLOWER, STOPPING_MESSAGE, -1,
                          topic_partitions(b, job->topic));
            refused++;
        }
        job = next;
    }
    if (refused)
        log_info(NULL, "broker", "Refused %zu in-process append(s) queued at shutdown", refused);
}

static int32_t local_partitions(void *broker, const char *topic)
{
    broker_t *b = broker;
    local_job_t job = {.query = true, .query_topic = topic, .partitions = -1};
    if (local_queue(b, &job) < 0)
        return -1;
    pthread_mutex_lock(&b->local_lock);
    while (!job.answered)
        pthread_cond_wait(&b->local_cond, &b->local_lock);
    pthread_mutex_unlock(&b->local_lock);
    return job.partitions;
}

static int local_append(void *broker, const char *topic, int32_t partition, sluice_buf_t *batch,
                        size_t count, local_broker_done_fn done, void *opaque)
{
    broker_t *b = broker;
    size_t topic_len = strlen(topic);
    local_job_t *job = mem_alloc(sizeof(*job) + topic_len + 1);
    *job = (local_job_t){.partition = partition,
                         .batch = batch,
                         .count = count,
                         .done = done,
                         .opaque = opaque,
                         .partitions = -1};
    memcpy(job->topic, topic, topic_len + 1);
    if (local_queue(b, job) < 0) {
        sluice_buf_destroy(batch);
        free(job);
        return -1;
    }
    return 0;
}

const local_broker_ops_t broker_local_ops = {
    .partitions = local_partitions,
    .append = local_append,
};
