/*
 * A source task's direct path to the embedded broker (local_broker.h): the
 * task's converted records are written straight into record batches, one
 * per topic-partition run of at most batch.size bytes / batch.num.messages
 * records, and appended by the broker's own thread, without librdkafka or
 * the network. Outcomes come back per record, in order, as librdkafka's
 * delivery reports would, for the task thread to drain.
 *
 * Used only when the task's producer would talk to the registered embedded
 * broker (the same bootstrap.servers) without compression or transactions,
 * and broker.embedded.direct is true; source_local_new returns NULL
 * otherwise. Partitioning follows the producer's: an explicit partition, else
 * librdkafka's murmur2_random on the key (Kafka's default partitioner), else
 * one partition per batch for null keys (sticky, as Kafka's producer does).
 *
 * Threads: everything on the task thread, except that the broker's thread
 * files the outcomes (under the object's lock).
 */
#ifndef WORKER_SOURCE_LOCAL_H
#define WORKER_SOURCE_LOCAL_H

#include <stdbool.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

typedef struct source_local source_local_t;

/* The direct path for producer's settings, or NULL when they do not allow
 * it or no embedded broker is registered for its bootstrap.servers. */
source_local_t *source_local_new(rd_kafka_t *producer);

/*
 * Waits up to timeout_ms for every batch in flight, then frees l (batches
 * never posted are dropped: call source_local_flush first). Returns false,
 * leaving l allocated on purpose, when the broker did not answer in time:
 * it may still file outcomes into it. NULL returns true.
 */
bool source_local_destroy(source_local_t *l, int64_t timeout_ms);

/*
 * Topic's partition count (asked of the broker once per topic, kept after),
 * or -1 when the broker does not have it: then records for it go through
 * librdkafka. forget drops what is kept first (a topic created meanwhile).
 */
int32_t source_local_partitions(source_local_t *l, const char *topic, bool forget);

/*
 * Adds one converted record for topic (rkt is its librdkafka handle, for
 * the partitioner): key/value NULL are null, timestamp_ms < 0 means now,
 * headers may be NULL. Returns RD_KAFKA_RESP_ERR_NO_ERROR, or the error
 * librdkafka's produce would have returned at once (MSG_SIZE_TOO_LARGE,
 * _UNKNOWN_PARTITION), in which case nothing was added. opaque comes back
 * through source_local_drain.
 */
rd_kafka_resp_err_t source_local_add(source_local_t *l, rd_kafka_topic_t *rkt, const char *topic,
                                     int32_t partition, const void *key, size_t key_len,
                                     const void *value, size_t value_len, int64_t timestamp_ms,
                                     const rd_kafka_headers_t *headers, void *opaque);

/* Posts the batch being filled, if any, first waiting while too many are in
 * flight. NULL does nothing. */
void source_local_flush(source_local_t *l);

/*
 * How long the batch being filled may still wait for more records before it
 * should be posted (the producer's linger.ms, counted from its first
 * record): 0 when it is due, -1 when no batch is open. NULL gives -1.
 */
int64_t source_local_linger_left(source_local_t *l);

/*
 * Calls fn once per record whose batch was appended or refused since the
 * last drain, in order: error NULL when it was appended, else what the
 * broker said. Returns how many records it reported. NULL does nothing.
 */
typedef void (*source_local_done_fn)(void *arg, void *opaque, const char *error, const char *topic,
                                     int32_t partition);
size_t source_local_drain(source_local_t *l, source_local_done_fn fn, void *arg);

/* Waits up to timeout_ms for an outcome to drain; true when one is ready. */
bool source_local_wait(source_local_t *l, int timeout_ms);

/* Batches posted and not yet answered. */
int source_local_in_flight(source_local_t *l);

#endif
