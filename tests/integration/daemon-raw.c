/*
 * daemon-raw: a bare ZeroMQ client for the daemon's integration tests. It
 * sends frames exactly as given (so tests can send what catscan never
 * would: wrong versions, bad JSON, extra frames) and prints each reply on
 * one line, frames separated by " | ".
 *
 *   daemon-raw ENDPOINT [-n COUNT] [-t SECONDS] FRAME...
 *
 * FRAME is literal text, or @FILE for a file's bytes. The message is sent
 * COUNT times on one DEALER socket; the tool waits for COUNT replies (at
 * most SECONDS, default 30) and exits 0 when all came.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = malloc((size_t)n + 1);
	if (d && fread(d, 1, (size_t)n, f) != (size_t)n) {
		free(d);
		d = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return d;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: daemon-raw ENDPOINT [-n COUNT] [-t SECONDS] FRAME...\n");
		return 2;
	}
	const char *ep = argv[1];
	int count = 1, seconds = 30, first = 2;
	for (; first + 1 < argc; first += 2) {
		if (strcmp(argv[first], "-n") == 0)
			count = atoi(argv[first + 1]);
		else if (strcmp(argv[first], "-t") == 0)
			seconds = atoi(argv[first + 1]);
		else
			break;
	}
	void *ctx = zmq_ctx_new();
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int zero = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	if (zmq_connect(s, ep) != 0) {
		fprintf(stderr, "connect %s: %s\n", ep, zmq_strerror(zmq_errno()));
		return 2;
	}
	for (int k = 0; k < count; k++) {
		for (int i = first; i < argc; i++) {
			size_t len = strlen(argv[i]);
			char *data = argv[i];
			char *owned = NULL;
			if (argv[i][0] == '@') {
				owned = data = slurp(argv[i] + 1, &len);
				if (!data) {
					fprintf(stderr, "cannot read %s\n", argv[i] + 1);
					return 2;
				}
			}
			zmq_send(s, data, len, i + 1 < argc ? ZMQ_SNDMORE : 0);
			free(owned);
		}
	}
	int got = 0;
	while (got < count) {
		zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, seconds * 1000L) <= 0)
			break;
		int more = 1;
		for (int f = 0; more && f < 64; f++) {
			zmq_msg_t m;
			zmq_msg_init(&m);
			zmq_msg_recv(&m, s, 0);
			more = zmq_msg_more(&m);
			const unsigned char *d = zmq_msg_data(&m);
			size_t n = zmq_msg_size(&m);
			if (f)
				fputs(" | ", stdout);
			for (size_t i = 0; i < n && i < 400; i++)
				if (d[i] >= 0x20 && d[i] != 0x7f)
					putchar(d[i]);
				else
					printf("\\x%02x", d[i]);
			zmq_msg_close(&m);
		}
		putchar('\n');
		fflush(stdout);
		got++;
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	return got == count ? 0 : 1;
}
