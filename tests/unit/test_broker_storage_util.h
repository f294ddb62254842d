/* Temp directories, file helpers and a model of appended batches for the
 * broker storage tests. */
#ifndef TEST_BROKER_STORAGE_UTIL_H
#define TEST_BROKER_STORAGE_UTIL_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "partition_log.h"
#include "test_broker_builder.h"

static inline char *ts_mkdtemp(void)
{
    char *dir = strdup("/tmp/sluice-storage-XXXXXX");
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

static inline int ts_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void ts_rm_rf(char *dir)
{
    if (dir)
        nftw(dir, ts_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static inline int64_t ts_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int64_t ts_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static inline bool ts_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* A small-segment configuration so tests roll often. */
static inline broker_log_config_t ts_small_conf(void)
{
    broker_log_config_t conf;
    broker_log_config_defaults(&conf);
    conf.segment_bytes = 4096;
    conf.index_interval_bytes = 256;
    conf.segment_index_bytes = 1024;
    return conf;
}

/* What was appended, batch by batch, with the offsets the log assigned. */
typedef struct ts_model {
    uint8_t **batches;
    size_t *lens;
    int64_t *base;
    int64_t *last;
    size_t n, cap;
} ts_model_t;

static inline void ts_model_free(ts_model_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->batches[i]);
    free(m->batches);
    free(m->lens);
    free(m->base);
    free(m->last);
    memset(m, 0, sizeof *m);
}

/* Appends the batch (modified in place and then kept by the model). */
static inline kafka_error_t ts_append(broker_log_t *log, ts_model_t *m, uint8_t *batch, size_t len,
                                      int64_t now_ms)
{
    broker_log_append_result_t res;
    kafka_error_t err = broker_log_append(log, batch, len, now_ms, &res);
    if (err) {
        free(batch);
        return err;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->batches = realloc(m->batches, m->cap * sizeof *m->batches);
        m->lens = realloc(m->lens, m->cap * sizeof *m->lens);
        m->base = realloc(m->base, m->cap * sizeof *m->base);
        m->last = realloc(m->last, m->cap * sizeof *m->last);
    }
    m->batches[m->n] = batch;
    m->lens[m->n] = len;
    m->base[m->n] = res.base_offset;
    m->last[m->n] = res.last_offset;
    m->n++;
    return err;
}

/* The model index of the batch holding offset, or -1. */
static inline ssize_t ts_model_find(const ts_model_t *m, int64_t offset)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->base[i] <= offset && offset <= m->last[i])
            return (ssize_t)i;
    return -1;
}

/* Reads a fetch result's bytes into one malloc()ed buffer. */
static inline uint8_t *ts_read_slices(const broker_log_read_t *rd)
{
    uint8_t *out = malloc((size_t)rd->bytes + 1);
    size_t at = 0;
    for (int i = 0; i < rd->nslices; i++) {
        ssize_t n =
            pread(rd->slices[i].fd, out + at, (size_t)rd->slices[i].length, rd->slices[i].position);
        if (n != rd->slices[i].length) {
            free(out);
            return NULL;
        }
        at += (size_t)n;
    }
    return out;
}

/* Flips one byte of a file. */
static inline void ts_flip_byte(const char *path, int64_t pos)
{
    int fd = open(path, O_RDWR);
    uint8_t c;
    if (fd < 0)
        return;
    if (pread(fd, &c, 1, pos) == 1) {
        c ^= 0x5a;
        if (pwrite(fd, &c, 1, pos) != 1)
            c = 0;
    }
    close(fd);
}

#endif
