/*
 * Connector-level configuration: the table Kafka's ConnectorConfig declares,
 * enriched per config with the keys of its aliases and its class, and the
 * cross-key rules Kafka's herder checks before it accepts a connector.
 */
#include "connector_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "log.h"
#include "mem.h"
#include "properties.h"

/* clang-format off */
#define CONNECTOR_COMMON_KEYS \
    {.name = "name", .type = SLUICE_CONFIG_STRING, .required = true, \
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_NON_EMPTY_NO_CTRL, \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 1, \
     .display_name = "Connector name", \
     .doc = "Globally unique name of this connector."}, \
    {.name = "connector.class", .type = SLUICE_CONFIG_STRING, .required = true, \
     .importance = SLUICE_IMPORTANCE_HIGH, \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 2, \
     .display_name = "Connector class", \
     .doc = "The connector's class: its full name " \
            "(org.apache.kafka.connect.file.FileStreamSinkConnector) or an alias " \
            "(FileStreamSinkConnector, FileStreamSink)."}, \
    {.name = "tasks.max", .type = SLUICE_CONFIG_INT, .default_value = "1", \
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_AT_LEAST(1), \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 3, .display_name = "Tasks max", \
     .doc = "The most tasks this connector may run."}, \
    {.name = "tasks.max.enforce", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 4, \
     .display_name = "Enforce tasks max", \
     .doc = "Fail the connector when it hands out more task configurations than tasks.max " \
            "(deprecated in Kafka; false only logs a warning)."}, \
    {.name = "key.converter", .type = SLUICE_CONFIG_CLASS, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 5, \
     .display_name = "Key converter class", \
     .doc = "Converter class for record keys; unset inherits the worker's key.converter."}, \
    {.name = "value.converter", .type = SLUICE_CONFIG_CLASS, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 6, \
     .display_name = "Value converter class", \
     .doc = "Converter class for record values; unset inherits the worker's value.converter."}, \
    {.name = "header.converter", .type = SLUICE_CONFIG_CLASS, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 7, \
     .display_name = "Header converter class", \
     .doc = "HeaderConverter class for header values; unset inherits the worker's " \
            "header.converter."}, \
    {.name = "transforms", .type = SLUICE_CONFIG_LIST, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .group = CONNECTOR_CONFIG_GROUP_TRANSFORMS, .order_in_group = 8, \
     .display_name = "Transforms", \
     .doc = "Aliases of the transformations applied to records, in order."}, \
    {.name = "predicates", .type = SLUICE_CONFIG_LIST, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .group = CONNECTOR_CONFIG_GROUP_PREDICATES, .order_in_group = 9, \
     .display_name = "Predicates", \
     .doc = "Aliases of the predicates transformations may refer to."}, \
    {.name = "config.action.reload", .type = SLUICE_CONFIG_STRING, .default_value = "restart", \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_ONE_OF("none", "restart"), \
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 10, \
     .display_name = "Reload Action", \
     .doc = "What to do when a config provider reports that values of this config changed: " \
            "'none' nothing, 'restart' restart the connector with the new values."}, \
    {.name = "errors.retry.timeout", .type = SLUICE_CONFIG_LONG, .default_value = "0", \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 1, \
     .display_name = "Retry Timeout for Errors", \
     .doc = "How long, in milliseconds, a failed operation is retried: 0 never, -1 forever."}, \
    {.name = "errors.retry.delay.max.ms", .type = SLUICE_CONFIG_LONG, .default_value = "60000", \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 2, \
     .display_name = "Maximum Delay Between Retries for Errors", \
     .doc = "The longest wait, in milliseconds, between two retries; jitter is added beyond " \
            "it."}, \
    {.name = "errors.tolerance", .type = SLUICE_CONFIG_STRING, .default_value = "none", \
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_ONE_OF("none", "all"), \
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 3, \
     .display_name = "Error Tolerance", \
     .doc = "'none': any error fails the task at once; 'all': problem records are skipped " \
            "(and sent to the dead letter queue when one is set)."}, \
    {.name = "errors.log.enable", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "false", \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 4, .display_name = "Log Errors", \
     .doc = "Log each error with the failed operation and record; by default only errors " \
            "that are not tolerated are reported."}, \
    {.name = "errors.log.include.messages", .type = SLUICE_CONFIG_BOOLEAN, \
     .default_value = "false", .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 5, \
     .display_name = "Log Error Details", \
     .doc = "Include the record's key, value and headers in those log lines (topic, " \
            "partition and offset are always there)."}

static const sluice_config_key_t connector_common_keys[] = {
    CONNECTOR_COMMON_KEYS,
    SLUICE_CONFIG_END,
};

static const sluice_config_key_t connector_sink_keys[] = {
    CONNECTOR_COMMON_KEYS,
    {.name = "topics", .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 4, .display_name = "Topics",
     .doc = "The topics to consume, comma-separated."},
    {.name = "topics.regex", .type = SLUICE_CONFIG_STRING, .default_value = "",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .group = CONNECTOR_CONFIG_GROUP_COMMON, .order_in_group = 4, .display_name = "Topics regex",
     .doc = "A regular expression: every topic it matches is consumed. Only one of topics or "
            "topics.regex should be specified."},
    {.name = "errors.deadletterqueue.topic.name", .type = SLUICE_CONFIG_STRING,
     .default_value = "", .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 6,
     .display_name = "Dead Letter Queue Topic Name",
     .doc = "The topic records that failed in the converter, a transformation or the sink are "
            "written to (the dead letter queue); empty means none."},
    {.name = "errors.deadletterqueue.topic.replication.factor", .type = SLUICE_CONFIG_SHORT,
     .default_value = "3", .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 7,
     .display_name = "Dead Letter Queue Topic Replication Factor",
     .doc = "The replication factor of the dead letter queue topic when it is created."},
    {.name = "errors.deadletterqueue.context.headers.enable", .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "false", .importance = SLUICE_IMPORTANCE_MEDIUM,
     .group = CONNECTOR_CONFIG_GROUP_ERRORS, .order_in_group = 8,
     .display_name = "Enable Error Context Headers",
     .doc = "Add __connect.errors.* headers describing the failure to records sent to the dead "
            "letter queue."},
    SLUICE_CONFIG_END,
};

static const sluice_config_key_t connector_source_keys[] = {
    CONNECTOR_COMMON_KEYS,
    {.name = "topic.creation.groups", .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = CONNECTOR_CONFIG_GROUP_TOPIC_CREATION, .order_in_group = 1,
     .display_name = "Topic Creation Groups",
     .doc = "Groups of topic settings (besides 'default'), each matched to topics by "
            "topic.creation.<group>.include and .exclude."},
    {.name = "exactly.once.support", .type = SLUICE_CONFIG_STRING,
     .default_value = "requested", .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_ONE_OF_NOCASE("requested", "required"),
     .group = CONNECTOR_CONFIG_GROUP_EXACTLY_ONCE, .order_in_group = 1,
     .display_name = "Exactly once support",
     .doc = "'required' refuses the connector unless it can give exactly-once delivery; "
            "'requested' does not check."},
    {.name = "transaction.boundary", .type = SLUICE_CONFIG_STRING, .default_value = "poll",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_ONE_OF_NOCASE("poll", "interval", "connector"),
     .group = CONNECTOR_CONFIG_GROUP_EXACTLY_ONCE, .order_in_group = 2,
     .display_name = "Transaction Boundary",
     .doc = "Where transactions end with exactly-once delivery: after each poll, every "
            "transaction.boundary.interval.ms, or where the connector says."},
    {.name = "transaction.boundary.interval.ms", .type = SLUICE_CONFIG_LONG,
     .default_value = NULL, .importance = SLUICE_IMPORTANCE_LOW,
     .validator = SLUICE_AT_LEAST(0),
     .group = CONNECTOR_CONFIG_GROUP_EXACTLY_ONCE, .order_in_group = 3,
     .display_name = "Transaction boundary interval",
     .doc = "With transaction.boundary=interval, how long a transaction lasts; default the "
            "worker's offset.flush.interval.ms."},
    {.name = "offsets.storage.topic", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_LOW,
     .group = CONNECTOR_CONFIG_GROUP_EXACTLY_ONCE, .order_in_group = 4,
     .display_name = "Offsets topic",
     .doc = "A topic of this connector's own for its offsets, instead of the worker's."},
    SLUICE_CONFIG_END,
};
/* clang-format on */

/* Where a connector config's own keys and the ones passed on begin. */
static const char *const connector_passthrough_prefixes[] = {
    "producer.override.", "consumer.override.",
    "admin.override.",    "key.converter.",
    "value.converter.",   "header.converter.",
    "transforms.",        "predicates.",
    "topic.creation.",    NULL,
};

const sluice_config_key_t *connector_config_keys(sluice_class_kind_t kind)
{
    switch (kind) {
    case SLUICE_CLASS_SINK_CONNECTOR: return connector_sink_keys;
    case SLUICE_CLASS_SOURCE_CONNECTOR: return connector_source_keys;
    default: return connector_common_keys;
    }
}

/* ---- the enriched table ------------------------------------------------------ */

struct connector_config_validation {
    sluice_config_key_t *keys; /* SLUICE_CONFIG_END-terminated, built per config */
    size_t key_count;
    size_t key_cap;
    char **strings; /* names, docs and groups the table points at */
    size_t string_count;
    size_t string_cap;
    const char **groups;
    size_t group_count;
    sluice_strmap_t *props;
    sluice_config_validation_t *result;
    const sluice_class_t *cls;
};

static const char *cv_own(connector_config_validation_t *v, sluice_buf_t *text)
{
    mem_grow((void **)&v->strings, &v->string_cap, v->string_count + 1, sizeof(char *));
    return v->strings[v->string_count++] = mem_strdup(sluice_buf_data(text));
}

static const char *cv_ownf(connector_config_validation_t *v, const char *fmt, ...)
    SLUICE_PRINTF(2, 3);
static const char *cv_ownf(connector_config_validation_t *v, const char *fmt, ...)
{
    sluice_buf_t *b = sluice_buf_new();
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(b, fmt, ap);
    va_end(ap);
    const char *s = cv_own(v, b);
    sluice_buf_destroy(b);
    return s;
}

/* Adds key unless the table has its name already (the runtime's keys win
 * over a plugin's of the same name). */
static void cv_add_key(connector_config_validation_t *v, const sluice_config_key_t *key)
{
    for (size_t i = 0; i < v->key_count; i++)
        if (strcmp(v->keys[i].name, key->name) == 0)
            return;
    mem_grow((void **)&v->keys, &v->key_cap, v->key_count + 2, sizeof(sluice_config_key_t));
    v->keys[v->key_count++] = *key;
    memset(&v->keys[v->key_count], 0, sizeof v->keys[0]);
}

static void cv_add_table(connector_config_validation_t *v, const sluice_config_key_t *keys)
{
    for (size_t i = 0; keys && keys[i].name; i++)
        cv_add_key(v, &keys[i]);
}

/* Adds a class's keys under prefix, in group (Kafka's ConfigDef.embed). */
static void cv_embed(connector_config_validation_t *v, const char *prefix, const char *group,
                     int order, const sluice_config_key_t *keys)
{
    for (size_t i = 0; keys && keys[i].name; i++) {
        sluice_config_key_t k = keys[i];
        k.name = cv_ownf(v, "%s%s", prefix, keys[i].name);
        k.group = group;
        k.order_in_group = order + k.order_in_group;
        cv_add_key(v, &k);
    }
}

static const char *const cv_minus_one_or_positive_err = "Value must be -1 or at least 1";

static int cv_check_minus_one_or_positive(const char *name, const char *value, char *errstr,
                                          size_t errstr_size)
{
    (void)name;
    if (!value)
        return 0;
    char *end = NULL;
    long n = strtol(value, &end, 10);
    if (*end == '\0' && n != -1 && n < 1) {
        snprintf(errstr, errstr_size, "%s", cv_minus_one_or_positive_err);
        return -1;
    }
    return 0; /* a non-number is already refused by the INT type */
}

/* A list's items as parsed by the config system, so aliases are split and
 * trimmed exactly as the typed value will be. */
static size_t cv_list(const sluice_strmap_t *props, const char *name, char ***items)
{
    static const sluice_config_key_t list_key[] = {
        {.name = NULL, .type = SLUICE_CONFIG_LIST, .default_value = ""},
        SLUICE_CONFIG_END,
    };
    sluice_config_key_t key[2];
    memcpy(key, list_key, sizeof key);
    key[0].name = name;
    *items = NULL;
    sluice_config_t *c = sluice_config_new(key, props, NULL, 0);
    if (!c)
        return 0;
    const char *const *got = NULL;
    size_t n = sluice_config_get_list(c, name, &got);
    *items = mem_calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        (*items)[i] = mem_strdup(got[i]);
    sluice_config_destroy(c);
    return n;
}

static void cv_free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

static const char *cv_kind_title(sluice_class_kind_t kind)
{
    return kind == SLUICE_CLASS_TRANSFORM ? "Transformation" : "Predicate";
}

/* Adds the keys of each alias of a transforms / predicates list; returns the
 * classes found, parallel to the aliases (NULL where not found). */
static void cv_enrich_aliases(connector_config_validation_t *v, const plugin_registry_t *registry,
                              const char *list, sluice_class_kind_t kind, const char *group_title,
                              char **aliases, size_t n)
{
    const char *kind_word = kind == SLUICE_CLASS_TRANSFORM ? "transformation" : "predicate";
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup = dup || strcmp(aliases[j], aliases[i]) == 0;
        if (dup)
            continue;
        const char *prefix = cv_ownf(v, "%s.%s.", list, aliases[i]);
        const char *group = cv_ownf(v, "%s: %s", group_title, aliases[i]);
        sluice_config_key_t type = {
            .name = cv_ownf(v, "%stype", prefix),
            .type = SLUICE_CONFIG_CLASS,
            .required = true,
            .importance = SLUICE_IMPORTANCE_HIGH,
            .doc = cv_ownf(v, "Class for the '%s' %s.", aliases[i], kind_word),
            .group = group,
            .order_in_group = 0,
            .display_name = cv_ownf(v, "%s type for %s", cv_kind_title(kind), aliases[i]),
        };
        cv_add_key(v, &type);
        if (kind == SLUICE_CLASS_TRANSFORM) {
            sluice_config_key_t pred = {
                .name = cv_ownf(v, "%spredicate", prefix),
                .type = SLUICE_CONFIG_STRING,
                .default_value = "",
                .importance = SLUICE_IMPORTANCE_MEDIUM,
                .doc = "The alias of a predicate used to determine whether to apply this "
                       "transformation.",
                .group = group,
                .order_in_group = 1,
            };
            sluice_config_key_t negate = {
                .name = cv_ownf(v, "%snegate", prefix),
                .type = SLUICE_CONFIG_BOOLEAN,
                .default_value = "false",
                .importance = SLUICE_IMPORTANCE_MEDIUM,
                .doc = "Whether the configured predicate should be negated.",
                .group = group,
                .order_in_group = 2,
            };
            cv_add_key(v, &pred);
            cv_add_key(v, &negate);
        }
        const char *type_name = sluice_strmap_get(v->props, type.name);
        const sluice_class_t *cls =
            type_name && registry ? plugin_registry_find(registry, kind, type_name) : NULL;
        if (cls)
            cv_embed(v, prefix, group, 3, cls->config);
    }
}

/* Topic creation groups (TopicCreationConfig): the default group's
 * replication factor and partitions are required once any topic.creation.*
 * setting is given. */
static void cv_enrich_topic_creation(connector_config_validation_t *v, char **groups, size_t n)
{
    bool used = n > 0;
    for (size_t i = 0; !used && i < sluice_strmap_count(v->props); i++)
        used = strncmp(sluice_strmap_key_at(v->props, i), "topic.creation.", 15) == 0 &&
               strcmp(sluice_strmap_key_at(v->props, i), "topic.creation.groups") != 0;
    if (!used)
        return;
    for (size_t g = 0; g <= n; g++) {
        const char *alias = g == 0 ? "default" : groups[g - 1];
        if (g > 0 && strcmp(alias, "default") == 0)
            continue;
        bool dup = false;
        for (size_t j = 1; j < g; j++)
            dup = dup || strcmp(groups[j - 1], alias) == 0;
        if (dup)
            continue;
        const char *group = cv_ownf(v, "%s", alias);
        sluice_config_key_t keys[] = {
            {.name = cv_ownf(v, "topic.creation.%s.include", alias),
             .type = SLUICE_CONFIG_LIST,
             .default_value = g == 0 ? ".*" : "",
             .importance = SLUICE_IMPORTANCE_LOW,
             .doc = "Regular expressions of the topic names this group's settings apply to.",
             .group = group,
             .order_in_group = 1,
             .display_name = cv_ownf(v, "Inclusion Topic Pattern for %s", alias)},
            {.name = cv_ownf(v, "topic.creation.%s.exclude", alias),
             .type = SLUICE_CONFIG_LIST,
             .default_value = "",
             .importance = SLUICE_IMPORTANCE_LOW,
             .doc = "Regular expressions of topic names this group's settings do not apply to; "
                    "exclusion wins over inclusion.",
             .group = group,
             .order_in_group = 2,
             .display_name = cv_ownf(v, "Exclusion Topic Pattern for %s", alias)},
            {.name = cv_ownf(v, "topic.creation.%s.replication.factor", alias),
             .type = SLUICE_CONFIG_INT,
             .required = g == 0,
             .importance = SLUICE_IMPORTANCE_LOW,
             .validator = SLUICE_CHECK(cv_check_minus_one_or_positive),
             .doc = "The replication factor of topics created in this group (-1: the broker's "
                    "default). Required for the default group; other groups inherit it.",
             .group = group,
             .order_in_group = 3,
             .display_name = cv_ownf(v, "Replication Factor for Topics in %s", alias)},
            {.name = cv_ownf(v, "topic.creation.%s.partitions", alias),
             .type = SLUICE_CONFIG_INT,
             .required = g == 0,
             .importance = SLUICE_IMPORTANCE_LOW,
             .validator = SLUICE_CHECK(cv_check_minus_one_or_positive),
             .doc = "The partition count of topics created in this group (-1: the broker's "
                    "default). Required for the default group; other groups inherit it.",
             .group = group,
             .order_in_group = 4,
             .display_name = cv_ownf(v, "Partition Count for Topics in %s", alias)},
        };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            cv_add_key(v, &keys[k]);
    }
}

/* Appends "; did you mean A or B?" for close class names of kind. */
static void cv_suggest(const plugin_registry_t *registry, sluice_class_kind_t kind,
                       const char *name, sluice_buf_t *out)
{
    const char *close[3];
    size_t n = registry ? plugin_registry_suggest(registry, kind, name, close, 3) : 0;
    for (size_t i = 0; i < n; i++)
        sluice_buf_printf(out, "%s%s",
                          i == 0       ? "; did you mean "
                          : i + 1 == n ? " or "
                                       : ", ",
                          close[i]);
    if (n)
        sluice_buf_putc(out, '?');
}

/* A CLASS value that must name a class of kind (title for "Not a ..."). */
static void cv_check_class(connector_config_validation_t *v, const plugin_registry_t *registry,
                           const char *key, sluice_class_kind_t kind, const char *title)
{
    const char *name = sluice_strmap_get(v->props, key);
    if (!name)
        return;
    char *trimmed = mem_strdup(name);
    size_t len = strlen(trimmed);
    while (len && (unsigned char)trimmed[len - 1] <= ' ')
        trimmed[--len] = '\0';
    const char *t = trimmed;
    while (*t && (unsigned char)*t <= ' ')
        t++;
    if (*t && (!registry || !plugin_registry_find(registry, kind, t))) {
        sluice_buf_t *msg = sluice_buf_new();
        if (registry && plugin_registry_find_any(registry, t))
            sluice_buf_printf(msg, "Invalid value %s for configuration %s: Not a %s", t, key,
                              title);
        else
            sluice_buf_printf(msg,
                              "Invalid value %s for configuration %s: Class %s could not be "
                              "found.",
                              t, key, t);
        cv_suggest(registry, kind, t, msg);
        sluice_config_validation_add_error(v->result, key, "%s", sluice_buf_data(msg));
        sluice_buf_destroy(msg);
    }
    free(trimmed);
}

static bool cv_has_value(const sluice_strmap_t *props, const char *key)
{
    const char *s = sluice_strmap_get(props, key);
    if (!s)
        return false;
    while (*s && (unsigned char)*s <= ' ')
        s++;
    return *s != '\0';
}

/* Kafka's SinkConnectorConfig.validate, attached to both keys as Kafka's
 * herder does. */
static void cv_check_sink(connector_config_validation_t *v)
{
    bool topics = cv_has_value(v->props, "topics");
    bool regex = cv_has_value(v->props, "topics.regex");
    if (topics && regex) {
        static const char msg[] =
            "topics and topics.regex are mutually exclusive options, but both are set.";
        sluice_config_validation_add_error(v->result, "topics", "%s", msg);
        sluice_config_validation_add_error(v->result, "topics.regex", "%s", msg);
    } else if (!topics && !regex) {
        /* `topic` is the source's key; on a sink it is nearly always a typo */
        const char *hint = sluice_strmap_get(v->props, "topic")
                               ? " (the config has 'topic', which sink connectors do not read: "
                                 "did you mean topics?)"
                               : "";
        sluice_config_validation_add_error(v->result, "topics",
                                           "Must configure one of topics or topics.regex%s", hint);
        sluice_config_validation_add_error(v->result, "topics.regex",
                                           "Must configure one of topics or topics.regex%s", hint);
    }
    const char *dlq = sluice_strmap_get(v->props, "errors.deadletterqueue.topic.name");
    if (topics && dlq && dlq[0]) {
        char **items = NULL;
        size_t n = cv_list(v->props, "topics", &items);
        for (size_t i = 0; i < n; i++)
            if (strcmp(items[i], dlq) == 0)
                sluice_config_validation_add_error(
                    v->result, "errors.deadletterqueue.topic.name",
                    "The DLQ topic '%s' may not be included in the list of topics ('topics=%s') "
                    "consumed by the connector",
                    dlq, sluice_strmap_get(v->props, "topics"));
        cv_free_list(items, n);
    }
}

static void cv_check_duplicates(connector_config_validation_t *v, const char *key, char **items,
                                size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(items[i], items[j]) == 0) {
                sluice_config_validation_add_error(
                    v->result, key,
                    "Invalid value %s for configuration %s: Duplicate alias "
                    "provided.",
                    sluice_strmap_get(v->props, key), key);
                return;
            }
}

static void cv_check_transforms(connector_config_validation_t *v, const plugin_registry_t *registry,
                                char **transforms, size_t nt, char **predicates, size_t np)
{
    sluice_buf_t *key = sluice_buf_new(), *other = sluice_buf_new();
    for (size_t i = 0; i < nt; i++) {
        sluice_buf_reset(key);
        sluice_buf_printf(key, "transforms.%s.type", transforms[i]);
        cv_check_class(v, registry, sluice_buf_data(key), SLUICE_CLASS_TRANSFORM, "Transformation");
        sluice_buf_reset(key);
        sluice_buf_printf(key, "transforms.%s.predicate", transforms[i]);
        sluice_buf_reset(other);
        sluice_buf_printf(other, "transforms.%s.negate", transforms[i]);
        const char *pred = sluice_strmap_get(v->props, sluice_buf_data(key));
        if (!pred && sluice_strmap_get(v->props, sluice_buf_data(other)))
            sluice_config_validation_add_error(
                v->result, sluice_buf_data(other),
                "Config '%s' was provided but there is no config '%s' defining a predicate to be "
                "negated.",
                sluice_buf_data(other), sluice_buf_data(key));
        if (pred && cv_has_value(v->props, sluice_buf_data(key))) {
            bool known = false;
            for (size_t p = 0; p < np; p++)
                known = known || strcmp(predicates[p], pred) == 0;
            if (!known)
                sluice_config_validation_add_error(
                    v->result, sluice_buf_data(key),
                    "Invalid value %s for configuration %s: no predicate '%s' is listed in "
                    "predicates",
                    pred, sluice_buf_data(key), pred);
        }
    }
    for (size_t i = 0; i < np; i++) {
        sluice_buf_reset(key);
        sluice_buf_printf(key, "predicates.%s.type", predicates[i]);
        cv_check_class(v, registry, sluice_buf_data(key), SLUICE_CLASS_PREDICATE, "Predicate");
    }
    sluice_buf_destroy(key);
    sluice_buf_destroy(other);
}

static void cv_check_connector_class(connector_config_validation_t *v,
                                     const plugin_registry_t *registry)
{
    const char *name = sluice_strmap_get(v->props, "connector.class");
    if (!name || !name[0] || v->cls)
        return;
    sluice_buf_t *msg = sluice_buf_new();
    sluice_buf_printf(msg,
                      "Failed to find any class that implements Connector and which name "
                      "matches %s",
                      name);
    const sluice_class_t *other = registry ? plugin_registry_find_any(registry, name) : NULL;
    if (other)
        sluice_buf_printf(msg, " (%s is a %s)", other->name, sluice_class_kind_name(other->kind));
    const char *close[3];
    size_t n = registry ? plugin_registry_suggest(registry, 0, name, close, 3) : 0;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const sluice_class_t *c = plugin_registry_find_any(registry, close[i]);
        if (!c ||
            (c->kind != SLUICE_CLASS_SOURCE_CONNECTOR && c->kind != SLUICE_CLASS_SINK_CONNECTOR))
            continue;
        sluice_buf_printf(msg, "%s%s", shown++ ? ", " : "; did you mean ", close[i]);
    }
    if (shown) {
        sluice_buf_putc(msg, '?');
    } else {
        /* nothing close: list what there is, as Kafka does */
        size_t listed = 0;
        for (size_t i = 0; registry && i < plugin_registry_count(registry); i++) {
            const sluice_class_t *c = plugin_registry_class_at(registry, i);
            if (c->kind == SLUICE_CLASS_SOURCE_CONNECTOR || c->kind == SLUICE_CLASS_SINK_CONNECTOR)
                sluice_buf_printf(msg, "%s%s",
                                  listed++ ? ", " : ", available connectors are: ", c->name);
        }
        if (!listed)
            sluice_buf_puts(msg, "; no connector plugins are loaded");
    }
    sluice_config_validation_add_error(v->result, "connector.class", "%s", sluice_buf_data(msg));
    sluice_buf_destroy(msg);
}

static void cv_collect_groups(connector_config_validation_t *v)
{
    size_t cap = 0;
    for (size_t i = 0; i < v->key_count; i++) {
        const char *g = v->keys[i].group;
        if (!g)
            continue;
        bool seen = false;
        for (size_t j = 0; j < v->group_count && !seen; j++)
            seen = strcmp(v->groups[j], g) == 0;
        if (seen)
            continue;
        mem_grow((void **)&v->groups, &cap, v->group_count + 2, sizeof(char *));
        v->groups[v->group_count++] = g;
        v->groups[v->group_count] = NULL;
    }
}

connector_config_validation_t *connector_config_validate(const plugin_registry_t *registry,
                                                         const sluice_strmap_t *props)
{
    connector_config_validation_t *v = mem_calloc(1, sizeof(*v));
    v->props = sluice_strmap_copy(props);

    const char *class_name = sluice_strmap_get(v->props, "connector.class");
    sluice_class_kind_t kind = 0;
    if (class_name && registry) {
        v->cls = plugin_registry_find(registry, SLUICE_CLASS_SOURCE_CONNECTOR, class_name);
        if (!v->cls)
            v->cls = plugin_registry_find(registry, SLUICE_CLASS_SINK_CONNECTOR, class_name);
        if (v->cls)
            kind = v->cls->kind;
    }

    char **transforms = NULL, **predicates = NULL, **groups = NULL;
    size_t nt = cv_list(v->props, "transforms", &transforms);
    size_t np = cv_list(v->props, "predicates", &predicates);
    size_t ng = kind == SLUICE_CLASS_SOURCE_CONNECTOR
                    ? cv_list(v->props, "topic.creation.groups", &groups)
                    : 0;

    cv_add_table(v, connector_config_keys(kind));
    cv_enrich_aliases(v, registry, "transforms", SLUICE_CLASS_TRANSFORM,
                      CONNECTOR_CONFIG_GROUP_TRANSFORMS, transforms, nt);
    cv_enrich_aliases(v, registry, "predicates", SLUICE_CLASS_PREDICATE,
                      CONNECTOR_CONFIG_GROUP_PREDICATES, predicates, np);
    if (kind == SLUICE_CLASS_SOURCE_CONNECTOR)
        cv_enrich_topic_creation(v, groups, ng);
    if (v->cls)
        cv_add_table(v, v->cls->config);
    if (!v->keys)
        cv_add_table(v, connector_common_keys);

    v->result = sluice_config_validate(v->keys, v->props);
    cv_check_connector_class(v, registry);
    cv_check_class(v, registry, "key.converter", SLUICE_CLASS_CONVERTER, "Converter");
    cv_check_class(v, registry, "value.converter", SLUICE_CLASS_CONVERTER, "Converter");
    cv_check_class(v, registry, "header.converter", SLUICE_CLASS_HEADER_CONVERTER,
                   "HeaderConverter");
    cv_check_duplicates(v, "transforms", transforms, nt);
    cv_check_duplicates(v, "predicates", predicates, np);
    cv_check_duplicates(v, "topic.creation.groups", groups, ng);
    cv_check_transforms(v, registry, transforms, nt, predicates, np);
    if (kind == SLUICE_CLASS_SINK_CONNECTOR)
        cv_check_sink(v);
    if (v->cls && v->cls->connector && v->cls->connector->validate)
        v->cls->connector->validate(v->props, v->result);
    cv_collect_groups(v);

    cv_free_list(transforms, nt);
    cv_free_list(predicates, np);
    cv_free_list(groups, ng);
    return v;
}

void connector_config_validation_destroy(connector_config_validation_t *v)
{
    if (!v)
        return;
    sluice_config_validation_destroy(v->result);
    sluice_strmap_destroy(v->props);
    for (size_t i = 0; i < v->string_count; i++)
        free(v->strings[i]);
    free(v->strings);
    free(v->keys);
    free(v->groups);
    free(v);
}

sluice_config_validation_t *
connector_config_validation_result(const connector_config_validation_t *v)
{
    return v ? v->result : NULL;
}

size_t connector_config_validation_error_count(const connector_config_validation_t *v)
{
    return v ? sluice_config_validation_error_count(v->result) : 0;
}

size_t connector_config_validation_groups(const connector_config_validation_t *v,
                                          const char *const **groups)
{
    static const char *const none[] = {NULL};
    if (groups)
        *groups = v && v->groups ? (const char *const *)v->groups : none;
    return v ? v->group_count : 0;
}

const sluice_class_t *connector_config_validation_class(const connector_config_validation_t *v)
{
    return v ? v->cls : NULL;
}

const char *connector_config_validation_class_name(const connector_config_validation_t *v)
{
    if (!v)
        return NULL;
    return v->cls ? v->cls->name : sluice_strmap_get(v->props, "connector.class");
}

void connector_config_validation_render(const connector_config_validation_t *v, const char *source,
                                        sluice_buf_t *out)
{
    size_t n = sluice_config_validation_count(v->result);
    for (size_t i = 0; i < n; i++) {
        const char *const *errors = NULL;
        size_t ne = sluice_config_validation_errors_at(v->result, i, &errors);
        for (size_t e = 0; e < ne; e++) {
            bool printed = false;
            for (size_t j = 0; j < i && !printed; j++) {
                const char *const *earlier = NULL;
                size_t nj = sluice_config_validation_errors_at(v->result, j, &earlier);
                for (size_t k = 0; k < nj && !printed; k++)
                    printed = strcmp(earlier[k], errors[e]) == 0;
            }
            if (printed)
                continue;
            if (source)
                sluice_buf_printf(out, "%s: ", source);
            sluice_buf_printf(out, "%s: %s\n", sluice_config_validation_name_at(v->result, i),
                              errors[e]);
        }
    }
}

/* ---- a validated connector config ------------------------------------------ */

struct connector_config {
    connector_config_validation_t *validation; /* owns the table values points into */
    sluice_config_t *values;
    sluice_config_t *plugin_values;
    sluice_strmap_t *originals;
};

static void cc_fail(const char *text, char *errstr, size_t errstr_size)
{
    if (errstr_size)
        snprintf(errstr, errstr_size, "%s", text);
}

static connector_config_t *cc_build(const plugin_registry_t *registry, const sluice_strmap_t *props,
                                    const sluice_strmap_t *originals, const char *source,
                                    char *errstr, size_t errstr_size)
{
    /* Errors of a config without a source (REST) start at the key. */
    const char *where = source ? source : "<connector config>";
    connector_config_validation_t *v = connector_config_validate(registry, props);
    if (connector_config_validation_error_count(v)) {
        sluice_buf_t *out = sluice_buf_new();
        connector_config_validation_render(v, source, out);
        size_t len = sluice_buf_len(out);
        if (len && sluice_buf_data(out)[len - 1] == '\n')
            sluice_buf_truncate(out, len - 1);
        cc_fail(sluice_buf_data(out), errstr, errstr_size);
        sluice_buf_destroy(out);
        connector_config_validation_destroy(v);
        return NULL;
    }
    connector_config_t *cc = mem_calloc(1, sizeof(*cc));
    cc->validation = v;
    char err[4096] = "";
    cc->values = sluice_config_new(v->keys, v->props, err, sizeof err);
    if (cc->values)
        cc->plugin_values = sluice_config_new(v->cls->config, v->props, err, sizeof err);
    if (!cc->values || !cc->plugin_values) {
        /* validation passed, so this is a table the validator and the parser
         * disagree on: still refuse rather than start half-configured */
        sluice_buf_t *out = sluice_buf_new();
        sluice_buf_printf(out, "%s: %s", where, err);
        cc_fail(sluice_buf_data(out), errstr, errstr_size);
        sluice_buf_destroy(out);
        connector_config_destroy(cc);
        return NULL;
    }
    cc->originals = sluice_strmap_copy(originals);
    config_warn_unknown_keys(where, v->keys, v->props, connector_passthrough_prefixes);
    if (errstr_size)
        errstr[0] = '\0';
    return cc;
}

connector_config_t *connector_config_new(const plugin_registry_t *registry,
                                         const sluice_strmap_t *props, const char *source,
                                         char *errstr, size_t errstr_size)
{
    return cc_build(registry, props, props, source, errstr, errstr_size);
}

connector_config_t *connector_config_resolve(const plugin_registry_t *registry,
                                             const sluice_strmap_t *raw,
                                             config_providers_t *providers, const char *source,
                                             char *errstr, size_t errstr_size)
{
    char err[4096] = "";
    sluice_strmap_t *resolved = config_providers_resolve(providers, raw, err, sizeof err);
    if (!resolved) {
        sluice_buf_t *out = sluice_buf_new();
        for (const char *p = err; *p;) {
            size_t len = strcspn(p, "\n");
            if (len)
                sluice_buf_printf(out, "%s%s%s%.*s", sluice_buf_len(out) ? "\n" : "",
                                  source ? source : "", source ? ": " : "", (int)len, p);
            p += len;
            if (*p)
                p++;
        }
        cc_fail(sluice_buf_data(out), errstr, errstr_size);
        sluice_buf_destroy(out);
        return NULL;
    }
    connector_config_t *cc = cc_build(registry, resolved, raw, source, errstr, errstr_size);
    sluice_strmap_destroy(resolved);
    return cc;
}

connector_config_t *connector_config_load_file(const char *path, const plugin_registry_t *registry,
                                               config_providers_t *providers, char *errstr,
                                               size_t errstr_size)
{
    sluice_strmap_t *raw = sluice_strmap_new();
    if (props_parse_file(path, raw, errstr, errstr_size) < 0) {
        sluice_strmap_destroy(raw);
        return NULL;
    }
    connector_config_t *cc =
        connector_config_resolve(registry, raw, providers, path, errstr, errstr_size);
    sluice_strmap_destroy(raw);
    return cc;
}

void connector_config_destroy(connector_config_t *cc)
{
    if (!cc)
        return;
    sluice_config_destroy(cc->plugin_values);
    sluice_config_destroy(cc->values);
    sluice_strmap_destroy(cc->originals);
    connector_config_validation_destroy(cc->validation);
    free(cc);
}

const char *connector_config_name(const connector_config_t *cc)
{
    return sluice_config_get_string(cc->values, "name");
}

const sluice_class_t *connector_config_class(const connector_config_t *cc)
{
    return cc->validation->cls;
}

sluice_class_kind_t connector_config_kind(const connector_config_t *cc)
{
    return cc->validation->cls->kind;
}

const sluice_config_t *connector_config_values(const connector_config_t *cc)
{
    return cc->values;
}

const sluice_config_t *connector_config_plugin_values(const connector_config_t *cc)
{
    return cc->plugin_values;
}

const sluice_strmap_t *connector_config_props(const connector_config_t *cc)
{
    return cc->validation->props;
}

const sluice_strmap_t *connector_config_originals(const connector_config_t *cc)
{
    return cc->originals;
}
