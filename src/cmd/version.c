/* version.c — `plateau version`: prints the version and the libraries used. */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <re.h>
#include "cmd/cmd.h"

static int version_run(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: plateau version\n\n"
		       "Prints plateau's version and the versions of the "
		       "libraries it runs on.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "plateau version: unexpected argument '%s'\n",
			argv[1]);
		return 2;
	}
	printf("plateau %s\n", PLATEAU_VERSION);
	printf("libre %s, sqlite %s\n", sys_libre_version_get(),
	       sqlite3_libversion());
	return 0;
}

const struct command cmd_version = {
	"version", "print plateau's version and its libraries'", version_run
};
