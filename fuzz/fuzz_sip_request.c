/* fuzz_sip_request.c — libFuzzer harness for plateau's own SIP request
 * handling: the pre-parser guard, then libre's decoder, then our checks
 * and handlers (REGISTER digest + location, INVITE number/SDP plan and
 * re-INVITE offer, dial codes, INFO DTMF body), exactly as the server
 * runs them but without sockets. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <re.h>
#include "config/center.h"
#include "media/media.h"
#include "sip/guard.h"
#include "sip/registrar.h"
#include "sip/sipd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char center_json[] =
"{\"name\":\"fuzz\",\"timezone\":\"Africa/Casablanca\","
"\"sip_realm\":\"fuzz.plateau\","
"\"tenants\":[{\"id\":\"t1\",\"name\":\"T\"}],"
"\"sites\":[{\"id\":\"s1\",\"name\":\"S\",\"city\":\"C\"}],"
"\"positions\":[{\"id\":\"p1\",\"site\":\"s1\",\"sip_user\":\"p1\","
"\"sip_password\":\"pw1\"}],"
"\"queues\":[{\"id\":\"q1\",\"tenant\":\"t1\",\"name\":\"Q\"}],"
"\"agents\":[{\"id\":\"a1\",\"name\":\"A\",\"tenant\":\"t1\","
"\"queues\":[{\"queue\":\"q1\"}]}],"
"\"dids\":[{\"number\":\"+212500000001\",\"tenant\":\"t1\","
"\"queue\":\"q1\"}]}";

static struct center *ctr;      /* the floor, parsed once           */
static struct registrar *reg;   /* with its location table          */
static struct sipguard *guard;  /* auth failures land here          */
static struct sipd fake;        /* just enough server for planning  */
static uint64_t now = 1000;     /* advancing clock, ms              */

static int ha1h(const char *user, uint8_t *ha1, void *arg)
{
	const struct center_position *p;
	(void)arg;

	p = center_position_by_sip_user(ctr, user);
	if (!p)
		return ENOENT;
	return str_hex(ha1, 16, p->sip_ha1);
}

static int setup(void)
{
	char err[256];
	struct center_opts o = {.pin_iterations = 1};

	if (center_parse(center_json, sizeof(center_json) - 1, "fuzz", &o,
			 &ctr, err, sizeof(err)))
		return EINVAL;
	if (sipguard_alloc(&guard, NULL))
		return ENOMEM;
	if (registrar_alloc(&reg, "fuzz.plateau", ha1h, NULL, guard))
		return ENOMEM;
	fake.conf.center = ctr;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sipguard_verdict v;
	struct sip_msg *msg = NULL;
	struct mbuf *mb;
	struct sipd_resp resp;
	struct invite_plan plan;

	if (!ctr && setup())
		__builtin_trap();

	/* the server refuses these before its parser runs */
	v = sipguard_check_bytes(data, size);
	if (v != SIPGUARD_OK)
		return 0;

	mb = mbuf_alloc(size);
	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	if (sip_msg_decode(&msg, mb))
		goto out;
	sa_set_str(&msg->src, "127.0.0.1", 5060);
	now += 10;

	if (!msg->req || !sipd_request_complete(msg))
		goto out;

	if (!pl_strcmp(&msg->met, "REGISTER")) {
		(void)registrar_handle(reg, msg, now, &resp);
		if (!resp.scode)
			__builtin_trap();
	}
	else if (!pl_strcmp(&msg->met, "INVITE") && msg->uri.user.l &&
		 msg->uri.user.p[0] == '*') {
		char user[64], num[16], pin[16];
		int kind;

		/* a dial code: as codes_incoming reads it (*11-*17: login
		 * to barge) */
		if (msg->uri.user.l < sizeof(user) &&
		    !pl_strcpy(&msg->uri.user, user, sizeof(user)) &&
		    !codes_parse(user, &kind, num, sizeof(num), pin,
				 sizeof(pin)) &&
		    (kind < 0 || kind > 6 || strlen(pin) > 12))
			__builtin_trap();
	}
	else if (!pl_strcmp(&msg->met, "INVITE")) {
		struct sdp_reoffer ro;

		if (call_invite_plan(&fake, msg, &plan, &resp) == 0 &&
		    plan.pt != MEDIA_PT_PCMU && plan.pt != MEDIA_PT_PCMA)
			__builtin_trap();
		/* the same body as a re-INVITE's offer (hold, resume) */
		if (mbuf_get_left(msg->mb) &&
		    sdp_reoffer_read(msg->mb, &ro) == 0 &&
		    ((ro.pt != MEDIA_PT_PCMU && ro.pt != MEDIA_PT_PCMA) ||
		     ro.answer_dir > SDP_SENDRECV ||
		     (ro.zero_addr && !ro.hold)))
			__builtin_trap();
	}
	else if (!pl_strcmp(&msg->met, "INFO") && msg->ctyp.type.p &&
		 msg->ctyp.subtype.p) {
		char digit;
		uint32_t dur;

		(void)media_dtmf_info_parse(msg->ctyp.type.p,
					    (size_t)(msg->ctyp.subtype.p +
						     msg->ctyp.subtype.l -
						     msg->ctyp.type.p),
					    (const char *)mbuf_buf(msg->mb),
					    mbuf_get_left(msg->mb), &digit,
					    &dur);
	}
	registrar_sweep(reg, now);
out:
	mem_deref(msg);
	mem_deref(mb);
	return 0;
}
