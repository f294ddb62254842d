/*
 * The broker's request path on arbitrary bytes (broker/proto_*.c, api_*.c):
 *  - the input is split into frames as a connection's byte stream is
 *    (socket.request.max.bytes applies); input that is not a whole frame is
 *    taken as one frame's payload, so the fuzzer need not learn the size;
 *  - each payload's request header is parsed and its version checked, and
 *    the reply the server would send for an unsupported version is built;
 *  - the body is decoded as the request (and the response) of every
 *    implemented API at every advertised version; whatever decodes is
 *    encoded again, and that encoding must decode and re-encode to itself;
 *    whatever fails must say why; everything is freed (LeakSanitizer).
 */
#include "fuzz_common.h"

#include "api_versions.h"
#include "kafka_error.h"
#include "log.h"
#include "mem.h"
#include "proto_request.h"
#include "proto_schema.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(SLUICE_LOG_OFF);
    return 0;
}

/* Decodes body as message m of version; checks the encode/decode fixpoint. */
static void decode_one(const broker_proto_message_t *m, int16_t version, const uint8_t *body,
                       size_t len)
{
    void *obj = mem_calloc(1, m->size);
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, body, len);
    if (broker_proto_decode(&r, m, version, obj) != 0) {
        FUZZ_CHECK(broker_proto_reader_errstr(&r)[0] != '\0', "%s v%d failed without a reason",
                   m->name, version);
        free(obj);
        return;
    }
    FUZZ_CHECK(r.pos <= len, "%s v%d read past the body", m->name, version);

    /* The first encoding may normalise (a bool byte 7 becomes 1); from then
     * on encode and decode must agree exactly. */
    sluice_buf_t *first = sluice_buf_new(), *second = sluice_buf_new();
    broker_proto_encode(first, NULL, m, version, obj);
    void *again = mem_calloc(1, m->size);
    broker_proto_reader_t r2;
    broker_proto_reader_init(&r2, sluice_buf_data(first), sluice_buf_len(first));
    FUZZ_CHECK(broker_proto_decode(&r2, m, version, again) == 0, "%s v%d: own encoding fails: %s",
               m->name, version, broker_proto_reader_errstr(&r2));
    FUZZ_CHECK(broker_proto_reader_remaining(&r2) == 0, "%s v%d: own encoding has %zu extra bytes",
               m->name, version, broker_proto_reader_remaining(&r2));
    broker_proto_encode(second, NULL, m, version, again);
    FUZZ_CHECK(sluice_buf_len(first) == sluice_buf_len(second) &&
                   memcmp(sluice_buf_data(first), sluice_buf_data(second), sluice_buf_len(first)) ==
                       0,
               "%s v%d: encode(decode(encode(x))) differs from encode(x)", m->name, version);

    broker_proto_free(m, again);
    free(again);
    sluice_buf_destroy(first);
    sluice_buf_destroy(second);
    broker_proto_free(m, obj);
    free(obj);
}

static void one_payload(const uint8_t *payload, size_t len)
{
    broker_proto_reader_t r;
    broker_request_header_t hdr;
    broker_proto_reader_init(&r, payload, len);
    const uint8_t *body = payload;
    size_t body_len = len;
    if (broker_proto_request_header_decode(&r, &hdr) == 0) {
        FUZZ_CHECK(hdr.client_id.data != NULL, "a header without a client id string");
        body = payload + r.pos;
        body_len = len - r.pos;
        sluice_buf_t *out = sluice_buf_new();
        switch (broker_proto_version_check(hdr.request_api_key, hdr.request_api_version)) {
        case BROKER_PROTO_VERSION_SUPPORTED: break;
        case BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK: {
            broker_api_versions_response_t resp;
            broker_api_versions_response_init(&resp, KAFKA_ERR_UNSUPPORTED_VERSION);
            size_t frame = broker_proto_response_begin(out, hdr.correlation_id);
            broker_api_versions_response_encode(out, 0, &resp);
            broker_proto_response_end(out, frame, 0);
            FUZZ_CHECK(sluice_buf_len(out) == 20, "fallback reply of %zu bytes",
                       sluice_buf_len(out));
            broker_api_versions_response_free(&resp);
            break;
        }
        case BROKER_PROTO_VERSION_UNSUPPORTED:
            broker_proto_unsupported_version_response(out, hdr.correlation_id);
            break;
        }
        sluice_buf_destroy(out);
    } else {
        FUZZ_CHECK(broker_proto_reader_errstr(&r)[0] != '\0', "header failed without a reason");
    }

    size_t count;
    const broker_proto_api_t *apis = broker_proto_apis(&count);
    for (size_t i = 0; i < count; i++)
        for (int16_t v = apis[i].min_version; v <= apis[i].max_version; v++) {
            decode_one(apis[i].request, v, body, body_len);
            decode_one(apis[i].response, v, body, body_len);
        }
    /* the flexible ApiVersions v3 request librdkafka sends */
    decode_one(broker_proto_api_find(BROKER_API_API_VERSIONS)->request, 3, body, body_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    int frames = 0;
    for (;;) {
        broker_proto_frame_t f;
        char err[128];
        broker_proto_frame_status_t st = broker_proto_frame_next(
            data + off, size - off, BROKER_PROTO_DEFAULT_MAX_REQUEST_BYTES, &f, err, sizeof err);
        if (st != BROKER_PROTO_FRAME_OK) {
            if (st == BROKER_PROTO_FRAME_INVALID)
                FUZZ_CHECK(strncmp(err, "Invalid receive (size = ", 24) == 0, "reason: %s", err);
            else
                FUZZ_CHECK(f.need > size - off, "incomplete, yet %zu of %zu bytes are there",
                           size - off, f.need);
            break;
        }
        FUZZ_CHECK(f.consumed == f.payload_len + 4 && f.consumed <= size - off,
                   "frame of %zu bytes in %zu", f.consumed, size - off);
        one_payload(f.payload, f.payload_len);
        off += f.consumed;
        frames++;
    }
    if (frames == 0)
        one_payload(data, size);
    return 0;
}
