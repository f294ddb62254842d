/*
 * A small least-recently-used cache, Kafka's LRUCache: JsonConverter keeps
 * the schemas it has translated, up to schemas.cache.size of them.
 *
 * Not thread-safe: a converter instance is used by one thread at a time.
 */
#ifndef CONVERTERS_LRU_H
#define CONVERTERS_LRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lru lru_t;

typedef struct lru_ops {
    uint64_t (*hash)(const void *key);
    bool (*equal)(const void *a, const void *b);
    void (*free_key)(void *key);
    void (*free_value)(void *value);
} lru_ops_t;

/* A cache of at most capacity entries (0 caches nothing). ops must outlive it. */
lru_t *lru_new(size_t capacity, const lru_ops_t *ops);

/* Frees every entry through the ops. NULL does nothing. */
void lru_destroy(lru_t *lru);

/* The value cached for key (borrowed), now the most recently used; or NULL. */
void *lru_get(lru_t *lru, const void *key);

/* Caches key → value, taking both (an equal key must not be cached already).
 * Evicts the least recently used entry beyond the capacity. */
void lru_put(lru_t *lru, void *key, void *value);

size_t lru_count(const lru_t *lru);

#endif
