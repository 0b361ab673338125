/*
 * catscand's settings table: defaults, types, bounds, the file format, the
 * flags that override it, derived settings, and that etc/catscand.conf
 * documents every setting with its default.
 *
 * The daemon's objects are not in libcatscan.a, so this test compiles the
 * module itself in (its static helpers are then testable too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.c"

static cd_config cfg;

static int setup(void **state)
{
	(void)state;
	return cd_config_init(&cfg, NULL) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cd_config_free(&cfg);
	return 0;
}

/* One line per case: set name to value, expect the code. */
#define SET(name, value, want) \
	assert_int_equal(cd_config_set(&cfg, (name), (value), NULL), (want))

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(cfg.workers, -1);
	assert_int_equal(cfg.queue_max, 1000);
	assert_int_equal(cfg.max_message, 64LL << 20);
	assert_int_equal(cfg.worker_memory, 2LL << 30);
	assert_int_equal(cfg.retries, 1);
	assert_string_equal(cfg.runtime_dir, "/run/catscan");
	assert_string_equal(cfg.user, "catscan");
	assert_string_equal(cfg.submit, "");
	assert_int_equal(cfg.publish_mask, CD_V_PROHIBITED | CD_V_RESTRICTED |
						   CD_V_REVIEW | CD_V_UNSCANNABLE);
}

static void test_set(void **state)
{
	(void)state;
	SET("queue_max", "5", CS_OK);
	assert_int_equal(cfg.queue_max, 5);
	SET("queue-max", "6", CS_OK); /* dashes stand for underscores */
	assert_int_equal(cfg.queue_max, 6);
	SET("queue_max", "0", CS_EINVAL);        /* below the bound */
	SET("queue_max", "1000001", CS_EINVAL);  /* above it */
	SET("queue_max", "12abc", CS_EINVAL);
	SET("queue_max", "", CS_EINVAL);
	SET("queue_max", "-3", CS_EINVAL);
	SET("queue_max", "99999999999999999999", CS_EINVAL);
	assert_int_equal(cfg.queue_max, 6); /* a refused value changes nothing */
	SET("max_message", "4K", CS_OK);
	assert_int_equal(cfg.max_message, 4096);
	SET("max_message", "3m", CS_OK);
	assert_int_equal(cfg.max_message, 3 << 20);
	SET("max_message", "1G", CS_OK);
	SET("max_message", "3G", CS_EINVAL);
	SET("max_message", "4T", CS_EINVAL);
	SET("max_message", "4KB", CS_EINVAL);
	SET("workers", "auto", CS_OK);
	assert_int_equal(cfg.workers, -1);
	SET("workers", "0", CS_OK);
	SET("queue_max", "auto", CS_EINVAL); /* only where the table allows */
	SET("no_such_setting", "1", CS_EINVAL);
	SET("publish_verdicts", "clear, review", CS_OK);
	assert_int_equal(cfg.publish_mask, CD_V_CLEAR | CD_V_REVIEW);
	SET("publish_verdicts", "cleared", CS_EINVAL);
	assert_int_equal(cfg.publish_mask, CD_V_CLEAR | CD_V_REVIEW);
	SET("publish_verdicts", "", CS_OK);
	assert_int_equal(cfg.publish_mask, 0);
	SET("user", "", CS_OK);
	assert_string_equal(cfg.user, "");
}

#define PARSE(text, want) \
	assert_int_equal(cd_config_parse(&cfg, (text), strlen(text), "t.conf", &err), (want))

static void test_parse(void **state)
{
	(void)state;
	cs_error err;
	PARSE("# a comment\n\n  queue_max = 7   # trailing\nuser=\"\"\r\n", CS_OK);
	assert_int_equal(cfg.queue_max, 7);
	assert_string_equal(cfg.user, "");
	PARSE("rules = \"/srv/rules pack\"\n", CS_OK);
	assert_string_equal(cfg.rules, "/srv/rules pack");
	PARSE("queue_max = 7\n\nworkers = lots\n", CS_EINVAL);
	assert_non_null(strstr(err.msg, "t.conf:3: workers"));
	PARSE("queue_max 7\n", CS_ESYNTAX);
	assert_non_null(strstr(err.msg, "t.conf:1:"));
	PARSE("colour = blue\n", CS_EINVAL);
	assert_non_null(strstr(err.msg, "unknown setting 'colour'"));
	char nul[] = "queue_max = 7\0\n";
	assert_int_equal(cd_config_parse(&cfg, nul, sizeof nul - 1, "t", &err),
			 CS_ESYNTAX);
	char *long_line = malloc(CONFIG_MAX_LINE + 10);
	memset(long_line, 'a', CONFIG_MAX_LINE + 9);
	long_line[CONFIG_MAX_LINE + 9] = '\0';
	PARSE(long_line, CS_ESYNTAX);
	free(long_line);
}

static void test_args(void **state)
{
	(void)state;
	cd_args a;
	cs_error err;
	char path[] = "/tmp/catscand-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "queue_max = 11\nworkers = 3\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);

	/* flags override the file whatever their order */
	char *argv1[] = {"catscand", "--queue-max", "12", "-c", path,
			 "--rules=/x.rules", "--worker", NULL};
	assert_int_equal(cd_config_args(&cfg, &a, 7, argv1, &err), CS_OK);
	assert_int_equal(cfg.queue_max, 12);
	assert_int_equal(cfg.workers, 3);
	assert_string_equal(cfg.rules, "/x.rules");
	assert_true(a.worker);
	assert_string_equal(a.config_file, path);

	char *argv2[] = {"catscand", "-c", path, "--queue-max", NULL};
	assert_int_equal(cd_config_args(&cfg, &a, 4, argv2, &err), CS_EINVAL);
	assert_non_null(strstr(err.msg, "needs a value"));
	char *argv3[] = {"catscand", "-c", path, "--frobnicate", "1", NULL};
	assert_int_equal(cd_config_args(&cfg, &a, 5, argv3, &err), CS_EINVAL);
	char *argv4[] = {"catscand", "-c", path, "stray", NULL};
	assert_int_equal(cd_config_args(&cfg, &a, 4, argv4, &err), CS_EINVAL);
	char *argv5[] = {"catscand", "-c", "/nonexistent/catscand.conf", NULL};
	assert_int_equal(cd_config_args(&cfg, &a, 3, argv5, &err), CS_EIO);
	unlink(path);
}

static void test_finish(void **state)
{
	(void)state;
	cs_error err;
	SET("runtime_dir", "/srv/cs", CS_OK);
	SET("publish", "tcp://127.0.0.1:5556", CS_OK);
	assert_int_equal(cd_config_finish(&cfg, &err), CS_EINVAL);
	assert_non_null(strstr(err.msg, "curve_secret_key"));
	SET("curve_secret_key", "/etc/catscan/server.key", CS_OK);
	assert_int_equal(cd_config_finish(&cfg, &err), CS_OK);
	assert_string_equal(cfg.submit, "ipc:///srv/cs/submit");
	assert_string_equal(cfg.work, "ipc:///srv/cs/work");
	assert_string_equal(cfg.publish, "tcp://127.0.0.1:5556");
	assert_true(cfg.workers >= 1); /* auto: the core count */
	SET("runtime_dir", "relative", CS_OK);
	assert_int_equal(cd_config_finish(&cfg, &err), CS_EINVAL);
}

/* What --print-config writes reads back to the same settings (the worker
 * processes are started with it). */
static void test_print_round_trip(void **state)
{
	(void)state;
	SET("queue_max", "42", CS_OK);
	SET("rules", "/a b/c", CS_OK);
	SET("publish_verdicts", "review", CS_OK);
	cs_buf out;
	cs_buf_init(&out, 1 << 20);
	assert_int_equal(cd_config_print(&cfg, true, &out), CS_OK);
	cd_config again;
	assert_int_equal(cd_config_init(&again, NULL), CS_OK);
	assert_int_equal(cd_config_parse(&again, out.data, out.len, "p", NULL), CS_OK);
	assert_int_equal(again.queue_max, 42);
	assert_int_equal(again.workers, -1);
	assert_string_equal(again.rules, "/a b/c");
	assert_int_equal(again.publish_mask, CD_V_REVIEW);
	cd_config_free(&again);
	cs_buf_free(&out);
}

/* etc/catscand.conf names every setting with its default. */
static void test_shipped_config_documents_every_key(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(cs_read_file("etc/catscand.conf", 1 << 20, &text, &len, NULL),
			 CS_OK);
	for (size_t i = 0; i < cd_config_count(); i++) {
		char plain[512], quoted[512];
		snprintf(plain, sizeof plain, "\n#%s = %s\n", cd_config_name(i),
			 cd_config_default(i));
		snprintf(quoted, sizeof quoted, "\n#%s = \"%s\"\n", cd_config_name(i),
			 cd_config_default(i));
		if (!strstr(text, plain) && !strstr(text, quoted))
			fail_msg("etc/catscand.conf lacks '#%s = %s'", cd_config_name(i),
				 cd_config_default(i));
	}
	/* and the file as shipped parses */
	cd_config c;
	assert_int_equal(cd_config_init(&c, NULL), CS_OK);
	assert_int_equal(cd_config_parse(&c, text, len, "etc/catscand.conf", NULL), CS_OK);
	cd_config_free(&c);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print_round_trip, setup, teardown),
		cmocka_unit_test(test_shipped_config_documents_every_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
