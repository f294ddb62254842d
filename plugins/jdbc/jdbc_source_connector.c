/*
 * The JdbcSourceConnector: checks the config, finds the tables, spreads them
 * over tasks like Kafka's ConnectorUtils.groupPartitions, and watches for
 * new or dropped tables every table.poll.interval.ms from a thread of its
 * own, asking the runtime for new task configs when the set changes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jdbc_common.h"
#include "jdbc_source.h"

typedef struct jdbc_source_connector {
    sluice_ctx_t *ctx;
    const sluice_config_t *config;
    jdbc_conn_t *conn; /* the monitor thread's, after start */
    bool query_mode;

    pthread_mutex_t lock; /* guards tables and stopping */
    pthread_cond_t cond;
    jdbc_strv_t tables;
    bool stopping;
    atomic_int stop; /* set by destroy, read by the monitor's connection backoffs */
    bool monitor_started;
    pthread_t monitor;
} jdbc_source_connector_t;

/*
 * Cross-key rules of Confluent's config, shared by start and validate: adds
 * each problem through add(key, message). Returns the number of problems.
 */
typedef void (*problem_fn)(void *arg, const char *key, const char *msg);

static int check_rules(const sluice_config_t *config, problem_fn add, void *arg)
{
    int problems = 0;
    const char *mode = sluice_config_get_string(config, JDBC_MODE_CONFIG);
    const char *query = sluice_config_get_string(config, JDBC_QUERY_CONFIG);
    size_t nwhite = sluice_config_get_list(config, JDBC_TABLE_WHITELIST_CONFIG, NULL);
    size_t nblack = sluice_config_get_list(config, JDBC_TABLE_BLACKLIST_CONFIG, NULL);
    size_t ninclude = sluice_config_get_list(config, JDBC_TABLE_INCLUDE_LIST_CONFIG, NULL);
    size_t nexclude = sluice_config_get_list(config, JDBC_TABLE_EXCLUDE_LIST_CONFIG, NULL);
    const char *const *ts_cols;
    size_t nts = sluice_config_get_list(config, JDBC_TIMESTAMP_COLUMN_CONFIG, &ts_cols);

    if (!mode || !*mode) {
        add(arg, JDBC_MODE_CONFIG,
            "mode must be one of bulk, timestamp, incrementing, timestamp+incrementing");
        problems++;
    } else if (jdbc_mode_uses_timestamp(mode) && nts == 0) {
        add(arg, JDBC_TIMESTAMP_COLUMN_CONFIG,
            "timestamp.column.name is required in timestamp and timestamp+incrementing modes");
        problems++;
    }
    if (nwhite && nblack) {
        add(arg, JDBC_TABLE_WHITELIST_CONFIG,
            "table.whitelist and table.blacklist cannot be used together");
        add(arg, JDBC_TABLE_BLACKLIST_CONFIG,
            "table.whitelist and table.blacklist cannot be used together");
        problems++;
    }
    if ((ninclude || nexclude) && (nwhite || nblack)) {
        add(arg, JDBC_TABLE_INCLUDE_LIST_CONFIG,
            "table.include.list/table.exclude.list cannot be combined with "
            "table.whitelist/table.blacklist");
        problems++;
    }
    if (nexclude && !ninclude) {
        add(arg, JDBC_TABLE_EXCLUDE_LIST_CONFIG, "table.exclude.list needs table.include.list");
        problems++;
    }
    if (query && *query && (nwhite || nblack || ninclude || nexclude)) {
        add(arg, JDBC_QUERY_CONFIG,
            "query cannot be combined with table.whitelist, table.blacklist, "
            "table.include.list or table.exclude.list");
        problems++;
    }
    return problems;
}

static void add_to_errstr(void *arg, const char *key, const char *msg)
{
    (void)key;
    char **acc = arg;
    if (!*acc)
        *acc = jdbc_strdup(msg);
}

static void *monitor_main(void *arg)
{
    jdbc_source_connector_t *c = arg;
    long interval = (long)sluice_config_get_long(c->config, JDBC_TABLE_POLL_INTERVAL_CONFIG);
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += interval / 1000;
        deadline.tv_nsec += (interval % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        int rc = 0;
        while (!c->stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&c->cond, &c->lock, &deadline);
        if (c->stopping)
            break;
        pthread_mutex_unlock(&c->lock);

        char err[1024];
        jdbc_strv_t now = {0};
        sluice_result_t r = jdbc_source_list_tables(c->conn, c->config, &now, err, sizeof err);
        bool changed = false;
        pthread_mutex_lock(&c->lock);
        if (r != SLUICE_OK) {
            sluice_log(c->ctx, SLUICE_LOG_WARN, "Could not look for new or dropped tables: %s",
                       err);
        } else if (!jdbc_strv_equal(&now, &c->tables)) {
            jdbc_strv_clear(&c->tables);
            c->tables = now;
            now = (jdbc_strv_t){0};
            changed = true;
        }
        jdbc_strv_clear(&now);
        if (changed && !c->stopping) {
            sluice_log(c->ctx, SLUICE_LOG_INFO,
                       "The set of tables changed (%zu now); reconfiguring the tasks",
                       c->tables.count);
            pthread_mutex_unlock(&c->lock);
            sluice_ctx_request_reconfiguration(c->ctx);
            pthread_mutex_lock(&c->lock);
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

static void connector_destroy(void *self)
{
    jdbc_source_connector_t *c = self;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    atomic_store(&c->stop, 1);
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    if (c->monitor_started)
        pthread_join(c->monitor, NULL);
    jdbc_conn_destroy(c->conn);
    jdbc_strv_clear(&c->tables);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static sluice_result_t connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                       void **self, char *errstr, size_t errstr_size)
{
    char *problem = NULL;
    if (check_rules(config, add_to_errstr, &problem)) {
        snprintf(errstr, errstr_size, "%s", problem);
        free(problem);
        return SLUICE_FATAL;
    }
    jdbc_source_connector_t *c = jdbc_calloc(1, sizeof *c);
    c->ctx = ctx;
    c->config = config;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    const char *query = sluice_config_get_string(config, JDBC_QUERY_CONFIG);
    c->query_mode = query && *query;
    c->conn = jdbc_conn_new(config, ctx, &c->stop, errstr, errstr_size);
    if (!c->conn)
        goto fail_fatal;
    if (c->query_mode) {
        *self = c;
        return SLUICE_OK;
    }
    const char *schema_pattern = sluice_config_get_string(config, JDBC_SCHEMA_PATTERN_CONFIG);
    if (schema_pattern)
        sluice_log(ctx, SLUICE_LOG_WARN,
                   "schema.pattern=%s has no effect: MySQL's databases are catalogs and hold no "
                   "schemas (use catalog.pattern)",
                   schema_pattern);
    sluice_result_t r = jdbc_source_list_tables(c->conn, config, &c->tables, errstr, errstr_size);
    if (r != SLUICE_OK) {
        connector_destroy(c);
        return r;
    }
    if (c->tables.count == 0)
        sluice_log(ctx, SLUICE_LOG_WARN, "No tables to copy on %s", jdbc_conn_where(c->conn));
    if (pthread_create(&c->monitor, NULL, monitor_main, c) == 0)
        c->monitor_started = true;
    *self = c;
    return SLUICE_OK;

fail_fatal:
    connector_destroy(c);
    return SLUICE_FATAL;
}

/* Copies the connector's own properties into a task config. */
static sluice_strmap_t *task_config_new(jdbc_source_connector_t *c, sluice_task_configs_t *out)
{
    sluice_strmap_t *task = sluice_task_configs_add(out);
    const sluice_strmap_t *props = sluice_config_originals(c->config);
    for (size_t i = 0; i < sluice_strmap_count(props); i++)
        sluice_strmap_set(task, sluice_strmap_key_at(props, i), sluice_strmap_value_at(props, i));
    return task;
}

static sluice_result_t connector_task_configs(void *self, int max_tasks, sluice_task_configs_t *out,
                                              char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    jdbc_source_connector_t *c = self;
    if (c->query_mode) {
        task_config_new(c, out);
        return SLUICE_OK;
    }
    pthread_mutex_lock(&c->lock);
    size_t n = c->tables.count;
    size_t groups = max_tasks < 1 ? 1 : (size_t)max_tasks;
    if (groups > n)
        groups = n;
    /* Contiguous groups, the first ones one table larger (groupPartitions). */
    size_t start = 0;
    for (size_t g = 0; g < groups; g++) {
        size_t size = n / groups + (g < n % groups ? 1 : 0);
        sluice_buf_t *list = sluice_buf_new();
        for (size_t i = start; i < start + size; i++) {
            if (i > start)
                sluice_buf_putc(list, ',');
            sluice_buf_puts(list, c->tables.items[i]);
        }
        start += size;
        sluice_strmap_t *task = task_config_new(c, out);
        sluice_strmap_set(task, JDBC_TABLES_CONFIG, sluice_buf_data(list));
        sluice_buf_destroy(list);
    }
    pthread_mutex_unlock(&c->lock);
    return SLUICE_OK;
}

/* ---- validate ---------------------------------------------------------------- */

static void add_validation_error(void *arg, const char *key, const char *msg)
{
    sluice_config_validation_add_error(arg, key, "%s", msg);
}

/* Whether table db.table has column (case-insensitive, as MySQL), and
 * whether it is nullable. -1 on a query error. */
static int column_info(MYSQL *mysql, const char *db, const char *table, const char *column,
                       bool *nullable)
{
    const char *sql = "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE "
                      "TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?";
    MYSQL_STMT *stmt = mysql_stmt_init(mysql);
    if (!stmt)
        return -1;
    int found = -1;
    MYSQL_BIND in[3] = {0};
    const char *vals[3] = {db, table, column};
    unsigned long lens[3];
    for (int i = 0; i < 3; i++) {
        lens[i] = (unsigned long)strlen(vals[i]);
        in[i].buffer_type = MYSQL_TYPE_STRING;
        in[i].buffer = (void *)vals[i];
        in[i].buffer_length = lens[i];
        in[i].length = &lens[i];
    }
    char yes[8] = "";
    unsigned long yes_len = 0;
    MYSQL_BIND outb = {.buffer_type = MYSQL_TYPE_STRING,
                       .buffer = yes,
                       .buffer_length = sizeof yes - 1,
                       .length = &yes_len};
    if (mysql_stmt_prepare(stmt, sql, strlen(sql)) == 0 && mysql_stmt_bind_param(stmt, in) == 0 &&
        mysql_stmt_execute(stmt) == 0 && mysql_stmt_bind_result(stmt, &outb) == 0) {
        int rc = mysql_stmt_fetch(stmt);
        found = (rc == 0 || rc == MYSQL_DATA_TRUNCATED) ? 1 : 0;
        if (found)
            *nullable = strncasecmp(yes, "YES", 3) == 0;
        while (rc == 0 || rc == MYSQL_DATA_TRUNCATED)
            rc = mysql_stmt_fetch(stmt);
    }
    mysql_stmt_close(stmt);
    return found;
}

static void validate_tables(const sluice_config_t *config, jdbc_conn_t *conn,
                            sluice_config_validation_t *result)
{
    char err[1024];
    jdbc_strv_t tables = {0};
    if (jdbc_source_list_tables(conn, config, &tables, err, sizeof err) != SLUICE_OK) {
        sluice_config_validation_add_error(result, JDBC_CONNECTION_URL_CONFIG, "%s", err);
        return;
    }
    /* Every whitelisted table must exist. */
    const char *const *white;
    size_t nwhite = sluice_config_get_list(config, JDBC_TABLE_WHITELIST_CONFIG, &white);
    for (size_t i = 0; i < nwhite; i++) {
        bool found = false;
        for (size_t t = 0; t < tables.count && !found; t++) {
            const char *dot = strchr(tables.items[t], '.');
            found =
                strcmp(tables.items[t], white[i]) == 0 || (dot && strcmp(dot + 1, white[i]) == 0);
        }
        if (!found)
            sluice_config_validation_add_error(result, JDBC_TABLE_WHITELIST_CONFIG,
                                               "Table %s does not exist on %s", white[i],
                                               jdbc_conn_where(conn));
    }
    const char *mode = sluice_config_get_string(config, JDBC_MODE_CONFIG);
    bool check_null = sluice_config_get_bool(config, JDBC_VALIDATE_NON_NULL_CONFIG);
    const char *inc = sluice_config_get_string(config, JDBC_INCREMENTING_COLUMN_CONFIG);
    const char *const *ts;
    size_t nts = sluice_config_get_list(config, JDBC_TIMESTAMP_COLUMN_CONFIG, &ts);
    for (size_t t = 0; t < tables.count && mode; t++) {
        char *db, *table;
        jdbc_split_fqn(tables.items[t], &db, &table);
        MYSQL *mysql = jdbc_conn_mysql(conn);
        if (jdbc_mode_uses_incrementing(mode) && inc && *inc) {
            bool nullable = false;
            int f = column_info(mysql, db, table, inc, &nullable);
            if (f == 0)
                sluice_config_validation_add_error(
                    result, JDBC_INCREMENTING_COLUMN_CONFIG,
                    "Incrementing column %s does not exist in table %s", inc, tables.items[t]);
            else if (f > 0 && nullable && check_null)
                sluice_config_validation_add_error(
                    result, JDBC_INCREMENTING_COLUMN_CONFIG,
                    "Cannot make incremental queries using incrementing column %s on %s because "
                    "this column is nullable.",
                    inc, tables.items[t]);
        }
        for (size_t i = 0; jdbc_mode_uses_timestamp(mode) && i < nts; i++) {
            bool nullable = false;
            int f = column_info(mysql, db, table, ts[i], &nullable);
            if (f == 0)
                sluice_config_validation_add_error(result, JDBC_TIMESTAMP_COLUMN_CONFIG,
                                                   "Timestamp column %s does not exist in table %s",
                                                   ts[i], tables.items[t]);
            else if (f > 0 && nullable && check_null)
                sluice_config_validation_add_error(
                    result, JDBC_TIMESTAMP_COLUMN_CONFIG,
                    "Cannot make incremental queries using timestamp column %s on %s because "
                    "this column is nullable.",
                    ts[i], tables.items[t]);
        }
        free(db);
        free(table);
    }
    jdbc_strv_clear(&tables);
}

static void connector_validate(const sluice_strmap_t *props, sluice_config_validation_t *result)
{
    char err[1024];
    sluice_config_t *config = sluice_config_new(jdbc_source_config, props, err, sizeof err);
    if (!config)
        return; /* the runtime reports the per-key errors */
    if (check_rules(config, add_validation_error, result)) {
        sluice_config_destroy(config);
        return;
    }
    /* One attempt, no backoff: validate answers a REST call. */
    jdbc_conn_t *conn = jdbc_conn_new_from(
        sluice_config_get_string(config, JDBC_CONNECTION_URL_CONFIG),
        sluice_config_get_string(config, JDBC_CONNECTION_USER_CONFIG),
        sluice_config_get_password(config, JDBC_CONNECTION_PASSWORD_CONFIG), 1, 0,
        sluice_config_get_string(config, JDBC_DB_TIMEZONE_CONFIG), NULL, NULL, err, sizeof err);
    if (!conn) {
        sluice_config_validation_add_error(result, JDBC_CONNECTION_URL_CONFIG, "%s", err);
    } else if (jdbc_conn_open(conn, err, sizeof err) != SLUICE_OK) {
        unsigned int e = jdbc_conn_last_errno(conn);
        /* Credentials go to the user and password keys, the rest to the URL. */
        if (e == 1045 || e == 1698) {
            sluice_config_validation_add_error(result, JDBC_CONNECTION_USER_CONFIG, "%s", err);
            sluice_config_validation_add_error(result, JDBC_CONNECTION_PASSWORD_CONFIG, "%s", err);
        } else {
            sluice_config_validation_add_error(result, JDBC_CONNECTION_URL_CONFIG, "%s", err);
        }
    } else {
        const char *query = sluice_config_get_string(config, JDBC_QUERY_CONFIG);
        if (!query || !*query)
            validate_tables(config, conn, result);
    }
    jdbc_conn_destroy(conn);
    sluice_config_destroy(config);
}

const sluice_connector_ops_t jdbc_source_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = connector_start,
    .task_configs = connector_task_configs,
    .destroy = connector_destroy,
    .validate = connector_validate,
};

static const char *const jdbc_source_aliases[] = {"JdbcSourceConnector", NULL};

const sluice_class_t jdbc_source_connector_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SOURCE_CONNECTOR,
    .name = "io.confluent.connect.jdbc.JdbcSourceConnector",
    .aliases = jdbc_source_aliases,
    .version = JDBC_CONNECTORS_VERSION,
    .doc = "Copies rows of MySQL/MariaDB tables or of a query to Kafka topics",
    .config = jdbc_source_config,
    .connector = &jdbc_source_connector_ops,
    .source_task = &jdbc_source_task_ops,
    .task_config = jdbc_source_task_config,
};
