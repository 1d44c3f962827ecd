/**
 * The wallboard: one self-contained page (inline CSS and script, no build
 * step, no third-party code) for a wall screen — dark, large type, readable
 * from across the room. It takes the API key from the address's fragment
 * (`#key=`, which the browser never sends to a server) or, for old
 * bookmarks, `?key=` (either is then removed from the address bar), or asks
 * once; it keeps the key in sessionStorage and sends it only in the
 * Authorization header: it checks it with /v1/stats/realtime, asks
 * POST /v1/stream/tickets for a single-use ticket and follows
 * /v1/stream?ticket= (EventSource cannot send headers). A ticket opens one
 * stream: when the stream ends (the key revoked or expired, the server
 * restarting) the page starts over with a fresh ticket, or says why the key
 * was refused.
 *
 * It is kept as a string in a module so that the compiled service serves it
 * without copying assets; the page's own script avoids template literals.
 */
export const WALLBOARD_HTML = String.raw`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hotline wallboard</title>
<style>
  :root { --bg:#0b0f14; --card:#151c25; --line:#263241; --text:#e8eef5; --dim:#8fa1b5; --good:#2ecc71; --warn:#f5b041; --bad:#ff5c5c; }
  * { box-sizing: border-box; }
  html, body { margin: 0; background: var(--bg); color: var(--text); font-family: "Noto Sans CJK SC", "PingFang SC", "Segoe UI", system-ui, sans-serif; }
  body { padding: 1vw 1.4vw; font-size: clamp(14px, 1.05vw, 36px); }
  header { display: flex; align-items: baseline; gap: 2vw; margin-bottom: 1vw; }
  h1 { font-size: 2em; margin: 0; letter-spacing: .02em; }
  h2 { font-size: 1.1em; color: var(--dim); text-transform: uppercase; letter-spacing: .12em; margin: 1vw 0 .6vw; }
  #clock { font-size: 2em; font-variant-numeric: tabular-nums; margin-left: auto; }
  #status { font-size: .9em; padding: .2em .7em; border-radius: 1em; background: var(--line); }
  #status.live { background: #12391f; color: var(--good); }
  #status.down { background: #3d1414; color: var(--bad); }
  #agents { display: flex; gap: 1.5vw; font-size: 1.1em; color: var(--dim); flex-wrap: wrap; }
  #agents b { color: var(--text); font-size: 1.5em; font-variant-numeric: tabular-nums; margin-right: .25em; }
  .grid { display: grid; gap: .9vw; }
  #tiers, #queues { grid-template-columns: repeat(4, minmax(0, 1fr)); }
  .card { background: var(--card); border: 2px solid var(--line); border-radius: .6vw; padding: .8vw 1vw; }
  .card.bad { border-color: var(--bad); }
  .card.warn { border-color: var(--warn); }
  .name { font-size: 1.4em; font-weight: 700; display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 0 .6em; }
  .name small { color: var(--dim); font-weight: 400; font-size: .7em; }
  .big { display: grid; grid-template-columns: 1fr 1.2fr 1.5fr; gap: .8vw; align-items: end; margin: .4vw 0; }
  .metric { display: flex; flex-direction: column; min-width: 0; }
  .metric .v { font-size: 2.6em; font-weight: 700; line-height: 1.05; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .metric .l { color: var(--dim); font-size: .8em; }
  .sl.good .v { color: var(--good); } .sl.warn .v { color: var(--warn); } .sl.bad .v { color: var(--bad); } .sl.none .v { color: var(--dim); }
  .row { display: flex; gap: .2em 1em; flex-wrap: wrap; color: var(--dim); font-size: .95em; font-variant-numeric: tabular-nums; margin-top: .2em; }
  .row span b { color: var(--text); }
  .overdue b { color: var(--bad) !important; }
  #message { color: var(--bad); font-size: 1.2em; }
</style>
</head>
<body>
<header>
  <h1>热线 Hotline</h1>
  <span id="status">connecting…</span>
  <span id="message"></span>
  <span id="clock"></span>
</header>
<div id="agents"></div>
<h2>Tiers 客户等级</h2>
<div id="tiers" class="grid"></div>
<h2>Queues 技能队列</h2>
<div id="queues" class="grid"></div>
<script>
(function () {
  'use strict';
  var TIER_NAMES = { diamond: '钻石 Diamond', gold: '金卡 Gold', silver: '银卡 Silver', standard: '普通 Standard' };
  var STATES = [['available', 'available 空闲'], ['on-call', 'talking 通话'], ['ringing', 'ringing 振铃'], ['reserved', 'reserved'], ['wrap-up', 'wrap-up 整理'], ['paused', 'paused 小休'], ['offline', 'offline']];
  var KEY_STORE = 'hotline.wallboard.key';
  var source = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** 42s, 1:05, 1:02:05: short enough for a large figure. */
  function seconds(ms) {
    if (ms === null || ms === undefined) return '–';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60), h = Math.floor(m / 60);
    var mm = h > 0 ? String(m % 60).padStart(2, '0') : String(m);
    return (h > 0 ? h + ':' : '') + mm + ':' + String(s % 60).padStart(2, '0');
  }

  /** Green at or above target, amber within 5 points below, red further below; grey without a target or figure. */
  function slClass(figures) {
    var sl = figures.serviceLevelPercent, target = figures.target.percent;
    if (sl === null || target === null) return 'none';
    if (sl >= target) return 'good';
    return sl >= target - 5 ? 'warn' : 'bad';
  }

  function metric(value, label, cls, field) {
    var m = el('div', 'metric' + (cls ? ' ' + cls : ''));
    var v = el('span', 'v', value);
    v.setAttribute('data-field', field);
    m.appendChild(v);
    m.appendChild(el('span', 'l', label));
    return m;
  }

  function fact(label, value, field, cls) {
    var s = el('span', cls || '');
    var b = el('b', '', String(value));
    b.setAttribute('data-field', field);
    s.appendChild(b);
    s.appendChild(document.createTextNode(' ' + label));
    return s;
  }

  function card(kind, id, title, subtitle, item) {
    var f = item.today;
    var sl = slClass(f);
    var c = el('section', 'card' + (sl === 'bad' ? ' bad' : sl === 'warn' ? ' warn' : ''));
    c.setAttribute('data-' + kind, id);
    var name = el('div', 'name', title);
    name.appendChild(el('small', '', subtitle));
    c.appendChild(name);
    var big = el('div', 'big');
    big.appendChild(metric(String(item.waiting), 'waiting 排队', '', 'waiting'));
    big.appendChild(metric(seconds(item.longestWaitMs), 'longest 最长', '', 'longest-wait'));
    big.appendChild(metric(f.serviceLevelPercent === null ? '–' : f.serviceLevelPercent.toFixed(1) + '%', 'service level 服务水平', 'sl ' + sl, 'service-level'));
    c.appendChild(big);
    var row = el('div', 'row');
    row.appendChild(fact('offered', f.offered, 'offered'));
    row.appendChild(fact('answered', f.answered, 'answered'));
    row.appendChild(fact('abandoned', f.abandoned, 'abandoned'));
    row.appendChild(fact('ASA', seconds(f.asaMs), 'asa'));
    row.appendChild(fact('AHT', seconds(f.ahtMs), 'aht'));
    row.appendChild(fact('callbacks', item.callbacks.pending, 'callbacks-pending'));
    if (item.callbacks.overdue > 0) row.appendChild(fact('overdue', item.callbacks.overdue, 'callbacks-overdue', 'overdue'));
    c.appendChild(row);
    if (item.agents) {
      var agents = el('div', 'row');
      STATES.forEach(function (s) {
        if (item.agents[s[0]] > 0 || s[0] === 'available') agents.appendChild(fact(s[1], item.agents[s[0]], 'agents-' + s[0]));
      });
      c.appendChild(agents);
    }
    return c;
  }

  function render(report) {
    var tiers = document.getElementById('tiers');
    var queues = document.getElementById('queues');
    var agents = document.getElementById('agents');
    tiers.replaceChildren.apply(tiers, report.tiers.map(function (t) {
      var target = t.today.target;
      return card('tier', t.id, TIER_NAMES[t.id] || t.id, 'target ' + target.percent + '% in ' + target.seconds + 's', t);
    }));
    queues.replaceChildren.apply(queues, report.queues.map(function (q) {
      var eta = q.estimatedWaitMs === null ? '' : ' · est. ' + seconds(q.estimatedWaitMs);
      return card('queue', q.id, q.id, 'in ' + q.today.target.seconds + 's' + eta, q);
    }));
    agents.replaceChildren.apply(agents, STATES.map(function (s) { return fact(s[1], report.agents[s[0]], 'total-' + s[0]); }));
    document.body.setAttribute('data-updated', report.at);
  }

  function status(text, cls) {
    var s = document.getElementById('status');
    s.textContent = text;
    s.className = cls || '';
  }

  function takeKey() {
    var params = new URLSearchParams(location.search);
    var fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    var key = fragment.get('key') || params.get('key');
    if (key) {
      sessionStorage.setItem(KEY_STORE, key);
      params.delete('key');
      fragment.delete('key');
      var rest = params.toString();
      var hash = fragment.toString();
      history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + (hash ? '#' + hash : ''));
      return key;
    }
    key = sessionStorage.getItem(KEY_STORE);
    if (key) return key;
    key = (window.prompt('API key for the wallboard (a viewer key is enough):') || '').trim();
    if (key) sessionStorage.setItem(KEY_STORE, key);
    return key;
  }

  function start(asked) {
    var key = takeKey();
    if (!key) {
      status('no API key', 'down');
      var message = document.getElementById('message');
      // Keep the reason a refused key was refused; otherwise say how to give one.
      if (!message.textContent) message.textContent = 'Open this page with #key=<API key>';
      return;
    }
    fetch('/v1/stats/realtime', { headers: { authorization: 'Bearer ' + key } }).then(function (res) {
      if (res.status === 401 || res.status === 403) {
        sessionStorage.removeItem(KEY_STORE);
        return res.json().then(function (body) {
          status('key refused', 'down');
          document.getElementById('message').textContent = body.message || 'the API key was refused';
          if (!asked) start(true);
        });
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json().then(function (report) {
        render(report);
        follow(key);
      });
    }).catch(function (err) {
      status('offline', 'down');
      document.getElementById('message').textContent = String(err.message || err);
      setTimeout(function () { start(true); }, 5000);
    });
  }

  function follow(key) {
    if (source) source.close();
    source = null;
    fetch('/v1/stream/tickets', { method: 'POST', headers: { authorization: 'Bearer ' + key } }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (body) {
      var current = new EventSource('/v1/stream?ticket=' + encodeURIComponent(body.ticket));
      source = current;
      current.addEventListener('open', function () {
        status('live', 'live');
        document.getElementById('message').textContent = '';
      });
      current.addEventListener('stats', function (e) { render(JSON.parse(e.data)); });
      // The ticket is spent: rather than let EventSource retry with it, start over (which also re-checks the key).
      current.addEventListener('error', function () {
        current.close();
        if (source !== current) return;
        source = null;
        status('reconnecting…', 'down');
        setTimeout(function () { start(true); }, 3000);
      });
    }).catch(function (err) {
      status('reconnecting…', 'down');
      document.getElementById('message').textContent = String(err.message || err);
      setTimeout(function () { start(true); }, 5000);
    });
  }

  setInterval(function () { document.getElementById('clock').textContent = new Date().toLocaleTimeString(); }, 1000);
  start(false);
})();
</script>
</body>
</html>
`;
