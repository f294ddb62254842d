/*
 * The broker's network side: the listener, connections, request framing and
 * dispatch, and the ordered output queue that interleaves buffer bytes with
 * sendfile(2) ranges. Network thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "broker_internal.h"
#include "log.h"
#include "mem.h"
#include "server.h"

/* Stop reading a connection's requests while this much output is queued
 * (a slow consumer must not make the broker buffer without bound). */
#define CONN_OUTPUT_HIGH_WATER (16u * 1024 * 1024)
/* Read at most this much per readiness event, so one busy producer cannot
 * starve the other connections. */
#define CONN_READ_CHUNK (1u * 1024 * 1024)
/* A frame at least this large that starts the input buffer is handed to its
 * request with the buffer rather than copied out of it. */
#define CONN_HANDOVER_BYTES (64u * 1024)

typedef struct broker_out {
    struct broker_out *next;
    sluice_buf_t *buf;
    broker_proto_splices_t splices;
    size_t buf_sent;
    size_t splice_idx;
    size_t splice_sent;
    void (*on_sent)(void *arg);
    void *arg;
} broker_out_t;

struct broker_conn {
    broker_t *broker;
    broker_conn_t *prev, *next;
    int fd;
    char peer[64]; /* "127.0.0.1:53422", for log lines */
    char host[64]; /* "/127.0.0.1" */
    uint8_t *in;
    size_t in_off; /* consumed prefix of in */
    size_t in_len;
    size_t in_cap;
    size_t in_want; /* bytes the frame being received needs in all (0: unknown) */
    broker_out_t *out_head, *out_tail;
    size_t out_bytes;
    broker_request_t *current; /* the request being served; no other is read meanwhile */
    unsigned events;
    int depth;        /* > 0 while a server function works on the connection */
    bool close_after; /* close once the output is sent */
    bool dead;        /* closed; freed when depth drops to 0 */
};

int64_t broker_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void conn_on_event(broker_loop_t *loop, int fd, unsigned events, void *arg);
static void conn_process(broker_conn_t *conn);

static void out_free(broker_out_t *o)
{
    if (o->on_sent)
        o->on_sent(o->arg);
    sluice_buf_destroy(o->buf);
    broker_proto_splices_destroy(&o->splices);
    free(o);
}

static void conn_free(broker_conn_t *conn)
{
    free(conn->in);
    free(conn);
}

/* Closes the connection now; the struct goes once nothing is using it. */
static void conn_close(broker_conn_t *conn, const char *why)
{
    if (conn->dead)
        return;
    broker_t *b = conn->broker;
    if (why)
        log_debug(NULL, "broker", "Closing connection from %s: %s", conn->peer, why);
    conn->dead = true;
    broker_loop_del_fd(b->loop, conn->fd);
    close(conn->fd);
    while (conn->out_head) {
        broker_out_t *o = conn->out_head;
        conn->out_head = o->next;
        out_free(o);
    }
    conn->out_tail = NULL;
    if (conn->current) {
        broker_request_t *req = conn->current;
        conn->current = NULL;
        req->conn = NULL;
        if (req->cancel)
            req->cancel(req); /* the handler drops and frees it */
    }
    if (conn->prev)
        conn->prev->next = conn->next;
    else
        b->conns = conn->next;
    if (conn->next)
        conn->next->prev = conn->prev;
    if (conn->depth == 0)
        conn_free(conn);
}

static void conn_release(broker_conn_t *conn)
{
    if (--conn->depth == 0 && conn->dead)
        conn_free(conn);
}

static void conn_want(broker_conn_t *conn, unsigned events)
{
    if (conn->dead || conn->events == events)
        return;
    conn->events = events;
    broker_loop_set_events(conn->broker->loop, conn->fd, events);
}

/* Sends what the socket takes. Returns -1 when the connection failed. */
static int conn_flush(broker_conn_t *conn)
{
    while (conn->out_head) {
        broker_out_t *o = conn->out_head;
        size_t buf_len = sluice_buf_len(o->buf);
        size_t boundary =
            o->splice_idx < o->splices.count ? o->splices.items[o->splice_idx].at : buf_len;
        if (o->buf_sent < boundary) {
            ssize_t n = send(conn->fd, sluice_buf_data(o->buf) + o->buf_sent,
                             boundary - o->buf_sent, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return 0;
                if (errno == EINTR)
                    continue;
                return -1;
            }
            o->buf_sent += (size_t)n;
            conn->out_bytes -= (size_t)n;
            continue;
        }
        if (o->splice_idx < o->splices.count) {
            const broker_proto_file_range_t *r = &o->splices.items[o->splice_idx].range;
            if (o->splice_sent < r->len) {
                off_t pos = (off_t)(r->pos + (int64_t)o->splice_sent);
                ssize_t n = sendfile(conn->fd, r->fd, &pos, r->len - o->splice_sent);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK)
                        return 0;
                    if (errno == EINTR)
                        continue;
                    return -1;
                }
                if (n == 0) /* the file is shorter than promised: the frame is now wrong */
                    return -1;
                o->splice_sent += (size_t)n;
                conn->out_bytes -= (size_t)n;
                continue;
            }
            o->splice_idx++;
            o->splice_sent = 0;
            continue;
        }
        conn->out_head = o->next;
        if (!conn->out_head)
            conn->out_tail = NULL;
        out_free(o);
    }
    return 0;
}

/* Flushes and sets the interest flags from what is left to do. */
static void conn_update(broker_conn_t *conn)
{
    if (conn->dead)
        return;
    if (conn_flush(conn) < 0) {
        conn_close(conn, strerror(errno));
        return;
    }
    if (!conn->out_head && conn->close_after) {
        conn_close(conn, "closed after its last response");
        return;
    }
    unsigned ev = 0;
    if (conn->out_head)
        ev |= BROKER_LOOP_WRITE;
    if (!conn->close_after && conn->out_bytes < CONN_OUTPUT_HIGH_WATER)
        ev |= BROKER_LOOP_READ;
    conn_want(conn, ev);
}

static void conn_enqueue(broker_conn_t *conn, sluice_buf_t *buf, broker_proto_splices_t *splices,
                         void (*on_sent)(void *), void *arg)
{
    broker_out_t *o = mem_calloc(1, sizeof(*o));
    o->buf = buf;
    if (splices) {
        o->splices = *splices;
        memset(splices, 0, sizeof(*splices));
    }
    o->on_sent = on_sent;
    o->arg = arg;
    conn->out_bytes += sluice_buf_len(buf) + o->splices.total_len;
    if (conn->out_tail)
        conn->out_tail->next = o;
    else
        conn->out_head = o;
    conn->out_tail = o;
}

/* ---- requests ------------------------------------------------------------ */

sluice_buf_t *broker_response_begin(broker_request_t *req, size_t *frame_offset)
{
    sluice_buf_t *buf = sluice_buf_new();
    *frame_offset = broker_proto_response_begin(buf, req->hdr.correlation_id);
    if (broker_proto_response_header_version(req->hdr.request_api_key,
                                             req->hdr.request_api_version) >= 1)
        broker_proto_write_empty_tagged_fields(buf);
    return buf;
}

void broker_request_free(broker_request_t *req)
{
    if (!req)
        return;
    free(req->frame_alloc);
    free(req);
}

/* The connection's current request is over: serve the next one. */
static void request_finish(broker_request_t *req)
{
    broker_conn_t *conn = req->conn;
    broker_request_free(req);
    if (!conn || conn->dead)
        return;
    if (conn->current == req)
        conn->current = NULL;
    conn->depth++;
    conn_update(conn);
    conn_process(conn);
    conn_release(conn);
}

void broker_request_respond(broker_request_t *req, sluice_buf_t *buf, size_t frame_offset,
                            broker_proto_splices_t *splices, void (*on_sent)(void *arg), void *arg)
{
    broker_conn_t *conn = req->conn;
    if (!conn || conn->dead) {
        if (on_sent)
            on_sent(arg);
        sluice_buf_destroy(buf);
        broker_proto_splices_destroy(splices);
        broker_request_free(req);
        return;
    }
    broker_proto_response_end(buf, frame_offset, splices ? splices->total_len : 0);
    conn_enqueue(conn, buf, splices, on_sent, arg);
    req->cancel = NULL;
    request_finish(req);
}

void broker_request_done(broker_request_t *req)
{
    req->cancel = NULL;
    request_finish(req);
}

void broker_request_fail(broker_request_t *req, const char *why)
{
    broker_conn_t *conn = req->conn;
    log_warn(NULL, "broker",
             "Malformed %s v%d request from %s (correlation id %d): %s; closing "
             "the connection",
             broker_proto_api_name(req->hdr.request_api_key), req->hdr.request_api_version,
             conn ? conn->peer : "a closed connection", req->hdr.correlation_id, why);
    if (conn && !conn->dead) {
        conn->current = NULL;
        conn_close(conn, why);
    }
    broker_request_free(req);
}

int broker_request_decode(broker_request_t *req, const broker_proto_message_t *m, void *dst)
{
    if (broker_proto_decode(&req->body, m, req->hdr.request_api_version, dst) == 0)
        return 0;
    broker_request_fail(req, broker_proto_reader_errstr(&req->body));
    return -1;
}

void broker_request_reply(broker_request_t *req, const broker_proto_message_t *m, const void *resp)
{
    size_t frame;
    sluice_buf_t *buf = broker_response_begin(req, &frame);
    broker_proto_encode(buf, NULL, m, req->hdr.request_api_version, resp);
    broker_request_respond(req, buf, frame, NULL, NULL, NULL);
}

static void handle_unsupported(broker_t *broker, broker_request_t *req)
{
    (void)broker;
    sluice_buf_t *buf = sluice_buf_new();
    broker_proto_unsupported_version_response(buf, req->hdr.correlation_id);
    broker_conn_t *conn = req->conn;
    log_warn(NULL, "broker",
             "Unsupported %s v%d request (api key %d) from %s; answering "
             "UNSUPPORTED_VERSION and closing",
             broker_proto_api_name(req->hdr.request_api_key), req->hdr.request_api_version,
             req->hdr.request_api_key, conn->peer);
    conn_enqueue(conn, buf, NULL, NULL, NULL);
    conn->close_after = true;
    req->cancel = NULL;
    request_finish(req);
}

static const struct {
    int16_t api_key;
    broker_handler_fn fn;
} broker_handlers[] = {
    {BROKER_API_PRODUCE, broker_handle_produce},
    {BROKER_API_FETCH, broker_handle_fetch},
    {BROKER_API_LIST_OFFSETS, broker_handle_list_offsets},
    {BROKER_API_METADATA, broker_handle_metadata},
    {BROKER_API_OFFSET_COMMIT, broker_handle_offset_commit},
    {BROKER_API_OFFSET_FETCH, broker_handle_offset_fetch},
    {BROKER_API_FIND_COORDINATOR, broker_handle_find_coordinator},
    {BROKER_API_JOIN_GROUP, broker_handle_join_group},
    {BROKER_API_HEARTBEAT, broker_handle_heartbeat},
    {BROKER_API_LEAVE_GROUP, broker_handle_leave_group},
    {BROKER_API_SYNC_GROUP, broker_handle_sync_group},
    {BROKER_API_DESCRIBE_GROUPS, broker_handle_describe_groups},
    {BROKER_API_LIST_GROUPS, broker_handle_list_groups},
    {BROKER_API_API_VERSIONS, broker_handle_api_versions},
    {BROKER_API_CREATE_TOPICS, broker_handle_create_topics},
    {BROKER_API_DELETE_TOPICS, broker_handle_delete_topics},
    {BROKER_API_INIT_PRODUCER_ID, broker_handle_init_producer_id},
    {BROKER_API_DESCRIBE_CONFIGS, broker_handle_describe_configs},
    {BROKER_API_CREATE_PARTITIONS, broker_handle_create_partitions},
    {BROKER_API_DELETE_GROUPS, broker_handle_delete_groups},
    {BROKER_API_OFFSET_DELETE, broker_handle_offset_delete},
};

static broker_handler_fn handler_for(int16_t api_key)
{
    for (size_t i = 0; i < sizeof broker_handlers / sizeof broker_handlers[0]; i++)
        if (broker_handlers[i].api_key == api_key)
            return broker_handlers[i].fn;
    return NULL;
}

/* Reads and serves requests while the connection may take one. */
static void conn_process(broker_conn_t *conn)
{
    broker_t *b = conn->broker;
    while (!conn->dead && !conn->current && !conn->close_after &&
           conn->out_bytes < CONN_OUTPUT_HIGH_WATER) {
        broker_proto_frame_t frame;
        char err[256];
        broker_proto_frame_status_t st = broker_proto_frame_next(
            conn->in + conn->in_off, conn->in_len - conn->in_off,
            (size_t)b->config->socket_request_max_bytes, &frame, err, sizeof err);
        if (st == BROKER_PROTO_FRAME_INCOMPLETE) {
            conn->in_want = frame.need;
            break;
        }
        if (st == BROKER_PROTO_FRAME_INVALID) {
            log_warn(NULL, "broker", "Connection from %s: %s; closing it", conn->peer, err);
            conn_close(conn, err);
            return;
        }
        broker_request_t *req = mem_calloc(1, sizeof(*req));
        req->broker = b;
        req->conn = conn;
        req->frame_len = frame.payload_len;
        snprintf(req->client_host, sizeof req->client_host, "%s", conn->host);
        if (conn->in_off == 0 && frame.payload_len >= CONN_HANDOVER_BYTES) {
            /* A large frame (a produce batch) keeps its bytes where they
             * were read: the request takes the buffer, and the little that
             * follows the frame moves to a new one. */
            size_t tail = conn->in_len - frame.consumed;
            req->frame_alloc = conn->in;
            req->frame = conn->in + (frame.consumed - frame.payload_len);
            conn->in_cap = tail > 131072 ? tail : 131072;
            conn->in = mem_alloc(conn->in_cap);
            memcpy(conn->in, req->frame_alloc + frame.consumed, tail);
            conn->in_len = tail;
        } else {
            req->frame_alloc = mem_memdup(frame.payload, frame.payload_len);
            req->frame = req->frame_alloc;
            conn->in_off += frame.consumed;
            if (conn->in_off == conn->in_len)
                conn->in_off = conn->in_len = 0;
        }
        conn->in_want = 0;
        broker_proto_reader_init(&req->body, req->frame, req->frame_len);
        if (broker_proto_request_header_decode(&req->body, &req->hdr) < 0) {
            log_warn(NULL, "broker",
                     "Connection from %s sent a malformed request header (%s); "
                     "closing it",
                     conn->peer, broker_proto_reader_errstr(&req->body));
            broker_request_free(req);
            conn_close(conn, "malformed request header");
            return;
        }
        conn->current = req;
        broker_proto_version_status_t vs =
            broker_proto_version_check(req->hdr.request_api_key, req->hdr.request_api_version);
        broker_handler_fn fn = handler_for(req->hdr.request_api_key);
        if (vs == BROKER_PROTO_VERSION_UNSUPPORTED || !fn)
            handle_unsupported(b, req);
        else
            fn(b, req); /* API_VERSIONS_FALLBACK: the ApiVersions handler answers it */
    }
    /* Keep the unread tail at the front, so the buffer never grows past one frame. */
    if (!conn->dead && conn->in_off > 0) {
        memmove(conn->in, conn->in + conn->in_off, conn->in_len - conn->in_off);
        conn->in_len -= conn->in_off;
        conn->in_off = 0;
    }
}

static int conn_read(broker_conn_t *conn)
{
    size_t budget = CONN_READ_CHUNK;
    /* Size the buffer for the whole pending frame at once (its size is known
     * from its first 4 bytes), so a large request is not copied by repeated
     * doubling while it arrives. */
    if (conn->in_want > conn->in_cap) {
        conn->in = mem_realloc(conn->in, conn->in_want);
        conn->in_cap = conn->in_want;
    }
    while (budget > 0) {
        if (conn->in_cap - conn->in_len < 65536) {
            size_t cap = conn->in_cap ? conn->in_cap * 2 : 131072;
            conn->in = mem_realloc(conn->in, cap);
            conn->in_cap = cap;
        }
        size_t room = conn->in_cap - conn->in_len;
        if (room > budget)
            room = budget;
        ssize_t n = recv(conn->fd, conn->in + conn->in_len, room, 0);
        if (n == 0)
            return -1; /* the peer closed */
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == EINTR)
                continue;
            return -1;
        }
        conn->in_len += (size_t)n;
        budget -= (size_t)n;
        if ((size_t)n < room)
            return 0;
    }
    return 0;
}

static void conn_on_event(broker_loop_t *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    broker_conn_t *conn = arg;
    conn->depth++;
    if (events & BROKER_LOOP_WRITE)
        conn_update(conn);
    if (!conn->dead && (events & (BROKER_LOOP_READ | BROKER_LOOP_ERROR))) {
        if (conn_read(conn) < 0) {
            conn_close(conn, "closed by the peer");
        } else {
            conn_process(conn);
            conn_update(conn);
        }
    }
    conn_release(conn);
}

static void on_accept(broker_loop_t *loop, int fd, unsigned events, void *arg)
{
    (void)events;
    broker_t *b = arg;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warn(NULL, "broker", "accept failed: %s", strerror(errno));
            return;
        }
        int one = 1;
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        broker_conn_t *conn = mem_calloc(1, sizeof(*conn));
        conn->broker = b;
        conn->fd = cfd;
        char host[INET6_ADDRSTRLEN] = "?", port[16] = "?";
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        snprintf(conn->peer, sizeof conn->peer, "%s:%s", host, port);
        snprintf(conn->host, sizeof conn->host, "/%s", host);
        conn->events = BROKER_LOOP_READ;
        if (broker_loop_add_fd(loop, cfd, BROKER_LOOP_READ, conn_on_event, conn) < 0) {
            close(cfd);
            free(conn);
            continue;
        }
        conn->next = b->conns;
        if (b->conns)
            b->conns->prev = conn;
        b->conns = conn;
        log_debug(NULL, "broker", "Accepted a connection from %s", conn->peer);
    }
}

int broker_server_listen(broker_t *b, char *errstr, size_t errstr_size)
{
    const char *host = b->config->listener_host;
    char port[16];
    snprintf(port, sizeof port, "%d", b->config->listener_port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        snprintf(errstr, errstr_size, "cannot resolve listener host '%s': %s", host,
                 gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    int last_errno = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 512) < 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(errstr, errstr_size, "cannot listen on %s:%d: %s", host[0] ? host : "*",
                 b->config->listener_port, strerror(last_errno));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    b->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port);
    if (broker_loop_add_fd(b->loop, fd, BROKER_LOOP_READ, on_accept, b) < 0) {
        snprintf(errstr, errstr_size, "cannot watch the listener: %s", strerror(errno));
        close(fd);
        return -1;
    }
    b->listen_fd = fd;
    return 0;
}

void broker_server_close_all(broker_t *b)
{
    if (b->listen_fd >= 0) {
        broker_loop_del_fd(b->loop, b->listen_fd);
        close(b->listen_fd);
        b->listen_fd = -1;
    }
    while (b->conns) {
        broker_conn_t *conn = b->conns;
        /* Best effort: what is queued goes out if the socket takes it now. */
        conn_flush(conn);
        conn_close(conn, "broker shutting down");
    }
}
