/*
 * Writing the Kafka wire format onto a sluice_buf_t. Every write appends and
 * returns the offset it wrote at, so a size or count can be written as a
 * placeholder first and patched with broker_proto_patch_int32() once known.
 * Integers are big-endian.
 *
 * Zero-copy responses: record data that lives in segment files is not
 * written into the buffer. The encoder writes everything else and records a
 * "splice" per file range: "after byte `at` of the buffer, send `len` bytes of
 * `fd` from `pos`". The server then sends buffer pieces with write/writev and
 * the ranges with sendfile(2), in order:
 *
 *     buf[0, s0.at)  file s0  buf[s0.at, s1.at)  file s1  ...  buf[sN.at, end)
 *
 * Several splices may share an `at` (one partition's records spread over
 * two segments); they are sent in the order added.
 *
 * Any thread may use these on a buffer it owns.
 */
#ifndef BROKER_PROTO_WRITER_H
#define BROKER_PROTO_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

#include "proto_reader.h"

/* Bytes of an open file, sent with sendfile(2). The fd must stay open until
 * the splice has been sent: the storage layer keeps its segment referenced
 * for that long. */
typedef struct broker_proto_file_range {
    int fd;
    int64_t pos;
    size_t len;
} broker_proto_file_range_t;

typedef struct broker_proto_splice {
    size_t at; /* buffer offset the range follows */
    broker_proto_file_range_t range;
} broker_proto_splice_t;

/* The splices of one output buffer, in buffer order. Offsets are absolute in
 * that buffer: a server that drops sent bytes from the front of the buffer
 * must subtract what it dropped. */
typedef struct broker_proto_splices {
    broker_proto_splice_t *items;
    size_t count;
    size_t cap;
    size_t total_len; /* sum of the ranges' lengths */
} broker_proto_splices_t;

/* A zeroed struct is an empty list; _reset empties it and keeps the memory;
 * _destroy frees it (the struct itself belongs to the caller). */
void broker_proto_splices_reset(broker_proto_splices_t *s);
void broker_proto_splices_destroy(broker_proto_splices_t *s);
void broker_proto_splices_add(broker_proto_splices_t *s, size_t at,
                              const broker_proto_file_range_t *range);

size_t broker_proto_write_int8(sluice_buf_t *b, int8_t v);
size_t broker_proto_write_int16(sluice_buf_t *b, int16_t v);
size_t broker_proto_write_int32(sluice_buf_t *b, int32_t v);
size_t broker_proto_write_int64(sluice_buf_t *b, int64_t v);
size_t broker_proto_write_uint32(sluice_buf_t *b, uint32_t v);
size_t broker_proto_write_bool(sluice_buf_t *b, bool v);
size_t broker_proto_write_raw(sluice_buf_t *b, const void *data, size_t len);

/* Zigzag varint/varlong (record fields) and unsigned varint (flexible
 * lengths and tags). */
size_t broker_proto_write_varint(sluice_buf_t *b, int32_t v);
size_t broker_proto_write_varlong(sluice_buf_t *b, int64_t v);
size_t broker_proto_write_uvarint(sluice_buf_t *b, uint32_t v);

/*
 * STRING: a null s is written as "" (a non-nullable field is never null on
 * the wire). NULLABLE_STRING: a null s is written as length -1. A string
 * longer than 32767 bytes cannot be encoded; it is cut at the last whole UTF-8
 * character that fits (such strings only come from the broker's own messages).
 */
size_t broker_proto_write_string(sluice_buf_t *b, broker_proto_str_t s);
size_t broker_proto_write_nullable_string(sluice_buf_t *b, broker_proto_str_t s);
size_t broker_proto_write_cstring(sluice_buf_t *b, const char *s); /* NULL -> "" */

/* BYTES / NULLABLE_BYTES, same null rules; len must fit in an int32. */
size_t broker_proto_write_bytes(sluice_buf_t *b, broker_proto_bytes_t v);
size_t broker_proto_write_nullable_bytes(sluice_buf_t *b, broker_proto_bytes_t v);

/* Compact (flexible-version) forms. */
size_t broker_proto_write_compact_string(sluice_buf_t *b, broker_proto_str_t s);
size_t broker_proto_write_compact_nullable_string(sluice_buf_t *b, broker_proto_str_t s);
size_t broker_proto_write_compact_bytes(sluice_buf_t *b, broker_proto_bytes_t v);
size_t broker_proto_write_compact_nullable_bytes(sluice_buf_t *b, broker_proto_bytes_t v);

/* Array counts: int32, or -1 for a null array; compact: uvarint count+1, 0
 * for null. A negative count means null. */
size_t broker_proto_write_array_count(sluice_buf_t *b, int32_t count);
size_t broker_proto_write_compact_array_count(sluice_buf_t *b, int32_t count);

/* An empty tagged-field section. */
size_t broker_proto_write_empty_tagged_fields(sluice_buf_t *b);

/* Overwrites the int32 at offset (a placeholder written before). */
void broker_proto_patch_int32(sluice_buf_t *b, size_t offset, int32_t v);

#endif
