/* The broker's listener and connections (server.c). Network thread. */
#ifndef BROKER_SERVER_H
#define BROKER_SERVER_H

#include <stddef.h>

#include "broker_internal.h"

/* Binds the listener from the config and watches it. 0, or -1 with errstr. */
int broker_server_listen(broker_t *broker, char *errstr, size_t errstr_size);

/* Closes the listener and every connection (parked requests are cancelled). */
void broker_server_close_all(broker_t *broker);

#endif
