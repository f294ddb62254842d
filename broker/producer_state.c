#include "producer_state.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define PRODUCER_BATCHES 5

typedef struct producer_batch {
    int32_t first_seq;
    int32_t last_seq;
    int64_t base_offset;
} producer_batch_t;

typedef struct producer_entry {
    char *topic;
    int32_t partition;
    int64_t pid;
    int16_t epoch;
    producer_batch_t batches[PRODUCER_BATCHES]; /* a ring; newest at head-1 */
    int head;
    int count;
} producer_entry_t;

/* A handful of producers per broker is the norm, so a linear scan suffices. */
struct broker_producers {
    producer_entry_t *items;
    size_t count;
    size_t cap;
};

broker_producers_t *broker_producers_new(void)
{
    return mem_calloc(1, sizeof(broker_producers_t));
}

void broker_producers_destroy(broker_producers_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        free(p->items[i].topic);
    free(p->items);
    free(p);
}

static producer_entry_t *producers_find(broker_producers_t *p, const char *topic, int32_t partition,
                                        int64_t pid)
{
    for (size_t i = 0; i < p->count; i++) {
        producer_entry_t *e = &p->items[i];
        if (e->pid == pid && e->partition == partition && strcmp(e->topic, topic) == 0)
            return e;
    }
    return NULL;
}

/* Sequences wrap at INT32_MAX back to 0, as Kafka's do. */
static int32_t seq_add(int32_t seq, int32_t n)
{
    int64_t v = (int64_t)seq + n;
    return (int32_t)(v > INT32_MAX ? v - INT32_MAX - 1 : v);
}

kafka_error_t broker_producers_check(broker_producers_t *p, const char *topic, int32_t partition,
                                     int64_t pid, int16_t epoch, int32_t first_seq, int32_t count,
                                     int64_t *dup_base_offset)
{
    producer_entry_t *e = producers_find(p, topic, partition, pid);
    if (!e)
        return KAFKA_ERR_NONE;
    if (epoch < e->epoch)
        return KAFKA_ERR_INVALID_PRODUCER_EPOCH;
    if (epoch > e->epoch)
        return first_seq == 0 ? KAFKA_ERR_NONE : KAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
    int32_t last_seq = seq_add(first_seq, count - 1);
    for (int i = 0; i < e->count; i++) {
        const producer_batch_t *b =
            &e->batches[(e->head - 1 - i + PRODUCER_BATCHES) % PRODUCER_BATCHES];
        if (b->first_seq == first_seq && b->last_seq == last_seq) {
            *dup_base_offset = b->base_offset;
            return KAFKA_ERR_DUPLICATE_SEQUENCE_NUMBER;
        }
    }
    if (e->count > 0) {
        const producer_batch_t *last =
            &e->batches[(e->head - 1 + PRODUCER_BATCHES) % PRODUCER_BATCHES];
        if (first_seq != seq_add(last->last_seq, 1))
            return KAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
    }
    return KAFKA_ERR_NONE;
}

void broker_producers_record(broker_producers_t *p, const char *topic, int32_t partition,
                             int64_t pid, int16_t epoch, int32_t first_seq, int32_t count,
                             int64_t base_offset)
{
    producer_entry_t *e = producers_find(p, topic, partition, pid);
    if (!e) {
        mem_grow((void **)&p->items, &p->cap, p->count + 1, sizeof(*p->items));
        e = &p->items[p->count++];
        memset(e, 0, sizeof(*e));
        e->topic = mem_strdup(topic);
        e->partition = partition;
        e->pid = pid;
        e->epoch = epoch;
    }
    if (epoch != e->epoch) {
        e->epoch = epoch;
        e->count = 0;
        e->head = 0;
    }
    e->batches[e->head] = (producer_batch_t){.first_seq = first_seq,
                                             .last_seq = seq_add(first_seq, count - 1),
                                             .base_offset = base_offset};
    e->head = (e->head + 1) % PRODUCER_BATCHES;
    if (e->count < PRODUCER_BATCHES)
        e->count++;
}

void broker_producers_forget_topic(broker_producers_t *p, const char *topic)
{
    for (size_t i = 0; i < p->count;) {
        if (strcmp(p->items[i].topic, topic) == 0) {
            free(p->items[i].topic);
            p->items[i] = p->items[--p->count];
        } else {
            i++;
        }
    }
}
