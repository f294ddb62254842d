/*
 * A connector's offsets for the REST API. See connector_offsets.h.
 */
#include "connector_offsets.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "cli_kafka.h"
#include "client_config.h"
#include "log.h"
#include "mem.h"

#define OFFSETS_LOGGER "ConnectorOffsets"

#define KAFKA_TOPIC_KEY "kafka_topic"
#define KAFKA_PARTITION_KEY "kafka_partition"
#define KAFKA_OFFSET_KEY "kafka_offset"

/* ---- parsing ------------------------------------------------------------------- */

void connector_offsets_req_clear(connector_offsets_req_t *req)
{
    for (size_t i = 0; i < req->count; i++) {
        sluice_value_destroy(req->partitions[i]);
        sluice_value_destroy(req->offsets[i]);
    }
    free(req->partitions);
    free(req->offsets);
    memset(req, 0, sizeof *req);
}

/* Java's String.valueOf of a JSON value, for messages: a string as it is,
 * anything else as its JSON text. Returns a malloc()ed string. */
static char *json_text(const json_t *v)
{
    if (json_is_string(v))
        return mem_strdup(json_string_value(v));
    char *text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    return text ? text : mem_strdup("null");
}

/* Kafka's Long.parseLong(String.valueOf(v)): a JSON integer, or a string
 * holding a decimal integer ("10" and 10 are both accepted). */
static bool json_parse_long(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    if (!*s || (!(*s >= '0' && *s <= '9') && *s != '-' && *s != '+'))
        return false;
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return false;
    *out = n;
    return true;
}

/* Kafka's OffsetUtils.validateFormat on a JSON object: values must be
 * primitive (or null). */
static bool source_map_valid(const json_t *obj, size_t item, char *errstr, size_t errstr_size)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (json_is_object(v) || json_is_array(v)) {
            snprintf(errstr, errstr_size,
                     "offsets[%zu]: Offsets may only contain primitive types as values, but field "
                     "%s contains %s",
                     item, key, json_is_object(v) ? "MAP" : "ARRAY");
            return false;
        }
    }
    return true;
}

/* A JSON object as the offset store reads it back (Kafka normalises the
 * same way, through its JsonConverter). */
static sluice_value_t *source_map_value(const json_t *obj, size_t item, char *errstr,
                                        size_t errstr_size)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    char why[512];
    sluice_value_t *v = offset_store_value_decode(text, strlen(text), why, sizeof why);
    free(text);
    if (!v)
        snprintf(errstr, errstr_size, "offsets[%zu]: %s", item, why);
    return v;
}

static int parse_source_item(const json_t *partition, const json_t *offset, size_t i,
                             connector_offsets_req_t *req, char *errstr, size_t errstr_size)
{
    if (!json_is_object(partition)) {
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: The partition for a source connector offset must be a JSON object",
                 i);
        return -1;
    }
    if (!source_map_valid(partition, i, errstr, errstr_size) ||
        (offset && !source_map_valid(offset, i, errstr, errstr_size)))
        return -1;
    req->partitions[i] = source_map_value(partition, i, errstr, errstr_size);
    if (!req->partitions[i])
        return -1;
    if (offset) {
        req->offsets[i] = source_map_value(offset, i, errstr, errstr_size);
        if (!req->offsets[i])
            return -1;
    }
    return 0;
}

/* Kafka's SinkUtils.parseSinkConnectorOffsets for one item, plus the
 * checks Kafka leaves to the broker (non-negative partitions and offsets). */
static int parse_sink_item(const json_t *partition, const json_t *offset, size_t i,
                           connector_offsets_req_t *req, char *errstr, size_t errstr_size)
{
    if (!json_is_object(partition)) {
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: The partition for a sink connector offset cannot be null or "
                 "missing",
                 i);
        return -1;
    }
    json_t *topic = json_object_get(partition, KAFKA_TOPIC_KEY);
    json_t *part = json_object_get(partition, KAFKA_PARTITION_KEY);
    if (!topic || !part) {
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: The partition for a sink connector offset must contain the keys "
                 "'" KAFKA_TOPIC_KEY "' and '" KAFKA_PARTITION_KEY "'",
                 i);
        return -1;
    }
    if (!json_is_string(topic) || !json_string_length(topic)) {
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: Kafka topic names must be valid strings and may not be null", i);
        return -1;
    }
    if (json_is_null(part)) {
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: Kafka partitions must be valid numbers and may not be null", i);
        return -1;
    }
    int64_t p;
    if (!json_parse_long(part, &p) || p > INT32_MAX || p < INT32_MIN) {
        char *text = json_text(part);
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: Failed to parse the following Kafka partition value in the "
                 "provided offsets: '%s'. Partition values for sink connectors need to be "
                 "integers.",
                 i, text);
        free(text);
        return -1;
    }
    if (p < 0) {
        snprintf(errstr, errstr_size,
                 "offsets[%zu]: Kafka partitions must be non-negative, not %" PRId64, i, p);
        return -1;
    }
    int64_t o = 0;
    if (offset) {
        json_t *ov = json_object_get(offset, KAFKA_OFFSET_KEY);
        if (!ov) {
            snprintf(errstr, errstr_size,
                     "offsets[%zu]: The offset for a sink connector should either be null or "
                     "contain the key '" KAFKA_OFFSET_KEY "'",
                     i);
            return -1;
        }
        if (!json_parse_long(ov, &o)) {
            char *text = json_text(ov);
            snprintf(errstr, errstr_size,
                     "offsets[%zu]: Failed to parse the following Kafka offset value in the "
                     "provided offsets: '%s'. Offset values for sink connectors need to be "
                     "integers.",
                     i, text);
            free(text);
            return -1;
        }
        if (o < 0) {
            snprintf(errstr, errstr_size,
                     "offsets[%zu]: Kafka offsets must be non-negative, not %" PRId64, i, o);
            return -1;
        }
    }
    req->partitions[i] = sluice_value_map_new_sized(2);
    sluice_value_map_put_str(req->partitions[i], KAFKA_TOPIC_KEY,
                             sluice_value_cstring(json_string_value(topic)));
    sluice_value_map_put_str(req->partitions[i], KAFKA_PARTITION_KEY,
                             sluice_value_int32((int32_t)p));
    if (offset) {
        req->offsets[i] = sluice_value_map_new_sized(1);
        sluice_value_map_put_str(req->offsets[i], KAFKA_OFFSET_KEY, sluice_value_int64(o));
    }
    return 0;
}

int connector_offsets_parse(const json_t *items, bool sink, connector_offsets_req_t *req,
                            char *errstr, size_t errstr_size)
{
    memset(req, 0, sizeof *req);
    if (!json_is_array(items) || json_array_size(items) == 0) {
        snprintf(errstr, errstr_size,
                 "Partitions / offsets need to be provided for an alter offsets request");
        return -1;
    }
    size_t n = json_array_size(items);
    req->partitions = mem_calloc(n, sizeof *req->partitions);
    req->offsets = mem_calloc(n, sizeof *req->offsets);
    req->count = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(items, i);
        if (!json_is_object(item)) {
            snprintf(errstr, errstr_size,
                     "offsets[%zu]: must be an object with \"partition\" and \"offset\"", i);
            goto fail;
        }
        const json_t *partition = json_object_get(item, "partition");
        const json_t *offset = json_object_get(item, "offset");
        if (json_is_null(offset))
            offset = NULL;
        if (offset && !json_is_object(offset)) {
            snprintf(errstr, errstr_size, "offsets[%zu]: The offset must be a JSON object or null",
                     i);
            goto fail;
        }
        if ((sink ? parse_sink_item : parse_source_item)(partition, offset, i, req, errstr,
                                                         errstr_size))
            goto fail;
    }
    return 0;

fail:
    connector_offsets_req_clear(req);
    return -1;
}

/* ---- sources ------------------------------------------------------------------- */

static json_t *offsets_item(json_t *partition, json_t *offset)
{
    json_t *item = json_object();
    json_object_set_new(item, "partition", partition);
    json_object_set_new(item, "offset", offset ? offset : json_null());
    return item;
}

/* The JSON object for a MAP the store holds (it wrote it, so it encodes). */
static json_t *source_map_json(const sluice_value_t *map)
{
    char why[256];
    size_t len;
    char *text = offset_store_value_encode(map, &len, why, sizeof why);
    if (!text)
        return NULL;
    json_t *obj = json_loadb(text, len, 0, NULL);
    free(text);
    return obj;
}

json_t *connector_offsets_source_get(offset_store_t *store, const char *connector)
{
    json_t *list = json_array();
    offset_store_entry_t *entries = NULL;
    size_t n = offset_store_list(store, connector, &entries);
    for (size_t i = 0; i < n; i++) {
        json_t *partition = source_map_json(entries[i].partition);
        json_t *offset = entries[i].offset ? source_map_json(entries[i].offset) : NULL;
        if (!partition || (entries[i].offset && !offset)) {
            log_warn(connector, OFFSETS_LOGGER, "Skipping a stored offset JSON cannot show");
            json_decref(partition);
            json_decref(offset);
            continue;
        }
        json_array_append_new(list, offsets_item(partition, offset));
    }
    offset_store_entries_free(entries, n);
    json_t *out = json_object();
    json_object_set_new(out, "offsets", list);
    return out;
}

int connector_offsets_source_apply(offset_store_t *store, const char *connector,
                                   const connector_offsets_req_t *req, char *errstr,
                                   size_t errstr_size)
{
    char why[1024];
    if (!req) {
        size_t n = offset_store_remove_connector(store, connector);
        if (!n)
            log_info(connector, OFFSETS_LOGGER,
                     "No offsets found for source connector %s - this can occur due to a prior "
                     "attempt to reset offsets or if the source connector hasn't committed any "
                     "offsets yet",
                     connector);
    } else {
        offset_store_entry_t *entries = mem_calloc(req->count, sizeof *entries);
        for (size_t i = 0; i < req->count; i++)
            entries[i] = (offset_store_entry_t){req->partitions[i], req->offsets[i]};
        int rc = offset_store_put(store, connector, entries, req->count, why, sizeof why);
        free(entries); /* the values stay req's */
        if (rc) {
            snprintf(errstr, errstr_size, "Failed to modify offsets for source connector %s: %s",
                     connector, why);
            return -1;
        }
    }
    if (offset_store_flush(store, why, sizeof why)) {
        snprintf(errstr, errstr_size, "Failed to modify offsets for source connector %s: %s",
                 connector, why);
        return -1;
    }
    return 0;
}

/* ---- sinks --------------------------------------------------------------------- */

/* Kafka's text for an alter or reset refused because the group still has
 * members. */
static void sink_zombie_message(char *errstr, size_t errstr_size, const char *what,
                                const char *connector)
{
    snprintf(errstr, errstr_size,
             "Failed to %s consumer group offsets for connector %s either because its tasks "
             "haven't stopped completely yet or the connector was resumed before the request to "
             "%s its offsets could be successfully completed. If the connector is in a stopped "
             "state, this operation can be safely retried. If it doesn't eventually succeed, the "
             "Connect cluster may need to be restarted to get rid of the zombie sink tasks.",
             what, connector, what);
}

typedef struct sink_admin {
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue;
    char group[512];
} sink_admin_t;

static int sink_admin_open(sink_admin_t *admin, const worker_config_t *wc,
                           const sluice_strmap_t *props, const char *connector, char *errstr,
                           size_t errstr_size)
{
    memset(admin, 0, sizeof *admin);
    /* The group the sink's tasks use (sink_task.c forces it). */
    snprintf(admin->group, sizeof admin->group, "connect-%s", connector);
    char client_id[512];
    snprintf(client_id, sizeof client_id, "connector-worker-adminclient-%s", connector);
    const char *forced[] = {"client.id", client_id, NULL};
    rd_kafka_conf_t *conf =
        client_config_build(wc, props, CLIENT_ADMIN, forced, connector, errstr, errstr_size);
    if (!conf)
        return -1;
    admin->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (!admin->rk) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    admin->queue = rd_kafka_queue_new(admin->rk);
    return 0;
}

static void sink_admin_close(sink_admin_t *admin)
{
    if (admin->queue)
        rd_kafka_queue_destroy(admin->queue);
    if (admin->rk)
        rd_kafka_destroy(admin->rk);
    memset(admin, 0, sizeof *admin);
}

/* The one group result of ev, with its error code (NO_ERROR when none)
 * and message in why. */
static const rd_kafka_group_result_t *sink_group_result(const rd_kafka_group_result_t **res,
                                                        size_t n, rd_kafka_resp_err_t *err,
                                                        char *why, size_t why_size)
{
    if (n != 1) {
        *err = RD_KAFKA_RESP_ERR__FAIL;
        snprintf(why, why_size, "the broker returned %zu group results", n);
        return NULL;
    }
    const rd_kafka_error_t *error = rd_kafka_group_result_error(res[0]);
    *err = error ? rd_kafka_error_code(error) : RD_KAFKA_RESP_ERR_NO_ERROR;
    if (error)
        snprintf(why, why_size, "%s", rd_kafka_error_string(error));
    return res[0];
}

/* The first partition error of list (NO_ERROR when none), described in why. */
static rd_kafka_resp_err_t sink_partition_error(const rd_kafka_topic_partition_list_t *list,
                                                char *why, size_t why_size)
{
    for (int i = 0; list && i < list->cnt; i++)
        if (list->elems[i].err) {
            snprintf(why, why_size, "%s-%" PRId32 ": %s", list->elems[i].topic,
                     list->elems[i].partition, rd_kafka_err2str(list->elems[i].err));
            return list->elems[i].err;
        }
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static int tp_cmp(const void *a, const void *b)
{
    const rd_kafka_topic_partition_t *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

json_t *connector_offsets_sink_get(const worker_config_t *wc, const sluice_strmap_t *props,
                                   const char *connector, char *errstr, size_t errstr_size)
{
    char why[1024] = "";
    sink_admin_t admin;
    if (sink_admin_open(&admin, wc, props, connector, why, sizeof why)) {
        snprintf(errstr, errstr_size,
                 "Failed to retrieve consumer group offsets for sink connector %s: %s", connector,
                 why);
        return NULL;
    }
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(admin.group, NULL);
    rd_kafka_AdminOptions_t *options = cli_kafka_admin_options(
        admin.rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, CONNECTOR_OFFSETS_TIMEOUT_MS);
    rd_kafka_ListConsumerGroupOffsets(admin.rk, &req, 1, options, admin.queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    rd_kafka_event_t *ev =
        cli_kafka_admin_wait(admin.queue, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
                             CONNECTOR_OFFSETS_TIMEOUT_MS, why, sizeof why);
    json_t *out = NULL;
    if (ev) {
        size_t n;
        const rd_kafka_group_result_t **res = rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
        rd_kafka_resp_err_t err;
        const rd_kafka_group_result_t *gr = sink_group_result(res, n, &err, why, sizeof why);
        const rd_kafka_topic_partition_list_t *parts =
            gr ? rd_kafka_group_result_partitions(gr) : NULL;
        if (err == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
            err = RD_KAFKA_RESP_ERR_NO_ERROR; /* never committed: no offsets */
            parts = NULL;
        }
        if (!err) {
            /* Sorted, so the answer does not depend on the broker's order. */
            rd_kafka_topic_partition_list_t *sorted =
                rd_kafka_topic_partition_list_new(parts ? parts->cnt : 0);
            for (int i = 0; parts && i < parts->cnt; i++)
                if (!parts->elems[i].err && parts->elems[i].offset >= 0)
                    rd_kafka_topic_partition_list_add(sorted, parts->elems[i].topic,
                                                      parts->elems[i].partition)
                        ->offset = parts->elems[i].offset;
            if (sorted->cnt > 1)
                qsort(sorted->elems, (size_t)sorted->cnt, sizeof *sorted->elems, tp_cmp);
            json_t *list = json_array();
            for (int i = 0; i < sorted->cnt; i++) {
                json_t *partition = json_object();
                json_object_set_new(partition, KAFKA_TOPIC_KEY,
                                    json_string(sorted->elems[i].topic));
                json_object_set_new(partition, KAFKA_PARTITION_KEY,
                                    json_integer(sorted->elems[i].partition));
                json_t *offset = json_object();
                json_object_set_new(offset, KAFKA_OFFSET_KEY,
                                    json_integer(sorted->elems[i].offset));
                json_array_append_new(list, offsets_item(partition, offset));
            }
            rd_kafka_topic_partition_list_destroy(sorted);
            out = json_object();
            json_object_set_new(out, "offsets", list);
        }
        rd_kafka_event_destroy(ev);
    }
    sink_admin_close(&admin);
    if (!out)
        snprintf(errstr, errstr_size,
                 "Failed to retrieve consumer group offsets for sink connector %s: %s", connector,
                 why);
    return out;
}

/* Commits the given offsets for the group (AlterConsumerGroupOffsets). */
static int sink_alter(sink_admin_t *admin, const char *connector,
                      const rd_kafka_topic_partition_list_t *list, char *errstr, size_t errstr_size)
{
    char why[1024] = "";
    rd_kafka_AlterConsumerGroupOffsets_t *req =
        rd_kafka_AlterConsumerGroupOffsets_new(admin->group, list);
    rd_kafka_AdminOptions_t *options = cli_kafka_admin_options(
        admin->rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, CONNECTOR_OFFSETS_TIMEOUT_MS);
    rd_kafka_AlterConsumerGroupOffsets(admin->rk, &req, 1, options, admin->queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    rd_kafka_event_t *ev =
        cli_kafka_admin_wait(admin->queue, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
                             CONNECTOR_OFFSETS_TIMEOUT_MS, why, sizeof why);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__FAIL;
    if (ev) {
        size_t n;
        const rd_kafka_group_result_t **res = rd_kafka_AlterConsumerGroupOffsets_result_groups(
            rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &n);
        const rd_kafka_group_result_t *gr = sink_group_result(res, n, &err, why, sizeof why);
        if (!err && gr)
            err = sink_partition_error(rd_kafka_group_result_partitions(gr), why, sizeof why);
        rd_kafka_event_destroy(ev);
    }
    if (!err)
        return 0;
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
        err == RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC)
        sink_zombie_message(errstr, errstr_size, "alter", connector);
    else
        snprintf(errstr, errstr_size, "Failed to alter consumer group offsets for connector %s: %s",
                 connector, why);
    return -1;
}

/* Deletes the group's offsets for the given partitions
 * (DeleteConsumerGroupOffsets); a group that does not exist has none. */
static int sink_delete_offsets(sink_admin_t *admin, const char *connector,
                               const rd_kafka_topic_partition_list_t *list, char *errstr,
                               size_t errstr_size)
{
    char why[1024] = "";
    rd_kafka_DeleteConsumerGroupOffsets_t *req =
        rd_kafka_DeleteConsumerGroupOffsets_new(admin->group, list);
    rd_kafka_AdminOptions_t *options = cli_kafka_admin_options(
        admin->rk, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, CONNECTOR_OFFSETS_TIMEOUT_MS);
    rd_kafka_DeleteConsumerGroupOffsets(admin->rk, &req, 1, options, admin->queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
    rd_kafka_event_t *ev =
        cli_kafka_admin_wait(admin->queue, RD_KAFKA_EVENT_DELETECONSUMERGROUPOFFSETS_RESULT,
                             CONNECTOR_OFFSETS_TIMEOUT_MS, why, sizeof why);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__FAIL;
    if (ev) {
        size_t n;
        const rd_kafka_group_result_t **res = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
            rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &n);
        const rd_kafka_group_result_t *gr = sink_group_result(res, n, &err, why, sizeof why);
        if (!err && gr)
            err = sink_partition_error(rd_kafka_group_result_partitions(gr), why, sizeof why);
        rd_kafka_event_destroy(ev);
    }
    if (!err || err == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND)
        return 0;
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
        err == RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC)
        sink_zombie_message(errstr, errstr_size, "alter", connector);
    else
        snprintf(errstr, errstr_size, "Failed to alter consumer group offsets for connector %s: %s",
                 connector, why);
    return -1;
}

/* Deletes the group (DeleteGroups); one that does not exist is reset already. */
static int sink_reset(sink_admin_t *admin, const char *connector, char *errstr, size_t errstr_size)
{
    char why[1024] = "";
    rd_kafka_DeleteGroup_t *group = rd_kafka_DeleteGroup_new(admin->group);
    rd_kafka_AdminOptions_t *options = cli_kafka_admin_options(
        admin->rk, RD_KAFKA_ADMIN_OP_DELETEGROUPS, CONNECTOR_OFFSETS_TIMEOUT_MS);
    rd_kafka_DeleteGroups(admin->rk, &group, 1, options, admin->queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_DeleteGroup_destroy(group);
    rd_kafka_event_t *ev = cli_kafka_admin_wait(admin->queue, RD_KAFKA_EVENT_DELETEGROUPS_RESULT,
                                                CONNECTOR_OFFSETS_TIMEOUT_MS, why, sizeof why);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__FAIL;
    if (ev) {
        size_t n;
        const rd_kafka_group_result_t **res =
            rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &n);
        sink_group_result(res, n, &err, why, sizeof why);
        rd_kafka_event_destroy(ev);
    }
    if (!err || err == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND)
        return 0;
    if (err == RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP)
        sink_zombie_message(errstr, errstr_size, "reset", connector);
    else
        snprintf(errstr, errstr_size,
                 "Failed to reset consumer group offsets for sink connector %s: %s", connector,
                 why);
    return -1;
}

/* Adds (or updates: the last item for a partition wins, as in Kafka's map)
 * topic-partition to list. */
static void tp_set(rd_kafka_topic_partition_list_t *list, const char *topic, int32_t partition,
                   int64_t offset)
{
    rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(list, topic, partition);
    if (!tp)
        tp = rd_kafka_topic_partition_list_add(list, topic, partition);
    tp->offset = offset;
}

int connector_offsets_sink_apply(const worker_config_t *wc, const sluice_strmap_t *props,
                                 const char *connector, const connector_offsets_req_t *req,
                                 char *errstr, size_t errstr_size)
{
    char why[1024] = "";
    sink_admin_t admin;
    if (sink_admin_open(&admin, wc, props, connector, why, sizeof why)) {
        snprintf(errstr, errstr_size, "Failed to modify offsets for sink connector %s: %s",
                 connector, why);
        return -1;
    }
    int rc = 0;
    if (!req) {
        rc = sink_reset(&admin, connector, errstr, errstr_size);
    } else {
        rd_kafka_topic_partition_list_t *alter = rd_kafka_topic_partition_list_new(0);
        rd_kafka_topic_partition_list_t *remove = rd_kafka_topic_partition_list_new(0);
        for (size_t i = 0; i < req->count; i++) {
            const char *topic = sluice_value_get_string(
                sluice_value_map_get_str(req->partitions[i], KAFKA_TOPIC_KEY), NULL);
            int32_t partition = sluice_value_get_int32(
                sluice_value_map_get_str(req->partitions[i], KAFKA_PARTITION_KEY));
            if (req->offsets[i]) {
                rd_kafka_topic_partition_list_del(remove, topic, partition);
                tp_set(alter, topic, partition,
                       sluice_value_get_int64(
                           sluice_value_map_get_str(req->offsets[i], KAFKA_OFFSET_KEY)));
            } else {
                rd_kafka_topic_partition_list_del(alter, topic, partition);
                tp_set(remove, topic, partition, RD_KAFKA_OFFSET_INVALID);
            }
        }
        if (alter->cnt)
            rc = sink_alter(&admin, connector, alter, errstr, errstr_size);
        if (rc == 0 && remove->cnt)
            rc = sink_delete_offsets(&admin, connector, remove, errstr, errstr_size);
        rd_kafka_topic_partition_list_destroy(alter);
        rd_kafka_topic_partition_list_destroy(remove);
    }
    sink_admin_close(&admin);
    return rc;
}
