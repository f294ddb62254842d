/*
 * Request handlers for consumer groups: JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, DescribeGroups, ListGroups, OffsetCommit, OffsetFetch,
 * DeleteGroups and OffsetDelete, translating between the wire structs and
 * the group coordinator. Network thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_group_admin.h"
#include "api_groups.h"
#include "api_offset_commit.h"
#include "broker_internal.h"
#include "mem.h"

/* A NUL-terminated copy, or NULL for a null string. Strings with an embedded
 * NUL are cut there, which the coordinator then sees as a different id. */
static char *dup_str(broker_proto_str_t s)
{
    return broker_proto_str_dup(s);
}

/* Bytes for a response field that is never null. */
static broker_proto_bytes_t bytes_of(const uint8_t *data, size_t len)
{
    return (broker_proto_bytes_t){.data = data ? data : (const uint8_t *)"", .len = len};
}

static void group_cancel(broker_request_t *req)
{
    broker_group_cancel(req->broker->groups, req, broker_now_ms());
    broker_request_free(req);
}

/* ---- JoinGroup / SyncGroup (long polls) --------------------------------------- */

static void join_done(void *opaque, const broker_group_join_response_t *r)
{
    broker_request_t *req = opaque;
    broker_join_group_response_t resp = {0};
    resp.error_code = r->error_code;
    resp.generation_id = r->generation_id;
    resp.protocol_name = BROKER_PROTO_STR(r->protocol_name ? r->protocol_name : "");
    resp.leader = BROKER_PROTO_STR(r->leader ? r->leader : "");
    resp.member_id = BROKER_PROTO_STR(r->member_id ? r->member_id : "");
    BROKER_ARRAY_ALLOC(resp.members, r->member_count);
    for (size_t i = 0; i < r->member_count; i++) {
        resp.members.items[i].member_id = BROKER_PROTO_STR(r->members[i].member_id);
        resp.members.items[i].group_instance_id = BROKER_PROTO_STR(r->members[i].group_instance_id);
        resp.members.items[i].metadata =
            bytes_of(r->members[i].metadata, r->members[i].metadata_len);
    }
    broker_request_reply(req, &broker_join_group_response_message, &resp);
    broker_proto_free(&broker_join_group_response_message, &resp);
}

void broker_handle_join_group(broker_t *b, broker_request_t *req)
{
    broker_join_group_request_t jreq;
    if (broker_request_decode(req, &broker_join_group_request_message, &jreq) < 0)
        return;
    char *group_id = dup_str(jreq.group_id);
    char *member_id = dup_str(jreq.member_id);
    char *instance_id = dup_str(jreq.group_instance_id);
    char *protocol_type = dup_str(jreq.protocol_type);
    char *client_id = dup_str(req->hdr.client_id);
    size_t n = jreq.protocols.count > 0 ? (size_t)jreq.protocols.count : 0;
    broker_group_protocol_t *protocols = mem_calloc(n ? n : 1, sizeof(*protocols));
    char **names = mem_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        names[i] = dup_str(jreq.protocols.items[i].name);
        protocols[i].name = names[i] ? names[i] : "";
        protocols[i].metadata = jreq.protocols.items[i].metadata.data;
        protocols[i].metadata_len = jreq.protocols.items[i].metadata.len;
    }
    broker_group_join_request_t gj = {
        .api_version = req->hdr.request_api_version,
        .group_id = group_id,
        .session_timeout_ms = jreq.session_timeout_ms,
        .rebalance_timeout_ms = jreq.rebalance_timeout_ms,
        .member_id = member_id ? member_id : "",
        .group_instance_id = instance_id,
        .protocol_type = protocol_type ? protocol_type : "",
        .protocols = protocols,
        .protocol_count = n,
        .client_id = client_id ? client_id : "",
        .client_host = req->client_host,
    };
    /* The callback may answer before broker_group_join returns; until it
     * does, a disconnect must reach the coordinator. */
    req->cancel = group_cancel;
    broker_group_join(b->groups, &gj, broker_now_ms(), join_done, req);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(protocols);
    free(group_id);
    free(member_id);
    free(instance_id);
    free(protocol_type);
    free(client_id);
    broker_proto_free(&broker_join_group_request_message, &jreq);
}

static void sync_done(void *opaque, const broker_group_sync_response_t *r)
{
    broker_request_t *req = opaque;
    broker_sync_group_response_t resp = {0};
    resp.error_code = r->error_code;
    resp.assignment = bytes_of(r->assignment, r->assignment_len);
    broker_request_reply(req, &broker_sync_group_response_message, &resp);
}

void broker_handle_sync_group(broker_t *b, broker_request_t *req)
{
    broker_sync_group_request_t sreq;
    if (broker_request_decode(req, &broker_sync_group_request_message, &sreq) < 0)
        return;
    char *group_id = dup_str(sreq.group_id);
    char *member_id = dup_str(sreq.member_id);
    char *instance_id = dup_str(sreq.group_instance_id);
    size_t n = sreq.assignments.count > 0 ? (size_t)sreq.assignments.count : 0;
    broker_group_assignment_t *as = mem_calloc(n ? n : 1, sizeof(*as));
    char **ids = mem_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        ids[i] = dup_str(sreq.assignments.items[i].member_id);
        as[i].member_id = ids[i] ? ids[i] : "";
        as[i].assignment = sreq.assignments.items[i].assignment.data;
        as[i].assignment_len = sreq.assignments.items[i].assignment.len;
    }
    broker_group_sync_request_t gs = {
        .group_id = group_id,
        .generation_id = sreq.generation_id,
        .member_id = member_id ? member_id : "",
        .group_instance_id = instance_id,
        .assignments = as,
        .assignment_count = n,
    };
    req->cancel = group_cancel;
    broker_group_sync(b->groups, &gs, broker_now_ms(), sync_done, req);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(as);
    free(group_id);
    free(member_id);
    free(instance_id);
    broker_proto_free(&broker_sync_group_request_message, &sreq);
}

/* ---- Heartbeat / LeaveGroup ------------------------------------------------------ */

void broker_handle_heartbeat(broker_t *b, broker_request_t *req)
{
    broker_heartbeat_request_t hreq;
    if (broker_request_decode(req, &broker_heartbeat_request_message, &hreq) < 0)
        return;
    char *group_id = dup_str(hreq.group_id);
    char *member_id = dup_str(hreq.member_id);
    char *instance_id = dup_str(hreq.group_instance_id);
    broker_heartbeat_response_t resp = {0};
    resp.error_code =
        broker_group_heartbeat(b->groups, group_id, hreq.generation_id, member_id ? member_id : "",
                               instance_id, broker_now_ms());
    free(group_id);
    free(member_id);
    free(instance_id);
    broker_request_reply(req, &broker_heartbeat_response_message, &resp);
}

void broker_handle_leave_group(broker_t *b, broker_request_t *req)
{
    broker_leave_group_request_t lreq;
    if (broker_request_decode(req, &broker_leave_group_request_message, &lreq) < 0)
        return;
    char *group_id = dup_str(lreq.group_id);
    char *member_id = dup_str(lreq.member_id);
    broker_leave_group_response_t resp = {0};
    resp.error_code =
        broker_group_leave(b->groups, group_id, member_id ? member_id : "", broker_now_ms());
    free(group_id);
    free(member_id);
    broker_request_reply(req, &broker_leave_group_response_message, &resp);
}

/* ---- DescribeGroups / ListGroups -------------------------------------------------- */

void broker_handle_describe_groups(broker_t *b, broker_request_t *req)
{
    broker_describe_groups_request_t dreq;
    if (broker_request_decode(req, &broker_describe_groups_request_message, &dreq) < 0)
        return;
    size_t n = dreq.groups.count > 0 ? (size_t)dreq.groups.count : 0;
    broker_group_description_t *descs = mem_calloc(n ? n : 1, sizeof(*descs));
    broker_describe_groups_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.groups, n);
    for (size_t i = 0; i < n; i++) {
        char *gid = dup_str(dreq.groups.items[i]);
        broker_group_describe(b->groups, gid ? gid : "", &descs[i]);
        free(gid);
        broker_described_group_t *g = &resp.groups.items[i];
        g->error_code = descs[i].error_code;
        g->group_id = dreq.groups.items[i];
        g->group_state = BROKER_PROTO_STR(descs[i].group_state ? descs[i].group_state : "Dead");
        g->protocol_type = BROKER_PROTO_STR(descs[i].protocol_type ? descs[i].protocol_type : "");
        g->protocol_data = BROKER_PROTO_STR(descs[i].protocol_data ? descs[i].protocol_data : "");
        g->authorized_operations = INT32_MIN;
        BROKER_ARRAY_ALLOC(g->members, descs[i].member_count);
        for (size_t m = 0; m < descs[i].member_count; m++) {
            const broker_group_member_description_t *md = &descs[i].members[m];
            broker_described_group_member_t *gm = &g->members.items[m];
            gm->member_id = BROKER_PROTO_STR(md->member_id);
            gm->group_instance_id = BROKER_PROTO_STR(md->group_instance_id);
            gm->client_id = BROKER_PROTO_STR(md->client_id ? md->client_id : "");
            gm->client_host = BROKER_PROTO_STR(md->client_host ? md->client_host : "");
            gm->member_metadata = bytes_of(md->member_metadata, md->member_metadata_len);
            gm->member_assignment = bytes_of(md->member_assignment, md->member_assignment_len);
        }
    }
    broker_request_reply(req, &broker_describe_groups_response_message, &resp);
    broker_proto_free(&broker_describe_groups_response_message, &resp);
    for (size_t i = 0; i < n; i++)
        broker_group_description_clear(&descs[i]);
    free(descs);
    broker_proto_free(&broker_describe_groups_request_message, &dreq);
}

void broker_handle_list_groups(broker_t *b, broker_request_t *req)
{
    broker_list_groups_request_t lreq;
    if (broker_request_decode(req, &broker_list_groups_request_message, &lreq) < 0)
        return;
    size_t n = 0;
    broker_group_overview_t *groups = broker_group_list(b->groups, &n);
    broker_list_groups_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.groups, n);
    for (size_t i = 0; i < n; i++) {
        resp.groups.items[i].group_id = BROKER_PROTO_STR(groups[i].group_id);
        resp.groups.items[i].protocol_type = BROKER_PROTO_STR(groups[i].protocol_type);
    }
    broker_request_reply(req, &broker_list_groups_response_message, &resp);
    broker_proto_free(&broker_list_groups_response_message, &resp);
    free(groups);
    broker_proto_free(&broker_list_groups_request_message, &lreq);
}

/* ---- OffsetCommit / OffsetFetch ---------------------------------------------------- */

void broker_handle_offset_commit(broker_t *b, broker_request_t *req)
{
    broker_offset_commit_request_t creq;
    if (broker_request_decode(req, &broker_offset_commit_request_message, &creq) < 0)
        return;
    size_t total = 0;
    for (int32_t i = 0; i < creq.topics.count; i++)
        total += creq.topics.items[i].partitions.count > 0
                     ? (size_t)creq.topics.items[i].partitions.count
                     : 0;
    broker_group_offset_commit_t *parts = mem_calloc(total ? total : 1, sizeof(*parts));
    char **strings = mem_calloc(total * 2 + 1, sizeof(char *));
    size_t k = 0, s = 0;
    for (int32_t i = 0; i < creq.topics.count; i++) {
        broker_offset_commit_request_topic_t *t = &creq.topics.items[i];
        char *topic = dup_str(t->name);
        strings[s++] = topic;
        bool exists = topic && broker_topics_find(b->topics, topic) != NULL;
        for (int32_t j = 0; j < t->partitions.count; j++) {
            broker_offset_commit_request_partition_t *p = &t->partitions.items[j];
            broker_group_offset_commit_t *c = &parts[k++];
            c->topic = topic ? topic : "";
            c->partition = p->partition_index;
            c->committed_offset = p->committed_offset;
            c->committed_leader_epoch = p->committed_leader_epoch;
            c->committed_metadata = strings[s++] = dup_str(p->committed_metadata);
            c->error_code = exists && broker_topics_log(b->topics, topic, p->partition_index)
                                ? KAFKA_ERR_NONE
                                : KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
        }
    }
    char *group_id = dup_str(creq.group_id);
    char *member_id = dup_str(creq.member_id);
    char *instance_id = dup_str(creq.group_instance_id);
    broker_group_commit_offsets(b->groups, group_id, creq.generation_id_or_member_epoch,
                                member_id ? member_id : "", instance_id, creq.retention_time_ms,
                                parts, total, broker_now_ms());
    broker_offset_commit_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.topics, creq.topics.count > 0 ? creq.topics.count : 0);
    k = 0;
    for (int32_t i = 0; i < resp.topics.count; i++) {
        broker_offset_commit_request_topic_t *t = &creq.topics.items[i];
        resp.topics.items[i].name = t->name;
        BROKER_ARRAY_ALLOC(resp.topics.items[i].partitions,
                           t->partitions.count > 0 ? t->partitions.count : 0);
        for (int32_t j = 0; j < resp.topics.items[i].partitions.count; j++, k++) {
            resp.topics.items[i].partitions.items[j].partition_index = parts[k].partition;
            resp.topics.items[i].partitions.items[j].error_code = parts[k].error_code;
        }
    }
    broker_request_reply(req, &broker_offset_commit_response_message, &resp);
    broker_proto_free(&broker_offset_commit_response_message, &resp);
    for (size_t i = 0; i < s; i++)
        free(strings[i]);
    free(strings);
    free(parts);
    free(group_id);
    free(member_id);
    free(instance_id);
    broker_proto_free(&broker_offset_commit_request_message, &creq);
}

static void fetch_fill_partition(broker_offset_fetch_response_partition_t *rp,
                                 const broker_group_offset_fetch_t *f)
{
    rp->partition_index = f->partition;
    rp->committed_offset = f->committed_offset;
    rp->committed_leader_epoch = f->committed_leader_epoch;
    rp->metadata = BROKER_PROTO_STR(f->metadata ? f->metadata : "");
    rp->error_code = f->error_code;
}

void broker_handle_offset_fetch(broker_t *b, broker_request_t *req)
{
    broker_offset_fetch_request_t freq;
    if (broker_request_decode(req, &broker_offset_fetch_request_message, &freq) < 0)
        return;
    char *group_id = dup_str(freq.group_id);
    broker_offset_fetch_response_t resp = {0};
    broker_group_offset_fetch_t *parts = NULL;
    size_t total = 0;
    char **topics = NULL;
    if (freq.topics.count < 0) {
        /* Every committed partition of the group, grouped by topic. */
        resp.error_code = broker_group_fetch_all_offsets(b->groups, group_id, &parts, &total);
        size_t ntopics = 0;
        BROKER_ARRAY_ALLOC(resp.topics, total);
        for (size_t i = 0; i < total; i++) {
            broker_offset_fetch_response_topic_t *rt = NULL;
            for (size_t t = 0; t < ntopics; t++)
                if (broker_proto_str_eq(resp.topics.items[t].name, parts[i].topic))
                    rt = &resp.topics.items[t];
            if (!rt) {
                rt = &resp.topics.items[ntopics++];
                rt->name = BROKER_PROTO_STR(parts[i].topic);
                BROKER_ARRAY_ALLOC(rt->partitions, 0);
            }
            rt->partitions.items =
                mem_realloc(rt->partitions.items,
                            ((size_t)rt->partitions.count + 1) * sizeof(*rt->partitions.items));
            fetch_fill_partition(&rt->partitions.items[rt->partitions.count++], &parts[i]);
        }
        resp.topics.count = (int32_t)ntopics;
    } else {
        for (int32_t i = 0; i < freq.topics.count; i++)
            total += freq.topics.items[i].partition_indexes.count > 0
                         ? (size_t)freq.topics.items[i].partition_indexes.count
                         : 0;
        parts = mem_calloc(total ? total : 1, sizeof(*parts));
        topics = mem_calloc((size_t)freq.topics.count + 1, sizeof(char *));
        size_t k = 0;
        for (int32_t i = 0; i < freq.topics.count; i++) {
            topics[i] = dup_str(freq.topics.items[i].name);
            for (int32_t j = 0; j < freq.topics.items[i].partition_indexes.count; j++) {
                parts[k].topic = topics[i] ? topics[i] : "";
                parts[k].partition = freq.topics.items[i].partition_indexes.items[j];
                k++;
            }
        }
        resp.error_code = broker_group_fetch_offsets(b->groups, group_id, parts, total);
        BROKER_ARRAY_ALLOC(resp.topics, freq.topics.count);
        k = 0;
        for (int32_t i = 0; i < freq.topics.count; i++) {
            broker_offset_fetch_response_topic_t *rt = &resp.topics.items[i];
            rt->name = freq.topics.items[i].name;
            int32_t np = freq.topics.items[i].partition_indexes.count;
            BROKER_ARRAY_ALLOC(rt->partitions, np > 0 ? np : 0);
            for (int32_t j = 0; j < rt->partitions.count; j++)
                fetch_fill_partition(&rt->partitions.items[j], &parts[k++]);
        }
    }
    broker_request_reply(req, &broker_offset_fetch_response_message, &resp);
    broker_proto_free(&broker_offset_fetch_response_message, &resp);
    if (topics) {
        for (int32_t i = 0; i < freq.topics.count; i++)
            free(topics[i]);
        free(topics);
    }
    free(parts);
    free(group_id);
    broker_proto_free(&broker_offset_fetch_request_message, &freq);
}

/* ---- DeleteGroups / OffsetDelete ---------------------------------------------------- */

void broker_handle_delete_groups(broker_t *b, broker_request_t *req)
{
    broker_delete_groups_request_t dreq;
    if (broker_request_decode(req, &broker_delete_groups_request_message, &dreq) < 0)
        return;
    size_t n = dreq.groups_names.count > 0 ? (size_t)dreq.groups_names.count : 0;
    broker_delete_groups_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.results, n);
    for (size_t i = 0; i < n; i++) {
        char *gid = dup_str(dreq.groups_names.items[i]);
        resp.results.items[i].group_id = dreq.groups_names.items[i];
        resp.results.items[i].error_code = broker_group_delete(b->groups, gid, broker_now_ms());
        free(gid);
    }
    broker_request_reply(req, &broker_delete_groups_response_message, &resp);
    broker_proto_free(&broker_delete_groups_response_message, &resp);
    broker_proto_free(&broker_delete_groups_request_message, &dreq);
}

void broker_handle_offset_delete(broker_t *b, broker_request_t *req)
{
    broker_offset_delete_request_t dreq;
    if (broker_request_decode(req, &broker_offset_delete_request_message, &dreq) < 0)
        return;
    int32_t ntopics = dreq.topics.count > 0 ? dreq.topics.count : 0;
    size_t total = 0;
    for (int32_t i = 0; i < ntopics; i++)
        total += dreq.topics.items[i].partitions.count > 0
                     ? (size_t)dreq.topics.items[i].partitions.count
                     : 0;
    broker_group_offset_delete_t *parts = mem_calloc(total ? total : 1, sizeof(*parts));
    char **topics = mem_calloc((size_t)ntopics + 1, sizeof(char *));
    size_t k = 0;
    for (int32_t i = 0; i < ntopics; i++) {
        broker_offset_delete_request_topic_t *t = &dreq.topics.items[i];
        topics[i] = dup_str(t->name);
        /* As Kafka: offsets of a topic or partition the broker does not have
         * are not looked at (a deleted topic's offsets are already gone). */
        bool exists = topics[i] && broker_topics_find(b->topics, topics[i]) != NULL;
        for (int32_t j = 0; j < t->partitions.count; j++, k++) {
            parts[k].topic = topics[i] ? topics[i] : "";
            parts[k].partition = t->partitions.items[j].partition_index;
            parts[k].error_code =
                exists && broker_topics_log(b->topics, topics[i], parts[k].partition)
                    ? KAFKA_ERR_NONE
                    : KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
        }
    }
    char *group_id = dup_str(dreq.group_id);
    broker_offset_delete_response_t resp = {0};
    resp.error_code =
        broker_group_delete_offsets(b->groups, group_id, parts, total, broker_now_ms());
    /* A top-level error answers for the whole request, with no topics. */
    BROKER_ARRAY_ALLOC(resp.topics, resp.error_code ? 0 : ntopics);
    k = 0;
    for (int32_t i = 0; i < resp.topics.count; i++) {
        broker_offset_delete_request_topic_t *t = &dreq.topics.items[i];
        broker_offset_delete_response_topic_t *rt = &resp.topics.items[i];
        rt->name = t->name;
        BROKER_ARRAY_ALLOC(rt->partitions, t->partitions.count > 0 ? t->partitions.count : 0);
        for (int32_t j = 0; j < rt->partitions.count; j++, k++) {
            rt->partitions.items[j].partition_index = parts[k].partition;
            rt->partitions.items[j].error_code = parts[k].error_code;
        }
    }
    broker_request_reply(req, &broker_offset_delete_response_message, &resp);
    broker_proto_free(&broker_offset_delete_response_message, &resp);
    for (int32_t i = 0; i < ntopics; i++)
        free(topics[i]);
    free(topics);
    free(parts);
    free(group_id);
    broker_proto_free(&broker_offset_delete_request_message, &dreq);
}
