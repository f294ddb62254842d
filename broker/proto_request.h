/*
 * The connection-level protocol: splitting the input stream into request
 * frames, the request header, the table of APIs and versions the broker
 * advertises, the version check, and response framing.
 *
 * How the server uses it, per connection (network thread):
 *
 *   1. broker_proto_frame_next() on the bytes read so far: INCOMPLETE (read
 *      more; frame.need says how many bytes the whole frame takes), INVALID
 *      (log errstr, close the connection) or OK (one frame).
 *   2. broker_proto_reader_init() on the frame payload, then
 *      broker_proto_request_header_decode(); a failure is a malformed request
 *      (log, close).
 *   3. broker_proto_version_check(): SUPPORTED -> decode the body with the
 *      API's broker_<api>_request_decode() (failure: log the reader's errstr,
 *      close); API_VERSIONS_FALLBACK -> answer as api_versions.h shows;
 *      UNSUPPORTED -> broker_proto_unsupported_version_response(), then close
 *      once it is sent (see there).
 *   4. Answer: frame = broker_proto_response_begin(out, correlation_id);
 *      broker_<api>_response_encode(out, version, &resp);
 *      broker_proto_response_end(out, frame, spliced_bytes). Responses go out
 *      in request order; Produce with acks=0 gets none.
 *
 * The payload of a frame must stay valid while anything decoded from it is
 * used (decoded strings point into it).
 */
#ifndef BROKER_PROTO_REQUEST_H
#define BROKER_PROTO_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

#include "proto_reader.h"
#include "proto_schema.h"

/* socket.request.max.bytes' default (Kafka's SocketServerConfigs): 100 MiB. */
#define BROKER_PROTO_DEFAULT_MAX_REQUEST_BYTES 104857600

/* Kafka's api keys (ApiKeys.java) for the APIs the broker implements. */
typedef enum broker_api_key {
    BROKER_API_PRODUCE = 0,
    BROKER_API_FETCH = 1,
    BROKER_API_LIST_OFFSETS = 2,
    BROKER_API_METADATA = 3,
    BROKER_API_OFFSET_COMMIT = 8,
    BROKER_API_OFFSET_FETCH = 9,
    BROKER_API_FIND_COORDINATOR = 10,
    BROKER_API_JOIN_GROUP = 11,
    BROKER_API_HEARTBEAT = 12,
    BROKER_API_LEAVE_GROUP = 13,
    BROKER_API_SYNC_GROUP = 14,
    BROKER_API_DESCRIBE_GROUPS = 15,
    BROKER_API_LIST_GROUPS = 16,
    BROKER_API_API_VERSIONS = 18,
    BROKER_API_CREATE_TOPICS = 19,
    BROKER_API_DELETE_TOPICS = 20,
    BROKER_API_INIT_PRODUCER_ID = 22,
    BROKER_API_DESCRIBE_CONFIGS = 32,
    BROKER_API_CREATE_PARTITIONS = 37,
    BROKER_API_DELETE_GROUPS = 42,
    BROKER_API_OFFSET_DELETE = 47
} broker_api_key_t;

/* One implemented API: its advertised version range and message tables. */
typedef struct broker_proto_api {
    int16_t api_key;
    const char *name; /* Kafka's name: "Produce", "ApiVersions" */
    int16_t min_version;
    int16_t max_version;
    const broker_proto_message_t *request;
    const broker_proto_message_t *response;
} broker_proto_api_t;

/* The implemented APIs in api key order (what ApiVersions advertises);
 * *count receives their number. Static, read-only: any thread. */
const broker_proto_api_t *broker_proto_apis(size_t *count);

/* The entry of api_key, or NULL when the broker does not implement it. */
const broker_proto_api_t *broker_proto_api_find(int16_t api_key);

/* Kafka's name of an implemented api key, or "Unknown" (for log lines). */
const char *broker_proto_api_name(int16_t api_key);

/* ---- Framing ------------------------------------------------------------- */

typedef enum broker_proto_frame_status {
    BROKER_PROTO_FRAME_OK,
    BROKER_PROTO_FRAME_INCOMPLETE,
    BROKER_PROTO_FRAME_INVALID
} broker_proto_frame_status_t;

typedef struct broker_proto_frame {
    const uint8_t *payload; /* OK: the bytes after the size (header + body) */
    size_t payload_len;
    size_t consumed; /* OK: 4 + payload_len, to drop from the input */
    size_t need;     /* INCOMPLETE: bytes the whole frame takes (4 while unknown) */
} broker_proto_frame_t;

/*
 * Looks at the start of the bytes received on a connection (len bytes at
 * data). A size below 0 or above max_bytes (socket.request.max.bytes) is
 * INVALID, with Kafka's reason in errstr ("Invalid receive (size = 209715200
 * larger than 104857600)"): the server closes the connection, as Kafka does,
 * before reading a byte of the body. Any thread.
 */
broker_proto_frame_status_t broker_proto_frame_next(const void *data, size_t len, size_t max_bytes,
                                                    broker_proto_frame_t *frame, char *errstr,
                                                    size_t errstr_size);

/* ---- Request header ------------------------------------------------------- */

/* RequestHeader.json, versions 1-2. */
typedef struct broker_request_header {
    int16_t request_api_key;
    int16_t request_api_version;
    int32_t correlation_id;
    broker_proto_str_t client_id; /* "" when null on the wire, as Kafka treats it */
    int16_t header_version;       /* 1, or 2 for a flexible request version */
} broker_request_header_t;

/*
 * Reads the request header from the start of a frame's payload. Header v2
 * (flexible versions: ApiVersions v3+ and OffsetFetch v6+ among those we
 * meet) keeps the int16 client id and adds tagged fields, which are skipped.
 * Returns 0, leaving r at the body, or -1 when the header is malformed
 * (reason in r).
 */
int broker_proto_request_header_decode(broker_proto_reader_t *r, broker_request_header_t *hdr);

/* Appends a request header (v1, or v2 when hdr->header_version is 2); for
 * tests and tools. */
void broker_proto_request_header_encode(sluice_buf_t *out, const broker_request_header_t *hdr);

/* ---- Version check -------------------------------------------------------- */

typedef enum broker_proto_version_status {
    BROKER_PROTO_VERSION_SUPPORTED,
    /* ApiVersions outside 0-2: answer with a v0 body and UNSUPPORTED_VERSION. */
    BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK,
    /* Any other api key or version the broker does not advertise. */
    BROKER_PROTO_VERSION_UNSUPPORTED
} broker_proto_version_status_t;

broker_proto_version_status_t broker_proto_version_check(int16_t api_key, int16_t version);

/* ---- Responses ------------------------------------------------------------ */

/*
 * Starts a response frame in out: a size placeholder and the v0 response
 * header (the correlation id). Returns the frame's offset for
 * broker_proto_response_end(). A response to a flexible request version
 * (ResponseHeader.json v1) also carries an empty tag section after the
 * correlation id: see broker_proto_response_header_version().
 */
size_t broker_proto_response_begin(sluice_buf_t *out, int32_t correlation_id);

/*
 * The response header version for a request of api_key at version: 1 (the
 * correlation id and tagged fields) when the response of that version is
 * flexible, else 0. ApiVersions always answers with header v0, so that a
 * client that does not know the broker's versions yet can read it. Any
 * thread.
 */
int16_t broker_proto_response_header_version(int16_t api_key, int16_t version);

/* Writes the frame size: the bytes appended since the size field plus
 * spliced_len, the file bytes spliced into this frame (Fetch). */
void broker_proto_response_end(sluice_buf_t *out, size_t frame_offset, size_t spliced_len);

/*
 * Appends a whole frame answering a request whose api key or version is not
 * advertised: the correlation id, then the int16 error code
 * UNSUPPORTED_VERSION (35). No schema describes a version the broker does not
 * implement, so no fuller body can be right; clients only send what
 * ApiVersions listed, so this answers broken or hostile peers. Kafka closes
 * such connections without a word: send this, then close.
 */
void broker_proto_unsupported_version_response(sluice_buf_t *out, int32_t correlation_id);

#endif
