/*
 * Quick exit, in the manner of GOV.UK's "Exit this page".
 * Without JavaScript the button and skip link are plain links to the neutral site.
 * With it: the page is hidden at once behind a blank overlay, then the tab goes to the
 * neutral site with location.replace(), so Back does not return here. Shift pressed
 * three times on its own also triggers it; any other key, or 5 seconds, resets the count.
 */
(function () {
  "use strict";
  var PRESSES_NEEDED = 3;
  var RESET_AFTER_MS = 5000;
  var links = document.querySelectorAll("[data-quick-exit]");
  if (!links.length) { return; }
  var destination = links[0].getAttribute("href");
  var status = document.querySelector("[data-quick-exit-status]");
  var indicators = document.querySelector("[data-quick-exit-indicators]");
  var presses = 0;
  var timer = null;
  var shiftAlone = false;

  function showOverlay() {
    document.documentElement.classList.add("quick-exit-active");
    var overlay = document.createElement("div");
    overlay.className = "quick-exit-overlay";
    overlay.setAttribute("role", "alert");
    overlay.textContent = message("loading", "Loading.");
    document.body.appendChild(overlay);
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    showOverlay();
    window.location.replace(destination);
  }

  // The dots appear with the first Shift press and go with the count, so they are seen only while they mean
  // something (and never on a phone, which has no Shift key).
  function setIndicators(count) {
    if (!indicators) { return; }
    indicators.hidden = count === 0;
    var dots = indicators.querySelectorAll(".quick-exit__dot");
    for (var i = 0; i < dots.length; i++) {
      dots[i].classList.toggle("is-on", i < count);
    }
  }

  // Messages come translated from the page; English is the fallback.
  function message(name, fallback) {
    return (status && status.dataset[name]) || fallback;
  }

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  function reset(expired) {
    if (presses > 0 && expired) { announce(message("expired", "Exit this page expired.")); }
    presses = 0;
    setIndicators(0);
    if (timer) { clearTimeout(timer); timer = null; }
  }

  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener("click", leave);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      // Shift held with another key (typing a capital) must not count.
      shiftAlone = !event.repeat;
      return;
    }
    shiftAlone = false;
    reset(false);
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) { return; }
    shiftAlone = false;
    presses += 1;
    setIndicators(presses);
    if (timer) { clearTimeout(timer); }
    if (presses >= PRESSES_NEEDED) {
      reset(false);
      leave();
      return;
    }
    var remaining = PRESSES_NEEDED - presses;
    announce(remaining === 1 ? message("one", "Shift, press 1 more time to exit.")
                             : message("two", "Shift, press 2 more times to exit."));
    timer = setTimeout(function () { reset(true); }, RESET_AFTER_MS);
  });

  // Keep what gets focus, or is linked to, clear of the sticky bar: the page's scroll padding
  // (site.css) follows the bar's height, which changes with the screen width and text size.
  var bar = document.querySelector("[data-quick-exit-bar]");
  if (bar && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--quick-exit-height", bar.offsetHeight + "px");
    }).observe(bar);
  }

  // Coming back through the back/forward cache: take the overlay away again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.documentElement.classList.remove("quick-exit-active");
      var overlays = document.querySelectorAll(".quick-exit-overlay");
      for (var j = 0; j < overlays.length; j++) { overlays[j].remove(); }
    }
  });
})();
