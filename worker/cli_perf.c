/*
 * `sluice perf produce` and `sluice perf consume`: Kafka's
 * kafka-producer-perf-test and kafka-consumer-perf-test on librdkafka, with
 * their options and the lines they print, so they measure the integrated
 * broker or any Kafka-compatible cluster and existing scripts can parse the
 * results.
 *
 * Both loops are built not to be the bottleneck: the producer sends
 * preallocated payloads without copying them, in chunks to one partition
 * at a time (one clock reading and one partition lock per chunk), carries
 * each chunk's send time in the records' opaque pointers, and takes
 * delivery reports in batches (event API); the consumer takes messages in
 * batches. Nothing is allocated per record by the tool itself.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_kafka.h"
#include "mem.h"

/* ---- latency histogram ----------------------------------------------------------- */

/*
 * Log-linear buckets over microseconds, as HdrHistogram: values below 2^10
 * are exact, and every power of two above is cut into 2^10 buckets, so a
 * bucket's midpoint is within 0.05 % of any value in it. 32768 counters
 * cover up to 2^40 us (12 days) in 256 KiB, however many records are sent
 * (Kafka keeps a sample of up to 500 000 latencies instead).
 */
#define PERF_HIST_SUB_BITS 10
#define PERF_HIST_SUB (1u << PERF_HIST_SUB_BITS)
#define PERF_HIST_MAX_BIT 40
#define PERF_HIST_BUCKETS ((PERF_HIST_MAX_BIT - PERF_HIST_SUB_BITS + 2) * PERF_HIST_SUB)

typedef struct perf_histogram {
    uint64_t counts[PERF_HIST_BUCKETS];
    uint64_t total;
} perf_histogram_t;

static size_t perf_hist_index(uint64_t v)
{
    if (v < PERF_HIST_SUB)
        return (size_t)v;
    int msb = 63 - __builtin_clzll(v);
    if (msb > PERF_HIST_MAX_BIT)
        return PERF_HIST_BUCKETS - 1;
    int shift = msb - PERF_HIST_SUB_BITS;
    return (size_t)(shift + 1) * PERF_HIST_SUB + (size_t)((v >> shift) - PERF_HIST_SUB);
}

/* The smallest value that falls in bucket i. */
static uint64_t perf_hist_value(size_t i)
{
    if (i < PERF_HIST_SUB)
        return i;
    size_t shift = i / PERF_HIST_SUB - 1;
    return (uint64_t)(i % PERF_HIST_SUB + PERF_HIST_SUB) << shift;
}

/* The middle of bucket i, the best single value for what fell in it. */
static uint64_t perf_hist_mid(size_t i)
{
    if (i < PERF_HIST_SUB)
        return i;
    size_t shift = i / PERF_HIST_SUB - 1;
    return perf_hist_value(i) + ((1ull << shift) >> 1);
}

static inline void perf_hist_add(perf_histogram_t *hist, uint64_t v)
{
    hist->counts[perf_hist_index(v)]++;
    hist->total++;
}

/* The value at fraction p of the sorted latencies, picked as Kafka picks it
 * from its sorted sample: the element at index (int)(p * count). */
static uint64_t perf_hist_percentile(const perf_histogram_t *hist, double p)
{
    if (!hist->total)
        return 0;
    uint64_t rank = (uint64_t)(p * (double)hist->total);
    if (rank >= hist->total)
        rank = hist->total - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < PERF_HIST_BUCKETS; i++) {
        seen += hist->counts[i];
        if (seen > rank)
            return perf_hist_mid(i);
    }
    return perf_hist_mid(PERF_HIST_BUCKETS - 1);
}

/* ---- producer statistics (Kafka's ProducerPerformance.Stats) --------------------- */

#define PERF_REPORT_INTERVAL_US 5000000

typedef struct perf_stats {
    int64_t start_us;
    uint64_t count, bytes, total_latency_us, max_latency_us;
    int64_t window_start_us;
    uint64_t window_count, window_bytes, window_total_latency_us, window_max_latency_us;
    perf_histogram_t hist;
} perf_stats_t;

static void perf_stats_print_window(perf_stats_t *stats, int64_t now_us)
{
    double elapsed_ms = (double)(now_us - stats->window_start_us) / 1000.0;
    if (elapsed_ms <= 0)
        elapsed_ms = 1;
    double count = (double)stats->window_count;
    printf("%" PRIu64 " records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, "
           "%.1f ms max latency.\n",
           stats->window_count, 1000.0 * count / elapsed_ms,
           1000.0 * (double)stats->window_bytes / elapsed_ms / (1024.0 * 1024.0),
           count ? (double)stats->window_total_latency_us / 1000.0 / count : 0.0,
           (double)stats->window_max_latency_us / 1000.0);
    fflush(stdout);
    stats->window_start_us = now_us;
    stats->window_count = stats->window_bytes = 0;
    stats->window_total_latency_us = stats->window_max_latency_us = 0;
}

static inline void perf_stats_record(perf_stats_t *stats, uint64_t latency_us, size_t bytes)
{
    stats->count++;
    stats->bytes += bytes;
    stats->total_latency_us += latency_us;
    if (latency_us > stats->max_latency_us)
        stats->max_latency_us = latency_us;
    stats->window_count++;
    stats->window_bytes += bytes;
    stats->window_total_latency_us += latency_us;
    if (latency_us > stats->window_max_latency_us)
        stats->window_max_latency_us = latency_us;
    perf_hist_add(&stats->hist, latency_us);
}

static void perf_stats_print_total(const perf_stats_t *stats, int64_t now_us)
{
    double elapsed_ms = (double)(now_us - stats->start_us) / 1000.0;
    if (elapsed_ms <= 0)
        elapsed_ms = 1;
    double count = (double)stats->count;
    /* Kafka measures latencies in whole milliseconds and prints its
     * percentiles as integers: so do we, truncating. */
    printf("%" PRIu64 " records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, "
           "%.2f ms max latency, %" PRIu64 " ms 50th, %" PRIu64 " ms 95th, %" PRIu64
           " ms 99th, %" PRIu64 " ms 99.9th.\n",
           stats->count, 1000.0 * count / elapsed_ms,
           1000.0 * (double)stats->bytes / elapsed_ms / (1024.0 * 1024.0),
           count ? (double)stats->total_latency_us / 1000.0 / count : 0.0,
           (double)stats->max_latency_us / 1000.0, perf_hist_percentile(&stats->hist, 0.5) / 1000,
           perf_hist_percentile(&stats->hist, 0.95) / 1000,
           perf_hist_percentile(&stats->hist, 0.99) / 1000,
           perf_hist_percentile(&stats->hist, 0.999) / 1000);
    fflush(stdout);
}

/* ---- throttling (Kafka's ThroughputThrottler) ------------------------------------ */

#define PERF_MIN_SLEEP_NS 2000000

typedef struct perf_throttle {
    double target; /* records/s; negative: unlimited */
    int64_t start_us;
    int64_t sleep_ns;   /* per record */
    int64_t deficit_ns; /* sleep owed */
} perf_throttle_t;

static bool perf_throttle_due(const perf_throttle_t *t, uint64_t sent, int64_t now_us)
{
    if (t->target < 0)
        return false;
    double elapsed_s = (double)(now_us - t->start_us) / 1e6;
    return elapsed_s > 0 && (double)sent / elapsed_s > t->target;
}

/* ---- perf produce ---------------------------------------------------------------- */

static const cli_kafka_opt_t produce_opts[] = {
    {"topic", CLI_KAFKA_OPT_VALUE, "TOPIC", "REQUIRED: produce messages to this topic."},
    {"num-records", CLI_KAFKA_OPT_VALUE, "NUM-RECORDS", "REQUIRED: number of messages to produce."},
    {"record-size", CLI_KAFKA_OPT_VALUE, "RECORD-SIZE",
     "Message size in bytes. Exactly one of --record-size, --payload-file or "
     "--payload-monotonic must be given."},
    {"payload-file", CLI_KAFKA_OPT_VALUE, "PAYLOAD-FILE",
     "File to read the message payloads from (split by --payload-delimiter); a payload is "
     "picked at random for each message."},
    {"payload-delimiter", CLI_KAFKA_OPT_VALUE, "PAYLOAD-DELIMITER",
     "Delimiter of the payloads in --payload-file (default: a newline)."},
    {"payload-monotonic", CLI_KAFKA_OPT_FLAG, NULL,
     "The payload of message i is the decimal number i."},
    {"throughput", CLI_KAFKA_OPT_VALUE, "THROUGHPUT",
     "REQUIRED: throttle to about THROUGHPUT messages/sec; -1 for no throttling."},
    {"producer-props", CLI_KAFKA_OPT_VALUES, "PROP-NAME=PROP-VALUE",
     "Producer properties (bootstrap.servers, acks, linger.ms, batch.size, compression.type, "
     "...), librdkafka's names or the Java client's. They take precedence over "
     "--producer.config."},
    {"command-property", CLI_KAFKA_OPT_VALUES, "PROP-NAME=PROP-VALUE",
     "The same as --producer-props (Kafka 4.2's name)."},
    {"producer.config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE", "Producer config properties file."},
    {"command-config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE",
     "The same as --producer.config (Kafka 4.2's name)."},
    {"bootstrap-server", CLI_KAFKA_OPT_VALUE, "SERVERS",
     "The server(s) to connect to; takes precedence over bootstrap.servers in the properties."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t produce_cmd = {
    .tool = "sluice perf produce",
    .synopsis = "--topic TOPIC --num-records N (--record-size SIZE | --payload-file FILE |\n"
                "           --payload-monotonic) --throughput RATE\n"
                "           [--producer-props K=V ...] [--producer.config FILE]\n"
                "           [--bootstrap-server SERVERS]",
    .description =
        "Measures producer throughput and latency as Kafka's kafka-producer-perf-test does, "
        "printing its lines: every 5 s the records sent, records/sec, MB/sec and average and "
        "maximum latency, and at the end the totals with the 50th, 95th, 99th and 99.9th "
        "latency percentiles. Latency runs from produce() to the delivery report. Producer "
        "defaults follow the Java producer's: batch.size=16384, linger.ms=5, "
        "max.in.flight=5, buffer.memory=32 MB, delivery.timeout.ms=120000.",
    .opts = produce_opts,
};

typedef struct perf_producer {
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue;
    perf_stats_t *stats;
    uint64_t sent;      /* enqueued in librdkafka */
    uint64_t delivered; /* acknowledged */
    uint64_t failed;    /* delivery reports with an error */
    char first_error_str[512];
    bool fatal;
} perf_producer_t;

#define PERF_DR_BATCH 1024
#define PERF_CHUNK_MAX 1024 /* records per rd_kafka_produce_batch() */

/* Serves delivery reports and errors for up to timeout_ms (0: only what is
 * waiting). */
static void perf_produce_poll(perf_producer_t *p, int timeout_ms)
{
    rd_kafka_message_t *msgs[PERF_DR_BATCH];
    for (;;) {
        rd_kafka_event_t *ev = rd_kafka_queue_poll(p->queue, timeout_ms);
        if (!ev)
            return;
        timeout_ms = 0;
        switch (rd_kafka_event_type(ev)) {
        case RD_KAFKA_EVENT_DR: {
            int64_t now_us = cli_kafka_monotonic_us();
            size_t n;
            while ((n = rd_kafka_event_message_array(ev, (const rd_kafka_message_t **)msgs,
                                                     PERF_DR_BATCH)) > 0) {
                for (size_t i = 0; i < n; i++) {
                    const rd_kafka_message_t *m = msgs[i];
                    if (m->err) {
                        if (!p->failed++) {
                            snprintf(p->first_error_str, sizeof p->first_error_str, "%s",
                                     rd_kafka_err2str(m->err));
                        }
                        if (p->failed <= 5)
                            fprintf(stderr,
                                    "sluice perf produce: delivery to %s [%" PRId32
                                    "] failed: %s\n",
                                    rd_kafka_topic_name(m->rkt), m->partition,
                                    rd_kafka_err2str(m->err));
                        continue;
                    }
                    int64_t sent_us = (int64_t)(uintptr_t)m->_private;
                    perf_stats_record(p->stats, now_us > sent_us ? (uint64_t)(now_us - sent_us) : 0,
                                      m->len);
                    p->delivered++;
                }
            }
            if (now_us - p->stats->window_start_us >= PERF_REPORT_INTERVAL_US)
                perf_stats_print_window(p->stats, now_us);
            break;
        }
        case RD_KAFKA_EVENT_ERROR:
            if (rd_kafka_event_error_is_fatal(ev)) {
                fprintf(stderr, "sluice perf produce: fatal error: %s\n",
                        rd_kafka_event_error_string(ev));
                p->fatal = true;
            } else {
                fprintf(stderr, "sluice perf produce: %s\n", rd_kafka_event_error_string(ev));
            }
            break;
        default: break;
        }
        rd_kafka_event_destroy(ev);
    }
}

/* Polls until the deadline; the throttler's sleep, serving reports meanwhile. */
static void perf_produce_sleep(perf_producer_t *p, int64_t until_us)
{
    for (;;) {
        int64_t left_us = until_us - cli_kafka_monotonic_us();
        if (left_us <= 0)
            return;
        perf_produce_poll(p, (int)((left_us + 999) / 1000));
    }
}

/* Payloads: Kafka's tool sends random upper-case letters. */
typedef struct perf_payloads {
    char *pool; /* --record-size: windows of one random pool */
    size_t pool_len;
    size_t record_size;
    char **items; /* --payload-file */
    size_t *item_len;
    size_t nitems;
    char *file_data;
    bool monotonic;
} perf_payloads_t;

static uint64_t perf_rand_next(uint64_t *state)
{
    /* xorshift64*: quick, and the payload needs no better. */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static int perf_payloads_load(perf_payloads_t *pl, const char *path, const char *delimiter,
                              char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errstr, errstr_size, "cannot open payload file %s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0, len = 0;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        mem_grow((void **)&pl->file_data, &cap, len + n + 1, 1);
        memcpy(pl->file_data + len, chunk, n);
        len += n;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed || !len) {
        snprintf(errstr, errstr_size, "payload file %s is %s", path,
                 failed ? "unreadable" : "empty");
        return -1;
    }
    pl->file_data[len] = '\0';
    size_t dlen = strlen(delimiter);
    size_t cap_items = 0, cap_len = 0;
    char *p = pl->file_data, *end = pl->file_data + len;
    while (p < end) {
        char *next = dlen ? memmem(p, (size_t)(end - p), delimiter, dlen) : NULL;
        size_t item = next ? (size_t)(next - p) : (size_t)(end - p);
        if (item) { /* Scanner skips empty tokens */
            mem_grow((void **)&pl->items, &cap_items, pl->nitems + 1, sizeof(*pl->items));
            mem_grow((void **)&pl->item_len, &cap_len, pl->nitems + 1, sizeof(*pl->item_len));
            pl->items[pl->nitems] = p;
            pl->item_len[pl->nitems++] = item;
        }
        p = next ? next + dlen : end;
    }
    if (!pl->nitems) {
        snprintf(errstr, errstr_size, "payload file %s holds no payload", path);
        return -1;
    }
    printf("Number of messages read: %zu\n", pl->nitems);
    return 0;
}

static void perf_payloads_free(perf_payloads_t *pl)
{
    free(pl->pool);
    free(pl->items);
    free(pl->item_len);
    free(pl->file_data);
}

/* "\\n" on the command line means a newline, as in Kafka's tool. */
static const char *perf_delimiter(const char *arg, char *buf, size_t size)
{
    if (!arg || strcmp(arg, "\\n") == 0)
        return "\n";
    snprintf(buf, size, "%s", arg);
    return buf;
}

static int perf_produce(int argc, char **argv)
{
    const cli_kafka_command_t *cmd = &produce_cmd;
    int status = CLI_EXIT_USAGE;
    cli_kafka_props_t *props = NULL;
    rd_kafka_t *rk = NULL;
    rd_kafka_topic_t *rkt = NULL;
    perf_stats_t *stats = NULL;
    perf_producer_t p = {0};
    perf_payloads_t pl = {0};
    rd_kafka_message_t *chunk = NULL;
    char(*numbers)[24] = NULL;
    char errstr[2048];

    cli_kafka_args_t *args = cli_kafka_args_parse(cmd, argc, argv, &status);
    if (!args)
        return status;
    const char *topic = cli_kafka_args_get(args, "topic");
    int64_t num_records, record_size = 0;
    double throughput = 0;
    if (!topic || !cli_kafka_args_has(args, "num-records") ||
        !cli_kafka_args_has(args, "throughput")) {
        status = cli_kafka_usage_error(cmd, "--topic, --num-records and --throughput are required");
        goto out;
    }
    if (cli_kafka_args_int(cmd, args, "num-records", 1, INT64_MAX, 0, &num_records) < 0)
        goto out;
    int payload_kinds = cli_kafka_args_has(args, "record-size") +
                        cli_kafka_args_has(args, "payload-file") +
                        cli_kafka_args_has(args, "payload-monotonic");
    if (payload_kinds != 1) {
        status = cli_kafka_usage_error(
            cmd, "give exactly one of --record-size, --payload-file or --payload-monotonic");
        goto out;
    }
    if (cli_kafka_args_has(args, "record-size") &&
        cli_kafka_args_int(cmd, args, "record-size", 1, INT32_MAX, 0, &record_size) < 0)
        goto out;
    {
        const char *text = cli_kafka_args_get(args, "throughput");
        char *end;
        errno = 0;
        throughput = strtod(text, &end);
        if (errno || end == text || *end || isnan(throughput)) {
            status = cli_kafka_usage_error(cmd, "--throughput must be a number, not '%s'", text);
            goto out;
        }
    }

    /* Properties: the file, then the list (which takes precedence), then
     * --bootstrap-server, then the tool's defaults for what is still unset. */
    status = CLI_EXIT_FAILURE;
    props = cli_kafka_props_new();
    const char *files[] = {cli_kafka_args_get(args, "producer.config"),
                           cli_kafka_args_get(args, "command-config")};
    for (size_t i = 0; i < 2; i++) {
        if (files[i] && cli_kafka_props_load_file(props, files[i], errstr, sizeof errstr) < 0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
            goto out;
        }
    }
    const char *lists[] = {"producer-props", "command-property"};
    for (size_t l = 0; l < 2; l++) {
        char origin[64];
        snprintf(origin, sizeof origin, "--%s", lists[l]);
        for (size_t i = 0; i < cli_kafka_args_count(args, lists[l]); i++) {
            if (cli_kafka_props_add_kv(props, cli_kafka_args_at(args, lists[l], i), origin, errstr,
                                       sizeof errstr) < 0) {
                status = cli_kafka_usage_error(cmd, "%s", errstr);
                goto out;
            }
        }
    }
    if (cli_kafka_args_has(args, "bootstrap-server"))
        cli_kafka_props_set(props, "bootstrap.servers",
                            cli_kafka_args_get(args, "bootstrap-server"), "--bootstrap-server");
    const char *bootstrap = cli_kafka_props_get(props, "bootstrap.servers");
    if (!bootstrap) {
        status = cli_kafka_usage_error(cmd, "no bootstrap servers: give --bootstrap-server or "
                                            "bootstrap.servers in --producer-props or "
                                            "--producer.config");
        goto out;
    }
    cli_kafka_props_default(props, "client.id", "perf-producer-client");
    /* The Java producer's defaults, where librdkafka's differ (see docs/TOOLS.md). */
    cli_kafka_props_default(props, "batch.size", "16384");
    cli_kafka_props_default(props, "linger.ms", "5");
    if (!cli_kafka_props_get(props, "max.in.flight.requests.per.connection"))
        cli_kafka_props_default(props, "max.in.flight", "5");
    if (!cli_kafka_props_get(props, "queue.buffering.max.kbytes"))
        cli_kafka_props_default(props, "buffer.memory", "33554432");
    cli_kafka_props_default(props, "queue.buffering.max.messages", "10000000");
    if (!cli_kafka_props_get(props, "message.timeout.ms"))
        cli_kafka_props_default(props, "delivery.timeout.ms", "120000");

    rd_kafka_conf_t *conf =
        cli_kafka_conf_new(cmd->tool, CLI_KAFKA_PRODUCER, props, errstr, sizeof errstr);
    if (!conf) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        goto out;
    }
    rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
    rk = cli_kafka_new(CLI_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "%s: cannot create the producer: %s\n", cmd->tool, errstr);
        goto out;
    }

    /* Payloads, prepared before the clock starts. */
    if (record_size) {
        uint64_t seed = 0x9E3779B97F4A7C15ULL;
        pl.record_size = (size_t)record_size;
        pl.pool_len = pl.record_size + (1u << 20);
        pl.pool = mem_alloc(pl.pool_len);
        for (size_t i = 0; i < pl.pool_len; i++)
            pl.pool[i] = (char)('A' + perf_rand_next(&seed) % 26);
    } else if (cli_kafka_args_has(args, "payload-file")) {
        char dbuf[256];
        const char *delim =
            perf_delimiter(cli_kafka_args_get(args, "payload-delimiter"), dbuf, sizeof dbuf);
        if (perf_payloads_load(&pl, cli_kafka_args_get(args, "payload-file"), delim, errstr,
                               sizeof errstr) < 0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
            goto out;
        }
    } else {
        pl.monotonic = true;
    }

    /* Fail early and clearly when the cluster or the topic is not there,
     * rather than after every record has timed out; and learn the partition
     * count (a topic being auto-created may have none for a moment). */
    int npartitions = 0;
    int64_t deadline_us = cli_kafka_monotonic_us() + 60000 * INT64_C(1000);
    for (;;) {
        const struct rd_kafka_metadata *md = NULL;
        int64_t left_ms = (deadline_us - cli_kafka_monotonic_us()) / 1000;
        if (cli_kafka_connect(rk, bootstrap, topic, left_ms > 1 ? (int)left_ms : 1, &md, errstr,
                              sizeof errstr) < 0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
            goto out;
        }
        rd_kafka_resp_err_t topic_err = md->topic_cnt ? md->topics[0].err : 0;
        npartitions = md->topic_cnt ? md->topics[0].partition_cnt : 0;
        rd_kafka_metadata_destroy(md);
        if (topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            topic_err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
            topic_err == RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION) {
            fprintf(stderr, "%s: cannot produce to topic '%s' at %s: %s\n", cmd->tool, topic,
                    bootstrap, rd_kafka_err2str(topic_err));
            goto out;
        }
        if (npartitions > 0)
            break;
        if (cli_kafka_monotonic_us() >= deadline_us) {
            fprintf(stderr, "%s: topic '%s' at %s still has no partitions after 60000 ms: %s\n",
                    cmd->tool, topic, bootstrap, rd_kafka_err2str(topic_err));
            goto out;
        }
        usleep(100000);
    }
    rkt = rd_kafka_topic_new(rk, topic, NULL);
    p.rk = rk;
    p.queue = rd_kafka_queue_get_main(rk);
    stats = mem_calloc(1, sizeof(*stats));
    p.stats = stats;

    /*
     * Records go out in chunks through rd_kafka_produce_batch() to one
     * partition at a time: librdkafka then reads its clocks and takes the
     * partition's lock once per chunk rather than for every record (five
     * clock readings and two locks a record with rd_kafka_produce()). The
     * partition changes after about batch.size bytes of records, as the
     * Java producer's sticky partitioner moves on when a batch is full.
     * Throttled, records go one at a time, as Kafka's tool sends them.
     */
    size_t avg_len = 8;
    if (pl.pool) {
        avg_len = pl.record_size;
    } else if (pl.items) {
        size_t total = 0;
        for (size_t k = 0; k < pl.nitems; k++)
            total += pl.item_len[k];
        avg_len = total / pl.nitems ? total / pl.nitems : 1;
    }
    int64_t batch_size = 16384;
    const char *batch_text = cli_kafka_props_get(props, "batch.size");
    if (batch_text && !cli_kafka_parse_int(batch_text, 1, INT32_MAX, &batch_size))
        batch_size = 16384;
    size_t sticky = (size_t)batch_size / avg_len ? (size_t)batch_size / avg_len : 1;
    size_t chunk_max = PERF_CHUNK_MAX;
    if (throughput >= 0)
        chunk_max = 1;
    else if (npartitions > 1 && sticky < PERF_CHUNK_MAX)
        chunk_max = sticky;
    chunk = mem_calloc(PERF_CHUNK_MAX, sizeof(*chunk));
    if (pl.monotonic)
        numbers = mem_calloc(PERF_CHUNK_MAX, sizeof(*numbers));
    int flags = pl.monotonic ? RD_KAFKA_MSG_F_COPY : 0; /* the others outlive the producer */
    uint64_t rnd = 0x2545F4914F6CDD1DULL;
    int32_t partition =
        npartitions > 1 ? (int32_t)(perf_rand_next(&rnd) % (uint64_t)npartitions) : 0;
    size_t on_partition = 0;
    size_t windows = pl.pool_len - pl.record_size + 1;
    size_t window = 0;

    volatile sig_atomic_t stop = 0;
    cli_kafka_stop_on_signals(&stop);
    stats->start_us = stats->window_start_us = cli_kafka_monotonic_us();
    perf_throttle_t throttle = {.target = throughput, .start_us = stats->start_us};
    throttle.sleep_ns = throughput > 0 ? (int64_t)(1e9 / throughput) : INT64_MAX;
    uint64_t since_poll = 0;

    for (uint64_t i = 0; i < (uint64_t)num_records && !stop && !p.fatal;) {
        size_t count = chunk_max;
        if ((uint64_t)num_records - i < count)
            count = (size_t)((uint64_t)num_records - i);
        /* One send time for the chunk, carried in each record's opaque. */
        int64_t now_us = cli_kafka_monotonic_us();
        for (size_t k = 0; k < count; k++) {
            rd_kafka_message_t *m = &chunk[k];
            m->err = RD_KAFKA_RESP_ERR_NO_ERROR;
            m->_private = (void *)(uintptr_t)now_us;
            if (pl.pool) {
                /* A prime stride walks the pool so consecutive records
                 * differ, as Kafka's freshly drawn ones do. */
                window += 7919;
                if (window >= windows)
                    window -= windows;
                m->payload = pl.pool + window;
                m->len = pl.record_size;
            } else if (pl.items) {
                size_t item = (size_t)(perf_rand_next(&rnd) % pl.nitems);
                m->payload = pl.items[item];
                m->len = pl.item_len[item];
            } else {
                m->len = (size_t)snprintf(numbers[k], sizeof numbers[k], "%" PRIu64, i + k);
                m->payload = numbers[k];
            }
        }
        size_t done = 0, n = count;
        while (done < n) {
            int queued =
                rd_kafka_produce_batch(rkt, partition, flags, chunk + done, (int)(n - done));
            p.sent += (uint64_t)queued;
            if ((size_t)queued == n - done)
                break;
            /* Keep the refused records, in order, for another try. */
            size_t keep = done;
            rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
            for (size_t k = done; k < n; k++) {
                if (!chunk[k].err)
                    continue;
                err = chunk[k].err;
                chunk[k].err = RD_KAFKA_RESP_ERR_NO_ERROR;
                chunk[keep++] = chunk[k];
            }
            n = keep;
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "%s: cannot produce to %s [%" PRId32 "]: %s\n", cmd->tool, topic,
                        partition, rd_kafka_err2str(err));
                p.fatal = true;
                break;
            }
            /* Full buffer: the Java producer blocks in send(); so do we. */
            perf_produce_poll(&p, 1);
        }
        if (p.fatal)
            break;
        i += count;
        on_partition += count;
        if (npartitions > 1 && on_partition >= sticky) {
            uint64_t step = 1 + perf_rand_next(&rnd) % (uint64_t)(npartitions - 1);
            partition = (int32_t)(((uint64_t)partition + step) % (uint64_t)npartitions);
            on_partition = 0;
        }
        since_poll += count;
        if (since_poll >= 1024) {
            perf_produce_poll(&p, 0);
            since_poll = 0;
        }
        /* Kafka's throttler sees the send time in whole milliseconds. */
        if (throttle.target >= 0 &&
            perf_throttle_due(&throttle, i - 1, cli_kafka_monotonic_us() / 1000 * 1000)) {
            throttle.deficit_ns += throttle.sleep_ns;
            if (throttle.deficit_ns >= PERF_MIN_SLEEP_NS) {
                perf_produce_sleep(&p, cli_kafka_monotonic_us() + throttle.deficit_ns / 1000);
                throttle.deficit_ns = 0;
            }
        }
    }

    /* Wait for every delivery report (bounded by delivery.timeout.ms); a
     * signal during the wait gives up on what is left. */
    bool interrupted = stop;
    stop = 0;
    bool purged = false;
    while (p.delivered + p.failed < p.sent && !p.fatal) {
        if (stop && !purged) {
            rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            purged = true;
        }
        perf_produce_poll(&p, 100);
    }
    interrupted |= stop;
    perf_stats_print_total(stats, cli_kafka_monotonic_us());

    if (p.fatal) {
        status = CLI_EXIT_FAILURE;
    } else if (p.failed) {
        fprintf(stderr, "%s: %" PRIu64 " of %" PRIu64 " records were not delivered (first: %s)\n",
                cmd->tool, p.failed, p.sent, p.first_error_str);
        status = CLI_EXIT_FAILURE;
    } else if (interrupted) {
        fprintf(stderr, "%s: interrupted after %" PRIu64 " records\n", cmd->tool, p.sent);
        status = CLI_EXIT_FAILURE;
    } else {
        status = CLI_EXIT_OK;
    }

out:
    if (p.queue)
        rd_kafka_queue_destroy(p.queue);
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    if (rk)
        rd_kafka_destroy(rk);
    free(stats);
    free(chunk);
    free(numbers);
    perf_payloads_free(&pl);
    cli_kafka_props_destroy(props);
    cli_kafka_args_destroy(args);
    return status;
}

/* ---- dates (the subset of SimpleDateFormat Kafka's tools use) --------------------- */

/* Checks that pattern uses only the letters perf_format_date knows. */
static bool perf_date_pattern_ok(const char *pattern, char *bad)
{
    bool quoted = false;
    for (const char *p = pattern; *p; p++) {
        if (*p == '\'') {
            quoted = !quoted;
            continue;
        }
        if (!quoted && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) &&
            !strchr("yMdHmsS", *p)) {
            *bad = *p;
            return false;
        }
    }
    return true;
}

/* Formats ms (epoch milliseconds) in local time with a SimpleDateFormat
 * pattern of y, M, d, H, m, s and S runs and quoted literals. */
static void perf_format_date(char *out, size_t size, const char *pattern, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    size_t used = 0;
    bool quoted = false;
    for (const char *p = pattern; *p && used + 1 < size;) {
        if (*p == '\'') {
            if (p[1] == '\'') {
                out[used++] = '\'';
                p += 2;
            } else {
                quoted = !quoted;
                p++;
            }
            continue;
        }
        if (quoted || !strchr("yMdHmsS", *p)) {
            out[used++] = *p++;
            continue;
        }
        char letter = *p;
        int run = 0;
        while (*p == letter) {
            p++;
            run++;
        }
        long value = 0;
        switch (letter) {
        case 'y': value = tm.tm_year + 1900; break;
        case 'M': value = tm.tm_mon + 1; break;
        case 'd': value = tm.tm_mday; break;
        case 'H': value = tm.tm_hour; break;
        case 'm': value = tm.tm_min; break;
        case 's': value = tm.tm_sec; break;
        case 'S': value = (long)(ms % 1000); break;
        }
        if (letter == 'y' && run == 2)
            value %= 100;
        int n = snprintf(out + used, size - used, "%0*ld", run, value);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    out[used < size ? used : size - 1] = '\0';
}

/* ---- perf consume ---------------------------------------------------------------- */

static const cli_kafka_opt_t consume_opts[] = {
    {"bootstrap-server", CLI_KAFKA_OPT_VALUE, "SERVERS", "REQUIRED: the server(s) to connect to."},
    {"topic", CLI_KAFKA_OPT_VALUE, "TOPIC", "The topic to consume from."},
    {"include", CLI_KAFKA_OPT_VALUE, "REGEX",
     "Regular expression of the topics to consume from (instead of --topic)."},
    {"messages", CLI_KAFKA_OPT_VALUE, "COUNT", "REQUIRED: the number of messages to consume."},
    {"group", CLI_KAFKA_OPT_VALUE, "GID",
     "The group id to consume on (default: perf-consumer-<random>)."},
    {"fetch-size", CLI_KAFKA_OPT_VALUE, "SIZE",
     "The amount of data to fetch per partition in a single request (default: 1048576)."},
    {"socket-buffer-size", CLI_KAFKA_OPT_VALUE, "SIZE",
     "The size of the TCP receive buffer (default: 2097152)."},
    {"from-latest", CLI_KAFKA_OPT_FLAG, NULL,
     "Without a committed offset, start at the end of the log rather than the beginning."},
    {"consumer.config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE", "Consumer config properties file."},
    {"command-config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE",
     "The same as --consumer.config (Kafka 4.2's name)."},
    {"command-property", CLI_KAFKA_OPT_LIST, "PROP",
     "A consumer property in the form key=value (repeatable); the tool's options win over "
     "it."},
    {"timeout", CLI_KAFKA_OPT_VALUE, "MS",
     "The longest time allowed between returned records (default: 10000)."},
    {"reporting-interval", CLI_KAFKA_OPT_VALUE, "INTERVAL-MS",
     "Interval at which to print progress with --show-detailed-stats (default: 5000)."},
    {"show-detailed-stats", CLI_KAFKA_OPT_FLAG, NULL,
     "Print the statistics of each reporting interval instead of the totals."},
    {"date-format", CLI_KAFKA_OPT_VALUE, "FORMAT",
     "The format of the time fields, in SimpleDateFormat letters y M d H m s S "
     "(default: yyyy-MM-dd HH:mm:ss:SSS)."},
    {"hide-header", CLI_KAFKA_OPT_FLAG, NULL, "Do not print the header line."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t consume_cmd = {
    .tool = "sluice perf consume",
    .synopsis = "--bootstrap-server SERVERS (--topic TOPIC | --include REGEX) --messages N\n"
                "           [--group GID] [--fetch-size SIZE] [--timeout MS]\n"
                "           [--consumer.config FILE] [--show-detailed-stats] [--hide-header]",
    .description = "Measures consumer throughput as Kafka's kafka-consumer-perf-test does, "
                   "subscribing with a consumer group, and prints its header and line of "
                   "values: start.time, end.time, data.consumed.in.MB, MB.sec, "
                   "data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, "
                   "fetch.MB.sec, fetch.nMsg.sec. Exits 1 when fewer than --messages "
                   "arrived before --timeout.",
    .opts = consume_opts,
};

typedef struct perf_consumer {
    int64_t join_start_ms;
    int64_t join_ms;              /* total time spent (re)joining */
    int64_t join_ms_since_report; /* the same, for the current reporting interval */
    int assigned;                 /* partitions assigned now */
} perf_consumer_t;

/* Rebalance callback: times the joins as Kafka's ConsumerPerfRebListener does,
 * and applies the assignment. Main thread (served from the consume call). */
static void perf_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    perf_consumer_t *c = opaque;
    bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (c->assigned == 0) {
            int64_t elapsed = cli_kafka_wallclock_ms() - c->join_start_ms;
            c->join_ms += elapsed;
            c->join_ms_since_report += elapsed;
        }
        c->assigned += parts->cnt;
        if (cooperative) {
            rd_kafka_error_t *error = rd_kafka_incremental_assign(rk, parts);
            if (error)
                rd_kafka_error_destroy(error);
        } else {
            rd_kafka_assign(rk, parts);
        }
    } else {
        c->assigned = cooperative ? c->assigned - parts->cnt : 0;
        if (c->assigned <= 0) {
            c->assigned = 0;
            c->join_start_ms = cli_kafka_wallclock_ms();
        }
        if (cooperative) {
            rd_kafka_error_t *error = rd_kafka_incremental_unassign(rk, parts);
            if (error)
                rd_kafka_error_destroy(error);
        } else {
            rd_kafka_assign(rk, NULL);
        }
    }
}

static void perf_print_progress(const char *date_format, int64_t bytes, int64_t last_bytes,
                                int64_t messages, int64_t last_messages, int64_t start_ms,
                                int64_t end_ms, int64_t join_ms)
{
    char date[128];
    perf_format_date(date, sizeof date, date_format, end_ms);
    double elapsed_ms = (double)(end_ms - start_ms);
    double mb = (double)bytes / (1024 * 1024);
    double interval_mb = (double)(bytes - last_bytes) / (1024 * 1024);
    int64_t interval_msgs = messages - last_messages;
    int64_t fetch_ms = end_ms - start_ms - join_ms;
    printf("%s, %d, %.4f, %.4f, %" PRId64 ", %.4f, %" PRId64 ", %" PRId64 ", %.4f, %.4f\n", date, 0,
           mb, elapsed_ms > 0 ? 1000.0 * interval_mb / elapsed_ms : 0.0, messages,
           elapsed_ms > 0 ? 1000.0 * (double)interval_msgs / elapsed_ms : 0.0, join_ms, fetch_ms,
           fetch_ms > 0 ? 1000.0 * interval_mb / (double)fetch_ms : 0.0,
           fetch_ms > 0 ? 1000.0 * (double)interval_msgs / (double)fetch_ms : 0.0);
    fflush(stdout);
}

#define PERF_CONSUME_BATCH 4096

static int perf_consume(int argc, char **argv)
{
    const cli_kafka_command_t *cmd = &consume_cmd;
    int status = CLI_EXIT_USAGE;
    cli_kafka_props_t *props = NULL;
    rd_kafka_t *rk = NULL;
    rd_kafka_queue_t *queue = NULL;
    rd_kafka_message_t **msgs = NULL;
    char errstr[2048];

    cli_kafka_args_t *args = cli_kafka_args_parse(cmd, argc, argv, &status);
    if (!args)
        return status;
    const char *topic = cli_kafka_args_get(args, "topic");
    const char *include = cli_kafka_args_get(args, "include");
    int64_t messages_wanted, fetch_size, socket_buffer, timeout_ms, interval_ms;
    if (!cli_kafka_args_has(args, "messages")) {
        status = cli_kafka_usage_error(cmd, "--messages is required");
        goto out;
    }
    if (!topic == !include) {
        status = cli_kafka_usage_error(cmd, "give exactly one of --topic or --include");
        goto out;
    }
    if (cli_kafka_args_int(cmd, args, "messages", 1, INT64_MAX, 0, &messages_wanted) < 0 ||
        cli_kafka_args_int(cmd, args, "fetch-size", 1, INT32_MAX, 1048576, &fetch_size) < 0 ||
        cli_kafka_args_int(cmd, args, "socket-buffer-size", 0, INT32_MAX, 2097152, &socket_buffer) <
            0 ||
        cli_kafka_args_int(cmd, args, "timeout", 0, INT32_MAX, 10000, &timeout_ms) < 0 ||
        cli_kafka_args_int(cmd, args, "reporting-interval", 1, INT32_MAX, 5000, &interval_ms) < 0)
        goto out;
    const char *date_format = cli_kafka_args_get(args, "date-format");
    if (!date_format)
        date_format = "yyyy-MM-dd HH:mm:ss:SSS";
    char bad;
    if (!perf_date_pattern_ok(date_format, &bad)) {
        status = cli_kafka_usage_error(cmd,
                                       "--date-format: the letter '%c' is not supported "
                                       "(y M d H m s S are)",
                                       bad);
        goto out;
    }
    bool detailed = cli_kafka_args_has(args, "show-detailed-stats");

    status = CLI_EXIT_FAILURE;
    props = cli_kafka_props_new();
    const char *files[] = {cli_kafka_args_get(args, "consumer.config"),
                           cli_kafka_args_get(args, "command-config")};
    for (size_t i = 0; i < 2; i++) {
        if (files[i] && cli_kafka_props_load_file(props, files[i], errstr, sizeof errstr) < 0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
            goto out;
        }
    }
    for (size_t i = 0; i < cli_kafka_args_count(args, "command-property"); i++) {
        if (cli_kafka_props_add_kv(props, cli_kafka_args_at(args, "command-property", i),
                                   "--command-property", errstr, sizeof errstr) < 0) {
            status = cli_kafka_usage_error(cmd, "%s", errstr);
            goto out;
        }
    }
    /* As Kafka's tool, the options override the file and the properties. */
    if (cli_kafka_args_has(args, "bootstrap-server"))
        cli_kafka_props_set(props, "bootstrap.servers",
                            cli_kafka_args_get(args, "bootstrap-server"), "--bootstrap-server");
    const char *bootstrap = cli_kafka_props_get(props, "bootstrap.servers");
    if (!bootstrap) {
        status = cli_kafka_usage_error(cmd, "--bootstrap-server is required");
        goto out;
    }
    char buf[64];
    if (cli_kafka_args_has(args, "group")) {
        cli_kafka_props_set(props, "group.id", cli_kafka_args_get(args, "group"), "--group");
    } else {
        srand((unsigned)(cli_kafka_wallclock_ms() ^ getpid()));
        snprintf(buf, sizeof buf, "perf-consumer-%d", rand() % 100000);
        cli_kafka_props_default(props, "group.id", buf);
    }
    snprintf(buf, sizeof buf, "%" PRId64, fetch_size);
    cli_kafka_props_set(props, "max.partition.fetch.bytes", buf, "--fetch-size");
    snprintf(buf, sizeof buf, "%" PRId64, socket_buffer);
    cli_kafka_props_set(props, "socket.receive.buffer.bytes", buf, "--socket-buffer-size");
    cli_kafka_props_set(props, "auto.offset.reset",
                        cli_kafka_args_has(args, "from-latest") ? "latest" : "earliest",
                        "--from-latest");
    cli_kafka_props_set(props, "check.crcs", "false", "the tool");
    cli_kafka_props_default(props, "client.id", "perf-consumer-client");

    rd_kafka_conf_t *conf =
        cli_kafka_conf_new(cmd->tool, CLI_KAFKA_CONSUMER, props, errstr, sizeof errstr);
    if (!conf) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        goto out;
    }
    perf_consumer_t pc = {0};
    rd_kafka_conf_set_opaque(conf, &pc);
    rd_kafka_conf_set_rebalance_cb(conf, perf_rebalance_cb);

    if (!cli_kafka_args_has(args, "hide-header")) {
        printf(detailed ? "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, "
                          "nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, "
                          "fetch.nMsg.sec\n"
                        : "start.time, end.time, data.consumed.in.MB, MB.sec, "
                          "data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, "
                          "fetch.MB.sec, fetch.nMsg.sec\n");
        fflush(stdout);
    }

    rk = cli_kafka_new(CLI_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "%s: cannot create the consumer: %s\n", cmd->tool, errstr);
        goto out;
    }
    rd_kafka_poll_set_consumer(rk);
    queue = rd_kafka_queue_get_consumer(rk);

    int64_t start_ms = cli_kafka_wallclock_ms();
    pc.join_start_ms = start_ms;
    rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
    if (include) {
        /* librdkafka takes a subscription starting with '^' as a regex. */
        char *pattern = mem_alloc(strlen(include) + 2);
        sprintf(pattern, "%s%s", include[0] == '^' ? "" : "^", include);
        rd_kafka_topic_partition_list_add(subscription, pattern, RD_KAFKA_PARTITION_UA);
        free(pattern);
    } else {
        rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA);
    }
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subscription);
    rd_kafka_topic_partition_list_destroy(subscription);
    if (err) {
        fprintf(stderr, "%s: cannot subscribe to %s: %s\n", cmd->tool, include ? include : topic,
                rd_kafka_err2str(err));
        goto out;
    }

    volatile sig_atomic_t stop = 0;
    cli_kafka_stop_on_signals(&stop);
    msgs = mem_alloc(PERF_CONSUME_BATCH * sizeof(*msgs));
    int64_t messages = 0, bytes = 0, last_messages = 0, last_bytes = 0;
    int64_t now_ms = cli_kafka_wallclock_ms();
    int64_t last_report_ms = now_ms, last_consumed_ms = now_ms;
    int64_t errors = 0;
    while (messages < messages_wanted && now_ms - last_consumed_ms <= timeout_ms && !stop) {
        int64_t left = messages_wanted - messages;
        size_t want = left < PERF_CONSUME_BATCH ? (size_t)left : PERF_CONSUME_BATCH;
        ssize_t n = rd_kafka_consume_batch_queue(queue, 100, msgs, want);
        now_ms = cli_kafka_wallclock_ms();
        if (n < 0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, rd_kafka_err2str(rd_kafka_last_error()));
            break;
        }
        bool consumed = false;
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            if (!m->err) {
                messages++;
                bytes += (int64_t)(m->key_len + m->len);
                consumed = true;
            } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ < 5) {
                fprintf(stderr, "%s: %s\n", cmd->tool, rd_kafka_message_errstr(m));
            }
            rd_kafka_message_destroy(m);
        }
        if (consumed)
            last_consumed_ms = now_ms;
        if (now_ms - last_report_ms >= interval_ms) {
            if (detailed)
                perf_print_progress(date_format, bytes, last_bytes, messages, last_messages,
                                    last_report_ms, now_ms, pc.join_ms_since_report);
            pc.join_ms_since_report = 0;
            last_report_ms = now_ms;
            last_messages = messages;
            last_bytes = bytes;
        }
    }
    if (messages < messages_wanted && !stop)
        printf(
            "WARNING: Exiting before consuming the expected number of messages: timeout (%" PRId64
            " ms) exceeded. You can use the --timeout option to increase the timeout.\n",
            timeout_ms);
    int64_t end_ms = cli_kafka_wallclock_ms();

    if (!detailed) {
        char start_date[128], end_date[128];
        perf_format_date(start_date, sizeof start_date, date_format, start_ms);
        perf_format_date(end_date, sizeof end_date, date_format, end_ms);
        double elapsed_s = (double)(end_ms - start_ms) / 1000.0;
        int64_t fetch_ms = end_ms - start_ms - pc.join_ms;
        double mb = (double)bytes / (1024 * 1024);
        printf("%s, %s, %.4f, %.4f, %" PRId64 ", %.4f, %" PRId64 ", %" PRId64 ", %.4f, %.4f\n",
               start_date, end_date, mb, elapsed_s > 0 ? mb / elapsed_s : 0.0, messages,
               elapsed_s > 0 ? (double)messages / elapsed_s : 0.0, pc.join_ms, fetch_ms,
               fetch_ms > 0 ? mb / ((double)fetch_ms / 1000.0) : 0.0,
               fetch_ms > 0 ? (double)messages / ((double)fetch_ms / 1000.0) : 0.0);
        fflush(stdout);
    }
    status = messages >= messages_wanted ? CLI_EXIT_OK : CLI_EXIT_FAILURE;

out:
    free(msgs);
    if (queue)
        rd_kafka_queue_destroy(queue);
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    cli_kafka_props_destroy(props);
    cli_kafka_args_destroy(args);
    return status;
}

/* ---- sluice perf ------------------------------------------------------------------ */

static void perf_usage(FILE *out)
{
    fprintf(out,
            "Usage: sluice perf produce [OPTIONS]   (kafka-producer-perf-test)\n"
            "       sluice perf consume [OPTIONS]   (kafka-consumer-perf-test)\n"
            "\n"
            "Measures a Kafka-compatible cluster's producer or consumer throughput with\n"
            "librdkafka, printing the lines Kafka's perf tools print.\n"
            "'sluice perf produce --help' and 'sluice perf consume --help' list the options.\n");
}

int cli_perf(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "sluice perf: say produce or consume\n\n");
        perf_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        perf_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "produce") == 0)
        return perf_produce(argc - 1, argv + 1);
    if (strcmp(argv[1], "consume") == 0)
        return perf_consume(argc - 1, argv + 1);
    fprintf(stderr, "sluice perf: unknown mode '%s' (produce or consume)\n\n", argv[1]);
    perf_usage(stderr);
    return CLI_EXIT_USAGE;
}
