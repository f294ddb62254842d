/*
 * A Connect value's text as Kafka's StringConverter and FileStreamSink
 * write it (String.valueOf of the Java object), and the base64 it uses for
 * bytes. Host functions, so that every plugin writes the same text.
 */
#include <sluice/value.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "java_number_text.h"

#define VALUE_TEXT_MS_PER_DAY 86400000LL

typedef enum value_text_logical {
    VALUE_TEXT_PLAIN = 0,
    VALUE_TEXT_DECIMAL,
    VALUE_TEXT_DATE,
    VALUE_TEXT_TIME,
    VALUE_TEXT_TIMESTAMP
} value_text_logical_t;

static const char value_text_base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sluice_base64_encode(const void *data, size_t len, sluice_buf_t *out)
{
    const uint8_t *in = data;
    char *p = sluice_buf_reserve(out, (len + 2) / 3 * 4);
    char *start = p;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *p++ = value_text_base64_alphabet[v >> 18];
        *p++ = value_text_base64_alphabet[(v >> 12) & 63];
        *p++ = value_text_base64_alphabet[(v >> 6) & 63];
        *p++ = value_text_base64_alphabet[v & 63];
    }
    if (i < len) {
        bool two = len - i == 2;
        uint32_t v = (uint32_t)in[i] << 16 | (two ? (uint32_t)in[i + 1] << 8 : 0);
        *p++ = value_text_base64_alphabet[v >> 18];
        *p++ = value_text_base64_alphabet[(v >> 12) & 63];
        *p++ = two ? value_text_base64_alphabet[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
    sluice_buf_commit(out, (size_t)(p - start));
}

/* The logical type schema gives value, only when value is of the schema's
 * type: callers may pass a schema that does not describe the value. */
static value_text_logical_t value_text_logical(const sluice_schema_t *schema,
                                               const sluice_value_t *value)
{
    if (!schema || sluice_schema_type(schema) != sluice_value_type(value))
        return VALUE_TEXT_PLAIN;
    const char *name = sluice_schema_name(schema);
    if (!name)
        return VALUE_TEXT_PLAIN;
    sluice_type_t type = sluice_schema_type(schema);
    if (type == SLUICE_TYPE_BYTES && strcmp(name, SLUICE_LOGICAL_DECIMAL) == 0)
        return VALUE_TEXT_DECIMAL;
    if (type == SLUICE_TYPE_INT32 && strcmp(name, SLUICE_LOGICAL_DATE) == 0)
        return VALUE_TEXT_DATE;
    if (type == SLUICE_TYPE_INT32 && strcmp(name, SLUICE_LOGICAL_TIME) == 0)
        return VALUE_TEXT_TIME;
    if (type == SLUICE_TYPE_INT64 && strcmp(name, SLUICE_LOGICAL_TIMESTAMP) == 0)
        return VALUE_TEXT_TIMESTAMP;
    return VALUE_TEXT_PLAIN;
}

/* The Decimal schema's scale; false when the parameter is missing or not
 * an int32, and the value is then shown as the bytes it is. */
static bool value_text_scale(const sluice_schema_t *schema, int32_t *scale)
{
    const char *text = sluice_schema_parameter(schema, SLUICE_DECIMAL_SCALE_PARAM);
    if (!text)
        return false;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || v < INT32_MIN || v > INT32_MAX)
        return false;
    *scale = (int32_t)v;
    return true;
}

/* java.util.Date.toString with the zone fixed to UTC:
 * "Wed Sep 04 16:43:24 UTC 2019". gmtime_r covers every int64 millisecond
 * count (years stay within an int). */
static void value_text_date(int64_t ms, sluice_buf_t *out)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = ms / 1000 - (ms % 1000 < 0); /* floor: -1 ms is 23:59:59 the day before */
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        sluice_buf_printf(out, "%lld", (long long)ms);
        return;
    }
    sluice_buf_printf(out, "%s %s %02d %02d:%02d:%02d UTC %lld", days[tm.tm_wday],
                      months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      (long long)tm.tm_year + 1900);
}

static void value_text_at(const sluice_schema_t *schema, const sluice_value_t *value, bool top,
                          sluice_buf_t *out)
{
    if (!value) {
        sluice_buf_puts(out, "null");
        return;
    }
    switch (value_text_logical(schema, value)) {
    case VALUE_TEXT_DECIMAL: {
        int32_t scale;
        if (!value_text_scale(schema, &scale))
            break;
        size_t len;
        const uint8_t *unscaled = sluice_value_get_bytes(value, &len);
        java_number_big_decimal(unscaled, len, scale, out);
        return;
    }
    case VALUE_TEXT_DATE:
        value_text_date((int64_t)sluice_value_get_int32(value) * VALUE_TEXT_MS_PER_DAY, out);
        return;
    case VALUE_TEXT_TIME: value_text_date(sluice_value_get_int32(value), out); return;
    case VALUE_TEXT_TIMESTAMP: value_text_date(sluice_value_get_int64(value), out); return;
    case VALUE_TEXT_PLAIN: break;
    }
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_INT8: sluice_buf_printf(out, "%d", sluice_value_get_int8(value)); break;
    case SLUICE_TYPE_INT16: sluice_buf_printf(out, "%d", sluice_value_get_int16(value)); break;
    case SLUICE_TYPE_INT32: sluice_buf_printf(out, "%d", (int)sluice_value_get_int32(value)); break;
    case SLUICE_TYPE_INT64:
        sluice_buf_printf(out, "%lld", (long long)sluice_value_get_int64(value));
        break;
    case SLUICE_TYPE_FLOAT32:
        sluice_format_double(sluice_value_get_float32(value), true, out);
        break;
    case SLUICE_TYPE_FLOAT64:
        sluice_format_double(sluice_value_get_float64(value), false, out);
        break;
    case SLUICE_TYPE_BOOLEAN:
        sluice_buf_puts(out, sluice_value_get_boolean(value) ? "true" : "false");
        break;
    case SLUICE_TYPE_STRING: {
        size_t len;
        const char *s = sluice_value_get_string(value, &len);
        sluice_buf_append(out, s, len);
        break;
    }
    case SLUICE_TYPE_BYTES: {
        /* Java prints "[B@1b6d3586"; the bytes themselves are of more use, as
         * base64 where they sit among other text. */
        size_t len;
        const uint8_t *b = sluice_value_get_bytes(value, &len);
        if (top)
            sluice_buf_append(out, b, len);
        else
            sluice_base64_encode(b, len, out);
        break;
    }
    case SLUICE_TYPE_ARRAY: {
        const sluice_schema_t *items = schema ? sluice_schema_value_schema(schema) : NULL;
        sluice_buf_putc(out, '[');
        for (size_t i = 0; i < sluice_value_array_count(value); i++) {
            if (i)
                sluice_buf_puts(out, ", ");
            value_text_at(items, sluice_value_array_get(value, i), false, out);
        }
        sluice_buf_putc(out, ']');
        break;
    }
    case SLUICE_TYPE_MAP: {
        const sluice_schema_t *keys = schema ? sluice_schema_key_schema(schema) : NULL;
        const sluice_schema_t *values = schema ? sluice_schema_value_schema(schema) : NULL;
        sluice_buf_putc(out, '{');
        for (size_t i = 0; i < sluice_value_map_count(value); i++) {
            if (i)
                sluice_buf_puts(out, ", ");
            value_text_at(keys, sluice_value_map_key_at(value, i), false, out);
            sluice_buf_putc(out, '=');
            value_text_at(values, sluice_value_map_value_at(value, i), false, out);
        }
        sluice_buf_putc(out, '}');
        break;
    }
    case SLUICE_TYPE_STRUCT: {
        /* Struct.toString: its own schema's fields, null ones left out. */
        const sluice_schema_t *own = sluice_value_struct_schema(value);
        bool first = true;
        sluice_buf_puts(out, "Struct{");
        for (size_t i = 0; i < sluice_schema_field_count(own); i++) {
            const sluice_value_t *field = sluice_value_struct_get_at(value, i);
            if (!field)
                continue;
            if (!first)
                sluice_buf_putc(out, ',');
            first = false;
            sluice_buf_puts(out, sluice_schema_field_name(own, i));
            sluice_buf_putc(out, '=');
            value_text_at(sluice_schema_field_schema(own, i), field, false, out);
        }
        sluice_buf_putc(out, '}');
        break;
    }
    }
}

void sluice_value_to_text(const sluice_schema_t *schema, const sluice_value_t *value,
                          sluice_buf_t *out)
{
    value_text_at(schema, value, true, out);
}

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

int sluice_base64_decode(const char *text, size_t len, sluice_buf_t *out, char *errstr,
                         size_t errstr_size)
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
