/*
 * The broker's wire primitives: the bounded reader, the writer, request
 * framing, the request header, the advertised versions and response framing.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "kafka_error.h"
#include "proto_reader.h"
#include "proto_request.h"
#include "proto_writer.h"
#include "test_broker_wire_util.h"
#include "test_util.h"

#define BYTES_EQ(buf, ...)                                                                         \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        ASSERT_BYTES_EQ(want_, sizeof want_, sluice_buf_data(buf), sluice_buf_len(buf), #buf);     \
    } while (0)

static void reader_on(broker_proto_reader_t *r, const uint8_t *p, size_t n)
{
    broker_proto_reader_init(r, p, n);
}

static void test_fixed_ints(void)
{
    sluice_buf_t *b = sluice_buf_new();
    broker_proto_write_int8(b, -2);
    broker_proto_write_int16(b, -2);
    broker_proto_write_int32(b, 0x01020304);
    broker_proto_write_int64(b, -3);
    broker_proto_write_uint32(b, 0xfffffffeu);
    size_t at = broker_proto_write_bool(b, true);
    CU_ASSERT_EQUAL(at, 1 + 2 + 4 + 8 + 4);
    BYTES_EQ(b, 0xfe, 0xff, 0xfe, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
             0xfd, 0xff, 0xff, 0xff, 0xfe, 0x01);

    broker_proto_reader_t r;
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    CU_ASSERT_EQUAL(broker_proto_read_int8(&r), -2);
    CU_ASSERT_EQUAL(broker_proto_read_int16(&r), -2);
    CU_ASSERT_EQUAL(broker_proto_read_int32(&r), 0x01020304);
    CU_ASSERT_EQUAL(broker_proto_read_int64(&r), -3);
    CU_ASSERT_EQUAL(broker_proto_read_uint32(&r), 0xfffffffeu);
    CU_ASSERT_TRUE(broker_proto_read_bool(&r));
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);

    /* Kafka reads any non-zero byte as true. */
    static const uint8_t two[] = {0x02};
    reader_on(&r, two, 1);
    CU_ASSERT_TRUE(broker_proto_read_bool(&r));

    /* patching a placeholder */
    sluice_buf_reset(b);
    size_t size_at = broker_proto_write_int32(b, 0);
    broker_proto_write_int16(b, 7);
    broker_proto_patch_int32(b, size_at, 2);
    BYTES_EQ(b, 0, 0, 0, 2, 0, 7);
    sluice_buf_destroy(b);
}

/* Values from Kafka's ByteUtilsTest and the protobuf encoding. */
static void test_varints(void)
{
    sluice_buf_t *b = sluice_buf_new();
    broker_proto_write_varint(b, 0);
    broker_proto_write_varint(b, -1);
    broker_proto_write_varint(b, 1);
    broker_proto_write_varint(b, -64);
    broker_proto_write_varint(b, 64);
    broker_proto_write_varint(b, INT32_MAX);
    broker_proto_write_varint(b, INT32_MIN);
    BYTES_EQ(b, 0x00, 0x01, 0x02, 0x7f, 0x80, 0x01, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff,
             0xff, 0x0f);
    broker_proto_reader_t r;
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), 0);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), -1);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), 1);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), -64);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), 64);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), INT32_MAX);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), INT32_MIN);
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);

    sluice_buf_reset(b);
    broker_proto_write_varlong(b, INT64_MAX);
    broker_proto_write_varlong(b, INT64_MIN);
    broker_proto_write_varlong(b, -2);
    BYTES_EQ(b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff,
             0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x03);
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    CU_ASSERT_EQUAL(broker_proto_read_varlong(&r), INT64_MAX);
    CU_ASSERT_EQUAL(broker_proto_read_varlong(&r), INT64_MIN);
    CU_ASSERT_EQUAL(broker_proto_read_varlong(&r), -2);
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));

    sluice_buf_reset(b);
    broker_proto_write_uvarint(b, 0);
    broker_proto_write_uvarint(b, 127);
    broker_proto_write_uvarint(b, 128);
    broker_proto_write_uvarint(b, 300);
    broker_proto_write_uvarint(b, UINT32_MAX);
    BYTES_EQ(b, 0x00, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f);
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    CU_ASSERT_EQUAL(broker_proto_read_uvarint(&r), 0);
    CU_ASSERT_EQUAL(broker_proto_read_uvarint(&r), 127);
    CU_ASSERT_EQUAL(broker_proto_read_uvarint(&r), 128);
    CU_ASSERT_EQUAL(broker_proto_read_uvarint(&r), 300);
    CU_ASSERT_EQUAL(broker_proto_read_uvarint(&r), UINT32_MAX);
    sluice_buf_destroy(b);

    /* Kafka refuses a varint of more than 5 bytes. */
    static const uint8_t too_long[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    reader_on(&r, too_long, sizeof too_long);
    CU_ASSERT_EQUAL(broker_proto_read_varint(&r), 0);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "varint at offset 0 is longer than 5 bytes");

    static const uint8_t cut[] = {0x80, 0x80};
    reader_on(&r, cut, sizeof cut);
    broker_proto_read_varlong(&r);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
}

static void test_strings_and_bytes(void)
{
    sluice_buf_t *b = sluice_buf_new();
    broker_proto_write_string(b, BROKER_PROTO_STR("abc"));
    broker_proto_write_string(b, BROKER_PROTO_STR(NULL)); /* never null: "" */
    broker_proto_write_nullable_string(b, BROKER_PROTO_STR(NULL));
    broker_proto_write_nullable_string(b, BROKER_PROTO_STR(""));
    broker_proto_write_cstring(b, "x");
    BYTES_EQ(b, 0, 3, 'a', 'b', 'c', 0, 0, 0xff, 0xff, 0, 0, 0, 1, 'x');

    broker_proto_reader_t r;
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    broker_proto_str_t s = broker_proto_read_string(&r);
    CU_ASSERT_TRUE(broker_proto_str_eq(s, "abc"));
    /* zero copy: the string points into the input */
    CU_ASSERT_PTR_EQUAL(s.data, sluice_buf_data(b) + 2);
    s = broker_proto_read_string(&r);
    CU_ASSERT_PTR_NOT_NULL(s.data);
    CU_ASSERT_EQUAL(s.len, 0);
    s = broker_proto_read_nullable_string(&r);
    CU_ASSERT_PTR_NULL(s.data);
    CU_ASSERT_FALSE(broker_proto_str_eq(s, ""));
    s = broker_proto_read_nullable_string(&r);
    CU_ASSERT_TRUE(broker_proto_str_eq(s, ""));
    char *dup = broker_proto_str_dup(broker_proto_read_string(&r));
    CU_ASSERT_STRING_EQUAL(dup, "x");
    free(dup);
    CU_ASSERT_PTR_NULL(broker_proto_str_dup(BROKER_PROTO_STR(NULL)));
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));

    sluice_buf_reset(b);
    broker_proto_bytes_t v = {(const uint8_t *)"\x01\x02", 2};
    broker_proto_write_bytes(b, v);
    broker_proto_write_nullable_bytes(b, (broker_proto_bytes_t){NULL, 0});
    broker_proto_write_bytes(b, (broker_proto_bytes_t){NULL, 0});
    BYTES_EQ(b, 0, 0, 0, 2, 1, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    v = broker_proto_read_bytes(&r);
    CU_ASSERT_EQUAL(v.len, 2);
    CU_ASSERT_EQUAL(v.data[1], 2);
    v = broker_proto_read_nullable_bytes(&r);
    CU_ASSERT_PTR_NULL(v.data);
    v = broker_proto_read_bytes(&r);
    CU_ASSERT_PTR_NOT_NULL(v.data);
    CU_ASSERT_EQUAL(v.len, 0);
    sluice_buf_destroy(b);
}

static void test_bad_lengths(void)
{
    broker_proto_reader_t r;
    static const uint8_t minus_two[] = {0xff, 0xfe, 'a'};
    reader_on(&r, minus_two, sizeof minus_two);
    broker_proto_read_nullable_string(&r);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "string length -2 at offset 0 is negative");

    static const uint8_t null_str[] = {0xff, 0xff};
    reader_on(&r, null_str, sizeof null_str);
    broker_proto_read_string(&r);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "null in a non-nullable field");

    static const uint8_t long_str[] = {0x00, 0x05, 'a', 'b'};
    reader_on(&r, long_str, sizeof long_str);
    broker_proto_read_string(&r);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r),
                    "string length 5 at offset 0 exceeds the 2 bytes left");

    static const uint8_t neg_bytes[] = {0x80, 0x00, 0x00, 0x00};
    reader_on(&r, neg_bytes, sizeof neg_bytes);
    broker_proto_read_nullable_bytes(&r);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "bytes length -2147483648");

    static const uint8_t huge_bytes[] = {0x7f, 0xff, 0xff, 0xff, 0x00};
    reader_on(&r, huge_bytes, sizeof huge_bytes);
    broker_proto_read_bytes(&r);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "exceeds the 1 bytes left");
}

static void test_compact_forms(void)
{
    sluice_buf_t *b = sluice_buf_new();
    broker_proto_write_compact_string(b, BROKER_PROTO_STR("abc"));
    broker_proto_write_compact_nullable_string(b, BROKER_PROTO_STR(NULL));
    broker_proto_write_compact_bytes(b, (broker_proto_bytes_t){(const uint8_t *)"z", 1});
    broker_proto_write_compact_nullable_bytes(b, (broker_proto_bytes_t){NULL, 0});
    broker_proto_write_compact_array_count(b, 2);
    broker_proto_write_compact_array_count(b, -1);
    broker_proto_write_empty_tagged_fields(b);
    BYTES_EQ(b, 4, 'a', 'b', 'c', 0, 2, 'z', 0, 3, 0, 0);

    broker_proto_reader_t r;
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    CU_ASSERT_TRUE(broker_proto_str_eq(broker_proto_read_compact_string(&r), "abc"));
    CU_ASSERT_PTR_NULL(broker_proto_read_compact_nullable_string(&r).data);
    CU_ASSERT_EQUAL(broker_proto_read_compact_bytes(&r).len, 1);
    CU_ASSERT_PTR_NULL(broker_proto_read_compact_nullable_bytes(&r).data);
    CU_ASSERT_EQUAL(broker_proto_read_compact_array_count(&r, 1), 2);
    /* what is left (2 bytes) must hold the 2 elements of at least 1 byte */
    CU_ASSERT_EQUAL(broker_proto_read_compact_nullable_array_count(&r, 1), -1);
    broker_proto_skip_tagged_fields(&r);
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);

    /* a compact null where null is not allowed */
    static const uint8_t zero[] = {0x00};
    reader_on(&r, zero, 1);
    broker_proto_read_compact_string(&r);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "null in a non-nullable field");
    sluice_buf_destroy(b);
}

static void test_tagged_fields(void)
{
    /* two tagged fields: tag 0 with 1 byte, tag 5 with 2 bytes */
    static const uint8_t tags[] = {0x02, 0x00, 0x01, 0xaa, 0x05, 0x02, 0xbb, 0xcc, 0x7e};
    broker_proto_reader_t r;
    reader_on(&r, tags, sizeof tags);
    broker_proto_skip_tagged_fields(&r);
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));
    CU_ASSERT_EQUAL(broker_proto_read_int8(&r), 0x7e);

    static const uint8_t many[] = {0xff, 0xff, 0x03, 0x00};
    reader_on(&r, many, sizeof many);
    broker_proto_skip_tagged_fields(&r);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "tagged field count 65535");

    static const uint8_t cut[] = {0x01, 0x00, 0x09, 0x00};
    reader_on(&r, cut, sizeof cut);
    broker_proto_skip_tagged_fields(&r);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
}

static void test_array_counts(void)
{
    broker_proto_reader_t r;
    static const uint8_t three[] = {0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    reader_on(&r, three, sizeof three);
    CU_ASSERT_EQUAL(broker_proto_read_array_count(&r, 4), 3);
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));
    reader_on(&r, three, sizeof three);
    CU_ASSERT_EQUAL(broker_proto_read_array_count(&r, 5), 0); /* 3 x 5 > 12 */
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r),
                    "array count 3 at offset 0 cannot fit in the 12 bytes left");

    static const uint8_t huge[] = {0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    reader_on(&r, huge, sizeof huge);
    CU_ASSERT_EQUAL(broker_proto_read_array_count(&r, 0), 0);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "array count 2147483647");

    static const uint8_t minus_one[] = {0xff, 0xff, 0xff, 0xff};
    reader_on(&r, minus_one, sizeof minus_one);
    CU_ASSERT_EQUAL(broker_proto_read_nullable_array_count(&r, 4), -1);
    CU_ASSERT_FALSE(broker_proto_reader_failed(&r));
    reader_on(&r, minus_one, sizeof minus_one);
    CU_ASSERT_EQUAL(broker_proto_read_array_count(&r, 4), 0);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "null in a non-nullable field");

    static const uint8_t minus_two[] = {0xff, 0xff, 0xff, 0xfe};
    reader_on(&r, minus_two, sizeof minus_two);
    CU_ASSERT_EQUAL(broker_proto_read_nullable_array_count(&r, 4), 0);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "array count -2 at offset 0 is negative");

    /* compact: uvarint count+1 */
    static const uint8_t compact_big[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    reader_on(&r, compact_big, sizeof compact_big);
    CU_ASSERT_EQUAL(broker_proto_read_compact_array_count(&r, 1), 0);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
}

static void test_sticky_error(void)
{
    static const uint8_t two[] = {0x12, 0x34};
    broker_proto_reader_t r;
    reader_on(&r, two, sizeof two);
    CU_ASSERT_EQUAL(broker_proto_read_int32(&r), 0);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "needed 4 bytes at offset 0 but 2 are left");
    /* later reads return zero values and keep the first message */
    CU_ASSERT_EQUAL(broker_proto_read_int16(&r), 0);
    CU_ASSERT_EQUAL(broker_proto_read_int8(&r), 0);
    CU_ASSERT_PTR_NULL(broker_proto_read_string(&r).data);
    CU_ASSERT_EQUAL(broker_proto_read_array_count(&r, 1), 0);
    CU_ASSERT_PTR_NULL(broker_proto_read_ptr(&r, 1));
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "needed 4 bytes at offset 0");

    broker_proto_reader_add_context(&r, "TopicProduceData", "Name");
    broker_proto_reader_add_context(&r, "ProduceRequest", "TopicData");
    CU_ASSERT_STRING_EQUAL(broker_proto_reader_errstr(&r),
                           "TopicProduceData.Name: needed 4 bytes at offset 0 but 2 are left");

    broker_proto_reader_fail(&r, "second");
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "TopicProduceData.Name");

    /* a NULL input is an empty one */
    broker_proto_reader_init(&r, NULL, 10);
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);
    broker_proto_read_int8(&r);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
}

/* A string too long for an int16 length is cut at a UTF-8 character start. */
static void test_long_string_is_cut(void)
{
    size_t n = 32766;
    char *text = malloc(n + 3);
    memset(text, 'a', n);
    memcpy(text + n, "\xc3\xa9", 2); /* e-acute across the limit */
    text[n + 2] = '\0';
    sluice_buf_t *b = sluice_buf_new();
    broker_proto_write_cstring(b, text);
    broker_proto_reader_t r;
    reader_on(&r, (const uint8_t *)sluice_buf_data(b), sluice_buf_len(b));
    broker_proto_str_t s = broker_proto_read_string(&r);
    CU_ASSERT_EQUAL(s.len, n);
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);
    sluice_buf_destroy(b);
    free(text);
}

static void test_splices(void)
{
    broker_proto_splices_t s = {0};
    broker_proto_file_range_t a = {3, 100, 50}, c = {4, 0, 7};
    broker_proto_splices_add(&s, 10, &a);
    broker_proto_splices_add(&s, 10, &c);
    CU_ASSERT_EQUAL(s.count, 2);
    CU_ASSERT_EQUAL(s.total_len, 57);
    CU_ASSERT_EQUAL(s.items[1].at, 10);
    CU_ASSERT_EQUAL(s.items[1].range.fd, 4);
    broker_proto_splices_reset(&s);
    CU_ASSERT_EQUAL(s.count, 0);
    CU_ASSERT_EQUAL(s.total_len, 0);
    broker_proto_splices_destroy(&s);
    broker_proto_splices_destroy(NULL);
}

static void test_frame_split(void)
{
    char err[128] = "";
    broker_proto_frame_t f;
    static const uint8_t two_frames[] = {0, 0, 0, 2, 0xaa, 0xbb, 0, 0, 0, 0, 0, 0, 0, 3, 1};

    CU_ASSERT_EQUAL(broker_proto_frame_next(two_frames, 3, 100, &f, err, sizeof err),
                    BROKER_PROTO_FRAME_INCOMPLETE);
    CU_ASSERT_EQUAL(f.need, 4);
    CU_ASSERT_EQUAL(broker_proto_frame_next(two_frames, 5, 100, &f, err, sizeof err),
                    BROKER_PROTO_FRAME_INCOMPLETE);
    CU_ASSERT_EQUAL(f.need, 6);
    CU_ASSERT_EQUAL(
        broker_proto_frame_next(two_frames, sizeof two_frames, 100, &f, err, sizeof err),
        BROKER_PROTO_FRAME_OK);
    CU_ASSERT_PTR_EQUAL(f.payload, two_frames + 4);
    CU_ASSERT_EQUAL(f.payload_len, 2);
    CU_ASSERT_EQUAL(f.consumed, 6);
    /* a size of 0 is a frame (its header will fail to parse) */
    CU_ASSERT_EQUAL(broker_proto_frame_next(two_frames + 6, 4, 100, &f, err, sizeof err),
                    BROKER_PROTO_FRAME_OK);
    CU_ASSERT_EQUAL(f.payload_len, 0);
    CU_ASSERT_EQUAL(broker_proto_frame_next(two_frames + 10, 5, 100, &f, err, sizeof err),
                    BROKER_PROTO_FRAME_INCOMPLETE);
    CU_ASSERT_EQUAL(f.need, 7);

    /* socket.request.max.bytes: the size alone decides, before any body */
    static const uint8_t big[] = {0x06, 0x40, 0x00, 0x01};
    CU_ASSERT_EQUAL(broker_proto_frame_next(big, sizeof big, BROKER_PROTO_DEFAULT_MAX_REQUEST_BYTES,
                                            &f, err, sizeof err),
                    BROKER_PROTO_FRAME_INVALID);
    CU_ASSERT_STRING_EQUAL(err, "Invalid receive (size = 104857601 larger than 104857600)");
    static const uint8_t max[] = {0x06, 0x40, 0x00, 0x00};
    CU_ASSERT_EQUAL(broker_proto_frame_next(max, sizeof max, BROKER_PROTO_DEFAULT_MAX_REQUEST_BYTES,
                                            &f, err, sizeof err),
                    BROKER_PROTO_FRAME_INCOMPLETE);
    CU_ASSERT_EQUAL(f.need, 4 + 104857600);
    static const uint8_t negative[] = {0xff, 0xff, 0xff, 0xff};
    CU_ASSERT_EQUAL(broker_proto_frame_next(negative, sizeof negative, 100, &f, err, sizeof err),
                    BROKER_PROTO_FRAME_INVALID);
    CU_ASSERT_STRING_EQUAL(err, "Invalid receive (size = -1)");
}

static void test_request_header(void)
{
    const test_wire_vector_t *v = wire_vector("api_versions_v0_request");
    broker_proto_reader_t r;
    broker_request_header_t hdr;
    reader_on(&r, v->data + 4, v->len - 4);
    CU_ASSERT_EQUAL_FATAL(broker_proto_request_header_decode(&r, &hdr), 0);
    CU_ASSERT_EQUAL(hdr.request_api_key, 18);
    CU_ASSERT_EQUAL(hdr.request_api_version, 0);
    CU_ASSERT_EQUAL(hdr.correlation_id, 1);
    CU_ASSERT_TRUE(broker_proto_str_eq(hdr.client_id, "kafka-python-2.0.2"));
    CU_ASSERT_EQUAL(hdr.header_version, 1);
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);

    /* a null client id reads as "" (Kafka does the same) */
    static const uint8_t null_client[] = {0, 3, 0, 1, 0, 0, 0, 9, 0xff, 0xff};
    reader_on(&r, null_client, sizeof null_client);
    CU_ASSERT_EQUAL(broker_proto_request_header_decode(&r, &hdr), 0);
    CU_ASSERT_TRUE(broker_proto_str_eq(hdr.client_id, ""));

    /* header v2 (ApiVersions v3): int16 client id, then tagged fields */
    static const uint8_t v2[] = {0, 18, 0, 3, 0, 0, 0, 1, 0, 1, 'c', 0x01, 0x00, 0x01, 0x55, 0x77};
    reader_on(&r, v2, sizeof v2);
    CU_ASSERT_EQUAL(broker_proto_request_header_decode(&r, &hdr), 0);
    CU_ASSERT_EQUAL(hdr.header_version, 2);
    CU_ASSERT_TRUE(broker_proto_str_eq(hdr.client_id, "c"));
    CU_ASSERT_EQUAL(broker_proto_read_int8(&r), 0x77);

    /* unknown api keys are read as header v1 */
    static const uint8_t unknown[] = {0x03, 0xe7, 0, 9, 0, 0, 0, 5, 0, 0};
    reader_on(&r, unknown, sizeof unknown);
    CU_ASSERT_EQUAL(broker_proto_request_header_decode(&r, &hdr), 0);
    CU_ASSERT_EQUAL(hdr.request_api_key, 999);
    CU_ASSERT_EQUAL(hdr.header_version, 1);

    /* every cut of a header fails, naming the header */
    for (size_t cut = 0; cut < sizeof v2 - 3; cut++) {
        uint8_t *copy = malloc(cut + 1);
        memcpy(copy, v2, cut);
        reader_on(&r, copy, cut);
        CU_ASSERT_EQUAL(broker_proto_request_header_decode(&r, &hdr), -1);
        ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "RequestHeader.");
        free(copy);
    }

    /* encoding writes an empty tag section */
    sluice_buf_t *b = sluice_buf_new();
    broker_request_header_t h = {18, 3, 1, BROKER_PROTO_STR("c"), 2};
    broker_proto_request_header_encode(b, &h);
    BYTES_EQ(b, 0, 18, 0, 3, 0, 0, 0, 1, 0, 1, 'c', 0);
    sluice_buf_destroy(b);
}

/* The advertised ranges, exactly as decided for the broker. */
static const struct {
    int16_t key, min, max;
    const char *name;
} advertised[] = {
    {0, 3, 7, "Produce"},           {1, 4, 11, "Fetch"},          {2, 1, 3, "ListOffsets"},
    {3, 0, 6, "Metadata"},          {8, 2, 7, "OffsetCommit"},    {9, 1, 7, "OffsetFetch"},
    {10, 0, 2, "FindCoordinator"},  {11, 0, 5, "JoinGroup"},      {12, 0, 3, "Heartbeat"},
    {13, 0, 1, "LeaveGroup"},       {14, 0, 3, "SyncGroup"},      {15, 0, 4, "DescribeGroups"},
    {16, 0, 2, "ListGroups"},       {18, 0, 2, "ApiVersions"},    {19, 0, 4, "CreateTopics"},
    {20, 0, 3, "DeleteTopics"},     {22, 0, 1, "InitProducerId"}, {32, 0, 2, "DescribeConfigs"},
    {37, 0, 1, "CreatePartitions"}, {42, 0, 1, "DeleteGroups"},   {47, 0, 0, "OffsetDelete"},
};
#define ADVERTISED_COUNT (sizeof advertised / sizeof advertised[0])

static void test_advertised_versions(void)
{
    size_t count;
    const broker_proto_api_t *apis = broker_proto_apis(&count);
    CU_ASSERT_EQUAL_FATAL(count, ADVERTISED_COUNT);
    for (size_t i = 0; i < count; i++) {
        CU_ASSERT_EQUAL(apis[i].api_key, advertised[i].key);
        CU_ASSERT_EQUAL(apis[i].min_version, advertised[i].min);
        CU_ASSERT_EQUAL(apis[i].max_version, advertised[i].max);
        CU_ASSERT_STRING_EQUAL(apis[i].name, advertised[i].name);
        CU_ASSERT_STRING_EQUAL(broker_proto_api_name(advertised[i].key), advertised[i].name);
        /* the tables belong to the api */
        CU_ASSERT_EQUAL(apis[i].request->api_key, advertised[i].key);
        CU_ASSERT_EQUAL(apis[i].response->api_key, advertised[i].key);
        /* non-flexible versions only, but for OffsetFetch 6-7 (librdkafka
         * 2.0.2 lists all of a group's offsets only at v7) */
        int16_t last_rigid = advertised[i].key == BROKER_API_OFFSET_FETCH ? 5 : apis[i].max_version;
        CU_ASSERT(last_rigid < apis[i].request->flexible_from);
        CU_ASSERT(last_rigid < apis[i].response->flexible_from);
        CU_ASSERT_EQUAL(
            broker_proto_response_header_version(advertised[i].key, apis[i].max_version),
            apis[i].max_version > last_rigid ? 1 : 0);

        int16_t key = advertised[i].key;
        CU_ASSERT_EQUAL(broker_proto_version_check(key, advertised[i].min),
                        BROKER_PROTO_VERSION_SUPPORTED);
        CU_ASSERT_EQUAL(broker_proto_version_check(key, advertised[i].max),
                        BROKER_PROTO_VERSION_SUPPORTED);
        broker_proto_version_status_t outside = key == BROKER_API_API_VERSIONS
                                                    ? BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK
                                                    : BROKER_PROTO_VERSION_UNSUPPORTED;
        CU_ASSERT_EQUAL(broker_proto_version_check(key, (int16_t)(advertised[i].min - 1)), outside);
        CU_ASSERT_EQUAL(broker_proto_version_check(key, (int16_t)(advertised[i].max + 1)), outside);
    }
    CU_ASSERT_EQUAL(broker_proto_version_check(18, 3), BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK);
    CU_ASSERT_EQUAL(broker_proto_version_check(18, 4), BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK);
    CU_ASSERT_EQUAL(broker_proto_version_check(17, 0), BROKER_PROTO_VERSION_UNSUPPORTED);
    CU_ASSERT_EQUAL(broker_proto_version_check(999, 0), BROKER_PROTO_VERSION_UNSUPPORTED);
    CU_ASSERT_EQUAL(broker_proto_version_check(-1, 0), BROKER_PROTO_VERSION_UNSUPPORTED);
    CU_ASSERT_PTR_NULL(broker_proto_api_find(17));
    CU_ASSERT_STRING_EQUAL(broker_proto_api_name(999), "Unknown");
}

static void test_response_framing(void)
{
    sluice_buf_t *b = sluice_buf_new();
    sluice_buf_append(b, "xx", 2); /* an earlier response still being sent */
    size_t frame = broker_proto_response_begin(b, 0x01020304);
    CU_ASSERT_EQUAL(frame, 2);
    broker_proto_write_int16(b, 0);
    broker_proto_response_end(b, frame, 0);
    BYTES_EQ(b, 'x', 'x', 0, 0, 0, 6, 1, 2, 3, 4, 0, 0);

    /* spliced file bytes count in the size */
    sluice_buf_reset(b);
    frame = broker_proto_response_begin(b, 7);
    broker_proto_response_end(b, frame, 1000);
    BYTES_EQ(b, 0, 0, 0x03, 0xec, 0, 0, 0, 7);

    sluice_buf_reset(b);
    broker_proto_unsupported_version_response(b, 42);
    BYTES_EQ(b, 0, 0, 0, 6, 0, 0, 0, 42, 0, 35);
    sluice_buf_destroy(b);
}

void test_register(void)
{
    TEST_SUITE("broker wire primitives", {"fixed-size integers", test_fixed_ints},
               {"varints as Kafka's ByteUtils", test_varints},
               {"strings and bytes", test_strings_and_bytes},
               {"negative and oversized lengths fail cleanly", test_bad_lengths},
               {"compact forms", test_compact_forms}, {"tagged fields", test_tagged_fields},
               {"array counts are checked against the bytes left", test_array_counts},
               {"errors are sticky and say where", test_sticky_error},
               {"long strings are cut at a character", test_long_string_is_cut},
               {"splice lists", test_splices});
    TEST_SUITE("broker wire framing", {"frames and socket.request.max.bytes", test_frame_split},
               {"request header v1 and v2", test_request_header},
               {"advertised versions and the version check", test_advertised_versions},
               {"response frames", test_response_framing});
}
