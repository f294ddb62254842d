/*
 * The states of connectors and tasks, as Kafka's AbstractStatus.State and
 * TargetState name them in the status API.
 */
#ifndef WORKER_WORKER_STATE_H
#define WORKER_WORKER_STATE_H

typedef enum worker_state {
    WORKER_STATE_UNASSIGNED = 0,
    WORKER_STATE_RUNNING,
    WORKER_STATE_PAUSED,
    WORKER_STATE_STOPPED,
    WORKER_STATE_FAILED,
    WORKER_STATE_RESTARTING,
    WORKER_STATE_DESTROYED
} worker_state_t;

/* "UNASSIGNED", "RUNNING", … as the REST API shows them. */
const char *worker_state_name(worker_state_t state);

#endif
