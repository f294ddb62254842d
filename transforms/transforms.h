/*
 * What the transforms and predicates of this plugin share: their class
 * descriptors (listed by transforms_plugin.c), the $Key / $Value plumbing,
 * error text and allocation.
 *
 * Every transform changes the record it is given in place. Its instance is
 * used by one thread at a time (plugin.h), so the per-instance schema caches
 * need no lock.
 */
#ifndef TRANSFORMS_TRANSFORMS_H
#define TRANSFORMS_TRANSFORMS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/sluice.h>

#define TF_VERSION "0.1.0"
#define TF_PACKAGE "org.apache.kafka.connect.transforms."
#define TF_PREDICATE_PACKAGE "org.apache.kafka.connect.transforms.predicates."

/* ---- the classes ---------------------------------------------------------- */

extern const sluice_class_t tf_filter_class;
extern const sluice_class_t tf_regex_router_class;
extern const sluice_class_t tf_timestamp_router_class;
extern const sluice_class_t tf_value_to_key_class;
extern const sluice_class_t tf_insert_header_class;
extern const sluice_class_t tf_drop_headers_class;
extern const sluice_class_t tf_insert_field_key_class;
extern const sluice_class_t tf_insert_field_value_class;
extern const sluice_class_t tf_replace_field_key_class;
extern const sluice_class_t tf_replace_field_value_class;
extern const sluice_class_t tf_hoist_field_key_class;
extern const sluice_class_t tf_hoist_field_value_class;
extern const sluice_class_t tf_extract_field_key_class;
extern const sluice_class_t tf_extract_field_value_class;
extern const sluice_class_t tf_topic_name_matches_class;
extern const sluice_class_t tf_record_is_tombstone_class;
extern const sluice_class_t tf_has_header_key_class;

/* ---- allocation ------------------------------------------------------------ */

/* The host's mem_* functions are internal to the binary, so the plugin has
 * its own with the same policy: abort on out-of-memory, never return NULL. */
void *tf_alloc(size_t size);
void *tf_calloc(size_t n, size_t size);
void *tf_realloc(void *ptr, size_t size);
char *tf_strdup(const char *str); /* NULL gives NULL */
char *tf_strndup(const char *str, size_t len);

/* ---- $Key / $Value ---------------------------------------------------------- */

/* The part of the record a $Key / $Value transform works on. */
typedef enum tf_part { TF_KEY = 0, TF_VALUE = 1 } tf_part_t;

/* The record's key or value schema and value (borrowed). */
const sluice_schema_t *tf_part_schema(const sluice_record_t *record, tf_part_t part);
const sluice_value_t *tf_part_value(const sluice_record_t *record, tf_part_t part);

/* Detaches the key or value, leaving null (its schema stays); the caller owns it. */
sluice_value_t *tf_part_take(sluice_record_t *record, tf_part_t part);

/* Sets the key or value with its schema (referenced; may be the record's
 * current one), taking value. */
void tf_part_set(sluice_record_t *record, tf_part_t part, const sluice_schema_t *schema,
                 sluice_value_t *value);

/*
 * Defines the $Key and $Value classes of a transform whose create function
 * is prefix##_create(ctx, config, part, self, errstr, errstr_size), with
 * prefix##_apply and prefix##_destroy. Defines tf_<prefix>_key_class and
 * tf_<prefix>_value_class named TF_PACKAGE simple "$Key" / "$Value", with the
 * alias simple "$Key" / "$Value".
 */
#define TF_KEY_VALUE_CLASSES(prefix, simple, class_doc, config_table)                              \
    static sluice_result_t prefix##_create_key(sluice_ctx_t *ctx, const sluice_config_t *config,   \
                                               void **self, char *errstr, size_t errstr_size)      \
    {                                                                                              \
        return prefix##_create(ctx, config, TF_KEY, self, errstr, errstr_size);                    \
    }                                                                                              \
    static sluice_result_t prefix##_create_value(sluice_ctx_t *ctx, const sluice_config_t *config, \
                                                 void **self, char *errstr, size_t errstr_size)    \
    {                                                                                              \
        return prefix##_create(ctx, config, TF_VALUE, self, errstr, errstr_size);                  \
    }                                                                                              \
    static const sluice_transform_ops_t prefix##_key_ops = {                                       \
        .struct_size = sizeof(sluice_transform_ops_t),                                             \
        .create = prefix##_create_key,                                                             \
        .apply = prefix##_apply,                                                                   \
        .destroy = prefix##_destroy,                                                               \
    };                                                                                             \
    static const sluice_transform_ops_t prefix##_value_ops = {                                     \
        .struct_size = sizeof(sluice_transform_ops_t),                                             \
        .create = prefix##_create_value,                                                           \
        .apply = prefix##_apply,                                                                   \
        .destroy = prefix##_destroy,                                                               \
    };                                                                                             \
    static const char *const prefix##_key_aliases[] = {simple "$Key", NULL};                       \
    static const char *const prefix##_value_aliases[] = {simple "$Value", NULL};                   \
    const sluice_class_t tf_##prefix##_key_class = {                                               \
        .struct_size = sizeof(sluice_class_t),                                                     \
        .kind = SLUICE_CLASS_TRANSFORM,                                                            \
        .name = TF_PACKAGE simple "$Key",                                                          \
        .aliases = prefix##_key_aliases,                                                           \
        .version = TF_VERSION,                                                                     \
        .doc = class_doc " (record key)",                                                          \
        .config = config_table,                                                                    \
        .transform = &prefix##_key_ops,                                                            \
    };                                                                                             \
    const sluice_class_t tf_##prefix##_value_class = {                                             \
        .struct_size = sizeof(sluice_class_t),                                                     \
        .kind = SLUICE_CLASS_TRANSFORM,                                                            \
        .name = TF_PACKAGE simple "$Value",                                                        \
        .aliases = prefix##_value_aliases,                                                         \
        .version = TF_VERSION,                                                                     \
        .doc = class_doc " (record value)",                                                        \
        .config = config_table,                                                                    \
        .transform = &prefix##_value_ops,                                                          \
    }

/* "InsertField$Key" / "InsertField$Value" style display names for messages. */
#define TF_PART_NAME(simple, part) ((part) == TF_KEY ? simple "$Key" : simple "$Value")

/* ---- errors ------------------------------------------------------------------ */

/* Writes a message into errstr and returns SLUICE_FATAL. */
sluice_result_t tf_fail(char *errstr, size_t errstr_size, const char *fmt, ...) SLUICE_PRINTF(3, 4);

/* The Connect type name of a value for messages: "string", "int32" … and
 * "null" for NULL. */
const char *tf_type_of(const sluice_value_t *value);

/* "key" or "value". */
const char *tf_part_word(tf_part_t part);

/* ---- Kafka's shared config key (KIP-1040) -------------------------------------- */

#define TF_REPLACE_NULL_WITH_DEFAULT "replace.null.with.default"

#define TF_REPLACE_NULL_WITH_DEFAULT_KEY                                                           \
    {                                                                                              \
        .name = TF_REPLACE_NULL_WITH_DEFAULT, .type = SLUICE_CONFIG_BOOLEAN,                       \
        .default_value = "true", .importance = SLUICE_IMPORTANCE_MEDIUM,                           \
        .doc = "When a field is null and its schema has a default value, whether the default "     \
               "is used (true) or the null is kept (false).",                                      \
    }

/* ---- struct and map helpers ---------------------------------------------------- */

/*
 * The value of field i of st as Kafka's Struct.get (with_default: a null
 * field whose schema has a default gives that default) or getWithoutDefault.
 * Borrowed; NULL for null.
 */
const sluice_value_t *tf_struct_field(const sluice_value_t *st, size_t i, bool with_default);

/*
 * Detaches field i of st for moving into another struct, or copies the
 * field schema's default when the field is null and with_default is set.
 * The caller owns the result.
 */
sluice_value_t *tf_struct_take_field(sluice_value_t *st, size_t i, bool with_default);

/* A new STRUCT schema with the name, version, doc and parameters of source
 * (Kafka's SchemaUtil.copySchemaBasics) and no fields. */
sluice_schema_t *tf_struct_schema_like(const sluice_schema_t *source);

/* True when the map's key at i is the STRING name. */
bool tf_map_key_is(const sluice_value_t *map, size_t i, const char *name);

/*
 * Checks that every key of map is a STRING (Kafka casts a schemaless value to
 * Map<String, Object>). Returns 0, or -1 with a message naming who and the
 * first bad key's type.
 */
int tf_map_require_string_keys(const sluice_value_t *map, const char *who, char *errstr,
                               size_t errstr_size);

/* ---- small string sets --------------------------------------------------------- */

/* A LIST config's items, copied (for use after the config is gone). */
typedef struct tf_names {
    char **items;
    size_t count;
} tf_names_t;

void tf_names_from_config(tf_names_t *names, const sluice_config_t *config, const char *key);
bool tf_names_contains(const tf_names_t *names, const char *name);
void tf_names_clear(tf_names_t *names);

#endif
