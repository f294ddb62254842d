/*
 * A throwaway MariaDB server for CUnit tests, as tests/e2e/mariadb.py does it
 * for the Python tests: a private option file in a temp directory,
 * mariadb-install-db, mariadbd --defaults-file=FILE on a free 127.0.0.1
 * port, mariadb-admin ping until it answers, and mariadb-admin shutdown by
 * PID to stop it. Root's password is set for TCP logins from 127.0.0.1.
 */
#ifndef TESTS_UNIT_MARIADB_HARNESS_H
#define TESTS_UNIT_MARIADB_HARNESS_H

#include <stddef.h>

typedef struct mariadb_harness mariadb_harness_t;

/* Installs and starts a server with root's password. Returns NULL with
 * errstr when the server cannot be started. */
mariadb_harness_t *mariadb_harness_start(const char *password, char *errstr, size_t errstr_size);

/* The server's TCP port. */
int mariadb_harness_port(const mariadb_harness_t *h);

/* Loads one zone's time zone tables (mariadb-tzinfo-to-sql) under its name,
 * e.g. "Europe/Paris". Returns 0 on success. */
int mariadb_harness_load_zone(const mariadb_harness_t *h, const char *zone);

/* Runs SQL through the mariadb client (as root, over the socket). Returns
 * the client's exit status (0 on success). */
int mariadb_harness_sql(const mariadb_harness_t *h, const char *sql);

/* Stops the server (data kept) / starts it again. Return 0 on success. */
int mariadb_harness_stop(mariadb_harness_t *h);
int mariadb_harness_restart(mariadb_harness_t *h);

/* Stops the server if running and removes its directory. NULL does nothing. */
void mariadb_harness_destroy(mariadb_harness_t *h);

#endif
