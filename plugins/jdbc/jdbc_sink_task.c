/*
 * JdbcSinkTask: put checks the records and queues copies of them for the
 * task's writer thread, which writes what it takes from the queue in one
 * transaction; flush waits until the writer has committed everything put
 * and returns OK only then, so the runtime commits the consumer offsets
 * after the rows are durable (at-least-once; upsert makes the replays
 * harmless).
 *
 * Why a thread: the task thread converts records while the server executes
 * and commits the previous batch, instead of converting and then waiting.
 * put appends to a queue the writer empties whenever it starts a batch, so
 * records go out at once when the writer is idle and gather into larger
 * batches while it is busy; the queue is bounded (a put waits while it
 * holds batch.size records), so memory stays near two batches.
 * Batches are written one at a time in the order they were put, so deletes
 * and tombstones keep their place, and DDL still runs before each
 * transaction.
 * The writer asks for an offset commit once it is idle, at most once a
 * second, so flush (which waits) seldom interrupts the overlap.
 *
 * Failures: once a write failed, the writer drops what it is given until
 * flush reports the failure, and asks for a commit at once. Puts meanwhile
 * drop their records and answer OK: the failed flush makes the runtime
 * rewind every partition to its last committed offset, so the same records
 * come again. Until retry.backoff.ms has passed, put answers RETRY (the
 * runtime keeps the batch and delivers it again later). After max.retries
 * failed flushes in a row, or at once for an error no retry can fix (a
 * record without a schema, a missing table without auto.create), the task
 * fails: flush and every later put return FATAL with the reason.
 *
 * Threads: every callback runs on the task's thread, except stop; the
 * writer thread alone uses the connection after start. Fields marked
 * "lock" are shared between the two under lock.
 */
#include "jdbc_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "jdbc_common.h"
#include "jdbc_conn.h"

typedef struct jdbc_sink_task {
    sluice_ctx_t *ctx;
    jdbc_conn_t *conn;
    jdbc_sink_writer_t *writer;
    jdbc_sink_settings_t settings;
    int max_retries;
    int remaining_retries;
    int64_t retry_backoff_ms;
    int64_t retry_at; /* monotonic ms; 0: no backoff in progress */
    char last_error[1024];
    char *fatal;           /* set once the task cannot go on */
    sluice_record_t **buf; /* copies a put makes before it queues them */
    size_t nbuf;
    size_t cap;
    /* The writer thread. */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* CLOCK_MONOTONIC; any change of the lock fields */
    sluice_record_t **queued; /* lock: the records waiting for the writer */
    size_t nqueued;
    size_t queued_cap;
    bool busy;                   /* lock: the writer holds a batch */
    bool quit;                   /* lock: destroy asks the writer to end */
    sluice_result_t status;      /* lock: the first failure since the last flush */
    char status_msg[1024];       /* lock */
    int64_t commit_requested_at; /* writer thread only */
    bool commit_owed;            /* writer thread only */
    /* Set by stop (another thread), read while a connection backs off. */
    atomic_int stop;
} jdbc_sink_task_t;

/* The least time between two commit requests of the writer. */
#define COMMIT_REQUEST_INTERVAL_MS 1000

static void records_free(sluice_record_t **recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sluice_record_destroy(recs[i]);
    free(recs);
}

static void buffer_clear(jdbc_sink_task_t *t)
{
    for (size_t i = 0; i < t->nbuf; i++)
        sluice_record_destroy(t->buf[i]);
    t->nbuf = 0;
}

static void request_commit(jdbc_sink_task_t *t)
{
    t->commit_owed = false;
    t->commit_requested_at = jdbc_now_ms();
    sluice_ctx_request_commit(t->ctx);
}

/*
 * The writer thread: writes the queued batches one by one, each in its own
 * transaction, and records the first failure in status. Takes lock.
 */
static void *writer_main(void *arg)
{
    jdbc_sink_task_t *t = arg;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        if (t->quit)
            break;
        if (t->commit_owed &&
            jdbc_now_ms() >= t->commit_requested_at + COMMIT_REQUEST_INTERVAL_MS) {
            pthread_mutex_unlock(&t->lock);
            request_commit(t);
            pthread_mutex_lock(&t->lock);
            continue;
        }
        if (t->nqueued == 0) {
            if (t->commit_owed) {
                int64_t at = t->commit_requested_at + COMMIT_REQUEST_INTERVAL_MS;
                struct timespec ts = {.tv_sec = at / 1000, .tv_nsec = (at % 1000) * 1000000};
                pthread_cond_timedwait(&t->cond, &t->lock, &ts);
            } else {
                pthread_cond_wait(&t->cond, &t->lock);
            }
            continue;
        }
        sluice_record_t **recs = t->queued;
        size_t n = t->nqueued;
        t->queued = NULL;
        t->nqueued = t->queued_cap = 0;
        t->busy = true;
        bool failed = t->status != SLUICE_OK;
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->lock);

        sluice_result_t r = SLUICE_OK;
        char err[1024] = "";
        if (!failed) {
            bool reconnected = false;
            r = jdbc_conn_ensure(t->conn, &reconnected, err, sizeof err);
            if (r == SLUICE_OK) {
                if (reconnected)
                    jdbc_sink_writer_reset(t->writer);
                r = jdbc_sink_writer_write(t->writer, recs, n, err, sizeof err);
            }
            if (r == SLUICE_OK)
                sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Wrote %zu record(s)", n);
        }
        records_free(recs, n);

        pthread_mutex_lock(&t->lock);
        if (r != SLUICE_OK && t->status == SLUICE_OK) {
            t->status = r;
            snprintf(t->status_msg, sizeof t->status_msg, "%s", err);
        }
        t->busy = false;
        bool idle = t->nqueued == 0;
        pthread_cond_broadcast(&t->cond);
        if (r != SLUICE_OK) {
            /* flush reports the failure; the sooner, the less is dropped. */
            pthread_mutex_unlock(&t->lock);
            request_commit(t);
            pthread_mutex_lock(&t->lock);
        } else if (idle && !failed) {
            t->commit_owed = true;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

static void jdbc_sink_task_destroy(void *self)
{
    jdbc_sink_task_t *t = self;
    if (!t)
        return;
    if (t->thread_started) {
        pthread_mutex_lock(&t->lock);
        t->quit = true;
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->lock);
        pthread_join(t->thread, NULL);
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
    }
    records_free(t->queued, t->nqueued);
    buffer_clear(t);
    free(t->buf);
    jdbc_sink_writer_destroy(t->writer);
    jdbc_conn_destroy(t->conn);
    free(t->fatal);
    free(t);
}

static sluice_result_t jdbc_sink_task_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                            void **self, char *errstr, size_t errstr_size)
{
    jdbc_sink_task_t *t = jdbc_calloc(1, sizeof *t);
    t->ctx = ctx;
    jdbc_sink_settings_t *s = &t->settings;
    s->insert_mode = (jdbc_sink_insert_mode_t)jdbc_sink_insert_mode_parse(
        sluice_config_get_string(config, JDBC_SINK_INSERT_MODE));
    s->pk_mode = (jdbc_sink_pk_mode_t)jdbc_sink_pk_mode_parse(
        sluice_config_get_string(config, JDBC_SINK_PK_MODE));
    s->npk_fields = sluice_config_get_list(config, JDBC_SINK_PK_FIELDS, &s->pk_fields);
    s->nwhitelist = sluice_config_get_list(config, JDBC_SINK_FIELDS_WHITELIST, &s->whitelist);
    s->table_format = sluice_config_get_string(config, JDBC_SINK_TABLE_NAME_FORMAT);
    s->batch_size = sluice_config_get_int(config, JDBC_SINK_BATCH_SIZE);
    s->delete_enabled = sluice_config_get_bool(config, JDBC_SINK_DELETE_ENABLED);
    s->auto_create = sluice_config_get_bool(config, JDBC_SINK_AUTO_CREATE);
    s->auto_evolve = sluice_config_get_bool(config, JDBC_SINK_AUTO_EVOLVE);
    s->replace_null_with_default =
        sluice_config_get_bool(config, JDBC_SINK_REPLACE_NULL_WITH_DEFAULT);
    s->quote_identifiers =
        strcasecmp(sluice_config_get_string(config, JDBC_SINK_QUOTE_SQL_IDENTIFIERS), "never") != 0;
    s->date_utc = strcasecmp(sluice_config_get_string(config, JDBC_SINK_DATE_TIMEZONE), "UTC") == 0;
    const char *const *types;
    size_t ntypes = sluice_config_get_list(config, JDBC_SINK_TABLE_TYPES, &types);
    for (size_t i = 0; i < ntypes; i++)
        s->table_types |= strcasecmp(types[i], "VIEW") == 0 ? JDBC_SINK_TABLE_TYPE_VIEW
                                                            : JDBC_SINK_TABLE_TYPE_TABLE;
    t->max_retries = t->remaining_retries = sluice_config_get_int(config, JDBC_SINK_MAX_RETRIES);
    t->retry_backoff_ms = sluice_config_get_int(config, JDBC_SINK_RETRY_BACKOFF_MS);
    if ((int)s->insert_mode < 0 || (int)s->pk_mode < 0) {
        snprintf(errstr, errstr_size, "Invalid insert.mode or pk.mode");
        goto fail;
    }
    if (s->delete_enabled && s->pk_mode != JDBC_SINK_PK_RECORD_KEY) {
        snprintf(errstr, errstr_size, "Delete support only works with pk.mode=record_key");
        goto fail;
    }
    t->conn = jdbc_conn_new(config, ctx, &t->stop, errstr, errstr_size);
    if (!t->conn)
        goto fail;
    t->writer = jdbc_sink_writer_new(t->conn, s, ctx);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, &attr);
    pthread_condattr_destroy(&attr);
    t->status = SLUICE_OK;
    t->commit_requested_at = jdbc_now_ms();
    int err = pthread_create(&t->thread, NULL, writer_main, t);
    if (err) {
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
        snprintf(errstr, errstr_size, "Cannot start the JDBC sink's writer thread: %s",
                 strerror(err));
        goto fail;
    }
    t->thread_started = true;
    sluice_log(ctx, SLUICE_LOG_INFO, "Started JDBC sink task writing to %s",
               jdbc_conn_where(t->conn));
    *self = t;
    return SLUICE_OK;

fail:
    jdbc_sink_task_destroy(t);
    return SLUICE_FATAL;
}

/* Makes the task fail with msg; returns SLUICE_FATAL with it in errstr. */
static sluice_result_t task_fail(jdbc_sink_task_t *t, const char *msg, char *errstr,
                                 size_t errstr_size)
{
    if (!t->fatal) {
        t->fatal = jdbc_strdup(msg);
        sluice_log(t->ctx, SLUICE_LOG_ERROR, "%s", t->fatal);
    }
    snprintf(errstr, errstr_size, "%s", t->fatal);
    return SLUICE_FATAL;
}

static sluice_result_t jdbc_sink_task_put(void *self, const sluice_records_t *records, char *errstr,
                                          size_t errstr_size)
{
    jdbc_sink_task_t *t = self;
    if (t->fatal) {
        snprintf(errstr, errstr_size, "%s", t->fatal);
        return SLUICE_FATAL;
    }
    size_t count = sluice_records_count(records);
    if (count == 0)
        return SLUICE_OK;
    if (t->retry_at && jdbc_now_ms() < t->retry_at) {
        snprintf(errstr, errstr_size, "waiting %lld ms (retry.backoff.ms) after: %s",
                 (long long)t->retry_backoff_ms, t->last_error);
        return SLUICE_RETRY;
    }
    t->retry_at = 0;
    for (size_t i = 0; i < count; i++) {
        if (jdbc_sink_check_record(sluice_records_at(records, i), t->settings.delete_enabled,
                                   errstr, errstr_size) < 0)
            return SLUICE_FATAL;
    }
    /* Copied before taking the lock, so the writer never waits for it long. */
    if (count > t->cap) {
        t->cap = count;
        t->buf = jdbc_realloc(t->buf, t->cap * sizeof *t->buf);
    }
    for (size_t i = 0; i < count; i++)
        t->buf[t->nbuf++] = sluice_record_copy(sluice_records_at(records, i));
    pthread_mutex_lock(&t->lock);
    while (t->status == SLUICE_OK && t->nqueued >= (size_t)t->settings.batch_size)
        pthread_cond_wait(&t->cond, &t->lock);
    sluice_result_t status = t->status;
    if (status == SLUICE_FATAL)
        snprintf(errstr, errstr_size, "%s", t->status_msg);
    if (status == SLUICE_OK) {
        /* Records reach the database as soon as the writer can take them, as
         * Confluent's sink writes them at every put. */
        if (t->nqueued + t->nbuf > t->queued_cap) {
            t->queued_cap = (t->nqueued + t->nbuf) * 2;
            t->queued = jdbc_realloc(t->queued, t->queued_cap * sizeof *t->queued);
        }
        memcpy(t->queued + t->nqueued, t->buf, t->nbuf * sizeof *t->buf);
        t->nqueued += t->nbuf;
        t->nbuf = 0;
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&t->lock);
    if (status == SLUICE_FATAL) {
        buffer_clear(t);
        return task_fail(t, errstr, errstr, errstr_size);
    }
    /* A write failed: these records go, the flush the writer asked for
     * rewinds to the last committed offsets, before them. */
    buffer_clear(t);
    return SLUICE_OK;
}

static sluice_result_t jdbc_sink_task_flush(void *self, const sluice_topic_partition_t *offsets,
                                            size_t count, char *errstr, size_t errstr_size)
{
    (void)offsets;
    (void)count;
    jdbc_sink_task_t *t = self;
    if (t->fatal) {
        snprintf(errstr, errstr_size, "%s", t->fatal);
        return SLUICE_FATAL;
    }
    pthread_mutex_lock(&t->lock);
    while (t->nqueued || t->busy)
        pthread_cond_wait(&t->cond, &t->lock);
    sluice_result_t r = t->status;
    if (r != SLUICE_OK)
        snprintf(errstr, errstr_size, "%s", t->status_msg);
    t->status = SLUICE_OK;
    pthread_mutex_unlock(&t->lock);
    if (r == SLUICE_OK) {
        t->remaining_retries = t->max_retries;
        return SLUICE_OK;
    }
    if (r == SLUICE_RETRY && t->remaining_retries > 0) {
        t->remaining_retries--;
        snprintf(t->last_error, sizeof t->last_error, "%s", errstr);
        sluice_log(t->ctx, SLUICE_LOG_WARN, "Write failed, %d retries left, next in %lld ms: %s",
                   t->remaining_retries, (long long)t->retry_backoff_ms, errstr);
        t->retry_at = jdbc_now_ms() + t->retry_backoff_ms;
        if (t->retry_at == 0)
            t->retry_at = 1;
        return SLUICE_RETRY;
    }
    char msg[1200];
    if (r == SLUICE_RETRY)
        snprintf(msg, sizeof msg, "%s (after %d retries)", errstr, t->max_retries);
    else
        snprintf(msg, sizeof msg, "%s", errstr);
    return task_fail(t, msg, errstr, errstr_size);
}

static void jdbc_sink_task_stop(void *self)
{
    jdbc_sink_task_t *t = self;
    atomic_store(&t->stop, 1);
}

const sluice_sink_task_ops_t jdbc_sink_task_ops = {
    .struct_size = sizeof(sluice_sink_task_ops_t),
    .start = jdbc_sink_task_start,
    .put = jdbc_sink_task_put,
    .flush = jdbc_sink_task_flush,
    .stop = jdbc_sink_task_stop,
    .destroy = jdbc_sink_task_destroy,
};
