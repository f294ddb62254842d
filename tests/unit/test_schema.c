/* Schemas: names of types, building, logical types, predefined schemas,
 * reference counting and equality, as Kafka Connect's Schema behaves. */
#include <sluice/schema.h>
#include <sluice/value.h>

#include <pthread.h>
#include <string.h>

#include "test_util.h"

static char err[256];

static void test_type_names(void)
{
    static const char *const names[SLUICE_TYPE_COUNT] = {"int8",    "int16",   "int32",   "int64",
                                                         "float32", "float64", "boolean", "string",
                                                         "bytes",   "array",   "map",     "struct"};
    for (int t = 0; t < SLUICE_TYPE_COUNT; t++) {
        CU_ASSERT_STRING_EQUAL(sluice_type_name((sluice_type_t)t), names[t]);
        sluice_type_t parsed = SLUICE_TYPE_COUNT;
        CU_ASSERT_TRUE(sluice_type_parse(names[t], &parsed));
        CU_ASSERT_EQUAL(parsed, t);
    }
    CU_ASSERT_PTR_NULL(sluice_type_name((sluice_type_t)SLUICE_TYPE_COUNT));
    CU_ASSERT_PTR_NULL(sluice_type_name((sluice_type_t)-1));

    sluice_type_t parsed;
    CU_ASSERT_TRUE(sluice_type_parse("INT64", &parsed));
    CU_ASSERT_EQUAL(parsed, SLUICE_TYPE_INT64);
    CU_ASSERT_TRUE(sluice_type_parse("Struct", &parsed));
    CU_ASSERT_EQUAL(parsed, SLUICE_TYPE_STRUCT);
    CU_ASSERT_FALSE(sluice_type_parse("float", &parsed));
    CU_ASSERT_FALSE(sluice_type_parse("int", &parsed));
    CU_ASSERT_FALSE(sluice_type_parse("", &parsed));
    CU_ASSERT_FALSE(sluice_type_parse(NULL, &parsed));
}

static void test_new_defaults(void)
{
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_STRING);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(sluice_schema_type(s), SLUICE_TYPE_STRING);
    CU_ASSERT_FALSE(sluice_schema_is_optional(s));
    CU_ASSERT_PTR_NULL(sluice_schema_name(s));
    CU_ASSERT_PTR_NULL(sluice_schema_doc(s));
    int32_t version = 42;
    CU_ASSERT_FALSE(sluice_schema_version(s, &version));
    CU_ASSERT_EQUAL(version, 42);
    CU_ASSERT_EQUAL(sluice_schema_parameter_count(s), 0);
    CU_ASSERT_PTR_NULL(sluice_schema_parameter(s, "x"));
    CU_ASSERT_PTR_NULL(sluice_schema_default(s));
    CU_ASSERT_PTR_NULL(sluice_schema_key_schema(s));
    CU_ASSERT_PTR_NULL(sluice_schema_value_schema(s));
    CU_ASSERT_EQUAL(sluice_schema_field_count(s), 0);
    CU_ASSERT_EQUAL(sluice_schema_field_index(s, "x"), -1);
    sluice_schema_unref(s);

    CU_ASSERT_PTR_NULL(sluice_schema_new(SLUICE_TYPE_ARRAY));
    CU_ASSERT_PTR_NULL(sluice_schema_new(SLUICE_TYPE_MAP));
    CU_ASSERT_PTR_NULL(sluice_schema_new((sluice_type_t)SLUICE_TYPE_COUNT));
    sluice_schema_unref(NULL);
}

static void test_setters(void)
{
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_INT32);
    sluice_schema_set_optional(s, true);
    sluice_schema_set_name(s, "com.example.Count");
    sluice_schema_set_version(s, 7);
    sluice_schema_set_doc(s, "how many");
    sluice_schema_set_parameter(s, "b", "2");
    sluice_schema_set_parameter(s, "a", "1");
    sluice_schema_set_parameter(s, "b", "3"); /* replaces, keeps position */

    CU_ASSERT_TRUE(sluice_schema_is_optional(s));
    CU_ASSERT_STRING_EQUAL(sluice_schema_name(s), "com.example.Count");
    CU_ASSERT_STRING_EQUAL(sluice_schema_doc(s), "how many");
    int32_t version = 0;
    CU_ASSERT_TRUE(sluice_schema_version(s, &version));
    CU_ASSERT_EQUAL(version, 7);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_parameter_count(s), 2);
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter_key_at(s, 0), "b");
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter_value_at(s, 0), "3");
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter_key_at(s, 1), "a");
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter_value_at(s, 1), "1");
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter(s, "a"), "1");
    CU_ASSERT_PTR_NULL(sluice_schema_parameter_key_at(s, 2));
    CU_ASSERT_PTR_NULL(sluice_schema_parameter(s, "c"));

    /* Strings are copied, and NULL unsets. */
    char name[] = "temp";
    sluice_schema_set_name(s, name);
    name[0] = 'X';
    CU_ASSERT_STRING_EQUAL(sluice_schema_name(s), "temp");
    sluice_schema_set_name(s, NULL);
    CU_ASSERT_PTR_NULL(sluice_schema_name(s));
    sluice_schema_set_doc(s, NULL);
    CU_ASSERT_PTR_NULL(sluice_schema_doc(s));
    sluice_schema_set_optional(s, false);
    CU_ASSERT_FALSE(sluice_schema_is_optional(s));
    sluice_schema_unref(s);
}

static void test_logical_types(void)
{
    sluice_schema_t *dec = sluice_schema_decimal(2);
    CU_ASSERT_EQUAL(sluice_schema_type(dec), SLUICE_TYPE_BYTES);
    CU_ASSERT_STRING_EQUAL(sluice_schema_name(dec), "org.apache.kafka.connect.data.Decimal");
    CU_ASSERT_TRUE(sluice_schema_is_logical(dec, SLUICE_LOGICAL_DECIMAL));
    CU_ASSERT_FALSE(sluice_schema_is_logical(dec, SLUICE_LOGICAL_DATE));
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter(dec, SLUICE_DECIMAL_SCALE_PARAM), "2");
    CU_ASSERT_EQUAL(sluice_schema_parameter_count(dec), 1);
    int32_t version = 0;
    CU_ASSERT_TRUE(sluice_schema_version(dec, &version));
    CU_ASSERT_EQUAL(version, 1);
    CU_ASSERT_FALSE(sluice_schema_is_optional(dec));
    sluice_schema_unref(dec);

    dec = sluice_schema_decimal(-3);
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter(dec, "scale"), "-3");
    sluice_schema_unref(dec);
    dec = sluice_schema_decimal(INT32_MIN);
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter(dec, "scale"), "-2147483648");
    sluice_schema_unref(dec);

    struct {
        sluice_schema_t *schema;
        sluice_type_t type;
        const char *name;
    } cases[] = {
        {sluice_schema_date(), SLUICE_TYPE_INT32, "org.apache.kafka.connect.data.Date"},
        {sluice_schema_time(), SLUICE_TYPE_INT32, "org.apache.kafka.connect.data.Time"},
        {sluice_schema_timestamp(), SLUICE_TYPE_INT64, "org.apache.kafka.connect.data.Timestamp"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CU_ASSERT_EQUAL(sluice_schema_type(cases[i].schema), cases[i].type);
        CU_ASSERT_STRING_EQUAL(sluice_schema_name(cases[i].schema), cases[i].name);
        CU_ASSERT_TRUE(sluice_schema_is_logical(cases[i].schema, cases[i].name));
        version = 0;
        CU_ASSERT_TRUE(sluice_schema_version(cases[i].schema, &version));
        CU_ASSERT_EQUAL(version, 1);
        CU_ASSERT_EQUAL(sluice_schema_parameter_count(cases[i].schema), 0);
        CU_ASSERT_FALSE(sluice_schema_is_optional(cases[i].schema));
        sluice_schema_unref(cases[i].schema);
    }
    CU_ASSERT_FALSE(
        sluice_schema_is_logical(sluice_schema_of(SLUICE_TYPE_INT32, false), SLUICE_LOGICAL_DATE));
    CU_ASSERT_FALSE(sluice_schema_is_logical(NULL, SLUICE_LOGICAL_DATE));
}

static void test_predefined(void)
{
    for (int t = SLUICE_TYPE_INT8; t <= SLUICE_TYPE_BYTES; t++) {
        for (int opt = 0; opt < 2; opt++) {
            const sluice_schema_t *s = sluice_schema_of((sluice_type_t)t, opt);
            CU_ASSERT_PTR_NOT_NULL_FATAL(s);
            CU_ASSERT_EQUAL(sluice_schema_type(s), t);
            CU_ASSERT_EQUAL(sluice_schema_is_optional(s), opt);
            CU_ASSERT_PTR_NULL(sluice_schema_name(s));
            CU_ASSERT_FALSE(sluice_schema_version(s, NULL));
            CU_ASSERT_PTR_NULL(sluice_schema_default(s));
            /* The same object each time, and ref/unref leave it alone. */
            CU_ASSERT_PTR_EQUAL(sluice_schema_of((sluice_type_t)t, opt), s);
            CU_ASSERT_PTR_EQUAL(sluice_schema_ref(s), s);
            for (int i = 0; i < 5; i++)
                sluice_schema_unref(s);
            CU_ASSERT_EQUAL(sluice_schema_type(s), t);
        }
        CU_ASSERT_PTR_NOT_EQUAL(sluice_schema_of((sluice_type_t)t, false),
                                sluice_schema_of((sluice_type_t)t, true));
    }
    CU_ASSERT_PTR_NULL(sluice_schema_of(SLUICE_TYPE_ARRAY, false));
    CU_ASSERT_PTR_NULL(sluice_schema_of(SLUICE_TYPE_MAP, true));
    CU_ASSERT_PTR_NULL(sluice_schema_of(SLUICE_TYPE_STRUCT, false));
    CU_ASSERT_PTR_NULL(sluice_schema_of((sluice_type_t)99, false));

    /* A built schema equals the predefined one of the same shape. */
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_INT64);
    CU_ASSERT_TRUE(sluice_schema_equals(s, sluice_schema_of(SLUICE_TYPE_INT64, false)));
    CU_ASSERT_FALSE(sluice_schema_equals(s, sluice_schema_of(SLUICE_TYPE_INT64, true)));
    sluice_schema_set_optional(s, true);
    CU_ASSERT_TRUE(sluice_schema_equals(s, sluice_schema_of(SLUICE_TYPE_INT64, true)));
    sluice_schema_unref(s);
}

static void test_array_map(void)
{
    const sluice_schema_t *str = sluice_schema_of(SLUICE_TYPE_STRING, false);
    sluice_schema_t *items = sluice_schema_new(SLUICE_TYPE_INT32);
    sluice_schema_t *arr = sluice_schema_array(items);
    sluice_schema_unref(items); /* the array holds its own reference */
    CU_ASSERT_EQUAL(sluice_schema_type(arr), SLUICE_TYPE_ARRAY);
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_schema_value_schema(arr)), SLUICE_TYPE_INT32);
    CU_ASSERT_PTR_NULL(sluice_schema_key_schema(arr));

    sluice_schema_t *map = sluice_schema_map(str, arr);
    CU_ASSERT_EQUAL(sluice_schema_type(map), SLUICE_TYPE_MAP);
    CU_ASSERT_PTR_EQUAL(sluice_schema_key_schema(map), str);
    CU_ASSERT_PTR_EQUAL(sluice_schema_value_schema(map), arr);
    sluice_schema_unref(arr);
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_schema_value_schema(sluice_schema_value_schema(map))),
                    SLUICE_TYPE_INT32);
    sluice_schema_unref(map);

    CU_ASSERT_PTR_NULL(sluice_schema_array(NULL));
    CU_ASSERT_PTR_NULL(sluice_schema_map(str, NULL));
    CU_ASSERT_PTR_NULL(sluice_schema_map(NULL, str));
}

static sluice_schema_t *person_schema(void)
{
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(s, "com.example.Person");
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "name", sluice_schema_of(SLUICE_TYPE_STRING, false),
                                            err, sizeof(err)),
                    0);
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "age", sluice_schema_of(SLUICE_TYPE_INT32, true),
                                            err, sizeof(err)),
                    0);
    sluice_schema_t *ts = sluice_schema_timestamp();
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "login_time", ts, err, sizeof(err)), 0);
    sluice_schema_unref(ts);
    return s;
}

static void test_struct_fields(void)
{
    sluice_schema_t *s = person_schema();
    CU_ASSERT_EQUAL_FATAL(sluice_schema_field_count(s), 3);
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(s, 0), "name");
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(s, 1), "age");
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(s, 2), "login_time");
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_schema_field_schema(s, 1)), SLUICE_TYPE_INT32);
    CU_ASSERT_TRUE(sluice_schema_is_optional(sluice_schema_field_schema(s, 1)));
    CU_ASSERT_TRUE(
        sluice_schema_is_logical(sluice_schema_field_schema(s, 2), SLUICE_LOGICAL_TIMESTAMP));
    CU_ASSERT_PTR_NULL(sluice_schema_field_name(s, 3));
    CU_ASSERT_PTR_NULL(sluice_schema_field_schema(s, 3));
    CU_ASSERT_EQUAL(sluice_schema_field_index(s, "name"), 0);
    CU_ASSERT_EQUAL(sluice_schema_field_index(s, "login_time"), 2);
    CU_ASSERT_EQUAL(sluice_schema_field_index(s, "Name"), -1);
    CU_ASSERT_EQUAL(sluice_schema_field_index(s, NULL), -1);

    /* Refusals. */
    err[0] = '\0';
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "age", sluice_schema_of(SLUICE_TYPE_INT8, false),
                                            err, sizeof(err)),
                    -1);
    ASSERT_CONTAINS(err, "duplicate field name 'age'");
    CU_ASSERT_EQUAL(
        sluice_schema_add_field(s, "", sluice_schema_of(SLUICE_TYPE_INT8, false), err, sizeof(err)),
        -1);
    ASSERT_CONTAINS(err, "empty");
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, NULL, sluice_schema_of(SLUICE_TYPE_INT8, false), err,
                                            sizeof(err)),
                    -1);
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "x", NULL, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "'x'");
    CU_ASSERT_EQUAL(sluice_schema_field_count(s), 3);

    sluice_schema_t *i32 = sluice_schema_new(SLUICE_TYPE_INT32);
    CU_ASSERT_EQUAL(sluice_schema_add_field(i32, "x", s, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "int32");
    CU_ASSERT_EQUAL(sluice_schema_field_count(i32), 0);
    sluice_schema_unref(i32);

    /* A schema cannot be made to contain itself, directly or through another. */
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "self", s, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "itself");
    sluice_schema_t *inner = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_t *list = sluice_schema_array(s);
    CU_ASSERT_EQUAL(sluice_schema_add_field(inner, "people", list, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(sluice_schema_add_field(s, "inner", inner, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "itself");
    sluice_schema_unref(list);
    sluice_schema_unref(inner);
    sluice_schema_unref(s);
}

static void test_refcount(void)
{
    sluice_schema_t *s = person_schema();
    const sluice_schema_t *r = sluice_schema_ref(s);
    CU_ASSERT_PTR_EQUAL(r, s);
    sluice_schema_unref(s);
    /* Still alive through r (ASan would flag a use after free). */
    CU_ASSERT_EQUAL(sluice_schema_field_count(r), 3);
    CU_ASSERT_PTR_NULL(sluice_schema_ref(NULL));
    sluice_schema_unref(r);
}

static void *ref_worker(void *arg)
{
    const sluice_schema_t *s = arg;
    for (int i = 0; i < 100000; i++) {
        sluice_schema_ref(s);
        sluice_schema_unref(s);
    }
    for (int i = 0; i < 1000; i++)
        sluice_schema_ref(s);
    for (int i = 0; i < 1000; i++)
        sluice_schema_unref(s);
    return NULL;
}

static void test_refcount_threads(void)
{
    sluice_schema_t *s = person_schema();
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[i], NULL, ref_worker, s), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    /* Exactly our reference is left: one unref frees it, with no leak. */
    CU_ASSERT_EQUAL(sluice_schema_field_count(s), 3);
    sluice_schema_unref(s);
}

static void test_defaults(void)
{
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_INT32);
    CU_ASSERT_EQUAL(sluice_schema_set_default(s, sluice_value_int32(5), err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_schema_default(s)), 5);
    /* A second default replaces the first. */
    CU_ASSERT_EQUAL(sluice_schema_set_default(s, sluice_value_int32(6), err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_schema_default(s)), 6);

    /* A default of the wrong type is refused and freed (no leak under ASan). */
    err[0] = '\0';
    CU_ASSERT_EQUAL(sluice_schema_set_default(s, sluice_value_cstring("x"), err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "invalid default value");
    ASSERT_CONTAINS(err, "expected int32, got string");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_schema_default(s)), 6);

    /* NULL clears it. */
    CU_ASSERT_EQUAL(sluice_schema_set_default(s, NULL, err, sizeof(err)), 0);
    CU_ASSERT_PTR_NULL(sluice_schema_default(s));
    sluice_schema_unref(s);

    /* Logical types take their underlying type's values. */
    sluice_schema_t *date = sluice_schema_date();
    CU_ASSERT_EQUAL(sluice_schema_set_default(date, sluice_value_int32(19000), err, sizeof(err)),
                    0);
    CU_ASSERT_EQUAL(sluice_schema_set_default(date, sluice_value_int64(19000), err, sizeof(err)),
                    -1);
    sluice_schema_unref(date);

    /* Nested defaults are checked deep. */
    sluice_schema_t *arr = sluice_schema_array(sluice_schema_of(SLUICE_TYPE_STRING, false));
    sluice_value_t *bad = sluice_value_array_new();
    sluice_value_array_append(bad, sluice_value_cstring("a"));
    sluice_value_array_append(bad, sluice_value_int8(1));
    CU_ASSERT_EQUAL(sluice_schema_set_default(arr, bad, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "value[1]: expected string, got int8");
    sluice_schema_unref(arr);

    /* A struct default for the struct schema it belongs to would be a
     * reference cycle. */
    sluice_schema_t *st = person_schema();
    sluice_value_t *v = sluice_value_struct_new(st);
    sluice_value_struct_put(v, "name", sluice_value_cstring("n"), err, sizeof(err));
    sluice_value_struct_put(v, "login_time", sluice_value_int64(1), err, sizeof(err));
    CU_ASSERT_EQUAL(sluice_schema_set_default(st, v, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "itself");
    sluice_schema_unref(st);
}

static void test_equals(void)
{
    sluice_schema_t *a = person_schema();
    sluice_schema_t *b = person_schema();
    CU_ASSERT_TRUE(sluice_schema_equals(a, b));
    CU_ASSERT_TRUE(sluice_schema_equals(a, a));
    CU_ASSERT_TRUE(sluice_schema_equals(NULL, NULL));
    CU_ASSERT_FALSE(sluice_schema_equals(a, NULL));
    CU_ASSERT_FALSE(sluice_schema_equals(NULL, b));

    /* Each property counts. */
    sluice_schema_set_doc(b, "doc");
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_doc(a, "doc");
    CU_ASSERT_TRUE(sluice_schema_equals(a, b));
    sluice_schema_set_version(a, 1);
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_version(b, 2);
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_version(b, 1);
    CU_ASSERT_TRUE(sluice_schema_equals(a, b));
    sluice_schema_set_name(b, "other");
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_name(b, "com.example.Person");
    sluice_schema_set_optional(a, true);
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_optional(b, true);
    CU_ASSERT_TRUE(sluice_schema_equals(a, b));

    /* Parameters compare as maps: order does not matter, values do. */
    sluice_schema_set_parameter(a, "x", "1");
    sluice_schema_set_parameter(a, "y", "2");
    sluice_schema_set_parameter(b, "y", "2");
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_parameter(b, "x", "1");
    CU_ASSERT_TRUE(sluice_schema_equals(a, b));
    sluice_schema_set_parameter(b, "x", "9");
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    sluice_schema_set_parameter(b, "x", "1");

    /* Fields, deep. */
    CU_ASSERT_EQUAL(sluice_schema_add_field(a, "tags", sluice_schema_of(SLUICE_TYPE_STRING, true),
                                            err, sizeof(err)),
                    0);
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));
    CU_ASSERT_EQUAL(sluice_schema_add_field(b, "tags", sluice_schema_of(SLUICE_TYPE_STRING, false),
                                            err, sizeof(err)),
                    0);
    CU_ASSERT_FALSE(sluice_schema_equals(a, b));

    /* Defaults. */
    sluice_schema_t *d1 = sluice_schema_new(SLUICE_TYPE_INT32);
    sluice_schema_t *d2 = sluice_schema_new(SLUICE_TYPE_INT32);
    sluice_schema_set_default(d1, sluice_value_int32(1), err, sizeof(err));
    CU_ASSERT_FALSE(sluice_schema_equals(d1, d2));
    sluice_schema_set_default(d2, sluice_value_int32(2), err, sizeof(err));
    CU_ASSERT_FALSE(sluice_schema_equals(d1, d2));
    sluice_schema_set_default(d2, sluice_value_int32(1), err, sizeof(err));
    CU_ASSERT_TRUE(sluice_schema_equals(d1, d2));

    /* Array items and map keys / values. */
    sluice_schema_t *arr1 = sluice_schema_array(d1);
    sluice_schema_t *arr2 = sluice_schema_array(d2);
    sluice_schema_t *arr3 = sluice_schema_array(sluice_schema_of(SLUICE_TYPE_INT32, false));
    CU_ASSERT_TRUE(sluice_schema_equals(arr1, arr2));
    CU_ASSERT_FALSE(sluice_schema_equals(arr1, arr3));
    sluice_schema_t *m1 = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false), arr1);
    sluice_schema_t *m2 = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false), arr2);
    sluice_schema_t *m3 = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, true), arr2);
    sluice_schema_t *m4 = sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false), arr3);
    CU_ASSERT_TRUE(sluice_schema_equals(m1, m2));
    CU_ASSERT_FALSE(sluice_schema_equals(m1, m3));
    CU_ASSERT_FALSE(sluice_schema_equals(m1, m4));
    CU_ASSERT_FALSE(sluice_schema_equals(m1, arr1));

    /* Types, and logical types by name. */
    sluice_schema_t *ts = sluice_schema_timestamp();
    CU_ASSERT_FALSE(sluice_schema_equals(ts, sluice_schema_of(SLUICE_TYPE_INT64, false)));
    sluice_schema_t *dec2 = sluice_schema_decimal(2);
    sluice_schema_t *dec2b = sluice_schema_decimal(2);
    sluice_schema_t *dec3 = sluice_schema_decimal(3);
    CU_ASSERT_TRUE(sluice_schema_equals(dec2, dec2b));
    CU_ASSERT_FALSE(sluice_schema_equals(dec2, dec3));

    sluice_schema_t *all[] = {a,  b,  d1, d2, arr1, arr2,  arr3, m1,
                              m2, m3, m4, ts, dec2, dec2b, dec3};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sluice_schema_unref(all[i]);
}

static void test_null_safety(void)
{
    /* Readers take NULL without crashing. */
    CU_ASSERT_PTR_NULL(sluice_type_name(sluice_schema_type(NULL)));
    CU_ASSERT_FALSE(sluice_schema_is_optional(NULL));
    CU_ASSERT_PTR_NULL(sluice_schema_name(NULL));
    CU_ASSERT_EQUAL(sluice_schema_field_count(NULL), 0);
    CU_ASSERT_EQUAL(sluice_schema_parameter_count(NULL), 0);
    CU_ASSERT_FALSE(sluice_schema_version(NULL, NULL));
    sluice_schema_set_name(NULL, "x");
    sluice_schema_set_parameter(NULL, "x", "y");
    CU_ASSERT_EQUAL(sluice_schema_add_field(NULL, "x", sluice_schema_of(SLUICE_TYPE_INT8, false),
                                            err, sizeof(err)),
                    -1);
}

void test_register(void)
{
    TEST_SUITE("schema", {"type names", test_type_names}, {"new defaults", test_new_defaults},
               {"setters", test_setters}, {"logical types", test_logical_types},
               {"predefined", test_predefined}, {"array and map", test_array_map},
               {"struct fields", test_struct_fields}, {"refcount", test_refcount},
               {"refcount threads", test_refcount_threads}, {"defaults", test_defaults},
               {"equals", test_equals}, {"null safety", test_null_safety});
}
