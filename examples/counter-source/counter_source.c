/*
 * An example Sluice plugin: a source connector that counts.
 *
 * Each task writes the numbers start, start+1, … to a topic, one record every
 * interval.ms, as INT64 values with an INT64 schema. The last number is the
 * record's source offset, so after a restart each task carries on where its
 * last committed offset left off, as Kafka Connect source connectors do.
 *
 * Copy this directory to start a plugin of your own: it builds against the
 * installed headers only (see CMakeLists.txt and README.md).
 */
#define _POSIX_C_SOURCE 200809L /* strdup, nanosleep under -std=c11 */

#include <sluice/sluice.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNTER_VERSION "1.0.0"

/* One table serves the connector and, as task config, each task. */
/* clang-format off */
static const sluice_config_key_t counter_config[] = {
    {.name = "topic", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_NON_EMPTY,
     .doc = "The topic to write the numbers to."},
    {.name = "interval.ms", .type = SLUICE_CONFIG_LONG, .default_value = "1000",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_RANGE(0, 3600000),
     .doc = "Milliseconds between two numbers."},
    {.name = "start", .type = SLUICE_CONFIG_LONG, .default_value = "0",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "The first number, when no offset has been committed yet."},
    {.name = "task.id", .type = SLUICE_CONFIG_INT, .default_value = "0",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Set by the connector for each task; each task counts on its own."},
    SLUICE_CONFIG_END};
/* clang-format on */

/* ---- the connector: hands each task its own copy of the config ------------------ */

typedef struct counter_connector {
    sluice_strmap_t *props;
} counter_connector_t;

static sluice_result_t counter_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                               void **self, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    counter_connector_t *connector = calloc(1, sizeof(*connector));
    if (!connector) {
        snprintf(errstr, errstr_size, "out of memory");
        return SLUICE_FATAL;
    }
    connector->props = sluice_strmap_copy(sluice_config_originals(config));
    sluice_log(ctx, SLUICE_LOG_INFO, "Counting to topic %s",
               sluice_config_get_string(config, "topic"));
    *self = connector;
    return SLUICE_OK;
}

static sluice_result_t counter_connector_task_configs(void *self, int max_tasks,
                                                      sluice_task_configs_t *out, char *errstr,
                                                      size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    counter_connector_t *connector = self;
    for (int i = 0; i < max_tasks; i++) {
        sluice_strmap_t *task = sluice_task_configs_add(out);
        for (size_t k = 0; k < sluice_strmap_count(connector->props); k++)
            sluice_strmap_set(task, sluice_strmap_key_at(connector->props, k),
                              sluice_strmap_value_at(connector->props, k));
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        sluice_strmap_set(task, "task.id", id);
    }
    return SLUICE_OK;
}

static void counter_connector_destroy(void *self)
{
    counter_connector_t *connector = self;
    sluice_strmap_destroy(connector->props);
    free(connector);
}

static const sluice_connector_ops_t counter_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = counter_connector_start,
    .task_configs = counter_connector_task_configs,
    .destroy = counter_connector_destroy,
};

/* ---- the task ------------------------------------------------------------------------ */

typedef struct counter_task {
    sluice_ctx_t *ctx;
    char *topic;
    int64_t interval_ms;
    int64_t next;
    int32_t task_id;
    atomic_bool stopping;
} counter_task_t;

/* The source partition of a task: {"task": <id>}. */
static sluice_value_t *counter_partition(int32_t task_id)
{
    sluice_value_t *partition = sluice_value_map_new();
    sluice_value_map_put_str(partition, "task", sluice_value_int32(task_id));
    return partition;
}

static sluice_result_t counter_task_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                          void **self, char *errstr, size_t errstr_size)
{
    counter_task_t *task = calloc(1, sizeof(*task));
    if (!task) {
        snprintf(errstr, errstr_size, "out of memory");
        return SLUICE_FATAL;
    }
    task->ctx = ctx;
    task->topic = strdup(sluice_config_get_string(config, "topic"));
    task->interval_ms = sluice_config_get_long(config, "interval.ms");
    task->task_id = sluice_config_get_int(config, "task.id");
    task->next = sluice_config_get_long(config, "start");
    atomic_init(&task->stopping, false);

    /* Resume after the last committed number, if there is one. */
    sluice_value_t *partition = counter_partition(task->task_id);
    sluice_value_t *offset = sluice_ctx_offset(ctx, partition);
    const sluice_value_t *last = offset ? sluice_value_map_get_str(offset, "value") : NULL;
    if (last && sluice_value_type(last) == SLUICE_TYPE_INT64)
        task->next = sluice_value_get_int64(last) + 1;
    sluice_value_destroy(offset);
    sluice_value_destroy(partition);

    sluice_log(ctx, SLUICE_LOG_INFO, "Starting at %lld", (long long)task->next);
    *self = task;
    return SLUICE_OK;
}

/* Sleeps up to ms milliseconds in short steps, returning early once stopping. */
static void counter_sleep(counter_task_t *task, int64_t ms)
{
    while (ms > 0 && !atomic_load(&task->stopping)) {
        int64_t step = ms < 100 ? ms : 100;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static sluice_result_t counter_task_poll(void *self, sluice_records_t *out, char *errstr,
                                         size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    counter_task_t *task = self;
    /* Poll should return within about a second, so sleep at most that long. */
    counter_sleep(task, task->interval_ms < 1000 ? task->interval_ms : 1000);
    if (atomic_load(&task->stopping))
        return SLUICE_OK;

    sluice_record_t *record = sluice_record_new(task->topic);
    sluice_record_set_value(record, sluice_schema_of(SLUICE_TYPE_INT64, false),
                            sluice_value_int64(task->next));
    sluice_record_set_source_partition(record, counter_partition(task->task_id));
    sluice_value_t *offset = sluice_value_map_new();
    sluice_value_map_put_str(offset, "value", sluice_value_int64(task->next));
    sluice_record_set_source_offset(record, offset);
    sluice_records_add(out, record);
    task->next++;
    return SLUICE_OK;
}

static void counter_task_stop(void *self)
{
    counter_task_t *task = self;
    atomic_store(&task->stopping, true);
}

static void counter_task_destroy(void *self)
{
    counter_task_t *task = self;
    free(task->topic);
    free(task);
}

static const sluice_source_task_ops_t counter_task_ops = {
    .struct_size = sizeof(sluice_source_task_ops_t),
    .start = counter_task_start,
    .poll = counter_task_poll,
    .stop = counter_task_stop,
    .destroy = counter_task_destroy,
};

/* ---- the descriptor ------------------------------------------------------------------ */

static const char *const counter_aliases[] = {"CounterSource", NULL};

static const sluice_class_t counter_source = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SOURCE_CONNECTOR,
    .name = "com.example.sluice.CounterSourceConnector",
    .aliases = counter_aliases,
    .version = COUNTER_VERSION,
    .doc = "Writes increasing numbers to a topic; an example to copy.",
    .config = counter_config,
    .connector = &counter_connector_ops,
    .source_task = &counter_task_ops,
};

static const sluice_class_t *const counter_classes[] = {&counter_source, NULL};

SLUICE_PLUGIN_DECLARE("counter-source", COUNTER_VERSION, counter_classes)
