/*
 * Kafka Connect's Decimal between its wire form (the unscaled BigInteger as
 * two's-complement big-endian bytes, the scale in the schema) and decimal
 * text, with no bignum library: the unscaled value is turned into base 10^9
 * digits by schoolbook division (to text) or built by schoolbook
 * multiplication in base 2^32 (from text). Decimals are tens of digits long,
 * so quadratic is fine; the digit cap keeps hostile input cheap.
 *
 * Both functions append to out, so a converter can write a decimal straight
 * into the JSON it is building.
 */
#include <sluice/value.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Longer runs of padding zeros are written in E notation instead (as
 * BigDecimal.toString does), so a scale of -2^31 cannot ask for 2 GB. */
#define DECIMAL_MAX_PAD 100000

/* The most digits an unscaled value parsed from text may have. */
#define DECIMAL_MAX_DIGITS 100000

#define DECIMAL_BASE 1000000000u /* 10^9: nine decimal digits per limb */

/* The magnitude of a two's-complement big-endian number as little-endian
 * base-2^32 limbs; sets *negative. Returns the limb count (0 for zero). */
static size_t decimal_magnitude(const uint8_t *bytes, size_t len, bool *negative,
                                uint32_t **limbs_out)
{
    *negative = len > 0 && (bytes[0] & 0x80);
    size_t n = (len + 3) / 4;
    uint32_t *limbs = mem_calloc(n ? n : 1, sizeof(uint32_t));
    /* Negation is "invert, then add one"; do it byte by byte from the end. */
    unsigned carry = 1;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = bytes[len - 1 - i];
        if (*negative) {
            unsigned sum = (uint8_t)~b + carry;
            b = (uint8_t)sum;
            carry = sum >> 8;
        }
        limbs[i / 4] |= (uint32_t)b << (8 * (i % 4));
    }
    while (n > 0 && limbs[n - 1] == 0)
        n--;
    *limbs_out = limbs;
    return n;
}

/* Appends the decimal digits of the magnitude (destroying limbs). */
static void decimal_digits(uint32_t *limbs, size_t n, sluice_buf_t *digits)
{
    if (n == 0) {
        sluice_buf_putc(digits, '0');
        return;
    }
    /* Remainders of repeated division by 10^9, least significant first. */
    uint32_t *chunks = mem_alloc(((n * 32) / 29 + 2) * sizeof(uint32_t));
    size_t nchunks = 0;
    while (n > 0) {
        uint64_t rem = 0;
        for (size_t i = n; i-- > 0;) {
            uint64_t cur = (rem << 32) | limbs[i];
            limbs[i] = (uint32_t)(cur / DECIMAL_BASE);
            rem = cur % DECIMAL_BASE;
        }
        chunks[nchunks++] = (uint32_t)rem;
        while (n > 0 && limbs[n - 1] == 0)
            n--;
    }
    sluice_buf_printf(digits, "%u", chunks[nchunks - 1]);
    for (size_t i = nchunks - 1; i-- > 0;)
        sluice_buf_printf(digits, "%09u", chunks[i]);
    free(chunks);
}

static void put_zeros(sluice_buf_t *out, size_t count)
{
    char *p = sluice_buf_reserve(out, count);
    memset(p, '0', count);
    sluice_buf_commit(out, count);
}

void sluice_decimal_to_string(const uint8_t *unscaled, size_t len, int32_t scale, sluice_buf_t *out)
{
    bool negative;
    uint32_t *limbs;
    size_t n = decimal_magnitude(unscaled, unscaled ? len : 0, &negative, &limbs);
    sluice_buf_t *digits = sluice_buf_new();
    decimal_digits(limbs, n, digits);
    free(limbs);
    const char *d = sluice_buf_data(digits);
    size_t nd = sluice_buf_len(digits);
    bool zero = n == 0;

    if (negative)
        sluice_buf_putc(out, '-');
    if (scale == 0) {
        sluice_buf_append(out, d, nd);
    } else if (scale < 0) {
        uint64_t pad = (uint64_t)(-(int64_t)scale);
        if (zero) {
            sluice_buf_putc(out, '0'); /* toPlainString gives "0", not "000" */
        } else if (pad <= DECIMAL_MAX_PAD) {
            sluice_buf_append(out, d, nd);
            put_zeros(out, (size_t)pad);
        } else {
            sluice_buf_putc(out, d[0]);
            if (nd > 1) {
                sluice_buf_putc(out, '.');
                sluice_buf_append(out, d + 1, nd - 1);
            }
            sluice_buf_printf(out, "E+%llu", (unsigned long long)(pad + nd - 1));
        }
    } else if ((size_t)scale < nd) {
        sluice_buf_append(out, d, nd - (size_t)scale);
        sluice_buf_putc(out, '.');
        sluice_buf_append(out, d + nd - (size_t)scale, (size_t)scale);
    } else if ((size_t)scale - nd <= DECIMAL_MAX_PAD) {
        sluice_buf_puts(out, "0.");
        put_zeros(out, (size_t)scale - nd);
        sluice_buf_append(out, d, nd);
    } else {
        sluice_buf_putc(out, d[0]);
        if (nd > 1) {
            sluice_buf_putc(out, '.');
            sluice_buf_append(out, d + 1, nd - 1);
        }
        sluice_buf_printf(out, "E-%lld", (long long)scale - (long long)(nd - 1));
    }
    sluice_buf_destroy(digits);
}

/* Multiplies the little-endian base-2^32 number by mul and adds add. */
static void limbs_muladd(uint32_t *limbs, size_t *n, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    for (size_t i = 0; i < *n; i++) {
        uint64_t cur = (uint64_t)limbs[i] * mul + carry;
        limbs[i] = (uint32_t)cur;
        carry = cur >> 32;
    }
    if (carry)
        limbs[(*n)++] = (uint32_t)carry;
}

static const uint32_t pow10_u32[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};

/* Appends the minimal two's-complement big-endian form of ±magnitude, as
 * BigInteger.toByteArray: one sign bit, and 0x00 for zero. */
static void decimal_put_bytes(const uint32_t *limbs, size_t n, bool negative, sluice_buf_t *out)
{
    /* Magnitude big-endian with one spare leading byte for the sign. */
    size_t len = n * 4 + 1;
    uint8_t *b = mem_calloc(len, 1);
    for (size_t i = 0; i < n * 4; i++)
        b[len - 1 - i] = (uint8_t)(limbs[i / 4] >> (8 * (i % 4)));
    if (negative) {
        unsigned carry = 1;
        for (size_t i = len; i-- > 0;) {
            unsigned sum = (uint8_t)~b[i] + carry;
            b[i] = (uint8_t)sum;
            carry = sum >> 8;
        }
    }
    /* Drop leading bytes that only repeat the sign of the next one. */
    uint8_t pad = negative ? 0xff : 0x00;
    size_t start = 0;
    while (start + 1 < len && b[start] == pad && ((b[start + 1] & 0x80) == (pad & 0x80)))
        start++;
    sluice_buf_append(out, b + start, len - start);
    free(b);
}

/*
 * The common case of sluice_decimal_from_string: at most 18 digits, whose
 * rescaled value fits a uint64, so no allocation or limb arithmetic is
 * needed. Returns false, having written nothing, when the general path must
 * decide (more digits, or digits that rescaling would drop).
 */
static bool decimal_small(const char *int_start, const char *int_end, const char *frac_start,
                          const char *frac_end, int64_t shift, bool negative, sluice_buf_t *out)
{
    static const uint64_t pow10[19] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL};
    uint64_t v = 0;
    for (const char *q = int_start; q < int_end; q++)
        v = v * 10 + (uint64_t)(*q - '0');
    for (const char *q = frac_start; q < frac_end; q++)
        v = v * 10 + (uint64_t)(*q - '0');
    if (v == 0) {
        sluice_buf_putc(out, 0); /* zero: any scale holds it */
        return true;
    }
    if (shift < 0) {
        if (shift < -18 || v % pow10[-shift])
            return false;
        v /= pow10[-shift];
    } else if (shift > 0) {
        if (shift > 18 || v > UINT64_MAX / 2 / pow10[shift])
            return false;
        v *= pow10[shift];
    }
    uint32_t limbs[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
    decimal_put_bytes(limbs, limbs[1] ? 2 : 1, negative, out);
    return true;
}

int sluice_decimal_from_string(const char *text, int32_t scale, sluice_buf_t *out, char *errstr,
                               size_t errstr_size)
{
    if (!text) {
        snprintf(errstr, errstr_size, "no decimal text given");
        return -1;
    }
    const char *p = text;
    bool negative = false;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';

    /* Significant digits without leading zeros, and how many were after '.'. */
    const char *int_start = p;
    while (*p >= '0' && *p <= '9')
        p++;
    const char *int_end = p;
    const char *frac_start = p, *frac_end = p;
    if (*p == '.') {
        frac_start = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        frac_end = p;
    }
    if (int_end == int_start && frac_end == frac_start)
        goto not_a_number;

    int64_t exponent = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool exp_negative = false;
        if (*p == '+' || *p == '-')
            exp_negative = *p++ == '-';
        if (!(*p >= '0' && *p <= '9'))
            goto not_a_number;
        while (*p >= '0' && *p <= '9') {
            exponent = exponent * 10 + (*p++ - '0');
            if (exponent > INT32_MAX) {
                snprintf(errstr, errstr_size, "the exponent of '%.64s' is out of range", text);
                return -1;
            }
        }
        if (exp_negative)
            exponent = -exponent;
    }
    if (*p != '\0')
        goto not_a_number;

    /* The number is D × 10^(exponent - frac digits); we want D × 10^shift. */
    size_t nint = (size_t)(int_end - int_start), nfrac = (size_t)(frac_end - frac_start);
    if (nint + nfrac <= 18 && exponent > -19 && exponent < 19 &&
        decimal_small(int_start, int_end, frac_start, frac_end, exponent - (int64_t)nfrac + scale,
                      negative, out))
        return 0;
    char *d = mem_alloc(nint + nfrac + 1);
    memcpy(d, int_start, nint);
    memcpy(d + nint, frac_start, nfrac);
    size_t nd = nint + nfrac;
    d[nd] = '\0';
    size_t lead = 0;
    while (lead < nd && d[lead] == '0')
        lead++;
    const char *digits = d + lead;
    nd -= lead;
    int64_t shift = exponent - (int64_t)nfrac + scale;

    if (nd == 0) { /* zero: any scale holds it */
        free(d);
        sluice_buf_putc(out, 0);
        return 0;
    }
    if (shift < 0) {
        /* Rescaling down is exact only when the dropped digits are zeros. */
        uint64_t drop = (uint64_t)(-shift);
        size_t keep = drop >= nd ? 0 : nd - (size_t)drop;
        for (size_t i = keep; i < nd; i++) {
            if (digits[i] != '0') {
                free(d);
                snprintf(errstr, errstr_size,
                         "'%.64s' cannot be represented with scale %d without losing digits", text,
                         (int)scale);
                return -1;
            }
        }
        nd = keep; /* nd > 0 here: the leading digit is not zero */
        shift = 0;
    }
    if ((uint64_t)nd + (uint64_t)shift > DECIMAL_MAX_DIGITS) {
        free(d);
        snprintf(errstr, errstr_size, "'%.64s' at scale %d has more than %d digits", text,
                 (int)scale, DECIMAL_MAX_DIGITS);
        return -1;
    }

    size_t total = nd + (size_t)shift;
    uint32_t *limbs = mem_calloc(total / 9 + 2, sizeof(uint32_t));
    size_t n = 0;
    size_t i = 0;
    while (i < nd) {
        size_t take = nd - i < 9 ? nd - i : 9;
        uint32_t chunk = 0;
        for (size_t k = 0; k < take; k++)
            chunk = chunk * 10 + (uint32_t)(digits[i + k] - '0');
        limbs_muladd(limbs, &n, pow10_u32[take], chunk);
        i += take;
    }
    for (size_t z = (size_t)shift; z > 0;) {
        size_t take = z < 9 ? z : 9;
        limbs_muladd(limbs, &n, pow10_u32[take], 0);
        z -= take;
    }
    decimal_put_bytes(limbs, n, negative, out);
    free(limbs);
    free(d);
    return 0;

not_a_number:
    snprintf(errstr, errstr_size, "'%.64s' is not a decimal number", text);
    return -1;
}
