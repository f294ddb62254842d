#include "base64.h"

#include <stdio.h>

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int base64_decode(const char *text, size_t len, sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    uint32_t acc = 0;
    int have = 0;    /* sextets in acc */
    int padding = 0; /* '=' seen */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= ' ')
            continue;
        if (c == '=') {
            if (have < 2) {
                snprintf(errstr, errstr_size,
                         "invalid base64: unexpected padding '=' at offset %zu", i);
                return -1;
            }
            padding++;
            if (have + padding == 4) {
                if (have == 2)
                    sluice_buf_putc(out, (char)(acc >> 4));
                else
                    sluice_buf_append(out, (char[]){(char)(acc >> 10), (char)(acc >> 2)}, 2);
                acc = 0;
                have = padding = 0;
                /* Only whitespace may follow a padded quantum. */
                for (size_t j = i + 1; j < len; j++) {
                    if ((unsigned char)text[j] > ' ') {
                        snprintf(errstr, errstr_size,
                                 "invalid base64: data after padding at offset %zu", j);
                        return -1;
                    }
                }
                return 0;
            }
            continue;
        }
        int v = base64_value(c);
        if (v < 0 || padding) {
            if (v < 0 && c >= 0x20 && c < 0x7f)
                snprintf(errstr, errstr_size,
                         "invalid base64: illegal character '%c' at offset %zu", c, i);
            else if (v < 0)
                snprintf(errstr, errstr_size,
                         "invalid base64: illegal character 0x%02X at offset %zu", c, i);
            else
                snprintf(errstr, errstr_size, "invalid base64: data after padding at offset %zu",
                         i);
            return -1;
        }
        acc = acc << 6 | (uint32_t)v;
        if (++have == 4) {
            sluice_buf_append(out, (char[]){(char)(acc >> 16), (char)(acc >> 8), (char)acc}, 3);
            acc = 0;
            have = 0;
        }
    }
    if (have != 0 || padding != 0) {
        snprintf(errstr, errstr_size,
                 "invalid base64: unexpected end of text (expected padding '=' at the end)");
        return -1;
    }
    return 0;
}
