/** The HTML report's style and script, inlined: the file is read offline, with no request to anywhere. */

export const HTML_STYLE = `
:root { --error: #c62828; --warn: #e08a00; --ok: #2e7d32; --muted: #6b7280; --line: #d8dde3; font-family: system-ui, sans-serif; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; color: #1f2933; background: #fff; }
h1 { font-size: 1.4rem; margin: 0.2rem 0; }
.meta, small, .see { color: var(--muted); }
.totals span { margin-right: 1rem; font-weight: 600; }
.passed { color: var(--ok); } .failed, .error { color: var(--error); } .warned, .warn { color: var(--warn); } .skipped { color: var(--muted); }
.stopped { border: 2px solid var(--error); border-radius: 6px; padding: 0.5rem 0.8rem; margin: 0.8rem 0; }
.filters { position: sticky; top: 0; background: #fff; padding: 0.6rem 0; border-bottom: 1px solid var(--line); display: flex; gap: 1rem; z-index: 1; }
.filters label { font-size: 0.9rem; }
.case { border: 1px solid var(--line); border-radius: 6px; margin: 0.9rem 0; padding: 0.6rem 0.9rem; }
.case h2 { font-size: 1.05rem; margin: 0.2rem 0 0.4rem; }
.step { border-top: 1px dashed var(--line); padding-top: 0.4rem; margin-top: 0.4rem; }
.step-head { font-family: ui-monospace, monospace; font-size: 0.85rem; }
.latency { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; margin: 0.3rem 0; font-size: 0.88rem; }
.latency b { font-variant-numeric: tabular-nums; }
.charts { display: flex; gap: 1rem; align-items: flex-end; flex-wrap: wrap; }
svg.timeline { flex: 1 1 640px; height: 64px; min-width: 320px; }
svg.histogram { flex: 0 0 220px; height: 64px; }
.mark { stroke: #4b6584; stroke-width: 2; cursor: pointer; }
.mark.heartbeat { stroke: #b0b8c1; }
.mark.dev-warn { stroke: var(--warn); stroke-width: 3; }
.mark.dev-error { stroke: var(--error); stroke-width: 3; }
.mark.selected { stroke-width: 5; }
.axis { stroke: var(--line); } .tick { font-size: 10px; fill: var(--muted); }
.bar { fill: #7a93ac; }
pre { background: #f5f7f9; padding: 0.4rem 0.6rem; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: 0.8rem; margin: 0.3rem 0; }
.deviations { list-style: none; padding: 0; margin: 0.3rem 0; }
.deviation { margin: 0.4rem 0; font-size: 0.9rem; }
.deviation code { font-weight: 600; }
.note { color: var(--muted); font-size: 0.88rem; }
[hidden] { display: none !important; }
`;

/**
 * Filters (protocol, severity, rule) and the frame shown on click. A case stays when its protocol
 * matches and, once a severity or a rule is chosen, when one of its deviations matches both.
 */
export const HTML_SCRIPT = `
(() => {
  const byId = (id) => document.getElementById(id);
  const filters = ['filter-protocol', 'filter-severity', 'filter-rule'].map(byId);
  function apply() {
    const [protocol, severity, rule] = filters.map((select) => select.value);
    for (const section of document.querySelectorAll('.case')) {
      let matching = 0;
      for (const item of section.querySelectorAll('.deviation')) {
        const shown = (severity === '' || item.dataset.severity === severity) && (rule === '' || item.dataset.rule === rule);
        item.hidden = !shown;
        if (shown) matching++;
      }
      const wanted = (protocol === '' || section.dataset.protocol === protocol) && ((severity === '' && rule === '') || matching > 0);
      section.hidden = !wanted;
    }
    byId('shown').textContent = String(document.querySelectorAll('.case:not([hidden])').length);
  }
  for (const select of filters) select.addEventListener('change', apply);
  document.addEventListener('click', (event) => {
    const mark = event.target.closest ? event.target.closest('.mark') : null;
    if (mark === null) return;
    const step = mark.closest('.step');
    const pre = step.querySelector('.frame-json');
    for (const other of step.querySelectorAll('.mark.selected')) other.classList.remove('selected');
    mark.classList.add('selected');
    let text = mark.dataset.text;
    try { text = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: shown as it came */ }
    pre.textContent = 'frame ' + mark.dataset.index + ' at ' + mark.dataset.at + ' ms' + (mark.dataset.event ? ' (event ' + mark.dataset.event + ')' : '') + '\\n' + text;
    pre.hidden = false;
  });
  apply();
})();
`;
