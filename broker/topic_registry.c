#include "topic_registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "log.h"
#include "mem.h"
#include "properties.h"

#define TOPIC_CONFIG_DIR "__sluice_topic_configs"

struct broker_topics {
    char *log_dir;
    broker_log_config_t defaults;
    broker_topic_t **items;
    size_t count;
    size_t cap;
};

/* Kafka's topic-level configs (TopicConfig.java). The ones a single node
 * cannot honour are accepted only with the value that means "as Kafka would
 * do anyway" (see topic_config_supported). */
const sluice_config_key_t broker_topic_config_keys[] = {
    {.name = "cleanup.policy",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "delete",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_LIST_OF("delete", "compact"),
     .doc = "delete removes old segments; compact keeps the latest record per key."},
    {.name = "retention.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "How long to keep data; -1 keeps it forever."},
    {.name = "retention.bytes",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "The most a partition may hold before old segments go; -1 for no limit."},
    {.name = "segment.bytes",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_AT_LEAST(14),
     .doc = "The size of a segment file."},
    {.name = "segment.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_AT_LEAST(1),
     .doc = "The age at which a segment is rolled."},
    {.name = "segment.index.bytes",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_LOW,
     .validator = SLUICE_AT_LEAST(4),
     .doc = "The size of a segment's offset index."},
    {.name = "index.interval.bytes",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_LOW,
     .validator = SLUICE_AT_LEAST(0),
     .doc = "Bytes of log between two offset index entries."},
    {.name = "max.message.bytes",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_AT_LEAST(0),
     .doc = "The largest record batch the topic accepts."},
    {.name = "delete.retention.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_AT_LEAST(0),
     .doc = "How long tombstones stay in a compacted topic."},
    {.name = "flush.messages",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_AT_LEAST(1),
     .doc = "fsync after this many messages."},
    {.name = "flush.ms",
     .type = SLUICE_CONFIG_LONG,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_AT_LEAST(0),
     .doc = "fsync after this long."},
    {.name = "min.cleanable.dirty.ratio",
     .type = SLUICE_CONFIG_DOUBLE,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_RANGE(0, 1),
     .doc = "How much of a compacted log must be uncompacted before the cleaner runs."},
    {.name = "compression.type",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "producer",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Only producer (keep what the producer sent) is supported: batches are stored as "
            "produced."},
    {.name = "message.timestamp.type",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "CreateTime",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Only CreateTime is supported."},
    {.name = "min.insync.replicas",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_RANGE(1, 1),
     .doc = "1 on a single node."},
    {.name = "unclean.leader.election.enable",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Meaningless on a single node; accepted."},
    {.name = "preallocate",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Accepted; segments are not preallocated."},
    {.name = "message.downconversion.enable",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Accepted; clients here all read record batch v2."},
    SLUICE_CONFIG_END};

static int topic_config_supported(const sluice_config_t *c, char *errstr, size_t errstr_size)
{
    const char *ct = sluice_config_get_string(c, "compression.type");
    if (ct && strcmp(ct, "producer") != 0) {
        snprintf(errstr, errstr_size,
                 "compression.type=%s is not supported: the broker stores batches as produced "
                 "(compression.type=producer); set the compression on the producer",
                 ct);
        return -1;
    }
    const char *tt = sluice_config_get_string(c, "message.timestamp.type");
    if (tt && strcmp(tt, "CreateTime") != 0) {
        snprintf(errstr, errstr_size,
                 "message.timestamp.type=%s is not supported: only CreateTime is", tt);
        return -1;
    }
    return 0;
}

kafka_error_t broker_topic_configs_apply(const sluice_strmap_t *configs,
                                         const broker_log_config_t *base, broker_log_config_t *conf,
                                         char *errstr, size_t errstr_size)
{
    *conf = *base;
    if (!configs || sluice_strmap_count(configs) == 0)
        return KAFKA_ERR_NONE;
    for (size_t i = 0; i < sluice_strmap_count(configs); i++) {
        const char *key = sluice_strmap_key_at(configs, i);
        if (!config_find_key(broker_topic_config_keys, key)) {
            snprintf(errstr, errstr_size, "Unknown topic config name: %s", key);
            return KAFKA_ERR_INVALID_CONFIG;
        }
    }
    sluice_config_t *c = sluice_config_new(broker_topic_config_keys, configs, errstr, errstr_size);
    if (!c)
        return KAFKA_ERR_INVALID_CONFIG;
    if (topic_config_supported(c, errstr, errstr_size) < 0) {
        sluice_config_destroy(c);
        return KAFKA_ERR_INVALID_CONFIG;
    }
    if (sluice_strmap_get(configs, "cleanup.policy")) {
        const char *const *items;
        size_t n = sluice_config_get_list(c, "cleanup.policy", &items);
        conf->cleanup_policy = 0;
        for (size_t i = 0; i < n; i++)
            conf->cleanup_policy |=
                strcmp(items[i], "compact") == 0 ? BROKER_CLEANUP_COMPACT : BROKER_CLEANUP_DELETE;
    }
#define TOPIC_LONG(key, field)                                                                     \
    if (sluice_strmap_get(configs, key))                                                           \
    conf->field = sluice_config_get_long(c, key)
#define TOPIC_INT(key, field)                                                                      \
    if (sluice_strmap_get(configs, key))                                                           \
    conf->field = sluice_config_get_int(c, key)
    TOPIC_LONG("retention.ms", retention_ms);
    TOPIC_LONG("retention.bytes", retention_bytes);
    TOPIC_INT("segment.bytes", segment_bytes);
    TOPIC_LONG("segment.ms", segment_ms);
    TOPIC_INT("segment.index.bytes", segment_index_bytes);
    TOPIC_INT("index.interval.bytes", index_interval_bytes);
    TOPIC_INT("max.message.bytes", max_message_bytes);
    TOPIC_LONG("delete.retention.ms", delete_retention_ms);
    TOPIC_LONG("flush.messages", flush_messages);
    TOPIC_LONG("flush.ms", flush_ms);
#undef TOPIC_LONG
#undef TOPIC_INT
    if (sluice_strmap_get(configs, "min.cleanable.dirty.ratio"))
        conf->min_cleanable_dirty_ratio = sluice_config_get_double(c, "min.cleanable.dirty.ratio");
    if (conf->retention_ms < 0)
        conf->retention_ms = -1;
    sluice_config_destroy(c);
    return KAFKA_ERR_NONE;
}

bool broker_topic_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 249 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static void topic_free(broker_topic_t *t, bool close_logs)
{
    if (!t)
        return;
    for (int32_t p = 0; p < t->partition_count; p++)
        if (t->logs[p] && close_logs)
            broker_log_close(t->logs[p]);
    free(t->logs);
    sluice_strmap_destroy(t->overrides);
    free(t->name);
    free(t);
}

broker_topic_t *broker_topics_find(broker_topics_t *topics, const char *name)
{
    for (size_t i = 0; i < topics->count; i++)
        if (strcmp(topics->items[i]->name, name) == 0)
            return topics->items[i];
    return NULL;
}

broker_log_t *broker_topics_log(broker_topics_t *topics, const char *name, int32_t partition)
{
    broker_topic_t *t = broker_topics_find(topics, name);
    if (!t || partition < 0 || partition >= t->partition_count)
        return NULL;
    return t->logs[partition];
}

size_t broker_topics_count(const broker_topics_t *topics)
{
    return topics->count;
}

broker_topic_t *broker_topics_at(broker_topics_t *topics, size_t i)
{
    return i < topics->count ? topics->items[i] : NULL;
}

static void topics_add(broker_topics_t *topics, broker_topic_t *t)
{
    mem_grow((void **)&topics->items, &topics->cap, topics->count + 1, sizeof(*topics->items));
    topics->items[topics->count++] = t;
}

static void topic_config_path(const broker_topics_t *topics, const char *name, char *path,
                              size_t size)
{
    snprintf(path, size, "%s/" TOPIC_CONFIG_DIR "/%s.properties", topics->log_dir, name);
}

/* Opens partitions [from, to) of t. */
static int topic_open_partitions(broker_topics_t *topics, broker_topic_t *t, int32_t from,
                                 int32_t to, int64_t now_ms, char *errstr, size_t errstr_size)
{
    t->logs = mem_realloc(t->logs, (size_t)to * sizeof(*t->logs));
    for (int32_t p = from; p < to; p++) {
        t->logs[p] =
            broker_log_open(topics->log_dir, t->name, p, &t->conf, now_ms, errstr, errstr_size);
        if (!t->logs[p]) {
            for (int32_t q = from; q < p; q++)
                broker_log_close(t->logs[q]);
            return -1;
        }
    }
    t->partition_count = to;
    return 0;
}

/* Parses "<topic>-<partition>"; false for anything else. */
static bool topic_dir_parse(const char *entry, char *topic, size_t topic_size, int32_t *partition)
{
    const char *dash = strrchr(entry, '-');
    if (!dash || dash == entry || dash[1] == '\0')
        return false;
    char *end;
    long p = strtol(dash + 1, &end, 10);
    if (*end != '\0' || p < 0 || p > INT32_MAX || (size_t)(dash - entry) >= topic_size)
        return false;
    memcpy(topic, entry, (size_t)(dash - entry));
    topic[dash - entry] = '\0';
    if (!broker_topic_name_valid(topic))
        return false;
    *partition = (int32_t)p;
    return true;
}

broker_topics_t *broker_topics_open(const char *log_dir, const broker_log_config_t *defaults,
                                    int64_t now_ms, char *errstr, size_t errstr_size)
{
    broker_topics_t *topics = mem_calloc(1, sizeof(*topics));
    topics->log_dir = mem_strdup(log_dir);
    topics->defaults = *defaults;
    broker_log_remove_deleted_dirs(log_dir);

    DIR *d = opendir(log_dir);
    if (!d) {
        snprintf(errstr, errstr_size, "cannot read log directory %s: %s", log_dir, strerror(errno));
        broker_topics_close(topics);
        return NULL;
    }
    /* First pass: topic names and their highest partition. */
    sluice_strmap_t *found = sluice_strmap_new();
    struct dirent *de;
    while ((de = readdir(d))) {
        char topic[256];
        int32_t partition;
        if (!topic_dir_parse(de->d_name, topic, sizeof topic, &partition))
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", log_dir, de->d_name);
        if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        const char *prev = sluice_strmap_get(found, topic);
        if (!prev || atol(prev) < partition + 1) {
            char n[16];
            snprintf(n, sizeof n, "%d", partition + 1);
            sluice_strmap_set(found, topic, n);
        }
    }
    closedir(d);

    int rc = 0;
    for (size_t i = 0; i < sluice_strmap_count(found) && rc == 0; i++) {
        broker_topic_t *t = mem_calloc(1, sizeof(*t));
        t->name = mem_strdup(sluice_strmap_key_at(found, i));
        t->internal = strcmp(t->name, "__consumer_offsets") == 0;
        t->overrides = sluice_strmap_new();
        char path[4096], err[1024] = "";
        topic_config_path(topics, t->name, path, sizeof path);
        if (access(path, F_OK) == 0 && props_parse_file(path, t->overrides, err, sizeof err) < 0)
            log_warn(NULL, "broker", "Ignoring the config overrides of topic %s: %s", t->name, err);
        if (broker_topic_configs_apply(t->overrides, defaults, &t->conf, err, sizeof err) !=
            KAFKA_ERR_NONE) {
            log_warn(NULL, "broker", "Ignoring the config overrides of topic %s: %s", t->name, err);
            t->conf = *defaults;
        }
        /* A partition directory missing in the middle (deleted by hand) is
         * recreated empty rather than leaving a hole clients cannot use. */
        if (topic_open_partitions(topics, t, 0, (int32_t)atol(sluice_strmap_value_at(found, i)),
                                  now_ms, errstr, errstr_size) < 0) {
            topic_free(t, false);
            rc = -1;
            break;
        }
        topics_add(topics, t);
    }
    sluice_strmap_destroy(found);
    if (rc < 0) {
        broker_topics_close(topics);
        return NULL;
    }
    return topics;
}

void broker_topics_close(broker_topics_t *topics)
{
    if (!topics)
        return;
    for (size_t i = 0; i < topics->count; i++)
        topic_free(topics->items[i], true);
    free(topics->items);
    free(topics->log_dir);
    free(topics);
}

static int topic_save_overrides(broker_topics_t *topics, const broker_topic_t *t, char *errstr,
                                size_t errstr_size)
{
    char dir[4096], path[4096];
    snprintf(dir, sizeof dir, "%s/" TOPIC_CONFIG_DIR, topics->log_dir);
    topic_config_path(topics, t->name, path, sizeof path);
    if (sluice_strmap_count(t->overrides) == 0) {
        unlink(path);
        return 0;
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(errstr, errstr_size, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    return props_write_file(path, t->overrides, NULL, errstr, errstr_size);
}

kafka_error_t broker_topics_create(broker_topics_t *topics, const char *name, int32_t partitions,
                                   const sluice_strmap_t *configs, bool internal,
                                   bool validate_only, int64_t now_ms, char *errstr,
                                   size_t errstr_size)
{
    if (!broker_topic_name_valid(name)) {
        snprintf(errstr, errstr_size,
                 "Topic name \"%s\" is illegal: it must be 1 to 249 characters of "
                 "[a-zA-Z0-9._-] and not \".\" or \"..\"",
                 name);
        return KAFKA_ERR_INVALID_TOPIC_EXCEPTION;
    }
    if (broker_topics_find(topics, name)) {
        snprintf(errstr, errstr_size, "Topic '%s' already exists.", name);
        return KAFKA_ERR_TOPIC_ALREADY_EXISTS;
    }
    if (partitions <= 0 || partitions > 100000) {
        snprintf(errstr, errstr_size, "Number of partitions must be larger than 0 (got %d).",
                 partitions);
        return KAFKA_ERR_INVALID_PARTITIONS;
    }
    broker_log_config_t conf;
    kafka_error_t err =
        broker_topic_configs_apply(configs, &topics->defaults, &conf, errstr, errstr_size);
    if (err != KAFKA_ERR_NONE || validate_only)
        return err;
    broker_topic_t *t = mem_calloc(1, sizeof(*t));
    t->name = mem_strdup(name);
    t->internal = internal;
    t->conf = conf;
    t->overrides = sluice_strmap_copy(configs);
    if (topic_save_overrides(topics, t, errstr, errstr_size) < 0 ||
        topic_open_partitions(topics, t, 0, partitions, now_ms, errstr, errstr_size) < 0) {
        topic_free(t, false);
        return KAFKA_ERR_KAFKA_STORAGE_ERROR;
    }
    topics_add(topics, t);
    log_info(NULL, "broker", "Created topic %s with %d partition(s)", name, partitions);
    return KAFKA_ERR_NONE;
}

kafka_error_t broker_topics_delete(broker_topics_t *topics, const char *name)
{
    for (size_t i = 0; i < topics->count; i++) {
        broker_topic_t *t = topics->items[i];
        if (strcmp(t->name, name) != 0)
            continue;
        for (int32_t p = 0; p < t->partition_count; p++)
            broker_log_delete(t->logs[p]);
        t->partition_count = 0;
        char path[4096];
        topic_config_path(topics, name, path, sizeof path);
        unlink(path);
        topics->items[i] = topics->items[--topics->count];
        topic_free(t, false);
        log_info(NULL, "broker", "Deleted topic %s", name);
        return KAFKA_ERR_NONE;
    }
    return KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
}

kafka_error_t broker_topics_add_partitions(broker_topics_t *topics, const char *name, int32_t total,
                                           bool validate_only, int64_t now_ms, char *errstr,
                                           size_t errstr_size)
{
    broker_topic_t *t = broker_topics_find(topics, name);
    if (!t) {
        snprintf(errstr, errstr_size, "Topic '%s' does not exist.", name);
        return KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
    }
    if (total <= t->partition_count || total > 100000) {
        snprintf(errstr, errstr_size,
                 "Topic currently has %d partitions, which is higher than the requested %d.",
                 t->partition_count, total);
        if (total == t->partition_count)
            snprintf(errstr, errstr_size, "Topic already has %d partitions.", total);
        return KAFKA_ERR_INVALID_PARTITIONS;
    }
    if (validate_only)
        return KAFKA_ERR_NONE;
    if (topic_open_partitions(topics, t, t->partition_count, total, now_ms, errstr, errstr_size) <
        0)
        return KAFKA_ERR_KAFKA_STORAGE_ERROR;
    log_info(NULL, "broker", "Topic %s now has %d partitions", name, total);
    return KAFKA_ERR_NONE;
}
