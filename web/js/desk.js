// desk.js — the agent desktop: log in, take a position, Ready / Pause /
// Logout, the current call with its screen pop, disposition and notes at
// wrap-up, callback scheduling. Live through the event stream.
import {Client} from './api.js';
import {t, duration, clock} from './i18n.js';
import {$, el, show, say, options, debounce} from './ui.js';
import {frame, start} from './page.js';

frame('desk.title');
const api = new Client('desk');
const desk = {
	setup: null,        // GET /api/v1/desk
	state: null,        // agent state name
	since: 0,           // performance.now() when the state began, ms
	pop: null,          // GET /api/v1/desk/call
	stream: null,
};

function me() {
	return api.session && api.session.agent;
}

function view(name) {
	for (const v of ['login', 'position', 'work'])
		show('#' + v + '-view', v === name);
	$('#signout').hidden = name === 'login';
	$('#who').textContent = api.session ? api.session.user : '';
}

// ---- state ------------------------------------------------------------

function paintState() {
	const s = desk.state || 'logged-out';
	const b = $('#state');
	b.dataset.state = s;
	b.textContent = t('state.' + s);
	const a = desk.setup && desk.setup.agent;
	let detail = '';
	if (a && a.position)
		detail = t('desk.at_position', {position: a.position});
	if (s === 'paused' && a && a.reason) {
		const r = desk.setup.pause_reasons.find(x => x.id === a.reason);
		detail += ' · ' + (r ? r.name : a.reason);
	}
	$('#state-detail').textContent = detail;
	$('#ready').disabled = s === 'ready' || s === 'on-call' ||
		s === 'offered';
	$('#pause').disabled = s === 'paused';
	tick();
}

function tick() {
	if (!desk.state)
		return;
	$('#state-timer').textContent =
		duration(performance.now() - desk.since);
}

async function refresh() {
	const d = await api.get('/api/v1/desk');
	desk.setup = d;
	desk.state = d.agent.state || 'logged-out';
	desk.since = performance.now() - (d.agent.since_ms || 0);
	options('#pause-reason', d.pause_reasons);
	options('#disposition', d.dispositions);
	options('#position', d.positions, p =>
		p.id + (p.site_name ? ' — ' + p.site_name : ''));
	if (desk.state === 'logged-out') {
		view('position');
		return;
	}
	view('work');
	paintState();
	await refreshCall();
}

// ---- the call and its screen pop ---------------------------------------

function langName(id) {
	const k = 'lang.' + id;
	const s = t(k);
	return s === k ? id : s;
}

async function refreshCall() {
	const p = await api.get('/api/v1/desk/call');
	desk.pop = p;
	const c = p.call;
	show('#call-none', !c);
	show('#call-info', Boolean(c));
	if (c) {
		$('#call-caller').textContent = c.caller || t('desk.unknown');
		$('#call-queue').textContent = c.queue_name || c.queue;
		$('#call-lang').textContent = langName(c.language);
		$('#call-status').textContent = c.connected ?
			t('desk.connected') : t('desk.ringing');
		if (c.caller && !$('#cb-number').value)
			$('#cb-number').value = c.caller;
	}
	const last = p.last;
	$('#wrapup-call').textContent = last ?
		t('desk.last_call', {caller: last.caller || t('desk.unknown'),
			queue: last.queue_name || last.queue,
			when: clock(last.end_ms)}) : t('desk.no_last_call');
	$('#disposition-save').disabled = !last;
	if (last && last.disposition)
		$('#disposition').value = last.disposition;
	if (last && !c && !$('#cb-number').value && last.caller)
		$('#cb-number').value = last.caller;
	const tb = $('#previous tbody');
	tb.replaceChildren();
	for (const r of p.previous || []) {
		tb.append(el('tr', {},
			el('td', {}, clock(r.arrive_ms)),
			el('td', {}, r.queue || ''),
			el('td', {}, r.agent || ''),
			el('td', {}, t('outcome.' + r.outcome)),
			el('td', {}, r.disposition || ''),
			el('td', {class: 'notes'}, r.notes || '')));
	}
	show('#previous-none', !(p.previous || []).length);
	show('#previous', (p.previous || []).length > 0);
}

// ---- actions -----------------------------------------------------------

async function act(action, body, msgSel = '#action-msg') {
	try {
		await api.post('/api/v1/agents/' + encodeURIComponent(me()) +
			'/' + action, body || {});
		say(msgSel, null);
		await refresh();
		return true;
	} catch (e) {
		say(msgSel, e);
		return false;
	}
}

async function saveDisposition() {
	const body = {disposition: $('#disposition').value};
	const notes = $('#notes').value.trim();
	if (notes)
		body.notes = notes;
	try {
		await api.post('/api/v1/agents/' + encodeURIComponent(me()) +
			'/disposition', body);
		say('#wrapup-msg', null, t('desk.saved'));
		$('#notes').value = '';
		await refreshCall();
	} catch (e) {
		say('#wrapup-msg', e);
	}
}

async function scheduleCallback() {
	const number = $('#cb-number').value.trim();
	const when = $('#cb-when').value;
	if (!number || !when) {
		say('#cb-msg', {code: 'cb_missing'});
		return;
	}
	const at = new Date(when);
	const body = {number, at_ms: at.getTime()};
	const notes = $('#cb-notes').value.trim();
	if (notes)
		body.notes = notes;
	if (desk.pop && desk.pop.last)
		body.call_id = desk.pop.last.call_id;
	try {
		await api.post('/api/v1/agents/' + encodeURIComponent(me()) +
			'/callback', body);
		say('#cb-msg', null, t('desk.cb_done'));
		$('#cb-list').prepend(el('li', {},
			el('span', {dir: 'ltr'}, number), ' · ', clock(at.getTime()),
			notes ? ' · ' + notes : ''));
		$('#cb-notes').value = '';
	} catch (e) {
		say('#cb-msg', e);
	}
}

// ---- live --------------------------------------------------------------

const refreshSoon = debounce(() => refresh().catch(() => {}), 150);

function onEvent(ev) {
	if (ev.agent && ev.agent !== me())
		return;
	if (ev.type === 'agent-state' || ev.type === 'offer' ||
	    ev.type === 'connect' || ev.type === 'complete' ||
	    ev.type === 'offer-stop' || ev.type === 'offer-no-answer' ||
	    ev.type === 'offer-declined' || ev.type === 'offer-failed' ||
	    ev.type === 'wrapup-end' || ev.type === 'abandon')
		refreshSoon();
}

function startStream() {
	if (desk.stream)
		desk.stream.close();
	desk.stream = api.stream(onEvent, s => {
		$('#stream').dataset.state = s;
	});
}

async function boot() {
	try {
		if (!me()) {
			say('#login-msg', {code: 'not_agent'});
			api.forget();
			view('login');
			return;
		}
		await refresh();
		startStream();
	} catch (e) {
		view('login');
		say('#login-msg', e);
	}
}

function wire() {
	$('#position-go').addEventListener('click', () =>
		act('login', {position: $('#position').value},
			'#position-msg'));
	$('#ready').addEventListener('click', () => act('ready'));
	$('#pause').addEventListener('click', () =>
		act('pause', {reason: $('#pause-reason').value}));
	$('#logout').addEventListener('click', () => act('logout'));
	$('#disposition-save').addEventListener('click', saveDisposition);
	$('#cb-save').addEventListener('click', scheduleCallback);
	document.addEventListener('langchange', () => {
		if (desk.setup && desk.state) {
			paintState();
			refreshCall().catch(() => {});
		}
	});
	setInterval(tick, 1000);
}

wire();
start({api, boot, view, signout: () => {
	if (desk.stream)
		desk.stream.close();
}});
