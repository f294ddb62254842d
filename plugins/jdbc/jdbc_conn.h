/*
 * One connection to MySQL/MariaDB, opened from the connectors' common
 * config keys, with Confluent's retry policy (connection.attempts tries,
 * connection.backoff.ms apart), the session time zone from db.timezone and
 * utf8mb4. Every error message names host:port/database and never the
 * password. A jdbc_conn_t is used by one thread at a time.
 */
#ifndef PLUGINS_JDBC_JDBC_CONN_H
#define PLUGINS_JDBC_JDBC_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>
#include <sluice/sluice.h>

#include "jdbc_url.h"

/* Confluent's names for the keys both connectors share. */
#define JDBC_CONNECTION_URL_CONFIG "connection.url"
#define JDBC_CONNECTION_USER_CONFIG "connection.user"
#define JDBC_CONNECTION_PASSWORD_CONFIG "connection.password"
#define JDBC_CONNECTION_ATTEMPTS_CONFIG "connection.attempts"
#define JDBC_CONNECTION_BACKOFF_CONFIG "connection.backoff.ms"
#define JDBC_DB_TIMEZONE_CONFIG "db.timezone"

/*
 * The shared keys as config table entries (group "Database"); put
 * JDBC_CONNECTION_CONFIG_KEYS at the top of a connector's table.
 */
#define JDBC_CONNECTION_CONFIG_KEYS                                                                \
    {.name = JDBC_CONNECTION_URL_CONFIG,                                                           \
     .type = SLUICE_CONFIG_STRING,                                                                 \
     .required = true,                                                                             \
     .importance = SLUICE_IMPORTANCE_HIGH,                                                         \
     .group = "Database",                                                                          \
     .order_in_group = 1,                                                                          \
     .display_name = "JDBC URL",                                                                   \
     .doc = "JDBC URL of the database, for example jdbc:mysql://localhost:3306/db?user=u. "        \
            "jdbc:mysql:// and jdbc:mariadb:// URLs are understood."},                             \
        {.name = JDBC_CONNECTION_USER_CONFIG,                                                      \
         .type = SLUICE_CONFIG_STRING,                                                             \
         .importance = SLUICE_IMPORTANCE_HIGH,                                                     \
         .group = "Database",                                                                      \
         .order_in_group = 2,                                                                      \
         .display_name = "JDBC User",                                                              \
         .doc = "Database user name; when set it replaces a user given in the URL."},              \
        {.name = JDBC_CONNECTION_PASSWORD_CONFIG,                                                  \
         .type = SLUICE_CONFIG_PASSWORD,                                                           \
         .importance = SLUICE_IMPORTANCE_HIGH,                                                     \
         .group = "Database",                                                                      \
         .order_in_group = 3,                                                                      \
         .display_name = "JDBC Password",                                                          \
         .doc = "Database password; when set it replaces a password given in the URL."},           \
        {.name = JDBC_CONNECTION_ATTEMPTS_CONFIG,                                                  \
         .type = SLUICE_CONFIG_INT,                                                                \
         .default_value = "3",                                                                     \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Database",                                                                      \
         .order_in_group = 4,                                                                      \
         .display_name = "JDBC connection attempts",                                               \
         .validator = SLUICE_AT_LEAST(1),                                                          \
         .doc = "How many times to try to open a connection before giving up."},                   \
        {.name = JDBC_CONNECTION_BACKOFF_CONFIG,                                                   \
         .type = SLUICE_CONFIG_LONG,                                                               \
         .default_value = "10000",                                                                 \
         .importance = SLUICE_IMPORTANCE_LOW,                                                      \
         .group = "Database",                                                                      \
         .order_in_group = 5,                                                                      \
         .display_name = "JDBC connection backoff (millis)",                                       \
         .validator = SLUICE_AT_LEAST(0),                                                          \
         .doc = "Milliseconds to wait between two connection attempts."},                          \
    {                                                                                              \
        .name = JDBC_DB_TIMEZONE_CONFIG, .type = SLUICE_CONFIG_STRING, .default_value = "UTC",     \
        .importance = SLUICE_IMPORTANCE_MEDIUM, .group = "Database", .order_in_group = 6,          \
        .display_name = "DB time zone", .validator = SLUICE_CHECK(jdbc_conn_check_timezone),       \
        .doc = "Time zone of the database session, in which DATETIME and TIMESTAMP values are "    \
               "read and written: UTC, a fixed offset such as +02:00, or a zone name such as "     \
               "Europe/Paris (the server needs its time zone tables for names)."                   \
    }

/* Validator for db.timezone: "UTC", a ±HH:MM offset, or a zone name with a
 * file under /usr/share/zoneinfo. */
int jdbc_conn_check_timezone(const char *name, const char *value, char *errstr, size_t errstr_size);

typedef struct jdbc_conn jdbc_conn_t;

/*
 * Reads the shared keys from config and parses the URL; does not connect.
 * ctx (may be NULL) is used for logging and must outlive the connection.
 * stop (may be NULL) cuts connection backoffs short once set to non-zero,
 * from any thread. Returns NULL with errstr on a malformed URL.
 */
jdbc_conn_t *jdbc_conn_new(const sluice_config_t *config, const sluice_ctx_t *ctx,
                           const atomic_int *stop, char *errstr, size_t errstr_size);

/* The same from plain values (validate callbacks, tests). user/password may
 * be NULL; timezone NULL means UTC. */
jdbc_conn_t *jdbc_conn_new_from(const char *url, const char *user, const char *password,
                                int attempts, long backoff_ms, const char *timezone,
                                const sluice_ctx_t *ctx, const atomic_int *stop, char *errstr,
                                size_t errstr_size);

/* Closes the connection, if open, and frees conn. NULL does nothing. */
void jdbc_conn_destroy(jdbc_conn_t *conn);

/*
 * Opens the connection if it is not open, trying up to connection.attempts
 * times. Returns SLUICE_OK, SLUICE_RETRY when the server could not be
 * reached (or stop was set), SLUICE_FATAL when it refused the credentials or
 * the database (retrying cannot help); errstr names host:port/db.
 */
sluice_result_t jdbc_conn_open(jdbc_conn_t *conn, char *errstr, size_t errstr_size);

/*
 * Makes sure the connection is usable: pings it and, when the server went
 * away, closes it and opens a new one (statements prepared on the old one
 * are gone: callers re-prepare after *reconnected is set). reconnected may
 * be NULL. Returns as jdbc_conn_open.
 */
sluice_result_t jdbc_conn_ensure(jdbc_conn_t *conn, bool *reconnected, char *errstr,
                                 size_t errstr_size);

/* Closes the connection (it is reopened by the next open/ensure). */
void jdbc_conn_close(jdbc_conn_t *conn);

/* The open handle, or NULL while closed. */
MYSQL *jdbc_conn_mysql(jdbc_conn_t *conn);

/* "host:port/database", for messages. */
const char *jdbc_conn_where(const jdbc_conn_t *conn);

/* The parsed URL (credentials already resolved). */
const jdbc_url_t *jdbc_conn_url(const jdbc_conn_t *conn);

/* The session's time zone as configured (db.timezone). */
const char *jdbc_conn_timezone(const jdbc_conn_t *conn);

/*
 * Runs one statement that returns no rows (DDL, SET, COMMIT…). Returns
 * SLUICE_OK, or RETRY/FATAL per jdbc_conn_result_for with the message in
 * errstr as jdbc_conn_error writes it.
 */
sluice_result_t jdbc_conn_exec(jdbc_conn_t *conn, const char *sql, char *errstr,
                               size_t errstr_size);

/*
 * Writes "<what>: <server message> (error <n>) on host:port/db" into errstr
 * for the last error of the connection (or of stmt, when not NULL).
 */
void jdbc_conn_error(const jdbc_conn_t *conn, MYSQL_STMT *stmt, char *errstr, size_t errstr_size,
                     const char *what);

/* The MySQL error number of the last failed open (0 when none), e.g. 1045
 * for refused credentials. */
unsigned int jdbc_conn_last_errno(const jdbc_conn_t *conn);

/* Whether a MySQL error number means the connection or the server went away
 * (or a deadlock / lock wait): SLUICE_RETRY; else SLUICE_FATAL. */
sluice_result_t jdbc_conn_result_for(unsigned int mysql_errno);

/* Whether a MySQL error number means the connection is lost and must be
 * reopened (2006, 2013, 2055, 4031 …). */
bool jdbc_conn_errno_is_disconnect(unsigned int mysql_errno);

/*
 * Date-time values in the session's time zone. The session runs with
 * time_zone set to db.timezone, so the server hands out TIMESTAMP and
 * DATETIME values (and reads bound ones) as wall-clock time there; these
 * convert between that wall-clock time and epoch milliseconds.
 */
int64_t jdbc_conn_time_to_epoch_ms(const jdbc_conn_t *conn, const MYSQL_TIME *time);

/* Fills *time (MYSQL_TIMESTAMP_DATETIME, microseconds kept) for epoch_ms. */
void jdbc_conn_epoch_ms_to_time(const jdbc_conn_t *conn, int64_t epoch_ms, MYSQL_TIME *time);

/* The same for a zone offset in seconds east of UTC, without a connection. */
int64_t jdbc_time_to_epoch_ms(const MYSQL_TIME *time, long offset_s);
void jdbc_epoch_ms_to_time(int64_t epoch_ms, long offset_s, MYSQL_TIME *time);

/*
 * Parses a fixed db.timezone into seconds east of UTC: "UTC", "GMT", "Z",
 * "Etc/UTC", "+HH:MM", "-HH:MM", "UTC+HH:MM", "GMT-HH:MM". Returns false for
 * anything else (zone names go through jdbc_tz.h).
 */
bool jdbc_timezone_offset(const char *tz, long *offset_s);

/* Quotes an identifier with backticks (doubling embedded ones) into a new
 * malloc()ed string, for table and column names. */
char *jdbc_quote_ident(const char *ident);

#endif
