/*
 * A test plugin built "for ABI version 2": the loader must refuse it before
 * reading anything past the version, and name both versions.
 */
#include <sluice/sluice.h>

#include <stddef.h>

/* What a future descriptor could look like; only the leading fields matter. */
typedef struct future_plugin {
    uint32_t abi_version;
    uint32_t struct_size;
    const char *name;
    const char *version;
    const void *const *classes;
    const char *future_field;
} future_plugin_t;

static const future_plugin_t future_descriptor = {
    .abi_version = 2,
    .struct_size = sizeof(future_plugin_t),
    .name = "bad-abi-test-plugin",
    .version = "9.9.9",
    .classes = NULL,
    .future_field = "unknown to ABI 1",
};

SLUICE_EXPORT const sluice_plugin_t *sluice_plugin_entry(void);
SLUICE_EXPORT const sluice_plugin_t *sluice_plugin_entry(void)
{
    return (const sluice_plugin_t *)(const void *)&future_descriptor;
}
