/*
 * A test plugin with one working class of every kind, loaded through the
 * real loader by test_plugin_loader. Each class is as small as its kind
 * allows while still doing something a test can observe, and each uses host
 * functions, so loading it proves the binary exports the ABI.
 */
#include <sluice/sluice.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- source connector: emits "record-0" .. "record-<count-1>" once ---------- */

/* clang-format off */
static const sluice_config_key_t counting_source_config[] = {
    {.name = "topic", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .doc = "The topic to write to."},
    {.name = "count", .type = SLUICE_CONFIG_INT, .default_value = "3",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_AT_LEAST(0),
     .doc = "How many records each task emits."},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct counting_connector {
    char *topic;
    int count;
} counting_connector_t;

static sluice_result_t counting_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                                void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    counting_connector_t *c = calloc(1, sizeof(*c));
    c->topic = strdup(sluice_config_get_string(config, "topic"));
    c->count = sluice_config_get_int(config, "count");
    *self = c;
    return SLUICE_OK;
}

static sluice_result_t counting_connector_task_configs(void *self, int max_tasks,
                                                       sluice_task_configs_t *out, char *errstr,
                                                       size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    counting_connector_t *c = self;
    char text[32];
    for (int i = 0; i < max_tasks; i++) {
        sluice_strmap_t *task = sluice_task_configs_add(out);
        sluice_strmap_set(task, "topic", c->topic);
        snprintf(text, sizeof text, "%d", c->count);
        sluice_strmap_set(task, "count", text);
        snprintf(text, sizeof text, "%d", i);
        sluice_strmap_set(task, "task.id", text);
    }
    return SLUICE_OK;
}

static void counting_connector_destroy(void *self)
{
    counting_connector_t *c = self;
    free(c->topic);
    free(c);
}

static const sluice_connector_ops_t counting_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = counting_connector_start,
    .task_configs = counting_connector_task_configs,
    .destroy = counting_connector_destroy,
};

typedef struct counting_task {
    char *topic;
    int count;
    bool done;
} counting_task_t;

static sluice_result_t counting_task_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    counting_task_t *t = calloc(1, sizeof(*t));
    t->topic = strdup(sluice_config_get_string(config, "topic"));
    t->count = sluice_config_get_int(config, "count");
    sluice_log(ctx, SLUICE_LOG_DEBUG, "counting to %d", t->count);
    *self = t;
    return SLUICE_OK;
}

static sluice_result_t counting_task_poll(void *self, sluice_records_t *out, char *errstr,
                                          size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    counting_task_t *t = self;
    if (t->done)
        return SLUICE_OK;
    for (int i = 0; i < t->count; i++) {
        char text[32];
        snprintf(text, sizeof text, "record-%d", i);
        sluice_record_t *record = sluice_record_new(t->topic);
        sluice_record_set_value(record, sluice_schema_of(SLUICE_TYPE_STRING, false),
                                sluice_value_cstring(text));
        sluice_value_t *partition = sluice_value_map_new();
        sluice_value_map_put_str(partition, "source", sluice_value_cstring("counter"));
        sluice_record_set_source_partition(record, partition);
        sluice_value_t *offset = sluice_value_map_new();
        sluice_value_map_put_str(offset, "position", sluice_value_int64(i));
        sluice_record_set_source_offset(record, offset);
        sluice_records_add(out, record);
    }
    t->done = true;
    return SLUICE_OK;
}

static void counting_task_destroy(void *self)
{
    counting_task_t *t = self;
    free(t->topic);
    free(t);
}

static const sluice_source_task_ops_t counting_task_ops = {
    .struct_size = sizeof(sluice_source_task_ops_t),
    .start = counting_task_start,
    .poll = counting_task_poll,
    .destroy = counting_task_destroy,
};

static const sluice_class_t counting_source = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SOURCE_CONNECTOR,
    .name = "org.sluice.test.CountingSourceConnector",
    .version = "1.2.3",
    .doc = "Emits a fixed number of string records.",
    .config = counting_source_config,
    .connector = &counting_connector_ops,
    .source_task = &counting_task_ops,
};

/* ---- sink connector: counts what it is given --------------------------------- */

/* clang-format off */
static const sluice_config_key_t collecting_sink_config[] = {
    {.name = "topics", .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_HIGH, .doc = "The topics to consume."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t collecting_connector_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                                  void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *self = calloc(1, 1);
    return SLUICE_OK;
}

static sluice_result_t collecting_connector_task_configs(void *self, int max_tasks,
                                                         sluice_task_configs_t *out, char *errstr,
                                                         size_t errstr_size)
{
    (void)self;
    (void)errstr;
    (void)errstr_size;
    for (int i = 0; i < max_tasks; i++)
        sluice_task_configs_add(out);
    return SLUICE_OK;
}

static const sluice_connector_ops_t collecting_connector_ops = {
    .struct_size = sizeof(sluice_connector_ops_t),
    .start = collecting_connector_start,
    .task_configs = collecting_connector_task_configs,
    .destroy = free,
};

static sluice_result_t collecting_task_start(sluice_ctx_t *ctx, const sluice_config_t *config,
                                             void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *self = calloc(1, sizeof(size_t));
    return SLUICE_OK;
}

static sluice_result_t collecting_task_put(void *self, const sluice_records_t *records,
                                           char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    *(size_t *)self += sluice_records_count(records);
    return SLUICE_OK;
}

static const sluice_sink_task_ops_t collecting_task_ops = {
    .struct_size = sizeof(sluice_sink_task_ops_t),
    .start = collecting_task_start,
    .put = collecting_task_put,
    .destroy = free,
};

static const char *const collecting_sink_aliases[] = {"CollectingSink", NULL};

static const sluice_class_t collecting_sink = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_SINK_CONNECTOR,
    .name = "org.sluice.test.CollectingSinkConnector",
    .aliases = collecting_sink_aliases,
    .version = "1.2.3",
    .doc = "Counts the records it is given.",
    .config = collecting_sink_config,
    .connector = &collecting_connector_ops,
    .sink_task = &collecting_task_ops,
};

/* ---- converter: string values <-> their bytes ---------------------------------- */

/* clang-format off */
static const sluice_config_key_t plain_converter_config[] = {
    {.name = "plain.null.text", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Text that stands for null; null means none does."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t plain_create(sluice_ctx_t *ctx, const sluice_config_t *config, bool is_key,
                                    void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)is_key;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *self = calloc(1, 1);
    return SLUICE_OK;
}

static sluice_result_t plain_write(const sluice_value_t *value, sluice_buf_t *out, char *errstr,
                                   size_t errstr_size)
{
    if (!value) {
        sluice_buf_set_null(out);
        return SLUICE_OK;
    }
    if (sluice_value_type(value) != SLUICE_TYPE_STRING) {
        snprintf(errstr, errstr_size, "plain converter only handles STRING values, not %s",
                 sluice_type_name(sluice_value_type(value)));
        return SLUICE_FATAL;
    }
    size_t len;
    const char *text = sluice_value_get_string(value, &len);
    sluice_buf_append(out, text, len);
    return SLUICE_OK;
}

static sluice_result_t plain_from_connect(void *self, const char *topic, sluice_headers_t *headers,
                                          const sluice_schema_t *schema,
                                          const sluice_value_t *value, sluice_buf_t *out,
                                          char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)headers;
    (void)schema;
    return plain_write(value, out, errstr, errstr_size);
}

static sluice_result_t plain_to_connect(void *self, const char *topic,
                                        const sluice_headers_t *headers, const void *data,
                                        size_t len, const sluice_schema_t **schema,
                                        sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)headers;
    (void)errstr;
    (void)errstr_size;
    *schema = data ? sluice_schema_ref(sluice_schema_of(SLUICE_TYPE_STRING, true)) : NULL;
    *value = data ? sluice_value_string(data, len) : NULL;
    return SLUICE_OK;
}

static const sluice_converter_ops_t plain_converter_ops = {
    .struct_size = sizeof(sluice_converter_ops_t),
    .create = plain_create,
    .from_connect = plain_from_connect,
    .to_connect = plain_to_connect,
    .destroy = free,
};

static const sluice_class_t plain_converter = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONVERTER,
    .name = "org.sluice.test.PlainConverter",
    .version = "1.2.3",
    .doc = "STRING values as their UTF-8 bytes.",
    .config = plain_converter_config,
    .converter = &plain_converter_ops,
};

/* ---- header converter: the same, per header --------------------------------------- */

static sluice_result_t plain_header_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    return plain_create(ctx, config, false, self, errstr, errstr_size);
}

static sluice_result_t plain_from_header(void *self, const char *topic, const char *header_key,
                                         const sluice_schema_t *schema, const sluice_value_t *value,
                                         sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)header_key;
    (void)schema;
    return plain_write(value, out, errstr, errstr_size);
}

static sluice_result_t plain_to_header(void *self, const char *topic, const char *header_key,
                                       const void *data, size_t len, const sluice_schema_t **schema,
                                       sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)header_key;
    return plain_to_connect(self, topic, NULL, data, len, schema, value, errstr, errstr_size);
}

static const sluice_header_converter_ops_t plain_header_converter_ops = {
    .struct_size = sizeof(sluice_header_converter_ops_t),
    .create = plain_header_create,
    .from_header = plain_from_header,
    .to_header = plain_to_header,
    .destroy = free,
};

static const sluice_class_t plain_header_converter = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_HEADER_CONVERTER,
    .name = "org.sluice.test.PlainHeaderConverter",
    .version = "1.2.3",
    .doc = "STRING headers as their UTF-8 bytes.",
    .config = plain_converter_config,
    .header_converter = &plain_header_converter_ops,
};

/* ---- transform: uppercases a STRING value, with an optional prefix ------------------ */

/* clang-format off */
static const sluice_config_key_t uppercase_config[] = {
    {.name = "prefix", .type = SLUICE_CONFIG_STRING, .default_value = "",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .doc = "Text put before the uppercased value."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t uppercase_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                        void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    const char *prefix = sluice_config_get_string(config, "prefix");
    *self = strdup(prefix ? prefix : "");
    return SLUICE_OK;
}

static sluice_result_t uppercase_apply(void *self, sluice_record_t *record, char *errstr,
                                       size_t errstr_size)
{
    const char *prefix = self;
    const sluice_value_t *value = sluice_record_value(record);
    if (!value)
        return SLUICE_OK;
    if (sluice_value_type(value) != SLUICE_TYPE_STRING) {
        snprintf(errstr, errstr_size, "Uppercase needs a STRING value, got %s",
                 sluice_type_name(sluice_value_type(value)));
        return SLUICE_FATAL;
    }
    size_t len, plen = strlen(prefix);
    const char *text = sluice_value_get_string(value, &len);
    char *upper = malloc(plen + len + 1);
    memcpy(upper, prefix, plen);
    for (size_t i = 0; i < len; i++)
        upper[plen + i] = (char)toupper((unsigned char)text[i]);
    upper[plen + len] = '\0';
    /* Hold the schema: setting the value may drop the record's reference. */
    const sluice_schema_t *schema = sluice_record_value_schema(record);
    if (schema)
        sluice_schema_ref(schema);
    sluice_record_set_value(record, schema, sluice_value_string_take(upper, plen + len));
    if (schema)
        sluice_schema_unref(schema);
    return SLUICE_OK;
}

static const sluice_transform_ops_t uppercase_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = uppercase_create,
    .apply = uppercase_apply,
    .destroy = free,
};

static const char *const uppercase_aliases[] = {"Upper", "UppercaseValue", NULL};

static const sluice_class_t uppercase_transform = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = "org.sluice.test.Uppercase",
    .aliases = uppercase_aliases,
    .version = "1.2.3",
    .doc = "Uppercases a STRING record value.",
    .config = uppercase_config,
    .transform = &uppercase_ops,
};

/* ---- predicate: the record's topic is the configured one ---------------------------- */

/* clang-format off */
static const sluice_config_key_t topic_is_config[] = {
    {.name = "topic", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .doc = "The topic that matches."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t topic_is_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                       void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    *self = strdup(sluice_config_get_string(config, "topic"));
    return SLUICE_OK;
}

static bool topic_is_test(void *self, const sluice_record_t *record)
{
    const char *topic = sluice_record_topic(record);
    return topic && strcmp(topic, self) == 0;
}

static const sluice_predicate_ops_t topic_is_ops = {
    .struct_size = sizeof(sluice_predicate_ops_t),
    .create = topic_is_create,
    .test = topic_is_test,
    .destroy = free,
};

static const sluice_class_t topic_is_predicate = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_PREDICATE,
    .name = "org.sluice.test.TopicIsPredicate",
    .version = "1.2.3",
    .doc = "Matches records of one topic.",
    .config = topic_is_config,
    .predicate = &topic_is_ops,
};

/* ---- config provider: answers "<path>/<key>" except for the key "missing" ---------- */

/* clang-format off */
static const sluice_config_key_t echo_provider_config[] = {
    {.name = "separator", .type = SLUICE_CONFIG_STRING, .default_value = "/",
     .importance = SLUICE_IMPORTANCE_LOW, .doc = "Put between path and key."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t echo_create(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                   char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    *self = strdup(sluice_config_get_string(config, "separator"));
    return SLUICE_OK;
}

static sluice_result_t echo_get(void *self, const char *path, const char *key, sluice_buf_t *out,
                                char *errstr, size_t errstr_size)
{
    if (strcmp(key, "missing") == 0) {
        snprintf(errstr, errstr_size, "no key %s under %s", key, path);
        return SLUICE_FATAL;
    }
    sluice_buf_printf(out, "%s%s%s", path, (const char *)self, key);
    return SLUICE_OK;
}

static const sluice_config_provider_ops_t echo_provider_ops = {
    .struct_size = sizeof(sluice_config_provider_ops_t),
    .create = echo_create,
    .get = echo_get,
    .destroy = free,
};

static const sluice_class_t echo_provider = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONFIG_PROVIDER,
    .name = "org.sluice.test.EchoConfigProvider",
    .version = "1.2.3",
    .doc = "Resolves ${echo:path:key} to path/key.",
    .config = echo_provider_config,
    .config_provider = &echo_provider_ops,
};

static const sluice_class_t *const good_classes[] = {
    &counting_source,     &collecting_sink,    &plain_converter, &plain_header_converter,
    &uppercase_transform, &topic_is_predicate, &echo_provider,   NULL};

SLUICE_PLUGIN_DECLARE("good-test-plugin", "1.2.3", good_classes)
