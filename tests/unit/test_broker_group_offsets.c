/*
 * Committed offsets: OffsetCommit/OffsetFetch in each group state,
 * standalone commits, the __consumer_offsets record formats, persistence
 * and replay, tombstones, retention, and the group -> partition mapping.
 */
#include <stdlib.h>
#include <string.h>

#include "group_coordinator.h"
#include "group_offsets.h"
#include "test_util.h"

#define SESSION_MS 10000

/* ---------------------------------------------------------------------------
 * A fake __consumer_offsets: records captured in order.
 */

typedef struct stored {
    int32_t partition;
    size_t batch; /* which persist call */
    uint8_t *key;
    size_t key_len;
    uint8_t *value; /* NULL: tombstone */
    size_t value_len;
} stored_t;

typedef struct store {
    stored_t *recs;
    size_t count;
    size_t cap;
    size_t calls;
    int16_t fail_with;
} store_t;

static int16_t on_persist(void *opaque, int32_t partition, const broker_group_record_t *records,
                          size_t count)
{
    store_t *s = opaque;
    if (s->fail_with)
        return s->fail_with;
    s->calls++;
    for (size_t i = 0; i < count; i++) {
        if (s->count == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->recs = realloc(s->recs, s->cap * sizeof(*s->recs));
        }
        stored_t *r = &s->recs[s->count++];
        r->partition = partition;
        r->batch = s->calls;
        r->key = malloc(records[i].key_len);
        memcpy(r->key, records[i].key, records[i].key_len);
        r->key_len = records[i].key_len;
        r->value = NULL;
        r->value_len = 0;
        if (records[i].value) {
            r->value = malloc(records[i].value_len ? records[i].value_len : 1);
            memcpy(r->value, records[i].value, records[i].value_len);
            r->value_len = records[i].value_len;
        }
    }
    return KAFKA_ERR_NONE;
}

static void store_free(store_t *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->recs[i].key);
        free(s->recs[i].value);
    }
    free(s->recs);
    memset(s, 0, sizeof(*s));
}

static broker_group_coordinator_t *new_coord(store_t *s)
{
    broker_group_config_t conf;
    broker_group_config_defaults(&conf);
    conf.group_initial_rebalance_delay_ms = 0;
    return broker_group_coordinator_new(&conf, s ? on_persist : NULL, s);
}

/* A restart: a fresh coordinator that replays everything stored. */
static broker_group_coordinator_t *replay(store_t *s, int64_t now)
{
    broker_group_coordinator_t *coord = new_coord(NULL);
    char err[200];
    for (size_t i = 0; i < s->count; i++) {
        int rc = broker_group_coordinator_load(coord, s->recs[i].key, s->recs[i].key_len,
                                               s->recs[i].value, s->recs[i].value_len, now, err,
                                               sizeof(err));
        CU_ASSERT_EQUAL(rc, 0);
        if (rc)
            fprintf(stderr, "\n  load: %s\n", err);
    }
    broker_group_coordinator_load_complete(coord, now);
    return coord;
}

/* ---------------------------------------------------------------------------
 * Group helpers: one consumer member, Stable in generation 1.
 */

typedef struct join_cap {
    int calls;
    int16_t error;
    int32_t generation;
    char member_id[160];
} join_cap_t;

static void on_join(void *opaque, const broker_group_join_response_t *r)
{
    join_cap_t *c = opaque;
    c->calls++;
    c->error = r->error_code;
    c->generation = r->generation_id;
    snprintf(c->member_id, sizeof(c->member_id), "%s", r->member_id);
}

typedef struct sync_cap {
    int calls;
    int16_t error;
} sync_cap_t;

static void on_sync(void *opaque, const broker_group_sync_response_t *r)
{
    sync_cap_t *c = opaque;
    c->calls++;
    c->error = r->error_code;
}

static const broker_group_protocol_t protocols[] = {{"range", (const uint8_t *)"sub", 3}};

static void join(broker_group_coordinator_t *coord, const char *group, const char *member_id,
                 int64_t now, join_cap_t *cap)
{
    broker_group_join_request_t req = {
        .api_version = 2,
        .group_id = group,
        .session_timeout_ms = SESSION_MS,
        .rebalance_timeout_ms = 30000,
        .member_id = member_id,
        .protocol_type = "consumer",
        .protocols = protocols,
        .protocol_count = 1,
        .client_id = "rdkafka",
        .client_host = "/127.0.0.1",
    };
    cap->calls = 0;
    broker_group_join(coord, &req, now, on_join, cap);
}

static void sync_leader(broker_group_coordinator_t *coord, const char *group, int32_t gen,
                        const char *member_id, const char *assignment, int64_t now, sync_cap_t *cap)
{
    broker_group_assignment_t as = {member_id, (const uint8_t *)assignment, strlen(assignment)};
    broker_group_sync_request_t req = {group, gen, member_id, NULL, &as, 1};
    cap->calls = 0;
    broker_group_sync(coord, &req, now, on_sync, cap);
}

static int16_t commit_one(broker_group_coordinator_t *coord, const char *group, int32_t gen,
                          const char *member, const char *topic, int32_t partition, int64_t offset,
                          const char *metadata, int64_t now)
{
    broker_group_offset_commit_t oc = {topic, partition, offset, 7, metadata, 0};
    broker_group_commit_offsets(coord, group, gen, member, NULL, -1, &oc, 1, now);
    return oc.error_code;
}

static int64_t fetch_one(broker_group_coordinator_t *coord, const char *group, const char *topic,
                         int32_t partition, char *metadata, size_t md_size)
{
    broker_group_offset_fetch_t f = {.topic = topic, .partition = partition};
    CU_ASSERT_EQUAL(broker_group_fetch_offsets(coord, group, &f, 1), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(f.error_code, KAFKA_ERR_NONE);
    if (metadata)
        snprintf(metadata, md_size, "%s", f.metadata);
    return f.committed_offset;
}

/* ---------------------------------------------------------------------------
 * Tests.
 */

static void test_standalone_commit(void)
{
    broker_group_coordinator_t *coord = new_coord(NULL);
    char md[64];

    /* kcat -G-less / assign(): generation -1 on an unknown group. */
    CU_ASSERT_EQUAL(commit_one(coord, "simple", -1, "", "t", 0, 42, "hello", 1000), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(fetch_one(coord, "simple", "t", 0, md, sizeof(md)), 42);
    CU_ASSERT_STRING_EQUAL(md, "hello");
    /* Again on the now-known Empty group, overwriting. */
    CU_ASSERT_EQUAL(commit_one(coord, "simple", -1, "", "t", 0, 43, NULL, 1000), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(fetch_one(coord, "simple", "t", 0, md, sizeof(md)), 43);
    CU_ASSERT_STRING_EQUAL(md, "");

    /* Never committed: offset -1, metadata "", no error. */
    broker_group_offset_fetch_t f[2] = {{.topic = "t", .partition = 1},
                                        {.topic = "other", .partition = 0}};
    CU_ASSERT_EQUAL(broker_group_fetch_offsets(coord, "simple", f, 2), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(f[0].committed_offset, -1);
    CU_ASSERT_EQUAL(f[0].committed_leader_epoch, -1);
    CU_ASSERT_STRING_EQUAL(f[0].metadata, "");
    CU_ASSERT_EQUAL(f[0].error_code, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(fetch_one(coord, "no-such-group", "t", 0, NULL, 0), -1);

    /* A generation on an unknown group is a stale member. */
    CU_ASSERT_EQUAL(commit_one(coord, "unknown", 3, "m", "t", 0, 1, NULL, 1000),
                    KAFKA_ERR_ILLEGAL_GENERATION);
    CU_ASSERT_EQUAL(fetch_one(coord, "unknown", "t", 0, NULL, 0), -1);
    /* The empty group id is valid for offsets (Kafka keeps it for old
     * clients); a missing one is not. */
    CU_ASSERT_EQUAL(commit_one(coord, "", -1, "", "t", 0, 5, NULL, 1000), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, NULL, -1, "", "t", 0, 5, NULL, 1000),
                    KAFKA_ERR_INVALID_GROUP_ID);
    broker_group_offset_fetch_t g = {.topic = "t", .partition = 0};
    CU_ASSERT_EQUAL(broker_group_fetch_offsets(coord, NULL, &g, 1), KAFKA_ERR_INVALID_GROUP_ID);
    broker_group_coordinator_destroy(coord);
}

static void test_commit_in_each_state(void)
{
    broker_group_coordinator_t *coord = new_coord(NULL);
    join_cap_t a, b;
    sync_cap_t s;

    join(coord, "g", "", 0, &a);
    CU_ASSERT_EQUAL(a.generation, 1);
    /* CompletingRebalance: the member has its generation but no
     * assignment yet. */
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "t", 0, 10, NULL, 10),
                    KAFKA_ERR_REBALANCE_IN_PROGRESS);
    sync_leader(coord, "g", 1, a.member_id, "x", 20, &s);
    CU_ASSERT_EQUAL(s.error, KAFKA_ERR_NONE);

    /* Stable */
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "t", 0, 11, NULL, 30), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 2, a.member_id, "t", 0, 12, NULL, 30),
                    KAFKA_ERR_ILLEGAL_GENERATION);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, "stranger", "t", 0, 12, NULL, 30),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    /* Offsets-only commits are refused while the group has members. */
    CU_ASSERT_EQUAL(commit_one(coord, "g", -1, "", "t", 0, 12, NULL, 30),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "t", 0, NULL, 0), 11);

    /* PreparingRebalance: the old generation may still commit. */
    join(coord, "g", "", 40, &b);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "t", 0, 13, NULL, 50), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "t", 0, NULL, 0), 13);

    /* The last member leaves; the group is Empty and offsets-only commits
     * are allowed again. */
    join(coord, "g", a.member_id, 60, &a); /* completes generation 2 */
    CU_ASSERT_EQUAL(a.generation, 2);
    CU_ASSERT_EQUAL(broker_group_leave(coord, "g", a.member_id, 70), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_group_leave(coord, "g", b.member_id, 70), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 2, a.member_id, "t", 0, 14, NULL, 80),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(commit_one(coord, "g", -1, "", "t", 0, 15, NULL, 80), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "t", 0, NULL, 0), 15);
    broker_group_coordinator_destroy(coord);
}

static void test_commit_partition_errors(void)
{
    broker_group_coordinator_t *coord = new_coord(NULL);
    char big[4098];
    memset(big, 'm', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0'; /* 4097 bytes */
    char max[4097];
    memset(max, 'm', sizeof(max) - 1);
    max[sizeof(max) - 1] = '\0'; /* 4096 bytes: allowed */

    broker_group_offset_commit_t oc[] = {
        {"t", 0, 100, 3, max, 0},
        {"t", 1, 101, 3, big, 0},
        {"gone", 0, 102, 3, NULL, KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION},
        {"t", 2, 103, -1, "", 0},
    };
    broker_group_commit_offsets(coord, "g", -1, "", NULL, -1, oc, 4, 1000);
    CU_ASSERT_EQUAL(oc[0].error_code, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(oc[1].error_code, KAFKA_ERR_OFFSET_METADATA_TOO_LARGE);
    CU_ASSERT_EQUAL(oc[2].error_code, KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    CU_ASSERT_EQUAL(oc[3].error_code, KAFKA_ERR_NONE);

    /* topics = null: every committed partition, sorted. */
    broker_group_offset_fetch_t *all;
    size_t n;
    CU_ASSERT_EQUAL(broker_group_fetch_all_offsets(coord, "g", &all, &n), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(n, 2);
    if (n == 2) {
        CU_ASSERT_STRING_EQUAL(all[0].topic, "t");
        CU_ASSERT_EQUAL(all[0].partition, 0);
        CU_ASSERT_EQUAL(all[0].committed_offset, 100);
        CU_ASSERT_EQUAL(all[0].committed_leader_epoch, 3);
        CU_ASSERT_EQUAL(strlen(all[0].metadata), 4096);
        CU_ASSERT_EQUAL(all[1].partition, 2);
        CU_ASSERT_EQUAL(all[1].committed_leader_epoch, -1);
    }
    free(all);
    CU_ASSERT_EQUAL(broker_group_fetch_all_offsets(coord, "none", &all, &n), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_PTR_NULL(all);
    CU_ASSERT_EQUAL(broker_group_fetch_all_offsets(coord, NULL, &all, &n),
                    KAFKA_ERR_INVALID_GROUP_ID);

    /* Many partitions (the table grows) come back sorted by topic, then
     * partition. */
    for (int i = 0; i < 300; i++) {
        char topic[16];
        snprintf(topic, sizeof(topic), "topic-%d", i % 7);
        CU_ASSERT_EQUAL(commit_one(coord, "many", -1, "", topic, 299 - i, i, NULL, 2000),
                        KAFKA_ERR_NONE);
    }
    CU_ASSERT_EQUAL(broker_group_fetch_all_offsets(coord, "many", &all, &n), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(n, 300);
    for (size_t i = 1; i < n; i++) {
        int c = strcmp(all[i - 1].topic, all[i].topic);
        CU_ASSERT(c < 0 || (c == 0 && all[i - 1].partition < all[i].partition));
    }
    free(all);
    broker_group_coordinator_destroy(coord);
}

static void test_record_formats(void)
{
    store_t s = {0};
    broker_group_coordinator_t *coord = new_coord(&s);
    CU_ASSERT_EQUAL(commit_one(coord, "g1", -1, "", "t", 3, 0x0102030405LL, "md", 0x1122334455LL),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(s.count, 1);
    /* OffsetCommitKey v1: version, group, topic, partition */
    static const uint8_t key[] = {0, 1, 0, 2, 'g', '1', 0, 1, 't', 0, 0, 0, 3};
    /* OffsetCommitValue v3: version, offset, leader epoch, metadata,
     * commit timestamp */
    static const uint8_t value[] = {0, 3, 0, 0,   0,   1, 2, 3, 4,    5,    0,    0,    0,
                                    7, 0, 2, 'm', 'd', 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55};
    if (s.count == 1) {
        CU_ASSERT_EQUAL(s.recs[0].key_len, sizeof(key));
        CU_ASSERT_EQUAL(memcmp(s.recs[0].key, key, sizeof(key)), 0);
        CU_ASSERT_EQUAL(s.recs[0].value_len, sizeof(value));
        CU_ASSERT_EQUAL(memcmp(s.recs[0].value, value, sizeof(value)), 0);
        CU_ASSERT_EQUAL(s.recs[0].partition, broker_group_offsets_partition_for("g1", 50));
    }

    /* With a retention time (OffsetCommit v2-v4) the value is version 1,
     * the only one with an expire timestamp. */
    broker_group_offset_commit_t oc = {"t", 4, 9, 5, "", 0};
    broker_group_commit_offsets(coord, "g1", -1, "", NULL, 1000, &oc, 1, 5000);
    CU_ASSERT_EQUAL(s.count, 2);
    if (s.count == 2) {
        broker_group_offset_t off;
        CU_ASSERT_EQUAL(s.recs[1].value[1], 1);
        CU_ASSERT_EQUAL(broker_group_offsets_read_commit_value(s.recs[1].value, s.recs[1].value_len,
                                                               &off, NULL, 0),
                        0);
        CU_ASSERT_EQUAL(off.offset, 9);
        CU_ASSERT_EQUAL(off.commit_timestamp, 5000);
        CU_ASSERT_EQUAL(off.expire_timestamp, 6000);
        broker_group_offset_clear(&off);
    }

    /* Group metadata: GroupMetadataKey v2, GroupMetadataValue v3. */
    join_cap_t a;
    sync_cap_t sc;
    join(coord, "g1", "", 6000, &a);
    sync_leader(coord, "g1", 1, a.member_id, "assign", 6100, &sc);
    CU_ASSERT_EQUAL(sc.error, KAFKA_ERR_NONE);
    const stored_t *last = &s.recs[s.count - 1];
    broker_group_record_key_t k;
    CU_ASSERT_EQUAL(broker_group_offsets_read_key(last->key, last->key_len, &k, NULL, 0), 0);
    CU_ASSERT_EQUAL(k.type, BROKER_GROUP_RECORD_GROUP_METADATA);
    CU_ASSERT_EQUAL(k.version, 2);
    CU_ASSERT_STRING_EQUAL(k.group, "g1");
    broker_group_record_key_clear(&k);
    CU_ASSERT_EQUAL(last->value[0], 0);
    CU_ASSERT_EQUAL(last->value[1], 3);
    broker_group_metadata_value_t v;
    CU_ASSERT_EQUAL(
        broker_group_offsets_read_group_value(last->value, last->value_len, &v, NULL, 0), 0);
    CU_ASSERT_STRING_EQUAL(v.protocol_type, "consumer");
    CU_ASSERT_EQUAL(v.generation, 1);
    CU_ASSERT_STRING_EQUAL(v.protocol, "range");
    CU_ASSERT_STRING_EQUAL(v.leader, a.member_id);
    CU_ASSERT_EQUAL(v.current_state_timestamp, 6100);
    CU_ASSERT_EQUAL(v.member_count, 1);
    if (v.member_count == 1) {
        CU_ASSERT_STRING_EQUAL(v.members[0].client_id, "rdkafka");
        CU_ASSERT_STRING_EQUAL(v.members[0].client_host, "/127.0.0.1");
        CU_ASSERT_EQUAL(v.members[0].session_timeout_ms, SESSION_MS);
        CU_ASSERT_EQUAL(v.members[0].rebalance_timeout_ms, 30000);
        CU_ASSERT_EQUAL(v.members[0].subscription_len, 3);
        CU_ASSERT_EQUAL(v.members[0].assignment_len, 6);
        CU_ASSERT_EQUAL(memcmp(v.members[0].assignment, "assign", 6), 0);
        CU_ASSERT_PTR_NULL(v.members[0].group_instance_id);
    }
    broker_group_metadata_value_clear(&v);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_persistence_round_trip(void)
{
    store_t s = {0};
    broker_group_coordinator_t *coord = new_coord(&s);
    join_cap_t a;
    sync_cap_t sc;

    join(coord, "g", "", 0, &a);
    sync_leader(coord, "g", 1, a.member_id, "assignment-bytes", 100, &sc);
    broker_group_offset_commit_t oc[] = {
        {"orders", 0, 1000, 4, "m0", 0},
        {"orders", 1, 2000, 4, NULL, 0},
        {"users", 0, 5, -1, "u", 0},
    };
    broker_group_commit_offsets(coord, "g", 1, a.member_id, NULL, -1, oc, 3, 200);
    CU_ASSERT_EQUAL(oc[0].error_code + oc[1].error_code + oc[2].error_code, 0);
    /* The three offsets were one append. */
    CU_ASSERT_EQUAL(s.recs[s.count - 1].batch, s.recs[s.count - 3].batch);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "orders", 0, 1500, "m1", 300),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "standalone", -1, "", "orders", 0, 7, NULL, 300),
                    KAFKA_ERR_NONE);
    broker_group_coordinator_destroy(coord);

    /* The broker restarts. */
    coord = replay(&s, 50000);
    char md[32];
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "orders", 0, md, sizeof(md)), 1500);
    CU_ASSERT_STRING_EQUAL(md, "m1");
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "orders", 1, md, sizeof(md)), 2000);
    CU_ASSERT_STRING_EQUAL(md, "");
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "users", 0, md, sizeof(md)), 5);
    CU_ASSERT_EQUAL(fetch_one(coord, "standalone", "orders", 0, NULL, 0), 7);
    broker_group_offset_fetch_t f = {.topic = "orders", .partition = 0};
    broker_group_fetch_offsets(coord, "g", &f, 1);
    CU_ASSERT_EQUAL(f.committed_leader_epoch, 7); /* the last commit's */

    /* The group comes back Stable with its member, who carries on without
     * a rebalance, and whose session restarts at load time. */
    broker_group_description_t d;
    broker_group_describe(coord, "g", &d);
    CU_ASSERT_STRING_EQUAL(d.group_state, "Stable");
    CU_ASSERT_STRING_EQUAL(d.protocol_type, "consumer");
    CU_ASSERT_STRING_EQUAL(d.protocol_data, "range");
    CU_ASSERT_EQUAL(d.member_count, 1);
    if (d.member_count == 1) {
        CU_ASSERT_STRING_EQUAL(d.members[0].member_id, a.member_id);
        CU_ASSERT_EQUAL(d.members[0].member_assignment_len, 16);
        CU_ASSERT_EQUAL(memcmp(d.members[0].member_assignment, "assignment-bytes", 16), 0);
    }
    broker_group_description_clear(&d);
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", 1, a.member_id, NULL, 51000),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "orders", 0, 1600, NULL, 51000),
                    KAFKA_ERR_NONE);
    /* A member that does not come back times out. */
    broker_group_coordinator_tick(coord, 51000 + SESSION_MS);
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", 1, a.member_id, NULL, 61001),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_empty_group_metadata_persisted(void)
{
    store_t s = {0};
    broker_group_coordinator_t *coord = new_coord(&s);
    join_cap_t a;
    sync_cap_t sc;
    join(coord, "g", "", 0, &a);
    sync_leader(coord, "g", 1, a.member_id, "x", 10, &sc);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "t", 0, 1, NULL, 20), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_group_leave(coord, "g", a.member_id, 30), KAFKA_ERR_NONE);
    broker_group_coordinator_destroy(coord);

    /* After a restart the group is Empty in generation 2; the old member
     * must join again. */
    coord = replay(&s, 1000);
    broker_group_description_t d;
    broker_group_describe(coord, "g", &d);
    CU_ASSERT_STRING_EQUAL(d.group_state, "Empty");
    CU_ASSERT_STRING_EQUAL(d.protocol_type, "consumer");
    CU_ASSERT_EQUAL(d.member_count, 0);
    broker_group_description_clear(&d);
    CU_ASSERT_EQUAL(commit_one(coord, "g", 1, a.member_id, "t", 0, 2, NULL, 1000),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    join(coord, "g", "", 1100, &a);
    CU_ASSERT_EQUAL(a.generation, 3);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_tombstones(void)
{
    store_t s = {0};
    broker_group_coordinator_t *coord = new_coord(&s);
    join_cap_t a;
    CU_ASSERT_EQUAL(commit_one(coord, "doomed", -1, "", "t", 0, 1, NULL, 0), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "doomed", -1, "", "t", 1, 2, NULL, 0), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "kept", -1, "", "t", 0, 3, NULL, 0), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "kept", -1, "", "deleted-topic", 0, 4, NULL, 0),
                    KAFKA_ERR_NONE);
    join(coord, "busy", "", 0, &a);

    CU_ASSERT_EQUAL(broker_group_delete(coord, "busy", 10), KAFKA_ERR_NON_EMPTY_GROUP);
    CU_ASSERT_EQUAL(broker_group_delete(coord, "nothing", 10), KAFKA_ERR_GROUP_ID_NOT_FOUND);
    CU_ASSERT_EQUAL(broker_group_delete(coord, NULL, 10), KAFKA_ERR_INVALID_GROUP_ID);
    size_t before = s.count;
    CU_ASSERT_EQUAL(broker_group_delete(coord, "doomed", 10), KAFKA_ERR_NONE);
    /* Two offset tombstones and the group's. */
    CU_ASSERT_EQUAL(s.count, before + 3);
    for (size_t i = before; i < s.count; i++) {
        CU_ASSERT_PTR_NULL(s.recs[i].value);
        CU_ASSERT_EQUAL(s.recs[i].partition, broker_group_offsets_partition_for("doomed", 50));
    }
    CU_ASSERT_EQUAL(fetch_one(coord, "doomed", "t", 0, NULL, 0), -1);

    before = s.count;
    CU_ASSERT_EQUAL(broker_group_remove_topic_offsets(coord, "deleted-topic", 20), 1);
    CU_ASSERT_EQUAL(s.count, before + 1);
    CU_ASSERT_PTR_NULL(s.recs[s.count - 1].value);
    CU_ASSERT_EQUAL(fetch_one(coord, "kept", "deleted-topic", 0, NULL, 0), -1);
    CU_ASSERT_EQUAL(fetch_one(coord, "kept", "t", 0, NULL, 0), 3);
    broker_group_coordinator_destroy(coord);

    /* Replayed, the tombstones delete what came before them. */
    coord = replay(&s, 100);
    CU_ASSERT_EQUAL(fetch_one(coord, "doomed", "t", 0, NULL, 0), -1);
    CU_ASSERT_EQUAL(fetch_one(coord, "doomed", "t", 1, NULL, 0), -1);
    CU_ASSERT_EQUAL(fetch_one(coord, "kept", "deleted-topic", 0, NULL, 0), -1);
    CU_ASSERT_EQUAL(fetch_one(coord, "kept", "t", 0, NULL, 0), 3);
    size_t n;
    broker_group_overview_t *all = broker_group_list(coord, &n);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_STRING_NOT_EQUAL(all[i].group_id, "doomed");
    free(all);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_retention(void)
{
    store_t s = {0};
    broker_group_config_t conf;
    broker_group_config_defaults(&conf);
    conf.group_initial_rebalance_delay_ms = 0;
    conf.offsets_retention_ms = 10000;
    conf.offsets_retention_check_interval_ms = 1000;
    broker_group_coordinator_t *coord = broker_group_coordinator_new(&conf, on_persist, &s);
    join_cap_t a;
    sync_cap_t sc;

    CU_ASSERT_EQUAL(commit_one(coord, "simple", -1, "", "t", 0, 1, NULL, 0), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(commit_one(coord, "simple", -1, "", "t", 1, 1, NULL, 5000), KAFKA_ERR_NONE);
    join(coord, "active", "", 0, &a);
    sync_leader(coord, "active", 1, a.member_id, "x", 0, &sc);
    CU_ASSERT_EQUAL(commit_one(coord, "active", 1, a.member_id, "t", 0, 1, NULL, 0),
                    KAFKA_ERR_NONE);

    broker_group_coordinator_tick(coord, 0); /* schedules the first check at 1000 */
    for (int64_t t = 1000; t <= 10000; t += 1000) {
        broker_group_heartbeat(coord, "active", 1, a.member_id, NULL, t);
        broker_group_coordinator_tick(coord, t);
    }
    /* A standalone offset expires retention after its commit. */
    CU_ASSERT_EQUAL(fetch_one(coord, "simple", "t", 0, NULL, 0), -1);
    CU_ASSERT_EQUAL(fetch_one(coord, "simple", "t", 1, NULL, 0), 1);
    /* A group with members keeps its offsets. */
    CU_ASSERT_EQUAL(fetch_one(coord, "active", "t", 0, NULL, 0), 1);
    CU_ASSERT_PTR_NULL(s.recs[s.count - 1].value);

    for (int64_t t = 11000; t <= 15000; t += 1000) {
        broker_group_heartbeat(coord, "active", 1, a.member_id, NULL, t);
        broker_group_coordinator_tick(coord, t);
    }
    /* The last offset gone, the group goes too (with its tombstone). */
    CU_ASSERT_EQUAL(fetch_one(coord, "simple", "t", 1, NULL, 0), -1);
    broker_group_description_t d;
    broker_group_describe(coord, "simple", &d);
    CU_ASSERT_STRING_EQUAL(d.group_state, "Dead");
    broker_group_description_clear(&d);

    /* An Empty consumer group keeps its offsets for the retention period
     * counted from when it became Empty. */
    CU_ASSERT_EQUAL(broker_group_leave(coord, "active", a.member_id, 15500), KAFKA_ERR_NONE);
    broker_group_coordinator_tick(coord, 25000);
    CU_ASSERT_EQUAL(fetch_one(coord, "active", "t", 0, NULL, 0), 1);
    broker_group_coordinator_tick(coord, 26000);
    CU_ASSERT_EQUAL(fetch_one(coord, "active", "t", 0, NULL, 0), -1);

    /* An explicit retention time (OffsetCommit v2-v4) wins. */
    broker_group_offset_commit_t oc = {"t", 0, 1, -1, NULL, 0};
    broker_group_commit_offsets(coord, "short", -1, "", NULL, 1500, &oc, 1, 30000);
    broker_group_coordinator_tick(coord, 31000);
    CU_ASSERT_EQUAL(fetch_one(coord, "short", "t", 0, NULL, 0), 1);
    broker_group_coordinator_tick(coord, 32000);
    CU_ASSERT_EQUAL(fetch_one(coord, "short", "t", 0, NULL, 0), -1);

    broker_group_coordinator_destroy(coord);

    /* All of it replays to the same (empty) result. */
    coord = replay(&s, 40000);
    CU_ASSERT_EQUAL(fetch_one(coord, "simple", "t", 1, NULL, 0), -1);
    CU_ASSERT_EQUAL(fetch_one(coord, "active", "t", 0, NULL, 0), -1);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_persist_failure(void)
{
    store_t s = {0};
    broker_group_coordinator_t *coord = new_coord(&s);
    join_cap_t a, b;
    sync_cap_t sa, sb;

    s.fail_with = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
    CU_ASSERT_EQUAL(commit_one(coord, "g", -1, "", "t", 0, 1, NULL, 0),
                    KAFKA_ERR_COORDINATOR_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(fetch_one(coord, "g", "t", 0, NULL, 0), -1);
    s.fail_with = KAFKA_ERR_MESSAGE_TOO_LARGE;
    CU_ASSERT_EQUAL(commit_one(coord, "g", -1, "", "t", 0, 1, NULL, 0),
                    KAFKA_ERR_INVALID_COMMIT_OFFSET_SIZE);
    s.fail_with = KAFKA_ERR_NOT_LEADER_OR_FOLLOWER;
    CU_ASSERT_EQUAL(commit_one(coord, "g", -1, "", "t", 0, 1, NULL, 0), KAFKA_ERR_NOT_COORDINATOR);
    /* A failed standalone commit leaves no group behind. */
    broker_group_description_t d;
    broker_group_describe(coord, "g", &d);
    CU_ASSERT_STRING_EQUAL(d.group_state, "Dead");
    broker_group_description_clear(&d);

    /* The leader's assignment cannot be stored: everyone parked hears it
     * and the group rebalances. */
    s.fail_with = 0;
    join(coord, "g2", "", 0, &a);
    join(coord, "g2", "", 10, &b);
    join(coord, "g2", a.member_id, 20, &a);
    CU_ASSERT_EQUAL(b.generation, 2);
    broker_group_sync_request_t req = {"g2", 2, b.member_id, NULL, NULL, 0};
    sb.calls = 0;
    broker_group_sync(coord, &req, 30, on_sync, &sb);
    s.fail_with = KAFKA_ERR_UNKNOWN_SERVER_ERROR;
    sync_leader(coord, "g2", 2, a.member_id, "x", 40, &sa);
    CU_ASSERT_EQUAL(sa.calls, 1);
    CU_ASSERT_EQUAL(sa.error, KAFKA_ERR_COORDINATOR_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(sb.calls, 1);
    CU_ASSERT_EQUAL(sb.error, KAFKA_ERR_COORDINATOR_NOT_AVAILABLE);
    broker_group_describe(coord, "g2", &d);
    CU_ASSERT_STRING_EQUAL(d.group_state, "PreparingRebalance");
    broker_group_description_clear(&d);

    /* Deleting cannot go ahead without its tombstones. */
    s.fail_with = 0;
    CU_ASSERT_EQUAL(commit_one(coord, "g3", -1, "", "t", 0, 1, NULL, 0), KAFKA_ERR_NONE);
    s.fail_with = KAFKA_ERR_UNKNOWN_SERVER_ERROR;
    CU_ASSERT_EQUAL(broker_group_delete(coord, "g3", 50), KAFKA_ERR_COORDINATOR_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(fetch_one(coord, "g3", "t", 0, NULL, 0), 1);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_malformed_records(void)
{
    broker_group_coordinator_t *coord = new_coord(NULL);
    char err[200];
    static const uint8_t good_key[] = {0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 0};
    static const uint8_t truncated_key[] = {0, 1, 0, 9, 'g'};
    static const uint8_t nul_key[] = {0, 1, 0, 2, 'g', 0, 0, 1, 't', 0, 0, 0, 0};
    static const uint8_t newer_key[] = {0, 7, 1, 2, 3};
    static const uint8_t short_value[] = {0, 3, 0, 0, 0};
    static const uint8_t future_value[] = {0, 9, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t group_key[] = {0, 2, 0, 1, 'g'};
    /* GroupMetadataValue v3 claiming a billion members. */
    static const uint8_t huge_members[] = {0, 3, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff,
                                           0, 0, 0, 0, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0};

    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, truncated_key, sizeof(truncated_key),
                                                  short_value, sizeof(short_value), 0, err,
                                                  sizeof(err)),
                    -1);
    ASSERT_CONTAINS(err, "group");
    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, nul_key, sizeof(nul_key), NULL, 0, 0, err,
                                                  sizeof(err)),
                    -1);
    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, newer_key, sizeof(newer_key), NULL, 0, 0,
                                                  err, sizeof(err)),
                    1);
    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, good_key, sizeof(good_key), short_value,
                                                  sizeof(short_value), 0, err, sizeof(err)),
                    -1);
    ASSERT_CONTAINS(err, "offset");
    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, good_key, sizeof(good_key), future_value,
                                                  sizeof(future_value), 0, err, sizeof(err)),
                    -1);
    ASSERT_CONTAINS(err, "version 9");
    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, group_key, sizeof(group_key), huge_members,
                                                  sizeof(huge_members), 0, err, sizeof(err)),
                    -1);
    ASSERT_CONTAINS(err, "members count");
    CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, NULL, 0, NULL, 0, 0, NULL, 0), -1);
    broker_group_coordinator_load_complete(coord, 0);
    /* Nothing half-loaded. */
    size_t n;
    broker_group_overview_t *all = broker_group_list(coord, &n);
    CU_ASSERT_EQUAL(n, 0);
    free(all);
    broker_group_coordinator_destroy(coord);
}

/* Truncated and corrupted versions of real records: every outcome is a
 * clean accept or reject, never a crash (ASan and UBSan watch). */
static void test_corrupt_records_never_crash(void)
{
    store_t s = {0};
    broker_group_coordinator_t *coord = new_coord(&s);
    join_cap_t a;
    sync_cap_t sc;
    join(coord, "g", "", 0, &a);
    sync_leader(coord, "g", 1, a.member_id, "assignment", 10, &sc);
    broker_group_offset_commit_t oc = {"t", 0, 1, -1, "metadata", 0};
    broker_group_commit_offsets(coord, "g", 1, a.member_id, NULL, -1, &oc, 1, 20);
    broker_group_commit_offsets(coord, "g", 1, a.member_id, NULL, 5000, &oc, 1, 20);
    broker_group_coordinator_destroy(coord);
    CU_ASSERT(s.count >= 3);

    unsigned seed = 12345;
    size_t accepted = 0, rejected = 0;
    coord = new_coord(NULL);
    for (int round = 0; round < 20000; round++) {
        const stored_t *r = &s.recs[(size_t)round % s.count];
        uint8_t key[256], value[512];
        size_t klen = r->key_len < sizeof(key) ? r->key_len : sizeof(key);
        size_t vlen = r->value_len < sizeof(value) ? r->value_len : sizeof(value);
        memcpy(key, r->key, klen);
        if (r->value)
            memcpy(value, r->value, vlen);
        seed = seed * 1103515245u + 12345u;
        switch ((seed >> 16) % 4) {
        case 0: vlen = (seed >> 8) % (vlen + 1); break;
        case 1: klen = (seed >> 8) % (klen + 1); break;
        case 2:
            if (vlen)
                value[(seed >> 8) % vlen] ^= (uint8_t)(seed >> 3);
            break;
        default:
            if (klen)
                key[(seed >> 8) % klen] ^= (uint8_t)(seed >> 5);
            break;
        }
        char err[200];
        int rc = broker_group_coordinator_load(coord, key, klen, r->value ? value : NULL, vlen,
                                               round, err, sizeof(err));
        if (rc < 0) {
            rejected++;
            CU_ASSERT(err[0] != '\0');
        } else {
            accepted++;
        }
    }
    broker_group_coordinator_load_complete(coord, 30000);
    broker_group_coordinator_tick(coord, 40000);
    CU_ASSERT(accepted > 0);
    CU_ASSERT(rejected > 0);
    broker_group_coordinator_destroy(coord);
    store_free(&s);
}

static void test_partition_for(void)
{
    /* Expected values are Java's String.hashCode() over UTF-16, computed
     * independently; abs(INT_MIN) is 0 in Kafka's Utils.abs. */
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("connect-local-file-sink"), -1047382657);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("connect-local-file-sink", 50), 7);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("connect-cluster"), 1440343063);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("connect-cluster", 50), 13);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("my-group"), -1906497762);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("my-group", 50), 12);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("my-group", 3), 0);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("test-group"), 627841412);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("test-group", 3), 2);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash(""), 0);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("polygenelubricants"), INT32_MIN);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("polygenelubricants", 50), 0);
    /* Non-ASCII: one UTF-16 unit for ü, a surrogate pair for U+1F600. */
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("gr\xc3\xbcppe"), -1233264812);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("gr\xc3\xbcppe", 50), 12);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("g\xf0\x9f\x98\x80"), 1871882);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("g\xf0\x9f\x98\x80", 50), 32);
    /* Malformed UTF-8 decodes to U+FFFD as Java does: "a\xff" is "a\ufffd". */
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("a\xff"), 97 * 31 + 0xFFFD);
    CU_ASSERT_EQUAL(broker_group_offsets_java_hash("a\xe2\x82"), 97 * 31 + 0xFFFD);
    CU_ASSERT_EQUAL(broker_group_offsets_partition_for("anything", 0), 0);

    broker_group_config_t conf;
    broker_group_config_defaults(&conf);
    conf.offsets_topic_num_partitions = 3;
    broker_group_coordinator_t *coord = broker_group_coordinator_new(&conf, NULL, NULL);
    CU_ASSERT_EQUAL(broker_group_coordinator_partition_for(coord, "test-group"), 2);
    broker_group_coordinator_destroy(coord);
}

static void test_config_defaults(void)
{
    broker_group_config_t conf;
    broker_group_config_defaults(&conf);
    CU_ASSERT_EQUAL(conf.group_min_session_timeout_ms, 6000);
    CU_ASSERT_EQUAL(conf.group_max_session_timeout_ms, 1800000);
    CU_ASSERT_EQUAL(conf.group_initial_rebalance_delay_ms, 3000);
    CU_ASSERT_EQUAL(conf.offset_metadata_max_bytes, 4096);
    CU_ASSERT_EQUAL(conf.offsets_topic_num_partitions, 50);
    CU_ASSERT_EQUAL(conf.offsets_retention_ms, 7LL * 24 * 3600 * 1000);
}

/* clang-format off */
void test_register(void)
{
    TEST_SUITE("broker_group_offsets",
               {"standalone commit", test_standalone_commit},
               {"commit in each state", test_commit_in_each_state},
               {"per-partition errors and fetch all", test_commit_partition_errors},
               {"record formats", test_record_formats},
               {"persistence round trip", test_persistence_round_trip},
               {"empty group metadata persisted", test_empty_group_metadata_persisted},
               {"tombstones", test_tombstones},
               {"retention", test_retention},
               {"persist failure", test_persist_failure},
               {"malformed records", test_malformed_records},
               {"corrupt records never crash", test_corrupt_records_never_crash},
               {"partition for group", test_partition_for},
               {"config defaults", test_config_defaults});
}
/* clang-format on */
