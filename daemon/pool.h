/*
 * pool.h: the worker processes of one machine. Each is this same binary
 * started again as `catscand --child ...` (fork, then exec at once, so no
 * ZeroMQ context or thread crosses the fork). A process that ends is
 * started again; one that keeps dying at start is started again less and
 * less often, so a broken rule pack does not spin the machine.
 */
#ifndef CD_POOL_H
#define CD_POOL_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "cs.h"

typedef struct cd_pool cd_pool;

/*
 * A pool of c->workers processes that join connect. tag marks the
 * processes as this pool's (their READY carries it). Nothing is started
 * until cd_pool_tick. Errors: CS_ENOMEM.
 */
cs_code cd_pool_new(const cd_config *c, const char *connect, const char *tag,
		    cd_pool **out, cs_error *err);
void cd_pool_free(cd_pool *p);

/* Starts the processes that are due. Returns ms until the next is due, or
 * -1 when none is waiting. */
long cd_pool_tick(cd_pool *p);

/*
 * Collects ended processes (after SIGCHLD); for each, calls ended(pid,
 * status, ctx) and schedules a restart unless the pool is stopping.
 */
void cd_pool_reap(cd_pool *p, void (*ended)(pid_t, int, void *), void *ctx);

/* Sends sig to every live process. */
void cd_pool_signal(cd_pool *p, int sig);

/* true when pid is one of the pool's live processes. */
bool cd_pool_owns(const cd_pool *p, pid_t pid);
int cd_pool_alive(const cd_pool *p);
unsigned long cd_pool_restarts(const cd_pool *p);

/*
 * Stops restarting, sends SIGTERM and waits up to seconds for the
 * processes to end, then SIGKILLs what is left.
 */
void cd_pool_stop(cd_pool *p, long seconds);

/* Worker mode: runs the pool until SIGTERM; SIGHUP is passed on (each
 * worker reloads its rules). Returns the exit status. */
int cd_pool_supervise(const cd_config *c);

#endif
