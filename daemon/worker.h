/*
 * worker.h: one worker process (`catscand --child`): loads its rules and
 * OCR once, joins the broker's work endpoint as a DEALER, and scans one
 * document at a time under its limits until told to stop.
 */
#ifndef CD_WORKER_H
#define CD_WORKER_H

#include "config.h"

/* Runs the worker until SIGTERM; returns the process's exit status. */
int cd_worker_run(const cd_config *c);

#endif
