/*
 * JdbcSinkConnector: Confluent's config keys, tasks.max tasks each given
 * the whole configuration, and validation that reaches the database.
 * topics / topics.regex belong to the runtime, which subscribes the tasks.
 */
#include "jdbc_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "jdbc_common.h"
#include "jdbc_conn.h"

/* clang-format off */
static const sluice_config_key_t jdbc_sink_config[] = {
    JDBC_CONNECTION_CONFIG_KEYS,
    {.name = JDBC_SINK_INSERT_MODE, .type = SLUICE_CONFIG_STRING, .default_value = "insert",
     .importance = SLUICE_IMPORTANCE_HIGH, .group = "Writes", .order_in_group = 1,
     .display_name = "Insert Mode",
     .validator = SLUICE_ONE_OF_NOCASE("insert", "upsert", "update"),
     .doc = "How rows are written: insert (plain INSERT), upsert (INSERT ... ON DUPLICATE KEY "
            "UPDATE, so a replayed record rewrites its row) or update (UPDATE by key)."},
    {.name = JDBC_SINK_BATCH_SIZE, .type = SLUICE_CONFIG_INT, .default_value = "3000",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Writes", .order_in_group = 2,
     .display_name = "Batch Size", .validator = SLUICE_AT_LEAST(0),
     .doc = "The most records written by one multi-row statement."},
    {.name = JDBC_SINK_DELETE_ENABLED, .type = SLUICE_CONFIG_BOOLEAN, .default_value = "false",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Writes", .order_in_group = 3,
     .display_name = "Enable deletes",
     .doc = "Whether a record with a null value (a tombstone) deletes the row of its key. Needs "
            "pk.mode=record_key."},
    {.name = JDBC_SINK_TABLE_TYPES, .type = SLUICE_CONFIG_LIST, .default_value = "TABLE",
     .importance = SLUICE_IMPORTANCE_LOW, .group = "Writes", .order_in_group = 4,
     .display_name = "Table Types",
     .validator = SLUICE_ONE_OF_NOCASE("TABLE", "PARTITIONED_TABLE", "VIEW"),
     .doc = "The kinds of relation the sink writes to: any of TABLE, PARTITIONED_TABLE (a "
            "partitioned table is a TABLE in MySQL) and VIEW. A relation of another kind counts "
            "as missing. Writing to a view needs an updatable view that has every column."},
    {.name = JDBC_SINK_TABLE_NAME_FORMAT, .type = SLUICE_CONFIG_STRING, .default_value = "${topic}",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Data Mapping", .order_in_group = 1,
     .display_name = "Table Name Format",
     .doc = "The destination table's name, where ${topic} stands for the record's topic: "
            "kafka_${topic} writes topic orders to table kafka_orders. db.table names a table "
            "in another database."},
    {.name = JDBC_SINK_PK_MODE, .type = SLUICE_CONFIG_STRING, .default_value = "none",
     .importance = SLUICE_IMPORTANCE_HIGH, .group = "Data Mapping", .order_in_group = 2,
     .display_name = "Primary Key Mode",
     .validator = SLUICE_ONE_OF_NOCASE("none", "kafka", "record_key", "record_value"),
     .doc = "Where the primary key columns come from: none; kafka (the record's topic, "
            "partition and offset); record_key (the key, a primitive or a struct); record_value "
            "(fields of the value struct). See pk.fields."},
    {.name = JDBC_SINK_PK_FIELDS, .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Data Mapping", .order_in_group = 3,
     .display_name = "Primary Key Fields",
     .doc = "The primary key column names, read according to pk.mode. kafka: three names for "
            "topic, partition and offset (empty: __connect_topic, __connect_partition, "
            "__connect_offset). record_key: the column name of a primitive key (exactly one), or "
            "the key struct's fields to use (empty: all). record_value: the value struct's fields "
            "to use (empty: all)."},
    {.name = JDBC_SINK_FIELDS_WHITELIST, .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Data Mapping", .order_in_group = 4,
     .display_name = "Fields Whitelist",
     .doc = "The value fields written as non-key columns (empty: all). Key columns are chosen "
            "by pk.mode and pk.fields alone."},
    {.name = JDBC_SINK_REPLACE_NULL_WITH_DEFAULT, .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true", .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Data Mapping",
     .order_in_group = 5, .display_name = "Replace null value with default value",
     .doc = "Whether a null field whose schema has a default value is written as that default."},
    {.name = JDBC_SINK_DATE_TIMEZONE, .type = SLUICE_CONFIG_STRING,
     .default_value = "DB_TIMEZONE", .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Data Mapping", .order_in_group = 6, .display_name = "Time Zone used for Date",
     .validator = SLUICE_ONE_OF_NOCASE("DB_TIMEZONE", "UTC"),
     .doc = "How Date values are written. DB_TIMEZONE (Confluent's default, kept for "
            "compatibility): the date that midnight UTC of the day has in db.timezone, so a zone "
            "west of UTC writes the day before. UTC: the day as it is (recommended)."},
    {.name = JDBC_SINK_TIMESTAMP_FIELDS_LIST, .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_LOW, .group = "Data Mapping", .order_in_group = 7,
     .display_name = "Timestamp Fields Whitelist",
     .doc = "Accepted for compatibility and ignored: Confluent uses it to turn microsecond or "
            "nanosecond INT64 / STRING fields into timestamps for databases with such precision; "
            "here a Timestamp is always the Connect logical type (milliseconds)."},
    {.name = JDBC_SINK_TIMESTAMP_PRECISION_MODE, .type = SLUICE_CONFIG_STRING,
     .default_value = "microseconds", .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Data Mapping", .order_in_group = 8, .display_name = "Sink Timestamp Precision mode",
     .validator = SLUICE_ONE_OF_NOCASE("microseconds", "nanoseconds"),
     .doc = "Accepted for compatibility and ignored: it applies to timestamp.fields.list only."},
    {.name = JDBC_SINK_DATE_CALENDAR_SYSTEM, .type = SLUICE_CONFIG_STRING,
     .default_value = "LEGACY", .importance = SLUICE_IMPORTANCE_LOW, .group = "Data Mapping",
     .order_in_group = 9, .display_name = "Date Calendar System",
     .validator = SLUICE_ONE_OF_NOCASE("LEGACY", "PROLEPTIC_GREGORIAN"),
     .doc = "Accepted for compatibility; dates are always proleptic Gregorian here (Confluent's "
            "LEGACY differs only before 1582-10-15)."},
    {.name = JDBC_SINK_AUTO_CREATE, .type = SLUICE_CONFIG_BOOLEAN, .default_value = "false",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "DDL Support", .order_in_group = 1,
     .display_name = "Auto-Create",
     .doc = "Whether a missing destination table is created (CREATE TABLE) from the record's "
            "schema."},
    {.name = JDBC_SINK_AUTO_EVOLVE, .type = SLUICE_CONFIG_BOOLEAN, .default_value = "false",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "DDL Support", .order_in_group = 2,
     .display_name = "Auto-Evolve",
     .doc = "Whether columns the record's schema has and the table lacks are added (ALTER TABLE "
            "ADD); columns are never dropped or changed."},
    {.name = JDBC_SINK_QUOTE_SQL_IDENTIFIERS, .type = SLUICE_CONFIG_STRING,
     .default_value = "always", .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "DDL Support",
     .order_in_group = 3, .display_name = "Quote Identifiers",
     .validator = SLUICE_ONE_OF_NOCASE("always", "never"),
     .doc = "Whether table and column names are quoted with backticks in the SQL the sink "
            "writes (always) or written as they are (never: names must then be valid unquoted "
            "identifiers)."},
    {.name = JDBC_SINK_MSSQL_USE_MERGE_HOLDLOCK, .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true", .importance = SLUICE_IMPORTANCE_LOW, .group = "DML Support",
     .order_in_group = 1, .display_name = "SQL Server - Use HOLDLOCK in MERGE",
     .doc = "Accepted for compatibility and ignored: it applies to SQL Server only."},
    {.name = JDBC_SINK_MAX_RETRIES, .type = SLUICE_CONFIG_INT, .default_value = "10",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Retries", .order_in_group = 1,
     .display_name = "Maximum Retries", .validator = SLUICE_AT_LEAST(0),
     .doc = "How many times a failed write is tried again before the task fails."},
    {.name = JDBC_SINK_RETRY_BACKOFF_MS, .type = SLUICE_CONFIG_INT, .default_value = "3000",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Retries", .order_in_group = 2,
     .display_name = "Retry Backoff (millis)", .validator = SLUICE_AT_LEAST(0),
     .doc = "Milliseconds to wait after a failed write before trying again."},
    {.name = JDBC_SINK_DIALECT_NAME, .type = SLUICE_CONFIG_STRING, .default_value = "",
     .importance = SLUICE_IMPORTANCE_LOW, .group = "Connection", .order_in_group = 10,
     .display_name = "Database Dialect",
     .validator = SLUICE_ONE_OF_NOCASE("", "MySqlDatabaseDialect"),
     .doc = "Accepted for compatibility: empty or MySqlDatabaseDialect, the only dialect "
            "there is (MariaDB included)."},
    {.name = JDBC_SINK_TRIM_SENSITIVE_LOG, .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "false", .importance = SLUICE_IMPORTANCE_LOW, .group = "Connection",
     .order_in_group = 11, .display_name = "Trim sensitive log",
     .doc = "Accepted for compatibility and ignored: the sink never logs record values or "
            "passwords (statements are logged with placeholders only)."},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct jdbc_sink_connector {
    sluice_strmap_t *props;
} jdbc_sink_connector_t;

static sluice_result_t jdbc_sink_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                                 void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    const char *pk = sluice_config_get_string(config, JDBC_SINK_PK_MODE);
    if (sluice_config_get_bool(config, JDBC_SINK_DELETE_ENABLED) &&
        strcasecmp(pk, "record_key") != 0) {
        snprintf(errstr, errstr_size, "Delete support only works with pk.mode=record_key");
        return SLUICE_FATAL;
    }
    jdbc_sink_connector_t *c = jdbc_calloc(1, sizeof *c);
    c->props = sluice_strmap_copy(sluice_config_originals(config));
    *self = c;
    return SLUICE_OK;
}

static sluice_result_t jdbc_sink_connector_task_configs(void *self, int max_tasks,
                                                        sluice_task_configs_t *out, char *errstr,
                                                        size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    jdbc_sink_connector_t *c = self;
    for (int t = 0; t < max_tasks; t++) {
        sluice_strmap_t *task = sluice_task_configs_add(out);
        for (size_t i = 0; i < sluice_strmap_count(c->props); i++)
            sluice_strmap_set(task, sluice_strmap_key_at(c->props, i),
                              sluice_strmap_value_at(c->props, i));
    }
    return SLUICE_OK;
}

static void jdbc_sink_connector_destroy(void *self)
{
    jdbc_sink_connector_t *c = self;
    if (!c)
        return;
    sluice_strmap_destroy(c->props);
    free(c);
}

/* Cross-key rules and whether the database can be reached with the given
 * credentials (one attempt, no backoff). */
static void jdbc_sink_connector_validate(const sluice_strmap_t *props,
                                         sluice_config_validation_t *result)
{
    const char *pk = sluice_strmap_get(props, JDBC_SINK_PK_MODE);
    const char *del = sluice_strmap_get(props, JDBC_SINK_DELETE_ENABLED);
    if (del && strcasecmp(del, "true") == 0 && (!pk || strcasecmp(pk, "record_key") != 0))
        sluice_config_validation_add_error(result, JDBC_SINK_DELETE_ENABLED,
                                           "Delete support only works with pk.mode=record_key");
    const char *url = sluice_strmap_get(props, JDBC_CONNECTION_URL_CONFIG);
    if (!url || !url[0])
        return;
    char err[1024];
    jdbc_conn_t *conn = jdbc_conn_new_from(
        url, sluice_strmap_get(props, JDBC_CONNECTION_USER_CONFIG),
        sluice_strmap_get(props, JDBC_CONNECTION_PASSWORD_CONFIG), 1, 0,
        sluice_strmap_get(props, JDBC_DB_TIMEZONE_CONFIG), NULL, NULL, err, sizeof err);
    if (!conn || jdbc_conn_open(conn, err, sizeof err) != SLUICE_OK)
        sluice_config_validation_add_error(result, JDBC_CONNECTION_URL_CONFIG, "%s", err);
    jdbc_conn_destroy(conn);
}

static int jdbc_sink_connector_alter_offsets(const sluice_strmap_t *props,
                                             const sluice_value_t *const *partitions,
                                             const sluice_value_t *const *offsets, size_t count,
                                             char *errstr, size_t errstr_size)
{
    (void)props;
    (void)partitions;
    (void)offsets;
    (void)count;
    (void)errstr;
    (void)errstr_size;
    return 1; /* the sink's offsets live in the consumer group only */
}

static const sluice_connector_ops_t jdbc_sink_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = jdbc_sink_connector_start,
    .task_configs = jdbc_sink_connector_task_configs,
    .destroy = jdbc_sink_connector_destroy,
    .validate = jdbc_sink_connector_validate,
    .alter_offsets = jdbc_sink_connector_alter_offsets,
};

static const char *const jdbc_sink_aliases[] = {"JdbcSinkConnector", "JdbcSink", NULL};

const sluice_class_t jdbc_sink_connector_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SINK_CONNECTOR,
    .name = "io.confluent.connect.jdbc.JdbcSinkConnector",
    .aliases = jdbc_sink_aliases,
    .version = JDBC_CONNECTORS_VERSION,
    .doc = "Writes records with schemas to MySQL / MariaDB tables (insert, upsert, update, "
           "delete), creating and evolving the tables on request.",
    .config = jdbc_sink_config,
    .connector = &jdbc_sink_connector_ops,
    .sink_task = &jdbc_sink_task_ops,
};
