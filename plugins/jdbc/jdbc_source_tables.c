/*
 * Finding the tables a JdbcSourceConnector copies. MySQL calls databases
 * catalogs, so a table's fully qualified name is "database.table", which is
 * also what the offsets' source partition holds.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jdbc_common.h"
#include "jdbc_source.h"

void jdbc_strv_add(jdbc_strv_t *v, const char *s)
{
    v->items = jdbc_realloc(v->items, (v->count + 1) * sizeof *v->items);
    v->items[v->count++] = jdbc_strdup(s);
}

void jdbc_strv_clear(jdbc_strv_t *v)
{
    for (size_t i = 0; i < v->count; i++)
        free(v->items[i]);
    free(v->items);
    v->items = NULL;
    v->count = 0;
}

bool jdbc_strv_equal(const jdbc_strv_t *a, const jdbc_strv_t *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return false;
    return true;
}

void jdbc_split_fqn(const char *fqn, char **db, char **table)
{
    const char *dot = strchr(fqn, '.');
    if (!dot) {
        *db = jdbc_strdup("");
        *table = jdbc_strdup(fqn);
        return;
    }
    *db = jdbc_strndup(fqn, (size_t)(dot - fqn));
    *table = jdbc_strdup(dot + 1);
}

bool jdbc_mode_uses_timestamp(const char *mode)
{
    return strcmp(mode, JDBC_MODE_TIMESTAMP) == 0 ||
           strcmp(mode, JDBC_MODE_TIMESTAMP_INCREMENTING) == 0;
}

bool jdbc_mode_uses_incrementing(const char *mode)
{
    return strcmp(mode, JDBC_MODE_INCREMENTING) == 0 ||
           strcmp(mode, JDBC_MODE_TIMESTAMP_INCREMENTING) == 0;
}

/* A white/blacklist entry names a table either bare or as database.table. */
static bool in_name_list(const char *const *items, size_t n, const char *fqn, const char *table)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], fqn) == 0 || strcmp(items[i], table) == 0)
            return true;
    return false;
}

/* Whether one of the regexes matches the whole fqn; -1 on a bad regex. */
static int in_regex_list(const char *const *items, size_t n, const char *fqn, char *errstr,
                         size_t errstr_size, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(items[i]);
        char *anchored = jdbc_alloc(len + 5);
        snprintf(anchored, len + 5, "^(%s)$", items[i]);
        regex_t re;
        int rc = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB);
        free(anchored);
        if (rc != 0) {
            snprintf(errstr, errstr_size, "Invalid regular expression %s in %s", items[i], key);
            return -1;
        }
        rc = regexec(&re, fqn, 0, NULL, 0);
        regfree(&re);
        if (rc == 0)
            return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the SQL string literal for s (quotes and backslashes escaped). */
static void put_literal(sluice_buf_t *sql, MYSQL *mysql, const char *s)
{
    size_t n = strlen(s);
    char *esc = jdbc_alloc(2 * n + 1);
    mysql_real_escape_string(mysql, esc, s, (unsigned long)n);
    sluice_buf_printf(sql, "'%s'", esc);
    free(esc);
}

sluice_result_t jdbc_source_list_tables(jdbc_conn_t *conn, const sluice_config_t *config,
                                        jdbc_strv_t *out, char *errstr, size_t errstr_size)
{
    jdbc_strv_clear(out);
    sluice_result_t r = jdbc_conn_ensure(conn, NULL, errstr, errstr_size);
    if (r != SLUICE_OK)
        return r;
    MYSQL *mysql = jdbc_conn_mysql(conn);

    sluice_buf_t *sql = sluice_buf_new();
    sluice_buf_puts(sql, "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE ");
    const char *catalog = sluice_config_get_string(config, JDBC_CATALOG_PATTERN_CONFIG);
    if (catalog && *catalog) {
        sluice_buf_puts(sql, "TABLE_SCHEMA LIKE ");
        put_literal(sql, mysql, catalog);
    } else if (jdbc_conn_url(conn)->database[0]) {
        sluice_buf_puts(sql, "TABLE_SCHEMA = DATABASE()");
    } else {
        sluice_buf_puts(sql, "TABLE_SCHEMA NOT IN ('information_schema', 'mysql', "
                             "'performance_schema', 'sys')");
    }
    const char *const *types;
    size_t ntypes = sluice_config_get_list(config, JDBC_TABLE_TYPES_CONFIG, &types);
    sluice_buf_puts(sql, " AND TABLE_TYPE IN (");
    for (size_t i = 0; i < ntypes; i++) {
        /* JDBC's "TABLE" is information_schema's "BASE TABLE". */
        const char *t = strcasecmp(types[i], "TABLE") == 0 ? "BASE TABLE" : types[i];
        if (i)
            sluice_buf_putc(sql, ',');
        put_literal(sql, mysql, t);
    }
    sluice_buf_puts(sql, ntypes ? ")" : "'BASE TABLE')");

    if (mysql_real_query(mysql, sluice_buf_data(sql), sluice_buf_len(sql)) != 0) {
        jdbc_conn_error(conn, NULL, errstr, errstr_size, "cannot list tables");
        sluice_buf_destroy(sql);
        return jdbc_conn_result_for(mysql_errno(mysql));
    }
    sluice_buf_destroy(sql);
    MYSQL_RES *res = mysql_store_result(mysql);
    if (!res) {
        jdbc_conn_error(conn, NULL, errstr, errstr_size, "cannot list tables");
        return jdbc_conn_result_for(mysql_errno(mysql));
    }

    const char *const *white, *const *black, *const *include, *const *exclude;
    size_t nwhite = sluice_config_get_list(config, JDBC_TABLE_WHITELIST_CONFIG, &white);
    size_t nblack = sluice_config_get_list(config, JDBC_TABLE_BLACKLIST_CONFIG, &black);
    size_t ninclude = sluice_config_get_list(config, JDBC_TABLE_INCLUDE_LIST_CONFIG, &include);
    size_t nexclude = sluice_config_get_list(config, JDBC_TABLE_EXCLUDE_LIST_CONFIG, &exclude);
    MYSQL_ROW row;
    r = SLUICE_OK;
    while ((row = mysql_fetch_row(res)) != NULL) {
        const char *db = row[0] ? row[0] : "";
        const char *table = row[1] ? row[1] : "";
        size_t n = strlen(db) + strlen(table) + 2;
        char *fqn = jdbc_alloc(n);
        snprintf(fqn, n, "%s.%s", db, table);
        bool keep = true;
        if (nwhite)
            keep = in_name_list(white, nwhite, fqn, table);
        else if (nblack)
            keep = !in_name_list(black, nblack, fqn, table);
        if (keep && ninclude) {
            int m = in_regex_list(include, ninclude, fqn, errstr, errstr_size,
                                  JDBC_TABLE_INCLUDE_LIST_CONFIG);
            if (m == 0 || m < 0)
                keep = false;
            if (m < 0)
                r = SLUICE_FATAL;
        }
        if (keep && nexclude) {
            int m = in_regex_list(exclude, nexclude, fqn, errstr, errstr_size,
                                  JDBC_TABLE_EXCLUDE_LIST_CONFIG);
            if (m != 0)
                keep = false;
            if (m < 0)
                r = SLUICE_FATAL;
        }
        if (keep)
            jdbc_strv_add(out, fqn);
        free(fqn);
    }
    mysql_free_result(res);
    if (r != SLUICE_OK) {
        jdbc_strv_clear(out);
        return r;
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, cmp_str);
    return SLUICE_OK;
}
