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

  // Show the "call now" panel as soon as "A child in danger now" is picked.
  var panel = document.getElementById("danger-now-panel");
  if (panel) {
    var radios = document.querySelectorAll('input[name="category"]');
    var update = function () {
      var chosen = document.querySelector('input[name="category"]:checked');
      panel.hidden = !(chosen && chosen.value === "danger_now");
    };
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
  }

  // After a failed submit, move focus to the list of problems so it is read out first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
