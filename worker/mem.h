/*
 * Allocation with Sluice's out-of-memory policy: abort with a message, as
 * Redis and librdkafka do. Callers never check for NULL.
 */
#ifndef WORKER_MEM_H
#define WORKER_MEM_H

#include <stddef.h>

void *mem_alloc(size_t size);            /* malloc */
void *mem_calloc(size_t n, size_t size); /* calloc */
void *mem_realloc(void *ptr, size_t size);
char *mem_strdup(const char *str); /* NULL gives NULL */
char *mem_strndup(const char *str, size_t len);
void *mem_memdup(const void *data, size_t len);

/* Grows *array (of *cap elements of size elem) to hold at least need. */
void mem_grow(void **array, size_t *cap, size_t need, size_t elem);

#endif
