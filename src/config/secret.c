/* secret.c — SIP digest HA1 and salted, iterated PIN hashes (PBKDF2 with
 * libre's HMAC-SHA256). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "config/center.h"
#include "config/secret.h"

void secret_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex(uint8_t *b, const char *s, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return EINVAL;
		if (i & 1)
			b[i / 2] = (uint8_t)(b[i / 2] | v);
		else
			b[i / 2] = (uint8_t)(v << 4);
	}
	return 0;
}

int center_ha1(char ha1[CENTER_HA1_LEN + 1], const char *user,
	       const char *realm, const char *password)
{
	uint8_t md[MD5_SIZE];
	int err;

	if (!ha1 || !user || !realm || !password)
		return EINVAL;
	err = md5_printf(md, "%s:%s:%s", user, realm, password);
	if (err)
		return err;
	hex(ha1, md, MD5_SIZE);
	secret_wipe(md, sizeof(md));
	return 0;
}

int pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt,
		  size_t saltlen, unsigned iterations, uint8_t out[32])
{
	struct hmac *h = NULL;
	uint8_t u[32], t[32], *blk = NULL;
	int err;

	if (!pw || !salt || !out || !iterations || saltlen > 1024)
		return EINVAL;
	err = hmac_create(&h, HMAC_HASH_SHA256, pw, pwlen);
	if (err)
		return err;
	blk = malloc(saltlen + 4);
	if (!blk) {
		err = ENOMEM;
		goto out;
	}
	memcpy(blk, salt, saltlen);
	memcpy(blk + saltlen, "\0\0\0\1", 4);  /* INT(1), big-endian */
	err = hmac_digest(h, u, sizeof(u), blk, saltlen + 4);
	if (err)
		goto out;
	memcpy(t, u, sizeof(t));
	for (unsigned i = 1; i < iterations; i++) {
		err = hmac_digest(h, u, sizeof(u), u, sizeof(u));
		if (err)
			goto out;
		for (size_t k = 0; k < sizeof(t); k++)
			t[k] ^= u[k];
	}
	memcpy(out, t, sizeof(t));
 out:
	secret_wipe(u, sizeof(u));
	secret_wipe(t, sizeof(t));
	free(blk);
	mem_deref(h);
	return err;
}

int center_pin_hash(char *out, size_t outsz, const char *pin,
		    const uint8_t salt[16], unsigned iterations)
{
	uint8_t dk[32];
	char salthex[33], dkhex[65];
	int err, n;

	if (!out || !pin || !salt || !iterations || iterations > PIN_ITER_MAX)
		return EINVAL;
	err = pbkdf2_sha256((const uint8_t *)pin, strlen(pin), salt, 16,
			    iterations, dk);
	if (err)
		return err;
	hex(salthex, salt, 16);
	hex(dkhex, dk, 32);
	secret_wipe(dk, sizeof(dk));
	n = snprintf(out, outsz, "pbkdf2-sha256$%u$%s$%s", iterations,
		     salthex, dkhex);
	secret_wipe(dkhex, sizeof(dkhex));
	if (n < 0 || (size_t)n >= outsz)
		return ENOSPC;
	return 0;
}

/* Splits a PIN hash into its parts; 0 if well-formed. */
static int pin_hash_split(const char *s, unsigned *iterp, uint8_t salt[16],
			  uint8_t dk[32])
{
	const char *p, *d1, *d2;
	unsigned long iter = 0;

	if (!s || strncmp(s, "pbkdf2-sha256$", 14))
		return EINVAL;
	p = s + 14;
	d1 = strchr(p, '$');
	if (!d1 || d1 == p || d1 - p > 8)
		return EINVAL;
	for (const char *q = p; q < d1; q++) {
		if (*q < '0' || *q > '9')
			return EINVAL;
		iter = iter * 10 + (unsigned long)(*q - '0');
	}
	if (!iter || iter > PIN_ITER_MAX || *p == '0')
		return EINVAL;
	d2 = strchr(d1 + 1, '$');
	if (!d2 || d2 - (d1 + 1) != 32 || strlen(d2 + 1) != 64)
		return EINVAL;
	if (unhex(salt, d1 + 1, 16) || unhex(dk, d2 + 1, 32))
		return EINVAL;
	*iterp = (unsigned)iter;
	return 0;
}

int pin_hash_valid(const char *s)
{
	uint8_t salt[16], dk[32];
	unsigned iter;

	return pin_hash_split(s, &iter, salt, dk) == 0;
}

bool center_pin_verify(const char *pin_hash, const char *pin)
{
	uint8_t salt[16], want[32], got[32];
	unsigned iter, diff = 0;

	if (!pin_hash || !pin)
		return false;
	if (pin_hash_split(pin_hash, &iter, salt, want))
		return false;
	if (pbkdf2_sha256((const uint8_t *)pin, strlen(pin), salt, 16, iter,
			  got))
		return false;
	for (size_t k = 0; k < sizeof(got); k++)
		diff |= (unsigned)(got[k] ^ want[k]);
	secret_wipe(got, sizeof(got));
	return diff == 0;
}
