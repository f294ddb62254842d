/*
 * InsertField$Key / InsertField$Value: adds fields holding the record's
 * topic, partition, Kafka offset (sink records only), timestamp and a
 * static string to a Struct (with a derived schema) or a schemaless Map.
 * A field name ending in "!" makes the added field required, "?" (the
 * default) optional. A null key or value passes unchanged.
 */
#include "schema_cache.h"
#include "transforms.h"

#define INSERT_PURPOSE "field insertion"

/* A field name config may not be empty once its suffix is removed. */
static int insert_field_name_check(const char *name, const char *value, char *errstr,
                                   size_t errstr_size)
{
    (void)name;
    if (!value)
        return 0;
    size_t len = strlen(value);
    if (len && (value[len - 1] == '!' || value[len - 1] == '?'))
        len--;
    if (len == 0) {
        snprintf(errstr, errstr_size, "the field name is empty");
        return -1;
    }
    return 0;
}

#define INSERT_SUFFIX_DOC                                                                          \
    " End it with ! to make the field required, or ? for optional (the default)."

/* clang-format off */
static const sluice_config_key_t insert_field_config[] = {
    {.name = "topic.field", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(insert_field_name_check),
     .doc = "The field that receives the record's topic." INSERT_SUFFIX_DOC},
    {.name = "partition.field", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(insert_field_name_check),
     .doc = "The field that receives the record's Kafka partition." INSERT_SUFFIX_DOC},
    {.name = "offset.field", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(insert_field_name_check),
     .doc = "The field that receives the record's Kafka offset; sink connectors only."
            INSERT_SUFFIX_DOC},
    {.name = "timestamp.field", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(insert_field_name_check),
     .doc = "The field that receives the record's timestamp (a Timestamp with a schema, "
            "epoch milliseconds without)." INSERT_SUFFIX_DOC},
    {.name = "static.field", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(insert_field_name_check),
     .doc = "The field that receives static.value." INSERT_SUFFIX_DOC},
    {.name = "static.value", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "The string put in static.field of every record."},
    TF_REPLACE_NULL_WITH_DEFAULT_KEY,
    SLUICE_CONFIG_END};
/* clang-format on */

typedef enum insert_kind {
    INSERT_TOPIC = 0,
    INSERT_PARTITION,
    INSERT_OFFSET,
    INSERT_TIMESTAMP,
    INSERT_STATIC,
    INSERT_KINDS
} insert_kind_t;

static const char *const insert_keys[INSERT_KINDS] = {
    "topic.field", "partition.field", "offset.field", "timestamp.field", "static.field"};

typedef struct insert_spec {
    char *name; /* NULL when not configured */
    bool optional;
} insert_spec_t;

typedef struct insert_field {
    tf_part_t part;
    const char *who;
    insert_spec_t spec[INSERT_KINDS];
    char *static_value;
    bool replace_null;
    tf_schema_cache_t *cache;
} insert_field_t;

static void insert_field_destroy(void *self)
{
    insert_field_t *in = self;
    if (!in)
        return;
    for (int k = 0; k < INSERT_KINDS; k++)
        free(in->spec[k].name);
    free(in->static_value);
    tf_schema_cache_destroy(in->cache);
    free(in);
}

static sluice_result_t insert_field_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           tf_part_t part, void **self, char *errstr,
                                           size_t errstr_size)
{
    (void)ctx;
    insert_field_t *in = tf_calloc(1, sizeof(*in));
    in->part = part;
    in->who = TF_PART_NAME("InsertField", part);
    bool any = false;
    for (int k = 0; k < INSERT_KINDS; k++) {
        const char *spec = sluice_config_get_string(config, insert_keys[k]);
        if (!spec)
            continue;
        size_t len = strlen(spec);
        bool optional = true;
        if (len && (spec[len - 1] == '!' || spec[len - 1] == '?')) {
            optional = spec[len - 1] == '?';
            len--;
        }
        in->spec[k].name = tf_strndup(spec, len);
        in->spec[k].optional = optional;
        any = true;
    }
    in->static_value = tf_strdup(sluice_config_get_string(config, "static.value"));
    in->replace_null = sluice_config_get_bool(config, TF_REPLACE_NULL_WITH_DEFAULT);
    if (!any) {
        insert_field_destroy(in);
        return tf_fail(errstr, errstr_size,
                       "%s: No field insertion configured: set at least one of topic.field, "
                       "partition.field, offset.field, timestamp.field or static.field",
                       TF_PART_NAME("InsertField", part));
    }
    if (in->spec[INSERT_STATIC].name && !in->static_value) {
        tf_fail(errstr, errstr_size,
                "Invalid value null for configuration static.value: No value specified for "
                "static field: %s",
                in->spec[INSERT_STATIC].name);
        insert_field_destroy(in);
        return SLUICE_FATAL;
    }
    in->cache = tf_schema_cache_new();
    *self = in;
    return SLUICE_OK;
}

/* The schema of each added field. */
static sluice_schema_t *insert_field_schema_of(insert_kind_t kind, bool optional)
{
    sluice_schema_t *schema;
    switch (kind) {
    case INSERT_PARTITION: schema = sluice_schema_new(SLUICE_TYPE_INT32); break;
    case INSERT_OFFSET: schema = sluice_schema_new(SLUICE_TYPE_INT64); break;
    case INSERT_TIMESTAMP: schema = sluice_schema_timestamp(); break;
    default: schema = sluice_schema_new(SLUICE_TYPE_STRING); break;
    }
    sluice_schema_set_optional(schema, optional);
    return schema;
}

/* The input struct's fields followed by the configured ones, in Kafka's order. */
static const sluice_schema_t *insert_field_derive(insert_field_t *in, const sluice_schema_t *input,
                                                  char *errstr, size_t errstr_size)
{
    sluice_schema_t *schema = tf_struct_schema_like(input);
    char why[256];
    size_t n = sluice_schema_field_count(input);
    for (size_t i = 0; i < n; i++) {
        if (sluice_schema_add_field(schema, sluice_schema_field_name(input, i),
                                    sluice_schema_field_schema(input, i), why, sizeof why) < 0) {
            tf_fail(errstr, errstr_size, "%s: %s", in->who, why);
            goto fail;
        }
    }
    for (int k = 0; k < INSERT_KINDS; k++) {
        if (!in->spec[k].name)
            continue;
        sluice_schema_t *field = insert_field_schema_of((insert_kind_t)k, in->spec[k].optional);
        int rc = sluice_schema_add_field(schema, in->spec[k].name, field, why, sizeof why);
        sluice_schema_unref(field);
        if (rc < 0) {
            tf_fail(errstr, errstr_size, "%s: cannot add field '%s' (%s) to the %s schema: %s",
                    in->who, in->spec[k].name, insert_keys[k], tf_part_word(in->part), why);
            goto fail;
        }
    }
    return schema;
fail:
    sluice_schema_unref(schema);
    return NULL;
}

/* The value each configured field gets, or NULL (null). */
static sluice_value_t *insert_field_value(const insert_field_t *in, const sluice_record_t *record,
                                          insert_kind_t kind)
{
    switch (kind) {
    case INSERT_TOPIC: {
        const char *topic = sluice_record_topic(record);
        return topic ? sluice_value_cstring(topic) : NULL;
    }
    case INSERT_PARTITION: {
        int32_t partition = sluice_record_partition(record);
        return partition >= 0 ? sluice_value_int32(partition) : NULL;
    }
    case INSERT_OFFSET: return sluice_value_int64(sluice_record_kafka_offset(record));
    case INSERT_TIMESTAMP: {
        int64_t ts = sluice_record_timestamp(record);
        return ts != -1 ? sluice_value_int64(ts) : NULL;
    }
    case INSERT_STATIC: return sluice_value_cstring(in->static_value);
    default: return NULL;
    }
}

/* What a sink-only or required field needs that the record may lack. */
static sluice_result_t insert_field_check(const insert_field_t *in, const sluice_record_t *record,
                                          bool with_schema, char *errstr, size_t errstr_size)
{
    if (in->spec[INSERT_OFFSET].name && sluice_record_kafka_offset(record) < 0)
        return tf_fail(errstr, errstr_size,
                       "%s: offset.field '%s' needs a sink record: Only SinkRecord supported for "
                       "[" INSERT_PURPOSE "], found: a record with no Kafka offset (a source "
                       "record)",
                       in->who, in->spec[INSERT_OFFSET].name);
    if (!with_schema)
        return SLUICE_OK;
    if (in->spec[INSERT_PARTITION].name && !in->spec[INSERT_PARTITION].optional &&
        sluice_record_partition(record) < 0)
        return tf_fail(errstr, errstr_size,
                       "%s: partition.field '%s' is required (!) but the record has no partition",
                       in->who, in->spec[INSERT_PARTITION].name);
    if (in->spec[INSERT_TIMESTAMP].name && !in->spec[INSERT_TIMESTAMP].optional &&
        sluice_record_timestamp(record) == -1)
        return tf_fail(errstr, errstr_size,
                       "%s: timestamp.field '%s' is required (!) but the record has no timestamp",
                       in->who, in->spec[INSERT_TIMESTAMP].name);
    if (in->spec[INSERT_TOPIC].name && !in->spec[INSERT_TOPIC].optional &&
        !sluice_record_topic(record))
        return tf_fail(errstr, errstr_size,
                       "%s: topic.field '%s' is required (!) but the record has no topic", in->who,
                       in->spec[INSERT_TOPIC].name);
    return SLUICE_OK;
}

static sluice_result_t insert_field_schemaless(insert_field_t *in, sluice_record_t *record,
                                               char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = tf_part_value(record, in->part);
    if (sluice_value_type(value) != SLUICE_TYPE_MAP)
        return tf_fail(errstr, errstr_size,
                       "%s: Only Map objects supported in absence of schema for [" INSERT_PURPOSE
                       "], found: %s",
                       in->who, tf_type_of(value));
    if (insert_field_check(in, record, false, errstr, errstr_size) != SLUICE_OK)
        return SLUICE_FATAL;
    sluice_value_t *map = tf_part_take(record, in->part);
    for (int k = 0; k < INSERT_KINDS; k++) {
        if (!in->spec[k].name)
            continue;
        /* Kafka leaves out a partition or timestamp the record lacks */
        sluice_value_t *v = insert_field_value(in, record, (insert_kind_t)k);
        if (!v && (k == INSERT_PARTITION || k == INSERT_TIMESTAMP))
            continue;
        sluice_value_map_put_str(map, in->spec[k].name, v);
    }
    tf_part_set(record, in->part, NULL, map);
    return SLUICE_OK;
}

static sluice_result_t insert_field_with_schema(insert_field_t *in, sluice_record_t *record,
                                                char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = tf_part_value(record, in->part);
    if (sluice_value_type(value) != SLUICE_TYPE_STRUCT)
        return tf_fail(errstr, errstr_size,
                       "%s: Only Struct objects supported for [" INSERT_PURPOSE "], found: %s",
                       in->who, tf_type_of(value));
    if (insert_field_check(in, record, true, errstr, errstr_size) != SLUICE_OK)
        return SLUICE_FATAL;
    const sluice_schema_t *input = sluice_value_struct_schema(value);
    const sluice_schema_t *derived = tf_schema_cache_get(in->cache, input);
    if (!derived) {
        derived = insert_field_derive(in, input, errstr, errstr_size);
        if (!derived)
            return SLUICE_FATAL;
        tf_schema_cache_put(in->cache, input, derived);
    }
    sluice_value_t *old = tf_part_take(record, in->part);
    sluice_value_t *st = sluice_value_struct_new(derived);
    size_t n = sluice_schema_field_count(input);
    char why[256];
    for (size_t i = 0; i < n; i++)
        sluice_value_struct_put_at(st, i, tf_struct_take_field(old, i, in->replace_null), why,
                                   sizeof why);
    size_t at = n;
    for (int k = 0; k < INSERT_KINDS; k++) {
        if (!in->spec[k].name)
            continue;
        sluice_value_struct_put_at(st, at++, insert_field_value(in, record, (insert_kind_t)k), why,
                                   sizeof why);
    }
    sluice_value_destroy(old);
    tf_part_set(record, in->part, derived, st);
    return SLUICE_OK;
}

static sluice_result_t insert_field_apply(void *self, sluice_record_t *record, char *errstr,
                                          size_t errstr_size)
{
    insert_field_t *in = self;
    if (!tf_part_value(record, in->part))
        return SLUICE_OK;
    if (!tf_part_schema(record, in->part))
        return insert_field_schemaless(in, record, errstr, errstr_size);
    return insert_field_with_schema(in, record, errstr, errstr_size);
}

TF_KEY_VALUE_CLASSES(insert_field, "InsertField",
                     "Adds fields with the topic, partition, offset, timestamp or a fixed string",
                     insert_field_config);
