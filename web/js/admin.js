// admin.js — administration of queues, agents and their skills,
// positions and DIDs through the API's configuration routes; a change
// applies to the running engine at once (the wallboard shows it live).
import {Client} from './api.js';
import {pickLang, langMenus, t} from './i18n.js';
import {$, el, show, say} from './ui.js';

const api = new Client('admin');

const STRATEGIES = ['ring-all', 'linear', 'longest-idle', 'fewest-calls',
	'least-talk-time', 'round-robin', 'random', 'weighted-random',
	'best-skill'];
const LANGUAGES = ['fr', 'ar', 'en', 'de', 'es'];

const s2ms = v => v === '' ? undefined : Math.round(Number(v) * 1000);
const ms2s = v => v === undefined || v === null ? '' : v / 1000;
const list = v => (v || '').split(/[\s,]+/).filter(Boolean);

// Each kind: its list key, id field, columns and editable fields. A
// field reads a value from the listed object (from) and writes it into
// the request body (to); `fixed` fields are set at creation only.
const KINDS = {
	queues: {
		id: 'id',
		cols: ['id', 'name', 'strategy', 'skills', 'sl'],
		col: {sl: q => q.sl_target + '% / ' + ms2s(q.sl_time_ms) + ' s'},
		fields: [
			{k: 'id', fixed: true, req: true},
			{k: 'tenant', fixed: true, req: true, from: q => q.tenant},
			{k: 'name', req: true},
			{k: 'strategy', opts: STRATEGIES},
			{k: 'skills'},
			{k: 'sl_target', num: true,
				to: (b, v) => { b.sl_target = Number(v); }},
			{k: 'sl_time_s', num: true, from: q => ms2s(q.sl_time_ms),
				to: (b, v) => { b.sl_time_ms = s2ms(v); }},
			{k: 'ring_timeout_s', num: true,
				from: q => ms2s(q.ring_timeout_ms),
				to: (b, v) => { b.ring_timeout_ms = s2ms(v); }},
			{k: 'wrapup_s', num: true, from: q => ms2s(q.wrapup_ms),
				to: (b, v) => { b.wrapup_ms = s2ms(v); }},
			{k: 'max_wait_s', num: true,
				from: q => ms2s(q.max_wait_ms),
				to: (b, v) => { b.max_wait_ms = s2ms(v); }},
			{k: 'max_len', num: true},
			{k: 'language', opts: LANGUAGES},
		],
	},
	agents: {
		id: 'id',
		cols: ['id', 'name', 'skills', 'queues'],
		col: {queues: a => (a.queues || []).join(', ')},
		fields: [
			{k: 'id', fixed: true, req: true},
			{k: 'tenant', fixed: true, from: a => a.tenant},
			{k: 'name', req: true},
			{k: 'skills'},
			{k: 'queues', from: a => (a.queues || []).join(' '),
				to: (b, v) => { b.queues = list(v); }},
		],
	},
	positions: {
		id: 'id',
		cols: ['id', 'site', 'sip_user'],
		fields: [
			{k: 'id', fixed: true, req: true},
			{k: 'site', req: true},
			{k: 'sip_user'},
			{k: 'sip_password', secret: true},
		],
	},
	dids: {
		id: 'number',
		cols: ['number', 'tenant', 'route', 'language'],
		col: {route: d => d.queue || d.menu || ''},
		fields: [
			{k: 'number', fixed: true, req: true},
			{k: 'tenant', fixed: true, req: true},
			{k: 'queue'},
			{k: 'menu'},
			{k: 'language', opts: LANGUAGES},
		],
	},
};

const adm = {kind: 'queues', rows: [], editing: null};

function view(name) {
	show('#login-view', name === 'login');
	show('#admin-view', name === 'admin');
	$('#signout').hidden = name === 'login';
	$('#who').textContent = api.session ? api.session.user : '';
}

async function load(kind) {
	adm.kind = kind;
	for (const b of document.querySelectorAll('.tabs button'))
		b.setAttribute('aria-selected', String(b.dataset.kind === kind));
	$('#list-title').textContent = t('admin.' + kind);
	const K = KINDS[kind];
	const head = $('#list thead');
	head.replaceChildren(el('tr', {}, ...K.cols.map(c =>
		el('th', {}, t('field.' + c))), el('th', {})));
	const body = $('#list tbody');
	body.replaceChildren();
	try {
		const d = await api.get('/api/v1/' + kind);
		adm.rows = d[kind] || [];
		say('#list-msg', null);
	} catch (e) {
		adm.rows = [];
		say('#list-msg', e);
		return;
	}
	for (const row of adm.rows) {
		body.append(el('tr', {dataset: {id: row[K.id]}},
			...K.cols.map(c => el('td', {},
				K.col && K.col[c] ? K.col[c](row) :
					row[c] === undefined || row[c] === null ? '' :
						String(row[c]))),
			el('td', {}, el('button', {type: 'button',
				class: 'edit', onclick: () => edit(row)},
			t('admin.edit')))));
	}
}

function edit(row) {
	const K = KINDS[adm.kind];
	adm.editing = row;
	$('#editor-title').textContent = row ?
		t('admin.editing', {id: row[K.id]}) : t('admin.new');
	const box = $('#fields');
	box.replaceChildren();
	for (const f of K.fields) {
		const v = row ? (f.from ? f.from(row) : row[f.k]) : '';
		let input;
		if (f.opts) {
			input = el('select', {name: f.k});
			if (!f.req)
				input.append(el('option', {value: ''}, ''));
			for (const o of f.opts)
				input.append(el('option', {value: o}, o));
			input.value = v ?? '';
		} else {
			input = el('input', {name: f.k, type: f.secret ?
				'password' : f.num ? 'number' : 'text',
			step: f.num ? 'any' : null});
			input.value = v === undefined || v === null ? '' : v;
		}
		if (row && f.fixed)
			input.disabled = true;
		box.append(el('label', {}, el('span', {}, t('field.' + f.k)),
			input));
	}
	$('#delete').hidden = !row;
	say('#edit-msg', null);
	show('#editor', true);
}

function body() {
	const K = KINDS[adm.kind];
	const b = {};
	for (const f of K.fields) {
		const input = $('#fields [name="' + f.k + '"]');
		if (input.disabled)
			continue;
		const v = input.value.trim();
		if (v === '' && !f.req)
			continue;
		if (f.to)
			f.to(b, v);
		else
			b[f.k] = f.num ? Number(v) : v;
	}
	return b;
}

async function save(ev) {
	ev.preventDefault();
	const K = KINDS[adm.kind];
	const row = adm.editing;
	try {
		if (row)
			await api.call('PUT', '/api/v1/' + adm.kind + '/' +
				encodeURIComponent(row[K.id]), body());
		else
			await api.call('POST', '/api/v1/' + adm.kind, body());
		say('#edit-msg', null, t('admin.saved'));
		await load(adm.kind);
		const again = adm.rows.find(r => r[K.id] ===
			(row ? row[K.id] : body()[K.id]));
		if (again)
			adm.editing = again;
	} catch (e) {
		say('#edit-msg', e);
	}
}

async function remove() {
	const K = KINDS[adm.kind];
	const row = adm.editing;
	if (!row || !confirm(t('admin.confirm_delete', {id: row[K.id]})))
		return;
	try {
		await api.call('DELETE', '/api/v1/' + adm.kind + '/' +
			encodeURIComponent(row[K.id]));
		show('#editor', false);
		await load(adm.kind);
	} catch (e) {
		say('#edit-msg', e);
	}
}

async function boot() {
	try {
		if (api.session.role !== 'admin') {
			api.forget();
			throw {code: 'not_admin'};
		}
		view('admin');
		await load(adm.kind);
	} catch (e) {
		view('login');
		say('#login-msg', e);
	}
}

$('#login-form').addEventListener('submit', async ev => {
	ev.preventDefault();
	try {
		await api.login($('#user').value.trim(), $('#password').value);
		$('#password').value = '';
		say('#login-msg', null);
		await boot();
	} catch (e) {
		say('#login-msg', e);
	}
});
for (const b of document.querySelectorAll('.tabs button')) {
	b.addEventListener('click', () => {
		show('#editor', false);
		load(b.dataset.kind);
	});
}
$('#new').addEventListener('click', () => edit(null));
$('#edit-form').addEventListener('submit', save);
$('#delete').addEventListener('click', remove);
$('#cancel').addEventListener('click', () => show('#editor', false));
$('#signout').addEventListener('click', async () => {
	await api.logout();
	view('login');
});
api.onexpired = () => view('login');
document.addEventListener('langchange', () => {
	if (!$('#admin-view').hidden)
		load(adm.kind);
});

pickLang();
langMenus();
if (api.session)
	boot();
else
	view('login');
