/*
 * org.apache.kafka.connect.storage.StringConverter, for keys, values and
 * headers: writes a value's string form in converter.encoding and reads
 * any bytes back as an optional STRING.
 *
 * Kafka writes value.toString(), so non-string values come out as Java
 * prints them: numbers as Integer/Double.toString, a Decimal as
 * BigDecimal.toString, Date/Time/Timestamp as java.util.Date.toString in UTC
 * ("Wed Sep 04 16:43:24 UTC 2019"), arrays "[a, b]", maps "{k=v, k2=v2}",
 * structs "Struct{name=v,other=w}" (null fields left out). BYTES are
 * written as they are (Java would print an object id); inside a container
 * they appear as base64.
 *
 * Supported encodings: UTF-8, ISO-8859-1 and US-ASCII under their usual
 * Java names and aliases. Characters an encoding cannot hold become '?',
 * bytes that are not valid text become U+FFFD, as Java's coders do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "caltime.h"
#include "conv_mem.h"
#include "converters.h"
#include "numfmt.h"
#include "utf8.h"

typedef enum sc_encoding { SC_UTF8, SC_LATIN1, SC_ASCII } sc_encoding_t;

typedef struct string_conv {
    sc_encoding_t encoding;
} string_conv_t;

static bool sc_encoding_parse(const char *name, sc_encoding_t *encoding)
{
    static const char *const utf8[] = {"UTF-8", "UTF8", "unicode-1-1-utf-8", NULL};
    static const char *const latin1[] = {
        "ISO-8859-1", "ISO8859-1",  "ISO8859_1",   "ISO_8859_1", "ISO_8859-1", "ISO_8859-1:1987",
        "latin1",     "l1",         "8859_1",      "cp819",      "IBM819",     "IBM-819",
        "819",        "iso-ir-100", "csISOLatin1", NULL};
    static const char *const ascii[] = {"US-ASCII",
                                        "ASCII",
                                        "us",
                                        "ISO646-US",
                                        "ASCII7",
                                        "646",
                                        "cp367",
                                        "IBM367",
                                        "csASCII",
                                        "default",
                                        "iso-ir-6",
                                        "ANSI_X3.4-1968",
                                        "ANSI_X3.4-1986",
                                        "ISO_646.irv:1983",
                                        "ISO_646.irv:1991",
                                        NULL};
    static const struct {
        const char *const *names;
        sc_encoding_t encoding;
    } table[] = {{utf8, SC_UTF8}, {latin1, SC_LATIN1}, {ascii, SC_ASCII}};
    if (!name)
        return false;
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        for (const char *const *n = table[t].names; *n; n++) {
            if (strcasecmp(name, *n) == 0) {
                *encoding = table[t].encoding;
                return true;
            }
        }
    }
    return false;
}

static int sc_check_encoding(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    sc_encoding_t encoding;
    (void)name;
    if (sc_encoding_parse(value, &encoding))
        return 0;
    snprintf(errstr, errstr_size,
             "Unsupported character set; this converter supports UTF-8, ISO-8859-1 and US-ASCII");
    return -1;
}

/* ---- the string form ------------------------------------------------------- */

static void sc_append_date(int64_t ms, sluice_buf_t *out)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    caltime_t t;
    caltime_split(ms, &t);
    sluice_buf_printf(out, "%s %s %02d %02d:%02d:%02d UTC %lld", days[t.weekday],
                      months[t.month - 1], t.day, t.hour, t.minute, t.second, (long long)t.year);
}

/* Appends the value as Java's toString would (see the top of the file). */
static void sc_append_text(const sluice_schema_t *schema, const sluice_value_t *value, bool top,
                           sluice_buf_t *out)
{
    if (!value) {
        sluice_buf_puts(out, "null");
        return;
    }
    char text[NUMFMT_MAX];
    /* A logical type only when the value is of its schema's type: callers
     * may pass values that do not match their schema. */
    bool matches = schema && sluice_value_type(value) == sluice_schema_type(schema);
    switch (matches ? conv_logical_of(schema) : CONV_LOGICAL_NONE) {
    case CONV_LOGICAL_DECIMAL: {
        int32_t scale;
        char why[128];
        if (conv_decimal_scale(schema, &scale, why, sizeof why) == 0) {
            size_t len;
            const uint8_t *bytes = sluice_value_get_bytes(value, &len);
            const uint8_t *minimal;
            size_t minimal_len;
            conv_decimal_minimal(bytes, len, &minimal, &minimal_len);
            sluice_buf_t *digits = sluice_buf_new();
            sluice_decimal_to_string(minimal, minimal_len, 0, digits);
            numfmt_decimal(sluice_buf_data(digits), scale, out);
            sluice_buf_destroy(digits);
            return;
        }
        break;
    }
    case CONV_LOGICAL_DATE:
        sc_append_date((int64_t)sluice_value_get_int32(value) * CONV_MILLIS_PER_DAY, out);
        return;
    case CONV_LOGICAL_TIME: sc_append_date(sluice_value_get_int32(value), out); return;
    case CONV_LOGICAL_TIMESTAMP: sc_append_date(sluice_value_get_int64(value), out); return;
    case CONV_LOGICAL_NONE: break;
    }
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_INT8: sluice_buf_printf(out, "%d", sluice_value_get_int8(value)); break;
    case SLUICE_TYPE_INT16: sluice_buf_printf(out, "%d", sluice_value_get_int16(value)); break;
    case SLUICE_TYPE_INT32: sluice_buf_printf(out, "%d", (int)sluice_value_get_int32(value)); break;
    case SLUICE_TYPE_INT64:
        sluice_buf_printf(out, "%lld", (long long)sluice_value_get_int64(value));
        break;
    case SLUICE_TYPE_FLOAT32:
        sluice_buf_append(out, text, numfmt_float(sluice_value_get_float32(value), text));
        break;
    case SLUICE_TYPE_FLOAT64:
        sluice_buf_append(out, text, numfmt_double(sluice_value_get_float64(value), text));
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
        size_t len;
        const uint8_t *b = sluice_value_get_bytes(value, &len);
        if (top)
            sluice_buf_append(out, b, len);
        else
            base64_encode(b, len, out);
        break;
    }
    case SLUICE_TYPE_ARRAY: {
        const sluice_schema_t *items = schema ? sluice_schema_value_schema(schema) : NULL;
        sluice_buf_putc(out, '[');
        for (size_t i = 0; i < sluice_value_array_count(value); i++) {
            if (i)
                sluice_buf_puts(out, ", ");
            sc_append_text(items, sluice_value_array_get(value, i), false, out);
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
            sc_append_text(keys, sluice_value_map_key_at(value, i), false, out);
            sluice_buf_putc(out, '=');
            sc_append_text(values, sluice_value_map_value_at(value, i), false, out);
        }
        sluice_buf_putc(out, '}');
        break;
    }
    case SLUICE_TYPE_STRUCT: {
        const sluice_schema_t *own = sluice_value_struct_schema(value);
        bool first = true;
        sluice_buf_puts(out, "Struct{");
        for (size_t i = 0; i < sluice_schema_field_count(own); i++) {
            const sluice_value_t *fv = sluice_value_struct_get_at(value, i);
            if (!fv)
                continue;
            if (!first)
                sluice_buf_putc(out, ',');
            first = false;
            sluice_buf_puts(out, sluice_schema_field_name(own, i));
            sluice_buf_putc(out, '=');
            sc_append_text(sluice_schema_field_schema(own, i), fv, false, out);
        }
        sluice_buf_putc(out, '}');
        break;
    }
    }
}

/* ---- encoding -------------------------------------------------------------- */

/* Re-encodes UTF-8 text as ISO-8859-1 or US-ASCII ('?' for what does not fit). */
static void sc_encode_narrow(const char *text, size_t len, uint32_t max, sluice_buf_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            n = utf8_malformed_length(s + i, len - i);
            cp = '?';
        }
        sluice_buf_putc(out, cp <= max ? (char)cp : '?');
        i += n;
    }
}

static void sc_decode(sc_encoding_t encoding, const unsigned char *data, size_t len,
                      sluice_buf_t *out)
{
    switch (encoding) {
    case SC_UTF8: utf8_append_sanitized(out, (const char *)data, len); break;
    case SC_LATIN1:
        for (size_t i = 0; i < len; i++)
            utf8_put(out, data[i]);
        break;
    case SC_ASCII:
        for (size_t i = 0; i < len; i++)
            utf8_put(out, data[i] < 0x80 ? data[i] : 0xFFFD);
        break;
    }
}

/* ---- the converter --------------------------------------------------------- */

static sluice_result_t sc_new(const sluice_config_t *config, void **self, char *errstr,
                              size_t errstr_size)
{
    const char *name = sluice_config_get_string(config, "converter.encoding");
    sc_encoding_t encoding = SC_UTF8;
    if (name && !sc_encoding_parse(name, &encoding))
        return conv_fail(errstr, errstr_size,
                         "Unsupported converter.encoding %s: this converter supports UTF-8, "
                         "ISO-8859-1 and US-ASCII",
                         name);
    string_conv_t *sc = conv_calloc(1, sizeof(*sc));
    sc->encoding = encoding;
    *self = sc;
    return SLUICE_OK;
}

static sluice_result_t sc_create(sluice_ctx_t *ctx, const sluice_config_t *config, bool is_key,
                                 void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)is_key;
    return sc_new(config, self, errstr, errstr_size);
}

static sluice_result_t sc_create_header(sluice_ctx_t *ctx, const sluice_config_t *config,
                                        void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    return sc_new(config, self, errstr, errstr_size);
}

static void sc_destroy(void *self)
{
    free(self);
}

static sluice_result_t sc_write(string_conv_t *sc, const sluice_schema_t *schema,
                                const sluice_value_t *value, sluice_buf_t *out)
{
    if (!value) {
        sluice_buf_set_null(out);
        return SLUICE_OK;
    }
    if (sc->encoding == SC_UTF8) {
        sc_append_text(schema, value, true, out);
        sluice_buf_append(out, "", 0); /* an empty string is not a null message */
        return SLUICE_OK;
    }
    sluice_buf_t *text = sluice_buf_new();
    sc_append_text(schema, value, true, text);
    sc_encode_narrow(sluice_buf_data(text), sluice_buf_len(text),
                     sc->encoding == SC_LATIN1 ? 0xFF : 0x7F, out);
    sluice_buf_append(out, "", 0);
    sluice_buf_destroy(text);
    return SLUICE_OK;
}

static sluice_result_t sc_read(string_conv_t *sc, const void *data, size_t len,
                               const sluice_schema_t **schema, sluice_value_t **value)
{
    *schema = sluice_schema_of(SLUICE_TYPE_STRING, true);
    *value = NULL;
    if (!data)
        return SLUICE_OK;
    sluice_buf_t *text = sluice_buf_new();
    sc_decode(sc->encoding, data, len, text);
    *value = sluice_value_string(sluice_buf_data(text), sluice_buf_len(text));
    sluice_buf_destroy(text);
    return SLUICE_OK;
}

static sluice_result_t sc_from_connect(void *self, const char *topic, sluice_headers_t *headers,
                                       const sluice_schema_t *schema, const sluice_value_t *value,
                                       sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    (void)errstr;
    (void)errstr_size;
    return sc_write(self, schema, value, out);
}

static sluice_result_t sc_to_connect(void *self, const char *topic, const sluice_headers_t *headers,
                                     const void *data, size_t len, const sluice_schema_t **schema,
                                     sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    (void)errstr;
    (void)errstr_size;
    return sc_read(self, data, len, schema, value);
}

static sluice_result_t sc_from_header(void *self, const char *topic, const char *header_key,
                                      const sluice_schema_t *schema, const sluice_value_t *value,
                                      sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)header_key;
    (void)errstr;
    (void)errstr_size;
    return sc_write(self, schema, value, out);
}

static sluice_result_t sc_to_header(void *self, const char *topic, const char *header_key,
                                    const void *data, size_t len, const sluice_schema_t **schema,
                                    sluice_value_t **value, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)header_key;
    (void)errstr;
    (void)errstr_size;
    return sc_read(self, data, len, schema, value);
}

static const sluice_config_key_t string_converter_config[] = {
    CONV_TYPE_CONFIG_KEY,
    {.name = "converter.encoding",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "UTF-8",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The character set strings are written in and read from: UTF-8, ISO-8859-1 or "
            "US-ASCII (Java's names and aliases are accepted).",
     .order_in_group = -1,
     .display_name = "Encoding",
     .validator = SLUICE_CHECK(sc_check_encoding)},
    SLUICE_CONFIG_END};

static const char *const string_converter_aliases[] = {"StringConverter", NULL};

static const sluice_converter_ops_t string_converter_ops = {
    .struct_size = sizeof(sluice_converter_ops_t),
    .create = sc_create,
    .from_connect = sc_from_connect,
    .to_connect = sc_to_connect,
    .destroy = sc_destroy,
};

static const sluice_header_converter_ops_t string_header_converter_ops = {
    .struct_size = sizeof(sluice_header_converter_ops_t),
    .create = sc_create_header,
    .from_header = sc_from_header,
    .to_header = sc_to_header,
    .destroy = sc_destroy,
};

const sluice_class_t string_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONVERTER,
    .name = "org.apache.kafka.connect.storage.StringConverter",
    .aliases = string_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "A value's string form as text; reads any bytes as an optional string.",
    .config = string_converter_config,
    .converter = &string_converter_ops,
};

const sluice_class_t string_header_converter_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_HEADER_CONVERTER,
    .name = "org.apache.kafka.connect.storage.StringConverter",
    .aliases = string_converter_aliases,
    .version = CONVERTERS_VERSION,
    .doc = "A header value's string form as text; reads any bytes as an optional string.",
    .config = string_converter_config,
    .header_converter = &string_header_converter_ops,
};
