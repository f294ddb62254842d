/*
 * Java .properties files, read and written as java.util.Properties does, so
 * that Kafka's worker and connector files work verbatim.
 *
 * Reading follows Properties.load: '#' and '!' comment lines, '=', ':' or
 * white space between key and value, backslash escapes (\t \n \r \f, \uXXXX,
 * anything else is the character itself), a line ending in an odd number of
 * backslashes continues on the next one (whose leading white space is
 * dropped), and CR, LF or CRLF line ends. Bytes other than escapes are kept
 * as they are (so a UTF-8 file stays UTF-8); \uXXXX escapes become UTF-8.
 *
 * Stricter than Java, because a silently mangled config is worse than an
 * error: a malformed or unpaired-surrogate \u escape, an escape or byte that
 * would put a NUL in a string, and an empty key are errors.
 *
 * Any thread may call these functions; they keep no state.
 */
#ifndef WORKER_PROPERTIES_H
#define WORKER_PROPERTIES_H

#include <sluice/buf.h>
#include <sluice/strmap.h>

/*
 * Parses len bytes at data as a properties file and sets each entry in out
 * (a key seen again overwrites the value and keeps its first position).
 * source names the input in errors (a path; NULL gives "<properties>").
 * Returns 0; or -1 with every problem found, one per line as
 * "source:line: problem", in errstr, and out left unchanged.
 */
int props_parse_buffer(const char *data, size_t len, const char *source, sluice_strmap_t *out,
                       char *errstr, size_t errstr_size);

/* As props_parse_buffer for the file at path; a file that cannot be read is
 * an error naming it and the reason. */
int props_parse_file(const char *path, sluice_strmap_t *out, char *errstr, size_t errstr_size);

/*
 * Appends map as properties text to out, escaping as Properties.store does
 * (so props_parse_buffer reads back the same map). Bytes above 0x7e are
 * written unescaped (UTF-8 stays readable); other control characters become
 * \uXXXX. comment (may be NULL) is written first as '#' lines. An empty key
 * is written as Java writes it ("=value"), which props_parse_buffer rejects.
 */
void props_write(const sluice_strmap_t *map, const char *comment, sluice_buf_t *out);

/*
 * Writes map to path through a temporary file renamed into place, so a
 * crash never leaves a half-written file, with mode 0600 because configs
 * hold secrets. Returns 0, or -1 with the reason in errstr.
 */
int props_write_file(const char *path, const sluice_strmap_t *map, const char *comment,
                     char *errstr, size_t errstr_size);

#endif
