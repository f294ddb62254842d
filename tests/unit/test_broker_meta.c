/* meta.properties: a stable cluster id, refused when it belongs to another node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta_properties.h"
#include "test_util.h"

static void test_cluster_id_format(void)
{
    char a[BROKER_CLUSTER_ID_LEN + 1], b[BROKER_CLUSTER_ID_LEN + 1];
    broker_meta_new_cluster_id(a);
    broker_meta_new_cluster_id(b);
    CU_ASSERT_EQUAL(strlen(a), 22);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    CU_ASSERT_EQUAL(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                    22);
}

static void test_create_then_reload(void)
{
    char dir[] = "/tmp/sluice-meta-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char logdir[512];
    snprintf(logdir, sizeof logdir, "%s/nested/logs", dir);
    char id1[BROKER_CLUSTER_ID_LEN + 1], id2[BROKER_CLUSTER_ID_LEN + 1];
    char err[512] = "";
    CU_ASSERT_EQUAL(broker_meta_load_or_create(logdir, 3, id1, err, sizeof err), 0);
    CU_ASSERT_EQUAL(strlen(id1), 22);
    /* A restart finds the same id. */
    CU_ASSERT_EQUAL(broker_meta_load_or_create(logdir, 3, id2, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(id1, id2);
    /* Another node must not adopt this data. */
    CU_ASSERT_EQUAL(broker_meta_load_or_create(logdir, 4, id2, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "belongs to node 3, but this broker is node 4");

    char path[600];
    snprintf(path, sizeof path, "%s/meta.properties", logdir);
    FILE *f = fopen(path, "w");
    fputs("version=1\nnode.id=3\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(broker_meta_load_or_create(logdir, 3, id2, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "cluster.id is missing or malformed");

    unlink(path);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

void test_register(void)
{
    TEST_SUITE("broker meta.properties", {"cluster id format", test_cluster_id_format},
               {"create then reload", test_create_then_reload});
}
