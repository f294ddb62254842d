/*
 * Kafka's FileStream connectors (connect/file in Apache Kafka) as a Sluice
 * plugin: FileStreamSource follows a file (or stdin) and emits one STRING
 * record per line; FileStreamSink appends one line per record to a file (or
 * stdout). This library may use only libc and the public sluice_* ABI, which
 * resolves against the host binary when the library is loaded.
 */
#ifndef PLUGINS_FILE_FILE_CONNECTORS_H
#define PLUGINS_FILE_FILE_CONNECTORS_H

#include <sluice/sluice.h>

/* Kafka reports its own release as the connectors' version; these report Sluice's. */
#define FILE_CONNECTORS_VERSION SLUICE_VERSION_STRING

/* Kafka's config keys and the source's offset fields. */
#define FILE_CONFIG "file"
#define FILE_TOPIC_CONFIG "topic"
#define FILE_BATCH_SIZE_CONFIG "batch.size"
#define FILE_FILENAME_FIELD "filename"
#define FILE_POSITION_FIELD "position"

extern const sluice_class_t file_stream_source_class;
extern const sluice_class_t file_stream_sink_class;

extern const sluice_source_task_ops_t file_stream_source_task_ops;
extern const sluice_sink_task_ops_t file_stream_sink_task_ops;

/* Allocation with the host's policy: abort when memory runs out. */
void *file_alloc(size_t size);
void *file_calloc(size_t count, size_t size);
void *file_realloc(void *ptr, size_t size);
char *file_strdup(const char *str);

/*
 * Adds every entry of the connector's properties to one new task config in
 * out: Kafka's FileStream connectors hand each task the whole connector
 * configuration.
 */
void file_task_config_add(sluice_task_configs_t *out, const sluice_strmap_t *props);

/*
 * UTF-8 as Java decodes it, since Kafka reads the file through a UTF-8
 * InputStreamReader: file_utf8_valid tells whether len bytes are
 * well-formed UTF-8; file_utf8_repair returns a malloc()ed, NUL-terminated
 * copy (length in *out_len) where each ill-formed sequence (its maximal
 * subpart, as Unicode recommends) is replaced by U+FFFD.
 */
bool file_utf8_valid(const char *data, size_t len);
char *file_utf8_repair(const char *data, size_t len, size_t *out_len);

#endif
