/* Framing, request header, the API table and the version check: see
 * proto_request.h. */
#include "proto_request.h"

#include <stdio.h>
#include <stdlib.h>

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
#include "log.h"
#include "proto_writer.h"

/*
 * What ApiVersions advertises: non-flexible versions (every client we test
 * works with them), with the minimums librdkafka's feature checks need
 * (kafka-protocol.md sections 1.2-1.5): Produce 3 and 7, Fetch 4 and 10,
 * version 0 of FindCoordinator and the group APIs, ListOffsets 1,
 * OffsetFetch 1, InitProducerId 0, ApiVersions 0. The one flexible range is
 * OffsetFetch 6-7: librdkafka 2.0.2 can only ask for all of a group's
 * offsets at a flexible version (see api_offset_commit.h). DeleteGroups 0-1 and OffsetDelete
 * 0 are what librdkafka 2.0.2's admin calls use.
 */
static const broker_proto_api_t proto_apis[] = {
    {BROKER_API_PRODUCE, "Produce", 3, 7, &broker_produce_request_message,
     &broker_produce_response_message},
    {BROKER_API_FETCH, "Fetch", 4, 11, &broker_fetch_request_message,
     &broker_fetch_response_message},
    {BROKER_API_LIST_OFFSETS, "ListOffsets", 1, 3, &broker_list_offsets_request_message,
     &broker_list_offsets_response_message},
    {BROKER_API_METADATA, "Metadata", 0, 6, &broker_metadata_request_message,
     &broker_metadata_response_message},
    {BROKER_API_OFFSET_COMMIT, "OffsetCommit", 2, 7, &broker_offset_commit_request_message,
     &broker_offset_commit_response_message},
    {BROKER_API_OFFSET_FETCH, "OffsetFetch", 1, 7, &broker_offset_fetch_request_message,
     &broker_offset_fetch_response_message},
    {BROKER_API_FIND_COORDINATOR, "FindCoordinator", 0, 2, &broker_find_coordinator_request_message,
     &broker_find_coordinator_response_message},
    {BROKER_API_JOIN_GROUP, "JoinGroup", 0, 5, &broker_join_group_request_message,
     &broker_join_group_response_message},
    {BROKER_API_HEARTBEAT, "Heartbeat", 0, 3, &broker_heartbeat_request_message,
     &broker_heartbeat_response_message},
    {BROKER_API_LEAVE_GROUP, "LeaveGroup", 0, 1, &broker_leave_group_request_message,
     &broker_leave_group_response_message},
    {BROKER_API_SYNC_GROUP, "SyncGroup", 0, 3, &broker_sync_group_request_message,
     &broker_sync_group_response_message},
    {BROKER_API_DESCRIBE_GROUPS, "DescribeGroups", 0, 4, &broker_describe_groups_request_message,
     &broker_describe_groups_response_message},
    {BROKER_API_LIST_GROUPS, "ListGroups", 0, 2, &broker_list_groups_request_message,
     &broker_list_groups_response_message},
    {BROKER_API_API_VERSIONS, "ApiVersions", 0, 2, &broker_api_versions_request_message,
     &broker_api_versions_response_message},
    {BROKER_API_CREATE_TOPICS, "CreateTopics", 0, 4, &broker_create_topics_request_message,
     &broker_create_topics_response_message},
    {BROKER_API_DELETE_TOPICS, "DeleteTopics", 0, 3, &broker_delete_topics_request_message,
     &broker_delete_topics_response_message},
    {BROKER_API_INIT_PRODUCER_ID, "InitProducerId", 0, 1, &broker_init_producer_id_request_message,
     &broker_init_producer_id_response_message},
    {BROKER_API_DESCRIBE_CONFIGS, "DescribeConfigs", 0, 2, &broker_describe_configs_request_message,
     &broker_describe_configs_response_message},
    {BROKER_API_CREATE_PARTITIONS, "CreatePartitions", 0, 1,
     &broker_create_partitions_request_message, &broker_create_partitions_response_message},
    {BROKER_API_DELETE_GROUPS, "DeleteGroups", 0, 1, &broker_delete_groups_request_message,
     &broker_delete_groups_response_message},
    {BROKER_API_OFFSET_DELETE, "OffsetDelete", 0, 0, &broker_offset_delete_request_message,
     &broker_offset_delete_response_message},
};

#define PROTO_API_COUNT (sizeof proto_apis / sizeof proto_apis[0])

const broker_proto_api_t *broker_proto_apis(size_t *count)
{
    *count = PROTO_API_COUNT;
    return proto_apis;
}

const broker_proto_api_t *broker_proto_api_find(int16_t api_key)
{
    for (size_t i = 0; i < PROTO_API_COUNT; i++)
        if (proto_apis[i].api_key == api_key)
            return &proto_apis[i];
    return NULL;
}

const char *broker_proto_api_name(int16_t api_key)
{
    const broker_proto_api_t *api = broker_proto_api_find(api_key);
    return api ? api->name : "Unknown";
}

broker_proto_frame_status_t broker_proto_frame_next(const void *data, size_t len, size_t max_bytes,
                                                    broker_proto_frame_t *frame, char *errstr,
                                                    size_t errstr_size)
{
    const uint8_t *p = data;
    frame->payload = NULL;
    frame->payload_len = frame->consumed = 0;
    frame->need = 4;
    if (len < 4)
        return BROKER_PROTO_FRAME_INCOMPLETE;
    int32_t size =
        (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
    /* Kafka's NetworkReceive wording, so operators recognise it. */
    if (size < 0) {
        snprintf(errstr, errstr_size, "Invalid receive (size = %d)", size);
        return BROKER_PROTO_FRAME_INVALID;
    }
    if ((size_t)size > max_bytes) {
        snprintf(errstr, errstr_size, "Invalid receive (size = %d larger than %zu)", size,
                 max_bytes);
        return BROKER_PROTO_FRAME_INVALID;
    }
    frame->need = 4 + (size_t)size;
    if (len < frame->need)
        return BROKER_PROTO_FRAME_INCOMPLETE;
    frame->payload = p + 4;
    frame->payload_len = (size_t)size;
    frame->consumed = frame->need;
    return BROKER_PROTO_FRAME_OK;
}

/* Whether a request of this key and version uses header v2. Known APIs say
 * so from their first flexible version, unsupported versions included (as
 * Kafka parses them); unknown APIs are read as v1, only to answer them. */
static bool request_header_flexible(int16_t api_key, int16_t version)
{
    const broker_proto_api_t *api = broker_proto_api_find(api_key);
    return api && version >= api->request->flexible_from;
}

int broker_proto_request_header_decode(broker_proto_reader_t *r, broker_request_header_t *hdr)
{
    static const char empty[1] = "";
    hdr->request_api_key = broker_proto_read_int16(r);
    hdr->request_api_version = broker_proto_read_int16(r);
    hdr->correlation_id = broker_proto_read_int32(r);
    /* Always the int16-length form, even in header v2 (RequestHeader.json:
     * "flexibleVersions": "none" for ClientId). */
    hdr->client_id = broker_proto_read_nullable_string(r);
    if (!hdr->client_id.data)
        hdr->client_id.data = empty;
    hdr->header_version = 1;
    if (!r->failed && request_header_flexible(hdr->request_api_key, hdr->request_api_version)) {
        hdr->header_version = 2;
        broker_proto_skip_tagged_fields(r);
    }
    if (r->failed) {
        broker_proto_reader_add_context(r, "RequestHeader",
                                        hdr->header_version == 2 ? "_tagged_fields" : "ClientId");
        return -1;
    }
    return 0;
}

void broker_proto_request_header_encode(sluice_buf_t *out, const broker_request_header_t *hdr)
{
    broker_proto_write_int16(out, hdr->request_api_key);
    broker_proto_write_int16(out, hdr->request_api_version);
    broker_proto_write_int32(out, hdr->correlation_id);
    broker_proto_write_nullable_string(out, hdr->client_id);
    if (hdr->header_version >= 2)
        broker_proto_write_empty_tagged_fields(out);
}

broker_proto_version_status_t broker_proto_version_check(int16_t api_key, int16_t version)
{
    const broker_proto_api_t *api = broker_proto_api_find(api_key);
    bool in_range = api && version >= api->min_version && version <= api->max_version;
    if (in_range)
        return BROKER_PROTO_VERSION_SUPPORTED;
    if (api_key == BROKER_API_API_VERSIONS)
        return BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK;
    return BROKER_PROTO_VERSION_UNSUPPORTED;
}

size_t broker_proto_response_begin(sluice_buf_t *out, int32_t correlation_id)
{
    size_t frame = broker_proto_write_int32(out, 0);
    broker_proto_write_int32(out, correlation_id);
    return frame;
}

int16_t broker_proto_response_header_version(int16_t api_key, int16_t version)
{
    const broker_proto_api_t *api = broker_proto_api_find(api_key);
    if (!api || api_key == BROKER_API_API_VERSIONS)
        return 0;
    return version >= api->response->flexible_from ? 1 : 0;
}

void broker_proto_response_end(sluice_buf_t *out, size_t frame_offset, size_t spliced_len)
{
    size_t size = sluice_buf_len(out) - frame_offset - 4;
    if (spliced_len > INT32_MAX || size > (size_t)INT32_MAX - spliced_len) {
        /* A caller bug: fetch sizes are capped far below this. */
        log_error(NULL, "broker", "response frame of %zu + %zu bytes is too large", size,
                  spliced_len);
        abort();
    }
    broker_proto_patch_int32(out, frame_offset, (int32_t)(size + spliced_len));
}

void broker_proto_unsupported_version_response(sluice_buf_t *out, int32_t correlation_id)
{
    size_t frame = broker_proto_response_begin(out, correlation_id);
    broker_proto_write_int16(out, KAFKA_ERR_UNSUPPORTED_VERSION);
    broker_proto_response_end(out, frame, 0);
}
