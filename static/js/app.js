// The little JavaScript the portal needs. No inline scripts anywhere: our CSP forbids them.
"use strict";

// htmx requests carry the CSRF token, like every form post does.
document.addEventListener("htmx:config:request", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    event.detail.ctx.request.headers["X-CSRFToken"] = token.content;
  }
});

// Det Fælles Designsystem's components (error summary focus, accordions, ...).
document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});

// Content swapped in by htmx gets the same treatment as a fresh page.
document.addEventListener("htmx:after:swap", (event) => {
  const target = event.detail && event.detail.ctx && event.detail.ctx.target;
  if (window.DKFDS && target instanceof Element) {
    window.DKFDS.init({ scope: target });
  }
});
