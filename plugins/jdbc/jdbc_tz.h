/*
 * Named time zones (db.timezone = "Europe/Paris") from the system's TZif
 * files under /usr/share/zoneinfo, for converting between epoch time and the
 * wall-clock time a MySQL session in that zone shows. Instants after the
 * file's last transition keep its last offset (the POSIX rule in the file's
 * footer is not evaluated). A loaded zone is read-only: any thread.
 */
#ifndef PLUGINS_JDBC_JDBC_TZ_H
#define PLUGINS_JDBC_JDBC_TZ_H

#include <stddef.h>
#include <stdint.h>

typedef struct jdbc_tz jdbc_tz_t;

/* Loads zone name (e.g. "America/New_York"). Returns NULL with errstr when
 * the name is malformed or the system has no such zone. */
jdbc_tz_t *jdbc_tz_load(const char *name, char *errstr, size_t errstr_size);

void jdbc_tz_destroy(jdbc_tz_t *tz);

/* Seconds east of UTC in force at utc_s (epoch seconds). */
long jdbc_tz_offset_at_utc(const jdbc_tz_t *tz, int64_t utc_s);

/*
 * Seconds east of UTC for wall-clock time local_s (seconds of a local
 * calendar date-time counted like epoch seconds), as java.time resolves it:
 * in an overlap the earlier offset, in a gap the offset before the gap (the
 * time moves forward by the gap's length).
 */
long jdbc_tz_offset_for_local(const jdbc_tz_t *tz, int64_t local_s);

#endif
