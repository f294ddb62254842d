/* offset_tracker: an offset is committable only when it and every earlier
 * record of its source partition are acknowledged. */
#include <pthread.h>
#include <stdlib.h>

#include <sluice/value.h>

#include "offset_tracker.h"
#include "test_util.h"

static sluice_value_t *part(const char *filename)
{
    sluice_value_t *p = sluice_value_map_new();
    sluice_value_map_put_str(p, "filename", sluice_value_cstring(filename));
    return p;
}

static sluice_value_t *pos(int64_t n)
{
    sluice_value_t *o = sluice_value_map_new();
    sluice_value_map_put_str(o, "position", sluice_value_int64(n));
    return o;
}

static offset_tracker_record_t *add(offset_tracker_t *t, const char *filename, int64_t n)
{
    sluice_value_t *p = part(filename);
    offset_tracker_record_t *r = offset_tracker_add(t, p, pos(n));
    sluice_value_destroy(p);
    return r;
}

/* The committed position of filename in a committable() result, -1 when
 * absent; the entries are freed. */
static int64_t take(offset_tracker_t *t, const char *filename)
{
    offset_store_entry_t *e;
    size_t n = offset_tracker_committable(t, &e);
    int64_t found = -1;
    sluice_value_t *p = part(filename);
    for (size_t i = 0; i < n; i++)
        if (sluice_value_equals(e[i].partition, p))
            found = sluice_value_get_int64(sluice_value_map_get_str(e[i].offset, "position"));
    sluice_value_destroy(p);
    offset_store_entries_free(e, n);
    return found;
}

static void test_in_order_acks(void)
{
    offset_tracker_t *t = offset_tracker_new();
    offset_tracker_record_t *r[5];
    for (int i = 0; i < 5; i++)
        r[i] = add(t, "/a", (i + 1) * 10);
    CU_ASSERT_EQUAL(take(t, "/a"), -1);
    offset_tracker_ack(r[0]);
    offset_tracker_ack(r[1]);
    CU_ASSERT_EQUAL(take(t, "/a"), 20);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 3);
    /* Nothing new acked: nothing to commit. */
    CU_ASSERT_EQUAL(take(t, "/a"), -1);
    offset_tracker_ack(r[2]);
    offset_tracker_ack(r[3]);
    offset_tracker_ack(r[4]);
    CU_ASSERT_EQUAL(take(t, "/a"), 50);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 0);
    offset_tracker_destroy(t);
}

static void test_out_of_order_acks_wait_for_gap(void)
{
    offset_tracker_t *t = offset_tracker_new();
    offset_tracker_record_t *r[4];
    for (int i = 0; i < 4; i++)
        r[i] = add(t, "/a", i + 1);
    offset_tracker_ack(r[3]);
    offset_tracker_ack(r[1]);
    CU_ASSERT_EQUAL(take(t, "/a"), -1); /* record 1 still in flight */
    offset_tracker_ack(r[0]);
    CU_ASSERT_EQUAL(take(t, "/a"), 2); /* record 3 still in flight */
    offset_tracker_ack(r[2]);
    CU_ASSERT_EQUAL(take(t, "/a"), 4);
    offset_tracker_destroy(t);
}

static void test_partitions_independent(void)
{
    offset_tracker_t *t = offset_tracker_new();
    offset_tracker_record_t *a1 = add(t, "/a", 1);
    offset_tracker_record_t *b1 = add(t, "/b", 100);
    offset_tracker_record_t *a2 = add(t, "/a", 2);
    offset_tracker_record_t *b2 = add(t, "/b", 200);
    offset_tracker_ack(b1);
    offset_tracker_ack(b2);
    offset_tracker_ack(a2);

    offset_store_entry_t *e;
    size_t n = offset_tracker_committable(t, &e);
    CU_ASSERT_EQUAL_FATAL(n, 1); /* /a is held back by its first record */
    sluice_value_t *pb = part("/b");
    CU_ASSERT(sluice_value_equals(e[0].partition, pb));
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(e[0].offset, "position")), 200);
    offset_store_entries_free(e, n);
    sluice_value_destroy(pb);

    offset_tracker_ack(a1);
    CU_ASSERT_EQUAL(take(t, "/a"), 2);
    offset_tracker_destroy(t);
}

/* Partitions are compared by value, key order aside, like Java maps. */
static void test_partition_equality_by_value(void)
{
    offset_tracker_t *t = offset_tracker_new();
    sluice_value_t *p1 = sluice_value_map_new();
    sluice_value_map_put_str(p1, "db", sluice_value_cstring("x"));
    sluice_value_map_put_str(p1, "table", sluice_value_cstring("t"));
    sluice_value_t *p2 = sluice_value_map_new();
    sluice_value_map_put_str(p2, "table", sluice_value_cstring("t"));
    sluice_value_map_put_str(p2, "db", sluice_value_cstring("x"));
    offset_tracker_record_t *r1 = offset_tracker_add(t, p1, pos(1));
    offset_tracker_record_t *r2 = offset_tracker_add(t, p2, pos(2));
    offset_tracker_ack(r2);
    offset_store_entry_t *e;
    CU_ASSERT_EQUAL(offset_tracker_committable(t, &e), 0); /* r1 is before r2 */
    offset_tracker_ack(r1);
    size_t n = offset_tracker_committable(t, &e);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(e[0].offset, "position")), 2);
    offset_store_entries_free(e, n);
    sluice_value_destroy(p1);
    sluice_value_destroy(p2);
    offset_tracker_destroy(t);
}

static void test_failed_delivery_blocks(void)
{
    offset_tracker_t *t = offset_tracker_new();
    offset_tracker_record_t *r1 = add(t, "/a", 1);
    offset_tracker_record_t *r2 = add(t, "/a", 2);
    offset_tracker_record_t *r3 = add(t, "/a", 3);
    offset_tracker_record_t *b = add(t, "/b", 9);
    offset_tracker_ack(r1);
    offset_tracker_fail(r2);
    offset_tracker_ack(r3);
    offset_tracker_ack(b);
    CU_ASSERT(offset_tracker_has_failed(t));
    CU_ASSERT_EQUAL(take(t, "/a"), 1);
    /* Never past the failed record, however often we ask. */
    CU_ASSERT_EQUAL(take(t, "/a"), -1);
    offset_tracker_record_t *r4 = add(t, "/a", 4);
    offset_tracker_ack(r4);
    CU_ASSERT_EQUAL(take(t, "/a"), -1);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 3);
    offset_tracker_destroy(t); /* frees the blocked records */
}

/* Null offsets commit as tombstones; records without a partition commit
 * nothing but do not disturb the others. */
static void test_null_partition_and_offset(void)
{
    offset_tracker_t *t = offset_tracker_new();
    offset_tracker_record_t *n1 = offset_tracker_add(t, NULL, NULL);
    sluice_value_t *p = part("/a");
    offset_tracker_record_t *a = offset_tracker_add(t, p, NULL);
    offset_tracker_ack(n1);
    offset_tracker_ack(a);
    offset_store_entry_t *e;
    size_t n = offset_tracker_committable(t, &e);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT(sluice_value_equals(e[0].partition, p));
    CU_ASSERT(e[0].offset == NULL);
    offset_store_entries_free(e, n);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 0);
    sluice_value_destroy(p);
    offset_tracker_destroy(t);
}

/* 1,000,000 records through a window of 1,000 in flight: memory stays at
 * the window, not the total. */
static void test_memory_bounded(void)
{
    enum { WINDOW = 1000, TOTAL = 1000000 };
    offset_tracker_t *t = offset_tracker_new();
    sluice_value_t *p[3] = {part("/a"), part("/b"), part("/c")};
    offset_tracker_record_t **win = calloc(WINDOW, sizeof *win);
    size_t peak = 0;
    int64_t last = -1;
    for (int i = 0; i < TOTAL; i++) {
        win[i % WINDOW] = offset_tracker_add(t, p[i % 3], pos(i));
        if (i % WINDOW == WINDOW - 1) {
            /* Acknowledge the window backwards, the worst order. */
            for (int j = WINDOW - 1; j >= 0; j--)
                offset_tracker_ack(win[j]);
            offset_store_entry_t *e;
            size_t n = offset_tracker_committable(t, &e);
            CU_ASSERT_EQUAL(n, 3);
            for (size_t k = 0; k < n; k++) {
                int64_t v =
                    sluice_value_get_int64(sluice_value_map_get_str(e[k].offset, "position"));
                if (v > last)
                    last = v;
            }
            offset_store_entries_free(e, n);
            size_t alloc = offset_tracker_allocated(t);
            if (alloc > peak)
                peak = alloc;
        }
    }
    CU_ASSERT_EQUAL(last, TOTAL - 1);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 0);
    CU_ASSERT(peak <= WINDOW);
    for (int i = 0; i < 3; i++)
        sluice_value_destroy(p[i]);
    free(win);
    offset_tracker_destroy(t);
}

/* A long offset flush interval: acknowledged records are let go as new ones
 * come, so memory stays at the window without any committable(), and the
 * commit still gets the newest offset. */
static void test_memory_bounded_between_commits(void)
{
    enum { WINDOW = 500, TOTAL = 200000 };
    offset_tracker_t *t = offset_tracker_new();
    sluice_value_t *p = part("/a");
    offset_tracker_record_t **win = calloc(WINDOW, sizeof *win);
    size_t peak = 0;
    for (int i = 0; i < TOTAL; i++) {
        if (i >= WINDOW)
            offset_tracker_ack(win[i % WINDOW]); /* the oldest in flight lands */
        win[i % WINDOW] = offset_tracker_add(t, p, pos(i));
        size_t alloc = offset_tracker_allocated(t);
        if (alloc > peak)
            peak = alloc;
    }
    CU_ASSERT(peak <= WINDOW + 1);
    /* Not yet committed, so still pending. */
    CU_ASSERT_EQUAL(offset_tracker_pending(t), TOTAL);
    CU_ASSERT_EQUAL(take(t, "/a"), TOTAL - WINDOW - 1);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), WINDOW);
    for (int i = 0; i < WINDOW; i++)
        offset_tracker_ack(win[i]);
    CU_ASSERT_EQUAL(take(t, "/a"), TOTAL - 1);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 0);
    sluice_value_destroy(p);
    free(win);
    offset_tracker_destroy(t);
}

/* A shared partition (one value every record of a source carries) is
 * recognised and committed like an equal copy. */
static void test_shared_partition(void)
{
    offset_tracker_t *t = offset_tracker_new();
    sluice_value_t *p = part("/a");
    offset_tracker_record_t *r[3];
    for (int i = 0; i < 3; i++) {
        sluice_value_t *ref = sluice_value_ref(p);
        r[i] = offset_tracker_add(t, ref, pos(i));
        sluice_value_destroy(ref); /* the record that carried it is gone */
    }
    sluice_value_destroy(p);
    offset_tracker_ack(r[0]);
    offset_tracker_ack(r[2]);
    CU_ASSERT_EQUAL(take(t, "/a"), 0);
    offset_tracker_ack(r[1]);
    CU_ASSERT_EQUAL(take(t, "/a"), 2);
    offset_tracker_destroy(t);
}

/* Acks from another thread, as librdkafka's delivery reports come, while
 * the task thread keeps adding and committing. */
#define THREADED_TOTAL 200000

struct acker {
    offset_tracker_record_t **records;
    int *ready; /* records[i] valid once ready > i */
};

static void *acker_main(void *arg)
{
    struct acker *a = arg;
    for (int i = 0; i < THREADED_TOTAL; i++) {
        while (__atomic_load_n(a->ready, __ATOMIC_ACQUIRE) <= i)
            ;
        offset_tracker_ack(a->records[i]);
    }
    return NULL;
}

static void test_acks_from_another_thread(void)
{
    offset_tracker_t *t = offset_tracker_new();
    offset_tracker_record_t **records = calloc(THREADED_TOTAL, sizeof *records);
    int ready = 0;
    struct acker a = {records, &ready};
    pthread_t th;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, acker_main, &a), 0);
    sluice_value_t *p = part("/a");
    int64_t last = -1;
    for (int i = 0; i < THREADED_TOTAL; i++) {
        records[i] = offset_tracker_add(t, p, pos(i));
        __atomic_store_n(&ready, i + 1, __ATOMIC_RELEASE);
        if (i % 5000 == 0) {
            offset_store_entry_t *e;
            size_t n = offset_tracker_committable(t, &e);
            if (n) {
                int64_t v =
                    sluice_value_get_int64(sluice_value_map_get_str(e[0].offset, "position"));
                CU_ASSERT(v >= last && v <= i);
                last = v;
            }
            offset_store_entries_free(e, n);
        }
    }
    pthread_join(th, NULL);
    offset_store_entry_t *e;
    size_t n = offset_tracker_committable(t, &e);
    if (n)
        last = sluice_value_get_int64(sluice_value_map_get_str(e[0].offset, "position"));
    offset_store_entries_free(e, n);
    CU_ASSERT_EQUAL(last, THREADED_TOTAL - 1);
    CU_ASSERT_EQUAL(offset_tracker_pending(t), 0);
    sluice_value_destroy(p);
    free(records);
    offset_tracker_destroy(t);
}

void test_register(void)
{
    TEST_SUITE("offset_tracker", {"in-order acks", test_in_order_acks},
               {"out-of-order acks wait for the gap", test_out_of_order_acks_wait_for_gap},
               {"partitions are independent", test_partitions_independent},
               {"partitions compare by value", test_partition_equality_by_value},
               {"failed delivery blocks its partition", test_failed_delivery_blocks},
               {"null partition and offset", test_null_partition_and_offset},
               {"memory bounded over 1,000,000 records", test_memory_bounded},
               {"memory bounded between commits", test_memory_bounded_between_commits},
               {"a shared partition", test_shared_partition},
               {"acks from another thread", test_acks_from_another_thread});
}
