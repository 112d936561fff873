// The page's small behaviours, bound here rather than in inline on*= attributes, which the
// Content-Security-Policy forbids: [data-print] prints the page; a select[data-autosubmit]
// submits its form when it changes.
(function () {
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", function (e) {
    var el = e.target.closest("select[data-autosubmit]");
    if (el && el.form) el.form.requestSubmit();
  });
})();
