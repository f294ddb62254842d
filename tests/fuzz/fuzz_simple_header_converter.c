/*
 * SimpleHeaderConverter (converters/simple_header_converter.c) reading
 * arbitrary header bytes. Beyond not crashing or leaking: reading never
 * fails (text that does not parse is a STRING), what it read can be
 * written, what it wrote can be read, and that reads as what was read in
 * the first place, so a header passed through a connector keeps its type
 * and value; except where Kafka's own text forms lose it (see kafka_lossy).
 */
#include "fuzz_plugin.h"

#include <math.h>

#include "log.h"

static const sluice_header_converter_ops_t *ops;
static sluice_config_t *config;
static sluice_ctx_t *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(SLUICE_LOG_OFF);
    const sluice_class_t *cls = fuzz_find_class(
        SLUICE_CLASS_HEADER_CONVERTER, "org.apache.kafka.connect.storage.SimpleHeaderConverter");
    ops = cls->header_converter;
    config = fuzz_class_config(cls, NULL);
    ctx = ctx_new("fuzz", "SimpleHeaderConverter");
    return 0;
}

typedef bool (*fuzz_pred_t)(const sluice_schema_t *schema, const sluice_value_t *value,
                            bool embedded);

/* True when pred holds for value or for anything inside it (embedded). */
static bool anywhere_at(fuzz_pred_t pred, const sluice_schema_t *schema,
                        const sluice_value_t *value, bool embedded)
{
    if (!value)
        return false;
    if (pred(schema, value, embedded))
        return true;
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_ARRAY:
        for (size_t i = 0; i < sluice_value_array_count(value); i++)
            if (anywhere_at(pred, sluice_schema_value_schema(schema),
                            sluice_value_array_get(value, i), true))
                return true;
        return false;
    case SLUICE_TYPE_MAP:
        for (size_t i = 0; i < sluice_value_map_count(value); i++)
            if (anywhere_at(pred, sluice_schema_key_schema(schema),
                            sluice_value_map_key_at(value, i), true) ||
                anywhere_at(pred, sluice_schema_value_schema(schema),
                            sluice_value_map_value_at(value, i), true))
                return true;
        return false;
    default: return false;
    }
}

static bool anywhere(fuzz_pred_t pred, const sluice_schema_t *schema, const sluice_value_t *value)
{
    return anywhere_at(pred, schema, value, false);
}

/*
 * Where Kafka's Values text forms do not read back as the value written, and
 * the converter keeps Kafka's bytes:
 *  - a float with an integral value ("1000.0", "1.0E7") reads back as an
 *    integer (parseString tries byteValueExact … longValueExact first);
 *  - a Date or Timestamp before 1970-01-02 is written in the time-of-day form
 *    (dateFormatFor picks the form from the instant, not the schema), so it
 *    reads back as a Time; for the same reason a Timestamp at midnight is
 *    written as a date and reads back as a Date;
 *  - a string inside an array or map that holds a backslash: the writer
 *    doubles it, and the tokenizer then splits where the original escape
 *    did not, dropping a blank token (the element \[ ] reads back as \[]).
 */
static bool kafka_lossy_here(const sluice_schema_t *schema, const sluice_value_t *value,
                             bool embedded)
{
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_FLOAT32: {
        float f = sluice_value_get_float32(value);
        return isfinite(f) && floorf(f) == f;
    }
    case SLUICE_TYPE_FLOAT64: {
        double d = sluice_value_get_float64(value);
        return isfinite(d) && floor(d) == d;
    }
    case SLUICE_TYPE_INT32:
        return schema && sluice_schema_is_logical(schema, "org.apache.kafka.connect.data.Date") &&
               sluice_value_get_int32(value) <= 0;
    case SLUICE_TYPE_INT64:
        return schema &&
               sluice_schema_is_logical(schema, "org.apache.kafka.connect.data.Timestamp") &&
               (sluice_value_get_int64(value) < 86400000 ||
                sluice_value_get_int64(value) % 86400000 == 0);
    case SLUICE_TYPE_STRING: {
        size_t len;
        const char *s = sluice_value_get_string(value, &len);
        return embedded && memchr(s, '\\', len);
    }
    default: return false;
    }
}

/* The written form of a value, for a failure message. */
static const char *shown(void *self, const sluice_schema_t *schema, const sluice_value_t *value,
                         sluice_buf_t *buf)
{
    sluice_buf_reset(buf);
    char errstr[256];
    if (ops->from_header(self, "t", "h", schema, value, buf, errstr, sizeof errstr) != SLUICE_OK)
        return "(cannot be written)";
    return sluice_buf_data(buf);
}

static const char *type_of(const sluice_schema_t *schema)
{
    return schema ? sluice_type_name(sluice_schema_type(schema)) : "(no schema)";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *self = NULL;
    char errstr[1024] = "";
    FUZZ_CHECK(ops->create(ctx, config, &self, errstr, sizeof errstr) == SLUICE_OK, "create: %s",
               errstr);

    const sluice_schema_t *schema = NULL;
    sluice_value_t *value = NULL;
    sluice_result_t r =
        ops->to_header(self, "topic", "header", data, size, &schema, &value, errstr, sizeof errstr);
    FUZZ_CHECK(r == SLUICE_OK, "reading failed: %s", errstr);

    sluice_buf_t *out = sluice_buf_new();
    r = ops->from_header(self, "topic", "header", schema, value, out, errstr, sizeof errstr);
    FUZZ_CHECK(r == SLUICE_OK, "writing what was read failed: %s", errstr);
    FUZZ_CHECK(!value || !sluice_buf_is_null(out), "a value was written as a null header");

    const sluice_schema_t *schema2 = NULL;
    sluice_value_t *value2 = NULL;
    bool is_null = sluice_buf_is_null(out);
    r = ops->to_header(self, "topic", "header", is_null ? NULL : sluice_buf_data(out),
                       sluice_buf_len(out), &schema2, &value2, errstr, sizeof errstr);
    FUZZ_CHECK(r == SLUICE_OK, "reading what was written failed: %s", errstr);

    bool exempt = anywhere(kafka_lossy_here, schema, value);
    bool same = sluice_schema_equals(schema, schema2) &&
                ((!value && !value2) || (value && value2 && sluice_value_equals(value, value2)));
    sluice_buf_t *again = sluice_buf_new();
    FUZZ_CHECK(
        exempt || same,
        "read back as other data: %s %s, then %s %s\n--- written ---\n%s\n--- read back, "
        "written again ---\n%s",
        type_of(schema), schema && sluice_schema_name(schema) ? sluice_schema_name(schema) : "",
        type_of(schema2), schema2 && sluice_schema_name(schema2) ? sluice_schema_name(schema2) : "",
        sluice_buf_data(out), shown(self, schema2, value2, again));
    sluice_buf_destroy(again);

    sluice_schema_unref(schema2);
    sluice_value_destroy(value2);
    sluice_buf_destroy(out);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
    ops->destroy(self);
    return 0;
}
