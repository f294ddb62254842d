/*
 * Typed configs: parsing and validating properties against a plugin's config
 * table, with Kafka ConfigDef's types, validators and error wording.
 */
#include "config_internal.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"

/* One declared key's parsed value. */
typedef struct config_value {
    bool is_null;
    char *text;   /* the trimmed text (every type); NULL when null */
    bool b;       /* BOOLEAN */
    int64_t l;    /* INT, SHORT, LONG */
    double d;     /* DOUBLE */
    char **items; /* LIST: NULL-terminated, never NULL once parsed */
    size_t item_count;
} config_value_t;

struct sluice_config {
    const sluice_config_key_t *keys;
    size_t key_count;
    config_value_t *values; /* parallel to keys */
    sluice_strmap_t *originals;
};

typedef struct config_entry {
    char *name;
    char *value;
    const sluice_config_key_t *key; /* NULL for a key the table does not declare */
    char **errors;
    size_t error_count;
    size_t error_cap;
} config_entry_t;

struct sluice_config_validation {
    config_entry_t *entries;
    size_t count;
    size_t cap;
    size_t total_errors;
};

static const char *const config_type_names[] = {
    "BOOLEAN", "STRING", "INT", "SHORT", "LONG", "DOUBLE", "LIST", "CLASS", "PASSWORD",
};

const char *sluice_config_type_name(sluice_config_type_t type)
{
    if ((unsigned)type >= sizeof config_type_names / sizeof config_type_names[0])
        return "UNKNOWN";
    return config_type_names[type];
}

const char *sluice_importance_name(sluice_importance_t importance)
{
    switch (importance) {
    case SLUICE_IMPORTANCE_HIGH: return "HIGH";
    case SLUICE_IMPORTANCE_MEDIUM: return "MEDIUM";
    case SLUICE_IMPORTANCE_LOW: return "LOW";
    }
    return "UNKNOWN";
}

/* ---- small text helpers ---------------------------------------------------- */

static size_t config_key_count(const sluice_config_key_t *keys)
{
    size_t n = 0;
    while (keys && keys[n].name)
        n++;
    return n;
}

const sluice_config_key_t *config_find_key(const sluice_config_key_t *keys, const char *name)
{
    for (size_t i = 0; keys && keys[i].name; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* Java's String.trim: drops bytes up to and including ' ' at both ends. */
static char *config_trim_dup(const char *s)
{
    while (*s && (unsigned char)*s <= ' ')
        s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    return mem_strndup(s, n);
}

/* Java's regex \s, which is what separates list items. */
static bool config_is_list_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Appends text for a human, with control characters as Java-style \uXXXX so
 * an error message stays on one line. */
static void config_put_shown(sluice_buf_t *out, const char *text)
{
    for (const char *s = text; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            sluice_buf_printf(out, "\\u%04X", c);
        else
            sluice_buf_putc(out, (char)c);
    }
}

static bool config_is_numeric(sluice_config_type_t type)
{
    return type == SLUICE_CONFIG_INT || type == SLUICE_CONFIG_SHORT || type == SLUICE_CONFIG_LONG ||
           type == SLUICE_CONFIG_DOUBLE;
}

static bool config_is_stringish(sluice_config_type_t type)
{
    return type == SLUICE_CONFIG_STRING || type == SLUICE_CONFIG_CLASS ||
           type == SLUICE_CONFIG_PASSWORD;
}

/* Java's Double.toString: the shortest digits that read back as d, plain
 * between 1e-3 and 1e7 and as "1.0E10" outside. */
static void config_fmt_java_double(double d, sluice_buf_t *out)
{
    if (isnan(d)) {
        sluice_buf_puts(out, "NaN");
        return;
    }
    if (isinf(d)) {
        sluice_buf_puts(out, d < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (d == 0) {
        sluice_buf_puts(out, signbit(d) ? "-0.0" : "0.0");
        return;
    }
    char tmp[48];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp is [-]D[.DDD]e[+-]XX: collect the digits and the exponent */
    const char *p = tmp;
    if (*p == '-') {
        sluice_buf_putc(out, '-');
        p++;
    }
    char digits[24];
    size_t nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.' && nd < sizeof digits - 1)
            digits[nd++] = *p;
    digits[nd] = '\0';
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
    int exp = atoi(p + 1);
    double a = fabs(d);
    if (a >= 1e-3 && a < 1e7) {
        if (exp < 0) {
            sluice_buf_puts(out, "0.");
            for (int i = -1; i > exp; i--)
                sluice_buf_putc(out, '0');
            sluice_buf_puts(out, digits);
        } else {
            size_t int_len = (size_t)exp + 1;
            for (size_t i = 0; i < int_len; i++)
                sluice_buf_putc(out, i < nd ? digits[i] : '0');
            sluice_buf_putc(out, '.');
            if (int_len < nd)
                sluice_buf_puts(out, digits + int_len);
            else
                sluice_buf_putc(out, '0');
        }
    } else {
        sluice_buf_putc(out, digits[0]);
        sluice_buf_putc(out, '.');
        sluice_buf_puts(out, nd > 1 ? digits + 1 : "0");
        sluice_buf_printf(out, "E%d", exp);
    }
}

/* A range bound: whole numbers without a fraction ("at least 1"). */
static void config_fmt_bound(double d, sluice_buf_t *out)
{
    if (d == floor(d) && fabs(d) < 1e18)
        sluice_buf_printf(out, "%.0f", d);
    else
        config_fmt_java_double(d, out);
}

/* ---- parsing values ------------------------------------------------------- */

/* Java's Integer/Short/Long.parseLong: an optional sign and ASCII digits. */
static bool config_parse_integer(const char *s, int64_t min, int64_t max, int64_t *out)
{
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!*s)
        return false;
    uint64_t limit = neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (v == 0 ? 0 : -(int64_t)(v - 1) - 1) : (int64_t)v;
    return true;
}

static size_t config_digits(const char *s, bool hex)
{
    size_t n = 0;
    while (hex ? isxdigit((unsigned char)s[n]) : isdigit((unsigned char)s[n]))
        n++;
    return n;
}

/* Java's Double.parseDouble: decimal or hex (with a p exponent) floats,
 * NaN and Infinity, with an optional f/F/d/D suffix on numbers. */
static bool config_parse_double(const char *s, double *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (strcmp(p, "NaN") == 0) {
        *out = NAN;
        return true;
    }
    if (strcmp(p, "Infinity") == 0) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return true;
    }
    bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex)
        p += 2;
    size_t whole = config_digits(p, hex);
    p += whole;
    size_t frac = 0;
    if (*p == '.') {
        p++;
        frac = config_digits(p, hex);
        p += frac;
    }
    if (whole + frac == 0)
        return false;
    if (hex ? (*p == 'p' || *p == 'P') : (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t e = config_digits(p, false);
        if (!e)
            return false;
        p += e;
    } else if (hex) {
        return false;
    }
    size_t body = (size_t)(p - s);
    if (*p == 'f' || *p == 'F' || *p == 'd' || *p == 'D')
        p++;
    if (*p)
        return false;
    char *copy = mem_strndup(s, body);
    *out = strtod(copy, NULL); /* out of range gives +-inf or 0, as in Java */
    free(copy);
    return true;
}

static void config_value_clear(config_value_t *v)
{
    free(v->text);
    for (size_t i = 0; i < v->item_count; i++)
        free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

static void config_split_list(config_value_t *v)
{
    const char *s = v->text;
    size_t cap = 0;
    v->items = NULL;
    v->item_count = 0;
    mem_grow((void **)&v->items, &cap, 1, sizeof(char *));
    if (*s) {
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            const char *b = s, *e = s + len;
            while (b < e && config_is_list_space(*b))
                b++;
            while (e > b && config_is_list_space(e[-1]))
                e--;
            mem_grow((void **)&v->items, &cap, v->item_count + 2, sizeof(char *));
            v->items[v->item_count++] = mem_strndup(b, (size_t)(e - b));
            if (!comma)
                break;
            s = comma + 1;
        }
    }
    v->items[v->item_count] = NULL;
}

/* Parses raw for key into v. Returns 0, or -1 with Kafka's reason. */
static int config_parse(const sluice_config_key_t *key, const char *raw, config_value_t *v,
                        const char **reason)
{
    memset(v, 0, sizeof *v);
    v->text = config_trim_dup(raw);
    const char *t = v->text;
    switch (key->type) {
    case SLUICE_CONFIG_BOOLEAN:
        if (strcasecmp(t, "true") == 0)
            v->b = true;
        else if (strcasecmp(t, "false") == 0)
            v->b = false;
        else {
            *reason = "Expected value to be either true or false";
            return -1;
        }
        return 0;
    case SLUICE_CONFIG_INT:
        if (!config_parse_integer(t, INT32_MIN, INT32_MAX, &v->l)) {
            *reason = "Not a number of type INT";
            return -1;
        }
        return 0;
    case SLUICE_CONFIG_SHORT:
        if (!config_parse_integer(t, INT16_MIN, INT16_MAX, &v->l)) {
            *reason = "Not a number of type SHORT";
            return -1;
        }
        return 0;
    case SLUICE_CONFIG_LONG:
        if (!config_parse_integer(t, INT64_MIN, INT64_MAX, &v->l)) {
            *reason = "Not a number of type LONG";
            return -1;
        }
        return 0;
    case SLUICE_CONFIG_DOUBLE:
        if (!config_parse_double(t, &v->d)) {
            *reason = "Not a number of type DOUBLE";
            return -1;
        }
        return 0;
    case SLUICE_CONFIG_LIST: config_split_list(v); return 0;
    case SLUICE_CONFIG_STRING:
    case SLUICE_CONFIG_CLASS:
    case SLUICE_CONFIG_PASSWORD: return 0;
    }
    *reason = "Unknown config type";
    return -1;
}

/* ---- validators ------------------------------------------------------------ */

/* Appends the parsed value as Kafka's messages show it (Java's toString). */
static void config_put_value(const sluice_config_key_t *key, const config_value_t *v,
                             sluice_buf_t *out)
{
    if (key->type == SLUICE_CONFIG_PASSWORD) {
        sluice_buf_puts(out, CONFIG_HIDDEN);
        return;
    }
    if (v->is_null) {
        sluice_buf_puts(out, "null");
        return;
    }
    switch (key->type) {
    case SLUICE_CONFIG_BOOLEAN: sluice_buf_puts(out, v->b ? "true" : "false"); break;
    case SLUICE_CONFIG_INT:
    case SLUICE_CONFIG_SHORT:
    case SLUICE_CONFIG_LONG: sluice_buf_printf(out, "%lld", (long long)v->l); break;
    case SLUICE_CONFIG_DOUBLE: config_fmt_java_double(v->d, out); break;
    case SLUICE_CONFIG_LIST:
        sluice_buf_putc(out, '[');
        for (size_t i = 0; i < v->item_count; i++) {
            if (i)
                sluice_buf_puts(out, ", ");
            config_put_shown(out, v->items[i]);
        }
        sluice_buf_putc(out, ']');
        break;
    default: config_put_shown(out, v->text); break;
    }
}

static bool config_one_of(const char *const *values, const char *s, bool nocase)
{
    for (size_t i = 0; values && values[i]; i++)
        if (nocase ? strcasecmp(values[i], s) == 0 : strcmp(values[i], s) == 0)
            return true;
    return false;
}

static void config_put_choices(sluice_buf_t *out, const char *const *values, bool nocase)
{
    sluice_buf_puts(out, nocase ? "String must be one of (case insensitive): "
                                : "String must be one of: ");
    for (size_t i = 0; values && values[i]; i++)
        sluice_buf_printf(out, "%s%s", i ? ", " : "", values[i]);
}

/* Decodes one UTF-8 sequence at s (lenient: a bad byte is itself). */
static unsigned config_utf8_next(const unsigned char **s)
{
    const unsigned char *p = *s;
    unsigned c = *p;
    if (c >= 0xc0 && c < 0xe0 && (p[1] & 0xc0) == 0x80) {
        *s += 2;
        return ((c & 0x1f) << 6) | (p[1] & 0x3f);
    }
    if (c >= 0xe0 && c < 0xf0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
        *s += 3;
        return ((c & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    }
    if (c >= 0xf0 && c < 0xf8 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
        (p[3] & 0xc0) == 0x80) {
        *s += 4;
        return ((c & 0x07) << 18) | ((p[1] & 0x3f) << 12) | ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
    }
    *s += 1;
    return c;
}

/*
 * Runs key's validator on v. Returns 0, or -1 with the value to show in
 * shown and the reason in reason (both appended).
 */
static int config_validate(const sluice_config_key_t *key, const config_value_t *v,
                           sluice_buf_t *shown, sluice_buf_t *reason)
{
    const sluice_config_validator_t *val = &key->validator;
    if (val->kind == SLUICE_VALIDATOR_CUSTOM) {
        if (!val->check)
            return 0;
        char why[512] = "";
        if (val->check(key->name, v->is_null ? NULL : v->text, why, sizeof why) == 0)
            return 0;
        config_put_value(key, v, shown);
        sluice_buf_puts(reason, why[0] ? why : "rejected by the validator");
        return -1;
    }
    /* Kafka's validators are never given a null here: a null default with a
     * validator fails when the ConfigDef is built. A table may still declare
     * one, meaning "optional, checked when set". */
    if (v->is_null)
        return 0;
    switch (val->kind) {
    case SLUICE_VALIDATOR_NONE:
    case SLUICE_VALIDATOR_CUSTOM: return 0;
    case SLUICE_VALIDATOR_RANGE: {
        if (!config_is_numeric(key->type))
            return 0;
        double n = key->type == SLUICE_CONFIG_DOUBLE ? v->d : (double)v->l;
        bool has_min = val->min > -DBL_MAX, has_max = val->max < DBL_MAX;
        if (has_min && !(n >= val->min)) {
            config_put_value(key, v, shown);
            sluice_buf_puts(reason, "Value must be at least ");
            config_fmt_bound(val->min, reason);
            return -1;
        }
        if (has_max && !(n <= val->max)) {
            config_put_value(key, v, shown);
            sluice_buf_puts(reason, "Value must be no more than ");
            config_fmt_bound(val->max, reason);
            return -1;
        }
        return 0;
    }
    case SLUICE_VALIDATOR_ONE_OF:
    case SLUICE_VALIDATOR_ONE_OF_NOCASE:
    case SLUICE_VALIDATOR_LIST_OF: {
        bool nocase = val->kind == SLUICE_VALIDATOR_ONE_OF_NOCASE;
        if (key->type == SLUICE_CONFIG_LIST) {
            /* as Kafka's ValidList: every item, reporting the first bad one */
            for (size_t i = 0; i < v->item_count; i++) {
                if (!config_one_of(val->values, v->items[i], nocase)) {
                    config_put_shown(shown, v->items[i]);
                    config_put_choices(reason, val->values, nocase);
                    return -1;
                }
            }
            return 0;
        }
        if (!config_is_stringish(key->type) || config_one_of(val->values, v->text, nocase))
            return 0;
        config_put_value(key, v, shown);
        config_put_choices(reason, val->values, nocase);
        return -1;
    }
    case SLUICE_VALIDATOR_NON_EMPTY:
        if (key->type == SLUICE_CONFIG_LIST) {
            if (v->item_count)
                return 0;
            config_put_value(key, v, shown);
            sluice_buf_puts(reason, "List must be non-empty");
            return -1;
        }
        if (v->text[0])
            return 0;
        config_put_value(key, v, shown);
        sluice_buf_puts(reason, "String must be non-empty");
        return -1;
    case SLUICE_VALIDATOR_NON_EMPTY_NO_CTRL: {
        if (!v->text[0]) {
            config_put_value(key, v, shown);
            sluice_buf_puts(reason, "String may not be empty");
            return -1;
        }
        bool found = false;
        const unsigned char *s = (const unsigned char *)v->text;
        while (*s) {
            unsigned cp = config_utf8_next(&s);
            if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
                if (!found)
                    sluice_buf_puts(reason, "String may not contain control sequences but had "
                                            "the following ASCII chars: ");
                else
                    sluice_buf_puts(reason, ", ");
                sluice_buf_printf(reason, "%u", cp);
                found = true;
            }
        }
        if (!found)
            return 0;
        config_put_value(key, v, shown);
        return -1;
    }
    }
    return 0;
}

/* Replaces every occurrence of secret in text with [hidden]: a custom
 * validator of a PASSWORD key might quote the value in its reason. */
static void config_scrub(sluice_buf_t *text, const char *secret)
{
    size_t slen = secret ? strlen(secret) : 0;
    if (slen == 0 || !strstr(sluice_buf_data(text), secret))
        return;
    char *copy = mem_strdup(sluice_buf_data(text));
    sluice_buf_reset(text);
    const char *p = copy, *hit;
    while ((hit = strstr(p, secret)) != NULL) {
        sluice_buf_append(text, p, (size_t)(hit - p));
        sluice_buf_puts(text, CONFIG_HIDDEN);
        p = hit + slen;
    }
    sluice_buf_puts(text, p);
    free(copy);
}

/*
 * Finds, parses and validates key's value from props (or its default) into
 * v. Returns 0, or -1 with one complete error message appended to msg.
 */
static int config_eval(const sluice_config_key_t *key, const sluice_strmap_t *props,
                       config_value_t *v, sluice_buf_t *msg)
{
    const char *raw = props ? sluice_strmap_get(props, key->name) : NULL;
    bool is_default = raw == NULL;
    if (!raw) {
        if (key->required) {
            memset(v, 0, sizeof *v);
            v->is_null = true;
            sluice_buf_printf(msg,
                              "Missing required configuration \"%s\" which has no default "
                              "value.",
                              key->name);
            return -1;
        }
        raw = key->default_value;
    }
    if (!raw) {
        memset(v, 0, sizeof *v);
        v->is_null = true;
        sluice_buf_t *shown = sluice_buf_new(), *reason = sluice_buf_new();
        int r = config_validate(key, v, shown, reason);
        if (r < 0)
            sluice_buf_printf(msg, "Invalid value %s for configuration %s: %s",
                              sluice_buf_data(shown), key->name, sluice_buf_data(reason));
        sluice_buf_destroy(shown);
        sluice_buf_destroy(reason);
        return r;
    }

    const char *why = NULL;
    if (config_parse(key, raw, v, &why) < 0) {
        sluice_buf_puts(msg, "Invalid value ");
        if (key->type == SLUICE_CONFIG_PASSWORD)
            sluice_buf_puts(msg, CONFIG_HIDDEN);
        else
            config_put_shown(msg, raw);
        sluice_buf_printf(msg, " for configuration %s: %s", key->name, why);
        if (is_default)
            sluice_buf_puts(msg, " (the declared default; a bug in the plugin's config table)");
        return -1;
    }
    sluice_buf_t *shown = sluice_buf_new(), *reason = sluice_buf_new();
    int r = config_validate(key, v, shown, reason);
    if (r < 0) {
        if (key->type == SLUICE_CONFIG_PASSWORD) {
            config_scrub(reason, v->text);
            config_scrub(reason, raw);
        }
        sluice_buf_printf(msg, "Invalid value %s for configuration %s: %s", sluice_buf_data(shown),
                          key->name, sluice_buf_data(reason));
        if (is_default)
            sluice_buf_puts(msg, " (the declared default; a bug in the plugin's config table)");
    }
    sluice_buf_destroy(shown);
    sluice_buf_destroy(reason);
    return r;
}

static void config_copy_errors(sluice_buf_t *errors, char *errstr, size_t errstr_size)
{
    if (errstr_size)
        snprintf(errstr, errstr_size, "%s", sluice_buf_data(errors));
}

/* ---- parsed configs --------------------------------------------------------- */

sluice_config_t *sluice_config_new(const sluice_config_key_t *keys, const sluice_strmap_t *props,
                                   char *errstr, size_t errstr_size)
{
    sluice_config_t *config = mem_calloc(1, sizeof(*config));
    config->keys = keys;
    config->key_count = config_key_count(keys);
    config->values = mem_calloc(config->key_count ? config->key_count : 1, sizeof(config_value_t));
    sluice_buf_t *errors = sluice_buf_new(), *msg = sluice_buf_new();
    for (size_t i = 0; i < config->key_count; i++) {
        sluice_buf_reset(msg);
        if (config_eval(&keys[i], props, &config->values[i], msg) < 0) {
            if (sluice_buf_len(errors))
                sluice_buf_putc(errors, '\n');
            sluice_buf_puts(errors, sluice_buf_data(msg));
        }
    }
    sluice_buf_destroy(msg);
    if (sluice_buf_len(errors)) {
        config_copy_errors(errors, errstr, errstr_size);
        sluice_buf_destroy(errors);
        sluice_config_destroy(config);
        return NULL;
    }
    sluice_buf_destroy(errors);
    if (errstr_size)
        errstr[0] = '\0';
    config->originals = sluice_strmap_copy(props);
    return config;
}

void sluice_config_destroy(sluice_config_t *config)
{
    if (!config)
        return;
    for (size_t i = 0; i < config->key_count; i++)
        config_value_clear(&config->values[i]);
    free(config->values);
    sluice_strmap_destroy(config->originals);
    free(config);
}

/* The value of a declared key of one of the wanted types, else NULL (with a
 * warning: asking for the wrong type is a bug in the plugin). */
static const config_value_t *config_lookup(const sluice_config_t *config, const char *name,
                                           const char *getter, unsigned type_mask)
{
    if (!config || !name)
        return NULL;
    for (size_t i = 0; i < config->key_count; i++) {
        if (strcmp(config->keys[i].name, name) != 0)
            continue;
        if (!(type_mask & (1u << config->keys[i].type))) {
            log_warn(NULL, "config", "%s(\"%s\") on a key of type %s: returning nothing", getter,
                     name, sluice_config_type_name(config->keys[i].type));
            return NULL;
        }
        return &config->values[i];
    }
    return NULL;
}

#define CONFIG_TYPE_BIT(t) (1u << (t))

const char *sluice_config_get_string(const sluice_config_t *config, const char *name)
{
    const config_value_t *v =
        config_lookup(config, name, "sluice_config_get_string",
                      CONFIG_TYPE_BIT(SLUICE_CONFIG_STRING) | CONFIG_TYPE_BIT(SLUICE_CONFIG_CLASS));
    return v && !v->is_null ? v->text : NULL;
}

const char *sluice_config_get_password(const sluice_config_t *config, const char *name)
{
    const config_value_t *v = config_lookup(config, name, "sluice_config_get_password",
                                            CONFIG_TYPE_BIT(SLUICE_CONFIG_PASSWORD));
    return v && !v->is_null ? v->text : NULL;
}

bool sluice_config_get_bool(const sluice_config_t *config, const char *name)
{
    const config_value_t *v = config_lookup(config, name, "sluice_config_get_bool",
                                            CONFIG_TYPE_BIT(SLUICE_CONFIG_BOOLEAN));
    return v && !v->is_null && v->b;
}

int32_t sluice_config_get_int(const sluice_config_t *config, const char *name)
{
    const config_value_t *v =
        config_lookup(config, name, "sluice_config_get_int",
                      CONFIG_TYPE_BIT(SLUICE_CONFIG_INT) | CONFIG_TYPE_BIT(SLUICE_CONFIG_SHORT));
    return v && !v->is_null ? (int32_t)v->l : 0;
}

int64_t sluice_config_get_long(const sluice_config_t *config, const char *name)
{
    const config_value_t *v =
        config_lookup(config, name, "sluice_config_get_long", CONFIG_TYPE_BIT(SLUICE_CONFIG_LONG));
    return v && !v->is_null ? v->l : 0;
}

double sluice_config_get_double(const sluice_config_t *config, const char *name)
{
    const config_value_t *v = config_lookup(config, name, "sluice_config_get_double",
                                            CONFIG_TYPE_BIT(SLUICE_CONFIG_DOUBLE));
    return v && !v->is_null ? v->d : 0;
}

size_t sluice_config_get_list(const sluice_config_t *config, const char *name,
                              const char *const **items)
{
    static const char *const empty[] = {NULL};
    const config_value_t *v =
        config_lookup(config, name, "sluice_config_get_list", CONFIG_TYPE_BIT(SLUICE_CONFIG_LIST));
    if (!v || v->is_null) {
        if (items)
            *items = empty;
        return 0;
    }
    if (items)
        *items = (const char *const *)v->items;
    return v->item_count;
}

bool sluice_config_is_null(const sluice_config_t *config, const char *name)
{
    if (!config || !name)
        return true;
    for (size_t i = 0; i < config->key_count; i++)
        if (strcmp(config->keys[i].name, name) == 0)
            return config->values[i].is_null;
    return true;
}

const sluice_strmap_t *sluice_config_originals(const sluice_config_t *config)
{
    return config ? config->originals : NULL;
}

const sluice_config_key_t *sluice_config_keys(const sluice_config_t *config)
{
    return config ? config->keys : NULL;
}

/* ---- validation results ------------------------------------------------------ */

static config_entry_t *config_validation_entry(sluice_config_validation_t *validation,
                                               const char *name)
{
    for (size_t i = 0; i < validation->count; i++)
        if (strcmp(validation->entries[i].name, name) == 0)
            return &validation->entries[i];
    mem_grow((void **)&validation->entries, &validation->cap, validation->count + 1,
             sizeof(config_entry_t));
    config_entry_t *e = &validation->entries[validation->count++];
    memset(e, 0, sizeof *e);
    e->name = mem_strdup(name);
    return e;
}

static void config_entry_add_error(sluice_config_validation_t *validation, config_entry_t *e,
                                   const char *message)
{
    mem_grow((void **)&e->errors, &e->error_cap, e->error_count + 2, sizeof(char *));
    e->errors[e->error_count++] = mem_strdup(message);
    e->errors[e->error_count] = NULL;
    validation->total_errors++;
}

sluice_config_validation_t *sluice_config_validate(const sluice_config_key_t *keys,
                                                   const sluice_strmap_t *props)
{
    sluice_config_validation_t *validation = mem_calloc(1, sizeof(*validation));
    sluice_buf_t *msg = sluice_buf_new();
    for (size_t i = 0; keys && keys[i].name; i++) {
        config_entry_t *e = config_validation_entry(validation, keys[i].name);
        e->key = &keys[i];
        const char *given = props ? sluice_strmap_get(props, keys[i].name) : NULL;
        free(e->value);
        e->value = mem_strdup(given ? given : keys[i].required ? NULL : keys[i].default_value);
        config_value_t v;
        sluice_buf_reset(msg);
        if (config_eval(&keys[i], props, &v, msg) < 0)
            config_entry_add_error(validation, e, sluice_buf_data(msg));
        config_value_clear(&v);
    }
    sluice_buf_destroy(msg);
    return validation;
}

void sluice_config_validation_destroy(sluice_config_validation_t *validation)
{
    if (!validation)
        return;
    for (size_t i = 0; i < validation->count; i++) {
        config_entry_t *e = &validation->entries[i];
        free(e->name);
        free(e->value);
        for (size_t j = 0; j < e->error_count; j++)
            free(e->errors[j]);
        free(e->errors);
    }
    free(validation->entries);
    free(validation);
}

void sluice_config_validation_add_error(sluice_config_validation_t *validation, const char *name,
                                        const char *fmt, ...)
{
    if (!validation || !name || !fmt)
        return;
    sluice_buf_t *msg = sluice_buf_new();
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(msg, fmt, ap);
    va_end(ap);
    config_entry_add_error(validation, config_validation_entry(validation, name),
                           sluice_buf_data(msg));
    sluice_buf_destroy(msg);
}

size_t sluice_config_validation_error_count(const sluice_config_validation_t *validation)
{
    return validation ? validation->total_errors : 0;
}

size_t sluice_config_validation_count(const sluice_config_validation_t *validation)
{
    return validation ? validation->count : 0;
}

const char *sluice_config_validation_name_at(const sluice_config_validation_t *validation, size_t i)
{
    return validation && i < validation->count ? validation->entries[i].name : NULL;
}

const char *sluice_config_validation_value_at(const sluice_config_validation_t *validation,
                                              size_t i)
{
    return validation && i < validation->count ? validation->entries[i].value : NULL;
}

size_t sluice_config_validation_errors_at(const sluice_config_validation_t *validation, size_t i,
                                          const char *const **errors)
{
    static const char *const none[] = {NULL};
    if (!validation || i >= validation->count || !validation->entries[i].error_count) {
        if (errors)
            *errors = none;
        return 0;
    }
    if (errors)
        *errors = (const char *const *)validation->entries[i].errors;
    return validation->entries[i].error_count;
}

const sluice_config_key_t *
sluice_config_validation_key_at(const sluice_config_validation_t *validation, size_t i)
{
    return validation && i < validation->count ? validation->entries[i].key : NULL;
}

/* ---- table checks -------------------------------------------------------------- */

static bool config_validator_suits(const sluice_config_key_t *key, const char **why)
{
    const sluice_config_validator_t *val = &key->validator;
    switch (val->kind) {
    case SLUICE_VALIDATOR_NONE: return true;
    case SLUICE_VALIDATOR_RANGE:
        *why = "a RANGE validator needs an INT, SHORT, LONG or DOUBLE key";
        if (!config_is_numeric(key->type))
            return false;
        *why = "its RANGE has min above max";
        return !(val->min > val->max);
    case SLUICE_VALIDATOR_ONE_OF:
    case SLUICE_VALIDATOR_ONE_OF_NOCASE:
    case SLUICE_VALIDATOR_LIST_OF:
        *why = "a ONE_OF, ONE_OF_NOCASE or LIST_OF validator needs values";
        if (!val->values || !val->values[0])
            return false;
        *why = "a ONE_OF, ONE_OF_NOCASE or LIST_OF validator needs a STRING, CLASS, "
               "PASSWORD or LIST key";
        return config_is_stringish(key->type) || key->type == SLUICE_CONFIG_LIST;
    case SLUICE_VALIDATOR_NON_EMPTY:
    case SLUICE_VALIDATOR_NON_EMPTY_NO_CTRL:
        *why = "a NON_EMPTY validator needs a STRING, CLASS, PASSWORD or LIST key";
        return config_is_stringish(key->type) || key->type == SLUICE_CONFIG_LIST;
    case SLUICE_VALIDATOR_CUSTOM:
        *why = "a CUSTOM validator needs a check function";
        return val->check != NULL;
    }
    *why = "an unknown validator kind";
    return false;
}

int config_table_check(const sluice_config_key_t *keys, char *errstr, size_t errstr_size)
{
    sluice_buf_t *errors = sluice_buf_new(), *msg = sluice_buf_new();
    for (size_t i = 0; keys && keys[i].name; i++) {
        const sluice_config_key_t *key = &keys[i];
        const char *why = NULL;
        sluice_buf_reset(msg);
        if (!key->name[0])
            sluice_buf_printf(msg, "config key #%zu has an empty name", i);
        else if ((unsigned)key->type >= sizeof config_type_names / sizeof config_type_names[0])
            sluice_buf_printf(msg, "config key %s has an unknown type %d", key->name,
                              (int)key->type);
        else if (config_find_key(keys, key->name) != key)
            sluice_buf_printf(msg, "config key %s is declared twice", key->name);
        else if (key->required && key->default_value)
            sluice_buf_printf(msg, "config key %s is required but has a default", key->name);
        else if (!config_validator_suits(key, &why))
            sluice_buf_printf(msg, "config key %s (%s): %s", key->name,
                              sluice_config_type_name(key->type), why);
        else if (!key->required) {
            config_value_t v;
            config_eval(key, NULL, &v, msg);
            config_value_clear(&v);
        }
        if (sluice_buf_len(msg)) {
            if (sluice_buf_len(errors))
                sluice_buf_putc(errors, '\n');
            sluice_buf_puts(errors, sluice_buf_data(msg));
        }
    }
    int ret = sluice_buf_len(errors) ? -1 : 0;
    config_copy_errors(errors, errstr, errstr_size);
    sluice_buf_destroy(errors);
    sluice_buf_destroy(msg);
    return ret;
}

/* ---- unknown keys ----------------------------------------------------------------- */

/* Optimal string alignment distance (edits, including swapping two
 * neighbours), ignoring ASCII case; stops early past limit. */
static size_t config_edit_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    size_t *prev2 = mem_calloc(lb + 1, sizeof(size_t));
    size_t *prev = mem_calloc(lb + 1, sizeof(size_t));
    size_t *cur = mem_calloc(lb + 1, sizeof(size_t));
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (prev[j - 1] + cost < d)
                d = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
            if (d < row_min)
                row_min = d;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
        if (row_min > limit)
            break;
    }
    size_t d = prev[lb];
    if (d > limit)
        d = limit + 1;
    free(prev2);
    free(prev);
    free(cur);
    return d;
}

/* How many edits still count as a typo: more for longer names. */
static size_t config_typo_limit(const char *name)
{
    size_t n = strlen(name);
    return n < 4 ? 1 : n < 12 ? 2 : 3;
}

static bool config_has_prefix(const char *name, const char *const *prefixes)
{
    for (size_t i = 0; prefixes && prefixes[i]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

sluice_strmap_t *config_unknown_keys(const sluice_config_key_t *keys, const sluice_strmap_t *props,
                                     const char *const *ignore_prefixes)
{
    sluice_strmap_t *unknown = sluice_strmap_new();
    for (size_t i = 0; props && i < sluice_strmap_count(props); i++) {
        const char *name = sluice_strmap_key_at(props, i);
        if (config_find_key(keys, name) || config_has_prefix(name, ignore_prefixes))
            continue;
        size_t limit = config_typo_limit(name);
        const char *best = "";
        size_t best_d = limit + 1;
        for (size_t k = 0; keys && keys[k].name; k++) {
            size_t d = config_edit_distance(name, keys[k].name, limit);
            if (d < best_d) {
                best_d = d;
                best = keys[k].name;
            }
        }
        sluice_strmap_set(unknown, name, best);
    }
    return unknown;
}

size_t config_warn_unknown_keys(const char *context, const sluice_config_key_t *keys,
                                const sluice_strmap_t *props, const char *const *ignore_prefixes)
{
    sluice_strmap_t *unknown = config_unknown_keys(keys, props, ignore_prefixes);
    size_t n = sluice_strmap_count(unknown);
    for (size_t i = 0; i < n; i++) {
        const char *suggestion = sluice_strmap_value_at(unknown, i);
        if (suggestion[0])
            log_warn(context, "config",
                     "Unknown configuration '%s' will be ignored; did you mean '%s'?",
                     sluice_strmap_key_at(unknown, i), suggestion);
        else
            log_warn(context, "config", "Unknown configuration '%s' will be ignored",
                     sluice_strmap_key_at(unknown, i));
    }
    sluice_strmap_destroy(unknown);
    return n;
}

/* ---- rendering for logs --------------------------------------------------------------- */

void config_render(const sluice_config_t *config, const char *title, sluice_buf_t *out)
{
    sluice_buf_printf(out, "%s values: \n", title ? title : "Config");
    if (!config || !config->key_count)
        return;
    size_t *order = mem_alloc(config->key_count * sizeof(size_t));
    for (size_t i = 0; i < config->key_count; i++)
        order[i] = i;
    /* insertion sort: qsort would need the table in a global to compare
     * indices, and configs hold tens of keys */
    for (size_t i = 1; i < config->key_count; i++) {
        size_t x = order[i], j = i;
        while (j > 0 && strcmp(config->keys[order[j - 1]].name, config->keys[x].name) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
    for (size_t i = 0; i < config->key_count; i++) {
        const sluice_config_key_t *key = &config->keys[order[i]];
        sluice_buf_printf(out, "\t%s = ", key->name);
        config_put_value(key, &config->values[order[i]], out);
        sluice_buf_putc(out, '\n');
    }
    free(order);
}

bool config_name_is_sensitive(const char *name)
{
    static const char *const words[] = {"password",   "secret", "jaas.config",
                                        "credential", "token",  NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcasestr(name, words[i]))
            return true;
    size_t n = strlen(name);
    return n >= 4 && strcasecmp(name + n - 4, ".key") == 0;
}

void config_render_props(const sluice_config_key_t *keys, const sluice_strmap_t *props,
                         sluice_buf_t *out)
{
    for (size_t i = 0; props && i < sluice_strmap_count(props); i++) {
        const char *name = sluice_strmap_key_at(props, i);
        const sluice_config_key_t *key = config_find_key(keys, name);
        bool hide = key ? key->type == SLUICE_CONFIG_PASSWORD : config_name_is_sensitive(name);
        sluice_buf_printf(out, "\t%s = ", name);
        if (hide)
            sluice_buf_puts(out, CONFIG_HIDDEN);
        else
            config_put_shown(out, sluice_strmap_value_at(props, i));
        sluice_buf_putc(out, '\n');
    }
}
