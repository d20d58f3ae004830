/* passwd.c — `plateau passwd`: hashes a password for the center's users. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>
#include <re.h>
#include "cmd/cmd.h"
#include "config/center.h"

#define PASSWD_MIN 8               /* shortest password accepted, bytes */
#define PASSWD_MAX 256             /* longest password accepted, bytes  */

static const char passwd_usage[] =
"usage: plateau passwd [--rounds N] < password\n"
"\n"
"Reads one password (a line) from standard input and prints its salted\n"
"PBKDF2-HMAC-SHA256 hash, \"pbkdf2-sha256$ROUNDS$SALT$HASH\", for the\n"
"`password_hash` of a user in the center file (docs/config.md). The clear\n"
"password is never written anywhere. On a terminal it is not echoed.\n"
"\n"
"options:\n"
"  --rounds N   PBKDF2 rounds, 1000..10000000            [20000]\n"
"  -h, --help   this text\n";

static int passwd_run(int argc, char **argv)
{
	char pw[PASSWD_MAX + 2], hash[256];
	unsigned long rounds = CENTER_PIN_ITER;
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	uint8_t salt[16];
	size_t n;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s", passwd_usage);
			return 0;
		}
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			char *end;

			errno = 0;
			rounds = strtoul(argv[++i], &end, 10);
			if (errno || *end || argv[i][0] == '-' ||
			    rounds < 1000 || rounds > 10000000) {
				fprintf(stderr, "plateau passwd: --rounds: "
					"expected 1000..10000000, got '%s'\n",
					argv[i]);
				return 2;
			}
			continue;
		}
		fprintf(stderr, "plateau passwd: unexpected argument '%s'\n",
			argv[i]);
		return 2;
	}
	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (!fgets(pw, sizeof(pw), stdin))
		pw[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	n = strcspn(pw, "\r\n");
	if (n == strlen(pw) && n > PASSWD_MAX) {
		explicit_bzero(pw, sizeof(pw));
		fprintf(stderr, "plateau passwd: at most %d bytes\n",
			PASSWD_MAX);
		return 1;
	}
	pw[n] = '\0';
	if (n < PASSWD_MIN) {
		explicit_bzero(pw, sizeof(pw));
		fprintf(stderr, "plateau passwd: at least %d characters\n",
			PASSWD_MIN);
		return 1;
	}
	if (getrandom(salt, sizeof(salt), 0) != sizeof(salt)) {
		explicit_bzero(pw, sizeof(pw));
		fprintf(stderr, "plateau passwd: no random bytes\n");
		return 1;
	}
	err = center_pin_hash(hash, sizeof(hash), pw, salt,
			      (unsigned)rounds);
	explicit_bzero(pw, sizeof(pw));
	if (err) {
		fprintf(stderr, "plateau passwd: %s\n", strerror(err));
		return 1;
	}
	printf("%s\n", hash);
	return 0;
}

const struct command cmd_passwd = {
	"passwd", "hash a password for a user of the HTTP API", passwd_run
};
