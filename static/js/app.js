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
// DKFDS.init({ scope }) sets up every component inside the scope but one: the header's
// navigation, which it sets up on the whole page whatever the scope, adding another "Mere"
// menu (and id="fds-more-menu") on every swap. The header is never swapped: its set-up runs
// once, with the page.
function initSwapped(element) {
  const navigation = window.DKFDS.Navigation.prototype;
  const setUp = navigation.init;
  navigation.init = () => {};
  try {
    window.DKFDS.init({ scope: element });
  } finally {
    navigation.init = setUp;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  if (window.htmx && window.DKFDS) {
    window.htmx.onLoad((element) => {
      if (element !== document.body && element.isConnected) {
        initSwapped(element);
      }
    });
  }
});
