/*
 * CRC-32C. The reflected polynomial 0x82F63B78; the register starts at ~0 and
 * is inverted at the end, as in RFC 3720 and Kafka's Crc32C.
 */
#include "crc32c.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#define CRC32C_POLY 0x82F63B78u

/* crc32c_table[k][b]: the CRC of byte b followed by k zero bytes, which lets
 * the software path fold eight input bytes per step. */
static uint32_t crc32c_table[8][256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;
static bool crc32c_hw;

#if defined(__x86_64__)
#define CRC32C_LONG 8192
#define CRC32C_SHORT 256
static uint32_t crc32c_shift_long[4][256], crc32c_shift_short[4][256];
static void crc32c_shift_table(uint32_t table[4][256], size_t len);
#endif

static void crc32c_init(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++)
            c = (c >> 1) ^ (CRC32C_POLY & (0u - (c & 1u)));
        crc32c_table[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = crc32c_table[0][b];
        for (int k = 1; k < 8; k++) {
            c = crc32c_table[0][c & 0xff] ^ (c >> 8);
            crc32c_table[k][b] = c;
        }
    }
#if defined(__x86_64__)
    __builtin_cpu_init();
    crc32c_hw = __builtin_cpu_supports("sse4.2");
    crc32c_shift_table(crc32c_shift_long, CRC32C_LONG);
    crc32c_shift_table(crc32c_shift_short, CRC32C_SHORT);
#endif
}

static uint32_t crc32c_sw_raw(uint32_t c, const uint8_t *p, size_t len)
{
    while (len && ((uintptr_t)p & 7u)) {
        c = crc32c_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        len--;
    }
    while (len >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        lo = __builtin_bswap32(lo);
        hi = __builtin_bswap32(hi);
#endif
        lo ^= c;
        c = crc32c_table[7][lo & 0xff] ^ crc32c_table[6][(lo >> 8) & 0xff] ^
            crc32c_table[5][(lo >> 16) & 0xff] ^ crc32c_table[4][lo >> 24] ^
            crc32c_table[3][hi & 0xff] ^ crc32c_table[2][(hi >> 8) & 0xff] ^
            crc32c_table[1][(hi >> 16) & 0xff] ^ crc32c_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--)
        c = crc32c_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c;
}

#if defined(__x86_64__)
/*
 * The crc32 instruction takes three cycles but can start one per cycle, so
 * a long buffer is cut into three blocks whose CRCs are computed side by
 * side and then joined: in the raw (uninverted) domain the CRC is linear, and
 * crc(A || B) = shift(crc(A), |B|) ^ crc0(B), where shift applies |B| zero
 * bytes and crc0 starts from 0. shift for the two block sizes used is a
 * table lookup per byte of the CRC (crc32c_shift_*, built at init from the
 * 32x32 GF(2) matrix of "one zero bit").
 */

/* mat[i] is the image of bit i; returns mat applied to vec. */
static uint32_t gf2_times(const uint32_t mat[32], uint32_t vec)
{
    uint32_t sum = 0;
    for (int i = 0; vec; i++, vec >>= 1)
        if (vec & 1u)
            sum ^= mat[i];
    return sum;
}

/* out = mat * mat. */
static void gf2_square(uint32_t out[32], const uint32_t mat[32])
{
    for (int i = 0; i < 32; i++)
        out[i] = gf2_times(mat, mat[i]);
}

/* Fills table so that shifting a raw CRC over len zero bytes (a power of
 * two) is the XOR of table[k][byte k of the CRC]. */
static void crc32c_shift_table(uint32_t table[4][256], size_t len)
{
    uint32_t op[32], sq[32];
    /* One zero bit: the register shifts right, folding the polynomial in
     * when the bit leaving is set. */
    op[0] = CRC32C_POLY;
    for (int i = 1; i < 32; i++)
        op[i] = 1u << (i - 1);
    for (size_t bits = 1; bits < 8 * len; bits *= 2) {
        gf2_square(sq, op);
        memcpy(op, sq, sizeof op);
    }
    for (int k = 0; k < 4; k++)
        for (uint32_t b = 0; b < 256; b++)
            table[k][b] = gf2_times(op, b << (8 * k));
}

static uint32_t crc32c_shift(const uint32_t table[4][256], uint32_t crc)
{
    return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^ table[2][(crc >> 16) & 0xff] ^
           table[3][crc >> 24];
}

/* Three blocks of block bytes each at p, joined into c. */
__attribute__((target("sse4.2"))) static uint64_t
crc32c_hw_three(uint64_t c, const uint8_t *p, size_t block, const uint32_t table[4][256])
{
    uint64_t c1 = 0, c2 = 0;
    const uint8_t *p1 = p + block, *p2 = p + 2 * block;
    for (size_t i = 0; i < block; i += 8) {
        uint64_t w0, w1, w2;
        memcpy(&w0, p + i, 8);
        memcpy(&w1, p1 + i, 8);
        memcpy(&w2, p2 + i, 8);
        c = _mm_crc32_u64(c, w0);
        c1 = _mm_crc32_u64(c1, w1);
        c2 = _mm_crc32_u64(c2, w2);
    }
    c = crc32c_shift(table, (uint32_t)c) ^ (uint32_t)c1;
    return crc32c_shift(table, (uint32_t)c) ^ (uint32_t)c2;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_hw_raw(uint32_t c, const uint8_t *p,
                                                                size_t len)
{
    uint64_t c64 = c;
    while (len && ((uintptr_t)p & 7u)) {
        c64 = _mm_crc32_u8((uint32_t)c64, *p++);
        len--;
    }
    for (; len >= 3 * CRC32C_LONG; p += 3 * CRC32C_LONG, len -= 3 * CRC32C_LONG)
        c64 = crc32c_hw_three(c64, p, CRC32C_LONG, crc32c_shift_long);
    for (; len >= 3 * CRC32C_SHORT; p += 3 * CRC32C_SHORT, len -= 3 * CRC32C_SHORT)
        c64 = crc32c_hw_three(c64, p, CRC32C_SHORT, crc32c_shift_short);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c64 = _mm_crc32_u64(c64, w);
        p += 8;
        len -= 8;
    }
    while (len--)
        c64 = _mm_crc32_u8((uint32_t)c64, *p++);
    return (uint32_t)c64;
}
#endif

uint32_t broker_crc32c_sw(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&crc32c_once, crc32c_init);
    return ~crc32c_sw_raw(~crc, data, len);
}

uint32_t broker_crc32c(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&crc32c_once, crc32c_init);
#if defined(__x86_64__)
    if (crc32c_hw)
        return ~crc32c_hw_raw(~crc, data, len);
#endif
    return ~crc32c_sw_raw(~crc, data, len);
}

bool broker_crc32c_hw_available(void)
{
    pthread_once(&crc32c_once, crc32c_init);
    return crc32c_hw;
}
