/*
 * The librdkafka configurations of a connector's Kafka clients, built the way
 * Kafka's Worker builds its producer, consumer and admin configs:
 *
 *   1. bootstrap.servers from the worker config;
 *   2. the worker's "<kind>." settings (producer.linger.ms=5 gives
 *      linger.ms=5), kind being producer, consumer or admin;
 *   3. the connector's "<kind>.override." settings, as far as the worker's
 *      connector.client.config.override.policy allows them (None: none,
 *      Principal: only sasl.jaas.config, sasl.mechanism and
 *      security.protocol, All: every one);
 *   4. the settings the runtime itself must own (group.id, auto commit off
 *      ...), given as forced pairs, which always win.
 *
 * Keys are written as Java clients know them. librdkafka understands most of
 * them under the same name; the others are translated where librdkafka has
 * the same setting under another name or unit (buffer.memory becomes
 * queue.buffering.max.kbytes, max.request.size message.max.bytes ...), and
 * Java-only keys (key.serializer, interceptor.classes ...) are dropped with
 * a warning naming them. Sluice's own defaults, where librdkafka's would
 * break the worker's memory bound, come first and are overridden by any of
 * the above (a producer buffers at most Kafka's 32 MiB, not librdkafka's
 * 1 GiB).
 *
 * Threads: any; the functions only read their inputs.
 */
#ifndef WORKER_CLIENT_CONFIG_H
#define WORKER_CLIENT_CONFIG_H

#include <librdkafka/rdkafka.h>
#include <sluice/strmap.h>

#include "worker_config.h"

typedef enum client_kind { CLIENT_PRODUCER = 0, CLIENT_CONSUMER, CLIENT_ADMIN } client_kind_t;

/* "producer", "consumer", "admin". */
const char *client_kind_name(client_kind_t kind);

/*
 * The checks Kafka's ConnectorClientConfigOverridePolicy makes on a
 * connector's *.override.* keys: returns 0 when policy (None, Principal or
 * All, any case) allows every one of them, else -1 with one line per key
 * refused ("producer.override.linger.ms: The 'None' policy does not allow
 * 'linger.ms' to be overridden in the connector configuration.") in errstr.
 * connector_props may be NULL.
 */
int client_config_check_overrides(const char *policy, const sluice_strmap_t *connector_props,
                                  char *errstr, size_t errstr_size);

/*
 * The configuration for one client of a connector (connector_props may be
 * NULL for a worker-level client), built as above, with forced a
 * NULL-terminated list of key, value pairs (may be NULL). context names the
 * owner in warnings ("local-file-source|task-0"). Returns a new
 * rd_kafka_conf_t the caller owns (rd_kafka_new takes it), or NULL with
 * errstr naming the key, where it came from and librdkafka's reason
 * ("producer.override.acks=maybe: Invalid value ...").
 */
rd_kafka_conf_t *client_config_build(const worker_config_t *wc,
                                     const sluice_strmap_t *connector_props, client_kind_t kind,
                                     const char *const *forced, const char *context, char *errstr,
                                     size_t errstr_size);

/*
 * The same settings as a string map (key as librdkafka takes it, value), in
 * the order they are applied, for tests and for `sluice` diagnostics. Same
 * arguments and errors as client_config_build.
 */
sluice_strmap_t *client_config_props(const worker_config_t *wc,
                                     const sluice_strmap_t *connector_props, client_kind_t kind,
                                     const char *const *forced, const char *context, char *errstr,
                                     size_t errstr_size);

/* A positive integer setting of conf as librdkafka reports it (its
 * effective value, defaults included), or dflt when it has none. Any thread. */
int64_t client_config_conf_int(const rd_kafka_conf_t *conf, const char *name, int64_t dflt);

#endif
