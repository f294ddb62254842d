/*
 * Sluice public plugin ABI: a growable byte buffer.
 *
 * Converters write their output into a buffer the host owns, so that
 * serialising a record allocates nothing in the common case. A buffer also
 * has a "null" state, distinct from empty, for Kafka's null message
 * (a tombstone).
 */
#ifndef SLUICE_BUF_H
#define SLUICE_BUF_H

#include <stdarg.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sluice_buf sluice_buf_t;

/* A new empty, non-null buffer; free it with sluice_buf_destroy(). */
sluice_buf_t *sluice_buf_new(void);

/* Frees the buffer and its bytes. NULL does nothing. */
void sluice_buf_destroy(sluice_buf_t *buf);

/* Empties the buffer and clears its null state; keeps the allocation. */
void sluice_buf_reset(sluice_buf_t *buf);

/* Marks the buffer as holding a null message (and empties it). */
void sluice_buf_set_null(sluice_buf_t *buf);

/* True when the buffer holds a null message. */
bool sluice_buf_is_null(const sluice_buf_t *buf);

/*
 * Appends bytes / one byte / a NUL-terminated string / formatted text.
 * Appending clears the null state. Returns the offset at which the bytes
 * were written, so a length or checksum can be filled in afterwards with
 * sluice_buf_write_at().
 */
size_t sluice_buf_append(sluice_buf_t *buf, const void *data, size_t len);
size_t sluice_buf_putc(sluice_buf_t *buf, char c);
size_t sluice_buf_puts(sluice_buf_t *buf, const char *str);
size_t sluice_buf_printf(sluice_buf_t *buf, const char *fmt, ...) SLUICE_PRINTF(2, 3);
size_t sluice_buf_vprintf(sluice_buf_t *buf, const char *fmt, va_list ap);

/* Overwrites len bytes at offset; offset + len must not exceed the length. */
void sluice_buf_write_at(sluice_buf_t *buf, size_t offset, const void *data, size_t len);

/* Makes room for at least len more bytes; returns where they go. Follow with
 * sluice_buf_commit(buf, n) for the n bytes actually written. */
void *sluice_buf_reserve(sluice_buf_t *buf, size_t len);
void sluice_buf_commit(sluice_buf_t *buf, size_t len);

/* Drops bytes from the end so that the length becomes len (len <= length). */
void sluice_buf_truncate(sluice_buf_t *buf, size_t len);

/* The bytes; always followed by a NUL that is not counted in the length.
 * Valid until the next call that changes the buffer. */
const char *sluice_buf_data(const sluice_buf_t *buf);
size_t sluice_buf_len(const sluice_buf_t *buf);

/* Takes the bytes out as a malloc()ed, NUL-terminated string the caller
 * frees with free(); the buffer is left empty. *len may be NULL. */
char *sluice_buf_detach(sluice_buf_t *buf, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_BUF_H */
