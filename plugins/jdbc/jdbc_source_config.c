/* The JdbcSourceConnector's config table: Confluent's keys and defaults. */
#include "jdbc_conn.h"
#include "jdbc_source.h"

/* Keys a Confluent config may carry that only select Java-side behaviour;
 * accepted so existing configs work, with the values MySQL needs. */
#define JDBC_SOURCE_KEYS                                                                           \
    JDBC_CONNECTION_CONFIG_KEYS,                                                                   \
        {.name = JDBC_TABLE_WHITELIST_CONFIG,                                                      \
         .type = SLUICE_CONFIG_LIST,                                                               \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Database",                                                                      \
         .order_in_group = 7,                                                                      \
         .display_name = "Table Whitelist",                                                        \
         .doc = "Tables to copy, by name or as database.table; empty copies every table not "      \
                "blacklisted. Cannot be combined with table.blacklist."},                          \
        {.name = JDBC_TABLE_BLACKLIST_CONFIG,                                                      \
         .type = SLUICE_CONFIG_LIST,                                                               \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Database",                                                                      \
         .order_in_group = 8,                                                                      \
         .display_name = "Table Blacklist",                                                        \
         .doc = "Tables never to copy, by name or as database.table."},                            \
        {.name = JDBC_TABLE_INCLUDE_LIST_CONFIG,                                                   \
         .type = SLUICE_CONFIG_LIST,                                                               \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Database",                                                                      \
         .order_in_group = 9,                                                                      \
         .display_name = "Table Include List",                                                     \
         .doc = "Regular expressions matched against database.table; a table is copied when "      \
                "one matches. Cannot be combined with table.whitelist/table.blacklist."},          \
        {.name = JDBC_TABLE_EXCLUDE_LIST_CONFIG,                                                   \
         .type = SLUICE_CONFIG_LIST,                                                               \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Database",                                                                      \
         .order_in_group = 10,                                                                     \
         .display_name = "Table Exclude List",                                                     \
         .doc = "Regular expressions matched against database.table; a matching table is left "    \
                "out. Needs table.include.list."},                                                 \
        {.name = JDBC_CATALOG_PATTERN_CONFIG,                                                      \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Database",                                                                      \
         .order_in_group = 11,                                                                     \
         .display_name = "Catalog pattern",                                                        \
         .doc = "SQL LIKE pattern for the databases (MySQL's catalogs) to look for tables in; "    \
                "null means the URL's database."},                                                 \
        {.name = JDBC_SCHEMA_PATTERN_CONFIG,                                                       \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Database",                                                                      \
         .order_in_group = 12,                                                                     \
         .display_name = "Schema pattern",                                                         \
         .doc = "No effect for MySQL/MariaDB: their databases are JDBC catalogs (as "              \
                "Connector/J reports them), and a database holds no schemas, so Confluent's "      \
                "MySQL dialect ignores this pattern too; use catalog.pattern."},                   \
        {.name = JDBC_NUMERIC_PRECISION_MAPPING_CONFIG,                                            \
         .type = SLUICE_CONFIG_BOOLEAN,                                                            \
         .default_value = "false",                                                                 \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Database",                                                                      \
         .order_in_group = 13,                                                                     \
         .display_name = "Map Numeric Values By Precision (deprecated)",                           \
         .doc = "Deprecated: numeric.mapping=precision_only does the same."},                      \
        {.name = JDBC_NUMERIC_MAPPING_CONFIG,                                                      \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Database",                                                                      \
         .order_in_group = 14,                                                                     \
         .display_name = "Map Numeric Values, Integral or Decimal, By Precision and Scale",        \
         .validator =                                                                              \
             SLUICE_ONE_OF_NOCASE("none", "precision_only", "best_fit", "best_fit_eager_double"),  \
         .doc = "How DECIMAL columns map: none (Decimal), precision_only (integers when the "      \
                "scale is 0 and they fit), best_fit (also FLOAT64 for fractions), "                \
                "best_fit_eager_double (FLOAT64 for every fraction)."},                            \
        {.name = JDBC_DIALECT_NAME_CONFIG,                                                         \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Database",                                                                      \
         .order_in_group = 15,                                                                     \
         .display_name = "Database Dialect",                                                       \
         .validator = SLUICE_ONE_OF("", "MySqlDatabaseDialect", "GenericDatabaseDialect"),         \
         .doc = "The SQL dialect; only MySqlDatabaseDialect (the default for these URLs)."},       \
        {.name = JDBC_TABLE_TYPES_CONFIG,                                                          \
         .type = SLUICE_CONFIG_LIST,                                                               \
         .default_value = "TABLE",                                                                 \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Database",                                                                      \
         .order_in_group = 16,                                                                     \
         .display_name = "Table Types",                                                            \
         .validator = SLUICE_LIST_OF("TABLE", "VIEW", "SYSTEM TABLE", "SYSTEM VIEW"),              \
         .doc = "Kinds of tables to copy: TABLE, VIEW, SYSTEM TABLE, SYSTEM VIEW."},               \
        {.name = JDBC_MODE_CONFIG,                                                                 \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_HIGH,                                                     \
         .group = "Mode",                                                                          \
         .order_in_group = 1,                                                                      \
         .display_name = "Table Loading Mode",                                                     \
         .validator =                                                                              \
             SLUICE_ONE_OF("", "bulk", "timestamp", "incrementing", "timestamp+incrementing"),     \
         .doc = "How rows are found on each poll: bulk (the whole table every time), "             \
                "incrementing (rows whose incrementing column grew), timestamp (rows whose "       \
                "timestamp column is newer), or timestamp+incrementing (both, which also "         \
                "tells apart rows sharing a timestamp)."},                                         \
        {.name = JDBC_INCREMENTING_COLUMN_CONFIG,                                                  \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Mode",                                                                          \
         .order_in_group = 2,                                                                      \
         .display_name = "Incrementing Column Name",                                               \
         .doc = "A strictly increasing NOT NULL column; empty picks the AUTO_INCREMENT column."},  \
        {.name = JDBC_TIMESTAMP_COLUMN_CONFIG,                                                     \
         .type = SLUICE_CONFIG_LIST,                                                               \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Mode",                                                                          \
         .order_in_group = 3,                                                                      \
         .display_name = "Timestamp Column Name",                                                  \
         .doc = "Columns holding the time a row last changed; with several, the first non-null "   \
                "one counts (COALESCE)."},                                                         \
        {.name = JDBC_TIMESTAMP_INITIAL_CONFIG,                                                    \
         .type = SLUICE_CONFIG_LONG,                                                               \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Mode",                                                                          \
         .order_in_group = 4,                                                                      \
         .display_name = "Unix time value of initial timestamp",                                   \
         .doc = "Epoch milliseconds to start from when no offset is stored; -1 starts at the "     \
                "database's current time; null reads everything."},                                \
        {.name = JDBC_VALIDATE_NON_NULL_CONFIG,                                                    \
         .type = SLUICE_CONFIG_BOOLEAN,                                                            \
         .default_value = "true",                                                                  \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Mode",                                                                          \
         .order_in_group = 5,                                                                      \
         .display_name = "Validate Non Null",                                                      \
         .doc = "Refuse to start when the incrementing or timestamp columns are nullable."},       \
        {.name = JDBC_QUERY_CONFIG,                                                                \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Mode",                                                                          \
         .order_in_group = 6,                                                                      \
         .display_name = "Query",                                                                  \
         .doc = "Read the rows of this SELECT instead of whole tables; incremental modes append "  \
                "their own WHERE clause to it."},                                                  \
        {.name = JDBC_QUOTE_IDENTIFIERS_CONFIG,                                                    \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "always",                                                                \
         .importance = SLUICE_IMPORTANCE_MEDIUM,                                                   \
         .group = "Mode",                                                                          \
         .order_in_group = 7,                                                                      \
         .display_name = "Quote Identifiers",                                                      \
         .validator = SLUICE_ONE_OF_NOCASE("always", "never"),                                     \
         .doc = "Whether table and column names are quoted in generated SQL."},                    \
        {.name = JDBC_QUERY_SUFFIX_CONFIG,                                                         \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "",                                                                      \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Mode",                                                                          \
         .order_in_group = 8,                                                                      \
         .display_name = "Query suffix",                                                           \
         .doc = "Text appended to every generated query."},                                        \
        {.name = JDBC_TIMESTAMP_GRANULARITY_CONFIG,                                                \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .default_value = "connect_logical",                                                       \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Mode",                                                                          \
         .order_in_group = 9,                                                                      \
         .display_name = "Timestamp granularity for timestamp columns",                            \
         .validator = SLUICE_ONE_OF_NOCASE("connect_logical", "micros_long", "micros_string",      \
                                           "micros_iso_datetime_string", "nanos_long",             \
                                           "nanos_string", "nanos_iso_datetime_string"),           \
         .doc = "How DATETIME/TIMESTAMP columns are represented: connect_logical (the Timestamp "  \
                "logical type, milliseconds), epoch micro- or nanoseconds as a number "            \
                "(micros_long, nanos_long) or a string (micros_string, nanos_string), or an ISO "  \
                "date-time string in db.timezone (micros_iso_datetime_string, "                    \
                "nanos_iso_datetime_string)."},                                                    \
        {.name = JDBC_POLL_INTERVAL_CONFIG,                                                        \
         .type = SLUICE_CONFIG_INT,                                                                \
         .default_value = "5000",                                                                  \
         .importance = SLUICE_IMPORTANCE_HIGH,                                                     \
         .group = "Connector",                                                                     \
         .order_in_group = 1,                                                                      \
         .display_name = "Poll Interval (ms)",                                                     \
         .validator = SLUICE_AT_LEAST(1),                                                          \
         .doc = "Milliseconds between two queries of the same table."},                            \
        {.name = JDBC_BATCH_MAX_ROWS_CONFIG,                                                       \
         .type = SLUICE_CONFIG_INT,                                                                \
         .default_value = "1000",                                                                  \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Connector",                                                                     \
         .order_in_group = 2,                                                                      \
         .display_name = "Max Rows Per Batch",                                                     \
         .validator = SLUICE_AT_LEAST(1),                                                          \
         .doc = "Most rows handed to the worker by one poll."},                                    \
        {.name = JDBC_TABLE_POLL_INTERVAL_CONFIG,                                                  \
         .type = SLUICE_CONFIG_LONG,                                                               \
         .default_value = "60000",                                                                 \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Connector",                                                                     \
         .order_in_group = 3,                                                                      \
         .display_name = "Metadata Change Monitoring Interval (ms)",                               \
         .validator = SLUICE_AT_LEAST(1),                                                          \
         .doc = "Milliseconds between two looks for new or dropped tables."},                      \
        {.name = JDBC_TOPIC_PREFIX_CONFIG,                                                         \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .required = true,                                                                         \
         .importance = SLUICE_IMPORTANCE_HIGH,                                                     \
         .group = "Connector",                                                                     \
         .order_in_group = 4,                                                                      \
         .display_name = "Topic Prefix",                                                           \
         .doc = "Prepended to a table's name to make its topic; in query mode, the topic."},       \
        {.name = JDBC_TIMESTAMP_DELAY_CONFIG,                                                      \
         .type = SLUICE_CONFIG_LONG,                                                               \
         .default_value = "0",                                                                     \
         .importance = SLUICE_IMPORTANCE_HIGH,                                                     \
         .group = "Connector",                                                                     \
         .order_in_group = 5,                                                                      \
         .display_name = "Delay Interval (ms)",                                                    \
         .validator = SLUICE_AT_LEAST(0),                                                          \
         .doc = "Rows are read only once their timestamp is this many milliseconds old, giving "   \
                "transactions with older timestamps time to commit."},                             \
        {.name = JDBC_QUERY_RETRY_ATTEMPTS_CONFIG,                                                 \
         .type = SLUICE_CONFIG_INT,                                                                \
         .default_value = "-1",                                                                    \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Connector",                                                                     \
         .order_in_group = 6,                                                                      \
         .display_name = "Query Retry Attempts",                                                   \
         .doc = "How many times in a row a table's query may fail (an SQL error, or the "          \
                "server going away while its rows are read) before the task fails; -1 (or 0) "     \
                "retries for ever. A query that reads its result to the end resets the count."},   \
    {                                                                                              \
        .name = JDBC_TRANSACTION_ISOLATION_CONFIG, .type = SLUICE_CONFIG_STRING,                   \
        .default_value = "DEFAULT", .importance = SLUICE_IMPORTANCE_LOW, .group = "Connector",     \
        .order_in_group = 7, .display_name = "Transaction Isolation Mode",                         \
        .validator = SLUICE_ONE_OF("DEFAULT", "READ_UNCOMMITTED", "READ_COMMITTED",                \
                                   "REPEATABLE_READ", "SERIALIZABLE"),                             \
        .doc = "Isolation level of the reading session; DEFAULT keeps the server's."               \
    }

const sluice_config_key_t jdbc_source_config[] = {JDBC_SOURCE_KEYS, SLUICE_CONFIG_END};

const sluice_config_key_t jdbc_source_task_config[] = {
    JDBC_SOURCE_KEYS,
    {.name = JDBC_TABLES_CONFIG,
     .type = SLUICE_CONFIG_LIST,
     .default_value = "",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Task",
     .doc = "The tables this task reads (set by the connector)."},
    SLUICE_CONFIG_END,
};
