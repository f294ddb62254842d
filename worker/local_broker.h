/*
 * A broker in this process that source tasks may append to directly, without
 * librdkafka and the network: the embedded broker of `sluice standalone`.
 *
 * The worker core does not know the broker; the broker side registers these
 * ops once it is up (cli_standalone.c) and clears them before it stops, after
 * every task has stopped. A task appends only when its producer would talk
 * to that very broker (the same bootstrap.servers) with settings the direct
 * path honours (source_task.c decides); everything else goes through
 * librdkafka as before.
 *
 * What an append promises is what a Produce request with acks=all gets from
 * the same broker: the same validation (framing and CRC, batch size against
 * the topic's max.message.bytes), the same offsets, flush policy and wake-up
 * of waiting fetches (broker_append_partition serves both).
 */
#ifndef WORKER_LOCAL_BROKER_H
#define WORKER_LOCAL_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/*
 * The outcome of one append: error is a Kafka error code (0: appended at
 * base_offset onwards; else base_offset is -1 and message, possibly empty,
 * says why). partitions is the topic's partition count when the append ran
 * (-1 when the topic is gone), so a caller can notice added partitions.
 * Runs on the broker's thread: it must not block and must not call back
 * into the broker.
 */
typedef void (*local_broker_done_fn)(void *opaque, int16_t error, const char *message,
                                     int64_t base_offset, int32_t partitions);

typedef struct local_broker_ops {
    /*
     * The partition count of topic, or -1 when the broker has no such topic
     * (it creates none). Waits for the broker's thread (a round trip through
     * its loop); returns -1 as well when the broker is stopping. Any thread.
     */
    int32_t (*partitions)(void *broker, const char *topic);

    /*
     * Appends batch, one complete uncompressed magic-2 record batch (base
     * offset 0, no producer id, CRC filled in) holding count records, to
     * topic/partition, and calls done(opaque, …) on the broker's thread once
     * it is appended or refused. Takes batch (freed by the broker). Returns
     * 0, or -1 when the broker is stopping: then done is never called and
     * batch is freed. After 0, done is called exactly once, also when the
     * broker stops before the append ran (then with an error). Any thread;
     * appends posted from one thread run in posting order.
     */
    int (*append)(void *broker, const char *topic, int32_t partition, sluice_buf_t *batch,
                  size_t count, local_broker_done_fn done, void *opaque);
} local_broker_ops_t;

/*
 * Makes broker reachable through ops for tasks whose producer's
 * bootstrap.servers equals bootstrap (copied). ops NULL unregisters. One
 * broker at a time; the caller keeps ops and broker alive until it
 * unregisters. Any thread.
 */
void local_broker_register(const local_broker_ops_t *ops, void *broker, const char *bootstrap);

/*
 * The registered broker when its bootstrap equals bootstrap: returns ops
 * and sets *broker, else NULL. Any thread.
 */
const local_broker_ops_t *local_broker_find(const char *bootstrap, void **broker);

#endif
