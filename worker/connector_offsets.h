/*
 * Reading and altering a connector's offsets for the REST API (KIP-875),
 * the work behind herder_connector_offsets and herder_alter_offsets:
 *
 *   - a source connector's offsets are the entries of the worker's offset
 *     store under its name;
 *   - a sink connector's are the committed offsets of its consumer group
 *     connect-<name>, read and changed through librdkafka's admin API with
 *     the worker's admin settings (admin.*, and the connector's
 *     admin.override.* as far as the override policy allows).
 *
 * Both are shown as Kafka's ConnectorOffsets:
 * {"offsets":[{"partition":{…},"offset":{…}}, …]}, a sink's partitions as
 * {"kafka_topic":t,"kafka_partition":p} and offsets as {"kafka_offset":o}.
 *
 * Messages are Kafka's (ConnectorsResource, Worker, SinkUtils, OffsetUtils)
 * where Kafka has one, prefixed with the item they concern
 * ("offsets[2]: …").
 *
 * Threads: any; the broker calls block up to CONNECTOR_OFFSETS_TIMEOUT_MS,
 * so callers must not hold a lock others wait on while they run.
 */
#ifndef WORKER_CONNECTOR_OFFSETS_H
#define WORKER_CONNECTOR_OFFSETS_H

#include <jansson.h>
#include <sluice/strmap.h>
#include <sluice/value.h>

#include "offset_store.h"
#include "worker_config.h"

/* How long one admin request to the broker may take. */
#define CONNECTOR_OFFSETS_TIMEOUT_MS 30000

/*
 * A parsed alter request: count (partition, offset) pairs as the
 * connector's alter_offsets callback takes them. Source items are
 * normalised as the offset store would read them back (integers INT64,
 * reals FLOAT64); sink items are {"kafka_topic":STRING,"kafka_partition":
 * INT32} and {"kafka_offset":INT64}. A NULL offset resets its partition.
 */
typedef struct connector_offsets_req {
    size_t count;
    sluice_value_t **partitions;
    sluice_value_t **offsets;
} connector_offsets_req_t;

/*
 * Parses items (the JSON array of {"partition":…,"offset":…}) for a sink
 * (sink true) or a source. Returns 0, or -1 with errstr naming the bad item
 * (req is then empty). Free with connector_offsets_req_clear.
 */
int connector_offsets_parse(const json_t *items, bool sink, connector_offsets_req_t *req,
                            char *errstr, size_t errstr_size);

/* Frees what req holds and empties it. */
void connector_offsets_req_clear(connector_offsets_req_t *req);

/* A source connector's offsets: a new ConnectorOffsets object (never NULL;
 * an entry the JSON form cannot show is skipped with a warning). */
json_t *connector_offsets_source_get(offset_store_t *store, const char *connector);

/*
 * Writes req (NULL: removes every offset of connector) to the store and
 * flushes it. Returns 0, or -1 with errstr (Kafka's "Failed to modify
 * offsets for source connector …" and why).
 */
int connector_offsets_source_apply(offset_store_t *store, const char *connector,
                                   const connector_offsets_req_t *req, char *errstr,
                                   size_t errstr_size);

/*
 * A sink connector's offsets, read from the broker with an admin client
 * built from wc and the connector's props (resolved). Returns a new
 * ConnectorOffsets object, or NULL with errstr ("Failed to retrieve
 * consumer group offsets for sink connector …: why").
 */
json_t *connector_offsets_sink_get(const worker_config_t *wc, const sluice_strmap_t *props,
                                   const char *connector, char *errstr, size_t errstr_size);

/*
 * Alters the group's offsets as req says (AlterConsumerGroupOffsets for the
 * offsets given, DeleteConsumerGroupOffsets for the null ones) or, with req
 * NULL, deletes the group (DeleteGroups; a group that does not exist is
 * already reset). Returns 0, or -1 with errstr in Kafka's words.
 */
int connector_offsets_sink_apply(const worker_config_t *wc, const sluice_strmap_t *props,
                                 const char *connector, const connector_offsets_req_t *req,
                                 char *errstr, size_t errstr_size);

#endif
