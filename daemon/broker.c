/*
 * broker.c: one event loop over the sockets, the signal pipe and time.
 *
 * Jobs. A SCAN that passes cd_request_parse becomes a job: its reply
 * envelope, its metadata and the document frame (kept as a zmq_msg_t, so
 * the bytes are never copied on their way to the worker). A job is always
 * in exactly one place: the pending queue, or one worker's hands. Every
 * path out of those places answers the client, so each accepted job gets
 * one answer: its result; `unscannable: worker failed` after its worker died
 * on it 1 + retries times; or `shutting-down` when the drain runs out of
 * time. The queue is bounded (queue_max); beyond it the answer is `busy`.
 *
 * Workers. A worker is known from its READY until it says BYE, dies or goes
 * silent. A busy worker has a deadline (job_timeout + grace); past it the
 * broker kills it if it is one of its own processes, and in any case takes
 * the job back. The broker's own processes are also watched through
 * SIGCHLD, which is how a crash is noticed at once. A result from a worker
 * the broker no longer knows is dropped (its job was already taken back),
 * and the worker is told to register again.
 *
 * Rules. The broker loads the pack too, to check it before any worker is
 * asked to reload and to report its edition and hash in STATUS. SIGHUP
 * loads the pack again; only if that succeeds is every worker sent RELOAD,
 * which each reads between jobs, so a job in flight ends on the rules it
 * started with.
 */
#include "broker.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "notify.h"
#include "pool.h"
#include "priv.h"
#include "proto.h"
#include "coverage.h"
#include "rules.h"
#include "scan.h"
#include "sig.h"
#include "zap.h"

#define CD_VERSION "catscand " CS_VERSION
#define ENV_MAX 8        /* routing frames kept for a reply */
#define FRAMES_MAX 16    /* frames read from one message */
#define WORKERS_MAX 4096
#define BATCH 256        /* messages read from one socket per turn */
#define GRACE_MS 10000   /* past job_timeout, before a worker is given up */

typedef struct job {
	uint64_t id;
	zmq_msg_t env[ENV_MAX];
	int nenv;
	cd_request req;
	zmq_msg_t body;
	size_t size;
	int attempts;
	unsigned char last_rid[256];
	size_t last_rid_len;
	double accepted;
	struct job *next;
} job;

typedef struct wrk {
	unsigned char rid[256];
	size_t rid_len;
	int pid;
	char host[64];
	bool local;
	bool reloading;
	job *job;
	double deadline;
	double last_seen;
	double idle_since;
	char hash[80];
	long maxrss_kb;
	unsigned long done;
} wrk;

typedef struct pack_info {
	char label[256], name[128], version[64], hash[80], edition[64];
	char loaded_at[32];
	long items;
	long in_edition, with_rules, curated, derived, official;
	bool complete;
} pack_info;

typedef struct broker {
	const cd_config *cfg;
	void *ctx, *submit, *work, *pub;
	cd_zap *zap;
	cd_pool *pool;
	char tag[32];
	char local_work[4096];
	char secret[41]; /* the daemon's CURVE secret key, Z85 */
	json_t *endpoints;
	job *qhead, *qtail;
	size_t qlen;
	wrk *w;
	size_t nw;
	uint64_t next_id;
	pack_info rules;
	double started;
	bool draining;
	double drain_deadline;
	unsigned long accepted, done, failed, retried, busy, errors, reloads,
		reload_errors, subscriptions;
} broker;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void utc_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *or_str(const char *s, const char *fallback)
{
	return s ? s : fallback;
}

/* --- rules ------------------------------------------------------------ */

static cs_code load_rules(broker *b, cs_error *err)
{
	rl_pack *p = NULL;
	const char *path = b->cfg->rules[0] ? b->cfg->rules : NULL;
	cs_code rc = rl_pack_load(path, &p, NULL, err);
	if (rc)
		return rc;
	pack_info *r = &b->rules;
	snprintf(r->label, sizeof r->label, "%s", rl_pack_label(p) ? rl_pack_label(p) : "");
	snprintf(r->name, sizeof r->name, "%s", rl_pack_name(p) ? rl_pack_name(p) : "");
	snprintf(r->version, sizeof r->version, "%s",
		 rl_pack_version(p) ? rl_pack_version(p) : "");
	snprintf(r->hash, sizeof r->hash, "%s", rl_pack_hash(p) ? rl_pack_hash(p) : "");
	/* The edition in force today in China (UTC+8). */
	char today[16];
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	const char *ed = rl_pack_edition(p, today);
	snprintf(r->edition, sizeof r->edition, "%s", ed ? ed : "");
	r->items = (long)rl_pack_item_count(p);
	cv_counts c;
	cv_count(p, today, &c, &r->complete);
	r->in_edition = rl_pack_items_in_edition(p);
	r->with_rules = (long)c.with_rules;
	r->curated = (long)c.curated;
	r->derived = (long)c.derived;
	r->official = (long)c.official;
	utc_now(r->loaded_at, sizeof r->loaded_at);
	rl_pack_free(p);
	return CS_OK;
}

/* --- sending ---------------------------------------------------------- */

/* Sends the envelope (copied: a job may need it again), then the frames. */
static int send_reply(broker *b, zmq_msg_t *env, int nenv, const char *cmd,
		      const char *meta, zmq_msg_t *body)
{
	int rc = 0;
	for (int i = 0; i < nenv && rc >= 0; i++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		zmq_msg_copy(&m, &env[i]);
		rc = zmq_msg_send(&m, b->submit, ZMQ_SNDMORE | ZMQ_DONTWAIT);
		if (rc < 0)
			zmq_msg_close(&m);
	}
	if (rc >= 0)
		rc = zmq_send(b->submit, CD_PROTO, strlen(CD_PROTO), ZMQ_SNDMORE);
	if (rc >= 0)
		rc = zmq_send(b->submit, cmd, strlen(cmd), ZMQ_SNDMORE);
	if (rc >= 0)
		rc = zmq_send(b->submit, meta, strlen(meta), body ? ZMQ_SNDMORE : 0);
	if (rc >= 0 && body) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		zmq_msg_copy(&m, body);
		rc = zmq_msg_send(&m, b->submit, 0);
		if (rc < 0)
			zmq_msg_close(&m);
	}
	if (rc < 0)
		cd_log(CD_LOG_INFO, "reply %s not delivered: %s (client gone?)", cmd,
		       zmq_strerror(zmq_errno()));
	return rc < 0 ? -1 : 0;
}

static void send_error(broker *b, zmq_msg_t *env, int nenv, const char *id,
		       const char *code, const char *message)
{
	char *meta = cd_error_meta(id, code, message);
	send_reply(b, env, nenv, CD_ERROR, meta ? meta : "{}", NULL);
	free(meta);
}

static int send_worker(broker *b, wrk *w, const char *cmd, const char *meta,
		       zmq_msg_t *body)
{
	int rc = zmq_send(b->work, w->rid, w->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	if (rc >= 0)
		rc = zmq_send(b->work, CD_WPROTO, strlen(CD_WPROTO), ZMQ_SNDMORE);
	if (rc >= 0)
		rc = zmq_send(b->work, cmd, strlen(cmd), ZMQ_SNDMORE);
	if (rc >= 0)
		rc = zmq_send(b->work, meta, strlen(meta), body ? ZMQ_SNDMORE : 0);
	if (rc >= 0 && body) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		zmq_msg_copy(&m, body);
		rc = zmq_msg_send(&m, b->work, 0);
		if (rc < 0)
			zmq_msg_close(&m);
	}
	return rc < 0 ? -1 : 0;
}

/* --- jobs ------------------------------------------------------------- */

static void job_free(job *j)
{
	if (!j)
		return;
	for (int i = 0; i < j->nenv; i++)
		zmq_msg_close(&j->env[i]);
	zmq_msg_close(&j->body);
	free(j);
}

static void queue_push(broker *b, job *j, bool front)
{
	j->next = NULL;
	if (!b->qhead) {
		b->qhead = b->qtail = j;
	} else if (front) {
		j->next = b->qhead;
		b->qhead = j;
	} else {
		b->qtail->next = j;
		b->qtail = j;
	}
	b->qlen++;
}

static job *queue_pop(broker *b)
{
	job *j = b->qhead;
	if (j) {
		b->qhead = j->next;
		if (!b->qhead)
			b->qtail = NULL;
		b->qlen--;
		j->next = NULL;
	}
	return j;
}

static void publish(broker *b, const char *verdict, const char *items,
		    const char *meta, zmq_msg_t *result)
{
	unsigned bit = cd_verdict_bit(verdict);
	if (!b->pub || !(b->cfg->publish_mask & bit))
		return;
	cs_buf topics;
	cs_buf_init(&topics, 1 << 20);
	if (cd_topics(verdict, items, &topics) == CS_OK) {
		char *t = topics.data;
		for (int guard = 0; t && *t && guard < 10000; guard++) {
			char *nl = strchr(t, '\n');
			zmq_msg_t m;
			zmq_msg_init(&m);
			zmq_msg_copy(&m, result);
			if (zmq_send(b->pub, t, (size_t)(nl - t), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
			    zmq_send(b->pub, CD_PROTO, strlen(CD_PROTO), ZMQ_SNDMORE) < 0 ||
			    zmq_send(b->pub, meta, strlen(meta), ZMQ_SNDMORE) < 0 ||
			    zmq_msg_send(&m, b->pub, 0) < 0)
				zmq_msg_close(&m);
			t = nl + 1;
		}
	}
	cs_buf_free(&topics);
}

static void worker_name(const wrk *w, char *buf, size_t n)
{
	if (w)
		snprintf(buf, n, "%s:%d", w->host, w->pid);
	else
		snprintf(buf, n, "-");
}

/* Answers j with result (a RESULT frame), publishes it, logs it, frees j. */
static void finish_job(broker *b, job *j, zmq_msg_t *result, const wrk *w)
{
	char verdict[32], items[1024], type[128], wname[96];
	cs_error err;
	if (cd_result_summary(zmq_msg_data(result), zmq_msg_size(result), verdict,
			      sizeof verdict, items, sizeof items, type,
			      sizeof type, &err)) {
		cd_log(CD_LOG_ERR, "job %llu: worker sent a bad result: %s",
		       (unsigned long long)j->id, err.msg);
		snprintf(verdict, sizeof verdict, "unscannable");
	}
	worker_name(w, wname, sizeof wname);
	double ms = now_ms() - j->accepted;
	json_t *meta = json_pack("{s:s, s:I, s:s, s:s, s:I, s:i, s:s}", "id",
				 j->req.id, "job", (json_int_t)j->id, "verdict",
				 verdict, "items", items, "ms", (json_int_t)(ms + 0.5), "attempts",
				 j->attempts + 1, "worker", wname);
	char *text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	json_decref(meta);
	send_reply(b, j->env, j->nenv, CD_RESULT, text ? text : "{}", result);
	publish(b, verdict, items, text ? text : "{}", result);
	free(text);
	cd_log(CD_LOG_INFO,
	       "job %llu id=%s name=%s type=%s size=%zu verdict=%s items=%s "
	       "ms=%.0f attempts=%d worker=%s",
	       (unsigned long long)j->id, j->req.id[0] ? j->req.id : "-",
	       j->req.name, type, j->size, verdict, items[0] ? items : "-", ms,
	       j->attempts + 1, wname);
	b->done++;
	job_free(j);
}

/* The answer when workers keep dying on a document: fail closed. */
static void give_up(broker *b, job *j, const char *why)
{
	json_t *r = json_pack("{s:s, s:s, s:s, s:[], s:{s:s, s:s}}", "file",
			      j->req.name, "verdict", "unscannable", "reason",
			      "worker failed", "hits", "catalogue", "edition",
			      b->rules.edition, "rules", b->rules.hash);
	char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
	json_decref(r);
	zmq_msg_t m;
	if (!text || zmq_msg_init_size(&m, strlen(text))) {
		send_error(b, j->env, j->nenv, j->req.id, CD_E_INTERNAL,
			   "worker failed");
		job_free(j);
		free(text);
		return;
	}
	memcpy(zmq_msg_data(&m), text, strlen(text));
	free(text);
	cd_log(CD_LOG_WARNING, "job %llu: giving up after %d attempts: %s",
	       (unsigned long long)j->id, j->attempts, why);
	b->failed++;
	finish_job(b, j, &m, NULL);
	zmq_msg_close(&m);
}

/* A worker failed j: try it again elsewhere, or give up. */
static void job_failed(broker *b, job *j, const wrk *w, const char *why)
{
	j->attempts++;
	if (w) {
		memcpy(j->last_rid, w->rid, w->rid_len);
		j->last_rid_len = w->rid_len;
	}
	if (j->attempts <= b->cfg->retries) {
		cd_log(CD_LOG_WARNING, "job %llu: %s; trying it again",
		       (unsigned long long)j->id, why);
		b->retried++;
		queue_push(b, j, true);
	} else {
		give_up(b, j, why);
	}
}

/* --- workers ---------------------------------------------------------- */

static wrk *find_worker(broker *b, const void *rid, size_t len)
{
	for (size_t i = 0; i < b->nw; i++)
		if (b->w[i].rid_len == len && memcmp(b->w[i].rid, rid, len) == 0)
			return &b->w[i];
	return NULL;
}

/* Forgets w; its job, if any, is failed with why. */
static void drop_worker(broker *b, wrk *w, const char *why)
{
	job *j = w->job;
	char name[96];
	worker_name(w, name, sizeof name);
	cd_log(j ? CD_LOG_WARNING : CD_LOG_INFO, "worker %s gone: %s%s", name, why,
	       j ? " (while on a job)" : "");
	wrk gone = *w;
	*w = b->w[--b->nw];
	if (j) {
		char reason[160];
		snprintf(reason, sizeof reason, "worker %s %s", name, why);
		/* gone's id is remembered, so the retry goes elsewhere */
		job_failed(b, j, &gone, reason);
	}
}

static wrk *pick_idle(broker *b, const job *j)
{
	wrk *best = NULL, *fallback = NULL;
	for (size_t i = 0; i < b->nw; i++) {
		wrk *w = &b->w[i];
		if (w->job || w->reloading)
			continue;
		bool same = j->last_rid_len == w->rid_len &&
			    memcmp(j->last_rid, w->rid, w->rid_len) == 0;
		wrk **slot = same ? &fallback : &best;
		if (!*slot || w->idle_since < (*slot)->idle_since)
			*slot = w;
	}
	/* "Another worker" when there is one; the same one rather than none
	 * when it is the only one left. */
	if (!best && fallback) {
		size_t others = 0;
		for (size_t i = 0; i < b->nw; i++)
			others += &b->w[i] != fallback;
		if (others == 0)
			best = fallback;
	}
	return best;
}

static void dispatch(broker *b)
{
	/* Bounded: each turn either hands a job out or stops. */
	while (b->qhead) {
		wrk *w = pick_idle(b, b->qhead);
		if (!w)
			return;
		job *j = queue_pop(b);
		json_t *meta = json_pack("{s:I, s:s, s:s, s:s}", "job",
					 (json_int_t)j->id, "id", j->req.id, "name",
					 j->req.name, "as_of", j->req.as_of);
		char *text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
		json_decref(meta);
		int rc = send_worker(b, w, CD_W_JOB, text ? text : "{}", &j->body);
		free(text);
		if (rc) {
			queue_push(b, j, true);
			drop_worker(b, w, "unreachable");
			continue;
		}
		w->job = j;
		w->deadline = now_ms() + b->cfg->job_timeout * 1e3 + GRACE_MS;
	}
}

static void on_ready(broker *b, const void *rid, size_t rid_len, json_t *meta)
{
	wrk *w = find_worker(b, rid, rid_len);
	if (w && w->job) {
		/* It registered again: whatever it had is lost. */
		job *j = w->job;
		w->job = NULL;
		job_failed(b, j, w, "worker restarted its session");
	}
	if (!w) {
		if (b->nw >= WORKERS_MAX || rid_len > sizeof w->rid) {
			cd_log(CD_LOG_WARNING, "too many workers; ignoring one more");
			return;
		}
		w = &b->w[b->nw++];
		memset(w, 0, sizeof *w);
		memcpy(w->rid, rid, rid_len);
		w->rid_len = rid_len;
	}
	w->pid = (int)json_integer_value(json_object_get(meta, "pid"));
	snprintf(w->host, sizeof w->host, "%s",
		 or_str(json_string_value(json_object_get(meta, "host")), "?"));
	const char *tag = json_string_value(json_object_get(meta, "tag"));
	w->local = b->pool && tag && strcmp(tag, b->tag) == 0;
	const char *hash = json_string_value(
		json_object_get(json_object_get(meta, "rules"), "hash"));
	snprintf(w->hash, sizeof w->hash, "%s", hash ? hash : "");
	w->idle_since = w->last_seen = now_ms();
	cd_log(CD_LOG_INFO, "worker %s:%d ready (%s)", w->host, w->pid,
	       w->local ? "local" : "remote");
}

static void on_done(broker *b, wrk *w, json_t *meta, zmq_msg_t *result)
{
	job *j = w->job;
	json_int_t id = json_integer_value(json_object_get(meta, "job"));
	if (!j || (uint64_t)id != j->id) {
		cd_log(CD_LOG_WARNING, "worker %s:%d sent a result for job %lld it "
		       "does not hold; dropped", w->host, w->pid, (long long)id);
		return;
	}
	w->job = NULL;
	w->done++;
	w->idle_since = now_ms();
	json_t *rss = json_object_get(meta, "maxrss_kb");
	if (rss)
		w->maxrss_kb = (long)json_integer_value(rss);
	if (json_is_true(json_object_get(meta, "ok"))) {
		finish_job(b, j, result, w);
		return;
	}
	const char *code = json_string_value(json_object_get(meta, "code"));
	const char *msg = json_string_value(json_object_get(meta, "message"));
	if (code && strcmp(code, CD_E_INVALID) == 0) {
		send_error(b, j->env, j->nenv, j->req.id, CD_E_INVALID,
			   msg ? msg : "invalid request");
		b->errors++;
		job_free(j);
		return;
	}
	char why[CS_ERROR_MAX + 32];
	snprintf(why, sizeof why, "worker failed: %s", msg ? msg : "?");
	job_failed(b, j, w, why);
}

static void on_work_message(broker *b, zmq_msg_t *f, int n)
{
	/* f[0] routing id, f[1] protocol, f[2] command, f[3] meta, f[4] body */
	if (n < 3 || zmq_msg_size(&f[1]) != strlen(CD_WPROTO) ||
	    memcmp(zmq_msg_data(&f[1]), CD_WPROTO, strlen(CD_WPROTO)) != 0) {
		cd_log(CD_LOG_WARNING, "malformed message on the work endpoint");
		return;
	}
	const void *rid = zmq_msg_data(&f[0]);
	size_t rid_len = zmq_msg_size(&f[0]);
	char cmd[16];
	snprintf(cmd, sizeof cmd, "%.*s", (int)zmq_msg_size(&f[2]),
		 (const char *)zmq_msg_data(&f[2]));
	json_t *meta = n > 3 ? json_loadb(zmq_msg_data(&f[3]),
					  zmq_msg_size(&f[3]), 0, NULL)
			     : NULL;
	wrk *w = find_worker(b, rid, rid_len);
	if (w)
		w->last_seen = now_ms();
	if (strcmp(cmd, CD_W_READY) == 0) {
		on_ready(b, rid, rid_len, meta);
	} else if (!w) {
		if (strcmp(cmd, CD_W_BYE) != 0) {
			/* We forgot it (it went silent, or we restarted). */
			wrk tmp;
			memset(&tmp, 0, sizeof tmp);
			memcpy(tmp.rid, rid, rid_len < sizeof tmp.rid ? rid_len : sizeof tmp.rid);
			tmp.rid_len = rid_len;
			send_worker(b, &tmp, CD_W_RESET, "{}", NULL);
		}
	} else if (strcmp(cmd, CD_W_DONE) == 0 && n == 5) {
		on_done(b, w, meta, &f[4]);
	} else if (strcmp(cmd, CD_W_RELOADED) == 0) {
		w->reloading = false;
		w->idle_since = now_ms();
		const char *hash = json_string_value(
			json_object_get(json_object_get(meta, "rules"), "hash"));
		snprintf(w->hash, sizeof w->hash, "%s", hash ? hash : "");
		if (!json_is_true(json_object_get(meta, "ok")))
			cd_log(CD_LOG_ERR, "worker %s:%d could not reload: %s", w->host,
			       w->pid,
			       or_str(json_string_value(json_object_get(meta, "error")), "?"));
	} else if (strcmp(cmd, CD_W_BYE) == 0) {
		drop_worker(b, w, "said goodbye");
	} else if (strcmp(cmd, CD_W_HEARTBEAT) != 0) {
		cd_log(CD_LOG_WARNING, "unknown worker command '%s'", cmd);
	}
	json_decref(meta);
}

/* A process of ours ended: if it was a registered worker, forget it. */
static void on_child_ended(pid_t pid, int status, void *ctx)
{
	broker *b = ctx;
	for (size_t i = 0; i < b->nw; i++) {
		wrk *w = &b->w[i];
		if (w->local && w->pid == (int)pid) {
			char why[64];
			if (WIFSIGNALED(status))
				snprintf(why, sizeof why, "died (signal %d)",
					 WTERMSIG(status));
			else
				snprintf(why, sizeof why, "exited (status %d)",
					 WEXITSTATUS(status));
			drop_worker(b, w, why);
			return;
		}
	}
}

static void check_workers(broker *b)
{
	double now = now_ms();
	double silent = 5.0 * b->cfg->heartbeat;
	for (size_t i = 0; i < b->nw;) {
		wrk *w = &b->w[i];
		bool late = w->job && now > w->deadline;
		bool quiet = !w->job && !w->reloading && now - w->last_seen > silent;
		bool stuck = w->reloading && now - w->last_seen > b->cfg->job_timeout * 1e3;
		if (!late && !quiet && !stuck) {
			i++;
			continue;
		}
		if (w->local && b->pool && cd_pool_owns(b->pool, w->pid))
			kill(w->pid, SIGKILL);
		drop_worker(b, w, late ? "exceeded the job time limit"
				       : "stopped sending heartbeats");
		/* drop_worker moved the last worker into slot i */
	}
}

/* --- clients ---------------------------------------------------------- */

static json_t *status_json(broker *b)
{
	size_t busy = 0;
	json_t *list = json_array();
	for (size_t i = 0; i < b->nw; i++) {
		wrk *w = &b->w[i];
		busy += w->job != NULL;
		json_array_append_new(
			list, json_pack("{s:i, s:s, s:b, s:s, s:s, s:I, s:I}", "pid",
					w->pid, "host", w->host, "local", w->local,
					"state", w->job ? "busy" : w->reloading ? "reloading" : "idle",
					"rules", w->hash, "done", (json_int_t)w->done,
					"peak_rss_kb", (json_int_t)w->maxrss_kb));
		if (w->job)
			json_object_set_new(json_array_get(list, json_array_size(list) - 1),
					    "job", json_integer((json_int_t)w->job->id));
	}
	pack_info *r = &b->rules;
	return json_pack(
		"{s:s, s:s, s:I, s:b, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:I, "
		"s:{s:I, s:I, s:I, s:I, s:I, s:b}}, "
		"s:{s:I, s:I, s:I, s:I, s:I, s:o}, s:{s:I, s:I}, "
		"s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:{s:I}, s:O}",
		"version", CD_VERSION, "protocol", CD_PROTO, "uptime_s",
		(json_int_t)((now_ms() - b->started) / 1e3), "draining", b->draining,
		"rules", "label", r->label, "name", r->name, "version", r->version,
		"edition", r->edition, "hash", r->hash, "loaded_at", r->loaded_at,
		"items", (json_int_t)r->items,
		"coverage", "items_in_edition", (json_int_t)r->in_edition,
		"items_with_rules", (json_int_t)r->with_rules, "items_curated",
		(json_int_t)r->curated, "items_derived", (json_int_t)r->derived,
		"items_with_official_code", (json_int_t)r->official, "complete",
		r->complete,
		"workers", "alive", (json_int_t)b->nw, "busy", (json_int_t)busy,
		"idle", (json_int_t)(b->nw - busy), "local_processes",
		(json_int_t)(b->pool ? cd_pool_alive(b->pool) : 0), "restarts",
		(json_int_t)(b->pool ? cd_pool_restarts(b->pool) : 0), "list", list,
		"queue", "depth", (json_int_t)b->qlen, "max",
		(json_int_t)b->cfg->queue_max,
		"jobs", "accepted", (json_int_t)b->accepted, "done",
		(json_int_t)b->done, "failed", (json_int_t)b->failed, "retried",
		(json_int_t)b->retried, "busy", (json_int_t)b->busy, "errors",
		(json_int_t)b->errors, "reloads", (json_int_t)b->reloads,
		"reload_errors", (json_int_t)b->reload_errors,
		"subscriptions", (json_int_t)b->subscriptions, "max_message",
		(json_int_t)b->cfg->max_message, "memory", "broker_peak_rss_kb",
		(json_int_t)cd_peak_rss_kb(), "endpoints", b->endpoints);
}

/* Splits the routing envelope from the request: everything up to an empty
 * delimiter (REQ-style clients), or up to the protocol frame (DEALER
 * clients that send none). Returns the index of the protocol frame. */
static int envelope_end(zmq_msg_t *f, int n)
{
	for (int i = 1; i < n && i < ENV_MAX; i++) {
		if (zmq_msg_size(&f[i]) == 0)
			return i + 1;
		if (zmq_msg_size(&f[i]) == strlen(CD_PROTO) &&
		    memcmp(zmq_msg_data(&f[i]), CD_PROTO, strlen(CD_PROTO)) == 0)
			return i;
	}
	return 1;
}

static void on_client_message(broker *b, zmq_msg_t *f, int n, bool truncated)
{
	int p = envelope_end(f, n);
	cd_frame fr[FRAMES_MAX];
	for (int i = p; i < n; i++) {
		fr[i - p].data = zmq_msg_data(&f[i]);
		fr[i - p].len = zmq_msg_size(&f[i]);
	}
	cd_request req;
	const char *code = NULL;
	cs_error err;
	cs_code rc = truncated ? cs_fail(&err, CS_ESYNTAX, "more than %d frames",
					 FRAMES_MAX)
			       : cd_request_parse(fr, (size_t)(n - p),
						  (size_t)b->cfg->max_message,
						  &req, &code, &err);
	if (truncated) {
		memset(&req, 0, sizeof req);
		code = CD_E_MALFORMED;
	}
	if (rc) {
		cd_log(CD_LOG_WARNING, "rejected a request (id=%s): %s: %s",
		       req.id[0] ? req.id : "-", code, err.msg);
		b->errors++;
		send_error(b, f, p, req.id, code, err.msg);
		return;
	}
	if (req.cmd == CD_CMD_PING) {
		json_t *m = json_pack("{s:s, s:s, s:s, s:I}", "id", req.id, "version",
				      CD_VERSION, "protocol", CD_PROTO,
				      "max_message", (json_int_t)b->cfg->max_message);
		char *t = json_dumps(m, JSON_COMPACT);
		send_reply(b, f, p, CD_PONG, t ? t : "{}", NULL);
		free(t);
		json_decref(m);
		return;
	}
	if (req.cmd == CD_CMD_STATUS) {
		json_t *s = status_json(b);
		json_object_set_new(s, "id", json_string(req.id));
		char *t = json_dumps(s, JSON_COMPACT);
		send_reply(b, f, p, CD_STATUS, t ? t : "{}", NULL);
		free(t);
		json_decref(s);
		return;
	}
	if (b->draining) {
		send_error(b, f, p, req.id, CD_E_SHUTDOWN,
			   "the daemon is shutting down");
		return;
	}
	if (b->qlen >= (size_t)b->cfg->queue_max) {
		b->busy++;
		send_error(b, f, p, req.id, CD_E_BUSY,
			   "every worker is busy and the queue is full; try again");
		return;
	}
	job *j = calloc(1, sizeof *j);
	if (!j) {
		send_error(b, f, p, req.id, CD_E_INTERNAL, "out of memory");
		return;
	}
	j->id = ++b->next_id;
	j->req = req;
	j->nenv = p;
	for (int i = 0; i < p; i++) {
		zmq_msg_init(&j->env[i]);
		zmq_msg_move(&j->env[i], &f[i]);
	}
	zmq_msg_init(&j->body);
	zmq_msg_move(&j->body, &f[p + (int)req.body_frame]);
	j->size = zmq_msg_size(&j->body);
	j->accepted = now_ms();
	b->accepted++;
	queue_push(b, j, false);
	/* Hand it out now, so the queue bound counts only jobs that wait. */
	dispatch(b);
}

/* Reads one message; frames past FRAMES_MAX are read and dropped. */
static int recv_frames(void *sock, zmq_msg_t *f, bool *truncated)
{
	int n = 0, more = 1;
	*truncated = false;
	for (int guard = 0; more && guard < 100000; guard++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&m);
			break;
		}
		more = zmq_msg_more(&m);
		if (n < FRAMES_MAX) {
			zmq_msg_init(&f[n]);
			zmq_msg_move(&f[n++], &m);
		} else {
			*truncated = true;
		}
		zmq_msg_close(&m);
	}
	return n;
}

static void close_frames(zmq_msg_t *f, int n)
{
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
}

static void read_submit(broker *b)
{
	for (int k = 0; k < BATCH; k++) {
		zmq_msg_t f[FRAMES_MAX];
		bool truncated;
		int n = recv_frames(b->submit, f, &truncated);
		if (n == 0)
			return;
		on_client_message(b, f, n, truncated);
		close_frames(f, n);
	}
}

static void read_work(broker *b)
{
	for (int k = 0; k < BATCH; k++) {
		zmq_msg_t f[FRAMES_MAX];
		bool truncated;
		int n = recv_frames(b->work, f, &truncated);
		if (n == 0)
			return;
		on_work_message(b, f, n);
		close_frames(f, n);
	}
}

static void read_pub(broker *b)
{
	for (int k = 0; k < BATCH; k++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, b->pub, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return;
		}
		const unsigned char *d = zmq_msg_data(&m);
		if (zmq_msg_size(&m) >= 1 && d[0] == 1)
			b->subscriptions++;
		else if (zmq_msg_size(&m) >= 1 && d[0] == 0 && b->subscriptions)
			b->subscriptions--;
		zmq_msg_close(&m);
	}
}

/* --- setup ------------------------------------------------------------ */

/* Binds every endpoint of list: first those without CURVE (ipc, inproc),
 * then, with the socket made a CURVE server under ZAP domain, the tcp ones
 * (libzmq takes a listener's security options when it is bound). */
static cs_code bind_list(broker *b, void *sock, const char *list,
			 const char *domain, const char *what, cs_error *err)
{
	char *copy = cs_strdup(list);
	if (!copy)
		return cs_fail(err, CS_ENOMEM, "out of memory");
	json_t *eps = json_array();
	cs_code rc = CS_OK;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		if (pass == 1 && strstr(list, "tcp://")) {
			int one = 1;
			zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one);
			zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, b->secret, 40);
			zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, domain, strlen(domain));
		}
		char *save = NULL;
		strcpy(copy, list);
		for (char *ep = strtok_r(copy, ", ", &save); ep && !rc;
		     ep = strtok_r(NULL, ", ", &save)) {
			bool tcp = strncmp(ep, "tcp://", 6) == 0;
			if (tcp != (pass == 1))
				continue;
			if (zmq_bind(sock, ep) != 0) {
				rc = cs_fail(err, CS_EIO, "cannot bind %s endpoint %s: %s",
					     what, ep, zmq_strerror(zmq_errno()));
				break;
			}
			char last[1024] = "";
			size_t len = sizeof last;
			zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, last, &len);
			if (strncmp(last, "ipc://", 6) == 0)
				chmod(last + 6, 0660);
			json_array_append_new(eps, json_string(last));
			if (!strcmp(what, "work") && !b->local_work[0] &&
			    strncmp(last, "ipc://", 6) == 0)
				snprintf(b->local_work, sizeof b->local_work, "%s", last);
			cd_log(CD_LOG_NOTICE, "%s endpoint %s%s", what, last,
			       tcp ? " (CURVE)" : "");
		}
	}
	free(copy);
	json_object_set_new(b->endpoints, what, eps);
	return rc;
}

static void *make_socket(broker *b, int type)
{
	void *s = zmq_socket(b->ctx, type);
	if (!s)
		return NULL;
	int hwm = (int)b->cfg->hwm, zero = 0, one = 1;
	int64_t maxmsg = b->cfg->max_message * 4 + CD_META_MAX;
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	if (type == ZMQ_ROUTER) {
		zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
		/* A hard stop far above max_message: beyond it libzmq drops
		 * the connection; up to it the client gets a too-large answer. */
		zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
	}
	return s;
}

static bool in_runtime_dir(const cd_config *c)
{
	char prefix[4200];
	snprintf(prefix, sizeof prefix, "ipc://%s/", c->runtime_dir);
	const char *lists[] = {c->submit, c->publish, c->work};
	for (size_t i = 0; i < CS_ARRAY_LEN(lists); i++)
		if (strstr(lists[i], prefix))
			return true;
	return c->workers > 0 && !strstr(c->work, "ipc://");
}

static cs_code setup(broker *b, cs_error *err)
{
	const cd_config *c = b->cfg;
	cs_code rc;
	bool tcp = strstr(c->submit, "tcp://") || strstr(c->publish, "tcp://") ||
		   strstr(c->work, "tcp://");
	/* The secret key is read while still root, as sshd reads its host
	 * keys: it can then stay readable by root alone. */
	if (tcp && (rc = cd_key_read(c->curve_secret_key, b->secret, err)))
		return rc;
	if ((rc = cd_priv_drop(c->user, in_runtime_dir(c) ? c->runtime_dir : NULL,
			       err)))
		return rc;
	if (geteuid() == 0)
		cd_log(CD_LOG_WARNING, "running as root (user is empty)");
	/* ipc sockets are made 0660: the group's members are the clients */
	umask(0117);
	if ((rc = load_rules(b, err)))
		return cs_fail(err, rc, "rules: %s", err->msg);
	cd_log(CD_LOG_NOTICE, "rules %s (%s) edition %s hash %.16s", b->rules.label,
	       b->rules.version, b->rules.edition, b->rules.hash);

	b->ctx = zmq_ctx_new();
	b->endpoints = json_object();
	if (!b->ctx || !b->endpoints)
		return cs_fail(err, CS_ENOMEM, "cannot make a ZeroMQ context");
	if (tcp && (rc = cd_zap_new(b->ctx, c->curve_clients, c->curve_workers,
				    &b->zap, err)))
		return rc;
	b->submit = make_socket(b, ZMQ_ROUTER);
	b->work = make_socket(b, ZMQ_ROUTER);
	b->pub = make_socket(b, ZMQ_XPUB);
	if (!b->submit || !b->work || !b->pub)
		return cs_fail(err, CS_EBACKEND, "zmq_socket: %s",
			       zmq_strerror(zmq_errno()));
	char work[8192];
	if (c->workers > 0 && !strstr(c->work, "ipc://"))
		snprintf(work, sizeof work, "ipc://%s/work,%s", c->runtime_dir, c->work);
	else
		snprintf(work, sizeof work, "%s", c->work);
	if ((rc = bind_list(b, b->submit, c->submit, CD_ZAP_CLIENTS, "submit", err)) ||
	    (rc = bind_list(b, b->pub, c->publish, CD_ZAP_CLIENTS, "publish", err)) ||
	    (rc = bind_list(b, b->work, work, CD_ZAP_WORKERS, "work", err)))
		return rc;
	if (c->workers > 0) {
		snprintf(b->tag, sizeof b->tag, "b%ld.%ld", (long)getpid(),
			 (long)time(NULL));
		if ((rc = cd_pool_new(c, b->local_work, b->tag, &b->pool, err)))
			return rc;
	}
	return CS_OK;
}

static void teardown(broker *b)
{
	if (b->pool) {
		cd_pool_stop(b->pool, 10);
		cd_pool_free(b->pool);
	}
	job *j;
	while ((j = queue_pop(b)))
		job_free(j);
	for (size_t i = 0; i < b->nw; i++)
		job_free(b->w[i].job);
	free(b->w);
	if (b->submit)
		zmq_close(b->submit);
	if (b->work)
		zmq_close(b->work);
	if (b->pub)
		zmq_close(b->pub);
	cd_zap_free(b->zap);
	explicit_bzero(b->secret, sizeof b->secret);
	if (b->ctx)
		zmq_ctx_term(b->ctx);
	json_decref(b->endpoints);
}

/* --- the loop --------------------------------------------------------- */

static void reload(broker *b)
{
	cs_error err;
	cd_notify("RELOADING=1");
	cd_log(CD_LOG_NOTICE, "SIGHUP: loading rules %s",
	       b->cfg->rules[0] ? b->cfg->rules : "(built-in)");
	if (b->zap && cd_zap_reload(b->zap, &err))
		cd_log(CD_LOG_ERR, "keeping the old CURVE allow-lists: %s", err.msg);
	if (load_rules(b, &err)) {
		b->reload_errors++;
		cd_log(CD_LOG_ERR, "reload failed, keeping the old rules: %s",
		       err.msg);
	} else {
		b->reloads++;
		cd_log(CD_LOG_NOTICE, "rules reloaded: %s edition %s hash %.16s",
		       b->rules.version, b->rules.edition, b->rules.hash);
		for (size_t i = 0; i < b->nw; i++) {
			/* A busy worker reads it after its job. */
			if (send_worker(b, &b->w[i], CD_W_RELOAD, "{}", NULL) == 0 &&
			    !b->w[i].job)
				b->w[i].reloading = true;
		}
	}
	cd_notify("READY=1");
}

static size_t busy_workers(const broker *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nw; i++)
		n += b->w[i].job != NULL;
	return n;
}

/* Answers what is left when the drain runs out of time. */
static void abandon_all(broker *b)
{
	job *j;
	while ((j = queue_pop(b))) {
		send_error(b, j->env, j->nenv, j->req.id, CD_E_SHUTDOWN,
			   "the daemon stopped before this job ran");
		job_free(j);
	}
	for (size_t i = 0; i < b->nw; i++) {
		if ((j = b->w[i].job)) {
			b->w[i].job = NULL;
			send_error(b, j->env, j->nenv, j->req.id, CD_E_SHUTDOWN,
				   "the daemon stopped before this job finished");
			job_free(j);
		}
	}
}

static void loop(broker *b)
{
	long watchdog = cd_notify_watchdog_ms();
	double next_watchdog = 0, next_status = 0;
	for (;;) {
		long wait = 200;
		long due = b->pool ? cd_pool_tick(b->pool) : -1;
		if (due >= 0 && due < wait)
			wait = due;
		zmq_pollitem_t items[5] = {
			{b->submit, 0, ZMQ_POLLIN, 0},
			{b->work, 0, ZMQ_POLLIN, 0},
			{b->pub, 0, ZMQ_POLLIN, 0},
			{NULL, cd_sig_fd(), ZMQ_POLLIN, 0},
			{b->zap ? cd_zap_socket(b->zap) : NULL, 0, ZMQ_POLLIN, 0},
		};
		if (zmq_poll(items, b->zap ? 5 : 4, wait) < 0 && zmq_errno() != EINTR)
			cd_log(CD_LOG_ERR, "zmq_poll: %s", zmq_strerror(zmq_errno()));
		if (b->zap)
			cd_zap_handle(b->zap);
		/* Results first: a worker that answered and then died has
		 * still answered. */
		read_work(b);
		unsigned sigs = cd_sig_take();
		if ((sigs & CD_SIG_CHLD) && b->pool)
			cd_pool_reap(b->pool, on_child_ended, b);
		if (sigs & CD_SIG_HUP)
			reload(b);
		if ((sigs & CD_SIG_TERM) && !b->draining) {
			b->draining = true;
			b->drain_deadline = now_ms() + b->cfg->drain_timeout * 1e3;
			cd_notify("STOPPING=1");
			cd_log(CD_LOG_NOTICE, "SIGTERM: draining %zu queued and %zu "
			       "running jobs", b->qlen, busy_workers(b));
		}
		read_submit(b);
		read_pub(b);
		check_workers(b);
		dispatch(b);

		double now = now_ms();
		if (watchdog && now >= next_watchdog) {
			cd_notify("WATCHDOG=1");
			next_watchdog = now + watchdog;
		}
		if (now >= next_status) {
			cd_notify_status("%zu workers (%zu busy), %zu queued, %lu done, "
					 "%lu failed", b->nw, busy_workers(b), b->qlen,
					 b->done, b->failed);
			next_status = now + 5000;
		}
		if (b->draining) {
			if (b->qlen == 0 && busy_workers(b) == 0)
				return;
			if (now >= b->drain_deadline) {
				cd_log(CD_LOG_WARNING, "drain timed out");
				abandon_all(b);
				return;
			}
		}
	}
}

int cd_broker_run(const cd_config *c)
{
	broker b;
	memset(&b, 0, sizeof b);
	b.cfg = c;
	b.started = now_ms();
	cd_log_set_tag("broker");
	b.w = calloc(WORKERS_MAX, sizeof *b.w);
	cs_error err;
	int status = 1;
	if (!b.w || cd_sig_init(&err) || setup(&b, &err)) {
		cd_log(CD_LOG_ERR, "%s", b.w ? err.msg : "out of memory");
		goto done;
	}
	cd_notify("READY=1");
	cd_log(CD_LOG_NOTICE, "ready: %lld local workers, queue of %lld",
	       c->workers, c->queue_max);
	loop(&b);
	cd_log(CD_LOG_NOTICE, "stopped: %lu jobs done, %lu failed", b.done, b.failed);
	status = 0;
done:
	teardown(&b);
	return status;
}
