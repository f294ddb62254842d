/*
 * Number text as Java prints it, for the host's value text
 * (sluice_value_to_text) beside the public sluice_format_double.
 */
#ifndef WORKER_JAVA_NUMBER_TEXT_H
#define WORKER_JAVA_NUMBER_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/*
 * Appends BigDecimal.toString() of unscaled × 10^-scale, where unscaled is
 * two's-complement big-endian (len 0 reads as zero): plain notation, or
 * "1.23E+5" style when the scale is negative or the adjusted exponent is
 * below -6. Any thread.
 */
void java_number_big_decimal(const uint8_t *unscaled, size_t len, int32_t scale, sluice_buf_t *out);

#endif
