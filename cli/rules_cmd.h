/*
 * rules_cmd.h: `catscan rules import` and `catscan rules coverage`
 * (rules_import.c). main.c dispatches `catscan rules import ...` as
 * cmd_rules_import(argc - 1, argv + 1), so that argv[0] is "import" and
 * the options follow; the same for "coverage". Both return an exit code:
 * 0 done, 1 done with problems reported, 2 an error (nothing written).
 */
#ifndef CLI_RULES_CMD_H
#define CLI_RULES_CMD_H

/*
 *   catscan rules import OFFICIAL.pdf|.txt [--edition DATE] [--label TEXT]
 *                        [--curated PACK | --no-curated] [--text FILE] -o PACK
 *   catscan rules import --amend NOTICE.txt [--edition DATE] -o PACK [FROM]
 */
int cmd_rules_import(int argc, char **argv);

/*   catscan rules coverage [PACK] [--json] [--as-of DATE] */
int cmd_rules_coverage(int argc, char **argv);

#endif
