/*
 * Sluice public plugin ABI: records and headers.
 *
 * One record type serves sources and sinks, as ConnectRecord with the
 * SourceRecord and SinkRecord extras: a source fills the source partition
 * and offset, the runtime fills the Kafka offset on records given to a sink.
 *
 * Ownership: setters that take a value take ownership of it; setters that
 * take a schema take their own reference (the caller keeps its own). Getters
 * return borrowed pointers valid until the record changes or is destroyed.
 * A record is used by one thread at a time.
 */
#ifndef SLUICE_RECORD_H
#define SLUICE_RECORD_H

#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sluice_record sluice_record_t;
typedef struct sluice_headers sluice_headers_t;
typedef struct sluice_records sluice_records_t;

/* Kafka's timestamp types. */
typedef enum sluice_timestamp_type {
    SLUICE_TIMESTAMP_NONE = -1,
    SLUICE_TIMESTAMP_CREATE_TIME = 0,
    SLUICE_TIMESTAMP_LOG_APPEND_TIME = 1
} sluice_timestamp_type_t;

/* ---- records ----------------------------------------------------------- */

/* A new record for topic (copied; may be NULL for "not yet routed"), with no
 * partition, null key and value, no timestamp and no headers. */
sluice_record_t *sluice_record_new(const char *topic);

/* Frees the record and everything it holds. NULL does nothing. */
void sluice_record_destroy(sluice_record_t *record);

/* A deep copy. */
sluice_record_t *sluice_record_copy(const sluice_record_t *record);

const char *sluice_record_topic(const sluice_record_t *record);
void sluice_record_set_topic(sluice_record_t *record, const char *topic);

/* The Kafka partition, or -1 when the producer's partitioner chooses. */
int32_t sluice_record_partition(const sluice_record_t *record);
void sluice_record_set_partition(sluice_record_t *record, int32_t partition);

/* Key and value with their schemas (either schema may be NULL: schemaless). */
const sluice_schema_t *sluice_record_key_schema(const sluice_record_t *record);
const sluice_value_t *sluice_record_key(const sluice_record_t *record);
void sluice_record_set_key(sluice_record_t *record, const sluice_schema_t *schema,
                           sluice_value_t *key);

const sluice_schema_t *sluice_record_value_schema(const sluice_record_t *record);
const sluice_value_t *sluice_record_value(const sluice_record_t *record);
void sluice_record_set_value(sluice_record_t *record, const sluice_schema_t *schema,
                             sluice_value_t *value);

/* Detach the key / value, leaving null (the schema stays); caller owns it. */
sluice_value_t *sluice_record_take_key(sluice_record_t *record);
sluice_value_t *sluice_record_take_value(sluice_record_t *record);

/* Milliseconds since the epoch, or -1 when unset. */
int64_t sluice_record_timestamp(const sluice_record_t *record);
void sluice_record_set_timestamp(sluice_record_t *record, int64_t timestamp_ms);

/* The record's headers (never NULL; mutable through the record). */
sluice_headers_t *sluice_record_headers(sluice_record_t *record);
const sluice_headers_t *sluice_record_headers_const(const sluice_record_t *record);

/* Source records: the source partition and offset, each a MAP with STRING
 * keys (or NULL). The setters take the map. */
const sluice_value_t *sluice_record_source_partition(const sluice_record_t *record);
void sluice_record_set_source_partition(sluice_record_t *record, sluice_value_t *partition);
const sluice_value_t *sluice_record_source_offset(const sluice_record_t *record);
void sluice_record_set_source_offset(sluice_record_t *record, sluice_value_t *offset);

/* Sink records: the Kafka offset (-1 when unset) and timestamp type, set by
 * the runtime, and the coordinates before any transform changed them. */
int64_t sluice_record_kafka_offset(const sluice_record_t *record);
void sluice_record_set_kafka_offset(sluice_record_t *record, int64_t offset);
sluice_timestamp_type_t sluice_record_timestamp_type(const sluice_record_t *record);
void sluice_record_set_timestamp_type(sluice_record_t *record, sluice_timestamp_type_t type);
const char *sluice_record_original_topic(const sluice_record_t *record);
int32_t sluice_record_original_partition(const sluice_record_t *record);
int64_t sluice_record_original_offset(const sluice_record_t *record);

/* ---- headers ----------------------------------------------------------- */

size_t sluice_headers_count(const sluice_headers_t *headers);

/* The header at i: its key, schema (may be NULL) and value (may be NULL). */
const char *sluice_headers_key_at(const sluice_headers_t *headers, size_t i);
const sluice_schema_t *sluice_headers_schema_at(const sluice_headers_t *headers, size_t i);
const sluice_value_t *sluice_headers_value_at(const sluice_headers_t *headers, size_t i);

/* Appends a header; key copied, schema referenced, value taken. Duplicate
 * keys are allowed, as in Kafka. */
void sluice_headers_add(sluice_headers_t *headers, const char *key, const sluice_schema_t *schema,
                        sluice_value_t *value);

/* The index of the last header with key, or -1. */
int sluice_headers_last_index(const sluice_headers_t *headers, const char *key);

/* Removes every header with key; returns how many were removed. */
size_t sluice_headers_remove(sluice_headers_t *headers, const char *key);

/* Removes every header. */
void sluice_headers_clear(sluice_headers_t *headers);

/* ---- record lists ------------------------------------------------------ */

/* Appends record to the list, taking it. A source task's poll adds its
 * records to the list the runtime passes in. */
void sluice_records_add(sluice_records_t *records, sluice_record_t *record);

size_t sluice_records_count(const sluice_records_t *records);

/* The record at i (borrowed). */
sluice_record_t *sluice_records_at(const sluice_records_t *records, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_RECORD_H */
