/* rtp_talk.c — the callers' audio for the SIP benchmarks: one loopback
 * socket that talks into every call sipp sets up (20 ms PCMA packets) and
 * checks what comes back, with its round-trip time.
 *
 *   rtp_talk PORTS_FILE TALK_S [START_MS] [LIFETIME_S]
 *
 * Binds 127.0.0.1 on a free port and prints "port=N": the caller
 * scenario names that port in its SDP. Each line of PORTS_FILE (followed
 * as it grows, like tail -f) is the RTP port a call's answer named; from
 * START_MS (default 100) after the line appears, a stream of TALK_S
 * seconds of 20 ms packets goes to 127.0.0.1:PORT from the one socket,
 * sent in batches (sendmmsg, many destinations per system call). Each
 * payload carries a tag (stream, sequence, send time): whatever comes
 * back with a valid tag, from any source, counts for its stream, so
 * relayed or echoed audio is told apart from hold music. On SIGTERM or
 * after LIFETIME_S (default 900) it prints
 *   streams=N sent=N send_errors=N received=N late=N bad=N
 *   rtt_p50_us=N rtt_p99_us=N rtt_max_us=N cpu_s=S (its own CPU time)
 * where late counts tagged packets that came back more than 1 s after
 * their stream's last packet (they count as received too), bad the
 * datagrams without a tag (hold music, prompts), and the round-trip
 * times are upper bounds of power-of-two buckets. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PTIME_NS   20000000ll  /* one packet per 20 ms per stream      */
#define PAYLOAD    160         /* 20 ms of 8 kHz G.711                 */
#define HEADER     12          /* RTP header, no CSRC                  */
#define BATCH      64          /* datagrams per sendmmsg/recvmmsg      */
#define SOCKBUF    (8 << 20)
#define TAG_MAGIC  0x504c5431u /* "PLT1"                               */
#define RTT_BUCKETS 64         /* log2 histogram of µs                 */

/* One call's audio towards plateau (or straight to the echo). */
struct stream {
	struct sockaddr_in dst;
	int64_t due_ns;            /* next packet's send time               */
	int64_t last_ns;           /* last packet's send time, 0 until sent */
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts;
	uint32_t sent;
	uint32_t received;
	uint32_t total;            /* packets to send                       */
};

static struct {
	struct stream *v;
	size_t n, cap;
	size_t *active;            /* indexes of streams still sending      */
	size_t nactive;
	uint64_t sent, send_errors, received, late, bad;
	uint64_t rtt[RTT_BUCKETS];
	uint64_t rtt_max_us;
} talk;

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

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000ll + t.tv_nsec;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int stream_add(uint16_t port, int64_t start_ns, uint32_t total)
{
	struct stream *s;

	if (talk.n == talk.cap) {
		size_t cap = talk.cap ? 2 * talk.cap : 1024;
		struct stream *v = realloc(talk.v, cap * sizeof(*v));
		size_t *a = realloc(talk.active, cap * sizeof(*a));

		if (!v || !a) {
			free(v ? v : talk.v);
			free(a ? a : talk.active);
			return ENOMEM;
		}
		talk.v = v;
		talk.active = a;
		talk.cap = cap;
	}
	s = &talk.v[talk.n];
	memset(s, 0, sizeof(*s));
	s->dst.sin_family = AF_INET;
	s->dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->dst.sin_port = htons(port);
	s->due_ns = start_ns;
	s->ssrc = 0x10000u + (uint32_t)talk.n;
	s->total = total;
	talk.active[talk.nactive++] = talk.n++;
	return 0;
}

/* New complete lines of the ports file: one stream each. Returns the
 * offset read up to (a partial last line is read again next time). */
static off_t ports_follow(int fd, off_t off, int64_t start_ns,
			  uint32_t total)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, off);
	char *line, *nl;

	if (n <= 0)
		return off;
	buf[n] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		char *e;
		long port;

		*nl = '\0';
		port = strtol(line, &e, 10);
		if (e != line && port > 0 && port < 65536 &&
		    stream_add((uint16_t)port, start_ns, total) != 0)
			stop = 1;    /* out of memory: end the run */
	}
	return off + (line - buf);
}

static void packet_fill(struct stream *s, size_t idx, uint8_t *b,
			int64_t now)
{
	b[0] = 0x80;                       /* version 2                 */
	b[1] = 8;                          /* PCMA                      */
	b[2] = (uint8_t)(s->seq >> 8);
	b[3] = (uint8_t)s->seq;
	put32(b + 4, s->ts);
	put32(b + 8, s->ssrc);
	memset(b + HEADER, 0xd5, PAYLOAD); /* A-law silence             */
	put32(b + HEADER, TAG_MAGIC);
	put32(b + HEADER + 4, (uint32_t)idx);
	put32(b + HEADER + 8, s->sent);
	put32(b + HEADER + 12, (uint32_t)((uint64_t)now >> 32));
	put32(b + HEADER + 16, (uint32_t)now);
	s->seq++;
	s->ts += PAYLOAD;
}

/* Sends n prepared datagrams; one the kernel refuses (buffer full) is
 * skipped and counted. */
static void send_batch(int fd, struct mmsghdr *msgs, unsigned n)
{
	for (unsigned k = 0; k < n;) {
		int r = sendmmsg(fd, msgs + k, n - k, 0);

		if (r > 0) {
			k += (unsigned)r;
			talk.sent += (unsigned)r;
		} else if (errno != EINTR) {
			k++;
			talk.send_errors++;
		}
	}
}

/* Sends every packet that is due; drops streams that are done from the
 * active list. Returns the earliest next due time (or now + 20 ms). */
static int64_t send_due(int fd, int64_t now)
{
	static uint8_t bufs[BATCH][HEADER + PAYLOAD];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int64_t next = now + PTIME_NS;
	unsigned nb = 0;
	size_t keep = 0;

	memset(msgs, 0, sizeof(msgs));
	for (size_t i = 0; i < talk.nactive; i++) {
		size_t idx = talk.active[i];
		struct stream *s = &talk.v[idx];

		while (s->sent < s->total && s->due_ns <= now) {
			packet_fill(s, idx, bufs[nb], now);
			iov[nb].iov_base = bufs[nb];
			iov[nb].iov_len = HEADER + PAYLOAD;
			msgs[nb].msg_hdr.msg_iov = &iov[nb];
			msgs[nb].msg_hdr.msg_iovlen = 1;
			msgs[nb].msg_hdr.msg_name = &s->dst;
			msgs[nb].msg_hdr.msg_namelen = sizeof(s->dst);
			s->sent++;
			s->last_ns = now;
			s->due_ns += PTIME_NS;
			if (++nb == BATCH) {
				send_batch(fd, msgs, nb);
				nb = 0;
			}
		}
		if (s->sent < s->total) {
			talk.active[keep++] = idx;
			if (s->due_ns < next)
				next = s->due_ns;
		}
	}
	send_batch(fd, msgs, nb);
	talk.nactive = keep;
	return next;
}

static void rtt_note(int64_t sent_ns, int64_t now)
{
	uint64_t us = now > sent_ns ? (uint64_t)(now - sent_ns) / 1000 : 0;
	unsigned b = 0;

	while (b + 1 < RTT_BUCKETS && (1ull << (b + 1)) <= us + 1)
		b++;
	talk.rtt[b]++;
	if (us > talk.rtt_max_us)
		talk.rtt_max_us = us;
}

/* Upper bound (µs) of the bucket holding the q-quantile. */
static uint64_t rtt_quantile(double q)
{
	uint64_t n = 0, want;

	for (unsigned b = 0; b < RTT_BUCKETS; b++)
		n += talk.rtt[b];
	if (n == 0)
		return 0;
	want = (uint64_t)(q * (double)n);
	for (unsigned b = 0, seen = 0; b < RTT_BUCKETS; b++) {
		seen += (unsigned)talk.rtt[b];
		if (seen > want)
			return (1ull << (b + 1)) - 1;
	}
	return talk.rtt_max_us;
}

static void receive_all(int fd)
{
	static uint8_t bufs[BATCH][1500];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int n;

	do {
		int64_t now;

		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		now = now_ns();
		for (int i = 0; i < n; i++) {
			const uint8_t *p = bufs[i] + HEADER;
			uint32_t idx;
			struct stream *s;
			int64_t sent_ns;

			if (msgs[i].msg_len < HEADER + 20 ||
			    (bufs[i][0] & 0x3f) != 0 || /* no CSRC, no ext */
			    get32(p) != TAG_MAGIC ||
			    (idx = get32(p + 4)) >= talk.n) {
				talk.bad++;
				continue;
			}
			s = &talk.v[idx];
			sent_ns = (int64_t)((uint64_t)get32(p + 12) << 32 |
					    get32(p + 16));
			s->received++;
			talk.received++;
			if (s->sent == s->total &&
			    now > s->last_ns + 1000000000ll)
				talk.late++;
			rtt_note(sent_ns, now);
		}
	} while (n == BATCH);
}

static int arg_long(const char *s, long lo, long hi, long *out)
{
	char *e;

	*out = strtol(s, &e, 10);
	return *s && !*e && *out >= lo && *out <= hi ? 0 : EINVAL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_signal };
	socklen_t alen = sizeof(addr);
	long talk_s, start_ms = 100, life_s = 900;
	int size = SOCKBUF, fd, pfd;
	int64_t end, next;
	off_t off = 0;

	if (argc < 3 || argc > 5 ||
	    arg_long(argv[2], 1, 3600, &talk_s) ||
	    (argc > 3 && arg_long(argv[3], 0, 60000, &start_ms)) ||
	    (argc > 4 && arg_long(argv[4], 1, 86400, &life_s))) {
		fprintf(stderr, "usage: rtp_talk PORTS_FILE TALK_S "
			"[START_MS] [LIFETIME_S]\n");
		return 2;
	}
	pfd = open(argv[1], O_RDONLY | O_CREAT, 0644);
	if (pfd < 0) {
		perror("rtp_talk: ports file");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("rtp_talk: socket");
		return 1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
		perror("rtp_talk: bind");
		return 1;
	}
	printf("port=%u\n", ntohs(addr.sin_port));
	fflush(stdout);

	end = now_ns() + life_s * 1000000000ll;
	next = now_ns();
	while (!stop) {
		int64_t now = now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t wait_ms;

		if (now >= end)
			break;
		off = ports_follow(pfd, off, now + start_ms * 1000000ll,
				   (uint32_t)(talk_s * 50));
		next = send_due(fd, now);
		receive_all(fd);
		/* wake for the next packet due, the ports file at least
		 * every millisecond */
		wait_ms = (next - now_ns()) / 1000000;
		(void)poll(&p, 1, wait_ms < 0 ? 0 : wait_ms > 1 ? 1 : (int)wait_ms);
	}
	printf("streams=%zu sent=%llu send_errors=%llu received=%llu "
	       "late=%llu bad=%llu rtt_p50_us=%llu rtt_p99_us=%llu "
	       "rtt_max_us=%llu cpu_s=%.3f\n", talk.n,
	       (unsigned long long)talk.sent,
	       (unsigned long long)talk.send_errors,
	       (unsigned long long)talk.received,
	       (unsigned long long)talk.late, (unsigned long long)talk.bad,
	       (unsigned long long)rtt_quantile(0.5),
	       (unsigned long long)rtt_quantile(0.99),
	       (unsigned long long)talk.rtt_max_us, cpu_seconds());
	free(talk.v);
	free(talk.active);
	close(fd);
	close(pfd);
	return 0;
}
