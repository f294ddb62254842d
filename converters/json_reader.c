#include "json_reader.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/value.h>

#include "conv_mem.h"
#include "utf8.h"

/* A double keeps 15 significant decimal digits exactly; longer reals are
 * remembered as text. */
#define JSONR_DOUBLE_DIGITS 15

typedef struct jsonr_scan {
    bool rewrite;     /* numbers with leading zeros or beyond int64 */
    size_t max_depth; /* of nested arrays and objects */
} jsonr_scan_t;

static bool jsonr_isdigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Skips a string starting after its opening quote; returns the offset after
 * the closing quote, or len when it never closes (jansson reports that). */
static size_t jsonr_skip_string(const unsigned char *s, size_t i, size_t len)
{
    while (i < len) {
        if (s[i] == '\\')
            i += 2;
        else if (s[i++] == '"')
            return i;
    }
    return len;
}

/* Whether the integer token (sign, then digits with zeros leading zeros to
 * skip) lies outside int64. */
static bool jsonr_beyond_int64(const unsigned char *tok, size_t len, size_t zeros)
{
    bool negative = tok[0] == '-';
    const char *digits = (const char *)tok + (negative ? 1 : 0) + zeros;
    size_t n = len - (negative ? 1 : 0) - zeros;
    const char *limit = negative ? "9223372036854775808" : "9223372036854775807";
    if (n != 19)
        return n > 19;
    return memcmp(digits, limit, 19) > 0;
}

/*
 * One pass over the text outside strings: finds numbers with leading zeros
 * or beyond int64 (rewritten into out when out is given), records the
 * digits of long numbers in doc and measures the nesting depth.
 */
static void jsonr_scan_numbers(const unsigned char *s, size_t len, jsonr_doc_t *doc,
                               jsonr_scan_t *scan, sluice_buf_t *out)
{
    size_t copied = 0;
    size_t depth = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c == '"') {
            i = jsonr_skip_string(s, i + 1, len);
            continue;
        }
        if (c == '[' || c == '{') {
            if (++depth > scan->max_depth)
                scan->max_depth = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        if (!(c == '-' || jsonr_isdigit(c))) {
            i++;
            continue;
        }
        size_t start = i;
        if (c == '-')
            i++;
        size_t int_start = i;
        while (i < len && jsonr_isdigit(s[i]))
            i++;
        size_t int_end = i;
        size_t zeros = 0; /* leading zeros to drop */
        while (int_start + zeros + 1 < int_end && s[int_start + zeros] == '0')
            zeros++;
        bool real = false;
        size_t significant = 0;
        for (size_t k = int_start + zeros; k < int_end; k++)
            if (significant || s[k] != '0')
                significant++;
        if (i < len && s[i] == '.') {
            real = true;
            i++;
            while (i < len && jsonr_isdigit(s[i])) {
                if (significant || s[i] != '0')
                    significant++;
                i++;
            }
        }
        if (i < len && (s[i] == 'e' || s[i] == 'E')) {
            real = true;
            i++;
            if (i < len && (s[i] == '+' || s[i] == '-'))
                i++;
            while (i < len && jsonr_isdigit(s[i]))
                i++;
        }
        /* Jackson reads integers of any size; jansson stops at int64, so
         * larger ones are handed to it as reals (".0" appended) and their
         * digits kept here. */
        bool big = !real && jsonr_beyond_int64(s + start, i - start, zeros);
        if (zeros || big) {
            scan->rewrite = true;
            if (out && zeros) {
                sluice_buf_append(out, s + copied, int_start - copied);
                copied = int_start + zeros;
            }
            if (out && big) {
                sluice_buf_append(out, s + copied, i - copied);
                sluice_buf_puts(out, ".0");
                copied = i;
            }
        }
        if (doc && (real || big) && significant > JSONR_DOUBLE_DIGITS && int_end > int_start) {
            /* The token without its leading zeros, as strtod and the
             * decimal parser read it. */
            size_t tlen = (i - start) - zeros;
            char *text = conv_alloc(tlen + 1);
            size_t sign = int_start - start;
            memcpy(text, s + start, sign);
            memcpy(text + sign, s + int_start + zeros, i - int_start - zeros);
            text[tlen] = '\0';
            if (doc->long_count == doc->long_cap) {
                doc->long_cap = doc->long_cap ? doc->long_cap * 2 : 8;
                doc->long_numbers =
                    conv_realloc(doc->long_numbers, doc->long_cap * sizeof(jsonr_long_number_t));
            }
            doc->long_numbers[doc->long_count++] =
                (jsonr_long_number_t){.value = strtod(text, NULL), .text = text};
        }
        if (i == start)
            i++;
    }
    if (out)
        sluice_buf_append(out, s + copied, len - copied);
}

int jsonr_parse(const void *data, size_t len, jsonr_doc_t *doc, char *errstr, size_t errstr_size)
{
    const unsigned char *s = data;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        s += 3;
        len -= 3;
    }
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i == len) {
        doc->root = NULL;
        return 0;
    }

    jsonr_scan_t scan = {0};
    jsonr_scan_numbers(s, len, doc, &scan, NULL);
    if (scan.max_depth > JSONR_MAX_DEPTH) {
        /* Checked before parsing: jansson and the converters recurse once
         * per level, and a task thread's stack is finite. */
        snprintf(errstr, errstr_size,
                 "invalid JSON: nesting depth %zu exceeds the maximum allowed (%d)", scan.max_depth,
                 JSONR_MAX_DEPTH);
        return -1;
    }
    sluice_buf_t *rewritten = NULL;
    if (scan.rewrite) {
        rewritten = sluice_buf_new();
        jsonr_scan_numbers(s, len, NULL, &scan, rewritten);
        s = (const unsigned char *)sluice_buf_data(rewritten);
        len = sluice_buf_len(rewritten);
    }

    doc->max_depth = scan.max_depth;
    json_error_t error;
    doc->root = json_loadb((const char *)s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    sluice_buf_destroy(rewritten);
    if (!doc->root) {
        snprintf(errstr, errstr_size, "invalid JSON at line %d, column %d (byte %d): %s",
                 error.line, error.column, error.position, error.text);
        return -1;
    }
    return 0;
}

void jsonr_doc_clear(jsonr_doc_t *doc)
{
    json_decref(doc->root);
    for (size_t i = 0; i < doc->long_count; i++)
        free(doc->long_numbers[i].text);
    free(doc->long_numbers);
    memset(doc, 0, sizeof(*doc));
}
/* Appends v (finite, not zero) as its shortest digits with an integer
 * mantissa, "-12345E-6": Double.toString's digits, without the point and
 * without leading or trailing zeros. */
static void jsonr_integer_mantissa(double v, sluice_buf_t *out)
{
    sluice_buf_t *java = sluice_buf_new();
    sluice_format_double(v, false, java);
    const char *s = sluice_buf_data(java);
    char digits[32];
    int n = 0;
    long exp10 = 0;
    bool after_point = false;
    if (*s == '-')
        s++;
    for (; *s && *s != 'E'; s++) {
        if (*s == '.') {
            after_point = true;
        } else if (n > 0 || *s != '0') {
            if (n < (int)sizeof digits - 1)
                digits[n++] = *s;
            if (after_point)
                exp10--;
        } else if (after_point) {
            exp10--; /* a leading zero after the point: "0.001" */
        }
    }
    if (*s == 'E')
        exp10 += strtol(s + 1, NULL, 10);
    while (n > 1 && digits[n - 1] == '0') {
        n--;
        exp10++;
    }
    digits[n] = '\0';
    sluice_buf_printf(out, "%s%sE%ld", v < 0 ? "-" : "", digits, exp10);
    sluice_buf_destroy(java);
}

void jsonr_number_text(jsonr_doc_t *doc, const json_t *number, sluice_buf_t *out)
{
    if (json_is_integer(number)) {
        sluice_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(number));
        return;
    }
    double v = json_real_value(number);
    /* Numbers are mostly asked for in document order: start looking after
     * the last one taken, so that a long list stays linear. */
    for (size_t k = 0; doc && k < doc->long_count; k++) {
        size_t i = (doc->long_next + k) % doc->long_count;
        jsonr_long_number_t *ln = &doc->long_numbers[i];
        if (!ln->used && memcmp(&ln->value, &v, sizeof v) == 0) {
            ln->used = true;
            doc->long_next = i + 1;
            sluice_buf_puts(out, ln->text);
            return;
        }
    }
    if (v == 0 || !isfinite(v)) {
        sluice_buf_puts(out, "0");
        return;
    }
    jsonr_integer_mantissa(v, out);
}

const char *jsonr_long_text(const jsonr_doc_t *doc, const json_t *real)
{
    double v = json_real_value(real);
    for (size_t i = 0; doc && i < doc->long_count; i++)
        if (memcmp(&doc->long_numbers[i].value, &v, sizeof v) == 0)
            return doc->long_numbers[i].text;
    return NULL;
}

/* ---- the fast path ------------------------------------------------------------ */

/* Nesting the fast path reads; deeper documents take the jansson path. */
#define JSONR_FAST_MAX_DEPTH 64

/* Reals with longer text take the jansson path. */
#define JSONR_FAST_REAL_MAX 64

typedef struct jsonr_fast {
    const unsigned char *s;
    size_t len;
    size_t i;
    int depth;
    sluice_buf_t *scratch; /* unescaped strings; made when first needed unless given */
} jsonr_fast_t;

static bool jsonr_isws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool jsonr_isalpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void jf_skip_ws(jsonr_fast_t *f)
{
    while (f->i < f->len && jsonr_isws(f->s[f->i]))
        f->i++;
}

static bool jf_hex4(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return false;
    }
    *out = v;
    return true;
}

/*
 * The rest of a string with escapes, from s[i] on, unescaped into
 * f->scratch after the i - start plain bytes before it. jansson's rules:
 * no control characters, valid UTF-8, the eight one-letter escapes and
 * \uXXXX with surrogates in pairs (\u0000 allowed: JSON_ALLOW_NUL).
 */
static bool jf_string_escaped(jsonr_fast_t *f, size_t start, size_t i, const char **str,
                              size_t *len)
{
    const unsigned char *s = f->s;
    if (!f->scratch)
        f->scratch = sluice_buf_new();
    sluice_buf_t *b = f->scratch;
    sluice_buf_reset(b);
    sluice_buf_append(b, s + start, i - start);
    for (;;) {
        if (i >= f->len)
            return false;
        unsigned char c = s[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return false;
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = utf8_decode(s + i, f->len - i, &cp);
            if (n == 0)
                return false;
            sluice_buf_append(b, s + i, n);
            i += n;
            continue;
        }
        if (c != '\\') {
            size_t run = i + 1;
            while (run < f->len && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' &&
                   s[run] != '\\')
                run++;
            sluice_buf_append(b, s + i, run - i);
            i = run;
            continue;
        }
        if (i + 1 >= f->len)
            return false;
        char out;
        switch (s[i + 1]) {
        case '"':
        case '\\':
        case '/': out = (char)s[i + 1]; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u': {
            uint32_t cp, low;
            if (f->len - i < 6 || !jf_hex4(s + i + 2, &cp))
                return false;
            i += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (f->len - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
                    !jf_hex4(s + i + 2, &low) || low < 0xDC00 || low > 0xDFFF)
                    return false;
                i += 6;
                cp = ((cp - 0xD800) << 10) + (low - 0xDC00) + 0x10000;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return false;
            }
            utf8_put(b, cp);
            continue;
        }
        default: return false;
        }
        sluice_buf_putc(b, out);
        i += 2;
    }
    *str = sluice_buf_data(b);
    *len = sluice_buf_len(b);
    f->i = i + 1;
    return true;
}

/* The string whose opening quote is at f->i: *str points into the input
 * when it has no escapes, else into f->scratch (valid until the next
 * string). */
static bool jf_string(jsonr_fast_t *f, const char **str, size_t *len)
{
    const unsigned char *s = f->s;
    size_t start = f->i + 1;
    size_t i = start;
    for (;;) {
        /* Eight plain bytes at a time: none a quote, a backslash, a
         * control character or part of a multi-byte sequence. */
        while (f->len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            const uint64_t ones = 0x0101010101010101ULL;
            const uint64_t highs = 0x8080808080808080ULL;
            uint64_t quote = w ^ (ones * '"');
            uint64_t backslash = w ^ (ones * '\\');
            uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                               (w - ones * 0x20) | w;
            if (special & highs)
                break;
            i += 8;
        }
        if (i >= f->len)
            return false;
        unsigned char c = s[i];
        if (c == '"')
            break;
        if (c == '\\')
            return jf_string_escaped(f, start, i, str, len);
        if (c < 0x20)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s + i, f->len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    *str = (const char *)s + start;
    *len = i - start;
    f->i = i + 1;
    return true;
}

/* The number at f->i, as jansson lexes it: an integer when it has neither
 * fraction nor exponent (*is_real false), else a double from strtod. */
static bool jf_number(jsonr_fast_t *f, bool *is_real, int64_t *integer, double *real)
{
    const unsigned char *s = f->s;
    size_t len = f->len;
    size_t start = f->i;
    size_t i = start;
    bool negative = s[i] == '-';
    if (negative)
        i++;
    size_t digits = i;
    if (i >= len || !jsonr_isdigit(s[i]))
        return false;
    if (s[i] == '0') {
        i++;
        if (i < len && jsonr_isdigit(s[i]))
            return false; /* a leading zero: jsonr_parse rewrites it */
    } else {
        while (i < len && jsonr_isdigit(s[i]))
            i++;
    }
    size_t int_end = i;
    bool has_real = false;
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !jsonr_isdigit(s[i]))
            return false;
        while (i < len && jsonr_isdigit(s[i]))
            i++;
        has_real = true;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !jsonr_isdigit(s[i]))
            return false;
        while (i < len && jsonr_isdigit(s[i]))
            i++;
        has_real = true;
    }
    if (!has_real) {
        if (jsonr_beyond_int64(s + start, int_end - start, 0))
            return false; /* jsonr_parse turns it into a real */
        uint64_t u = 0;
        for (size_t k = digits; k < int_end; k++)
            u = u * 10 + (uint64_t)(s[k] - '0');
        if (!negative)
            *integer = (int64_t)u;
        else
            *integer = u > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)u;
    } else {
        size_t n = i - start;
        char text[JSONR_FAST_REAL_MAX];
        /* strtod reads the locale's decimal point (jansson converts). */
        const char *point = localeconv()->decimal_point;
        if (n >= sizeof text || point[0] != '.' || point[1] != '\0')
            return false;
        memcpy(text, s + start, n);
        text[n] = '\0';
        char *end = NULL;
        double v = strtod(text, &end);
        if (end != text + n || isinf(v))
            return false; /* overflow: jansson's error */
        *real = v;
    }
    *is_real = has_real;
    f->i = i;
    return true;
}

/* true, false or null at f->i, not followed by more letters. */
static bool jf_literal(jsonr_fast_t *f, const char *word, size_t n)
{
    if (f->len - f->i < n || memcmp(f->s + f->i, word, n) != 0)
        return false;
    if (f->i + n < f->len && jsonr_isalpha(f->s[f->i + n]))
        return false;
    f->i += n;
    return true;
}

static bool jf_value(jsonr_fast_t *f, sluice_value_t **out);

static bool jf_object(jsonr_fast_t *f, sluice_value_t **out)
{
    if (++f->depth > JSONR_FAST_MAX_DEPTH)
        return false;
    f->i++;
    sluice_value_t *map = sluice_value_map_new();
    jf_skip_ws(f);
    if (f->i < f->len && f->s[f->i] == '}') {
        f->i++;
    } else {
        for (;;) {
            const char *key;
            size_t key_len;
            if (f->i >= f->len || f->s[f->i] != '"' || !jf_string(f, &key, &key_len) ||
                memchr(key, '\0', key_len))
                goto fail;
            /* A repeated key keeps its place and takes the last value, as
             * in jansson's objects and in maps. */
            sluice_value_t *k = sluice_value_string(key, key_len);
            sluice_value_t *v;
            jf_skip_ws(f);
            if (f->i >= f->len || f->s[f->i] != ':') {
                sluice_value_destroy(k);
                goto fail;
            }
            f->i++;
            jf_skip_ws(f);
            if (!jf_value(f, &v)) {
                sluice_value_destroy(k);
                goto fail;
            }
            sluice_value_map_put(map, k, v);
            jf_skip_ws(f);
            if (f->i < f->len && f->s[f->i] == ',') {
                f->i++;
                jf_skip_ws(f);
                continue;
            }
            if (f->i < f->len && f->s[f->i] == '}') {
                f->i++;
                break;
            }
            goto fail;
        }
    }
    f->depth--;
    *out = map;
    return true;
fail:
    sluice_value_destroy(map);
    return false;
}

static bool jf_array(jsonr_fast_t *f, sluice_value_t **out)
{
    if (++f->depth > JSONR_FAST_MAX_DEPTH)
        return false;
    f->i++;
    sluice_value_t *array = sluice_value_array_new();
    jf_skip_ws(f);
    if (f->i < f->len && f->s[f->i] == ']') {
        f->i++;
    } else {
        for (;;) {
            sluice_value_t *item;
            if (!jf_value(f, &item))
                goto fail;
            sluice_value_array_append(array, item);
            jf_skip_ws(f);
            if (f->i < f->len && f->s[f->i] == ',') {
                f->i++;
                jf_skip_ws(f);
                continue;
            }
            if (f->i < f->len && f->s[f->i] == ']') {
                f->i++;
                break;
            }
            goto fail;
        }
    }
    f->depth--;
    *out = array;
    return true;
fail:
    sluice_value_destroy(array);
    return false;
}

/* The value at f->i (no whitespace before it); *out is set only on success
 * (NULL for null). */
static bool jf_value(jsonr_fast_t *f, sluice_value_t **out)
{
    if (f->i >= f->len)
        return false;
    unsigned char c = f->s[f->i];
    switch (c) {
    case '"': {
        const char *str;
        size_t len;
        if (!jf_string(f, &str, &len))
            return false;
        *out = sluice_value_string(str, len);
        return true;
    }
    case '{': return jf_object(f, out);
    case '[': return jf_array(f, out);
    case 't':
        if (!jf_literal(f, "true", 4))
            return false;
        *out = sluice_value_boolean(true);
        return true;
    case 'f':
        if (!jf_literal(f, "false", 5))
            return false;
        *out = sluice_value_boolean(false);
        return true;
    case 'n':
        if (!jf_literal(f, "null", 4))
            return false;
        *out = NULL;
        return true;
    default: {
        if (c != '-' && !jsonr_isdigit(c))
            return false;
        bool is_real;
        int64_t integer;
        double real;
        if (!jf_number(f, &is_real, &integer, &real))
            return false;
        *out = is_real ? sluice_value_float64(real) : sluice_value_int64(integer);
        return true;
    }
    }
}

/* Where jsonr_parse starts reading: after a UTF-8 byte order mark. */
static size_t jsonr_bom_length(const unsigned char *s, size_t len)
{
    return len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
}

int jsonr_fast_read(const void *data, size_t len, sluice_value_t **out)
{
    *out = NULL;
    jsonr_fast_t f = {.s = data, .len = len};
    f.i = jsonr_bom_length(f.s, len);
    jf_skip_ws(&f);
    if (f.i == f.len)
        return JSONR_FAST_OK; /* no value at all: null */
    sluice_value_t *value = NULL;
    bool ok = jf_value(&f, &value);
    if (ok) {
        jf_skip_ws(&f);
        ok = f.i == f.len;
        if (!ok)
            sluice_value_destroy(value);
    }
    sluice_buf_destroy(f.scratch);
    if (!ok)
        return JSONR_FAST_NO;
    *out = value;
    return JSONR_FAST_OK;
}

int jsonr_fast_scalar(const void *data, size_t len, sluice_buf_t *scratch, jsonr_scalar_t *out)
{
    jsonr_fast_t f = {.s = data, .len = len, .scratch = scratch};
    memset(out, 0, sizeof *out);
    if (len == 0)
        return JSONR_FAST_NO;
    unsigned char c = f.s[0];
    bool ok;
    if (c == '"') {
        out->kind = JSONR_SCALAR_STRING;
        ok = jf_string(&f, &out->str, &out->str_len);
    } else if (c == 't') {
        out->kind = JSONR_SCALAR_TRUE;
        ok = jf_literal(&f, "true", 4);
    } else if (c == 'f') {
        out->kind = JSONR_SCALAR_FALSE;
        ok = jf_literal(&f, "false", 5);
    } else if (c == 'n') {
        out->kind = JSONR_SCALAR_NULL;
        ok = jf_literal(&f, "null", 4);
    } else if (c == '-' || jsonr_isdigit(c)) {
        bool is_real = false;
        ok = jf_number(&f, &is_real, &out->integer, &out->real);
        out->kind = is_real ? JSONR_SCALAR_REAL : JSONR_SCALAR_INTEGER;
    } else {
        ok = false;
    }
    return ok && f.i == len ? JSONR_FAST_OK : JSONR_FAST_NO;
}

/* Moves *i past the value starting there, delimiting it loosely (strings
 * skipped, brackets counted); false when it does not end before len. */
static bool jsonr_delimit_value(const unsigned char *s, size_t len, size_t *i)
{
    size_t j = *i;
    if (j >= len)
        return false;
    unsigned char c = s[j];
    if (c == '"') {
        j = jsonr_skip_string(s, j + 1, len);
    } else if (c == '{' || c == '[') {
        size_t depth = 0;
        while (j < len) {
            c = s[j];
            if (c == '"') {
                j = jsonr_skip_string(s, j + 1, len);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    j++;
                    break;
                }
            }
            j++;
        }
        if (depth != 0)
            return false;
    } else if (c == '-' || jsonr_isdigit(c) || jsonr_isalpha(c)) {
        while (j < len && (jsonr_isdigit(s[j]) || jsonr_isalpha(s[j]) || s[j] == '-' ||
                           s[j] == '+' || s[j] == '.'))
            j++;
    } else {
        return false;
    }
    if (j >= len) /* the envelope's closing brace is still to come */
        return false;
    *i = j;
    return true;
}

int jsonr_split_envelope(const void *data, size_t len, jsonr_span_t *schema, jsonr_span_t *payload)
{
    const unsigned char *s = data;
    size_t i = jsonr_bom_length(s, len);
    bool have_schema = false;
    bool have_payload = false;
    while (i < len && jsonr_isws(s[i]))
        i++;
    if (i >= len || s[i] != '{')
        return JSONR_FAST_NO;
    i++;
    for (int member = 0; member < 2; member++) {
        while (i < len && jsonr_isws(s[i]))
            i++;
        jsonr_span_t *span;
        if (len - i >= 8 && memcmp(s + i, "\"schema\"", 8) == 0 && !have_schema) {
            have_schema = true;
            span = schema;
            i += 8;
        } else if (len - i >= 9 && memcmp(s + i, "\"payload\"", 9) == 0 && !have_payload) {
            have_payload = true;
            span = payload;
            i += 9;
        } else {
            return JSONR_FAST_NO;
        }
        while (i < len && jsonr_isws(s[i]))
            i++;
        if (i >= len || s[i] != ':')
            return JSONR_FAST_NO;
        i++;
        while (i < len && jsonr_isws(s[i]))
            i++;
        span->off = i;
        if (!jsonr_delimit_value(s, len, &i))
            return JSONR_FAST_NO;
        span->len = i - span->off;
        while (i < len && jsonr_isws(s[i]))
            i++;
        if (member == 0) {
            if (i >= len || s[i] != ',')
                return JSONR_FAST_NO;
            i++;
        }
    }
    if (i >= len || s[i] != '}')
        return JSONR_FAST_NO;
    i++;
    while (i < len && jsonr_isws(s[i]))
        i++;
    return i == len ? JSONR_FAST_OK : JSONR_FAST_NO;
}

const char *jsonr_type_name(const json_t *json)
{
    if (!json)
        return "MISSING";
    switch (json_typeof(json)) {
    case JSON_OBJECT: return "OBJECT";
    case JSON_ARRAY: return "ARRAY";
    case JSON_STRING: return "STRING";
    case JSON_INTEGER:
    case JSON_REAL: return "NUMBER";
    case JSON_TRUE:
    case JSON_FALSE: return "BOOLEAN";
    case JSON_NULL: return "NULL";
    }
    return "UNKNOWN";
}

static uint64_t jsonr_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t jsonr_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t jsonr_hash(const json_t *json)
{
    switch (json_typeof(json)) {
    case JSON_OBJECT: {
        /* Members in any order are equal, so combine them commutatively. */
        uint64_t h = 0x6f626a;
        const char *key;
        size_t key_len;
        json_t *value;
        json_object_keylen_foreach((json_t *)json, key, key_len, value) h +=
            jsonr_mix(jsonr_hash_bytes(key, key_len) ^ (jsonr_hash(value) * 31));
        return h;
    }
    case JSON_ARRAY: {
        uint64_t h = 0x617272;
        for (size_t i = 0; i < json_array_size(json); i++)
            h = jsonr_mix(h * 31 + jsonr_hash(json_array_get(json, i)));
        return h;
    }
    case JSON_STRING: return jsonr_hash_bytes(json_string_value(json), json_string_length(json));
    case JSON_INTEGER: return jsonr_mix((uint64_t)json_integer_value(json) ^ 0x696e74);
    case JSON_REAL: {
        double v = json_real_value(json);
        if (v == 0)
            v = 0; /* -0.0 equals 0.0 */
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        return jsonr_mix(bits ^ 0x7265616c);
    }
    case JSON_TRUE: return 1;
    case JSON_FALSE: return 2;
    case JSON_NULL: return 3;
    }
    return 0;
}
