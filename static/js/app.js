// The little JavaScript the portal needs. No inline scripts anywhere: our CSP forbids them.
"use strict";

// The page runs JavaScript: the menu may fold its last items into "Mere" (app.css wraps it
// otherwise).
document.documentElement.classList.add("js");

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

// An offer picked before htmx had loaded (a slow phone), or a form the browser restored on
// "back", shows the questions of another offer than the one checked: ask for the right ones
// as soon as htmx has processed the page, as the change would have.
function catchUpOfferFields() {
  const shown = document.querySelector('input[name="shown_offer"]');
  const checked = document.querySelector('input[name="offer_kind"]:checked');
  if (shown && checked && checked.value !== shown.value) {
    window.htmx.trigger(checked, "change");
  }
}

// htmx sets the page up in a task of its own, queued when its script ran: before this script
// ran if this one was still arriving (a slow line), or after. Either way the offer's questions
// are caught up once htmx has processed the page: when it does (htmx.onLoad, registered now, not
// on DOMContentLoaded; again on any later processing of the whole page), or, when that has
// passed already, in a task queued after htmx's own.
let pageProcessed = false;

if (window.htmx) {
  window.htmx.onLoad((element) => {
    if (element === document.body) {
      pageProcessed = true;
      catchUpOfferFields();
    } else if (element.isConnected && window.DKFDS) {
      initSwapped(element);
    }
  });
  setTimeout(() => {
    if (!pageProcessed) {
      catchUpOfferFields();
    }
  });
}

// The design system writes its menu button's word in Danish: the page's own word replaces it.
function translateMoreButton() {
  const word = document.querySelector("nav[data-more-label]");
  if (word) {
    for (const label of document.querySelectorAll(".more-button span")) {
      label.textContent = word.dataset.moreLabel;
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS) {
    window.DKFDS.init();
    translateMoreButton();
  }
});
