/*
 * ExtractField$Key / ExtractField$Value: replaces the key or value with one
 * of its fields, from a Struct (the result takes the field's schema) or a
 * schemaless Map. Nulls pass through; with field.syntax.version=V2 the
 * field may be a dotted path into nested data.
 */
#include "field_path.h"
#include "transforms.h"

#define EXTRACT_PURPOSE "field extraction"

/* clang-format off */
static const sluice_config_key_t extract_field_config[] = {
    {.name = "field", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "The field to extract (a path into nested data with field.syntax.version=V2)."},
    TF_REPLACE_NULL_WITH_DEFAULT_KEY,
    TF_FIELD_SYNTAX_VERSION_KEY,
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct extract_field {
    tf_part_t part;
    const char *who;
    tf_path_t path;
    bool replace_null;
} extract_field_t;

static void extract_field_destroy(void *self)
{
    extract_field_t *ef = self;
    if (!ef)
        return;
    tf_path_clear(&ef->path);
    free(ef);
}

static sluice_result_t extract_field_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                            tf_part_t part, void **self, char *errstr,
                                            size_t errstr_size)
{
    (void)ctx;
    const char *field = sluice_config_get_string(config, "field");
    const char *syntax = sluice_config_get_string(config, "field.syntax.version");
    if (!field)
        return tf_fail(errstr, errstr_size, "%s: field must be set",
                       TF_PART_NAME("ExtractField", part));
    extract_field_t *ef = tf_calloc(1, sizeof(*ef));
    ef->part = part;
    ef->who = TF_PART_NAME("ExtractField", part);
    ef->replace_null = sluice_config_get_bool(config, TF_REPLACE_NULL_WITH_DEFAULT);
    char why[384];
    bool v2 = syntax && (syntax[0] == 'V' || syntax[0] == 'v') && syntax[1] == '2';
    if (tf_path_parse(&ef->path, field, v2, why, sizeof why) < 0) {
        free(ef);
        return tf_fail(errstr, errstr_size, "Invalid value %s for configuration field: %s", field,
                       why);
    }
    *self = ef;
    return SLUICE_OK;
}

static sluice_result_t extract_field_schemaless(extract_field_t *ef, sluice_record_t *record,
                                                char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = tf_part_value(record, ef->part);
    if (!value)
        return SLUICE_OK;
    if (sluice_value_type(value) != SLUICE_TYPE_MAP)
        return tf_fail(errstr, errstr_size,
                       "%s: Only Map objects supported in absence of schema for [" EXTRACT_PURPOSE
                       "], found: %s",
                       ef->who, tf_type_of(value));
    const sluice_value_t *found;
    char why[384];
    if (tf_path_map_value(&ef->path, value, &found, why, sizeof why) < 0)
        return tf_fail(errstr, errstr_size, "%s: %s", ef->who, why);
    /* The ABI cannot move a value out of a map, so it is copied. */
    tf_part_set(record, ef->part, NULL, sluice_value_copy(found));
    return SLUICE_OK;
}

static sluice_result_t extract_field_with_schema(extract_field_t *ef, sluice_record_t *record,
                                                 char *errstr, size_t errstr_size)
{
    const sluice_schema_t *schema = tf_part_schema(record, ef->part);
    const sluice_value_t *value = tf_part_value(record, ef->part);
    if (value && sluice_value_type(value) != SLUICE_TYPE_STRUCT)
        return tf_fail(errstr, errstr_size,
                       "%s: Only Struct objects supported for [" EXTRACT_PURPOSE "], found: %s",
                       ef->who, tf_type_of(value));
    const sluice_schema_t *field_schema;
    char why[384];
    if (tf_path_field_schema(&ef->path, schema, &field_schema, why, sizeof why) < 0)
        return tf_fail(errstr, errstr_size, "%s: %s", ef->who, why);
    if (!field_schema)
        return tf_fail(errstr, errstr_size,
                       "%s: Unknown field: %s (the %s schema has no such field)", ef->who,
                       ef->path.text, tf_part_word(ef->part));
    sluice_value_t *result = NULL;
    if (value && ef->path.count == 1) {
        int i = sluice_schema_field_index(sluice_value_struct_schema(value), ef->path.steps[0]);
        if (i >= 0) {
            sluice_value_t *st = tf_part_take(record, ef->part);
            result = tf_struct_take_field(st, (size_t)i, ef->replace_null);
            sluice_value_destroy(st);
        }
    } else if (value) {
        const sluice_value_t *found;
        if (tf_path_struct_value(&ef->path, value, ef->replace_null, &found, why, sizeof why) < 0)
            return tf_fail(errstr, errstr_size, "%s: %s", ef->who, why);
        result = sluice_value_copy(found);
    }
    /* field_schema belongs to the old schema, which set releases: hold it */
    sluice_schema_ref(field_schema);
    tf_part_set(record, ef->part, field_schema, result);
    sluice_schema_unref(field_schema);
    return SLUICE_OK;
}

static sluice_result_t extract_field_apply(void *self, sluice_record_t *record, char *errstr,
                                           size_t errstr_size)
{
    extract_field_t *ef = self;
    if (!tf_part_schema(record, ef->part))
        return extract_field_schemaless(ef, record, errstr, errstr_size);
    return extract_field_with_schema(ef, record, errstr, errstr_size);
}

TF_KEY_VALUE_CLASSES(extract_field, "ExtractField", "Replaces the data with one of its fields",
                     extract_field_config);
