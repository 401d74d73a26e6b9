// Minimal chat page on POST /api/chat. Text is always inserted with textContent, never as HTML.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const typing = document.getElementById("typing");
  const KEY = "dvc-chat-sender";
  let senderId = localStorage.getItem(KEY);
  if (!senderId) {
    senderId = "web-" + (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    localStorage.setItem(KEY, senderId);
  }

  function addMessage(text, kind, buttons) {
    const item = document.createElement("li");
    item.className = "msg msg--" + kind;
    item.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "msg__buttons";
      for (const b of buttons) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", () => send(b.payload, b.title));
        row.appendChild(btn);
      }
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  async function send(text, shown) {
    addMessage(shown || text, "user");
    typing.hidden = false;
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender_id: senderId, text: text, channel: "web" }),
      });
      const data = await response.json().catch(() => ({}));
      const replies = data.replies || [];
      if (!replies.length) {
        addMessage(data.message || data.detail || "Đã có lỗi, bạn vui lòng thử lại.", "error");
      }
      for (const reply of replies) addMessage(reply.text, response.ok ? "bot" : "error", reply.buttons);
    } catch (err) {
      addMessage("Không kết nối được máy chủ. Bạn vui lòng thử lại.", "error");
    } finally {
      typing.hidden = true;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
})();
