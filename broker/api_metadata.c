/* Metadata v0-6: field tables and typed wrappers (see api_metadata.h). */
#include "api_metadata.h"

#define VMAX BROKER_PROTO_VMAX

/* MetadataRequest.json */
static const broker_proto_field_t request_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_metadata_request_topic_t, name, "Name", 0, VMAX,
                       BROKER_PROTO_NULLABLE(10)),
};
static const broker_proto_struct_t request_topic_struct =
    BROKER_PROTO_STRUCT_DEF("MetadataRequestTopic", request_topic_fields);

static const broker_proto_field_t request_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_metadata_request_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_NULLABLE(1),
                       BROKER_PROTO_STRUCTS(request_topic_struct, broker_metadata_request_topic_t)),
    BROKER_PROTO_FIELD(BOOL, broker_metadata_request_t, allow_auto_topic_creation,
                       "AllowAutoTopicCreation", 4, VMAX, BROKER_PROTO_DEFAULT(1)),
};

const broker_proto_message_t broker_metadata_request_message =
    BROKER_PROTO_MESSAGE_DEF("MetadataRequest", 3, 9, broker_metadata_request_t, request_fields);

/* MetadataResponse.json */
static const broker_proto_field_t broker_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_metadata_response_broker_t, node_id, "NodeId", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_metadata_response_broker_t, host, "Host", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_metadata_response_broker_t, port, "Port", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_metadata_response_broker_t, rack, "Rack", 1, VMAX,
                       BROKER_PROTO_NULLABLE(1)),
};
static const broker_proto_struct_t broker_struct =
    BROKER_PROTO_STRUCT_DEF("MetadataResponseBroker", broker_fields);

static const broker_proto_field_t partition_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_metadata_response_partition_t, error_code, "ErrorCode", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT32, broker_metadata_response_partition_t, partition_index,
                       "PartitionIndex", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_metadata_response_partition_t, leader_id, "LeaderId", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_metadata_response_partition_t, replica_nodes, "ReplicaNodes",
                       0, VMAX, BROKER_PROTO_ELEMS(INT32, int32_t)),
    BROKER_PROTO_FIELD(ARRAY, broker_metadata_response_partition_t, isr_nodes, "IsrNodes", 0, VMAX,
                       BROKER_PROTO_ELEMS(INT32, int32_t)),
    BROKER_PROTO_FIELD(ARRAY, broker_metadata_response_partition_t, offline_replicas,
                       "OfflineReplicas", 5, VMAX, BROKER_PROTO_ELEMS(INT32, int32_t)),
};
static const broker_proto_struct_t partition_struct =
    BROKER_PROTO_STRUCT_DEF("MetadataResponsePartition", partition_fields);

static const broker_proto_field_t topic_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_metadata_response_topic_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_metadata_response_topic_t, name, "Name", 0, VMAX,
                       BROKER_PROTO_NULLABLE(12)),
    BROKER_PROTO_FIELD(BOOL, broker_metadata_response_topic_t, is_internal, "IsInternal", 1, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_metadata_response_topic_t, partitions, "Partitions", 0, VMAX,
        BROKER_PROTO_STRUCTS(partition_struct, broker_metadata_response_partition_t)),
};
static const broker_proto_struct_t topic_struct =
    BROKER_PROTO_STRUCT_DEF("MetadataResponseTopic", topic_fields);

static const broker_proto_field_t response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_metadata_response_t, throttle_time_ms, "ThrottleTimeMs", 3,
                       VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_metadata_response_t, brokers, "Brokers", 0, VMAX,
                       BROKER_PROTO_STRUCTS(broker_struct, broker_metadata_response_broker_t)),
    BROKER_PROTO_FIELD(STRING, broker_metadata_response_t, cluster_id, "ClusterId", 2, VMAX,
                       BROKER_PROTO_NULLABLE(2)),
    BROKER_PROTO_FIELD(INT32, broker_metadata_response_t, controller_id, "ControllerId", 1, VMAX,
                       BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(ARRAY, broker_metadata_response_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_STRUCTS(topic_struct, broker_metadata_response_topic_t)),
};

const broker_proto_message_t broker_metadata_response_message =
    BROKER_PROTO_MESSAGE_DEF("MetadataResponse", 3, 9, broker_metadata_response_t, response_fields);

BROKER_PROTO_DEFINE_CODEC(metadata)
