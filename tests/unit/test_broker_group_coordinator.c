/*
 * Group membership in the coordinator: JoinGroup (both join styles), leader
 * choice, SyncGroup, Heartbeat, LeaveGroup, rebalances on join, leave and
 * session timeout, errors, DescribeGroups/ListGroups and the cancellation of
 * parked requests. Time is driven by hand through now_ms.
 */
#include <stdlib.h>
#include <string.h>

#include "group_coordinator.h"
#include "test_util.h"

#define SESSION_MS 10000
#define REBALANCE_MS 30000

/* ---------------------------------------------------------------------------
 * Capturing answers.
 */

typedef struct join_cap {
    int calls;
    int16_t error;
    int32_t generation;
    char protocol[64];
    char leader[160];
    char member_id[160];
    size_t member_count;
    char members[8][160];
    char metadata[8][32];
    /* Optional: called from inside the callback, to test re-entrancy. */
    void (*hook)(struct join_cap *cap);
    broker_group_coordinator_t *coord;
    void *cancel_other;
} join_cap_t;

static void on_join(void *opaque, const broker_group_join_response_t *r)
{
    join_cap_t *c = opaque;
    c->calls++;
    c->error = r->error_code;
    c->generation = r->generation_id;
    snprintf(c->protocol, sizeof(c->protocol), "%s", r->protocol_name);
    snprintf(c->leader, sizeof(c->leader), "%s", r->leader);
    snprintf(c->member_id, sizeof(c->member_id), "%s", r->member_id);
    c->member_count = r->member_count;
    for (size_t i = 0; i < r->member_count && i < 8; i++) {
        snprintf(c->members[i], sizeof(c->members[i]), "%s", r->members[i].member_id);
        snprintf(c->metadata[i], sizeof(c->metadata[i]), "%.*s", (int)r->members[i].metadata_len,
                 (const char *)r->members[i].metadata);
    }
    if (c->hook)
        c->hook(c);
}

typedef struct sync_cap {
    int calls;
    int16_t error;
    char assignment[64];
    size_t len;
} sync_cap_t;

static void on_sync(void *opaque, const broker_group_sync_response_t *r)
{
    sync_cap_t *c = opaque;
    c->calls++;
    c->error = r->error_code;
    c->len =
        r->assignment_len < sizeof(c->assignment) ? r->assignment_len : sizeof(c->assignment) - 1;
    if (c->len)
        memcpy(c->assignment, r->assignment, c->len);
    c->assignment[c->len] = '\0';
}

static const broker_group_protocol_t consumer_protocols[] = {
    {"range", (const uint8_t *)"sub-range", 9},
    {"roundrobin", (const uint8_t *)"sub-rr", 6},
};

static broker_group_coordinator_t *new_coord(int32_t initial_delay_ms)
{
    broker_group_config_t conf;
    broker_group_config_defaults(&conf);
    conf.group_initial_rebalance_delay_ms = initial_delay_ms;
    return broker_group_coordinator_new(&conf, NULL, NULL);
}

static void join_full(broker_group_coordinator_t *coord, const char *group, const char *member_id,
                      int16_t version, const char *client, const char *protocol_type,
                      const broker_group_protocol_t *protocols, size_t protocol_count,
                      int32_t session_ms, int64_t now, join_cap_t *cap)
{
    broker_group_join_request_t req = {
        .api_version = version,
        .group_id = group,
        .session_timeout_ms = session_ms,
        .rebalance_timeout_ms = REBALANCE_MS,
        .member_id = member_id,
        .protocol_type = protocol_type,
        .protocols = protocols,
        .protocol_count = protocol_count,
        .client_id = client,
        .client_host = "/127.0.0.1",
    };
    cap->calls = 0;
    cap->error = -2;
    broker_group_join(coord, &req, now, on_join, cap);
}

static void join(broker_group_coordinator_t *coord, const char *group, const char *member_id,
                 int16_t version, const char *client, int64_t now, join_cap_t *cap)
{
    join_full(coord, group, member_id, version, client, "consumer", consumer_protocols, 2,
              SESSION_MS, now, cap);
}

/* The two-step JoinGroup of v4+: learns the id, then joins with it (the
 * second request is left parked or answered on cap). */
static void join_new(broker_group_coordinator_t *coord, const char *group, const char *client,
                     int64_t now, join_cap_t *cap, char *id, size_t id_size)
{
    join(coord, group, "", 5, client, now, cap);
    CU_ASSERT_EQUAL(cap->calls, 1);
    CU_ASSERT_EQUAL(cap->error, KAFKA_ERR_MEMBER_ID_REQUIRED);
    snprintf(id, id_size, "%s", cap->member_id);
    join(coord, group, id, 5, client, now, cap);
}

static void sync(broker_group_coordinator_t *coord, const char *group, int32_t generation,
                 const char *member_id, const broker_group_assignment_t *assignments, size_t count,
                 int64_t now, sync_cap_t *cap)
{
    broker_group_sync_request_t req = {
        .group_id = group,
        .generation_id = generation,
        .member_id = member_id,
        .assignments = assignments,
        .assignment_count = count,
    };
    cap->calls = 0;
    cap->error = -2;
    broker_group_sync(coord, &req, now, on_sync, cap);
}

static broker_group_state_t state_of(broker_group_coordinator_t *coord, const char *group)
{
    broker_group_description_t d;
    broker_group_describe(coord, group, &d);
    broker_group_state_t s = d.state;
    broker_group_description_clear(&d);
    return s;
}

static size_t members_of(broker_group_coordinator_t *coord, const char *group)
{
    broker_group_description_t d;
    broker_group_describe(coord, group, &d);
    size_t n = d.member_count;
    broker_group_description_clear(&d);
    return n;
}

/* Two members A (leader) and B, Stable in generation 1 with assignments
 * "asg-A" and "asg-B", formed at time 0 with an initial delay of 3000. */
typedef struct pair {
    broker_group_coordinator_t *coord;
    char a[160], b[160];
    join_cap_t ja, jb;
    sync_cap_t sa, sb;
} pair_t;

static void form_pair(pair_t *p)
{
    memset(p, 0, sizeof(*p));
    p->coord = new_coord(3000);
    join_new(p->coord, "g", "client-a", 0, &p->ja, p->a, sizeof(p->a));
    join_new(p->coord, "g", "client-b", 100, &p->jb, p->b, sizeof(p->b));
    broker_group_coordinator_tick(p->coord, 3000); /* B arrived: one more delay */
    broker_group_coordinator_tick(p->coord, 6000);
    CU_ASSERT_EQUAL(p->ja.calls, 1);
    CU_ASSERT_EQUAL(p->jb.calls, 1);
    broker_group_assignment_t as[] = {
        {p->a, (const uint8_t *)"asg-A", 5},
        {p->b, (const uint8_t *)"asg-B", 5},
    };
    sync(p->coord, "g", 1, p->b, NULL, 0, 6010, &p->sb);
    sync(p->coord, "g", 1, p->a, as, 2, 6020, &p->sa);
    CU_ASSERT_EQUAL(state_of(p->coord, "g"), BROKER_GROUP_STABLE);
}

/* ---------------------------------------------------------------------------
 * Tests.
 */

static void test_member_id_required(void)
{
    broker_group_coordinator_t *coord = new_coord(0);
    join_cap_t c = {0};

    join(coord, "g", "", 4, "client-1", 0, &c);
    CU_ASSERT_EQUAL(c.calls, 1);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_MEMBER_ID_REQUIRED);
    CU_ASSERT_EQUAL(c.generation, -1);
    /* client_id + "-" + a version 4 UUID */
    CU_ASSERT_EQUAL(strncmp(c.member_id, "client-1-", 9), 0);
    CU_ASSERT_EQUAL(strlen(c.member_id), 9 + 36);
    CU_ASSERT_EQUAL(c.member_id[9 + 14], '4');
    CU_ASSERT_EQUAL(c.member_id[9 + 8], '-');
    /* A pending member is not a member yet. */
    CU_ASSERT_EQUAL(members_of(coord, "g"), 0);
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_EMPTY);

    char id[160];
    snprintf(id, sizeof(id), "%s", c.member_id);
    join(coord, "g", id, 4, "client-1", 10, &c);
    /* With no initial delay a lone member completes the join at once. */
    CU_ASSERT_EQUAL(c.calls, 1);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(c.generation, 1);
    CU_ASSERT_STRING_EQUAL(c.member_id, id);
    CU_ASSERT_STRING_EQUAL(c.leader, id);
    CU_ASSERT_STRING_EQUAL(c.protocol, "range");
    CU_ASSERT_EQUAL(c.member_count, 1);
    CU_ASSERT_STRING_EQUAL(c.metadata[0], "sub-range");
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_COMPLETING_REBALANCE);

    /* Two first joins get two different ids. */
    join_cap_t c2 = {0};
    join(coord, "g2", "", 5, "client-1", 20, &c2);
    join(coord, "g2", "", 5, "client-1", 20, &c);
    CU_ASSERT_STRING_NOT_EQUAL(c.member_id, c2.member_id);
    broker_group_coordinator_destroy(coord);
}

static void test_old_versions_join_at_once(void)
{
    broker_group_coordinator_t *coord = new_coord(0);
    join_cap_t c = {0};
    join(coord, "g", "", 2, "kafka-python", 0, &c);
    CU_ASSERT_EQUAL(c.calls, 1);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(c.generation, 1);
    CU_ASSERT_EQUAL(strncmp(c.member_id, "kafka-python-", 13), 0);
    CU_ASSERT_STRING_EQUAL(c.leader, c.member_id);
    broker_group_coordinator_destroy(coord);
}

static void test_two_members_initial_delay_and_sync(void)
{
    broker_group_coordinator_t *coord = new_coord(3000);
    join_cap_t ja = {0}, jb = {0};
    sync_cap_t sa, sb, sb2;
    char a[160], b[160];

    join_new(coord, "g", "client-a", 0, &ja, a, sizeof(a));
    CU_ASSERT_EQUAL(ja.calls, 0); /* parked for the initial delay */
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    CU_ASSERT_EQUAL(broker_group_coordinator_next_deadline(coord), 3000);

    join_new(coord, "g", "client-b", 1000, &jb, b, sizeof(b));
    CU_ASSERT_EQUAL(jb.calls, 0);
    broker_group_coordinator_tick(coord, 2999);
    CU_ASSERT_EQUAL(ja.calls, 0);
    /* A member arrived during the delay: one more delay. */
    CU_ASSERT_EQUAL(broker_group_coordinator_tick(coord, 3000), 6000);
    CU_ASSERT_EQUAL(ja.calls, 0);
    broker_group_coordinator_tick(coord, 6000);
    CU_ASSERT_EQUAL(ja.calls, 1);
    CU_ASSERT_EQUAL(jb.calls, 1);
    CU_ASSERT_EQUAL(ja.generation, 1);
    CU_ASSERT_EQUAL(jb.generation, 1);
    /* The first to join leads, and only the leader sees the members. */
    CU_ASSERT_STRING_EQUAL(ja.leader, a);
    CU_ASSERT_STRING_EQUAL(jb.leader, a);
    CU_ASSERT_EQUAL(ja.member_count, 2);
    CU_ASSERT_STRING_EQUAL(ja.members[0], a);
    CU_ASSERT_STRING_EQUAL(ja.members[1], b);
    CU_ASSERT_STRING_EQUAL(ja.metadata[1], "sub-range");
    CU_ASSERT_EQUAL(jb.member_count, 0);
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_COMPLETING_REBALANCE);

    /* The follower waits for the leader's assignments. */
    sync(coord, "g", 1, b, NULL, 0, 6100, &sb);
    CU_ASSERT_EQUAL(sb.calls, 0);
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", 1, b, NULL, 6150), KAFKA_ERR_NONE);

    /* Assignment bytes are opaque and may contain anything. */
    static const uint8_t bin[] = {0, 1, 0, 255, 7};
    broker_group_assignment_t as[] = {
        {a, (const uint8_t *)"for-a", 5},
        {b, bin, sizeof(bin)},
        {"someone-else", (const uint8_t *)"x", 1},
    };
    sync(coord, "g", 1, a, as, 3, 6200, &sa);
    CU_ASSERT_EQUAL(sa.calls, 1);
    CU_ASSERT_EQUAL(sa.error, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(sa.assignment, "for-a");
    CU_ASSERT_EQUAL(sb.calls, 1);
    CU_ASSERT_EQUAL(sb.error, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(sb.len, sizeof(bin));
    CU_ASSERT_EQUAL(memcmp(sb.assignment, bin, sizeof(bin)), 0);
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_STABLE);

    /* In Stable a SyncGroup is answered at once with the stored bytes. */
    sync(coord, "g", 1, b, NULL, 0, 6300, &sb2);
    CU_ASSERT_EQUAL(sb2.calls, 1);
    CU_ASSERT_EQUAL(sb2.len, sizeof(bin));
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", 1, a, NULL, 6400), KAFKA_ERR_NONE);

    /* A follower's JoinGroup with unchanged metadata changes nothing. */
    join(coord, "g", b, 5, "client-b", 6500, &jb);
    CU_ASSERT_EQUAL(jb.calls, 1);
    CU_ASSERT_EQUAL(jb.generation, 1);
    CU_ASSERT_STRING_EQUAL(jb.leader, a);
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_STABLE);
    broker_group_coordinator_destroy(coord);
}

static void test_missing_assignment_is_empty(void)
{
    pair_t p;
    memset(&p, 0, sizeof(p));
    p.coord = new_coord(0);
    join_new(p.coord, "g", "client-a", 0, &p.ja, p.a, sizeof(p.a));
    CU_ASSERT_EQUAL(p.ja.generation, 1);
    join_new(p.coord, "g", "client-b", 10, &p.jb, p.b, sizeof(p.b));
    join(p.coord, "g", p.a, 5, "client-a", 20, &p.ja); /* completes generation 2 */
    CU_ASSERT_EQUAL(p.jb.calls, 1);
    CU_ASSERT_EQUAL(p.jb.generation, 2);
    sync(p.coord, "g", 2, p.b, NULL, 0, 30, &p.sb);
    broker_group_assignment_t as[] = {{p.a, (const uint8_t *)"only-a", 6}};
    sync(p.coord, "g", 2, p.a, as, 1, 40, &p.sa);
    CU_ASSERT_EQUAL(p.sb.calls, 1);
    CU_ASSERT_EQUAL(p.sb.error, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(p.sb.len, 0);
    CU_ASSERT_STRING_EQUAL(p.sa.assignment, "only-a");
    broker_group_coordinator_destroy(p.coord);
}

static void test_third_member_joins_and_leaves(void)
{
    pair_t p;
    form_pair(&p);
    char c[160];
    join_cap_t jc = {0};
    sync_cap_t sc;

    join_new(p.coord, "g", "client-c", 7000, &jc, c, sizeof(c));
    CU_ASSERT_EQUAL(jc.calls, 0);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    /* Heartbeats tell the others to re-join. */
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, p.a, NULL, 7100),
                    KAFKA_ERR_REBALANCE_IN_PROGRESS);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, p.b, NULL, 7100),
                    KAFKA_ERR_REBALANCE_IN_PROGRESS);
    /* SyncGroup during the join phase is refused. */
    sync(p.coord, "g", 1, p.b, NULL, 0, 7150, &p.sb);
    CU_ASSERT_EQUAL(p.sb.error, KAFKA_ERR_REBALANCE_IN_PROGRESS);

    join(p.coord, "g", p.a, 5, "client-a", 7200, &p.ja);
    CU_ASSERT_EQUAL(p.ja.calls, 0);
    join(p.coord, "g", p.b, 5, "client-b", 7300, &p.jb);
    /* Everyone is in: the join completes without waiting for a timeout. */
    CU_ASSERT_EQUAL(p.ja.calls, 1);
    CU_ASSERT_EQUAL(p.jb.calls, 1);
    CU_ASSERT_EQUAL(jc.calls, 1);
    CU_ASSERT_EQUAL(p.ja.generation, 2);
    CU_ASSERT_EQUAL(jc.generation, 2);
    CU_ASSERT_STRING_EQUAL(jc.leader, p.a);
    CU_ASSERT_EQUAL(p.ja.member_count, 3);

    broker_group_assignment_t as[] = {{p.a, (const uint8_t *)"1", 1},
                                      {p.b, (const uint8_t *)"2", 1},
                                      {c, (const uint8_t *)"3", 1}};
    sync(p.coord, "g", 2, c, NULL, 0, 7400, &sc);
    sync(p.coord, "g", 2, p.b, NULL, 0, 7400, &p.sb);
    sync(p.coord, "g", 2, p.a, as, 3, 7500, &p.sa);
    CU_ASSERT_STRING_EQUAL(sc.assignment, "3");
    CU_ASSERT_STRING_EQUAL(p.sb.assignment, "2");
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_STABLE);

    /* C leaves: the others rebalance into generation 3 without it. */
    CU_ASSERT_EQUAL(broker_group_leave(p.coord, "g", c, 8000), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    CU_ASSERT_EQUAL(members_of(p.coord, "g"), 2);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 2, p.b, NULL, 8100),
                    KAFKA_ERR_REBALANCE_IN_PROGRESS);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 2, c, NULL, 8100),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    join(p.coord, "g", p.b, 5, "client-b", 8200, &p.jb);
    join(p.coord, "g", p.a, 5, "client-a", 8300, &p.ja);
    CU_ASSERT_EQUAL(p.jb.generation, 3);
    CU_ASSERT_EQUAL(p.ja.member_count, 2);
    /* Leaving twice is an unknown member. */
    CU_ASSERT_EQUAL(broker_group_leave(p.coord, "g", c, 8400), KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(broker_group_leave(p.coord, "nope", c, 8400), KAFKA_ERR_UNKNOWN_MEMBER_ID);
    broker_group_coordinator_destroy(p.coord);
}

static void test_session_timeout(void)
{
    pair_t p;
    form_pair(&p); /* the assignment at 6020 restarts both sessions */

    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, p.a, NULL, 14000), KAFKA_ERR_NONE);
    /* B's next heartbeat was due by 16020. */
    CU_ASSERT_EQUAL(broker_group_coordinator_next_deadline(p.coord), 16020);
    broker_group_coordinator_tick(p.coord, 16019);
    CU_ASSERT_EQUAL(members_of(p.coord, "g"), 2);
    broker_group_coordinator_tick(p.coord, 16020);
    CU_ASSERT_EQUAL(members_of(p.coord, "g"), 1);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, p.b, NULL, 16020),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, p.a, NULL, 16030),
                    KAFKA_ERR_REBALANCE_IN_PROGRESS);
    join(p.coord, "g", p.a, 5, "client-a", 16040, &p.ja);
    CU_ASSERT_EQUAL(p.ja.calls, 1);
    CU_ASSERT_EQUAL(p.ja.generation, 2);
    CU_ASSERT_EQUAL(p.ja.member_count, 1);

    /* The last member timing out empties the group. */
    broker_group_coordinator_tick(p.coord, 16040 + SESSION_MS);
    CU_ASSERT_EQUAL(members_of(p.coord, "g"), 0);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_EMPTY);
    broker_group_coordinator_destroy(p.coord);
}

static void test_leader_leaves(void)
{
    pair_t p;
    form_pair(&p);
    CU_ASSERT_EQUAL(broker_group_leave(p.coord, "g", p.a, 7000), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    join(p.coord, "g", p.b, 5, "client-b", 7100, &p.jb);
    CU_ASSERT_EQUAL(p.jb.calls, 1);
    CU_ASSERT_EQUAL(p.jb.generation, 2);
    CU_ASSERT_STRING_EQUAL(p.jb.leader, p.b);
    CU_ASSERT_EQUAL(p.jb.member_count, 1);
    broker_group_coordinator_destroy(p.coord);
}

static void test_leader_rejoin_in_stable_rebalances(void)
{
    pair_t p;
    form_pair(&p);
    /* The leader asks for a rebalance by joining again (new topics). */
    join(p.coord, "g", p.a, 5, "client-a", 7000, &p.ja);
    CU_ASSERT_EQUAL(p.ja.calls, 0);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    /* B never re-joins but keeps its session alive: the rebalance timeout
     * drops it. */
    for (int64_t t = 9000; t < 7000 + REBALANCE_MS; t += 3000) {
        CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, p.b, NULL, t),
                        KAFKA_ERR_REBALANCE_IN_PROGRESS);
        broker_group_coordinator_tick(p.coord, t);
    }
    CU_ASSERT_EQUAL(p.ja.calls, 0);
    broker_group_coordinator_tick(p.coord, 7000 + REBALANCE_MS);
    CU_ASSERT_EQUAL(p.ja.calls, 1);
    CU_ASSERT_EQUAL(p.ja.generation, 2);
    CU_ASSERT_EQUAL(p.ja.member_count, 1);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 2, p.b, NULL, 37100),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    broker_group_coordinator_destroy(p.coord);
}

static void test_changed_metadata_rebalances(void)
{
    pair_t p;
    form_pair(&p);
    static const broker_group_protocol_t changed[] = {
        {"range", (const uint8_t *)"sub-range-2", 11},
        {"roundrobin", (const uint8_t *)"sub-rr", 6},
    };
    join_full(p.coord, "g", p.b, 5, "client-b", "consumer", changed, 2, SESSION_MS, 7000, &p.jb);
    CU_ASSERT_EQUAL(p.jb.calls, 0);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    join(p.coord, "g", p.a, 5, "client-a", 7100, &p.ja);
    CU_ASSERT_EQUAL(p.ja.calls, 1);
    CU_ASSERT_STRING_EQUAL(p.ja.metadata[1], "sub-range-2");
    broker_group_coordinator_destroy(p.coord);
}

static void test_protocol_mismatch(void)
{
    pair_t p;
    form_pair(&p);
    join_cap_t c = {0};
    static const broker_group_protocol_t other[] = {{"sticky", (const uint8_t *)"s", 1}};
    static const broker_group_protocol_t mixed[] = {{"sticky", (const uint8_t *)"s", 1},
                                                    {"roundrobin", (const uint8_t *)"r", 1}};

    join_full(p.coord, "g", "", 5, "x", "connect", consumer_protocols, 2, SESSION_MS, 7000, &c);
    CU_ASSERT_EQUAL(c.calls, 1);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL);
    join_full(p.coord, "g", "", 5, "x", "consumer", other, 1, SESSION_MS, 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_STABLE);

    /* A member with one protocol in common is welcome, and the vote picks
     * the protocol everyone supports. */
    char c_id[160];
    join(p.coord, "g", "", 5, "x", 7100, &c);
    snprintf(c_id, sizeof(c_id), "%s", c.member_id);
    join_full(p.coord, "g", c_id, 5, "x", "consumer", mixed, 2, SESSION_MS, 7100, &c);
    join(p.coord, "g", p.a, 5, "client-a", 7200, &p.ja);
    join(p.coord, "g", p.b, 5, "client-b", 7200, &p.jb);
    CU_ASSERT_EQUAL(c.calls, 1);
    CU_ASSERT_STRING_EQUAL(c.protocol, "roundrobin");
    CU_ASSERT_STRING_EQUAL(p.ja.metadata[0], "sub-rr");

    /* A new group needs a protocol type and at least one protocol, and a
     * refused first join leaves no group behind. */
    join_full(p.coord, "fresh", "", 5, "x", "", consumer_protocols, 2, SESSION_MS, 7300, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL);
    join_full(p.coord, "fresh", "", 5, "x", "consumer", NULL, 0, SESSION_MS, 7300, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL);
    CU_ASSERT_EQUAL(state_of(p.coord, "fresh"), BROKER_GROUP_DEAD);
    broker_group_coordinator_destroy(p.coord);
}

static void test_errors(void)
{
    pair_t p;
    form_pair(&p);
    join_cap_t c = {0};
    sync_cap_t s;

    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 7, p.a, NULL, 7000),
                    KAFKA_ERR_ILLEGAL_GENERATION);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "g", 1, "nobody", NULL, 7000),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "unknown", 1, p.a, NULL, 7000),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, "", 1, p.a, NULL, 7000),
                    KAFKA_ERR_INVALID_GROUP_ID);
    CU_ASSERT_EQUAL(broker_group_heartbeat(p.coord, NULL, 1, p.a, NULL, 7000),
                    KAFKA_ERR_INVALID_GROUP_ID);

    sync(p.coord, "g", 0, p.a, NULL, 0, 7000, &s);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_EQUAL(s.error, KAFKA_ERR_ILLEGAL_GENERATION);
    CU_ASSERT_EQUAL(s.len, 0);
    sync(p.coord, "g", 1, "nobody", NULL, 0, 7000, &s);
    CU_ASSERT_EQUAL(s.error, KAFKA_ERR_UNKNOWN_MEMBER_ID);
    sync(p.coord, "unknown", 1, p.a, NULL, 0, 7000, &s);
    CU_ASSERT_EQUAL(s.error, KAFKA_ERR_UNKNOWN_MEMBER_ID);

    join(p.coord, "g", "nobody", 5, "x", 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_STRING_EQUAL(c.member_id, "nobody");
    join(p.coord, "unknown", "someone", 5, "x", 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_UNKNOWN_MEMBER_ID);
    CU_ASSERT_EQUAL(state_of(p.coord, "unknown"), BROKER_GROUP_DEAD);
    join(p.coord, "", "", 5, "x", 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INVALID_GROUP_ID);

    /* group.min/max.session.timeout.ms */
    join_full(p.coord, "g", "", 5, "x", "consumer", consumer_protocols, 2, 5999, 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INVALID_SESSION_TIMEOUT);
    join_full(p.coord, "g", "", 5, "x", "consumer", consumer_protocols, 2, 1800001, 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_INVALID_SESSION_TIMEOUT);
    join_full(p.coord, "g", "", 5, "x", "consumer", consumer_protocols, 2, 6000, 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_MEMBER_ID_REQUIRED);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_STABLE);
    broker_group_coordinator_destroy(p.coord);
}

static void test_pending_member(void)
{
    pair_t p;
    form_pair(&p);
    join_cap_t c = {0};

    /* A first-step join does not disturb a Stable group... */
    join(p.coord, "g", "", 5, "client-c", 7000, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_MEMBER_ID_REQUIRED);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_STABLE);
    /* ...but a rebalance waits for the pending member until its session
     * timeout removes it. */
    join(p.coord, "g", p.a, 5, "client-a", 7100, &p.ja);
    join(p.coord, "g", p.b, 5, "client-b", 7100, &p.jb);
    CU_ASSERT_EQUAL(p.ja.calls, 0);
    broker_group_coordinator_tick(p.coord, 7000 + SESSION_MS - 1);
    CU_ASSERT_EQUAL(p.ja.calls, 0);
    broker_group_coordinator_tick(p.coord, 7000 + SESSION_MS);
    CU_ASSERT_EQUAL(p.ja.calls, 1);
    CU_ASSERT_EQUAL(p.ja.member_count, 2);
    /* The expired id is no longer accepted. */
    join(p.coord, "g", c.member_id, 5, "client-c", 17100, &c);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_UNKNOWN_MEMBER_ID);

    /* A pending member may also leave. */
    join(p.coord, "g", "", 5, "client-d", 17200, &c);
    CU_ASSERT_EQUAL(broker_group_leave(p.coord, "g", c.member_id, 17300), KAFKA_ERR_NONE);
    broker_group_coordinator_destroy(p.coord);
}

static void test_sync_timeout(void)
{
    broker_group_coordinator_t *coord = new_coord(0);
    join_cap_t ja = {0}, jb = {0};
    sync_cap_t sa;
    char a[160], b[160];
    join_new(coord, "g", "client-a", 0, &ja, a, sizeof(a));
    join_new(coord, "g", "client-b", 0, &jb, b, sizeof(b));
    join(coord, "g", a, 5, "client-a", 0, &ja);
    CU_ASSERT_EQUAL(jb.generation, 2);
    broker_group_assignment_t as[] = {{a, (const uint8_t *)"A", 1}, {b, (const uint8_t *)"B", 1}};
    sync(coord, "g", 2, a, as, 2, 100, &sa);
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_STABLE);
    /* B keeps heartbeating but never syncs: after the rebalance timeout it
     * is dropped and the group rebalances. */
    for (int64_t t = 3000; t < REBALANCE_MS; t += 3000) {
        broker_group_heartbeat(coord, "g", 2, a, NULL, t);
        broker_group_heartbeat(coord, "g", 2, b, NULL, t);
    }
    broker_group_coordinator_tick(coord, REBALANCE_MS);
    CU_ASSERT_EQUAL(members_of(coord, "g"), 1);
    CU_ASSERT_EQUAL(state_of(coord, "g"), BROKER_GROUP_PREPARING_REBALANCE);
    broker_group_coordinator_destroy(coord);
}

static void test_v0_rebalance_timeout_is_session(void)
{
    broker_group_coordinator_t *coord = new_coord(0);
    join_cap_t ja = {0}, jb = {0};
    join(coord, "g", "", 0, "old", 0, &ja);
    CU_ASSERT_EQUAL(ja.generation, 1);
    char a[160];
    snprintf(a, sizeof(a), "%s", ja.member_id);
    join(coord, "g", "", 0, "old", 10, &jb);
    CU_ASSERT_EQUAL(jb.calls, 0);
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", 1, a, NULL, 5000),
                    KAFKA_ERR_REBALANCE_IN_PROGRESS);
    /* A v0 member has no rebalance timeout: the join phase ends after the
     * session timeout (not 30 s) and drops the member that did not re-join. */
    broker_group_coordinator_tick(coord, 10 + SESSION_MS - 1);
    CU_ASSERT_EQUAL(jb.calls, 0);
    broker_group_coordinator_tick(coord, 10 + SESSION_MS);
    CU_ASSERT_EQUAL(jb.calls, 1);
    CU_ASSERT_EQUAL(jb.generation, 2);
    CU_ASSERT_EQUAL(jb.member_count, 1);
    CU_ASSERT_STRING_EQUAL(jb.leader, jb.member_id);
    broker_group_coordinator_destroy(coord);
}

static void test_describe_and_list(void)
{
    pair_t p;
    form_pair(&p);
    broker_group_description_t d;

    broker_group_describe(p.coord, "g", &d);
    CU_ASSERT_EQUAL(d.error_code, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(d.group_state, "Stable");
    CU_ASSERT_STRING_EQUAL(d.protocol_type, "consumer");
    CU_ASSERT_STRING_EQUAL(d.protocol_data, "range");
    CU_ASSERT_EQUAL(d.member_count, 2);
    if (d.member_count == 2) {
        CU_ASSERT_STRING_EQUAL(d.members[0].member_id, p.a);
        CU_ASSERT_STRING_EQUAL(d.members[0].client_id, "client-a");
        CU_ASSERT_STRING_EQUAL(d.members[0].client_host, "/127.0.0.1");
        CU_ASSERT_PTR_NULL(d.members[0].group_instance_id);
        CU_ASSERT_EQUAL(d.members[1].member_metadata_len, 9);
        CU_ASSERT_EQUAL(memcmp(d.members[1].member_metadata, "sub-range", 9), 0);
        CU_ASSERT_EQUAL(d.members[1].member_assignment_len, 5);
        CU_ASSERT_EQUAL(memcmp(d.members[1].member_assignment, "asg-B", 5), 0);
    }
    broker_group_description_clear(&d);

    /* Outside Stable, members are listed without metadata. */
    join_cap_t jc = {0};
    char c[160];
    join_new(p.coord, "g", "client-c", 7000, &jc, c, sizeof(c));
    broker_group_describe(p.coord, "g", &d);
    CU_ASSERT_STRING_EQUAL(d.group_state, "PreparingRebalance");
    CU_ASSERT_STRING_EQUAL(d.protocol_data, "");
    CU_ASSERT_EQUAL(d.member_count, 3);
    CU_ASSERT_EQUAL(d.members[0].member_metadata_len, 0);
    CU_ASSERT_EQUAL(d.members[0].member_assignment_len, 0);
    broker_group_description_clear(&d);

    broker_group_describe(p.coord, "unknown", &d);
    CU_ASSERT_EQUAL(d.error_code, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(d.group_state, "Dead");
    CU_ASSERT_STRING_EQUAL(d.group_id, "unknown");
    CU_ASSERT_EQUAL(d.member_count, 0);
    broker_group_description_clear(&d);
    broker_group_describe(p.coord, NULL, &d);
    CU_ASSERT_EQUAL(d.error_code, KAFKA_ERR_INVALID_GROUP_ID);
    broker_group_description_clear(&d);

    /* A group used only for offsets is listed with an empty type. */
    broker_group_offset_commit_t oc = {"t", 0, 5, -1, NULL, 0};
    broker_group_commit_offsets(p.coord, "offsets-only", -1, "", NULL, -1, &oc, 1, 7100);
    CU_ASSERT_EQUAL(oc.error_code, KAFKA_ERR_NONE);
    size_t n;
    broker_group_overview_t *all = broker_group_list(p.coord, &n);
    CU_ASSERT_EQUAL(n, 2);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].group_id, "g") == 0) {
            CU_ASSERT_STRING_EQUAL(all[i].protocol_type, "consumer");
            CU_ASSERT_STRING_EQUAL(all[i].group_state, "PreparingRebalance");
            seen |= 1;
        } else if (strcmp(all[i].group_id, "offsets-only") == 0) {
            CU_ASSERT_STRING_EQUAL(all[i].protocol_type, "");
            CU_ASSERT_STRING_EQUAL(all[i].group_state, "Empty");
            seen |= 2;
        }
    }
    CU_ASSERT_EQUAL(seen, 3);
    free(all);

    CU_ASSERT_STRING_EQUAL(broker_group_state_name(BROKER_GROUP_COMPLETING_REBALANCE),
                           "CompletingRebalance");
    broker_group_coordinator_destroy(p.coord);
}

static void test_connect_protocol_type(void)
{
    broker_group_coordinator_t *coord = new_coord(0);
    static const broker_group_protocol_t connect[] = {
        {"sessioned", (const uint8_t *)"w1", 2},
        {"compatible", (const uint8_t *)"w1", 2},
        {"default", (const uint8_t *)"w1", 2},
    };
    static const broker_group_protocol_t old_worker[] = {
        {"default", (const uint8_t *)"w2", 2},
    };
    join_cap_t a = {0}, b = {0};
    join_full(coord, "connect-cluster", "", 3, "worker-1", "connect", connect, 3, SESSION_MS, 0,
              &a);
    CU_ASSERT_EQUAL(a.error, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(a.protocol, "sessioned");
    join_full(coord, "connect-cluster", "", 3, "worker-2", "connect", old_worker, 1, SESSION_MS, 10,
              &b);
    join_full(coord, "connect-cluster", a.member_id, 3, "worker-1", "connect", connect, 3,
              SESSION_MS, 20, &a);
    CU_ASSERT_EQUAL(b.calls, 1);
    CU_ASSERT_EQUAL(b.generation, 2);
    /* The only protocol both support. */
    CU_ASSERT_STRING_EQUAL(b.protocol, "default");
    broker_group_coordinator_destroy(coord);
}

static void test_static_member_fencing(void)
{
    broker_group_coordinator_t *coord = new_coord(0);
    broker_group_join_request_t req = {
        .api_version = 5,
        .group_id = "g",
        .session_timeout_ms = SESSION_MS,
        .rebalance_timeout_ms = REBALANCE_MS,
        .member_id = "",
        .group_instance_id = "instance-1",
        .protocol_type = "consumer",
        .protocols = consumer_protocols,
        .protocol_count = 2,
        .client_id = "c",
        .client_host = "/127.0.0.1",
    };
    join_cap_t a = {0}, b = {0};
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    /* A static member joins in one step; its id starts with the instance id. */
    broker_group_join(coord, &req, 0, on_join, &a);
    CU_ASSERT_EQUAL(a.calls, 1);
    CU_ASSERT_EQUAL(a.error, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(strncmp(a.member_id, "instance-1-", 11), 0);
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", 1, a.member_id, "instance-1", 10),
                    KAFKA_ERR_NONE);

    /* The same instance restarts: the old member is fenced. */
    broker_group_join(coord, &req, 100, on_join, &b);
    CU_ASSERT_EQUAL(b.calls, 1);
    CU_ASSERT_EQUAL(b.error, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_NOT_EQUAL(a.member_id, b.member_id);
    CU_ASSERT_EQUAL(members_of(coord, "g"), 1);
    CU_ASSERT_EQUAL(
        broker_group_heartbeat(coord, "g", b.generation, a.member_id, "instance-1", 200),
        KAFKA_ERR_FENCED_INSTANCE_ID);
    CU_ASSERT_EQUAL(
        broker_group_heartbeat(coord, "g", b.generation, b.member_id, "instance-1", 200),
        KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_group_heartbeat(coord, "g", b.generation, b.member_id, "other", 200),
                    KAFKA_ERR_UNKNOWN_MEMBER_ID);
    broker_group_description_t d;
    broker_group_describe(coord, "g", &d);
    CU_ASSERT_EQUAL(d.member_count, 1);
    CU_ASSERT_STRING_EQUAL(d.members[0].group_instance_id, "instance-1");
    broker_group_description_clear(&d);
    broker_group_coordinator_destroy(coord);
}

static void test_cancel_new_member(void)
{
    broker_group_coordinator_t *coord = new_coord(3000);
    join_cap_t a = {0}, b = {0};
    char ida[160], idb[160];
    join_new(coord, "g", "client-a", 0, &a, ida, sizeof(ida));
    join_new(coord, "g", "client-b", 100, &b, idb, sizeof(idb));
    /* A's connection closes while its JoinGroup is parked. */
    broker_group_cancel(coord, &a, 200);
    CU_ASSERT_EQUAL(members_of(coord, "g"), 1);
    broker_group_coordinator_tick(coord, 3000);
    broker_group_coordinator_tick(coord, 6000);
    CU_ASSERT_EQUAL(a.calls, 0);
    CU_ASSERT_EQUAL(b.calls, 1);
    CU_ASSERT_EQUAL(b.error, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(b.leader, idb);
    CU_ASSERT_EQUAL(b.member_count, 1);
    broker_group_coordinator_destroy(coord);
}

static void test_cancel_parked_requests(void)
{
    pair_t p;
    form_pair(&p);
    join_cap_t jc = {0};
    char c[160];

    /* An established member's parked JoinGroup is dropped; the rebalance
     * then completes at its deadline without that member. */
    join_new(p.coord, "g", "client-c", 7000, &jc, c, sizeof(c));
    join(p.coord, "g", p.b, 5, "client-b", 7100, &p.jb);
    CU_ASSERT_EQUAL(p.jb.calls, 0);
    broker_group_cancel(p.coord, &p.jb, 7200);
    join(p.coord, "g", p.a, 5, "client-a", 7300, &p.ja);
    CU_ASSERT_EQUAL(p.ja.calls, 0); /* B no longer counts as re-joined */
    broker_group_coordinator_tick(p.coord, 7000 + REBALANCE_MS);
    CU_ASSERT_EQUAL(p.ja.calls, 1);
    CU_ASSERT_EQUAL(jc.calls, 1);
    CU_ASSERT_EQUAL(p.jb.calls, 0);
    CU_ASSERT_EQUAL(p.ja.member_count, 2);

    /* A parked follower SyncGroup is dropped; the leader still gets its
     * answer and nothing calls into the cancelled request. */
    sync_cap_t sc;
    sync(p.coord, "g", 2, c, NULL, 0, 37100, &sc);
    CU_ASSERT_EQUAL(sc.calls, 0);
    broker_group_cancel(p.coord, &sc, 37150);
    broker_group_assignment_t as[] = {{p.a, (const uint8_t *)"1", 1}, {c, (const uint8_t *)"2", 1}};
    sync(p.coord, "g", 2, p.a, as, 2, 37200, &p.sa);
    CU_ASSERT_EQUAL(p.sa.calls, 1);
    CU_ASSERT_EQUAL(sc.calls, 0);
    CU_ASSERT_EQUAL(state_of(p.coord, "g"), BROKER_GROUP_STABLE);
    /* The member itself is still there and can sync again. */
    sync(p.coord, "g", 2, c, NULL, 0, 37300, &sc);
    CU_ASSERT_EQUAL(sc.calls, 1);
    CU_ASSERT_STRING_EQUAL(sc.assignment, "2");
    broker_group_coordinator_destroy(p.coord);
}

/* A callback that cancels another request whose answer is queued in the
 * same batch, and one that calls back into the coordinator. */
static void hook_cancel_other(join_cap_t *cap)
{
    broker_group_cancel(cap->coord, cap->cancel_other, 0);
}

static void hook_heartbeat(join_cap_t *cap)
{
    if (cap->error == KAFKA_ERR_NONE)
        CU_ASSERT_EQUAL(
            broker_group_heartbeat(cap->coord, "g", cap->generation, cap->member_id, NULL, 1),
            KAFKA_ERR_NONE);
}

static void test_callbacks_may_reenter(void)
{
    broker_group_coordinator_t *coord = new_coord(3000);
    join_cap_t a = {0}, b = {0};
    char ida[160], idb[160];
    join_new(coord, "g", "client-a", 0, &a, ida, sizeof(ida));
    join_new(coord, "g", "client-b", 0, &b, idb, sizeof(idb));
    a.coord = coord;
    a.hook = hook_cancel_other;
    a.cancel_other = &b;
    broker_group_coordinator_tick(coord, 3000);
    broker_group_coordinator_tick(coord, 6000);
    CU_ASSERT_EQUAL(a.calls, 1);
    CU_ASSERT_EQUAL(b.calls, 0); /* its queued answer was withdrawn */

    join_cap_t c = {0};
    memset(&c, 0, sizeof(c));
    broker_group_coordinator_t *coord2 = new_coord(0);
    c.coord = coord2;
    c.hook = hook_heartbeat;
    broker_group_join_request_t req = {
        .api_version = 2,
        .group_id = "g",
        .session_timeout_ms = SESSION_MS,
        .rebalance_timeout_ms = REBALANCE_MS,
        .protocol_type = "consumer",
        .protocols = consumer_protocols,
        .protocol_count = 2,
    };
    broker_group_join(coord2, &req, 0, on_join, &c);
    CU_ASSERT_EQUAL(c.calls, 1);
    CU_ASSERT_EQUAL(c.error, KAFKA_ERR_NONE);
    broker_group_coordinator_destroy(coord2);
    broker_group_coordinator_destroy(coord);
}

static void test_superseded_join_is_answered(void)
{
    broker_group_coordinator_t *coord = new_coord(3000);
    join_cap_t a1 = {0}, a2 = {0};
    char ida[160];
    join_new(coord, "g", "client-a", 0, &a1, ida, sizeof(ida));
    /* The client retried: the first request gets an answer, in order. */
    join(coord, "g", ida, 5, "client-a", 100, &a2);
    CU_ASSERT_EQUAL(a1.calls, 1);
    CU_ASSERT_EQUAL(a1.error, KAFKA_ERR_REBALANCE_IN_PROGRESS);
    CU_ASSERT_EQUAL(a2.calls, 0);
    broker_group_coordinator_tick(coord, 3000);
    CU_ASSERT_EQUAL(a2.calls, 1);
    CU_ASSERT_EQUAL(a2.error, KAFKA_ERR_NONE);
    broker_group_coordinator_destroy(coord);
}

static void test_destroy_with_parked_requests(void)
{
    broker_group_coordinator_t *coord = new_coord(3000);
    join_cap_t a = {0};
    char ida[160];
    join_new(coord, "g", "client-a", 0, &a, ida, sizeof(ida));
    broker_group_coordinator_destroy(coord); /* no callback, no leak */
    CU_ASSERT_EQUAL(a.calls, 0);
    broker_group_coordinator_destroy(NULL);
}

void test_register(void)
{
    TEST_SUITE("broker_group_coordinator", {"member id required", test_member_id_required},
               {"v0-v3 join at once", test_old_versions_join_at_once},
               {"two members, initial delay, sync", test_two_members_initial_delay_and_sync},
               {"missing assignment is empty", test_missing_assignment_is_empty},
               {"third member joins and leaves", test_third_member_joins_and_leaves},
               {"session timeout", test_session_timeout}, {"leader leaves", test_leader_leaves},
               {"leader rejoin rebalances", test_leader_rejoin_in_stable_rebalances},
               {"changed metadata rebalances", test_changed_metadata_rebalances},
               {"protocol mismatch", test_protocol_mismatch}, {"errors", test_errors},
               {"pending member", test_pending_member}, {"sync timeout", test_sync_timeout},
               {"v0 rebalance timeout", test_v0_rebalance_timeout_is_session},
               {"describe and list", test_describe_and_list},
               {"connect protocol type", test_connect_protocol_type},
               {"static member fencing", test_static_member_fencing},
               {"cancel new member", test_cancel_new_member},
               {"cancel parked requests", test_cancel_parked_requests},
               {"callbacks may re-enter", test_callbacks_may_reenter},
               {"superseded join answered", test_superseded_join_is_answered},
               {"destroy with parked requests", test_destroy_with_parked_requests});
}
