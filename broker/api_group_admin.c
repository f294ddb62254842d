/* DeleteGroups v0-1 and OffsetDelete v0: field tables and typed wrappers
 * (see api_group_admin.h). */
#include "api_group_admin.h"

#define VMAX BROKER_PROTO_VMAX

/* OffsetDelete's "flexibleVersions": "none". */
#define NEVER_FLEXIBLE BROKER_PROTO_VMAX

/* DeleteGroupsRequest.json */
static const broker_proto_field_t delete_groups_request_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_delete_groups_request_t, groups_names, "GroupsNames", 0, VMAX,
                       BROKER_PROTO_ELEMS(STRING, broker_proto_str_t)),
};
const broker_proto_message_t broker_delete_groups_request_message = BROKER_PROTO_MESSAGE_DEF(
    "DeleteGroupsRequest", 42, 2, broker_delete_groups_request_t, delete_groups_request_fields);

/* DeleteGroupsResponse.json */
static const broker_proto_field_t deletable_group_result_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_deletable_group_result_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_deletable_group_result_t, error_code, "ErrorCode", 0, VMAX),
};
static const broker_proto_struct_t deletable_group_result_struct =
    BROKER_PROTO_STRUCT_DEF("DeletableGroupResult", deletable_group_result_fields);

static const broker_proto_field_t delete_groups_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_delete_groups_response_t, throttle_time_ms, "ThrottleTimeMs",
                       0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_delete_groups_response_t, results, "Results", 0, VMAX,
        BROKER_PROTO_STRUCTS(deletable_group_result_struct, broker_deletable_group_result_t)),
};
const broker_proto_message_t broker_delete_groups_response_message = BROKER_PROTO_MESSAGE_DEF(
    "DeleteGroupsResponse", 42, 2, broker_delete_groups_response_t, delete_groups_response_fields);

/* OffsetDeleteRequest.json */
static const broker_proto_field_t offset_delete_request_partition_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_delete_request_partition_t, partition_index,
                       "PartitionIndex", 0, VMAX),
};
static const broker_proto_struct_t offset_delete_request_partition_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetDeleteRequestPartition", offset_delete_request_partition_fields);

static const broker_proto_field_t offset_delete_request_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_delete_request_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_delete_request_topic_t, partitions, "Partitions", 0,
                       VMAX,
                       BROKER_PROTO_STRUCTS(offset_delete_request_partition_struct,
                                            broker_offset_delete_request_partition_t)),
};
static const broker_proto_struct_t offset_delete_request_topic_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetDeleteRequestTopic", offset_delete_request_topic_fields);

static const broker_proto_field_t offset_delete_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_delete_request_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_delete_request_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_STRUCTS(offset_delete_request_topic_struct,
                                            broker_offset_delete_request_topic_t)),
};
const broker_proto_message_t broker_offset_delete_request_message =
    BROKER_PROTO_MESSAGE_DEF("OffsetDeleteRequest", 47, NEVER_FLEXIBLE,
                             broker_offset_delete_request_t, offset_delete_request_fields);

/* OffsetDeleteResponse.json */
static const broker_proto_field_t offset_delete_response_partition_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_offset_delete_response_partition_t, partition_index,
                       "PartitionIndex", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_offset_delete_response_partition_t, error_code, "ErrorCode", 0,
                       VMAX),
};
static const broker_proto_struct_t offset_delete_response_partition_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetDeleteResponsePartition",
                            offset_delete_response_partition_fields);

static const broker_proto_field_t offset_delete_response_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_offset_delete_response_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_delete_response_topic_t, partitions, "Partitions", 0,
                       VMAX,
                       BROKER_PROTO_STRUCTS(offset_delete_response_partition_struct,
                                            broker_offset_delete_response_partition_t)),
};
static const broker_proto_struct_t offset_delete_response_topic_struct =
    BROKER_PROTO_STRUCT_DEF("OffsetDeleteResponseTopic", offset_delete_response_topic_fields);

static const broker_proto_field_t offset_delete_response_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_offset_delete_response_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_offset_delete_response_t, throttle_time_ms, "ThrottleTimeMs",
                       0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_offset_delete_response_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_STRUCTS(offset_delete_response_topic_struct,
                                            broker_offset_delete_response_topic_t)),
};
const broker_proto_message_t broker_offset_delete_response_message =
    BROKER_PROTO_MESSAGE_DEF("OffsetDeleteResponse", 47, NEVER_FLEXIBLE,
                             broker_offset_delete_response_t, offset_delete_response_fields);

BROKER_PROTO_DEFINE_CODEC(delete_groups)
BROKER_PROTO_DEFINE_CODEC(offset_delete)
