/* jdbc_conn (plugins/jdbc) against a real, throwaway MariaDB server: the
 * session setup, retries, error messages without passwords, reconnecting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/jdbc/jdbc_conn.h"
#include "mariadb_harness.h"
#include "test_util.h"

static mariadb_harness_t *server;
static char url[256];
static char where[128];

static int suite_init(void)
{
    char err[512];
    server = mariadb_harness_start("s3cret", err, sizeof err);
    if (!server) {
        fprintf(stderr, "cannot start MariaDB: %s\n", err);
        return 1;
    }
    if (mariadb_harness_sql(server, "CREATE DATABASE shop; CREATE TABLE shop.t (a INT)") != 0)
        return 1;
    int port = mariadb_harness_port(server);
    snprintf(url, sizeof url, "jdbc:mysql://127.0.0.1:%d/shop?user=root&password=s3cret", port);
    snprintf(where, sizeof where, "127.0.0.1:%d/shop", port);
    return 0;
}

static int suite_clean(void)
{
    mariadb_harness_destroy(server);
    return 0;
}

/* The first column of the first row of a query, copied into out. */
static void query_one(jdbc_conn_t *conn, const char *sql, char *out, size_t size)
{
    out[0] = '\0';
    MYSQL *mysql = jdbc_conn_mysql(conn);
    CU_ASSERT_EQUAL_FATAL(mysql_query(mysql, sql), 0);
    MYSQL_RES *res = mysql_store_result(mysql);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    if (row && row[0])
        snprintf(out, size, "%s", row[0]);
    mysql_free_result(res);
}

static void test_session(void)
{
    char err[512], v[128];
    jdbc_conn_t *conn =
        jdbc_conn_new_from(url, NULL, NULL, 1, 0, "+02:00", NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    CU_ASSERT_STRING_EQUAL(jdbc_conn_where(conn), where);
    CU_ASSERT_EQUAL_FATAL(jdbc_conn_open(conn, err, sizeof err), SLUICE_OK);
    query_one(conn, "SELECT @@session.time_zone", v, sizeof v);
    CU_ASSERT_STRING_EQUAL(v, "+02:00");
    query_one(conn, "SELECT @@character_set_connection", v, sizeof v);
    CU_ASSERT_STRING_EQUAL(v, "utf8mb4");
    query_one(conn, "SELECT DATABASE()", v, sizeof v);
    CU_ASSERT_STRING_EQUAL(v, "shop");
    CU_ASSERT_EQUAL(jdbc_conn_exec(conn, "INSERT INTO t VALUES (1)", err, sizeof err), SLUICE_OK);
    CU_ASSERT_EQUAL(jdbc_conn_exec(conn, "INSERT INTO nosuch VALUES (1)", err, sizeof err),
                    SLUICE_FATAL);
    ASSERT_CONTAINS(err, where);
    jdbc_conn_destroy(conn);
}

static void test_bad_password_is_fatal_and_hidden(void)
{
    char err[512];
    jdbc_conn_t *conn =
        jdbc_conn_new_from(url, NULL, "Wr0ngPass", 3, 10000, NULL, NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    int64_t start = test_now_ms();
    CU_ASSERT_EQUAL(jdbc_conn_open(conn, err, sizeof err), SLUICE_FATAL);
    CU_ASSERT(test_now_ms() - start < 5000); /* no backoff: retrying cannot help */
    ASSERT_CONTAINS(err, where);
    ASSERT_CONTAINS(err, "1045");
    CU_ASSERT_EQUAL(jdbc_conn_last_errno(conn), 1045);
    CU_ASSERT_PTR_NULL(strstr(err, "Wr0ngPass"));
    CU_ASSERT_PTR_NULL(strstr(err, "s3cret"));
    jdbc_conn_destroy(conn);
}

static void test_unreachable_retries_with_backoff(void)
{
    char err[512], dead[128];
    /* A port nothing listens on: the server's own port while it is stopped
     * would race with restarts, so take a fresh one. */
    snprintf(dead, sizeof dead, "jdbc:mariadb://127.0.0.1:1/shop?password=s3cret");
    jdbc_conn_t *conn =
        jdbc_conn_new_from(dead, "root", NULL, 3, 150, NULL, NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    int64_t start = test_now_ms();
    CU_ASSERT_EQUAL(jdbc_conn_open(conn, err, sizeof err), SLUICE_RETRY);
    int64_t took = test_now_ms() - start;
    CU_ASSERT(took >= 300); /* two backoffs between three attempts */
    ASSERT_CONTAINS(err, "127.0.0.1:1/shop");
    CU_ASSERT_PTR_NULL(strstr(err, "s3cret"));
    jdbc_conn_destroy(conn);
}

static void test_reconnect_after_server_restart(void)
{
    char err[512], v[32];
    jdbc_conn_t *conn =
        jdbc_conn_new_from(url, NULL, NULL, 20, 100, NULL, NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    CU_ASSERT_EQUAL_FATAL(jdbc_conn_open(conn, err, sizeof err), SLUICE_OK);
    bool reconnected = true;
    CU_ASSERT_EQUAL(jdbc_conn_ensure(conn, &reconnected, err, sizeof err), SLUICE_OK);
    CU_ASSERT_FALSE(reconnected);
    CU_ASSERT_EQUAL_FATAL(mariadb_harness_stop(server), 0);
    CU_ASSERT_EQUAL_FATAL(mariadb_harness_restart(server), 0);
    CU_ASSERT_EQUAL(jdbc_conn_ensure(conn, &reconnected, err, sizeof err), SLUICE_OK);
    CU_ASSERT_TRUE(reconnected);
    query_one(conn, "SELECT COUNT(*) FROM t", v, sizeof v);
    CU_ASSERT_STRING_EQUAL(v, "1");
    jdbc_conn_destroy(conn);
}

/* A zone name needs the server's time zone tables; with them, the session
 * runs in that zone and values convert with its daylight saving rules. */
static void test_named_zone(void)
{
    char err[512], v[64];
    jdbc_conn_t *conn =
        jdbc_conn_new_from(url, NULL, NULL, 3, 10000, "Europe/Paris", NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    CU_ASSERT_EQUAL(jdbc_conn_open(conn, err, sizeof err), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "mariadb-tzinfo-to-sql");
    ASSERT_CONTAINS(err, where);
    CU_ASSERT_EQUAL_FATAL(mariadb_harness_load_zone(server, "Europe/Paris"), 0);
    CU_ASSERT_EQUAL_FATAL(jdbc_conn_open(conn, err, sizeof err), SLUICE_OK);
    query_one(conn, "SELECT @@session.time_zone", v, sizeof v);
    CU_ASSERT_STRING_EQUAL(v, "Europe/Paris");
    /* The server and the connector agree on what summer wall time means. */
    query_one(conn, "SELECT UNIX_TIMESTAMP('2024-07-01 02:00:00')", v, sizeof v);
    CU_ASSERT_STRING_EQUAL(v, "1719792000");
    MYSQL_TIME t = {
        .year = 2024, .month = 7, .day = 1, .hour = 2, .time_type = MYSQL_TIMESTAMP_DATETIME};
    CU_ASSERT_EQUAL(jdbc_conn_time_to_epoch_ms(conn, &t), 1719792000000LL);
    jdbc_conn_destroy(conn);
}

static void test_disconnect_classification(void)
{
    CU_ASSERT_TRUE(jdbc_conn_errno_is_disconnect(2006));
    CU_ASSERT_TRUE(jdbc_conn_errno_is_disconnect(2013));
    CU_ASSERT_FALSE(jdbc_conn_errno_is_disconnect(1146));
    CU_ASSERT_EQUAL(jdbc_conn_result_for(1213), SLUICE_RETRY); /* deadlock */
    CU_ASSERT_EQUAL(jdbc_conn_result_for(1062), SLUICE_FATAL); /* duplicate key */
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("jdbc_conn with MariaDB", suite_init, suite_clean);
    CU_add_test(s, "session setup", test_session);
    CU_add_test(s, "bad password", test_bad_password_is_fatal_and_hidden);
    CU_add_test(s, "unreachable server", test_unreachable_retries_with_backoff);
    CU_add_test(s, "reconnect after a restart", test_reconnect_after_server_restart);
    CU_add_test(s, "named time zone", test_named_zone);
    CU_add_test(s, "error classification", test_disconnect_classification);
}
