/*
 * JDBC connection URLs for MySQL and MariaDB, as Confluent's connector
 * receives them in connection.url:
 *
 *     jdbc:mysql://host[:port][/database][?key=value&key=value…]
 *     jdbc:mariadb://user:password@host:port/database
 *
 * The port defaults to 3306; parameter values are URL-decoded. Only the
 * first host of a failover list is used.
 */
#ifndef PLUGINS_JDBC_JDBC_URL_H
#define PLUGINS_JDBC_JDBC_URL_H

#include <stddef.h>

typedef struct jdbc_url_param {
    char *key;
    char *value; /* decoded; "" for a key without '=' */
} jdbc_url_param_t;

typedef struct jdbc_url {
    char *scheme; /* "mysql" or "mariadb" */
    char *host;   /* never empty: "localhost" when the URL names none */
    unsigned int port;
    char *database;           /* "" when the URL names none */
    char *user;               /* NULL when neither the URL nor connection.user gives one */
    char *password;           /* NULL when none is given */
    jdbc_url_param_t *params; /* every query parameter, in URL order */
    size_t param_count;
} jdbc_url_t;

/*
 * Parses url. user / password (connection.user, connection.password; NULL
 * or "" when not set) take precedence over the URL's own credentials, as in
 * Confluent's connector. Returns a new URL the caller frees with
 * jdbc_url_destroy, or NULL with a message in errstr that never contains the
 * password. Any thread.
 */
jdbc_url_t *jdbc_url_parse(const char *url, const char *user, const char *password, char *errstr,
                           size_t errstr_size);

void jdbc_url_destroy(jdbc_url_t *url);

/* The decoded value of query parameter key (case-insensitive), or NULL. */
const char *jdbc_url_param(const jdbc_url_t *url, const char *key);

/*
 * A copy of url fit for messages: the value of every parameter whose name
 * contains "password" (any case) and the password of a user:password@ part
 * replaced by "****". Returns a malloc()ed string the caller frees; url NULL
 * gives NULL.
 */
char *jdbc_url_mask(const char *url);

#endif
