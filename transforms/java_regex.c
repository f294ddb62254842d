/*
 * Java regex → POSIX ERE translation (see java_regex.h for what is kept and
 * what is refused). The translation is wrapped as ^(...)$ so regexec can
 * only report a match of the whole string; that wrapper is POSIX
 * subexpression 1, and each Java group is mapped to its POSIX number
 * because (?:...) groups capture in POSIX.
 */
#include "java_regex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/sluice.h>

#include "transforms.h"

struct tf_regex {
    regex_t re;
    size_t groups;    /* Java capturing groups */
    size_t *posix_of; /* [n] = the POSIX subexpression of Java group n (n >= 1) */
    size_t nsub;      /* POSIX subexpressions + 1 */
    regmatch_t *scratch;
};

typedef struct tf_rx_parse {
    const char *pattern;
    size_t pos;
    sluice_buf_t *out;
    size_t java_groups;
    size_t posix_groups;
    size_t *posix_of;
    size_t posix_of_cap;
    char *errstr;
    size_t errstr_size;
} tf_rx_parse_t;

static int tf_rx_fail(tf_rx_parse_t *p, size_t at, const char *fmt, ...) SLUICE_PRINTF(3, 4);

static int tf_rx_fail(tf_rx_parse_t *p, size_t at, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(p->errstr, p->errstr_size, "%s near index %zu of %s", why, at, p->pattern);
    return -1;
}

/* Characters that must be escaped to stand for themselves in an ERE. */
static bool tf_rx_ere_special(char c)
{
    return c && strchr(".[]()*+?{}|^$\\", c) != NULL;
}

static void tf_rx_literal(tf_rx_parse_t *p, char c)
{
    if (tf_rx_ere_special(c))
        sluice_buf_putc(p->out, '\\');
    sluice_buf_putc(p->out, c);
}

/* ---- bracket expressions -------------------------------------------------------- */

typedef struct tf_rx_class {
    sluice_buf_t *middle; /* chars, ranges and [:class:] items that may go anywhere */
    bool negated, rbracket, caret, dash, lbracket;
} tf_rx_class_t;

/* Records a single literal byte of a class. */
static int tf_rx_class_char(tf_rx_parse_t *p, tf_rx_class_t *cls, unsigned char c, size_t at)
{
    if (c >= 0x80)
        return tf_rx_fail(p, at, "non-ASCII characters in a character class are not supported");
    switch (c) {
    case ']': cls->rbracket = true; break;
    case '^': cls->caret = true; break;
    case '-': cls->dash = true; break;
    case '[': cls->lbracket = true; break;
    default: sluice_buf_putc(cls->middle, (char)c); break;
    }
    return 0;
}

/*
 * Reads one class member at p->pos: a literal (possibly escaped) into *c, or
 * a predefined class added to cls directly (*c = -1). Returns 0 or -1.
 */
static int tf_rx_class_atom(tf_rx_parse_t *p, tf_rx_class_t *cls, int *c)
{
    const char *s = p->pattern;
    size_t at = p->pos;
    if (s[p->pos] == '[')
        return tf_rx_fail(p, at, "nested character classes are not supported");
    if (s[p->pos] == '&' && s[p->pos + 1] == '&')
        return tf_rx_fail(p, at, "character class intersections (&&) are not supported");
    if (s[p->pos] != '\\') {
        *c = (unsigned char)s[p->pos++];
        return 0;
    }
    char e = s[p->pos + 1];
    if (!e)
        return tf_rx_fail(p, at, "unterminated escape");
    p->pos += 2;
    switch (e) {
    case 'd':
        sluice_buf_puts(cls->middle, "[:digit:]");
        *c = -1;
        return 0;
    case 's':
        sluice_buf_puts(cls->middle, "[:space:]");
        *c = -1;
        return 0;
    case 'w':
        sluice_buf_puts(cls->middle, "[:alnum:]_");
        *c = -1;
        return 0;
    case 't': *c = '\t'; return 0;
    case 'n': *c = '\n'; return 0;
    case 'r': *c = '\r'; return 0;
    case 'f': *c = '\f'; return 0;
    default: break;
    }
    if (isalnum((unsigned char)e))
        return tf_rx_fail(p, at, "the escape \\%c is not supported inside a character class", e);
    *c = (unsigned char)e;
    return 0;
}

static int tf_rx_class(tf_rx_parse_t *p)
{
    const char *s = p->pattern;
    size_t start = p->pos++;
    tf_rx_class_t cls = {.middle = sluice_buf_new()};
    int rc = -1;
    if (s[p->pos] == '^') {
        cls.negated = true;
        p->pos++;
    }
    bool first = true;
    for (;;) {
        if (!s[p->pos]) {
            tf_rx_fail(p, start, "unclosed character class");
            goto done;
        }
        if (s[p->pos] == ']' && !first) {
            p->pos++;
            break;
        }
        size_t at = p->pos;
        int lo;
        if (first && s[p->pos] == ']') {
            lo = ']';
            p->pos++;
        } else if (tf_rx_class_atom(p, &cls, &lo) < 0) {
            goto done;
        }
        first = false;
        if (lo < 0)
            continue;
        /* a range, unless the '-' ends the class */
        if (s[p->pos] == '-' && s[p->pos + 1] && s[p->pos + 1] != ']') {
            p->pos++;
            int hi = -1;
            if (tf_rx_class_atom(p, &cls, &hi) < 0)
                goto done;
            if (hi < 0) {
                tf_rx_fail(p, at, "a range cannot end in a predefined class");
                goto done;
            }
            if (hi < lo) {
                tf_rx_fail(p, at, "illegal character range %c-%c", lo, hi);
                goto done;
            }
            if (lo >= 0x80 || hi >= 0x80 || strchr("[]^-", lo) || strchr("[]^-", hi)) {
                tf_rx_fail(p, at, "a range from or to %c is not supported",
                           strchr("[]^-", lo) ? lo : hi);
                goto done;
            }
            sluice_buf_printf(cls.middle, "%c-%c", lo, hi);
            continue;
        }
        if (tf_rx_class_char(p, &cls, (unsigned char)lo, at) < 0)
            goto done;
    }

    /* POSIX places ']' first, '-' last and '^' anywhere but first. */
    bool empty_after_open = !cls.negated && !cls.rbracket && sluice_buf_len(cls.middle) == 0;
    if (cls.caret && empty_after_open && !cls.lbracket && !cls.dash) {
        sluice_buf_puts(p->out, "\\^");
        rc = 0;
        goto done;
    }
    sluice_buf_putc(p->out, '[');
    if (cls.negated)
        sluice_buf_putc(p->out, '^');
    if (cls.rbracket)
        sluice_buf_putc(p->out, ']');
    sluice_buf_append(p->out, sluice_buf_data(cls.middle), sluice_buf_len(cls.middle));
    if (cls.caret && empty_after_open) {
        /* '^' must not come first: let '[' or '-' lead */
        if (cls.lbracket)
            sluice_buf_putc(p->out, '[');
        else
            sluice_buf_putc(p->out, '-');
        sluice_buf_putc(p->out, '^');
        if (cls.lbracket && cls.dash)
            sluice_buf_putc(p->out, '-');
    } else {
        if (cls.caret)
            sluice_buf_putc(p->out, '^');
        if (cls.lbracket)
            sluice_buf_putc(p->out, '[');
        if (cls.dash)
            sluice_buf_putc(p->out, '-');
    }
    sluice_buf_putc(p->out, ']');
    rc = 0;
done:
    sluice_buf_destroy(cls.middle);
    return rc;
}

/* ---- the rest ------------------------------------------------------------------- */

static void tf_rx_map_group(tf_rx_parse_t *p)
{
    p->java_groups++;
    if (p->java_groups >= p->posix_of_cap) {
        p->posix_of_cap = p->posix_of_cap ? p->posix_of_cap * 2 : 8;
        p->posix_of = tf_realloc(p->posix_of, p->posix_of_cap * sizeof(size_t));
    }
    p->posix_of[p->java_groups] = p->posix_groups;
}

static int tf_rx_escape(tf_rx_parse_t *p)
{
    const char *s = p->pattern;
    size_t at = p->pos;
    char e = s[p->pos + 1];
    if (!e)
        return tf_rx_fail(p, at, "unexpected trailing backslash");
    p->pos += 2;
    switch (e) {
    case 'd': sluice_buf_puts(p->out, "[[:digit:]]"); return 0;
    case 'D': sluice_buf_puts(p->out, "[^[:digit:]]"); return 0;
    case 's': sluice_buf_puts(p->out, "[[:space:]]"); return 0;
    case 'S': sluice_buf_puts(p->out, "[^[:space:]]"); return 0;
    case 'w': sluice_buf_puts(p->out, "[[:alnum:]_]"); return 0;
    case 'W': sluice_buf_puts(p->out, "[^[:alnum:]_]"); return 0;
    case 't': sluice_buf_putc(p->out, '\t'); return 0;
    case 'n': sluice_buf_putc(p->out, '\n'); return 0;
    case 'r': sluice_buf_putc(p->out, '\r'); return 0;
    case 'f': sluice_buf_putc(p->out, '\f'); return 0;
    case 'Q': {
        const char *end = strstr(s + p->pos, "\\E");
        size_t stop = end ? (size_t)(end - s) : strlen(s);
        for (; p->pos < stop; p->pos++)
            tf_rx_literal(p, s[p->pos]);
        if (end)
            p->pos += 2;
        return 0;
    }
    case 'E': return 0; /* a stray \E is ignored, as Java does */
    default: break;
    }
    if (e >= '0' && e <= '9')
        return tf_rx_fail(p, at, "back-references (\\%c) are not supported", e);
    if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z' || e == 'G')
        return tf_rx_fail(p, at, "the boundary matcher \\%c is not supported", e);
    if (e == 'p' || e == 'P')
        return tf_rx_fail(p, at, "Unicode property classes (\\%c{...}) are not supported", e);
    if (isalpha((unsigned char)e))
        return tf_rx_fail(p, at, "the escape \\%c is not supported", e);
    tf_rx_literal(p, e);
    return 0;
}

/* After a quantifier: Java's reluctant (?) and possessive (+) forms have no
 * POSIX equivalent. */
static int tf_rx_quantifier_suffix(tf_rx_parse_t *p, size_t at)
{
    char c = p->pattern[p->pos];
    if (c == '?')
        return tf_rx_fail(p, at, "reluctant quantifiers (such as *?) are not supported");
    if (c == '+')
        return tf_rx_fail(p, at, "possessive quantifiers (such as *+) are not supported");
    return 0;
}

static int tf_rx_group_open(tf_rx_parse_t *p)
{
    const char *s = p->pattern;
    size_t at = p->pos;
    if (s[p->pos + 1] != '?') {
        p->pos++;
        p->posix_groups++;
        tf_rx_map_group(p);
        sluice_buf_putc(p->out, '(');
        return 0;
    }
    char k = s[p->pos + 2];
    if (k == ':') {
        p->pos += 3;
        p->posix_groups++; /* captures in POSIX, invisible to Java's numbering */
        sluice_buf_putc(p->out, '(');
        return 0;
    }
    if (k == '=' || k == '!')
        return tf_rx_fail(p, at, "look-ahead groups are not supported");
    if (k == '<' && (s[p->pos + 3] == '=' || s[p->pos + 3] == '!'))
        return tf_rx_fail(p, at, "look-behind groups are not supported");
    if (k == '<')
        return tf_rx_fail(p, at, "named groups are not supported");
    if (k == '>')
        return tf_rx_fail(p, at, "atomic groups are not supported");
    return tf_rx_fail(p, at, "inline flags and special groups (?%c are not supported", k ? k : ' ');
}

static int tf_rx_translate(tf_rx_parse_t *p)
{
    const char *s = p->pattern;
    int depth = 0;
    sluice_buf_puts(p->out, "^(");
    p->posix_groups = 1;
    while (s[p->pos]) {
        size_t at = p->pos;
        char c = s[p->pos];
        switch (c) {
        case '\\':
            if (tf_rx_escape(p) < 0)
                return -1;
            break;
        case '[':
            if (tf_rx_class(p) < 0)
                return -1;
            break;
        case '(':
            if (tf_rx_group_open(p) < 0)
                return -1;
            depth++;
            break;
        case ')':
            if (depth == 0)
                return tf_rx_fail(p, at, "unmatched closing ')'");
            depth--;
            p->pos++;
            sluice_buf_putc(p->out, ')');
            break;
        case '*':
        case '+':
        case '?':
            p->pos++;
            sluice_buf_putc(p->out, c);
            if (tf_rx_quantifier_suffix(p, at) < 0)
                return -1;
            break;
        case '{': {
            size_t i = p->pos + 1;
            size_t digits = 0;
            while (isdigit((unsigned char)s[i]))
                i++, digits++;
            if (digits && s[i] == ',') {
                i++;
                while (isdigit((unsigned char)s[i]))
                    i++;
            }
            if (!digits || s[i] != '}')
                return tf_rx_fail(p, at, "illegal repetition");
            sluice_buf_append(p->out, s + p->pos, i + 1 - p->pos);
            p->pos = i + 1;
            if (tf_rx_quantifier_suffix(p, at) < 0)
                return -1;
            break;
        }
        default:
            /* . ^ $ | keep their meaning; everything else is literal */
            p->pos++;
            if (c == '.' || c == '^' || c == '$' || c == '|')
                sluice_buf_putc(p->out, c);
            else
                tf_rx_literal(p, c);
            break;
        }
    }
    if (depth)
        return tf_rx_fail(p, strlen(s), "unclosed group");
    sluice_buf_puts(p->out, ")$");
    return 0;
}

tf_regex_t *tf_regex_new(const char *pattern, char *errstr, size_t errstr_size)
{
    tf_rx_parse_t p = {
        .pattern = pattern,
        .out = sluice_buf_new(),
        .errstr = errstr,
        .errstr_size = errstr_size,
    };
    tf_regex_t *re = NULL;
    if (tf_rx_translate(&p) < 0)
        goto done;
    re = tf_calloc(1, sizeof(*re));
    int rc = regcomp(&re->re, sluice_buf_data(p.out), REG_EXTENDED);
    if (rc != 0) {
        char why[256];
        regerror(rc, &re->re, why, sizeof why);
        snprintf(errstr, errstr_size, "%s in %s", why, pattern);
        free(re);
        re = NULL;
        goto done;
    }
    re->groups = p.java_groups;
    re->posix_of = p.posix_of;
    p.posix_of = NULL;
    re->nsub = re->re.re_nsub + 1;
    re->scratch = tf_calloc(re->nsub, sizeof(regmatch_t));
done:
    free(p.posix_of);
    sluice_buf_destroy(p.out);
    return re;
}

void tf_regex_destroy(tf_regex_t *re)
{
    if (!re)
        return;
    regfree(&re->re);
    free(re->posix_of);
    free(re->scratch);
    free(re);
}

size_t tf_regex_group_count(const tf_regex_t *re)
{
    return re->groups;
}

bool tf_regex_matches(const tf_regex_t *re, const char *text, regmatch_t *groups)
{
    if (!groups)
        return regexec(&re->re, text, 0, NULL, 0) == 0;
    if (regexec(&re->re, text, re->nsub, re->scratch, 0) != 0)
        return false;
    groups[0] = re->scratch[0];
    for (size_t n = 1; n <= re->groups; n++)
        groups[n] = re->scratch[re->posix_of[n]];
    return true;
}

int tf_regex_check(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    (void)name;
    if (!value)
        return 0;
    char why[384];
    tf_regex_t *re = tf_regex_new(value, why, sizeof why);
    if (!re) {
        snprintf(errstr, errstr_size, "Invalid regex: %s", why);
        return -1;
    }
    tf_regex_destroy(re);
    return 0;
}
