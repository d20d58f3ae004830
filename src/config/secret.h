/* secret.h — the config module's private hashing helpers. */
#ifndef PLATEAU_CONFIG_SECRET_H
#define PLATEAU_CONFIG_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define PIN_ITER_MAX 10000000u     /* most PBKDF2 rounds accepted       */

/* PBKDF2-HMAC-SHA256 (RFC 8018), first 32-byte block: out = T1. */
int pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt,
		  size_t saltlen, unsigned iterations, uint8_t out[32]);

/* True if s is a well-formed "pbkdf2-sha256$ITER$SALT$HASH" (ITER
 * 1..PIN_ITER_MAX, 32 hex salt, 64 hex hash). */
int pin_hash_valid(const char *s);

/* Overwrites n bytes so the compiler cannot drop it. */
void secret_wipe(void *p, size_t n);

#endif
