/* fuzz_acd_skills.c — libFuzzer harness for skill expressions and agents'
 * skill lists: parse, canonical text round trip, matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acd/acd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: an expression, then optionally a NUL byte and a skill list.
 * Checks: no crash or leak; a refused text has a message naming an
 * offset; an accepted one's canonical text (within the length bound)
 * parses to the same canonical text and matches exactly the same skill
 * sets; the public API refuses
 * or accepts the same texts.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *list = NULL;
	struct skexpr *e = NULL, *e2 = NULL;
	struct skillset ss = {NULL, 0};
	char msg[256] = "";
	struct acd *acd = NULL;
	struct acd_queue_conf qc;
	int err, err_api;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) < size)
		list = text + strlen(text) + 1;

	err = skexpr_parse(&e, text, msg, sizeof(msg));
	if (err == EINVAL && !strstr(msg, "offset") && !strstr(msg, "bytes"))
		abort();
	/* canonical text of the longest inputs may pass the length bound */
	if (!err && e && strlen(e->canon) <= ACD_EXPR_MAX) {
		msg[0] = '\0';
		if (skexpr_parse(&e2, e->canon, msg, sizeof(msg)) || !e2)
			abort();
		if (strcmp(e->canon, e2->canon))
			abort();
	}
	if (list && !skillset_parse(&ss, list, msg, sizeof(msg))) {
		if (e2 && skexpr_match(e, &ss) != skexpr_match(e2, &ss))
			abort();
		/* an agent lacking every skill has level 0 everywhere */
		for (unsigned i = 1; i < ss.n; i++) {
			if (strcmp(ss.v[i - 1].name, ss.v[i].name) >= 0)
				abort();
		}
	}

	/* the public API agrees */
	if (!acd_alloc(&acd, 1, NULL, NULL) && !acd_tenant_add(acd, "t")) {
		acd_queue_conf_init(&qc);
		qc.id = "q";
		qc.tenant = "t";
		qc.skills = text;
		err_api = acd_queue_add(acd, &qc);
		if ((err == 0) != (err_api == 0) && err != ENOMEM &&
		    err_api != ENOMEM)
			abort();
		if (!err_api) {
			struct acd_agent_conf ac = {"a", NULL, list};

			if (!acd_agent_add(acd, &ac)) {
				(void)acd_member_add(acd, "q", "a", 1);
				(void)acd_position_add(acd, "p", "s");
				(void)acd_site_add(acd, "s");
				(void)acd_position_add(acd, "p", "s");
				(void)acd_agent_login(acd, 0, "a", "p");
				(void)acd_call_arrive(acd, 1, "q", NULL, NULL);
			}
		}
	}
	acd_free(acd);

	skillset_reset(&ss);
	mem_deref(e);
	mem_deref(e2);
	free(text);
	return 0;
}
