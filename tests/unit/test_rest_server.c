/*
 * The REST server core: a small route table served on 127.0.0.1 (port 0),
 * driven with raw HTTP/1.1 over sockets, and with curl for HTTPS. Checks
 * the rules every endpoint relies on: routing, decoding, media types, size
 * limit, authentication, CORS, extra headers, admin listeners, TLS, and
 * that bad input neither crashes the server nor reaches a handler.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <sluice/sluice.h>

#include "log.h"
#include "server.h"
#include "test_util.h"
#include "worker_config.h"

static char dir[64];
static char errstr[4096];
static atomic_int handler_calls;

/* ---- the test routes -------------------------------------------------------- */

static void h_root(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    atomic_fetch_add(&handler_calls, 1);
    json_t *o = json_object();
    json_object_set_new(o, "version", json_string("1"));
    json_object_set_new(o, "method", json_string(rest_request_method(req)));
    rest_reply(resp, 200, o);
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void h_echo(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    atomic_fetch_add(&handler_calls, 1);
    json_t *o = json_object();
    json_object_set_new(o, "a", string_or_null(rest_request_param(req, 0)));
    json_object_set_new(o, "b", string_or_null(rest_request_param(req, 1)));
    json_object_set_new(o, "c", string_or_null(rest_request_param(req, 2)));
    json_object_set_new(o, "q", string_or_null(rest_request_query(req, "q")));
    json_object_set_new(o, "flag", string_or_null(rest_request_query(req, "flag")));
    json_object_set_new(o, "missing", string_or_null(rest_request_query(req, "missing")));
    const char *const *values = NULL;
    size_t n = rest_request_query_all(req, "e", &values);
    json_t *e = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(e, json_string(values[i]));
    json_object_set_new(o, "e", e);
    json_object_set_new(o, "path", json_string(rest_request_path(req)));
    rest_reply(resp, 200, o);
}

static void h_body(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    atomic_fetch_add(&handler_calls, 1);
    json_t *body = rest_request_body(req);
    json_t *o = json_object();
    json_object_set_new(o, "body", body ? json_incref(body) : json_null());
    rest_reply(resp, 201, o);
    resp->location = strdup("/body/a%2Fb");
}

static void h_nobody(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    (void)req;
    (void)resp;
    atomic_fetch_add(&handler_calls, 1);
}

static void h_delete(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    (void)req;
    atomic_fetch_add(&handler_calls, 1);
    resp->status = 204;
}

static void h_conflict(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    (void)req;
    atomic_fetch_add(&handler_calls, 1);
    rest_error(resp, 409, "Connector %s already exists", "x");
}

static void h_admin(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    (void)req;
    atomic_fetch_add(&handler_calls, 1);
    rest_reply(resp, 200, json_pack("{s:b}", "admin", 1));
}

static void h_header(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    atomic_fetch_add(&handler_calls, 1);
    rest_reply(resp, 200,
               json_pack("{s:o}", "x", string_or_null(rest_request_header(req, "x-test"))));
}

static const rest_route_t routes[] = {
    {"GET", "/", h_root, 0},
    {"GET", "/echo/{}/x/{}", h_echo, 0},
    {"POST", "/body", h_body, REST_ROUTE_BODY},
    {"PUT", "/body", h_body, REST_ROUTE_BODY},
    {"GET", "/nobody", h_nobody, 0},
    {"DELETE", "/nobody", h_delete, 0},
    {"GET", "/conflict", h_conflict, 0},
    {"GET", "/header", h_header, 0},
    {"GET", "/admin/loggers", h_admin, REST_ROUTE_ADMIN},
    {NULL, NULL, NULL, 0},
};

/* ---- helpers ---------------------------------------------------------------- */

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/rest-server-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int suite_clean(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
    static char paths[4][256];
    static int slot;
    char *path = paths[slot++ % 4];
    snprintf(path, 256, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A worker config of the base keys plus kv (NULL-terminated pairs). */
static worker_config_t *config_of(const char *const *kv)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
    sluice_strmap_set(props, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    sluice_strmap_set(props, "offset.storage.file.filename", "/tmp/rest-server-test.offsets");
    sluice_strmap_set(props, "listeners", "http://127.0.0.1:0");
    for (size_t i = 0; kv && kv[i]; i += 2)
        sluice_strmap_set(props, kv[i], kv[i + 1]);
    worker_config_t *wc =
        worker_config_new(props, WORKER_MODE_STANDALONE, NULL, "test", errstr, sizeof errstr);
    sluice_strmap_destroy(props);
    if (!wc)
        fprintf(stderr, "\n  worker config: %s\n", errstr);
    return wc;
}

/* Starts a server with kv; the config goes in *wc_out (destroy it after the
 * server). NULL when it did not start (errstr says why). */
static rest_server_t *start(const char *const *kv, worker_config_t **wc_out)
{
    worker_config_t *wc = config_of(kv);
    *wc_out = wc;
    if (!wc)
        return NULL;
    errstr[0] = '\0';
    return rest_server_start(wc, routes, NULL, errstr, sizeof errstr);
}

static void stop(rest_server_t *s, worker_config_t *wc)
{
    rest_server_stop(s);
    worker_config_destroy(wc);
}

typedef struct http_resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t body_len;
} http_resp_t;

static void resp_free(http_resp_t *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

/* Sends raw[0..len) to 127.0.0.1:port (then shuts the write side when
 * shut_write, as a client that gives up) and reads until the server closes;
 * r->status is 0 when no HTTP answer came. */
static void send_raw_ex(int port, const char *raw, size_t len, bool shut_write, http_resp_t *r)
{
    memset(r, 0, sizeof(*r));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_FATAL(fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        fprintf(stderr, "\n  connect to port %d: %s\n", port, strerror(errno));
        close(fd);
        return;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, raw + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    if (shut_write)
        shutdown(fd, SHUT_WR);
    size_t cap = 4096, got = 0;
    char *buf = malloc(cap);
    while (true) {
        if (got + 1024 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = recv(fd, buf + got, cap - got - 1, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.", 7) == 0 && end) {
        r->status = atoi(buf + 9);
        r->head = strndup(buf, (size_t)(end - buf + 2));
        r->body_len = got - (size_t)(end + 4 - buf);
        r->body = malloc(r->body_len + 1);
        memcpy(r->body, end + 4, r->body_len);
        r->body[r->body_len] = '\0';
    }
    free(buf);
}

static void send_raw(int port, const char *raw, size_t len, http_resp_t *r)
{
    send_raw_ex(port, raw, len, false, r);
}

/* method path, extra header lines ("Name: value\r\n"…) and a body. */
static void request(int port, const char *method, const char *path, const char *headers,
                    const char *body, http_resp_t *r)
{
    char *raw = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&raw, &len);
    fprintf(f, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s", method, path,
            port, headers ? headers : "");
    if (body)
        fprintf(f, "Content-Length: %zu\r\n", strlen(body));
    fprintf(f, "\r\n%s", body ? body : "");
    fclose(f);
    send_raw(port, raw, len, r);
    free(raw);
}

/* The value of header name in r (a static buffer), or NULL. */
static const char *header_of(const http_resp_t *r, const char *name)
{
    static char value[1024];
    size_t nlen = strlen(name);
    for (const char *line = r->head ? strstr(r->head, "\r\n") : NULL; line && line[2];
         line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nlen) == 0 && h[nlen] == ':') {
            const char *v = h + nlen + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)strcspn(v, "\r"), v);
            return value;
        }
    }
    return NULL;
}

#define ASSERT_BODY(r, expected)                                                                   \
    do {                                                                                           \
        const char *b_ = (r)->body ? (r)->body : "(none)";                                         \
        if (strcmp(b_, (expected)) != 0)                                                           \
            fprintf(stderr, "\n  body %s, expected %s\n", b_, (expected));                         \
        CU_ASSERT_STRING_EQUAL(b_, (expected));                                                    \
    } while (0)

#define ASSERT_HEADER(r, name, expected)                                                           \
    do {                                                                                           \
        const char *v_ = header_of((r), (name));                                                   \
        if (!v_ || strcmp(v_, (expected)) != 0)                                                    \
            fprintf(stderr, "\n  header %s: %s, expected %s\n", (name), v_ ? v_ : "(none)",        \
                    (expected));                                                                   \
        CU_ASSERT_PTR_NOT_NULL(v_);                                                                \
        if (v_)                                                                                    \
            CU_ASSERT_STRING_EQUAL(v_, (expected));                                                \
    } while (0)

/* ---- tests ------------------------------------------------------------------ */

static void test_routing(void)
{
    worker_config_t *wc;
    /* with the per-request DEBUG lines on */
    sluice_log_level_t level = log_get_level();
    log_set_level(SLUICE_LOG_DEBUG);
    rest_server_t *s = start(NULL, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    CU_ASSERT(port > 0);
    CU_ASSERT_EQUAL(rest_server_port(s, 1), -1);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    CU_ASSERT_STRING_EQUAL(rest_server_url(s), url);
    http_resp_t r;

    request(port, "GET", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    ASSERT_BODY(&r, "{\"version\":\"1\",\"method\":\"GET\"}");
    resp_free(&r);

    request(port, "GET", "/nope", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    ASSERT_BODY(&r, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
    resp_free(&r);

    request(port, "GET", "/body", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 405);
    ASSERT_HEADER(&r, "Allow", "POST, PUT, OPTIONS");
    ASSERT_BODY(&r, "{\"error_code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}");
    resp_free(&r);

    request(port, "OPTIONS", "/nobody", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_HEADER(&r, "Allow", "GET, DELETE, HEAD, OPTIONS");
    resp_free(&r);

    /* HEAD runs the GET route without the body */
    request(port, "HEAD", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body_len, 0);
    ASSERT_HEADER(&r, "Content-Length", "31"); /* {"version":"1","method":"HEAD"} */
    resp_free(&r);

    /* a 2xx without a body is empty, without Content-Type */
    request(port, "GET", "/nobody", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body_len, 0);
    CU_ASSERT_PTR_NULL(header_of(&r, "Content-Type"));
    resp_free(&r);
    request(port, "DELETE", "/nobody", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 204);
    CU_ASSERT_EQUAL(r.body_len, 0);
    resp_free(&r);

    request(port, "GET", "/conflict", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 409);
    ASSERT_BODY(&r, "{\"error_code\":409,\"message\":\"Connector x already exists\"}");
    resp_free(&r);

    request(port, "GET", "/header", "X-Test: hello\r\n", NULL, &r);
    ASSERT_BODY(&r, "{\"x\":\"hello\"}");
    resp_free(&r);

    /* one trailing slash is the same resource; an empty segment is not */
    request(port, "GET", "/echo/a/x/b/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    request(port, "GET", "/echo//x/b", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    stop(s, wc);
    log_set_level(level);
}

static void test_params(void)
{
    worker_config_t *wc;
    rest_server_t *s = start(NULL, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    http_resp_t r;

    request(port, "GET", "/echo/a%2Fb/x/c%20d+e?q=1+2%21&e=one&flag&e=t%26o&e=", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_BODY(&r, "{\"a\":\"a/b\",\"b\":\"c d+e\",\"c\":null,\"q\":\"1 2!\",\"flag\":\"\","
                    "\"missing\":null,\"e\":[\"one\",\"t&o\",\"\"],"
                    "\"path\":\"/echo/a%2Fb/x/c%20d+e\"}");
    resp_free(&r);

    /* UTF-8 passes; bad escapes, NUL and non-UTF-8 are 400 naming the part */
    request(port, "GET", "/echo/%C3%A9/x/b", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_CONTAINS(r.body, "\"a\":\"\xC3\xA9\"");
    resp_free(&r);
    int calls = atomic_load(&handler_calls);
    static const struct {
        const char *path;
        const char *named;
    } bad[] = {
        {"/echo/a%zz/x/b", "'a%zz'"},     {"/echo/a/x/b%2", "'b%2'"},
        {"/echo/a%00b/x/b", "'a%00b'"},   {"/echo/%FF/x/b", "'%FF'"},
        {"/echo/a/x/b?q=%G1", "'q=%G1'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        request(port, "GET", bad[i].path, NULL, NULL, &r);
        CU_ASSERT_EQUAL(r.status, 400);
        ASSERT_CONTAINS(r.body, "\"error_code\":400");
        ASSERT_CONTAINS(r.body, bad[i].named);
        resp_free(&r);
    }
    CU_ASSERT_EQUAL(atomic_load(&handler_calls), calls);
    stop(s, wc);
}

static void test_bodies(void)
{
    const char *const kv[] = {"rest.request.max.bytes", "1024", NULL};
    worker_config_t *wc;
    rest_server_t *s = start(kv, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    http_resp_t r;
    char location[128];
    snprintf(location, sizeof location, "http://127.0.0.1:%d/body/a%%2Fb", port);

    request(port, "POST", "/body", "Content-Type: Application/JSON; charset=UTF-8\r\n",
            "{\"name\":\"x\",\"config\":{\"b\":\"2\",\"a\":\"1\"}}", &r);
    CU_ASSERT_EQUAL(r.status, 201);
    ASSERT_BODY(&r, "{\"body\":{\"name\":\"x\",\"config\":{\"b\":\"2\",\"a\":\"1\"}}}");
    ASSERT_HEADER(&r, "Location", location);
    resp_free(&r);

    /* an empty body is NULL; a JSON list is passed on */
    request(port, "PUT", "/body", "Content-Type: application/json\r\n", "", &r);
    CU_ASSERT_EQUAL(r.status, 201);
    ASSERT_BODY(&r, "{\"body\":null}");
    resp_free(&r);
    request(port, "PUT", "/body", "Content-Type: application/json\r\n", "[1,2]", &r);
    ASSERT_BODY(&r, "{\"body\":[1,2]}");
    resp_free(&r);

    /* Accept with a wildcard passes */
    request(port, "POST", "/body",
            "Content-Type: application/json\r\nAccept: text/html, */*;q=0.1\r\n", "{}", &r);
    CU_ASSERT_EQUAL(r.status, 201);
    resp_free(&r);

    int calls = atomic_load(&handler_calls);
    request(port, "POST", "/body", "Content-Type: text/plain\r\n", "{}", &r);
    CU_ASSERT_EQUAL(r.status, 415);
    ASSERT_BODY(&r, "{\"error_code\":415,\"message\":\"HTTP 415 Unsupported Media Type\"}");
    resp_free(&r);
    request(port, "POST", "/body", NULL, "{}", &r); /* no Content-Type at all */
    CU_ASSERT_EQUAL(r.status, 415);
    resp_free(&r);

    request(port, "POST", "/body", "Content-Type: application/json\r\nAccept: text/html\r\n", "{}",
            &r);
    CU_ASSERT_EQUAL(r.status, 406);
    ASSERT_BODY(&r, "{\"error_code\":406,\"message\":\"HTTP 406 Not Acceptable\"}");
    resp_free(&r);
    request(port, "GET", "/", "Accept: application/json;q=0, text/plain\r\n", NULL, &r);
    CU_ASSERT_EQUAL(r.status, 406);
    resp_free(&r);

    request(port, "POST", "/body", "Content-Type: application/json\r\n",
            "{\n  \"a\": \"1\",\n  \"b\": nope\n}", &r);
    CU_ASSERT_EQUAL(r.status, 400);
    ASSERT_CONTAINS(r.body, "\"message\":\"Invalid JSON in the request body at line 3 column");
    resp_free(&r);
    request(port, "POST", "/body", "Content-Type: application/json\r\n", "{\"a\":", &r);
    CU_ASSERT_EQUAL(r.status, 400);
    resp_free(&r);

    /* too large by Content-Length: refused from the headers alone, before
     * any of the body is sent */
    const char big_head[] = "POST /body HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            "Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n";
    send_raw(port, big_head, strlen(big_head), &r);
    CU_ASSERT_EQUAL(r.status, 413);
    ASSERT_BODY(&r, "{\"error_code\":413,\"message\":\"The request body is larger than "
                    "rest.request.max.bytes (1024 bytes)\"}");
    resp_free(&r);

    /* too large in chunks: 413 once read */
    char chunked[4096];
    char filler[801];
    memset(filler, ' ', 800);
    filler[800] = '\0';
    snprintf(chunked, sizeof chunked,
             "POST /body HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
             "320\r\n%s\r\n320\r\n%s\r\n0\r\n\r\n",
             filler, filler);
    send_raw(port, chunked, strlen(chunked), &r);
    CU_ASSERT_EQUAL(r.status, 413);
    resp_free(&r);
    CU_ASSERT_EQUAL(atomic_load(&handler_calls), calls);

    /* chunks within the limit are joined */
    const char small_chunks[] = "POST /body HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                "\r\n3\r\n{\"a\r\n5\r\n\":12}\r\n0\r\n\r\n";
    send_raw(port, small_chunks, strlen(small_chunks), &r);
    CU_ASSERT_EQUAL(r.status, 201);
    ASSERT_BODY(&r, "{\"body\":{\"a\":12}}");
    resp_free(&r);
    stop(s, wc);
}

static void test_auth(void)
{
    const char *file = write_file("credentials", "# users\n"
                                                 "\n"
                                                 "alice: s3cret,admin,operator\n"
                                                 "bob:pw:with:colons\n");
    const char *const kv[] = {"rest.auth.credentials.file", file, NULL};
    worker_config_t *wc;
    rest_server_t *s = start(kv, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    http_resp_t r;
    int calls = atomic_load(&handler_calls);

    request(port, "GET", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 401);
    ASSERT_HEADER(&r, "WWW-Authenticate", "Basic realm=\"sluice\"");
    ASSERT_CONTAINS(r.body, "\"error_code\":401");
    resp_free(&r);
    static const char *const refused[] = {
        "Authorization: Basic YWxpY2U6d3Jvbmc=\r\n",         /* alice:wrong */
        "Authorization: Basic YWxpY2U6czNjcmV0LGFkbWlu\r\n", /* alice:s3cret,admin */
        "Authorization: Basic bWFsbG9yeTpzM2NyZXQ=\r\n",     /* mallory:s3cret */
        "Authorization: Basic !!!notbase64\r\n",             /* garbage */
        "Authorization: Bearer YWxpY2U6czNjcmV0\r\n",        /* another scheme */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        request(port, "GET", "/", refused[i], NULL, &r);
        CU_ASSERT_EQUAL(r.status, 401);
        resp_free(&r);
    }
    CU_ASSERT_EQUAL(atomic_load(&handler_calls), calls);

    request(port, "GET", "/", "Authorization: Basic YWxpY2U6czNjcmV0\r\n", NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200); /* alice:s3cret */
    resp_free(&r);
    request(port, "GET", "/", "Authorization: basic Ym9iOnB3OndpdGg6Y29sb25z\r\n", NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200); /* bob:pw:with:colons */
    resp_free(&r);
    stop(s, wc);

    /* a missing file stops the start, naming the key */
    const char *const missing[] = {"rest.auth.credentials.file", "/nonexistent/creds", NULL};
    s = start(missing, &wc);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_CONTAINS(errstr, "rest.auth.credentials.file: /nonexistent/creds: No such file");
    stop(s, wc);
}

static void test_cors(void)
{
    const char *const kv[] = {"access.control.allow.origin",
                              "http://a.example, https://*.b.example", NULL};
    worker_config_t *wc;
    rest_server_t *s = start(kv, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    http_resp_t r;

    request(port, "OPTIONS", "/body",
            "Origin: http://a.example\r\nAccess-Control-Request-Method: POST\r\n"
            "Access-Control-Request-Headers: content-type\r\n",
            NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_HEADER(&r, "Access-Control-Allow-Origin", "http://a.example");
    ASSERT_HEADER(&r, "Access-Control-Allow-Methods", "GET,POST,HEAD");
    ASSERT_CONTAINS(header_of(&r, "Access-Control-Allow-Headers"), "Content-Type");
    resp_free(&r);

    /* a method outside access.control.allow.methods gets no CORS answer */
    request(port, "OPTIONS", "/body",
            "Origin: http://a.example\r\nAccess-Control-Request-Method: PUT\r\n", NULL, &r);
    CU_ASSERT_PTR_NULL(header_of(&r, "Access-Control-Allow-Methods"));
    resp_free(&r);

    request(port, "GET", "/", "Origin: https://x.b.example\r\n", NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_HEADER(&r, "Access-Control-Allow-Origin", "https://x.b.example");
    resp_free(&r);
    request(port, "GET", "/nope", "Origin: http://a.example\r\n", NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    ASSERT_HEADER(&r, "Access-Control-Allow-Origin", "http://a.example");
    resp_free(&r);
    request(port, "GET", "/", "Origin: http://evil.example\r\n", NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_PTR_NULL(header_of(&r, "Access-Control-Allow-Origin"));
    resp_free(&r);
    stop(s, wc);

    /* '*' and a configured method list */
    const char *const star[] = {"access.control.allow.origin", "*", "access.control.allow.methods",
                                "GET,PUT,DELETE", NULL};
    s = start(star, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    port = rest_server_port(s, 0);
    request(port, "OPTIONS", "/body",
            "Origin: http://any.example\r\nAccess-Control-Request-Method: PUT\r\n", NULL, &r);
    ASSERT_HEADER(&r, "Access-Control-Allow-Origin", "http://any.example");
    ASSERT_HEADER(&r, "Access-Control-Allow-Methods", "GET,PUT,DELETE");
    resp_free(&r);
    stop(s, wc);

    /* CORS off: no header */
    s = start(NULL, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    port = rest_server_port(s, 0);
    request(port, "GET", "/", "Origin: http://a.example\r\n", NULL, &r);
    CU_ASSERT_PTR_NULL(header_of(&r, "Access-Control-Allow-Origin"));
    resp_free(&r);
    stop(s, wc);
}

static void test_response_headers(void)
{
    const char *const kv[] = {"response.http.headers.config",
                              "set X-Frame-Options: DENY, add X-Extra: 1,"
                              "\"add Cache-Control: no-cache, no-store\", setDate Expires: 0",
                              NULL};
    worker_config_t *wc;
    rest_server_t *s = start(kv, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    http_resp_t r;
    for (int i = 0; i < 2; i++) {
        request(port, "GET", i ? "/nope" : "/", NULL, NULL, &r);
        CU_ASSERT_EQUAL(r.status, i ? 404 : 200);
        ASSERT_HEADER(&r, "X-Frame-Options", "DENY");
        ASSERT_HEADER(&r, "X-Extra", "1");
        ASSERT_HEADER(&r, "Cache-Control", "no-cache, no-store");
        ASSERT_CONTAINS(header_of(&r, "Expires"), " GMT");
        resp_free(&r);
    }
    stop(s, wc);

    static const char *const bad[] = {"set X-Frame-Options DENY", "put X-A: b", "set : b",
                                      "set X A: b", "addDate X-A: soon"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const badkv[] = {"response.http.headers.config", bad[i], NULL};
        s = start(badkv, &wc);
        CU_ASSERT_PTR_NULL(s);
        ASSERT_CONTAINS(errstr, "response.http.headers.config: ");
        stop(s, wc);
    }
}

static void test_admin_listeners(void)
{
    http_resp_t r;
    worker_config_t *wc;

    /* a separate admin listener serves only the admin routes */
    const char *const sep[] = {"admin.listeners", "http://127.0.0.1:0", NULL};
    rest_server_t *s = start(sep, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    int admin = rest_server_admin_port(s, 0);
    CU_ASSERT(admin > 0 && admin != port);
    CU_ASSERT_EQUAL(rest_server_admin_port(s, 1), -1);
    request(admin, "GET", "/admin/loggers", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_BODY(&r, "{\"admin\":true}");
    resp_free(&r);
    request(admin, "GET", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    request(port, "GET", "/admin/loggers", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    stop(s, wc);

    /* empty: disabled */
    const char *const off[] = {"admin.listeners", "", NULL};
    s = start(off, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(rest_server_admin_port(s, 0), -1);
    request(rest_server_port(s, 0), "GET", "/admin/loggers", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    stop(s, wc);

    /* unset: on the listeners */
    s = start(NULL, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    request(rest_server_port(s, 0), "GET", "/admin/loggers", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    stop(s, wc);
}

/* Runs curl -sk on url; returns its output (body then " <status>"), static. */
static const char *curl_https(const char *url)
{
    static char out[4096];
    char cmd[512];
    snprintf(cmd, sizeof cmd, "curl -sk --max-time 10 -w ' %%{http_code}' '%s' 2>&1", url);
    FILE *p = popen(cmd, "r");
    if (!p)
        return "";
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    return out;
}

static void test_https(void)
{
    char cert[128], key[128], keystore[128], cmd[1024];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(keystore, sizeof keystore, "%s/keystore.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 "
             "-keyout '%s' -out '%s' >/dev/null 2>&1 && cat '%s' '%s' > '%s'",
             key, cert, cert, key, keystore);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

    /* one PEM keystore with the chain and the key */
    const char *const kv[] = {"listeners", "https://127.0.0.1:0",
                              "listeners.https.ssl.keystore.location", keystore, NULL};
    worker_config_t *wc;
    rest_server_t *s = start(kv, &wc);
    if (!s)
        fprintf(stderr, "\n  start: %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(strncmp(rest_server_url(s), "https://127.0.0.1:", 18), 0);
    CU_ASSERT_STRING_EQUAL(curl_https(rest_server_url(s)),
                           "{\"version\":\"1\",\"method\":\"GET\"} 200");
    stop(s, wc);

    /* certificate and key apart, with the unprefixed keys */
    const char *const pair[] = {"listeners", "https://127.0.0.1:0", "ssl.certificate.location",
                                cert,        "ssl.key.location",    key,
                                NULL};
    s = start(pair, &wc);
    if (!s)
        fprintf(stderr, "\n  start: %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/nope", rest_server_port(s, 0));
    CU_ASSERT_STRING_EQUAL(curl_https(url),
                           "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"} 404");
    stop(s, wc);

    /* an encrypted key with its password */
    char encrypted[128];
    snprintf(encrypted, sizeof encrypted, "%s/encrypted.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:pem-pw -in '%s' -out '%s' "
             ">/dev/null 2>&1",
             key, encrypted);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    const char *const secret[] = {"listeners",
                                  "https://127.0.0.1:0",
                                  "listeners.https.ssl.certificate.location",
                                  cert,
                                  "listeners.https.ssl.key.location",
                                  encrypted,
                                  "listeners.https.ssl.key.password",
                                  "pem-pw",
                                  NULL};
    s = start(secret, &wc);
    if (!s)
        fprintf(stderr, "\n  start: %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(curl_https(rest_server_url(s)),
                           "{\"version\":\"1\",\"method\":\"GET\"} 200");
    stop(s, wc);

    /* no key material, a missing file, a file without a key */
    const char *const none[] = {"listeners", "https://127.0.0.1:0", NULL};
    s = start(none, &wc);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_CONTAINS(errstr, "listeners.https.ssl.keystore.location");
    stop(s, wc);
    const char *const missing[] = {"listeners", "https://127.0.0.1:0",
                                   "listeners.https.ssl.keystore.location", "/nonexistent.pem",
                                   NULL};
    s = start(missing, &wc);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_CONTAINS(errstr,
                    "listeners.https.ssl.keystore.location: /nonexistent.pem: No such file");
    stop(s, wc);
    const char *const nokey[] = {"listeners", "https://127.0.0.1:0",
                                 "listeners.https.ssl.keystore.location", cert, NULL};
    s = start(nokey, &wc);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_CONTAINS(errstr, "no PEM private key");
    stop(s, wc);
}

static void test_bad_input(void)
{
    worker_config_t *wc;
    rest_server_t *s = start(NULL, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int port = rest_server_port(s, 0);
    int calls = atomic_load(&handler_calls);
    http_resp_t r;

    static const char nul_line[] = "GET /a\0b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_raw(port, nul_line, sizeof nul_line - 1, &r);
    resp_free(&r);
    static const char binary[] = "\x00\x01\x02\xff\r\n\r\n";
    send_raw_ex(port, binary, sizeof binary - 1, true, &r);
    resp_free(&r);
    /* requests cut short: in the headers, and in the body */
    static const char cut_head[] = "GET /echo/a/x/b HTTP/1.1\r\nHost: x\r\nX-Half: ";
    send_raw_ex(port, cut_head, sizeof cut_head - 1, true, &r);
    resp_free(&r);
    static const char cut_body[] = "POST /body HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                   "application/json\r\nContent-Length: 10\r\n\r\n{\"a\"";
    send_raw_ex(port, cut_body, sizeof cut_body - 1, true, &r);
    resp_free(&r);

    /* huge headers and a huge target are refused by libmicrohttpd */
    size_t big = 200 * 1024;
    char *raw = malloc(big + 256);
    int n = snprintf(raw, 256, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ");
    memset(raw + n, 'a', big);
    memcpy(raw + n + big, "\r\n\r\n", 5);
    send_raw(port, raw, strlen(raw), &r);
    CU_ASSERT(r.status == 0 || r.status >= 400);
    resp_free(&r);
    n = snprintf(raw, 256, "GET /echo/");
    memset(raw + n, 'b', big);
    memcpy(raw + n + big, " HTTP/1.1\r\n\r\n", 14);
    send_raw(port, raw, strlen(raw), &r);
    CU_ASSERT(r.status == 0 || r.status >= 400);
    resp_free(&r);
    free(raw);

    /* a non-origin target and an absolute one */
    request(port, "GET", "*", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    CU_ASSERT_EQUAL(atomic_load(&handler_calls), calls);
    request(port, "GET", "http://127.0.0.1/echo/a/x/b?q=1", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    ASSERT_CONTAINS(r.body, "\"q\":\"1\"");
    resp_free(&r);

    /* a body sent to a route that takes none is ignored */
    request(port, "GET", "/", "Content-Type: text/plain\r\n", "hello", &r);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);

    /* still serving */
    request(port, "GET", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    stop(s, wc);
}

static void test_start_errors(void)
{
    worker_config_t *wc, *wc2;
    rest_server_t *s = start(NULL, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char taken[64];
    snprintf(taken, sizeof taken, "http://127.0.0.1:%d", rest_server_port(s, 0));
    const char *const kv[] = {"listeners", taken, NULL};
    rest_server_t *s2 = start(kv, &wc2);
    CU_ASSERT_PTR_NULL(s2);
    char expected[128];
    snprintf(expected, sizeof expected, "listeners: %s: Address already in use", taken);
    ASSERT_CONTAINS(errstr, expected);
    stop(s2, wc2);
    stop(s, wc);

    /* two listeners: both bound, the first gives the URL */
    const char *const two[] = {"listeners", "http://127.0.0.1:0, http://localhost:0", NULL};
    s = start(two, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(rest_server_port(s, 1) > 0);
    http_resp_t r;
    request(rest_server_port(s, 1), "GET", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    stop(s, wc);

    /* an empty host listens on every interface */
    const char *const any[] = {"listeners", "http://:0", NULL};
    s = start(any, &wc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char url[64];
    snprintf(url, sizeof url, "http://localhost:%d/", rest_server_port(s, 0));
    CU_ASSERT_STRING_EQUAL(rest_server_url(s), url);
    request(rest_server_port(s, 0), "GET", "/", NULL, NULL, &r);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    stop(s, wc);

    /* the key table bounds rest.threads and rest.request.max.bytes */
    const char *const threads[] = {"rest.threads", "0", NULL};
    CU_ASSERT_PTR_NULL(config_of(threads));
    ASSERT_CONTAINS(errstr, "rest.threads");
    const char *const max[] = {"rest.request.max.bytes", "0", NULL};
    CU_ASSERT_PTR_NULL(config_of(max));
    ASSERT_CONTAINS(errstr, "rest.request.max.bytes");
    rest_server_stop(NULL);
}

void test_register(void)
{
    CU_pSuite suite = CU_add_suite("rest_server", suite_init, suite_clean);
    if (!suite)
        return;
    CU_add_test(suite, "routing, 404, 405, HEAD, OPTIONS, empty bodies", test_routing);
    CU_add_test(suite, "path params and query decoding", test_params);
    CU_add_test(suite, "JSON bodies: 415, 406, 400, 413, chunked", test_bodies);
    CU_add_test(suite, "Basic authentication", test_auth);
    CU_add_test(suite, "CORS preflight and headers", test_cors);
    CU_add_test(suite, "response.http.headers.config", test_response_headers);
    CU_add_test(suite, "admin.listeners", test_admin_listeners);
    CU_add_test(suite, "HTTPS with PEM key material", test_https);
    CU_add_test(suite, "bad input never crashes nor reaches a handler", test_bad_input);
    CU_add_test(suite, "start errors and several listeners", test_start_errors);
}
