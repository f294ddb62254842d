/* The classic group APIs: field tables and typed wrappers (see api_groups.h). */
#include "api_groups.h"

#define VMAX BROKER_PROTO_VMAX

/* FindCoordinatorRequest.json / FindCoordinatorResponse.json (v4+ batches
 * keys; not described) */
static const broker_proto_field_t find_coordinator_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_find_coordinator_request_t, key, "Key", 0, 3),
    BROKER_PROTO_FIELD(INT8, broker_find_coordinator_request_t, key_type, "KeyType", 1, VMAX),
};
const broker_proto_message_t broker_find_coordinator_request_message =
    BROKER_PROTO_MESSAGE_DEF("FindCoordinatorRequest", 10, 3, broker_find_coordinator_request_t,
                             find_coordinator_request_fields);

static const broker_proto_field_t find_coordinator_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_find_coordinator_response_t, throttle_time_ms,
                       "ThrottleTimeMs", 1, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_find_coordinator_response_t, error_code, "ErrorCode", 0, 3),
    BROKER_PROTO_FIELD(STRING, broker_find_coordinator_response_t, error_message, "ErrorMessage", 1,
                       3, BROKER_PROTO_NULLABLE(1)),
    BROKER_PROTO_FIELD(INT32, broker_find_coordinator_response_t, node_id, "NodeId", 0, 3),
    BROKER_PROTO_FIELD(STRING, broker_find_coordinator_response_t, host, "Host", 0, 3),
    BROKER_PROTO_FIELD(INT32, broker_find_coordinator_response_t, port, "Port", 0, 3),
};
const broker_proto_message_t broker_find_coordinator_response_message =
    BROKER_PROTO_MESSAGE_DEF("FindCoordinatorResponse", 10, 3, broker_find_coordinator_response_t,
                             find_coordinator_response_fields);

/* JoinGroupRequest.json */
static const broker_proto_field_t join_protocol_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_join_group_request_protocol_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(BYTES, broker_join_group_request_protocol_t, metadata, "Metadata", 0, VMAX),
};
static const broker_proto_struct_t join_protocol_struct =
    BROKER_PROTO_STRUCT_DEF("JoinGroupRequestProtocol", join_protocol_fields);

static const broker_proto_field_t join_group_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_join_group_request_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_join_group_request_t, session_timeout_ms, "SessionTimeoutMs",
                       0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_join_group_request_t, rebalance_timeout_ms,
                       "RebalanceTimeoutMs", 1, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(STRING, broker_join_group_request_t, member_id, "MemberId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_join_group_request_t, group_instance_id, "GroupInstanceId", 5,
                       VMAX, BROKER_PROTO_NULLABLE(5)),
    BROKER_PROTO_FIELD(STRING, broker_join_group_request_t, protocol_type, "ProtocolType", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_join_group_request_t, protocols, "Protocols", 0, VMAX,
        BROKER_PROTO_STRUCTS(join_protocol_struct, broker_join_group_request_protocol_t)),
};
const broker_proto_message_t broker_join_group_request_message = BROKER_PROTO_MESSAGE_DEF(
    "JoinGroupRequest", 11, 6, broker_join_group_request_t, join_group_request_fields);

/* JoinGroupResponse.json */
static const broker_proto_field_t join_member_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_join_group_response_member_t, member_id, "MemberId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_join_group_response_member_t, group_instance_id,
                       "GroupInstanceId", 5, VMAX, BROKER_PROTO_NULLABLE(5)),
    BROKER_PROTO_FIELD(BYTES, broker_join_group_response_member_t, metadata, "Metadata", 0, VMAX),
};
static const broker_proto_struct_t join_member_struct =
    BROKER_PROTO_STRUCT_DEF("JoinGroupResponseMember", join_member_fields);

static const broker_proto_field_t join_group_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_join_group_response_t, throttle_time_ms, "ThrottleTimeMs", 2,
                       VMAX),
    BROKER_PROTO_FIELD(INT16, broker_join_group_response_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_join_group_response_t, generation_id, "GenerationId", 0, VMAX,
                       BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(STRING, broker_join_group_response_t, protocol_name, "ProtocolName", 0, VMAX,
                       BROKER_PROTO_NULLABLE(7)),
    BROKER_PROTO_FIELD(STRING, broker_join_group_response_t, leader, "Leader", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_join_group_response_t, member_id, "MemberId", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_join_group_response_t, members, "Members", 0, VMAX,
        BROKER_PROTO_STRUCTS(join_member_struct, broker_join_group_response_member_t)),
};
const broker_proto_message_t broker_join_group_response_message = BROKER_PROTO_MESSAGE_DEF(
    "JoinGroupResponse", 11, 6, broker_join_group_response_t, join_group_response_fields);

/* HeartbeatRequest.json / HeartbeatResponse.json */
static const broker_proto_field_t heartbeat_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_heartbeat_request_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_heartbeat_request_t, generation_id, "GenerationId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_heartbeat_request_t, member_id, "MemberId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_heartbeat_request_t, group_instance_id, "GroupInstanceId", 3,
                       VMAX, BROKER_PROTO_NULLABLE(3)),
};
const broker_proto_message_t broker_heartbeat_request_message = BROKER_PROTO_MESSAGE_DEF(
    "HeartbeatRequest", 12, 4, broker_heartbeat_request_t, heartbeat_request_fields);

static const broker_proto_field_t heartbeat_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_heartbeat_response_t, throttle_time_ms, "ThrottleTimeMs", 1,
                       VMAX),
    BROKER_PROTO_FIELD(INT16, broker_heartbeat_response_t, error_code, "ErrorCode", 0, VMAX),
};
const broker_proto_message_t broker_heartbeat_response_message = BROKER_PROTO_MESSAGE_DEF(
    "HeartbeatResponse", 12, 4, broker_heartbeat_response_t, heartbeat_response_fields);

/* LeaveGroupRequest.json / LeaveGroupResponse.json */
static const broker_proto_field_t leave_group_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_leave_group_request_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_leave_group_request_t, member_id, "MemberId", 0, 2),
};
const broker_proto_message_t broker_leave_group_request_message = BROKER_PROTO_MESSAGE_DEF(
    "LeaveGroupRequest", 13, 4, broker_leave_group_request_t, leave_group_request_fields);

static const broker_proto_field_t leave_group_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_leave_group_response_t, throttle_time_ms, "ThrottleTimeMs", 1,
                       VMAX),
    BROKER_PROTO_FIELD(INT16, broker_leave_group_response_t, error_code, "ErrorCode", 0, VMAX),
};
const broker_proto_message_t broker_leave_group_response_message = BROKER_PROTO_MESSAGE_DEF(
    "LeaveGroupResponse", 13, 4, broker_leave_group_response_t, leave_group_response_fields);

/* SyncGroupRequest.json (v5's ProtocolType/ProtocolName not described) */
static const broker_proto_field_t sync_assignment_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_sync_group_request_assignment_t, member_id, "MemberId", 0,
                       VMAX),
    BROKER_PROTO_FIELD(BYTES, broker_sync_group_request_assignment_t, assignment, "Assignment", 0,
                       VMAX),
};
static const broker_proto_struct_t sync_assignment_struct =
    BROKER_PROTO_STRUCT_DEF("SyncGroupRequestAssignment", sync_assignment_fields);

static const broker_proto_field_t sync_group_request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_sync_group_request_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_sync_group_request_t, generation_id, "GenerationId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_sync_group_request_t, member_id, "MemberId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_sync_group_request_t, group_instance_id, "GroupInstanceId", 3,
                       VMAX, BROKER_PROTO_NULLABLE(3)),
    BROKER_PROTO_FIELD(
        ARRAY, broker_sync_group_request_t, assignments, "Assignments", 0, VMAX,
        BROKER_PROTO_STRUCTS(sync_assignment_struct, broker_sync_group_request_assignment_t)),
};
const broker_proto_message_t broker_sync_group_request_message = BROKER_PROTO_MESSAGE_DEF(
    "SyncGroupRequest", 14, 4, broker_sync_group_request_t, sync_group_request_fields);

static const broker_proto_field_t sync_group_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_sync_group_response_t, throttle_time_ms, "ThrottleTimeMs", 1,
                       VMAX),
    BROKER_PROTO_FIELD(INT16, broker_sync_group_response_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(BYTES, broker_sync_group_response_t, assignment, "Assignment", 0, VMAX),
};
const broker_proto_message_t broker_sync_group_response_message = BROKER_PROTO_MESSAGE_DEF(
    "SyncGroupResponse", 14, 4, broker_sync_group_response_t, sync_group_response_fields);

/* DescribeGroupsRequest.json / DescribeGroupsResponse.json */
static const broker_proto_field_t describe_groups_request_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_describe_groups_request_t, groups, "Groups", 0, VMAX,
                       BROKER_PROTO_ELEMS(STRING, broker_proto_str_t)),
    BROKER_PROTO_FIELD(BOOL, broker_describe_groups_request_t, include_authorized_operations,
                       "IncludeAuthorizedOperations", 3, VMAX),
};
const broker_proto_message_t broker_describe_groups_request_message =
    BROKER_PROTO_MESSAGE_DEF("DescribeGroupsRequest", 15, 5, broker_describe_groups_request_t,
                             describe_groups_request_fields);

static const broker_proto_field_t described_member_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_described_group_member_t, member_id, "MemberId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_described_group_member_t, group_instance_id,
                       "GroupInstanceId", 4, VMAX, BROKER_PROTO_NULLABLE(4)),
    BROKER_PROTO_FIELD(STRING, broker_described_group_member_t, client_id, "ClientId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_described_group_member_t, client_host, "ClientHost", 0, VMAX),
    BROKER_PROTO_FIELD(BYTES, broker_described_group_member_t, member_metadata, "MemberMetadata", 0,
                       VMAX),
    BROKER_PROTO_FIELD(BYTES, broker_described_group_member_t, member_assignment,
                       "MemberAssignment", 0, VMAX),
};
static const broker_proto_struct_t described_member_struct =
    BROKER_PROTO_STRUCT_DEF("DescribedGroupMember", described_member_fields);

static const broker_proto_field_t described_group_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_described_group_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_described_group_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_described_group_t, group_state, "GroupState", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_described_group_t, protocol_type, "ProtocolType", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_described_group_t, protocol_data, "ProtocolData", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_described_group_t, members, "Members", 0, VMAX,
        BROKER_PROTO_STRUCTS(described_member_struct, broker_described_group_member_t)),
    BROKER_PROTO_FIELD(INT32, broker_described_group_t, authorized_operations,
                       "AuthorizedOperations", 3, VMAX, BROKER_PROTO_DEFAULT(INT32_MIN)),
};
static const broker_proto_struct_t described_group_struct =
    BROKER_PROTO_STRUCT_DEF("DescribedGroup", described_group_fields);

static const broker_proto_field_t describe_groups_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_describe_groups_response_t, throttle_time_ms, "ThrottleTimeMs",
                       1, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_describe_groups_response_t, groups, "Groups", 0, VMAX,
                       BROKER_PROTO_STRUCTS(described_group_struct, broker_described_group_t)),
};
const broker_proto_message_t broker_describe_groups_response_message =
    BROKER_PROTO_MESSAGE_DEF("DescribeGroupsResponse", 15, 5, broker_describe_groups_response_t,
                             describe_groups_response_fields);

/* ListGroupsRequest.json / ListGroupsResponse.json */
static const broker_proto_field_t list_groups_request_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_list_groups_request_t, states_filter, "StatesFilter", 4, VMAX,
                       BROKER_PROTO_ELEMS(STRING, broker_proto_str_t)),
};
const broker_proto_message_t broker_list_groups_request_message = BROKER_PROTO_MESSAGE_DEF(
    "ListGroupsRequest", 16, 3, broker_list_groups_request_t, list_groups_request_fields);

static const broker_proto_field_t listed_group_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_listed_group_t, group_id, "GroupId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_listed_group_t, protocol_type, "ProtocolType", 0, VMAX),
};
static const broker_proto_struct_t listed_group_struct =
    BROKER_PROTO_STRUCT_DEF("ListedGroup", listed_group_fields);

static const broker_proto_field_t list_groups_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_list_groups_response_t, throttle_time_ms, "ThrottleTimeMs", 1,
                       VMAX),
    BROKER_PROTO_FIELD(INT16, broker_list_groups_response_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_list_groups_response_t, groups, "Groups", 0, VMAX,
                       BROKER_PROTO_STRUCTS(listed_group_struct, broker_listed_group_t)),
};
const broker_proto_message_t broker_list_groups_response_message = BROKER_PROTO_MESSAGE_DEF(
    "ListGroupsResponse", 16, 3, broker_list_groups_response_t, list_groups_response_fields);

BROKER_PROTO_DEFINE_CODEC(find_coordinator)
BROKER_PROTO_DEFINE_CODEC(join_group)
BROKER_PROTO_DEFINE_CODEC(heartbeat)
BROKER_PROTO_DEFINE_CODEC(leave_group)
BROKER_PROTO_DEFINE_CODEC(sync_group)
BROKER_PROTO_DEFINE_CODEC(describe_groups)
BROKER_PROTO_DEFINE_CODEC(list_groups)
