#include "broker_config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_internal.h"
#include "log.h"
#include "mem.h"

#define IGNORED                                                                                    \
    " Accepted for compatibility with Kafka's server.properties; ignored by this single-node "     \
    "broker."

/* Kafka's defaults (KafkaConfig / ServerLogConfigs / GroupCoordinatorConfig). */
const sluice_config_key_t broker_config_keys[] = {
    {.name = "listeners",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "PLAINTEXT://localhost:9092",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Socket Server",
     .doc = "Where the broker listens: a PLAINTEXT://host:port listener. An empty host listens on "
            "every interface."},
    {.name = "advertised.listeners",
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Socket Server",
     .doc = "The address clients are told to connect to, if it differs from listeners."},
    {.name = "node.id",
     .type = SLUICE_CONFIG_INT,
     .default_value = "-1",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "General",
     .doc = "The broker's node id (KRaft name); when unset, broker.id is used."},
    {.name = "broker.id",
     .type = SLUICE_CONFIG_INT,
     .default_value = "-1",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "General",
     .doc = "The broker's id (ZooKeeper-mode name of node.id); 0 when neither is set."},
    {.name = "log.dirs",
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "The directory the log data is kept in (only the first entry is used)."},
    {.name = "log.dir",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "/tmp/kafka-logs",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "The log directory when log.dirs is not set."},
    {.name = "num.partitions",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(1),
     .doc = "The number of partitions of an automatically created topic."},
    {.name = "default.replication.factor",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Log",
     .validator = SLUICE_RANGE(1, 1),
     .doc = "The replication factor of automatically created topics; 1 on a single node."},
    {.name = "auto.create.topics.enable",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "Whether a Metadata request for an unknown topic creates it."},
    {.name = "delete.topic.enable",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "Whether topics may be deleted; when false DeleteTopics gets TOPIC_DELETION_DISABLED."},
    {.name = "log.segment.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1073741824",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(14),
     .doc = "The maximum size of a single log segment file."},
    {.name = "log.roll.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "The maximum age of a segment before a new one is rolled; "
            "when unset, log.roll.hours is used."},
    {.name = "log.roll.hours",
     .type = SLUICE_CONFIG_INT,
     .default_value = "168",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(1),
     .doc = "The maximum age of a segment before a new one is rolled, in hours."},
    {.name = "log.retention.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "How long to keep a segment before deleting it; -1 keeps it forever. "
            "When unset, log.retention.minutes, then log.retention.hours apply."},
    {.name = "log.retention.minutes",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "How long to keep a segment, in minutes (when log.retention.ms is unset)."},
    {.name = "log.retention.hours",
     .type = SLUICE_CONFIG_INT,
     .default_value = "168",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "How long to keep a segment, in hours (when neither ms nor minutes is set)."},
    {.name = "log.retention.bytes",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "-1",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "The largest size a partition may grow to before old segments are deleted; -1 for no "
            "limit."},
    {.name = "log.retention.check.interval.ms",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "300000",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(1),
     .doc = "How often the retention rules are checked."},
    {.name = "log.index.interval.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "4096",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(0),
     .doc = "How many log bytes lie between two entries of the offset index."},
    {.name = "log.flush.interval.messages",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "9223372036854775807",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(1),
     .doc = "How many messages a partition takes before it is fsynced (default: leave it to the "
            "page cache)."},
    {.name = "log.flush.interval.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "The longest a message stays in the page cache before an fsync; unset leaves it to "
            "the page cache."},
    {.name = "log.flush.scheduler.interval.ms",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "9223372036854775807",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .doc = "How often the flusher checks whether a log needs an fsync."},
    {.name = "log.cleanup.policy",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "delete",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Log",
     .validator = SLUICE_LIST_OF("delete", "compact"),
     .doc = "The default cleanup policy of topics: delete, compact or both."},
    {.name = "log.cleaner.delete.retention.ms",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "86400000",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(0),
     .doc = "How long tombstones are kept in compacted topics."},
    {.name = "message.max.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1048588",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Log",
     .validator = SLUICE_AT_LEAST(0),
     .doc = "The largest record batch the broker accepts (MESSAGE_TOO_LARGE above it)."},
    {.name = "socket.request.max.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "104857600",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Socket Server",
     .validator = SLUICE_AT_LEAST(1),
     .doc = "The largest request the broker reads; a larger one closes the connection."},
    {.name = "offsets.topic.num.partitions",
     .type = SLUICE_CONFIG_INT,
     .default_value = "50",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Group Coordinator",
     .validator = SLUICE_AT_LEAST(1),
     .doc = "The number of partitions of __consumer_offsets (fixed once the topic exists)."},
    {.name = "group.initial.rebalance.delay.ms",
     .type = SLUICE_CONFIG_INT,
     .default_value = "3000",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Group Coordinator",
     .validator = SLUICE_AT_LEAST(0),
     .doc = "How long an empty group waits for more members before its first rebalance."},
    {.name = "group.min.session.timeout.ms",
     .type = SLUICE_CONFIG_INT,
     .default_value = "6000",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Group Coordinator",
     .doc = "The smallest session timeout a member may ask for."},
    {.name = "group.max.session.timeout.ms",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1800000",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = "Group Coordinator",
     .doc = "The largest session timeout a member may ask for."},
    {.name = "offset.metadata.max.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "4096",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = "Group Coordinator",
     .doc = "The largest metadata string an offset commit may carry."},
    /* Kafka keys a single node accepts and ignores, so Kafka's files load as they are. */
    {.name = "num.network.threads",
     .type = SLUICE_CONFIG_INT,
     .default_value = "3",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = "One network thread." IGNORED},
    {.name = "num.io.threads",
     .type = SLUICE_CONFIG_INT,
     .default_value = "8",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "num.recovery.threads.per.data.dir",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "socket.send.buffer.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "102400",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "socket.receive.buffer.bytes",
     .type = SLUICE_CONFIG_INT,
     .default_value = "102400",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "offsets.topic.replication.factor",
     .type = SLUICE_CONFIG_SHORT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "transaction.state.log.replication.factor",
     .type = SLUICE_CONFIG_SHORT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "transaction.state.log.min.isr",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "zookeeper.connect",
     .type = SLUICE_CONFIG_STRING,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "zookeeper.connection.timeout.ms",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "process.roles",
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "controller.quorum.voters",
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "controller.listener.names",
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "inter.broker.listener.name",
     .type = SLUICE_CONFIG_STRING,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    {.name = "listener.security.protocol.map",
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = "Ignored",
     .doc = IGNORED},
    SLUICE_CONFIG_END};

int broker_config_parse_listener(const char *listener, char **host, int *port, char *errstr,
                                 size_t errstr_size)
{
    const char *sep = strstr(listener, "://");
    if (!sep) {
        snprintf(errstr, errstr_size, "listener '%s' is not of the form PLAINTEXT://host:port",
                 listener);
        return -1;
    }
    if ((size_t)(sep - listener) != strlen("PLAINTEXT") ||
        strncasecmp(listener, "PLAINTEXT", (size_t)(sep - listener)) != 0) {
        snprintf(errstr, errstr_size,
                 "listener '%s': only PLAINTEXT listeners are supported by this broker", listener);
        return -1;
    }
    const char *hp = sep + 3;
    const char *colon;
    const char *h_start = hp, *h_end;
    if (*hp == '[') { /* [ipv6]:port */
        const char *close = strchr(hp, ']');
        if (!close || close[1] != ':') {
            snprintf(errstr, errstr_size, "listener '%s': bad IPv6 address", listener);
            return -1;
        }
        h_start = hp + 1;
        h_end = close;
        colon = close + 1;
    } else {
        colon = strrchr(hp, ':');
        if (!colon) {
            snprintf(errstr, errstr_size, "listener '%s' has no port", listener);
            return -1;
        }
        h_end = colon;
    }
    char *end = NULL;
    long p = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || p < 0 || p > 65535) {
        snprintf(errstr, errstr_size, "listener '%s': port must be a number from 0 to 65535",
                 listener);
        return -1;
    }
    *host = mem_strndup(h_start, (size_t)(h_end - h_start));
    *port = (int)p;
    return 0;
}

static void broker_config_errf(char *errstr, size_t errstr_size, const char *source,
                               const char *fmt, const char *arg)
{
    size_t used = strlen(errstr);
    if (used >= errstr_size)
        return;
    snprintf(errstr + used, errstr_size - used, "%s%s: ", used ? "\n" : "", source);
    used = strlen(errstr);
    snprintf(errstr + used, errstr_size - used, fmt, arg);
}

broker_config_t *broker_config_new(const sluice_strmap_t *props, const char *source, char *errstr,
                                   size_t errstr_size)
{
    char err[4096] = "";
    if (errstr_size)
        errstr[0] = '\0';
    sluice_config_t *config = sluice_config_new(broker_config_keys, props, err, sizeof err);
    if (!config) {
        broker_config_errf(errstr, errstr_size, source, "%s", err);
        return NULL;
    }
    config_warn_unknown_keys(source, broker_config_keys, props, NULL);

    broker_config_t *bc = mem_calloc(1, sizeof(*bc));
    bc->config = config;

    const char *const *items;
    size_t n = sluice_config_get_list(config, "listeners", &items);
    if (n == 0) {
        broker_config_errf(errstr, errstr_size, source, "%s", "listeners must name a listener");
        goto fail;
    }
    if (n > 1)
        log_warn(source, "broker", "Only the first of %zu listeners is used: %s", n, items[0]);
    if (broker_config_parse_listener(items[0], &bc->listener_host, &bc->listener_port, err,
                                     sizeof err) < 0) {
        broker_config_errf(errstr, errstr_size, source, "listeners: %s", err);
        goto fail;
    }
    n = sluice_config_get_list(config, "advertised.listeners", &items);
    if (n > 0) {
        if (broker_config_parse_listener(items[0], &bc->advertised_host, &bc->advertised_port, err,
                                         sizeof err) < 0) {
            broker_config_errf(errstr, errstr_size, source, "advertised.listeners: %s", err);
            goto fail;
        }
    } else {
        /* A wildcard bind address cannot be dialled: advertise this host's name. */
        const char *h = bc->listener_host;
        if (h[0] == '\0' || strcmp(h, "0.0.0.0") == 0 || strcmp(h, "::") == 0) {
            char name[256] = "localhost";
            if (gethostname(name, sizeof name) != 0 || name[0] == '\0')
                strcpy(name, "localhost");
            name[sizeof name - 1] = '\0';
            bc->advertised_host = mem_strdup(name);
        } else {
            bc->advertised_host = mem_strdup(h);
        }
        bc->advertised_port = bc->listener_port;
    }

    int32_t node_id = sluice_config_get_int(config, "node.id");
    int32_t broker_id = sluice_config_get_int(config, "broker.id");
    bc->node_id = node_id >= 0 ? node_id : broker_id >= 0 ? broker_id : 0;

    n = sluice_config_get_list(config, "log.dirs", &items);
    if (n > 1)
        log_warn(source, "broker", "Only the first of %zu log.dirs is used: %s", n, items[0]);
    bc->log_dir = mem_strdup(n > 0 ? items[0] : sluice_config_get_string(config, "log.dir"));

    bc->num_partitions = sluice_config_get_int(config, "num.partitions");
    bc->default_replication_factor =
        (int16_t)sluice_config_get_int(config, "default.replication.factor");
    bc->auto_create_topics = sluice_config_get_bool(config, "auto.create.topics.enable");
    bc->delete_topic_enable = sluice_config_get_bool(config, "delete.topic.enable");

    bc->segment_bytes = sluice_config_get_int(config, "log.segment.bytes");
    bc->roll_ms = sluice_config_is_null(config, "log.roll.ms")
                      ? (int64_t)sluice_config_get_int(config, "log.roll.hours") * 3600000
                      : sluice_config_get_long(config, "log.roll.ms");
    if (!sluice_config_is_null(config, "log.retention.ms"))
        bc->retention_ms = sluice_config_get_long(config, "log.retention.ms");
    else if (!sluice_config_is_null(config, "log.retention.minutes"))
        bc->retention_ms = (int64_t)sluice_config_get_int(config, "log.retention.minutes") * 60000;
    else
        bc->retention_ms = (int64_t)sluice_config_get_int(config, "log.retention.hours") * 3600000;
    if (bc->retention_ms < 0)
        bc->retention_ms = -1;
    bc->retention_bytes = sluice_config_get_long(config, "log.retention.bytes");
    bc->retention_check_interval_ms =
        sluice_config_get_long(config, "log.retention.check.interval.ms");
    bc->index_interval_bytes = sluice_config_get_int(config, "log.index.interval.bytes");
    bc->flush_interval_messages = sluice_config_get_long(config, "log.flush.interval.messages");
    bc->flush_interval_ms = sluice_config_is_null(config, "log.flush.interval.ms")
                                ? -1
                                : sluice_config_get_long(config, "log.flush.interval.ms");
    bc->flush_scheduler_interval_ms =
        sluice_config_get_long(config, "log.flush.scheduler.interval.ms");
    n = sluice_config_get_list(config, "log.cleanup.policy", &items);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(items[i], "compact") == 0)
            bc->cleanup_compact = true;
        if (strcmp(items[i], "delete") == 0)
            bc->cleanup_delete = true;
    }
    bc->delete_retention_ms = sluice_config_get_long(config, "log.cleaner.delete.retention.ms");
    bc->message_max_bytes = sluice_config_get_int(config, "message.max.bytes");
    bc->socket_request_max_bytes = sluice_config_get_int(config, "socket.request.max.bytes");
    bc->offsets_topic_partitions = sluice_config_get_int(config, "offsets.topic.num.partitions");
    bc->group_initial_rebalance_delay_ms =
        sluice_config_get_int(config, "group.initial.rebalance.delay.ms");
    bc->group_min_session_timeout_ms =
        sluice_config_get_int(config, "group.min.session.timeout.ms");
    bc->group_max_session_timeout_ms =
        sluice_config_get_int(config, "group.max.session.timeout.ms");
    bc->offset_metadata_max_bytes = sluice_config_get_int(config, "offset.metadata.max.bytes");
    if (bc->group_min_session_timeout_ms > bc->group_max_session_timeout_ms) {
        broker_config_errf(errstr, errstr_size, source, "%s",
                           "group.min.session.timeout.ms is larger than "
                           "group.max.session.timeout.ms");
        goto fail;
    }
    return bc;

fail:
    broker_config_destroy(bc);
    return NULL;
}

void broker_config_destroy(broker_config_t *bc)
{
    if (!bc)
        return;
    sluice_config_destroy(bc->config);
    free(bc->listener_host);
    free(bc->advertised_host);
    free(bc->log_dir);
    free(bc);
}
