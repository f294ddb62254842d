/*
 * Every API at every advertised version: hand-built requests and responses
 * survive encode/decode (fields of the version kept, the others at their
 * JSON defaults), and byte-exact comparisons against bytes written out
 * field by field from Kafka's message JSON: librdkafka's ApiVersions v3
 * opening and the v0-body UNSUPPORTED_VERSION reply it gets, Produce v7,
 * Fetch v11 with records spliced from a file, InitProducerId, and the
 * versions kafka-python cannot produce.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_fetch.h"
#include "api_group_admin.h"
#include "api_groups.h"
#include "api_init_producer_id.h"
#include "api_list_offsets.h"
#include "api_metadata.h"
#include "api_offset_commit.h"
#include "api_produce.h"
#include "api_topics.h"
#include "api_versions.h"
#include "kafka_error.h"
#include "mem.h"
#include "proto_request.h"
#include "test_broker_wire_util.h"
#include "test_util.h"

/* ---- Hand-built messages, every field away from its default --------------- */

static const uint8_t batch_bytes[] = "\0\0\0\0\0\0\0\0\0\0\0\x31\xff\xff\xff\xff\x02 a batch";

static const broker_produce_request_t produce_req = {
    .transactional_id = WSTR("txn-1"),
    .acks = -1,
    .timeout_ms = 1500,
    .topic_data =
        WARRAY(broker_produce_topic_data_t,
               {.name = WSTR("orders"),
                .partition_data = WARRAY(broker_produce_partition_data_t,
                                         {.index = 2, .records = {.bytes = {batch_bytes, 24}}},
                                         {.index = 5, .records = {.bytes = {batch_bytes, 3}}})},
               {.name = WSTR("payments")}),
};
static const broker_produce_response_t produce_resp = {
    .responses = WARRAY(
        broker_produce_topic_response_t,
        {.name = WSTR("orders"),
         .partition_responses = WARRAY(broker_produce_partition_response_t,
                                       {2, 10, 1000, 1700000000000, 7}, {5, 0, 2000, 17, 8})}),
    .throttle_time_ms = 11,
};

static const broker_fetch_request_t fetch_req = {
    .replica_id = 3,
    .max_wait_ms = 500,
    .min_bytes = 1,
    .max_bytes = 52428800,
    .isolation_level = 1,
    .session_id = 9,
    .session_epoch = 4,
    .topics = WARRAY(broker_fetch_topic_t,
                     {.topic = WSTR("orders"),
                      .partitions = WARRAY(broker_fetch_partition_t, {0, 6, 42, 3, 1048576},
                                           {1, 7, 43, 4, 2048})}),
    .forgotten_topics_data = WARRAY(broker_fetch_forgotten_topic_t,
                                    {.topic = WSTR("old"), .partitions = WARRAY(int32_t, 3, 4)}),
    .rack_id = WSTR("rack-a"),
};
static const broker_fetch_response_t fetch_resp = {
    .throttle_time_ms = 12,
    .error_code = 1,
    .session_id = 9,
    .responses = WARRAY(broker_fetch_topic_response_t,
                        {.topic = WSTR("orders"),
                         .partitions = WARRAY(broker_fetch_partition_data_t,
                                              {.partition_index = 0,
                                               .error_code = 0,
                                               .high_watermark = 44,
                                               .last_stable_offset = 43,
                                               .log_start_offset = 2,
                                               .aborted_transactions = WARRAY(
                                                   broker_fetch_aborted_transaction_t, {5, 40}),
                                               .preferred_read_replica = 1,
                                               .records = {.bytes = {batch_bytes, 24}}},
                                              {.partition_index = 1,
                                               .error_code = 1,
                                               .high_watermark = 9,
                                               .last_stable_offset = 9,
                                               .log_start_offset = 0,
                                               .preferred_read_replica = -1})}),
};

static const broker_list_offsets_request_t list_offsets_req = {
    .replica_id = -1,
    .isolation_level = 1,
    .topics = WARRAY(broker_list_offsets_topic_t,
                     {.name = WSTR("orders"),
                      .partitions = WARRAY(broker_list_offsets_partition_t, {0, -1}, {1, -2},
                                           {2, 1700000000000})}),
};
static const broker_list_offsets_response_t list_offsets_resp = {
    .throttle_time_ms = 13,
    .topics = WARRAY(broker_list_offsets_topic_response_t,
                     {.name = WSTR("orders"),
                      .partitions = WARRAY(broker_list_offsets_partition_response_t,
                                           {0, 0, 1700000000000, 12}, {1, 3, 5, 6})}),
};

static const broker_metadata_request_t metadata_req = {
    .topics = WARRAY(broker_metadata_request_topic_t, {WSTR("orders")}, {WSTR("payments")}),
    .allow_auto_topic_creation = false,
};
static const broker_metadata_response_t metadata_resp = {
    .throttle_time_ms = 14,
    .brokers =
        WARRAY(broker_metadata_response_broker_t,
               {.node_id = 1, .host = WSTR("localhost"), .port = 9092, .rack = WSTR("rack-a")},
               {.node_id = 2, .host = WSTR("other"), .port = 9093, .rack = WNULL}),
    .cluster_id = WSTR("cluster-xyz"),
    .controller_id = 1,
    .topics = WARRAY(broker_metadata_response_topic_t,
                     {.error_code = 0,
                      .name = WSTR("orders"),
                      .is_internal = true,
                      .partitions = WARRAY(broker_metadata_response_partition_t,
                                           {.error_code = 5,
                                            .partition_index = 3,
                                            .leader_id = 1,
                                            .replica_nodes = WARRAY(int32_t, 1, 2),
                                            .isr_nodes = WARRAY(int32_t, 1),
                                            .offline_replicas = WARRAY(int32_t, 2)})}),
};

static const broker_offset_commit_request_t offset_commit_req = {
    .group_id = WSTR("my-group"),
    .generation_id_or_member_epoch = 3,
    .member_id = WSTR("member-1"),
    .group_instance_id = WSTR("instance-1"),
    .retention_time_ms = 86400000,
    .topics = WARRAY(broker_offset_commit_request_topic_t,
                     {.name = WSTR("orders"),
                      .partitions = WARRAY(broker_offset_commit_request_partition_t,
                                           {0, 42, 7, WSTR("meta")}, {1, 43, 8, WNULL})}),
};
static const broker_offset_commit_response_t offset_commit_resp = {
    .throttle_time_ms = 15,
    .topics =
        WARRAY(broker_offset_commit_response_topic_t,
               {.name = WSTR("orders"),
                .partitions = WARRAY(broker_offset_commit_response_partition_t, {0, 0}, {1, 22})}),
};

static const broker_offset_fetch_request_t offset_fetch_req = {
    .group_id = WSTR("my-group"),
    .topics = WARRAY(broker_offset_fetch_request_topic_t,
                     {.name = WSTR("orders"), .partition_indexes = WARRAY(int32_t, 0, 1, 2)}),
};
static const broker_offset_fetch_response_t offset_fetch_resp = {
    .throttle_time_ms = 16,
    .topics = WARRAY(broker_offset_fetch_response_topic_t,
                     {.name = WSTR("orders"),
                      .partitions = WARRAY(broker_offset_fetch_response_partition_t,
                                           {0, 42, 7, WSTR("meta"), 0}, {1, -1, 8, WNULL, 3})}),
    .error_code = 16,
};

static const broker_find_coordinator_request_t find_coordinator_req = {.key = WSTR("my-group"),
                                                                       .key_type = 1};
static const broker_find_coordinator_response_t find_coordinator_resp = {
    .throttle_time_ms = 17,
    .error_code = 15,
    .error_message = WSTR("The coordinator is not available."),
    .node_id = 1,
    .host = WSTR("localhost"),
    .port = 9092,
};

static const broker_join_group_request_t join_group_req = {
    .group_id = WSTR("my-group"),
    .session_timeout_ms = 45000,
    .rebalance_timeout_ms = 300000,
    .member_id = WSTR("member-1"),
    .group_instance_id = WSTR("instance-1"),
    .protocol_type = WSTR("consumer"),
    .protocols = WARRAY(broker_join_group_request_protocol_t, {WSTR("range"), WBYTES("\0\0\0\0")},
                        {WSTR("roundrobin"), WBYTES("x")}),
};
static const broker_join_group_response_t join_group_resp = {
    .throttle_time_ms = 18,
    .error_code = 79,
    .generation_id = 4,
    .protocol_name = WSTR("range"),
    .leader = WSTR("member-1"),
    .member_id = WSTR("member-2"),
    .members = WARRAY(broker_join_group_response_member_t,
                      {WSTR("member-1"), WSTR("instance-1"), WBYTES("meta-1")},
                      {WSTR("member-2"), WNULL, WBYTES("")}),
};

static const broker_heartbeat_request_t heartbeat_req = {
    .group_id = WSTR("my-group"),
    .generation_id = 4,
    .member_id = WSTR("member-1"),
    .group_instance_id = WSTR("instance-1"),
};
static const broker_heartbeat_response_t heartbeat_resp = {.throttle_time_ms = 19,
                                                           .error_code = 27};

static const broker_leave_group_request_t leave_group_req = {.group_id = WSTR("my-group"),
                                                             .member_id = WSTR("member-1")};
static const broker_leave_group_response_t leave_group_resp = {.throttle_time_ms = 20,
                                                               .error_code = 25};

static const broker_sync_group_request_t sync_group_req = {
    .group_id = WSTR("my-group"),
    .generation_id = 4,
    .member_id = WSTR("member-1"),
    .group_instance_id = WSTR("instance-1"),
    .assignments =
        WARRAY(broker_sync_group_request_assignment_t, {WSTR("member-1"), WBYTES("assignment-1")},
               {WSTR("member-2"), WBYTES("")}),
};
static const broker_sync_group_response_t sync_group_resp = {
    .throttle_time_ms = 21, .error_code = 22, .assignment = WBYTES("assignment-1")};

static const broker_describe_groups_request_t describe_groups_req = {
    .groups = WARRAY(broker_proto_str_t, WSTR("g1"), WSTR("g2")),
    .include_authorized_operations = true,
};
static const broker_describe_groups_response_t describe_groups_resp = {
    .throttle_time_ms = 22,
    .groups = WARRAY(broker_described_group_t,
                     {.error_code = 0,
                      .group_id = WSTR("g1"),
                      .group_state = WSTR("Stable"),
                      .protocol_type = WSTR("consumer"),
                      .protocol_data = WSTR("range"),
                      .members = WARRAY(broker_described_group_member_t,
                                        {WSTR("member-1"), WSTR("instance-1"), WSTR("client-1"),
                                         WSTR("/127.0.0.1"), WBYTES("meta"), WBYTES("assign")}),
                      .authorized_operations = 0x0ff8},
                     {.error_code = 69,
                      .group_id = WSTR("g2"),
                      .group_state = WSTR("Dead"),
                      .authorized_operations = 7}),
};

static const broker_list_groups_request_t list_groups_req = {0};
static const broker_list_groups_response_t list_groups_resp = {
    .throttle_time_ms = 23,
    .error_code = 0,
    .groups = WARRAY(broker_listed_group_t, {WSTR("my-group"), WSTR("consumer")},
                     {WSTR("connect-cluster"), WSTR("connect")}),
};

static const broker_api_versions_request_t api_versions_req = {0};
static const broker_api_versions_response_t api_versions_resp = {
    .error_code = 0,
    .api_keys = WARRAY(broker_api_versions_api_key_t, {0, 3, 7}, {18, 0, 2}),
    .throttle_time_ms = 24,
};

static const broker_create_topics_request_t create_topics_req = {
    .topics = WARRAY(
        broker_creatable_topic_t,
        {.name = WSTR("orders"),
         .num_partitions = 3,
         .replication_factor = 1,
         .assignments = WARRAY(broker_create_topics_assignment_t,
                               {.partition_index = 0, .broker_ids = WARRAY(int32_t, 1)}),
         .configs = WARRAY(broker_create_topics_config_t, {WSTR("cleanup.policy"), WSTR("compact")},
                           {WSTR("retention.ms"), WNULL})},
        {.name = WSTR("defaults"), .num_partitions = -1, .replication_factor = -1}),
    .timeout_ms = 30000,
    .validate_only = true,
};
static const broker_create_topics_response_t create_topics_resp = {
    .throttle_time_ms = 25,
    .topics = WARRAY(broker_creatable_topic_result_t, {WSTR("orders"), 0, WNULL},
                     {WSTR("bad"), 38,
                      WSTR("Replication factor: 3 larger than available "
                           "brokers: 1.")}),
};

static const broker_delete_topics_request_t delete_topics_req = {
    .topic_names = WARRAY(broker_proto_str_t, WSTR("orders"), WSTR("payments")),
    .timeout_ms = 30000,
};
static const broker_delete_topics_response_t delete_topics_resp = {
    .throttle_time_ms = 26,
    .responses = WARRAY(broker_deletable_topic_result_t, {WSTR("orders"), 0}, {WSTR("missing"), 3}),
};

static const broker_init_producer_id_request_t init_producer_id_req = {
    .transactional_id = WNULL, .transaction_timeout_ms = 60000};
static const broker_init_producer_id_response_t init_producer_id_resp = {
    .throttle_time_ms = 27, .error_code = 0, .producer_id = 1000, .producer_epoch = 3};

static const broker_describe_configs_request_t describe_configs_req = {
    .resources = WARRAY(broker_describe_configs_resource_t,
                        {2, WSTR("orders"), WARRAY(broker_proto_str_t, WSTR("retention.ms"))},
                        {4, WSTR("1"), WNULL_ARRAY}),
    .include_synonyms = true,
};
static const broker_describe_configs_response_t describe_configs_resp = {
    .throttle_time_ms = 28,
    .results =
        WARRAY(broker_describe_configs_result_t,
               {.error_code = 0,
                .error_message = WNULL,
                .resource_type = 2,
                .resource_name = WSTR("orders"),
                .configs = WARRAY(
                    broker_describe_configs_resource_result_t,
                    {.name = WSTR("cleanup.policy"),
                     .value = WSTR("compact"),
                     .read_only = true,
                     .is_default = true,
                     .config_source = 1,
                     .is_sensitive = false,
                     .synonyms = WARRAY(broker_describe_configs_synonym_t,
                                        {WSTR("cleanup.policy"), WSTR("compact"), 1},
                                        {WSTR("log.cleanup.policy"), WNULL, 5})},
                    {.name = WSTR("ssl.key.password"), .value = WNULL, .is_sensitive = true})},
               {.error_code = 3,
                .error_message = WSTR("Topic missing"),
                .resource_type = 2,
                .resource_name = WSTR("missing")}),
};

static const broker_create_partitions_request_t create_partitions_req = {
    .topics = WARRAY(
        broker_create_partitions_topic_t,
        {WSTR("orders"), 6,
         WARRAY(broker_create_partitions_assignment_t, {WARRAY(int32_t, 1)}, {WARRAY(int32_t, 1)})},
        {WSTR("payments"), 2, WNULL_ARRAY}),
    .timeout_ms = 30000,
    .validate_only = true,
};
static const broker_create_partitions_response_t create_partitions_resp = {
    .throttle_time_ms = 29,
    .results = WARRAY(broker_create_partitions_topic_result_t, {WSTR("orders"), 0, WNULL},
                      {WSTR("payments"), 37, WSTR("too few")}),
};

static const broker_delete_groups_request_t delete_groups_req = {
    .groups_names = WARRAY(broker_proto_str_t, WSTR("g1"), WSTR("g2")),
};
static const broker_delete_groups_response_t delete_groups_resp = {
    .throttle_time_ms = 30,
    .results = WARRAY(broker_deletable_group_result_t, {WSTR("g1"), 0}, {WSTR("g2"), 68}),
};

static const broker_offset_delete_request_t offset_delete_req = {
    .group_id = WSTR("my-group"),
    .topics = WARRAY(broker_offset_delete_request_topic_t,
                     {WSTR("orders"), WARRAY(broker_offset_delete_request_partition_t, {0}, {2})}),
};
static const broker_offset_delete_response_t offset_delete_resp = {
    .error_code = 0,
    .throttle_time_ms = 31,
    .topics = WARRAY(
        broker_offset_delete_response_topic_t,
        {WSTR("orders"), WARRAY(broker_offset_delete_response_partition_t, {0, 0}, {2, 86})}),
};

static const struct {
    int16_t api_key;
    const void *request;
    const void *response;
} samples[] = {
    {BROKER_API_PRODUCE, &produce_req, &produce_resp},
    {BROKER_API_FETCH, &fetch_req, &fetch_resp},
    {BROKER_API_LIST_OFFSETS, &list_offsets_req, &list_offsets_resp},
    {BROKER_API_METADATA, &metadata_req, &metadata_resp},
    {BROKER_API_OFFSET_COMMIT, &offset_commit_req, &offset_commit_resp},
    {BROKER_API_OFFSET_FETCH, &offset_fetch_req, &offset_fetch_resp},
    {BROKER_API_FIND_COORDINATOR, &find_coordinator_req, &find_coordinator_resp},
    {BROKER_API_JOIN_GROUP, &join_group_req, &join_group_resp},
    {BROKER_API_HEARTBEAT, &heartbeat_req, &heartbeat_resp},
    {BROKER_API_LEAVE_GROUP, &leave_group_req, &leave_group_resp},
    {BROKER_API_SYNC_GROUP, &sync_group_req, &sync_group_resp},
    {BROKER_API_DESCRIBE_GROUPS, &describe_groups_req, &describe_groups_resp},
    {BROKER_API_LIST_GROUPS, &list_groups_req, &list_groups_resp},
    {BROKER_API_API_VERSIONS, &api_versions_req, &api_versions_resp},
    {BROKER_API_CREATE_TOPICS, &create_topics_req, &create_topics_resp},
    {BROKER_API_DELETE_TOPICS, &delete_topics_req, &delete_topics_resp},
    {BROKER_API_INIT_PRODUCER_ID, &init_producer_id_req, &init_producer_id_resp},
    {BROKER_API_DESCRIBE_CONFIGS, &describe_configs_req, &describe_configs_resp},
    {BROKER_API_CREATE_PARTITIONS, &create_partitions_req, &create_partitions_resp},
    {BROKER_API_DELETE_GROUPS, &delete_groups_req, &delete_groups_resp},
    {BROKER_API_OFFSET_DELETE, &offset_delete_req, &offset_delete_resp},
};
#define SAMPLE_COUNT (sizeof samples / sizeof samples[0])

static void test_every_api_every_version(void)
{
    size_t count;
    const broker_proto_api_t *apis = broker_proto_apis(&count);
    CU_ASSERT_EQUAL_FATAL(count, SAMPLE_COUNT);
    for (size_t i = 0; i < count; i++) {
        CU_ASSERT_EQUAL_FATAL(samples[i].api_key, apis[i].api_key);
        for (int16_t v = apis[i].min_version; v <= apis[i].max_version; v++) {
            int req_fail = wire_round_trip(apis[i].request, v, samples[i].request);
            int resp_fail = wire_round_trip(apis[i].response, v, samples[i].response);
            if (req_fail || resp_fail)
                fprintf(stderr, "  ^ %s v%d\n", apis[i].name, v);
            CU_ASSERT_EQUAL(req_fail, 0);
            CU_ASSERT_EQUAL(resp_fail, 0);
        }
    }
}

/* A zeroed response encodes empty arrays, never null ones. */
static void test_zeroed_responses_have_empty_arrays(void)
{
    size_t count;
    const broker_proto_api_t *apis = broker_proto_apis(&count);
    for (size_t i = 0; i < count; i++) {
        const broker_proto_message_t *m = apis[i].response;
        void *zero = mem_calloc(1, m->size);
        for (int16_t v = apis[i].min_version; v <= apis[i].max_version; v++) {
            sluice_buf_t *out = sluice_buf_new();
            broker_proto_encode(out, NULL, m, v, zero);
            /* every top-level array in the body reads back as empty, not null */
            void *back = mem_calloc(1, m->size);
            broker_proto_reader_t r;
            broker_proto_reader_init(&r, sluice_buf_data(out), sluice_buf_len(out));
            CU_ASSERT_EQUAL(broker_proto_decode(&r, m, v, back), 0);
            for (size_t f = 0; f < m->body.field_count; f++) {
                const broker_proto_field_t *fld = &m->body.fields[f];
                if (fld->type != BROKER_PROTO_ARRAY)
                    continue;
                int32_t n;
                memcpy(&n, (uint8_t *)back + fld->offset + sizeof(void *), sizeof n);
                CU_ASSERT_EQUAL(n, 0);
            }
            broker_proto_free(m, back);
            free(back);
            sluice_buf_destroy(out);
        }
        free(zero);
    }
}

/* ---- Byte-exact against the JSON schemas ---------------------------------- */

#define BUF_EQ(buf, ...)                                                                           \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        ASSERT_BYTES_EQ(want_, sizeof want_, sluice_buf_data(buf), sluice_buf_len(buf), #buf);     \
    } while (0)

/*
 * librdkafka 2.0.2 opens every connection with ApiVersions v3 (request header
 * v2, compact strings, tagged fields). The broker answers with a v0 body:
 * UNSUPPORTED_VERSION and its own ApiVersions entry, behind header v0.
 */
static void test_librdkafka_api_versions_v3(void)
{
    static const uint8_t request[] = {
        0x00, 0x00, 0x00, 0x24,                                    /* size 36 */
        0x00, 0x12,                                                /* RequestApiKey 18 */
        0x00, 0x03,                                                /* RequestApiVersion 3 */
        0x00, 0x00, 0x00, 0x01,                                    /* CorrelationId 1 */
        0x00, 0x07, 'r',  'd',  'k', 'a', 'f', 'k', 'a',           /* ClientId, int16 length */
        0x00,                                                      /* header tagged fields */
        0x0b, 'l',  'i',  'b',  'r', 'd', 'k', 'a', 'f', 'k', 'a', /* ClientSoftwareName */
        0x06, '2',  '.',  '0',  '.', '2',                          /* ClientSoftwareVersion */
        0x00,                                                      /* body tagged fields */
    };
    broker_proto_frame_t f;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(broker_proto_frame_next(request, sizeof request,
                                                  BROKER_PROTO_DEFAULT_MAX_REQUEST_BYTES, &f, err,
                                                  sizeof err),
                          BROKER_PROTO_FRAME_OK);
    broker_proto_reader_t r;
    broker_request_header_t hdr;
    broker_proto_reader_init(&r, f.payload, f.payload_len);
    CU_ASSERT_EQUAL_FATAL(broker_proto_request_header_decode(&r, &hdr), 0);
    CU_ASSERT_EQUAL(hdr.header_version, 2);
    CU_ASSERT_TRUE(broker_proto_str_eq(hdr.client_id, "rdkafka"));
    CU_ASSERT_EQUAL(broker_proto_version_check(hdr.request_api_key, hdr.request_api_version),
                    BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK);

    /* the body need not be read, but it decodes */
    broker_api_versions_request_t req;
    CU_ASSERT_EQUAL_FATAL(broker_api_versions_request_decode(&r, 3, &req), 0);
    CU_ASSERT_TRUE(broker_proto_str_eq(req.client_software_name, "librdkafka"));
    CU_ASSERT_TRUE(broker_proto_str_eq(req.client_software_version, "2.0.2"));
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);
    broker_api_versions_request_free(&req);

    sluice_buf_t *out = sluice_buf_new();
    broker_api_versions_response_t resp;
    broker_api_versions_response_init(&resp, KAFKA_ERR_UNSUPPORTED_VERSION);
    size_t frame = broker_proto_response_begin(out, hdr.correlation_id);
    broker_api_versions_response_encode(out, 0, &resp);
    broker_proto_response_end(out, frame, 0);
    broker_api_versions_response_free(&resp);
    BUF_EQ(out, 0x00, 0x00, 0x00, 0x10,         /* size 16 */
           0x00, 0x00, 0x00, 0x01,              /* CorrelationId (response header v0) */
           0x00, 0x23,                          /* ErrorCode 35 UNSUPPORTED_VERSION */
           0x00, 0x00, 0x00, 0x01,              /* ApiKeys: one entry */
           0x00, 0x12, 0x00, 0x00, 0x00, 0x02); /* ApiVersions 0-2 */
    sluice_buf_destroy(out);
}

/* librdkafka's retry, ApiVersions v0, gets the whole table. */
static void test_api_versions_full_table(void)
{
    broker_api_versions_response_t resp;
    broker_api_versions_response_init(&resp, KAFKA_ERR_NONE);
    size_t count;
    const broker_proto_api_t *apis = broker_proto_apis(&count);
    CU_ASSERT_EQUAL_FATAL((size_t)resp.api_keys.count, count);
    for (size_t i = 0; i < count; i++) {
        CU_ASSERT_EQUAL(resp.api_keys.items[i].api_key, apis[i].api_key);
        CU_ASSERT_EQUAL(resp.api_keys.items[i].min_version, apis[i].min_version);
        CU_ASSERT_EQUAL(resp.api_keys.items[i].max_version, apis[i].max_version);
    }
    sluice_buf_t *out = sluice_buf_new();
    broker_api_versions_response_encode(out, 0, &resp);
    /* error code, count, 6 bytes per entry; v0 has no throttle time */
    CU_ASSERT_EQUAL(sluice_buf_len(out), 2 + 4 + 6 * count);
    const uint8_t *p = (const uint8_t *)sluice_buf_data(out);
    CU_ASSERT(p[0] == 0 && p[1] == 0 && p[5] == count);
    /* the first entry: Produce 3-7 */
    CU_ASSERT(p[6] == 0 && p[7] == 0 && p[9] == 3 && p[11] == 7);
    sluice_buf_reset(out);
    broker_api_versions_response_encode(out, 1, &resp);
    CU_ASSERT_EQUAL(sluice_buf_len(out), 2 + 4 + 6 * count + 4);
    sluice_buf_destroy(out);
    broker_api_versions_response_free(&resp);
}

/* The Metadata v0 probe kafka-python pipelines after ApiVersions v0. */
static void test_metadata_v0_request_bytes(void)
{
    static const uint8_t request[] = {
        0x00, 0x00, 0x00, 0x20, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, /* key, v, corr */
        0x00, 0x12, 'k',  'a',  'f',  'k',  'a',  '-',  'p',  'y',  't',  'h',  'o',
        'n',  '-',  '2',  '.',  '0',  '.',  '2',  0x00, 0x00, 0x00, 0x00, /* Topics: empty (all, in
                                                                             v0) */
    };
    const test_wire_vector_t *v = wire_vector("metadata_v0_request_all");
    ASSERT_BYTES_EQ(request, sizeof request, v->data, v->len, "kafka-python Metadata v0");

    sluice_buf_t *out = sluice_buf_new();
    size_t frame = broker_proto_write_int32(out, 0);
    broker_request_header_t hdr = {3, 0, 4, BROKER_PROTO_STR("kafka-python-2.0.2"), 1};
    broker_proto_request_header_encode(out, &hdr);
    broker_metadata_request_t req = {0};
    broker_metadata_request_encode(out, 0, &req);
    broker_proto_patch_int32(out, frame, (int32_t)sluice_buf_len(out) - 4);
    ASSERT_BYTES_EQ(request, sizeof request, sluice_buf_data(out), sluice_buf_len(out),
                    "encoded Metadata v0");
    sluice_buf_destroy(out);
}

/* Metadata v6 (kafka-python stops at v5) has v5's layout. */
static void test_metadata_v6_response_bytes(void)
{
    broker_metadata_response_t resp = {
        .throttle_time_ms = 0,
        .brokers = WARRAY(broker_metadata_response_broker_t,
                          {.node_id = 1, .host = WSTR("h"), .port = 9092}),
        .cluster_id = WSTR("c"),
        .controller_id = 1,
        .topics = WARRAY(broker_metadata_response_topic_t,
                         {.name = WSTR("t"),
                          .partitions = WARRAY(broker_metadata_response_partition_t,
                                               {.leader_id = 1,
                                                .replica_nodes = WARRAY(int32_t, 1),
                                                .isr_nodes = WARRAY(int32_t, 1)})}),
    };
    sluice_buf_t *out = sluice_buf_new();
    broker_metadata_response_encode(out, 6, &resp);
    BUF_EQ(out, 0, 0, 0, 0,                         /* ThrottleTimeMs */
           0, 0, 0, 1,                              /* Brokers: 1 */
           0, 0, 0, 1, 0, 1, 'h', 0, 0, 0x23, 0x84, /* NodeId, Host, Port */
           0xff, 0xff,                              /* Rack: null */
           0, 1, 'c',                               /* ClusterId */
           0, 0, 0, 1,                              /* ControllerId */
           0, 0, 0, 1,                              /* Topics: 1 */
           0, 0, 0, 1, 't', 0,                      /* ErrorCode, Name, IsInternal */
           0, 0, 0, 1,                              /* Partitions: 1 */
           0, 0, 0, 0, 0, 0, 0, 0, 0, 1,            /* ErrorCode, PartitionIndex, LeaderId */
           0, 0, 0, 1, 0, 0, 0, 1,                  /* ReplicaNodes [1] */
           0, 0, 0, 1, 0, 0, 0, 1,                  /* IsrNodes [1] */
           0, 0, 0, 0);                             /* OfflineReplicas [] */
    sluice_buf_destroy(out);
}

/* librdkafka's Produce v7: acks=-1, one topic, one partition, one batch. */
static void test_produce_v7_request_bytes(void)
{
    static const uint8_t body[] = {
        0xff, 0xff,                                      /* TransactionalId: null */
        0xff, 0xff,                                      /* Acks: -1 */
        0x00, 0x00, 0x05, 0xdc,                          /* TimeoutMs: 1500 */
        0x00, 0x00, 0x00, 0x01,                          /* TopicData: 1 */
        0x00, 0x01, 't',                                 /* Name */
        0x00, 0x00, 0x00, 0x01,                          /* PartitionData: 1 */
        0x00, 0x00, 0x00, 0x02,                          /* Index: 2 */
        0x00, 0x00, 0x00, 0x05, 'B', 'A', 'T', 'C', 'H', /* Records */
    };
    broker_produce_request_t req;
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, body, sizeof body);
    CU_ASSERT_EQUAL_FATAL(broker_produce_request_decode(&r, 7, &req), 0);
    CU_ASSERT_PTR_NULL(req.transactional_id.data);
    CU_ASSERT_EQUAL(req.acks, -1);
    CU_ASSERT_EQUAL(req.timeout_ms, 1500);
    const broker_produce_partition_data_t *p = &req.topic_data.items[0].partition_data.items[0];
    CU_ASSERT_EQUAL(p->index, 2);
    CU_ASSERT_PTR_EQUAL(p->records.bytes.data, body + sizeof body - 5);
    CU_ASSERT_EQUAL(p->records.bytes.len, 5);

    sluice_buf_t *out = sluice_buf_new();
    broker_produce_request_encode(out, 7, &req);
    ASSERT_BYTES_EQ(body, sizeof body, sluice_buf_data(out), sluice_buf_len(out), "produce v7");
    broker_produce_request_free(&req);

    /* and its answer: ThrottleTimeMs comes last in Produce */
    sluice_buf_reset(out);
    broker_produce_response_t resp = {
        .responses = WARRAY(broker_produce_topic_response_t,
                            {.name = WSTR("t"),
                             .partition_responses =
                                 WARRAY(broker_produce_partition_response_t, {2, 0, 100, -1, 0})}),
        .throttle_time_ms = 0x0a0b0c0d,
    };
    broker_produce_response_encode(out, 7, &resp);
    BUF_EQ(out, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1,         /* Responses, Name, PartitionResponses */
           0, 0, 0, 2, 0, 0,                               /* Index, ErrorCode */
           0, 0, 0, 0, 0, 0, 0, 100,                       /* BaseOffset */
           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* LogAppendTimeMs -1 */
           0, 0, 0, 0, 0, 0, 0, 0,                         /* LogStartOffset */
           0x0a, 0x0b, 0x0c, 0x0d);                        /* ThrottleTimeMs */
    sluice_buf_destroy(out);
}

/* Reads the spliced file ranges back into one buffer, as the socket would
 * see the response. */
static sluice_buf_t *materialize(const sluice_buf_t *buf, const broker_proto_splices_t *s)
{
    sluice_buf_t *all = sluice_buf_new();
    size_t from = 0;
    for (size_t i = 0; i < s->count; i++) {
        sluice_buf_append(all, sluice_buf_data(buf) + from, s->items[i].at - from);
        from = s->items[i].at;
        char *tmp = malloc(s->items[i].range.len);
        ssize_t n =
            pread(s->items[i].range.fd, tmp, s->items[i].range.len, (off_t)s->items[i].range.pos);
        CU_ASSERT_EQUAL(n, (ssize_t)s->items[i].range.len);
        sluice_buf_append(all, tmp, s->items[i].range.len);
        free(tmp);
    }
    sluice_buf_append(all, sluice_buf_data(buf) + from, sluice_buf_len(buf) - from);
    return all;
}

/* Fetch v11: the records of partition 0 come from a file in two ranges. */
static void test_fetch_v11_response_splices(void)
{
    char path[] = "/tmp/sluice-wire-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    unlink(path);
    CU_ASSERT_EQUAL(write(fd, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 36), 36);

    broker_proto_file_range_t ranges[] = {{fd, 10, 20}, {fd, 0, 5}};
    broker_fetch_response_t resp = {
        .responses = WARRAY(broker_fetch_topic_response_t,
                            {.topic = WSTR("orders"),
                             .partitions = WARRAY(broker_fetch_partition_data_t,
                                                  {.partition_index = 0,
                                                   .high_watermark = 100,
                                                   .last_stable_offset = 100,
                                                   .log_start_offset = 0,
                                                   .preferred_read_replica = -1,
                                                   .records = {.ranges = ranges, .range_count = 2}},
                                                  {.partition_index = 1,
                                                   .error_code = KAFKA_ERR_OFFSET_OUT_OF_RANGE,
                                                   .high_watermark = 7,
                                                   .last_stable_offset = 7,
                                                   .log_start_offset = 3,
                                                   .preferred_read_replica = -1})}),
    };
    sluice_buf_t *out = sluice_buf_new();
    broker_proto_splices_t splices = {0};
    size_t frame = broker_proto_response_begin(out, 77);
    broker_fetch_response_encode(out, &splices, 11, &resp);
    broker_proto_response_end(out, frame, splices.total_len);

    BUF_EQ(out, 0x00, 0x00, 0x00, 0x8b,        /* size: 114 in the buffer + 25 spliced */
           0x00, 0x00, 0x00, 0x4d,             /* CorrelationId 77 */
           0, 0, 0, 0,                         /* ThrottleTimeMs */
           0, 0,                               /* ErrorCode */
           0, 0, 0, 0,                         /* SessionId */
           0, 0, 0, 1,                         /* Responses: 1 */
           0, 6, 'o', 'r', 'd', 'e', 'r', 's', /* Topic */
           0, 0, 0, 2,                         /* Partitions: 2 */
           0, 0, 0, 0, 0, 0,                   /* PartitionIndex 0, ErrorCode */
           0, 0, 0, 0, 0, 0, 0, 100,           /* HighWatermark */
           0, 0, 0, 0, 0, 0, 0, 100,           /* LastStableOffset */
           0, 0, 0, 0, 0, 0, 0, 0,             /* LogStartOffset */
           0, 0, 0, 0,                         /* AbortedTransactions: empty, not null */
           0xff, 0xff, 0xff, 0xff,             /* PreferredReadReplica -1 */
           0, 0, 0, 25,                        /* Records: 25 bytes, spliced here */
           0, 0, 0, 1, 0, 1,                   /* PartitionIndex 1, ErrorCode 1 */
           0, 0, 0, 0, 0, 0, 0, 7,             /* HighWatermark */
           0, 0, 0, 0, 0, 0, 0, 7,             /* LastStableOffset */
           0, 0, 0, 0, 0, 0, 0, 3,             /* LogStartOffset */
           0, 0, 0, 0,                         /* AbortedTransactions */
           0xff, 0xff, 0xff, 0xff,             /* PreferredReadReplica */
           0, 0, 0, 0);                        /* Records: empty */
    CU_ASSERT_EQUAL_FATAL(splices.count, 2);
    CU_ASSERT_EQUAL(splices.total_len, 25);
    size_t records_at = 4 + 4 + 4 + 2 + 4 + 4 + 8 + 4 + 6 + 24 + 4 + 4 + 4;
    CU_ASSERT_EQUAL(splices.items[0].at, records_at);
    CU_ASSERT_EQUAL(splices.items[1].at, records_at);
    CU_ASSERT_EQUAL(splices.items[0].range.pos, 10);

    /* what the client receives parses as a Fetch v11 response */
    sluice_buf_t *wire = materialize(out, &splices);
    CU_ASSERT_EQUAL(sluice_buf_len(wire), 4 + 0x8b);
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(wire) + 8, sluice_buf_len(wire) - 8);
    broker_fetch_response_t back;
    CU_ASSERT_EQUAL_FATAL(broker_fetch_response_decode(&r, 11, &back), 0);
    CU_ASSERT_EQUAL(broker_proto_reader_remaining(&r), 0);
    const broker_proto_bytes_t rec = back.responses.items[0].partitions.items[0].records.bytes;
    CU_ASSERT_EQUAL_FATAL(rec.len, 25);
    CU_ASSERT(memcmp(rec.data, "ABCDEFGHIJKLMNOPQRST01234", 25) == 0);
    CU_ASSERT_EQUAL(back.responses.items[0].partitions.items[1].error_code, 1);
    broker_fetch_response_free(&back);

    /* several responses in one buffer: splices keep absolute offsets */
    size_t second = broker_proto_response_begin(out, 78);
    broker_fetch_response_encode(out, &splices, 11, &resp);
    broker_proto_response_end(out, second, splices.total_len - 25);
    CU_ASSERT_EQUAL(splices.count, 4);
    CU_ASSERT_EQUAL(splices.items[2].at, second + records_at);

    sluice_buf_destroy(wire);
    broker_proto_splices_destroy(&splices);
    sluice_buf_destroy(out);
    close(fd);
}

/* Fetch v4 (kafka-python's version) without v5's LogStartOffset or v11's
 * PreferredReadReplica; records given inline. */
static void test_fetch_v4_response_bytes(void)
{
    broker_fetch_response_t resp = {
        .throttle_time_ms = 1,
        .responses = WARRAY(broker_fetch_topic_response_t,
                            {.topic = WSTR("t"),
                             .partitions = WARRAY(broker_fetch_partition_data_t,
                                                  {.partition_index = 0,
                                                   .high_watermark = 2,
                                                   .last_stable_offset = 2,
                                                   .log_start_offset = 9,
                                                   .preferred_read_replica = -1,
                                                   .records = {.bytes = {batch_bytes, 2}}})}),
    };
    sluice_buf_t *out = sluice_buf_new();
    broker_fetch_response_encode(out, NULL, 4, &resp);
    BUF_EQ(out, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, /* .. ErrorCode */
           0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2,                       /* HW, LSO */
           0, 0, 0, 0,                                                           /* Aborted */
           0, 0, 0, 2, 0, 0);                                                    /* Records */
    sluice_buf_destroy(out);
}

/* InitProducerId, which kafka-python 2.0.2 does not implement. */
static void test_init_producer_id_bytes(void)
{
    static const uint8_t body[] = {0xff, 0xff, 0x00, 0x00, 0xea, 0x60};
    for (int16_t v = 0; v <= 1; v++) {
        broker_init_producer_id_request_t req;
        broker_proto_reader_t r;
        broker_proto_reader_init(&r, body, sizeof body);
        CU_ASSERT_EQUAL_FATAL(broker_init_producer_id_request_decode(&r, v, &req), 0);
        CU_ASSERT_PTR_NULL(req.transactional_id.data);
        CU_ASSERT_EQUAL(req.transaction_timeout_ms, 60000);
        broker_init_producer_id_request_free(&req);

        broker_init_producer_id_response_t resp = {0, 0, 1000, 0};
        sluice_buf_t *out = sluice_buf_new();
        broker_init_producer_id_response_encode(out, v, &resp);
        BUF_EQ(out, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0);
        sluice_buf_destroy(out);
    }
}

/* Versions past kafka-python's: JoinGroup v5, DescribeGroups v4,
 * OffsetCommit v7, OffsetFetch v5. */
static void test_newer_group_versions_bytes(void)
{
    sluice_buf_t *out = sluice_buf_new();
    broker_join_group_request_t join = {
        .group_id = WSTR("g"),
        .session_timeout_ms = 45000,
        .rebalance_timeout_ms = 300000,
        .member_id = WSTR(""),
        .group_instance_id = WNULL,
        .protocol_type = WSTR("consumer"),
        .protocols = WARRAY(broker_join_group_request_protocol_t, {WSTR("range"), WBYTES("M")}),
    };
    broker_join_group_request_encode(out, 5, &join);
    BUF_EQ(out, 0, 1, 'g', 0, 0, 0xaf, 0xc8, 0, 0x04, 0x93, 0xe0, /* GroupId, timeouts */
           0, 0, 0xff, 0xff,                                      /* MemberId "", instance null */
           0, 8, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r',          /* ProtocolType */
           0, 0, 0, 1, 0, 5, 'r', 'a', 'n', 'g', 'e', 0, 0, 0, 1, 'M');

    sluice_buf_reset(out);
    broker_describe_groups_response_t dg = {
        .groups = WARRAY(broker_described_group_t,
                         {.group_id = WSTR("g"),
                          .group_state = WSTR("Empty"),
                          .members = WARRAY(
                              broker_described_group_member_t,
                              {WSTR("m"), WSTR("i"), WSTR("c"), WSTR("h"), WBYTES(""), WBYTES("")}),
                          .authorized_operations = INT32_MIN}),
    };
    broker_describe_groups_response_encode(out, 4, &dg);
    BUF_EQ(out, 0, 0, 0, 0, 0, 0, 0, 1,                    /* ThrottleTimeMs, Groups */
           0, 0, 0, 1, 'g', 0, 5, 'E', 'm', 'p', 't', 'y', /* ErrorCode, GroupId, GroupState */
           0, 0, 0, 0,                                     /* ProtocolType, ProtocolData */
           0, 0, 0, 1, 0, 1, 'm', 0, 1, 'i', 0, 1, 'c', 0, 1, 'h', /* member */
           0, 0, 0, 0, 0, 0, 0, 0, /* MemberMetadata, MemberAssignment */
           0x80, 0, 0, 0);         /* AuthorizedOperations */
    size_t v4_len = sluice_buf_len(out);
    sluice_buf_reset(out);
    /* v2 has neither GroupInstanceId nor AuthorizedOperations */
    broker_describe_groups_response_encode(out, 2, &dg);
    CU_ASSERT_EQUAL(sluice_buf_len(out), v4_len - 3 - 4);

    sluice_buf_reset(out);
    broker_offset_commit_request_t oc = {
        .group_id = WSTR("g"),
        .generation_id_or_member_epoch = -1,
        .member_id = WSTR(""),
        .group_instance_id = WNULL,
        .retention_time_ms = 99, /* not in v7 */
        .topics = WARRAY(
            broker_offset_commit_request_topic_t,
            {.name = WSTR("t"),
             .partitions = WARRAY(broker_offset_commit_request_partition_t, {0, 5, -1, WSTR("")})}),
    };
    broker_offset_commit_request_encode(out, 7, &oc);
    BUF_EQ(out, 0, 1, 'g', 0xff, 0xff, 0xff, 0xff, 0, 0, 0xff, 0xff, /* .. GroupInstanceId */
           0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 0,            /* topic, partition 0 */
           0, 0, 0, 0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0, 0);    /* offset, epoch, meta */

    sluice_buf_reset(out);
    broker_offset_fetch_response_t of = {
        .topics = WARRAY(broker_offset_fetch_response_topic_t,
                         {.name = WSTR("t"),
                          .partitions = WARRAY(broker_offset_fetch_response_partition_t,
                                               {0, -1, -1, WSTR(""), 0})}),
    };
    broker_offset_fetch_response_encode(out, 5, &of);
    BUF_EQ(out, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 0, /* .. partition 0 */
           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,                 /* CommittedOffset */
           0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0);                      /* epoch, meta, err */
    sluice_buf_destroy(out);
}

/* Huge counts, negative lengths and nulls where none are allowed, each
 * placed where a real request has them. */
static void test_hostile_requests(void)
{
    broker_proto_reader_t r;
    broker_produce_request_t produce;
    static const uint8_t huge_topics[] = {0xff, 0xff, 0, 1, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff};
    broker_proto_reader_init(&r, huge_topics, sizeof huge_topics);
    CU_ASSERT_EQUAL(broker_produce_request_decode(&r, 7, &produce), -1);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r),
                    "ProduceRequest.TopicData: array count 2147483647 at offset 8 cannot fit");

    static const uint8_t negative_records[] = {0xff, 0xff, 0, 1, 0, 0,    0,    0,    0,
                                               0,    0,    1, 0, 1, 't',  0,    0,    0,
                                               1,    0,    0, 0, 0, 0xff, 0xff, 0xff, 0xfe};
    broker_proto_reader_init(&r, negative_records, sizeof negative_records);
    CU_ASSERT_EQUAL(broker_produce_request_decode(&r, 7, &produce), -1);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r),
                    "PartitionProduceData.Records: bytes length -2 at offset 23 is negative");

    /* a null topic name (non-nullable in v7) */
    static const uint8_t null_name[] = {0xff, 0xff, 0, 1,    0,    0, 0, 0, 0,
                                        0,    0,    1, 0xff, 0xff, 0, 0, 0, 0};
    broker_proto_reader_init(&r, null_name, sizeof null_name);
    CU_ASSERT_EQUAL(broker_produce_request_decode(&r, 7, &produce), -1);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "TopicProduceData.Name: ");
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "null in a non-nullable field");

    /* a null topic array in Metadata v0, where null is not allowed */
    broker_metadata_request_t md;
    static const uint8_t null_topics[] = {0xff, 0xff, 0xff, 0xff};
    broker_proto_reader_init(&r, null_topics, sizeof null_topics);
    CU_ASSERT_EQUAL(broker_metadata_request_decode(&r, 0, &md), -1);
    broker_proto_reader_init(&r, null_topics, sizeof null_topics);
    CU_ASSERT_EQUAL(broker_metadata_request_decode(&r, 1, &md), 0);
    CU_ASSERT_EQUAL(md.topics.count, -1);
    broker_metadata_request_free(&md);

    /* a []int32 whose count claims more than the frame holds */
    broker_offset_fetch_request_t of;
    static const uint8_t many_partitions[] = {0, 1, 'g', 0, 0, 0, 1, 0, 1, 't', 0,
                                              0, 0, 3,   0, 0, 0, 1, 0, 0, 0,   2};
    broker_proto_reader_init(&r, many_partitions, sizeof many_partitions);
    CU_ASSERT_EQUAL(broker_offset_fetch_request_decode(&r, 1, &of), -1);
    ASSERT_CONTAINS(broker_proto_reader_errstr(&r), "OffsetFetchRequestTopic.PartitionIndexes");

    /* a failure half-way through the second element frees the first (ASan
     * checks) and leaves the struct empty */
    static const uint8_t half[] = {0, 0, 0, 2, 0, 1, 'a', 0, 9, 'b'};
    broker_delete_topics_request_t dt;
    broker_proto_reader_init(&r, half, sizeof half);
    CU_ASSERT_EQUAL(broker_delete_topics_request_decode(&r, 0, &dt), -1);
    CU_ASSERT_EQUAL(dt.topic_names.count, 0);
    CU_ASSERT_PTR_NULL(dt.topic_names.items);
}

void test_register(void)
{
    TEST_SUITE(
        "broker wire APIs",
        {"every API, every advertised version, both directions", test_every_api_every_version},
        {"zeroed responses encode empty arrays", test_zeroed_responses_have_empty_arrays},
        {"librdkafka ApiVersions v3 and the v0-body reply", test_librdkafka_api_versions_v3},
        {"ApiVersions lists the advertised table", test_api_versions_full_table},
        {"Metadata v0 request bytes", test_metadata_v0_request_bytes},
        {"Metadata v6 response bytes", test_metadata_v6_response_bytes},
        {"Produce v7 request and response bytes", test_produce_v7_request_bytes},
        {"Fetch v11 response with file splices", test_fetch_v11_response_splices},
        {"Fetch v4 response bytes", test_fetch_v4_response_bytes},
        {"InitProducerId v0-1 bytes", test_init_producer_id_bytes},
        {"JoinGroup v5, DescribeGroups v4, OffsetCommit v7, OffsetFetch v5 bytes",
         test_newer_group_versions_bytes},
        {"hostile requests fail cleanly and say where", test_hostile_requests});
}
