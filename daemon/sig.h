/*
 * sig.h: signals as events of the main loop. The handlers only set a flag
 * and write a byte to a pipe whose read end the loop polls with its
 * sockets (the self-pipe trick); the loop does the work.
 */
#ifndef CD_SIG_H
#define CD_SIG_H

#include "cs.h"

enum {
	CD_SIG_TERM = 1u << 0, /* SIGTERM or SIGINT: drain and stop */
	CD_SIG_HUP = 1u << 1,  /* SIGHUP: reload rules */
	CD_SIG_CHLD = 1u << 2, /* SIGCHLD: a worker process ended */
};

/* Installs the handlers and makes the pipe. Errors: CS_EIO. */
cs_code cd_sig_init(cs_error *err);

/* The fd to poll for reading. */
int cd_sig_fd(void);

/* The CD_SIG_* bits raised since the last call; empties the pipe. */
unsigned cd_sig_take(void);

#endif
