import React, { useEffect, useRef, useState } from "react";
import { Box, Button, Input, Page, Spinner, Text } from "zmp-ui";
import { sendChat } from "../api.js";

const WELCOME = {
  from: "bot",
  text: "Xin chào! Mình là trợ lý dịch vụ công. Bạn có thể hỏi về thủ tục, giấy tờ, lệ phí hoặc cách dùng VNeID.",
  buttons: [],
};

// Text is rendered by React as text (never as HTML).
function Bubble({ message, onButton, disabled }) {
  return (
    <div className={`bubble bubble-${message.from}`} data-testid={`msg-${message.from}`}>
      <div className="bubble-text">{message.text}</div>
      {message.buttons && message.buttons.length > 0 && (
        <div className="quick-replies">
          {message.buttons.map((button) => (
            <Button key={button.payload} size="small" variant="secondary" disabled={disabled}
              onClick={() => onButton(button)}>
              {button.title || button.payload}
            </Button>
          ))}
        </div>
      )}
    </div>
  );
}

export default function ChatPage() {
  const [messages, setMessages] = useState([WELCOME]);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const endRef = useRef(null);

  useEffect(() => {
    if (endRef.current && endRef.current.scrollIntoView) endRef.current.scrollIntoView({ block: "end" });
  }, [messages, busy]);

  async function ask(text, shown) {
    const clean = text.trim();
    if (!clean || busy) return;
    setMessages((list) => [...list, { from: "user", text: shown || clean, buttons: [] }]);
    setBusy(true);
    try {
      const body = await sendChat(clean);
      const replies = body.replies.map((r) => ({ from: "bot", text: r.text, buttons: r.buttons || [] }));
      setMessages((list) => [...list, ...replies]);
    } catch (error) {
      setMessages((list) => [...list, { from: "error", text: `Không gửi được câu hỏi: ${error.message}`, buttons: [] }]);
    } finally {
      setBusy(false);
    }
  }

  function submit(event) {
    event.preventDefault();
    const text = draft;
    setDraft("");
    ask(text);
  }

  return (
    <Page className="page chat-page">
      <Box className="title-bar"><Text.Title size="small">Trợ lý dịch vụ công</Text.Title></Box>
      <div className="messages" role="log" aria-live="polite" aria-label="Hội thoại">
        {messages.map((message, index) => (
          <Bubble key={index} message={message} disabled={busy}
            onButton={(button) => ask(button.payload, button.title)} />
        ))}
        {busy && (
          <div className="typing" data-testid="typing" aria-label="Trợ lý đang trả lời"><Spinner visible /></div>
        )}
        <div ref={endRef} />
      </div>
      <form className="composer" onSubmit={submit}>
        <Input
          className="composer-input"
          placeholder="Nhập câu hỏi…"
          aria-label="Câu hỏi"
          maxLength={2000}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          data-testid="chat-input"
        />
        <Button htmlType="submit" disabled={busy || !draft.trim()} data-testid="chat-send">Gửi</Button>
      </form>
    </Page>
  );
}
