/*
 * Result columns of a JdbcSourceConnector query: how each MySQL column type
 * maps to a Connect schema (Confluent's mapping, numeric.mapping included)
 * and how a fetched row becomes a Struct. Used by one task thread.
 */
#ifndef PLUGINS_JDBC_JDBC_SOURCE_COLUMNS_H
#define PLUGINS_JDBC_JDBC_SOURCE_COLUMNS_H

#include <mysql.h>
#include <sluice/sluice.h>

#include "jdbc_conn.h"

typedef enum jdbc_numeric_mapping {
    JDBC_NUMERIC_NONE = 0,
    JDBC_NUMERIC_PRECISION_ONLY,
    JDBC_NUMERIC_BEST_FIT,
    JDBC_NUMERIC_BEST_FIT_EAGER_DOUBLE
} jdbc_numeric_mapping_t;

/* timestamp.granularity: how DATETIME/TIMESTAMP columns are represented. */
typedef enum jdbc_ts_granularity {
    JDBC_TS_CONNECT_LOGICAL = 0, /* the Timestamp logical type (epoch ms) */
    JDBC_TS_MICROS_LONG,         /* INT64 epoch microseconds */
    JDBC_TS_MICROS_STRING,       /* the same as a decimal STRING */
    JDBC_TS_MICROS_ISO,          /* STRING yyyy-MM-ddTHH:mm:ss.ffffff in db.timezone */
    JDBC_TS_NANOS_LONG,
    JDBC_TS_NANOS_STRING,
    JDBC_TS_NANOS_ISO
} jdbc_ts_granularity_t;

/* Parses timestamp.granularity (NULL or unknown: connect_logical). */
jdbc_ts_granularity_t jdbc_ts_granularity_parse(const char *value);

typedef enum jdbc_col_kind {
    JDBC_COL_SKIP = 0, /* no Connect type (GEOMETRY …): left out of the struct */
    JDBC_COL_BOOL,
    JDBC_COL_BIT_BOOL,
    JDBC_COL_INT8,
    JDBC_COL_INT16,
    JDBC_COL_INT32,
    JDBC_COL_INT64,
    JDBC_COL_UINT64_DECIMAL,
    JDBC_COL_FLOAT32,
    JDBC_COL_FLOAT64,
    JDBC_COL_DECIMAL,
    JDBC_COL_DECIMAL_INT,
    JDBC_COL_DECIMAL_DOUBLE,
    JDBC_COL_STRING,
    JDBC_COL_BYTES,
    JDBC_COL_DATE,
    JDBC_COL_YEAR, /* a Date: January 1st of the year, as Connector/J reads YEAR */
    JDBC_COL_TIME,
    JDBC_COL_TIMESTAMP
} jdbc_col_kind_t;

typedef struct jdbc_column {
    char *name;
    jdbc_col_kind_t kind;
    sluice_type_t int_type; /* JDBC_COL_DECIMAL_INT: the integer type chosen */
    int scale;
    bool nullable;
    bool is_unsigned;
    bool auto_increment;
    int field_index; /* index in the struct, -1 when skipped */
    /* The fetch buffers bound to the statement. */
    union {
        long long i;
        double d;
        float f;
        MYSQL_TIME t;
    } v;
    char *buf;
    unsigned long cap;
    unsigned long length;
    my_bool is_null;
    my_bool error;
} jdbc_column_t;

typedef struct jdbc_columns {
    jdbc_column_t *cols;
    size_t count;
    MYSQL_BIND *binds;
    const sluice_schema_t *schema; /* the row struct's schema (a reference) */
    jdbc_ts_granularity_t granularity;
    sluice_buf_t *scratch;
} jdbc_columns_t;

/*
 * Reads the prepared statement's result metadata, builds the struct schema
 * (named schema_name, which may be NULL) and binds fetch buffers. Returns
 * 0, or -1 with errstr.
 */
int jdbc_columns_init(jdbc_columns_t *cols, MYSQL_STMT *stmt, const char *schema_name,
                      jdbc_numeric_mapping_t mapping, jdbc_ts_granularity_t granularity,
                      char *errstr, size_t errstr_size);

/* Frees what init allocated; the struct may be reused. */
void jdbc_columns_clear(jdbc_columns_t *cols);

/*
 * Fetches the next row into the buffers, growing them for long values.
 * Returns 1 for a row, 0 at the end, -1 on an error (see the statement).
 */
int jdbc_columns_fetch(jdbc_columns_t *cols, MYSQL_STMT *stmt);

/* The current row as a new STRUCT value, or NULL with errstr. */
sluice_value_t *jdbc_columns_row(jdbc_columns_t *cols, const jdbc_conn_t *conn, char *errstr,
                                 size_t errstr_size);

/* The index of the column called name (case-insensitive, as MySQL), or -1. */
int jdbc_columns_find(const jdbc_columns_t *cols, const char *name);

/* Reads an integer column of the current row; false when it is null. */
bool jdbc_columns_get_long(const jdbc_columns_t *cols, size_t i, int64_t *out);

/* Reads a date-time column of the current row as epoch ms and the nanoseconds
 * within its second; false when null. */
bool jdbc_columns_get_timestamp(const jdbc_columns_t *cols, const jdbc_conn_t *conn, size_t i,
                                int64_t *ms, int32_t *nanos);

/* numeric.mapping (with numeric.precision.mapping as the fallback). */
jdbc_numeric_mapping_t jdbc_numeric_mapping_parse(const char *value, bool precision_mapping);

#endif
