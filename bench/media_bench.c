/* media_bench.c — media on the one shared tick under load: N RTP streams
 * relayed through bridged legs (both directions), N legs playing hold
 * music, and as a reference a plain epoll UDP echo of N streams; prints
 * the server's CPU per stream and per packet, and packets lost. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <re.h>
#include "media/media.h"

#define WARMUP_MS 1000

enum mode { MODE_RELAY, MODE_PLAY, MODE_ECHO, MODE_RELAY_THREAD };
static const char *const mode_names[] = {"relay", "play", "echo",
					 "thread"};
#define MODES 4

struct gen_result {
	uint64_t sent;             /* packets the generator sent            */
	uint64_t received;         /* packets it got back                   */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A nonblocking UDP socket on 127.0.0.1, its port in *portp. */
static int udp_sock(uint16_t *portp)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int big = 1 << 20;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		close(fd);
		return -1;
	}
	*portp = ntohs(a.sin_port);
	return fd;
}

/* ---------------------------------------------------------------------
 * The load generator (child process): every 20 ms one 160-byte PCMU
 * packet per talking socket; drains what comes back.
 * ------------------------------------------------------------------- */

static void generator(const int *fds, const uint16_t *dst, size_t n,
		      bool talk, double seconds, int out)
{
	struct gen_result r = {0, 0};
	struct sockaddr_in to = {.sin_family = AF_INET};
	uint8_t pkt[172], buf[2048];
	struct timespec next;
	double end = now_s() + WARMUP_MS / 1000.0 + seconds + 0.3;
	double count_from = now_s() + WARMUP_MS / 1000.0;
	uint16_t seq = 1;
	uint32_t ts = 0;
	struct epoll_event ev, evs[256];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		_exit(1);
	for (size_t i = 0; i < n; i++) {
		ev.events = EPOLLIN;
		ev.data.u64 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev))
			_exit(1);
	}
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(pkt, 0xd5, sizeof(pkt));
	pkt[0] = 0x80;
	pkt[1] = 0;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (now_s() < end) {
		bool counting = now_s() >= count_from &&
				now_s() < end - 0.3;

		if (talk) {
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			pkt[4] = (uint8_t)(ts >> 24);
			pkt[5] = (uint8_t)(ts >> 16);
			pkt[6] = (uint8_t)(ts >> 8);
			pkt[7] = (uint8_t)ts;
			for (size_t i = 0; i < n; i++) {
				pkt[8] = (uint8_t)(i >> 24);
				pkt[9] = (uint8_t)(i >> 16);
				pkt[10] = (uint8_t)(i >> 8);
				pkt[11] = (uint8_t)i;
				to.sin_port = htons(dst[i]);
				if (sendto(fds[i], pkt, sizeof(pkt), 0,
					   (struct sockaddr *)&to,
					   sizeof(to)) == (ssize_t)sizeof(pkt)
				    && counting)
					r.sent++;
			}
			seq++;
			ts += 160;
		}
		next.tv_nsec += 20 * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		/* drain until the next send time: epoll, so a quiet socket
		 * costs nothing (a recv on every socket every round was the
		 * generator's own ceiling at 1,000 streams) */
		for (bool first = true;; first = false) {
			struct timespec t;
			int64_t left_ns;
			int k;

			clock_gettime(CLOCK_MONOTONIC, &t);
			left_ns = (int64_t)(next.tv_sec - t.tv_sec) *
				  1000000000 + (next.tv_nsec - t.tv_nsec);
			if (left_ns <= 0 && !first)
				break;
			/* late: still one pass over what is ready */
			k = epoll_wait(ep, evs, 256, left_ns <= 0 ? 0 :
				       (int)(left_ns / 1000000));
			for (int j = 0; j < k; j++) {
				int fd = fds[evs[j].data.u64];

				while (recv(fd, buf, sizeof(buf), 0) > 0) {
					if (counting)
						r.received++;
				}
			}
		}
	}
	if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

/* ---------------------------------------------------------------------
 * The servers
 * ------------------------------------------------------------------- */

static struct {
	double t0, c0;             /* measurement start: wall, cpu          */
	double t1, c1;             /* measurement end                       */
	double seconds;            /* measured window                       */
	struct tmr tmr;            /* phases of the run (bench only)        */
	int phase;                 /* 0 warm-up, 1 measuring                */
} run;

static void phase_h(void *arg)
{
	(void)arg;
	if (run.phase == 0) {
		run.phase = 1;
		run.t0 = now_s();
		run.c0 = cpu_s();
		tmr_start(&run.tmr, (uint64_t)(run.seconds * 1000), phase_h,
			  NULL);
		return;
	}
	run.t1 = now_s();
	run.c1 = cpu_s();
	re_cancel();
}

/* The plain reference: one epoll loop echoing every datagram back. */
static void echo_server(const int *fds, size_t n, double seconds)
{
	struct epoll_event ev, evs[256];
	uint8_t buf[2048];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	double start = now_s(), end = start + WARMUP_MS / 1000.0 + seconds;
	bool measuring = false;

	for (size_t i = 0; i < n; i++) {
		ev.events = EPOLLIN;
		ev.data.u64 = i;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	while (true) {
		double t = now_s();
		int k;

		if (!measuring && t >= start + WARMUP_MS / 1000.0) {
			measuring = true;
			run.t0 = t;
			run.c0 = cpu_s();
		}
		if (t >= end)
			break;
		k = epoll_wait(ep, evs, 256, 5);
		for (int j = 0; j < k; j++) {
			int fd = fds[evs[j].data.u64];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t got;

			got = recvfrom(fd, buf, sizeof(buf), 0,
				       (struct sockaddr *)&from, &fl);
			if (got > 0)
				(void)sendto(fd, buf, (size_t)got, 0,
					     (struct sockaddr *)&from, fl);
		}
	}
	run.t1 = now_s();
	run.c1 = cpu_s();
	close(ep);
}

static int bench_case(enum mode mode, size_t n, double seconds,
		      const char *moh)
{
	bool relaying = mode == MODE_RELAY || mode == MODE_RELAY_THREAD;
	size_t ngen = relaying ? 2 * n : n;
	int *gfd = calloc(ngen, sizeof(int));
	int *sfd = calloc(n, sizeof(int));
	uint16_t *gport = calloc(ngen, sizeof(uint16_t));
	uint16_t *dport = calloc(ngen, sizeof(uint16_t));
	struct media_leg **legs = calloc(ngen, sizeof(*legs));
	struct media_bridge **br = calloc(n, sizeof(*br));
	struct media_playlist *pl = NULL;
	struct media *m = NULL;
	struct gen_result gr = {0, 0};
	struct media_stats mst;
	int pipefd[2] = {-1, -1};
	pid_t pid = -1;
	int err = 0;

	if (!gfd || !sfd || !gport || !dport || !legs || !br) {
		err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ngen; i++) {
		gfd[i] = udp_sock(&gport[i]);
		if (gfd[i] < 0) {
			err = errno;
			goto out;
		}
	}
	memset(&run, 0, sizeof(run));
	run.seconds = seconds;

	if (mode == MODE_ECHO) {
		for (size_t i = 0; i < n; i++) {
			sfd[i] = udp_sock(&dport[i]);
			if (sfd[i] < 0) {
				err = errno;
				goto out;
			}
		}
	}
	else {
		struct media_opts o = {
			.prompt_dir = "build/prompts",
			.relay_thread = mode == MODE_RELAY_THREAD,
		};

		err = media_alloc(&m, NULL, 20000, 59999, &o);
		for (size_t i = 0; !err && i < ngen; i++) {
			struct sa g;

			err = media_leg_alloc(&legs[i], m, NULL);
			if (err)
				break;
			dport[i] = media_leg_port(legs[i]);
			sa_set_str(&g, "127.0.0.1", gport[i]);
			err = media_leg_set_remote(legs[i], &g, MEDIA_PT_PCMU,
						   0);
		}
		if (!err && relaying) {
			for (size_t i = 0; !err && i < n; i++)
				err = media_bridge(&br[i], legs[2 * i],
						   legs[2 * i + 1]);
		}
		if (!err && mode == MODE_PLAY) {
			err = media_playlist_alloc(&pl);
			err = err ? err : media_playlist_add(pl, moh);
			for (size_t i = 0; !err && i < n; i++)
				err = media_play(legs[i], pl, true, NULL,
						 NULL);
			if (err)
				fprintf(stderr, "play: %s\n",
					media_errmsg(m));
		}
		if (err)
			goto out;
	}

	if (pipe(pipefd)) {
		err = errno;
		goto out;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		err = errno;
		goto out;
	}
	if (pid == 0) {
		close(pipefd[0]);
		generator(gfd, dport, ngen, mode != MODE_PLAY, seconds,
			  pipefd[1]);
	}
	close(pipefd[1]);
	pipefd[1] = -1;

	if (mode == MODE_ECHO) {
		echo_server(sfd, n, seconds);
	}
	else {
		tmr_init(&run.tmr);
		tmr_start(&run.tmr, WARMUP_MS, phase_h, NULL);
		re_main(NULL);
		tmr_cancel(&run.tmr);
	}
	if (read(pipefd[0], &gr, sizeof(gr)) != (ssize_t)sizeof(gr))
		err = EIO;
	waitpid(pid, NULL, 0);
	pid = -1;

	{
		double wall = run.t1 - run.t0, cpu = run.c1 - run.c0;
		/* packets through the server: in and out */
		double pps = mode == MODE_PLAY ? (double)gr.received / wall
			: (double)(gr.sent + gr.received) / wall;
		double loss = mode == MODE_PLAY || gr.sent == 0 ? 0.0
			: 100.0 * (1.0 - (double)gr.received /
				   (double)gr.sent);
		uint64_t late = 0;

		if (m) {
			media_stats_get(m, &mst);
			late = mst.late_ticks;
		}
		/* relay: a stream is a call, both sides talking (2 RTP
		 * streams in, 2 out); pkt/s counts in + out at the server;
		 * "lost" compares packets sent and received by the
		 * generator in the same window (edge effects +-0.5 %) */
		printf("%-5s %6zu streams %7.0f pkt/s  cpu %5.1f%% of a core"
		       "  %6.2f us/pkt  %6.3f%%/stream  lost %5.2f%%"
		       "  late ticks %llu\n",
		       mode_names[mode], n, pps, 100.0 * cpu / wall,
		       pps > 0 ? 1e6 * cpu / wall / pps : 0.0,
		       100.0 * cpu / wall / (double)n, loss,
		       (unsigned long long)late);
	}
 out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	for (size_t i = 0; br && i < n; i++)
		mem_deref(br[i]);
	for (size_t i = 0; legs && i < ngen; i++)
		mem_deref(legs[i]);
	mem_deref(pl);
	mem_deref(m);
	for (size_t i = 0; gfd && i < ngen; i++) {
		if (gfd[i] > 0)
			close(gfd[i]);
	}
	for (size_t i = 0; sfd && i < n; i++) {
		if (sfd[i] > 0)
			close(sfd[i]);
	}
	free(gfd);
	free(sfd);
	free(gport);
	free(dport);
	free(legs);
	free(br);
	return err;
}

int main(int argc, char **argv)
{
	size_t counts[8] = {100, 500, 1000};
	size_t ncounts = 3;
	double seconds = 5;
	bool want[MODES] = {true, true, true, true};
	const char *moh = "moh/default.wav";
	struct rlimit rl;
	int err = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = atof(argv[++i]);
		}
		else if (!strcmp(argv[i], "--streams") && i + 1 < argc) {
			char *s = argv[++i], *tok;

			ncounts = 0;
			for (tok = strtok(s, ","); tok && ncounts < 8;
			     tok = strtok(NULL, ","))
				counts[ncounts++] = (size_t)atol(tok);
		}
		else if (!strcmp(argv[i], "--modes") && i + 1 < argc) {
			const char *ms = argv[++i];

			for (int k = 0; k < MODES; k++)
				want[k] = strstr(ms, mode_names[k]) != NULL;
		}
		else {
			fprintf(stderr, "usage: media_bench [--streams N,N,..]"
				" [--seconds S] [--modes echo,relay,thread,play]\n");
			return 2;
		}
	}
	if (seconds <= 0 || ncounts == 0) {
		fprintf(stderr, "media_bench: bad --seconds or --streams\n");
		return 2;
	}
	for (size_t i = 0; i < ncounts; i++) {
		if (counts[i] < 1 || counts[i] > 4000) {
			fprintf(stderr, "media_bench: streams 1..4000\n");
			return 2;
		}
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);

	err = libre_init();
	if (err)
		return 1;
	fd_setsize(rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur);
	printf("media_bench: one shared 20 ms tick; 160-byte PCMU every "
	       "20 ms per talking stream; %.0f s measured after %d ms "
	       "warm-up\n", seconds, WARMUP_MS);
	{
		/* the figures mean little on a machine busy with other work:
		 * say how busy it was */
		FILE *f = fopen("/proc/loadavg", "r");
		char la[64] = "?";

		if (f) {
			if (!fgets(la, sizeof(la), f))
				snprintf(la, sizeof(la), "?\n");
			fclose(f);
		}
		printf("load average at start: %s", la);
	}
	for (size_t i = 0; !err && i < ncounts; i++) {
		if (want[MODE_ECHO])
			err = bench_case(MODE_ECHO, counts[i], seconds, moh);
		if (!err && want[MODE_RELAY])
			err = bench_case(MODE_RELAY, counts[i], seconds, moh);
		if (!err && want[MODE_RELAY_THREAD])
			err = bench_case(MODE_RELAY_THREAD, counts[i],
					 seconds, moh);
		if (!err && want[MODE_PLAY])
			err = bench_case(MODE_PLAY, counts[i], seconds, moh);
	}
	libre_close();
	if (err)
		fprintf(stderr, "media_bench: %s\n", strerror(err));
	return err ? 1 : 0;
}
