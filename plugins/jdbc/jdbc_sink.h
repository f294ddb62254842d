/*
 * The JDBC sink connector (Confluent's io.confluent.connect.jdbc.JdbcSinkConnector)
 * for MySQL / MariaDB, on libmariadb.
 *
 * The class is declared first so plugins/jdbc/plugin.c can list it; the rest
 * of this header is the sink's internal interface between its files:
 * jdbc_sink_sql.c holds the parts that need no server (which columns a
 * record gives, the SQL text, the reverse type mapping), so they are unit
 * tested on their own; jdbc_sink_writer.c talks to the server;
 * jdbc_sink_task.c and jdbc_sink_connector.c are the plugin callbacks.
 */
#ifndef PLUGINS_JDBC_JDBC_SINK_H
#define PLUGINS_JDBC_JDBC_SINK_H

#include <sluice/sluice.h>

extern const sluice_class_t jdbc_sink_connector_class;

/* The task callbacks (jdbc_sink_task.c). */
extern const sluice_sink_task_ops_t jdbc_sink_task_ops;

/* Confluent's sink keys (JdbcSinkConfig). */
#define JDBC_SINK_INSERT_MODE "insert.mode"
#define JDBC_SINK_PK_MODE "pk.mode"
#define JDBC_SINK_PK_FIELDS "pk.fields"
#define JDBC_SINK_FIELDS_WHITELIST "fields.whitelist"
#define JDBC_SINK_TABLE_NAME_FORMAT "table.name.format"
#define JDBC_SINK_BATCH_SIZE "batch.size"
#define JDBC_SINK_DELETE_ENABLED "delete.enabled"
#define JDBC_SINK_AUTO_CREATE "auto.create"
#define JDBC_SINK_AUTO_EVOLVE "auto.evolve"
#define JDBC_SINK_MAX_RETRIES "max.retries"
#define JDBC_SINK_RETRY_BACKOFF_MS "retry.backoff.ms"
#define JDBC_SINK_REPLACE_NULL_WITH_DEFAULT "replace.null.with.default"
#define JDBC_SINK_QUOTE_SQL_IDENTIFIERS "quote.sql.identifiers"
#define JDBC_SINK_TABLE_TYPES "table.types"
#define JDBC_SINK_DATE_TIMEZONE "date.timezone"
/* Accepted for compatibility; they change nothing here (see the config docs). */
#define JDBC_SINK_DIALECT_NAME "dialect.name"
#define JDBC_SINK_TIMESTAMP_FIELDS_LIST "timestamp.fields.list"
#define JDBC_SINK_TIMESTAMP_PRECISION_MODE "timestamp.precision.mode"
#define JDBC_SINK_DATE_CALENDAR_SYSTEM "date.calendar.system"
#define JDBC_SINK_TRIM_SENSITIVE_LOG "trim.sensitive.log"
#define JDBC_SINK_MSSQL_USE_MERGE_HOLDLOCK "mssql.use.merge.holdlock"

/* table.types as a bit set. */
#define JDBC_SINK_TABLE_TYPE_TABLE 1
#define JDBC_SINK_TABLE_TYPE_VIEW 2

/* The Kafka coordinates pk.mode=kafka uses by default. */
#define JDBC_SINK_KAFKA_PK_TOPIC "__connect_topic"
#define JDBC_SINK_KAFKA_PK_PARTITION "__connect_partition"
#define JDBC_SINK_KAFKA_PK_OFFSET "__connect_offset"

/* MySQL's limit on the placeholders of one prepared statement. */
#define JDBC_SINK_MAX_PLACEHOLDERS 65535

typedef enum jdbc_sink_insert_mode {
    JDBC_SINK_INSERT = 0,
    JDBC_SINK_UPSERT,
    JDBC_SINK_UPDATE
} jdbc_sink_insert_mode_t;

typedef enum jdbc_sink_pk_mode {
    JDBC_SINK_PK_NONE = 0,
    JDBC_SINK_PK_KAFKA,
    JDBC_SINK_PK_RECORD_KEY,
    JDBC_SINK_PK_RECORD_VALUE
} jdbc_sink_pk_mode_t;

/* Parses Confluent's names ("insert", "upsert", "update"; "none", "kafka",
 * "record_key", "record_value"), ignoring case. -1 when unknown. */
int jdbc_sink_insert_mode_parse(const char *name);
int jdbc_sink_pk_mode_parse(const char *name);

/* Where a column's value comes from in a record. */
typedef enum jdbc_sink_source {
    JDBC_SINK_FROM_TOPIC,      /* the record's topic (STRING) */
    JDBC_SINK_FROM_PARTITION,  /* its Kafka partition (INT32) */
    JDBC_SINK_FROM_OFFSET,     /* its Kafka offset (INT64) */
    JDBC_SINK_FROM_KEY,        /* the whole (primitive) key */
    JDBC_SINK_FROM_KEY_FIELD,  /* field `index` of the key struct */
    JDBC_SINK_FROM_VALUE_FIELD /* field `index` of the value struct */
} jdbc_sink_source_t;

typedef struct jdbc_sink_column {
    char *name;
    const sluice_schema_t *schema; /* a reference of its own */
    bool is_key;
    jdbc_sink_source_t source;
    int index;
} jdbc_sink_column_t;

/*
 * The columns records of one key and value schema write to one table
 * (Confluent's FieldsMetadata): cols in CREATE TABLE order (Kafka
 * coordinates, then value fields in schema order, then the rest by name),
 * keys and nonkeys as indexes into cols in the order statements list them.
 */
typedef struct jdbc_sink_fields {
    jdbc_sink_column_t *cols;
    size_t ncols;
    size_t *keys;
    size_t nkeys;
    size_t *nonkeys;
    size_t nnonkeys;
    bool quote; /* quote.sql.identifiers: true (always) unless the writer says never */
} jdbc_sink_fields_t;

/*
 * Works out the columns as Confluent's FieldsMetadata.extract does, for
 * table (named in messages), with pk_fields / whitelist as configured (count
 * 0: empty). value_schema NULL is a tombstone's (only key columns). Returns
 * a new object the caller frees with jdbc_sink_fields_destroy, or NULL with
 * errstr. Any thread.
 */
jdbc_sink_fields_t *jdbc_sink_fields_new(const char *table, jdbc_sink_pk_mode_t pk_mode,
                                         const char *const *pk_fields, size_t npk_fields,
                                         const char *const *whitelist, size_t nwhitelist,
                                         const sluice_schema_t *key_schema,
                                         const sluice_schema_t *value_schema, char *errstr,
                                         size_t errstr_size);
void jdbc_sink_fields_destroy(jdbc_sink_fields_t *fields);

/* The index in fields->cols of the column called name, or -1. */
int jdbc_sink_fields_find(const jdbc_sink_fields_t *fields, const char *name);

/* table.name.format with every "${topic}" replaced by topic; malloc()ed. */
char *jdbc_sink_table_name(const char *format, const char *topic);

/* Appends ident quoted with backticks (embedded backticks doubled), or as
 * it is when quote is false (quote.sql.identifiers=never). A table name
 * "db.table" is quoted part by part. */
void jdbc_sink_quote(sluice_buf_t *out, const char *ident, bool quote);
void jdbc_sink_quote_table(sluice_buf_t *out, const char *table, bool quote);

/*
 * The MySQL column type for col (Confluent's MySqlDatabaseDialect.getSqlType),
 * except that a key STRING is VARCHAR(256) (MySQL cannot index TEXT without
 * a prefix length) and a non-key BYTES is BLOB (a key stays VARBINARY(1024)).
 * Returns NULL with errstr for a type with no mapping (ARRAY, MAP, STRUCT).
 */
const char *jdbc_sink_sql_type(const jdbc_sink_column_t *col, char *buf, size_t buf_size,
                               char *errstr, size_t errstr_size);

/*
 * SQL text, appended to out. rows is how many rows one statement carries
 * (multi-row VALUES lists; for delete a row-constructor IN list). insert and
 * upsert list keys then non-keys. Every function returns 0, or -1 with
 * errstr when the statement cannot be built (upsert / update without key
 * columns, DDL for an unmappable type).
 */
int jdbc_sink_sql_insert(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         jdbc_sink_insert_mode_t mode, size_t rows, char *errstr,
                         size_t errstr_size);
int jdbc_sink_sql_update(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         char *errstr, size_t errstr_size);
int jdbc_sink_sql_delete(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         size_t rows, char *errstr, size_t errstr_size);

/* CREATE TABLE with every column and the key columns as PRIMARY KEY. */
int jdbc_sink_sql_create(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         char *errstr, size_t errstr_size);

/*
 * ALTER TABLE adding the columns of fields whose names are not in existing
 * (compared ignoring case, as Confluent does). *added gets how many (0:
 * nothing appended). Refuses (-1) a missing column that is required and
 * has no default, naming it.
 */
int jdbc_sink_sql_alter(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                        const char *const *existing, size_t nexisting, size_t *added, char *errstr,
                        size_t errstr_size);

/* Confluent's check for a record the sink can write: a STRUCT value with a
 * STRUCT schema, or a tombstone when deletes are enabled. Returns 0, or -1
 * with errstr naming topic, partition and offset. */
int jdbc_sink_check_record(const sluice_record_t *record, bool delete_enabled, char *errstr,
                           size_t errstr_size);

/* ---- writing (jdbc_sink_writer.c) ------------------------------------------------ */

struct jdbc_conn;

/* The parsed sink settings; lists and strings belong to the task's config. */
typedef struct jdbc_sink_settings {
    jdbc_sink_insert_mode_t insert_mode;
    jdbc_sink_pk_mode_t pk_mode;
    const char *const *pk_fields;
    size_t npk_fields;
    const char *const *whitelist;
    size_t nwhitelist;
    const char *table_format;
    int batch_size;
    bool delete_enabled;
    bool auto_create;
    bool auto_evolve;
    bool replace_null_with_default;
    bool quote_identifiers; /* quote.sql.identifiers=always */
    bool date_utc;          /* date.timezone=UTC */
    int table_types;        /* JDBC_SINK_TABLE_TYPE_* bits */
} jdbc_sink_settings_t;

typedef struct jdbc_sink_writer jdbc_sink_writer_t;

/* A writer on conn (which the caller keeps and must keep open around
 * write). settings are copied but point into the caller's config. */
jdbc_sink_writer_t *jdbc_sink_writer_new(struct jdbc_conn *conn,
                                         const jdbc_sink_settings_t *settings,
                                         const sluice_ctx_t *ctx);
void jdbc_sink_writer_destroy(jdbc_sink_writer_t *w);

/* Forgets prepared statements and table metadata: call after the
 * connection was replaced. */
void jdbc_sink_writer_reset(jdbc_sink_writer_t *w);

/*
 * Writes records[0, n) in order in one transaction: first any CREATE /
 * ALTER TABLE they need (DDL commits implicitly in MySQL, so it runs before
 * the transaction starts), then multi-row prepared statements with bound
 * values, then COMMIT. Returns SLUICE_OK once committed; on failure rolls
 * back and returns SLUICE_RETRY for a database error (the caller decides
 * how often to retry) or SLUICE_FATAL for records that cannot be written
 * whatever the retries (bad keys, a missing table without auto.create),
 * with errstr naming the table and the record. One thread at a time (the
 * task's writer thread).
 */
sluice_result_t jdbc_sink_writer_write(jdbc_sink_writer_t *w, sluice_record_t *const *records,
                                       size_t n, char *errstr, size_t errstr_size);

#endif
