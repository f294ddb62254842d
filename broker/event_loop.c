#include "event_loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

typedef struct loop_fd {
    broker_loop_fd_fn fn;
    void *arg;
    unsigned events;
    bool active;
} loop_fd_t;

/* Timers are few (a handful of periodic jobs plus one per parked request),
 * so an unsorted array scanned once per iteration is enough. */
typedef struct loop_timer {
    uint64_t id;
    int64_t when_ms;
    broker_loop_timer_fn fn;
    void *arg;
} loop_timer_t;

typedef struct loop_post {
    broker_loop_post_fn fn;
    void *arg;
    struct loop_post *next;
} loop_post_t;

struct broker_loop {
    int epfd;
    int wakefd; /* eventfd: stop and post wake the loop through it */
    loop_fd_t *fds;
    size_t fds_cap;
    loop_timer_t *timers;
    size_t timers_count;
    size_t timers_cap;
    uint64_t next_timer_id;
    int64_t now_ms;
    atomic_bool stop;
    pthread_mutex_t post_lock;
    loop_post_t *post_head;
    loop_post_t *post_tail;
};

int64_t broker_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

broker_loop_t *broker_loop_new(char *errstr, size_t errstr_size)
{
    broker_loop_t *loop = mem_calloc(1, sizeof(*loop));
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (loop->epfd < 0 || loop->wakefd < 0) {
        snprintf(errstr, errstr_size, "cannot create the event loop: %s", strerror(errno));
        goto fail;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = loop->wakefd};
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0) {
        snprintf(errstr, errstr_size, "cannot watch the wake-up fd: %s", strerror(errno));
        goto fail;
    }
    pthread_mutex_init(&loop->post_lock, NULL);
    loop->next_timer_id = 1;
    loop->now_ms = broker_monotonic_ms();
    return loop;
fail:
    if (loop->epfd >= 0)
        close(loop->epfd);
    if (loop->wakefd >= 0)
        close(loop->wakefd);
    free(loop);
    return NULL;
}

void broker_loop_destroy(broker_loop_t *loop)
{
    if (!loop)
        return;
    loop_post_t *p = loop->post_head;
    while (p) {
        loop_post_t *next = p->next;
        free(p);
        p = next;
    }
    pthread_mutex_destroy(&loop->post_lock);
    close(loop->epfd);
    close(loop->wakefd);
    free(loop->fds);
    free(loop->timers);
    free(loop);
}

static uint32_t loop_epoll_events(unsigned events)
{
    return (events & BROKER_LOOP_READ ? EPOLLIN | EPOLLRDHUP : 0) |
           (events & BROKER_LOOP_WRITE ? EPOLLOUT : 0);
}

int broker_loop_add_fd(broker_loop_t *loop, int fd, unsigned events, broker_loop_fd_fn fn,
                       void *arg)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    if ((size_t)fd >= loop->fds_cap) {
        size_t old = loop->fds_cap;
        mem_grow((void **)&loop->fds, &loop->fds_cap, (size_t)fd + 1, sizeof(loop_fd_t));
        memset(loop->fds + old, 0, (loop->fds_cap - old) * sizeof(loop_fd_t));
    }
    struct epoll_event ev = {.events = loop_epoll_events(events), .data.fd = fd};
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        return -1;
    loop->fds[fd] = (loop_fd_t){.fn = fn, .arg = arg, .events = events, .active = true};
    return 0;
}

int broker_loop_set_events(broker_loop_t *loop, int fd, unsigned events)
{
    if (fd < 0 || (size_t)fd >= loop->fds_cap || !loop->fds[fd].active) {
        errno = EBADF;
        return -1;
    }
    if (loop->fds[fd].events == events)
        return 0;
    struct epoll_event ev = {.events = loop_epoll_events(events), .data.fd = fd};
    if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
        return -1;
    loop->fds[fd].events = events;
    return 0;
}

void broker_loop_del_fd(broker_loop_t *loop, int fd)
{
    if (fd < 0 || (size_t)fd >= loop->fds_cap || !loop->fds[fd].active)
        return;
    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    loop->fds[fd].active = false;
}

uint64_t broker_loop_add_timer(broker_loop_t *loop, int64_t delay_ms, broker_loop_timer_fn fn,
                               void *arg)
{
    mem_grow((void **)&loop->timers, &loop->timers_cap, loop->timers_count + 1,
             sizeof(loop_timer_t));
    uint64_t id = loop->next_timer_id++;
    loop->timers[loop->timers_count++] =
        (loop_timer_t){.id = id,
                       .when_ms = broker_monotonic_ms() + (delay_ms > 0 ? delay_ms : 0),
                       .fn = fn,
                       .arg = arg};
    return id;
}

void broker_loop_del_timer(broker_loop_t *loop, uint64_t id)
{
    for (size_t i = 0; i < loop->timers_count; i++) {
        if (loop->timers[i].id == id) {
            loop->timers[i] = loop->timers[--loop->timers_count];
            return;
        }
    }
}

int64_t broker_loop_now_ms(const broker_loop_t *loop)
{
    return loop->now_ms;
}

static void loop_wake(broker_loop_t *loop)
{
    uint64_t one = 1;
    ssize_t n = write(loop->wakefd, &one, sizeof one);
    (void)n; /* EAGAIN means a wake-up is pending already */
}

void broker_loop_stop(broker_loop_t *loop)
{
    atomic_store(&loop->stop, true);
    loop_wake(loop);
}

void broker_loop_post(broker_loop_t *loop, broker_loop_post_fn fn, void *arg)
{
    loop_post_t *p = mem_alloc(sizeof(*p));
    p->fn = fn;
    p->arg = arg;
    p->next = NULL;
    pthread_mutex_lock(&loop->post_lock);
    if (loop->post_tail)
        loop->post_tail->next = p;
    else
        loop->post_head = p;
    loop->post_tail = p;
    pthread_mutex_unlock(&loop->post_lock);
    loop_wake(loop);
}

static void loop_run_posts(broker_loop_t *loop)
{
    uint64_t count;
    ssize_t n = read(loop->wakefd, &count, sizeof count);
    (void)n;
    pthread_mutex_lock(&loop->post_lock);
    loop_post_t *p = loop->post_head;
    loop->post_head = loop->post_tail = NULL;
    pthread_mutex_unlock(&loop->post_lock);
    while (p) {
        loop_post_t *next = p->next;
        p->fn(loop, p->arg);
        free(p);
        p = next;
    }
}

/* Runs due timers; returns ms until the next one (-1: none). */
static int64_t loop_run_timers(broker_loop_t *loop)
{
    /* A timer callback may add or delete timers, so find one due timer at a
     * time rather than iterating over an array that may move. */
    for (;;) {
        loop->now_ms = broker_monotonic_ms();
        size_t due = SIZE_MAX;
        for (size_t i = 0; i < loop->timers_count; i++) {
            if (loop->timers[i].when_ms <= loop->now_ms &&
                (due == SIZE_MAX || loop->timers[i].when_ms < loop->timers[due].when_ms))
                due = i;
        }
        if (due == SIZE_MAX)
            break;
        uint64_t id = loop->timers[due].id;
        /* Push it out of reach first, so a callback that re-enters the scan
         * (or deletes its own id) cannot run it twice. */
        loop->timers[due].when_ms = INT64_MAX;
        int64_t again = loop->timers[due].fn(loop, loop->timers[due].arg);
        for (size_t i = 0; i < loop->timers_count; i++) {
            if (loop->timers[i].id == id) {
                if (again < 0)
                    loop->timers[i] = loop->timers[--loop->timers_count];
                else
                    loop->timers[i].when_ms = broker_monotonic_ms() + again;
                break;
            }
        }
    }
    int64_t next = -1;
    for (size_t i = 0; i < loop->timers_count; i++) {
        int64_t d = loop->timers[i].when_ms - loop->now_ms;
        if (d < 0)
            d = 0;
        if (next < 0 || d < next)
            next = d;
    }
    return next;
}

void broker_loop_run(broker_loop_t *loop)
{
    struct epoll_event events[256];
    /* stop is not cleared here: a stop that came before the loop thread got
     * to run (a worker giving up right after starting its broker) must still
     * end it. */
    while (!atomic_load(&loop->stop)) {
        int64_t wait = loop_run_timers(loop);
        if (atomic_load(&loop->stop))
            break;
        int timeout = wait < 0 ? -1 : wait > 60000 ? 60000 : (int)wait;
        int n = epoll_wait(loop->epfd, events, (int)(sizeof events / sizeof events[0]), timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; /* the epoll fd itself failed: nothing more can be done */
        }
        loop->now_ms = broker_monotonic_ms();
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == loop->wakefd) {
                loop_run_posts(loop);
                continue;
            }
            /* An earlier handler in this batch may have removed the fd. */
            if ((size_t)fd >= loop->fds_cap || !loop->fds[fd].active)
                continue;
            uint32_t e = events[i].events;
            unsigned flags = (e & (EPOLLIN | EPOLLRDHUP) ? BROKER_LOOP_READ : 0) |
                             (e & EPOLLOUT ? BROKER_LOOP_WRITE : 0) |
                             (e & (EPOLLERR | EPOLLHUP) ? BROKER_LOOP_ERROR : 0);
            loop_fd_t reg = loop->fds[fd];
            reg.fn(loop, fd, flags, reg.arg);
        }
    }
}
