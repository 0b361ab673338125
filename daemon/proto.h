/*
 * proto.h: the wire protocol of catscand (docs/PROTOCOL.md), as pure
 * functions over frames, so that the framing rules are tested without
 * sockets and the broker, the workers and the client agree on one text.
 *
 * Client <-> broker (submit endpoint, ROUTER):
 *   request  [""] "CATSCAN/1" COMMAND META [DOCUMENT]
 *   reply    [""] "CATSCAN/1" REPLY   META [RESULT]
 * Worker <-> broker (work endpoint, ROUTER; workers are DEALERs):
 *   "CATSCAN-WORKER/1" COMMAND META [BODY]
 * Results (publish endpoint, XPUB):
 *   TOPIC "CATSCAN/1" META RESULT
 */
#ifndef CD_PROTO_H
#define CD_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "cs.h"

#define CD_PROTO "CATSCAN/1"
#define CD_WPROTO "CATSCAN-WORKER/1"

/* Client commands and the broker's replies. */
#define CD_SCAN "SCAN"
#define CD_PING "PING"
#define CD_STATUS "STATUS"
#define CD_RESULT "RESULT"
#define CD_PONG "PONG"
#define CD_ERROR "ERROR"

/* Worker -> broker. */
#define CD_W_READY "READY"
#define CD_W_HEARTBEAT "HEARTBEAT"
#define CD_W_DONE "DONE"
#define CD_W_RELOADED "RELOADED"
#define CD_W_BYE "BYE"
/* Broker -> worker. */
#define CD_W_JOB "JOB"
#define CD_W_RELOAD "RELOAD"
#define CD_W_RESET "RESET"

/* Error codes in ERROR replies (stable: clients switch on them). */
#define CD_E_MALFORMED "malformed"
#define CD_E_VERSION "unsupported-version"
#define CD_E_COMMAND "unknown-command"
#define CD_E_TOO_LARGE "too-large"
#define CD_E_INVALID "invalid"
#define CD_E_BUSY "busy"
#define CD_E_SHUTDOWN "shutting-down"
#define CD_E_INTERNAL "internal"

/* Bounds on what a client may send besides the document. */
#define CD_META_MAX (64 * 1024)
#define CD_ID_MAX 128
#define CD_NAME_MAX 1024

typedef struct cd_frame {
	const void *data;
	size_t len;
} cd_frame;

typedef enum cd_cmd { CD_CMD_SCAN, CD_CMD_PING, CD_CMD_STATUS } cd_cmd;

/* A checked client request. Strings are NUL-terminated copies. */
typedef struct cd_request {
	cd_cmd cmd;
	char id[CD_ID_MAX + 1];     /* the client's job id; "" when none */
	char name[CD_NAME_MAX + 1]; /* display name only, never a path */
	char as_of[11];             /* YYYY-MM-DD or "" */
	size_t body_frame;          /* index of the document frame (SCAN) */
} cd_request;

/*
 * Checks the frames of a request (after the routing envelope: f[0] is the
 * protocol frame) and fills req. On failure *code is one of CD_E_* and
 * err->msg says what was wrong, for the ERROR reply; req->id is filled as
 * far as it could be read, so the error can still name the job.
 * max_message bounds the document.
 */
cs_code cd_request_parse(const cd_frame *f, size_t n, size_t max_message,
			 cd_request *req, const char **code, cs_error *err);

/*
 * What the broker needs from a result: its verdict and the distinct item
 * codes of its hits (comma-separated in items, at most items_max bytes,
 * cut at a whole code) and the detected type of the document when the
 * result says it. Errors: CS_ESYNTAX (not a result object).
 */
cs_code cd_result_summary(const char *json, size_t len, char *verdict,
			  size_t verdict_max, char *items, size_t items_max,
			  char *type, size_t type_max, cs_error *err);

/*
 * The PUB topics of a result (docs/PROTOCOL.md, "Topics"): "verdict V" once,
 * then "item CODE V" per distinct item. Appends them to out separated by
 * '\n'. Errors: CS_ELIMIT.
 */
cs_code cd_topics(const char *verdict, const char *items, cs_buf *out);

/*
 * A JSON object text {"id":..., "code":..., "message":...} for an ERROR
 * reply, in a fresh string the caller frees. NULL on ENOMEM.
 */
char *cd_error_meta(const char *id, const char *code, const char *message);

#endif
