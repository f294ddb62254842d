/*
 * Test plugins with one defect each in an otherwise valid descriptor,
 * chosen by BAD_CASE at build time (tests/plugins/plugins.cmake builds one
 * library per case). The loader must refuse each with a message naming the
 * file and the defect, and never call the class's callbacks.
 */
#include <sluice/sluice.h>

#include <stdlib.h>

#define BAD_NO_CONVERTER_OPS 1
#define BAD_SMALL_CLASS 2
#define BAD_SMALL_OPS 3
#define BAD_NO_NAME 4
#define BAD_UNKNOWN_KIND 5
#define BAD_NULL_CALLBACK 6
#define BAD_NULL_DESCRIPTOR 7
#define BAD_SMALL_PLUGIN 8
#define BAD_SAME_NAME_TWICE 9
#define BAD_NO_CLASSES 10
#define BAD_BAD_CONFIG_TYPE 11

#ifndef BAD_CASE
#error "BAD_CASE must be defined"
#endif

/* Any callback reached would be a loader bug: make it loud. */
static sluice_result_t never_create(sluice_ctx_t *ctx, const sluice_config_t *config, void **self,
                                    char *errstr, size_t errstr_size)
{
    (void)ctx;
    (void)config;
    (void)self;
    (void)errstr;
    (void)errstr_size;
    abort();
}

static sluice_result_t never_apply(void *self, sluice_record_t *record, char *errstr,
                                   size_t errstr_size)
{
    (void)self;
    (void)record;
    (void)errstr;
    (void)errstr_size;
    abort();
}

static void never_destroy(void *self)
{
    (void)self;
    abort();
}

static const sluice_transform_ops_t transform_ops = {
#if BAD_CASE == BAD_SMALL_OPS
    .struct_size = 4,
#else
    .struct_size = sizeof(sluice_transform_ops_t),
#endif
    .create = never_create,
#if BAD_CASE == BAD_NULL_CALLBACK
    .apply = NULL,
#else
    .apply = never_apply,
#endif
    .destroy = never_destroy,
};

#if BAD_CASE == BAD_BAD_CONFIG_TYPE
static const sluice_config_key_t odd_config[] = {{.name = "odd",
                                                  .type = (sluice_config_type_t)99,
                                                  .importance = SLUICE_IMPORTANCE_LOW,
                                                  .doc = "A key of a type no sluice knows."},
                                                 SLUICE_CONFIG_END};
#endif

static const sluice_class_t bad_class = {
#if BAD_CASE == BAD_SMALL_CLASS
    .struct_size = 16,
#else
    .struct_size = sizeof(sluice_class_t),
#endif
#if BAD_CASE == BAD_NO_CONVERTER_OPS
    .kind = SLUICE_CLASS_CONVERTER,
#elif BAD_CASE == BAD_UNKNOWN_KIND
    .kind = (sluice_class_kind_t)42,
#else
    .kind = SLUICE_CLASS_TRANSFORM,
#endif
#if BAD_CASE != BAD_NO_NAME
    .name = "org.sluice.test.bad.Defective",
#endif
    .version = "0.0.1",
#if BAD_CASE == BAD_BAD_CONFIG_TYPE
    .config = odd_config,
#endif
    /* A converter class that carries transform ops but no converter ops. */
    .transform = &transform_ops,
};

#if BAD_CASE == BAD_NO_CLASSES
static const sluice_class_t *const bad_classes[] = {NULL};
#elif BAD_CASE == BAD_SAME_NAME_TWICE
static const sluice_class_t *const bad_classes[] = {&bad_class, &bad_class, NULL};
#else
static const sluice_class_t *const bad_classes[] = {&bad_class, NULL};
#endif

static const sluice_plugin_t bad_descriptor = {
    .abi_version = SLUICE_ABI_VERSION,
#if BAD_CASE == BAD_SMALL_PLUGIN
    .struct_size = 8,
#else
    .struct_size = sizeof(sluice_plugin_t),
#endif
    .name = "bad-descriptor-test-plugin",
    .version = "0.0.1",
    .classes = bad_classes,
};

SLUICE_EXPORT const sluice_plugin_t *sluice_plugin_entry(void);
SLUICE_EXPORT const sluice_plugin_t *sluice_plugin_entry(void)
{
    /* Some cases leave these unreferenced; keep the compiler quiet about it. */
    (void)&bad_class;
    (void)&bad_descriptor;
    (void)never_apply;
#if BAD_CASE == BAD_NULL_DESCRIPTOR
    return NULL;
#else
    return &bad_descriptor;
#endif
}
