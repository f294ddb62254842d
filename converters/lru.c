#include "lru.h"

#include <stdlib.h>

#include "conv_mem.h"

typedef struct lru_entry {
    void *key;
    void *value;
    uint64_t hash;
    struct lru_entry *chain; /* next in the bucket */
    struct lru_entry *newer;
    struct lru_entry *older;
} lru_entry_t;

struct lru {
    const lru_ops_t *ops;
    size_t capacity;
    size_t count;
    lru_entry_t **buckets;
    size_t nbuckets; /* a power of two */
    lru_entry_t *newest;
    lru_entry_t *oldest;
};

lru_t *lru_new(size_t capacity, const lru_ops_t *ops)
{
    lru_t *lru = conv_calloc(1, sizeof(*lru));
    lru->ops = ops;
    lru->capacity = capacity;
    lru->nbuckets = 16;
    lru->buckets = conv_calloc(lru->nbuckets, sizeof(lru_entry_t *));
    return lru;
}

static void lru_free_entry(lru_t *lru, lru_entry_t *e)
{
    lru->ops->free_key(e->key);
    lru->ops->free_value(e->value);
    free(e);
}

void lru_destroy(lru_t *lru)
{
    if (!lru)
        return;
    lru_entry_t *e = lru->newest;
    while (e) {
        lru_entry_t *next = e->older;
        lru_free_entry(lru, e);
        e = next;
    }
    free(lru->buckets);
    free(lru);
}

static void lru_unlink(lru_t *lru, lru_entry_t *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        lru->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        lru->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push_newest(lru_t *lru, lru_entry_t *e)
{
    e->older = lru->newest;
    e->newer = NULL;
    if (lru->newest)
        lru->newest->newer = e;
    lru->newest = e;
    if (!lru->oldest)
        lru->oldest = e;
}

void *lru_get(lru_t *lru, const void *key)
{
    if (lru->count == 0)
        return NULL;
    uint64_t hash = lru->ops->hash(key);
    for (lru_entry_t *e = lru->buckets[hash & (lru->nbuckets - 1)]; e; e = e->chain) {
        if (e->hash == hash && lru->ops->equal(e->key, key)) {
            if (lru->newest != e) {
                lru_unlink(lru, e);
                lru_push_newest(lru, e);
            }
            return e->value;
        }
    }
    return NULL;
}

static void lru_remove(lru_t *lru, lru_entry_t *e)
{
    lru_entry_t **link = &lru->buckets[e->hash & (lru->nbuckets - 1)];
    while (*link != e)
        link = &(*link)->chain;
    *link = e->chain;
    lru_unlink(lru, e);
    lru->count--;
    lru_free_entry(lru, e);
}

static void lru_rehash(lru_t *lru)
{
    size_t nbuckets = lru->nbuckets * 2;
    lru_entry_t **buckets = conv_calloc(nbuckets, sizeof(lru_entry_t *));
    for (lru_entry_t *e = lru->newest; e; e = e->older) {
        lru_entry_t **head = &buckets[e->hash & (nbuckets - 1)];
        e->chain = *head;
        *head = e;
    }
    free(lru->buckets);
    lru->buckets = buckets;
    lru->nbuckets = nbuckets;
}

void lru_put(lru_t *lru, void *key, void *value)
{
    if (lru->capacity == 0) {
        lru->ops->free_key(key);
        lru->ops->free_value(value);
        return;
    }
    lru_entry_t *e = conv_calloc(1, sizeof(*e));
    e->key = key;
    e->value = value;
    e->hash = lru->ops->hash(key);
    if (lru->count + 1 > lru->nbuckets / 4 * 3)
        lru_rehash(lru);
    lru_entry_t **head = &lru->buckets[e->hash & (lru->nbuckets - 1)];
    e->chain = *head;
    *head = e;
    lru_push_newest(lru, e);
    lru->count++;
    while (lru->count > lru->capacity)
        lru_remove(lru, lru->oldest);
}

size_t lru_count(const lru_t *lru)
{
    return lru->count;
}
