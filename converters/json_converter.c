/*
 * org.apache.kafka.connect.json.JsonConverter, for keys, values and headers.
 *
 * The bytes are Kafka's: with schemas.enable every message is the envelope
 * {"schema":…,"payload":…}, the schema in JsonSchema's layout (type, then
 * items / keys and values / fields, optional, name, version, doc,
 * parameters, default; "field" last in a struct field), written as Jackson
 * writes it (json_writer.c). Without schemas a message is the bare value,
 * and reading infers the types (integer → INT64, other numbers → FLOAT64,
 * object → MAP, array → ARRAY).
 *
 * Where Kafka quietly turns bad data into other data, this converter fails
 * with a message naming the place in the document (as a JSONPath such as
 * $.payload.user.id): a string or a fraction where an integer belongs, a
 * number out of the type's range, a non-array for an ARRAY. Kafka's own
 * messages are kept where it has one.
 *
 * Reading without a schema cannot tell an absent value from a null one, so
 * both give null, as in Kafka.
 *
 * The schema caches (schemas.cache.size entries each way) key written
 * schemas by identity, holding a reference so the address cannot be reused,
 * and read schemas by JSON equality, as Kafka's do by equals(): a source
 * that builds an equal schema object for every record gets no cache hits
 * when writing, only the cost of translating it. A struct schema written
 * again also keeps a compiled writer for its records (jc_plan_t).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conv_mem.h"
#include "converters.h"
#include "json_reader.h"
#include "json_writer.h"
#include "lru.h"

/* Envelope schemas remembered by their exact text (see jc_fast_schema). */
#define JC_KNOWN_SCHEMAS 4

typedef struct jc_known_schema {
    char *text; /* NULL: an unused slot */
    size_t len;
    const sluice_schema_t *schema; /* referenced; NULL for "schema":null */
} jc_known_schema_t;

typedef struct json_conv {
    sluice_ctx_t *ctx;
    bool schemas_enable;
    bool decimal_numeric; /* decimal.format=NUMERIC, else BASE64 */
    bool replace_null;    /* replace.null.with.default */
    lru_t *from_cache;    /* schema (referenced) → its JSON text */
    lru_t *to_cache;      /* JSON schema node (referenced) → schema */
    bool known_enabled;   /* schemas are cached at all (schemas.cache.size > 0) */
    jc_known_schema_t known[JC_KNOWN_SCHEMAS];
    size_t known_next;     /* the slot replaced next */
    sluice_buf_t *scratch; /* unescaped strings of the fast path */
} json_conv_t;

/* ---- places in the document ------------------------------------------------ */

typedef enum jc_step {
    JC_ROOT,  /* "$" */
    JC_FIELD, /* .name: a struct field or an envelope member */
    JC_KEY,   /* ["key"]: a map entry */
    JC_INDEX  /* [i]: an array element or map pair */
} jc_step_t;

typedef struct jc_path {
    const struct jc_path *up;
    jc_step_t step;
    const char *name;
    size_t index;
} jc_path_t;

#define JC_FIELD_OF(parent, field_name)                                                            \
    ((jc_path_t){.up = (parent), .step = JC_FIELD, .name = (field_name)})
#define JC_KEY_OF(parent, key_name)                                                                \
    ((jc_path_t){.up = (parent), .step = JC_KEY, .name = (key_name)})
#define JC_INDEX_OF(parent, i) ((jc_path_t){.up = (parent), .step = JC_INDEX, .index = (i)})

static void jc_path_format(const jc_path_t *path, sluice_buf_t *out)
{
    if (!path)
        return;
    jc_path_format(path->up, out);
    switch (path->step) {
    case JC_ROOT: sluice_buf_putc(out, '$'); break;
    case JC_FIELD: sluice_buf_printf(out, ".%.128s", path->name); break;
    case JC_KEY: sluice_buf_printf(out, "[\"%.128s\"]", path->name); break;
    case JC_INDEX: sluice_buf_printf(out, "[%zu]", path->index); break;
    }
}

/* One conversion: the instance, the document read (for exact decimal
 * digits) and where errors go. */
typedef struct jc_cx {
    json_conv_t *jc;
    jsonr_doc_t *doc;
    char *errstr;
    size_t errstr_size;
    /* Scratch for the reason a helper gives, kept here rather than on the
     * stack of functions that recurse once per nesting level. */
    char why[512];
} jc_cx_t;

/* Writes "<message> (at <path>)" to errstr; returns -1. */
static int jc_fail(jc_cx_t *cx, const jc_path_t *path, const char *fmt, ...) SLUICE_PRINTF(3, 4);

static int jc_fail(jc_cx_t *cx, const jc_path_t *path, const char *fmt, ...)
{
    sluice_buf_t *msg = sluice_buf_new();
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(msg, fmt, ap);
    va_end(ap);
    if (path) {
        sluice_buf_puts(msg, " (at ");
        jc_path_format(path, msg);
        sluice_buf_putc(msg, ')');
    }
    snprintf(cx->errstr, cx->errstr_size, "%s", sluice_buf_data(msg));
    sluice_buf_destroy(msg);
    return -1;
}

/* JsonSchema's type names. */
static const char *const jc_schema_type_names[SLUICE_TYPE_COUNT] = {
    "int8",    "int16",  "int32", "int64", "float", "double",
    "boolean", "string", "bytes", "array", "map",   "struct"};

/* ---- Connect → JSON ------------------------------------------------------- */

static int jc_write_value(jc_cx_t *cx, const sluice_schema_t *schema, const sluice_value_t *value,
                          const jc_path_t *path, sluice_buf_t *out);

/* Writes the schema object without its closing brace, so that a struct
 * field can add its "field" member last, as Kafka does. */
static int jc_write_schema_open(jc_cx_t *cx, const sluice_schema_t *schema, const jc_path_t *path,
                                sluice_buf_t *out)
{
    sluice_type_t type = sluice_schema_type(schema);
    if ((unsigned)type >= SLUICE_TYPE_COUNT)
        return jc_fail(cx, path, "Couldn't translate unsupported schema type %d.", (int)type);
    sluice_buf_puts(out, "{\"type\":\"");
    sluice_buf_puts(out, jc_schema_type_names[type]);
    sluice_buf_putc(out, '"');
    switch (type) {
    case SLUICE_TYPE_ARRAY: {
        jc_path_t items = JC_FIELD_OF(path, "items");
        sluice_buf_puts(out, ",\"items\":");
        if (jc_write_schema_open(cx, sluice_schema_value_schema(schema), &items, out) < 0)
            return -1;
        sluice_buf_putc(out, '}');
        break;
    }
    case SLUICE_TYPE_MAP: {
        jc_path_t keys = JC_FIELD_OF(path, "keys");
        jc_path_t values = JC_FIELD_OF(path, "values");
        sluice_buf_puts(out, ",\"keys\":");
        if (jc_write_schema_open(cx, sluice_schema_key_schema(schema), &keys, out) < 0)
            return -1;
        sluice_buf_puts(out, "},\"values\":");
        if (jc_write_schema_open(cx, sluice_schema_value_schema(schema), &values, out) < 0)
            return -1;
        sluice_buf_putc(out, '}');
        break;
    }
    case SLUICE_TYPE_STRUCT: {
        jc_path_t fields = JC_FIELD_OF(path, "fields");
        sluice_buf_puts(out, ",\"fields\":[");
        size_t n = sluice_schema_field_count(schema);
        for (size_t i = 0; i < n; i++) {
            jc_path_t field = JC_INDEX_OF(&fields, i);
            const char *name = sluice_schema_field_name(schema, i);
            if (i)
                sluice_buf_putc(out, ',');
            if (jc_write_schema_open(cx, sluice_schema_field_schema(schema, i), &field, out) < 0)
                return -1;
            sluice_buf_puts(out, ",\"field\":");
            jsonw_string(out, name, strlen(name));
            sluice_buf_putc(out, '}');
        }
        sluice_buf_putc(out, ']');
        break;
    }
    default: break;
    }
    sluice_buf_puts(out, sluice_schema_is_optional(schema) ? ",\"optional\":true"
                                                           : ",\"optional\":false");
    const char *name = sluice_schema_name(schema);
    if (name) {
        sluice_buf_puts(out, ",\"name\":");
        jsonw_string(out, name, strlen(name));
    }
    int32_t version;
    if (sluice_schema_version(schema, &version)) {
        sluice_buf_puts(out, ",\"version\":");
        jsonw_int(out, version);
    }
    const char *doc = sluice_schema_doc(schema);
    if (doc) {
        sluice_buf_puts(out, ",\"doc\":");
        jsonw_string(out, doc, strlen(doc));
    }
    size_t nparams = sluice_schema_parameter_count(schema);
    if (nparams) {
        sluice_buf_puts(out, ",\"parameters\":{");
        for (size_t i = 0; i < nparams; i++) {
            const char *k = sluice_schema_parameter_key_at(schema, i);
            const char *v = sluice_schema_parameter_value_at(schema, i);
            if (i)
                sluice_buf_putc(out, ',');
            jsonw_string(out, k, strlen(k));
            sluice_buf_putc(out, ':');
            jsonw_string(out, v, strlen(v));
        }
        sluice_buf_putc(out, '}');
    }
    const sluice_value_t *def = sluice_schema_default(schema);
    if (def) {
        jc_path_t at = JC_FIELD_OF(path, "default");
        sluice_buf_puts(out, ",\"default\":");
        if (jc_write_value(cx, schema, def, &at, out) < 0)
            return -1;
    }
    return 0;
}

typedef struct jc_plan jc_plan_t;

/* What from_cache keeps for a schema: its JSON text and, once the schema
 * has come again, its compiled struct writer. */
typedef struct jc_schema_entry {
    char *text; /* NULL until written (never, with schemas.enable=false) */
    size_t len;
    jc_plan_t *plan; /* NULL until built; only for STRUCT schemas */
} jc_schema_entry_t;

static void jc_plan_free(jc_plan_t *plan);

/* Appends the schema's JSON, from the cache when this schema was seen. */
static int jc_write_schema(jc_cx_t *cx, const sluice_schema_t *schema, const jc_path_t *path,
                           sluice_buf_t *out)
{
    if (!schema) {
        jsonw_null(out);
        return 0;
    }
    jc_schema_entry_t *cached = lru_get(cx->jc->from_cache, schema);
    if (cached && cached->text) {
        sluice_buf_append(out, cached->text, cached->len);
        return 0;
    }
    size_t start = sluice_buf_len(out);
    if (jc_write_schema_open(cx, schema, path, out) < 0)
        return -1;
    sluice_buf_putc(out, '}');
    jc_schema_entry_t *entry = cached ? cached : conv_calloc(1, sizeof(*entry));
    entry->len = sluice_buf_len(out) - start;
    entry->text = conv_strndup(sluice_buf_data(out) + start, entry->len);
    /* The reference keeps the pointer from being reused by another schema
     * while it is a key. */
    if (!cached)
        lru_put(cx->jc->from_cache, (void *)sluice_schema_ref(schema), entry);
    return 0;
}

static int jc_write_decimal(jc_cx_t *cx, const sluice_schema_t *schema, const sluice_value_t *value,
                            const jc_path_t *path, sluice_buf_t *out)
{
    size_t len;
    const uint8_t *bytes = sluice_value_get_bytes(value, &len);
    const uint8_t *minimal;
    size_t minimal_len;
    conv_decimal_minimal(bytes, len, &minimal, &minimal_len);
    if (!cx->jc->decimal_numeric) {
        jsonw_bytes(out, minimal, minimal_len);
        return 0;
    }
    int32_t scale;
    if (conv_decimal_scale(schema, &scale, cx->why, sizeof cx->why) < 0)
        return jc_fail(cx, path, "%s", cx->why);
    sluice_value_to_text(schema, value, out); /* BigDecimal.toString, as Jackson writes it */
    return 0;
}

/* A map is written as a JSON object when its keys are strings (by its
 * schema, or without one when every key is a STRING), else as a list of
 * [key, value] pairs. */
static bool jc_map_as_object(const sluice_schema_t *schema, const sluice_value_t *map)
{
    if (schema)
        return sluice_schema_type(sluice_schema_key_schema(schema)) == SLUICE_TYPE_STRING;
    size_t n = sluice_value_map_count(map);
    for (size_t i = 0; i < n; i++) {
        const sluice_value_t *k = sluice_value_map_key_at(map, i);
        if (!k || sluice_value_type(k) != SLUICE_TYPE_STRING)
            return false;
    }
    return true;
}

static int jc_write_map(jc_cx_t *cx, const sluice_schema_t *schema, const sluice_value_t *map,
                        const jc_path_t *path, sluice_buf_t *out)
{
    const sluice_schema_t *key_schema = schema ? sluice_schema_key_schema(schema) : NULL;
    const sluice_schema_t *value_schema = schema ? sluice_schema_value_schema(schema) : NULL;
    bool as_object = jc_map_as_object(schema, map);
    size_t n = sluice_value_map_count(map);
    sluice_buf_putc(out, as_object ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        const sluice_value_t *k = sluice_value_map_key_at(map, i);
        const sluice_value_t *v = sluice_value_map_value_at(map, i);
        if (i)
            sluice_buf_putc(out, ',');
        if (as_object) {
            if (!k) {
                /* Kafka writes the key's JSON text: a null key of an
                 * optional key schema becomes "null", a default its text. */
                const sluice_value_t *def = sluice_schema_default(key_schema);
                if (def && cx->jc->replace_null) {
                    k = def;
                } else if (!sluice_schema_is_optional(key_schema)) {
                    jc_path_t at = JC_INDEX_OF(path, i);
                    return jc_fail(cx, &at,
                                   "Conversion error: null value for field that is required "
                                   "and has no default value");
                }
            }
            if (k && sluice_value_type(k) != SLUICE_TYPE_STRING) {
                jc_path_t at = JC_INDEX_OF(path, i);
                return jc_fail(cx, &at, "Invalid type for STRING: %s",
                               conv_type_upper(sluice_value_type(k)));
            }
            size_t klen = 0;
            const char *ks = k ? sluice_value_get_string(k, &klen) : "null";
            if (!k)
                klen = 4;
            jsonw_string(out, ks, klen);
            sluice_buf_putc(out, ':');
            jc_path_t at = JC_KEY_OF(path, ks);
            if (jc_write_value(cx, value_schema, v, &at, out) < 0)
                return -1;
        } else {
            jc_path_t pair = JC_INDEX_OF(path, i);
            jc_path_t at_key = JC_INDEX_OF(&pair, 0);
            jc_path_t at_value = JC_INDEX_OF(&pair, 1);
            sluice_buf_putc(out, '[');
            if (jc_write_value(cx, key_schema, k, &at_key, out) < 0)
                return -1;
            sluice_buf_putc(out, ',');
            if (jc_write_value(cx, value_schema, v, &at_value, out) < 0)
                return -1;
            sluice_buf_putc(out, ']');
        }
    }
    sluice_buf_putc(out, as_object ? '}' : ']');
    return 0;
}

static int jc_write_value(jc_cx_t *cx, const sluice_schema_t *schema, const sluice_value_t *value,
                          const jc_path_t *path, sluice_buf_t *out)
{
    if (!value) {
        if (!schema) {
            jsonw_null(out);
            return 0;
        }
        const sluice_value_t *def = sluice_schema_default(schema);
        if (def && cx->jc->replace_null)
            return jc_write_value(cx, schema, def, path, out);
        if (sluice_schema_is_optional(schema)) {
            jsonw_null(out);
            return 0;
        }
        return jc_fail(cx, path,
                       "Conversion error: null value for field that is required and has no "
                       "default value");
    }

    sluice_type_t vtype = sluice_value_type(value);
    if (schema && sluice_schema_type(schema) != vtype)
        return jc_fail(cx, path, "Invalid type for %s: %s",
                       conv_type_upper(sluice_schema_type(schema)), conv_type_upper(vtype));

    switch (conv_logical_of(schema)) {
    case CONV_LOGICAL_DECIMAL: return jc_write_decimal(cx, schema, value, path, out);
    case CONV_LOGICAL_TIME: {
        int32_t ms = sluice_value_get_int32(value);
        if (ms < 0 || ms > CONV_MILLIS_PER_DAY)
            return jc_fail(cx, path,
                           "Kafka Connect Time type should not have any date fields set to "
                           "non-zero values.");
        break;
    }
    default: break; /* Date and Timestamp are written as their integers */
    }

    switch (vtype) {
    case SLUICE_TYPE_INT8: jsonw_int(out, sluice_value_get_int8(value)); break;
    case SLUICE_TYPE_INT16: jsonw_int(out, sluice_value_get_int16(value)); break;
    case SLUICE_TYPE_INT32: jsonw_int(out, sluice_value_get_int32(value)); break;
    case SLUICE_TYPE_INT64: jsonw_int(out, sluice_value_get_int64(value)); break;
    case SLUICE_TYPE_FLOAT32: jsonw_float(out, sluice_value_get_float32(value)); break;
    case SLUICE_TYPE_FLOAT64: jsonw_double(out, sluice_value_get_float64(value)); break;
    case SLUICE_TYPE_BOOLEAN: jsonw_bool(out, sluice_value_get_boolean(value)); break;
    case SLUICE_TYPE_STRING: {
        size_t len;
        const char *s = sluice_value_get_string(value, &len);
        jsonw_string(out, s, len);
        break;
    }
    case SLUICE_TYPE_BYTES: {
        size_t len;
        const uint8_t *b = sluice_value_get_bytes(value, &len);
        jsonw_bytes(out, b, len);
        break;
    }
    case SLUICE_TYPE_ARRAY: {
        const sluice_schema_t *items = schema ? sluice_schema_value_schema(schema) : NULL;
        size_t n = sluice_value_array_count(value);
        sluice_buf_putc(out, '[');
        for (size_t i = 0; i < n; i++) {
            jc_path_t at = JC_INDEX_OF(path, i);
            if (i)
                sluice_buf_putc(out, ',');
            if (jc_write_value(cx, items, sluice_value_array_get(value, i), &at, out) < 0)
                return -1;
        }
        sluice_buf_putc(out, ']');
        break;
    }
    case SLUICE_TYPE_MAP: return jc_write_map(cx, schema, value, path, out);
    case SLUICE_TYPE_STRUCT: {
        /* Without a schema Kafka refuses a struct; its own schema is the
         * obvious one to use. */
        const sluice_schema_t *own = sluice_value_struct_schema(value);
        if (!schema)
            schema = own;
        else if (own != schema && !sluice_schema_equals(own, schema))
            return jc_fail(cx, path, "Mismatching schema.");
        size_t n = sluice_schema_field_count(schema);
        sluice_buf_putc(out, '{');
        for (size_t i = 0; i < n; i++) {
            const char *name = sluice_schema_field_name(schema, i);
            jc_path_t at = JC_FIELD_OF(path, name);
            if (i)
                sluice_buf_putc(out, ',');
            jsonw_string(out, name, strlen(name));
            sluice_buf_putc(out, ':');
            if (jc_write_value(cx, sluice_schema_field_schema(schema, i),
                               sluice_value_struct_get_at(value, i), &at, out) < 0)
                return -1;
        }
        sluice_buf_putc(out, '}');
        break;
    }
    default: return jc_fail(cx, path, "Couldn't convert a value of unknown type to JSON.");
    }
    return 0;
}

/* ---- Connect → JSON for structs, compiled ------------------------------------ */

/*
 * A struct schema met a second time gets a plan: per field the bytes of
 * ,"name": (escaped once), what to do with the field's value and the plans
 * of nested structs, so that writing a record asks the schema nothing and
 * writes the plain cases (integers, plain strings, bytes and base64
 * decimals, nulls of optional fields without a default to use) straight
 * into room reserved once. Anything else (a null that takes a default or is
 * an error, a Time out of its day, a struct of another schema object,
 * arrays, maps, NUMERIC decimals) goes to jc_write_value for that field,
 * which writes the same bytes and the same errors as without a plan.
 */

typedef enum jc_op {
    JC_OP_INT8,
    JC_OP_INT16,
    JC_OP_INT32,
    JC_OP_INT64,
    JC_OP_FLOAT32,
    JC_OP_FLOAT64,
    JC_OP_BOOLEAN,
    JC_OP_STRING,
    JC_OP_BYTES,
    JC_OP_DECIMAL, /* decimal.format=BASE64 */
    JC_OP_TIME,    /* an INT32 that must lie in a day */
    JC_OP_STRUCT,  /* through the nested plan */
    JC_OP_GENERAL  /* arrays, maps, NUMERIC decimals: jc_write_value */
} jc_op_t;

typedef struct jc_plan_field {
    const sluice_schema_t *schema; /* borrowed from the struct's schema */
    const char *name;              /* borrowed too; for the place of an error */
    size_t key_off, key_len;       /* ,"name": in the plan's keys (no comma first) */
    sluice_type_t type;            /* the type a value must have */
    jc_op_t op;
    bool null_as_null; /* a null is written as null (optional, no default to use) */
    jc_plan_t *nested; /* JC_OP_STRUCT */
} jc_plan_field_t;

struct jc_plan {
    char *keys;
    size_t room; /* a guess at the bytes a value takes, to reserve at once */
    size_t count;
    jc_plan_field_t fields[];
};

/* Room reserved at a time once a plan's guess is used up. */
#define JC_WIN_MIN 256
/* The guess for a field's value beyond its key. */
#define JC_PLAN_VALUE_ROOM 24

static jc_op_t jc_plan_op(const json_conv_t *jc, const sluice_schema_t *schema, sluice_type_t type)
{
    switch (conv_logical_of(schema)) {
    case CONV_LOGICAL_DECIMAL: return jc->decimal_numeric ? JC_OP_GENERAL : JC_OP_DECIMAL;
    case CONV_LOGICAL_TIME: return JC_OP_TIME;
    default: break; /* Date and Timestamp are their integers */
    }
    switch (type) {
    case SLUICE_TYPE_INT8: return JC_OP_INT8;
    case SLUICE_TYPE_INT16: return JC_OP_INT16;
    case SLUICE_TYPE_INT32: return JC_OP_INT32;
    case SLUICE_TYPE_INT64: return JC_OP_INT64;
    case SLUICE_TYPE_FLOAT32: return JC_OP_FLOAT32;
    case SLUICE_TYPE_FLOAT64: return JC_OP_FLOAT64;
    case SLUICE_TYPE_BOOLEAN: return JC_OP_BOOLEAN;
    case SLUICE_TYPE_STRING: return JC_OP_STRING;
    case SLUICE_TYPE_BYTES: return JC_OP_BYTES;
    case SLUICE_TYPE_STRUCT: return JC_OP_STRUCT;
    default: return JC_OP_GENERAL;
    }
}

/* The plan of a STRUCT schema, borrowing from it (the cache entry holds a
 * reference to it); free with jc_plan_free. */
static jc_plan_t *jc_plan_new(const json_conv_t *jc, const sluice_schema_t *schema)
{
    size_t n = sluice_schema_field_count(schema);
    jc_plan_t *plan = conv_calloc(1, sizeof(*plan) + n * sizeof(plan->fields[0]));
    sluice_buf_t *keys = sluice_buf_new();
    plan->count = n;
    plan->room = 2;
    for (size_t i = 0; i < n; i++) {
        jc_plan_field_t *f = &plan->fields[i];
        f->schema = sluice_schema_field_schema(schema, i);
        f->name = sluice_schema_field_name(schema, i);
        /* The bytes jc_write_value writes before a field's value. */
        f->key_off = sluice_buf_len(keys);
        if (i)
            sluice_buf_putc(keys, ',');
        jsonw_string(keys, f->name, strlen(f->name));
        sluice_buf_putc(keys, ':');
        f->key_len = sluice_buf_len(keys) - f->key_off;
        f->type = sluice_schema_type(f->schema);
        const sluice_value_t *def = sluice_schema_default(f->schema);
        f->null_as_null = sluice_schema_is_optional(f->schema) && !(def && jc->replace_null);
        f->op = jc_plan_op(jc, f->schema, f->type);
        plan->room += f->key_len + JC_PLAN_VALUE_ROOM;
        if (f->op == JC_OP_STRUCT) {
            f->nested = jc_plan_new(jc, f->schema);
            plan->room += f->nested->room;
        }
    }
    plan->keys = conv_strndup(sluice_buf_data(keys), sluice_buf_len(keys));
    sluice_buf_destroy(keys);
    return plan;
}

static void jc_plan_free(jc_plan_t *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->count; i++)
        jc_plan_free(plan->fields[i].nested);
    free(plan->keys);
    free(plan);
}

/*
 * The plan for writing value with schema, when both are a struct of that
 * very schema object and the schema was written before by this instance;
 * else NULL (the schema is then remembered, so its next record gets one).
 * *entry gets the cache entry when there is a plan. The entry stays valid
 * until the next lru_put on from_cache.
 */
static const jc_plan_t *jc_plan_for(json_conv_t *jc, const sluice_schema_t *schema,
                                    const sluice_value_t *value, jc_schema_entry_t **entry)
{
    if (!jc->known_enabled || !schema || !value ||
        sluice_schema_type(schema) != SLUICE_TYPE_STRUCT ||
        sluice_value_type(value) != SLUICE_TYPE_STRUCT ||
        sluice_value_struct_schema(value) != schema)
        return NULL;
    jc_schema_entry_t *e = lru_get(jc->from_cache, schema);
    if (!e) {
        /* With schemas.enable the envelope writes the entry's text. */
        if (!jc->schemas_enable)
            lru_put(jc->from_cache, (void *)sluice_schema_ref(schema),
                    conv_calloc(1, sizeof(jc_schema_entry_t)));
        return NULL;
    }
    if (jc->schemas_enable && !e->text)
        return NULL;
    if (!e->plan)
        e->plan = jc_plan_new(jc, schema);
    *entry = e;
    return e->plan;
}

/* Room reserved in the output buffer, written through p and committed at
 * once, so that a record costs a few calls into the buffer, not one per
 * byte run. */
typedef struct jc_win {
    sluice_buf_t *buf;
    char *start, *p, *end;
} jc_win_t;

static void jc_win_open(jc_win_t *w, size_t room)
{
    w->start = w->p = sluice_buf_reserve(w->buf, room);
    w->end = w->start + room;
}

/* Commits what was written; the buffer may then be written directly. */
static void jc_win_close(jc_win_t *w)
{
    sluice_buf_commit(w->buf, (size_t)(w->p - w->start));
    w->start = w->p = w->end = NULL;
}

/* Where n bytes may be written (advance w->p past what was). */
static inline char *jc_win_room(jc_win_t *w, size_t n)
{
    if ((size_t)(w->end - w->p) < n) {
        jc_win_close(w);
        jc_win_open(w, n > JC_WIN_MIN ? n : JC_WIN_MIN);
    }
    return w->p;
}

static inline void jc_win_putc(jc_win_t *w, char c)
{
    *jc_win_room(w, 1) = c;
    w->p++;
}

/* Writes field f's key and returns where n more bytes may go. */
static inline char *jc_win_key(jc_win_t *w, const jc_plan_t *plan, const jc_plan_field_t *f,
                               size_t n)
{
    char *p = jc_win_room(w, f->key_len + n);
    memcpy(p, plan->keys + f->key_off, f->key_len);
    return p + f->key_len;
}

static int jc_plan_write(jc_cx_t *cx, const jc_plan_t *plan, const sluice_value_t *st,
                         const jc_path_t *path, jc_win_t *w);

/* Writes field f of value fv (not null) when it is a plain case: returns 1
 * when written, 0 when nothing was written (jc_write_value must), -1 on an
 * error inside a nested struct. */
static int jc_plan_write_field(jc_cx_t *cx, const jc_plan_t *plan, const jc_plan_field_t *f,
                               const sluice_value_t *fv, const jc_path_t *path, jc_win_t *w)
{
    if (sluice_value_type(fv) != f->type)
        return 0;
    char *p;
    int64_t v;
    switch (f->op) {
    case JC_OP_INT8: v = sluice_value_get_int8(fv); break;
    case JC_OP_INT16: v = sluice_value_get_int16(fv); break;
    case JC_OP_INT32: v = sluice_value_get_int32(fv); break;
    case JC_OP_INT64: v = sluice_value_get_int64(fv); break;
    case JC_OP_TIME:
        v = sluice_value_get_int32(fv);
        if (v < 0 || v > CONV_MILLIS_PER_DAY)
            return 0;
        break;
    case JC_OP_BOOLEAN: {
        bool b = sluice_value_get_boolean(fv);
        p = jc_win_key(w, plan, f, 5);
        memcpy(p, b ? "true" : "false", b ? 4 : 5);
        w->p = p + (b ? 4 : 5);
        return 1;
    }
    case JC_OP_STRING: {
        size_t len;
        const char *s = sluice_value_get_string(fv, &len);
        if (jsonw_plain_len(s, len) == len) {
            p = jc_win_key(w, plan, f, len + 2);
            p[0] = '"';
            memcpy(p + 1, s, len);
            p[len + 1] = '"';
            w->p = p + len + 2;
        } else {
            w->p = jc_win_key(w, plan, f, 0);
            jc_win_close(w);
            jsonw_string(w->buf, s, len);
            jc_win_open(w, JC_WIN_MIN);
        }
        return 1;
    }
    case JC_OP_BYTES:
    case JC_OP_DECIMAL: {
        size_t len;
        const uint8_t *b = sluice_value_get_bytes(fv, &len);
        if (f->op == JC_OP_DECIMAL)
            conv_decimal_minimal(b, len, &b, &len);
        p = jc_win_key(w, plan, f, JSONW_BASE64_LEN(len) + 2);
        p[0] = '"';
        size_t n = jsonw_base64_format(p + 1, b, len);
        p[n + 1] = '"';
        w->p = p + n + 2;
        return 1;
    }
    case JC_OP_FLOAT32:
    case JC_OP_FLOAT64:
        w->p = jc_win_key(w, plan, f, 0);
        jc_win_close(w);
        if (f->op == JC_OP_FLOAT32)
            jsonw_float(w->buf, sluice_value_get_float32(fv));
        else
            jsonw_double(w->buf, sluice_value_get_float64(fv));
        jc_win_open(w, JC_WIN_MIN);
        return 1;
    case JC_OP_STRUCT: {
        /* Another schema object, equal or not, is jc_write_value's to judge. */
        if (sluice_value_struct_schema(fv) != f->schema)
            return 0;
        w->p = jc_win_key(w, plan, f, 0);
        jc_path_t at = JC_FIELD_OF(path, f->name);
        return jc_plan_write(cx, f->nested, fv, &at, w) < 0 ? -1 : 1;
    }
    default: return 0;
    }
    p = jc_win_key(w, plan, f, JSONW_INT_MAX);
    w->p = p + jsonw_int_format(p, v);
    return 1;
}

/* Writes struct st (of the plan's schema) as jc_write_value would, at
 * path. Returns 0, or -1 after jc_fail. */
static int jc_plan_write(jc_cx_t *cx, const jc_plan_t *plan, const sluice_value_t *st,
                         const jc_path_t *path, jc_win_t *w)
{
    jc_win_putc(w, '{');
    for (size_t i = 0; i < plan->count; i++) {
        const jc_plan_field_t *f = &plan->fields[i];
        const sluice_value_t *fv = sluice_value_struct_get_at(st, i);
        int rc;
        if (fv) {
            rc = jc_plan_write_field(cx, plan, f, fv, path, w);
        } else if (f->null_as_null) {
            char *p = jc_win_key(w, plan, f, 4);
            memcpy(p, "null", 4);
            w->p = p + 4;
            rc = 1;
        } else {
            rc = 0;
        }
        if (rc < 0)
            return -1;
        if (rc == 0) {
            w->p = jc_win_key(w, plan, f, 0);
            jc_win_close(w);
            jc_path_t at = JC_FIELD_OF(path, f->name);
            rc = jc_write_value(cx, f->schema, fv, &at, w->buf);
            jc_win_open(w, JC_WIN_MIN);
            if (rc < 0)
                return -1;
        }
    }
    jc_win_putc(w, '}');
    return 0;
}

/* ---- JSON → Connect ------------------------------------------------------- */

static int jc_read_value(jc_cx_t *cx, const sluice_schema_t *schema, const json_t *json,
                         const jc_path_t *path, sluice_value_t **out);

/* The integer a JSON number holds when it lies in [min, max]: integers as
 * they are, reals when they have no fraction. Returns 0, or -1 after
 * reporting why not. */
static int jc_read_integer(jc_cx_t *cx, sluice_type_t type, const json_t *json, int64_t min,
                           int64_t max, const jc_path_t *path, int64_t *out)
{
    if (json_is_integer(json)) {
        json_int_t v = json_integer_value(json);
        if (v < min || v > max)
            return jc_fail(cx, path, "Value %lld is out of range for %s", (long long)v,
                           conv_type_upper(type));
        *out = (int64_t)v;
        return 0;
    }
    if (json_is_real(json)) {
        double v = json_real_value(json);
        /* The bounds as doubles: max + 1 is a power of two, exact. */
        bool fraction = v != floor(v);
        if (fraction || v < (double)min || v >= (double)max + 1.0) {
            sluice_buf_t *shortest = NULL;
            const char *text = jsonr_long_text(cx->doc, json);
            if (!text) {
                shortest = sluice_buf_new();
                sluice_format_double(v, false, shortest);
                text = sluice_buf_data(shortest);
            }
            int rc = jc_fail(cx, path,
                             fraction ? "Value %s is not an integer, as %s needs"
                                      : "Value %s is out of range for %s",
                             text, conv_type_upper(type));
            sluice_buf_destroy(shortest);
            return rc;
        }
        *out = (int64_t)v;
        return 0;
    }
    return jc_fail(cx, path, "Expected a number for %s but found %s", conv_type_upper(type),
                   jsonr_type_name(json));
}

static int jc_read_float(jc_cx_t *cx, sluice_type_t type, const json_t *json, const jc_path_t *path,
                         double *out)
{
    if (json_is_number(json)) {
        *out = json_number_value(json);
        return 0;
    }
    /* What Jackson writes for non-finite numbers reads back. */
    if (json_is_string(json)) {
        const char *s = json_string_value(json);
        if (strcmp(s, "NaN") == 0) {
            *out = NAN;
            return 0;
        }
        if (strcmp(s, "Infinity") == 0) {
            *out = INFINITY;
            return 0;
        }
        if (strcmp(s, "-Infinity") == 0) {
            *out = -INFINITY;
            return 0;
        }
    }
    return jc_fail(cx, path, "Expected a number for %s but found %s", conv_type_upper(type),
                   jsonr_type_name(json));
}

static int jc_read_decimal(jc_cx_t *cx, const sluice_schema_t *schema, const json_t *json,
                           const jc_path_t *path, sluice_value_t **out)
{
    int32_t scale;
    if (conv_decimal_scale(schema, &scale, cx->why, sizeof cx->why) < 0)
        return jc_fail(cx, path, "%s", cx->why);
    sluice_buf_t *buf = sluice_buf_new();
    int rc = 0;
    if (json_is_number(json)) {
        sluice_buf_t *text = sluice_buf_new();
        jsonr_number_text(cx->doc, json, text);
        if (sluice_decimal_from_string(sluice_buf_data(text), scale, buf, cx->why, sizeof cx->why) <
            0)
            rc = jc_fail(cx, path, "Invalid number for Decimal with scale %d: %s", (int)scale,
                         cx->why);
        sluice_buf_destroy(text);
    } else if (json_is_string(json)) {
        if (sluice_base64_decode(json_string_value(json), json_string_length(json), buf, cx->why,
                                 sizeof cx->why) < 0)
            rc = jc_fail(cx, path, "Invalid bytes for Decimal field: %s", cx->why);
        else if (sluice_buf_len(buf) == 0)
            rc = jc_fail(cx, path, "Invalid bytes for Decimal field: no bytes");
    } else {
        rc = jc_fail(cx, path,
                     "Invalid type for Decimal, underlying representation should be numeric or "
                     "bytes but was %s",
                     jsonr_type_name(json));
    }
    if (rc == 0) {
        const uint8_t *minimal;
        size_t len;
        conv_decimal_minimal((const uint8_t *)sluice_buf_data(buf), sluice_buf_len(buf), &minimal,
                             &len);
        *out = sluice_value_bytes(minimal, len);
    }
    sluice_buf_destroy(buf);
    return rc;
}

static int jc_read_logical(jc_cx_t *cx, conv_logical_t logical, const sluice_schema_t *schema,
                           const json_t *json, const jc_path_t *path, sluice_value_t **out)
{
    json_int_t v;
    switch (logical) {
    case CONV_LOGICAL_DECIMAL: return jc_read_decimal(cx, schema, json, path, out);
    case CONV_LOGICAL_DATE:
    case CONV_LOGICAL_TIME: {
        const char *what = logical == CONV_LOGICAL_DATE ? "Date" : "Time";
        if (!json_is_integer(json) || (v = json_integer_value(json)) < INT32_MIN || v > INT32_MAX)
            return jc_fail(cx, path,
                           "Invalid type for %s, underlying representation should be integer "
                           "but was %s",
                           what, jsonr_type_name(json));
        if (logical == CONV_LOGICAL_TIME && (v < 0 || v > CONV_MILLIS_PER_DAY))
            return jc_fail(cx, path,
                           "Time values must use number of milliseconds greater than 0 and less "
                           "than 86400000");
        *out = sluice_value_int32((int32_t)v);
        return 0;
    }
    case CONV_LOGICAL_TIMESTAMP:
        if (!json_is_integer(json))
            return jc_fail(cx, path,
                           "Invalid type for Timestamp, underlying representation should be "
                           "integral but was %s",
                           jsonr_type_name(json));
        *out = sluice_value_int64(json_integer_value(json));
        return 0;
    default: return jc_fail(cx, path, "Unknown logical type");
    }
}

static int jc_read_map(jc_cx_t *cx, const sluice_schema_t *schema, const json_t *json,
                       const jc_path_t *path, sluice_value_t **out)
{
    const sluice_schema_t *key_schema = schema ? sluice_schema_key_schema(schema) : NULL;
    const sluice_schema_t *value_schema = schema ? sluice_schema_value_schema(schema) : NULL;
    sluice_value_t *map = sluice_value_map_new();
    if (!schema || sluice_schema_type(key_schema) == SLUICE_TYPE_STRING) {
        if (!json_is_object(json)) {
            sluice_value_destroy(map);
            return jc_fail(cx, path,
                           "Maps with string fields should be encoded as JSON objects, but "
                           "found %s",
                           jsonr_type_name(json));
        }
        const char *key;
        size_t key_len;
        json_t *member;
        json_object_keylen_foreach((json_t *)json, key, key_len, member)
        {
            jc_path_t at = JC_KEY_OF(path, key);
            sluice_value_t *v;
            if (jc_read_value(cx, value_schema, member, &at, &v) < 0) {
                sluice_value_destroy(map);
                return -1;
            }
            sluice_value_map_put(map, sluice_value_string(key, key_len), v);
        }
        *out = map;
        return 0;
    }
    if (!json_is_array(json)) {
        sluice_value_destroy(map);
        return jc_fail(cx, path,
                       "Maps with non-string fields should be encoded as JSON array of tuples, "
                       "but found %s",
                       jsonr_type_name(json));
    }
    for (size_t i = 0; i < json_array_size(json); i++) {
        const json_t *pair = json_array_get(json, i);
        jc_path_t at = JC_INDEX_OF(path, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2) {
            sluice_value_destroy(map);
            if (!json_is_array(pair))
                return jc_fail(cx, &at, "Found invalid map entry instead of array tuple: %s",
                               jsonr_type_name(pair));
            return jc_fail(cx, &at, "Found invalid map entry, expected length 2 but found :%zu",
                           json_array_size(pair));
        }
        jc_path_t at_key = JC_INDEX_OF(&at, 0);
        jc_path_t at_value = JC_INDEX_OF(&at, 1);
        sluice_value_t *k, *v;
        if (jc_read_value(cx, key_schema, json_array_get(pair, 0), &at_key, &k) < 0) {
            sluice_value_destroy(map);
            return -1;
        }
        if (jc_read_value(cx, value_schema, json_array_get(pair, 1), &at_value, &v) < 0) {
            sluice_value_destroy(k);
            sluice_value_destroy(map);
            return -1;
        }
        sluice_value_map_put(map, k, v);
    }
    *out = map;
    return 0;
}

static int jc_read_struct(jc_cx_t *cx, const sluice_schema_t *schema, const json_t *json,
                          const jc_path_t *path, sluice_value_t **out)
{
    if (!json_is_object(json))
        return jc_fail(cx, path, "Structs should be encoded as JSON objects, but found %s",
                       jsonr_type_name(json));
    sluice_value_t *st = sluice_value_struct_new(schema);
    size_t n = sluice_schema_field_count(schema);
    for (size_t i = 0; i < n; i++) {
        const char *name = sluice_schema_field_name(schema, i);
        jc_path_t at = JC_FIELD_OF(path, name);
        sluice_value_t *v;
        if (jc_read_value(cx, sluice_schema_field_schema(schema, i), json_object_get(json, name),
                          &at, &v) < 0) {
            sluice_value_destroy(st);
            return -1;
        }
        if (sluice_value_struct_put_at(st, i, v, cx->why, sizeof cx->why) < 0) {
            sluice_value_destroy(st);
            return jc_fail(cx, &at, "%s", cx->why);
        }
    }
    *out = st;
    return 0;
}

/* Without a schema: the type follows the JSON (Kafka's inference). */
static int jc_read_schemaless(jc_cx_t *cx, const json_t *json, const jc_path_t *path,
                              sluice_value_t **out)
{
    switch (json_typeof(json)) {
    case JSON_TRUE: *out = sluice_value_boolean(true); return 0;
    case JSON_FALSE: *out = sluice_value_boolean(false); return 0;
    case JSON_INTEGER: *out = sluice_value_int64(json_integer_value(json)); return 0;
    case JSON_REAL: *out = sluice_value_float64(json_real_value(json)); return 0;
    case JSON_STRING:
        *out = sluice_value_string(json_string_value(json), json_string_length(json));
        return 0;
    case JSON_OBJECT: return jc_read_map(cx, NULL, json, path, out);
    case JSON_ARRAY: {
        sluice_value_t *array = sluice_value_array_new();
        for (size_t i = 0; i < json_array_size(json); i++) {
            jc_path_t at = JC_INDEX_OF(path, i);
            sluice_value_t *item;
            if (jc_read_value(cx, NULL, json_array_get(json, i), &at, &item) < 0) {
                sluice_value_destroy(array);
                return -1;
            }
            sluice_value_array_append(array, item);
        }
        *out = array;
        return 0;
    }
    case JSON_NULL: *out = NULL; return 0;
    }
    return jc_fail(cx, path, "Unknown schema type: null");
}

static int jc_read_value(jc_cx_t *cx, const sluice_schema_t *schema, const json_t *json,
                         const jc_path_t *path, sluice_value_t **out)
{
    *out = NULL;
    if (!schema)
        return json ? jc_read_schemaless(cx, json, path, out) : 0;

    sluice_type_t type = sluice_schema_type(schema);
    if (!json || json_is_null(json)) {
        const sluice_value_t *def = sluice_schema_default(schema);
        if (def && cx->jc->replace_null) {
            *out = sluice_value_copy(def);
            return 0;
        }
        if (sluice_schema_is_optional(schema))
            return 0;
        return jc_fail(cx, path, "Invalid null value for required %s field", conv_type_upper(type));
    }

    conv_logical_t logical = conv_logical_of(schema);
    if (logical != CONV_LOGICAL_NONE)
        return jc_read_logical(cx, logical, schema, json, path, out);

    int64_t i;
    double d;
    switch (type) {
    case SLUICE_TYPE_BOOLEAN:
        if (!json_is_boolean(json))
            return jc_fail(cx, path, "Expected a boolean for BOOLEAN but found %s",
                           jsonr_type_name(json));
        *out = sluice_value_boolean(json_is_true(json));
        return 0;
    case SLUICE_TYPE_INT8:
        if (jc_read_integer(cx, type, json, INT8_MIN, INT8_MAX, path, &i) < 0)
            return -1;
        *out = sluice_value_int8((int8_t)i);
        return 0;
    case SLUICE_TYPE_INT16:
        if (jc_read_integer(cx, type, json, INT16_MIN, INT16_MAX, path, &i) < 0)
            return -1;
        *out = sluice_value_int16((int16_t)i);
        return 0;
    case SLUICE_TYPE_INT32:
        if (jc_read_integer(cx, type, json, INT32_MIN, INT32_MAX, path, &i) < 0)
            return -1;
        *out = sluice_value_int32((int32_t)i);
        return 0;
    case SLUICE_TYPE_INT64:
        if (jc_read_integer(cx, type, json, INT64_MIN, INT64_MAX, path, &i) < 0)
            return -1;
        *out = sluice_value_int64(i);
        return 0;
    case SLUICE_TYPE_FLOAT32:
        if (jc_read_float(cx, type, json, path, &d) < 0)
            return -1;
        *out = sluice_value_float32((float)d);
        return 0;
    case SLUICE_TYPE_FLOAT64:
        if (jc_read_float(cx, type, json, path, &d) < 0)
            return -1;
        *out = sluice_value_float64(d);
        return 0;
    case SLUICE_TYPE_STRING:
        if (!json_is_string(json))
            return jc_fail(cx, path, "Expected a string for STRING but found %s",
                           jsonr_type_name(json));
        *out = sluice_value_string(json_string_value(json), json_string_length(json));
        return 0;
    case SLUICE_TYPE_BYTES: {
        if (!json_is_string(json))
            return jc_fail(cx, path, "Invalid bytes field: expected a base64 string but found %s",
                           jsonr_type_name(json));
        sluice_buf_t *buf = sluice_buf_new();
        if (sluice_base64_decode(json_string_value(json), json_string_length(json), buf, cx->why,
                                 sizeof cx->why) < 0) {
            sluice_buf_destroy(buf);
            return jc_fail(cx, path, "Invalid bytes field: %s", cx->why);
        }
        *out = sluice_value_bytes(sluice_buf_data(buf), sluice_buf_len(buf));
        sluice_buf_destroy(buf);
        return 0;
    }
    case SLUICE_TYPE_ARRAY: {
        if (!json_is_array(json))
            return jc_fail(cx, path, "Arrays should be encoded as JSON arrays, but found %s",
                           jsonr_type_name(json));
        const sluice_schema_t *items = sluice_schema_value_schema(schema);
        sluice_value_t *array = sluice_value_array_new();
        for (size_t k = 0; k < json_array_size(json); k++) {
            jc_path_t at = JC_INDEX_OF(path, k);
            sluice_value_t *item;
            if (jc_read_value(cx, items, json_array_get(json, k), &at, &item) < 0) {
                sluice_value_destroy(array);
                return -1;
            }
            sluice_value_array_append(array, item);
        }
        *out = array;
        return 0;
    }
    case SLUICE_TYPE_MAP: return jc_read_map(cx, schema, json, path, out);
    case SLUICE_TYPE_STRUCT: return jc_read_struct(cx, schema, json, path, out);
    }
    return jc_fail(cx, path, "Unknown schema type: %d", (int)type);
}

static const sluice_type_t jc_schema_types[SLUICE_TYPE_COUNT] = {
    SLUICE_TYPE_INT8,    SLUICE_TYPE_INT16,   SLUICE_TYPE_INT32,   SLUICE_TYPE_INT64,
    SLUICE_TYPE_FLOAT32, SLUICE_TYPE_FLOAT64, SLUICE_TYPE_BOOLEAN, SLUICE_TYPE_STRING,
    SLUICE_TYPE_BYTES,   SLUICE_TYPE_ARRAY,   SLUICE_TYPE_MAP,     SLUICE_TYPE_STRUCT};

/*
 * Builds the schema a JSON schema object describes (JsonConverter's
 * asConnectSchema), through the cache. JSON null gives NULL. On success
 * *out is a new reference.
 */
static int jc_read_schema(jc_cx_t *cx, const json_t *json, const jc_path_t *path,
                          const sluice_schema_t **out)
{
    *out = NULL;
    if (json_is_null(json))
        return 0;
    const sluice_schema_t *cached = lru_get(cx->jc->to_cache, json);
    if (cached) {
        *out = sluice_schema_ref(cached);
        return 0;
    }

    const json_t *type_node = json_object_get(json, "type");
    if (!json_is_string(type_node))
        return jc_fail(cx, path, "Schema must contain 'type' field");
    const char *type_name = json_string_value(type_node);
    int type = -1;
    for (int t = 0; t < SLUICE_TYPE_COUNT; t++)
        if (strcmp(type_name, jc_schema_type_names[t]) == 0)
            type = t;
    if (type < 0)
        return jc_fail(cx, path, "Unknown schema type: %.64s", type_name);

    sluice_schema_t *schema = NULL;
    switch (jc_schema_types[type]) {
    case SLUICE_TYPE_ARRAY: {
        const json_t *items_node = json_object_get(json, "items");
        jc_path_t at = JC_FIELD_OF(path, "items");
        const sluice_schema_t *items;
        if (!items_node || json_is_null(items_node))
            return jc_fail(cx, path, "Array schema did not specify the element type");
        if (jc_read_schema(cx, items_node, &at, &items) < 0)
            return -1;
        schema = sluice_schema_array(items);
        sluice_schema_unref(items);
        break;
    }
    case SLUICE_TYPE_MAP: {
        const json_t *keys_node = json_object_get(json, "keys");
        const json_t *values_node = json_object_get(json, "values");
        jc_path_t at_keys = JC_FIELD_OF(path, "keys");
        jc_path_t at_values = JC_FIELD_OF(path, "values");
        const sluice_schema_t *keys, *values;
        if (!keys_node || json_is_null(keys_node))
            return jc_fail(cx, path, "Map schema did not specify the key type");
        if (!values_node || json_is_null(values_node))
            return jc_fail(cx, path, "Map schema did not specify the value type");
        if (jc_read_schema(cx, keys_node, &at_keys, &keys) < 0)
            return -1;
        if (jc_read_schema(cx, values_node, &at_values, &values) < 0) {
            sluice_schema_unref(keys);
            return -1;
        }
        schema = sluice_schema_map(keys, values);
        sluice_schema_unref(keys);
        sluice_schema_unref(values);
        break;
    }
    case SLUICE_TYPE_STRUCT: {
        const json_t *fields = json_object_get(json, "fields");
        jc_path_t at_fields = JC_FIELD_OF(path, "fields");
        if (!json_is_array(fields))
            return jc_fail(cx, path, "Struct schema's \"fields\" argument is not an array.");
        schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
        for (size_t i = 0; i < json_array_size(fields); i++) {
            const json_t *field = json_array_get(fields, i);
            const json_t *name = json_object_get(field, "field");
            jc_path_t at = JC_INDEX_OF(&at_fields, i);
            const sluice_schema_t *field_schema;
            if (!json_is_string(name)) {
                sluice_schema_unref(schema);
                return jc_fail(cx, &at, "Struct schema's field name not specified properly");
            }
            if (jc_read_schema(cx, field, &at, &field_schema) < 0) {
                sluice_schema_unref(schema);
                return -1;
            }
            int rc = sluice_schema_add_field(schema, json_string_value(name), field_schema, cx->why,
                                             sizeof cx->why);
            sluice_schema_unref(field_schema);
            if (rc < 0) {
                sluice_schema_unref(schema);
                return jc_fail(cx, &at, "%s", cx->why);
            }
        }
        break;
    }
    default: schema = sluice_schema_new(jc_schema_types[type]); break;
    }

    const json_t *node = json_object_get(json, "optional");
    sluice_schema_set_optional(schema, json_is_true(node));
    node = json_object_get(json, "name");
    if (json_is_string(node))
        sluice_schema_set_name(schema, json_string_value(node));
    node = json_object_get(json, "version");
    if (json_is_integer(node))
        sluice_schema_set_version(schema, (int32_t)json_integer_value(node));
    node = json_object_get(json, "doc");
    if (json_is_string(node))
        sluice_schema_set_doc(schema, json_string_value(node));
    node = json_object_get(json, "parameters");
    if (json_is_object(node)) {
        const char *key;
        json_t *param;
        json_object_foreach((json_t *)node, key, param)
        {
            if (!json_is_string(param)) {
                jc_path_t at_params = JC_FIELD_OF(path, "parameters");
                jc_path_t at = JC_KEY_OF(&at_params, key);
                sluice_schema_unref(schema);
                return jc_fail(cx, &at, "Schema parameters must have string values.");
            }
            sluice_schema_set_parameter(schema, key, json_string_value(param));
        }
    }
    node = json_object_get(json, "default");
    if (node) {
        jc_path_t at = JC_FIELD_OF(path, "default");
        sluice_value_t *def;
        if (jc_read_value(cx, schema, node, &at, &def) < 0) {
            sluice_schema_unref(schema);
            return -1;
        }
        if (def && sluice_schema_set_default(schema, def, cx->why, sizeof cx->why) < 0) {
            sluice_schema_unref(schema);
            return jc_fail(cx, &at, "Invalid default value: %s", cx->why);
        }
    }

    lru_put(cx->jc->to_cache, json_incref((json_t *)json), (void *)sluice_schema_ref(schema));
    *out = schema;
    return 0;
}

/* ---- the converter ----------------------------------------------------------- */

static uint64_t jc_schema_key_hash(const void *key)
{
    uintptr_t p = (uintptr_t)key;
    return (uint64_t)(p >> 4) * 0x9E3779B97F4A7C15ULL;
}

static bool jc_schema_key_equal(const void *a, const void *b)
{
    return a == b;
}

static void jc_schema_key_free(void *key)
{
    sluice_schema_unref(key);
}

static void jc_schema_entry_free(void *value)
{
    jc_schema_entry_t *entry = value;
    free(entry->text);
    jc_plan_free(entry->plan);
    free(entry);
}

static const lru_ops_t jc_from_cache_ops = {
    .hash = jc_schema_key_hash,
    .equal = jc_schema_key_equal,
    .free_key = jc_schema_key_free,
    .free_value = jc_schema_entry_free,
};

static uint64_t jc_json_key_hash(const void *key)
{
    return jsonr_hash(key);
}

static bool jc_json_key_equal(const void *a, const void *b)
{
    return json_equal((json_t *)a, (json_t *)b);
}

static void jc_json_key_free(void *key)
{
    json_decref(key);
}

static const lru_ops_t jc_to_cache_ops = {
    .hash = jc_json_key_hash,
    .equal = jc_json_key_equal,
    .free_key = jc_json_key_free,
    .free_value = jc_schema_key_free,
};

static sluice_result_t jc_new(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                              char *errstr, size_t errstr_size)
{
    const char *format = sluice_config_get_string(config, "decimal.format");
    if (format && strcasecmp(format, "BASE64") != 0 && strcasecmp(format, "NUMERIC") != 0)
        return conv_fail(errstr, errstr_size,
                         "Invalid value %s for configuration decimal.format: String must be one "
                         "of (case insensitive): BASE64, NUMERIC",
                         format);
    json_conv_t *jc = conv_calloc(1, sizeof(*jc));
    jc->ctx = ctx;
    jc->schemas_enable = sluice_config_get_bool(config, "schemas.enable");
    jc->decimal_numeric = format && strcasecmp(format, "NUMERIC") == 0;
    jc->replace_null = sluice_config_get_bool(config, "replace.null.with.default");
    int32_t cache_size = sluice_config_get_int(config, "schemas.cache.size");
    size_t capacity = cache_size > 0 ? (size_t)cache_size : 0;
    jc->from_cache = lru_new(capacity, &jc_from_cache_ops);
    jc->to_cache = lru_new(capacity, &jc_to_cache_ops);
    jc->known_enabled = capacity > 0;
    jc->scratch = sluice_buf_new();
    *self = jc;
    return SLUICE_OK;
}

static sluice_result_t jc_create(sluice_ctx_t *ctx, const sluice_config_t *config, bool is_key,
                                 void **self, char *errstr, size_t errstr_size)
{
    (void)is_key; /* keys and values are converted alike */
    return jc_new(ctx, config, self, errstr, errstr_size);
}

static sluice_result_t jc_create_header(sluice_ctx_t *ctx, const sluice_config_t *config,
                                        void **self, char *errstr, size_t errstr_size)
{
    return jc_new(ctx, config, self, errstr, errstr_size);
}

static void jc_destroy(void *self)
{
    json_conv_t *jc = self;
    if (!jc)
        return;
    lru_destroy(jc->from_cache);
    lru_destroy(jc->to_cache);
    for (size_t i = 0; i < JC_KNOWN_SCHEMAS; i++) {
        free(jc->known[i].text);
        sluice_schema_unref(jc->known[i].schema);
    }
    sluice_buf_destroy(jc->scratch);
    free(jc);
}

static sluice_result_t jc_from_connect(void *self, const char *topic, sluice_headers_t *headers,
                                       const sluice_schema_t *schema, const sluice_value_t *value,
                                       sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    json_conv_t *jc = self;
    if (!schema && !value) {
        sluice_buf_set_null(out);
        return SLUICE_OK;
    }
    jc_cx_t cx = {.jc = jc, .errstr = errstr, .errstr_size = errstr_size};
    jc_path_t root = {.step = JC_ROOT};
    jc_path_t at_schema = JC_FIELD_OF(&root, "schema");
    jc_path_t at_payload = JC_FIELD_OF(&root, "payload");
    jc_schema_entry_t *entry = NULL;
    const jc_plan_t *plan = jc_plan_for(jc, schema, value, &entry);
    if (plan) {
        /* The envelope, the cached schema text and the plain fields in
         * room reserved once. */
        static const char open_schema[] = "{\"schema\":", open_payload[] = ",\"payload\":";
        jc_win_t w = {.buf = out};
        int rc;
        if (jc->schemas_enable) {
            size_t head = sizeof open_schema - 1 + entry->len + sizeof open_payload - 1;
            jc_win_open(&w, head + plan->room + 1);
            memcpy(w.p, open_schema, sizeof open_schema - 1);
            w.p += sizeof open_schema - 1;
            memcpy(w.p, entry->text, entry->len);
            w.p += entry->len;
            memcpy(w.p, open_payload, sizeof open_payload - 1);
            w.p += sizeof open_payload - 1;
            rc = jc_plan_write(&cx, plan, value, &at_payload, &w);
            if (rc == 0)
                jc_win_putc(&w, '}');
        } else {
            jc_win_open(&w, plan->room);
            rc = jc_plan_write(&cx, plan, value, &root, &w);
        }
        jc_win_close(&w);
        return rc < 0 ? SLUICE_FATAL : SLUICE_OK;
    }
    if (!jc->schemas_enable) {
        if (jc_write_value(&cx, schema, value, &root, out) < 0)
            return SLUICE_FATAL;
        return SLUICE_OK;
    }
    sluice_buf_puts(out, "{\"schema\":");
    if (jc_write_schema(&cx, schema, &at_schema, out) < 0)
        return SLUICE_FATAL;
    sluice_buf_puts(out, ",\"payload\":");
    if (jc_write_value(&cx, schema, value, &at_payload, out) < 0)
        return SLUICE_FATAL;
    sluice_buf_putc(out, '}');
    return SLUICE_OK;
}

/* ---- the fast path (json_reader.h) -------------------------------------------- */

/*
 * The schema of an envelope whose "schema" value is data[span]: one seen
 * before with exactly these bytes, else built from them alone and
 * remembered. Text parsed alone gives what it gives inside the envelope,
 * except that the envelope adds a level of nesting and that the document's
 * long numbers (jsonr_number_text) would include the schema's: such
 * schemas are left to the jansson path. Returns 0 with *out (borrowed; NULL
 * for "schema":null), or -1 to take the jansson path.
 */
static int jc_fast_schema(jc_cx_t *cx, const char *text, size_t len, const sluice_schema_t **out)
{
    json_conv_t *jc = cx->jc;
    for (size_t i = 0; i < JC_KNOWN_SCHEMAS; i++) {
        jc_known_schema_t *k = &jc->known[i];
        if (k->text && k->len == len && memcmp(k->text, text, len) == 0) {
            *out = k->schema;
            return 0;
        }
    }
    jsonr_doc_t doc = {0};
    char why[256];
    int rc = -1;
    const sluice_schema_t *schema = NULL;
    if (jsonr_parse(text, len, &doc, why, sizeof why) == 0 && doc.root &&
        doc.max_depth < JSONR_MAX_DEPTH && doc.long_count == 0) {
        jc_path_t root = {.step = JC_ROOT};
        jc_path_t at_schema = JC_FIELD_OF(&root, "schema");
        jsonr_doc_t *outer = cx->doc;
        cx->doc = &doc;
        rc = jc_read_schema(cx, doc.root, &at_schema, &schema);
        cx->doc = outer;
    }
    jsonr_doc_clear(&doc);
    if (rc < 0)
        return -1;
    jc_known_schema_t *k = &jc->known[jc->known_next];
    jc->known_next = (jc->known_next + 1) % JC_KNOWN_SCHEMAS;
    free(k->text);
    sluice_schema_unref(k->schema);
    k->text = conv_strndup(text, len);
    k->len = len;
    k->schema = schema;
    *out = schema;
    return 0;
}

/*
 * Reads the payload data[0, len) (a value delimited inside the envelope)
 * with schema as jc_read_value would inside the whole document: scalars of
 * the primitive types directly, anything else through jansson on the
 * payload's text alone. Returns 0 with *out, or -1 (nothing allocated) to
 * take the jansson path, which also gives every error.
 */
static int jc_fast_payload(jc_cx_t *cx, const sluice_schema_t *schema, const char *text, size_t len,
                           sluice_value_t **out)
{
    *out = NULL;
    if (!schema)
        return jsonr_fast_read(text, len, out) == JSONR_FAST_OK ? 0 : -1;
    sluice_type_t type = sluice_schema_type(schema);
    bool primitive = type != SLUICE_TYPE_ARRAY && type != SLUICE_TYPE_MAP &&
                     type != SLUICE_TYPE_STRUCT && type != SLUICE_TYPE_BYTES;
    if (!primitive || conv_logical_of(schema) != CONV_LOGICAL_NONE) {
        jsonr_doc_t doc = {0};
        char why[256];
        int rc = -1;
        if (jsonr_parse(text, len, &doc, why, sizeof why) == 0 && doc.root &&
            doc.max_depth < JSONR_MAX_DEPTH) {
            jc_path_t root = {.step = JC_ROOT};
            jc_path_t at_payload = JC_FIELD_OF(&root, "payload");
            cx->doc = &doc;
            rc = jc_read_value(cx, schema, doc.root, &at_payload, out);
            cx->doc = NULL;
        }
        jsonr_doc_clear(&doc);
        return rc;
    }

    jsonr_scalar_t sc;
    if (jsonr_fast_scalar(text, len, cx->jc->scratch, &sc) != JSONR_FAST_OK)
        return -1;
    if (sc.kind == JSONR_SCALAR_NULL) {
        const sluice_value_t *def = sluice_schema_default(schema);
        if (def && cx->jc->replace_null) {
            *out = sluice_value_copy(def);
            return 0;
        }
        return sluice_schema_is_optional(schema) ? 0 : -1;
    }
    bool integer = sc.kind == JSONR_SCALAR_INTEGER;
    int64_t v = sc.integer;
    switch (type) {
    case SLUICE_TYPE_BOOLEAN:
        if (sc.kind != JSONR_SCALAR_TRUE && sc.kind != JSONR_SCALAR_FALSE)
            return -1;
        *out = sluice_value_boolean(sc.kind == JSONR_SCALAR_TRUE);
        return 0;
    case SLUICE_TYPE_INT8:
        if (!integer || v < INT8_MIN || v > INT8_MAX)
            return -1;
        *out = sluice_value_int8((int8_t)v);
        return 0;
    case SLUICE_TYPE_INT16:
        if (!integer || v < INT16_MIN || v > INT16_MAX)
            return -1;
        *out = sluice_value_int16((int16_t)v);
        return 0;
    case SLUICE_TYPE_INT32:
        if (!integer || v < INT32_MIN || v > INT32_MAX)
            return -1;
        *out = sluice_value_int32((int32_t)v);
        return 0;
    case SLUICE_TYPE_INT64:
        if (!integer)
            return -1;
        *out = sluice_value_int64(v);
        return 0;
    case SLUICE_TYPE_FLOAT32:
    case SLUICE_TYPE_FLOAT64: {
        if (!integer && sc.kind != JSONR_SCALAR_REAL)
            return -1;
        double d = integer ? (double)v : sc.real;
        *out =
            type == SLUICE_TYPE_FLOAT32 ? sluice_value_float32((float)d) : sluice_value_float64(d);
        return 0;
    }
    case SLUICE_TYPE_STRING:
        if (sc.kind != JSONR_SCALAR_STRING)
            return -1;
        *out = sluice_value_string(sc.str, sc.str_len);
        return 0;
    default: return -1;
    }
}

/* The whole of jc_to_connect's reading when the fast path can do it:
 * returns 0 with *schema (a new reference) and *value, or -1. */
static int jc_fast_to_connect(json_conv_t *jc, const char *data, size_t len,
                              const sluice_schema_t **schema, sluice_value_t **value, char *errstr,
                              size_t errstr_size)
{
    if (!jc->schemas_enable)
        return jsonr_fast_read(data, len, value) == JSONR_FAST_OK ? 0 : -1;
    jsonr_span_t schema_span, payload_span;
    if (!jc->known_enabled ||
        jsonr_split_envelope(data, len, &schema_span, &payload_span) != JSONR_FAST_OK)
        return -1;
    jc_cx_t cx = {.jc = jc, .errstr = errstr, .errstr_size = errstr_size};
    const sluice_schema_t *known;
    if (jc_fast_schema(&cx, data + schema_span.off, schema_span.len, &known) < 0 ||
        jc_fast_payload(&cx, known, data + payload_span.off, payload_span.len, value) < 0)
        return -1;
    *schema = sluice_schema_ref(known);
    return 0;
}

static sluice_result_t jc_to_connect(void *self, const char *topic, const sluice_headers_t *headers,
                                     const void *data, size_t len, const sluice_schema_t **schema,
                                     sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    json_conv_t *jc = self;
    *schema = NULL;
    *value = NULL;
    if (!data)
        return SLUICE_OK; /* a tombstone */
    if (jc_fast_to_connect(jc, data, len, schema, value, errstr, errstr_size) == 0)
        return SLUICE_OK;

    jsonr_doc_t doc = {0};
    char why[512];
    if (jsonr_parse(data, len, &doc, why, sizeof why) < 0) {
        jsonr_doc_clear(&doc);
        return conv_fail(errstr, errstr_size,
                         "Converting byte[] to Kafka Connect data failed due to serialization "
                         "error: %s",
                         why);
    }

    jc_cx_t cx = {.jc = jc, .doc = &doc, .errstr = errstr, .errstr_size = errstr_size};
    jc_path_t root = {.step = JC_ROOT};
    sluice_result_t result = SLUICE_OK;
    if (!jc->schemas_enable) {
        if (jc_read_value(&cx, NULL, doc.root, &root, value) < 0)
            result = SLUICE_FATAL;
        jsonr_doc_clear(&doc);
        return result;
    }

    const json_t *schema_node = json_object_get(doc.root, "schema");
    const json_t *payload = json_object_get(doc.root, "payload");
    if (!json_is_object(doc.root) || json_object_size(doc.root) != 2 || !schema_node || !payload) {
        jsonr_doc_clear(&doc);
        return conv_fail(errstr, errstr_size,
                         "JsonConverter with schemas.enable requires \"schema\" and \"payload\" "
                         "fields and may not contain additional fields. If you are trying to "
                         "deserialize plain JSON data, set schemas.enable=false in your "
                         "converter configuration.");
    }
    jc_path_t at_schema = JC_FIELD_OF(&root, "schema");
    jc_path_t at_payload = JC_FIELD_OF(&root, "payload");
    if (jc_read_schema(&cx, schema_node, &at_schema, schema) < 0) {
        result = SLUICE_FATAL;
    } else if (jc_read_value(&cx, *schema, payload, &at_payload, value) < 0) {
        sluice_schema_unref(*schema);
        *schema = NULL;
        result = SLUICE_FATAL;
    }
    jsonr_doc_clear(&doc);
    return result;
}

static sluice_result_t jc_from_header(void *self, const char *topic, const char *header_key,
                                      const sluice_schema_t *schema, const sluice_value_t *value,
                                      sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)header_key;
    return jc_from_connect(self, topic, NULL, schema, value, out, errstr, errstr_size);
}

static sluice_result_t jc_to_header(void *self, const char *topic, const char *header_key,
                                    const void *data, size_t len, const sluice_schema_t **schema,
                                    sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)header_key;
    return jc_to_connect(self, topic, NULL, data, len, schema, value, errstr, errstr_size);
}

/* ---- the classes ------------------------------------------------------------ */

static const sluice_config_key_t json_converter_config[] = {
    CONV_TYPE_CONFIG_KEY,
    {.name = "schemas.enable",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "Whether every message carries its schema: {\"schema\":...,\"payload\":...}. "
            "Without schemas a message is the bare JSON value and types are inferred on read.",
     .group = "Schemas",
     .order_in_group = 0,
     .display_name = "Enable Schemas"},
    {.name = "schemas.cache.size",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1000",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "How many schemas this converter instance keeps translated, in each direction.",
     .group = "Schemas",
     .order_in_group = 1,
     .display_name = "Schema Cache Size"},
    {.name = "decimal.format",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "BASE64",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "How Decimal values are written, in any letter case: BASE64 (the default) as the "
            "base64 text of the unscaled two's-complement bytes, NUMERIC as a JSON number. "
            "Both forms are read.",
     .group = "Serialization",
     .order_in_group = 0,
     .display_name = "Decimal Format",
     .validator = SLUICE_ONE_OF_NOCASE("BASE64", "NUMERIC")},
    {.name = "replace.null.with.default",
     .type = SLUICE_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Whether a null whose schema has a default value is replaced by that default "
            "(when writing and when reading); when false the null is kept.",
     .group = "Serialization",
     .order_in_group = 1,
     .display_name = "Replace null with default"},
    SLUICE_CONFIG_END};

static const char *const json_converter_aliases[] = {"JsonConverter", NULL};

static const sluice_converter_ops_t json_converter_ops = {
    .struct_size = sizeof(sluice_converter_ops_t),
    .create = jc_create,
    .from_connect = jc_from_connect,
    .to_connect = jc_to_connect,
    .destroy = jc_destroy,
};

static const sluice_header_converter_ops_t json_header_converter_ops = {
    .struct_size = sizeof(sluice_header_converter_ops_t),
    .create = jc_create_header,
    .from_header = jc_from_header,
    .to_header = jc_to_header,
    .destroy = jc_destroy,
};

const sluice_class_t json_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONVERTER,
    .name = "org.apache.kafka.connect.json.JsonConverter",
    .aliases = json_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "JSON, with the schema in an envelope or as plain JSON, byte-compatible with Kafka.",
    .config = json_converter_config,
    .converter = &json_converter_ops,
};

const sluice_class_t json_header_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_HEADER_CONVERTER,
    .name = "org.apache.kafka.connect.json.JsonConverter",
    .aliases = json_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "JSON header values, with the schema in an envelope or as plain JSON.",
    .config = json_converter_config,
    .header_converter = &json_header_converter_ops,
};
