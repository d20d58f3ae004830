/* import.c — `plateau import`: loads a center file into the store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "cmd/cmd.h"
#include "config/center.h"
#include "store/store.h"

static void import_usage(FILE *f)
{
	fprintf(f, "usage: plateau import FILE [--data DIR]\n\n"
		"Loads a center configuration (JSON: tenants, sites, positions,"
		"\nqueues, agents, DIDs, IVR menus; see docs/config.md) into "
		"the store\nin DIR, replacing the stored configuration in one "
		"transaction. Events\nand call records are kept. Clear SIP "
		"passwords and PINs in FILE are\nstored hashed only. Nothing "
		"is changed if FILE has an error.\n\n"
		"  --data DIR   data directory (default $PLATEAU_DATA, else "
		"./data)\n");
}

static int import_run(int argc, char **argv)
{
	const char *file = NULL, *data = NULL;
	struct center *c = NULL;
	struct store *st = NULL;
	char msg[1024];
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			import_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--data")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "plateau import: --data needs "
					"a directory\n");
				return 2;
			}
			data = argv[++i];
		}
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "plateau import: unknown option "
				"'%s'\n", argv[i]);
			return 2;
		}
		else if (file) {
			fprintf(stderr, "plateau import: unexpected argument "
				"'%s' (one FILE)\n", argv[i]);
			return 2;
		}
		else {
			file = argv[i];
		}
	}
	if (!file) {
		fprintf(stderr, "plateau import: FILE missing; see "
			"plateau import --help\n");
		return 2;
	}

	/* The file first: a bad file creates and changes nothing. */
	err = center_load(file, &c, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "plateau import: %s\n", msg);
		return 1;
	}
	err = store_open(&st, store_data_dir(data), msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "plateau import: %s\n", msg);
		mem_deref(c);
		return 1;
	}
	err = store_center_save(st, c);
	if (err)
		fprintf(stderr, "plateau import: %s\n", store_errmsg(st));
	else
		printf("imported %s into %s: %zu tenants, %zu sites, %zu "
		       "positions, %zu queues, %zu agents, %zu DIDs, %zu IVR "
		       "menus\n", file, store_path(st), c->n_tenants,
		       c->n_sites, c->n_positions, c->n_queues, c->n_agents,
		       c->n_dids, c->n_ivrs);
	store_close(st);
	mem_deref(c);
	return err ? 1 : 0;
}

const struct command cmd_import = {
	"import", "load a center configuration file into the store",
	import_run
};
