/*
 * The broker's event loop: epoll for sockets, a few timers, and a way for
 * other threads to hand work to the loop thread. Kept small on purpose, in
 * the spirit of Redis's ae.c.
 *
 * Thread use: everything runs on the thread that calls broker_loop_run(),
 * except broker_loop_stop() and broker_loop_post(), which any thread may
 * call at any time.
 *
 * Flags: BROKER_LOOP_READ and BROKER_LOOP_WRITE are the only interest flags;
 * handlers also see BROKER_LOOP_ERROR when the socket hung up or failed (they
 * should read to find out, then close). Handlers may add, change and remove
 * any fd or timer, including their own, while being called.
 */
#ifndef BROKER_EVENT_LOOP_H
#define BROKER_EVENT_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define BROKER_LOOP_READ 0x1u
#define BROKER_LOOP_WRITE 0x2u
#define BROKER_LOOP_ERROR 0x4u

typedef struct broker_loop broker_loop_t;

typedef void (*broker_loop_fd_fn)(broker_loop_t *loop, int fd, unsigned events, void *arg);

/* Returns the delay in ms until it should run again, or -1 to be removed. */
typedef int64_t (*broker_loop_timer_fn)(broker_loop_t *loop, void *arg);

typedef void (*broker_loop_post_fn)(broker_loop_t *loop, void *arg);

/* A new loop, or NULL with errstr when epoll or eventfd cannot be created. */
broker_loop_t *broker_loop_new(char *errstr, size_t errstr_size);

/* Frees the loop. Registered fds are not closed; posted work not yet run is
 * dropped. NULL does nothing. */
void broker_loop_destroy(broker_loop_t *loop);

/* Watches fd for events, calling fn(loop, fd, events, arg). Returns 0 or -1
 * (errno set) when epoll refuses. */
int broker_loop_add_fd(broker_loop_t *loop, int fd, unsigned events, broker_loop_fd_fn fn,
                       void *arg);

/* Changes the interest of a watched fd. */
int broker_loop_set_events(broker_loop_t *loop, int fd, unsigned events);

/* Stops watching fd (before closing it). Unknown fds are ignored. */
void broker_loop_del_fd(broker_loop_t *loop, int fd);

/* Runs fn after delay_ms (and again as fn asks). Returns an id > 0. */
uint64_t broker_loop_add_timer(broker_loop_t *loop, int64_t delay_ms, broker_loop_timer_fn fn,
                               void *arg);

/* Cancels a timer; an unknown or finished id is ignored. */
void broker_loop_del_timer(broker_loop_t *loop, uint64_t id);

/* The loop's monotonic clock in ms (refreshed once per iteration). */
int64_t broker_loop_now_ms(const broker_loop_t *loop);

/* Runs until broker_loop_stop(), returning at once when it was called
 * before. A loop runs once. */
void broker_loop_run(broker_loop_t *loop);

/* Makes broker_loop_run return soon. Any thread; async-signal-safe. */
void broker_loop_stop(broker_loop_t *loop);

/* Runs fn(loop, arg) on the loop thread soon, in posting order. Any thread. */
void broker_loop_post(broker_loop_t *loop, broker_loop_post_fn fn, void *arg);

/* The monotonic clock in ms, for callers without a loop at hand. */
int64_t broker_monotonic_ms(void);

#endif
