/*
 * Idempotent producers: per partition and producer id, the epoch and the
 * last five batches' sequence ranges with the offsets they got (Kafka's
 * ProducerStateEntry.NUM_BATCHES_TO_RETAIN), so a retried batch is
 * acknowledged with its original offsets instead of being appended twice,
 * and a gap is refused. Network thread.
 *
 * The state lives in memory only: after a restart a producer id is unknown,
 * and its next batch is accepted whatever its sequence (as Kafka does once
 * a producer's state has expired), which loses deduplication only for
 * retries that straddle the restart.
 */
#ifndef BROKER_PRODUCER_STATE_H
#define BROKER_PRODUCER_STATE_H

#include <stdint.h>

#include "kafka_error.h"

typedef struct broker_producers broker_producers_t;

broker_producers_t *broker_producers_new(void);
void broker_producers_destroy(broker_producers_t *producers);

/*
 * Checks a batch of producer pid/epoch with sequences first..first+count-1
 * for topic/partition before it is appended. Returns KAFKA_ERR_NONE (append
 * it), DUPLICATE_SEQUENCE_NUMBER with *dup_base_offset set (a retry of a
 * batch already appended: answer success with that offset, append
 * nothing), INVALID_PRODUCER_EPOCH or OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
kafka_error_t broker_producers_check(broker_producers_t *producers, const char *topic,
                                     int32_t partition, int64_t pid, int16_t epoch,
                                     int32_t first_seq, int32_t count, int64_t *dup_base_offset);

/* Records an appended batch (after broker_producers_check said NONE). */
void broker_producers_record(broker_producers_t *producers, const char *topic, int32_t partition,
                             int64_t pid, int16_t epoch, int32_t first_seq, int32_t count,
                             int64_t base_offset);

/* Forgets every producer of a topic (deleted). */
void broker_producers_forget_topic(broker_producers_t *producers, const char *topic);

#endif
