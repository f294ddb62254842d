/*
 * org.apache.kafka.connect.storage.StringConverter, for keys, values and
 * headers: writes a value's string form in converter.encoding and reads
 * any bytes back as an optional STRING.
 *
 * Kafka writes value.toString(), so non-string values come out as Java
 * prints them; the host's sluice_value_to_text writes that text (numbers
 * as Java prints them, a Decimal as BigDecimal.toString, dates as
 * java.util.Date.toString in UTC, "[a, b]", "{k=v}", "Struct{a=1,b=x}";
 * BYTES as they are, base64 inside a container).
 *
 * Supported encodings: UTF-8, ISO-8859-1 and US-ASCII under their usual
 * Java names and aliases. Characters an encoding cannot hold become '?',
 * bytes that are not valid text become U+FFFD, as Java's coders do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conv_mem.h"
#include "converters.h"
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
        sluice_value_to_text(schema, value, out);
        sluice_buf_append(out, "", 0); /* an empty string is not a null message */
        return SLUICE_OK;
    }
    sluice_buf_t *text = sluice_buf_new();
    sluice_value_to_text(schema, value, text);
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
