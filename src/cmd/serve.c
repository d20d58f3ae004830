/* serve.c — `plateau serve`: the live server on one libre event loop. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <re.h>
#include "cmd/cmd.h"
#include "config/center.h"
#include "media/media.h"
#include "sip/sipd.h"
#include "store/store.h"
#include "api/api.h"
#include "api/desk.h"

#define SERVE_MAX_FDS 65536     /* descriptors polled at most            */

static const char serve_usage[] =
"usage: plateau serve --data DIR [--config FILE] [options]\n"
"\n"
"Runs the contact center: SIP registrar and calls (B2BUA), the routing\n"
"engine, media (hold music, announcements, relay, recording) and the\n"
"store (SQLite under DIR). Logs one line per event on stderr, as\n"
"key=value fields. SIGTERM (or Ctrl-C) drains: new calls get 503, calls\n"
"in progress finish (at most --drain-s seconds), then it exits.\n"
"\n"
"options:\n"
"  --data DIR          data directory: DIR/plateau.db, DIR/recordings/\n"
"                      (created if missing)                 [required]\n"
"  --config FILE       center configuration (JSON, docs/config.md),\n"
"                      saved in the store at start; without it, the\n"
"                      store's (kept up to date by live changes)\n"
"  --sip ADDR:PORT     SIP address, UDP and TCP        [127.0.0.1:5060]\n"
"                      (port 0: any free port, see the listening line)\n"
"  --no-tcp            UDP only\n"
"  --rtp-ports MIN-MAX RTP port range                   [20000-29999]\n"
"  --no-relay-thread   relay bridged calls' RTP on the main loop, not\n"
"                      on a thread of its own (docs/media.md)\n"
"  --prompts DIR       prompts and hold music         [build/prompts]\n"
"  --login AGENT@POS   log an agent in at a position at start\n"
"                      (repeatable; dial codes do it from the phone)\n"
"  --drain-s N         longest drain on SIGTERM, seconds        [60]\n"
"  --rate-pps N        SIP packets per second per source address [500]\n"
"  --http ADDR:PORT    HTTP API, event stream and /metrics on the same\n"
"                      loop (docs/api.md); logins are the center's\n"
"                      `users` (port 0: any free port, see the\n"
"                      http-listening line)\n"
"  -h, --help          this text\n";

/* Parsed options. */
struct serve_opts {
	const char *data;          /* --data                                */
	const char *config;        /* --config                              */
	struct sa sip;             /* --sip                                 */
	bool tcp;                  /* not --no-tcp                          */
	bool relay_thread;         /* not --no-relay-thread                 */
	uint16_t rtp_min, rtp_max; /* --rtp-ports                           */
	const char *prompts;       /* --prompts                             */
	char logins[65536];        /* --login items, space-separated (room
				      for a few thousand)                   */
	uint32_t drain_s;          /* --drain-s                             */
	uint32_t rate_pps;         /* --rate-pps                            */
	struct sa http;            /* --http                                */
	bool has_http;             /* --http was given                      */
};

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "plateau serve: %s '%s'\n", what, val ? val : "");
	return 2;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	char *end;
	unsigned long x;

	if (!s || !*s)
		return EINVAL;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || *end || s[0] == '-' || x < lo || x > hi)
		return EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static int parse_opts(int argc, char **argv, struct serve_opts *o)
{
	static const struct option lo[] = {
		{"data", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'},
		{"sip", required_argument, NULL, 's'},
		{"no-tcp", no_argument, NULL, 'T'},
		{"no-relay-thread", no_argument, NULL, 'N'},
		{"rtp-ports", required_argument, NULL, 'r'},
		{"prompts", required_argument, NULL, 'p'},
		{"login", required_argument, NULL, 'l'},
		{"drain-s", required_argument, NULL, 'D'},
		{"rate-pps", required_argument, NULL, 'R'},
		{"http", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->tcp = true;
	o->relay_thread = true;
	o->rtp_min = 20000;
	o->rtp_max = 29999;
	o->drain_s = 60;
	o->prompts = "build/prompts";
	sa_set_str(&o->sip, "127.0.0.1", 5060);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		uint32_t a, b;
		char *dash;

		switch (ch) {
		case 'd': o->data = optarg; break;
		case 'c': o->config = optarg; break;
		case 'T': o->tcp = false; break;
		case 'N': o->relay_thread = false; break;
		case 'p': o->prompts = optarg; break;
		case 'H':
			if (sa_decode(&o->http, optarg, strlen(optarg)))
				return bad("--http: expected ADDR:PORT, got",
					   optarg);
			o->has_http = true;
			break;
		case 's':
			if (sa_decode(&o->sip, optarg, strlen(optarg)))
				return bad("--sip: expected ADDR:PORT, got",
					   optarg);
			break;
		case 'r': {
			char buf[32];

			if (strlen(optarg) >= sizeof(buf))
				return bad("--rtp-ports: expected MIN-MAX, got",
					   optarg);
			strcpy(buf, optarg);
			dash = strchr(buf, '-');
			if (!dash)
				return bad("--rtp-ports: expected MIN-MAX, got",
					   optarg);
			*dash = '\0';
			if (parse_u32(buf, 1024, 65534, &a) ||
			    parse_u32(dash + 1, 1025, 65535, &b) || b < a + 3)
				return bad("--rtp-ports: expected MIN-MAX "
					   "within 1024-65535, at least 4 "
					   "ports, got", optarg);
			o->rtp_min = (uint16_t)a;
			o->rtp_max = (uint16_t)b;
			break;
		}
		case 'l': {
			size_t n = strlen(o->logins);

			if (!strchr(optarg, '@') || strchr(optarg, ' '))
				return bad("--login: expected AGENT@POSITION, "
					   "got", optarg);
			if (n + strlen(optarg) + 2 > sizeof(o->logins))
				return bad("--login: too many logins at",
					   optarg);
			snprintf(o->logins + n, sizeof(o->logins) - n, "%s%s",
				 n ? " " : "", optarg);
			break;
		}
		case 'D':
			if (parse_u32(optarg, 1, 3600, &o->drain_s))
				return bad("--drain-s: expected 1..3600, got",
					   optarg);
			break;
		case 'R':
			if (parse_u32(optarg, 1, 1000000, &o->rate_pps))
				return bad("--rate-pps: expected 1..1000000, "
					   "got", optarg);
			break;
		case 'h':
			printf("%s", serve_usage);
			return 1;
		default:
			return bad("unknown option",
				   argv[optind - 1 < argc ? optind - 1 : 0]);
		}
	}
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (!o->data)
		return bad("--data is required", "");
	return 0;
}

/* ---------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------- */

static struct sipd *the_sipd;    /* for the signal handler              */

/* The centers: the current one and those replaced by live changes,
 * kept while calls that began under them may still read them. */
struct retired {
	struct le le;              /* in centers.old                        */
	struct center *c;          /* a replaced center (owned)             */
};

static struct {
	struct center *cur;        /* the center in force (owned)           */
	struct list old;           /* struct retired, oldest first          */
	struct sipd *sipd;         /* told of each new center               */
} centers;

static void retired_destructor(void *arg)
{
	struct retired *r = arg;

	list_unlink(&r->le);
	mem_deref(r->c);
}

/* A live change made c the center (the api hands its reference over).
 * Earlier replaced centers are freed once no call is active; the one
 * just replaced waits for the next change. */
static void center_set(void *arg, struct center *c)
{
	struct retired *r = mem_zalloc(sizeof(*r), retired_destructor);
	struct sipd_stats ss;

	(void)arg;
	sipd_stats_get(centers.sipd, &ss);
	if (ss.calls_active == 0)
		list_flush(&centers.old);
	if (r) {
		r->c = centers.cur;
		list_append(&centers.old, &r->le, r);
	}
	/* without memory to note it, the old center is kept for good */
	centers.cur = c;
	sipd_center_set(centers.sipd, c);
	sipd_log("event=config-changed retired=%u",
		 list_count(&centers.old));
}
static int signals_seen;         /* SIGTERM/SIGINT received             */

static void drained(void *arg)
{
	(void)arg;
	sipd_log("event=drained");
	re_cancel();
}

static void signal_handler(int sig)
{
	signals_seen++;
	sipd_log("event=signal sig=%d", sig);
	if (signals_seen > 1 || !the_sipd) {
		re_cancel();
		return;
	}
	sipd_drain(the_sipd, drained, NULL);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	rlim_t want = SERVE_MAX_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		want = rl.rlim_max;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	(void)fd_setsize((int)want);
}

/* Where engine events go besides the SIP server: the HTTP api, once it
 * exists, with the SIP server that knows who calls. */
struct api_link {
	struct api *api;           /* the HTTP api, or NULL                 */
	struct sipd *sipd;         /* the SIP server, or NULL               */
};

/* Engine events to the HTTP api (arg: struct api_link) with the call's
 * CDR id. From the offer on, the agent desktop's screen pop also learns
 * the caller's number. */
static void api_forward(const struct acd_event *ev, void *arg)
{
	struct api_link *l = arg;
	struct api_call_ref ref = {NULL, NULL, NULL};
	const char *caller = NULL, *did = NULL;

	if (!l->api)
		return;
	if (ev->type == ACD_EV_OFFER && l->sipd &&
	    !sipd_call_parties(l->sipd, ev->call, &caller, &did))
		(void)api_call_caller_set(l->api, ev->call, caller, did);
	/* the CDR's call id, so stream events and webhooks join the CDRs */
	if (ev->call && l->sipd)
		(void)sipd_call_ref(l->sipd, ev->call, &ref.call_id,
				    &ref.caller, &ref.did);
	api_acd_event_call(ev, &ref, l->api);
}

static void api_rearm(void *arg)
{
	sipd_acd_rearm(arg);
}

/* The SIP side's counters for /metrics (arg: the sipd). */
static void sip_metrics(struct mbuf *mb, void *arg)
{
	struct sipd_stats st;

	sipd_stats_get(arg, &st);
	(void)mbuf_printf(mb,
		"# HELP plateau_sip_requests_total SIP requests by outcome.\n"
		"# TYPE plateau_sip_requests_total counter\n"
		"plateau_sip_requests_total{what=\"register_ok\"} %llu\n"
		"plateau_sip_requests_total{what=\"auth_failure\"} %llu\n"
		"plateau_sip_requests_total{what=\"invite_call\"} %llu\n"
		"plateau_sip_requests_total{what=\"guard_refused\"} %llu\n"
		"# HELP plateau_sip_calls_done_total Calls ended.\n"
		"# TYPE plateau_sip_calls_done_total counter\n"
		"plateau_sip_calls_done_total %llu\n"
		"# HELP plateau_sip_calls_active Calls alive.\n"
		"# TYPE plateau_sip_calls_active gauge\n"
		"plateau_sip_calls_active %u\n"
		"# HELP plateau_sip_registered Phones registered.\n"
		"# TYPE plateau_sip_registered gauge\n"
		"plateau_sip_registered %u\n"
		"# HELP plateau_rtp_stray_packets_total RTP packets from "
		"a source other than the call's far end, dropped (counted "
		"when each call ends).\n"
		"# TYPE plateau_rtp_stray_packets_total counter\n"
		"plateau_rtp_stray_packets_total %llu\n",
		(unsigned long long)st.registers,
		(unsigned long long)st.auth_failures,
		(unsigned long long)st.invites,
		(unsigned long long)st.rx_refused,
		(unsigned long long)st.calls_done, st.calls_active,
		st.registered, (unsigned long long)st.rtp_stray);
}

/* Starts the HTTP api on --http with the center's users. Prints the
 * reason and returns non-zero on failure. */
static int http_start(struct api **apip, const struct serve_opts *o,
		      struct sipd *s, const struct center *ctr,
		      struct store *st)
{
	struct api_deps deps;
	struct sa laddr;
	int err;

	memset(&deps, 0, sizeof(deps));
	deps.acd = sipd_acd(s);
	deps.center = ctr;
	deps.store = st;
	deps.arg = s;
	deps.after_input = api_rearm;
	deps.center_set = center_set;
	deps.metrics_h = sip_metrics;
	/* "today" in the center's time zone: the process runs in it */
	if (ctr->timezone && !setenv("TZ", ctr->timezone, 1)) {
		tzset();
		deps.local_time = true;
	}
	err = api_alloc(apip, &o->http, &deps);
	if (err) {
		re_fprintf(stderr, "plateau serve: --http %J: %s\n", &o->http,
			   strerror(err));
		return err;
	}
	for (size_t i = 0; i < ctr->n_users; i++) {
		const struct center_user *u = &ctr->users[i];

		err = api_user_add_hash(*apip, u->name, u->password_hash,
					(enum api_role)u->role, u->tenant,
					u->agent);
		if (err) {
			fprintf(stderr, "plateau serve: users[%zu] '%s': %s\n",
				i, u->name, strerror(err));
			*apip = api_free(*apip);
			return err;
		}
	}
	(void)api_laddr(*apip, &laddr);
	sipd_log("event=http-listening http=%J users=%zu", &laddr,
		 ctr->n_users);
	if (!ctr->n_users)
		sipd_log("event=http-warning why=no-users "
			 "hint=\"add users to the center (docs/config.md)\"");
	return 0;
}

static int serve_run(int argc, char **argv)
{
	struct serve_opts o;
	struct center *ctr = NULL;
	struct store *st = NULL;
	struct media *m = NULL;
	struct sipd *s = NULL;
	struct sipd_conf sc;
	struct api *api = NULL;
	struct api_link link = {NULL, NULL};
	struct media_opts mo;
	struct sa maddr, laddr;
	char err_txt[512];
	int rc, err;

	rc = parse_opts(argc, argv, &o);
	if (rc == 1)
		return 0;   /* --help */
	if (rc)
		return rc;

	if (o.config) {
		err = center_load(o.config, &ctr, err_txt, sizeof(err_txt));
		if (err) {
			fprintf(stderr, "plateau serve: %s\n", err_txt);
			return 1;
		}
	}
	if (mkdir(o.data, 0750) && errno != EEXIST) {
		fprintf(stderr, "plateau serve: cannot create %s: %s\n",
			o.data, strerror(errno));
		mem_deref(ctr);
		return 1;
	}

	err = libre_init();
	if (err) {
		fprintf(stderr, "plateau serve: libre_init: %s\n",
			strerror(err));
		mem_deref(ctr);
		return 1;
	}
	raise_fd_limit();
	rc = 1;

	{
		struct store_opts so;

		memset(&so, 0, sizeof(so));
		so.must_exist = !o.config;
		err = store_open_opts(&st, o.data, &so, err_txt,
				      sizeof(err_txt));
	}
	if (err) {
		fprintf(stderr, "plateau serve: store: %s%s\n", err_txt,
			err == ENOENT ? " (give --config FILE)" : "");
		goto out;
	}
	/* The store keeps the configuration in force: the file's at start,
	 * then every live change (docs/serve.md). */
	if (ctr)
		err = store_center_save(st, ctr);
	else
		err = store_center_load(st, &ctr);
	if (err) {
		fprintf(stderr, "plateau serve: %s%s\n", store_errmsg(st),
			err == ENOENT ? "; give --config FILE" : "");
		goto out;
	}
	centers.cur = ctr;
	list_init(&centers.old);
	maddr = o.sip;
	if (sa_is_any(&maddr))
		sa_set_str(&maddr, "127.0.0.1", 0);
	memset(&mo, 0, sizeof(mo));
	mo.prompt_dir = o.prompts;
	mo.relay_thread = o.relay_thread;
	err = media_alloc(&m, &maddr, o.rtp_min, o.rtp_max, &mo);
	if (err) {
		fprintf(stderr, "plateau serve: media: %s\n", strerror(err));
		goto out;
	}

	memset(&sc, 0, sizeof(sc));
	sc.laddr = o.sip;
	sc.tcp = o.tcp;
	sc.center = ctr;
	sc.media = m;
	sc.store = st;
	sc.data_dir = o.data;
	sc.prompt_dir = o.prompts;
	sc.logins = o.logins[0] ? o.logins : NULL;
	sc.drain_ms = o.drain_s * 1000;
	sc.rate_pps = o.rate_pps;
	sc.event_h = api_forward;
	sc.event_arg = &link;
	err = sipd_alloc(&s, &sc, err_txt, sizeof(err_txt));
	if (err) {
		fprintf(stderr, "plateau serve: %s\n", err_txt);
		goto out;
	}
	centers.sipd = s;
	if (o.has_http && http_start(&api, &o, s, ctr, st))
		goto out;
	link.api = api;
	link.sipd = s;
	(void)sipd_laddr(s, &laddr);
	sipd_log("event=listening sip=%J tcp=%s rtp=%u-%u data=%s db=%s "
		 "center=\"%s\"", &laddr, o.tcp ? "yes" : "no", o.rtp_min,
		 o.rtp_max, o.data, store_path(st),
		 ctr->name ? ctr->name : "");
	sipd_log("event=config source=%s", o.config ? o.config : "store");

	the_sipd = s;
	err = re_main(signal_handler);
	the_sipd = NULL;
	rc = err ? 1 : 0;
	sipd_log("event=stopping");
out:
	link.api = NULL;
	api = api_free(api);
	s = mem_deref(s);
	m = mem_deref(m);
	st = store_close(st);
	list_flush(&centers.old);
	if (centers.cur)
		ctr = centers.cur;
	centers.cur = NULL;
	centers.sipd = NULL;
	ctr = mem_deref(ctr);
	if (!rc)
		sipd_log("event=stopped");
	libre_close();
	return rc;
}

const struct command cmd_serve = {
	"serve", "run the contact center: SIP, routing, media, store",
	serve_run
};
