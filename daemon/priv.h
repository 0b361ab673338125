/*
 * priv.h: what the process does to itself before it touches a document:
 * make the runtime directory, drop root, cap its resources.
 */
#ifndef CD_PRIV_H
#define CD_PRIV_H

#include "cs.h"

/*
 * Makes dir (mode 0750, owned by user when started as root) unless it is
 * NULL, then, when running as root and user is not empty, switches to that
 * user and its group for good. Errors: CS_EIO (with what failed),
 * CS_EINVAL (no such user).
 */
cs_code cd_priv_drop(const char *user, const char *dir, cs_error *err);

/*
 * Caps the address space at bytes (RLIMIT_AS) and forbids core dumps (a
 * core would hold a customer's document). Errors: CS_EIO.
 */
cs_code cd_limit_memory(long long bytes, cs_error *err);

/*
 * Lets the process use seconds more of CPU time from now (RLIMIT_CPU soft
 * limit; SIGXCPU, whose default action ends the process, past it).
 * Errors: CS_EIO.
 */
cs_code cd_limit_cpu(long long seconds, cs_error *err);

/* Peak resident memory of this process, KiB. */
long cd_peak_rss_kb(void);

#endif
