/* The counsellors' chat queue, kept current: asks for the queue every few seconds and
   redraws it. Without JavaScript the page refreshes itself instead. */
(function () {
  "use strict";
  var root = document.getElementById("chat-queue");
  if (!root) { return; }
  var EVERY = 4000;
  var rows = document.getElementById("waiting-rows");
  var mine = document.getElementById("mine-rows");
  var count = document.getElementById("waiting-count");
  var announce = document.getElementById("queue-announce");
  var csrf = document.querySelector("#take-template input[name=csrfmiddlewaretoken]");
  var title = document.title;
  var known = rows.querySelectorAll("form").length;
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  var texts = {
    take: text("take"), read: text("read"), none: text("none"), noneOpen: text("none-open"),
    fresh: text("new"), waiting: text("waiting")
  };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function waited(seconds) {
    if (seconds < 60) { return seconds + " s"; }
    var minutes = Math.floor(seconds / 60);
    return minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function waitingRow(row) {
    var tr = el("tr");
    var head = el("th", waited(row.waited_seconds));
    head.scope = "row";
    tr.appendChild(head);
    tr.appendChild(el("td", row.channel_label));
    tr.appendChild(el("td", row.language || "—"));
    var first = el("td");
    if (row.topic) { first.appendChild(el("span", row.topic, "tag")); first.appendChild(document.createTextNode(" ")); }
    first.appendChild(document.createTextNode(row.preview || "—"));
    tr.appendChild(first);
    var actions = el("td");
    var form = el("form", "", "inline-form");
    form.method = "post";
    form.action = row.take_url;
    if (csrf) { form.appendChild(csrf.cloneNode()); }
    var button = el("button", texts.take);
    button.type = "submit";
    button.appendChild(el("span", " " + texts.waiting + " " + waited(row.waited_seconds), "visually-hidden"));
    form.appendChild(button);
    actions.appendChild(form);
    actions.appendChild(document.createTextNode(" "));
    var read = el("a", texts.read);
    read.href = row.url;
    actions.appendChild(read);
    tr.appendChild(actions);
    return tr;
  }

  function mineItem(row) {
    var li = el("li");
    var link = el("a", row.channel_label + " · " + (row.language || "—") + (row.counsellor ? " · " + row.counsellor : ""));
    link.href = row.url;
    li.appendChild(link);
    if (row.child_waiting) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", texts.fresh, "tag warn")); }
    return li;
  }

  function draw(data) {
    rows.textContent = "";
    if (!data.waiting.length) {
      var empty = el("td", texts.none, "muted");
      empty.colSpan = 5;
      rows.appendChild(el("tr")).appendChild(empty);
    }
    data.waiting.forEach(function (row) { rows.appendChild(waitingRow(row)); });
    mine.textContent = "";
    if (!data.mine.length) { mine.appendChild(el("li", texts.noneOpen, "muted")); }
    data.mine.forEach(function (row) { mine.appendChild(mineItem(row)); });
    count.textContent = data.waiting.length;
    document.title = (data.waiting.length ? "(" + data.waiting.length + ") " : "") + title;
    if (data.waiting.length > known) { announce.textContent = data.waiting.length + " " + texts.waiting; }
    known = data.waiting.length;
  }

  function refresh() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", root.getAttribute("data-url"), true);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status === 200) { try { draw(JSON.parse(xhr.responseText)); } catch (e) { /* keep the old table */ } }
      setTimeout(refresh, EVERY);
    };
    xhr.onerror = function () { setTimeout(refresh, EVERY * 2); };
    xhr.send(null);
  }
  setTimeout(refresh, EVERY);
})();
