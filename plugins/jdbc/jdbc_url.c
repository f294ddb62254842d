/*
 * JDBC URL parsing for MySQL and MariaDB. The URL is the connector's only
 * place for host, port and database, so what is accepted here follows what
 * the MySQL and MariaDB JDBC drivers accept for a single host.
 */
#include "jdbc_url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jdbc_common.h"

#define JDBC_DEFAULT_PORT 3306

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* URL-decodes len bytes ("%41" and, in query values, '+' as a space). */
static char *url_decode(const char *s, size_t len, bool plus_is_space)
{
    char *out = jdbc_alloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out[o++] = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

static void add_param(jdbc_url_t *url, const char *s, size_t len)
{
    if (len == 0)
        return;
    const char *eq = memchr(s, '=', len);
    size_t key_len = eq ? (size_t)(eq - s) : len;
    url->params = jdbc_realloc(url->params, (url->param_count + 1) * sizeof *url->params);
    jdbc_url_param_t *p = &url->params[url->param_count++];
    p->key = url_decode(s, key_len, true);
    p->value = eq ? url_decode(eq + 1, len - key_len - 1, true) : jdbc_strdup("");
}

static bool is_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

jdbc_url_t *jdbc_url_parse(const char *text, const char *user, const char *password, char *errstr,
                           size_t errstr_size)
{
    static const char *const schemes[] = {"mysql", "mariadb"};
    jdbc_url_t *url = NULL;

    if (is_empty(text)) {
        snprintf(errstr, errstr_size, "connection.url is empty");
        return NULL;
    }
    if (strncasecmp(text, "jdbc:", 5) != 0)
        goto bad_scheme;
    const char *p = text + 5;
    const char *scheme = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i]);
        if (strncasecmp(p, schemes[i], n) == 0 && strncmp(p + n, "://", 3) == 0) {
            scheme = schemes[i];
            p += n + 3;
            break;
        }
    }
    if (!scheme)
        goto bad_scheme;

    url = jdbc_calloc(1, sizeof *url);
    url->scheme = jdbc_strdup(scheme);
    url->port = JDBC_DEFAULT_PORT;

    /* The authority ends at the first '/' or '?'. */
    size_t auth_len = strcspn(p, "/?");
    const char *auth = p;
    const char *rest = p + auth_len;
    /* Only the first host of a failover list "h1,h2" is used. */
    const char *comma = memchr(auth, ',', auth_len);
    if (comma)
        auth_len = (size_t)(comma - auth);
    char *url_user = NULL, *url_password = NULL;
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@')
            at = auth + i;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon) {
            url_user = url_decode(auth, (size_t)(colon - auth), false);
            url_password = url_decode(colon + 1, (size_t)(at - colon - 1), false);
        } else {
            url_user = url_decode(auth, (size_t)(at - auth), false);
        }
        auth_len -= (size_t)(at + 1 - auth);
        auth = at + 1;
    }
    const char *host = auth;
    size_t host_len = auth_len;
    const char *port = NULL;
    size_t port_len = 0;
    if (host_len > 0 && host[0] == '[') { /* [IPv6]:port */
        const char *close = memchr(host, ']', host_len);
        if (!close) {
            snprintf(errstr, errstr_size, "connection.url: unterminated '[' in the host");
            free(url_user);
            free(url_password);
            goto fail;
        }
        size_t after = (size_t)(close + 1 - host);
        if (after < host_len && host[after] == ':') {
            port = close + 2;
            port_len = host_len - after - 1;
        }
        host += 1;
        host_len = (size_t)(close - host);
    } else {
        const char *colon = memchr(host, ':', host_len);
        if (colon) {
            port = colon + 1;
            port_len = host_len - (size_t)(colon - host) - 1;
            host_len = (size_t)(colon - host);
        }
    }
    url->host = host_len ? jdbc_strndup(host, host_len) : jdbc_strdup("localhost");
    if (port) {
        unsigned long v = 0;
        bool ok = port_len > 0 && port_len <= 5;
        for (size_t i = 0; ok && i < port_len; i++) {
            ok = isdigit((unsigned char)port[i]) != 0;
            v = v * 10 + (unsigned long)(port[i] - '0');
        }
        if (!ok || v == 0 || v > 65535) {
            snprintf(errstr, errstr_size, "connection.url: invalid port \"%.*s\" for host %s",
                     (int)port_len, port, url->host);
            free(url_user);
            free(url_password);
            goto fail;
        }
        url->port = (unsigned int)v;
    }

    /* "/database" then "?params". */
    if (*rest == '/') {
        rest++;
        size_t db_len = strcspn(rest, "?");
        url->database = url_decode(rest, db_len, false);
        rest += db_len;
    } else {
        url->database = jdbc_strdup("");
    }
    if (*rest == '?') {
        rest++;
        while (*rest) {
            size_t n = strcspn(rest, "&");
            add_param(url, rest, n);
            rest += n;
            if (*rest == '&')
                rest++;
        }
    }

    /* connection.user / connection.password first, then the query, then user:pw@. */
    const char *q_user = jdbc_url_param(url, "user");
    const char *q_password = jdbc_url_param(url, "password");
    if (!is_empty(user))
        url->user = jdbc_strdup(user);
    else if (q_user)
        url->user = jdbc_strdup(q_user);
    else if (url_user)
        url->user = jdbc_strdup(url_user);
    if (!is_empty(password))
        url->password = jdbc_strdup(password);
    else if (q_password)
        url->password = jdbc_strdup(q_password);
    else if (url_password)
        url->password = jdbc_strdup(url_password);
    free(url_user);
    free(url_password);
    return url;

bad_scheme:;
    char *masked = jdbc_url_mask(text);
    snprintf(errstr, errstr_size,
             "connection.url %s is not a MySQL/MariaDB JDBC URL (expected "
             "jdbc:mysql://host:port/database or jdbc:mariadb://host:port/database)",
             masked);
    free(masked);
fail:
    jdbc_url_destroy(url);
    return NULL;
}

void jdbc_url_destroy(jdbc_url_t *url)
{
    if (!url)
        return;
    free(url->scheme);
    free(url->host);
    free(url->database);
    free(url->user);
    free(url->password);
    for (size_t i = 0; i < url->param_count; i++) {
        free(url->params[i].key);
        free(url->params[i].value);
    }
    free(url->params);
    free(url);
}

const char *jdbc_url_param(const jdbc_url_t *url, const char *key)
{
    for (size_t i = 0; url && i < url->param_count; i++)
        if (strcasecmp(url->params[i].key, key) == 0)
            return url->params[i].value;
    return NULL;
}

/* Whether the n bytes at s contain "password", ignoring case. */
static bool mentions_password(const char *s, size_t n)
{
    static const char word[] = "password";
    size_t wn = sizeof word - 1;
    for (size_t i = 0; i + wn <= n; i++)
        if (strncasecmp(s + i, word, wn) == 0)
            return true;
    return false;
}

char *jdbc_url_mask(const char *url)
{
    if (!url)
        return NULL;
    size_t len = strlen(url);
    /* Masking never makes a value longer than "****" plus what it replaces. */
    char *out = jdbc_alloc(len + 5 * (len / 2 + 2) + 1);
    size_t o = 0;
    const char *p = url;

    /* user:password@ in the authority. */
    const char *scheme_end = strstr(url, "://");
    if (scheme_end) {
        const char *auth = scheme_end + 3;
        size_t auth_len = strcspn(auth, "/?");
        const char *at = NULL;
        for (size_t i = 0; i < auth_len; i++)
            if (auth[i] == '@')
                at = auth + i;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            size_t n = (size_t)(colon + 1 - url);
            memcpy(out, url, n);
            o = n;
            memcpy(out + o, "****", 4);
            o += 4;
            p = at;
        }
    }

    /* Parameters: every value whose key mentions "password". */
    const char *q = strchr(p, '?');
    if (!q) {
        strcpy(out + o, p);
        return out;
    }
    size_t n = (size_t)(q + 1 - p);
    memcpy(out + o, p, n);
    o += n;
    p = q + 1;
    while (*p) {
        size_t seg = strcspn(p, "&;");
        const char *eq = memchr(p, '=', seg);
        if (eq && mentions_password(p, (size_t)(eq - p))) {
            size_t kn = (size_t)(eq + 1 - p);
            memcpy(out + o, p, kn);
            o += kn;
            memcpy(out + o, "****", 4);
            o += 4;
        } else {
            memcpy(out + o, p, seg);
            o += seg;
        }
        p += seg;
        if (*p)
            out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}
