/**
 * The what-if page: one self-contained page (inline CSS and script, no build
 * step, no third-party code). A supervisor writes or edits the request (a
 * replay of the last two hours with an example change is filled in), runs
 * it, follows its progress and sees baseline against change per tier: a bar
 * chart of the service level against the target (inline SVG) and the table
 * of every figure with the difference; the CSV downloads from the same run.
 * The key comes from the address's fragment (`#key=`, never sent to a
 * server) or is asked once, is kept in sessionStorage and is sent only in the
 * Authorization header. `#run=<id>` shows a run already made.
 *
 * Kept as a string in a module so the compiled service serves it without
 * copying assets; the page's own script avoids template literals.
 */
export const WHATIF_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hotline what-if</title>
<style>
  :root { --bg:#f6f7f9; --card:#fff; --line:#d5dbe3; --text:#1b2430; --dim:#66768a; --base:#8da2bb; --change:#2f6fde; --good:#1e8e4f; --bad:#c0392b; }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 16px 24px; background: var(--bg); color: var(--text); font-family: system-ui, "Segoe UI", "Noto Sans CJK SC", sans-serif; }
  h1 { margin: 0 0 12px; font-size: 22px; }
  h2 { font-size: 15px; color: var(--dim); text-transform: uppercase; letter-spacing: .08em; margin: 20px 0 8px; }
  textarea { width: 100%; height: 220px; font: 13px/1.4 ui-monospace, monospace; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
  button { font-size: 15px; padding: 6px 18px; border-radius: 6px; border: 1px solid var(--change); background: var(--change); color: #fff; cursor: pointer; }
  button.plain { background: #fff; color: var(--change); }
  #status { margin-left: 12px; color: var(--dim); }
  #error { color: var(--bad); white-space: pre-wrap; margin-top: 8px; }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-top: 12px; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 14px; }
  th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  td.better { color: var(--good); } td.worse { color: var(--bad); }
  .legend span { display: inline-block; margin-right: 16px; color: var(--dim); }
  .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
  svg text { font: 12px system-ui, sans-serif; fill: var(--text); }
</style>
</head>
<body>
<h1>What-if: the change before it is made</h1>
<div class="card">
  <textarea id="request" spellcheck="false" aria-label="what-if request"></textarea>
  <div style="margin-top:8px"><button id="run">Run</button> <button id="csv" class="plain" disabled>Download CSV</button><span id="status"></span></div>
  <div id="error"></div>
</div>
<div id="out" hidden>
  <h2>Service level per tier: baseline against change</h2>
  <div class="card">
    <div class="legend"><span><i style="background:var(--base)"></i>baseline</span><span><i style="background:var(--change)"></i>change</span><span><i style="background:var(--bad)"></i>target</span></div>
    <div id="chart"></div>
  </div>
  <h2>Per tier</h2>
  <div class="card"><table id="tiers"></table></div>
  <h2>Per queue</h2>
  <div class="card"><table id="queues"></table></div>
  <p id="facts" style="color:var(--dim)"></p>
</div>
<script>
(function () {
  var KEY_STORE = 'hotline.whatif.key';
  var SVG = 'http://www.w3.org/2000/svg';
  var EXAMPLE = {
    source: { kind: 'replay', lastMinutes: 120 },
    changes: [
      { kind: 'tier', id: 'diamond', patch: { queuePriority: 200 } },
      { kind: 'add-agents', count: 2, skills: { billing: 4 } }
    ]
  };
  var runId = null;
  var key = null;

  function takeKey() {
    var fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    var given = fragment.get('key');
    if (given) {
      sessionStorage.setItem(KEY_STORE, given);
      fragment.delete('key');
      var rest = fragment.toString();
      history.replaceState(null, '', location.pathname + (rest ? '#' + rest : ''));
      return given;
    }
    var kept = sessionStorage.getItem(KEY_STORE);
    if (kept) return kept;
    kept = (window.prompt('API key (a supervisor key):') || '').trim();
    if (kept) sessionStorage.setItem(KEY_STORE, kept);
    return kept;
  }

  function api(method, path, body, accept) {
    var init = { method: method, headers: { authorization: 'Bearer ' + key, accept: accept || 'application/json' } };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      if (accept === 'text/csv' && res.ok) return res.text();
      return res.json().then(function (data) {
        if (!res.ok) throw new Error(data.message || ('HTTP ' + res.status));
        return data;
      });
    });
  }

  function status(text) { document.getElementById('status').textContent = text; }
  function fail(err) { document.getElementById('error').textContent = err.message || String(err); status(''); }

  function pct(v) { return v === null || v === undefined ? '–' : v.toFixed(1) + '%'; }
  function secs(ms) { return ms === null || ms === undefined ? '–' : (ms / 1000).toFixed(1) + ' s'; }
  function num(v) { return v === null || v === undefined ? '–' : String(v); }
  function signed(v, unit) {
    if (v === null || v === undefined) return '–';
    var s = unit === 'ms' ? (v / 1000).toFixed(1) + ' s' : (unit === '%' ? v.toFixed(1) + ' pt' : String(v));
    return (v > 0 ? '+' : '') + s;
  }

  var COLUMNS = [
    ['offered', 'offered', num, ''],
    ['serviceLevelPercent', 'service level', pct, '%', 1],
    ['asaMs', 'ASA', secs, 'ms', -1],
    ['longestWaitMs', 'longest wait', secs, 'ms', -1],
    ['abandonRatePercent', 'abandon rate', pct, '%', -1],
    ['callbacks', 'callbacks', num, ''],
    ['occupancyPercent', 'occupancy', pct, '%']
  ];

  function table(el, rows, kind) {
    var head = document.createElement('tr');
    var first = document.createElement('th');
    first.textContent = kind;
    head.appendChild(first);
    COLUMNS.forEach(function (c) {
      ['baseline', 'change', 'Δ'].forEach(function (side) {
        var th = document.createElement('th');
        th.textContent = c[1] + (side === 'Δ' ? ' Δ' : ' ' + side);
        head.appendChild(th);
      });
    });
    var lines = [head];
    Object.keys(rows).forEach(function (id) {
      var row = rows[id];
      var tr = document.createElement('tr');
      tr.setAttribute('data-' + kind, id);
      var name = document.createElement('td');
      name.textContent = id;
      tr.appendChild(name);
      COLUMNS.forEach(function (c) {
        var b = document.createElement('td');
        b.textContent = c[2](row.baseline[c[0]]);
        b.setAttribute('data-field', 'baseline-' + c[0]);
        var ch = document.createElement('td');
        ch.textContent = c[2](row.change[c[0]]);
        ch.setAttribute('data-field', 'change-' + c[0]);
        var d = document.createElement('td');
        var diff = row.diff[c[0]];
        d.textContent = signed(diff, c[3]);
        d.setAttribute('data-field', 'diff-' + c[0]);
        if (c[4] && diff) d.className = diff * c[4] > 0 ? 'better' : 'worse';
        tr.appendChild(b); tr.appendChild(ch); tr.appendChild(d);
      });
      lines.push(tr);
    });
    el.replaceChildren.apply(el, lines);
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chart(tiers) {
    var ids = Object.keys(tiers);
    var W = 640, H = 240, left = 40, bottom = 30, group = (W - left) / ids.length, bar = group / 4;
    var root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'service level per tier, baseline and change' });
    var y = function (p) { return (H - bottom) - (p / 100) * (H - bottom - 10); };
    [0, 50, 100].forEach(function (p) {
      root.appendChild(svg('line', { x1: left, x2: W, y1: y(p), y2: y(p), stroke: '#d5dbe3' }));
      root.appendChild(svg('text', { x: 4, y: y(p) + 4 }, p + '%'));
    });
    ids.forEach(function (id, i) {
      var row = tiers[id];
      var x0 = left + i * group + bar / 2;
      [['baseline', '#8da2bb'], ['change', '#2f6fde']].forEach(function (side, k) {
        var v = row[side[0]].serviceLevelPercent;
        var h = v === null ? 0 : (H - bottom) - y(v);
        var rect = svg('rect', { x: x0 + k * (bar + 4), y: (H - bottom) - h, width: bar, height: h, fill: side[1], 'data-tier': id, 'data-side': side[0], 'data-value': v === null ? '' : String(v) });
        rect.appendChild(svg('title', {}, id + ' ' + side[0] + ': ' + pct(v)));
        root.appendChild(rect);
        root.appendChild(svg('text', { x: x0 + k * (bar + 4), y: (H - bottom) - h - 3 }, v === null ? '–' : v.toFixed(0)));
      });
      var target = row.change.targetPercent;
      if (target !== null) root.appendChild(svg('line', { x1: x0 - 4, x2: x0 + 2 * bar + 8, y1: y(target), y2: y(target), stroke: '#c0392b', 'stroke-width': 2, 'data-target': id }));
      root.appendChild(svg('text', { x: x0, y: H - 10 }, id));
    });
    document.getElementById('chart').replaceChildren(root);
  }

  function show(view) {
    var r = view.result;
    var total = r.comparison.total;
    chart(total.tiers);
    table(document.getElementById('tiers'), total.tiers, 'tier');
    table(document.getElementById('queues'), total.queues, 'queue');
    document.getElementById('facts').textContent = r.calls + ' calls, ' + new Date(r.from).toISOString() + ' to ' + new Date(r.to).toISOString() +
      '; agents ' + r.agents.baseline + ' → ' + r.agents.change + '; simulated in ' + r.runSeconds + ' s.';
    document.getElementById('out').hidden = false;
    document.getElementById('csv').disabled = false;
  }

  function follow(id) {
    runId = id;
    history.replaceState(null, '', location.pathname + '#run=' + id);
    api('GET', '/v1/whatif/' + encodeURIComponent(id)).then(function (view) {
      if (view.state === 'done') { status('done'); show(view); return; }
      if (view.state === 'failed') { fail(new Error(view.error || 'the run failed')); return; }
      status(view.state === 'queued' ? 'waiting (' + view.ahead + ' ahead)' : 'running ' + view.progressPercent + '%');
      setTimeout(function () { follow(id); }, 500);
    }).catch(fail);
  }

  document.getElementById('run').addEventListener('click', function () {
    document.getElementById('error').textContent = '';
    var body;
    try { body = JSON.parse(document.getElementById('request').value); } catch (e) { fail(new Error('The request is not JSON: ' + e.message)); return; }
    status('submitting');
    api('POST', '/v1/whatif', body).then(function (r) { follow(r.id); }).catch(fail);
  });

  document.getElementById('csv').addEventListener('click', function () {
    if (!runId) return;
    api('GET', '/v1/whatif/' + encodeURIComponent(runId), undefined, 'text/csv').then(function (text) {
      var a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      a.download = 'whatif-' + runId + '.csv';
      a.click();
    }).catch(fail);
  });

  key = takeKey();
  document.getElementById('request').value = JSON.stringify(EXAMPLE, null, 2);
  var run = new URLSearchParams(location.hash.replace(/^#/, '')).get('run');
  if (!key) { fail(new Error('Open this page with #key=<API key>')); return; }
  if (run) follow(run);
})();
</script>
</body>
</html>
`;
