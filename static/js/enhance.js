/*
 * Small enhancements; every page works without them.
 * - The filters panel starts open on a wide screen (closed on a phone).
 * - "Use my location": asks the browser for the location only when pressed, rounds it to
 *   two decimal places (about 1 km) before it leaves the browser, and never stores it.
 * - Next meetings of groups you can join online are also shown in the visitor's own time.
 * - A message box with a length limit says how many characters are left (the limit is in its hint anyway).
 */
(function () {
  "use strict";

  // The filters are closed in the page so a phone lands on the results; on a wide screen, where they sit
  // beside the results (and site.css already shows them), open them so the toggle's state says so too.
  var filtersPanel = document.querySelector("[data-filters-panel]");
  if (filtersPanel && window.matchMedia && window.matchMedia("(min-width: 52rem)").matches) {
    filtersPanel.open = true;
  }

  // Characters left, shown as the person types; screen readers hear it only once they pause (GOV.UK's way).
  var boxes = document.querySelectorAll("textarea[maxlength][data-characters-left]");
  Array.prototype.forEach.call(boxes, function (box) {
    var limit = Number(box.getAttribute("maxlength"));
    var shown = document.createElement("p");
    var heard = document.createElement("p");
    shown.className = "hint character-count";
    shown.setAttribute("aria-hidden", "true");
    heard.className = "visually-hidden";
    heard.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", heard);
    box.insertAdjacentElement("afterend", shown);
    var pause;
    function update() {
      var text = box.dataset.charactersLeft.replace("%(count)s", String(Math.max(0, limit - box.value.length)));
      shown.textContent = text;
      clearTimeout(pause);
      pause = setTimeout(function () { heard.textContent = text; }, 1000);
    }
    box.addEventListener("input", update);
    shown.textContent = box.dataset.charactersLeft.replace("%(count)s", String(limit - box.value.length));
  });

  var button = document.querySelector("[data-use-location]");
  if (button && "geolocation" in navigator) {
    var status = document.querySelector("[data-location-status]");
    var form = button.form;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) { status.textContent = button.dataset.finding || "Finding your location…"; }
      navigator.geolocation.getCurrentPosition(function (position) {
        var fields = form.querySelectorAll("[data-location-field]");
        for (var i = 0; i < fields.length; i++) { fields[i].remove(); }
        var near = form.querySelector("[name=near]");
        if (near) { near.value = ""; }
        [["lat", position.coords.latitude], ["lng", position.coords.longitude]].forEach(function (pair) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = pair[0];
          input.value = pair[1].toFixed(2);
          input.setAttribute("data-location-field", "");
          form.appendChild(input);
        });
        form.submit();
      }, function () {
        if (status) { status.textContent = button.dataset.failed || "Your location could not be found. Type a town or city instead."; }
      }, { enableHighAccuracy: false, maximumAge: 600000, timeout: 15000 });
    });
  }

  // The visitor's own time for a meeting they can join from anywhere: on its own line, in the page's date
  // conventions (the same order as the group's time above it: weekday day month year, 24-hour clock), and
  // only when it differs from the group's time.
  var visitorZone;
  try { visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { visitorZone = null; }
  if (!visitorZone) { return; }
  var lang = document.documentElement.lang || undefined;

  function wallClock(when, zone) {
    var parts = {};
    new Intl.DateTimeFormat(lang, {
      timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(when).forEach(function (part) { parts[part.type] = part.value; });
    return parts.weekday + " " + parts.day + " " + parts.month + " " + parts.year + ", " +
      parts.hour + ":" + parts.minute;
  }

  function cityName(zone) {
    return zone.split("/").pop().replace(/_/g, " ");
  }

  var times = document.querySelectorAll("time[data-local-time]");
  for (var j = 0; j < times.length; j++) {
    var element = times[j];
    var when = new Date(element.getAttribute("datetime"));
    if (isNaN(when.getTime())) { continue; }
    var theirs, yours;
    try {
      theirs = wallClock(when, element.dataset.zone);
      yours = wallClock(when, visitorZone);
    } catch (e) { continue; }  // a zone this browser does not know
    if (theirs === yours) { continue; }
    var note = document.createElement("p");
    note.className = "local-time";
    note.textContent = (element.dataset.yourTime || "Your time:") + " " + yours + " (" + cityName(visitorZone) + ")";
    element.parentNode.appendChild(note);
  }
})();
