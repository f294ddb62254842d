/*
 * SimpleDateFormat subset: the pattern is compiled once into a list of
 * fields and literal runs, then formatting is a walk over that list.
 */
#include "date_format.h"

#include <inttypes.h>

#include "transforms.h"

typedef struct tf_datefmt_item {
    char letter; /* 0 for a literal */
    int count;   /* letters in the run */
    char *text;  /* the literal */
} tf_datefmt_item_t;

struct tf_datefmt {
    tf_datefmt_item_t *items;
    size_t count;
};

static const char *const tf_month_short[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const tf_month_long[12] = {"January",   "February", "March",    "April",
                                              "May",       "June",     "July",     "August",
                                              "September", "October",  "November", "December"};

/* What Java means by the letters this subset lacks, for the refusal. */
static const char *tf_datefmt_letter_meaning(char c)
{
    switch (c) {
    case 'G': return "era";
    case 'Y': return "week year";
    case 'L': return "stand-alone month";
    case 'w': return "week in year";
    case 'W': return "week in month";
    case 'D': return "day in year";
    case 'F': return "day of week in month";
    case 'E': return "day name in week";
    case 'u': return "day number of week";
    case 'a': return "am/pm marker";
    case 'k': return "hour in day (1-24)";
    case 'K': return "hour in am/pm (0-11)";
    case 'h': return "hour in am/pm (1-12)";
    case 'z':
    case 'Z':
    case 'X': return "time zone";
    default: return NULL;
    }
}

static void tf_datefmt_push(tf_datefmt_t *fmt, char letter, int count, char *text)
{
    fmt->items = tf_realloc(fmt->items, (fmt->count + 1) * sizeof(tf_datefmt_item_t));
    fmt->items[fmt->count++] = (tf_datefmt_item_t){.letter = letter, .count = count, .text = text};
}

tf_datefmt_t *tf_datefmt_new(const char *pattern, char *errstr, size_t errstr_size)
{
    tf_datefmt_t *fmt = tf_calloc(1, sizeof(*fmt));
    sluice_buf_t *lit = sluice_buf_new();
    size_t i = 0;
    while (pattern[i]) {
        char c = pattern[i];
        if (c == '\'') {
            if (pattern[i + 1] == '\'') { /* '' outside quotes: one quote */
                sluice_buf_putc(lit, '\'');
                i += 2;
                continue;
            }
            size_t open = i++;
            for (;;) {
                if (!pattern[i]) {
                    snprintf(errstr, errstr_size,
                             "Unterminated quote at position %zu of date format %s", open, pattern);
                    goto fail;
                }
                if (pattern[i] == '\'') {
                    if (pattern[i + 1] == '\'') {
                        sluice_buf_putc(lit, '\'');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                sluice_buf_putc(lit, pattern[i++]);
            }
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            sluice_buf_putc(lit, c);
            i++;
            continue;
        }
        if (!strchr("yMdHmsS", c)) {
            const char *meaning = tf_datefmt_letter_meaning(c);
            snprintf(errstr, errstr_size,
                     "%s pattern letter '%c'%s%s%s at position %zu of date format %s; only y, M, "
                     "d, H, m, s and S are supported (quote literal text with ')",
                     meaning ? "Unsupported" : "Illegal", c, meaning ? " (" : "",
                     meaning ? meaning : "", meaning ? ")" : "", i, pattern);
            goto fail;
        }
        if (sluice_buf_len(lit)) {
            tf_datefmt_push(fmt, 0, 0, sluice_buf_detach(lit, NULL));
            sluice_buf_reset(lit);
        }
        int count = 0;
        while (pattern[i] == c) {
            count++;
            i++;
        }
        tf_datefmt_push(fmt, c, count, NULL);
    }
    if (sluice_buf_len(lit))
        tf_datefmt_push(fmt, 0, 0, sluice_buf_detach(lit, NULL));
    sluice_buf_destroy(lit);
    return fmt;
fail:
    sluice_buf_destroy(lit);
    tf_datefmt_destroy(fmt);
    return NULL;
}

void tf_datefmt_destroy(tf_datefmt_t *fmt)
{
    if (!fmt)
        return;
    for (size_t i = 0; i < fmt->count; i++)
        free(fmt->items[i].text);
    free(fmt->items);
    free(fmt);
}

/* Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * civil_from_days, valid for every int64 day count we can be given). */
static void tf_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void tf_datefmt_number(sluice_buf_t *out, int64_t n, int width)
{
    sluice_buf_printf(out, "%0*" PRId64, width, n);
}

void tf_datefmt_format(const tf_datefmt_t *fmt, int64_t epoch_ms, sluice_buf_t *out)
{
    /* floor division, so times before 1970 land on the right day */
    int64_t days = epoch_ms / 86400000;
    int64_t ms_of_day = epoch_ms % 86400000;
    if (ms_of_day < 0) {
        ms_of_day += 86400000;
        days--;
    }
    int64_t year;
    int month, day;
    tf_civil_from_days(days, &year, &month, &day);
    /* SimpleDateFormat's y is the year of era: 1 BC is year 1. */
    int64_t year_of_era = year > 0 ? year : 1 - year;
    for (size_t i = 0; i < fmt->count; i++) {
        const tf_datefmt_item_t *it = &fmt->items[i];
        switch (it->letter) {
        case 0: sluice_buf_puts(out, it->text); break;
        case 'y':
            if (it->count == 2)
                tf_datefmt_number(out, year_of_era % 100, 2);
            else
                tf_datefmt_number(out, year_of_era, it->count);
            break;
        case 'M':
            if (it->count >= 4)
                sluice_buf_puts(out, tf_month_long[month - 1]);
            else if (it->count == 3)
                sluice_buf_puts(out, tf_month_short[month - 1]);
            else
                tf_datefmt_number(out, month, it->count);
            break;
        case 'd': tf_datefmt_number(out, day, it->count); break;
        case 'H': tf_datefmt_number(out, ms_of_day / 3600000, it->count); break;
        case 'm': tf_datefmt_number(out, ms_of_day / 60000 % 60, it->count); break;
        case 's': tf_datefmt_number(out, ms_of_day / 1000 % 60, it->count); break;
        case 'S': tf_datefmt_number(out, ms_of_day % 1000, it->count); break;
        default: break;
        }
    }
}

int tf_datefmt_check(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    (void)name;
    if (!value)
        return 0;
    tf_datefmt_t *fmt = tf_datefmt_new(value, errstr, errstr_size);
    if (!fmt)
        return -1;
    tf_datefmt_destroy(fmt);
    return 0;
}
