/* Helpers the FileStream connectors share: allocation and task configs. */
#include "file_connectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void file_out_of_memory(size_t size)
{
    fprintf(stderr, "file-connectors: out of memory allocating %zu bytes\n", size);
    abort();
}

void *file_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        file_out_of_memory(size);
    return p;
}

void *file_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        file_out_of_memory(count * size);
    return p;
}

void *file_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        file_out_of_memory(size);
    return p;
}

char *file_strdup(const char *str)
{
    size_t n = strlen(str) + 1;
    return memcpy(file_alloc(n), str, n);
}

void file_task_config_add(sluice_task_configs_t *out, const sluice_strmap_t *props)
{
    sluice_strmap_t *task = sluice_task_configs_add(out);
    for (size_t i = 0; i < sluice_strmap_count(props); i++)
        sluice_strmap_set(task, sluice_strmap_key_at(props, i), sluice_strmap_value_at(props, i));
}
