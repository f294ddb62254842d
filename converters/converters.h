/*
 * What the converters of this plugin share: their class descriptors (listed
 * by converters_plugin.c), the converter.type key of Kafka's
 * ConverterConfig, and helpers for Kafka's logical types.
 */
#ifndef CONVERTERS_CONVERTERS_H
#define CONVERTERS_CONVERTERS_H

#include <stdarg.h>

#include <sluice/sluice.h>

#define CONVERTERS_VERSION "0.1.0"

extern const sluice_class_t json_converter_class;
extern const sluice_class_t json_header_converter_class;
extern const sluice_class_t string_converter_class;
extern const sluice_class_t string_header_converter_class;
extern const sluice_class_t byte_array_converter_class;
extern const sluice_class_t byte_array_header_converter_class;
extern const sluice_class_t integer_converter_class;
extern const sluice_class_t integer_header_converter_class;
extern const sluice_class_t long_converter_class;
extern const sluice_class_t long_header_converter_class;
extern const sluice_class_t short_converter_class;
extern const sluice_class_t short_header_converter_class;
extern const sluice_class_t float_converter_class;
extern const sluice_class_t float_header_converter_class;
extern const sluice_class_t double_converter_class;
extern const sluice_class_t double_header_converter_class;
extern const sluice_class_t boolean_converter_class;
extern const sluice_class_t boolean_header_converter_class;
extern const sluice_class_t simple_header_converter_class;

/*
 * Kafka's ConverterConfig key: the runtime says whether an instance serves
 * keys, values or headers. Kafka requires it because its runtime always
 * sets it; here the create callback already knows, so it may be left out.
 */
#define CONV_TYPE_CONFIG_KEY                                                                       \
    {                                                                                              \
        .name = "converter.type", .type = SLUICE_CONFIG_STRING, .default_value = NULL,             \
        .importance = SLUICE_IMPORTANCE_LOW,                                                       \
        .doc = "Whether the converter handles record keys, record values or headers; set "         \
               "by the runtime.",                                                                  \
        .validator = SLUICE_ONE_OF("key", "value", "header"),                                      \
    }

/* Writes a message into errstr and returns SLUICE_FATAL. */
sluice_result_t conv_fail(char *errstr, size_t errstr_size, const char *fmt, ...)
    SLUICE_PRINTF(3, 4);

/* Kafka's enum name of a type: "INT8" … "STRUCT" (as in its messages). */
const char *conv_type_upper(sluice_type_t type);

typedef enum conv_logical {
    CONV_LOGICAL_NONE = 0,
    CONV_LOGICAL_DECIMAL,
    CONV_LOGICAL_DATE,
    CONV_LOGICAL_TIME,
    CONV_LOGICAL_TIMESTAMP
} conv_logical_t;

/* The logical type a schema carries: its name must be Kafka's and its type
 * the logical type's underlying one (else it is treated as a plain type). */
conv_logical_t conv_logical_of(const sluice_schema_t *schema);

/* A Decimal schema's scale. Returns 0, or -1 with Kafka's message when the
 * "scale" parameter is missing or not an integer. */
int conv_decimal_scale(const sluice_schema_t *schema, int32_t *scale, char *errstr,
                       size_t errstr_size);

/*
 * Drops redundant sign bytes from a two's-complement big-endian integer,
 * so it reads as Java's BigInteger.toByteArray() would write it. Sets
 * *start and *minimal_len to the minimal part (borrowed from bytes); an
 * empty input means zero and gives a static single zero byte.
 */
void conv_decimal_minimal(const uint8_t *bytes, size_t len, const uint8_t **start,
                          size_t *minimal_len);

/* Milliseconds in a day, for Date and Time values. */
#define CONV_MILLIS_PER_DAY 86400000LL

#endif
