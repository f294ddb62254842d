/* ListOffsets v1-3: field tables and typed wrappers (see api_list_offsets.h). */
#include "api_list_offsets.h"

#define VMAX BROKER_PROTO_VMAX

/* ListOffsetsRequest.json (v0's MaxNumOffsets is not described: v0 is not
 * advertised) */
static const broker_proto_field_t partition_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_list_offsets_partition_t, partition_index, "PartitionIndex", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT64, broker_list_offsets_partition_t, timestamp, "Timestamp", 0, VMAX),
};
static const broker_proto_struct_t partition_struct =
    BROKER_PROTO_STRUCT_DEF("ListOffsetsPartition", partition_fields);

static const broker_proto_field_t topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_list_offsets_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_list_offsets_topic_t, partitions, "Partitions", 0, VMAX,
                       BROKER_PROTO_STRUCTS(partition_struct, broker_list_offsets_partition_t)),
};
static const broker_proto_struct_t topic_struct =
    BROKER_PROTO_STRUCT_DEF("ListOffsetsTopic", topic_fields);

static const broker_proto_field_t request_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_list_offsets_request_t, replica_id, "ReplicaId", 0, VMAX),
    BROKER_PROTO_FIELD(INT8, broker_list_offsets_request_t, isolation_level, "IsolationLevel", 2,
                       VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_list_offsets_request_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_STRUCTS(topic_struct, broker_list_offsets_topic_t)),
};

const broker_proto_message_t broker_list_offsets_request_message = BROKER_PROTO_MESSAGE_DEF(
    "ListOffsetsRequest", 2, 6, broker_list_offsets_request_t, request_fields);

/* ListOffsetsResponse.json */
static const broker_proto_field_t partition_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_list_offsets_partition_response_t, partition_index,
                       "PartitionIndex", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_list_offsets_partition_response_t, error_code, "ErrorCode", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT64, broker_list_offsets_partition_response_t, timestamp, "Timestamp", 1,
                       VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT64, broker_list_offsets_partition_response_t, offset, "Offset", 1, VMAX,
                       BROKER_PROTO_DEFAULT(-1)),
};
static const broker_proto_struct_t partition_response_struct =
    BROKER_PROTO_STRUCT_DEF("ListOffsetsPartitionResponse", partition_response_fields);

static const broker_proto_field_t topic_response_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_list_offsets_topic_response_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_list_offsets_topic_response_t, partitions, "Partitions", 0, VMAX,
        BROKER_PROTO_STRUCTS(partition_response_struct, broker_list_offsets_partition_response_t)),
};
static const broker_proto_struct_t topic_response_struct =
    BROKER_PROTO_STRUCT_DEF("ListOffsetsTopicResponse", topic_response_fields);

static const broker_proto_field_t response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_list_offsets_response_t, throttle_time_ms, "ThrottleTimeMs", 2,
                       VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_list_offsets_response_t, topics, "Topics", 0, VMAX,
        BROKER_PROTO_STRUCTS(topic_response_struct, broker_list_offsets_topic_response_t)),
};

const broker_proto_message_t broker_list_offsets_response_message = BROKER_PROTO_MESSAGE_DEF(
    "ListOffsetsResponse", 2, 6, broker_list_offsets_response_t, response_fields);

BROKER_PROTO_DEFINE_CODEC(list_offsets)
