/* sluice_buf_t: the growable byte buffer of the public ABI. */
#include <sluice/buf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct sluice_buf {
    char *data; /* always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
    bool is_null;
};

sluice_buf_t *sluice_buf_new(void)
{
    return mem_calloc(1, sizeof(sluice_buf_t));
}

void sluice_buf_destroy(sluice_buf_t *buf)
{
    if (!buf)
        return;
    free(buf->data);
    free(buf);
}

static void buf_ensure(sluice_buf_t *buf, size_t extra)
{
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    size_t ncap = buf->cap ? buf->cap : 64;
    while (ncap < need)
        ncap *= 2;
    buf->data = mem_realloc(buf->data, ncap);
    buf->cap = ncap;
}

void sluice_buf_reset(sluice_buf_t *buf)
{
    buf->len = 0;
    buf->is_null = false;
    if (buf->data)
        buf->data[0] = '\0';
}

void sluice_buf_set_null(sluice_buf_t *buf)
{
    sluice_buf_reset(buf);
    buf->is_null = true;
}

bool sluice_buf_is_null(const sluice_buf_t *buf)
{
    return buf->is_null;
}

size_t sluice_buf_append(sluice_buf_t *buf, const void *data, size_t len)
{
    size_t off = buf->len;
    buf_ensure(buf, len);
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    buf->is_null = false;
    return off;
}

size_t sluice_buf_putc(sluice_buf_t *buf, char c)
{
    return sluice_buf_append(buf, &c, 1);
}

size_t sluice_buf_puts(sluice_buf_t *buf, const char *str)
{
    return sluice_buf_append(buf, str, strlen(str));
}

size_t sluice_buf_vprintf(sluice_buf_t *buf, const char *fmt, va_list ap)
{
    size_t off = buf->len;
    va_list ap2;
    va_copy(ap2, ap);
    buf_ensure(buf, 64);
    int n = vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        buf->data[buf->len] = '\0';
        return off;
    }
    if ((size_t)n >= buf->cap - buf->len) {
        buf_ensure(buf, (size_t)n);
        vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, ap2);
    }
    va_end(ap2);
    buf->len += (size_t)n;
    buf->is_null = false;
    return off;
}

size_t sluice_buf_printf(sluice_buf_t *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t off = sluice_buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return off;
}

void sluice_buf_write_at(sluice_buf_t *buf, size_t offset, const void *data, size_t len)
{
    if (offset > buf->len || len > buf->len - offset)
        abort(); /* a caller bug, never input-driven */
    memcpy(buf->data + offset, data, len);
}

void *sluice_buf_reserve(sluice_buf_t *buf, size_t len)
{
    buf_ensure(buf, len);
    return buf->data + buf->len;
}

void sluice_buf_commit(sluice_buf_t *buf, size_t len)
{
    if (len > buf->cap - buf->len - 1)
        abort();
    buf->len += len;
    buf->data[buf->len] = '\0';
    buf->is_null = false;
}

void sluice_buf_truncate(sluice_buf_t *buf, size_t len)
{
    if (len < buf->len) {
        buf->len = len;
        buf->data[len] = '\0';
    }
}

const char *sluice_buf_data(const sluice_buf_t *buf)
{
    return buf->data ? buf->data : "";
}

size_t sluice_buf_len(const sluice_buf_t *buf)
{
    return buf->len;
}

char *sluice_buf_detach(sluice_buf_t *buf, size_t *len)
{
    char *p = buf->data ? buf->data : mem_strdup("");
    if (len)
        *len = buf->len;
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->is_null = false;
    return p;
}
