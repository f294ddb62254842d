/*
 * UTF-8 checking and repair for the lines FileStreamSource emits. Kafka
 * decodes the file with Java's UTF-8 decoder, which replaces ill-formed
 * input with U+FFFD; doing the same keeps every STRING value well-formed
 * for the converters downstream (JSON cannot carry stray bytes).
 */
#include "file_connectors.h"

#include <string.h>

/*
 * Looks at the sequence starting at s[0] (n >= 1 bytes available). Returns
 * true with *used its length when it is well-formed; false with *used the
 * length of its maximal subpart (at least 1), which becomes one U+FFFD.
 */
static bool file_utf8_seq(const unsigned char *s, size_t n, size_t *used)
{
    unsigned char b = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* the range allowed for the second byte */
    if (b < 0x80) {
        *used = 1;
        return true;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            lo = 0x90; /* overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *used = 1;
        return false;
    }
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= n)
            break;
        unsigned char c = s[i];
        unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
        if (c < min || c > max)
            break;
    }
    *used = i;
    return i == need + 1;
}

bool file_utf8_valid(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        /* Lines are mostly ASCII: skip eight bytes at a time. */
        if (len - i >= 8) {
            uint64_t word;
            memcpy(&word, s + i, 8);
            if (!(word & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        size_t used;
        if (!file_utf8_seq(s + i, len - i, &used))
            return false;
        i += used;
    }
    return true;
}

char *file_utf8_repair(const char *data, size_t len, size_t *out_len)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    const unsigned char *s = (const unsigned char *)data;
    size_t total = 0, used;
    for (size_t i = 0; i < len; i += used)
        total += file_utf8_seq(s + i, len - i, &used) ? used : 3;
    char *out = file_alloc(total + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += used) {
        if (file_utf8_seq(s + i, len - i, &used)) {
            memcpy(out + o, s + i, used);
            o += used;
        } else {
            memcpy(out + o, replacement, 3);
            o += 3;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}
