/*
 * org.apache.kafka.connect.storage.SimpleHeaderConverter, Kafka's default
 * header converter: a header value is written as the UTF-8 of its
 * Values.convertToString text and read back with Values.parseString, which
 * infers the type (values.c has the details).
 *
 * Covered as in Kafka: null; true/false as BOOLEAN; integers as the
 * narrowest of INT8, INT16, INT32, INT64 and larger ones as a Decimal;
 * other numbers as FLOAT32 (FLOAT64 beyond float's range); ISO-8601 dates,
 * times and timestamps; arrays [..] and maps {..} of those, with numbers
 * widened to a common type; anything else as a STRING.
 *
 * Not covered, or covered differently (on purpose):
 * - a number or time followed by more text ("1,000") is a STRING, where
 *   Kafka keeps the leading number and drops the rest;
 * - quoted strings inside arrays and maps have \" and \\ unescaped, so
 *   they read back as written (Kafka keeps the backslashes);
 * - arrays and maps with nulls get optional element schemas; integers
 *   and a Decimal of scale 0 merge into that Decimal, dates and times into
 *   a Timestamp; those whose elements share no schema, and empty ones, have
 *   no schema at all, and are read as a STRING instead when an element is,
 *   or holds, a Decimal, Date, Time or Timestamp (a schemaless value cannot
 *   say so);
 * - dates and times are parsed strictly, in UTC, never leniently in the
 *   JVM's time zone;
 * - Kafka falls back to BYTES when parsing throws; here parsing cannot
 *   fail, so that fallback never happens.
 *
 * Bytes that are not UTF-8 are decoded with U+FFFD replacements, as Java's
 * new String(bytes, UTF_8) does, before parsing.
 */
#include "converters.h"
#include "utf8.h"
#include "values.h"

static const char shc_instance;

static sluice_result_t shc_create(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                  char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *self = (void *)&shc_instance;
    return SLUICE_OK;
}

static void shc_destroy(void *self)
{
    (void)self;
}

static sluice_result_t shc_from_header(void *self, const char *topic, const char *header_key,
                                       const sluice_schema_t *schema, const sluice_value_t *value,
                                       sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)header_key;
    (void)errstr;
    (void)errstr_size;
    if (!value) {
        sluice_buf_set_null(out);
        return SLUICE_OK;
    }
    sluice_buf_t *text = sluice_buf_new();
    values_to_string(schema, value, text);
    utf8_append_sanitized(out, sluice_buf_data(text), sluice_buf_len(text));
    sluice_buf_append(out, "", 0); /* an empty string is not a null header */
    sluice_buf_destroy(text);
    return SLUICE_OK;
}

static sluice_result_t shc_to_header(void *self, const char *topic, const char *header_key,
                                     const void *data, size_t len, const sluice_schema_t **schema,
                                     sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)header_key;
    (void)errstr;
    (void)errstr_size;
    *schema = NULL;
    *value = NULL;
    if (!data)
        return SLUICE_OK;
    sluice_buf_t *text = sluice_buf_new();
    utf8_append_sanitized(text, data, len);
    values_parse(sluice_buf_data(text), sluice_buf_len(text), schema, value);
    sluice_buf_destroy(text);
    return SLUICE_OK;
}

static const sluice_config_key_t simple_header_converter_config[] = {SLUICE_CONFIG_END};

static const char *const simple_header_converter_aliases[] = {"SimpleHeaderConverter", NULL};

static const sluice_header_converter_ops_t simple_header_converter_ops = {
    .struct_size = sizeof(sluice_header_converter_ops_t),
    .create = shc_create,
    .from_header = shc_from_header,
    .to_header = shc_to_header,
    .destroy = shc_destroy,
};

const sluice_class_t simple_header_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_HEADER_CONVERTER,
    .name = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
    .aliases = simple_header_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "Header values as text (Kafka's Values format), with the type inferred on read.",
    .config = simple_header_converter_config,
    .header_converter = &simple_header_converter_ops,
};
