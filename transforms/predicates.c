/*
 * Kafka's built-in predicates (org.apache.kafka.connect.transforms.predicates):
 * TopicNameMatches, RecordIsTombstone and HasHeaderKey. A predicate decides
 * whether the transform it is attached to applies to a record.
 */
#include "java_regex.h"
#include "transforms.h"

/* ---- TopicNameMatches --------------------------------------------------------- */

/* Kafka composes NonEmptyString with its regex validator. */
static int topic_name_matches_check(const char *name, const char *value, char *errstr,
                                    size_t errstr_size)
{
    if (value && !value[0]) {
        snprintf(errstr, errstr_size, "String must be non-empty");
        return -1;
    }
    return tf_regex_check(name, value, errstr, errstr_size);
}

/* clang-format off */
static const sluice_config_key_t topic_name_matches_config[] = {
    {.name = "pattern", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_CHECK(topic_name_matches_check),
     .doc = "A Java regular expression that the whole topic name of a record must match. "
            "Runs on POSIX extended regular expressions: see the transforms README for the "
            "Java constructs that are refused."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t topic_name_matches_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                                 void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    const char *pattern = sluice_config_get_string(config, "pattern");
    if (!pattern || !pattern[0])
        return tf_fail(errstr, errstr_size,
                       "Invalid value for configuration pattern: String must be non-empty");
    char why[384];
    tf_regex_t *re = tf_regex_new(pattern, why, sizeof why);
    if (!re)
        return tf_fail(errstr, errstr_size,
                       "Invalid value %s for configuration pattern: entry must be a "
                       "Java-compatible regular expression: %s",
                       pattern, why);
    *self = re;
    return SLUICE_OK;
}

static bool topic_name_matches_test(void *self, const sluice_record_t *record)
{
    const char *topic = sluice_record_topic(record);
    return topic && tf_regex_matches(self, topic, NULL);
}

static void topic_name_matches_destroy(void *self)
{
    tf_regex_destroy(self);
}

static const sluice_predicate_ops_t topic_name_matches_ops = {
    .struct_size = sizeof(sluice_predicate_ops_t),
    .create = topic_name_matches_create,
    .test = topic_name_matches_test,
    .destroy = topic_name_matches_destroy,
};

const sluice_class_t tf_topic_name_matches_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_PREDICATE,
    .name = TF_PREDICATE_PACKAGE "TopicNameMatches",
    .version = TF_VERSION,
    .doc = "True for records whose topic name matches a regular expression.",
    .config = topic_name_matches_config,
    .predicate = &topic_name_matches_ops,
};

/* ---- RecordIsTombstone -------------------------------------------------------- */

static sluice_result_t tombstone_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                        void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)errstr;
    (void)errstr_size;
    static char stateless; /* a non-NULL self, though there is no state */
    *self = &stateless;
    return SLUICE_OK;
}

static bool tombstone_test(void *self, const sluice_record_t *record)
{
    (void)self;
    return sluice_record_value(record) == NULL;
}

static void tombstone_destroy(void *self)
{
    (void)self;
}

static const sluice_predicate_ops_t tombstone_ops = {
    .struct_size = sizeof(sluice_predicate_ops_t),
    .create = tombstone_create,
    .test = tombstone_test,
    .destroy = tombstone_destroy,
};

static const sluice_config_key_t tombstone_config[] = {SLUICE_CONFIG_END};

const sluice_class_t tf_record_is_tombstone_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_PREDICATE,
    .name = TF_PREDICATE_PACKAGE "RecordIsTombstone",
    .version = TF_VERSION,
    .doc = "True for tombstones: records whose value is null.",
    .config = tombstone_config,
    .predicate = &tombstone_ops,
};

/* ---- HasHeaderKey ------------------------------------------------------------- */

/* clang-format off */
static const sluice_config_key_t has_header_key_config[] = {
    {.name = "name", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_MEDIUM, .validator = SLUICE_NON_EMPTY,
     .doc = "The header key to look for."},
    SLUICE_CONFIG_END};
/* clang-format on */

static sluice_result_t has_header_key_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                             void **self, char *errstr, size_t errstr_size)
{
    (void)ctx;
    const char *name = sluice_config_get_string(config, "name");
    if (!name || !name[0])
        return tf_fail(errstr, errstr_size,
                       "Invalid value for configuration name: String must be non-empty");
    *self = tf_strdup(name);
    return SLUICE_OK;
}

static bool has_header_key_test(void *self, const sluice_record_t *record)
{
    return sluice_headers_last_index(sluice_record_headers_const(record), self) >= 0;
}

static const sluice_predicate_ops_t has_header_key_ops = {
    .struct_size = sizeof(sluice_predicate_ops_t),
    .create = has_header_key_create,
    .test = has_header_key_test,
    .destroy = free,
};

const sluice_class_t tf_has_header_key_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_PREDICATE,
    .name = TF_PREDICATE_PACKAGE "HasHeaderKey",
    .version = TF_VERSION,
    .doc = "True for records with at least one header of a given key.",
    .config = has_header_key_config,
    .predicate = &has_header_key_ops,
};
