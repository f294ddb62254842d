/*
 * The standalone worker's source-offset store (Kafka's FileOffsetBackingStore
 * plus OffsetStorageWriter/Reader, for offset.storage.file.filename).
 *
 * It maps (connector name, source partition) to a source offset, where the
 * partition and the offset are MAPs with STRING keys. Entries are held the
 * way Kafka writes them to its offsets topic (reference §7.5), with
 * JsonConverter and schemas disabled:
 *
 *     key   ["local-file-source",{"filename":"/tmp/test.txt"}]
 *     value {"position":1234}
 *
 * Map entries are written in insertion order, so a partition built with its
 * keys in a different order is a different key (as with Kafka's byte-keyed
 * store).
 *
 * File format. Kafka's own file is a Java-serialised HashMap, which nothing
 * but a JVM reads; ours is text, one entry per line, in the order the entries
 * were first put:
 *
 *     {"key":["local-file-source",{"filename":"/tmp/test.txt"}],"value":{"position":1234}}
 *
 * The file is replaced atomically on flush: written to "<file>.tmp" in the
 * same directory, fsync'ed, renamed over the file, and the directory fsync'ed,
 * so a crash leaves either the old or the new content, never a mix. A missing
 * file is an empty store; a malformed one is refused, never partly read.
 *
 * JSON types, as JsonConverter without schemas: INT8..INT64 are written as
 * integers and read back as INT64, FLOAT32/FLOAT64 as numbers read back as
 * FLOAT64, BOOLEAN, STRING, ARRAY and MAP (STRING keys) as themselves. BYTES,
 * STRUCT, non-STRING map keys and non-finite floats are refused by put,
 * because they would not read back as what was written.
 *
 * Threads: every function may be called from any thread and concurrently with
 * the others on the same store (task threads put, a flusher thread flushes);
 * one mutex guards the entries and flushes are serialised by a second one, so
 * puts never wait for an fsync. new and destroy must not race with anything.
 */
#ifndef WORKER_OFFSET_STORE_H
#define WORKER_OFFSET_STORE_H

#include <stddef.h>
#include <sluice/value.h>

typedef struct offset_store offset_store_t;

/* One source partition and its offset. A NULL offset in a put deletes the
 * partition's entry (Kafka's tombstone). */
typedef struct offset_store_entry {
    sluice_value_t *partition;
    sluice_value_t *offset;
} offset_store_entry_t;

/* Frees count entries and their values, then the array. NULL does nothing. */
void offset_store_entries_free(offset_store_entry_t *entries, size_t count);

/*
 * A store backed by the file at path, loaded now (a missing file gives an
 * empty store). path NULL gives a store in memory only, whose flush does
 * nothing. Returns NULL with errstr naming the file, the line and the column
 * when the file cannot be read or is malformed. Destroy with
 * offset_store_destroy().
 */
offset_store_t *offset_store_new(const char *path, char *errstr, size_t errstr_size);

/* Frees the store without flushing. NULL does nothing. */
void offset_store_destroy(offset_store_t *store);

/* The file path given to new (borrowed), or NULL for a memory store. */
const char *offset_store_path(const offset_store_t *store);

/*
 * The offset stored for connector's partition: a new MAP the caller destroys,
 * or NULL when there is none.
 */
sluice_value_t *offset_store_get(offset_store_t *store, const char *connector,
                                 const sluice_value_t *partition);

/*
 * Puts count (partition, offset) pairs for connector, copying them (the
 * entries stay the caller's). The batch is all or nothing: when one
 * partition or offset is not a MAP with STRING keys of storable values,
 * nothing changes and -1 is returned with errstr naming the bad entry.
 * Returns 0 otherwise; the store becomes dirty.
 */
int offset_store_put(offset_store_t *store, const char *connector,
                     const offset_store_entry_t *entries, size_t count, char *errstr,
                     size_t errstr_size);

/*
 * Writes the file atomically when something changed since the last
 * successful flush. Returns 0 (also when clean or in memory), or -1 with
 * errstr naming the file and the failed step; the store stays dirty and the
 * old file intact.
 */
int offset_store_flush(offset_store_t *store, char *errstr, size_t errstr_size);

/* True when there are changes not yet flushed. */
bool offset_store_dirty(offset_store_t *store);

/* Removes every offset of connector; returns how many there were. */
size_t offset_store_remove_connector(offset_store_t *store, const char *connector);

/*
 * The offsets of connector, in the order first put: *entries gets a new array
 * of copies the caller frees with offset_store_entries_free() (NULL when
 * there are none). Returns the count.
 */
size_t offset_store_list(offset_store_t *store, const char *connector,
                         offset_store_entry_t **entries);

/* ---- the serialised forms, shared with a topic-backed store ------------- */

/*
 * The key bytes ["<connector>",<partition json>] as a malloc()ed string
 * (free()), *len (may be NULL) set to its length; NULL with errstr when the
 * partition cannot be stored.
 */
char *offset_store_key_encode(const char *connector, const sluice_value_t *partition, size_t *len,
                              char *errstr, size_t errstr_size);

/* The value bytes (the offset map's JSON), as offset_store_key_encode. */
char *offset_store_value_encode(const sluice_value_t *offset, size_t *len, char *errstr,
                                size_t errstr_size);

/*
 * Decodes key bytes into *connector (malloc()ed) and *partition (a MAP).
 * Returns 0, or -1 with errstr when the bytes are not [string, object].
 */
int offset_store_key_decode(const char *data, size_t len, char **connector,
                            sluice_value_t **partition, char *errstr, size_t errstr_size);

/* Decodes value bytes into a MAP (caller destroys); NULL with errstr when
 * they are not a JSON object. */
sluice_value_t *offset_store_value_decode(const char *data, size_t len, char *errstr,
                                          size_t errstr_size);

#endif
