/* sluice_task_configs_t: the task configurations a connector hands out. */
#include "task_configs.h"

#include <stdlib.h>

#include "mem.h"

struct sluice_task_configs {
    sluice_strmap_t **maps;
    size_t count;
    size_t cap;
};

sluice_task_configs_t *task_configs_new(void)
{
    return mem_calloc(1, sizeof(sluice_task_configs_t));
}

void task_configs_destroy(sluice_task_configs_t *configs)
{
    if (!configs)
        return;
    for (size_t i = 0; i < configs->count; i++)
        sluice_strmap_destroy(configs->maps[i]);
    free(configs->maps);
    free(configs);
}

SLUICE_EXPORT sluice_strmap_t *sluice_task_configs_add(sluice_task_configs_t *configs)
{
    mem_grow((void **)&configs->maps, &configs->cap, configs->count + 1, sizeof(*configs->maps));
    sluice_strmap_t *map = sluice_strmap_new();
    configs->maps[configs->count++] = map;
    return map;
}

size_t task_configs_count(const sluice_task_configs_t *configs)
{
    return configs ? configs->count : 0;
}

sluice_strmap_t *task_configs_at(const sluice_task_configs_t *configs, size_t i)
{
    return configs && i < configs->count ? configs->maps[i] : NULL;
}
