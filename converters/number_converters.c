/*
 * Kafka's fixed-width converters in org.apache.kafka.connect.converters:
 * ShortConverter, IntegerConverter, LongConverter, FloatConverter,
 * DoubleConverter (NumberConverter) and BooleanConverter. Each writes its
 * Kafka serializer's bytes (big-endian two's complement, IEEE 754 bits, one
 * byte 0/1 for booleans) and reads them back with the optional schema of its
 * type. They serve keys, values and headers alike.
 *
 * As in Kafka, the number converters look only at the value: it must be of
 * the converter's own type. BooleanConverter also refuses a schema of any
 * other type.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "converters.h"

typedef struct number_kind {
    const char *type_name;    /* in messages: "integer" */
    const char *deserializer; /* Kafka's class in its size message */
    sluice_type_t type;
    size_t width;
} number_kind_t;

static const number_kind_t number_short = {"short", "ShortDeserializer", SLUICE_TYPE_INT16, 2};
static const number_kind_t number_integer = {"integer", "IntegerDeserializer", SLUICE_TYPE_INT32,
                                             4};
static const number_kind_t number_long = {"long", "LongDeserializer", SLUICE_TYPE_INT64, 8};
/* Kafka's FloatDeserializer and DoubleDeserializer say just "Deserializer". */
static const number_kind_t number_float = {"float", "Deserializer", SLUICE_TYPE_FLOAT32, 4};
static const number_kind_t number_double = {"double", "Deserializer", SLUICE_TYPE_FLOAT64, 8};
static const number_kind_t number_boolean = {"boolean", "BooleanDeserializer", SLUICE_TYPE_BOOLEAN,
                                             1};

static void number_put_be(uint64_t bits, size_t width, sluice_buf_t *out)
{
    uint8_t b[8];
    for (size_t i = 0; i < width; i++)
        b[i] = (uint8_t)(bits >> (8 * (width - 1 - i)));
    sluice_buf_append(out, b, width);
}

static uint64_t number_get_be(const uint8_t *data, size_t width)
{
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++)
        v = v << 8 | data[i];
    return v;
}

static sluice_result_t number_write(const number_kind_t *kind, const sluice_schema_t *schema,
                                    const sluice_value_t *value, sluice_buf_t *out, char *errstr,
                                    size_t errstr_size)
{
    if (kind->type == SLUICE_TYPE_BOOLEAN && schema &&
        sluice_schema_type(schema) != SLUICE_TYPE_BOOLEAN)
        return conv_fail(errstr, errstr_size, "Invalid schema type for BooleanConverter: %s",
                         conv_type_upper(sluice_schema_type(schema)));
    if (!value) {
        sluice_buf_set_null(out);
        return SLUICE_OK;
    }
    sluice_type_t type = sluice_value_type(value);
    if (type != kind->type) {
        if (kind->type == SLUICE_TYPE_BOOLEAN)
            return conv_fail(errstr, errstr_size,
                             "BooleanConverter is not compatible with objects of type %s",
                             conv_type_upper(type));
        return conv_fail(errstr, errstr_size, "Failed to serialize to %s (was %s)", kind->type_name,
                         conv_type_upper(type));
    }
    uint64_t bits = 0;
    switch (type) {
    case SLUICE_TYPE_INT16: bits = (uint16_t)sluice_value_get_int16(value); break;
    case SLUICE_TYPE_INT32: bits = (uint32_t)sluice_value_get_int32(value); break;
    case SLUICE_TYPE_INT64: bits = (uint64_t)sluice_value_get_int64(value); break;
    case SLUICE_TYPE_FLOAT32: {
        float f = sluice_value_get_float32(value);
        uint32_t b32;
        memcpy(&b32, &f, sizeof b32); /* Float.floatToRawIntBits */
        bits = b32;
        break;
    }
    case SLUICE_TYPE_FLOAT64: {
        double d = sluice_value_get_float64(value);
        /* Double.doubleToLongBits folds every NaN into one. */
        if (isnan(d))
            bits = 0x7ff8000000000000ULL;
        else
            memcpy(&bits, &d, sizeof bits);
        break;
    }
    case SLUICE_TYPE_BOOLEAN: bits = sluice_value_get_boolean(value) ? 1 : 0; break;
    default: break;
    }
    number_put_be(bits, kind->width, out);
    return SLUICE_OK;
}

static sluice_result_t number_read(const number_kind_t *kind, const void *data, size_t len,
                                   const sluice_schema_t **schema, sluice_value_t **value,
                                   char *errstr, size_t errstr_size)
{
    *schema = NULL;
    *value = NULL;
    if (data && len != kind->width)
        return conv_fail(errstr, errstr_size,
                         "Failed to deserialize %s: Size of data received by %s is not %zu "
                         "(got %zu bytes)",
                         kind->type_name, kind->deserializer, kind->width, len);
    if (data) {
        uint64_t bits = number_get_be(data, kind->width);
        switch (kind->type) {
        case SLUICE_TYPE_INT16: *value = sluice_value_int16((int16_t)(uint16_t)bits); break;
        case SLUICE_TYPE_INT32: *value = sluice_value_int32((int32_t)(uint32_t)bits); break;
        case SLUICE_TYPE_INT64: *value = sluice_value_int64((int64_t)bits); break;
        case SLUICE_TYPE_FLOAT32: {
            uint32_t b32 = (uint32_t)bits;
            float f;
            memcpy(&f, &b32, sizeof f);
            *value = sluice_value_float32(f);
            break;
        }
        case SLUICE_TYPE_FLOAT64: {
            double d;
            memcpy(&d, &bits, sizeof d);
            *value = sluice_value_float64(d);
            break;
        }
        case SLUICE_TYPE_BOOLEAN:
            if (bits > 1)
                return conv_fail(errstr, errstr_size,
                                 "Failed to deserialize boolean: Unexpected byte received by "
                                 "BooleanDeserializer: %d",
                                 (int)(int8_t)bits);
            *value = sluice_value_boolean(bits == 1);
            break;
        default: break;
        }
    }
    *schema = sluice_schema_of(kind->type, true);
    return SLUICE_OK;
}

static sluice_result_t number_from_connect(void *self, const char *topic, sluice_headers_t *headers,
                                           const sluice_schema_t *schema,
                                           const sluice_value_t *value, sluice_buf_t *out,
                                           char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    return number_write(self, schema, value, out, errstr, errstr_size);
}

static sluice_result_t number_to_connect(void *self, const char *topic,
                                         const sluice_headers_t *headers, const void *data,
                                         size_t len, const sluice_schema_t **schema,
                                         sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    return number_read(self, data, len, schema, value, errstr, errstr_size);
}

static sluice_result_t number_from_header(void *self, const char *topic, const char *header_key,
                                          const sluice_schema_t *schema,
                                          const sluice_value_t *value, sluice_buf_t *out,
                                          char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)header_key;
    return number_write(self, schema, value, out, errstr, errstr_size);
}

static sluice_result_t number_to_header(void *self, const char *topic, const char *header_key,
                                        const void *data, size_t len,
                                        const sluice_schema_t **schema, sluice_value_t **value,
                                        char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)header_key;
    return number_read(self, data, len, schema, value, errstr, errstr_size);
}

/* Instances have no state beyond their kind; destroy has nothing to free. */
static void number_destroy(void *self)
{
    (void)self;
}

static const sluice_config_key_t number_converter_config[] = {CONV_TYPE_CONFIG_KEY,
                                                              SLUICE_CONFIG_END};

/* Each class's ops carry its kind through create: one create per kind. */
#define NUMBER_CLASSES(prefix, kind_var, fqcn, alias, what)                                        \
    static sluice_result_t prefix##_create(sluice_ctx_t *ctx, const sluice_config_t *config,       \
                                           bool is_key, void **self, char *errstr,                 \
                                           size_t errstr_size)                                     \
    {                                                                                              \
        (void)ctx;                                                                                 \
        (void)config;                                                                              \
        (void)is_key;                                                                              \
        (void)errstr;                                                                              \
        (void)errstr_size;                                                                         \
        *self = (void *)&kind_var;                                                                 \
        return SLUICE_OK;                                                                          \
    }                                                                                              \
    static sluice_result_t prefix##_create_header(sluice_ctx_t *ctx,                               \
                                                  const sluice_config_t *config, void **self,      \
                                                  char *errstr, size_t errstr_size)                \
    {                                                                                              \
        return prefix##_create(ctx, config, false, self, errstr, errstr_size);                     \
    }                                                                                              \
    static const char *const prefix##_aliases[] = {alias, NULL};                                   \
    static const sluice_converter_ops_t prefix##_ops = {                                           \
        .struct_size = sizeof(sluice_converter_ops_t),                                             \
        .create = prefix##_create,                                                                 \
        .from_connect = number_from_connect,                                                       \
        .to_connect = number_to_connect,                                                           \
        .destroy = number_destroy,                                                                 \
    };                                                                                             \
    static const sluice_header_converter_ops_t prefix##_header_ops = {                             \
        .struct_size = sizeof(sluice_header_converter_ops_t),                                      \
        .create = prefix##_create_header,                                                          \
        .from_header = number_from_header,                                                         \
        .to_header = number_to_header,                                                             \
        .destroy = number_destroy,                                                                 \
    };                                                                                             \
    const sluice_class_t prefix##_converter_class = {                                              \
        .struct_size = sizeof(sluice_class_t),                                                     \
        .kind = SLUICE_CLASS_CONVERTER,                                                            \
        .name = fqcn,                                                                              \
        .aliases = prefix##_aliases,                                                               \
        .version = CONVERTERS_VERSION,                                                             \
        .doc = what,                                                                               \
        .config = number_converter_config,                                                         \
        .converter = &prefix##_ops,                                                                \
    };                                                                                             \
    const sluice_class_t prefix##_header_converter_class = {                                       \
        .struct_size = sizeof(sluice_class_t),                                                     \
        .kind = SLUICE_CLASS_HEADER_CONVERTER,                                                     \
        .name = fqcn,                                                                              \
        .aliases = prefix##_aliases,                                                               \
        .version = CONVERTERS_VERSION,                                                             \
        .doc = what,                                                                               \
        .config = number_converter_config,                                                         \
        .header_converter = &prefix##_header_ops,                                                  \
    };

NUMBER_CLASSES(short, number_short, "org.apache.kafka.connect.converters.ShortConverter",
               "ShortConverter",
               "A 16-bit integer as 2 big-endian bytes (Kafka's ShortSerializer).")
NUMBER_CLASSES(integer, number_integer, "org.apache.kafka.connect.converters.IntegerConverter",
               "IntegerConverter",
               "A 32-bit integer as 4 big-endian bytes (Kafka's IntegerSerializer).")
NUMBER_CLASSES(long, number_long, "org.apache.kafka.connect.converters.LongConverter",
               "LongConverter", "A 64-bit integer as 8 big-endian bytes (Kafka's LongSerializer).")
NUMBER_CLASSES(float, number_float, "org.apache.kafka.connect.converters.FloatConverter",
               "FloatConverter",
               "A 32-bit float as its 4 IEEE 754 bytes (Kafka's FloatSerializer).")
NUMBER_CLASSES(double, number_double, "org.apache.kafka.connect.converters.DoubleConverter",
               "DoubleConverter",
               "A 64-bit float as its 8 IEEE 754 bytes (Kafka's DoubleSerializer).")
NUMBER_CLASSES(boolean, number_boolean, "org.apache.kafka.connect.converters.BooleanConverter",
               "BooleanConverter", "A boolean as one byte, 1 or 0 (Kafka's BooleanSerializer).")
