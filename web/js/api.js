// api.js — the pages' client of plateau's HTTP API: login, JSON calls with
// the session token, and the live event stream (Server-Sent Events read
// through fetch, so the token travels in a header, never in a URL).

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

// One session per page kind (desk, wallboard, admin) and browser tab.
export class Client {
	constructor(kind) {
		this.key = 'plateau.session.' + kind;
		this.session = null;
		try {
			this.session = JSON.parse(sessionStorage.getItem(this.key));
		} catch (e) {
			this.session = null;
		}
		this.onexpired = null;
	}

	async login(user, password) {
		const s = await this.call('POST', '/api/v1/login',
			{user, password}, false);
		this.session = s;
		sessionStorage.setItem(this.key, JSON.stringify(s));
		return s;
	}

	async logout() {
		if (this.session) {
			try {
				await this.call('POST', '/api/v1/logout', {});
			} catch (e) {
				// the token may already be gone: forget it anyway
			}
		}
		this.forget();
	}

	forget() {
		this.session = null;
		sessionStorage.removeItem(this.key);
	}

	headers(auth) {
		const h = {};
		if (auth && this.session)
			h.Authorization = 'Bearer ' + this.session.token;
		return h;
	}

	async call(method, path, body, auth = true) {
		// a 401 ends the session only if it is still the one that
		// sent the request (not one signed in since)
		const sent = this.session;
		const init = {method, headers: this.headers(auth)};
		if (body !== undefined) {
			init.headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		const res = await fetch(path, init);
		let data = null;
		const text = await res.text();
		if (text) {
			try {
				data = JSON.parse(text);
			} catch (e) {
				data = null;
			}
		}
		if (!res.ok) {
			const err = data && data.error ? data.error : {};
			if (res.status === 401 && auth &&
			    this.session === sent) {
				this.forget();
				if (this.onexpired)
					this.onexpired();
			}
			throw new ApiError(res.status, err.code || 'http',
				err.message || res.statusText);
		}
		return data;
	}

	get(path) {
		return this.call('GET', path);
	}

	post(path, body = {}) {
		return this.call('POST', path, body);
	}

	// Reads GET /api/v1/events and calls onevent(obj, id) for each event;
	// onstate('open' | 'closed') on connection changes. Reconnects after
	// 2 s with Last-Event-ID, so nothing still in the server's window is
	// missed. Returns {close()}.
	stream(onevent, onstate) {
		let stopped = false;
		let last = null;
		let ctrl = null;
		const run = async () => {
			while (!stopped && this.session) {
				ctrl = new AbortController();
				const sent = this.session;
				const h = this.headers(true);
				if (last !== null)
					h['Last-Event-ID'] = String(last);
				try {
					const res = await fetch('/api/v1/events', {
						headers: h, signal: ctrl.signal,
						cache: 'no-store'});
					if (res.status === 401) {
						if (this.session === sent) {
							this.forget();
							if (this.onexpired)
								this.onexpired();
						}
						break;
					}
					if (!res.ok || !res.body)
						throw new Error('stream ' + res.status);
					if (onstate)
						onstate('open');
					await readEvents(res.body, (id, data) => {
						if (id !== null)
							last = id;
						onevent(data, id);
					});
				} catch (e) {
					if (stopped)
						break;
				}
				if (onstate)
					onstate('closed');
				if (!stopped)
					await new Promise(r => setTimeout(r, 2000));
			}
		};
		run();
		return {
			close() {
				stopped = true;
				if (ctrl)
					ctrl.abort();
			},
		};
	}
}

// Splits a text/event-stream body into events (id and parsed data).
async function readEvents(body, onevent) {
	const reader = body.getReader();
	const dec = new TextDecoder();
	let buf = '';
	for (;;) {
		const {value, done} = await reader.read();
		if (done)
			return;
		buf += dec.decode(value, {stream: true});
		let cut;
		while ((cut = buf.indexOf('\n\n')) >= 0) {
			const block = buf.slice(0, cut);
			buf = buf.slice(cut + 2);
			let id = null;
			const data = [];
			for (const line of block.split('\n')) {
				if (line.startsWith('id:'))
					id = Number(line.slice(3).trim());
				else if (line.startsWith('data:'))
					data.push(line.slice(5).replace(/^ /, ''));
			}
			if (!data.length)
				continue;
			let obj;
			try {
				obj = JSON.parse(data.join('\n'));
			} catch (e) {
				continue;
			}
			onevent(id, obj);
		}
	}
}
