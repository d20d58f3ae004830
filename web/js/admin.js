// admin.js — administration of queues, agents and their skills,
// positions and DIDs through the API's configuration routes; a change
// applies to the running engine at once (the wallboard shows it live).
import {Client} from './api.js';
import {t} from './i18n.js';
import {$, el, show, say, debounce} from './ui.js';
import {frame, start} from './page.js';

frame('admin.title');
const api = new Client('admin');

const STRATEGIES = ['ring-all', 'linear', 'longest-idle', 'fewest-calls',
	'least-talk-time', 'round-robin', 'random', 'weighted-random',
	'best-skill'];
const LANGUAGES = ['fr', 'ar', 'en', 'de', 'es'];

const num = v => v === '' ? undefined : Number(v);
const words = v => (v || '').split(/[\s,]+/).filter(Boolean);

// Memberships as the center file writes them: "q1" or {queue, weight};
// in the form: "q1 q2:5".
const members = list => (list || []).map(m => typeof m === 'string' ? m :
	m.weight ? m.queue + ':' + m.weight : m.queue).join(' ');
const parseMembers = v => words(v).map(w => {
	const [queue, weight] = w.split(':');
	return weight ? {queue, weight: Number(weight)} : queue;
});

// Each kind: a section of /api/v1/config (objects written as in the
// center file, docs/config.md), its id field, list columns and the
// editable fields. A field reads its value from the object (from) and
// writes it into the request body (to); `fixed` fields are set at
// creation only.
const KINDS = {
	queues: {
		id: 'id',
		cols: ['id', 'name', 'strategy', 'skills', 'sl'],
		col: {sl: q => q.service_level ?
			Math.round(q.service_level.target * 100) + '% / ' +
			q.service_level.time_s + ' s' : ''},
		fields: [
			{k: 'id', fixed: true, req: true},
			{k: 'tenant', fixed: true, req: true},
			{k: 'name', req: true},
			{k: 'strategy', opts: STRATEGIES},
			{k: 'skills'},
			{k: 'sl_target', num: true, from: q => q.service_level ?
				Math.round(q.service_level.target * 100) : '',
			to: (b, v) => {
				b.service_level = b.service_level || {};
				b.service_level.target = Number(v) / 100;
			}},
			{k: 'sl_time_s', num: true, from: q => q.service_level ?
				q.service_level.time_s : '',
			to: (b, v) => {
				b.service_level = b.service_level || {};
				b.service_level.time_s = Number(v);
			}},
			{k: 'ring_timeout_s', num: true},
			{k: 'wrapup_s', num: true},
			{k: 'max_wait_s', num: true},
			{k: 'max_len', num: true},
			{k: 'language', opts: LANGUAGES},
		],
	},
	agents: {
		id: 'id',
		cols: ['id', 'name', 'skills', 'queues'],
		col: {queues: a => members(a.queues)},
		fields: [
			{k: 'id', fixed: true, req: true},
			{k: 'tenant', fixed: true},
			{k: 'name', req: true},
			{k: 'skills'},
			{k: 'queues', from: a => members(a.queues),
				to: (b, v) => { b.queues = parseMembers(v); }},
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
			{k: 'skills'},
			{k: 'language', opts: LANGUAGES},
		],
	},
};

const path = (kind, id) => '/api/v1/config/' + kind +
	(id === undefined ? '' : '/' + encodeURIComponent(id));

const adm = {kind: 'queues', rows: [], editing: null, stream: null,
	configEvents: 0};

// Another admin's change (or this one's) is an `event: config` of the
// live stream: the list on show is read again. The form being edited is
// left alone; saving it sends only the fields changed in it.
const reloadSoon = debounce(() => {
	if (!$('#admin-view').hidden)
		load(adm.kind);
}, 300);

function onEvent(ev) {
	if (ev.type !== 'config')
		return;
	adm.configEvents++;
	document.body.dataset.configEvents = adm.configEvents;
	if (ev.kind === adm.kind)
		reloadSoon();
}

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
		const d = await api.get(path(kind));
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

// The request body: for a new object every field given; for an edit only
// the fields changed (a PATCH keeps the others as they are). The two
// service-level fields travel together (one object in the center file).
function body() {
	const K = KINDS[adm.kind];
	const row = adm.editing;
	const b = {};
	const orig = f => {
		const v = row ? (f.from ? f.from(row) : row[f.k]) : '';
		return v === undefined || v === null ? '' : String(v);
	};
	const changed = f => {
		const input = $('#fields [name="' + f.k + '"]');
		return !row || input.value.trim() !== orig(f);
	};
	const slChanged = K.fields.some(f => f.k.startsWith('sl_') &&
		changed(f));
	for (const f of K.fields) {
		const input = $('#fields [name="' + f.k + '"]');
		if (input.disabled)
			continue;
		if (row && !(f.k.startsWith('sl_') ? slChanged : changed(f)))
			continue;
		const v = input.value.trim();
		if (v === '' && !f.req) {
			if (row)
				b[f.k] = null;      // emptied: back to the default
			continue;
		}
		if (f.to)
			f.to(b, v);
		else
			b[f.k] = f.num ? num(v) : v;
	}
	return b;
}

async function save(ev) {
	ev.preventDefault();
	const K = KINDS[adm.kind];
	const row = adm.editing;
	try {
		if (row)
			await api.call('PATCH', path(adm.kind, row[K.id]), body());
		else
			await api.call('POST', path(adm.kind), body());
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
		await api.call('DELETE', path(adm.kind, row[K.id]));
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
		if (adm.stream)
			adm.stream.close();
		adm.stream = api.stream(onEvent);
	} catch (e) {
		view('login');
		say('#login-msg', e);
	}
}

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
document.addEventListener('langchange', () => {
	if (!$('#admin-view').hidden)
		load(adm.kind);
});

start({api, boot, view, signout: () => {
	if (adm.stream)
		adm.stream.close();
	adm.stream = null;
}});
