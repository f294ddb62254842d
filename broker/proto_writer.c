/* Writing the wire format: see proto_writer.h. */
#include "proto_writer.h"

#include <stdlib.h>

#include "log.h"
#include "mem.h"

void broker_proto_splices_reset(broker_proto_splices_t *s)
{
    s->count = 0;
    s->total_len = 0;
}

void broker_proto_splices_destroy(broker_proto_splices_t *s)
{
    if (!s)
        return;
    free(s->items);
    s->items = NULL;
    s->count = s->cap = s->total_len = 0;
}

void broker_proto_splices_add(broker_proto_splices_t *s, size_t at,
                              const broker_proto_file_range_t *range)
{
    if (s->count == s->cap)
        mem_grow((void **)&s->items, &s->cap, s->count + 1, sizeof(*s->items));
    s->items[s->count].at = at;
    s->items[s->count].range = *range;
    s->count++;
    s->total_len += range->len;
}

size_t broker_proto_write_raw(sluice_buf_t *b, const void *data, size_t len)
{
    return sluice_buf_append(b, data, len);
}

size_t broker_proto_write_int8(sluice_buf_t *b, int8_t v)
{
    return sluice_buf_append(b, &v, 1);
}

size_t broker_proto_write_int16(sluice_buf_t *b, int16_t v)
{
    uint16_t u = (uint16_t)v;
    uint8_t p[2] = {(uint8_t)(u >> 8), (uint8_t)u};
    return sluice_buf_append(b, p, sizeof p);
}

static void put_be32(uint8_t *p, uint32_t u)
{
    p[0] = (uint8_t)(u >> 24);
    p[1] = (uint8_t)(u >> 16);
    p[2] = (uint8_t)(u >> 8);
    p[3] = (uint8_t)u;
}

size_t broker_proto_write_uint32(sluice_buf_t *b, uint32_t v)
{
    uint8_t p[4];
    put_be32(p, v);
    return sluice_buf_append(b, p, sizeof p);
}

size_t broker_proto_write_int32(sluice_buf_t *b, int32_t v)
{
    return broker_proto_write_uint32(b, (uint32_t)v);
}

size_t broker_proto_write_int64(sluice_buf_t *b, int64_t v)
{
    uint64_t u = (uint64_t)v;
    uint8_t p[8];
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)u;
        u >>= 8;
    }
    return sluice_buf_append(b, p, sizeof p);
}

size_t broker_proto_write_bool(sluice_buf_t *b, bool v)
{
    return broker_proto_write_int8(b, v ? 1 : 0);
}

static size_t write_uvarlong(sluice_buf_t *b, uint64_t u)
{
    uint8_t p[10];
    size_t n = 0;
    while (u >= 0x80) {
        p[n++] = (uint8_t)(u | 0x80);
        u >>= 7;
    }
    p[n++] = (uint8_t)u;
    return sluice_buf_append(b, p, n);
}

size_t broker_proto_write_uvarint(sluice_buf_t *b, uint32_t v)
{
    return write_uvarlong(b, v);
}

size_t broker_proto_write_varint(sluice_buf_t *b, int32_t v)
{
    uint32_t u = (uint32_t)v;
    return write_uvarlong(b, (u << 1) ^ (0u - (u >> 31)));
}

size_t broker_proto_write_varlong(sluice_buf_t *b, int64_t v)
{
    uint64_t u = (uint64_t)v;
    return write_uvarlong(b, (u << 1) ^ (UINT64_C(0) - (u >> 63)));
}

/* The length of s that fits in a STRING, cut at a UTF-8 character start. */
static size_t string_fit(broker_proto_str_t s)
{
    if (s.len <= INT16_MAX)
        return s.len;
    size_t n = INT16_MAX;
    while (n > 0 && ((unsigned char)s.data[n] & 0xc0) == 0x80)
        n--;
    log_warn(NULL, "broker", "a protocol string of %zu bytes was cut to %zu", s.len, n);
    return n;
}

size_t broker_proto_write_string(sluice_buf_t *b, broker_proto_str_t s)
{
    size_t len = s.data ? string_fit(s) : 0;
    size_t off = broker_proto_write_int16(b, (int16_t)len);
    sluice_buf_append(b, s.data, len);
    return off;
}

size_t broker_proto_write_nullable_string(sluice_buf_t *b, broker_proto_str_t s)
{
    if (!s.data)
        return broker_proto_write_int16(b, -1);
    return broker_proto_write_string(b, s);
}

size_t broker_proto_write_cstring(sluice_buf_t *b, const char *s)
{
    return broker_proto_write_string(b, broker_proto_str_c(s));
}

/* A caller bug, never input-driven: the broker caps what it returns. */
static void check_bytes_len(size_t len)
{
    if (len > INT32_MAX) {
        log_error(NULL, "broker", "cannot encode %zu bytes in one protocol field", len);
        abort();
    }
}

size_t broker_proto_write_bytes(sluice_buf_t *b, broker_proto_bytes_t v)
{
    size_t len = v.data ? v.len : 0;
    check_bytes_len(len);
    size_t off = broker_proto_write_int32(b, (int32_t)len);
    sluice_buf_append(b, v.data, len);
    return off;
}

size_t broker_proto_write_nullable_bytes(sluice_buf_t *b, broker_proto_bytes_t v)
{
    if (!v.data)
        return broker_proto_write_int32(b, -1);
    return broker_proto_write_bytes(b, v);
}

size_t broker_proto_write_compact_string(sluice_buf_t *b, broker_proto_str_t s)
{
    size_t len = s.data ? string_fit(s) : 0;
    size_t off = broker_proto_write_uvarint(b, (uint32_t)len + 1);
    sluice_buf_append(b, s.data, len);
    return off;
}

size_t broker_proto_write_compact_nullable_string(sluice_buf_t *b, broker_proto_str_t s)
{
    if (!s.data)
        return broker_proto_write_uvarint(b, 0);
    return broker_proto_write_compact_string(b, s);
}

size_t broker_proto_write_compact_bytes(sluice_buf_t *b, broker_proto_bytes_t v)
{
    size_t len = v.data ? v.len : 0;
    check_bytes_len(len);
    size_t off = broker_proto_write_uvarint(b, (uint32_t)len + 1);
    sluice_buf_append(b, v.data, len);
    return off;
}

size_t broker_proto_write_compact_nullable_bytes(sluice_buf_t *b, broker_proto_bytes_t v)
{
    if (!v.data)
        return broker_proto_write_uvarint(b, 0);
    return broker_proto_write_compact_bytes(b, v);
}

size_t broker_proto_write_array_count(sluice_buf_t *b, int32_t count)
{
    return broker_proto_write_int32(b, count < 0 ? -1 : count);
}

size_t broker_proto_write_compact_array_count(sluice_buf_t *b, int32_t count)
{
    return broker_proto_write_uvarint(b, count < 0 ? 0 : (uint32_t)count + 1);
}

size_t broker_proto_write_empty_tagged_fields(sluice_buf_t *b)
{
    return broker_proto_write_uvarint(b, 0);
}

void broker_proto_patch_int32(sluice_buf_t *b, size_t offset, int32_t v)
{
    uint8_t p[4];
    put_be32(p, (uint32_t)v);
    sluice_buf_write_at(b, offset, p, sizeof p);
}
