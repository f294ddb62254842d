/* The bounded reader: see proto_reader.h for the error convention. */
#include "proto_reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

broker_proto_str_t broker_proto_str_c(const char *cstr)
{
    broker_proto_str_t s = {cstr, cstr ? strlen(cstr) : 0};
    return s;
}

bool broker_proto_str_eq(broker_proto_str_t s, const char *cstr)
{
    if (!s.data || !cstr)
        return false;
    return strlen(cstr) == s.len && memcmp(s.data, cstr, s.len) == 0;
}

char *broker_proto_str_dup(broker_proto_str_t s)
{
    return s.data ? mem_strndup(s.data, s.len) : NULL;
}

void broker_proto_str_copy(char *dst, size_t size, broker_proto_str_t s)
{
    snprintf(dst, size, "%.*s", (int)s.len, s.data ? s.data : "");
}

void broker_proto_reader_init(broker_proto_reader_t *r, const void *data, size_t len)
{
    r->data = data;
    r->len = data ? len : 0;
    r->pos = 0;
    r->failed = false;
    r->errstr[0] = '\0';
}

void broker_proto_reader_fail(broker_proto_reader_t *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errstr, sizeof r->errstr, fmt, ap);
    va_end(ap);
}

void broker_proto_reader_add_context(broker_proto_reader_t *r, const char *struct_name,
                                     const char *field_name)
{
    /* Only the innermost field names the place; outer levels see a ':'. */
    if (!r->failed || strchr(r->errstr, ':'))
        return;
    char prefix[96];
    int n = snprintf(prefix, sizeof prefix, "%s.%s: ", struct_name, field_name);
    if (n < 0)
        return;
    size_t plen = strlen(prefix);
    size_t mlen = strlen(r->errstr);
    if (plen + mlen >= sizeof r->errstr)
        mlen = sizeof r->errstr - 1 - plen; /* keep the place; cut the tail */
    memmove(r->errstr + plen, r->errstr, mlen);
    memcpy(r->errstr, prefix, plen);
    r->errstr[plen + mlen] = '\0';
}

/* Returns the next n bytes and moves past them, or NULL (failing) when fewer
 * are left. */
static const uint8_t *reader_take(broker_proto_reader_t *r, size_t n)
{
    if (r->failed)
        return NULL;
    if (n > r->len - r->pos) {
        broker_proto_reader_fail(r, "needed %zu bytes at offset %zu but %zu are left", n, r->pos,
                                 r->len - r->pos);
        return NULL;
    }
    const uint8_t *p = r->data + r->pos;
    r->pos += n;
    return p;
}

int8_t broker_proto_read_int8(broker_proto_reader_t *r)
{
    const uint8_t *p = reader_take(r, 1);
    return p ? (int8_t)p[0] : 0;
}

uint32_t broker_proto_read_uint32(broker_proto_reader_t *r)
{
    const uint8_t *p = reader_take(r, 4);
    if (!p)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int16_t broker_proto_read_int16(broker_proto_reader_t *r)
{
    const uint8_t *p = reader_take(r, 2);
    if (!p)
        return 0;
    return (int16_t)(uint16_t)((unsigned)p[0] << 8 | p[1]);
}

int32_t broker_proto_read_int32(broker_proto_reader_t *r)
{
    return (int32_t)broker_proto_read_uint32(r);
}

int64_t broker_proto_read_int64(broker_proto_reader_t *r)
{
    const uint8_t *p = reader_take(r, 8);
    if (!p)
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

bool broker_proto_read_bool(broker_proto_reader_t *r)
{
    return broker_proto_read_int8(r) != 0;
}

/* Reads an unsigned base-128 integer of at most max_bytes bytes. */
static uint64_t reader_uvarlong(broker_proto_reader_t *r, int max_bytes, const char *what)
{
    uint64_t v = 0;
    size_t start = r->pos;
    for (int i = 0; i < max_bytes; i++) {
        const uint8_t *p = reader_take(r, 1);
        if (!p)
            return 0;
        v |= (uint64_t)(p[0] & 0x7f) << (7 * i);
        if (!(p[0] & 0x80))
            return v;
    }
    broker_proto_reader_fail(r, "%s at offset %zu is longer than %d bytes", what, start, max_bytes);
    return 0;
}

uint32_t broker_proto_read_uvarint(broker_proto_reader_t *r)
{
    return (uint32_t)reader_uvarlong(r, 5, "varint");
}

int32_t broker_proto_read_varint(broker_proto_reader_t *r)
{
    uint32_t u = (uint32_t)reader_uvarlong(r, 5, "varint");
    return (int32_t)((u >> 1) ^ (~(u & 1) + 1));
}

int64_t broker_proto_read_varlong(broker_proto_reader_t *r)
{
    uint64_t u = reader_uvarlong(r, 10, "varlong");
    return (int64_t)((u >> 1) ^ (~(u & 1) + 1));
}

void broker_proto_read_raw(broker_proto_reader_t *r, void *dst, size_t n)
{
    const uint8_t *p = reader_take(r, n);
    if (p)
        memcpy(dst, p, n);
    else
        memset(dst, 0, n);
}

void broker_proto_skip(broker_proto_reader_t *r, size_t n)
{
    reader_take(r, n);
}

const uint8_t *broker_proto_read_ptr(broker_proto_reader_t *r, size_t n)
{
    return reader_take(r, n);
}

/* The body of a string/bytes field whose length was read at len_pos. A
 * negative length is null when nullable, else an error. */
static broker_proto_bytes_t reader_body(broker_proto_reader_t *r, int64_t len, bool nullable,
                                        size_t len_pos, const char *what)
{
    broker_proto_bytes_t b = {NULL, 0};
    if (r->failed)
        return b;
    if (len < 0) {
        if (!nullable || len != -1)
            broker_proto_reader_fail(r, "%s length %lld at offset %zu is %s", what, (long long)len,
                                     len_pos,
                                     len == -1 ? "null in a non-nullable field" : "negative");
        return b;
    }
    if ((uint64_t)len > r->len - r->pos) {
        broker_proto_reader_fail(r, "%s length %lld at offset %zu exceeds the %zu bytes left", what,
                                 (long long)len, len_pos, r->len - r->pos);
        return b;
    }
    b.data = r->data + r->pos;
    b.len = (size_t)len;
    r->pos += (size_t)len;
    return b;
}

static broker_proto_str_t bytes_to_str(broker_proto_bytes_t b)
{
    broker_proto_str_t s = {(const char *)b.data, b.len};
    return s;
}

broker_proto_str_t broker_proto_read_string(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int16_t len = broker_proto_read_int16(r);
    return bytes_to_str(reader_body(r, len, false, at, "string"));
}

broker_proto_str_t broker_proto_read_nullable_string(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int16_t len = broker_proto_read_int16(r);
    return bytes_to_str(reader_body(r, len, true, at, "string"));
}

broker_proto_bytes_t broker_proto_read_bytes(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int32_t len = broker_proto_read_int32(r);
    return reader_body(r, len, false, at, "bytes");
}

broker_proto_bytes_t broker_proto_read_nullable_bytes(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int32_t len = broker_proto_read_int32(r);
    return reader_body(r, len, true, at, "bytes");
}

/* A compact length: uvarint N+1, 0 meaning null (-1). */
static int64_t reader_compact_len(broker_proto_reader_t *r)
{
    return (int64_t)broker_proto_read_uvarint(r) - 1;
}

broker_proto_str_t broker_proto_read_compact_string(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int64_t len = reader_compact_len(r);
    if (len > INT16_MAX && !r->failed) {
        broker_proto_reader_fail(r, "string length %lld at offset %zu exceeds 32767",
                                 (long long)len, at);
        return bytes_to_str((broker_proto_bytes_t){NULL, 0});
    }
    return bytes_to_str(reader_body(r, len, false, at, "string"));
}

broker_proto_str_t broker_proto_read_compact_nullable_string(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int64_t len = reader_compact_len(r);
    if (len > INT16_MAX && !r->failed) {
        broker_proto_reader_fail(r, "string length %lld at offset %zu exceeds 32767",
                                 (long long)len, at);
        return bytes_to_str((broker_proto_bytes_t){NULL, 0});
    }
    return bytes_to_str(reader_body(r, len, true, at, "string"));
}

broker_proto_bytes_t broker_proto_read_compact_bytes(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int64_t len = reader_compact_len(r);
    return reader_body(r, len, false, at, "bytes");
}

broker_proto_bytes_t broker_proto_read_compact_nullable_bytes(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    int64_t len = reader_compact_len(r);
    return reader_body(r, len, true, at, "bytes");
}

/* Checks a count read at at against the bytes left; returns it, -1 for an
 * allowed null, or 0 after failing. */
static int32_t reader_count(broker_proto_reader_t *r, int64_t n, bool nullable, size_t at,
                            size_t min_elem_size)
{
    if (r->failed)
        return 0;
    if (n < 0) {
        if (nullable && n == -1)
            return -1;
        broker_proto_reader_fail(r, "array count %lld at offset %zu is %s", (long long)n, at,
                                 n == -1 ? "null in a non-nullable field" : "negative");
        return 0;
    }
    if (min_elem_size < 1)
        min_elem_size = 1;
    size_t left = r->len - r->pos;
    if ((uint64_t)n > left / min_elem_size) {
        broker_proto_reader_fail(r,
                                 "array count %lld at offset %zu cannot fit in the %zu bytes left",
                                 (long long)n, at, left);
        return 0;
    }
    return (int32_t)n;
}

int32_t broker_proto_read_array_count(broker_proto_reader_t *r, size_t min_elem_size)
{
    size_t at = r->pos;
    int32_t n = broker_proto_read_int32(r);
    return reader_count(r, n, false, at, min_elem_size);
}

int32_t broker_proto_read_nullable_array_count(broker_proto_reader_t *r, size_t min_elem_size)
{
    size_t at = r->pos;
    int32_t n = broker_proto_read_int32(r);
    return reader_count(r, n, true, at, min_elem_size);
}

int32_t broker_proto_read_compact_array_count(broker_proto_reader_t *r, size_t min_elem_size)
{
    size_t at = r->pos;
    int64_t n = reader_compact_len(r);
    return reader_count(r, n, false, at, min_elem_size);
}

int32_t broker_proto_read_compact_nullable_array_count(broker_proto_reader_t *r,
                                                       size_t min_elem_size)
{
    size_t at = r->pos;
    int64_t n = reader_compact_len(r);
    return reader_count(r, n, true, at, min_elem_size);
}

void broker_proto_skip_tagged_fields(broker_proto_reader_t *r)
{
    size_t at = r->pos;
    uint32_t n = broker_proto_read_uvarint(r);
    /* Each field takes at least two bytes (tag, size). */
    if (!r->failed && n > (r->len - r->pos) / 2) {
        broker_proto_reader_fail(r,
                                 "tagged field count %u at offset %zu cannot fit in the %zu "
                                 "bytes left",
                                 n, at, r->len - r->pos);
        return;
    }
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        broker_proto_read_uvarint(r); /* tag */
        uint32_t size = broker_proto_read_uvarint(r);
        broker_proto_skip(r, size);
    }
}
