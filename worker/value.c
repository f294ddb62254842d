/*
 * sluice_value_t: Kafka Connect's data values (Java boxed primitives, String,
 * byte[], List, Map and Struct) as one tagged node type.
 *
 * Records go through here by the million, so a node is small (32 bytes) and
 * built with one allocation: a string's or bytes' contents and a struct's
 * field slots sit right after the node. Maps keep their entries in insertion
 * order in an array and add a hash index only once they grow past a handful
 * of entries; small maps and structs are searched linearly. A map made with
 * sluice_value_map_new_sized (and every map copy) keeps its first entry
 * array right after the node too.
 *
 * sluice_value_ref shares a node: the count of extra owners sits in the
 * node's padding, so the node stays 32 bytes, and a node nobody shared
 * (count 0) is freed without an atomic read-modify-write.
 */
#include <sluice/value.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "value_internal.h"

/* The string or bytes contents live in their own malloc() block
 * (sluice_value_string_take) rather than after the node. */
#define VALUE_F_EXTERNAL 0x01
/* A map's entry array is the one made with the node (not malloc()ed apart). */
#define VALUE_F_INLINE_ENTRIES 0x02

/* Maps up to this size are searched linearly; beyond it they get an index. */
#define VALUE_MAP_INDEX_MIN 16

typedef struct value_entry {
    sluice_value_t *key;
    sluice_value_t *value;
} value_entry_t;

struct sluice_value {
    uint8_t type;          /* sluice_type_t */
    uint8_t flags;         /* VALUE_F_* */
    uint8_t index_bits;    /* MAP: the index has 1 << index_bits slots (0: no index) */
    _Atomic uint32_t refs; /* owners besides the first (sluice_value_ref) */
    union {
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        bool b;
        struct {
            char *data; /* STRING: NUL-terminated */
            size_t len;
        } bytes;
        struct {
            sluice_value_t **items;
            size_t count;
            size_t cap;
        } array;
        struct {
            value_entry_t *entries;
            uint32_t count;
            uint32_t cap;
            uint32_t *index; /* open addressing; slot holds entry index + 1, 0 = empty */
        } map;
        struct {
            const sluice_schema_t *schema;
            sluice_value_t **fields; /* points just past the node */
            size_t count;
        } st;
    } u;
};

_Static_assert(sizeof(sluice_value_t) == 32, "a value node stays 32 bytes");

static sluice_value_t *value_new(sluice_type_t type, size_t extra)
{
    sluice_value_t *value = mem_alloc(sizeof(*value) + extra);
    memset(value, 0, sizeof(*value));
    value->type = (uint8_t)type;
    return value;
}

/* Containers are changed only by their single owner: changing a shared one
 * would change it under every other owner, so that is a bug worth a stop. */
static void value_check_unshared(const sluice_value_t *value, const char *what)
{
    if (atomic_load_explicit(&((sluice_value_t *)value)->refs, memory_order_relaxed)) {
        fprintf(stderr, "sluice: %s: the value is shared (sluice_value_ref) and read-only\n", what);
        abort();
    }
}

sluice_value_t *sluice_value_ref(const sluice_value_t *value)
{
    if (!value)
        return NULL;
    sluice_value_t *shared = (sluice_value_t *)value;
    atomic_fetch_add_explicit(&shared->refs, 1, memory_order_relaxed);
    return shared;
}

bool value_is_shared(const sluice_value_t *value)
{
    return value &&
           atomic_load_explicit(&((sluice_value_t *)value)->refs, memory_order_relaxed) != 0;
}

/* ---- primitives --------------------------------------------------------- */

sluice_value_t *sluice_value_int8(int8_t v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_INT8, 0);
    value->u.i8 = v;
    return value;
}

sluice_value_t *sluice_value_int16(int16_t v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_INT16, 0);
    value->u.i16 = v;
    return value;
}

sluice_value_t *sluice_value_int32(int32_t v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_INT32, 0);
    value->u.i32 = v;
    return value;
}

sluice_value_t *sluice_value_int64(int64_t v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_INT64, 0);
    value->u.i64 = v;
    return value;
}

sluice_value_t *sluice_value_float32(float v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_FLOAT32, 0);
    value->u.f32 = v;
    return value;
}

sluice_value_t *sluice_value_float64(double v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_FLOAT64, 0);
    value->u.f64 = v;
    return value;
}

sluice_value_t *sluice_value_boolean(bool v)
{
    sluice_value_t *value = value_new(SLUICE_TYPE_BOOLEAN, 0);
    value->u.b = v;
    return value;
}

/* A STRING or BYTES node with room for len bytes plus a NUL after it. */
static sluice_value_t *value_bytes_new(sluice_type_t type, const void *data, size_t len)
{
    sluice_value_t *value = value_new(type, len + 1);
    char *copy = (char *)(value + 1);
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    value->u.bytes.data = copy;
    value->u.bytes.len = len;
    return value;
}

sluice_value_t *sluice_value_string(const char *str, size_t len)
{
    return value_bytes_new(SLUICE_TYPE_STRING, str, len);
}

sluice_value_t *sluice_value_cstring(const char *str)
{
    if (!str)
        str = "";
    return value_bytes_new(SLUICE_TYPE_STRING, str, strlen(str));
}

sluice_value_t *sluice_value_string_take(char *str, size_t len)
{
    if (!str)
        return value_bytes_new(SLUICE_TYPE_STRING, "", 0);
    sluice_value_t *value = value_new(SLUICE_TYPE_STRING, 0);
    value->flags = VALUE_F_EXTERNAL;
    value->u.bytes.data = str;
    value->u.bytes.len = len;
    return value;
}

sluice_value_t *sluice_value_bytes(const void *data, size_t len)
{
    return value_bytes_new(SLUICE_TYPE_BYTES, data, len);
}

/* ---- hashing (map index) ------------------------------------------------ */

static uint64_t hash_mix(uint64_t x)
{
    /* splitmix64's finaliser: spreads every input bit over the word. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t hash_bytes(sluice_type_t type, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)type; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return hash_mix(h);
}

/* Java's floatToIntBits: every NaN hashes and compares as the one NaN. */
static uint32_t float_bits(float f)
{
    uint32_t bits;
    if (f != f)
        return 0x7fc00000u;
    memcpy(&bits, &f, sizeof(bits));
    return bits;
}

static uint64_t double_bits(double d)
{
    uint64_t bits;
    if (d != d)
        return 0x7ff8000000000000ULL;
    memcpy(&bits, &d, sizeof(bits));
    return bits;
}

/* Equal values (sluice_value_equals) hash equally (value_internal.h). */
uint64_t value_hash(const sluice_value_t *value)
{
    if (!value)
        return 0x9e3779b97f4a7c15ULL;
    uint64_t h;
    switch ((sluice_type_t)value->type) {
    case SLUICE_TYPE_INT8: return hash_mix((uint64_t)(int64_t)value->u.i8 + 1);
    case SLUICE_TYPE_INT16: return hash_mix((uint64_t)(int64_t)value->u.i16 + 2);
    case SLUICE_TYPE_INT32: return hash_mix((uint64_t)(int64_t)value->u.i32 + 3);
    case SLUICE_TYPE_INT64: return hash_mix((uint64_t)value->u.i64 + 4);
    case SLUICE_TYPE_FLOAT32: return hash_mix((uint64_t)float_bits(value->u.f32) + 5);
    case SLUICE_TYPE_FLOAT64: return hash_mix(double_bits(value->u.f64) + 6);
    case SLUICE_TYPE_BOOLEAN: return hash_mix(value->u.b ? 7 : 8);
    case SLUICE_TYPE_STRING:
    case SLUICE_TYPE_BYTES:
        return hash_bytes((sluice_type_t)value->type, value->u.bytes.data, value->u.bytes.len);
    case SLUICE_TYPE_ARRAY:
        h = 9;
        for (size_t i = 0; i < value->u.array.count; i++)
            h = hash_mix(h * 31 + value_hash(value->u.array.items[i]));
        return h;
    case SLUICE_TYPE_MAP:
        /* Map equality ignores order, so must the hash: sum the entries. */
        h = 10;
        for (uint32_t i = 0; i < value->u.map.count; i++)
            h += hash_mix(value_hash(value->u.map.entries[i].key) * 31 +
                          value_hash(value->u.map.entries[i].value));
        return h;
    case SLUICE_TYPE_STRUCT:
        h = 11;
        for (size_t i = 0; i < value->u.st.count; i++)
            h = hash_mix(h * 31 + value_hash(value->u.st.fields[i]));
        return h;
    }
    return 0;
}

/* ---- arrays ------------------------------------------------------------- */

sluice_value_t *sluice_value_array_new(void)
{
    return value_new(SLUICE_TYPE_ARRAY, 0);
}

void sluice_value_array_append(sluice_value_t *array, sluice_value_t *item)
{
    if (!array || array->type != SLUICE_TYPE_ARRAY) {
        sluice_value_destroy(item);
        return;
    }
    value_check_unshared(array, "sluice_value_array_append");
    mem_grow((void **)&array->u.array.items, &array->u.array.cap, array->u.array.count + 1,
             sizeof(sluice_value_t *));
    array->u.array.items[array->u.array.count++] = item;
}

size_t sluice_value_array_count(const sluice_value_t *array)
{
    return array && array->type == SLUICE_TYPE_ARRAY ? array->u.array.count : 0;
}

const sluice_value_t *sluice_value_array_get(const sluice_value_t *array, size_t i)
{
    if (!array || array->type != SLUICE_TYPE_ARRAY || i >= array->u.array.count)
        return NULL;
    return array->u.array.items[i];
}

/* ---- maps --------------------------------------------------------------- */

sluice_value_t *sluice_value_map_new(void)
{
    return value_new(SLUICE_TYPE_MAP, 0);
}

/* A map whose entry array of cap slots is made with the node. */
static sluice_value_t *map_new_inline(uint32_t cap)
{
    if (!cap)
        return value_new(SLUICE_TYPE_MAP, 0);
    sluice_value_t *map = value_new(SLUICE_TYPE_MAP, (size_t)cap * sizeof(value_entry_t));
    map->flags = VALUE_F_INLINE_ENTRIES;
    map->u.map.entries = (value_entry_t *)(map + 1);
    map->u.map.cap = cap;
    return map;
}

sluice_value_t *sluice_value_map_new_sized(size_t capacity)
{
    /* Beyond a few entries the saving is nil and the slack could be large. */
    return map_new_inline(capacity > VALUE_MAP_INDEX_MIN ? VALUE_MAP_INDEX_MIN
                                                         : (uint32_t)capacity);
}

/* Puts entry i into the index (which has room for it). */
static void map_index_insert(sluice_value_t *map, uint32_t i, uint64_t hash)
{
    size_t mask = ((size_t)1 << map->index_bits) - 1;
    size_t slot = (size_t)hash & mask;
    while (map->u.map.index[slot])
        slot = (slot + 1) & mask;
    map->u.map.index[slot] = i + 1;
}

/* Builds or grows the index so that it can hold need entries at a load
 * factor of at most one half. */
static void map_index_reserve(sluice_value_t *map, uint32_t need)
{
    if (need <= VALUE_MAP_INDEX_MIN)
        return;
    if (map->index_bits && ((size_t)need * 2 <= ((size_t)1 << map->index_bits)))
        return;
    uint8_t bits = 5;
    while (((size_t)1 << bits) < (size_t)need * 2)
        bits++;
    free(map->u.map.index);
    map->u.map.index = mem_calloc((size_t)1 << bits, sizeof(uint32_t));
    map->index_bits = bits;
    for (uint32_t i = 0; i < map->u.map.count; i++)
        map_index_insert(map, i, value_hash(map->u.map.entries[i].key));
}

/* The index of the entry whose key equals key, or -1. */
static long map_find(const sluice_value_t *map, const sluice_value_t *key, uint64_t hash)
{
    if (map->index_bits) {
        size_t mask = ((size_t)1 << map->index_bits) - 1;
        for (size_t slot = (size_t)hash & mask; map->u.map.index[slot]; slot = (slot + 1) & mask) {
            uint32_t i = map->u.map.index[slot] - 1;
            if (sluice_value_equals(map->u.map.entries[i].key, key))
                return (long)i;
        }
        return -1;
    }
    for (uint32_t i = 0; i < map->u.map.count; i++)
        if (sluice_value_equals(map->u.map.entries[i].key, key))
            return (long)i;
    return -1;
}

void sluice_value_map_put(sluice_value_t *map, sluice_value_t *key, sluice_value_t *value)
{
    if (!map || map->type != SLUICE_TYPE_MAP) {
        sluice_value_destroy(key);
        sluice_value_destroy(value);
        return;
    }
    value_check_unshared(map, "sluice_value_map_put");
    uint64_t hash =
        map->index_bits || map->u.map.count >= VALUE_MAP_INDEX_MIN ? value_hash(key) : 0;
    long found = map_find(map, key, hash);
    if (found >= 0) {
        value_entry_t *entry = &map->u.map.entries[found];
        sluice_value_destroy(entry->value);
        entry->value = value;
        sluice_value_destroy(key);
        return;
    }
    if (map->u.map.count == UINT32_MAX) {
        fprintf(stderr, "sluice: a map value cannot hold more than %u entries\n", UINT32_MAX);
        abort();
    }
    uint32_t i = map->u.map.count;
    if (i == map->u.map.cap) {
        size_t cap = map->u.map.cap;
        if (map->flags & VALUE_F_INLINE_ENTRIES) {
            /* Outgrown the array made with the node: move to a malloc()ed one. */
            value_entry_t *inline_entries = map->u.map.entries;
            map->u.map.entries = NULL;
            cap = 0;
            mem_grow((void **)&map->u.map.entries, &cap, (size_t)i + 1, sizeof(value_entry_t));
            memcpy(map->u.map.entries, inline_entries, (size_t)i * sizeof(value_entry_t));
            map->flags &= (uint8_t)~VALUE_F_INLINE_ENTRIES;
        } else {
            mem_grow((void **)&map->u.map.entries, &cap, (size_t)i + 1, sizeof(value_entry_t));
        }
        map->u.map.cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
    }
    map->u.map.entries[i].key = key;
    map->u.map.entries[i].value = value;
    map->u.map.count++;
    if (map->index_bits && (size_t)map->u.map.count * 2 <= ((size_t)1 << map->index_bits))
        map_index_insert(map, i, hash);
    else
        map_index_reserve(map, map->u.map.count); /* builds or regrows from all entries */
}

void sluice_value_map_put_str(sluice_value_t *map, const char *key, sluice_value_t *value)
{
    sluice_value_map_put(map, sluice_value_cstring(key), value);
}

size_t sluice_value_map_count(const sluice_value_t *map)
{
    return map && map->type == SLUICE_TYPE_MAP ? map->u.map.count : 0;
}

const sluice_value_t *sluice_value_map_key_at(const sluice_value_t *map, size_t i)
{
    if (!map || map->type != SLUICE_TYPE_MAP || i >= map->u.map.count)
        return NULL;
    return map->u.map.entries[i].key;
}

const sluice_value_t *sluice_value_map_value_at(const sluice_value_t *map, size_t i)
{
    if (!map || map->type != SLUICE_TYPE_MAP || i >= map->u.map.count)
        return NULL;
    return map->u.map.entries[i].value;
}

static bool key_is_str(const sluice_value_t *key, const char *str, size_t len)
{
    return key && key->type == SLUICE_TYPE_STRING && key->u.bytes.len == len &&
           memcmp(key->u.bytes.data, str, len) == 0;
}

const sluice_value_t *sluice_value_map_get_str(const sluice_value_t *map, const char *key)
{
    if (!map || map->type != SLUICE_TYPE_MAP || !key)
        return NULL;
    size_t len = strlen(key);
    if (map->index_bits) {
        uint64_t hash = hash_bytes(SLUICE_TYPE_STRING, key, len);
        size_t mask = ((size_t)1 << map->index_bits) - 1;
        for (size_t slot = (size_t)hash & mask; map->u.map.index[slot]; slot = (slot + 1) & mask) {
            const value_entry_t *entry = &map->u.map.entries[map->u.map.index[slot] - 1];
            if (key_is_str(entry->key, key, len))
                return entry->value;
        }
        return NULL;
    }
    for (uint32_t i = 0; i < map->u.map.count; i++)
        if (key_is_str(map->u.map.entries[i].key, key, len))
            return map->u.map.entries[i].value;
    return NULL;
}

/* ---- structs ------------------------------------------------------------ */

sluice_value_t *sluice_value_struct_new(const sluice_schema_t *schema)
{
    if (!schema || sluice_schema_type(schema) != SLUICE_TYPE_STRUCT)
        return NULL;
    size_t count = sluice_schema_field_count(schema);
    sluice_value_t *st = value_new(SLUICE_TYPE_STRUCT, count * sizeof(sluice_value_t *));
    st->u.st.schema = sluice_schema_ref(schema);
    st->u.st.fields = (sluice_value_t **)(st + 1);
    st->u.st.count = count;
    memset(st->u.st.fields, 0, count * sizeof(sluice_value_t *));
    return st;
}

static const char *value_type_name(const sluice_value_t *value)
{
    return value ? sluice_type_name((sluice_type_t)value->type) : "null";
}

int sluice_value_struct_put_at(sluice_value_t *st, size_t index, sluice_value_t *value,
                               char *errstr, size_t errstr_size)
{
    if (!st || st->type != SLUICE_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "cannot put a field into a %s value", value_type_name(st));
        sluice_value_destroy(value);
        return -1;
    }
    value_check_unshared(st, "sluice_value_struct_put");
    if (index >= st->u.st.count) {
        snprintf(errstr, errstr_size, "field index %zu is out of range (the struct has %zu fields)",
                 index, st->u.st.count);
        sluice_value_destroy(value);
        return -1;
    }
    const sluice_schema_t *field_schema = sluice_schema_field_schema(st->u.st.schema, index);
    if (value && value->type != (uint8_t)sluice_schema_type(field_schema)) {
        snprintf(errstr, errstr_size, "field %s: expected %s, got %s",
                 sluice_schema_field_name(st->u.st.schema, index),
                 sluice_type_name(sluice_schema_type(field_schema)), value_type_name(value));
        sluice_value_destroy(value);
        return -1;
    }
    sluice_value_destroy(st->u.st.fields[index]);
    st->u.st.fields[index] = value;
    return 0;
}

int sluice_value_struct_put(sluice_value_t *st, const char *field, sluice_value_t *value,
                            char *errstr, size_t errstr_size)
{
    if (!st || st->type != SLUICE_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "cannot put field %s into a %s value",
                 field ? field : "(null)", value_type_name(st));
        sluice_value_destroy(value);
        return -1;
    }
    int index = sluice_schema_field_index(st->u.st.schema, field);
    if (index < 0) {
        const char *name = sluice_schema_name(st->u.st.schema);
        snprintf(errstr, errstr_size, "%s is not a valid field name%s%s", field ? field : "(null)",
                 name ? " in struct " : "", name ? name : "");
        sluice_value_destroy(value);
        return -1;
    }
    return sluice_value_struct_put_at(st, (size_t)index, value, errstr, errstr_size);
}

const sluice_value_t *sluice_value_struct_get_at(const sluice_value_t *st, size_t index)
{
    if (!st || st->type != SLUICE_TYPE_STRUCT || index >= st->u.st.count)
        return NULL;
    return st->u.st.fields[index];
}

const sluice_value_t *sluice_value_struct_get(const sluice_value_t *st, const char *field)
{
    if (!st || st->type != SLUICE_TYPE_STRUCT)
        return NULL;
    int index = sluice_schema_field_index(st->u.st.schema, field);
    return index < 0 ? NULL : st->u.st.fields[index];
}

sluice_value_t *sluice_value_struct_take_at(sluice_value_t *st, size_t index)
{
    if (!st || st->type != SLUICE_TYPE_STRUCT || index >= st->u.st.count)
        return NULL;
    value_check_unshared(st, "sluice_value_struct_take_at");
    sluice_value_t *value = st->u.st.fields[index];
    st->u.st.fields[index] = NULL;
    return value;
}

const sluice_schema_t *sluice_value_struct_schema(const sluice_value_t *st)
{
    return st && st->type == SLUICE_TYPE_STRUCT ? st->u.st.schema : NULL;
}

/* ---- reading ------------------------------------------------------------ */

sluice_type_t sluice_value_type(const sluice_value_t *value)
{
    /* Out of range on purpose: matches no type a caller switches on. */
    return value ? (sluice_type_t)value->type : (sluice_type_t)SLUICE_TYPE_COUNT;
}

int8_t sluice_value_get_int8(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_INT8 ? value->u.i8 : 0;
}

int16_t sluice_value_get_int16(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_INT16 ? value->u.i16 : 0;
}

int32_t sluice_value_get_int32(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_INT32 ? value->u.i32 : 0;
}

int64_t sluice_value_get_int64(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_INT64 ? value->u.i64 : 0;
}

float sluice_value_get_float32(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_FLOAT32 ? value->u.f32 : 0.0f;
}

double sluice_value_get_float64(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_FLOAT64 ? value->u.f64 : 0.0;
}

bool sluice_value_get_boolean(const sluice_value_t *value)
{
    return value && value->type == SLUICE_TYPE_BOOLEAN && value->u.b;
}

const char *sluice_value_get_string(const sluice_value_t *value, size_t *len)
{
    if (!value || value->type != SLUICE_TYPE_STRING) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = value->u.bytes.len;
    return value->u.bytes.data;
}

const uint8_t *sluice_value_get_bytes(const sluice_value_t *value, size_t *len)
{
    if (!value || value->type != SLUICE_TYPE_BYTES) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = value->u.bytes.len;
    return (const uint8_t *)value->u.bytes.data;
}

/* ---- whole values ------------------------------------------------------- */

sluice_value_t *sluice_value_copy(const sluice_value_t *value)
{
    if (!value)
        return NULL;
    sluice_value_t *copy;
    switch ((sluice_type_t)value->type) {
    case SLUICE_TYPE_STRING:
    case SLUICE_TYPE_BYTES:
        return value_bytes_new((sluice_type_t)value->type, value->u.bytes.data, value->u.bytes.len);
    case SLUICE_TYPE_ARRAY:
        copy = sluice_value_array_new();
        if (value->u.array.count) {
            copy->u.array.items = mem_alloc(value->u.array.count * sizeof(sluice_value_t *));
            copy->u.array.cap = value->u.array.count;
            for (size_t i = 0; i < value->u.array.count; i++)
                copy->u.array.items[i] = sluice_value_copy(value->u.array.items[i]);
            copy->u.array.count = value->u.array.count;
        }
        return copy;
    case SLUICE_TYPE_MAP:
        copy = map_new_inline(value->u.map.count);
        if (value->u.map.count) {
            uint32_t n = value->u.map.count;
            for (uint32_t i = 0; i < n; i++) {
                copy->u.map.entries[i].key = sluice_value_copy(value->u.map.entries[i].key);
                copy->u.map.entries[i].value = sluice_value_copy(value->u.map.entries[i].value);
            }
            copy->u.map.count = n;
            /* Equal keys hash equally and sit at the same positions, so the
             * index carries over as it is. */
            if (value->index_bits) {
                copy->index_bits = value->index_bits;
                copy->u.map.index = mem_memdup(value->u.map.index,
                                               ((size_t)1 << value->index_bits) * sizeof(uint32_t));
            }
        }
        return copy;
    case SLUICE_TYPE_STRUCT:
        copy = sluice_value_struct_new(value->u.st.schema);
        for (size_t i = 0; i < value->u.st.count; i++)
            copy->u.st.fields[i] = sluice_value_copy(value->u.st.fields[i]);
        return copy;
    default:
        copy = value_new((sluice_type_t)value->type, 0);
        copy->u = value->u;
        return copy;
    }
}

static bool map_equals(const sluice_value_t *a, const sluice_value_t *b)
{
    if (a->u.map.count != b->u.map.count)
        return false;
    for (uint32_t i = 0; i < a->u.map.count; i++) {
        const value_entry_t *ea = &a->u.map.entries[i];
        const value_entry_t *eb = &b->u.map.entries[i];
        /* Maps built the same way keep the same order: try that first. */
        if (!sluice_value_equals(ea->key, eb->key)) {
            long j = map_find(b, ea->key, b->index_bits ? value_hash(ea->key) : 0);
            if (j < 0)
                return false;
            eb = &b->u.map.entries[j];
        }
        if (!sluice_value_equals(ea->value, eb->value))
            return false;
    }
    return true;
}

bool sluice_value_equals(const sluice_value_t *a, const sluice_value_t *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->type != b->type)
        return false;
    switch ((sluice_type_t)a->type) {
    case SLUICE_TYPE_INT8: return a->u.i8 == b->u.i8;
    case SLUICE_TYPE_INT16: return a->u.i16 == b->u.i16;
    case SLUICE_TYPE_INT32: return a->u.i32 == b->u.i32;
    case SLUICE_TYPE_INT64: return a->u.i64 == b->u.i64;
    case SLUICE_TYPE_FLOAT32: return float_bits(a->u.f32) == float_bits(b->u.f32);
    case SLUICE_TYPE_FLOAT64: return double_bits(a->u.f64) == double_bits(b->u.f64);
    case SLUICE_TYPE_BOOLEAN: return a->u.b == b->u.b;
    case SLUICE_TYPE_STRING:
    case SLUICE_TYPE_BYTES:
        return a->u.bytes.len == b->u.bytes.len &&
               (a->u.bytes.len == 0 ||
                memcmp(a->u.bytes.data, b->u.bytes.data, a->u.bytes.len) == 0);
    case SLUICE_TYPE_ARRAY:
        if (a->u.array.count != b->u.array.count)
            return false;
        for (size_t i = 0; i < a->u.array.count; i++)
            if (!sluice_value_equals(a->u.array.items[i], b->u.array.items[i]))
                return false;
        return true;
    case SLUICE_TYPE_MAP: return map_equals(a, b);
    case SLUICE_TYPE_STRUCT:
        if (a->u.st.count != b->u.st.count || !sluice_schema_equals(a->u.st.schema, b->u.st.schema))
            return false;
        for (size_t i = 0; i < a->u.st.count; i++)
            if (!sluice_value_equals(a->u.st.fields[i], b->u.st.fields[i]))
                return false;
        return true;
    }
    return false;
}

void sluice_value_destroy(sluice_value_t *value)
{
    if (!value)
        return;
    /* Another owner left: only the count changes. A count of 0 read here
     * means no other owner exists, so none can take a reference meanwhile. */
    if (atomic_load_explicit(&value->refs, memory_order_acquire) != 0 &&
        atomic_fetch_sub_explicit(&value->refs, 1, memory_order_acq_rel) != 0)
        return;
    switch ((sluice_type_t)value->type) {
    case SLUICE_TYPE_STRING:
    case SLUICE_TYPE_BYTES:
        if (value->flags & VALUE_F_EXTERNAL)
            free(value->u.bytes.data);
        break;
    case SLUICE_TYPE_ARRAY:
        for (size_t i = 0; i < value->u.array.count; i++)
            sluice_value_destroy(value->u.array.items[i]);
        free(value->u.array.items);
        break;
    case SLUICE_TYPE_MAP:
        for (uint32_t i = 0; i < value->u.map.count; i++) {
            sluice_value_destroy(value->u.map.entries[i].key);
            sluice_value_destroy(value->u.map.entries[i].value);
        }
        if (!(value->flags & VALUE_F_INLINE_ENTRIES))
            free(value->u.map.entries);
        free(value->u.map.index);
        break;
    case SLUICE_TYPE_STRUCT:
        for (size_t i = 0; i < value->u.st.count; i++)
            sluice_value_destroy(value->u.st.fields[i]);
        sluice_schema_unref(value->u.st.schema);
        break;
    default: break;
    }
    free(value);
}

/* ---- validation --------------------------------------------------------- */

/* The path to the part being checked, as "address.zip", "tags[2]" or
 * "attrs[\"k\"]"; cut short (with its end lost) if it grows too long. */
typedef struct value_path {
    char buf[256];
    size_t len;
} value_path_t;

static size_t path_push(value_path_t *path, const char *fmt, ...) SLUICE_PRINTF(2, 3);

static size_t path_push(value_path_t *path, const char *fmt, ...)
{
    size_t mark = path->len;
    if (path->len < sizeof(path->buf) - 1) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(path->buf + path->len, sizeof(path->buf) - path->len, fmt, ap);
        va_end(ap);
        if (n > 0)
            path->len += (size_t)n;
        if (path->len > sizeof(path->buf) - 1)
            path->len = sizeof(path->buf) - 1;
    }
    return mark;
}

static void path_pop(value_path_t *path, size_t mark)
{
    path->len = mark;
    path->buf[mark] = '\0';
}

static int validate_fail(const value_path_t *path, char *errstr, size_t errstr_size,
                         const char *fmt, ...) SLUICE_PRINTF(4, 5);

static int validate_fail(const value_path_t *path, char *errstr, size_t errstr_size,
                         const char *fmt, ...)
{
    if (!errstr || !errstr_size)
        return -1;
    int n;
    if (path->len == 0)
        n = snprintf(errstr, errstr_size, "value: ");
    else if (path->buf[0] == '[')
        n = snprintf(errstr, errstr_size, "value%s: ", path->buf);
    else
        n = snprintf(errstr, errstr_size, "field %s: ", path->buf);
    if (n >= 0 && (size_t)n < errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr + n, errstr_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int validate_value(const sluice_schema_t *schema, const sluice_value_t *value,
                          value_path_t *path, char *errstr, size_t errstr_size)
{
    sluice_type_t type = sluice_schema_type(schema);
    if (!value) {
        if (sluice_schema_is_optional(schema) || sluice_schema_default(schema))
            return 0;
        return validate_fail(path, errstr, errstr_size, "expected %s, got null",
                             sluice_type_name(type));
    }
    if (value->type != (uint8_t)type)
        return validate_fail(path, errstr, errstr_size, "expected %s, got %s",
                             sluice_type_name(type), value_type_name(value));

    switch (type) {
    case SLUICE_TYPE_BYTES:
        /* A Decimal's unscaled value needs at least one byte, as
         * BigInteger(byte[]) does. */
        if (value->u.bytes.len == 0 && sluice_schema_is_logical(schema, SLUICE_LOGICAL_DECIMAL))
            return validate_fail(path, errstr, errstr_size,
                                 "a decimal needs at least one byte of unscaled value");
        return 0;
    case SLUICE_TYPE_ARRAY: {
        const sluice_schema_t *items = sluice_schema_value_schema(schema);
        for (size_t i = 0; i < value->u.array.count; i++) {
            size_t mark = path_push(path, "[%zu]", i);
            int rc = validate_value(items, value->u.array.items[i], path, errstr, errstr_size);
            path_pop(path, mark);
            if (rc)
                return rc;
        }
        return 0;
    }
    case SLUICE_TYPE_MAP: {
        const sluice_schema_t *keys = sluice_schema_key_schema(schema);
        const sluice_schema_t *values = sluice_schema_value_schema(schema);
        for (uint32_t i = 0; i < value->u.map.count; i++) {
            const value_entry_t *entry = &value->u.map.entries[i];
            size_t mark = path_push(path, "[key of entry %u]", i);
            int rc = validate_value(keys, entry->key, path, errstr, errstr_size);
            path_pop(path, mark);
            if (rc)
                return rc;
            if (entry->key && entry->key->type == SLUICE_TYPE_STRING)
                mark = path_push(path, "[\"%.64s\"]", entry->key->u.bytes.data);
            else
                mark = path_push(path, "[entry %u]", i);
            rc = validate_value(values, entry->value, path, errstr, errstr_size);
            path_pop(path, mark);
            if (rc)
                return rc;
        }
        return 0;
    }
    case SLUICE_TYPE_STRUCT: {
        const sluice_schema_t *actual = value->u.st.schema;
        /* The count check catches a schema that gained fields after the
         * struct was made for it. */
        if (!sluice_schema_equals(schema, actual) ||
            value->u.st.count != sluice_schema_field_count(schema)) {
            const char *want = sluice_schema_name(schema);
            const char *got = sluice_schema_name(actual);
            return validate_fail(path, errstr, errstr_size,
                                 "struct schema %s%s%s does not match the expected schema "
                                 "%s%s%s",
                                 got ? "'" : "", got ? got : "(unnamed)", got ? "'" : "",
                                 want ? "'" : "", want ? want : "(unnamed)", want ? "'" : "");
        }
        for (size_t i = 0; i < value->u.st.count; i++) {
            size_t mark =
                path_push(path, "%s%s", path->len ? "." : "", sluice_schema_field_name(schema, i));
            int rc = validate_value(sluice_schema_field_schema(schema, i), value->u.st.fields[i],
                                    path, errstr, errstr_size);
            path_pop(path, mark);
            if (rc)
                return rc;
        }
        return 0;
    }
    default: return 0;
    }
}

int sluice_value_validate(const sluice_schema_t *schema, const sluice_value_t *value, char *errstr,
                          size_t errstr_size)
{
    /* Schemaless data has nothing to be checked against. */
    if (!schema)
        return 0;
    value_path_t path = {.len = 0};
    path.buf[0] = '\0';
    return validate_value(schema, value, &path, errstr, errstr_size);
}
