#include "source_local.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch_writer.h"
#include "client_config.h"
#include "clock.h"
#include "local_broker.h"
#include "mem.h"

#include <sluice/strmap.h>

/* Batches posted and not yet answered before the task waits: enough to keep
 * the broker's thread busy while the next one fills. */
#define SOURCE_LOCAL_IN_FLIGHT 4
/* librdkafka's defaults for what its settings leave unreadable. */
#define SOURCE_LOCAL_DEFAULT_BATCH_BYTES 1000000
#define SOURCE_LOCAL_DEFAULT_BATCH_RECORDS 10000
#define SOURCE_LOCAL_DEFAULT_MESSAGE_MAX 1000000
#define SOURCE_LOCAL_DEFAULT_LINGER_MS 5

/* One posted batch: its records' opaques, then its outcome. */
typedef struct local_job {
    struct local_job *next;
    struct source_local *owner;
    char *topic;
    int32_t partition;
    void **opaques;
    size_t count;
    int16_t error;
    char *message;
    int32_t partitions;
} local_job_t;

struct source_local {
    const local_broker_ops_t *ops;
    void *broker;
    int64_t message_max; /* message.max.bytes: the largest record */
    int64_t batch_bytes; /* batch.size */
    int32_t batch_records;
    int64_t linger_ms; /* linger.ms */
    unsigned seed;     /* for null-key partitions */

    sluice_strmap_t *partitions; /* topic -> its partition count, as text */
    char *cached_topic;          /* the last topic asked about, and its count */
    int32_t cached_count;

    /* The batch being filled (buf NULL when none). */
    sluice_buf_t *buf;
    batch_writer_t writer;
    char *topic;
    int32_t partition;
    int64_t now_ms;    /* the timestamp of its records that have none */
    int64_t opened_ms; /* monotonic, when its first record came */
    void **opaques;
    size_t count, cap;

    /* Outcomes, filed by the broker's thread. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    local_job_t *done_head, *done_tail;
    int in_flight;
};

source_local_t *source_local_new(rd_kafka_t *producer)
{
    const rd_kafka_conf_t *conf = rd_kafka_conf(producer);
    char bootstrap[2048], codec[64] = "", txn[512] = "";
    size_t size = sizeof bootstrap;
    if (rd_kafka_conf_get(conf, "bootstrap.servers", bootstrap, &size) != RD_KAFKA_CONF_OK)
        return NULL;
    size = sizeof codec;
    rd_kafka_conf_get(conf, "compression.codec", codec, &size);
    size = sizeof txn;
    rd_kafka_conf_get(conf, "transactional.id", txn, &size);
    /* The broker stores what it is given: compressed batches are librdkafka's job. */
    if ((codec[0] && strcmp(codec, "none")) || txn[0])
        return NULL;
    void *broker = NULL;
    const local_broker_ops_t *ops = local_broker_find(bootstrap, &broker);
    if (!ops)
        return NULL;
    source_local_t *l = mem_calloc(1, sizeof *l);
    l->ops = ops;
    l->broker = broker;
    l->message_max =
        client_config_conf_int(conf, "message.max.bytes", SOURCE_LOCAL_DEFAULT_MESSAGE_MAX);
    l->batch_bytes = client_config_conf_int(conf, "batch.size", SOURCE_LOCAL_DEFAULT_BATCH_BYTES);
    l->batch_records = (int32_t)client_config_conf_int(conf, "batch.num.messages",
                                                       SOURCE_LOCAL_DEFAULT_BATCH_RECORDS);
    l->linger_ms = client_config_conf_int(conf, "linger.ms", SOURCE_LOCAL_DEFAULT_LINGER_MS);
    l->seed = (unsigned)clock_monotonic_ms() ^ (unsigned)(uintptr_t)l;
    l->partitions = sluice_strmap_new();
    l->cached_count = -1;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->cond, NULL);
    return l;
}

static void job_free(local_job_t *job)
{
    free(job->topic);
    free(job->opaques);
    free(job->message);
    free(job);
}

bool source_local_destroy(source_local_t *l, int64_t timeout_ms)
{
    if (!l)
        return true;
    struct timespec deadline = clock_deadline_ms(timeout_ms);
    pthread_mutex_lock(&l->lock);
    while (l->in_flight > 0) {
        if (pthread_cond_timedwait(&l->cond, &l->lock, &deadline) == ETIMEDOUT)
            break;
    }
    bool idle = l->in_flight == 0;
    pthread_mutex_unlock(&l->lock);
    if (!idle)
        return false;
    for (local_job_t *job = l->done_head, *next; job; job = next) {
        next = job->next;
        job_free(job);
    }
    sluice_buf_destroy(l->buf);
    free(l->topic);
    free(l->opaques);
    free(l->cached_topic);
    sluice_strmap_destroy(l->partitions);
    pthread_cond_destroy(&l->cond);
    pthread_mutex_destroy(&l->lock);
    free(l);
    return true;
}

int32_t source_local_partitions(source_local_t *l, const char *topic, bool forget)
{
    if (forget)
        sluice_strmap_remove(l->partitions, topic);
    else if (l->cached_topic && !strcmp(l->cached_topic, topic))
        return l->cached_count;
    const char *known = sluice_strmap_get(l->partitions, topic);
    int32_t count;
    if (known) {
        count = (int32_t)atoi(known);
    } else {
        count = l->ops->partitions(l->broker, topic);
        char text[16];
        snprintf(text, sizeof text, "%d", (int)count);
        sluice_strmap_set(l->partitions, topic, text);
    }
    free(l->cached_topic);
    l->cached_topic = mem_strdup(topic);
    l->cached_count = count;
    return count;
}

/* The broker's thread: files the outcome. */
static void local_done(void *opaque, int16_t error, const char *message, int64_t base_offset,
                       int32_t partitions)
{
    (void)base_offset;
    local_job_t *job = opaque;
    source_local_t *l = job->owner;
    job->error = error;
    job->message = error && message && *message ? mem_strdup(message) : NULL;
    job->partitions = partitions;
    pthread_mutex_lock(&l->lock);
    if (l->done_tail)
        l->done_tail->next = job;
    else
        l->done_head = job;
    l->done_tail = job;
    l->in_flight--;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
}

void source_local_flush(source_local_t *l)
{
    if (!l || !l->buf)
        return;
    batch_writer_finish(&l->writer);
    local_job_t *job = mem_calloc(1, sizeof *job);
    job->owner = l;
    job->topic = l->topic;
    job->partition = l->partition;
    job->opaques = l->opaques;
    job->count = l->count;
    sluice_buf_t *buf = l->buf;
    l->buf = NULL;
    l->topic = NULL;
    l->opaques = NULL;
    l->count = l->cap = 0;

    pthread_mutex_lock(&l->lock);
    while (l->in_flight >= SOURCE_LOCAL_IN_FLIGHT)
        pthread_cond_wait(&l->cond, &l->lock);
    l->in_flight++;
    pthread_mutex_unlock(&l->lock);
    if (l->ops->append(l->broker, job->topic, job->partition, buf, job->count, local_done, job))
        local_done(job, RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE, "the embedded broker is stopping",
                   -1, -1);
}

rd_kafka_resp_err_t source_local_add(source_local_t *l, rd_kafka_topic_t *rkt, const char *topic,
                                     int32_t partition, const void *key, size_t key_len,
                                     const void *value, size_t value_len, int64_t timestamp_ms,
                                     const rd_kafka_headers_t *headers, void *opaque)
{
    int32_t count = source_local_partitions(l, topic, false);
    size_t nheaders = headers ? rd_kafka_header_cnt(headers) : 0;
    batch_header_t few[8];
    batch_header_t *hdrs = nheaders <= 8 ? few : mem_alloc(nheaders * sizeof *hdrs);
    size_t size = (key ? key_len : 0) + (value ? value_len : 0);
    for (size_t i = 0; i < nheaders; i++) {
        const char *name;
        const void *hv;
        size_t hlen;
        rd_kafka_header_get_all(headers, i, &name, &hv, &hlen);
        hdrs[i] =
            (batch_header_t){.key = name, .key_len = strlen(name), .value = hv, .value_len = hlen};
        size += hdrs[i].key_len + (hv ? hlen : 0);
    }
    rd_kafka_resp_err_t refused = (int64_t)size > l->message_max
                                      ? RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
                                  : partition >= count ? RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION
                                                       : RD_KAFKA_RESP_ERR_NO_ERROR;
    if (refused) {
        if (hdrs != few)
            free(hdrs);
        return refused;
    }
    if (partition < 0) {
        if (key)
            partition =
                rd_kafka_msg_partitioner_murmur2_random(rkt, key, key_len, count, NULL, NULL);
        else if (l->buf && !strcmp(l->topic, topic))
            partition = l->partition;
        else
            partition = (int32_t)((unsigned)rand_r(&l->seed) % (unsigned)count);
    }
    /* A record of its own may exceed batch.size; then it goes alone. */
    if (l->buf && (partition != l->partition || strcmp(topic, l->topic) ||
                   batch_writer_count(&l->writer) >= l->batch_records ||
                   (int64_t)(batch_writer_size(&l->writer) + size) > l->batch_bytes))
        source_local_flush(l);
    if (!l->buf) {
        l->buf = sluice_buf_new();
        batch_writer_begin(&l->writer, l->buf);
        l->topic = mem_strdup(topic);
        l->partition = partition;
        l->now_ms = clock_wall_ms();
        l->opened_ms = clock_monotonic_ms();
    }
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->opaques = mem_realloc(l->opaques, l->cap * sizeof *l->opaques);
    }
    l->opaques[l->count++] = opaque;
    batch_writer_add(&l->writer, key, key_len, value, value_len,
                     timestamp_ms >= 0 ? timestamp_ms : l->now_ms, hdrs, nheaders);
    if (hdrs != few)
        free(hdrs);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

int64_t source_local_linger_left(source_local_t *l)
{
    if (!l || !l->buf)
        return -1;
    int64_t left = l->opened_ms + l->linger_ms - clock_monotonic_ms();
    return left > 0 ? left : 0;
}

size_t source_local_drain(source_local_t *l, source_local_done_fn fn, void *arg)
{
    if (!l)
        return 0;
    pthread_mutex_lock(&l->lock);
    local_job_t *job = l->done_head;
    l->done_head = l->done_tail = NULL;
    pthread_mutex_unlock(&l->lock);
    size_t n = 0;
    while (job) {
        local_job_t *next = job->next;
        char why[512] = "";
        if (job->error)
            snprintf(why, sizeof why, "%s%s%s", rd_kafka_err2str(job->error),
                     job->message ? ": " : "", job->message ? job->message : "");
        /* Partitions added since: the next records may use them. */
        if (job->partitions > 0 && l->cached_topic && !strcmp(l->cached_topic, job->topic) &&
            job->partitions != l->cached_count)
            source_local_partitions(l, job->topic, true);
        for (size_t i = 0; i < job->count; i++)
            fn(arg, job->opaques[i], job->error ? why : NULL, job->topic, job->partition);
        n += job->count;
        job_free(job);
        job = next;
    }
    return n;
}

bool source_local_wait(source_local_t *l, int timeout_ms)
{
    struct timespec deadline = clock_deadline_ms(timeout_ms);
    pthread_mutex_lock(&l->lock);
    while (!l->done_head && l->in_flight > 0) {
        if (pthread_cond_timedwait(&l->cond, &l->lock, &deadline) == ETIMEDOUT)
            break;
    }
    bool ready = l->done_head != NULL;
    pthread_mutex_unlock(&l->lock);
    return ready;
}

int source_local_in_flight(source_local_t *l)
{
    pthread_mutex_lock(&l->lock);
    int n = l->in_flight;
    pthread_mutex_unlock(&l->lock);
    return n;
}
