/*
 * The Kafka client configurations of a connector: the worker's and the
 * connector's settings layered as Kafka's Worker layers them, the override
 * policy refusing what it must with Kafka's message, Java-only keys
 * translated or dropped with a warning, bad values refused naming the key
 * where the user wrote it, and the result accepted by librdkafka itself.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "client_config.h"
#include "test_util.h"
#include "worker_config.h"

static char errstr[4096];

/* A worker config from key, value pairs (NULL-terminated) on top of the
 * keys every standalone worker needs. */
static worker_config_t *worker(const char *const *kv)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "bootstrap.servers", "127.0.0.1:19092");
    sluice_strmap_set(props, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
    sluice_strmap_set(props, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    sluice_strmap_set(props, "offset.storage.file.filename", "/tmp/offsets");
    for (size_t i = 0; kv && kv[i]; i += 2)
        sluice_strmap_set(props, kv[i], kv[i + 1]);
    worker_config_t *wc = worker_config_new(props, WORKER_MODE_STANDALONE, NULL, "w.properties",
                                            errstr, sizeof errstr);
    if (!wc)
        fprintf(stderr, "\n  worker config: %s\n", errstr);
    sluice_strmap_destroy(props);
    return wc;
}

static sluice_strmap_t *map(const char *const *kv)
{
    sluice_strmap_t *m = sluice_strmap_new();
    for (size_t i = 0; kv && kv[i]; i += 2)
        sluice_strmap_set(m, kv[i], kv[i + 1]);
    return m;
}

/* ---- stderr capture, to see the warnings ---------------------------------- */

static int saved_stderr = -1;
static char capture_path[] = "/tmp/client-config-test-XXXXXX";

static void capture_begin(void)
{
    fflush(stderr);
    int fd = mkstemp(capture_path);
    CU_ASSERT_FATAL(fd >= 0);
    saved_stderr = dup(2);
    dup2(fd, 2);
    close(fd);
}

/* What was written to stderr since capture_begin (caller frees). */
static char *capture_end(void)
{
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    FILE *f = fopen(capture_path, "r");
    char *text = calloc(1, 65536);
    if (f) {
        size_t n = fread(text, 1, 65535, f);
        text[n] = '\0';
        fclose(f);
    }
    unlink(capture_path);
    strcpy(capture_path, "/tmp/client-config-test-XXXXXX");
    return text;
}

/* ---- layering ------------------------------------------------------------- */

static void test_producer_defaults_and_layers(void)
{
    worker_config_t *wc = worker(
        (const char *const[]){"producer.linger.ms", "7", "producer.compression.type", "lz4", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *cp = map(
        (const char *const[]){"producer.override.linger.ms", "20", "producer.override.client.id",
                              "theirs", "consumer.override.fetch.min.bytes", "9", NULL});
    const char *const forced[] = {"client.id", "connector-producer-x-0", NULL};
    sluice_strmap_t *p =
        client_config_props(wc, cp, CLIENT_PRODUCER, forced, "x|task-0", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "bootstrap.servers"), "127.0.0.1:19092");
    /* Kafka 32 MiB, not librdkafka's 1 GiB; Java's key hashing; Connect's acks */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "queue.buffering.max.kbytes"), "32768");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "partitioner"), "murmur2_random");
    /* TCP_NODELAY, as Java clients: no delayed-ACK stalls on produce requests */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "socket.nagle.disable"), "true");
    /* a bounded queue: memory stays near two batches of small records */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "queue.buffering.max.messages"), "20000");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "acks"), "all");
    /* ordered retries through the idempotent producer */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "enable.idempotence"), "true");
    /* the connector's override beats the worker's producer.* */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "linger.ms"), "20");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "compression.type"), "lz4");
    /* forced pairs beat everything */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "client.id"), "connector-producer-x-0");
    /* another kind's overrides stay out */
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "fetch.min.bytes"));
    /* and no consumer default leaks in */
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "queued.max.messages.kbytes"));
    sluice_strmap_destroy(p);
    sluice_strmap_destroy(cp);
    worker_config_destroy(wc);
}

static void test_user_beats_sluice_defaults(void)
{
    worker_config_t *wc = worker(
        (const char *const[]){"producer.acks", "1", "consumer.fetch.max.bytes", "1048576", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *cp =
        map((const char *const[]){"producer.override.buffer.memory", "1048576", NULL});
    sluice_strmap_t *p =
        client_config_props(wc, cp, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "acks"), "1");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "queue.buffering.max.kbytes"), "1024");
    sluice_strmap_destroy(p);
    sluice_strmap_t *c =
        client_config_props(wc, NULL, CLIENT_CONSUMER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "fetch.max.bytes"), "1048576");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "queued.max.messages.kbytes"), "4096");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "queued.min.messages"), "10000");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "enable.auto.commit"), "false");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "auto.offset.reset"), "earliest");
    sluice_strmap_destroy(c);
    sluice_strmap_destroy(cp);
    worker_config_destroy(wc);
}

static void test_admin_inherits_worker_security(void)
{
    worker_config_t *wc = worker((const char *const[]){
        "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "admin.sasl.mechanism",
        "SCRAM-SHA-256", "admin.bootstrap.servers", "127.0.0.1:29092", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *a =
        client_config_props(wc, NULL, CLIENT_ADMIN, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(a, "security.protocol"), "SASL_PLAINTEXT");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(a, "sasl.mechanism"), "SCRAM-SHA-256");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(a, "bootstrap.servers"), "127.0.0.1:29092");
    sluice_strmap_destroy(a);
    /* producers take only producer.* (as in Kafka) */
    sluice_strmap_t *p =
        client_config_props(wc, NULL, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "security.protocol"));
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "bootstrap.servers"), "127.0.0.1:19092");
    sluice_strmap_destroy(p);
    worker_config_destroy(wc);
}

/* ---- policy ---------------------------------------------------------------- */

static void test_policy_none(void)
{
    sluice_strmap_t *cp = map((const char *const[]){
        "name", "x", "producer.override.linger.ms", "5", "consumer.override.sasl.mechanism",
        "PLAIN", "admin.override.retries", "3", "producer.linger.ms", "1", NULL});
    CU_ASSERT_EQUAL(client_config_check_overrides("None", cp, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "producer.override.linger.ms: The 'None' policy does not allow "
                            "'linger.ms' to be overridden in the connector configuration.");
    ASSERT_CONTAINS(errstr, "consumer.override.sasl.mechanism: The 'None' policy does not allow "
                            "'sasl.mechanism'");
    ASSERT_CONTAINS(errstr, "admin.override.retries: The 'None' policy");
    /* a worker-style key in a connector config is not an override */
    CU_ASSERT_PTR_NULL(strstr(errstr, "producer.linger.ms"));
    CU_ASSERT_EQUAL(client_config_check_overrides("None", NULL, errstr, sizeof errstr), 0);

    worker_config_t *wc =
        worker((const char *const[]){"connector.client.config.override.policy", "None", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    /* a client is not built over a refused override... */
    CU_ASSERT_PTR_NULL(
        client_config_build(wc, cp, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "producer.override.linger.ms: The 'None' policy");
    CU_ASSERT_PTR_NULL(strstr(errstr, "admin.override"));
    /* ...but the worker's own settings still apply */
    sluice_strmap_t *plain = map((const char *const[]){"name", "x", NULL});
    sluice_strmap_t *p =
        client_config_props(wc, plain, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL(p);
    sluice_strmap_destroy(p);
    sluice_strmap_destroy(plain);
    worker_config_destroy(wc);
    sluice_strmap_destroy(cp);
}

static void test_policy_principal(void)
{
    sluice_strmap_t *ok = map((const char *const[]){
        "producer.override.sasl.mechanism", "PLAIN", "producer.override.security.protocol",
        "SASL_PLAINTEXT", "producer.override.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
        "password=\"p\";",
        NULL});
    CU_ASSERT_EQUAL(client_config_check_overrides("Principal", ok, errstr, sizeof errstr), 0);
    /* any case, and Kafka's class name */
    CU_ASSERT_EQUAL(client_config_check_overrides("principal", ok, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(client_config_check_overrides("org.apache.kafka.connect.connector.policy."
                                                  "PrincipalConnectorClientConfigOverridePolicy",
                                                  ok, errstr, sizeof errstr),
                    0);
    sluice_strmap_set(ok, "consumer.override.sasl.kerberos.service.name", "kafka");
    CU_ASSERT_EQUAL(client_config_check_overrides("Principal", ok, errstr, sizeof errstr), -1);
    CU_ASSERT_STRING_EQUAL(errstr, "consumer.override.sasl.kerberos.service.name: The 'Principal' "
                                   "policy does not allow 'sasl.kerberos.service.name' to be "
                                   "overridden in the connector configuration.");
    CU_ASSERT_EQUAL(client_config_check_overrides("All", ok, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(client_config_check_overrides("Some", ok, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "'Some' is not one of None, Principal, All");
    sluice_strmap_destroy(ok);
}

/* ---- translations ---------------------------------------------------------- */

static void test_translations(void)
{
    worker_config_t *wc = worker((const char *const[]){
        "producer.buffer.memory", "1048577", "producer.max.request.size", "2097152",
        "producer.send.buffer.bytes", "-1", "producer.receive.buffer.bytes", "65536",
        "consumer.fetch.max.wait.ms", "250", "consumer.request.timeout.ms", "40000",
        "consumer.partition.assignment.strategy",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        "consumer.ssl.endpoint.identification.algorithm", "", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *p =
        client_config_props(wc, NULL, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "queue.buffering.max.kbytes"), "1025");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "message.max.bytes"), "2097152");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "socket.send.buffer.bytes"), "0");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "socket.receive.buffer.bytes"), "65536");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "buffer.memory"));
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "max.request.size"));
    sluice_strmap_destroy(p);

    sluice_strmap_t *cp =
        map((const char *const[]){"consumer.override.auto.offset.reset", "none", NULL});
    sluice_strmap_t *c =
        client_config_props(wc, cp, CLIENT_CONSUMER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "fetch.wait.max.ms"), "250");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "socket.timeout.ms"), "40000");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(c, "request.timeout.ms"));
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "partition.assignment.strategy"),
                           "cooperative-sticky");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "ssl.endpoint.identification.algorithm"), "none");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(c, "auto.offset.reset"), "error");
    sluice_strmap_destroy(c);
    sluice_strmap_destroy(cp);
    worker_config_destroy(wc);
}

static void test_jaas_and_stores(void)
{
    worker_config_t *wc = worker(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *cp = map((const char *const[]){
        "producer.override.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required\n"
        "  username=\"alice\" password=\"s3cr\\\"et\";",
        "producer.override.ssl.truststore.type", "PEM", "producer.override.ssl.truststore.location",
        "/etc/ssl/ca.pem", "producer.override.ssl.keystore.type", "PEM",
        "producer.override.ssl.keystore.location", "/etc/ssl/client.pem", NULL});
    sluice_strmap_t *p =
        client_config_props(wc, cp, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "sasl.username"), "alice");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "sasl.password"), "s3cr\"et");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "ssl.ca.location"), "/etc/ssl/ca.pem");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "ssl.certificate.location"), "/etc/ssl/client.pem");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "ssl.key.location"), "/etc/ssl/client.pem");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "sasl.jaas.config"));
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "ssl.truststore.type"));
    sluice_strmap_destroy(p);
    sluice_strmap_destroy(cp);

    /* a Java truststore: librdkafka's own reason, naming where it was set */
    cp = map(
        (const char *const[]){"producer.override.ssl.truststore.location", "/etc/ts.jks", NULL});
    CU_ASSERT_PTR_NULL(
        client_config_props(wc, cp, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "producer.override.ssl.truststore.location=/etc/ts.jks: ");
    ASSERT_CONTAINS(errstr, "ssl.ca.location");
    sluice_strmap_destroy(cp);

    /* a login module librdkafka cannot stand in for; the secret stays hidden */
    cp = map((const char *const[]){"consumer.override.sasl.jaas.config",
                                   "com.example.TokenLoginModule required token=\"topsecret\";",
                                   NULL});
    CU_ASSERT_PTR_NULL(
        client_config_props(wc, cp, CLIENT_CONSUMER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "consumer.override.sasl.jaas.config=[hidden]: ");
    ASSERT_CONTAINS(errstr, "com.example.TokenLoginModule");
    CU_ASSERT_PTR_NULL(strstr(errstr, "topsecret"));
    sluice_strmap_destroy(cp);

    cp = map((const char *const[]){"consumer.override.sasl.jaas.config",
                                   "PlainLoginModule username=\"u\";", NULL});
    CU_ASSERT_PTR_NULL(
        client_config_props(wc, cp, CLIENT_CONSUMER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "control flag");
    sluice_strmap_destroy(cp);
    worker_config_destroy(wc);
}

static void test_java_only_keys_dropped_with_warning(void)
{
    worker_config_t *wc = worker((const char *const[]){
        "producer.key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer",
        "consumer.max.poll.records", "100", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *cp = map((const char *const[]){
        "producer.override.interceptor.classes", "com.example.Spy",
        "producer.override.metric.reporters", "", "producer.override.partitioner.class",
        "org.apache.kafka.clients.producer.RoundRobinPartitioner", NULL});
    capture_begin();
    sluice_strmap_t *p = client_config_props(wc, cp, CLIENT_PRODUCER, NULL, "my-source|task-3",
                                             errstr, sizeof errstr);
    sluice_strmap_t *c =
        client_config_props(wc, cp, CLIENT_CONSUMER, NULL, "my-sink|task-0", errstr, sizeof errstr);
    char *log = capture_end();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "key.serializer"));
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "interceptor.classes"));
    CU_ASSERT_PTR_NULL(sluice_strmap_get(p, "partitioner.class"));
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "partitioner"), "murmur2_random");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(c, "max.poll.records"));
    ASSERT_CONTAINS(log, "[my-source|task-3]");
    ASSERT_CONTAINS(log, "producer.key.serializer");
    ASSERT_CONTAINS(log, "producer.override.interceptor.classes");
    ASSERT_CONTAINS(log, "producer.override.metric.reporters");
    ASSERT_CONTAINS(log, "producer.override.partitioner.class");
    ASSERT_CONTAINS(log, "[my-sink|task-0]");
    ASSERT_CONTAINS(log, "consumer.max.poll.records");
    /* one warning per key and client */
    const char *first = strstr(log, "producer.key.serializer");
    CU_ASSERT_PTR_NULL(first ? strstr(first + 1, "producer.key.serializer") : NULL);
    free(log);
    sluice_strmap_destroy(p);
    sluice_strmap_destroy(c);
    sluice_strmap_destroy(cp);
    worker_config_destroy(wc);
}

static void test_invalid_values_name_the_key(void)
{
    worker_config_t *wc = worker((const char *const[]){"producer.linger.ms", "-5", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    CU_ASSERT_PTR_NULL(
        client_config_build(wc, NULL, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "producer.linger.ms=-5: ");
    worker_config_destroy(wc);

    wc = worker(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *cp = map((const char *const[]){"producer.override.acks", "maybe", NULL});
    CU_ASSERT_PTR_NULL(
        client_config_build(wc, cp, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "producer.override.acks=maybe: ");
    ASSERT_CONTAINS(errstr, "Invalid value");
    sluice_strmap_destroy(cp);

    cp = map((const char *const[]){"producer.override.buffer.memory", "lots", NULL});
    CU_ASSERT_PTR_NULL(
        client_config_build(wc, cp, CLIENT_PRODUCER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "producer.override.buffer.memory=lots: ");
    sluice_strmap_destroy(cp);

    cp = map((const char *const[]){"consumer.override.partition.assignment.strategy",
                                   "org.apache.kafka.clients.consumer.StickyAssignor", NULL});
    CU_ASSERT_PTR_NULL(
        client_config_build(wc, cp, CLIENT_CONSUMER, NULL, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "consumer.override.partition.assignment.strategy=");
    ASSERT_CONTAINS(errstr, "StickyAssignor");
    sluice_strmap_destroy(cp);

    /* a bad forced pair names the key too */
    const char *const forced[] = {"enable.auto.commit", "perhaps", NULL};
    CU_ASSERT_PTR_NULL(
        client_config_build(wc, NULL, CLIENT_CONSUMER, forced, "x", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "enable.auto.commit=perhaps: ");
    worker_config_destroy(wc);
}

/* The built configurations make real clients: Sluice's defaults agree with
 * each other and with librdkafka's checks at rd_kafka_new. */
static void test_librdkafka_accepts_the_result(void)
{
    worker_config_t *wc = worker((const char *const[]){"producer.buffer.memory", "8388608", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    char why[512];
    /* nothing listens at the bootstrap address: keep librdkafka's
     * connection errors out of the test output */
    const char *const quiet[] = {"log_level", "2", NULL};
    rd_kafka_conf_t *conf =
        client_config_build(wc, NULL, CLIENT_PRODUCER, quiet, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    char value[64];
    size_t size = sizeof value;
    CU_ASSERT_EQUAL(rd_kafka_conf_get(conf, "queue.buffering.max.kbytes", value, &size),
                    RD_KAFKA_CONF_OK);
    CU_ASSERT_STRING_EQUAL(value, "8192");
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    if (!rk)
        fprintf(stderr, "\n  producer: %s\n", why);
    CU_ASSERT_PTR_NOT_NULL(rk);
    if (rk)
        rd_kafka_destroy(rk);
    else
        rd_kafka_conf_destroy(conf);

    const char *const forced[] = {"group.id", "connect-x", "log_level", "2", NULL};
    conf = client_config_build(wc, NULL, CLIENT_CONSUMER, forced, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (!rk)
        fprintf(stderr, "\n  consumer: %s\n", why);
    CU_ASSERT_PTR_NOT_NULL(rk);
    if (rk)
        rd_kafka_destroy(rk);
    else
        rd_kafka_conf_destroy(conf);

    conf = client_config_build(wc, NULL, CLIENT_ADMIN, quiet, "x", errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL(rk);
    if (rk)
        rd_kafka_destroy(rk);
    else
        rd_kafka_conf_destroy(conf);
    worker_config_destroy(wc);
}

void test_register(void)
{
    TEST_SUITE("client_config", {"producer defaults and layers", test_producer_defaults_and_layers},
               {"user settings beat Sluice's defaults", test_user_beats_sluice_defaults},
               {"admin inherits the worker's security", test_admin_inherits_worker_security},
               {"policy None", test_policy_none}, {"policy Principal", test_policy_principal},
               {"translations", test_translations}, {"JAAS and stores", test_jaas_and_stores},
               {"Java-only keys dropped with a warning", test_java_only_keys_dropped_with_warning},
               {"invalid values name the key", test_invalid_values_name_the_key},
               {"librdkafka accepts the result", test_librdkafka_accepts_the_result});
}
