#include "source_poller.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "mem.h"
#include "record_list.h"

#define SOURCE_POLLER_LOGGER "WorkerSourceTask"
/* The longest a paused poller, or one with a full queue, waits before it
 * looks at the task again (a resume or a stop wakes it sooner). */
#define SOURCE_POLLER_WAIT_MS 1000
/*
 * A plugin that returns a hundred records per poll (the JDBC source's
 * default batch.max.rows) would cost a hand-over, and a wake-up of the task
 * thread, per hundred records. So the records of successive polls gather in
 * one pending batch, queued once it holds this many, or when a poll brings
 * nothing; a task thread that has waited SOURCE_POLLER_STEAL_MS for a
 * queued batch takes the pending one as it is, so a slow source's records
 * are never held longer than that.
 */
#define SOURCE_POLLER_MERGE_RECORDS 4096
#define SOURCE_POLLER_STEAL_MS 1

struct source_poller {
    task_t *task;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t ready;     /* a batch was queued, the poll failed, or stop */
    pthread_cond_t space;     /* a batch was taken, or stop */
    sluice_records_t **queue; /* depth slots, a ring from head */
    size_t depth, head, count;
    sluice_records_t *spare;   /* one emptied batch kept for the next poll */
    sluice_records_t *pending; /* polled, not yet queued; grows under lock */
    bool closing;              /* source_poller_destroy asked the thread to end */
    bool failed;               /* the thread ended on a failed poll; trace set */
    char *trace;
};

int source_poll_once(task_t *task, sluice_records_t *batch, char *errstr, size_t errstr_size)
{
    char why[4096] = "";
    records_clear(batch);
    sluice_result_t r = task->cls->source_task->poll(task->self, batch, why, sizeof why);
    if (r == SLUICE_OK || r == SLUICE_DROP) {
        atomic_fetch_add(&task->n_records, sluice_records_count(batch));
        return 0;
    }
    records_clear(batch);
    if (r == SLUICE_RETRY) {
        /* Kafka logs a RetriableException from poll and polls again. */
        log_warn(task->name, SOURCE_POLLER_LOGGER, "%s failed to poll records; will retry: %s",
                 task->cls->name, why[0] ? why : "no reason given");
        return 1;
    }
    snprintf(errstr, errstr_size,
             "org.apache.kafka.connect.errors.ConnectException: %s failed to poll records: %s",
             task->cls->name, why[0] ? why : "no reason given");
    return -1;
}

bool source_poller_eligible(const task_t *task)
{
    const sluice_source_task_ops_t *ops = task->cls->source_task;
    return ops && !ops->commit && !ops->commit_record;
}

static bool poller_ending(source_poller_t *p)
{
    return p->closing || task_stopping(p->task);
}

/* Queues the pending batch (lock held, room checked). */
static void poller_push_pending(source_poller_t *p)
{
    p->queue[(p->head + p->count) % p->depth] = p->pending;
    p->count++;
    p->pending = NULL;
    pthread_cond_broadcast(&p->ready);
}

/* Adds one poll's records to the pending batch (lock held). Returns the
 * emptied scratch list to keep, or NULL when it became the pending batch. */
static sluice_records_t *poller_gather(source_poller_t *p, sluice_records_t *scratch)
{
    if (!p->pending) {
        p->pending = scratch;
        /* A waiting task thread starts its steal clock. */
        pthread_cond_broadcast(&p->ready);
        return NULL;
    }
    size_t n = sluice_records_count(scratch);
    for (size_t i = 0; i < n; i++)
        sluice_records_add(p->pending, records_take_at(scratch, i));
    return scratch;
}

static void *poller_main(void *arg)
{
    source_poller_t *p = arg;
    task_t *task = p->task;
    char errstr[8192];
    for (;;) {
        /* A resume or a stop wakes the waits through source_poller_wakeup;
         * the timeout only bounds a wakeup that was missed. */
        pthread_mutex_lock(&p->lock);
        for (;;) {
            if (poller_ending(p))
                break;
            bool full =
                p->pending && sluice_records_count(p->pending) >= SOURCE_POLLER_MERGE_RECORDS;
            if (full && p->count < p->depth) {
                poller_push_pending(p);
                continue;
            }
            if (!full && !task_target_paused(task))
                break;
            struct timespec deadline = clock_deadline_ms(SOURCE_POLLER_WAIT_MS);
            pthread_cond_timedwait(&p->space, &p->lock, &deadline);
        }
        bool ending = poller_ending(p);
        sluice_records_t *scratch = p->spare;
        p->spare = NULL;
        pthread_mutex_unlock(&p->lock);
        if (ending) {
            records_destroy(scratch);
            break;
        }
        if (!scratch)
            scratch = records_new();

        int r = source_poll_once(task, scratch, errstr, sizeof errstr);
        pthread_mutex_lock(&p->lock);
        if (r < 0) {
            p->failed = true;
            p->trace = mem_strdup(errstr);
            pthread_cond_broadcast(&p->ready);
        } else if (r == 0) {
            bool brought = sluice_records_count(scratch) > 0;
            if (brought)
                scratch = poller_gather(p, scratch);
            /* Nothing more for now: what gathered goes out at once. */
            if (!brought && p->pending && p->count < p->depth)
                poller_push_pending(p);
        }
        if (scratch && !p->spare) {
            records_clear(scratch);
            p->spare = scratch;
            scratch = NULL;
        }
        pthread_mutex_unlock(&p->lock);
        records_destroy(scratch);
        if (r < 0)
            break;
        if (r > 0)
            task_sleep(task, SOURCE_POLL_RETRY_MS);
    }
    return NULL;
}

source_poller_t *source_poller_new(task_t *task, size_t depth, char *errstr, size_t errstr_size)
{
    source_poller_t *p = mem_calloc(1, sizeof *p);
    p->task = task;
    p->depth = depth ? depth : 1;
    p->queue = mem_calloc(p->depth, sizeof *p->queue);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->space, NULL);
    int rc = pthread_create(&p->thread, NULL, poller_main, p);
    if (rc) {
        snprintf(errstr, errstr_size,
                 "org.apache.kafka.connect.errors.ConnectException: cannot start the poll "
                 "thread: %s",
                 strerror(rc));
        pthread_cond_destroy(&p->space);
        pthread_cond_destroy(&p->ready);
        pthread_mutex_destroy(&p->lock);
        free(p->queue);
        free(p);
        return NULL;
    }
    task_name_thread(task, p->thread, "poll");
    return p;
}

int source_poller_take(source_poller_t *p, sluice_records_t **out, int wait_ms, char *errstr,
                       size_t errstr_size)
{
    struct timespec deadline = clock_deadline_ms(wait_ms);
    struct timespec steal =
        clock_deadline_ms(wait_ms < SOURCE_POLLER_STEAL_MS ? wait_ms : SOURCE_POLLER_STEAL_MS);
    bool may_steal = false;
    int result = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->count) {
            *out = p->queue[p->head];
            p->queue[p->head] = NULL;
            p->head = (p->head + 1) % p->depth;
            p->count--;
            pthread_cond_broadcast(&p->space);
            result = 1;
            break;
        }
        /* Records polled before a failure are sent before it is reported. */
        if (p->pending && (may_steal || p->failed)) {
            *out = p->pending;
            p->pending = NULL;
            pthread_cond_broadcast(&p->space);
            result = 1;
            break;
        }
        if (p->failed) {
            snprintf(errstr, errstr_size, "%s", p->trace);
            result = -1;
            break;
        }
        if (task_stopping(p->task))
            break;
        bool stealing = p->pending && !may_steal;
        if (pthread_cond_timedwait(&p->ready, &p->lock, stealing ? &steal : &deadline) ==
            ETIMEDOUT) {
            if (!stealing)
                break;
            may_steal = true;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return result;
}

void source_poller_recycle(source_poller_t *p, sluice_records_t *batch)
{
    /* The poll thread empties it before its next poll (source_poll_once). */
    pthread_mutex_lock(&p->lock);
    if (!p->spare) {
        p->spare = batch;
        batch = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    records_destroy(batch);
}

void source_poller_wakeup(source_poller_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->ready);
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
}

void source_poller_destroy(source_poller_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    for (size_t i = 0; i < p->count; i++)
        records_destroy(p->queue[(p->head + i) % p->depth]);
    records_destroy(p->spare);
    records_destroy(p->pending);
    free(p->trace);
    free(p->queue);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
