/*
 * Builds magic-2 record batches for the broker storage tests, independently
 * of the code under test (only the CRC-32C, itself checked against RFC 3720
 * vectors, is shared).
 */
#ifndef TEST_BROKER_BUILDER_H
#define TEST_BROKER_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"

typedef struct tb_rec {
    const char *key;   /* NULL: null key */
    const char *value; /* NULL: null value (tombstone) */
    int64_t ts;
    const char *hkey; /* one header when set */
    const char *hval; /* NULL: null header value */
} tb_rec_t;

typedef struct tb_buf {
    uint8_t *p;
    size_t len, cap;
} tb_buf_t;

static inline void tb_put(tb_buf_t *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    if (n)
        memcpy(b->p + b->len, d, n);
    b->len += n;
}

static inline void tb_be(tb_buf_t *b, uint64_t v, int bytes)
{
    uint8_t t[8];
    for (int i = bytes - 1; i >= 0; i--) {
        t[i] = (uint8_t)v;
        v >>= 8;
    }
    tb_put(b, t, (size_t)bytes);
}

static inline void tb_setbe(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static inline void tb_varlong(tb_buf_t *b, int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z >= 0x80) {
        uint8_t c = (uint8_t)(z | 0x80);
        tb_put(b, &c, 1);
        z >>= 7;
    }
    uint8_t c = (uint8_t)z;
    tb_put(b, &c, 1);
}

static inline void tb_bytes(tb_buf_t *b, const char *s)
{
    if (!s) {
        tb_varlong(b, -1);
        return;
    }
    tb_varlong(b, (int64_t)strlen(s));
    tb_put(b, s, strlen(s));
}

/* A batch of n records; returns malloc()ed bytes and *len. */
static inline uint8_t *tb_batch_ex(const tb_rec_t *recs, int n, int16_t attributes,
                                   int64_t producer_id, int16_t producer_epoch,
                                   int32_t base_sequence, size_t *len)
{
    tb_buf_t b = {0};
    int64_t base_ts = n ? recs[0].ts : -1, max_ts = -1;
    tb_be(&b, 0, 8);            /* baseOffset */
    tb_be(&b, 0, 4);            /* batchLength, below */
    tb_be(&b, (uint32_t)-1, 4); /* partitionLeaderEpoch */
    tb_be(&b, 2, 1);            /* magic */
    tb_be(&b, 0, 4);            /* crc, below */
    tb_be(&b, (uint16_t)attributes, 2);
    tb_be(&b, (uint32_t)(n - 1), 4);
    tb_be(&b, (uint64_t)base_ts, 8);
    tb_be(&b, 0, 8); /* maxTimestamp, below */
    tb_be(&b, (uint64_t)producer_id, 8);
    tb_be(&b, (uint16_t)producer_epoch, 2);
    tb_be(&b, (uint32_t)base_sequence, 4);
    tb_be(&b, (uint32_t)n, 4);
    for (int i = 0; i < n; i++) {
        tb_buf_t r = {0};
        uint8_t zero = 0;
        tb_put(&r, &zero, 1);
        tb_varlong(&r, recs[i].ts - base_ts);
        tb_varlong(&r, i);
        tb_bytes(&r, recs[i].key);
        tb_bytes(&r, recs[i].value);
        tb_varlong(&r, recs[i].hkey ? 1 : 0);
        if (recs[i].hkey) {
            tb_bytes(&r, recs[i].hkey);
            tb_bytes(&r, recs[i].hval);
        }
        tb_varlong(&b, (int64_t)r.len);
        tb_put(&b, r.p, r.len);
        free(r.p);
        if (recs[i].ts > max_ts)
            max_ts = recs[i].ts;
    }
    tb_setbe(b.p + 8, b.len - 12, 4);
    tb_setbe(b.p + 35, (uint64_t)max_ts, 8);
    tb_setbe(b.p + 17, broker_crc32c(0, b.p + 21, b.len - 21), 4);
    *len = b.len;
    return b.p;
}

static inline uint8_t *tb_batch(const tb_rec_t *recs, int n, size_t *len)
{
    return tb_batch_ex(recs, n, 0, -1, -1, -1, len);
}

/* n records with keys "k<i>", values of value_size bytes, timestamp ts. */
static inline uint8_t *tb_filler(int n, size_t value_size, int64_t ts, size_t *len)
{
    tb_rec_t *recs = calloc((size_t)n, sizeof *recs);
    char **keys = calloc((size_t)n, sizeof *keys);
    char *value = malloc(value_size + 1);
    memset(value, 'v', value_size);
    value[value_size] = '\0';
    for (int i = 0; i < n; i++) {
        keys[i] = malloc(16);
        snprintf(keys[i], 16, "k%d", i);
        recs[i].key = keys[i];
        recs[i].value = value;
        recs[i].ts = ts;
    }
    uint8_t *batch = tb_batch(recs, n, len);
    for (int i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    free(value);
    free(recs);
    return batch;
}

/* Recomputes the CRC after a test changed a covered field. */
static inline void tb_fix_crc(uint8_t *batch, size_t len)
{
    tb_setbe(batch + 17, broker_crc32c(0, batch + 21, len - 21), 4);
}

#endif
