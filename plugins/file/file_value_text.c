/*
 * The line FileStreamSink writes for a record value: Java's
 * String.valueOf(value), as Kafka's sink prints it, except where Java would
 * print something no reader can use (see file_connectors.h).
 */
#include "file_connectors.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper values are cut short: a value this nested is not meant to be read
 * as a line, and recursion must stay bounded. */
#define FILE_TEXT_MAX_DEPTH 64

/* Java's Double.toString / Float.toString (shortest digits that read back
 * as the same value; plain for 1e-3 <= |v| < 1e7, else "d.dddE±n"). */
static void file_text_double(double v, bool is_float, sluice_buf_t *out)
{
    if (isnan(v)) {
        sluice_buf_puts(out, "NaN");
        return;
    }
    if (isinf(v)) {
        sluice_buf_puts(out, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (v == 0) {
        sluice_buf_puts(out, signbit(v) ? "-0.0" : "0.0");
        return;
    }
    char tmp[48];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(tmp, sizeof tmp, "%.*e", precision - 1, v);
        bool same = is_float ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v;
        if (same)
            break;
    }
    /* tmp is "[-]d[.ddd]e±XX": split it into digits and a power of ten. */
    char digits[24];
    int ndigits = 0;
    const char *p = tmp;
    if (*p == '-')
        p++;
    for (; *p && *p != 'e'; p++)
        if (isdigit((unsigned char)*p) && ndigits < (int)sizeof digits - 1)
            digits[ndigits++] = *p;
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    while (ndigits > 1 && digits[ndigits - 1] == '0')
        ndigits--;

    if (v < 0)
        sluice_buf_putc(out, '-');
    double magnitude = fabs(v);
    if (magnitude >= 1e-3 && magnitude < 1e7) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++)
                sluice_buf_putc(out, i < ndigits ? digits[i] : '0');
            sluice_buf_putc(out, '.');
            if (ndigits > exp10 + 1)
                sluice_buf_append(out, digits + exp10 + 1, (size_t)(ndigits - exp10 - 1));
            else
                sluice_buf_putc(out, '0');
        } else {
            sluice_buf_puts(out, "0.");
            for (int i = 0; i < -exp10 - 1; i++)
                sluice_buf_putc(out, '0');
            sluice_buf_append(out, digits, (size_t)ndigits);
        }
    } else {
        sluice_buf_putc(out, digits[0]);
        sluice_buf_putc(out, '.');
        if (ndigits > 1)
            sluice_buf_append(out, digits + 1, (size_t)(ndigits - 1));
        else
            sluice_buf_putc(out, '0');
        sluice_buf_printf(out, "E%d", exp10);
    }
}

static void file_text_base64(const uint8_t *data, size_t len, sluice_buf_t *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *dst = sluice_buf_reserve(out, (len + 2) / 3 * 4);
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t n = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        dst[o++] = alphabet[n >> 18 & 63];
        dst[o++] = alphabet[n >> 12 & 63];
        dst[o++] = alphabet[n >> 6 & 63];
        dst[o++] = alphabet[n & 63];
    }
    if (i < len) {
        uint32_t n = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
        dst[o++] = alphabet[n >> 18 & 63];
        dst[o++] = alphabet[n >> 12 & 63];
        dst[o++] = i + 1 < len ? alphabet[n >> 6 & 63] : '=';
        dst[o++] = '=';
    }
    sluice_buf_commit(out, o);
}

/* BigDecimal.toString of unscaled × 10^-scale: plain unless the scale is
 * negative or the adjusted exponent is below -6, then "1.23E+5" style. */
static void file_text_decimal(const uint8_t *unscaled, size_t len, int32_t scale, sluice_buf_t *out)
{
    if (len == 0) {
        sluice_buf_putc(out, '0');
        return;
    }
    sluice_buf_t *integer = sluice_buf_new();
    sluice_decimal_to_string(unscaled, len, 0, integer);
    const char *text = sluice_buf_data(integer);
    bool negative = text[0] == '-';
    const char *coeff = text + negative;
    int64_t ndigits = (int64_t)strlen(coeff);
    int64_t adjusted = -(int64_t)scale + (ndigits - 1);
    if (scale >= 0 && adjusted >= -6) {
        sluice_decimal_to_string(unscaled, len, scale, out);
    } else {
        if (negative)
            sluice_buf_putc(out, '-');
        sluice_buf_putc(out, coeff[0]);
        if (ndigits > 1) {
            sluice_buf_putc(out, '.');
            sluice_buf_puts(out, coeff + 1);
        }
        sluice_buf_printf(out, "E%s%" PRId64, adjusted >= 0 ? "+" : "", adjusted);
    }
    sluice_buf_destroy(integer);
}

/* The proleptic Gregorian date of a day count since 1970-01-01. */
static void file_text_civil(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (*month <= 2);
}

static int64_t file_text_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void file_text_date(int64_t days, sluice_buf_t *out)
{
    int64_t year;
    unsigned month, day;
    file_text_civil(days, &year, &month, &day);
    sluice_buf_printf(out, "%04" PRId64 "-%02u-%02u", year, month, day);
}

static void file_text_time(int64_t ms_of_day, sluice_buf_t *out)
{
    sluice_buf_printf(out, "%02d:%02d:%02d.%03dZ", (int)(ms_of_day / 3600000),
                      (int)(ms_of_day / 60000 % 60), (int)(ms_of_day / 1000 % 60),
                      (int)(ms_of_day % 1000));
}

static void file_text_timestamp(int64_t ms, sluice_buf_t *out)
{
    int64_t days = file_text_floor_div(ms, 86400000);
    file_text_date(days, out);
    sluice_buf_putc(out, 'T');
    file_text_time(ms - days * 86400000, out);
}

static int64_t file_text_integer(const sluice_value_t *value)
{
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_INT8: return sluice_value_get_int8(value);
    case SLUICE_TYPE_INT16: return sluice_value_get_int16(value);
    case SLUICE_TYPE_INT32: return sluice_value_get_int32(value);
    default: return sluice_value_get_int64(value);
    }
}

static bool file_text_logical(const sluice_schema_t *schema, const char *name)
{
    return schema && sluice_schema_is_logical(schema, name);
}

static void file_text_at(const sluice_schema_t *schema, const sluice_value_t *value,
                         sluice_buf_t *out, int depth)
{
    if (!value) {
        sluice_buf_puts(out, "null");
        return;
    }
    /* A schema that does not describe the value (a schemaless record, or
     * a mismatch) is ignored rather than trusted. */
    sluice_type_t type = sluice_value_type(value);
    if (schema && sluice_schema_type(schema) != type)
        schema = NULL;
    switch (type) {
    case SLUICE_TYPE_INT8:
    case SLUICE_TYPE_INT16:
    case SLUICE_TYPE_INT32:
    case SLUICE_TYPE_INT64: {
        int64_t n = file_text_integer(value);
        if (type == SLUICE_TYPE_INT32 && file_text_logical(schema, SLUICE_LOGICAL_DATE))
            file_text_date(n, out);
        else if (type == SLUICE_TYPE_INT32 && file_text_logical(schema, SLUICE_LOGICAL_TIME))
            file_text_time(n - file_text_floor_div(n, 86400000) * 86400000, out);
        else if (type == SLUICE_TYPE_INT64 && file_text_logical(schema, SLUICE_LOGICAL_TIMESTAMP))
            file_text_timestamp(n, out);
        else
            sluice_buf_printf(out, "%" PRId64, n);
        return;
    }
    case SLUICE_TYPE_FLOAT32: file_text_double(sluice_value_get_float32(value), true, out); return;
    case SLUICE_TYPE_FLOAT64: file_text_double(sluice_value_get_float64(value), false, out); return;
    case SLUICE_TYPE_BOOLEAN:
        sluice_buf_puts(out, sluice_value_get_boolean(value) ? "true" : "false");
        return;
    case SLUICE_TYPE_STRING: {
        size_t len;
        const char *s = sluice_value_get_string(value, &len);
        sluice_buf_append(out, s, len);
        return;
    }
    case SLUICE_TYPE_BYTES: {
        size_t len;
        const uint8_t *b = sluice_value_get_bytes(value, &len);
        const char *scale = schema && file_text_logical(schema, SLUICE_LOGICAL_DECIMAL)
                                ? sluice_schema_parameter(schema, SLUICE_DECIMAL_SCALE_PARAM)
                                : NULL;
        if (scale)
            file_text_decimal(b, len, (int32_t)strtol(scale, NULL, 10), out);
        else
            file_text_base64(b, len, out);
        return;
    }
    default: break;
    }
    if (depth >= FILE_TEXT_MAX_DEPTH) {
        sluice_buf_puts(out, "...");
        return;
    }
    if (type == SLUICE_TYPE_ARRAY) {
        const sluice_schema_t *items = schema ? sluice_schema_value_schema(schema) : NULL;
        sluice_buf_putc(out, '[');
        for (size_t i = 0; i < sluice_value_array_count(value); i++) {
            if (i)
                sluice_buf_puts(out, ", ");
            file_text_at(items, sluice_value_array_get(value, i), out, depth + 1);
        }
        sluice_buf_putc(out, ']');
    } else if (type == SLUICE_TYPE_MAP) {
        const sluice_schema_t *keys = schema ? sluice_schema_key_schema(schema) : NULL;
        const sluice_schema_t *values = schema ? sluice_schema_value_schema(schema) : NULL;
        sluice_buf_putc(out, '{');
        for (size_t i = 0; i < sluice_value_map_count(value); i++) {
            if (i)
                sluice_buf_puts(out, ", ");
            file_text_at(keys, sluice_value_map_key_at(value, i), out, depth + 1);
            sluice_buf_putc(out, '=');
            file_text_at(values, sluice_value_map_value_at(value, i), out, depth + 1);
        }
        sluice_buf_putc(out, '}');
    } else if (type == SLUICE_TYPE_STRUCT) {
        const sluice_schema_t *st = sluice_value_struct_schema(value);
        bool first = true;
        sluice_buf_puts(out, "Struct{");
        for (size_t i = 0; i < sluice_schema_field_count(st); i++) {
            const sluice_value_t *field = sluice_value_struct_get_at(value, i);
            if (!field)
                continue;
            if (!first)
                sluice_buf_putc(out, ',');
            first = false;
            sluice_buf_puts(out, sluice_schema_field_name(st, i));
            sluice_buf_putc(out, '=');
            file_text_at(sluice_schema_field_schema(st, i), field, out, depth + 1);
        }
        sluice_buf_putc(out, '}');
    }
}

void file_value_text(const sluice_schema_t *schema, const sluice_value_t *value, sluice_buf_t *out)
{
    file_text_at(schema, value, out, 0);
}
