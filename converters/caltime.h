/*
 * Calendar arithmetic on milliseconds since the epoch, in UTC and the
 * proleptic Gregorian calendar, for the text forms of Date, Time and
 * Timestamp values (Kafka formats them with the JVM's time zone; Connect
 * workers run in UTC).
 */
#ifndef CONVERTERS_CALTIME_H
#define CONVERTERS_CALTIME_H

#include <stdint.h>

typedef struct caltime {
    int64_t year;
    int month;   /* 1..12 */
    int day;     /* 1..31 */
    int hour;    /* 0..23 */
    int minute;  /* 0..59 */
    int second;  /* 0..59 */
    int millis;  /* 0..999 */
    int weekday; /* 0 = Sunday */
} caltime_t;

/* Splits ms into calendar fields. */
void caltime_split(int64_t ms, caltime_t *t);

/* Days since 1970-01-01 of a date; month and day need not be in range
 * (month 13 is January of the next year, day 0 the last of the month before). */
int64_t caltime_days_from_civil(int64_t year, int64_t month, int64_t day);

#endif
