/* main.c — the `plateau` binary: dispatches to a subcommand, git-style. */
#include <stdio.h>
#include <string.h>
#include "cmd/cmd.h"

static const struct command *commands[] = {
#define COMMAND(n) &cmd_##n,
#include "commands.h"
#undef COMMAND
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: plateau <command> [options]\n\n"
		   "plateau runs a contact-center floor: SIP calls, queues, "
		   "routing, staffing.\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f, "\n`plateau <command> --help` tells more about each.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";

	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "plateau: '%s' is not a command; see plateau --help\n",
		argv[1]);
	return 2;
}
