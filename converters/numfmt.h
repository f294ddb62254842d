/*
 * Number text exactly as Java writes it, because Kafka's converters put
 * Java's toString output on the wire (Jackson writes doubles with
 * Double.toString, SimpleHeaderConverter writes BigDecimal.toString).
 */
#ifndef CONVERTERS_NUMFMT_H
#define CONVERTERS_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/* Room for any text numfmt_double or numfmt_float writes, with its NUL. */
#define NUMFMT_MAX 32

/*
 * Writes Double.toString(v) / Float.toString(v) of Java 19 and later (the
 * shortest digits that read back as v; plain notation for 1e-3 <= |v| < 1e7,
 * else "1.0E10" style; "NaN", "Infinity", "-Infinity", "-0.0") into out,
 * which has NUMFMT_MAX bytes. Returns the length.
 */
size_t numfmt_double(double v, char *out);
size_t numfmt_float(float v, char *out);

/*
 * The shortest decimal digits that read back as v (finite, not zero):
 * digits gets them without trailing zeros, NUL-terminated (at most 17), and
 * *exp10 the power of ten of the first digit, so v = d.ddd × 10^exp10.
 * is_float picks float32 round-tripping. Returns the number of digits.
 */
int numfmt_shortest(double v, bool is_float, char digits[NUMFMT_MAX], int *exp10);

/*
 * Appends BigDecimal.toString() of the decimal unscaled × 10^-scale, where
 * unscaled is the integer text (optional '-', then digits, no leading zeros
 * unless it is "0"): plain notation, or "1.23E+5" style when the scale is
 * negative or the adjusted exponent is below -6.
 */
void numfmt_decimal(const char *unscaled, int32_t scale, sluice_buf_t *out);

#endif
