/*
 * sluice_schema_t: Kafka Connect's Schema (ConnectSchema plus the building
 * half of SchemaBuilder). A schema is mutable until it is shared, then
 * read-only; only its reference count changes afterwards, atomically.
 *
 * Structs hold tens of fields, so fields and parameters live in plain arrays
 * and lookups by name are linear: cheaper than hashing at that size.
 */
#include <sluice/schema.h>
#include <sluice/value.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

typedef struct schema_param {
    char *key;
    char *value;
} schema_param_t;

typedef struct schema_field {
    char *name;
    const sluice_schema_t *schema;
} schema_field_t;

struct sluice_schema {
    bool is_static; /* the predefined schemas: never freed, refcount unused */
    bool optional;
    bool has_version;
    sluice_type_t type;
    int32_t version;
    char *name;
    char *doc;
    sluice_value_t *default_value;
    schema_param_t *params;
    size_t param_count;
    size_t param_cap;
    schema_field_t *fields;
    size_t field_count;
    size_t field_cap;
    const sluice_schema_t *key_schema;   /* MAP */
    const sluice_schema_t *value_schema; /* MAP values, ARRAY items */
    /* The count changes with every record that takes a reference (on the
     * thread that polls), while the task thread reads the fields above for
     * every record: the padding keeps it off their cache line. */
    char pad[64];
    atomic_uint refcnt;
};

static const char *const type_names[SLUICE_TYPE_COUNT] = {
    [SLUICE_TYPE_INT8] = "int8",       [SLUICE_TYPE_INT16] = "int16",
    [SLUICE_TYPE_INT32] = "int32",     [SLUICE_TYPE_INT64] = "int64",
    [SLUICE_TYPE_FLOAT32] = "float32", [SLUICE_TYPE_FLOAT64] = "float64",
    [SLUICE_TYPE_BOOLEAN] = "boolean", [SLUICE_TYPE_STRING] = "string",
    [SLUICE_TYPE_BYTES] = "bytes",     [SLUICE_TYPE_ARRAY] = "array",
    [SLUICE_TYPE_MAP] = "map",         [SLUICE_TYPE_STRUCT] = "struct",
};

const char *sluice_type_name(sluice_type_t type)
{
    if ((unsigned)type >= SLUICE_TYPE_COUNT)
        return NULL;
    return type_names[type];
}

bool sluice_type_parse(const char *name, sluice_type_t *type)
{
    if (!name)
        return false;
    for (unsigned i = 0; i < SLUICE_TYPE_COUNT; i++) {
        if (strcasecmp(name, type_names[i]) == 0) {
            if (type)
                *type = (sluice_type_t)i;
            return true;
        }
    }
    return false;
}

/* ---- predefined schemas ------------------------------------------------- */

#define SCHEMA_PRIMITIVE_COUNT (SLUICE_TYPE_BYTES + 1)

#define STATIC_SCHEMA(t, opt)                                                                      \
    {                                                                                              \
        .is_static = true, .optional = (opt), .type = (t)                                          \
    }

static sluice_schema_t schema_static[2][SCHEMA_PRIMITIVE_COUNT] = {
    {
        STATIC_SCHEMA(SLUICE_TYPE_INT8, false),
        STATIC_SCHEMA(SLUICE_TYPE_INT16, false),
        STATIC_SCHEMA(SLUICE_TYPE_INT32, false),
        STATIC_SCHEMA(SLUICE_TYPE_INT64, false),
        STATIC_SCHEMA(SLUICE_TYPE_FLOAT32, false),
        STATIC_SCHEMA(SLUICE_TYPE_FLOAT64, false),
        STATIC_SCHEMA(SLUICE_TYPE_BOOLEAN, false),
        STATIC_SCHEMA(SLUICE_TYPE_STRING, false),
        STATIC_SCHEMA(SLUICE_TYPE_BYTES, false),
    },
    {
        STATIC_SCHEMA(SLUICE_TYPE_INT8, true),
        STATIC_SCHEMA(SLUICE_TYPE_INT16, true),
        STATIC_SCHEMA(SLUICE_TYPE_INT32, true),
        STATIC_SCHEMA(SLUICE_TYPE_INT64, true),
        STATIC_SCHEMA(SLUICE_TYPE_FLOAT32, true),
        STATIC_SCHEMA(SLUICE_TYPE_FLOAT64, true),
        STATIC_SCHEMA(SLUICE_TYPE_BOOLEAN, true),
        STATIC_SCHEMA(SLUICE_TYPE_STRING, true),
        STATIC_SCHEMA(SLUICE_TYPE_BYTES, true),
    },
};

const sluice_schema_t *sluice_schema_of(sluice_type_t type, bool optional)
{
    if ((unsigned)type >= SCHEMA_PRIMITIVE_COUNT)
        return NULL;
    return &schema_static[optional ? 1 : 0][type];
}

/* ---- building ----------------------------------------------------------- */

static sluice_schema_t *schema_alloc(sluice_type_t type)
{
    sluice_schema_t *schema = mem_calloc(1, sizeof(*schema));
    atomic_init(&schema->refcnt, 1);
    schema->type = type;
    return schema;
}

sluice_schema_t *sluice_schema_new(sluice_type_t type)
{
    if ((unsigned)type >= SLUICE_TYPE_COUNT || type == SLUICE_TYPE_ARRAY || type == SLUICE_TYPE_MAP)
        return NULL;
    return schema_alloc(type);
}

sluice_schema_t *sluice_schema_array(const sluice_schema_t *items)
{
    if (!items)
        return NULL;
    sluice_schema_t *schema = schema_alloc(SLUICE_TYPE_ARRAY);
    schema->value_schema = sluice_schema_ref(items);
    return schema;
}

sluice_schema_t *sluice_schema_map(const sluice_schema_t *keys, const sluice_schema_t *values)
{
    if (!keys || !values)
        return NULL;
    sluice_schema_t *schema = schema_alloc(SLUICE_TYPE_MAP);
    schema->key_schema = sluice_schema_ref(keys);
    schema->value_schema = sluice_schema_ref(values);
    return schema;
}

static sluice_schema_t *schema_logical(sluice_type_t type, const char *name)
{
    sluice_schema_t *schema = schema_alloc(type);
    schema->name = mem_strdup(name);
    schema->has_version = true;
    schema->version = 1;
    return schema;
}

sluice_schema_t *sluice_schema_decimal(int32_t scale)
{
    sluice_schema_t *schema = schema_logical(SLUICE_TYPE_BYTES, SLUICE_LOGICAL_DECIMAL);
    char text[16];
    snprintf(text, sizeof(text), "%d", (int)scale);
    sluice_schema_set_parameter(schema, SLUICE_DECIMAL_SCALE_PARAM, text);
    return schema;
}

sluice_schema_t *sluice_schema_date(void)
{
    return schema_logical(SLUICE_TYPE_INT32, SLUICE_LOGICAL_DATE);
}

sluice_schema_t *sluice_schema_time(void)
{
    return schema_logical(SLUICE_TYPE_INT32, SLUICE_LOGICAL_TIME);
}

sluice_schema_t *sluice_schema_timestamp(void)
{
    return schema_logical(SLUICE_TYPE_INT64, SLUICE_LOGICAL_TIMESTAMP);
}

/* The setters ignore a static schema: it is reachable only through a const
 * pointer, so getting here with one is a caller bug that must not corrupt
 * every user of the shared schema. */
static bool schema_mutable(const sluice_schema_t *schema)
{
    return schema && !schema->is_static;
}

void sluice_schema_set_optional(sluice_schema_t *schema, bool optional)
{
    if (schema_mutable(schema))
        schema->optional = optional;
}

void sluice_schema_set_name(sluice_schema_t *schema, const char *name)
{
    if (!schema_mutable(schema))
        return;
    char *copy = mem_strdup(name);
    free(schema->name);
    schema->name = copy;
}

void sluice_schema_set_version(sluice_schema_t *schema, int32_t version)
{
    if (!schema_mutable(schema))
        return;
    schema->version = version;
    schema->has_version = true;
}

void sluice_schema_set_doc(sluice_schema_t *schema, const char *doc)
{
    if (!schema_mutable(schema))
        return;
    char *copy = mem_strdup(doc);
    free(schema->doc);
    schema->doc = copy;
}

void sluice_schema_set_parameter(sluice_schema_t *schema, const char *key, const char *value)
{
    if (!schema_mutable(schema) || !key || !value)
        return;
    /* As a LinkedHashMap put: an existing key keeps its position. */
    for (size_t i = 0; i < schema->param_count; i++) {
        if (strcmp(schema->params[i].key, key) == 0) {
            char *copy = mem_strdup(value);
            free(schema->params[i].value);
            schema->params[i].value = copy;
            return;
        }
    }
    mem_grow((void **)&schema->params, &schema->param_cap, schema->param_count + 1,
             sizeof(schema_param_t));
    schema->params[schema->param_count].key = mem_strdup(key);
    schema->params[schema->param_count].value = mem_strdup(value);
    schema->param_count++;
}

static bool schema_reaches(const sluice_schema_t *from, const sluice_schema_t *target);

/* True when value holds a struct whose schema reaches target. */
static bool value_reaches(const sluice_value_t *value, const sluice_schema_t *target)
{
    if (!value)
        return false;
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_ARRAY:
        for (size_t i = 0; i < sluice_value_array_count(value); i++)
            if (value_reaches(sluice_value_array_get(value, i), target))
                return true;
        return false;
    case SLUICE_TYPE_MAP:
        for (size_t i = 0; i < sluice_value_map_count(value); i++)
            if (value_reaches(sluice_value_map_key_at(value, i), target) ||
                value_reaches(sluice_value_map_value_at(value, i), target))
                return true;
        return false;
    case SLUICE_TYPE_STRUCT: {
        const sluice_schema_t *schema = sluice_value_struct_schema(value);
        if (schema_reaches(schema, target))
            return true;
        for (size_t i = 0; i < sluice_schema_field_count(schema); i++)
            if (value_reaches(sluice_value_struct_get_at(value, i), target))
                return true;
        return false;
    }
    default: return false;
    }
}

/* True when target is from itself or anything from holds a reference to.
 * Used to refuse a link that would close a reference cycle, which would
 * make equality recurse forever and the schemas never be freed. */
static bool schema_reaches(const sluice_schema_t *from, const sluice_schema_t *target)
{
    if (!from)
        return false;
    if (from == target)
        return true;
    if (from->is_static)
        return false;
    for (size_t i = 0; i < from->field_count; i++)
        if (schema_reaches(from->fields[i].schema, target))
            return true;
    return schema_reaches(from->key_schema, target) || schema_reaches(from->value_schema, target) ||
           value_reaches(from->default_value, target);
}

int sluice_schema_set_default(sluice_schema_t *schema, sluice_value_t *value, char *errstr,
                              size_t errstr_size)
{
    if (!schema_mutable(schema)) {
        sluice_value_destroy(value);
        snprintf(errstr, errstr_size, "cannot set a default on a predefined schema");
        return -1;
    }
    if (!value) {
        sluice_value_destroy(schema->default_value);
        schema->default_value = NULL;
        return 0;
    }
    char why[256];
    if (sluice_value_validate(schema, value, why, sizeof(why)) != 0) {
        snprintf(errstr, errstr_size, "invalid default value: %s", why);
        sluice_value_destroy(value);
        return -1;
    }
    if (value_reaches(value, schema)) {
        snprintf(errstr, errstr_size,
                 "invalid default value: it contains a struct of the schema itself");
        sluice_value_destroy(value);
        return -1;
    }
    sluice_value_destroy(schema->default_value);
    schema->default_value = value;
    return 0;
}

int sluice_schema_add_field(sluice_schema_t *schema, const char *name,
                            const sluice_schema_t *field_schema, char *errstr, size_t errstr_size)
{
    if (!schema || schema->type != SLUICE_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "cannot add field '%s' to a schema of type %s",
                 name ? name : "(null)", schema ? sluice_type_name(schema->type) : "(null)");
        return -1;
    }
    if (!name || !*name) {
        snprintf(errstr, errstr_size, "a field name cannot be empty");
        return -1;
    }
    if (!field_schema) {
        snprintf(errstr, errstr_size, "field '%s' has no schema", name);
        return -1;
    }
    if (sluice_schema_field_index(schema, name) >= 0) {
        snprintf(errstr, errstr_size, "duplicate field name '%s'", name);
        return -1;
    }
    if (schema_reaches(field_schema, schema)) {
        snprintf(errstr, errstr_size, "field '%s' would make the schema contain itself", name);
        return -1;
    }
    mem_grow((void **)&schema->fields, &schema->field_cap, schema->field_count + 1,
             sizeof(schema_field_t));
    schema->fields[schema->field_count].name = mem_strdup(name);
    schema->fields[schema->field_count].schema = sluice_schema_ref(field_schema);
    schema->field_count++;
    return 0;
}

/* ---- sharing ------------------------------------------------------------ */

const sluice_schema_t *sluice_schema_ref(const sluice_schema_t *schema)
{
    if (!schema || schema->is_static)
        return schema;
    /* The object came from schema_alloc, so it is not really const; the
     * count is the one thing that changes on a shared schema. */
    sluice_schema_t *s = (sluice_schema_t *)schema;
    atomic_fetch_add_explicit(&s->refcnt, 1, memory_order_relaxed);
    return schema;
}

static void schema_free(sluice_schema_t *schema)
{
    free(schema->name);
    free(schema->doc);
    sluice_value_destroy(schema->default_value);
    for (size_t i = 0; i < schema->param_count; i++) {
        free(schema->params[i].key);
        free(schema->params[i].value);
    }
    free(schema->params);
    for (size_t i = 0; i < schema->field_count; i++) {
        free(schema->fields[i].name);
        sluice_schema_unref(schema->fields[i].schema);
    }
    free(schema->fields);
    sluice_schema_unref(schema->key_schema);
    sluice_schema_unref(schema->value_schema);
    free(schema);
}

void sluice_schema_unref(const sluice_schema_t *schema)
{
    if (!schema || schema->is_static)
        return;
    sluice_schema_t *s = (sluice_schema_t *)schema;
    /* Release so that our writes happen before the free on another thread;
     * acquire on the last drop so the free sees every other thread's. */
    if (atomic_fetch_sub_explicit(&s->refcnt, 1, memory_order_release) == 1) {
        atomic_thread_fence(memory_order_acquire);
        schema_free(s);
    }
}

/* ---- reading ------------------------------------------------------------ */

sluice_type_t sluice_schema_type(const sluice_schema_t *schema)
{
    /* Out of range for NULL, as sluice_value_type: matches no real type. */
    return schema ? schema->type : (sluice_type_t)SLUICE_TYPE_COUNT;
}

bool sluice_schema_is_optional(const sluice_schema_t *schema)
{
    return schema && schema->optional;
}

const char *sluice_schema_name(const sluice_schema_t *schema)
{
    return schema ? schema->name : NULL;
}

const char *sluice_schema_doc(const sluice_schema_t *schema)
{
    return schema ? schema->doc : NULL;
}

bool sluice_schema_version(const sluice_schema_t *schema, int32_t *version)
{
    if (!schema || !schema->has_version)
        return false;
    if (version)
        *version = schema->version;
    return true;
}

const char *sluice_schema_parameter(const sluice_schema_t *schema, const char *key)
{
    if (!schema || !key)
        return NULL;
    for (size_t i = 0; i < schema->param_count; i++)
        if (strcmp(schema->params[i].key, key) == 0)
            return schema->params[i].value;
    return NULL;
}

size_t sluice_schema_parameter_count(const sluice_schema_t *schema)
{
    return schema ? schema->param_count : 0;
}

const char *sluice_schema_parameter_key_at(const sluice_schema_t *schema, size_t i)
{
    return schema && i < schema->param_count ? schema->params[i].key : NULL;
}

const char *sluice_schema_parameter_value_at(const sluice_schema_t *schema, size_t i)
{
    return schema && i < schema->param_count ? schema->params[i].value : NULL;
}

const sluice_value_t *sluice_schema_default(const sluice_schema_t *schema)
{
    return schema ? schema->default_value : NULL;
}

const sluice_schema_t *sluice_schema_value_schema(const sluice_schema_t *schema)
{
    return schema ? schema->value_schema : NULL;
}

const sluice_schema_t *sluice_schema_key_schema(const sluice_schema_t *schema)
{
    return schema ? schema->key_schema : NULL;
}

size_t sluice_schema_field_count(const sluice_schema_t *schema)
{
    return schema ? schema->field_count : 0;
}

const char *sluice_schema_field_name(const sluice_schema_t *schema, size_t i)
{
    return schema && i < schema->field_count ? schema->fields[i].name : NULL;
}

const sluice_schema_t *sluice_schema_field_schema(const sluice_schema_t *schema, size_t i)
{
    return schema && i < schema->field_count ? schema->fields[i].schema : NULL;
}

int sluice_schema_field_index(const sluice_schema_t *schema, const char *name)
{
    if (!schema || !name)
        return -1;
    for (size_t i = 0; i < schema->field_count; i++)
        if (strcmp(schema->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool sluice_schema_is_logical(const sluice_schema_t *schema, const char *logical_name)
{
    return schema && schema->name && logical_name && strcmp(schema->name, logical_name) == 0;
}

static bool str_equals(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Parameters compare as Java maps do: the same entries in any order. */
static bool params_equal(const sluice_schema_t *a, const sluice_schema_t *b)
{
    if (a->param_count != b->param_count)
        return false;
    for (size_t i = 0; i < a->param_count; i++) {
        const schema_param_t *p = &a->params[i];
        /* The common case is the same order, so try position i first. */
        if (i < b->param_count && strcmp(b->params[i].key, p->key) == 0) {
            if (strcmp(b->params[i].value, p->value) != 0)
                return false;
            continue;
        }
        if (!str_equals(sluice_schema_parameter(b, p->key), p->value))
            return false;
    }
    return true;
}

bool sluice_schema_equals(const sluice_schema_t *a, const sluice_schema_t *b)
{
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    if (a->type != b->type || a->optional != b->optional || a->has_version != b->has_version ||
        (a->has_version && a->version != b->version) || a->field_count != b->field_count)
        return false;
    if (!str_equals(a->name, b->name) || !str_equals(a->doc, b->doc))
        return false;
    if (!params_equal(a, b))
        return false;
    for (size_t i = 0; i < a->field_count; i++) {
        if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
            !sluice_schema_equals(a->fields[i].schema, b->fields[i].schema))
            return false;
    }
    if (!sluice_schema_equals(a->key_schema, b->key_schema) ||
        !sluice_schema_equals(a->value_schema, b->value_schema))
        return false;
    return sluice_value_equals(a->default_value, b->default_value);
}
