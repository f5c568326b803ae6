/* The emergency board's live countdown. Everything works without this file: the page
   then says the minutes left when it loaded and refreshes itself every 30 seconds.

   Times count from the server's clock, not the device's: the page (and every poll of
   the board's JSON) says what time the server has, and the difference is kept. */
(function () {
  "use strict";

  var root = document.querySelector("[data-now-ms]");
  if (!root) { return; }
  var offset = Number(root.getAttribute("data-now-ms")) - Date.now();

  function serverNow() { return Date.now() + offset; }

  function clock(ms) {
    var total = Math.floor(ms / 1000);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(seconds);
  }

  function tick() {
    document.querySelectorAll("[data-target-ms]").forEach(function (timer) {
      var left = Number(timer.getAttribute("data-target-ms")) - serverNow();
      var overdue = left < 0;
      timer.textContent = overdue ? "Overdue by " + clock(-left) : clock(left) + " left";
      timer.classList.toggle("is-overdue", overdue);
      var row = timer.closest("tr");
      if (row && overdue) { row.classList.add("is-red"); }
    });
  }

  // What the board shows, in one string: the open emergencies with their status,
  // escalation level and whether they wait for confirmation, and the recently closed.
  // When the server's differs, it redraws.
  function shown() {
    var open = Array.prototype.map.call(
      document.querySelectorAll("tr[data-reference]"),
      function (row) { return row.getAttribute("data-state"); }
    );
    var closed = Array.prototype.map.call(
      document.querySelectorAll("tr[data-closed]"),
      function (row) { return row.getAttribute("data-closed"); }
    );
    return open.join(" ") + "|" + closed.join(" ");
  }

  function update(data) {
    offset = Number(data.now_ms) - Date.now();
    var open = data.open.map(function (item) {
      return item.reference + ":" + item.status + ":" + item.level + ":" + (item.red ? 1 : 0) +
        ":" + (item.held ? 1 : 0);
    });
    if (open.join(" ") + "|" + data.closed.join(" ") !== shown()) {
      window.location.reload();
    }
  }

  function poll() {
    var url = root.getAttribute("data-board-url");
    if (!url || !window.fetch) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { update(data); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  tick();
  window.setInterval(tick, 1000);
  if (root.getAttribute("data-board-url")) { window.setInterval(poll, 5000); }
})();
