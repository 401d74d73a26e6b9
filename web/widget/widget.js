/*! dvc-assistant web widget. Embed with one tag:
 *   <script src="https://ASSISTANT-HOST/widget.js" data-lang="vi" defer></script>
 * Options (data attributes on the script tag):
 *   data-lang="vi|en"            UI language (a toggle in the header switches it; default vi)
 *   data-title="..."             header title (default "Trợ lý dịch vụ công" / "Public service assistant")
 *   data-position="right|left"   corner of the launcher (default right)
 *   data-storage="session|local" where the conversation is kept across reloads (default session:
 *                                it ends with the browser tab, safer on shared computers)
 *   data-open="true"             open the chat on first load
 * The API base URL is the script's own origin and path. All text is inserted with textContent.
 */
(function () {
  "use strict";
  if (window.DvcWidget) return; // the tag was pasted twice

  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    script = all[all.length - 1];
  }
  if (!script) return;
  var scriptUrl = new URL(script.src, window.location.href);
  var BASE = scriptUrl.href.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var opts = script.dataset || {};
  var CHANNEL = "widget";
  var MAX_CHARS = 2000;
  var MAX_KEPT = 100;
  var TIMEOUT_MS = 45000;

  var STRINGS = {
    vi: {
      title: "Trợ lý dịch vụ công",
      subtitle: "Hỏi về VNeID, thủ tục trực tuyến và lệ phí",
      launcher: "Hỏi trợ lý",
      launcherLabel: "Mở trợ lý dịch vụ công",
      close: "Đóng trợ lý",
      reset: "Bắt đầu cuộc trò chuyện mới",
      langToggle: "EN",
      langToggleLabel: "Switch to English",
      log: "Hội thoại với trợ lý",
      input: "Nhập câu hỏi",
      placeholder: "Nhập câu hỏi…",
      send: "Gửi",
      typing: "Trợ lý đang trả lời…",
      greeting: "Xin chào! Mình có thể giúp bạn tra cứu thủ tục, lệ phí và cách dùng VNeID, Cổng Dịch vụ công.",
      suggestions: "Gợi ý câu hỏi",
      privacy: "Không nhập số CCCD, số điện thoại hay mật khẩu vào đây.",
      rate: "Đánh giá câu trả lời",
      up: "Câu trả lời hữu ích",
      down: "Câu trả lời chưa hữu ích",
      thanksUp: "Cảm ơn bạn đã đánh giá!",
      thanksDown: "Cảm ơn! Câu hỏi đã được chuyển cho cán bộ xem lại.",
      voteFailed: "Chưa gửi được đánh giá. Bạn vui lòng thử lại.",
      commentLabel: "Góp ý thêm (không bắt buộc)",
      commentSend: "Gửi góp ý",
      commentThanks: "Đã nhận góp ý. Cảm ơn bạn!",
      networkError: "Không kết nối được máy chủ. Câu hỏi vẫn còn trong ô nhập, bạn vui lòng thử lại.",
      genericError: "Đã có lỗi, bạn vui lòng thử lại.",
      tooLong: "Câu hỏi dài quá 2.000 ký tự, bạn vui lòng rút gọn.",
      you: "Bạn",
      bot: "Trợ lý",
    },
    en: {
      title: "Public service assistant",
      subtitle: "Ask about VNeID, online procedures and fees",
      launcher: "Ask the assistant",
      launcherLabel: "Open the public service assistant",
      close: "Close the assistant",
      reset: "Start a new conversation",
      langToggle: "VI",
      langToggleLabel: "Chuyển sang tiếng Việt",
      log: "Conversation with the assistant",
      input: "Type your question",
      placeholder: "Type your question…",
      send: "Send",
      typing: "The assistant is typing…",
      greeting: "Hello! I can help you with procedures, fees and using VNeID and the Public Service Portal.",
      suggestions: "Suggested questions",
      privacy: "Do not type ID card numbers, phone numbers or passwords here.",
      rate: "Rate this answer",
      up: "Helpful answer",
      down: "Unhelpful answer",
      thanksUp: "Thank you for your feedback!",
      thanksDown: "Thank you! Your question has been passed to staff for review.",
      voteFailed: "Your rating could not be sent. Please try again.",
      commentLabel: "Tell us more (optional)",
      commentSend: "Send comment",
      commentThanks: "Comment received. Thank you!",
      networkError: "Cannot reach the server. Your question is still in the box; please try again.",
      genericError: "Something went wrong; please try again.",
      tooLong: "Your question is longer than 2,000 characters; please shorten it.",
      you: "You",
      bot: "Assistant",
    },
  };
  var SUGGESTIONS = {
    vi: ["Làm sao đăng nhập VNeID?", "Lệ phí làm hộ chiếu bao nhiêu?", "Đăng ký tạm trú online"],
    en: ["How do I log in to VNeID?", "How much is a passport?", "Register temporary residence online"],
  };

  // ---- storage (falls back to memory when the browser blocks it) -------------------------
  var memory = {};
  var store = (function () {
    try {
      var s = opts.storage === "local" ? window.localStorage : window.sessionStorage;
      var probe = "dvc-widget-probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; },
      };
    }
  })();
  var KEY = "dvc-widget:" + BASE + ":";

  function load(name, fallback) {
    try {
      var raw = store.getItem(KEY + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }
  function save(name, value) {
    try { store.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* full or blocked: keep going */ }
  }
  function newSenderId() {
    var id = window.crypto && crypto.randomUUID ? crypto.randomUUID()
      : Date.now().toString(16) + Math.random().toString(16).slice(2);
    return "widget-" + id;
  }

  var state = {
    senderId: load("sender", null) || newSenderId(),
    lang: load("lang", null) || (opts.lang === "en" ? "en" : "vi"),
    messages: load("transcript", []),
    open: load("open", opts.open === "true"),
    busy: false,
  };
  if (!Array.isArray(state.messages)) state.messages = [];
  save("sender", state.senderId);

  function t(key) { return (STRINGS[state.lang] || STRINGS.vi)[key]; }
  function persist() {
    if (state.messages.length > MAX_KEPT) state.messages = state.messages.slice(-MAX_KEPT);
    save("transcript", state.messages);
  }

  // ---- DOM helpers ----------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var name in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, name) && attrs[name] !== null && attrs[name] !== undefined) {
          node.setAttribute(name, attrs[name]);
        }
      }
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  // Icons as inline SVG (emoji fonts are missing or differ on many devices). Material icons, Apache-2.0.
  var ICONS = {
    chat: "M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z",
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59" +
      "C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    down: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32" +
      "c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z",
  };
  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  // Bot text: plain text, with http(s) addresses made clickable (built with textContent, never HTML).
  function appendLinkified(parent, text) {
    var re = /https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;
    var last = 0;
    var match;
    while ((match = re.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el("a", { href: match[0], target: "_blank", rel: "noopener noreferrer" }, match[0]);
      parent.appendChild(a);
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- build the widget inside a shadow root (the portal's CSS and ours do not mix) -------------
  var host = el("div", { id: "dvc-widget-root", "data-dvc-widget": "" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.appendChild(el("link", { rel: "stylesheet", href: BASE + "/widget.css" }));

  var wrapper = el("div", { class: "dvc" + (opts.position === "left" ? " dvc--left" : "") });
  var launcher = el("button", {
    type: "button", class: "dvc-launcher", "aria-haspopup": "dialog", "aria-expanded": "false",
    "aria-controls": "dvc-panel",
  });
  var launcherIcon = el("span", { class: "dvc-launcher__icon", "aria-hidden": "true" });
  launcherIcon.appendChild(icon("chat"));
  var launcherText = el("span", { class: "dvc-launcher__text" });
  launcher.appendChild(launcherIcon);
  launcher.appendChild(launcherText);

  var panel = el("section", {
    id: "dvc-panel", class: "dvc-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "dvc-title",
    "aria-describedby": "dvc-subtitle",
  });
  panel.hidden = true;
  var header = el("header", { class: "dvc-header" });
  var titles = el("div", { class: "dvc-header__titles" });
  var title = el("h2", { id: "dvc-title", class: "dvc-title" });
  var subtitle = el("p", { id: "dvc-subtitle", class: "dvc-subtitle" });
  titles.appendChild(title);
  titles.appendChild(subtitle);
  var actions = el("div", { class: "dvc-header__actions" });
  var langButton = el("button", { type: "button", class: "dvc-iconbtn dvc-lang" });
  var resetButton = el("button", { type: "button", class: "dvc-iconbtn" });
  resetButton.appendChild(el("span", { "aria-hidden": "true" }, "↺"));
  var closeButton = el("button", { type: "button", class: "dvc-iconbtn" });
  closeButton.appendChild(el("span", { "aria-hidden": "true" }, "×"));
  actions.appendChild(langButton);
  actions.appendChild(resetButton);
  actions.appendChild(closeButton);
  header.appendChild(titles);
  header.appendChild(actions);

  // The live region is a div: role="log" on the <ol> itself would strip the list semantics.
  var log = el("div", { class: "dvc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
  var list = el("ol", { class: "dvc-list" });
  log.appendChild(list);
  var typing = el("div", { class: "dvc-typing", role: "status" });
  var typingDots = el("span", { class: "dvc-typing__dots", "aria-hidden": "true" });
  for (var d = 0; d < 3; d++) typingDots.appendChild(el("span"));
  var typingText = el("span", { class: "dvc-typing__text" });
  typing.appendChild(typingDots);
  typing.appendChild(typingText);
  typing.hidden = true;

  var form = el("form", { class: "dvc-composer", autocomplete: "off", novalidate: "" });
  var inputLabel = el("label", { for: "dvc-input", class: "dvc-vh" });
  var input = el("textarea", { id: "dvc-input", class: "dvc-input", rows: "1", maxlength: String(MAX_CHARS),
    "aria-describedby": "dvc-privacy" });
  var sendButton = el("button", { type: "submit", class: "dvc-send" });
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);
  var privacy = el("p", { id: "dvc-privacy", class: "dvc-privacy" });

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);
  panel.appendChild(privacy);
  wrapper.appendChild(panel);
  wrapper.appendChild(launcher);
  root.appendChild(wrapper);

  // ---- rendering ------------------------------------------------------------------------------
  function applyLanguage() {
    panel.setAttribute("lang", state.lang);
    launcher.setAttribute("lang", state.lang);
    launcherText.textContent = t("launcher");
    launcher.setAttribute("aria-label", t("launcherLabel"));
    title.textContent = opts.title || t("title");
    subtitle.textContent = t("subtitle");
    langButton.textContent = t("langToggle");
    langButton.setAttribute("aria-label", t("langToggleLabel"));
    resetButton.setAttribute("aria-label", t("reset"));
    resetButton.title = t("reset");
    closeButton.setAttribute("aria-label", t("close"));
    closeButton.title = t("close");
    log.setAttribute("aria-label", t("log"));
    typingText.textContent = t("typing");
    inputLabel.textContent = t("input");
    input.placeholder = t("placeholder");
    sendButton.textContent = t("send");
    privacy.textContent = t("privacy");
    var labelled = log.querySelectorAll("[data-i18n]");
    for (var j = 0; j < labelled.length; j++) labelled[j].textContent = t(labelled[j].getAttribute("data-i18n"));
    var groups = log.querySelectorAll(".dvc-feedback");
    for (var i = 0; i < groups.length; i++) labelFeedback(groups[i]);
    var intro = log.querySelector(".dvc-intro");
    if (intro) { intro.remove(); renderIntro(); }
  }

  function renderIntro() {
    if (state.messages.length) return;
    var item = el("li", { class: "dvc-msg dvc-msg--bot dvc-intro" });
    item.appendChild(el("p", { class: "dvc-msg__text" }, t("greeting")));
    var row = el("div", { class: "dvc-buttons", role: "group", "aria-label": t("suggestions") });
    SUGGESTIONS[state.lang].forEach(function (q) {
      var b = el("button", { type: "button", class: "dvc-chip" }, q);
      b.addEventListener("click", function () { send(q, q); });
      row.appendChild(b);
    });
    item.appendChild(row);
    list.insertBefore(item, list.firstChild);
  }

  function labelFeedback(group) {
    group.setAttribute("aria-label", t("rate"));
    group.querySelector(".dvc-vote--up").setAttribute("aria-label", t("up"));
    group.querySelector(".dvc-vote--down").setAttribute("aria-label", t("down"));
    var status = group.parentNode.querySelector(".dvc-feedback__status");
    var msg = findMessage(Number(group.getAttribute("data-exchange")));
    if (status && msg && msg.vote) status.textContent = voteText(msg);
  }

  function voteText(msg) {
    if (msg.vote === "down") return msg.commented ? t("commentThanks") : t("thanksDown");
    return t("thanksUp");
  }

  function findMessage(exchangeId) {
    for (var i = state.messages.length - 1; i >= 0; i--) {
      if (state.messages[i].exchangeId === exchangeId && state.messages[i].rateable) return state.messages[i];
    }
    return null;
  }

  function renderMessage(msg) {
    var intro = log.querySelector(".dvc-intro");
    if (intro) intro.remove();
    var item = el("li", { class: "dvc-msg dvc-msg--" + msg.kind });
    item.appendChild(el("span", { class: "dvc-vh" }, (msg.kind === "user" ? t("you") : t("bot")) + ": "));
    var body = el("p", { class: "dvc-msg__text" });
    if (msg.kind === "bot") appendLinkified(body, msg.text); else body.textContent = msg.text;
    item.appendChild(body);
    if (msg.buttons && msg.buttons.length) {
      var row = el("div", { class: "dvc-buttons" });
      msg.buttons.forEach(function (b) {
        var btn = el("button", { type: "button", class: "dvc-chip" }, b.title);
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(btn);
      });
      item.appendChild(row);
    }
    if (msg.rateable && msg.exchangeId) item.appendChild(renderFeedback(msg));
    list.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function renderFeedback(msg) {
    var box = el("div", { class: "dvc-feedback-box" });
    var group = el("div", { class: "dvc-feedback", role: "group", "data-exchange": String(msg.exchangeId) });
    var up = el("button", { type: "button", class: "dvc-vote dvc-vote--up", "aria-pressed": String(msg.vote === "up") });
    up.appendChild(icon("up"));
    var down = el("button", { type: "button", class: "dvc-vote dvc-vote--down",
      "aria-pressed": String(msg.vote === "down") });
    down.appendChild(icon("down"));
    var status = el("span", { class: "dvc-feedback__status", role: "status" });
    up.addEventListener("click", function () { vote(msg, "up", up, down, status); });
    down.addEventListener("click", function () { vote(msg, "down", up, down, status); });
    group.appendChild(up);
    group.appendChild(down);
    box.appendChild(group);
    box.appendChild(status);
    // Labels need the group in a tree to find its status: set them after assembling.
    group.setAttribute("aria-label", t("rate"));
    up.setAttribute("aria-label", t("up"));
    down.setAttribute("aria-label", t("down"));
    if (msg.vote) status.textContent = voteText(msg);
    return box;
  }

  function renderAll() {
    while (list.firstChild) list.removeChild(list.firstChild);
    state.messages.forEach(renderMessage);
    renderIntro();
  }

  function addMessage(msg) {
    state.messages.push(msg);
    persist();
    return renderMessage(msg);
  }

  // ---- API calls ------------------------------------------------------------------------------
  function post(path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(BASE + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined,
      credentials: "omit",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function setBusy(busy) {
    state.busy = busy;
    typing.hidden = !busy;
    sendButton.setAttribute("aria-disabled", String(busy));
    if (busy) log.setAttribute("aria-busy", "true"); else log.removeAttribute("aria-busy");
  }

  function send(text, shown) {
    text = (text || "").trim();
    if (!text || state.busy) return;
    if (text.length > MAX_CHARS) {
      addMessage({ kind: "error", text: t("tooLong") });
      return;
    }
    addMessage({ kind: "user", text: shown || text });
    setBusy(true);
    post("/api/chat", { sender_id: state.senderId, text: text, channel: CHANNEL })
      .then(function (res) {
        var replies = (res.data && res.data.replies) || [];
        if (!replies.length) {
          addMessage({ kind: "error", text: (res.data && (res.data.message || res.data.detail)) || t("genericError") });
          return;
        }
        var exchangeId = res.ok && res.data.exchange_id ? Number(res.data.exchange_id) : null;
        replies.forEach(function (reply, i) {
          var buttons = (reply.buttons || []).filter(function (b) { return b && b.title && b.payload; })
            .map(function (b) { return { title: String(b.title), payload: String(b.payload) }; });
          addMessage({
            kind: res.ok ? "bot" : "error",
            text: String(reply.text || ""),
            buttons: buttons,
            exchangeId: exchangeId,
            // One vote per exchange, on its last reply.
            rateable: Boolean(exchangeId) && i === replies.length - 1,
            vote: null,
          });
        });
      })
      .catch(function () {
        addMessage({ kind: "error", text: t("networkError") });
        if (!input.value) input.value = text; // loses nothing
      })
      .finally(function () { setBusy(false); });
  }

  function vote(msg, rating, up, down, status) {
    post("/api/feedback", { exchange_id: msg.exchangeId, sender_id: state.senderId, rating: rating })
      .then(function (res) {
        if (!res.ok) throw new Error("status " + res.status);
        msg.vote = rating;
        persist();
        up.setAttribute("aria-pressed", String(rating === "up"));
        down.setAttribute("aria-pressed", String(rating === "down"));
        status.textContent = rating === "down" ? t("thanksDown") : t("thanksUp");
        var box = status.parentNode;
        var existing = box.querySelector(".dvc-comment");
        if (rating === "down" && !existing && !msg.commented) box.appendChild(commentForm(msg, status));
        if (rating === "up" && existing) existing.remove();
      })
      .catch(function () { status.textContent = t("voteFailed"); });
  }

  // After a 👎: an optional remark (redacted by the API before it is stored).
  function commentForm(msg, status) {
    var id = "dvc-comment-" + msg.exchangeId;
    var f = el("form", { class: "dvc-comment", autocomplete: "off", novalidate: "" });
    f.appendChild(el("label", { for: id, class: "dvc-comment__label", "data-i18n": "commentLabel" }, t("commentLabel")));
    var row = el("div", { class: "dvc-comment__row" });
    var field = el("input", { id: id, class: "dvc-comment__input", type: "text", maxlength: "500" });
    var submit = el("button", { type: "submit", class: "dvc-chip", "data-i18n": "commentSend" }, t("commentSend"));
    row.appendChild(field);
    row.appendChild(submit);
    f.appendChild(row);
    f.addEventListener("submit", function (event) {
      event.preventDefault();
      var comment = field.value.trim();
      if (!comment) { field.focus(); return; }
      post("/api/feedback", { exchange_id: msg.exchangeId, sender_id: state.senderId, rating: "down", comment: comment })
        .then(function (res) {
          if (!res.ok) throw new Error("status " + res.status);
          msg.commented = true;
          persist();
          f.remove();
          status.textContent = t("commentThanks");
        })
        .catch(function () { status.textContent = t("voteFailed"); });
    });
    return f;
  }

  // ---- open / close / keyboard ------------------------------------------------------------------
  function open(focus) {
    panel.hidden = false;
    wrapper.classList.add("is-open");
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save("open", true);
    log.scrollTop = log.scrollHeight;
    if (focus !== false) input.focus();
  }
  function close() {
    panel.hidden = true;
    wrapper.classList.remove("is-open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save("open", false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  langButton.addEventListener("click", function () {
    state.lang = state.lang === "vi" ? "en" : "vi";
    save("lang", state.lang);
    applyLanguage();
    langButton.focus();
  });
  resetButton.addEventListener("click", function () {
    state.messages = [];
    state.senderId = newSenderId();
    save("sender", state.senderId);
    persist();
    renderAll();
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (state.busy) return;
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter makes a new line (IME composition is left alone).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  function mount() {
    document.body.appendChild(host);
    applyLanguage();
    renderAll();
    if (state.open) open(false);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  window.DvcWidget = {
    open: function () { open(); },
    close: close,
    senderId: function () { return state.senderId; },
  };
})();
