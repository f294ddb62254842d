/* OffsetCommit v2-7 and OffsetFetch v1-7: field tables and typed wrappers
 * (see api_offset_commit.h). */
#include "api_offset_commit.h"

#define VMAX BROKER_PROTO_VMAX

/* OffsetCommitRequest.json (v1's CommitTimestamp is not described: v1 is not
 * advertised) */
static const broker_proto_field_t commit_partition_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_commit_request_partition_t, partition_index,
                       "PartitionIndex", 0, VMAX),
    BROKER_PROTO_FIELD(INT64, broker_offset_commit_request_partition_t, committed_offset,
                       "CommittedOffset", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_offset_commit_request_partition_t, committed_leader_epoch,
                       "CommittedLeaderEpoch", 6, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(STRING, broker_offset_commit_request_partition_t, committed_metadata,
                       "CommittedMetadata", 0, VMAX, BROKER_PROTO_NULLABLE(0)),
};
static const broker_proto_struct_t commit_partition_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetCommitRequestPartition", commit_partition_fields);

static const broker_proto_field_t commit_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_commit_request_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_offset_commit_request_topic_t, partitions, "Partitions", 0, VMAX,
        BROKER_PROTO_STRUCTS(commit_partition_struct, broker_offset_commit_request_partition_t)),
};
static const broker_proto_struct_t commit_topic_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetCommitRequestTopic", commit_topic_fields);

static const broker_proto_field_t commit_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_commit_request_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_offset_commit_request_t, generation_id_or_member_epoch,
                       "GenerationIdOrMemberEpoch", 1, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(STRING, broker_offset_commit_request_t, member_id, "MemberId", 1, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_offset_commit_request_t, group_instance_id, "GroupInstanceId",
                       7, VMAX, BROKER_PROTO_NULLABLE(7)),
    BROKER_PROTO_FIELD(INT64, broker_offset_commit_request_t, retention_time_ms, "RetentionTimeMs",
                       2, 4, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(
        ARRAY, broker_offset_commit_request_t, topics, "Topics", 0, VMAX,
        BROKER_PROTO_STRUCTS(commit_topic_struct, broker_offset_commit_request_topic_t)),
};

const broker_proto_message_t broker_offset_commit_request_message = BROKER_PROTO_MESSAGE_DEF(
    "OffsetCommitRequest", 8, 8, broker_offset_commit_request_t, commit_request_fields);

/* OffsetCommitResponse.json */
static const broker_proto_field_t commit_partition_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_commit_response_partition_t, partition_index,
                       "PartitionIndex", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_offset_commit_response_partition_t, error_code, "ErrorCode", 0,
                       VMAX),
};
static const broker_proto_struct_t commit_partition_response_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetCommitResponsePartition", commit_partition_response_fields);

static const broker_proto_field_t commit_topic_response_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_commit_response_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_commit_response_topic_t, partitions, "Partitions", 0,
                       VMAX,
                       BROKER_PROTO_STRUCTS(commit_partition_response_struct,
                                            broker_offset_commit_response_partition_t)),
};
static const broker_proto_struct_t commit_topic_response_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetCommitResponseTopic", commit_topic_response_fields);

static const broker_proto_field_t commit_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_commit_response_t, throttle_time_ms, "ThrottleTimeMs",
                       3, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_offset_commit_response_t, topics, "Topics", 0, VMAX,
        BROKER_PROTO_STRUCTS(commit_topic_response_struct, broker_offset_commit_response_topic_t)),
};

const broker_proto_message_t broker_offset_commit_response_message = BROKER_PROTO_MESSAGE_DEF(
    "OffsetCommitResponse", 8, 8, broker_offset_commit_response_t, commit_response_fields);

/* OffsetFetchRequest.json (v8+ batches groups; not described) */
static const broker_proto_field_t fetch_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_fetch_request_topic_t, name, "Name", 0, 7),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_fetch_request_topic_t, partition_indexes,
                       "PartitionIndexes", 0, 7, BROKER_PROTO_ELEMS(INT32, int32_t)),
};
static const broker_proto_struct_t fetch_topic_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetFetchRequestTopic", fetch_topic_fields);

static const broker_proto_field_t fetch_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_fetch_request_t, group_id, "GroupId", 0, 7),
    BROKER_PROTO_FIELD(
        ARRAY, broker_offset_fetch_request_t, topics, "Topics", 0, 7, BROKER_PROTO_NULLABLE(2),
        BROKER_PROTO_STRUCTS(fetch_topic_struct, broker_offset_fetch_request_topic_t)),
    BROKER_PROTO_FIELD(BOOL, broker_offset_fetch_request_t, require_stable, "RequireStable", 7,
                       VMAX),
};

const broker_proto_message_t broker_offset_fetch_request_message = BROKER_PROTO_MESSAGE_DEF(
    "OffsetFetchRequest", 9, 6, broker_offset_fetch_request_t, fetch_request_fields);

/* OffsetFetchResponse.json */
static const broker_proto_field_t fetch_partition_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_fetch_response_partition_t, partition_index,
                       "PartitionIndex", 0, 7),
    BROKER_PROTO_FIELD(INT64, broker_offset_fetch_response_partition_t, committed_offset,
                       "CommittedOffset", 0, 7),
    BROKER_PROTO_FIELD(INT32, broker_offset_fetch_response_partition_t, committed_leader_epoch,
                       "CommittedLeaderEpoch", 5, 7, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(STRING, broker_offset_fetch_response_partition_t, metadata, "Metadata", 0, 7,
                       BROKER_PROTO_NULLABLE(0)),
    BROKER_PROTO_FIELD(INT16, broker_offset_fetch_response_partition_t, error_code, "ErrorCode", 0,
                       7),
};
static const broker_proto_struct_t fetch_partition_response_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetFetchResponsePartition", fetch_partition_response_fields);

static const broker_proto_field_t fetch_topic_response_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_fetch_response_topic_t, name, "Name", 0, 7),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_fetch_response_topic_t, partitions, "Partitions", 0, 7,
                       BROKER_PROTO_STRUCTS(fetch_partition_response_struct,
                                            broker_offset_fetch_response_partition_t)),
};
static const broker_proto_struct_t fetch_topic_response_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetFetchResponseTopic", fetch_topic_response_fields);

static const broker_proto_field_t fetch_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_fetch_response_t, throttle_time_ms, "ThrottleTimeMs", 3,
                       VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_offset_fetch_response_t, topics, "Topics", 0, 7,
        BROKER_PROTO_STRUCTS(fetch_topic_response_struct, broker_offset_fetch_response_topic_t)),
    BROKER_PROTO_FIELD(INT16, broker_offset_fetch_response_t, error_code, "ErrorCode", 2, 7),
};

const broker_proto_message_t broker_offset_fetch_response_message = BROKER_PROTO_MESSAGE_DEF(
    "OffsetFetchResponse", 9, 6, broker_offset_fetch_response_t, fetch_response_fields);

BROKER_PROTO_DEFINE_CODEC(offset_commit)
BROKER_PROTO_DEFINE_CODEC(offset_fetch)
