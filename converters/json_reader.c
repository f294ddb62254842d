#include "json_reader.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/value.h>

#include "conv_mem.h"

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
