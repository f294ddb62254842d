/* The broker's event loop: fds, timers, cross-thread stop and post. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_loop.h"
#include "test_util.h"

typedef struct {
    int reads;
    char got[64];
    size_t len;
} pipe_state_t;

static void on_readable(broker_loop_t *loop, int fd, unsigned events, void *arg)
{
    pipe_state_t *st = arg;
    CU_ASSERT_TRUE(events & BROKER_LOOP_READ);
    ssize_t n = read(fd, st->got + st->len, sizeof st->got - st->len - 1);
    if (n > 0)
        st->len += (size_t)n;
    st->reads++;
    if (st->len >= 5)
        broker_loop_stop(loop);
}

static int64_t write_later(broker_loop_t *loop, void *arg)
{
    (void)loop;
    int fd = *(int *)arg;
    CU_ASSERT_EQUAL(write(fd, "hello", 5), 5);
    return -1;
}

static void test_fd_and_one_shot_timer(void)
{
    char err[256];
    broker_loop_t *loop = broker_loop_new(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    int p[2];
    CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
    pipe_state_t st = {0};
    CU_ASSERT_EQUAL(broker_loop_add_fd(loop, p[0], BROKER_LOOP_READ, on_readable, &st), 0);
    broker_loop_add_timer(loop, 20, write_later, &p[1]);
    int64_t start = broker_monotonic_ms();
    broker_loop_run(loop);
    CU_ASSERT_TRUE(broker_monotonic_ms() - start >= 20);
    CU_ASSERT_EQUAL(st.len, 5);
    CU_ASSERT_STRING_EQUAL(st.got, "hello");
    broker_loop_del_fd(loop, p[0]);
    broker_loop_del_fd(loop, p[0]); /* twice is harmless */
    close(p[0]);
    close(p[1]);
    broker_loop_destroy(loop);
    broker_loop_destroy(NULL);
}

typedef struct {
    char order[16];
    int n;
    int repeats;
    uint64_t victim;
} timer_state_t;

static int64_t timer_a(broker_loop_t *loop, void *arg)
{
    (void)loop;
    timer_state_t *st = arg;
    st->order[st->n++] = 'a';
    return -1;
}

static int64_t timer_b(broker_loop_t *loop, void *arg)
{
    timer_state_t *st = arg;
    st->order[st->n++] = 'b';
    broker_loop_del_timer(loop, st->victim); /* cancels c before it is due */
    return -1;
}

static int64_t timer_c(broker_loop_t *loop, void *arg)
{
    (void)loop;
    timer_state_t *st = arg;
    st->order[st->n++] = 'c';
    return -1;
}

static int64_t timer_repeat(broker_loop_t *loop, void *arg)
{
    timer_state_t *st = arg;
    st->order[st->n++] = 'r';
    if (++st->repeats == 3) {
        broker_loop_stop(loop);
        return -1;
    }
    return 15;
}

static void test_timer_order_repeat_and_cancel(void)
{
    char err[256];
    broker_loop_t *loop = broker_loop_new(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    timer_state_t st = {0};
    broker_loop_add_timer(loop, 10, timer_b, &st);
    broker_loop_add_timer(loop, 1, timer_a, &st);
    st.victim = broker_loop_add_timer(loop, 30, timer_c, &st);
    broker_loop_add_timer(loop, 40, timer_repeat, &st);
    broker_loop_run(loop);
    CU_ASSERT_STRING_EQUAL(st.order, "abrrr");
    broker_loop_destroy(loop);
}

static void post_fn(broker_loop_t *loop, void *arg)
{
    int *counter = arg;
    if (++*counter == 100)
        broker_loop_stop(loop);
}

static void *poster(void *arg)
{
    void **a = arg;
    for (int i = 0; i < 100; i++)
        broker_loop_post(a[0], post_fn, a[1]);
    return NULL;
}

static void test_post_from_another_thread(void)
{
    char err[256];
    broker_loop_t *loop = broker_loop_new(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    int counter = 0;
    void *args[2] = {loop, &counter};
    pthread_t t;
    pthread_create(&t, NULL, poster, args);
    broker_loop_run(loop);
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(counter, 100);
    broker_loop_destroy(loop);
}

static void *stopper(void *arg)
{
    usleep(20000);
    broker_loop_stop(arg);
    return NULL;
}

static void test_stop_from_another_thread(void)
{
    char err[256];
    broker_loop_t *loop = broker_loop_new(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    pthread_t t;
    pthread_create(&t, NULL, stopper, loop);
    broker_loop_run(loop); /* nothing registered: only the stop ends it */
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(broker_loop_set_events(loop, 1000, BROKER_LOOP_READ), -1);
    CU_ASSERT_EQUAL(broker_loop_add_fd(loop, -1, BROKER_LOOP_READ, on_readable, NULL), -1);
    broker_loop_destroy(loop);
}

/* A stop that comes before the loop runs still ends it (a worker that stops
 * its broker right after starting it must not hang). */
static void test_stop_before_run(void)
{
    char err[256];
    broker_loop_t *loop = broker_loop_new(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    broker_loop_stop(loop);
    broker_loop_run(loop); /* returns at once, or the test times out */
    broker_loop_destroy(loop);
}

void test_register(void)
{
    TEST_SUITE("broker event loop", {"fd and one-shot timer", test_fd_and_one_shot_timer},
               {"timer order, repeat and cancel", test_timer_order_repeat_and_cancel},
               {"post from another thread", test_post_from_another_thread},
               {"stop from another thread", test_stop_from_another_thread},
               {"stop before run", test_stop_before_run});
}
