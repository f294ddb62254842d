/*
 * The JDBC sink's writes to MySQL / MariaDB (Confluent's JdbcDbWriter,
 * BufferedRecords and DbStructure in one): records are cut into runs that
 * share a table, a key and value schema and an operation (write or delete),
 * in their original order, so a delete after an insert of the same key
 * still deletes it. Each run becomes multi-row prepared statements of up to
 * batch.size rows whose placeholders are bound to the record values; values
 * are never spliced into SQL text.
 *
 * Tables are created or amended (auto.create / auto.evolve) from what
 * information_schema says, before the transaction starts, since DDL commits
 * implicitly in MySQL.
 *
 * Threads: a writer belongs to one task and runs on its writer thread.
 */
#include "jdbc_sink.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "jdbc_common.h"
#include "jdbc_conn.h"

/* Prepared statements kept per connection: one per statement shape (table,
 * columns, row count), so a steady stream reuses two per table. */
#define WRITER_MAX_STMTS 32

typedef struct cached_stmt {
    char *sql;
    MYSQL_STMT *stmt;
} cached_stmt_t;

/* The columns a table had when last looked at. */
typedef struct table_info {
    char *name;
    char **columns;
    size_t ncolumns;
} table_info_t;

/* Columns worked out for one table and pair of schemas. */
typedef struct fields_entry {
    char *table;
    const sluice_schema_t *key_schema;
    const sluice_schema_t *value_schema;
    jdbc_sink_fields_t *fields;
} fields_entry_t;

/* One bound value's storage. */
typedef struct bind_slot {
    union {
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        MYSQL_TIME time;
    } u;
    my_bool is_null;
    unsigned long length;
    char *owned; /* decimal text */
} bind_slot_t;

struct jdbc_sink_writer {
    jdbc_conn_t *conn;
    jdbc_sink_settings_t s;
    const sluice_ctx_t *ctx;
    cached_stmt_t stmts[WRITER_MAX_STMTS];
    size_t nstmts;
    size_t next_evict;
    table_info_t *tables;
    size_t ntables;
    fields_entry_t *fields;
    size_t nfields;
    MYSQL_BIND *binds;
    bind_slot_t *slots;
    size_t bind_cap;
    sluice_buf_t *sql;
};

/* A run of records written with the same statement shape. */
typedef struct run {
    size_t start;
    size_t count;
    bool is_delete;
    bool skip; /* deletes from a table that does not exist: nothing to do */
    char *table;
    jdbc_sink_fields_t *fields; /* borrowed from the cache */
} run_t;

jdbc_sink_writer_t *jdbc_sink_writer_new(jdbc_conn_t *conn, const jdbc_sink_settings_t *settings,
                                         const sluice_ctx_t *ctx)
{
    jdbc_sink_writer_t *w = jdbc_calloc(1, sizeof *w);
    w->conn = conn;
    w->s = *settings;
    if (w->s.batch_size < 1)
        w->s.batch_size = 1;
    w->ctx = ctx;
    w->sql = sluice_buf_new();
    return w;
}

static void tables_clear(jdbc_sink_writer_t *w)
{
    for (size_t i = 0; i < w->ntables; i++) {
        for (size_t c = 0; c < w->tables[i].ncolumns; c++)
            free(w->tables[i].columns[c]);
        free(w->tables[i].columns);
        free(w->tables[i].name);
    }
    free(w->tables);
    w->tables = NULL;
    w->ntables = 0;
}

void jdbc_sink_writer_reset(jdbc_sink_writer_t *w)
{
    for (size_t i = 0; i < w->nstmts; i++) {
        /* On a dead connection closing only frees the client side. */
        mysql_stmt_close(w->stmts[i].stmt);
        free(w->stmts[i].sql);
    }
    w->nstmts = 0;
    w->next_evict = 0;
    tables_clear(w);
}

static void fields_clear(jdbc_sink_writer_t *w)
{
    for (size_t i = 0; i < w->nfields; i++) {
        free(w->fields[i].table);
        sluice_schema_unref(w->fields[i].key_schema);
        sluice_schema_unref(w->fields[i].value_schema);
        jdbc_sink_fields_destroy(w->fields[i].fields);
    }
    free(w->fields);
    w->fields = NULL;
    w->nfields = 0;
}

void jdbc_sink_writer_destroy(jdbc_sink_writer_t *w)
{
    if (!w)
        return;
    jdbc_sink_writer_reset(w);
    fields_clear(w);
    free(w->binds);
    free(w->slots);
    sluice_buf_destroy(w->sql);
    free(w);
}

/* ---- table metadata --------------------------------------------------------------- */

static table_info_t *table_cached(jdbc_sink_writer_t *w, const char *table)
{
    for (size_t i = 0; i < w->ntables; i++)
        if (strcmp(w->tables[i].name, table) == 0)
            return &w->tables[i];
    return NULL;
}

static void table_forget(jdbc_sink_writer_t *w, const char *table)
{
    table_info_t *t = table_cached(w, table);
    if (!t)
        return;
    for (size_t c = 0; c < t->ncolumns; c++)
        free(t->columns[c]);
    free(t->columns);
    free(t->name);
    *t = w->tables[--w->ntables];
}

/* Appends s as a quoted string literal escaped by the server's rules. */
static void append_literal(MYSQL *m, sluice_buf_t *out, const char *s, size_t len)
{
    char *esc = jdbc_alloc(len * 2 + 1);
    unsigned long n = mysql_real_escape_string(m, esc, s, (unsigned long)len);
    sluice_buf_putc(out, '\'');
    sluice_buf_append(out, esc, n);
    sluice_buf_putc(out, '\'');
    free(esc);
}

/*
 * Looks the table's columns up; *info gets the cached entry, or NULL when
 * the table does not exist. Returns SLUICE_OK or a database error.
 */
static sluice_result_t table_load(jdbc_sink_writer_t *w, const char *table, table_info_t **info,
                                  char *errstr, size_t errstr_size)
{
    *info = table_cached(w, table);
    if (*info)
        return SLUICE_OK;
    MYSQL *m = jdbc_conn_mysql(w->conn);
    sluice_buf_t *q = sluice_buf_new();
    /* table.types: only relations of the listed kinds count as existing
     * (Confluent's tableExists); a partitioned table is a BASE TABLE here. */
    sluice_buf_puts(q, "SELECT c.COLUMN_NAME FROM information_schema.COLUMNS c JOIN "
                       "information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND "
                       "t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = ");
    const char *dot = strchr(table, '.');
    const char *name = table;
    if (dot && dot != table && dot[1] && !strchr(dot + 1, '.')) {
        append_literal(m, q, table, (size_t)(dot - table));
        name = dot + 1;
    } else {
        sluice_buf_puts(q, "DATABASE()");
    }
    sluice_buf_puts(q, " AND c.TABLE_NAME = ");
    append_literal(m, q, name, strlen(name));
    sluice_buf_puts(q, " AND t.TABLE_TYPE IN ('-'");
    if (w->s.table_types & JDBC_SINK_TABLE_TYPE_TABLE)
        sluice_buf_puts(q, ",'BASE TABLE','SYSTEM VERSIONED'");
    if (w->s.table_types & JDBC_SINK_TABLE_TYPE_VIEW)
        sluice_buf_puts(q, ",'VIEW'");
    sluice_buf_puts(q, ") ORDER BY c.ORDINAL_POSITION");
    int rc = mysql_real_query(m, sluice_buf_data(q), sluice_buf_len(q));
    sluice_buf_destroy(q);
    MYSQL_RES *res = rc == 0 ? mysql_store_result(m) : NULL;
    if (!res) {
        char what[300];
        snprintf(what, sizeof what, "reading the columns of table %s", table);
        jdbc_conn_error(w->conn, NULL, errstr, errstr_size, what);
        return SLUICE_RETRY;
    }
    size_t nrows = (size_t)mysql_num_rows(res);
    if (nrows == 0) {
        mysql_free_result(res);
        return SLUICE_OK;
    }
    w->tables = jdbc_realloc(w->tables, (w->ntables + 1) * sizeof *w->tables);
    table_info_t *t = &w->tables[w->ntables++];
    t->name = jdbc_strdup(table);
    t->columns = jdbc_calloc(nrows, sizeof *t->columns);
    t->ncolumns = 0;
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(res)) != NULL)
        t->columns[t->ncolumns++] = jdbc_strdup(row[0] ? row[0] : "");
    mysql_free_result(res);
    *info = t;
    return SLUICE_OK;
}

/* Creates or amends the table for fields (Confluent's createOrAmendIfNecessary). */
static sluice_result_t table_ensure(jdbc_sink_writer_t *w, const char *table,
                                    const jdbc_sink_fields_t *fields, char *errstr,
                                    size_t errstr_size)
{
    table_info_t *info;
    sluice_result_t r = table_load(w, table, &info, errstr, errstr_size);
    if (r != SLUICE_OK)
        return r;
    if (!info) {
        if (!w->s.auto_create) {
            snprintf(errstr, errstr_size, "Table %s is missing and auto-creation is disabled",
                     table);
            return SLUICE_FATAL;
        }
        sluice_buf_reset(w->sql);
        if (jdbc_sink_sql_create(w->sql, table, fields, errstr, errstr_size) < 0)
            return SLUICE_FATAL;
        sluice_log(w->ctx, SLUICE_LOG_INFO, "Creating table with sql: %s", sluice_buf_data(w->sql));
        char err[1024];
        r = jdbc_conn_exec(w->conn, sluice_buf_data(w->sql), err, sizeof err);
        /* Another task may have created it meanwhile: look again. */
        sluice_result_t r2 = table_load(w, table, &info, errstr, errstr_size);
        if (r2 != SLUICE_OK)
            return r2;
        if (!info) {
            snprintf(errstr, errstr_size, "Creating table %s failed: %s", table, err);
            return r == SLUICE_OK ? SLUICE_RETRY : r;
        }
    }
    sluice_buf_reset(w->sql);
    size_t added = 0;
    if (jdbc_sink_sql_alter(w->sql, table, fields, (const char *const *)info->columns,
                            info->ncolumns, &added, errstr, errstr_size) < 0)
        return SLUICE_FATAL;
    if (added == 0)
        return SLUICE_OK;
    if (!w->s.auto_evolve) {
        sluice_buf_t *names = sluice_buf_new();
        for (size_t i = 0; i < fields->ncols; i++) {
            bool have = false;
            for (size_t c = 0; c < info->ncolumns && !have; c++)
                have = strcasecmp(info->columns[c], fields->cols[i].name) == 0;
            if (!have)
                sluice_buf_printf(names, "%s%s", sluice_buf_len(names) ? ", " : "",
                                  fields->cols[i].name);
        }
        snprintf(errstr, errstr_size,
                 "Table %s is missing fields (%s) and auto-evolution is disabled", table,
                 sluice_buf_data(names));
        sluice_buf_destroy(names);
        return SLUICE_FATAL;
    }
    sluice_log(w->ctx, SLUICE_LOG_INFO, "Amending TABLE to add missing fields with SQL: %s",
               sluice_buf_data(w->sql));
    r = jdbc_conn_exec(w->conn, sluice_buf_data(w->sql), errstr, errstr_size);
    table_forget(w, table);
    return r;
}

/* ---- columns per run -------------------------------------------------------------- */

static bool same_schema(const sluice_schema_t *a, const sluice_schema_t *b)
{
    return a == b || sluice_schema_equals(a, b);
}

static jdbc_sink_fields_t *fields_for(jdbc_sink_writer_t *w, const char *table,
                                      const sluice_record_t *rec, char *errstr, size_t errstr_size)
{
    const sluice_schema_t *ks = sluice_record_key_schema(rec);
    const sluice_schema_t *vs = sluice_record_value(rec) ? sluice_record_value_schema(rec) : NULL;
    for (size_t i = 0; i < w->nfields; i++) {
        fields_entry_t *e = &w->fields[i];
        if (strcmp(e->table, table) == 0 && same_schema(e->key_schema, ks) &&
            same_schema(e->value_schema, vs))
            return e->fields;
    }
    jdbc_sink_fields_t *f =
        jdbc_sink_fields_new(table, w->s.pk_mode, w->s.pk_fields, w->s.npk_fields, w->s.whitelist,
                             w->s.nwhitelist, ks, vs, errstr, errstr_size);
    if (!f)
        return NULL;
    f->quote = w->s.quote_identifiers;
    w->fields = jdbc_realloc(w->fields, (w->nfields + 1) * sizeof *w->fields);
    w->fields[w->nfields++] = (fields_entry_t){
        .table = jdbc_strdup(table),
        .key_schema = sluice_schema_ref(ks),
        .value_schema = sluice_schema_ref(vs),
        .fields = f,
    };
    return f;
}

/* ---- statements --------------------------------------------------------------------- */

static MYSQL_STMT *stmt_get(jdbc_sink_writer_t *w, const char *sql, char *errstr,
                            size_t errstr_size)
{
    for (size_t i = 0; i < w->nstmts; i++)
        if (strcmp(w->stmts[i].sql, sql) == 0)
            return w->stmts[i].stmt;
    MYSQL_STMT *stmt = mysql_stmt_init(jdbc_conn_mysql(w->conn));
    if (!stmt || mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
        jdbc_conn_error(w->conn, stmt, errstr, errstr_size, "preparing a statement");
        if (stmt)
            mysql_stmt_close(stmt);
        return NULL;
    }
    size_t slot = w->nstmts;
    if (w->nstmts == WRITER_MAX_STMTS) {
        slot = w->next_evict;
        w->next_evict = (w->next_evict + 1) % WRITER_MAX_STMTS;
        mysql_stmt_close(w->stmts[slot].stmt);
        free(w->stmts[slot].sql);
    } else {
        w->nstmts++;
    }
    w->stmts[slot] = (cached_stmt_t){.sql = jdbc_strdup(sql), .stmt = stmt};
    return stmt;
}

/* The value a column takes from a record (borrowed; NULL for null). */
static const sluice_value_t *column_value(const jdbc_sink_column_t *col, const sluice_record_t *rec,
                                          sluice_value_t **tmp)
{
    const sluice_value_t *v = NULL;
    switch (col->source) {
    case JDBC_SINK_FROM_TOPIC: return *tmp = sluice_value_cstring(sluice_record_topic(rec));
    case JDBC_SINK_FROM_PARTITION: return *tmp = sluice_value_int32(sluice_record_partition(rec));
    case JDBC_SINK_FROM_OFFSET: return *tmp = sluice_value_int64(sluice_record_kafka_offset(rec));
    case JDBC_SINK_FROM_KEY: v = sluice_record_key(rec); break;
    case JDBC_SINK_FROM_KEY_FIELD: {
        const sluice_value_t *key = sluice_record_key(rec);
        if (key && sluice_value_type(key) == SLUICE_TYPE_STRUCT)
            v = sluice_value_struct_get_at(key, (size_t)col->index);
        break;
    }
    case JDBC_SINK_FROM_VALUE_FIELD: {
        const sluice_value_t *value = sluice_record_value(rec);
        if (value && sluice_value_type(value) == SLUICE_TYPE_STRUCT)
            v = sluice_value_struct_get_at(value, (size_t)col->index);
        break;
    }
    }
    return v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Fills bind b (storage slot) with value v of column col. Returns 0, or -1
 * with errstr when a key value is missing or of the wrong type. */
static int bind_value(jdbc_sink_writer_t *w, const jdbc_sink_column_t *col, const sluice_value_t *v,
                      MYSQL_BIND *b, bind_slot_t *slot, char *errstr, size_t errstr_size)
{
    memset(b, 0, sizeof *b);
    b->is_null = &slot->is_null;
    b->length = &slot->length;
    slot->is_null = 0;
    if (!v && w->s.replace_null_with_default)
        v = sluice_schema_default(col->schema);
    if (!v) {
        if (col->is_key) {
            snprintf(errstr, errstr_size, "key column %s is null", col->name);
            return -1;
        }
        b->buffer_type = MYSQL_TYPE_NULL;
        slot->is_null = 1;
        return 0;
    }
    sluice_type_t type = sluice_schema_type(col->schema);
    if (sluice_value_type(v) != type) {
        snprintf(errstr, errstr_size, "column %s expects %s, got %s", col->name,
                 sluice_type_name(type), sluice_type_name(sluice_value_type(v)));
        return -1;
    }
    const char *logical = sluice_schema_name(col->schema);
    if (logical && strcmp(logical, SLUICE_LOGICAL_DECIMAL) == 0 && type == SLUICE_TYPE_BYTES) {
        size_t len;
        const uint8_t *bytes = sluice_value_get_bytes(v, &len);
        const char *scale = sluice_schema_parameter(col->schema, SLUICE_DECIMAL_SCALE_PARAM);
        sluice_buf_t *text = sluice_buf_new();
        if (len)
            sluice_decimal_to_string(bytes, len, scale ? atoi(scale) : 0, text);
        else
            sluice_buf_putc(text, '0');
        slot->owned = sluice_buf_detach(text, &len);
        sluice_buf_destroy(text);
        b->buffer_type = MYSQL_TYPE_NEWDECIMAL;
        b->buffer = slot->owned;
        b->buffer_length = slot->length = (unsigned long)len;
        return 0;
    }
    if (logical && strcmp(logical, SLUICE_LOGICAL_TIMESTAMP) == 0 && type == SLUICE_TYPE_INT64) {
        jdbc_conn_epoch_ms_to_time(w->conn, sluice_value_get_int64(v), &slot->u.time);
        b->buffer_type = MYSQL_TYPE_DATETIME;
        b->buffer = &slot->u.time;
        return 0;
    }
    if (logical && strcmp(logical, SLUICE_LOGICAL_DATE) == 0 && type == SLUICE_TYPE_INT32) {
        /* date.timezone=UTC writes the day as it is. DB_TIMEZONE (Confluent's
         * default, for compatibility) writes the date its midnight UTC has in
         * db.timezone: the day before in zones west of UTC. */
        int64_t ms = (int64_t)sluice_value_get_int32(v) * 86400000;
        if (w->s.date_utc)
            jdbc_epoch_ms_to_time(ms, 0, &slot->u.time);
        else
            jdbc_conn_epoch_ms_to_time(w->conn, ms, &slot->u.time);
        slot->u.time.hour = slot->u.time.minute = slot->u.time.second = 0;
        slot->u.time.second_part = 0;
        slot->u.time.time_type = MYSQL_TIMESTAMP_DATE;
        b->buffer_type = MYSQL_TYPE_DATE;
        b->buffer = &slot->u.time;
        return 0;
    }
    if (logical && strcmp(logical, SLUICE_LOGICAL_TIME) == 0 && type == SLUICE_TYPE_INT32) {
        int64_t ms = sluice_value_get_int32(v);
        int64_t day_ms = ms - floor_div(ms, 86400000) * 86400000;
        memset(&slot->u.time, 0, sizeof slot->u.time);
        slot->u.time.hour = (unsigned)(day_ms / 3600000);
        slot->u.time.minute = (unsigned)(day_ms / 60000 % 60);
        slot->u.time.second = (unsigned)(day_ms / 1000 % 60);
        slot->u.time.second_part = (unsigned long)(day_ms % 1000) * 1000;
        slot->u.time.time_type = MYSQL_TIMESTAMP_TIME;
        b->buffer_type = MYSQL_TYPE_TIME;
        b->buffer = &slot->u.time;
        return 0;
    }
    switch (type) {
    case SLUICE_TYPE_INT8:
        slot->u.i8 = sluice_value_get_int8(v);
        b->buffer_type = MYSQL_TYPE_TINY;
        b->buffer = &slot->u.i8;
        break;
    case SLUICE_TYPE_BOOLEAN:
        slot->u.i8 = sluice_value_get_boolean(v) ? 1 : 0;
        b->buffer_type = MYSQL_TYPE_TINY;
        b->buffer = &slot->u.i8;
        break;
    case SLUICE_TYPE_INT16:
        slot->u.i16 = sluice_value_get_int16(v);
        b->buffer_type = MYSQL_TYPE_SHORT;
        b->buffer = &slot->u.i16;
        break;
    case SLUICE_TYPE_INT32:
        slot->u.i32 = sluice_value_get_int32(v);
        b->buffer_type = MYSQL_TYPE_LONG;
        b->buffer = &slot->u.i32;
        break;
    case SLUICE_TYPE_INT64:
        slot->u.i64 = sluice_value_get_int64(v);
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &slot->u.i64;
        break;
    case SLUICE_TYPE_FLOAT32:
        slot->u.f32 = sluice_value_get_float32(v);
        b->buffer_type = MYSQL_TYPE_FLOAT;
        b->buffer = &slot->u.f32;
        break;
    case SLUICE_TYPE_FLOAT64:
        slot->u.f64 = sluice_value_get_float64(v);
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &slot->u.f64;
        break;
    case SLUICE_TYPE_STRING: {
        size_t len;
        b->buffer = (void *)sluice_value_get_string(v, &len);
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer_length = slot->length = (unsigned long)len;
        break;
    }
    case SLUICE_TYPE_BYTES: {
        size_t len;
        b->buffer = (void *)sluice_value_get_bytes(v, &len);
        b->buffer_type = MYSQL_TYPE_BLOB;
        b->buffer_length = slot->length = (unsigned long)len;
        break;
    }
    default:
        snprintf(errstr, errstr_size, "column %s has type %s, which cannot be written", col->name,
                 sluice_type_name(type));
        return -1;
    }
    return 0;
}

static void binds_reserve(jdbc_sink_writer_t *w, size_t n)
{
    if (n <= w->bind_cap)
        return;
    free(w->binds);
    free(w->slots);
    w->binds = jdbc_calloc(n, sizeof *w->binds);
    w->slots = jdbc_calloc(n, sizeof *w->slots);
    w->bind_cap = n;
}

static void binds_release(jdbc_sink_writer_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(w->slots[i].owned);
        w->slots[i].owned = NULL;
    }
}

/*
 * Executes one statement for records[run->start + first, + rows). Returns
 * SLUICE_OK, SLUICE_FATAL for a record that cannot be bound, or the
 * database error's class.
 */
static sluice_result_t exec_chunk(jdbc_sink_writer_t *w, const run_t *run,
                                  sluice_record_t *const *records, size_t first, size_t rows,
                                  char *errstr, size_t errstr_size)
{
    const jdbc_sink_fields_t *f = run->fields;
    /* The columns of one row in placeholder order. */
    size_t order[f->ncols + 1];
    size_t per_row = 0;
    bool update = !run->is_delete && w->s.insert_mode == JDBC_SINK_UPDATE;
    if (run->is_delete) {
        for (size_t i = 0; i < f->nkeys; i++)
            order[per_row++] = f->keys[i];
    } else if (update) {
        for (size_t i = 0; i < f->nnonkeys; i++)
            order[per_row++] = f->nonkeys[i];
        for (size_t i = 0; i < f->nkeys; i++)
            order[per_row++] = f->keys[i];
    } else {
        for (size_t i = 0; i < f->nkeys; i++)
            order[per_row++] = f->keys[i];
        for (size_t i = 0; i < f->nnonkeys; i++)
            order[per_row++] = f->nonkeys[i];
    }
    sluice_buf_reset(w->sql);
    int rc = run->is_delete ? jdbc_sink_sql_delete(w->sql, run->table, f, rows, errstr, errstr_size)
                            : jdbc_sink_sql_insert(w->sql, run->table, f, w->s.insert_mode, rows,
                                                   errstr, errstr_size);
    if (rc < 0)
        return SLUICE_FATAL;
    MYSQL_STMT *stmt = stmt_get(w, sluice_buf_data(w->sql), errstr, errstr_size);
    if (!stmt)
        return SLUICE_RETRY;
    size_t nbinds = per_row * rows;
    binds_reserve(w, nbinds);
    sluice_result_t r = SLUICE_OK;
    size_t k = 0;
    for (size_t row = 0; row < rows; row++) {
        const sluice_record_t *rec = records[run->start + first + row];
        for (size_t c = 0; c < per_row; c++, k++) {
            const jdbc_sink_column_t *col = &f->cols[order[c]];
            sluice_value_t *tmp = NULL;
            const sluice_value_t *v = column_value(col, rec, &tmp);
            char why[512];
            int br = bind_value(w, col, v, &w->binds[k], &w->slots[k], why, sizeof why);
            if (br == 0 && tmp) {
                /* Kafka coordinates: keep a copy of scalar data in the slot. */
                if (col->source == JDBC_SINK_FROM_TOPIC) {
                    w->slots[k].owned = jdbc_strdup(sluice_record_topic(rec));
                    w->binds[k].buffer = w->slots[k].owned;
                }
            }
            sluice_value_destroy(tmp);
            if (br < 0) {
                snprintf(errstr, errstr_size,
                         "Cannot write the record at topic %s, partition %" PRId32
                         ", offset %" PRId64 " to table %s: %s",
                         sluice_record_topic(rec), sluice_record_partition(rec),
                         sluice_record_kafka_offset(rec), run->table, why);
                k++;
                r = SLUICE_FATAL;
                goto out;
            }
        }
    }
    if (mysql_stmt_bind_param(stmt, w->binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        char what[300];
        snprintf(what, sizeof what, "writing %zu record(s) to table %s", rows, run->table);
        jdbc_conn_error(w->conn, stmt, errstr, errstr_size, what);
        r = SLUICE_RETRY;
    }
out:
    binds_release(w, k);
    return r;
}

static sluice_result_t exec_run(jdbc_sink_writer_t *w, const run_t *run,
                                sluice_record_t *const *records, char *errstr, size_t errstr_size)
{
    const jdbc_sink_fields_t *f = run->fields;
    size_t per_row = run->is_delete ? f->nkeys : f->nkeys + f->nnonkeys;
    size_t max_rows = (size_t)w->s.batch_size;
    if (per_row && max_rows > JDBC_SINK_MAX_PLACEHOLDERS / per_row)
        max_rows = JDBC_SINK_MAX_PLACEHOLDERS / per_row;
    if (!run->is_delete && w->s.insert_mode == JDBC_SINK_UPDATE)
        max_rows = 1; /* one UPDATE per row, the statement prepared once */
    if (max_rows < 1)
        max_rows = 1;
    for (size_t done = 0; done < run->count;) {
        size_t rows = run->count - done < max_rows ? run->count - done : max_rows;
        sluice_result_t r = exec_chunk(w, run, records, done, rows, errstr, errstr_size);
        if (r != SLUICE_OK)
            return r;
        done += rows;
    }
    return SLUICE_OK;
}

/* ---- a whole write ---------------------------------------------------------------- */

static void runs_free(run_t *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(runs[i].table);
    free(runs);
}

/* Cuts records into runs. Returns the count, or -1 with errstr. */
static ssize_t runs_build(jdbc_sink_writer_t *w, sluice_record_t *const *records, size_t n,
                          run_t **out, char *errstr, size_t errstr_size)
{
    run_t *runs = NULL;
    size_t nruns = 0;
    for (size_t i = 0; i < n; i++) {
        const sluice_record_t *rec = records[i];
        bool is_delete = sluice_record_value(rec) == NULL;
        char *table = jdbc_sink_table_name(w->s.table_format, sluice_record_topic(rec));
        char why[1024];
        jdbc_sink_fields_t *f = fields_for(w, table, rec, why, sizeof why);
        if (!f) {
            snprintf(errstr, errstr_size,
                     "%s (record at topic %s, partition %" PRId32 ", offset %" PRId64 ")", why,
                     sluice_record_topic(rec), sluice_record_partition(rec),
                     sluice_record_kafka_offset(rec));
            free(table);
            runs_free(runs, nruns);
            return -1;
        }
        run_t *last = nruns ? &runs[nruns - 1] : NULL;
        if (last && last->fields == f && last->is_delete == is_delete &&
            strcmp(last->table, table) == 0) {
            last->count++;
            free(table);
            continue;
        }
        runs = jdbc_realloc(runs, (nruns + 1) * sizeof *runs);
        runs[nruns++] =
            (run_t){.start = i, .count = 1, .is_delete = is_delete, .table = table, .fields = f};
    }
    *out = runs;
    return (ssize_t)nruns;
}

sluice_result_t jdbc_sink_writer_write(jdbc_sink_writer_t *w, sluice_record_t *const *records,
                                       size_t n, char *errstr, size_t errstr_size)
{
    if (n == 0)
        return SLUICE_OK;
    /* Runs borrow the cached columns, so the cache is trimmed only here,
     * between writes; schemas change rarely. */
    if (w->nfields > 64)
        fields_clear(w);
    run_t *runs = NULL;
    ssize_t nruns = runs_build(w, records, n, &runs, errstr, errstr_size);
    if (nruns < 0)
        return SLUICE_FATAL;
    sluice_result_t r = SLUICE_OK;
    /* DDL first: it would commit an open transaction. Runs are looked at in
     * order, so a delete sees the table an earlier run of this write
     * creates; a delete never creates a table, and one whose table does not
     * exist at that point has nothing to delete. */
    for (ssize_t i = 0; i < nruns && r == SLUICE_OK; i++) {
        if (runs[i].is_delete) {
            table_info_t *info;
            r = table_load(w, runs[i].table, &info, errstr, errstr_size);
            runs[i].skip = r == SLUICE_OK && !info;
            continue;
        }
        bool seen = false;
        for (ssize_t j = 0; j < i && !seen; j++)
            seen = !runs[j].is_delete && runs[j].fields == runs[i].fields &&
                   strcmp(runs[j].table, runs[i].table) == 0;
        if (!seen)
            r = table_ensure(w, runs[i].table, runs[i].fields, errstr, errstr_size);
    }
    if (r != SLUICE_OK)
        goto out;
    r = jdbc_conn_exec(w->conn, "START TRANSACTION", errstr, errstr_size);
    if (r != SLUICE_OK)
        goto out;
    for (ssize_t i = 0; i < nruns && r == SLUICE_OK; i++)
        if (!runs[i].skip)
            r = exec_run(w, &runs[i], records, errstr, errstr_size);
    if (r == SLUICE_OK)
        r = jdbc_conn_exec(w->conn, "COMMIT", errstr, errstr_size);
    if (r != SLUICE_OK) {
        char ignored[256];
        jdbc_conn_exec(w->conn, "ROLLBACK", ignored, sizeof ignored);
    }
out:
    runs_free(runs, (size_t)nruns);
    return r;
}
