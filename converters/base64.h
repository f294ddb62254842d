/*
 * Base64 as Jackson reads byte arrays (its default MIME-NO-LINEFEEDS
 * variant: the standard alphabet, '=' padding). Writing it is the host's
 * sluice_base64_encode.
 */
#ifndef CONVERTERS_BASE64_H
#define CONVERTERS_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/*
 * Appends the bytes that text (len characters) encodes to out. Whitespace is
 * skipped, as Jackson does; padding is required. Returns 0, or -1 with
 * errstr naming the offending character and its offset.
 */
int base64_decode(const char *text, size_t len, sluice_buf_t *out, char *errstr,
                  size_t errstr_size);

#endif
