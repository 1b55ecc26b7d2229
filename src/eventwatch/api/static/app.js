// eventwatch dashboard. Plain DOM and hand-drawn SVG, no libraries, nothing loaded from elsewhere.
// News text is untrusted: it only ever reaches the page through textContent, never as HTML.

const SVG = "http://www.w3.org/2000/svg";
const QUAD = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };

const $ = (selector) => document.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function showError(message) {
  const status = $("#status");
  status.textContent = message;
  status.hidden = !message;
}

async function api(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) query.set(key, value);
  }
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error ? body.error.message : `${response.status} ${response.statusText}`;
    throw new Error(`${path}: ${message}`);
  }
  return body;
}

const fmt = (x, digits = 1) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));

// -- health -------------------------------------------------------------------------------------------

async function loadHealth() {
  const h = await api("/health");
  $("#health").textContent = h.status === "ok"
    ? `${h.events} events from ${h.articles} articles, ${h.first_date ?? "?"} to ${h.last_date ?? "?"}`
    : `no database yet (${h.database})`;
}

// -- dyad picker and timeline -------------------------------------------------------------------------

async function loadDyads() {
  const select = $("#dyad");
  select.replaceChildren();
  const { items } = await api("/dyads", { limit: 50 });
  for (const d of items) {
    const label = `${d.source} – ${d.target} (${d.n_events} events, net ${d.net_cooperation >= 0 ? "+" : ""}${d.net_cooperation})`;
    select.append(el("option", { value: `${d.source}|${d.target}` }, label));
  }
  if (!items.length) select.append(el("option", { value: "" }, "no dyads yet"));
}

function chosenDyad() {
  const source = $("#dyad-source").value.trim();
  const target = $("#dyad-target").value.trim();
  if (source && target) return [source.toUpperCase(), target.toUpperCase()];
  const value = $("#dyad").value;
  return value ? value.split("|") : null;
}

async function showSeries() {
  const dyad = chosenDyad();
  if (!dyad) return;
  const [source, target] = dyad;
  const series = await api("/series", {
    source, target, period: $("#period").value, directed: $("#directed").checked ? "true" : "",
  });
  drawChart(series);
}

function drawChart(series) {
  const box = $("#chart");
  box.replaceChildren();
  box.dataset.points = String(series.points.length);
  box.dataset.dyad = `${series.source}|${series.target}`;
  const arrow = series.directed ? "→" : "–";
  box.append(el("p", { class: "chart-title" },
    `${series.source} ${arrow} ${series.target}: ${series.unit} per ${series.period}`));
  if (!series.points.length) {
    box.append(el("p", { class: "empty" }, "No events between these actors."));
    return;
  }
  const points = series.points;
  const W = 760, H = 300, left = 44, right = 12, top = 14, countH = 150, gap = 34, goldH = 80;
  const inset = 16; // keeps the first and last bars clear of the axis labels and the edge
  const plotW = W - left - right - 2 * inset;
  const x = (i) => left + inset + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const maxCount = Math.max(1, ...points.map((p) => Math.max(p.cooperation, p.conflict)));
  const yCount = (v) => top + countH - (v * countH) / maxCount;
  const maxGold = Math.max(1, ...points.map((p) => Math.abs(p.goldstein_sum)));
  const zero = top + countH + gap + goldH / 2;
  const yGold = (v) => zero - (v * (goldH / 2)) / maxGold;

  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart" });
  chart.append(svg("title")); chart.lastChild.textContent = `${series.source} ${arrow} ${series.target}`;
  // axes and grid
  for (const v of [0, maxCount / 2, maxCount]) {
    chart.append(svg("line", { x1: left, x2: W - right, y1: yCount(v), y2: yCount(v), class: "grid" }));
    const label = svg("text", { x: left - 6, y: yCount(v) + 4, class: "axis", "text-anchor": "end" });
    label.textContent = Number.isInteger(v) ? v : v.toFixed(1);
    chart.append(label);
  }
  chart.append(svg("line", { x1: left, x2: W - right, y1: zero, y2: zero, class: "axis-line" }));
  for (const [v, y] of [[maxGold, yGold(maxGold)], [-maxGold, yGold(-maxGold)]]) {
    const label = svg("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" });
    label.textContent = v > 0 ? `+${v.toFixed(0)}` : v.toFixed(0);
    chart.append(label);
  }
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    if (i % step !== 0 && i !== points.length - 1) return;
    const label = svg("text", { x: x(i), y: H - 4, class: "axis", "text-anchor": "middle" });
    label.textContent = p.period.slice(series.period === "month" ? 0 : 5, series.period === "month" ? 7 : 10);
    chart.append(label);
  });
  // Goldstein bars (lower panel)
  const barW = Math.max(2, Math.min(24, (plotW / points.length) * 0.6));
  const goldLabel = svg("text", { x: W - right, y: zero - goldH / 2 - 4, class: "axis", "text-anchor": "end" });
  goldLabel.textContent = "Goldstein sum";
  chart.append(goldLabel);
  points.forEach((p, i) => {
    const y = yGold(Math.max(p.goldstein_sum, 0));
    const h = Math.abs(yGold(p.goldstein_sum) - zero);
    const bar = svg("rect", {
      x: x(i) - barW / 2, y, width: barW, height: Math.max(h, 0.5),
      class: `bar ${p.goldstein_sum >= 0 ? "pos" : "neg"}`, "data-period": p.period,
    });
    bar.append(svg("title"));
    bar.lastChild.textContent = `${p.period}: Goldstein sum ${fmt(p.goldstein_sum)}, mean ${fmt(p.goldstein_mean, 2)}`;
    chart.append(bar);
  });
  // cooperation and conflict lines (upper panel), one marker per period
  for (const kind of ["coop", "conflict"]) {
    const value = (p) => (kind === "coop" ? p.cooperation : p.conflict);
    const d = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${yCount(value(p)).toFixed(1)}`).join(" ");
    chart.append(svg("path", { d, class: `line ${kind}` }));
    points.forEach((p, i) => {
      const dot = svg("circle", { cx: x(i), cy: yCount(value(p)), r: 3.5, class: `point ${kind}`, "data-period": p.period });
      dot.append(svg("title"));
      dot.lastChild.textContent =
        `${p.period}: ${p.cooperation} cooperative, ${p.conflict} conflictual of ${p.count} (` +
        `${p.verbal_cooperation} verbal / ${p.material_cooperation} material coop, ` +
        `${p.verbal_conflict} verbal / ${p.material_conflict} material conflict)`;
      chart.append(dot);
    });
  }
  box.append(chart);
}

// -- alerts -------------------------------------------------------------------------------------------

async function loadAlerts() {
  const list = $("#alerts");
  list.replaceChildren();
  const { items } = await api("/alerts");
  if (!items.length) {
    list.append(el("li", { class: "empty" }, "No escalation alerts."));
    return;
  }
  for (const a of items) {
    const pick = el("button", { type: "button", class: "alert-dyad" }, `${a.actor_a} – ${a.actor_b}`);
    pick.addEventListener("click", () => {
      $("#dyad-source").value = a.actor_a;
      $("#dyad-target").value = a.actor_b;
      showSeries().catch((e) => showError(e.message));
    });
    const drivers = el("ul", { class: "drivers" });
    for (const d of a.drivers) {
      const link = el("button", { type: "button", class: "link" },
        `${d.date ?? ""} ${d.source_code ?? "?"}→${d.target_code ?? "?"} ${d.cameo ?? ""} (${fmt(d.goldstein)})`);
      link.addEventListener("click", () => showEvent(d.event_id));
      drivers.append(el("li", {}, link));
    }
    list.append(el("li", { class: "alert" },
      el("div", {}, el("strong", {}, a.period), " ", pick),
      el("div", { class: "meta" },
        `${a.metric} ${fmt(a.value)} vs baseline ${fmt(a.baseline_mean)} ± ${fmt(a.baseline_std)} ` +
        `(${a.method} ${fmt(a.score)}), ${a.n_events} events`),
      drivers));
  }
}

// -- events table -------------------------------------------------------------------------------------

let nextCursor = null;

function filterParams() {
  const data = new FormData($("#filters"));
  return Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v).trim()]));
}

async function loadEvents(append = false) {
  const params = { ...filterParams(), limit: 50 };
  if (append && nextCursor) params.cursor = nextCursor;
  const page = await api("/events", params);
  const body = $("#events tbody");
  if (!append) body.replaceChildren();
  for (const e of page.items) {
    const row = el("tr", { tabindex: "0", "data-event-id": e.event_id, class: `quad${e.quad_class ?? 0}` },
      el("td", {}, e.date ?? ""),
      el("td", { title: e.source_name ?? "" }, e.source_code ?? ""),
      el("td", { title: e.target_name ?? "" }, e.target_code ?? ""),
      el("td", {}, e.cameo ?? ""),
      el("td", {}, e.plover ?? ""),
      el("td", { class: "num" }, fmt(e.goldstein)),
      el("td", { class: "num" }, e.num_mentions ?? ""),
      el("td", { class: "num" }, fmt(e.confidence, 2)));
    const open = () => showEvent(e.event_id);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
    body.append(row);
  }
  if (!append && !page.items.length) body.append(el("tr", {}, el("td", { colspan: "8", class: "empty" }, "No events.")));
  nextCursor = page.next_cursor;
  $("#more").hidden = !nextCursor;
}

// -- evidence -----------------------------------------------------------------------------------------

function highlighted(sentence, spans) {
  // Spans are offsets into the sentence; overlapping ones are skipped rather than nested.
  const out = el("blockquote", { class: "sentence" });
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    out.append(sentence.slice(at, span.start));
    out.append(el("mark", { class: `hl-${span.role}`, title: span.role }, sentence.slice(span.start, span.end)));
    at = span.end;
  }
  out.append(sentence.slice(at));
  return out;
}

async function showEvent(eventId) {
  const body = $("#detail-body");
  let event;
  try {
    event = await api(`/events/${encodeURIComponent(eventId)}`);
  } catch (e) {
    showError(e.message);
    return;
  }
  document.querySelectorAll("#events tr.selected").forEach((r) => r.classList.remove("selected"));
  document.querySelectorAll("#events tr").forEach((r) => {
    if (r.dataset.eventId === eventId) r.classList.add("selected");
  });
  const codes = el("dl", { class: "codes" },
    el("dt", {}, "Who"), el("dd", {},
      `${event.source_name ?? event.source_code ?? "?"} (${event.source_code ?? "?"}) → ` +
      `${event.target_name ?? event.target_code ?? "?"} (${event.target_code ?? "?"})`),
    el("dt", {}, "CAMEO"), el("dd", {}, `${event.cameo ?? ""} ${event.mentions[0]?.cameo_name ?? ""}`),
    el("dt", {}, "QuadClass"), el("dd", {}, `${event.quad_class ?? ""} ${QUAD[event.quad_class] ?? ""}`),
    el("dt", {}, "Goldstein"), el("dd", {}, fmt(event.goldstein)),
    el("dt", {}, "PLOVER"), el("dd", {}, event.plover ?? "–"),
    el("dt", {}, "Confidence"), el("dd", {}, fmt(event.confidence, 2)),
    el("dt", {}, "Date"), el("dd", {}, event.date ?? "–"),
    el("dt", {}, "Reports"), el("dd", {}, `${event.num_mentions ?? 0} mentions in ${event.num_articles ?? 0} articles`));
  const mentions = el("ol", { class: "mentions" });
  for (const m of event.mentions) {
    mentions.append(el("li", { class: "mention", "data-mention-id": m.mention_id },
      el("div", { class: "meta" },
        el("strong", {}, m.article_title ?? m.article_id ?? ""), ` · ${m.date ?? ""} · ${m.article_source ?? ""}`),
      highlighted(m.sentence ?? "", m.spans),
      el("div", { class: "meta" },
        `trigger “${m.trigger_text ?? ""}” · ${m.modality ?? ""} · confidence ${fmt(m.confidence, 2)} · rule ${m.rule ?? ""}`)));
  }
  body.replaceChildren(el("h3", {}, `Event ${event.event_id}`), codes, el("h4", {}, "Mentions"), mentions);
}

// -- wiring -------------------------------------------------------------------------------------------

function guard(promise) {
  return promise.catch((e) => showError(e.message));
}

document.addEventListener("DOMContentLoaded", () => {
  $("#dyad-form").addEventListener("submit", (ev) => { ev.preventDefault(); guard(showSeries()); });
  $("#dyad").addEventListener("change", () => {
    $("#dyad-source").value = "";
    $("#dyad-target").value = "";
    guard(showSeries());
  });
  $("#period").addEventListener("change", () => guard(showSeries()));
  $("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); guard(loadEvents()); });
  $("#more").addEventListener("click", () => guard(loadEvents(true)));
  guard(loadHealth());
  guard(loadDyads().then(showSeries));
  guard(loadAlerts());
  guard(loadEvents());
});
