// desk_l1_client.js -- the load phase of L1 (docs/desk.md §11.2) in
// Node.js, as §11.2 names: one event loop, so a latency is the desk's
// answer time and not the client's own queueing (the Python threads it
// replaces measured their interpreter lock). desk_l1.py sets the book up
// (plan, logins, verified boxes, round 1), hands this the clients on
// stdin as JSON and checks what it prints on stdout:
//   in:  {"port", "oport", "duration",
//         "clients": [{"kind": "write"|"staff"|"observer",
//                      "token", "paths", "period", "jitter", "seed",
//                      "body" (writes: the bundle without its key and
//                      candidate), "key" (writes: the key's prefix)}]}
//   out: {"wlat", "wt" (each write's start), "wmin", "slat", "olat"
//         (seconds), "acked" (key -> entry), "errors" ([what, status,
//         text]), "reconnects"}
// Every client has its own keep-alive agent holding one connection; a
// connection the server closed between requests is retried once on a
// new one (counted), but only for a read or a write carrying its key.
// stdlib only (http), no npm package.
'use strict';
const http = require('http');

function rng(seed) {		// mulberry32: seeded jitter, as in Python
	let a = seed >>> 0;
	return function () {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const now = () => Number(process.hrtime.bigint()) / 1e9;
const sleep = (s) => new Promise((r) => setTimeout(r, Math.max(0, s) * 1e3));

function once(agent, port, method, path, token, data, key) {
	return new Promise((resolve, reject) => {
		const h = { Authorization: 'Bearer ' + token };
		if (key)
			h['Idempotency-Key'] = key;
		if (data !== null) {
			h['Content-Type'] = 'application/json';
			h['Content-Length'] = Buffer.byteLength(data);
		}
		const req = http.request({ host: '127.0.0.1', port, method,
		    path: '/api/v1/' + path, headers: h, agent }, (res) => {
			const parts = [];
			res.on('data', (d) => parts.push(d));
			res.on('end', () => resolve({ status: res.statusCode,
			    body: Buffer.concat(parts).toString() }));
			res.on('error', reject);
		});
		req.setTimeout(60000, () => req.destroy(new Error('timeout')));
		req.on('error', (e) => {
			e.reused = req.reusedSocket;
			reject(e);
		});
		if (data !== null)
			req.write(data);
		req.end();
	});
}

class Client {
	constructor(port, token, log) {
		this.port = port;
		this.token = token;
		this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		this.reconnects = 0;
		this.log = log;
		this.last = now();
	}

	async call(method, path, body, key) {
		const data = body === null ? null : JSON.stringify(body);
		for (let attempt = 0; ; attempt++) {
			const t0 = now();
			try {
				const a = await once(this.agent, this.port,
				    method, path, this.token, data, key);
				this.last = now();
				return a;
			} catch (e) {
				this.reconnects++;
				this.log.push([this.port, method, path,
				    e.code || e.message, e.reused,
				    +(t0 - this.last).toFixed(3),
				    +(now() - t0).toFixed(3), t0]);
				this.last = now();
				if (attempt || !e.reused ||
				    (method === 'POST' && !key))
					throw e;
			}
		}
	}
}

async function writer(c, port, t_end, t_start, S) {
	const r = rng(c.seed);
	const cl = new Client(port, c.token, S.rlog);
	let n = 0;
	let nxt = now() + r() * c.period;
	for (;;) {
		await sleep(nxt - now());
		if (now() >= t_end)
			break;
		n++;
		const key = c.key + String(n).padStart(5, '0');
		const b = Object.assign({}, c.body,
		    { slip: key, candidate: 1 + n % 4 });
		const t0 = now();
		let st, text;
		try {
			const a = await cl.call('POST', c.paths[0], b, key);
			st = a.status;
			text = a.body;
		} catch (e) {
			st = 0;
			text = String(e);
		}
		const dt = now() - t0;
		S.wlat.push(dt);
		S.wt.push(t0 - t_start);
		const m = Math.floor((t0 - t_start) / 60);
		(S.wmin[m] = S.wmin[m] || []).push(dt);
		if (st === 201)
			S.acked[key] = JSON.parse(text).entry;
		else
			S.errors.push(['write', st, text.slice(0, 200)]);
		nxt += c.period - c.jitter + 2 * c.jitter * r();
	}
	S.reconnects += cl.reconnects;
}

async function reader(c, port, lat, t_end, S) {
	const r = rng(c.seed);
	const cl = new Client(port, c.token, S.rlog);
	let k = 0;
	let nxt = now() + r() * c.period;
	for (;;) {
		await sleep(nxt - now());
		if (now() >= t_end)
			break;
		const path = c.paths[k++ % c.paths.length];
		const t0 = now();
		let st, text;
		try {
			const a = await cl.call('GET', path, null, null);
			st = a.status;
			text = a.body;
		} catch (e) {
			st = 0;
			text = String(e);
		}
		lat.push(now() - t0);
		if (st !== 200)
			S.errors.push(['read ' + path, st, text.slice(0, 200)]);
		nxt += c.period;
	}
	S.reconnects += cl.reconnects;
}

async function main() {
	const parts = [];
	for await (const d of process.stdin)
		parts.push(d);
	const cfg = JSON.parse(Buffer.concat(parts).toString());
	const S = { wlat: [], wt: [], wmin: {}, slat: [], olat: [], acked: {},
	    errors: [], reconnects: 0, rlog: [] };
	const t_start = now();
	const t_end = t_start + cfg.duration;
	const jobs = cfg.clients.map((c) => {
		if (c.kind === 'write')
			return writer(c, cfg.port, t_end, t_start, S);
		if (c.kind === 'staff')
			return reader(c, cfg.port, S.slat, t_end, S);
		return reader(c, cfg.oport, S.olat, t_end, S);
	});
	await Promise.all(jobs);
	process.stdout.write(JSON.stringify(S));
}

main().catch((e) => {
	process.stderr.write('desk_l1_client: ' + e.stack + '\n');
	process.exit(1);
});
