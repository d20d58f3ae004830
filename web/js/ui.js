// ui.js — small DOM helpers shared by the pages.
import {t} from './i18n.js';

// el('td', {class: 'x', dataset: {id: 1}}, 'text', child…)
export function el(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k === 'class')
			e.className = v;
		else if (k === 'dataset')
			Object.assign(e.dataset, v);
		else if (k === 'text')
			e.textContent = v;
		else if (k.startsWith('on'))
			e.addEventListener(k.slice(2), v);
		else
			e.setAttribute(k, v === true ? '' : v);
	}
	for (const kid of kids) {
		if (kid === null || kid === undefined)
			continue;
		e.append(kid instanceof Node ? kid : String(kid));
	}
	return e;
}

export const $ = sel => document.querySelector(sel);

export function show(sel, on) {
	$(sel).hidden = !on;
}

// Shows an API error (or any error) in the element, translated when the
// server's code has a string of its own.
export function say(sel, err, ok) {
	const e = $(sel);
	e.classList.toggle('error', Boolean(err));
	e.classList.toggle('ok', !err && Boolean(ok));
	if (!err) {
		e.textContent = ok || '';
		return;
	}
	const code = 'err.' + (err.code || 'http');
	const tr = t(code);
	e.textContent = tr !== code ? tr + (err.message ? ' — ' +
		err.message : '') : (err.message || String(err));
}

// Fills a <select> with [{id, name}] (keeps the chosen value if any).
export function options(sel, items, label) {
	const s = $(sel);
	const was = s.value;
	s.replaceChildren();
	for (const it of items)
		s.append(el('option', {value: it.id}, label ? label(it) :
			(it.name || it.id)));
	if (items.some(it => it.id === was))
		s.value = was;
}

// Runs fn after `ms` unless called again before (trailing debounce).
export function debounce(fn, ms) {
	let h = null;
	return (...a) => {
		clearTimeout(h);
		h = setTimeout(() => fn(...a), ms);
	};
}
