/*
 * The derived-schema LRU cache. Entries are kept most recently used first;
 * with at most TF_SCHEMA_CACHE_SIZE of them, a linear scan beats hashing
 * a schema's whole content.
 */
#include "schema_cache.h"

#include "transforms.h"

typedef struct tf_schema_entry {
    const sluice_schema_t *input;
    const sluice_schema_t *derived;
} tf_schema_entry_t;

struct tf_schema_cache {
    tf_schema_entry_t entries[TF_SCHEMA_CACHE_SIZE];
    size_t count;
};

tf_schema_cache_t *tf_schema_cache_new(void)
{
    return tf_calloc(1, sizeof(tf_schema_cache_t));
}

void tf_schema_cache_destroy(tf_schema_cache_t *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->count; i++) {
        sluice_schema_unref(cache->entries[i].input);
        sluice_schema_unref(cache->entries[i].derived);
    }
    free(cache);
}

/* Moves entry i to the front. */
static void tf_schema_cache_touch(tf_schema_cache_t *cache, size_t i)
{
    if (i == 0)
        return;
    tf_schema_entry_t hit = cache->entries[i];
    memmove(&cache->entries[1], &cache->entries[0], i * sizeof(tf_schema_entry_t));
    cache->entries[0] = hit;
}

const sluice_schema_t *tf_schema_cache_get(tf_schema_cache_t *cache, const sluice_schema_t *input)
{
    for (size_t i = 0; i < cache->count; i++) {
        if (cache->entries[i].input == input) {
            tf_schema_cache_touch(cache, i);
            return cache->entries[0].derived;
        }
    }
    for (size_t i = 0; i < cache->count; i++) {
        if (sluice_schema_equals(cache->entries[i].input, input)) {
            /* Remember the newer object so its next record hits on the pointer. */
            sluice_schema_ref(input);
            sluice_schema_unref(cache->entries[i].input);
            cache->entries[i].input = input;
            tf_schema_cache_touch(cache, i);
            return cache->entries[0].derived;
        }
    }
    return NULL;
}

const sluice_schema_t *tf_schema_cache_put(tf_schema_cache_t *cache, const sluice_schema_t *input,
                                           const sluice_schema_t *derived)
{
    if (cache->count == TF_SCHEMA_CACHE_SIZE) {
        tf_schema_entry_t *last = &cache->entries[--cache->count];
        sluice_schema_unref(last->input);
        sluice_schema_unref(last->derived);
    }
    memmove(&cache->entries[1], &cache->entries[0], cache->count * sizeof(tf_schema_entry_t));
    cache->entries[0].input = sluice_schema_ref(input);
    cache->entries[0].derived = derived;
    cache->count++;
    return derived;
}
