/* The live chat, on the child's page and the counsellor's. The pages work without it
   (messages rendered on the page, a plain form to send); with it, messages arrive at
   once over a WebSocket, or by long-polling when a WebSocket cannot be kept open.
   Written for old phone browsers: no frameworks, no modern syntax. */
(function () {
  "use strict";
  // The chat's key is an HttpOnly cookie this script never sees. Earlier versions kept
  // the chat's address in sessionStorage: forget it wherever the chat is forgotten.
  var KEY = "haven-chat";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function forget() { try { window.sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ } }

  // "Leave this site quickly": /chat/exit/ deletes the chat cookie and goes on to an
  // ordinary site; replacing this page in the history means Back does not return here.
  each(document.querySelectorAll("a.quick-exit"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      forget();
      window.location.replace(link.href);
    });
  });

  var root = document.getElementById("chat");
  if (!root) { return; }
  var data = function (name) { return root.getAttribute("data-" + name) || ""; };
  var side = data("side");
  var list = document.getElementById("transcript");
  var form = document.getElementById("chat-form");
  var box = form ? form.querySelector("textarea") : null;
  var statusLine = document.getElementById("chat-status");
  var notice = document.getElementById("chat-notice");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var last = parseInt(data("last"), 10) || 0;
  var status = data("status");
  var pending = [];           // messages typed and not yet acknowledged
  var socket = null;
  var mode = "ws";
  var failures = 0;           // WebSocket attempts in a row that did not stay open
  var retryDelay = 1000;
  var polling = false;
  var stopped = false;        // refused for good: no more connecting or polling
  var forgetTimer = null;

  document.documentElement.className += " chat-live";
  forget();
  if (window.HAVEN_CHAT_NO_WEBSOCKET || !window.WebSocket || /[?&]transport=poll/.test(location.search)) {
    mode = "poll";
  }

  function say(text) {
    if (!notice) { return; }
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  // 24-hour "H:i", as Haven shows times everywhere; the server sends it ready-made in
  // Haven's time zone ("time"), so that live messages match the ones on the page.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function time(message) {
    if (message.time) { return message.time; }
    var at = new Date(message.at);
    if (isNaN(at.getTime())) { return String(message.at).slice(11, 16); }
    return pad(at.getHours()) + ":" + pad(at.getMinutes());
  }

  function item(label, body, className) {
    var li = document.createElement("li");
    var who = document.createElement("span");
    var text = document.createElement("span");
    li.className = "msg " + className;
    who.className = "who";
    who.textContent = label;
    text.className = "body";
    text.textContent = body;  // never HTML: pre-wrap keeps the lines
    text.style.whiteSpace = "pre-wrap";
    li.appendChild(who);
    li.appendChild(text);
    return li;
  }

  function show(message) {
    if (message.client_id) { drop(message.client_id); }
    if (message.seq <= last) { return; }
    var li = item(message.label, message.body, "from-" + message.sender + (message.mine ? " mine" : ""));
    var stamp = document.createElement("time");
    stamp.setAttribute("datetime", message.at);
    stamp.textContent = time(message);
    li.appendChild(stamp);
    li.setAttribute("data-seq", message.seq);
    list.appendChild(li);
    last = message.seq;
    if (li.scrollIntoView) { li.scrollIntoView({ block: "end" }); }
  }

  function find(clientId) {
    for (var i = 0; i < pending.length; i += 1) { if (pending[i].id === clientId) { return i; } }
    return -1;
  }

  function drop(clientId) {
    var at = find(clientId);
    if (at < 0) { return null; }
    var entry = pending.splice(at, 1)[0];
    if (entry.el.parentNode) { entry.el.parentNode.removeChild(entry.el); }
    return entry;
  }

  function setStatus(next) {
    if (!next || !next.status) { return; }
    status = next.status;
    if (statusLine && next.text) { statusLine.textContent = next.text; }
    if (status === "ended") {
      var ended = document.getElementById("chat-ended");
      if (ended) { ended.hidden = false; }
      each(document.querySelectorAll("#chat-form, #chat-end"), function (f) { f.hidden = true; });
      // The child has a while to read the goodbye; then the page forgets the words too,
      // as the server does (a phone left open on the table shows nothing).
      if (side === "child" && !forgetTimer) {
        forgetTimer = setTimeout(forgetTranscript, (parseInt(data("grace"), 10) || 600) * 1000);
      }
    }
  }

  function forgetTranscript() {
    stopped = true;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (socket) { socket.close(); }
    forget();
  }

  function handle(frame) {
    if (!frame || !frame.type) { return; }
    if (frame.type === "message") { show(frame); }
    else if (frame.type === "status") { setStatus(frame); }
    else if (frame.type === "ack") {
      var at = find(frame.client_id);
      if (at >= 0) { pending[at].acked = true; }
      // The long-poll's ack carries the message: show it now if it is the next one.
      if (frame.message && frame.message.seq === last + 1) { show(frame.message); }
    } else if (frame.type === "error") {
      if (frame.code === "gone") {  // the chat ended a while ago: nothing of it is shown
        setStatus(frame.status || { status: "ended", text: frame.message });
        forgetTranscript();
      }
      var entry = frame.client_id ? drop(frame.client_id) : null;
      // Refused (too fast, too long): the words go back in the box to send again.
      if (entry && box && frame.code !== "ended") {
        box.value = entry.body + (box.value ? "\n" + box.value : "");
      }
      say(frame.message);
    }
  }

  function newId() {
    var id = "";
    var bytes = new Uint8Array(12);
    if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(bytes); }
    for (var i = 0; i < bytes.length; i += 1) {
      id += ("0" + (bytes[i] || Math.floor(Math.random() * 256)).toString(16)).slice(-2);
    }
    return id;
  }

  function transmit(entry) {
    if (entry.acked) { return; }
    if (mode === "ws") {
      if (socket && socket.readyState === 1) {
        socket.send(JSON.stringify({ type: "message", body: entry.body, client_id: entry.id }));
      }
      return;  // otherwise sent again when the socket opens
    }
    request("POST", data("send"), JSON.stringify({ body: entry.body, client_id: entry.id }), function (ok, reply) {
      if (reply) { handle(reply); }
      if (!ok && !reply) { setTimeout(function () { transmit(entry); }, 3000); }
      wake();
    });
  }

  function submit(event) {
    event.preventDefault();
    var text = box.value;
    if (!text.replace(/\s+/g, "")) { say(data("text-empty")); return; }
    say("");
    var entry = { id: newId(), body: text, acked: false };
    entry.el = item(data("text-sending"), text, "mine pending");
    list.appendChild(entry.el);
    pending.push(entry);
    box.value = "";
    transmit(entry);
  }

  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.timeout = 35000;
    xhr.setRequestHeader("Accept", "application/json");
    if (body !== null) {
      xhr.setRequestHeader("Content-Type", "application/json");
      if (csrf) { xhr.setRequestHeader("X-CSRFToken", csrf.value); }
    }
    xhr.onload = function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = null; }
      done(xhr.status >= 200 && xhr.status < 300, reply, xhr.status);
    };
    xhr.onerror = xhr.ontimeout = function () { done(false, null, 0); };
    xhr.send(body);
  }

  // --- Long-poll: used when the WebSocket cannot be kept open ---------------------------
  var pollTimer = null;
  function wake() { if (mode === "poll" && !polling) { clearTimeout(pollTimer); poll(); } }

  function poll() {
    if (stopped) { return; }
    polling = true;
    var url = data("poll") + "?after=" + last + "&status=" + encodeURIComponent(status);
    request("GET", url, null, function (ok, reply, code) {
      polling = false;
      if (ok && reply) {
        retryDelay = 1000;
        say("");
        each(reply.messages || [], show);
        setStatus(reply.status);
        if (status !== "ended" || reply.more) { pollTimer = setTimeout(poll, 0); }
        return;
      }
      if (code === 410 && reply) { handle(reply); return; }
      if (code === 403 || code === 404) { say(reply && reply.message); return; }
      if (code !== 429) { say(data("text-offline")); }
      retryDelay = Math.min(retryDelay * 2, 30000);
      pollTimer = setTimeout(poll, retryDelay);
    });
  }

  function fallBack() {
    mode = "poll";
    say(data("text-slow"));
    setTimeout(function () { if (notice && notice.textContent === data("text-slow")) { say(""); } }, 6000);
    each(pending, transmit);
    poll();
  }

  // --- WebSocket ------------------------------------------------------------------------
  function connect() {
    if (stopped) { return; }
    var opened = false;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + data("ws") +
      "?after=" + last + (data("lang") ? "&lang=" + data("lang") : "");
    try { socket = new WebSocket(url); } catch (e) { fallBack(); return; }
    socket.onopen = function () {
      opened = true;
      retryDelay = 1000;
      say("");
      socket.send(JSON.stringify({ type: "resume", after: last }));
      each(pending, transmit);
    };
    socket.onmessage = function (event) {
      failures = 0;
      try { handle(JSON.parse(event.data)); } catch (e) { /* not ours */ }
    };
    socket.onclose = function (event) {
      socket = null;
      if (stopped || event.code === 4403) { return; }  // refused: the error frame said why
      if (event.code === 4429) {  // open in too many tabs, or too many frames: wait
        setTimeout(connect, 30000);
        return;
      }
      failures += 1;
      // Failing to open twice in a row, or closing again and again: the network or a
      // proxy does not let WebSockets through. Long-polling works through those.
      if (failures >= (opened ? 3 : 2)) { fallBack(); return; }
      say(data("text-offline"));
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  if (form && box) { form.addEventListener("submit", submit); }
  var endForm = document.getElementById("chat-end");
  if (endForm) {
    endForm.addEventListener("submit", function (event) {
      if (!window.confirm(data("text-confirm-end"))) { event.preventDefault(); return; }
      forget();
    });
  }
  if (data("forget-in")) {  // rendered after the chat ended: forget it when the grace ends
    forgetTimer = setTimeout(forgetTranscript, parseInt(data("forget-in"), 10) * 1000);
  }
  if (mode === "ws") { connect(); } else { poll(); }
})();
