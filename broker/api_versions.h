/*
 * ApiVersions (api key 18), versions 0-2 advertised. Schema:
 * clients/src/main/resources/common/message/ApiVersions{Request,Response}.json.
 *
 * An ApiVersions request of a version above 2 (librdkafka opens with v3) is
 * answered as Kafka answers it: a v0 body with error UNSUPPORTED_VERSION and
 * only the ApiVersions entry, behind the usual v0 response header; the
 * connection stays open and the client retries with a version we list
 * (kafka-protocol.md section 1.4). broker_proto_version_check() says when:
 *
 *     broker_api_versions_response_t resp;
 *     broker_api_versions_response_init(&resp, KAFKA_ERR_UNSUPPORTED_VERSION);
 *     size_t frame = broker_proto_response_begin(out, hdr.correlation_id);
 *     broker_api_versions_response_encode(out, 0, &resp);
 *     broker_proto_response_end(out, frame, 0);
 *     broker_api_versions_response_free(&resp);
 *
 * The request body (v3: client software name and version) need not be
 * decoded for that; it is decoded for v0-3 when asked.
 */
#ifndef BROKER_API_VERSIONS_H
#define BROKER_API_VERSIONS_H

#include "proto_schema.h"

typedef struct broker_api_versions_request {
    broker_proto_str_t client_software_name;    /* v3+ */
    broker_proto_str_t client_software_version; /* v3+ */
} broker_api_versions_request_t;

/* ApiVersion */
typedef struct broker_api_versions_api_key {
    int16_t api_key;
    int16_t min_version;
    int16_t max_version;
} broker_api_versions_api_key_t;

typedef struct broker_api_versions_response {
    int16_t error_code;
    BROKER_PROTO_ARRAY(broker_api_versions_api_key_t) api_keys;
    int32_t throttle_time_ms; /* v1+ */
} broker_api_versions_response_t;

extern const broker_proto_message_t broker_api_versions_request_message;
extern const broker_proto_message_t broker_api_versions_response_message;

/*
 * Fills resp for error_code: with KAFKA_ERR_NONE, every API the broker
 * implements with its advertised range (proto_request.h); with
 * KAFKA_ERR_UNSUPPORTED_VERSION, only ApiVersions' own entry. The array is
 * allocated: release it with broker_api_versions_response_free().
 */
void broker_api_versions_response_init(broker_api_versions_response_t *resp, int16_t error_code);

/* Decode: 0, or -1 with the reason in r (nothing to free then). */
int broker_api_versions_request_decode(broker_proto_reader_t *r, int16_t version,
                                       broker_api_versions_request_t *req);
void broker_api_versions_request_free(broker_api_versions_request_t *req);
void broker_api_versions_response_encode(sluice_buf_t *out, int16_t version,
                                         const broker_api_versions_response_t *resp);
void broker_api_versions_response_free(broker_api_versions_response_t *resp);

/* The other direction, for tests and tools. */
void broker_api_versions_request_encode(sluice_buf_t *out, int16_t version,
                                        const broker_api_versions_request_t *req);
int broker_api_versions_response_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_api_versions_response_t *resp);

#endif
