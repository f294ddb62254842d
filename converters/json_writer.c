#include "json_writer.h"

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <sluice/value.h>

#include "utf8.h"

/* The bytes a JSON string may hold as they are: printable ASCII but '"'
 * and '\\'. Returns how many of the first len bytes of s are such bytes,
 * looking at sixteen (SSE2) or eight at a time. */
static size_t jsonw_plain_run(const unsigned char *s, size_t len)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                  backslash = _mm_set1_epi8('\\');
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        /* A signed compare: bytes below 0x20 and from 0x80 up are "less". */
        __m128i special =
            _mm_or_si128(_mm_cmplt_epi8(v, space),
                         _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        unsigned mask = (unsigned)_mm_movemask_epi8(special);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#else
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        /* A high bit per byte that is below 0x20, 0x80 or above, '"' or
         * '\\' (each test may also flag bytes after such a byte, which the
         * byte loop below sorts out). */
        uint64_t special = ((w - ones * 0x20) | w | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
        if (special)
            break;
    }
#endif
    for (; i < len; i++) {
        unsigned char c = s[i];
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
    }
    return i;
}

size_t jsonw_plain_len(const char *str, size_t len)
{
    return jsonw_plain_run((const unsigned char *)str, len);
}

void jsonw_string(sluice_buf_t *out, const char *str, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = jsonw_plain_run(s, len);
    if (i == len) {
        /* The usual case: nothing to escape, one copy. */
        char *dst = sluice_buf_reserve(out, len + 2);
        dst[0] = '"';
        memcpy(dst + 1, str, len);
        dst[len + 1] = '"';
        sluice_buf_commit(out, len + 2);
        return;
    }
    sluice_buf_putc(out, '"');
    size_t start = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            if (n) {
                i += n;
                continue;
            }
            sluice_buf_append(out, str + start, i - start);
            sluice_buf_append(out, "\xEF\xBF\xBD", 3);
            i += utf8_malformed_length(s + i, len - i);
            start = i;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            i += jsonw_plain_run(s + i, len - i);
            continue;
        }
        sluice_buf_append(out, str + start, i - start);
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t esc_len = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\t': esc[1] = 't'; break;
        case '\n': esc[1] = 'n'; break;
        case '\f': esc[1] = 'f'; break;
        case '\r': esc[1] = 'r'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            esc_len = 6;
            break;
        }
        sluice_buf_append(out, esc, esc_len);
        i++;
        start = i;
    }
    sluice_buf_append(out, str + start, len - start);
    sluice_buf_putc(out, '"');
}

/* "00" "01" … "99": two digits per division, as most fast formatters do. */
static const char jsonw_digit_pairs[201] = "00010203040506070809"
                                           "10111213141516171819"
                                           "20212223242526272829"
                                           "30313233343536373839"
                                           "40414243444546474849"
                                           "50515253545556575859"
                                           "60616263646566676869"
                                           "70717273747576777879"
                                           "80818283848586878889"
                                           "90919293949596979899";

size_t jsonw_int_format(char *dst, int64_t v)
{
    /* The magnitude as unsigned, so that INT64_MIN negates without overflow. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t digits = 1;
    for (uint64_t t = u; t >= 10; t /= 10)
        digits++;
    size_t n = digits + (v < 0);
    char *p = dst + n;
    while (u >= 100) {
        const char *pair = jsonw_digit_pairs + (u % 100) * 2;
        u /= 100;
        *--p = pair[1];
        *--p = pair[0];
    }
    if (u >= 10) {
        const char *pair = jsonw_digit_pairs + u * 2;
        *--p = pair[1];
        *--p = pair[0];
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    return n;
}

void jsonw_int(sluice_buf_t *out, int64_t v)
{
    char *dst = sluice_buf_reserve(out, JSONW_INT_MAX);
    sluice_buf_commit(out, jsonw_int_format(dst, v));
}

/* Jackson writes Double.toString / Float.toString text and quotes NaN and
 * the infinities (QUOTE_NON_NUMERIC_NUMBERS is on by default), so the
 * output stays valid JSON. */
static void jsonw_java_number(sluice_buf_t *out, double v, bool is_float)
{
    bool finite = isfinite(v);
    if (!finite)
        sluice_buf_putc(out, '"');
    sluice_format_double(v, is_float, out);
    if (!finite)
        sluice_buf_putc(out, '"');
}

void jsonw_double(sluice_buf_t *out, double v)
{
    jsonw_java_number(out, v, false);
}

void jsonw_float(sluice_buf_t *out, float v)
{
    jsonw_java_number(out, v, true);
}

void jsonw_bool(sluice_buf_t *out, bool v)
{
    sluice_buf_puts(out, v ? "true" : "false");
}

void jsonw_null(sluice_buf_t *out)
{
    sluice_buf_puts(out, "null");
}

size_t jsonw_base64_format(char *dst, const uint8_t *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *p = dst;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        p[0] = alphabet[v >> 18];
        p[1] = alphabet[(v >> 12) & 63];
        p[2] = alphabet[(v >> 6) & 63];
        p[3] = alphabet[v & 63];
        p += 4;
    }
    if (i < len) {
        bool two = len - i == 2;
        uint32_t v = (uint32_t)data[i] << 16 | (two ? (uint32_t)data[i + 1] << 8 : 0);
        p[0] = alphabet[v >> 18];
        p[1] = alphabet[(v >> 12) & 63];
        p[2] = two ? alphabet[(v >> 6) & 63] : '=';
        p[3] = '=';
        p += 4;
    }
    return (size_t)(p - dst);
}

void jsonw_bytes(sluice_buf_t *out, const uint8_t *data, size_t len)
{
    char *dst = sluice_buf_reserve(out, JSONW_BASE64_LEN(len) + 2);
    dst[0] = '"';
    size_t n = jsonw_base64_format(dst + 1, data, len);
    dst[n + 1] = '"';
    sluice_buf_commit(out, n + 2);
}
