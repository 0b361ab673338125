/*
 * worker.c: the process that touches documents.
 *
 * Everything hostile happens here, so this process is the one that is
 * limited: its address space is capped (RLIMIT_AS), each job gets a CPU
 * budget (RLIMIT_CPU, SIGXCPU past it) and a wall-clock budget (alarm(),
 * SIGALRM past it); both signals keep their default action, which ends the
 * process. Dying is the worker's way of failing: the broker sees it (SIGCHLD
 * for its own processes, a missed deadline for remote ones), retries the
 * job once elsewhere, and a fresh process takes this one's place. A job
 * that runs out of memory inside the library is reported failed and the
 * process exits too, since nothing it holds can be trusted after that.
 *
 * Signals are read only between jobs, so SIGTERM and SIGHUP let the job in
 * hand finish on the rules it started with.
 */
#include "worker.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "priv.h"
#include "proto.h"
#include "scan.h"
#include "sig.h"
#include "zap.h"

typedef struct worker {
	const cd_config *cfg;
	sc_engine *engine;
	void *ctx;
	void *sock;
	char tag[64];
	char host[64];
	char server[41]; /* tcp: the broker's public key, Z85 */
	char secret[41]; /* tcp: ours, until the socket has it */
	unsigned long done;
} worker;

/* Keys are read before root is dropped (see cd_worker_run). */
static cs_code read_keys(worker *w, cs_error *err)
{
	const cd_config *c = w->cfg;
	if (strncmp(c->connect, "tcp://", 6) != 0)
		return CS_OK;
	if (!c->curve_server_key[0] || !c->curve_key[0])
		return cs_fail(err, CS_EINVAL,
			       "connecting over tcp needs curve_server_key and "
			       "curve_key");
	cs_code rc = cd_key_read(c->curve_server_key, w->server, err);
	return rc ? rc : cd_key_read(c->curve_key, w->secret, err);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static cs_code load_engine(const cd_config *c, sc_engine **out, cs_error *err)
{
	rl_pack *pack = NULL;
	cs_code rc = rl_pack_load(c->rules[0] ? c->rules : NULL, &pack, NULL, err);
	if (rc)
		return rc;
	ex_config ex;
	memset(&ex, 0, sizeof ex);
	ex.limits.max_input = (size_t)c->max_message;
	ex.limits.wall_seconds = (double)c->job_timeout;
	ex.ocr_languages = c->languages;
	ex.tessdata = c->tessdata[0] ? c->tessdata : NULL;
	return sc_engine_new(pack, &ex, out, err); /* takes the pack */
}

/* Sends proto, cmd, the JSON meta (consumed) and an optional body. */
static int send_msg(worker *w, const char *cmd, json_t *meta, const void *body,
		    size_t body_len)
{
	char *text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	json_decref(meta);
	int more = body ? ZMQ_SNDMORE : 0;
	int rc = -1;
	/* Never block: with the broker gone a DEALER would wait forever, and
	 * the worker would never see its SIGTERM. A message that cannot go
	 * is lost; the broker's deadlines cover that. */
	if (zmq_send(w->sock, CD_WPROTO, strlen(CD_WPROTO),
		     ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0 &&
	    zmq_send(w->sock, cmd, strlen(cmd), ZMQ_SNDMORE) >= 0 &&
	    zmq_send(w->sock, text ? text : "{}", text ? strlen(text) : 2, more) >= 0)
		rc = body ? (zmq_send(w->sock, body, body_len, 0) >= 0 ? 0 : -1) : 0;
	free(text);
	if (rc)
		cd_log(strcmp(cmd, CD_W_HEARTBEAT) ? CD_LOG_WARNING : CD_LOG_DEBUG,
		       "cannot send %s to the broker: %s", cmd,
		       zmq_strerror(zmq_errno()));
	return rc;
}

static json_t *rules_json(const sc_engine *e)
{
	const rl_pack *p = sc_engine_pack(e);
	return json_pack("{s:s?, s:s?, s:s?}", "label", rl_pack_label(p),
			 "version", rl_pack_version(p), "hash", rl_pack_hash(p));
}

static int send_ready(worker *w)
{
	json_t *m = json_pack("{s:i, s:s, s:s, s:o}", "pid", (int)getpid(),
			      "host", w->host, "tag", w->tag, "rules",
			      rules_json(w->engine));
	return send_msg(w, CD_W_READY, m, NULL, 0);
}

static void reload(worker *w)
{
	cs_error err;
	sc_engine *fresh = NULL;
	json_t *m;
	if (load_engine(w->cfg, &fresh, &err)) {
		cd_log(CD_LOG_ERR, "reload failed, keeping the old rules: %s",
		       err.msg);
		m = json_pack("{s:b, s:s, s:o}", "ok", 0, "error", err.msg, "rules",
			      rules_json(w->engine));
	} else {
		sc_engine_free(w->engine);
		w->engine = fresh;
		cd_log(CD_LOG_INFO, "rules reloaded: %s",
		       rl_pack_hash(sc_engine_pack(fresh)));
		m = json_pack("{s:b, s:o}", "ok", 1, "rules", rules_json(w->engine));
	}
	send_msg(w, CD_W_RELOADED, m, NULL, 0);
}

#ifdef CD_TEST_HOOKS
/* Test builds only (make ... CFLAGS=-DCD_TEST_HOOKS): a document that
 * starts with $CATSCAN_TEST_CRASH_PREFIX kills the worker, standing in for
 * a document that crashes a parser. Never compiled into a release. */
static void test_crash_hook(const void *data, size_t len)
{
	const char *prefix = getenv("CATSCAN_TEST_CRASH_PREFIX");
	if (prefix && *prefix && len >= strlen(prefix) &&
	    memcmp(data, prefix, strlen(prefix)) == 0)
		abort();
}
#endif

/* Returns false when the process must end after this job. */
static bool run_job(worker *w, zmq_msg_t *meta_msg, zmq_msg_t *doc)
{
	json_t *meta = json_loadb(zmq_msg_data(meta_msg), zmq_msg_size(meta_msg),
				  0, NULL);
	json_int_t job = json_integer_value(json_object_get(meta, "job"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *as_of = json_string_value(json_object_get(meta, "as_of"));
	sc_options opt = {as_of && *as_of ? as_of : NULL, name ? name : "document"};
	char *result = NULL;
	sc_verdict verdict = SC_UNSCANNABLE;
	cs_error err;
	cs_error_clear(&err);
	bool keep_going = true;

	double t0 = now_ms();
	cs_code rc = cd_limit_cpu(w->cfg->worker_cpu, &err);
	if (!rc) {
		/* The hard wall: the library's own limit (job_timeout) should
		 * have answered first; this ends a worker that is stuck. */
		alarm((unsigned)w->cfg->job_timeout + 5);
#ifdef CD_TEST_HOOKS
		test_crash_hook(zmq_msg_data(doc), zmq_msg_size(doc));
#endif
		rc = sc_scan(w->engine, zmq_msg_data(doc), zmq_msg_size(doc), &opt,
			     &result, &verdict, &err);
		alarm(0);
	}
	double ms = now_ms() - t0;
	json_t *reply;
	if (rc == CS_OK) {
		reply = json_pack("{s:I, s:b, s:s, s:f, s:i}", "job", job, "ok", 1,
				  "verdict", sc_verdict_name(verdict), "ms", ms,
				  "maxrss_kb", (int)cd_peak_rss_kb());
	} else {
		/* A bad request (as_of) is the client's error; anything else
		 * is this worker failing, and the broker retries. */
		bool client = rc == CS_EINVAL;
		reply = json_pack("{s:I, s:b, s:s, s:s}", "job", job, "ok", 0,
				  "code", client ? CD_E_INVALID : "failed",
				  "message", err.msg);
		keep_going = client;
		cd_log(client ? CD_LOG_INFO : CD_LOG_ERR, "job %lld: %s",
		       (long long)job, err.msg);
	}
	send_msg(w, CD_W_DONE, reply, result ? result : "",
		 result ? strlen(result) : 0);
	free(result);
	json_decref(meta);
	w->done++;
	return keep_going;
}

/* Reads one message into at most 4 frames; extra frames are dropped. */
static int recv_msg(void *sock, zmq_msg_t f[4])
{
	int n = 0, more = 1;
	for (int guard = 0; more && guard < 64; guard++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return n;
		}
		more = zmq_msg_more(&m);
		if (n < 4)
			zmq_msg_move(&f[n++], &m);
		zmq_msg_close(&m);
	}
	return n;
}

static bool frame_is(zmq_msg_t *m, const char *s)
{
	return zmq_msg_size(m) == strlen(s) &&
	       memcmp(zmq_msg_data(m), s, strlen(s)) == 0;
}

static cs_code setup_socket(worker *w, cs_error *err)
{
	const cd_config *c = w->cfg;
	w->ctx = zmq_ctx_new();
	w->sock = w->ctx ? zmq_socket(w->ctx, ZMQ_DEALER) : NULL;
	if (!w->sock)
		return cs_fail(err, CS_EBACKEND, "zmq: %s", zmq_strerror(zmq_errno()));
	int linger = 2000;
	zmq_setsockopt(w->sock, ZMQ_LINGER, &linger, sizeof linger);
	if (w->secret[0]) {
		char public[41];
		if (zmq_curve_public(public, w->secret))
			return cs_fail(err, CS_EINVAL, "%s: not a secret key",
				       c->curve_key);
		zmq_setsockopt(w->sock, ZMQ_CURVE_SERVERKEY, w->server, 40);
		zmq_setsockopt(w->sock, ZMQ_CURVE_PUBLICKEY, public, 40);
		zmq_setsockopt(w->sock, ZMQ_CURVE_SECRETKEY, w->secret, 40);
		explicit_bzero(w->secret, sizeof w->secret);
	}
	if (zmq_connect(w->sock, c->connect))
		return cs_fail(err, CS_EINVAL, "connect %s: %s", c->connect,
			       zmq_strerror(zmq_errno()));
	return CS_OK;
}

static void loop(worker *w)
{
	double last_sent = 0;
	/* Bounded by signals: SIGTERM ends it; each turn waits at most one
	 * heartbeat. */
	for (;;) {
		zmq_pollitem_t items[] = {{w->sock, 0, ZMQ_POLLIN, 0},
					  {NULL, cd_sig_fd(), ZMQ_POLLIN, 0}};
		zmq_poll(items, 2, (long)w->cfg->heartbeat);
		unsigned sigs = cd_sig_take();
		if (sigs & CD_SIG_TERM)
			return;
		if (sigs & CD_SIG_HUP)
			reload(w);
		for (int batch = 0; batch < 16; batch++) {
			zmq_msg_t f[4];
			for (int i = 0; i < 4; i++)
				zmq_msg_init(&f[i]);
			int n = recv_msg(w->sock, f);
			bool stop = false;
			if (n == 0) {
				batch = 16;
			} else if (n < 2 || !frame_is(&f[0], CD_WPROTO)) {
				cd_log(CD_LOG_WARNING, "ignoring a malformed message");
			} else if (frame_is(&f[1], CD_W_JOB) && n == 4) {
				stop = !run_job(w, &f[2], &f[3]);
				last_sent = now_ms();
			} else if (frame_is(&f[1], CD_W_RELOAD)) {
				reload(w);
			} else if (frame_is(&f[1], CD_W_RESET)) {
				cd_log(CD_LOG_INFO, "broker asked us to register again");
				send_ready(w);
			}
			for (int i = 0; i < 4; i++)
				zmq_msg_close(&f[i]);
			if (stop)
				return;
			/* Between jobs, a pending SIGTERM wins over more work. */
			if (cd_sig_take() & CD_SIG_TERM)
				return;
		}
		if (now_ms() - last_sent >= (double)w->cfg->heartbeat) {
			send_msg(w, CD_W_HEARTBEAT, NULL, NULL, 0);
			last_sent = now_ms();
		}
	}
}

int cd_worker_run(const cd_config *c)
{
	worker w;
	memset(&w, 0, sizeof w);
	w.cfg = c;
	char logtag[32];
	snprintf(logtag, sizeof logtag, "worker %d", (int)getpid());
	cd_log_set_tag(logtag);
	const char *tag = getenv("CATSCAN_WORKER_TAG");
	snprintf(w.tag, sizeof w.tag, "%s", tag ? tag : "");
	gethostname(w.host, sizeof w.host - 1);

	int status = 1;
	cs_error err;
	pid_t parent = getppid();
	if (read_keys(&w, &err) || cd_limit_memory(c->worker_memory, &err) ||
	    cd_priv_drop(c->user, NULL, &err) || cd_sig_init(&err)) {
		cd_log(CD_LOG_ERR, "%s", err.msg);
		goto done;
	}
	/* Changing user clears the parent-death signal the pool asked for:
	 * ask again, and go if the parent is already gone. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) {
		cd_log(CD_LOG_WARNING, "the process that started us is gone");
		goto done;
	}
	if (load_engine(c, &w.engine, &err)) {
		cd_log(CD_LOG_ERR, "cannot load rules: %s", err.msg);
		status = 3;
		goto done;
	}
	if (setup_socket(&w, &err)) {
		cd_log(CD_LOG_ERR, "%s", err.msg);
		goto done;
	}
	/* If READY cannot go yet, the broker's RESET to our first heartbeat
	 * asks for it again. */
	send_ready(&w);
	cd_log(CD_LOG_DEBUG, "ready on %s", c->connect);
	loop(&w);
	send_msg(&w, CD_W_BYE, NULL, NULL, 0);
	status = 0;
done:
	if (w.sock)
		zmq_close(w.sock);
	if (w.ctx)
		zmq_ctx_term(w.ctx);
	if (w.engine)
		sc_engine_free(w.engine);
	return status;
}
