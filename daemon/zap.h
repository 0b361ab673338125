/*
 * zap.h: who may connect over tcp. Every tcp:// endpoint is a CURVE server
 * (the daemon's key pair); the ZAP handler (ZeroMQ RFC 27) lets in only
 * client keys found in an allow-list folder: one for clients (submit and
 * publish endpoints), one for workers (the work endpoint), so a client key
 * can never fetch other people's documents as a worker.
 *
 * Key files are what `catscan keygen` writes: the 40-character Z85 text of
 * one key on its first line that is not blank or a '#' comment.
 */
#ifndef CD_ZAP_H
#define CD_ZAP_H

#include "cs.h"

#define CD_ZAP_CLIENTS "clients"
#define CD_ZAP_WORKERS "workers"

/* Reads a key file into z85 (40 characters and a NUL). Errors: CS_EIO,
 * CS_ESYNTAX. */
cs_code cd_key_read(const char *path, char z85[41], cs_error *err);

typedef struct cd_zap cd_zap;

/*
 * Binds the ZAP handler in ctx and reads both allow-lists (a missing
 * folder is an empty list). Errors: CS_EIO, CS_ENOMEM.
 */
cs_code cd_zap_new(void *ctx, const char *clients_dir, const char *workers_dir,
		   cd_zap **out, cs_error *err);
void cd_zap_free(cd_zap *z);

/* The socket to poll. */
void *cd_zap_socket(cd_zap *z);

/* Answers the pending requests (at most a bounded batch). */
void cd_zap_handle(cd_zap *z);

/* Reads the allow-lists again (SIGHUP). On error the old lists stay. */
cs_code cd_zap_reload(cd_zap *z, cs_error *err);

/* Keys in each list, for STATUS. */
size_t cd_zap_count(const cd_zap *z, const char *domain);

#endif
