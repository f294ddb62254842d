/*
 * A subset of java.text.SimpleDateFormat, formatting in UTC, for
 * TimestampRouter's timestamp.format.
 *
 * Supported pattern letters: y (year; "yy" is the last two digits), M
 * (month: M and MM numbers, MMM "Jan", MMMM "January"), d (day of month),
 * H (hour 0-23), m (minute), s (second), S (millisecond). A run of n
 * letters pads its number with zeros to n digits. Text in single quotes is
 * literal ('' is one quote), as is every character that is not an ASCII
 * letter. Other letters are refused when the pattern is compiled.
 */
#ifndef TRANSFORMS_DATE_FORMAT_H
#define TRANSFORMS_DATE_FORMAT_H

#include <sluice/sluice.h>

typedef struct tf_datefmt tf_datefmt_t;

/* Compiles pattern. Returns NULL with the reason (naming the letter and its
 * position) in errstr. */
tf_datefmt_t *tf_datefmt_new(const char *pattern, char *errstr, size_t errstr_size);

/* NULL does nothing. */
void tf_datefmt_destroy(tf_datefmt_t *fmt);

/* Appends the UTC date and time of epoch_ms (any int64, before 1970 too). */
void tf_datefmt_format(const tf_datefmt_t *fmt, int64_t epoch_ms, sluice_buf_t *out);

/* The check behind the timestamp.format validator: compiles and frees. */
int tf_datefmt_check(const char *name, const char *value, char *errstr, size_t errstr_size);

#endif
