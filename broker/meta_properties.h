/*
 * meta.properties in the log directory, as Kafka keeps it: the cluster id
 * (stable across restarts) and the node id the data belongs to.
 *
 * Called once at broker start-up, on the starting thread.
 */
#ifndef BROKER_META_PROPERTIES_H
#define BROKER_META_PROPERTIES_H

#include <stddef.h>
#include <stdint.h>

/* Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
#define BROKER_CLUSTER_ID_LEN 22

/*
 * Reads <log_dir>/meta.properties, or creates it (and log_dir) with a new
 * cluster id. Refuses a file whose node.id (or broker.id) differs from
 * node_id, as Kafka does, since the data would belong to another broker.
 * On success copies the cluster id (NUL-terminated) into cluster_id and
 * returns 0; else -1 with the reason, naming the file, in errstr.
 */
int broker_meta_load_or_create(const char *log_dir, int32_t node_id,
                               char cluster_id[BROKER_CLUSTER_ID_LEN + 1], char *errstr,
                               size_t errstr_size);

/* A new random cluster id. */
void broker_meta_new_cluster_id(char cluster_id[BROKER_CLUSTER_ID_LEN + 1]);

#endif
