/*
 * The JdbcSourceConnector's task. It holds one querier per table (or one
 * for the query) and runs them in turn, each at most every poll.interval.ms:
 * a querier prepares its statement, executes it unbuffered and streams rows
 * into records, batch.max.rows per poll, keeping the statement open between
 * polls until the result ends. Offsets follow Confluent's format, so a
 * restart resumes where the last committed record left off.
 *
 * Timestamp mode cannot tell rows sharing a timestamp apart, so a record's
 * offset only moves to a timestamp once every row with that timestamp has
 * been read (the next row has a later one, or the result ended); rows
 * committed later with a timestamp at or below the stored offset are never
 * seen: timestamp.delay.interval.ms keeps the newest rows out of a query
 * until transactions writing them have had that long to commit.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jdbc_common.h"
#include "jdbc_source.h"
#include "jdbc_source_columns.h"

#define JDBC_MAX_TS_COLUMNS 16

typedef struct querier {
    char *fqn;   /* "db.table"; NULL in query mode */
    char *db;    /* NULL in query mode */
    char *table; /* NULL in query mode */
    char *topic;
    sluice_value_t *partition; /* shared between the records */

    /* The offset of the last record handed out (where a new query starts). */
    bool has_ts;
    int64_t ts_ms;
    int32_t ts_nanos;
    bool has_inc;
    int64_t inc;

    int64_t next_due_ms;
    int failed_attempts; /* consecutive failed queries (query.retry.attempts) */
    bool validated;      /* nullability checked (validate.non.null) */

    /* The running query. */
    MYSQL_STMT *stmt;
    jdbc_columns_t cols;
    int ts_idx[JDBC_MAX_TS_COLUMNS];
    size_t nts;
    int inc_idx;

    /* Timestamp mode: the last row read, held until its timestamp group is
     * known to be complete. */
    sluice_record_t *pending;
    int64_t pending_ms;
    int32_t pending_nanos;
} querier_t;

typedef struct jdbc_source_task {
    sluice_ctx_t *ctx;
    const sluice_config_t *config;
    jdbc_conn_t *conn;
    atomic_int stop; /* set by task_stop (another thread), read by poll and backoffs */

    const char *mode;
    const char *prefix;
    const char *query;
    const char *suffix;
    const char *inc_column;
    const char *const *ts_columns;
    size_t nts_columns;
    bool quote;
    bool validate_non_null;
    const char *isolation; /* transaction.isolation.mode; NULL for DEFAULT */
    bool session_ready;    /* the isolation level was applied to the open connection */
    int64_t poll_interval_ms;
    int batch_max_rows;
    int query_retry_attempts; /* <= 0: retry failed queries for ever */
    int64_t delay_ms;
    bool has_initial;
    int64_t initial_ms;
    jdbc_numeric_mapping_t mapping;
    jdbc_ts_granularity_t granularity;

    /* The offset map's keys, shared by every offset (as the partition is). */
    sluice_value_t *key_inc;
    sluice_value_t *key_ts;
    sluice_value_t *key_ts_nanos;

    querier_t *queriers;
    size_t nqueriers;
    querier_t *current; /* the querier whose result is open, or NULL */
} jdbc_source_task_t;

static bool mode_is(const jdbc_source_task_t *t, const char *mode)
{
    return strcmp(t->mode, mode) == 0;
}

/* ---- offsets ------------------------------------------------------------------- */

static bool value_as_long(const sluice_value_t *v, int64_t *out)
{
    if (!v)
        return false;
    switch (sluice_value_type(v)) {
    case SLUICE_TYPE_INT8: *out = sluice_value_get_int8(v); return true;
    case SLUICE_TYPE_INT16: *out = sluice_value_get_int16(v); return true;
    case SLUICE_TYPE_INT32: *out = sluice_value_get_int32(v); return true;
    case SLUICE_TYPE_INT64: *out = sluice_value_get_int64(v); return true;
    default: return false;
    }
}

/* Loads the stored offset of q: the partition as this version writes it,
 * else Confluent's older form {"table": name}. */
static void querier_load_offset(jdbc_source_task_t *t, querier_t *q)
{
    sluice_value_t *offset = sluice_ctx_offset(t->ctx, q->partition);
    if (!offset && q->table) {
        sluice_value_t *v0 = sluice_value_map_new();
        sluice_value_map_put_str(v0, JDBC_PARTITION_TABLE, sluice_value_cstring(q->table));
        offset = sluice_ctx_offset(t->ctx, v0);
        sluice_value_destroy(v0);
    }
    if (offset) {
        int64_t v;
        if (value_as_long(sluice_value_map_get_str(offset, JDBC_OFFSET_INCREMENTING), &v)) {
            q->has_inc = true;
            q->inc = v;
        }
        if (value_as_long(sluice_value_map_get_str(offset, JDBC_OFFSET_TIMESTAMP), &v)) {
            q->has_ts = true;
            q->ts_ms = v;
            q->ts_nanos = (int32_t)(((v % 1000) + 1000) % 1000) * 1000000;
            if (value_as_long(sluice_value_map_get_str(offset, JDBC_OFFSET_TIMESTAMP_NANOS), &v))
                q->ts_nanos = (int32_t)v;
        }
        sluice_log(t->ctx, SLUICE_LOG_INFO, "Resuming %s from its stored offset",
                   q->fqn ? q->fqn : "the query");
        sluice_value_destroy(offset);
    }
}

static sluice_value_t *offset_value(const jdbc_source_task_t *t, bool has_ts, int64_t ms,
                                    int32_t nanos, bool has_inc, int64_t inc)
{
    if (mode_is(t, JDBC_MODE_BULK))
        return NULL;
    /* One offset per record: a sized map and shared keys keep it to one
     * allocation per entry. */
    sluice_value_t *o = sluice_value_map_new_sized(3);
    if (has_inc)
        sluice_value_map_put(o, sluice_value_ref(t->key_inc), sluice_value_int64(inc));
    if (has_ts) {
        sluice_value_map_put(o, sluice_value_ref(t->key_ts), sluice_value_int64(ms));
        sluice_value_map_put(o, sluice_value_ref(t->key_ts_nanos), sluice_value_int64(nanos));
    }
    return o;
}

/* ---- queriers --------------------------------------------------------------------- */

static void querier_close_stmt(querier_t *q)
{
    sluice_record_destroy(q->pending);
    q->pending = NULL;
    if (q->stmt) {
        mysql_stmt_close(q->stmt);
        q->stmt = NULL;
    }
    jdbc_columns_clear(&q->cols);
}

static void querier_init(jdbc_source_task_t *t, querier_t *q, const char *fqn)
{
    memset(q, 0, sizeof *q);
    q->inc_idx = -1;
    q->partition = sluice_value_map_new_sized(2);
    if (fqn) {
        q->fqn = jdbc_strdup(fqn);
        jdbc_split_fqn(fqn, &q->db, &q->table);
        size_t n = strlen(t->prefix) + strlen(q->table) + 1;
        q->topic = jdbc_alloc(n);
        snprintf(q->topic, n, "%s%s", t->prefix, q->table);
        sluice_value_map_put_str(q->partition, JDBC_PARTITION_PROTOCOL, sluice_value_cstring("1"));
        sluice_value_map_put_str(q->partition, JDBC_PARTITION_TABLE, sluice_value_cstring(fqn));
    } else {
        q->topic = jdbc_strdup(t->prefix);
        sluice_value_map_put_str(q->partition, JDBC_PARTITION_QUERY, sluice_value_cstring("query"));
    }
    querier_load_offset(t, q);
}

static void querier_destroy(querier_t *q)
{
    querier_close_stmt(q);
    free(q->fqn);
    free(q->db);
    free(q->table);
    free(q->topic);
    sluice_value_destroy(q->partition);
}

/* Appends an identifier, quoted unless quote.sql.identifiers=never. */
static void put_ident(const jdbc_source_task_t *t, sluice_buf_t *sql, const char *ident)
{
    if (!t->quote) {
        sluice_buf_puts(sql, ident);
        return;
    }
    char *q = jdbc_quote_ident(ident);
    sluice_buf_puts(sql, q);
    free(q);
}

static void put_ts_expr(const jdbc_source_task_t *t, sluice_buf_t *sql)
{
    if (t->nts_columns == 1) {
        put_ident(t, sql, t->ts_columns[0]);
        return;
    }
    sluice_buf_puts(sql, "COALESCE(");
    for (size_t i = 0; i < t->nts_columns; i++) {
        if (i)
            sluice_buf_putc(sql, ',');
        put_ident(t, sql, t->ts_columns[i]);
    }
    sluice_buf_putc(sql, ')');
}

/* The incrementing column: configured, or found as the AUTO_INCREMENT one
 * (known only once the statement's metadata is there). */
static void build_sql(const jdbc_source_task_t *t, const querier_t *q, const char *inc_column,
                      sluice_buf_t *sql)
{
    if (q->fqn) {
        sluice_buf_puts(sql, "SELECT * FROM ");
        put_ident(t, sql, q->db);
        sluice_buf_putc(sql, '.');
        put_ident(t, sql, q->table);
    } else {
        sluice_buf_puts(sql, t->query);
    }
    if (mode_is(t, JDBC_MODE_INCREMENTING)) {
        sluice_buf_puts(sql, " WHERE ");
        put_ident(t, sql, inc_column);
        sluice_buf_puts(sql, " > ? ORDER BY ");
        put_ident(t, sql, inc_column);
        sluice_buf_puts(sql, " ASC");
    } else if (mode_is(t, JDBC_MODE_TIMESTAMP)) {
        sluice_buf_puts(sql, " WHERE ");
        put_ts_expr(t, sql);
        sluice_buf_puts(sql, " > ? AND ");
        put_ts_expr(t, sql);
        sluice_buf_puts(sql, " < ? ORDER BY ");
        put_ts_expr(t, sql);
        sluice_buf_puts(sql, " ASC");
    } else if (mode_is(t, JDBC_MODE_TIMESTAMP_INCREMENTING)) {
        sluice_buf_puts(sql, " WHERE ");
        put_ts_expr(t, sql);
        sluice_buf_puts(sql, " < ? AND ((");
        put_ts_expr(t, sql);
        sluice_buf_puts(sql, " = ? AND ");
        put_ident(t, sql, inc_column);
        sluice_buf_puts(sql, " > ?) OR ");
        put_ts_expr(t, sql);
        sluice_buf_puts(sql, " > ?) ORDER BY ");
        put_ts_expr(t, sql);
        sluice_buf_putc(sql, ',');
        put_ident(t, sql, inc_column);
        sluice_buf_puts(sql, " ASC");
    }
    if (t->suffix && *t->suffix) {
        sluice_buf_putc(sql, ' ');
        sluice_buf_puts(sql, t->suffix);
    }
}

/* The database's current time minus timestamp.delay.interval.ms, in epoch
 * ms, from the server's clock as Confluent does. */
static sluice_result_t db_now_ms(jdbc_source_task_t *t, int64_t *out, char *errstr,
                                 size_t errstr_size)
{
    MYSQL *mysql = jdbc_conn_mysql(t->conn);
    if (mysql_query(mysql, "SELECT NOW(6)") != 0) {
        jdbc_conn_error(t->conn, NULL, errstr, errstr_size, "cannot read the database time");
        return jdbc_conn_result_for(mysql_errno(mysql));
    }
    MYSQL_RES *res = mysql_store_result(mysql);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    MYSQL_TIME tm = {.time_type = MYSQL_TIMESTAMP_DATETIME};
    unsigned long micros = 0;
    if (!row || !row[0] ||
        sscanf(row[0], "%u-%u-%u %u:%u:%u.%lu", &tm.year, &tm.month, &tm.day, &tm.hour, &tm.minute,
               &tm.second, &micros) < 6) {
        mysql_free_result(res);
        snprintf(errstr, errstr_size, "cannot read the database time on %s",
                 jdbc_conn_where(t->conn));
        return SLUICE_RETRY;
    }
    tm.second_part = micros;
    mysql_free_result(res);
    *out = jdbc_conn_time_to_epoch_ms(t->conn, &tm);
    return SLUICE_OK;
}

static void bind_time(const jdbc_source_task_t *t, MYSQL_BIND *b, MYSQL_TIME *tm, int64_t ms,
                      int32_t nanos)
{
    jdbc_conn_epoch_ms_to_time(t->conn, ms, tm);
    tm->second_part = (unsigned long)(nanos / 1000);
    memset(b, 0, sizeof *b);
    b->buffer_type = MYSQL_TYPE_DATETIME;
    b->buffer = tm;
    b->buffer_length = sizeof *tm;
}

/* A statement error on q's running query: the message in errstr, the
 * connection closed when the server went away. */
static sluice_result_t query_failed(jdbc_source_task_t *t, querier_t *q, const char *what,
                                    char *errstr, size_t errstr_size)
{
    unsigned int e = q->stmt ? mysql_stmt_errno(q->stmt) : 0;
    if (!e && jdbc_conn_mysql(t->conn))
        e = mysql_errno(jdbc_conn_mysql(t->conn));
    char msg[768];
    if (q->stmt)
        jdbc_conn_error(t->conn, q->stmt, msg, sizeof msg, what);
    else
        jdbc_conn_error(t->conn, NULL, msg, sizeof msg, what);
    snprintf(errstr, errstr_size, "%s for %s", msg, q->fqn ? q->fqn : "the query");
    querier_close_stmt(q);
    if (jdbc_conn_errno_is_disconnect(e) || e == 0)
        jdbc_conn_close(t->conn);
    return SLUICE_RETRY;
}

/* Finds the offset columns in the result and checks them (once per querier,
 * like Confluent's validate.non.null check at task start). */
static sluice_result_t querier_resolve_columns(jdbc_source_task_t *t, querier_t *q, char *errstr,
                                               size_t errstr_size)
{
    const char *name = q->fqn ? q->fqn : "the query";
    q->nts = 0;
    q->inc_idx = -1;
    if (jdbc_mode_uses_timestamp(t->mode)) {
        for (size_t i = 0; i < t->nts_columns && i < JDBC_MAX_TS_COLUMNS; i++) {
            int idx = jdbc_columns_find(&q->cols, t->ts_columns[i]);
            if (idx < 0) {
                snprintf(errstr, errstr_size, "Timestamp column %s not found in %s",
                         t->ts_columns[i], name);
                return SLUICE_FATAL;
            }
            const jdbc_column_t *c = &q->cols.cols[idx];
            if (c->kind != JDBC_COL_TIMESTAMP && c->kind != JDBC_COL_DATE) {
                snprintf(errstr, errstr_size,
                         "Timestamp column %s in %s is not a DATETIME, TIMESTAMP or DATE column",
                         c->name, name);
                return SLUICE_FATAL;
            }
            if (t->validate_non_null && c->nullable && !q->validated) {
                snprintf(errstr, errstr_size,
                         "Cannot make incremental queries using timestamp columns [%s] on %s "
                         "because all of these columns are nullable.",
                         c->name, name);
                return SLUICE_FATAL;
            }
            q->ts_idx[q->nts++] = idx;
        }
    }
    if (jdbc_mode_uses_incrementing(t->mode)) {
        int idx = -1;
        if (t->inc_column && *t->inc_column) {
            idx = jdbc_columns_find(&q->cols, t->inc_column);
        } else {
            for (size_t i = 0; i < q->cols.count && idx < 0; i++)
                if (q->cols.cols[i].auto_increment)
                    idx = (int)i;
        }
        if (idx < 0) {
            snprintf(errstr, errstr_size, "Incrementing column %s not found in %s",
                     t->inc_column && *t->inc_column ? t->inc_column : "(AUTO_INCREMENT)", name);
            return SLUICE_FATAL;
        }
        const jdbc_column_t *c = &q->cols.cols[idx];
        if (t->validate_non_null && c->nullable && !q->validated) {
            snprintf(errstr, errstr_size,
                     "Cannot make incremental queries using incrementing column %s on %s because "
                     "this column is nullable.",
                     c->name, name);
            return SLUICE_FATAL;
        }
        q->inc_idx = idx;
    }
    q->validated = true;
    return SLUICE_OK;
}

/* Finds the AUTO_INCREMENT column by preparing the bare query once. */
static sluice_result_t autodetect_incrementing(jdbc_source_task_t *t, querier_t *q, char **out,
                                               char *errstr, size_t errstr_size)
{
    sluice_buf_t *sql = sluice_buf_new();
    if (q->fqn) {
        sluice_buf_puts(sql, "SELECT * FROM ");
        put_ident(t, sql, q->db);
        sluice_buf_putc(sql, '.');
        put_ident(t, sql, q->table);
    } else {
        sluice_buf_puts(sql, t->query);
    }
    MYSQL_STMT *stmt = mysql_stmt_init(jdbc_conn_mysql(t->conn));
    sluice_result_t r = SLUICE_OK;
    if (!stmt || mysql_stmt_prepare(stmt, sluice_buf_data(sql), sluice_buf_len(sql)) != 0) {
        jdbc_conn_error(t->conn, stmt, errstr, errstr_size, "cannot prepare");
        r = SLUICE_RETRY;
    } else {
        MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
        MYSQL_FIELD *f = meta ? mysql_fetch_fields(meta) : NULL;
        for (unsigned int i = 0; meta && i < mysql_num_fields(meta) && !*out; i++)
            if (f[i].flags & AUTO_INCREMENT_FLAG)
                *out = jdbc_strdup(f[i].name);
        mysql_free_result(meta);
        if (!*out) {
            snprintf(errstr, errstr_size,
                     "No incrementing column: set incrementing.column.name, %s has no "
                     "AUTO_INCREMENT column",
                     q->fqn ? q->fqn : "the query");
            r = SLUICE_FATAL;
        }
    }
    if (stmt)
        mysql_stmt_close(stmt);
    sluice_buf_destroy(sql);
    return r;
}

/* Prepares and executes q's query (unbuffered) with its offset as bounds. */
static sluice_result_t querier_start(jdbc_source_task_t *t, querier_t *q, char *errstr,
                                     size_t errstr_size)
{
    char *inc_column = NULL;
    if (jdbc_mode_uses_incrementing(t->mode)) {
        if (t->inc_column && *t->inc_column) {
            inc_column = jdbc_strdup(t->inc_column);
        } else {
            sluice_result_t r = autodetect_incrementing(t, q, &inc_column, errstr, errstr_size);
            if (r != SLUICE_OK)
                return r;
        }
    }
    int64_t upper_ms = 0;
    if (jdbc_mode_uses_timestamp(t->mode)) {
        sluice_result_t r = db_now_ms(t, &upper_ms, errstr, errstr_size);
        if (r != SLUICE_OK) {
            free(inc_column);
            if (r == SLUICE_RETRY)
                jdbc_conn_close(t->conn);
            return r;
        }
        if (!q->has_ts && t->has_initial) {
            q->has_ts = true;
            q->ts_ms = t->initial_ms == -1 ? upper_ms : t->initial_ms;
            q->ts_nanos = (int32_t)(((q->ts_ms % 1000) + 1000) % 1000) * 1000000;
        }
        upper_ms -= t->delay_ms;
    }

    sluice_buf_t *sql = sluice_buf_new();
    build_sql(t, q, inc_column, sql);
    free(inc_column);
    if (sluice_log_enabled(t->ctx, SLUICE_LOG_DEBUG))
        sluice_log(t->ctx, SLUICE_LOG_DEBUG, "Querying %s: %s", q->fqn ? q->fqn : "the query",
                   sluice_buf_data(sql));
    q->stmt = mysql_stmt_init(jdbc_conn_mysql(t->conn));
    if (!q->stmt || mysql_stmt_prepare(q->stmt, sluice_buf_data(sql), sluice_buf_len(sql)) != 0) {
        sluice_buf_destroy(sql);
        return query_failed(t, q, "cannot prepare the query", errstr, errstr_size);
    }
    sluice_buf_destroy(sql);

    if (jdbc_columns_init(&q->cols, q->stmt, q->table, t->mapping, t->granularity, errstr,
                          errstr_size) != 0) {
        querier_close_stmt(q);
        return SLUICE_FATAL;
    }
    sluice_result_t r = querier_resolve_columns(t, q, errstr, errstr_size);
    if (r != SLUICE_OK) {
        querier_close_stmt(q);
        return r;
    }

    MYSQL_BIND params[4];
    MYSQL_TIME lo, hi;
    long long inc = q->has_inc ? q->inc : -1;
    int64_t lo_ms = q->has_ts ? q->ts_ms : 0;
    int32_t lo_nanos = q->has_ts ? q->ts_nanos : 0;
    MYSQL_BIND inc_bind = {.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &inc};
    if (mode_is(t, JDBC_MODE_INCREMENTING)) {
        params[0] = inc_bind;
    } else if (mode_is(t, JDBC_MODE_TIMESTAMP)) {
        bind_time(t, &params[0], &lo, lo_ms, lo_nanos);
        bind_time(t, &params[1], &hi, upper_ms,
                  (int32_t)(((upper_ms % 1000) + 1000) % 1000) * 1000000);
    } else if (mode_is(t, JDBC_MODE_TIMESTAMP_INCREMENTING)) {
        bind_time(t, &params[0], &hi, upper_ms,
                  (int32_t)(((upper_ms % 1000) + 1000) % 1000) * 1000000);
        bind_time(t, &params[1], &lo, lo_ms, lo_nanos);
        params[2] = inc_bind;
        params[3] = params[1];
    }
    if (!mode_is(t, JDBC_MODE_BULK) && mysql_stmt_bind_param(q->stmt, params) != 0)
        return query_failed(t, q, "cannot bind the query's parameters", errstr, errstr_size);
    if (mysql_stmt_execute(q->stmt) != 0)
        return query_failed(t, q, "cannot execute the query", errstr, errstr_size);
    return SLUICE_OK;
}

/* Hands a record to the runtime and moves q's offset to the record's. */
static void emit(querier_t *q, sluice_records_t *out, sluice_record_t *rec, bool has_ts, int64_t ms,
                 int32_t nanos, bool has_inc, int64_t inc)
{
    if (has_ts) {
        q->has_ts = true;
        q->ts_ms = ms;
        q->ts_nanos = nanos;
    }
    if (has_inc) {
        q->has_inc = true;
        q->inc = inc;
    }
    sluice_records_add(out, rec);
}

/* The timestamp of the current row: the first non-null timestamp column. */
static bool row_timestamp(jdbc_source_task_t *t, querier_t *q, int64_t *ms, int32_t *nanos)
{
    for (size_t i = 0; i < q->nts; i++)
        if (jdbc_columns_get_timestamp(&q->cols, t->conn, (size_t)q->ts_idx[i], ms, nanos))
            return true;
    return false;
}

/* Streams rows of q's open result into out until the batch is full or the
 * result ends (*ended). */
static sluice_result_t querier_read(jdbc_source_task_t *t, querier_t *q, sluice_records_t *out,
                                    bool *ended, char *errstr, size_t errstr_size)
{
    bool ts_mode = mode_is(t, JDBC_MODE_TIMESTAMP);
    *ended = false;
    while ((int)sluice_records_count(out) < t->batch_max_rows && !atomic_load(&t->stop)) {
        int rc = jdbc_columns_fetch(&q->cols, q->stmt);
        if (rc < 0)
            return query_failed(t, q, "cannot read a row", errstr, errstr_size);
        if (rc == 0) {
            if (q->pending) {
                sluice_record_set_source_offset(
                    q->pending, offset_value(t, true, q->pending_ms, q->pending_nanos, false, 0));
                emit(q, out, q->pending, true, q->pending_ms, q->pending_nanos, false, 0);
                q->pending = NULL;
            }
            *ended = true;
            return SLUICE_OK;
        }
        sluice_value_t *row = jdbc_columns_row(&q->cols, t->conn, errstr, errstr_size);
        if (!row) {
            querier_close_stmt(q);
            return SLUICE_FATAL;
        }
        sluice_record_t *rec = sluice_record_new(q->topic);
        sluice_record_set_value(rec, q->cols.schema, row);
        sluice_record_set_source_partition(rec, sluice_value_ref(q->partition));

        int64_t ms = 0, inc = 0;
        int32_t nanos = 0;
        bool has_ts = q->nts > 0 && row_timestamp(t, q, &ms, &nanos);
        bool has_inc = q->inc_idx >= 0 && jdbc_columns_get_long(&q->cols, (size_t)q->inc_idx, &inc);
        if (!ts_mode) {
            sluice_record_set_source_offset(rec, offset_value(t, has_ts, ms, nanos, has_inc, inc));
            emit(q, out, rec, has_ts, ms, nanos, has_inc, inc);
            continue;
        }
        /* Timestamp mode: the held row's group is complete once this row's
         * timestamp differs. */
        if (q->pending) {
            bool group_done = ms != q->pending_ms || nanos != q->pending_nanos;
            if (group_done) {
                sluice_record_set_source_offset(
                    q->pending, offset_value(t, true, q->pending_ms, q->pending_nanos, false, 0));
                emit(q, out, q->pending, true, q->pending_ms, q->pending_nanos, false, 0);
            } else {
                sluice_record_set_source_offset(
                    q->pending, offset_value(t, q->has_ts, q->ts_ms, q->ts_nanos, false, 0));
                sluice_records_add(out, q->pending);
            }
        }
        q->pending = rec;
        q->pending_ms = ms;
        q->pending_nanos = nanos;
    }
    return SLUICE_OK;
}

/* ---- the task callbacks ---------------------------------------------------------- */

static void task_destroy(void *self)
{
    jdbc_source_task_t *t = self;
    if (!t)
        return;
    for (size_t i = 0; i < t->nqueriers; i++)
        querier_destroy(&t->queriers[i]);
    free(t->queriers);
    jdbc_conn_destroy(t->conn);
    sluice_value_destroy(t->key_inc);
    sluice_value_destroy(t->key_ts);
    sluice_value_destroy(t->key_ts_nanos);
    free(t);
}

static sluice_result_t task_start(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                  char *errstr, size_t errstr_size)
{
    jdbc_source_task_t *t = jdbc_calloc(1, sizeof *t);
    t->ctx = ctx;
    t->config = config;
    t->key_inc = sluice_value_cstring(JDBC_OFFSET_INCREMENTING);
    t->key_ts = sluice_value_cstring(JDBC_OFFSET_TIMESTAMP);
    t->key_ts_nanos = sluice_value_cstring(JDBC_OFFSET_TIMESTAMP_NANOS);
    t->mode = sluice_config_get_string(config, JDBC_MODE_CONFIG);
    t->prefix = sluice_config_get_string(config, JDBC_TOPIC_PREFIX_CONFIG);
    t->query = sluice_config_get_string(config, JDBC_QUERY_CONFIG);
    t->suffix = sluice_config_get_string(config, JDBC_QUERY_SUFFIX_CONFIG);
    t->inc_column = sluice_config_get_string(config, JDBC_INCREMENTING_COLUMN_CONFIG);
    t->nts_columns = sluice_config_get_list(config, JDBC_TIMESTAMP_COLUMN_CONFIG, &t->ts_columns);
    const char *quote = sluice_config_get_string(config, JDBC_QUOTE_IDENTIFIERS_CONFIG);
    t->quote = !quote || strcasecmp(quote, "never") != 0;
    t->validate_non_null = sluice_config_get_bool(config, JDBC_VALIDATE_NON_NULL_CONFIG);
    static const char *const isolations[][2] = {{"READ_UNCOMMITTED", "READ UNCOMMITTED"},
                                                {"READ_COMMITTED", "READ COMMITTED"},
                                                {"REPEATABLE_READ", "REPEATABLE READ"},
                                                {"SERIALIZABLE", "SERIALIZABLE"}};
    const char *iso = sluice_config_get_string(config, JDBC_TRANSACTION_ISOLATION_CONFIG);
    for (size_t i = 0; iso && i < sizeof isolations / sizeof isolations[0]; i++)
        if (strcmp(iso, isolations[i][0]) == 0)
            t->isolation = isolations[i][1];
    t->poll_interval_ms = sluice_config_get_int(config, JDBC_POLL_INTERVAL_CONFIG);
    t->batch_max_rows = sluice_config_get_int(config, JDBC_BATCH_MAX_ROWS_CONFIG);
    t->query_retry_attempts = sluice_config_get_int(config, JDBC_QUERY_RETRY_ATTEMPTS_CONFIG);
    t->delay_ms = sluice_config_get_long(config, JDBC_TIMESTAMP_DELAY_CONFIG);
    t->has_initial = !sluice_config_is_null(config, JDBC_TIMESTAMP_INITIAL_CONFIG);
    t->initial_ms = sluice_config_get_long(config, JDBC_TIMESTAMP_INITIAL_CONFIG);
    t->mapping = jdbc_numeric_mapping_parse(
        sluice_config_get_string(config, JDBC_NUMERIC_MAPPING_CONFIG),
        sluice_config_get_bool(config, JDBC_NUMERIC_PRECISION_MAPPING_CONFIG));
    t->granularity = jdbc_ts_granularity_parse(
        sluice_config_get_string(config, JDBC_TIMESTAMP_GRANULARITY_CONFIG));
    if (!t->mode || !*t->mode) {
        snprintf(errstr, errstr_size,
                 "mode must be one of bulk, timestamp, incrementing, "
                 "timestamp+incrementing");
        goto fail;
    }
    if (jdbc_mode_uses_timestamp(t->mode) && t->nts_columns == 0) {
        snprintf(errstr, errstr_size, "timestamp.column.name is required in %s mode", t->mode);
        goto fail;
    }
    t->conn = jdbc_conn_new(config, ctx, &t->stop, errstr, errstr_size);
    if (!t->conn)
        goto fail;

    if (t->query && *t->query) {
        t->nqueriers = 1;
        t->queriers = jdbc_calloc(1, sizeof *t->queriers);
        querier_init(t, &t->queriers[0], NULL);
    } else {
        const char *const *tables;
        size_t n = sluice_config_get_list(config, JDBC_TABLES_CONFIG, &tables);
        if (n == 0) {
            snprintf(errstr, errstr_size, "No tables were assigned to this task");
            goto fail;
        }
        t->queriers = jdbc_calloc(n, sizeof *t->queriers);
        for (size_t i = 0; i < n; i++)
            querier_init(t, &t->queriers[t->nqueriers++], tables[i]);
    }
    /* Connect now so a bad password fails the task at once; an unreachable
     * server is retried by poll. */
    sluice_result_t r = jdbc_conn_open(t->conn, errstr, errstr_size);
    if (r == SLUICE_FATAL)
        goto fail;
    if (r != SLUICE_OK)
        sluice_log(ctx, SLUICE_LOG_WARN, "%s; will retry", errstr);
    *self = t;
    return SLUICE_OK;

fail:
    task_destroy(t);
    return SLUICE_FATAL;
}

/*
 * After a failed query of q (errstr says why): Confluent's
 * query.retry.attempts counts a querier's consecutive failures and fails
 * the task when they reach it; below that (or with no limit) the failure is
 * logged and the query runs again when q is next due. A query that reads
 * its result to the end resets the count.
 */
static sluice_result_t query_retry(jdbc_source_task_t *t, querier_t *q, const char *then,
                                   char *errstr, size_t errstr_size)
{
    q->failed_attempts++;
    if (t->query_retry_attempts > 0 && q->failed_attempts >= t->query_retry_attempts) {
        char why[768];
        snprintf(why, sizeof why, "%s", errstr);
        snprintf(errstr, errstr_size, "Failed to query %s after %d attempts (%s=%d): %s",
                 q->fqn ? q->fqn : "the query", q->failed_attempts,
                 JDBC_QUERY_RETRY_ATTEMPTS_CONFIG, t->query_retry_attempts, why);
        return SLUICE_FATAL;
    }
    if (t->query_retry_attempts > 0)
        sluice_log(t->ctx, SLUICE_LOG_WARN, "%s; %s (attempt %d of %d)", errstr, then,
                   q->failed_attempts + 1, t->query_retry_attempts);
    else
        sluice_log(t->ctx, SLUICE_LOG_WARN, "%s; %s", errstr, then);
    return SLUICE_OK;
}

/* Applies transaction.isolation.mode to a new connection (once per handle). */
static sluice_result_t session_setup(jdbc_source_task_t *t, char *errstr, size_t errstr_size)
{
    if (!t->isolation || t->session_ready)
        return SLUICE_OK;
    char sql[96];
    snprintf(sql, sizeof sql, "SET SESSION TRANSACTION ISOLATION LEVEL %s", t->isolation);
    sluice_result_t r = jdbc_conn_exec(t->conn, sql, errstr, errstr_size);
    if (r == SLUICE_OK)
        t->session_ready = true;
    return r;
}

static sluice_result_t task_poll(void *self, sluice_records_t *out, char *errstr,
                                 size_t errstr_size)
{
    jdbc_source_task_t *t = self;
    if (atomic_load(&t->stop))
        return SLUICE_OK;
    querier_t *q = t->current;
    if (!q) {
        /* The querier due first; wait for it (a second at most). */
        for (size_t i = 0; i < t->nqueriers; i++)
            if (!q || t->queriers[i].next_due_ms < q->next_due_ms)
                q = &t->queriers[i];
        int64_t wait = q->next_due_ms - jdbc_now_ms();
        if (wait > 0) {
            jdbc_sleep_ms(wait > 1000 ? 1000 : (long)wait, &t->stop);
            return SLUICE_OK;
        }
        bool reconnected = false;
        sluice_result_t r = jdbc_conn_ensure(t->conn, &reconnected, errstr, errstr_size);
        if (r != SLUICE_OK)
            return r;
        if (reconnected) {
            sluice_log(t->ctx, SLUICE_LOG_INFO, "Reconnected to %s", jdbc_conn_where(t->conn));
            t->session_ready = false;
        }
        r = session_setup(t, errstr, errstr_size);
        if (r != SLUICE_OK)
            return r;
        r = querier_start(t, q, errstr, errstr_size);
        if (r == SLUICE_FATAL)
            return r;
        if (r != SLUICE_OK) {
            q->next_due_ms =
                jdbc_now_ms() + (t->poll_interval_ms < 1000 ? t->poll_interval_ms : 1000);
            return query_retry(t, q, "will retry", errstr, errstr_size);
        }
        t->current = q;
    }
    bool ended = false;
    sluice_result_t r = querier_read(t, q, out, &ended, errstr, errstr_size);
    if (r == SLUICE_FATAL)
        return r;
    if (r != SLUICE_OK) {
        /* The result broke off (server gone …): what was read stays read,
         * the query runs again from the last record's offset. */
        t->current = NULL;
        q->next_due_ms = jdbc_now_ms();
        return query_retry(t, q, "will query again", errstr, errstr_size);
    }
    if (ended) {
        q->failed_attempts = 0;
        querier_close_stmt(q);
        q->next_due_ms = jdbc_now_ms() + t->poll_interval_ms;
        t->current = NULL;
    }
    return SLUICE_OK;
}

static void task_stop(void *self)
{
    jdbc_source_task_t *t = self;
    atomic_store(&t->stop, 1);
}

const sluice_source_task_ops_t jdbc_source_task_ops = {
    .struct_size = sizeof(sluice_source_task_ops_t),
    .start = task_start,
    .poll = task_poll,
    .stop = task_stop,
    .destroy = task_destroy,
};
