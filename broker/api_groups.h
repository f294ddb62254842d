/*
 * The classic group protocol: FindCoordinator (api key 10, versions 0-2),
 * JoinGroup (11, 0-5), Heartbeat (12, 0-3), LeaveGroup (13, 0-1), SyncGroup
 * (14, 0-3), DescribeGroups (15, 0-4) and ListGroups (16, 0-2). Schemas:
 * clients/src/main/resources/common/message/<Name>{Request,Response}.json.
 *
 * Protocol metadata and assignments are opaque bytes passed through. Decoded
 * requests point into their frame (ids, names, metadata bytes), which must
 * outlive them; a coordinator that keeps a value past the request copies it.
 */
#ifndef BROKER_API_GROUPS_H
#define BROKER_API_GROUPS_H

#include "proto_schema.h"

/* FindCoordinator */

typedef struct broker_find_coordinator_request {
    broker_proto_str_t key; /* the group id (or transactional id) */
    int8_t key_type;        /* v1+: 0 group, 1 transaction */
} broker_find_coordinator_request_t;

typedef struct broker_find_coordinator_response {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    broker_proto_str_t error_message; /* v1+, nullable */
    int32_t node_id;
    broker_proto_str_t host; /* the same host and port as in Metadata */
    int32_t port;
} broker_find_coordinator_response_t;

/* JoinGroup */

/* JoinGroupRequestProtocol */
typedef struct broker_join_group_request_protocol {
    broker_proto_str_t name;
    broker_proto_bytes_t metadata;
} broker_join_group_request_protocol_t;

typedef struct broker_join_group_request {
    broker_proto_str_t group_id;
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms;         /* v1+, else -1 (use the session timeout) */
    broker_proto_str_t member_id;         /* "" on a first join */
    broker_proto_str_t group_instance_id; /* v5+, nullable */
    broker_proto_str_t protocol_type;     /* "consumer", "connect", ... */
    BROKER_PROTO_ARRAY(broker_join_group_request_protocol_t) protocols;
} broker_join_group_request_t;

/* JoinGroupResponseMember */
typedef struct broker_join_group_response_member {
    broker_proto_str_t member_id;
    broker_proto_str_t group_instance_id; /* v5+, nullable */
    broker_proto_bytes_t metadata;
} broker_join_group_response_member_t;

typedef struct broker_join_group_response {
    int32_t throttle_time_ms; /* v2+ */
    int16_t error_code;
    int32_t generation_id;
    broker_proto_str_t protocol_name;
    broker_proto_str_t leader;
    broker_proto_str_t member_id;
    BROKER_PROTO_ARRAY(broker_join_group_response_member_t) members; /* the leader's only */
} broker_join_group_response_t;

/* Heartbeat */

typedef struct broker_heartbeat_request {
    broker_proto_str_t group_id;
    int32_t generation_id;
    broker_proto_str_t member_id;
    broker_proto_str_t group_instance_id; /* v3+, nullable */
} broker_heartbeat_request_t;

typedef struct broker_heartbeat_response {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
} broker_heartbeat_response_t;

/* LeaveGroup (v3's batched Members[] is not described: v0-1 advertised) */

typedef struct broker_leave_group_request {
    broker_proto_str_t group_id;
    broker_proto_str_t member_id;
} broker_leave_group_request_t;

typedef struct broker_leave_group_response {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
} broker_leave_group_response_t;

/* SyncGroup */

/* SyncGroupRequestAssignment */
typedef struct broker_sync_group_request_assignment {
    broker_proto_str_t member_id;
    broker_proto_bytes_t assignment;
} broker_sync_group_request_assignment_t;

typedef struct broker_sync_group_request {
    broker_proto_str_t group_id;
    int32_t generation_id;
    broker_proto_str_t member_id;
    broker_proto_str_t group_instance_id;                                   /* v3+, nullable */
    BROKER_PROTO_ARRAY(broker_sync_group_request_assignment_t) assignments; /* leader only */
} broker_sync_group_request_t;

typedef struct broker_sync_group_response {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    broker_proto_bytes_t assignment;
} broker_sync_group_response_t;

/* DescribeGroups */

typedef struct broker_describe_groups_request {
    BROKER_PROTO_ARRAY(broker_proto_str_t) groups;
    bool include_authorized_operations; /* v3+ */
} broker_describe_groups_request_t;

/* DescribedGroupMember */
typedef struct broker_described_group_member {
    broker_proto_str_t member_id;
    broker_proto_str_t group_instance_id; /* v4+, nullable */
    broker_proto_str_t client_id;
    broker_proto_str_t client_host;
    broker_proto_bytes_t member_metadata;
    broker_proto_bytes_t member_assignment;
} broker_described_group_member_t;

/* DescribedGroup */
typedef struct broker_described_group {
    int16_t error_code;
    broker_proto_str_t group_id;
    broker_proto_str_t group_state; /* "Empty", "PreparingRebalance", "CompletingRebalance",
                                       "Stable", "Dead" */
    broker_proto_str_t protocol_type;
    broker_proto_str_t protocol_data; /* the selected protocol's name */
    BROKER_PROTO_ARRAY(broker_described_group_member_t) members;
    int32_t authorized_operations; /* v3+: INT32_MIN when not asked */
} broker_described_group_t;

typedef struct broker_describe_groups_response {
    int32_t throttle_time_ms; /* v1+ */
    BROKER_PROTO_ARRAY(broker_described_group_t) groups;
} broker_describe_groups_response_t;

/* ListGroups */

typedef struct broker_list_groups_request {
    /* v4+ only (not advertised): decoded empty for v0-2. */
    BROKER_PROTO_ARRAY(broker_proto_str_t) states_filter;
} broker_list_groups_request_t;

/* ListedGroup */
typedef struct broker_listed_group {
    broker_proto_str_t group_id;
    broker_proto_str_t protocol_type;
} broker_listed_group_t;

typedef struct broker_list_groups_response {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    BROKER_PROTO_ARRAY(broker_listed_group_t) groups;
} broker_list_groups_response_t;

extern const broker_proto_message_t broker_find_coordinator_request_message;
extern const broker_proto_message_t broker_find_coordinator_response_message;
extern const broker_proto_message_t broker_join_group_request_message;
extern const broker_proto_message_t broker_join_group_response_message;
extern const broker_proto_message_t broker_heartbeat_request_message;
extern const broker_proto_message_t broker_heartbeat_response_message;
extern const broker_proto_message_t broker_leave_group_request_message;
extern const broker_proto_message_t broker_leave_group_response_message;
extern const broker_proto_message_t broker_sync_group_request_message;
extern const broker_proto_message_t broker_sync_group_response_message;
extern const broker_proto_message_t broker_describe_groups_request_message;
extern const broker_proto_message_t broker_describe_groups_response_message;
extern const broker_proto_message_t broker_list_groups_request_message;
extern const broker_proto_message_t broker_list_groups_response_message;

/*
 * For each API: _request_decode returns 0, or -1 with the reason in r
 * (nothing to free then); _request_free frees a decoded request's arrays;
 * _response_encode appends the response body of the version to out. The
 * request encoders and response decoders are for tests and tools.
 */
int broker_find_coordinator_request_decode(broker_proto_reader_t *r, int16_t version,
                                           broker_find_coordinator_request_t *req);
void broker_find_coordinator_request_free(broker_find_coordinator_request_t *req);
void broker_find_coordinator_response_encode(sluice_buf_t *out, int16_t version,
                                             const broker_find_coordinator_response_t *resp);
void broker_find_coordinator_request_encode(sluice_buf_t *out, int16_t version,
                                            const broker_find_coordinator_request_t *req);
int broker_find_coordinator_response_decode(broker_proto_reader_t *r, int16_t version,
                                            broker_find_coordinator_response_t *resp);
void broker_find_coordinator_response_free(broker_find_coordinator_response_t *resp);

int broker_join_group_request_decode(broker_proto_reader_t *r, int16_t version,
                                     broker_join_group_request_t *req);
void broker_join_group_request_free(broker_join_group_request_t *req);
void broker_join_group_response_encode(sluice_buf_t *out, int16_t version,
                                       const broker_join_group_response_t *resp);
void broker_join_group_request_encode(sluice_buf_t *out, int16_t version,
                                      const broker_join_group_request_t *req);
int broker_join_group_response_decode(broker_proto_reader_t *r, int16_t version,
                                      broker_join_group_response_t *resp);
void broker_join_group_response_free(broker_join_group_response_t *resp);

int broker_heartbeat_request_decode(broker_proto_reader_t *r, int16_t version,
                                    broker_heartbeat_request_t *req);
void broker_heartbeat_request_free(broker_heartbeat_request_t *req);
void broker_heartbeat_response_encode(sluice_buf_t *out, int16_t version,
                                      const broker_heartbeat_response_t *resp);
void broker_heartbeat_request_encode(sluice_buf_t *out, int16_t version,
                                     const broker_heartbeat_request_t *req);
int broker_heartbeat_response_decode(broker_proto_reader_t *r, int16_t version,
                                     broker_heartbeat_response_t *resp);
void broker_heartbeat_response_free(broker_heartbeat_response_t *resp);

int broker_leave_group_request_decode(broker_proto_reader_t *r, int16_t version,
                                      broker_leave_group_request_t *req);
void broker_leave_group_request_free(broker_leave_group_request_t *req);
void broker_leave_group_response_encode(sluice_buf_t *out, int16_t version,
                                        const broker_leave_group_response_t *resp);
void broker_leave_group_request_encode(sluice_buf_t *out, int16_t version,
                                       const broker_leave_group_request_t *req);
int broker_leave_group_response_decode(broker_proto_reader_t *r, int16_t version,
                                       broker_leave_group_response_t *resp);
void broker_leave_group_response_free(broker_leave_group_response_t *resp);

int broker_sync_group_request_decode(broker_proto_reader_t *r, int16_t version,
                                     broker_sync_group_request_t *req);
void broker_sync_group_request_free(broker_sync_group_request_t *req);
void broker_sync_group_response_encode(sluice_buf_t *out, int16_t version,
                                       const broker_sync_group_response_t *resp);
void broker_sync_group_request_encode(sluice_buf_t *out, int16_t version,
                                      const broker_sync_group_request_t *req);
int broker_sync_group_response_decode(broker_proto_reader_t *r, int16_t version,
                                      broker_sync_group_response_t *resp);
void broker_sync_group_response_free(broker_sync_group_response_t *resp);

int broker_describe_groups_request_decode(broker_proto_reader_t *r, int16_t version,
                                          broker_describe_groups_request_t *req);
void broker_describe_groups_request_free(broker_describe_groups_request_t *req);
void broker_describe_groups_response_encode(sluice_buf_t *out, int16_t version,
                                            const broker_describe_groups_response_t *resp);
void broker_describe_groups_request_encode(sluice_buf_t *out, int16_t version,
                                           const broker_describe_groups_request_t *req);
int broker_describe_groups_response_decode(broker_proto_reader_t *r, int16_t version,
                                           broker_describe_groups_response_t *resp);
void broker_describe_groups_response_free(broker_describe_groups_response_t *resp);

int broker_list_groups_request_decode(broker_proto_reader_t *r, int16_t version,
                                      broker_list_groups_request_t *req);
void broker_list_groups_request_free(broker_list_groups_request_t *req);
void broker_list_groups_response_encode(sluice_buf_t *out, int16_t version,
                                        const broker_list_groups_response_t *resp);
void broker_list_groups_request_encode(sluice_buf_t *out, int16_t version,
                                       const broker_list_groups_request_t *req);
int broker_list_groups_response_decode(broker_proto_reader_t *r, int16_t version,
                                       broker_list_groups_response_t *resp);
void broker_list_groups_response_free(broker_list_groups_response_t *resp);

#endif
