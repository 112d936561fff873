// Draws every Vega-Lite chart on the page with the bundled vega-embed (no CDN), and again
// after htmx swaps in a new chart panel. The spec comes from a JSON data island and Vega's
// expression interpreter (ast: true) stands in for eval, so the Content-Security-Policy
// needs neither inline script nor 'unsafe-eval'.
(function () {
  function draw(root) {
    root.querySelectorAll(".vega[data-spec]").forEach(function (el) {
      var data = document.getElementById(el.dataset.spec);
      if (!data || !window.vegaEmbed) return;
      var spec = JSON.parse(data.textContent);
      window.vegaEmbed(el, spec, { renderer: "svg", actions: false, ast: true }).then(function () {
        el.dataset.rendered = "true";
      }).catch(function (err) {
        el.textContent = "The chart could not be drawn: " + err + ". The table below has the same numbers.";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target.parentNode || document); });
})();
