/*
 * InsertHeader: adds the header `header` to every record, its value the
 * text value.literal read as Kafka's Values.parseString reads it, with the
 * schema that implies.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>

#include "transforms.h"

/* clang-format off */
static const sluice_config_key_t insert_header_config[] = {
    {.name = "header", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .doc = "The key of the header to add."},
    {.name = "value.literal", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The header's value on every record, as text: true/false become a boolean, "
            "numbers the narrowest integer or floating-point type that holds them, null a null "
            "value, and anything else a string."},
    SLUICE_CONFIG_END};
/* clang-format on */

typedef struct insert_header {
    char *header;
    const sluice_schema_t *schema; /* NULL for a null literal */
    sluice_value_t *value;
} insert_header_t;

/* A number as java.math.BigDecimal writes it: [sign] digits [. digits] [e [sign] digits],
 * with digits on at least one side of the point. On success *digits holds the
 * significand's digits (no point) and *scale BigDecimal's scale. */
static bool literal_parse_decimal(const char *s, size_t len, bool *negative, sluice_buf_t *digits,
                                  int64_t *scale)
{
    size_t i = 0, frac = 0, count = 0;
    *negative = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        *negative = s[i++] == '-';
    for (; i < len && isdigit((unsigned char)s[i]); i++, count++)
        sluice_buf_putc(digits, s[i]);
    if (i < len && s[i] == '.') {
        for (i++; i < len && isdigit((unsigned char)s[i]); i++, count++, frac++)
            sluice_buf_putc(digits, s[i]);
    }
    if (count == 0)
        return false;
    int64_t exponent = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool neg_exp = false;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            neg_exp = s[i++] == '-';
        size_t start = i;
        for (; i < len && isdigit((unsigned char)s[i]); i++) {
            if (exponent > 1000000000)
                return false; /* BigDecimal refuses exponents beyond an int */
            exponent = exponent * 10 + (s[i] - '0');
        }
        if (i == start)
            return false;
        if (neg_exp)
            exponent = -exponent;
    }
    if (i != len)
        return false;
    *scale = (int64_t)frac - exponent;
    return true;
}

/* The integral value of digits × 10^-scale when it has no fraction and fits
 * an int64. */
static bool literal_exact_long(bool negative, const char *digits, size_t n, int64_t scale,
                               int64_t *out)
{
    size_t int_len = n;
    if (scale > 0) {
        if ((uint64_t)scale > n)
            int_len = 0;
        else
            int_len = n - (size_t)scale;
        for (size_t i = int_len; i < n; i++)
            if (digits[i] != '0')
                return false;
    }
    /* the magnitude, as an unsigned number with overflow checks */
    uint64_t mag = 0, limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = 0; i < int_len; i++) {
        unsigned d = (unsigned)(digits[i] - '0');
        if (mag > (limit - d) / 10)
            return false;
        mag = mag * 10 + d;
    }
    if (scale < 0 && mag != 0) {
        for (int64_t z = 0; z < -scale; z++) {
            if (mag > limit / 10)
                return false;
            mag *= 10;
        }
    }
    *out = negative ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

/* Reads text as a number the way Values.parseString does; false when it is none. */
static bool literal_parse_number(const char *text, size_t len, const sluice_schema_t **schema,
                                 sluice_value_t **value)
{
    bool negative;
    int64_t scale;
    sluice_buf_t *digits = sluice_buf_new();
    bool ok = literal_parse_decimal(text, len, &negative, digits, &scale);
    if (!ok)
        goto done;
    int64_t n;
    if (literal_exact_long(negative, sluice_buf_data(digits), sluice_buf_len(digits), scale, &n)) {
        if (n >= INT8_MIN && n <= INT8_MAX) {
            *schema = sluice_schema_of(SLUICE_TYPE_INT8, false);
            *value = sluice_value_int8((int8_t)n);
        } else if (n >= INT16_MIN && n <= INT16_MAX) {
            *schema = sluice_schema_of(SLUICE_TYPE_INT16, false);
            *value = sluice_value_int16((int16_t)n);
        } else if (n >= INT32_MIN && n <= INT32_MAX) {
            *schema = sluice_schema_of(SLUICE_TYPE_INT32, false);
            *value = sluice_value_int32((int32_t)n);
        } else {
            *schema = sluice_schema_of(SLUICE_TYPE_INT64, false);
            *value = sluice_value_int64(n);
        }
        goto done;
    }
    char *copy = tf_strndup(text, len);
    if (scale != 0) {
        errno = 0;
        float f = strtof(copy, NULL);
        if (!isinf(f)) {
            *schema = sluice_schema_of(SLUICE_TYPE_FLOAT32, false);
            *value = sluice_value_float32(f);
            free(copy);
            goto done;
        }
        double d = strtod(copy, NULL);
        if (!isinf(d)) {
            *schema = sluice_schema_of(SLUICE_TYPE_FLOAT64, false);
            *value = sluice_value_float64(d);
            free(copy);
            goto done;
        }
    }
    /* an integer beyond int64, or beyond double: a Decimal keeps it exactly */
    int32_t dscale = scale < 0 ? 0 : (scale > INT32_MAX ? INT32_MAX : (int32_t)scale);
    sluice_buf_t *unscaled = sluice_buf_new();
    char why[128];
    if (sluice_decimal_from_string(copy, dscale, unscaled, why, sizeof why) == 0) {
        *schema = sluice_schema_decimal(dscale);
        *value = sluice_value_bytes(sluice_buf_data(unscaled), sluice_buf_len(unscaled));
    } else {
        ok = false;
    }
    sluice_buf_destroy(unscaled);
    free(copy);
done:
    sluice_buf_destroy(digits);
    return ok;
}

/*
 * The literal's schema (a new reference, or NULL) and value. A subset of
 * Values.parseString: ISO dates and times, [..] arrays and {..} maps stay
 * strings here (see the README).
 */
static void literal_parse(const char *text, const sluice_schema_t **schema, sluice_value_t **value)
{
    size_t len = strlen(text);
    size_t b = 0, e = len;
    while (b < e && (unsigned char)text[b] <= ' ')
        b++;
    while (e > b && (unsigned char)text[e - 1] <= ' ')
        e--;
    const char *t = text + b;
    size_t n = e - b;
    *schema = NULL;
    *value = NULL;
    if (n == 4 && memcmp(t, "null", 4) == 0)
        return;
    if (n == 4 && memcmp(t, "true", 4) == 0) {
        *schema = sluice_schema_of(SLUICE_TYPE_BOOLEAN, false);
        *value = sluice_value_boolean(true);
        return;
    }
    if (n == 5 && memcmp(t, "false", 5) == 0) {
        *schema = sluice_schema_of(SLUICE_TYPE_BOOLEAN, false);
        *value = sluice_value_boolean(false);
        return;
    }
    if (n && (isdigit((unsigned char)t[0]) || t[0] == '+' || t[0] == '-') &&
        literal_parse_number(t, n, schema, value))
        return;
    *schema = sluice_schema_of(SLUICE_TYPE_STRING, false);
    *value = sluice_value_cstring(text);
}

static void insert_header_destroy(void *self)
{
    insert_header_t *ih = self;
    if (!ih)
        return;
    free(ih->header);
    sluice_schema_unref(ih->schema);
    sluice_value_destroy(ih->value);
    free(ih);
}

static sluice_result_t insert_header_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                            void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    const char *header = sluice_config_get_string(config, "header");
    const char *literal = sluice_config_get_string(config, "value.literal");
    if (!header || !literal)
        return tf_fail(errstr, errstr_size,
                       "InsertHeader needs both header and value.literal (neither may be null)");
    insert_header_t *ih = tf_calloc(1, sizeof(*ih));
    ih->header = tf_strdup(header);
    literal_parse(literal, &ih->schema, &ih->value);
    *self = ih;
    return SLUICE_OK;
}

static sluice_result_t insert_header_apply(void *self, sluice_record_t *record, char *errstr,
                                           size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    insert_header_t *ih = self;
    sluice_headers_add(sluice_record_headers(record), ih->header, ih->schema,
                       sluice_value_copy(ih->value));
    return SLUICE_OK;
}

static const sluice_transform_ops_t insert_header_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = insert_header_create,
    .apply = insert_header_apply,
    .destroy = insert_header_destroy,
};

const sluice_class_t tf_insert_header_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = TF_PACKAGE "InsertHeader",
    .version = TF_VERSION,
    .doc = "Adds a header with a fixed value to every record.",
    .config = insert_header_config,
    .transform = &insert_header_ops,
};
