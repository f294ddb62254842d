/*
 * A JSON writer that produces exactly the bytes Jackson's default
 * ObjectMapper writes, which is what Kafka's JsonConverter puts on the wire:
 * no whitespace, strings escaped as Jackson escapes them, doubles and floats
 * as Java's Double.toString / Float.toString, non-finite numbers as the
 * strings "NaN", "Infinity" and "-Infinity", bytes as base64 strings.
 * The caller writes the punctuation ({ } [ ] , :) itself.
 */
#ifndef CONVERTERS_JSON_WRITER_H
#define CONVERTERS_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/*
 * A quoted string: '"' and '\\' and the control characters \b \t \n \f \r
 * get short escapes, other characters below 0x20 \u00XX with upper-case hex;
 * everything else, '/' and non-ASCII included, is copied. Invalid UTF-8 is
 * replaced by U+FFFD, as Java would have done when the text was decoded.
 */
void jsonw_string(sluice_buf_t *out, const char *str, size_t len);

/* How many of the first len bytes of str jsonw_string copies as they are
 * (printable ASCII but '"' and '\\'): when it is len, the quoted string is
 * those bytes between quotes. */
size_t jsonw_plain_len(const char *str, size_t len);

void jsonw_int(sluice_buf_t *out, int64_t v);

/* The most bytes jsonw_int_format writes: "-9223372036854775808". */
#define JSONW_INT_MAX 20

/* Writes v in decimal (as printf's PRId64) at dst, which has room for
 * JSONW_INT_MAX bytes; no NUL. Returns the number of bytes written. */
size_t jsonw_int_format(char *dst, int64_t v);
void jsonw_double(sluice_buf_t *out, double v);
void jsonw_float(sluice_buf_t *out, float v);
void jsonw_bool(sluice_buf_t *out, bool v);
void jsonw_null(sluice_buf_t *out);

/* A quoted base64 string of len bytes. */
void jsonw_bytes(sluice_buf_t *out, const uint8_t *data, size_t len);

/* The length of the base64 text of len bytes ('=' padding included). */
#define JSONW_BASE64_LEN(len) (((len) + 2) / 3 * 4)

/* Writes the standard base64 text of len bytes (sluice_base64_encode's) at
 * dst, which has room for JSONW_BASE64_LEN(len) bytes; no NUL. Returns the
 * number of bytes written. */
size_t jsonw_base64_format(char *dst, const uint8_t *data, size_t len);

#endif
