// The dashboard's stylesheet, served by the Worker at /dashboard/assets/dashboard.css (no CDN, no inline style,
// so the CSP needs no 'unsafe-inline'). Colours meet WCAG 2.2 AA contrast (4.5:1 for text) on their backgrounds:
// #1a1a2e on #fff is 16.9:1, #1d4ed8 links on #fff 6.7:1, #8a1c1c on #fdecec 7.4:1, #14532d on #e8f5ec 8.9:1.
export const DASHBOARD_CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a2e; background: #fff; }
body { margin: 0; line-height: 1.5; }
a { color: #1d4ed8; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid #b45309; outline-offset: 2px;
}
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
header.top { background: #1a1a2e; color: #fff; padding: .75rem 1.25rem; display: flex; flex-wrap: wrap;
  gap: 1rem; align-items: center; justify-content: space-between; }
header.top a { color: #fff; }
header.top nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; }
header.top nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.top .who { display: flex; gap: .75rem; align-items: center; }
header.top button { background: #fff; color: #1a1a2e; }
main { padding: 1.25rem; max-width: 80rem; margin: 0 auto; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #c9c9d6; padding-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #dcdce6; vertical-align: top; }
th { background: #f1f1f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
button { font: inherit; padding: .4rem .9rem; border: 1px solid #1a1a2e; border-radius: 4px; background: #1a1a2e;
  color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1a1a2e; }
button.danger { background: #8a1c1c; border-color: #8a1c1c; }
label { display: block; font-weight: 600; margin-bottom: .2rem; }
input, select { font: inherit; padding: .35rem .5rem; border: 1px solid #595970; border-radius: 4px; max-width: 100%; }
.field { margin-bottom: .75rem; }
.check label { display: inline; font-weight: 400; margin-left: .3rem; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .5rem 1rem;
  align-items: end; background: #f7f7fb; padding: .75rem; border-radius: 6px; }
form.inline { display: inline; }
.forms { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #c9c9d6; border-radius: 6px; padding: .75rem 1rem; }
dl.balance { display: grid; grid-template-columns: max-content auto; gap: .25rem 1.5rem; }
dl.balance dt { font-weight: 600; }
dl.balance dd { margin: 0; font-variant-numeric: tabular-nums; }
.alert { background: #fdecec; color: #8a1c1c; border: 1px solid #8a1c1c; padding: .6rem .8rem; border-radius: 4px; }
.status { background: #e8f5ec; color: #14532d; border: 1px solid #14532d; padding: .6rem .8rem; border-radius: 4px; }
.mismatch { background: #fff4e5; }
.empty { color: #4a4a5e; font-style: italic; }
.muted { color: #4a4a5e; }
pre { white-space: pre-wrap; word-break: break-all; background: #f7f7fb; padding: .5rem; max-height: 20rem;
  overflow: auto; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #1a1a2e; }
svg.chart rect.bar { fill: #1d4ed8; }
.signin { max-width: 26rem; margin: 3rem auto; }
`;
