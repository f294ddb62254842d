/*
 * Sluice public plugin ABI: typed configuration.
 *
 * A plugin declares its keys in a static table (Kafka's ConfigDef). The
 * runtime uses that one table to apply defaults, parse and reject values,
 * answer the REST config and validate endpoints and print
 * `sluice plugins describe`, so documentation cannot drift from code.
 *
 *     static const sluice_config_key_t file_source_config[] = {
 *         { .name = "file", .type = SLUICE_CONFIG_STRING,
 *           .importance = SLUICE_IMPORTANCE_HIGH,
 *           .doc = "Source filename. If not specified, the standard input will be used" },
 *         { .name = "batch.size", .type = SLUICE_CONFIG_INT, .default_value = "2000",
 *           .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_AT_LEAST(1),
 *           .doc = "The maximum number of records the source task can read from the file each time
 * it is polled" }, SLUICE_CONFIG_END
 *     };
 *
 * A key with .required set has no default and must be given; otherwise
 * .default_value is the default written as a user would write it, and NULL
 * means the default is null.
 */
#ifndef SLUICE_CONFIG_H
#define SLUICE_CONFIG_H

#include "strmap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sluice_config_type {
    SLUICE_CONFIG_BOOLEAN = 0,
    SLUICE_CONFIG_STRING,
    SLUICE_CONFIG_INT,   /* 32-bit */
    SLUICE_CONFIG_SHORT, /* 16-bit */
    SLUICE_CONFIG_LONG,  /* 64-bit */
    SLUICE_CONFIG_DOUBLE,
    SLUICE_CONFIG_LIST,    /* comma-separated, items trimmed */
    SLUICE_CONFIG_CLASS,   /* a plugin class name or alias */
    SLUICE_CONFIG_PASSWORD /* a string never shown in logs or errors */
} sluice_config_type_t;

/* Kafka's names: "BOOLEAN", "STRING", "INT", "SHORT", "LONG", "DOUBLE",
 * "LIST", "CLASS", "PASSWORD". */
const char *sluice_config_type_name(sluice_config_type_t type);

typedef enum sluice_importance {
    SLUICE_IMPORTANCE_HIGH = 0,
    SLUICE_IMPORTANCE_MEDIUM,
    SLUICE_IMPORTANCE_LOW
} sluice_importance_t;

/* "HIGH", "MEDIUM", "LOW". */
const char *sluice_importance_name(sluice_importance_t importance);

/* Writes a reason into errstr and returns -1 when value is invalid for the
 * key called name, else 0. value is the raw (trimmed) string or NULL. */
typedef int (*sluice_config_check_fn)(const char *name, const char *value, char *errstr,
                                      size_t errstr_size);

typedef enum sluice_validator_kind {
    SLUICE_VALIDATOR_NONE = 0,
    SLUICE_VALIDATOR_RANGE,             /* numeric min..max, inclusive */
    SLUICE_VALIDATOR_ONE_OF,            /* value is one of values (case-sensitive) */
    SLUICE_VALIDATOR_ONE_OF_NOCASE,     /* the same, ignoring ASCII case */
    SLUICE_VALIDATOR_LIST_OF,           /* LIST: every item is one of values */
    SLUICE_VALIDATOR_NON_EMPTY,         /* a non-empty string (or list) */
    SLUICE_VALIDATOR_NON_EMPTY_NO_CTRL, /* non-empty, no ISO control characters */
    SLUICE_VALIDATOR_CUSTOM             /* check() decides */
} sluice_validator_kind_t;

typedef struct sluice_config_validator {
    sluice_validator_kind_t kind;
    double min;                   /* RANGE */
    double max;                   /* RANGE */
    const char *const *values;    /* ONE_OF*, LIST_OF: NULL-terminated */
    sluice_config_check_fn check; /* CUSTOM */
} sluice_config_validator_t;

#define SLUICE_RANGE(lo, hi)                                                                       \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_RANGE, .min = (lo), .max = (hi)                                   \
    }
#define SLUICE_AT_LEAST(lo)                                                                        \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_RANGE, .min = (lo), .max = 1.7976931348623157e308                 \
    }
#define SLUICE_ONE_OF(...)                                                                         \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_ONE_OF, .values = (const char *const[])                           \
        {                                                                                          \
            __VA_ARGS__, NULL                                                                      \
        }                                                                                          \
    }
#define SLUICE_ONE_OF_NOCASE(...)                                                                  \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_ONE_OF_NOCASE, .values = (const char *const[])                    \
        {                                                                                          \
            __VA_ARGS__, NULL                                                                      \
        }                                                                                          \
    }
#define SLUICE_LIST_OF(...)                                                                        \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_LIST_OF, .values = (const char *const[])                          \
        {                                                                                          \
            __VA_ARGS__, NULL                                                                      \
        }                                                                                          \
    }
#define SLUICE_NON_EMPTY                                                                           \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_NON_EMPTY                                                         \
    }
#define SLUICE_NON_EMPTY_NO_CTRL                                                                   \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_NON_EMPTY_NO_CTRL                                                 \
    }
#define SLUICE_CHECK(fn)                                                                           \
    {                                                                                              \
        .kind = SLUICE_VALIDATOR_CUSTOM, .check = (fn)                                             \
    }

typedef struct sluice_config_key {
    const char *name; /* NULL ends a table */
    sluice_config_type_t type;
    const char *default_value; /* as text; NULL = null default (unless required) */
    bool required;             /* no default: the key must be given */
    sluice_importance_t importance;
    const char *doc;
    const char *group; /* may be NULL */
    int order_in_group;
    const char *display_name; /* may be NULL: the name is shown */
    sluice_config_validator_t validator;
} sluice_config_key_t;

#define SLUICE_CONFIG_END                                                                          \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* ---- parsed configs ---------------------------------------------------- */

/* A parsed, validated configuration: the table's keys with their typed
 * values, and the original strings (including keys the table does not know). */
typedef struct sluice_config sluice_config_t;

/*
 * Parses props against the table keys (may be NULL: no declared keys).
 * Applies defaults, parses each value by its type and runs its validator.
 * Returns a new config the caller destroys, or NULL with every error found,
 * one per line ("Invalid value abc for configuration batch.size: Not a number
 * of type INT"), in errstr. A PASSWORD value never appears in errstr.
 * props is copied.
 */
sluice_config_t *sluice_config_new(const sluice_config_key_t *keys, const sluice_strmap_t *props,
                                   char *errstr, size_t errstr_size);

void sluice_config_destroy(sluice_config_t *config);

/*
 * Typed getters for a declared key. A key the table does not declare, or a
 * getter of the wrong type, gives NULL / 0 / false. Strings stay valid until
 * the config is destroyed. get_string also serves CLASS keys; PASSWORD keys
 * are read only through get_password.
 */
const char *sluice_config_get_string(const sluice_config_t *config, const char *name);
const char *sluice_config_get_password(const sluice_config_t *config, const char *name);
bool sluice_config_get_bool(const sluice_config_t *config, const char *name);
int32_t sluice_config_get_int(const sluice_config_t *config, const char *name); /* INT, SHORT */
int64_t sluice_config_get_long(const sluice_config_t *config, const char *name);
double sluice_config_get_double(const sluice_config_t *config, const char *name);

/* LIST: the number of items; *items (may be NULL) gets the array. */
size_t sluice_config_get_list(const sluice_config_t *config, const char *name,
                              const char *const **items);

/* True when the key's value is null (no value given and a null default). */
bool sluice_config_is_null(const sluice_config_t *config, const char *name);

/* The properties as given (unparsed, including unknown keys). */
const sluice_strmap_t *sluice_config_originals(const sluice_config_t *config);

/* The table the config was parsed with (may be NULL). */
const sluice_config_key_t *sluice_config_keys(const sluice_config_t *config);

/* ---- validation results (for REST validate) ----------------------------- */

/*
 * The outcome of validating properties against a table, key by key, as
 * Kafka's ConfigValue list: every declared key appears with its value and
 * error messages. A connector's validate callback may add errors of its own
 * (e.g. a database that cannot be reached).
 */
typedef struct sluice_config_validation sluice_config_validation_t;

/* Validates props against keys; never fails. The caller destroys it. */
sluice_config_validation_t *sluice_config_validate(const sluice_config_key_t *keys,
                                                   const sluice_strmap_t *props);

void sluice_config_validation_destroy(sluice_config_validation_t *validation);

/* Appends an error message to key name (the key is added when the table did
 * not declare it). */
void sluice_config_validation_add_error(sluice_config_validation_t *validation, const char *name,
                                        const char *fmt, ...) SLUICE_PRINTF(3, 4);

/* The total number of error messages. */
size_t sluice_config_validation_error_count(const sluice_config_validation_t *validation);

/* Entries in table order: name, the value as given or the default (NULL when
 * null; "[hidden]" is NOT substituted here: callers that print must mask
 * PASSWORD keys), errors, and whether the key is visible. */
size_t sluice_config_validation_count(const sluice_config_validation_t *validation);
const char *sluice_config_validation_name_at(const sluice_config_validation_t *validation,
                                             size_t i);
const char *sluice_config_validation_value_at(const sluice_config_validation_t *validation,
                                              size_t i);
size_t sluice_config_validation_errors_at(const sluice_config_validation_t *validation, size_t i,
                                          const char *const **errors);
const sluice_config_key_t *
sluice_config_validation_key_at(const sluice_config_validation_t *validation,
                                size_t i); /* NULL if undeclared */

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_CONFIG_H */
