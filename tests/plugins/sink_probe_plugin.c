/*
 * A sink connector for test_sink_task that exercises what FileStreamSink
 * never does: put asking to be retried, pre_commit lowering offsets, and a
 * seek from open. Each record put is appended to `file` as
 * "<topic>-<partition>@<offset> <value>", so the test sees exactly what was
 * delivered and where it came from.
 */
#include <sluice/sluice.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
static const sluice_config_key_t probe_config[] = {
    {.name = "file", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .doc = "Where the records put are appended."},
    {.name = "put.retries", .type = SLUICE_CONFIG_INT, .default_value = "0",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "How many times put answers RETRY to a non-empty batch before taking it."},
    {.name = "commit.lag", .type = SLUICE_CONFIG_LONG, .default_value = "0",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "pre_commit lowers every offset by this much (skipping those it would make < 0)."},
    {.name = "open.seek", .type = SLUICE_CONFIG_LONG, .default_value = "-1",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "When >= 0, open seeks every partition it gets to this offset."},
    SLUICE_CONFIG_END};
/* clang-format on */

/* ---- connector ------------------------------------------------------------------ */

typedef struct probe_connector {
    sluice_strmap_t *props;
} probe_connector_t;

static sluice_result_t probe_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                             void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    probe_connector_t *c = calloc(1, sizeof *c);
    c->props = sluice_strmap_copy(sluice_config_originals(config));
    *self = c;
    return SLUICE_OK;
}

static sluice_result_t probe_connector_task_configs(void *self, int max_tasks,
                                                    sluice_task_configs_t *out, char *errstr,
                                                    size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    probe_connector_t *c = self;
    for (int t = 0; t < max_tasks; t++) {
        sluice_strmap_t *m = sluice_task_configs_add(out);
        for (size_t i = 0; i < sluice_strmap_count(c->props); i++)
            sluice_strmap_set(m, sluice_strmap_key_at(c->props, i),
                              sluice_strmap_value_at(c->props, i));
    }
    return SLUICE_OK;
}

static void probe_connector_destroy(void *self)
{
    probe_connector_t *c = self;
    if (!c)
        return;
    sluice_strmap_destroy(c->props);
    free(c);
}

static const sluice_connector_ops_t probe_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = probe_connector_start,
    .task_configs = probe_connector_task_configs,
    .destroy = probe_connector_destroy,
};

/* ---- task ------------------------------------------------------------------------- */

typedef struct probe_task {
    sluice_ctx_t *ctx;
    char *file;
    int retries_left;
    int64_t commit_lag;
    int64_t open_seek;
    sluice_buf_t *text;
} probe_task_t;

static sluice_result_t probe_task_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                        void **self, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    probe_task_t *t = calloc(1, sizeof *t);
    t->ctx = ctx;
    t->file = strdup(sluice_config_get_string(config, "file"));
    t->retries_left = sluice_config_get_int(config, "put.retries");
    t->commit_lag = sluice_config_get_long(config, "commit.lag");
    t->open_seek = sluice_config_get_long(config, "open.seek");
    t->text = sluice_buf_new();
    *self = t;
    return SLUICE_OK;
}

static sluice_result_t probe_task_open(void *self, const sluice_topic_partition_t *partitions,
                                       size_t count, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    probe_task_t *t = self;
    if (t->open_seek >= 0)
        for (size_t i = 0; i < count; i++)
            sluice_ctx_seek(t->ctx, partitions[i].topic, partitions[i].partition, t->open_seek);
    return SLUICE_OK;
}

static sluice_result_t probe_task_put(void *self, const sluice_records_t *records, char *errstr,
                                      size_t errstr_size)
{
    probe_task_t *t = self;
    size_t n = sluice_records_count(records);
    if (n == 0)
        return SLUICE_OK;
    if (t->retries_left > 0) {
        t->retries_left--;
        snprintf(errstr, errstr_size, "the probe is not ready (%d more retries)", t->retries_left);
        return SLUICE_RETRY;
    }
    FILE *f = fopen(t->file, "a");
    if (!f) {
        snprintf(errstr, errstr_size, "cannot open %s", t->file);
        return SLUICE_FATAL;
    }
    for (size_t i = 0; i < n; i++) {
        const sluice_record_t *r = sluice_records_at(records, i);
        sluice_buf_reset(t->text);
        sluice_value_to_text(sluice_record_value_schema(r), sluice_record_value(r), t->text);
        fprintf(f, "%s-%" PRId32 "@%" PRId64 " %.*s\n", sluice_record_topic(r),
                sluice_record_partition(r), sluice_record_kafka_offset(r),
                (int)sluice_buf_len(t->text), sluice_buf_data(t->text));
    }
    fclose(f);
    return SLUICE_OK;
}

static sluice_result_t probe_task_pre_commit(void *self, sluice_topic_partition_t *offsets,
                                             size_t count, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    probe_task_t *t = self;
    for (size_t i = 0; i < count; i++)
        offsets[i].offset =
            offsets[i].offset - t->commit_lag >= 0 ? offsets[i].offset - t->commit_lag : -1;
    return SLUICE_OK;
}

static void probe_task_destroy(void *self)
{
    probe_task_t *t = self;
    if (!t)
        return;
    sluice_buf_destroy(t->text);
    free(t->file);
    free(t);
}

static const sluice_sink_task_ops_t probe_task_ops = {
    .struct_size = sizeof(sluice_sink_task_ops_t),
    .start = probe_task_start,
    .open = probe_task_open,
    .put = probe_task_put,
    .pre_commit = probe_task_pre_commit,
    .destroy = probe_task_destroy,
};

static const char *const probe_aliases[] = {"SinkProbe", NULL};

static const sluice_class_t probe_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SINK_CONNECTOR,
    .name = "org.sluice.test.SinkProbeConnector",
    .aliases = probe_aliases,
    .version = "1.0",
    .doc = "A sink for the sink task tests.",
    .config = probe_config,
    .connector = &probe_connector_ops,
    .sink_task = &probe_task_ops,
};

static const sluice_class_t *const probe_classes[] = {&probe_class, NULL};

SLUICE_PLUGIN_DECLARE("sink-probe", "1.0", probe_classes);
