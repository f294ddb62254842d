#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mem_fail(size_t size)
{
    fprintf(stderr, "sluice: out of memory allocating %zu bytes\n", size);
    abort();
}

void *mem_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        mem_fail(size);
    return p;
}

void *mem_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        mem_fail(n * size);
    return p;
}

void *mem_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        mem_fail(size);
    return p;
}

char *mem_strdup(const char *str)
{
    return str ? mem_memdup(str, strlen(str) + 1) : NULL;
}

char *mem_strndup(const char *str, size_t len)
{
    char *p = mem_alloc(len + 1);
    memcpy(p, str, len);
    p[len] = '\0';
    return p;
}

void *mem_memdup(const void *data, size_t len)
{
    void *p = mem_alloc(len);
    if (len)
        memcpy(p, data, len);
    return p;
}

void mem_grow(void **array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need)
        ncap *= 2;
    *array = mem_realloc(*array, ncap * elem);
    *cap = ncap;
}
