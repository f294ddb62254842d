/*
 * sluice_record_t: Kafka Connect's ConnectRecord with the SourceRecord and
 * SinkRecord extras in one type, its headers, and the record lists passed
 * between the runtime and tasks.
 *
 * A record has a handful of headers at most, so headers sit in an array
 * embedded in the record and lookups by key are linear. The topic a record
 * is made with is stored right after it, in the same allocation: sources
 * make a record per line or row, and every malloc() shows.
 */
#include <sluice/record.h>

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "record_list.h"

typedef struct record_header {
    char *key;
    const sluice_schema_t *schema;
    sluice_value_t *value;
} record_header_t;

struct sluice_headers {
    record_header_t *items;
    size_t count;
    size_t cap;
};

struct sluice_record {
    char *topic; /* record_topic_inline(record) until the topic is changed */
    int32_t partition;
    int32_t original_partition;
    sluice_timestamp_type_t timestamp_type;
    int64_t timestamp;
    int64_t kafka_offset;
    int64_t original_offset;
    char *original_topic;
    const sluice_schema_t *key_schema;
    const sluice_schema_t *value_schema;
    sluice_value_t *key;
    sluice_value_t *value;
    sluice_value_t *source_partition;
    sluice_value_t *source_offset;
    sluice_headers_t headers;
};

struct sluice_records {
    sluice_record_t **items;
    size_t count;
    size_t cap;
};

/* ---- headers ------------------------------------------------------------ */

static void header_free(record_header_t *header)
{
    free(header->key);
    sluice_schema_unref(header->schema);
    sluice_value_destroy(header->value);
}

size_t sluice_headers_count(const sluice_headers_t *headers)
{
    return headers ? headers->count : 0;
}

const char *sluice_headers_key_at(const sluice_headers_t *headers, size_t i)
{
    return headers && i < headers->count ? headers->items[i].key : NULL;
}

const sluice_schema_t *sluice_headers_schema_at(const sluice_headers_t *headers, size_t i)
{
    return headers && i < headers->count ? headers->items[i].schema : NULL;
}

const sluice_value_t *sluice_headers_value_at(const sluice_headers_t *headers, size_t i)
{
    return headers && i < headers->count ? headers->items[i].value : NULL;
}

void sluice_headers_add(sluice_headers_t *headers, const char *key, const sluice_schema_t *schema,
                        sluice_value_t *value)
{
    if (!headers || !key) {
        sluice_value_destroy(value);
        return;
    }
    mem_grow((void **)&headers->items, &headers->cap, headers->count + 1, sizeof(record_header_t));
    record_header_t *header = &headers->items[headers->count++];
    header->key = mem_strdup(key);
    header->schema = sluice_schema_ref(schema);
    header->value = value;
}

int sluice_headers_last_index(const sluice_headers_t *headers, const char *key)
{
    if (!headers || !key)
        return -1;
    for (size_t i = headers->count; i-- > 0;)
        if (strcmp(headers->items[i].key, key) == 0)
            return (int)i;
    return -1;
}

size_t sluice_headers_remove(sluice_headers_t *headers, const char *key)
{
    if (!headers || !key)
        return 0;
    size_t kept = 0;
    for (size_t i = 0; i < headers->count; i++) {
        if (strcmp(headers->items[i].key, key) == 0)
            header_free(&headers->items[i]);
        else
            headers->items[kept++] = headers->items[i];
    }
    size_t removed = headers->count - kept;
    headers->count = kept;
    return removed;
}

void sluice_headers_clear(sluice_headers_t *headers)
{
    if (!headers)
        return;
    for (size_t i = 0; i < headers->count; i++)
        header_free(&headers->items[i]);
    headers->count = 0;
}

/* ---- records ------------------------------------------------------------ */

/* Where a record keeps the topic it was made with. */
static char *record_topic_inline(const sluice_record_t *record)
{
    return (char *)(record + 1);
}

static void record_free_topic(sluice_record_t *record)
{
    if (record->topic != record_topic_inline(record))
        free(record->topic);
}

/* A record with every field zero but the topic (copied after it; NULL
 * stays NULL). */
static sluice_record_t *record_alloc(const char *topic)
{
    size_t len = topic ? strlen(topic) + 1 : 0;
    sluice_record_t *record = mem_alloc(sizeof(*record) + len);
    memset(record, 0, sizeof(*record));
    if (topic) {
        record->topic = record_topic_inline(record);
        memcpy(record->topic, topic, len);
    }
    return record;
}

sluice_record_t *sluice_record_new(const char *topic)
{
    sluice_record_t *record = record_alloc(topic);
    record->partition = -1;
    record->original_partition = -1;
    record->timestamp = -1;
    record->timestamp_type = SLUICE_TIMESTAMP_NONE;
    record->kafka_offset = -1;
    record->original_offset = -1;
    return record;
}

void sluice_record_destroy(sluice_record_t *record)
{
    if (!record)
        return;
    record_free_topic(record);
    free(record->original_topic);
    sluice_schema_unref(record->key_schema);
    sluice_schema_unref(record->value_schema);
    sluice_value_destroy(record->key);
    sluice_value_destroy(record->value);
    sluice_value_destroy(record->source_partition);
    sluice_value_destroy(record->source_offset);
    sluice_headers_clear(&record->headers);
    free(record->headers.items);
    free(record);
}

sluice_record_t *sluice_record_copy(const sluice_record_t *record)
{
    if (!record)
        return NULL;
    sluice_record_t *copy = record_alloc(record->topic);
    char *topic = copy->topic;
    *copy = *record;
    copy->topic = topic;
    copy->original_topic = mem_strdup(record->original_topic);
    sluice_schema_ref(record->key_schema);
    sluice_schema_ref(record->value_schema);
    copy->key = sluice_value_copy(record->key);
    copy->value = sluice_value_copy(record->value);
    copy->source_partition = sluice_value_copy(record->source_partition);
    copy->source_offset = sluice_value_copy(record->source_offset);
    copy->headers.items = NULL;
    copy->headers.count = 0;
    copy->headers.cap = 0;
    for (size_t i = 0; i < record->headers.count; i++) {
        const record_header_t *h = &record->headers.items[i];
        sluice_headers_add(&copy->headers, h->key, h->schema, sluice_value_copy(h->value));
    }
    return copy;
}

const char *sluice_record_topic(const sluice_record_t *record)
{
    return record ? record->topic : NULL;
}

void sluice_record_set_topic(sluice_record_t *record, const char *topic)
{
    if (!record)
        return;
    char *copy = mem_strdup(topic); /* before the free: topic may be our own */
    record_free_topic(record);
    record->topic = copy;
}

int32_t sluice_record_partition(const sluice_record_t *record)
{
    return record ? record->partition : -1;
}

void sluice_record_set_partition(sluice_record_t *record, int32_t partition)
{
    if (record)
        record->partition = partition < 0 ? -1 : partition;
}

const sluice_schema_t *sluice_record_key_schema(const sluice_record_t *record)
{
    return record ? record->key_schema : NULL;
}

const sluice_value_t *sluice_record_key(const sluice_record_t *record)
{
    return record ? record->key : NULL;
}

/* Replaces a schema slot; the new reference is taken first so that setting
 * the schema already held does not free it on the way. */
static void record_swap_schema(const sluice_schema_t **slot, const sluice_schema_t *schema)
{
    sluice_schema_ref(schema);
    sluice_schema_unref(*slot);
    *slot = schema;
}

/* Replaces a value slot; setting the value already held keeps it. */
static void record_swap_value(sluice_value_t **slot, sluice_value_t *value)
{
    if (*slot != value)
        sluice_value_destroy(*slot);
    *slot = value;
}

void sluice_record_set_key(sluice_record_t *record, const sluice_schema_t *schema,
                           sluice_value_t *key)
{
    if (!record) {
        sluice_value_destroy(key);
        return;
    }
    record_swap_schema(&record->key_schema, schema);
    record_swap_value(&record->key, key);
}

const sluice_schema_t *sluice_record_value_schema(const sluice_record_t *record)
{
    return record ? record->value_schema : NULL;
}

const sluice_value_t *sluice_record_value(const sluice_record_t *record)
{
    return record ? record->value : NULL;
}

void sluice_record_set_value(sluice_record_t *record, const sluice_schema_t *schema,
                             sluice_value_t *value)
{
    if (!record) {
        sluice_value_destroy(value);
        return;
    }
    record_swap_schema(&record->value_schema, schema);
    record_swap_value(&record->value, value);
}

sluice_value_t *sluice_record_take_key(sluice_record_t *record)
{
    if (!record)
        return NULL;
    sluice_value_t *key = record->key;
    record->key = NULL;
    return key;
}

sluice_value_t *sluice_record_take_value(sluice_record_t *record)
{
    if (!record)
        return NULL;
    sluice_value_t *value = record->value;
    record->value = NULL;
    return value;
}

int64_t sluice_record_timestamp(const sluice_record_t *record)
{
    return record ? record->timestamp : -1;
}

void sluice_record_set_timestamp(sluice_record_t *record, int64_t timestamp_ms)
{
    if (record)
        record->timestamp = timestamp_ms < 0 ? -1 : timestamp_ms;
}

sluice_headers_t *sluice_record_headers(sluice_record_t *record)
{
    return record ? &record->headers : NULL;
}

const sluice_headers_t *sluice_record_headers_const(const sluice_record_t *record)
{
    return record ? &record->headers : NULL;
}

const sluice_value_t *sluice_record_source_partition(const sluice_record_t *record)
{
    return record ? record->source_partition : NULL;
}

void sluice_record_set_source_partition(sluice_record_t *record, sluice_value_t *partition)
{
    if (!record) {
        sluice_value_destroy(partition);
        return;
    }
    record_swap_value(&record->source_partition, partition);
}

const sluice_value_t *sluice_record_source_offset(const sluice_record_t *record)
{
    return record ? record->source_offset : NULL;
}

sluice_value_t *record_take_source_offset(sluice_record_t *record)
{
    if (!record)
        return NULL;
    sluice_value_t *offset = record->source_offset;
    record->source_offset = NULL;
    return offset;
}

void sluice_record_set_source_offset(sluice_record_t *record, sluice_value_t *offset)
{
    if (!record) {
        sluice_value_destroy(offset);
        return;
    }
    record_swap_value(&record->source_offset, offset);
}

int64_t sluice_record_kafka_offset(const sluice_record_t *record)
{
    return record ? record->kafka_offset : -1;
}

void sluice_record_set_kafka_offset(sluice_record_t *record, int64_t offset)
{
    if (record)
        record->kafka_offset = offset < 0 ? -1 : offset;
}

sluice_timestamp_type_t sluice_record_timestamp_type(const sluice_record_t *record)
{
    return record ? record->timestamp_type : SLUICE_TIMESTAMP_NONE;
}

void sluice_record_set_timestamp_type(sluice_record_t *record, sluice_timestamp_type_t type)
{
    if (!record)
        return;
    if (type != SLUICE_TIMESTAMP_CREATE_TIME && type != SLUICE_TIMESTAMP_LOG_APPEND_TIME)
        type = SLUICE_TIMESTAMP_NONE;
    record->timestamp_type = type;
}

const char *sluice_record_original_topic(const sluice_record_t *record)
{
    if (!record)
        return NULL;
    return record->original_topic ? record->original_topic : record->topic;
}

int32_t sluice_record_original_partition(const sluice_record_t *record)
{
    if (!record)
        return -1;
    return record->original_partition >= 0 ? record->original_partition : record->partition;
}

int64_t sluice_record_original_offset(const sluice_record_t *record)
{
    if (!record)
        return -1;
    return record->original_offset >= 0 ? record->original_offset : record->kafka_offset;
}

void record_set_original(sluice_record_t *record, const char *topic, int32_t partition,
                         int64_t offset)
{
    if (!record)
        return;
    char *copy = mem_strdup(topic);
    free(record->original_topic);
    record->original_topic = copy;
    record->original_partition = partition < 0 ? -1 : partition;
    record->original_offset = offset < 0 ? -1 : offset;
}

/* ---- record lists ------------------------------------------------------- */

sluice_records_t *records_new(void)
{
    return mem_calloc(1, sizeof(sluice_records_t));
}

void records_clear(sluice_records_t *records)
{
    if (!records)
        return;
    for (size_t i = 0; i < records->count; i++)
        sluice_record_destroy(records->items[i]);
    records->count = 0;
}

sluice_record_t *records_take_at(sluice_records_t *records, size_t i)
{
    if (!records || i >= records->count)
        return NULL;
    sluice_record_t *record = records->items[i];
    records->items[i] = NULL;
    return record;
}

void records_destroy(sluice_records_t *records)
{
    if (!records)
        return;
    records_clear(records);
    free(records->items);
    free(records);
}

void sluice_records_add(sluice_records_t *records, sluice_record_t *record)
{
    if (!records || !record) {
        sluice_record_destroy(record);
        return;
    }
    mem_grow((void **)&records->items, &records->cap, records->count + 1,
             sizeof(sluice_record_t *));
    records->items[records->count++] = record;
}

size_t sluice_records_count(const sluice_records_t *records)
{
    return records ? records->count : 0;
}

sluice_record_t *sluice_records_at(const sluice_records_t *records, size_t i)
{
    return records && i < records->count ? records->items[i] : NULL;
}
