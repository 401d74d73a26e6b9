"use strict";
(function () {
  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const response = await fetch("/api/staff/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": cookie("staff_login_csrf") },
      body: JSON.stringify({
        username: document.getElementById("username").value,
        password: document.getElementById("password").value,
      }),
    });
    if (response.ok) {
      const next = new URLSearchParams(location.search).get("next") || "/staff";
      location.assign(next.startsWith("/staff") ? next : "/staff");
      return;
    }
    let message = "Đăng nhập không thành công.";
    try { message = (await response.json()).detail || message; } catch (e) { /* keep default */ }
    if (response.status === 403) message += " (tải lại trang / reload the page)";
    error.textContent = typeof message === "string" ? message : "Dữ liệu không hợp lệ.";
  });
})();
