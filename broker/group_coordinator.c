/*
 * The group coordinator (see group_coordinator.h). The logic follows Kafka's
 * classic coordinator (core/.../coordinator/group/GroupCoordinator.scala,
 * GroupMetadata.scala, and group-coordinator/.../classic/ClassicGroup.java);
 * Kafka's purgatories become deadlines checked by the event loop's tick.
 *
 * Answers to parked requests are queued and delivered once the state change
 * that produced them is complete (coord_drain), so a callback can safely
 * call back into the coordinator.
 */
#include "group_coordinator.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "log.h"
#include "mem.h"

#define GROUP_LOGGER "group_coordinator"

/* Kafka's NewMemberJoinTimeoutMs: a member that never completed a join. */
#define GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS (5 * 60 * 1000)

#define GROUP_NO_DEADLINE INT64_MAX

typedef struct group_protocol {
    char *name;
    uint8_t *metadata;
    size_t metadata_len;
} group_protocol_t;

typedef struct group_member {
    char *member_id;
    char *group_instance_id; /* NULL: dynamic */
    char *client_id;
    char *client_host;
    int32_t rebalance_timeout_ms;
    int32_t session_timeout_ms;
    group_protocol_t *protocols; /* in the member's order of preference */
    size_t protocol_count;
    uint8_t *assignment;
    size_t assignment_len;
    /* A parked JoinGroup (the member is "awaiting join") and SyncGroup. */
    broker_group_join_cb *join_cb;
    void *join_opaque;
    broker_group_sync_cb *sync_cb;
    void *sync_opaque;
    int64_t deadline_ms; /* session (or new-member join) expiry */
    bool is_new;         /* has not completed a join yet */
    bool pending_sync;   /* got its JoinGroup answer, has not sent SyncGroup */
} group_member_t;

/* A member id handed out with MEMBER_ID_REQUIRED, not yet joined. */
typedef struct group_pending {
    char *member_id;
    int64_t deadline_ms;
} group_pending_t;

typedef struct group {
    struct group *next; /* hash chain */
    char *group_id;
    int32_t partition; /* of __consumer_offsets */
    broker_group_state_t state;
    int64_t state_timestamp; /* when state was entered; -1 unknown */
    char *protocol_type;     /* NULL: none (offsets only) */
    char *protocol;          /* the selected protocol; NULL: none */
    int32_t generation;
    group_member_t *leader;
    group_member_t **members; /* in join order */
    size_t member_count;
    size_t member_cap;
    group_pending_t *pending;
    size_t pending_count;
    size_t pending_cap;
    /* The join phase (PreparingRebalance). */
    int64_t join_deadline;
    bool initial_join; /* Kafka's InitialDelayedJoin */
    bool new_member_added;
    int32_t initial_remaining_ms;
    /* The sync phase: members that got a JoinGroup answer must sync by then. */
    int64_t sync_deadline;
    broker_group_offsets_t *offsets;
} group_t;

/* A queued answer to a parked (or immediate) JoinGroup/SyncGroup. */
typedef struct group_delivery_member {
    char *member_id;
    char *group_instance_id;
    uint8_t *metadata;
    size_t metadata_len;
} group_delivery_member_t;

typedef struct group_delivery {
    struct group_delivery *next;
    broker_group_join_cb *join_cb; /* one of the two is set */
    broker_group_sync_cb *sync_cb;
    void *opaque;
    int16_t error_code;
    int32_t generation_id;
    char *protocol_name;
    char *leader;
    char *member_id;
    group_delivery_member_t *members;
    size_t member_count;
    uint8_t *assignment;
    size_t assignment_len;
} group_delivery_t;

/* Records being built for one append to __consumer_offsets. */
typedef struct group_record_span {
    size_t key_off, key_len;
    size_t value_off, value_len;
    bool tombstone;
} group_record_span_t;

typedef struct group_batch {
    sluice_buf_t *buf;
    group_record_span_t *spans;
    size_t count;
    size_t cap;
} group_batch_t;

struct broker_group_coordinator {
    broker_group_config_t conf;
    broker_group_persist_cb *persist;
    void *persist_opaque;
    group_t **buckets;
    size_t bucket_count; /* a power of two */
    size_t group_count;
    group_delivery_t *deliveries;
    group_delivery_t **deliveries_tail;
    int64_t next_retention_check; /* -1: not scheduled yet */
    group_batch_t batch;
    char log_ctx[32];
};

static const char *const group_state_names[] = {
    [BROKER_GROUP_EMPTY] = "Empty",
    [BROKER_GROUP_PREPARING_REBALANCE] = "PreparingRebalance",
    [BROKER_GROUP_COMPLETING_REBALANCE] = "CompletingRebalance",
    [BROKER_GROUP_STABLE] = "Stable",
    [BROKER_GROUP_DEAD] = "Dead",
};

const char *broker_group_state_name(broker_group_state_t state)
{
    if ((unsigned)state > BROKER_GROUP_DEAD)
        return "Dead";
    return group_state_names[state];
}

void broker_group_config_defaults(broker_group_config_t *conf)
{
    memset(conf, 0, sizeof(*conf));
    conf->node_id = 0;
    conf->group_min_session_timeout_ms = 6000;
    conf->group_max_session_timeout_ms = 1800000;
    conf->group_initial_rebalance_delay_ms = 3000;
    conf->group_max_size = INT32_MAX;
    conf->offset_metadata_max_bytes = 4096;
    conf->offsets_topic_num_partitions = BROKER_GROUP_OFFSETS_TOPIC_PARTITIONS_DEFAULT;
    conf->offsets_retention_ms = 10080LL * 60 * 1000;
    conf->offsets_retention_check_interval_ms = 600000;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t add_ms(int64_t now, int64_t ms)
{
    if (ms <= 0)
        return now;
    return now > INT64_MAX - ms ? INT64_MAX : now + ms;
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* ---------------------------------------------------------------------------
 * Member ids: client_id + "-" + a random (version 4) UUID, as Kafka does.
 */

static void group_random_bytes(uint8_t *out, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(out + got, len - got, GRND_NONBLOCK);
        if (n > 0) {
            got += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    if (got == len)
        return;
    /* No entropy available yet (early boot): ids only need to be unique, so
     * a clock-seeded generator with a counter will do. */
    static uint64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ (++counter << 48);
    for (size_t i = got; i < len; i++) {
        x += 0x9E3779B97F4A7C15ull; /* splitmix64 */
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        out[i] = (uint8_t)(z ^ (z >> 31));
    }
}

static char *group_new_member_id(const char *prefix)
{
    uint8_t u[16];
    char uuid[37];
    group_random_bytes(u, sizeof(u));
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);
    snprintf(uuid, sizeof(uuid),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    /* A member id travels as a Kafka STRING (int16 length). */
    size_t plen = strnlen(prefix, INT16_MAX - sizeof(uuid));
    char *id = mem_alloc(plen + 1 + sizeof(uuid));
    memcpy(id, prefix, plen);
    id[plen] = '-';
    memcpy(id + plen + 1, uuid, sizeof(uuid));
    return id;
}

/* ---------------------------------------------------------------------------
 * Deliveries.
 */

static void delivery_free(group_delivery_t *d)
{
    for (size_t i = 0; i < d->member_count; i++) {
        free(d->members[i].member_id);
        free(d->members[i].group_instance_id);
        free(d->members[i].metadata);
    }
    free(d->members);
    free(d->protocol_name);
    free(d->leader);
    free(d->member_id);
    free(d->assignment);
    free(d);
}

static void coord_enqueue(broker_group_coordinator_t *coord, group_delivery_t *d)
{
    d->next = NULL;
    *coord->deliveries_tail = d;
    coord->deliveries_tail = &d->next;
}

static void coord_deliver(group_delivery_t *d)
{
    if (d->join_cb) {
        broker_group_join_member_t *view = NULL;
        if (d->member_count) {
            view = mem_calloc(d->member_count, sizeof(*view));
            for (size_t i = 0; i < d->member_count; i++) {
                view[i].member_id = d->members[i].member_id;
                view[i].group_instance_id = d->members[i].group_instance_id;
                view[i].metadata = d->members[i].metadata;
                view[i].metadata_len = d->members[i].metadata_len;
            }
        }
        broker_group_join_response_t resp = {
            .error_code = d->error_code,
            .generation_id = d->generation_id,
            .protocol_name = str_or_empty(d->protocol_name),
            .leader = str_or_empty(d->leader),
            .member_id = str_or_empty(d->member_id),
            .members = view,
            .member_count = d->member_count,
        };
        d->join_cb(d->opaque, &resp);
        free(view);
    } else {
        broker_group_sync_response_t resp = {
            .error_code = d->error_code,
            .assignment = d->assignment,
            .assignment_len = d->assignment_len,
        };
        d->sync_cb(d->opaque, &resp);
    }
}

/* Delivers queued answers in order. Each is unlinked before its callback
 * runs, so a callback that calls into the coordinator (which drains too)
 * sees a consistent queue. */
static void coord_drain(broker_group_coordinator_t *coord)
{
    group_delivery_t *d;
    while ((d = coord->deliveries) != NULL) {
        coord->deliveries = d->next;
        if (!coord->deliveries)
            coord->deliveries_tail = &coord->deliveries;
        coord_deliver(d);
        delivery_free(d);
    }
}

static void enqueue_join_error(broker_group_coordinator_t *coord, broker_group_join_cb *cb,
                               void *opaque, const char *member_id, int16_t error)
{
    group_delivery_t *d = mem_calloc(1, sizeof(*d));
    d->join_cb = cb;
    d->opaque = opaque;
    d->error_code = error;
    d->generation_id = -1;
    d->member_id = mem_strdup(str_or_empty(member_id));
    coord_enqueue(coord, d);
}

static void enqueue_sync(broker_group_coordinator_t *coord, broker_group_sync_cb *cb, void *opaque,
                         int16_t error, const uint8_t *assignment, size_t len)
{
    group_delivery_t *d = mem_calloc(1, sizeof(*d));
    d->sync_cb = cb;
    d->opaque = opaque;
    d->error_code = error;
    if (!error && len) {
        d->assignment = mem_memdup(assignment, len);
        d->assignment_len = len;
    }
    coord_enqueue(coord, d);
}

/* ---------------------------------------------------------------------------
 * Groups and members.
 */

static uint32_t group_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h ^ (h >> 15);
}

static group_t *group_find(const broker_group_coordinator_t *coord, const char *group_id)
{
    group_t *g = coord->buckets[group_hash(group_id) & (coord->bucket_count - 1)];
    while (g && strcmp(g->group_id, group_id) != 0)
        g = g->next;
    return g;
}

static void coord_grow(broker_group_coordinator_t *coord)
{
    size_t n = coord->bucket_count * 2;
    group_t **buckets = mem_calloc(n, sizeof(*buckets));
    for (size_t i = 0; i < coord->bucket_count; i++) {
        group_t *g = coord->buckets[i];
        while (g) {
            group_t *next = g->next;
            size_t b = group_hash(g->group_id) & (n - 1);
            g->next = buckets[b];
            buckets[b] = g;
            g = next;
        }
    }
    free(coord->buckets);
    coord->buckets = buckets;
    coord->bucket_count = n;
}

static group_t *group_create(broker_group_coordinator_t *coord, const char *group_id, int64_t now)
{
    if (coord->group_count >= coord->bucket_count)
        coord_grow(coord);
    group_t *g = mem_calloc(1, sizeof(*g));
    g->group_id = mem_strdup(group_id);
    g->partition =
        broker_group_offsets_partition_for(group_id, coord->conf.offsets_topic_num_partitions);
    g->state = BROKER_GROUP_EMPTY;
    g->state_timestamp = now;
    g->join_deadline = GROUP_NO_DEADLINE;
    g->sync_deadline = GROUP_NO_DEADLINE;
    g->offsets = broker_group_offsets_new();
    size_t b = group_hash(group_id) & (coord->bucket_count - 1);
    g->next = coord->buckets[b];
    coord->buckets[b] = g;
    coord->group_count++;
    return g;
}

static void member_free(group_member_t *m)
{
    if (!m)
        return;
    free(m->member_id);
    free(m->group_instance_id);
    free(m->client_id);
    free(m->client_host);
    for (size_t i = 0; i < m->protocol_count; i++) {
        free(m->protocols[i].name);
        free(m->protocols[i].metadata);
    }
    free(m->protocols);
    free(m->assignment);
    free(m);
}

static void group_free(group_t *g)
{
    for (size_t i = 0; i < g->member_count; i++)
        member_free(g->members[i]);
    free(g->members);
    for (size_t i = 0; i < g->pending_count; i++)
        free(g->pending[i].member_id);
    free(g->pending);
    free(g->group_id);
    free(g->protocol_type);
    free(g->protocol);
    broker_group_offsets_destroy(g->offsets);
    free(g);
}

/* Unlinks and frees g. Its members must have no parked requests left. */
static void group_remove(broker_group_coordinator_t *coord, group_t *g)
{
    group_t **link = &coord->buckets[group_hash(g->group_id) & (coord->bucket_count - 1)];
    while (*link && *link != g)
        link = &(*link)->next;
    if (*link)
        *link = g->next;
    coord->group_count--;
    group_free(g);
}

/* A group created for a request that then failed (a rejected first join, a
 * standalone commit that stored nothing) leaves no trace. */
static void group_discard_if_unused(broker_group_coordinator_t *coord, group_t *g)
{
    if (g->state == BROKER_GROUP_EMPTY && g->member_count == 0 && g->pending_count == 0 &&
        g->generation == 0 && !g->protocol_type && broker_group_offsets_count(g->offsets) == 0)
        group_remove(coord, g);
}

/* Snapshot of all groups, so a walk survives groups being removed. */
static group_t **coord_groups(const broker_group_coordinator_t *coord, size_t *count)
{
    *count = 0;
    if (!coord->group_count)
        return NULL;
    group_t **all = mem_alloc(coord->group_count * sizeof(*all));
    for (size_t i = 0; i < coord->bucket_count; i++)
        for (group_t *g = coord->buckets[i]; g; g = g->next)
            all[(*count)++] = g;
    return all;
}

static group_member_t *member_find(const group_t *g, const char *member_id)
{
    if (!member_id)
        return NULL;
    for (size_t i = 0; i < g->member_count; i++)
        if (strcmp(g->members[i]->member_id, member_id) == 0)
            return g->members[i];
    return NULL;
}

static group_member_t *member_find_instance(const group_t *g, const char *instance_id)
{
    for (size_t i = 0; i < g->member_count; i++)
        if (g->members[i]->group_instance_id &&
            strcmp(g->members[i]->group_instance_id, instance_id) == 0)
            return g->members[i];
    return NULL;
}

static long pending_find(const group_t *g, const char *member_id)
{
    for (size_t i = 0; i < g->pending_count; i++)
        if (strcmp(g->pending[i].member_id, member_id) == 0)
            return (long)i;
    return -1;
}

static void pending_remove_at(group_t *g, size_t i)
{
    free(g->pending[i].member_id);
    memmove(&g->pending[i], &g->pending[i + 1], (g->pending_count - i - 1) * sizeof(*g->pending));
    g->pending_count--;
}

static void group_transition(group_t *g, broker_group_state_t state, int64_t now)
{
    g->state = state;
    g->state_timestamp = now;
}

static int32_t group_rebalance_timeout(const group_t *g)
{
    int32_t t = 0;
    for (size_t i = 0; i < g->member_count; i++)
        if (g->members[i]->rebalance_timeout_ms > t)
            t = g->members[i]->rebalance_timeout_ms;
    return t;
}

static bool member_supports(const group_member_t *m, const char *protocol)
{
    for (size_t i = 0; i < m->protocol_count; i++)
        if (strcmp(m->protocols[i].name, protocol) == 0)
            return true;
    return false;
}

/* Whether a member with these protocols could be in g: in Empty any
 * non-empty type and list will do; otherwise the type must match and one of
 * the names must be supported by every member (GroupMetadata.supportsProtocols). */
static bool group_supports(const group_t *g, const char *protocol_type,
                           const broker_group_protocol_t *protocols, size_t count)
{
    if (g->state == BROKER_GROUP_EMPTY)
        return protocol_type[0] != '\0' && count > 0;
    if (!g->protocol_type || strcmp(g->protocol_type, protocol_type) != 0)
        return false;
    for (size_t p = 0; p < count; p++) {
        const char *name = str_or_empty(protocols[p].name);
        size_t i = 0;
        while (i < g->member_count && member_supports(g->members[i], name))
            i++;
        if (i == g->member_count)
            return true;
    }
    return false;
}

static bool member_matches(const group_member_t *m, const broker_group_protocol_t *protocols,
                           size_t count)
{
    if (m->protocol_count != count)
        return false;
    for (size_t i = 0; i < count; i++) {
        const group_protocol_t *a = &m->protocols[i];
        const broker_group_protocol_t *b = &protocols[i];
        if (strcmp(a->name, str_or_empty(b->name)) != 0 || a->metadata_len != b->metadata_len ||
            (a->metadata_len && memcmp(a->metadata, b->metadata, a->metadata_len) != 0))
            return false;
    }
    return true;
}

static void member_set_protocols(group_member_t *m, const broker_group_protocol_t *protocols,
                                 size_t count)
{
    for (size_t i = 0; i < m->protocol_count; i++) {
        free(m->protocols[i].name);
        free(m->protocols[i].metadata);
    }
    free(m->protocols);
    m->protocols = count ? mem_calloc(count, sizeof(*m->protocols)) : NULL;
    m->protocol_count = count;
    for (size_t i = 0; i < count; i++) {
        m->protocols[i].name = mem_strdup(str_or_empty(protocols[i].name));
        if (protocols[i].metadata_len) {
            m->protocols[i].metadata = mem_memdup(protocols[i].metadata, protocols[i].metadata_len);
            m->protocols[i].metadata_len = protocols[i].metadata_len;
        }
    }
}

static const group_protocol_t *member_protocol(const group_member_t *m, const char *protocol)
{
    if (!protocol)
        return NULL;
    for (size_t i = 0; i < m->protocol_count; i++)
        if (strcmp(m->protocols[i].name, protocol) == 0)
            return &m->protocols[i];
    return NULL;
}

static void member_set_assignment(group_member_t *m, const uint8_t *data, size_t len)
{
    free(m->assignment);
    m->assignment = len ? mem_memdup(data, len) : NULL;
    m->assignment_len = len;
}

static void group_add_member(group_t *g, group_member_t *m)
{
    if (g->member_count == g->member_cap)
        mem_grow((void **)&g->members, &g->member_cap, g->member_count + 1, sizeof(*g->members));
    g->members[g->member_count++] = m;
    if (!g->leader)
        g->leader = m;
}

/* Unlinks m from g (the caller frees it); a departing leader is replaced by
 * the earliest-joined remaining member. */
static void group_unlink_member(group_t *g, group_member_t *m)
{
    for (size_t i = 0; i < g->member_count; i++) {
        if (g->members[i] != m)
            continue;
        memmove(&g->members[i], &g->members[i + 1],
                (g->member_count - i - 1) * sizeof(*g->members));
        g->member_count--;
        break;
    }
    if (g->leader == m)
        g->leader = g->member_count ? g->members[0] : NULL;
}

/* Validates (member_id, group_instance_id) against g: Kafka's
 * isStaticMemberFenced and has(memberId). */
static int16_t group_validate_member(const group_t *g, const char *member_id,
                                     const char *instance_id, group_member_t **out)
{
    *out = NULL;
    if (instance_id) {
        const group_member_t *holder = member_find_instance(g, instance_id);
        if (!holder)
            return KAFKA_ERR_UNKNOWN_MEMBER_ID;
        if (strcmp(holder->member_id, str_or_empty(member_id)) != 0)
            return KAFKA_ERR_FENCED_INSTANCE_ID;
    }
    *out = member_find(g, member_id);
    return *out ? KAFKA_ERR_NONE : KAFKA_ERR_UNKNOWN_MEMBER_ID;
}

/* ---------------------------------------------------------------------------
 * Persistence.
 */

static void batch_reset(group_batch_t *b)
{
    sluice_buf_reset(b->buf);
    b->count = 0;
}

static group_record_span_t *batch_next(group_batch_t *b)
{
    if (b->count == b->cap)
        mem_grow((void **)&b->spans, &b->cap, b->count + 1, sizeof(*b->spans));
    group_record_span_t *s = &b->spans[b->count++];
    memset(s, 0, sizeof(*s));
    s->key_off = sluice_buf_len(b->buf);
    return s;
}

static void batch_end_key(group_batch_t *b, group_record_span_t *s)
{
    s->key_len = sluice_buf_len(b->buf) - s->key_off;
    s->value_off = sluice_buf_len(b->buf);
}

static void batch_end_value(group_batch_t *b, group_record_span_t *s)
{
    s->value_len = sluice_buf_len(b->buf) - s->value_off;
}

static void batch_add_offset(group_batch_t *b, const char *group_id,
                             const broker_group_offset_t *off)
{
    group_record_span_t *s = batch_next(b);
    broker_group_offsets_write_commit_key(b->buf, group_id, off->topic, off->partition);
    batch_end_key(b, s);
    broker_group_offsets_write_commit_value(b->buf, off);
    batch_end_value(b, s);
}

static void batch_add_offset_tombstone(group_batch_t *b, const char *group_id, const char *topic,
                                       int32_t partition)
{
    group_record_span_t *s = batch_next(b);
    broker_group_offsets_write_commit_key(b->buf, group_id, topic, partition);
    batch_end_key(b, s);
    s->tombstone = true;
}

/* The group's metadata record; assignments, when given, replace the
 * members' current ones (the leader's SyncGroup is stored before it is
 * applied). */
static void batch_add_group(group_batch_t *b, const group_t *g, const uint8_t *const *assignments,
                            const size_t *assignment_lens)
{
    broker_group_metadata_member_t *members =
        g->member_count ? mem_calloc(g->member_count, sizeof(*members)) : NULL;
    for (size_t i = 0; i < g->member_count; i++) {
        const group_member_t *m = g->members[i];
        const group_protocol_t *p = member_protocol(m, g->protocol);
        members[i].member_id = m->member_id;
        members[i].group_instance_id = m->group_instance_id;
        members[i].client_id = m->client_id;
        members[i].client_host = m->client_host;
        members[i].rebalance_timeout_ms = m->rebalance_timeout_ms;
        members[i].session_timeout_ms = m->session_timeout_ms;
        members[i].subscription = p ? p->metadata : NULL;
        members[i].subscription_len = p ? p->metadata_len : 0;
        members[i].assignment = assignments ? (uint8_t *)assignments[i] : m->assignment;
        members[i].assignment_len = assignments ? assignment_lens[i] : m->assignment_len;
    }
    broker_group_metadata_value_t value = {
        .protocol_type = g->protocol_type ? g->protocol_type : (char *)"",
        .generation = g->generation,
        .protocol = g->protocol,
        .leader = g->leader ? g->leader->member_id : NULL,
        .current_state_timestamp = g->state_timestamp,
        .members = members,
        .member_count = g->member_count,
    };
    group_record_span_t *s = batch_next(b);
    broker_group_offsets_write_group_key(b->buf, g->group_id);
    batch_end_key(b, s);
    broker_group_offsets_write_group_value(b->buf, &value);
    batch_end_value(b, s);
    free(members);
}

static void batch_add_group_tombstone(group_batch_t *b, const char *group_id)
{
    group_record_span_t *s = batch_next(b);
    broker_group_offsets_write_group_key(b->buf, group_id);
    batch_end_key(b, s);
    s->tombstone = true;
}

/* Appends the batch to the group's partition; the batch is emptied. */
static int16_t batch_flush(broker_group_coordinator_t *coord, int32_t partition)
{
    group_batch_t *b = &coord->batch;
    int16_t err = KAFKA_ERR_NONE;
    if (coord->persist && b->count) {
        const uint8_t *base = (const uint8_t *)sluice_buf_data(b->buf);
        broker_group_record_t *records = mem_calloc(b->count, sizeof(*records));
        for (size_t i = 0; i < b->count; i++) {
            records[i].key = base + b->spans[i].key_off;
            records[i].key_len = b->spans[i].key_len;
            if (!b->spans[i].tombstone) {
                records[i].value = base + b->spans[i].value_off;
                records[i].value_len = b->spans[i].value_len;
            }
        }
        err = coord->persist(coord->persist_opaque, partition, records, b->count);
        free(records);
    }
    batch_reset(b);
    return err;
}

/* Kafka's mapping of a log append error to what group clients understand
 * (GroupMetadataManager.storeGroup / storeOffsets). */
static int16_t group_store_error(int16_t err, bool offsets)
{
    switch (err) {
    case KAFKA_ERR_NONE: return KAFKA_ERR_NONE;
    case KAFKA_ERR_MESSAGE_TOO_LARGE:
    case KAFKA_ERR_RECORD_LIST_TOO_LARGE:
    case KAFKA_ERR_INVALID_FETCH_SIZE:
        return offsets ? KAFKA_ERR_INVALID_COMMIT_OFFSET_SIZE : KAFKA_ERR_UNKNOWN_SERVER_ERROR;
    case KAFKA_ERR_NOT_LEADER_OR_FOLLOWER: return KAFKA_ERR_NOT_COORDINATOR;
    default: return KAFKA_ERR_COORDINATOR_NOT_AVAILABLE;
    }
}

/* ---------------------------------------------------------------------------
 * The rebalance state machine.
 */

static void try_complete_join(broker_group_coordinator_t *coord, group_t *g, int64_t now);

/* Answers m's parked JoinGroup with the current generation; only the leader
 * gets the member list. */
static group_delivery_t *join_result(const group_t *g, const group_member_t *m)
{
    group_delivery_t *d = mem_calloc(1, sizeof(*d));
    d->error_code = KAFKA_ERR_NONE;
    d->generation_id = g->generation;
    d->protocol_name = mem_strdup(str_or_empty(g->protocol));
    d->leader = mem_strdup(g->leader ? g->leader->member_id : "");
    d->member_id = mem_strdup(m->member_id);
    if (g->leader == m && g->member_count) {
        d->members = mem_calloc(g->member_count, sizeof(*d->members));
        d->member_count = g->member_count;
        for (size_t i = 0; i < g->member_count; i++) {
            const group_member_t *x = g->members[i];
            const group_protocol_t *p = member_protocol(x, g->protocol);
            d->members[i].member_id = mem_strdup(x->member_id);
            d->members[i].group_instance_id = mem_strdup(x->group_instance_id);
            if (p && p->metadata_len) {
                d->members[i].metadata = mem_memdup(p->metadata, p->metadata_len);
                d->members[i].metadata_len = p->metadata_len;
            }
        }
    }
    return d;
}

static void answer_join(broker_group_coordinator_t *coord, group_member_t *m, int16_t error,
                        const char *member_id)
{
    if (!m->join_cb)
        return;
    enqueue_join_error(coord, m->join_cb, m->join_opaque, member_id, error);
    m->join_cb = NULL;
    m->join_opaque = NULL;
}

static void answer_sync(broker_group_coordinator_t *coord, group_member_t *m, int16_t error)
{
    if (!m->sync_cb)
        return;
    enqueue_sync(coord, m->sync_cb, m->sync_opaque, error, m->assignment, m->assignment_len);
    m->sync_cb = NULL;
    m->sync_opaque = NULL;
}

/* Answers every parked SyncGroup with its member's assignment (or error)
 * and restarts those members' session timers. */
static void group_propagate_assignment(broker_group_coordinator_t *coord, group_t *g, int16_t error,
                                       int64_t now)
{
    for (size_t i = 0; i < g->member_count; i++) {
        group_member_t *m = g->members[i];
        if (m->sync_cb) {
            answer_sync(coord, m, error);
            m->deadline_ms = add_ms(now, m->session_timeout_ms);
        }
    }
}

static void group_reset_and_propagate_error(broker_group_coordinator_t *coord, group_t *g,
                                            int16_t error, int64_t now)
{
    for (size_t i = 0; i < g->member_count; i++)
        member_set_assignment(g->members[i], NULL, 0);
    group_propagate_assignment(coord, g, error, now);
}

static void prepare_rebalance(broker_group_coordinator_t *coord, group_t *g, const char *reason,
                              int64_t now)
{
    if (g->state == BROKER_GROUP_COMPLETING_REBALANCE)
        group_reset_and_propagate_error(coord, g, KAFKA_ERR_REBALANCE_IN_PROGRESS, now);
    for (size_t i = 0; i < g->member_count; i++)
        g->members[i]->pending_sync = false;
    g->sync_deadline = GROUP_NO_DEADLINE;

    int32_t rebalance_timeout = group_rebalance_timeout(g);
    if (g->state == BROKER_GROUP_EMPTY) {
        /* A new group waits a little so that members starting together
         * land in one generation instead of a rebalance each. */
        int32_t delay = coord->conf.group_initial_rebalance_delay_ms;
        if (delay < 0)
            delay = 0;
        g->initial_join = true;
        g->join_deadline = add_ms(now, delay);
        g->initial_remaining_ms = rebalance_timeout > delay ? rebalance_timeout - delay : 0;
    } else {
        g->initial_join = false;
        g->join_deadline = add_ms(now, rebalance_timeout);
    }
    group_transition(g, BROKER_GROUP_PREPARING_REBALANCE, now);
    log_info(coord->log_ctx, GROUP_LOGGER,
             "Preparing to rebalance group %s in state %s with old generation %d "
             "(%s-%d) (reason: %s)",
             g->group_id, broker_group_state_name(g->state), g->generation,
             BROKER_GROUP_OFFSETS_TOPIC, g->partition, reason);
    try_complete_join(coord, g, now);
}

static void maybe_prepare_rebalance(broker_group_coordinator_t *coord, group_t *g,
                                    const char *reason, int64_t now)
{
    if (g->state == BROKER_GROUP_STABLE || g->state == BROKER_GROUP_COMPLETING_REBALANCE ||
        g->state == BROKER_GROUP_EMPTY)
        prepare_rebalance(coord, g, reason, now);
}

/* Removes m, answering what it has parked with error, and lets the group
 * react: a rebalance if it was settled, a join completion if it was
 * waiting for m. */
static void remove_member_and_update(broker_group_coordinator_t *coord, group_t *g,
                                     group_member_t *m, const char *reason, int16_t error,
                                     int64_t now)
{
    answer_join(coord, m, error, "");
    answer_sync(coord, m, error);
    group_unlink_member(g, m);
    member_free(m);

    switch (g->state) {
    case BROKER_GROUP_STABLE:
    case BROKER_GROUP_COMPLETING_REBALANCE: prepare_rebalance(coord, g, reason, now); break;
    case BROKER_GROUP_PREPARING_REBALANCE: try_complete_join(coord, g, now); break;
    default: break;
    }
}

/* The protocol with the most votes among those every member supports; each
 * member votes for its most preferred candidate. */
static char *group_select_protocol(const group_t *g)
{
    size_t n = g->member_count;
    const char **votes = mem_calloc(n, sizeof(*votes));
    for (size_t i = 0; i < n; i++) {
        const group_member_t *m = g->members[i];
        for (size_t p = 0; p < m->protocol_count && !votes[i]; p++) {
            size_t j = 0;
            while (j < n && member_supports(g->members[j], m->protocols[p].name))
                j++;
            if (j == n)
                votes[i] = m->protocols[p].name;
        }
    }
    const char *best = NULL;
    size_t best_votes = 0;
    for (size_t i = 0; i < n; i++) {
        if (!votes[i])
            continue;
        size_t c = 0;
        for (size_t j = 0; j < n; j++)
            if (votes[j] && strcmp(votes[j], votes[i]) == 0)
                c++;
        if (c > best_votes) {
            best = votes[i];
            best_votes = c;
        }
    }
    char *selected = mem_strdup(best);
    free(votes);
    return selected;
}

static bool group_all_joined(const group_t *g)
{
    if (g->pending_count)
        return false;
    for (size_t i = 0; i < g->member_count; i++)
        if (!g->members[i]->join_cb)
            return false;
    return true;
}

/* Ends the join phase (Kafka's onCompleteJoin): members that did not
 * re-join are dropped, the generation advances, and every joined member is
 * answered. */
static void complete_join(broker_group_coordinator_t *coord, group_t *g, int64_t now)
{
    for (size_t i = 0; i < g->member_count;) {
        group_member_t *m = g->members[i];
        if (m->join_cb) {
            i++;
            continue;
        }
        log_info(coord->log_ctx, GROUP_LOGGER,
                 "Member %s in group %s did not rejoin before the rebalance timeout, "
                 "removing it from the group",
                 m->member_id, g->group_id);
        answer_sync(coord, m, KAFKA_ERR_UNKNOWN_MEMBER_ID);
        group_unlink_member(g, m);
        member_free(m);
    }
    g->initial_join = false;
    g->new_member_added = false;
    g->join_deadline = GROUP_NO_DEADLINE;
    g->generation++;
    free(g->protocol);
    g->protocol = NULL;

    if (g->member_count == 0) {
        group_transition(g, BROKER_GROUP_EMPTY, now);
        log_info(coord->log_ctx, GROUP_LOGGER, "Group %s with generation %d is now empty (%s-%d)",
                 g->group_id, g->generation, BROKER_GROUP_OFFSETS_TOPIC, g->partition);
        batch_add_group(&coord->batch, g, NULL, NULL);
        int16_t err = batch_flush(coord, g->partition);
        if (err)
            /* The previous generation comes back after a restart; it has no
             * live members, so they simply time out then. */
            log_warn(coord->log_ctx, GROUP_LOGGER,
                     "Failed to write empty metadata for group %s: %s", g->group_id,
                     kafka_error_name(err));
        return;
    }

    g->protocol = group_select_protocol(g);
    group_transition(g, BROKER_GROUP_COMPLETING_REBALANCE, now);
    log_info(coord->log_ctx, GROUP_LOGGER,
             "Stabilized group %s generation %d (%s-%d) with %zu members", g->group_id,
             g->generation, BROKER_GROUP_OFFSETS_TOPIC, g->partition, g->member_count);
    for (size_t i = 0; i < g->member_count; i++) {
        group_member_t *m = g->members[i];
        group_delivery_t *d = join_result(g, m);
        d->join_cb = m->join_cb;
        d->opaque = m->join_opaque;
        coord_enqueue(coord, d);
        m->join_cb = NULL;
        m->join_opaque = NULL;
        m->is_new = false;
        m->pending_sync = true;
        m->deadline_ms = add_ms(now, m->session_timeout_ms);
    }
    g->sync_deadline = add_ms(now, group_rebalance_timeout(g));
}

/* Completes the join phase when it can: every member has re-joined (not
 * during the initial delay), or the phase's deadline has passed. */
static void try_complete_join(broker_group_coordinator_t *coord, group_t *g, int64_t now)
{
    if (g->state != BROKER_GROUP_PREPARING_REBALANCE)
        return;
    if (!g->initial_join && group_all_joined(g)) {
        complete_join(coord, g, now);
        return;
    }
    if (now < g->join_deadline)
        return;
    if (g->initial_join && g->new_member_added && g->initial_remaining_ms > 0) {
        /* Members are still arriving: wait one more delay, within the
         * rebalance timeout (Kafka's InitialDelayedJoin). */
        int32_t delay = coord->conf.group_initial_rebalance_delay_ms;
        if (delay < 0)
            delay = 0;
        int32_t next = delay < g->initial_remaining_ms ? delay : g->initial_remaining_ms;
        g->new_member_added = false;
        g->initial_remaining_ms =
            g->initial_remaining_ms > delay ? g->initial_remaining_ms - delay : 0;
        g->join_deadline = add_ms(now, next);
        if (next > 0)
            return;
    }
    complete_join(coord, g, now);
}

/* Members that got their JoinGroup answer but never sent SyncGroup in time
 * are removed, and the group rebalances without them. */
static void expire_pending_sync(broker_group_coordinator_t *coord, group_t *g, int64_t now)
{
    g->sync_deadline = GROUP_NO_DEADLINE;
    bool removed = false;
    for (size_t i = 0; i < g->member_count;) {
        group_member_t *m = g->members[i];
        if (!m->pending_sync) {
            i++;
            continue;
        }
        log_info(coord->log_ctx, GROUP_LOGGER,
                 "Member %s in group %s did not send SyncGroup before the rebalance timeout, "
                 "removing it from the group",
                 m->member_id, g->group_id);
        answer_join(coord, m, KAFKA_ERR_UNKNOWN_MEMBER_ID, "");
        group_unlink_member(g, m);
        member_free(m);
        removed = true;
    }
    if (removed)
        prepare_rebalance(coord, g, "removing members on pending sync expiration", now);
}

static void group_run_timers(broker_group_coordinator_t *coord, group_t *g, int64_t now)
{
    for (size_t i = 0; i < g->pending_count;) {
        if (g->pending[i].deadline_ms > now) {
            i++;
            continue;
        }
        log_info(coord->log_ctx, GROUP_LOGGER,
                 "Pending member %s in group %s has been removed after session timeout "
                 "expiration",
                 g->pending[i].member_id, g->group_id);
        pending_remove_at(g, i);
        try_complete_join(coord, g, now);
    }

    /* One expiry may reshape the member list (a rebalance that completes
     * drops members), so look for the next expired member from scratch. */
    for (;;) {
        group_member_t *expired = NULL;
        for (size_t i = 0; i < g->member_count && !expired; i++)
            if (g->members[i]->deadline_ms <= now)
                expired = g->members[i];
        if (!expired)
            break;
        if (!expired->is_new && (expired->join_cb || expired->sync_cb)) {
            /* Parked on the coordinator itself: alive by definition. */
            expired->deadline_ms =
                add_ms(now, expired->session_timeout_ms > 0 ? expired->session_timeout_ms : 1);
            continue;
        }
        log_info(coord->log_ctx, GROUP_LOGGER,
                 "Member %s in group %s has failed, removing it from the group", expired->member_id,
                 g->group_id);
        char reason[160];
        snprintf(reason, sizeof(reason), "removing member %.100s on heartbeat expiration",
                 expired->member_id);
        remove_member_and_update(coord, g, expired, reason, KAFKA_ERR_UNKNOWN_MEMBER_ID, now);
    }

    try_complete_join(coord, g, now);

    if (g->state == BROKER_GROUP_COMPLETING_REBALANCE || g->state == BROKER_GROUP_STABLE) {
        if (g->sync_deadline <= now)
            expire_pending_sync(coord, g, now);
    } else {
        g->sync_deadline = GROUP_NO_DEADLINE;
    }
}

static int64_t group_next_deadline(const group_t *g)
{
    int64_t next = GROUP_NO_DEADLINE;
    for (size_t i = 0; i < g->pending_count; i++)
        next = min64(next, g->pending[i].deadline_ms);
    for (size_t i = 0; i < g->member_count; i++)
        next = min64(next, g->members[i]->deadline_ms);
    if (g->state == BROKER_GROUP_PREPARING_REBALANCE)
        next = min64(next, g->join_deadline);
    if (g->state == BROKER_GROUP_COMPLETING_REBALANCE || g->state == BROKER_GROUP_STABLE)
        next = min64(next, g->sync_deadline);
    return next;
}

/* ---------------------------------------------------------------------------
 * Life cycle.
 */

broker_group_coordinator_t *broker_group_coordinator_new(const broker_group_config_t *conf,
                                                         broker_group_persist_cb *persist,
                                                         void *persist_opaque)
{
    broker_group_coordinator_t *coord = mem_calloc(1, sizeof(*coord));
    if (conf)
        coord->conf = *conf;
    else
        broker_group_config_defaults(&coord->conf);
    if (coord->conf.offsets_topic_num_partitions < 1)
        coord->conf.offsets_topic_num_partitions = 1;
    coord->persist = persist;
    coord->persist_opaque = persist_opaque;
    coord->bucket_count = 16;
    coord->buckets = mem_calloc(coord->bucket_count, sizeof(*coord->buckets));
    coord->deliveries_tail = &coord->deliveries;
    coord->next_retention_check = -1;
    coord->batch.buf = sluice_buf_new();
    snprintf(coord->log_ctx, sizeof(coord->log_ctx), "GroupCoordinator %d", coord->conf.node_id);
    return coord;
}

void broker_group_coordinator_destroy(broker_group_coordinator_t *coord)
{
    if (!coord)
        return;
    for (size_t i = 0; i < coord->bucket_count; i++) {
        group_t *g = coord->buckets[i];
        while (g) {
            group_t *next = g->next;
            group_free(g);
            g = next;
        }
    }
    free(coord->buckets);
    group_delivery_t *d = coord->deliveries;
    while (d) {
        group_delivery_t *next = d->next;
        delivery_free(d);
        d = next;
    }
    sluice_buf_destroy(coord->batch.buf);
    free(coord->batch.spans);
    free(coord);
}

int32_t broker_group_coordinator_partition_for(const broker_group_coordinator_t *coord,
                                               const char *group_id)
{
    return broker_group_offsets_partition_for(group_id, coord->conf.offsets_topic_num_partitions);
}

/* Offset retention (Kafka's cleanupGroupMetadata): expired offsets get
 * tombstones, and an Empty group left without offsets is deleted. */
typedef bool offset_pred_t(const group_t *g, const broker_group_offset_t *off, const void *arg,
                           int64_t now);

static size_t group_cleanup(broker_group_coordinator_t *coord, group_t *g, offset_pred_t *pred,
                            const void *arg, int64_t now)
{
    size_t n = 0, matched = 0;
    const broker_group_offset_t **all = broker_group_offsets_sorted(g->offsets, &n);
    for (size_t i = 0; i < n; i++)
        if (pred(g, all[i], arg, now))
            all[matched++] = all[i];
    bool delete_group = g->state == BROKER_GROUP_EMPTY && g->member_count == 0 &&
                        g->pending_count == 0 && matched == n;

    for (size_t i = 0; i < matched; i++)
        batch_add_offset_tombstone(&coord->batch, g->group_id, all[i]->topic, all[i]->partition);
    if (delete_group)
        batch_add_group_tombstone(&coord->batch, g->group_id);
    int16_t err = batch_flush(coord, g->partition);
    if (err)
        log_warn(coord->log_ctx, GROUP_LOGGER,
                 "Failed to write tombstones for group %s (%s); the removed offsets come back "
                 "after a restart",
                 g->group_id, kafka_error_name(err));

    /* Collect the keys first: removing invalidates the table's entries. */
    char **topics = matched ? mem_alloc(matched * sizeof(*topics)) : NULL;
    int32_t *parts = matched ? mem_alloc(matched * sizeof(*parts)) : NULL;
    for (size_t i = 0; i < matched; i++) {
        topics[i] = mem_strdup(all[i]->topic);
        parts[i] = all[i]->partition;
    }
    free(all);
    for (size_t i = 0; i < matched; i++) {
        broker_group_offsets_remove(g->offsets, topics[i], parts[i]);
        free(topics[i]);
    }
    free(topics);
    free(parts);

    if (delete_group) {
        log_info(coord->log_ctx, GROUP_LOGGER,
                 "Group %s transitioned to Dead in generation %d and was removed", g->group_id,
                 g->generation);
        group_remove(coord, g);
    }
    return matched;
}

static bool offset_expired(const group_t *g, const broker_group_offset_t *off, const void *arg,
                           int64_t now)
{
    int64_t retention = *(const int64_t *)arg;
    if (off->expire_timestamp >= 0)
        return now >= off->expire_timestamp;
    if (g->protocol_type) {
        if (g->state != BROKER_GROUP_EMPTY)
            return false;
        /* Offsets of a group that had members live on for the retention
         * period after it became Empty (KIP-211). */
        int64_t base = g->state_timestamp >= 0 ? g->state_timestamp : off->commit_timestamp;
        return now - base >= retention;
    }
    return now - off->commit_timestamp >= retention;
}

static void coord_expire_offsets(broker_group_coordinator_t *coord, int64_t now)
{
    size_t n;
    group_t **all = coord_groups(coord, &n);
    size_t removed = 0;
    for (size_t i = 0; i < n; i++)
        removed +=
            group_cleanup(coord, all[i], offset_expired, &coord->conf.offsets_retention_ms, now);
    free(all);
    if (removed)
        log_info(coord->log_ctx, GROUP_LOGGER, "Removed %zu expired offsets", removed);
}

int64_t broker_group_coordinator_tick(broker_group_coordinator_t *coord, int64_t now_ms)
{
    size_t n;
    group_t **all = coord_groups(coord, &n);
    for (size_t i = 0; i < n; i++)
        group_run_timers(coord, all[i], now_ms);
    free(all);

    if (coord->next_retention_check < 0) {
        coord->next_retention_check =
            add_ms(now_ms, coord->conf.offsets_retention_check_interval_ms);
    } else if (now_ms >= coord->next_retention_check) {
        coord_expire_offsets(coord, now_ms);
        coord->next_retention_check =
            add_ms(now_ms, coord->conf.offsets_retention_check_interval_ms);
    }
    coord_drain(coord);
    return broker_group_coordinator_next_deadline(coord);
}

int64_t broker_group_coordinator_next_deadline(const broker_group_coordinator_t *coord)
{
    int64_t next =
        coord->next_retention_check >= 0 ? coord->next_retention_check : GROUP_NO_DEADLINE;
    for (size_t i = 0; i < coord->bucket_count; i++)
        for (const group_t *g = coord->buckets[i]; g; g = g->next)
            next = min64(next, group_next_deadline(g));
    return next;
}

void broker_group_cancel(broker_group_coordinator_t *coord, const void *opaque, int64_t now_ms)
{
    size_t n;
    group_t **all = coord_groups(coord, &n);
    for (size_t gi = 0; gi < n; gi++) {
        group_t *g = all[gi];
        for (;;) {
            group_member_t *gone = NULL;
            for (size_t i = 0; i < g->member_count && !gone; i++) {
                group_member_t *m = g->members[i];
                if (m->sync_cb && m->sync_opaque == opaque) {
                    m->sync_cb = NULL;
                    m->sync_opaque = NULL;
                    m->deadline_ms = add_ms(now_ms, m->session_timeout_ms);
                }
                if (m->join_cb && m->join_opaque == opaque) {
                    m->join_cb = NULL;
                    m->join_opaque = NULL;
                    m->deadline_ms = add_ms(now_ms, m->session_timeout_ms);
                    if (m->is_new)
                        gone = m;
                }
            }
            if (!gone)
                break;
            /* It never learnt its member id, so it cannot come back as
             * this member: waiting for it would only stall the rebalance. */
            log_info(coord->log_ctx, GROUP_LOGGER,
                     "New member %s of group %s disconnected while joining, removing it",
                     gone->member_id, g->group_id);
            remove_member_and_update(coord, g, gone, "new member disconnected while joining",
                                     KAFKA_ERR_UNKNOWN_MEMBER_ID, now_ms);
        }
    }
    free(all);

    /* Answers already queued for opaque must not be delivered either. */
    group_delivery_t **link = &coord->deliveries;
    coord->deliveries_tail = &coord->deliveries;
    while (*link) {
        group_delivery_t *d = *link;
        if (d->opaque == opaque) {
            *link = d->next;
            delivery_free(d);
        } else {
            coord->deliveries_tail = &d->next;
            link = &d->next;
        }
    }
    coord_drain(coord);
}

/* ---------------------------------------------------------------------------
 * JoinGroup.
 */

static group_member_t *member_new(const broker_group_join_request_t *req, const char *member_id,
                                  int32_t rebalance_timeout)
{
    group_member_t *m = mem_calloc(1, sizeof(*m));
    m->member_id = mem_strdup(member_id);
    m->group_instance_id = mem_strdup(req->group_instance_id);
    m->client_id = mem_strdup(str_or_empty(req->client_id));
    m->client_host = mem_strdup(str_or_empty(req->client_host));
    m->rebalance_timeout_ms = rebalance_timeout;
    m->session_timeout_ms = req->session_timeout_ms;
    member_set_protocols(m, req->protocols, req->protocol_count);
    return m;
}

/* Parks cb as m's JoinGroup; a JoinGroup already parked is superseded. */
static void member_park_join(broker_group_coordinator_t *coord, group_member_t *m,
                             broker_group_join_cb *cb, void *opaque)
{
    answer_join(coord, m, KAFKA_ERR_REBALANCE_IN_PROGRESS, m->member_id);
    m->join_cb = cb;
    m->join_opaque = opaque;
}

static void add_member_and_rebalance(broker_group_coordinator_t *coord, group_t *g,
                                     const broker_group_join_request_t *req, const char *member_id,
                                     int32_t rebalance_timeout, int64_t now,
                                     broker_group_join_cb *cb, void *opaque)
{
    group_member_t *m = member_new(req, member_id, rebalance_timeout);
    m->is_new = true;
    if (g->state == BROKER_GROUP_PREPARING_REBALANCE && g->generation == 0)
        g->new_member_added = true;
    if (g->member_count == 0) {
        /* The first member sets the group's protocol type. */
        free(g->protocol_type);
        g->protocol_type = mem_strdup(req->protocol_type);
    }
    group_add_member(g, m);
    m->join_cb = cb;
    m->join_opaque = opaque;
    /* A new member cannot heartbeat before it knows its generation; it
     * gets the long new-member timeout instead of its session timeout. */
    m->deadline_ms = add_ms(now, GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS);
    long p = pending_find(g, member_id);
    if (p >= 0)
        pending_remove_at(g, (size_t)p);

    char reason[200];
    snprintf(reason, sizeof(reason), "Adding new member %.150s", member_id);
    maybe_prepare_rebalance(coord, g, reason, now);
}

static void update_member_and_rebalance(broker_group_coordinator_t *coord, group_t *g,
                                        group_member_t *m, const broker_group_join_request_t *req,
                                        int32_t rebalance_timeout, int64_t now,
                                        broker_group_join_cb *cb, void *opaque)
{
    member_set_protocols(m, req->protocols, req->protocol_count);
    m->rebalance_timeout_ms = rebalance_timeout;
    m->session_timeout_ms = req->session_timeout_ms;
    member_park_join(coord, m, cb, opaque);
    char reason[200];
    snprintf(reason, sizeof(reason), "Updating metadata for member %.150s", m->member_id);
    maybe_prepare_rebalance(coord, g, reason, now);
}

/* The current generation, immediately, to a member whose JoinGroup changes
 * nothing. */
static void join_answer_current(broker_group_coordinator_t *coord, const group_t *g,
                                const group_member_t *m, bool with_members,
                                broker_group_join_cb *cb, void *opaque)
{
    group_delivery_t *d = join_result(g, m);
    if (!with_members) {
        for (size_t i = 0; i < d->member_count; i++) {
            free(d->members[i].member_id);
            free(d->members[i].group_instance_id);
            free(d->members[i].metadata);
        }
        free(d->members);
        d->members = NULL;
        d->member_count = 0;
    }
    d->join_cb = cb;
    d->opaque = opaque;
    coord_enqueue(coord, d);
}

static void join_known_member(broker_group_coordinator_t *coord, group_t *g,
                              const broker_group_join_request_t *req, const char *member_id,
                              int32_t rebalance_timeout, int64_t now, broker_group_join_cb *cb,
                              void *opaque)
{
    group_member_t *m;
    long p = pending_find(g, member_id);
    if (p >= 0) {
        /* The second step of a v4+ join. */
        add_member_and_rebalance(coord, g, req, member_id, rebalance_timeout, now, cb, opaque);
        return;
    }
    int16_t err = group_validate_member(g, member_id, req->group_instance_id, &m);
    if (err) {
        enqueue_join_error(coord, cb, opaque, member_id, err);
        return;
    }
    switch (g->state) {
    case BROKER_GROUP_PREPARING_REBALANCE:
        update_member_and_rebalance(coord, g, m, req, rebalance_timeout, now, cb, opaque);
        break;
    case BROKER_GROUP_COMPLETING_REBALANCE:
        if (member_matches(m, req->protocols, req->protocol_count))
            /* It lost the first answer (a retry): the same again. */
            join_answer_current(coord, g, m, g->leader == m, cb, opaque);
        else
            update_member_and_rebalance(coord, g, m, req, rebalance_timeout, now, cb, opaque);
        break;
    case BROKER_GROUP_STABLE:
        /* A leader's JoinGroup is how it asks for a rebalance (e.g. new
         * topics matched its subscription); a follower only causes one
         * when its metadata changed. */
        if (g->leader == m || !member_matches(m, req->protocols, req->protocol_count))
            update_member_and_rebalance(coord, g, m, req, rebalance_timeout, now, cb, opaque);
        else
            join_answer_current(coord, g, m, false, cb, opaque);
        break;
    default:
        log_warn(coord->log_ctx, GROUP_LOGGER,
                 "Attempt to add rejoining member %s of group %s in unexpected group state %s",
                 member_id, g->group_id, broker_group_state_name(g->state));
        enqueue_join_error(coord, cb, opaque, member_id, KAFKA_ERR_UNKNOWN_MEMBER_ID);
        break;
    }
}

void broker_group_join(broker_group_coordinator_t *coord, const broker_group_join_request_t *req,
                       int64_t now_ms, broker_group_join_cb *cb, void *opaque)
{
    const char *member_id = str_or_empty(req->member_id);
    const char *protocol_type = str_or_empty(req->protocol_type);
    broker_group_join_request_t r = *req;
    r.protocol_type = protocol_type;
    group_t *g = NULL;
    bool created = false;

    if (!req->group_id || !req->group_id[0]) {
        enqueue_join_error(coord, cb, opaque, member_id, KAFKA_ERR_INVALID_GROUP_ID);
        goto done;
    }
    if (req->session_timeout_ms < coord->conf.group_min_session_timeout_ms ||
        req->session_timeout_ms > coord->conf.group_max_session_timeout_ms) {
        enqueue_join_error(coord, cb, opaque, member_id, KAFKA_ERR_INVALID_SESSION_TIMEOUT);
        goto done;
    }
    /* v0 has no rebalance timeout: the session timeout bounds the phase. */
    int32_t rebalance_timeout = req->api_version >= 1 && req->rebalance_timeout_ms > 0
                                    ? req->rebalance_timeout_ms
                                    : req->session_timeout_ms;
    bool unknown = member_id[0] == '\0';

    g = group_find(coord, req->group_id);
    if (!g) {
        if (!unknown) {
            enqueue_join_error(coord, cb, opaque, member_id, KAFKA_ERR_UNKNOWN_MEMBER_ID);
            goto done;
        }
        g = group_create(coord, req->group_id, now_ms);
        created = true;
    }

    if (unknown && g->member_count >= (size_t)coord->conf.group_max_size) {
        enqueue_join_error(coord, cb, opaque, "", KAFKA_ERR_GROUP_MAX_SIZE_REACHED);
    } else if (!group_supports(g, protocol_type, req->protocols, req->protocol_count)) {
        enqueue_join_error(coord, cb, opaque, member_id, KAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL);
    } else if (!unknown) {
        join_known_member(coord, g, &r, member_id, rebalance_timeout, now_ms, cb, opaque);
    } else {
        char *new_id = group_new_member_id(req->group_instance_id ? req->group_instance_id
                                                                  : str_or_empty(req->client_id));
        group_member_t *old =
            req->group_instance_id ? member_find_instance(g, req->group_instance_id) : NULL;
        if (old) {
            log_info(coord->log_ctx, GROUP_LOGGER,
                     "Static member %s of group %s rejoins with a new member id %s; fencing the "
                     "old member %s",
                     req->group_instance_id, g->group_id, new_id, old->member_id);
            remove_member_and_update(coord, g, old, "static member replaced",
                                     KAFKA_ERR_FENCED_INSTANCE_ID, now_ms);
        }
        if (req->api_version >= 4 && !req->group_instance_id) {
            /* The member learns its id first, so that a retry after a lost
             * answer does not leave a ghost member behind. */
            if (g->pending_count == g->pending_cap)
                mem_grow((void **)&g->pending, &g->pending_cap, g->pending_count + 1,
                         sizeof(*g->pending));
            g->pending[g->pending_count].member_id = mem_strdup(new_id);
            g->pending[g->pending_count].deadline_ms = add_ms(now_ms, req->session_timeout_ms);
            g->pending_count++;
            enqueue_join_error(coord, cb, opaque, new_id, KAFKA_ERR_MEMBER_ID_REQUIRED);
        } else {
            add_member_and_rebalance(coord, g, &r, new_id, rebalance_timeout, now_ms, cb, opaque);
        }
        free(new_id);
    }

    /* Due timers (an initial delay of 0 in particular) take effect now. */
    group_run_timers(coord, g, now_ms);
    if (created)
        group_discard_if_unused(coord, g);
done:
    coord_drain(coord);
}

/* ---------------------------------------------------------------------------
 * SyncGroup.
 */

static void sync_apply_leader_assignment(broker_group_coordinator_t *coord, group_t *g,
                                         const broker_group_sync_request_t *req, int64_t now)
{
    log_info(coord->log_ctx, GROUP_LOGGER,
             "Assignment received from leader %s for group %s for generation %d", req->member_id,
             g->group_id, g->generation);

    /* Members the leader left out get an empty assignment; assignments for
     * unknown members are ignored. */
    size_t n = g->member_count;
    const uint8_t **data = mem_calloc(n ? n : 1, sizeof(*data));
    size_t *lens = mem_calloc(n ? n : 1, sizeof(*lens));
    for (size_t i = 0; i < n; i++) {
        for (size_t a = 0; a < req->assignment_count; a++) {
            const broker_group_assignment_t *as = &req->assignments[a];
            if (as->member_id && strcmp(as->member_id, g->members[i]->member_id) == 0) {
                data[i] = as->assignment;
                lens[i] = as->assignment ? as->assignment_len : 0;
            }
        }
    }

    int64_t saved_ts = g->state_timestamp;
    g->state_timestamp = now; /* the Stable state it is about to enter */
    batch_add_group(&coord->batch, g, data, lens);
    int16_t err = batch_flush(coord, g->partition);
    g->state_timestamp = saved_ts;
    if (err) {
        log_warn(coord->log_ctx, GROUP_LOGGER,
                 "Failed to store the assignment of group %s generation %d: %s", g->group_id,
                 g->generation, kafka_error_name(err));
        group_reset_and_propagate_error(coord, g, group_store_error(err, false), now);
        prepare_rebalance(coord, g, "error when storing group assignment during SyncGroup", now);
    } else {
        for (size_t i = 0; i < n; i++)
            member_set_assignment(g->members[i], data[i], lens[i]);
        group_propagate_assignment(coord, g, KAFKA_ERR_NONE, now);
        group_transition(g, BROKER_GROUP_STABLE, now);
    }
    free(data);
    free(lens);
}

static void group_sync_done(group_t *g, group_member_t *m)
{
    m->pending_sync = false;
    for (size_t i = 0; i < g->member_count; i++)
        if (g->members[i]->pending_sync)
            return;
    g->sync_deadline = GROUP_NO_DEADLINE;
}

void broker_group_sync(broker_group_coordinator_t *coord, const broker_group_sync_request_t *req,
                       int64_t now_ms, broker_group_sync_cb *cb, void *opaque)
{
    group_t *g = NULL;
    group_member_t *m;
    int16_t err;

    if (!req->group_id || !req->group_id[0]) {
        enqueue_sync(coord, cb, opaque, KAFKA_ERR_INVALID_GROUP_ID, NULL, 0);
        goto done;
    }
    g = group_find(coord, req->group_id);
    if (!g) {
        enqueue_sync(coord, cb, opaque, KAFKA_ERR_UNKNOWN_MEMBER_ID, NULL, 0);
        goto done;
    }
    err = group_validate_member(g, req->member_id, req->group_instance_id, &m);
    if (!err && req->generation_id != g->generation)
        err = KAFKA_ERR_ILLEGAL_GENERATION;
    if (err) {
        enqueue_sync(coord, cb, opaque, err, NULL, 0);
        goto done;
    }

    switch (g->state) {
    case BROKER_GROUP_PREPARING_REBALANCE:
        enqueue_sync(coord, cb, opaque, KAFKA_ERR_REBALANCE_IN_PROGRESS, NULL, 0);
        break;
    case BROKER_GROUP_COMPLETING_REBALANCE:
        group_sync_done(g, m);
        if (m->sync_cb) {
            enqueue_sync(coord, m->sync_cb, m->sync_opaque, KAFKA_ERR_REBALANCE_IN_PROGRESS, NULL,
                         0);
        }
        m->sync_cb = cb;
        m->sync_opaque = opaque;
        if (g->leader == m)
            sync_apply_leader_assignment(coord, g, req, now_ms);
        break;
    case BROKER_GROUP_STABLE:
        group_sync_done(g, m);
        enqueue_sync(coord, cb, opaque, KAFKA_ERR_NONE, m->assignment, m->assignment_len);
        m->deadline_ms = add_ms(now_ms, m->session_timeout_ms);
        break;
    default: enqueue_sync(coord, cb, opaque, KAFKA_ERR_UNKNOWN_MEMBER_ID, NULL, 0); break;
    }
    group_run_timers(coord, g, now_ms);
done:
    coord_drain(coord);
}

/* ---------------------------------------------------------------------------
 * Heartbeat and LeaveGroup.
 */

int16_t broker_group_heartbeat(broker_group_coordinator_t *coord, const char *group_id,
                               int32_t generation_id, const char *member_id,
                               const char *group_instance_id, int64_t now_ms)
{
    group_t *g;
    group_member_t *m;
    int16_t err;

    if (!group_id || !group_id[0])
        return KAFKA_ERR_INVALID_GROUP_ID;
    g = group_find(coord, group_id);
    if (!g)
        return KAFKA_ERR_UNKNOWN_MEMBER_ID;
    err = group_validate_member(g, member_id, group_instance_id, &m);
    if (!err && generation_id != g->generation)
        err = KAFKA_ERR_ILLEGAL_GENERATION;
    if (!err) {
        switch (g->state) {
        case BROKER_GROUP_COMPLETING_REBALANCE:
        case BROKER_GROUP_STABLE: m->deadline_ms = add_ms(now_ms, m->session_timeout_ms); break;
        case BROKER_GROUP_PREPARING_REBALANCE:
            /* The member must re-join; until then it is alive. */
            m->deadline_ms = add_ms(now_ms, m->session_timeout_ms);
            err = KAFKA_ERR_REBALANCE_IN_PROGRESS;
            break;
        default: err = KAFKA_ERR_UNKNOWN_MEMBER_ID; break;
        }
    }
    group_run_timers(coord, g, now_ms);
    coord_drain(coord);
    return err;
}

int16_t broker_group_leave(broker_group_coordinator_t *coord, const char *group_id,
                           const char *member_id, int64_t now_ms)
{
    group_t *g;
    int16_t err = KAFKA_ERR_NONE;

    if (!group_id || !group_id[0])
        return KAFKA_ERR_INVALID_GROUP_ID;
    g = group_find(coord, group_id);
    if (!g)
        return KAFKA_ERR_UNKNOWN_MEMBER_ID;
    long p = member_id ? pending_find(g, member_id) : -1;
    group_member_t *m = member_find(g, member_id);
    if (p >= 0) {
        log_info(coord->log_ctx, GROUP_LOGGER, "Pending member %s is leaving group %s", member_id,
                 g->group_id);
        pending_remove_at(g, (size_t)p);
        try_complete_join(coord, g, now_ms);
    } else if (!m) {
        err = KAFKA_ERR_UNKNOWN_MEMBER_ID;
    } else {
        log_info(coord->log_ctx, GROUP_LOGGER,
                 "Member %s in group %s has left, removing it from the group", member_id,
                 g->group_id);
        char reason[200];
        snprintf(reason, sizeof(reason), "removing member %.150s on LeaveGroup", member_id);
        remove_member_and_update(coord, g, m, reason, KAFKA_ERR_UNKNOWN_MEMBER_ID, now_ms);
    }
    group_run_timers(coord, g, now_ms);
    coord_drain(coord);
    return err;
}

/* ---------------------------------------------------------------------------
 * Offsets.
 */

/* Kafka's ClassicGroup.validateOffsetCommit. */
static int16_t group_validate_commit(const group_t *g, int32_t generation_id, const char *member_id,
                                     const char *instance_id, group_member_t **member)
{
    *member = NULL;
    if (generation_id < 0 && g->state == BROKER_GROUP_EMPTY)
        return KAFKA_ERR_NONE; /* offsets only, no group management */
    if (generation_id >= 0 || (member_id && member_id[0]) || instance_id) {
        int16_t err = group_validate_member(g, member_id, instance_id, member);
        if (err)
            return err;
        if (generation_id != g->generation)
            return KAFKA_ERR_ILLEGAL_GENERATION;
    } else if (g->state != BROKER_GROUP_EMPTY) {
        return KAFKA_ERR_UNKNOWN_MEMBER_ID;
    }
    if (g->state == BROKER_GROUP_COMPLETING_REBALANCE)
        /* It has the new generation but not its assignment yet. */
        return KAFKA_ERR_REBALANCE_IN_PROGRESS;
    return KAFKA_ERR_NONE;
}

void broker_group_commit_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                 int32_t generation_id, const char *member_id,
                                 const char *group_instance_id, int64_t retention_time_ms,
                                 broker_group_offset_commit_t *partitions, size_t count,
                                 int64_t now_ms)
{
    group_t *g = NULL;
    group_member_t *m = NULL;
    bool created = false;
    int16_t err = KAFKA_ERR_NONE;

    if (!group_id) {
        err = KAFKA_ERR_INVALID_GROUP_ID;
    } else if (!(g = group_find(coord, group_id))) {
        if (generation_id < 0) {
            g = group_create(coord, group_id, now_ms);
            created = true;
        } else {
            /* A member of a generation this coordinator does not know. */
            err = KAFKA_ERR_ILLEGAL_GENERATION;
        }
    }
    if (g && !err)
        err = group_validate_commit(g, generation_id, member_id, group_instance_id, &m);
    if (err) {
        for (size_t i = 0; i < count; i++)
            if (!partitions[i].error_code)
                partitions[i].error_code = err;
        goto done;
    }
    if (m && (g->state == BROKER_GROUP_STABLE || g->state == BROKER_GROUP_PREPARING_REBALANCE))
        m->deadline_ms = add_ms(now_ms, m->session_timeout_ms);

    int64_t expire = retention_time_ms >= 0 ? add_ms(now_ms, retention_time_ms) : -1;
    size_t accepted = 0;
    for (size_t i = 0; i < count; i++) {
        broker_group_offset_commit_t *pc = &partitions[i];
        if (pc->error_code)
            continue;
        const char *md = str_or_empty(pc->committed_metadata);
        /* The stored metadata is a Kafka STRING too (int16 length). */
        size_t max_md = coord->conf.offset_metadata_max_bytes >= 0 &&
                                coord->conf.offset_metadata_max_bytes < INT16_MAX
                            ? (size_t)coord->conf.offset_metadata_max_bytes
                            : INT16_MAX;
        if (!pc->topic || strlen(md) > max_md) {
            pc->error_code =
                pc->topic ? KAFKA_ERR_OFFSET_METADATA_TOO_LARGE : KAFKA_ERR_INVALID_REQUEST;
            continue;
        }
        broker_group_offset_t off = {
            .topic = (char *)pc->topic,
            .partition = pc->partition,
            .offset = pc->committed_offset,
            .leader_epoch = pc->committed_leader_epoch,
            .metadata = (char *)md,
            .commit_timestamp = now_ms,
            .expire_timestamp = expire,
        };
        batch_add_offset(&coord->batch, g->group_id, &off);
        accepted++;
    }
    if (!accepted)
        goto done;

    err = group_store_error(batch_flush(coord, g->partition), true);
    for (size_t i = 0; i < count; i++) {
        broker_group_offset_commit_t *pc = &partitions[i];
        if (pc->error_code)
            continue;
        if (err) {
            pc->error_code = err;
            continue;
        }
        broker_group_offsets_put(g->offsets, pc->topic, pc->partition, pc->committed_offset,
                                 pc->committed_leader_epoch, pc->committed_metadata, now_ms,
                                 expire);
    }
    if (err)
        log_warn(coord->log_ctx, GROUP_LOGGER, "Failed to store offsets of group %s: %s",
                 g->group_id, kafka_error_name(err));

done:
    batch_reset(&coord->batch);
    if (g) {
        group_run_timers(coord, g, now_ms);
        if (created)
            group_discard_if_unused(coord, g);
    }
    coord_drain(coord);
}

static void fetch_fill(broker_group_offset_fetch_t *pf, const broker_group_offset_t *off)
{
    pf->error_code = KAFKA_ERR_NONE;
    if (off) {
        pf->committed_offset = off->offset;
        pf->committed_leader_epoch = off->leader_epoch;
        pf->metadata = off->metadata;
    } else {
        pf->committed_offset = -1;
        pf->committed_leader_epoch = -1;
        pf->metadata = "";
    }
}

int16_t broker_group_fetch_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                   broker_group_offset_fetch_t *partitions, size_t count)
{
    const group_t *g = group_id ? group_find(coord, group_id) : NULL;
    for (size_t i = 0; i < count; i++) {
        broker_group_offset_fetch_t *pf = &partitions[i];
        fetch_fill(pf, g && pf->topic
                           ? broker_group_offsets_get(g->offsets, pf->topic, pf->partition)
                           : NULL);
        if (!group_id)
            pf->error_code = KAFKA_ERR_INVALID_GROUP_ID;
    }
    return group_id ? KAFKA_ERR_NONE : KAFKA_ERR_INVALID_GROUP_ID;
}

int16_t broker_group_fetch_all_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                       broker_group_offset_fetch_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!group_id)
        return KAFKA_ERR_INVALID_GROUP_ID;
    const group_t *g = group_find(coord, group_id);
    if (!g)
        return KAFKA_ERR_NONE;
    size_t n;
    const broker_group_offset_t **all = broker_group_offsets_sorted(g->offsets, &n);
    if (!n)
        return KAFKA_ERR_NONE;
    broker_group_offset_fetch_t *res = mem_calloc(n, sizeof(*res));
    for (size_t i = 0; i < n; i++) {
        res[i].topic = all[i]->topic;
        res[i].partition = all[i]->partition;
        fetch_fill(&res[i], all[i]);
    }
    free(all);
    *out = res;
    *count = n;
    return KAFKA_ERR_NONE;
}

/* ---------------------------------------------------------------------------
 * DescribeGroups, ListGroups, DeleteGroups, deleted topics.
 */

void broker_group_describe(const broker_group_coordinator_t *coord, const char *group_id,
                           broker_group_description_t *desc)
{
    memset(desc, 0, sizeof(*desc));
    desc->group_id = group_id ? group_id : "";
    desc->protocol_type = "";
    desc->protocol_data = "";
    desc->state = BROKER_GROUP_DEAD;
    if (!group_id) {
        desc->error_code = KAFKA_ERR_INVALID_GROUP_ID;
        desc->group_state = "";
        return;
    }
    const group_t *g = group_find(coord, group_id);
    if (g) {
        bool stable = g->state == BROKER_GROUP_STABLE;
        desc->group_id = g->group_id;
        desc->state = g->state;
        desc->protocol_type = str_or_empty(g->protocol_type);
        desc->protocol_data = stable ? str_or_empty(g->protocol) : "";
        desc->member_count = g->member_count;
        desc->members =
            g->member_count ? mem_calloc(g->member_count, sizeof(*desc->members)) : NULL;
        for (size_t i = 0; i < g->member_count; i++) {
            const group_member_t *m = g->members[i];
            broker_group_member_description_t *d = &desc->members[i];
            d->member_id = m->member_id;
            d->group_instance_id = m->group_instance_id;
            d->client_id = m->client_id;
            d->client_host = m->client_host;
            if (stable) {
                const group_protocol_t *p = member_protocol(m, g->protocol);
                d->member_metadata = p ? p->metadata : NULL;
                d->member_metadata_len = p ? p->metadata_len : 0;
                d->member_assignment = m->assignment;
                d->member_assignment_len = m->assignment_len;
            }
        }
    }
    desc->group_state = broker_group_state_name(desc->state);
}

void broker_group_description_clear(broker_group_description_t *desc)
{
    free(desc->members);
    desc->members = NULL;
    desc->member_count = 0;
}

broker_group_overview_t *broker_group_list(const broker_group_coordinator_t *coord, size_t *count)
{
    size_t n;
    group_t **all = coord_groups(coord, &n);
    *count = n;
    if (!n)
        return NULL;
    broker_group_overview_t *res = mem_calloc(n, sizeof(*res));
    for (size_t i = 0; i < n; i++) {
        res[i].group_id = all[i]->group_id;
        res[i].protocol_type = str_or_empty(all[i]->protocol_type);
        res[i].group_state = broker_group_state_name(all[i]->state);
    }
    free(all);
    return res;
}

int16_t broker_group_delete(broker_group_coordinator_t *coord, const char *group_id, int64_t now_ms)
{
    (void)now_ms;
    if (!group_id)
        return KAFKA_ERR_INVALID_GROUP_ID;
    group_t *g = group_find(coord, group_id);
    if (!g)
        return KAFKA_ERR_GROUP_ID_NOT_FOUND;
    if (g->state != BROKER_GROUP_EMPTY)
        return KAFKA_ERR_NON_EMPTY_GROUP;

    size_t n;
    const broker_group_offset_t **all = broker_group_offsets_sorted(g->offsets, &n);
    for (size_t i = 0; i < n; i++)
        batch_add_offset_tombstone(&coord->batch, g->group_id, all[i]->topic, all[i]->partition);
    free(all);
    batch_add_group_tombstone(&coord->batch, g->group_id);
    int16_t err = batch_flush(coord, g->partition);
    if (err)
        return group_store_error(err, false);
    log_info(coord->log_ctx, GROUP_LOGGER, "Group %s was deleted with its %zu offsets", g->group_id,
             n);
    group_remove(coord, g);
    return KAFKA_ERR_NONE;
}

/* Whether a ConsumerProtocolSubscription names topic: 1 yes, 0 no, -1 when
 * it cannot be read. Only its version-0 prefix is read (int16 version, then
 * the topics as an int32-counted array of int16-length strings), which every
 * later version keeps, as Kafka reads it. */
static int subscription_names_topic(const uint8_t *p, size_t len, const char *topic)
{
    size_t pos = 2; /* the version */
    if (len < pos + 4)
        return -1;
    int32_t count = (int32_t)((uint32_t)p[pos] << 24 | (uint32_t)p[pos + 1] << 16 |
                              (uint32_t)p[pos + 2] << 8 | (uint32_t)p[pos + 3]);
    pos += 4;
    if (count < 0)
        return -1;
    size_t topic_len = strlen(topic);
    int found = 0;
    for (int32_t i = 0; i < count; i++) {
        if (len - pos < 2)
            return -1;
        int16_t n = (int16_t)((uint16_t)p[pos] << 8 | p[pos + 1]);
        pos += 2;
        if (n < 0 || len - pos < (size_t)n)
            return -1;
        if ((size_t)n == topic_len && memcmp(p + pos, topic, topic_len) == 0)
            found = 1;
        pos += (size_t)n;
    }
    return found;
}

/* Kafka's ClassicGroup.isSubscribedToTopic: only an active "consumer" group
 * subscribes to anything; when its members' subscriptions cannot be read
 * (no protocol chosen yet, unreadable metadata) it counts as subscribed to
 * every topic, so its offsets stay. */
static bool group_subscribed_to_topic(const group_t *g, const char *topic)
{
    if (!g->protocol_type || strcmp(g->protocol_type, "consumer") != 0 || g->member_count == 0)
        return false;
    for (size_t i = 0; i < g->member_count; i++) {
        const group_protocol_t *p = member_protocol(g->members[i], g->protocol);
        if (!p || subscription_names_topic(p->metadata, p->metadata_len, topic) != 0)
            return true;
    }
    return false;
}

int16_t broker_group_delete_offsets(broker_group_coordinator_t *coord, const char *group_id,
                                    broker_group_offset_delete_t *partitions, size_t count,
                                    int64_t now_ms)
{
    (void)now_ms;
    if (!group_id || !group_id[0])
        return KAFKA_ERR_INVALID_GROUP_ID;
    group_t *g = group_find(coord, group_id);
    if (!g)
        return KAFKA_ERR_GROUP_ID_NOT_FOUND;
    bool consumer = g->protocol_type && strcmp(g->protocol_type, "consumer") == 0;
    if (g->state != BROKER_GROUP_EMPTY && !consumer)
        return KAFKA_ERR_NON_EMPTY_GROUP;

    /* Which entries remove an offset: each stored offset once, even when a
     * request lists its partition twice. */
    bool *removes = mem_calloc(count ? count : 1, sizeof(*removes));
    size_t removed = 0;
    for (size_t i = 0; i < count; i++) {
        broker_group_offset_delete_t *pd = &partitions[i];
        if (pd->error_code)
            continue;
        if (!pd->topic) {
            pd->error_code = KAFKA_ERR_INVALID_REQUEST;
            continue;
        }
        if (g->state != BROKER_GROUP_EMPTY && group_subscribed_to_topic(g, pd->topic)) {
            pd->error_code = KAFKA_ERR_GROUP_SUBSCRIBED_TO_TOPIC;
            continue;
        }
        if (!broker_group_offsets_get(g->offsets, pd->topic, pd->partition))
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = removes[j] && partitions[j].partition == pd->partition &&
                   strcmp(partitions[j].topic, pd->topic) == 0;
        if (seen)
            continue;
        removes[i] = true;
        removed++;
        batch_add_offset_tombstone(&coord->batch, g->group_id, pd->topic, pd->partition);
    }
    if (!removed) {
        free(removes);
        return KAFKA_ERR_NONE;
    }
    bool delete_group = g->state == BROKER_GROUP_EMPTY && g->member_count == 0 &&
                        g->pending_count == 0 && broker_group_offsets_count(g->offsets) == removed;
    if (delete_group)
        batch_add_group_tombstone(&coord->batch, g->group_id);
    int16_t err = batch_flush(coord, g->partition);
    if (err) {
        free(removes);
        log_warn(coord->log_ctx, GROUP_LOGGER, "Failed to delete offsets of group %s: %s",
                 g->group_id, kafka_error_name(err));
        return group_store_error(err, false);
    }
    for (size_t i = 0; i < count; i++)
        if (removes[i])
            broker_group_offsets_remove(g->offsets, partitions[i].topic, partitions[i].partition);
    free(removes);
    log_info(coord->log_ctx, GROUP_LOGGER, "Deleted %zu offsets of group %s%s", removed,
             g->group_id, delete_group ? ", which had no more and was removed" : "");
    if (delete_group)
        group_remove(coord, g);
    return KAFKA_ERR_NONE;
}

static bool offset_of_topic(const group_t *g, const broker_group_offset_t *off, const void *arg,
                            int64_t now)
{
    (void)g;
    (void)now;
    return strcmp(off->topic, (const char *)arg) == 0;
}

size_t broker_group_remove_topic_offsets(broker_group_coordinator_t *coord, const char *topic,
                                         int64_t now_ms)
{
    size_t n, removed = 0;
    if (!topic)
        return 0;
    group_t **all = coord_groups(coord, &n);
    for (size_t i = 0; i < n; i++) {
        /* Groups without offsets of topic are left alone (group_cleanup
         * would also delete them when Empty and offsetless). */
        size_t cnt;
        const broker_group_offset_t **offs = broker_group_offsets_sorted(all[i]->offsets, &cnt);
        bool has = false;
        for (size_t k = 0; k < cnt && !has; k++)
            has = strcmp(offs[k]->topic, topic) == 0;
        free(offs);
        if (has)
            removed += group_cleanup(coord, all[i], offset_of_topic, topic, now_ms);
    }
    free(all);
    coord_drain(coord);
    return removed;
}

/* ---------------------------------------------------------------------------
 * Loading from __consumer_offsets.
 */

static void group_clear_membership(group_t *g)
{
    for (size_t i = 0; i < g->member_count; i++)
        member_free(g->members[i]);
    g->member_count = 0;
    g->leader = NULL;
    free(g->protocol_type);
    free(g->protocol);
    g->protocol_type = NULL;
    g->protocol = NULL;
    g->generation = 0;
    g->state = BROKER_GROUP_EMPTY;
}

static int load_group_metadata(broker_group_coordinator_t *coord, const char *group_id,
                               const void *value, size_t value_len, int64_t now, char *errstr,
                               size_t errstr_size)
{
    group_t *g = group_find(coord, group_id);
    if (!value) {
        if (g) {
            group_clear_membership(g);
            if (broker_group_offsets_count(g->offsets) == 0)
                group_remove(coord, g);
        }
        return 0;
    }
    broker_group_metadata_value_t v;
    if (broker_group_offsets_read_group_value(value, value_len, &v, errstr, errstr_size) < 0)
        return -1;
    if (v.member_count && !v.protocol) {
        snprintf(errstr, errstr_size, "group metadata of %s has members but no protocol", group_id);
        broker_group_metadata_value_clear(&v);
        return -1;
    }
    if (!g)
        g = group_create(coord, group_id, now);
    group_clear_membership(g);
    g->protocol_type = v.protocol_type[0] ? mem_strdup(v.protocol_type) : NULL;
    g->generation = v.generation;
    g->protocol = mem_strdup(v.protocol);
    g->state = v.member_count ? BROKER_GROUP_STABLE : BROKER_GROUP_EMPTY;
    g->state_timestamp = v.current_state_timestamp;
    for (size_t i = 0; i < v.member_count; i++) {
        broker_group_metadata_member_t *vm = &v.members[i];
        group_member_t *m = mem_calloc(1, sizeof(*m));
        m->member_id = vm->member_id;
        m->group_instance_id = vm->group_instance_id;
        m->client_id = vm->client_id;
        m->client_host = vm->client_host;
        /* Timeouts from the log are bounded like a JoinGroup's. */
        m->session_timeout_ms = vm->session_timeout_ms;
        if (m->session_timeout_ms < coord->conf.group_min_session_timeout_ms)
            m->session_timeout_ms = coord->conf.group_min_session_timeout_ms;
        if (m->session_timeout_ms > coord->conf.group_max_session_timeout_ms)
            m->session_timeout_ms = coord->conf.group_max_session_timeout_ms;
        m->rebalance_timeout_ms =
            vm->rebalance_timeout_ms > 0 ? vm->rebalance_timeout_ms : m->session_timeout_ms;
        m->protocols = mem_calloc(1, sizeof(*m->protocols));
        m->protocol_count = 1;
        m->protocols[0].name = mem_strdup(v.protocol);
        m->protocols[0].metadata = vm->subscription;
        m->protocols[0].metadata_len = vm->subscription_len;
        m->assignment = vm->assignment;
        m->assignment_len = vm->assignment_len;
        m->deadline_ms = add_ms(now, m->session_timeout_ms);
        memset(vm, 0, sizeof(*vm)); /* now the member's */
        group_add_member(g, m);
        if (v.leader && strcmp(v.leader, m->member_id) == 0)
            g->leader = m;
    }
    broker_group_metadata_value_clear(&v);
    return 0;
}

int broker_group_coordinator_load(broker_group_coordinator_t *coord, const void *key,
                                  size_t key_len, const void *value, size_t value_len,
                                  int64_t now_ms, char *errstr, size_t errstr_size)
{
    broker_group_record_key_t k;
    char err_local[1];
    if (!errstr || !errstr_size) {
        errstr = err_local;
        errstr_size = sizeof(err_local);
    }
    errstr[0] = '\0';
    if (broker_group_offsets_read_key(key, key_len, &k, errstr, errstr_size) < 0)
        return -1;
    int rc = 0;
    switch (k.type) {
    case BROKER_GROUP_RECORD_OFFSET_COMMIT:
        if (value) {
            broker_group_offset_t off;
            if (broker_group_offsets_read_commit_value(value, value_len, &off, errstr,
                                                       errstr_size) < 0) {
                rc = -1;
                break;
            }
            group_t *g = group_find(coord, k.group);
            if (!g)
                g = group_create(coord, k.group, now_ms);
            broker_group_offsets_put(g->offsets, k.topic, k.partition, off.offset, off.leader_epoch,
                                     off.metadata, off.commit_timestamp, off.expire_timestamp);
            broker_group_offset_clear(&off);
        } else {
            group_t *g = group_find(coord, k.group);
            if (g) {
                broker_group_offsets_remove(g->offsets, k.topic, k.partition);
                group_discard_if_unused(coord, g);
            }
        }
        break;
    case BROKER_GROUP_RECORD_GROUP_METADATA:
        rc = load_group_metadata(coord, k.group, value, value_len, now_ms, errstr, errstr_size);
        break;
    default: rc = 1; break;
    }
    broker_group_record_key_clear(&k);
    return rc;
}

void broker_group_coordinator_load_complete(broker_group_coordinator_t *coord, int64_t now_ms)
{
    size_t n, loaded = 0;
    group_t **all = coord_groups(coord, &n);
    for (size_t i = 0; i < n; i++) {
        group_t *g = all[i];
        for (size_t k = 0; k < g->member_count; k++)
            g->members[k]->deadline_ms = add_ms(now_ms, g->members[k]->session_timeout_ms);
        loaded++;
    }
    free(all);
    if (coord->next_retention_check < 0)
        coord->next_retention_check =
            add_ms(now_ms, coord->conf.offsets_retention_check_interval_ms);
    log_info(coord->log_ctx, GROUP_LOGGER, "Loaded %zu groups from %s", loaded,
             BROKER_GROUP_OFFSETS_TOPIC);
}
