/* acd_driver.c — generated centers and the byte encoding of engine inputs.
 *
 * A run is a byte string: 8 bytes seed the center, the rest are read as
 * inputs (operation, time step, targets). The same bytes give the same
 * inputs, so the property tests (bytes from a PRNG), the fuzzer (bytes
 * from libFuzzer) and the shrinker all speak one encoding.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "acd_driver.h"

/* =====================================================================
 * PRNG and skill names
 * =================================================================== */

uint64_t drv_rand(uint64_t *state)
{
	uint64_t z;

	*state += 0x9e3779b97f4a7c15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform-enough integer in [0, n); 0 when n is 0. */
static unsigned rnd(uint64_t *st, unsigned n)
{
	return n ? (unsigned)(drv_rand(st) % n) : 0;
}

void drv_bytes(uint64_t seed, uint8_t *buf, size_t len)
{
	uint64_t st = seed;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = drv_rand(&st);

		for (size_t j = 0; j < 8 && i + j < len; j++)
			buf[i + j] = (uint8_t)(v >> (8 * j));
	}
}

static const char *const skill_names[W_NSKILL] = {
	"lang:fr", "lang:ar", "lang:en", "lang:de", "lang:es",
	"product:fibre", "product:mobile", "product:adsl", "product:tv",
	"product:box", "product:energie", "product:credit",
	"product:assurance", "product:compte", "product:carte",
};

const char *w_skill_name(unsigned skill)
{
	return skill < W_NSKILL ? skill_names[skill] : "?";
}

void w_expr_str(const struct w_expr *e, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < e->n && off < size; i++) {
		int n = snprintf(buf + off, size - off, "%s%s>=%u",
				 i ? " & " : "", w_skill_name(e->skill[i]),
				 e->level[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

bool w_expr_ok(const struct w_expr *e, const struct w_agent *ag)
{
	for (unsigned i = 0; i < e->n; i++) {
		if (ag->level[e->skill[i]] < e->level[i])
			return false;
	}
	return true;
}

/* =====================================================================
 * Centers
 * =================================================================== */

void world_free(struct world *w)
{
	if (!w)
		return;
	free(w->pos);
	free(w->queue);
	free(w->agent);
	free(w->member);
	free(w->weight);
	memset(w, 0, sizeof(*w));
}

/* 0..2 terms on distinct skills: one language, maybe one product. */
static void gen_expr(uint64_t *st, const struct w_sizes *sz,
		     struct w_expr *e, unsigned max_terms)
{
	memset(e, 0, sizeof(*e));
	if (max_terms >= 1 && rnd(st, 3)) {
		e->skill[e->n] = (uint8_t)rnd(st, sz->langs);
		e->level[e->n] = (uint8_t)(1 + rnd(st, 4));
		e->n++;
	}
	if (max_terms >= 2 && rnd(st, 2)) {
		e->skill[e->n] = (uint8_t)(W_NLANG + rnd(st, sz->prods));
		e->level[e->n] = (uint8_t)(1 + rnd(st, 3));
		e->n++;
	}
}

/* A relaxation of e: a term dropped or a level lowered. */
static void relax_expr(uint64_t *st, const struct w_expr *e,
		       struct w_expr *r)
{
	*r = *e;
	if (r->n == 0)
		return;
	unsigned i = rnd(st, r->n);
	if (r->level[i] > 1 && rnd(st, 2)) {
		r->level[i] = (uint8_t)(1 + rnd(st, r->level[i] - 1));
		return;
	}
	r->skill[i] = r->skill[r->n - 1];
	r->level[i] = r->level[r->n - 1];
	r->n--;
}

static void gen_sites(struct world *w, uint64_t *st, struct w_queue *q);
static void gen_widen(struct world *w, uint64_t *st, unsigned qi,
		      unsigned below);

static void gen_queue(struct world *w, uint64_t *st, const struct w_sizes *sz,
		      unsigned qi)
{
	struct w_queue *q = &w->queue[qi];
	struct acd_queue_conf *cf = &q->conf;

	snprintf(q->id, sizeof(q->id), "q%u", qi);
	q->tenant = rnd(st, w->n_tenants);
	acd_queue_conf_init(cf);
	cf->id = q->id;
	cf->tenant = w->tenant_id[q->tenant];
	if (!sz->varied) {
		gen_expr(st, sz, &q->skills, 2);
		w_expr_str(&q->skills, q->skills_str, sizeof(q->skills_str));
		cf->skills = q->skills_str;
		cf->announce_ms = 0;
		return;
	}
	/* every strategy shows up across queues of consecutive seeds */
	cf->strategy = (enum acd_strategy)((qi + rnd(st, ACD_STRATEGY_COUNT))
					   % ACD_STRATEGY_COUNT);
	gen_expr(st, sz, &q->skills, 2);
	w_expr_str(&q->skills, q->skills_str, sizeof(q->skills_str));
	cf->skills = q->skills_str;
	gen_sites(w, st, q);
	cf->priority = rnd(st, 4) ? 0 : (int)rnd(st, 3);
	cf->ring_timeout_ms = 2000 + 1000 * (acd_ms_t)rnd(st, 14);
	cf->wrapup_ms = rnd(st, 4) ? 1000 * (acd_ms_t)rnd(st, 11) : 0;
	cf->max_wait_ms = rnd(st, 2) ? 20000 + 5000 * (acd_ms_t)rnd(st, 20)
				     : 0;
	cf->max_len = rnd(st, 3) ? 0 : 1 + rnd(st, 5);
	cf->join_empty = rnd(st, 2) ? ACD_EMPTY_ALLOW
				    : (enum acd_empty_rule)rnd(st, 3);
	cf->leave_empty = rnd(st, 2) ? ACD_EMPTY_ALLOW
				     : (enum acd_empty_rule)rnd(st, 3);
	cf->max_no_answer = rnd(st, 4);
	cf->announce_ms = rnd(st, 2) ? 0 : 10000 + 5000 * (acd_ms_t)rnd(st, 5);
	gen_widen(w, st, qi, qi);
}

/* The sites of queue q (a mask and the string the engine reads). */
static void gen_sites(struct world *w, uint64_t *st, struct w_queue *q)
{
	q->sites = 0;
	q->sites_str[0] = '\0';
	q->conf.sites = NULL;
	if (w->n_sites > 1 && rnd(st, 2)) {
		size_t off = 0;

		while (!q->sites)
			q->sites = (uint32_t)rnd(st, 1u << w->n_sites);
		for (unsigned s = 0; s < w->n_sites; s++) {
			if (!(q->sites & (1u << s)))
				continue;
			off += (size_t)snprintf(q->sites_str + off,
						sizeof(q->sites_str) - off,
						"%s%s", off ? " " : "",
						w->site_id[s]);
		}
		q->conf.sites = q->sites_str;
	}
}

/* The widening of queue qi: relaxations only, so that the
 * interpretations of "replace" and "add" coincide; steps at least 1 s
 * after entry; an added queue is of the same tenant and below `below`. */
static void gen_widen(struct world *w, uint64_t *st, unsigned qi,
		      unsigned below)
{
	struct w_queue *q = &w->queue[qi];
	struct acd_queue_conf *cf = &q->conf;
	unsigned n = rnd(st, 4);
	acd_ms_t after = 0;
	struct w_expr cur = q->skills;

	for (unsigned i = 0; i < n; i++) {
		struct w_widen *wd = &q->widen[q->n_widen];

		after += 1000 + 1000 * (acd_ms_t)rnd(st, 30);
		wd->after_ms = after;
		wd->add_queue = -1;
		wd->add_site = -1;
		if (cur.n && rnd(st, 2)) {
			relax_expr(st, &cur, &wd->skills);
			cur = wd->skills;
			wd->has_skills = true;
			q->skill_widen = true;
			w_expr_str(&wd->skills, wd->skills_str,
				   sizeof(wd->skills_str));
		}
		if (rnd(st, 3) == 0) {
			unsigned o = rnd(st, w->n_queues);

			/* a queue of the same tenant, declared before */
			if (o < below && o != qi &&
			    w->queue[o].tenant == q->tenant)
				wd->add_queue = (int)o;
		}
		if (q->sites && rnd(st, 3) == 0)
			wd->add_site = (int)rnd(st, w->n_sites);
		if (!wd->has_skills && wd->add_queue < 0 && wd->add_site < 0)
			continue;
		cf->widen[q->n_widen].after_ms = wd->after_ms;
		cf->widen[q->n_widen].skills =
			wd->has_skills ? wd->skills_str : NULL;
		cf->widen[q->n_widen].add_queue =
			wd->add_queue >= 0 ? w->queue[wd->add_queue].id : NULL;
		cf->widen[q->n_widen].add_site =
			wd->add_site >= 0 ? w->site_id[wd->add_site] : NULL;
		q->n_widen++;
	}
	cf->n_widen = q->n_widen;
}

void world_reroute(struct world *w, unsigned qi, uint64_t seed)
{
	struct w_queue *q = &w->queue[qi];
	struct acd_queue_conf *cf = &q->conf;
	struct w_sizes sz;
	uint64_t st = seed;

	memset(&sz, 0, sizeof(sz));
	sz.langs = w->langs;
	sz.prods = w->prods;
	cf->strategy = (enum acd_strategy)rnd(&st, ACD_STRATEGY_COUNT);
	gen_expr(&st, &sz, &q->skills, 2);
	w_expr_str(&q->skills, q->skills_str, sizeof(q->skills_str));
	cf->skills = q->skills_str;
	gen_sites(w, &st, q);
	memset(q->widen, 0, sizeof(q->widen));
	memset(cf->widen, 0, sizeof(cf->widen));
	q->n_widen = 0;
	cf->n_widen = 0;
	q->skill_widen = false;
	gen_widen(w, &st, qi, w->n_queues);
}

static void gen_agent(struct world *w, uint64_t *st, const struct w_sizes *sz,
		      unsigned ai)
{
	struct w_agent *ag = &w->agent[ai];
	size_t off = 0;

	snprintf(ag->id, sizeof(ag->id), "a%u", ai);
	ag->tenant = (w->n_tenants > 1 && rnd(st, 3) == 0)
			     ? -1 : (int)rnd(st, w->n_tenants);
	if (!sz->varied && rnd(st, 4))
		ag->tenant = -1;
	for (unsigned k = 0; k < W_NSKILL; k++) {
		bool used = k < W_NLANG ? k < sz->langs
					: k - W_NLANG < sz->prods;

		if (!used || rnd(st, 2))
			continue;
		ag->level[k] = (uint8_t)(1 + rnd(st, ACD_LEVEL_MAX));
		off += (size_t)snprintf(ag->skills_str + off,
					sizeof(ag->skills_str) - off,
					"%s%s=%u", off ? " " : "",
					w_skill_name(k), ag->level[k]);
	}
}

int world_gen(struct world *w, uint64_t seed, const struct w_sizes *sz)
{
	uint64_t st = seed;
	size_t nm;

	memset(w, 0, sizeof(*w));
	w->langs = sz->langs;
	w->prods = sz->prods;
	if (!sz->tenants || !sz->sites || sz->sites > 32 || sz->tenants > 32
	    || !sz->queues || !sz->agents || !sz->positions || !sz->langs
	    || sz->langs > W_NLANG || !sz->prods || sz->prods > W_NPROD)
		return EINVAL;
	w->n_tenants = sz->tenants;
	w->n_sites = sz->sites;
	w->n_pos = sz->positions;
	w->n_queues = sz->queues;
	w->n_agents = sz->agents;
	nm = (size_t)w->n_queues * w->n_agents;
	w->pos = calloc(w->n_pos, sizeof(*w->pos));
	w->queue = calloc(w->n_queues, sizeof(*w->queue));
	w->agent = calloc(w->n_agents, sizeof(*w->agent));
	w->member = calloc(nm, 1);
	w->weight = calloc(nm, sizeof(*w->weight));
	if (!w->pos || !w->queue || !w->agent || !w->member || !w->weight) {
		world_free(w);
		return ENOMEM;
	}
	for (unsigned t = 0; t < w->n_tenants; t++)
		snprintf(w->tenant_id[t], W_ID, "t%u", t);
	for (unsigned s = 0; s < w->n_sites; s++)
		snprintf(w->site_id[s], W_ID, "s%u", s);
	for (unsigned p = 0; p < w->n_pos; p++) {
		snprintf(w->pos[p].id, W_ID, "p%u", p);
		w->pos[p].site = rnd(&st, w->n_sites);
	}
	for (unsigned q = 0; q < w->n_queues; q++)
		gen_queue(w, &st, sz, q);
	for (unsigned a = 0; a < w->n_agents; a++)
		gen_agent(w, &st, sz, a);
	for (unsigned q = 0; q < w->n_queues; q++) {
		for (unsigned a = 0; a < w->n_agents; a++) {
			size_t i = (size_t)q * w->n_agents + a;
			int at = w->agent[a].tenant;

			if (at >= 0 && (unsigned)at != w->queue[q].tenant
			    && rnd(&st, 8))
				continue;
			if (rnd(&st, 100) >= sz->member_pct)
				continue;
			w->member[i] = 1;
			w->weight[i] = (uint16_t)(rnd(&st, 4)
							  ? 1 + rnd(&st, 10)
							  : 1000);
		}
	}
	return 0;
}

int world_load(const struct world *w, struct acd *acd)
{
	int err;

	for (unsigned t = 0; t < w->n_tenants; t++) {
		err = acd_tenant_add(acd, w->tenant_id[t]);
		if (err)
			return err;
	}
	for (unsigned s = 0; s < w->n_sites; s++) {
		err = acd_site_add(acd, w->site_id[s]);
		if (err)
			return err;
	}
	for (unsigned p = 0; p < w->n_pos; p++) {
		err = acd_position_add(acd, w->pos[p].id,
				       w->site_id[w->pos[p].site]);
		if (err)
			return err;
	}
	for (unsigned q = 0; q < w->n_queues; q++) {
		err = acd_queue_add(acd, &w->queue[q].conf);
		if (err)
			return err;
	}
	for (unsigned a = 0; a < w->n_agents; a++) {
		struct acd_agent_conf ac = {
			.id = w->agent[a].id,
			.tenant = w->agent[a].tenant >= 0
					  ? w->tenant_id[w->agent[a].tenant]
					  : NULL,
			.skills = w->agent[a].skills_str,
		};
		err = acd_agent_add(acd, &ac);
		if (err)
			return err;
	}
	for (unsigned q = 0; q < w->n_queues; q++) {
		for (unsigned a = 0; a < w->n_agents; a++) {
			size_t i = (size_t)q * w->n_agents + a;

			if (!w->member[i])
				continue;
			err = acd_member_add(acd, w->queue[q].id,
					     w->agent[a].id, w->weight[i]);
			if (err)
				return err;
		}
	}
	return 0;
}

void world_print(FILE *f, const struct world *w)
{
	fprintf(f, "center: %u tenants, %u sites\n", w->n_tenants,
		w->n_sites);
	for (unsigned p = 0; p < w->n_pos; p++)
		fprintf(f, "  position %s site %s\n", w->pos[p].id,
			w->site_id[w->pos[p].site]);
	for (unsigned q = 0; q < w->n_queues; q++) {
		const struct acd_queue_conf *cf = &w->queue[q].conf;

		fprintf(f, "  queue %s tenant %s %s skills \"%s\" sites "
			"\"%s\" prio %d ring %lld wrapup %lld max_wait %lld "
			"max_len %u join %d leave %d max_no_answer %u "
			"announce %lld\n",
			cf->id, cf->tenant, acd_strategy_name(cf->strategy),
			cf->skills ? cf->skills : "",
			cf->sites ? cf->sites : "", cf->priority,
			(long long)cf->ring_timeout_ms,
			(long long)cf->wrapup_ms, (long long)cf->max_wait_ms,
			cf->max_len, (int)cf->join_empty,
			(int)cf->leave_empty, cf->max_no_answer,
			(long long)cf->announce_ms);
		for (size_t i = 0; i < cf->n_widen; i++)
			fprintf(f, "    widen after %lld skills \"%s\" "
				"add_queue %s add_site %s\n",
				(long long)cf->widen[i].after_ms,
				cf->widen[i].skills ? cf->widen[i].skills
						    : "(keep)",
				cf->widen[i].add_queue
					? cf->widen[i].add_queue : "-",
				cf->widen[i].add_site
					? cf->widen[i].add_site : "-");
	}
	for (unsigned a = 0; a < w->n_agents; a++) {
		fprintf(f, "  agent %s tenant %s skills \"%s\" member of",
			w->agent[a].id,
			w->agent[a].tenant >= 0
				? w->tenant_id[w->agent[a].tenant] : "(any)",
			w->agent[a].skills_str);
		for (unsigned q = 0; q < w->n_queues; q++) {
			size_t i = (size_t)q * w->n_agents + a;

			if (w->member[i])
				fprintf(f, " %s(w%u)", w->queue[q].id,
					w->weight[i]);
		}
		fprintf(f, "\n");
	}
}

/* =====================================================================
 * Inputs
 * =================================================================== */

static const char *agent_id(const struct world *w, int a)
{
	return a >= 0 && (unsigned)a < w->n_agents ? w->agent[a].id
						   : "nobody";
}

static const char *queue_id(const struct world *w, int q)
{
	return q >= 0 && (unsigned)q < w->n_queues ? w->queue[q].id
						   : "noqueue";
}

static const char *pos_id(const struct world *w, int p)
{
	return p >= 0 && (unsigned)p < w->n_pos ? w->pos[p].id : "noseat";
}

int drv_apply(struct acd *acd, const struct world *w,
	      const struct drv_input *in, uint64_t *callp)
{
	char extra[W_EXPR_STR];
	struct acd_call_params cp = {0};

	switch (in->op) {
	case OP_LOGIN:
		return acd_agent_login(acd, in->now, agent_id(w, in->agent),
				       pos_id(w, in->pos));
	case OP_LOGOUT:
		return acd_agent_logout(acd, in->now, agent_id(w, in->agent));
	case OP_PAUSE:
		return acd_agent_pause(acd, in->now, agent_id(w, in->agent),
				       in->reason);
	case OP_READY:
		return acd_agent_ready(acd, in->now, agent_id(w, in->agent));
	case OP_ARRIVE:
		w_expr_str(&in->extra, extra, sizeof(extra));
		cp.priority = in->prio;
		cp.skills = in->bad_extra ? in->bad_extra : extra;
		return acd_call_arrive(acd, in->now, queue_id(w, in->queue),
				       &cp, callp);
	case OP_ACCEPT:
		return acd_offer_accept(acd, in->now, in->call,
					agent_id(w, in->agent));
	case OP_DECLINE:
		return acd_offer_decline(acd, in->now, in->call,
					 agent_id(w, in->agent));
	case OP_NO_ANSWER:
		return acd_offer_no_answer(acd, in->now, in->call,
					   agent_id(w, in->agent));
	case OP_FAIL:
		return acd_offer_fail(acd, in->now, in->call,
				      agent_id(w, in->agent));
	case OP_HANGUP:
		return acd_call_hangup(acd, in->now, in->call, in->by);
	case OP_EXIT_KEY:
		return acd_call_exit_key(acd, in->now, in->call, in->key);
	case OP_TRANSFER:
		return acd_call_transfer(acd, in->now, in->call,
					 queue_id(w, in->queue));
	case OP_TICK:
		return acd_tick(acd, in->now);
	case OP_MEMBER_ADD:
		return acd_member_add(acd, queue_id(w, in->queue),
				      agent_id(w, in->agent), in->weight);
	case OP_MEMBER_REMOVE:
		return acd_member_remove(acd, queue_id(w, in->queue),
					 agent_id(w, in->agent));
	case OP_SKILLS: {
		const struct w_agent *ag = in->agent >= 0 &&
			(unsigned)in->agent < w->n_agents ?
			&w->agent[in->agent] : NULL;
		struct acd_agent_conf ac = {agent_id(w, in->agent),
			ag && ag->tenant >= 0 ? w->tenant_id[ag->tenant] :
			NULL, in->skills_str};

		return acd_agent_profile_set(acd, &ac);
	}
	case OP_ROUTING: {
		struct acd_queue_conf qc;

		if (in->queue >= 0 && (unsigned)in->queue < w->n_queues)
			return acd_queue_routing_set(acd,
						     &w->queue[in->queue].conf);
		acd_queue_conf_init(&qc);
		qc.id = queue_id(w, in->queue);
		qc.tenant = w->tenant_id[0];
		return acd_queue_routing_set(acd, &qc);
	}
	default:
		return EINVAL;
	}
}

void drv_input_print(FILE *f, const struct world *w,
		     const struct drv_input *in, int rc)
{
	char extra[W_EXPR_STR];
	long long now = (long long)in->now;
	unsigned long long call = (unsigned long long)in->call;

	switch (in->op) {
	case OP_LOGIN:
		fprintf(f, "acd_agent_login(acd, %lld, \"%s\", \"%s\")", now,
			agent_id(w, in->agent), pos_id(w, in->pos));
		break;
	case OP_LOGOUT:
		fprintf(f, "acd_agent_logout(acd, %lld, \"%s\")", now,
			agent_id(w, in->agent));
		break;
	case OP_PAUSE:
		fprintf(f, "acd_agent_pause(acd, %lld, \"%s\", \"%s\")", now,
			agent_id(w, in->agent), in->reason);
		break;
	case OP_READY:
		fprintf(f, "acd_agent_ready(acd, %lld, \"%s\")", now,
			agent_id(w, in->agent));
		break;
	case OP_ARRIVE:
		w_expr_str(&in->extra, extra, sizeof(extra));
		fprintf(f, "acd_call_arrive(acd, %lld, \"%s\", "
			"{.priority=%d, .skills=\"%s\"})", now,
			queue_id(w, in->queue), in->prio,
			in->bad_extra ? in->bad_extra : extra);
		break;
	case OP_ACCEPT:
		fprintf(f, "acd_offer_accept(acd, %lld, %llu, \"%s\")", now,
			call, agent_id(w, in->agent));
		break;
	case OP_DECLINE:
		fprintf(f, "acd_offer_decline(acd, %lld, %llu, \"%s\")", now,
			call, agent_id(w, in->agent));
		break;
	case OP_NO_ANSWER:
		fprintf(f, "acd_offer_no_answer(acd, %lld, %llu, \"%s\")",
			now, call, agent_id(w, in->agent));
		break;
	case OP_FAIL:
		fprintf(f, "acd_offer_fail(acd, %lld, %llu, \"%s\")", now,
			call, agent_id(w, in->agent));
		break;
	case OP_HANGUP:
		fprintf(f, "acd_call_hangup(acd, %lld, %llu, %s)", now, call,
			in->by == ACD_PARTY_CALLER ? "ACD_PARTY_CALLER"
						   : "ACD_PARTY_AGENT");
		break;
	case OP_EXIT_KEY:
		fprintf(f, "acd_call_exit_key(acd, %lld, %llu, '%c')", now,
			call, in->key);
		break;
	case OP_TRANSFER:
		fprintf(f, "acd_call_transfer(acd, %lld, %llu, \"%s\")", now,
			call, queue_id(w, in->queue));
		break;
	case OP_TICK:
		fprintf(f, "acd_tick(acd, %lld)", now);
		break;
	case OP_MEMBER_ADD:
		fprintf(f, "acd_member_add(acd, \"%s\", \"%s\", %u)",
			queue_id(w, in->queue), agent_id(w, in->agent),
			in->weight);
		break;
	case OP_MEMBER_REMOVE:
		fprintf(f, "acd_member_remove(acd, \"%s\", \"%s\")",
			queue_id(w, in->queue), agent_id(w, in->agent));
		break;
	case OP_SKILLS:
		fprintf(f, "acd_agent_profile_set(acd, {\"%s\", .skills="
			"\"%s\"})", agent_id(w, in->agent), in->skills_str);
		break;
	case OP_ROUTING:
		if (in->queue >= 0 && (unsigned)in->queue < w->n_queues) {
			const struct w_queue *q = &w->queue[in->queue];

			fprintf(f, "acd_queue_routing_set(acd, {\"%s\", "
				"%s, .skills=\"%s\", .sites=\"%s\", %u "
				"widening steps})", q->id,
				acd_strategy_name(q->conf.strategy),
				q->skills_str, q->sites_str, q->n_widen);
		}
		else {
			fprintf(f, "acd_queue_routing_set(acd, {\"%s\"})",
				queue_id(w, in->queue));
		}
		break;
	default:
		fprintf(f, "?");
	}
	fprintf(f, " = %d\n", rc);
}

/* =====================================================================
 * Decoding bytes into inputs
 * =================================================================== */

struct src {
	const uint8_t *p;            /* the bytes                         */
	size_t len;                  /* their number                      */
	size_t pos;                  /* next to read                      */
	bool done;                   /* read past the end                 */
};

/* A value in [0, n) from one byte (two when n > 256). */
static unsigned take(struct src *s, unsigned n)
{
	unsigned v;

	if (n <= 1)
		return 0;
	if (s->pos >= s->len) {
		s->done = true;
		return 0;
	}
	v = s->p[s->pos++];
	if (n > 256 && s->pos < s->len)
		v = (v << 8) | s->p[s->pos++];
	return v % n;
}

/* Operation weights: arrivals, answers and hangups dominate. */
static const unsigned op_weight[OP_COUNT] = {
	[OP_LOGIN] = 12, [OP_LOGOUT] = 4, [OP_PAUSE] = 6, [OP_READY] = 14,
	[OP_ARRIVE] = 30, [OP_ACCEPT] = 26, [OP_DECLINE] = 5,
	[OP_NO_ANSWER] = 4, [OP_FAIL] = 3, [OP_HANGUP] = 22,
	[OP_EXIT_KEY] = 3, [OP_TRANSFER] = 4, [OP_TICK] = 12,
	[OP_MEMBER_ADD] = 2, [OP_MEMBER_REMOVE] = 2, [OP_SKILLS] = 2, [OP_ROUTING] = 2,
};

bool drv_op_untimed(enum drv_op op)
{
	return op == OP_MEMBER_ADD || op == OP_MEMBER_REMOVE ||
		op == OP_SKILLS || op == OP_ROUTING;
}

static const char *const reasons[] = {"lunch", "training", "break",
				      "coaching"};
static const char *const bad_exprs[] = {
	"lang:fr>=", "&", "lang:fr>=3 &", ">=2", "lang:fr>=x", "& lang:ar>=1",
};
static const char keys[] = "0123456789*#";

/* Picks an agent: mostly one in a useful state, sometimes any or none. */
static int pick_agent(struct src *s, const struct chk *c, unsigned mode,
		      bool (*want)(const struct m_agent *))
{
	unsigned na = c->w->n_agents, n = 0, k;

	if (mode < 12)
		return -1;
	if (mode < 40 || !want)
		return (int)take(s, na);
	for (unsigned a = 0; a < na; a++)
		n += want(&c->agent[a]);
	if (!n)
		return (int)take(s, na);
	k = take(s, n);
	for (unsigned a = 0; a < na; a++) {
		if (want(&c->agent[a]) && k-- == 0)
			return (int)a;
	}
	return -1;
}

static bool want_out(const struct m_agent *m)
{
	return m->state == ACD_AGENT_LOGGED_OUT;
}

static bool want_in(const struct m_agent *m)
{
	return m->state != ACD_AGENT_LOGGED_OUT;
}

static bool want_unready(const struct m_agent *m)
{
	return m->state == ACD_AGENT_PAUSED || m->state == ACD_AGENT_WRAP_UP;
}

static bool want_ringing(const struct m_agent *m)
{
	return m->offer != 0;
}

/* Picks a call id: mostly a live one (connected if want_conn), sometimes
 * an ended or never-seen id. */
static uint64_t pick_call(struct src *s, const struct chk *c, unsigned mode,
			  int want_conn)
{
	unsigned n = 0, k;

	if (mode < 12)
		return c->next_id + take(s, 3);
	if (mode < 30 || c->n_call <= 1)
		return 1 + take(s, (unsigned)(c->n_call > 1 ? c->n_call : 2));
	for (size_t j = 0; j < c->n_live; j++) {
		const struct m_call *mc = &c->call[c->live[j]];

		if (!mc->ended
		    && (want_conn < 0 || mc->connected == (want_conn > 0)))
			n++;
	}
	if (!n)
		return 1 + take(s, (unsigned)c->n_call);
	k = take(s, n);
	for (size_t j = 0; j < c->n_live; j++) {
		const struct m_call *mc = &c->call[c->live[j]];

		if (!mc->ended
		    && (want_conn < 0 || mc->connected == (want_conn > 0))
		    && k-- == 0)
			return c->live[j];
	}
	return 0;
}

/* Decodes the next input at or after c->last_now. Returns false at the
 * end of the bytes. */
static bool decode(struct src *s, const struct chk *c, struct drv_input *in)
{
	unsigned total = 0, k, mode;
	acd_ms_t dt = 0, dl;

	memset(in, 0, sizeof(*in));
	in->agent = in->pos = in->queue = -1;
	for (unsigned i = 0; i < OP_COUNT; i++)
		total += op_weight[i];
	k = take(s, total);
	for (in->op = 0; in->op < OP_COUNT - 1; in->op++) {
		if (k < op_weight[in->op])
			break;
		k -= op_weight[in->op];
	}
	switch (take(s, 8)) {
	case 0:
		dt = 0;
		break;
	case 1: case 2: case 3:
		dt = take(s, 1000);
		break;
	case 4: case 5:
		dt = 1000 + 100 * (acd_ms_t)take(s, 200);
		break;
	case 6:
		dl = acd_next_deadline(c->acd);
		dt = dl != ACD_NEVER && dl > c->clock
			     ? dl - c->clock - 1 + (acd_ms_t)take(s, 3)
			     : 0;
		break;
	default:
		dt = 1000 * (acd_ms_t)take(s, 90);
		break;
	}
	in->now = c->clock + dt;
	mode = take(s, 256);
	switch (in->op) {
	case OP_LOGIN:
		in->agent = pick_agent(s, c, mode, want_out);
		in->pos = mode >= 8 ? (int)take(s, c->w->n_pos) : -1;
		break;
	case OP_LOGOUT:
		in->agent = pick_agent(s, c, mode, want_in);
		break;
	case OP_PAUSE:
		in->agent = pick_agent(s, c, mode, want_in);
		in->reason = reasons[take(s, 4)];
		break;
	case OP_READY:
		in->agent = pick_agent(s, c, mode, want_unready);
		break;
	case OP_ARRIVE:
		in->queue = mode < 6 ? -1 : (int)take(s, c->w->n_queues);
		in->prio = take(s, 4) ? 0 : (int)take(s, 4);
		if (mode >= 6 && mode < 12) {
			in->bad_extra = bad_exprs[take(s, 6)];
		}
		else if (in->queue >= 0 && !c->w->queue[in->queue].skill_widen
			 && take(s, 3) == 0) {
			in->extra.n = 1;
			in->extra.skill[0] = (uint8_t)take(s, 3);
			in->extra.level[0] = (uint8_t)(1 + take(s, 3));
		}
		break;
	case OP_ACCEPT:
	case OP_DECLINE:
	case OP_NO_ANSWER:
	case OP_FAIL:
		in->agent = pick_agent(s, c, mode, want_ringing);
		if (in->agent >= 0 && mode >= 30
		    && c->agent[in->agent].offer)
			in->call = c->agent[in->agent].offer;
		else
			in->call = pick_call(s, c, mode, -1);
		break;
	case OP_HANGUP:
		in->call = pick_call(s, c, mode, -1);
		in->by = take(s, 8) ? ACD_PARTY_CALLER : ACD_PARTY_AGENT;
		if (in->call < c->n_call && c->call[in->call].connected)
			in->by = take(s, 2) ? ACD_PARTY_CALLER
					    : ACD_PARTY_AGENT;
		break;
	case OP_EXIT_KEY:
		in->call = pick_call(s, c, mode, 0);
		in->key = keys[take(s, 12)];
		break;
	case OP_TRANSFER:
		in->call = pick_call(s, c, mode, 1);
		in->queue = mode < 20 ? -1 : (int)take(s, c->w->n_queues);
		break;
	case OP_TICK:
		break;
	case OP_MEMBER_ADD:
	case OP_MEMBER_REMOVE:
		in->queue = mode < 6 ? -1 : (int)take(s, c->w->n_queues);
		in->agent = mode < 12 && mode >= 6
				    ? -1 : (int)take(s, c->w->n_agents);
		in->weight = mode < 20 ? take(s, 2) * 1001 : 1 + take(s, 20);
		break;
	case OP_ROUTING:
		in->queue = mode < 6 ? -1 : (int)take(s, c->w->n_queues);
		for (unsigned i = 0; i < 4; i++)
			in->routing_seed |= (uint64_t)take(s, 256) << (8 * i);
		break;
	case OP_SKILLS: {
		/* a live skills change: one or two skills gained, lost or
		 * at another level */
		size_t off = 0;

		in->agent = mode < 6 ? -1 : (int)take(s, c->w->n_agents);
		if (in->agent >= 0)
			memcpy(in->level, c->w->agent[in->agent].level,
			       sizeof(in->level));
		for (unsigned i = 0, n = 1 + take(s, 2); i < n; i++) {
			unsigned sk = take(s, W_NSKILL);

			in->level[sk] = (uint8_t)take(s, ACD_LEVEL_MAX + 1);
		}
		in->skills_str[0] = '\0';
		for (unsigned sk = 0; sk < W_NSKILL; sk++) {
			if (!in->level[sk])
				continue;
			off += (size_t)snprintf(in->skills_str + off,
						sizeof(in->skills_str) - off,
						"%s%s=%u", off ? " " : "",
						w_skill_name(sk), in->level[sk]);
		}
		break;
	}
	default:
		break;
	}
	return !s->done;
}

/* =====================================================================
 * Running
 * =================================================================== */

struct run {
	struct chk chk;              /* the checker                       */
	const struct drv_opts *o;    /* options                           */
	struct drv_result *res;      /* results                           */
	size_t log_cap;              /* bytes allocated for res->log      */
};

static const char *nz(const char *s)
{
	return s ? s : "-";
}

static void hash_bytes(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

static void hash_str(uint64_t *h, const char *s)
{
	hash_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* Without a text log, the fields are hashed as they are: cheaper. */
static void hash_event(uint64_t *h, const struct acd_event *ev)
{
	int64_t v[] = {ev->type, ev->time, (int64_t)ev->call, ev->priority,
		       ev->wait_ms, ev->exit_reason, ev->key, ev->ended_by,
		       ev->talk_ms, ev->state, ev->old_state, ev->widen_step,
		       ev->position_in_line, ev->expected_wait_ms};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		*h ^= (uint64_t)v[i];
		*h *= 0x100000001b3ULL;
	}
	hash_str(h, ev->tenant);
	hash_str(h, ev->queue);
	hash_str(h, ev->agent);
	hash_str(h, ev->to_queue);
	hash_str(h, ev->reason);
	hash_str(h, ev->position);
	hash_str(h, ev->site);
}

static void log_event(struct run *r, const struct acd_event *ev)
{
	char line[512];
	int n;

	if (!r->o->keep_log && !r->o->trace) {
		hash_event(&r->res->log_hash, ev);
		return;
	}

	n = snprintf(line, sizeof(line),
		     "%" PRId64 " %s c=%" PRIu64 " t=%s q=%s a=%s p=%d w=%"
		     PRId64 " x=%d k=%d by=%d talk=%" PRId64 " to=%s st=%d "
		     "old=%d r=%s pos=%s site=%s ws=%u pl=%u ew=%" PRId64 "\n",
		     ev->time, acd_event_name(ev->type), ev->call,
		     nz(ev->tenant), nz(ev->queue), nz(ev->agent),
		     ev->priority, ev->wait_ms, (int)ev->exit_reason,
		     (int)ev->key, (int)ev->ended_by, ev->talk_ms,
		     nz(ev->to_queue), (int)ev->state, (int)ev->old_state,
		     nz(ev->reason), nz(ev->position), nz(ev->site),
		     ev->widen_step, ev->position_in_line,
		     ev->expected_wait_ms);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (r->o->trace)
		fprintf(r->o->trace, "    %s", line);
	hash_bytes(&r->res->log_hash, line, (size_t)n);
	if (!r->o->keep_log)
		return;
	if (r->res->log_len + (size_t)n + 1 > r->log_cap) {
		size_t cap = r->log_cap ? 2 * r->log_cap : 65536;
		char *p;

		while (cap < r->res->log_len + (size_t)n + 1)
			cap *= 2;
		p = realloc(r->res->log, cap);
		if (!p)
			return;
		r->res->log = p;
		r->log_cap = cap;
	}
	memcpy(r->res->log + r->res->log_len, line, (size_t)n);
	r->res->log_len += (size_t)n;
	r->res->log[r->res->log_len] = '\0';
}

static void on_event(const struct acd_event *ev, void *arg)
{
	struct run *r = arg;

	if (ev->type == ACD_EV_OFFER) {
		r->res->offers++;
		if (ev->queue && ev->queue[0] == 'q') {
			unsigned q = (unsigned)strtoul(ev->queue + 1, NULL,
						       10);
			const struct world *w = r->chk.w;

			if (q < w->n_queues)
				r->res->strategies |=
					1ul << w->queue[q].conf.strategy;
		}
	}
	if (ev->type == ACD_EV_CONNECT)
		r->res->connects++;
	log_event(r, ev);
	chk_event(&r->chk, ev);
}

/* Sizes of a small center, from the world seed. */
static void small_sizes(uint64_t seed, struct w_sizes *sz)
{
	uint64_t st = seed ^ 0x5a5a5a5a5a5a5a5aULL;

	memset(sz, 0, sizeof(*sz));
	sz->tenants = 1 + rnd(&st, 3);
	sz->sites = 1 + rnd(&st, 3);
	sz->agents = 3 + rnd(&st, 10);
	sz->positions = sz->agents / 2 + 1 + rnd(&st, sz->agents / 2 + 2);
	sz->queues = 2 + rnd(&st, 4);
	sz->langs = 2 + rnd(&st, 3);
	sz->prods = 2 + rnd(&st, 2);
	sz->member_pct = 40 + rnd(&st, 40);
	sz->varied = true;
}

static void run_input(struct run *r, const struct drv_input *in)
{
	uint64_t call = 0;
	int rc;

	chk_begin(&r->chk, in);
	rc = drv_apply(r->chk.acd, r->chk.w, in, &call);
	if (r->o->trace)
		drv_input_print(r->o->trace, r->chk.w, in, rc);
	chk_end(&r->chk, rc, call);
}

int drv_run(const uint8_t *data, size_t len, const struct drv_opts *opts,
	    struct drv_result *res)
{
	struct run r;
	struct world w;
	struct w_sizes sz;
	struct acd *acd = NULL;
	struct src s = {0};
	uint64_t seed = 0;
	int err;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	res->log_hash = 0xcbf29ce484222325ULL;
	r.o = opts;
	r.res = res;
	for (size_t i = 0; i < 8 && i < len; i++)
		seed |= (uint64_t)data[i] << (8 * i);
	small_sizes(seed, &sz);
	err = world_gen(&w, seed, &sz);
	if (err)
		return err;
	err = acd_alloc(&acd, seed * 31 + 7, on_event, &r);
	if (err)
		goto out;
	err = chk_init(&r.chk, &w, acd);
	if (err)
		goto out;
	r.chk.checks = opts->checks ? opts->checks : CHK_ALL;
	r.chk.exempt_refused = opts->exempt_refused;
	r.chk.known_bugs = opts->known_bugs;
	r.chk.trace = opts->trace;
	if (opts->trace)
		world_print(opts->trace, &w);
	err = world_load(&w, acd);
	if (err) {
		snprintf(res->first, sizeof(res->first),
			 "engine refused the generated center: %s (%s)",
			 strerror(err), acd_errmsg(acd));
		res->violations = 1;
		goto out;
	}
	s.p = data;
	s.len = len;
	s.pos = len < 8 ? len : 8;
	r.chk.last_now = 1000;
	r.chk.clock = 1000;
	for (;;) {
		struct drv_input in;
		acd_ms_t dl;
		bool unknown;

		if (opts->max_inputs && r.chk.n_inputs >= opts->max_inputs)
			break;
		if (opts->stop_on_violation && r.chk.violations)
			break;
		if (!decode(&s, &r.chk, &in))
			break;
		/* Inputs whose validity depends on state see the timers run
		 * first by a tick of their own, so that the model predicts
		 * them; inputs naming unknown ids do not, and must still
		 * emit nothing. */
		unknown = (in.agent < 0 && in.op != OP_ARRIVE
			   && in.op != OP_HANGUP && in.op != OP_EXIT_KEY
			   && in.op != OP_TRANSFER && in.op != OP_TICK)
			  || in.call >= r.chk.next_id
			  || (in.queue < 0 && (in.op == OP_ARRIVE
					       || in.op == OP_TRANSFER));
		dl = acd_next_deadline(acd);
		if (in.op == OP_ROUTING) {
			/* its widening steps count at the engine's now,
			 * which a failed input may have left behind the
			 * model's clock: a tick makes them one */
			struct drv_input t = {.op = OP_TICK,
					      .now = in.now > r.chk.clock ?
					      in.now : r.chk.clock,
					      .agent = -1, .pos = -1,
					      .queue = -1};
			run_input(&r, &t);
		}
		if (in.op != OP_TICK && in.op != OP_ARRIVE && !unknown
		    && !drv_op_untimed(in.op) && dl <= in.now) {
			struct drv_input t = {.op = OP_TICK, .now = in.now,
					      .agent = -1, .pos = -1,
					      .queue = -1};
			run_input(&r, &t);
			/* the tick may have changed the target's state */
			if (in.op == OP_ACCEPT || in.op == OP_DECLINE
			    || in.op == OP_NO_ANSWER || in.op == OP_FAIL) {
				const struct m_agent *ma =
					in.agent >= 0 ? &r.chk.agent[in.agent]
						      : NULL;

				if (ma && ma->offer && in.call != ma->offer
				    && take(&s, 2))
					in.call = ma->offer;
			}
		}
		run_input(&r, &in);
	}
	for (size_t i = 1; i < r.chk.n_call; i++)
		res->calls += r.chk.call[i].exists;
out:
	res->inputs = r.chk.n_inputs;
	res->events = r.chk.n_events;
	res->errors = r.chk.n_errors;
	if (r.chk.violations) {
		res->violations = r.chk.violations;
		memcpy(res->first, r.chk.first, sizeof(res->first));
	}
	chk_reset(&r.chk);
	acd_free(acd);
	world_free(&w);
	return err;
}

/* =====================================================================
 * Shrinking
 * =================================================================== */

static bool fails(const uint8_t *data, size_t len,
		  const struct drv_opts *opts)
{
	struct drv_opts o = *opts;
	struct drv_result r;

	o.keep_log = false;
	o.trace = NULL;
	o.stop_on_violation = true;
	drv_run(data, len, &o, &r);
	free(r.log);
	return r.violations > 0;
}

size_t drv_shrink(uint8_t *data, size_t len, const struct drv_opts *opts,
		  unsigned budget)
{
	uint8_t *tmp;
	size_t lo = 8, hi = len;

	if (len <= 8 || !fails(data, len, opts))
		return len;
	/* shortest failing prefix, by bisection */
	while (lo < hi && budget) {
		size_t mid = lo + (hi - lo) / 2;

		budget--;
		if (fails(data, mid, opts))
			hi = mid;
		else
			lo = mid + 1;
	}
	len = hi;
	tmp = malloc(len);
	if (!tmp)
		return len;
	/* then delete chunks, halving their size */
	for (size_t chunk = len / 2; chunk >= 1 && budget; chunk /= 2) {
		for (size_t at = 8; at + chunk <= len && budget;) {
			size_t n = len - chunk;

			budget--;
			memcpy(tmp, data, at);
			memcpy(tmp + at, data + at + chunk, len - at - chunk);
			if (fails(tmp, n, opts)) {
				memcpy(data, tmp, n);
				len = n;
			}
			else {
				at += chunk;
			}
		}
	}
	free(tmp);
	return len;
}
