/*
 * A segment's two sparse indexes, in Kafka's file formats (big-endian):
 *
 *   <base>.index      8-byte entries: int32 offset relative to the segment's
 *                     base offset, int32 file position of a batch. Kafka's
 *                     rule: the entry names the batch's LAST offset and the
 *                     position where that batch starts.
 *   <base>.timeindex  12-byte entries: int64 timestamp, int32 relative offset:
 *                     the largest timestamp seen so far in the segment and
 *                     the last offset of the batch that holds it.
 *
 * Both are appended every index.interval.bytes of log. The active segment's
 * files are preallocated to segment.index.bytes and memory-mapped read-write
 * (as Kafka does); a closed segment's are trimmed to their entries and mapped
 * read-only. Entries strictly increase, so lookups are binary searches.
 *
 * Threads: an index belongs to its segment and is used under the rules of
 * partition_log.h (the network thread appends to the active segment's
 * indexes; a closed segment's are read by either thread under the partition's
 * mutex).
 */
#ifndef BROKER_LOG_INDEX_H
#define BROKER_LOG_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BROKER_OFFSET_INDEX_ENTRY 8
#define BROKER_TIME_INDEX_ENTRY 12

typedef struct broker_index {
    int fd; /* -1 when not open */
    char *path;
    uint8_t *map; /* NULL when nothing is mapped */
    size_t map_bytes;
    size_t entry_size;
    size_t entries;
    size_t max_entries;
    int64_t base_offset;
    bool writable;
    bool created;    /* the file did not exist: its segment's index must be rebuilt */
    bool misaligned; /* the file's size was not a multiple of the entry size */
} broker_index_t;

/*
 * Opens (creating if missing) the index file at path (copied) into *idx.
 * max_bytes > 0 opens it for appending: the file is grown to max_bytes
 * (rounded down to whole entries) and mapped read-write; 0 maps exactly its
 * entries read-only. The entry count is the file's size over the entry size,
 * which after a crash includes preallocated zeros: run the check before
 * trusting it. Returns 0, or -1 with errstr set (idx then needs no close).
 */
int broker_index_open(broker_index_t *idx, const char *path, size_t entry_size, int64_t base_offset,
                      size_t max_bytes, char *errstr, size_t errstr_size);

/* Trims a writable index to its entries, unmaps and closes it. A zeroed or
 * already closed index does nothing. */
void broker_index_close(broker_index_t *idx);

/* Trims the file to its entries and maps it read-only (a segment becoming
 * inactive). Returns 0 or -1 (errno set). */
int broker_index_trim(broker_index_t *idx);

/* Drops every entry, making the index writable with max_bytes of room first
 * if it was not (an index rebuild). Returns 0 or -1 (errno set). */
int broker_index_reset(broker_index_t *idx, size_t max_bytes);

/* Keeps the first n entries (recovery truncation). */
void broker_index_truncate(broker_index_t *idx, size_t n);

static inline bool broker_index_is_full(const broker_index_t *idx)
{
    return idx->entries >= idx->max_entries;
}

/* Points the index at a new path after its file was renamed (copied). */
void broker_index_set_path(broker_index_t *idx, const char *path);

/* Offset index. Append returns 0, or -1 when the index is full, not
 * writable, or offset/position do not increase. */
int broker_offset_index_append(broker_index_t *idx, int64_t offset, int64_t position);
void broker_offset_index_entry(const broker_index_t *idx, size_t i, int64_t *offset,
                               int64_t *position);

/* The entry with the largest offset <= target; (base offset, 0) if none. */
void broker_offset_index_lookup(const broker_index_t *idx, int64_t target, int64_t *offset,
                                int64_t *position);

/* The entry with the largest position <= max_position; (base offset, 0) if
 * none. Positions are batch starts, so this finds a batch boundary near a
 * byte limit without reading the log. */
void broker_offset_index_lookup_position(const broker_index_t *idx, int64_t max_position,
                                         int64_t *offset, int64_t *position);

/* 0 when entries are well-formed: whole entries, relative offsets >= 0 and
 * strictly increasing, positions > 0 and strictly increasing. Else -1 with
 * errstr naming the first bad entry. */
int broker_offset_index_check(const broker_index_t *idx, char *errstr, size_t errstr_size);

/* Time index. Appends (timestamp, offset) when timestamp is above the last
 * entry's, as Kafka's maybeAppend. Returns 1 appended, 0 not needed, -1 full
 * or offset going backwards. */
int broker_time_index_append(broker_index_t *idx, int64_t timestamp, int64_t offset);
void broker_time_index_entry(const broker_index_t *idx, size_t i, int64_t *timestamp,
                             int64_t *offset);

/*
 * The entry with the largest timestamp strictly below target: every record
 * up to its offset has a timestamp below target, so the first record at or
 * after target lies after it. (Kafka takes <= target, which can skip records
 * whose timestamp equals target.) Returns false (and leaves the outputs)
 * when there is none.
 */
bool broker_time_index_lookup(const broker_index_t *idx, int64_t target, int64_t *timestamp,
                              int64_t *offset);

/* The last entry; false if the index is empty. */
bool broker_time_index_last(const broker_index_t *idx, int64_t *timestamp, int64_t *offset);

/* 0 when entries are whole, timestamps strictly increase and relative
 * offsets are >= 0 and never decrease. Else -1 with errstr set. */
int broker_time_index_check(const broker_index_t *idx, char *errstr, size_t errstr_size);

#endif
