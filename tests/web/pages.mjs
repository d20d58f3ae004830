// pages.mjs — the pages in headless chromium against the api test server
// (build/bin/api_server, seeded): start page, agent desktop (login,
// pause with a reason, ready, disposition and notes), Arabic
// right-to-left, wallboard updated live from the event stream.
import {BASE, check, ko, summary, browser, open, shot, until, login,
	apiLogin, api} from './lib.mjs';

const ctx = await browser('pages');
try {
	// ---- start page: links, no console error, nothing from outside ----
	let page = await open(ctx, '/');
	await page.waitForSelector('#go-desk');
	check('start page links the three pages',
		await page.locator('nav.home a').count() === 3);
	check('start page: no console error', page.errors.length === 0,
		page.errors.join(' | '));
	// the three string tables have the same keys, and every key a page
	// names exists
	const keys = await page.evaluate(async () => {
		const {TABLES} = await import('/js/i18n.js');
		const k = l => Object.keys(TABLES[l]).sort().join(',');
		const used = [];
		for (const url of ['/', '/desk.html', '/wallboard.html',
			'/admin.html', '/js/page.js']) {
			const html = await (await fetch(url)).text();
			for (const m of html.matchAll(/data-i18n[a-z-]*="([^"]+)"/g))
				used.push(m[1]);
		}
		return {same: k('fr') === k('en') && k('fr') === k('ar'),
			missing: used.filter(x => !(x in TABLES.fr) ||
				!(x in TABLES.ar) || !(x in TABLES.en))};
	});
	check('string tables fr/en/ar have the same keys', keys.same);
	check('every key the pages name is in the tables',
		keys.missing.length === 0, keys.missing.join(','));

	// ---- agent desktop ----
	page = await open(ctx, '/desk.html?lang=fr');
	await page.waitForSelector('#login-view:not([hidden])');
	await login(page, 'hx-agent', 'hx-pass-3');
	check('desk: agent logs in, work view',
		await until(page, () => !document.querySelector('#work-view').hidden));
	check('desk: state shows Disponible',
		await until(page, () => document.querySelector('#state')
			.textContent === 'Disponible'));
	await page.selectOption('#pause-reason', 'lunch');
	await page.click('#pause');
	check('desk: pause with a reason',
		await until(page, () => document.querySelector('#state')
			.dataset.state === 'paused' && document
			.querySelector('#state-detail').textContent
			.includes('Déjeuner')));
	await page.click('#ready');
	check('desk: ready again',
		await until(page, () => document.querySelector('#state')
			.dataset.state === 'ready'));
	check('desk: wrap-up names the last call',
		await until(page, () => document.querySelector('#wrapup-call')
			.textContent.includes('+212600000001')));
	await page.selectOption('#disposition', 'escalated');
	await page.fill('#notes', 'rappeler le client demain');
	await page.click('#disposition-save');
	check('desk: disposition saved message',
		await until(page, () => document.querySelector('#wrapup-msg')
			.classList.contains('ok')));
	await shot(page, 'desk-fr');
	const sup = await apiLogin('hx-sup', 'hx-pass-2');
	let r = null;
	for (let i = 0; i < 20; i++) {
		r = await api(sup, 'GET', '/api/v1/calls?agent=a.benali');
		if (r.text.includes('"disposition":"escalated"'))
			break;
		await new Promise(res => setTimeout(res, 100));
	}
	check('desk: the call record holds disposition and notes',
		r.text.includes('"disposition":"escalated","notes":' +
			'"rappeler le client demain"'), r.text.slice(0, 300));
	check('desk: no console error', page.errors.length === 0,
		page.errors.join(' | '));

	// ---- Arabic: right-to-left, strings from the Arabic table ----
	page = await open(ctx, '/desk.html?lang=ar');
	await page.waitForSelector('#work-view:not([hidden])');
	const dir = await page.evaluate(() => ({
		html: document.documentElement.dir,
		body: getComputedStyle(document.body).direction,
		state: getComputedStyle(document.querySelector('#state'))
			.direction,
		ready: document.querySelector('#ready').textContent,
	}));
	check('desk ar: html dir="rtl"', dir.html === 'rtl');
	check('desk ar: computed direction rtl', dir.body === 'rtl' &&
		dir.state === 'rtl', JSON.stringify(dir));
	check('desk ar: Arabic strings', dir.ready === 'متاح', dir.ready);
	await shot(page, 'desk-ar');
	await page.selectOption('#lang', 'en');
	check('desk: language menu switches to English, left-to-right',
		await until(page, () => document.documentElement.dir === 'ltr' &&
			document.querySelector('#ready').textContent === 'Ready'));

	// ---- wallboard: live from the stream, no reload ----
	page = await open(ctx, '/wallboard.html?lang=fr');
	await page.waitForSelector('#login-view:not([hidden])');
	await login(page, 'hx-sup', 'hx-pass-2');
	check('wallboard: queues of the tenant',
		await until(page, () => document.querySelector(
			'#queues tr[data-queue="hx-vip-fr"]') !== null));
	check('wallboard: agent a.benali ready',
		await until(page, () => {
			const r = document.querySelector(
				'#agents tr[data-agent="a.benali"] .badge');
			return r && r.dataset.state === 'ready';
		}));
	check('wallboard: no other tenant', await page.locator(
		'#queues tr[data-queue^="nk-"]').count() === 0);
	check('wallboard: chart drawn', await until(page, () =>
		document.querySelectorAll('#chart rect.bar').length > 0));
	await page.evaluate(() => { window.notReloaded = true; });
	const p = await api(sup, 'POST', '/api/v1/agents/a.benali/pause',
		{reason: 'coaching'});
	check('wallboard: supervisor forces a pause (API)', p.status === 200,
		p.text);
	check('wallboard: the pause shows without reload',
		await until(page, () => {
			const r = document.querySelector(
				'#agents tr[data-agent="a.benali"] .badge');
			return window.notReloaded && r &&
				r.dataset.state === 'paused';
		}));
	await shot(page, 'wallboard-hx');
	check('wallboard: no console error', page.errors.length === 0,
		page.errors.join(' | '));

	page = await open(ctx, '/wallboard.html');
	await page.click('#signout').catch(() => {});
	await page.waitForSelector('#login-view:not([hidden])');
	await login(page, 'nk-sup', 'nk-pass-2');
	check('wallboard nk: 2 calls waiting, queue row coloured',
		await until(page, () => {
			const r = document.querySelector(
				'#queues tr[data-queue="nk-returns-de"]');
			return r && r.querySelector('.waiting').textContent === '2' &&
				/^q-(ok|warn|miss)$/.test(r.className);
		}));
	await shot(page, 'wallboard-nk');
} catch (e) {
	ko('browser run', e.stack || String(e));
} finally {
	await ctx.close();
}
process.exit(summary() ? 0 : 1);
