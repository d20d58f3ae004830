/* export.c — `plateau export`: writes the stored configuration as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <re.h>
#include "cmd/cmd.h"
#include "config/center.h"
#include "store/store.h"

static void export_usage(FILE *f)
{
	fprintf(f, "usage: plateau export [--data DIR] [-o FILE]\n\n"
		"Writes the configuration stored in DIR as a center JSON file "
		"(the\nformat `plateau import` reads), to FILE or to standard "
		"output.\nSecrets are written as stored: SIP HA1 and salted "
		"PIN hashes.\n\n"
		"  --data DIR   data directory (default $PLATEAU_DATA, else "
		"./data)\n"
		"  -o FILE      output file, replaced only once complete\n");
}

/* Writes text to path through a temporary file and a rename. */
static int write_file(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return errno;
	if (fputs(text, f) == EOF)
		err = errno ? errno : EIO;
	if (fflush(f) || fsync(fileno(f)))
		err = err ? err : (errno ? errno : EIO);
	if (fclose(f))
		err = err ? err : (errno ? errno : EIO);
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	return err;
}

static int export_run(int argc, char **argv)
{
	struct store_opts opts = {.must_exist = true};
	const char *out = NULL, *data = NULL;
	struct center *c = NULL;
	struct store *st = NULL;
	char msg[1024], *json = NULL;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			export_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--data") || !strcmp(argv[i], "-o")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "plateau export: %s needs a "
					"value\n", argv[i]);
				return 2;
			}
			if (argv[i][1] == 'o')
				out = argv[++i];
			else
				data = argv[++i];
		}
		else {
			fprintf(stderr, "plateau export: unexpected argument "
				"'%s'\n", argv[i]);
			return 2;
		}
	}

	err = store_open_opts(&st, store_data_dir(data), &opts, msg,
			      sizeof(msg));
	if (err) {
		fprintf(stderr, "plateau export: %s\n", msg);
		return 1;
	}
	err = store_center_load(st, &c);
	if (err)
		fprintf(stderr, "plateau export: %s\n", store_errmsg(st));
	store_close(st);
	if (err)
		return 1;
	err = re_sdprintf(&json, "%H", center_write_json, c);
	mem_deref(c);
	if (err) {
		fprintf(stderr, "plateau export: %s\n", strerror(err));
		return 1;
	}
	if (out) {
		err = write_file(out, json);
		if (err)
			fprintf(stderr, "plateau export: %s: %s\n", out,
				strerror(err));
	}
	else if (fputs(json, stdout) == EOF || fflush(stdout)) {
		err = EIO;
		fprintf(stderr, "plateau export: writing: %s\n",
			strerror(errno));
	}
	mem_deref(json);
	return err ? 1 : 0;
}

const struct command cmd_export = {
	"export", "write the stored configuration as a center JSON file",
	export_run
};
