/*
 * FileStreamSourceConnector: Kafka's config table, and exactly one task
 * whatever tasks.max says (one input stream has one reader), given the
 * whole connector configuration.
 */
#include "file_connectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kafka's NonEmptyString, plus the rule Kafka's LIST-typed topic enforced
 * before 3.4: one topic, so a comma means a mistaken list. */
static int file_source_check_topic(const char *name, const char *value, char *errstr,
                                   size_t errstr_size)
{
    (void)name;
    if (!value || !value[0]) {
        snprintf(errstr, errstr_size, "String must be non-empty");
        return -1;
    }
    if (strchr(value, ',')) {
        snprintf(errstr, errstr_size,
                 "FileStreamSourceConnector writes to a single topic; a comma-separated "
                 "list is not allowed");
        return -1;
    }
    return 0;
}

/* clang-format off */
static const sluice_config_key_t file_source_config[] = {
    {.name = FILE_CONFIG, .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "Source filename. If not specified, the standard input will be used"},
    {.name = FILE_TOPIC_CONFIG, .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_CHECK(file_source_check_topic),
     .doc = "The topic to publish data to"},
    {.name = FILE_BATCH_SIZE_CONFIG, .type = SLUICE_CONFIG_INT, .default_value = "2000",
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_AT_LEAST(1),
     .doc = "The maximum number of records the source task can read from the file each time "
            "it is polled"},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct file_source_connector {
    sluice_strmap_t *props;
} file_source_connector_t;

static sluice_result_t file_source_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                                   void **self, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    file_source_connector_t *fc = file_calloc(1, sizeof(*fc));
    fc->props = sluice_strmap_copy(sluice_config_originals(config));
    const char *file = sluice_config_get_string(config, FILE_CONFIG);
    sluice_log(ctx, SLUICE_LOG_INFO, "Starting file source connector reading from %s",
               file && file[0] ? file : "standard input");
    *self = fc;
    return SLUICE_OK;
}

static sluice_result_t file_source_connector_task_configs(void *self, int max_tasks,
                                                          sluice_task_configs_t *out, char *errstr,
                                                          size_t errstr_size)
{
    (void)max_tasks;
    (void)errstr;
    (void)errstr_size;
    file_source_connector_t *fc = self;
    file_task_config_add(out, fc->props);
    return SLUICE_OK;
}

static void file_source_connector_destroy(void *self)
{
    file_source_connector_t *fc = self;
    if (!fc)
        return;
    sluice_strmap_destroy(fc->props);
    free(fc);
}

static bool file_source_is_integer(const sluice_value_t *v)
{
    if (!v)
        return false;
    sluice_type_t t = sluice_value_type(v);
    return t == SLUICE_TYPE_INT8 || t == SLUICE_TYPE_INT16 || t == SLUICE_TYPE_INT32 ||
           t == SLUICE_TYPE_INT64;
}

static int64_t file_source_integer(const sluice_value_t *v)
{
    switch (sluice_value_type(v)) {
    case SLUICE_TYPE_INT8: return sluice_value_get_int8(v);
    case SLUICE_TYPE_INT16: return sluice_value_get_int16(v);
    case SLUICE_TYPE_INT32: return sluice_value_get_int32(v);
    default: return sluice_value_get_int64(v);
    }
}

/*
 * Kafka's FileStreamSourceConnector.alterOffsets: offsets can only be
 * changed for a file (stdin has none); a null offset (a reset) is always
 * allowed, so stale partitions can be cleaned up; otherwise the offset needs
 * a non-negative integer position and the partition a filename. Whether the
 * position fits the file is checked by the task when it starts.
 */
static int file_source_connector_alter_offsets(const sluice_strmap_t *props,
                                               const sluice_value_t *const *partitions,
                                               const sluice_value_t *const *offsets, size_t count,
                                               char *errstr, size_t errstr_size)
{
    const char *file = sluice_strmap_get(props, FILE_CONFIG);
    if (!file || !file[0]) {
        snprintf(errstr, errstr_size,
                 "Offsets cannot be modified if the '" FILE_CONFIG
                 "' configuration is unspecified. This is because stdin is used for input and "
                 "offsets are not tracked.");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        const sluice_value_t *offset = offsets ? offsets[i] : NULL;
        if (!offset)
            continue;
        if (sluice_value_type(offset) != SLUICE_TYPE_MAP ||
            !sluice_value_map_get_str(offset, FILE_POSITION_FIELD)) {
            snprintf(errstr, errstr_size,
                     "Offset objects should either be null or contain the key '" FILE_POSITION_FIELD
                     "'");
            return -1;
        }
        const sluice_value_t *position = sluice_value_map_get_str(offset, FILE_POSITION_FIELD);
        if (!file_source_is_integer(position)) {
            snprintf(errstr, errstr_size,
                     "The value for the '" FILE_POSITION_FIELD
                     "' key in the offset is expected to be a Long value");
            return -1;
        }
        if (file_source_integer(position) < 0) {
            snprintf(errstr, errstr_size,
                     "The value for the '" FILE_POSITION_FIELD
                     "' key in the offset should be a non-negative value");
            return -1;
        }
        const sluice_value_t *partition = partitions ? partitions[i] : NULL;
        if (!partition) {
            snprintf(errstr, errstr_size, "Partition objects cannot be null");
            return -1;
        }
        if (sluice_value_type(partition) != SLUICE_TYPE_MAP ||
            !sluice_value_map_get_str(partition, FILE_FILENAME_FIELD)) {
            snprintf(errstr, errstr_size,
                     "Partition objects should contain the key '" FILE_FILENAME_FIELD "'");
            return -1;
        }
    }
    return 1;
}

static const sluice_connector_ops_t file_source_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = file_source_connector_start,
    .task_configs = file_source_connector_task_configs,
    .destroy = file_source_connector_destroy,
    .alter_offsets = file_source_connector_alter_offsets,
};

static const char *const file_source_aliases[] = {"FileStreamSource", "FileStreamSourceConnector",
                                                  NULL};

const sluice_class_t file_stream_source_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SOURCE_CONNECTOR,
    .name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
    .aliases = file_source_aliases,
    .version = FILE_CONNECTORS_VERSION,
    .doc = "Reads a file (or the standard input) like tail -f and emits one string record "
           "per line.",
    .config = file_source_config,
    .connector = &file_source_connector_ops,
    .source_task = &file_stream_source_task_ops,
};
