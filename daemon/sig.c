#include "sig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_term, got_hup, got_chld;
static int pipe_fd[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	ssize_t w = write(pipe_fd[1], "", 1); /* a full pipe is already awake */
	(void)w;
	errno = saved;
}

cs_code cd_sig_init(cs_error *err)
{
	if (pipe_fd[0] < 0 && pipe2(pipe_fd, O_NONBLOCK | O_CLOEXEC) != 0)
		return cs_fail(err, CS_EIO, "pipe: %s", strerror(errno));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
	for (size_t i = 0; i < CS_ARRAY_LEN(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return cs_fail(err, CS_EIO, "sigaction: %s", strerror(errno));
	/* A client that goes away mid-reply must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	return CS_OK;
}

int cd_sig_fd(void)
{
	return pipe_fd[0];
}

unsigned cd_sig_take(void)
{
	char buf[64];
	/* Bounded: the pipe holds at most what the handlers wrote. */
	for (int i = 0; i < 1024 && read(pipe_fd[0], buf, sizeof buf) > 0; i++)
		;
	unsigned bits = 0;
	if (got_term) {
		got_term = 0;
		bits |= CD_SIG_TERM;
	}
	if (got_hup) {
		got_hup = 0;
		bits |= CD_SIG_HUP;
	}
	if (got_chld) {
		got_chld = 0;
		bits |= CD_SIG_CHLD;
	}
	return bits;
}
