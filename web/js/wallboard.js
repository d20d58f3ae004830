// wallboard.js — the supervisor's wallboard: queues (waiting, longest
// wait, today's service level against target, abandoned, agents by
// state), sites and agents with timers, and the day's chart; refreshed
// from the live event stream, never by reloading the page.
import {Client} from './api.js';
import {t, duration} from './i18n.js';
import {$, el, show, say, debounce} from './ui.js';
import {bucket, draw} from './chart.js';
import {frame, start} from './page.js';

frame('wall.title', {extra: '<span id="updated" class="muted"></span>'});
const api = new Client('wallboard');
const wall = {
	queues: [],
	agents: [],
	sites: [],
	calls: [],
	at: 0,              // performance.now() of the last live read
	stream: null,
	events: 0,          // events received (shown in the title)
	configEvents: 0,    // configuration changes announced
};

function view(name) {
	show('#login-view', name === 'login');
	show('#board-view', name === 'board');
	$('#signout').hidden = name === 'login';
	$('#who').textContent = api.session ? api.session.user : '';
}

const pct = v => v === null || v === undefined ? '–' : v + '%';

// Today's figures when the server counts them per day (q.today, since
// local midnight), else the engine's counters since it started.
function day(q) {
	const l = q.live || {};
	const d = q.today;
	if (d)
		return {answered: d.answered, abandoned: d.abandoned,
			exited: d.exited, inSl: d.answered_in_sl,
			sl: d.service_level_pct, meets: d.meets_target};
	return {answered: l.answered, abandoned: l.abandoned,
		exited: l.exited, inSl: l.answered_in_sl,
		sl: l.service_level_pct, meets: null};
}

// A queue's colour: missing its target (red), a call already waiting
// past the threshold (amber), or fine (green).
function health(q) {
	const l = q.live || {};
	const d = day(q);
	if (d.meets === false ||
	    (d.meets === null && d.sl !== null && d.sl !== undefined &&
	     d.sl < q.sl_target))
		return 'miss';
	if (l.waiting && l.longest_wait_ms > q.sl_time_ms)
		return 'warn';
	return 'ok';
}

function paintQueues() {
	const tb = $('#queues tbody');
	const elapsed = performance.now() - wall.at;
	tb.replaceChildren();
	let waiting = 0, longest = 0, answered = 0, abandoned = 0;
	let inSl = 0, done = 0;
	for (const q of wall.queues) {
		const l = q.live || {agents: {}};
		const lw = l.waiting ? l.longest_wait_ms + elapsed : null;
		waiting += l.waiting || 0;
		longest = Math.max(longest, lw || 0);
		const d = day(q);
		answered += d.answered || 0;
		abandoned += d.abandoned || 0;
		inSl += d.inSl || 0;
		done += (d.answered || 0) + (d.abandoned || 0) +
			(d.exited || 0);
		const a = l.agents || {};
		tb.append(el('tr', {class: 'q-' + health(q),
				dataset: {queue: q.id}},
			el('th', {scope: 'row'}, q.name || q.id),
			el('td', {class: 'waiting'}, l.waiting || 0),
			el('td', {class: 'longest'}, lw === null ? '–' :
				duration(lw)),
			el('td', {class: 'sl'}, pct(d.sl)),
			el('td', {}, q.sl_target + '% / ' +
				Math.round(q.sl_time_ms / 1000) + ' s'),
			el('td', {class: 'answered'}, d.answered || 0),
			el('td', {class: 'abandoned'}, d.abandoned || 0),
			el('td', {}, a.ready || 0),
			el('td', {}, a['on-call'] || 0),
			el('td', {}, a['wrap-up'] || 0),
			el('td', {}, a.paused || 0)));
	}
	$('#t-waiting').textContent = waiting;
	$('#t-longest').textContent = waiting ? duration(longest) : '–';
	$('#t-sl').textContent = done ? Math.round(100 * inSl / done) + '%' :
		'–';
	$('#t-answered').textContent = answered;
	$('#t-abandoned').textContent = abandoned;
}

function paintAgents() {
	const elapsed = performance.now() - wall.at;
	const bySite = new Map();
	const tb = $('#agents tbody');
	tb.replaceChildren();
	const working = wall.agents.filter(a => a.live &&
		a.live.state !== 'logged-out');
	for (const a of working) {
		const l = a.live;
		const site = l.site || '–';
		const s = bySite.get(site) || {};
		s[l.state] = (s[l.state] || 0) + 1;
		bySite.set(site, s);
		tb.append(el('tr', {dataset: {agent: a.id}},
			el('th', {scope: 'row'}, a.name || a.id),
			el('td', {}, siteName(site)),
			el('td', {}, l.position || ''),
			el('td', {}, el('span', {class: 'badge',
				dataset: {state: l.state}}, t('state.' + l.state))),
			el('td', {class: 'timer'}, duration(l.since_ms + elapsed))));
	}
	const st = $('#sites tbody');
	st.replaceChildren();
	for (const [site, s] of [...bySite].sort()) {
		st.append(el('tr', {dataset: {site}},
			el('th', {scope: 'row'}, siteName(site)),
			el('td', {}, s.ready || 0),
			el('td', {}, s.offered || 0),
			el('td', {}, s['on-call'] || 0),
			el('td', {}, s['wrap-up'] || 0),
			el('td', {}, s.paused || 0)));
	}
}

function siteName(id) {
	const s = wall.sites.find(x => x.id === id);
	return s ? s.name || s.id : id;
}

function paintChart() {
	const th = new Map(wall.queues.map(q => [q.id, q.sl_time_ms]));
	const b = bucket(wall.calls, 30, q => th.get(q) ?? 20000);
	const targets = wall.queues.map(q => q.sl_target);
	const target = targets.length ?
		targets.reduce((a, v) => a + v, 0) / targets.length / 100 : 0.8;
	draw($('#chart'), b, target);
}

// Each sign-in and sign-out starts a new session generation: an answer
// that arrives for an older one (a read started before the user changed)
// is dropped, so one tenant's floor never paints over another's.
wall.gen = 0;

async function readLive() {
	const gen = wall.gen;
	const [q, a] = await Promise.all([api.get('/api/v1/queues'),
		api.get('/api/v1/agents')]);
	if (gen !== wall.gen)
		return;
	wall.queues = q.queues;
	wall.agents = a.agents;
	wall.at = performance.now();
	paintQueues();
	paintAgents();
	$('#updated').textContent = t('wall.updated', {
		time: new Date().toLocaleTimeString()});
}

async function readCalls() {
	const gen = wall.gen;
	const c = await api.get('/api/v1/calls?limit=5000');
	if (gen !== wall.gen)
		return;
	wall.calls = c.calls;
	paintChart();
}

const liveSoon = debounce(() => readLive().catch(() => {}), 200);
const callsSoon = debounce(() => readCalls().catch(() => {}), 1000);

function onEvent(ev) {
	if (ev.type === 'config') {
		// an admin's change (a queue's name, target, routing; an
		// agent's queues): the queues and agents as they now are
		wall.configEvents++;
		document.body.dataset.configEvents = wall.configEvents;
		liveSoon();
		return;
	}
	wall.events++;
	document.body.dataset.events = wall.events;
	liveSoon();
	if (ev.type === 'complete' || ev.type === 'abandon' ||
	    ev.type === 'exit' || ev.type === 'call-enter')
		callsSoon();
}

async function boot() {
	const gen = ++wall.gen;
	try {
		if (api.session.role === 'agent') {
			api.forget();
			throw {code: 'not_supervisor'};
		}
		const s = await api.get('/api/v1/sites');
		if (gen !== wall.gen)
			return;
		wall.sites = s.sites;
		view('board');
		await readLive();
		await readCalls();
		if (gen !== wall.gen)
			return;
		if (wall.stream)
			wall.stream.close();
		wall.stream = api.stream(onEvent, st => {
			$('#stream').dataset.state = st;
			if (st === 'open')
				liveSoon();
		});
	} catch (e) {
		if (gen !== wall.gen)
			return;
		view('login');
		say('#login-msg', e);
	}
}

document.addEventListener('langchange', () => {
	if (wall.queues.length) {
		paintQueues();
		paintAgents();
		paintChart();
	}
});
setInterval(() => {
	if (wall.queues.length) {
		paintQueues();
		paintAgents();
	}
}, 1000);
// Configuration changes come as `config` events of the stream (above);
// sites and positions, shared by every tenant, are announced to the
// operator only: re-read every 30 s as well for those.
setInterval(() => {
	if (!$('#board-view').hidden)
		liveSoon();
}, 30000);

start({api, boot, view, signout: () => {
	wall.gen++;
	wall.queues = [];
	if (wall.stream)
		wall.stream.close();
}});
