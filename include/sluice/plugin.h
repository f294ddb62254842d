/*
 * Sluice public plugin ABI: plugin descriptors and the operations of each
 * kind of class.
 *
 * A plugin is a shared library that exports one function,
 * sluice_plugin_entry(), returning a static descriptor: the ABI version it
 * was built for, its name and version, and its classes. Declare it with
 * SLUICE_PLUGIN_DECLARE:
 *
 *     static const sluice_class_t *const my_classes[] = { &my_source, NULL };
 *     SLUICE_PLUGIN_DECLARE("my-plugin", "1.0.0", my_classes);
 *
 * The loader checks the ABI version and the struct sizes before it calls
 * anything else in the library, and refuses a mismatch with a message that
 * names the file.
 *
 * Host services (logging, offsets, records, values, configs) are the
 * sluice_* functions of these headers; the sluice binary exports exactly
 * those, and a plugin resolves them when it is loaded. New host functions
 * may be added without breaking plugins built earlier.
 *
 * Every instance is created by a create/start callback that stores its state
 * in *self and freed by destroy. Unless said otherwise, the callbacks of one
 * instance are called from one thread at a time; different instances may
 * run on different threads at once.
 *
 * Error text: callbacks that can fail receive errstr/errstr_size; write a
 * message naming what went wrong there (it reaches the task's status trace
 * and the log) and return SLUICE_RETRY or SLUICE_FATAL. Never put a password
 * in it.
 */
#ifndef SLUICE_PLUGIN_H
#define SLUICE_PLUGIN_H

#include "config.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sluice_class_kind {
    SLUICE_CLASS_SOURCE_CONNECTOR = 1,
    SLUICE_CLASS_SINK_CONNECTOR = 2,
    SLUICE_CLASS_CONVERTER = 3,
    SLUICE_CLASS_HEADER_CONVERTER = 4,
    SLUICE_CLASS_TRANSFORM = 5,
    SLUICE_CLASS_PREDICATE = 6,
    SLUICE_CLASS_CONFIG_PROVIDER = 7
} sluice_class_kind_t;

/* Kafka's REST names: "source", "sink", "converter", "header_converter",
 * "transformation", "predicate", "config_provider". NULL when out of range. */
const char *sluice_class_kind_name(sluice_class_kind_t kind);

/* ---- the host context ---------------------------------------------------- */

/*
 * The host's handle for one instance (a connector, a task, a converter …):
 * its identity for logging and, for tasks, access to the runtime. Valid from
 * the create/start call until destroy returns. Its functions may be called
 * from any thread.
 */
typedef struct sluice_ctx sluice_ctx_t;

/* Logs through the instance, prefixed with its identity
 * ("[local-file-source|task-0]"). Messages above the instance's level are dropped. */
void sluice_log(const sluice_ctx_t *ctx, sluice_log_level_t level, const char *fmt, ...)
    SLUICE_PRINTF(3, 4);

/* True when level would be logged: guard expensive log arguments with it. */
bool sluice_log_enabled(const sluice_ctx_t *ctx, sluice_log_level_t level);

/* The instance's identity, e.g. "local-file-source|task-0". */
const char *sluice_ctx_name(const sluice_ctx_t *ctx);

/*
 * Source tasks and connectors: the last committed offset stored for a source
 * partition (a MAP with STRING keys), as OffsetStorageReader.offset. Returns
 * a copy the caller destroys, or NULL when none is stored.
 */
sluice_value_t *sluice_ctx_offset(const sluice_ctx_t *ctx, const sluice_value_t *partition);

/* Connectors: ask the runtime to call task_configs again (the set of work changed). */
void sluice_ctx_request_reconfiguration(sluice_ctx_t *ctx);

/* Connectors: report an error that fails the connector (ConnectorContext.raiseError). */
void sluice_ctx_raise_error(sluice_ctx_t *ctx, const char *fmt, ...) SLUICE_PRINTF(2, 3);

/* Sink tasks: rewind or skip a partition to offset before the next put. */
void sluice_ctx_seek(sluice_ctx_t *ctx, const char *topic, int32_t partition, int64_t offset);

/* Sink tasks: ask for an offset commit soon. */
void sluice_ctx_request_commit(sluice_ctx_t *ctx);

/* ---- connectors ------------------------------------------------------------ */

/* The task configurations a connector hands out: add one map per task. */
typedef struct sluice_task_configs sluice_task_configs_t;

/* A new empty map owned by the list, for one task's configuration. */
sluice_strmap_t *sluice_task_configs_add(sluice_task_configs_t *configs);

/* Source and sink connectors (Kafka's Connector). */
typedef struct sluice_connector_ops {
    uint32_t struct_size; /* sizeof(sluice_connector_ops_t) */

    /* Starts the connector with its parsed config (valid until destroy). */
    sluice_result_t (*start)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                             char *errstr, size_t errstr_size);

    /* Adds at most max_tasks task configurations to out. */
    sluice_result_t (*task_configs)(void *self, int max_tasks, sluice_task_configs_t *out,
                                    char *errstr, size_t errstr_size);

    /* Stops the connector and frees it. */
    void (*destroy)(void *self);

    /*
     * Optional: checks beyond the config table (reachability, cross-key
     * rules), adding errors to result. Called without an instance; props are
     * the raw connector properties.
     */
    void (*validate)(const sluice_strmap_t *props, sluice_config_validation_t *result);

    /*
     * Optional (added in ABI 1 after validate; the runtime checks
     * struct_size): called before the runtime alters or resets the
     * connector's offsets through REST (Kafka's Connector.alterOffsets),
     * without an instance. partitions[i] / offsets[i] are the MAPs the user
     * gave (offsets[i] NULL: reset that partition; count 0 with both NULL:
     * reset everything); for a sink, partitions hold kafka_topic and
     * kafka_partition, offsets kafka_offset. Returns 1 when the connector
     * validated them and manages no offsets of its own elsewhere, 0 when it
     * has nothing to say, -1 with errstr to refuse them (400).
     */
    int (*alter_offsets)(const sluice_strmap_t *props, const sluice_value_t *const *partitions,
                         const sluice_value_t *const *offsets, size_t count, char *errstr,
                         size_t errstr_size);
} sluice_connector_ops_t;

/* Source tasks (Kafka's SourceTask). */
typedef struct sluice_source_task_ops {
    uint32_t struct_size; /* sizeof(sluice_source_task_ops_t) */

    /* Starts the task with its parsed task config (valid until destroy). */
    sluice_result_t (*start)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                             char *errstr, size_t errstr_size);

    /*
     * Adds the next batch to out (zero records is fine: no data yet). Should
     * not block for more than about a second, so the task can be paused or
     * stopped promptly. When the task has neither commit nor commit_record,
     * poll runs on a thread of its own, not the one that called start (never
     * at the same time as another callback of the task).
     */
    sluice_result_t (*poll)(void *self, sluice_records_t *out, char *errstr, size_t errstr_size);

    /* Optional: the offsets of everything polled so far have been stored. */
    void (*commit)(void *self);

    /* Optional: this record (as polled, before transforms) was acknowledged
     * by the broker. */
    void (*commit_record)(void *self, const sluice_record_t *record);

    /* Optional: asks a poll in progress to return soon. May be called from
     * any thread, concurrently with poll; must not free anything. */
    void (*stop)(void *self);

    /* Frees the task; called on the task's thread after the last poll. */
    void (*destroy)(void *self);
} sluice_source_task_ops_t;

/* Sink tasks (Kafka's SinkTask). */
typedef struct sluice_sink_task_ops {
    uint32_t struct_size; /* sizeof(sluice_sink_task_ops_t) */

    sluice_result_t (*start)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                             char *errstr, size_t errstr_size);

    /* Optional: partitions assigned to / taken from this task (offsets -1). */
    sluice_result_t (*open)(void *self, const sluice_topic_partition_t *partitions, size_t count,
                            char *errstr, size_t errstr_size);
    sluice_result_t (*close)(void *self, const sluice_topic_partition_t *partitions, size_t count,
                             char *errstr, size_t errstr_size);

    /* Delivers a batch. SLUICE_RETRY redelivers the same batch after a backoff. */
    sluice_result_t (*put)(void *self, const sluice_records_t *records, char *errstr,
                           size_t errstr_size);

    /*
     * Optional: makes everything put so far durable. offsets are the next
     * offsets to consume per partition. Only after it returns SLUICE_OK are
     * those offsets committed (at-least-once).
     */
    sluice_result_t (*flush)(void *self, const sluice_topic_partition_t *offsets, size_t count,
                             char *errstr, size_t errstr_size);

    /*
     * Optional, replaces flush when set: may lower the offsets in place (or
     * set one to -1 to skip committing that partition) to what is safe to
     * commit (Kafka's preCommit).
     */
    sluice_result_t (*pre_commit)(void *self, sluice_topic_partition_t *offsets, size_t count,
                                  char *errstr, size_t errstr_size);

    /* Optional: asks a put in progress to return soon; any thread; frees nothing. */
    void (*stop)(void *self);

    void (*destroy)(void *self);
} sluice_sink_task_ops_t;

/* ---- converters ---------------------------------------------------------- */

/* Converters (Kafka's Converter): Connect data <-> bytes for keys and values. */
typedef struct sluice_converter_ops {
    uint32_t struct_size; /* sizeof(sluice_converter_ops_t) */

    /* Configures a converter for keys (is_key) or values. */
    sluice_result_t (*create)(sluice_ctx_t *ctx, const sluice_config_t *config, bool is_key,
                              void **self, char *errstr, size_t errstr_size);

    /*
     * Serialises value (with schema, either may be NULL) into out, which the
     * caller passes empty. sluice_buf_set_null(out) writes a null message.
     * headers may be changed (e.g. to record a schema id).
     */
    sluice_result_t (*from_connect)(void *self, const char *topic, sluice_headers_t *headers,
                                    const sluice_schema_t *schema, const sluice_value_t *value,
                                    sluice_buf_t *out, char *errstr, size_t errstr_size);

    /*
     * Deserialises len bytes at data (data NULL: a null message). On success
     * *schema gets a new reference (may be NULL) and *value a value the caller
     * owns (may be NULL). On failure errstr says what is wrong and where.
     */
    sluice_result_t (*to_connect)(void *self, const char *topic, const sluice_headers_t *headers,
                                  const void *data, size_t len, const sluice_schema_t **schema,
                                  sluice_value_t **value, char *errstr, size_t errstr_size);

    void (*destroy)(void *self);
} sluice_converter_ops_t;

/* Header converters (Kafka's HeaderConverter). */
typedef struct sluice_header_converter_ops {
    uint32_t struct_size; /* sizeof(sluice_header_converter_ops_t) */

    sluice_result_t (*create)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                              char *errstr, size_t errstr_size);

    /* As converter from_connect, for one header. */
    sluice_result_t (*from_header)(void *self, const char *topic, const char *header_key,
                                   const sluice_schema_t *schema, const sluice_value_t *value,
                                   sluice_buf_t *out, char *errstr, size_t errstr_size);

    /* As converter to_connect, for one header (data NULL: a null header value). */
    sluice_result_t (*to_header)(void *self, const char *topic, const char *header_key,
                                 const void *data, size_t len, const sluice_schema_t **schema,
                                 sluice_value_t **value, char *errstr, size_t errstr_size);

    void (*destroy)(void *self);
} sluice_header_converter_ops_t;

/* ---- transforms and predicates --------------------------------------------- */

/* Transforms (Kafka's Transformation), changing a record in place. */
typedef struct sluice_transform_ops {
    uint32_t struct_size; /* sizeof(sluice_transform_ops_t) */

    sluice_result_t (*create)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                              char *errstr, size_t errstr_size);

    /* Changes record in place: SLUICE_OK keeps it, SLUICE_DROP discards it,
     * SLUICE_RETRY / SLUICE_FATAL report a failure, and then the record must
     * be left as it was (the runtime retries that stage alone). */
    sluice_result_t (*apply)(void *self, sluice_record_t *record, char *errstr, size_t errstr_size);

    void (*destroy)(void *self);
} sluice_transform_ops_t;

/* Predicates (Kafka's Predicate), deciding whether a transform applies. */
typedef struct sluice_predicate_ops {
    uint32_t struct_size; /* sizeof(sluice_predicate_ops_t) */

    sluice_result_t (*create)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                              char *errstr, size_t errstr_size);

    bool (*test)(void *self, const sluice_record_t *record);

    void (*destroy)(void *self);
} sluice_predicate_ops_t;

/* ---- config providers ------------------------------------------------------ */

/* Config providers (Kafka's ConfigProvider), resolving ${name:path:key}. */
typedef struct sluice_config_provider_ops {
    uint32_t struct_size; /* sizeof(sluice_config_provider_ops_t) */

    sluice_result_t (*create)(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                              char *errstr, size_t errstr_size);

    /*
     * Writes the value of key under path (path may be "" when the placeholder
     * has none) into out. Returns SLUICE_FATAL with errstr when it cannot
     * (no such file, no such key, not allowed); SLUICE_RETRY when it may work
     * later.
     */
    sluice_result_t (*get)(void *self, const char *path, const char *key, sluice_buf_t *out,
                           char *errstr, size_t errstr_size);

    void (*destroy)(void *self);
} sluice_config_provider_ops_t;

/* ---- classes and the plugin descriptor ------------------------------------- */

typedef struct sluice_class {
    uint32_t struct_size; /* sizeof(sluice_class_t) */
    sluice_class_kind_t kind;

    /* The class name users write: Kafka's fully qualified name where one
     * exists ("org.apache.kafka.connect.file.FileStreamSourceConnector"). */
    const char *name;

    /* Other names that find the class ("FileStreamSource",
     * "FileStreamSourceConnector"), NULL-terminated; may be NULL. */
    const char *const *aliases;

    const char *version;
    const char *doc; /* one line; may be NULL */

    /* The class's config table (SLUICE_CONFIG_END-terminated); may be NULL. */
    const sluice_config_key_t *config;

    /* The operations of the class's kind; the others stay NULL. A source
     * connector sets connector and source_task; a sink connector connector
     * and sink_task. */
    const sluice_connector_ops_t *connector;
    const sluice_source_task_ops_t *source_task;
    const sluice_sink_task_ops_t *sink_task;
    const sluice_converter_ops_t *converter;
    const sluice_header_converter_ops_t *header_converter;
    const sluice_transform_ops_t *transform;
    const sluice_predicate_ops_t *predicate;
    const sluice_config_provider_ops_t *config_provider;

    /* Connectors: the table task configs are parsed with; NULL means config. */
    const sluice_config_key_t *task_config;
} sluice_class_t;

typedef struct sluice_plugin {
    uint32_t abi_version; /* SLUICE_ABI_VERSION at build time */
    uint32_t struct_size; /* sizeof(sluice_plugin_t) */
    const char *name;
    const char *version;
    const sluice_class_t *const *classes; /* NULL-terminated */
} sluice_plugin_t;

/* The entry symbol every plugin exports. */
#define SLUICE_PLUGIN_ENTRY_SYMBOL "sluice_plugin_entry"

typedef const sluice_plugin_t *(*sluice_plugin_entry_fn)(void);

/* Defines the plugin's descriptor and its exported entry function. */
#define SLUICE_PLUGIN_DECLARE(plugin_name, plugin_version, class_array)                            \
    static const sluice_plugin_t sluice_plugin_descriptor_ = {                                     \
        .abi_version = SLUICE_ABI_VERSION,                                                         \
        .struct_size = (uint32_t)sizeof(sluice_plugin_t),                                          \
        .name = (plugin_name),                                                                     \
        .version = (plugin_version),                                                               \
        .classes = (class_array),                                                                  \
    };                                                                                             \
    SLUICE_EXPORT const sluice_plugin_t *sluice_plugin_entry(void);                                \
    SLUICE_EXPORT const sluice_plugin_t *sluice_plugin_entry(void)                                 \
    {                                                                                              \
        return &sluice_plugin_descriptor_;                                                         \
    }

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_PLUGIN_H */
