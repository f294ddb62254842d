/*
 * Sluice public plugin ABI: schemas, as in Kafka Connect's data model.
 *
 * A schema is built mutable (sluice_schema_new and the setters), then
 * shared as const: once a schema has been handed to a record, a value or
 * another schema, it must not be changed. Schemas are reference counted and
 * the count is atomic, so a const schema may be shared between threads.
 *
 * Ownership: every function that stores a schema (records, struct values,
 * fields, defaults) takes its own reference; callers keep theirs and release
 * it with sluice_schema_unref() when done. The predefined schemas returned by
 * sluice_schema_of() are static: ref and unref do nothing to them.
 */
#ifndef SLUICE_SCHEMA_H
#define SLUICE_SCHEMA_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sluice_type {
    SLUICE_TYPE_INT8 = 0,
    SLUICE_TYPE_INT16,
    SLUICE_TYPE_INT32,
    SLUICE_TYPE_INT64,
    SLUICE_TYPE_FLOAT32,
    SLUICE_TYPE_FLOAT64,
    SLUICE_TYPE_BOOLEAN,
    SLUICE_TYPE_STRING,
    SLUICE_TYPE_BYTES,
    SLUICE_TYPE_ARRAY,
    SLUICE_TYPE_MAP,
    SLUICE_TYPE_STRUCT
} sluice_type_t;

#define SLUICE_TYPE_COUNT 12

/* Kafka's name of a type: "int8" … "float32", "float64", "boolean", "string",
 * "bytes", "array", "map", "struct". NULL for an out-of-range value. */
const char *sluice_type_name(sluice_type_t type);

/* Parses a name given by sluice_type_name (case-insensitive); false when unknown. */
bool sluice_type_parse(const char *name, sluice_type_t *type);

/* Kafka's logical types: the name goes into the schema's name. */
#define SLUICE_LOGICAL_DECIMAL "org.apache.kafka.connect.data.Decimal"
#define SLUICE_LOGICAL_DATE "org.apache.kafka.connect.data.Date"
#define SLUICE_LOGICAL_TIME "org.apache.kafka.connect.data.Time"
#define SLUICE_LOGICAL_TIMESTAMP "org.apache.kafka.connect.data.Timestamp"
#define SLUICE_DECIMAL_SCALE_PARAM "scale"

typedef struct sluice_schema sluice_schema_t;
typedef struct sluice_value sluice_value_t;

/* ---- building ---------------------------------------------------------- */

/* A new required schema of a primitive or struct type, with no name, version,
 * doc, parameters or default. For ARRAY and MAP use the functions below.
 * Returns NULL for ARRAY, MAP or an out-of-range type. Refcount 1. */
sluice_schema_t *sluice_schema_new(sluice_type_t type);

/* An array schema; takes a reference to items (the caller keeps its own). */
sluice_schema_t *sluice_schema_array(const sluice_schema_t *items);

/* A map schema; takes references to keys and values. */
sluice_schema_t *sluice_schema_map(const sluice_schema_t *keys, const sluice_schema_t *values);

/* Logical types, required (not optional) and with Kafka's version 1:
 * Decimal is BYTES with parameter "scale"; Date is INT32 days since the
 * epoch; Time is INT32 milliseconds since midnight; Timestamp is INT64
 * milliseconds since the epoch. */
sluice_schema_t *sluice_schema_decimal(int32_t scale);
sluice_schema_t *sluice_schema_date(void);
sluice_schema_t *sluice_schema_time(void);
sluice_schema_t *sluice_schema_timestamp(void);

/* Setters for a schema under construction. Strings are copied. */
void sluice_schema_set_optional(sluice_schema_t *schema, bool optional);
void sluice_schema_set_name(sluice_schema_t *schema, const char *name);
void sluice_schema_set_version(sluice_schema_t *schema, int32_t version);
void sluice_schema_set_doc(sluice_schema_t *schema, const char *doc);
void sluice_schema_set_parameter(sluice_schema_t *schema, const char *key, const char *value);

/*
 * Sets the default value, which must be valid for the schema (checked as by
 * sluice_value_validate). Takes ownership of value in every case. Returns 0,
 * or -1 with a message in errstr when the value does not fit.
 */
int sluice_schema_set_default(sluice_schema_t *schema, sluice_value_t *value, char *errstr,
                              size_t errstr_size);

/*
 * Appends a field to a STRUCT schema; takes a reference to field_schema.
 * Returns 0, or -1 with errstr when schema is not a struct or the name is
 * empty or already used.
 */
int sluice_schema_add_field(sluice_schema_t *schema, const char *name,
                            const sluice_schema_t *field_schema, char *errstr, size_t errstr_size);

/* ---- sharing ----------------------------------------------------------- */

/*
 * A static, immutable, unnamed schema of a primitive type (INT8 … BYTES),
 * optional or not: Kafka's INT8_SCHEMA … OPTIONAL_BYTES_SCHEMA. NULL for
 * ARRAY, MAP and STRUCT.
 */
const sluice_schema_t *sluice_schema_of(sluice_type_t type, bool optional);

/* Takes a reference; returns schema. NULL gives NULL. Thread-safe. */
const sluice_schema_t *sluice_schema_ref(const sluice_schema_t *schema);

/* Releases a reference; frees the schema at zero. NULL does nothing. Thread-safe. */
void sluice_schema_unref(const sluice_schema_t *schema);

/* ---- reading ----------------------------------------------------------- */

sluice_type_t sluice_schema_type(const sluice_schema_t *schema);
bool sluice_schema_is_optional(const sluice_schema_t *schema);
const char *sluice_schema_name(const sluice_schema_t *schema); /* NULL when unset */
const char *sluice_schema_doc(const sluice_schema_t *schema);  /* NULL when unset */

/* True and *version set when the schema has a version. */
bool sluice_schema_version(const sluice_schema_t *schema, int32_t *version);

/* A parameter's value, or NULL. */
const char *sluice_schema_parameter(const sluice_schema_t *schema, const char *key);

/* Parameters in insertion order: count, and key/value at i. */
size_t sluice_schema_parameter_count(const sluice_schema_t *schema);
const char *sluice_schema_parameter_key_at(const sluice_schema_t *schema, size_t i);
const char *sluice_schema_parameter_value_at(const sluice_schema_t *schema, size_t i);

/* The default value, or NULL when none. Owned by the schema. */
const sluice_value_t *sluice_schema_default(const sluice_schema_t *schema);

/* ARRAY: the item schema; MAP: the value schema. NULL for other types. */
const sluice_schema_t *sluice_schema_value_schema(const sluice_schema_t *schema);

/* MAP: the key schema. NULL for other types. */
const sluice_schema_t *sluice_schema_key_schema(const sluice_schema_t *schema);

/* STRUCT fields in order. For other types the count is 0. */
size_t sluice_schema_field_count(const sluice_schema_t *schema);
const char *sluice_schema_field_name(const sluice_schema_t *schema, size_t i);
const sluice_schema_t *sluice_schema_field_schema(const sluice_schema_t *schema, size_t i);

/* The index of the named field, or -1 when the schema has none such. */
int sluice_schema_field_index(const sluice_schema_t *schema, const char *name);

/* True when the schema carries the given logical name. */
bool sluice_schema_is_logical(const sluice_schema_t *schema, const char *logical_name);

/* Deep equality, as ConnectSchema.equals: type, optional, default, name,
 * version, doc, parameters, fields, key and value schemas. NULL equals NULL. */
bool sluice_schema_equals(const sluice_schema_t *a, const sluice_schema_t *b);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_SCHEMA_H */
