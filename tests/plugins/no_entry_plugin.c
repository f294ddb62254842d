/*
 * A test plugin that is a valid shared library but no sluice plugin: it
 * exports a function, just not sluice_plugin_entry.
 */
#include <sluice/common.h>

SLUICE_EXPORT int not_a_sluice_entry(void);
SLUICE_EXPORT int not_a_sluice_entry(void)
{
    return 42;
}
