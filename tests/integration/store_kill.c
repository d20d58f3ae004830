/* store_kill.c — helper of store_kill.sh: writes CDRs until killed, printing
 * the ids the store has reported committed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "store/store.h"

/*
 * usage: store_kill SPEC PREFIX
 * Puts CDRs PREFIX-1, PREFIX-2, … (each after an event) through the
 * writer thread as fast as the queue takes them. A line "committed ID" is
 * written (unbuffered) only once stats.done_seq shows the row committed;
 * every 5000 CDRs it also calls store_flush() and prints "flushed N".
 * Runs until killed (or 10 minutes, a bound for a forgotten process).
 */

/* One "committed" line per CDR whose sequence number is <= done. */
static void report(const char *prefix, const uint64_t *seq_of, uint64_t n,
		   uint64_t *reported, uint64_t done)
{
	char line[128];

	while (*reported < n && seq_of[*reported] <= done) {
		int len = snprintf(line, sizeof(line), "committed %s-%llu\n",
				   prefix, (unsigned long long)*reported + 1);

		if (write(STDOUT_FILENO, line, (size_t)len) != len)
			exit(1);
		(*reported)++;
	}
}

int main(int argc, char **argv)
{
	const uint64_t max = 5000000;
	struct store_stats stats;
	struct store *st = NULL;
	uint64_t *seq_of, n = 0, reported = 0;
	char msg[512], id[96];
	time_t start = time(NULL);
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: store_kill SPEC PREFIX\n");
		return 2;
	}
	seq_of = calloc(max, sizeof(*seq_of));
	if (!seq_of)
		return 1;
	err = store_open(&st, argv[1], msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "store_kill: %s\n", msg);
		return 1;
	}
	printf("opened\n");
	fflush(stdout);
	while (n < max && time(NULL) - start < 600) {
		struct acd_event ev;
		struct store_cdr c;

		memset(&ev, 0, sizeof(ev));
		ev.type = ACD_EV_CALL_ENTER;
		ev.time = (int64_t)n * 10;
		ev.call = n + 1;
		ev.tenant = "acme";
		ev.queue = "support-fr";
		err = store_event_append(st, &ev);
		if (err && err != EAGAIN) {
			fprintf(stderr, "store_kill: %s\n", store_errmsg(st));
			return 1;
		}

		snprintf(id, sizeof(id), "%s-%llu", argv[2],
			 (unsigned long long)n + 1);
		memset(&c, 0, sizeof(c));
		c.call_id = id;
		c.acd_call = n + 1;
		c.tenant = "acme";
		c.did = "+212522000100";
		c.caller = "+212661000000";
		c.arrive_ms = 1700000000000 + (int64_t)n;
		c.answer_ms = c.arrive_ms + 5000;
		c.end_ms = c.arrive_ms + 65000;
		c.talk_ms = 60000;
		c.wait_ms = 5000;
		c.outcome = STORE_OUTCOME_ANSWERED;
		c.ended_by = STORE_HANGUP_CALLER;
		c.queue = "support-fr";
		c.agent = "a-1";
		err = store_cdr_put(st, &c);
		if (err == EAGAIN) {
			/* Queue full: the data is still ours; wait, retry. */
			usleep(1000);
			continue;
		}
		if (err) {
			fprintf(stderr, "store_kill: %s\n", store_errmsg(st));
			return 1;
		}
		store_stats(st, &stats);
		seq_of[n++] = stats.accepted;
		report(argv[2], seq_of, n, &reported, stats.done_seq);
		if (n % 5000 == 0) {
			err = store_flush(st);
			if (err) {
				fprintf(stderr, "store_kill: %s\n",
					store_errmsg(st));
				return 1;
			}
			store_stats(st, &stats);
			report(argv[2], seq_of, n, &reported, stats.done_seq);
			printf("flushed %llu\n", (unsigned long long)n);
			fflush(stdout);
		}
	}
	store_close(st);
	free(seq_of);
	return 0;
}
