#include "zap.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "log.h"

#define ZAP_MAX_KEYS 10000

typedef struct keylist {
	char (*keys)[41];
	size_t n;
} keylist;

struct cd_zap {
	void *sock;
	char *dirs[2];
	keylist lists[2]; /* 0: clients, 1: workers */
};

cs_code cd_key_read(const char *path, char z85[41], cs_error *err)
{
	char *text = NULL;
	size_t len = 0;
	cs_code rc = cs_read_file(path, 4096, &text, &len, err);
	if (rc)
		return rc;
	rc = cs_fail(err, CS_ESYNTAX, "%s: no 40-character Z85 key in it", path);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		line += strspn(line, " \t\r");
		if (*line == '#' || *line == '\0')
			continue;
		size_t n = strcspn(line, " \t\r");
		if (n == 40) {
			memcpy(z85, line, 40);
			z85[40] = '\0';
			uint8_t bin[32];
			if (zmq_z85_decode(bin, z85))
				rc = CS_OK;
		}
		break;
	}
	free(text);
	if (rc == CS_OK)
		cs_error_clear(err);
	return rc;
}

static cs_code load_list(const char *dir, keylist *out, cs_error *err)
{
	keylist l = {NULL, 0};
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			*out = l;
			return CS_OK;
		}
		return cs_fail(err, CS_EIO, "%s: %s", dir, strerror(errno));
	}
	cs_code rc = CS_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && l.n < ZAP_MAX_KEYS) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".pub") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char key[41];
		cs_error kerr;
		if (cd_key_read(path, key, &kerr)) {
			cd_log(CD_LOG_WARNING, "ignoring key file: %s", kerr.msg);
			continue;
		}
		char (*grown)[41] = realloc(l.keys, (l.n + 1) * sizeof *l.keys);
		if (!grown) {
			rc = cs_fail(err, CS_ENOMEM, "out of memory");
			break;
		}
		l.keys = grown;
		memcpy(l.keys[l.n++], key, 41);
	}
	closedir(d);
	if (rc) {
		free(l.keys);
		return rc;
	}
	*out = l;
	return CS_OK;
}

cs_code cd_zap_reload(cd_zap *z, cs_error *err)
{
	keylist fresh[2] = {{NULL, 0}, {NULL, 0}};
	for (int i = 0; i < 2; i++) {
		cs_code rc = load_list(z->dirs[i], &fresh[i], err);
		if (rc) {
			free(fresh[0].keys);
			return rc;
		}
	}
	for (int i = 0; i < 2; i++) {
		free(z->lists[i].keys);
		z->lists[i] = fresh[i];
	}
	return CS_OK;
}

cs_code cd_zap_new(void *ctx, const char *clients_dir, const char *workers_dir,
		   cd_zap **out, cs_error *err)
{
	cd_zap *z = calloc(1, sizeof *z);
	if (!z)
		return cs_fail(err, CS_ENOMEM, "out of memory");
	cs_code rc;
	z->dirs[0] = cs_strdup(clients_dir);
	z->dirs[1] = cs_strdup(workers_dir);
	if (!z->dirs[0] || !z->dirs[1]) {
		rc = cs_fail(err, CS_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = cd_zap_reload(z, err)))
		goto fail;
	z->sock = zmq_socket(ctx, ZMQ_REP);
	int linger = 0;
	if (!z->sock || zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof linger) ||
	    zmq_bind(z->sock, "inproc://zeromq.zap.01")) {
		rc = cs_fail(err, CS_EIO, "ZAP handler: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	*out = z;
	return CS_OK;
fail:
	cd_zap_free(z);
	return rc;
}

void cd_zap_free(cd_zap *z)
{
	if (!z)
		return;
	if (z->sock)
		zmq_close(z->sock);
	for (int i = 0; i < 2; i++) {
		free(z->dirs[i]);
		free(z->lists[i].keys);
	}
	free(z);
}

void *cd_zap_socket(cd_zap *z)
{
	return z->sock;
}

size_t cd_zap_count(const cd_zap *z, const char *domain)
{
	return z->lists[strcmp(domain, CD_ZAP_WORKERS) == 0].n;
}

static bool allowed(const keylist *l, const char *z85)
{
	for (size_t i = 0; i < l->n; i++)
		if (memcmp(l->keys[i], z85, 40) == 0)
			return true;
	return false;
}

/* RFC 27: version, request id, domain, address, routing id, mechanism,
 * then the mechanism's credentials (CURVE: the 32-byte client key). */
#define ZAP_FRAMES 7

static void reply(void *sock, const zmq_msg_t *reqid, const char *code,
		  const char *text, const char *user)
{
	zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(sock, zmq_msg_data((zmq_msg_t *)reqid),
		 zmq_msg_size((zmq_msg_t *)reqid), ZMQ_SNDMORE);
	zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(sock, "", 0, 0);
}

static void handle_one(cd_zap *z)
{
	zmq_msg_t f[ZAP_FRAMES];
	size_t n = 0;
	int more = 1;
	for (size_t i = 0; i < ZAP_FRAMES; i++)
		zmq_msg_init(&f[i]);
	/* Read every frame, keeping the first ZAP_FRAMES. */
	for (int guard = 0; more && guard < 64; guard++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, z->sock, 0) < 0) {
			zmq_msg_close(&m);
			break;
		}
		more = zmq_msg_more(&m);
		if (n < ZAP_FRAMES)
			zmq_msg_move(&f[n++], &m);
		zmq_msg_close(&m);
	}
	char domain[32] = "";
	char mech[16] = "";
	char peer[64] = "";
	if (n == ZAP_FRAMES) {
		snprintf(domain, sizeof domain, "%.*s", (int)zmq_msg_size(&f[2]),
			 (char *)zmq_msg_data(&f[2]));
		snprintf(peer, sizeof peer, "%.*s", (int)zmq_msg_size(&f[3]),
			 (char *)zmq_msg_data(&f[3]));
		snprintf(mech, sizeof mech, "%.*s", (int)zmq_msg_size(&f[5]),
			 (char *)zmq_msg_data(&f[5]));
	}
	char key[41] = "";
	if (n == ZAP_FRAMES && strcmp(mech, "CURVE") == 0 &&
	    zmq_msg_size(&f[6]) == 32)
		zmq_z85_encode(key, zmq_msg_data(&f[6]), 32);
	bool workers = strcmp(domain, CD_ZAP_WORKERS) == 0;
	/* A REP socket must answer every request, even a broken one. */
	if (key[0] && allowed(&z->lists[workers], key)) {
		cd_log(CD_LOG_DEBUG, "ZAP: %s key %s from %s allowed", domain, key,
		       peer);
		reply(z->sock, &f[1], "200", "OK", key);
	} else {
		cd_log(CD_LOG_WARNING, "ZAP: %s connection from %s refused: %s%s",
		       domain[0] ? domain : "?", peer[0] ? peer : "?",
		       key[0] ? "key not in the allow-list: " : "not CURVE",
		       key);
		reply(z->sock, &f[1], "400", "key not allowed", "");
	}
	for (size_t i = 0; i < ZAP_FRAMES; i++)
		zmq_msg_close(&f[i]);
}

void cd_zap_handle(cd_zap *z)
{
	for (int i = 0; i < 64; i++) {
		int events = 0;
		size_t len = sizeof events;
		if (zmq_getsockopt(z->sock, ZMQ_EVENTS, &events, &len) ||
		    !(events & ZMQ_POLLIN))
			return;
		handle_one(z);
	}
}
