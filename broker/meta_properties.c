#include "meta_properties.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "properties.h"

/* mkdir -p */
static int meta_mkdirs(const char *dir, char *errstr, size_t errstr_size)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(errstr, errstr_size, "log directory path is too long: %s", dir);
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            snprintf(errstr, errstr_size, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        *p = '/';
    }
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        snprintf(errstr, errstr_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void broker_meta_new_cluster_id(char cluster_id[BROKER_CLUSTER_ID_LEN + 1])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t raw[16];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (errno != EINTR)
            abort(); /* the kernel's random source is unavailable: nothing sane to do */
    }
    /* Kafka's Uuid.randomUuid() is a version-4 UUID. */
    raw[6] = (uint8_t)((raw[6] & 0x0f) | 0x40);
    raw[8] = (uint8_t)((raw[8] & 0x3f) | 0x80);
    size_t o = 0;
    for (size_t i = 0; i < 16; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16;
        if (i + 1 < 16)
            v |= (uint32_t)raw[i + 1] << 8;
        if (i + 2 < 16)
            v |= raw[i + 2];
        cluster_id[o++] = alphabet[(v >> 18) & 63];
        cluster_id[o++] = alphabet[(v >> 12) & 63];
        if (i + 1 < 16)
            cluster_id[o++] = alphabet[(v >> 6) & 63];
        if (i + 2 < 16)
            cluster_id[o++] = alphabet[v & 63];
    }
    cluster_id[o] = '\0';
}

int broker_meta_load_or_create(const char *log_dir, int32_t node_id,
                               char cluster_id[BROKER_CLUSTER_ID_LEN + 1], char *errstr,
                               size_t errstr_size)
{
    if (meta_mkdirs(log_dir, errstr, errstr_size) < 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/meta.properties", log_dir);
    sluice_strmap_t *props = sluice_strmap_new();
    int rc = -1;
    if (access(path, F_OK) == 0) {
        if (props_parse_file(path, props, errstr, errstr_size) < 0)
            goto out;
        const char *cid = sluice_strmap_get(props, "cluster.id");
        const char *nid = sluice_strmap_get(props, "node.id");
        if (!nid)
            nid = sluice_strmap_get(props, "broker.id");
        if (!cid || !*cid || strlen(cid) > BROKER_CLUSTER_ID_LEN) {
            snprintf(errstr, errstr_size, "%s: cluster.id is missing or malformed", path);
            goto out;
        }
        if (nid && atol(nid) != node_id) {
            snprintf(errstr, errstr_size,
                     "%s: the data in %s belongs to node %s, but this broker is node %d; "
                     "set node.id=%s or use another log.dirs",
                     path, log_dir, nid, node_id, nid);
            goto out;
        }
        snprintf(cluster_id, BROKER_CLUSTER_ID_LEN + 1, "%s", cid);
        rc = 0;
        goto out;
    }
    char id[BROKER_CLUSTER_ID_LEN + 1];
    char node[16];
    broker_meta_new_cluster_id(id);
    snprintf(node, sizeof node, "%d", node_id);
    sluice_strmap_set(props, "version", "1");
    sluice_strmap_set(props, "cluster.id", id);
    sluice_strmap_set(props, "node.id", node);
    if (props_write_file(path, props, "Written by the sluice broker; do not edit.", errstr,
                         errstr_size) < 0)
        goto out;
    memcpy(cluster_id, id, sizeof id);
    rc = 0;
out:
    sluice_strmap_destroy(props);
    return rc;
}
