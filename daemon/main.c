/*
 * catscand: the catscan daemon. One binary, three roles:
 *   catscand [flags]                    broker and its local workers
 *   catscand --worker --connect EP      workers only, joining a broker
 *   catscand --child ...                one worker process (started by
 *                                       the two above; not for people)
 * Flags are the config file's settings: --name value overrides it.
 */
#include <stdio.h>
#include <string.h>

#include "broker.h"
#include "config.h"
#include "log.h"
#include "pool.h"
#include "worker.h"

static void usage(FILE *out)
{
	fputs("usage: catscand [-c FILE] [--submit EP] [--publish EP] [--work EP]\n"
	      "                [--workers N] [--rules PACK] [--NAME VALUE]...\n"
	      "       catscand --worker --connect EP [--workers N] [--rules PACK]\n"
	      "       catscand --print-config | --help | --version\n\n"
	      "Every setting of the config file (default " CD_CONFIG_FILE ")\n"
	      "is also a flag, which overrides the file:\n\n",
	      out);
}

int main(int argc, char **argv)
{
	cd_config cfg;
	cd_args args;
	cs_error err;
	int status = 2;
	if (cd_config_init(&cfg, &err)) {
		fprintf(stderr, "catscand: %s\n", err.msg);
		return 2;
	}
	if (cd_config_args(&cfg, &args, argc, argv, &err)) {
		fprintf(stderr, "catscand: %s\n", err.msg);
		usage(stderr);
		goto done;
	}
	if (args.help || args.version || args.print_config) {
		cs_buf out;
		cs_buf_init(&out, 1 << 20);
		if (args.version)
			cs_buf_adds(&out, "catscand " CS_VERSION "\n");
		if (args.help)
			usage(stdout);
		if (!args.version)
			cd_config_print(&cfg, args.help, &out);
		fputs(out.data ? out.data : "", stdout);
		cs_buf_free(&out);
		status = 0;
		goto done;
	}
	cd_log_set_level((int)cfg.log_level);
	if (args.worker || args.child) {
		if (!cfg.connect[0]) {
			fprintf(stderr, "catscand: --worker needs --connect ENDPOINT\n");
			goto done;
		}
		if (cfg.workers < 0 && cd_config_finish(&cfg, &err)) {
			fprintf(stderr, "catscand: %s\n", err.msg);
			goto done;
		}
		status = args.child ? cd_worker_run(&cfg) : cd_pool_supervise(&cfg);
		goto done;
	}
	if (cd_config_finish(&cfg, &err)) {
		fprintf(stderr, "catscand: %s\n", err.msg);
		goto done;
	}
	status = cd_broker_run(&cfg);
done:
	cd_config_free(&cfg);
	return status;
}
