/* Values: constructors and getters, containers, structs bound to schemas,
 * copy, equality and validation against schemas (ConnectSchema.validateValue),
 * and decimals in plain notation. */
#include <sluice/value.h>

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

static char err[256];

static void test_primitives(void)
{
    sluice_value_t *v;

    v = sluice_value_int8(-128);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT8);
    CU_ASSERT_EQUAL(sluice_value_get_int8(v), -128);
    CU_ASSERT_EQUAL(sluice_value_get_int32(v), 0); /* wrong type: 0 */
    sluice_value_destroy(v);

    v = sluice_value_int16(-32768);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT16);
    CU_ASSERT_EQUAL(sluice_value_get_int16(v), -32768);
    CU_ASSERT_EQUAL(sluice_value_get_int8(v), 0);
    sluice_value_destroy(v);

    v = sluice_value_int32(INT32_MIN);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT32);
    CU_ASSERT_EQUAL(sluice_value_get_int32(v), INT32_MIN);
    CU_ASSERT_EQUAL(sluice_value_get_int64(v), 0);
    sluice_value_destroy(v);

    v = sluice_value_int64(INT64_MAX);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT64);
    CU_ASSERT_EQUAL(sluice_value_get_int64(v), INT64_MAX);
    CU_ASSERT_EQUAL(sluice_value_get_int32(v), 0);
    sluice_value_destroy(v);

    v = sluice_value_float32(1.5f);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_FLOAT32);
    CU_ASSERT_EQUAL(sluice_value_get_float32(v), 1.5f);
    CU_ASSERT_EQUAL(sluice_value_get_float64(v), 0.0);
    sluice_value_destroy(v);

    v = sluice_value_float64(-2.25e300);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_FLOAT64);
    CU_ASSERT_EQUAL(sluice_value_get_float64(v), -2.25e300);
    CU_ASSERT_EQUAL(sluice_value_get_float32(v), 0.0f);
    sluice_value_destroy(v);

    v = sluice_value_boolean(true);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_BOOLEAN);
    CU_ASSERT_TRUE(sluice_value_get_boolean(v));
    sluice_value_destroy(v);
    v = sluice_value_boolean(false);
    CU_ASSERT_FALSE(sluice_value_get_boolean(v));
    sluice_value_destroy(v);

    /* Getters on null give the zero answer. */
    CU_ASSERT_EQUAL(sluice_value_get_int64(NULL), 0);
    CU_ASSERT_FALSE(sluice_value_get_boolean(NULL));
    sluice_value_destroy(NULL);
}

static void test_strings_bytes(void)
{
    size_t len = 99;
    sluice_value_t *v = sluice_value_string("hello world", 5);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_STRING);
    const char *s = sluice_value_get_string(v, &len);
    CU_ASSERT_EQUAL(len, 5);
    CU_ASSERT_STRING_EQUAL(s, "hello"); /* NUL-terminated after len bytes */
    CU_ASSERT_PTR_NULL(sluice_value_get_bytes(v, &len));
    CU_ASSERT_EQUAL(len, 0);
    sluice_value_destroy(v);

    /* Embedded NULs are kept. */
    v = sluice_value_string("a\0b", 3);
    s = sluice_value_get_string(v, &len);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_EQUAL(memcmp(s, "a\0b", 4), 0);
    sluice_value_destroy(v);

    char buf[] = "copied";
    v = sluice_value_cstring(buf);
    buf[0] = 'X';
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(v, NULL), "copied");
    sluice_value_destroy(v);

    v = sluice_value_string("", 0);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(v, &len), "");
    CU_ASSERT_EQUAL(len, 0);
    sluice_value_destroy(v);

    char *heap = strdup("taken string");
    v = sluice_value_string_take(heap, strlen(heap));
    CU_ASSERT_PTR_EQUAL(sluice_value_get_string(v, &len), heap);
    CU_ASSERT_EQUAL(len, 12);
    sluice_value_t *copy = sluice_value_copy(v);
    CU_ASSERT_PTR_NOT_EQUAL(sluice_value_get_string(copy, NULL), heap);
    CU_ASSERT_TRUE(sluice_value_equals(v, copy));
    sluice_value_destroy(v); /* frees heap (ASan checks) */
    sluice_value_destroy(copy);

    const uint8_t raw[] = {0x00, 0xff, 0x10};
    v = sluice_value_bytes(raw, sizeof(raw));
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_BYTES);
    const uint8_t *b = sluice_value_get_bytes(v, &len);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_EQUAL(memcmp(b, raw, 3), 0);
    CU_ASSERT_PTR_NOT_EQUAL(b, raw);
    CU_ASSERT_PTR_NULL(sluice_value_get_string(v, &len));
    sluice_value_destroy(v);

    v = sluice_value_bytes(NULL, 0);
    CU_ASSERT_PTR_NOT_NULL(sluice_value_get_bytes(v, &len));
    CU_ASSERT_EQUAL(len, 0);
    sluice_value_destroy(v);
}

static void test_array(void)
{
    sluice_value_t *a = sluice_value_array_new();
    CU_ASSERT_EQUAL(sluice_value_type(a), SLUICE_TYPE_ARRAY);
    CU_ASSERT_EQUAL(sluice_value_array_count(a), 0);
    for (int i = 0; i < 100; i++)
        sluice_value_array_append(a, sluice_value_int32(i));
    sluice_value_array_append(a, NULL);
    CU_ASSERT_EQUAL(sluice_value_array_count(a), 101);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_array_get(a, 0)), 0);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_array_get(a, 99)), 99);
    CU_ASSERT_PTR_NULL(sluice_value_array_get(a, 100));
    CU_ASSERT_PTR_NULL(sluice_value_array_get(a, 101));
    CU_ASSERT_EQUAL(sluice_value_array_count(NULL), 0);

    /* Appending to something that is not an array frees the item. */
    sluice_value_t *notarr = sluice_value_int8(1);
    sluice_value_array_append(notarr, sluice_value_cstring("lost"));
    CU_ASSERT_EQUAL(sluice_value_array_count(notarr), 0);
    sluice_value_destroy(notarr);
    sluice_value_destroy(a);
}

static void test_map_order_replace(void)
{
    sluice_value_t *m = sluice_value_map_new();
    CU_ASSERT_EQUAL(sluice_value_type(m), SLUICE_TYPE_MAP);
    sluice_value_map_put_str(m, "z", sluice_value_int32(1));
    sluice_value_map_put_str(m, "a", sluice_value_int32(2));
    sluice_value_map_put(m, sluice_value_int32(7), sluice_value_cstring("int key"));
    sluice_value_map_put_str(m, "m", NULL);
    CU_ASSERT_EQUAL_FATAL(sluice_value_map_count(m), 4);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_key_at(m, 0), NULL), "z");
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_key_at(m, 1), NULL), "a");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_key_at(m, 2)), 7);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_key_at(m, 3), NULL), "m");
    CU_ASSERT_PTR_NULL(sluice_value_map_value_at(m, 3));

    /* An equal key replaces the value in place. */
    sluice_value_map_put_str(m, "z", sluice_value_int32(10));
    sluice_value_map_put(m, sluice_value_int32(7), sluice_value_cstring("again"));
    CU_ASSERT_EQUAL_FATAL(sluice_value_map_count(m), 4);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_key_at(m, 0), NULL), "z");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_value_at(m, 0)), 10);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_value_at(m, 2), NULL), "again");

    /* A key of another type is another key: int64 7 is not int32 7. */
    sluice_value_map_put(m, sluice_value_int64(7), sluice_value_boolean(true));
    CU_ASSERT_EQUAL(sluice_value_map_count(m), 5);

    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_get_str(m, "a")), 2);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_get_str(m, "z")), 10);
    CU_ASSERT_PTR_NULL(sluice_value_map_get_str(m, "missing"));
    CU_ASSERT_PTR_NULL(sluice_value_map_get_str(m, "m"));
    CU_ASSERT_PTR_NULL(sluice_value_map_key_at(m, 5));
    CU_ASSERT_PTR_NULL(sluice_value_map_value_at(m, 5));
    sluice_value_destroy(m);
}

static void test_map_large(void)
{
    /* Past the size where maps get a hash index: order, replacement and
     * lookup must still hold, including for non-string keys. */
    sluice_value_t *m = sluice_value_map_new();
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "key-%d", i);
        sluice_value_map_put_str(m, key, sluice_value_int32(i));
        sluice_value_map_put(m, sluice_value_int64(i), sluice_value_int32(-i));
    }
    CU_ASSERT_EQUAL_FATAL(sluice_value_map_count(m), 2000);
    for (int i = 0; i < 1000; i += 7) {
        snprintf(key, sizeof(key), "key-%d", i);
        sluice_value_map_put_str(m, key, sluice_value_int32(i * 2));
        sluice_value_map_put(m, sluice_value_int64(i), sluice_value_int32(i * 3));
    }
    CU_ASSERT_EQUAL(sluice_value_map_count(m), 2000);
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "key-%d", i);
        const sluice_value_t *v = sluice_value_map_get_str(m, key);
        if (sluice_value_get_int32(v) != (i % 7 ? i : i * 2))
            bad++;
        const sluice_value_t *k = sluice_value_map_key_at(m, (size_t)i * 2);
        if (strcmp(sluice_value_get_string(k, NULL), key) != 0)
            bad++;
        if (sluice_value_get_int64(sluice_value_map_key_at(m, (size_t)i * 2 + 1)) != i)
            bad++;
        if (sluice_value_get_int32(sluice_value_map_value_at(m, (size_t)i * 2 + 1)) !=
            (i % 7 ? -i : i * 3))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_PTR_NULL(sluice_value_map_get_str(m, "key-1000"));

    /* Copies keep lookups working, and equality ignores order. */
    sluice_value_t *copy = sluice_value_copy(m);
    CU_ASSERT_TRUE(sluice_value_equals(m, copy));
    sluice_value_map_put_str(copy, "key-5", sluice_value_int32(-1));
    CU_ASSERT_EQUAL(sluice_value_map_count(copy), 2000);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_get_str(copy, "key-5")), -1);
    CU_ASSERT_FALSE(sluice_value_equals(m, copy));

    sluice_value_t *reversed = sluice_value_map_new();
    for (size_t i = sluice_value_map_count(m); i-- > 0;)
        sluice_value_map_put(reversed, sluice_value_copy(sluice_value_map_key_at(m, i)),
                             sluice_value_copy(sluice_value_map_value_at(m, i)));
    CU_ASSERT_TRUE(sluice_value_equals(m, reversed));
    CU_ASSERT_TRUE(sluice_value_equals(reversed, m));
    sluice_value_destroy(reversed);
    sluice_value_destroy(copy);
    sluice_value_destroy(m);
}

/* The schema of { name: string, age: optional int32, login_time: Timestamp }. */
static sluice_schema_t *person_schema(void)
{
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(s, "com.example.Person");
    sluice_schema_add_field(s, "name", sluice_schema_of(SLUICE_TYPE_STRING, false), err,
                            sizeof(err));
    sluice_schema_add_field(s, "age", sluice_schema_of(SLUICE_TYPE_INT32, true), err, sizeof(err));
    sluice_schema_t *ts = sluice_schema_timestamp();
    sluice_schema_add_field(s, "login_time", ts, err, sizeof(err));
    sluice_schema_unref(ts);
    return s;
}

static sluice_value_t *person(const sluice_schema_t *schema, const char *name, int32_t age)
{
    sluice_value_t *p = sluice_value_struct_new(schema);
    CU_ASSERT_EQUAL(
        sluice_value_struct_put(p, "name", sluice_value_cstring(name), err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(sluice_value_struct_put(p, "age", sluice_value_int32(age), err, sizeof(err)),
                    0);
    CU_ASSERT_EQUAL(sluice_value_struct_put(p, "login_time", sluice_value_int64(1700000000000), err,
                                            sizeof(err)),
                    0);
    return p;
}

static void test_struct(void)
{
    sluice_schema_t *schema = person_schema();
    sluice_value_t *p = sluice_value_struct_new(schema);
    sluice_schema_unref(schema); /* the struct keeps its own reference */
    CU_ASSERT_EQUAL(sluice_value_type(p), SLUICE_TYPE_STRUCT);
    CU_ASSERT_PTR_EQUAL(sluice_value_struct_schema(p), schema);
    CU_ASSERT_PTR_NULL(sluice_value_struct_get(p, "name")); /* fields start null */

    CU_ASSERT_EQUAL(
        sluice_value_struct_put(p, "name", sluice_value_cstring("Ada"), err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(sluice_value_struct_put_at(p, 1, sluice_value_int32(36), err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_struct_get(p, "name"), NULL),
                           "Ada");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get_at(p, 1)), 36);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(p, "age")), 36);
    CU_ASSERT_PTR_NULL(sluice_value_struct_get(p, "nope"));
    CU_ASSERT_PTR_NULL(sluice_value_struct_get_at(p, 3));

    /* Replacing frees the old value; NULL sets null. */
    CU_ASSERT_EQUAL(
        sluice_value_struct_put(p, "name", sluice_value_cstring("Grace"), err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_struct_get(p, "name"), NULL),
                           "Grace");
    CU_ASSERT_EQUAL(sluice_value_struct_put(p, "age", NULL, err, sizeof(err)), 0);
    CU_ASSERT_PTR_NULL(sluice_value_struct_get(p, "age"));

    /* Type errors name the field; the value is freed (ASan checks). */
    err[0] = '\0';
    CU_ASSERT_EQUAL(sluice_value_struct_put(p, "login_time", sluice_value_cstring("yesterday"), err,
                                            sizeof(err)),
                    -1);
    CU_ASSERT_STRING_EQUAL(err, "field login_time: expected int64, got string");
    CU_ASSERT_PTR_NULL(sluice_value_struct_get(p, "login_time"));
    CU_ASSERT_EQUAL(sluice_value_struct_put_at(p, 0, sluice_value_int32(1), err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field name: expected string, got int32");
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_struct_get(p, "name"), NULL),
                           "Grace");
    CU_ASSERT_EQUAL(sluice_value_struct_put(p, "nope", sluice_value_int32(1), err, sizeof(err)),
                    -1);
    ASSERT_CONTAINS(err, "nope is not a valid field name");
    CU_ASSERT_EQUAL(sluice_value_struct_put_at(p, 3, sluice_value_int32(1), err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "out of range");

    sluice_value_t *notst = sluice_value_int32(1);
    CU_ASSERT_EQUAL(sluice_value_struct_put(notst, "x", sluice_value_int32(1), err, sizeof(err)),
                    -1);
    CU_ASSERT_PTR_NULL(sluice_value_struct_schema(notst));
    sluice_value_destroy(notst);

    /* take_at detaches. */
    sluice_value_t *name = sluice_value_struct_take_at(p, 0);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(name, NULL), "Grace");
    CU_ASSERT_PTR_NULL(sluice_value_struct_get_at(p, 0));
    CU_ASSERT_PTR_NULL(sluice_value_struct_take_at(p, 0));
    CU_ASSERT_PTR_NULL(sluice_value_struct_take_at(p, 9));
    sluice_value_destroy(name);
    sluice_value_destroy(p);

    CU_ASSERT_PTR_NULL(sluice_value_struct_new(sluice_schema_of(SLUICE_TYPE_INT32, false)));
    CU_ASSERT_PTR_NULL(sluice_value_struct_new(NULL));

    /* A struct with no fields is fine. */
    sluice_schema_t *empty = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_value_t *e = sluice_value_struct_new(empty);
    CU_ASSERT_EQUAL(sluice_value_validate(empty, e, err, sizeof(err)), 0);
    sluice_value_destroy(e);
    sluice_schema_unref(empty);
}

/* A tree with every container kind: { people: [Person], attrs: {str: Person}, raw: bytes } */
static sluice_value_t *sample_tree(const sluice_schema_t *person_s, const sluice_schema_t *root_s)
{
    sluice_value_t *root = sluice_value_struct_new(root_s);
    sluice_value_t *people = sluice_value_array_new();
    sluice_value_array_append(people, person(person_s, "a", 1));
    sluice_value_array_append(people, person(person_s, "b", 2));
    sluice_value_struct_put(root, "people", people, err, sizeof(err));
    sluice_value_t *attrs = sluice_value_map_new();
    sluice_value_map_put_str(attrs, "boss", person(person_s, "c", 3));
    sluice_value_struct_put(root, "attrs", attrs, err, sizeof(err));
    sluice_value_struct_put(root, "raw", sluice_value_bytes("\x01\x02", 2), err, sizeof(err));
    return root;
}

static sluice_schema_t *sample_schema(const sluice_schema_t *person_s)
{
    sluice_schema_t *root = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_t *people = sluice_schema_array(person_s);
    sluice_schema_t *attrs =
        sluice_schema_map(sluice_schema_of(SLUICE_TYPE_STRING, false), person_s);
    sluice_schema_add_field(root, "people", people, err, sizeof(err));
    sluice_schema_add_field(root, "attrs", attrs, err, sizeof(err));
    sluice_schema_add_field(root, "raw", sluice_schema_of(SLUICE_TYPE_BYTES, true), err,
                            sizeof(err));
    sluice_schema_unref(people);
    sluice_schema_unref(attrs);
    return root;
}

static void test_copy_deep(void)
{
    sluice_schema_t *ps = person_schema();
    sluice_schema_t *rs = sample_schema(ps);
    sluice_value_t *tree = sample_tree(ps, rs);
    sluice_value_t *copy = sluice_value_copy(tree);
    CU_ASSERT_TRUE(sluice_value_equals(tree, copy));
    CU_ASSERT_PTR_NOT_EQUAL(copy, tree);
    CU_ASSERT_PTR_EQUAL(sluice_value_struct_schema(copy), rs);

    /* Changing the copy deep down leaves the original alone. */
    const sluice_value_t *people = sluice_value_struct_get(copy, "people");
    sluice_value_t *first = (sluice_value_t *)sluice_value_array_get(people, 0);
    CU_ASSERT_PTR_NOT_EQUAL(first,
                            sluice_value_array_get(sluice_value_struct_get(tree, "people"), 0));
    sluice_value_struct_put(first, "name", sluice_value_cstring("changed"), err, sizeof(err));
    CU_ASSERT_FALSE(sluice_value_equals(tree, copy));
    const sluice_value_t *orig_first =
        sluice_value_array_get(sluice_value_struct_get(tree, "people"), 0);
    CU_ASSERT_STRING_EQUAL(
        sluice_value_get_string(sluice_value_struct_get(orig_first, "name"), NULL), "a");

    sluice_value_t *attrs = (sluice_value_t *)sluice_value_struct_get(copy, "attrs");
    sluice_value_map_put_str(attrs, "new", person(ps, "n", 9));
    CU_ASSERT_EQUAL(sluice_value_map_count(sluice_value_struct_get(tree, "attrs")), 1);

    /* The copy outlives the original and its schema references. */
    sluice_value_destroy(tree);
    sluice_schema_unref(rs);
    sluice_schema_unref(ps);
    CU_ASSERT_EQUAL(sluice_value_validate(sluice_value_struct_schema(copy), copy, err, sizeof(err)),
                    0);
    sluice_value_destroy(copy);
    CU_ASSERT_PTR_NULL(sluice_value_copy(NULL));
}

static void test_equals(void)
{
    CU_ASSERT_TRUE(sluice_value_equals(NULL, NULL));
    sluice_value_t *a = sluice_value_int32(1);
    sluice_value_t *b = sluice_value_int32(1);
    sluice_value_t *c = sluice_value_int64(1);
    CU_ASSERT_TRUE(sluice_value_equals(a, b));
    CU_ASSERT_FALSE(sluice_value_equals(a, c)); /* types differ */
    CU_ASSERT_FALSE(sluice_value_equals(a, NULL));
    CU_ASSERT_FALSE(sluice_value_equals(NULL, a));
    sluice_value_destroy(a);
    sluice_value_destroy(b);
    sluice_value_destroy(c);

    /* Floats compare by bits: NaN equals NaN, 0.0 is not -0.0. */
    sluice_value_t *n1 = sluice_value_float64(NAN);
    sluice_value_t *n2 = sluice_value_float64(-NAN);
    sluice_value_t *z = sluice_value_float64(0.0);
    sluice_value_t *nz = sluice_value_float64(-0.0);
    CU_ASSERT_TRUE(sluice_value_equals(n1, n2));
    CU_ASSERT_FALSE(sluice_value_equals(z, nz));
    sluice_value_t *f1 = sluice_value_float32(NAN);
    sluice_value_t *f2 = sluice_value_float32(NAN);
    sluice_value_t *f3 = sluice_value_float32(-0.0f);
    sluice_value_t *f4 = sluice_value_float32(0.0f);
    CU_ASSERT_TRUE(sluice_value_equals(f1, f2));
    CU_ASSERT_FALSE(sluice_value_equals(f3, f4));
    CU_ASSERT_FALSE(sluice_value_equals(f1, n1));
    sluice_value_t *fl[] = {n1, n2, z, nz, f1, f2, f3, f4};
    for (size_t i = 0; i < 8; i++)
        sluice_value_destroy(fl[i]);

    /* Strings and bytes by content and type. */
    sluice_value_t *s1 = sluice_value_cstring("ab");
    sluice_value_t *s2 = sluice_value_string("abc", 2);
    sluice_value_t *s3 = sluice_value_cstring("abc");
    sluice_value_t *b1 = sluice_value_bytes("ab", 2);
    CU_ASSERT_TRUE(sluice_value_equals(s1, s2));
    CU_ASSERT_FALSE(sluice_value_equals(s1, s3));
    CU_ASSERT_FALSE(sluice_value_equals(s1, b1));
    sluice_value_destroy(s1);
    sluice_value_destroy(s2);
    sluice_value_destroy(s3);
    sluice_value_destroy(b1);

    /* Arrays by position, including nulls. */
    sluice_value_t *x = sluice_value_array_new();
    sluice_value_t *y = sluice_value_array_new();
    sluice_value_array_append(x, sluice_value_int8(1));
    sluice_value_array_append(x, NULL);
    sluice_value_array_append(y, sluice_value_int8(1));
    CU_ASSERT_FALSE(sluice_value_equals(x, y));
    sluice_value_array_append(y, sluice_value_int8(0));
    CU_ASSERT_FALSE(sluice_value_equals(x, y));
    sluice_value_destroy(y);
    y = sluice_value_copy(x);
    CU_ASSERT_TRUE(sluice_value_equals(x, y));
    sluice_value_destroy(x);
    sluice_value_destroy(y);

    /* Small maps ignore order, as Java's Map.equals. */
    x = sluice_value_map_new();
    y = sluice_value_map_new();
    sluice_value_map_put_str(x, "a", sluice_value_int8(1));
    sluice_value_map_put_str(x, "b", sluice_value_int8(2));
    sluice_value_map_put_str(y, "b", sluice_value_int8(2));
    CU_ASSERT_FALSE(sluice_value_equals(x, y));
    sluice_value_map_put_str(y, "a", sluice_value_int8(1));
    CU_ASSERT_TRUE(sluice_value_equals(x, y));
    sluice_value_map_put_str(y, "a", sluice_value_int8(3));
    CU_ASSERT_FALSE(sluice_value_equals(x, y));
    sluice_value_map_put_str(y, "a", sluice_value_int8(1));
    sluice_value_map_put_str(y, "c", NULL);
    sluice_value_map_put_str(x, "d", NULL);
    CU_ASSERT_FALSE(sluice_value_equals(x, y)); /* same count, different keys */
    sluice_value_destroy(x);
    sluice_value_destroy(y);

    /* Structs: the schema and every field, deep. */
    sluice_schema_t *ps = person_schema();
    sluice_schema_t *ps2 = person_schema(); /* equal, not the same object */
    sluice_value_t *p1 = person(ps, "a", 1);
    sluice_value_t *p2 = person(ps2, "a", 1);
    sluice_value_t *p3 = person(ps, "a", 2);
    CU_ASSERT_TRUE(sluice_value_equals(p1, p2));
    CU_ASSERT_FALSE(sluice_value_equals(p1, p3));
    sluice_schema_set_doc(ps2, "now different"); /* only in a test: ps2 is shared */
    CU_ASSERT_FALSE(sluice_value_equals(p1, p2));
    sluice_value_destroy(p1);
    sluice_value_destroy(p2);
    sluice_value_destroy(p3);

    sluice_schema_t *rs = sample_schema(ps);
    sluice_value_t *t1 = sample_tree(ps, rs);
    sluice_value_t *t2 = sample_tree(ps, rs);
    CU_ASSERT_TRUE(sluice_value_equals(t1, t2));
    sluice_value_t *attrs = (sluice_value_t *)sluice_value_struct_get(t2, "attrs");
    sluice_value_map_put_str(attrs, "boss", person(ps, "c", 4));
    CU_ASSERT_FALSE(sluice_value_equals(t1, t2));
    sluice_value_destroy(t1);
    sluice_value_destroy(t2);
    sluice_schema_unref(rs);
    sluice_schema_unref(ps);
    sluice_schema_unref(ps2);
}

static void test_validate_ok(void)
{
    sluice_schema_t *ps = person_schema();
    sluice_schema_t *rs = sample_schema(ps);
    sluice_value_t *tree = sample_tree(ps, rs);
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), 0);

    /* A struct built for an equal (not identical) schema passes. */
    sluice_schema_t *ps2 = person_schema();
    sluice_value_t *p = person(ps2, "x", 1);
    CU_ASSERT_EQUAL(sluice_value_validate(ps, p, err, sizeof(err)), 0);
    sluice_value_destroy(p);
    sluice_schema_unref(ps2);

    /* Null: fine when optional, or when the schema has a default. */
    CU_ASSERT_EQUAL(
        sluice_value_validate(sluice_schema_of(SLUICE_TYPE_INT32, true), NULL, err, sizeof(err)),
        0);
    sluice_schema_t *withdef = sluice_schema_new(SLUICE_TYPE_STRING);
    sluice_schema_set_default(withdef, sluice_value_cstring("d"), err, sizeof(err));
    CU_ASSERT_EQUAL(sluice_value_validate(withdef, NULL, err, sizeof(err)), 0);
    sluice_schema_unref(withdef);

    /* Logical types use their underlying types. */
    sluice_schema_t *date = sluice_schema_date();
    sluice_schema_t *dec = sluice_schema_decimal(2);
    sluice_value_t *v = sluice_value_int32(19000);
    CU_ASSERT_EQUAL(sluice_value_validate(date, v, err, sizeof(err)), 0);
    sluice_value_destroy(v);
    v = sluice_value_bytes("\x04\xd2", 2);
    CU_ASSERT_EQUAL(sluice_value_validate(dec, v, err, sizeof(err)), 0);
    sluice_value_destroy(v);
    sluice_schema_unref(date);
    sluice_schema_unref(dec);

    /* Every primitive against its schema. */
    sluice_value_t *prims[] = {
        sluice_value_int8(1),    sluice_value_int16(1),     sluice_value_int32(1),
        sluice_value_int64(1),   sluice_value_float32(1),   sluice_value_float64(1),
        sluice_value_boolean(1), sluice_value_cstring("s"), sluice_value_bytes("b", 1)};
    for (int t = SLUICE_TYPE_INT8; t <= SLUICE_TYPE_BYTES; t++) {
        for (int u = SLUICE_TYPE_INT8; u <= SLUICE_TYPE_BYTES; u++) {
            int rc = sluice_value_validate(sluice_schema_of((sluice_type_t)t, false), prims[u], err,
                                           sizeof(err));
            CU_ASSERT_EQUAL(rc, t == u ? 0 : -1);
        }
    }
    for (int u = 0; u < 9; u++)
        sluice_value_destroy(prims[u]);

    /* Schemaless: nothing to check. */
    CU_ASSERT_EQUAL(sluice_value_validate(NULL, tree, err, sizeof(err)), 0);
    sluice_value_destroy(tree);
    sluice_schema_unref(rs);
    sluice_schema_unref(ps);
}

static void test_validate_errors(void)
{
    sluice_schema_t *ps = person_schema();
    sluice_schema_t *rs = sample_schema(ps);
    sluice_value_t *v;

    /* Top level. */
    CU_ASSERT_EQUAL(
        sluice_value_validate(sluice_schema_of(SLUICE_TYPE_INT32, false), NULL, err, sizeof(err)),
        -1);
    CU_ASSERT_STRING_EQUAL(err, "value: expected int32, got null");
    v = sluice_value_cstring("x");
    CU_ASSERT_EQUAL(
        sluice_value_validate(sluice_schema_of(SLUICE_TYPE_INT64, true), v, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "value: expected int64, got string");
    sluice_value_destroy(v);

    /* A required struct field left null. */
    v = sluice_value_struct_new(ps);
    sluice_value_struct_put(v, "name", sluice_value_cstring("n"), err, sizeof(err));
    CU_ASSERT_EQUAL(sluice_value_validate(ps, v, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field login_time: expected int64, got null");
    /* The optional one may stay null. */
    sluice_value_struct_put(v, "login_time", sluice_value_int64(5), err, sizeof(err));
    CU_ASSERT_EQUAL(sluice_value_validate(ps, v, err, sizeof(err)), 0);
    sluice_value_destroy(v);

    /* Deep: an array item's field, a map value's field. */
    sluice_value_t *tree = sample_tree(ps, rs);
    sluice_value_t *people = (sluice_value_t *)sluice_value_struct_get(tree, "people");
    sluice_value_t *second = (sluice_value_t *)sluice_value_array_get(people, 1);
    sluice_value_destroy(sluice_value_struct_take_at(second, 0));
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field people[1].name: expected string, got null");
    sluice_value_destroy(tree);

    tree = sample_tree(ps, rs);
    sluice_value_t *attrs = (sluice_value_t *)sluice_value_struct_get(tree, "attrs");
    sluice_value_t *boss = (sluice_value_t *)sluice_value_map_get_str(attrs, "boss");
    sluice_value_destroy(sluice_value_struct_take_at(boss, 2));
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field attrs[\"boss\"].login_time: expected int64, got null");
    /* A map key of the wrong type. */
    sluice_value_struct_put(boss, "login_time", sluice_value_int64(1), err, sizeof(err));
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), 0);
    sluice_value_map_put(attrs, sluice_value_int32(5), person(ps, "d", 5));
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field attrs[key of entry 1]: expected string, got int32");
    sluice_value_destroy(tree);

    /* A map value of the wrong type, and a null map value. */
    tree = sample_tree(ps, rs);
    attrs = (sluice_value_t *)sluice_value_struct_get(tree, "attrs");
    sluice_value_map_put_str(attrs, "x", sluice_value_cstring("not a person"));
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field attrs[\"x\"]: expected struct, got string");
    sluice_value_map_put_str(attrs, "x", NULL);
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "field attrs[\"x\"]: expected struct, got null");
    sluice_value_destroy(tree);

    /* A root array item. */
    sluice_schema_t *arr = sluice_schema_array(sluice_schema_of(SLUICE_TYPE_STRING, false));
    v = sluice_value_array_new();
    sluice_value_array_append(v, sluice_value_cstring("ok"));
    sluice_value_array_append(v, NULL);
    CU_ASSERT_EQUAL(sluice_value_validate(arr, v, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "value[1]: expected string, got null");
    sluice_value_destroy(v);
    sluice_schema_unref(arr);

    /* A struct built for another schema. */
    sluice_schema_t *other = person_schema();
    sluice_schema_set_name(other, "com.example.Other");
    v = person(other, "a", 1);
    CU_ASSERT_EQUAL(sluice_value_validate(ps, v, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "value: struct schema 'com.example.Other' does not match");
    ASSERT_CONTAINS(err, "'com.example.Person'");
    tree = sample_tree(ps, rs);
    people = (sluice_value_t *)sluice_value_struct_get(tree, "people");
    sluice_value_array_append(people, v);
    CU_ASSERT_EQUAL(sluice_value_validate(rs, tree, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "field people[2]: struct schema");
    sluice_value_destroy(tree);
    sluice_schema_unref(other);

    /* Logical types: a Timestamp is an int64, a Decimal needs bytes. */
    sluice_schema_t *ts = sluice_schema_timestamp();
    v = sluice_value_int32(1);
    CU_ASSERT_EQUAL(sluice_value_validate(ts, v, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "value: expected int64, got int32");
    sluice_value_destroy(v);
    sluice_schema_unref(ts);
    sluice_schema_t *dec = sluice_schema_decimal(0);
    v = sluice_value_bytes(NULL, 0);
    CU_ASSERT_EQUAL(sluice_value_validate(dec, v, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "decimal");
    sluice_value_destroy(v);
    sluice_schema_unref(dec);

    /* A tiny errstr is respected and NUL-terminated. */
    char tiny[8];
    CU_ASSERT_EQUAL(
        sluice_value_validate(sluice_schema_of(SLUICE_TYPE_INT32, false), NULL, tiny, sizeof(tiny)),
        -1);
    CU_ASSERT_EQUAL(strlen(tiny), sizeof(tiny) - 1);

    sluice_schema_unref(rs);
    sluice_schema_unref(ps);
}

/* to_string of the given unscaled bytes at scale, compared with want. */
static void check_to_string(const uint8_t *bytes, size_t len, int32_t scale, const char *want)
{
    sluice_buf_t *out = sluice_buf_new();
    sluice_decimal_to_string(bytes, len, scale, out);
    if (strcmp(sluice_buf_data(out), want) != 0)
        fprintf(stderr, "\n  scale %d: got \"%s\", want \"%s\"\n", (int)scale, sluice_buf_data(out),
                want);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), want);
    sluice_buf_destroy(out);
}

#define TO_STRING(scale, want, ...)                                                                \
    do {                                                                                           \
        const uint8_t b_[] = {__VA_ARGS__};                                                        \
        check_to_string(b_, sizeof(b_), (scale), (want));                                          \
    } while (0)

static void test_decimal_to_string(void)
{
    TO_STRING(2, "12.50", 0x04, 0xe2); /* 1250 */
    TO_STRING(0, "1250", 0x04, 0xe2);
    TO_STRING(4, "0.1250", 0x04, 0xe2);
    TO_STRING(6, "0.001250", 0x04, 0xe2);
    TO_STRING(-2, "125000", 0x04, 0xe2);
    TO_STRING(2, "-12.50", 0xfb, 0x1e); /* -1250 */
    TO_STRING(3, "-0.001", 0xff);       /* -1 */
    TO_STRING(0, "-1", 0xff);
    TO_STRING(0, "-128", 0x80);
    TO_STRING(0, "128", 0x00, 0x80);
    TO_STRING(0, "-129", 0xff, 0x7f);
    TO_STRING(0, "-256", 0xff, 0x00);
    TO_STRING(0, "0", 0x00);
    TO_STRING(2, "0.00", 0x00);
    TO_STRING(-3, "0", 0x00);            /* toPlainString: no trailing zeros */
    TO_STRING(0, "0", 0x00, 0x00, 0x00); /* redundant sign bytes are fine */
    TO_STRING(1, "-0.1", 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    TO_STRING(0, "9223372036854775807", 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    TO_STRING(0, "-9223372036854775808", 0x80, 0, 0, 0, 0, 0, 0, 0);
    /* Beyond 64 bits: 2^64 and -2^64, 2^127 - 1. */
    TO_STRING(0, "18446744073709551616", 0x01, 0, 0, 0, 0, 0, 0, 0, 0);
    TO_STRING(0, "-18446744073709551616", 0xff, 0, 0, 0, 0, 0, 0, 0, 0);
    TO_STRING(10, "1844674407.3709551616", 0x01, 0, 0, 0, 0, 0, 0, 0, 0);
    TO_STRING(0, "170141183460469231731687303715884105727", 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
              0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    /* 10^9 and 10^18 straddle the internal base-10^9 chunks. */
    TO_STRING(0, "1000000000", 0x3b, 0x9a, 0xca, 0x00);
    TO_STRING(9, "1.000000000", 0x3b, 0x9a, 0xca, 0x00);
    TO_STRING(0, "1000000000000000000", 0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00);

    /* Appends to what the buffer holds. */
    sluice_buf_t *out = sluice_buf_new();
    sluice_buf_puts(out, "{\"n\":");
    const uint8_t seven[] = {7};
    sluice_decimal_to_string(seven, 1, 1, out);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "{\"n\":0.7");
    sluice_buf_destroy(out);

    /* Absurd scales do not ask for gigabytes of zeros. */
    out = sluice_buf_new();
    const uint8_t v123[] = {123};
    sluice_decimal_to_string(v123, 1, INT32_MIN, out);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "1.23E+2147483650");
    sluice_buf_reset(out);
    sluice_decimal_to_string(v123, 1, INT32_MAX, out);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "1.23E-2147483645");
    sluice_buf_destroy(out);
}

/* from_string at scale must give exactly the expected bytes. */
static void check_from_string(const char *text, int32_t scale, const uint8_t *want, size_t len)
{
    sluice_buf_t *out = sluice_buf_new();
    err[0] = '\0';
    int rc = sluice_decimal_from_string(text, scale, out, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "\n  \"%s\" at scale %d: %s\n", text, (int)scale, err);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(sluice_buf_len(out), len);
    if (sluice_buf_len(out) == len)
        CU_ASSERT_EQUAL(memcmp(sluice_buf_data(out), want, len), 0);
    sluice_buf_destroy(out);
}

#define FROM_STRING(text, scale, ...)                                                              \
    do {                                                                                           \
        const uint8_t w_[] = {__VA_ARGS__};                                                        \
        check_from_string((text), (scale), w_, sizeof(w_));                                        \
    } while (0)

static void test_decimal_from_string(void)
{
    FROM_STRING("12.5", 2, 0x04, 0xe2); /* rescaled up: 1250 */
    FROM_STRING("12.50", 2, 0x04, 0xe2);
    FROM_STRING("-12.5", 2, 0xfb, 0x1e);
    FROM_STRING("+12.5", 1, 0x7d);
    FROM_STRING("3", 0, 0x03);
    FROM_STRING("3", 3, 0x0b, 0xb8);      /* 3000 */
    FROM_STRING("1.2E+3", 0, 0x04, 0xb0); /* 1200 */
    FROM_STRING("1.2e3", -2, 0x0c);       /* 12 at scale -2 */
    FROM_STRING("1200", -2, 0x0c);
    FROM_STRING("125E-2", 2, 0x7d);
    FROM_STRING("0.001", 3, 0x01);
    FROM_STRING(".5", 1, 0x05);
    FROM_STRING("5.", 0, 0x05);
    FROM_STRING("0", 5, 0x00);
    FROM_STRING("-0.000", 0, 0x00);
    FROM_STRING("0E+99", 2, 0x00);
    FROM_STRING("000123.4500", 2, 0x30, 0x39); /* 12345 */
    FROM_STRING("128", 0, 0x00, 0x80);         /* sign byte added */
    FROM_STRING("127", 0, 0x7f);
    FROM_STRING("-128", 0, 0x80); /* minimal: no extra 0xff */
    FROM_STRING("-129", 0, 0xff, 0x7f);
    FROM_STRING("-256", 0, 0xff, 0x00);
    FROM_STRING("-1", 0, 0xff);
    FROM_STRING("255", 0, 0x00, 0xff);
    FROM_STRING("18446744073709551616", 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0);
    FROM_STRING("-18446744073709551616", 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0);
    FROM_STRING("-9223372036854775808", 0, 0x80, 0, 0, 0, 0, 0, 0, 0);
    FROM_STRING("1E+18", 0, 0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00);

    /* Refusals: precision loss and text that is not a number. */
    const char *lossy[][2] = {{"12.345", "2"}, {"1", "-1"},      {"0.5", "0"},
                              {"1E-1", "0"},   {"-1.0001", "3"}, {"1E-2147483647", "0"}};
    for (size_t i = 0; i < sizeof(lossy) / sizeof(lossy[0]); i++) {
        sluice_buf_t *out = sluice_buf_new();
        err[0] = '\0';
        CU_ASSERT_EQUAL(
            sluice_decimal_from_string(lossy[i][0], atoi(lossy[i][1]), out, err, sizeof(err)), -1);
        ASSERT_CONTAINS(err, lossy[i][0]);
        ASSERT_CONTAINS(err, "without losing digits");
        CU_ASSERT_EQUAL(sluice_buf_len(out), 0);
        sluice_buf_destroy(out);
    }
    const char *garbage[] = {"",     "-",   "+",   ".",        "abc",         "1.2.3",
                             "1e",   "1e+", "12a", " 12",      "12 ",         "1,5",
                             "0x10", "--1", "NaN", "Infinity", "1E5000000000"};
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        sluice_buf_t *out = sluice_buf_new();
        err[0] = '\0';
        int rc = sluice_decimal_from_string(garbage[i], 2, out, err, sizeof(err));
        if (rc != -1)
            fprintf(stderr, "\n  accepted \"%s\"\n", garbage[i]);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT(strlen(err) > 0);
        CU_ASSERT_EQUAL(sluice_buf_len(out), 0);
        sluice_buf_destroy(out);
    }
    sluice_buf_t *out = sluice_buf_new();
    CU_ASSERT_EQUAL(sluice_decimal_from_string("abc", 0, out, err, sizeof(err)), -1);
    CU_ASSERT_STRING_EQUAL(err, "'abc' is not a decimal number");
    CU_ASSERT_EQUAL(sluice_decimal_from_string(NULL, 0, out, err, sizeof(err)), -1);
    /* Hostile sizes are refused quickly rather than computed. */
    CU_ASSERT_EQUAL(sluice_decimal_from_string("1E+2000000000", 0, out, err, sizeof(err)), -1);
    ASSERT_CONTAINS(err, "digits");
    sluice_buf_destroy(out);
}

/* Up to 18 digits take a shortcut; with twenty leading zeros the same
 * number takes the general path: both must give the same bytes. */
static void test_decimal_from_string_short_path(void)
{
    srand(5);
    for (int i = 0; i < 20000; i++) {
        char digits[32], text[64], padded[96];
        int nd = 1 + rand() % 19;
        for (int k = 0; k < nd; k++)
            digits[k] = (char)('0' + rand() % 10);
        digits[nd] = '\0';
        int point = rand() % (nd + 1);
        const char *sign = rand() % 2 ? "-" : "";
        snprintf(text, sizeof text, "%s%.*s.%s", sign, point, digits, digits + point);
        snprintf(padded, sizeof padded, "%s00000000000000000000%.*s.%s", sign, point, digits,
                 digits + point);
        int32_t scale = rand() % 24 - 3;
        sluice_buf_t *a = sluice_buf_new(), *b = sluice_buf_new();
        char ea[256] = "", eb[256] = "";
        int ra = sluice_decimal_from_string(text, scale, a, ea, sizeof ea);
        int rb = sluice_decimal_from_string(padded, scale, b, eb, sizeof eb);
        CU_ASSERT_EQUAL(ra, rb);
        CU_ASSERT_EQUAL(sluice_buf_len(a), sluice_buf_len(b));
        if (ra == 0 && sluice_buf_len(a) == sluice_buf_len(b))
            CU_ASSERT_EQUAL(memcmp(sluice_buf_data(a), sluice_buf_data(b), sluice_buf_len(a)), 0);
        sluice_buf_destroy(a);
        sluice_buf_destroy(b);
    }
}

static void test_decimal_round_trip(void)
{
    /* Text → bytes → text gives the plain form back at that scale. */
    const struct {
        const char *text;
        int32_t scale;
        const char *plain;
    } cases[] = {
        {"12.5", 2, "12.50"},
        {"-12.5", 2, "-12.50"},
        {"0", 3, "0.000"},
        {"-0.001", 3, "-0.001"},
        {"1.2E+3", -2, "1200"},
        {"99999999999999999999999999999999999999.99", 2,
         "99999999999999999999999999999999999999.99"},
        {"-123456789012345678901234567890.123456789", 9,
         "-123456789012345678901234567890.123456789"},
        {"340282366920938463463374607431768211456", 0,
         "340282366920938463463374607431768211456"}, /* 2^128 */
        {"-340282366920938463463374607431768211456", 0, "-340282366920938463463374607431768211456"},
        {"1", 40, "1.0000000000000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sluice_buf_t *bytes = sluice_buf_new();
        sluice_buf_t *text = sluice_buf_new();
        CU_ASSERT_EQUAL_FATAL(
            sluice_decimal_from_string(cases[i].text, cases[i].scale, bytes, err, sizeof(err)), 0);
        sluice_decimal_to_string((const uint8_t *)sluice_buf_data(bytes), sluice_buf_len(bytes),
                                 cases[i].scale, text);
        if (strcmp(sluice_buf_data(text), cases[i].plain) != 0)
            fprintf(stderr, "\n  \"%s\": got \"%s\"\n", cases[i].text, sluice_buf_data(text));
        CU_ASSERT_STRING_EQUAL(sluice_buf_data(text), cases[i].plain);
        sluice_buf_destroy(bytes);
        sluice_buf_destroy(text);
    }

    /* Every 16-bit value at a few scales: bytes → text → bytes is exact and
     * minimal (the same length BigInteger.toByteArray would give). */
    int bad = 0;
    for (int32_t n = -40000; n <= 40000; n += 7) {
        uint8_t be[3] = {(uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
        size_t start = 0;
        while (start < 2 && ((be[start] == 0x00 && !(be[start + 1] & 0x80)) ||
                             (be[start] == 0xff && (be[start + 1] & 0x80))))
            start++;
        for (int32_t scale = -1; scale <= 3; scale += 2) {
            sluice_buf_t *text = sluice_buf_new();
            sluice_buf_t *back = sluice_buf_new();
            sluice_decimal_to_string(be + start, 3 - start, scale, text);
            if (sluice_decimal_from_string(sluice_buf_data(text), scale, back, err, sizeof(err)) !=
                    0 ||
                sluice_buf_len(back) != 3 - start ||
                memcmp(sluice_buf_data(back), be + start, 3 - start) != 0)
                bad++;
            sluice_buf_destroy(text);
            sluice_buf_destroy(back);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---- shared values and sized maps ---------------------------------------- */

/* A shared value lives until its last owner lets go, wherever it is stored. */
static void test_shared_lifetime(void)
{
    sluice_value_t *part = sluice_value_map_new();
    sluice_value_map_put_str(part, "filename", sluice_value_cstring("/var/log/a"));
    sluice_value_t *expected = sluice_value_copy(part);

    sluice_value_t *a = sluice_value_ref(part);
    CU_ASSERT_PTR_EQUAL(a, part);
    sluice_value_t *holder = sluice_value_array_new();
    sluice_value_array_append(holder, sluice_value_ref(part));
    sluice_value_destroy(part); /* the first owner leaves */
    CU_ASSERT(sluice_value_equals(a, expected));
    sluice_value_destroy(holder); /* gives up the array's reference */
    CU_ASSERT(sluice_value_equals(a, expected));
    /* A copy is a new, unshared tree: it can change. */
    sluice_value_t *copy = sluice_value_copy(a);
    sluice_value_map_put_str(copy, "extra", sluice_value_int32(1));
    CU_ASSERT_EQUAL(sluice_value_map_count(copy), 2);
    CU_ASSERT_EQUAL(sluice_value_map_count(a), 1);
    sluice_value_destroy(copy);
    sluice_value_destroy(a); /* the last owner frees it (ASan checks) */
    sluice_value_destroy(expected);
    CU_ASSERT_PTR_NULL(sluice_value_ref(NULL));
}

/* A shared key in many maps, as a source does for its offsets' field name. */
static void test_shared_key_in_maps(void)
{
    sluice_value_t *key = sluice_value_cstring("position");
    sluice_value_t *maps[100];
    for (int i = 0; i < 100; i++) {
        maps[i] = sluice_value_map_new_sized(1);
        sluice_value_map_put(maps[i], sluice_value_ref(key), sluice_value_int64(i));
    }
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(maps[i], "position")), i);
        sluice_value_destroy(maps[i]);
    }
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(key, NULL), "position");
    sluice_value_destroy(key);
}

#define SHARED_THREADS 4
#define SHARED_REFS 20000

static void *shared_release(void *arg)
{
    sluice_value_t **refs = arg;
    for (int i = 0; i < SHARED_REFS; i++)
        sluice_value_destroy(refs[i]);
    return NULL;
}

/* Owners on several threads let go at once: freed exactly once. */
static void test_shared_threads(void)
{
    sluice_value_t *v = sluice_value_cstring("shared across threads");
    sluice_value_t **refs = calloc((size_t)SHARED_THREADS * SHARED_REFS, sizeof *refs);
    for (int i = 0; i < SHARED_THREADS * SHARED_REFS; i++)
        refs[i] = sluice_value_ref(v);
    sluice_value_destroy(v); /* only the threads' references are left */
    pthread_t th[SHARED_THREADS];
    for (int t = 0; t < SHARED_THREADS; t++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[t], NULL, shared_release, refs + t * SHARED_REFS),
                              0);
    for (int t = 0; t < SHARED_THREADS; t++)
        pthread_join(th[t], NULL);
    free(refs); /* LeakSanitizer reports the string if the count went wrong */
}

/* Changing a shared value would change it for every owner: the process stops. */
static void test_shared_is_read_only(void)
{
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(STDERR_FILENO);
        sluice_value_t *m = sluice_value_map_new();
        sluice_value_t *other = sluice_value_ref(m);
        (void)other;
        sluice_value_map_put_str(m, "k", sluice_value_int32(1));
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

/* A sized map behaves as any map, before and after outgrowing its room. */
static void test_map_sized(void)
{
    sluice_value_t *m = sluice_value_map_new_sized(2);
    CU_ASSERT_EQUAL(sluice_value_type(m), SLUICE_TYPE_MAP);
    CU_ASSERT_EQUAL(sluice_value_map_count(m), 0);
    sluice_value_map_put_str(m, "a", sluice_value_int32(1));
    sluice_value_map_put_str(m, "b", sluice_value_int32(2));
    sluice_value_map_put_str(m, "a", sluice_value_int32(10)); /* replaces in place */
    CU_ASSERT_EQUAL(sluice_value_map_count(m), 2);
    for (int i = 0; i < 40; i++) { /* past the room, and past the index threshold */
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        sluice_value_map_put_str(m, k, sluice_value_int32(i));
    }
    CU_ASSERT_EQUAL(sluice_value_map_count(m), 42);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_get_str(m, "a")), 10);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_get_str(m, "k39")), 39);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_key_at(m, 1), NULL), "b");
    sluice_value_t *c = sluice_value_copy(m);
    CU_ASSERT(sluice_value_equals(c, m));
    sluice_value_map_put_str(c, "more", NULL); /* a copy made in one block grows too */
    CU_ASSERT_EQUAL(sluice_value_map_count(c), 43);
    sluice_value_destroy(c);
    sluice_value_destroy(m);
    sluice_value_t *empty = sluice_value_map_new_sized(0);
    sluice_value_map_put_str(empty, "x", sluice_value_boolean(true));
    CU_ASSERT(sluice_value_get_boolean(sluice_value_map_get_str(empty, "x")));
    sluice_value_destroy(empty);
}

void test_register(void)
{
    TEST_SUITE("value", {"primitives", test_primitives}, {"strings and bytes", test_strings_bytes},
               {"array", test_array}, {"map order and replace", test_map_order_replace},
               {"map large", test_map_large}, {"struct", test_struct},
               {"copy is deep", test_copy_deep}, {"equals", test_equals},
               {"validate ok", test_validate_ok}, {"validate errors", test_validate_errors});
    TEST_SUITE("value_shared", {"lives until the last owner", test_shared_lifetime},
               {"a shared key in many maps", test_shared_key_in_maps},
               {"owners on many threads", test_shared_threads},
               {"a shared value is read-only", test_shared_is_read_only},
               {"sized maps", test_map_sized});
    TEST_SUITE("decimal", {"to_string", test_decimal_to_string},
               {"from_string", test_decimal_from_string},
               {"from_string: short path = general path", test_decimal_from_string_short_path},
               {"round trip", test_decimal_round_trip});
}
