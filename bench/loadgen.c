/*
 * loadgen: the load test for catscand. CLIENTS threads, each with its own
 * DEALER socket, submit JOBS small documents between them with up to
 * WINDOW each in flight, and check that every job is answered exactly
 * once: no answer lost, none duplicated, each with the verdict its
 * document calls for. A `busy` answer is counted and the job submitted
 * again (a new submission with its own id). Prints throughput and latency
 * percentiles; exits 1 when any job was lost, duplicated or wrong.
 *
 *   loadgen ENDPOINT [JOBS [CLIENTS [WINDOW]]]
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define PROTO "CATSCAN/1"
#define SILENCE_MS 120000 /* a daemon silent this long has lost jobs */

static const char *endpoint;
static int njobs, nclients, window;
static void *ctx;

/* Per job: how its answers went. Written by the one client that owns it. */
typedef struct jobstat {
	int answers;     /* final answers (RESULT or error other than busy) */
	int wrong;       /* answers with the wrong verdict */
	int busy;
	double sent;     /* ms, of the submission that got the final answer */
	double latency;  /* ms */
} jobstat;
static jobstat *stats;
static long strays;  /* answers for no submission in flight */
static pthread_mutex_t stray_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Job i's document, and the verdict it must get. */
static const char *document(int i, char *buf, size_t n)
{
	if (i % 10 == 0) {
		snprintf(buf, n, "Contract %d. Licensor grants Licensee a licence to "
			 "the source code of its UAV flight control software, "
			 "including the obstacle avoidance and path planning "
			 "algorithms.\n", i);
		return "restricted";
	}
	if (i % 10 == 1) {
		snprintf(buf, n, "合同编号%d：乙方向外方转让人工麝香（濒危药材麝香代用品）"
			 "的配方及生产工艺。\n", i);
		return "prohibited";
	}
	snprintf(buf, n, "Minutes %d of the canteen committee: lunch moves to "
		 "noon, and the coffee machine on floor %d is fixed.\n", i, i % 7);
	return "clear";
}

static void submit(void *s, int job, int attempt)
{
	char meta[128], doc[512];
	snprintf(meta, sizeof meta, "{\"id\":\"%d.%d\",\"name\":\"doc-%d.txt\"}",
		 job, attempt, job);
	document(job, doc, sizeof doc);
	zmq_send(s, "", 0, ZMQ_SNDMORE);
	zmq_send(s, PROTO, strlen(PROTO), ZMQ_SNDMORE);
	zmq_send(s, "SCAN", 4, ZMQ_SNDMORE);
	zmq_send(s, meta, strlen(meta), ZMQ_SNDMORE);
	zmq_send(s, doc, strlen(doc), 0);
}

static void stray(void)
{
	pthread_mutex_lock(&stray_lock);
	strays++;
	pthread_mutex_unlock(&stray_lock);
}

static void *client(void *arg)
{
	int c = (int)(long)arg;
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int zero = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	zmq_connect(s, endpoint);
	/* my jobs: c, c + nclients, ... */
	int mine = (njobs - c + nclients - 1) / nclients;
	int *attempt = calloc((size_t)mine + 1, sizeof *attempt);
	int *pending = calloc((size_t)mine + 1, sizeof *pending); /* retry list */
	int npending = 0, next = 0, inflight = 0, finished = 0;
	double last = now_ms();
	while (finished < mine) {
		while (inflight < window && (npending > 0 || next < mine)) {
			int k = npending > 0 ? pending[--npending] : next++;
			int job = c + k * nclients;
			stats[job].sent = now_ms();
			submit(s, job, attempt[k]);
			inflight++;
		}
		zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, 1000) <= 0) {
			if (now_ms() - last > SILENCE_MS)
				break; /* the rest are lost */
			continue;
		}
		last = now_ms();
		zmq_msg_t f[5];
		int n = 0, more = 1;
		while (more) {
			zmq_msg_t m;
			zmq_msg_init(&m);
			zmq_msg_recv(&m, s, 0);
			more = zmq_msg_more(&m);
			if (n < 5) {
				zmq_msg_init(&f[n]);
				zmq_msg_move(&f[n++], &m);
			}
			zmq_msg_close(&m);
		}
		json_t *meta = n >= 4 ? json_loadb(zmq_msg_data(&f[3]),
						  zmq_msg_size(&f[3]), 0, NULL)
				      : NULL;
		const char *id = json_string_value(json_object_get(meta, "id"));
		int job = -1, att = -1;
		if (!id || sscanf(id, "%d.%d", &job, &att) != 2 || job < 0 ||
		    job >= njobs || job % nclients != c) {
			stray();
		} else {
			int k = job / nclients;
			const char *code = json_string_value(json_object_get(meta, "code"));
			if (att != attempt[k]) {
				stray(); /* an answer to a submission already answered */
			} else if (code && strcmp(code, "busy") == 0) {
				stats[job].busy++;
				attempt[k]++;
				pending[npending++] = k;
				inflight--;
			} else {
				char doc[512];
				const char *want = document(job, doc, sizeof doc);
				const char *got = json_string_value(json_object_get(meta, "verdict"));
				stats[job].answers++;
				stats[job].latency = now_ms() - stats[job].sent;
				if (!got || strcmp(got, want) != 0)
					stats[job].wrong++;
				attempt[k]++; /* later answers to it are strays */
				inflight--;
				finished++;
			}
		}
		json_decref(meta);
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
	}
	free(attempt);
	free(pending);
	zmq_close(s);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: loadgen ENDPOINT [JOBS [CLIENTS [WINDOW]]]\n");
		return 2;
	}
	endpoint = argv[1];
	njobs = argc > 2 ? atoi(argv[2]) : 10000;
	nclients = argc > 3 ? atoi(argv[3]) : 8;
	window = argc > 4 ? atoi(argv[4]) : 16;
	stats = calloc((size_t)njobs, sizeof *stats);
	ctx = zmq_ctx_new();
	pthread_t th[256];
	if (nclients > 256)
		nclients = 256;
	double t0 = now_ms();
	for (int c = 0; c < nclients; c++)
		pthread_create(&th[c], NULL, client, (void *)(long)c);
	for (int c = 0; c < nclients; c++)
		pthread_join(th[c], NULL);
	double secs = (now_ms() - t0) / 1e3;

	long answered = 0, lost = 0, dup = 0, wrong = 0, busy = 0;
	double *lat = calloc((size_t)njobs, sizeof *lat);
	for (int i = 0; i < njobs; i++) {
		busy += stats[i].busy;
		wrong += stats[i].wrong;
		if (stats[i].answers == 0)
			lost++;
		else
			lat[answered++] = stats[i].latency;
		if (stats[i].answers > 1)
			dup++;
	}
	qsort(lat, (size_t)answered, sizeof *lat, cmp_double);
	double p50 = answered ? lat[answered / 2] : 0;
	double p99 = answered ? lat[(size_t)(answered * 0.99)] : 0;
	printf("loadtest: %d jobs from %d clients (window %d): %ld answered, "
	       "%ld lost, %ld duplicated, %ld stray answers, %ld wrong verdicts, "
	       "%ld busy answers (resubmitted)\n",
	       njobs, nclients, window, answered, lost, dup, strays, wrong, busy);
	printf("loadtest: %.1f s, %.0f jobs/s, latency p50 %.1f ms, p99 %.1f ms, "
	       "max %.1f ms\n",
	       secs, answered / secs, p50, p99, answered ? lat[answered - 1] : 0);
	free(lat);
	free(stats);
	zmq_ctx_term(ctx);
	return lost || dup || strays || wrong ? 1 : 0;
}
