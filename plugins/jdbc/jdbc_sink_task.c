/*
 * JdbcSinkTask: put checks and buffers copies of the records and asks the
 * runtime for a commit; flush writes everything buffered in one transaction
 * and returns OK only once it has committed, so the runtime commits the
 * consumer offsets after the rows are durable (at-least-once; upsert makes
 * the replays harmless).
 *
 * Failures: a failed flush drops the buffer and returns RETRY, and the
 * runtime rewinds every partition to its last committed offset, so the
 * same records come again. Until retry.backoff.ms has passed, put answers
 * RETRY (the runtime keeps the batch and delivers it again later). After
 * max.retries failed flushes in a row, or at once for an error no retry can
 * fix (a record without a schema, a missing table without auto.create), the
 * task fails: flush and every later put return FATAL with the reason.
 *
 * Threads: every callback runs on the task's thread, except stop.
 */
#include "jdbc_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
    char *fatal; /* set once the task cannot go on */
    sluice_record_t **buf;
    size_t nbuf;
    size_t cap;
    /* Set by stop (another thread), read while a connection backs off. */
    atomic_int stop;
} jdbc_sink_task_t;

/* The runtime's worker/clock.h is not part of the plugin ABI, and
 * jdbc_common has no clock, so the sink keeps this one. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void buffer_clear(jdbc_sink_task_t *t)
{
    for (size_t i = 0; i < t->nbuf; i++)
        sluice_record_destroy(t->buf[i]);
    t->nbuf = 0;
}

static void jdbc_sink_task_destroy(void *self)
{
    jdbc_sink_task_t *t = self;
    if (!t)
        return;
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
    sluice_log(ctx, SLUICE_LOG_INFO, "Started JDBC sink task writing to %s",
               jdbc_conn_where(t->conn));
    *self = t;
    return SLUICE_OK;

fail:
    jdbc_sink_task_destroy(t);
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
    if (t->retry_at && now_ms() < t->retry_at) {
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
    if (t->nbuf + count > t->cap) {
        t->cap = (t->nbuf + count) * 2;
        t->buf = jdbc_realloc(t->buf, t->cap * sizeof *t->buf);
    }
    for (size_t i = 0; i < count; i++)
        t->buf[t->nbuf++] = sluice_record_copy(sluice_records_at(records, i));
    /* Records reach the database as Confluent's sink writes them, at every
     * put, rather than at the next offset.flush.interval.ms. */
    sluice_ctx_request_commit(t->ctx);
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
    if (t->nbuf == 0)
        return SLUICE_OK;
    bool reconnected = false;
    sluice_result_t r = jdbc_conn_ensure(t->conn, &reconnected, errstr, errstr_size);
    if (r == SLUICE_OK) {
        if (reconnected)
            jdbc_sink_writer_reset(t->writer);
        r = jdbc_sink_writer_write(t->writer, t->buf, t->nbuf, errstr, errstr_size);
    }
    size_t n = t->nbuf;
    /* Written or not, the records go: on failure the runtime rewinds to the
     * last committed offsets and delivers them again. */
    buffer_clear(t);
    if (r == SLUICE_OK) {
        t->remaining_retries = t->max_retries;
        sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Wrote %zu record(s)", n);
        return SLUICE_OK;
    }
    if (r == SLUICE_RETRY && t->remaining_retries > 0) {
        t->remaining_retries--;
        snprintf(t->last_error, sizeof t->last_error, "%s", errstr);
        sluice_log(t->ctx, SLUICE_LOG_WARN,
                   "Write of %zu record(s) failed, %d retries left, next in %lld ms: %s", n,
                   t->remaining_retries, (long long)t->retry_backoff_ms, errstr);
        t->retry_at = now_ms() + t->retry_backoff_ms;
        if (t->retry_at == 0)
            t->retry_at = 1;
        return SLUICE_RETRY;
    }
    size_t len = strlen(errstr) + 64;
    t->fatal = jdbc_alloc(len);
    if (r == SLUICE_RETRY)
        snprintf(t->fatal, len, "%s (after %d retries)", errstr, t->max_retries);
    else
        snprintf(t->fatal, len, "%s", errstr);
    snprintf(errstr, errstr_size, "%s", t->fatal);
    sluice_log(t->ctx, SLUICE_LOG_ERROR, "%s", t->fatal);
    return SLUICE_FATAL;
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
