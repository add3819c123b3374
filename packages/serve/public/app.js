// Ferry's dashboard: plain ES module, no build step. Every name from a listing reaches the page
// through textContent (el() below), never as HTML.

const main = document.getElementById('main');
const liveBadge = document.getElementById('live');

/** An element with attributes and children; strings become text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function toast(text, isError = false) {
  const box = document.getElementById('toast');
  const line = el('div', { class: isError ? 'error' : '' }, text);
  box.append(line);
  setTimeout(() => line.remove(), 6000);
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The API with the session cookie; the browser adds Origin, which the server checks. */
async function api(path, options = {}) {
  const init = { method: options.method ?? (options.body ? 'POST' : 'GET'), headers: {}, credentials: 'same-origin' };
  if (options.body) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(`/api${path}`, init);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401) showLogin();
    throw new ApiError(res.status, json.error ?? `HTTP ${res.status}`);
  }
  return json;
}

function bytes(n) {
  if (!Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
const time = (ms) => (ms ? new Date(ms).toLocaleString() : '-');
function duration(s) {
  if (!Number.isFinite(s) || s < 0) return '-';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
const stateBadge = (state) => el('span', { class: `badge state-${state}`, 'data-state': state }, state === 'waiting-children' ? 'running' : state);
const route = (spec) => (spec ? `${spec.mode} ${spec.source} → ${spec.target}${spec.deleteExtraneous ? ' (delete)' : ''}` : '?');

function showLogin() {
  liveBadge.textContent = 'not logged in';
  main.replaceChildren(
    el('div', { class: 'panel' }, el('h2', {}, 'Log in'), el('p', {}, 'Open the address `ferry serve` printed (it ends with ?token=…); it logs this browser in.')),
  );
}

// ---- live state -------------------------------------------------------------------------------

const state = { snapshot: undefined, speeds: new Map(), prev: new Map() };
let live;

function connectLive() {
  live?.close();
  live = new EventSource('/api/live');
  live.addEventListener('snapshot', (e) => {
    const snap = JSON.parse(e.data);
    // Speed of each running transfer from the bytes its landed files hold, snapshot to snapshot.
    for (const t of snap.transfers) {
      if (!t.bytes) continue;
      const before = state.prev.get(t.id);
      if (before && snap.at > before.at) {
        const rate = ((t.bytes.done - before.done) / (snap.at - before.at)) * 1000;
        const old = state.speeds.get(t.id) ?? rate;
        state.speeds.set(t.id, old * 0.6 + rate * 0.4);
      }
      state.prev.set(t.id, { at: snap.at, done: t.bytes.done });
    }
    state.snapshot = snap;
    liveBadge.textContent = `live · ${new Date(snap.at).toLocaleTimeString()}`;
    liveBadge.className = 'badge state-done';
    if (current.onSnapshot) current.onSnapshot(snap);
  });
  live.onerror = () => {
    liveBadge.textContent = 'reconnecting…';
    liveBadge.className = 'badge state-failed';
    // A 401 closes the stream for good: ask the API why.
    if (live.readyState === EventSource.CLOSED) api('/remotes').catch(() => {});
  };
}

// ---- views ------------------------------------------------------------------------------------

let current = {};

function countsOf(t) {
  const s = t.summary ?? t.outcomes;
  if (!s) return el('span', { class: 'muted' }, '-');
  const failed = t.summary ? t.summary.failed : (t.files?.failed ?? 0);
  return el(
    'div',
    { class: 'counts' },
    el('span', { 'data-count': 'rapid' }, `rapid ${s.rapid}`),
    el('span', { 'data-count': 'streamed' }, `streamed ${s.copied}`),
    el('span', { 'data-count': 'imported' }, `imported ${s.imported}`),
    el('span', { 'data-count': 'skipped' }, `skipped ${s.skipped}`),
    s.missed ? el('span', { 'data-count': 'missed' }, `missed ${s.missed}`) : null,
    el('span', { 'data-count': 'failed', class: failed ? 'error' : '' }, `failed ${failed}`),
    t.outcomes?.rapidBytes ? el('span', { class: 'muted' }, `saved ${bytes(t.outcomes.rapidBytes)}`) : null,
  );
}

function progressOf(t) {
  if (t.summary) {
    return el('div', {}, `${t.summary.plannedFiles} files · ${bytes(t.summary.bytes)} sent · ${duration(t.summary.durationMs / 1000)}`);
  }
  if (!t.files) return el('span', { class: 'muted' }, t.failedReason ?? '-');
  const planned = t.bytes?.planned ?? 0;
  const done = t.bytes?.done ?? 0;
  const pct = planned > 0 ? Math.min(100, (done / planned) * 100) : 0;
  const speed = state.speeds.get(t.id);
  const eta = speed > 0 ? (planned - done) / speed : NaN;
  const bar = el('div', { class: 'bar' }, el('div', {}));
  bar.firstChild.style.width = `${pct.toFixed(1)}%`;
  return el(
    'div',
    {},
    `${t.files.done + t.files.failed}/${t.files.planned} files · ${bytes(done)} / ${bytes(planned)}`,
    speed !== undefined ? el('div', { class: 'muted' }, `${bytes(speed)}/s · ETA ${duration(eta)}`) : null,
    bar,
  );
}

function transfersView() {
  const body = el('tbody');
  const render = (snap) => {
    const rows = snap.transfers.map((t) =>
      el(
        'tr',
        { 'data-id': t.id },
        el('td', {}, el('a', { href: `#/t/${encodeURIComponent(t.id)}` }, t.id), el('div', { class: 'muted' }, time(t.createdAt))),
        el('td', {}, stateBadge(t.state), t.schedule ? el('div', { class: 'muted' }, `schedule ${t.schedule}`) : null),
        el('td', { class: 'route' }, route(t.spec)),
        el('td', {}, progressOf(t)),
        el('td', {}, countsOf(t)),
      ),
    );
    body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No transfers yet.'))]));
  };
  main.replaceChildren(
    el('h2', {}, 'Transfers'),
    el('table', { id: 'transfers' }, el('thead', {}, el('tr', {}, ['Transfer', 'State', 'Source → destination', 'Progress', 'Outcome'].map((h) => el('th', {}, h)))), body),
  );
  if (state.snapshot) render(state.snapshot);
  return { onSnapshot: render };
}

/** Bytes per second, one bucket a second, drawn as an area: where a transfer sped up or stalled. */
function throughputPlot() {
  const canvas = el('canvas', { id: 'throughput', width: 960, height: 160 });
  const buckets = new Map();
  let redrawQueued = false;
  const draw = () => {
    redrawQueued = false;
    const ctx = canvas.getContext('2d');
    const w = canvas.width;
    const h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const keys = [...buckets.keys()].sort((a, b) => a - b);
    ctx.fillStyle = '#65707c';
    ctx.font = '12px system-ui';
    if (keys.length === 0) {
      ctx.fillText('No bytes streamed yet (rapid uploads and imports send none).', 12, h / 2);
      return;
    }
    const first = keys[0];
    const last = Math.max(keys[keys.length - 1], first + 10);
    const peak = Math.max(...buckets.values());
    const x = (t) => 40 + ((t - first) / (last - first)) * (w - 50);
    const y = (v) => h - 20 - (v / peak) * (h - 40);
    ctx.beginPath();
    ctx.moveTo(x(first), y(0));
    for (let t = first; t <= last; t++) ctx.lineTo(x(t), y(buckets.get(t) ?? 0));
    ctx.lineTo(x(last), y(0));
    ctx.closePath();
    ctx.fillStyle = 'rgba(31,111,235,0.25)';
    ctx.fill();
    ctx.strokeStyle = '#1f6feb';
    ctx.stroke();
    ctx.fillStyle = '#65707c';
    ctx.fillText(`${bytes(peak)}/s`, 4, 14);
    ctx.fillText(`${last - first} s`, w - 40, h - 4);
  };
  return {
    canvas,
    add(n, at) {
      const second = Math.floor(at / 1000);
      buckets.set(second, (buckets.get(second) ?? 0) + n);
      if (!redrawQueued) {
        redrawQueued = true;
        requestAnimationFrame(draw);
      }
    },
    draw,
  };
}

function transferView(id) {
  const head = el('div', { class: 'panel' }, 'Loading…');
  const files = el('tbody');
  const plot = throughputPlot();
  const retries = new Map();
  let stream;
  const render = async () => {
    let shown;
    try {
      shown = await api(`/transfers/${encodeURIComponent(id)}`);
    } catch (err) {
      head.replaceChildren(el('span', { class: 'error' }, err.message));
      return;
    }
    const t = shown.info;
    const finished = ['done', 'partial', 'failed', 'skipped'].includes(t.state);
    const failedFiles = shown.files.filter((f) => f.state === 'failed').length;
    const parts = [
      el('h2', {}, `Transfer ${t.id} `, stateBadge(t.state)),
      el('div', { class: 'route' }, route(t.spec)),
      el('div', { class: 'muted' }, `created ${time(t.createdAt)}${t.finishedAt ? ` · finished ${time(t.finishedAt)}` : ''}`),
      el('p', {}, progressOf(t)),
      countsOf({ ...t, outcomes: shown.outcomes }),
      t.summary?.reason ? el('p', { class: 'muted' }, t.summary.reason) : null,
      t.failedReason ? el('p', { class: 'error' }, t.failedReason) : null,
      el(
        'p',
        {},
        el('button', { id: 'retry', disabled: !finished || undefined, onclick: () => act('retry') }, failedFiles ? `Retry ${failedFiles} failed file(s)` : 'Run again'),
        ' ',
        el('button', { id: 'cancel', class: 'danger', disabled: finished || undefined, onclick: () => act('cancel') }, 'Cancel'),
      ),
    ];
    head.replaceChildren(...parts.filter(Boolean));
    files.replaceChildren(
      ...shown.files.map((f) =>
        el(
          'tr',
          { 'data-rel': f.rel },
          el('td', { class: 'route' }, f.rel),
          el('td', {}, stateBadge(f.state === 'copied' ? 'streamed' : f.state)),
          el('td', { class: 'num' }, f.size !== undefined ? bytes(f.size) : '-'),
          el('td', { class: 'num' }, String(f.attempts ? f.attempts - 1 : (retries.get(f.rel) ?? 0))),
          el('td', { class: 'error' }, f.error ?? ''),
        ),
      ),
    );
    if (finished) plot.draw();
  };
  const act = async (what) => {
    try {
      const r = await api(`/transfers/${encodeURIComponent(id)}/${what}`, { method: 'POST' });
      if (what === 'retry') {
        toast(`Started again as ${r.id}`);
        location.hash = `#/t/${encodeURIComponent(r.id)}`;
      } else {
        toast(`Cancelled ${id}`);
        location.hash = '#/';
      }
    } catch (err) {
      toast(err.message, true);
    }
  };
  main.replaceChildren(
    head,
    el('div', { class: 'panel' }, el('h2', {}, 'Throughput'), plot.canvas),
    el('h2', {}, 'Files'),
    el('table', { id: 'files' }, el('thead', {}, el('tr', {}, ['File', 'How it landed', 'Size', 'Retries', 'Error'].map((h) => el('th', {}, h)))), files),
  );
  let refresh;
  const later = () => (refresh ??= setTimeout(() => ((refresh = undefined), render()), 1000));
  stream = new EventSource(`/api/transfers/${encodeURIComponent(id)}/events`);
  stream.addEventListener('run', (e) => {
    // The stream entry's id starts with the time Redis stored it: replayed events plot when they happened.
    const at = Number(e.lastEventId.split('-')[0]) || Date.now();
    for (const ev of JSON.parse(e.data)) {
      if (ev.type === 'bytes') plot.add(ev.n, at);
      if (ev.type === 'retry') retries.set(ev.rel, ev.attempt);
    }
    later();
  });
  stream.addEventListener('end', () => {
    stream.close();
    render();
  });
  stream.onerror = () => stream.readyState === EventSource.CLOSED && render();
  render();
  plot.draw();
  return { close: () => stream.close(), onSnapshot: later };
}

function field(label, input) {
  return [el('label', { for: input.id }, label), input];
}

function remoteSelect(id, remotes) {
  return el('select', { id }, remotes.map((r) => el('option', { value: r.name }, `${r.name} (${r.type})`)));
}

async function newView() {
  const { remotes } = await api('/remotes');
  const tabs = el('div', { class: 'tabs' });
  const body = el('div', { class: 'panel' });
  const show = (which) => {
    for (const b of tabs.children) b.classList.toggle('primary', b.dataset.tab === which);
    body.replaceChildren(which === 'import' ? importForm(remotes) : copyForm(remotes));
  };
  tabs.append(
    el('button', { 'data-tab': 'copy', onclick: () => show('copy') }, 'Copy / sync'),
    el('button', { 'data-tab': 'import', onclick: () => show('import') }, 'Import share links (转存)'),
  );
  main.replaceChildren(el('h2', {}, 'New transfer'), tabs, body);
  show('copy');
  return {};
}

/**
 * The mode, source, destination and delete fields that a transfer and a schedule both ask for:
 * `ids` names each input, `modes` lists the modes with the default first.
 */
function transferFields(ids, remotes, modes, pathRequired) {
  const mode = el('select', { id: ids.mode }, ...modes.map((m) => el('option', { value: m }, m)));
  const src = remoteSelect(ids.src, remotes);
  const srcPath = el('input', { id: ids.srcPath, value: '/', ...(pathRequired ? { required: true } : {}) });
  const dst = remoteSelect(ids.dst, remotes);
  const dstPath = el('input', { id: ids.dstPath, value: '/', ...(pathRequired ? { required: true } : {}) });
  const del = el('input', { id: ids.del, type: 'checkbox' });
  return {
    fields: [
      ...field('Mode', mode),
      ...field('Source remote', src),
      ...field('Source folder', srcPath),
      ...field('Destination remote', dst),
      ...field('Destination folder', dstPath),
      ...field('Delete extras (sync)', del),
    ],
    spec: () => ({ mode: mode.value, source: `${src.value}:${srcPath.value}`, target: `${dst.value}:${dstPath.value}`, delete: del.checked }),
  };
}

function copyForm(remotes) {
  const transfer = transferFields(
    { mode: 'mode', src: 'src-remote', srcPath: 'src-path', dst: 'dst-remote', dstPath: 'dst-path', del: 'delete' },
    remotes,
    ['copy', 'sync'],
    true,
  );
  const out = el('div', { class: 'full', id: 'copy-result' });
  const form = el(
    'form',
    { class: 'grid', id: 'copy-form' },
    ...transfer.fields,
    el('div', { class: 'full' }, el('button', { class: 'primary', type: 'submit' }, 'Queue')),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('/transfers', { body: transfer.spec() });
      toast(r.existing ? `Already queued as ${r.id}` : `Queued ${r.id}`);
      location.hash = `#/t/${encodeURIComponent(r.id)}`;
    } catch (err) {
      out.replaceChildren(el('span', { class: 'error' }, err.message));
    }
  });
  return form;
}

function importForm(remotes) {
  const links = el('textarea', { id: 'links', placeholder: 'https://115cdn.com/s/CODE?password=RCVD — one link per line' });
  const dst = remoteSelect('import-remote', remotes);
  const dstPath = el('input', { id: 'import-path', value: '/', required: true });
  const checks = el('ul', { class: 'checks', id: 'link-checks' });
  const submit = el('button', { class: 'primary', type: 'submit', disabled: true }, 'Import');
  const body = () => ({ links: links.value.split(/\r?\n/), target: `${dst.value}:${dstPath.value}` });
  const showChecks = (list) =>
    checks.replaceChildren(
      ...list.map((c) =>
        el(
          'li',
          { 'data-status': c.status },
          el('span', { class: c.status === 'ok' ? 'ok' : 'error' }, c.status === 'ok' ? '✓ ' : `✗ ${c.reason}: `),
          c.link,
          c.error ? el('span', { class: 'muted' }, ` — ${c.error}`) : null,
          c.id ? el('span', {}, ' → ', el('a', { href: `#/t/${encodeURIComponent(c.id)}` }, c.id)) : null,
        ),
      ),
    );
  const check = el('button', {
    type: 'button',
    id: 'check-links',
    onclick: async () => {
      try {
        const r = await api('/share-links/check', { body: body() });
        showChecks(r.links);
        submit.disabled = !r.links.some((l) => l.status === 'ok');
      } catch (err) {
        checks.replaceChildren(el('li', { class: 'error' }, err.message));
      }
    },
  }, 'Check links');
  links.addEventListener('input', () => (submit.disabled = true));
  const form = el(
    'form',
    { class: 'grid', id: 'import-form' },
    el('label', { class: 'full', for: 'links' }, 'Share links, one per line (each is asked of 115 before anything is queued)'),
    el('div', { class: 'full' }, links),
    ...field('Into remote', dst),
    ...field('Folder', dstPath),
    el('div', { class: 'full' }, check, ' ', submit),
    el('div', { class: 'full' }, checks),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('/imports', { body: body() });
      showChecks(r.links);
      toast(`Queued ${r.links.filter((l) => l.id).length} import(s)`);
    } catch (err) {
      checks.replaceChildren(el('li', { class: 'error' }, err.message));
    }
  });
  return form;
}

async function schedulesView() {
  const { remotes } = await api('/remotes');
  const body = el('tbody');
  const render = async () => {
    const { schedules } = await api('/schedules');
    body.replaceChildren(
      ...(schedules.length
        ? schedules.map((s) =>
            el(
              'tr',
              { 'data-name': s.name },
              el('td', {}, s.name),
              el('td', { class: 'route' }, s.cron),
              el('td', { class: 'route' }, route(s.spec)),
              el('td', {}, s.lastRun ? [el('a', { href: `#/t/${encodeURIComponent(s.lastRun.id)}` }, time(s.lastRun.createdAt)), ' ', stateBadge(s.lastRun.state)] : el('span', { class: 'muted' }, 'never')),
              el('td', {}, time(s.next)),
              el(
                'td',
                {},
                el('button', { class: 'run', onclick: () => act(api(`/schedules/${encodeURIComponent(s.name)}/run`, { method: 'POST' }), `Started ${s.name}`) }, 'Run now'),
                ' ',
                el('button', { class: 'danger remove', onclick: () => act(api(`/schedules/${encodeURIComponent(s.name)}`, { method: 'DELETE' }), `Removed ${s.name}`) }, 'Remove'),
              ),
            ),
          )
        : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No schedules.'))]),
    );
  };
  const act = async (promise, done) => {
    try {
      await promise;
      toast(done);
      await render();
    } catch (err) {
      toast(err.message, true);
    }
  };
  const name = el('input', { id: 'sched-name', required: true, pattern: '[A-Za-z0-9_.\\-]{1,64}' });
  const cron = el('input', { id: 'sched-cron', required: true, value: '0 */6 * * *' });
  const transfer = transferFields(
    { mode: 'sched-mode', src: 'sched-src', srcPath: 'sched-src-path', dst: 'sched-dst', dstPath: 'sched-dst-path', del: 'sched-delete' },
    remotes,
    ['sync', 'copy'],
    false,
  );
  const out = el('div', { class: 'full', id: 'sched-result' });
  const form = el(
    'form',
    { class: 'grid', id: 'schedule-form' },
    ...field('Name', name),
    ...field('Cron', cron),
    ...transfer.fields,
    el('div', { class: 'full' }, el('button', { class: 'primary', type: 'submit' }, 'Add schedule')),
    out,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const s = await api('/schedules', {
        body: { name: name.value, cron: cron.value, ...transfer.spec() },
      });
      out.replaceChildren(el('span', { class: 'ok' }, `Added ${s.name}; next run ${time(s.next)}`));
      await render();
    } catch (err) {
      out.replaceChildren(el('span', { class: 'error' }, err.message));
    }
  });
  main.replaceChildren(
    el('h2', {}, 'Schedules'),
    el('table', { id: 'schedules' }, el('thead', {}, el('tr', {}, ['Name', 'Cron', 'Transfer', 'Last run', 'Next run', ''].map((h) => el('th', {}, h)))), body),
    el('div', { class: 'panel' }, el('h2', {}, 'Add a schedule'), form),
  );
  await render();
  let busy = false;
  return {
    onSnapshot: () => {
      if (busy) return;
      busy = true;
      render().finally(() => (busy = false));
    },
  };
}

function workersView() {
  const box = el('div');
  const render = (snap) => {
    const d = snap.deployment;
    box.replaceChildren(
      el('div', {}, d.unserved.length ? el('p', { class: 'error' }, `No live worker serves: ${d.unserved.join(', ')} (start \`ferry worker\`).`) : null),
      el(
        'table',
        { id: 'workers' },
        el('thead', {}, el('tr', {}, ['Worker', 'Queues', 'Since', 'Running'].map((h) => el('th', {}, h)))),
        el(
          'tbody',
          {},
          d.workers.length
            ? d.workers.map((w) =>
                el(
                  'tr',
                  {},
                  el('td', {}, w.name),
                  el('td', {}, `${w.queues.join(', ')}${w.concurrency ? ` ×${w.concurrency}` : ''}`),
                  el('td', {}, time(w.startedAt)),
                  el('td', { class: 'route' }, w.running.length ? w.running.map((j) => el('div', {}, `${j.transferId}: ${j.rel ?? (j.files ? `${j.files} small files` : 'planning')}`)) : el('span', { class: 'muted' }, 'idle')),
                ),
              )
            : el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'No live worker.')),
        ),
      ),
      el('h2', {}, 'Paused accounts'),
      d.paused.length
        ? el('table', {}, el('tbody', {}, d.paused.map((p) => el('tr', {}, el('td', {}, p.name), el('td', {}, p.kind === 'rate-limit' ? 'rate limited / risk control' : 'request gate'), el('td', {}, `until ${time(p.until)}`)))))
        : el('p', { class: 'muted' }, 'None.'),
    );
  };
  main.replaceChildren(el('h2', {}, 'Workers'), box);
  if (state.snapshot) render(state.snapshot);
  return { onSnapshot: render };
}

async function remotesView() {
  const { remotes } = await api('/remotes');
  main.replaceChildren(
    el('h2', {}, 'Remotes'),
    el('p', { class: 'muted' }, 'Names and types only: credentials stay in the config on the server.'),
    el('table', { id: 'remotes' }, el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'Type'))), el('tbody', {}, remotes.map((r) => el('tr', {}, el('td', {}, r.name), el('td', {}, r.type))))),
  );
  return {};
}

async function navigate() {
  current.close?.();
  current = {};
  const hash = location.hash || '#/';
  const view = hash.startsWith('#/t/') ? 'transfers' : hash.slice(2) || 'transfers';
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view);
  try {
    if (hash.startsWith('#/t/')) current = transferView(decodeURIComponent(hash.slice(4)));
    else if (hash === '#/new') current = await newView();
    else if (hash === '#/schedules') current = await schedulesView();
    else if (hash === '#/workers') current = workersView();
    else if (hash === '#/remotes') current = await remotesView();
    else current = transfersView();
  } catch (err) {
    if (err.status !== 401) main.replaceChildren(el('p', { class: 'error' }, err.message));
  }
}

window.addEventListener('hashchange', navigate);
connectLive();
navigate();
