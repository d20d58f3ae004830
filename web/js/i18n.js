// i18n.js — the pages' languages (French, English, Arabic): strings come
// only from the per-language tables in js/lang/, the choice is the user's
// (language menu, remembered; or ?lang= in the address), and Arabic turns
// the whole page right-to-left.
import fr from './lang/fr.js';
import en from './lang/en.js';
import ar from './lang/ar.js';

export const TABLES = {fr, en, ar};
export const LANGS = [
	{id: 'fr', dir: 'ltr', name: 'Français'},
	{id: 'en', dir: 'ltr', name: 'English'},
	{id: 'ar', dir: 'rtl', name: 'العربية'},
];
const STORE = 'plateau.lang';
let current = 'fr';

export function lang() {
	return current;
}

// Picks the language: ?lang=, then the remembered choice, then the
// browser's, then French.
export function pickLang() {
	const q = new URLSearchParams(location.search).get('lang');
	let want = q || localStorage.getItem(STORE) ||
		(navigator.language || 'fr').slice(0, 2);
	if (!TABLES[want])
		want = 'fr';
	setLang(want, Boolean(q));
}

export function setLang(id, remember = true) {
	if (!TABLES[id])
		return;
	current = id;
	if (remember)
		localStorage.setItem(STORE, id);
	const l = LANGS.find(x => x.id === id);
	document.documentElement.lang = id;
	document.documentElement.dir = l.dir;
	translate(document);
	for (const sel of document.querySelectorAll('select.lang'))
		sel.value = id;
	document.dispatchEvent(new CustomEvent('langchange'));
}

// t('key', {n: 3}) -> the current table's string with {n} replaced.
export function t(key, vars) {
	let s = TABLES[current][key];
	if (s === undefined)
		s = TABLES.fr[key];
	if (s === undefined)
		return key;
	if (vars) {
		s = s.replace(/\{(\w+)\}/g, (m, k) =>
			vars[k] !== undefined ? String(vars[k]) : m);
	}
	return s;
}

// Fills [data-i18n] (text), [data-i18n-placeholder], [data-i18n-title],
// [data-i18n-aria] under root.
export function translate(root) {
	for (const el of root.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-placeholder]'))
		el.placeholder = t(el.dataset.i18nPlaceholder);
	for (const el of root.querySelectorAll('[data-i18n-title]'))
		el.title = t(el.dataset.i18nTitle);
	for (const el of root.querySelectorAll('[data-i18n-aria]'))
		el.setAttribute('aria-label', t(el.dataset.i18nAria));
	const title = document.querySelector('title[data-i18n]');
	if (title)
		document.title = t(title.dataset.i18n);
}

// The language menu(s): <select class="lang">.
export function langMenus() {
	for (const sel of document.querySelectorAll('select.lang')) {
		sel.replaceChildren();
		for (const l of LANGS) {
			const o = document.createElement('option');
			o.value = l.id;
			o.textContent = l.name;
			o.lang = l.id;
			sel.append(o);
		}
		sel.value = current;
		sel.addEventListener('change', () => setLang(sel.value));
	}
}

// Durations and times in the current language.
export function duration(ms) {
	if (ms === null || ms === undefined || ms < 0)
		return '–';
	const s = Math.floor(ms / 1000);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const pad = n => String(n).padStart(2, '0');
	return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
}

export function clock(epochMs) {
	const loc = {fr: 'fr-FR', en: 'en-GB', ar: 'ar-MA'}[current];
	return new Date(epochMs).toLocaleString(loc, {
		day: '2-digit', month: '2-digit', hour: '2-digit',
		minute: '2-digit'});
}
