/*
 * Host-side parts of records that plugins never see: making and emptying the
 * record lists the runtime hands to a source task's poll, and recording a
 * sink record's coordinates before transforms run.
 */
#ifndef WORKER_RECORD_LIST_H
#define WORKER_RECORD_LIST_H

#include <sluice/record.h>

/* A new empty list; free it with records_destroy(). */
sluice_records_t *records_new(void);

/* Frees the list and every record it holds. NULL does nothing. */
void records_destroy(sluice_records_t *records);

/* Destroys every record held and empties the list; keeps its allocation so
 * the next poll reuses it. */
void records_clear(sluice_records_t *records);

/*
 * Sets what sluice_record_original_topic/_partition/_offset return: the
 * Kafka coordinates a sink record had when it was consumed (topic copied;
 * NULL, -1 and -1 mean "unset"). Until they are set those getters return
 * the record's current topic, partition and Kafka offset, as a SinkRecord
 * built without them does in Kafka.
 */
/* Takes the record at i out of the list, leaving an empty slot that clear
 * skips (sluice_record_destroy(NULL) does nothing); NULL when out of range. */
sluice_record_t *records_take_at(sluice_records_t *records, size_t i);

/* Detaches the record's source offset (the caller owns it), leaving none. */
sluice_value_t *record_take_source_offset(sluice_record_t *record);

void record_set_original(sluice_record_t *record, const char *topic, int32_t partition,
                         int64_t offset);

#endif
