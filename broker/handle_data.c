/*
 * Request handlers for the data path: Produce (validate, deduplicate,
 * append) and Fetch (zero-copy reads, long polls). Network thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fetch.h"
#include "api_produce.h"
#include "broker_internal.h"
#include "log.h"
#include "log_cleaner.h"
#include "mem.h"
#include "producer_state.h"
#include "record_batch.h"

kafka_error_t broker_append_partition(broker_t *b, const char *topic, int32_t partition,
                                      uint8_t *data, size_t len, int64_t now_ms,
                                      int64_t *base_offset, int64_t *log_start_offset, char *err,
                                      size_t err_size)
{
    *base_offset = -1;
    *log_start_offset = -1;
    if (err_size)
        err[0] = '\0';
    broker_topic_t *t = broker_topics_find(b->topics, topic);
    if (!t || partition < 0 || partition >= t->partition_count) {
        if (t)
            snprintf(err, err_size, "topic %s has no partition %d (it has %d)", topic, partition,
                     t->partition_count);
        else
            snprintf(err, err_size, "there is no topic %s", topic);
        return KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
    }
    broker_log_t *log = t->logs[partition];
    *log_start_offset = broker_log_start_offset(log);
    int nbatches = 0;
    kafka_error_t ec =
        data ? broker_batch_count(data, len, &nbatches, err, err_size) : KAFKA_ERR_INVALID_RECORD;
    if (ec == KAFKA_ERR_NONE && nbatches != 1) {
        ec = KAFKA_ERR_INVALID_RECORD;
        snprintf(err, err_size,
                 "a produce request must carry exactly one record batch per "
                 "partition, not %d",
                 nbatches);
    }
    broker_batch_header_t hdr;
    if (ec == KAFKA_ERR_NONE)
        ec = broker_batch_validate(data, len, t->conf.max_message_bytes, &hdr, err, err_size);
    if (ec == KAFKA_ERR_NONE && hdr.producer_id >= 0) {
        int64_t dup = -1;
        ec = broker_producers_check(b->producers, topic, partition, hdr.producer_id,
                                    hdr.producer_epoch, hdr.base_sequence, hdr.records_count, &dup);
        if (ec == KAFKA_ERR_DUPLICATE_SEQUENCE_NUMBER) {
            /* A retry of a batch we have: success with the original offset. */
            *base_offset = dup;
            return KAFKA_ERR_NONE;
        }
        if (ec != KAFKA_ERR_NONE)
            snprintf(err, err_size, "producer %lld epoch %d sequence %d",
                     (long long)hdr.producer_id, hdr.producer_epoch, hdr.base_sequence);
    }
    if (ec != KAFKA_ERR_NONE)
        return ec;
    broker_log_append_result_t res;
    ec = broker_log_append(log, data, len, now_ms, &res);
    if (ec != KAFKA_ERR_NONE) {
        snprintf(err, err_size, "the log refused the batch");
        return ec;
    }
    *base_offset = res.base_offset;
    *log_start_offset = res.log_start_offset;
    if (hdr.producer_id >= 0)
        broker_producers_record(b->producers, topic, partition, hdr.producer_id, hdr.producer_epoch,
                                hdr.base_sequence, hdr.records_count, res.base_offset);
    /* flush.messages=1 and the like: durability before the ack. */
    if (t->conf.flush_messages != INT64_MAX && broker_cleaner_flush_due(log, now_ms))
        broker_log_flush(log, now_ms);
    broker_fetch_notify(b, topic, partition);
    return KAFKA_ERR_NONE;
}

/* Appends one partition's records; fills the partition's response. */
static void produce_partition(broker_t *b, const char *topic, broker_produce_partition_data_t *pd,
                              broker_produce_partition_response_t *pr, int64_t now_ms)
{
    pr->index = pd->index;
    pr->log_append_time_ms = -1;
    char err[256];
    /* The frame belongs to the request, so the batch may be rewritten in place. */
    kafka_error_t ec = broker_append_partition(
        b, topic, pd->index, (uint8_t *)pd->records.bytes.data, pd->records.bytes.len, now_ms,
        &pr->base_offset, &pr->log_start_offset, err, sizeof err);
    pr->error_code = (int16_t)ec;
    if (ec != KAFKA_ERR_NONE)
        log_debug(NULL, "broker", "Produce to %s-%d refused with %s: %s", topic, pd->index,
                  kafka_error_name((int16_t)ec), err);
}

void broker_handle_produce(broker_t *b, broker_request_t *req)
{
    broker_produce_request_t preq;
    if (broker_request_decode(req, &broker_produce_request_message, &preq) < 0)
        return;
    int64_t now_ms = broker_now_ms();
    broker_produce_response_t resp = {0};
    bool any_error = false;
    int16_t acks = preq.acks;
    BROKER_ARRAY_ALLOC(resp.responses, preq.topic_data.count > 0 ? preq.topic_data.count : 0);
    for (int32_t i = 0; i < resp.responses.count; i++) {
        broker_produce_topic_data_t *td = &preq.topic_data.items[i];
        broker_produce_topic_response_t *tr = &resp.responses.items[i];
        tr->name = td->name;
        char topic[256];
        broker_proto_str_copy(topic, sizeof topic, td->name);
        BROKER_ARRAY_ALLOC(tr->partition_responses,
                           td->partition_data.count > 0 ? td->partition_data.count : 0);
        for (int32_t j = 0; j < tr->partition_responses.count; j++) {
            broker_produce_partition_response_t *pr = &tr->partition_responses.items[j];
            if (acks != 0 && acks != 1 && acks != -1) {
                pr->index = td->partition_data.items[j].index;
                pr->error_code = KAFKA_ERR_INVALID_REQUIRED_ACKS;
                pr->base_offset = -1;
                pr->log_append_time_ms = -1;
                pr->log_start_offset = -1;
            } else if (preq.transactional_id.data) {
                pr->index = td->partition_data.items[j].index;
                pr->error_code = KAFKA_ERR_INVALID_REQUEST; /* no transactions here */
                pr->base_offset = -1;
                pr->log_append_time_ms = -1;
                pr->log_start_offset = -1;
            } else {
                produce_partition(b, topic, &td->partition_data.items[j], pr, now_ms);
            }
            if (pr->error_code != KAFKA_ERR_NONE)
                any_error = true;
        }
    }
    if (acks == 0) {
        /* No response at all; on an error Kafka closes the connection so the
         * producer notices. */
        broker_proto_free(&broker_produce_response_message, &resp);
        broker_proto_free(&broker_produce_request_message, &preq);
        if (any_error)
            broker_request_fail(req, "an acks=0 produce failed");
        else
            broker_request_done(req);
        return;
    }
    broker_request_reply(req, &broker_produce_response_message, &resp);
    broker_proto_free(&broker_produce_response_message, &resp);
    broker_proto_free(&broker_produce_request_message, &preq);
}

/* ---- Fetch --------------------------------------------------------------- */

struct broker_fetch_waiter {
    broker_fetch_waiter_t *next;
    broker_t *broker;
    broker_request_t *req;
    broker_fetch_request_t freq;
    uint64_t timer;
};

/* The storage reads one response holds until its bytes are sent. */
typedef struct fetch_reads {
    broker_log_read_t *reads;
    size_t count;
    broker_proto_file_range_t *ranges;
} fetch_reads_t;

static void fetch_reads_release(void *arg)
{
    fetch_reads_t *fr = arg;
    for (size_t i = 0; i < fr->count; i++)
        broker_log_read_release(&fr->reads[i]);
    free(fr->reads);
    free(fr->ranges);
    free(fr);
}

/*
 * Reads every requested partition into resp (allocated) and fr. Returns the
 * bytes found; *errors is set when a partition has an error.
 */
static int64_t fetch_read_all(broker_t *b, const broker_fetch_request_t *freq,
                              broker_fetch_response_t *resp, fetch_reads_t *fr, bool *errors)
{
    size_t nparts = 0;
    for (int32_t i = 0; i < freq->topics.count; i++)
        nparts += (size_t)(freq->topics.items[i].partitions.count > 0
                               ? freq->topics.items[i].partitions.count
                               : 0);
    fr->reads = mem_calloc(nparts ? nparts : 1, sizeof(*fr->reads));
    fr->ranges = mem_calloc(nparts ? nparts * BROKER_LOG_READ_MAX_SLICES : 1, sizeof(*fr->ranges));
    fr->count = 0;
    size_t nranges = 0;
    int64_t total = 0;
    int64_t budget = freq->max_bytes > 0 ? freq->max_bytes : INT32_MAX;
    *errors = false;
    memset(resp, 0, sizeof(*resp));
    BROKER_ARRAY_ALLOC(resp->responses, freq->topics.count > 0 ? freq->topics.count : 0);
    for (int32_t i = 0; i < resp->responses.count; i++) {
        const broker_fetch_topic_t *ft = &freq->topics.items[i];
        broker_fetch_topic_response_t *rt = &resp->responses.items[i];
        rt->topic = ft->topic;
        char topic[256];
        broker_proto_str_copy(topic, sizeof topic, ft->topic);
        BROKER_ARRAY_ALLOC(rt->partitions, ft->partitions.count > 0 ? ft->partitions.count : 0);
        for (int32_t j = 0; j < rt->partitions.count; j++) {
            const broker_fetch_partition_t *fp = &ft->partitions.items[j];
            broker_fetch_partition_data_t *pd = &rt->partitions.items[j];
            pd->partition_index = fp->partition;
            pd->high_watermark = -1;
            pd->last_stable_offset = -1;
            pd->log_start_offset = -1;
            pd->preferred_read_replica = -1;
            BROKER_ARRAY_ALLOC(pd->aborted_transactions, 0);
            broker_log_t *log = broker_topics_log(b->topics, topic, fp->partition);
            if (!log) {
                pd->error_code = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
                *errors = true;
                continue;
            }
            broker_log_read_t *rd = &fr->reads[fr->count++];
            int64_t max = fp->partition_max_bytes;
            if (max > budget)
                max = budget;
            /* Kafka's minOneMessage: the first partition with data always
             * gets a whole batch, so a consumer can make progress. */
            kafka_error_t ec = broker_log_read(log, fp->fetch_offset, max, total == 0, rd);
            pd->error_code = (int16_t)ec;
            pd->high_watermark = rd->high_watermark;
            pd->last_stable_offset = rd->high_watermark;
            pd->log_start_offset = rd->log_start_offset;
            if (ec != KAFKA_ERR_NONE) {
                *errors = true;
                continue;
            }
            pd->records.ranges = &fr->ranges[nranges];
            pd->records.range_count = (size_t)rd->nslices;
            for (int s = 0; s < rd->nslices; s++)
                fr->ranges[nranges++] =
                    (broker_proto_file_range_t){.fd = rd->slices[s].fd,
                                                .pos = rd->slices[s].position,
                                                .len = (size_t)rd->slices[s].length};
            total += rd->bytes;
            budget -= rd->bytes;
            if (budget < 0)
                budget = 0;
        }
    }
    return total;
}

/* Answers req from a read already made (resp and fr are taken). */
static void fetch_send(broker_request_t *req, broker_fetch_request_t *freq,
                       broker_fetch_response_t *resp, fetch_reads_t *fr)
{
    size_t frame;
    sluice_buf_t *buf = broker_response_begin(req, &frame);
    broker_proto_splices_t splices = {0};
    broker_fetch_response_encode(buf, &splices, req->hdr.request_api_version, resp);
    broker_proto_free(&broker_fetch_response_message, resp);
    broker_proto_free(&broker_fetch_request_message, freq);
    broker_request_respond(req, buf, frame, &splices, fetch_reads_release, fr);
}

/* Drops a read that will not be sent. */
static void fetch_discard(broker_fetch_response_t *resp, fetch_reads_t *fr)
{
    broker_proto_free(&broker_fetch_response_message, resp);
    fetch_reads_release(fr);
}

/* Whether a read answers the fetch now: an error, or min_bytes reached. */
static bool fetch_ready(const broker_fetch_request_t *freq, int64_t total, bool errors)
{
    return errors || total >= (freq->min_bytes > 0 ? freq->min_bytes : 1);
}

static void fetch_respond(broker_t *b, broker_request_t *req, broker_fetch_request_t *freq)
{
    broker_fetch_response_t resp;
    fetch_reads_t *fr = mem_calloc(1, sizeof(*fr));
    bool errors;
    fetch_read_all(b, freq, &resp, fr, &errors);
    fetch_send(req, freq, &resp, fr);
}

static void waiter_unlink(broker_t *b, broker_fetch_waiter_t *w)
{
    for (broker_fetch_waiter_t **pp = &b->fetch_waiters; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            return;
        }
    }
}

/* Unparks a waiter: returns its request and decoded fetch, frees the rest. */
static broker_request_t *waiter_detach(broker_fetch_waiter_t *w, broker_fetch_request_t *freq)
{
    broker_t *b = w->broker;
    waiter_unlink(b, w);
    broker_loop_del_timer(b->loop, w->timer);
    broker_request_t *req = w->req;
    req->cancel = NULL;
    req->handler_state = NULL;
    *freq = w->freq;
    free(w);
    return req;
}

/* Answers a waiter with what there is now (its timeout, or shutdown). */
static void waiter_complete(broker_fetch_waiter_t *w)
{
    broker_t *b = w->broker;
    broker_fetch_request_t freq;
    broker_request_t *req = waiter_detach(w, &freq);
    fetch_respond(b, req, &freq);
}

static int64_t waiter_timeout(broker_loop_t *loop, void *arg)
{
    (void)loop;
    broker_fetch_waiter_t *w = arg;
    w->timer = 0; /* this timer ends now */
    waiter_complete(w);
    return -1;
}

static void waiter_cancel(broker_request_t *req)
{
    broker_fetch_waiter_t *w = req->handler_state;
    broker_t *b = w->broker;
    waiter_unlink(b, w);
    broker_loop_del_timer(b->loop, w->timer);
    broker_proto_free(&broker_fetch_request_message, &w->freq);
    free(w);
    broker_request_free(req);
}

static bool waiter_wants(const broker_fetch_waiter_t *w, const char *topic, int32_t partition)
{
    for (int32_t i = 0; i < w->freq.topics.count; i++) {
        const broker_fetch_topic_t *t = &w->freq.topics.items[i];
        if (!broker_proto_str_eq(t->topic, topic))
            continue;
        for (int32_t j = 0; j < t->partitions.count; j++)
            if (t->partitions.items[j].partition == partition)
                return true;
    }
    return false;
}

void broker_fetch_notify(broker_t *b, const char *topic, int32_t partition)
{
    broker_fetch_waiter_t *w = b->fetch_waiters;
    while (w) {
        broker_fetch_waiter_t *next = w->next;
        if (waiter_wants(w, topic, partition)) {
            broker_fetch_response_t resp;
            fetch_reads_t *fr = mem_calloc(1, sizeof(*fr));
            bool errors;
            int64_t total = fetch_read_all(b, &w->freq, &resp, fr, &errors);
            if (fetch_ready(&w->freq, total, errors)) {
                broker_fetch_request_t freq;
                broker_request_t *req = waiter_detach(w, &freq);
                fetch_send(req, &freq, &resp, fr); /* answered with this very read */
                next = b->fetch_waiters;           /* the list may have changed under us */
            } else {
                fetch_discard(&resp, fr);
            }
        }
        w = next;
    }
}

void broker_fetch_cancel_all(broker_t *b)
{
    while (b->fetch_waiters) {
        broker_fetch_waiter_t *w = b->fetch_waiters;
        broker_request_t *req = w->req;
        if (req->conn)
            waiter_complete(w); /* answer with what there is */
        else
            waiter_cancel(req);
    }
}

void broker_handle_fetch(broker_t *b, broker_request_t *req)
{
    broker_fetch_request_t freq;
    if (broker_request_decode(req, &broker_fetch_request_message, &freq) < 0)
        return;
    broker_fetch_response_t resp;
    fetch_reads_t *fr = mem_calloc(1, sizeof(*fr));
    bool errors;
    int64_t total = fetch_read_all(b, &freq, &resp, fr, &errors);
    if (freq.max_wait_ms <= 0 || freq.topics.count <= 0 || fetch_ready(&freq, total, errors)) {
        fetch_send(req, &freq, &resp, fr);
        return;
    }
    fetch_discard(&resp, fr); /* not enough yet: park until an append or max_wait_ms */
    broker_fetch_waiter_t *w = mem_calloc(1, sizeof(*w));
    w->broker = b;
    w->req = req;
    w->freq = freq;
    w->next = b->fetch_waiters;
    b->fetch_waiters = w;
    req->handler_state = w;
    req->cancel = waiter_cancel;
    w->timer = broker_loop_add_timer(b->loop, freq.max_wait_ms, waiter_timeout, w);
}
