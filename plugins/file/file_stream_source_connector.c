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

static const sluice_connector_ops_t file_source_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = file_source_connector_start,
    .task_configs = file_source_connector_task_configs,
    .destroy = file_source_connector_destroy,
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
