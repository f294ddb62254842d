/* UTF-8 checks shared by the converters. */
#include "utf8.h"

size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

void utf8_put(sluice_buf_t *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sluice_buf_append(out, b, n);
}

size_t utf8_malformed_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 1;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    size_t i = 1;
    if (i < avail && i < n && s[i] >= lo && s[i] <= hi) {
        i++;
        while (i < avail && i < n && (s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

size_t utf8_append_sanitized(sluice_buf_t *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t replaced = 0;
    size_t start = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n) {
            i += n;
            continue;
        }
        sluice_buf_append(out, str + start, i - start);
        sluice_buf_append(out, "\xEF\xBF\xBD", 3);
        replaced++;
        i += utf8_malformed_length(s + i, len - i);
        start = i;
    }
    sluice_buf_append(out, str + start, len - start);
    return replaced;
}
