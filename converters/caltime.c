#include "caltime.h"

#define CALTIME_MS_PER_DAY 86400000LL

static int64_t caltime_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The days-from-civil algorithm of H. Hinnant, public domain. */
int64_t caltime_days_from_civil(int64_t year, int64_t month, int64_t day)
{
    int64_t m0 = month - 1;
    year += caltime_floor_div(m0, 12);
    month = m0 - caltime_floor_div(m0, 12) * 12 + 1;
    year -= month <= 2;
    int64_t era = caltime_floor_div(year, 400);
    int64_t yoe = year - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + 1 - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 + (day - 1);
}

void caltime_split(int64_t ms, caltime_t *t)
{
    int64_t days = caltime_floor_div(ms, CALTIME_MS_PER_DAY);
    int64_t rem = ms - days * CALTIME_MS_PER_DAY;
    t->hour = (int)(rem / 3600000);
    t->minute = (int)(rem / 60000 % 60);
    t->second = (int)(rem / 1000 % 60);
    t->millis = (int)(rem % 1000);
    t->weekday = (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */

    int64_t z = days + 719468;
    int64_t era = caltime_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    t->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    t->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    t->year = yoe + era * 400 + (t->month <= 2);
}
