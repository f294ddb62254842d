/*
 * Writes one uncompressed magic-2 record batch (Kafka's RecordBatch: a
 * 61-byte header, then records with varint-encoded fields), as a producer
 * sends it: base offset 0 (the broker assigns offsets), no producer id, and
 * the CRC-32C filled in by batch_writer_finish. Used by source tasks that
 * append to the embedded broker directly (local_broker.h), and by the broker
 * for the batches it writes itself (broker/batch_builder.h).
 *
 * Usage: batch_writer_begin, batch_writer_add per record, batch_writer_finish.
 * The writer holds no allocation of its own: the bytes go to the caller's
 * buffer. One thread at a time.
 */
#ifndef WORKER_BATCH_WRITER_H
#define WORKER_BATCH_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/* One record header; value NULL is a null value. */
typedef struct batch_header {
    const char *key;
    size_t key_len;
    const void *value;
    size_t value_len;
} batch_header_t;

typedef struct batch_writer {
    sluice_buf_t *out;
    size_t start;  /* where the batch begins in out */
    int32_t count; /* records added */
    int64_t base_timestamp, max_timestamp;
} batch_writer_t;

/* The bytes of a batch's header (baseOffset up to recordsCount). */
#define BATCH_WRITER_HEADER_SIZE 61

/* Starts a batch at the end of out (which may hold other bytes before it). */
void batch_writer_begin(batch_writer_t *w, sluice_buf_t *out);

/*
 * Adds a record: key/value NULL are null; timestamp_ms is its CreateTime.
 * headers may be NULL when nheaders is 0.
 */
void batch_writer_add(batch_writer_t *w, const void *key, size_t key_len, const void *value,
                      size_t value_len, int64_t timestamp_ms, const batch_header_t *headers,
                      size_t nheaders);

/* The records added so far. */
static inline int32_t batch_writer_count(const batch_writer_t *w)
{
    return w->count;
}

/* The batch's size so far, in bytes. */
size_t batch_writer_size(const batch_writer_t *w);

/* Fills in the header (length, timestamps, count, CRC). At least one record
 * must have been added. */
void batch_writer_finish(batch_writer_t *w);

#endif
