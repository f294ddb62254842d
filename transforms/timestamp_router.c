/*
 * TimestampRouter: the topic becomes topic.format with ${topic} replaced by
 * the topic and ${timestamp} by the record's timestamp written with
 * timestamp.format in UTC, e.g. orders-20240131. Mostly for sinks, where the
 * topic names the table or index to write to.
 */
#include "date_format.h"
#include "transforms.h"

/* clang-format off */
static const sluice_config_key_t timestamp_router_config[] = {
    {.name = "topic.format", .type = SLUICE_CONFIG_STRING,
     .default_value = "${topic}-${timestamp}", .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The new topic name, in which ${topic} stands for the record's topic and "
            "${timestamp} for its formatted timestamp."},
    {.name = "timestamp.format", .type = SLUICE_CONFIG_STRING, .default_value = "yyyyMMdd",
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_CHECK(tf_datefmt_check),
     .doc = "How ${timestamp} is written, as a java.text.SimpleDateFormat pattern in UTC. "
            "Supported letters: y, M, d, H, m, s and S; text in single quotes is literal."},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct timestamp_router {
    char *topic_format;
    tf_datefmt_t *fmt;
    sluice_buf_t *stamp;
    sluice_buf_t *topic;
} timestamp_router_t;

static void timestamp_router_destroy(void *self)
{
    timestamp_router_t *tr = self;
    if (!tr)
        return;
    free(tr->topic_format);
    tf_datefmt_destroy(tr->fmt);
    sluice_buf_destroy(tr->stamp);
    sluice_buf_destroy(tr->topic);
    free(tr);
}

static sluice_result_t timestamp_router_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                               void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    const char *pattern = sluice_config_get_string(config, "timestamp.format");
    const char *topic_format = sluice_config_get_string(config, "topic.format");
    char why[384];
    tf_datefmt_t *fmt = tf_datefmt_new(pattern ? pattern : "yyyyMMdd", why, sizeof why);
    if (!fmt)
        return tf_fail(errstr, errstr_size,
                       "Invalid value %s for configuration timestamp.format: %s", pattern, why);
    timestamp_router_t *tr = tf_calloc(1, sizeof(*tr));
    tr->topic_format = tf_strdup(topic_format ? topic_format : "${topic}-${timestamp}");
    tr->fmt = fmt;
    tr->stamp = sluice_buf_new();
    tr->topic = sluice_buf_new();
    *self = tr;
    return SLUICE_OK;
}

static sluice_result_t timestamp_router_apply(void *self, sluice_record_t *record, char *errstr,
                                              size_t errstr_size)
{
    timestamp_router_t *tr = self;
    int64_t ts = sluice_record_timestamp(record);
    const char *topic = sluice_record_topic(record);
    if (ts == -1)
        return tf_fail(errstr, errstr_size,
                       "TimestampRouter: Timestamp missing on record: topic %s, partition %d, "
                       "offset %lld",
                       topic ? topic : "(null)", (int)sluice_record_partition(record),
                       (long long)sluice_record_kafka_offset(record));
    sluice_buf_reset(tr->stamp);
    tf_datefmt_format(tr->fmt, ts, tr->stamp);
    sluice_buf_reset(tr->topic);
    for (const char *p = tr->topic_format; *p;) {
        if (strncmp(p, "${topic}", 8) == 0) {
            sluice_buf_puts(tr->topic, topic ? topic : "null");
            p += 8;
        } else if (strncmp(p, "${timestamp}", 12) == 0) {
            sluice_buf_append(tr->topic, sluice_buf_data(tr->stamp), sluice_buf_len(tr->stamp));
            p += 12;
        } else {
            sluice_buf_putc(tr->topic, *p++);
        }
    }
    sluice_record_set_topic(record, sluice_buf_data(tr->topic));
    return SLUICE_OK;
}

static const sluice_transform_ops_t timestamp_router_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = timestamp_router_create,
    .apply = timestamp_router_apply,
    .destroy = timestamp_router_destroy,
};

const sluice_class_t tf_timestamp_router_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = TF_PACKAGE "TimestampRouter",
    .version = TF_VERSION,
    .doc = "Renames the topic from the topic and the record's timestamp.",
    .config = timestamp_router_config,
    .transform = &timestamp_router_ops,
};
