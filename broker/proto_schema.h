/*
 * Table-driven Kafka message codec.
 *
 * Each API file describes its request and response as tables of fields, one
 * row per field of Kafka's message JSON
 * (clients/src/main/resources/common/message/<Name>Request.json), with the
 * same names and version ranges, so a reader can hold one against the other.
 * One interpreter then decodes, encodes and frees every message; the bound
 * checks live in one place (the reader) and no API repeats them.
 *
 * The C structs are plain: integers, bool, broker_proto_str_t,
 * broker_proto_bytes_t, broker_proto_records_t and arrays declared with
 * BROKER_PROTO_ARRAY(T) ({ T *items; int32_t count; }, count -1 for a null
 * array).
 *
 * Decoding: fields absent from the version get the JSON default (ints and
 * bools: the table's default; strings and bytes: null when the field can be
 * null in some version, else empty; arrays: empty). Strings, bytes and
 * records point into the frame (zero copy): the frame must outlive the
 * decoded struct. Arrays are allocated; free them with broker_proto_free().
 *
 * Arrays are the only thing decoding allocates, and two checks bound them.
 * Each count is checked against the bytes left, which alone would still let
 * a request's arrays take about 8 times its frame (a 2-byte empty string on
 * the wire becomes a 16-byte broker_proto_str_t): with socket.request.max.bytes
 * at 100 MiB, ~800 MiB from one frame. So each decode also has an allocation
 * budget, BROKER_PROTO_DECODE_BUDGET, charged with count x element size for
 * every array, nested ones included, before it is allocated; a message that
 * would go over it is refused (see broker_proto_decode()).
 *
 * Why a fixed 32 MiB and not a multiple of the frame size: legitimate
 * requests reach the same ratios as hostile ones (OffsetCommit v2-v5
 * partitions with empty metadata are 14 bytes on the wire and 32 in memory;
 * Metadata topics with 3-letter names 5 and 16), so any multiple small enough
 * to matter would refuse real clients, and a multiple still lets a 100 MiB
 * frame allocate hundreds of MiB. Real requests are far below 32 MiB
 * (element sizes on LP64): a Fetch for 1000 partitions ~33 KB (32 bytes a
 * partition), a Produce with 100 partitions ~4 KB (40 bytes a partition; the
 * records stay in the frame), an OffsetCommit for 10 000 partitions ~320 KB.
 * 32 MiB admits an OffsetCommit for a million partitions, and holds what a
 * hostile request can add to its own frame to half of a 64 MB broker's RSS.
 * (The frame itself is bounded by socket.request.max.bytes, not here.)
 *
 * Encoding writes exactly the fields of the version. A non-nullable string or
 * array is never written as null (a null one is written empty), so a zeroed
 * response struct encodes with empty arrays, empty strings where null is not
 * allowed, and nulls where it is (ErrorMessage). Records are never written as
 * null either.
 *
 * The tables describe the versions the broker advertises; fields that only
 * later versions have are left out (each table says which). Flexible versions
 * (compact lengths, tagged fields) are supported by the interpreter, for
 * ApiVersions v3's request; tagged fields are skipped on decode and written
 * empty.
 *
 * Everything here is reentrant: the tables are static and read-only, so any
 * thread may decode or encode with its own reader and buffer.
 */
#ifndef BROKER_PROTO_SCHEMA_H
#define BROKER_PROTO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

#include "proto_reader.h"
#include "proto_writer.h"

/* An array member of a message struct; count is -1 for a null array. */
#define BROKER_PROTO_ARRAY(type)                                                                   \
    struct {                                                                                       \
        type *items;                                                                               \
        int32_t count;                                                                             \
    }

/*
 * The RECORDS type. Decoded: `bytes` points at the record batches in the
 * frame (data NULL for a null or absent field). To encode, either or both of:
 * `bytes` (inline, copied into the output) and `ranges` (file ranges sent
 * with sendfile after the inline bytes; see proto_writer.h). The length on
 * the wire is bytes.len plus the ranges' lengths.
 */
typedef struct broker_proto_records {
    broker_proto_bytes_t bytes;
    const broker_proto_file_range_t *ranges;
    size_t range_count;
} broker_proto_records_t;

typedef enum broker_proto_type {
    BROKER_PROTO_INT8,
    BROKER_PROTO_INT16,
    BROKER_PROTO_INT32,
    BROKER_PROTO_INT64,
    BROKER_PROTO_BOOL,    /* bool */
    BROKER_PROTO_STRING,  /* broker_proto_str_t */
    BROKER_PROTO_BYTES,   /* broker_proto_bytes_t */
    BROKER_PROTO_RECORDS, /* broker_proto_records_t */
    BROKER_PROTO_ARRAY,   /* BROKER_PROTO_ARRAY(...) */
    BROKER_PROTO_STRUCT   /* only as an array's element type */
} broker_proto_type_t;

#define BROKER_PROTO_VMAX INT16_MAX /* "N+" in the JSON: up to any version */

struct broker_proto_struct;

typedef struct broker_proto_field {
    const char *name; /* Kafka's field name */
    broker_proto_type_t type;
    int16_t min_version; /* present in [min_version, max_version] */
    int16_t max_version;
    bool nullable; /* may be null from nullable_from on */
    int16_t nullable_from;
    size_t offset;                          /* of the member in the C struct */
    int64_t default_value;                  /* integers and bools, when absent */
    broker_proto_type_t elem_type;          /* ARRAY: element type */
    const struct broker_proto_struct *elem; /* ARRAY of STRUCT: element fields */
    size_t elem_size;                       /* ARRAY: sizeof an element */
} broker_proto_field_t;

typedef struct broker_proto_struct {
    const char *name; /* Kafka's struct name ("TopicProduceData") */
    const broker_proto_field_t *fields;
    size_t field_count;
} broker_proto_struct_t;

typedef struct broker_proto_message {
    const char *name; /* "ProduceRequest" */
    int16_t api_key;
    int16_t flexible_from; /* first flexible version ("flexibleVersions") */
    size_t size;           /* sizeof the C struct */
    broker_proto_struct_t body;
} broker_proto_message_t;

/*
 * Table-writing helpers for the API files:
 *   BROKER_PROTO_FIELD(INT32, struct_t, member, "KafkaName", 0, BROKER_PROTO_VMAX,
 *                      BROKER_PROTO_NULLABLE(1), BROKER_PROTO_DEFAULT(-1))
 */
#define BROKER_PROTO_FIELD(type_, ctype, member, kname, vmin, vmax, ...)                           \
    {                                                                                              \
        .name = (kname), .type = BROKER_PROTO_##type_, .offset = offsetof(ctype, member),          \
        .min_version = (vmin), .max_version = (vmax), __VA_ARGS__                                  \
    }
#define BROKER_PROTO_NULLABLE(from) .nullable = true, .nullable_from = (from)
#define BROKER_PROTO_DEFAULT(v) .default_value = (v)
/* Array element: a scalar type, or a struct table and its C type. */
#define BROKER_PROTO_ELEMS(type_, ctype)                                                           \
    .elem_type = BROKER_PROTO_##type_, .elem_size = sizeof(ctype)
#define BROKER_PROTO_STRUCTS(table, ctype)                                                         \
    .elem_type = BROKER_PROTO_STRUCT, .elem = &(table), .elem_size = sizeof(ctype)
#define BROKER_PROTO_STRUCT_DEF(kname, field_table)                                                \
    {                                                                                              \
        .name = (kname), .fields = (field_table),                                                  \
        .field_count = sizeof(field_table) / sizeof((field_table)[0])                              \
    }

/*
 * Defines an API's typed wrappers around the interpreter, for structs named
 * broker_<api>_{request,response}_t and tables broker_<api>_{request,response}_message.
 * BROKER_PROTO_DEFINE_CODEC defines all six; an API whose response encoder
 * takes more (Fetch) uses BROKER_PROTO_DEFINE_CODEC_NO_RESPONSE_ENCODE.
 */
#define BROKER_PROTO_DEFINE_CODEC_NO_RESPONSE_ENCODE(api)                                          \
    int broker_##api##_request_decode(broker_proto_reader_t *r, int16_t version,                   \
                                      broker_##api##_request_t *req)                               \
    {                                                                                              \
        return broker_proto_decode(r, &broker_##api##_request_message, version, req);              \
    }                                                                                              \
    void broker_##api##_request_free(broker_##api##_request_t *req)                                \
    {                                                                                              \
        broker_proto_free(&broker_##api##_request_message, req);                                   \
    }                                                                                              \
    void broker_##api##_request_encode(sluice_buf_t *out, int16_t version,                         \
                                       const broker_##api##_request_t *req)                        \
    {                                                                                              \
        broker_proto_encode(out, NULL, &broker_##api##_request_message, version, req);             \
    }                                                                                              \
    int broker_##api##_response_decode(broker_proto_reader_t *r, int16_t version,                  \
                                       broker_##api##_response_t *resp)                            \
    {                                                                                              \
        return broker_proto_decode(r, &broker_##api##_response_message, version, resp);            \
    }                                                                                              \
    void broker_##api##_response_free(broker_##api##_response_t *resp)                             \
    {                                                                                              \
        broker_proto_free(&broker_##api##_response_message, resp);                                 \
    }

#define BROKER_PROTO_DEFINE_CODEC(api)                                                             \
    BROKER_PROTO_DEFINE_CODEC_NO_RESPONSE_ENCODE(api)                                              \
    void broker_##api##_response_encode(sluice_buf_t *out, int16_t version,                        \
                                        const broker_##api##_response_t *resp)                     \
    {                                                                                              \
        broker_proto_encode(out, NULL, &broker_##api##_response_message, version, resp);           \
    }

/* The message table of an API struct: BROKER_PROTO_MESSAGE_DEF("ProduceRequest", 0, 9,
 * broker_produce_request_t, fields). */
#define BROKER_PROTO_MESSAGE_DEF(kname, key, flex_from, ctype, field_table)                        \
    {                                                                                              \
        .name = (kname), .api_key = (key), .flexible_from = (flex_from), .size = sizeof(ctype),    \
        .body = BROKER_PROTO_STRUCT_DEF(kname, field_table)                                        \
    }

/* The bytes the arrays of one decoded message may take (see above). */
#define BROKER_PROTO_DECODE_BUDGET ((size_t)32 * 1024 * 1024)

/*
 * Decodes one message body of `version` from r into dst (m->size bytes; its
 * previous contents are overwritten). Returns 0, or -1 when the bytes are
 * malformed: then the reader's errstr says what and where
 * ("PartitionProduceData.Records: bytes length 900 at offset 61 exceeds the
 * 20 bytes left"), and dst holds nothing that needs freeing. Bytes after the
 * body are left in the reader (Kafka ignores them too).
 *
 * A message whose arrays would take more than BROKER_PROTO_DECODE_BUDGET
 * bytes is refused the same way, before the array that would go over is
 * allocated ("FetchTopic.Partitions: decoding would allocate more than
 * 33554432 bytes").
 */
int broker_proto_decode(broker_proto_reader_t *r, const broker_proto_message_t *m, int16_t version,
                        void *dst);

/* broker_proto_decode() with another allocation budget, in bytes (tests use
 * it to hit the limit exactly). */
int broker_proto_decode_with_budget(broker_proto_reader_t *r, const broker_proto_message_t *m,
                                    int16_t version, void *dst, size_t budget);

/*
 * Appends the body of `version` of src to out. File ranges of RECORDS fields
 * are added to splices (which may be NULL only when there are none; a range
 * without splices is a caller bug and aborts).
 */
void broker_proto_encode(sluice_buf_t *out, broker_proto_splices_t *splices,
                         const broker_proto_message_t *m, int16_t version, const void *src);

/* Frees the arrays of a decoded (or caller-built with mem_alloc) struct and
 * zeroes them; the struct itself belongs to the caller. NULL does nothing. */
void broker_proto_free(const broker_proto_message_t *m, void *obj);

#endif
