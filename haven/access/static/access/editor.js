// The policy matrix, a little nicer with JavaScript: a cell whose list was changed is
// marked, the number of unsaved changes is announced, and leaving the page with unsaved
// changes asks first. Without it the form works the same.
(function () {
  "use strict";
  function ready() {
    var form = document.getElementById("matrix-form");
    if (!form) return;
    var counter = form.querySelector(".unsaved");
    var submitting = false;
    function dirty() {
      return Array.prototype.filter.call(form.querySelectorAll("select[data-saved]"), function (s) {
        return s.value !== s.getAttribute("data-saved");
      });
    }
    form.addEventListener("change", function (event) {
      var select = event.target;
      if (!select.matches || !select.matches("select[data-saved]")) return;
      var cell = select.closest("td");
      if (cell) cell.classList.toggle("is-dirty", select.value !== select.getAttribute("data-saved"));
      var count = dirty().length;
      if (counter) {
        counter.textContent = count === 0 ? "" : count === 1
          ? counter.getAttribute("data-one") : counter.getAttribute("data-many").replace("%s", count);
      }
    });
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && dirty().length) { event.preventDefault(); event.returnValue = ""; }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
