/*
 * config.c: the settings table and its three readers (file, flags, print).
 *
 * Every setting is one row: adding a setting is adding a row and a field,
 * and the file parser, the flags, --print-config and --help follow. Values
 * are checked against the row's bounds when set, so a bad value in the file
 * or on the command line stops the daemon at start with "file:line: ..."
 * rather than surprising it later.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum cd_type {
	CD_STRING,   /* any text */
	CD_INT,      /* a decimal integer within [min, max] */
	CD_SIZE,     /* bytes, with an optional K, M or G suffix */
	CD_VERDICTS, /* a comma-separated list of verdict names */
} cd_type;

typedef struct cd_option {
	const char *name;
	cd_type type;
	size_t offset;
	const char *def;
	long long min, max;
	const char *help;
} cd_option;

#define STR(f) CD_STRING, offsetof(cd_config, f)
#define INT(f) CD_INT, offsetof(cd_config, f)
#define SIZE(f) CD_SIZE, offsetof(cd_config, f)
#define KiB 1024LL
#define MiB (1024LL * 1024)
#define GiB (1024LL * 1024 * 1024)

static const cd_option options[] = {
	{"submit", STR(submit), "", 0, 0,
	 "Endpoints (comma-separated) where clients submit documents. Empty: "
	 "ipc://RUNTIME_DIR/submit. A tcp:// endpoint requires CURVE "
	 "(curve_secret_key)."},
	{"publish", STR(publish), "", 0, 0,
	 "Endpoints where flagged results are published. Empty: "
	 "ipc://RUNTIME_DIR/publish."},
	{"work", STR(work), "", 0, 0,
	 "Endpoints where workers fetch jobs. Empty: ipc://RUNTIME_DIR/work. "
	 "Add a tcp:// endpoint to let workers on other machines join."},
	{"connect", STR(connect), "", 0, 0,
	 "Worker mode (--worker): the broker's work endpoint to join."},
	{"runtime_dir", STR(runtime_dir), "/run/catscan", 0, 0,
	 "Directory of the default ipc sockets (created mode 0750; sockets "
	 "0660). Under systemd, RuntimeDirectory= makes it."},
	{"workers", INT(workers), "auto", -1, 256,
	 "Worker processes this machine runs: auto (one per core), or a "
	 "number; 0 runs none (the broker then waits for remote workers)."},
	{"queue_max", INT(queue_max), "1000", 1, 1000000,
	 "Jobs the broker holds while every worker is busy; beyond it "
	 "submitters get an explicit `busy` error."},
	{"max_message", SIZE(max_message), "64M", 1 * KiB, 2 * GiB,
	 "Largest document accepted; a larger one gets a `too-large` error."},
	{"job_timeout", INT(job_timeout), "600", 1, 86400,
	 "Seconds of wall time a worker may spend on one document before it is "
	 "killed and the job retried."},
	{"worker_cpu", INT(worker_cpu), "300", 1, 86400,
	 "Seconds of CPU time a worker may spend on one document "
	 "(RLIMIT_CPU)."},
	{"worker_memory", SIZE(worker_memory), "2G", 64 * MiB, 1024 * GiB,
	 "Address space of one worker process (RLIMIT_AS)."},
	{"retries", INT(retries), "1", 0, 3,
	 "How often a job whose worker died is tried again on another worker "
	 "before it is answered `unscannable: worker failed`."},
	{"heartbeat", INT(heartbeat), "1000", 100, 60000,
	 "Milliseconds between heartbeats of an idle worker; a worker silent "
	 "for 5 heartbeats is dropped."},
	{"drain_timeout", INT(drain_timeout), "30", 0, 3600,
	 "Seconds SIGTERM waits for jobs in flight before answering the rest "
	 "`shutting-down` and exiting."},
	{"hwm", INT(hwm), "1000", 1, 1000000,
	 "ZeroMQ high-water mark (messages) of every socket."},
	{"log_level", INT(log_level), "6", 3, 7,
	 "Most verbose syslog priority logged: 6 info, 7 debug."},
	{"user", STR(user), "catscan", 0, 0,
	 "User to run as when started as root; empty: stay root "
	 "(discouraged)."},
	{"rules", STR(rules), "", 0, 0,
	 "Rule pack: a .rules file or a folder of them; empty: the built-in "
	 "pack. SIGHUP reloads it."},
	{"languages", STR(languages), "chi_sim+chi_tra+eng", 0, 0,
	 "Tesseract languages for OCR."},
	{"tessdata", STR(tessdata), "", 0, 0,
	 "Tesseract data folder; empty: Tesseract's default."},
	{"publish_verdicts", CD_VERDICTS, offsetof(cd_config, publish_verdicts),
	 "prohibited,restricted,review,unscannable", 0, 0,
	 "Verdicts published on the publish endpoints (add clear to publish "
	 "everything)."},
	{"curve_secret_key", STR(curve_secret_key), "", 0, 0,
	 "The daemon's CURVE secret key file (`catscan keygen`); required "
	 "for tcp:// endpoints."},
	{"curve_clients", STR(curve_clients), "/etc/catscan/clients", 0, 0,
	 "Folder of client public keys (*.pub) allowed on tcp:// submit and "
	 "publish endpoints."},
	{"curve_workers", STR(curve_workers), "/etc/catscan/workers", 0, 0,
	 "Folder of worker public keys (*.pub) allowed on tcp:// work "
	 "endpoints."},
	{"curve_server_key", STR(curve_server_key), "", 0, 0,
	 "Worker mode: the broker's public key file, for a tcp:// connect."},
	{"curve_key", STR(curve_key), "", 0, 0,
	 "Worker mode: this worker's secret key file, for a tcp:// connect."},
};

size_t cd_config_count(void)
{
	return CS_ARRAY_LEN(options);
}

const char *cd_config_name(size_t i)
{
	return i < CS_ARRAY_LEN(options) ? options[i].name : NULL;
}

const char *cd_config_default(size_t i)
{
	return i < CS_ARRAY_LEN(options) ? options[i].def : NULL;
}

unsigned cd_verdict_bit(const char *name)
{
	static const struct {
		const char *name;
		unsigned bit;
	} v[] = {{"clear", CD_V_CLEAR},
		 {"review", CD_V_REVIEW},
		 {"restricted", CD_V_RESTRICTED},
		 {"prohibited", CD_V_PROHIBITED},
		 {"unscannable", CD_V_UNSCANNABLE}};
	for (size_t i = 0; i < CS_ARRAY_LEN(v); i++)
		if (strcmp(name, v[i].name) == 0)
			return v[i].bit;
	return 0;
}

static const cd_option *find_option(const char *name)
{
	char key[64];
	size_t n = strlen(name);
	if (n >= sizeof key)
		return NULL;
	/* --queue-max and queue_max name the same setting. */
	for (size_t i = 0; i <= n; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	for (size_t i = 0; i < CS_ARRAY_LEN(options); i++)
		if (strcmp(options[i].name, key) == 0)
			return &options[i];
	return NULL;
}

static cs_code parse_number(const cd_option *o, const char *value,
			    long long *out, cs_error *err)
{
	if (o->min < 0 && strcmp(value, "auto") == 0) {
		*out = -1; /* the caller works out what auto means */
		return CS_OK;
	}
	errno = 0;
	char *end = NULL;
	long long v = strtoll(value, &end, 10);
	if (end == value || errno)
		return cs_fail(err, CS_EINVAL, "%s: not a number: '%s'", o->name,
			       value);
	long long unit = 1;
	if (o->type == CD_SIZE && *end) {
		switch (*end) {
		case 'k': case 'K': unit = KiB; break;
		case 'm': case 'M': unit = MiB; break;
		case 'g': case 'G': unit = GiB; break;
		default:
			return cs_fail(err, CS_EINVAL,
				       "%s: unknown size suffix in '%s' (K, M or G)",
				       o->name, value);
		}
		end++;
	}
	if (*end)
		return cs_fail(err, CS_EINVAL, "%s: trailing text in '%s'",
			       o->name, value);
	if (v < 0 || (v > 0 && unit > LLONG_MAX / v) || v * unit < o->min ||
	    v * unit > o->max)
		return cs_fail(err, CS_EINVAL, "%s: %s is out of range [%lld, %lld]",
			       o->name, value, o->min, o->max);
	*out = v * unit;
	return CS_OK;
}

static cs_code parse_verdicts(const char *value, unsigned *mask, cs_error *err)
{
	char word[32];
	unsigned m = 0;
	const char *p = value;
	while (*p) {
		p += strspn(p, ", \t");
		size_t n = strcspn(p, ", \t");
		if (n == 0)
			break;
		if (n >= sizeof word)
			return cs_fail(err, CS_EINVAL,
				       "publish_verdicts: unknown verdict '%.*s'",
				       (int)n, p);
		memcpy(word, p, n);
		word[n] = '\0';
		unsigned bit = cd_verdict_bit(word);
		if (!bit)
			return cs_fail(err, CS_EINVAL,
				       "publish_verdicts: unknown verdict '%s'", word);
		m |= bit;
		p += n;
	}
	*mask = m;
	return CS_OK;
}

static cs_code set_option(cd_config *c, const cd_option *o, const char *value,
			  cs_error *err)
{
	char *base = (char *)c;
	if (o->type == CD_INT || o->type == CD_SIZE)
		return parse_number(o, value, (long long *)(base + o->offset), err);
	if (o->type == CD_VERDICTS) {
		unsigned mask = 0;
		cs_code rc = parse_verdicts(value, &mask, err);
		if (rc)
			return rc;
		c->publish_mask = mask;
	}
	char *copy = cs_strdup(value);
	if (!copy)
		return cs_fail(err, CS_ENOMEM, "out of memory");
	char **slot = (char **)(base + o->offset);
	free(*slot);
	*slot = copy;
	return CS_OK;
}

cs_code cd_config_set(cd_config *c, const char *name, const char *value,
		      cs_error *err)
{
	const cd_option *o = find_option(name);
	if (!o)
		return cs_fail(err, CS_EINVAL, "unknown setting '%s'", name);
	return set_option(c, o, value, err);
}

cs_code cd_config_init(cd_config *c, cs_error *err)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < CS_ARRAY_LEN(options); i++) {
		cs_code rc = set_option(c, &options[i], options[i].def, err);
		if (rc) {
			cd_config_free(c);
			return rc;
		}
	}
	return CS_OK;
}

void cd_config_free(cd_config *c)
{
	for (size_t i = 0; i < CS_ARRAY_LEN(options); i++) {
		if (options[i].type != CD_STRING && options[i].type != CD_VERDICTS)
			continue;
		char **slot = (char **)((char *)c + options[i].offset);
		free(*slot);
		*slot = NULL;
	}
}

static char *trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/* A config file is short; anything longer is a mistake, not a config. */
#define CONFIG_MAX_LINE 4096
#define CONFIG_MAX_LINES 10000

cs_code cd_config_parse(cd_config *c, const char *text, size_t len,
			const char *origin, cs_error *err)
{
	char line[CONFIG_MAX_LINE];
	size_t pos = 0;
	for (int lineno = 1; pos < len; lineno++) {
		if (lineno > CONFIG_MAX_LINES)
			return cs_fail(err, CS_ELIMIT, "%s: more than %d lines",
				       origin, CONFIG_MAX_LINES);
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (n >= sizeof line)
			return cs_fail(err, CS_ESYNTAX, "%s:%d: line too long",
				       origin, lineno);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (memchr(line, '\0', n))
			return cs_fail(err, CS_ESYNTAX, "%s:%d: NUL byte", origin,
				       lineno);
		char *hash = strchr(line, '#');
		char *end = hash ? hash : line + n;
		char *s = trim(line, end);
		if (*s == '\0')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return cs_fail(err, CS_ESYNTAX,
				       "%s:%d: expected 'name = value'", origin,
				       lineno);
		char *name = trim(s, eq);
		char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
		/* Allow quoting, so a value can say "" (empty) explicitly. */
		size_t vl = strlen(value);
		if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
			value[vl - 1] = '\0';
			value++;
		}
		cs_error e;
		cs_code rc = cd_config_set(c, name, value, &e);
		if (rc)
			return cs_fail(err, rc, "%s:%d: %s", origin, lineno, e.msg);
	}
	return CS_OK;
}

cs_code cd_config_load(cd_config *c, const char *path, cs_error *err)
{
	char *text = NULL;
	size_t len = 0;
	cs_code rc = cs_read_file(path, 1 * MiB, &text, &len, err);
	if (rc)
		return rc;
	rc = cd_config_parse(c, text, len, path, err);
	free(text);
	return rc;
}

static bool flag_is(const char *arg, const char *name)
{
	return strcmp(arg, name) == 0;
}

cs_code cd_config_args(cd_config *c, cd_args *a, int argc, char **argv,
		       cs_error *err)
{
	memset(a, 0, sizeof *a);
	/* The file first, whatever the order on the command line, so that
	 * every flag overrides it. */
	for (int i = 1; i < argc; i++) {
		if ((flag_is(argv[i], "-c") || flag_is(argv[i], "--config"))) {
			if (i + 1 >= argc)
				return cs_fail(err, CS_EINVAL, "%s needs a file",
					       argv[i]);
			a->config_file = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			a->config_file = argv[i] + 9;
		}
	}
	cs_code rc = CS_OK;
	if (a->config_file)
		rc = cd_config_load(c, a->config_file, err);
	else if (access(CD_CONFIG_FILE, R_OK) == 0)
		rc = cd_config_load(c, CD_CONFIG_FILE, err);
	if (rc)
		return rc;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (flag_is(arg, "-c") || flag_is(arg, "--config")) {
			i++;
			continue;
		}
		if (strncmp(arg, "--config=", 9) == 0)
			continue;
		if (flag_is(arg, "--worker")) {
			a->worker = true;
		} else if (flag_is(arg, "--child")) {
			a->child = true;
		} else if (flag_is(arg, "-h") || flag_is(arg, "--help")) {
			a->help = true;
		} else if (flag_is(arg, "--version")) {
			a->version = true;
		} else if (flag_is(arg, "--print-config")) {
			a->print_config = true;
		} else if (strncmp(arg, "--", 2) == 0) {
			char name[64];
			const char *value;
			const char *eq = strchr(arg, '=');
			size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			if (n >= sizeof name)
				return cs_fail(err, CS_EINVAL, "unknown flag '%s'", arg);
			memcpy(name, arg + 2, n);
			name[n] = '\0';
			if (!find_option(name))
				return cs_fail(err, CS_EINVAL, "unknown flag '%s'", arg);
			if (eq) {
				value = eq + 1;
			} else {
				if (i + 1 >= argc)
					return cs_fail(err, CS_EINVAL,
						       "%s needs a value", arg);
				value = argv[++i];
			}
			rc = cd_config_set(c, name, value, err);
			if (rc)
				return rc;
		} else {
			return cs_fail(err, CS_EINVAL, "unexpected argument '%s'",
				       arg);
		}
	}
	return CS_OK;
}

static cs_code default_endpoint(char **slot, const char *dir, const char *name,
				cs_error *err)
{
	if (**slot)
		return CS_OK;
	cs_buf b;
	cs_buf_init(&b, 4096);
	if (cs_buf_printf(&b, "ipc://%s/%s", dir, name)) {
		cs_buf_free(&b);
		return cs_fail(err, CS_EINVAL, "runtime_dir is too long");
	}
	free(*slot);
	*slot = cs_buf_steal(&b, NULL);
	return CS_OK;
}

cs_code cd_config_finish(cd_config *c, cs_error *err)
{
	cs_code rc;
	if (c->runtime_dir[0] != '/')
		return cs_fail(err, CS_EINVAL,
			       "runtime_dir must be an absolute path: '%s'",
			       c->runtime_dir);
	if ((rc = default_endpoint(&c->submit, c->runtime_dir, "submit", err)) ||
	    (rc = default_endpoint(&c->publish, c->runtime_dir, "publish", err)) ||
	    (rc = default_endpoint(&c->work, c->runtime_dir, "work", err)))
		return rc;
	if (c->workers < 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = n > 0 ? (n > 256 ? 256 : n) : 1;
	}
	const char *eps[] = {c->submit, c->publish, c->work};
	for (size_t i = 0; i < CS_ARRAY_LEN(eps); i++)
		if (strstr(eps[i], "tcp://") && !c->curve_secret_key[0])
			return cs_fail(err, CS_EINVAL,
				       "tcp endpoint '%s' needs curve_secret_key "
				       "(CURVE is mandatory off the machine)",
				       eps[i]);
	return CS_OK;
}

cs_code cd_config_print(const cd_config *c, bool help, cs_buf *out)
{
	const char *base = (const char *)c;
	for (size_t i = 0; i < CS_ARRAY_LEN(options); i++) {
		const cd_option *o = &options[i];
		cs_code rc = CS_OK;
		if (help)
			rc = cs_buf_printf(out, "# %s\n", o->help);
		long long num = o->type == CD_INT || o->type == CD_SIZE
					? *(const long long *)(base + o->offset)
					: 0;
		if (!rc && o->type == CD_INT && o->min < 0 && num < 0)
			rc = cs_buf_printf(out, "%s = auto\n", o->name);
		else if (!rc && (o->type == CD_INT || o->type == CD_SIZE))
			rc = cs_buf_printf(out, "%s = %lld\n", o->name, num);
		else if (!rc)
			rc = cs_buf_printf(out, "%s = \"%s\"\n", o->name,
					   *(char *const *)(base + o->offset));
		if (!rc && help)
			rc = cs_buf_adds(out, "\n");
		if (rc)
			return rc;
	}
	return CS_OK;
}
