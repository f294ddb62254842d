/* Named time zones read from TZif files (RFC 8536), version 2 or later. */
#include "jdbc_tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdbc_common.h"

#define JDBC_ZONEINFO_DIR "/usr/share/zoneinfo"

struct jdbc_tz {
    int64_t *times;   /* transition instants, epoch seconds, ascending */
    int32_t *offsets; /* the offset in force from times[i] on */
    size_t count;
    int32_t initial; /* the offset before the first transition */
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Zone names are paths below the zoneinfo directory: letters, digits, _ + - / only. */
static bool name_ok(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, ".."))
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '+' || *p == '-' || *p == '/'))
            return false;
    return true;
}

jdbc_tz_t *jdbc_tz_load(const char *name, char *errstr, size_t errstr_size)
{
    if (!name || !name_ok(name)) {
        snprintf(errstr, errstr_size, "%s is not a time zone name", name ? name : "null");
        return NULL;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", JDBC_ZONEINFO_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errstr, errstr_size, "unknown time zone %s (no %s)", name, path);
        return NULL;
    }
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            if (cap > (1u << 20))
                break;
            data = jdbc_realloc(data, cap);
        }
        size_t n = fread(data + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);

    jdbc_tz_t *tz = NULL;
    const unsigned char *p = data;
    const unsigned char *end = data + len;
    /* Header: magic, version, 15 reserved, six counts. */
    if (len < 44 || memcmp(p, "TZif", 4) != 0 || p[4] < '2')
        goto bad;
    uint32_t isut = be32(p + 20), isstd = be32(p + 24), leap = be32(p + 28);
    uint32_t timecnt = be32(p + 32), typecnt = be32(p + 36), charcnt = be32(p + 40);
    /* Skip the version 1 block (32-bit times). */
    size_t v1 =
        (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt + (size_t)leap * 8 + isstd + isut;
    p += 44 + v1;
    if (p + 44 > end || memcmp(p, "TZif", 4) != 0)
        goto bad;
    isut = be32(p + 20);
    isstd = be32(p + 24);
    leap = be32(p + 28);
    timecnt = be32(p + 32);
    typecnt = be32(p + 36);
    charcnt = be32(p + 40);
    p += 44;
    if (typecnt == 0 || (size_t)(end - p) < (size_t)timecnt * 9 + (size_t)typecnt * 6)
        goto bad;
    const unsigned char *times = p;
    const unsigned char *idx = p + (size_t)timecnt * 8;
    const unsigned char *types = idx + timecnt;

    tz = jdbc_calloc(1, sizeof *tz);
    tz->count = timecnt;
    tz->times = jdbc_calloc(timecnt, sizeof *tz->times);
    tz->offsets = jdbc_calloc(timecnt, sizeof *tz->offsets);
    for (uint32_t i = 0; i < timecnt; i++) {
        if (idx[i] >= typecnt)
            goto bad;
        tz->times[i] = be64(times + (size_t)i * 8);
        tz->offsets[i] = (int32_t)be32(types + (size_t)idx[i] * 6);
    }
    /* Before the first transition: the first non-DST type (RFC 8536 3.2). */
    tz->initial = (int32_t)be32(types);
    for (uint32_t i = 0; i < typecnt; i++) {
        if (types[(size_t)i * 6 + 4] == 0) {
            tz->initial = (int32_t)be32(types + (size_t)i * 6);
            break;
        }
    }
    (void)isut;
    (void)isstd;
    (void)leap;
    (void)charcnt;
    free(data);
    return tz;

bad:
    free(data);
    jdbc_tz_destroy(tz);
    snprintf(errstr, errstr_size, "%s is not a TZif file this connector can read", path);
    return NULL;
}

void jdbc_tz_destroy(jdbc_tz_t *tz)
{
    if (!tz)
        return;
    free(tz->times);
    free(tz->offsets);
    free(tz);
}

long jdbc_tz_offset_at_utc(const jdbc_tz_t *tz, int64_t utc_s)
{
    /* The last transition at or before utc_s (binary search). */
    size_t lo = 0, hi = tz->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->times[mid] <= utc_s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? tz->initial : tz->offsets[lo - 1];
}

long jdbc_tz_offset_for_local(const jdbc_tz_t *tz, int64_t local_s)
{
    /* The offsets in force a day either side cover every candidate. */
    long before = jdbc_tz_offset_at_utc(tz, local_s - 86400);
    long after = jdbc_tz_offset_at_utc(tz, local_s + 86400);
    /* Valid when the instant local - offset really has that offset. */
    bool before_ok = jdbc_tz_offset_at_utc(tz, local_s - before) == before;
    bool after_ok = jdbc_tz_offset_at_utc(tz, local_s - after) == after;
    if (before_ok && after_ok) /* an overlap (or no transition): the earlier instant */
        return before > after ? before : after;
    if (before_ok)
        return before;
    if (after_ok)
        return after;
    return before; /* a gap: move forward by its length */
}
