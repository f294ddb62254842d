/* Java .properties reading and writing (see properties.h). */
#include "properties.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/properties.h>

#include "mem.h"

/* Past this many problems the rest are only counted: a binary file fed in
 * by mistake would otherwise produce one error per line. */
#define PROPS_MAX_ERRORS 20

/* Where a natural line starts inside the logical line buffer, so that an
 * escape found later can be reported at its own line and column. */
typedef struct props_seg {
    size_t off;    /* offset in the logical line */
    unsigned line; /* 1-based natural line number */
    size_t col;    /* 1-based column of the byte at off */
} props_seg_t;

typedef struct props_parser {
    const char *data;
    size_t len;
    size_t pos;
    unsigned line;     /* the natural line pos is on */
    size_t line_start; /* offset of that line's first byte */
    const char *source;
    sluice_buf_t *errors;
    unsigned error_count;

    char *lbuf; /* the current logical line, escapes still in place */
    size_t llen;
    size_t lcap;
    props_seg_t *segs;
    size_t nsegs;
    size_t segcap;
} props_parser_t;

static void props_error(props_parser_t *p, unsigned line, const char *fmt, ...) SLUICE_PRINTF(3, 4);

static void props_error(props_parser_t *p, unsigned line, const char *fmt, ...)
{
    p->error_count++;
    if (p->error_count > PROPS_MAX_ERRORS)
        return;
    if (sluice_buf_len(p->errors))
        sluice_buf_putc(p->errors, '\n');
    sluice_buf_printf(p->errors, "%s:%u: ", p->source, line);
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(p->errors, fmt, ap);
    va_end(ap);
}

static size_t props_col(const props_parser_t *p)
{
    return p->pos - p->line_start + 1;
}

/* Consumes one line terminator (CR, LF or CRLF) at pos. */
static void props_eat_newline(props_parser_t *p)
{
    if (p->data[p->pos] == '\r' && p->pos + 1 < p->len && p->data[p->pos + 1] == '\n')
        p->pos++;
    p->pos++;
    p->line++;
    p->line_start = p->pos;
}

static bool props_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static void props_add_seg(props_parser_t *p)
{
    mem_grow((void **)&p->segs, &p->segcap, p->nsegs + 1, sizeof(props_seg_t));
    p->segs[p->nsegs++] = (props_seg_t){.off = p->llen, .line = p->line, .col = props_col(p)};
}

static void props_append(props_parser_t *p, char c)
{
    mem_grow((void **)&p->lbuf, &p->lcap, p->llen + 1, 1);
    p->lbuf[p->llen++] = c;
}

/* The line and column of offset off in the logical line. */
static void props_locate(const props_parser_t *p, size_t off, unsigned *line, size_t *col)
{
    size_t i = 0;
    while (i + 1 < p->nsegs && p->segs[i + 1].off <= off)
        i++;
    *line = p->segs[i].line;
    *col = p->segs[i].col + (off - p->segs[i].off);
}

/*
 * Reads the next logical line into lbuf, joining continued lines and
 * skipping blank and comment lines. Returns 1 with a line, 0 at the end of
 * the input, -1 for a line that held a NUL byte (already reported).
 */
static int props_read_line(props_parser_t *p)
{
    for (;;) {
        while (p->pos < p->len) {
            char c = p->data[p->pos];
            if (props_is_space(c))
                p->pos++;
            else if (c == '\r' || c == '\n')
                props_eat_newline(p);
            else
                break;
        }
        if (p->pos >= p->len)
            return 0;
        char c = p->data[p->pos];
        if (c != '#' && c != '!')
            break;
        /* A comment runs to the end of its line; a trailing backslash does
         * not continue it. */
        bool nul = false;
        unsigned line = p->line;
        while (p->pos < p->len && p->data[p->pos] != '\r' && p->data[p->pos] != '\n') {
            if (p->data[p->pos] == '\0' && !nul) {
                props_error(p, line, "NUL byte at column %zu (is this a binary file?)",
                            props_col(p));
                nul = true;
            }
            p->pos++;
        }
        if (p->pos < p->len)
            props_eat_newline(p);
    }

    p->llen = 0;
    p->nsegs = 0;
    props_add_seg(p);
    bool backslash = false; /* the bytes so far end in an odd run of backslashes */
    bool nul = false;
    while (p->pos < p->len) {
        char c = p->data[p->pos];
        if (c == '\r' || c == '\n') {
            props_eat_newline(p);
            if (!backslash)
                return nul ? -1 : 1;
            p->llen--; /* the continuation backslash itself */
            backslash = false;
            while (p->pos < p->len && props_is_space(p->data[p->pos]))
                p->pos++;
            props_add_seg(p);
            continue;
        }
        if (c == '\0' && !nul) {
            props_error(p, p->line, "NUL byte at column %zu (is this a binary file?)",
                        props_col(p));
            nul = true;
        }
        props_append(p, c);
        backslash = c == '\\' ? !backslash : false;
        p->pos++;
    }
    if (backslash)
        p->llen--; /* Java drops a continuation backslash at the end of the input */
    return nul ? -1 : 1;
}

static int props_hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void props_put_utf8(sluice_buf_t *out, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    sluice_buf_append(out, b, n);
}

/*
 * Decodes the escapes of lbuf[start, end) into out. Returns 0, or -1 after
 * reporting the first bad escape (with its own line and column; never the
 * text around it, which may be a secret).
 */
/* Decodes lbuf[start, end) into out. key is the decoded key when a value
 * is decoded (it is named in errors), NULL when the key itself is. */
static int props_unescape(props_parser_t *p, size_t start, size_t end, sluice_buf_t *out,
                          const char *key)
{
    const char *s = p->lbuf;
    const char *kp = key ? key : "", *ks = key ? ": " : "";
    unsigned line;
    size_t col;
    for (size_t i = start; i < end; i++) {
        if (s[i] != '\\') {
            sluice_buf_putc(out, s[i]);
            continue;
        }
        size_t esc = i++;
        if (i >= end)
            break; /* cannot happen: an odd trailing backslash continues the line */
        char c = s[i];
        if (c != 'u') {
            sluice_buf_putc(out, c == 't'   ? '\t'
                                 : c == 'n' ? '\n'
                                 : c == 'r' ? '\r'
                                 : c == 'f' ? '\f'
                                            : c);
            continue;
        }
        unsigned cp;
        if (end - i - 1 < 4 || props_hex4(s + i + 1, &cp) < 0) {
            props_locate(p, esc, &line, &col);
            props_error(p, line, "%s%smalformed \\uXXXX escape at column %zu", kp, ks, col);
            return -1;
        }
        i += 4;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (end - i - 1 < 6 || s[i + 1] != '\\' || s[i + 2] != 'u' ||
                props_hex4(s + i + 3, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
                props_locate(p, esc, &line, &col);
                props_error(p, line,
                            "%s%s\\u%04X escape at column %zu is a high surrogate not followed "
                            "by a \\uDC00-\\uDFFF escape",
                            kp, ks, cp, col);
                return -1;
            }
            i += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            props_locate(p, esc, &line, &col);
            props_error(p, line,
                        "%s%s\\u%04X escape at column %zu is a low surrogate without a high one",
                        kp, ks, cp, col);
            return -1;
        } else if (cp == 0) {
            props_locate(p, esc, &line, &col);
            props_error(p, line, "%s%s\\u0000 escape at column %zu: NUL is not allowed", kp, ks,
                        col);
            return -1;
        }
        props_put_utf8(out, cp);
    }
    return 0;
}

/* Splits the logical line into key and value as Properties.load does and
 * stores them in map. */
static void props_store_line(props_parser_t *p, sluice_strmap_t *map, sluice_buf_t *key,
                             sluice_buf_t *value)
{
    size_t key_len = 0, value_start = p->llen;
    bool has_sep = false, backslash = false;
    while (key_len < p->llen) {
        char c = p->lbuf[key_len];
        if ((c == '=' || c == ':') && !backslash) {
            value_start = key_len + 1;
            has_sep = true;
            break;
        }
        if (props_is_space(c) && !backslash) {
            value_start = key_len + 1;
            break;
        }
        backslash = c == '\\' ? !backslash : false;
        key_len++;
    }
    while (value_start < p->llen) {
        char c = p->lbuf[value_start];
        if (!props_is_space(c)) {
            if (!has_sep && (c == '=' || c == ':'))
                has_sep = true;
            else
                break;
        }
        value_start++;
    }
    if (key_len == 0) {
        props_error(p, p->segs[0].line, "empty key (the line starts with '%c')", p->lbuf[0]);
        return;
    }
    sluice_buf_reset(key);
    sluice_buf_reset(value);
    if (props_unescape(p, 0, key_len, key, NULL) < 0 ||
        props_unescape(p, value_start, p->llen, value, sluice_buf_data(key)) < 0)
        return;
    sluice_strmap_set(map, sluice_buf_data(key), sluice_buf_data(value));
}

static void props_copy_errors(props_parser_t *p, char *errstr, size_t errstr_size)
{
    if (p->error_count > PROPS_MAX_ERRORS)
        sluice_buf_printf(p->errors, "\n%s: %u more problems not shown", p->source,
                          p->error_count - PROPS_MAX_ERRORS);
    if (errstr_size)
        snprintf(errstr, errstr_size, "%s", sluice_buf_data(p->errors));
}

int props_parse_buffer(const char *data, size_t len, const char *source, sluice_strmap_t *out,
                       char *errstr, size_t errstr_size)
{
    props_parser_t p = {
        .data = data,
        .len = len,
        .line = 1,
        .source = source ? source : "<properties>",
        .errors = sluice_buf_new(),
    };
    sluice_strmap_t *map = sluice_strmap_new();
    sluice_buf_t *key = sluice_buf_new(), *value = sluice_buf_new();
    int r;
    while ((r = props_read_line(&p)) != 0) {
        if (r > 0)
            props_store_line(&p, map, key, value);
    }
    int ret = 0;
    if (p.error_count) {
        props_copy_errors(&p, errstr, errstr_size);
        ret = -1;
    } else {
        for (size_t i = 0; i < sluice_strmap_count(map); i++)
            sluice_strmap_set(out, sluice_strmap_key_at(map, i), sluice_strmap_value_at(map, i));
        if (errstr_size)
            errstr[0] = '\0';
    }
    sluice_strmap_destroy(map);
    sluice_buf_destroy(key);
    sluice_buf_destroy(value);
    sluice_buf_destroy(p.errors);
    free(p.lbuf);
    free(p.segs);
    return ret;
}

int props_parse_file(const char *path, sluice_strmap_t *out, char *errstr, size_t errstr_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(errstr, errstr_size, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(errstr, errstr_size, "cannot read %s: %s", path, strerror(EISDIR));
        close(fd);
        return -1;
    }
    sluice_buf_t *buf = sluice_buf_new();
    for (;;) {
        void *dst = sluice_buf_reserve(buf, 65536);
        ssize_t n = read(fd, dst, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(errstr, errstr_size, "cannot read %s: %s", path, strerror(errno));
            sluice_buf_destroy(buf);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        sluice_buf_commit(buf, (size_t)n);
    }
    close(fd);
    int ret = props_parse_buffer(sluice_buf_data(buf), sluice_buf_len(buf), path, out, errstr,
                                 errstr_size);
    sluice_buf_destroy(buf);
    return ret;
}

int sluice_properties_parse_file(const char *path, sluice_strmap_t *out, char *errstr,
                                 size_t errstr_size)
{
    return props_parse_file(path, out, errstr, errstr_size);
}

/* Escapes text as Properties.store does; in keys every space is escaped, in
 * values only a leading one (the reader would drop it). */
static void props_write_escaped(sluice_buf_t *out, const char *text, bool is_key)
{
    for (const char *s = text; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case ' ':
            if (is_key || s == text)
                sluice_buf_putc(out, '\\');
            sluice_buf_putc(out, ' ');
            break;
        case '\t': sluice_buf_puts(out, "\\t"); break;
        case '\n': sluice_buf_puts(out, "\\n"); break;
        case '\r': sluice_buf_puts(out, "\\r"); break;
        case '\f': sluice_buf_puts(out, "\\f"); break;
        case '\\': sluice_buf_puts(out, "\\\\"); break;
        case '=':
        case ':':
        case '#':
        case '!':
            sluice_buf_putc(out, '\\');
            sluice_buf_putc(out, (char)c);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                sluice_buf_printf(out, "\\u%04X", c);
            else
                sluice_buf_putc(out, (char)c);
        }
    }
}

void props_write(const sluice_strmap_t *map, const char *comment, sluice_buf_t *out)
{
    if (comment) {
        sluice_buf_putc(out, '#');
        for (const char *s = comment; *s; s++) {
            if (*s == '\r' && s[1] == '\n')
                continue;
            if (*s == '\r' || *s == '\n')
                sluice_buf_puts(out, "\n#");
            else
                sluice_buf_putc(out, *s);
        }
        sluice_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < sluice_strmap_count(map); i++) {
        props_write_escaped(out, sluice_strmap_key_at(map, i), true);
        sluice_buf_putc(out, '=');
        props_write_escaped(out, sluice_strmap_value_at(map, i), false);
        sluice_buf_putc(out, '\n');
    }
}

int props_write_file(const char *path, const sluice_strmap_t *map, const char *comment,
                     char *errstr, size_t errstr_size)
{
    sluice_buf_t *text = sluice_buf_new();
    props_write(map, comment, text);
    size_t plen = strlen(path);
    char *tmp = mem_alloc(plen + sizeof ".tmp.XXXXXX");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int ret = -1;
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        snprintf(errstr, errstr_size, "cannot create a temporary file beside %s: %s", path,
                 strerror(errno));
        goto done;
    }
    const char *p = sluice_buf_data(text);
    size_t left = sluice_buf_len(text);
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(errstr, errstr_size, "cannot write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            goto done;
        }
        p += n;
        left -= (size_t)n;
    }
    int synced = fsync(fd);
    if (close(fd) < 0 || synced < 0) {
        snprintf(errstr, errstr_size, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, path) < 0) {
        snprintf(errstr, errstr_size, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto done;
    }
    ret = 0;
done:
    free(tmp);
    sluice_buf_destroy(text);
    return ret;
}
