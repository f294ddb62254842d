/*
 * Source topic creation (Kafka's TopicCreation and TopicCreationGroup, KIP-158).
 *
 * A source connector that sets topic.creation.default.partitions and
 * topic.creation.default.replication.factor has the topics it writes to
 * created on first use, through the admin API, with the settings of the
 * first group that matches the topic:
 *
 *     topic.creation.groups=compacted
 *     topic.creation.compacted.include=orders.*,users
 *     topic.creation.compacted.exclude=users-tmp
 *     topic.creation.compacted.partitions=3
 *     topic.creation.compacted.cleanup.policy=compact
 *     topic.creation.default.partitions=1
 *     topic.creation.default.replication.factor=-1
 *
 * Groups are tried in the order of topic.creation.groups; a group matches a
 * topic that matches one of its include regexes (whole-topic, POSIX
 * extended) and none of its exclude regexes; the default group takes what no
 * group matched. A group's partitions and replication.factor default to the
 * default group's (-1 means the broker's default); every other key under
 * topic.creation.<group>. is a topic config (cleanup.policy, retention.ms
 * ...). When the worker says topic.creation.enable=false, or the connector
 * sets no default group, nothing is created (the broker's auto-creation, if
 * any, applies).
 *
 * A topic is handled once per instance: it is created, or found to exist
 * already (TOPIC_ALREADY_EXISTS counts as done), and then remembered.
 *
 * Threads: one instance belongs to one task thread.
 */
#ifndef WORKER_TOPIC_CREATION_H
#define WORKER_TOPIC_CREATION_H

#include <librdkafka/rdkafka.h>
#include <sluice/strmap.h>

typedef struct topic_creation topic_creation_t;

/*
 * Reads the topic.creation.* keys of a source connector's properties.
 * worker_enabled is the worker's topic.creation.enable. Returns the
 * instance (possibly disabled), or NULL with errstr naming the key and the
 * problem (a bad regex, partitions 0, a missing default replication factor
 * while default partitions is set ...).
 */
topic_creation_t *topic_creation_new(const sluice_strmap_t *connector_props, bool worker_enabled,
                                     char *errstr, size_t errstr_size);

void topic_creation_destroy(topic_creation_t *tc);

/* True when topics are created (enabled by the worker and a default group). */
bool topic_creation_enabled(const topic_creation_t *tc);

/* The group that applies to topic ("default" when none matched); borrowed. */
const char *topic_creation_group_for(const topic_creation_t *tc, const char *topic);

/*
 * One CreateTopics round trip through rk: topic with partitions and
 * replication_factor (-1: the broker's default) and the topic configs in
 * configs (may be NULL), waiting at most timeout_ms. Returns the topic's
 * result (RD_KAFKA_RESP_ERR_NO_ERROR, TOPIC_ALREADY_EXISTS,
 * INVALID_REPLICATION_FACTOR ...), with the broker's or librdkafka's reason in
 * errstr when it is not NO_ERROR. Shared by topic creation groups and the
 * dead letter queue.
 */
rd_kafka_resp_err_t topic_creation_create(rd_kafka_t *rk, const char *topic, int partitions,
                                          int replication_factor, const sluice_strmap_t *configs,
                                          int timeout_ms, char *errstr, size_t errstr_size);

/*
 * Makes sure topic exists, creating it through rk (any client handle:
 * librdkafka's admin API works on a producer too) with its group's
 * partitions, replication factor and configs when this instance has not
 * handled it yet. Waits at most timeout_ms for the answer. Returns 0 when the
 * topic exists (or creation is disabled), -1 with errstr ("Failed to create
 * topic 'x' (group compacted): <broker's reason>") otherwise; a failed topic
 * is tried again on the next call.
 */
int topic_creation_ensure(topic_creation_t *tc, rd_kafka_t *rk, const char *topic, int timeout_ms,
                          char *errstr, size_t errstr_size);

#endif
