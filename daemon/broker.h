/*
 * broker.h: the catscand broker. It owns the sockets (submit ROUTER for
 * clients, work ROUTER for workers, XPUB for results), keeps a bounded
 * queue of jobs, hands each to a ready worker, and answers every accepted
 * job exactly once.
 */
#ifndef CD_BROKER_H
#define CD_BROKER_H

#include "config.h"

/* Runs until SIGTERM has drained the jobs; returns the exit status. */
int cd_broker_run(const cd_config *c);

#endif
