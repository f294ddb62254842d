/*
 * The broker's topics: each a name, its partitions' logs, and its config
 * overrides. Rebuilt at start from the <topic>-<partition> directories under
 * the log directory (as Kafka's log manager does); per-topic overrides are
 * kept in <log_dir>/__sluice_topic_configs/<topic>.properties, written
 * atomically.
 *
 * Thread use: the network thread only (the background thread reaches logs
 * through broker_log_ref, never through the registry).
 */
#ifndef BROKER_TOPIC_REGISTRY_H
#define BROKER_TOPIC_REGISTRY_H

#include <sluice/config.h>

#include "kafka_error.h"
#include "partition_log.h"

typedef struct broker_topic {
    char *name;
    int32_t partition_count;
    broker_log_t **logs;        /* partition_count logs */
    sluice_strmap_t *overrides; /* topic-level configs set at create/alter time */
    broker_log_config_t conf;   /* the broker defaults with overrides applied */
    bool internal;              /* __consumer_offsets */
} broker_topic_t;

typedef struct broker_topics broker_topics_t;

/*
 * Opens every topic found under log_dir, with defaults as the log settings
 * before overrides. Returns NULL with errstr when the directory cannot be
 * read or a log cannot be opened.
 */
broker_topics_t *broker_topics_open(const char *log_dir, const broker_log_config_t *defaults,
                                    int64_t now_ms, char *errstr, size_t errstr_size);

/* Closes every log cleanly and frees the registry. NULL does nothing. */
void broker_topics_close(broker_topics_t *topics);

/* The topic called name, or NULL. */
broker_topic_t *broker_topics_find(broker_topics_t *topics, const char *name);

/* The log of a partition, or NULL when the topic or partition does not exist. */
broker_log_t *broker_topics_log(broker_topics_t *topics, const char *name, int32_t partition);

size_t broker_topics_count(const broker_topics_t *topics);
broker_topic_t *broker_topics_at(broker_topics_t *topics, size_t i);

/* Kafka's rule: 1-249 of [a-zA-Z0-9._-], not "." or "..". */
bool broker_topic_name_valid(const char *name);

/*
 * Checks topic-level configs (retention.ms, cleanup.policy, …) and applies
 * them over base into *conf. Returns KAFKA_ERR_NONE, or KAFKA_ERR_INVALID_CONFIG
 * with a message naming the key in errstr.
 */
kafka_error_t broker_topic_configs_apply(const sluice_strmap_t *configs,
                                         const broker_log_config_t *base,
                                         broker_log_config_t *conf, char *errstr,
                                         size_t errstr_size);

/* The topic-level config keys, with Kafka's names and docs. */
extern const sluice_config_key_t broker_topic_config_keys[];

/*
 * Creates a topic with partitions partitions and configs (may be NULL).
 * Returns KAFKA_ERR_NONE, TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION,
 * INVALID_PARTITIONS, INVALID_CONFIG or KAFKA_STORAGE_ERROR, with a message
 * in errstr. validate_only checks without creating.
 */
kafka_error_t broker_topics_create(broker_topics_t *topics, const char *name, int32_t partitions,
                                   const sluice_strmap_t *configs, bool internal,
                                   bool validate_only, int64_t now_ms, char *errstr,
                                   size_t errstr_size);

/* Deletes a topic and its data. UNKNOWN_TOPIC_OR_PARTITION when absent. */
kafka_error_t broker_topics_delete(broker_topics_t *topics, const char *name);

/* Grows a topic to total partitions (INVALID_PARTITIONS when not larger). */
kafka_error_t broker_topics_add_partitions(broker_topics_t *topics, const char *name,
                                           int32_t total, bool validate_only, int64_t now_ms,
                                           char *errstr, size_t errstr_size);

#endif
