/* cmd.h — the subcommands of the `plateau` binary, one file each. */
#ifndef PLATEAU_CMD_H
#define PLATEAU_CMD_H

/* A subcommand: src/cmd/NAME.c defines `const struct command cmd_NAME`.
 * run() gets argv with argv[0] set to the subcommand's name and returns
 * the process exit status: 0 success, 1 failure, 2 bad usage. */
struct command {
	const char *name;     /* word typed after `plateau`            */
	const char *summary;  /* one line for `plateau --help`          */
	int (*run)(int argc, char **argv);
};

#define COMMAND(n) extern const struct command cmd_##n;
#include "commands.h"
#undef COMMAND

#define PLATEAU_VERSION "0.1.0"

#endif
