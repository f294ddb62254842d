/*
 * UTF-8 helpers. Kafka's converters run on Java strings, so text that
 * reaches them has been decoded with U+FFFD for malformed bytes; these let
 * the C converters give the same result on the same bytes.
 */
#ifndef CONVERTERS_UTF8_H
#define CONVERTERS_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/*
 * Appends str[0..len) to out, replacing every malformed sequence with
 * U+FFFD as Java's decoder does. Returns the number of replacements.
 */
size_t utf8_append_sanitized(sluice_buf_t *out, const char *str, size_t len);

/*
 * The length of the valid UTF-8 sequence at s (at most avail bytes), or 0
 * when the bytes there are malformed; *cp gets the code point.
 */
size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* Appends the UTF-8 encoding of code point cp. */
void utf8_put(sluice_buf_t *out, uint32_t cp);

/* How many bytes one U+FFFD replaces at a malformed sequence at s (at least
 * 1): the lead byte and the continuation bytes that could still have formed
 * a valid sequence (Unicode's "maximal subpart", which Java follows). */
size_t utf8_malformed_length(const unsigned char *s, size_t avail);

#endif
