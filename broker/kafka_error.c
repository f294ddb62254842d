#include "kafka_error.h"

#include <stddef.h>

static const struct {
    int16_t code;
    const char *name;
    int retriable;
} kafka_errors[] = {
    {-1, "UNKNOWN_SERVER_ERROR", 0},
    {0, "NONE", 0},
    {1, "OFFSET_OUT_OF_RANGE", 0},
    {2, "CORRUPT_MESSAGE", 1},
    {3, "UNKNOWN_TOPIC_OR_PARTITION", 1},
    {4, "INVALID_FETCH_SIZE", 0},
    {5, "LEADER_NOT_AVAILABLE", 1},
    {6, "NOT_LEADER_OR_FOLLOWER", 1},
    {7, "REQUEST_TIMED_OUT", 1},
    {10, "MESSAGE_TOO_LARGE", 0},
    {12, "OFFSET_METADATA_TOO_LARGE", 0},
    {13, "NETWORK_EXCEPTION", 1},
    {14, "COORDINATOR_LOAD_IN_PROGRESS", 1},
    {15, "COORDINATOR_NOT_AVAILABLE", 1},
    {16, "NOT_COORDINATOR", 1},
    {17, "INVALID_TOPIC_EXCEPTION", 0},
    {18, "RECORD_LIST_TOO_LARGE", 0},
    {19, "NOT_ENOUGH_REPLICAS", 1},
    {21, "INVALID_REQUIRED_ACKS", 0},
    {22, "ILLEGAL_GENERATION", 0},
    {23, "INCONSISTENT_GROUP_PROTOCOL", 0},
    {24, "INVALID_GROUP_ID", 0},
    {25, "UNKNOWN_MEMBER_ID", 0},
    {26, "INVALID_SESSION_TIMEOUT", 0},
    {27, "REBALANCE_IN_PROGRESS", 0},
    {28, "INVALID_COMMIT_OFFSET_SIZE", 0},
    {29, "TOPIC_AUTHORIZATION_FAILED", 0},
    {30, "GROUP_AUTHORIZATION_FAILED", 0},
    {31, "CLUSTER_AUTHORIZATION_FAILED", 0},
    {32, "INVALID_TIMESTAMP", 0},
    {33, "UNSUPPORTED_SASL_MECHANISM", 0},
    {34, "ILLEGAL_SASL_STATE", 0},
    {35, "UNSUPPORTED_VERSION", 0},
    {36, "TOPIC_ALREADY_EXISTS", 0},
    {37, "INVALID_PARTITIONS", 0},
    {38, "INVALID_REPLICATION_FACTOR", 0},
    {39, "INVALID_REPLICA_ASSIGNMENT", 0},
    {40, "INVALID_CONFIG", 0},
    {41, "NOT_CONTROLLER", 1},
    {42, "INVALID_REQUEST", 0},
    {43, "UNSUPPORTED_FOR_MESSAGE_FORMAT", 0},
    {44, "POLICY_VIOLATION", 0},
    {45, "OUT_OF_ORDER_SEQUENCE_NUMBER", 0},
    {46, "DUPLICATE_SEQUENCE_NUMBER", 0},
    {47, "INVALID_PRODUCER_EPOCH", 0},
    {48, "INVALID_TXN_STATE", 0},
    {49, "INVALID_PRODUCER_ID_MAPPING", 0},
    {50, "INVALID_TRANSACTION_TIMEOUT", 0},
    {51, "CONCURRENT_TRANSACTIONS", 1},
    {56, "KAFKA_STORAGE_ERROR", 1},
    {59, "UNKNOWN_PRODUCER_ID", 0},
    {68, "NON_EMPTY_GROUP", 0},
    {69, "GROUP_ID_NOT_FOUND", 0},
    {73, "TOPIC_DELETION_DISABLED", 0},
    {76, "UNSUPPORTED_COMPRESSION_TYPE", 0},
    {79, "MEMBER_ID_REQUIRED", 0},
    {81, "GROUP_MAX_SIZE_REACHED", 0},
    {82, "FENCED_INSTANCE_ID", 0},
    {86, "GROUP_SUBSCRIBED_TO_TOPIC", 0},
    {87, "INVALID_RECORD", 0},
};

static int kafka_error_find(int16_t code)
{
    for (size_t i = 0; i < sizeof kafka_errors / sizeof kafka_errors[0]; i++)
        if (kafka_errors[i].code == code)
            return (int)i;
    return -1;
}

const char *kafka_error_name(int16_t code)
{
    int i = kafka_error_find(code);
    return i < 0 ? "UNKNOWN" : kafka_errors[i].name;
}

int kafka_error_is_retriable(int16_t code)
{
    int i = kafka_error_find(code);
    return i < 0 ? 0 : kafka_errors[i].retriable;
}
