/*
 * Committed offsets of consumer groups, and the records that make them (and
 * group metadata) durable in the internal compacted topic __consumer_offsets.
 *
 * The records use Kafka's own formats, so Kafka's tools read them and a log
 * copied between Kafka and Sluice keeps its meaning. Every key and value
 * starts with an int16 version; strings are int16-length-prefixed, bytes
 * int32-length-prefixed, all big-endian (non-flexible encoding):
 *
 *   OffsetCommitKey   version 1 (0 is read too): group, topic, int32 partition
 *   OffsetCommitValue version 3: int64 offset, int32 leader_epoch, metadata,
 *                     int64 commit_timestamp
 *                     version 1 (written only when the commit carried a
 *                     retention time): int64 offset, metadata,
 *                     int64 commit_timestamp, int64 expire_timestamp
 *                     (versions 0-3 are read)
 *   GroupMetadataKey  version 2: group
 *   GroupMetadataValue version 3: protocol_type, int32 generation,
 *                     protocol (nullable), leader (nullable),
 *                     int64 current_state_timestamp, members [memberId,
 *                     groupInstanceId (nullable), clientId, clientHost,
 *                     int32 rebalanceTimeout, int32 sessionTimeout,
 *                     bytes subscription, bytes assignment]
 *                     (versions 0-3 are read)
 *
 * A null value is a tombstone: compaction drops the key, replay deletes it.
 * (Sources: group-coordinator/src/main/resources/common/message/
 * OffsetCommitKey.json, OffsetCommitValue.json, GroupMetadataKey.json,
 * GroupMetadataValue.json in apache/kafka.)
 *
 * Nothing here is thread-safe; the network thread owns all of it.
 */
#ifndef BROKER_GROUP_OFFSETS_H
#define BROKER_GROUP_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/buf.h>

/* Kafka's offsets.topic.num.partitions default. */
#define BROKER_GROUP_OFFSETS_TOPIC_PARTITIONS_DEFAULT 50
#define BROKER_GROUP_OFFSETS_TOPIC "__consumer_offsets"

/* Java's String.hashCode() of a UTF-8 string: the hash over its UTF-16 code
 * units, as Kafka computes it on the decoded group id. Malformed UTF-8
 * becomes U+FFFD per maximal invalid subsequence, as Java's decoder does. */
int32_t broker_group_offsets_java_hash(const char *str);

/* The __consumer_offsets partition that holds group_id, as Kafka computes it:
 * Utils.abs(groupId.hashCode()) % num_partitions (Utils.abs maps INT32_MIN
 * to 0). num_partitions < 1 is treated as 1. */
int32_t broker_group_offsets_partition_for(const char *group_id, int32_t num_partitions);

/* ---------------------------------------------------------------------------
 * The committed offsets of one group: (topic, partition) -> offset.
 */

typedef struct broker_group_offset {
    char *topic;
    int32_t partition;
    int64_t offset;
    int32_t leader_epoch;     /* -1 when unknown */
    char *metadata;           /* never NULL ("" when none) */
    int64_t commit_timestamp; /* ms */
    int64_t expire_timestamp; /* ms, or -1: expiry by offsets.retention */
} broker_group_offset_t;

typedef struct broker_group_offsets broker_group_offsets_t;

broker_group_offsets_t *broker_group_offsets_new(void);

/* Frees the table and its entries. NULL does nothing. */
void broker_group_offsets_destroy(broker_group_offsets_t *offsets);

/* The entry for (topic, partition) or NULL. Valid until the table changes. */
const broker_group_offset_t *broker_group_offsets_get(const broker_group_offsets_t *offsets,
                                                      const char *topic, int32_t partition);

/* Inserts or replaces (topic, partition); strings are copied, metadata NULL
 * is stored as "". */
void broker_group_offsets_put(broker_group_offsets_t *offsets, const char *topic, int32_t partition,
                              int64_t offset, int32_t leader_epoch, const char *metadata,
                              int64_t commit_timestamp, int64_t expire_timestamp);

/* Removes (topic, partition); true when it was there. */
bool broker_group_offsets_remove(broker_group_offsets_t *offsets, const char *topic,
                                 int32_t partition);

size_t broker_group_offsets_count(const broker_group_offsets_t *offsets);

/*
 * All entries sorted by topic, then partition, as a malloc()ed array of
 * pointers the caller frees with free() (the entries stay the table's and
 * are valid until it changes). *count receives the length; NULL when empty.
 */
const broker_group_offset_t **broker_group_offsets_sorted(const broker_group_offsets_t *offsets,
                                                          size_t *count);

/* ---------------------------------------------------------------------------
 * Record formats.
 */

#define BROKER_GROUP_OFFSET_COMMIT_KEY_VERSION 1
#define BROKER_GROUP_OFFSET_COMMIT_VALUE_VERSION 3
#define BROKER_GROUP_METADATA_KEY_VERSION 2
#define BROKER_GROUP_METADATA_VALUE_VERSION 3

/* Appends an OffsetCommitKey (version 1). */
void broker_group_offsets_write_commit_key(sluice_buf_t *buf, const char *group, const char *topic,
                                           int32_t partition);

/* Appends an OffsetCommitValue: version 3, or version 1 when the offset has
 * an expire timestamp (version 3 has no room for it). */
void broker_group_offsets_write_commit_value(sluice_buf_t *buf, const broker_group_offset_t *off);

/* Appends a GroupMetadataKey (version 2). */
void broker_group_offsets_write_group_key(sluice_buf_t *buf, const char *group);

/* One member of a GroupMetadataValue. Pointers are borrowed when writing and
 * owned by the value when it was read. */
typedef struct broker_group_metadata_member {
    char *member_id;
    char *group_instance_id; /* NULL for dynamic members */
    char *client_id;
    char *client_host;
    int32_t rebalance_timeout_ms;
    int32_t session_timeout_ms;
    uint8_t *subscription;
    size_t subscription_len;
    uint8_t *assignment;
    size_t assignment_len;
} broker_group_metadata_member_t;

typedef struct broker_group_metadata_value {
    char *protocol_type; /* "" when the group has none */
    int32_t generation;
    char *protocol;                  /* NULL when none */
    char *leader;                    /* NULL when none */
    int64_t current_state_timestamp; /* -1 when unknown (versions 0-1) */
    broker_group_metadata_member_t *members;
    size_t member_count;
} broker_group_metadata_value_t;

/* Appends a GroupMetadataValue (version 3). */
void broker_group_offsets_write_group_value(sluice_buf_t *buf,
                                            const broker_group_metadata_value_t *value);

typedef enum broker_group_record_type {
    BROKER_GROUP_RECORD_OFFSET_COMMIT,
    BROKER_GROUP_RECORD_GROUP_METADATA,
    /* A key version this broker does not know (e.g. KIP-848 consumer-group
     * records written by a newer Kafka): skipped on load. */
    BROKER_GROUP_RECORD_UNKNOWN
} broker_group_record_type_t;

/* A decoded key; strings owned, released by broker_group_record_key_clear(). */
typedef struct broker_group_record_key {
    broker_group_record_type_t type;
    int16_t version;
    char *group;
    char *topic;       /* offset commits only */
    int32_t partition; /* offset commits only */
} broker_group_record_key_t;

/*
 * Decoders. Each returns 0 on success and -1 on malformed input, with a
 * message naming the field in errstr. They never read past len. On failure
 * the output holds nothing that needs freeing.
 */
int broker_group_offsets_read_key(const void *data, size_t len, broker_group_record_key_t *key,
                                  char *errstr, size_t errstr_size);
void broker_group_record_key_clear(broker_group_record_key_t *key);

/* Fills off (topic left NULL, partition 0): free its metadata with
 * broker_group_offset_clear(). */
int broker_group_offsets_read_commit_value(const void *data, size_t len, broker_group_offset_t *off,
                                           char *errstr, size_t errstr_size);
void broker_group_offset_clear(broker_group_offset_t *off);

int broker_group_offsets_read_group_value(const void *data, size_t len,
                                          broker_group_metadata_value_t *value, char *errstr,
                                          size_t errstr_size);
void broker_group_metadata_value_clear(broker_group_metadata_value_t *value);

#endif
