/*
 * Allocation inside the converters plugin, with Sluice's out-of-memory
 * policy (abort with a message; callers never check for NULL). The host's
 * mem_* functions are internal to the binary, so the plugin has its own.
 */
#ifndef CONVERTERS_CONV_MEM_H
#define CONVERTERS_CONV_MEM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *conv_oom(size_t size)
{
    fprintf(stderr, "sluice converters: out of memory allocating %zu bytes\n", size);
    abort();
}

static inline void *conv_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    return p ? p : conv_oom(size);
}

static inline void *conv_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : conv_oom(n * size);
}

static inline void *conv_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    return p ? p : conv_oom(size);
}

static inline char *conv_strndup(const char *str, size_t len)
{
    char *p = conv_alloc(len + 1);
    memcpy(p, str, len);
    p[len] = '\0';
    return p;
}

static inline char *conv_strdup(const char *str)
{
    return str ? conv_strndup(str, strlen(str)) : NULL;
}

#endif
