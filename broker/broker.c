/*
 * The broker's life cycle: start-up (meta.properties, log recovery, loading
 * committed offsets, the listener), the network thread, the background
 * thread that flushes, applies retention and compacts, and shutdown.
 *
 * Threads (docs/ARCHITECTURE.md): the network thread runs the event loop and
 * owns all state; every second (or every log.flush.scheduler.interval.ms,
 * when shorter) it hands the background thread a job holding a reference on
 * each log; the background thread never touches the topic registry.
 */
#include "broker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch_builder.h"
#include "broker_internal.h"
#include "log.h"
#include "log_cleaner.h"
#include "mem.h"
#include "producer_state.h"
#include "record_batch.h"
#include "server.h"

#define OFFSETS_TOPIC "__consumer_offsets"
/* The background pass runs at least once a second, or every
 * log.flush.scheduler.interval.ms when that is shorter (Kafka's flush
 * scheduler checks flush.ms that often). */
#define BACKGROUND_PERIOD_MS 1000
#define BACKGROUND_MIN_PERIOD_MS 10

int64_t broker_background_period_ms(const broker_config_t *c)
{
    int64_t p = c->flush_scheduler_interval_ms;
    return p >= BACKGROUND_PERIOD_MS      ? BACKGROUND_PERIOD_MS
           : p < BACKGROUND_MIN_PERIOD_MS ? BACKGROUND_MIN_PERIOD_MS
                                          : p;
}

struct bg_job {
    broker_log_t **logs;
    size_t count;
    bool retention; /* the retention check interval has passed */
};
typedef struct bg_job bg_job_t;

broker_t *broker_new(broker_config_t *config)
{
    broker_t *b = mem_calloc(1, sizeof(*b));
    b->config = config;
    b->listen_fd = -1;
    b->port = -1;
    pthread_mutex_init(&b->bg_lock, NULL);
    pthread_cond_init(&b->bg_cond, NULL);
    pthread_mutex_init(&b->local_lock, NULL);
    pthread_cond_init(&b->local_cond, NULL);
    return b;
}

int broker_port(const broker_t *b)
{
    return b->port;
}

const char *broker_cluster_id(const broker_t *b)
{
    return b->cluster_id;
}

static void log_defaults_from_config(const broker_config_t *c, broker_log_config_t *d)
{
    broker_log_config_defaults(d);
    d->segment_bytes = c->segment_bytes;
    d->segment_ms = c->roll_ms;
    d->index_interval_bytes = c->index_interval_bytes;
    d->retention_ms = c->retention_ms;
    d->retention_bytes = c->retention_bytes;
    d->cleanup_policy = (c->cleanup_delete ? BROKER_CLEANUP_DELETE : 0) |
                        (c->cleanup_compact ? BROKER_CLEANUP_COMPACT : 0);
    d->flush_messages = c->flush_interval_messages;
    d->flush_ms = c->flush_interval_ms < 0 ? INT64_MAX : c->flush_interval_ms;
    d->max_message_bytes = c->message_max_bytes;
    d->delete_retention_ms = c->delete_retention_ms;
}

/* ---- committed offsets in __consumer_offsets ------------------------------- */

static broker_topic_t *offsets_topic(broker_t *b, int32_t partitions)
{
    broker_topic_t *t = broker_topics_find(b->topics, OFFSETS_TOPIC);
    if (t)
        return t;
    sluice_strmap_t *cfg = sluice_strmap_new();
    sluice_strmap_set(cfg, "cleanup.policy", "compact");
    sluice_strmap_set(cfg, "segment.bytes", "104857600");
    char err[256];
    if (broker_create_topic(b, OFFSETS_TOPIC, partitions, cfg, true, err, sizeof err) !=
        KAFKA_ERR_NONE)
        log_error(NULL, "broker", "Cannot create %s: %s", OFFSETS_TOPIC, err);
    sluice_strmap_destroy(cfg);
    return broker_topics_find(b->topics, OFFSETS_TOPIC);
}

static int16_t persist_group_records(void *opaque, int32_t partition,
                                     const broker_group_record_t *records, size_t count)
{
    broker_t *b = opaque;
    if (count == 0)
        return KAFKA_ERR_NONE;
    broker_topic_t *t = offsets_topic(b, b->config->offsets_topic_partitions);
    if (!t || partition < 0 || partition >= t->partition_count)
        return KAFKA_ERR_COORDINATOR_NOT_AVAILABLE;
    broker_batch_record_t *recs = mem_calloc(count, sizeof(*recs));
    for (size_t i = 0; i < count; i++)
        recs[i] = (broker_batch_record_t){.key = records[i].key,
                                          .key_len = records[i].key_len,
                                          .value = records[i].value,
                                          .value_len = records[i].value_len};
    sluice_buf_t *buf = sluice_buf_new();
    int64_t now = broker_now_ms();
    broker_batch_build(buf, recs, count, now);
    free(recs);
    broker_log_append_result_t res;
    kafka_error_t ec = broker_log_append(t->logs[partition], (uint8_t *)sluice_buf_data(buf),
                                         sluice_buf_len(buf), now, &res);
    sluice_buf_destroy(buf);
    if (ec == KAFKA_ERR_NONE)
        broker_fetch_notify(b, OFFSETS_TOPIC, partition);
    return (int16_t)ec;
}

typedef struct load_ctx {
    broker_t *broker;
    size_t applied;
    size_t skipped;
} load_ctx_t;

static int load_batch(const uint8_t *batch, size_t len, const broker_batch_header_t *hdr,
                      void *opaque)
{
    load_ctx_t *lc = opaque;
    broker_record_iter_t it;
    if (broker_record_iter_init(&it, batch, len, hdr) != KAFKA_ERR_NONE) {
        lc->skipped += (size_t)hdr->records_count;
        return 0; /* compressed: the broker itself never writes those here */
    }
    broker_record_t rec;
    char err[256];
    int rc;
    while ((rc = broker_record_iter_next(&it, &rec, err, sizeof err)) == 1) {
        if (!rec.key || rec.key_len < 0)
            continue;
        char lerr[256] = "";
        int r = broker_group_coordinator_load(
            lc->broker->groups, rec.key, (size_t)rec.key_len, rec.value_len < 0 ? NULL : rec.value,
            rec.value_len < 0 ? 0 : (size_t)rec.value_len, broker_now_ms(), lerr, sizeof lerr);
        if (r == 0)
            lc->applied++;
        else
            lc->skipped++;
    }
    if (rc < 0)
        log_warn(NULL, "broker", "Skipping the rest of a batch of %s: %s", OFFSETS_TOPIC, err);
    return 0;
}

static void load_committed_offsets(broker_t *b)
{
    broker_topic_t *t = broker_topics_find(b->topics, OFFSETS_TOPIC);
    load_ctx_t lc = {.broker = b};
    if (t)
        for (int32_t p = 0; p < t->partition_count; p++)
            broker_log_for_each_batch(t->logs[p], 0, load_batch, &lc);
    broker_group_coordinator_load_complete(b->groups, broker_now_ms());
    if (lc.applied || lc.skipped)
        log_info(NULL, "broker", "Loaded %zu group records from %s (%zu skipped)", lc.applied,
                 OFFSETS_TOPIC, lc.skipped);
}

/* ---- timers on the network thread ------------------------------------------ */

static int64_t group_tick(broker_loop_t *loop, void *arg)
{
    (void)loop;
    broker_t *b = arg;
    int64_t now = broker_now_ms();
    int64_t next = broker_group_coordinator_tick(b->groups, now);
    int64_t wait = next == INT64_MAX ? 1000 : next - now;
    return wait < 10 ? 10 : wait > 1000 ? 1000 : wait;
}

static void bg_job_free(bg_job_t *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->count; i++)
        broker_log_unref(job->logs[i]);
    free(job->logs);
    free(job);
}

/* Hands the background thread a reference on every log. */
static int64_t background_tick(broker_loop_t *loop, void *arg)
{
    (void)loop;
    broker_t *b = arg;
    int64_t now = broker_monotonic_ms();
    bg_job_t *job = mem_calloc(1, sizeof(*job));
    size_t n = 0;
    for (size_t i = 0; i < broker_topics_count(b->topics); i++)
        n += (size_t)broker_topics_at(b->topics, i)->partition_count;
    job->logs = mem_calloc(n ? n : 1, sizeof(*job->logs));
    for (size_t i = 0; i < broker_topics_count(b->topics); i++) {
        broker_topic_t *t = broker_topics_at(b->topics, i);
        for (int32_t p = 0; p < t->partition_count; p++)
            job->logs[job->count++] = broker_log_ref(t->logs[p]);
    }
    if (now - b->last_retention_ms >= b->config->retention_check_interval_ms) {
        job->retention = true;
        b->last_retention_ms = now;
    }
    pthread_mutex_lock(&b->bg_lock);
    bg_job_t *old = b->bg_pending;
    b->bg_pending = job;
    pthread_cond_signal(&b->bg_cond);
    pthread_mutex_unlock(&b->bg_lock);
    bg_job_free(old); /* the thread was busy: the newer job supersedes it */
    return broker_background_period_ms(b->config);
}

static void *background_main(void *arg)
{
    broker_t *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->bg_lock);
        while (!b->bg_pending && !b->bg_stop)
            pthread_cond_wait(&b->bg_cond, &b->bg_lock);
        if (b->bg_stop) {
            pthread_mutex_unlock(&b->bg_lock);
            break;
        }
        bg_job_t *job = b->bg_pending;
        b->bg_pending = NULL;
        pthread_mutex_unlock(&b->bg_lock);
        int64_t now = broker_now_ms();
        for (size_t i = 0; i < job->count; i++) {
            broker_log_t *log = job->logs[i];
            if (broker_cleaner_flush_due(log, now) && broker_log_flush(log, now) < 0)
                log_warn(NULL, "broker", "fsync of %s failed: %s", log->name, strerror(errno));
            if (job->retention)
                broker_cleaner_retention(log, now);
            if (broker_cleaner_compaction_due(log))
                broker_cleaner_compact(log, now, NULL);
        }
        bg_job_free(job);
    }
    return NULL;
}

/* ---- start and stop --------------------------------------------------------- */

static void *network_main(void *arg)
{
    broker_t *b = arg;
    broker_loop_run(b->loop);
    /* Everything the network thread owns is torn down here, on its thread;
     * in-process appends still queued would otherwise never be answered. */
    broker_local_close(b);
    broker_fetch_cancel_all(b);
    broker_server_close_all(b);
    return NULL;
}

int broker_start(broker_t *b, char *errstr, size_t errstr_size)
{
    broker_config_t *c = b->config;
    log_defaults_from_config(c, &b->log_defaults);
    if (broker_meta_load_or_create(c->log_dir, c->node_id, b->cluster_id, errstr, errstr_size) < 0)
        return -1;
    b->loop = broker_loop_new(errstr, errstr_size);
    if (!b->loop)
        return -1;
    int64_t t0 = broker_monotonic_ms();
    b->topics =
        broker_topics_open(c->log_dir, &b->log_defaults, broker_now_ms(), errstr, errstr_size);
    if (!b->topics)
        return -1;
    b->producers = broker_producers_new();
    b->next_producer_id = broker_now_ms() * 1000; /* unique across restarts */

    broker_group_config_t gconf;
    broker_group_config_defaults(&gconf);
    gconf.node_id = c->node_id;
    gconf.group_min_session_timeout_ms = c->group_min_session_timeout_ms;
    gconf.group_max_session_timeout_ms = c->group_max_session_timeout_ms;
    gconf.group_initial_rebalance_delay_ms = c->group_initial_rebalance_delay_ms;
    gconf.offset_metadata_max_bytes = c->offset_metadata_max_bytes;
    /* An existing __consumer_offsets keeps the partition count it was made with. */
    broker_topic_t *ot = broker_topics_find(b->topics, OFFSETS_TOPIC);
    gconf.offsets_topic_num_partitions = ot ? ot->partition_count : c->offsets_topic_partitions;
    c->offsets_topic_partitions = gconf.offsets_topic_num_partitions;
    b->groups = broker_group_coordinator_new(&gconf, persist_group_records, b);
    load_committed_offsets(b);

    if (broker_server_listen(b, errstr, errstr_size) < 0)
        return -1;
    /* With port 0 the kernel picked the port: advertise that one (unless
     * advertised.listeners names its own), or clients would dial port 0. */
    if (c->advertised_port == 0 && c->listener_port == 0)
        c->advertised_port = b->port;
    b->group_timer = broker_loop_add_timer(b->loop, 100, group_tick, b);
    b->retention_timer =
        broker_loop_add_timer(b->loop, broker_background_period_ms(c), background_tick, b);

    if (pthread_create(&b->background_thread, NULL, background_main, b) != 0) {
        snprintf(errstr, errstr_size, "cannot start the background thread");
        return -1;
    }
    b->background_started = true;
    broker_local_open(b);
    if (pthread_create(&b->network_thread, NULL, network_main, b) != 0) {
        snprintf(errstr, errstr_size, "cannot start the network thread");
        return -1;
    }
    b->network_started = true;
    log_info(NULL, "broker",
             "Broker %d of cluster %s listening on %s:%d (advertised as %s:%d), %zu topic(s) "
             "in %s, started in %lld ms",
             c->node_id, b->cluster_id, c->listener_host[0] ? c->listener_host : "*", b->port,
             c->advertised_host, c->advertised_port, broker_topics_count(b->topics), c->log_dir,
             (long long)(broker_monotonic_ms() - t0));
    return 0;
}

void broker_request_stop(broker_t *b)
{
    if (b && b->loop)
        broker_loop_stop(b->loop);
}

void broker_wait(broker_t *b)
{
    if (!b || b->stopped)
        return;
    if (b->network_started)
        pthread_join(b->network_thread, NULL);
    else if (b->loop && b->topics)
        broker_server_close_all(b); /* start failed after listening, or never ran */
    if (!b->network_started)
        broker_local_close(b);
    if (b->background_started) {
        pthread_mutex_lock(&b->bg_lock);
        b->bg_stop = true;
        pthread_cond_signal(&b->bg_cond);
        pthread_mutex_unlock(&b->bg_lock);
        pthread_join(b->background_thread, NULL);
    }
    bg_job_free(b->bg_pending);
    b->bg_pending = NULL;
    broker_group_coordinator_destroy(b->groups);
    b->groups = NULL;
    broker_topics_close(b->topics); /* clean-shutdown markers */
    b->topics = NULL;
    b->stopped = true;
    log_info(NULL, "broker", "Broker stopped");
}

void broker_stop(broker_t *b)
{
    broker_request_stop(b);
    broker_wait(b);
}

void broker_destroy(broker_t *b)
{
    if (!b)
        return;
    broker_stop(b);
    broker_producers_destroy(b->producers);
    broker_loop_destroy(b->loop);
    broker_config_destroy(b->config);
    pthread_mutex_destroy(&b->bg_lock);
    pthread_cond_destroy(&b->bg_cond);
    pthread_mutex_destroy(&b->local_lock);
    pthread_cond_destroy(&b->local_cond);
    free(b);
}
