/* allowed.paths for the file and directory providers (see providers.h). */
#include "providers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void *provider_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        fprintf(stderr, "config-providers: out of memory allocating %zu bytes\n", size);
        abort();
    }
    return p;
}

char *provider_strdup(const char *str)
{
    size_t n = strlen(str) + 1;
    return memcpy(provider_alloc(n), str, n);
}

/* Java's Path.normalize: drops "." and empty components and folds "x/..";
 * ".." above the root of an absolute path stays at the root. */
static char *provider_normalize(const char *path)
{
    size_t len = strlen(path);
    bool absolute = path[0] == '/';
    const char **comp = provider_alloc((len / 2 + 2) * sizeof(char *));
    size_t *comp_len = provider_alloc((len / 2 + 2) * sizeof(size_t));
    size_t n = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t clen = (size_t)(e - p);
        bool dotdot = clen == 2 && p[0] == '.' && p[1] == '.';
        if (clen == 0 || (clen == 1 && p[0] == '.')) {
            /* nothing to keep */
        } else if (dotdot && n > 0 && !(comp_len[n - 1] == 2 && !strncmp(comp[n - 1], "..", 2))) {
            n--;
        } else if (!(dotdot && absolute)) {
            comp[n] = p;
            comp_len[n++] = clen;
        }
        p = e;
    }
    char *out = provider_alloc(len + 2);
    size_t pos = 0;
    if (absolute)
        out[pos++] = '/';
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[pos++] = '/';
        memcpy(out + pos, comp[i], comp_len[i]);
        pos += comp_len[i];
    }
    out[pos] = '\0';
    free(comp);
    free(comp_len);
    return out;
}

/* True when path is base or inside it, by whole components. */
static bool provider_under(const char *path, const char *base)
{
    size_t blen = strlen(base);
    if (blen == 1 && base[0] == '/')
        return path[0] == '/';
    return strncmp(path, base, blen) == 0 && (path[blen] == '\0' || path[blen] == '/');
}

int provider_paths_init(provider_paths_t *paths, const sluice_config_t *config, char *errstr,
                        size_t errstr_size)
{
    const char *const *items;
    size_t count = sluice_config_get_list(config, PROVIDER_ALLOWED_PATHS, &items);
    paths->count = 0;
    paths->lexical = provider_alloc((count ? count : 1) * sizeof(char *));
    paths->real = provider_alloc((count ? count : 1) * sizeof(char *));
    for (size_t i = 0; i < count; i++) {
        char *norm = provider_normalize(items[i]);
        if (norm[0] != '/') {
            snprintf(errstr, errstr_size, "Path %s is not absolute", items[i]);
            free(norm);
            provider_paths_free(paths);
            return -1;
        }
        char *real = realpath(norm, NULL);
        if (!real) {
            snprintf(errstr, errstr_size, "Path %s does not exist", norm);
            free(norm);
            provider_paths_free(paths);
            return -1;
        }
        paths->lexical[paths->count] = norm;
        paths->real[paths->count] = real;
        paths->count++;
    }
    return 0;
}

void provider_paths_free(provider_paths_t *paths)
{
    for (size_t i = 0; i < paths->count; i++) {
        free(paths->lexical[i]);
        free(paths->real[i]);
    }
    free(paths->lexical);
    free(paths->real);
    paths->lexical = paths->real = NULL;
    paths->count = 0;
}

char *provider_paths_check(const provider_paths_t *paths, const char *path, char *errstr,
                           size_t errstr_size)
{
    if (paths->count == 0)
        return provider_strdup(path);
    char *norm = provider_normalize(path);
    bool ok = false;
    for (size_t i = 0; !ok && i < paths->count; i++)
        ok = provider_under(norm, paths->lexical[i]);
    if (!ok) {
        snprintf(errstr, errstr_size, "The path %s is not allowed to be accessed (not under %s)",
                 path, PROVIDER_ALLOWED_PATHS);
        free(norm);
        return NULL;
    }
    char *real = realpath(norm, NULL);
    if (real) {
        ok = false;
        for (size_t i = 0; !ok && i < paths->count; i++)
            ok = provider_under(real, paths->real[i]);
        free(real);
        if (!ok) {
            snprintf(errstr, errstr_size,
                     "The path %s is not allowed to be accessed (a symbolic link leads outside "
                     "%s)",
                     path, PROVIDER_ALLOWED_PATHS);
            free(norm);
            return NULL;
        }
    }
    /* a path that does not resolve fails later, when it is opened, with the reason */
    return norm;
}
