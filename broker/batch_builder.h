/*
 * Builds an uncompressed magic-2 record batch, for what the broker writes
 * itself (committed offsets in __consumer_offsets), through the worker's
 * batch writer (worker/batch_writer.h). Any thread.
 */
#ifndef BROKER_BATCH_BUILDER_H
#define BROKER_BATCH_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

typedef struct broker_batch_record {
    const uint8_t *key; /* NULL: a null key */
    size_t key_len;
    const uint8_t *value; /* NULL: a null value (a tombstone) */
    size_t value_len;
} broker_batch_record_t;

/* Appends one batch of count records, all timestamped timestamp_ms, with
 * base offset 0 (the log assigns offsets), no producer id, and the CRC-32C
 * filled in. count must be at least 1. */
void broker_batch_build(sluice_buf_t *out, const broker_batch_record_t *records, size_t count,
                        int64_t timestamp_ms);

#endif
