/*
 * StringConverter, ByteArrayConverter, the number converters and
 * SimpleHeaderConverter, loaded from the real converters.so through the
 * plugin registry.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/plugin.h>

#include "ctx.h"
#include "converter_harness.h"
#include "test_util.h"

/* Asserts that writing gives exactly len bytes of expected. */
static void assert_writes_n(conv_t *c, const sluice_schema_t *schema, const sluice_value_t *value,
                            const void *expected, size_t len)
{
    sluice_result_t rc;
    sluice_buf_t *out = conv_write(c, schema, value, &rc);
    if (rc != SLUICE_OK)
        fprintf(stderr, "\n  write failed: %s\n", conv_err);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    CU_ASSERT_FALSE(sluice_buf_is_null(out));
    bool same = sluice_buf_len(out) == len && memcmp(sluice_buf_data(out), expected, len) == 0;
    if (!same)
        fprintf(stderr, "\n  expected \"%.*s\"\n  got      \"%.*s\"\n", (int)len,
                (const char *)expected, (int)sluice_buf_len(out), sluice_buf_data(out));
    CU_ASSERT(same);
    sluice_buf_destroy(out);
}

static void assert_writes(conv_t *c, const sluice_schema_t *schema, const sluice_value_t *value,
                          const char *expected)
{
    assert_writes_n(c, schema, value, expected, strlen(expected));
}

static void assert_writes_null(conv_t *c, const sluice_schema_t *schema,
                               const sluice_value_t *value)
{
    sluice_result_t rc;
    sluice_buf_t *out = conv_write(c, schema, value, &rc);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    CU_ASSERT(sluice_buf_is_null(out));
    sluice_buf_destroy(out);
}

static void assert_write_fails(conv_t *c, const sluice_schema_t *schema,
                               const sluice_value_t *value, const char *needle)
{
    sluice_result_t rc;
    sluice_buf_destroy(conv_write(c, schema, value, &rc));
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    ASSERT_CONTAINS(conv_err, needle);
}

static void assert_read_fails(conv_t *c, const void *data, size_t len, const char *needle)
{
    const sluice_schema_t *schema;
    sluice_value_t *value;
    CU_ASSERT_EQUAL(conv_read(c, data, len, &schema, &value), SLUICE_FATAL);
    CU_ASSERT_PTR_NULL(schema);
    CU_ASSERT_PTR_NULL(value);
    ASSERT_CONTAINS(conv_err, needle);
}

/* Reads data and asserts the schema (compared with sluice_schema_equals)
 * and value; takes expected_value. */
static void assert_reads(conv_t *c, const void *data, size_t len,
                         const sluice_schema_t *expected_schema, sluice_value_t *expected_value)
{
    const sluice_schema_t *schema;
    sluice_value_t *value;
    sluice_result_t rc = conv_read(c, data, len, &schema, &value);
    if (rc != SLUICE_OK)
        fprintf(stderr, "\n  read failed: %s\n", conv_err);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    CU_ASSERT(sluice_schema_equals(schema, expected_schema));
    bool same = sluice_value_equals(value, expected_value);
    if (!same)
        fprintf(stderr, "\n  read a different value from \"%.*s\"\n", (int)len, (const char *)data);
    CU_ASSERT(same);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
    sluice_value_destroy(expected_value);
}

/* ---- the plugin --------------------------------------------------------------- */

static void test_plugin_lists_every_class(void)
{
    plugin_registry_t *registry = conv_load_registry();
    static const struct {
        sluice_class_kind_t kind;
        const char *alias;
        const char *name;
    } classes[] = {
        {SLUICE_CLASS_CONVERTER, "JsonConverter", "org.apache.kafka.connect.json.JsonConverter"},
        {SLUICE_CLASS_HEADER_CONVERTER, "JsonConverter",
         "org.apache.kafka.connect.json.JsonConverter"},
        {SLUICE_CLASS_CONVERTER, "StringConverter",
         "org.apache.kafka.connect.storage.StringConverter"},
        {SLUICE_CLASS_HEADER_CONVERTER, "StringConverter",
         "org.apache.kafka.connect.storage.StringConverter"},
        {SLUICE_CLASS_CONVERTER, "ByteArrayConverter",
         "org.apache.kafka.connect.converters.ByteArrayConverter"},
        {SLUICE_CLASS_HEADER_CONVERTER, "ByteArrayConverter",
         "org.apache.kafka.connect.converters.ByteArrayConverter"},
        {SLUICE_CLASS_CONVERTER, "IntegerConverter",
         "org.apache.kafka.connect.converters.IntegerConverter"},
        {SLUICE_CLASS_HEADER_CONVERTER, "LongConverter",
         "org.apache.kafka.connect.converters.LongConverter"},
        {SLUICE_CLASS_CONVERTER, "ShortConverter",
         "org.apache.kafka.connect.converters.ShortConverter"},
        {SLUICE_CLASS_CONVERTER, "FloatConverter",
         "org.apache.kafka.connect.converters.FloatConverter"},
        {SLUICE_CLASS_HEADER_CONVERTER, "DoubleConverter",
         "org.apache.kafka.connect.converters.DoubleConverter"},
        {SLUICE_CLASS_CONVERTER, "BooleanConverter",
         "org.apache.kafka.connect.converters.BooleanConverter"},
        {SLUICE_CLASS_HEADER_CONVERTER, "SimpleHeaderConverter",
         "org.apache.kafka.connect.storage.SimpleHeaderConverter"},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const sluice_class_t *cls =
            plugin_registry_find(registry, classes[i].kind, classes[i].alias);
        CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
        CU_ASSERT_STRING_EQUAL(cls->name, classes[i].name);
        CU_ASSERT_PTR_EQUAL(plugin_registry_find(registry, classes[i].kind, classes[i].name), cls);
        CU_ASSERT_PTR_NOT_NULL(cls->config);
        CU_ASSERT_PTR_NOT_NULL(cls->doc);
    }
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 19);
    /* SimpleHeaderConverter is only a header converter. */
    CU_ASSERT_PTR_NULL(
        plugin_registry_find(registry, SLUICE_CLASS_CONVERTER, "SimpleHeaderConverter"));
    plugin_registry_destroy(registry);
}

/* ---- StringConverter -------------------------------------------------------------- */

static void test_string_converter_round_trip(void)
{
    conv_t *c = conv_open(SLUICE_CLASS_CONVERTER, "StringConverter", NULL);
    const sluice_schema_t *opt_string = sluice_schema_of(SLUICE_TYPE_STRING, true);
    sluice_value_t *v = sluice_value_cstring("h\xC3\xA9llo, w\xC3\xB6rld");
    assert_writes(c, sluice_schema_of(SLUICE_TYPE_STRING, false), v, "h\xC3\xA9llo, w\xC3\xB6rld");
    sluice_value_destroy(v);
    assert_reads(c, "h\xC3\xA9llo", 6, opt_string, sluice_value_cstring("h\xC3\xA9llo"));
    /* Empty is a string; no bytes at all is null, still with the schema. */
    v = sluice_value_cstring("");
    assert_writes(c, NULL, v, "");
    sluice_value_destroy(v);
    assert_reads(c, "", 0, opt_string, sluice_value_cstring(""));
    assert_reads(c, NULL, 0, opt_string, NULL);
    assert_writes_null(c, opt_string, NULL);
    /* Bytes that are not UTF-8 read as U+FFFD, as Java decodes them. */
    assert_reads(c, "a\xFF\xC3", 3, opt_string, sluice_value_cstring("a\xEF\xBF\xBD\xEF\xBF\xBD"));
    conv_close(c);
}

static void test_string_converter_text_forms(void)
{
    conv_t *c =
        conv_open(SLUICE_CLASS_CONVERTER, "org.apache.kafka.connect.storage.StringConverter", NULL);
    sluice_value_t *v = sluice_value_int32(-42);
    assert_writes(c, sluice_schema_of(SLUICE_TYPE_INT32, false), v, "-42");
    sluice_value_destroy(v);
    v = sluice_value_float64(1e7);
    assert_writes(c, NULL, v, "1.0E7");
    sluice_value_destroy(v);
    v = sluice_value_float32(0.1f);
    assert_writes(c, NULL, v, "0.1");
    sluice_value_destroy(v);
    v = sluice_value_boolean(false);
    assert_writes(c, NULL, v, "false");
    sluice_value_destroy(v);
    v = sluice_value_bytes("\x01\x02", 2);
    assert_writes_n(c, NULL, v, "\x01\x02", 2);
    sluice_value_destroy(v);

    sluice_schema_t *dec = sluice_schema_decimal(2);
    v = sluice_value_bytes("\xFF\x6A", 2);
    assert_writes(c, dec, v, "-1.50");
    sluice_value_destroy(v);
    sluice_schema_unref(dec);
    sluice_schema_t *ts = sluice_schema_timestamp();
    v = sluice_value_int64(1567615404000LL);
    assert_writes(c, ts, v, "Wed Sep 04 16:43:24 UTC 2019");
    sluice_value_destroy(v);
    sluice_schema_unref(ts);

    sluice_value_t *array = sluice_value_array_new();
    sluice_value_array_append(array, sluice_value_int64(1));
    sluice_value_array_append(array, NULL);
    sluice_value_array_append(array, sluice_value_cstring("x"));
    assert_writes(c, NULL, array, "[1, null, x]");
    sluice_value_destroy(array);

    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "a", sluice_value_int32(1));
    sluice_value_map_put_str(map, "b", sluice_value_boolean(true));
    assert_writes(c, NULL, map, "{a=1, b=true}");
    sluice_value_destroy(map);

    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_add_field(schema, "name",
                                                  sluice_schema_of(SLUICE_TYPE_STRING, false),
                                                  conv_err, sizeof conv_err),
                          0);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_add_field(schema, "nick",
                                                  sluice_schema_of(SLUICE_TYPE_STRING, true),
                                                  conv_err, sizeof conv_err),
                          0);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_add_field(schema, "age",
                                                  sluice_schema_of(SLUICE_TYPE_INT32, false),
                                                  conv_err, sizeof conv_err),
                          0);
    /* A value that does not match its schema is written by its own type. */
    dec = sluice_schema_decimal(2);
    v = sluice_value_cstring("not bytes");
    assert_writes(c, dec, v, "not bytes");
    sluice_value_destroy(v);
    sluice_schema_unref(dec);

    sluice_value_t *st = sluice_value_struct_new(schema);
    sluice_value_struct_put(st, "name", sluice_value_cstring("Ann"), conv_err, sizeof conv_err);
    sluice_value_struct_put(st, "age", sluice_value_int32(3), conv_err, sizeof conv_err);
    assert_writes(c, schema, st, "Struct{name=Ann,age=3}");
    sluice_value_destroy(st);
    sluice_schema_unref(schema);
    conv_close(c);
}

static void test_string_converter_encodings(void)
{
    conv_t *latin = conv_open(SLUICE_CLASS_CONVERTER, "StringConverter", "converter.encoding",
                              "iso-8859-1", NULL);
    sluice_value_t *v = sluice_value_cstring("caf\xC3\xA9 \xE6\x97\xA5");
    assert_writes(latin, NULL, v, "caf\xE9 ?");
    sluice_value_destroy(v);
    assert_reads(latin, "caf\xE9", 4, sluice_schema_of(SLUICE_TYPE_STRING, true),
                 sluice_value_cstring("caf\xC3\xA9"));
    conv_close(latin);

    conv_t *ascii = conv_open(SLUICE_CLASS_CONVERTER, "StringConverter", "converter.encoding",
                              "US-ASCII", NULL);
    v = sluice_value_cstring("caf\xC3\xA9");
    assert_writes(ascii, NULL, v, "caf?");
    sluice_value_destroy(v);
    assert_reads(ascii, "caf\xE9", 4, sluice_schema_of(SLUICE_TYPE_STRING, true),
                 sluice_value_cstring("caf\xEF\xBF\xBD"));
    conv_close(ascii);

    /* An encoding this converter cannot do is refused with the config. */
    plugin_registry_t *registry = conv_load_registry();
    const sluice_class_t *cls =
        plugin_registry_find(registry, SLUICE_CLASS_CONVERTER, "StringConverter");
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "converter.encoding", "UTF-16");
    sluice_config_t *config = sluice_config_new(cls->config, props, conv_err, sizeof conv_err);
    CU_ASSERT_PTR_NULL(config);
    ASSERT_CONTAINS(conv_err, "converter.encoding");
    ASSERT_CONTAINS(conv_err, "UTF-8, ISO-8859-1 and US-ASCII");
    sluice_config_destroy(config);
    sluice_strmap_destroy(props);
    plugin_registry_destroy(registry);
}

static void test_string_header_converter(void)
{
    conv_t *h = conv_open(SLUICE_CLASS_HEADER_CONVERTER, "StringConverter", NULL);
    sluice_value_t *v = sluice_value_int64(7);
    assert_writes(h, NULL, v, "7");
    sluice_value_destroy(v);
    assert_reads(h, "7", 1, sluice_schema_of(SLUICE_TYPE_STRING, true), sluice_value_cstring("7"));
    conv_close(h);
}

/* ---- ByteArrayConverter ------------------------------------------------------------- */

static void test_byte_array_converter(void)
{
    sluice_class_kind_t kinds[] = {SLUICE_CLASS_CONVERTER, SLUICE_CLASS_HEADER_CONVERTER};
    for (size_t k = 0; k < 2; k++) {
        conv_t *c = conv_open(kinds[k], "ByteArrayConverter", NULL);
        const sluice_schema_t *opt_bytes = sluice_schema_of(SLUICE_TYPE_BYTES, true);
        sluice_value_t *v = sluice_value_bytes("\x00\xFFz", 3);
        assert_writes_n(c, sluice_schema_of(SLUICE_TYPE_BYTES, false), v, "\x00\xFFz", 3);
        assert_writes_n(c, NULL, v, "\x00\xFFz", 3);
        assert_reads(c, "\x00\xFFz", 3, opt_bytes, v);
        v = sluice_value_bytes("", 0);
        assert_writes_n(c, NULL, v, "", 0); /* empty, not null */
        sluice_value_destroy(v);
        assert_writes_null(c, opt_bytes, NULL);
        assert_reads(c, NULL, 0, opt_bytes, NULL);

        v = sluice_value_cstring("text");
        assert_write_fails(c, sluice_schema_of(SLUICE_TYPE_INT32, false), v,
                           "Invalid schema type for ByteArrayConverter: INT32");
        assert_write_fails(c, NULL, v,
                           "ByteArrayConverter is not compatible with objects of type "
                           "STRING");
        sluice_value_destroy(v);
        conv_close(c);
    }
}

/* ---- number converters ---------------------------------------------------------------- */

static void test_integer_long_short_converters(void)
{
    conv_t *ic = conv_open(SLUICE_CLASS_CONVERTER, "IntegerConverter", NULL);
    const sluice_schema_t *opt_int = sluice_schema_of(SLUICE_TYPE_INT32, true);
    sluice_value_t *v = sluice_value_int32(0x01020304);
    assert_writes_n(ic, NULL, v, "\x01\x02\x03\x04", 4);
    sluice_value_destroy(v);
    v = sluice_value_int32(-2);
    assert_writes_n(ic, opt_int, v, "\xFF\xFF\xFF\xFE", 4);
    assert_reads(ic, "\xFF\xFF\xFF\xFE", 4, opt_int, v);
    assert_reads(ic, NULL, 0, opt_int, NULL);
    assert_writes_null(ic, opt_int, NULL);
    assert_read_fails(ic, "\x01\x02\x03", 3,
                      "Failed to deserialize integer: Size of data received by "
                      "IntegerDeserializer is not 4");
    v = sluice_value_int64(1);
    assert_write_fails(ic, NULL, v, "Failed to serialize to integer (was INT64)");
    sluice_value_destroy(v);
    conv_close(ic);

    conv_t *lc = conv_open(SLUICE_CLASS_CONVERTER, "LongConverter", NULL);
    v = sluice_value_int64(INT64_MIN);
    assert_writes_n(lc, NULL, v, "\x80\0\0\0\0\0\0\0", 8);
    assert_reads(lc, "\x80\0\0\0\0\0\0\0", 8, sluice_schema_of(SLUICE_TYPE_INT64, true), v);
    assert_read_fails(lc, "", 0, "Size of data received by LongDeserializer is not 8");
    conv_close(lc);

    conv_t *sc = conv_open(SLUICE_CLASS_HEADER_CONVERTER, "ShortConverter", NULL);
    v = sluice_value_int16(-300);
    assert_writes_n(sc, NULL, v, "\xFE\xD4", 2);
    assert_reads(sc, "\xFE\xD4", 2, sluice_schema_of(SLUICE_TYPE_INT16, true), v);
    assert_read_fails(sc, "\x01", 1, "Failed to deserialize short");
    conv_close(sc);
}

static void test_float_double_converters(void)
{
    conv_t *fc = conv_open(SLUICE_CLASS_CONVERTER, "FloatConverter", NULL);
    sluice_value_t *v = sluice_value_float32(0.1f);
    assert_writes_n(fc, NULL, v, "\x3D\xCC\xCC\xCD", 4);
    assert_reads(fc, "\x3D\xCC\xCC\xCD", 4, sluice_schema_of(SLUICE_TYPE_FLOAT32, true), v);
    assert_read_fails(fc, "\x01\x02", 2,
                      "Failed to deserialize float: Size of data received by "
                      "Deserializer is not 4");
    v = sluice_value_float64(0.1);
    assert_write_fails(fc, NULL, v, "Failed to serialize to float (was FLOAT64)");
    sluice_value_destroy(v);
    conv_close(fc);

    conv_t *dc = conv_open(SLUICE_CLASS_CONVERTER, "DoubleConverter", NULL);
    v = sluice_value_float64(1.0);
    assert_writes_n(dc, NULL, v, "\x3F\xF0\0\0\0\0\0\0", 8);
    assert_reads(dc, "\x3F\xF0\0\0\0\0\0\0", 8, sluice_schema_of(SLUICE_TYPE_FLOAT64, true), v);
    /* Every NaN is written as Java's canonical one. */
    uint64_t bits = 0x7ff8000000000abcULL;
    double nan_payload;
    memcpy(&nan_payload, &bits, sizeof bits);
    v = sluice_value_float64(nan_payload);
    assert_writes_n(dc, NULL, v, "\x7F\xF8\0\0\0\0\0\0", 8);
    sluice_value_destroy(v);
    conv_close(dc);
}

static void test_boolean_converter(void)
{
    sluice_class_kind_t kinds[] = {SLUICE_CLASS_CONVERTER, SLUICE_CLASS_HEADER_CONVERTER};
    for (size_t k = 0; k < 2; k++) {
        conv_t *c = conv_open(kinds[k], "BooleanConverter", NULL);
        const sluice_schema_t *opt_bool = sluice_schema_of(SLUICE_TYPE_BOOLEAN, true);
        sluice_value_t *v = sluice_value_boolean(true);
        assert_writes_n(c, sluice_schema_of(SLUICE_TYPE_BOOLEAN, false), v, "\x01", 1);
        assert_reads(c, "\x01", 1, opt_bool, v);
        v = sluice_value_boolean(false);
        assert_writes_n(c, NULL, v, "\x00", 1);
        assert_reads(c, "\x00", 1, opt_bool, v);
        assert_reads(c, NULL, 0, opt_bool, NULL);
        assert_read_fails(c, "\x02", 1,
                          "Failed to deserialize boolean: Unexpected byte received by "
                          "BooleanDeserializer: 2");
        assert_read_fails(c, "\xFF", 1, "BooleanDeserializer: -1");
        assert_read_fails(c, "\x01\x00", 2,
                          "Size of data received by BooleanDeserializer is not 1");
        v = sluice_value_boolean(true);
        assert_write_fails(c, sluice_schema_of(SLUICE_TYPE_INT32, false), v,
                           "Invalid schema type for BooleanConverter: INT32");
        sluice_value_destroy(v);
        v = sluice_value_int8(1);
        assert_write_fails(c, NULL, v,
                           "BooleanConverter is not compatible with objects of type "
                           "INT8");
        sluice_value_destroy(v);
        conv_close(c);
    }
}

/* ---- SimpleHeaderConverter ---------------------------------------------------------------- */

static conv_t *simple_open(void)
{
    return conv_open(SLUICE_CLASS_HEADER_CONVERTER, "SimpleHeaderConverter", NULL);
}

/* Asserts that text parses to a value of type (with logical name, or NULL)
 * and that writing it back gives back_text. */
static void assert_parses(conv_t *c, const char *text, int type, const char *logical,
                          const char *back_text)
{
    const sluice_schema_t *schema;
    sluice_value_t *value;
    CU_ASSERT_EQUAL_FATAL(conv_read(c, text, strlen(text), &schema, &value), SLUICE_OK);
    if (type < 0) {
        CU_ASSERT_PTR_NULL(schema);
        CU_ASSERT_PTR_NULL(value);
        return;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(value);
    bool same_type = sluice_value_type(value) == (sluice_type_t)type;
    if (!same_type)
        fprintf(stderr, "\n  \"%s\" parsed as %s\n", text,
                sluice_type_name(sluice_value_type(value)));
    CU_ASSERT(same_type);
    if (schema) {
        CU_ASSERT_EQUAL(sluice_schema_type(schema), (sluice_type_t)type);
        CU_ASSERT_EQUAL(sluice_value_validate(schema, value, conv_err, sizeof conv_err), 0);
    }
    if (logical)
        CU_ASSERT(schema && sluice_schema_is_logical(schema, logical));
    if (back_text)
        assert_writes(c, schema, value, back_text);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
}

static void test_simple_header_scalars(void)
{
    conv_t *c = simple_open();
    assert_parses(c, "true", SLUICE_TYPE_BOOLEAN, NULL, "true");
    assert_parses(c, "false", SLUICE_TYPE_BOOLEAN, NULL, "false");
    assert_parses(c, "null", -1, NULL, NULL);
    assert_parses(c, "5", SLUICE_TYPE_INT8, NULL, "5");
    assert_parses(c, "-128", SLUICE_TYPE_INT8, NULL, "-128");
    assert_parses(c, "1000", SLUICE_TYPE_INT16, NULL, "1000");
    assert_parses(c, "100000", SLUICE_TYPE_INT32, NULL, "100000");
    assert_parses(c, "10000000000", SLUICE_TYPE_INT64, NULL, "10000000000");
    assert_parses(c, "+7", SLUICE_TYPE_INT8, NULL, "7");
    assert_parses(c, "1e3", SLUICE_TYPE_INT16, NULL, "1000");
    assert_parses(c, "2.0", SLUICE_TYPE_INT8, NULL, "2");
    assert_parses(c, "3.14", SLUICE_TYPE_FLOAT32, NULL, "3.14");
    assert_parses(c, "-0.5", SLUICE_TYPE_FLOAT32, NULL, "-0.5");
    assert_parses(c, "1.5e300", SLUICE_TYPE_FLOAT64, NULL, "1.5E300");
    assert_parses(c, "12345678901234567890", SLUICE_TYPE_BYTES, SLUICE_LOGICAL_DECIMAL,
                  "12345678901234567890");
    assert_parses(c, "hello world", SLUICE_TYPE_STRING, NULL, "hello world");
    assert_parses(c, "", SLUICE_TYPE_STRING, NULL, "");
    assert_parses(c, "   ", SLUICE_TYPE_STRING, NULL, "   ");
    assert_parses(c, "true}", SLUICE_TYPE_STRING, NULL, "true}");
    /* Text after a number keeps it text (Kafka would keep only the 1). */
    assert_parses(c, "1,000", SLUICE_TYPE_STRING, NULL, "1,000");
    assert_parses(c, "42 apples", SLUICE_TYPE_STRING, NULL, "42 apples");
    assert_parses(c, "0x10", SLUICE_TYPE_STRING, NULL, "0x10");
    /* Bytes that are not UTF-8 are decoded first. */
    assert_parses(c, "a\xFF", SLUICE_TYPE_STRING, NULL, "a\xEF\xBF\xBD");

    assert_reads(c, NULL, 0, NULL, NULL);
    assert_writes_null(c, NULL, NULL);
    sluice_value_t *b = sluice_value_bytes("\x01\x02\x03", 3);
    assert_writes(c, NULL, b, "AQID");
    sluice_value_destroy(b);
    sluice_schema_t *dec = sluice_schema_decimal(1);
    b = sluice_value_bytes("\x01\x02\x03", 3);
    assert_writes(c, dec, b, "6605.1"); /* 0x010203 = 66051 */
    sluice_value_destroy(b);
    b = sluice_value_int32(5); /* not what the schema says: written as itself */
    assert_writes(c, dec, b, "5");
    sluice_value_destroy(b);
    sluice_schema_unref(dec);
    conv_close(c);
}

static void test_simple_header_temporal(void)
{
    conv_t *c = simple_open();
    assert_parses(c, "2019-09-04", SLUICE_TYPE_INT32, SLUICE_LOGICAL_DATE, "2019-09-04");
    assert_parses(c, "16:43:24.123Z", SLUICE_TYPE_INT32, SLUICE_LOGICAL_TIME, "16:43:24.123Z");
    assert_parses(c, "2019-09-04T16:43:24.000Z", SLUICE_TYPE_INT64, SLUICE_LOGICAL_TIMESTAMP,
                  "2019-09-04T16:43:24.000Z");
    assert_parses(c, "2019-02-30", SLUICE_TYPE_STRING, NULL, "2019-02-30");

    const sluice_schema_t *schema;
    sluice_value_t *value;
    const char *ts = "2019-09-04T16:43:24.000Z";
    CU_ASSERT_EQUAL(conv_read(c, ts, strlen(ts), &schema, &value), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_get_int64(value), 1567615404000LL);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);

    /* As in Kafka the text form follows the instant: midnight is a date. */
    sluice_schema_t *tss = sluice_schema_timestamp();
    value = sluice_value_int64(1567555200000LL);
    assert_writes(c, tss, value, "2019-09-04");
    sluice_value_destroy(value);
    sluice_schema_unref(tss);
    conv_close(c);
}

static void test_simple_header_arrays_and_maps(void)
{
    conv_t *c = simple_open();
    assert_parses(c, "[1,2,3]", SLUICE_TYPE_ARRAY, NULL, "[1,2,3]");
    assert_parses(c, "[ 1 , 2 ]", SLUICE_TYPE_ARRAY, NULL, "[1,2]");
    assert_parses(c, "[1,2.5]", SLUICE_TYPE_ARRAY, NULL, "[1.0,2.5]");
    assert_parses(c, "[\"a\",\"b,c\",\"q\\\"x\"]", SLUICE_TYPE_ARRAY, NULL,
                  "[\"a\",\"b,c\",\"q\\\"x\"]");
    assert_parses(c, "[1,null]", SLUICE_TYPE_ARRAY, NULL, "[1,null]");
    assert_parses(c, "[[1,2],[3]]", SLUICE_TYPE_ARRAY, NULL, "[[1,2],[3]]");
    assert_parses(c, "[true,\"x\"]", SLUICE_TYPE_ARRAY, NULL, "[true,\"x\"]");
    assert_parses(c, "[]", SLUICE_TYPE_ARRAY, NULL, "[]");
    assert_parses(c, "{\"a\":1,\"b\":2}", SLUICE_TYPE_MAP, NULL, "{\"a\":1,\"b\":2}");
    assert_parses(c, "{\"a\":[1],\"b\":[]}", SLUICE_TYPE_MAP, NULL, NULL);
    assert_parses(c, "{1:\"one\"}", SLUICE_TYPE_MAP, NULL, "{1:\"one\"}");
    /* What does not parse as an array or map is the whole text. */
    assert_parses(c, "[1,2", SLUICE_TYPE_STRING, NULL, "[1,2");
    assert_parses(c, "[a,b]", SLUICE_TYPE_STRING, NULL, "[a,b]");
    assert_parses(c, "[1,,2]", SLUICE_TYPE_STRING, NULL, "[1,,2]");
    assert_parses(c, "{\"a\"}", SLUICE_TYPE_STRING, NULL, "{\"a\"}");
    assert_parses(c, "{null:1}", SLUICE_TYPE_STRING, NULL, "{null:1}");

    const sluice_schema_t *schema;
    sluice_value_t *value;
    CU_ASSERT_EQUAL(conv_read(c, "[1,2.5]", 7, &schema, &value), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_schema_value_schema(schema)), SLUICE_TYPE_FLOAT32);
    CU_ASSERT_EQUAL(sluice_value_get_float32(sluice_value_array_get(value, 0)), 1.0f);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
    CU_ASSERT_EQUAL(conv_read(c, "[1,\"a\"]", 7, &schema, &value), SLUICE_OK);
    CU_ASSERT_PTR_NULL(schema); /* no common element schema */
    CU_ASSERT_EQUAL(sluice_value_array_count(value), 2);
    sluice_value_destroy(value);

    /* A struct is written as a map with its field names. */
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_add_field(st, "name", sluice_schema_of(SLUICE_TYPE_STRING, false), conv_err,
                            sizeof conv_err);
    sluice_schema_add_field(st, "n", sluice_schema_of(SLUICE_TYPE_INT32, true), conv_err,
                            sizeof conv_err);
    value = sluice_value_struct_new(st);
    sluice_value_struct_put(value, "name", sluice_value_cstring("A\"nn"), conv_err,
                            sizeof conv_err);
    assert_writes(c, st, value, "{\"name\":\"A\\\"nn\",\"n\":null}");
    sluice_value_destroy(value);
    sluice_schema_unref(st);
    conv_close(c);
}

/* Reads text as expected_schema and expected_value (taken), writes that
 * back as text itself, and reads what was written as the same schema and
 * value: a header passed through a connector is unchanged. */
static void assert_round_trips(conv_t *c, const char *text, const sluice_schema_t *expected_schema,
                               sluice_value_t *expected_value)
{
    const sluice_schema_t *schema;
    sluice_value_t *value;
    CU_ASSERT_EQUAL_FATAL(conv_read(c, text, strlen(text), &schema, &value), SLUICE_OK);
    bool same =
        sluice_schema_equals(schema, expected_schema) && sluice_value_equals(value, expected_value);
    if (!same)
        fprintf(stderr, "\n  \"%s\" read as %s\n", text,
                schema ? sluice_type_name(sluice_schema_type(schema)) : "(no schema)");
    CU_ASSERT(same);
    sluice_result_t rc;
    sluice_buf_t *out = conv_write(c, schema, value, &rc);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    bool same_text = sluice_buf_len(out) == strlen(text) &&
                     memcmp(sluice_buf_data(out), text, strlen(text)) == 0;
    if (!same_text)
        fprintf(stderr, "\n  \"%s\" written back as \"%.*s\"\n", text, (int)sluice_buf_len(out),
                sluice_buf_data(out));
    CU_ASSERT(same_text);
    assert_reads(c, sluice_buf_data(out), sluice_buf_len(out), expected_schema, expected_value);
    sluice_buf_destroy(out);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
}

static sluice_value_t *decimal_value(const char *digits)
{
    sluice_buf_t *unscaled = sluice_buf_new();
    CU_ASSERT_EQUAL_FATAL(
        sluice_decimal_from_string(digits, 0, unscaled, conv_err, sizeof conv_err), 0);
    sluice_value_t *value = sluice_value_bytes(sluice_buf_data(unscaled), sluice_buf_len(unscaled));
    sluice_buf_destroy(unscaled);
    return value;
}

/* Decimal, Date, Time and Timestamp elements of an array or map keep their
 * type and text form, also where the elements differ in type: values carry
 * no logical type of their own, so either the container's schema says it,
 * or the header stays the text it was. */
static void test_simple_header_logical_elements(void)
{
    conv_t *c = simple_open();

    /* Integers and a Decimal: a Decimal array, not base64 text. */
    sluice_schema_t *decimal = sluice_schema_decimal(0);
    sluice_schema_t *schema = sluice_schema_array(decimal);
    sluice_value_t *value = sluice_value_array_new();
    sluice_value_array_append(value, decimal_value("12345678901234567890"));
    sluice_value_array_append(value, decimal_value("1"));
    assert_round_trips(c, "[12345678901234567890,1]", schema, value);
    sluice_schema_unref(schema);
    /* The same for map keys, with a negative integer. */
    schema = sluice_schema_map(decimal, sluice_schema_of(SLUICE_TYPE_STRING, false));
    value = sluice_value_map_new();
    sluice_value_map_put(value, decimal_value("-1"), sluice_value_cstring("a"));
    sluice_value_map_put(value, decimal_value("12345678901234567890"), sluice_value_cstring("b"));
    assert_round_trips(c, "{-1:\"a\",12345678901234567890:\"b\"}", schema, value);
    sluice_schema_unref(schema);
    sluice_schema_unref(decimal);

    /* Dates, times and timestamps together: Timestamps, each written in the
     * form its instant takes (as Kafka, where all are java.util.Date). */
    sluice_schema_t *timestamp = sluice_schema_timestamp();
    sluice_schema_set_optional(timestamp, true);
    schema = sluice_schema_array(timestamp);
    value = sluice_value_array_new();
    sluice_value_array_append(value, sluice_value_int64(1706659200000LL)); /* 2024-01-31 */
    sluice_value_array_append(value, NULL);
    sluice_value_array_append(value, sluice_value_int64(45000000)); /* 12:30 */
    sluice_value_array_append(value, sluice_value_int64(1706774400000LL));
    assert_round_trips(c, "[2024-01-31,null,12:30:00.000Z,2024-02-01T08:00:00.000Z]", schema,
                       value);
    sluice_schema_unref(schema);
    sluice_schema_unref(timestamp);

    /* No schema fits a date and a string, or a time and a float: the header
     * is the text it was, not [19753,"x"] or a map<string,float32>. */
    static const char *const texts[] = {
        "[2024-01-31,\"x\"]",
        "{\"a\":\"12:30:00.000Z\",\"b\":1.5}",
        "[12345678901234567890,1.5]",
        "[[2024-01-31],\"x\"]",
        "{\"d\":{1:12345678901234567890},\"n\":true}",
        "{2024-01-31:1,\"x\":2}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_round_trips(c, texts[i], sluice_schema_of(SLUICE_TYPE_STRING, false),
                           sluice_value_cstring(texts[i]));

    /* Without logical types the elements need no schema: they stay as read,
     * numbers not widened (as in Kafka, which aligns only under a schema). */
    value = sluice_value_map_new();
    sluice_value_map_put(value, sluice_value_cstring("a"), sluice_value_int8(1));
    sluice_value_map_put(value, sluice_value_int8(0), sluice_value_float32(1.5f));
    assert_round_trips(c, "{\"a\":1,0:1.5}", NULL, value);

    /* A key given twice keeps its last value, and the schema is that of the
     * values kept: the string overwritten does not leave the map schemaless. */
    schema = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false),
                               sluice_schema_of(SLUICE_TYPE_FLOAT32, false));
    value = sluice_value_map_new();
    sluice_value_map_put(value, sluice_value_cstring("a"), sluice_value_float32(2.5f));
    sluice_value_map_put(value, sluice_value_cstring("b"), sluice_value_float32(2.0f));
    const char *twice = "{\"a\":\"s\",\"b\":2,\"a\":2.5}";
    assert_reads(c, twice, strlen(twice), schema, sluice_value_copy(value));
    assert_round_trips(c, "{\"a\":2.5,\"b\":2.0}", schema, value);
    sluice_schema_unref(schema);
    conv_close(c);
}

/* Random text made of the parser's delimiters and number pieces never
 * crashes it and always gives a value that writes back. */
static void test_simple_header_never_crashes(void)
{
    conv_t *c = simple_open();
    static const char *const pieces[] = {"[",    "]", "{",          "}",  ",",    ":",  "\"",
                                         "\\",   " ", "1",          "-",  ".5",   "e3", "null",
                                         "true", "a", "2019-09-04", "12", "\xC3", "\\:"};
    unsigned seed = 12345;
    char text[64];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        int n = (int)(seed % 12);
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            size_t plen = strlen(piece);
            if (len + plen >= sizeof text)
                break;
            memcpy(text + len, piece, plen);
            len += plen;
        }
        seed = seed * 1103515245u + 12345u;
        const sluice_schema_t *schema;
        sluice_value_t *value;
        CU_ASSERT_EQUAL(conv_read(c, text, len, &schema, &value), SLUICE_OK);
        if (schema && value)
            CU_ASSERT_EQUAL(sluice_value_validate(schema, value, conv_err, sizeof conv_err), 0);
        sluice_result_t rc;
        sluice_buf_destroy(conv_write(c, schema, value, &rc));
        CU_ASSERT_EQUAL(rc, SLUICE_OK);
        sluice_schema_unref(schema);
        sluice_value_destroy(value);
    }
    /* Deep nesting is text, not a stack overflow. */
    char deep[4001];
    memset(deep, '[', 2000);
    memset(deep + 2000, ']', 2000);
    deep[4000] = '\0';
    assert_parses(c, deep, SLUICE_TYPE_STRING, NULL, NULL);
    conv_close(c);
}

void test_register(void)
{
    TEST_SUITE("converters plugin", {"lists every class", test_plugin_lists_every_class});
    TEST_SUITE("StringConverter", {"round trip", test_string_converter_round_trip},
               {"text forms", test_string_converter_text_forms},
               {"encodings", test_string_converter_encodings},
               {"header converter", test_string_header_converter});
    TEST_SUITE("ByteArrayConverter", {"pass-through and errors", test_byte_array_converter});
    TEST_SUITE("number converters", {"integer, long, short", test_integer_long_short_converters},
               {"float, double", test_float_double_converters},
               {"boolean", test_boolean_converter});
    TEST_SUITE("SimpleHeaderConverter", {"scalars", test_simple_header_scalars},
               {"dates and times", test_simple_header_temporal},
               {"arrays and maps", test_simple_header_arrays_and_maps},
               {"logical types in arrays and maps", test_simple_header_logical_elements},
               {"never crashes", test_simple_header_never_crashes});
}
