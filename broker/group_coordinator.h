/*
 * The group coordinator: Kafka's classic group membership protocol
 * (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups)
 * and committed offsets (OffsetCommit, OffsetFetch), for any protocol type:
 * "consumer" for clients, "connect" for distributed workers. Member metadata
 * and assignments are opaque bytes passed through.
 *
 * It is a pure state machine: no sockets, no wire codec, no clock. Every call
 * that can change state takes the current time, now_ms, so tests control
 * time. Pass wall-clock milliseconds (CLOCK_REALTIME), as Kafka does: they
 * become the commit timestamps stored in __consumer_offsets, and offset
 * retention compares them across restarts.
 *
 * Locality: the network thread owns the coordinator; nothing here locks and
 * no function may be called from another thread.
 *
 * Long polls. JoinGroup and SyncGroup may wait for other members. The caller
 * passes a callback and an opaque pointer (typically its pending request);
 * the coordinator invokes the callback exactly once with the response
 * unless the request is cancelled first. The callback may run:
 *   - before broker_group_join()/broker_group_sync() returns (an immediate
 *     answer), or
 *   - later, from any other coordinator call: another member's request,
 *     broker_group_coordinator_tick(), broker_group_cancel(), ...
 * Callbacks run after the coordinator's state is consistent, so a callback
 * may itself call into the coordinator (to serve the connection's next
 * request, or to cancel). The response and everything it points to are
 * valid only during the callback.
 *
 * Disconnects. broker_group_cancel(coord, opaque) forgets every parked
 * request registered with that opaque: no callback is made for them
 * afterwards, so the caller may free what opaque points to. A member that
 * joined for the first time and disconnects while parked is removed (it can
 * never learn its id); an established member stays until its session or the
 * rebalance times out, as in Kafka.
 *
 * Differences from Kafka (2.x-3.x classic coordinator), on purpose:
 *   - Static membership (group.instance.id, JoinGroup v5) is accepted and the
 *     member is treated as dynamic, except that a new JoinGroup with an
 *     instance id already held by a member fences the old member
 *     (FENCED_INSTANCE_ID on its parked requests and later calls) and
 *     replaces it through an ordinary rebalance, where Kafka would hand the
 *     old assignment over without rebalancing.
 *   - A superseded parked request (the same member sends JoinGroup or
 *     SyncGroup again while one is parked) is answered with
 *     REBALANCE_IN_PROGRESS instead of being left unanswered, so a
 *     connection's responses stay in order.
 *   - Protocol selection ties (equal votes) go to the protocol voted for by
 *     the earliest-joined member; Kafka's pick among ties is unspecified.
 *   - Offsets of non-empty groups never expire (Kafka expires offsets of
 *     topics a Stable consumer group no longer subscribes to).
 */
#ifndef BROKER_GROUP_COORDINATOR_H
#define BROKER_GROUP_COORDINATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "group_offsets.h"
#include "kafka_error.h"

typedef struct broker_group_coordinator broker_group_coordinator_t;

/* ---------------------------------------------------------------------------
 * Configuration: Kafka's broker properties of the same names.
 */
typedef struct broker_group_config {
    int32_t node_id;                             /* for log lines only */
    int32_t group_min_session_timeout_ms;        /* group.min.session.timeout.ms: 6000 */
    int32_t group_max_session_timeout_ms;        /* group.max.session.timeout.ms: 1800000 */
    int32_t group_initial_rebalance_delay_ms;    /* group.initial.rebalance.delay.ms: 3000 */
    int32_t group_max_size;                      /* group.max.size: INT32_MAX */
    int32_t offset_metadata_max_bytes;           /* offset.metadata.max.bytes: 4096 */
    int32_t offsets_topic_num_partitions;        /* offsets.topic.num.partitions: 50 */
    int64_t offsets_retention_ms;                /* offsets.retention.minutes: 10080 (7 days) */
    int64_t offsets_retention_check_interval_ms; /* offsets.retention.check.interval.ms: 600000 */
} broker_group_config_t;

/* Fills conf with Kafka's defaults (above). */
void broker_group_config_defaults(broker_group_config_t *conf);

/* ---------------------------------------------------------------------------
 * Persistence to __consumer_offsets.
 */

/* One record for __consumer_offsets; value NULL is a tombstone. */
typedef struct broker_group_record {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
} broker_group_record_t;

/*
 * Appends records, in order and as one batch (Kafka writes the offsets of one
 * OffsetCommit atomically), to partition `partition` of __consumer_offsets.
 * Returns KAFKA_ERR_NONE once they are in the log (appended as for an acks=1
 * produce), or the error that prevented it. Then an OffsetCommit, the
 * leader's SyncGroup or a DeleteGroups leaves the state unchanged and is
 * answered with Kafka's mapping of the error (MESSAGE_TOO_LARGE /
 * RECORD_LIST_TOO_LARGE -> INVALID_COMMIT_OFFSET_SIZE for commits,
 * NOT_LEADER_OR_FOLLOWER -> NOT_COORDINATOR, anything else ->
 * COORDINATOR_NOT_AVAILABLE); tombstones of expired offsets or of a deleted
 * topic are applied in memory regardless (and logged), as Kafka does. The
 * records are valid only during the call. The callback must not call into
 * the coordinator.
 */
typedef int16_t broker_group_persist_cb(void *opaque, int32_t partition,
                                        const broker_group_record_t *records, size_t count);

/* ---------------------------------------------------------------------------
 * Life cycle.
 */

/* A new coordinator with a copy of conf (NULL: defaults). persist may be
 * NULL (state kept in memory only); persist_opaque is passed to it. */
broker_group_coordinator_t *broker_group_coordinator_new(const broker_group_config_t *conf,
                                                         broker_group_persist_cb *persist,
                                                         void *persist_opaque);

/* Frees everything. Parked requests are dropped without their callbacks (the
 * caller is closing its connections). NULL does nothing. Must not be called
 * from a callback. */
void broker_group_coordinator_destroy(broker_group_coordinator_t *coord);

/*
 * Replays one __consumer_offsets record (value NULL: tombstone) on start-up,
 * in log order, before the coordinator serves requests. Nothing is persisted
 * while loading. Returns 0 when applied, 1 when skipped because the key is of
 * a kind this broker does not use (a newer Kafka's record types), -1 when
 * malformed (errstr says what; the record is skipped and loading may go on).
 */
int broker_group_coordinator_load(broker_group_coordinator_t *coord, const void *key,
                                  size_t key_len, const void *value, size_t value_len,
                                  int64_t now_ms, char *errstr, size_t errstr_size);

/* Ends loading: loaded groups with members are Stable and their members'
 * session timers start at now_ms (as Kafka does for an immigrated group). */
void broker_group_coordinator_load_complete(broker_group_coordinator_t *coord, int64_t now_ms);

/*
 * Runs what is due at now_ms: session timeouts, join and sync phase
 * deadlines, the initial rebalance delay, offset retention. The event loop
 * calls it at least every ~100 ms or at the returned time. Returns the next
 * absolute deadline in ms (INT64_MAX when nothing is scheduled) so the loop
 * can size its epoll timeout.
 */
int64_t broker_group_coordinator_tick(broker_group_coordinator_t *coord, int64_t now_ms);

/* The next deadline without running anything (INT64_MAX: none). */
int64_t broker_group_coordinator_next_deadline(const broker_group_coordinator_t *coord);

/* The __consumer_offsets partition of group_id under this coordinator's
 * offsets_topic_num_partitions. */
int32_t broker_group_coordinator_partition_for(const broker_group_coordinator_t *coord,
                                               const char *group_id);

/* Drops every parked JoinGroup/SyncGroup registered with opaque (see the top
 * of this file). May run other members' callbacks. */
void broker_group_cancel(broker_group_coordinator_t *coord, const void *opaque, int64_t now_ms);

/* ---------------------------------------------------------------------------
 * JoinGroup (v0-v5).
 */

typedef struct broker_group_protocol {
    const char *name;
    const uint8_t *metadata;
    size_t metadata_len;
} broker_group_protocol_t;

/* All pointers are borrowed for the duration of the call. */
typedef struct broker_group_join_request {
    int16_t api_version;  /* v4+: MEMBER_ID_REQUIRED for a new member */
    const char *group_id; /* NULL or "": INVALID_GROUP_ID */
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms;  /* v1+; v0 or <= 0: the session timeout */
    const char *member_id;         /* "" or NULL for a new member */
    const char *group_instance_id; /* v5+, NULL when absent */
    const char *protocol_type;
    const broker_group_protocol_t *protocols;
    size_t protocol_count;
    const char *client_id;   /* from the request header; NULL: "" */
    const char *client_host; /* Kafka shows "/127.0.0.1"; NULL: "" */
} broker_group_join_request_t;

typedef struct broker_group_join_member {
    const char *member_id;
    const char *group_instance_id; /* NULL for dynamic members */
    const uint8_t *metadata;
    size_t metadata_len;
} broker_group_join_member_t;

typedef struct broker_group_join_response {
    int16_t error_code;
    int32_t generation_id;     /* -1 with an error */
    const char *protocol_name; /* "" when none */
    const char *leader;        /* "" when none */
    const char *member_id;     /* the member's id; the new id with MEMBER_ID_REQUIRED */
    const broker_group_join_member_t *members; /* the leader only; else none */
    size_t member_count;
} broker_group_join_response_t;

typedef void broker_group_join_cb(void *opaque, const broker_group_join_response_t *resp);

/* Handles a JoinGroup. cb(opaque, response) runs exactly once unless
 * cancelled: maybe before this returns, maybe later (see the top of file). */
void broker_group_join(broker_group_coordinator_t *coord, const broker_group_join_request_t *req,
                       int64_t now_ms, broker_group_join_cb *cb, void *opaque);

/* ---------------------------------------------------------------------------
 * SyncGroup (v0-v3).
 */

typedef struct broker_group_assignment {
    const char *member_id;
    const uint8_t *assignment;
    size_t assignment_len;
} broker_group_assignment_t;

typedef struct broker_group_sync_request {
    const char *group_id;
    int32_t generation_id;
    const char *member_id;
    const char *group_instance_id;                /* v3+, NULL when absent */
    const broker_group_assignment_t *assignments; /* the leader's; others send none */
    size_t assignment_count;
} broker_group_sync_request_t;

typedef struct broker_group_sync_response {
    int16_t error_code;
    const uint8_t *assignment; /* empty (len 0) with an error */
    size_t assignment_len;
} broker_group_sync_response_t;

typedef void broker_group_sync_cb(void *opaque, const broker_group_sync_response_t *resp);

/* Handles a SyncGroup; the callback contract is JoinGroup's. Followers are
 * parked until the leader's assignments arrive. */
void broker_group_sync(broker_group_coordinator_t *coord, const broker_group_sync_request_t *req,
                       int64_t now_ms, broker_group_sync_cb *cb, void *opaque);

/* ---------------------------------------------------------------------------
 * Heartbeat (v0-v3) and LeaveGroup (v0-v2: one member). Both answer at once
 * with the error code; they may complete other members' parked requests.
 */

int16_t broker_group_heartbeat(broker_group_coordinator_t *coord, const char *group_id,
                               int32_t generation_id, const char *member_id,
                               const char *group_instance_id, int64_t now_ms);

int16_t broker_group_leave(broker_group_coordinator_t *coord, const char *group_id,
                           const char *member_id, int64_t now_ms);

/* ---------------------------------------------------------------------------
 * OffsetCommit (v2-v7) and OffsetFetch (v1-v7).
 */

typedef struct broker_group_offset_commit {
    const char *topic;
    int32_t partition;
    int64_t committed_offset;
    int32_t committed_leader_epoch; /* v6+; -1 otherwise */
    const char *committed_metadata; /* NULL is stored as "" */
    /* In: KAFKA_ERR_NONE, or an error the caller already decided (e.g.
     * UNKNOWN_TOPIC_OR_PARTITION for a topic it does not have): such entries
     * are left alone. Out: the partition's result. */
    int16_t error_code;
} broker_group_offset_commit_t;

/*
 * Handles an OffsetCommit: fills each entry's error_code. generation_id < 0
 * on an Empty or unknown group is a standalone commit (no membership);
 * otherwise member and generation must match. retention_time_ms (v2-v4) is
 * -1 for the broker default, else the offsets expire that long after the
 * commit. Accepted offsets are persisted in one batch before they are
 * visible.
 */
void broker_group_commit_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                 int32_t generation_id, const char *member_id,
                                 const char *group_instance_id, int64_t retention_time_ms,
                                 broker_group_offset_commit_t *partitions, size_t count,
                                 int64_t now_ms);

typedef struct broker_group_offset_fetch {
    const char *topic; /* in */
    int32_t partition; /* in */
    /* Out. metadata points into the coordinator and is valid until its next
     * call. A partition without a commit: offset -1, metadata "", error 0. */
    int64_t committed_offset;
    int32_t committed_leader_epoch; /* -1 when unknown */
    const char *metadata;
    int16_t error_code;
} broker_group_offset_fetch_t;

/* OffsetFetch for listed partitions, filled in place. Returns the top-level
 * error (v2+): INVALID_GROUP_ID for a NULL group id, else NONE. */
int16_t broker_group_fetch_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                   broker_group_offset_fetch_t *partitions, size_t count);

/*
 * OffsetFetch with topics = null (v2+): every committed partition of the
 * group, sorted by topic then partition. *out is a malloc()ed array the
 * caller frees with free() (NULL when none); its strings point into the
 * coordinator and are valid until its next call. Returns the top-level error.
 */
int16_t broker_group_fetch_all_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                       broker_group_offset_fetch_t **out, size_t *count);

/* ---------------------------------------------------------------------------
 * DescribeGroups, ListGroups, DeleteGroups, OffsetDelete, and topic
 * deletion.
 */

/* Kafka's state names: "Empty", "PreparingRebalance", "CompletingRebalance",
 * "Stable", "Dead". */
typedef enum broker_group_state {
    BROKER_GROUP_EMPTY,
    BROKER_GROUP_PREPARING_REBALANCE,
    BROKER_GROUP_COMPLETING_REBALANCE,
    BROKER_GROUP_STABLE,
    BROKER_GROUP_DEAD
} broker_group_state_t;

const char *broker_group_state_name(broker_group_state_t state);

typedef struct broker_group_member_description {
    const char *member_id;
    const char *group_instance_id; /* NULL for dynamic members */
    const char *client_id;
    const char *client_host;
    const uint8_t *member_metadata; /* the chosen protocol's; empty unless Stable */
    size_t member_metadata_len;
    const uint8_t *member_assignment; /* empty unless Stable */
    size_t member_assignment_len;
} broker_group_member_description_t;

typedef struct broker_group_description {
    int16_t error_code;
    const char *group_id;
    broker_group_state_t state;
    const char *group_state;                    /* broker_group_state_name(state) */
    const char *protocol_type;                  /* "" when none */
    const char *protocol_data;                  /* the chosen protocol when Stable, else "" */
    broker_group_member_description_t *members; /* owned by the description */
    size_t member_count;
} broker_group_description_t;

/*
 * Describes one group into *desc (an unknown group is "Dead" with no members
 * and error NONE, as Kafka answers; a NULL id is INVALID_GROUP_ID). Strings
 * and bytes point into the coordinator (or at group_id) and are valid until
 * its next call; release the member array with
 * broker_group_description_clear().
 */
void broker_group_describe(const broker_group_coordinator_t *coord, const char *group_id,
                           broker_group_description_t *desc);
void broker_group_description_clear(broker_group_description_t *desc);

typedef struct broker_group_overview {
    const char *group_id;
    const char *protocol_type; /* "" for groups that only commit offsets */
    const char *group_state;
} broker_group_overview_t;

/* ListGroups: every group this coordinator holds, as a malloc()ed array the
 * caller frees with free() (NULL when none); strings valid until the next
 * call into the coordinator. */
broker_group_overview_t *broker_group_list(const broker_group_coordinator_t *coord, size_t *count);

/* DeleteGroups for one group: NONE (its offsets and metadata are deleted
 * with tombstones, in one append), GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (it
 * has members), INVALID_GROUP_ID (NULL), or the persistence error (then
 * nothing changed). */
int16_t broker_group_delete(broker_group_coordinator_t *coord, const char *group_id,
                            int64_t now_ms);

typedef struct broker_group_offset_delete {
    const char *topic;
    int32_t partition;
    /* In: KAFKA_ERR_NONE, or an error the caller already decided
     * (UNKNOWN_TOPIC_OR_PARTITION): such entries are left alone. Out: NONE
     * (deleted, or there was nothing to delete) or GROUP_SUBSCRIBED_TO_TOPIC
     * (a member of the active consumer group subscribes to the topic). */
    int16_t error_code;
} broker_group_offset_delete_t;

/*
 * OffsetDelete (Kafka's KIP-496): deletes the group's committed offsets of
 * the listed partitions with tombstones, in one append, and fills each
 * entry's error_code. An Empty group may lose any offset; an active
 * "consumer" group only those of topics none of its members subscribes to
 * (read from the members' ConsumerProtocolSubscription; when that cannot be
 * read, every topic counts as subscribed, as Kafka does). A group left Empty
 * without offsets is deleted with them, as offset expiry does.
 *
 * Returns the top-level error, in which case nothing changed and the entries
 * mean nothing: NONE, INVALID_GROUP_ID (NULL or ""), GROUP_ID_NOT_FOUND,
 * NON_EMPTY_GROUP (an active group of another protocol type, e.g. "connect"),
 * or the persistence error (as for DeleteGroups).
 */
int16_t broker_group_delete_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                    broker_group_offset_delete_t *partitions, size_t count,
                                    int64_t now_ms);

/* Deletes every group's committed offsets for topic (the topic was deleted),
 * with tombstones. Returns how many offsets were removed. */
size_t broker_group_remove_topic_offsets(broker_group_coordinator_t *coord, const char *topic,
                                         int64_t now_ms);

#endif
