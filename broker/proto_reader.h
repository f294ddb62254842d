/*
 * Bounded reader over one Kafka request or response frame (librdkafka's
 * rd_slice idea): every read checks the bytes left, and the first read that
 * does not fit sets a sticky error. After an error every read returns zero
 * (or an empty string, or a count of 0) without moving, so a decoder can read
 * a whole struct and test broker_proto_reader_failed() once, at its error
 * label. Nothing read from the wire is trusted: lengths and array counts are
 * checked against the bytes left before anything is allocated.
 *
 * The reader never copies: strings and bytes it returns point into the frame
 * it was given, so THE FRAME MUST OUTLIVE EVERYTHING DECODED FROM IT.
 *
 * Integers are big-endian, as on the wire. Any thread may use a reader; a
 * reader belongs to one thread at a time.
 */
#ifndef BROKER_PROTO_READER_H
#define BROKER_PROTO_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A protocol string: len bytes (UTF-8, not NUL-terminated) at data. A null
 * string (length -1 on the wire) has data == NULL and len 0; an empty one has
 * a non-NULL data. */
typedef struct broker_proto_str {
    const char *data;
    size_t len;
} broker_proto_str_t;

/* Protocol bytes, with the same null convention as broker_proto_str_t. */
typedef struct broker_proto_bytes {
    const uint8_t *data;
    size_t len;
} broker_proto_bytes_t;

/* A string literal or C string as a protocol string; NULL gives null. */
#define BROKER_PROTO_STR(cstr) broker_proto_str_c(cstr)
broker_proto_str_t broker_proto_str_c(const char *cstr);

/* True when s equals the NUL-terminated cstr (a null s equals nothing). */
bool broker_proto_str_eq(broker_proto_str_t s, const char *cstr);

/* A NUL-terminated copy the caller frees with free(); NULL for a null s. */
char *broker_proto_str_dup(broker_proto_str_t s);

/* Copies s NUL-terminated into dst (size bytes, cut to fit; a null s gives
 * ""), for names with a known bound such as topics (249 bytes). */
void broker_proto_str_copy(char *dst, size_t size, broker_proto_str_t s);

typedef struct broker_proto_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    bool failed;
    char errstr[160]; /* what went wrong first, for the log */
} broker_proto_reader_t;

/* Reads len bytes at data (which must stay valid while the reader and what
 * it returned are used). */
void broker_proto_reader_init(broker_proto_reader_t *r, const void *data, size_t len);

/* Bytes not yet read (0 once the reader has failed). */
static inline size_t broker_proto_reader_remaining(const broker_proto_reader_t *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

/* True once a read did not fit or a length or count was refused. */
static inline bool broker_proto_reader_failed(const broker_proto_reader_t *r)
{
    return r->failed;
}

/* The first error, e.g. "needed 4 bytes at offset 37 but 2 are left"; "" when
 * none. Valid while the reader lives. */
static inline const char *broker_proto_reader_errstr(const broker_proto_reader_t *r)
{
    return r->errstr;
}

/* Marks the reader failed with a message (printf format) unless it has
 * already failed: the first error is the one worth reporting. */
void broker_proto_reader_fail(broker_proto_reader_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the error message with where it happened ("TopicProduceData.Name:
 * ") when no context was added yet. Decoders call it on the way out. */
void broker_proto_reader_add_context(broker_proto_reader_t *r, const char *struct_name,
                                     const char *field_name);

/* Fixed-size integers. */
int8_t broker_proto_read_int8(broker_proto_reader_t *r);
int16_t broker_proto_read_int16(broker_proto_reader_t *r);
int32_t broker_proto_read_int32(broker_proto_reader_t *r);
int64_t broker_proto_read_int64(broker_proto_reader_t *r);
uint32_t broker_proto_read_uint32(broker_proto_reader_t *r);
bool broker_proto_read_bool(broker_proto_reader_t *r); /* any non-zero byte is true */

/* Variable-length integers. varint/varlong are the zigzag encoding of record
 * fields; uvarint is the unsigned encoding of flexible-version lengths and
 * tags. As Kafka's ByteUtils, at most 5 (varint) or 10 (varlong) bytes. */
int32_t broker_proto_read_varint(broker_proto_reader_t *r);
int64_t broker_proto_read_varlong(broker_proto_reader_t *r);
uint32_t broker_proto_read_uvarint(broker_proto_reader_t *r);

/* Copies n raw bytes / skips n bytes / returns a pointer to the next n bytes
 * (NULL after an error). */
void broker_proto_read_raw(broker_proto_reader_t *r, void *dst, size_t n);
void broker_proto_skip(broker_proto_reader_t *r, size_t n);
const uint8_t *broker_proto_read_ptr(broker_proto_reader_t *r, size_t n);

/* STRING (int16 length): a negative length is an error. */
broker_proto_str_t broker_proto_read_string(broker_proto_reader_t *r);
/* NULLABLE_STRING: -1 is null, other negative lengths are errors. */
broker_proto_str_t broker_proto_read_nullable_string(broker_proto_reader_t *r);
/* BYTES / NULLABLE_BYTES (int32 length), same rules. */
broker_proto_bytes_t broker_proto_read_bytes(broker_proto_reader_t *r);
broker_proto_bytes_t broker_proto_read_nullable_bytes(broker_proto_reader_t *r);

/* Flexible-version forms: uvarint length + 1, 0 meaning null. */
broker_proto_str_t broker_proto_read_compact_string(broker_proto_reader_t *r);
broker_proto_str_t broker_proto_read_compact_nullable_string(broker_proto_reader_t *r);
broker_proto_bytes_t broker_proto_read_compact_bytes(broker_proto_reader_t *r);
broker_proto_bytes_t broker_proto_read_compact_nullable_bytes(broker_proto_reader_t *r);

/*
 * Array counts. Each element takes at least min_elem_size bytes on the wire
 * (a value below 1 counts as 1), so a count that cannot fit in the bytes left
 * is refused before the caller allocates for it. The non-nullable forms fail
 * on a negative count; the nullable ones return -1 for null (-1 on the wire,
 * or 0 in the compact form). After an error they return 0.
 */
int32_t broker_proto_read_array_count(broker_proto_reader_t *r, size_t min_elem_size);
int32_t broker_proto_read_nullable_array_count(broker_proto_reader_t *r, size_t min_elem_size);
int32_t broker_proto_read_compact_array_count(broker_proto_reader_t *r, size_t min_elem_size);
int32_t broker_proto_read_compact_nullable_array_count(broker_proto_reader_t *r,
                                                       size_t min_elem_size);

/* Skips a flexible version's tagged-field section (uvarint count, then per
 * field a uvarint tag, a uvarint size and the bytes). */
void broker_proto_skip_tagged_fields(broker_proto_reader_t *r);

#endif
