/*
 * The broker's side of worker/local_broker.h: source tasks of the worker
 * that embeds this broker append record batches to it in-process, without
 * librdkafka or a socket.
 *
 * Each call becomes a job on a queue the network thread empties (it owns the
 * topics and logs); an append there is broker_append_partition, the very
 * code a Produce request's partition goes through. When the network thread's
 * loop ends, the jobs still queued are answered with an error, so every
 * accepted append gets its done call and no query waits for ever.
 */
#ifndef BROKER_LOCAL_APPEND_H
#define BROKER_LOCAL_APPEND_H

#include "local_broker.h"

/* The ops for a started broker_t (the ops' void *broker). Register them
 * after broker_start and unregister them before broker_destroy; calls after
 * broker_stop fail (-1) without blocking. */
extern const local_broker_ops_t broker_local_ops;

#endif
