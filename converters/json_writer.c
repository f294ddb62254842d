#include "json_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
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

void jsonw_int(sluice_buf_t *out, int64_t v)
{
    char text[24];
    int n = snprintf(text, sizeof text, "%" PRId64, v);
    sluice_buf_append(out, text, (size_t)n);
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

void jsonw_bytes(sluice_buf_t *out, const uint8_t *data, size_t len)
{
    sluice_buf_putc(out, '"');
    sluice_base64_encode(data, len, out);
    sluice_buf_putc(out, '"');
}
