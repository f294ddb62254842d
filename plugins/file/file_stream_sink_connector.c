/*
 * FileStreamSinkConnector: Kafka's config table, and tasks.max tasks, each
 * given the whole connector configuration. topics / topics.regex belong to
 * the runtime (it subscribes the tasks' consumers), so they are not
 * declared here; the table accepts them like any other undeclared key.
 */
#include "file_connectors.h"

#include <stdlib.h>

/* clang-format off */
static const sluice_config_key_t file_sink_config[] = {
    {.name = FILE_CONFIG, .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "Destination filename. If not specified, the standard output will be used"},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct file_sink_connector {
    sluice_strmap_t *props;
} file_sink_connector_t;

static sluice_result_t file_sink_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                                 void **self, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    file_sink_connector_t *fc = file_calloc(1, sizeof(*fc));
    fc->props = sluice_strmap_copy(sluice_config_originals(config));
    const char *file = sluice_config_get_string(config, FILE_CONFIG);
    sluice_log(ctx, SLUICE_LOG_INFO, "Starting file sink connector writing to %s",
               file && file[0] ? file : "standard output");
    *self = fc;
    return SLUICE_OK;
}

static sluice_result_t file_sink_connector_task_configs(void *self, int max_tasks,
                                                        sluice_task_configs_t *out, char *errstr,
                                                        size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    file_sink_connector_t *fc = self;
    for (int i = 0; i < max_tasks; i++)
        file_task_config_add(out, fc->props);
    return SLUICE_OK;
}

static void file_sink_connector_destroy(void *self)
{
    file_sink_connector_t *fc = self;
    if (!fc)
        return;
    sluice_strmap_destroy(fc->props);
    free(fc);
}

/* Kafka's FileStreamSinkConnector.alterOffsets: the sink keeps no offsets
 * of its own and needs no checks beyond the runtime's, so any change the
 * runtime accepts is complete (1). */
static int file_sink_connector_alter_offsets(const sluice_strmap_t *props,
                                             const sluice_value_t *const *partitions,
                                             const sluice_value_t *const *offsets, size_t count,
                                             char *errstr, size_t errstr_size)
{
    (void)props;
    (void)partitions;
    (void)offsets;
    (void)count;
    (void)errstr;
    (void)errstr_size;
    return 1;
}

static const sluice_connector_ops_t file_sink_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = file_sink_connector_start,
    .task_configs = file_sink_connector_task_configs,
    .destroy = file_sink_connector_destroy,
    .alter_offsets = file_sink_connector_alter_offsets,
};

static const char *const file_sink_aliases[] = {"FileStreamSink", "FileStreamSinkConnector", NULL};

const sluice_class_t file_stream_sink_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SINK_CONNECTOR,
    .name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
    .aliases = file_sink_aliases,
    .version = FILE_CONNECTORS_VERSION,
    .doc = "Appends each record's value as one line to a file (or the standard output).",
    .config = file_sink_config,
    .connector = &file_sink_connector_ops,
    .sink_task = &file_stream_sink_task_ops,
};
