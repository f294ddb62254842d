/*
 * Column metadata to Connect schemas, and fetched rows to Structs, for the
 * JDBC source. Rows are fetched one at a time from an unbuffered statement
 * (nothing is stored client-side), into buffers that grow for long values.
 */
#include "jdbc_source_columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jdbc_common.h"

#define JDBC_BINARY_CHARSET 63
#define JDBC_INITIAL_CAP 256

jdbc_numeric_mapping_t jdbc_numeric_mapping_parse(const char *value, bool precision_mapping)
{
    if (value && strcasecmp(value, "precision_only") == 0)
        return JDBC_NUMERIC_PRECISION_ONLY;
    if (value && strcasecmp(value, "best_fit") == 0)
        return JDBC_NUMERIC_BEST_FIT;
    if (value && strcasecmp(value, "best_fit_eager_double") == 0)
        return JDBC_NUMERIC_BEST_FIT_EAGER_DOUBLE;
    if (value)
        return JDBC_NUMERIC_NONE;
    return precision_mapping ? JDBC_NUMERIC_PRECISION_ONLY : JDBC_NUMERIC_NONE;
}

jdbc_ts_granularity_t jdbc_ts_granularity_parse(const char *value)
{
    static const struct {
        const char *name;
        jdbc_ts_granularity_t g;
    } names[] = {{"micros_long", JDBC_TS_MICROS_LONG},
                 {"micros_string", JDBC_TS_MICROS_STRING},
                 {"micros_iso_datetime_string", JDBC_TS_MICROS_ISO},
                 {"nanos_long", JDBC_TS_NANOS_LONG},
                 {"nanos_string", JDBC_TS_NANOS_STRING},
                 {"nanos_iso_datetime_string", JDBC_TS_NANOS_ISO}};
    for (size_t i = 0; value && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(value, names[i].name) == 0)
            return names[i].g;
    return JDBC_TS_CONNECT_LOGICAL;
}

static sluice_type_t int_type_for_precision(unsigned int precision)
{
    if (precision > 9)
        return SLUICE_TYPE_INT64;
    if (precision > 4)
        return SLUICE_TYPE_INT32;
    if (precision > 2)
        return SLUICE_TYPE_INT16;
    return SLUICE_TYPE_INT8;
}

/* Chooses the kind (and schema) of one column. */
static sluice_schema_t *column_schema(jdbc_column_t *c, const MYSQL_FIELD *f,
                                      jdbc_numeric_mapping_t mapping, jdbc_ts_granularity_t gran)
{
    bool uns = (f->flags & UNSIGNED_FLAG) != 0;
    sluice_schema_t *s = NULL;
    switch (f->type) {
    case MYSQL_TYPE_TINY:
        /* TINYINT(1) is MySQL's BOOLEAN. */
        c->kind = f->length == 1 && !uns ? JDBC_COL_BOOL : uns ? JDBC_COL_INT16 : JDBC_COL_INT8;
        break;
    case MYSQL_TYPE_SHORT: c->kind = uns ? JDBC_COL_INT32 : JDBC_COL_INT16; break;
    case MYSQL_TYPE_INT24: c->kind = uns ? JDBC_COL_INT64 : JDBC_COL_INT32; break;
    case MYSQL_TYPE_LONG: c->kind = uns ? JDBC_COL_INT64 : JDBC_COL_INT32; break;
    case MYSQL_TYPE_LONGLONG: c->kind = uns ? JDBC_COL_UINT64_DECIMAL : JDBC_COL_INT64; break;
    case MYSQL_TYPE_YEAR:
        /* Connector/J (yearIsDateType, on by default) reports YEAR as a DATE. */
        c->kind = JDBC_COL_YEAR;
        s = sluice_schema_date();
        break;
    case MYSQL_TYPE_FLOAT: c->kind = JDBC_COL_FLOAT32; break;
    case MYSQL_TYPE_DOUBLE: c->kind = JDBC_COL_FLOAT64; break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: {
        c->scale = (int)f->decimals;
        /* The display length counts the sign and the point. */
        long p = (long)f->length - (c->scale > 0 ? 1 : 0) - (uns ? 0 : 1);
        unsigned int precision = p > 0 ? (unsigned int)p : 1;
        c->kind = JDBC_COL_DECIMAL;
        if (mapping != JDBC_NUMERIC_NONE && c->scale == 0 && precision < 19) {
            c->kind = JDBC_COL_DECIMAL_INT;
            c->int_type = int_type_for_precision(precision);
        } else if ((mapping == JDBC_NUMERIC_BEST_FIT && c->scale > 0 && precision < 19) ||
                   (mapping == JDBC_NUMERIC_BEST_FIT_EAGER_DOUBLE && c->scale > 0)) {
            c->kind = JDBC_COL_DECIMAL_DOUBLE;
        }
        if (c->kind == JDBC_COL_DECIMAL) {
            s = sluice_schema_decimal(c->scale);
            char pbuf[16];
            snprintf(pbuf, sizeof pbuf, "%u", precision);
            sluice_schema_set_parameter(s, "connect.decimal.precision", pbuf);
        }
        break;
    }
    case MYSQL_TYPE_BIT: c->kind = f->length == 1 ? JDBC_COL_BIT_BOOL : JDBC_COL_BYTES; break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
        c->kind = JDBC_COL_DATE;
        s = sluice_schema_date();
        break;
    case MYSQL_TYPE_TIME:
        c->kind = JDBC_COL_TIME;
        s = sluice_schema_time();
        break;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        c->kind = JDBC_COL_TIMESTAMP;
        s = gran == JDBC_TS_CONNECT_LOGICAL ? sluice_schema_timestamp()
            : gran == JDBC_TS_MICROS_LONG || gran == JDBC_TS_NANOS_LONG
                ? sluice_schema_new(SLUICE_TYPE_INT64)
                : sluice_schema_new(SLUICE_TYPE_STRING);
        break;
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_SET:
    case MYSQL_TYPE_JSON:
        c->kind = f->charsetnr == JDBC_BINARY_CHARSET ? JDBC_COL_BYTES : JDBC_COL_STRING;
        break;
    default: c->kind = JDBC_COL_SKIP; return NULL;
    }
    if (!s) {
        sluice_type_t t;
        switch (c->kind) {
        case JDBC_COL_BOOL:
        case JDBC_COL_BIT_BOOL: t = SLUICE_TYPE_BOOLEAN; break;
        case JDBC_COL_INT8: t = SLUICE_TYPE_INT8; break;
        case JDBC_COL_INT16: t = SLUICE_TYPE_INT16; break;
        case JDBC_COL_INT32: t = SLUICE_TYPE_INT32; break;
        case JDBC_COL_INT64: t = SLUICE_TYPE_INT64; break;
        case JDBC_COL_DECIMAL_INT: t = c->int_type; break;
        case JDBC_COL_FLOAT32: t = SLUICE_TYPE_FLOAT32; break;
        case JDBC_COL_FLOAT64:
        case JDBC_COL_DECIMAL_DOUBLE: t = SLUICE_TYPE_FLOAT64; break;
        case JDBC_COL_STRING: t = SLUICE_TYPE_STRING; break;
        case JDBC_COL_UINT64_DECIMAL:
            s = sluice_schema_decimal(0);
            sluice_schema_set_parameter(s, "connect.decimal.precision", "20");
            t = SLUICE_TYPE_BYTES;
            break;
        default: t = SLUICE_TYPE_BYTES; break;
        }
        if (!s)
            s = sluice_schema_new(t);
    }
    sluice_schema_set_optional(s, c->nullable);
    return s;
}

/* Binds column i's buffers into its MYSQL_BIND. */
static void bind_column(jdbc_columns_t *cols, size_t i)
{
    jdbc_column_t *c = &cols->cols[i];
    MYSQL_BIND *b = &cols->binds[i];
    memset(b, 0, sizeof *b);
    b->is_null = &c->is_null;
    b->error = &c->error;
    b->length = &c->length;
    switch (c->kind) {
    case JDBC_COL_BOOL:
    case JDBC_COL_INT8:
    case JDBC_COL_INT16:
    case JDBC_COL_INT32:
    case JDBC_COL_INT64:
    case JDBC_COL_UINT64_DECIMAL:
    case JDBC_COL_YEAR:
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &c->v.i;
        b->is_unsigned = c->is_unsigned;
        break;
    case JDBC_COL_FLOAT32:
        b->buffer_type = MYSQL_TYPE_FLOAT;
        b->buffer = &c->v.f;
        break;
    case JDBC_COL_FLOAT64:
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &c->v.d;
        break;
    case JDBC_COL_DATE:
    case JDBC_COL_TIME:
    case JDBC_COL_TIMESTAMP:
        b->buffer_type = c->kind == JDBC_COL_DATE   ? MYSQL_TYPE_DATE
                         : c->kind == JDBC_COL_TIME ? MYSQL_TYPE_TIME
                                                    : MYSQL_TYPE_DATETIME;
        b->buffer = &c->v.t;
        b->buffer_length = sizeof c->v.t;
        break;
    default: /* strings, bytes, bits, decimals (as text), skipped columns */
        b->buffer_type = MYSQL_TYPE_BLOB;
        b->buffer = c->buf;
        b->buffer_length = c->cap;
        break;
    }
}

void jdbc_columns_clear(jdbc_columns_t *cols)
{
    for (size_t i = 0; i < cols->count; i++) {
        free(cols->cols[i].name);
        free(cols->cols[i].buf);
    }
    free(cols->cols);
    free(cols->binds);
    sluice_schema_unref(cols->schema);
    sluice_buf_destroy(cols->scratch);
    memset(cols, 0, sizeof *cols);
}

int jdbc_columns_init(jdbc_columns_t *cols, MYSQL_STMT *stmt, const char *schema_name,
                      jdbc_numeric_mapping_t mapping, jdbc_ts_granularity_t granularity,
                      char *errstr, size_t errstr_size)
{
    memset(cols, 0, sizeof *cols);
    cols->granularity = granularity;
    MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
    if (!meta) {
        snprintf(errstr, errstr_size, "the query returns no columns");
        return -1;
    }
    unsigned int n = mysql_num_fields(meta);
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    cols->count = n;
    cols->cols = jdbc_calloc(n, sizeof *cols->cols);
    cols->binds = jdbc_calloc(n, sizeof *cols->binds);
    cols->scratch = sluice_buf_new();
    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    if (schema_name)
        sluice_schema_set_name(schema, schema_name);
    int field_index = 0;
    int rc = 0;
    for (unsigned int i = 0; i < n; i++) {
        jdbc_column_t *c = &cols->cols[i];
        c->name = jdbc_strdup(fields[i].name);
        c->nullable = (fields[i].flags & NOT_NULL_FLAG) == 0;
        c->is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
        c->auto_increment = (fields[i].flags & AUTO_INCREMENT_FLAG) != 0;
        c->cap = JDBC_INITIAL_CAP;
        c->buf = jdbc_alloc(c->cap);
        c->field_index = -1;
        sluice_schema_t *fs = column_schema(c, &fields[i], mapping, granularity);
        if (fs) {
            if (sluice_schema_add_field(schema, c->name, fs, errstr, errstr_size) != 0)
                rc = -1;
            else
                c->field_index = field_index++;
            sluice_schema_unref(fs);
        }
        bind_column(cols, i);
    }
    mysql_free_result(meta);
    cols->schema = schema;
    if (rc == 0 && mysql_stmt_bind_result(stmt, cols->binds) != 0) {
        snprintf(errstr, errstr_size, "cannot bind the result: %s", mysql_stmt_error(stmt));
        rc = -1;
    }
    if (rc != 0)
        jdbc_columns_clear(cols);
    return rc;
}

int jdbc_columns_fetch(jdbc_columns_t *cols, MYSQL_STMT *stmt)
{
    int rc = mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA)
        return 0;
    if (rc == 1)
        return -1;
    if (rc == MYSQL_DATA_TRUNCATED) {
        bool rebind = false;
        for (size_t i = 0; i < cols->count; i++) {
            jdbc_column_t *c = &cols->cols[i];
            MYSQL_BIND *b = &cols->binds[i];
            if (!c->error || b->buffer_type != MYSQL_TYPE_BLOB)
                continue;
            /* Grow to the value's length and read the column again. */
            c->cap = c->length + 1;
            c->buf = jdbc_realloc(c->buf, c->cap);
            b->buffer = c->buf;
            b->buffer_length = c->cap;
            if (mysql_stmt_fetch_column(stmt, b, (unsigned int)i, 0) != 0)
                return -1;
            rebind = true;
        }
        if (rebind && mysql_stmt_bind_result(stmt, cols->binds) != 0)
            return -1;
    }
    return 1;
}

int jdbc_columns_find(const jdbc_columns_t *cols, const char *name)
{
    for (size_t i = 0; i < cols->count; i++)
        if (strcasecmp(cols->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool jdbc_columns_get_long(const jdbc_columns_t *cols, size_t i, int64_t *out)
{
    const jdbc_column_t *c = &cols->cols[i];
    if (c->is_null)
        return false;
    switch (c->kind) {
    case JDBC_COL_DECIMAL:
    case JDBC_COL_DECIMAL_INT:
    case JDBC_COL_DECIMAL_DOUBLE: {
        char tmp[80];
        size_t n = c->length < sizeof tmp - 1 ? c->length : sizeof tmp - 1;
        memcpy(tmp, c->buf, n);
        tmp[n] = '\0';
        *out = strtoll(tmp, NULL, 10);
        return true;
    }
    case JDBC_COL_FLOAT32: *out = (int64_t)c->v.f; return true;
    case JDBC_COL_FLOAT64: *out = (int64_t)c->v.d; return true;
    default: *out = (int64_t)c->v.i; return true;
    }
}

bool jdbc_columns_get_timestamp(const jdbc_columns_t *cols, const jdbc_conn_t *conn, size_t i,
                                int64_t *ms, int32_t *nanos)
{
    const jdbc_column_t *c = &cols->cols[i];
    if (c->is_null || (c->kind != JDBC_COL_TIMESTAMP && c->kind != JDBC_COL_DATE))
        return false;
    *ms = jdbc_conn_time_to_epoch_ms(conn, &c->v.t);
    *nanos = (int32_t)(c->v.t.second_part * 1000);
    return true;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* A DATETIME/TIMESTAMP value in the representation timestamp.granularity asks for. */
static sluice_value_t *timestamp_value(jdbc_ts_granularity_t gran, const jdbc_conn_t *conn,
                                       const MYSQL_TIME *t)
{
    int64_t ms = jdbc_conn_time_to_epoch_ms(conn, t);
    int64_t micros = floor_div(ms, 1000) * 1000000 + (int64_t)t->second_part;
    char text[64];
    switch (gran) {
    case JDBC_TS_CONNECT_LOGICAL: return sluice_value_int64(ms);
    case JDBC_TS_MICROS_LONG: return sluice_value_int64(micros);
    case JDBC_TS_NANOS_LONG: return sluice_value_int64(micros * 1000);
    case JDBC_TS_MICROS_STRING: snprintf(text, sizeof text, "%lld", (long long)micros); break;
    case JDBC_TS_NANOS_STRING: snprintf(text, sizeof text, "%lld", (long long)micros * 1000); break;
    default: /* the session shows the time in db.timezone already */
        snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02u.%06lu%s", t->year, t->month,
                 t->day, t->hour, t->minute, t->second, t->second_part,
                 gran == JDBC_TS_NANOS_ISO ? "000" : "");
        break;
    }
    return sluice_value_cstring(text);
}

sluice_value_t *jdbc_columns_row(jdbc_columns_t *cols, const jdbc_conn_t *conn, char *errstr,
                                 size_t errstr_size)
{
    sluice_value_t *row = sluice_value_struct_new(cols->schema);
    for (size_t i = 0; i < cols->count; i++) {
        jdbc_column_t *c = &cols->cols[i];
        if (c->field_index < 0 || c->is_null)
            continue;
        sluice_value_t *v = NULL;
        switch (c->kind) {
        case JDBC_COL_BOOL: v = sluice_value_boolean(c->v.i != 0); break;
        case JDBC_COL_BIT_BOOL:
            v = sluice_value_boolean(c->length > 0 && c->buf[c->length - 1] != 0);
            break;
        case JDBC_COL_INT8: v = sluice_value_int8((int8_t)c->v.i); break;
        case JDBC_COL_INT16: v = sluice_value_int16((int16_t)c->v.i); break;
        case JDBC_COL_INT32: v = sluice_value_int32((int32_t)c->v.i); break;
        case JDBC_COL_INT64: v = sluice_value_int64((int64_t)c->v.i); break;
        case JDBC_COL_FLOAT32: v = sluice_value_float32(c->v.f); break;
        case JDBC_COL_FLOAT64: v = sluice_value_float64(c->v.d); break;
        case JDBC_COL_UINT64_DECIMAL:
        case JDBC_COL_DECIMAL:
        case JDBC_COL_DECIMAL_INT:
        case JDBC_COL_DECIMAL_DOUBLE: {
            char text[96];
            if (c->kind == JDBC_COL_UINT64_DECIMAL) {
                snprintf(text, sizeof text, "%llu", (unsigned long long)c->v.i);
            } else {
                size_t n = c->length < sizeof text - 1 ? c->length : sizeof text - 1;
                memcpy(text, c->buf, n);
                text[n] = '\0';
            }
            if (c->kind == JDBC_COL_DECIMAL_DOUBLE) {
                v = sluice_value_float64(strtod(text, NULL));
                break;
            }
            if (c->kind == JDBC_COL_DECIMAL_INT) {
                long long x = strtoll(text, NULL, 10);
                v = c->int_type == SLUICE_TYPE_INT8    ? sluice_value_int8((int8_t)x)
                    : c->int_type == SLUICE_TYPE_INT16 ? sluice_value_int16((int16_t)x)
                    : c->int_type == SLUICE_TYPE_INT32 ? sluice_value_int32((int32_t)x)
                                                       : sluice_value_int64(x);
                break;
            }
            sluice_buf_reset(cols->scratch);
            if (sluice_decimal_from_string(text, c->kind == JDBC_COL_DECIMAL ? c->scale : 0,
                                           cols->scratch, errstr, errstr_size) != 0) {
                sluice_value_destroy(row);
                return NULL;
            }
            v = sluice_value_bytes(sluice_buf_data(cols->scratch), sluice_buf_len(cols->scratch));
            break;
        }
        case JDBC_COL_STRING: v = sluice_value_string(c->buf, c->length); break;
        case JDBC_COL_BYTES: v = sluice_value_bytes(c->buf, c->length); break;
        case JDBC_COL_DATE:
            if (c->v.t.month == 0) /* a zero date has no Connect value */
                break;
            v = sluice_value_int32(
                (int32_t)floor_div(jdbc_time_to_epoch_ms(&c->v.t, 0), 86400000LL));
            break;
        case JDBC_COL_TIME:
            v = sluice_value_int32((int32_t)jdbc_time_to_epoch_ms(&c->v.t, 0));
            break;
        case JDBC_COL_YEAR: {
            if (c->v.i == 0) /* YEAR 0000, MySQL's zero year, has no date */
                break;
            MYSQL_TIME jan1 = {.year = (unsigned int)c->v.i, .month = 1, .day = 1};
            v = sluice_value_int32((int32_t)floor_div(jdbc_time_to_epoch_ms(&jan1, 0), 86400000LL));
            break;
        }
        case JDBC_COL_TIMESTAMP:
            if (c->v.t.month == 0)
                break;
            v = timestamp_value(cols->granularity, conn, &c->v.t);
            break;
        default: break;
        }
        if (!v && !c->nullable) {
            snprintf(errstr, errstr_size, "column %s holds a zero date, which has no value",
                     c->name);
            sluice_value_destroy(row);
            return NULL;
        }
        if (sluice_value_struct_put_at(row, (size_t)c->field_index, v, errstr, errstr_size) != 0) {
            sluice_value_destroy(row);
            return NULL;
        }
    }
    return row;
}
