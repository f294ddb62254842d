/*
 * offset_store: source offsets keyed by (connector, partition), held as the
 * JSON bytes Kafka writes and persisted atomically. See offset_store.h for
 * the file format and the threading rules.
 *
 * Entries are kept as their serialised key and value strings, which is what
 * Kafka's backing stores hold too: lookups hash the key string, and a flush
 * only concatenates strings while the lock is held.
 */
#include "offset_store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/buf.h>

#include "atomic_file.h"
#include "mem.h"

#define OFFSET_JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)
#define OFFSET_LOAD_FLAGS (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

typedef struct offset_entry {
    char *key; /* ["connector",{partition}] */
    size_t key_len;
    char *value; /* {offset} */
    uint64_t hash;
    struct offset_entry *hnext;       /* bucket chain */
    struct offset_entry *prev, *next; /* first-put order, for the file */
} offset_entry_t;

struct offset_store {
    char *path;
    pthread_mutex_t lock;       /* entries, buckets, gen */
    pthread_mutex_t flush_lock; /* one flush at a time: they share the temp file */
    offset_entry_t **buckets;
    size_t nbuckets; /* a power of two */
    size_t count;
    offset_entry_t *head, *tail;
    uint64_t gen;         /* bumped by every change */
    uint64_t flushed_gen; /* gen of the content last written */
};

/* jansson returns NULL when out of memory; Sluice's policy is to abort. */
static json_t *js(json_t *json)
{
    if (!json) {
        fprintf(stderr, "sluice: out of memory (jansson)\n");
        abort();
    }
    return json;
}

/* ---- values <-> JSON ----------------------------------------------------- */

static json_t *value_to_json(const sluice_value_t *value, sluice_buf_t *path, char *errstr,
                             size_t errstr_size);

static int map_to_json(const sluice_value_t *map, json_t *obj, sluice_buf_t *path, char *errstr,
                       size_t errstr_size)
{
    size_t base = sluice_buf_len(path);
    for (size_t i = 0; i < sluice_value_map_count(map); i++) {
        const sluice_value_t *key = sluice_value_map_key_at(map, i);
        size_t klen;
        const char *k = sluice_value_get_string(key, &klen);
        if (!k || strlen(k) != klen) {
            snprintf(errstr, errstr_size, "%s%smap keys must be strings without NUL characters",
                     sluice_buf_data(path), base ? ": " : "");
            return -1;
        }
        sluice_buf_printf(path, "%s%s", base ? "." : "", k);
        json_t *item = value_to_json(sluice_value_map_value_at(map, i), path, errstr, errstr_size);
        if (!item)
            return -1;
        json_object_set_new(obj, k, item);
        sluice_buf_truncate(path, base);
    }
    return 0;
}

/* The JSON of value, or NULL with errstr naming the path to what cannot be
 * stored (path holds the dotted path so far). */
static json_t *value_to_json(const sluice_value_t *value, sluice_buf_t *path, char *errstr,
                             size_t errstr_size)
{
    if (!value)
        return js(json_null());
    const char *where = sluice_buf_len(path) ? sluice_buf_data(path) : "offset";
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_INT8: return js(json_integer(sluice_value_get_int8(value)));
    case SLUICE_TYPE_INT16: return js(json_integer(sluice_value_get_int16(value)));
    case SLUICE_TYPE_INT32: return js(json_integer(sluice_value_get_int32(value)));
    case SLUICE_TYPE_INT64: return js(json_integer(sluice_value_get_int64(value)));
    case SLUICE_TYPE_FLOAT32:
    case SLUICE_TYPE_FLOAT64: {
        double d = sluice_value_type(value) == SLUICE_TYPE_FLOAT32
                       ? (double)sluice_value_get_float32(value)
                       : sluice_value_get_float64(value);
        if (!isfinite(d)) {
            snprintf(errstr, errstr_size, "%s: %g cannot be stored in JSON", where, d);
            return NULL;
        }
        return js(json_real(d));
    }
    case SLUICE_TYPE_BOOLEAN: return js(json_boolean(sluice_value_get_boolean(value)));
    case SLUICE_TYPE_STRING: {
        size_t len;
        const char *s = sluice_value_get_string(value, &len);
        json_t *str = json_stringn(s, len);
        if (!str)
            snprintf(errstr, errstr_size, "%s: string is not valid UTF-8", where);
        return str;
    }
    case SLUICE_TYPE_ARRAY: {
        json_t *arr = js(json_array());
        size_t base = sluice_buf_len(path);
        for (size_t i = 0; i < sluice_value_array_count(value); i++) {
            sluice_buf_printf(path, "[%zu]", i);
            json_t *item =
                value_to_json(sluice_value_array_get(value, i), path, errstr, errstr_size);
            if (!item) {
                json_decref(arr);
                return NULL;
            }
            json_array_append_new(arr, item);
            sluice_buf_truncate(path, base);
        }
        return arr;
    }
    case SLUICE_TYPE_MAP: {
        json_t *obj = js(json_object());
        if (map_to_json(value, obj, path, errstr, errstr_size) < 0) {
            json_decref(obj);
            return NULL;
        }
        return obj;
    }
    case SLUICE_TYPE_BYTES:
    case SLUICE_TYPE_STRUCT: break;
    }
    snprintf(errstr, errstr_size,
             "%s: %s values cannot be stored in an offset (they would not read back as written)",
             where, sluice_value_type(value) == SLUICE_TYPE_BYTES ? "bytes" : "struct");
    return NULL;
}

/* The JSON object of a MAP that is a partition or an offset (what names it
 * in errors). */
static json_t *map_json(const sluice_value_t *map, const char *what, char *errstr,
                        size_t errstr_size)
{
    if (!map || sluice_value_type(map) != SLUICE_TYPE_MAP) {
        snprintf(errstr, errstr_size, "the %s must be a map, not %s", what,
                 map ? "another type" : "null");
        return NULL;
    }
    sluice_buf_t *path = sluice_buf_new();
    json_t *obj = js(json_object());
    char inner[512];
    if (map_to_json(map, obj, path, inner, sizeof inner) < 0) {
        snprintf(errstr, errstr_size, "%s %s", what, inner);
        json_decref(obj);
        obj = NULL;
    }
    sluice_buf_destroy(path);
    return obj;
}

static sluice_value_t *json_to_value(const json_t *json)
{
    switch (json_typeof(json)) {
    case JSON_OBJECT: {
        sluice_value_t *map = sluice_value_map_new();
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)json, k, v)
            sluice_value_map_put_str(map, k, json_to_value(v));
        return map;
    }
    case JSON_ARRAY: {
        sluice_value_t *arr = sluice_value_array_new();
        for (size_t i = 0; i < json_array_size(json); i++)
            sluice_value_array_append(arr, json_to_value(json_array_get(json, i)));
        return arr;
    }
    case JSON_STRING: return sluice_value_string(json_string_value(json), json_string_length(json));
    case JSON_INTEGER: return sluice_value_int64(json_integer_value(json));
    case JSON_REAL: return sluice_value_float64(json_real_value(json));
    case JSON_TRUE: return sluice_value_boolean(true);
    case JSON_FALSE: return sluice_value_boolean(false);
    case JSON_NULL: break;
    }
    return NULL;
}

static char *dump(const json_t *json, size_t *len)
{
    char *s = json_dumps(json, OFFSET_JSON_FLAGS);
    if (!s) {
        fprintf(stderr, "sluice: out of memory (jansson)\n");
        abort();
    }
    if (len)
        *len = strlen(s);
    return s;
}

static json_t *key_json(const char *connector, const sluice_value_t *partition, char *errstr,
                        size_t errstr_size)
{
    json_t *name = connector ? json_string(connector) : NULL;
    if (!name) {
        snprintf(errstr, errstr_size, "the connector name must be a UTF-8 string");
        return NULL;
    }
    json_t *part = map_json(partition, "partition", errstr, errstr_size);
    if (!part) {
        json_decref(name);
        return NULL;
    }
    json_t *key = js(json_array());
    json_array_append_new(key, name);
    json_array_append_new(key, part);
    return key;
}

char *offset_store_key_encode(const char *connector, const sluice_value_t *partition, size_t *len,
                              char *errstr, size_t errstr_size)
{
    json_t *key = key_json(connector, partition, errstr, errstr_size);
    if (!key)
        return NULL;
    char *s = dump(key, len);
    json_decref(key);
    return s;
}

char *offset_store_value_encode(const sluice_value_t *offset, size_t *len, char *errstr,
                                size_t errstr_size)
{
    json_t *obj = map_json(offset, "offset", errstr, errstr_size);
    if (!obj)
        return NULL;
    char *s = dump(obj, len);
    json_decref(obj);
    return s;
}

/* Checks a parsed key: [string, object]. */
static int key_check(const json_t *key, char *errstr, size_t errstr_size)
{
    if (!json_is_array(key) || json_array_size(key) != 2 ||
        !json_is_string(json_array_get(key, 0)) || !json_is_object(json_array_get(key, 1))) {
        snprintf(errstr, errstr_size,
                 "the key must be [\"<connector name>\", {<source partition>}]");
        return -1;
    }
    if (strlen(json_string_value(json_array_get(key, 0))) !=
        json_string_length(json_array_get(key, 0))) {
        snprintf(errstr, errstr_size, "the connector name in the key contains a NUL character");
        return -1;
    }
    return 0;
}

int offset_store_key_decode(const char *data, size_t len, char **connector,
                            sluice_value_t **partition, char *errstr, size_t errstr_size)
{
    json_error_t err;
    json_t *key = json_loadb(data, len, OFFSET_LOAD_FLAGS | JSON_DECODE_ANY, &err);
    if (!key) {
        snprintf(errstr, errstr_size, "offset key is not JSON: %s at position %d", err.text,
                 err.position);
        return -1;
    }
    if (key_check(key, errstr, errstr_size) < 0) {
        json_decref(key);
        return -1;
    }
    *connector = mem_strdup(json_string_value(json_array_get(key, 0)));
    *partition = json_to_value(json_array_get(key, 1));
    json_decref(key);
    return 0;
}

sluice_value_t *offset_store_value_decode(const char *data, size_t len, char *errstr,
                                          size_t errstr_size)
{
    json_error_t err;
    json_t *obj = json_loadb(data, len, OFFSET_LOAD_FLAGS | JSON_DECODE_ANY, &err);
    if (!obj) {
        snprintf(errstr, errstr_size, "offset value is not JSON: %s at position %d", err.text,
                 err.position);
        return NULL;
    }
    sluice_value_t *value = NULL;
    if (json_is_object(obj))
        value = json_to_value(obj);
    else
        snprintf(errstr, errstr_size, "offset value must be a JSON object");
    json_decref(obj);
    return value;
}

void offset_store_entries_free(offset_store_entry_t *entries, size_t count)
{
    if (!entries)
        return;
    for (size_t i = 0; i < count; i++) {
        sluice_value_destroy(entries[i].partition);
        sluice_value_destroy(entries[i].offset);
    }
    free(entries);
}

/* ---- the table --------------------------------------------------------- */

static uint64_t key_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static offset_entry_t *table_find(const offset_store_t *store, const char *key, size_t len,
                                  uint64_t hash)
{
    for (offset_entry_t *e = store->buckets[hash & (store->nbuckets - 1)]; e; e = e->hnext)
        if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    return NULL;
}

static void table_grow(offset_store_t *store)
{
    size_t n = store->nbuckets * 2;
    offset_entry_t **buckets = mem_calloc(n, sizeof *buckets);
    for (offset_entry_t *e = store->head; e; e = e->next) {
        e->hnext = buckets[e->hash & (n - 1)];
        buckets[e->hash & (n - 1)] = e;
    }
    free(store->buckets);
    store->buckets = buckets;
    store->nbuckets = n;
}

/* Sets key (taken) to value (taken); NULL value removes the entry. */
static void table_set(offset_store_t *store, char *key, size_t len, char *value)
{
    uint64_t hash = key_hash(key, len);
    offset_entry_t *e = table_find(store, key, len, hash);
    if (e && value) {
        free(key);
        free(e->value);
        e->value = value;
        return;
    }
    if (e) {
        offset_entry_t **pp = &store->buckets[hash & (store->nbuckets - 1)];
        while (*pp != e)
            pp = &(*pp)->hnext;
        *pp = e->hnext;
        if (e->prev)
            e->prev->next = e->next;
        else
            store->head = e->next;
        if (e->next)
            e->next->prev = e->prev;
        else
            store->tail = e->prev;
        store->count--;
        free(e->key);
        free(e->value);
        free(e);
        free(key);
        return;
    }
    if (!value) {
        free(key);
        return;
    }
    if (store->count >= store->nbuckets)
        table_grow(store);
    e = mem_calloc(1, sizeof *e);
    e->key = key;
    e->key_len = len;
    e->value = value;
    e->hash = hash;
    e->hnext = store->buckets[hash & (store->nbuckets - 1)];
    store->buckets[hash & (store->nbuckets - 1)] = e;
    e->prev = store->tail;
    if (store->tail)
        store->tail->next = e;
    else
        store->head = e;
    store->tail = e;
    store->count++;
}

/* ---- loading ------------------------------------------------------------- */

/* Reads the whole file into *data; 1 when it does not exist, 0 when read,
 * -1 with errstr otherwise. */
static int read_file(const char *path, char **data, size_t *len, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        snprintf(errstr, errstr_size, "cannot open offset file %s: %s", path, strerror(errno));
        return -1;
    }
    sluice_buf_t *buf = sluice_buf_new();
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sluice_buf_append(buf, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(errstr, errstr_size, "cannot read offset file %s", path);
        sluice_buf_destroy(buf);
        return -1;
    }
    *data = sluice_buf_detach(buf, len);
    sluice_buf_destroy(buf);
    return 0;
}

/* Parses one line into the store; -1 with errstr (without the file and line
 * prefix) and *column set when malformed. */
static int load_line(offset_store_t *store, const char *line, size_t len, int *column, char *errstr,
                     size_t errstr_size)
{
    json_error_t err;
    json_t *obj = json_loadb(line, len, OFFSET_LOAD_FLAGS, &err);
    *column = 1;
    if (!obj) {
        *column = err.column > 0 ? err.column : 1;
        snprintf(errstr, errstr_size, "%s", err.text);
        return -1;
    }
    int rc = -1;
    json_t *key = json_object_get(obj, "key");
    json_t *value = json_object_get(obj, "value");
    if (!key || !value || json_object_size(obj) != 2) {
        snprintf(errstr, errstr_size, "expected an object with exactly \"key\" and \"value\"");
        goto out;
    }
    if (key_check(key, errstr, errstr_size) < 0)
        goto out;
    if (!json_is_object(value)) {
        snprintf(errstr, errstr_size, "the value must be a JSON object (the source offset)");
        goto out;
    }
    size_t klen;
    char *k = dump(key, &klen);
    if (table_find(store, k, klen, key_hash(k, klen))) {
        snprintf(errstr, errstr_size, "the key %s appears on an earlier line too", k);
        free(k);
        goto out;
    }
    table_set(store, k, klen, dump(value, NULL));
    rc = 0;
out:
    json_decref(obj);
    return rc;
}

static int load(offset_store_t *store, char *errstr, size_t errstr_size)
{
    char *data;
    size_t len;
    int rc = read_file(store->path, &data, &len, errstr, errstr_size);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        lineno++;
        size_t i = pos;
        while (i < end && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r'))
            i++;
        if (i < end) {
            char why[512];
            int column;
            if (load_line(store, data + pos, end - pos, &column, why, sizeof why) < 0) {
                snprintf(errstr, errstr_size,
                         "offset file %s is corrupt at line %zu, column %d (byte offset %zu): %s",
                         store->path, lineno, column, pos + (size_t)column - 1, why);
                free(data);
                return -1;
            }
        }
        pos = end + 1;
    }
    free(data);
    return 0;
}

/* ---- the store ----------------------------------------------------------- */

offset_store_t *offset_store_new(const char *path, char *errstr, size_t errstr_size)
{
    offset_store_t *store = mem_calloc(1, sizeof *store);
    store->path = mem_strdup(path);
    pthread_mutex_init(&store->lock, NULL);
    pthread_mutex_init(&store->flush_lock, NULL);
    store->nbuckets = 16;
    store->buckets = mem_calloc(store->nbuckets, sizeof *store->buckets);
    if (path && load(store, errstr, errstr_size) < 0) {
        offset_store_destroy(store);
        return NULL;
    }
    return store;
}

void offset_store_destroy(offset_store_t *store)
{
    if (!store)
        return;
    for (offset_entry_t *e = store->head, *next; e; e = next) {
        next = e->next;
        free(e->key);
        free(e->value);
        free(e);
    }
    free(store->buckets);
    pthread_mutex_destroy(&store->lock);
    pthread_mutex_destroy(&store->flush_lock);
    free(store->path);
    free(store);
}

const char *offset_store_path(const offset_store_t *store)
{
    return store->path;
}

sluice_value_t *offset_store_get(offset_store_t *store, const char *connector,
                                 const sluice_value_t *partition)
{
    char errstr[256];
    size_t klen;
    char *key = offset_store_key_encode(connector, partition, &klen, errstr, sizeof errstr);
    if (!key)
        return NULL; /* it could never have been put */
    char *value = NULL;
    pthread_mutex_lock(&store->lock);
    offset_entry_t *e = table_find(store, key, klen, key_hash(key, klen));
    if (e)
        value = mem_strdup(e->value);
    pthread_mutex_unlock(&store->lock);
    free(key);
    if (!value)
        return NULL;
    sluice_value_t *offset = offset_store_value_decode(value, strlen(value), errstr, sizeof errstr);
    free(value);
    return offset;
}

int offset_store_put(offset_store_t *store, const char *connector,
                     const offset_store_entry_t *entries, size_t count, char *errstr,
                     size_t errstr_size)
{
    /* Encode everything first, so that a bad entry changes nothing and the
     * lock is held only for the table updates. */
    char **keys = mem_calloc(count ? count : 1, sizeof *keys);
    size_t *lens = mem_calloc(count ? count : 1, sizeof *lens);
    char **values = mem_calloc(count ? count : 1, sizeof *values);
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        char why[512];
        keys[i] =
            offset_store_key_encode(connector, entries[i].partition, &lens[i], why, sizeof why);
        if (keys[i] && entries[i].offset)
            values[i] = offset_store_value_encode(entries[i].offset, NULL, why, sizeof why);
        if (!keys[i] || (entries[i].offset && !values[i])) {
            snprintf(errstr, errstr_size, "cannot store offset %zu of connector %s: %s", i,
                     connector ? connector : "(null)", why);
            rc = -1;
        }
    }
    if (rc == 0) {
        pthread_mutex_lock(&store->lock);
        for (size_t i = 0; i < count; i++) {
            table_set(store, keys[i], lens[i], values[i]);
            keys[i] = values[i] = NULL;
        }
        if (count)
            store->gen++;
        pthread_mutex_unlock(&store->lock);
    }
    for (size_t i = 0; i < count; i++) {
        free(keys[i]);
        free(values[i]);
    }
    free(keys);
    free(lens);
    free(values);
    return rc;
}

bool offset_store_dirty(offset_store_t *store)
{
    pthread_mutex_lock(&store->lock);
    bool dirty = store->gen != store->flushed_gen;
    pthread_mutex_unlock(&store->lock);
    return dirty;
}

/* The prefix every key of connector starts with: ["<name>", */
static char *connector_prefix(const char *connector, size_t *len)
{
    json_t *name = connector ? json_string(connector) : NULL;
    if (!name)
        return NULL;
    char *s = dump(name, NULL);
    json_decref(name);
    char *prefix = mem_alloc(strlen(s) + 3);
    *len = (size_t)sprintf(prefix, "[%s,", s);
    free(s);
    return prefix;
}

size_t offset_store_remove_connector(offset_store_t *store, const char *connector)
{
    size_t plen;
    char *prefix = connector_prefix(connector, &plen);
    if (!prefix)
        return 0;
    size_t removed = 0;
    pthread_mutex_lock(&store->lock);
    for (offset_entry_t *e = store->head, *next; e; e = next) {
        next = e->next;
        if (e->key_len > plen && memcmp(e->key, prefix, plen) == 0) {
            table_set(store, mem_strdup(e->key), e->key_len, NULL);
            removed++;
        }
    }
    if (removed)
        store->gen++;
    pthread_mutex_unlock(&store->lock);
    free(prefix);
    return removed;
}

size_t offset_store_list(offset_store_t *store, const char *connector,
                         offset_store_entry_t **entries)
{
    *entries = NULL;
    size_t plen;
    char *prefix = connector_prefix(connector, &plen);
    if (!prefix)
        return 0;
    /* Copy the strings under the lock and decode outside it. */
    size_t n = 0, cap = 0;
    char **pairs = NULL;
    pthread_mutex_lock(&store->lock);
    for (offset_entry_t *e = store->head; e; e = e->next) {
        if (e->key_len > plen && memcmp(e->key, prefix, plen) == 0) {
            mem_grow((void **)&pairs, &cap, 2 * n + 2, sizeof *pairs);
            pairs[2 * n] = mem_strdup(e->key);
            pairs[2 * n + 1] = mem_strdup(e->value);
            n++;
        }
    }
    pthread_mutex_unlock(&store->lock);
    free(prefix);
    if (n)
        *entries = mem_calloc(n, sizeof **entries);
    for (size_t i = 0; i < n; i++) {
        char errstr[256], *name = NULL;
        /* Both were encoded by this store, so they decode. */
        if (offset_store_key_decode(pairs[2 * i], strlen(pairs[2 * i]), &name,
                                    &(*entries)[i].partition, errstr, sizeof errstr) == 0)
            free(name);
        (*entries)[i].offset = offset_store_value_decode(pairs[2 * i + 1], strlen(pairs[2 * i + 1]),
                                                         errstr, sizeof errstr);
        free(pairs[2 * i]);
        free(pairs[2 * i + 1]);
    }
    free(pairs);
    return n;
}

/* ---- flushing ------------------------------------------------------------ */

int offset_store_flush(offset_store_t *store, char *errstr, size_t errstr_size)
{
    if (!store->path)
        return 0;
    pthread_mutex_lock(&store->flush_lock);
    pthread_mutex_lock(&store->lock);
    uint64_t gen = store->gen;
    if (gen == store->flushed_gen) {
        pthread_mutex_unlock(&store->lock);
        pthread_mutex_unlock(&store->flush_lock);
        return 0;
    }
    sluice_buf_t *buf = sluice_buf_new();
    for (offset_entry_t *e = store->head; e; e = e->next) {
        sluice_buf_puts(buf, "{\"key\":");
        sluice_buf_append(buf, e->key, e->key_len);
        sluice_buf_puts(buf, ",\"value\":");
        sluice_buf_puts(buf, e->value);
        sluice_buf_puts(buf, "}\n");
    }
    pthread_mutex_unlock(&store->lock);

    int rc = atomic_file_replace(store->path, sluice_buf_data(buf), sluice_buf_len(buf), 0644,
                                 "offset file", errstr, errstr_size);
    sluice_buf_destroy(buf);
    if (rc == 0) {
        pthread_mutex_lock(&store->lock);
        store->flushed_gen = gen; /* later puts keep the store dirty */
        pthread_mutex_unlock(&store->lock);
    }
    pthread_mutex_unlock(&store->flush_lock);
    return rc;
}
