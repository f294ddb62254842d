#include "local_broker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static pthread_mutex_t local_lock = PTHREAD_MUTEX_INITIALIZER;
static const local_broker_ops_t *local_ops;
static void *local_handle;
static char *local_bootstrap;

void local_broker_register(const local_broker_ops_t *ops, void *broker, const char *bootstrap)
{
    pthread_mutex_lock(&local_lock);
    free(local_bootstrap);
    local_bootstrap = ops && bootstrap ? mem_strdup(bootstrap) : NULL;
    local_ops = local_bootstrap ? ops : NULL;
    local_handle = local_bootstrap ? broker : NULL;
    pthread_mutex_unlock(&local_lock);
}

const local_broker_ops_t *local_broker_find(const char *bootstrap, void **broker)
{
    const local_broker_ops_t *ops = NULL;
    pthread_mutex_lock(&local_lock);
    if (local_ops && bootstrap && !strcmp(bootstrap, local_bootstrap)) {
        ops = local_ops;
        *broker = local_handle;
    }
    pthread_mutex_unlock(&local_lock);
    return ops;
}
