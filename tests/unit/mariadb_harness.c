/* A throwaway MariaDB server for CUnit tests (see mariadb_harness.h). */
#include "mariadb_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct mariadb_harness {
    char dir[64];
    char cnf[128];
    char defaults_arg[160];
    char password[64];
    bool password_set;
    int port;
    pid_t pid;
};

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Runs argv (stdout/stderr to /dev/null, stdin from input when given) and
 * returns its exit status, or -1. */
static int run(char *const argv[], const char *input)
{
    int in[2] = {-1, -1};
    if (input && pipe(in) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(input ? in[0] : null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (input) {
            close(in[0]);
            close(in[1]);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (input) {
        close(in[0]);
        size_t n = strlen(input);
        while (n > 0) {
            ssize_t w = write(in[1], input, n);
            if (w <= 0)
                break;
            input += w;
            n -= (size_t)w;
        }
        close(in[1]);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int admin(const mariadb_harness_t *h, const char *command)
{
    char pw[96];
    snprintf(pw, sizeof pw, "--password=%s", h->password);
    char *argv[] = {"mariadb-admin", (char *)h->defaults_arg, h->password_set ? pw : NULL, NULL,
                    NULL};
    argv[h->password_set ? 3 : 2] = (char *)command;
    return run(argv, NULL);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

int mariadb_harness_restart(mariadb_harness_t *h)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        setsid();
        execlp("mariadbd", "mariadbd", h->defaults_arg, (char *)NULL);
        _exit(127);
    }
    h->pid = pid;
    for (int i = 0; i < 600; i++) { /* 30 s */
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            h->pid = 0;
            return -1;
        }
        if (admin(h, "ping") == 0)
            return 0;
        sleep_ms(50);
    }
    return -1;
}

int mariadb_harness_stop(mariadb_harness_t *h)
{
    if (h->pid <= 0)
        return 0;
    admin(h, "shutdown");
    for (int i = 0; i < 600; i++) {
        int status;
        if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
            h->pid = 0;
            return 0;
        }
        sleep_ms(50);
    }
    kill(h->pid, SIGKILL);
    waitpid(h->pid, NULL, 0);
    h->pid = 0;
    return -1;
}

int mariadb_harness_port(const mariadb_harness_t *h)
{
    return h->port;
}

int mariadb_harness_sql(const mariadb_harness_t *h, const char *sql)
{
    char pw[96];
    snprintf(pw, sizeof pw, "--password=%s", h->password);
    char *argv[] = {"mariadb", (char *)h->defaults_arg, h->password_set ? pw : NULL, NULL};
    return run(argv, sql);
}

int mariadb_harness_load_zone(const mariadb_harness_t *h, const char *zone)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "mariadb-tzinfo-to-sql /usr/share/zoneinfo/%s %s 2>/dev/null | mariadb %s%s%s mysql",
             zone, zone, h->defaults_arg, h->password_set ? " --password=" : "",
             h->password_set ? h->password : "");
    char *argv[] = {"sh", "-c", cmd, NULL};
    return run(argv, NULL);
}

void mariadb_harness_destroy(mariadb_harness_t *h)
{
    if (!h)
        return;
    mariadb_harness_stop(h);
    if (h->dir[0]) {
        char *argv[] = {"rm", "-rf", h->dir, NULL};
        run(argv, NULL);
    }
    free(h);
}

mariadb_harness_t *mariadb_harness_start(const char *password, char *errstr, size_t errstr_size)
{
    mariadb_harness_t *h = calloc(1, sizeof *h);
    if (!h)
        abort();
    snprintf(h->dir, sizeof h->dir, "/tmp/sl-mdbc-XXXXXX");
    snprintf(h->password, sizeof h->password, "%s", password);
    h->port = free_port();
    if (!mkdtemp(h->dir)) {
        h->dir[0] = '\0';
        snprintf(errstr, errstr_size, "mkdtemp failed");
        goto fail;
    }
    snprintf(h->cnf, sizeof h->cnf, "%s/my.cnf", h->dir);
    snprintf(h->defaults_arg, sizeof h->defaults_arg, "--defaults-file=%s", h->cnf);
    FILE *f = fopen(h->cnf, "w");
    if (!f) {
        snprintf(errstr, errstr_size, "cannot write %s", h->cnf);
        goto fail;
    }
    fprintf(f,
            "[mysqld]\nuser=root\ndatadir=%s/data\nsocket=%s/sock\npid-file=%s/pid\nport=%d\n"
            "bind-address=127.0.0.1\nskip-name-resolve\nlog-error=%s/server.log\n"
            "innodb_buffer_pool_size=32M\nskip-log-bin\n"
            "[client]\nsocket=%s/sock\nuser=root\n",
            h->dir, h->dir, h->dir, h->port, h->dir, h->dir);
    fclose(f);
    char *install[] = {"mariadb-install-db", h->defaults_arg,
                       "--auth-root-authentication-method=normal", "--skip-test-db", NULL};
    if (run(install, NULL) != 0) {
        snprintf(errstr, errstr_size, "mariadb-install-db failed in %s", h->dir);
        goto fail;
    }
    if (mariadb_harness_restart(h) != 0) {
        snprintf(errstr, errstr_size, "mariadbd did not start (see %s/server.log)", h->dir);
        goto fail;
    }
    char sql[512];
    snprintf(sql, sizeof sql,
             "ALTER USER 'root'@'localhost' IDENTIFIED BY '%s';"
             "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';"
             "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '%s';"
             "GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
             password, password);
    if (mariadb_harness_sql(h, sql) != 0) {
        snprintf(errstr, errstr_size, "cannot set root's password");
        goto fail;
    }
    h->password_set = true;
    return h;

fail:
    mariadb_harness_destroy(h);
    return NULL;
}
