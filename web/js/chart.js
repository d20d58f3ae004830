// chart.js — the day's calls and service level by interval, drawn as SVG:
// bars for calls offered, a line for the share answered within the
// queue's threshold, a dashed line for the target.
import {t} from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
	const e = document.createElementNS(NS, tag);
	for (const [k, v] of Object.entries(attrs))
		e.setAttribute(k, v);
	if (text !== undefined)
		e.textContent = text;
	return e;
}

// Buckets today's call records by interval (minutes) from local midnight.
// slTime(queue) gives the queue's threshold in ms. Returns
// [{start, calls, inSl, done}] from the first busy interval to now.
export function bucket(calls, intervalMin, slTime, now = Date.now()) {
	const day = new Date(now);
	day.setHours(0, 0, 0, 0);
	const w = intervalMin * 60000;
	const last = Math.floor((now - day.getTime()) / w);
	const by = new Map();
	let first = last;
	for (const c of calls) {
		const i = Math.floor((c.arrive_ms - day.getTime()) / w);
		if (i < 0 || i > last)
			continue;
		first = Math.min(first, i);
		const b = by.get(i) || {calls: 0, inSl: 0, done: 0};
		b.calls++;
		if (c.outcome === 'answered' || c.outcome === 'abandoned' ||
		    c.outcome === 'exited') {
			b.done++;
			if (c.outcome === 'answered' &&
			    c.wait_ms <= slTime(c.queue))
				b.inSl++;
		}
		by.set(i, b);
	}
	first = Math.max(0, Math.min(first, last - 7));
	const out = [];
	for (let i = first; i <= last; i++) {
		const b = by.get(i) || {calls: 0, inSl: 0, done: 0};
		out.push({start: day.getTime() + i * w, ...b});
	}
	return out;
}

// Draws buckets into the <svg> (viewBox 640 x 260). target: 0..1.
export function draw(el, buckets, target) {
	const W = 640, H = 260, L = 40, R = 40, T = 14, B = 34;
	const pw = W - L - R, ph = H - T - B;
	const rtl = document.documentElement.dir === 'rtl';
	const x = i => {
		const v = L + (i + 0.5) * pw / buckets.length;
		return rtl ? W - v : v;
	};
	el.replaceChildren();
	const max = Math.max(4, ...buckets.map(b => b.calls));
	const bw = Math.max(2, pw / buckets.length * 0.6);
	el.append(svg('line', {x1: L, y1: T + ph, x2: L + pw, y2: T + ph,
		class: 'axis'}));
	for (const f of [0, 0.5, 1]) {
		const y = T + ph - f * ph;
		el.append(svg('text', {x: rtl ? W - 4 : 4, y: y + 4,
			class: 'tick calls'}, String(Math.round(max * f))));
		el.append(svg('text', {x: rtl ? 4 : W - 4, y: y + 4,
			class: 'tick sl', 'text-anchor': 'end'},
			Math.round(f * 100) + '%'));
	}
	buckets.forEach((b, i) => {
		const h = b.calls / max * ph;
		const bar = svg('rect', {x: x(i) - bw / 2, y: T + ph - h,
			width: bw, height: h, class: 'bar'});
		bar.append(svg('title', {}, t('wall.bar_title', {
			calls: b.calls, sl: b.done ?
				Math.round(100 * b.inSl / b.done) + '%' : '–'})));
		el.append(bar);
		if (i % Math.ceil(buckets.length / 8) === 0) {
			const d = new Date(b.start);
			el.append(svg('text', {x: x(i), y: H - 12,
				class: 'tick', 'text-anchor': 'middle'},
				String(d.getHours()).padStart(2, '0') + ':' +
				String(d.getMinutes()).padStart(2, '0')));
		}
	});
	if (target) {
		const y = T + ph - target * ph;
		el.append(svg('line', {x1: L, y1: y, x2: L + pw, y2: y,
			class: 'target'}));
	}
	const pts = [];
	buckets.forEach((b, i) => {
		if (b.done)
			pts.push(x(i) + ',' + (T + ph - b.inSl / b.done * ph));
	});
	if (pts.length > 1)
		el.append(svg('polyline', {points: pts.join(' '),
			class: 'sl-line'}));
	for (const p of pts) {
		const [cx, cy] = p.split(',');
		el.append(svg('circle', {cx, cy, r: 3, class: 'sl-dot'}));
	}
}
