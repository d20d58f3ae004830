/* fuzz_dial_code.c — libFuzzer harness for dial codes (the request-URI
 * user of a phone's INVITE: "*111001*4321", "*12", "*131001", "*161001", ...). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <re.h>
#include "sip/sipd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char user[64], num[16] = "untouched", pin[16] = "untouched";
	int kind = -7;

	if (size >= sizeof(user))
		return 0;
	memcpy(user, data, size);
	user[size] = '\0';
	if (codes_parse(user, &kind, num, sizeof(num), pin, sizeof(pin))) {
		/* refused: nothing written */
		if (kind != -7 || strcmp(num, "untouched") ||
		    strcmp(pin, "untouched"))
			__builtin_trap();
		return 0;
	}
	if (kind < 0 || kind > 6 || strlen(num) > 9 || strlen(pin) > 12 ||
	    strspn(num, "0123456789") != strlen(num) ||
	    strspn(pin, "0123456789") != strlen(pin) || user[0] != '*')
		__builtin_trap();
	if (kind == 0 && (strlen(pin) < 4 || !num[0]))
		__builtin_trap();
	return 0;
}
