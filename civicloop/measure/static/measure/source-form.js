// The source form shows the settings of the chosen kind only. Without JavaScript every
// kind's settings are shown, each under its name, and only the chosen kind's are kept.
(function () {
  "use strict";
  var form = document.querySelector("form.source-form");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");
  var groups = form.querySelectorAll("fieldset.kind-settings");
  function show() {
    groups.forEach(function (group) {
      group.hidden = group.dataset.kind !== kind.value;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
