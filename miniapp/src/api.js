import { anonymousSenderId, dropZaloToken, zaloAccessToken } from "./identity.js";

const API_BASE = (import.meta.env.VITE_API_BASE || "").replace(/\/$/, "");
export const CHANNEL = "zalo_miniapp";

async function getJson(path) {
  const response = await fetch(`${API_BASE}${path}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

export function searchServices(query) {
  const q = query.trim();
  return getJson(q ? `/api/services?q=${encodeURIComponent(q)}` : "/api/services");
}

export function serviceDetail(slug) {
  return getJson(`/api/services/${encodeURIComponent(slug)}`);
}

async function postChat(text, token) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers["X-Zalo-Access-Token"] = token;
  return fetch(`${API_BASE}/api/chat`, {
    method: "POST",
    headers,
    body: JSON.stringify({ sender_id: anonymousSenderId(), text, channel: CHANNEL }),
  });
}

// Returns {replies: [{text, buttons}]}; throws with a user-facing message on failure.
export async function sendChat(text) {
  const token = await zaloAccessToken();
  let response = await postChat(text, token);
  if (response.status === 401 && token) {
    dropZaloToken();
    response = await postChat(text, null);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (_error) {
    body = null;
  }
  if (response.ok && body && Array.isArray(body.replies)) return body;
  if (body && Array.isArray(body.replies) && body.replies.length) return body; // 503 carries a message
  const detail = body && (body.message || body.detail);
  throw new Error(typeof detail === "string" ? detail : `Lỗi ${response.status}`);
}
