/*
 * The REST server: libmicrohttpd listeners, request decoding and the
 * protocol rules every Kafka Connect endpoint shares, so the resource files
 * (rest/connectors.c, rest/connector_plugins.c, rest/loggers.c, rest/root.c)
 * only turn a decoded request into a status and a JSON body.
 *
 * What the server does for every request, before a handler runs:
 *   - routes it by method and path: an unknown path is 404, a known path
 *     with another method 405 (with Allow), both with Kafka's error body;
 *   - URL-decodes each path segment ("{}" in a route matches one non-empty
 *     segment; "%2F" inside a segment stays part of that segment) and the
 *     query string;
 *   - for routes flagged REST_ROUTE_BODY: a body with a Content-Type other
 *     than application/json (parameters such as charset allowed, any case)
 *     is 415; a body larger than rest.request.max.bytes is 413 (refused
 *     before it is all read); malformed JSON is 400 naming the line and
 *     column; an empty body gives body NULL;
 *   - an Accept header that admits neither application/json nor a wildcard
 *     is 406;
 *   - HTTP Basic authentication when a credentials file is configured (401
 *     with WWW-Authenticate), CORS headers and preflight (OPTIONS) answers
 *     when access.control.allow.origin is set, and the headers of
 *     response.http.headers.config on every answer;
 *   - routes flagged REST_ROUTE_ADMIN are served on admin.listeners when
 *     that is set (an empty list disables them), else on the listeners.
 *
 * Routing details: the first route of the table whose method and pattern
 * match wins; HEAD runs a GET route (without sending the body); one trailing
 * slash is ignored; OPTIONS without an OPTIONS route answers 200 with Allow.
 * A path segment or query value that decodes to a NUL byte or to text that
 * is not UTF-8 is 400, so params and query values are always JSON-safe.
 * The checks run in this order: CORS preflight (answered without
 * authentication: browsers send no credentials with it), 401, 400 (URL
 * encoding), 404, 405, 415, 406, 413, then the body's JSON (400). A chunked
 * body over the limit is read to its end (without being kept) and then 413.
 *
 * Every non-2xx answer has Kafka's body {"error_code":<status>,"message":"…"}.
 *
 * Worker keys it reads (declared in worker/worker_config.c): listeners
 * (and the retired rest.host.name / rest.port through
 * worker_config_listeners), admin.listeners, listeners.https.ssl.* (PEM
 * certificate and key), rest.auth.credentials.file, access.control.allow.origin,
 * access.control.allow.methods, response.http.headers.config,
 * rest.request.max.bytes, rest.threads.
 *
 * Threads: handlers run on libmicrohttpd's threads (a pool of rest.threads),
 * several at once; the app they get must be safe for that.
 */
#ifndef REST_SERVER_H
#define REST_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "worker_config.h"

typedef struct rest_server rest_server_t;
typedef struct rest_request rest_request_t;

/* ---- requests --------------------------------------------------------------- */

/* The request's method ("GET", "PUT", …). */
const char *rest_request_method(const rest_request_t *req);

/* The path as received (not decoded, without the query string). */
const char *rest_request_path(const rest_request_t *req);

/* The URL-decoded segment matched by the i-th "{}" of the route, or NULL. */
const char *rest_request_param(const rest_request_t *req, size_t i);

/* The URL-decoded value of the first ?key=…, or NULL when absent ("" when
 * given without a value). */
const char *rest_request_query(const rest_request_t *req, const char *key);

/* Every value given for key (?expand=status&expand=info), decoded; *values
 * gets an array owned by the request. Returns the count. */
size_t rest_request_query_all(const rest_request_t *req, const char *key,
                              const char *const **values);

/* The parsed JSON body (REST_ROUTE_BODY routes), NULL when there was none.
 * Any JSON value may come (an array, a string, null): check its type. Owned
 * by the request. */
json_t *rest_request_body(const rest_request_t *req);

/* The value of a request header (case-insensitive name), or NULL. */
const char *rest_request_header(const rest_request_t *req, const char *name);

/* ---- responses -------------------------------------------------------------- */

typedef struct rest_response {
    int status;   /* 200 unless set */
    json_t *body; /* taken by the server; NULL: no body */
    /* malloc()ed Location header value, or NULL; taken. A path
     * ("/connectors/a%2Fb", already percent-encoded) is made absolute with
     * the request's scheme and Host, as JAX-RS does; bytes a URI cannot hold
     * are encoded. */
    char *location;
} rest_response_t;

/* Sets status and body (taken). */
void rest_reply(rest_response_t *resp, int status, json_t *body);

/* Sets status and Kafka's error body {"error_code":status,"message":…}. */
void rest_error(rest_response_t *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- routes ----------------------------------------------------------------- */

typedef void (*rest_handler_fn)(void *app, const rest_request_t *req, rest_response_t *resp);

enum {
    REST_ROUTE_BODY = 1u << 0,  /* takes a JSON body (Content-Type, size, parse checks) */
    REST_ROUTE_ADMIN = 1u << 1, /* an admin resource (admin.listeners) */
};

typedef struct rest_route {
    const char *method;  /* NULL ends a table */
    const char *pattern; /* "/connectors/{}/tasks/{}/status" */
    rest_handler_fn handler;
    unsigned flags;
} rest_route_t;

/* ---- the server ------------------------------------------------------------- */

/*
 * Starts listening on every listener of wc (and admin.listeners), serving
 * routes (a table that must outlive the server) with app passed to every
 * handler. Returns NULL with errstr naming the listener or key that failed
 * ("listeners: http://127.0.0.1:8083: Address already in use",
 * "listeners.https.ssl.key.location: /x.pem: No such file or directory").
 */
rest_server_t *rest_server_start(const worker_config_t *wc, const rest_route_t *routes, void *app,
                                 char *errstr, size_t errstr_size);

/* The port the i-th regular listener is bound to (useful with port 0), or
 * -1 when there is no such listener. */
int rest_server_port(const rest_server_t *server, size_t i);

/* The port the i-th admin.listeners entry is bound to, or -1 when there is
 * no such listener (admin.listeners unset or empty). */
int rest_server_admin_port(const rest_server_t *server, size_t i);

/* "http://127.0.0.1:8083/": the URL of the first regular listener as bound
 * (an empty host, every interface, shows as localhost). Owned by server. */
const char *rest_server_url(const rest_server_t *server);

/* Stops listening, waits for requests in progress, frees. NULL does nothing. */
void rest_server_stop(rest_server_t *server);

#endif
