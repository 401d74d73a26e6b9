"use strict";
// Staff console. All user-supplied text is inserted with textContent, never as HTML.
(function () {
  let me = null;
  let inboxPage = 1;
  let pages = 1;
  const selected = new Map(); // cluster key -> question ids
  let charts = [];
  let pollTimer = null;

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function flash(message, isError) {
    const box = $("flash");
    box.textContent = message;
    box.className = isError ? "error" : "ok";
  }

  async function api(path, options) {
    const opts = Object.assign({ credentials: "same-origin", headers: {} }, options || {});
    if (opts.body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.body);
    }
    if (opts.method && opts.method !== "GET") opts.headers["X-CSRF-Token"] = me ? me.csrf : "";
    const response = await fetch(path, opts);
    if (response.status === 401) {
      location.assign("/staff/login?next=/staff");
      throw new Error("login required");
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const detail = data && (data.message || data.detail);
      throw new Error(typeof detail === "string" ? detail : `HTTP ${response.status}`);
    }
    return data;
  }

  function pct(value) { return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + "%"; }
  function num(value) { return value === null || value === undefined ? "–" : Number(value).toFixed(3); }

  // --- tabs ---------------------------------------------------------------------------
  function show(tab) {
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === tab));
    document.querySelectorAll("section.tab").forEach((s) => { s.hidden = s.id !== "tab-" + tab; });
    const loaders = { inbox: loadInbox, drafts: loadDrafts, training: loadTraining, dashboard: loadDashboard,
                      audit: loadAudit, users: loadUsers };
    loaders[tab]().catch((e) => flash(e.message, true));
  }

  // --- inbox --------------------------------------------------------------------------
  function filters() {
    const form = new FormData($("inbox-filters"));
    const params = new URLSearchParams();
    for (const [key, value] of form.entries()) if (value) params.set(key, value);
    params.set("page", inboxPage);
    return params;
  }

  function fillSelect(select, values) {
    const current = select.value;
    select.replaceChildren(el("option", { value: "" }, "—"), ...values.map((v) => el("option", { value: v }, v)));
    select.value = values.includes(current) ? current : "";
  }

  function updateSelected() {
    let count = 0;
    selected.forEach((ids) => { count += ids.length; });
    $("selected-count").textContent = count;
  }

  function selectedIds() {
    const ids = [];
    selected.forEach((list) => ids.push(...list));
    return ids;
  }

  function intentSelect(id) {
    return el("select", { id, class: "intent-select" },
      ...(window.__intents || []).map((name) => el("option", { value: name }, name)));
  }

  async function decide(ids, action, intent) {
    const result = await api("/api/staff/review", { method: "POST", body: { question_ids: ids, action, intent } });
    flash(`Đã cập nhật ${result.updated} câu hỏi (${action}${intent ? " → " + intent : ""}).`);
    selected.clear();
    await loadInbox();
  }

  function renderCluster(cluster) {
    const box = el("article", { class: "cluster", dataset: { key: cluster.key } });
    const check = el("input", { type: "checkbox", class: "cluster-select", "aria-label": "chọn nhóm" });
    check.checked = selected.has(cluster.key);
    check.addEventListener("change", () => {
      if (check.checked) selected.set(cluster.key, cluster.question_ids); else selected.delete(cluster.key);
      updateSelected();
    });
    const rep = cluster.representative;
    const intent = intentSelect(`intent-${cluster.key}`);
    const status = rep.decision ? `${rep.decision.action}${rep.decision.intent ? " → " + rep.decision.intent : ""}` : rep.status;
    box.append(
      el("div", { class: "cluster-head" },
        check,
        el("span", { class: "count", title: "số câu hỏi" }, cluster.count),
        el("span", { class: "representative" }, rep.text),
        el("span", { class: "tag" }, status),
        el("span", { class: "muted" }, Object.entries(cluster.channels).map(([k, v]) => `${k}: ${v}`).join(", ")),
      ),
      el("div", { class: "cluster-actions" },
        intent,
        el("button", { class: "assign", onclick: () => decide(cluster.question_ids, "assign", intent.value).catch((e) => flash(e.message, true)) }, "Gán nhóm vào ý định"),
        el("button", { class: "content", onclick: () => decide(cluster.question_ids, "new_content").catch((e) => flash(e.message, true)) }, "Cần nội dung mới"),
        el("button", { class: "ignore", onclick: () => decide(cluster.question_ids, "ignore").catch((e) => flash(e.message, true)) }, "Bỏ qua"),
      ),
      el("details", {},
        el("summary", {}, `${cluster.count} câu hỏi`),
        el("ul", {}, cluster.members.map((m) => el("li", {},
          el("span", { class: "member-text" }, m.text), " ",
          el("span", { class: "muted" }, `#${m.id} · ${m.channel} · ${m.reason} · ${(m.created_at || "").slice(0, 16)}`),
          m.bot_reply ? el("div", { class: "muted reply" }, "Bot: " + m.bot_reply) : null,
        ))),
      ),
    );
    return box;
  }

  async function loadInbox() {
    if (!window.__intents) {
      window.__intents = (await api("/api/staff/intents")).intents;
      $("bulk-intent").replaceChildren(...window.__intents.map((n) => el("option", { value: n }, n)));
    }
    const data = await api("/api/staff/inbox?" + filters().toString());
    const form = $("inbox-filters");
    fillSelect(form.elements.channel, data.filters.channels);
    fillSelect(form.elements.language, data.filters.languages);
    fillSelect(form.elements.reason, data.filters.reasons);
    pages = data.pages;
    $("inbox-summary").textContent = `${data.total_questions} câu hỏi trong ${data.total_clusters} nhóm`;
    $("page-info").textContent = `${data.page} / ${data.pages}`;
    $("clusters").replaceChildren(...data.clusters.map(renderCluster));
    if (!data.clusters.length) $("clusters").append(el("p", { class: "muted" }, "Không có câu hỏi nào."));
    updateSelected();
    const pending = await api("/api/staff/export/pending");
    $("pending-count").textContent = `${pending.count} ví dụ chờ xuất / pending examples`;
  }

  // --- drafts -------------------------------------------------------------------------
  async function loadDrafts() {
    const data = await api("/api/staff/drafts?status=open");
    $("drafts").replaceChildren(...data.drafts.map((d) => {
      const title = el("input", { value: d.title || "", placeholder: "tiêu đề / title", maxlength: 300 });
      const answer = el("textarea", { placeholder: "câu trả lời / answer", maxlength: 5000 });
      answer.value = d.answer || "";
      const source = el("input", { value: d.source_url || "", placeholder: "https://… (nguồn)", maxlength: 500 });
      const save = (status) => api(`/api/staff/drafts/${d.id}`, {
        method: "PUT", body: { title: title.value || null, answer: answer.value || null, source_url: source.value || null, status },
      }).then(() => { flash("Đã lưu bản nháp."); return loadDrafts(); }).catch((e) => flash(e.message, true));
      return el("article", { class: "draft" },
        el("p", {}, el("strong", {}, `#${d.id} `), el("span", { class: "draft-question" }, d.question_text),
          el("span", { class: "muted" }, ` (${d.question_ids.length} câu hỏi)`)),
        me.role === "admin" ? el("div", { class: "draft-form" }, title, answer, source,
          el("button", { onclick: () => save("done") }, "Hoàn thành"),
          el("button", { onclick: () => save("dismissed") }, "Loại bỏ")) : el("p", { class: "muted" }, "Chờ quản trị viên hoàn thiện."),
      );
    }));
    if (!data.drafts.length) $("drafts").append(el("p", { class: "muted" }, "Không có bản nháp nào."));
  }

  // --- training -----------------------------------------------------------------------
  function renderRun(run) {
    const figures = run.metrics && run.baseline_metrics
      ? `accuracy ${num(run.metrics.accuracy)} (hiện tại ${num(run.baseline_metrics.accuracy)}), macro-F1 ${num(run.metrics.macro_f1)} (hiện tại ${num(run.baseline_metrics.macro_f1)})`
      : "";
    $("run-status").replaceChildren(
      el("p", {}, "Lần huấn luyện #", String(run.id), ": ", el("strong", { id: "run-state", dataset: { state: run.state } }, run.state)),
      figures ? el("p", { id: "run-figures" }, figures) : null,
      run.message ? el("p", { id: "run-message" }, run.message) : null,
    );
    $("run-log").textContent = (run.log || []).join("\n");
  }

  async function pollRun(id) {
    clearTimeout(pollTimer);
    const run = await api(`/api/staff/training/${id}`);
    renderRun(run);
    if (["queued", "training", "evaluating", "loading"].includes(run.state)) {
      pollTimer = setTimeout(() => pollRun(id).catch((e) => flash(e.message, true)), 1500);
    } else {
      await loadModelsAndRuns();
    }
  }

  async function loadModelsAndRuns() {
    const [models, runs] = await Promise.all([api("/api/staff/models"), api("/api/staff/training")]);
    $("models").tBodies[0].replaceChildren(...models.models.map((m) => el("tr", {},
      el("td", {}, m.id), el("td", {}, m.file), el("td", {}, m.origin), el("td", {}, num(m.accuracy)),
      el("td", {}, num(m.macro_f1)), el("td", {}, m.live ? "● live" : ""),
      el("td", {}, me.role === "admin" && m.loadable
        ? el("button", { class: "load-model", onclick: () => api(`/api/staff/models/${m.id}/load`, { method: "POST" })
            .then((r) => { flash(`Đã nạp ${r.loaded}${r.rollback ? " (rollback)" : ""}.`); return loadModelsAndRuns(); })
            .catch((e) => flash(e.message, true)) }, "Nạp / load")
        : ""),
    )));
    $("runs").tBodies[0].replaceChildren(...runs.runs.map((r) => el("tr", {},
      el("td", {}, r.id), el("td", {}, r.state), el("td", {}, r.config),
      el("td", {}, r.metrics ? `${num(r.metrics.accuracy)} / ${num(r.baseline_metrics && r.baseline_metrics.accuracy)}` : ""),
      el("td", {}, r.metrics ? `${num(r.metrics.macro_f1)} / ${num(r.baseline_metrics && r.baseline_metrics.macro_f1)}` : ""),
      el("td", {}, r.message || ""),
    )));
    return runs.runs;
  }

  async function loadTraining() {
    const runs = await loadModelsAndRuns();
    if (runs.length) await pollRun(runs[0].id);
  }

  // --- dashboard ----------------------------------------------------------------------
  function chart(id, config) {
    if (typeof Chart === "undefined") return;
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    charts.push(new Chart($(id), config));
  }

  async function loadDashboard() {
    const data = await api("/api/staff/dashboard?days=30");
    charts.forEach((c) => c.destroy());
    charts = [];
    $("kpi-total").textContent = data.fallback_rate.total;
    $("kpi-fallback").textContent = pct(data.fallback_rate.overall);
    $("kpi-feedback").textContent = data.feedback.available
      ? `${data.feedback.up} / ${data.feedback.down} (${pct(data.feedback.rate_up)} 👍)` : "chưa có / n/a";
    const palette = ["#1f6feb", "#d29922", "#2da44e", "#cf222e", "#8250df", "#57606a"];
    chart("chart-conversations", { type: "bar", data: { labels: data.dates, datasets: data.channels.map((ch, i) => ({
      label: ch, data: data.conversations[ch], backgroundColor: palette[i % palette.length] })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
    chart("chart-fallback", { type: "line", data: { labels: data.dates, datasets: [{ label: "fallback rate",
      data: data.fallback_rate.per_day, borderColor: "#cf222e" }] }, options: { scales: { y: { min: 0, max: 1 } } } });
    chart("chart-feedback", { type: "doughnut", data: { labels: ["👍", "👎"], datasets: [{
      data: [data.feedback.up, data.feedback.down], backgroundColor: ["#2da44e", "#cf222e"] }] } });
    chart("chart-services", { type: "bar", data: { labels: data.services.map((s) => s.service), datasets: [{
      label: "số câu hỏi", data: data.services.map((s) => s.count), backgroundColor: "#1f6feb" }] },
      options: { indexAxis: "y" } });
    chart("chart-clusters", { type: "bar", data: { labels: data.top_clusters.map((c) => c.text.slice(0, 40)), datasets: [{
      label: "câu hỏi chưa trả lời", data: data.top_clusters.map((c) => c.count), backgroundColor: "#d29922" }] },
      options: { indexAxis: "y" } });
    $("top-clusters").tBodies[0].replaceChildren(...data.top_clusters.map((c) => el("tr", {},
      el("td", {}, c.count), el("td", {}, c.text))));
  }

  // --- audit and accounts -------------------------------------------------------------
  async function loadAudit() {
    const data = await api("/api/staff/audit?page_size=100");
    $("audit").tBodies[0].replaceChildren(...data.entries.map((e) => el("tr", {},
      el("td", {}, (e.at || "").slice(0, 19)), el("td", {}, e.actor), el("td", {}, e.action),
      el("td", {}, e.target || ""), el("td", { class: "details" }, JSON.stringify(e.details)))));
  }

  async function loadUsers() {
    const data = await api("/api/staff/users");
    const change = (id, body) => api(`/api/staff/users/${id}`, { method: "PATCH", body })
      .then(() => { flash("Đã cập nhật tài khoản."); return loadUsers(); }).catch((e) => flash(e.message, true));
    $("users").tBodies[0].replaceChildren(...data.users.map((u) => el("tr", {},
      el("td", {}, u.username), el("td", {}, u.role), el("td", {}, u.active ? "yes" : "no"),
      el("td", {}, u.locked ? "locked" : ""), el("td", {}, (u.last_login_at || "").slice(0, 16)),
      el("td", {},
        el("button", { onclick: () => change(u.id, { role: u.role === "admin" ? "reviewer" : "admin" }) },
          u.role === "admin" ? "→ reviewer" : "→ admin"),
        el("button", { onclick: () => change(u.id, { active: !u.active }) }, u.active ? "Khoá" : "Mở"),
        u.locked ? el("button", { onclick: () => change(u.id, { unlock: true }) }, "Unlock") : null),
    )));
  }

  // --- wiring -------------------------------------------------------------------------
  async function main() {
    me = await api("/api/staff/me");
    $("whoami").textContent = `${me.username} (${me.role})`;
    if (me.role !== "admin") document.querySelectorAll(".admin-only").forEach((n) => { n.hidden = true; });
    document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => show(b.dataset.tab)));
    $("logout").addEventListener("click", async () => {
      await api("/api/staff/logout", { method: "POST" }).catch(() => null);
      location.assign("/staff/login");
    });
    $("inbox-filters").addEventListener("submit", (e) => { e.preventDefault(); inboxPage = 1; selected.clear(); loadInbox().catch((x) => flash(x.message, true)); });
    $("prev-page").addEventListener("click", () => { if (inboxPage > 1) { inboxPage -= 1; loadInbox(); } });
    $("next-page").addEventListener("click", () => { if (inboxPage < pages) { inboxPage += 1; loadInbox(); } });
    const bulk = (action) => () => {
      const ids = selectedIds();
      if (!ids.length) { flash("Chưa chọn câu hỏi nào.", true); return; }
      const done = action === "reopen"
        ? api("/api/staff/review/reopen", { method: "POST", body: { question_ids: ids } }).then(() => { selected.clear(); return loadInbox(); })
        : decide(ids, action, action === "assign" ? $("bulk-intent").value : undefined);
      done.catch((e) => flash(e.message, true));
    };
    $("bulk-assign").addEventListener("click", bulk("assign"));
    $("bulk-content").addEventListener("click", bulk("new_content"));
    $("bulk-ignore").addEventListener("click", bulk("ignore"));
    $("bulk-reopen").addEventListener("click", bulk("reopen"));
    $("export-button").addEventListener("click", async () => {
      $("export-button").disabled = true;
      $("export-result").textContent = "Đang xuất và kiểm tra (rasa data validate)…";
      try {
        const r = await api("/api/staff/export", { method: "POST" });
        $("export-result").textContent = `Đã xuất ${r.examples} ví dụ vào ${r.file || "—"}; ` +
          Object.entries(r.results).map(([k, v]) => `${k}: ${v}`).join(", ");
        await loadInbox();
      } catch (e) {
        $("export-result").textContent = e.message;
      } finally {
        $("export-button").disabled = false;
      }
    });
    $("train-button").addEventListener("click", async () => {
      try {
        const r = await api("/api/staff/training", { method: "POST" });
        flash(`Bắt đầu huấn luyện #${r.run_id}.`);
        await pollRun(r.run_id);
      } catch (e) { flash(e.message, true); }
    });
    $("new-user").addEventListener("submit", async (e) => {
      e.preventDefault();
      const form = new FormData(e.target);
      try {
        await api("/api/staff/users", { method: "POST", body: Object.fromEntries(form.entries()) });
        e.target.reset();
        flash("Đã tạo tài khoản.");
        await loadUsers();
      } catch (x) { flash(x.message, true); }
    });
    show("inbox");
  }

  main().catch((e) => flash(e.message, true));
})();
