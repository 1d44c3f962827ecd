/**
 * The agent desk: one self-contained page (inline CSS and script, no build
 * step, no third-party code, standard web APIs only so any current browser
 * runs it) for an agent's whole shift: large type, Chinese with English,
 * every action on a keyboard shortcut.
 *
 * The agent signs in with their id and PIN (POST /desk/sessions); the session
 * token is kept in sessionStorage (gone when the tab closes) and sent only in
 * the Authorization header. An agent key works too: /desk#agent=1001&key=...
 * (the fragment never reaches a server and is removed from the address bar).
 * The page follows /v1/desk/agents/<id>/stream with a single-use ticket; when
 * the stream drops it asks a new ticket and reconnects by itself, and the
 * first event of each stream is the whole desk, so nothing is missed.
 *
 * It is kept as a string in a module so that the compiled service serves it
 * without copying assets; the page's own script avoids template literals.
 */
export const DESK_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>坐席 Agent desk</title>
<style>
  :root { --bg:#0e1319; --card:#17202b; --line:#2a3848; --text:#eef3f8; --dim:#93a5b8; --good:#2ecc71; --warn:#f5b041; --bad:#ff6b6b; --accent:#4aa3ff; }
  * { box-sizing: border-box; }
  html, body { margin: 0; background: var(--bg); color: var(--text); font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Segoe UI", system-ui, sans-serif; }
  body { font-size: 20px; padding: 14px 20px; }
  header { display: flex; align-items: center; gap: 18px; flex-wrap: wrap; margin-bottom: 14px; }
  h1 { font-size: 1.5em; margin: 0; }
  h2 { font-size: .95em; color: var(--dim); margin: 0 0 10px; letter-spacing: .06em; }
  #who { font-size: 1.2em; }
  #state { font-size: 1.2em; font-weight: 700; padding: 4px 16px; border-radius: 999px; background: var(--line); }
  #state.available { background: #14532d; color: #bbf7d0; } #state.ringing { background: #7c2d12; color: #fed7aa; animation: blink 1s infinite; }
  #state.on-call { background: #1e3a8a; color: #bfdbfe; } #state.wrap-up { background: #713f12; color: #fde68a; } #state.paused { background: #3f3f46; }
  @keyframes blink { 50% { opacity: .55; } }
  #timer { font-size: 1.6em; font-variant-numeric: tabular-nums; }
  #link { font-size: .8em; padding: 3px 10px; border-radius: 999px; background: var(--line); }
  #link.live { background: #12391f; color: var(--good); } #link.down { background: #3d1414; color: var(--bad); }
  #clock { margin-left: auto; font-variant-numeric: tabular-nums; color: var(--dim); }
  .grid { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; }
  .card { background: var(--card); border: 2px solid var(--line); border-radius: 10px; padding: 14px 18px; margin-bottom: 16px; }
  button { font: inherit; font-size: .9em; color: var(--text); background: #22303f; border: 2px solid var(--line); border-radius: 8px; padding: 8px 14px; cursor: pointer; margin: 0 8px 8px 0; }
  button:hover, button:focus { border-color: var(--accent); outline: none; }
  button:disabled { opacity: .4; cursor: default; }
  kbd { font-size: .7em; color: var(--dim); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; margin-left: 6px; }
  input, select { font: inherit; font-size: .9em; background: #0b1117; color: var(--text); border: 2px solid var(--line); border-radius: 8px; padding: 7px 10px; margin: 0 8px 8px 0; }
  #pop.empty { color: var(--dim); }
  .tier { display: inline-block; font-weight: 800; padding: 2px 14px; border-radius: 6px; color: #0b0f14; margin-right: 12px; }
  .callername { font-size: 2em; font-weight: 800; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 12px 0 0; font-size: 1.05em; }
  dt { color: var(--dim); } dd { margin: 0; }
  .yes { color: var(--good); font-weight: 700; } .no { color: var(--warn); font-weight: 700; } .overdue { color: var(--bad); font-weight: 700; }
  .banner { background: #3b2a06; border: 2px solid var(--warn); border-radius: 8px; padding: 6px 12px; margin: 10px 0 0; }
  table { width: 100%; border-collapse: collapse; font-size: .85em; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); } th { color: var(--dim); font-weight: 400; }
  #message { color: var(--bad); min-height: 1.2em; }
  #notice { color: var(--good); min-height: 1.2em; }
  #signin { max-width: 520px; margin: 8vh auto; }
  #signin label { display: block; color: var(--dim); margin-top: 8px; }
  .hidden { display: none !important; }
</style>
</head>
<body>
<section id="signin" class="card hidden">
  <h1>坐席登录 Agent sign-in</h1>
  <form id="signin-form">
    <label for="agent-id">工号 Agent id</label><input id="agent-id" autocomplete="username" required>
    <label for="pin">密码 PIN</label><input id="pin" type="password" inputmode="numeric" autocomplete="current-password" required>
    <div><button type="submit" id="signin-button">登录 Sign in</button></div>
  </form>
  <div id="signin-message" class="overdue"></div>
</section>
<main id="desk" class="hidden">
<header>
  <h1>坐席 Desk</h1>
  <span id="who"></span>
  <span id="state" data-field="state">…</span>
  <span id="timer" data-field="timer"></span>
  <span id="link">connecting…</span>
  <span id="clock"></span>
  <button id="signout">退出 Sign out</button>
</header>
<div id="message"></div><div id="notice"></div>
<div class="grid">
  <div>
    <section id="pop" class="card empty" data-field="pop">没有来电 No call</section>
    <section id="actions" class="card">
      <h2>通话操作 Call</h2>
      <div>
        <select id="transfer-queue" aria-label="transfer queue"></select>
        <input id="transfer-reason" placeholder="转接原因 Reason" size="26" aria-label="transfer reason">
        <button id="transfer">转接 Transfer<kbd>Alt+T</kbd></button>
      </div>
      <div>
        <button id="complaint">投诉工单 Complaint ticket<kbd>Alt+C</kbd></button>
        <input id="callback-note" placeholder="回拨说明 Callback note" size="26" aria-label="callback note">
        <button id="callback">预约回拨 Book callback<kbd>Alt+B</kbd></button>
      </div>
    </section>
    <section id="wrapup" class="card hidden">
      <h2>话后处理 Wrap-up — 选择结果 choose a disposition (1–9)</h2>
      <div id="dispositions"></div>
      <button id="end-wrapup">结束整理 End wrap-up<kbd>Alt+W</kbd></button>
    </section>
  </div>
  <div>
    <section class="card">
      <h2>状态 State</h2>
      <button id="login">签入 Log in<kbd>Alt+L</kbd></button>
      <button id="ready">就绪 Ready<kbd>Alt+R</kbd></button>
      <div><select id="pause-reason" aria-label="pause reason"></select><button id="pause">小休 Pause<kbd>Alt+P</kbd></button></div>
      <button id="logout">签出 Log out<kbd>Alt+O</kbd></button>
    </section>
    <section class="card">
      <h2>最近通话 Recent calls</h2>
      <table><thead><tr><th>时间 Time</th><th>队列 Queue</th><th>结果 Result</th></tr></thead><tbody id="recent"></tbody></table>
    </section>
  </div>
</div>
</main>
<script>
(function () {
  'use strict';
  var STORE = 'hotline.desk';
  var TIERS = { diamond: '钻石 Diamond', gold: '金卡 Gold', silver: '银卡 Silver', standard: '普通 Standard' };
  var STATES = { offline: '未签入 Offline', available: '就绪 Ready', paused: '小休 Paused', reserved: '分配中 Reserved', ringing: '振铃 Ringing', 'on-call': '通话 Talking', 'wrap-up': '整理 Wrap-up' };
  var WITH_CALL = ['reserved', 'ringing', 'on-call', 'wrap-up'];
  var auth = null, desk = null, call = null, source = null, since = Date.now(), reconnectTimer = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000)), m = Math.floor(s / 60), h = Math.floor(m / 60);
    return (h > 0 ? h + ':' + String(m % 60).padStart(2, '0') : String(m)) + ':' + String(s % 60).padStart(2, '0');
  }
  function time(iso) { return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false }); }
  function dateTime(iso) { return new Date(iso).toLocaleString('zh-CN', { hour12: false }); }
  function say(text) { $('notice').textContent = text || ''; $('message').textContent = ''; }
  function fail(text) { $('message').textContent = text || ''; $('notice').textContent = ''; }

  function api(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + auth.token } };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return null;
      return res.json().then(function (data) {
        if (res.status === 401) { signOut('登录已失效 Signed out: ' + data.message); throw new Error(data.message); }
        if (!res.ok) { fail(data.message || ('HTTP ' + res.status)); throw new Error(data.message); }
        return data;
      });
    });
  }
  function base() { return '/v1/desk/agents/' + encodeURIComponent(auth.agentId); }

  function row(dl, label, value, field, cls) {
    dl.appendChild(el('dt', '', label));
    var dd = el('dd', cls || '', value);
    dd.setAttribute('data-field', field);
    dl.appendChild(dd);
  }
  function renderPop() {
    var pop = $('pop');
    pop.replaceChildren();
    if (!call) { pop.className = 'card empty'; pop.textContent = '没有来电 No call'; return; }
    pop.className = 'card';
    var head = el('div');
    var tier = el('span', 'tier', TIERS[call.tier] || call.tier);
    tier.style.background = call.tierColour;
    tier.setAttribute('data-field', 'tier');
    head.appendChild(tier);
    var name = el('span', 'callername', call.customer ? call.customer.name : '未识别客户 Unknown caller');
    name.setAttribute('data-field', 'name');
    head.appendChild(name);
    pop.appendChild(head);
    if (call.kind !== 'inbound') pop.appendChild(el('div', 'banner', (call.kind === 'survey-callback' ? '回访回拨 Survey callback: ' : '回拨 Callback: ') + (call.outboundReason || '')));
    if (call.campaign) {
      var c = el('div', 'banner', '外呼活动 Campaign: ' + call.campaign.name + ' (' + (call.campaign.kind === 'reminder' ? '缴费提醒 payment reminder' : '业务通知 service notice') + ')');
      c.setAttribute('data-field', 'campaign');
      pop.appendChild(c);
    }
    if (call.transfer) {
      var t = el('div', 'banner', '转接自 Transferred by ' + (call.transfer.fromAgent || '?') + ' (' + (call.transfer.fromQueue || '?') + ') — ' + (call.transfer.reason || call.transfer.by || ''));
      t.setAttribute('data-field', 'transfer');
      pop.appendChild(t);
    }
    var dl = el('dl');
    row(dl, '诉求 Need', call.need.queue + (call.need.menuPath.length ? ' · ' + call.need.menuPath.map(function (p) { return p.slice(p.lastIndexOf(':') + 1); }).join(' › ') : ''), 'need');
    row(dl, '号码 Number', call.number || '未显示 withheld', 'number');
    row(dl, '账户 Account', call.customer ? call.customer.accountId : '—', 'account');
    row(dl, '服务密码 Password', call.passwordVerified ? '已验证 verified' : '未验证 not verified', 'password', call.passwordVerified ? 'yes' : 'no');
    row(dl, '自助服务 Self-service', call.selfService.length ? call.selfService.join(', ') : '—', 'self-service');
    row(dl, '等待 Waited', clock(call.waitedMs), 'waited');
    var a = call.account;
    if (a) {
      row(dl, '余额 Balance', a.balance === null ? '—' : '¥' + a.balance.toFixed(2), 'balance');
      row(dl, '账单 Bill', a.bill ? a.bill.month + ' ¥' + a.bill.total.toFixed(2) + (a.bill.toDate ? ' (至今 to date)' : '') : '—', 'bill');
      var tickets = a.openComplaints.map(function (c) { return c.id + ' 截止 due ' + dateTime(c.dueAt) + (c.overdue ? ' 已超时 OVERDUE' : ''); }).join('; ');
      row(dl, '未结投诉 Open tickets', tickets || '无 none', 'complaints', a.openComplaints.some(function (c) { return c.overdue; }) ? 'overdue' : '');
      if (a.unavailable) pop.appendChild(el('div', 'banner', '部分资料暂不可用 Some account data unavailable'));
    } else {
      row(dl, '账户资料 Account data', call.customer ? '查询中… looking up' : '—', 'balance');
    }
    pop.appendChild(dl);
  }
  function renderState(state, pauseReason) {
    var s = $('state');
    s.className = state;
    s.textContent = (STATES[state] || state) + (state === 'paused' && pauseReason ? ' · ' + pauseLabel(pauseReason) : '');
    s.setAttribute('data-state', state);
    var wasWrapUp = !$('wrapup').classList.contains('hidden');
    $('wrapup').classList.toggle('hidden', state !== 'wrap-up');
    // Into wrap-up: the keys 1-9 choose the disposition, wherever the cursor was.
    if (state === 'wrap-up' && !wasWrapUp) { var firstChoice = document.querySelector('#dispositions button'); if (firstChoice) firstChoice.focus(); }
    $('login').disabled = state !== 'offline';
    $('ready').disabled = state === 'offline' || state === 'available';
    $('pause').disabled = state === 'offline';
    $('logout').disabled = state === 'offline';
    $('transfer').disabled = state !== 'on-call';
    $('complaint').disabled = $('callback').disabled = !(state === 'on-call' || state === 'wrap-up');
  }
  function pauseLabel(code) {
    var found = (desk && desk.pauseReasons || []).filter(function (r) { return r.code === code; })[0];
    return found ? found.zh + ' ' + found.en : code;
  }
  function renderRecent(list) {
    $('recent').replaceChildren.apply($('recent'), list.map(function (c) {
      var tr = el('tr');
      tr.setAttribute('data-call', c.callId);
      tr.appendChild(el('td', '', time(c.rungAt)));
      tr.appendChild(el('td', '', c.queue));
      tr.appendChild(el('td', '', c.transferredTo ? '→ ' + c.transferredTo : (c.disposition || (c.answeredAt ? '—' : '未接 missed'))));
      return tr;
    }));
  }
  function applyDesk(d) {
    desk.agent = d.agent;
    $('who').textContent = d.agent.name + ' · ' + d.agent.id;
    since = Date.parse(d.agent.stateSince);
    call = d.call;
    renderState(d.agent.state, d.agent.pauseReason);
    renderPop();
    renderRecent(d.recent);
  }
  function refreshRecent() { api('GET', base()).then(function (d) { renderRecent(d.recent); }).catch(function () {}); }

  function connect() {
    clearTimeout(reconnectTimer);
    if (source) { source.close(); source = null; }
    api('POST', '/v1/desk/stream/tickets').then(function (t) {
      source = new EventSource(base() + '/stream?ticket=' + encodeURIComponent(t.ticket));
      source.addEventListener('open', function () { $('link').textContent = '在线 live'; $('link').className = 'live'; });
      source.addEventListener('desk', function (e) { applyDesk(JSON.parse(e.data)); });
      source.addEventListener('pop', function (e) { call = JSON.parse(e.data); renderPop(); });
      source.addEventListener('cleared', function () { call = null; renderPop(); refreshRecent(); });
      source.addEventListener('state', function (e) {
        var s = JSON.parse(e.data);
        since = Date.now();
        if (WITH_CALL.indexOf(s.state) < 0) { call = null; renderPop(); }
        renderState(s.state, s.pauseReason);
        if (s.state === 'wrap-up' || s.state === 'available') refreshRecent();
      });
      source.addEventListener('end', function (e) {
        var why = JSON.parse(e.data).reason;
        if (why === 'revoked-api-key' || why === 'api-key-expired') signOut('登录已结束 Session ended');
      });
      // A ticket opens one stream: on any drop, ask a new one and reconnect.
      source.onerror = function () { lost(); };
    }).catch(function () { lost(); });
  }
  function lost() {
    if (source) { source.close(); source = null; }
    if (!auth) return;
    $('link').textContent = '重连中 reconnecting…'; $('link').className = 'down';
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, 2000);
  }

  function act(promise, done) { promise.then(function (r) { if (done) say(done(r)); }).catch(function () {}); }
  function state(body) { act(api('POST', base() + '/state', body), function (a) { renderState(a.state, a.pauseReason); return ''; }); }
  function transfer() {
    if (!call || $('transfer').disabled) return;
    var reason = $('transfer-reason').value.trim();
    if (!reason) { fail('请填写转接原因 Give a transfer reason'); $('transfer-reason').focus(); return; }
    act(api('POST', base() + '/calls/' + encodeURIComponent(call.callId) + '/transfer', { queue: $('transfer-queue').value, reason: reason }), function (r) { $('transfer-reason').value = ''; return '已转接 Transferred to ' + r.queue; });
  }
  function complaint() {
    if (!call || $('complaint').disabled) return;
    act(api('POST', base() + '/calls/' + encodeURIComponent(call.callId) + '/complaint'), function (r) { return '投诉工单 Ticket ' + r.ticketId + ' 截止 due ' + dateTime(r.dueAt); });
  }
  function callback() {
    if (!call || $('callback').disabled) return;
    var note = $('callback-note').value.trim();
    if (!note) { fail('请填写回拨说明 Give a callback note'); $('callback-note').focus(); return; }
    act(api('POST', base() + '/calls/' + encodeURIComponent(call.callId) + '/callback', { note: note }), function (r) { $('callback-note').value = ''; return '已预约回拨 Callback booked, by ' + dateTime(r.deadline); });
  }
  function dispose(code) {
    act(api('POST', base() + '/wrap-up/end', { disposition: code }), function (a) { renderState(a.state, a.pauseReason); refreshRecent(); return '已保存 Saved: ' + code; });
  }
  function endWrapUp() {
    if ($('wrapup').classList.contains('hidden')) return;
    act(api('POST', base() + '/wrap-up/end', {}), function (a) { renderState(a.state, a.pauseReason); return ''; });
  }

  function buildChoices() {
    $('pause-reason').replaceChildren.apply($('pause-reason'), desk.pauseReasons.map(function (r) { var o = el('option', '', r.zh + ' ' + r.en); o.value = r.code; return o; }));
    $('transfer-queue').replaceChildren.apply($('transfer-queue'), desk.queues.map(function (q) { var o = el('option', '', q); o.value = q; return o; }));
    $('dispositions').replaceChildren.apply($('dispositions'), desk.dispositions.map(function (d, i) {
      var b = el('button', '', d.zh + ' ' + d.en);
      b.setAttribute('data-disposition', d.code);
      if (i < 9) b.appendChild(el('kbd', '', String(i + 1)));
      b.addEventListener('click', function () { dispose(d.code); });
      return b;
    }));
  }

  function startDesk() {
    $('signin').classList.add('hidden');
    $('desk').classList.remove('hidden');
    api('GET', base()).then(function (d) {
      desk = { pauseReasons: d.pauseReasons, dispositions: d.dispositions, queues: d.queues };
      buildChoices();
      applyDesk(d);
      connect();
    }).catch(function () {});
  }
  function signOut(why) {
    var was = auth;
    auth = null;
    sessionStorage.removeItem(STORE);
    if (source) { source.close(); source = null; }
    clearTimeout(reconnectTimer);
    if (was && was.token.indexOf('ds_') === 0 && !why) fetch('/v1/desk/sessions/current', { method: 'DELETE', headers: { authorization: 'Bearer ' + was.token } });
    call = null;
    $('desk').classList.add('hidden');
    $('signin').classList.remove('hidden');
    $('signin-message').textContent = why || '';
    $('agent-id').focus();
  }

  $('signin-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var agentId = $('agent-id').value.trim();
    fetch('/desk/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId: agentId, pin: $('pin').value }) })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        $('pin').value = '';
        if (!r.ok) { $('signin-message').textContent = r.body.message; return; }
        auth = { agentId: r.body.agentId, token: r.body.token };
        sessionStorage.setItem(STORE, JSON.stringify(auth));
        startDesk();
      })
      .catch(function () { $('signin-message').textContent = '无法连接 Cannot reach the server'; });
  });
  $('signout').addEventListener('click', function () { signOut(); });
  $('login').addEventListener('click', function () { state({ action: 'login' }); });
  $('ready').addEventListener('click', function () { state({ action: 'ready' }); });
  $('pause').addEventListener('click', function () { state({ action: 'pause', reason: $('pause-reason').value }); });
  $('logout').addEventListener('click', function () { state({ action: 'logout' }); });
  $('transfer').addEventListener('click', transfer);
  $('complaint').addEventListener('click', complaint);
  $('callback').addEventListener('click', callback);
  $('end-wrapup').addEventListener('click', endWrapUp);
  document.addEventListener('keydown', function (e) {
    if (!auth || !desk) return;
    var typing = e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT');
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      var k = e.key.toLowerCase();
      var keys = { l: function () { $('login').click(); }, r: function () { $('ready').click(); }, p: function () { $('pause').click(); }, o: function () { $('logout').click(); }, t: transfer, c: complaint, b: callback, w: endWrapUp };
      if (keys[k]) { e.preventDefault(); keys[k](); }
      return;
    }
    if (!typing && !$('wrapup').classList.contains('hidden') && /^[1-9]$/.test(e.key)) {
      var d = desk.dispositions[Number(e.key) - 1];
      if (d) { e.preventDefault(); dispose(d.code); }
    }
  });
  setInterval(function () {
    $('clock').textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false });
    var st = $('state').getAttribute('data-state');
    $('timer').textContent = st && st !== 'offline' ? clock(Date.now() - since) : '';
  }, 1000);

  var fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (fragment.get('key') && fragment.get('agent')) {
    auth = { agentId: fragment.get('agent'), token: fragment.get('key') };
    sessionStorage.setItem(STORE, JSON.stringify(auth));
    history.replaceState(null, '', location.pathname);
  } else {
    try { auth = JSON.parse(sessionStorage.getItem(STORE) || 'null'); } catch (err) { auth = null; }
  }
  if (auth) startDesk(); else signOut('');
})();
</script>
</body>
</html>
`;
