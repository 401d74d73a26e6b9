// Who is chatting: inside Zalo, the user's access token from zmp-sdk (the API verifies it with
// Zalo's Graph API and answers as "zalo:<id>"); in a plain browser the SDK fails and we fall back
// to an anonymous session id kept in localStorage.

const STORAGE_KEY = "dvc-miniapp-sender";
const SDK_TIMEOUT_MS = 1500;

let tokenPromise = null;
let anonymousOnly = false;

function randomId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function anonymousSenderId() {
  let id = null;
  try {
    id = window.localStorage.getItem(STORAGE_KEY);
    if (!id) {
      id = `miniapp-${randomId()}`;
      window.localStorage.setItem(STORAGE_KEY, id);
    }
  } catch (_error) {
    id = id || `miniapp-${randomId()}`; // storage blocked: a session for this page only
  }
  return id;
}

// The SDK's own test: Zalo's in-app browser says "Zalo" in its user agent; Mini Apps are hosted on
// h5.zdn.vn. Elsewhere the SDK is not even loaded (its calls fail there, some without a handler).
export function insideZalo() {
  const agent = (window.navigator.userAgent || "").toLowerCase();
  const host = window.location.hostname || "";
  return agent.includes("zalo") || host.endsWith("zdn.vn") || host.endsWith("zalo.me");
}

async function fetchZaloToken() {
  if (!insideZalo()) return null;
  try {
    const sdk = await import("zmp-sdk");
    const timeout = new Promise((resolve) => setTimeout(() => resolve(""), SDK_TIMEOUT_MS));
    const token = await Promise.race([sdk.getAccessToken(), timeout]);
    return typeof token === "string" && token ? token : null;
  } catch (_error) {
    return null; // not inside Zalo
  }
}

export async function zaloAccessToken() {
  if (anonymousOnly) return null;
  if (!tokenPromise) tokenPromise = fetchZaloToken();
  return tokenPromise;
}

// The API refused the token (expired, or Zalo login not configured): stay anonymous.
export function dropZaloToken() {
  anonymousOnly = true;
}
