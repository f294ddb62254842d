/*
 * The broker's configuration: Kafka's server.properties keys, declared in
 * one static table (so `sluice plugins describe`-style docs, validation and
 * defaults all come from it), and the values the broker uses, derived with
 * Kafka's precedence rules (log.retention.ms over .minutes over .hours,
 * node.id over broker.id, advertised.listeners over listeners).
 *
 * Keys Kafka has that a single-node broker does not need (zookeeper.*,
 * num.network.threads, replication settings …) are accepted so that Kafka's
 * own server.properties works verbatim; they are listed in the table with a
 * doc saying they are ignored.
 */
#ifndef BROKER_CONFIG_H
#define BROKER_CONFIG_H

#include <sluice/config.h>

typedef struct broker_config {
    sluice_config_t *config; /* the parsed table, for anything not derived below */

    char *listener_host; /* bind address ("" = every interface) */
    int listener_port;
    char *advertised_host; /* what Metadata tells clients */
    int advertised_port;

    int32_t node_id;
    char *log_dir; /* the first of log.dirs */

    int32_t num_partitions;
    int16_t default_replication_factor;
    bool auto_create_topics;
    bool delete_topic_enable;

    int64_t segment_bytes;
    int64_t roll_ms;
    int64_t retention_ms;    /* -1 = keep forever */
    int64_t retention_bytes; /* -1 = no size limit */
    int64_t retention_check_interval_ms;
    int32_t index_interval_bytes;
    int64_t flush_interval_messages; /* INT64_MAX = leave it to the page cache */
    int64_t flush_interval_ms;       /* -1 = leave it to the page cache */
    int64_t flush_scheduler_interval_ms;
    bool cleanup_compact; /* log.cleanup.policy contains compact */
    bool cleanup_delete;  /* log.cleanup.policy contains delete */
    int64_t delete_retention_ms;

    int32_t message_max_bytes;
    int32_t socket_request_max_bytes;

    int32_t offsets_topic_partitions;
    int32_t group_initial_rebalance_delay_ms;
    int32_t group_min_session_timeout_ms;
    int32_t group_max_session_timeout_ms;
    int32_t offset_metadata_max_bytes;
} broker_config_t;

/* The key table (SLUICE_CONFIG_END-terminated). */
extern const sluice_config_key_t broker_config_keys[];

/*
 * Parses props (a server.properties map; source names it in messages, e.g.
 * the file name) against broker_config_keys and derives the fields above.
 * Unknown keys are warned about, not refused. Returns a new config the caller
 * destroys, or NULL with every problem, one per line, in errstr.
 */
broker_config_t *broker_config_new(const sluice_strmap_t *props, const char *source, char *errstr,
                                   size_t errstr_size);

void broker_config_destroy(broker_config_t *config);

/*
 * Parses one listener "PLAINTEXT://host:port" ("[::1]:9092" and an empty
 * host allowed). Returns 0 with *host (malloc'd) and *port set, or -1 with a
 * reason in errstr (only PLAINTEXT is supported).
 */
int broker_config_parse_listener(const char *listener, char **host, int *port, char *errstr,
                                 size_t errstr_size);

#endif
