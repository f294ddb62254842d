/* The Kafka tools' shared plumbing (worker/cli_kafka.c): Kafka-style option
 * parsing, client properties and the Java-to-librdkafka property names. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_kafka.h"
#include "test_util.h"

static const cli_kafka_opt_t opts[] = {
    {"topic", CLI_KAFKA_OPT_VALUE, "TOPIC", "The topic."},
    {"throughput", CLI_KAFKA_OPT_VALUE, "RATE", "The rate."},
    {"config", CLI_KAFKA_OPT_LIST, "K=V", "A config."},
    {"producer-props", CLI_KAFKA_OPT_VALUES, "K=V", "Properties."},
    {"compression-codec", CLI_KAFKA_OPT_OPTIONAL, "CODEC", "A codec."},
    {"list", CLI_KAFKA_OPT_FLAG, NULL, "List."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t cmd = {
    .tool = "sluice test",
    .synopsis = "[OPTIONS]",
    .description = "A command for the tests.",
    .opts = opts,
};

/* Parses a NULL-terminated argument list (after the command name). */
static cli_kafka_args_t *parse(int *status, ...)
{
    char *argv[32] = {"test"};
    int argc = 1;
    va_list ap;
    va_start(ap, status);
    for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    /* Usage errors print the usage: keep it out of the test output. */
    fflush(stderr);
    int saved = dup(2);
    FILE *devnull = freopen("/dev/null", "w", stderr);
    cli_kafka_args_t *args = cli_kafka_args_parse(&cmd, argc, argv, status);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    (void)devnull;
    return args;
}

static void test_values_in_both_forms(void)
{
    int status = -1;
    cli_kafka_args_t *args = parse(&status, "--topic", "t1", "--throughput=-1", "--list",
                                   "--config", "a=1", "--config=b=2", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_get(args, "topic"), "t1");
    /* "-1" is a value, not an option. */
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_get(args, "throughput"), "-1");
    CU_ASSERT(cli_kafka_args_has(args, "list"));
    CU_ASSERT_EQUAL(cli_kafka_args_count(args, "config"), 2);
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_at(args, "config", 0), "a=1");
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_at(args, "config", 1), "b=2");
    CU_ASSERT_FALSE(cli_kafka_args_has(args, "compression-codec"));
    cli_kafka_args_destroy(args);

    args = parse(&status, "--throughput", "-1", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_get(args, "throughput"), "-1");
    cli_kafka_args_destroy(args);
}

static void test_values_run_to_the_next_option(void)
{
    int status = -1;
    cli_kafka_args_t *args = parse(&status, "--producer-props", "acks=1", "linger.ms=5", "--topic",
                                   "t", "--producer-props", "x=y", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);
    CU_ASSERT_EQUAL(cli_kafka_args_count(args, "producer-props"), 3);
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_at(args, "producer-props", 1), "linger.ms=5");
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_at(args, "producer-props", 2), "x=y");
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_get(args, "topic"), "t");
    cli_kafka_args_destroy(args);
}

static void test_optional_value(void)
{
    int status = -1;
    cli_kafka_args_t *args = parse(&status, "--compression-codec", "--list", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);
    CU_ASSERT(cli_kafka_args_has(args, "compression-codec"));
    CU_ASSERT_PTR_NULL(cli_kafka_args_get(args, "compression-codec"));
    cli_kafka_args_destroy(args);
    args = parse(&status, "--compression-codec", "lz4", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(args);
    CU_ASSERT_STRING_EQUAL(cli_kafka_args_get(args, "compression-codec"), "lz4");
    cli_kafka_args_destroy(args);
}

static void test_mistakes_are_usage_errors(void)
{
    int status;
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "--nope", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "--topic", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "--topic", "--list", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "--topic", "a", "--topic", "b", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "--list=yes", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "stray", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
    status = -1;
    CU_ASSERT_PTR_NULL(parse(&status, "--producer-props", "--list", NULL));
    CU_ASSERT_EQUAL(status, CLI_EXIT_USAGE);
}

static void test_parse_int(void)
{
    int64_t v = 0;
    CU_ASSERT(cli_kafka_parse_int("42", 0, 100, &v) && v == 42);
    CU_ASSERT(cli_kafka_parse_int("-1", -1, 100, &v) && v == -1);
    CU_ASSERT_FALSE(cli_kafka_parse_int("101", 0, 100, &v));
    CU_ASSERT_FALSE(cli_kafka_parse_int("4x", 0, 100, &v));
    CU_ASSERT_FALSE(cli_kafka_parse_int("", 0, 100, &v));
    CU_ASSERT_FALSE(cli_kafka_parse_int(" 4", 0, 100, &v));
    CU_ASSERT_FALSE(cli_kafka_parse_int("99999999999999999999", 0, INT64_MAX, &v));
}

static void test_props_key_value(void)
{
    char errstr[512];
    cli_kafka_props_t *props = cli_kafka_props_new();
    CU_ASSERT_EQUAL(
        cli_kafka_props_add_kv(props, "sasl.jaas.config=a=b", "--x", errstr, sizeof errstr), 0);
    CU_ASSERT_STRING_EQUAL(cli_kafka_props_get(props, "sasl.jaas.config"), "a=b");
    CU_ASSERT_EQUAL(cli_kafka_props_add_kv(props, "=v", "--x", errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "--x takes key=value");
    CU_ASSERT_EQUAL(cli_kafka_props_add_kv(props, "novalue", "--x", errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "'novalue'");
    cli_kafka_props_default(props, "sasl.jaas.config", "other");
    CU_ASSERT_STRING_EQUAL(cli_kafka_props_get(props, "sasl.jaas.config"), "a=b");
    cli_kafka_props_default(props, "client.id", "c");
    CU_ASSERT_STRING_EQUAL(cli_kafka_props_get(props, "client.id"), "c");
    cli_kafka_props_unset(props, "client.id");
    CU_ASSERT_PTR_NULL(cli_kafka_props_get(props, "client.id"));
    cli_kafka_props_destroy(props);
}

static void test_props_file(void)
{
    char path[] = "/tmp/sluice-test-cli-kafka-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    const char *text = "# producer\nacks = all\nlinger.ms: 7\n";
    CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char errstr[1024];
    cli_kafka_props_t *props = cli_kafka_props_new();
    CU_ASSERT_EQUAL(cli_kafka_props_load_file(props, path, errstr, sizeof errstr), 0);
    CU_ASSERT_STRING_EQUAL(cli_kafka_props_get(props, "acks"), "all");
    CU_ASSERT_STRING_EQUAL(cli_kafka_props_get(props, "linger.ms"), "7");
    unlink(path);
    CU_ASSERT_EQUAL(cli_kafka_props_load_file(props, path, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, path);
    cli_kafka_props_destroy(props);
}

static char *conf_value(rd_kafka_conf_t *conf, const char *key)
{
    static char buf[512];
    size_t size = sizeof buf;
    if (rd_kafka_conf_get(conf, key, buf, &size) != RD_KAFKA_CONF_OK)
        return NULL;
    return buf;
}

static void test_java_names(void)
{
    char errstr[1024];
    cli_kafka_props_t *props = cli_kafka_props_new();
    cli_kafka_props_set(props, "buffer.memory", "33554432", "t");
    cli_kafka_props_set(props, "max.request.size", "2000000", "t");
    cli_kafka_props_set(props, "fetch.max.wait.ms", "250", "t");
    cli_kafka_props_set(props, "receive.buffer.bytes", "-1", "t");
    cli_kafka_props_set(props, "security.protocol", "PLAINTEXT", "t");
    cli_kafka_props_set(props, "partition.assignment.strategy",
                        "org.apache.kafka.clients.consumer.RoundRobinAssignor,range", "t");
    cli_kafka_props_set(props, "key.serializer",
                        "org.apache.kafka.common.serialization.ByteArraySerializer", "t");
    cli_kafka_props_set(props, "linger.ms", "12", "t");
    rd_kafka_conf_t *conf =
        cli_kafka_conf_new("sluice test", CLI_KAFKA_PRODUCER, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "queue.buffering.max.kbytes"), "32768");
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "message.max.bytes"), "2000000");
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "fetch.wait.max.ms"), "250");
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "socket.receive.buffer.bytes"), "0");
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "security.protocol"), "plaintext");
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "partition.assignment.strategy"), "roundrobin,range");
    CU_ASSERT_STRING_EQUAL(conf_value(conf, "linger.ms"), "12");
    rd_kafka_conf_destroy(conf);
    cli_kafka_props_destroy(props);
}

static void test_bad_properties_name_their_origin(void)
{
    char errstr[1024];
    cli_kafka_props_t *props = cli_kafka_props_new();
    cli_kafka_props_set(props, "linger.ms", "soon", "--producer-props");
    CU_ASSERT_PTR_NULL(
        cli_kafka_conf_new("sluice test", CLI_KAFKA_PRODUCER, props, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "linger.ms=soon");
    ASSERT_CONTAINS(errstr, "--producer-props");
    cli_kafka_props_destroy(props);

    props = cli_kafka_props_new();
    cli_kafka_props_set(props, "no.such.thing", "1", "/etc/producer.properties");
    CU_ASSERT_PTR_NULL(
        cli_kafka_conf_new("sluice test", CLI_KAFKA_PRODUCER, props, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "no.such.thing");
    ASSERT_CONTAINS(errstr, "/etc/producer.properties");
    cli_kafka_props_destroy(props);

    props = cli_kafka_props_new();
    cli_kafka_props_set(props, "partition.assignment.strategy",
                        "org.apache.kafka.clients.consumer.StickyAssignor", "f");
    CU_ASSERT_PTR_NULL(
        cli_kafka_conf_new("sluice test", CLI_KAFKA_CONSUMER, props, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "StickyAssignor");
    cli_kafka_props_destroy(props);
}

static void test_internal_topics(void)
{
    CU_ASSERT(cli_kafka_topic_is_internal("__consumer_offsets"));
    CU_ASSERT(cli_kafka_topic_is_internal("__transaction_state"));
    CU_ASSERT_FALSE(cli_kafka_topic_is_internal("__mine"));
    CU_ASSERT_FALSE(cli_kafka_topic_is_internal("orders"));
}

void test_register(void)
{
    TEST_SUITE("cli_kafka", {"option values in both forms", test_values_in_both_forms},
               {"multi-value options run to the next option", test_values_run_to_the_next_option},
               {"an optional value", test_optional_value},
               {"mistakes are usage errors", test_mistakes_are_usage_errors},
               {"integers", test_parse_int}, {"key=value properties", test_props_key_value},
               {"properties files", test_props_file},
               {"Java client names become librdkafka's", test_java_names},
               {"bad properties name their origin", test_bad_properties_name_their_origin},
               {"internal topics", test_internal_topics});
}
