/*
 * HoistField$Key / HoistField$Value: wraps the key or value in a Struct
 * with one field (schema'd) or a Map with one entry (schemaless). A null is
 * wrapped too.
 */
#include "schema_cache.h"
#include "transforms.h"

/* clang-format off */
static const sluice_config_key_t hoist_field_config[] = {
    {.name = "field", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "The name of the single field of the Struct or Map that wraps the data."},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct hoist_field {
    tf_part_t part;
    const char *who;
    char *field;
    tf_schema_cache_t *cache;
} hoist_field_t;

static void hoist_field_destroy(void *self)
{
    hoist_field_t *hf = self;
    if (!hf)
        return;
    free(hf->field);
    tf_schema_cache_destroy(hf->cache);
    free(hf);
}

static sluice_result_t hoist_field_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                          tf_part_t part, void **self, char *errstr,
                                          size_t errstr_size)
{
    (void)ctx;
    const char *field = sluice_config_get_string(config, "field");
    if (!field)
        return tf_fail(errstr, errstr_size, "%s: field must be set",
                       TF_PART_NAME("HoistField", part));
    hoist_field_t *hf = tf_calloc(1, sizeof(*hf));
    hf->part = part;
    hf->who = TF_PART_NAME("HoistField", part);
    hf->field = tf_strdup(field);
    hf->cache = tf_schema_cache_new();
    *self = hf;
    return SLUICE_OK;
}

static sluice_result_t hoist_field_apply(void *self, sluice_record_t *record, char *errstr,
                                         size_t errstr_size)
{
    hoist_field_t *hf = self;
    const sluice_schema_t *schema = tf_part_schema(record, hf->part);
    if (!schema) {
        sluice_value_t *map = sluice_value_map_new();
        sluice_value_map_put_str(map, hf->field, tf_part_take(record, hf->part));
        tf_part_set(record, hf->part, NULL, map);
        return SLUICE_OK;
    }
    const sluice_value_t *value = tf_part_value(record, hf->part);
    if (!value && !sluice_schema_is_optional(schema) && !sluice_schema_default(schema))
        return tf_fail(errstr, errstr_size,
                       "%s: Invalid value: null used for required field: \"%s\", schema type: %s",
                       hf->who, hf->field, sluice_type_name(sluice_schema_type(schema)));
    if (value && sluice_value_type(value) != sluice_schema_type(schema))
        return tf_fail(errstr, errstr_size, "%s: the %s is a %s but its schema says %s", hf->who,
                       tf_part_word(hf->part), tf_type_of(value),
                       sluice_type_name(sluice_schema_type(schema)));
    const sluice_schema_t *derived = tf_schema_cache_get(hf->cache, schema);
    if (!derived) {
        sluice_schema_t *built = sluice_schema_new(SLUICE_TYPE_STRUCT);
        char why[256];
        if (sluice_schema_add_field(built, hf->field, schema, why, sizeof why) < 0) {
            sluice_schema_unref(built);
            return tf_fail(errstr, errstr_size, "%s: cannot make field '%s': %s", hf->who,
                           hf->field, why);
        }
        derived = tf_schema_cache_put(hf->cache, schema, built);
    }
    sluice_value_t *st = sluice_value_struct_new(derived);
    char why[256];
    sluice_value_struct_put_at(st, 0, tf_part_take(record, hf->part), why, sizeof why);
    tf_part_set(record, hf->part, derived, st);
    return SLUICE_OK;
}

TF_KEY_VALUE_CLASSES(hoist_field, "HoistField",
                     "Wraps the data in a Struct or Map with a single field", hoist_field_config);
