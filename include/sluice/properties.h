/*
 * Sluice public plugin ABI: reading Java .properties files.
 *
 * The host's own reader (java.util.Properties.load semantics, UTF-8 kept as
 * is, \uXXXX escapes decoded to UTF-8), offered to plugins so that a plugin
 * reading a properties file (such as FileConfigProvider) reads it exactly as
 * the worker reads its own config.
 */
#ifndef SLUICE_PROPERTIES_H
#define SLUICE_PROPERTIES_H

#include "strmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parses the properties file at path and sets each entry in out (a key seen
 * again overwrites the earlier value). Returns 0; or -1 with the problems,
 * one per line as "path:line: problem" (or "cannot read path: reason"), in
 * errstr, and out left unchanged. Error text never contains values.
 * Any thread may call it.
 */
int sluice_properties_parse_file(const char *path, sluice_strmap_t *out, char *errstr,
                                 size_t errstr_size);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_PROPERTIES_H */
