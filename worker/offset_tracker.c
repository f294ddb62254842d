/*
 * offset_tracker: per-partition queues of in-flight records, committed from
 * the head as acknowledgements arrive. See offset_tracker.h.
 *
 * The delivery report thread only flips a record's state with a release
 * store; everything structural (queues, the partition table, the free list)
 * belongs to whoever holds the mutex. A record is unlinked only after its
 * acquire-loaded state says it was acked, and ack touches nothing after its
 * store, so a committed record can be reused at once.
 */
#include "offset_tracker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "value_internal.h"

/* How many committed records to keep for reuse: enough for the steady state
 * of a busy task, small enough (~40 bytes each) not to matter. */
#define TRACKER_FREE_MAX 16384

enum { REC_PENDING, REC_ACKED, REC_FAILED };

typedef struct tracker_partition tracker_partition_t;

struct offset_tracker_record {
    offset_tracker_record_t *next; /* in the partition's queue, or the free list */
    tracker_partition_t *part;
    sluice_value_t *offset;
    atomic_int state;
};

struct tracker_partition {
    sluice_value_t *partition; /* NULL for records without one */
    uint64_t hash;
    tracker_partition_t *hnext;
    offset_tracker_record_t *head, *tail;
    offset_tracker_t *tracker;
    /* The acknowledged run already taken off the head of the queue by
     * part_compact: its last offset, and how many records it held. */
    sluice_value_t *done_offset;
    size_t done;
};

struct offset_tracker {
    pthread_mutex_t lock;
    tracker_partition_t **buckets;
    size_t nbuckets; /* a power of two */
    size_t nparts;
    tracker_partition_t *last; /* the previous add's partition: usually the next one's */
    offset_tracker_record_t *free_list;
    size_t nfree;
    size_t pending; /* added and not committed, the compacted ones included */
    size_t done;    /* compacted and not committed (their records are released) */
    atomic_bool failed;
};

/* ---- the partition table (lock held) ------------------------------------- */

static tracker_partition_t *part_find_or_add(offset_tracker_t *tracker,
                                             const sluice_value_t *partition)
{
    tracker_partition_t *last = tracker->last;
    if (last && (last->partition == partition || sluice_value_equals(last->partition, partition)))
        return last;
    uint64_t hash = value_hash(partition);
    tracker_partition_t *p = tracker->buckets[hash & (tracker->nbuckets - 1)];
    for (; p; p = p->hnext)
        if (p->hash == hash && sluice_value_equals(p->partition, partition))
            return tracker->last = p;

    if (tracker->nparts >= tracker->nbuckets) {
        size_t n = tracker->nbuckets * 2;
        tracker_partition_t **buckets = mem_calloc(n, sizeof *buckets);
        for (size_t i = 0; i < tracker->nbuckets; i++) {
            for (tracker_partition_t *q = tracker->buckets[i], *next; q; q = next) {
                next = q->hnext;
                q->hnext = buckets[q->hash & (n - 1)];
                buckets[q->hash & (n - 1)] = q;
            }
        }
        free(tracker->buckets);
        tracker->buckets = buckets;
        tracker->nbuckets = n;
    }
    p = mem_calloc(1, sizeof *p);
    /* A shared partition cannot change: keeping a reference to it makes the
     * next add of the same value a pointer comparison. */
    p->partition =
        value_is_shared(partition) ? sluice_value_ref(partition) : sluice_value_copy(partition);
    p->hash = hash;
    p->tracker = tracker;
    p->hnext = tracker->buckets[hash & (tracker->nbuckets - 1)];
    tracker->buckets[hash & (tracker->nbuckets - 1)] = p;
    tracker->nparts++;
    return tracker->last = p;
}

static void record_release(offset_tracker_t *tracker, offset_tracker_record_t *rec)
{
    sluice_value_destroy(rec->offset);
    rec->offset = NULL;
    if (tracker->nfree < TRACKER_FREE_MAX) {
        rec->next = tracker->free_list;
        tracker->free_list = rec;
        tracker->nfree++;
    } else {
        free(rec);
    }
}

/*
 * Takes the acknowledged records off the head of p's queue, keeping only
 * the last one's offset (in p->done_offset) for the next committable. Run
 * on every add, so a busy task holds its in-flight window, not everything
 * acknowledged since the last offset flush (tens of seconds of records).
 */
static void part_compact(offset_tracker_t *tracker, tracker_partition_t *p)
{
    offset_tracker_record_t *rec;
    while ((rec = p->head) &&
           atomic_load_explicit(&rec->state, memory_order_acquire) == REC_ACKED) {
        p->head = rec->next;
        sluice_value_destroy(p->done_offset);
        p->done_offset = rec->offset;
        rec->offset = NULL;
        p->done++;
        tracker->done++;
        record_release(tracker, rec);
    }
    if (!p->head)
        p->tail = NULL;
}

/* ---- API ----------------------------------------------------------------- */

offset_tracker_t *offset_tracker_new(void)
{
    offset_tracker_t *tracker = mem_calloc(1, sizeof *tracker);
    pthread_mutex_init(&tracker->lock, NULL);
    tracker->nbuckets = 8;
    tracker->buckets = mem_calloc(tracker->nbuckets, sizeof *tracker->buckets);
    atomic_init(&tracker->failed, false);
    return tracker;
}

void offset_tracker_destroy(offset_tracker_t *tracker)
{
    if (!tracker)
        return;
    for (size_t i = 0; i < tracker->nbuckets; i++) {
        for (tracker_partition_t *p = tracker->buckets[i], *pnext; p; p = pnext) {
            pnext = p->hnext;
            for (offset_tracker_record_t *r = p->head, *rnext; r; r = rnext) {
                rnext = r->next;
                sluice_value_destroy(r->offset);
                free(r);
            }
            sluice_value_destroy(p->done_offset);
            sluice_value_destroy(p->partition);
            free(p);
        }
    }
    for (offset_tracker_record_t *r = tracker->free_list, *next; r; r = next) {
        next = r->next;
        free(r);
    }
    free(tracker->buckets);
    pthread_mutex_destroy(&tracker->lock);
    free(tracker);
}

offset_tracker_record_t *offset_tracker_add(offset_tracker_t *tracker,
                                            const sluice_value_t *partition, sluice_value_t *offset)
{
    pthread_mutex_lock(&tracker->lock);
    offset_tracker_record_t *rec = tracker->free_list;
    if (rec) {
        tracker->free_list = rec->next;
        tracker->nfree--;
    } else {
        rec = mem_alloc(sizeof *rec);
    }
    tracker_partition_t *p = part_find_or_add(tracker, partition);
    part_compact(tracker, p);
    rec->next = NULL;
    rec->part = p;
    rec->offset = offset;
    atomic_store_explicit(&rec->state, REC_PENDING, memory_order_relaxed);
    if (p->tail)
        p->tail->next = rec;
    else
        p->head = rec;
    p->tail = rec;
    tracker->pending++;
    pthread_mutex_unlock(&tracker->lock);
    return rec;
}

void offset_tracker_ack(offset_tracker_record_t *record)
{
    atomic_store_explicit(&record->state, REC_ACKED, memory_order_release);
}

void offset_tracker_fail(offset_tracker_record_t *record)
{
    /* Read the tracker before the store: once the state is visible the
     * record is not ours to touch. A failed record is never committed, so
     * it could not be reused anyway, but keep the rule simple. */
    offset_tracker_t *tracker = record->part->tracker;
    atomic_store_explicit(&tracker->failed, true, memory_order_relaxed);
    atomic_store_explicit(&record->state, REC_FAILED, memory_order_release);
}

size_t offset_tracker_committable(offset_tracker_t *tracker, offset_store_entry_t **entries)
{
    size_t n = 0, cap = 0;
    *entries = NULL;
    pthread_mutex_lock(&tracker->lock);
    for (size_t i = 0; i < tracker->nbuckets; i++) {
        tracker_partition_t **pp = &tracker->buckets[i];
        while (*pp) {
            tracker_partition_t *p = *pp;
            part_compact(tracker, p);
            if (p->done) {
                if (p->partition) {
                    mem_grow((void **)entries, &cap, n + 1, sizeof **entries);
                    (*entries)[n].partition = sluice_value_copy(p->partition);
                    (*entries)[n].offset = p->done_offset;
                    n++;
                } else {
                    sluice_value_destroy(p->done_offset);
                }
                p->done_offset = NULL;
                tracker->pending -= p->done;
                tracker->done -= p->done;
                p->done = 0;
            }
            if (!p->head) {
                /* Forget idle partitions, as Kafka does, so that a task
                 * touching ever new partitions stays bounded. */
                *pp = p->hnext;
                if (tracker->last == p)
                    tracker->last = NULL;
                tracker->nparts--;
                sluice_value_destroy(p->partition);
                free(p);
            } else {
                pp = &p->hnext;
            }
        }
    }
    pthread_mutex_unlock(&tracker->lock);
    return n;
}

size_t offset_tracker_pending(offset_tracker_t *tracker)
{
    pthread_mutex_lock(&tracker->lock);
    size_t n = tracker->pending;
    pthread_mutex_unlock(&tracker->lock);
    return n;
}

bool offset_tracker_has_failed(offset_tracker_t *tracker)
{
    return atomic_load_explicit(&tracker->failed, memory_order_relaxed);
}

size_t offset_tracker_allocated(offset_tracker_t *tracker)
{
    pthread_mutex_lock(&tracker->lock);
    size_t n = tracker->pending - tracker->done + tracker->nfree;
    pthread_mutex_unlock(&tracker->lock);
    return n;
}
