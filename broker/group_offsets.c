/*
 * Committed offsets per group and the __consumer_offsets record formats (see
 * group_offsets.h).
 */
#include "group_offsets.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* ---------------------------------------------------------------------------
 * Partition mapping.
 */

/* Decodes one code point from s (at most len bytes) the way Java's UTF-8
 * decoder does: a malformed sequence becomes U+FFFD and consumes its maximal
 * valid prefix (at least one byte). Returns the bytes consumed. */
static size_t offsets_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t need;
    uint32_t min_cont = 0x80, max_cont = 0xBF, c;

    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        c = b & 0x0F;
        if (b == 0xE0)
            min_cont = 0xA0; /* overlong */
        else if (b == 0xED)
            max_cont = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        c = b & 0x07;
        if (b == 0xF0)
            min_cont = 0x90;
        else if (b == 0xF4)
            max_cont = 0x8F;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= len)
            break;
        unsigned char cb = s[i];
        unsigned char lo = i == 1 ? min_cont : 0x80, hi = i == 1 ? max_cont : 0xBF;
        if (cb < lo || cb > hi)
            break;
        c = (c << 6) | (cb & 0x3F);
    }
    if (i <= need) {
        *cp = 0xFFFD;
        return i;
    }
    *cp = c;
    return need + 1;
}

int32_t broker_group_offsets_java_hash(const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t len = strlen((const char *)s);
    uint32_t h = 0; /* unsigned: Java's int overflow wraps */

    while (len > 0) {
        uint32_t cp;
        size_t n = offsets_utf8_next(s, len, &cp);
        s += n;
        len -= n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return (int32_t)h;
}

int32_t broker_group_offsets_partition_for(const char *group_id, int32_t num_partitions)
{
    int32_t h = broker_group_offsets_java_hash(group_id);
    int32_t a = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
    if (num_partitions < 1)
        num_partitions = 1;
    return a % num_partitions;
}

/* ---------------------------------------------------------------------------
 * The offsets table: a chained hash on (topic, partition). Groups commit for
 * tens to thousands of partitions; lookups happen on every commit and fetch.
 */

typedef struct offsets_entry {
    struct offsets_entry *next;
    broker_group_offset_t off;
} offsets_entry_t;

struct broker_group_offsets {
    offsets_entry_t **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
};

static uint32_t offsets_hash(const char *topic, int32_t partition)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)topic; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ (uint32_t)partition) * 16777619u;
    return h ^ (h >> 15);
}

broker_group_offsets_t *broker_group_offsets_new(void)
{
    broker_group_offsets_t *offsets = mem_calloc(1, sizeof(*offsets));
    offsets->bucket_count = 16;
    offsets->buckets = mem_calloc(offsets->bucket_count, sizeof(*offsets->buckets));
    return offsets;
}

static void offsets_entry_free(offsets_entry_t *e)
{
    free(e->off.topic);
    free(e->off.metadata);
    free(e);
}

void broker_group_offsets_destroy(broker_group_offsets_t *offsets)
{
    if (!offsets)
        return;
    for (size_t i = 0; i < offsets->bucket_count; i++) {
        offsets_entry_t *e = offsets->buckets[i];
        while (e) {
            offsets_entry_t *next = e->next;
            offsets_entry_free(e);
            e = next;
        }
    }
    free(offsets->buckets);
    free(offsets);
}

static offsets_entry_t **offsets_find(const broker_group_offsets_t *offsets, const char *topic,
                                      int32_t partition)
{
    size_t b = offsets_hash(topic, partition) & (offsets->bucket_count - 1);
    offsets_entry_t **link = &offsets->buckets[b];
    while (*link) {
        if ((*link)->off.partition == partition && strcmp((*link)->off.topic, topic) == 0)
            return link;
        link = &(*link)->next;
    }
    return link;
}

const broker_group_offset_t *broker_group_offsets_get(const broker_group_offsets_t *offsets,
                                                      const char *topic, int32_t partition)
{
    offsets_entry_t **link = offsets_find(offsets, topic, partition);
    return *link ? &(*link)->off : NULL;
}

static void offsets_grow(broker_group_offsets_t *offsets)
{
    size_t n = offsets->bucket_count * 2;
    offsets_entry_t **buckets = mem_calloc(n, sizeof(*buckets));
    for (size_t i = 0; i < offsets->bucket_count; i++) {
        offsets_entry_t *e = offsets->buckets[i];
        while (e) {
            offsets_entry_t *next = e->next;
            size_t b = offsets_hash(e->off.topic, e->off.partition) & (n - 1);
            e->next = buckets[b];
            buckets[b] = e;
            e = next;
        }
    }
    free(offsets->buckets);
    offsets->buckets = buckets;
    offsets->bucket_count = n;
}

void broker_group_offsets_put(broker_group_offsets_t *offsets, const char *topic, int32_t partition,
                              int64_t offset, int32_t leader_epoch, const char *metadata,
                              int64_t commit_timestamp, int64_t expire_timestamp)
{
    offsets_entry_t **link = offsets_find(offsets, topic, partition);
    offsets_entry_t *e = *link;
    char *md = mem_strdup(metadata ? metadata : "");

    if (!e) {
        if (offsets->count >= offsets->bucket_count) {
            offsets_grow(offsets);
            link = offsets_find(offsets, topic, partition);
        }
        e = mem_calloc(1, sizeof(*e));
        e->off.topic = mem_strdup(topic);
        e->off.partition = partition;
        *link = e;
        offsets->count++;
    }
    free(e->off.metadata);
    e->off.metadata = md;
    e->off.offset = offset;
    e->off.leader_epoch = leader_epoch;
    e->off.commit_timestamp = commit_timestamp;
    e->off.expire_timestamp = expire_timestamp;
}

bool broker_group_offsets_remove(broker_group_offsets_t *offsets, const char *topic,
                                 int32_t partition)
{
    offsets_entry_t **link = offsets_find(offsets, topic, partition);
    offsets_entry_t *e = *link;
    if (!e)
        return false;
    *link = e->next;
    offsets_entry_free(e);
    offsets->count--;
    return true;
}

size_t broker_group_offsets_count(const broker_group_offsets_t *offsets)
{
    return offsets->count;
}

static int offsets_cmp(const void *a, const void *b)
{
    const broker_group_offset_t *x = *(const broker_group_offset_t *const *)a;
    const broker_group_offset_t *y = *(const broker_group_offset_t *const *)b;
    int c = strcmp(x->topic, y->topic);
    if (c)
        return c;
    return x->partition < y->partition ? -1 : x->partition > y->partition;
}

const broker_group_offset_t **broker_group_offsets_sorted(const broker_group_offsets_t *offsets,
                                                          size_t *count)
{
    *count = offsets->count;
    if (offsets->count == 0)
        return NULL;
    const broker_group_offset_t **all = mem_alloc(offsets->count * sizeof(*all));
    size_t n = 0;
    for (size_t i = 0; i < offsets->bucket_count; i++)
        for (offsets_entry_t *e = offsets->buckets[i]; e; e = e->next)
            all[n++] = &e->off;
    qsort(all, n, sizeof(*all), offsets_cmp);
    return all;
}

/* ---------------------------------------------------------------------------
 * Writers: big-endian, non-flexible Kafka encoding.
 */

static void wr_i16(sluice_buf_t *buf, int16_t v)
{
    uint16_t u = (uint16_t)v;
    unsigned char b[2] = {(unsigned char)(u >> 8), (unsigned char)u};
    sluice_buf_append(buf, b, 2);
}

static void wr_i32(sluice_buf_t *buf, int32_t v)
{
    uint32_t u = (uint32_t)v;
    unsigned char b[4] = {(unsigned char)(u >> 24), (unsigned char)(u >> 16),
                          (unsigned char)(u >> 8), (unsigned char)u};
    sluice_buf_append(buf, b, 4);
}

static void wr_i64(sluice_buf_t *buf, int64_t v)
{
    wr_i32(buf, (int32_t)(uint32_t)((uint64_t)v >> 32));
    wr_i32(buf, (int32_t)(uint32_t)(uint64_t)v);
}

/* A string longer than int16 can carry cannot come from the wire (its own
 * length field is int16), so truncation here is only a guard. */
static void wr_str(sluice_buf_t *buf, const char *s)
{
    if (!s) {
        wr_i16(buf, -1);
        return;
    }
    size_t len = strlen(s);
    if (len > INT16_MAX)
        len = INT16_MAX;
    wr_i16(buf, (int16_t)len);
    sluice_buf_append(buf, s, len);
}

static void wr_bytes(sluice_buf_t *buf, const uint8_t *data, size_t len)
{
    wr_i32(buf, (int32_t)len);
    if (len)
        sluice_buf_append(buf, data, len);
}

void broker_group_offsets_write_commit_key(sluice_buf_t *buf, const char *group, const char *topic,
                                           int32_t partition)
{
    wr_i16(buf, BROKER_GROUP_OFFSET_COMMIT_KEY_VERSION);
    wr_str(buf, group);
    wr_str(buf, topic);
    wr_i32(buf, partition);
}

void broker_group_offsets_write_commit_value(sluice_buf_t *buf, const broker_group_offset_t *off)
{
    if (off->expire_timestamp >= 0) {
        wr_i16(buf, 1);
        wr_i64(buf, off->offset);
        wr_str(buf, off->metadata ? off->metadata : "");
        wr_i64(buf, off->commit_timestamp);
        wr_i64(buf, off->expire_timestamp);
        return;
    }
    wr_i16(buf, BROKER_GROUP_OFFSET_COMMIT_VALUE_VERSION);
    wr_i64(buf, off->offset);
    wr_i32(buf, off->leader_epoch);
    wr_str(buf, off->metadata ? off->metadata : "");
    wr_i64(buf, off->commit_timestamp);
}

void broker_group_offsets_write_group_key(sluice_buf_t *buf, const char *group)
{
    wr_i16(buf, BROKER_GROUP_METADATA_KEY_VERSION);
    wr_str(buf, group);
}

void broker_group_offsets_write_group_value(sluice_buf_t *buf,
                                            const broker_group_metadata_value_t *value)
{
    wr_i16(buf, BROKER_GROUP_METADATA_VALUE_VERSION);
    wr_str(buf, value->protocol_type ? value->protocol_type : "");
    wr_i32(buf, value->generation);
    wr_str(buf, value->protocol);
    wr_str(buf, value->leader);
    wr_i64(buf, value->current_state_timestamp);
    wr_i32(buf, (int32_t)value->member_count);
    for (size_t i = 0; i < value->member_count; i++) {
        const broker_group_metadata_member_t *m = &value->members[i];
        wr_str(buf, m->member_id);
        wr_str(buf, m->group_instance_id);
        wr_str(buf, m->client_id ? m->client_id : "");
        wr_str(buf, m->client_host ? m->client_host : "");
        wr_i32(buf, m->rebalance_timeout_ms);
        wr_i32(buf, m->session_timeout_ms);
        wr_bytes(buf, m->subscription, m->subscription_len);
        wr_bytes(buf, m->assignment, m->assignment_len);
    }
}

/* ---------------------------------------------------------------------------
 * Readers: a bounded slice; every read fails cleanly on underflow and the
 * decoders jump to one error label naming the field being read.
 */

typedef struct offsets_rd {
    const unsigned char *p;
    size_t left;
    const char *field; /* what is being read, for the error message */
} offsets_rd_t;

static bool rd_i16(offsets_rd_t *rd, int16_t *v)
{
    if (rd->left < 2)
        return false;
    *v = (int16_t)(uint16_t)((rd->p[0] << 8) | rd->p[1]);
    rd->p += 2;
    rd->left -= 2;
    return true;
}

static bool rd_i32(offsets_rd_t *rd, int32_t *v)
{
    if (rd->left < 4)
        return false;
    *v = (int32_t)(((uint32_t)rd->p[0] << 24) | ((uint32_t)rd->p[1] << 16) |
                   ((uint32_t)rd->p[2] << 8) | rd->p[3]);
    rd->p += 4;
    rd->left -= 4;
    return true;
}

static bool rd_i64(offsets_rd_t *rd, int64_t *v)
{
    int32_t hi, lo;
    if (rd->left < 8 || !rd_i32(rd, &hi) || !rd_i32(rd, &lo))
        return false;
    *v = (int64_t)(((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo);
    return true;
}

/* A string into a new allocation; a null string only when nullable. A NUL
 * inside would silently cut a C string short, so it is malformed. */
static bool rd_str(offsets_rd_t *rd, char **out, bool nullable)
{
    int16_t len;
    *out = NULL;
    if (!rd_i16(rd, &len))
        return false;
    if (len < 0)
        return nullable && len == -1;
    if ((size_t)len > rd->left || memchr(rd->p, '\0', (size_t)len))
        return false;
    *out = mem_strndup((const char *)rd->p, (size_t)len);
    rd->p += len;
    rd->left -= (size_t)len;
    return true;
}

static bool rd_bytes(offsets_rd_t *rd, uint8_t **out, size_t *out_len)
{
    int32_t len;
    *out = NULL;
    *out_len = 0;
    if (!rd_i32(rd, &len))
        return false;
    if (len < 0)
        return len == -1; /* null bytes: kept as empty */
    if ((size_t)len > rd->left)
        return false;
    if (len > 0)
        *out = mem_memdup(rd->p, (size_t)len);
    *out_len = (size_t)len;
    rd->p += len;
    rd->left -= (size_t)len;
    return true;
}

#define RD(call, name)                                                                             \
    do {                                                                                           \
        rd.field = (name);                                                                         \
        if (!(call))                                                                               \
            goto err_parse;                                                                        \
    } while (0)

static void offsets_err(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (!errstr || !errstr_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}

int broker_group_offsets_read_key(const void *data, size_t len, broker_group_record_key_t *key,
                                  char *errstr, size_t errstr_size)
{
    offsets_rd_t rd = {data, data ? len : 0, "version"};
    memset(key, 0, sizeof(*key));
    key->type = BROKER_GROUP_RECORD_UNKNOWN;

    RD(rd_i16(&rd, &key->version), "key version");
    switch (key->version) {
    case 0:
    case 1:
        key->type = BROKER_GROUP_RECORD_OFFSET_COMMIT;
        RD(rd_str(&rd, &key->group, false), "group");
        RD(rd_str(&rd, &key->topic, false), "topic");
        RD(rd_i32(&rd, &key->partition), "partition");
        break;
    case 2:
        key->type = BROKER_GROUP_RECORD_GROUP_METADATA;
        RD(rd_str(&rd, &key->group, false), "group");
        break;
    default: return 0; /* a record type of a newer Kafka: left to the caller */
    }
    if (rd.left) {
        rd.field = "end of key";
        goto err_parse;
    }
    return 0;

err_parse:
    offsets_err(errstr, errstr_size, "malformed %s key (version %d): bad or truncated %s",
                BROKER_GROUP_OFFSETS_TOPIC, key->version, rd.field);
    broker_group_record_key_clear(key);
    return -1;
}

void broker_group_record_key_clear(broker_group_record_key_t *key)
{
    free(key->group);
    free(key->topic);
    key->group = key->topic = NULL;
}

int broker_group_offsets_read_commit_value(const void *data, size_t len, broker_group_offset_t *off,
                                           char *errstr, size_t errstr_size)
{
    offsets_rd_t rd = {data, data ? len : 0, "version"};
    int16_t version = -1;
    memset(off, 0, sizeof(*off));
    off->leader_epoch = -1;
    off->expire_timestamp = -1;

    RD(rd_i16(&rd, &version), "value version");
    if (version < 0 || version > 3) {
        offsets_err(errstr, errstr_size, "unsupported offset commit value version %d", version);
        return -1;
    }
    RD(rd_i64(&rd, &off->offset), "offset");
    if (version >= 3)
        RD(rd_i32(&rd, &off->leader_epoch), "leader_epoch");
    RD(rd_str(&rd, &off->metadata, false), "metadata");
    RD(rd_i64(&rd, &off->commit_timestamp), "commit_timestamp");
    if (version == 1)
        RD(rd_i64(&rd, &off->expire_timestamp), "expire_timestamp");
    /* Kafka ignores what a newer minor writer appends; so do we. */
    return 0;

err_parse:
    offsets_err(errstr, errstr_size,
                "malformed %s offset commit value (version %d): bad or truncated %s",
                BROKER_GROUP_OFFSETS_TOPIC, version, rd.field);
    broker_group_offset_clear(off);
    return -1;
}

void broker_group_offset_clear(broker_group_offset_t *off)
{
    free(off->topic);
    free(off->metadata);
    off->topic = off->metadata = NULL;
}

int broker_group_offsets_read_group_value(const void *data, size_t len,
                                          broker_group_metadata_value_t *value, char *errstr,
                                          size_t errstr_size)
{
    offsets_rd_t rd = {data, data ? len : 0, "version"};
    int16_t version = -1;
    int32_t count;
    memset(value, 0, sizeof(*value));
    value->current_state_timestamp = -1;

    RD(rd_i16(&rd, &version), "value version");
    if (version < 0 || version > 3) {
        offsets_err(errstr, errstr_size, "unsupported group metadata value version %d", version);
        return -1;
    }
    RD(rd_str(&rd, &value->protocol_type, false), "protocol_type");
    RD(rd_i32(&rd, &value->generation), "generation");
    RD(rd_str(&rd, &value->protocol, true), "protocol");
    RD(rd_str(&rd, &value->leader, true), "leader");
    if (version >= 2)
        RD(rd_i64(&rd, &value->current_state_timestamp), "current_state_timestamp");
    RD(rd_i32(&rd, &count), "members count");
    /* Each member takes at least 18 bytes (version 0, empty fields); a
     * count beyond what is left is a lie, and allocating for it would let a
     * bad record exhaust memory. */
    if (count < 0 || (size_t)count > rd.left / 18) {
        rd.field = "members count";
        goto err_parse;
    }
    value->members = mem_calloc((size_t)count ? (size_t)count : 1, sizeof(*value->members));
    for (int32_t i = 0; i < count; i++) {
        broker_group_metadata_member_t *m = &value->members[i];
        value->member_count++;
        RD(rd_str(&rd, &m->member_id, false), "member_id");
        if (version >= 3)
            RD(rd_str(&rd, &m->group_instance_id, true), "group_instance_id");
        RD(rd_str(&rd, &m->client_id, false), "client_id");
        RD(rd_str(&rd, &m->client_host, false), "client_host");
        if (version >= 1)
            RD(rd_i32(&rd, &m->rebalance_timeout_ms), "rebalance_timeout");
        RD(rd_i32(&rd, &m->session_timeout_ms), "session_timeout");
        if (version == 0)
            m->rebalance_timeout_ms = m->session_timeout_ms;
        RD(rd_bytes(&rd, &m->subscription, &m->subscription_len), "subscription");
        RD(rd_bytes(&rd, &m->assignment, &m->assignment_len), "assignment");
    }
    return 0;

err_parse:
    offsets_err(errstr, errstr_size,
                "malformed %s group metadata value (version %d): bad or truncated %s",
                BROKER_GROUP_OFFSETS_TOPIC, version, rd.field);
    broker_group_metadata_value_clear(value);
    return -1;
}

void broker_group_metadata_value_clear(broker_group_metadata_value_t *value)
{
    for (size_t i = 0; i < value->member_count; i++) {
        broker_group_metadata_member_t *m = &value->members[i];
        free(m->member_id);
        free(m->group_instance_id);
        free(m->client_id);
        free(m->client_host);
        free(m->subscription);
        free(m->assignment);
    }
    free(value->members);
    free(value->protocol_type);
    free(value->protocol);
    free(value->leader);
    memset(value, 0, sizeof(*value));
    value->current_state_timestamp = -1;
}
