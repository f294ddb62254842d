/*
 * The broker's internals shared by the server and the request handlers.
 *
 * Everything here belongs to the network thread unless a comment says
 * otherwise.
 *
 * A request's life: the server reads a frame and gives the request its own
 * payload (so it outlives the connection's input buffer: copied for a small
 * frame; for a large one the request takes the input buffer itself), decodes
 * the header and calls the API's handler. The handler decodes the body and
 * either answers at once (broker_request_respond) or parks the request and
 * answers later from a callback or a timer. While a request is unanswered
 * the connection reads no further requests, as Kafka mutes a channel, so
 * responses always leave in request order. If the connection closes while
 * a request is parked, the server calls the request's cancel hook; the
 * handler must then drop every reference to it and free it with
 * broker_request_free.
 */
#ifndef BROKER_INTERNAL_H
#define BROKER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <sluice/buf.h>

#include "broker.h"
#include "event_loop.h"
#include "group_coordinator.h"
#include "meta_properties.h"
#include "proto_request.h"
#include "topic_registry.h"

typedef struct broker_conn broker_conn_t;
typedef struct broker_request broker_request_t;
typedef struct broker_fetch_waiter broker_fetch_waiter_t;
typedef struct broker_producers broker_producers_t;

struct broker_request {
    broker_t *broker;
    broker_conn_t *conn; /* NULL once the connection has closed */
    broker_request_header_t hdr;
    uint8_t *frame;       /* the payload (header + body) */
    uint8_t *frame_alloc; /* the allocation frame lies in (owned) */
    size_t frame_len;
    broker_proto_reader_t body;            /* positioned at the body */
    char client_host[64];                  /* "/127.0.0.1", as Kafka shows a member's host */
    void (*cancel)(broker_request_t *req); /* set while parked */
    void *handler_state;
};

struct broker {
    broker_config_t *config;
    char cluster_id[BROKER_CLUSTER_ID_LEN + 1];
    broker_log_config_t log_defaults;
    broker_loop_t *loop;
    broker_topics_t *topics;
    broker_group_coordinator_t *groups;
    broker_producers_t *producers;
    int listen_fd;
    int port;
    broker_conn_t *conns; /* every open connection (a list) */
    broker_fetch_waiter_t *fetch_waiters;
    uint64_t group_timer;
    uint64_t retention_timer;
    int64_t next_producer_id;
    pthread_t network_thread;
    bool network_started;
    pthread_t background_thread;
    bool background_started;
    pthread_mutex_t bg_lock;
    struct bg_job *bg_pending; /* guarded by bg_lock */
    int64_t last_retention_ms; /* network thread */
    pthread_cond_t bg_cond;
    bool bg_stop;
    bool stopped;
    /* In-process appends and queries (local_append.c), from any thread. */
    pthread_mutex_t local_lock;
    pthread_cond_t local_cond;    /* a partition-count query was answered */
    bool local_open;              /* guarded by local_lock: from start until the drain */
    struct local_job *local_head; /* guarded by local_lock: queued for the network thread */
    struct local_job *local_tail;
};

/* How often the background pass (flush, retention, compaction) runs: once a
 * second, or every log.flush.scheduler.interval.ms when shorter (10 ms at
 * least). */
int64_t broker_background_period_ms(const broker_config_t *config);

/* Wall-clock milliseconds (timestamps, group session timers). */
int64_t broker_now_ms(void);

/* Allocates an array member of a response struct with n zeroed items (never
 * NULL, so an empty array encodes as empty rather than null). */
#define BROKER_ARRAY_ALLOC(arr, n)                                                                 \
    do {                                                                                           \
        (arr).count = (int32_t)(n);                                                                \
        (arr).items = mem_calloc((n) ? (size_t)(n) : 1, sizeof(*(arr).items));                     \
    } while (0)

/* ---- answering requests -------------------------------------------------- */

/*
 * Starts the response to req: returns an empty buffer holding the frame's
 * size placeholder and the response header (the correlation id, and an empty
 * tag section for a flexible version); the handler encodes the body into it
 * and calls broker_request_respond.
 */
sluice_buf_t *broker_response_begin(broker_request_t *req, size_t *frame_offset);

/*
 * Queues the response (buf from broker_response_begin, taken; splices may
 * be NULL, their items are taken) and frees req. on_sent(arg) (may be NULL)
 * runs once the bytes have been written or the connection dropped them: it
 * releases what the splices' file descriptors belong to. Then the server
 * reads the connection's next request.
 */
void broker_request_respond(broker_request_t *req, sluice_buf_t *buf, size_t frame_offset,
                            broker_proto_splices_t *splices, void (*on_sent)(void *arg), void *arg);

/* Finishes a request that gets no response (Produce with acks=0). */
void broker_request_done(broker_request_t *req);

/*
 * Decodes req's body as message m into dst (m->size bytes). On malformed
 * bytes it fails the request (logged, connection closed, req freed) and
 * returns -1: the handler must return at once.
 */
int broker_request_decode(broker_request_t *req, const broker_proto_message_t *m, void *dst);

/* Encodes resp as message m in the request's version and responds. */
void broker_request_reply(broker_request_t *req, const broker_proto_message_t *m, const void *resp);

/* Logs why a request is malformed and closes its connection; frees req. */
void broker_request_fail(broker_request_t *req, const char *why);

/* Frees a request (after its cancel hook ran). */
void broker_request_free(broker_request_t *req);

/* ---- handlers ------------------------------------------------------------ */

typedef void (*broker_handler_fn)(broker_t *broker, broker_request_t *req);

void broker_handle_api_versions(broker_t *broker, broker_request_t *req);
void broker_handle_metadata(broker_t *broker, broker_request_t *req);
void broker_handle_produce(broker_t *broker, broker_request_t *req);
void broker_handle_fetch(broker_t *broker, broker_request_t *req);
void broker_handle_list_offsets(broker_t *broker, broker_request_t *req);
void broker_handle_create_topics(broker_t *broker, broker_request_t *req);
void broker_handle_delete_topics(broker_t *broker, broker_request_t *req);
void broker_handle_create_partitions(broker_t *broker, broker_request_t *req);
void broker_handle_describe_configs(broker_t *broker, broker_request_t *req);
void broker_handle_init_producer_id(broker_t *broker, broker_request_t *req);
void broker_handle_find_coordinator(broker_t *broker, broker_request_t *req);
void broker_handle_join_group(broker_t *broker, broker_request_t *req);
void broker_handle_sync_group(broker_t *broker, broker_request_t *req);
void broker_handle_heartbeat(broker_t *broker, broker_request_t *req);
void broker_handle_leave_group(broker_t *broker, broker_request_t *req);
void broker_handle_describe_groups(broker_t *broker, broker_request_t *req);
void broker_handle_list_groups(broker_t *broker, broker_request_t *req);
void broker_handle_offset_commit(broker_t *broker, broker_request_t *req);
void broker_handle_offset_fetch(broker_t *broker, broker_request_t *req);
void broker_handle_delete_groups(broker_t *broker, broker_request_t *req);
void broker_handle_offset_delete(broker_t *broker, broker_request_t *req);

/* ---- shared broker services ------------------------------------------------ */

/* Creates a topic with the broker's defaults (auto-creation, internal topics). */
kafka_error_t broker_create_topic(broker_t *broker, const char *name, int32_t partitions,
                                  const sluice_strmap_t *configs, bool internal, char *errstr,
                                  size_t errstr_size);

/*
 * Appends one partition's records as a Produce request does: checks that
 * data is exactly one valid batch (size against the topic's
 * max.message.bytes, CRC, producer sequence), appends it (the batch is
 * rewritten in place), records the producer's sequence, applies the flush
 * policy and wakes parked fetches. Returns KAFKA_ERR_NONE with *base_offset
 * (also for a duplicate of a batch already appended: its original offset),
 * or an error with *base_offset -1 and a message in err. *log_start_offset
 * is the partition's, or -1 when it does not exist.
 */
kafka_error_t broker_append_partition(broker_t *broker, const char *topic, int32_t partition,
                                      uint8_t *data, size_t len, int64_t now_ms,
                                      int64_t *base_offset, int64_t *log_start_offset, char *err,
                                      size_t err_size);

/* Wakes parked fetches that wait on topic/partition (after an append). */
void broker_fetch_notify(broker_t *broker, const char *topic, int32_t partition);

/* Drops every parked fetch (shutdown). */
void broker_fetch_cancel_all(broker_t *broker);

/* Lets in-process appends in (local_append.c): broker_start, before the
 * network thread starts. */
void broker_local_open(broker_t *broker);

/*
 * Refuses in-process appends from now on and completes every queued one
 * with an error ("the broker is stopping"). The network thread once its loop
 * has ended, or the controlling thread when that thread never ran.
 * Idempotent.
 */
void broker_local_close(broker_t *broker);

#endif
