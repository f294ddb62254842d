/* Idempotent producer state: duplicates answered with the original offset,
 * gaps and stale epochs refused. */
#include "producer_state.h"
#include "test_util.h"

static void test_in_order_and_duplicates(void)
{
    broker_producers_t *p = broker_producers_new();
    int64_t dup = -1;
    /* An unknown producer is accepted at any sequence (its state may have expired). */
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 7, 0, 0, 5, &dup), KAFKA_ERR_NONE);
    broker_producers_record(p, "t", 0, 7, 0, 0, 5, 100);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 7, 0, 5, 3, &dup), KAFKA_ERR_NONE);
    broker_producers_record(p, "t", 0, 7, 0, 5, 3, 105);
    /* A retry of either batch is a duplicate with its original base offset. */
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 7, 0, 0, 5, &dup),
                    KAFKA_ERR_DUPLICATE_SEQUENCE_NUMBER);
    CU_ASSERT_EQUAL(dup, 100);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 7, 0, 5, 3, &dup),
                    KAFKA_ERR_DUPLICATE_SEQUENCE_NUMBER);
    CU_ASSERT_EQUAL(dup, 105);
    /* A gap, or a batch that overlaps without matching, is out of order. */
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 7, 0, 9, 1, &dup),
                    KAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 7, 0, 6, 2, &dup),
                    KAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    /* Other partitions and producers are independent. */
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 1, 7, 0, 42, 1, &dup), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_producers_check(p, "u", 0, 7, 0, 42, 1, &dup), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 8, 0, 42, 1, &dup), KAFKA_ERR_NONE);
    broker_producers_destroy(p);
    broker_producers_destroy(NULL);
}

static void test_only_five_batches_kept(void)
{
    broker_producers_t *p = broker_producers_new();
    int64_t dup = -1;
    for (int i = 0; i < 7; i++)
        broker_producers_record(p, "t", 0, 1, 0, i * 10, 10, 1000 + i * 10);
    /* The last five batches are remembered; older ones are not. */
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 1, 0, 20, 10, &dup),
                    KAFKA_ERR_DUPLICATE_SEQUENCE_NUMBER);
    CU_ASSERT_EQUAL(dup, 1020);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 1, 0, 10, 10, &dup),
                    KAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 1, 0, 70, 10, &dup), KAFKA_ERR_NONE);
    broker_producers_destroy(p);
}

static void test_epochs_and_wrap(void)
{
    broker_producers_t *p = broker_producers_new();
    int64_t dup = -1;
    broker_producers_record(p, "t", 0, 3, 2, 0, 4, 0);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 3, 1, 4, 1, &dup),
                    KAFKA_ERR_INVALID_PRODUCER_EPOCH);
    /* A new epoch starts again at sequence 0, and nothing else. */
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 3, 3, 7, 1, &dup),
                    KAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 3, 3, 0, 1, &dup), KAFKA_ERR_NONE);
    broker_producers_record(p, "t", 0, 3, 3, 0, 1, 4);
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 3, 2, 1, 1, &dup),
                    KAFKA_ERR_INVALID_PRODUCER_EPOCH);
    /* Sequences wrap from INT32_MAX to 0. */
    broker_producers_record(p, "w", 0, 9, 0, INT32_MAX - 1, 2, 50);
    CU_ASSERT_EQUAL(broker_producers_check(p, "w", 0, 9, 0, 0, 1, &dup), KAFKA_ERR_NONE);
    /* A deleted topic forgets its producers. */
    broker_producers_forget_topic(p, "t");
    CU_ASSERT_EQUAL(broker_producers_check(p, "t", 0, 3, 0, 99, 1, &dup), KAFKA_ERR_NONE);
    broker_producers_destroy(p);
}

void test_register(void)
{
    TEST_SUITE("broker producer state", {"in order and duplicates", test_in_order_and_duplicates},
               {"only five batches kept", test_only_five_batches_kept},
               {"epochs and wrap", test_epochs_and_wrap});
}
