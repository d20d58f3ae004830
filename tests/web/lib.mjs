// lib.mjs — what the browser tests share: Debian's chromium through
// playwright-core (no browser download), a tally printing "ok"/"FAIL"
// lines and the closing "N passed, N failed", screenshots, API helpers.
import {chromium} from 'playwright-core';
import path from 'node:path';
import fs from 'node:fs';

export const BASE = process.env.BASE;
export const OUT = process.env.OUT || 'build/test-logs/web';
const TMP = process.env.TMP_DIR || fs.mkdtempSync('/tmp/plateau-web-');

let passed = 0;
let failed = 0;

export function ok(name) {
	passed++;
	console.log('ok   ' + name);
}

export function ko(name, why) {
	failed++;
	console.log('FAIL ' + name + (why ? ': ' + why : ''));
}

export function check(name, cond, why) {
	if (cond)
		ok(name);
	else
		ko(name, why);
	return cond;
}

export function summary() {
	console.log(`${passed} passed, ${failed} failed`);
	return failed === 0;
}

// A fresh browser profile (its own user-data-dir under the test's temp
// folder), headless, offline-friendly flags.
export async function browser(name, opts = {}) {
	const dir = path.join(TMP, 'profile-' + name);
	fs.mkdirSync(dir, {recursive: true});
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update', '--disable-sync',
			'--no-first-run'],
		viewport: {width: 1280, height: 900},
		locale: opts.locale || 'fr-FR',
	});
	ctx.setDefaultTimeout(8000);
	return ctx;
}

// Opens a page that records console errors and page errors (a blocked
// CDN or a CSP violation shows up there).
export async function open(ctx, url) {
	const page = ctx.pages()[0] || await ctx.newPage();
	page.errors = [];
	page.on('console', m => {
		if (m.type() === 'error')
			page.errors.push(m.text());
	});
	page.on('pageerror', e => page.errors.push(String(e)));
	// A request cut by the browser itself (the event stream or a poll
	// in flight when the test moves the page to another URL) is
	// ERR_ABORTED and no error; a server's failure shows otherwise
	// (ERR_EMPTY_RESPONSE, ERR_CONNECTION_RESET, ...).
	page.on('requestfailed', r => {
		if (r.failure().errorText === 'net::ERR_ABORTED')
			return;
		page.errors.push('failed ' + r.url() + ' ' +
			r.failure().errorText);
	});
	await page.goto(BASE + url);
	return page;
}

export async function shot(page, name) {
	fs.mkdirSync(OUT, {recursive: true});
	await page.screenshot({path: path.join(OUT, name + '.png'),
		fullPage: true});
}

// Waits until fn() (in the page) is truthy; false after ms.
export async function until(page, fn, arg, ms = 8000) {
	try {
		await page.waitForFunction(fn, arg, {timeout: ms, polling: 100});
		return true;
	} catch (e) {
		return false;
	}
}

export async function login(page, user, password) {
	await page.fill('#user', user);
	await page.fill('#password', password);
	await page.click('#login-go');
}

// The API as a program would use it (for setup and cross-checks).
export async function apiLogin(user, password) {
	const r = await fetch(BASE + '/api/v1/login', {method: 'POST',
		headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({user, password})});
	const j = await r.json();
	if (!j.token)
		throw new Error('login ' + user + ': ' + JSON.stringify(j));
	return j.token;
}

export async function api(token, method, p, body) {
	const r = await fetch(BASE + p, {method, headers: {
		Authorization: 'Bearer ' + token,
		'Content-Type': 'application/json'},
	body: body === undefined ? undefined : JSON.stringify(body)});
	const text = await r.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch (e) {
		json = null;
	}
	return {status: r.status, json, text};
}
