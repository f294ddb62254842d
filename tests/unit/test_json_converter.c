/*
 * JsonConverter, loaded from the real converters.so through the plugin
 * registry. The expected bytes are what Kafka's JsonConverter writes for the
 * same data (Jackson's layout, escaping and number formatting).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/plugin.h>

#include "ctx.h"
#include "converter_harness.h"
#include "test_util.h"

/* ---- a converter instance ---------------------------------------------------- */

/* JsonConverter (as a converter, or a header converter) with "key", "value"
 * … properties, NULL-terminated. */
#define json_open_kind(kind, ...) conv_open((kind), "JsonConverter", __VA_ARGS__)
#define json_open(...) json_open_kind(SLUICE_CLASS_CONVERTER, __VA_ARGS__)

static sluice_result_t conv_read_str(conv_t *c, const char *text, const sluice_schema_t **schema,
                                     sluice_value_t **value)
{
    return conv_read(c, text, strlen(text), schema, value);
}

/* Asserts that writing gives exactly expected. */
static void assert_writes(conv_t *c, const sluice_schema_t *schema, const sluice_value_t *value,
                          const char *expected)
{
    sluice_result_t rc;
    sluice_buf_t *out = conv_write(c, schema, value, &rc);
    if (rc != SLUICE_OK)
        fprintf(stderr, "\n  write failed: %s\n", conv_err);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    bool same = sluice_buf_len(out) == strlen(expected) &&
                memcmp(sluice_buf_data(out), expected, strlen(expected)) == 0;
    if (!same)
        fprintf(stderr, "\n  expected %s\n  got      %.*s\n", expected, (int)sluice_buf_len(out),
                sluice_buf_data(out));
    CU_ASSERT(same);
    sluice_buf_destroy(out);
}

/* Asserts that text reads, and that writing what was read gives the same
 * bytes again; hands back what was read when schema/value are non-NULL. */
static void assert_reads_back(conv_t *c, const char *text, const sluice_schema_t **schema_out,
                              sluice_value_t **value_out)
{
    const sluice_schema_t *schema;
    sluice_value_t *value;
    sluice_result_t rc = conv_read_str(c, text, &schema, &value);
    if (rc != SLUICE_OK)
        fprintf(stderr, "\n  read failed: %s\n", conv_err);
    CU_ASSERT_EQUAL_FATAL(rc, SLUICE_OK);
    assert_writes(c, schema, value, text);
    if (schema_out)
        *schema_out = schema;
    else
        sluice_schema_unref(schema);
    if (value_out)
        *value_out = value;
    else
        sluice_value_destroy(value);
}

/* Asserts that reading text fails with a message containing each needle
 * (NULL-terminated), and never returns anything. */
static void assert_read_fails(conv_t *c, const char *text, ...)
{
    const sluice_schema_t *schema;
    sluice_value_t *value;
    sluice_result_t rc = conv_read_str(c, text, &schema, &value);
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    CU_ASSERT_PTR_NULL(schema);
    CU_ASSERT_PTR_NULL(value);
    va_list ap;
    va_start(ap, text);
    for (const char *needle = va_arg(ap, const char *); needle; needle = va_arg(ap, const char *))
        ASSERT_CONTAINS(conv_err, needle);
    va_end(ap);
    if (rc == SLUICE_OK) {
        sluice_schema_unref(schema);
        sluice_value_destroy(value);
    }
}

static sluice_schema_t *optional(sluice_schema_t *schema)
{
    sluice_schema_set_optional(schema, true);
    return schema;
}

static void add_field(sluice_schema_t *st, const char *name, const sluice_schema_t *fs)
{
    CU_ASSERT_EQUAL_FATAL(sluice_schema_add_field(st, name, fs, conv_err, sizeof conv_err), 0);
}

/* Adds a field and drops the caller's reference to a schema it made. */
static void add_field_take(sluice_schema_t *st, const char *name, sluice_schema_t *fs)
{
    add_field(st, name, fs);
    sluice_schema_unref(fs);
}

static void put(sluice_value_t *st, const char *field, sluice_value_t *v)
{
    CU_ASSERT_EQUAL_FATAL(sluice_value_struct_put(st, field, v, conv_err, sizeof conv_err), 0);
}

/* ---- the two examples, byte for byte ----------------------------------------- */

static const char login_json[] =
    "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":true,"
    "\"field\":\"username\"},{\"type\":\"int64\",\"optional\":true,\"name\":"
    "\"org.apache.kafka.connect.data.Timestamp\",\"version\":1,\"field\":\"login_time\"}],"
    "\"optional\":false,\"name\":\"login\"},\"payload\":{\"username\":\"isea\",\"login_time\":"
    "1567615404000}}";

static void test_login_example(void)
{
    conv_t *c = json_open(NULL);
    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(schema, "login");
    add_field(schema, "username", sluice_schema_of(SLUICE_TYPE_STRING, true));
    add_field_take(schema, "login_time", optional(sluice_schema_timestamp()));
    sluice_value_t *value = sluice_value_struct_new(schema);
    put(value, "username", sluice_value_cstring("isea"));
    put(value, "login_time", sluice_value_int64(1567615404000LL));

    assert_writes(c, schema, value, login_json);

    const sluice_schema_t *back_schema;
    sluice_value_t *back;
    assert_reads_back(c, login_json, &back_schema, &back);
    CU_ASSERT(sluice_schema_equals(back_schema, schema));
    CU_ASSERT(sluice_value_equals(back, value));
    CU_ASSERT(sluice_schema_is_logical(sluice_schema_field_schema(back_schema, 1),
                                       SLUICE_LOGICAL_TIMESTAMP));
    sluice_schema_unref(back_schema);
    sluice_value_destroy(back);
    sluice_value_destroy(value);
    sluice_schema_unref(schema);
    conv_close(c);
}

static void test_string_example(void)
{
    conv_t *c = json_open(NULL);
    const char *expected = "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":"
                           "\"hello\"}";
    sluice_value_t *value = sluice_value_cstring("hello");
    assert_writes(c, sluice_schema_of(SLUICE_TYPE_STRING, false), value, expected);
    const sluice_schema_t *schema;
    sluice_value_t *back;
    assert_reads_back(c, expected, &schema, &back);
    CU_ASSERT(sluice_schema_equals(schema, sluice_schema_of(SLUICE_TYPE_STRING, false)));
    CU_ASSERT(sluice_value_equals(back, value));
    sluice_schema_unref(schema);
    sluice_value_destroy(back);
    sluice_value_destroy(value);

    /* Without schemas the same value is just the JSON string. */
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    value = sluice_value_cstring("hello");
    assert_writes(plain, sluice_schema_of(SLUICE_TYPE_STRING, false), value, "\"hello\"");
    sluice_value_destroy(value);
    conv_close(plain);
    conv_close(c);
}

/* ---- every type, with and without the envelope -------------------------------- */

typedef struct type_case {
    sluice_type_t type;
    sluice_value_t *(*make)(void);
    const char *schema_json;
    const char *payload;
} type_case_t;

static sluice_value_t *make_int8(void)
{
    return sluice_value_int8(-128);
}
static sluice_value_t *make_int16(void)
{
    return sluice_value_int16(32767);
}
static sluice_value_t *make_int32(void)
{
    return sluice_value_int32(-2147483647 - 1);
}
static sluice_value_t *make_int64(void)
{
    return sluice_value_int64(9223372036854775807LL);
}
static sluice_value_t *make_float32(void)
{
    return sluice_value_float32(0.1f);
}
static sluice_value_t *make_float64(void)
{
    return sluice_value_float64(123456.789);
}
static sluice_value_t *make_boolean(void)
{
    return sluice_value_boolean(true);
}
static sluice_value_t *make_string(void)
{
    return sluice_value_cstring("caf\xC3\xA9");
}
static sluice_value_t *make_bytes(void)
{
    return sluice_value_bytes("\x00\x01\xFEhi", 5);
}

static const type_case_t type_cases[] = {
    {SLUICE_TYPE_INT8, make_int8, "{\"type\":\"int8\",\"optional\":false}", "-128"},
    {SLUICE_TYPE_INT16, make_int16, "{\"type\":\"int16\",\"optional\":false}", "32767"},
    {SLUICE_TYPE_INT32, make_int32, "{\"type\":\"int32\",\"optional\":false}", "-2147483648"},
    {SLUICE_TYPE_INT64, make_int64, "{\"type\":\"int64\",\"optional\":false}",
     "9223372036854775807"},
    {SLUICE_TYPE_FLOAT32, make_float32, "{\"type\":\"float\",\"optional\":false}", "0.1"},
    {SLUICE_TYPE_FLOAT64, make_float64, "{\"type\":\"double\",\"optional\":false}", "123456.789"},
    {SLUICE_TYPE_BOOLEAN, make_boolean, "{\"type\":\"boolean\",\"optional\":false}", "true"},
    {SLUICE_TYPE_STRING, make_string, "{\"type\":\"string\",\"optional\":false}",
     "\"caf\xC3\xA9\""},
    {SLUICE_TYPE_BYTES, make_bytes, "{\"type\":\"bytes\",\"optional\":false}", "\"AAH+aGk=\""},
};

static void test_primitive_types(void)
{
    conv_t *c = json_open(NULL);
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    char expected[256];
    for (size_t i = 0; i < sizeof type_cases / sizeof type_cases[0]; i++) {
        const type_case_t *tc = &type_cases[i];
        const sluice_schema_t *schema = sluice_schema_of(tc->type, false);
        sluice_value_t *value = tc->make();
        snprintf(expected, sizeof expected, "{\"schema\":%s,\"payload\":%s}", tc->schema_json,
                 tc->payload);
        assert_writes(c, schema, value, expected);

        const sluice_schema_t *back_schema;
        sluice_value_t *back;
        assert_reads_back(c, expected, &back_schema, &back);
        CU_ASSERT(sluice_schema_equals(back_schema, schema));
        CU_ASSERT(sluice_value_equals(back, value));
        sluice_schema_unref(back_schema);
        sluice_value_destroy(back);

        /* No envelope: the payload alone. */
        assert_writes(plain, schema, value, tc->payload);
        sluice_value_destroy(value);
    }
    conv_close(plain);
    conv_close(c);
}

static void test_optional_types_and_nulls(void)
{
    conv_t *c = json_open(NULL);
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    const sluice_schema_t *opt = sluice_schema_of(SLUICE_TYPE_INT32, true);
    assert_writes(c, opt, NULL,
                  "{\"schema\":{\"type\":\"int32\",\"optional\":true},\"payload\":null}");
    assert_reads_back(c, "{\"schema\":{\"type\":\"int32\",\"optional\":true},\"payload\":null}",
                      NULL, NULL);
    /* A null under an optional schema is the JSON null, not a tombstone. */
    assert_writes(plain, opt, NULL, "null");

    /* A value without a schema keeps schema null in the envelope. */
    sluice_value_t *v = sluice_value_int64(5);
    assert_writes(c, NULL, v, "{\"schema\":null,\"payload\":5}");
    sluice_value_destroy(v);
    conv_close(plain);
    conv_close(c);
}

static void test_tombstones(void)
{
    conv_t *c = json_open(NULL);
    sluice_result_t rc;
    sluice_buf_t *out = conv_write(c, NULL, NULL, &rc);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    CU_ASSERT(sluice_buf_is_null(out));
    sluice_buf_destroy(out);

    const sluice_schema_t *schema;
    sluice_value_t *value;
    CU_ASSERT_EQUAL(conv_read(c, NULL, 0, &schema, &value), SLUICE_OK);
    CU_ASSERT_PTR_NULL(schema);
    CU_ASSERT_PTR_NULL(value);

    /* Empty bytes are Jackson's missing node: no envelope with schemas… */
    assert_read_fails(c, "", "requires \"schema\" and \"payload\" fields", NULL);
    conv_close(c);

    /* …and null without them. */
    c = json_open("schemas.enable", "false", NULL);
    CU_ASSERT_EQUAL(conv_read(c, "", 0, &schema, &value), SLUICE_OK);
    CU_ASSERT_PTR_NULL(value);
    CU_ASSERT_EQUAL(conv_read_str(c, "  null ", &schema, &value), SLUICE_OK);
    CU_ASSERT_PTR_NULL(schema);
    CU_ASSERT_PTR_NULL(value);
    conv_close(c);
}

/* ---- logical types -------------------------------------------------------- */

static void test_logical_types(void)
{
    conv_t *c = json_open(NULL);
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    struct {
        sluice_schema_t *schema;
        sluice_value_t *value;
        const char *expected;
        const char *payload;
    } cases[] = {
        {sluice_schema_date(), sluice_value_int32(19000),
         "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":"
         "\"org.apache.kafka.connect.data.Date\",\"version\":1},\"payload\":19000}",
         "19000"},
        {sluice_schema_time(), sluice_value_int32(45296789),
         "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":"
         "\"org.apache.kafka.connect.data.Time\",\"version\":1},\"payload\":45296789}",
         "45296789"},
        {sluice_schema_timestamp(), sluice_value_int64(-1000),
         "{\"schema\":{\"type\":\"int64\",\"optional\":false,\"name\":"
         "\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},\"payload\":-1000}",
         "-1000"},
        {sluice_schema_decimal(2), sluice_value_bytes("\x30\x39", 2), /* 123.45 */
         "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
         "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":"
         "\"2\"}},\"payload\":\"MDk=\"}",
         "\"MDk=\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_writes(c, cases[i].schema, cases[i].value, cases[i].expected);
        assert_writes(plain, cases[i].schema, cases[i].value, cases[i].payload);
        const sluice_schema_t *schema;
        sluice_value_t *value;
        assert_reads_back(c, cases[i].expected, &schema, &value);
        CU_ASSERT(sluice_schema_equals(schema, cases[i].schema));
        CU_ASSERT(sluice_value_equals(value, cases[i].value));
        sluice_schema_unref(schema);
        sluice_value_destroy(value);
        sluice_schema_unref(cases[i].schema);
        sluice_value_destroy(cases[i].value);
    }

    /* Kafka's checks on the integers. */
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Time\",\"version\":1},\"payload\":-5}",
                      "Time values must use number of milliseconds", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Date\",\"version\":1},\"payload\":1.5}",
                      "Invalid type for Date", "NUMBER", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"int64\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},\"payload\":"
                      "\"2020-01-01\"}",
                      "Invalid type for Timestamp", "STRING", NULL);
    sluice_schema_t *time = sluice_schema_time();
    sluice_value_t *bad = sluice_value_int32(90000000);
    sluice_result_t rc;
    sluice_buf_destroy(conv_write(c, time, bad, &rc));
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    ASSERT_CONTAINS(conv_err, "Time type should not have any date fields");
    sluice_value_destroy(bad);
    sluice_schema_unref(time);
    conv_close(plain);
    conv_close(c);
}

static void test_decimal_base64_and_numeric(void)
{
    conv_t *b64 = json_open(NULL);
    conv_t *num = json_open("decimal.format", "numeric", NULL); /* any case */
    const char *b64_schema = "{\"type\":\"bytes\",\"optional\":false,\"name\":"
                             "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                             "\"parameters\":{\"scale\":\"%d\"}}";
    struct {
        int scale;
        const char *bytes;
        size_t len;
        const char *base64;
        const char *numeric;
    } cases[] = {
        {2, "\xFF\x6A", 2, "/2o=", "-1.50"}, {2, "\x30\x39", 2, "MDk=", "123.45"},
        {0, "\x00", 1, "AA==", "0"},         {10, "\x01", 1, "AQ==", "1E-10"},
        {-2, "\x0C", 1, "DA==", "1.2E+3"},   {4, "\x01\x86\xA0", 3, "AYag", "10.0000"},
    };
    char schema_json[256], expected[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sluice_schema_t *schema = sluice_schema_decimal(cases[i].scale);
        sluice_value_t *value = sluice_value_bytes(cases[i].bytes, cases[i].len);
        snprintf(schema_json, sizeof schema_json, b64_schema, cases[i].scale);
        snprintf(expected, sizeof expected, "{\"schema\":%s,\"payload\":\"%s\"}", schema_json,
                 cases[i].base64);
        assert_writes(b64, schema, value, expected);
        const sluice_schema_t *s;
        sluice_value_t *v;
        assert_reads_back(b64, expected, &s, &v);
        CU_ASSERT(sluice_value_equals(v, value));
        sluice_schema_unref(s);
        sluice_value_destroy(v);

        snprintf(expected, sizeof expected, "{\"schema\":%s,\"payload\":%s}", schema_json,
                 cases[i].numeric);
        assert_writes(num, schema, value, expected);
        assert_reads_back(num, expected, &s, &v);
        CU_ASSERT(sluice_value_equals(v, value));
        sluice_schema_unref(s);
        sluice_value_destroy(v);
        sluice_value_destroy(value);
        sluice_schema_unref(schema);
    }

    /* Either form reads whatever decimal.format says, and a number keeps
     * every digit even beyond what a double holds. */
    const char *wide = "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
                       "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":"
                       "{\"scale\":\"9\"}},\"payload\":12345678901234567890.123456789}";
    assert_reads_back(num, wide, NULL, NULL);
    const sluice_schema_t *s;
    sluice_value_t *v;
    CU_ASSERT_EQUAL(conv_read_str(b64, wide, &s, &v), SLUICE_OK);
    sluice_buf_t *text = sluice_buf_new();
    size_t len;
    const uint8_t *bytes = sluice_value_get_bytes(v, &len);
    sluice_decimal_to_string(bytes, len, 9, text);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(text), "12345678901234567890.123456789");
    sluice_buf_destroy(text);
    sluice_schema_unref(s);
    sluice_value_destroy(v);

    /* Integers beyond int64, as Kafka writes scale-0 decimals, read back. */
    const char *big = "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":"
                      "{\"scale\":\"0\"}},\"payload\":-123456789012345678901234567890}";
    assert_reads_back(num, big, NULL, NULL);

    /* A number with more digits than the scale allows is refused, not rounded. */
    assert_read_fails(num,
                      "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":"
                      "{\"scale\":\"2\"}},\"payload\":1.234}",
                      "Decimal with scale 2", "$.payload", NULL);
    assert_read_fails(num,
                      "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Decimal\",\"version\":1},\"payload\":1}",
                      "scale parameter not found", NULL);
    assert_read_fails(num,
                      "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":"
                      "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":"
                      "{\"scale\":\"2\"}},\"payload\":true}",
                      "should be numeric or bytes but was BOOLEAN", NULL);
    conv_close(num);
    conv_close(b64);

    /* decimal.format is checked when the config is parsed. */
    conv_t *probe = json_open(NULL);
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "decimal.format", "HEX");
    sluice_config_t *config =
        sluice_config_new(probe->cls->config, props, conv_err, sizeof conv_err);
    CU_ASSERT_PTR_NULL(config);
    ASSERT_CONTAINS(conv_err, "decimal.format");
    sluice_config_destroy(config);
    sluice_strmap_destroy(props);
    conv_close(probe);
}

/* ---- containers ------------------------------------------------------------- */

static void test_maps(void)
{
    conv_t *c = json_open(NULL);
    /* String keys: a JSON object. */
    sluice_schema_t *smap = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false),
                                              sluice_schema_of(SLUICE_TYPE_INT32, true));
    sluice_value_t *m = sluice_value_map_new();
    sluice_value_map_put_str(m, "b", sluice_value_int32(2));
    sluice_value_map_put_str(m, "a", NULL);
    const char *sjson = "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":"
                        "false},\"values\":{\"type\":\"int32\",\"optional\":true},\"optional\":"
                        "false},\"payload\":{\"b\":2,\"a\":null}}";
    assert_writes(c, smap, m, sjson);
    sluice_value_t *back;
    const sluice_schema_t *bs;
    assert_reads_back(c, sjson, &bs, &back);
    CU_ASSERT(sluice_value_equals(back, m));
    sluice_schema_unref(bs);
    sluice_value_destroy(back);
    sluice_value_destroy(m);
    sluice_schema_unref(smap);

    /* Other keys: a list of [key, value] pairs. */
    sluice_schema_t *imap = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_INT32, false),
                                              sluice_schema_of(SLUICE_TYPE_STRING, false));
    m = sluice_value_map_new();
    sluice_value_map_put(m, sluice_value_int32(1), sluice_value_cstring("one"));
    sluice_value_map_put(m, sluice_value_int32(-2), sluice_value_cstring("minus two"));
    const char *ijson = "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":"
                        "false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":"
                        "false},\"payload\":[[1,\"one\"],[-2,\"minus two\"]]}";
    assert_writes(c, imap, m, ijson);
    assert_reads_back(c, ijson, &bs, &back);
    CU_ASSERT(sluice_value_equals(back, m));
    sluice_schema_unref(bs);
    sluice_value_destroy(back);

    /* A key that is not what the key schema says is refused. */
    sluice_schema_t *skeys = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false),
                                               sluice_schema_of(SLUICE_TYPE_STRING, false));
    sluice_result_t rc;
    sluice_buf_destroy(conv_write(c, skeys, m, &rc));
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    ASSERT_CONTAINS(conv_err, "Invalid type for STRING: INT32");
    sluice_schema_unref(skeys);

    /* Without schemas, a map with any non-string key is pairs too. */
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    assert_writes(plain, NULL, m, "[[1,\"one\"],[-2,\"minus two\"]]");
    conv_close(plain);
    sluice_value_destroy(m);
    sluice_schema_unref(imap);

    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":"
                      "false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":"
                      "false},\"payload\":[[1,\"one\",3]]}",
                      "expected length 2 but found :3", "$.payload[0]", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":"
                      "false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":"
                      "false},\"payload\":{\"1\":\"one\"}}",
                      "Maps with non-string fields should be encoded as JSON array of tuples, but "
                      "found OBJECT",
                      NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":"
                      "false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":"
                      "false},\"payload\":[]}",
                      "Maps with string fields should be encoded as JSON objects, but found ARRAY",
                      NULL);
    conv_close(c);
}

static const char nested_json[] =
    "{\"schema\":{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"array\",\"items\":{\"type\":\"int64\",\"optional\":true},\"optional\":false,"
    "\"field\":\"ids\"},"
    "{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":false},\"values\":{\"type\":"
    "\"double\",\"optional\":false},\"optional\":true,\"doc\":\"scores\",\"field\":\"scores\"},"
    "{\"type\":\"int32\",\"optional\":false,\"default\":7,\"field\":\"n\"},"
    "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
    "\"version\":1,\"parameters\":{\"scale\":\"3\"},\"field\":\"price\"},"
    "{\"type\":\"array\",\"items\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\","
    "\"optional\":false,\"field\":\"street\"}],\"optional\":false,\"name\":\"address\"},"
    "\"optional\":false,\"field\":\"addresses\"},"
    "{\"type\":\"boolean\",\"optional\":true,\"default\":false,\"field\":\"flag\"}"
    "],\"optional\":false,\"name\":\"rec\",\"version\":3,\"doc\":\"a \\\"record\\\"\","
    "\"parameters\":{\"a\":\"1\",\"b\":\"x\"}},"
    "\"payload\":{\"ids\":[1,null,3],\"scores\":{\"a\":0.5,\"b\":1.0E-5},\"n\":7,"
    "\"price\":\"AeI=\",\"addresses\":[{\"street\":\"Main\"},{\"street\":\"Side\"}],"
    "\"flag\":true}}";

static void test_nested_schema_reserialises_identically(void)
{
    conv_t *c = json_open(NULL);
    const sluice_schema_t *schema;
    sluice_value_t *value;
    assert_reads_back(c, nested_json, &schema, &value);
    CU_ASSERT_EQUAL(sluice_schema_field_count(schema), 6);
    CU_ASSERT_STRING_EQUAL(sluice_schema_doc(schema), "a \"record\"");
    const sluice_value_t *addresses = sluice_value_struct_get(value, "addresses");
    CU_ASSERT_EQUAL(sluice_value_array_count(addresses), 2);
    const sluice_value_t *street =
        sluice_value_struct_get(sluice_value_array_get(addresses, 1), "street");
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(street, NULL), "Side");
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
    conv_close(c);
}

static void test_struct_writes(void)
{
    conv_t *c = json_open(NULL);
    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(schema, "name", sluice_schema_of(SLUICE_TYPE_STRING, false));
    add_field(schema, "age", sluice_schema_of(SLUICE_TYPE_INT32, true));
    sluice_value_t *value = sluice_value_struct_new(schema);
    put(value, "age", sluice_value_int32(3));

    /* A required field left null is Kafka's conversion error, with its place. */
    sluice_result_t rc;
    sluice_buf_destroy(conv_write(c, schema, value, &rc));
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    ASSERT_CONTAINS(conv_err, "null value for field that is required and has no default value");
    ASSERT_CONTAINS(conv_err, "$.payload.name");

    /* A value of another type than its schema. */
    sluice_value_t *s = sluice_value_cstring("x");
    sluice_buf_destroy(conv_write(c, sluice_schema_of(SLUICE_TYPE_INT32, false), s, &rc));
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    ASSERT_CONTAINS(conv_err, "Invalid type for INT32: STRING");
    sluice_value_destroy(s);

    /* A struct built for another schema. */
    sluice_schema_t *other = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(other, "name", sluice_schema_of(SLUICE_TYPE_STRING, false));
    sluice_buf_destroy(conv_write(c, other, value, &rc));
    CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
    ASSERT_CONTAINS(conv_err, "Mismatching schema.");
    sluice_schema_unref(other);

    put(value, "name", sluice_value_cstring("Ann"));
    assert_writes(c, schema, value,
                  "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":"
                  "false,\"field\":\"name\"},{\"type\":\"int32\",\"optional\":true,\"field\":"
                  "\"age\"}],\"optional\":false},\"payload\":{\"name\":\"Ann\",\"age\":3}}");
    /* Without a schema a struct is written with its own. */
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    assert_writes(plain, NULL, value, "{\"name\":\"Ann\",\"age\":3}");
    conv_close(plain);
    sluice_value_destroy(value);
    sluice_schema_unref(schema);
    conv_close(c);
}

/* ---- replace.null.with.default ----------------------------------------------- */

static void test_replace_null_with_default(void)
{
    conv_t *on = json_open(NULL);
    conv_t *off = json_open("replace.null.with.default", "false", NULL);
    sluice_schema_t *schema = optional(sluice_schema_new(SLUICE_TYPE_INT32));
    CU_ASSERT_EQUAL_FATAL(
        sluice_schema_set_default(schema, sluice_value_int32(42), conv_err, sizeof conv_err), 0);
    const char *with_default = "{\"schema\":{\"type\":\"int32\",\"optional\":true,\"default\":42},"
                               "\"payload\":%s}";
    char expected[256];
    snprintf(expected, sizeof expected, with_default, "42");
    assert_writes(on, schema, NULL, expected);
    snprintf(expected, sizeof expected, with_default, "null");
    assert_writes(off, schema, NULL, expected);

    const sluice_schema_t *s;
    sluice_value_t *v;
    CU_ASSERT_EQUAL(conv_read_str(on, expected, &s, &v), SLUICE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(sluice_value_get_int32(v), 42);
    sluice_schema_unref(s);
    sluice_value_destroy(v);
    CU_ASSERT_EQUAL(conv_read_str(off, expected, &s, &v), SLUICE_OK);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_schema_default(s)), 42);
    sluice_schema_unref(s);

    /* A struct field left null takes the field's default too. */
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(st, "n", schema);
    sluice_value_t *value = sluice_value_struct_new(st);
    conv_t *plain_on = json_open("schemas.enable", "false", NULL);
    conv_t *plain_off =
        json_open("schemas.enable", "false", "replace.null.with.default", "false", NULL);
    assert_writes(plain_on, st, value, "{\"n\":42}");
    assert_writes(plain_off, st, value, "{\"n\":null}");
    conv_close(plain_on);
    conv_close(plain_off);
    sluice_value_destroy(value);
    sluice_schema_unref(st);
    sluice_schema_unref(schema);
    conv_close(on);
    conv_close(off);
}

/* ---- schemaless ------------------------------------------------------------- */

static void test_schemaless_inference(void)
{
    conv_t *c = json_open("schemas.enable", "false", NULL);
    const char *text = "{\"a\":1,\"b\":2.5,\"c\":\"x\",\"d\":[true,null,-7],\"e\":{\"f\":null},"
                       "\"g\":1.0E10}";
    const sluice_schema_t *schema;
    sluice_value_t *value;
    assert_reads_back(c, text, &schema, &value);
    CU_ASSERT_PTR_NULL(schema);
    CU_ASSERT_EQUAL_FATAL(sluice_value_type(value), SLUICE_TYPE_MAP);
    CU_ASSERT_EQUAL(sluice_value_type(sluice_value_map_get_str(value, "a")), SLUICE_TYPE_INT64);
    CU_ASSERT_EQUAL(sluice_value_type(sluice_value_map_get_str(value, "b")), SLUICE_TYPE_FLOAT64);
    CU_ASSERT_EQUAL(sluice_value_type(sluice_value_map_get_str(value, "c")), SLUICE_TYPE_STRING);
    const sluice_value_t *d = sluice_value_map_get_str(value, "d");
    CU_ASSERT_EQUAL(sluice_value_type(d), SLUICE_TYPE_ARRAY);
    CU_ASSERT_EQUAL(sluice_value_array_count(d), 3);
    CU_ASSERT_PTR_NULL(sluice_value_array_get(d, 1));
    CU_ASSERT_EQUAL(sluice_value_type(sluice_value_array_get(d, 0)), SLUICE_TYPE_BOOLEAN);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_array_get(d, 2)), -7);
    CU_ASSERT_EQUAL(sluice_value_type(sluice_value_map_get_str(value, "e")), SLUICE_TYPE_MAP);
    CU_ASSERT_EQUAL(sluice_value_get_float64(sluice_value_map_get_str(value, "g")), 1e10);
    sluice_value_destroy(value);

    /* Scalars at the top level, and an envelope with a null schema. */
    assert_reads_back(c, "\"just text\"", NULL, NULL);
    assert_reads_back(c, "-12", NULL, NULL);
    conv_close(c);
    c = json_open(NULL);
    assert_reads_back(c, "{\"schema\":null,\"payload\":[1,\"two\",{\"k\":false}]}", NULL, NULL);
    conv_close(c);
}

/* ---- numbers and strings as Jackson writes them --------------------------------- */

static void test_float_formatting(void)
{
    conv_t *c = json_open("schemas.enable", "false", NULL);
    const sluice_schema_t *f64 = sluice_schema_of(SLUICE_TYPE_FLOAT64, false);
    const sluice_schema_t *f32 = sluice_schema_of(SLUICE_TYPE_FLOAT32, false);
    struct {
        double v;
        const char *text;
    } doubles[] = {
        {0.1, "0.1"},
        {1.0, "1.0"},
        {1e7, "1.0E7"},
        {9999999.0, "9999999.0"},
        {1.0E-5, "1.0E-5"},
        {123456.789, "123456.789"},
        {0.001, "0.001"},
        {0.00099, "9.9E-4"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {100.0, "100.0"},
        {1234567.0, "1234567.0"},
        {12345678.9, "1.23456789E7"},
        {2.0 / 3.0, "0.6666666666666666"},
        {1e23, "1.0E23"},
        {4.9e-324, "4.9E-324"},
        {1.7976931348623157e308, "1.7976931348623157E308"},
        {-3.5e-7, "-3.5E-7"},
        {NAN, "\"NaN\""},
        {INFINITY, "\"Infinity\""},
        {-INFINITY, "\"-Infinity\""},
    };
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
        sluice_value_t *v = sluice_value_float64(doubles[i].v);
        assert_writes(c, f64, v, doubles[i].text);
        sluice_value_destroy(v);
    }
    struct {
        float v;
        const char *text;
    } floats[] = {
        {0.1f, "0.1"},
        {1.0f, "1.0"},
        {3.14f, "3.14"},
        {1e10f, "1.0E10"},
        {123456.79f, "123456.79"},
        {16777216.0f, "1.6777216E7"},
        {3.4028235e38f, "3.4028235E38"},
        {1.4e-45f, "1.4E-45"},
        {-0.25f, "-0.25"},
    };
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        sluice_value_t *v = sluice_value_float32(floats[i].v);
        assert_writes(c, f32, v, floats[i].text);
        sluice_value_destroy(v);
    }
    conv_close(c);

    /* Written and read back through the envelope, the bits survive, NaN too. */
    c = json_open(NULL);
    double samples[] = {0.1, 1e-300, 6.02214076e23, NAN, -INFINITY, 5e-324};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        sluice_value_t *v = sluice_value_float64(samples[i]);
        sluice_result_t rc;
        sluice_buf_t *out = conv_write(c, f64, v, &rc);
        const sluice_schema_t *s;
        sluice_value_t *back;
        CU_ASSERT_EQUAL(conv_read(c, sluice_buf_data(out), sluice_buf_len(out), &s, &back),
                        SLUICE_OK);
        CU_ASSERT(sluice_value_equals(back, v));
        sluice_schema_unref(s);
        sluice_value_destroy(back);
        sluice_buf_destroy(out);
        sluice_value_destroy(v);
    }
    conv_close(c);
}

static void test_string_escaping(void)
{
    conv_t *c = json_open("schemas.enable", "false", NULL);
    const sluice_schema_t *str = sluice_schema_of(SLUICE_TYPE_STRING, false);
    const char raw[] = "q\" b\\ s/ \b\f\n\r\t \x01\x1f\x7f \xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80";
    const char *expected = "\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001F\x7f \xC3\xA9 "
                           "\xE6\x97\xA5 \xF0\x9F\x98\x80\"";
    sluice_value_t *v = sluice_value_string(raw, sizeof raw - 1);
    assert_writes(c, str, v, expected);
    conv_t *env = json_open(NULL);
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped,
             "{\"schema\":{\"type\":\"string\",\"optional\":false},"
             "\"payload\":%s}",
             expected);
    const sluice_schema_t *s;
    sluice_value_t *back;
    assert_reads_back(env, wrapped, &s, &back);
    CU_ASSERT(sluice_value_equals(back, v));
    sluice_schema_unref(s);
    sluice_value_destroy(back);
    sluice_value_destroy(v);

    /* NUL travels as \u0000 both ways. */
    v = sluice_value_string("a\0b", 3);
    assert_writes(c, str, v, "\"a\\u0000b\"");
    assert_reads_back(env,
                      "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":"
                      "\"a\\u0000b\"}",
                      &s, &back);
    CU_ASSERT(sluice_value_equals(back, v));
    sluice_schema_unref(s);
    sluice_value_destroy(back);
    sluice_value_destroy(v);

    /* Escapes Jackson never writes still read. */
    CU_ASSERT_EQUAL(conv_read_str(c, "\"\\u00e9\\/x\\ud83d\\ude00\"", &s, &back), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(back, NULL), "\xC3\xA9/x\xF0\x9F\x98\x80");
    sluice_value_destroy(back);
    conv_close(env);
    conv_close(c);
}

static void test_invalid_utf8_becomes_replacement(void)
{
    conv_t *c = json_open("schemas.enable", "false", NULL);
    sluice_value_t *v = sluice_value_string("a\xFF"
                                            "b\xC3",
                                            4);
    assert_writes(c, sluice_schema_of(SLUICE_TYPE_STRING, false), v,
                  "\"a\xEF\xBF\xBD"
                  "b\xEF\xBF\xBD\"");
    sluice_value_destroy(v);
    conv_close(c);
}

/* ---- malformed input ----------------------------------------------------------- */

static void test_malformed_json(void)
{
    conv_t *c = json_open(NULL);
    assert_read_fails(c, "{\"schema\":{\"type\":\"int32\"},\n \"payload\": 12,}",
                      "Converting byte[] to Kafka Connect data failed due to serialization error",
                      "invalid JSON at line 2", "column", NULL);
    assert_read_fails(c, "{\"schema\":", "invalid JSON", "end of file", NULL);
    assert_read_fails(c, "\xFF\xFE", "invalid JSON", NULL);
    assert_read_fails(c, "{\"a\":1} trailing", "invalid JSON", NULL);

    /* Kafka's own message when the envelope is missing. */
    assert_read_fails(c, "{\"a\":1}",
                      "JsonConverter with schemas.enable requires \"schema\" and \"payload\" "
                      "fields and may not contain additional fields. If you are trying to "
                      "deserialize plain JSON data, set schemas.enable=false in your converter "
                      "configuration.",
                      NULL);
    assert_read_fails(c, "{\"schema\":null,\"payload\":1,\"extra\":2}", "schemas.enable=false",
                      NULL);
    assert_read_fails(c, "[1,2]", "requires \"schema\" and \"payload\"", NULL);

    /* Schema errors. */
    assert_read_fails(c, "{\"schema\":{\"type\":\"foo\"},\"payload\":1}",
                      "Unknown schema type: foo", "$.schema", NULL);
    assert_read_fails(c, "{\"schema\":{\"optional\":true},\"payload\":1}",
                      "Schema must contain 'type' field", NULL);
    assert_read_fails(c, "{\"schema\":{\"type\":\"array\"},\"payload\":[]}",
                      "Array schema did not specify the element type", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\"}},"
                      "\"payload\":{}}",
                      "Map schema did not specify the value type", NULL);
    assert_read_fails(c, "{\"schema\":{\"type\":\"struct\",\"fields\":{}},\"payload\":{}}",
                      "\"fields\" argument is not an array", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int8\"}]},"
                      "\"payload\":{}}",
                      "field name not specified properly", "$.schema.fields[0]", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int8\","
                      "\"field\":\"a\"},{\"type\":\"int8\",\"field\":\"a\"}]},\"payload\":{}}",
                      "$.schema.fields[1]", NULL);
    assert_read_fails(c,
                      "{\"schema\":{\"type\":\"string\",\"parameters\":{\"p\":1}},"
                      "\"payload\":\"x\"}",
                      "Schema parameters must have string values.", NULL);
    assert_read_fails(c, "{\"schema\":{\"type\":\"int8\",\"default\":\"x\"},\"payload\":1}",
                      "Expected a number for INT8 but found STRING", "$.schema.default", NULL);
    conv_close(c);
}

static const char person_schema[] =
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},{\"type\":\"array\",\"items\":"
    "{\"type\":\"int8\",\"optional\":false},\"optional\":true,\"field\":\"tags\"},{\"type\":"
    "\"bytes\",\"optional\":true,\"field\":\"blob\"}],\"optional\":false}";

static void assert_person_fails(conv_t *c, const char *payload, const char *what, const char *where)
{
    char text[1024];
    snprintf(text, sizeof text, "{\"schema\":%s,\"payload\":%s}", person_schema, payload);
    assert_read_fails(c, text, what, where, NULL);
}

static void test_type_mismatches_name_the_field(void)
{
    conv_t *c = json_open(NULL);
    assert_person_fails(c, "{\"id\":\"abc\",\"name\":\"n\"}",
                        "Expected a number for INT32 but found STRING", "$.payload.id");
    assert_person_fails(c, "{\"id\":1}", "Invalid null value for required STRING field",
                        "$.payload.name");
    assert_person_fails(c, "{\"id\":1.5,\"name\":\"n\"}", "is not an integer", "$.payload.id");
    assert_person_fails(c, "{\"id\":4294967296,\"name\":\"n\"}", "out of range for INT32",
                        "$.payload.id");
    assert_person_fails(c, "{\"id\":99999999999999999999999,\"name\":\"n\"}",
                        "Value 99999999999999999999999 is out of range for INT32", "$.payload.id");
    assert_person_fails(c, "{\"id\":1,\"name\":7}", "Expected a string for STRING but found NUMBER",
                        "$.payload.name");
    assert_person_fails(c, "{\"id\":1,\"name\":\"n\",\"tags\":[1,2,300]}",
                        "Value 300 is out of range for INT8", "$.payload.tags[2]");
    assert_person_fails(c, "{\"id\":1,\"name\":\"n\",\"tags\":{\"a\":1}}",
                        "Arrays should be encoded as JSON arrays, but found OBJECT",
                        "$.payload.tags");
    assert_person_fails(c, "{\"id\":1,\"name\":\"n\",\"blob\":\"not base64!\"}",
                        "Invalid bytes field", "$.payload.blob");
    assert_person_fails(c, "[]", "Structs should be encoded as JSON objects, but found ARRAY",
                        "$.payload");

    /* Integral reals and leading zeros (Kafka allows them) are fine. */
    char text[1024];
    snprintf(text, sizeof text, "{\"schema\":%s,\"payload\":{\"id\":007.0,\"name\":\"n\"}}",
             person_schema);
    const sluice_schema_t *s;
    sluice_value_t *v;
    CU_ASSERT_EQUAL(conv_read_str(c, text, &s, &v), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(v, "id")), 7);
    sluice_schema_unref(s);
    sluice_value_destroy(v);
    conv_close(c);
}

static void test_deep_nesting_is_refused(void)
{
    conv_t *c = json_open("schemas.enable", "false", NULL);
    size_t depth = 5000;
    char *text = malloc(2 * depth + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    assert_read_fails(c, text, "nesting depth", NULL);
    /* 500 levels are fine. */
    memset(text, '[', 500);
    memset(text + 500, ']', 500);
    text[1000] = '\0';
    assert_reads_back(c, text, NULL, NULL);
    free(text);
    conv_close(c);
}

/* Every prefix of valid documents, and single-byte corruptions, give OK or
 * a message: never a crash (run under ASan/UBSan). */
static void test_damaged_input_never_crashes(void)
{
    conv_t *c = json_open(NULL);
    const char *docs[] = {login_json, nested_json};
    for (size_t d = 0; d < 2; d++) {
        size_t len = strlen(docs[d]);
        char *copy = malloc(len);
        for (size_t n = 0; n < len; n++) {
            const sluice_schema_t *s;
            sluice_value_t *v;
            sluice_result_t rc = conv_read(c, docs[d], n, &s, &v);
            CU_ASSERT(rc == SLUICE_OK || (rc == SLUICE_FATAL && conv_err[0]));
            sluice_schema_unref(s);
            sluice_value_destroy(v);
        }
        static const char junk[] = {'"', '{', '}',  '[',  ']',        ',', ':', '0',
                                    '-', 'x', '\0', '\\', (char)0xC3, 'e', '.', ' '};
        for (size_t i = 0; i < len; i++) {
            for (size_t j = 0; j < sizeof junk; j++) {
                memcpy(copy, docs[d], len);
                copy[i] = junk[j];
                const sluice_schema_t *s;
                sluice_value_t *v;
                sluice_result_t rc = conv_read(c, copy, len, &s, &v);
                CU_ASSERT(rc == SLUICE_OK || (rc == SLUICE_FATAL && conv_err[0]));
                if (rc == SLUICE_OK) {
                    /* Whatever was read writes back. */
                    sluice_buf_destroy(conv_write(c, s, v, &rc));
                }
                sluice_schema_unref(s);
                sluice_value_destroy(v);
            }
        }
        free(copy);
    }
    conv_close(c);
}

/* ---- caching and the header converter -------------------------------------------- */

static void test_schema_cache(void)
{
    conv_t *c = json_open(NULL);
    const sluice_schema_t *a, *b;
    sluice_value_t *va, *vb;
    CU_ASSERT_EQUAL(conv_read_str(c, login_json, &a, &va), SLUICE_OK);
    CU_ASSERT_EQUAL(conv_read_str(c, login_json, &b, &vb), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(a, b); /* the second read found the first schema */
    /* Writing from the cached text gives the same bytes. */
    assert_writes(c, a, va, login_json);
    assert_writes(c, a, va, login_json);
    sluice_schema_unref(a);
    sluice_schema_unref(b);
    sluice_value_destroy(va);
    sluice_value_destroy(vb);
    conv_close(c);

    c = json_open("schemas.cache.size", "0", NULL);
    CU_ASSERT_EQUAL(conv_read_str(c, login_json, &a, &va), SLUICE_OK);
    CU_ASSERT_EQUAL(conv_read_str(c, login_json, &b, &vb), SLUICE_OK);
    CU_ASSERT_PTR_NOT_EQUAL(a, b);
    CU_ASSERT(sluice_schema_equals(a, b));
    assert_writes(c, a, va, login_json);
    sluice_schema_unref(a);
    sluice_schema_unref(b);
    sluice_value_destroy(va);
    sluice_value_destroy(vb);
    conv_close(c);

    /* A small cache evicts and still converts correctly. */
    c = json_open("schemas.cache.size", "2", NULL);
    char text[256];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 5; i++) {
            snprintf(text, sizeof text,
                     "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"version\":%d},"
                     "\"payload\":%d}",
                     i, i);
            assert_reads_back(c, text, NULL, NULL);
        }
    }
    conv_close(c);
}

static void test_header_converter(void)
{
    conv_t *h = json_open_kind(SLUICE_CLASS_HEADER_CONVERTER, NULL);
    CU_ASSERT_STRING_EQUAL(h->cls->name, "org.apache.kafka.connect.json.JsonConverter");
    sluice_value_t *v = sluice_value_int64(42);
    assert_writes(h, sluice_schema_of(SLUICE_TYPE_INT64, true), v,
                  "{\"schema\":{\"type\":\"int64\",\"optional\":true},\"payload\":42}");
    sluice_value_destroy(v);
    assert_reads_back(h, login_json, NULL, NULL);
    conv_close(h);
}

static void test_config_table(void)
{
    conv_t *c = json_open(NULL);
    const char *names[] = {"converter.type", "schemas.enable", "schemas.cache.size",
                           "decimal.format", "replace.null.with.default"};
    const char *defaults[] = {NULL, "true", "1000", "BASE64", "true"};
    size_t n = 0;
    for (const sluice_config_key_t *k = c->cls->config; k->name; k++, n++) {
        CU_ASSERT_FATAL(n < 5);
        CU_ASSERT_STRING_EQUAL(k->name, names[n]);
        if (defaults[n])
            CU_ASSERT_STRING_EQUAL(k->default_value, defaults[n]);
        CU_ASSERT_PTR_NOT_NULL(k->doc);
    }
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_PTR_NOT_NULL(plugin_registry_find(c->registry, SLUICE_CLASS_CONVERTER,
                                                "org.apache.kafka.connect.json.JsonConverter"));
    conv_close(c);
}

/* ---- the compiled struct writer ------------------------------------------------
 *
 * An instance writes a struct schema's first record with its general
 * writer and the later ones with the plan it compiles for that schema
 * object, so every case below is written three times by one instance: once
 * each way, and once more from the kept plan. Both must give the same bytes
 * and the same errors. */

static void assert_writes_warm(conv_t *c, const sluice_schema_t *schema,
                               const sluice_value_t *value, const char *expected)
{
    for (int i = 0; i < 3; i++)
        assert_writes(c, schema, value, expected);
}

/* Asserts that writing fails with exactly message, three times. */
static void assert_write_fails_exactly(conv_t *c, const sluice_schema_t *schema,
                                       const sluice_value_t *value, const char *message)
{
    for (int i = 0; i < 3; i++) {
        sluice_result_t rc;
        sluice_buf_destroy(conv_write(c, schema, value, &rc));
        CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
        CU_ASSERT_STRING_EQUAL(conv_err, message);
    }
}

/* {"schema":<schema JSON>,"payload":<payload>}: the schema text is taken
 * from a fresh instance's first write (tested byte for byte elsewhere). */
static void envelope_of(const sluice_schema_t *schema, const sluice_value_t *value,
                        const char *payload, char *out, size_t out_size)
{
    conv_t *fresh = json_open(NULL);
    sluice_result_t rc;
    sluice_buf_t *first = conv_write(fresh, schema, value, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, SLUICE_OK);
    const char *text = sluice_buf_data(first);
    const char *end = strstr(text, ",\"payload\":");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    snprintf(out, out_size, "%.*s,\"payload\":%s}", (int)(end - text), text, payload);
    sluice_buf_destroy(first);
    conv_close(fresh);
}

static void put_at(sluice_value_t *st, size_t i, sluice_value_t *v)
{
    CU_ASSERT_EQUAL_FATAL(sluice_value_struct_put_at(st, i, v, conv_err, sizeof conv_err), 0);
}

/* A struct of every type Kafka has, logical ones and nested structs included. */
static sluice_schema_t *every_type_schema(bool optional_fields)
{
    sluice_schema_t *inner = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(inner, "inner");
    add_field(inner, "x", sluice_schema_of(SLUICE_TYPE_INT32, false));
    add_field(inner, "y", sluice_schema_of(SLUICE_TYPE_STRING, true));
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    for (sluice_type_t t = SLUICE_TYPE_INT8; t <= SLUICE_TYPE_BYTES; t++)
        add_field(st, sluice_type_name(t), sluice_schema_of(t, optional_fields));
    sluice_schema_t *logical[] = {sluice_schema_decimal(2), sluice_schema_date(),
                                  sluice_schema_time(), sluice_schema_timestamp()};
    const char *logical_names[] = {"decimal", "date", "time", "timestamp"};
    for (size_t i = 0; i < 4; i++) {
        sluice_schema_set_optional(logical[i], optional_fields);
        add_field_take(st, logical_names[i], logical[i]);
    }
    sluice_schema_t *arr = sluice_schema_array(sluice_schema_of(SLUICE_TYPE_INT32, false));
    sluice_schema_set_optional(arr, optional_fields);
    add_field_take(st, "array", arr);
    sluice_schema_t *map = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false),
                                             sluice_schema_of(SLUICE_TYPE_INT32, false));
    sluice_schema_set_optional(map, optional_fields);
    add_field_take(st, "map", map);
    sluice_schema_set_optional(inner, optional_fields);
    add_field_take(st, "inner", inner);
    return st;
}

static sluice_value_t *every_type_value(const sluice_schema_t *st)
{
    static const uint8_t blob[] = {0x00, 0x01, 0xFE, 0x68, 0x69};
    static const uint8_t unscaled[] = {0xFF, 0xCF, 0xC7}; /* -12345, one sign byte too many */
    sluice_value_t *v = sluice_value_struct_new(st);
    put_at(v, 0, sluice_value_int8(INT8_MIN));
    put_at(v, 1, sluice_value_int16(INT16_MAX));
    put_at(v, 2, sluice_value_int32(INT32_MIN));
    put_at(v, 3, sluice_value_int64(INT64_MAX));
    put_at(v, 4, sluice_value_float32(1.5f));
    put_at(v, 5, sluice_value_float64(NAN));
    put_at(v, 6, sluice_value_boolean(false));
    put_at(v, 7, sluice_value_cstring("tab\there"));
    put_at(v, 8, sluice_value_bytes(blob, sizeof blob));
    put_at(v, 9, sluice_value_bytes(unscaled, sizeof unscaled));
    put_at(v, 10, sluice_value_int32(-719162));
    put_at(v, 11, sluice_value_int32(86400000));
    put_at(v, 12, sluice_value_int64(-1));
    sluice_value_t *arr = sluice_value_array_new();
    sluice_value_array_append(arr, sluice_value_int32(1));
    sluice_value_array_append(arr, sluice_value_int32(-2));
    put_at(v, 13, arr);
    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "k", sluice_value_int32(3));
    put_at(v, 14, map);
    const sluice_schema_t *inner_schema = sluice_schema_field_schema(st, 15);
    sluice_value_t *inner = sluice_value_struct_new(inner_schema);
    put_at(inner, 0, sluice_value_int32(7));
    put_at(v, 15, inner);
    return v;
}

static const char every_type_payload[] =
    "{\"int8\":-128,\"int16\":32767,\"int32\":-2147483648,\"int64\":9223372036854775807,"
    "\"float32\":1.5,\"float64\":\"NaN\",\"boolean\":false,\"string\":\"tab\\there\","
    "\"bytes\":\"AAH+aGk=\",\"decimal\":\"z8c=\",\"date\":-719162,\"time\":86400000,"
    "\"timestamp\":-1,\"array\":[1,-2],\"map\":{\"k\":3},\"inner\":{\"x\":7,\"y\":null}}";

static void test_plan_every_type(void)
{
    conv_t *c = json_open(NULL);
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    for (int optional_fields = 0; optional_fields < 2; optional_fields++) {
        sluice_schema_t *st = every_type_schema(optional_fields);
        sluice_value_t *v = every_type_value(st);
        char expected[4096];
        envelope_of(st, v, every_type_payload, expected, sizeof expected);
        assert_writes_warm(c, st, v, expected);
        assert_writes_warm(plain, st, v, every_type_payload);

        /* Every field null: null where optional, Kafka's error where not. */
        sluice_value_t *nulls = sluice_value_struct_new(st);
        if (optional_fields) {
            const char *all_null =
                "{\"int8\":null,\"int16\":null,\"int32\":null,\"int64\":null,\"float32\":null,"
                "\"float64\":null,\"boolean\":null,\"string\":null,\"bytes\":null,"
                "\"decimal\":null,\"date\":null,\"time\":null,\"timestamp\":null,"
                "\"array\":null,\"map\":null,\"inner\":null}";
            envelope_of(st, nulls, all_null, expected, sizeof expected);
            assert_writes_warm(c, st, nulls, expected);
            assert_writes_warm(plain, st, nulls, all_null);
        } else {
            const char *msg = "Conversion error: null value for field that is required and "
                              "has no default value (at $.payload.int8)";
            assert_write_fails_exactly(c, st, nulls, msg);
            assert_write_fails_exactly(plain, st, nulls,
                                       "Conversion error: null value for field that is "
                                       "required and has no default value (at $.int8)");
        }
        sluice_value_destroy(nulls);
        sluice_value_destroy(v);
        sluice_schema_unref(st);
    }
    conv_close(plain);
    conv_close(c);
}

/* Integers at every digit count and at the types' limits, as printf
 * writes them. */
static void test_plan_integers(void)
{
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(st, "l", sluice_schema_of(SLUICE_TYPE_INT64, false));
    add_field(st, "i", sluice_schema_of(SLUICE_TYPE_INT32, false));
    add_field(st, "s", sluice_schema_of(SLUICE_TYPE_INT16, false));
    add_field(st, "b", sluice_schema_of(SLUICE_TYPE_INT8, false));
    int64_t longs[64];
    size_t n = 0;
    longs[n++] = INT64_MIN;
    longs[n++] = INT64_MIN + 1;
    longs[n++] = INT64_MAX;
    longs[n++] = 0;
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
        longs[n++] = p;
        longs[n++] = p * 10 - 1;
        longs[n++] = -p;
    }
    char expected[256];
    for (size_t k = 0; k < n; k++) {
        int32_t i = k % 2 ? INT32_MIN : INT32_MAX;
        int16_t s = k % 2 ? INT16_MAX : INT16_MIN;
        int8_t b = (int8_t)(k % 3 == 0 ? INT8_MIN : k % 3 == 1 ? INT8_MAX : -1);
        sluice_value_t *v = sluice_value_struct_new(st);
        put_at(v, 0, sluice_value_int64(longs[k]));
        put_at(v, 1, sluice_value_int32(i));
        put_at(v, 2, sluice_value_int16(s));
        put_at(v, 3, sluice_value_int8(b));
        snprintf(expected, sizeof expected,
                 "{\"l\":%" PRId64 ",\"i\":%" PRId32 ",\"s\":%d,\"b\":%d}", longs[k], i, s, b);
        assert_writes_warm(plain, st, v, expected);
        sluice_value_destroy(v);
    }
    sluice_schema_unref(st);
    conv_close(plain);
}

/* Field names and string values that need escaping, and bytes of every
 * length modulo three against the host's own base64. */
static void test_plan_strings_and_bytes(void)
{
    conv_t *plain = json_open("schemas.enable", "false", NULL);
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(st, "q\"\\\x01\xC3\xA9", sluice_schema_of(SLUICE_TYPE_STRING, false));
    add_field(st, "b", sluice_schema_of(SLUICE_TYPE_BYTES, false));
    static const struct {
        const char *raw;
        size_t len;
        const char *json;
    } strings[] = {
        {"", 0, "\"\""},
        {"plain", 5, "\"plain\""},
        {"q\" b\\ \b\f\n\r\t\x01\x1f\x7f/", 15,
         "\"q\\\" b\\\\ \\b\\f\\n\\r\\t\\u0001\\u001F\x7f/\""},
        {"a\0b", 3, "\"a\\u0000b\""},
        {"\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80", 9, "\"\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80\""},
        {"a\xFF"
         "b\xC3",
         4,
         "\"a\xEF\xBF\xBD"
         "b\xEF\xBF\xBD\""},
        /* An escape after a run longer than the writer looks at at once. */
        {"0123456789abcdef0123456789abcdef0123456789\n", 43,
         "\"0123456789abcdef0123456789abcdef0123456789\\n\""},
    };
    uint8_t bytes[16];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(0xF7 * i + 3);
    char expected[512];
    for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++) {
        for (size_t len = 0; len <= sizeof bytes; len += 1 + k % 3) {
            sluice_value_t *v = sluice_value_struct_new(st);
            put_at(v, 0, sluice_value_string(strings[k].raw, strings[k].len));
            put_at(v, 1, sluice_value_bytes(bytes, len));
            sluice_buf_t *b64 = sluice_buf_new();
            sluice_base64_encode(bytes, len, b64);
            snprintf(expected, sizeof expected, "{\"q\\\"\\\\\\u0001\xC3\xA9\":%s,\"b\":\"%s\"}",
                     strings[k].json, sluice_buf_data(b64));
            sluice_buf_destroy(b64);
            assert_writes_warm(plain, st, v, expected);
            sluice_value_destroy(v);
        }
    }
    sluice_schema_unref(st);
    conv_close(plain);
}

/* Decimals: minimal bytes in BASE64, numbers in NUMERIC (the general
 * writer's), and a Decimal schema without a scale. */
static void test_plan_decimals(void)
{
    conv_t *b64 = json_open("schemas.enable", "false", NULL);
    conv_t *numeric = json_open("schemas.enable", "false", "decimal.format", "NUMERIC", NULL);
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field_take(st, "d", sluice_schema_decimal(2));
    static const struct {
        uint8_t bytes[4];
        size_t len;
        const char *base64, *numeric;
    } cases[] = {
        {{0}, 0, "AA==", "0.00"},           {{0x00, 0x00, 0x01}, 3, "AQ==", "0.01"},
        {{0x00, 0x80}, 2, "AIA=", "1.28"},  {{0xFF, 0xFF, 0x80}, 3, "gA==", "-1.28"},
        {{0xFF, 0x7F}, 2, "/38=", "-1.29"}, {{0x12, 0x34, 0x56, 0x78}, 4, "EjRWeA==", "3054198.96"},
    };
    char expected[128];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sluice_value_t *v = sluice_value_struct_new(st);
        put_at(v, 0, sluice_value_bytes(cases[k].bytes, cases[k].len));
        snprintf(expected, sizeof expected, "{\"d\":\"%s\"}", cases[k].base64);
        assert_writes_warm(b64, st, v, expected);
        snprintf(expected, sizeof expected, "{\"d\":%s}", cases[k].numeric);
        assert_writes_warm(numeric, st, v, expected);
        sluice_value_destroy(v);
    }
    sluice_schema_unref(st);

    sluice_schema_t *no_scale = sluice_schema_new(SLUICE_TYPE_BYTES);
    sluice_schema_set_name(no_scale, SLUICE_LOGICAL_DECIMAL);
    st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field_take(st, "d", no_scale);
    sluice_value_t *v = sluice_value_struct_new(st);
    put_at(v, 0, sluice_value_bytes("\x01", 1));
    assert_writes_warm(b64, st, v, "{\"d\":\"AQ==\"}");
    assert_write_fails_exactly(numeric, st, v,
                               "Invalid Decimal schema: scale parameter not found. (at $.d)");
    sluice_value_destroy(v);
    sluice_schema_unref(st);
    conv_close(numeric);
    conv_close(b64);
}

/* Nulls under defaults, with replace.null.with.default on and off. */
static void test_plan_nulls_and_defaults(void)
{
    conv_t *on = json_open(NULL);
    conv_t *off = json_open("replace.null.with.default", "false", NULL);
    sluice_schema_t *opt_def = optional(sluice_schema_new(SLUICE_TYPE_INT32));
    CU_ASSERT_EQUAL_FATAL(
        sluice_schema_set_default(opt_def, sluice_value_int32(5), conv_err, sizeof conv_err), 0);
    sluice_schema_t *req_def = sluice_schema_new(SLUICE_TYPE_STRING);
    CU_ASSERT_EQUAL_FATAL(
        sluice_schema_set_default(req_def, sluice_value_cstring("dflt"), conv_err, sizeof conv_err),
        0);
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(st, "opt", sluice_schema_of(SLUICE_TYPE_INT64, true));
    add_field_take(st, "opt_def", opt_def);
    add_field_take(st, "req_def", req_def);
    sluice_value_t *v = sluice_value_struct_new(st);
    char expected[1024];
    envelope_of(st, v, "{\"opt\":null,\"opt_def\":5,\"req_def\":\"dflt\"}", expected,
                sizeof expected);
    assert_writes_warm(on, st, v, expected);
    /* Kept null, a required one is Kafka's error. */
    assert_write_fails_exactly(off, st, v,
                               "Conversion error: null value for field that is required and has "
                               "no default value (at $.payload.req_def)");
    put_at(v, 2, sluice_value_cstring("set"));
    envelope_of(st, v, "{\"opt\":null,\"opt_def\":null,\"req_def\":\"set\"}", expected,
                sizeof expected);
    assert_writes_warm(off, st, v, expected);
    put_at(v, 0, sluice_value_int64(-9));
    put_at(v, 1, sluice_value_int32(6));
    envelope_of(st, v, "{\"opt\":-9,\"opt_def\":6,\"req_def\":\"set\"}", expected, sizeof expected);
    assert_writes_warm(on, st, v, expected);
    assert_writes_warm(off, st, v, expected);
    sluice_value_destroy(v);
    sluice_schema_unref(st);
    conv_close(on);
    conv_close(off);
}

/* Errors keep their messages and places: a Time out of its day, a nested
 * required null, an array item of the wrong type, a struct of another
 * schema. */
static void test_plan_errors(void)
{
    conv_t *c = json_open(NULL);
    sluice_schema_t *inner = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(inner, "x", sluice_schema_of(SLUICE_TYPE_INT32, false));
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field_take(st, "t", sluice_schema_time());
    add_field(st, "inner", inner);
    add_field_take(st, "items", sluice_schema_array(sluice_schema_of(SLUICE_TYPE_STRING, false)));
    sluice_value_t *in = sluice_value_struct_new(inner);
    put_at(in, 0, sluice_value_int32(1));
    sluice_value_t *v = sluice_value_struct_new(st);
    put_at(v, 0, sluice_value_int32(86400001));
    put_at(v, 1, in);
    put_at(v, 2, sluice_value_array_new());
    assert_write_fails_exactly(c, st, v,
                               "Kafka Connect Time type should not have any date fields set to "
                               "non-zero values. (at $.payload.t)");
    put_at(v, 0, sluice_value_int32(-1));
    assert_write_fails_exactly(c, st, v,
                               "Kafka Connect Time type should not have any date fields set to "
                               "non-zero values. (at $.payload.t)");
    put_at(v, 0, sluice_value_int32(0));

    sluice_value_t *empty_inner = sluice_value_struct_new(inner);
    put_at(v, 1, empty_inner);
    assert_write_fails_exactly(c, st, v,
                               "Conversion error: null value for field that is required and has "
                               "no default value (at $.payload.inner.x)");

    sluice_value_t *inner_ok = sluice_value_struct_new(inner);
    put_at(inner_ok, 0, sluice_value_int32(2));
    put_at(v, 1, inner_ok);
    sluice_value_t *items = sluice_value_array_new();
    sluice_value_array_append(items, sluice_value_cstring("a"));
    sluice_value_array_append(items, sluice_value_int32(3));
    put_at(v, 2, items);
    assert_write_fails_exactly(c, st, v, "Invalid type for STRING: INT32 (at $.payload.items[1])");

    /* A struct whose schema differs from the record's. */
    sluice_schema_t *other = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(other, "x", sluice_schema_of(SLUICE_TYPE_INT64, false));
    sluice_value_t *alien = sluice_value_struct_new(other);
    put_at(alien, 0, sluice_value_int64(1));
    assert_write_fails_exactly(c, inner, alien, "Mismatching schema. (at $.payload)");
    put_at(v, 2, sluice_value_array_new());
    put_at(v, 1, alien);
    assert_write_fails_exactly(c, st, v, "Mismatching schema. (at $.payload.inner)");
    sluice_schema_unref(other);

    sluice_value_destroy(v);
    sluice_schema_unref(st);
    sluice_schema_unref(inner);
    conv_close(c);
}

/* One schema object for many records, an equal schema object of its own,
 * a struct built for an equal schema object, and eviction from small
 * caches: the same bytes every time. */
static sluice_schema_t *shape_schema(const char *name)
{
    sluice_schema_t *inner = sluice_schema_new(SLUICE_TYPE_STRUCT);
    add_field(inner, "z", sluice_schema_of(SLUICE_TYPE_BOOLEAN, false));
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(st, name);
    add_field(st, "id", sluice_schema_of(SLUICE_TYPE_INT64, false));
    add_field(st, "name", sluice_schema_of(SLUICE_TYPE_STRING, true));
    add_field_take(st, "in", inner);
    return st;
}

static sluice_value_t *shape_value(const sluice_schema_t *st, const sluice_schema_t *inner_schema,
                                   int64_t id)
{
    sluice_value_t *v = sluice_value_struct_new(st);
    put_at(v, 0, sluice_value_int64(id));
    if (id % 2)
        put_at(v, 1, sluice_value_cstring(id % 3 ? "odd" : "odd\"three"));
    sluice_value_t *in = sluice_value_struct_new(inner_schema);
    put_at(in, 0, sluice_value_boolean(id % 5 == 0));
    put_at(v, 2, in);
    return v;
}

static void shape_payload(int64_t id, char *out, size_t out_size)
{
    snprintf(out, out_size, "{\"id\":%" PRId64 ",\"name\":%s,\"in\":{\"z\":%s}}", id,
             id % 2 ? (id % 3 ? "\"odd\"" : "\"odd\\\"three\"") : "null",
             id % 5 == 0 ? "true" : "false");
}

static void test_plan_schema_reuse(void)
{
    const char *sizes[] = {"1000", "1", "0"};
    for (size_t z = 0; z < 3; z++) {
        conv_t *c = json_open("schemas.cache.size", sizes[z], NULL);
        sluice_schema_t *a = shape_schema("shape");
        sluice_schema_t *b = shape_schema("shape"); /* equal, another object */
        sluice_schema_t *d = shape_schema("other"); /* same fields, another name */
        const sluice_schema_t *a_in = sluice_schema_field_schema(a, 2);
        const sluice_schema_t *b_in = sluice_schema_field_schema(b, 2);
        char payload[256], expected_a[1024], expected_d[1024];
        for (int64_t id = -3; id < 40; id++) {
            shape_payload(id, payload, sizeof payload);
            sluice_value_t *va = shape_value(a, a_in, id);
            sluice_value_t *vb = shape_value(b, b_in, id);
            sluice_value_t *mixed = shape_value(a, b_in, id); /* inner of the equal schema */
            sluice_value_t *vd = shape_value(d, sluice_schema_field_schema(d, 2), id);
            envelope_of(a, va, payload, expected_a, sizeof expected_a);
            envelope_of(d, vd, payload, expected_d, sizeof expected_d);
            assert_writes(c, a, va, expected_a);
            assert_writes(c, b, vb, expected_a);
            assert_writes(c, a, vb, expected_a); /* a struct of an equal schema */
            assert_writes(c, a, mixed, expected_a);
            assert_writes(c, d, vd, expected_d);
            sluice_result_t rc;
            sluice_buf_destroy(conv_write(c, a, vd, &rc));
            CU_ASSERT_EQUAL(rc, SLUICE_FATAL);
            CU_ASSERT_STRING_EQUAL(conv_err, "Mismatching schema. (at $.payload)");
            sluice_value_destroy(va);
            sluice_value_destroy(vb);
            sluice_value_destroy(mixed);
            sluice_value_destroy(vd);
        }
        sluice_schema_unref(a);
        sluice_schema_unref(b);
        sluice_schema_unref(d);
        conv_close(c);
    }
}

void test_register(void)
{
    TEST_SUITE(
        "json converter: wire format", {"login example", test_login_example},
        {"string example", test_string_example}, {"primitive types", test_primitive_types},
        {"optional types and nulls", test_optional_types_and_nulls},
        {"tombstones", test_tombstones}, {"logical types", test_logical_types},
        {"decimals BASE64 and NUMERIC", test_decimal_base64_and_numeric}, {"maps", test_maps},
        {"nested schema re-serialises identically", test_nested_schema_reserialises_identically},
        {"struct writes", test_struct_writes},
        {"replace.null.with.default", test_replace_null_with_default},
        {"schemaless inference", test_schemaless_inference},
        {"float formatting", test_float_formatting}, {"string escaping", test_string_escaping},
        {"invalid UTF-8", test_invalid_utf8_becomes_replacement});
    TEST_SUITE("json converter: bad input", {"malformed JSON", test_malformed_json},
               {"type mismatches name the field", test_type_mismatches_name_the_field},
               {"deep nesting", test_deep_nesting_is_refused},
               {"damaged input never crashes", test_damaged_input_never_crashes});
    TEST_SUITE("json converter: instance", {"schema cache", test_schema_cache},
               {"header converter", test_header_converter}, {"config table", test_config_table});
    TEST_SUITE("json converter: compiled struct writer", {"every type", test_plan_every_type},
               {"integers", test_plan_integers}, {"strings and bytes", test_plan_strings_and_bytes},
               {"decimals", test_plan_decimals},
               {"nulls and defaults", test_plan_nulls_and_defaults}, {"errors", test_plan_errors},
               {"schema reuse", test_plan_schema_reuse});
}
