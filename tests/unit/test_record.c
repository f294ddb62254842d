/* Records, their headers, and the record lists a source task's poll fills. */
#include <sluice/record.h>

#include <string.h>

#include "record_list.h"
#include "test_util.h"

static char err[256];

static void test_new_defaults(void)
{
    sluice_record_t *r = sluice_record_new("orders");
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "orders");
    CU_ASSERT_EQUAL(sluice_record_partition(r), -1);
    CU_ASSERT_PTR_NULL(sluice_record_key(r));
    CU_ASSERT_PTR_NULL(sluice_record_key_schema(r));
    CU_ASSERT_PTR_NULL(sluice_record_value(r));
    CU_ASSERT_PTR_NULL(sluice_record_value_schema(r));
    CU_ASSERT_EQUAL(sluice_record_timestamp(r), -1);
    CU_ASSERT_EQUAL(sluice_record_timestamp_type(r), SLUICE_TIMESTAMP_NONE);
    CU_ASSERT_EQUAL(sluice_record_kafka_offset(r), -1);
    CU_ASSERT_PTR_NULL(sluice_record_source_partition(r));
    CU_ASSERT_PTR_NULL(sluice_record_source_offset(r));
    CU_ASSERT_PTR_NOT_NULL(sluice_record_headers(r));
    CU_ASSERT_EQUAL(sluice_headers_count(sluice_record_headers_const(r)), 0);
    /* Originals follow the current coordinates until set. */
    CU_ASSERT_STRING_EQUAL(sluice_record_original_topic(r), "orders");
    CU_ASSERT_EQUAL(sluice_record_original_partition(r), -1);
    CU_ASSERT_EQUAL(sluice_record_original_offset(r), -1);
    sluice_record_destroy(r);

    r = sluice_record_new(NULL); /* not yet routed */
    CU_ASSERT_PTR_NULL(sluice_record_topic(r));
    sluice_record_destroy(r);
    sluice_record_destroy(NULL);
}

static void test_setters(void)
{
    char topic[] = "in";
    sluice_record_t *r = sluice_record_new(topic);
    topic[0] = 'X';
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "in"); /* copied */
    sluice_record_set_topic(r, "out");
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "out");
    sluice_record_set_topic(r, sluice_record_topic(r)); /* its own string */
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "out");
    sluice_record_set_topic(r, NULL);
    CU_ASSERT_PTR_NULL(sluice_record_topic(r));

    sluice_record_set_partition(r, 3);
    CU_ASSERT_EQUAL(sluice_record_partition(r), 3);
    sluice_record_set_partition(r, -7);
    CU_ASSERT_EQUAL(sluice_record_partition(r), -1);

    sluice_record_set_timestamp(r, 1700000000123);
    CU_ASSERT_EQUAL(sluice_record_timestamp(r), 1700000000123);
    sluice_record_set_timestamp_type(r, SLUICE_TIMESTAMP_LOG_APPEND_TIME);
    CU_ASSERT_EQUAL(sluice_record_timestamp_type(r), SLUICE_TIMESTAMP_LOG_APPEND_TIME);
    sluice_record_set_timestamp_type(r, SLUICE_TIMESTAMP_CREATE_TIME);
    CU_ASSERT_EQUAL(sluice_record_timestamp_type(r), SLUICE_TIMESTAMP_CREATE_TIME);
    sluice_record_set_timestamp_type(r, (sluice_timestamp_type_t)42);
    CU_ASSERT_EQUAL(sluice_record_timestamp_type(r), SLUICE_TIMESTAMP_NONE);

    sluice_record_set_kafka_offset(r, 1234);
    CU_ASSERT_EQUAL(sluice_record_kafka_offset(r), 1234);

    /* Key and value: the schema is referenced, the value taken. */
    sluice_schema_t *ks = sluice_schema_new(SLUICE_TYPE_STRING);
    sluice_record_set_key(r, ks, sluice_value_cstring("k1"));
    sluice_schema_unref(ks); /* the record keeps its own reference */
    CU_ASSERT_PTR_EQUAL(sluice_record_key_schema(r), ks);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_record_key(r), NULL), "k1");
    /* Setting the same schema again must not free it on the way. */
    sluice_record_set_key(r, sluice_record_key_schema(r), sluice_value_cstring("k2"));
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_record_key_schema(r)), SLUICE_TYPE_STRING);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_record_key(r), NULL), "k2");

    sluice_record_set_value(r, sluice_schema_of(SLUICE_TYPE_INT64, true), sluice_value_int64(9));
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_record_value(r)), 9);
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r), sluice_schema_of(SLUICE_TYPE_INT64, true));
    /* Schemaless: NULL schema. */
    sluice_record_set_value(r, NULL, sluice_value_cstring("v"));
    CU_ASSERT_PTR_NULL(sluice_record_value_schema(r));
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_record_value(r), NULL), "v");

    /* Source partition and offset. */
    sluice_value_t *part = sluice_value_map_new();
    sluice_value_map_put_str(part, "filename", sluice_value_cstring("/tmp/in.txt"));
    sluice_record_set_source_partition(r, part);
    sluice_value_t *off = sluice_value_map_new();
    sluice_value_map_put_str(off, "position", sluice_value_int64(42));
    sluice_record_set_source_offset(r, off);
    CU_ASSERT_PTR_EQUAL(sluice_record_source_partition(r), part);
    CU_ASSERT_EQUAL(sluice_value_get_int64(
                        sluice_value_map_get_str(sluice_record_source_offset(r), "position")),
                    42);
    off = sluice_value_map_new();
    sluice_value_map_put_str(off, "position", sluice_value_int64(43));
    sluice_record_set_source_offset(r, off); /* the old one is freed */
    CU_ASSERT_EQUAL(sluice_value_get_int64(
                        sluice_value_map_get_str(sluice_record_source_offset(r), "position")),
                    43);
    sluice_record_destroy(r);
}

static void test_take(void)
{
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_key(r, sluice_schema_of(SLUICE_TYPE_STRING, false),
                          sluice_value_cstring("k"));
    sluice_record_set_value(r, sluice_schema_of(SLUICE_TYPE_INT32, false), sluice_value_int32(5));
    sluice_value_t *k = sluice_record_take_key(r);
    sluice_value_t *v = sluice_record_take_value(r);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(k, NULL), "k");
    CU_ASSERT_EQUAL(sluice_value_get_int32(v), 5);
    CU_ASSERT_PTR_NULL(sluice_record_key(r));
    CU_ASSERT_PTR_NULL(sluice_record_value(r));
    /* The schemas stay. */
    CU_ASSERT_PTR_EQUAL(sluice_record_key_schema(r), sluice_schema_of(SLUICE_TYPE_STRING, false));
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r), sluice_schema_of(SLUICE_TYPE_INT32, false));
    CU_ASSERT_PTR_NULL(sluice_record_take_key(r));
    /* A taken value can be put back (as a transform does). */
    sluice_value_t *bigger = sluice_value_int64(sluice_value_get_int32(v) * 2);
    sluice_value_destroy(v);
    sluice_record_set_value(r, sluice_schema_of(SLUICE_TYPE_INT64, false), bigger);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_record_value(r)), 10);
    sluice_value_destroy(k);
    sluice_record_destroy(r);
}

static void test_copy(void)
{
    sluice_schema_t *vs = sluice_schema_new(SLUICE_TYPE_STRUCT);
    CU_ASSERT_EQUAL(sluice_schema_add_field(vs, "id", sluice_schema_of(SLUICE_TYPE_INT64, false),
                                            err, sizeof(err)),
                    0);
    sluice_value_t *st = sluice_value_struct_new(vs);
    sluice_value_struct_put(st, "id", sluice_value_int64(77), err, sizeof(err));

    sluice_record_t *r = sluice_record_new("src");
    sluice_record_set_partition(r, 2);
    sluice_record_set_timestamp(r, 5);
    sluice_record_set_timestamp_type(r, SLUICE_TIMESTAMP_CREATE_TIME);
    sluice_record_set_kafka_offset(r, 100);
    record_set_original(r, "orig", 1, 99);
    sluice_record_set_key(r, NULL, sluice_value_cstring("key"));
    sluice_record_set_value(r, vs, st);
    sluice_value_t *part = sluice_value_map_new();
    sluice_value_map_put_str(part, "p", sluice_value_int32(1));
    sluice_record_set_source_partition(r, part);
    sluice_value_t *off = sluice_value_map_new();
    sluice_value_map_put_str(off, "o", sluice_value_int32(2));
    sluice_record_set_source_offset(r, off);
    sluice_headers_add(sluice_record_headers(r), "h", sluice_schema_of(SLUICE_TYPE_STRING, false),
                       sluice_value_cstring("hv"));

    sluice_record_t *c = sluice_record_copy(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(c), "src");
    CU_ASSERT_PTR_NOT_EQUAL(sluice_record_topic(c), sluice_record_topic(r));
    CU_ASSERT_EQUAL(sluice_record_partition(c), 2);
    CU_ASSERT_EQUAL(sluice_record_timestamp(c), 5);
    CU_ASSERT_EQUAL(sluice_record_timestamp_type(c), SLUICE_TIMESTAMP_CREATE_TIME);
    CU_ASSERT_EQUAL(sluice_record_kafka_offset(c), 100);
    CU_ASSERT_STRING_EQUAL(sluice_record_original_topic(c), "orig");
    CU_ASSERT_EQUAL(sluice_record_original_partition(c), 1);
    CU_ASSERT_EQUAL(sluice_record_original_offset(c), 99);
    CU_ASSERT_PTR_NULL(sluice_record_key_schema(c));
    CU_ASSERT_TRUE(sluice_value_equals(sluice_record_key(c), sluice_record_key(r)));
    CU_ASSERT_PTR_NOT_EQUAL(sluice_record_key(c), sluice_record_key(r));
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(c), vs);
    CU_ASSERT_TRUE(sluice_value_equals(sluice_record_value(c), sluice_record_value(r)));
    CU_ASSERT_PTR_NOT_EQUAL(sluice_record_value(c), sluice_record_value(r));
    CU_ASSERT_TRUE(sluice_value_equals(sluice_record_source_partition(c), part));
    CU_ASSERT_PTR_NOT_EQUAL(sluice_record_source_partition(c), part);
    CU_ASSERT_TRUE(sluice_value_equals(sluice_record_source_offset(c), off));
    const sluice_headers_t *ch = sluice_record_headers_const(c);
    CU_ASSERT_EQUAL_FATAL(sluice_headers_count(ch), 1);
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(ch, 0), "h");
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_headers_value_at(ch, 0), NULL), "hv");

    /* Changing the copy leaves the original alone, and the copy outlives it. */
    sluice_headers_add(sluice_record_headers(c), "h2", NULL, NULL);
    sluice_record_set_topic(c, "dst");
    sluice_value_struct_put((sluice_value_t *)sluice_record_value(c), "id", sluice_value_int64(1),
                            err, sizeof(err));
    CU_ASSERT_EQUAL(sluice_headers_count(sluice_record_headers_const(r)), 1);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "src");
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_struct_get(sluice_record_value(r), "id")),
                    77);
    sluice_record_destroy(r);
    sluice_schema_unref(vs);
    CU_ASSERT_EQUAL(sluice_value_validate(sluice_record_value_schema(c), sluice_record_value(c),
                                          err, sizeof(err)),
                    0);
    sluice_record_destroy(c);
    CU_ASSERT_PTR_NULL(sluice_record_copy(NULL));
}

static void test_originals(void)
{
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_partition(r, 4);
    sluice_record_set_kafka_offset(r, 10);
    CU_ASSERT_STRING_EQUAL(sluice_record_original_topic(r), "t");
    CU_ASSERT_EQUAL(sluice_record_original_partition(r), 4);
    CU_ASSERT_EQUAL(sluice_record_original_offset(r), 10);
    /* Once set, a transform's rerouting does not change them. */
    record_set_original(r, "t", 4, 10);
    sluice_record_set_topic(r, "t-rerouted");
    sluice_record_set_partition(r, 0);
    CU_ASSERT_STRING_EQUAL(sluice_record_original_topic(r), "t");
    CU_ASSERT_EQUAL(sluice_record_original_partition(r), 4);
    CU_ASSERT_EQUAL(sluice_record_original_offset(r), 10);
    sluice_record_destroy(r);
}

static void test_headers(void)
{
    sluice_record_t *r = sluice_record_new("t");
    sluice_headers_t *h = sluice_record_headers(r);
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "a"), -1);
    sluice_headers_add(h, "a", sluice_schema_of(SLUICE_TYPE_INT32, false), sluice_value_int32(1));
    sluice_headers_add(h, "b", NULL, sluice_value_cstring("x"));
    sluice_headers_add(h, "a", sluice_schema_of(SLUICE_TYPE_INT32, false), sluice_value_int32(2));
    sluice_headers_add(h, "c", NULL, NULL);
    sluice_schema_t *own = sluice_schema_new(SLUICE_TYPE_STRING);
    sluice_headers_add(h, "d", own, sluice_value_cstring("y"));
    sluice_schema_unref(own); /* the header keeps a reference */

    CU_ASSERT_EQUAL_FATAL(sluice_headers_count(h), 5);
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(h, 0), "a");
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(h, 1), "b");
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(h, 2), "a");
    CU_ASSERT_PTR_EQUAL(sluice_headers_schema_at(h, 0), sluice_schema_of(SLUICE_TYPE_INT32, false));
    CU_ASSERT_PTR_NULL(sluice_headers_schema_at(h, 1));
    CU_ASSERT_PTR_NULL(sluice_headers_value_at(h, 3));
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_headers_schema_at(h, 4)), SLUICE_TYPE_STRING);
    CU_ASSERT_PTR_NULL(sluice_headers_key_at(h, 5));
    CU_ASSERT_PTR_NULL(sluice_headers_value_at(h, 5));
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "a"), 2);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_headers_value_at(h, 2)), 2);
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "c"), 3);
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "A"), -1);

    /* Remove drops every match and keeps the others in order. */
    CU_ASSERT_EQUAL(sluice_headers_remove(h, "a"), 2);
    CU_ASSERT_EQUAL_FATAL(sluice_headers_count(h), 3);
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(h, 0), "b");
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(h, 1), "c");
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(h, 2), "d");
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_headers_value_at(h, 2), NULL), "y");
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "a"), -1);
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "d"), 2);
    CU_ASSERT_EQUAL(sluice_headers_remove(h, "zz"), 0);
    CU_ASSERT_EQUAL(sluice_headers_count(h), 3);

    sluice_headers_clear(h);
    CU_ASSERT_EQUAL(sluice_headers_count(h), 0);
    /* Usable again after a clear. */
    sluice_headers_add(h, "e", NULL, sluice_value_boolean(true));
    CU_ASSERT_EQUAL(sluice_headers_last_index(h, "e"), 0);
    sluice_record_destroy(r);
}

static void test_records_list(void)
{
    sluice_records_t *list = records_new();
    CU_ASSERT_EQUAL(sluice_records_count(list), 0);
    CU_ASSERT_PTR_NULL(sluice_records_at(list, 0));
    char topic[16];
    for (int i = 0; i < 50; i++) {
        snprintf(topic, sizeof(topic), "t%d", i);
        sluice_record_t *r = sluice_record_new(topic);
        sluice_record_set_value(r, NULL, sluice_value_int32(i));
        sluice_records_add(list, r);
    }
    CU_ASSERT_EQUAL_FATAL(sluice_records_count(list), 50);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(sluice_records_at(list, 0)), "t0");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_record_value(sluice_records_at(list, 49))), 49);
    CU_ASSERT_PTR_NULL(sluice_records_at(list, 50));

    /* Clearing frees the records (ASan checks) and the list is reusable. */
    records_clear(list);
    CU_ASSERT_EQUAL(sluice_records_count(list), 0);
    sluice_records_add(list, sluice_record_new("again"));
    CU_ASSERT_EQUAL(sluice_records_count(list), 1);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(sluice_records_at(list, 0)), "again");
    records_destroy(list); /* frees the remaining record */
    records_destroy(NULL);
    records_clear(NULL);
}

void test_register(void)
{
    TEST_SUITE("record", {"new defaults", test_new_defaults}, {"setters", test_setters},
               {"take", test_take}, {"copy", test_copy}, {"originals", test_originals},
               {"headers", test_headers}, {"records list", test_records_list});
}
