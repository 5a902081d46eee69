// The story page's filters: kind, source, confidence and decision, over the findings listed.
// No network requests; the page works without this script (every finding is listed).
(function () {
  var findings = document.getElementById('findings');
  if (!findings) return;
  function apply() {
    var kinds = [].slice.call(document.querySelectorAll('input[name=kind]:checked')).map(function (e) { return e.value; });
    var source = document.getElementById('source').value;
    var least = parseFloat(document.getElementById('min-confidence').value || '0');
    var decision = document.getElementById('decision').value;
    var shown = 0;
    [].slice.call(findings.querySelectorAll('.finding')).forEach(function (f) {
      var ok = kinds.indexOf(f.dataset.kind) >= 0
        && (!source || (' ' + f.dataset.sources + ' ').indexOf(' ' + source + ' ') >= 0)
        && parseFloat(f.dataset.confidence) >= least
        && (!decision || f.dataset.decision === decision);
      f.classList.toggle('hidden', !ok);
      if (ok) shown += 1;
    });
    document.getElementById('shown-count').textContent = shown;
  }
  [].slice.call(document.querySelectorAll('.filters input, .filters select')).forEach(function (e) {
    e.addEventListener('change', apply);
    e.addEventListener('input', apply);
  });
  apply();
})();
