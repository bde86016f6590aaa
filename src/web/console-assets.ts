/**
 * The console's one stylesheet and one script, served from /console/ (the CSP allows only same-origin styles and
 * scripts). The script is progressive enhancement only: every page works without it.
 */
export const CONSOLE_CSS = `
:root{--fg:#1b1f24;--muted:#4a5360;--bg:#fff;--panel:#f4f6f8;--line:#c9d1d9;--accent:#0b5cad;--bad:#a4161a;--good:#1a6b2f;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px;z-index:2}
header{background:#102a43;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
header a{color:#fff}
header .brand{font-weight:700;text-decoration:none;font-size:1.1rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
header .who{margin-left:auto;display:flex;gap:.5rem;align-items:center}
header form{margin:0}
main{padding:1rem;max-width:72rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--panel)}
.table-wrap{overflow-x:auto}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;background:var(--panel);padding:.75rem;border-radius:6px}
label{display:block;font-weight:600;margin:.25rem 0}
.field{margin:.5rem 0}
input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #6b7785;border-radius:4px;max-width:100%}
textarea{width:100%;min-height:4rem}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.inline{display:inline}
.counts{display:flex;gap:1rem;flex-wrap:wrap}
.count{background:var(--panel);padding:.5rem 1rem;border-radius:6px}
.count strong{font-size:1.4rem;display:block}
.overdue{color:var(--bad);font-weight:600}
.state{font-weight:600}
.state-finished{color:var(--good)}.state-terminated{color:var(--bad)}.state-suspended{color:var(--warn)}
.notice{padding:.75rem;border-radius:6px;background:#e6f0fa;border-left:4px solid var(--accent);margin:.5rem 0}
.error{background:#fdecec;border-left-color:var(--bad)}
.muted{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;min-width:0}
h1,h2,p,li,dd,label{overflow-wrap:anywhere}
progress{width:100%;max-width:32rem;height:1.25rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
pre{background:var(--panel);padding:.75rem;overflow:auto;max-height:40rem;font-size:.85rem}
.diagram{overflow:auto;border:1px solid var(--line);border-radius:6px;padding:.5rem}
.diagram svg{max-width:none}
.signin{max-width:24rem;margin:3rem auto}
.progress{width:8rem}
@media (max-width:40rem){main{padding:.5rem}th,td{padding:.3rem}header .who{margin-left:0}dl.facts{grid-template-columns:1fr}}
`;

/** Asks before a form marked data-confirm is sent (the server asks again for bulk actions). */
export const CONSOLE_JS = `
document.addEventListener('submit', function (e) {
  var f = e.target; var q = f && f.getAttribute && f.getAttribute('data-confirm');
  if (q && !window.confirm(q)) e.preventDefault();
});
`;
