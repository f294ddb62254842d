/* The host's text for values and numbers: sluice_value_to_text (what Kafka's
 * StringConverter and FileStreamSink write), sluice_format_double (Java's
 * Double/Float.toString) and sluice_base64_encode. */
#include <sluice/value.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static char err[256];

/* Checks the text of value (taken) under schema (borrowed). */
static void check_text(const sluice_schema_t *schema, sluice_value_t *value, const char *want,
                       size_t want_len)
{
    sluice_buf_t *out = sluice_buf_new();
    sluice_value_to_text(schema, value, out);
    bool same =
        sluice_buf_len(out) == want_len && memcmp(sluice_buf_data(out), want, want_len) == 0;
    if (!same)
        fprintf(stderr, "\n  wrote \"%s\", expected \"%s\"\n", sluice_buf_data(out), want);
    CU_ASSERT(same);
    sluice_buf_destroy(out);
    sluice_value_destroy(value);
}

#define ASSERT_TEXT(schema, value, want) check_text((schema), (value), (want), strlen(want))

static void check_double(double v, bool is_float, const char *want)
{
    sluice_buf_t *out = sluice_buf_new();
    sluice_format_double(v, is_float, out);
    if (strcmp(sluice_buf_data(out), want) != 0)
        fprintf(stderr, "\n  %s %.17g wrote \"%s\", expected \"%s\"\n",
                is_float ? "float" : "double", v, sluice_buf_data(out), want);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), want);
    sluice_buf_destroy(out);
}

static void test_java_doubles(void)
{
    check_double(0.1, false, "0.1");
    check_double(1.0, false, "1.0");
    check_double(100.0, false, "100.0");
    check_double(-1.5, false, "-1.5");
    check_double(1e7, false, "1.0E7");
    check_double(9999999.0, false, "9999999.0");
    check_double(1e-5, false, "1.0E-5");
    check_double(0.001, false, "0.001");
    check_double(0.0001, false, "1.0E-4");
    check_double(1e10, false, "1.0E10");
    check_double(123456789.0, false, "1.23456789E8");
    check_double(0.1 + 0.2, false, "0.30000000000000004");
    check_double(1.7976931348623157e308, false, "1.7976931348623157E308");
    check_double(4.9e-324, false, "4.9E-324");
    check_double(2e23, false, "2.0E23");
    check_double(NAN, false, "NaN");
    check_double(INFINITY, false, "Infinity");
    check_double(-INFINITY, false, "-Infinity");
    check_double(0.0, false, "0.0");
    check_double(-0.0, false, "-0.0");
}

static void test_java_floats(void)
{
    check_double(0.1f, true, "0.1");
    check_double(0.1f, false, "0.10000000149011612"); /* the same bits as a double */
    check_double(1.0f, true, "1.0");
    check_double(1e7f, true, "1.0E7");
    check_double(1e-5f, true, "1.0E-5");
    check_double(1.4e-45f, true, "1.4E-45"); /* Float.MIN_VALUE */
    check_double(3.4028235e38f, true, "3.4028235E38");
    check_double(16777216.0f, true, "1.6777216E7");
    check_double(NAN, true, "NaN");
    check_double(INFINITY, true, "Infinity");
    check_double(-INFINITY, true, "-Infinity");
    check_double(-0.0f, true, "-0.0");
    /* a double that is not a float is rounded to one first */
    check_double(0.1, true, "0.1");
}

static void test_format_appends(void)
{
    sluice_buf_t *out = sluice_buf_new();
    sluice_buf_puts(out, "x=");
    sluice_format_double(2.5, false, out);
    sluice_buf_puts(out, ",y=");
    sluice_value_t *v = sluice_value_int32(7);
    sluice_value_to_text(NULL, v, out);
    sluice_value_destroy(v);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "x=2.5,y=7");
    sluice_buf_destroy(out);
}

static void test_primitives(void)
{
    ASSERT_TEXT(NULL, NULL, "null");
    ASSERT_TEXT(sluice_schema_of(SLUICE_TYPE_STRING, true), NULL, "null");
    ASSERT_TEXT(NULL, sluice_value_int8(-128), "-128");
    ASSERT_TEXT(NULL, sluice_value_int16(-32768), "-32768");
    ASSERT_TEXT(sluice_schema_of(SLUICE_TYPE_INT32, false), sluice_value_int32(INT32_MIN),
                "-2147483648");
    ASSERT_TEXT(NULL, sluice_value_int64(INT64_MIN), "-9223372036854775808");
    ASSERT_TEXT(NULL, sluice_value_float32(0.1f), "0.1");
    ASSERT_TEXT(NULL, sluice_value_float64(1e7), "1.0E7");
    ASSERT_TEXT(NULL, sluice_value_float64(-0.0), "-0.0");
    ASSERT_TEXT(NULL, sluice_value_boolean(true), "true");
    ASSERT_TEXT(NULL, sluice_value_boolean(false), "false");
    ASSERT_TEXT(NULL, sluice_value_cstring("h\xC3\xA9llo, [w]={o}"), "h\xC3\xA9llo, [w]={o}");
    ASSERT_TEXT(NULL, sluice_value_cstring(""), "");
    /* a string is its bytes, NULs included */
    check_text(NULL, sluice_value_string("a\0b", 3), "a\0b", 3);
    /* top-level bytes as they are (Java would print an object id) */
    check_text(NULL, sluice_value_bytes("\x01\x00\xFF", 3), "\x01\x00\xFF", 3);
    ASSERT_TEXT(sluice_schema_of(SLUICE_TYPE_BYTES, false), sluice_value_bytes("", 0), "");
}

static void test_decimals(void)
{
    sluice_schema_t *dec2 = sluice_schema_decimal(2);
    ASSERT_TEXT(dec2, sluice_value_bytes("\x30\x39", 2), "123.45");
    ASSERT_TEXT(dec2, sluice_value_bytes("\xFF\x6A", 2), "-1.50");
    ASSERT_TEXT(dec2, sluice_value_bytes("\x00\x00\x05", 3), "0.05"); /* not minimal */
    ASSERT_TEXT(dec2, sluice_value_bytes("", 0), "0.00");             /* no bytes: zero */
    sluice_schema_unref(dec2);

    sluice_schema_t *dec0 = sluice_schema_decimal(0);
    ASSERT_TEXT(dec0, sluice_value_bytes("\x80", 1), "-128");
    sluice_schema_unref(dec0);

    /* BigDecimal.toString goes to E notation for a negative scale and
     * below an adjusted exponent of -6 */
    sluice_schema_t *neg = sluice_schema_decimal(-2);
    ASSERT_TEXT(neg, sluice_value_bytes("\x0C", 1), "1.2E+3");
    ASSERT_TEXT(neg, sluice_value_bytes("\x01", 1), "1E+2");
    sluice_schema_unref(neg);
    sluice_schema_t *dec6 = sluice_schema_decimal(6);
    ASSERT_TEXT(dec6, sluice_value_bytes("\x01", 1), "0.000001");
    sluice_schema_unref(dec6);
    sluice_schema_t *dec7 = sluice_schema_decimal(7);
    ASSERT_TEXT(dec7, sluice_value_bytes("\x01", 1), "1E-7");
    ASSERT_TEXT(dec7, sluice_value_bytes("\xFF\x85", 2), "-0.0000123"); /* adjusted -5 */
    sluice_schema_unref(dec7);
    sluice_schema_t *dec9 = sluice_schema_decimal(9);
    ASSERT_TEXT(dec9, sluice_value_bytes("\xFF\x85", 2), "-1.23E-7");
    sluice_schema_unref(dec9);

    /* without a usable scale the value is the BYTES it is */
    sluice_schema_t *bad = sluice_schema_new(SLUICE_TYPE_BYTES);
    sluice_schema_set_name(bad, SLUICE_LOGICAL_DECIMAL);
    ASSERT_TEXT(bad, sluice_value_bytes("ab", 2), "ab");
    sluice_schema_set_parameter(bad, SLUICE_DECIMAL_SCALE_PARAM, "2x");
    ASSERT_TEXT(bad, sluice_value_bytes("ab", 2), "ab");
    sluice_schema_set_parameter(bad, SLUICE_DECIMAL_SCALE_PARAM, "99999999999");
    ASSERT_TEXT(bad, sluice_value_bytes("ab", 2), "ab");
    sluice_schema_unref(bad);
}

static void test_dates(void)
{
    sluice_schema_t *date = sluice_schema_date();
    ASSERT_TEXT(date, sluice_value_int32(19000), "Sat Jan 08 00:00:00 UTC 2022");
    ASSERT_TEXT(date, sluice_value_int32(0), "Thu Jan 01 00:00:00 UTC 1970");
    ASSERT_TEXT(date, sluice_value_int32(-1), "Wed Dec 31 00:00:00 UTC 1969");
    ASSERT_TEXT(date, sluice_value_int32(11016), "Tue Feb 29 00:00:00 UTC 2000");
    /* a schema that does not describe the value is not used */
    ASSERT_TEXT(date, sluice_value_int64(19000), "19000");
    ASSERT_TEXT(date, sluice_value_cstring("2022-01-08"), "2022-01-08");
    sluice_schema_unref(date);

    sluice_schema_t *time = sluice_schema_time();
    ASSERT_TEXT(time, sluice_value_int32(49500123), "Thu Jan 01 13:45:00 UTC 1970");
    sluice_schema_unref(time);

    sluice_schema_t *ts = sluice_schema_timestamp();
    ASSERT_TEXT(ts, sluice_value_int64(1567615404000LL), "Wed Sep 04 16:43:24 UTC 2019");
    ASSERT_TEXT(ts, sluice_value_int64(-1), "Wed Dec 31 23:59:59 UTC 1969");
    ASSERT_TEXT(ts, sluice_value_int64(253402300800000LL), "Sat Jan 01 00:00:00 UTC 10000");
    /* the extremes of int64 still give a date, not a crash */
    sluice_buf_t *out = sluice_buf_new();
    sluice_value_t *v = sluice_value_int64(INT64_MIN);
    sluice_value_to_text(ts, v, out);
    sluice_value_destroy(v);
    v = sluice_value_int64(INT64_MAX);
    sluice_value_to_text(ts, v, out);
    sluice_value_destroy(v);
    ASSERT_CONTAINS(sluice_buf_data(out), " UTC ");
    sluice_buf_destroy(out);
    sluice_schema_unref(ts);

    /* a name alone does not make a logical type: the underlying type must match */
    sluice_schema_t *odd = sluice_schema_new(SLUICE_TYPE_INT64);
    sluice_schema_set_name(odd, SLUICE_LOGICAL_DATE);
    ASSERT_TEXT(odd, sluice_value_int64(5), "5");
    sluice_schema_unref(odd);
}

static void test_containers(void)
{
    sluice_value_t *array = sluice_value_array_new();
    sluice_value_array_append(array, sluice_value_int32(1));
    sluice_value_array_append(array, NULL);
    sluice_value_array_append(array, sluice_value_cstring("x"));
    sluice_value_array_append(array, sluice_value_bytes("hi!", 3));
    sluice_value_array_append(array, sluice_value_bytes("hi", 2));
    sluice_value_array_append(array, sluice_value_bytes("h", 1));
    sluice_value_array_append(array, sluice_value_float64(1e-5));
    ASSERT_TEXT(NULL, array, "[1, null, x, aGkh, aGk=, aA==, 1.0E-5]");
    ASSERT_TEXT(NULL, sluice_value_array_new(), "[]");

    /* logical types inside containers come from the item schemas */
    sluice_schema_t *date = sluice_schema_date();
    sluice_schema_t *dates = sluice_schema_array(date);
    array = sluice_value_array_new();
    sluice_value_array_append(array, sluice_value_int32(19000));
    sluice_value_array_append(array, NULL);
    ASSERT_TEXT(dates, array, "[Sat Jan 08 00:00:00 UTC 2022, null]");
    sluice_schema_unref(dates);

    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "b", sluice_value_int32(1));
    sluice_value_map_put_str(map, "a", sluice_value_boolean(true));
    sluice_value_map_put_str(map, "n", NULL);
    ASSERT_TEXT(NULL, map, "{b=1, a=true, n=null}");
    ASSERT_TEXT(NULL, sluice_value_map_new(), "{}");

    sluice_schema_t *dec = sluice_schema_decimal(1);
    sluice_schema_t *by_date = sluice_schema_map(date, dec);
    map = sluice_value_map_new();
    sluice_value_map_put(map, sluice_value_int32(0), sluice_value_bytes("\x0F", 1));
    ASSERT_TEXT(by_date, map, "{Thu Jan 01 00:00:00 UTC 1970=1.5}");
    sluice_schema_unref(by_date);
    sluice_schema_unref(dec);

    /* nested containers */
    sluice_value_t *inner = sluice_value_array_new();
    sluice_value_array_append(inner, sluice_value_int8(2));
    map = sluice_value_map_new();
    sluice_value_map_put_str(map, "k", inner);
    array = sluice_value_array_new();
    sluice_value_array_append(array, map);
    ASSERT_TEXT(NULL, array, "[{k=[2]}]");
    sluice_schema_unref(date);
}

static void test_structs(void)
{
    sluice_schema_t *address = sluice_schema_new(SLUICE_TYPE_STRUCT);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_add_field(address, "city",
                                                  sluice_schema_of(SLUICE_TYPE_STRING, false), err,
                                                  sizeof err),
                          0);
    sluice_schema_t *person = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_t *ts = sluice_schema_timestamp();
    const struct {
        const char *name;
        const sluice_schema_t *schema;
    } fields[] = {{"name", sluice_schema_of(SLUICE_TYPE_STRING, false)},
                  {"nick", sluice_schema_of(SLUICE_TYPE_STRING, true)},
                  {"age", sluice_schema_of(SLUICE_TYPE_INT32, false)},
                  {"photo", sluice_schema_of(SLUICE_TYPE_BYTES, true)},
                  {"seen", ts},
                  {"home", address}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        CU_ASSERT_EQUAL_FATAL(
            sluice_schema_add_field(person, fields[i].name, fields[i].schema, err, sizeof err), 0);

    sluice_value_t *home = sluice_value_struct_new(address);
    sluice_value_struct_put(home, "city", sluice_value_cstring("Oslo"), err, sizeof err);
    sluice_value_t *st = sluice_value_struct_new(person);
    sluice_value_struct_put(st, "name", sluice_value_cstring("Ann"), err, sizeof err);
    sluice_value_struct_put(st, "age", sluice_value_int32(31), err, sizeof err);
    sluice_value_struct_put(st, "photo", sluice_value_bytes("hi", 2), err, sizeof err);
    sluice_value_struct_put(st, "seen", sluice_value_int64(1567615404000LL), err, sizeof err);
    sluice_value_struct_put(st, "home", home, err, sizeof err);
    /* null fields left out; the struct's own schema is used even with none given */
    ASSERT_TEXT(NULL, st,
                "Struct{name=Ann,age=31,photo=aGk=,seen=Wed Sep 04 16:43:24 UTC 2019,"
                "home=Struct{city=Oslo}}");

    ASSERT_TEXT(person, sluice_value_struct_new(person), "Struct{}");
    sluice_schema_unref(ts);
    sluice_schema_unref(person);
    sluice_schema_unref(address);
}

static void test_base64(void)
{
    /* RFC 4648's test vectors */
    static const char *const vectors[][2] = {{"", ""},
                                             {"f", "Zg=="},
                                             {"fo", "Zm8="},
                                             {"foo", "Zm9v"},
                                             {"foob", "Zm9vYg=="},
                                             {"fooba", "Zm9vYmE="},
                                             {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        sluice_buf_t *out = sluice_buf_new();
        sluice_base64_encode(vectors[i][0], strlen(vectors[i][0]), out);
        CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), vectors[i][1]);
        sluice_buf_destroy(out);
    }
    sluice_buf_t *out = sluice_buf_new();
    sluice_base64_encode("\xFB\xFF\xBF", 3, out);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "+/+/");
    sluice_buf_destroy(out);
}

void test_register(void)
{
    TEST_SUITE("java numbers", {"doubles", test_java_doubles}, {"floats", test_java_floats},
               {"appends", test_format_appends});
    TEST_SUITE("value text", {"primitives", test_primitives}, {"decimals", test_decimals},
               {"dates", test_dates}, {"containers", test_containers}, {"structs", test_structs});
    TEST_SUITE("base64", {"encode", test_base64});
}
