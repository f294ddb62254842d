/*
 * Connections to MySQL/MariaDB for both JDBC connectors: retries as
 * Confluent's connection provider does them, one session setup (utf8mb4,
 * time zone, TCP like a JDBC driver), and error messages that name the
 * server but never the password.
 */
#include "jdbc_conn.h"

#include <ctype.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jdbc_common.h"
#include "jdbc_tz.h"

struct jdbc_conn {
    jdbc_url_t *url;
    char *where; /* host:port/db */
    char *timezone;
    long tz_offset_s;
    jdbc_tz_t *tz; /* a named zone; NULL for UTC or a fixed offset */
    int attempts;
    long backoff_ms;
    const sluice_ctx_t *ctx;
    const atomic_int *stop;
    MYSQL *mysql;
    unsigned int last_errno; /* of the last failed open */
};

bool jdbc_timezone_offset(const char *tz, long *offset_s)
{
    static const char *const utc_names[] = {"UTC",           "GMT",     "Z",         "Etc/UTC",
                                            "Etc/GMT",       "UCT",     "Universal", "Zulu",
                                            "Etc/Universal", "Etc/Zulu"};
    if (!tz)
        return false;
    for (size_t i = 0; i < sizeof utc_names / sizeof utc_names[0]; i++) {
        if (strcasecmp(tz, utc_names[i]) == 0) {
            *offset_s = 0;
            return true;
        }
    }
    const char *p = tz;
    if (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0)
        p += 3;
    if (*p != '+' && *p != '-')
        return false;
    int sign = *p == '-' ? -1 : 1;
    p++;
    int hh = 0, mm = 0, n = 0;
    while (isdigit((unsigned char)*p) && n < 2) {
        hh = hh * 10 + (*p++ - '0');
        n++;
    }
    if (n == 0)
        return false;
    if (*p == ':')
        p++;
    n = 0;
    while (isdigit((unsigned char)*p) && n < 2) {
        mm = mm * 10 + (*p++ - '0');
        n++;
    }
    if (*p != '\0' || n == 1 || hh > 14 || mm > 59)
        return false;
    *offset_s = sign * (hh * 3600L + mm * 60L);
    return true;
}

int jdbc_conn_check_timezone(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    long offset;
    if (value && jdbc_timezone_offset(value, &offset))
        return 0;
    char why[256];
    jdbc_tz_t *tz = jdbc_tz_load(value, why, sizeof why);
    if (tz) {
        jdbc_tz_destroy(tz);
        return 0;
    }
    snprintf(errstr, errstr_size,
             "Invalid time zone %s for configuration %s: %s (use a zone name such as "
             "Europe/Paris, UTC or a fixed offset such as +02:00)",
             value ? value : "null", name, why);
    return -1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

int64_t jdbc_time_to_epoch_ms(const MYSQL_TIME *t, long offset_s)
{
    if (t->time_type == MYSQL_TIMESTAMP_TIME) {
        int64_t ms = ((int64_t)t->day * 24 + t->hour) * 3600000LL + t->minute * 60000LL +
                     t->second * 1000LL + t->second_part / 1000;
        return t->neg ? -ms : ms;
    }
    int64_t days = days_from_civil(t->year, t->month ? t->month : 1, t->day ? t->day : 1);
    int64_t s = days * 86400 + t->hour * 3600LL + t->minute * 60LL + t->second;
    if (t->time_type != MYSQL_TIMESTAMP_DATE)
        s -= offset_s;
    return s * 1000 + (int64_t)(t->second_part / 1000);
}

void jdbc_epoch_ms_to_time(int64_t epoch_ms, long offset_s, MYSQL_TIME *t)
{
    memset(t, 0, sizeof *t);
    int64_t ms = epoch_ms + (int64_t)offset_s * 1000;
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t frac = ms - secs * 1000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    t->year = (unsigned)y;
    t->month = m;
    t->day = d;
    t->hour = (unsigned)(sod / 3600);
    t->minute = (unsigned)(sod / 60 % 60);
    t->second = (unsigned)(sod % 60);
    t->second_part = (unsigned long)frac * 1000;
    t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static int64_t floor_div_s(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int64_t jdbc_conn_time_to_epoch_ms(const jdbc_conn_t *conn, const MYSQL_TIME *time)
{
    if (!conn->tz || time->time_type == MYSQL_TIMESTAMP_DATE ||
        time->time_type == MYSQL_TIMESTAMP_TIME)
        return jdbc_time_to_epoch_ms(time, conn->tz_offset_s);
    int64_t local_ms = jdbc_time_to_epoch_ms(time, 0);
    long off = jdbc_tz_offset_for_local(conn->tz, floor_div_s(local_ms));
    return local_ms - (int64_t)off * 1000;
}

void jdbc_conn_epoch_ms_to_time(const jdbc_conn_t *conn, int64_t epoch_ms, MYSQL_TIME *time)
{
    long off =
        conn->tz ? jdbc_tz_offset_at_utc(conn->tz, floor_div_s(epoch_ms)) : conn->tz_offset_s;
    jdbc_epoch_ms_to_time(epoch_ms, off, time);
}

jdbc_conn_t *jdbc_conn_new_from(const char *url, const char *user, const char *password,
                                int attempts, long backoff_ms, const char *timezone,
                                const sluice_ctx_t *ctx, const atomic_int *stop, char *errstr,
                                size_t errstr_size)
{
    long offset = 0;
    jdbc_tz_t *tz = NULL;
    if (!timezone)
        timezone = "UTC";
    if (!jdbc_timezone_offset(timezone, &offset)) {
        char why[256];
        tz = jdbc_tz_load(timezone, why, sizeof why);
        if (!tz) {
            jdbc_conn_check_timezone(JDBC_DB_TIMEZONE_CONFIG, timezone, errstr, errstr_size);
            return NULL;
        }
    }
    jdbc_url_t *parsed = jdbc_url_parse(url, user, password, errstr, errstr_size);
    if (!parsed) {
        jdbc_tz_destroy(tz);
        return NULL;
    }
    jdbc_conn_t *conn = jdbc_calloc(1, sizeof *conn);
    conn->url = parsed;
    size_t n = strlen(parsed->host) + strlen(parsed->database) + 32;
    conn->where = jdbc_alloc(n);
    snprintf(conn->where, n, "%s:%u/%s", parsed->host, parsed->port, parsed->database);
    conn->timezone = jdbc_strdup(timezone);
    conn->tz_offset_s = offset;
    conn->tz = tz;
    conn->attempts = attempts < 1 ? 1 : attempts;
    conn->backoff_ms = backoff_ms < 0 ? 0 : backoff_ms;
    conn->ctx = ctx;
    conn->stop = stop;
    return conn;
}

jdbc_conn_t *jdbc_conn_new(const sluice_config_t *config, const sluice_ctx_t *ctx,
                           const atomic_int *stop, char *errstr, size_t errstr_size)
{
    return jdbc_conn_new_from(sluice_config_get_string(config, JDBC_CONNECTION_URL_CONFIG),
                              sluice_config_get_string(config, JDBC_CONNECTION_USER_CONFIG),
                              sluice_config_get_password(config, JDBC_CONNECTION_PASSWORD_CONFIG),
                              sluice_config_get_int(config, JDBC_CONNECTION_ATTEMPTS_CONFIG),
                              (long)sluice_config_get_long(config, JDBC_CONNECTION_BACKOFF_CONFIG),
                              sluice_config_get_string(config, JDBC_DB_TIMEZONE_CONFIG), ctx, stop,
                              errstr, errstr_size);
}

void jdbc_conn_destroy(jdbc_conn_t *conn)
{
    if (!conn)
        return;
    jdbc_conn_close(conn);
    jdbc_url_destroy(conn->url);
    free(conn->where);
    free(conn->timezone);
    jdbc_tz_destroy(conn->tz);
    free(conn);
}

void jdbc_conn_close(jdbc_conn_t *conn)
{
    if (conn && conn->mysql) {
        mysql_close(conn->mysql);
        conn->mysql = NULL;
    }
}

MYSQL *jdbc_conn_mysql(jdbc_conn_t *conn)
{
    return conn->mysql;
}

const char *jdbc_conn_where(const jdbc_conn_t *conn)
{
    return conn->where;
}

const jdbc_url_t *jdbc_conn_url(const jdbc_conn_t *conn)
{
    return conn->url;
}

unsigned int jdbc_conn_last_errno(const jdbc_conn_t *conn)
{
    return conn->last_errno;
}

const char *jdbc_conn_timezone(const jdbc_conn_t *conn)
{
    return conn->timezone;
}

bool jdbc_conn_errno_is_disconnect(unsigned int e)
{
    switch (e) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case CR_COMMANDS_OUT_OF_SYNC:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_NORMAL_SHUTDOWN:
    case ER_QUERY_INTERRUPTED:
    case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8) */ return true;
    default: return false;
    }
}

sluice_result_t jdbc_conn_result_for(unsigned int e)
{
    if (jdbc_conn_errno_is_disconnect(e) || e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT ||
        e == CR_UNKNOWN_HOST || e == ER_CON_COUNT_ERROR || e == ER_TOO_MANY_USER_CONNECTIONS)
        return SLUICE_RETRY;
    return SLUICE_FATAL;
}

void jdbc_conn_error(const jdbc_conn_t *conn, MYSQL_STMT *stmt, char *errstr, size_t errstr_size,
                     const char *what)
{
    unsigned int e = 0;
    const char *msg = "not connected";
    if (stmt && mysql_stmt_errno(stmt)) {
        e = mysql_stmt_errno(stmt);
        msg = mysql_stmt_error(stmt);
    } else if (conn->mysql) {
        e = mysql_errno(conn->mysql);
        msg = mysql_error(conn->mysql);
    }
    snprintf(errstr, errstr_size, "%s: %s (error %u) on %s", what, msg, e, conn->where);
}

static unsigned int last_errno(const jdbc_conn_t *conn)
{
    return conn->mysql ? mysql_errno(conn->mysql) : CR_SERVER_GONE_ERROR;
}

sluice_result_t jdbc_conn_exec(jdbc_conn_t *conn, const char *sql, char *errstr, size_t errstr_size)
{
    if (!conn->mysql) {
        snprintf(errstr, errstr_size, "not connected to %s", conn->where);
        return SLUICE_RETRY;
    }
    if (mysql_real_query(conn->mysql, sql, strlen(sql)) == 0) {
        /* Statements like CALL may still hand back a result: drop it. */
        MYSQL_RES *res = mysql_store_result(conn->mysql);
        mysql_free_result(res);
        return SLUICE_OK;
    }
    jdbc_conn_error(conn, NULL, errstr, errstr_size, "statement failed");
    return jdbc_conn_result_for(last_errno(conn));
}

/* One connection attempt, with the session set up; false with errstr. */
static bool connect_once(jdbc_conn_t *conn, unsigned int *err, char *errstr, size_t errstr_size)
{
    MYSQL *mysql = mysql_init(NULL);
    if (!mysql) {
        *err = CR_OUT_OF_MEMORY;
        snprintf(errstr, errstr_size, "cannot allocate a MySQL handle for %s", conn->where);
        return false;
    }
    /* A JDBC driver always speaks TCP, even to "localhost". */
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    unsigned int connect_timeout = 10;
    my_bool no = 0;
    mysql_optionsv(mysql, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
    mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &no);
    mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(mysql, MYSQL_OPT_LOCAL_INFILE, &no);
    const jdbc_url_t *url = conn->url;
    if (!mysql_real_connect(mysql, url->host, url->user, url->password ? url->password : "",
                            url->database[0] ? url->database : NULL, url->port, NULL,
                            CLIENT_FOUND_ROWS)) {
        *err = mysql_errno(mysql);
        snprintf(errstr, errstr_size, "cannot connect to %s as %s: %s (error %u)", conn->where,
                 url->user ? url->user : "(no user)", mysql_error(mysql), *err);
        mysql_close(mysql);
        return false;
    }
    char sql[160];
    long off = conn->tz_offset_s < 0 ? -conn->tz_offset_s : conn->tz_offset_s;
    if (conn->tz) /* the name was checked to hold only [A-Za-z0-9_+-/] */
        snprintf(sql, sizeof sql, "SET time_zone = '%s'", conn->timezone);
    else
        snprintf(sql, sizeof sql, "SET time_zone = '%c%02ld:%02ld'",
                 conn->tz_offset_s < 0 ? '-' : '+', off / 3600, off / 60 % 60);
    if (mysql_real_query(mysql, sql, strlen(sql)) != 0 ||
        mysql_real_query(mysql, "SET NAMES utf8mb4", 17) != 0) {
        *err = mysql_errno(mysql);
        if (*err == ER_UNKNOWN_TIME_ZONE)
            snprintf(errstr, errstr_size,
                     "db.timezone %s is unknown to the server on %s: load its time zone tables "
                     "(mariadb-tzinfo-to-sql /usr/share/zoneinfo | mariadb mysql)",
                     conn->timezone, conn->where);
        else
            snprintf(errstr, errstr_size, "cannot set up the session on %s: %s (error %u)",
                     conn->where, mysql_error(mysql), *err);
        mysql_close(mysql);
        return false;
    }
    conn->mysql = mysql;
    return true;
}

/* Errors retrying cannot fix: wrong credentials, unknown database. */
static bool connect_error_is_final(unsigned int e)
{
    return e == ER_ACCESS_DENIED_ERROR || e == ER_DBACCESS_DENIED_ERROR || e == ER_BAD_DB_ERROR ||
           e == ER_ACCESS_DENIED_NO_PASSWORD_ERROR || e == ER_HOST_NOT_PRIVILEGED ||
           e == ER_HOST_IS_BLOCKED || e == ER_UNKNOWN_TIME_ZONE;
}

sluice_result_t jdbc_conn_open(jdbc_conn_t *conn, char *errstr, size_t errstr_size)
{
    if (conn->mysql)
        return SLUICE_OK;
    for (int attempt = 1;; attempt++) {
        unsigned int err = 0;
        bool ok = connect_once(conn, &err, errstr, errstr_size);
        conn->last_errno = ok ? 0 : err;
        if (ok) {
            if (conn->ctx)
                sluice_log(conn->ctx, SLUICE_LOG_INFO, "Connected to %s", conn->where);
            return SLUICE_OK;
        }
        if (connect_error_is_final(err))
            return SLUICE_FATAL;
        if (attempt >= conn->attempts)
            return SLUICE_RETRY;
        if (conn->ctx)
            sluice_log(conn->ctx, SLUICE_LOG_WARN, "%s (attempt %d of %d); retrying in %ld ms",
                       errstr, attempt, conn->attempts, conn->backoff_ms);
        if (jdbc_sleep_ms(conn->backoff_ms, conn->stop))
            return SLUICE_RETRY;
    }
}

sluice_result_t jdbc_conn_ensure(jdbc_conn_t *conn, bool *reconnected, char *errstr,
                                 size_t errstr_size)
{
    if (reconnected)
        *reconnected = false;
    if (conn->mysql && mysql_ping(conn->mysql) == 0)
        return SLUICE_OK;
    if (conn->mysql) {
        if (conn->ctx)
            sluice_log(conn->ctx, SLUICE_LOG_WARN, "Connection to %s lost (%s); reconnecting",
                       conn->where, mysql_error(conn->mysql));
        jdbc_conn_close(conn);
    }
    sluice_result_t r = jdbc_conn_open(conn, errstr, errstr_size);
    if (r == SLUICE_OK && reconnected)
        *reconnected = true;
    return r;
}

char *jdbc_quote_ident(const char *ident)
{
    size_t n = strlen(ident);
    char *out = jdbc_alloc(2 * n + 3);
    size_t o = 0;
    out[o++] = '`';
    for (size_t i = 0; i < n; i++) {
        if (ident[i] == '`')
            out[o++] = '`';
        out[o++] = ident[i];
    }
    out[o++] = '`';
    out[o] = '\0';
    return out;
}

/*
 * libmariadb sets up process-wide state on its first mysql_init (client
 * plugins, character sets) that only mysql_library_end frees; without it
 * every worker that used the plugin reports that memory as leaked at exit.
 * Run when the plugin library is unloaded (or the process exits); safe to
 * call more than once.
 */
__attribute__((destructor)) static void jdbc_library_end(void)
{
    mysql_library_end();
}
