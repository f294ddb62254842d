/*
 * Confluent's JdbcSourceConnector for MySQL/MariaDB: the connector finds the
 * tables and hands them out to tasks; each task reads its tables (or the one
 * query) with server-side prepared statements, streaming rows, and turns
 * them into Struct records with Confluent's type mapping and offsets.
 */
#ifndef PLUGINS_JDBC_JDBC_SOURCE_H
#define PLUGINS_JDBC_JDBC_SOURCE_H

#include <sluice/sluice.h>

#include "jdbc_conn.h"

/* Confluent's config keys. */
#define JDBC_MODE_CONFIG "mode"
#define JDBC_MODE_BULK "bulk"
#define JDBC_MODE_TIMESTAMP "timestamp"
#define JDBC_MODE_INCREMENTING "incrementing"
#define JDBC_MODE_TIMESTAMP_INCREMENTING "timestamp+incrementing"
#define JDBC_INCREMENTING_COLUMN_CONFIG "incrementing.column.name"
#define JDBC_TIMESTAMP_COLUMN_CONFIG "timestamp.column.name"
#define JDBC_TIMESTAMP_INITIAL_CONFIG "timestamp.initial"
#define JDBC_TIMESTAMP_DELAY_CONFIG "timestamp.delay.interval.ms"
#define JDBC_VALIDATE_NON_NULL_CONFIG "validate.non.null"
#define JDBC_TABLE_WHITELIST_CONFIG "table.whitelist"
#define JDBC_TABLE_BLACKLIST_CONFIG "table.blacklist"
#define JDBC_TABLE_INCLUDE_LIST_CONFIG "table.include.list"
#define JDBC_TABLE_EXCLUDE_LIST_CONFIG "table.exclude.list"
#define JDBC_TABLE_TYPES_CONFIG "table.types"
#define JDBC_CATALOG_PATTERN_CONFIG "catalog.pattern"
#define JDBC_SCHEMA_PATTERN_CONFIG "schema.pattern"
#define JDBC_QUERY_CONFIG "query"
#define JDBC_QUERY_SUFFIX_CONFIG "query.suffix"
#define JDBC_TOPIC_PREFIX_CONFIG "topic.prefix"
#define JDBC_POLL_INTERVAL_CONFIG "poll.interval.ms"
#define JDBC_BATCH_MAX_ROWS_CONFIG "batch.max.rows"
#define JDBC_TABLE_POLL_INTERVAL_CONFIG "table.poll.interval.ms"
#define JDBC_NUMERIC_MAPPING_CONFIG "numeric.mapping"
#define JDBC_NUMERIC_PRECISION_MAPPING_CONFIG "numeric.precision.mapping"
#define JDBC_DIALECT_NAME_CONFIG "dialect.name"
#define JDBC_QUOTE_IDENTIFIERS_CONFIG "quote.sql.identifiers"
#define JDBC_TIMESTAMP_GRANULARITY_CONFIG "timestamp.granularity"
#define JDBC_QUERY_RETRY_ATTEMPTS_CONFIG "query.retry.attempts"
#define JDBC_TRANSACTION_ISOLATION_CONFIG "transaction.isolation.mode"

/* The task-only key: the tables a task reads, fully qualified (db.table). */
#define JDBC_TABLES_CONFIG "tables"

/* Offset fields and partition keys, as Confluent stores them. */
#define JDBC_OFFSET_INCREMENTING "incrementing"
#define JDBC_OFFSET_TIMESTAMP "timestamp"
#define JDBC_OFFSET_TIMESTAMP_NANOS "timestamp_nanos"
#define JDBC_PARTITION_TABLE "table"
#define JDBC_PARTITION_PROTOCOL "protocol"
#define JDBC_PARTITION_QUERY "query"

extern const sluice_class_t jdbc_source_connector_class;
extern const sluice_config_key_t jdbc_source_config[];
extern const sluice_config_key_t jdbc_source_task_config[];
extern const sluice_source_task_ops_t jdbc_source_task_ops;
extern const sluice_connector_ops_t jdbc_source_connector_ops;

#endif

/* ---- shared between the connector and its tasks (jdbc_source_tables.c) ---- */

/* A list of malloc()ed strings. */
typedef struct jdbc_strv {
    char **items;
    size_t count;
} jdbc_strv_t;

void jdbc_strv_add(jdbc_strv_t *v, const char *s);
void jdbc_strv_clear(jdbc_strv_t *v);
bool jdbc_strv_equal(const jdbc_strv_t *a, const jdbc_strv_t *b);

/*
 * The tables the connector copies, as "database.table", sorted: those of
 * catalog.pattern (or the URL's database) of the configured table.types,
 * filtered by the white/black or include/exclude lists. Returns SLUICE_OK,
 * or RETRY/FATAL with errstr. out is cleared first.
 */
sluice_result_t jdbc_source_list_tables(jdbc_conn_t *conn, const sluice_config_t *config,
                                        jdbc_strv_t *out, char *errstr, size_t errstr_size);

/* Splits "database.table" at the first dot into two new strings (database
 * "" when there is no dot). */
void jdbc_split_fqn(const char *fqn, char **db, char **table);

/* Whether mode needs a timestamp / an incrementing column. */
bool jdbc_mode_uses_timestamp(const char *mode);
bool jdbc_mode_uses_incrementing(const char *mode);
