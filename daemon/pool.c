/*
 * pool.c: starting, watching and restarting the worker processes.
 *
 * The child's command line is the parent's whole effective configuration
 * as --name=value flags (plus -c /dev/null, so the child reads no file and
 * sees exactly what the parent saw), with --child and --connect. The child
 * asks the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG), so a
 * killed broker leaves no orphans.
 */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sig.h"

extern char **environ;

typedef struct slot {
	pid_t pid;        /* 0: not running */
	double started;   /* ms */
	double due;       /* ms when to start it again */
	long backoff;     /* ms */
} slot;

struct cd_pool {
	slot *slots;
	int n;
	char **argv;
	char **envp;
	bool stopping;
	unsigned long restarts;
};

/* A process that lives shorter than this died at start (bad rules...). */
#define POOL_EARLY_MS 5000
#define POOL_BACKOFF_MAX_MS 30000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void cd_pool_free(cd_pool *p)
{
	if (!p)
		return;
	free(p->slots);
	free_strv(p->argv);
	free_strv(p->envp);
	free(p);
}

/* The configuration as flags: "--name=value", one per setting. */
static cs_code child_argv(const cd_config *c, const char *connect, char ***out,
			  cs_error *err)
{
	cs_buf text;
	cs_buf_init(&text, 1 << 20);
	cs_code rc = cd_config_print(c, false, &text);
	size_t n = cd_config_count() + 6;
	char **argv = calloc(n, sizeof *argv);
	size_t k = 0;
	if (rc || !argv)
		goto nomem;
	const char *fixed[] = {"catscand", "--child", "-c", "/dev/null"};
	for (size_t i = 0; i < CS_ARRAY_LEN(fixed); i++)
		if (!(argv[k++] = cs_strdup(fixed[i])))
			goto nomem;
	/* cd_config_print writes `name = "value"` or `name = 123`. */
	char *line = text.data;
	for (size_t i = 0; line && *line && i < cd_config_count(); i++) {
		char *nl = strchr(line, '\n');
		*nl = '\0';
		char *eq = strstr(line, " = ");
		char *val = eq + 3;
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"') {
			val[vl - 1] = '\0';
			val++;
		}
		*eq = '\0';
		cs_buf arg;
		cs_buf_init(&arg, 1 << 16);
		if (cs_buf_printf(&arg, "--%s=%s", line,
				  strcmp(line, "connect") == 0 ? connect : val) ||
		    !(argv[k++] = cs_buf_steal(&arg, NULL))) {
			cs_buf_free(&arg);
			goto nomem;
		}
		line = nl + 1;
	}
	cs_buf_free(&text);
	*out = argv;
	return CS_OK;
nomem:
	cs_buf_free(&text);
	free_strv(argv);
	return cs_fail(err, CS_ENOMEM, "out of memory");
}

/* environ plus CATSCAN_WORKER_TAG, made before any fork: after fork in a
 * threaded process only async-signal-safe calls are allowed. */
static char **child_envp(const char *tag)
{
	size_t n = 0;
	while (environ && environ[n] && n < 100000)
		n++;
	char **envp = calloc(n + 2, sizeof *envp);
	if (!envp)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "CATSCAN_WORKER_TAG=", 19) == 0)
			continue;
		if (!(envp[k++] = cs_strdup(environ[i])))
			goto fail;
	}
	cs_buf b;
	cs_buf_init(&b, 256);
	if (cs_buf_printf(&b, "CATSCAN_WORKER_TAG=%s", tag))
		goto fail;
	envp[k] = cs_buf_steal(&b, NULL);
	if (!envp[k])
		goto fail;
	return envp;
fail:
	free_strv(envp);
	return NULL;
}

cs_code cd_pool_new(const cd_config *c, const char *connect, const char *tag,
		    cd_pool **out, cs_error *err)
{
	cd_pool *p = calloc(1, sizeof *p);
	if (!p)
		return cs_fail(err, CS_ENOMEM, "out of memory");
	p->n = (int)c->workers;
	p->slots = calloc((size_t)p->n + 1, sizeof *p->slots);
	cs_code rc = p->slots ? child_argv(c, connect, &p->argv, err)
			      : cs_fail(err, CS_ENOMEM, "out of memory");
	if (!rc && !(p->envp = child_envp(tag)))
		rc = cs_fail(err, CS_ENOMEM, "out of memory");
	if (rc) {
		cd_pool_free(p);
		return rc;
	}
	for (int i = 0; i < p->n; i++)
		p->slots[i].backoff = 1000;
	*out = p;
	return CS_OK;
}

static void start(cd_pool *p, slot *s)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		cd_log(CD_LOG_ERR, "fork: %s", strerror(errno));
		s->due = now_ms() + s->backoff;
		return;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		execve("/proc/self/exe", p->argv, p->envp);
		_exit(127);
	}
	s->pid = pid;
	s->started = now_ms();
	cd_log(CD_LOG_INFO, "started worker process %d", (int)pid);
}

long cd_pool_tick(cd_pool *p)
{
	if (p->stopping)
		return -1;
	double now = now_ms();
	long next = -1;
	for (int i = 0; i < p->n; i++) {
		slot *s = &p->slots[i];
		if (s->pid)
			continue;
		if (s->due <= now)
			start(p, s);
		if (!s->pid) {
			long wait = (long)(s->due - now) + 1;
			if (next < 0 || wait < next)
				next = wait;
		}
	}
	return next;
}

void cd_pool_reap(cd_pool *p, void (*ended)(pid_t, int, void *), void *ctx)
{
	int status;
	pid_t pid;
	/* Bounded by the number of children that can have ended. */
	for (int i = 0; i < 4096 && (pid = waitpid(-1, &status, WNOHANG)) > 0;
	     i++) {
		slot *s = NULL;
		for (int k = 0; k < p->n; k++)
			if (p->slots[k].pid == pid)
				s = &p->slots[k];
		if (!s)
			continue;
		double now = now_ms();
		if (WIFSIGNALED(status))
			cd_log(p->stopping ? CD_LOG_INFO : CD_LOG_WARNING,
			       "worker process %d killed by signal %d",
			       (int)pid, WTERMSIG(status));
		else
			cd_log(p->stopping ? CD_LOG_INFO : CD_LOG_WARNING,
			       "worker process %d exited with status %d",
			       (int)pid, WEXITSTATUS(status));
		s->pid = 0;
		if (now - s->started < POOL_EARLY_MS) {
			s->due = now + s->backoff;
			s->backoff = s->backoff * 2 > POOL_BACKOFF_MAX_MS
					     ? POOL_BACKOFF_MAX_MS
					     : s->backoff * 2;
		} else {
			s->due = now;
			s->backoff = 1000;
		}
		if (!p->stopping)
			p->restarts++;
		if (ended)
			ended(pid, status, ctx);
	}
}

void cd_pool_signal(cd_pool *p, int sig)
{
	for (int i = 0; i < p->n; i++)
		if (p->slots[i].pid)
			kill(p->slots[i].pid, sig);
}

bool cd_pool_owns(const cd_pool *p, pid_t pid)
{
	for (int i = 0; i < p->n; i++)
		if (pid > 0 && p->slots[i].pid == pid)
			return true;
	return false;
}

int cd_pool_alive(const cd_pool *p)
{
	int n = 0;
	for (int i = 0; i < p->n; i++)
		n += p->slots[i].pid != 0;
	return n;
}

unsigned long cd_pool_restarts(const cd_pool *p)
{
	return p->restarts;
}

void cd_pool_stop(cd_pool *p, long seconds)
{
	p->stopping = true;
	cd_pool_signal(p, SIGTERM);
	double end = now_ms() + seconds * 1e3;
	while (cd_pool_alive(p) > 0 && now_ms() < end) {
		cd_pool_reap(p, NULL, NULL);
		if (cd_pool_alive(p) > 0)
			usleep(20000);
	}
	if (cd_pool_alive(p) > 0) {
		cd_log(CD_LOG_WARNING, "killing %d worker processes that did not stop",
		       cd_pool_alive(p));
		cd_pool_signal(p, SIGKILL);
		for (int i = 0; i < 500 && cd_pool_alive(p) > 0; i++) {
			cd_pool_reap(p, NULL, NULL);
			usleep(10000);
		}
	}
}

int cd_pool_supervise(const cd_config *c)
{
	cs_error err;
	cd_pool *p = NULL;
	char tag[32];
	snprintf(tag, sizeof tag, "w%ld", (long)getpid());
	cd_log_set_tag("workers");
	if (cd_sig_init(&err) || cd_pool_new(c, c->connect, tag, &p, &err)) {
		cd_log(CD_LOG_ERR, "%s", err.msg);
		return 1;
	}
	cd_log(CD_LOG_NOTICE, "running %d workers for %s", p->n, c->connect);
	for (;;) {
		long wait = cd_pool_tick(p);
		/* Sleep until a signal or the next restart is due. */
		struct pollfd pfd = {cd_sig_fd(), POLLIN, 0};
		poll(&pfd, 1, wait < 0 ? 60000 : (int)wait);
		unsigned sigs = cd_sig_take();
		if (sigs & CD_SIG_CHLD)
			cd_pool_reap(p, NULL, NULL);
		if (sigs & CD_SIG_HUP) {
			cd_log(CD_LOG_NOTICE, "reloading rules in every worker");
			cd_pool_signal(p, SIGHUP);
		}
		if (sigs & CD_SIG_TERM)
			break;
	}
	cd_log(CD_LOG_NOTICE, "stopping workers");
	/* Workers finish the job they hold before they exit. */
	cd_pool_stop(p, c->job_timeout + 10);
	cd_pool_free(p);
	return 0;
}
