/* ApiVersions: field tables, the response built from the advertised table,
 * and typed wrappers (see api_versions.h). */
#include "api_versions.h"

#include "kafka_error.h"
#include "mem.h"
#include "proto_request.h"

#define VMAX BROKER_PROTO_VMAX

/* ApiVersionsRequest.json */
static const broker_proto_field_t request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_api_versions_request_t, client_software_name,
                       "ClientSoftwareName", 3, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_api_versions_request_t, client_software_version,
                       "ClientSoftwareVersion", 3, VMAX),
};
const broker_proto_message_t broker_api_versions_request_message = BROKER_PROTO_MESSAGE_DEF(
    "ApiVersionsRequest", 18, 3, broker_api_versions_request_t, request_fields);

/* ApiVersionsResponse.json (v3's tagged fields are written empty) */
static const broker_proto_field_t api_key_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_api_versions_api_key_t, api_key, "ApiKey", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_api_versions_api_key_t, min_version, "MinVersion", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_api_versions_api_key_t, max_version, "MaxVersion", 0, VMAX),
};
static const broker_proto_struct_t api_key_struct =
    BROKER_PROTO_STRUCT_DEF("ApiVersion", api_key_fields);

static const broker_proto_field_t response_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_api_versions_response_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_api_versions_response_t, api_keys, "ApiKeys", 0, VMAX,
                       BROKER_PROTO_STRUCTS(api_key_struct, broker_api_versions_api_key_t)),
    BROKER_PROTO_FIELD(INT32, broker_api_versions_response_t, throttle_time_ms, "ThrottleTimeMs", 1,
                       VMAX),
};
const broker_proto_message_t broker_api_versions_response_message = BROKER_PROTO_MESSAGE_DEF(
    "ApiVersionsResponse", 18, 3, broker_api_versions_response_t, response_fields);

BROKER_PROTO_DEFINE_CODEC(api_versions)

void broker_api_versions_response_init(broker_api_versions_response_t *resp, int16_t error_code)
{
    size_t count;
    const broker_proto_api_t *apis = broker_proto_apis(&count);
    resp->error_code = error_code;
    resp->throttle_time_ms = 0;
    resp->api_keys.items = mem_calloc(count, sizeof(broker_api_versions_api_key_t));
    resp->api_keys.count = 0;
    for (size_t i = 0; i < count; i++) {
        /* Kafka (2.4+) lists only its own entry with UNSUPPORTED_VERSION, so
         * the client learns which versions to retry with. */
        if (error_code == KAFKA_ERR_UNSUPPORTED_VERSION &&
            apis[i].api_key != BROKER_API_API_VERSIONS)
            continue;
        broker_api_versions_api_key_t *k = &resp->api_keys.items[resp->api_keys.count++];
        k->api_key = apis[i].api_key;
        k->min_version = apis[i].min_version;
        k->max_version = apis[i].max_version;
    }
}
