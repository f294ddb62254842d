/*
 * Request handlers for cluster metadata and administration: ApiVersions,
 * Metadata, ListOffsets, CreateTopics, DeleteTopics, CreatePartitions,
 * DescribeConfigs, InitProducerId and FindCoordinator. Network thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_groups.h"
#include "api_init_producer_id.h"
#include "api_list_offsets.h"
#include "api_metadata.h"
#include "api_topics.h"
#include "api_versions.h"
#include "broker_internal.h"
#include "config_internal.h"
#include "log.h"
#include "mem.h"
#include "producer_state.h"

/* Allocates an array member of a response struct. */
void broker_handle_api_versions(broker_t *b, broker_request_t *req)
{
    (void)b;
    broker_api_versions_response_t resp;
    if (broker_proto_version_check(BROKER_API_API_VERSIONS, req->hdr.request_api_version) ==
        BROKER_PROTO_VERSION_API_VERSIONS_FALLBACK) {
        /* librdkafka opens with v3: a v0 body with UNSUPPORTED_VERSION makes it
         * retry with v0 on the same connection (kafka-protocol.md 1.4). */
        broker_api_versions_response_init(&resp, KAFKA_ERR_UNSUPPORTED_VERSION);
        size_t frame;
        sluice_buf_t *buf = broker_response_begin(req, &frame);
        broker_api_versions_response_encode(buf, 0, &resp);
        broker_api_versions_response_free(&resp);
        broker_request_respond(req, buf, frame, NULL, NULL, NULL);
        return;
    }
    broker_api_versions_response_init(&resp, KAFKA_ERR_NONE);
    broker_request_reply(req, &broker_api_versions_response_message, &resp);
    broker_api_versions_response_free(&resp);
}

kafka_error_t broker_create_topic(broker_t *b, const char *name, int32_t partitions,
                                  const sluice_strmap_t *configs, bool internal, char *errstr,
                                  size_t errstr_size)
{
    return broker_topics_create(b->topics, name, partitions, configs, internal, false,
                                broker_now_ms(), errstr, errstr_size);
}

static void metadata_fill_topic(broker_t *b, broker_topic_t *t,
                                broker_metadata_response_topic_t *rt)
{
    rt->error_code = KAFKA_ERR_NONE;
    rt->name = BROKER_PROTO_STR(t->name);
    rt->is_internal = t->internal;
    BROKER_ARRAY_ALLOC(rt->partitions, t->partition_count);
    for (int32_t p = 0; p < t->partition_count; p++) {
        broker_metadata_response_partition_t *rp = &rt->partitions.items[p];
        rp->partition_index = p;
        rp->leader_id = b->config->node_id;
        BROKER_ARRAY_ALLOC(rp->replica_nodes, 1);
        rp->replica_nodes.items[0] = b->config->node_id;
        BROKER_ARRAY_ALLOC(rp->isr_nodes, 1);
        rp->isr_nodes.items[0] = b->config->node_id;
        BROKER_ARRAY_ALLOC(rp->offline_replicas, 0);
    }
}

void broker_handle_metadata(broker_t *b, broker_request_t *req)
{
    broker_metadata_request_t mreq;
    if (broker_request_decode(req, &broker_metadata_request_message, &mreq) < 0)
        return;
    int16_t version = req->hdr.request_api_version;
    broker_metadata_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.brokers, 1);
    resp.brokers.items[0].node_id = b->config->node_id;
    resp.brokers.items[0].host = BROKER_PROTO_STR(b->config->advertised_host);
    resp.brokers.items[0].port = b->config->advertised_port;
    resp.brokers.items[0].rack = BROKER_PROTO_STR(NULL);
    resp.cluster_id = BROKER_PROTO_STR(b->cluster_id);
    resp.controller_id = b->config->node_id;

    /* v0: an empty list means every topic; v1+: null does. */
    bool all = mreq.topics.count < 0 || (version == 0 && mreq.topics.count == 0);
    char **names = NULL; /* NUL-terminated copies for the response to point at */
    if (all) {
        size_t n = broker_topics_count(b->topics);
        BROKER_ARRAY_ALLOC(resp.topics, n);
        for (size_t i = 0; i < n; i++)
            metadata_fill_topic(b, broker_topics_at(b->topics, i), &resp.topics.items[i]);
    } else {
        BROKER_ARRAY_ALLOC(resp.topics, mreq.topics.count);
        names = mem_calloc((size_t)mreq.topics.count + 1, sizeof(char *));
        bool may_create = b->config->auto_create_topics && mreq.allow_auto_topic_creation;
        for (int32_t i = 0; i < mreq.topics.count; i++) {
            broker_metadata_response_topic_t *rt = &resp.topics.items[i];
            names[i] = broker_proto_str_dup(mreq.topics.items[i].name);
            const char *name = names[i] ? names[i] : "";
            rt->name = BROKER_PROTO_STR(name);
            BROKER_ARRAY_ALLOC(rt->partitions, 0);
            broker_topic_t *t = broker_topics_find(b->topics, name);
            if (!t && may_create && broker_topic_name_valid(name)) {
                char err[256];
                if (broker_create_topic(b, name, b->config->num_partitions, NULL, false, err,
                                        sizeof err) != KAFKA_ERR_NONE)
                    log_warn(NULL, "broker", "Auto-creating topic %s failed: %s", name, err);
                t = broker_topics_find(b->topics, name);
            }
            if (t) {
                free(rt->partitions.items);
                metadata_fill_topic(b, t, rt);
            } else {
                rt->error_code = broker_topic_name_valid(name)
                                     ? KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION
                                     : KAFKA_ERR_INVALID_TOPIC_EXCEPTION;
            }
        }
    }
    broker_request_reply(req, &broker_metadata_response_message, &resp);
    broker_proto_free(&broker_metadata_response_message, &resp);
    broker_proto_free(&broker_metadata_request_message, &mreq);
    if (names) {
        for (char **p = names; *p; p++)
            free(*p);
        free(names);
    }
}

void broker_handle_list_offsets(broker_t *b, broker_request_t *req)
{
    broker_list_offsets_request_t lreq;
    if (broker_request_decode(req, &broker_list_offsets_request_message, &lreq) < 0)
        return;
    broker_list_offsets_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.topics, lreq.topics.count > 0 ? lreq.topics.count : 0);
    char name[256];
    for (int32_t i = 0; i < resp.topics.count; i++) {
        broker_list_offsets_topic_t *t = &lreq.topics.items[i];
        broker_list_offsets_topic_response_t *rt = &resp.topics.items[i];
        rt->name = t->name;
        broker_proto_str_copy(name, sizeof name, t->name);
        BROKER_ARRAY_ALLOC(rt->partitions, t->partitions.count > 0 ? t->partitions.count : 0);
        for (int32_t j = 0; j < rt->partitions.count; j++) {
            const broker_list_offsets_partition_t *p = &t->partitions.items[j];
            broker_list_offsets_partition_response_t *rp = &rt->partitions.items[j];
            rp->partition_index = p->partition_index;
            rp->offset = -1;
            rp->timestamp = -1;
            broker_log_t *log = broker_topics_log(b->topics, name, p->partition_index);
            if (!log) {
                rp->error_code = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
                continue;
            }
            if (p->timestamp == BROKER_LOG_LATEST_TIMESTAMP)
                rp->offset = broker_log_end_offset(log);
            else if (p->timestamp == BROKER_LOG_EARLIEST_TIMESTAMP)
                rp->offset = broker_log_start_offset(log);
            else
                rp->error_code =
                    broker_log_offset_for_timestamp(log, p->timestamp, &rp->offset, &rp->timestamp);
        }
    }
    broker_request_reply(req, &broker_list_offsets_response_message, &resp);
    broker_proto_free(&broker_list_offsets_response_message, &resp);
    broker_proto_free(&broker_list_offsets_request_message, &lreq);
}

/* A per-request arena for error messages the response points at. */
typedef struct msg_arena {
    char **items;
    size_t count;
    size_t cap;
} msg_arena_t;

static broker_proto_str_t arena_str(msg_arena_t *a, const char *text)
{
    mem_grow((void **)&a->items, &a->cap, a->count + 1, sizeof(char *));
    a->items[a->count] = mem_strdup(text);
    return BROKER_PROTO_STR(a->items[a->count++]);
}

static void arena_free(msg_arena_t *a)
{
    for (size_t i = 0; i < a->count; i++)
        free(a->items[i]);
    free(a->items);
}

void broker_handle_create_topics(broker_t *b, broker_request_t *req)
{
    broker_create_topics_request_t creq;
    if (broker_request_decode(req, &broker_create_topics_request_message, &creq) < 0)
        return;
    broker_create_topics_response_t resp = {0};
    msg_arena_t arena = {0};
    BROKER_ARRAY_ALLOC(resp.topics, creq.topics.count > 0 ? creq.topics.count : 0);
    for (int32_t i = 0; i < resp.topics.count; i++) {
        broker_creatable_topic_t *t = &creq.topics.items[i];
        broker_creatable_topic_result_t *r = &resp.topics.items[i];
        r->name = t->name;
        r->error_message = BROKER_PROTO_STR(NULL);
        char *name = broker_proto_str_dup(t->name);
        char err[512] = "";
        int32_t partitions = t->num_partitions;
        int16_t rf = t->replication_factor;
        if (t->assignments.count > 0) {
            partitions = t->assignments.count;
            for (int32_t a = 0; a < t->assignments.count; a++)
                if (t->assignments.items[a].broker_ids.count > 1)
                    rf = (int16_t)t->assignments.items[a].broker_ids.count;
        }
        if (partitions == -1)
            partitions = b->config->num_partitions;
        if (rf == -1)
            rf = b->config->default_replication_factor;
        int dup = 0;
        for (int32_t k = 0; k < creq.topics.count; k++)
            if (k != i && creq.topics.items[k].name.len == t->name.len &&
                memcmp(creq.topics.items[k].name.data, t->name.data, t->name.len) == 0)
                dup = 1;
        kafka_error_t ec;
        if (dup) {
            ec = KAFKA_ERR_INVALID_REQUEST;
            snprintf(err, sizeof err, "Topic '%s' appears more than once in the request", name);
        } else if (rf != 1) {
            ec = KAFKA_ERR_INVALID_REPLICATION_FACTOR;
            snprintf(err, sizeof err, "Replication factor: %d larger than available brokers: 1.",
                     rf);
        } else {
            sluice_strmap_t *configs = sluice_strmap_new();
            for (int32_t c = 0; c < t->configs.count; c++) {
                char *k = broker_proto_str_dup(t->configs.items[c].name);
                char *v = broker_proto_str_dup(t->configs.items[c].value);
                if (k && v)
                    sluice_strmap_set(configs, k, v);
                free(k);
                free(v);
            }
            ec = broker_topics_create(b->topics, name ? name : "", partitions, configs, false,
                                      creq.validate_only, broker_now_ms(), err, sizeof err);
            sluice_strmap_destroy(configs);
        }
        r->error_code = (int16_t)ec;
        if (ec != KAFKA_ERR_NONE)
            r->error_message = arena_str(&arena, err);
        free(name);
    }
    broker_request_reply(req, &broker_create_topics_response_message, &resp);
    broker_proto_free(&broker_create_topics_response_message, &resp);
    broker_proto_free(&broker_create_topics_request_message, &creq);
    arena_free(&arena);
}

void broker_handle_delete_topics(broker_t *b, broker_request_t *req)
{
    broker_delete_topics_request_t dreq;
    if (broker_request_decode(req, &broker_delete_topics_request_message, &dreq) < 0)
        return;
    broker_delete_topics_response_t resp = {0};
    BROKER_ARRAY_ALLOC(resp.responses, dreq.topic_names.count > 0 ? dreq.topic_names.count : 0);
    for (int32_t i = 0; i < resp.responses.count; i++) {
        char *name = broker_proto_str_dup(dreq.topic_names.items[i]);
        resp.responses.items[i].name = dreq.topic_names.items[i];
        kafka_error_t ec;
        if (!b->config->delete_topic_enable)
            ec = KAFKA_ERR_TOPIC_DELETION_DISABLED;
        else if (name && strcmp(name, "__consumer_offsets") == 0)
            ec = KAFKA_ERR_INVALID_REQUEST; /* the coordinator's own storage */
        else
            ec = broker_topics_delete(b->topics, name ? name : "");
        if (ec == KAFKA_ERR_NONE) {
            broker_group_remove_topic_offsets(b->groups, name, broker_now_ms());
            broker_producers_forget_topic(b->producers, name);
        }
        resp.responses.items[i].error_code = (int16_t)ec;
        free(name);
    }
    broker_request_reply(req, &broker_delete_topics_response_message, &resp);
    broker_proto_free(&broker_delete_topics_response_message, &resp);
    broker_proto_free(&broker_delete_topics_request_message, &dreq);
}

void broker_handle_create_partitions(broker_t *b, broker_request_t *req)
{
    broker_create_partitions_request_t preq;
    if (broker_request_decode(req, &broker_create_partitions_request_message, &preq) < 0)
        return;
    broker_create_partitions_response_t resp = {0};
    msg_arena_t arena = {0};
    BROKER_ARRAY_ALLOC(resp.results, preq.topics.count > 0 ? preq.topics.count : 0);
    for (int32_t i = 0; i < resp.results.count; i++) {
        broker_create_partitions_topic_t *t = &preq.topics.items[i];
        broker_create_partitions_topic_result_t *r = &resp.results.items[i];
        r->name = t->name;
        r->error_message = BROKER_PROTO_STR(NULL);
        char *name = broker_proto_str_dup(t->name);
        char err[512] = "";
        kafka_error_t ec =
            broker_topics_add_partitions(b->topics, name ? name : "", t->count, preq.validate_only,
                                         broker_now_ms(), err, sizeof err);
        r->error_code = (int16_t)ec;
        if (ec != KAFKA_ERR_NONE)
            r->error_message = arena_str(&arena, err);
        free(name);
    }
    broker_request_reply(req, &broker_create_partitions_response_message, &resp);
    broker_proto_free(&broker_create_partitions_response_message, &resp);
    broker_proto_free(&broker_create_partitions_request_message, &preq);
    arena_free(&arena);
}

/* DescribeConfigsResponse's ConfigSource ids on the wire (not the admin
 * client's enum order). */
#define CONFIG_SOURCE_DYNAMIC_TOPIC 1
#define CONFIG_SOURCE_STATIC_BROKER 4
#define CONFIG_SOURCE_DEFAULT 5

static bool keys_wanted(const broker_describe_configs_resource_t *res, const char *key)
{
    if (res->configuration_keys.count < 0)
        return true;
    for (int32_t i = 0; i < res->configuration_keys.count; i++)
        if (broker_proto_str_eq(res->configuration_keys.items[i], key))
            return true;
    return false;
}

/* The effective value of a topic-level key, as text. */
static void topic_value_text(const broker_topic_t *t, const char *key, char *out, size_t size)
{
    const broker_log_config_t *c = &t->conf;
    const char *override = sluice_strmap_get(t->overrides, key);
    if (override) {
        snprintf(out, size, "%s", override);
        return;
    }
    if (strcmp(key, "cleanup.policy") == 0)
        snprintf(out, size, "%s",
                 c->cleanup_policy == (BROKER_CLEANUP_COMPACT | BROKER_CLEANUP_DELETE)
                     ? "compact,delete"
                 : c->cleanup_policy & BROKER_CLEANUP_COMPACT ? "compact"
                                                              : "delete");
    else if (strcmp(key, "retention.ms") == 0)
        snprintf(out, size, "%lld", (long long)c->retention_ms);
    else if (strcmp(key, "retention.bytes") == 0)
        snprintf(out, size, "%lld", (long long)c->retention_bytes);
    else if (strcmp(key, "segment.bytes") == 0)
        snprintf(out, size, "%lld", (long long)c->segment_bytes);
    else if (strcmp(key, "segment.ms") == 0)
        snprintf(out, size, "%lld", (long long)c->segment_ms);
    else if (strcmp(key, "segment.index.bytes") == 0)
        snprintf(out, size, "%lld", (long long)c->segment_index_bytes);
    else if (strcmp(key, "index.interval.bytes") == 0)
        snprintf(out, size, "%d", c->index_interval_bytes);
    else if (strcmp(key, "max.message.bytes") == 0)
        snprintf(out, size, "%d", c->max_message_bytes);
    else if (strcmp(key, "delete.retention.ms") == 0)
        snprintf(out, size, "%lld", (long long)c->delete_retention_ms);
    else if (strcmp(key, "flush.messages") == 0)
        snprintf(out, size, "%lld", (long long)c->flush_messages);
    else if (strcmp(key, "flush.ms") == 0)
        snprintf(out, size, "%lld", (long long)c->flush_ms);
    else if (strcmp(key, "min.cleanable.dirty.ratio") == 0)
        snprintf(out, size, "%g", c->min_cleanable_dirty_ratio);
    else {
        const sluice_config_key_t *k = config_find_key(broker_topic_config_keys, key);
        snprintf(out, size, "%s", k && k->default_value ? k->default_value : "");
    }
}

void broker_handle_describe_configs(broker_t *b, broker_request_t *req)
{
    broker_describe_configs_request_t dreq;
    if (broker_request_decode(req, &broker_describe_configs_request_message, &dreq) < 0)
        return;
    broker_describe_configs_response_t resp = {0};
    msg_arena_t arena = {0};
    BROKER_ARRAY_ALLOC(resp.results, dreq.resources.count > 0 ? dreq.resources.count : 0);
    char node[16];
    snprintf(node, sizeof node, "%d", b->config->node_id);
    for (int32_t i = 0; i < resp.results.count; i++) {
        broker_describe_configs_resource_t *res = &dreq.resources.items[i];
        broker_describe_configs_result_t *r = &resp.results.items[i];
        r->resource_type = res->resource_type;
        r->resource_name = res->resource_name;
        r->error_message = BROKER_PROTO_STR(NULL);
        BROKER_ARRAY_ALLOC(r->configs, 0);
        char *name = broker_proto_str_dup(res->resource_name);
        if (res->resource_type == 2) { /* TOPIC */
            broker_topic_t *t = broker_topics_find(b->topics, name ? name : "");
            if (!t) {
                r->error_code = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
                r->error_message = arena_str(&arena, "Topic does not exist");
            } else {
                size_t n = 0;
                while (broker_topic_config_keys[n].name)
                    n++;
                free(r->configs.items);
                BROKER_ARRAY_ALLOC(r->configs, n);
                int32_t used = 0;
                for (size_t k = 0; k < n; k++) {
                    const char *key = broker_topic_config_keys[k].name;
                    if (!keys_wanted(res, key))
                        continue;
                    char value[64];
                    topic_value_text(t, key, value, sizeof value);
                    broker_describe_configs_resource_result_t *c = &r->configs.items[used++];
                    bool override = sluice_strmap_get(t->overrides, key) != NULL;
                    c->name = BROKER_PROTO_STR(key);
                    c->value = arena_str(&arena, value);
                    c->is_default = !override;
                    c->config_source =
                        override ? CONFIG_SOURCE_DYNAMIC_TOPIC : CONFIG_SOURCE_DEFAULT;
                    BROKER_ARRAY_ALLOC(c->synonyms, 0);
                }
                r->configs.count = used;
            }
        } else if (res->resource_type == 4) { /* BROKER */
            if (name && name[0] && strcmp(name, node) != 0) {
                r->error_code = KAFKA_ERR_INVALID_REQUEST;
                r->error_message = arena_str(&arena, "No such broker");
            } else {
                size_t n = 0;
                while (broker_config_keys[n].name)
                    n++;
                free(r->configs.items);
                BROKER_ARRAY_ALLOC(r->configs, n);
                int32_t used = 0;
                const sluice_strmap_t *orig = sluice_config_originals(b->config->config);
                for (size_t k = 0; k < n; k++) {
                    const sluice_config_key_t *key = &broker_config_keys[k];
                    if (!keys_wanted(res, key->name))
                        continue;
                    const char *v = sluice_strmap_get(orig, key->name);
                    broker_describe_configs_resource_result_t *c = &r->configs.items[used++];
                    c->name = BROKER_PROTO_STR(key->name);
                    c->value = v                    ? arena_str(&arena, v)
                               : key->default_value ? BROKER_PROTO_STR(key->default_value)
                                                    : BROKER_PROTO_STR(NULL);
                    c->read_only = true;
                    c->is_default = v == NULL;
                    c->config_source = v ? CONFIG_SOURCE_STATIC_BROKER : CONFIG_SOURCE_DEFAULT;
                    c->is_sensitive = key->type == SLUICE_CONFIG_PASSWORD;
                    BROKER_ARRAY_ALLOC(c->synonyms, 0);
                }
                r->configs.count = used;
            }
        } else {
            r->error_code = KAFKA_ERR_INVALID_REQUEST;
            r->error_message = arena_str(&arena, "Only topic and broker resources are supported");
        }
        free(name);
    }
    broker_request_reply(req, &broker_describe_configs_response_message, &resp);
    broker_proto_free(&broker_describe_configs_response_message, &resp);
    broker_proto_free(&broker_describe_configs_request_message, &dreq);
    arena_free(&arena);
}

void broker_handle_init_producer_id(broker_t *b, broker_request_t *req)
{
    broker_init_producer_id_request_t ireq;
    if (broker_request_decode(req, &broker_init_producer_id_request_message, &ireq) < 0)
        return;
    broker_init_producer_id_response_t resp = {0};
    if (ireq.transactional_id.data) {
        /* Transactions need a transaction coordinator, which this broker does
         * not have: say so rather than pretend. */
        resp.error_code = KAFKA_ERR_INVALID_REQUEST;
        resp.producer_id = -1;
        resp.producer_epoch = -1;
        log_warn(NULL, "broker",
                 "Refused InitProducerId for transactional.id %.*s: "
                 "transactions are not supported",
                 (int)ireq.transactional_id.len, ireq.transactional_id.data);
    } else {
        resp.producer_id = b->next_producer_id++;
        resp.producer_epoch = 0;
    }
    broker_request_reply(req, &broker_init_producer_id_response_message, &resp);
    broker_proto_free(&broker_init_producer_id_request_message, &ireq);
}

void broker_handle_find_coordinator(broker_t *b, broker_request_t *req)
{
    broker_find_coordinator_request_t freq;
    if (broker_request_decode(req, &broker_find_coordinator_request_message, &freq) < 0)
        return;
    /* One node: this broker coordinates every group (and would every
     * transactional id). */
    broker_find_coordinator_response_t resp = {0};
    resp.error_message = BROKER_PROTO_STR(NULL);
    resp.node_id = b->config->node_id;
    resp.host = BROKER_PROTO_STR(b->config->advertised_host);
    resp.port = b->config->advertised_port;
    broker_request_reply(req, &broker_find_coordinator_response_message, &resp);
    broker_proto_free(&broker_find_coordinator_request_message, &freq);
}
