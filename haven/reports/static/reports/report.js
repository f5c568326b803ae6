/* Small enhancements for the public pages. Everything works without this file. */
(function () {
  "use strict";

  // "Leave this site quickly": replace this page in the history, so that pressing
  // Back on a shared phone does not bring it back.
  document.querySelectorAll("a.quick-exit").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
    });
  });

  // Show the "call now" panel as soon as "A child in danger now" is picked, and with it
  // the "where is the child" fields. Without this file those fields are always shown,
  // and the server treats the category with a place as the tick.
  var panel = document.getElementById("danger-now-panel");
  var where = document.getElementById("danger-now-where");
  var tick = document.querySelector('input[name="in_danger"]');
  if (panel) {
    var radios = document.querySelectorAll('input[name="category"]');
    var hasWhere = function () {
      if (!where) { return false; }
      if (where.querySelector(".has-error")) { return true; }
      return Array.prototype.some.call(
        where.querySelectorAll("input, select, textarea"),
        function (input) { return input.value.trim() !== ""; }
      );
    };
    var update = function () {
      var chosen = document.querySelector('input[name="category"]:checked');
      var dangerNow = Boolean(chosen && chosen.value === "danger_now");
      panel.hidden = !dangerNow;
      if (where) { where.hidden = !(dangerNow || (tick && tick.checked) || hasWhere()); }
    };
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    if (tick) { tick.addEventListener("change", update); }
    update();
  }

  // After a failed submit, move focus to the list of problems so it is read out first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
