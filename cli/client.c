/*
 * client.c: the catscan commands that talk to a running catscand:
 * scan (remote), watch, status, and keygen for the CURVE keys they use.
 *
 * A remote scan says PING first, so that "no daemon" is an error naming
 * the endpoint within seconds (never a silent fall back to scanning
 * locally) and so that the daemon's message limit is known before a large
 * file is read. Files then go out over one DEALER socket with a few in
 * flight at once; results are printed in the order the files were given,
 * through cli_print_result, so the output and the exit status are those of
 * `catscan scan --local`. While jobs are out, a silent daemon is pinged;
 * one that stops answering pings is reported rather than waited on forever.
 *
 * Over tcp:// the client is a CURVE client: the daemon's public key and the
 * client's secret key come from --server-key/--key (watch, status), or
 * CATSCAN_SERVER_KEY/CATSCAN_KEY, or curve_server_key/curve_key in the
 * config file. A socket monitor turns a refused key into a clear error
 * instead of a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "cli.h"
#include "cs.h"
#include "proto.h"

#define CLIENT_CONFIG "/etc/catscan/catscand.conf"
#define CLIENT_RUNTIME_DIR "/run/catscan"
#define PING_TIMEOUT_MS 5000
#define WINDOW 8            /* files in flight at once */
#define BUSY_RETRIES 100    /* a busy daemon is asked again, this often */
#define MONITOR_EP "inproc://catscan-monitor"

typedef struct client {
	void *ctx;
	void *sock;
	void *mon;          /* PAIR end of the socket monitor, or NULL */
	const char *endpoint;
	bool refused;       /* the daemon refused our CURVE key */
} client;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* --- settings --------------------------------------------------------- */

/* The value of key in the daemon's config file (CATSCAN_CONFIG or the
 * default), into buf; false when the file or the key is not there. */
static bool config_value(const char *key, char *buf, size_t n)
{
	const char *path = getenv("CATSCAN_CONFIG");
	char *text = NULL;
	size_t len = 0;
	if (cs_read_file(path ? path : CLIENT_CONFIG, 1 << 20, &text, &len, NULL))
		return false;
	bool found = false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "#")] = '\0';
		line += strspn(line, " \t");
		size_t kl = strlen(key);
		if (strncmp(line, key, kl) != 0)
			continue;
		char *p = line + kl + strspn(line + kl, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t\"");
		size_t vl = strlen(p);
		while (vl && strchr(" \t\r\"", p[vl - 1]))
			vl--;
		snprintf(buf, n, "%.*s", (int)vl, p);
		found = vl > 0;
	}
	free(text);
	return found;
}

/* The endpoint to use: the one given, else the config file's, else the
 * default ipc socket under the runtime directory. */
static const char *pick_endpoint(const char *given, const char *key, char *buf,
				 size_t n)
{
	if (given)
		return given;
	if (config_value(key, buf, n)) {
		buf[strcspn(buf, ", ")] = '\0'; /* the first of a list */
		return buf;
	}
	char dir[512];
	if (!config_value("runtime_dir", dir, sizeof dir))
		snprintf(dir, sizeof dir, "%s", CLIENT_RUNTIME_DIR);
	snprintf(buf, n, "ipc://%s/%s", dir, key);
	return buf;
}

static bool read_key(const char *path, char z85[41])
{
	char *text = NULL;
	size_t len = 0;
	cs_error err;
	if (cs_read_file(path, 4096, &text, &len, &err)) {
		fprintf(stderr, "catscan: %s\n", err.msg);
		return false;
	}
	bool ok = false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t\r");
		if (*line == '#' || *line == '\0')
			continue;
		uint8_t bin[32];
		if (strcspn(line, " \t\r") == 40) {
			memcpy(z85, line, 40);
			z85[40] = '\0';
			ok = zmq_z85_decode(bin, z85) != NULL;
		}
		break;
	}
	free(text);
	if (!ok)
		fprintf(stderr, "catscan: %s: no 40-character Z85 key in it\n", path);
	return ok;
}

/* --- connecting ------------------------------------------------------- */

static void client_close(client *c)
{
	if (c->mon)
		zmq_close(c->mon);
	if (c->sock)
		zmq_close(c->sock);
	if (c->ctx)
		zmq_ctx_term(c->ctx);
	memset(c, 0, sizeof *c);
}

static int client_open(client *c, int type, const char *endpoint,
		       const char *server_key, const char *key)
{
	memset(c, 0, sizeof *c);
	c->endpoint = endpoint;
	c->ctx = zmq_ctx_new();
	c->sock = c->ctx ? zmq_socket(c->ctx, type) : NULL;
	if (!c->sock) {
		fprintf(stderr, "catscan: zmq: %s\n", zmq_strerror(zmq_errno()));
		return -1;
	}
	int zero = 0;
	zmq_setsockopt(c->sock, ZMQ_LINGER, &zero, sizeof zero);
	if (strncmp(endpoint, "tcp://", 6) == 0) {
		char cfg_server[1024], cfg_key[1024];
		if (!server_key)
			server_key = getenv("CATSCAN_SERVER_KEY");
		if (!server_key && config_value("curve_server_key", cfg_server,
						 sizeof cfg_server))
			server_key = cfg_server;
		if (!key)
			key = getenv("CATSCAN_KEY");
		if (!key && config_value("curve_key", cfg_key, sizeof cfg_key))
			key = cfg_key;
		if (!server_key || !key) {
			fprintf(stderr,
				"catscan: %s is a tcp endpoint, which needs CURVE keys: "
				"the daemon's public key (--server-key or "
				"CATSCAN_SERVER_KEY) and yours (--key or CATSCAN_KEY; "
				"see catscan keygen)\n",
				endpoint);
			return -1;
		}
		char server[41], secret[41], public[41];
		if (!read_key(server_key, server) || !read_key(key, secret))
			return -1;
		if (zmq_curve_public(public, secret) != 0) {
			fprintf(stderr, "catscan: %s is not a secret key\n", key);
			return -1;
		}
		zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, server, 40);
		zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, public, 40);
		zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, secret, 40);
		/* Watch the handshake, to tell "refused" from "not there". */
		if (zmq_socket_monitor(c->sock, MONITOR_EP,
				       ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
					       ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
					       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) == 0) {
			c->mon = zmq_socket(c->ctx, ZMQ_PAIR);
			if (c->mon && zmq_connect(c->mon, MONITOR_EP) != 0) {
				zmq_close(c->mon);
				c->mon = NULL;
			}
		}
	}
	if (zmq_connect(c->sock, endpoint) != 0) {
		fprintf(stderr, "catscan: cannot connect to %s: %s\n", endpoint,
			zmq_strerror(zmq_errno()));
		return -1;
	}
	return 0;
}

/* Waits up to ms for a message on the socket; 1 ready, 0 timeout, -1 the
 * daemon refused us (reported) or an error. */
static int client_wait(client *c, long ms)
{
	zmq_pollitem_t items[2] = {{c->sock, 0, ZMQ_POLLIN, 0},
				   {c->mon, 0, ZMQ_POLLIN, 0}};
	double end = now_ms() + ms;
	for (int guard = 0; guard < 100000; guard++) {
		long left = (long)(end - now_ms());
		if (left < 0)
			left = 0;
		int n = zmq_poll(items, c->mon ? 2 : 1, left);
		if (n < 0 && zmq_errno() != EINTR)
			return -1;
		if (n < 0)
			return 0; /* a signal: let the caller look */
		if (c->mon && (items[1].revents & ZMQ_POLLIN)) {
			zmq_msg_t m;
			zmq_msg_init(&m);
			zmq_msg_recv(&m, c->mon, 0);
			uint16_t event = 0;
			if (zmq_msg_size(&m) >= 2)
				memcpy(&event, zmq_msg_data(&m), 2);
			zmq_msg_close(&m);
			zmq_msg_init(&m);
			zmq_msg_recv(&m, c->mon, 0); /* the endpoint frame */
			zmq_msg_close(&m);
			c->refused = true;
			fprintf(stderr,
				"catscan: the daemon at %s refused the connection: %s\n",
				c->endpoint,
				event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
					? "our CURVE key is not in its allow-list"
					: "the CURVE handshake failed (wrong server key?)");
			return -1;
		}
		if (items[0].revents & ZMQ_POLLIN)
			return 1;
		if (n == 0 || now_ms() >= end)
			return 0;
	}
	return 0;
}

/* Sends "" proto cmd meta [body]; body (if any) is handed to ZeroMQ,
 * which frees it. */
static int send_request(client *c, const char *cmd, const char *meta,
			char *body, size_t body_len)
{
	int more = body ? ZMQ_SNDMORE : 0;
	if (zmq_send(c->sock, "", 0, ZMQ_SNDMORE) < 0 ||
	    zmq_send(c->sock, CD_PROTO, strlen(CD_PROTO), ZMQ_SNDMORE) < 0 ||
	    zmq_send(c->sock, cmd, strlen(cmd), ZMQ_SNDMORE) < 0 ||
	    zmq_send(c->sock, meta, strlen(meta), more) < 0) {
		free(body);
		return -1;
	}
	if (!body)
		return 0;
	zmq_msg_t m;
	if (zmq_msg_init_data(&m, body, body_len, (zmq_free_fn *)(void (*)(void))free,
			      NULL) != 0) {
		free(body);
		return -1;
	}
	if (zmq_msg_send(&m, c->sock, 0) < 0) {
		zmq_msg_close(&m);
		return -1;
	}
	return 0;
}

/* A reply: its command, its metadata (parsed) and its last frame. */
typedef struct reply {
	char cmd[16];
	json_t *meta;
	char *body;
	size_t body_len;
} reply;

static void reply_free(reply *r)
{
	json_decref(r->meta);
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* Reads one waiting message. Returns 0 or -1 when it is not a reply. */
static int recv_reply(client *c, reply *r)
{
	memset(r, 0, sizeof *r);
	zmq_msg_t f[5];
	int n = 0, more = 1;
	for (int guard = 0; more && guard < 64; guard++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, c->sock, 0) < 0) {
			zmq_msg_close(&m);
			break;
		}
		more = zmq_msg_more(&m);
		if (n < 5) {
			zmq_msg_init(&f[n]);
			zmq_msg_move(&f[n++], &m);
		}
		zmq_msg_close(&m);
	}
	int rc = -1;
	/* "" proto cmd meta [body] */
	if (n >= 4 && zmq_msg_size(&f[0]) == 0 &&
	    zmq_msg_size(&f[1]) == strlen(CD_PROTO) &&
	    memcmp(zmq_msg_data(&f[1]), CD_PROTO, strlen(CD_PROTO)) == 0) {
		snprintf(r->cmd, sizeof r->cmd, "%.*s", (int)zmq_msg_size(&f[2]),
			 (char *)zmq_msg_data(&f[2]));
		r->meta = json_loadb(zmq_msg_data(&f[3]), zmq_msg_size(&f[3]), 0,
				     NULL);
		if (n == 5) {
			r->body_len = zmq_msg_size(&f[4]);
			r->body = cs_strndup(zmq_msg_data(&f[4]), r->body_len);
		}
		rc = r->meta ? 0 : -1;
	}
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
	if (rc)
		reply_free(r);
	return rc;
}

/* PING, and its PONG within the timeout. On success *pong is the PONG's
 * metadata (the caller decrefs). */
static int hello(client *c, long timeout_ms, json_t **pong)
{
	if (send_request(c, CD_PING, "{\"id\":\"hello\"}", NULL, 0) != 0) {
		fprintf(stderr, "catscan: cannot send to %s: %s\n", c->endpoint,
			zmq_strerror(zmq_errno()));
		return -1;
	}
	double end = now_ms() + timeout_ms;
	for (int guard = 0; guard < 1000; guard++) {
		int w = client_wait(c, (long)(end - now_ms()));
		if (w < 0)
			return -1;
		if (w == 0 && now_ms() >= end)
			break;
		reply r;
		if (w == 1 && recv_reply(c, &r) == 0) {
			if (strcmp(r.cmd, CD_PONG) == 0) {
				*pong = json_incref(r.meta);
				reply_free(&r);
				return 0;
			}
			reply_free(&r);
		}
	}
	fprintf(stderr, "catscan: no daemon answering at %s (is catscand "
			"running? see --connect)\n",
		c->endpoint);
	return -1;
}

/* --- scan ------------------------------------------------------------- */

typedef enum { F_WAITING, F_SENT, F_DONE } fstate;

typedef struct fslot {
	fstate state;
	int busy_tries;
	double retry_at;
	char *result;  /* the result JSON, when answered with one */
	char *error;   /* else what went wrong */
} fslot;

static int worse(int a, int b)
{
	if (a == CLI_EXIT_ERROR || b == CLI_EXIT_ERROR)
		return CLI_EXIT_ERROR;
	return a == CLI_EXIT_FLAGGED || b == CLI_EXIT_FLAGGED ? CLI_EXIT_FLAGGED
							      : CLI_EXIT_CLEAR;
}

static void fail_slot(fslot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail_slot(fslot *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char text[2048];
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	s->error = cs_strdup(text);
	s->state = F_DONE;
}

/* Reads file i and sends it; on a local problem the slot is done. */
static int send_file(client *c, fslot *s, int i, const char *path,
		     const char *as_of, size_t max_message)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fail_slot(s, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_message) {
		fail_slot(s, "%s: %lld bytes is over the daemon's message limit "
			     "of %zu bytes (max_message); scan it with --local",
			  path, (long long)st.st_size, max_message);
		return 0;
	}
	char *data = NULL;
	size_t len = 0;
	cs_error err;
	cs_code rc = cs_read_file(path, max_message, &data, &len, &err);
	if (rc == CS_ELIMIT) {
		fail_slot(s, "%s: over the daemon's message limit of %zu bytes "
			     "(max_message); scan it with --local",
			  path, max_message);
		return 0;
	}
	if (rc) {
		fail_slot(s, "%s", err.msg);
		return 0;
	}
	json_t *meta = json_pack("{s:s, s:s}", "id", "", "name", path);
	char id[32];
	snprintf(id, sizeof id, "%d", i);
	json_object_set_new(meta, "id", json_string(id));
	if (as_of)
		json_object_set_new(meta, "as_of", json_string(as_of));
	char *text = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	if (!text) {
		/* a file name that is not UTF-8 cannot go in JSON */
		free(data);
		fail_slot(s, "%s: the file name is not valid UTF-8", path);
		return 0;
	}
	int sent = send_request(c, CD_SCAN, text, data, len);
	free(text);
	if (sent != 0) {
		fprintf(stderr, "catscan: cannot send to %s: %s\n", c->endpoint,
			zmq_strerror(zmq_errno()));
		return -1;
	}
	s->state = F_SENT;
	return 0;
}

static void take_reply(fslot *slots, int nfiles, reply *r)
{
	const char *id = json_string_value(json_object_get(r->meta, "id"));
	char *end = NULL;
	long i = id ? strtol(id, &end, 10) : -1;
	if (!id || *end || i < 0 || i >= nfiles || slots[i].state != F_SENT)
		return; /* a PONG to our keep-alive, or a stray */
	fslot *s = &slots[i];
	if (strcmp(r->cmd, CD_RESULT) == 0 && r->body) {
		s->result = r->body;
		r->body = NULL;
		s->state = F_DONE;
		return;
	}
	const char *code = json_string_value(json_object_get(r->meta, "code"));
	const char *msg = json_string_value(json_object_get(r->meta, "message"));
	if (code && strcmp(code, CD_E_BUSY) == 0 && s->busy_tries < BUSY_RETRIES) {
		/* Back off a little more each time, up to a second. */
		s->busy_tries++;
		s->retry_at = now_ms() + (s->busy_tries < 10 ? 100 * s->busy_tries
							      : 1000);
		s->state = F_WAITING;
		return;
	}
	fail_slot(s, "daemon: %s: %s", code ? code : "error",
		  msg ? msg : "no message");
}

int cmd_scan_remote(const char *endpoint, const char *server_key,
		    const char *key, bool as_json, const char *as_of,
		    char **files, int nfiles)
{
	char epbuf[1024];
	endpoint = pick_endpoint(endpoint, "submit", epbuf, sizeof epbuf);
	client c;
	json_t *pong = NULL;
	fslot *slots = calloc((size_t)nfiles + 1, sizeof *slots);
	int worst = CLI_EXIT_CLEAR;
	if (!slots || client_open(&c, ZMQ_DEALER, endpoint, server_key, key) != 0 ||
	    hello(&c, PING_TIMEOUT_MS, &pong) != 0) {
		worst = CLI_EXIT_ERROR;
		goto done;
	}
	size_t max_message =
		(size_t)json_integer_value(json_object_get(pong, "max_message"));
	int next_print = 0, inflight = 0;
	double last_heard = now_ms();
	bool pinged = false;
	/* Bounded: every turn sends, receives or waits at most a second, and
	 * a daemon silent past two pings ends the loop. */
	while (next_print < nfiles) {
		double now = now_ms();
		for (int i = next_print; i < nfiles && inflight < WINDOW; i++) {
			if (slots[i].state != F_WAITING || slots[i].retry_at > now)
				continue;
			if (send_file(&c, &slots[i], i, files[i], as_of,
				      max_message) != 0) {
				worst = CLI_EXIT_ERROR;
				goto done;
			}
			inflight += slots[i].state == F_SENT;
		}
		for (; next_print < nfiles && slots[next_print].state == F_DONE;
		     next_print++) {
			fslot *s = &slots[next_print];
			if (s->result) {
				worst = worse(worst, cli_print_result(s->result, as_json));
			} else {
				fprintf(stderr, "catscan: %s\n", s->error ? s->error : "?");
				worst = CLI_EXIT_ERROR;
			}
			free(s->result);
			free(s->error);
			s->result = s->error = NULL;
		}
		if (next_print >= nfiles)
			break;
		int w = client_wait(&c, 1000);
		if (w < 0) {
			worst = CLI_EXIT_ERROR;
			goto done;
		}
		if (w == 1) {
			last_heard = now_ms();
			pinged = false;
			for (int k = 0; k < 256 && client_wait(&c, 0) == 1; k++) {
				reply r;
				if (recv_reply(&c, &r) != 0)
					continue;
				bool was_sent = false;
				const char *id = json_string_value(json_object_get(r.meta, "id"));
				long i = id ? strtol(id, NULL, 10) : -1;
				if (id && *id && i >= 0 && i < nfiles)
					was_sent = slots[i].state == F_SENT;
				take_reply(slots, nfiles, &r);
				if (was_sent && slots[i].state != F_SENT)
					inflight--;
				reply_free(&r);
			}
		} else if (inflight > 0 && now_ms() - last_heard > 5000) {
			if (pinged && now_ms() - last_heard > 5000 + PING_TIMEOUT_MS) {
				fprintf(stderr, "catscan: the daemon at %s stopped "
						"answering\n", endpoint);
				worst = CLI_EXIT_ERROR;
				goto done;
			}
			if (!pinged) {
				send_request(&c, CD_PING, "{\"id\":\"keepalive\"}", NULL, 0);
				pinged = true;
			}
		}
	}
done:
	for (int i = 0; slots && i < nfiles; i++) {
		free(slots[i].result);
		free(slots[i].error);
	}
	free(slots);
	json_decref(pong);
	client_close(&c);
	return worst;
}

/* --- status ----------------------------------------------------------- */

static const struct option remote_opts[] = {
	{"connect", required_argument, NULL, 'c'},
	{"json", no_argument, NULL, 'j'},
	{"server-key", required_argument, NULL, 's'},
	{"key", required_argument, NULL, 'k'},
	{"timeout", required_argument, NULL, 't'},
	{"verdict", required_argument, NULL, 'v'},
	{"item", required_argument, NULL, 'i'},
	{"count", required_argument, NULL, 'n'},
	{"help", no_argument, NULL, 'h'},
	{0, 0, 0, 0},
};

typedef struct remote_args {
	const char *endpoint, *server_key, *key;
	bool as_json;
	long timeout_ms;
	const char *verdicts[8];
	int nverdicts;
	const char *items[64];
	int nitems;
	long count;
} remote_args;

static int parse_remote(int argc, char **argv, remote_args *a, bool watch)
{
	memset(a, 0, sizeof *a);
	a->timeout_ms = PING_TIMEOUT_MS;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", remote_opts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->endpoint = optarg; break;
		case 'j': a->as_json = true; break;
		case 's': a->server_key = optarg; break;
		case 'k': a->key = optarg; break;
		case 't': a->timeout_ms = atol(optarg) * 1000; break;
		case 'n': a->count = atol(optarg); break;
		case 'v':
			if (!watch || a->nverdicts >= 8 || !(strcmp(optarg, "prohibited") == 0 ||
			     strcmp(optarg, "restricted") == 0 || strcmp(optarg, "review") == 0 ||
			     strcmp(optarg, "clear") == 0 || strcmp(optarg, "unscannable") == 0)) {
				fprintf(stderr, "catscan: --verdict: one of prohibited, "
						"restricted, review, unscannable, clear\n");
				return -1;
			}
			a->verdicts[a->nverdicts++] = optarg;
			break;
		case 'i':
			if (!watch || a->nitems >= 64 || strlen(optarg) > 96 ||
			    strpbrk(optarg, " \t")) {
				fprintf(stderr, "catscan: --item takes one item code\n");
				return -1;
			}
			a->items[a->nitems++] = optarg;
			break;
		case 'h':
		default:
			fprintf(ch == 'h' ? stdout : stderr,
				"usage: catscan %s [--connect ENDPOINT] [--json] "
				"[--server-key FILE] [--key FILE]%s\n",
				watch ? "watch" : "status",
				watch ? " [--verdict V]... [--item CODE]... [--count N]"
				      : " [--timeout SECONDS]");
			return ch == 'h' ? 1 : -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "catscan: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static void print_status(json_t *s)
{
	json_t *r = json_object_get(s, "rules");
	json_t *w = json_object_get(s, "workers");
	json_t *q = json_object_get(s, "queue");
	json_t *j = json_object_get(s, "jobs");
#define S(o, k) (json_string_value(json_object_get((o), (k))) ? json_string_value(json_object_get((o), (k))) : "")
#define I(o, k) ((long long)json_integer_value(json_object_get((o), (k))))
	long long up = I(s, "uptime_s");
	printf("daemon:   %s, protocol %s, up %lldd %02lld:%02lld:%02lld%s\n",
	       S(s, "version"), S(s, "protocol"), up / 86400, up / 3600 % 24,
	       up / 60 % 60, up % 60,
	       json_is_true(json_object_get(s, "draining")) ? ", draining" : "");
	printf("rules:    %s %s (%s), edition %s, %lld items\n", S(r, "name"),
	       S(r, "version"), S(r, "label"), S(r, "edition"), I(r, "items"));
	json_t *cov = json_object_get(r, "coverage");
	printf("coverage: rules for %lld of the %lld items in the edition (%lld with "
	       "their official code)%s\n",
	       I(cov, "items_with_rules"), I(cov, "items_in_edition"),
	       I(cov, "items_with_official_code"),
	       json_is_true(json_object_get(cov, "complete"))
		       ? ""
		       : "; a clear verdict says nothing about the rest");
	printf("          hash %s, loaded %s\n", S(r, "hash"), S(r, "loaded_at"));
	printf("workers:  %lld alive (%lld busy, %lld idle), %lld restarts\n",
	       I(w, "alive"), I(w, "busy"), I(w, "idle"), I(w, "restarts"));
	printf("queue:    %lld of %lld\n", I(q, "depth"), I(q, "max"));
	printf("jobs:     %lld accepted, %lld done, %lld failed, %lld retried, "
	       "%lld refused busy, %lld errors\n",
	       I(j, "accepted"), I(j, "done"), I(j, "failed"), I(j, "retried"),
	       I(j, "busy"), I(j, "errors"));
	printf("reloads:  %lld, %lld failed\n", I(j, "reloads"), I(j, "reload_errors"));
	printf("subscriptions: %lld\n", I(s, "subscriptions"));
#undef S
#undef I
}

int cmd_status(int argc, char **argv)
{
	remote_args a;
	int p = parse_remote(argc, argv, &a, false);
	if (p)
		return p > 0 ? 0 : CLI_EXIT_ERROR;
	char epbuf[1024];
	const char *endpoint = pick_endpoint(a.endpoint, "submit", epbuf, sizeof epbuf);
	client c;
	int rc = CLI_EXIT_ERROR;
	if (client_open(&c, ZMQ_DEALER, endpoint, a.server_key, a.key) != 0 ||
	    send_request(&c, CD_STATUS, "{\"id\":\"status\"}", NULL, 0) != 0)
		goto done;
	double end = now_ms() + a.timeout_ms;
	for (int guard = 0; guard < 1000 && now_ms() < end; guard++) {
		int w = client_wait(&c, (long)(end - now_ms()));
		if (w < 0)
			goto done;
		reply r;
		if (w == 1 && recv_reply(&c, &r) == 0) {
			bool ok = strcmp(r.cmd, CD_STATUS) == 0;
			if (ok && a.as_json) {
				char *t = json_dumps(r.meta, JSON_COMPACT);
				printf("%s\n", t ? t : "{}");
				free(t);
			} else if (ok) {
				print_status(r.meta);
			} else {
				fprintf(stderr, "catscan: daemon: %s\n",
					json_string_value(json_object_get(r.meta, "message")));
			}
			reply_free(&r);
			rc = ok ? 0 : CLI_EXIT_ERROR;
			goto done;
		}
	}
	fprintf(stderr, "catscan: no daemon answering at %s\n", endpoint);
done:
	client_close(&c);
	return rc;
}

/* --- watch ------------------------------------------------------------ */

static volatile sig_atomic_t watch_stop;

static void on_stop(int sig)
{
	(void)sig;
	watch_stop = 1;
}

static int subscribe(client *c, const remote_args *a)
{
	char topic[128];
	int n = 0;
	if (a->nitems == 0 && a->nverdicts == 0)
		return zmq_setsockopt(c->sock, ZMQ_SUBSCRIBE, "verdict ", 8);
	for (int i = 0; i < (a->nitems ? a->nitems : 1); i++) {
		for (int v = 0; v < (a->nverdicts ? a->nverdicts : 1); v++) {
			if (a->nitems)
				n = snprintf(topic, sizeof topic, "item %s %s",
					     a->items[i], a->nverdicts ? a->verdicts[v] : "");
			else
				n = snprintf(topic, sizeof topic, "verdict %s",
					     a->verdicts[v]);
			if (zmq_setsockopt(c->sock, ZMQ_SUBSCRIBE, topic, (size_t)n))
				return -1;
		}
	}
	return 0;
}

int cmd_watch(int argc, char **argv)
{
	remote_args a;
	int p = parse_remote(argc, argv, &a, true);
	if (p)
		return p > 0 ? 0 : CLI_EXIT_ERROR;
	char epbuf[1024];
	const char *endpoint = pick_endpoint(a.endpoint, "publish", epbuf, sizeof epbuf);
	client c;
	int rc = CLI_EXIT_ERROR;
	if (client_open(&c, ZMQ_SUB, endpoint, a.server_key, a.key) != 0 ||
	    subscribe(&c, &a) != 0)
		goto done;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Several item subscriptions can bring one result more than once:
	 * remember the last jobs printed. */
	long long seen[256] = {0};
	long printed = 0;
	fflush(stdout);
	while (!watch_stop && (a.count <= 0 || printed < a.count)) {
		int w = client_wait(&c, 1000);
		if (w < 0)
			goto done;
		if (w == 0)
			continue;
		zmq_msg_t f[4];
		int n = 0, more = 1;
		for (int guard = 0; more && guard < 64; guard++) {
			zmq_msg_t m;
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, c.sock, 0) < 0) {
				zmq_msg_close(&m);
				break;
			}
			more = zmq_msg_more(&m);
			if (n < 4) {
				zmq_msg_init(&f[n]);
				zmq_msg_move(&f[n++], &m);
			}
			zmq_msg_close(&m);
		}
		if (n == 4) {
			json_t *meta = json_loadb(zmq_msg_data(&f[2]), zmq_msg_size(&f[2]),
						  0, NULL);
			long long job = json_integer_value(json_object_get(meta, "job"));
			json_decref(meta);
			bool dup = false;
			for (int i = 0; i < 256; i++)
				dup |= job && seen[i] == job;
			if (!dup) {
				seen[printed % 256] = job;
				char *result = cs_strndup(zmq_msg_data(&f[3]),
							  zmq_msg_size(&f[3]));
				if (result)
					cli_print_result(result, a.as_json);
				free(result);
				fflush(stdout);
				printed++;
			}
		}
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
	}
	rc = 0;
done:
	client_close(&c);
	return rc;
}

/* --- keygen ----------------------------------------------------------- */

static int write_key(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		fprintf(stderr, "catscan: %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (not overwritten)" : "");
		return -1;
	}
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok)
		fprintf(stderr, "catscan: %s: %s\n", path, strerror(errno));
	return ok ? 0 : -1;
}

int cmd_keygen(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
			"usage: catscan keygen DIR [NAME]\n"
			"Writes DIR/NAME.key (the CURVE secret key, mode 0600) and\n"
			"DIR/NAME.pub (the public key, to copy into the daemon's\n"
			"allow-list folder). NAME defaults to the host name.\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : CLI_EXIT_ERROR;
	}
	char name[256];
	if (argc == 3) {
		snprintf(name, sizeof name, "%s", argv[2]);
	} else if (gethostname(name, sizeof name) != 0) {
		snprintf(name, sizeof name, "catscan");
	}
	name[sizeof name - 1] = '\0';
	if (strchr(name, '/') || name[0] == '.' || !name[0]) {
		fprintf(stderr, "catscan: keygen: '%s' is not a plain name\n", name);
		return CLI_EXIT_ERROR;
	}
	if (!zmq_has("curve")) {
		fprintf(stderr, "catscan: this libzmq was built without CURVE\n");
		return CLI_EXIT_ERROR;
	}
	char public[41], secret[41];
	if (zmq_curve_keypair(public, secret) != 0) {
		fprintf(stderr, "catscan: keygen: %s\n", zmq_strerror(zmq_errno()));
		return CLI_EXIT_ERROR;
	}
	char pub_path[4096], key_path[4096], pub_text[512], key_text[512];
	snprintf(pub_path, sizeof pub_path, "%s/%s.pub", argv[1], name);
	snprintf(key_path, sizeof key_path, "%s/%s.key", argv[1], name);
	snprintf(pub_text, sizeof pub_text, "# catscan CURVE public key: %s\n%s\n",
		 name, public);
	snprintf(key_text, sizeof key_text,
		 "# catscan CURVE secret key: %s (keep private)\n%s\n", name, secret);
	if (write_key(key_path, key_text, 0600) != 0)
		return CLI_EXIT_ERROR;
	if (write_key(pub_path, pub_text, 0644) != 0) {
		unlink(key_path);
		return CLI_EXIT_ERROR;
	}
	explicit_bzero(secret, sizeof secret);
	printf("%s\n%s\n", key_path, pub_path);
	return 0;
}
