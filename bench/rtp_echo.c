/* rtp_echo.c — a lean UDP echo for the SIP benchmarks: every datagram
 * that reaches its one loopback port goes back to its sender, read and
 * sent in batches (recvmmsg/sendmmsg), so that the agents' side of a
 * bridged-call benchmark costs little CPU and adds no queueing of its
 * own (sipp -rtp_echo answers one packet per system call pair).
 *
 *   rtp_echo PORT [SECONDS]
 *
 * Binds 127.0.0.1:PORT (0: any free port), prints "port=N" on stdout,
 * echoes until SIGTERM/SIGINT or SECONDS (default 900) have passed, then
 * prints "received=N echoed=N send_errors=N cpu_s=S" and exits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH     64       /* datagrams per recvmmsg/sendmmsg          */
#define DGRAM_MAX 1500     /* larger datagrams are truncated           */
#define RCVBUF    (8 << 20) /* socket buffers: bursts of many calls    */

/* This process's CPU time (user + system), seconds. */
static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sends the n datagrams back; returns how many the kernel took. A
 * datagram it refuses (buffer full) is skipped, not retried forever. */
static unsigned echo_batch(int fd, struct mmsghdr *msgs, unsigned n,
			   unsigned long long *errors)
{
	unsigned sent = 0;

	for (unsigned i = 0; i < n; i++)
		msgs[i].msg_hdr.msg_iov->iov_len = msgs[i].msg_len;
	while (sent < n) {
		int r = sendmmsg(fd, msgs + sent, n - sent, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			(*errors)++;
			sent++;    /* skip the datagram that failed */
			continue;
		}
		sent += (unsigned)r;
	}
	return n;
}

int main(int argc, char **argv)
{
	static unsigned char bufs[BATCH][DGRAM_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH];
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct timeval tick = { .tv_sec = 0, .tv_usec = 200000 };
	unsigned long long received = 0, echoed = 0, errors = 0;
	socklen_t alen = sizeof(addr);
	struct sigaction sa = { .sa_handler = on_signal };
	int size = RCVBUF;
	long port, seconds = 900;
	time_t end;
	char *e;
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: rtp_echo PORT [SECONDS]\n");
		return 2;
	}
	port = strtol(argv[1], &e, 10);
	if (*e || port < 0 || port > 65535) {
		fprintf(stderr, "rtp_echo: bad port '%s'\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		seconds = strtol(argv[2], &e, 10);
		if (*e || seconds <= 0 || seconds > 86400) {
			fprintf(stderr, "rtp_echo: bad seconds '%s'\n", argv[2]);
			return 2;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("rtp_echo: socket");
		return 1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* a read times out now and then, to see the clock and signals */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
		perror("rtp_echo: bind");
		return 1;
	}
	printf("port=%u\n", ntohs(addr.sin_port));
	fflush(stdout);

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
	}
	end = time(NULL) + seconds;
	while (!stop && time(NULL) < end) {
		int n;

		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = DGRAM_MAX;
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;    /* timeout, signal or a transient error */
		received += (unsigned)n;
		echoed += echo_batch(fd, msgs, (unsigned)n, &errors);
	}
	echoed -= errors;
	printf("received=%llu echoed=%llu send_errors=%llu cpu_s=%.3f\n",
	       received, echoed, errors, cpu_seconds());
	close(fd);
	return 0;
}
