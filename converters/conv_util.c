#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converters.h"

static const uint8_t conv_zero_byte = 0;

sluice_result_t conv_fail(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
    return SLUICE_FATAL;
}

const char *conv_type_upper(sluice_type_t type)
{
    static const char *const names[SLUICE_TYPE_COUNT] = {"INT8",    "INT16",   "INT32",   "INT64",
                                                         "FLOAT32", "FLOAT64", "BOOLEAN", "STRING",
                                                         "BYTES",   "ARRAY",   "MAP",     "STRUCT"};
    return (unsigned)type < SLUICE_TYPE_COUNT ? names[type] : "UNKNOWN";
}

conv_logical_t conv_logical_of(const sluice_schema_t *schema)
{
    const char *name = schema ? sluice_schema_name(schema) : NULL;
    if (!name || strncmp(name, "org.apache.kafka.connect.data.", 30) != 0)
        return CONV_LOGICAL_NONE;
    sluice_type_t type = sluice_schema_type(schema);
    if (strcmp(name, SLUICE_LOGICAL_DECIMAL) == 0 && type == SLUICE_TYPE_BYTES)
        return CONV_LOGICAL_DECIMAL;
    if (strcmp(name, SLUICE_LOGICAL_DATE) == 0 && type == SLUICE_TYPE_INT32)
        return CONV_LOGICAL_DATE;
    if (strcmp(name, SLUICE_LOGICAL_TIME) == 0 && type == SLUICE_TYPE_INT32)
        return CONV_LOGICAL_TIME;
    if (strcmp(name, SLUICE_LOGICAL_TIMESTAMP) == 0 && type == SLUICE_TYPE_INT64)
        return CONV_LOGICAL_TIMESTAMP;
    return CONV_LOGICAL_NONE;
}

int conv_decimal_scale(const sluice_schema_t *schema, int32_t *scale, char *errstr,
                       size_t errstr_size)
{
    const char *text = sluice_schema_parameter(schema, SLUICE_DECIMAL_SCALE_PARAM);
    if (!text) {
        snprintf(errstr, errstr_size, "Invalid Decimal schema: scale parameter not found.");
        return -1;
    }
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < INT32_MIN || v > INT32_MAX) {
        snprintf(errstr, errstr_size,
                 "Invalid scale parameter found in Decimal schema: '%.64s' is not an integer",
                 text);
        return -1;
    }
    *scale = (int32_t)v;
    return 0;
}

void conv_decimal_minimal(const uint8_t *bytes, size_t len, const uint8_t **start,
                          size_t *minimal_len)
{
    if (len == 0) {
        *start = &conv_zero_byte;
        *minimal_len = 1;
        return;
    }
    while (len > 1 &&
           ((bytes[0] == 0x00 && !(bytes[1] & 0x80)) || (bytes[0] == 0xFF && (bytes[1] & 0x80)))) {
        bytes++;
        len--;
    }
    *start = bytes;
    *minimal_len = len;
}
