#include "worker_state.h"

const char *worker_state_name(worker_state_t state)
{
    static const char *const names[] = {"UNASSIGNED", "RUNNING",    "PAUSED",   "STOPPED",
                                        "FAILED",     "RESTARTING", "DESTROYED"};
    if ((unsigned)state >= sizeof names / sizeof names[0])
        return "UNKNOWN";
    return names[state];
}
