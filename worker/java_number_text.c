/*
 * Java's number-to-text rules, shared by every plugin through
 * sluice_format_double and sluice_value_to_text: Kafka puts Java's toString
 * output on the wire (Jackson writes doubles with Double.toString,
 * StringConverter and FileStreamSink print String.valueOf, Decimal text is
 * BigDecimal.toString).
 *
 * Since Java 19 Double.toString / Float.toString print the shortest decimal
 * that reads back as the same binary value (closest to it when several
 * qualify), so any correct shortest-digits search reproduces them. Ours asks
 * printf for the correctly rounded p-digit decimal for p = 1, 2, … and stops
 * at the first one strtod maps back to the value.
 *
 * printf and strtod follow LC_NUMERIC; Sluice never leaves the "C" locale.
 */
#include "java_number_text.h"

#include <sluice/value.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the digits and for any text sluice_format_double writes, with its NUL. */
#define JAVA_NUMBER_MAX 32

static bool java_number_reads_back(const char *digits, int n, int exp10, double v, bool is_float)
{
    char text[JAVA_NUMBER_MAX + 16];
    /* As an integer mantissa: "12345e-6". */
    snprintf(text, sizeof text, "%.*se%d", n, digits, exp10 - (n - 1));
    if (is_float)
        return strtof(text, NULL) == (float)v;
    return strtod(text, NULL) == v;
}

/* The correctly rounded p-significant-digit decimal of v (v > 0). */
static void java_number_round(double v, int p, char digits[JAVA_NUMBER_MAX], int *exp10)
{
    char text[64];
    snprintf(text, sizeof text, "%.*e", p - 1, v);
    int n = 0;
    const char *s = text;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            digits[n++] = *s;
    digits[n] = '\0';
    *exp10 = *s == 'e' ? atoi(s + 1) : 0;
}

/* The next p-digit decimal above (up) or below: one unit in the last place.
 * Returns false when stepping down would lose a digit (such a decimal is
 * shorter and was tried at a smaller p). */
static bool java_number_step(char digits[JAVA_NUMBER_MAX], int p, int *exp10, bool up)
{
    int i = p - 1;
    if (up) {
        while (i >= 0 && digits[i] == '9')
            digits[i--] = '0';
        if (i < 0) {
            digits[0] = '1'; /* 99…9 + 1 = 100…0, one power of ten higher */
            (*exp10)++;
        } else {
            digits[i]++;
        }
        return true;
    }
    while (i >= 0 && digits[i] == '0')
        digits[i--] = '9';
    if (i < 0)
        return false;
    digits[i]--;
    return digits[0] != '0';
}

static int java_number_strip(char digits[JAVA_NUMBER_MAX], int n)
{
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return n;
}

/*
 * True when v (positive) is a normal number whose significand is not a
 * power of two: then the interval of reals that round to v is symmetric and
 * narrower than the spacing of 15-digit (for floats 6-digit) decimals.
 */
static bool java_number_regular(double v, bool is_float)
{
    if (is_float) {
        float f = (float)v;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        return (bits >> 23 & 0xFF) != 0 && (bits & 0x7FFFFF) != 0;
    }
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return (bits >> 52 & 0x7FF) != 0 && (bits & 0xFFFFFFFFFFFFFULL) != 0;
}

static int java_number_shortest(double v, bool is_float, char digits[JAVA_NUMBER_MAX], int *exp10)
{
    int max_p = is_float ? 9 : 17;
    if (java_number_regular(v, is_float)) {
        /* The common case, in at most three printf calls. At most one
         * 15-digit decimal rounds to v, so when the closest one does, any
         * shorter decimal that does is that one without its trailing
         * zeros; past 15 digits the closest candidate is the only one
         * worth trying, the interval being symmetric. */
        for (int p = is_float ? 6 : 15; p <= max_p; p++) {
            java_number_round(v, p, digits, exp10);
            if (java_number_reads_back(digits, p, *exp10, v, is_float))
                return java_number_strip(digits, p);
        }
    }
    /* Powers of two and subnormals: try every length. */
    for (int p = 1; p <= max_p; p++) {
        char cand[JAVA_NUMBER_MAX];
        int e;
        java_number_round(v, p, cand, &e);
        bool found = java_number_reads_back(cand, p, e, v, is_float);
        if (!found) {
            /* Near a power of two the interval that rounds to v is lopsided:
             * the closest p-digit decimal may fall outside on the narrow side
             * while its neighbour on the wide side still reads back. */
            char other[JAVA_NUMBER_MAX];
            int oe;
            for (int up = 0; up <= 1 && !found; up++) {
                memcpy(other, cand, (size_t)p + 1);
                oe = e;
                if (java_number_step(other, p, &oe, up) &&
                    java_number_reads_back(other, p, oe, v, is_float)) {
                    memcpy(cand, other, (size_t)p + 1);
                    e = oe;
                    found = true;
                }
            }
        }
        if (!found)
            continue;
        if (p == 1) {
            /* Java looks at two-digit decimals too when one digit would do,
             * and takes the closer (Float.MIN_VALUE prints as 1.4E-45). */
            char two[JAVA_NUMBER_MAX];
            int e2;
            java_number_round(v, 2, two, &e2);
            if (two[1] != '0' && java_number_reads_back(two, 2, e2, v, is_float)) {
                memcpy(digits, two, 3);
                *exp10 = e2;
                return java_number_strip(digits, 2);
            }
        }
        memcpy(digits, cand, (size_t)p + 1);
        *exp10 = e;
        return java_number_strip(digits, p);
    }
    /* Unreachable: 17 (9) digits always read back. Fall back to them. */
    java_number_round(v, max_p, digits, exp10);
    return java_number_strip(digits, max_p);
}

/* Lays the digits out as Java does: plain for 1e-3 <= |v| < 1e7 (at least
 * one digit after the point), else computerised scientific notation. */
static size_t java_number_layout(bool negative, const char *digits, int n, int e, char *out)
{
    char *p = out;
    if (negative)
        *p++ = '-';
    if (e >= -3 && e < 7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++)
                *p++ = i < n ? digits[i] : '0';
            *p++ = '.';
            if (n > e + 1) {
                memcpy(p, digits + e + 1, (size_t)(n - e - 1));
                p += n - e - 1;
            } else {
                *p++ = '0';
            }
        } else {
            *p++ = '0';
            *p++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *p++ = '0';
            memcpy(p, digits, (size_t)n);
            p += n;
        }
        *p = '\0';
    } else {
        *p++ = digits[0];
        *p++ = '.';
        if (n > 1) {
            memcpy(p, digits + 1, (size_t)(n - 1));
            p += n - 1;
        } else {
            *p++ = '0';
        }
        p += sprintf(p, "E%d", e);
    }
    return (size_t)(p - out);
}

static void java_number_special(double v, sluice_buf_t *out)
{
    if (isnan(v))
        sluice_buf_puts(out, "NaN");
    else if (isinf(v))
        sluice_buf_puts(out, v > 0 ? "Infinity" : "-Infinity");
    else
        sluice_buf_puts(out, signbit(v) ? "-0.0" : "0.0");
}

void sluice_format_double(double value, bool is_float, sluice_buf_t *out)
{
    if (is_float)
        value = (float)value;
    if (!isfinite(value) || value == 0) {
        java_number_special(value, out);
        return;
    }
    char digits[JAVA_NUMBER_MAX];
    int e;
    int n = java_number_shortest(fabs(value), is_float, digits, &e);
    char *text = sluice_buf_reserve(out, JAVA_NUMBER_MAX);
    sluice_buf_commit(out, java_number_layout(signbit(value), digits, n, e, text));
}

void java_number_big_decimal(const uint8_t *unscaled, size_t len, int32_t scale, sluice_buf_t *out)
{
    static const uint8_t zero = 0;
    sluice_buf_t *integer = sluice_buf_new();
    if (len == 0)
        sluice_decimal_to_string(&zero, 1, 0, integer);
    else
        sluice_decimal_to_string(unscaled, len, 0, integer);
    const char *text = sluice_buf_data(integer);
    bool negative = text[0] == '-';
    const char *coeff = text + (negative ? 1 : 0);
    int64_t ndigits = (int64_t)strlen(coeff);
    int64_t adjusted = -(int64_t)scale + (ndigits - 1);
    if (negative)
        sluice_buf_putc(out, '-');
    if (scale >= 0 && adjusted >= -6) {
        /* Plain: the point falls inside the digits or at most six zeros before them. */
        if (scale == 0) {
            sluice_buf_append(out, coeff, (size_t)ndigits);
        } else if (ndigits > scale) {
            sluice_buf_append(out, coeff, (size_t)(ndigits - scale));
            sluice_buf_putc(out, '.');
            sluice_buf_append(out, coeff + (ndigits - scale), (size_t)scale);
        } else {
            sluice_buf_puts(out, "0.");
            for (int64_t i = 0; i < scale - ndigits; i++)
                sluice_buf_putc(out, '0');
            sluice_buf_append(out, coeff, (size_t)ndigits);
        }
    } else {
        sluice_buf_putc(out, coeff[0]);
        if (ndigits > 1) {
            sluice_buf_putc(out, '.');
            sluice_buf_append(out, coeff + 1, (size_t)(ndigits - 1));
        }
        if (adjusted != 0)
            sluice_buf_printf(out, "E%s%lld", adjusted > 0 ? "+" : "", (long long)adjusted);
    }
    sluice_buf_destroy(integer);
}
