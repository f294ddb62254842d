/*
 * ValueToKey: replaces the record key with a Struct (or, schemaless, a Map)
 * of some of the value's fields.
 */
#include "schema_cache.h"
#include "transforms.h"

#define VALUE_TO_KEY_PURPOSE "copying fields from value to key"

/* clang-format off */
static const sluice_config_key_t value_to_key_config[] = {
    {.name = "fields", .type = SLUICE_CONFIG_LIST, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_NON_EMPTY,
     .doc = "The value fields that make up the new key, in this order."},
    TF_REPLACE_NULL_WITH_DEFAULT_KEY,
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct value_to_key {
    tf_names_t fields;
    bool replace_null;
    tf_schema_cache_t *cache;
} value_to_key_t;

static void value_to_key_destroy(void *self)
{
    value_to_key_t *vk = self;
    if (!vk)
        return;
    tf_names_clear(&vk->fields);
    tf_schema_cache_destroy(vk->cache);
    free(vk);
}

static sluice_result_t value_to_key_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    value_to_key_t *vk = tf_calloc(1, sizeof(*vk));
    tf_names_from_config(&vk->fields, config, "fields");
    if (vk->fields.count == 0) {
        value_to_key_destroy(vk);
        return tf_fail(errstr, errstr_size,
                       "Invalid value [] for configuration fields: Empty list");
    }
    vk->replace_null = sluice_config_get_bool(config, TF_REPLACE_NULL_WITH_DEFAULT);
    vk->cache = tf_schema_cache_new();
    *self = vk;
    return SLUICE_OK;
}

static const sluice_schema_t *value_to_key_derive(const value_to_key_t *vk,
                                                  const sluice_schema_t *input, char *errstr,
                                                  size_t errstr_size)
{
    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    char why[256];
    for (size_t k = 0; k < vk->fields.count; k++) {
        const char *name = vk->fields.items[k];
        int i = sluice_schema_field_index(input, name);
        if (i < 0) {
            tf_fail(errstr, errstr_size, "ValueToKey: Field does not exist: %s", name);
            goto fail;
        }
        if (sluice_schema_add_field(schema, name, sluice_schema_field_schema(input, (size_t)i), why,
                                    sizeof why) < 0) {
            tf_fail(errstr, errstr_size, "ValueToKey: cannot build the key schema: %s", why);
            goto fail;
        }
    }
    return schema;
fail:
    sluice_schema_unref(schema);
    return NULL;
}

static sluice_result_t value_to_key_with_schema(value_to_key_t *vk, sluice_record_t *record,
                                                char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = sluice_record_value(record);
    if (!value || sluice_value_type(value) != SLUICE_TYPE_STRUCT)
        return tf_fail(errstr, errstr_size,
                       "ValueToKey: Only Struct objects supported for [" VALUE_TO_KEY_PURPOSE
                       "], found: %s",
                       tf_type_of(value));
    const sluice_schema_t *input = sluice_value_struct_schema(value);
    const sluice_schema_t *key_schema = tf_schema_cache_get(vk->cache, input);
    if (!key_schema) {
        key_schema = value_to_key_derive(vk, input, errstr, errstr_size);
        if (!key_schema)
            return SLUICE_FATAL;
        tf_schema_cache_put(vk->cache, input, key_schema);
    }
    sluice_value_t *key = sluice_value_struct_new(key_schema);
    char why[256];
    for (size_t k = 0; k < vk->fields.count; k++) {
        int i = sluice_schema_field_index(input, vk->fields.items[k]);
        const sluice_value_t *v = tf_struct_field(value, (size_t)i, vk->replace_null);
        sluice_value_struct_put_at(key, k, sluice_value_copy(v), why, sizeof why);
    }
    sluice_record_set_key(record, key_schema, key);
    return SLUICE_OK;
}

static sluice_result_t value_to_key_schemaless(value_to_key_t *vk, sluice_record_t *record,
                                               char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = sluice_record_value(record);
    if (!value || sluice_value_type(value) != SLUICE_TYPE_MAP)
        return tf_fail(errstr, errstr_size,
                       "ValueToKey: Only Map objects supported in absence of schema for "
                       "[" VALUE_TO_KEY_PURPOSE "], found: %s",
                       tf_type_of(value));
    sluice_value_t *key = sluice_value_map_new();
    for (size_t k = 0; k < vk->fields.count; k++) {
        const char *name = vk->fields.items[k];
        sluice_value_map_put_str(key, name,
                                 sluice_value_copy(sluice_value_map_get_str(value, name)));
    }
    sluice_record_set_key(record, NULL, key);
    return SLUICE_OK;
}

static sluice_result_t value_to_key_apply(void *self, sluice_record_t *record, char *errstr,
                                          size_t errstr_size)
{
    value_to_key_t *vk = self;
    if (!sluice_record_value_schema(record))
        return value_to_key_schemaless(vk, record, errstr, errstr_size);
    return value_to_key_with_schema(vk, record, errstr, errstr_size);
}

static const sluice_transform_ops_t value_to_key_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = value_to_key_create,
    .apply = value_to_key_apply,
    .destroy = value_to_key_destroy,
};

const sluice_class_t tf_value_to_key_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = TF_PACKAGE "ValueToKey",
    .version = TF_VERSION,
    .doc = "Replaces the record key with some fields of the record value.",
    .config = value_to_key_config,
    .transform = &value_to_key_ops,
};
