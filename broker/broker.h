/*
 * The integrated broker: the whole Kafka-protocol server, run by
 * `sluice broker` and embedded in the worker.
 *
 * Lifecycle, from one controlling thread: broker_new, broker_start (opens
 * the logs, binds the listener, starts the network and background threads),
 * then broker_stop (any thread, also from a signal handler through
 * broker_request_stop) and broker_destroy.
 */
#ifndef BROKER_BROKER_H
#define BROKER_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include "broker_config.h"

typedef struct broker broker_t;

/* A broker for config, which it takes (also on failure). Opens nothing yet. */
broker_t *broker_new(broker_config_t *config);

/*
 * Recovers and opens the logs, loads committed offsets, binds the listener
 * and starts the threads. Returns 0, or -1 with the reason in errstr (the
 * broker is then stopped and may only be destroyed).
 */
int broker_start(broker_t *broker, char *errstr, size_t errstr_size);

/* Asks the network thread to stop; async-signal-safe, any thread. */
void broker_request_stop(broker_t *broker);

/* Blocks until the network thread has stopped (after broker_request_stop
 * or a fatal error), then stops the background thread and closes every log
 * cleanly. Idempotent. */
void broker_wait(broker_t *broker);

/* broker_request_stop + broker_wait. */
void broker_stop(broker_t *broker);

/* Frees a stopped broker. NULL does nothing. */
void broker_destroy(broker_t *broker);

/* The port the listener is bound to (useful with port 0), or -1. */
int broker_port(const broker_t *broker);

/* The cluster id from meta.properties. */
const char *broker_cluster_id(const broker_t *broker);

/* `sluice broker [server.properties] [--override k=v ...]`: the process exit
 * status (0 after a clean stop, 1 on failure, 2 for bad arguments). */
int broker_cli(int argc, char **argv);

#endif
