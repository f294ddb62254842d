/*
 * org.apache.kafka.connect.converters.ByteArrayConverter, for keys, values
 * and headers: bytes pass through unchanged. Writing accepts a BYTES value
 * (or null) under a BYTES schema or none; reading gives optional BYTES.
 */
#include "converters.h"

static sluice_result_t bac_write(const sluice_schema_t *schema, const sluice_value_t *value,
                                 sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    if (schema && sluice_schema_type(schema) != SLUICE_TYPE_BYTES)
        return conv_fail(errstr, errstr_size, "Invalid schema type for ByteArrayConverter: %s",
                         conv_type_upper(sluice_schema_type(schema)));
    if (!value) {
        sluice_buf_set_null(out);
        return SLUICE_OK;
    }
    if (sluice_value_type(value) != SLUICE_TYPE_BYTES)
        return conv_fail(errstr, errstr_size,
                         "ByteArrayConverter is not compatible with objects of type %s",
                         conv_type_upper(sluice_value_type(value)));
    size_t len;
    const uint8_t *bytes = sluice_value_get_bytes(value, &len);
    sluice_buf_append(out, bytes, len);
    return SLUICE_OK;
}

static sluice_result_t bac_read(const void *data, size_t len, const sluice_schema_t **schema,
                                sluice_value_t **value)
{
    *schema = sluice_schema_of(SLUICE_TYPE_BYTES, true);
    *value = data ? sluice_value_bytes(data, len) : NULL;
    return SLUICE_OK;
}

/* Stateless: every instance is this placeholder, which destroy ignores. */
static const char bac_instance;

static sluice_result_t bac_create(sluice_ctx_t *ctx, const sluice_config_t *config, bool is_key,
                                  void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)is_key;
    (void)errstr;
    (void)errstr_size;
    *self = (void *)&bac_instance;
    return SLUICE_OK;
}

static sluice_result_t bac_create_header(sluice_ctx_t *ctx, const sluice_config_t *config,
                                         void **self, char *errstr, size_t errstr_size)
{
    return bac_create(ctx, config, false, self, errstr, errstr_size);
}

static void bac_destroy(void *self)
{
    (void)self;
}

static sluice_result_t bac_from_connect(void *self, const char *topic, sluice_headers_t *headers,
                                        const sluice_schema_t *schema, const sluice_value_t *value,
                                        sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)headers;
    return bac_write(schema, value, out, errstr, errstr_size);
}

static sluice_result_t bac_to_connect(void *self, const char *topic,
                                      const sluice_headers_t *headers, const void *data, size_t len,
                                      const sluice_schema_t **schema, sluice_value_t **value,
                                      char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)headers;
    (void)errstr;
    (void)errstr_size;
    return bac_read(data, len, schema, value);
}

static sluice_result_t bac_from_header(void *self, const char *topic, const char *header_key,
                                       const sluice_schema_t *schema, const sluice_value_t *value,
                                       sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)header_key;
    return bac_write(schema, value, out, errstr, errstr_size);
}

static sluice_result_t bac_to_header(void *self, const char *topic, const char *header_key,
                                     const void *data, size_t len, const sluice_schema_t **schema,
                                     sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)self;
    (void)topic;
    (void)header_key;
    (void)errstr;
    (void)errstr_size;
    return bac_read(data, len, schema, value);
}

static const sluice_config_key_t byte_array_converter_config[] = {CONV_TYPE_CONFIG_KEY,
                                                                  SLUICE_CONFIG_END};

static const char *const byte_array_converter_aliases[] = {"ByteArrayConverter", NULL};

static const sluice_converter_ops_t byte_array_converter_ops = {
    .struct_size = sizeof(sluice_converter_ops_t),
    .create = bac_create,
    .from_connect = bac_from_connect,
    .to_connect = bac_to_connect,
    .destroy = bac_destroy,
};

static const sluice_header_converter_ops_t byte_array_header_converter_ops = {
    .struct_size = sizeof(sluice_header_converter_ops_t),
    .create = bac_create_header,
    .from_header = bac_from_header,
    .to_header = bac_to_header,
    .destroy = bac_destroy,
};

const sluice_class_t byte_array_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONVERTER,
    .name = "org.apache.kafka.connect.converters.ByteArrayConverter",
    .aliases = byte_array_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "Bytes as they are: writes BYTES values, reads optional BYTES.",
    .config = byte_array_converter_config,
    .converter = &byte_array_converter_ops,
};

const sluice_class_t byte_array_header_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_HEADER_CONVERTER,
    .name = "org.apache.kafka.connect.converters.ByteArrayConverter",
    .aliases = byte_array_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "Header bytes as they are: writes BYTES values, reads optional BYTES.",
    .config = byte_array_converter_config,
    .header_converter = &byte_array_header_converter_ops,
};
