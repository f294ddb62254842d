#include "converter_harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "ctx.h"

char conv_err[2048];

plugin_registry_t *conv_load_registry(void)
{
    char loaderr[2048] = "";
    plugin_registry_t *registry = plugin_registry_new();
    int refused = plugin_registry_load(registry, SLUICE_TEST_PLUGIN_DIR "/converters.so", loaderr,
                                       sizeof loaderr);
    if (refused)
        fprintf(stderr, "\n  loading converters.so: %s\n", loaderr);
    CU_ASSERT_EQUAL_FATAL(refused, 0);
    return registry;
}

conv_t *conv_open(sluice_class_kind_t kind, const char *name, ...)
{
    conv_t *c = calloc(1, sizeof(*c));
    c->registry = conv_load_registry();
    c->cls = plugin_registry_find(c->registry, kind, name);
    if (!c->cls)
        fprintf(stderr, "\n  no %s class %s\n", sluice_class_kind_name(kind), name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->cls);
    sluice_strmap_t *props = sluice_strmap_new();
    va_list ap;
    va_start(ap, name);
    for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *))
        sluice_strmap_set(props, k, va_arg(ap, const char *));
    va_end(ap);
    c->config = sluice_config_new(c->cls->config, props, conv_err, sizeof conv_err);
    sluice_strmap_destroy(props);
    if (!c->config)
        fprintf(stderr, "\n  config: %s\n", conv_err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->config);
    c->ctx = ctx_new("converters-test", c->cls->name);
    sluice_result_t rc = kind == SLUICE_CLASS_CONVERTER
                             ? c->cls->converter->create(c->ctx, c->config, false, &c->self,
                                                         conv_err, sizeof conv_err)
                             : c->cls->header_converter->create(c->ctx, c->config, &c->self,
                                                                conv_err, sizeof conv_err);
    if (rc != SLUICE_OK)
        fprintf(stderr, "\n  create: %s\n", conv_err);
    CU_ASSERT_EQUAL_FATAL(rc, SLUICE_OK);
    return c;
}

void conv_close(conv_t *c)
{
    if (c->cls->kind == SLUICE_CLASS_CONVERTER)
        c->cls->converter->destroy(c->self);
    else
        c->cls->header_converter->destroy(c->self);
    sluice_config_destroy(c->config);
    ctx_destroy(c->ctx);
    plugin_registry_destroy(c->registry);
    free(c);
}

sluice_buf_t *conv_write(conv_t *c, const sluice_schema_t *schema, const sluice_value_t *value,
                         sluice_result_t *rc)
{
    sluice_buf_t *out = sluice_buf_new();
    conv_err[0] = '\0';
    if (c->cls->kind == SLUICE_CLASS_CONVERTER)
        *rc = c->cls->converter->from_connect(c->self, "topic", NULL, schema, value, out, conv_err,
                                              sizeof conv_err);
    else
        *rc = c->cls->header_converter->from_header(c->self, "topic", "h", schema, value, out,
                                                    conv_err, sizeof conv_err);
    return out;
}

sluice_result_t conv_read(conv_t *c, const void *data, size_t len, const sluice_schema_t **schema,
                          sluice_value_t **value)
{
    conv_err[0] = '\0';
    *schema = NULL;
    *value = NULL;
    if (c->cls->kind == SLUICE_CLASS_CONVERTER)
        return c->cls->converter->to_connect(c->self, "topic", NULL, data, len, schema, value,
                                             conv_err, sizeof conv_err);
    return c->cls->header_converter->to_header(c->self, "topic", "h", data, len, schema, value,
                                               conv_err, sizeof conv_err);
}
