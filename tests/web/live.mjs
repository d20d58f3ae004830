// live.mjs — the pages against the real server (live.sh starts it, the
// phone and hands over the caller commands in CALLER1 and CALLER2).
import {spawn} from 'node:child_process';
import {check, ko, summary, browser, open, shot, until, login,
	apiLogin, api} from './lib.mjs';

const kids = [];

// Starts a sipp caller that stays durMs after being answered.
function call(cmd, durMs) {
	const p = spawn('sh', ['-c', 'DUR=' + durMs + '; ' + cmd],
		{stdio: 'ignore'});
	kids.push(p);
	return new Promise(res => p.on('exit', code => res(code)));
}

const row = q => `#queues tr[data-queue="${q}"]`;
const Q = 'hx-vip-fr';

// The admin renames hx-vip-fr and shortens its wrap-up: the engine takes
// it and the wallboard shows the new name without reloading.
async function adminEdit(ctx, wall, sup) {
	const adm = await ctx.newPage();
	adm.errors = [];
	adm.on('console', m => {
		if (m.type() === 'error')
			adm.errors.push(m.text());
	});
	await adm.goto(process.env.BASE + '/admin.html?lang=fr');
	await adm.waitForSelector('#login-view:not([hidden])');
	await login(adm, 'hx-admin', 'demo-hx-admin');
	check('admin: the tenant\'s queues are listed', await until(adm, () =>
		document.querySelector('#list tr[data-id="hx-vip-fr"]') !== null &&
		document.querySelector('#list tr[data-id^="nk-"]') === null));
	await adm.click('#list tr[data-id="hx-vip-fr"] button.edit');
	await adm.fill('#fields [name="name"]', 'Hexatel — Premium (live)');
	await adm.fill('#fields [name="wrapup_s"]', '12');
	await adm.click('#save');
	check('admin: saved', await until(adm, () =>
		document.querySelector('#edit-msg').classList.contains('ok')),
	await adm.evaluate(() => document.querySelector('#edit-msg')
		.textContent));
	// The list is re-read after the save: the row is briefly absent.
	check('admin: the list shows the new name', await until(adm, () =>
		document.querySelector('#list tr[data-id="hx-vip-fr"]')
			?.textContent.includes('Premium (live)')));
	await shot(adm, 'live-admin');
	const q = await api(sup, 'GET', '/api/v1/queues/' + Q);
	check('the engine took the new wrap-up (12 s)',
		q.json && q.json.wrapup_ms === 12000, q.text.slice(0, 200));
	check('wallboard: the new name shows without reload',
		await until(wall, s => {
			const r = document.querySelector(s);
			return window.notReloaded && r &&
				r.querySelector('th').textContent ===
					'Hexatel — Premium (live)';
		}, row(Q), 12000));
	await shot(wall, 'live-wallboard-after-admin');
	check('wallboard: it came as a config event of the stream',
		await wall.evaluate(() =>
			Number(document.body.dataset.configEvents || 0) >= 1));
	// Another admin session changes the queue through the API: the
	// admin page's list follows from the event stream, no reload.
	const other = await apiLogin('hx-admin', 'demo-hx-admin');
	const r = await api(other, 'PATCH', '/api/v1/config/queues/' + Q,
		{name: 'Hexatel — Premium (api)'});
	check('another admin renames the queue through the API -> 200',
		r.status === 200, r.text.slice(0, 200));
	check('admin: the list follows the config event without reload',
		await until(adm, () => {
			const tr = document.querySelector(
				'#list tr[data-id="hx-vip-fr"]');
			return tr && tr.textContent.includes('Premium (api)') &&
				Number(document.body.dataset.configEvents) >= 2;
		}, null, 5000));
	check('admin: no console error', adm.errors.length === 0,
		adm.errors.join(' | '));
}

const ctx = await browser('live');
try {
	// ---- the agent logs in at casa-001 and pauses ----
	const desk = await open(ctx, '/desk.html?lang=fr');
	await desk.waitForSelector('#login-view:not([hidden])');
	await login(desk, 'a.benali', 'demo-a.benali');
	check('desk: a.benali logged in, picks a position',
		await until(desk, () =>
			!document.querySelector('#position-view').hidden));
	await desk.selectOption('#position', 'casa-001');
	await desk.click('#position-go');
	check('desk: logged in at casa-001',
		await until(desk, () => !document.querySelector('#work-view')
			.hidden && document.querySelector('#state-detail')
			.textContent.includes('casa-001')));
	if (await desk.evaluate(() => document.querySelector('#state')
		.dataset.state !== 'paused')) {
		await desk.selectOption('#pause-reason', 'break');
		await desk.click('#pause');
	}
	check('desk: paused (break)', await until(desk, () =>
		document.querySelector('#state').dataset.state === 'paused'));

	// ---- the supervisor's wallboard ----
	const wall = await ctx.newPage();
	wall.errors = [];
	wall.on('console', m => {
		if (m.type() === 'error')
			wall.errors.push(m.text());
	});
	await wall.goto(process.env.BASE + '/wallboard.html?lang=fr');
	await wall.waitForSelector('#login-view:not([hidden])');
	await login(wall, 'hx-sup', 'demo-hx-sup');
	check('wallboard: hx-vip-fr listed, nothing waiting',
		await until(wall, s => {
			const r = document.querySelector(s);
			return r && r.querySelector('.waiting').textContent === '0';
		}, row(Q)));
	await wall.evaluate(() => { window.notReloaded = true; });

	// ---- a caller gives up in the queue: the queue misses its target --
	const short = call(process.env.CALLER1, 1500);
	check('wallboard: the waiting call shows (no reload)',
		await until(wall, s => {
			const r = document.querySelector(s);
			return window.notReloaded && r &&
				r.querySelector('.waiting').textContent === '1';
		}, row(Q)));
	await shot(wall, 'live-wallboard-waiting');
	await short;
	check('wallboard: the abandon counts, the queue turns red',
		await until(wall, s => {
			const r = document.querySelector(s);
			return window.notReloaded && r &&
				r.querySelector('.abandoned').textContent === '1' &&
				r.querySelector('.waiting').textContent === '0' &&
				r.className === 'q-miss';
		}, row(Q)));
	const bg = await wall.evaluate(s => getComputedStyle(
		document.querySelector(s)).backgroundColor, row(Q));
	check('wallboard: under-target colour is painted', bg ===
		'rgb(253, 227, 225)', bg);

	// ---- a second caller waits; the agent goes ready and gets it ----
	const long = call(process.env.CALLER2, 9000);
	check('wallboard: the second call waits',
		await until(wall, s => {
			const r = document.querySelector(s);
			return r && r.querySelector('.waiting').textContent === '1';
		}, row(Q)));
	await desk.click('#ready');
	check('desk: the call arrives (on call)', await until(desk, () =>
		document.querySelector('#state').dataset.state === 'on-call'));
	check('desk: screen pop: caller number, queue, language',
		await until(desk, () =>
			!document.querySelector('#call-info').hidden &&
			document.querySelector('#call-caller').textContent ===
				'06611' &&
			document.querySelector('#call-queue').textContent ===
				'Hexatel — Clients Premium' &&
			document.querySelector('#call-lang').textContent ===
				'Français'));
	check('desk: screen pop: the earlier call from the same number',
		await until(desk, () => {
			const rows = document.querySelectorAll('#previous tbody tr');
			return rows.length === 1 &&
				rows[0].textContent.includes('Abandonné');
		}));
	await shot(desk, 'live-desk-call');
	check('wallboard: the answered call shows (no reload)',
		await until(wall, s => {
			const r = document.querySelector(s);
			const a = document.querySelector(
				'#agents tr[data-agent="a.benali"] .badge');
			return window.notReloaded && r &&
				r.querySelector('.waiting').textContent === '0' &&
				r.querySelector('.answered').textContent === '1' &&
				a && a.dataset.state === 'on-call';
		}, row(Q)));
	await shot(wall, 'live-wallboard-answered');

	// ---- the caller hangs up: wrap-up, disposition and notes ----
	await long;
	check('desk: wrap-up after the call', await until(desk, () =>
		document.querySelector('#state').dataset.state === 'wrap-up' &&
		document.querySelector('#wrapup-call').textContent
			.includes('06611'), null, 15000));
	await desk.selectOption('#disposition', 'resolved');
	await desk.fill('#notes', 'client satisfait');
	await desk.click('#disposition-save');
	check('desk: disposition saved', await until(desk, () =>
		document.querySelector('#wrapup-msg').classList.contains('ok')));
	await shot(desk, 'live-desk-wrapup');
	const sup = await apiLogin('hx-sup', 'demo-hx-sup');
	let r = null;
	for (let i = 0; i < 30; i++) {
		r = await api(sup, 'GET', '/api/v1/calls?outcome=answered');
		if (r.text.includes('"disposition":"resolved"'))
			break;
		await new Promise(res => setTimeout(res, 100));
	}
	check('the call record holds the disposition and notes',
		r.text.includes('"caller":"06611"') && r.text.includes(
			'"disposition":"resolved","notes":"client satisfait"'),
		r.text.slice(0, 400));
	check('wallboard: chart counts the day\'s 2 calls',
		await until(wall, () => {
			let n = 0;
			for (const t of document.querySelectorAll('#chart rect title'))
				n += parseInt(t.textContent, 10) || 0;
			return n === 2;
		}));
	await shot(wall, 'live-wallboard-chart');

	// ---- admin: an edit applies live (engine and wallboard) ----
	// (needs the API's /api/v1/config routes; a server without them is
	// said so, and these checks are skipped, not passed)
	const hxa = await apiLogin('hx-admin', 'demo-hx-admin');
	const probe = await api(hxa, 'GET', '/api/v1/config/queues');
	if (probe.status === 404)
		console.log('SKIP admin live edit: no /api/v1/config routes');
	else
		await adminEdit(ctx, wall, sup);

	// ---- Arabic desktop: right-to-left ----
	check('desk: no console error', desk.errors.length === 0,
		desk.errors.join(' | '));
	const ar = desk;        // same tab: the session stays
	await ar.goto(process.env.BASE + '/desk.html?lang=ar');
	await ar.waitForSelector('#work-view:not([hidden])');
	const d = await ar.evaluate(() => ({
		dir: document.documentElement.dir,
		body: getComputedStyle(document.body).direction,
		card: getComputedStyle(document.querySelector('#call-panel'))
			.direction,
		title: document.querySelector('h1').textContent,
	}));
	check('desk ar: dir="rtl", computed direction rtl',
		d.dir === 'rtl' && d.body === 'rtl' && d.card === 'rtl',
		JSON.stringify(d));
	check('desk ar: Arabic title', d.title === 'مكتب الوكيل', d.title);
	await shot(ar, 'live-desk-ar');

	check('wallboard: no console error', wall.errors.length === 0,
		wall.errors.join(' | '));
} catch (e) {
	ko('browser run', e.stack || String(e));
} finally {
	for (const k of kids)
		k.kill();
	await ctx.close();
}
process.exit(summary() ? 0 : 1);
