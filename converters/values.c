/*
 * Kafka's Values.convertToString and Values.parseString.
 *
 * The parser follows Kafka's: a tokenizer that splits on the unescaped
 * delimiters : , { } [ ] and ", and a recursive reader that tries, in
 * order, a quoted string (inside arrays and maps), the literals null, true
 * and false, an array, a map, a date/time/timestamp, a number, and at the
 * top level falls back to the whole text as a STRING. An array or map that
 * does not parse makes the whole text a STRING.
 *
 * Where this departs from Kafka, on purpose:
 * - Text with more after a leading number or time ("1,000", "42 apples")
 *   is a STRING; Kafka returns the leading number and drops the rest.
 * - A quoted string has its \" and \\ escapes undone, so that what
 *   convertToString writes reads back as the same string (Kafka keeps the
 *   backslashes).
 * - Arrays and maps with null elements get an optional element schema
 *   (Kafka turns the whole text into a STRING). Integers and a Decimal of
 *   scale 0 merge into that Decimal, and dates, times and timestamps into a
 *   Timestamp (Kafka merges neither). Other elements whose schemas do not
 *   merge (a number and a string, an array and a map) give a schemaless
 *   array or map (NULL schema; as in Kafka, only elements that share a
 *   schema are widened to it), where Kafka builds an array schema without
 *   an element schema.
 * - Unless one of those elements is, or holds, a Decimal, Date, Time or
 *   Timestamp: a value carries no logical type, only its container's schema
 *   does, so without one it would be written back as bytes or a number. Such
 *   an array or map does not parse, and the text is a STRING (Kafka keeps
 *   BigDecimal and java.util.Date objects, which write their text forms).
 * - A map's value schema is merged over the values kept, the last of a key
 *   given twice (Kafka's over every value read), so it reads back the same.
 * - Dates and times are read strictly as yyyy-MM-dd, HH:mm:ss.SSS'Z' and
 *   yyyy-MM-dd'T'HH:mm:ss.SSS'Z' with fields in range, in UTC; Kafka uses
 *   a lenient SimpleDateFormat in the JVM's time zone. Text forms use the
 *   proleptic Gregorian calendar (Java switches to Julian before 1582).
 * - Arrays and maps nest at most VALUES_MAX_DEPTH deep; deeper text is a
 *   STRING.
 */
#include "values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "conv_mem.h"
#include "converters.h"

#define VALUES_MAX_DEPTH 64

/* ---- convertToString ------------------------------------------------------ */

static void values_append_date(int64_t ms, sluice_buf_t *out)
{
    caltime_t t;
    caltime_split(ms, &t);
    /* Kafka picks the pattern from the instant, not the schema. */
    if (ms < CONV_MILLIS_PER_DAY)
        sluice_buf_printf(out, "%02d:%02d:%02d.%03dZ", t.hour, t.minute, t.second, t.millis);
    else if (ms % CONV_MILLIS_PER_DAY == 0)
        sluice_buf_printf(out, "%04lld-%02d-%02d", (long long)t.year, t.month, t.day);
    else
        sluice_buf_printf(out, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)t.year, t.month,
                          t.day, t.hour, t.minute, t.second, t.millis);
}

static void values_append_escaped(const char *s, size_t len, sluice_buf_t *out)
{
    sluice_buf_putc(out, '"');
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' || s[i] == '"') {
            sluice_buf_append(out, s + start, i - start);
            sluice_buf_putc(out, '\\');
            start = i;
        }
    }
    sluice_buf_append(out, s + start, len - start);
    sluice_buf_putc(out, '"');
}

static void values_append(const sluice_schema_t *schema, const sluice_value_t *value, bool embedded,
                          sluice_buf_t *out)
{
    if (!value) {
        sluice_buf_puts(out, "null");
        return;
    }
    /* A logical type only when the value is of its schema's type: callers
     * may pass values that do not match their schema. */
    bool matches = schema && sluice_value_type(value) == sluice_schema_type(schema);
    switch (matches ? conv_logical_of(schema) : CONV_LOGICAL_NONE) {
    case CONV_LOGICAL_DECIMAL: {
        int32_t scale;
        char why[128];
        if (conv_decimal_scale(schema, &scale, why, sizeof why) == 0) {
            sluice_value_to_text(schema, value, out); /* BigDecimal.toString */
            return;
        }
        break; /* no usable scale: write the bytes */
    }
    case CONV_LOGICAL_DATE:
        values_append_date((int64_t)sluice_value_get_int32(value) * CONV_MILLIS_PER_DAY, out);
        return;
    case CONV_LOGICAL_TIME: values_append_date(sluice_value_get_int32(value), out); return;
    case CONV_LOGICAL_TIMESTAMP: values_append_date(sluice_value_get_int64(value), out); return;
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
        if (embedded)
            values_append_escaped(s, len, out);
        else
            sluice_buf_append(out, s, len);
        break;
    }
    case SLUICE_TYPE_BYTES: {
        size_t len;
        const uint8_t *b = sluice_value_get_bytes(value, &len);
        if (embedded)
            sluice_buf_putc(out, '"');
        sluice_base64_encode(b, len, out);
        if (embedded)
            sluice_buf_putc(out, '"');
        break;
    }
    case SLUICE_TYPE_ARRAY: {
        const sluice_schema_t *items = schema ? sluice_schema_value_schema(schema) : NULL;
        sluice_buf_putc(out, '[');
        for (size_t i = 0; i < sluice_value_array_count(value); i++) {
            if (i)
                sluice_buf_putc(out, ',');
            values_append(items, sluice_value_array_get(value, i), true, out);
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
                sluice_buf_putc(out, ',');
            values_append(keys, sluice_value_map_key_at(value, i), true, out);
            sluice_buf_putc(out, ':');
            values_append(values, sluice_value_map_value_at(value, i), true, out);
        }
        sluice_buf_putc(out, '}');
        break;
    }
    case SLUICE_TYPE_STRUCT: {
        const sluice_schema_t *own = sluice_value_struct_schema(value);
        sluice_buf_putc(out, '{');
        for (size_t i = 0; i < sluice_schema_field_count(own); i++) {
            const char *name = sluice_schema_field_name(own, i);
            const sluice_schema_t *fs = sluice_schema_field_schema(own, i);
            const sluice_value_t *fv = sluice_value_struct_get_at(value, i);
            if (!fv)
                fv = sluice_schema_default(fs); /* Struct.get gives the default */
            if (i)
                sluice_buf_putc(out, ',');
            values_append_escaped(name, strlen(name), out);
            sluice_buf_putc(out, ':');
            values_append(fs, fv, true, out);
        }
        sluice_buf_putc(out, '}');
        break;
    }
    }
}

void values_to_string(const sluice_schema_t *schema, const sluice_value_t *value, sluice_buf_t *out)
{
    values_append(schema, value, false, out);
}

/* ---- the tokenizer ---------------------------------------------------------- */

/* A token: a slice of the original text. */
typedef struct vp_token {
    size_t start;
    size_t len;
} vp_token_t;

typedef struct vp {
    const char *s;
    size_t len;
    size_t pos;
    bool has_next; /* a token read ahead by is_next */
    vp_token_t next;
    bool has_previous;
    vp_token_t previous;
    int depth;
} vp_t;

static bool vp_is_delimiter(char c)
{
    return c == ':' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']' || c == '"';
}

/* Java's String.trim: drops characters up to ' ' at both ends. */
static vp_token_t vp_trim(const vp_t *p, vp_token_t t)
{
    while (t.len && (unsigned char)p->s[t.start] <= ' ') {
        t.start++;
        t.len--;
    }
    while (t.len && (unsigned char)p->s[t.start + t.len - 1] <= ' ')
        t.len--;
    return t;
}

static bool vp_is_blank(const vp_t *p, vp_token_t t)
{
    return vp_trim(p, t).len == 0;
}

static bool vp_token_is(const vp_t *p, vp_token_t t, const char *text)
{
    size_t n = strlen(text);
    return t.len == n && memcmp(p->s + t.start, text, n) == 0;
}

static vp_token_t vp_consume_token(vp_t *p)
{
    bool escaped = false;
    size_t start = p->pos;
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\\') {
            escaped = !escaped;
        } else if (vp_is_delimiter(c) && !escaped) {
            if (start < p->pos)
                return (vp_token_t){start, p->pos - start};
            p->pos++;
            return (vp_token_t){start, 1};
        } else {
            escaped = false;
        }
        p->pos++;
    }
    return (vp_token_t){start, p->pos - start};
}

static size_t vp_mark(const vp_t *p)
{
    return p->pos - (p->has_next ? p->next.len : 0);
}

static void vp_rewind(vp_t *p, size_t position)
{
    p->pos = position;
    p->has_next = false;
    p->has_previous = false;
}

static bool vp_has_next(const vp_t *p)
{
    return p->has_next || p->pos < p->len;
}

static vp_token_t vp_next_token(vp_t *p)
{
    if (p->has_next) {
        p->previous = p->next;
        p->has_next = false;
    } else {
        p->previous = vp_consume_token(p);
    }
    p->has_previous = true;
    return p->previous;
}

/* Whether the next non-blank token, trimmed, is expected. Blank tokens
 * before it are consumed either way, as in Kafka. */
static bool vp_is_next(vp_t *p, const char *expected)
{
    if (!p->has_next) {
        if (!vp_has_next(p))
            return false;
        p->next = vp_consume_token(p);
        p->has_next = true;
    }
    while (vp_is_blank(p, p->next) && p->pos < p->len)
        p->next = vp_consume_token(p);
    return vp_token_is(p, vp_trim(p, p->next), expected);
}

static bool vp_can_consume(vp_t *p, const char *expected)
{
    if (vp_is_next(p, expected)) {
        p->has_next = false;
        return true;
    }
    return false;
}

/* ---- parsed values ------------------------------------------------------------- */

/* Kafka's SchemaAndValue, or its absence (a parsed null). */
typedef struct vp_sv {
    bool present;
    const sluice_schema_t *schema; /* a reference */
    sluice_value_t *value;
} vp_sv_t;

static void vp_sv_clear(vp_sv_t *sv)
{
    sluice_schema_unref(sv->schema);
    sluice_value_destroy(sv->value);
    memset(sv, 0, sizeof(*sv));
}

static void vp_sv_set(vp_sv_t *sv, const sluice_schema_t *schema, sluice_value_t *value)
{
    sv->present = true;
    sv->schema = schema;
    sv->value = value;
}

/* Parse results: 0 parsed, -1 Kafka's DataException (the enclosing parse
 * falls back to text). */
static int vp_parse(vp_t *p, bool embedded, vp_sv_t *out);

/* ---- numbers --------------------------------------------------------------- */

/* A number as BigDecimal reads it: sign, significant digits and the power
 * of ten they are scaled by (value = digits × 10^exp10; BigDecimal's scale
 * is -exp10). */
typedef struct vp_number {
    bool negative;
    char *digits; /* without leading zeros; "" for zero */
    size_t ndigits;
    int64_t exp10;
} vp_number_t;

static bool vp_isdigit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parses BigDecimal's grammar: [+-] digits [. digits] [eE [+-] digits]. */
static bool vp_number_parse(const char *s, size_t len, vp_number_t *n)
{
    size_t i = 0;
    memset(n, 0, sizeof(*n));
    if (i < len && (s[i] == '+' || s[i] == '-'))
        n->negative = s[i++] == '-';
    n->digits = conv_alloc(len + 1);
    size_t ndigits = 0, nfrac = 0, seen = 0;
    while (i < len && vp_isdigit(s[i])) {
        if (ndigits || s[i] != '0')
            n->digits[ndigits++] = s[i];
        seen++;
        i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && vp_isdigit(s[i])) {
            if (ndigits || s[i] != '0')
                n->digits[ndigits++] = s[i];
            nfrac++;
            seen++;
            i++;
        }
    }
    int64_t exponent = 0;
    if (seen && i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool exp_negative = false;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            exp_negative = s[i++] == '-';
        if (i == len || !vp_isdigit(s[i]))
            goto fail;
        while (i < len && vp_isdigit(s[i])) {
            exponent = exponent * 10 + (s[i++] - '0');
            if (exponent > INT32_MAX)
                goto fail; /* BigDecimal's exponent is an int */
        }
        if (exp_negative)
            exponent = -exponent;
    }
    if (!seen || i != len)
        goto fail;
    n->digits[ndigits] = '\0';
    n->ndigits = ndigits;
    n->exp10 = exponent - (int64_t)nfrac;
    if (n->exp10 < INT32_MIN || n->exp10 > INT32_MAX)
        goto fail; /* the scale must be an int too */
    return true;
fail:
    free(n->digits);
    n->digits = NULL;
    return false;
}

/* The value as an int64 when it is an integer in range. */
static bool vp_number_as_long(const vp_number_t *n, int64_t *out)
{
    size_t int_digits = n->ndigits;
    if (n->exp10 < 0) {
        uint64_t frac = (uint64_t)(-n->exp10);
        if (frac >= n->ndigits) {
            for (size_t i = 0; i < n->ndigits; i++)
                if (n->digits[i] != '0')
                    return false;
            *out = 0;
            return true;
        }
        for (size_t i = n->ndigits - (size_t)frac; i < n->ndigits; i++)
            if (n->digits[i] != '0')
                return false;
        int_digits = n->ndigits - (size_t)frac;
    } else if (n->ndigits && (uint64_t)n->exp10 + n->ndigits > 19) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < int_digits; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(n->digits[i] - '0');
    }
    for (int64_t i = 0; n->ndigits && i < n->exp10; i++) {
        if (v > UINT64_MAX / 10)
            return false;
        v *= 10;
    }
    if (n->negative) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)v;
    }
    return true;
}

/* Kafka's parseAsNumber: exact integers as the narrowest integer type;
 * fractions as FLOAT32 when in float's range, else FLOAT64; anything else
 * (integers beyond int64) as a Decimal of the number's own scale. */
static bool vp_parse_number(const char *s, size_t len, vp_sv_t *out)
{
    vp_number_t n;
    if (!vp_number_parse(s, len, &n))
        return false;
    int64_t l;
    bool ok = true;
    if (vp_number_as_long(&n, &l)) {
        if (l >= INT8_MIN && l <= INT8_MAX)
            vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_INT8, false), sluice_value_int8((int8_t)l));
        else if (l >= INT16_MIN && l <= INT16_MAX)
            vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_INT16, false),
                      sluice_value_int16((int16_t)l));
        else if (l >= INT32_MIN && l <= INT32_MAX)
            vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_INT32, false),
                      sluice_value_int32((int32_t)l));
        else
            vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_INT64, false), sluice_value_int64(l));
        free(n.digits);
        return true;
    }
    char *text = conv_alloc(n.ndigits + 32);
    snprintf(text, n.ndigits + 32, "%s%se%lld", n.negative ? "-" : "", n.ndigits ? n.digits : "0",
             (long long)n.exp10);
    float f = strtof(text, NULL);
    double d = strtod(text, NULL);
    if (n.exp10 != 0 && isfinite(f)) {
        vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_FLOAT32, false), sluice_value_float32(f));
    } else if (n.exp10 != 0 && isfinite(d)) {
        vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_FLOAT64, false), sluice_value_float64(d));
    } else {
        int32_t scale = (int32_t)-n.exp10;
        sluice_buf_t *bytes = sluice_buf_new();
        char why[128];
        if (sluice_decimal_from_string(text, scale, bytes, why, sizeof why) == 0) {
            vp_sv_set(out, sluice_schema_decimal(scale),
                      sluice_value_bytes(sluice_buf_data(bytes), sluice_buf_len(bytes)));
        } else {
            ok = false;
        }
        sluice_buf_destroy(bytes);
    }
    free(text);
    free(n.digits);
    return ok;
}

/* ---- dates and times -------------------------------------------------------- */

/* Reads exactly width digits at s into *v. */
static bool vp_digits(const char *s, int width, int *v)
{
    *v = 0;
    for (int i = 0; i < width; i++) {
        if (!vp_isdigit(s[i]))
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

static bool vp_parse_time_of_day(const char *s, int64_t *ms)
{
    int h, m, sec, milli;
    if (!vp_digits(s, 2, &h) || s[2] != ':' || !vp_digits(s + 3, 2, &m) || s[5] != ':' ||
        !vp_digits(s + 6, 2, &sec) || s[8] != '.' || !vp_digits(s + 9, 3, &milli) || s[12] != 'Z')
        return false;
    if (h > 23 || m > 59 || sec > 59)
        return false;
    *ms = ((int64_t)h * 3600 + m * 60 + sec) * 1000 + milli;
    return true;
}

static bool vp_parse_date(const char *s, int64_t *days)
{
    int y, mo, d;
    if (!vp_digits(s, 4, &y) || s[4] != '-' || !vp_digits(s + 5, 2, &mo) || s[7] != '-' ||
        !vp_digits(s + 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    *days = caltime_days_from_civil(y, mo, d);
    /* Reject dates like 02-30 that do not exist. */
    caltime_t check;
    caltime_split(*days * CONV_MILLIS_PER_DAY, &check);
    return check.day == d;
}

/* Kafka's parseAsTemporal: by length, a time (13), timestamp (24) or date
 * (10); "\:" counts as ":". */
static bool vp_parse_temporal(const char *s, size_t len, vp_sv_t *out)
{
    char text[32];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len && s[i + 1] == ':')
            continue;
        if (n == sizeof text - 1)
            return false;
        text[n++] = s[i];
    }
    text[n] = '\0';
    int64_t ms, days;
    if (n == 13 && vp_parse_time_of_day(text, &ms)) {
        vp_sv_set(out, sluice_schema_time(), sluice_value_int32((int32_t)ms));
        return true;
    }
    if (n == 24 && text[10] == 'T' && vp_parse_date(text, &days) &&
        vp_parse_time_of_day(text + 11, &ms)) {
        vp_sv_set(out, sluice_schema_timestamp(),
                  sluice_value_int64(days * CONV_MILLIS_PER_DAY + ms));
        return true;
    }
    if (n == 10 && vp_parse_date(text, &days)) {
        if (days < INT32_MIN || days > INT32_MAX)
            return false;
        vp_sv_set(out, sluice_schema_date(), sluice_value_int32((int32_t)days));
        return true;
    }
    return false;
}

/* ---- the reader ------------------------------------------------------------- */

/*
 * Kafka's SchemaMerger: the schema all elements share, widening numbers.
 * Beyond Kafka, integers widen into a Decimal of scale 0 and dates and times
 * into a Timestamp, types in which each element keeps its value and writes
 * the same text.
 *
 * Values carry no logical type of their own (a Date is an INT32), so an
 * element of a logical type keeps it only through its container's schema:
 * where the elements share none, a Decimal, Date, Time or Timestamp among
 * them would be written back as its bytes or number. saw_logical lets the
 * parser refuse such an array or map, which then reads as text.
 */
typedef struct vp_merger {
    const sluice_schema_t *common; /* a reference; NULL until an element has a schema */
    bool incompatible;
    bool saw_null;
    bool saw_logical; /* an element is of a logical type or holds one */
} vp_merger_t;

static void vp_merger_clear(vp_merger_t *m)
{
    sluice_schema_unref(m->common);
    memset(m, 0, sizeof(*m));
}

static void vp_merger_set(vp_merger_t *m, const sluice_schema_t *s)
{
    s = sluice_schema_ref(s);
    sluice_schema_unref(m->common);
    m->common = s;
}

static bool vp_is_plain_number(const sluice_schema_t *s)
{
    return sluice_schema_type(s) <= SLUICE_TYPE_FLOAT64 && !sluice_schema_name(s);
}

static bool vp_is_plain_integer(const sluice_schema_t *s)
{
    return sluice_schema_type(s) <= SLUICE_TYPE_INT64 && !sluice_schema_name(s);
}

static bool vp_is_temporal(conv_logical_t logical)
{
    return logical == CONV_LOGICAL_DATE || logical == CONV_LOGICAL_TIME ||
           logical == CONV_LOGICAL_TIMESTAMP;
}

/* A Decimal that holds every integer exactly and writes it as Kafka writes
 * the integer: scale 0. */
static bool vp_is_integral_decimal(const sluice_schema_t *s)
{
    int32_t scale;
    char why[128];
    return conv_logical_of(s) == CONV_LOGICAL_DECIMAL &&
           conv_decimal_scale(s, &scale, why, sizeof why) == 0 && scale == 0;
}

/* Whether s, or an array or map schema inside it, is of a logical type. */
static bool vp_has_logical(const sluice_schema_t *s)
{
    if (!s)
        return false;
    if (conv_logical_of(s) != CONV_LOGICAL_NONE)
        return true;
    return vp_has_logical(sluice_schema_key_schema(s)) ||
           vp_has_logical(sluice_schema_value_schema(s));
}

static void vp_merge(vp_merger_t *m, const vp_sv_t *sv)
{
    if (!sv->present || !sv->value) {
        m->saw_null = true;
        return;
    }
    if (!sv->schema) {
        m->incompatible = true; /* a schemaless nested array or map */
        return;
    }
    if (vp_has_logical(sv->schema))
        m->saw_logical = true;
    if (m->incompatible)
        return;
    if (!m->common) {
        vp_merger_set(m, sv->schema);
        return;
    }
    const sluice_schema_t *a = m->common, *b = sv->schema;
    if (vp_is_plain_number(a) && vp_is_plain_number(b)) {
        /* The wider one: int8 < int16 < int32 < int64 < float32 < float64. */
        if (sluice_schema_type(b) > sluice_schema_type(a))
            vp_merger_set(m, b);
        return;
    }
    if ((vp_is_integral_decimal(a) && vp_is_plain_integer(b)) ||
        (vp_is_plain_integer(a) && vp_is_integral_decimal(b))) {
        if (vp_is_integral_decimal(b))
            vp_merger_set(m, b);
        return;
    }
    conv_logical_t la = conv_logical_of(a), lb = conv_logical_of(b);
    if (vp_is_temporal(la) && vp_is_temporal(lb)) {
        /* As in Kafka, where all three are java.util.Date and the text form
         * follows the instant, not the type. */
        if (la == lb || la == CONV_LOGICAL_TIMESTAMP)
            return;
        if (lb == CONV_LOGICAL_TIMESTAMP) {
            vp_merger_set(m, b);
        } else {
            sluice_schema_t *timestamp = sluice_schema_timestamp();
            vp_merger_set(m, timestamp);
            sluice_schema_unref(timestamp);
        }
        return;
    }
    if (sluice_schema_type(a) != sluice_schema_type(b) || (a != b && !sluice_schema_equals(a, b)))
        m->incompatible = true;
}

/* The merged schema, optional when a null was seen (a new reference), or
 * NULL when there is none. */
static const sluice_schema_t *vp_merged_schema(const vp_merger_t *m)
{
    if (m->incompatible || !m->common)
        return NULL;
    const sluice_schema_t *s = m->common;
    if (!m->saw_null || sluice_schema_is_optional(s))
        return sluice_schema_ref(s);
    sluice_type_t type = sluice_schema_type(s);
    if (type <= SLUICE_TYPE_BYTES && !sluice_schema_name(s))
        return sluice_schema_of(type, true);
    /* A logical or container schema: the same, made optional. */
    sluice_schema_t *copy;
    switch (type) {
    case SLUICE_TYPE_ARRAY: copy = sluice_schema_array(sluice_schema_value_schema(s)); break;
    case SLUICE_TYPE_MAP:
        copy = sluice_schema_map(sluice_schema_key_schema(s), sluice_schema_value_schema(s));
        break;
    case SLUICE_TYPE_STRUCT: return NULL; /* never parsed */
    default: copy = sluice_schema_new(type); break;
    }
    const char *name = sluice_schema_name(s);
    if (name)
        sluice_schema_set_name(copy, name);
    int32_t version;
    if (sluice_schema_version(s, &version))
        sluice_schema_set_version(copy, version);
    for (size_t i = 0; i < sluice_schema_parameter_count(s); i++)
        sluice_schema_set_parameter(copy, sluice_schema_parameter_key_at(s, i),
                                    sluice_schema_parameter_value_at(s, i));
    sluice_schema_set_optional(copy, true);
    return copy;
}

/* An integer as a Decimal's unscaled bytes: two's complement, big-endian,
 * as short as BigInteger.toByteArray makes it. */
static sluice_value_t *vp_decimal_of(int64_t l)
{
    uint8_t be[8];
    for (int i = 7; i >= 0; i--) {
        be[i] = (uint8_t)((uint64_t)l & 0xff);
        l = (int64_t)((uint64_t)l >> 8);
    }
    const uint8_t *minimal;
    size_t len;
    conv_decimal_minimal(be, sizeof be, &minimal, &len);
    return sluice_value_bytes(minimal, len);
}

/* Converts a parsed element, read with schema own, to the merged schema:
 * numbers widen, integers become Decimals, dates and times Timestamps. */
static sluice_value_t *vp_align(const sluice_schema_t *schema, const sluice_schema_t *own,
                                sluice_value_t *value)
{
    if (!value || !schema)
        return value;
    conv_logical_t to = conv_logical_of(schema), from = conv_logical_of(own);
    if (to == CONV_LOGICAL_TIMESTAMP && (from == CONV_LOGICAL_DATE || from == CONV_LOGICAL_TIME)) {
        int64_t ms = sluice_value_get_int32(value);
        if (from == CONV_LOGICAL_DATE)
            ms *= CONV_MILLIS_PER_DAY;
        sluice_value_destroy(value);
        return sluice_value_int64(ms);
    }
    if (sluice_value_type(value) == sluice_schema_type(schema))
        return value;
    double d = 0;
    int64_t l = 0;
    switch (sluice_value_type(value)) {
    case SLUICE_TYPE_INT8:
        l = sluice_value_get_int8(value);
        d = (double)l;
        break;
    case SLUICE_TYPE_INT16:
        l = sluice_value_get_int16(value);
        d = (double)l;
        break;
    case SLUICE_TYPE_INT32:
        l = sluice_value_get_int32(value);
        d = (double)l;
        break;
    case SLUICE_TYPE_INT64:
        l = sluice_value_get_int64(value);
        d = (double)l;
        break;
    case SLUICE_TYPE_FLOAT32: d = sluice_value_get_float32(value); break;
    case SLUICE_TYPE_FLOAT64: d = sluice_value_get_float64(value); break;
    default: return value;
    }
    sluice_value_t *aligned;
    switch (sluice_schema_type(schema)) {
    case SLUICE_TYPE_BYTES:
        if (to != CONV_LOGICAL_DECIMAL || sluice_value_type(value) > SLUICE_TYPE_INT64)
            return value;
        aligned = vp_decimal_of(l);
        break;
    case SLUICE_TYPE_INT16: aligned = sluice_value_int16((int16_t)l); break;
    case SLUICE_TYPE_INT32: aligned = sluice_value_int32((int32_t)l); break;
    case SLUICE_TYPE_INT64: aligned = sluice_value_int64(l); break;
    case SLUICE_TYPE_FLOAT32: aligned = sluice_value_float32((float)d); break;
    case SLUICE_TYPE_FLOAT64: aligned = sluice_value_float64(d); break;
    default: return value;
    }
    sluice_value_destroy(value);
    return aligned;
}

static int vp_parse_array(vp_t *p, vp_sv_t *out)
{
    if (++p->depth > VALUES_MAX_DEPTH)
        return -1;
    sluice_value_t *array = sluice_value_array_new();
    vp_merger_t merger = {0};
    /* Elements keep their own schemas until the end, for the merge. */
    size_t cap = 0, count = 0;
    vp_sv_t *elements = NULL;
    int rc = -1;
    while (vp_has_next(p)) {
        if (vp_can_consume(p, "]")) {
            const sluice_schema_t *schema = vp_merged_schema(&merger);
            if (!schema && merger.saw_logical)
                break; /* no schema would keep its logical elements (vp_merger_t) */
            for (size_t i = 0; i < count; i++) {
                sluice_value_array_append(array,
                                          vp_align(schema, elements[i].schema, elements[i].value));
                elements[i].value = NULL;
            }
            const sluice_schema_t *array_schema = NULL;
            if (schema) {
                array_schema = sluice_schema_array(schema);
                sluice_schema_unref(schema);
            }
            vp_sv_set(out, array_schema, array);
            array = NULL;
            rc = 0;
            break;
        }
        if (vp_can_consume(p, ","))
            break; /* an empty element */
        if (count == cap) {
            cap = cap ? cap * 2 : 8;
            elements = conv_realloc(elements, cap * sizeof(*elements));
        }
        vp_sv_t *element = &elements[count];
        memset(element, 0, sizeof(*element));
        if (vp_parse(p, true, element) < 0)
            break;
        count++;
        vp_merge(&merger, element);
        size_t position = vp_mark(p);
        if (vp_can_consume(p, "]"))
            vp_rewind(p, position);
        else if (!vp_can_consume(p, ","))
            break; /* elements missing a ',' */
    }
    for (size_t i = 0; i < count; i++)
        vp_sv_clear(&elements[i]);
    free(elements);
    sluice_value_destroy(array);
    vp_merger_clear(&merger);
    p->depth--;
    return rc;
}

/* The entry whose value the k-th key of kept keeps (see vp_map_finish). */
static vp_sv_t *vp_kept(vp_sv_t *entries, const sluice_value_t *kept, size_t k)
{
    return &entries[(size_t)sluice_value_get_int64(sluice_value_map_value_at(kept, k))];
}

/*
 * The map of count parsed entries (key, value, key, value …), whose values
 * it takes. A key given twice keeps its first place and its last value, as
 * in Kafka; the value schema is merged over the values kept (Kafka's over
 * every value read), so that the map reads back as it is written. Keys are
 * told apart once widened to their common schema. Returns 0, or -1 when no
 * schema would keep a logical element (vp_merger_t).
 */
static int vp_map_finish(vp_sv_t *entries, size_t count, vp_sv_t *out)
{
    vp_merger_t key_merger = {0}, value_merger = {0};
    for (size_t i = 0; i < count; i += 2)
        vp_merge(&key_merger, &entries[i]);
    const sluice_schema_t *ks = vp_merged_schema(&key_merger);
    /* Each distinct key, with the index of the value it keeps. */
    sluice_value_t *kept = sluice_value_map_new();
    for (size_t i = 0; i < count; i += 2) {
        sluice_value_map_put(kept, vp_align(ks, entries[i].schema, entries[i].value),
                             sluice_value_int64((int64_t)i + 1));
        entries[i].value = NULL;
    }
    size_t n = sluice_value_map_count(kept);
    for (size_t k = 0; k < n; k++)
        vp_merge(&value_merger, vp_kept(entries, kept, k));
    const sluice_schema_t *vs = vp_merged_schema(&value_merger);
    int rc = -1;
    if ((!ks || !vs) && (key_merger.saw_logical || value_merger.saw_logical))
        goto done;
    sluice_value_t *map = sluice_value_map_new();
    for (size_t k = 0; k < n; k++) {
        vp_sv_t *value = vp_kept(entries, kept, k);
        /* In a schemaless map values stay as read: no schema would say
         * what they were widened to. */
        sluice_value_map_put(map, sluice_value_copy(sluice_value_map_key_at(kept, k)),
                             vp_align(ks ? vs : NULL, value->schema, value->value));
        value->value = NULL;
    }
    vp_sv_set(out, ks && vs ? sluice_schema_map(ks, vs) : NULL, map);
    rc = 0;
done:
    sluice_value_destroy(kept);
    sluice_schema_unref(ks);
    sluice_schema_unref(vs);
    vp_merger_clear(&key_merger);
    vp_merger_clear(&value_merger);
    return rc;
}

static int vp_parse_map(vp_t *p, vp_sv_t *out)
{
    if (++p->depth > VALUES_MAX_DEPTH)
        return -1;
    size_t cap = 0, count = 0;
    vp_sv_t *entries = NULL; /* key, value, key, value … */
    int rc = -1;
    while (vp_has_next(p)) {
        if (vp_can_consume(p, "}")) {
            rc = vp_map_finish(entries, count, out);
            break;
        }
        if (vp_can_consume(p, ","))
            break; /* an entry with no key or value */
        if (count + 2 > cap) {
            cap = cap ? cap * 2 : 16;
            entries = conv_realloc(entries, cap * sizeof(*entries));
        }
        vp_sv_t *key = &entries[count], *value = &entries[count + 1];
        memset(key, 0, 2 * sizeof(*key));
        if (vp_parse(p, true, key) < 0) {
            vp_sv_clear(key);
            break;
        }
        if (!key->present || !key->value || !vp_can_consume(p, ":")) {
            vp_sv_clear(key); /* a null key, or no ':' */
            break;
        }
        if (vp_parse(p, true, value) < 0) {
            vp_sv_clear(key);
            vp_sv_clear(value);
            break;
        }
        count += 2;
        vp_can_consume(p, ",");
    }
    for (size_t i = 0; i < count; i++)
        vp_sv_clear(&entries[i]);
    free(entries);
    p->depth--;
    return rc;
}

static int vp_parse_quoted(vp_t *p, vp_sv_t *out)
{
    sluice_buf_t *content = sluice_buf_new();
    while (vp_has_next(p)) {
        if (vp_can_consume(p, "\""))
            break;
        vp_token_t t = vp_next_token(p);
        sluice_buf_append(content, p->s + t.start, t.len);
    }
    const char *s = sluice_buf_data(content);
    size_t len = sluice_buf_len(content);
    if (!vp_parse_temporal(s, len, out)) {
        /* Undo what convertToString escaped. */
        sluice_buf_t *text = sluice_buf_new();
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '\\' || s[i + 1] == '"'))
                i++;
            sluice_buf_putc(text, s[i]);
        }
        vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_STRING, false),
                  sluice_value_string(sluice_buf_data(text), sluice_buf_len(text)));
        sluice_buf_destroy(text);
    }
    sluice_buf_destroy(content);
    return 0;
}

static bool vp_single_literal(vp_t *p, bool embedded, const char *literal)
{
    size_t start = vp_mark(p);
    /* At the top level "true}" is text, not true. */
    if (vp_can_consume(p, literal) && (embedded || !vp_has_next(p)))
        return true;
    vp_rewind(p, start);
    return false;
}

static int vp_parse_next_token(vp_t *p, bool embedded, vp_token_t token, vp_sv_t *out)
{
    const char *s = p->s + token.start;
    bool digit = vp_isdigit(s[0]);
    if (digit) {
        /* A time or timestamp spans five tokens, split at its colons. */
        size_t position = vp_mark(p);
        int i;
        for (i = 0; i < 4 && vp_has_next(p); i++)
            vp_next_token(p);
        if (i == 4) {
            sluice_buf_t *joined = sluice_buf_new();
            sluice_buf_append(joined, s, token.len);
            sluice_buf_append(joined, p->s + position, p->pos - position);
            bool found = vp_parse_temporal(sluice_buf_data(joined), sluice_buf_len(joined), out);
            sluice_buf_destroy(joined);
            if (found) {
                if (embedded || !vp_has_next(p))
                    return 0;
                vp_sv_clear(out);
            }
        }
        vp_rewind(p, position);
        if (vp_parse_temporal(s, token.len, out)) {
            if (embedded || !vp_has_next(p))
                return 0;
            vp_sv_clear(out);
        }
    }
    if (digit || s[0] == '+' || s[0] == '-') {
        if (vp_parse_number(s, token.len, out)) {
            if (embedded || !vp_has_next(p))
                return 0;
            vp_sv_clear(out); /* more text follows: it is all a string */
        }
    }
    if (embedded)
        return -1; /* Kafka: "Failed to parse embedded value" */
    vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_STRING, false), sluice_value_string(p->s, p->len));
    return 0;
}

static int vp_parse(vp_t *p, bool embedded, vp_sv_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!vp_has_next(p))
        return 0;
    if (embedded && vp_can_consume(p, "\""))
        return vp_parse_quoted(p, out);
    if (vp_single_literal(p, embedded, "null"))
        return 0;
    if (vp_single_literal(p, embedded, "true")) {
        vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_BOOLEAN, false), sluice_value_boolean(true));
        return 0;
    }
    if (vp_single_literal(p, embedded, "false")) {
        vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_BOOLEAN, false), sluice_value_boolean(false));
        return 0;
    }
    size_t start = vp_mark(p);
    int rc = 1;
    if (vp_can_consume(p, "["))
        rc = vp_parse_array(p, out);
    else if (vp_can_consume(p, "{"))
        rc = vp_parse_map(p, out);
    if (rc == 0)
        return 0;
    if (rc < 0)
        vp_rewind(p, start);
    vp_token_t token = vp_next_token(p);
    if (vp_is_blank(p, token)) {
        vp_sv_set(out, sluice_schema_of(SLUICE_TYPE_STRING, false),
                  sluice_value_string(p->s + token.start, token.len));
        return 0;
    }
    return vp_parse_next_token(p, embedded, vp_trim(p, token), out);
}

void values_parse(const char *text, size_t len, const sluice_schema_t **schema,
                  sluice_value_t **value)
{
    *schema = NULL;
    *value = NULL;
    if (len == 0) {
        *schema = sluice_schema_of(SLUICE_TYPE_STRING, false);
        *value = sluice_value_string("", 0);
        return;
    }
    vp_t p = {.s = text, .len = len};
    vp_sv_t sv;
    if (vp_parse(&p, false, &sv) < 0) {
        /* Only embedded values fail; the top level always has a meaning. */
        vp_sv_clear(&sv);
        *schema = sluice_schema_of(SLUICE_TYPE_STRING, false);
        *value = sluice_value_string(text, len);
        return;
    }
    *schema = sv.schema;
    *value = sv.value;
}
