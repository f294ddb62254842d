/*
 * The REST server on libmicrohttpd: one daemon per listener, each with its
 * own pool of poll() threads, and the request rules every endpoint shares (see
 * server.h).
 *
 * A request goes through three calls of the access handler: the first,
 * once the headers are in, decides everything the headers allow (CORS
 * preflight, authentication, routing, media types, the declared size) and
 * answers right away when the request is refused, so its body is never read;
 * the middle ones collect the body up to rest.request.max.bytes; the last
 * parses it and runs the handler. The request target is taken raw from the
 * URI log callback and decoded here, because libmicrohttpd's own decoding
 * would turn "%2F" into a path separator.
 *
 * Everything a request allocates is bounded: the target by libmicrohttpd's
 * per-connection memory limit, the body by rest.request.max.bytes.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sluice/buf.h>
#include <sluice/value.h>

#include "clock.h"
#include "log.h"
#include "mem.h"

#define REST_LOGGER "RestServer"
#define REST_REALM "sluice"
#define REST_JSON_TYPE "application/json"
/* Jetty's CrossOriginFilter defaults, which Kafka keeps. */
#define REST_CORS_DEFAULT_METHODS "GET,POST,HEAD"
#define REST_CORS_DEFAULT_HEADERS "X-Requested-With,Content-Type,Accept,Origin"
#define REST_CORS_MAX_AGE "1800"
/* Jetty's default idle timeout, in seconds. */
#define REST_IDLE_TIMEOUT 30
/* A PEM file larger than this is not key material. */
#define REST_PEM_MAX_BYTES (1024 * 1024)
#define REST_LISTEN_BACKLOG 128

/* ---- small helpers ---------------------------------------------------------- */

typedef struct rest_header {
    char *name;
    char *value;
} rest_header_t;

typedef struct rest_headers {
    rest_header_t *items;
    size_t count;
    size_t cap;
} rest_headers_t;

static void headers_add(rest_headers_t *h, const char *name, const char *value)
{
    mem_grow((void **)&h->items, &h->cap, h->count + 1, sizeof(*h->items));
    h->items[h->count].name = mem_strdup(name);
    h->items[h->count].value = mem_strdup(value);
    h->count++;
}

/* Replaces every header called name (any case) by one with value. */
static void headers_set(rest_headers_t *h, const char *name, const char *value)
{
    size_t kept = 0;
    for (size_t i = 0; i < h->count; i++) {
        if (strcasecmp(h->items[i].name, name) == 0) {
            free(h->items[i].name);
            free(h->items[i].value);
        } else {
            h->items[kept++] = h->items[i];
        }
    }
    h->count = kept;
    headers_add(h, name, value);
}

static void headers_clear(rest_headers_t *h)
{
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i].name);
        free(h->items[i].value);
    }
    free(h->items);
    memset(h, 0, sizeof(*h));
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The text of [start, start + len) without surrounding blanks, as (start, len). */
static void trim_span(const char **start, size_t *len)
{
    while (*len && is_space(**start)) {
        (*start)++;
        (*len)--;
    }
    while (*len && is_space((*start)[*len - 1]))
        (*len)--;
}

static bool span_equals_nocase(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/* Splits text at commas into trimmed, non-empty items (a new NULL-terminated
 * array of new strings; *count gets the count). */
static char **split_list(const char *text, size_t *count)
{
    char **items = NULL;
    size_t cap = 0, n = 0;
    mem_grow((void **)&items, &cap, 1, sizeof(char *));
    while (text && *text) {
        size_t len = strcspn(text, ",");
        const char *item = text;
        size_t item_len = len;
        trim_span(&item, &item_len);
        if (item_len) {
            mem_grow((void **)&items, &cap, n + 2, sizeof(char *));
            items[n++] = mem_strndup(item, item_len);
        }
        text += len;
        if (*text)
            text++;
    }
    items[n] = NULL;
    *count = n;
    return items;
}

static void free_list(char **items)
{
    for (size_t i = 0; items && items[i]; i++)
        free(items[i]);
    free(items);
}

/* A '*'-wildcard match, as Jetty's allowed-origin patterns. */
static bool glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat == *s) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

static bool valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= len)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

/* A new JSON string of text, with every byte that breaks UTF-8 replaced by
 * '?', so a message quoting a client's bytes can always be sent. */
static json_t *json_string_lossy(const char *text)
{
    size_t len = strlen(text);
    if (valid_utf8((const unsigned char *)text, len))
        return json_stringn(text, len);
    char *copy = mem_strndup(text, len);
    size_t i = 0;
    while (i < len) {
        /* find the longest valid prefix starting at i, one code point at a time */
        size_t step = 1;
        unsigned char c = (unsigned char)copy[i];
        if (c >= 0x80) {
            size_t extra = (c & 0xE0) == 0xC0   ? 1
                           : (c & 0xF0) == 0xE0 ? 2
                           : (c & 0xF8) == 0xF0 ? 3
                                                : 0;
            if (extra && i + extra < len && valid_utf8((const unsigned char *)copy + i, extra + 1))
                step = extra + 1;
            else
                copy[i] = '?';
        }
        i += step;
    }
    json_t *s = json_stringn(copy, len);
    free(copy);
    return s;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes src[0..len) into a new string ('+' as a space when
 * plus_space). Returns NULL with *why set when an escape is malformed,
 * decodes to a NUL byte, or the result is not UTF-8: handlers get C strings
 * they can put in JSON. */
static char *url_decode(const char *src, size_t len, bool plus_space, const char **why)
{
    char *out = mem_alloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '%') {
            int hi = len - i >= 3 ? hex_value(src[i + 1]) : -1;
            int lo = len - i >= 3 ? hex_value(src[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "a '%' must be followed by two hexadecimal digits";
                goto fail;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == '\0') {
            *why = "it holds a NUL byte";
            goto fail;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    if (!valid_utf8((const unsigned char *)out, n)) {
        *why = "it is not UTF-8";
        goto fail;
    }
    return out;
fail:
    free(out);
    return NULL;
}

/* ---- the server's state ----------------------------------------------------- */

enum rest_rule_action { REST_RULE_SET, REST_RULE_ADD, REST_RULE_SET_DATE, REST_RULE_ADD_DATE };

typedef struct rest_header_rule {
    enum rest_rule_action action;
    char *name;
    char *value;
    long long offset_ms; /* the date actions */
} rest_header_rule_t;

typedef struct rest_credential {
    char *user;
    char *password;
} rest_credential_t;

typedef struct rest_listener {
    rest_server_t *server;
    struct MHD_Daemon *daemon;
    const char *config_key; /* "listeners" or "admin.listeners", for messages */
    char *spec;             /* as configured */
    char *url;              /* "http://host:port/" as bound */
    bool https;
    bool serve_regular; /* non-admin routes */
    bool serve_admin;   /* REST_ROUTE_ADMIN routes */
    int port;
    /* TLS material: libmicrohttpd keeps the pointers until it stops */
    char *key_pem;
    char *cert_pem;
    char *key_password;
    /* libmicrohttpd's messages while the daemon starts, for the start error */
    pthread_mutex_t log_lock;
    atomic_bool capturing;
    sluice_buf_t *start_log;
} rest_listener_t;

struct rest_server {
    const rest_route_t *routes;
    void *app;
    rest_listener_t **listeners; /* the regular ones first */
    size_t listener_count;
    size_t regular_count;
    uint64_t max_body;
    unsigned threads;
    /* Basic authentication; enabled when the file is configured */
    bool auth;
    rest_credential_t *credentials;
    size_t credential_count;
    /* CORS; enabled when origins is non-empty */
    char **cors_origins;
    size_t cors_origin_count;
    char **cors_methods;
    size_t cors_method_count;
    char *cors_methods_text;
    char **cors_headers;
    size_t cors_header_count;
    char *cors_headers_text;
    rest_header_rule_t *rules;
    size_t rule_count;
};

/* ---- requests --------------------------------------------------------------- */

struct rest_request {
    rest_listener_t *listener;
    struct MHD_Connection *conn;
    int64_t start_ms;
    bool started; /* the access handler has seen the headers */
    const char *method;
    char *uri;  /* the request target as received */
    char *path; /* raw, without the query */
    char *query;
    char **segments; /* decoded */
    size_t segment_count;
    const rest_route_t *route;
    const char **params;
    size_t param_count;
    char **query_keys;
    char **query_values;
    size_t query_count;
    const char ***value_lists; /* rest_request_query_all's answers */
    size_t value_list_count;
    size_t value_list_cap;
    bool store_body;
    bool too_large;
    uint64_t body_len;
    sluice_buf_t *body_buf;
    json_t *body;
    const char *cors_origin; /* the Origin header when it is allowed */
};

static rest_request_t *request_new(rest_listener_t *listener, const char *uri)
{
    rest_request_t *req = mem_calloc(1, sizeof(*req));
    req->listener = listener;
    req->start_ms = clock_monotonic_ms();
    req->uri = mem_strdup(uri ? uri : "");
    return req;
}

static void request_destroy(rest_request_t *req)
{
    if (!req)
        return;
    free(req->uri);
    free(req->path);
    free(req->query);
    for (size_t i = 0; i < req->segment_count; i++)
        free(req->segments[i]);
    free(req->segments);
    free(req->params);
    for (size_t i = 0; i < req->query_count; i++) {
        free(req->query_keys[i]);
        free(req->query_values[i]);
    }
    free(req->query_keys);
    free(req->query_values);
    for (size_t i = 0; i < req->value_list_count; i++)
        free(req->value_lists[i]);
    free(req->value_lists);
    sluice_buf_destroy(req->body_buf);
    json_decref(req->body);
    free(req);
}

const char *rest_request_method(const rest_request_t *req)
{
    return req->method;
}

const char *rest_request_path(const rest_request_t *req)
{
    return req->path ? req->path : "";
}

const char *rest_request_param(const rest_request_t *req, size_t i)
{
    return i < req->param_count ? req->params[i] : NULL;
}

const char *rest_request_query(const rest_request_t *req, const char *key)
{
    for (size_t i = 0; i < req->query_count; i++)
        if (strcmp(req->query_keys[i], key) == 0)
            return req->query_values[i];
    return NULL;
}

size_t rest_request_query_all(const rest_request_t *req, const char *key,
                              const char *const **values)
{
    /* the answers live as long as the request; the struct is the request's
     * own scratch space, so casting away const is safe */
    rest_request_t *r = (rest_request_t *)req;
    const char **list = mem_calloc(req->query_count + 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < req->query_count; i++)
        if (strcmp(req->query_keys[i], key) == 0)
            list[n++] = req->query_values[i];
    mem_grow((void **)&r->value_lists, &r->value_list_cap, r->value_list_count + 1,
             sizeof(*r->value_lists));
    r->value_lists[r->value_list_count++] = list;
    if (values)
        *values = list;
    return n;
}

json_t *rest_request_body(const rest_request_t *req)
{
    return req->body;
}

const char *rest_request_header(const rest_request_t *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- responses -------------------------------------------------------------- */

static json_t *error_body(int status, const char *message)
{
    json_t *body = json_object();
    json_object_set_new(body, "error_code", json_integer(status));
    json_object_set_new(body, "message", json_string_lossy(message));
    return body;
}

void rest_reply(rest_response_t *resp, int status, json_t *body)
{
    if (resp->body != body)
        json_decref(resp->body);
    resp->status = status;
    resp->body = body;
}

void rest_error(rest_response_t *resp, int status, const char *fmt, ...)
{
    sluice_buf_t *b = sluice_buf_new();
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(b, fmt, ap);
    va_end(ap);
    rest_reply(resp, status, error_body(status, sluice_buf_data(b)));
    sluice_buf_destroy(b);
}

/* What the server sends for one request. */
typedef struct rest_answer {
    int status;
    json_t *body; /* owned */
    rest_headers_t headers;
} rest_answer_t;

static void answer_error(rest_answer_t *a, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void answer_error(rest_answer_t *a, int status, const char *fmt, ...)
{
    sluice_buf_t *b = sluice_buf_new();
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(b, fmt, ap);
    va_end(ap);
    json_decref(a->body);
    a->status = status;
    a->body = error_body(status, sluice_buf_data(b));
    sluice_buf_destroy(b);
}

/* JAX-RS's message for a status it answers itself ("HTTP 404 Not Found"). */
static void answer_status_error(rest_answer_t *a, int status)
{
    const char *reason = MHD_get_reason_phrase_for((unsigned)status);
    answer_error(a, status, "HTTP %d %s", status, reason && *reason ? reason : "Error");
}

/* An RFC 7231 date (always in English, whatever the locale). */
static void http_date(long long offset_ms, char *out, size_t size)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_ms;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void apply_header_rules(const rest_server_t *s, rest_headers_t *h)
{
    for (size_t i = 0; i < s->rule_count; i++) {
        const rest_header_rule_t *r = &s->rules[i];
        char date[64];
        switch (r->action) {
        case REST_RULE_SET: headers_set(h, r->name, r->value); break;
        case REST_RULE_ADD: headers_add(h, r->name, r->value); break;
        case REST_RULE_SET_DATE:
            http_date(r->offset_ms, date, sizeof date);
            headers_set(h, r->name, date);
            break;
        case REST_RULE_ADD_DATE:
            http_date(r->offset_ms, date, sizeof date);
            headers_add(h, r->name, date);
            break;
        }
    }
}

static int dump_to_buf(const char *data, size_t len, void *cls)
{
    sluice_buf_append(cls, data, len);
    return 0;
}

/* A handler's Location made safe for a header (bytes a URI cannot hold are
 * percent-encoded) and absolute against the request's scheme and Host, as
 * JAX-RS resolves a relative one. A new string. */
static char *absolute_location(const rest_request_t *req, const char *location)
{
    sluice_buf_t *b = sluice_buf_new();
    const char *host = rest_request_header(req, "Host");
    bool host_ok = host && *host;
    for (const char *h = host; host_ok && *h; h++)
        host_ok = (*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
                  (*h >= '0' && *h <= '9') || strchr(".-_:[]", *h);
    if (location[0] == '/' && host_ok)
        sluice_buf_printf(b, "%s://%s", req->listener->https ? "https" : "http", host);
    for (const unsigned char *p = (const unsigned char *)location; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7F || strchr("\"<>\\^`{|}", *p))
            sluice_buf_printf(b, "%%%02X", *p);
        else
            sluice_buf_putc(b, (char)*p);
    }
    char *out = sluice_buf_detach(b, NULL);
    sluice_buf_destroy(b);
    return out;
}

/*
 * Sends a: the error body of a non-2xx answer without one, Content-Type,
 * CORS headers and the configured header rules; logs the request. Takes
 * a's body and headers. Runs on the request's libmicrohttpd thread.
 */
static enum MHD_Result send_answer(rest_request_t *req, rest_answer_t *a)
{
    const rest_server_t *s = req->listener->server;
    if (a->status < 100 || a->status > 599) {
        log_error(NULL, REST_LOGGER, "%s %s: the handler answered status %d", req->method,
                  rest_request_path(req), a->status);
        answer_error(a, 500, "Internal error: the handler answered an invalid status");
    }
    if (a->status >= 400 && !a->body)
        answer_status_error(a, a->status);
    if (a->status < 200 || a->status == 204 || a->status == 304) {
        json_decref(a->body);
        a->body = NULL;
    }

    char *data = NULL;
    size_t len = 0;
    if (a->body) {
        sluice_buf_t *b = sluice_buf_new();
        int rc = json_dump_callback(a->body, dump_to_buf, b,
                                    JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        if (rc != 0) {
            log_error(NULL, REST_LOGGER, "%s %s: the answer could not be written as JSON",
                      req->method, rest_request_path(req));
            sluice_buf_reset(b);
            json_t *err = error_body(500, "Internal error: the answer could not be written");
            json_dump_callback(err, dump_to_buf, b, JSON_COMPACT);
            json_decref(err);
            a->status = 500;
        }
        data = sluice_buf_detach(b, &len);
        sluice_buf_destroy(b);
        headers_set(&a->headers, "Content-Type", REST_JSON_TYPE);
    }
    if (req->cors_origin) {
        headers_set(&a->headers, "Access-Control-Allow-Origin", req->cors_origin);
        headers_set(&a->headers, "Access-Control-Allow-Credentials", "true");
        headers_add(&a->headers, "Vary", "Origin");
    }
    apply_header_rules(s, &a->headers);

    struct MHD_Response *response =
        data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_NO;
    if (response) {
        for (size_t i = 0; i < a->headers.count; i++)
            if (MHD_add_response_header(response, a->headers.items[i].name,
                                        a->headers.items[i].value) != MHD_YES)
                log_debug(NULL, REST_LOGGER, "Header %s was refused by libmicrohttpd",
                          a->headers.items[i].name);
        rc = MHD_queue_response(req->conn, (unsigned)a->status, response);
        MHD_destroy_response(response);
    } else {
        free(data);
    }
    log_debug(NULL, REST_LOGGER, "%s %.*s %d %lld ms", req->method ? req->method : "-", 512,
              rest_request_path(req), a->status, (long long)(clock_monotonic_ms() - req->start_ms));
    json_decref(a->body);
    a->body = NULL;
    headers_clear(&a->headers);
    return rc;
}

/* ---- the checks before a handler runs --------------------------------------- */

/* True when the Accept header admits JSON (no header, a wildcard or
 * application/json with a non-zero quality). */
static bool accepts_json(const char *accept)
{
    if (!accept)
        return true;
    bool any = false;
    const char *p = accept;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *type = p;
        size_t type_len = strcspn(p, ";,");
        trim_span(&type, &type_len);
        if (type_len) {
            any = true;
            double q = 1.0;
            for (const char *param = p + strcspn(p, ";,"); param < p + len && *param == ';';) {
                param++;
                size_t plen = strcspn(param, ";,");
                const char *name = param;
                size_t nlen = plen;
                trim_span(&name, &nlen);
                if (nlen > 2 && (name[0] == 'q' || name[0] == 'Q') && name[1] == '=')
                    q = strtod(name + 2, NULL);
                param += plen;
            }
            if (q > 0 && (span_equals_nocase(type, type_len, REST_JSON_TYPE) ||
                          span_equals_nocase(type, type_len, "application/*") ||
                          span_equals_nocase(type, type_len, "*/*") ||
                          span_equals_nocase(type, type_len, "*")))
                return true;
        }
        p += len;
        if (*p)
            p++;
    }
    return !any;
}

static bool is_json_type(const char *content_type)
{
    if (!content_type)
        return false;
    const char *type = content_type;
    size_t len = strcspn(type, ";");
    trim_span(&type, &len);
    return span_equals_nocase(type, len, REST_JSON_TYPE);
}

/* Equality of a and b that takes the same time wherever they differ. */
static bool equal_constant_time(const char *a, size_t a_len, const char *b, size_t b_len)
{
    unsigned char diff = a_len != b_len;
    for (size_t i = 0; i < a_len; i++)
        diff |= (unsigned char)a[i] ^ (unsigned char)(b_len ? b[i % b_len] : 0);
    return diff == 0;
}

/* True when the Authorization header carries a configured user and password. */
static bool authenticated(const rest_server_t *s, const char *authorization)
{
    if (!authorization)
        return false;
    while (is_space(*authorization))
        authorization++;
    if (strncasecmp(authorization, "Basic", 5) != 0 || !is_space(authorization[5]))
        return false;
    const char *token = authorization + 6;
    size_t token_len = strlen(token);
    trim_span(&token, &token_len);
    sluice_buf_t *buf = sluice_buf_new();
    char why[128];
    if (sluice_base64_decode(token, token_len, buf, why, sizeof why) < 0) {
        sluice_buf_destroy(buf);
        return false;
    }
    size_t len = 0;
    char *decoded = sluice_buf_detach(buf, &len);
    sluice_buf_destroy(buf);
    char *colon = memchr(decoded, ':', len);
    bool ok = false;
    if (colon) {
        size_t user_len = (size_t)(colon - decoded);
        const char *password = colon + 1;
        size_t password_len = len - user_len - 1;
        /* look at every entry, so the time does not tell which user exists */
        for (size_t i = 0; i < s->credential_count; i++) {
            const rest_credential_t *c = &s->credentials[i];
            bool user_ok = equal_constant_time(decoded, user_len, c->user, strlen(c->user));
            bool password_ok =
                equal_constant_time(password, password_len, c->password, strlen(c->password));
            ok |= user_ok & password_ok;
        }
    }
    explicit_bzero(decoded, len);
    free(decoded);
    return ok;
}

static bool cors_origin_allowed(const rest_server_t *s, const char *origin)
{
    for (size_t i = 0; i < s->cors_origin_count; i++)
        if (strcmp(s->cors_origins[i], "*") == 0 || glob_match(s->cors_origins[i], origin))
            return true;
    return false;
}

/* A preflight is allowed when its method and every header it announces are. */
static bool cors_preflight_allowed(const rest_server_t *s, const char *method, const char *headers)
{
    bool method_ok = false;
    for (size_t i = 0; i < s->cors_method_count; i++)
        method_ok |= strcmp(s->cors_methods[i], method) == 0;
    if (!method_ok)
        return false;
    for (size_t i = 0; i < s->cors_header_count; i++)
        if (strcmp(s->cors_headers[i], "*") == 0)
            return true;
    const char *p = headers ? headers : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *name = p;
        size_t name_len = len;
        trim_span(&name, &name_len);
        if (name_len) {
            bool found = false;
            for (size_t i = 0; i < s->cors_header_count; i++)
                found |= span_equals_nocase(name, name_len, s->cors_headers[i]);
            if (!found)
                return false;
        }
        p += len;
        if (*p)
            p++;
    }
    return true;
}

/* Splits the request target into the raw path and query. */
static void split_target(rest_request_t *req)
{
    const char *target = req->uri;
    /* absolute-form ("http://host:port/path"), which HTTP/1.1 servers accept */
    if (target[0] != '/' &&
        (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0)) {
        const char *authority = strstr(target, "://") + 3;
        const char *path = authority + strcspn(authority, "/?#");
        target = path;
    }
    size_t path_len = strcspn(target, "?#");
    req->path = path_len ? mem_strndup(target, path_len) : mem_strdup("/");
    if (target[path_len] == '?')
        req->query = mem_strndup(target + path_len + 1, strcspn(target + path_len + 1, "#"));
}

/* Decodes the path's segments and the query parameters. Returns false with
 * the answer in a (400, or 404 for a target that is not a path). */
static bool parse_target(rest_request_t *req, rest_answer_t *a)
{
    if (req->path[0] != '/') { /* "*" or garbage: no resource has that name */
        answer_status_error(a, 404);
        return false;
    }

    {
        size_t cap = 0;
        const char *p = req->path + 1;
        while (true) {
            size_t len = strcspn(p, "/");
            bool last = p[len] == '\0';
            /* one trailing slash names the same resource, as in Jersey */
            if (last && len == 0 && req->segment_count > 0)
                break;
            if (!(last && len == 0 && req->segment_count == 0)) {
                const char *why = NULL;
                char *seg = url_decode(p, len, false, &why);
                if (!seg) {
                    answer_error(a, 400, "Invalid path segment '%.*s': %s", (int)len, p, why);
                    return false;
                }
                mem_grow((void **)&req->segments, &cap, req->segment_count + 1, sizeof(char *));
                req->segments[req->segment_count++] = seg;
            }
            if (last)
                break;
            p += len + 1;
        }
    }

    size_t cap = 0, vcap = 0;
    const char *q = req->query;
    while (q && *q) {
        size_t len = strcspn(q, "&");
        if (len) {
            const char *eq = memchr(q, '=', len);
            size_t key_len = eq ? (size_t)(eq - q) : len;
            const char *why = NULL;
            char *key = url_decode(q, key_len, true, &why);
            char *value =
                key ? (eq ? url_decode(eq + 1, len - key_len - 1, true, &why) : mem_strdup(""))
                    : NULL;
            if (!value) {
                free(key);
                answer_error(a, 400, "Invalid query parameter '%.*s': %s", (int)len, q, why);
                return false;
            }
            mem_grow((void **)&req->query_keys, &cap, req->query_count + 1, sizeof(char *));
            mem_grow((void **)&req->query_values, &vcap, req->query_count + 1, sizeof(char *));
            req->query_keys[req->query_count] = key;
            req->query_values[req->query_count] = value;
            req->query_count++;
        }
        q += len;
        if (*q)
            q++;
    }
    return true;
}

static bool route_served(const rest_listener_t *l, const rest_route_t *r)
{
    return (r->flags & REST_ROUTE_ADMIN) ? l->serve_admin : l->serve_regular;
}

/* True when pattern matches the request's segments; params (room for every
 * segment) gets the "{}" ones. */
static bool route_matches(const char *pattern, char *const *segs, size_t n, const char **params,
                          size_t *param_count)
{
    size_t i = 0, np = 0;
    const char *p = pattern;
    if (*p != '/')
        return false;
    p++;
    while (*p) {
        size_t len = strcspn(p, "/");
        if (len) {
            if (i >= n)
                return false;
            if (len == 2 && p[0] == '{' && p[1] == '}') {
                if (!segs[i][0])
                    return false;
                if (params)
                    params[np] = segs[i];
                np++;
            } else if (strlen(segs[i]) != len || memcmp(segs[i], p, len) != 0) {
                return false;
            }
            i++;
        }
        p += len;
        if (*p)
            p++;
    }
    if (i != n)
        return false;
    if (param_count)
        *param_count = np;
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* Finds the request's route. Returns false with a in an answer (404, 405,
 * or the 200 to a plain OPTIONS). */
static bool find_route(rest_request_t *req, rest_answer_t *a)
{
    const rest_listener_t *l = req->listener;
    bool path_known = false;
    sluice_buf_t *allow = sluice_buf_new();
    bool has_get = false, has_head = false, has_options = false;
    for (const rest_route_t *r = l->server->routes; r->method; r++) {
        if (!route_served(l, r) ||
            !route_matches(r->pattern, req->segments, req->segment_count, NULL, NULL))
            continue;
        path_known = true;
        if (method_matches(r->method, req->method)) {
            req->route = r;
            req->params = mem_calloc(req->segment_count + 1, sizeof(char *));
            route_matches(r->pattern, req->segments, req->segment_count, req->params,
                          &req->param_count);
            sluice_buf_destroy(allow);
            return true;
        }
        /* the Allow list, each method once */
        bool seen = false;
        for (const rest_route_t *o = l->server->routes; o < r && !seen; o++)
            seen = route_served(l, o) && strcmp(o->method, r->method) == 0 &&
                   route_matches(o->pattern, req->segments, req->segment_count, NULL, NULL);
        if (!seen)
            sluice_buf_printf(allow, "%s%s", sluice_buf_len(allow) ? ", " : "", r->method);
        has_get |= strcmp(r->method, "GET") == 0;
        has_head |= strcmp(r->method, "HEAD") == 0;
        has_options |= strcmp(r->method, "OPTIONS") == 0;
    }
    if (!path_known) {
        answer_status_error(a, 404);
    } else {
        if (has_get && !has_head)
            sluice_buf_printf(allow, ", HEAD");
        if (!has_options)
            sluice_buf_printf(allow, ", OPTIONS");
        if (strcmp(req->method, "OPTIONS") == 0)
            a->status = 200;
        else
            answer_status_error(a, 405);
        headers_add(&a->headers, "Allow", sluice_buf_data(allow));
    }
    sluice_buf_destroy(allow);
    return false;
}

/* The declared body size: Content-Length, or UINT64_MAX for a chunked body
 * (unknown until read), or 0. */
static uint64_t declared_length(const rest_request_t *req, bool *has_body)
{
    const char *te = rest_request_header(req, "Transfer-Encoding");
    if (te && strcasestr(te, "chunked")) {
        *has_body = true;
        return 0;
    }
    const char *cl = rest_request_header(req, "Content-Length");
    if (!cl)
        return 0;
    errno = 0;
    char *end = NULL;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno == ERANGE)
        n = UINT64_MAX;
    *has_body = n > 0;
    return n;
}

/*
 * The first call, headers in hand: answers a preflight, refuses what the
 * headers already show to be refused, or prepares to read the body.
 */
static enum MHD_Result begin_request(rest_request_t *req)
{
    rest_server_t *s = req->listener->server;
    rest_answer_t a = {.status = 200};
    split_target(req);

    const char *origin = rest_request_header(req, "Origin");
    if (s->cors_origin_count && origin && cors_origin_allowed(s, origin))
        req->cors_origin = origin;
    const char *preflight_method = rest_request_header(req, "Access-Control-Request-Method");
    if (req->cors_origin && preflight_method && strcmp(req->method, "OPTIONS") == 0 &&
        cors_preflight_allowed(s, preflight_method,
                               rest_request_header(req, "Access-Control-Request-Headers"))) {
        /* a browser never sends credentials with a preflight */
        headers_add(&a.headers, "Access-Control-Allow-Methods", s->cors_methods_text);
        headers_add(&a.headers, "Access-Control-Allow-Headers", s->cors_headers_text);
        headers_add(&a.headers, "Access-Control-Max-Age", REST_CORS_MAX_AGE);
        return send_answer(req, &a);
    }

    if (s->auth && !authenticated(s, rest_request_header(req, "Authorization"))) {
        answer_error(&a, 401, "User cannot access the resource.");
        headers_add(&a.headers, "WWW-Authenticate", "Basic realm=\"" REST_REALM "\"");
        return send_answer(req, &a);
    }

    if (!parse_target(req, &a) || !find_route(req, &a))
        return send_answer(req, &a);

    bool has_body = false;
    uint64_t length = declared_length(req, &has_body);
    if (has_body && (req->route->flags & REST_ROUTE_BODY) &&
        !is_json_type(rest_request_header(req, "Content-Type"))) {
        answer_status_error(&a, 415);
        return send_answer(req, &a);
    }
    if (!accepts_json(rest_request_header(req, "Accept"))) {
        answer_status_error(&a, 406);
        return send_answer(req, &a);
    }
    if (length > s->max_body) {
        answer_error(&a, 413, "The request body is larger than rest.request.max.bytes (%llu bytes)",
                     (unsigned long long)s->max_body);
        return send_answer(req, &a);
    }
    req->store_body = (req->route->flags & REST_ROUTE_BODY) != 0;
    headers_clear(&a.headers);
    return MHD_YES;
}

/* The last call: the whole body is in; parse it and run the handler. */
static enum MHD_Result finish_request(rest_request_t *req)
{
    rest_server_t *s = req->listener->server;
    rest_answer_t a = {.status = 200};
    if (req->too_large) {
        answer_error(&a, 413, "The request body is larger than rest.request.max.bytes (%llu bytes)",
                     (unsigned long long)s->max_body);
        return send_answer(req, &a);
    }
    if (req->store_body && req->body_len > 0) {
        json_error_t error;
        req->body = json_loadb(sluice_buf_data(req->body_buf), sluice_buf_len(req->body_buf),
                               JSON_DECODE_ANY, &error);
        if (!req->body) {
            answer_error(&a, 400, "Invalid JSON in the request body at line %d column %d: %s",
                         error.line, error.column, error.text);
            return send_answer(req, &a);
        }
    }
    sluice_buf_destroy(req->body_buf);
    req->body_buf = NULL;

    rest_response_t resp = {.status = 200};
    req->route->handler(s->app, req, &resp);
    a.status = resp.status;
    a.body = resp.body;
    if (resp.location) {
        char *location = absolute_location(req, resp.location);
        headers_add(&a.headers, "Location", location);
        free(location);
        free(resp.location);
    }
    return send_answer(req, &a);
}

/* ---- libmicrohttpd callbacks ------------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    return request_new(cls, uri);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)url;
    (void)version;
    rest_request_t *req = *con_cls;
    if (!req) /* the URI callback always runs first; this is a safety net */
        req = *con_cls = request_new(cls, url);
    if (!req->started) {
        req->started = true;
        req->conn = conn;
        req->method = method;
        return begin_request(req);
    }
    if (*upload_data_size) {
        uint64_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->too_large)
            return MHD_YES;
        if (req->body_len + n > req->listener->server->max_body) {
            /* a chunked body: keep reading, without keeping it, to answer 413 */
            req->too_large = true;
            sluice_buf_destroy(req->body_buf);
            req->body_buf = NULL;
            return MHD_YES;
        }
        req->body_len += n;
        if (req->store_body) {
            if (!req->body_buf)
                req->body_buf = sluice_buf_new();
            sluice_buf_append(req->body_buf, upload_data, (size_t)n);
        }
        return MHD_YES;
    }
    return finish_request(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    request_destroy(*con_cls);
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    rest_listener_t *l = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    if (atomic_load(&l->capturing)) {
        pthread_mutex_lock(&l->log_lock);
        if (sluice_buf_len(l->start_log))
            sluice_buf_puts(l->start_log, "; ");
        sluice_buf_puts(l->start_log, msg);
        pthread_mutex_unlock(&l->log_lock);
    }
    log_debug(NULL, REST_LOGGER, "%s: %s", l->spec, msg);
}

/* ---- start-up: settings ----------------------------------------------------- */

/* Reads a whole file of at most REST_PEM_MAX_BYTES into a new string. */
static char *read_small_file(const char *key, const char *path, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errstr, errstr_size, "%s: %s: %s", key, path, strerror(errno));
        return NULL;
    }
    sluice_buf_t *b = sluice_buf_new();
    char chunk[4096];
    size_t n;
    bool too_big = false;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        sluice_buf_append(b, chunk, n);
        if (sluice_buf_len(b) > REST_PEM_MAX_BYTES) {
            too_big = true;
            break;
        }
    }
    bool failed = ferror(f);
    int err = errno;
    fclose(f);
    if (too_big || failed) {
        if (too_big)
            snprintf(errstr, errstr_size, "%s: %s: larger than %d bytes", key, path,
                     REST_PEM_MAX_BYTES);
        else
            snprintf(errstr, errstr_size, "%s: %s: %s", key, path, strerror(err));
        sluice_buf_destroy(b);
        return NULL;
    }
    char *text = sluice_buf_detach(b, NULL);
    sluice_buf_destroy(b);
    return text;
}

/* Appends to out every PEM block of text whose label satisfies want
 * ("CERTIFICATE", or any "... PRIVATE KEY"); first_only stops after one.
 * Returns how many were found. */
static size_t pem_blocks(const char *text, bool keys, bool first_only, sluice_buf_t *out)
{
    size_t found = 0;
    const char *p = text;
    while ((p = strstr(p, "-----BEGIN ")) != NULL) {
        const char *label = p + 11;
        const char *label_end = strstr(label, "-----");
        if (!label_end)
            break;
        size_t label_len = (size_t)(label_end - label);
        char end_marker[128];
        if (label_len > 64) {
            p = label_end;
            continue;
        }
        snprintf(end_marker, sizeof end_marker, "-----END %.*s-----", (int)label_len, label);
        const char *end = strstr(label_end, end_marker);
        if (!end)
            break;
        end += strlen(end_marker);
        bool is_key = label_len >= 11 && memcmp(label + label_len - 11, "PRIVATE KEY", 11) == 0;
        bool is_cert = (label_len == 11 && memcmp(label, "CERTIFICATE", 11) == 0) ||
                       (label_len == 16 && memcmp(label, "X509 CERTIFICATE", 16) == 0);
        if (keys ? is_key : is_cert) {
            sluice_buf_append(out, p, (size_t)(end - p));
            sluice_buf_putc(out, '\n');
            found++;
            if (first_only)
                break;
        }
        p = end;
    }
    return found;
}

/* An https listener's key material, found as Kafka finds SSL settings: the
 * prefixed keys when any is set, else the unprefixed ones. */
static int load_tls(const sluice_strmap_t *props, const char *prefix, rest_listener_t *l,
                    char *errstr, size_t errstr_size)
{
    bool prefixed = false;
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < sluice_strmap_count(props) && !prefixed; i++)
        prefixed = strncmp(sluice_strmap_key_at(props, i), prefix, plen) == 0;
    char names[6][160];
    static const char *const keys[] = {"ssl.keystore.location", "ssl.certificate.location",
                                       "ssl.key.location",      "ssl.key.password",
                                       "ssl.keystore.type",     "ssl.client.auth"};
    const char *values[6];
    for (size_t i = 0; i < 6; i++) {
        snprintf(names[i], sizeof names[i], "%s%s", prefixed ? prefix : "", keys[i]);
        values[i] = sluice_strmap_get(props, names[i]);
        if (values[i] && !*values[i])
            values[i] = NULL;
    }
    const char *keystore = values[0], *cert = values[1], *key = values[2];
    if (values[4] && strcasecmp(values[4], "PEM") != 0) {
        snprintf(errstr, errstr_size,
                 "%s: keystore type %s is not supported: Sluice reads PEM files only", names[4],
                 values[4]);
        return -1;
    }
    if (values[5] && strcasecmp(values[5], "none") != 0) {
        snprintf(errstr, errstr_size, "%s: client certificate authentication (%s) is not supported",
                 names[5], values[5]);
        return -1;
    }

    sluice_buf_t *cert_pem = sluice_buf_new();
    sluice_buf_t *key_pem = sluice_buf_new();
    char *text = NULL;
    int rc = -1;
    if (keystore) {
        if (!(text = read_small_file(names[0], keystore, errstr, errstr_size)))
            goto done;
        if (!pem_blocks(text, false, false, cert_pem)) {
            snprintf(errstr, errstr_size,
                     "%s: %s: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
                     names[0], keystore);
            goto done;
        }
        if (!pem_blocks(text, true, true, key_pem)) {
            snprintf(errstr, errstr_size,
                     "%s: %s: no PEM private key (-----BEGIN PRIVATE KEY-----) in the file",
                     names[0], keystore);
            goto done;
        }
    } else if (cert || key) {
        if (!cert || !key) {
            snprintf(errstr, errstr_size, "%s: %s is needed with %s: %s", l->config_key,
                     cert ? names[2] : names[1], cert ? names[1] : names[2], l->spec);
            goto done;
        }
        if (!(text = read_small_file(names[1], cert, errstr, errstr_size)))
            goto done;
        if (!pem_blocks(text, false, false, cert_pem)) {
            snprintf(errstr, errstr_size,
                     "%s: %s: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
                     names[1], cert);
            goto done;
        }
        explicit_bzero(text, strlen(text));
        free(text);
        if (!(text = read_small_file(names[2], key, errstr, errstr_size)))
            goto done;
        if (!pem_blocks(text, true, true, key_pem)) {
            snprintf(errstr, errstr_size,
                     "%s: %s: no PEM private key (-----BEGIN PRIVATE KEY-----) in the file",
                     names[2], key);
            goto done;
        }
    } else {
        snprintf(errstr, errstr_size,
                 "%s: %s: an https listener needs key material: set %sssl.keystore.location "
                 "(a PEM file with the certificate chain and the private key), or "
                 "%sssl.certificate.location and %sssl.key.location",
                 l->config_key, l->spec, prefix, prefix, prefix);
        goto done;
    }
    l->cert_pem = sluice_buf_detach(cert_pem, NULL);
    l->key_pem = sluice_buf_detach(key_pem, NULL);
    l->key_password = mem_strdup(values[3]);
    rc = 0;
done:
    if (text) {
        explicit_bzero(text, strlen(text));
        free(text);
    }
    if (sluice_buf_len(key_pem))
        explicit_bzero((void *)sluice_buf_data(key_pem), sluice_buf_len(key_pem));
    sluice_buf_destroy(cert_pem);
    sluice_buf_destroy(key_pem);
    return rc;
}

/* Reads the credentials file: "user: password[,role...]" lines. */
static int load_credentials(rest_server_t *s, const char *path, char *errstr, size_t errstr_size)
{
    static const char key[] = "rest.auth.credentials.file";
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errstr, errstr_size, "%s: %s: %s", key, path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t line_cap = 0, cap = 0;
    ssize_t got;
    int lineno = 0, rc = 0;
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        lineno++;
        const char *p = line;
        size_t len = (size_t)got;
        while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
            len--;
        trim_span(&p, &len);
        if (!len || p[0] == '#' || p[0] == '!')
            continue;
        size_t user_len = 0;
        while (user_len < len && p[user_len] != ':' && p[user_len] != '=' && !is_space(p[user_len]))
            user_len++;
        const char *rest = p + user_len;
        size_t rest_len = len - user_len;
        trim_span(&rest, &rest_len);
        if (rest_len && (rest[0] == ':' || rest[0] == '=')) {
            rest++;
            rest_len--;
            trim_span(&rest, &rest_len);
        }
        size_t password_len = 0;
        while (password_len < rest_len && rest[password_len] != ',')
            password_len++;
        const char *password = rest;
        trim_span(&password, &password_len);
        if (!user_len || !password_len) {
            snprintf(errstr, errstr_size, "%s: %s:%d: expected 'user: password'", key, path,
                     lineno);
            rc = -1;
            break;
        }
        mem_grow((void **)&s->credentials, &cap, s->credential_count + 1, sizeof(*s->credentials));
        s->credentials[s->credential_count].user = mem_strndup(p, user_len);
        s->credentials[s->credential_count].password = mem_strndup(password, password_len);
        s->credential_count++;
    }
    if (line) {
        explicit_bzero(line, line_cap);
        free(line);
    }
    fclose(f);
    if (rc == 0 && s->credential_count == 0)
        log_warn(NULL, REST_LOGGER,
                 "%s: %s has no user: every REST request will be refused with 401", key, path);
    s->auth = rc == 0;
    return rc;
}

/* Splits Jetty's header config at commas outside double quotes, dropping the
 * quotes. A new NULL-terminated array. */
static char **split_quoted(const char *text, size_t *count)
{
    char **items = NULL;
    size_t cap = 0, n = 0;
    mem_grow((void **)&items, &cap, 1, sizeof(char *));
    sluice_buf_t *item = sluice_buf_new();
    bool quoted = false;
    for (const char *p = text;; p++) {
        if (*p == '\0' || (*p == ',' && !quoted)) {
            const char *s = sluice_buf_data(item);
            size_t len = sluice_buf_len(item);
            trim_span(&s, &len);
            if (len) {
                mem_grow((void **)&items, &cap, n + 2, sizeof(char *));
                items[n++] = mem_strndup(s, len);
            }
            sluice_buf_reset(item);
            if (*p == '\0')
                break;
        } else if (*p == '"') {
            quoted = !quoted;
        } else if (*p == '\\' && quoted && p[1]) {
            sluice_buf_putc(item, *++p);
        } else {
            sluice_buf_putc(item, *p);
        }
    }
    sluice_buf_destroy(item);
    items[n] = NULL;
    *count = n;
    return items;
}

static int parse_header_rules(rest_server_t *s, const char *config, char *errstr,
                              size_t errstr_size)
{
    static const char key[] = "response.http.headers.config";
    size_t n = 0;
    char **items = split_quoted(config ? config : "", &n);
    int rc = 0;
    s->rules = mem_calloc(n + 1, sizeof(*s->rules));
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *item = items[i];
        size_t action_len = strcspn(item, " \t");
        const char *header = item + action_len;
        while (is_space(*header))
            header++;
        const char *colon = strchr(header, ':');
        rest_header_rule_t r = {0};
        if (span_equals_nocase(item, action_len, "set"))
            r.action = REST_RULE_SET;
        else if (span_equals_nocase(item, action_len, "add"))
            r.action = REST_RULE_ADD;
        else if (span_equals_nocase(item, action_len, "setDate"))
            r.action = REST_RULE_SET_DATE;
        else if (span_equals_nocase(item, action_len, "addDate"))
            r.action = REST_RULE_ADD_DATE;
        else {
            snprintf(errstr, errstr_size,
                     "%s: invalid action '%.*s' in '%s': expected set, add, setDate or addDate",
                     key, (int)action_len, item, item);
            rc = -1;
            break;
        }
        const char *name = header;
        size_t name_len = colon ? (size_t)(colon - header) : 0;
        trim_span(&name, &name_len);
        const char *value = colon ? colon + 1 : "";
        size_t value_len = strlen(value);
        trim_span(&value, &value_len);
        bool name_ok = name_len > 0;
        for (size_t k = 0; k < name_len; k++)
            name_ok &= name[k] > 0x20 && name[k] < 0x7F && name[k] != ':';
        bool value_ok = value_len > 0;
        for (size_t k = 0; k < value_len; k++)
            value_ok &= (unsigned char)value[k] >= 0x20 && value[k] != 0x7F;
        if (!colon || !name_ok || !value_ok) {
            snprintf(errstr, errstr_size,
                     "%s: invalid header rule '%s': expected '[action] [header name]: [header "
                     "value]' with a header name without blanks",
                     key, item);
            rc = -1;
            break;
        }
        r.name = mem_strndup(name, name_len);
        r.value = mem_strndup(value, value_len);
        if (r.action == REST_RULE_SET_DATE || r.action == REST_RULE_ADD_DATE) {
            char *end = NULL;
            errno = 0;
            r.offset_ms = strtoll(r.value, &end, 10);
            if (errno || *end) {
                snprintf(errstr, errstr_size,
                         "%s: invalid header rule '%s': a date rule takes milliseconds from now",
                         key, item);
                free(r.name);
                free(r.value);
                rc = -1;
                break;
            }
        }
        s->rules[s->rule_count++] = r;
    }
    free_list(items);
    return rc;
}

static int load_cors(rest_server_t *s, const sluice_config_t *v)
{
    const char *origins = sluice_config_get_string(v, "access.control.allow.origin");
    s->cors_origins = split_list(origins, &s->cors_origin_count);
    const char *methods = sluice_config_get_string(v, "access.control.allow.methods");
    if (!methods || !*methods)
        methods = REST_CORS_DEFAULT_METHODS;
    s->cors_methods = split_list(methods, &s->cors_method_count);
    sluice_buf_t *b = sluice_buf_new();
    for (size_t i = 0; i < s->cors_method_count; i++)
        sluice_buf_printf(b, "%s%s", i ? "," : "", s->cors_methods[i]);
    s->cors_methods_text = sluice_buf_detach(b, NULL);
    /* a browser sending credentials announces Authorization in the preflight */
    sluice_buf_puts(b, REST_CORS_DEFAULT_HEADERS);
    if (s->auth)
        sluice_buf_puts(b, ",Authorization");
    s->cors_headers_text = sluice_buf_detach(b, NULL);
    s->cors_headers = split_list(s->cors_headers_text, &s->cors_header_count);
    sluice_buf_destroy(b);
    return 0;
}

/* ---- start-up: listeners ---------------------------------------------------- */

/* Splits "http://host:port" into its parts; host is "" for every interface,
 * without IPv6 brackets. */
static int parse_listener(const char *spec, bool *https, char *host, size_t host_size, int *port)
{
    const char *p;
    if (strncasecmp(spec, "http://", 7) == 0) {
        *https = false;
        p = spec + 7;
    } else if (strncasecmp(spec, "https://", 8) == 0) {
        *https = true;
        p = spec + 8;
    } else {
        return -1;
    }
    const char *port_text;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close || close[1] != ':')
            return -1;
        snprintf(host, host_size, "%.*s", (int)(close - p - 1), p + 1);
        port_text = close + 2;
    } else {
        const char *colon = strrchr(p, ':');
        if (!colon)
            return -1;
        snprintf(host, host_size, "%.*s", (int)(colon - p), p);
        port_text = colon + 1;
    }
    char *end = NULL;
    long n = strtol(port_text, &end, 10);
    if (!*port_text || *end || n < 0 || n > 65535)
        return -1;
    *port = (int)n;
    return 0;
}

static int try_bind(int family, const struct sockaddr *addr, socklen_t len, bool dual_stack)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int on = 1, off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? &off : &on, sizeof on);
    if (bind(fd, addr, len) != 0 || listen(fd, REST_LISTEN_BACKLOG) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* A listening socket for host:port; an empty host listens on every
 * interface (IPv6 and IPv4 when the system has IPv6). */
static int open_socket(rest_listener_t *l, const char *host, int port, bool *ipv6, char *errstr,
                       size_t errstr_size)
{
    if (!*host) {
        struct sockaddr_in6 a6 = {
            .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = in6addr_any};
        int fd = try_bind(AF_INET6, (struct sockaddr *)&a6, sizeof a6, true);
        if (fd >= 0) {
            *ipv6 = true;
            return fd;
        }
        if (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL) {
            snprintf(errstr, errstr_size, "%s: %s: %s", l->config_key, l->spec, strerror(errno));
            return -1;
        }
        struct sockaddr_in a4 = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)port),
                                 .sin_addr.s_addr = htonl(INADDR_ANY)};
        fd = try_bind(AF_INET, (struct sockaddr *)&a4, sizeof a4, false);
        if (fd < 0)
            snprintf(errstr, errstr_size, "%s: %s: %s", l->config_key, l->spec, strerror(errno));
        *ipv6 = false;
        return fd;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    int gai = getaddrinfo(host, port_text, &hints, &res);
    if (gai != 0) {
        snprintf(errstr, errstr_size, "%s: %s: cannot resolve %s: %s", l->config_key, l->spec, host,
                 gai_strerror(gai));
        return -1;
    }
    /* the first address that binds, IPv4 ones first as Java (and so Kafka)
     * resolves names: "localhost" is then 127.0.0.1, where clients look */
    int fd = -1, err = 0;
    static const int families[] = {AF_INET, AF_INET6};
    for (size_t f = 0; f < 2 && fd < 0; f++) {
        for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
            if (ai->ai_family != families[f])
                continue;
            fd = try_bind(ai->ai_family, ai->ai_addr, ai->ai_addrlen, false);
            if (fd < 0)
                err = errno;
            else
                *ipv6 = ai->ai_family == AF_INET6;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(errstr, errstr_size, "%s: %s: %s", l->config_key, l->spec,
                 strerror(err ? err : EADDRNOTAVAIL));
    return fd;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

static void listener_destroy(rest_listener_t *l)
{
    if (!l)
        return;
    if (l->daemon)
        MHD_stop_daemon(l->daemon);
    free(l->spec);
    free(l->url);
    if (l->key_pem) {
        explicit_bzero(l->key_pem, strlen(l->key_pem));
        free(l->key_pem);
    }
    free(l->cert_pem);
    if (l->key_password) {
        explicit_bzero(l->key_password, strlen(l->key_password));
        free(l->key_password);
    }
    sluice_buf_destroy(l->start_log);
    pthread_mutex_destroy(&l->log_lock);
    free(l);
}

/* Binds and starts one listener. Returns NULL with errstr naming it. */
static rest_listener_t *listener_start(rest_server_t *s, const worker_config_t *wc,
                                       const char *spec, bool admin, bool admin_on_regular,
                                       char *errstr, size_t errstr_size)
{
    rest_listener_t *l = mem_calloc(1, sizeof(*l));
    l->server = s;
    l->spec = mem_strdup(spec);
    l->config_key = admin ? "admin.listeners" : "listeners";
    l->serve_regular = !admin;
    l->serve_admin = admin || admin_on_regular;
    pthread_mutex_init(&l->log_lock, NULL);
    l->start_log = sluice_buf_new();

    char host[256];
    int port = 0;
    if (parse_listener(spec, &l->https, host, sizeof host, &port) != 0) {
        snprintf(errstr, errstr_size,
                 "%s: invalid listener '%s': expected http://[host]:port or https://[host]:port",
                 l->config_key, spec);
        goto fail;
    }
    if (l->https &&
        load_tls(worker_config_props(wc), admin ? "admin.listeners.https." : "listeners.https.", l,
                 errstr, errstr_size) != 0)
        goto fail;
    bool ipv6 = false;
    int fd = open_socket(l, host, port, &ipv6, errstr, errstr_size);
    if (fd < 0)
        goto fail;
    l->port = bound_port(fd);

    struct MHD_OptionItem opts[8];
    size_t n = 0;
    if (s->threads > 1)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, s->threads, NULL};
    if (l->https) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, l->key_pem};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, l->cert_pem};
        if (l->key_password)
            opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_KEY_PASSWORD, 0, l->key_password};
    }
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    /* poll(), not epoll: libmicrohttpd 0.9.75's edge-triggered epoll loop
     * misses a client's FIN that arrives with its last bytes, so a request
     * cut short would hold its connection until the idle timeout */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (l->https)
        flags |= MHD_USE_TLS;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    atomic_store(&l->capturing, true);
    /* From here libmicrohttpd owns fd, and closes it when it stops or fails
     * (except on a bad option, which is a bug here): never close it again. */
    l->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, l, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, l,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_URI_LOG_CALLBACK, on_uri, l,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, l, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)REST_IDLE_TIMEOUT, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    atomic_store(&l->capturing, false);
    if (!l->daemon) {
        pthread_mutex_lock(&l->log_lock);
        snprintf(errstr, errstr_size, "%s: %s: the listener could not start: %s", l->config_key,
                 spec, sluice_buf_len(l->start_log) ? sluice_buf_data(l->start_log) : "unknown");
        pthread_mutex_unlock(&l->log_lock);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info && info->port)
        l->port = info->port;

    sluice_buf_t *url = sluice_buf_new();
    bool bracket = strchr(host, ':') != NULL;
    sluice_buf_printf(url, "%s://%s%s%s:%d/", l->https ? "https" : "http", bracket ? "[" : "",
                      *host ? host : "localhost", bracket ? "]" : "", l->port);
    l->url = sluice_buf_detach(url, NULL);
    sluice_buf_destroy(url);
    if (admin)
        log_info(NULL, REST_LOGGER, "Admin REST resources served at %s", l->url);
    else
        log_debug(NULL, REST_LOGGER, "REST listener %s bound to %s", spec, l->url);
    return l;
fail:
    listener_destroy(l);
    return NULL;
}

/* ---- the server ------------------------------------------------------------- */

static void server_free(rest_server_t *s)
{
    for (size_t i = 0; i < s->listener_count; i++)
        listener_destroy(s->listeners[i]);
    free(s->listeners);
    for (size_t i = 0; i < s->credential_count; i++) {
        free(s->credentials[i].user);
        explicit_bzero(s->credentials[i].password, strlen(s->credentials[i].password));
        free(s->credentials[i].password);
    }
    free(s->credentials);
    free_list(s->cors_origins);
    free_list(s->cors_methods);
    free_list(s->cors_headers);
    free(s->cors_methods_text);
    free(s->cors_headers_text);
    for (size_t i = 0; i < s->rule_count; i++) {
        free(s->rules[i].name);
        free(s->rules[i].value);
    }
    free(s->rules);
    free(s);
}

static void add_listener(rest_server_t *s, rest_listener_t *l, size_t *cap)
{
    mem_grow((void **)&s->listeners, cap, s->listener_count + 1, sizeof(*s->listeners));
    s->listeners[s->listener_count++] = l;
}

rest_server_t *rest_server_start(const worker_config_t *wc, const rest_route_t *routes, void *app,
                                 char *errstr, size_t errstr_size)
{
    const sluice_config_t *v = worker_config_values(wc);
    rest_server_t *s = mem_calloc(1, sizeof(*s));
    s->routes = routes;
    s->app = app;
    s->max_body = (uint64_t)sluice_config_get_long(v, "rest.request.max.bytes");
    s->threads = (unsigned)sluice_config_get_int(v, "rest.threads");
    const char *credentials = sluice_config_get_string(v, "rest.auth.credentials.file");
    if (credentials && *credentials && load_credentials(s, credentials, errstr, errstr_size) != 0)
        goto fail;
    load_cors(s, v);
    if (parse_header_rules(s, sluice_config_get_string(v, "response.http.headers.config"), errstr,
                           errstr_size) != 0)
        goto fail;

    /* admin.listeners: unset serves admin routes on the listeners, empty
     * disables them, a list serves them there only */
    bool admin_set = !sluice_config_is_null(v, "admin.listeners");
    const char *const *admin_items = NULL;
    size_t admin_count = admin_set ? sluice_config_get_list(v, "admin.listeners", &admin_items) : 0;
    const char *const *items = NULL;
    size_t count = worker_config_listeners(wc, &items);
    size_t cap = 0;
    for (size_t i = 0; i < count; i++) {
        rest_listener_t *l =
            listener_start(s, wc, items[i], false, !admin_set, errstr, errstr_size);
        if (!l)
            goto fail;
        add_listener(s, l, &cap);
    }
    s->regular_count = s->listener_count;
    for (size_t i = 0; i < admin_count; i++) {
        if (!admin_items[i][0])
            continue;
        rest_listener_t *l =
            listener_start(s, wc, admin_items[i], true, false, errstr, errstr_size);
        if (!l)
            goto fail;
        add_listener(s, l, &cap);
    }
    if (admin_set && s->listener_count == s->regular_count)
        log_info(NULL, REST_LOGGER, "admin.listeners is empty: the admin REST resources are off");
    return s;
fail:
    server_free(s);
    return NULL;
}

int rest_server_port(const rest_server_t *server, size_t i)
{
    return server && i < server->regular_count ? server->listeners[i]->port : -1;
}

int rest_server_admin_port(const rest_server_t *server, size_t i)
{
    if (!server || i >= server->listener_count - server->regular_count)
        return -1;
    return server->listeners[server->regular_count + i]->port;
}

const char *rest_server_url(const rest_server_t *server)
{
    return server && server->regular_count ? server->listeners[0]->url : NULL;
}

void rest_server_stop(rest_server_t *server)
{
    if (!server)
        return;
    server_free(server);
}
