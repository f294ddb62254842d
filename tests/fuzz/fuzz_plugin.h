/*
 * Reaching a plugin's classes in a fuzz target: the plugin's sources are
 * linked into the target, so its sluice_plugin_entry() is an ordinary
 * function (no loader, no .so), and an instance is made as the runtime makes
 * one: its config table parsed with sluice_config_new, then create.
 */
#ifndef FUZZ_PLUGIN_H
#define FUZZ_PLUGIN_H

#include <stdarg.h>

#include <sluice/plugin.h>

#include "ctx.h"
#include "fuzz_common.h"

const sluice_plugin_t *sluice_plugin_entry(void);

/* The class of kind named name in the linked-in plugin; aborts when absent
 * (the harness is out of date, not the plugin wrong). */
static inline const sluice_class_t *fuzz_find_class(sluice_class_kind_t kind, const char *name)
{
    for (const sluice_class_t *const *c = sluice_plugin_entry()->classes; *c; c++)
        if ((*c)->kind == kind && strcmp((*c)->name, name) == 0)
            return *c;
    fprintf(stderr, "fuzz: the plugin has no %s class %s\n", sluice_class_kind_name(kind), name);
    abort();
}

/* cls's config from "key", "value" pairs, NULL-terminated; aborts when it
 * does not parse (the harness's properties are fixed). */
static inline sluice_config_t *fuzz_class_config(const sluice_class_t *cls, ...)
{
    sluice_strmap_t *props = sluice_strmap_new();
    va_list ap;
    va_start(ap, cls);
    for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *))
        sluice_strmap_set(props, k, va_arg(ap, const char *));
    va_end(ap);
    char errstr[1024];
    sluice_config_t *config = sluice_config_new(cls->config, props, errstr, sizeof errstr);
    sluice_strmap_destroy(props);
    if (!config) {
        fprintf(stderr, "fuzz: %s config: %s\n", cls->name, errstr);
        abort();
    }
    return config;
}

#endif
