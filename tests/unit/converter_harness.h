/*
 * A converter or header converter instance for the converter suites: the
 * class is loaded from the real converters.so through the plugin registry,
 * configured with its own config table and driven through its ops.
 */
#ifndef SLUICE_TEST_CONVERTER_HARNESS_H
#define SLUICE_TEST_CONVERTER_HARNESS_H

#include <sluice/plugin.h>

#include "plugin_registry.h"

typedef struct conv {
    plugin_registry_t *registry;
    const sluice_class_t *cls;
    sluice_config_t *config;
    sluice_ctx_t *ctx;
    void *self;
} conv_t;

/* The last error text of any call below. */
extern char conv_err[2048];

/* A registry with the real converters.so loaded (fails the test if refused). */
plugin_registry_t *conv_load_registry(void);

/* Opens the class called name of kind (converter or header converter) with
 * "key", "value" … properties, NULL-terminated. Fails the test when the
 * plugin, the class or the config is refused. */
conv_t *conv_open(sluice_class_kind_t kind, const char *name, ...);

void conv_close(conv_t *c);

/* Serialises into a new buffer the caller destroys (check
 * sluice_buf_is_null for a null message); *rc gets the result. */
sluice_buf_t *conv_write(conv_t *c, const sluice_schema_t *schema, const sluice_value_t *value,
                         sluice_result_t *rc);

/* Deserialises len bytes at data (NULL: a null message). */
sluice_result_t conv_read(conv_t *c, const void *data, size_t len, const sluice_schema_t **schema,
                          sluice_value_t **value);

#endif
