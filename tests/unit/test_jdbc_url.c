/* The JDBC connectors' URL parsing, password masking and time zone
 * arithmetic (plugins/jdbc/jdbc_url.c, jdbc_conn.c), without a server. */
#include <stdlib.h>
#include <string.h>

#include "../../plugins/jdbc/jdbc_conn.h"
#include "../../plugins/jdbc/jdbc_tz.h"
#include "../../plugins/jdbc/jdbc_url.h"
#include "test_util.h"

static jdbc_url_t *parse(const char *text, const char *user, const char *password)
{
    char err[512] = "";
    jdbc_url_t *url = jdbc_url_parse(text, user, password, err, sizeof err);
    if (!url)
        fprintf(stderr, "\n  parse(%s): %s\n", text, err);
    return url;
}

static void test_seed_url(void)
{
    jdbc_url_t *url =
        parse("jdbc:mysql://localhost:3306/connector?user=root&password=isea", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->scheme, "mysql");
    CU_ASSERT_STRING_EQUAL(url->host, "localhost");
    CU_ASSERT_EQUAL(url->port, 3306);
    CU_ASSERT_STRING_EQUAL(url->database, "connector");
    CU_ASSERT_STRING_EQUAL(url->user, "root");
    CU_ASSERT_STRING_EQUAL(url->password, "isea");
    CU_ASSERT_EQUAL(url->param_count, 2);
    jdbc_url_destroy(url);
}

static void test_defaults_and_mariadb(void)
{
    jdbc_url_t *url = parse("jdbc:mariadb://db.example.com/shop", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->scheme, "mariadb");
    CU_ASSERT_STRING_EQUAL(url->host, "db.example.com");
    CU_ASSERT_EQUAL(url->port, 3306);
    CU_ASSERT_STRING_EQUAL(url->database, "shop");
    CU_ASSERT_PTR_NULL(url->user);
    CU_ASSERT_PTR_NULL(url->password);
    jdbc_url_destroy(url);

    url = parse("jdbc:mysql://127.0.0.1:3307", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_EQUAL(url->port, 3307);
    CU_ASSERT_STRING_EQUAL(url->database, "");
    jdbc_url_destroy(url);

    url = parse("jdbc:mysql://[::1]:3310/d", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->host, "::1");
    CU_ASSERT_EQUAL(url->port, 3310);
    jdbc_url_destroy(url);
}

static void test_decoding_and_userinfo(void)
{
    jdbc_url_t *url =
        parse("jdbc:mysql://h/d?user=a%20b&password=p%26w%3D1&useSSL=false", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->user, "a b");
    CU_ASSERT_STRING_EQUAL(url->password, "p&w=1");
    CU_ASSERT_STRING_EQUAL(jdbc_url_param(url, "usessl"), "false");
    CU_ASSERT_PTR_NULL(jdbc_url_param(url, "missing"));
    jdbc_url_destroy(url);

    url = parse("jdbc:mariadb://bob:s%40cret@h:3400/d", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->user, "bob");
    CU_ASSERT_STRING_EQUAL(url->password, "s@cret");
    CU_ASSERT_STRING_EQUAL(url->host, "h");
    CU_ASSERT_EQUAL(url->port, 3400);
    jdbc_url_destroy(url);
}

/* connection.user / connection.password replace what the URL says. */
static void test_config_credentials_win(void)
{
    jdbc_url_t *url = parse("jdbc:mysql://h/d?user=u1&password=p1", "u2", "p2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->user, "u2");
    CU_ASSERT_STRING_EQUAL(url->password, "p2");
    jdbc_url_destroy(url);

    url = parse("jdbc:mysql://h/d?user=u1&password=p1", "", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(url);
    CU_ASSERT_STRING_EQUAL(url->user, "u1");
    CU_ASSERT_STRING_EQUAL(url->password, "p1");
    jdbc_url_destroy(url);
}

static void test_bad_urls_hide_password(void)
{
    char err[512];
    CU_ASSERT_PTR_NULL(
        jdbc_url_parse("jdbc:postgresql://h/d?password=topsecret", NULL, NULL, err, sizeof err));
    ASSERT_CONTAINS(err, "not a MySQL/MariaDB JDBC URL");
    CU_ASSERT_PTR_NULL(strstr(err, "topsecret"));
    ASSERT_CONTAINS(err, "password=****");

    CU_ASSERT_PTR_NULL(jdbc_url_parse("jdbc:mysql://h:99999/d", NULL, NULL, err, sizeof err));
    ASSERT_CONTAINS(err, "invalid port");
    CU_ASSERT_PTR_NULL(jdbc_url_parse("jdbc:mysql://h:x/d", NULL, NULL, err, sizeof err));
    ASSERT_CONTAINS(err, "invalid port");
    CU_ASSERT_PTR_NULL(jdbc_url_parse("", NULL, NULL, err, sizeof err));
    CU_ASSERT_PTR_NULL(jdbc_url_parse("mysql://h/d", NULL, NULL, err, sizeof err));
}

static void check_mask(const char *in, const char *want)
{
    char *got = jdbc_url_mask(in);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\n  mask(%s) = %s, want %s\n", in, got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void test_mask(void)
{
    check_mask("jdbc:mysql://localhost:3306/connector?user=root&password=isea",
               "jdbc:mysql://localhost:3306/connector?user=root&password=****");
    check_mask("jdbc:mysql://h/d?password=&user=x", "jdbc:mysql://h/d?password=****&user=x");
    check_mask("jdbc:mysql://h/d?trustStorePassword=abc&PASSWORD=def&user=p",
               "jdbc:mysql://h/d?trustStorePassword=****&PASSWORD=****&user=p");
    check_mask("jdbc:mariadb://bob:secret@h:1/d", "jdbc:mariadb://bob:****@h:1/d");
    check_mask("jdbc:mysql://h/d", "jdbc:mysql://h/d");
    CU_ASSERT_PTR_NULL(jdbc_url_mask(NULL));
}

static void test_timezone(void)
{
    long off = 1;
    CU_ASSERT_TRUE(jdbc_timezone_offset("UTC", &off));
    CU_ASSERT_EQUAL(off, 0);
    CU_ASSERT_TRUE(jdbc_timezone_offset("+02:00", &off));
    CU_ASSERT_EQUAL(off, 7200);
    CU_ASSERT_TRUE(jdbc_timezone_offset("GMT-05:30", &off));
    CU_ASSERT_EQUAL(off, -(5 * 3600 + 1800));
    CU_ASSERT_FALSE(jdbc_timezone_offset("Europe/Paris", &off));
    CU_ASSERT_FALSE(jdbc_timezone_offset("+25:00", &off));
    char err[256];
    CU_ASSERT_EQUAL(jdbc_conn_check_timezone("db.timezone", "Mars/Base", err, sizeof err), -1);
    ASSERT_CONTAINS(err, "db.timezone");
}

/* The seed example's timestamp, 2019-09-04 16:43:24 UTC = 1567615404000. */
static void test_time_conversion(void)
{
    MYSQL_TIME t = {.year = 2019,
                    .month = 9,
                    .day = 4,
                    .hour = 16,
                    .minute = 43,
                    .second = 24,
                    .time_type = MYSQL_TIMESTAMP_DATETIME};
    CU_ASSERT_EQUAL(jdbc_time_to_epoch_ms(&t, 0), 1567615404000LL);
    t.hour = 18;
    CU_ASSERT_EQUAL(jdbc_time_to_epoch_ms(&t, 7200), 1567615404000LL);

    MYSQL_TIME back;
    jdbc_epoch_ms_to_time(1567615404123LL, 0, &back);
    CU_ASSERT_EQUAL(back.year, 2019);
    CU_ASSERT_EQUAL(back.month, 9);
    CU_ASSERT_EQUAL(back.day, 4);
    CU_ASSERT_EQUAL(back.hour, 16);
    CU_ASSERT_EQUAL(back.second_part, 123000);
    jdbc_epoch_ms_to_time(-1, 0, &back); /* 1969-12-31 23:59:59.999 */
    CU_ASSERT_EQUAL(back.year, 1969);
    CU_ASSERT_EQUAL(back.day, 31);
    CU_ASSERT_EQUAL(back.second, 59);
    CU_ASSERT_EQUAL(back.second_part, 999000);
    CU_ASSERT_EQUAL(jdbc_time_to_epoch_ms(&back, 0), -1);

    MYSQL_TIME d = {.year = 2000, .month = 3, .day = 1, .time_type = MYSQL_TIMESTAMP_DATE};
    CU_ASSERT_EQUAL(jdbc_time_to_epoch_ms(&d, 3600), 951868800000LL); /* dates ignore the zone */
    MYSQL_TIME tm = {.hour = 1,
                     .minute = 2,
                     .second = 3,
                     .second_part = 4000,
                     .time_type = MYSQL_TIMESTAMP_TIME};
    CU_ASSERT_EQUAL(jdbc_time_to_epoch_ms(&tm, 0), 3723004);
}

/* Europe/Paris: CET (+1) in winter, CEST (+2) from the last Sunday of March
 * 01:00 UTC to the last Sunday of October 01:00 UTC. */
static void test_named_zone(void)
{
    char err[256];
    CU_ASSERT_EQUAL(jdbc_conn_check_timezone("db.timezone", "Europe/Paris", err, sizeof err), 0);
    CU_ASSERT_EQUAL(jdbc_conn_check_timezone("db.timezone", "../etc/passwd", err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(jdbc_tz_load("No/Such_Zone", err, sizeof err));
    ASSERT_CONTAINS(err, "No/Such_Zone");

    jdbc_tz_t *tz = jdbc_tz_load("Europe/Paris", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tz);
    CU_ASSERT_EQUAL(jdbc_tz_offset_at_utc(tz, 1704067200), 3600); /* 2024-01-01 */
    CU_ASSERT_EQUAL(jdbc_tz_offset_at_utc(tz, 1719792000), 7200); /* 2024-07-01 */
    CU_ASSERT_EQUAL(jdbc_tz_offset_at_utc(tz, 1711846799), 3600); /* 2024-03-31 00:59:59Z */
    CU_ASSERT_EQUAL(jdbc_tz_offset_at_utc(tz, 1711846800), 7200); /* 01:00:00Z */
    /* Local 2024-03-31 02:30 does not exist: resolved with the offset before the gap. */
    CU_ASSERT_EQUAL(jdbc_tz_offset_for_local(tz, 1711852200), 3600);
    /* Local 2024-10-27 02:30 happens twice: the earlier instant (+2). */
    CU_ASSERT_EQUAL(jdbc_tz_offset_for_local(tz, 1729996200), 7200);
    CU_ASSERT_EQUAL(jdbc_tz_offset_for_local(tz, 1719792000), 7200);
    jdbc_tz_destroy(tz);

    /* Through a connection object: epoch <-> wall time in the zone. */
    jdbc_conn_t *conn = jdbc_conn_new_from("jdbc:mysql://h/d", NULL, NULL, 1, 0, "America/New_York",
                                           NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conn);
    MYSQL_TIME t;
    jdbc_conn_epoch_ms_to_time(conn, 1719792000000LL, &t); /* 2024-07-01T00:00Z = 20:00 EDT */
    CU_ASSERT_EQUAL(t.day, 30);
    CU_ASSERT_EQUAL(t.hour, 20);
    CU_ASSERT_EQUAL(jdbc_conn_time_to_epoch_ms(conn, &t), 1719792000000LL);
    jdbc_conn_destroy(conn);
}

static void test_quote_ident(void)
{
    char *q = jdbc_quote_ident("we`ird");
    CU_ASSERT_STRING_EQUAL(q, "`we``ird`");
    free(q);
}

void test_register(void)
{
    TEST_SUITE("jdbc_url", {"seed url", test_seed_url},
               {"defaults and mariadb", test_defaults_and_mariadb},
               {"decoding and userinfo", test_decoding_and_userinfo},
               {"config credentials win", test_config_credentials_win},
               {"bad urls hide the password", test_bad_urls_hide_password}, {"mask", test_mask});
    TEST_SUITE("jdbc_conn", {"time zones", test_timezone},
               {"time conversion", test_time_conversion}, {"named zones", test_named_zone},
               {"quote ident", test_quote_ident});
}
