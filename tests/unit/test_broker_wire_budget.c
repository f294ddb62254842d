/*
 * The codec's allocation budget: a request whose arrays would take more than
 * BROKER_PROTO_DECODE_BUDGET bytes in memory is refused before they are
 * allocated, and the large requests real clients send still decode.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fetch.h"
#include "api_metadata.h"
#include "api_offset_commit.h"
#include "api_produce.h"
#include "mem.h"
#include "proto_request.h"
#include "proto_schema.h"
#include "proto_writer.h"
#include "test_util.h"

static int16_t max_version(int16_t api_key)
{
    return broker_proto_api_find(api_key)->max_version;
}

/* Decodes the bytes of out with `budget`; on failure copies the reader's
 * error to errstr. The struct is freed either way. */
static int decode_buf(const broker_proto_message_t *m, int16_t version, const sluice_buf_t *out,
                      size_t budget, char *errstr, size_t errstr_size)
{
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
    void *obj = mem_alloc(m->size);
    int rc = broker_proto_decode_with_budget(&r, m, version, obj, budget);
    if (errstr_size)
        snprintf(errstr, errstr_size, "%s", broker_proto_reader_errstr(&r));
    broker_proto_free(m, obj);
    free(obj);
    return rc;
}

static void expect_refused(const char *errstr, const char *place, size_t budget)
{
    char want[160];
    snprintf(want, sizeof want, "%s: decoding would allocate more than %zu bytes", place, budget);
    if (strcmp(errstr, want) != 0)
        fprintf(stderr, "\n  want \"%s\"\n  got  \"%s\"\n", want, errstr);
    CU_ASSERT_STRING_EQUAL(errstr, want);
}

/* A Fetch of `topics` topics of `parts` partitions each, at `version`. */
static void fetch_encode(sluice_buf_t *out, int16_t version, int32_t topics, int32_t parts)
{
    broker_fetch_request_t req = {.replica_id = -1,
                                  .max_wait_ms = 500,
                                  .min_bytes = 1,
                                  .max_bytes = 52428800,
                                  .session_epoch = -1};
    req.topics.count = topics;
    req.topics.items = mem_calloc((size_t)topics, sizeof *req.topics.items);
    broker_fetch_partition_t *p = mem_calloc((size_t)parts, sizeof *p);
    for (int32_t i = 0; i < parts; i++) {
        p[i].partition = i;
        p[i].current_leader_epoch = -1;
        p[i].fetch_offset = 1000 + i;
        p[i].log_start_offset = -1;
        p[i].partition_max_bytes = 1048576;
    }
    for (int32_t t = 0; t < topics; t++) {
        req.topics.items[t].topic = BROKER_PROTO_STR("connect-orders-topic");
        req.topics.items[t].partitions.items = p; /* shared: only encoded */
        req.topics.items[t].partitions.count = parts;
    }
    req.rack_id = BROKER_PROTO_STR("");
    req.forgotten_topics_data.count = 0;
    broker_fetch_request_encode(out, version, &req);
    free(p);
    free(req.topics.items);
}

/* What the arrays of that Fetch take once decoded. */
static size_t fetch_decoded_size(int32_t topics, int32_t parts)
{
    return (size_t)topics *
           (sizeof(broker_fetch_topic_t) + (size_t)parts * sizeof(broker_fetch_partition_t));
}

/* An OffsetCommit of `topics` topics of `parts` partitions each. */
static void offset_commit_encode(sluice_buf_t *out, int16_t version, int32_t topics, int32_t parts,
                                 const char *metadata)
{
    broker_offset_commit_request_t req = {
        .group_id = BROKER_PROTO_STR("connect-jdbc-sink"),
        .generation_id_or_member_epoch = 7,
        .member_id = BROKER_PROTO_STR("connector-consumer-jdbc-sink-0-4c1f"),
        .group_instance_id = BROKER_PROTO_STR(NULL),
        .retention_time_ms = -1};
    req.topics.count = topics;
    req.topics.items = mem_calloc((size_t)topics, sizeof *req.topics.items);
    broker_offset_commit_request_partition_t *p = mem_calloc((size_t)parts, sizeof *p);
    for (int32_t i = 0; i < parts; i++) {
        p[i].partition_index = i;
        p[i].committed_offset = 5000000 + i;
        p[i].committed_leader_epoch = -1;
        p[i].committed_metadata = BROKER_PROTO_STR(metadata);
    }
    for (int32_t t = 0; t < topics; t++) {
        char *name = mem_alloc(32);
        snprintf(name, 32, "orders-%d", (int)t);
        req.topics.items[t].name = BROKER_PROTO_STR(name);
        req.topics.items[t].partitions.items = p;
        req.topics.items[t].partitions.count = parts;
    }
    broker_offset_commit_request_encode(out, version, &req);
    for (int32_t t = 0; t < topics; t++)
        free((char *)req.topics.items[t].name.data);
    free(p);
    free(req.topics.items);
}

/* The amplification attack: 2.2 million empty topic names are 4.4 MB on the
 * wire (each fits the bytes left) but would be 35 MB of structs. */
static void test_hostile_metadata_refused(void)
{
    const int32_t n = 2200000;
    CU_ASSERT((size_t)n * sizeof(broker_metadata_request_topic_t) > BROKER_PROTO_DECODE_BUDGET);
    sluice_buf_t *out = sluice_buf_new();
    broker_proto_write_array_count(out, n);
    uint8_t *zeros = mem_calloc((size_t)n, 2); /* n empty strings */
    sluice_buf_append(out, zeros, (size_t)n * 2);
    free(zeros);

    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
    broker_metadata_request_t req;
    CU_ASSERT_EQUAL(broker_metadata_request_decode(&r, 1, &req), -1);
    CU_ASSERT_TRUE(broker_proto_reader_failed(&r));
    expect_refused(broker_proto_reader_errstr(&r), "MetadataRequest.Topics",
                   BROKER_PROTO_DECODE_BUDGET);
    /* Refused before allocating: nothing is left to free. */
    CU_ASSERT_PTR_NULL(req.topics.items);
    CU_ASSERT_EQUAL(req.topics.count, 0);
    /* The error is sticky. */
    CU_ASSERT_EQUAL(broker_proto_read_int32(&r), 0);

    /* One topic fewer than the budget holds still decodes. */
    sluice_buf_reset(out);
    int32_t fits = (int32_t)(BROKER_PROTO_DECODE_BUDGET / sizeof(broker_metadata_request_topic_t));
    broker_proto_write_array_count(out, fits);
    zeros = mem_calloc((size_t)fits, 2);
    sluice_buf_append(out, zeros, (size_t)fits * 2);
    free(zeros);
    char err[160];
    CU_ASSERT_EQUAL(decode_buf(&broker_metadata_request_message, 1, out, BROKER_PROTO_DECODE_BUDGET,
                               err, sizeof err),
                    0);
    sluice_buf_destroy(out);
}

/* Nested arrays count towards one total for the whole message: each topic's
 * partitions fit alone, together they go over, and the error names the array
 * that would have gone over. The limit is exact: the bytes the arrays take
 * pass, one byte less does not. */
static void test_nested_arrays_are_cumulative(void)
{
    int16_t v = max_version(BROKER_API_FETCH);
    sluice_buf_t *out = sluice_buf_new();
    fetch_encode(out, v, 4, 100);
    size_t need = fetch_decoded_size(4, 100);
    char err[160];
    CU_ASSERT_EQUAL(decode_buf(&broker_fetch_request_message, v, out, need, err, sizeof err), 0);
    CU_ASSERT_EQUAL(decode_buf(&broker_fetch_request_message, v, out, need - 1, err, sizeof err),
                    -1);
    expect_refused(err, "FetchTopic.Partitions", need - 1);
    /* Room for the topics alone: refused at the first partition array. */
    size_t topics_only = 4 * sizeof(broker_fetch_topic_t);
    CU_ASSERT_EQUAL(decode_buf(&broker_fetch_request_message, v, out, topics_only, err, sizeof err),
                    -1);
    expect_refused(err, "FetchTopic.Partitions", topics_only);
    /* Not even the topics fit: the outer array is named. */
    CU_ASSERT_EQUAL(decode_buf(&broker_fetch_request_message, v, out, 10, err, sizeof err), -1);
    expect_refused(err, "FetchRequest.Topics", 10);
    sluice_buf_destroy(out);
}

/* A hostile Fetch whose nested arrays add up past the default budget: 40
 * topics of 30 000 partitions, 19 MB on the wire, 38 MB decoded. */
static void test_hostile_nested_fetch_refused(void)
{
    int16_t v = 4; /* 16 wire bytes a partition, 32 in memory */
    CU_ASSERT(fetch_decoded_size(40, 30000) > BROKER_PROTO_DECODE_BUDGET);
    sluice_buf_t *out = sluice_buf_new();
    fetch_encode(out, v, 40, 30000);
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
    broker_fetch_request_t req;
    CU_ASSERT_EQUAL(broker_fetch_request_decode(&r, v, &req), -1);
    expect_refused(broker_proto_reader_errstr(&r), "FetchTopic.Partitions",
                   BROKER_PROTO_DECODE_BUDGET);
    CU_ASSERT_PTR_NULL(req.topics.items);
    sluice_buf_destroy(out);
}

/* A consumer fetching 1000 partitions (10 topics of 100). */
static void test_large_fetch_decodes(void)
{
    int16_t v = max_version(BROKER_API_FETCH);
    sluice_buf_t *out = sluice_buf_new();
    fetch_encode(out, v, 10, 100);
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
    broker_fetch_request_t req;
    CU_ASSERT_EQUAL_FATAL(broker_fetch_request_decode(&r, v, &req), 0);
    CU_ASSERT_EQUAL(req.topics.count, 10);
    CU_ASSERT_EQUAL(req.topics.items[9].partitions.count, 100);
    CU_ASSERT_EQUAL(req.topics.items[9].partitions.items[99].fetch_offset, 1099);
    broker_fetch_request_free(&req);
    CU_ASSERT(fetch_decoded_size(10, 100) < 64 * 1024);
    sluice_buf_destroy(out);
}

/* A producer flushing to 100 partitions; the records stay in the frame. */
static void test_large_produce_decodes(void)
{
    int16_t v = max_version(BROKER_API_PRODUCE);
    static uint8_t batch[16384];
    memset(batch, 0x5a, sizeof batch);
    broker_produce_partition_data_t parts[100];
    memset(parts, 0, sizeof parts);
    for (int i = 0; i < 100; i++) {
        parts[i].index = i % 25;
        parts[i].records.bytes.data = batch;
        parts[i].records.bytes.len = sizeof batch;
    }
    broker_produce_topic_data_t topics[4];
    for (int t = 0; t < 4; t++) {
        topics[t].name = BROKER_PROTO_STR("connect-orders-topic");
        topics[t].partition_data.items = parts + 25 * t;
        topics[t].partition_data.count = 25;
    }
    broker_produce_request_t req = {
        .transactional_id = BROKER_PROTO_STR(NULL), .acks = -1, .timeout_ms = 30000};
    req.topic_data.items = topics;
    req.topic_data.count = 4;
    sluice_buf_t *out = sluice_buf_new();
    broker_produce_request_encode(out, v, &req);

    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
    broker_produce_request_t back;
    CU_ASSERT_EQUAL_FATAL(broker_produce_request_decode(&r, v, &back), 0);
    CU_ASSERT_EQUAL(back.topic_data.count, 4);
    CU_ASSERT_EQUAL(back.topic_data.items[3].partition_data.count, 25);
    CU_ASSERT_EQUAL(back.topic_data.items[3].partition_data.items[24].records.bytes.len,
                    sizeof batch);
    broker_produce_request_free(&back);
    sluice_buf_destroy(out);
}

/* A sink committing 10 000 partitions at the newest version, and 200 000 at
 * v2, where an empty metadata string makes a partition 14 bytes on the wire
 * and 32 in memory: a budget of twice the frame would refuse that commit. */
static void test_large_offset_commits_decode(void)
{
    int16_t v = max_version(BROKER_API_OFFSET_COMMIT);
    sluice_buf_t *out = sluice_buf_new();
    offset_commit_encode(out, v, 100, 100, "{\"task\":0}");
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
    broker_offset_commit_request_t req;
    CU_ASSERT_EQUAL_FATAL(broker_offset_commit_request_decode(&r, v, &req), 0);
    CU_ASSERT_EQUAL(req.topics.count, 100);
    CU_ASSERT_EQUAL(req.topics.items[99].partitions.count, 100);
    CU_ASSERT_TRUE(broker_proto_str_eq(req.topics.items[99].partitions.items[99].committed_metadata,
                                       "{\"task\":0}"));
    broker_offset_commit_request_free(&req);

    sluice_buf_reset(out);
    offset_commit_encode(out, 2, 20, 10000, "");
    size_t decoded = 20 * (sizeof(broker_offset_commit_request_topic_t) +
                           10000 * sizeof(broker_offset_commit_request_partition_t));
    CU_ASSERT(decoded > 2 * sluice_buf_len(out));
    char err[160];
    CU_ASSERT_EQUAL(decode_buf(&broker_offset_commit_request_message, 2, out,
                               BROKER_PROTO_DECODE_BUDGET, err, sizeof err),
                    0);
    sluice_buf_destroy(out);
}

void test_register(void)
{
    TEST_SUITE(
        "broker wire allocation budget",
        {"a hostile Metadata request is refused before allocating", test_hostile_metadata_refused},
        {"nested arrays count towards one exact total", test_nested_arrays_are_cumulative},
        {"a hostile nested Fetch is refused", test_hostile_nested_fetch_refused},
        {"a Fetch for 1000 partitions decodes", test_large_fetch_decodes},
        {"a Produce to 100 partitions decodes", test_large_produce_decodes},
        {"OffsetCommits for 10 000 and 200 000 partitions decode",
         test_large_offset_commits_decode});
}
