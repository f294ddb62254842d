/*
 * Helpers shared by the transforms: allocation, the $Key / $Value plumbing,
 * error text and struct/map access with Kafka's semantics.
 */
#include <stdarg.h>

#include "transforms.h"

/* ---- allocation ------------------------------------------------------------ */

static void *tf_oom(size_t size)
{
    fprintf(stderr, "sluice transforms: out of memory allocating %zu bytes\n", size);
    abort();
}

void *tf_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    return p ? p : tf_oom(size);
}

void *tf_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : tf_oom(n * size);
}

void *tf_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    return p ? p : tf_oom(size);
}

char *tf_strndup(const char *str, size_t len)
{
    char *p = tf_alloc(len + 1);
    memcpy(p, str, len);
    p[len] = '\0';
    return p;
}

char *tf_strdup(const char *str)
{
    return str ? tf_strndup(str, strlen(str)) : NULL;
}

/* ---- $Key / $Value ---------------------------------------------------------- */

const sluice_schema_t *tf_part_schema(const sluice_record_t *record, tf_part_t part)
{
    return part == TF_KEY ? sluice_record_key_schema(record) : sluice_record_value_schema(record);
}

const sluice_value_t *tf_part_value(const sluice_record_t *record, tf_part_t part)
{
    return part == TF_KEY ? sluice_record_key(record) : sluice_record_value(record);
}

sluice_value_t *tf_part_take(sluice_record_t *record, tf_part_t part)
{
    return part == TF_KEY ? sluice_record_take_key(record) : sluice_record_take_value(record);
}

void tf_part_set(sluice_record_t *record, tf_part_t part, const sluice_schema_t *schema,
                 sluice_value_t *value)
{
    /* schema may be the one the record holds: keep it alive across the swap. */
    sluice_schema_ref(schema);
    if (part == TF_KEY)
        sluice_record_set_key(record, schema, value);
    else
        sluice_record_set_value(record, schema, value);
    sluice_schema_unref(schema);
}

const char *tf_part_word(tf_part_t part)
{
    return part == TF_KEY ? "key" : "value";
}

/* ---- errors ------------------------------------------------------------------ */

sluice_result_t tf_fail(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (errstr && errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return SLUICE_FATAL;
}

const char *tf_type_of(const sluice_value_t *value)
{
    if (!value)
        return "null";
    const char *name = sluice_type_name(sluice_value_type(value));
    return name ? name : "unknown";
}

/* ---- struct and map helpers ---------------------------------------------------- */

const sluice_value_t *tf_struct_field(const sluice_value_t *st, size_t i, bool with_default)
{
    const sluice_value_t *v = sluice_value_struct_get_at(st, i);
    if (v || !with_default)
        return v;
    return sluice_schema_default(sluice_schema_field_schema(sluice_value_struct_schema(st), i));
}

sluice_value_t *tf_struct_take_field(sluice_value_t *st, size_t i, bool with_default)
{
    sluice_value_t *v = sluice_value_struct_take_at(st, i);
    if (v || !with_default)
        return v;
    return sluice_value_copy(
        sluice_schema_default(sluice_schema_field_schema(sluice_value_struct_schema(st), i)));
}

sluice_schema_t *tf_struct_schema_like(const sluice_schema_t *source)
{
    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    const char *s;
    int32_t version;
    if ((s = sluice_schema_name(source)) != NULL)
        sluice_schema_set_name(schema, s);
    if (sluice_schema_version(source, &version))
        sluice_schema_set_version(schema, version);
    if ((s = sluice_schema_doc(source)) != NULL)
        sluice_schema_set_doc(schema, s);
    size_t n = sluice_schema_parameter_count(source);
    for (size_t i = 0; i < n; i++)
        sluice_schema_set_parameter(schema, sluice_schema_parameter_key_at(source, i),
                                    sluice_schema_parameter_value_at(source, i));
    return schema;
}

bool tf_map_key_is(const sluice_value_t *map, size_t i, const char *name)
{
    const sluice_value_t *key = sluice_value_map_key_at(map, i);
    if (!key || sluice_value_type(key) != SLUICE_TYPE_STRING)
        return false;
    size_t len;
    const char *text = sluice_value_get_string(key, &len);
    return len == strlen(name) && memcmp(text, name, len) == 0;
}

int tf_map_require_string_keys(const sluice_value_t *map, const char *who, char *errstr,
                               size_t errstr_size)
{
    size_t n = sluice_value_map_count(map);
    for (size_t i = 0; i < n; i++) {
        const sluice_value_t *key = sluice_value_map_key_at(map, i);
        if (!key || sluice_value_type(key) != SLUICE_TYPE_STRING) {
            tf_fail(errstr, errstr_size,
                    "%s: a schemaless map must have string keys (field names), found a key of "
                    "type %s",
                    who, tf_type_of(key));
            return -1;
        }
    }
    return 0;
}

/* ---- small string sets --------------------------------------------------------- */

void tf_names_from_config(tf_names_t *names, const sluice_config_t *config, const char *key)
{
    const char *const *items = NULL;
    names->count = sluice_config_get_list(config, key, &items);
    names->items = tf_calloc(names->count ? names->count : 1, sizeof(char *));
    for (size_t i = 0; i < names->count; i++)
        names->items[i] = tf_strdup(items[i]);
}

bool tf_names_contains(const tf_names_t *names, const char *name)
{
    for (size_t i = 0; i < names->count; i++)
        if (strcmp(names->items[i], name) == 0)
            return true;
    return false;
}

void tf_names_clear(tf_names_t *names)
{
    for (size_t i = 0; i < names->count; i++)
        free(names->items[i]);
    free(names->items);
    names->items = NULL;
    names->count = 0;
}
