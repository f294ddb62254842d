/*
 * ReplaceField$Key / ReplaceField$Value: keeps only some fields of a Struct
 * or schemaless Map (exclude wins over include) and renames others. A null
 * key or value passes unchanged.
 */
#include "schema_cache.h"
#include "transforms.h"

#define REPLACE_PURPOSE "field replacement"

/* Splits a LIST config's raw text as the host does: on commas, trimmed. */
static size_t replace_next_item(const char **p, const char **start)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    const char *comma = strchr(s, ',');
    const char *end = comma ? comma : s + strlen(s);
    *p = comma ? comma + 1 : end;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *start = s;
    return (size_t)(end - s);
}

/* Each rename is old:new with exactly one colon and a name on each side. */
static int replace_renames_check(const char *name, const char *value, char *errstr,
                                 size_t errstr_size)
{
    (void)name;
    if (!value || !value[0])
        return 0;
    const char *p = value;
    while (*p) {
        const char *item;
        size_t len = replace_next_item(&p, &item);
        const char *colon = memchr(item, ':', len);
        bool ok = colon && colon != item && colon != item + len - 1 &&
                  !memchr(colon + 1, ':', len - (size_t)(colon - item) - 1);
        if (!ok) {
            snprintf(errstr, errstr_size,
                     "Invalid rename mapping: %.*s (expected old:new, e.g. foo:bar,abc:xyz)",
                     (int)len, item);
            return -1;
        }
    }
    return 0;
}

/* clang-format off */
static const sluice_config_key_t replace_field_config[] = {
    {.name = "exclude", .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Fields to drop. A field listed here is dropped even when include lists it."},
    {.name = "include", .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Fields to keep; when the list is not empty, every other field is dropped."},
    {.name = "renames", .type = SLUICE_CONFIG_LIST, .default_value = "",
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(replace_renames_check),
     .doc = "Fields to rename, as old:new pairs, e.g. foo:bar,abc:xyz."},
    TF_REPLACE_NULL_WITH_DEFAULT_KEY,
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct replace_field {
    tf_part_t part;
    const char *who;
    tf_names_t exclude;
    tf_names_t include;
    tf_names_t rename_from;
    tf_names_t rename_to;
    bool replace_null;
    tf_schema_cache_t *cache;
} replace_field_t;

static void replace_field_destroy(void *self)
{
    replace_field_t *rf = self;
    if (!rf)
        return;
    tf_names_clear(&rf->exclude);
    tf_names_clear(&rf->include);
    tf_names_clear(&rf->rename_from);
    tf_names_clear(&rf->rename_to);
    tf_schema_cache_destroy(rf->cache);
    free(rf);
}

static sluice_result_t replace_field_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                            tf_part_t part, void **self, char *errstr,
                                            size_t errstr_size)
{
    (void)ctx;
    replace_field_t *rf = tf_calloc(1, sizeof(*rf));
    rf->part = part;
    rf->who = TF_PART_NAME("ReplaceField", part);
    tf_names_from_config(&rf->exclude, config, "exclude");
    tf_names_from_config(&rf->include, config, "include");
    tf_names_t renames;
    tf_names_from_config(&renames, config, "renames");
    rf->rename_from.items = tf_calloc(renames.count ? renames.count : 1, sizeof(char *));
    rf->rename_to.items = tf_calloc(renames.count ? renames.count : 1, sizeof(char *));
    for (size_t i = 0; i < renames.count; i++) {
        const char *colon = strchr(renames.items[i], ':');
        if (!colon || colon == renames.items[i] || !colon[1] || strchr(colon + 1, ':')) {
            tf_fail(errstr, errstr_size,
                    "Invalid value %s for configuration renames: Invalid rename mapping: %s",
                    renames.items[i], renames.items[i]);
            tf_names_clear(&renames);
            replace_field_destroy(rf);
            return SLUICE_FATAL;
        }
        rf->rename_from.items[rf->rename_from.count++] =
            tf_strndup(renames.items[i], (size_t)(colon - renames.items[i]));
        rf->rename_to.items[rf->rename_to.count++] = tf_strdup(colon + 1);
    }
    tf_names_clear(&renames);
    rf->replace_null = sluice_config_get_bool(config, TF_REPLACE_NULL_WITH_DEFAULT);
    rf->cache = tf_schema_cache_new();
    *self = rf;
    return SLUICE_OK;
}

static bool replace_field_keeps(const replace_field_t *rf, const char *name)
{
    return !tf_names_contains(&rf->exclude, name) &&
           (rf->include.count == 0 || tf_names_contains(&rf->include, name));
}

/* The new name of a field; as in a Java map, the last mapping of a name wins. */
static const char *replace_field_renamed(const replace_field_t *rf, const char *name)
{
    for (size_t i = rf->rename_from.count; i-- > 0;)
        if (strcmp(rf->rename_from.items[i], name) == 0)
            return rf->rename_to.items[i];
    return name;
}

static const sluice_schema_t *replace_field_derive(const replace_field_t *rf,
                                                   const sluice_schema_t *input, char *errstr,
                                                   size_t errstr_size)
{
    sluice_schema_t *schema = tf_struct_schema_like(input);
    size_t n = sluice_schema_field_count(input);
    char why[256];
    for (size_t i = 0; i < n; i++) {
        const char *name = sluice_schema_field_name(input, i);
        if (!replace_field_keeps(rf, name))
            continue;
        const char *to = replace_field_renamed(rf, name);
        if (sluice_schema_add_field(schema, to, sluice_schema_field_schema(input, i), why,
                                    sizeof why) < 0) {
            if (to != name)
                tf_fail(errstr, errstr_size, "%s: cannot rename field %s to %s: %s", rf->who, name,
                        to, why);
            else
                tf_fail(errstr, errstr_size, "%s: cannot keep field %s: %s", rf->who, name, why);
            sluice_schema_unref(schema);
            return NULL;
        }
    }
    return schema;
}

static sluice_result_t replace_field_with_schema(replace_field_t *rf, sluice_record_t *record,
                                                 char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = tf_part_value(record, rf->part);
    if (sluice_value_type(value) != SLUICE_TYPE_STRUCT)
        return tf_fail(errstr, errstr_size,
                       "%s: Only Struct objects supported for [" REPLACE_PURPOSE "], found: %s",
                       rf->who, tf_type_of(value));
    const sluice_schema_t *input = sluice_value_struct_schema(value);
    const sluice_schema_t *derived = tf_schema_cache_get(rf->cache, input);
    if (!derived) {
        derived = replace_field_derive(rf, input, errstr, errstr_size);
        if (!derived)
            return SLUICE_FATAL;
        tf_schema_cache_put(rf->cache, input, derived);
    }
    sluice_value_t *old = tf_part_take(record, rf->part);
    sluice_value_t *st = sluice_value_struct_new(derived);
    size_t n = sluice_schema_field_count(input), at = 0;
    char why[256];
    for (size_t i = 0; i < n; i++) {
        if (!replace_field_keeps(rf, sluice_schema_field_name(input, i)))
            continue;
        sluice_value_struct_put_at(st, at++, tf_struct_take_field(old, i, rf->replace_null), why,
                                   sizeof why);
    }
    sluice_value_destroy(old);
    tf_part_set(record, rf->part, derived, st);
    return SLUICE_OK;
}

static sluice_result_t replace_field_schemaless(replace_field_t *rf, sluice_record_t *record,
                                                char *errstr, size_t errstr_size)
{
    const sluice_value_t *value = tf_part_value(record, rf->part);
    if (sluice_value_type(value) != SLUICE_TYPE_MAP)
        return tf_fail(errstr, errstr_size,
                       "%s: Only Map objects supported in absence of schema for [" REPLACE_PURPOSE
                       "], found: %s",
                       rf->who, tf_type_of(value));
    if (tf_map_require_string_keys(value, rf->who, errstr, errstr_size) < 0)
        return SLUICE_FATAL;
    /* The ABI cannot move a value out of a map, so the kept ones are copied. */
    sluice_value_t *map = sluice_value_map_new();
    size_t n = sluice_value_map_count(value);
    for (size_t i = 0; i < n; i++) {
        const char *name = sluice_value_get_string(sluice_value_map_key_at(value, i), NULL);
        if (!replace_field_keeps(rf, name))
            continue;
        sluice_value_map_put_str(map, replace_field_renamed(rf, name),
                                 sluice_value_copy(sluice_value_map_value_at(value, i)));
    }
    tf_part_set(record, rf->part, NULL, map);
    return SLUICE_OK;
}

static sluice_result_t replace_field_apply(void *self, sluice_record_t *record, char *errstr,
                                           size_t errstr_size)
{
    replace_field_t *rf = self;
    if (!tf_part_value(record, rf->part))
        return SLUICE_OK;
    if (!tf_part_schema(record, rf->part))
        return replace_field_schemaless(rf, record, errstr, errstr_size);
    return replace_field_with_schema(rf, record, errstr, errstr_size);
}

TF_KEY_VALUE_CLASSES(replace_field, "ReplaceField", "Drops, keeps or renames fields",
                     replace_field_config);
