// A page's print button ([data-print], hidden in the markup): shown only where a script can
// print. Without JavaScript there is no dead button; the browser's own Print gives the same
// pages, laid out for paper by app.css.
"use strict";

for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
