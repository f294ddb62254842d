/*
 * The host side of sluice_task_configs_t: the list of task configurations a
 * connector's task_configs callback fills, one string map per task.
 *
 * Thread use: one thread at a time (the connector's).
 */
#ifndef WORKER_TASK_CONFIGS_H
#define WORKER_TASK_CONFIGS_H

#include <sluice/plugin.h>

/* A new empty list; free it with task_configs_destroy(). */
sluice_task_configs_t *task_configs_new(void);

/* Frees the list and every map in it. NULL does nothing. */
void task_configs_destroy(sluice_task_configs_t *configs);

/* The number of task configurations added. */
size_t task_configs_count(const sluice_task_configs_t *configs);

/* The configuration of task i (borrowed; owned by the list), or NULL when
 * i is out of range. */
sluice_strmap_t *task_configs_at(const sluice_task_configs_t *configs, size_t i);

#endif
