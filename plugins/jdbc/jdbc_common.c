/* Allocation, clock and sleeping helpers the JDBC connectors share. */
#include "jdbc_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void jdbc_out_of_memory(size_t size)
{
    fprintf(stderr, "jdbc-connectors: out of memory allocating %zu bytes\n", size);
    abort();
}

void *jdbc_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        jdbc_out_of_memory(size);
    return p;
}

void *jdbc_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        jdbc_out_of_memory(count * size);
    return p;
}

void *jdbc_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        jdbc_out_of_memory(size);
    return p;
}

char *jdbc_strdup(const char *str)
{
    return jdbc_strndup(str, strlen(str));
}

char *jdbc_strndup(const char *str, size_t len)
{
    char *p = jdbc_alloc(len + 1);
    memcpy(p, str, len);
    p[len] = '\0';
    return p;
}

bool jdbc_sleep_ms(long ms, const atomic_int *stop)
{
    while (ms > 0) {
        if (stop && atomic_load(stop))
            return true;
        long slice = ms > 100 ? 100 : ms;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
    return stop && atomic_load(stop);
}

int64_t jdbc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
