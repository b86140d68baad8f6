// The little JavaScript the portal needs. No inline scripts anywhere: our CSP forbids them.
"use strict";

// htmx requests carry the CSRF token, like every form post does.
document.addEventListener("htmx:config:request", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    event.detail.ctx.request.headers["X-CSRFToken"] = token.content;
  }
});

// Det Fælles Designsystem's components (error summary focus, accordions, ...) on the page,
// and again on every piece htmx puts into it (onLoad hands over the new, connected element).
document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  if (window.htmx && window.DKFDS) {
    window.htmx.onLoad((element) => {
      if (element !== document.body && element.isConnected) {
        window.DKFDS.init({ scope: element });
      }
    });
  }
});
